//! Reports as printed sheets: the handover sheet and the day and outage reports mapped onto
//! the plain [`Sheet`] that `receipt_pdf` lays out on A4 or the 80 mm roll. The outage and
//! day reports carry two charts: takings per hour and the split by tender.

use super::text::{local, period_title, shift_title, GROUPS};
use super::types::{Figures, Lists, PeriodReport, PeriodScope, ShiftReport};
use crate::error::{invalid, Result};
use crate::money::signed_yuan as y;
use crate::receipt::tender::Method;
use crate::receipt_pdf::{render_sheet, Column, Item, Pair, Section, Sheet, SheetLayout, Table};

/// `a4` or `roll80` (also `80`, `roll`).
pub fn parse_layout(text: &str) -> Result<SheetLayout> {
    match text.trim().to_lowercase().as_str() {
        "a4" => Ok(SheetLayout::A4),
        "roll80" | "80" | "roll" => Ok(SheetLayout::Roll80),
        _ => Err(invalid!(
            ReportLayoutInvalid,
            format!("报表版式“{text}”无效：可选 a4 或 roll80"),
            format!("Unknown report layout \"{text}\": choose a4 or roll80")
        )),
    }
}

pub fn shift_pdf(r: &ShiftReport, layout: SheetLayout) -> Result<Vec<u8>> {
    render_sheet(&shift_sheet(r), layout)
}

pub fn period_pdf(r: &PeriodReport, layout: SheetLayout) -> Result<Vec<u8>> {
    render_sheet(&period_sheet(r), layout)
}

const MARK: &str = "HIS 停机应急期间";

fn pair(label: &str, value: String) -> Pair {
    Pair {
        label: label.into(),
        value,
        strong: false,
    }
}

