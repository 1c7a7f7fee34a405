//! 退药单: the return slip a pharmacy prints when it takes drugs back, with its own signed
//! code. The counter scans it to refund: the slip fills the refund's drug lines and its
//! `drug_return_by`, so a drug refund no longer rests on a name typed in.
//!
//! Payload (ASCII, dot-separated):
//! `DDRT.<pharmacy>.<slip_no>.<station>.<receipt_no>.<unix>.<pharmacist>.<lines>.<signature>`
//! — `station`/`receipt_no` the receipt the drugs were dispensed against, `pharmacist` the
//! name of who confirmed the return (`%XX`-escaped UTF-8), `lines` as in a receipt's payload
//! (`<line_no>*<code>*<quantity>`), the signature by the pharmacy's key in base64url.

use crate::catalog::price::Quantity;
use crate::charge::correction::{DrugReturn, RefundInput, SlipReader};
use crate::charge::print::{Document, Printed};
use crate::charge::Receipt;
use crate::error::{invalid, Result};
use crate::ids::Permission;
use crate::operator::{Actor, Approval};
use crate::receipt::qr::{b64, esc, lines_field, parse_lines, unb64, unesc, SignedLine};
use crate::store::cached::Cached;
use crate::store::Desk;
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

pub const PREFIX: &str = "DDRT";

/// What a return slip says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    pub pharmacy: String,
    pub slip_no: String,
    /// The station that issued the receipt.
    pub station: String,
    pub receipt_no: String,
    pub at: DateTime<Utc>,
    pub pharmacist: String,
    pub lines: Vec<SignedLine>,
}

impl Slip {
    /// The refund's 退药确认人 as recorded at the counter: who confirmed, where, which slip.
    pub fn drug_return_by(&self) -> String {
        format!("{}（药房 {} 退药单 {}）", self.pharmacist, self.pharmacy, self.slip_no)
    }
    /// The refund's lines: (receipt line number, quantity).
    pub fn refund_lines(&self) -> Vec<(i64, Quantity)> {
        self.lines.iter().map(|l| (l.line_no, l.qty)).collect()
    }

    /// What the slip tells the refund it was scanned for.
    pub fn drug_return(&self) -> DrugReturn {
        DrugReturn {
            slip_no: self.slip_no.clone(),
            receipt_no: self.receipt_no.clone(),
            confirmed_by: self.drug_return_by(),
            lines: self.refund_lines(),
        }
    }
}

pub(crate) fn payload(key: &SigningKey, s: &Slip) -> String {
    let body = format!(
        "{PREFIX}.{}.{}.{}.{}.{}.{}.{}",
        s.pharmacy,
        s.slip_no,
        s.station,
        s.receipt_no,
        s.at.timestamp(),
        esc(&s.pharmacist),
        lines_field(&s.lines, false)
    );
    let sig = key.sign(body.as_bytes()).to_bytes();
    format!("{body}.{}", b64(&sig))
}

fn unreadable() -> crate::CoreError {
    invalid!(
        ReturnSlipUnreadable,
        "扫描内容不是药房退药单的二维码",
        "The scanned text is not a pharmacy return slip's code"
    )
}

/// Reads a slip without checking its signature (to find the key that checks it).
fn parse(text: &str) -> Result<(Slip, &str, [u8; 64])> {
    let (body, sig) = text.rsplit_once('.').ok_or_else(unreadable)?;
    let f: Vec<&str> = body.split('.').collect();
    if f.len() != 8 || f[0] != PREFIX {
        return Err(unreadable());
    }
    let sig: [u8; 64] = unb64(sig).and_then(|s| s.try_into().ok()).ok_or_else(unreadable)?;
    let slip = Slip {
        pharmacy: f[1].to_string(),
        slip_no: f[2].to_string(),
        station: f[3].to_string(),
        receipt_no: f[4].to_string(),
        at: f[5]
            .parse::<i64>()
            .ok()
            .and_then(|s| Utc.timestamp_opt(s, 0).single())
            .ok_or_else(unreadable)?,
        pharmacist: unesc(f[6]).filter(|p| !p.is_empty()).ok_or_else(unreadable)?,
        lines: parse_lines(f[7]).filter(|l| !l.is_empty()).ok_or_else(unreadable)?,
    };
    Ok((slip, body, sig))
}

