//! From a receipt record to the printed receipt: maps the stored facts onto
//! `receipt_pdf::ReceiptDoc` (every value printed comes from the records, none from "now").

use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::patient::resident_id::mask;
use crate::receipt::{Receipt, ReceiptKind};
use crate::receipt_pdf::{
    self, CategorySubtotal, ChargeLine, Charges, DepositRefund, Insurance as PdfInsurance, Layout, ReceiptBody, ReceiptDoc,
    Tender as PdfTender,
};
use crate::store::Desk;
use crate::time::local_display;

/// What a charge or registration receipt asks the patient to keep in mind.
pub const NOTICE: &str = "请妥善保管本票据。系统恢复后，请在截止日期前凭本票据到收费窗口换取电脑发票；医保患者同时办理重新结算。";
/// What a deposit receipt asks: it is kept for the settlement at discharge, not exchanged.
pub const DEPOSIT_NOTICE: &str = "请妥善保管本收据，出院结算时凭本收据结算预交金；本收据不能换取发票，遗失请及时到住院处挂失。";

/// The notice at the bottom of a document of `kind`: none on refunds, which ask nothing more
/// of the patient and must never read as something to exchange.
pub fn notice(kind: ReceiptKind) -> &'static str {
    match kind {
        ReceiptKind::Charge | ReceiptKind::Registration => NOTICE,
        ReceiptKind::Deposit => DEPOSIT_NOTICE,
        ReceiptKind::Refund | ReceiptKind::DepositRefund => "",
    }
}

/// A paper that nothing can be exchanged or settled against any more: voided, or a receipt
/// whose whole amount has been refunded. It prints neither its kind's notice nor an exchange
/// or re-settlement date, so that it never reads as something to take to the counter (what
/// became of it is in its remarks).
fn spent(r: &Receipt) -> bool {
    r.voided.is_some() || (!r.kind.pays_back() && r.total > Fen::ZERO && r.refunded >= r.total)
}

pub fn parse_layout(text: &str) -> Result<Layout> {
    match text.trim().to_lowercase().as_str() {
        "a5" => Ok(Layout::A5),
        "roll80" | "80" | "roll" => Ok(Layout::Roll80),
        _ => Err(invalid!(
            LayoutInvalid,
            format!("版式“{text}”无效：可选 a5、roll80"),
            format!("Unknown layout \"{text}\": use a5 or roll80")
        )),
    }
}

