//! `reconciliation.pdf`: the reconciliation mapped onto the core's report [`Sheet`] (A4,
//! numbered pages, vector charts): a summary page (stations, batches, records, totals, the
//! verdict, the charts of totals per station and of differences), every exception one by one
//! with what to do, then the worklists.

use super::labels;
use crate::reconcile::deadlines::WorkItem;
use crate::reconcile::his::Sides;
use crate::reconcile::Reconciliation;
use downtime_core::error::Result;
use downtime_core::money::signed_yuan as y;
use downtime_core::receipt_pdf::{render_sheet, Column, Item, Pair, Section, Sheet, SheetLayout, Table};
use std::collections::BTreeMap;

fn pair(label: &str, value: String, strong: bool) -> Pair {
    Pair {
        label: label.into(),
        value,
        strong,
    }
}

fn table(columns: Vec<Column>, rows: Vec<Vec<String>>, total_row: bool, empty: &str) -> Item {
    Item::Table(Table {
        columns,
        rows,
        total_row,
        empty: empty.into(),
    })
}

fn money_row(label: String, s: &Sides) -> Vec<String> {
    vec![label, y(s.downtime), y(s.his), y(s.difference)]
}

fn money_table(title: &str, rows: &BTreeMap<String, Sides>, label: impl Fn(&str) -> String, total: &Sides) -> Item {
    let mut body: Vec<Vec<String>> = rows.iter().map(|(k, s)| money_row(label(k), s)).collect();
    body.push(money_row("合计".into(), total));
    table(
        vec![
            Column::text(title, 1.2),
            Column::number("应急记录", 1.0),
            Column::number("HIS 入账", 1.0),
            Column::number("差额", 1.0),
        ],
        body,
        true,
        "无",
    )
}

fn work_table(items: &[WorkItem], with_due: bool) -> Item {
    let rows = items
        .iter()
        .map(|i| {
            let mut row = vec![
                i.number.clone(),
                format!("{} {}", i.patient, i.downtime_no),
                i.phone.clone(),
                i.day.clone(),
            ];
            if with_due {
                let due = i.due.clone().unwrap_or_default();
                row.push(if i.provisional { format!("{due} 暂定") } else { due });
                row.push(y(i.amount_fen));
            } else {
                row.push(i.insurance_no.clone());
            }
            row
        })
        .collect();
    let mut columns = vec![
        Column::text("收据号 / 住院号", 1.3),
        Column::text("患者 · 停机号", 1.6),
        Column::text("电话", 1.1),
        Column::text("日期", 0.9),
    ];
    if with_due {
        columns.push(Column::text("到期日", 1.0));
        columns.push(Column::number("金额", 0.9));
    } else {
        columns.push(Column::text("医保号", 1.2));
    }
    table(columns, rows, false, "无")
}

