//! 药房 (the pharmacy station): dispenses against the counters' signed receipts and confirms
//! drug returns (退药确认). It takes no money and has no price list (`operator::station_allows`
//! refuses the counter's tasks at a pharmacy and these at a counter).
//!
//! A keyboard-wedge scanner types a receipt's QR payload; [`Desk::pharmacy_scan`] verifies it
//! offline with the key of the station it names, which must be trusted here (`trust.rs`), and
//! shows the drug lines the payload signs (`charge::qr`, version 4) beside what was already
//! dispensed or returned here, when and by whom. Only a charge can be dispensed against; a
//! refund voucher, a deposit receipt or a receipt its station's batches say was voided is
//! refused, as is a paper printed before drug lines were signed. The first dispensing needs a
//! pharmacist; every later one against the same receipt the pharmacist-in-charge (not the
//! pharmacist dispensing) with a reason: a photocopy or a second window shows in one scan.
//! A return records the lines taken back and issues a return slip with its own signed code
//! (`slip.rs`), which the counter scans to fill the refund's drug lines and `drug_return_by`.
//! Dispensings and returns are journalled rows (`dispensing`, `dispensing_line`).

pub mod slip;
pub mod trust;
pub mod view;

use crate::catalog::price::Quantity;
use crate::charge::ReceiptKind;
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal;
use crate::money::Fen;
use crate::operator::Actor;
use crate::receipt::qr::{self, SignedLine};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

pub use trust::{read_key_card, KeyCard, Trusted, TrustedStation};

/// A scanned receipt, verified, with what this pharmacy did against it so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The payload as scanned (trimmed).
    pub payload: String,
    pub kind: ReceiptKind,
    pub station: String,
    pub station_name: String,
    pub receipt_no: String,
    /// The patient's downtime or HIS number, as signed.
    pub patient: String,
    pub issued: DateTime<Utc>,
    pub total: Fen,
    pub lines: Vec<ScanLine>,
    /// Earlier dispensings and returns here, oldest first.
    pub history: Vec<Dispensing>,
}

impl Scan {
    /// Whether something was dispensed against it already (a second dispensing needs the
    /// pharmacist-in-charge).
    pub fn dispensed_before(&self) -> bool {
        self.history.iter().any(|d| d.kind == DispensingKind::Dispense)
    }
}

/// A signed drug line and what happened to it here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanLine {
    pub line: SignedLine,
    /// Handed over so far, in thousandths of the unit.
    pub dispensed_milli: i64,
    /// Taken back so far, in thousandths.
    pub returned_milli: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispensingKind {
    /// 发药
    Dispense,
    /// 退药确认
    Return,
}

impl DispensingKind {
    pub fn key(self) -> &'static str {
        match self {
            DispensingKind::Dispense => "dispense",
            DispensingKind::Return => "return",
        }
    }
}

/// One dispensing or return as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispensing {
    pub id: Uuid,
    pub kind: DispensingKind,
    pub slip_no: Option<String>,
    pub slip_payload: Option<String>,
    pub by: String,
    pub approver: Option<String>,
    pub reason: String,
    pub at: DateTime<Utc>,
    /// (receipt line number, quantity)
    pub lines: Vec<(i64, Quantity)>,
}

