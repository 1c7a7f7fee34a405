//! Reports as plain text (`downtime report … --format text`), in Chinese, one item a line, in
//! the order of the printed sheet. Times in local time, money as `¥1,234.50`.

use super::types::{Figures, Lists, PeriodReport, PeriodScope, ShiftReport, ShiftReportKind};
use crate::money::signed_yuan as y;
use crate::receipt::tender::Method;
use crate::time::{local_display, parse_stamp};
use std::fmt::Write;

/// `2026-11-26 09:30` from a stored stamp (text that is no stamp as it is, never 1970).
pub(crate) fn local(stamp: &str) -> String {
    parse_stamp(stamp).map(local_display).unwrap_or_else(|_| stamp.to_string())
}

/// The groups as the sheet lists them: (Chinese name, key).
pub const GROUPS: [(&str, &str); 6] = [
    ("挂号费", "registration"),
    ("门诊收费", "outpatient"),
    ("退费", "refunds"),
    ("作废", "voids"),
    ("住院预交金", "deposits"),
    ("退预交金", "deposit_refunds"),
];

impl super::types::Groups {
    /// A group by its key in [`GROUPS`].
    pub fn get(&self, key: &str) -> super::types::Group {
        match key {
            "registration" => self.registration,
            "outpatient" => self.outpatient,
            "refunds" => self.refunds,
            "voids" => self.voids,
            "deposits" => self.deposits,
            _ => self.deposit_refunds,
        }
    }
}

/// The title of a shift report: 交班单（X 报表，班中）or（Z 报表，交班）.
pub fn shift_title(r: &ShiftReport) -> String {
    let kind = match r.kind {
        ShiftReportKind::X => "X 报表·班中",
        ShiftReportKind::Z => "Z 报表·交班",
    };
    format!("交班单（{kind}）")
}

pub fn period_title(r: &PeriodReport) -> String {
    match r.scope {
        PeriodScope::Day => format!("日结报表 {}", r.date.as_deref().unwrap_or("")),
        PeriodScope::Outage => "应急期间报表".to_string(),
    }
}

pub fn shift(r: &ShiftReport) -> String {
    let mut s = String::new();
    let copy = if r.copy { "【副本】" } else { "" };
    let _ = writeln!(s, "{} · {} {}", r.station.hospital, r.station.code, r.station.name);
    let _ = writeln!(s, "{}{copy}", shift_title(r));
    let closed = r.closed_at.as_deref().map(local).unwrap_or_else(|| "未交班".into());
    let _ = writeln!(s, "收费员：{}  开班：{}  交班：{}", r.operator, local(&r.opened_at), closed);
    figures(&mut s, &r.figures);
    if let Some(notes) = &r.denominations {
        let notes: Vec<String> = notes.iter().map(|n| format!("{}×{}", y(n.value_fen), n.count)).collect();
        let _ = writeln!(s, "  点钞明细  {}", notes.join("  "));
    }
    if let Some(reason) = &r.difference_reason {
        let _ = writeln!(s, "  差额原因  {reason}");
    }
    if let Some(sup) = &r.difference_approved_by {
        let _ = writeln!(s, "  差额确认主管  {sup}");
    }
    receipts(&mut s, &r.figures);
    lists(&mut s, &r.lists, false);
    anchor(&mut s, r.journal_seq, &r.journal_hash_prefix, &r.generated_at);
    let _ = writeln!(s, "收费员签字：____________    接收主管签字：____________");
    s
}

pub fn period(r: &PeriodReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} · {} {}", r.station.hospital, r.station.code, r.station.name);
    let _ = writeln!(s, "{}", period_title(r));
    if let Some(o) = &r.outage {
        let up = o.his_up_at.as_deref().map(local).unwrap_or_else(|| "尚未恢复".into());
        let _ = writeln!(s, "HIS 停机：{} — {}（{}）", local(&o.his_down_at), up, o.reason);
    }
    let open = r.open_shifts().count();
    let _ = writeln!(s, "班次：{} 个（未交班 {open} 个）", r.shifts.len());
    for l in &r.shifts {
        let closed = l.closed_at.as_deref().map(local).unwrap_or_else(|| "未交班".into());
        let diff = l.difference_fen.map(y).unwrap_or_else(|| "—".into());
        let _ = writeln!(
            s,
            "  {}  {} — {}  实收 {}  应有现金 {}  差额 {diff}",
            l.operator,
            local(&l.opened_at),
            closed,
            y(l.net_fen),
            y(l.expected_cash_fen)
        );
    }
    for o in &r.operators {
        let _ = writeln!(s, "\n【{}】（{} 个班次）", o.operator, o.shifts.len());
        figures(&mut s, &o.figures);
        receipts(&mut s, &o.figures);
    }
    let _ = writeln!(s, "\n【合计】");
    figures(&mut s, &r.figures);
    receipts(&mut s, &r.figures);
    if !r.hourly.is_empty() {
        let _ = writeln!(s, "每小时收款：");
        for h in r.hourly.iter().filter(|h| h.taken_fen != 0 || h.given_back_fen != 0) {
            let _ = writeln!(s, "  {}  收 {}  退 {}", h.hour, y(h.taken_fen), y(h.given_back_fen));
        }
    }
    lists(&mut s, &r.lists, true);
    anchor(&mut s, r.journal_seq, &r.journal_hash_prefix, &r.generated_at);
    s
}

