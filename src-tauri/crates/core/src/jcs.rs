//! Canonical JSON (RFC 8785, JCS) for the values the desk writes: objects with keys sorted by
//! UTF-16 code units, no insignificant whitespace, strings escaped as ECMAScript does, and
//! integers only. A float is refused: nothing the journal holds is a float.

use serde_json::{Map, Value};

/// Serialises `value` canonically. Panics on a float, which would be a programming error
/// (every payload is built from integers and strings by this crate).
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

pub(crate) fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                write_integer(i, out);
            } else if let Some(u) = n.as_u64() {
                out.push_str(itoa::Buffer::new().format(u));
            } else {
                panic!("no floats in canonical JSON: {n}");
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(map, out),
    }
}

/// Serialises one object canonically, as [`canonical`] would the `Value::Object` holding it
/// (without building that value: a row taken from a payload need not be copied).
pub fn canonical_object(map: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_object(map, &mut out);
    out
}

fn write_object(map: &Map<String, Value>, out: &mut String) {
    // The entries with their values, so that no key is looked up again; a map that already
    // iterates in order (serde_json's default) is sorted in one pass.
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    sort_entries(&mut entries);
    out.push('{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(key, out);
        out.push(':');
        write_value(value, out);
    }
    out.push('}');
}

/// [`sort_keys`] for `(key, value)` pairs.
fn sort_entries(entries: &mut [(&String, &Value)]) {
    if entries.iter().all(|(k, _)| k.bytes().all(|b| b < 0xEE)) {
        entries.sort_by(|a, b| a.0.cmp(b.0));
    } else {
        entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    }
}

pub(crate) fn write_integer(i: i64, out: &mut String) {
    out.push_str(itoa::Buffer::new().format(i));
}

/// Orders keys by UTF-16 code units, as JCS requires. For keys without characters from
/// U+E000 up, that is the order of their UTF-8 bytes, which is cheaper to compare.
pub(crate) fn sort_keys<K: AsRef<str>>(keys: &mut [K]) {
    // UTF-8 starts U+E000 and above with a byte of 0xEE or more.
    if keys.iter().all(|k| k.as_ref().bytes().all(|b| b < 0xEE)) {
        keys.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
    } else {
        keys.sort_by(|a, b| a.as_ref().encode_utf16().cmp(b.as_ref().encode_utf16()));
    }
}

/// Whether `s` holds a byte JSON must escape (a control character, `"` or `\`), eight
/// bytes at a time: the exporter writes hundreds of thousands of strings.
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Non-zero exactly when some byte of `w` is below `n` (n at most 0x80).
    let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        if below(w, 0x20) | below(w ^ (ONES * u64::from(b'"')), 1) | below(w ^ (ONES * u64::from(b'\\')), 1) != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

pub(crate) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Most text needs no escape at all: copy it whole.
    if !needs_escape(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::canonical;
    use serde_json::json;

    #[test]
    fn the_escape_scan_finds_exactly_the_bytes_to_escape() {
        let naive = |s: &[u8]| s.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
        let mut texts: Vec<Vec<u8>> = vec![b"".to_vec(), "张三 住院预交金 0123456789abcdef".as_bytes().to_vec()];
        for len in [1, 7, 8, 9, 16, 17] {
            for at in 0..len {
                for b in [0u8, 0x1f, 0x20, b'"', b'\\', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xe5, 0xff] {
                    let mut t = vec![b'a'; len];
                    t[at] = b;
                    texts.push(t);
                }
            }
        }
        for t in texts {
            assert_eq!(super::needs_escape(&t), naive(&t), "{t:?}");
        }
    }

    fn check(input: serde_json::Value, expected: &str) {
        assert_eq!(canonical(&input), expected);
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        check(json!({"b": 1, "a": [true, null, "x"]}), r#"{"a":[true,null,"x"],"b":1}"#);
        check(json!({"z": {"y": 2, "x": -3}}), r#"{"z":{"x":-3,"y":2}}"#);
    }

    #[test]
    fn sorts_by_utf16_code_units_not_by_chars() {
        // U+1F600 is D83D DE00 in UTF-16, which sorts before U+FF21 (FF21).
        check(json!({"\u{FF21}": 1, "\u{1F600}": 2}), "{\"\u{1F600}\":2,\"\u{FF21}\":1}");
    }

    #[test]
    fn an_object_alone_is_written_as_inside_a_value() {
        let v = json!({"\u{FF21}": {"z": 1, "a": "收"}, "\u{1F600}": [2, {"y": null, "b": true}], "k": -7});
        let serde_json::Value::Object(map) = &v else { unreachable!() };
        assert_eq!(super::canonical_object(map), canonical(&v));
        assert!(canonical(&v).starts_with("{\"k\":-7,\"\u{1F600}\":[2,{\"b\":true,\"y\":null}]"));
    }

    #[test]
    fn escapes_like_ecmascript() {
        check(json!("a\"b\\c\nd\u{1}é收"), "\"a\\\"b\\\\c\\nd\\u0001é收\"");
        check(json!("/"), "\"/\"");
    }

    #[test]
    fn sorts_ascii_keys_and_big_integers() {
        check(
            json!({"b_": 1, "b": 2, "B": 3, "a1": i64::MIN, "a0": u64::MAX}),
            &format!("{{\"B\":3,\"a0\":{},\"a1\":{},\"b\":2,\"b_\":1}}", u64::MAX, i64::MIN),
        );
    }

    #[test]
    fn escapes_every_control_character() {
        for c in 0u32..0x20 {
            let text = format!("x{}y", char::from_u32(c).expect("control"));
            let out = canonical(&json!(text));
            assert!(!out.chars().any(|ch| (ch as u32) < 0x20), "U+{c:04X} left raw: {out:?}");
            assert_eq!(serde_json::from_str::<String>(&out).expect("valid JSON"), text);
        }
    }

    #[test]
    #[should_panic(expected = "no floats")]
    fn refuses_floats() {
        canonical(&json!(1.5));
    }
}
