//! The words the report prints for the reconciliation's codes.

use downtime_core::charge::tender::Method;

/// An exception list or worklist, as a heading or a CSV category.
pub fn list(code: &str) -> &str {
    match code {
        "missing_batch" => "缺少批次",
        "receipt_gap" => "收据号缺口",
        "rejected" => "拒收批次",
        "duplicate" => "重复",
        "conflict" => "冲突",
        "amount_mismatch" => "金额不符",
        "missing_in_his" => "HIS 未入账",
        "posted_twice" => "HIS 重复入账",
        "unknown_to_downtime" => "应急记录中没有",
        "dispensed_twice" => "同一收据重复发药",
        "dispensed_unknown" => "发药收据无从查证",
        "refund_without_return" => "药品退费无退药记录",
        "resettle_due" => "待医保重新结算",
        "resettle_overdue" => "医保重新结算已逾期",
        "exchange_due" => "待换开电脑发票",
        "exchange_overdue" => "逾期未换（按自费录入）",
        "convert_pending" => "待转医保（住院）",
        other => other,
    }
}

/// A receipt kind.
pub fn kind(code: &str) -> &str {
    match code {
        "charge" => "收费",
        "registration" => "挂号",
        "refund" => "退费",
        "deposit" => "预交金",
        "deposit_refund" => "退预交金",
        "admission" => "入院",
        other => other,
    }
}

/// A tender method (or the HIS's own word for one, as it wrote it).
pub fn tender(code: &str) -> String {
    match code {
        super::super::reconcile::his::UNKNOWN => "未分摊".into(),
        other => Method::parse(other)
            .map(|m| m.zh().to_string())
            .unwrap_or_else(|_| other.to_string()),
    }
}

/// A station or day bucket that the records could not name.
pub fn bucket(code: &str) -> &str {
    if code == super::super::reconcile::his::UNKNOWN {
        "未知"
    } else {
        code
    }
}
