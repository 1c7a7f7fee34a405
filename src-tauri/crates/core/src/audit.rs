//! `downtime verify` as a whole, on top of everything: the chain and the tables against it
//! (`journal::verify_tables`) and the bulk rows of price lists and patient snapshots against
//! their digests, then what a re-hashed chain cannot hide —
//! - the schema: every table, index and trigger the migrations create is present with its
//!   shipped definition, and no other trigger exists (dropping the append-only triggers is
//!   the first step of rewriting history);
//! - the arithmetic of every receipt: lines add up to the total, each line is quantity ×
//!   unit price, tenders add up to the total, refunds never exceed what was paid (per line and
//!   per receipt), deposit refunds never exceed the deposits;
//! - the anchors: the one each stored QR payload carries, and any read from paper
//!   (`verify --anchor SEQ:HASHPREFIX`).
//!
//! The report is honest about the file: its real entry count and head, even when the chain
//! is broken, and the first bad entry where one can be named.

use crate::anchor::{self, Anchor, Found};
use crate::catalog::price::{line_amount, Quantity, UnitPrice};
use crate::error::Result;
use crate::journal::{self, Problem, VerifyReport};
use crate::store::backup::Restored;
use crate::store::encrypt::Encrypted;
use crate::store::migrations::{append_only_triggers, MIGRATIONS};
use crate::store::Desk;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub use crate::anchor::AnchorCheck;

/// The whole audit as the store reads its verdict (`store::Audit`).
fn soundness(desk: &Desk) -> Result<crate::store::Soundness> {
    let r = desk.verify()?;
    Ok(crate::store::Soundness {
        entries: r.entries,
        head_seq: r.head_seq,
        head_hash: r.head_hash,
        problem: r.problem.map(|p| (p.zh, p.en)),
    })
}

/// `downtime restore` and the window's 从备份恢复 (`store::backup::restore`): a backup is put
/// back only when it passes the whole audit.
pub fn restore_backup(station: &Path, from: &Path, admin: &str, pin: &str, confirm_older: bool) -> Result<Restored> {
    crate::store::backup::restore(station, from, admin, pin, confirm_older, soundness)
}

/// `downtime encrypt` (`store::encrypt::encrypt`): refused unless the station passes the whole
/// audit, and the encrypted copy must pass it with the same chain.
pub fn encrypt_station(path: &Path, admin: &str, pin: &str, key: &str) -> Result<Encrypted> {
    crate::store::encrypt::encrypt(path, admin, pin, key, soundness)
}

impl Desk {
    /// `downtime verify`: the chain, the tables, the schema, every receipt's arithmetic and
    /// every stored anchor.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_with(&[])
    }

    /// `downtime verify --anchor …`: as [`Desk::verify`], and each anchor read from paper
    /// held against the chain.
    pub fn verify_with(&self, anchors: &[Anchor]) -> Result<VerifyReport> {
        let conn = &self.conn;
        let mut report = chain_and_bulk(conn)?;
        if report.problem.is_none() {
            report.problem = schema_problem(conn)?;
        }
        if report.problem.is_none() {
            let (checked, problem) = arithmetic(conn)?;
            report.receipts_checked = checked;
            report.problem = problem;
        }
        if report.problem.is_none() {
            report.problem = stored_anchor_problem(conn)?;
        }
        for a in anchors {
            let found = anchor::check(conn, a)?;
            if found != Found::Matches && report.problem.is_none() {
                let (zh, en) = anchor::broken(a, &found);
                report.problem = Some(Problem { seq: Some(a.seq), zh, en });
            }
            report.anchors.push(AnchorCheck { anchor: a.clone(), found });
        }
        Ok(report)
    }

    /// The journal's head as an anchor, for the sheets that carry it (handover, export).
    pub fn head_anchor(&self) -> Result<Option<Anchor>> {
        anchor::head(&self.conn)
    }
}

/// The integrity check, the whole chain and every covered table against it (`journal`), then
/// the bulk rows of the price lists and the HIS patient snapshots against their digests; names
/// the first thing wrong.
fn chain_and_bulk(conn: &Connection) -> Result<VerifyReport> {
    let mut report = journal::verify_tables(conn, journal::covered_tables())?;
    if report.problem.is_some() {
        return Ok(report);
    }
    if let Some((version, _)) = crate::catalog::verify_items(conn)? {
        report.problem = problem(
            None,
            format!("价目表版本 {version} 的项目与导入时记录的摘要不符：价目表被修改过"),
            format!("The items of catalog version {version} differ from the digest recorded at import: the catalog was altered"),
        );
    }
    if let Some(snapshot) = crate::patient::snapshot::verify_rows(conn)? {
        report.problem = problem(
            None,
            format!("患者索引快照 {snapshot} 的记录与导入时记录的摘要不符：快照被修改过"),
            format!("The rows of patient snapshot {snapshot} differ from the digest recorded at import: the snapshot was altered"),
        );
    }
    Ok(report)
}

