use downtime_core::Fen;
use proptest::prelude::*;

fn check(text: &str, expected: Option<i64>) {
    assert_eq!(Fen::parse_yuan(text).ok().map(Fen::get), expected, "parsing {text:?}");
}

#[test]
fn parses_yuan_exactly() {
    check("12.50", Some(1250));
    check("12.5", Some(1250));
    check("12", Some(1200));
    check("0.01", Some(1));
    check(".5", Some(50));
    check("1,234.56", Some(123456));
    check("¥200", Some(20000));
    check(" 7.05 ", Some(705));
    check("0", Some(0));
    check("99999999.99", Some(9_999_999_999));
}

#[test]
fn refuses_what_is_not_an_amount() {
    for bad in [
        "",
        "abc",
        "-1",
        "1.234",
        "1e3",
        "12.",
        "1.2.3",
        "100000000",
        "99999999999999999999",
        "+5",
        "１２",
    ] {
        check(bad, None);
    }
}

#[test]
fn too_many_decimals_says_so() {
    let e = Fen::parse_yuan("1.234").unwrap_err();
    assert_eq!(e.code(), "amount_too_precise");
}

#[test]
fn displays_with_grouping_and_two_decimals() {
    for (fen, shown) in [(0, "¥0.00"), (5, "¥0.05"), (123456, "¥1,234.56"), (100_000_000, "¥1,000,000.00")] {
        assert_eq!(Fen::new(fen).unwrap().to_string(), shown);
    }
}

proptest! {
    #[test]
    fn plain_text_round_trips(fen in 0i64..=9_999_999_999) {
        let f = Fen::new(fen).unwrap();
        prop_assert_eq!(Fen::parse_yuan(&f.plain()).unwrap(), f);
        prop_assert_eq!(Fen::parse_yuan(&f.to_string()).unwrap(), f);
    }
}
