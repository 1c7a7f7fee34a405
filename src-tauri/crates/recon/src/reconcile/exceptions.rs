//! Every exception of a reconciliation, one by one, with what it is and what to do about it:
//! the same list for the PDF, the CSV and the finance screen.

use super::Reconciliation;
use downtime_core::money::signed_yuan;
use serde::Serialize;

/// One exception. `list` names the reconciliation list it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exception {
    /// `missing_batch`, `receipt_gap`, `rejected`, `duplicate`, `conflict`, `amount_mismatch`,
    /// `missing_in_his`, `posted_twice`, `unknown_to_downtime`, `dispensed_twice`,
    /// `dispensed_unknown`, `refund_without_return`.
    pub list: String,
    pub station: String,
    pub batch_seq: Option<i64>,
    /// A receipt number, a range of them, or an inpatient number.
    pub number: Option<String>,
    pub record_uuid: Option<String>,
    /// The folder concerned.
    pub path: Option<String>,
    pub downtime_fen: Option<i64>,
    pub his_fen: Option<i64>,
    pub his_nos: Vec<String>,
    pub day: Option<String>,
    pub what: String,
    pub what_en: String,
    pub todo: String,
    pub todo_en: String,
}

impl Exception {
    fn new(list: &str, station: &str) -> Exception {
        Exception {
            list: list.into(),
            station: station.into(),
            batch_seq: None,
            number: None,
            record_uuid: None,
            path: None,
            downtime_fen: None,
            his_fen: None,
            his_nos: Vec::new(),
            day: None,
            what: String::new(),
            what_en: String::new(),
            todo: String::new(),
            todo_en: String::new(),
        }
    }

    fn says(mut self, what: String, what_en: String, todo: &str, todo_en: &str) -> Exception {
        self.what = what;
        self.what_en = what_en;
        self.todo = todo.into();
        self.todo_en = todo_en.into();
        self
    }
}