fn problem(seq: Option<i64>, zh: String, en: String) -> Option<Problem> {
    Some(Problem { seq, zh, en })
}

/// The schema objects the migrations up to `version` create, by name: (type, table, sql).
fn shipped_schema(version: i64) -> Result<BTreeMap<String, (String, String, Option<String>)>> {
    let mem = Connection::open_in_memory()?;
    mem.execute_batch("PRAGMA foreign_keys=OFF; PRAGMA legacy_alter_table=ON;")?;
    for sql in &MIGRATIONS[..version.clamp(0, MIGRATIONS.len() as i64) as usize] {
        mem.execute_batch(sql)?;
    }
    let tables: Vec<String> = mem
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    mem.execute_batch(&append_only_triggers(crate::store::migrations::APPEND_ONLY, |t| {
        tables.iter().any(|n| n == t)
    }))?;
    schema_of(&mem)
}

fn schema_of(conn: &Connection) -> Result<BTreeMap<String, (String, String, Option<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT name, type, tbl_name, sql FROM sqlite_schema WHERE type IN ('table', 'index', 'trigger', 'view') AND name NOT LIKE 'sqlite_%'",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The first schema object that is missing, altered, or (for triggers) added.
fn schema_problem(conn: &Connection) -> Result<Option<Problem>> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let shipped = shipped_schema(version)?;
    let found = schema_of(conn)?;
    let what = |kind: &str| match kind {
        "trigger" => ("触发器", "trigger"),
        "index" => ("索引", "index"),
        "view" => ("视图", "view"),
        _ => ("表", "table"),
    };
    for (name, (kind, _, sql)) in &shipped {
        let (zh, en) = what(kind);
        match found.get(name) {
            None => {
                return Ok(problem(
                    None,
                    format!("数据库中缺少{zh} {name}：保护数据的结构被删除过"),
                    format!("The {en} {name} is missing: part of what protects the data was removed"),
                ))
            }
            Some((k, _, s)) if k != kind || s != sql => {
                return Ok(problem(
                    None,
                    format!("{zh} {name} 的定义与本程序发布的不同：数据库结构被改动过"),
                    format!("The {en} {name} differs from its shipped definition: the schema was altered"),
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(name) = found
        .iter()
        .find(|(n, (k, _, _))| k == "trigger" && !shipped.contains_key(*n))
        .map(|(n, _)| n)
    {
        return Ok(problem(
            None,
            format!("数据库中多出了触发器 {name}：数据库结构被改动过"),
            format!("An extra trigger {name} exists: the schema was altered"),
        ));
    }
    Ok(None)
}

/// Every receipt's arithmetic; how many receipts were checked and the first problem.
fn arithmetic(conn: &Connection) -> Result<(i64, Option<Problem>)> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'receipt')",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok((0, None));
    }
    let sums = |sql: &str| -> Result<HashMap<String, (i64, i64)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let lines = sums("SELECT receipt_id, sum(amount_fen), count(*) FROM receipt_line GROUP BY receipt_id")?;
    let tenders = sums("SELECT receipt_id, sum(amount_fen), count(*) FROM tender GROUP BY receipt_id")?;
    let refunded = sums("SELECT refund_of, sum(total_fen), count(*) FROM receipt WHERE refund_of IS NOT NULL GROUP BY refund_of")?;
    let fail = |no: &str, zh: &str, en: &str| {
        problem(
            None,
            format!("收据 {no} {zh}：金额被改动过"),
            format!("Receipt {no}: {en}: an amount was altered"),
        )
    };
    let mut checked = 0;
    let mut stmt = conn.prepare("SELECT id, receipt_no, kind, total_fen FROM receipt ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, no, kind, total): (String, String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        checked += 1;
        let (line_sum, line_count) = lines.get(&id).copied().unwrap_or((0, 0));
        let itemised = matches!(kind.as_str(), "charge" | "registration" | "refund");
        if itemised && (line_count == 0 || line_sum != total) {
            return Ok((checked, fail(&no, "的明细行合计与总额不符", "its lines do not add up to its total")));
        }
        if !itemised && line_count != 0 {
            return Ok((checked, fail(&no, "不应有明细行", "it should have no lines")));
        }
        if tenders.get(&id).map(|t| t.0) != Some(total) {
            return Ok((checked, fail(&no, "的支付合计与总额不符", "its tenders do not add up to its total")));
        }
        if refunded.get(&id).is_some_and(|(back, _)| *back > total) {
            return Ok((checked, fail(&no, "的退费合计超过了实收", "more was refunded than was paid")));
        }
    }
    drop(rows);
    drop(stmt);
    if let Some(no) = line_amount_problem(conn)? {
        return Ok((
            checked,
            fail(&no, "的明细行金额不等于数量×单价", "a line's amount is not quantity × unit price"),
        ));
    }
    if let Some(no) = line_refund_problem(conn)? {
        return Ok((
            checked,
            fail(
                &no,
                "某一行的退费超过了这一行实收的数量或金额",
                "a line was refunded beyond its quantity or amount",
            ),
        ));
    }
    let overdrawn: Option<String> = conn
        .prepare(
            "SELECT a.inpatient_no FROM admission a WHERE \
             (SELECT ifnull(sum(total_fen), 0) FROM receipt r WHERE r.admission_id = a.id AND r.kind = 'deposit' \
                AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = r.id)) \
           < (SELECT ifnull(sum(total_fen), 0) FROM receipt r WHERE r.admission_id = a.id AND r.kind = 'deposit_refund') \
             ORDER BY a.rowid LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .map(Some)
        .or_else(|e| {
            if e == rusqlite::Error::QueryReturnedNoRows {
                Ok(None)
            } else {
                Err(e)
            }
        })?;
    if let Some(no) = overdrawn {
        return Ok((
            checked,
            problem(
                None,
                format!("住院号 {no} 退还的预交金超过了所交的预交金：金额被改动过"),
                format!("Admission {no}: more deposit was refunded than was taken: an amount was altered"),
            ),
        ));
    }
    Ok((checked, None))
}

/// The first charged line (charge and registration receipts) whose amount is not its
/// quantity × unit price rounded half-up to the fen.
fn line_amount_problem(conn: &Connection) -> Result<Option<String>> {
    let mut stmt = conn.prepare(
        "SELECT r.receipt_no, l.qty_milli, l.unit_price_e4, l.amount_fen FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id \
         WHERE r.kind IN ('charge', 'registration') ORDER BY r.seq, l.line_no",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (qty, price, amount): (i64, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let expected = Quantity::from_milli(qty)
            .ok()
            .zip(UnitPrice::from_e4(price).ok())
            .and_then(|(q, p)| line_amount(q, p).ok());
        if expected.map(|f| f.get()) != Some(amount) {
            return Ok(Some(r.get(0)?));
        }
    }
    Ok(None)
}

/// The first receipt with a line refunded beyond what it charged (quantity or amount).
fn line_refund_problem(conn: &Connection) -> Result<Option<String>> {
    conn.prepare(
        "SELECT o.receipt_no FROM receipt_line ol JOIN receipt o ON o.id = ol.receipt_id \
         JOIN (SELECT x.refund_of AS rid, xl.refunds_line AS n, sum(xl.qty_milli) AS q, sum(xl.amount_fen) AS a \
               FROM receipt x JOIN receipt_line xl ON xl.receipt_id = x.id \
               WHERE x.refund_of IS NOT NULL AND xl.refunds_line IS NOT NULL GROUP BY x.refund_of, xl.refunds_line) b \
           ON b.rid = o.id AND b.n = ol.line_no \
         WHERE b.q > ol.qty_milli OR b.a > ol.amount_fen ORDER BY o.seq LIMIT 1",
    )?
    .query_row([], |r| r.get(0))
    .map(Some)
    .or_else(|e| {
        if e == rusqlite::Error::QueryReturnedNoRows {
            Ok(None)
        } else {
            Err(e.into())
        }
    })
}

/// Each stored QR payload's anchor (the chain position its receipt was issued on) must be in
/// the chain: a chain rewritten and re-hashed before a receipt no longer holds it.
fn stored_anchor_problem(conn: &Connection) -> Result<Option<Problem>> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'receipt')",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(None);
    }
    let mut stmt = conn.prepare("SELECT receipt_no, qr_payload, kind, total_fen FROM receipt ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let payload: String = r.get(1)?;
        let Some(said) = crate::receipt::qr::read_unverified(&payload) else {
            continue;
        };
        let Some(a) = said.anchor.clone() else {
            continue;
        };
        let (no, kind, total): (String, String, i64) = (r.get(0)?, r.get(2)?, r.get(3)?);
        // What the paper says of the receipt is what the row says.
        if !(said.kind.map(|k| k.key()) == Some(kind.as_str()) && said.receipt_no == no && said.total.get() == total) {
            return Ok(problem(
                None,
                format!("收据 {no} 的记录与它印出的二维码不符：金额或种类被改动过"),
                format!("Receipt {no}'s record differs from its printed code: its amount or kind was altered"),
            ));
        }
        let found = anchor::check(conn, &a)?;
        if found != Found::Matches {
            let no: String = r.get(0)?;
            let (zh, en) = anchor::broken(&a, &found);
            return Ok(problem(
                Some(a.seq),
                format!("收据 {no} 上印的{zh}"),
                format!("Receipt {no}, as printed: {en}"),
            ));
        }
    }
    Ok(None)
}
