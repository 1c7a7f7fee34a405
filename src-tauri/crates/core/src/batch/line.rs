//! A line of `records.jsonl` taken apart: a line laid out as the exporter writes it is split where
//! its fields stand, without a parser; any other line is read as JSON (without a tree of its
//! payload). Either way the line is kept only when its payload text, as it stands, gives the
//! recorded hash; the checker (`verify.rs`) then links it into the chain.

use super::payload::Payload;
use crate::sha_pair::Sha256Pair;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::io::Read;
use uuid::Uuid;

/// A record line's fields, read without building a tree of its payload.
#[derive(serde::Deserialize)]
struct Line<'a> {
    seq: i64,
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    actor: Cow<'a, str>,
    #[serde(borrow)]
    at: Cow<'a, str>,
    #[serde(borrow)]
    payload: &'a RawValue,
    #[serde(borrow)]
    prev_hash: Cow<'a, str>,
    #[serde(borrow)]
    hash: Cow<'a, str>,
}

/// A line whose payload text, as it stands, gives the recorded hash, with the payload read
/// from that text ([`Payload::read`]).
pub(super) struct Proven<'a> {
    pub(super) seq: i64,
    pub(super) prev_hash: Cow<'a, str>,
    pub(super) hash: Cow<'a, str>,
    pub(super) payload: Payload<'a>,
}

/// The fields of a line laid out exactly as [`super::write_record_line`] writes it (every line
/// an exporter writes), each string without an escape: found where they stand, without a
/// parser; the payload's text is read once, afterwards, by [`Payload::read`]. `None` for any
/// other line, which is then read as JSON.
struct Parts<'a> {
    actor: &'a str,
    at: &'a str,
    hash: &'a str,
    id: &'a str,
    kind: &'a str,
    payload: &'a str,
    prev_hash: &'a str,
    seq: i64,
}

/// A JSON string at the start of `rest` that holds no escape and no control character: its
/// text, `rest` moved past it.
fn plain_string<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let body = rest.strip_prefix('"')?;
    let end = body.find('"')?;
    let text = &body[..end];
    if text.bytes().any(|b| b == b'\\' || b < 0x20) {
        return None;
    }
    *rest = &body[end + 1..];
    Some(text)
}

fn split_line(line: &str) -> Option<Parts<'_>> {
    let mut rest = line.strip_prefix("{\"actor\":")?;
    let actor = plain_string(&mut rest)?;
    rest = rest.strip_prefix(",\"at\":")?;
    let at = plain_string(&mut rest)?;
    rest = rest.strip_prefix(",\"hash\":")?;
    let hash = plain_string(&mut rest)?;
    rest = rest.strip_prefix(",\"id\":")?;
    let id = plain_string(&mut rest)?;
    rest = rest.strip_prefix(",\"kind\":")?;
    let kind = plain_string(&mut rest)?;
    rest = rest.strip_prefix(",\"payload\":")?;
    // The end, from the back: `,"prev_hash":"…","seq":N}` (the last such text in the line).
    let (body, seq) = rest.strip_suffix('}')?.rsplit_once(",\"seq\":")?;
    let canonical_integer = !seq.is_empty() && seq.bytes().all(|b| b.is_ascii_digit()) && (seq == "0" || !seq.starts_with('0'));
    let seq: i64 = seq.parse().ok().filter(|_| canonical_integer)?;
    let (payload, mut prev) = body.rsplit_once(",\"prev_hash\":")?;
    let prev_hash = plain_string(&mut prev)?;
    if !prev.is_empty() {
        return None;
    }
    Some(Parts {
        actor,
        at,
        hash,
        id,
        kind,
        payload,
        prev_hash,
        seq,
    })
}

/// The line, when its payload text as it stands gives the recorded hash: the station hashed
/// the canonical text, so that text is what the line holds, and its rows are read from it.
/// A line as the exporter writes it is taken apart where its fields stand; any other is read
/// as JSON (without a tree of its payload).
pub(super) fn proven_line(text: &str) -> Option<Proven<'_>> {
    if let Some(p) = split_line(text) {
        let hash = Uuid::parse_str(p.id)
            .ok()
            .map(|id| crate::journal::entry_hash(p.seq, &id, p.kind, p.actor, p.at, p.prev_hash, p.payload));
        if hash.as_deref() == Some(p.hash) {
            if let Some(payload) = Payload::read(p.payload) {
                return Some(Proven {
                    seq: p.seq,
                    prev_hash: Cow::Borrowed(p.prev_hash),
                    hash: Cow::Borrowed(p.hash),
                    payload,
                });
            }
        }
    }
    let line: Line = serde_json::from_str(text).ok()?;
    let id = Uuid::parse_str(&line.id).ok()?;
    let hash = crate::journal::entry_hash(
        line.seq,
        &id,
        &line.kind,
        &line.actor,
        &line.at,
        &line.prev_hash,
        line.payload.get(),
    );
    if hash != line.hash {
        return None;
    }
    Some(Proven {
        seq: line.seq,
        prev_hash: line.prev_hash,
        hash: line.hash,
        payload: Payload::read(line.payload.get()).unwrap_or_default(),
    })
}

