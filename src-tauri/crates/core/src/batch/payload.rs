//! A journal payload (`{"rows": {table: [row, …]}}`) read as what it is: tables of flat rows
//! whose values are integers, texts or null. [`Payload::parse`] reads the text straight into
//! that shape, its texts and keys borrowed from the payload wherever they hold no escape,
//! instead of building a `serde_json::Value` tree (a map per row, a `String` per value) only
//! to look a few columns up and throw it away: the exporter reads every entry of a batch so.
//! The checker reads `records.jsonl` with the same reader ([`Payload::read`]): one pass over
//! the payload keeps each row as its own text (what finance's content hash is taken over) and
//! reads a row's fields only when a reader asks for them, with the same accessors.
//!
//! A [`Rec`] is one row: column name to [`Val`]. The exporter's rows read from the store
//! (`export::lookup`) are the same type with owned texts (`Rec<'static>`), so one set of
//! accessors ([`Rec::text`], [`Rec::int`]) serves both, and they answer as the `Value` ones
//! did: "" for a text that is absent, null or not a text; 0 (or `None`) for an integer so.

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

/// One column's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Val<'a> {
    #[default]
    Null,
    Int(i64),
    Str(Cow<'a, str>),
    /// Anything else (a boolean, a fraction, a nested value): no row of the schema has one,
    /// and the accessors read it as absent, as `Value::as_str` and `as_i64` would.
    Other,
}

impl Val<'_> {
    pub fn into_owned(self) -> Val<'static> {
        match self {
            Val::Null => Val::Null,
            Val::Int(n) => Val::Int(n),
            Val::Str(t) => Val::Str(Cow::Owned(t.into_owned())),
            Val::Other => Val::Other,
        }
    }
}

/// One row: its columns in the order the text (or the query) gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rec<'a> {
    fields: Vec<(Cow<'a, str>, Val<'a>)>,
}

impl<'a> Rec<'a> {
    pub fn with_capacity(n: usize) -> Self {
        Rec {
            fields: Vec::with_capacity(n),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Val<'a>> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A text column ("" when absent, null or not a text).
    pub fn text(&self, key: &str) -> &str {
        match self.get(key) {
            Some(Val::Str(t)) => t,
            _ => "",
        }
    }

    /// A text column, if it holds a text (as `Value::as_str`).
    pub fn text_opt(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Val::Str(t)) => Some(t),
            _ => None,
        }
    }

    /// An integer column, if it holds one.
    pub fn int_opt(&self, key: &str) -> Option<i64> {
        match self.get(key) {
            Some(Val::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// An integer column (0 when absent, null or not an integer).
    pub fn int(&self, key: &str) -> i64 {
        self.int_opt(key).unwrap_or(0)
    }

    /// Sets a column, replacing its value if it has one.
    pub fn set(&mut self, key: &str, value: Val<'a>) {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.fields.push((Cow::Owned(key.to_string()), value)),
        }
    }

    /// Adds a column known not to be there yet (a query's columns).
    pub fn push(&mut self, key: Cow<'a, str>, value: Val<'a>) {
        self.fields.push((key, value));
    }

    /// The same row owning its texts.
    pub fn into_owned(self) -> Rec<'static> {
        Rec {
            fields: self
                .fields
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                .collect(),
        }
    }

    pub fn to_owned_rec(&self) -> Rec<'static> {
        self.clone().into_owned()
    }
}

/// One row of a payload: read into a [`Rec`] at once (the exporter's way, [`Payload::parse`]),
/// or kept as its own text and read the first time a field of it is asked for (the checker's
/// way, [`Payload::read`]: most rows of a batch — receipt lines — are only counted, and the
/// text of a row is what its content hash is taken over).
#[derive(Debug)]
pub struct Row<'a> {
    text: Option<&'a str>,
    rec: OnceCell<Rec<'a>>,
}