fn charges(r: &Receipt) -> Charges {
    let today = r.occurred_at.with_timezone(&chrono::Local).date_naive();
    let sex_age = match (r.patient.sex, r.patient.age_on(today)) {
        (crate::patient::Sex::Unknown, None) => None,
        (sex, None) => Some(sex.zh().to_string()),
        (sex, Some(age)) => Some(format!("{} {age}岁", sex.zh())),
    };
    // The insurance type whenever the patient has one, paid as self-pay or not.
    let (insurance, insurance_no) = if r.insured || r.insurance != crate::patient::Insurance::SelfPay {
        (Some(r.insurance), r.insurance_no.clone())
    } else if r.patient.insurance != crate::patient::Insurance::SelfPay {
        (Some(r.patient.insurance), r.patient.insurance_no.clone())
    } else {
        (None, String::new())
    };
    let due_note = match (r.resettle_due, r.exchange_due) {
        _ if spent(r) => None,
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
        sex_age,
        masked_id: r.patient.id_number.as_deref().map(mask),
        downtime_number: r.patient.downtime_no.clone().unwrap_or_default(),
        department: r.department.clone(),
        doctor: None,
        insurance: insurance.map(|kind| PdfInsurance {
            kind: kind.zh().to_string(),
            number: Some(insurance_no).filter(|n| !n.is_empty()),
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
            // Each tender as applied to this receipt; the cash handed over has its own line.
            .map(|t| PdfTender {
                method: t.method.zh().to_string(),
                amount: t.amount,
                reference: Some(t.reference.clone()).filter(|x| !x.is_empty()),
            })
            .collect(),
        cash_tendered: r.tenders.iter().find_map(|t| t.tendered),
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
            ReceiptKind::Charge | ReceiptKind::Registration => ReceiptBody::Outpatient(self.with_doctor(r, charges(r))?),
            ReceiptKind::Refund => ReceiptBody::Refund {
                original_receipt: r.refund_of.clone().unwrap_or_default(),
                charges: self.with_doctor(r, charges(r))?,
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
            notice: if spent(r) { "" } else { notice(r.kind) }.to_string(),
            remarks: self.remarks(r)?,
            signatures: match r.kind {
                ReceiptKind::Refund => vec!["领款人（患者）签字".to_string()],
                ReceiptKind::Deposit => vec!["交款人签字".to_string()],
                _ => vec![],
            },
            qr_payload: r.qr_payload.clone(),
            body,
        })
    }

    /// The doctor (医生) of the visit the receipt charges for, as registered, when there is one.
    fn with_doctor(&self, r: &Receipt, mut c: Charges) -> Result<Charges> {
        if let Some(visit) = r.registration_id {
            c.doctor = self.registration(visit)?.map(|reg| reg.doctor).filter(|d| !d.trim().is_empty());
        }
        Ok(c)
    }

    /// What the paper must say about what happened to it: a refund's reason, approver and
    /// pharmacy confirmation, and money paid back another way than it came; what has been
    /// refunded of a receipt and what remains; 补录 with its real time; 作废 with when, why
    /// and who approved.
    fn remarks(&self, r: &Receipt) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if r.kind == ReceiptKind::Refund {
            out.push(format!("退费原因：{}", r.reason));
            out.push(format!("审批主管：{}", r.supervisor.clone().unwrap_or_default()));
            if let Some(by) = &r.drug_return_by {
                out.push(format!("退药确认人（药房）：{by}"));
            }
        }
        if let Some(why) = &r.pay_back_reason {
            out.push(format!("非原路退回，原因：{why}"));
        }
        if !r.kind.pays_back() && r.refunded > Fen::ZERO {
            let numbers: Vec<String> = self.refunds_of(r.id)?.iter().map(|x| x.receipt_no.clone()).collect();
            let left = Fen::new((r.total.get() - r.refunded.get()).max(0))?;
            out.push(format!("已退 {}（{}），剩余 {left}", r.refunded, numbers.join("、")));
        }
        if r.back_entered {
            out.push(format!("补录：实际发生时间 {}", local_display(r.occurred_at)));
        }
        if let Some(v) = &r.voided {
            out.push(format!(
                "已作废：{}，原因：{}，审批主管：{}",
                local_display(v.at),
                v.reason,
                v.supervisor
            ));
        }
        Ok(out)
    }

    /// The printed body of a 预交金退款凭证: the admission as on the deposit receipt, how the
    /// money went back, why, who approved it, and the balance left as it stood when the refund
    /// was paid (the movements recorded up to it, less deposits already voided then), so that
    /// a reprint says what the original said.
    fn deposit_refund_body(&self, r: &Receipt) -> Result<ReceiptBody> {
        let ReceiptBody::Deposit(d) = self.deposit_body(r)? else {
            unreachable!("deposit_body gives the body of a deposit receipt")
        };
        let balance_after = self.balance_as_of(&d.admission_number, r)?;
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
            balance_after,
        }))
    }

    /// Renders a receipt's PDF (`downtime receipt pdf`).
    pub fn receipt_pdf(&self, receipt_no: &str, layout: &str, copy: bool) -> Result<Vec<u8>> {
        let layout = parse_layout(layout)?;
        let r = self.receipt_on_record(receipt_no)?;
        receipt_pdf::render(&self.receipt_doc(&r, copy)?, layout)
    }

    /// Checks that every character a receipt will print is in the font, before the charge
    /// is written: a rare character in a name must never print as an empty box.
    pub fn check_printable(&self, texts: &[&str]) -> Result<()> {
        let missing: Vec<char> = texts.iter().flat_map(|t| receipt_pdf::Fonts::get().missing_chars(t)).collect();
        if let Some(c) = missing.first() {
            return Err(invalid!(
                FontMissingGlyph,
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

/// The paper a PDF asks for, as CUPS names it (`lp -o media=…`): A5 or A4 when the page is
/// one, else a custom size — the roll's 80 mm width by the page's length, rounded up to the
/// millimetre. A job sent without it comes out on the queue's default (A4), which a printer
/// loaded with A5 or a roll refuses or waits on.
pub fn media_of(pdf: &[u8]) -> Option<String> {
    const PT_PER_MM: f64 = 72.0 / 25.4;
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/MediaBox")?;
    let rest = &text[at + "/MediaBox".len()..];
    let open = rest.find('[')?;
    let close = rest.find(']')?;
    let nums: Vec<f64> = rest[open + 1..close].split_whitespace().filter_map(|n| n.parse().ok()).collect();
    let [x0, y0, x1, y1] = nums[..] else { return None };
    let (w, h) = ((x1 - x0) / PT_PER_MM, (y1 - y0) / PT_PER_MM);
    let near = |a: f64, b: f64| (a - b).abs() < 1.5;
    Some(if near(w, 148.0) && near(h, 210.0) {
        "A5".to_string()
    } else if near(w, 210.0) && near(h, 297.0) {
        "A4".to_string()
    } else if w <= 80.0 {
        format!("Custom.80x{}mm", h.ceil() as i64)
    } else {
        format!("Custom.{}x{}mm", w.ceil() as i64, h.ceil() as i64)
    })
}

/// Why a CUPS queue will not print now, from `lpstat`: missing, paused (disabled) or
/// rejecting jobs; none when it is ready.
fn queue_problem(printer: &str) -> Option<(String, String)> {
    let run = |args: &[&str]| std::process::Command::new("lpstat").env("LC_ALL", "C").args(args).output().ok();
    let status = run(&["-p", printer])?;
    let said = String::from_utf8_lossy(&status.stdout).to_string() + &String::from_utf8_lossy(&status.stderr);
    if !status.status.success() || said.trim().is_empty() || said.contains("Invalid destination") || said.contains("无效") {
        return Some((
            format!("打印机 {printer} 不存在（未在本机 CUPS 中设置）：已保存为 PDF，列为未打印，可重印"),
            format!("Printer {printer} does not exist in this computer's CUPS: saved as PDF, listed as not printed; reprint it"),
        ));
    }
    if said.contains("disabled") || said.contains("已禁用") {
        return Some((
            format!("打印机 {printer} 已暂停：已保存为 PDF，列为未打印；恢复打印机后重印"),
            format!("Printer {printer} is paused: saved as PDF, listed as not printed; resume the printer and reprint"),
        ));
    }
    let accepting = run(&["-a", printer])?;
    let said = String::from_utf8_lossy(&accepting.stdout);
    if said.contains("not accepting") || said.contains("不接受") {
        return Some((
            format!("打印机 {printer} 拒绝接收作业：已保存为 PDF，列为未打印；请在打印机上恢复接收后重印"),
            format!("Printer {printer} is rejecting jobs: saved as PDF, listed as not printed; let it accept jobs and reprint"),
        ));
    }
    None
}

impl Desk {
    /// Sends a saved PDF to the configured CUPS printer with its paper size (`-o media=`,
    /// [`media_of`]) and its name as the job's title. `Err` carries why it was not printed (no
    /// printer configured, the queue missing, paused or rejecting jobs, or `lp` failing), in
    /// both languages; never fatal: the document stays issued and its PDF saved.
    pub fn send_to_printer(&self, path: &std::path::Path) -> Result<std::result::Result<(), (String, String)>> {
        let Some(printer) = self.printer()? else {
            return Ok(Err((
                "未配置打印机：已保存为 PDF，可另行打印".to_string(),
                "No printer configured: saved as PDF".to_string(),
            )));
        };
        if let Some(problem) = queue_problem(&printer) {
            return Ok(Err(problem));
        }
        let mut lp = std::process::Command::new("lp");
        lp.env("LC_ALL", "C").arg("-d").arg(&printer);
        if let Some(media) = std::fs::read(path).ok().as_deref().and_then(media_of) {
            lp.arg("-o").arg(format!("media={media}"));
        }
        if let Some(title) = path.file_stem() {
            lp.arg("-t").arg(title);
        }
        Ok(match lp.arg(path).output() {
            Ok(o) if o.status.success() => Ok(()),
            Ok(o) => {
                let why = String::from_utf8_lossy(&o.stderr).trim().to_string();
                Err((
                    format!("打印机 {printer} 未能打印（{why}）：已保存为 PDF，列为未打印，可重印"),
                    format!("Printer {printer} failed ({why}): saved as PDF, listed as not printed; print it again"),
                ))
            }
            Err(e) => Err((
                format!("无法调用打印命令 lp（{e}）：已保存为 PDF，列为未打印"),
                format!("Cannot run lp ({e}): saved as PDF, listed as not printed"),
            )),
        })
    }
}

/// What printing a receipt did.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf_path: std::path::PathBuf,
    /// A reprint, marked 副本 COPY: only the first printing is the original.
    pub copy: bool,
    pub sent_to_printer: bool,
    pub problem: Option<(String, String)>,
}

/// One printing of a receipt as a PDF: the file, and whether it is a copy.
#[derive(Debug, Clone)]
pub struct Issued {
    pub bytes: Vec<u8>,
    pub copy: bool,
    /// How many times the receipt had been printed before.
    pub before: i64,
    /// Which copy this is (1 for the first 副本); none for the original.
    pub copy_no: Option<i64>,
    /// The `receipt_print` row of this printing.
    pub(crate) print_id: uuid::Uuid,
}

impl Issued {
    /// The file name it is saved under: `MZ01-000005.pdf`, its copies `MZ01-000005-副本1.pdf`,
    /// `…-副本2.pdf`, numbered from 1 in the order printed.
    pub fn file_name(&self, receipt_no: &str) -> String {
        match self.copy_no {
            Some(n) => format!("{receipt_no}-副本{n}.pdf"),
            None => format!("{receipt_no}.pdf"),
        }
    }
}

impl Desk {
    /// Prints a receipt as PDF and journals the printing. Only the first printing is the
    /// original: every later one is a 副本 COPY (and `copy` asks for one even the first
    /// time); a printing that never reached the printer does not count (`printed`). Nothing
    /// is recorded when the receipt cannot be rendered.
    pub fn issue_pdf(&mut self, by: &crate::Actor, receipt_no: &str, layout: &str, copy: bool) -> Result<Issued> {
        let r = self.receipt_on_record(receipt_no)?;
        let copy = copy || self.times_printed(&r)? > 0;
        let bytes = receipt_pdf::render(&self.receipt_doc(&r, copy)?, parse_layout(layout)?)?;
        let printing = self.record_printing(by, receipt_no, copy, layout)?;
        Ok(Issued {
            bytes,
            copy,
            before: printing.before,
            copy_no: printing.copy_no,
            print_id: printing.id,
        })
    }
}

impl Desk {
    /// Prints a receipt that is already committed: saves its PDF in [`Desk::receipts_dir`]
    /// ([`Issued::file_name`]), records the print (a reprint is a 副本 COPY) and, when a printer
    /// is configured, sends the file to it with CUPS `lp` and records what came of it. A
    /// printer failure is reported, never fatal: the receipt and its PDF stay, it is listed as
    /// not printed (`Desk::unprinted`), and printing it again is one key away.
    pub fn print_receipt(&mut self, by: &crate::Actor, receipt_no: &str, layout: &str, copy: bool) -> Result<Printed> {
        let issued = self.issue_pdf(by, receipt_no, layout, copy)?;
        let mut printed = self.save_and_send(&self.receipts_dir(), &issued.file_name(receipt_no), &issued.bytes)?;
        printed.copy = issued.copy;
        if let Some(printer) = self.printer()? {
            self.record_print_outcome(by, issued.print_id, &printer, printed.problem.as_ref().map(|p| p.0.as_str()))?;
        }
        Ok(printed)
    }

    /// The one way a document leaves the desk: its PDF written whole and synced into `dir`
    /// under `name` ([`crate::store::write_whole`]), then sent to the configured printer.
    /// The caller records the printing (receipts in `receipt_print` with its outcome, other
    /// documents in `document_print`).
    pub(crate) fn save_and_send(&self, dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<Printed> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(name);
        crate::store::write_whole(&path, bytes)?;
        let (sent, problem) = match self.send_to_printer(&path)? {
            Ok(()) => (true, None),
            Err(p) => (false, Some(p)),
        };
        Ok(Printed {
            pdf_path: path,
            copy: false,
            sent_to_printer: sent,
            problem,
        })
    }

    /// Renders a receipt's PDF (first printing the original, later ones 副本 COPY), records the
    /// printing and writes the file whole to `out` (`downtime receipt pdf`, `… reprint`).
    pub fn issue_pdf_to(&mut self, by: &crate::Actor, receipt_no: &str, layout: &str, copy: bool, out: &std::path::Path) -> Result<Issued> {
        let issued = self.issue_pdf(by, receipt_no, layout, copy)?;
        crate::store::write_whole(out, &issued.bytes)?;
        Ok(issued)
    }
}

/// A document other than a receipt that the desk prints and records in `document_print`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// 候诊条, of a registration.
    QueueSlip,
    /// 预交金汇总, of an admission.
    DepositSummary,
    /// 退药单, of a drug return at a pharmacy (by its slip number).
    ReturnSlip,
}

impl Document {
    pub fn key(self) -> &'static str {
        match self {
            Document::QueueSlip => "queue_slip",
            Document::DepositSummary => "deposit_summary",
            Document::ReturnSlip => "return_slip",
        }
    }
}

impl Desk {
    /// Saves, sends and records one printing of a document that is not a receipt: `subject`
    /// names what it is of (the registration, the inpatient number). The record is written
    /// after the file is saved, so a printing on record always has its PDF.
    pub(crate) fn print_document(
        &mut self,
        by: &crate::Actor,
        doc: Document,
        subject: &str,
        layout: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<Printed> {
        let printed = self.save_and_send(&self.receipts_dir(), name, bytes)?;
        self.record_document_print(by, doc, subject, layout, &printed.pdf_path)?;
        Ok(printed)
    }

    /// Writes a document that is not a receipt whole to `out` (the command line's `--out`,
    /// which chooses its own file and sends nothing to the printer) and records the printing
    /// as [`Desk::print_document`] does, once the file is written.
    pub(crate) fn document_to(
        &mut self,
        by: &crate::Actor,
        doc: Document,
        subject: &str,
        layout: &str,
        bytes: &[u8],
        out: &std::path::Path,
    ) -> Result<()> {
        crate::store::write_whole(out, bytes)?;
        self.record_document_print(by, doc, subject, layout, out)
    }

    /// The `document_print` row (journalled `document_printed`): which document, of what, in
    /// which layout, the file's name, by whom and when.
    fn record_document_print(
        &mut self,
        by: &crate::Actor,
        doc: Document,
        subject: &str,
        layout: &str,
        path: &std::path::Path,
    ) -> Result<()> {
        let now = self.now();
        let file = path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
        self.record_one(
            by.name(),
            "document_printed",
            "document_print",
            now,
            "INSERT INTO document_print (id, kind, subject, layout, file, operator_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                doc.key(),
                subject,
                layout,
                file,
                by.id().to_string(),
                crate::time::stamp(now)
            ],
        )?;
        Ok(())
    }
}
