//! The bundle's JSON, written straight into the output text as RFC 8785 canonical JSON,
//! without a tree per resource. The mapping code names each object's keys in canonical order
//! (they are ASCII: byte order is RFC 8785's UTF-16 order; debug builds check it), and the
//! writer leaves out what FHIR allows none of: an empty string, and an object or array that
//! ends up with nothing in it (its key is taken back out of the text).
//!
//! Also the bundle's small value helpers: decimals written as ECMAScript writes numbers
//! (which JCS requires), references, identifiers, extensions, and derived ids.

use crate::jcs;

/// An object being written: `{` is out, `}` comes when the closure that fills it returns.
pub(super) struct Obj<'o> {
    out: &'o mut String,
    n: usize,
    #[cfg(debug_assertions)]
    last: &'static str,
}

/// An array being written.
pub(super) struct Arr<'o> {
    out: &'o mut String,
    n: usize,
}

/// Writes one object into `out` (as it stands, even when empty).
pub(super) fn object(out: &mut String, f: impl FnOnce(&mut Obj<'_>)) {
    out.push('{');
    f(&mut Obj::new(out));
    out.push('}');
}

impl<'o> Obj<'o> {
    fn new(out: &'o mut String) -> Obj<'o> {
        Obj {
            out,
            n: 0,
            #[cfg(debug_assertions)]
            last: "",
        }
    }

    fn key(&mut self, k: &'static str) {
        #[cfg(debug_assertions)]
        {
            assert!(
                self.n == 0 || k > self.last,
                "keys out of canonical order: {:?} after {:?}",
                k,
                self.last
            );
            self.last = k;
        }
        if self.n > 0 {
            self.out.push(',');
        }
        jcs::write_string(k, self.out);
        self.out.push(':');
        self.n += 1;
    }

    /// A text; nothing when empty.
    pub(super) fn str(&mut self, k: &'static str, v: &str) -> &mut Self {
        if !v.is_empty() {
            self.key(k);
            jcs::write_string(v, self.out);
        }
        self
    }

    /// A text made of pieces written one after the other (`urn:uuid:` and an id, say); nothing
    /// when they are all empty.
    pub(super) fn concat(&mut self, k: &'static str, parts: &[&str]) -> &mut Self {
        if parts.iter().any(|p| !p.is_empty()) {
            self.key(k);
            write_concat(parts, self.out);
        }
        self
    }

    pub(super) fn int(&mut self, k: &'static str, v: i64) -> &mut Self {
        self.key(k);
        jcs::write_integer(v, self.out);
        self
    }

    /// `units` hundredths (or other `places`) as a decimal number.
    pub(super) fn dec(&mut self, k: &'static str, units: i64, places: u32) -> &mut Self {
        self.key(k);
        decimal(units, places, self.out);
        self
    }

    pub(super) fn bool(&mut self, k: &'static str, v: bool) -> &mut Self {
        self.key(k);
        self.out.push_str(if v { "true" } else { "false" });
        self
    }

    /// A nested object; left out when it ends up empty.
    pub(super) fn obj(&mut self, k: &'static str, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.nested(k, '{', '}', |out| {
            let mut child = Obj::new(out);
            f(&mut child);
            child.n
        })
    }

    /// A nested array; left out when it ends up empty.
    pub(super) fn arr(&mut self, k: &'static str, f: impl FnOnce(&mut Arr<'_>)) -> &mut Self {
        self.nested(k, '[', ']', |out| {
            let mut child = Arr { out, n: 0 };
            f(&mut child);
            child.n
        })
    }

    /// A value under `k` between `open` and `close`, written by `write` (which says how many
    /// members it wrote); taken back whole, key included, when it wrote none.
    fn nested(&mut self, k: &'static str, open: char, close: char, write: impl FnOnce(&mut String) -> usize) -> &mut Self {
        let mark = self.out.len();
        #[cfg(debug_assertions)]
        let last = self.last;
        self.key(k);
        self.out.push(open);
        if write(self.out) == 0 {
            self.out.truncate(mark);
            self.n -= 1;
            #[cfg(debug_assertions)]
            {
                self.last = last;
            }
        } else {
            self.out.push(close);
        }
        self
    }

    /// `{"currency":"CNY","value":…}`.
    pub(super) fn money(&mut self, k: &'static str, fen: i64) -> &mut Self {
        self.money_in(k, fen, 2)
    }

    /// An amount of yuan given in units of 10^-`places` yuan.
    pub(super) fn money_in(&mut self, k: &'static str, units: i64, places: u32) -> &mut Self {
        self.obj(k, |o| {
            o.str("currency", "CNY").dec("value", units, places);
        })
    }

    /// `{"reference":"urn:uuid:<id>"}`.
    pub(super) fn reference(&mut self, k: &'static str, id: &str) -> &mut Self {
        self.obj(k, |o| {
            o.concat("reference", &[URN, id]);
        })
    }
}

