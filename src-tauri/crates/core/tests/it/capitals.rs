//! 大写金额: the canonical form written on receipts, and the forms the parser reads back.

// Amounts are written yuan_fen where it helps: `101_000_00` is 101,000.00 yuan.
#![allow(clippy::inconsistent_digit_grouping)]

use downtime_core::money::MAX_FEN;
use downtime_core::{parse_capitals, Fen};
use proptest::prelude::*;

fn check(fen: i64, capitals: &str) {
    let f = Fen::new(fen).unwrap();
    assert_eq!(f.capitals(), capitals, "writing {fen} fen");
    assert_eq!(parse_capitals(capitals), Some(f), "reading {capitals}");
}

/// Other spellings the rules allow, read as the same amount.
fn check_reads(text: &str, fen: i64) {
    assert_eq!(parse_capitals(text).map(Fen::get), Some(fen), "reading {text:?}");
}

fn check_refused(text: &str) {
    assert_eq!(parse_capitals(text), None, "{text:?} should be refused");
}

#[test]
fn the_examples_of_the_brief() {
    check(0, "零元整");
    check(12345, "壹佰贰拾叁元肆角伍分");
    check(100, "壹元整");
    check(1_000_000, "壹万元整");
    check(10005, "壹佰元零伍分");
    check(100050, "壹仟元零伍角");
    check(10_000_001, "壹拾万元零壹分");
    check(1_000_000_00, "壹佰万元整");
    check(9_999_999_999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
    check(101_000_00, "壹拾万壹仟元整");
    check(1_000_100, "壹万零壹元整");
}

/// The worked examples of 《正确填写票据和结算凭证的基本规定》, in the form written there.
#[test]
fn the_examples_of_the_banking_rules() {
    check(168032, "壹仟陆佰捌拾元零叁角贰分");
    check(140950, "壹仟肆佰零玖元伍角");
    check(600714, "陆仟零柒元壹角肆分");
    check(107_000_53, "壹拾万柒仟元零伍角叁分");
    // … where the rules also allow leaving out the 零 at the 元 digit and the 万 digit.
    check_reads("壹拾万柒仟元伍角叁分", 107_000_53);
    check_reads("壹拾万零柒仟元零伍角叁分", 107_000_53);
}

#[test]
fn below_one_yuan_has_no_yuan_part() {
    check(1, "壹分");
    check(5, "伍分");
    check(10, "壹角");
    check(50, "伍角");
    check(55, "伍角伍分");
    check(99, "玖角玖分");
}

#[test]
fn jiao_and_fen() {
    check(150, "壹元伍角");
    check(105, "壹元零伍分");
    check(155, "壹元伍角伍分");
    check(1050, "壹拾元零伍角");
    check(1005, "壹拾元零伍分");
    check(1055, "壹拾元零伍角伍分");
    check(1150, "壹拾壹元伍角");
    check(2001, "贰拾元零壹分");
    check(123_456_78, "壹拾贰万叁仟肆佰伍拾陆元柒角捌分");
}

#[test]
fn tens_always_carry_their_digit() {
    check(1000, "壹拾元整");
    check(1100, "壹拾壹元整");
    check(100_000_00, "壹拾万元整");
    check(11_000_000_00, "壹仟壹佰万元整");
}

#[test]
fn one_zero_for_each_inner_run() {
    check(10100, "壹佰零壹元整");
    check(100100, "壹仟零壹元整");
    check(101000, "壹仟零壹拾元整");
    check(100_500, "壹仟零伍元整");
    check(1_010_000, "壹万零壹佰元整");
    check(1_001_000, "壹万零壹拾元整");
    check(10_001_000, "壹拾万零壹拾元整");
    check(10_000_000_00 + 500, "壹仟万零伍元整");
    check(10_050_000_00, "壹仟零伍万元整");
    check(10_005_000_00, "壹仟万伍仟元整");
    check(10_100_100_00, "壹仟零壹拾万零壹佰元整");
    check(20_304_050_60, "贰仟零叁拾万肆仟零伍拾元零陆角");
}

#[test]
fn no_zero_where_the_wan_section_closes_before_a_qian() {
    check(11_000_00, "壹万壹仟元整");
    check(101_000_00, "壹拾万壹仟元整");
    check(1_001_000_00, "壹佰万壹仟元整");
    check(10_001_000_00, "壹仟万壹仟元整");
}

#[test]
fn other_spellings_the_rules_allow() {
    check_reads("壹元整", 100);
    check_reads("壹圆整", 100);
    check_reads("壹元正", 100);
    check_reads("壹仟元伍角", 100050);
    check_reads("壹元伍角整", 150);
    check_reads("壹拾万零壹仟元整", 101_000_00);
    check_reads("壹佰万零壹仟元整", 1_001_000_00);
    check_reads("零元伍角", 50);
    check_reads("零元零伍分", 5);
    check_reads("  壹元整 ", 100);
}

#[test]
fn what_is_not_an_amount_in_capitals() {
    for bad in [
        "",
        "整",
        "元整",
        "零",
        "壹元",           // 整 missing after 元
        "拾元整",         // a bare 拾
        "壹元伍分",       // 零 missing before 分
        "壹元伍分整",     // nothing after 分
        "壹元伍角伍分整", // nothing after 分
        "壹佰零贰拾元整", // this 零 stands for no zero
        "壹仟零零壹元整", // two 零 in one run
        "壹仟壹元整",     // zeros skipped without 零
        "壹拾零元整",     // trailing 零
        "零壹元整",       // leading 零
        "壹万壹万元整",   // two 万
        "壹拾零万元整",   // 零 before 万
        "壹佰壹仟元整",   // units out of order
        "壹亿元整",       // over the desk's maximum
        "壹元零角伍分",
        "伍分伍角",
        "一元整", // ordinary numerals are not capitals
        "壹元整 1",
        "零伍分",
    ] {
        check_refused(bad);
    }
}

#[test]
fn every_amount_below_two_thousand_yuan_round_trips() {
    for fen in 0..200_000 {
        let f = Fen::new(fen).unwrap();
        assert_eq!(parse_capitals(&f.capitals()), Some(f), "{fen} fen → {}", f.capitals());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]
    #[test]
    fn capitals_round_trip(fen in 0i64..=MAX_FEN) {
        let f = Fen::new(fen).unwrap();
        prop_assert_eq!(parse_capitals(&f.capitals()), Some(f));
    }

    /// Whole yuan and round 万 are where the zero rules bite: sample them densely.
    #[test]
    fn round_amounts_round_trip(yuan in 0i64..=99_999_999, jiao_fen in prop::sample::select(vec![0i64, 1, 10, 50, 99])) {
        let f = Fen::new(yuan * 100 + jiao_fen).unwrap();
        prop_assert_eq!(parse_capitals(&f.capitals()), Some(f));
        let round = Fen::new(yuan / 1000 * 100_000).unwrap();
        prop_assert_eq!(parse_capitals(&round.capitals()), Some(round));
    }
}