/// [`proven_line`] of two lines, the two entries' hashes computed side by side ([`Sha256Pair`]):
/// checking a batch hashes every entry, and two hash in little more than the time of one. Lines
/// laid out otherwise, or whose hash does not hold, are each read again by [`proven_line`], so
/// the answers are always its own.
pub(super) fn proven_pair<'a, 'b>(a: &'a str, b: &'b str) -> (Option<Proven<'a>>, Option<Proven<'b>>) {
    let (Some(pa), Some(pb)) = (split_line(a), split_line(b)) else {
        return (proven_line(a), proven_line(b));
    };
    let head = |p: &Parts<'_>| {
        let id = Uuid::parse_str(p.id).ok()?;
        Some(crate::journal::entry_head(p.seq, &id, p.kind, p.actor, p.at, p.prev_hash))
    };
    let (Some(head_a), Some(head_b)) = (head(&pa), head(&pb)) else {
        return (proven_line(a), proven_line(b));
    };
    // Each entry's bytes whole in one text, so that only the last block of each is hashed
    // alone, if at all.
    let (mut text_a, mut text_b) = (head_a, head_b);
    text_a.push_str(pa.payload);
    text_b.push_str(pb.payload);
    let mut pair = Sha256Pair::new();
    pair.update(text_a.as_bytes(), text_b.as_bytes());
    let (hash_a, hash_b) = pair.finish();
    (
        prove(pa, &hash_a).or_else(|| proven_line(a)),
        prove(pb, &hash_b).or_else(|| proven_line(b)),
    )
}

/// A split line whose recorded hash is `digest`, with its payload read.
fn prove<'a>(p: Parts<'a>, digest: &[u8; 32]) -> Option<Proven<'a>> {
    let mut hex = [0u8; 64];
    hex::encode_to_slice(digest, &mut hex).expect("64 hex digits");
    if &hex[..] != p.hash.as_bytes() {
        return None;
    }
    Some(Proven {
        seq: p.seq,
        prev_hash: Cow::Borrowed(p.prev_hash),
        hash: Cow::Borrowed(p.hash),
        payload: Payload::read(p.payload)?,
    })
}

/// How much of `records.jsonl` one read takes: its lines are checked where they stand in it.
pub(super) const READ_BLOCK: usize = 1 << 20;

