//! The specimen (样张): a made-up receipt of each kind, deposit summary and queue slip for
//! printer set-up, the benchmark and the tests. Each says on its face that it is a specimen.

use super::{
    CategorySubtotal, ChargeLine, Charges, Cheque, Deposit, DepositRefund, DepositSummary, Insurance, Movement, QueueSlip, ReceiptBody,
    ReceiptDoc, ReceiptKind, Tender,
};
use crate::money::Fen;

const HOSPITAL: &str = "示例市第一人民医院（样张）";

/// Typical lines of an outpatient visit: (name, spec, quantity, unit, unit price, fen, category).
const ITEMS: &[(&str, &str, &str, &str, &str, i64, &str)] = &[
    ("诊查费（副主任医师）", "", "1", "次", "25.00", 2500, "诊察费"),
    ("血常规（五分类）", "", "1", "项", "20.00", 2000, "化验费"),
    ("C反应蛋白测定", "", "1", "项", "30.00", 3000, "化验费"),
    ("胸部正侧位DR摄影", "2张", "1", "次", "120.00", 12000, "检查费"),
    ("阿莫西林胶囊", "0.25g×24粒/盒", "2", "盒", "12.50", 2500, "西药费"),
    ("布洛芬缓释胶囊", "0.3g×20粒/盒", "1", "盒", "18.60", 1860, "西药费"),
    ("连花清瘟胶囊", "0.35g×24粒/盒", "1", "盒", "14.80", 1480, "中成药费"),
    ("一次性使用无菌注射器", "5ml", "2", "支", "0.85", 170, "卫生材料费"),
];

/// The order categories are listed in on an outpatient receipt.
const CATEGORY_ORDER: &[&str] = &[
    "诊察费",
    "检查费",
    "化验费",
    "治疗费",
    "手术费",
    "卫生材料费",
    "西药费",
    "中药饮片",
    "中成药费",
    "一般诊疗费",
    "挂号费",
    "其他门(急)诊收费",
];

fn fen(v: i64) -> Fen {
    Fen::new(v).expect("specimen amounts are in range")
}

/// A specimen receipt of `kind` with `lines` item lines (the typical eight repeated as
/// needed; ignored for a deposit and a deposit refund).
pub fn specimen(kind: ReceiptKind, lines: usize) -> ReceiptDoc {
    let body = match kind {
        ReceiptKind::Outpatient => ReceiptBody::Outpatient(charges(lines)),
        ReceiptKind::Refund => {
            let mut refunded = charges(lines);
            refunded.tenders = vec![Tender {
                method: "现金退款".into(),
                amount: refunded.total,
                reference: None,
            }];
            refunded.change = Fen::ZERO;
            refunded.cash_tendered = None;
            refunded.due_note = None;
            ReceiptBody::Refund {
                original_receipt: "MZ01-00000117".into(),
                charges: refunded,
            }
        }
        ReceiptKind::Deposit => ReceiptBody::Deposit(Deposit {
            patient_name: "王秀英".into(),
            admission_number: "ZY-MZ01-T0007".into(),
            ward: "心内科二病区".into(),
            amount: fen(300_000),
            method: "支票".into(),
            cheque: Some(Cheque {
                bank: "中国工商银行城西支行".into(),
                number: "10203040 55667788".into(),
            }),
            admission_date: "2026-11-26".into(),
            clerk: "赵敏".into(),
            payer: Some("王建国（子女） 13800138000".into()),
            balance_after: Some(fen(300_000)),
        }),
        ReceiptKind::DepositRefund => ReceiptBody::DepositRefund(DepositRefund {
            patient_name: "王秀英".into(),
            admission_number: "ZY-MZ01-T0007".into(),
            ward: "心内科二病区".into(),
            amount: fen(100_000),
            methods: vec![
                Tender {
                    method: "现金".into(),
                    amount: fen(50_000),
                    reference: None,
                },
                Tender {
                    method: "微信原路退回".into(),
                    amount: fen(50_000),
                    reference: Some("4200001234202611260001".into()),
                },
            ],
            admission_date: "2026-11-26".into(),
            reason: "预交金多交，患者家属申请部分退还".into(),
            clerk: "赵敏".into(),
            supervisor: "陈静".into(),
            balance_after: fen(200_000),
        }),
    };
    ReceiptDoc {
        hospital: HOSPITAL.into(),
        station: "MZ01".into(),
        receipt_number: "MZ01-00000123".into(),
        paper_number: Some("No.0012345".into()),
        copy: false,
        voided: false,
        issued_at: "2026-11-26 09:30".into(),
        notice: "样张：仅用于打印测试，不是收费凭证。请妥善保管本票据，系统恢复后凭本票据换取电脑票据。".into(),
        remarks: vec![],
        signatures: vec![],
        qr_payload: "DTD1|MZ01|MZ01-00000123|2026-11-26T01:30:00Z|28510".into(),
        body,
    }
}

