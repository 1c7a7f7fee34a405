//! 收费: charging a patient item by item, taking the money, issuing the receipt. A charge is
//! drafted by the window (lines can change freely there) and becomes facts in one transaction
//! when paid: the receipt, its lines and its tenders. Its id is made when the draft starts and
//! is the idempotency key: paying the same draft twice (a retry after a timeout) returns the
//! receipt already issued, never a second one.
//!
//! Receipt numbers (`MZ01-000123`) come from one gapless sequence per station shared by every
//! kind of receipt (charge, refund, deposit). Corrections (void, refund) live in `correction`.

pub mod correction;
pub mod payback;
pub mod print;
pub mod printed;
pub mod qr;
pub mod tender;

use crate::catalog::category::FeeCategory;
use crate::catalog::price::{line_amount, Quantity, UnitPrice};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::jcs::canonical;
use crate::journal;
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::{Insurance, Patient};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use crate::workdays::{Due, DUE_WORKING_DAYS};
use chrono::{DateTime, Local, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map};
use sha2::{Digest, Sha256};
use tender::{settle, Method, Tender, TenderInput};
use uuid::Uuid;

/// How a patient is charged: an insured patient (insurance type and number on file) as
/// insured by default — pays in full now, re-settled after recovery — or as self-pay with a
/// reason, which the receipt keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Payer {
    /// As the patient's record says.
    #[default]
    AsRecorded,
    /// As insured; refused for a patient with no insurance on file (`--insured`).
    Insured,
    /// As self-pay (`--self-pay REASON`); an insured patient needs the reason.
    SelfPay(String),
}

impl Payer {
    /// Whether the receipt is insured, and the reason it records (empty unless an insured
    /// patient pays as self-pay).
    pub(crate) fn resolve(&self, patient: &Patient) -> Result<(bool, String)> {
        let on_file = patient.insurance.is_insured();
        match self {
            Payer::AsRecorded => Ok((on_file, String::new())),
            Payer::Insured if on_file => Ok((true, String::new())),
            Payer::Insured => Err(invalid!(
                PatientNotInsured,
                format!("{} 没有登记医保类型和卡号，不能按医保患者收费：请先在患者信息中登记", patient.name),
                format!(
                    "{} has no insurance type and card number on record; record them before charging as insured",
                    patient.name
                )
            )),
            Payer::SelfPay(_) if !on_file => Ok((false, String::new())),
            Payer::SelfPay(reason) if reason.trim().is_empty() => Err(invalid!(
                SelfPayReasonMissing,
                format!(
                    "{} 登记了{}：按自费收费请写明原因（默认按医保患者收费）",
                    patient.name,
                    patient.insurance.zh()
                ),
                format!(
                    "{} is insured: charging as self-pay needs a reason (insured is the default)",
                    patient.name
                )
            )),
            Payer::SelfPay(reason) => Ok((
                false,
                format!("按自费收费：{}", clean_text(reason, 60, ("自费原因", "Self-pay reason"))?),
            )),
        }
    }

    /// For the idempotency fingerprint.
    fn key(&self) -> serde_json::Value {
        match self {
            Payer::AsRecorded => json!("as_recorded"),
            Payer::Insured => json!("insured"),
            Payer::SelfPay(reason) => json!({ "self_pay": reason }),
        }
    }
}

/// Most doses (付) one herbal line may have.
pub const MAX_DOSES: i64 = 99;

/// A line of a price-list item: `doses` for a herbal line (中药饮片 only, and always), a whole
/// quantity where the item counts whole units (次, 项 …).
fn item_line(
    line_no: i64,
    item: Option<&crate::catalog::CatalogItem>,
    month: &str,
    code: &str,
    qty: Quantity,
    doses: Option<i64>,
) -> Result<ReceiptLine> {
    let item = item.ok_or_else(|| {
        invalid!(
            ItemUnknown,
            format!("第 {line_no} 行：当前价目表（{month}）中没有编码为“{code}”的项目"),
            format!("Line {line_no}: the active price list ({month}) has no item \"{code}\"")
        )
    })?;
    match (item.by_dose(), doses) {
        (true, None) => {
            return Err(invalid!(
                HerbalNeedsDoses,
                format!(
                    "第 {line_no} 行：{}是中药饮片，请按每付用量和付数录入（如 10 克 × 7 付）",
                    item.name
                ),
                format!(
                    "Line {line_no}: {} is a herbal piece: enter the quantity per dose and the number of doses (e.g. 10 g × 7)",
                    item.name
                )
            ))
        }
        (false, Some(_)) => {
            return Err(invalid!(
                DosesNotHerbal,
                format!("第 {line_no} 行：{}不是中药饮片，不按付数收费", item.name),
                format!("Line {line_no}: {} is not a herbal piece; it is not charged by doses", item.name)
            ))
        }
        _ => {}
    }
    check_whole(line_no, &item.name, &item.unit, qty, item.whole_units())?;
    Ok(ReceiptLine {
        line_no,
        amount: line_amount(qty, item.price)?,
        code: item.code.clone(),
        name: item.name.clone(),
        spec: item.spec.clone(),
        unit: item.unit.clone(),
        qty,
        unit_price: item.price,
        category: item.category,
        is_drug: item.is_drug,
        free_text: false,
        free_reason: String::new(),
        refunds_line: None,
        insurance_class: item.insurance_class.clone(),
        doses,
    })
}

