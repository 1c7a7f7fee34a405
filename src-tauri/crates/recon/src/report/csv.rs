//! `reconciliation.csv`: the summary (per station, day and tender, both sides and the
//! difference), every exception with what to do, and every worklist item — one table that opens
//! in Excel (UTF-8 with BOM, Chinese headers, yuan beside `_fen`, formula-safe text), written
//! by the same line writer as the batches' own CSVs.

use super::labels;
use crate::reconcile::deadlines::WorkItem;
use crate::reconcile::his::Sides;
use crate::reconcile::Reconciliation;
use downtime_core::export::csv::{line, Cell::*};

const HEADERS: &[&str] = &[
    "类别",
    "工作站",
    "批次",
    "收据号",
    "记录ID",
    "日期",
    "到期日",
    "应急金额",
    "应急金额_fen",
    "HIS金额",
    "HIS金额_fen",
    "差额",
    "差额_fen",
    "HIS发票号",
    "患者",
    "电话",
    "说明",
    "处理",
];

struct Row<'a> {
    category: &'a str,
    station: &'a str,
    batch: String,
    number: &'a str,
    record: &'a str,
    day: &'a str,
    due: String,
    downtime: Option<i64>,
    his: Option<i64>,
    his_nos: String,
    patient: &'a str,
    phone: &'a str,
    what: &'a str,
    todo: &'a str,
}

impl Row<'_> {
    fn blank(category: &str) -> Row<'_> {
        Row {
            category,
            station: "",
            batch: String::new(),
            number: "",
            record: "",
            day: "",
            due: String::new(),
            downtime: None,
            his: None,
            his_nos: String::new(),
            patient: "",
            phone: "",
            what: "",
            todo: "",
        }
    }

    fn write(&self, out: &mut String) {
        let money = |v: Option<i64>| match v {
            Some(f) => [Yuan(f), Int(f)],
            None => [Plain(""), Plain("")],
        };
        let difference = match (self.downtime, self.his) {
            (Some(d), Some(h)) => Some(d - h),
            _ => None,
        };
        let [d1, d2] = money(self.downtime);
        let [h1, h2] = money(self.his);
        let [x1, x2] = money(difference);
        line(
            &[
                Plain(self.category),
                Text(self.station),
                Owned(self.batch.clone()),
                Text(self.number),
                Plain(self.record),
                Plain(self.day),
                Owned(self.due.clone()),
                d1,
                d2,
                h1,
                h2,
                x1,
                x2,
                Text(&self.his_nos),
                Text(self.patient),
                Text(self.phone),
                Text(self.what),
                Text(self.todo),
            ],
            out,
        );
    }
}

fn sides<'a>(category: &'a str, s: &Sides) -> Row<'a> {
    Row {
        downtime: Some(s.downtime),
        his: Some(s.his),
        ..Row::blank(category)
    }
}

fn work_row<'a>(category: &'a str, i: &'a WorkItem, kind_note: &'a str) -> Row<'a> {
    Row {
        station: &i.station,
        number: &i.number,
        record: &i.record_uuid,
        day: &i.day,
        due: match (&i.due, i.provisional) {
            (Some(d), true) => format!("{d}（暂定）"),
            (Some(d), false) => d.clone(),
            (None, _) => String::new(),
        },
        downtime: (i.amount_fen != 0).then_some(i.amount_fen),
        patient: &i.patient,
        phone: &i.phone,
        what: kind_note,
        ..Row::blank(category)
    }
}

/// The whole file, BOM first.
pub fn render(r: &Reconciliation) -> String {
    let mut out = String::from("\u{FEFF}");
    line(&HEADERS.iter().map(|h| Plain(h)).collect::<Vec<_>>(), &mut out);
    let t = &r.totals_fen;
    for (code, s) in &t.stations {
        let st = r.stations.get(code);
        let batches = st
            .map(|s| s.batches.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        let what = st.map_or(String::new(), |s| format!("{} {}，收据 {} 张", code, s.name, s.receipts));
        Row {
            station: labels::bucket(code),
            batch: batches,
            what: &what,
            ..sides("汇总·工作站", s)
        }
        .write(&mut out);
    }
    for (day, s) in &t.days {
        Row {
            day: labels::bucket(day),
            ..sides("汇总·日期", s)
        }
        .write(&mut out);
    }
    for (tender, s) in &t.tenders {
        let label = labels::tender(tender);
        Row {
            what: &label,
            ..sides("汇总·支付方式", s)
        }
        .write(&mut out);
    }
    let verdict = if r.balanced {
        "平衡，无缺漏"
    } else {
        "不平衡：见下列异常"
    };
    Row {
        what: verdict,
        ..sides("合计", &t.total)
    }
    .write(&mut out);
    for e in r.exceptions() {
        Row {
            station: &e.station,
            batch: e.batch_seq.map(|b| b.to_string()).unwrap_or_default(),
            number: e.number.as_deref().unwrap_or(""),
            record: e.record_uuid.as_deref().unwrap_or(""),
            day: e.day.as_deref().unwrap_or(""),
            downtime: e.downtime_fen,
            his: e.his_fen,
            his_nos: e.his_nos.join(" "),
            what: &e.what,
            todo: &e.todo,
            ..Row::blank(labels::list(&e.list))
        }
        .write(&mut out);
    }
    let d = &r.deadlines;
    for (code, items) in [
        ("resettle_overdue", &d.resettle_overdue),
        ("resettle_due", &d.resettle_due),
        ("exchange_overdue", &d.exchange_overdue),
        ("exchange_due", &d.exchange_due),
        ("convert_pending", &d.convert_pending),
    ] {
        for i in items {
            let note = if i.insurance_no.is_empty() {
                labels::kind(&i.kind).to_string()
            } else {
                format!("{} 医保号 {}", labels::kind(&i.kind), i.insurance_no)
            };
            work_row(labels::list(code), i, &note).write(&mut out);
        }
    }
    out
}