/// The sheet of a reconciliation; `workspace` names the file it came from.
pub fn sheet(r: &Reconciliation, workspace: &str, generated_at: &str) -> Sheet {
    let t = &r.totals_fen;
    let hospital = r.stations.values().next().map(|s| s.hospital.clone()).unwrap_or_default();
    let verdict = if r.balanced {
        "平衡：批次齐全，无缺漏，与 HIS 入账逐笔相符，差额为零".to_string()
    } else if !r.his.imported {
        format!("尚未导入 HIS 入账文件：只核对了批次（异常 {} 项）", r.summary.exceptions)
    } else {
        format!(
            "不平衡：异常 {} 项，差额 {}（见“异常逐条”）",
            r.summary.exceptions,
            y(t.total.difference)
        )
    };
    let summary = vec![
        pair("结论", verdict, true),
        pair(
            "工作站 / 批次 / 收据",
            format!("{} 个 / {} 批 / {} 张", r.summary.stations, r.summary.batches, r.summary.receipts),
            false,
        ),
        pair(
            "HIS 入账",
            format!("{} 笔（{}）", r.summary.postings, r.his.files.join("、")),
            false,
        ),
        pair("应急记录合计", y(t.total.downtime), false),
        pair("HIS 入账合计", y(t.total.his), false),
        pair("差额（应急 − HIS）", y(t.total.difference), true),
        pair(
            "待办",
            format!(
                "{} 项（逾期 {} 项），截至 {}",
                r.summary.pending, r.summary.overdue, r.deadlines.as_of
            ),
            false,
        ),
    ];
    let station_rows = r
        .stations
        .iter()
        .map(|(code, s)| {
            let join = |v: &[i64]| {
                if v.is_empty() {
                    "—".to_string()
                } else {
                    v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join("、")
                }
            };
            vec![
                format!("{code} {}", s.name),
                s.fingerprint.clone(),
                join(&s.batches),
                join(&s.missing_batches),
                s.receipt_gaps.len().to_string(),
                s.receipts.to_string(),
            ]
        })
        .collect();
    let mut sections = vec![
        Section::new("一、摘要", vec![Item::Pairs(summary)]),
        Section::new(
            "二、工作站与批次",
            vec![table(
                vec![
                    Column::text("工作站", 1.4),
                    Column::text("密钥指纹（与封面核对）", 2.2),
                    Column::text("已收批次", 0.9),
                    Column::text("缺少批次", 0.9),
                    Column::number("缺号段", 0.6),
                    Column::number("收据", 0.6),
                ],
                station_rows,
                false,
                "工作区中还没有批次",
            )],
        ),
        Section::new(
            "三、金额：应急记录与 HIS 入账",
            vec![
                money_table("工作站", &t.stations, |k| labels::bucket(k).to_string(), &t.total),
                Item::MethodBars {
                    caption: "各工作站应急记录合计".into(),
                    methods: t
                        .stations
                        .iter()
                        .map(|(k, s)| (labels::bucket(k).to_string(), s.downtime))
                        .collect(),
                },
                Item::SignedBars {
                    caption: "各工作站差额（应急 − HIS）".into(),
                    rows: t
                        .stations
                        .iter()
                        .map(|(k, s)| (labels::bucket(k).to_string(), s.difference))
                        .collect(),
                },
                money_table("支付方式", &t.tenders, labels::tender, &t.total),
                Item::SignedBars {
                    caption: "各支付方式差额（应急 − HIS）".into(),
                    rows: t.tenders.iter().map(|(k, s)| (labels::tender(k), s.difference)).collect(),
                },
                money_table("日期", &t.days, |k| labels::bucket(k).to_string(), &t.total),
            ],
        ),
    ];
    let exceptions = r.exceptions();
    let rows = exceptions
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let place = [
                e.station.clone(),
                e.batch_seq.map(|b| format!("第 {b} 批")).unwrap_or_default(),
                e.number.clone().unwrap_or_default(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
            vec![
                (n + 1).to_string(),
                labels::list(&e.list).to_string(),
                place,
                e.what.clone(),
                e.todo.clone(),
            ]
        })
        .collect();
    sections.push(Section::new(
        "四、异常逐条（及处理办法）",
        vec![table(
            vec![
                Column::number("#", 0.35),
                Column::text("类别", 0.9),
                Column::text("工作站 · 批次 · 收据号", 1.5),
                Column::text("情况", 2.2),
                Column::text("处理", 2.4),
            ],
            rows,
            false,
            "无异常：批次齐全，无缺号、无拒收、无重复、无冲突，与 HIS 入账逐笔相符",
        )],
    ));
    let d = &r.deadlines;
    sections.push(Section::new(
        format!("五、待办清单（截至 {}，15 个工作日）", d.as_of),
        vec![Item::Note {
            text: format!(
                "已由 HIS 入账确认完成 {} 项，财务标记完成 {} 项。逾期未换的手工票据按应急预案以自费方式录入 HIS。",
                d.done_by_his, d.done_by_mark
            ),
            strong: false,
        }],
    ));
    for (code, items, with_due) in [
        ("resettle_overdue", &d.resettle_overdue, true),
        ("resettle_due", &d.resettle_due, true),
        ("exchange_overdue", &d.exchange_overdue, true),
        ("exchange_due", &d.exchange_due, true),
        ("convert_pending", &d.convert_pending, false),
    ] {
        sections.push(Section::new(
            format!("{}（{} 项）", labels::list(code), items.len()),
            vec![work_table(items, with_due)],
        ));
    }
    Sheet {
        hospital,
        title: "对账报告（HIS 恢复后）".into(),
        mark: if r.balanced { "平衡".into() } else { "不平衡".into() },
        copy: false,
        fields: vec![
            ("截至".into(), d.as_of.clone()),
            ("生成时间".into(), generated_at.into()),
            ("工作区".into(), workspace.into()),
        ],
        sections,
        anchor: format!("由对账工作区 {workspace} 于 {generated_at} 推算；批次与 HIS 入账文件可凭 reconciliation.json 逐笔核对。"),
        signatures: vec!["对账人".into(), "复核人".into()],
        running_head: format!("对账报告 · 截至 {}", d.as_of),
    }
}

pub fn render(r: &Reconciliation, workspace: &str, generated_at: &str) -> Result<Vec<u8>> {
    render_sheet(&sheet(r, workspace, generated_at), SheetLayout::A4)
}
