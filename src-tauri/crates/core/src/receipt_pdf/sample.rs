//! The specimen (样张): a made-up receipt of each kind for printer set-up, the benchmark and
//! the tests. It says on its face that it is a specimen.

use super::{
    CategorySubtotal, ChargeLine, Charges, Cheque, Deposit, Insurance, ReceiptBody, ReceiptDoc,
    ReceiptKind, Tender,
};
use crate::money::Fen;

/// Typical lines of an outpatient visit: (name, spec, quantity, unit, unit price, fen, category).
const ITEMS: &[(&str, &str, &str, &str, &str, i64, &str)] = &[
    (
        "诊查费（副主任医师）",
        "",
        "1",
        "次",
        "25.00",
        2500,
        "诊察费",
    ),
    ("血常规（五分类）", "", "1", "项", "20.00", 2000, "化验费"),
    ("C反应蛋白测定", "", "1", "项", "30.00", 3000, "化验费"),
    (
        "胸部正侧位DR摄影",
        "2张",
        "1",
        "次",
        "120.00",
        12000,
        "检查费",
    ),
    (
        "阿莫西林胶囊",
        "0.25g×24粒/盒",
        "2",
        "盒",
        "12.50",
        2500,
        "西药费",
    ),
    (
        "布洛芬缓释胶囊",
        "0.3g×20粒/盒",
        "1",
        "盒",
        "18.60",
        1860,
        "西药费",
    ),
    (
        "连花清瘟胶囊",
        "0.35g×24粒/盒",
        "1",
        "盒",
        "14.80",
        1480,
        "中成药费",
    ),
    (
        "一次性使用无菌注射器",
        "5ml",
        "2",
        "支",
        "0.85",
        170,
        "卫生材料费",
    ),
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
/// needed; ignored for a deposit).
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
        }),
    };
    ReceiptDoc {
        hospital: "示例市第一人民医院（样张）".into(),
        station: "MZ01".into(),
        receipt_number: "MZ01-00000123".into(),
        paper_number: Some("No.0012345".into()),
        copy: false,
        voided: false,
        issued_at: "2026-11-26 09:30".into(),
        notice:
            "样张：仅用于打印测试，不是收费凭证。请妥善保管本票据，系统恢复后凭本票据换取电脑票据。"
                .into(),
        qr_payload: "DTD1|MZ01|MZ01-00000123|2026-11-26T01:30:00Z|28510".into(),
        body,
    }
}

fn charges(lines: usize) -> Charges {
    let lines: Vec<ChargeLine> = ITEMS
        .iter()
        .cycle()
        .take(lines.max(1))
        .map(
            |(name, spec, qty, unit, price, amount, category)| ChargeLine {
                name: name.to_string(),
                spec: spec.to_string(),
                quantity: qty.to_string(),
                unit: unit.to_string(),
                unit_price: price.to_string(),
                amount: fen(*amount),
                category: category.to_string(),
            },
        )
        .collect();
    let subtotals: Vec<CategorySubtotal> = CATEGORY_ORDER
        .iter()
        .filter_map(|c| {
            let sum: i64 = lines
                .iter()
                .filter(|l| l.category == *c)
                .map(|l| l.amount.get())
                .sum();
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
        masked_id: Some("110101********1234".into()),
        downtime_number: "MZ01-T000045".into(),
        department: "呼吸内科门诊".into(),
        insurance: Some(Insurance {
            kind: "城镇职工基本医疗保险".into(),
            number: Some("1101019876543210".into()),
        }),
        lines,
        subtotals,
        total: fen(total),
        tenders: vec![Tender {
            method: "现金".into(),
            amount: fen(cash),
            reference: None,
        }],
        change: fen(cash - total),
        cashier: "李娜".into(),
        due_note: Some("医保重新结算/换取电脑发票截止日期：2026-12-17".into()),
    }
}
