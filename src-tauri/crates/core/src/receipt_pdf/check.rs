//! What is refused before anything is drawn: a character the font lacks (it would print as
//! an empty box), charges whose lines, subtotals and payments do not tell the same total, and
//! a deposit refund whose methods do not add up to the amount refunded.

use super::{draw, Charges, DepositRefund, Fonts, ReceiptBody, ReceiptDoc, Tender};
use crate::error::{invalid, CoreError, Result};
use crate::money::Fen;

/// Every character of every text the caller supplied must have a glyph in the font.
pub(super) fn printable(doc: &ReceiptDoc, fonts: &Fonts) -> Result<()> {
    texts_printable(&doc.texts(), fonts)
}

/// Every character of `texts` (field name in Chinese and English, text) has a glyph.
pub(super) fn texts_printable(texts: &[Texts], fonts: &Fonts) -> Result<()> {
    for &(zh, en, text) in texts {
        let text = draw::printable(text);
        if let Some(c) = fonts.missing_chars(&text).first() {
            return Err(invalid!(
                "font_missing_glyph",
                format!("{zh}中的“{c}”（U+{:04X}）字体里没有，打印出来会是空白方框，因此不予打印。请改用常用字，并在纸上手写更正。", *c as u32),
                format!("The {en} contains \"{c}\" (U+{:04X}), which the receipt font lacks; it would print as an empty box, so nothing is printed. Use a common character and correct it by hand on the paper.", *c as u32)
            ));
        }
    }
    Ok(())
}

/// Lines, subtotals and tenders of a charge receipt add up.
pub(super) fn totals(doc: &ReceiptDoc) -> Result<()> {
    match &doc.body {
        ReceiptBody::Outpatient(c) | ReceiptBody::Refund { charges: c, .. } => c.check(),
        ReceiptBody::Deposit(_) => Ok(()),
        ReceiptBody::DepositRefund(r) => r.check(),
    }
}

/// A text to print, with the name of its field in Chinese and English.
pub(super) type Texts<'a> = (&'static str, &'static str, &'a str);

/// The error of a document whose figures do not agree with each other.
pub(super) fn inconsistent(zh: String, en: String) -> CoreError {
    CoreError::invalid("receipt_inconsistent", zh, en)
}

impl ReceiptDoc {
    /// Every text the caller supplied, with the field's name in Chinese and English.
    fn texts(&self) -> Vec<Texts<'_>> {
        let mut t = vec![
            ("收款单位", "hospital", self.hospital.as_str()),
            ("工作站", "station", &self.station),
            ("票据号码", "receipt number", &self.receipt_number),
            ("开具时间", "issue time", &self.issued_at),
            ("提示", "notice", &self.notice),
            ("二维码", "QR payload", &self.qr_payload),
        ];
        t.extend(self.paper_number.as_deref().map(|p| ("纸质票据号", "paper receipt number", p)));
        t.extend(self.remarks.iter().map(|r| ("备注", "remark", r.as_str())));
        t.extend(self.signatures.iter().map(|r| ("签字栏", "signature line", r.as_str())));
        match &self.body {
            ReceiptBody::Outpatient(c) => c.texts(&mut t),
            ReceiptBody::Refund { original_receipt, charges } => {
                t.push(("原票据号码", "original receipt number", original_receipt));
                charges.texts(&mut t);
            }
            ReceiptBody::Deposit(d) => {
                t.extend([
                    ("姓名", "patient name", d.patient_name.as_str()),
                    ("住院号", "admission number", &d.admission_number),
                    ("病区/科室", "ward", &d.ward),
                    ("交款方式", "payment method", &d.method),
                    ("入院日期", "admission date", &d.admission_date),
                    ("经手人", "clerk", &d.clerk),
                ]);
                t.extend(d.payer.as_deref().map(|p| ("交款人", "payer", p)));
                if let Some(c) = &d.cheque {
                    t.extend([("开户银行", "bank", c.bank.as_str()), ("支票号码", "cheque number", &c.number)]);
                }
            }
            ReceiptBody::DepositRefund(r) => {
                t.extend([
                    ("姓名", "patient name", r.patient_name.as_str()),
                    ("住院号", "admission number", &r.admission_number),
                    ("病区/科室", "ward", &r.ward),
                    ("入院日期", "admission date", &r.admission_date),
                    ("退款原因", "refund reason", &r.reason),
                    ("经手人", "clerk", &r.clerk),
                    ("审批主管", "supervisor", &r.supervisor),
                ]);
                tender_texts(&r.methods, "退款方式", "refund method", &mut t);
            }
        }
        t
    }
}

fn tender_texts<'a>(tenders: &'a [Tender], zh: &'static str, en: &'static str, t: &mut Vec<Texts<'a>>) {
    for p in tenders {
        t.push((zh, en, &p.method));
        t.extend(p.reference.as_deref().map(|v| ("支付凭证号", "payment reference", v)));
    }
}

