//! The one derivation: records in, figures out. Pure functions over what `records` read; no
//! SQL, no clock. See the module contract in `report/mod.rs` for what each figure means.

use super::paper;
use super::records::{AdmissionRecord, ReceiptRecord, ShiftRecord};
use super::types::{
    AdmissionToConvert, CategoryTotals, DepositRefundItem, ExchangeDue, Figures, Group, HourTakings, InsuredItem, Lists, MethodAmount,
    NumberRange, RefundItem, VoidItem,
};
use crate::catalog::category::FeeCategory;
use crate::charge::ReceiptKind;
use crate::patient::Insurance;
use crate::receipt::tender::Method;
use crate::time::stamp;
use chrono::{Duration, Local, NaiveDateTime, Timelike};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

fn cash_of(r: &ReceiptRecord) -> i64 {
    r.tenders.iter().filter(|(m, _)| *m == Method::Cash).map(|(_, a)| a).sum()
}

fn add(g: &mut Group, amount: i64) {
    g.count += 1;
    g.amount_fen += amount;
}

/// Every figure of `shifts` from their `receipts` (all of them, of those shifts only).
pub(crate) fn figures(shifts: &[ShiftRecord], receipts: &[ReceiptRecord]) -> Figures {
    let mut f = Figures {
        opening_float_fen: shifts.iter().map(|s| s.float).sum(),
        ..Figures::default()
    };
    let mut categories: BTreeMap<FeeCategory, i64> = BTreeMap::new();
    // Cash into the till (+) and out of it (−) per shift, for each shift's expected cash.
    let mut cash_by_shift: HashMap<Uuid, i64> = HashMap::new();
    for r in receipts {
        let cash = cash_of(r);
        let out = r.kind.pays_back();
        let sign = if out { -1 } else { 1 };
        match r.kind {
            ReceiptKind::Charge => {
                let fee: i64 = r.lines.iter().filter(|l| l.2).map(|l| l.1).sum();
                let other = r.total - fee;
                if r.lines.iter().any(|l| l.2) {
                    add(&mut f.groups.registration, fee);
                }
                if other > 0 || !r.lines.iter().any(|l| l.2) {
                    add(&mut f.groups.outpatient, other);
                }
            }
            ReceiptKind::Registration => add(&mut f.groups.registration, r.total),
            ReceiptKind::Deposit => add(&mut f.groups.deposits, r.total),
            ReceiptKind::Refund => add(&mut f.groups.refunds, r.total),
            ReceiptKind::DepositRefund => add(&mut f.groups.deposit_refunds, r.total),
        }
        // The money of every receipt moved; a voided one's moved back again.
        if out {
            f.cash_given_back_fen += cash;
        } else {
            f.cash_taken_fen += cash;
        }
        let mut till = sign * cash;
        if r.void.is_some() {
            add(&mut f.groups.voids, r.total);
            f.voided.push(r.receipt_no.clone());
            if out {
                f.cash_taken_fen += cash;
            } else {
                f.cash_given_back_fen += cash;
            }
            till = 0;
        } else {
            f.net_fen += sign * r.total;
            for (m, amount) in &r.tenders {
                f.totals_by_tender_fen.add(*m, sign * amount);
            }
            if matches!(r.kind, ReceiptKind::Charge | ReceiptKind::Registration | ReceiptKind::Refund) {
                for (c, amount, _) in &r.lines {
                    *categories.entry(*c).or_default() += sign * amount;
                }
            }
        }
        *cash_by_shift.entry(r.shift_id).or_default() += till;
        if r.kind == ReceiptKind::Refund {
            f.refunds.push(RefundItem {
                receipt_no: r.receipt_no.clone(),
                original_receipt_no: r.original_no.clone(),
                amount_fen: r.total,
                tenders: methods(r),
                reason: r.reason.clone(),
                supervisor: r.supervisor.clone(),
                at: stamp(r.occurred_at),
            });
        }
    }
    f.expected_cash_fen = f.opening_float_fen + f.cash_taken_fen - f.cash_given_back_fen;
    let closed: Vec<&ShiftRecord> = shifts.iter().filter(|s| s.close.is_some()).collect();
    if !closed.is_empty() {
        let counted: i64 = closed.iter().filter_map(|s| s.close.as_ref()).map(|c| c.counted).sum();
        let expected: i64 = closed
            .iter()
            .map(|s| s.float + cash_by_shift.get(&s.id).copied().unwrap_or(0))
            .sum();
        f.counted_cash_fen = Some(counted);
        f.difference_fen = Some(counted - expected);
    }
    f.totals_by_category_fen = CategoryTotals(categories.into_iter().collect());
    f.receipts_used = runs(receipts);
    f
}

fn methods(r: &ReceiptRecord) -> Vec<MethodAmount> {
    r.tenders
        .iter()
        .map(|(method, amount)| MethodAmount {
            method: *method,
            amount_fen: *amount,
        })
        .collect()
}

