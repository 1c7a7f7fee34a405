//! 支付方式: how a charge is paid (or a refund paid back). Several tenders may pay one charge;
//! they sum exactly to the total. Only cash has change: the cash tendered minus the cash due.

use crate::error::{invalid, Result};
use crate::money::Fen;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Method {
    /// 现金
    Cash,
    /// 银行卡: last four digits and the terminal's reference
    Card,
    /// 微信支付: the transaction reference read off the phone
    Wechat,
    /// 支付宝
    Alipay,
    /// 支票: bank and cheque number
    Cheque,
    /// 其他 (named)
    Other,
}

impl Method {
    pub const ALL: [Method; 6] = [
        Method::Cash,
        Method::Card,
        Method::Wechat,
        Method::Alipay,
        Method::Cheque,
        Method::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Method::Cash => "cash",
            Method::Card => "card",
            Method::Wechat => "wechat",
            Method::Alipay => "alipay",
            Method::Cheque => "cheque",
            Method::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Method::Cash => "现金",
            Method::Card => "银行卡",
            Method::Wechat => "微信支付",
            Method::Alipay => "支付宝",
            Method::Cheque => "支票",
            Method::Other => "其他",
        }
    }

    pub fn parse(text: &str) -> Result<Method> {
        let t = text.trim().to_lowercase();
        Method::ALL.into_iter().find(|m| m.key() == t || m.zh() == t).ok_or_else(|| {
            invalid!(
                TenderMethodInvalid,
                format!("支付方式“{text}”无效：可选 cash、card、wechat、alipay、cheque、other"),
                format!("Unknown payment method \"{text}\": use cash, card, wechat, alipay, cheque or other")
            )
        })
    }
}

/// A tender as typed: method, amount, and the reference its method needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderInput {
    pub method: Method,
    pub amount: Fen,
    /// card: `1234/REF`; wechat, alipay: the transaction reference; cheque: `BANK/NUMBER`;
    /// other: what it is.
    pub reference: String,
}

/// A checked tender, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tender {
    pub method: Method,
    pub amount: Fen,
    /// Cash handed over (cash only): at least `amount`.
    pub tendered: Option<Fen>,
    pub reference: String,
}

/// Checks `tenders` against `total`: every amount above zero, the references each method
/// needs, the sum exact, cash tendered covering the cash due. Returns the tenders and the
/// change. `allow_change` is false for money paid back (refunds).
pub fn settle(tenders: &[TenderInput], total: Fen, cash_tendered: Option<Fen>, allow_change: bool) -> Result<(Vec<Tender>, Fen)> {
    if tenders.is_empty() {
        return Err(invalid!(TenderMissing, "请填写支付方式和金额", "Give at least one payment"));
    }
    let mut sum = Fen::ZERO;
    let mut out = Vec::new();
    let cash_count = tenders.iter().filter(|t| t.method == Method::Cash).count();
    if cash_count > 1 {
        return Err(invalid!(TenderCashTwice, "现金只能填一笔", "Give cash as one payment"));
    }
    for t in tenders {
        if t.amount == Fen::ZERO {
            return Err(invalid!(
                TenderZero,
                format!("{}金额不能为 0", t.method.zh()),
                format!("The {} amount must be above 0", t.method.key())
            ));
        }
        let reference = t.reference.trim().to_string();
        match t.method {
            Method::Card => {
                let (last4, _) = reference.split_once('/').unwrap_or((&reference, ""));
                if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid!(
                        TenderCardReference,
                        "银行卡请填写卡号后四位和终端参考号，例如 card:100:1234/000123",
                        "A card payment needs the last four digits and the terminal reference, e.g. card:100:1234/000123"
                    ));
                }
            }
            Method::Wechat | Method::Alipay if reference.is_empty() => {
                return Err(invalid!(
                    TenderReferenceMissing,
                    format!("{}请填写手机上显示的交易单号", t.method.zh()),
                    format!("A {} payment needs the transaction reference shown on the phone", t.method.key())
                ))
            }
            Method::Cheque => {
                let (bank, number) = reference.split_once('/').unwrap_or(("", ""));
                if bank.trim().is_empty() || number.trim().is_empty() {
                    return Err(invalid!(
                        TenderChequeReference,
                        "支票请填写开户银行和支票号码，例如 cheque:5000:工商银行/12345678",
                        "A cheque needs the bank and the cheque number, e.g. cheque:5000:ICBC/12345678"
                    ));
                }
            }
            Method::Other if reference.is_empty() => {
                return Err(invalid!(
                    TenderOtherName,
                    "“其他”支付方式请写明是什么",
                    "Name the \"other\" payment method"
                ))
            }
            _ => {}
        }
        if reference.chars().any(char::is_control) || reference.chars().count() > 60 {
            return Err(invalid!(
                TenderReferenceInvalid,
                "参考号含控制字符或太长",
                "The reference contains control characters or is too long"
            ));
        }
        sum = sum
            .checked_add(t.amount)
            .ok_or_else(|| invalid!(AmountOutOfRange, "付款合计超出范围", "The payments add up beyond range"))?;
        out.push(Tender {
            method: t.method,
            amount: t.amount,
            tendered: None,
            reference,
        });
    }
    if sum != total {
        return Err(invalid!(
            TenderSumMismatch,
            format!("付款合计 {sum} 与应收 {total} 不符"),
            format!("The payments add up to {sum}, but {total} is due")
        ));
    }
    let mut change = Fen::ZERO;
    if let Some(given) = cash_tendered {
        if !allow_change {
            return Err(invalid!(TenderNoChange, "退款不涉及找零", "Paying back involves no change"));
        }
        let Some(cash) = out.iter_mut().find(|t| t.method == Method::Cash) else {
            return Err(invalid!(
                TenderTenderedWithoutCash,
                "填写了现金实收，但付款中没有现金",
                "Cash tendered was given, but no payment is in cash"
            ));
        };
        if given < cash.amount {
            return Err(invalid!(
                TenderCashShort,
                format!("现金实收 {given} 少于应付现金 {}", cash.amount),
                format!("Cash tendered {given} is less than the cash due {}", cash.amount)
            ));
        }
        change = Fen::new(given.get() - cash.amount.get())?;
        cash.tendered = Some(given);
    } else if let Some(cash) = out.iter_mut().find(|t| t.method == Method::Cash) {
        cash.tendered = Some(cash.amount);
    }
    Ok((out, change))
}

/// What the cash handed over (实收) comes to against the cash due, shown live while it is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashChange {
    /// 找零: what goes back to the patient.
    Change(Fen),
    /// 还差: what is still missing.
    Short(Fen),
}

/// The change for `tendered` against `cash_due`, as `settle` will work it out on confirm.
pub fn cash_change(cash_due: Fen, tendered: Fen) -> CashChange {
    if tendered >= cash_due {
        CashChange::Change(Fen::new(tendered.get() - cash_due.get()).unwrap_or_default())
    } else {
        CashChange::Short(Fen::new(cash_due.get() - tendered.get()).unwrap_or_default())
    }
}
