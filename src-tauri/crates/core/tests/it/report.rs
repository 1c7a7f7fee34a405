//! The handover sheet and the day and outage reports: golden figures of a seeded simulated
//! outage, worked out here from the receipts and tenders (never by the report code), and the
//! rule that the shifts add up to the outage, to the fen.

use crate::Fixture;
use downtime_core::charge::tender::Method;
use downtime_core::charge::{Receipt, ReceiptKind};
use downtime_core::report::close::{CashCount, Counted, Denomination};
use downtime_core::report::{Figures, PeriodReport, ShiftReport, ShiftReportKind};
use downtime_core::{Actor, Fen, Role};
use std::collections::BTreeMap;

/// What a shift's figures must be, from its receipts alone.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    float: i64,
    cash_taken: i64,
    cash_back: i64,
    net: i64,
    tenders: BTreeMap<&'static str, i64>,
    categories: BTreeMap<String, i64>,
    /// group key → (count, amount)
    groups: BTreeMap<&'static str, (i64, i64)>,
    receipts: i64,
    voided: Vec<String>,
    refunds: Vec<(String, Option<String>, i64)>,
}

impl Expected {
    fn of(f: &Fixture, float: i64, receipts: &[Receipt]) -> Expected {
        let mut e = Expected {
            float,
            ..Expected::default()
        };
        for k in ["registration", "outpatient", "refunds", "voids", "deposits", "deposit_refunds"] {
            e.groups.insert(k, (0, 0));
        }
        let bump = |e: &mut Expected, k: &'static str, amount: i64| {
            let g = e.groups.get_mut(k).unwrap();
            g.0 += 1;
            g.1 += amount;
        };
        for r in receipts {
            e.receipts += 1;
            let cash: i64 = r.tenders.iter().filter(|t| t.method == Method::Cash).map(|t| t.amount.get()).sum();
            let back = matches!(r.kind, ReceiptKind::Refund | ReceiptKind::DepositRefund);
            match r.kind {
                ReceiptKind::Charge => {
                    // Registration fee lines: the items of the visit's registration type.
                    let fee_codes: Vec<String> = r
                        .registration_id
                        .and_then(|id| f.desk.registration(id).unwrap())
                        .map(|reg| reg.fee_items.iter().map(|i| i.code.clone()).collect())
                        .unwrap_or_default();
                    let fee: i64 = r.lines.iter().filter(|l| fee_codes.contains(&l.code)).map(|l| l.amount.get()).sum();
                    let fee_lines = r.lines.iter().filter(|l| fee_codes.contains(&l.code)).count();
                    if fee_lines > 0 {
                        bump(&mut e, "registration", fee);
                    }
                    if fee_lines < r.lines.len() {
                        bump(&mut e, "outpatient", r.total.get() - fee);
                    }
                }
                ReceiptKind::Registration => bump(&mut e, "registration", r.total.get()),
                ReceiptKind::Refund => bump(&mut e, "refunds", r.total.get()),
                ReceiptKind::Deposit => bump(&mut e, "deposits", r.total.get()),
                ReceiptKind::DepositRefund => bump(&mut e, "deposit_refunds", r.total.get()),
            }
            if back {
                e.cash_back += cash;
            } else {
                e.cash_taken += cash;
            }
            if r.kind == ReceiptKind::Refund {
                e.refunds.push((r.receipt_no.clone(), r.refund_of.clone(), r.total.get()));
            }
            if r.voided.is_some() {
                bump(&mut e, "voids", r.total.get());
                e.voided.push(r.receipt_no.clone());
                e.cash_back += cash;
                continue;
            }
            let sign = if back { -1 } else { 1 };
            e.net += sign * r.total.get();
            for t in &r.tenders {
                *e.tenders.entry(t.method.key()).or_default() += sign * t.amount.get();
            }
            if matches!(r.kind, ReceiptKind::Charge | ReceiptKind::Registration | ReceiptKind::Refund) {
                for l in &r.lines {
                    *e.categories.entry(l.category.key().to_string()).or_default() += sign * l.amount.get();
                }
            }
        }
        e
    }

    fn expected_cash(&self) -> i64 {
        self.float + self.cash_taken - self.cash_back
    }

    /// The report's figures say exactly this.
    fn check(&self, f: &Figures, what: &str) {
        assert_eq!(f.opening_float_fen, self.float, "{what}: float");
        assert_eq!(f.cash_taken_fen, self.cash_taken, "{what}: cash taken");
        assert_eq!(f.cash_given_back_fen, self.cash_back, "{what}: cash given back");
        assert_eq!(f.expected_cash_fen, self.expected_cash(), "{what}: expected cash");
        assert_eq!(f.net_fen, self.net, "{what}: net");
        for m in Method::ALL {
            let want = self.tenders.get(m.key()).copied().unwrap_or(0);
            assert_eq!(f.totals_by_tender_fen.get(m), want, "{what}: tender {}", m.key());
        }
        let categories: BTreeMap<String, i64> = f
            .totals_by_category_fen
            .0
            .iter()
            .map(|(c, fen)| (c.key().to_string(), *fen))
            .collect();
        assert_eq!(categories, self.categories, "{what}: categories");
        let json = serde_json::to_value(f.groups).unwrap();
        for (k, (count, amount)) in &self.groups {
            assert_eq!(json[k]["count"], *count, "{what}: {k} count");
            assert_eq!(json[k]["amount_fen"], *amount, "{what}: {k} amount");
        }
        assert_eq!(
            f.receipts_used.iter().map(|r| r.count).sum::<i64>(),
            self.receipts,
            "{what}: receipts"
        );
        let mut voided = f.voided.clone();
        voided.sort();
        let mut want = self.voided.clone();
        want.sort();
        assert_eq!(voided, want, "{what}: voided");
        let refunds: Vec<(String, Option<String>, i64)> = f
            .refunds
            .iter()
            .map(|r| (r.receipt_no.clone(), r.original_receipt_no.clone(), r.amount_fen))
            .collect();
        let mut want = self.refunds.clone();
        want.sort();
        let mut got = refunds;
        got.sort();
        assert_eq!(got, want, "{what}: refunds");
    }
}