/// Refuses a fraction of a unit that counts visits or tests.
pub(crate) fn check_whole(line_no: i64, name: &str, unit: &str, qty: Quantity, whole: bool) -> Result<()> {
    if whole && qty.milli() % 1000 != 0 {
        return Err(invalid!(
            QuantityNotWhole,
            format!("第 {line_no} 行：{name}按“{unit}”计，数量须为整数，不能是 {}", qty.text()),
            format!("Line {line_no}: {name} counts in whole \"{unit}\", not {}", qty.text())
        ));
    }
    Ok(())
}

/// Most lines one charge may hold (a prescription plus its exams; anything longer is a
/// typing accident, not a visit).
pub const MAX_LINES: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptKind {
    /// 门诊收费票据
    Charge,
    /// 门诊收费票据 of a registration's fee (挂号费 + 诊查费), written with the registration;
    /// given back only by 退号.
    Registration,
    /// 退费凭证
    Refund,
    /// 住院病人预交金收据
    Deposit,
    /// 预交金退款凭证
    DepositRefund,
}

impl ReceiptKind {
    pub fn key(self) -> &'static str {
        match self {
            ReceiptKind::Charge => "charge",
            ReceiptKind::Registration => "registration",
            ReceiptKind::Refund => "refund",
            ReceiptKind::Deposit => "deposit",
            ReceiptKind::DepositRefund => "deposit_refund",
        }
    }
    /// What the receipt lists and reports call it.
    pub fn zh(self) -> &'static str {
        match self {
            ReceiptKind::Charge => "收费",
            ReceiptKind::Registration => "挂号",
            ReceiptKind::Refund => "退费",
            ReceiptKind::Deposit => "预交金",
            ReceiptKind::DepositRefund => "退预交金",
        }
    }
    /// Money going back to the patient (refunds, deposit refunds): stored as a positive
    /// total, shown and summed as negative.
    pub fn pays_back(self) -> bool {
        matches!(self, ReceiptKind::Refund | ReceiptKind::DepositRefund)
    }
    /// The kind named by `key` (as [`ReceiptKind::key`] writes it), or none.
    pub fn from_key(text: &str) -> Option<ReceiptKind> {
        [
            ReceiptKind::Charge,
            ReceiptKind::Registration,
            ReceiptKind::Refund,
            ReceiptKind::Deposit,
            ReceiptKind::DepositRefund,
        ]
        .into_iter()
        .find(|k| k.key() == text)
    }
    /// The printed title of a document of this kind.
    pub fn title(self) -> &'static str {
        match self {
            ReceiptKind::Charge => "门诊收费票据",
            ReceiptKind::Registration => "门诊挂号收费票据",
            ReceiptKind::Refund => "退费凭证",
            ReceiptKind::Deposit => "住院病人预交金收据",
            ReceiptKind::DepositRefund => "预交金退款凭证",
        }
    }
    pub(crate) fn parse(text: &str) -> ReceiptKind {
        match text {
            "registration" => ReceiptKind::Registration,
            "refund" => ReceiptKind::Refund,
            "deposit" => ReceiptKind::Deposit,
            "deposit_refund" => ReceiptKind::DepositRefund,
            _ => ReceiptKind::Charge,
        }
    }
}

/// A line as the cashier entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineInput {
    /// An item of the active price list.
    Item { code: String, qty: Quantity },
    /// 中药饮片: a quantity per dose (剂/付) taken `doses` times; the line's quantity is their
    /// product.
    Herbal { code: String, per_dose: Quantity, doses: i64 },
    /// An item missing from the month-end list: needs a supervisor and a reason, and is
    /// flagged in every report and export.
    FreeText {
        name: String,
        unit: String,
        unit_price: UnitPrice,
        qty: Quantity,
        category: FeeCategory,
        reason: String,
    },
}

/// A charge being paid.
#[derive(Debug, Clone)]
pub struct ChargeInput {
    /// Made when the draft started; a retry with the same id finds the receipt issued.
    pub id: Uuid,
    /// Downtime number or HIS ID.
    pub patient: String,
    /// The registration (visit) this charge belongs to, if any.
    pub visit: Option<Uuid>,
    pub lines: Vec<LineInput>,
    pub tenders: Vec<TenderInput>,
    pub cash_tendered: Option<Fen>,
    /// Insured (pays in full now, re-settled after recovery) or self-pay.
    pub payer: Payer,
    /// Number of the pre-printed paper receipt (手工发票) written as well, if any.
    pub paper_no: Option<String>,
    pub back_entered_at: Option<DateTime<Utc>>,
    /// The supervisor who approved free-text lines.
    pub approver: Option<Actor>,
}