impl<'a> Row<'a> {
    fn read(text: &'a str) -> Row<'a> {
        Row {
            text: Some(text),
            rec: OnceCell::new(),
        }
    }

    fn parsed(rec: Rec<'a>) -> Row<'a> {
        Row {
            text: None,
            rec: OnceCell::from(rec),
        }
    }

    /// The row's fields (read from its text the first time they are asked for).
    pub fn rec(&self) -> &Rec<'a> {
        self.rec.get_or_init(|| match self.text {
            // The text was read as a JSON object already: it reads as a row.
            Some(text) => serde_json::from_str(text).unwrap_or_default(),
            None => Rec::default(),
        })
    }

    /// The row's own text in the payload, as it stands (canonical when the payload is), for a
    /// row kept as its text ([`Payload::read`]).
    pub fn text(&self) -> Option<&'a str> {
        self.text
    }
}

/// A journal payload's rows, tables in key order (as a `serde_json::Map` iterates them, which
/// for a canonical payload is also the order of its text).
#[derive(Debug, Default)]
pub struct Payload<'a> {
    tables: Vec<(Cow<'a, str>, Vec<Row<'a>>)>,
}

impl<'a> Payload<'a> {
    /// Reads a stored payload; a text that is not one gives no rows (as reading it into a
    /// `Value` and asking for its `rows` would). Every row is read into its [`Rec`] at once.
    pub fn parse(text: &'a str) -> Payload<'a> {
        Self::read_as::<false>(text).unwrap_or_default()
    }

    /// Reads a payload in one pass, keeping each row as its own text ([`Row::text`]), read
    /// into fields only when asked ([`Row::rec`]); `None` when the text is not JSON at all. A
    /// text that is JSON but no payload (not an object, `rows` not an object …) gives no
    /// rows, as [`Payload::parse`] and a `Value` tree read it.
    pub fn read(text: &'a str) -> Option<Payload<'a>> {
        match Self::read_as::<true>(text) {
            Some(p) => Some(p),
            None => serde_json::from_str::<IgnoredAny>(text).ok().map(|_| Payload::default()),
        }
    }

    fn read_as<const LAZY: bool>(text: &'a str) -> Option<Payload<'a>> {
        let mut de = serde_json::Deserializer::from_str(text);
        let PayloadIn::<LAZY>(mut p) = PayloadIn::deserialize(&mut de).and_then(|p| de.end().map(|()| p)).ok()?;
        p.tables.sort_by(|a, b| a.0.cmp(&b.0));
        Some(p)
    }

    /// Every row as `(table, row)`, tables in key order, rows in their order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &Rec<'a>)> + Clone {
        self.entries().map(|(t, r)| (t, r.rec()))
    }

    /// Every row as `(table, row)`, in the same order, each read only when asked.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Row<'a>)> + Clone {
        self.tables
            .iter()
            .flat_map(|(table, rows)| rows.iter().map(move |r| (table.as_ref(), r)))
    }
}

/// A text, borrowed from the input when it holds no escape.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Val<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Val::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(Val::Other, Val::Int))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Val::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Val::Other)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Val::Null)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Val::Null)
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Val::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Val::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Val::Str(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Val::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Val::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Rec<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Rec<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // A receipt row has some 35 columns: room for them without growing.
                let mut rec = Rec::with_capacity(map.size_hint().unwrap_or(40));
                // Whether the keys so far came in ascending order (as in canonical text): a key
                // after the last of them is then new, with nothing to look through.
                let mut ascending = true;
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    let value: Val<'de> = map.next_value()?;
                    if ascending && rec.fields.last().is_none_or(|(last, _)| *last < key) {
                        rec.fields.push((key, value));
                        continue;
                    }
                    ascending = false;
                    // A repeated key: the last one stands, as in a `serde_json::Map`.
                    match rec.fields.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, v)) => *v = value,
                        None => rec.fields.push((key, value)),
                    }
                }
                Ok(rec)
            }
        }
        d.deserialize_map(V)
    }
}

/// A table's rows; anything in it that is not an object is skipped, as `payload_rows` does.
/// `LAZY`: each row kept as its text ([`Payload::read`]), else read into a [`Rec`].
struct Rows<'a, const LAZY: bool>(Vec<Row<'a>>);