impl Desk {
    /// 退费 at the counter (`charge::correction`): a `drug_return_by` that is a scanned return
    /// slip (`DDRT.…`) is read and verified here and fills the refund's drug lines.
    pub fn refund_receipt(&mut self, by: &Actor, supervisor: impl Into<Approval>, input: &RefundInput) -> Result<Receipt> {
        let read: SlipReader<'_> = &|desk: &Desk, text: &str| {
            if text.starts_with(&format!("{PREFIX}.")) {
                Ok(Some(desk.read_return_slip(text)?.drug_return()))
            } else {
                Ok(None)
            }
        };
        self.refund_receipt_with(by, supervisor, input, read)
    }

    /// 扫退药单 at the counter: verifies a return slip with the key of the pharmacy it names
    /// (trusted here), for a receipt of this station, not used by a refund yet. Writes nothing.
    pub fn read_return_slip(&self, text: &str) -> Result<Slip> {
        let (slip, body, sig) = parse(text.trim())?;
        let Some(pharmacy) = self.trusted_station(&slip.pharmacy)? else {
            return Err(invalid!(
                ReturnSlipUnknownPharmacy,
                format!(
                    "退药单来自药房 {}，本工作站没有它的公钥：请先导入该药房的密钥卡（downtime pharmacy trust）",
                    slip.pharmacy
                ),
                format!(
                    "The return slip comes from pharmacy {}, whose key this station does not hold: import its key card first",
                    slip.pharmacy
                )
            ));
        };
        VerifyingKey::from_bytes(&pharmacy.public_key)
            .and_then(|k| k.verify_strict(body.as_bytes(), &Signature::from_bytes(&sig)))
            .map_err(|_| {
                invalid!(
                    ReturnSlipSignatureInvalid,
                    format!("退药单 {} 的签名不符：被改动过，或不是药房 {} 开具", slip.slip_no, slip.pharmacy),
                    format!(
                        "Return slip {} does not verify: altered, or not issued by pharmacy {}",
                        slip.slip_no, slip.pharmacy
                    )
                )
            })?;
        let own = self.require_station()?;
        if slip.station != own.code.as_str() {
            return Err(invalid!(
                ReturnSlipOtherStation,
                format!(
                    "退药单 {} 退的是工作站 {} 的收据 {}：请到该收费窗口退费",
                    slip.slip_no, slip.station, slip.receipt_no
                ),
                format!(
                    "Return slip {} is for station {}'s receipt {}: refund it there",
                    slip.slip_no, slip.station, slip.receipt_no
                )
            ));
        }
        let used: Option<String> = self
            .conn
            .qrow(
                "SELECT receipt_no FROM receipt WHERE kind = 'refund' AND drug_return_by LIKE '%退药单 ' || ?1 || '）'",
                [&slip.slip_no],
                |r| r.get(0),
            )
            .ok();
        if let Some(refund) = used {
            return Err(invalid!(
                ReturnSlipUsed,
                format!("退药单 {} 已用于退费 {}：一张退药单只能退一次", slip.slip_no, refund),
                format!(
                    "Return slip {} was already used by refund {}: a slip refunds once",
                    slip.slip_no, refund
                )
            ));
        }
        Ok(slip)
    }
}

impl Desk {
    /// 退药单 as printed: the slip's number, the receipt it returns against, the lines taken
    /// back and who confirmed it, with the slip's signed code for the counter to scan.
    /// `layout`: `a5` (printed on A4 sheets' layout) or `roll80`. Not recorded as printed
    /// (`downtime pharmacy return --out`); the window prints through [`Desk::print_return_slip`].
    pub fn return_slip_pdf(&self, slip_no: &str, layout: &str) -> Result<Vec<u8>> {
        self.render_return_slip(slip_no, layout, false)
    }

