//! `downtime simulate`: a realistic outage at one initialised station, driven through the same
//! core API the window uses — patients (new, some insured, some found again), registrations,
//! charges of 1 to 15 lines paid with one or several tenders, a few voids and refunds.
//! Deterministic for a seed (the choices; ids and times are real). It creates the operators,
//! outage, shifts, departments and price list it needs from the shipped samples when missing.

use crate::catalog::price::Quantity;
use crate::charge::correction::RefundInput;
use crate::charge::{ChargeInput, LineInput, Receipt};
use crate::error::Result;
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::NewPatient;
use crate::receipt::tender::{Method, TenderInput};
use crate::registration::NewRegistration;
use crate::rng::Rng;
use crate::store::Desk;
use crate::Role;
use uuid::Uuid;

pub const CASHIER: &str = "模拟收费员";
pub const SUPERVISOR: &str = "模拟主管";
pub const CLERK: &str = "模拟住院处";
const PIN: &str = "8642";

/// What happened, for the summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub patients: usize,
    pub registrations: usize,
    pub receipts: usize,
    pub voids: usize,
    pub refunds: usize,
    pub admissions: usize,
    pub deposits: usize,
    pub deposit_refunds: usize,
    pub taken: i64,
}

fn operator(desk: &mut Desk, admin: &Actor, name: &str, role: Role) -> Result<Actor> {
    if !desk.operators()?.iter().any(|o| o.name == name) {
        desk.add_operator(admin, name, role, PIN)?;
    }
    desk.authenticate(name, PIN)
}

/// Gets the station ready: operators, price list, departments, outage, the cashier's shift.
pub fn prepare(desk: &mut Desk, admin: &Actor) -> Result<(Actor, Actor)> {
    let cashier = operator(desk, admin, CASHIER, Role::Cashier)?;
    let supervisor = operator(desk, admin, SUPERVISOR, Role::Supervisor)?;
    if desk.active_catalog()?.is_none() {
        desk.import_sample_catalog(&supervisor, &mut |_, _| {})?;
    }
    if desk.reg_types()?.is_empty() {
        desk.seed_reg_types(&supervisor)?;
    }
    if desk.departments()?.is_empty() {
        desk.import_departments(&supervisor, include_bytes!("../../../../assets/departments.csv"), "departments.csv")?;
    }
    if desk.active_outage()?.is_none() {
        desk.start_outage(&supervisor, "模拟：HIS 数据库服务器宕机", None, "网管中心")?;
    }
    if desk.open_shift_of(&cashier)?.is_none() {
        desk.open_shift(&cashier, Fen::new(50_000)?)?;
    }
    let clerk = operator(desk, admin, CLERK, Role::Admissions)?;
    if desk.open_shift_of(&clerk)?.is_none() {
        desk.open_shift(&clerk, Fen::ZERO)?;
    }
    Ok((cashier, supervisor))
}

