//! HIS 入账文件: what the HIS posted during back-entry, as its team exports it. A CSV (UTF-8 or
//! GBK, any common delimiter) or a workbook, read by the core's `read_table` as every importer
//! is, with the header `record_uuid,receipt_no,his_no,amount,posted_at` or the names HIS
//! exports really use (应急记录ID, 应急收据号, HIS发票号, 金额, 入账时间 …); `--map 表头=字段`
//! names any other. Either id may be empty, not both. Amounts are yuan, money given back
//! negative. An optional payment-method column (支付方式) splits the HIS side by tender.
//!
//! Contract: a file with any row that cannot be read is refused whole, naming the rows — a
//! posting silently skipped would hide a discrepancy. A posting is known by its HIS number
//! (or, without one, by everything it says), so importing a file again, or a later export
//! that repeats earlier postings, adds only what is new.

use crate::store::Workspace;
use crate::Clerk;
use downtime_core::catalog::read::{read_table, ReadOptions};
use downtime_core::charge::tender::Method;
use downtime_core::error::{CoreError, Result};
use downtime_core::money::Fen;
use downtime_core::time::{parse_local, stamp};
use rusqlite::params;
use serde_json::{json, Map};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

/// A column of the postings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HisField {
    RecordUuid,
    ReceiptNo,
    HisNo,
    Amount,
    PostedAt,
    Method,
}

impl HisField {
    /// Parses a `--map` target: `record_uuid`, `receipt_no`, `his_no`, `amount`, `posted_at`,
    /// `method`.
    pub fn parse(text: &str) -> Result<HisField> {
        Ok(match text.trim().to_lowercase().as_str() {
            "record_uuid" => HisField::RecordUuid,
            "receipt_no" => HisField::ReceiptNo,
            "his_no" => HisField::HisNo,
            "amount" => HisField::Amount,
            "posted_at" => HisField::PostedAt,
            "method" => HisField::Method,
            _ => {
                return Err(CoreError::invalid(
                    downtime_core::error::ErrorCode::HisMapInvalid,
                    format!("列映射目标“{text}”无效：可用 record_uuid、receipt_no、his_no、amount、posted_at、method"),
                    format!("Unknown mapping target \"{text}\": use record_uuid, receipt_no, his_no, amount, posted_at or method"),
                ))
            }
        })
    }

    fn from_header(h: &str) -> Option<HisField> {
        let h: String = h
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
            .collect::<String>()
            .to_lowercase();
        Some(match h.as_str() {
            "record_uuid" | "uuid" | "record_id" | "应急记录id" | "记录id" | "应急记录uuid" | "停机记录id" => {
                HisField::RecordUuid
            }
            "receipt_no" | "应急收据号" | "收据号" | "停机收据号" | "手工收据号" | "手工票据号" | "票据号" => {
                HisField::ReceiptNo
            }
            "his_no" | "his发票号" | "发票号" | "电脑发票号" | "his单号" | "his流水号" | "invoice_no" => HisField::HisNo,
            "amount" | "金额" | "金额(元)" | "金额（元）" | "入账金额" | "实收金额" | "amount_yuan" => HisField::Amount,
            "posted_at" | "入账时间" | "入账日期" | "记账时间" | "结算时间" | "posted" => HisField::PostedAt,
            "method" | "tender" | "支付方式" | "付款方式" | "结算方式" => HisField::Method,
            _ => return None,
        })
    }
}

/// One posting as the HIS made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub row: usize,
    pub record_uuid: String,
    pub receipt_no: String,
    pub his_no: String,
    /// Signed: money given back is negative.
    pub amount_fen: i64,
    /// UTC stamp, or empty when the file does not say.
    pub posted_at: String,
    /// A tender method key (`cash`, …), the file's own word for another, or empty.
    pub method: String,
}

impl Posting {
    /// What the posting is known by: its HIS number, or everything it says.
    fn key(&self) -> String {
        if self.his_no.is_empty() {
            format!(
                "~{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                self.record_uuid, self.receipt_no, self.amount_fen, self.posted_at, self.method
            )
        } else {
            self.his_no.clone()
        }
    }
}