impl ChargeInput {
    /// A new draft of `lines` for `patient` paid by `tenders`: a fresh id, no visit, no cash
    /// handed over beyond the tenders, self-pay, no paper receipt, not back-entered.
    pub fn new(patient: impl Into<String>, lines: Vec<LineInput>, tenders: Vec<TenderInput>) -> ChargeInput {
        ChargeInput {
            id: Uuid::now_v7(),
            patient: patient.into(),
            visit: None,
            lines,
            tenders,
            cash_tendered: None,
            payer: Payer::AsRecorded,
            paper_no: None,
            back_entered_at: None,
            approver: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    /// As printed, from 1.
    pub line_no: i64,
    pub code: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub qty: Quantity,
    pub unit_price: UnitPrice,
    pub amount: Fen,
    pub category: FeeCategory,
    pub is_drug: bool,
    pub free_text: bool,
    pub free_reason: String,
    /// On a refund: the line of the original receipt it pays back.
    pub refunds_line: Option<i64>,
    /// 医保类别 of the item as the price list gave it (甲/乙/丙 or a self-pay ratio), printed.
    pub insurance_class: String,
    /// 付数: a herbal line's quantity is `qty / doses` per dose, taken `doses` times.
    pub doses: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Void {
    pub reason: String,
    pub supervisor: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub id: Uuid,
    pub receipt_no: String,
    pub kind: ReceiptKind,
    pub patient: Patient,
    pub registration_id: Option<Uuid>,
    pub admission_id: Option<Uuid>,
    pub department: String,
    pub refund_of: Option<String>,
    pub lines: Vec<ReceiptLine>,
    pub tenders: Vec<Tender>,
    pub total: Fen,
    pub change: Fen,
    pub insured: bool,
    pub insurance: Insurance,
    pub insurance_no: String,
    pub resettle_due: Option<Due>,
    pub exchange_due: Option<Due>,
    pub paper_no: Option<String>,
    pub reason: String,
    pub supervisor: Option<String>,
    pub drug_return_by: Option<String>,
    pub catalog_version: Option<Uuid>,
    pub cashier: String,
    pub shift_id: Uuid,
    pub outage_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub back_entered: bool,
    pub qr_payload: String,
    pub voided: Option<Void>,
    /// What refunds have paid back against this receipt so far.
    pub refunded: Fen,
    /// A refund paid back (some of it) another way than the money came: why.
    pub pay_back_reason: Option<String>,
    /// 交款人 of a deposit when it is not the patient.
    pub payer: Option<Depositor>,
}

/// Who paid a deposit for the patient (a relative): name, relationship, phone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Depositor {
    pub name: String,
    /// 与患者关系, e.g. 子女, 配偶.
    pub relation: String,
    pub phone: String,
}

impl ReceiptLine {
    /// The quantity per dose of a herbal line; the quantity of any other.
    pub fn per_dose(&self) -> Quantity {
        match self.doses {
            Some(d) if d > 0 => Quantity::from_milli(self.qty.milli() / d).unwrap_or(self.qty),
            _ => self.qty,
        }
    }
}

impl Receipt {
    /// Category subtotals in receipt order.
    pub fn subtotals(&self) -> Vec<(FeeCategory, Fen)> {
        let mut out: Vec<(FeeCategory, Fen)> = Vec::new();
        for c in FeeCategory::ALL {
            let sum: i64 = self.lines.iter().filter(|l| l.category == c).map(|l| l.amount.get()).sum();
            if self.lines.iter().any(|l| l.category == c) {
                out.push((c, Fen::new(sum).unwrap_or_default()));
            }
        }
        out
    }

    /// The total with the direction of the money: negative for money paid back.
    pub fn signed_total(&self) -> i64 {
        if self.kind.pays_back() {
            -self.total.get()
        } else {
            self.total.get()
        }
    }

    pub fn has_free_text(&self) -> bool {
        self.lines.iter().any(|l| l.free_text)
    }
}

/// What a receipt row needs besides lines and tenders; shared with refunds and deposits.
pub(crate) struct NewReceipt<'a> {
    pub id: Uuid,
    pub kind: ReceiptKind,
    pub patient: &'a Patient,
    pub registration_id: Option<Uuid>,
    pub admission_id: Option<Uuid>,
    pub department: String,
    pub refund_of: Option<Uuid>,
    pub total: Fen,
    pub change: Fen,
    pub insured: bool,
    pub resettle_due: Option<Due>,
    pub exchange_due: Option<Due>,
    pub paper_no: Option<String>,
    pub reason: String,
    pub supervisor: Option<&'a Actor>,
    pub drug_return_by: Option<String>,
    pub catalog_version: Option<Uuid>,
    pub shift_id: Uuid,
    pub outage_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub back_entered: bool,
    pub request_sha256: String,
    pub pay_back_reason: Option<String>,
    pub payer: Option<Depositor>,
}

impl<'a> NewReceipt<'a> {
    /// A receipt of `kind` with every optional fact empty; callers fill in what theirs has.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        kind: ReceiptKind,
        id: Uuid,
        patient: &'a Patient,
        total: Fen,
        shift_id: Uuid,
        outage_id: Uuid,
        occurred_at: DateTime<Utc>,
    ) -> Self {
        NewReceipt {
            id,
            kind,
            patient,
            registration_id: None,
            admission_id: None,
            department: String::new(),
            refund_of: None,
            total,
            change: Fen::ZERO,
            insured: false,
            resettle_due: None,
            exchange_due: None,
            paper_no: None,
            reason: String::new(),
            supervisor: None,
            drug_return_by: None,
            catalog_version: None,
            shift_id,
            outage_id,
            occurred_at,
            back_entered: false,
            request_sha256: String::new(),
            pay_back_reason: None,
            payer: None,
        }
    }
}

/// The one error for a receipt number that is not on record.
pub fn unknown_receipt(no: &str) -> crate::CoreError {
    invalid!(ReceiptUnknown, format!("找不到收据 {no}"), format!("No receipt {no}"))
}

impl Desk {
    /// 收费结算: checks every line and tender, then writes the receipt, its lines and tenders
    /// and one journal entry in one transaction. Returns the receipt (the one already issued
    /// when this draft was paid before).
    pub fn pay_charge(&mut self, by: &Actor, input: &ChargeInput) -> Result<Receipt> {
        by.require(Permission::Register)?;
        let request = request_digest(input);
        let signer = self.signer()?;
        self.in_write_tx(|desk| desk.pay_charge_in_tx(by, input, request, &signer))
    }