impl Arr<'_> {
    fn sep(&mut self) {
        if self.n > 0 {
            self.out.push(',');
        }
        self.n += 1;
    }

    /// An element object, written even when empty (`{}`).
    pub(super) fn obj_kept(&mut self, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.sep();
        object(self.out, f);
        self
    }

    /// An element object, left out when it ends up empty.
    pub(super) fn obj(&mut self, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        let mark = self.out.len();
        let n = self.n;
        self.sep();
        self.out.push('{');
        let mut child = Obj::new(self.out);
        f(&mut child);
        if child.n == 0 {
            self.out.truncate(mark);
            self.n = n;
        } else {
            self.out.push('}');
        }
        self
    }

    /// `{"system":…,"value":…}`, left out when `value` is empty.
    pub(super) fn identifier(&mut self, system: &str, value: &[&str]) -> &mut Self {
        if value.iter().all(|p| p.is_empty()) {
            return self;
        }
        self.obj(|o| {
            o.str("system", system).concat("value", value);
        })
    }

    /// The same, but an empty `value` still writes `{}` (an element of a plain list).
    pub(super) fn identifier_kept(&mut self, system: &str, value: &[&str]) -> &mut Self {
        if value.iter().all(|p| p.is_empty()) {
            self.sep();
            self.out.push_str("{}");
            return self;
        }
        self.identifier(system, value)
    }

    /// A simple extension `{"url":"<EXT><name>", "<value_key>": …}` (written even when the
    /// value is empty: then the url alone).
    pub(super) fn ext(&mut self, name: &str, value: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.obj(|o| {
            o.concat("url", &[EXT, name]);
            value(o);
        })
    }

    /// A complex extension: `{"extension":[parts…],"url":"<EXT><name>"}`.
    pub(super) fn ext_complex(&mut self, name: &str, parts: impl FnOnce(&mut Arr<'_>)) -> &mut Self {
        self.obj(|o| {
            o.arr("extension", parts);
            o.concat("url", &[EXT, name]);
        })
    }

    /// A part of a complex extension (its url the bare part name) holding a text: left out
    /// when the text is empty, unless `kept` (then `{}` stands in its place).
    pub(super) fn part_str(&mut self, name: &str, value_key: &'static str, value: &str, kept: bool) -> &mut Self {
        if value.is_empty() {
            if kept {
                self.sep();
                self.out.push_str("{}");
            }
            return self;
        }
        self.part(name, |o| {
            o.str(value_key, value);
        })
    }

    /// A part holding a value that is never empty (money, a coding, a boolean): `value` writes
    /// it, its key sorting after `url`.
    pub(super) fn part(&mut self, name: &str, value: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.obj(|o| {
            o.str("url", name);
            value(o);
        })
    }
}

pub(super) const URN: &str = "urn:uuid:";
pub(super) const EXT: &str = "urn:downtime-desk:fhir:extension:";

fn write_concat(parts: &[&str], out: &mut String) {
    match parts {
        [one] => jcs::write_string(one, out),
        _ => jcs::write_string(&parts.concat(), out),
    }
}

