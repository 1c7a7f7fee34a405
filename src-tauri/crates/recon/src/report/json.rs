//! `reconciliation.json` written straight into its file. Its text is what serde_json makes of
//! the reconciliation as a tree (`to_value`, keys sorted at every level, pretty-printed), but the
//! tree is never built for the one list that grows with the records, `his.matched` (300,000
//! items at 30 counters): the rest is made into a tree with a placeholder in that list's place,
//! and the list is written item by item where the placeholder stands, each item as a tree of
//! its own, at the same indentation. A test holds the two texts equal.

use crate::reconcile::matched::{deferred, DEFERRED};
use crate::reconcile::Reconciliation;
use serde_json::Value;
use std::io::{self, Write};

/// The reconciliation as a tree, with when and from which workspace it was made; the
/// matched list as the placeholder when `defer`.
fn tree(r: &Reconciliation, workspace: &str, generated_at: &str, defer: bool) -> Value {
    let whole = || serde_json::to_value(r).expect("a reconciliation serialises");
    let mut value = if defer { deferred(whole) } else { whole() };
    let object = value.as_object_mut().expect("an object");
    object.insert("generated_at".into(), generated_at.into());
    object.insert("workspace".into(), workspace.into());
    value
}

/// Writes the JSON text of `r` into `out` (see the module).
pub fn write(r: &Reconciliation, workspace: &str, generated_at: &str, out: &mut dyn Write) -> io::Result<()> {
    let text = serde_json::to_string_pretty(&tree(r, workspace, generated_at, true))?;
    let field = format!("\"matched\": {}", serde_json::to_string(DEFERRED)?);
    let Some(at) = text.find(&field) else {
        return out.write_all(text.as_bytes());
    };
    let at = at + "\"matched\": ".len();
    // Where the placeholder's text ends: the rest of the tree follows.
    let rest = at + (field.len() - "\"matched\": ".len());
    let indent = &text[text[..at].rfind('\n').map_or(0, |n| n + 1)..];
    let indent = &indent[..indent.len() - indent.trim_start_matches(' ').len()];
    out.write_all(&text.as_bytes()[..at])?;
    if r.his.matched.is_empty() {
        out.write_all(b"[]")?;
    } else {
        let inner = format!("\n{indent}  ");
        out.write_all(b"[")?;
        for (n, item) in r.his.matched.iter().enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            out.write_all(inner.as_bytes())?;
            let item = serde_json::to_string_pretty(&serde_json::to_value(&item)?)?;
            out.write_all(item.replace('\n', &inner).as_bytes())?;
        }
        write!(out, "\n{indent}]")?;
    }
    out.write_all(&text.as_bytes()[rest..])
}

/// The JSON text as one string (for `--json` on standard output and the tests).
pub fn text(r: &Reconciliation, workspace: &str, generated_at: &str) -> String {
    let mut out = Vec::new();
    write(r, workspace, generated_at, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The same text made the plain way, the whole reconciliation as one tree: what [`write`]
/// must equal (tests compare the two).
pub fn as_one_tree(r: &Reconciliation, workspace: &str, generated_at: &str) -> String {
    serde_json::to_string_pretty(&tree(r, workspace, generated_at, false)).expect("a value serialises")
}