    fn pay_charge_in_tx(&mut self, by: &Actor, input: &ChargeInput, request: String, signer: &Signer) -> Result<Receipt> {
        if let Some(existing) = self.receipt_by_id(input.id)? {
            let same: Option<String> = self
                .conn
                .qrow("SELECT request_sha256 FROM receipt WHERE id = ?1", [input.id.to_string()], |r| {
                    r.get(0)
                })
                .optional()?;
            if same.as_deref() == Some(request.as_str()) {
                return Ok(existing);
            }
            return Err(invalid!(
                ChargeExistsDifferent,
                format!("这笔收费已经以收据 {} 结算，内容与现在不同：请新建一笔收费", existing.receipt_no),
                format!(
                    "This charge was already paid as receipt {} with different content: start a new charge",
                    existing.receipt_no
                )
            ));
        }
        if input.lines.is_empty() {
            return Err(invalid!(ChargeEmpty, "还没有收费项目", "The charge has no lines"));
        }
        if input.lines.len() > MAX_LINES {
            return Err(invalid!(
                ChargeTooManyLines,
                format!("一笔收费最多 {MAX_LINES} 行，现在有 {} 行：请分开收费", input.lines.len()),
                format!(
                    "One charge holds at most {MAX_LINES} lines, this one has {}: split it",
                    input.lines.len()
                )
            ));
        }
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let (occurred_at, outage_id) = self.outage_for(input.back_entered_at, now)?;
        let catalog = self.require_catalog()?;
        let patient = self.resolve_patient(by, &input.patient)?;
        let names: Vec<&str> = input
            .lines
            .iter()
            .filter_map(|l| match l {
                LineInput::FreeText { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let mut printable = vec![patient.name.as_str()];
        printable.extend(names);
        self.check_printable(&printable)?;
        let department = match input.visit {
            Some(v) => {
                let reg = self.registration(v)?.filter(|r| r.patient_id == patient.id).ok_or_else(|| {
                    invalid!(
                        VisitUnknown,
                        "这次挂号不属于该患者",
                        "That registration does not belong to this patient"
                    )
                })?;
                reg.dept_name
            }
            None => String::new(),
        };
        if let Some(a) = input
            .approver
            .as_ref()
            .filter(|_| input.lines.iter().any(|l| matches!(l, LineInput::FreeText { .. })))
        {
            a.approve(by)?;
        }
        let (lines, total) = self.price_lines_in(&catalog, &input.lines, input.approver.as_ref())?;
        if total == Fen::ZERO {
            return Err(invalid!(
                ChargeZero,
                "收费合计为 0，无需结算",
                "The charge totals 0: nothing to pay"
            ));
        }
        let (tenders, change) = settle(&input.tenders, total, input.cash_tendered, true)?;
        let (insured, reason) = input.payer.resolve(&patient)?;
        let pay_day = occurred_at.with_timezone(&Local).date_naive();
        let exchange_due = self.due_after(pay_day, DUE_WORKING_DAYS)?;
        let resettle_due = insured.then_some(exchange_due);
        let paper_no = match input.paper_no.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(self.paper_no_for(shift.id, p)?),
            None => None,
        };
        let new = NewReceipt {
            registration_id: input.visit,
            department,
            change,
            insured,
            resettle_due,
            exchange_due: Some(exchange_due),
            paper_no,
            reason: reason.clone(),
            supervisor: input.approver.as_ref().filter(|_| lines.iter().any(|l| l.free_text)),
            catalog_version: Some(catalog.id),
            back_entered: input.back_entered_at.is_some(),
            request_sha256: request,
            ..NewReceipt::new(ReceiptKind::Charge, input.id, &patient, total, shift.id, outage_id, occurred_at)
        };
        let (receipt_no, qr_payload) = insert_receipt(&self.conn, signer, by, &new, &lines, &tenders, now, "receipt_issued")?;
        // What was just written, without reading it back.
        Ok(Receipt {
            id: input.id,
            receipt_no,
            kind: ReceiptKind::Charge,
            registration_id: input.visit,
            admission_id: None,
            department: new.department.clone(),
            refund_of: None,
            lines,
            tenders,
            total,
            change,
            insured,
            insurance: patient.insurance,
            insurance_no: patient.insurance_no.clone(),
            resettle_due,
            exchange_due: Some(exchange_due),
            paper_no: new.paper_no.clone(),
            reason,
            supervisor: new.supervisor.map(|s| s.name().to_string()),
            drug_return_by: None,
            catalog_version: Some(catalog.id),
            cashier: by.name().to_string(),
            shift_id: shift.id,
            outage_id,
            occurred_at: crate::time::parse_stamp(&stamp(occurred_at))?,
            back_entered: input.back_entered_at.is_some(),
            qr_payload,
            voided: None,
            refunded: Fen::ZERO,
            pay_back_reason: None,
            payer: None,
            patient,
        })
    }

    /// Prices lines against the active catalog by the receipt rules: each line's amount is
    /// quantity × unit price rounded half-up to the fen; the total is their sum. The window
    /// calls this on every change of a draft, so that no money is computed outside the core.
    pub fn price_lines(&mut self, input: &[LineInput], approver: Option<&Actor>) -> Result<(Vec<ReceiptLine>, Fen)> {
        if input.len() > MAX_LINES {
            return Err(invalid!(
                ChargeTooManyLines,
                format!("一笔收费最多 {MAX_LINES} 行，现在有 {} 行：请分开收费", input.len()),
                format!("One charge holds at most {MAX_LINES} lines, this one has {}: split it", input.len())
            ));
        }
        let catalog = self.require_catalog()?;
        self.price_lines_in(&catalog, input, approver)
    }

    /// Prices a draft for the charging window, as `price_lines` does, except that without a
    /// supervisor the free-text lines are left out instead of refusing the whole draft: the
    /// window shows them unpriced (and out of the total) until a supervisor approves them
    /// again, for instance after a reload. With the due date (re-settlement, invoice
    /// exchange) the receipt will carry if it is paid today.
    pub fn price_draft(&mut self, input: &[LineInput], approver: Option<&Actor>) -> Result<PricedDraft> {
        let (lines, total) = if approver.is_some() {
            self.price_lines(input, approver)?
        } else {
            let items: Vec<LineInput> = input.iter().filter(|l| !matches!(l, LineInput::FreeText { .. })).cloned().collect();
            self.price_lines(&items, None)?
        };
        let due_if_paid_today = self.due_after(self.today(), DUE_WORKING_DAYS)?;
        Ok(PricedDraft {
            lines,
            total,
            due_if_paid_today,
        })
    }

    /// `price_lines` against `catalog`, already looked up by the caller.
    fn price_lines_in(
        &mut self,
        catalog: &crate::catalog::CatalogVersion,
        input: &[LineInput],
        approver: Option<&Actor>,
    ) -> Result<(Vec<ReceiptLine>, Fen)> {
        let mut lines = Vec::with_capacity(input.len());
        let mut total = Fen::ZERO;
        // The items in force, looked up once for the whole draft.
        let in_force = self.items_in_force()?;
        for (i, l) in input.iter().enumerate() {
            let line_no = i as i64 + 1;
            let line = match l {
                LineInput::Item { code, qty } => item_line(
                    line_no,
                    in_force.as_ref().and_then(|c| c.get(code)),
                    &catalog.month,
                    code,
                    *qty,
                    None,
                )?,
                LineInput::Herbal { code, per_dose, doses } => {
                    if !(1..=MAX_DOSES).contains(doses) {
                        return Err(invalid!(
                            DosesInvalid,
                            format!("第 {line_no} 行：付数应为 1 到 {MAX_DOSES} 的整数"),
                            format!("Line {line_no}: the number of doses must be a whole number from 1 to {MAX_DOSES}")
                        ));
                    }
                    let qty = Quantity::from_milli(per_dose.milli().saturating_mul(*doses))?;
                    item_line(
                        line_no,
                        in_force.as_ref().and_then(|c| c.get(code)),
                        &catalog.month,
                        code,
                        qty,
                        Some(*doses),
                    )?
                }
                LineInput::FreeText {
                    name,
                    unit,
                    unit_price,
                    qty,
                    category,
                    reason,
                } => {
                    let approver = approver.ok_or_else(|| {
                        invalid!(
                            FreeTextNeedsSupervisor,
                            "价目表外的项目需要主管授权",
                            "An item outside the price list needs a supervisor's approval"
                        )
                    })?;
                    approver.require(Permission::Supervise)?;
                    check_whole(line_no, name, unit, *qty, crate::catalog::WHOLE_UNITS.contains(&unit.trim()))?;
                    ReceiptLine {
                        line_no,
                        code: String::new(),
                        name: clean_text(name, 40, ("项目名称", "Item name"))?,
                        spec: String::new(),
                        unit: unit.trim().to_string(),
                        qty: *qty,
                        unit_price: *unit_price,
                        amount: line_amount(*qty, *unit_price)?,
                        category: *category,
                        is_drug: category.is_drug(),
                        free_text: true,
                        free_reason: clean_text(reason, 100, ("原因", "Reason"))?,
                        refunds_line: None,
                        insurance_class: String::new(),
                        doses: None,
                    }
                }
            };
            total = total
                .checked_add(line.amount)
                .ok_or_else(|| invalid!(AmountOutOfRange, "收费合计超出范围", "The charge total is out of range"))?;
            lines.push(line);
        }
        Ok((lines, total))
    }

    pub fn receipt_by_id(&self, id: Uuid) -> Result<Option<Receipt>> {
        let no: Option<String> = self
            .conn
            .qrow("SELECT receipt_no FROM receipt WHERE id = ?1", [id.to_string()], |r| r.get(0))
            .optional()?;
        match no {
            Some(no) => self.receipt(&no),
            None => Ok(None),
        }
    }

    /// A receipt that must be on record: the receipt, or the one error for a number that
    /// names none.
    pub fn receipt_on_record(&self, receipt_no: &str) -> Result<Receipt> {
        self.receipt(receipt_no)?.ok_or_else(|| unknown_receipt(receipt_no))
    }

    /// A receipt by its number, with its lines, tenders, void and refunds.
    pub fn receipt(&self, receipt_no: &str) -> Result<Option<Receipt>> {
        let row = self
            .conn
            .qrow(
                "SELECT r.id, r.receipt_no, r.kind, r.patient_id, r.registration_id, r.admission_id, r.department, o.receipt_no, r.total_fen, r.change_fen, \
                        r.insured, r.insurance, r.insurance_no, r.resettle_due, r.exchange_due, r.due_provisional, r.paper_no, r.reason, s.name, r.drug_return_by, \
                        r.catalog_version_id, c.name, r.shift_id, r.outage_id, r.occurred_at, r.back_entered, r.qr_payload, \
                        v.reason, vs.name, v.at, \
                        (SELECT ifnull(sum(x.total_fen), 0) FROM receipt x WHERE x.refund_of = r.id), \
                        r.pay_back_reason, r.payer, r.payer_relation, r.payer_phone, r.recorded_at \
                 FROM receipt r JOIN operator c ON c.id = r.operator_id LEFT JOIN operator s ON s.id = r.supervisor_id \
                 LEFT JOIN receipt o ON o.id = r.refund_of LEFT JOIN receipt_void v ON v.receipt_id = r.id LEFT JOIN operator vs ON vs.id = v.supervisor_id \
                 WHERE r.receipt_no = ?1",
                [receipt_no.trim()],
                |r| {
                    let due = |d: Option<String>, provisional: bool| {
                        d.map(|d| crate::time::parse_stored_date(&d).map(|date| Due { date, provisional })).transpose()
                    };
                    let provisional: bool = r.get(15)?;
                    let void_reason: Option<String> = r.get(27)?;
                    Ok((
                        (r.get::<_, String>(3)?, r.get::<_, String>(35)?),
                        Receipt {
                            id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
                            receipt_no: r.get(1)?,
                            kind: ReceiptKind::parse(&r.get::<_, String>(2)?),
                            patient: placeholder_patient(),
                            registration_id: r.get::<_, Option<String>>(4)?.and_then(|s| s.parse().ok()),
                            admission_id: r.get::<_, Option<String>>(5)?.and_then(|s| s.parse().ok()),
                            department: r.get(6)?,
                            refund_of: r.get(7)?,
                            lines: vec![],
                            tenders: vec![],
                            total: Fen::new(r.get(8)?).unwrap_or_default(),
                            change: Fen::new(r.get(9)?).unwrap_or_default(),
                            insured: r.get(10)?,
                            insurance: Insurance::parse(&r.get::<_, String>(11)?).unwrap_or(Insurance::SelfPay),
                            insurance_no: r.get(12)?,
                            resettle_due: due(r.get(13)?, provisional)?,
                            exchange_due: due(r.get(14)?, provisional)?,
                            paper_no: r.get(16)?,
                            reason: r.get(17)?,
                            supervisor: r.get(18)?,
                            drug_return_by: r.get(19)?,
                            catalog_version: r.get::<_, Option<String>>(20)?.and_then(|s| s.parse().ok()),
                            cashier: r.get(21)?,
                            shift_id: crate::time::parse_stored_id(&r.get::<_, String>(22)?)?,
                            outage_id: crate::time::parse_stored_id(&r.get::<_, String>(23)?)?,
                            occurred_at: parse_stamp(&r.get::<_, String>(24)?)?,
                            back_entered: r.get(25)?,
                            qr_payload: r.get(26)?,
                            voided: match void_reason {
                                Some(reason) => Some(Void { reason, supervisor: r.get(28)?, at: parse_stamp(&r.get::<_, String>(29)?)? }),
                                None => None,
                            },
                            refunded: Fen::new(r.get(30)?).unwrap_or_default(),
                            pay_back_reason: r.get(31)?,
                            payer: r.get::<_, Option<String>>(32)?.map(|name| -> rusqlite::Result<Depositor> {
                                Ok(Depositor {
                                    name,
                                    relation: r.get::<_, Option<String>>(33)?.unwrap_or_default(),
                                    phone: r.get::<_, Option<String>>(34)?.unwrap_or_default(),
                                })
                            }).transpose()?,
                        },
                    ))
                },
            )
            .optional()?;
        let Some(((patient_id, recorded_at), mut receipt)) = row else {
            return Ok(None);
        };
        // As printed: a correction made since changes nothing on an issued receipt.
        receipt.patient = self
            .patient_as_of(crate::time::parse_stored_id(&patient_id)?, parse_stamp(&recorded_at)?)?
            .unwrap_or_else(placeholder_patient);
        let mut stmt = self.conn.prepare_cached(
            "SELECT line_no, code, name, spec, unit, qty_milli, unit_price_e4, amount_fen, category, is_drug, free_text, free_reason, refunds_line, \
                    ifnull(insurance_class, ''), doses \
             FROM receipt_line WHERE receipt_id = ?1 ORDER BY line_no",
        )?;
        receipt.lines = stmt
            .query_map([receipt.id.to_string()], |r| {
                let cat: String = r.get(8)?;
                Ok(ReceiptLine {
                    line_no: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    spec: r.get(3)?,
                    unit: r.get(4)?,
                    qty: Quantity::from_milli(r.get(5)?).unwrap_or(Quantity::from_milli(1).expect("valid")),
                    unit_price: UnitPrice::from_e4(r.get(6)?).unwrap_or(UnitPrice::from_e4(0).expect("valid")),
                    amount: Fen::new(r.get(7)?).unwrap_or_default(),
                    category: FeeCategory::ALL.into_iter().find(|c| c.key() == cat).unwrap_or(FeeCategory::Other),
                    is_drug: r.get(9)?,
                    free_text: r.get(10)?,
                    free_reason: r.get(11)?,
                    refunds_line: r.get(12)?,
                    insurance_class: r.get(13)?,
                    doses: r.get(14)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT method, amount_fen, tendered_fen, reference FROM tender WHERE receipt_id = ?1 ORDER BY n")?;
        receipt.tenders = stmt
            .query_map([receipt.id.to_string()], |r| {
                Ok(Tender {
                    method: Method::parse(&r.get::<_, String>(0)?).unwrap_or(Method::Other),
                    amount: Fen::new(r.get(1)?).unwrap_or_default(),
                    tendered: r.get::<_, Option<i64>>(2)?.and_then(|t| Fen::new(t).ok()),
                    reference: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(receipt))
    }

    /// Receipts, newest first; of one shift when given.
    pub fn receipts(&self, shift: Option<Uuid>) -> Result<Vec<Receipt>> {
        let numbers: Vec<String> = match shift {
            Some(s) => self
                .conn
                .prepare("SELECT receipt_no FROM receipt WHERE shift_id = ?1 ORDER BY seq DESC")?
                .query_map([s.to_string()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            None => self
                .conn
                .prepare("SELECT receipt_no FROM receipt ORDER BY seq DESC")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        numbers.iter().filter_map(|n| self.receipt(n).transpose()).collect()
    }
}

fn placeholder_patient() -> Patient {
    Patient {
        id: Uuid::nil(),
        source: crate::patient::Source::Local,
        downtime_no: None,
        name: String::new(),
        sex: crate::patient::Sex::Unknown,
        birth: None,
        age_years: None,
        id_number: None,
        id_old_style: false,
        phone: String::new(),
        address: String::new(),
        insurance: Insurance::SelfPay,
        insurance_no: String::new(),
        his_id: None,
        age_recorded_at: None,
    }
}

/// The idempotency fingerprint of a charge: what was asked, canonically.
fn request_digest(input: &ChargeInput) -> String {
    let lines: Vec<serde_json::Value> = input
        .lines
        .iter()
        .map(|l| match l {
            LineInput::Item { code, qty } => json!({"code": code, "qty_milli": qty.milli()}),
            LineInput::Herbal { code, per_dose, doses } => json!({"code": code, "per_dose_milli": per_dose.milli(), "doses": doses}),
            LineInput::FreeText { name, unit, unit_price, qty, category, reason } => {
                json!({"name": name, "unit": unit, "unit_price_e4": unit_price.e4(), "qty_milli": qty.milli(), "category": category.key(), "reason": reason})
            }
        })
        .collect();
    let tenders: Vec<serde_json::Value> = input
        .tenders
        .iter()
        .map(|t| json!({"method": t.method.key(), "amount_fen": t.amount.get(), "reference": t.reference}))
        .collect();
    let v = json!({
        "patient": input.patient, "visit": input.visit.map(|v| v.to_string()), "lines": lines, "tenders": tenders,
        "cash_tendered_fen": input.cash_tendered.map(Fen::get), "payer": input.payer.key(), "paper_no": input.paper_no,
        "back_entered_at": input.back_entered_at.map(stamp),
    });
    hex::encode(Sha256::digest(canonical(&v).as_bytes()))
}

/// The station's code and key, read before a receipt's transaction opens.
#[derive(Clone)]
pub(crate) struct Signer {
    station: String,
    key: ed25519_dalek::SigningKey,
}

/// The signer kept on the desk, once read.
#[derive(Default)]
struct SignerMemo(std::sync::Mutex<Option<Signer>>);
impl crate::store::Memo for SignerMemo {}

impl Desk {
    /// The station's code and key; read once (neither ever changes once set up).
    pub(crate) fn signer(&self) -> Result<Signer> {
        let memo = self.memo::<SignerMemo>();
        let mut cached = memo.0.lock().expect("signer cache");
        if let Some(s) = cached.as_ref() {
            return Ok(s.clone());
        }
        let signer = Signer {
            station: self.require_station()?.code.to_string(),
            key: self.signing_key()?,
        };
        *cached = Some(signer.clone());
        Ok(signer)
    }
}

/// Writes a receipt with its lines and tenders and journals it, inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_receipt(
    tx: &rusqlite::Connection,
    signer: &Signer,
    by: &Actor,
    r: &NewReceipt<'_>,
    lines: &[ReceiptLine],
    tenders: &[Tender],
    now: DateTime<Utc>,
    kind: &str,
) -> Result<(String, String)> {
    let (receipt_no, qr_payload, rows) = insert_receipt_rows(tx, signer, by, r, lines, tenders, now)?;
    journal::append_rows(tx, kind, by.name(), now, rows, Map::new())?;
    Ok((receipt_no, qr_payload))
}

/// A receipt as written: its number, its QR payload, and its rows as the journal records them.
pub(crate) type WrittenReceipt = (String, String, Vec<(&'static str, String)>);

/// Writes a receipt with its lines and tenders inside the caller's transaction, and returns
/// its number, its QR payload and its rows for the journal entry of the change it is part of
/// (a registration writes its fee receipt in its own entry).
pub(crate) fn insert_receipt_rows(
    tx: &rusqlite::Connection,
    signer: &Signer,
    by: &Actor,
    r: &NewReceipt<'_>,
    lines: &[ReceiptLine],
    tenders: &[Tender],
    now: DateTime<Utc>,
) -> Result<WrittenReceipt> {
    let seq: i64 = tx.qrow("SELECT ifnull(max(seq), 0) + 1 FROM receipt", [], |row| row.get(0))?;
    let receipt_no = format!("{}-{seq:06}", signer.station);
    // The chain position it is issued on: the entry just before its own (see `anchor`).
    let anchor = crate::anchor::head(tx)?.ok_or(crate::CoreError::NotInitialised)?;
    // A charge signs its drug lines: what a pharmacy may hand over against it.
    let drug_lines = match r.kind {
        ReceiptKind::Charge => qr::SignedLine::of(lines),
        _ => Vec::new(),
    };
    let patient_no = r.patient.downtime_no.as_deref().or(r.patient.his_id.as_deref()).unwrap_or("");
    let qr_payload = qr::payload(
        &signer.key,
        &qr::Contents {
            kind: r.kind,
            station: &signer.station,
            receipt_no: &receipt_no,
            total: r.total,
            issued: r.occurred_at,
            anchor: &anchor,
            patient: patient_no,
            lines: &drug_lines,
        },
    );
    let provisional = r.exchange_due.is_some_and(|d| d.provisional);
    let id = r.id.to_string();
    let receipt = journal::insert_row(
        tx,
        "receipt",
        &[
            ("id", &id),
            ("seq", &seq),
            ("receipt_no", &receipt_no),
            ("kind", &r.kind.key()),
            ("patient_id", &r.patient.id.to_string()),
            ("registration_id", &r.registration_id.map(|v| v.to_string())),
            ("admission_id", &r.admission_id.map(|v| v.to_string())),
            ("department", &r.department),
            ("refund_of", &r.refund_of.map(|v| v.to_string())),
            ("total_fen", &r.total.get()),
            ("change_fen", &r.change.get()),
            ("insured", &r.insured),
            ("insurance", &r.patient.insurance.key()),
            ("insurance_no", &r.patient.insurance_no),
            ("resettle_due", &r.resettle_due.map(|d| d.date.to_string())),
            ("exchange_due", &r.exchange_due.map(|d| d.date.to_string())),
            ("due_provisional", &provisional),
            ("paper_no", &r.paper_no),
            ("reason", &r.reason),
            ("supervisor_id", &r.supervisor.map(|s| s.id().to_string())),
            ("drug_return_by", &r.drug_return_by),
            ("catalog_version_id", &r.catalog_version.map(|v| v.to_string())),
            ("operator_id", &by.id().to_string()),
            ("shift_id", &r.shift_id.to_string()),
            ("outage_id", &r.outage_id.to_string()),
            ("occurred_at", &stamp(r.occurred_at)),
            ("recorded_at", &stamp(now)),
            ("back_entered", &r.back_entered),
            ("qr_payload", &qr_payload),
            ("request_sha256", &r.request_sha256),
            ("pay_back_reason", &r.pay_back_reason),
            ("payer", &r.payer.as_ref().map(|p| p.name.clone())),
            ("payer_relation", &r.payer.as_ref().map(|p| p.relation.clone())),
            ("payer_phone", &r.payer.as_ref().map(|p| p.phone.clone())),
        ],
    )?;
    let mut rows = Vec::with_capacity(1 + lines.len() + tenders.len());
    rows.push(("receipt", receipt));
    for l in lines {
        let row = journal::insert_row(
            tx,
            "receipt_line",
            &[
                ("receipt_id", &id),
                ("line_no", &l.line_no),
                ("code", &l.code),
                ("name", &l.name),
                ("spec", &l.spec),
                ("unit", &l.unit),
                ("qty_milli", &l.qty.milli()),
                ("unit_price_e4", &l.unit_price.e4()),
                ("amount_fen", &l.amount.get()),
                ("category", &l.category.key()),
                ("is_drug", &l.is_drug),
                ("free_text", &l.free_text),
                ("free_reason", &l.free_reason),
                ("refunds_line", &l.refunds_line),
                ("insurance_class", &l.insurance_class),
                ("doses", &l.doses),
            ],
        )?;
        rows.push(("receipt_line", row));
    }
    for (n, t) in tenders.iter().enumerate() {
        let row = journal::insert_row(
            tx,
            "tender",
            &[
                ("receipt_id", &id),
                ("n", &(n as i64 + 1)),
                ("method", &t.method.key()),
                ("amount_fen", &t.amount.get()),
                ("tendered_fen", &t.tendered.map(Fen::get)),
                ("reference", &t.reference),
            ],
        )?;
        rows.push(("tender", row));
    }
    Ok((receipt_no, qr_payload, rows))
}

/// A draft as priced for the charging window ([`Desk::price_draft`]).
#[derive(Debug, Clone)]
pub struct PricedDraft {
    pub lines: Vec<ReceiptLine>,
    pub total: Fen,
    /// The re-settlement / invoice exchange due date if the draft is paid today.
    pub due_if_paid_today: Due,
}

/// A receipt-shaped view of priced draft lines (for the charging screen's table and
/// subtotals; nothing is written).
pub fn draft_receipt(lines: Vec<ReceiptLine>, total: Fen) -> Receipt {
    Receipt {
        id: Uuid::nil(),
        receipt_no: String::new(),
        kind: ReceiptKind::Charge,
        patient: placeholder_patient(),
        registration_id: None,
        admission_id: None,
        department: String::new(),
        refund_of: None,
        lines,
        tenders: vec![],
        total,
        change: Fen::ZERO,
        insured: false,
        insurance: Insurance::SelfPay,
        insurance_no: String::new(),
        resettle_due: None,
        exchange_due: None,
        paper_no: None,
        reason: String::new(),
        supervisor: None,
        drug_return_by: None,
        catalog_version: None,
        cashier: String::new(),
        shift_id: Uuid::nil(),
        outage_id: Uuid::nil(),
        occurred_at: DateTime::<Utc>::default(),
        back_entered: false,
        qr_payload: String::new(),
        voided: None,
        refunded: Fen::ZERO,
        pay_back_reason: None,
        payer: None,
    }
}