/// Receipt numbers as runs of consecutive sequence numbers.
fn runs(receipts: &[ReceiptRecord]) -> Vec<NumberRange> {
    let mut sorted: Vec<&ReceiptRecord> = receipts.iter().collect();
    sorted.sort_by_key(|r| r.seq);
    let mut out: Vec<(i64, NumberRange)> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some((last_seq, range)) if *last_seq + 1 == r.seq => {
                *last_seq = r.seq;
                range.last = r.receipt_no.clone();
                range.count += 1;
            }
            _ => out.push((
                r.seq,
                NumberRange {
                    first: r.receipt_no.clone(),
                    last: r.receipt_no.clone(),
                    count: 1,
                },
            )),
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

fn insurance_name(key: &str) -> String {
    Insurance::parse(key)
        .map(|i| i.zh().to_string())
        .unwrap_or_else(|_| key.to_string())
}

/// The lists under the figures of `shifts`.
pub(crate) fn lists(shifts: &[ShiftRecord], receipts: &[ReceiptRecord], admissions: &[AdmissionRecord]) -> Lists {
    let mut l = Lists::default();
    let mut exchange: BTreeMap<(String, bool), (i64, i64)> = BTreeMap::new();
    for r in receipts {
        if let Some(v) = &r.void {
            l.void_details.push(VoidItem {
                receipt_no: r.receipt_no.clone(),
                kind: r.kind,
                amount_fen: r.total,
                reason: v.reason.clone(),
                supervisor: v.supervisor.clone(),
                at: stamp(v.at),
            });
            continue;
        }
        match r.kind {
            ReceiptKind::DepositRefund => l.deposit_refunds.push(DepositRefundItem {
                receipt_no: r.receipt_no.clone(),
                inpatient_no: r.admission_no.clone(),
                patient_name: r.patient_name.clone(),
                amount_fen: r.total,
                tenders: methods(r),
                reason: r.reason.clone(),
                supervisor: r.supervisor.clone(),
            }),
            ReceiptKind::Charge | ReceiptKind::Registration => {
                if r.insured {
                    l.insured.push(InsuredItem {
                        receipt_no: r.receipt_no.clone(),
                        patient_name: r.patient_name.clone(),
                        downtime_no: r.downtime_no.clone(),
                        phone: r.phone.clone(),
                        insurance: insurance_name(&r.insurance),
                        insurance_no: r.insurance_no.clone(),
                        amount_fen: r.total,
                        refunded_fen: r.refunded,
                        resettle_due: r.resettle_due.map(|d| d.to_string()),
                        due_provisional: r.due_provisional,
                    });
                }
                if let Some(due) = r.exchange_due.filter(|_| r.refunded < r.total) {
                    let e = exchange.entry((due.to_string(), r.due_provisional)).or_default();
                    e.0 += 1;
                    e.1 += r.total - r.refunded;
                }
            }
            _ => {}
        }
    }
    l.exchange_pending = exchange
        .into_iter()
        .map(|((due, provisional), (count, amount_fen))| ExchangeDue {
            due,
            provisional,
            count,
            amount_fen,
        })
        .collect();
    l.paper_numbers = paper::numbers(shifts, receipts);
    l.admissions_to_convert = admissions
        .iter()
        .map(|a| AdmissionToConvert {
            inpatient_no: a.inpatient_no.clone(),
            patient_name: a.patient_name.clone(),
            downtime_no: a.downtime_no.clone(),
            phone: a.phone.clone(),
            insurance: insurance_name(&a.insurance),
            insurance_no: a.insurance_no.clone(),
            admitted_at: stamp(a.admitted_at),
        })
        .collect();
    l
}

/// Most hours a chart lists one by one; a longer span lists only the hours with money.
const MAX_FILLED_HOURS: i64 = 7 * 24;

/// Money taken and given back per local hour, by when it changed hands (receipts not voided).
pub(crate) fn hourly(receipts: &[ReceiptRecord]) -> Vec<HourTakings> {
    let mut hours: BTreeMap<NaiveDateTime, (i64, i64)> = BTreeMap::new();
    for r in receipts.iter().filter(|r| r.void.is_none()) {
        let local = r.occurred_at.with_timezone(&Local).naive_local();
        let hour = local.date().and_hms_opt(local.hour(), 0, 0).expect("an hour of the day");
        let e = hours.entry(hour).or_default();
        if r.kind.pays_back() {
            e.1 += r.total;
        } else {
            e.0 += r.total;
        }
    }
    if let (Some(first), Some(last)) = (hours.keys().next().copied(), hours.keys().last().copied()) {
        if (last - first).num_hours() <= MAX_FILLED_HOURS {
            let mut h = first;
            while h < last {
                h += Duration::hours(1);
                hours.entry(h).or_default();
            }
        }
    }
    hours
        .into_iter()
        .map(|(hour, (taken_fen, given_back_fen))| HourTakings {
            hour: hour.format("%Y-%m-%d %H:00").to_string(),
            taken_fen,
            given_back_fen,
        })
        .collect()
}