/// A simulated outage at `MZ01` in two rounds: the cashier closes the first shift and opens a
/// second with another float; the admissions clerk works through both.
struct Outage {
    f: Fixture,
    cashier: Actor,
    clerk: Actor,
    supervisor: Actor,
}

fn simulated() -> Outage {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    downtime_core::simulate::run(&mut f.desk, &admin, 40, 2026, &mut |_| Ok(())).unwrap();
    let cashier = f.desk.authenticate(downtime_core::simulate::CASHIER, "8642").unwrap();
    let clerk = f.desk.authenticate(downtime_core::simulate::CLERK, "8642").unwrap();
    let supervisor = f.desk.authenticate(downtime_core::simulate::SUPERVISOR, "8642").unwrap();
    let first = f
        .desk
        .shift_report(&cashier, f.desk.open_shift_of(&cashier).unwrap().unwrap().id)
        .unwrap();
    close_exactly(&mut f, &cashier, &first);
    f.advance(chrono::Duration::hours(2));
    f.desk.open_shift(&cashier, Fen::new(30_000).unwrap()).unwrap();
    downtime_core::simulate::run(&mut f.desk, &admin, 30, 7, &mut |_| Ok(())).unwrap();
    Outage {
        f,
        cashier,
        clerk,
        supervisor,
    }
}

/// Closes the shift with exactly the expected cash counted.
fn close_exactly(f: &mut Fixture, who: &Actor, report: &ShiftReport) {
    f.desk
        .close_shift(who, &CashCount::total(Fen::new(report.figures.expected_cash_fen).unwrap()))
        .unwrap();
}

fn receipts_of(f: &Fixture, shift: &str) -> Vec<Receipt> {
    f.desk.receipts(Some(shift.parse().unwrap())).unwrap()
}

#[test]
fn each_shift_balances_to_figures_worked_out_from_its_receipts() {
    let o = simulated();
    let report = o.f.desk.outage_report(&o.supervisor, None).unwrap();
    assert_eq!(report.shifts.len(), 3, "two cashier shifts and the clerk's");
    let mut kinds = BTreeMap::new();
    for line in &report.shifts {
        let shift = o.f.desk.shift_report(&o.supervisor, line.shift_id.parse().unwrap()).unwrap();
        let receipts = receipts_of(&o.f, &line.shift_id);
        for r in &receipts {
            *kinds.entry(r.kind.key()).or_insert(0) += 1;
        }
        let e = Expected::of(&o.f, line.opening_float_fen, &receipts);
        e.check(&shift.figures, &format!("shift of {} opened {}", line.operator, line.opened_at));
        // expected cash = float + cash taken − cash given back, and the net is every tender's.
        let f = &shift.figures;
        assert_eq!(f.expected_cash_fen, f.opening_float_fen + f.cash_taken_fen - f.cash_given_back_fen);
        assert_eq!(f.net_fen, f.totals_by_tender_fen.sum());
        let g = &f.groups;
        assert_eq!(
            f.net_fen,
            g.registration.amount_fen + g.outpatient.amount_fen + g.deposits.amount_fen
                - g.voids.amount_fen
                - g.refunds.amount_fen
                - g.deposit_refunds.amount_fen
        );
        assert_eq!(f.totals_by_tender_fen.cash, f.cash_taken_fen - f.cash_given_back_fen);
        // The line of the shift in the outage report says the same.
        assert_eq!(line.expected_cash_fen, f.expected_cash_fen);
        assert_eq!(line.net_fen, f.net_fen);
    }
    // The run had every kind of record the sheet groups.
    for k in ["charge", "refund", "deposit", "deposit_refund"] {
        assert!(kinds.get(k).copied().unwrap_or(0) > 0, "no {k} in the simulation: {kinds:?}");
    }
    assert!(report.figures.groups.voids.count > 0, "no void in the simulation");
    let tenders_used = Method::ALL
        .iter()
        .filter(|m| report.figures.totals_by_tender_fen.get(**m) != 0)
        .count();
    assert!(tenders_used >= 4, "several tenders: {:?}", report.figures.totals_by_tender_fen);
}

