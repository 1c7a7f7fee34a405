//! From a receipt record to the printed receipt: maps the stored facts onto
//! `receipt_pdf::ReceiptDoc` (every value printed comes from the records, none from "now").

use super::{Receipt, ReceiptKind};
use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::patient::resident_id::mask;
use crate::receipt_pdf::{
    self, CategorySubtotal, ChargeLine, Charges, DepositRefund, Insurance as PdfInsurance, Layout, ReceiptBody, ReceiptDoc,
    Tender as PdfTender,
};
use crate::store::Desk;
use crate::time::local_display;

/// What the receipt asks the patient to keep in mind.
pub const NOTICE: &str = "请妥善保管本票据。系统恢复后，请在截止日期前凭本票据到收费窗口换取电脑发票；医保患者同时办理重新结算。";

pub fn parse_layout(text: &str) -> Result<Layout> {
    match text.trim().to_lowercase().as_str() {
        "a5" => Ok(Layout::A5),
        "roll80" | "80" | "roll" => Ok(Layout::Roll80),
        _ => Err(invalid!(
            "layout_invalid",
            format!("版式“{text}”无效：可选 a5、roll80"),
            format!("Unknown layout \"{text}\": use a5 or roll80")
        )),
    }
}

fn charges(r: &Receipt) -> Charges {
    let due_note = match (r.resettle_due, r.exchange_due) {
        (Some(d), _) => Some(format!(
            "医保重新结算及换取电脑发票截止日期：{}{}",
            d.date,
            if d.provisional { "（暂定）" } else { "" }
        )),
        (None, Some(d)) => Some(format!(
            "换取电脑发票截止日期：{}{}",
            d.date,
            if d.provisional { "（暂定）" } else { "" }
        )),
        _ => None,
    };
    Charges {
        payer_name: r.patient.name.clone(),
        masked_id: r.patient.id_number.as_deref().map(mask),
        downtime_number: r.patient.downtime_no.clone().unwrap_or_default(),
        department: r.department.clone(),
        insurance: r.insured.then(|| PdfInsurance {
            kind: r.insurance.zh().to_string(),
            number: Some(r.insurance_no.clone()).filter(|n| !n.is_empty()),
        }),
        lines: r
            .lines
            .iter()
            .map(|l| ChargeLine {
                name: if l.free_text {
                    format!("{}（价目表外）", l.name)
                } else {
                    l.name.clone()
                },
                spec: l.spec.clone(),
                quantity: l.per_dose().text(),
                doses: l.doses,
                unit: l.unit.clone(),
                unit_price: l.unit_price.yuan_text(),
                amount: l.amount,
                category: l.category.zh().to_string(),
                insurance_class: l.insurance_class.clone(),
            })
            .collect(),
        subtotals: r
            .subtotals()
            .into_iter()
            .map(|(c, amount)| CategorySubtotal {
                category: c.zh().to_string(),
                amount,
            })
            .collect(),
        total: r.total,
        tenders: r
            .tenders
            .iter()
            // The printed form shows what was handed over (cash tendered); change is the difference.
            .map(|t| PdfTender {
                method: t.method.zh().to_string(),
                amount: t.tendered.unwrap_or(t.amount),
                reference: Some(t.reference.clone()).filter(|x| !x.is_empty()),
            })
            .collect(),
        change: r.change,
        cashier: r.cashier.clone(),
        due_note,
    }
}

impl Desk {
    /// The printed form of a receipt, as it was issued (with 副本 COPY when `copy`).
    pub fn receipt_doc(&self, r: &Receipt, copy: bool) -> Result<ReceiptDoc> {
        let station = self.require_station()?;
        let body = match r.kind {
            ReceiptKind::Charge | ReceiptKind::Registration => ReceiptBody::Outpatient(charges(r)),
            ReceiptKind::Refund => ReceiptBody::Refund {
                original_receipt: r.refund_of.clone().unwrap_or_default(),
                charges: charges(r),
            },
            ReceiptKind::Deposit => self.deposit_body(r)?,
            ReceiptKind::DepositRefund => self.deposit_refund_body(r)?,
        };
        Ok(ReceiptDoc {
            hospital: station.hospital.clone(),
            station: station.code.to_string(),
            receipt_number: r.receipt_no.clone(),
            paper_number: r.paper_no.clone(),
            copy,
            voided: r.voided.is_some(),
            issued_at: local_display(r.occurred_at),
            notice: NOTICE.to_string(),
            qr_payload: r.qr_payload.clone(),
            body,
        })
    }