impl Reconciliation {
    /// Every exception, in the order of the report: batches first, then records, then money.
    pub fn exceptions(&self) -> Vec<Exception> {
        let mut out = Vec::new();
        for (code, s) in &self.stations {
            for &seq in &s.missing_batches {
                let waiting = self.his.awaiting_batch.iter().find(|a| &a.station == code && a.batch_seq == seq);
                let (zh, en) = match waiting {
                    Some(a) => (
                        format!(
                            "缺少第 {seq} 批；HIS 已有 {} 笔入账（{}）在等这一批",
                            a.postings,
                            signed_yuan(a.his_fen)
                        ),
                        format!(
                            "Batch {seq} is missing; {} HIS postings ({}) wait for it",
                            a.postings,
                            signed_yuan(a.his_fen)
                        ),
                    ),
                    None => (format!("缺少第 {seq} 批"), format!("Batch {seq} is missing")),
                };
                let mut e = Exception::new("missing_batch", code).says(
                    zh,
                    en,
                    "向该工作站索取这一批（U 盘，或在工作站重新导出：downtime export --batch 批号），载入后再对账",
                    "Get this batch from the station (its USB stick, or export it again there: downtime export --batch N), load it and reconcile again",
                );
                e.batch_seq = Some(seq);
                e.his_fen = waiting.map(|a| a.his_fen);
                out.push(e);
            }
            for g in &s.receipt_gaps {
                let mut e = Exception::new("receipt_gap", code).says(
                    format!("收据号 {} 至 {}（{} 张）没有任何记录", g.first, g.last, g.count),
                    format!("Receipt numbers {} to {} ({}) have no record", g.first, g.last, g.count),
                    "向收费员和工作站核实这些收据号：作废的收据也会留在批次中，缺号说明记录没有导出或被删除",
                    "Ask the cashier and the station about these numbers: a voided receipt stays in its batch, so a gap means records were not exported or were removed",
                );
                e.number = Some(format!("{}–{}", g.first, g.last));
                out.push(e);
            }
        }
        for r in &self.rejected {
            let (todo, todo_en) = match r.reason.as_str() {
                "forged_key" => (
                    "不要采信：把签名指纹与工作站签字封面上的指纹核对，查明这批的来源并报告信息科",
                    "Do not trust it: compare the key fingerprint with the one on the station's signed cover sheet, find out where the batch came from and tell IT",
                ),
                "broken_chain" => (
                    "批次链接不上：向工作站核实是否从备份恢复过或重装过，请信息科处理后重新导出",
                    "The chain does not join: ask whether the station was restored from a backup or reinstalled; have IT look at it and export again",
                ),
                _ => (
                    "文件被改动或不完整：在工作站重新导出这一批（downtime export --batch 批号）后再载入",
                    "A file was altered or is incomplete: export the batch again at the station (downtime export --batch N) and load it",
                ),
            };
            let mut e =
                Exception::new("rejected", r.station.as_deref().unwrap_or("")).says(r.message.clone(), r.message_en.clone(), todo, todo_en);
            e.batch_seq = r.batch_seq;
            e.path = Some(r.path.clone());
            out.push(e);
        }
        for d in &self.duplicates {
            let (what, what_en) = if d.kind == "batch" {
                (
                    format!("第 {} 批出现两份（{}），只计一次", d.batch_seq, d.path.clone().unwrap_or_default()),
                    format!(
                        "Batch {} was found twice ({}); counted once",
                        d.batch_seq,
                        d.path.clone().unwrap_or_default()
                    ),
                )
            } else {
                (
                    format!("记录 {} 在两个批次中内容相同，只计一次", d.record_uuid.clone().unwrap_or_default()),
                    format!(
                        "Record {} is in two batches with the same content; counted once",
                        d.record_uuid.clone().unwrap_or_default()
                    ),
                )
            };
            let mut e = Exception::new("duplicate", &d.station).says(
                what,
                what_en,
                "已只计一次，金额不受影响；清理多余的副本，并查明为何出现两份",
                "Counted once, the totals are not affected; remove the extra copy and find out why there were two",
            );
            e.batch_seq = Some(d.batch_seq);
            e.path = d.path.clone();
            e.record_uuid = d.record_uuid.clone();
            e.number = d.receipt_no.clone();
            out.push(e);
        }
        for f in &self.pharmacy {
            let at = f.at.join("、");
            let e = match f.list.as_str() {
                "dispensed_twice" => Exception::new("dispensed_twice", &f.station).says(
                    format!("收据 {} 在药房发药 {} 次（{at}）", f.receipt_no, f.at.len()),
                    format!("Receipt {} was dispensed against {} times ({at})", f.receipt_no, f.at.len()),
                    "查看药房主管授权的原因；无正当原因的，按复印件或重复取药处理",
                    "Read the pharmacist-in-charge's reason; without a good one, treat it as a photocopy or drugs taken twice",
                ),
                "dispensed_unknown" => Exception::new("dispensed_unknown", &f.station).says(
                    format!("药房凭收据 {} 发药（{at}），但已载入的批次中没有这张收费收据", f.receipt_no),
                    format!(
                        "The pharmacy dispensed against receipt {} ({at}), which no loaded batch holds as a charge",
                        f.receipt_no
                    ),
                    "先载入开具工作站的全部批次；仍然没有的，按伪造收据追查",
                    "Load every batch of the issuing station first; if it is still missing, treat the paper as forged",
                ),
                _ => Exception::new("refund_without_return", &f.station).says(
                    match &f.slip_no {
                        Some(slip) => format!("收据 {} 的药品退费所凭退药单 {slip} 不在任何药房的批次中", f.receipt_no),
                        None => format!("收据 {} 的药品退费没有药房退药单（只写了确认人姓名）", f.receipt_no),
                    },
                    match &f.slip_no {
                        Some(slip) => format!(
                            "The drug refund of receipt {} names return slip {slip}, which no pharmacy batch holds",
                            f.receipt_no
                        ),
                        None => format!(
                            "The drug refund of receipt {} has no pharmacy return slip (only a name)",
                            f.receipt_no
                        ),
                    },
                    "载入药房的批次；仍然没有的，向药房核实药品是否退回",
                    "Load the pharmacy's batches; if it is still missing, ask the pharmacy whether the drugs came back",
                ),
            };
            let mut e = e;
            e.number = Some(f.receipt_no.clone());
            e.record_uuid = f.record_ids.first().cloned();
            out.push(e);
        }
        for d in &self.conflicts {
            let mut e = Exception::new("conflict", &d.station).says(
                format!(
                    "记录 {} 在第 {} 批中的内容与先载入的不同（以先载入的为准）",
                    d.record_uuid.clone().unwrap_or_default(),
                    d.batch_seq
                ),
                format!(
                    "Record {} differs in batch {} from the copy loaded first (which stays in force)",
                    d.record_uuid.clone().unwrap_or_default(),
                    d.batch_seq
                ),
                "以纸质单据核对两个版本，查明哪一份被改动，报告信息科",
                "Check both versions against the paper records, find out which was altered, and tell IT",
            );
            e.batch_seq = Some(d.batch_seq);
            e.path = d.path.clone();
            e.record_uuid = d.record_uuid.clone();
            e.number = d.receipt_no.clone();
            out.push(e);
        }
        let his = &self.his;
        for (list, items, todo, todo_en) in [
            (
                "amount_mismatch",
                &his.amount_mismatch,
                "在 HIS 中冲正这一笔，按应急收据的金额重新入账（作废的收据不应入账）",
                "Reverse the posting in the HIS and post the receipt's amount again (a voided receipt is not posted at all)",
            ),
            (
                "missing_in_his",
                &his.missing_in_his,
                "按补录清单在 HIS 中补录这张收据",
                "Enter this receipt in the HIS from the back-entry list",
            ),
            (
                "posted_twice",
                &his.posted_twice,
                "在 HIS 中冲销多出的入账，只留一笔",
                "Reverse the extra postings in the HIS, keeping one",
            ),
            (
                "unknown_to_downtime",
                &his.unknown_to_downtime,
                "HIS 有入账而应急记录中没有：核对收据号是否录错，或是否还有批次没有收齐",
                "The HIS posted what no downtime record explains: check the receipt number for a typing error, or a batch not yet collected",
            ),
        ] {
            for i in items {
                let (zh, en) = match list {
                    "amount_mismatch" if i.voided => (
                        format!("作废的收据在 HIS 入账 {}", signed_yuan(i.his_fen)),
                        format!("A voided receipt was posted in the HIS: {}", signed_yuan(i.his_fen)),
                    ),
                    "amount_mismatch" => (
                        format!("应急 {}，HIS 入账 {}", signed_yuan(i.downtime_fen.unwrap_or(0)), signed_yuan(i.his_fen)),
                        format!("Downtime {}, HIS posted {}", signed_yuan(i.downtime_fen.unwrap_or(0)), signed_yuan(i.his_fen)),
                    ),
                    "missing_in_his" => (
                        format!("{} 尚未在 HIS 入账", signed_yuan(i.downtime_fen.unwrap_or(0))),
                        format!("{} not posted in the HIS", signed_yuan(i.downtime_fen.unwrap_or(0))),
                    ),
                    "posted_twice" => (
                        format!("HIS 入账 {} 次，共 {}（应为 {}）", i.his_nos.len(), signed_yuan(i.his_fen), signed_yuan(i.downtime_fen.unwrap_or(0))),
                        format!(
                            "Posted {} times in the HIS, {} in all (should be {})",
                            i.his_nos.len(),
                            signed_yuan(i.his_fen),
                            signed_yuan(i.downtime_fen.unwrap_or(0))
                        ),
                    ),
                    _ => (
                        format!("HIS 入账 {}，应急记录中没有这一笔", signed_yuan(i.his_fen)),
                        format!("HIS posted {}, unknown to the downtime records", signed_yuan(i.his_fen)),
                    ),
                };
                let mut e = Exception::new(list, &i.station).says(zh, en, todo, todo_en);
                e.number = i.receipt_no.clone();
                e.record_uuid = i.record_uuid.clone();
                e.downtime_fen = i.downtime_fen;
                e.his_fen = Some(i.his_fen);
                e.his_nos = i.his_nos.clone();
                e.day = i.day.clone();
                out.push(e);
            }
        }
        out
    }
}