/// A postings file, read and checked, nothing stored yet.
#[derive(Debug, Clone)]
pub struct PostingsFile {
    pub file_name: String,
    pub sha256: String,
    pub encoding: &'static str,
    pub rows_read: usize,
    pub postings: Vec<Posting>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HisImport {
    pub file_name: String,
    pub rows_read: usize,
    /// Postings new to the workspace.
    pub added: usize,
    /// Already known (the same HIS number from an earlier file, or the same file again).
    pub known: usize,
}

fn not_postings(zh: &str, en: &str) -> CoreError {
    CoreError::invalid(
        downtime_core::error::ErrorCode::HisNotPostings,
        format!("这不是可读的 HIS 入账文件：{zh}。请导出含“应急收据号（或应急记录ID）、HIS发票号、金额、入账时间”表头的 CSV 或 Excel 文件"),
        format!("This is not a readable HIS postings file: {en}. Export a CSV or Excel file with receipt number (or record id), HIS number, amount and posting time headers"),
    )
}

/// Yuan as the HIS writes them: `36.00`, `-18.50`, `¥1,234.5`.
fn signed_fen(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, digits) = match t.strip_prefix('-').or_else(|| t.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let fen = Fen::parse_yuan(digits).ok()?.get();
    Some(if negative { -fen } else { fen })
}

fn method_of(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        return String::new();
    }
    Method::parse(t)
        .ok()
        .or_else(|| Method::ALL.into_iter().find(|m| m.zh().starts_with(t) || t.starts_with(m.zh())))
        .map_or_else(|| t.to_string(), |m| m.key().to_string())
}

/// Reads and checks every row of a postings file (`bytes` is its whole content).
pub fn read_postings(bytes: &[u8], file_name: &str, map: &[(String, HisField)]) -> Result<PostingsFile> {
    let (_, encoding, rows) = read_table(bytes, file_name, &ReadOptions::default(), not_postings)?;
    let field_of = |h: &str| {
        map.iter()
            .find(|(name, _)| name.trim() == h.trim())
            .map(|(_, f)| *f)
            .or_else(|| HisField::from_header(h))
    };
    let header = rows.iter().take(10).position(|(_, cells)| {
        let fields: Vec<HisField> = cells.iter().filter_map(|c| field_of(c)).collect();
        fields.contains(&HisField::Amount) && (fields.contains(&HisField::RecordUuid) || fields.contains(&HisField::ReceiptNo))
    });
    let Some(header) = header else {
        return Err(not_postings(
            "找不到含“金额”和“应急收据号（或应急记录ID）”的表头行",
            "no header row naming the amount and the receipt number (or record id) was found",
        ));
    };
    let mut columns: HashMap<HisField, usize> = HashMap::new();
    for (i, h) in rows[header].1.iter().enumerate() {
        if let Some(f) = field_of(h) {
            columns.entry(f).or_insert(i);
        }
    }
    let now = chrono::Utc::now();
    let mut postings = Vec::new();
    let mut problems: Vec<(usize, String, String)> = Vec::new();
    let mut rows_read = 0;
    let mut last_posted: Option<(String, Option<String>)> = None;
    for (line, cells) in rows.into_iter().skip(header + 1) {
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows_read += 1;
        let get = |f: HisField| columns.get(&f).and_then(|i| cells.get(*i)).map(|s| s.trim()).unwrap_or("");
        let (uuid, receipt_no) = (get(HisField::RecordUuid), get(HisField::ReceiptNo));
        if uuid.is_empty() && receipt_no.is_empty() {
            problems.push((
                line,
                "应急记录ID和应急收据号都是空的".into(),
                "both the record id and the receipt number are empty".into(),
            ));
            continue;
        }
        let record_uuid = match uuid {
            "" => String::new(),
            u => match Uuid::parse_str(u) {
                Ok(id) => id.to_string(),
                Err(_) => {
                    problems.push((
                        line,
                        format!("应急记录ID“{u}”不是有效的编号"),
                        format!("record id \"{u}\" is not a valid id"),
                    ));
                    continue;
                }
            },
        };
        let amount = get(HisField::Amount);
        let Some(amount_fen) = signed_fen(amount) else {
            problems.push((
                line,
                format!("金额“{amount}”无法识别（元，最多两位小数）"),
                format!("unreadable amount \"{amount}\" (yuan, at most two decimals)"),
            ));
            continue;
        };
        let posted = get(HisField::PostedAt);
        // An HIS file posts many rows at the same time: a text just read is not parsed again.
        if last_posted.as_ref().is_none_or(|(text, _)| text != posted) {
            let read = match posted {
                "" => Some(String::new()),
                p => parse_local(p, now)
                    .or_else(|_| parse_local(&format!("{p} 00:00"), now))
                    .ok()
                    .map(stamp),
            };
            last_posted = Some((posted.to_string(), read));
        }
        let posted_at = match last_posted.as_ref().and_then(|(_, read)| read.clone()) {
            Some(at) => at,
            None => {
                problems.push((
                    line,
                    format!("入账时间“{posted}”无法识别"),
                    format!("unreadable posting time \"{posted}\""),
                ));
                continue;
            }
        };
        postings.push(Posting {
            row: line,
            record_uuid,
            receipt_no: receipt_no.to_string(),
            his_no: get(HisField::HisNo).to_string(),
            amount_fen,
            posted_at,
            method: method_of(get(HisField::Method)),
        });
    }
    if !problems.is_empty() {
        let shown = |f: fn(&(usize, String, String)) -> String, sep: &str| problems.iter().take(3).map(f).collect::<Vec<_>>().join(sep);
        return Err(CoreError::invalid(
            downtime_core::error::ErrorCode::HisRowsInvalid,
            format!(
                "HIS 入账文件 {file_name} 有 {} 行无法读取，未导入任何一行：{}{}",
                problems.len(),
                shown(|(l, zh, _)| format!("第 {l} 行 {zh}"), "；"),
                if problems.len() > 3 { "……" } else { "" }
            ),
            format!(
                "{} rows of the HIS postings file {file_name} cannot be read, nothing was imported: {}{}",
                problems.len(),
                shown(|(l, _, en)| format!("row {l}: {en}"), "; "),
                if problems.len() > 3 { "…" } else { "" }
            ),
        ));
    }
    if postings.is_empty() {
        return Err(not_postings("表头下面没有任何入账记录", "there are no postings under the header"));
    }
    postings.shrink_to_fit();
    crate::release_freed();
    Ok(PostingsFile {
        file_name: file_name.to_string(),
        sha256: hex::encode(Sha256::digest(bytes)),
        encoding,
        rows_read,
        postings,
    })
}