fn strong(label: &str, value: String) -> Pair {
    Pair {
        strong: true,
        ..pair(label, value)
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

fn anchor(seq: i64, hash: &str, at: &str) -> String {
    format!(
        "流水锚点 {seq}:{hash}（第 {seq} 条及其哈希前 16 位，可用 downtime verify --anchor 核对）；打印时间 {}。本单据由记录推算。",
        local(at)
    )
}

pub fn shift_sheet(r: &ShiftReport) -> Sheet {
    let closed = r.closed_at.as_deref().map(local).unwrap_or_else(|| "未交班（班中）".into());
    let mut sections = money_sections(&r.figures);
    let cash = sections.iter_mut().find(|s| s.heading.starts_with("四")).expect("the cash section");
    if let Item::Pairs(pairs) = &mut cash.items[0] {
        if let Some(notes) = &r.denominations {
            let text: Vec<String> = notes.iter().map(|n| format!("{}×{}", y(n.value_fen), n.count)).collect();
            pairs.push(pair("点钞明细", text.join("，")));
        }
        if let Some(reason) = &r.difference_reason {
            pairs.push(pair("差额原因", reason.clone()));
        }
        if let Some(sup) = &r.difference_approved_by {
            pairs.push(pair("差额确认主管", sup.clone()));
        }
    }
    sections.push(receipts_section(&r.figures, &r.lists));
    sections.extend(list_sections(&r.lists, false));
    Sheet {
        hospital: r.station.hospital.clone(),
        title: shift_title(r),
        mark: MARK.into(),
        copy: r.copy,
        fields: vec![
            ("工作站".into(), format!("{} {}", r.station.code, r.station.name)),
            ("收费员".into(), r.operator.clone()),
            ("开班".into(), local(&r.opened_at)),
            ("交班".into(), closed),
        ],
        sections,
        anchor: anchor(r.journal_seq, &r.journal_hash_prefix, &r.generated_at),
        signatures: vec!["收费员".into(), "接收主管".into()],
        running_head: format!("{} · {} · {}（续页）", shift_title(r), r.operator, local(&r.opened_at)),
    }
}

pub fn period_sheet(r: &PeriodReport) -> Sheet {
    let mut fields = vec![("工作站".into(), format!("{} {}", r.station.code, r.station.name))];
    if let Some(o) = &r.outage {
        fields.push(("HIS 停机".into(), local(&o.his_down_at)));
        fields.push((
            "HIS 恢复".into(),
            o.his_up_at.as_deref().map(local).unwrap_or_else(|| "尚未恢复".into()),
        ));
        fields.push(("停机原因".into(), o.reason.clone()));
    }
    if let Some(d) = &r.date {
        fields.push(("日期".into(), d.clone()));
    }
    let open = r.open_shifts().count();
    fields.push(("班次".into(), format!("{} 个（未交班 {open} 个）", r.shifts.len())));
    let mut sections = vec![Section::new(
        "班次",
        vec![table(
            vec![
                Column::text("收费员", 1.1),
                Column::text("开班", 1.5),
                Column::text("交班", 1.5),
                Column::number("实收", 1.3),
                Column::number("应有现金", 1.3),
                Column::number("清点", 1.3),
                Column::number("差额", 1.1),
            ],
            r.shifts
                .iter()
                .map(|s| {
                    vec![
                        s.operator.clone(),
                        local(&s.opened_at),
                        s.closed_at.as_deref().map(local).unwrap_or_else(|| "未交班".into()),
                        y(s.net_fen),
                        y(s.expected_cash_fen),
                        s.counted_cash_fen.map(y).unwrap_or_else(|| "—".into()),
                        s.difference_fen.map(y).unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect(),
            false,
            "（没有班次）",
        )],
    )];
    let mut per_operator = Vec::new();
    for o in &r.operators {
        let g = &o.figures.groups;
        per_operator.push(vec![
            o.operator.clone(),
            y(g.registration.amount_fen + g.outpatient.amount_fen),
            y(g.refunds.amount_fen),
            y(g.voids.amount_fen),
            y(g.deposits.amount_fen - g.deposit_refunds.amount_fen),
            y(o.figures.net_fen),
            y(o.figures.expected_cash_fen),
            o.figures.difference_fen.map(y).unwrap_or_else(|| "—".into()),
        ]);
    }
    let g = &r.figures.groups;
    per_operator.push(vec![
        "合计".into(),
        y(g.registration.amount_fen + g.outpatient.amount_fen),
        y(g.refunds.amount_fen),
        y(g.voids.amount_fen),
        y(g.deposits.amount_fen - g.deposit_refunds.amount_fen),
        y(r.figures.net_fen),
        y(r.figures.expected_cash_fen),
        r.figures.difference_fen.map(y).unwrap_or_else(|| "—".into()),
    ]);
    sections.push(Section::new(
        "各收费员",
        vec![table(
            vec![
                Column::text("收费员", 1.1),
                Column::number("收费(含挂号)", 1.3),
                Column::number("退费", 1.1),
                Column::number("作废", 1.1),
                Column::number("预交金净额", 1.3),
                Column::number("实收", 1.3),
                Column::number("应有现金", 1.3),
                Column::number("差额", 1.1),
            ],
            per_operator,
            true,
            "",
        )],
    ));
    let methods: Vec<(String, i64)> = Method::ALL
        .iter()
        .map(|m| (m.zh().to_string(), r.figures.totals_by_tender_fen.get(*m)))
        .filter(|(_, fen)| *fen != 0)
        .collect();
    let hours: Vec<(String, i64, i64)> = r.hourly.iter().map(|h| (h.hour.clone(), h.taken_fen, h.given_back_fen)).collect();
    sections.push(Section::new(
        "图表",
        vec![
            Item::HourBars {
                caption: "每小时收款（深色）与退款（浅色），按收付款时间".into(),
                hours,
            },
            Item::MethodBars {
                caption: "支付方式构成（实收）".into(),
                methods,
            },
        ],
    ));
    let mut money = money_sections(&r.figures);
    for s in &mut money {
        s.heading = format!("{}（合计）", s.heading);
    }
    sections.extend(money);
    sections.push(receipts_section(&r.figures, &r.lists));
    sections.extend(list_sections(&r.lists, true));
    let title = period_title(r);
    Sheet {
        hospital: r.station.hospital.clone(),
        title: title.clone(),
        mark: MARK.into(),
        copy: false,
        fields,
        sections,
        anchor: anchor(r.journal_seq, &r.journal_hash_prefix, &r.generated_at),
        signatures: match r.scope {
            PeriodScope::Day => vec!["制表".into(), "收费主管".into(), "财务".into()],
            PeriodScope::Outage => vec!["制表".into(), "应急负责人".into(), "财务".into()],
        },
        running_head: format!("{title}（续页）"),
    }
}

/// 一 to 四: groups, tenders, categories, cash.
fn money_sections(f: &Figures) -> Vec<Section> {
    let mut groups: Vec<Vec<String>> = GROUPS
        .iter()
        .map(|(name, key)| {
            let g = f.groups.get(key);
            vec![name.to_string(), g.count.to_string(), y(g.amount_fen)]
        })
        .collect();
    groups.push(vec!["实收合计".into(), String::new(), y(f.net_fen)]);
    let mut tenders: Vec<Vec<String>> = Method::ALL
        .iter()
        .map(|m| vec![m.zh().to_string(), y(f.totals_by_tender_fen.get(*m))])
        .collect();
    tenders.push(vec!["合计".into(), y(f.totals_by_tender_fen.sum())]);
    let mut categories: Vec<Vec<String>> = f
        .totals_by_category_fen
        .0
        .iter()
        .map(|(c, fen)| vec![c.zh().to_string(), y(*fen)])
        .collect();
    if !categories.is_empty() {
        categories.push(vec!["合计".into(), y(f.totals_by_category_fen.0.iter().map(|(_, fen)| fen).sum())]);
    }
    let mut cash = vec![
        pair("备用金", y(f.opening_float_fen)),
        pair("收取现金（含已作废）", y(f.cash_taken_fen)),
        pair("退还现金（作废、退费、退预交金）", y(f.cash_given_back_fen)),
        strong("应有现金 = 备用金 + 收取现金 − 退还现金", y(f.expected_cash_fen)),
    ];
    match (f.counted_cash_fen, f.difference_fen) {
        (Some(c), Some(d)) => {
            cash.push(strong("清点现金", y(c)));
            cash.push(strong("差额（清点 − 应有）", y(d)));
        }
        _ => cash.push(pair("清点现金", "未清点（交班时填写）".into())),
    }
    let beside = |s: Section| Section { beside_next: true, ..s };
    vec![
        beside(Section::new(
            "一、收款分组",
            vec![table(
                vec![Column::text("分组", 1.6), Column::number("笔数", 0.8), Column::number("金额", 1.6)],
                groups,
                true,
                "",
            )],
        )),
        Section::new(
            "二、按支付方式（收减退）",
            vec![table(
                vec![Column::text("支付方式", 1.6), Column::number("金额", 1.6)],
                tenders,
                true,
                "",
            )],
        ),
        beside(Section::new(
            "三、按费用类别（收费减退费）",
            vec![table(
                vec![Column::text("费用类别", 1.6), Column::number("金额", 1.6)],
                categories,
                true,
                "（无收费项目）",
            )],
        )),
        Section::new("四、现金", vec![Item::Pairs(cash)]),
    ]
}

/// 五、票据: ranges, voids, refunds, deposit refunds, paper numbers.
fn receipts_section(f: &Figures, l: &Lists) -> Section {
    let mut items = vec![table(
        vec![Column::text("起", 1.0), Column::text("止", 1.0), Column::number("张数", 0.6)],
        f.receipts_used
            .iter()
            .map(|r| vec![r.first.clone(), r.last.clone(), r.count.to_string()])
            .collect(),
        false,
        "收据号段：未开具收据",
    )];
    if !l.void_details.is_empty() {
        items.push(Item::Note {
            text: format!("作废 {} 张（号码保留，不计入实收）：", l.void_details.len()),
            strong: true,
        });
        items.push(table(
            vec![
                Column::text("票据号", 1.3),
                Column::text("类别", 0.8),
                Column::number("金额", 1.0),
                Column::text("原因", 1.6),
                Column::text("主管", 0.8),
            ],
            l.void_details
                .iter()
                .map(|v| {
                    vec![
                        v.receipt_no.clone(),
                        v.kind.zh().into(),
                        y(v.amount_fen),
                        v.reason.clone(),
                        v.supervisor.clone(),
                    ]
                })
                .collect(),
            false,
            "",
        ));
    }
    if !f.refunds.is_empty() {
        items.push(Item::Note {
            text: format!("退费 {} 张：", f.refunds.len()),
            strong: true,
        });
        items.push(table(
            vec![
                Column::text("退费凭证", 1.3),
                Column::text("原收据", 1.3),
                Column::number("金额", 1.0),
                Column::text("退款方式", 1.1),
                Column::text("主管", 0.8),
            ],
            f.refunds
                .iter()
                .map(|r| {
                    let how: Vec<String> = r.tenders.iter().map(|t| t.method.zh().to_string()).collect();
                    vec![
                        r.receipt_no.clone(),
                        r.original_receipt_no.clone().unwrap_or_default(),
                        y(r.amount_fen),
                        how.join("+"),
                        r.supervisor.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
            false,
            "",
        ));
    }
    if !l.deposit_refunds.is_empty() {
        items.push(Item::Note {
            text: format!("退预交金 {} 张：", l.deposit_refunds.len()),
            strong: true,
        });
        items.push(table(
            vec![
                Column::text("凭证", 1.3),
                Column::text("住院号 姓名", 1.6),
                Column::number("金额", 1.0),
                Column::text("主管", 0.8),
            ],
            l.deposit_refunds
                .iter()
                .map(|d| {
                    vec![
                        d.receipt_no.clone(),
                        format!("{} {}", d.inpatient_no.clone().unwrap_or_default(), d.patient_name),
                        y(d.amount_fen),
                        d.supervisor.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
            false,
            "",
        ));
    }
    let p = &l.paper_numbers;
    for b in &p.books {
        items.push(Item::Note {
            text: super::paper::book_text(b),
            strong: false,
        });
    }
    if !p.used.is_empty() {
        let used: Vec<String> = p
            .used
            .iter()
            .map(|u| format!("{}{}", u.paper_no, if u.voided { "（作废）" } else { "" }))
            .collect();
        items.push(Item::Note {
            text: format!("手工发票号 {} 张：{}", p.used.len(), used.join("、")),
            strong: false,
        });
    }
    for k in &p.skipped {
        items.push(Item::Note {
            text: format!("！跳号：{} — {}（{} 张未用，请说明去向）", k.first, k.last, k.count),
            strong: true,
        });
    }
    for r in &p.repeated {
        items.push(Item::Note {
            text: format!("！重号：{} 用于 {}", r.paper_no, r.receipt_nos.join("、")),
            strong: true,
        });
    }
    Section::new("五、票据", items)
}

fn list_sections(l: &Lists, period: bool) -> Vec<Section> {
    let mut sections = vec![Section::new(
        format!("六、医保患者（全额自付，待重新结算）：{} 人", l.insured.len()),
        vec![table(
            vec![
                Column::text("收据", 1.2),
                Column::text("姓名", 0.8),
                Column::text("电话", 1.1),
                Column::text("医保", 1.5),
                Column::number("金额", 0.9),
                Column::text("截止", 1.0),
            ],
            l.insured
                .iter()
                .map(|i| {
                    vec![
                        i.receipt_no.clone(),
                        i.patient_name.clone(),
                        i.phone.clone(),
                        format!("{} {}", i.insurance, i.insurance_no),
                        y(i.amount_fen),
                        format!(
                            "{}{}",
                            i.resettle_due.clone().unwrap_or_default(),
                            if i.due_provisional { "（暂定）" } else { "" }
                        ),
                    ]
                })
                .collect(),
            false,
            "（无）",
        )],
    )];
    if period {
        sections.push(Section::new(
            "七、待换取电脑发票的手工票据",
            vec![table(
                vec![
                    Column::text("截止日期", 1.4),
                    Column::number("张数", 0.8),
                    Column::number("金额", 1.2),
                ],
                l.exchange_pending
                    .iter()
                    .map(|e| {
                        vec![
                            format!("{}{}", e.due, if e.provisional { "（暂定）" } else { "" }),
                            e.count.to_string(),
                            y(e.amount_fen),
                        ]
                    })
                    .collect(),
                false,
                "（无）",
            )],
        ));
    }
    sections.push(Section::new(
        format!(
            "{}、待转医保的住院患者：{} 人",
            if period { "八" } else { "七" },
            l.admissions_to_convert.len()
        ),
        vec![table(
            vec![
                Column::text("住院号", 1.3),
                Column::text("姓名", 0.8),
                Column::text("电话", 1.1),
                Column::text("医保", 1.8),
            ],
            l.admissions_to_convert
                .iter()
                .map(|a| {
                    vec![
                        a.inpatient_no.clone(),
                        a.patient_name.clone(),
                        a.phone.clone(),
                        format!("{} {}", a.insurance, a.insurance_no),
                    ]
                })
                .collect(),
            false,
            "（无）",
        )],
    ));
    sections
}