impl<'de, const LAZY: bool> Deserialize<'de> for Rows<'de, LAZY> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const LAZY: bool>;
        impl<'de, const LAZY: bool> Visitor<'de> for V<LAZY> {
            type Value = Rows<'de, LAZY>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of rows")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(2));
                while let Some(item) = seq.next_element::<MaybeRow<'de, LAZY>>()? {
                    if let MaybeRow(Some(r)) = item {
                        rows.push(r);
                    }
                }
                Ok(Rows(rows))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Rows(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Rows(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Rows(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Rows(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Rows(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Rows(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Rows(Vec::new()))
            }
        }
        d.deserialize_any(V::<LAZY>)
    }
}

/// A row, or nothing for an element that is not an object.
struct MaybeRow<'a, const LAZY: bool>(Option<Row<'a>>);

impl<'de, const LAZY: bool> Deserialize<'de> for MaybeRow<'de, LAZY> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if LAZY {
            // Skimmed, not read: only its text is kept (an object's starts with `{`).
            let raw = <&'de RawValue>::deserialize(d)?.get();
            return Ok(MaybeRow(raw.starts_with('{').then(|| Row::read(raw))));
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<Rec<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Rec::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(None)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        Ok(MaybeRow(d.deserialize_any(V)?.map(Row::parsed)))
    }
}

/// A payload as read: only its `rows` are kept.
struct PayloadIn<'a, const LAZY: bool>(Payload<'a>);

impl<'de, const LAZY: bool> Deserialize<'de> for PayloadIn<'de, LAZY> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const LAZY: bool>;
        impl<'de, const LAZY: bool> Visitor<'de> for V<LAZY> {
            type Value = PayloadIn<'de, LAZY>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a journal payload")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut p = Payload::default();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    if key == "rows" {
                        let tables: Tables<'de, LAZY> = map.next_value()?;
                        p.tables = tables.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(PayloadIn(p))
            }
        }
        d.deserialize_map(V::<LAZY>)
    }
}

/// `rows`: table name to its rows.
struct Tables<'a, const LAZY: bool>(Vec<(Cow<'a, str>, Vec<Row<'a>>)>);

