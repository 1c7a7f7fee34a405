//! The bundle's Invoice for a charge or refund receipt, with a ChargeItem for each of its
//! lines before it; the receipt's tenders, change, the receipt it refunds, the insured
//! resettlement date and the outage go in its extensions.

use super::json::{Obj, URN};
use super::{outage_ext, Fhir, ID_SYSTEM, SYS_CATALOG, SYS_FEE_CATEGORY, SYS_METHOD, SYS_RECEIPT_NO};
use crate::batch::payload::{Payload, Rec};
use crate::batch::tally::receipt_sign;
use crate::error::Result;
use crate::export::labels;
use crate::export::lookup::{b, i, s, Lookup};
use std::borrow::Cow;

/// A receipt line as its ChargeItem needs it.
struct Line<'r> {
    line_no: i64,
    code: Cow<'r, str>,
    name: Cow<'r, str>,
    unit: Cow<'r, str>,
    qty_milli: i64,
    unit_price_e4: i64,
    amount_fen: i64,
    category: Cow<'r, str>,
    free: bool,
    free_reason: Cow<'r, str>,
}

/// A tender as the Invoice's extension shows it.
struct Tender<'r> {
    method: Cow<'r, str>,
    amount_fen: i64,
    tendered_fen: Option<i64>,
    reference: Cow<'r, str>,
}

/// The rows of `table` for receipt `id` in the journal entry `entry`, by their `key` number.
fn of_receipt<'p, 'a>(entry: Option<&'p Payload<'a>>, table: &str, key: &str, id: &str) -> Vec<&'p Rec<'a>> {
    let mut rows: Vec<&Rec<'a>> = entry
        .into_iter()
        .flat_map(Payload::rows)
        .filter(|(t, x)| *t == table && s(x, "receipt_id") == id)
        .map(|(_, x)| x)
        .collect();
    rows.sort_by_key(|x| i(x, key));
    rows
}

fn text<'r>(row: &'r Rec<'_>, key: &str) -> Cow<'r, str> {
    Cow::Borrowed(s(row, key))
}

