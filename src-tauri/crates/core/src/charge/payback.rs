//! 原路退回: money goes back the way it came. Every refund (退费, 退号, 退预交金) is paid back
//! by default to the channels the money came in by — cash up to the cash taken, the same card
//! with its reference, the same WeChat or Alipay transaction — less what earlier refunds sent
//! back on each. Any other way is an exception: it needs a reason, which the voucher prints.
//!
//! Contract:
//! - A channel is cash (all cash of the receipts together, the amount applied, not the notes
//!   handed over), or one non-cash tender's method and reference.
//! - [`default_split`] fills traceable channels first, in the order they were paid, and cash
//!   last: cash is what leaves the drawer, and never more than was taken in cash goes back in
//!   cash by default.
//! - An earlier refund's tender consumes its own channel; what it sent back another way
//!   consumes the channels in the default order, as if it had gone there.
//! - [`other_way`] says which tenders of a refund do not go back to a channel with that much
//!   left: those need the reason.

use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::receipt::tender::{Method, Tender, TenderInput};

/// One way money came in, and what is left to go back on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub method: Method,
    /// Empty for cash.
    pub reference: String,
    /// What came in on it.
    pub paid: Fen,
    /// What may still go back on it.
    pub left: Fen,
}

impl Channel {
    fn takes(&self, method: Method, reference: &str) -> bool {
        self.method == method && (method == Method::Cash || self.reference.trim() == reference.trim())
    }
}

/// The channels of `paid` (the tenders of the receipts the money came in on, oldest first),
/// less what the tenders of earlier refunds in `back` sent back.
pub fn channels(paid: &[Tender], back: &[Tender]) -> Vec<Channel> {
    let mut out: Vec<Channel> = Vec::new();
    for t in paid {
        let reference = if t.method == Method::Cash {
            String::new()
        } else {
            t.reference.trim().to_string()
        };
        match out.iter_mut().find(|c| c.takes(t.method, &reference)) {
            Some(c) => c.paid = Fen::new(c.paid.get() + t.amount.get()).unwrap_or(c.paid),
            None => out.push(Channel {
                method: t.method,
                reference,
                paid: t.amount,
                left: Fen::ZERO,
            }),
        }
    }
    for c in &mut out {
        c.left = c.paid;
    }
    let mut elsewhere = 0;
    for t in back {
        let mut amount = t.amount.get();
        if let Some(c) = out.iter_mut().find(|c| c.takes(t.method, &t.reference)) {
            let take = amount.min(c.left.get());
            c.left = Fen::new(c.left.get() - take).unwrap_or_default();
            amount -= take;
        }
        elsewhere += amount;
    }
    for i in order(&out) {
        let c = &mut out[i];
        let take = elsewhere.min(c.left.get());
        c.left = Fen::new(c.left.get() - take).unwrap_or_default();
        elsewhere -= take;
    }
    out
}

/// The channels in the order a refund fills them: non-cash as paid, then cash.
fn order(channels: &[Channel]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..channels.len()).collect();
    idx.sort_by_key(|&i| (channels[i].method == Method::Cash, i));
    idx
}

/// What may still go back the way it came, over every channel.
pub fn left(channels: &[Channel]) -> Fen {
    Fen::new(channels.iter().map(|c| c.left.get()).sum()).unwrap_or_default()
}

/// 原路退回: `amount` split over the channels, traceable ones first, cash last. Refused when
/// the channels hold less than `amount` (earlier refunds went back another way).
pub fn default_split(channels: &[Channel], amount: Fen) -> Result<Vec<TenderInput>> {
    let mut rest = amount.get();
    let mut out = Vec::new();
    for i in order(channels) {
        let c = &channels[i];
        let take = rest.min(c.left.get());
        if take > 0 {
            out.push(TenderInput {
                method: c.method,
                amount: Fen::new(take)?,
                reference: c.reference.clone(),
            });
            rest -= take;
        }
    }
    if rest > 0 {
        let left = left(channels);
        return Err(invalid!(
            RefundNoWayBack,
            format!("原支付方式只剩 {left} 可原路退回，不足 {amount}：请选择退款方式并填写原因"),
            format!("Only {left} can go back the way it was paid, not {amount}: choose how to pay it back and give a reason")
        ));
    }
    Ok(out)
}

/// The tenders of a refund (by index) that do not go back the way the money came: a method
/// or reference no channel has, or more than its channel has left.
pub fn other_way(channels: &[Channel], tenders: &[TenderInput]) -> Vec<usize> {
    let mut left: Vec<i64> = channels.iter().map(|c| c.left.get()).collect();
    let mut out = Vec::new();
    for (n, t) in tenders.iter().enumerate() {
        match channels.iter().position(|c| c.takes(t.method, &t.reference)) {
            Some(i) if left[i] >= t.amount.get() => left[i] -= t.amount.get(),
            _ => out.push(n),
        }
    }
    out
}

/// What a refund pays back and how: the tenders, and the reason when any of them goes
/// another way (none when all go back the way the money came).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayBack {
    pub tenders: Vec<TenderInput>,
    /// Indexes of `tenders` that go another way.
    pub other_way: Vec<usize>,
    pub reason: Option<String>,
}

