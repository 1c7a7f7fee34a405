//! Receipt PDFs, read back as a person's tools read them: text through `pdftotext`, page
//! count and size through `pdfinfo` (poppler-utils), never by comparing bytes.

use downtime_core::receipt_pdf::{
    bench_render, render, specimen, Charges, Fonts, Layout, ReceiptBody, ReceiptDoc, ReceiptKind,
    OUTAGE_MARK,
};
use downtime_core::Fen;
use std::process::Command;

/// Runs a poppler tool on the PDF and returns its output; fails clearly when it is missing.
fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-"); // to stdout
    }
    let out = cmd.output();
    let out = out.unwrap_or_else(|e| {
        panic!("`{tool}` is needed to read receipts back ({e}); install poppler-utils (apt-get install poppler-utils)")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", pdf, &[])
}

/// (pages, width pt, height pt) of the first page.
fn pages_and_size(pdf: &[u8]) -> (usize, f32, f32) {
    let info = poppler("pdfinfo", pdf, &[]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {info}"))
            .trim()
            .to_string()
    };
    let size: Vec<f32> = field("Page size:")
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    (field("Pages:").parse().unwrap(), size[0], size[1])
}

/// Renders `doc` on `layout` and checks that every one of `expected` is in its text, and
/// none of `absent`.
fn check(doc: &ReceiptDoc, layout: Layout, expected: &[String], absent: &[&str]) -> Vec<u8> {
    let pdf = render(doc, layout).unwrap();
    let text = text_of(&pdf);
    for e in expected {
        assert!(
            text.contains(e.as_str()),
            "{layout:?}: {e:?} missing from\n{text}"
        );
    }
    for a in absent {
        assert!(
            !text.contains(a),
            "{layout:?}: {a:?} should not be printed:\n{text}"
        );
    }
    pdf
}

fn charges(doc: &mut ReceiptDoc) -> &mut Charges {
    match &mut doc.body {
        ReceiptBody::Outpatient(c) | ReceiptBody::Refund { charges: c, .. } => c,
        ReceiptBody::Deposit(_) => panic!("not a charge receipt"),
    }
}

/// What an itemised receipt must show: marker, every line, every subtotal, both totals.
fn itemised(doc: &ReceiptDoc) -> Vec<String> {
    let (ReceiptBody::Outpatient(c) | ReceiptBody::Refund { charges: c, .. }) = &doc.body else {
        unreachable!()
    };
    let mut e = vec![
        OUTAGE_MARK.to_string(),
        doc.kind().title().to_string(),
        doc.receipt_number.clone(),
    ];
    e.extend(c.lines.iter().map(|l| l.name.clone()));
    e.extend(
        c.subtotals
            .iter()
            .map(|s| format!("{}：{}", s.category, s.amount)),
    );
    e.push(c.total.capitals());
    e.push(c.total.to_string());
    e.push(c.payer_name.clone());
    e.push(c.cashier.clone());
    e
}

#[test]
fn an_eight_line_receipt_shows_every_line_in_both_layouts() {
    let doc = specimen(ReceiptKind::Outpatient, 8);
    let mut expected = itemised(&doc);
    expected.extend(
        [
            "贰佰伍拾伍元壹角",
            "¥255.10",
            "医保重新结算/换取电脑发票截止日期：2026-12-17",
        ]
        .map(String::from),
    );
    for layout in [Layout::A5, Layout::Roll80] {
        check(&doc, layout, &expected, &["COPY", "副本", "作废"]);
    }
}

#[test]
fn copies_and_voided_receipts_say_so() {
    let mut doc = specimen(ReceiptKind::Outpatient, 8);
    doc.copy = true;
    doc.voided = true;
    let mut expected = itemised(&doc);
    expected.extend(["副本 COPY", "作废"].map(String::from));
    for layout in [Layout::A5, Layout::Roll80] {
        check(&doc, layout, &expected, &[]);
    }
    doc.voided = false;
    check(&doc, Layout::A5, &["副本 COPY".to_string()], &["作废"]);

    let mut deposit = specimen(ReceiptKind::Deposit, 0);
    deposit.voided = true;
    for layout in [Layout::A5, Layout::Roll80] {
        let expected = ["作废", "兹收到", "叁仟元整"].map(String::from);
        check(&deposit, layout, &expected, &["COPY"]);
    }
}

#[test]
fn a5_is_a5_and_small() {
    let pdf = render(&specimen(ReceiptKind::Outpatient, 8), Layout::A5).unwrap();
    let (pages, w, h) = pages_and_size(&pdf);
    assert_eq!(pages, 1);
    assert!(
        (w - 419.5).abs() < 1.0 && (h - 595.3).abs() < 1.0,
        "A5 is 148 × 210 mm, got {w} × {h} pt"
    );
    assert!(
        pdf.len() < 60_000,
        "an A5 receipt is {} bytes, over 60 KB",
        pdf.len()
    );
}

#[test]
fn the_roll_is_72_mm_wide_and_grows_with_the_lines() {
    let height = |lines| {
        let (pages, w, h) = pages_and_size(
            &render(&specimen(ReceiptKind::Outpatient, lines), Layout::Roll80).unwrap(),
        );
        assert_eq!(pages, 1);
        assert!((w - 204.1).abs() < 0.5, "72 mm is 204.1 pt, got {w}");
        h
    };
    let (short, long) = (height(2), height(30));
    assert!(
        long > short + 200.0,
        "30 lines ({long} pt) should be much taller than 2 ({short} pt)"
    );
}

#[test]
fn a_long_receipt_continues_on_numbered_a5_pages() {
    let doc = specimen(ReceiptKind::Outpatient, 45);
    let mut expected = itemised(&doc);
    expected.extend(["第 1 页 / 共 2 页", "第 2 页 / 共 2 页", "（续页）", "45"].map(String::from));
    let pdf = check(&doc, Layout::A5, &expected, &[]);
    assert_eq!(pages_and_size(&pdf).0, 2);
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
}

#[test]
fn long_names_wrap_within_their_column_and_are_cut_after_three_lines() {
    let mut doc = specimen(ReceiptKind::Outpatient, 2);
    let fits = "注射用头孢哌酮钠舒巴坦钠（舒普深）";
    let too_long = "复方甘草酸苷注射液配伍葡萄糖氯化钠注射液静脉滴注每日一次连续七日并监测肝功能电解质及血压变化";
    let c = charges(&mut doc);
    c.lines[0].name = fits.into();
    c.lines[1].name = too_long.into();
    for layout in [Layout::A5, Layout::Roll80] {
        let text = text_of(&render(&doc, layout).unwrap()).replace('\n', "");
        assert!(
            text.contains("注射用头孢哌酮钠") && text.contains("（舒普深）"),
            "{layout:?}: {text}"
        );
        assert!(text.contains("复方甘草酸苷注射液"), "{layout:?}: {text}");
        if layout == Layout::A5 {
            assert!(
                text.contains('…'),
                "the over-long name is cut with …: {text}"
            );
            assert!(!text.contains("电解质及血压变化"), "{text}");
        }
    }
}

#[test]
fn refunds_and_deposits() {
    let refund = specimen(ReceiptKind::Refund, 3);
    let mut expected = itemised(&refund);
    expected.extend(
        [
            "原票据号码：MZ01-00000117",
            "退费合计（大写）：柒拾伍元整",
            "退款方式：现金退款",
        ]
        .map(String::from),
    );
    for layout in [Layout::A5, Layout::Roll80] {
        check(&refund, layout, &expected, &["医保重新结算"]);
    }

    let mut deposit = specimen(ReceiptKind::Deposit, 0);
    deposit.copy = true;
    let expected = [
        OUTAGE_MARK,
        "住院病人预交金收据",
        "兹收到",
        "王秀英",
        "叁仟元整",
        "¥3,000.00",
        "住院号：ZY-MZ01-T0007",
        "病区/科室：心内科二病区",
        "入院日期：2026-11-26",
        "交款方式：支票",
        "中国工商银行城西支行",
        "10203040 55667788",
        "经手人：赵敏",
        "副本 COPY",
    ]
    .map(String::from);
    for layout in [Layout::A5, Layout::Roll80] {
        check(&deposit, layout, &expected, &["作废"]);
    }
}

#[test]
fn a_character_the_font_lacks_is_refused_not_printed_as_a_box() {
    let fonts = Fonts::get();
    for (text, missing) in [
        ("张伟", vec![]),
        ("𠮷野家", vec!['𠮷']),
        ("𠮷𠮷田\u{E000}", vec!['𠮷', '\u{E000}']),
        ("A-01 ¥12.50 （）·…×", vec![]),
    ] {
        assert_eq!(fonts.missing_chars(text), missing, "{text}");
    }

    let mut doc = specimen(ReceiptKind::Outpatient, 8);
    charges(&mut doc).payer_name = "𠮷田".into();
    let mut item = specimen(ReceiptKind::Outpatient, 8);
    charges(&mut item).lines[3].name = "𠮷林胶囊".into();
    let mut deposit = specimen(ReceiptKind::Deposit, 0);
    if let ReceiptBody::Deposit(d) = &mut deposit.body {
        d.patient_name = "王𠮷".into();
    }
    for (doc, field_zh, field_en) in [
        (doc, "交款人", "payer name"),
        (item, "项目名称", "item name"),
        (deposit, "姓名", "patient name"),
    ] {
        for layout in [Layout::A5, Layout::Roll80] {
            let e = render(&doc, layout).unwrap_err();
            assert_eq!(e.code(), "font_missing_glyph");
            let zh = e.message(downtime_core::Lang::Zh);
            let en = e.message(downtime_core::Lang::En);
            assert!(
                zh.contains('𠮷') && zh.contains("U+20BB7") && zh.contains(field_zh),
                "{zh}"
            );
            assert!(
                en.contains('𠮷') && en.contains("U+20BB7") && en.contains(field_en),
                "{en}"
            );
        }
    }
}

#[test]
fn totals_that_do_not_add_up_are_refused() {
    type Spoil = fn(&mut Charges);
    let cases: [(Spoil, &str); 5] = [
        (
            |c| c.total = Fen::new(c.total.get() + 1).unwrap(),
            "add up to",
        ),
        (
            |c| c.subtotals[0].amount = Fen::new(1).unwrap(),
            "differs from its lines",
        ),
        (
            |c| c.subtotals.remove(0).category.clear(),
            "which has no subtotal",
        ),
        (|c| c.change = Fen::ZERO, "do not equal the total"),
        (|c| c.lines.clear(), "no item lines"),
    ];
    for (spoil, says) in cases {
        let mut doc = specimen(ReceiptKind::Outpatient, 8);
        spoil(charges(&mut doc));
        let e = render(&doc, Layout::A5).unwrap_err();
        assert_eq!(e.code(), "receipt_inconsistent");
        assert!(
            e.message(downtime_core::Lang::En).contains(says),
            "{}",
            e.message(downtime_core::Lang::En)
        );
        assert!(!e.message(downtime_core::Lang::Zh).is_empty());
    }
}

#[test]
fn line_breaks_in_typed_text_print_as_spaces() {
    let mut doc = specimen(ReceiptKind::Outpatient, 8);
    charges(&mut doc).lines[0].name = "诊查费\n（急诊）".into();
    check(&doc, Layout::A5, &["诊查费 （急诊）".to_string()], &[]);
}

#[test]
fn a_qr_payload_too_long_is_refused() {
    let mut doc = specimen(ReceiptKind::Outpatient, 8);
    doc.qr_payload = "x".repeat(4000);
    assert_eq!(
        render(&doc, Layout::A5).unwrap_err().code(),
        "receipt_qr_too_long"
    );
}

#[test]
fn the_benchmark_reports_time_and_size() {
    let (median, p99, bytes) = bench_render(3);
    assert!(median > 0 && p99 >= median);
    assert!(bytes > 10_000 && bytes < 60_000, "{bytes} bytes");
}