    /// The printed body of a 预交金退款凭证: the admission as on the deposit receipt, how the
    /// money went back, why, who approved it, and the balance left as it stood when the refund
    /// was paid (the movements recorded up to it, less deposits already voided then), so that
    /// a reprint says what the original said.
    fn deposit_refund_body(&self, r: &Receipt) -> Result<ReceiptBody> {
        let ReceiptBody::Deposit(d) = self.deposit_body(r)? else {
            unreachable!("deposit_body gives the body of a deposit receipt")
        };
        let account = self.deposit_account(&d.admission_number)?;
        let mut balance = 0;
        for m in &account.movements {
            let voided_before = m.voided.as_ref().is_some_and(|v| v.at <= r.occurred_at);
            balance += match (m.kind, voided_before && m.id != r.id) {
                (ReceiptKind::Deposit, false) => m.total.get(),
                (ReceiptKind::DepositRefund, false) => -m.total.get(),
                _ => 0,
            };
            if m.id == r.id {
                break;
            }
        }
        Ok(ReceiptBody::DepositRefund(DepositRefund {
            patient_name: d.patient_name,
            admission_number: d.admission_number,
            ward: d.ward,
            amount: r.total,
            methods: r
                .tenders
                .iter()
                .map(|t| PdfTender {
                    method: t.method.zh().to_string(),
                    amount: t.amount,
                    reference: Some(t.reference.clone()).filter(|x| !x.is_empty()),
                })
                .collect(),
            admission_date: d.admission_date,
            reason: r.reason.clone(),
            clerk: d.clerk,
            supervisor: r.supervisor.clone().unwrap_or_default(),
            balance_after: Fen::new(balance.max(0))?,
        }))
    }

    /// Renders a receipt's PDF (`downtime receipt pdf`).
    pub fn receipt_pdf(&self, receipt_no: &str, layout: &str, copy: bool) -> Result<Vec<u8>> {
        let layout = parse_layout(layout)?;
        let r = self.receipt(receipt_no)?.ok_or_else(|| {
            invalid!(
                "receipt_unknown",
                format!("找不到收据 {receipt_no}"),
                format!("No receipt {receipt_no}")
            )
        })?;
        receipt_pdf::render(&self.receipt_doc(&r, copy)?, layout)
    }

    /// Checks that every character a receipt will print is in the font, before the charge
    /// is written: a rare character in a name must never print as an empty box.
    pub fn check_printable(&self, texts: &[&str]) -> Result<()> {
        let missing: Vec<char> = texts.iter().flat_map(|t| receipt_pdf::Fonts::get().missing_chars(t)).collect();
        if let Some(c) = missing.first() {
            return Err(invalid!(
                "font_missing_glyph",
                format!(
                    "“{c}”（U+{:04X}）无法打印：收据字体中没有这个字。请用同音字或拼音代替，并在备注中说明",
                    *c as u32
                ),
                format!(
                    "\"{c}\" (U+{:04X}) cannot be printed: the receipt font lacks it. Use a homophone or pinyin and note it",
                    *c as u32
                )
            ));
        }
        Ok(())
    }
}

impl Desk {
    /// Sends a saved PDF to the configured CUPS printer. `Err` carries why it was not printed
    /// (no printer configured, or the printer failed), in both languages; never fatal.
    pub fn send_to_printer(&self, path: &std::path::Path) -> Result<std::result::Result<(), (String, String)>> {
        Ok(match self.printer()? {
            None => Err((
                "未配置打印机：已保存为 PDF，可另行打印".to_string(),
                "No printer configured: saved as PDF".to_string(),
            )),
            Some(printer) => match std::process::Command::new("lp").arg("-d").arg(&printer).arg(path).output() {
                Ok(o) if o.status.success() => Ok(()),
                Ok(o) => {
                    let why = String::from_utf8_lossy(&o.stderr).trim().to_string();
                    Err((
                        format!("打印机 {printer} 未能打印（{why}）：已保存，可重印"),
                        format!("Printer {printer} failed ({why}): saved; reprint it"),
                    ))
                }
                Err(e) => Err((
                    format!("无法调用打印命令 lp（{e}）：已保存为 PDF"),
                    format!("Cannot run lp ({e}): saved as PDF"),
                )),
            },
        })
    }
}

/// What printing a receipt did.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf_path: std::path::PathBuf,
    pub sent_to_printer: bool,
    pub problem: Option<(String, String)>,
}

impl Desk {
    /// Prints a receipt that is already committed: saves its PDF beside the database (in
    /// `receipts/`), records the print (a reprint is a 副本 COPY) and, when a printer is
    /// configured, sends the file to it with CUPS `lp`. A printer failure is reported, never
    /// fatal: the receipt and its PDF stay, and reprint is one key away.
    pub fn print_receipt(&mut self, by: &crate::Actor, receipt_no: &str, layout: &str, copy: bool) -> Result<Printed> {
        let bytes = self.receipt_pdf(receipt_no, layout, copy)?;
        let dir = self
            .path()
            .parent()
            .map(|p| p.join("receipts"))
            .unwrap_or_else(|| "receipts".into());
        std::fs::create_dir_all(&dir)?;
        let before = self.record_print(by, receipt_no, copy, layout)?;
        let name = if copy {
            format!("{receipt_no}-副本{before}.pdf")
        } else {
            format!("{receipt_no}.pdf")
        };
        let path = dir.join(name);
        let mut file = std::fs::File::create(&path)?;
        std::io::Write::write_all(&mut file, &bytes)?;
        file.sync_all()?;
        let (sent, problem) = match self.send_to_printer(&path)? {
            Ok(()) => (true, None),
            Err(p) => (false, Some(p)),
        };
        Ok(Printed {
            pdf_path: path,
            sent_to_printer: sent,
            problem,
        })
    }
}