/// Every money figure of `parts` adds up to `whole`, to the fen.
fn sums_to(parts: &[&Figures], whole: &Figures, what: &str) {
    let sum = |get: &dyn Fn(&Figures) -> i64| parts.iter().map(|f| get(f)).sum::<i64>();
    assert_eq!(sum(&|f| f.opening_float_fen), whole.opening_float_fen, "{what}: float");
    assert_eq!(sum(&|f| f.cash_taken_fen), whole.cash_taken_fen, "{what}: cash taken");
    assert_eq!(sum(&|f| f.cash_given_back_fen), whole.cash_given_back_fen, "{what}: cash back");
    assert_eq!(sum(&|f| f.expected_cash_fen), whole.expected_cash_fen, "{what}: expected");
    assert_eq!(sum(&|f| f.net_fen), whole.net_fen, "{what}: net");
    for m in Method::ALL {
        assert_eq!(
            sum(&|f| f.totals_by_tender_fen.get(m)),
            whole.totals_by_tender_fen.get(m),
            "{what}: {}",
            m.key()
        );
    }
    let json = |f: &Figures| serde_json::to_value(f).unwrap();
    for k in ["registration", "outpatient", "refunds", "voids", "deposits", "deposit_refunds"] {
        for field in ["count", "amount_fen"] {
            let parts_sum: i64 = parts.iter().map(|f| json(f)["groups"][k][field].as_i64().unwrap()).sum();
            assert_eq!(parts_sum, json(whole)["groups"][k][field].as_i64().unwrap(), "{what}: {k} {field}");
        }
    }
    let mut categories: BTreeMap<String, i64> = BTreeMap::new();
    for f in parts {
        for (c, fen) in &f.totals_by_category_fen.0 {
            *categories.entry(c.key().to_string()).or_default() += fen;
        }
    }
    let whole_categories: BTreeMap<String, i64> = whole
        .totals_by_category_fen
        .0
        .iter()
        .map(|(c, fen)| (c.key().to_string(), *fen))
        .collect();
    assert_eq!(categories, whole_categories, "{what}: categories");
    assert_eq!(
        parts
            .iter()
            .map(|f| f.receipts_used.iter().map(|r| r.count).sum::<i64>())
            .sum::<i64>(),
        whole.receipts_used.iter().map(|r| r.count).sum::<i64>(),
        "{what}: receipts"
    );
}

#[test]
fn the_shifts_add_up_to_the_outage_and_the_operators_to_the_total() {
    let o = simulated();
    let report: PeriodReport = o.f.desk.outage_report(&o.supervisor, None).unwrap();
    let shifts: Vec<ShiftReport> = report
        .shifts
        .iter()
        .map(|l| o.f.desk.shift_report(&o.supervisor, l.shift_id.parse().unwrap()).unwrap())
        .collect();
    let parts: Vec<&Figures> = shifts.iter().map(|s| &s.figures).collect();
    sums_to(&parts, &report.figures, "shifts → outage");
    let operators: Vec<&Figures> = report.operators.iter().map(|o| &o.figures).collect();
    sums_to(&operators, &report.figures, "operators → outage");
    assert_eq!(report.operators.len(), 2);
    let cashier = report.operators.iter().find(|x| x.operator == o.cashier.name()).unwrap();
    assert_eq!(cashier.shifts.len(), 2);
    // Every receipt of the station is in the outage: the whole sequence, once.
    let all = o.f.desk.receipts(None).unwrap();
    assert_eq!(report.figures.receipts_used.len(), 1, "{:?}", report.figures.receipts_used);
    assert_eq!(report.figures.receipts_used[0].count, all.len() as i64);
    // The hours add up to the net, too.
    let hours: i64 = report.hourly.iter().map(|h| h.taken_fen - h.given_back_fen).sum();
    assert_eq!(hours, report.figures.net_fen);
    // Only the first cashier shift is closed: the total's count and difference are its own.
    let closed: Vec<&ShiftReport> = shifts.iter().filter(|s| s.kind == ShiftReportKind::Z).collect();
    assert_eq!(closed.len(), 1);
    assert_eq!(report.figures.counted_cash_fen, closed[0].figures.counted_cash_fen);
    assert_eq!(report.figures.difference_fen, Some(0));
    assert_eq!(report.open_shifts().count(), 2);
}