/// Reads `file` to its end, `block` bytes at a time: each block goes to `read` as it comes, and
/// each line, as `BufRead::read_until(b'\n')` gives it (its `\n` included; the last may have
/// none), to `line`, in place in the buffer (a line longer than the buffer grows it).
pub(super) fn read_lines(
    mut file: impl Read,
    block: usize,
    read: &mut dyn FnMut(&[u8]),
    line: &mut dyn FnMut(&[u8]),
) -> std::io::Result<()> {
    let mut buf = vec![0u8; block.max(1)];
    // `buf[start..end]`: read, not yet handed on as lines.
    let (mut start, mut end) = (0, 0);
    loop {
        while let Some(i) = memchr::memchr(b'\n', &buf[start..end]) {
            line(&buf[start..start + i + 1]);
            start += i + 1;
        }
        buf.copy_within(start..end, 0);
        end -= start;
        start = 0;
        if end == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        match file.read(&mut buf[end..]) {
            Ok(0) => {
                if end > 0 {
                    line(&buf[..end]);
                }
                return Ok(());
            }
            Ok(n) => {
                read(&buf[end..end + n]);
                end += n;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{proven_line, proven_pair, read_lines, split_line};
    use crate::batch::write_record_line;

    fn line(actor: &str, seq: i64, payload: &str) -> String {
        let mut line = String::new();
        write_record_line(
            &mut line,
            seq,
            "01a24e10-95aa-710e-8350-e122ea43ed30",
            "receipt_issued",
            actor,
            "2026-12-07T01:13:59.466425Z",
            payload,
            &"a".repeat(64),
            &"b".repeat(64),
        );
        line
    }

    #[test]
    fn a_line_as_written_is_taken_apart_where_its_fields_stand() {
        // A payload that holds the very texts the end of a line is found by.
        let payload = r#"{"rows":{"t":[{"note":",\"prev_hash\":\"x\",\"seq\":1}","seq":3}]}}"#;
        let written = line("收费员", 12, payload);
        let p = split_line(&written).expect("a written line splits");
        assert_eq!(
            (p.actor, p.at, p.hash, p.id, p.kind, p.payload, p.prev_hash, p.seq),
            (
                "收费员",
                "2026-12-07T01:13:59.466425Z",
                "b".repeat(64).as_str(),
                "01a24e10-95aa-710e-8350-e122ea43ed30",
                "receipt_issued",
                payload,
                "a".repeat(64).as_str(),
                12
            )
        );
        // Anything else is left to the JSON reader: an escape in a field, another layout, a
        // number not written canonically.
        assert!(split_line(&line("收费员 \"甲\"", 12, payload)).is_none());
        assert!(split_line(&written.replacen("\"actor\":", "\"actor\": ", 1)).is_none());
        assert!(split_line(&written.replacen(",\"seq\":12}", ",\"seq\":012}", 1)).is_none());
        assert!(split_line(&written.replacen(",\"seq\":12}", ",\"seq\":-1}", 1)).is_none());
        assert!(split_line(&written.replacen(",\"seq\":12}", ",\"seq\":12} ", 1)).is_none());
        assert!(split_line(&written.replacen(&"a".repeat(64), "a\",\"x\":\"y", 1)).is_none());
    }

    /// A line as the exporter writes it, its hash the entry's own.
    fn sound(actor: &str, seq: i64, payload: &str) -> String {
        let id = "01a24e10-95aa-710e-8350-e122ea43ed30";
        let (at, prev) = ("2026-12-07T01:13:59.466425Z", "a".repeat(64));
        let hash = crate::journal::entry_hash(
            seq,
            &uuid::Uuid::parse_str(id).unwrap(),
            "receipt_issued",
            actor,
            at,
            &prev,
            payload,
        );
        let mut line = String::new();
        write_record_line(&mut line, seq, id, "receipt_issued", actor, at, payload, &prev, &hash);
        line
    }

    #[test]
    fn two_lines_checked_side_by_side_give_what_each_checked_alone_gives() {
        let long = format!(r#"{{"rows":{{"t":[{{"note":"{}"}}]}}}}"#, "长".repeat(700));
        let good = [
            sound("收费员", 1, r#"{"rows":{}}"#),
            sound("甲", 2, &long),
            sound("乙", 3, r#"{"rows":{"t":[{"x":1}]}}"#),
        ];
        let mut lines: Vec<String> = good.to_vec();
        // Altered payloads, another layout that still holds its hash, one that does not split.
        lines.push(good[1].replacen("长", "短", 1));
        lines.push(good[2].replacen("\"x\":1", "\"x\":2", 1));
        lines.push(good[0].replacen("\"actor\":", "\"actor\": ", 1));
        lines.push(good[1].replacen("01a24e10", "01A24E10", 1));
        lines.push("not a line".into());
        lines.push(String::new());
        let alone = |l: &str| proven_line(l).map(|p| (p.seq, p.prev_hash.into_owned(), p.hash.into_owned()));
        for a in &lines {
            for b in &lines {
                let (pa, pb) = proven_pair(a, b);
                let pa = pa.map(|p| (p.seq, p.prev_hash.into_owned(), p.hash.into_owned()));
                let pb = pb.map(|p| (p.seq, p.prev_hash.into_owned(), p.hash.into_owned()));
                assert_eq!((pa, pb), (alone(a), alone(b)), "{a}\n{b}");
            }
        }
        assert!(good.iter().all(|l| proven_line(l).is_some()), "the sound lines are proven");
        assert!(proven_line(&lines[3]).is_none() && proven_line(&lines[5]).is_some());
    }

    use std::io::BufRead;

    /// Hands out at most `step` bytes a read, as a pipe or a slow stick may.
    struct Dribble<'a>(&'a [u8], usize);

    impl std::io::Read for Dribble<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn lines_come_as_read_until_gives_them_and_every_byte_is_read_once() {
        let long = "x".repeat(50);
        let texts = [
            String::new(),
            "\n".into(),
            "a".into(),
            "a\n".into(),
            "a\nb".into(),
            "a\r\nb\r\n\n\nc".into(),
            format!("{long}\n{long}{long}\nshort\n{long}"),
            "中文一行\n第二行\n".into(),
        ];
        for text in &texts {
            let mut expected = Vec::new();
            let mut reader = std::io::BufReader::new(text.as_bytes());
            loop {
                let mut l = Vec::new();
                if reader.read_until(b'\n', &mut l).unwrap() == 0 {
                    break;
                }
                expected.push(l);
            }
            for (block, step) in [(1, 1), (3, 2), (7, 100), (64, 5), (1 << 20, 1 << 20)] {
                let (mut lines, mut bytes) = (Vec::new(), Vec::new());
                read_lines(
                    Dribble(text.as_bytes(), step),
                    block,
                    &mut |b| bytes.extend_from_slice(b),
                    &mut |l| lines.push(l.to_vec()),
                )
                .unwrap();
                assert_eq!(lines, expected, "{text:?} in blocks of {block}, reads of {step}");
                assert_eq!(bytes, text.as_bytes(), "every byte read once, in order");
            }
        }
    }
}