impl Desk {
    /// 扫码核验: verifies a scanned receipt payload with the key of the station it names and
    /// says what it signs and what was done against it here. Refuses what may not be dispensed
    /// against, with the reason. Writes nothing.
    pub fn pharmacy_scan(&self, by: &Actor, payload: &str) -> Result<Scan> {
        by.require(Permission::Dispense)?;
        let payload = payload.trim();
        let Some(unverified) = qr::read_unverified(payload) else {
            return Err(crate::error::invalid!(
                QrUnreadable,
                "扫描内容不是 Downtime Desk 收据二维码：请重新扫描，或核对纸质收据",
                "The scanned text is not a Downtime Desk receipt code: scan again or check the paper",
            ));
        };
        let station = unverified.station;
        let Some(issuer) = self.trusted_station(&station)? else {
            return Err(crate::error::invalid!(PharmacyUnknownStation,
                format!("收据来自工作站 {station}，本药房没有它的公钥（密钥卡或导出批次）：无法核验真伪，不能发药"),
                format!("The receipt comes from station {station}, whose key this pharmacy does not hold (key card or export batch): it cannot be verified and is not dispensed against"),
            ));
        };
        let checked = qr::check(payload, &issuer.public_key)?;
        let (Some(patient), Some(signed)) = (checked.patient.clone(), checked.lines.clone()) else {
            return Err(crate::error::invalid!(
                PharmacyOldCode,
                format!(
                    "收据 {} 是旧版二维码，没有签名的药品明细：请到开具的收费窗口核对后再发药",
                    checked.receipt_no
                ),
                format!(
                    "Receipt {} has an old code without signed drug lines: check it at the issuing counter first",
                    checked.receipt_no
                ),
            ));
        };
        let kind = checked.kind.expect("version 4 signs the kind");
        if kind != ReceiptKind::Charge {
            let (zh, en) = qr::kind_verdict(Some(kind));
            return Err(crate::error::invalid!(
                PharmacyNotACharge,
                format!("{} 不是收费收据（{zh}）：只能凭门诊收费收据发药", checked.receipt_no),
                format!(
                    "{} is not a charge receipt ({en}): only charge receipts are dispensed against",
                    checked.receipt_no
                ),
            ));
        }
        if self.voided_by_issuer(&station, &checked.receipt_no)? {
            return Err(crate::error::invalid!(
                PharmacyReceiptVoided,
                format!("收据 {} 已被工作站 {station} 作废（见其导出批次）：不能发药", checked.receipt_no),
                format!(
                    "Receipt {} was voided by station {station} (per its export batches): not dispensed against",
                    checked.receipt_no
                ),
            ));
        }
        let history = self.dispensings_of(&station, &checked.receipt_no)?;
        let mut done: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for d in &history {
            for (n, q) in &d.lines {
                let e = done.entry(*n).or_default();
                match d.kind {
                    DispensingKind::Dispense => e.0 += q.milli(),
                    DispensingKind::Return => e.1 += q.milli(),
                }
            }
        }
        let lines = signed
            .into_iter()
            .map(|line| {
                let (dispensed_milli, returned_milli) = done.get(&line.line_no).copied().unwrap_or_default();
                ScanLine {
                    line,
                    dispensed_milli,
                    returned_milli,
                }
            })
            .collect();
        Ok(Scan {
            payload: payload.to_string(),
            kind,
            station,
            station_name: issuer.station_name,
            receipt_no: checked.receipt_no,
            patient,
            issued: checked.issued,
            total: checked.total,
            lines,
            history,
        })
    }

    /// 发药: records what is handed over against a scanned receipt — `lines` (receipt line
    /// number, quantity), or every signed line whole when empty. A receipt dispensed against
    /// before needs `again`: the pharmacist-in-charge (not `by`) and the reason.
    pub fn dispense(
        &mut self,
        by: &Actor,
        payload: &str,
        lines: &[(i64, Quantity)],
        again: Option<(&crate::operator::Approval, &str)>,
    ) -> Result<(Dispensing, Scan)> {
        // A name and PIN typed for a second dispensing are checked first (both blank: none).
        let again = match again {
            Some((approval, reason)) => self.approval(Some(approval))?.map(|a| (a, reason)),
            None => None,
        };
        let again = again.as_ref().map(|(a, r)| (a, *r));
        let scan = self.pharmacy_scan(by, payload)?;
        if scan.lines.is_empty() {
            return Err(crate::error::invalid!(
                PharmacyNoDrugLines,
                format!("收据 {} 上没有药品：无药可发", scan.receipt_no),
                format!("Receipt {} lists no drugs: nothing to dispense", scan.receipt_no),
            ));
        }
        let lines: Vec<(i64, Quantity)> = if lines.is_empty() {
            scan.lines.iter().map(|l| (l.line.line_no, l.line.qty)).collect()
        } else {
            checked_lines(&scan, lines, |l, q| {
                (q.milli() > l.line.qty.milli()).then(|| {
                    (
                        format!(
                            "第 {} 行（{}）收据上只有 {}，不能发 {}",
                            l.line.line_no,
                            l.line.code,
                            l.line.qty.text(),
                            q.text()
                        ),
                        format!(
                            "Line {} ({}) is {} on the receipt; {} cannot be dispensed",
                            l.line.line_no,
                            l.line.code,
                            l.line.qty.text(),
                            q.text()
                        ),
                    )
                })
            })?
        };
        let (approver, reason) = match (scan.dispensed_before(), again) {
            (false, _) => (None, String::new()),
            (true, None) => {
                let last = scan
                    .history
                    .iter()
                    .rev()
                    .find(|d| d.kind == DispensingKind::Dispense)
                    .expect("dispensed before");
                return Err(crate::error::invalid!(PharmacyAlreadyDispensed,
                    format!(
                        "收据 {} 已于 {} 由 {} 发过药：再次发药需要药房主管授权并写明原因（可能是复印件或已在别的窗口取药）",
                        scan.receipt_no,
                        crate::time::local_display(last.at),
                        last.by
                    ),
                    format!(
                        "Receipt {} was dispensed against on {} by {}: dispensing again needs the pharmacist-in-charge and a reason (a photocopy, or drugs already taken at another window?)",
                        scan.receipt_no,
                        crate::time::local_display(last.at),
                        last.by
                    ),
                ));
            }
            (true, Some((approver, reason))) => {
                approver.require(Permission::SuperviseDispensing)?;
                if approver.id() == by.id() {
                    return Err(invalid!(
                        ApproverIsActor,
                        format!("{} 不能为自己的再次发药授权：请另一位药房主管输入姓名和 PIN", approver.name()),
                        format!(
                            "{} cannot approve their own second dispensing: another pharmacist-in-charge must enter their name and PIN",
                            approver.name()
                        )
                    ));
                }
                (
                    Some(approver.id()),
                    clean_text(reason, 200, ("再次发药原因", "Reason for dispensing again"))?,
                )
            }
        };
        let d = self.record(by, &scan, DispensingKind::Dispense, &lines, approver, reason)?;
        let scan = self.pharmacy_scan(by, payload)?;
        Ok((d, scan))
    }

