//! The two deposit receipts of an admission, as blocks at the content width: the deposit
//! receipt ("兹收到…预交金") and the deposit refund receipt ("兹退还…预交金"). Both are
//! one sentence in capitals and figures between the admission's fields and the closing part;
//! the refund adds how the money went back, why, who approved it and what is left.

use super::blocks::{para, Block, Ctx, A5};
use super::draw::{Align, Ink, Qr};
use super::{Deposit, DepositRefund, Layout, ReceiptDoc};
use crate::money::Fen;

impl Ctx<'_> {
    /// Title, body (fields, the 兹收到 sentence, payment) and closing part of a deposit receipt.
    pub(super) fn deposit_blocks(&self, doc: &ReceiptDoc, d: &Deposit, qr: &Qr) -> [Vec<Block>; 3] {
        let p = self.p;
        let mut blocks = self.admission_fields(doc, "收据号码", [&d.admission_number, &d.patient_name, &d.ward, &d.admission_date]);
        blocks.push(self.rule(2.4, 0.8));
        blocks.push(self.sentence("兹收到", &d.patient_name, d.amount));
        blocks.push(self.gap(1.0));
        // The ways it was paid, each with its amount and reference, across the width.
        blocks.push(self.para(&format!("交款方式：{}", d.method), p.body, Ink::Regular, Align::Left, 3));
        if let Some(c) = &d.cheque {
            blocks.extend(self.fields(
                &[("开户银行", Some(c.bank.as_str())), ("支票号码", Some(c.number.as_str()))],
                &self.even_cols(if self.layout == Layout::A5 { 2 } else { 1 }),
                p.body,
            ));
        }
        if let Some(payer) = &d.payer {
            blocks.push(self.para(
                &format!("交款人：{payer}（代患者 {} 交款）", d.patient_name),
                p.body,
                Ink::Regular,
                Align::Left,
                2,
            ));
        }
        if let Some(balance) = d.balance_after {
            let text = format!("本次交款后预交金余额：{balance}（{}）", balance.capitals());
            blocks.push(self.para(&text, p.body + 1.0, Ink::Bold, Align::Left, 2));
        }
        blocks.push(self.rule(2.4, 0.4));
        let mut left = vec![
            para(format!("经手人：{}", d.clerk), p.body),
            para(format!("收款单位（盖章）：{}", doc.hospital), p.body),
        ];
        left.extend(self.remarks_and_signatures(doc));
        [self.title_blocks(doc), blocks, self.tail(left, doc, qr)]
    }

    /// Title, body (fields, the 兹退还 sentence, methods, reason, balance) and closing part
    /// of a deposit refund receipt.
    pub(super) fn deposit_refund_blocks(&self, doc: &ReceiptDoc, r: &DepositRefund, qr: &Qr) -> [Vec<Block>; 3] {
        let p = self.p;
        let mut blocks = self.admission_fields(doc, "凭证号码", [&r.admission_number, &r.patient_name, &r.ward, &r.admission_date]);
        blocks.push(self.rule(2.4, 0.8));
        blocks.push(self.sentence("兹退还", &r.patient_name, r.amount));
        blocks.push(self.gap(1.0));
        let methods: Vec<String> = r
            .methods
            .iter()
            .map(|t| match &t.reference {
                Some(x) => format!("{} {}（{}）", t.method, t.amount, x),
                None => format!("{} {}", t.method, t.amount),
            })
            .collect();
        let lines = [format!("退款方式：{}", methods.join("；")), format!("退款原因：{}", r.reason)];
        for l in &lines {
            blocks.push(self.para(l, p.body, Ink::Regular, Align::Left, 3));
        }
        let balance = format!("退款后余额：{}（{}）", r.balance_after, r.balance_after.capitals());
        blocks.push(self.para(&balance, p.body + 1.0, Ink::Bold, Align::Left, 2));
        blocks.push(self.rule(2.4, 0.4));
        // 领款人签字 is left blank for the patient to sign on paper.
        blocks.extend(self.fields(
            &[
                ("经手人", Some(&r.clerk)),
                ("审批主管", Some(&r.supervisor)),
                ("领款人签字", Some("")),
            ],
            &self.detail_cols(),
            p.body,
        ));
        // Room for the patient's signature: beside its label on A5, under it on the roll.
        blocks.push(self.gap(if self.layout == Layout::A5 { 3.0 } else { 6.0 }));
        let mut left = vec![para(format!("退款单位（盖章）：{}", doc.hospital), p.body)];
        left.extend(self.remarks_and_signatures(doc));
        [self.title_blocks(doc), blocks, self.tail(left, doc, qr)]
    }

    /// The number, time and station of the receipt and the admission it belongs to:
    /// `admission` is 住院号, 姓名, 病区/科室, 入院日期.
    fn admission_fields(&self, doc: &ReceiptDoc, number_label: &str, admission: [&str; 4]) -> Vec<Block> {
        let [number, name, ward, date] = admission.map(Some);
        self.fields(
            &[
                (number_label, Some(&doc.receipt_number)),
                ("开具时间", Some(&doc.issued_at)),
                ("工作站", Some(&doc.station)),
                ("住院号", number),
                ("姓名", name),
                ("病区/科室", ward),
                ("入院日期", date),
                ("纸质票据号", doc.paper_number.as_deref()),
            ],
            self.p.field_cols,
            self.p.body,
        )
    }

    /// "兹收到 / 兹退还 <name> 住院预交金 人民币（大写）…（小写 ¥…）", large and bold.
    fn sentence(&self, verb: &str, name: &str, amount: Fen) -> Block {
        let text = format!("{verb} {name} 住院预交金 人民币（大写）{}（小写 {amount}）", amount.capitals());
        self.para(&text, self.p.body + 2.0, Ink::Bold, Align::Left, 4)
    }

    /// The columns of the payment and signature lines: A5's field columns, or one column.
    fn detail_cols(&self) -> Vec<f32> {
        if self.layout == Layout::A5 {
            A5.field_cols.to_vec()
        } else {
            self.even_cols(1)
        }
    }
}