impl DepositRefund {
    /// Something is paid back, and the methods tell how all of it was.
    fn check(&self) -> Result<()> {
        if self.amount == Fen::ZERO {
            return Err(inconsistent("退款金额为零".into(), "The amount refunded is zero".into()));
        }
        let paid: i64 = self.methods.iter().map(|m| m.amount.get()).sum();
        if paid != self.amount.get() {
            return Err(inconsistent(
                format!("退款方式金额之和 {} 与退款金额 {} 不符", yuan(paid), self.amount),
                format!(
                    "The refund methods add up to {}, not the amount refunded {}",
                    yuan(paid),
                    self.amount
                ),
            ));
        }
        Ok(())
    }
}

impl Charges {
    fn texts<'a>(&'a self, t: &mut Vec<Texts<'a>>) {
        t.extend([
            ("交款人", "payer name", self.payer_name.as_str()),
            ("停机号", "downtime number", &self.downtime_number),
            ("科室", "department", &self.department),
            ("收款人", "cashier", &self.cashier),
        ]);
        t.extend(self.masked_id.as_deref().map(|v| ("身份证号", "ID number", v)));
        t.extend(self.doctor.as_deref().map(|v| ("医生", "doctor", v)));
        t.extend(self.sex_age.as_deref().map(|v| ("性别/年龄", "sex and age", v)));
        t.extend(self.due_note.as_deref().map(|v| ("截止日期说明", "due-date note", v)));
        if let Some(i) = &self.insurance {
            t.push(("医保类型", "insurance type", &i.kind));
            t.extend(i.number.as_deref().map(|v| ("医保号", "insurance number", v)));
        }
        for l in &self.lines {
            t.extend([
                ("项目名称", "item name", l.name.as_str()),
                ("规格", "spec", &l.spec),
                ("数量", "quantity", &l.quantity),
                ("单位", "unit", &l.unit),
                ("单价", "unit price", &l.unit_price),
                ("费用类别", "category", &l.category),
                ("医保类别", "insurance class", &l.insurance_class),
            ]);
        }
        t.extend(self.subtotals.iter().map(|s| ("费用类别", "category", s.category.as_str())));
        tender_texts(&self.tenders, "支付方式", "payment method", t);
    }

    /// Lines, subtotals and tenders must tell the same total.
    fn check(&self) -> Result<()> {
        let sum = |it: &mut dyn Iterator<Item = Fen>| it.map(Fen::get).sum::<i64>();
        let total = self.total.get();
        let mismatch = |zh: String, en: String| Err(CoreError::invalid("receipt_inconsistent", zh, en));
        if self.lines.is_empty() {
            return mismatch("票据没有任何收费项目".into(), "The receipt has no item lines".into());
        }
        let lines = sum(&mut self.lines.iter().map(|l| l.amount));
        if lines != total {
            return mismatch(
                format!("项目金额之和 {} 与合计 {} 不符", yuan(lines), self.total),
                format!("The item lines add up to {}, not the total {}", yuan(lines), self.total),
            );
        }
        for s in &self.subtotals {
            let of_category = sum(&mut self.lines.iter().filter(|l| l.category == s.category).map(|l| l.amount));
            if of_category != s.amount.get() {
                return mismatch(
                    format!("“{}”小计 {} 与其项目之和 {} 不符", s.category, s.amount, yuan(of_category)),
                    format!(
                        "Subtotal \"{}\" {} differs from its lines, {}",
                        s.category,
                        s.amount,
                        yuan(of_category)
                    ),
                );
            }
        }
        if let Some(l) = self.lines.iter().find(|l| !self.subtotals.iter().any(|s| s.category == l.category)) {
            return mismatch(
                format!("项目“{}”的类别“{}”没有小计", l.name, l.category),
                format!("Item \"{}\" is in category \"{}\", which has no subtotal", l.name, l.category),
            );
        }
        let paid = sum(&mut self.tenders.iter().map(|t| t.amount));
        if paid != total {
            return mismatch(
                format!("支付金额 {} 不等于合计 {}", yuan(paid), self.total),
                format!("Payments {} do not equal the total {}", yuan(paid), self.total),
            );
        }
        let cash = sum(&mut self.tenders.iter().filter(|t| t.method == "现金").map(|t| t.amount));
        let handed = self.cash_tendered.map_or(cash, Fen::get);
        if handed - cash != self.change.get() {
            return mismatch(
                format!("实收现金 {} 减现金 {} 不等于找零 {}", yuan(handed), yuan(cash), self.change),
                format!(
                    "Cash handed over {} less cash {} is not the change {}",
                    yuan(handed),
                    yuan(cash),
                    self.change
                ),
            );
        }
        Ok(())
    }
}

/// A sum of fen as money, or as bare fen where it is out of range.
pub(super) fn yuan(fen: i64) -> String {
    match Fen::new(fen) {
        Ok(f) => f.to_string(),
        Err(_) => format!("{fen} 分"),
    }
}