#[test]
fn the_day_report_holds_the_shifts_opened_that_day() {
    let o = simulated();
    let today = o.f.desk.now().with_timezone(&chrono::Local).date_naive();
    let day = o.f.desk.day_report(&o.supervisor, today).unwrap();
    let outage = o.f.desk.outage_report(&o.supervisor, None).unwrap();
    assert_eq!(day.figures, outage.figures);
    let empty = o.f.desk.day_report(&o.supervisor, today.pred_opt().unwrap()).unwrap();
    assert!(empty.shifts.is_empty());
    assert_eq!(empty.figures.net_fen, 0);
    assert_eq!(empty.figures.counted_cash_fen, None);
}

#[test]
fn json_carries_the_fields_the_issue_names() {
    let o = simulated();
    let report = o.f.desk.current_shift_report(&o.cashier).unwrap();
    assert_eq!(report.kind, ShiftReportKind::X);
    let json = serde_json::to_value(&report).unwrap();
    for field in [
        "shift_id",
        "operator",
        "opened_at",
        "closed_at",
        "opening_float_fen",
        "cash_taken_fen",
        "cash_given_back_fen",
        "expected_cash_fen",
        "counted_cash_fen",
        "difference_fen",
        "totals_by_tender_fen",
        "totals_by_category_fen",
        "groups",
        "receipts_used",
        "voided",
        "refunds",
        "journal_seq",
        "journal_hash_prefix",
    ] {
        assert!(json.get(field).is_some(), "missing {field}: {json}");
    }
    assert!(json["closed_at"].is_null() && json["counted_cash_fen"].is_null());
    for m in ["cash", "card", "wechat", "alipay", "cheque", "other"] {
        assert!(json["totals_by_tender_fen"][m].is_i64(), "tender {m}");
    }
    // Categories in receipt order, as written (a JSON value would sort its keys).
    let text = serde_json::to_string(&report).unwrap();
    let object = &text[text.find("\"totals_by_category_fen\":{").unwrap()..];
    let object = &object[..object.find('}').unwrap()];
    let written: Vec<&str> = object.split('"').skip(3).step_by(2).collect();
    let order: Vec<&str> = report.figures.totals_by_category_fen.0.iter().map(|(c, _)| c.key()).collect();
    assert_eq!(written, order, "{object}");
    assert!(
        order.len() > 3
            && order.windows(2).all(|w| {
                let pos = |k: &str| downtime_core::catalog::category::FeeCategory::ALL.iter().position(|c| c.key() == k);
                pos(w[0]) < pos(w[1])
            })
    );
    assert_eq!(json["journal_hash_prefix"].as_str().unwrap().len(), 16);
    assert_eq!(json["journal_seq"].as_i64().unwrap(), o.f.entries());
    let period = serde_json::to_value(o.f.desk.outage_report(&o.supervisor, None).unwrap()).unwrap();
    assert!(period["operators"].as_array().unwrap().len() == 2);
    assert!(period["expected_cash_fen"].is_i64() && period["groups"]["voids"]["count"].is_i64());
}

#[test]
fn who_may_read_which_report() {
    let mut o = simulated();
    let other = o.f.operator("钱收费", Role::Cashier);
    let finance = o.f.operator("周财务", Role::Finance);
    let shift = o.f.desk.open_shift_of(&o.cashier).unwrap().unwrap().id;
    assert_eq!(o.f.desk.shift_report(&other, shift).unwrap_err().code(), "role_forbidden");
    assert_eq!(o.f.desk.outage_report(&other, None).unwrap_err().code(), "role_forbidden");
    assert!(o.f.desk.shift_report(&o.cashier, shift).is_ok());
    assert!(o.f.desk.shift_report(&finance, shift).is_ok());
    assert!(o.f.desk.outage_report(&finance, None).is_ok());
    assert_eq!(o.f.desk.current_shift_report(&other).unwrap_err().code(), "shift_none");
    assert_eq!(
        o.f.desk.shift_report(&o.supervisor, uuid::Uuid::now_v7()).unwrap_err().code(),
        "shift_unknown"
    );
    let _ = &o.clerk;
}