/// Runs the simulation; `on_receipt` is called right after each receipt's transaction commits.
pub fn run(
    desk: &mut Desk,
    admin: &Actor,
    patients: usize,
    seed: u64,
    on_receipt: &mut dyn FnMut(&Receipt) -> Result<()>,
) -> Result<Summary> {
    let (cashier, supervisor) = prepare(desk, admin)?;
    let mut rng = Rng(seed);
    let mut sum = Summary::default();
    // What a visit is charged: drugs, herbs, tests, examinations, treatments, materials (not
    // the registration fees, beds or nursing, which are not outpatient charges).
    let items: Vec<String> = {
        use crate::catalog::category::FeeCategory::*;
        let in_force = desk
            .items_in_force()?
            .ok_or_else(|| crate::error::invalid!(CatalogMissing, "尚未导入价目表", "No price list"))?;
        in_force
            .all()
            .iter()
            .filter(|i| !matches!(i.category, Registration | Consultation | Bed | Nursing | GeneralService | Other))
            .map(|i| i.code.clone())
            .collect()
    };
    let depts: Vec<String> = desk
        .departments()?
        .into_iter()
        .filter(|d| d.kind != crate::registration::DeptKind::Inpatient)
        .map(|d| d.code)
        .collect();
    // The types whose fees the price list holds (the shipped types fit the shipped list).
    let mut reg_types = Vec::new();
    for t in desk.reg_types()?.into_iter().filter(|t| t.active) {
        if desk.reg_type_fees(&t)?.missing().is_empty() {
            reg_types.push(t);
        }
    }
    if reg_types.is_empty() {
        return Err(crate::error::invalid!(
            SimulateNoRegTypes,
            "没有费用项目齐全的号别，无法模拟挂号",
            "No registration type has all its fee items in the price list: nothing to simulate"
        ));
    }
    const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "秀英", "建华"];
    let mut issued: Vec<Receipt> = Vec::new();
    for n in 0..patients {
        let insured = rng.chance(40);
        let name = format!(
            "{}{}",
            SURNAMES[rng.below(SURNAMES.len() as u64) as usize],
            GIVEN[rng.below(GIVEN.len() as u64) as usize]
        );
        let patient = desk.add_patient(
            &cashier,
            &NewPatient {
                name,
                sex: if rng.chance(50) { "M".into() } else { "F".into() },
                age: Some(1 + rng.below(90) as i64),
                phone: Some(format!("139{:08}", seed.wrapping_mul(7919).wrapping_add(n as u64) % 100_000_000)),
                insurance: Some(if insured { "resident".into() } else { "self_pay".into() }),
                insurance_no: insured.then(|| format!("YB{:010}", rng.below(10_000_000_000))),
                confirm_duplicate: true,
                ..Default::default()
            },
        )?;
        sum.patients += 1;
        let downtime_no = patient.downtime_no.clone().unwrap_or_default();
        let reg_type = &reg_types[rng.below(reg_types.len() as u64) as usize];
        let dept = depts[rng.below(depts.len() as u64) as usize].clone();
        let fee = desk.reg_type_fees(reg_type)?.total().unwrap_or(Fen::ZERO);
        let pay = if fee > Fen::ZERO {
            vec![TenderInput {
                method: Method::Cash,
                amount: fee,
                reference: String::new(),
            }]
        } else {
            vec![]
        };
        let reg = desk.register(
            &cashier,
            &NewRegistration::new(downtime_no.clone(), dept, reg_type.key.clone(), pay),
        )?;
        sum.registrations += 1;
        let mut lines: Vec<LineInput> = Vec::new();
        let extra = 1 + rng.below(13) as usize;
        for _ in 0..extra {
            let code = items[rng.below(items.len() as u64) as usize].clone();
            if lines
                .iter()
                .any(|l| matches!(l, LineInput::Item { code: c, .. } | LineInput::Herbal { code: c, .. } if *c == code))
            {
                continue;
            }
            let herbal = desk.active_catalog_item(&code)?.is_some_and(|i| i.by_dose());
            if herbal {
                lines.push(LineInput::Herbal {
                    code,
                    per_dose: Quantity::from_milli(1000 * (5 + rng.below(26) as i64))?,
                    doses: 3 + rng.below(5) as i64,
                });
            } else {
                lines.push(LineInput::Item {
                    code,
                    qty: Quantity::from_milli(1000 * (1 + rng.below(3) as i64))?,
                });
            }
        }
        // Price the draft the way the window does: the core computes, the simulator reads.
        let total = price(desk, &lines)?;
        let (tenders, cash_tendered) = match rng.below(10) {
            0..=4 => {
                let over = [0, 100, 500, 1000, 5000][rng.below(5) as usize];
                let tendered = Fen::new(((total.get() + over + 99) / 100) * 100)?;
                (
                    vec![TenderInput {
                        method: Method::Cash,
                        amount: total,
                        reference: String::new(),
                    }],
                    Some(tendered),
                )
            }
            5..=6 => (
                vec![TenderInput {
                    method: Method::Wechat,
                    amount: total,
                    reference: format!("4200{:016}", rng.below(10_000_000_000_000_000)),
                }],
                None,
            ),
            7 => (
                vec![TenderInput {
                    method: Method::Card,
                    amount: total,
                    reference: format!("{:04}/{:06}", rng.below(10_000), rng.below(1_000_000)),
                }],
                None,
            ),
            _ => {
                let part = Fen::new((total.get() / 2).max(1))?;
                let rest = Fen::new(total.get() - part.get())?;
                let mut t = vec![TenderInput {
                    method: Method::Alipay,
                    amount: part,
                    reference: format!("2026{:016}", rng.below(10_000_000_000_000_000)),
                }];
                if rest > Fen::ZERO {
                    t.push(TenderInput {
                        method: Method::Cash,
                        amount: rest,
                        reference: String::new(),
                    });
                }
                (t, None)
            }
        };
        let receipt = desk.pay_charge(
            &cashier,
            &ChargeInput {
                visit: Some(reg.id),
                cash_tendered,
                // Insured patients are charged as insured: the default.
                ..ChargeInput::new(downtime_no, lines, tenders)
            },
        )?;
        on_receipt(&receipt)?;
        sum.receipts += 1;
        sum.taken += receipt.total.get();
        if rng.chance(3) {
            desk.void_receipt(&cashier, &supervisor, &receipt.receipt_no, "模拟：收错项目")?;
            sum.voids += 1;
            sum.taken -= receipt.total.get();
        } else {
            issued.push(receipt);
        }
        // About one patient in eight is admitted: a deposit, sometimes a top-up, rarely a
        // partial refund of the balance.
        if rng.chance(12) {
            admit(desk, admin, &mut rng, &patient, &supervisor, &mut sum, on_receipt)?;
        }
        if rng.chance(5) && !issued.is_empty() {
            let original = issued.remove(rng.below(issued.len() as u64) as usize);
            let whole = original.insured && rng.chance(50);
            let lines = if whole {
                vec![]
            } else {
                vec![(
                    original.lines.last().map(|l| l.line_no).unwrap_or(1),
                    original.lines.last().map(|l| l.qty).unwrap_or(Quantity::from_milli(1000)?),
                )]
            };
            let refund = desk.refund_receipt(
                &cashier,
                &supervisor,
                &RefundInput {
                    id: Uuid::now_v7(),
                    receipt_no: original.receipt_no.clone(),
                    lines,
                    reason: if whole {
                        crate::charge::correction::RESETTLEMENT_REASON.into()
                    } else {
                        "模拟：患者不需要".into()
                    },
                    tenders: vec![],
                    pay_back_reason: None,
                    drug_return_by: Some("模拟药师".into()),
                },
            )?;
            on_receipt(&refund)?;
            sum.refunds += 1;
            sum.taken -= refund.total.get();
        }
    }
    Ok(sum)
}