/// 一 to 四: groups, tenders, categories, cash.
fn figures(s: &mut String, f: &Figures) {
    let _ = writeln!(s, "一、分组");
    for (name, key) in GROUPS {
        let g = f.groups.get(key);
        let _ = writeln!(s, "  {name}  {} 笔  {}", g.count, y(g.amount_fen));
    }
    let _ = writeln!(s, "  实收合计  {}", y(f.net_fen));
    let _ = writeln!(s, "二、按支付方式");
    for m in Method::ALL {
        let _ = writeln!(s, "  {}  {}", m.zh(), y(f.totals_by_tender_fen.get(m)));
    }
    let _ = writeln!(s, "三、按费用类别");
    if f.totals_by_category_fen.0.is_empty() {
        let _ = writeln!(s, "  （无）");
    }
    for (c, fen) in &f.totals_by_category_fen.0 {
        let _ = writeln!(s, "  {}  {}", c.zh(), y(*fen));
    }
    let _ = writeln!(s, "四、现金");
    let _ = writeln!(s, "  备用金  {}", y(f.opening_float_fen));
    let _ = writeln!(s, "  收取现金  {}", y(f.cash_taken_fen));
    let _ = writeln!(s, "  退还现金  {}", y(f.cash_given_back_fen));
    let _ = writeln!(s, "  应有现金 = 备用金 + 收取现金 − 退还现金  {}", y(f.expected_cash_fen));
    match (f.counted_cash_fen, f.difference_fen) {
        (Some(c), Some(d)) => {
            let _ = writeln!(s, "  清点现金  {}", y(c));
            let _ = writeln!(s, "  差额（清点 − 应有）  {}", y(d));
        }
        _ => {
            let _ = writeln!(s, "  清点现金  未清点");
        }
    }
}

/// 五、票据: receipt ranges and refunds.
fn receipts(s: &mut String, f: &Figures) {
    let _ = writeln!(s, "五、票据");
    if f.receipts_used.is_empty() {
        let _ = writeln!(s, "  未开具收据");
    }
    for r in &f.receipts_used {
        let _ = writeln!(s, "  收据号段  {} — {}（{} 张）", r.first, r.last, r.count);
    }
    for r in &f.refunds {
        let original = r.original_receipt_no.as_deref().unwrap_or("—");
        let how: Vec<String> = r.tenders.iter().map(|t| format!("{}{}", t.method.zh(), y(t.amount_fen))).collect();
        let _ = writeln!(
            s,
            "  退费 {}  原收据 {original}  {}  {}  主管 {}",
            r.receipt_no,
            y(r.amount_fen),
            how.join("+"),
            r.supervisor.as_deref().unwrap_or("—")
        );
    }
}

fn lists(s: &mut String, l: &Lists, period: bool) {
    for v in &l.void_details {
        let _ = writeln!(
            s,
            "  作废 {}（{}）  {}  原因：{}  主管：{}",
            v.receipt_no,
            v.kind.zh(),
            y(v.amount_fen),
            v.reason,
            v.supervisor
        );
    }
    for d in &l.deposit_refunds {
        let _ = writeln!(
            s,
            "  退预交金 {}  {} {}  {}  主管 {}",
            d.receipt_no,
            d.inpatient_no.as_deref().unwrap_or(""),
            d.patient_name,
            y(d.amount_fen),
            d.supervisor.as_deref().unwrap_or("—")
        );
    }
    let p = &l.paper_numbers;
    for b in &p.books {
        let _ = writeln!(s, "  {}", super::paper::book_text(b));
    }
    if !p.used.is_empty() {
        let used: Vec<String> = p
            .used
            .iter()
            .map(|u| format!("{}{}", u.paper_no, if u.voided { "(作废)" } else { "" }))
            .collect();
        let _ = writeln!(s, "  手工发票号（{} 张）：{}", p.used.len(), used.join("、"));
    }
    for k in &p.skipped {
        let _ = writeln!(s, "  ！跳号：{} — {}（{} 张未用）", k.first, k.last, k.count);
    }
    for r in &p.repeated {
        let _ = writeln!(s, "  ！重号：{} 用于 {}", r.paper_no, r.receipt_nos.join("、"));
    }
    let _ = writeln!(s, "六、医保患者（待重新结算）：{} 人", l.insured.len());
    for i in &l.insured {
        let due = i.resettle_due.as_deref().unwrap_or("—");
        let _ = writeln!(
            s,
            "  {} {} {}  电话 {}  {} {}  {}  截止 {due}{}",
            i.receipt_no,
            i.patient_name,
            i.downtime_no,
            i.phone,
            i.insurance,
            i.insurance_no,
            y(i.amount_fen),
            if i.due_provisional { "（暂定）" } else { "" }
        );
    }
    if period {
        let _ = writeln!(s, "七、待换取电脑发票的手工票据");
        for e in &l.exchange_pending {
            let _ = writeln!(
                s,
                "  截止 {}{}  {} 张  {}",
                e.due,
                if e.provisional { "（暂定）" } else { "" },
                e.count,
                y(e.amount_fen)
            );
        }
    }
    let _ = writeln!(
        s,
        "{}、待转医保的住院患者：{} 人",
        if period { "八" } else { "七" },
        l.admissions_to_convert.len()
    );
    for a in &l.admissions_to_convert {
        let _ = writeln!(
            s,
            "  {} {} {}  电话 {}  {} {}",
            a.inpatient_no, a.patient_name, a.downtime_no, a.phone, a.insurance, a.insurance_no
        );
    }
}

fn anchor(s: &mut String, seq: i64, hash: &str, at: &str) {
    let _ = writeln!(
        s,
        "流水锚点：{seq}:{hash}（第 {seq} 条，downtime verify --anchor 可核对）  打印时间 {}",
        local(at)
    );
}