#[test]
fn a_closed_shift_reprinted_is_a_copy_and_text_shows_the_cash_sum() {
    let o = simulated();
    let first = o.f.desk.outage_report(&o.supervisor, None).unwrap().shifts[0]
        .shift_id
        .parse()
        .unwrap();
    let z = o.f.desk.shift_report(&o.cashier, first).unwrap();
    assert_eq!(z.kind, ShiftReportKind::Z);
    assert!(z.copy);
    let text = downtime_core::report::text::shift(&z);
    assert!(text.contains("Z 报表"), "{text}");
    assert!(text.contains("【副本】"), "{text}");
    let expected = downtime_core::money::signed_yuan(z.figures.expected_cash_fen);
    assert!(
        text.contains(&format!("应有现金 = 备用金 + 收取现金 − 退还现金  {expected}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("流水锚点：{}:{}", z.journal_seq, z.journal_hash_prefix)),
        "{text}"
    );
}

/// A prepared station (price list, outage, the simulator's cashier on shift) and one patient.
fn counter() -> (Fixture, Actor, Actor, String, String) {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let (cashier, supervisor) = downtime_core::simulate::prepare(&mut f.desk, &admin).unwrap();
    let patient = f
        .desk
        .add_patient(
            &cashier,
            &downtime_core::patient::NewPatient {
                name: "张三".into(),
                sex: "M".into(),
                phone: Some("13900001111".into()),
                insurance: Some("employee".into()),
                insurance_no: Some("E12345".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let code = "YP000107".to_string(); // 阿莫西林胶囊 in the shipped sample
    (f, cashier, supervisor, patient.downtime_no.unwrap(), code)
}

fn charge(f: &mut Fixture, who: &Actor, patient: &str, code: &str, paper: Option<&str>, insured: bool) -> Receipt {
    try_charge(f, who, patient, code, paper, insured).unwrap()
}

fn try_charge(
    f: &mut Fixture,
    who: &Actor,
    patient: &str,
    code: &str,
    paper: Option<&str>,
    insured: bool,
) -> downtime_core::Result<Receipt> {
    use downtime_core::catalog::price::Quantity;
    use downtime_core::charge::tender::TenderInput;
    use downtime_core::charge::{ChargeInput, LineInput};
    let lines = vec![LineInput::Item {
        code: code.into(),
        qty: Quantity::parse("1").unwrap(),
    }];
    let total = downtime_core::simulate::price(&mut f.desk, &lines).unwrap();
    let tenders = vec![TenderInput {
        method: Method::Cash,
        amount: total,
        reference: String::new(),
    }];
    f.desk.pay_charge(
        who,
        &ChargeInput {
            paper_no: paper.map(str::to_string),
            // The patient is insured: `false` charges them as self-pay, as chosen.
            payer: if insured {
                downtime_core::charge::Payer::Insured
            } else {
                downtime_core::charge::Payer::SelfPay("患者选择自费".into())
            },
            ..ChargeInput::new(patient, lines, tenders)
        },
    )
}

#[test]
fn paper_numbers_are_listed_with_skipped_ones_and_none_used_twice() {
    let (mut f, cashier, supervisor, patient, code) = counter();
    let shift = f.desk.open_shift_of(&cashier).unwrap().unwrap().id;
    for paper in ["No.0001", "No.0002", "No.0005", "第三本"] {
        charge(&mut f, &cashier, &patient, &code, Some(paper), false);
    }
    // `No.005` is the paper form `No.0005`: refused (a file from a build that took it still
    // lists it as 重号).
    let again = try_charge(&mut f, &cashier, &patient, &code, Some("No.005"), false);
    assert_eq!(again.unwrap_err().code(), "paper_no_used");
    let voided = charge(&mut f, &cashier, &patient, &code, Some("No.0006"), false);
    f.desk.void_receipt(&cashier, &supervisor, &voided.receipt_no, "填错").unwrap();
    charge(&mut f, &cashier, &patient, &code, None, false);
    let p = f.desk.shift_report(&cashier, shift).unwrap().lists.paper_numbers;
    let used: Vec<(&str, bool)> = p.used.iter().map(|u| (u.paper_no.as_str(), u.voided)).collect();
    assert_eq!(
        used,
        [
            ("No.0001", false),
            ("No.0002", false),
            ("No.0005", false),
            ("No.0006", true),
            ("第三本", false)
        ]
    );
    let skipped: Vec<(&str, &str, i64)> = p.skipped.iter().map(|s| (s.first.as_str(), s.last.as_str(), s.count)).collect();
    assert_eq!(skipped, [("No.0003", "No.0004", 2)]);
    assert!(p.repeated.is_empty());
    let text = downtime_core::report::text::shift(&f.desk.shift_report(&cashier, shift).unwrap());
    assert!(text.contains("跳号：No.0003 — No.0004（2 张未用）"), "{text}");
}

#[test]
fn insured_patients_and_admissions_to_convert_are_listed_with_phone_and_due_date() {
    let (mut f, cashier, _, patient, code) = counter();
    let r = charge(&mut f, &cashier, &patient, &code, None, true);
    charge(&mut f, &cashier, &patient, &code, None, false);
    let report = f.desk.current_shift_report(&cashier).unwrap();
    assert_eq!(report.lists.insured.len(), 1);
    let i = &report.lists.insured[0];
    assert_eq!(
        (i.receipt_no.as_str(), i.phone.as_str(), i.insurance_no.as_str()),
        (r.receipt_no.as_str(), "13900001111", "E12345")
    );
    assert_eq!(i.resettle_due, r.resettle_due.map(|d| d.date.to_string()));
    assert_eq!(report.lists.exchange_pending.iter().map(|e| e.count).sum::<i64>(), 2);

    let clerk = f.desk.authenticate(downtime_core::simulate::CLERK, "8642").unwrap();
    let ward = f
        .desk
        .departments()
        .unwrap()
        .into_iter()
        .find(|d| d.kind == downtime_core::registration::DeptKind::Inpatient)
        .unwrap();
    let a = f
        .desk
        .admit(
            &clerk,
            &downtime_core::admission::NewAdmission {
                patient: patient.clone(),
                dept: ward.code,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(a.convert_to_insured);
    let sheet = f.desk.current_shift_report(&clerk).unwrap();
    assert_eq!(sheet.lists.admissions_to_convert.len(), 1);
    assert_eq!(sheet.lists.admissions_to_convert[0].phone, "13900001111");
    let sup = f.desk.authenticate(downtime_core::simulate::SUPERVISOR, "8642").unwrap();
    let outage = f.desk.outage_report(&sup, None).unwrap();
    assert_eq!(outage.lists.admissions_to_convert.len(), 1);
    assert_eq!(outage.lists.insured.len(), 1);
    assert!(downtime_core::report::text::period(&outage).contains("13900001111"));
}

fn count(counted: i64, reason: &str, supervisor: Option<&Actor>) -> CashCount {
    CashCount {
        counted: Counted::Total(Fen::new(counted).unwrap()),
        reason: reason.into(),
        supervisor: supervisor.map(Into::into),
    }
}

#[test]
fn a_difference_needs_a_reason_and_above_the_threshold_another_supervisor() {
    let (mut f, cashier, supervisor, patient, code) = counter();
    charge(&mut f, &cashier, &patient, &code, None, false);
    let check = f.desk.check_count(&cashier, &Counted::Total(Fen::ZERO)).unwrap();
    let expected = check.expected_cash_fen;
    assert_eq!(expected, f.desk.current_shift_report(&cashier).unwrap().figures.expected_cash_fen);
    assert_eq!(check.threshold_fen, 1000, "¥10 unless set");
    let other_cashier = f.operator("钱收费", Role::Cashier);
    let before = f.entries();

    // ¥7.16 short: a reason is enough.
    let short = expected - 716;
    let e = f.desk.close_shift(&cashier, &count(short, "", None)).unwrap_err();
    assert_eq!(e.code(), "shift_difference_needs_reason");
    assert!(e.to_string().contains("-¥7.16"), "{e}");
    // ¥10.01 over: a reason and a supervisor, who is not the one closing and is a supervisor.
    let over = expected + 1001;
    let check = f.desk.check_count(&cashier, &Counted::Total(Fen::new(over).unwrap())).unwrap();
    assert!(check.needs_reason && check.needs_supervisor);
    assert_eq!(
        f.desk.close_shift(&cashier, &count(over, "点错", None)).unwrap_err().code(),
        "shift_difference_needs_supervisor"
    );
    assert_eq!(
        f.desk
            .close_shift(&cashier, &count(over, "点错", Some(&other_cashier)))
            .unwrap_err()
            .code(),
        "role_forbidden"
    );
    assert_eq!(
        f.desk
            .close_shift(&cashier, &count(over, "点错", Some(&cashier)))
            .unwrap_err()
            .code(),
        "shift_approver_is_operator"
    );
    assert_eq!(f.entries(), before, "refusals write nothing");
    assert!(f.desk.open_shift_of(&cashier).unwrap().is_some());

    let z = f
        .desk
        .close_shift(&cashier, &count(over, "多收患者十元，已登记", Some(&supervisor)))
        .unwrap();
    assert_eq!((z.kind, z.copy), (ShiftReportKind::Z, false));
    assert_eq!(z.figures.difference_fen, Some(1001));
    assert_eq!(z.difference_reason.as_deref(), Some("多收患者十元，已登记"));
    assert_eq!(z.difference_approved_by.as_deref(), Some(supervisor.name()));
    let entry = &f.desk.journal_tail(1).unwrap()[0];
    assert_eq!(entry.kind, "shift_closed");
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).unwrap();
    assert_eq!(payload["difference_fen"], 1001);
    assert_eq!(payload["expected_cash_fen"], expected);
    assert_eq!(payload["threshold_fen"], 1000);
    assert_eq!(payload["rows"]["shift_count"][0]["reason"], "多收患者十元，已登记");
    assert_eq!(payload["rows"]["shift_count"][0]["supervisor_id"], supervisor.id().to_string());
    assert!(f.desk.verify().unwrap().problem.is_none());
    // Printed again later, the Z report is a copy.
    assert!(f.desk.current_shift_report(&cashier).unwrap().copy);
}

#[test]
fn an_exact_count_by_denomination_closes_without_reason() {
    let (mut f, cashier, _, _, _) = counter();
    // The simulator's cashier opened with ¥500.00 and took nothing yet.
    let notes = Counted::parse_notes("100x3,50x2,20x1,10x4,5x1,1x4,0.5x1,0.1x3").unwrap();
    assert_eq!(notes.total().unwrap().get(), 46980);
    let exact = Counted::parse_notes("100x5").unwrap();
    let z = f
        .desk
        .close_shift(
            &cashier,
            &CashCount {
                counted: exact,
                reason: String::new(),
                supervisor: None,
            },
        )
        .unwrap();
    assert_eq!(z.figures.difference_fen, Some(0));
    assert_eq!(
        z.denominations,
        Some(vec![Denomination {
            value_fen: 10000,
            count: 5
        }])
    );
    assert!(downtime_core::report::text::shift(&z).contains("点钞明细  ¥100.00×5"));
    for (bad, code) in [
        ("3x1", "cash_denomination_unknown"),
        ("100x", "cash_count_invalid"),
        ("100x-1", "cash_count_out_of_range"),
        ("100x1,100x2", "cash_denomination_twice"),
        ("", "cash_count_invalid"),
        ("abc", "cash_count_invalid"),
    ] {
        assert_eq!(Counted::parse_notes(bad).unwrap_err().code(), code, "{bad}");
    }
}

#[test]
fn the_threshold_is_a_journalled_setting_for_administrators() {
    let (mut f, cashier, supervisor, patient, code) = counter();
    let admin = f.admin.clone();
    assert_eq!(
        f.desk.set_cash_difference_threshold(&cashier, Fen::ZERO).unwrap_err().code(),
        "role_forbidden"
    );
    assert_eq!(
        f.desk
            .set_cash_difference_threshold(&admin, Fen::new(1_000_001).unwrap())
            .unwrap_err()
            .code(),
        "threshold_out_of_range"
    );
    f.desk.set_cash_difference_threshold(&admin, Fen::ZERO).unwrap();
    assert_eq!(f.desk.journal_tail(1).unwrap()[0].kind, "setting_changed");
    charge(&mut f, &cashier, &patient, &code, None, false);
    let expected = f.desk.check_count(&cashier, &Counted::Total(Fen::ZERO)).unwrap().expected_cash_fen;
    // With a threshold of ¥0 even one fen needs a supervisor.
    assert_eq!(
        f.desk
            .close_shift(&cashier, &count(expected - 1, "少一分", None))
            .unwrap_err()
            .code(),
        "shift_difference_needs_supervisor"
    );
    f.desk
        .close_shift(&cashier, &count(expected - 1, "少一分", Some(&supervisor)))
        .unwrap();
}

#[test]
fn the_schema_refuses_an_approval_by_the_shifts_own_operator() {
    let (mut f, cashier, supervisor, _, _) = counter();
    // A supervisor on shift closes with a difference; approving it themselves is refused
    // by the core and, behind its back, by the schema.
    f.desk.open_shift(&supervisor, Fen::ZERO).unwrap();
    assert_eq!(
        f.desk
            .close_shift(&supervisor, &count(5000, "多", Some(&supervisor)))
            .unwrap_err()
            .code(),
        "shift_approver_is_operator"
    );
    let shift = f.desk.open_shift_of(&supervisor).unwrap().unwrap().id.to_string();
    let conn = crate::raw(&f.db_path());
    conn.execute(
        "INSERT INTO shift_close (shift_id, counted_fen, closed_by, closed_at) VALUES (?1, 5000, ?2, '2026-11-26T02:00:00.000000Z')",
        [&shift, &supervisor.id().to_string()],
    )
    .unwrap();
    let err = conn
        .execute(
            "INSERT INTO shift_count (shift_id, denominations, reason, supervisor_id) VALUES (?1, NULL, '多', ?2)",
            [&shift, &supervisor.id().to_string()],
        )
        .unwrap_err();
    assert!(err.to_string().contains("cannot approve its difference"), "{err}");
    let _ = cashier;
}

#[test]
fn ending_an_outage_with_open_shifts_needs_a_confirmation_and_is_journalled() {
    let (mut f, cashier, supervisor, _, _) = counter();
    let before = f.entries();
    let e = f.desk.end_outage(&supervisor, None, false).unwrap_err();
    assert_eq!(e.code(), "outage_shifts_open");
    let message = e.to_string();
    assert!(
        message.contains(cashier.name()) && message.contains(downtime_core::simulate::CLERK),
        "{message}"
    );
    assert!(message.contains("2 个班次未交班"), "{message}");
    assert_eq!(f.entries(), before);
    let ended = f.desk.end_outage(&supervisor, None, true).unwrap();
    assert!(ended.ended.is_some());
    let entry = &f.desk.journal_tail(1).unwrap()[0];
    assert_eq!(entry.kind, "outage_ended");
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).unwrap();
    assert_eq!(payload["open_shifts"].as_array().unwrap().len(), 2);
    assert!(f.desk.verify().unwrap().problem.is_none());
    // With every shift closed, no confirmation is needed.
    let mut g = Fixture::new();
    let admin = g.admin.clone();
    g.desk.start_outage(&admin, "宕机", None, "").unwrap();
    let ended = g.desk.end_outage(&admin, None, false).unwrap();
    assert!(ended.ended.is_some());
    let payload: serde_json::Value = serde_json::from_str(&g.desk.journal_tail(1).unwrap()[0].payload).unwrap();
    assert!(payload.get("open_shifts").is_none());
}

/// Text, JSON and PDF (A4 and roll) of a report say the same figures.
fn says(text: &str, figures: &Figures, what: &str) {
    use downtime_core::money::signed_yuan as y;
    // pdftotext may break a line between a label and its amount: compare without spaces.
    let flat: String = text.split_whitespace().collect();
    for (label, fen) in [
        ("应有现金", figures.expected_cash_fen),
        ("实收", figures.net_fen),
        ("备用金", figures.opening_float_fen),
        ("现金", figures.totals_by_tender_fen.cash),
        ("微信", figures.totals_by_tender_fen.wechat),
        ("作废", figures.groups.voids.amount_fen),
        ("退费", figures.groups.refunds.amount_fen),
    ] {
        assert!(flat.contains(&y(fen)), "{what}: {label} {} missing in\n{text}", y(fen));
    }
}

#[test]
fn every_format_says_the_same_figures() {
    use downtime_core::receipt_pdf::SheetLayout;
    use downtime_core::report::{pdf, text};
    let o = simulated();
    let outage = o.f.desk.outage_report(&o.supervisor, None).unwrap();
    assert!(
        outage.hourly.len() >= 3,
        "the second round came two hours later: {:?}",
        outage.hourly
    );
    for line in &outage.shifts {
        let r = o.f.desk.shift_report(&o.supervisor, line.shift_id.parse().unwrap()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(json["expected_cash_fen"], r.figures.expected_cash_fen);
        assert_eq!(json["totals_by_tender_fen"]["cash"], r.figures.totals_by_tender_fen.cash);
        says(&text::shift(&r), &r.figures, "text");
        for layout in [SheetLayout::A4, SheetLayout::Roll80] {
            let bytes = pdf::shift_pdf(&r, layout).unwrap();
            let t = crate::receipt_pdf::text_of(&bytes);
            says(&t, &r.figures, &format!("{layout:?} PDF of {}", line.operator));
            assert!(t.contains(&r.journal_hash_prefix), "{t}");
            assert!(t.contains("收费员签字") && t.contains("接收主管签字"), "{t}");
            assert_eq!(t.contains("副本"), r.copy);
        }
    }
    says(&text::period(&outage), &outage.figures, "outage text");
    for layout in [SheetLayout::A4, SheetLayout::Roll80] {
        let bytes = pdf::period_pdf(&outage, layout).unwrap();
        let t = crate::receipt_pdf::text_of(&bytes);
        says(&t, &outage.figures, &format!("{layout:?} outage PDF"));
        // The charts are there, drawn as vectors: their labels are text and no image is embedded.
        assert!(t.contains("每小时收款") && t.contains("支付方式构成"), "{t}");
        for o in &outage.operators {
            assert!(t.contains(&o.operator));
        }
        let images = poppler_images(&bytes);
        assert_eq!(images.lines().count(), 2, "no raster images: {images}");
    }
}

/// `pdfimages -list` of a PDF: two header lines, then one per embedded image.
fn poppler_images(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfimages").arg("-list").arg(&path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}