fn admit(
    desk: &mut Desk,
    admin: &Actor,
    rng: &mut Rng,
    patient: &crate::patient::Patient,
    supervisor: &Actor,
    sum: &mut Summary,
    on_receipt: &mut dyn FnMut(&Receipt) -> Result<()>,
) -> Result<()> {
    use crate::admission::{DepositInput, DepositRefundInput, NewAdmission};
    let clerk = operator(desk, admin, CLERK, Role::Admissions)?;
    let wards: Vec<String> = desk
        .departments()?
        .into_iter()
        .filter(|d| d.kind == crate::registration::DeptKind::Inpatient)
        .map(|d| d.code)
        .collect();
    let Some(dept) = wards.get(rng.below(wards.len() as u64) as usize).cloned() else {
        return Ok(());
    };
    let a = desk.admit(
        &clerk,
        &NewAdmission {
            patient: patient.downtime_no.clone().unwrap_or_default(),
            dept,
            ward: Some(format!("{}病区", 1 + rng.below(3))),
            bed: Some(format!("{}", 1 + rng.below(40))),
            confirm_second: true,
            ..Default::default()
        },
    )?;
    sum.admissions += 1;
    let deposit = |rng: &mut Rng, desk: &mut Desk| -> Result<Receipt> {
        let amount = Fen::new(100_000 * (1 + rng.below(5) as i64))?;
        let tender = if rng.chance(60) {
            TenderInput {
                method: Method::Cash,
                amount,
                reference: String::new(),
            }
        } else if rng.chance(50) {
            TenderInput {
                method: Method::Card,
                amount,
                reference: format!("{:04}/{:06}", rng.below(10_000), rng.below(1_000_000)),
            }
        } else {
            TenderInput {
                method: Method::Cheque,
                amount,
                reference: format!("工商银行/{:08}", rng.below(100_000_000)),
            }
        };
        desk.take_deposit(
            &clerk,
            &DepositInput {
                id: Uuid::now_v7(),
                admission_no: a.inpatient_no.clone(),
                tenders: vec![tender],
                cash_tendered: None,
                back_entered_at: None,
                payer: None,
            },
        )
    };
    let first = deposit(rng, desk)?;
    on_receipt(&first)?;
    sum.deposits += 1;
    sum.taken += first.total.get();
    if rng.chance(40) {
        let top_up = deposit(rng, desk)?;
        on_receipt(&top_up)?;
        sum.deposits += 1;
        sum.taken += top_up.total.get();
    }
    if rng.chance(25) {
        let balance = desk.deposit_account(&a.inpatient_no)?.balance;
        let amount = Fen::new((balance.get() / 3).max(1))?;
        let r = desk.refund_deposit(
            &clerk,
            supervisor,
            &DepositRefundInput {
                id: Uuid::now_v7(),
                admission_no: a.inpatient_no.clone(),
                amount,
                tenders: vec![],
                reason: "模拟：部分退还".into(),
                pay_back_reason: None,
            },
        )?;
        on_receipt(&r)?;
        sum.deposit_refunds += 1;
        sum.taken -= r.total.get();
    }
    Ok(())
}

/// The total a draft would come to, by the core's rules.
pub fn price(desk: &mut Desk, lines: &[LineInput]) -> Result<Fen> {
    desk.require_catalog()?;
    let mut total = Fen::ZERO;
    for l in lines {
        let (code, milli) = match l {
            LineInput::Item { code, qty } => (code, qty.milli()),
            LineInput::Herbal { code, per_dose, doses } => (code, per_dose.milli() * doses),
            LineInput::FreeText { .. } => continue,
        };
        if let Some(item) = desk.active_catalog_item(code)? {
            total = total
                .checked_add(crate::catalog::price::line_amount(Quantity::from_milli(milli)?, item.price)?)
                .unwrap_or(total);
        }
    }
    Ok(total)
}