impl Fhir {
    /// A charge or refund receipt's Invoice and ChargeItems; `update` for one posted in an
    /// earlier batch and voided in this one.
    /// Its lines and tenders come from `entry`, the payload of the journal entry that made it,
    /// when that is at hand (or else from the store).
    pub(super) fn invoice(&mut self, lk: &Lookup<'_>, r: &Rec<'_>, seq: i64, update: bool, entry: Option<&Payload<'_>>) -> Result<bool> {
        let id = s(r, "id");
        if self.emitted.contains(id) {
            return Ok(true);
        }
        if let Some(why) = self.need_patient(lk, s(r, "patient_id"), seq)? {
            self.dependant_failed("receipt", id, seq, why);
            return Ok(false);
        }
        let visit = s(r, "registration_id");
        if !visit.is_empty() && !self.emitted.contains(visit) {
            if let Some(reg) = lk.row("registration", "id", visit)? {
                self.encounter_of_visit(lk, &reg, seq, false)?;
            }
        }
        let original = s(r, "refund_of");
        if !original.is_empty() && !self.emitted.contains(original) {
            if let Some(o) = lk.receipt(original)? {
                self.invoice(lk, &o, seq, false, None)?;
            }
        }
        let kind = s(r, "kind");
        let sign = receipt_sign(kind);
        let carried = of_receipt(entry, "receipt_line", "line_no", id);
        let lines: Vec<Line<'_>> = if !carried.is_empty() {
            carried
                .iter()
                .map(|x| Line {
                    line_no: i(x, "line_no"),
                    code: text(x, "code"),
                    name: text(x, "name"),
                    unit: text(x, "unit"),
                    qty_milli: i(x, "qty_milli"),
                    unit_price_e4: i(x, "unit_price_e4"),
                    amount_fen: i(x, "amount_fen"),
                    category: text(x, "category"),
                    free: b(x, "free_text"),
                    free_reason: text(x, "free_reason"),
                })
                .collect()
        } else {
            let mut stmt = lk.conn.prepare_cached(
                "SELECT line_no, code, name, unit, qty_milli, unit_price_e4, amount_fen, category, free_text, free_reason \
                 FROM receipt_line WHERE receipt_id = ?1 ORDER BY line_no",
            )?;
            let lines = stmt
                .query_map([id], |x| {
                    Ok(Line {
                        line_no: x.get(0)?,
                        code: Cow::Owned(x.get(1)?),
                        name: Cow::Owned(x.get(2)?),
                        unit: Cow::Owned(x.get(3)?),
                        qty_milli: x.get(4)?,
                        unit_price_e4: x.get(5)?,
                        amount_fen: x.get(6)?,
                        category: Cow::Owned(x.get(7)?),
                        free: x.get(8)?,
                        free_reason: Cow::Owned(x.get(9)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            lines
        };
        let carried_tenders = of_receipt(entry, "tender", "n", id);
        let tenders: Vec<Tender<'_>> = if !carried_tenders.is_empty() {
            carried_tenders
                .iter()
                .map(|x| Tender {
                    method: text(x, "method"),
                    amount_fen: i(x, "amount_fen"),
                    tendered_fen: x.int_opt("tendered_fen"),
                    reference: text(x, "reference"),
                })
                .collect()
        } else {
            let mut stmt = lk
                .conn
                .prepare_cached("SELECT method, amount_fen, tendered_fen, reference FROM tender WHERE receipt_id = ?1 ORDER BY n")?;
            let tenders = stmt
                .query_map([id], |x| {
                    Ok(Tender {
                        method: Cow::Owned(x.get(0)?),
                        amount_fen: x.get(1)?,
                        tendered_fen: x.get(2)?,
                        reference: Cow::Owned(x.get(3)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            tenders
        };
        let patient = s(r, "patient_id");
        // The visit is in the bundle by now unless it could not be mapped.
        let context = if visit.is_empty() || !self.emitted.contains(visit) {
            ""
        } else {
            visit
        };
        let mut items = Vec::with_capacity(lines.len());
        for l in &lines {
            let item_id = super::json::derived_id(id, &format!("line/{}", l.line_no));
            self.put("ChargeItem", &item_id, false, |o| {
                charge_item(o, l, sign, &item_id, r, patient, context);
            })?;
            items.push((l.line_no, item_id));
        }
        let voided = update || self.voided.contains(id);
        let void_reason = if voided {
            lk.row("receipt_void", "receipt_id", id)?
                .map(|v| s(&v, "reason").to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let total = sign * i(r, "total_fen");
        self.put("Invoice", id, update, |o| {
            o.str("cancelledReason", &void_reason)
                .str("date", s(r, "occurred_at"))
                .arr("extension", |a| {
                    for t in &tenders {
                        a.ext_complex("tender", |a| {
                            a.part("method", |o| {
                                o.obj("valueCoding", |o| {
                                    o.str("code", &t.method)
                                        .str("display", labels::method(&t.method))
                                        .str("system", SYS_METHOD);
                                });
                            })
                            .part("amount", |o| {
                                o.money("valueMoney", sign * t.amount_fen);
                            });
                            if let Some(tendered) = t.tendered_fen {
                                a.part("tendered", |o| {
                                    o.money("valueMoney", tendered);
                                });
                            }
                            a.part_str("reference", "valueString", &t.reference, false);
                        });
                    }
                    if i(r, "change_fen") > 0 {
                        a.ext("change", |o| {
                            o.money("valueMoney", i(r, "change_fen"));
                        });
                    }
                    if !original.is_empty() {
                        a.ext("refund-of", |o| {
                            o.reference("valueReference", original);
                        });
                    }
                    if b(r, "insured") {
                        a.ext("resettle-by", |o| {
                            o.str("valueDate", s(r, "resettle_due"));
                        });
                    }
                    outage_ext(a, r);
                })
                .str("id", id)
                .arr("identifier", |a| {
                    a.identifier(ID_SYSTEM, &[URN, id])
                        .identifier(SYS_RECEIPT_NO, &[s(r, "receipt_no")]);
                })
                .arr("lineItem", |a| {
                    for (line_no, item_id) in &items {
                        a.obj_kept(|o| {
                            o.reference("chargeItemReference", item_id).int("sequence", *line_no);
                        });
                    }
                })
                .str("resourceType", "Invoice")
                .str("status", if voided { "cancelled" } else { "balanced" })
                .reference("subject", patient)
                .money("totalGross", total)
                .money("totalNet", total)
                .obj("type", |o| {
                    o.str("text", if kind == "refund" { "退费凭证" } else { "门诊收费票据" });
                });
        })?;
        Ok(true)
    }
}

/// One receipt line's ChargeItem.
fn charge_item(o: &mut Obj<'_>, l: &Line<'_>, sign: i64, item_id: &str, r: &Rec<'_>, patient: &str, context: &str) {
    o.obj("code", |o| {
        o.arr("coding", |a| {
            if !l.code.is_empty() {
                a.obj(|o| {
                    o.str("code", &l.code).str("display", &l.name).str("system", SYS_CATALOG);
                });
            }
        })
        .str("text", &l.name);
    });
    if !context.is_empty() {
        o.reference("context", context);
    }
    o.str("enteredDate", s(r, "recorded_at"))
        .arr("extension", |a| {
            // Unit price in 1/10000 yuan: hundredths of fen, four decimals of yuan.
            a.ext("unit-price", |o| {
                o.money_in("valueMoney", l.unit_price_e4, 4);
            })
            .ext("fee-category", |o| {
                o.obj("valueCoding", |o| {
                    o.str("code", &l.category)
                        .str("display", labels::category(&l.category))
                        .str("system", SYS_FEE_CATEGORY);
                });
            });
            if l.free {
                a.ext("outside-price-list", |o| {
                    o.str("valueString", &l.free_reason);
                });
            }
        })
        .str("id", item_id)
        .arr("identifier", |a| {
            a.identifier_kept(ID_SYSTEM, &[URN, item_id]);
        })
        .str("occurrenceDateTime", s(r, "occurred_at"))
        .money("priceOverride", sign * l.amount_fen)
        .obj("quantity", |o| {
            o.str("unit", &l.unit).dec("value", sign * l.qty_milli, 3);
        })
        .str("resourceType", "ChargeItem")
        .str("status", "billed")
        .reference("subject", patient);
}