    /// 退药确认: records the lines taken back against a receipt dispensed here (each at most
    /// what was handed over and not yet returned) and issues the return slip, signed.
    pub fn return_drugs(&mut self, by: &Actor, payload: &str, lines: &[(i64, Quantity)]) -> Result<(Dispensing, Scan)> {
        let scan = self.pharmacy_scan(by, payload)?;
        if lines.is_empty() {
            return Err(crate::error::invalid!(
                PharmacyReturnNoLines,
                "退药要写明退回的行和数量（--line 行号:数量）",
                "A return needs the lines and quantities taken back (--line N:QTY)",
            ));
        }
        let lines = checked_lines(&scan, lines, |l, q| {
            let held = l.dispensed_milli - l.returned_milli;
            (q.milli() > held).then(|| {
                let held = Quantity::from_milli(held).map(Quantity::text).unwrap_or_else(|_| "0".into());
                (
                    format!(
                        "第 {} 行（{}）本药房发出未退的只有 {held}，不能退 {}",
                        l.line.line_no,
                        l.line.code,
                        q.text()
                    ),
                    format!(
                        "Line {} ({}): only {held} was dispensed here and not returned; {} cannot come back",
                        l.line.line_no,
                        l.line.code,
                        q.text()
                    ),
                )
            })
        })?;
        let d = self.record(by, &scan, DispensingKind::Return, &lines, None, String::new())?;
        let scan = self.pharmacy_scan(by, payload)?;
        Ok((d, scan))
    }

    fn record(
        &mut self,
        by: &Actor,
        scan: &Scan,
        kind: DispensingKind,
        lines: &[(i64, Quantity)],
        approver: Option<Uuid>,
        reason: String,
    ) -> Result<Dispensing> {
        let station = self.require_station()?;
        let key = self.signing_key()?;
        let now = self.clock.now();
        let id = Uuid::now_v7();
        self.in_write_tx(|desk| {
            let seq: i64 = desk.conn.qrow("SELECT ifnull(max(seq), 0) + 1 FROM dispensing", [], |r| r.get(0))?;
            let (slip_no, slip_payload) = match kind {
                DispensingKind::Dispense => (None, None),
                DispensingKind::Return => {
                    let returns: i64 = desk
                        .conn
                        .qrow("SELECT count(*) + 1 FROM dispensing WHERE kind = 'return'", [], |r| r.get(0))?;
                    let no = format!("{}-T{returns:06}", station.code);
                    let signed: Vec<SignedLine> = lines
                        .iter()
                        .map(|(n, q)| {
                            let l = scan
                                .lines
                                .iter()
                                .find(|l| l.line.line_no == *n)
                                .expect("checked lines are signed lines");
                            SignedLine {
                                line_no: *n,
                                code: l.line.code.clone(),
                                qty: *q,
                                short: None,
                            }
                        })
                        .collect();
                    let p = slip::payload(
                        &key,
                        &slip::Slip {
                            pharmacy: station.code.to_string(),
                            slip_no: no.clone(),
                            station: scan.station.clone(),
                            receipt_no: scan.receipt_no.clone(),
                            at: now,
                            pharmacist: by.name().to_string(),
                            lines: signed,
                        },
                    );
                    (Some(no), Some(p))
                }
            };
            let mut rows = vec![(
                "dispensing",
                journal::insert_row(
                    &desk.conn,
                    "dispensing",
                    &[
                        ("id", &id.to_string()),
                        ("seq", &seq),
                        ("kind", &kind.key()),
                        ("slip_no", &slip_no),
                        ("issuer_station", &scan.station),
                        ("receipt_no", &scan.receipt_no),
                        ("payload", &scan.payload),
                        ("reason", &reason),
                        ("approver_id", &approver.map(|a| a.to_string())),
                        ("slip_payload", &slip_payload),
                        ("operator_id", &by.id().to_string()),
                        ("at", &stamp(now)),
                    ],
                )?,
            )];
            for (n, q) in lines {
                rows.push((
                    "dispensing_line",
                    journal::insert_row(
                        &desk.conn,
                        "dispensing_line",
                        &[
                            ("dispensing_id", &id.to_string()),
                            ("line_no", n),
                            (
                                "code",
                                &scan.lines.iter().find(|l| l.line.line_no == *n).expect("checked").line.code,
                            ),
                            ("qty_milli", &q.milli()),
                        ],
                    )?,
                ));
            }
            let entry = match kind {
                DispensingKind::Dispense => "drugs_dispensed",
                DispensingKind::Return => "drugs_returned",
            };
            journal::append_rows(&desk.conn, entry, by.name(), now, rows, Map::<String, Value>::new())?;
            Ok(())
        })?;
        Ok(self
            .dispensings_of(&scan.station, &scan.receipt_no)?
            .into_iter()
            .find(|d| d.id == id)
            .expect("just recorded"))
    }

