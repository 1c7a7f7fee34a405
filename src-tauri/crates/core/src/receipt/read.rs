//! Receipts read back: by id, by number (with their lines, tenders, void and refunds), and
//! every receipt of a shift, in number order.

use super::*;

impl Desk {
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