/// `units` hundredths (or thousandths, `places` 3) as the number ECMAScript would print.
pub(super) fn decimal(units: i64, places: u32, out: &mut String) {
    let scale = 10u64.pow(places);
    if units < 0 {
        out.push('-');
    }
    let a = units.unsigned_abs();
    let (whole, frac) = (a / scale, a % scale);
    out.push_str(itoa::Buffer::new().format(whole));
    if frac == 0 {
        return;
    }
    out.push('.');
    let mut digits = [b'0'; 20];
    let mut f = frac;
    for k in (0..places as usize).rev() {
        digits[k] = b'0' + (f % 10) as u8;
        f /= 10;
    }
    let mut end = places as usize;
    while end > 0 && digits[end - 1] == b'0' {
        end -= 1;
    }
    out.push_str(std::str::from_utf8(&digits[..end]).expect("ASCII digits"));
}

/// A UUID made from a record's UUID and what it names (a receipt line, an account), the
/// same every time: SHA-256 of both, as a version 8 (custom) UUID.
pub(super) fn derived_id(base: &str, what: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(base.as_bytes());
    h.update(b"/");
    h.update(what.as_bytes());
    let d = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(units: i64, places: u32) -> String {
        let mut out = String::new();
        decimal(units, places, &mut out);
        out
    }

    #[test]
    fn decimals_are_written_as_ecmascript_writes_numbers() {
        for (units, places, expected) in [
            (1250, 2, "12.5"),
            (1200, 2, "12"),
            (1205, 2, "12.05"),
            (-1250, 2, "-12.5"),
            (-5, 2, "-0.05"),
            (0, 2, "0"),
            (2500, 3, "2.5"),
            (375, 4, "0.0375"),
            (10_0000, 4, "10"),
        ] {
            assert_eq!(dec(units, places), expected);
            // The same as the number ECMAScript (and so serde_json) writes.
            let f = units as f64 / 10f64.powi(places as i32);
            assert_eq!(
                serde_json::Number::from_f64(f).unwrap().to_string().trim_end_matches(".0"),
                expected
            );
        }
    }

    #[test]
    fn objects_drop_empty_values_and_keys_come_in_the_order_written() {
        let mut out = String::new();
        object(&mut out, |o| {
            o.int("A", 1)
                .str("a", "")
                .arr("b", |_| {})
                .obj("c", |o| {
                    o.str("x", "").obj("y", |_| {});
                })
                .arr("d", |a| {
                    a.obj(|_| {}).obj_kept(|_| {}).identifier("s", &[""]).identifier_kept("s", &[""]);
                })
                .str("e", "x\"y");
        });
        assert_eq!(out, r#"{"A":1,"d":[{},{}],"e":"x\"y"}"#);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "canonical order")]
    fn keys_out_of_order_are_caught() {
        let mut out = String::new();
        object(&mut out, |o| {
            o.str("b", "1").str("a", "2");
        });
    }

    #[test]
    fn derived_ids_are_stable_uuids() {
        let a = derived_id("01a24bf2-a2cc-77e3-ac1d-813d8e8da3f8", "line/1");
        assert_eq!(a, derived_id("01a24bf2-a2cc-77e3-ac1d-813d8e8da3f8", "line/1"));
        assert_ne!(a, derived_id("01a24bf2-a2cc-77e3-ac1d-813d8e8da3f8", "line/2"));
        // As it was first made: SHA-256 of "<base>/<what>".
        assert_eq!(a, {
            use sha2::{Digest, Sha256};
            let d = Sha256::digest(b"01a24bf2-a2cc-77e3-ac1d-813d8e8da3f8/line/1");
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(&d[..16]);
            bytes[6] = (bytes[6] & 0x0f) | 0x80;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            uuid::Uuid::from_bytes(bytes).to_string()
        });
        let u = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(u.get_version_num(), 8);
    }
}