impl Workspace {
    /// Stores a postings file read by [`read_postings`]: one `his_imported` journal entry, its
    /// postings new to the workspace.
    pub fn import_his(&mut self, by: &Clerk, file: &PostingsFile) -> Result<HisImport> {
        self.in_write_tx(|w| {
            let known_file: bool = w.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM his_import WHERE file_sha256 = ?1)",
                [&file.sha256],
                |r| r.get(0),
            )?;
            if known_file {
                return Ok(HisImport {
                    file_name: file.file_name.clone(),
                    rows_read: file.rows_read,
                    added: 0,
                    known: file.postings.len(),
                });
            }
            let id = Uuid::now_v7().to_string();
            w.conn.execute(
                "INSERT INTO his_import (id, file_name, file_sha256, encoding, rows_read, postings, imported_by, imported_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    file.file_name,
                    file.sha256,
                    file.encoding,
                    file.rows_read as i64,
                    file.postings.len() as i64,
                    by.name(),
                    stamp(w.clock.now())
                ],
            )?;
            let import_rowid = w.conn.last_insert_rowid();
            let mut added = 0;
            let mut digest = Sha256::new();
            {
                let mut stmt = w.conn.prepare_cached(
                    "INSERT OR IGNORE INTO his_posting (key, import_id, row_no, record_uuid, receipt_no, his_no, amount_fen, posted_at, method) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                for p in &file.postings {
                    let key = p.key();
                    let n = stmt.execute(params![
                        key,
                        id,
                        p.row as i64,
                        p.record_uuid,
                        p.receipt_no,
                        p.his_no,
                        p.amount_fen,
                        p.posted_at,
                        p.method
                    ])?;
                    if n == 1 {
                        added += 1;
                        digest.update(key.as_bytes());
                        digest.update(b"\n");
                    }
                }
            }
            let mut extra = Map::new();
            extra.insert("postings_added".into(), json!(added));
            extra.insert("postings_sha256".into(), json!(hex::encode(digest.finalize())));
            w.journal("his_imported", by.name(), vec![("his_import", import_rowid)], extra)?;
            Ok(HisImport {
                file_name: file.file_name.clone(),
                rows_read: file.rows_read,
                added,
                known: file.postings.len() - added,
            })
        })
    }
}
