//! Canonical JSON (RFC 8785, JCS) for the values the desk writes: objects with keys sorted by
//! UTF-16 code units, no insignificant whitespace, strings escaped as ECMAScript does, and
//! integers only. A float is refused: nothing the journal holds is a float.

use serde_json::Value;

/// Serialises `value` canonically. Panics on a float, which would be a programming error
/// (every payload is built from integers and strings by this crate).
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            assert!(n.is_i64() || n.is_u64(), "no floats in canonical JSON: {n}");
            out.push_str(&n.to_string());
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
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(&map[key], out);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
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
    fn escapes_like_ecmascript() {
        check(json!("a\"b\\c\nd\u{1}é收"), "\"a\\\"b\\\\c\\nd\\u0001é收\"");
        check(json!("/"), "\"/\"");
    }

    #[test]
    #[should_panic(expected = "no floats")]
    fn refuses_floats() {
        canonical(&json!(1.5));
    }
}
