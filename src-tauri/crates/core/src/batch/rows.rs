//! The rows of a journal entry as a reader takes them, without building a JSON tree for each
//! payload: when the entry's payload text is proven canonical (its hash is the recorded one),
//! every row is read straight from its own text ([`Row::Canonical`]); a payload laid out
//! otherwise is parsed into a tree as before ([`Row::Tree`]). Either way a reader gets the
//! same fields, read by the same rules as `serde_json::Value`'s accessors ([`Str`], [`Int`]),
//! and the same canonical text of a row.

use crate::jcs;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// One row a journal entry inserted.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// The row's own text within a payload proven canonical: it is canonical too.
    Canonical(&'a str),
    /// A row of a payload parsed as a tree.
    Tree(&'a Map<String, Value>),
}

impl<'a> Row<'a> {
    /// The row's fields as `T` declares them (unknown fields are skipped); `None` when the row
    /// cannot be read so (a field given twice, or of a type `T` does not take).
    pub fn parse<T: Deserialize<'a>>(self) -> Option<T> {
        match self {
            Row::Canonical(text) => serde_json::from_str(text).ok(),
            Row::Tree(map) => T::deserialize(map).ok(),
        }
    }

    /// The row as canonical JSON (RFC 8785), as the station journalled it.
    pub fn canonical(self) -> Cow<'a, str> {
        match self {
            Row::Canonical(text) => Cow::Borrowed(text),
            Row::Tree(map) => Cow::Owned(jcs::canonical_object(map)),
        }
    }
}

/// The rows of a payload, `(table, row)`, tables in the payload's key order (as a
/// `serde_json::Map` holds them) and rows in order. A payload that is no object, a `rows` that
/// is no object, a table that is no array and a row that is no object give no rows, as
/// [`super::payload_rows`] reads them.
pub type Rows<'a> = Vec<(Cow<'a, str>, Row<'a>)>;

/// The rows of a payload given as its tree.
pub fn tree_rows(payload: &Value) -> Rows<'_> {
    super::payload_rows(payload)
        .map(|(t, r)| (Cow::Borrowed(t), Row::Tree(r)))
        .collect()
}

/// The rows of a canonical payload text, each as its own text; `None` when the text is not
/// laid out as a payload is (the caller then parses it as a tree).
pub fn canonical_rows(payload: &str) -> Option<Rows<'_>> {
    #[derive(serde::Deserialize)]
    struct Payload<'a> {
        #[serde(borrow, default)]
        rows: Option<&'a RawValue>,
    }
    let is = |raw: &RawValue, open: u8| raw.get().as_bytes().first() == Some(&open);
    if !payload.starts_with('{') {
        return Some(Vec::new());
    }
    let p: Payload<'_> = serde_json::from_str(payload).ok()?;
    let Some(rows) = p.rows.filter(|r| is(r, b'{')) else {
        return Some(Vec::new());
    };
    // Keys in a map's order, a key given twice keeping its last value, as a tree would.
    let tables: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_str(rows.get()).ok()?;
    let mut out = Vec::new();
    for (table, list) in tables {
        if !is(list, b'[') {
            continue;
        }
        let list: Vec<&RawValue> = serde_json::from_str(list.get()).ok()?;
        out.extend(
            list.into_iter()
                .filter(|r| is(r, b'{'))
                .map(|r| (table.clone(), Row::Canonical(r.get()))),
        );
    }
    Some(out)
}

/// A field read as `Value::as_str` reads it: its text when it is a string, else none (absent,
/// null, a number …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Str<'a>(pub Option<Cow<'a, str>>);

impl<'a> Str<'a> {
    /// The text, or `""` (as `as_str().unwrap_or("")`).
    pub fn text(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }

    pub fn owned(&self) -> String {
        self.text().to_string()
    }

    pub fn opt(&self) -> Option<String> {
        self.0.as_deref().map(str::to_string)
    }
}

/// A field read as `Value::as_i64` reads it, 0 when it is none: absent, null, a string, a
/// fraction, or out of range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Int(pub i64);

/// Skips whatever value it is given.
fn skip<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Owned(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Str<'de>, A::Error> {
                skip(seq).map(|_| Str(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Str<'de>, A::Error> {
                skip_map(map).map(|_| Str(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                Ok(Int(i64::try_from(v).unwrap_or(0)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Int, E> {
                Ok(Int(0))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Int, E> {
                Ok(Int(0))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Int, E> {
                Ok(Int(0))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Int, E> {
                Ok(Int(0))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Int, A::Error> {
                skip(seq).map(|_| Int(0))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Int, A::Error> {
                skip_map(map).map(|_| Int(0))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(default)]
    struct R<'a> {
        #[serde(borrow)]
        id: Str<'a>,
        #[serde(borrow)]
        note: Str<'a>,
        n: Int,
        m: Int,
    }

    #[test]
    fn a_row_reads_the_same_from_its_text_and_from_its_tree() {
        let payload = r#"{"rows":{"a":[{"id":"x\"y","m":"1","n":7,"note":null,"z":[1,{"q":2}]},3],"b":{"no":"array"},"c":[{"id":5,"m":18446744073709551615,"n":"7"}]},"x":1}"#;
        let tree: Value = serde_json::from_str(payload).unwrap();
        let fast = canonical_rows(payload).unwrap();
        let slow = tree_rows(&tree);
        assert_eq!(fast.len(), 2, "a table that is no array and a row that is no object give nothing");
        assert_eq!(fast.len(), slow.len());
        for ((t1, r1), (t2, r2)) in fast.iter().zip(&slow) {
            assert_eq!(t1, t2);
            assert_eq!(r1.parse::<R>(), r2.parse::<R>());
            assert_eq!(r1.canonical(), r2.canonical());
        }
        let first: R = fast[0].1.parse().unwrap();
        assert_eq!(first.id.text(), "x\"y");
        assert_eq!((first.n, first.m, first.note.0), (Int(7), Int(0), None));
        let second: R = fast[1].1.parse().unwrap();
        assert_eq!((second.id.0, second.n, second.m), (None, Int(0), Int(0)));
        let fraction: Value = serde_json::from_str(r#"{"m":1.5,"n":-2}"#).unwrap();
        let fraction = (
            Row::Canonical(r#"{"m":1.5,"n":-2}"#).parse::<R>(),
            Row::Tree(fraction.as_object().unwrap()).parse::<R>(),
        );
        assert_eq!(fraction.0, fraction.1);
        assert_eq!(fraction.0.map(|r| (r.m, r.n)), Some((Int(0), Int(-2))));
        assert_eq!(canonical_rows("[1]").unwrap().len(), 0);
        assert_eq!(canonical_rows(r#"{"rows":[1]}"#).unwrap().len(), 0);
        assert!(
            canonical_rows(r#"{"rows":{"a":[{"id":1}"#).is_none(),
            "text cut short is no payload"
        );
    }
}