    /// 打印退药单: saved in the receipts folder, synced, sent to the printer when one is set and
    /// recorded (`document_print`), through the one printing path
    /// (`charge::print::print_document`). Only the first printing is the original: every later
    /// one is marked 副本 and saved as `退药单-<slip>-副本1.pdf`, `…-副本2.pdf`. Pharmacists and
    /// the pharmacist-in-charge, at the pharmacy that took the drugs back.
    pub fn print_return_slip(&mut self, by: &Actor, slip_no: &str, layout: &str) -> Result<Printed> {
        by.require(Permission::Dispense)?;
        let before = self.slip_printings(slip_no)?;
        let copy = before > 0;
        let bytes = self.render_return_slip(slip_no, layout, copy)?;
        let name = if copy {
            format!("退药单-{slip_no}-副本{before}.pdf")
        } else {
            format!("退药单-{slip_no}.pdf")
        };
        let mut printed = self.print_document(by, Document::ReturnSlip, slip_no, layout, &name, &bytes)?;
        printed.copy = copy;
        Ok(printed)
    }

    /// 退药单写到文件 (`downtime pharmacy return --out FILE`): the slip written whole to `out`
    /// and its printing recorded (`document_print`), as the window's printing is; a later
    /// writing of the same slip is marked 副本.
    pub fn save_return_slip(&mut self, by: &Actor, slip_no: &str, layout: &str, out: &std::path::Path) -> Result<()> {
        by.require(Permission::Dispense)?;
        let before = self.slip_printings(slip_no)?;
        let bytes = self.render_return_slip(slip_no, layout, before > 0)?;
        self.document_to(by, Document::ReturnSlip, slip_no, layout, &bytes, out)
    }

    /// How often the slip was printed or written before: any later one is a 副本.
    fn slip_printings(&self, slip_no: &str) -> Result<i64> {
        Ok(self.conn.qrow(
            "SELECT count(*) FROM document_print WHERE kind = ?1 AND subject = ?2",
            [Document::ReturnSlip.key(), slip_no],
            |r| r.get(0),
        )?)
    }

    fn render_return_slip(&self, slip_no: &str, layout: &str, copy: bool) -> Result<Vec<u8>> {
        use crate::receipt_pdf::{render_sheet, Column, Item, Section, Sheet, SheetLayout, Table};
        let layout = match crate::charge::print::parse_layout(layout)? {
            crate::receipt_pdf::Layout::Roll80 => SheetLayout::Roll80,
            _ => SheetLayout::A4,
        };
        let station = self.require_station()?;
        let payload: Option<String> = self
            .conn
            .qrow("SELECT slip_payload FROM dispensing WHERE slip_no = ?1", [slip_no], |r| r.get(0))
            .ok();
        let Some(payload) = payload else {
            return Err(invalid!(
                ReturnSlipUnknown,
                format!("找不到退药单 {slip_no}"),
                format!("There is no return slip {slip_no}")
            ));
        };
        let (slip, _, _) = parse(&payload)?;
        let head = crate::anchor::head(&self.conn)?.ok_or(crate::CoreError::NotInitialised)?;
        let sheet = Sheet {
            hospital: station.hospital.clone(),
            title: "退药单".into(),
            mark: "退药确认 · 凭此单到收费窗口退费".into(),
            copy,
            fields: vec![
                ("退药单号".into(), slip.slip_no.clone()),
                ("药房".into(), format!("{} {}", station.code, station.name)),
                ("原收据".into(), format!("{}（工作站 {}）", slip.receipt_no, slip.station)),
                ("退药时间".into(), crate::time::local_display(slip.at)),
                ("退药确认人".into(), slip.pharmacist.clone()),
            ],
            sections: vec![
                Section::new(
                    "退回药品",
                    vec![Item::Table(Table {
                        columns: vec![Column::number("行号", 1.0), Column::text("编码", 2.0), Column::number("数量", 1.5)],
                        rows: slip
                            .lines
                            .iter()
                            .map(|l| vec![l.line_no.to_string(), l.code.clone(), l.qty.text()])
                            .collect(),
                        total_row: false,
                        empty: "（无）".into(),
                    })],
                ),
                Section::new(
                    "退药单二维码",
                    vec![Item::Qr {
                        payload,
                        size: 30.0,
                        caption: format!("{} · 收费窗口扫描此码退费，药品行自动填入", slip.slip_no),
                    }],
                ),
            ],
            anchor: format!("流水锚点 {}:{}（可用 downtime verify --anchor 核对）", head.seq, head.hash_prefix),
            signatures: vec!["药师".into(), "患者".into()],
            running_head: format!("退药单 {}", slip.slip_no),
        };
        render_sheet(&sheet, layout)
    }
}