/// The way `amount` goes back over `channels`: `given` tenders (none: the default split),
/// with `reason` required when any of them goes another way.
pub fn plan(channels: &[Channel], amount: Fen, given: &[TenderInput], reason: Option<&str>) -> Result<PayBack> {
    let tenders = if given.is_empty() {
        default_split(channels, amount)?
    } else {
        given.to_vec()
    };
    let other = other_way(channels, &tenders);
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        _ if other.is_empty() => None,
        Some(r) => Some(crate::ids::clean_text(
            r,
            100,
            ("非原路退回原因", "Reason for paying back another way"),
        )?),
        None => {
            let ways: Vec<String> = other
                .iter()
                .map(|&i| format!("{} {}", tenders[i].method.zh(), tenders[i].amount))
                .collect();
            let came: Vec<String> = channels.iter().map(describe).collect();
            return Err(invalid!(
                RefundOtherWayNeedsReason,
                format!(
                    "{} 不是原路退回（原支付：{}）：请填写原因，原因将打印在退费凭证上",
                    ways.join("、"),
                    came.join("、")
                ),
                format!(
                    "{} does not go back the way it was paid ({}): give a reason, which the voucher prints",
                    ways.join(", "),
                    channels
                        .iter()
                        .map(|c| format!("{} {}", c.method.key(), c.paid))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            ));
        }
    };
    Ok(PayBack {
        tenders,
        other_way: other,
        reason,
    })
}

/// "现金 ¥80.27", "银行卡 ¥100.00（1234/000123）".
pub fn describe(c: &Channel) -> String {
    if c.reference.is_empty() {
        format!("{} {}", c.method.zh(), c.paid)
    } else {
        format!("{} {}（{}）", c.method.zh(), c.paid, c.reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(method: Method, fen: i64, reference: &str) -> Tender {
        Tender {
            method,
            amount: Fen::new(fen).unwrap(),
            tendered: None,
            reference: reference.into(),
        }
    }
    fn i(method: Method, fen: i64, reference: &str) -> TenderInput {
        TenderInput {
            method,
            amount: Fen::new(fen).unwrap(),
            reference: reference.into(),
        }
    }
    fn split(paid: &[Tender], back: &[Tender], amount: i64) -> Vec<(Method, i64)> {
        default_split(&channels(paid, back), Fen::new(amount).unwrap())
            .unwrap()
            .into_iter()
            .map(|t| (t.method, t.amount.get()))
            .collect()
    }

    #[test]
    fn traceable_channels_first_and_cash_last() {
        let paid = [
            t(Method::Cash, 8027, ""),
            t(Method::Card, 10000, "1234/000123"),
            t(Method::Wechat, 9612, "4200001"),
        ];
        assert_eq!(
            split(&paid, &[], 27639),
            vec![(Method::Card, 10000), (Method::Wechat, 9612), (Method::Cash, 8027)]
        );
        assert_eq!(split(&paid, &[], 5000), vec![(Method::Card, 5000)]);
        // An earlier refund took the card; the next one goes on to WeChat, then cash.
        let back = [t(Method::Card, 10000, "1234/000123")];
        assert_eq!(split(&paid, &back, 12000), vec![(Method::Wechat, 9612), (Method::Cash, 2388)]);
        // Money sent back another way before consumes the channels in the same order.
        let elsewhere = [t(Method::Alipay, 15000, "X")];
        assert_eq!(split(&paid, &elsewhere, 12639), vec![(Method::Wechat, 4612), (Method::Cash, 8027)]);
        assert_eq!(
            default_split(&channels(&paid, &elsewhere), Fen::new(12640).unwrap())
                .unwrap_err()
                .code(),
            "refund_no_way_back"
        );
    }

    #[test]
    fn another_way_is_named_and_needs_a_reason() {
        let paid = [t(Method::Cash, 2000, ""), t(Method::Wechat, 3000, "W1")];
        let ch = channels(&paid, &[]);
        // Cash up to the cash taken is the way it came; beyond it is not.
        assert!(other_way(&ch, &[i(Method::Cash, 2000, "")]).is_empty());
        assert_eq!(other_way(&ch, &[i(Method::Cash, 2001, "")]), vec![0]);
        // The same WeChat transaction only.
        assert!(other_way(&ch, &[i(Method::Wechat, 3000, "W1")]).is_empty());
        assert_eq!(other_way(&ch, &[i(Method::Wechat, 3000, "W2")]), vec![0]);
        assert_eq!(other_way(&ch, &[i(Method::Alipay, 1, "A")]), vec![0]);
        // Two tenders on one channel share what is left.
        assert_eq!(other_way(&ch, &[i(Method::Cash, 1500, ""), i(Method::Cash, 600, "")]), vec![1]);
        let refused = plan(&ch, Fen::new(5000).unwrap(), &[i(Method::Cash, 5000, "")], None).unwrap_err();
        assert_eq!(refused.code(), "refund_other_way_needs_reason");
        let p = plan(&ch, Fen::new(5000).unwrap(), &[i(Method::Cash, 5000, "")], Some("微信退款通道关闭")).unwrap();
        assert_eq!((p.other_way, p.reason.as_deref()), (vec![0], Some("微信退款通道关闭")));
        // The way it came needs no reason, and keeps none.
        let p = plan(&ch, Fen::new(5000).unwrap(), &[], Some("多余")).unwrap();
        assert_eq!((p.tenders.len(), p.reason), (2, None));
    }
}