impl<'de, const LAZY: bool> Deserialize<'de> for Tables<'de, LAZY> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const LAZY: bool>;
        impl<'de, const LAZY: bool> Visitor<'de> for V<LAZY> {
            type Value = Tables<'de, LAZY>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("tables of rows")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut tables: Vec<(Cow<'de, str>, Vec<Row<'de>>)> = Vec::new();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    let Rows::<LAZY>(rows) = map.next_value()?;
                    match tables.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, r)) => *r = rows,
                        None => tables.push((key, rows)),
                    }
                }
                Ok(Tables(tables))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Tables(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Tables(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Tables(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Tables(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Tables(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Tables(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Tables(Vec::new()))
            }
        }
        d.deserialize_any(V::<LAZY>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Each row as (table, [(text, integer)] for each key asked for).
    type Read = Vec<(String, Vec<(String, Option<i64>)>)>;

    /// What the `Value` path reads.
    fn via_value(text: &str, keys: &[&str]) -> Read {
        let v: Value = serde_json::from_str(text).unwrap_or_default();
        crate::batch::payload_rows(&v)
            .map(|(t, r)| {
                (
                    t.to_string(),
                    keys.iter()
                        .map(|k| {
                            (
                                r.get(*k).and_then(Value::as_str).unwrap_or("").to_string(),
                                r.get(*k).and_then(Value::as_i64),
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }

    fn via_payload(text: &str, keys: &[&str]) -> Read {
        Payload::parse(text)
            .rows()
            .map(|(t, r)| (t.to_string(), keys.iter().map(|k| (r.text(k).to_string(), r.int_opt(k))).collect()))
            .collect()
    }

    #[test]
    fn reads_what_the_value_tree_reads() {
        let keys = ["id", "name", "n", "big", "flag", "nested", "none", "missing", "frac"];
        for text in [
            r#"{"rows":{"receipt":[{"id":"r1","n":12,"name":"张\"三\"\n"}],"patient":[{"id":"p1","none":null,"big":18446744073709551615,"flag":true,"nested":{"a":[1]},"frac":1.5,"n":-3}]}}"#,
            r#"{"other":{"x":1},"rows":{"b":[1,"x",{"id":"b1"},[2]],"a":[{"id":"a1"}],"c":{}}}"#,
            r#"{"rows":{"t":[{"id":"1","id":"2"}]}}"#,
            r#"{"rows":[]}"#,
            r#"not json"#,
            r#"{"rows":{"t":[{"id":"1"}]}} trailing"#,
            r#"{}"#,
            r#"{"rows":{"t":[{"id":"\u00e9\ud83d\ude00"}]}}"#,
        ] {
            assert_eq!(via_payload(text, &keys), via_value(text, &keys), "{text}");
        }
    }

    /// What the checker's reader reads: the same rows, each with its own text.
    fn via_read(text: &str, keys: &[&str]) -> Read {
        Payload::read(text)
            .unwrap_or_default()
            .entries()
            .map(|(t, r)| {
                (
                    t.to_string(),
                    keys.iter().map(|k| (r.rec().text(k).to_string(), r.rec().int_opt(k))).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_checkers_reading_reads_the_same_and_keeps_each_rows_text() {
        let keys = ["id", "name", "n", "big", "flag", "nested", "none", "missing", "frac"];
        for text in [
            r#"{"rows":{"receipt":[{"id":"r1","n":12,"name":"张\"三\"\n"}],"patient":[{"id":"p1","none":null,"big":18446744073709551615,"flag":true,"nested":{"a":[1]},"frac":1.5,"n":-3}]}}"#,
            r#"{"other":{"x":1},"rows":{"b":[1,"x",{"id":"b1"},[2]],"a":[{"id":"a1"}],"c":{}}}"#,
            r#"{"rows":{"t":[{"id":"1","id":"2"}]}}"#,
            r#"{"rows":{"t":[{"id":"1"}],"t":[{"id":"2"}]}}"#,
            r#"{"rows":[]}"#,
            r#"[1]"#,
            r#""text""#,
            r#"{}"#,
            r#"{"rows":{"t":[{"id":"\u00e9\ud83d\ude00"}]}}"#,
        ] {
            assert_eq!(via_read(text, &keys), via_value(text, &keys), "{text}");
            assert!(Payload::read(text).is_some(), "JSON is read: {text}");
        }
        for text in [
            "not json",
            r#"{"rows":{"t":[{"id":"1"}]}} trailing"#,
            r#"{"rows":{"a":[{"id":1}"#,
            "",
        ] {
            assert!(Payload::read(text).is_none(), "{text}");
            assert_eq!(via_payload(text, &keys), Vec::new(), "{text}");
        }
        // Each row's text is its own, as the canonical payload holds it.
        let canonical = r#"{"rows":{"a":[{"id":"x\"y","n":7,"note":null}],"b":[{"id":"z"},{"id":"w"}]},"x":1}"#;
        let tree: Value = serde_json::from_str(canonical).unwrap();
        let texts: Vec<String> = Payload::read(canonical)
            .unwrap()
            .entries()
            .map(|(_, r)| r.text().unwrap().to_string())
            .collect();
        let from_tree: Vec<String> = crate::batch::payload_rows(&tree)
            .map(|(_, r)| crate::jcs::canonical_object(r))
            .collect();
        assert_eq!(texts, from_tree);
        // The exporter's rows are read at once and carry no text.
        assert!(Payload::parse(canonical).entries().all(|(_, r)| r.text().is_none()));
    }

    #[test]
    fn texts_without_escapes_are_borrowed() {
        let text = r#"{"rows":{"t":[{"a":"plain","b":"esc\"aped"}]}}"#;
        let p = Payload::parse(text);
        let (_, r) = p.rows().next().unwrap();
        assert!(matches!(r.get("a"), Some(Val::Str(Cow::Borrowed("plain")))));
        assert!(matches!(r.get("b"), Some(Val::Str(Cow::Owned(_)))));
    }
}