/// The typical deposit movements of a stay: (kind, method, fen, voided). Each round adds
/// ¥4,000.00 to the balance, and no prefix of it takes the balance below zero.
const MOVEMENTS: &[(&str, &str, i64, bool)] = &[
    ("预交", "支票", 300_000, false),
    ("补交", "微信", 200_000, false),
    ("补交", "现金", 100_000, true),
    ("退款", "现金", 150_000, false),
    ("补交", "银行卡", 50_000, false),
];

/// A specimen deposit summary with `movements` movements (the typical five repeated as
/// needed), its totals and balance those of the movements not voided.
pub fn specimen_deposit_summary(movements: usize) -> DepositSummary {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .expect("a valid date");
    let movements: Vec<Movement> = MOVEMENTS
        .iter()
        .cycle()
        .take(movements)
        .enumerate()
        .map(|(i, (kind, method, amount, voided))| Movement {
            receipt_number: format!("MZ01-{:08}", 118 + i),
            time: (start + chrono::Duration::hours(7 * i as i64)).format("%Y-%m-%d %H:%M").to_string(),
            kind: kind.to_string(),
            method: method.to_string(),
            amount: fen(*amount),
            voided: *voided,
        })
        .collect();
    let sum = |refund: bool| -> i64 {
        (movements.iter())
            .filter(|m| !m.voided && (m.kind == "退款") == refund)
            .map(|m| m.amount.get())
            .sum()
    };
    let (deposited, refunded) = (sum(false), sum(true));
    DepositSummary {
        hospital: HOSPITAL.into(),
        station: "MZ01".into(),
        admission_number: "ZY-MZ01-T0007".into(),
        patient_name: "王秀英".into(),
        downtime_number: "MZ01-T000052".into(),
        ward: "心内科二病区".into(),
        admitted_at: "2026-11-26 09:10".into(),
        convert_to_insured: true,
        movements,
        total_deposited: fen(deposited),
        total_refunded: fen(refunded),
        balance: fen(deposited - refunded),
        printed_at: "2026-11-28 16:05".into(),
        printed_by: "赵敏".into(),
    }
}

/// A specimen queue slip: an expert registration whose fee is still to be paid.
pub fn specimen_queue_slip() -> QueueSlip {
    QueueSlip {
        hospital: HOSPITAL.into(),
        station: "MZ01".into(),
        department: "呼吸内科门诊".into(),
        queue_number: 27,
        patient_name: "张伟".into(),
        downtime_number: "MZ01-T000045".into(),
        registration_type: "专家".into(),
        doctor: "刘建国（主任医师）".into(),
        visit_date: "2026-11-26".into(),
        registered_at: "2026-11-26 09:12".into(),
        fee: fen(1_100),
        fee_receipt: Some("MZ01-000123".into()),
        notice: "样张：仅用于打印测试。请在候诊区等候叫号，过号请到分诊台重新排队。".into(),
    }
}

fn charges(lines: usize) -> Charges {
    let lines: Vec<ChargeLine> = ITEMS
        .iter()
        .cycle()
        .take(lines.max(1))
        .map(|(name, spec, qty, unit, price, amount, category)| ChargeLine {
            name: name.to_string(),
            spec: spec.to_string(),
            quantity: qty.to_string(),
            doses: None,
            unit: unit.to_string(),
            unit_price: price.to_string(),
            amount: fen(*amount),
            insurance_class: match *category {
                "西药费" => "乙",
                "中成药费" => "自付10%",
                _ => "甲",
            }
            .to_string(),
            category: category.to_string(),
        })
        .collect();
    let subtotals: Vec<CategorySubtotal> = CATEGORY_ORDER
        .iter()
        .filter_map(|c| {
            let sum: i64 = lines.iter().filter(|l| l.category == *c).map(|l| l.amount.get()).sum();
            (sum > 0).then(|| CategorySubtotal {
                category: c.to_string(),
                amount: fen(sum),
            })
        })
        .collect();
    let total: i64 = lines.iter().map(|l| l.amount.get()).sum();
    let cash = (total / 10_000 + 1) * 10_000;
    Charges {
        payer_name: "张伟".into(),
        sex_age: Some("男 45岁".into()),
        masked_id: Some("110101********1234".into()),
        downtime_number: "MZ01-T000045".into(),
        department: "呼吸内科门诊".into(),
        doctor: Some("刘建国".into()),
        insurance: Some(Insurance {
            kind: "城镇职工基本医疗保险".into(),
            number: Some("1101019876543210".into()),
        }),
        lines,
        subtotals,
        total: fen(total),
        tenders: vec![Tender {
            method: "现金".into(),
            amount: fen(total),
            reference: None,
        }],
        cash_tendered: Some(fen(cash)),
        change: fen(cash - total),
        cashier: "李娜".into(),
        due_note: Some("医保重新结算/换取电脑发票截止日期：2026-12-17".into()),
    }
}
