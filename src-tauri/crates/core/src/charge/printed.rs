//! Printing records (打印记录): every printing of a receipt is a journalled `receipt_print` row
//! (a reprint is a copy, 副本 COPY), and every printing sent to a printer records what came of
//! it (`print_outcome`). A printing that did not reach the printer (queue missing, paused,
//! rejecting jobs, `lp` failing) does not count as printed: the receipt is "not printed"
//! (未打印) until a later printing reaches the printer, and that printing is the original when
//! no earlier one counted. A PDF saved without a printer (`receipt pdf`, or no printer set)
//! counts as printed: that file is what is handed out.

use crate::error::{invalid, Result};
use crate::operator::Actor;
use crate::receipt::Receipt;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use rusqlite::params;
use uuid::Uuid;

/// A receipt whose last printing did not reach the printer.
#[derive(Debug, Clone)]
pub struct Unprinted {
    pub receipt: Receipt,
    /// The failed printing was a 副本 (the receipt had been printed before).
    pub copy: bool,
    pub printer: String,
    /// Why, as told to the cashier.
    pub problem: String,
    pub tried_at: chrono::DateTime<chrono::Utc>,
    /// Printings of it that did not reach the printer.
    pub attempts: i64,
}

fn unknown(receipt_no: &str) -> crate::CoreError {
    invalid!(
        ReceiptUnknown,
        format!("找不到收据 {receipt_no}"),
        format!("No receipt {receipt_no}")
    )
}

impl Desk {
    /// How many times `r` has been printed: printings that failed to reach the printer do not
    /// count.
    pub fn times_printed(&self, r: &Receipt) -> Result<i64> {
        Ok(self.conn.qrow(
            "SELECT count(*) FROM receipt_print p WHERE p.receipt_id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM print_outcome o WHERE o.print_id = p.id AND o.sent = 0)",
            [r.id.to_string()],
            |x| x.get(0),
        )?)
    }

    /// Records that a receipt was printed (`copy` for a reprint, 副本) and returns how many
    /// times it had been printed before.
    pub fn record_print(&mut self, by: &Actor, receipt_no: &str, copy: bool, layout: &str) -> Result<i64> {
        Ok(self.record_printing(by, receipt_no, copy, layout)?.before)
    }

    /// Records one printing; what [`record_print`](Desk::record_print) returns and more.
    pub(crate) fn record_printing(&mut self, by: &Actor, receipt_no: &str, copy: bool, layout: &str) -> Result<Printing> {
        let r = self.receipt(receipt_no)?.ok_or_else(|| unknown(receipt_no))?;
        let before = self.times_printed(&r)?;
        let now = self.now();
        let id = Uuid::now_v7();
        self.record_one(
            by.name(),
            if copy { "receipt_reprinted" } else { "receipt_printed" },
            "receipt_print",
            now,
            "INSERT INTO receipt_print (id, receipt_id, copy, layout, operator_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.to_string(), r.id.to_string(), copy, layout, by.id().to_string(), stamp(now)],
        )?;
        let copies: i64 = self.conn.qrow(
            "SELECT count(*) FROM receipt_print WHERE receipt_id = ?1 AND copy = 1",
            [r.id.to_string()],
            |x| x.get(0),
        )?;
        Ok(Printing {
            id,
            before,
            copy_no: copy.then_some(copies),
        })
    }

    /// Records what came of sending printing `print_id` to `printer`: `problem` is why it did
    /// not print (none: it reached the printer).
    pub(crate) fn record_print_outcome(&mut self, by: &Actor, print_id: Uuid, printer: &str, problem: Option<&str>) -> Result<()> {
        let now = self.now();
        self.record_one(
            by.name(),
            if problem.is_none() { "print_sent" } else { "print_failed" },
            "print_outcome",
            now,
            "INSERT INTO print_outcome (print_id, printer, sent, problem, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![print_id.to_string(), printer, problem.is_none(), problem.unwrap_or(""), stamp(now)],
        )
    }

    /// 未打印: the receipts whose last printing sent to a printer did not reach it, in issue
    /// order, for any operator (reading them takes an operator: only a PIN check makes an `Actor`), as anyone at the counter may
    /// print them again. Printing one through a printer that takes it clears it from the list.
    pub fn unprinted(&self, _by: &Actor) -> Result<Vec<Unprinted>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.receipt_no, p.copy, o.printer, o.problem, o.at, \
                    (SELECT count(*) FROM receipt_print p2 JOIN print_outcome o2 ON o2.print_id = p2.id \
                     WHERE p2.receipt_id = r.id AND o2.sent = 0) \
             FROM print_outcome o JOIN receipt_print p ON p.id = o.print_id JOIN receipt r ON r.id = p.receipt_id \
             WHERE o.sent = 0 AND o.rowid = (SELECT max(o3.rowid) FROM print_outcome o3 \
                   JOIN receipt_print p3 ON p3.id = o3.print_id WHERE p3.receipt_id = r.id) \
             ORDER BY r.seq",
        )?;
        let rows: Vec<(String, bool, String, String, String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(no, copy, printer, problem, at, attempts)| {
                Ok(Unprinted {
                    receipt: self.receipt(&no)?.ok_or_else(|| unknown(&no))?,
                    copy,
                    printer,
                    problem,
                    tried_at: crate::time::parse_stamp(&at)?,
                    attempts,
                })
            })
            .collect()
    }
}

/// One recorded printing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printing {
    pub id: Uuid,
    /// Times the receipt had been printed before.
    pub before: i64,
    /// Which copy this is (1 for the first 副本); none for the original.
    pub copy_no: Option<i64>,
}