    /// What this pharmacy recorded against `station`'s receipt `receipt_no`, oldest first.
    pub fn dispensings_of(&self, station: &str, receipt_no: &str) -> Result<Vec<Dispensing>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.kind, d.slip_no, d.slip_payload, o.name, a.name, d.reason, d.at \
             FROM dispensing d JOIN operator o ON o.id = d.operator_id LEFT JOIN operator a ON a.id = d.approver_id \
             WHERE d.issuer_station = ?1 AND d.receipt_no = ?2 ORDER BY d.seq",
        )?;
        let mut out: Vec<Dispensing> = stmt
            .query_map([station, receipt_no], |r| {
                Ok(Dispensing {
                    id: r.get::<_, String>(0)?.parse().unwrap_or_default(),
                    kind: if r.get::<_, String>(1)? == "return" {
                        DispensingKind::Return
                    } else {
                        DispensingKind::Dispense
                    },
                    slip_no: r.get(2)?,
                    slip_payload: r.get(3)?,
                    by: r.get(4)?,
                    approver: r.get(5)?,
                    reason: r.get(6)?,
                    at: parse_stamp(&r.get::<_, String>(7)?)?,
                    lines: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut lines = self
            .conn
            .prepare_cached("SELECT line_no, qty_milli FROM dispensing_line WHERE dispensing_id = ?1 ORDER BY line_no")?;
        for d in &mut out {
            d.lines = lines
                .query_map([d.id.to_string()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .map(|(n, m)| (n, Quantity::from_milli(m).expect("stored quantities are positive")))
                .collect();
        }
        Ok(out)
    }
}

/// `lines` checked against the scan: each a signed drug line, named once, and allowed by
/// `over` (which says why not).
fn checked_lines(
    scan: &Scan,
    lines: &[(i64, Quantity)],
    over: impl Fn(&ScanLine, Quantity) -> Option<(String, String)>,
) -> Result<Vec<(i64, Quantity)>> {
    let mut seen = std::collections::BTreeSet::new();
    for (n, q) in lines {
        let Some(l) = scan.lines.iter().find(|l| l.line.line_no == *n) else {
            let drug_lines: Vec<String> = scan.lines.iter().map(|l| l.line.line_no.to_string()).collect();
            return Err(crate::error::invalid!(
                PharmacyLineUnknown,
                format!("收据 {} 没有第 {n} 行药品（药品行：{}）", scan.receipt_no, drug_lines.join("、")),
                format!(
                    "Receipt {} has no drug line {n} (drug lines: {})",
                    scan.receipt_no,
                    drug_lines.join(", ")
                ),
            ));
        };
        if !seen.insert(*n) {
            return Err(crate::error::invalid!(
                PharmacyLineTwice,
                format!("第 {n} 行写了两次"),
                format!("Line {n} is given twice"),
            ));
        }
        if let Some((zh, en)) = over(l, *q) {
            return Err(crate::error::invalid!(PharmacyQuantityOver, zh, en));
        }
    }
    Ok(lines.to_vec())
}
