//! Receipt PDFs, read back as a person's tools read them: text through `pdftotext`, page
//! count and size through `pdfinfo` (poppler-utils), never by comparing bytes.

use downtime_core::receipt_pdf::{
    bench_render, render, render_deposit_summary, render_queue_slip, specimen, specimen_deposit_summary, specimen_queue_slip, Charges,
    DepositRefund, DepositSummary, Fonts, Layout, ReceiptBody, ReceiptDoc, ReceiptKind, OUTAGE_MARK,
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
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", pdf, &[])
}

/// The text laid out as on the page: a table row stays one line.
pub(crate) fn layout_text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", pdf, &["-layout"])
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
    let size: Vec<f32> = field("Page size:").split_whitespace().filter_map(|t| t.parse().ok()).collect();
    (field("Pages:").parse().unwrap(), size[0], size[1])
}

/// Renders `doc` on `layout` and checks that every one of `expected` is in its text, and
/// none of `absent`.
fn check(doc: &ReceiptDoc, layout: Layout, expected: &[String], absent: &[&str]) -> Vec<u8> {
    let pdf = render(doc, layout).unwrap();
    let text = text_of(&pdf);
    for e in expected {
        assert!(text.contains(e.as_str()), "{layout:?}: {e:?} missing from\n{text}");
    }
    for a in absent {
        assert!(!text.contains(a), "{layout:?}: {a:?} should not be printed:\n{text}");
    }
    pdf
}

fn charges(doc: &mut ReceiptDoc) -> &mut Charges {
    match &mut doc.body {
        ReceiptBody::Outpatient(c) | ReceiptBody::Refund { charges: c, .. } => c,
        _ => panic!("not a charge receipt"),
    }
}

fn deposit_refund(doc: &mut ReceiptDoc) -> &mut DepositRefund {
    match &mut doc.body {
        ReceiptBody::DepositRefund(r) => r,
        _ => panic!("not a deposit refund"),
    }
}

/// Checks that every one of `expected` is in `pdf`'s text, and none of `absent`.
fn check_text(pdf: &[u8], what: &str, expected: &[&str], absent: &[&str]) {
    let text = text_of(pdf);
    for e in expected {
        assert!(text.contains(e), "{what}: {e:?} missing from\n{text}");
    }
    for a in absent {
        assert!(!text.contains(a), "{what}: {a:?} should not be printed:\n{text}");
    }
}

/// Asserts a refusal with `code` whose English message says `says`.
fn refused(result: downtime_core::Result<Vec<u8>>, code: &str, says: &str) {
    let e = result.expect_err("refused");
    assert_eq!(e.code(), code, "{}", e.message(downtime_core::Lang::En));
    let en = e.message(downtime_core::Lang::En);
    assert!(en.contains(says), "{en:?} should say {says:?}");
    assert!(!e.message(downtime_core::Lang::Zh).is_empty());
}

/// What an itemised receipt must show: marker, every line, every subtotal, both totals.
fn itemised(doc: &ReceiptDoc) -> Vec<String> {
    let (ReceiptBody::Outpatient(c) | ReceiptBody::Refund { charges: c, .. }) = &doc.body else {
        unreachable!()
    };
    let mut e = vec![OUTAGE_MARK.to_string(), doc.kind().title().to_string(), doc.receipt_number.clone()];
    e.extend(c.lines.iter().map(|l| l.name.clone()));
    e.extend(c.subtotals.iter().map(|s| format!("{}：{}", s.category, s.amount)));
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
    expected.extend(["贰佰伍拾伍元壹角", "¥255.10", "医保重新结算/换取电脑发票截止日期：2026-12-17"].map(String::from));
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
    assert!(pdf.len() < 60_000, "an A5 receipt is {} bytes, over 60 KB", pdf.len());
}

#[test]
fn the_roll_is_72_mm_wide_and_grows_with_the_lines() {
    let height = |lines| {
        let (pages, w, h) = pages_and_size(&render(&specimen(ReceiptKind::Outpatient, lines), Layout::Roll80).unwrap());
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
            assert!(text.contains('…'), "the over-long name is cut with …: {text}");
            assert!(!text.contains("电解质及血压变化"), "{text}");
        }
    }
}

#[test]
fn refunds_and_deposits() {
    let refund = specimen(ReceiptKind::Refund, 3);
    let mut expected = itemised(&refund);
    expected.extend(["原票据号码：MZ01-00000117", "退费合计（大写）：柒拾伍元整", "退款方式：现金退款"].map(String::from));
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
        // 𠮷 (CJK Extension B) prints with the fallback font; 𰀀 (Extension G) with none.
        ("𠮷野家", vec![]),
        ("𰀀野家", vec!['𰀀']),
        ("𰀀𰀀田\u{E000}", vec!['𰀀', '\u{E000}']),
        ("A-01 ¥12.50 （）·…×", vec![]),
    ] {
        assert_eq!(fonts.missing_chars(text), missing, "{text}");
    }

    let mut doc = specimen(ReceiptKind::Outpatient, 8);
    charges(&mut doc).payer_name = "𰀀田".into();
    let mut item = specimen(ReceiptKind::Outpatient, 8);
    charges(&mut item).lines[3].name = "𰀀林胶囊".into();
    let mut deposit = specimen(ReceiptKind::Deposit, 0);
    if let ReceiptBody::Deposit(d) = &mut deposit.body {
        d.patient_name = "王𰀀".into();
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
            assert!(zh.contains('𰀀') && zh.contains("U+30000") && zh.contains(field_zh), "{zh}");
            assert!(en.contains('𰀀') && en.contains("U+30000") && en.contains(field_en), "{en}");
        }
    }
}

#[test]
fn a_rare_name_prints_with_the_fallback_font_in_both_layouts() {
    let mut doc = specimen(ReceiptKind::Outpatient, 3);
    charges(&mut doc).payer_name = "𠮷田𪚥".into();
    for layout in [Layout::A5, Layout::Roll80] {
        let pdf = render(&doc, layout).unwrap();
        let text = text_of(&pdf);
        assert!(text.contains("𠮷田𪚥"), "{layout:?}: {text}");
        let fonts = poppler("pdffonts", &pdf, &[]);
        assert!(fonts.contains("HanaMinB") && fonts.contains("NotoSansSC"), "{fonts}");
        assert!(pdf.len() < 80_000, "{layout:?}: {} bytes", pdf.len());
        std::fs::write(std::env::temp_dir().join(format!("rare-name-{layout:?}.pdf")), &pdf).unwrap();
    }
    // Without a rare character the fallback is not embedded.
    let plain = render(&specimen(ReceiptKind::Outpatient, 3), Layout::A5).unwrap();
    assert!(!poppler("pdffonts", &plain, &[]).contains("HanaMinB"));
}

#[test]
fn totals_that_do_not_add_up_are_refused() {
    type Spoil = fn(&mut Charges);
    let cases: [(Spoil, &str); 6] = [
        (|c| c.total = Fen::new(c.total.get() + 1).unwrap(), "add up to"),
        (|c| c.subtotals[0].amount = Fen::new(1).unwrap(), "differs from its lines"),
        (|c| c.subtotals.remove(0).category.clear(), "which has no subtotal"),
        (
            |c| c.tenders[0].amount = Fen::new(c.tenders[0].amount.get() + 1).unwrap(),
            "do not equal the total",
        ),
        (|c| c.change = Fen::ZERO, "is not the change"),
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
    assert_eq!(render(&doc, Layout::A5).unwrap_err().code(), "receipt_qr_too_long");
}

#[test]
fn the_benchmark_reports_time_and_size() {
    let (median, p99, bytes) = bench_render(3);
    assert!(median > 0 && p99 >= median);
    assert!(bytes > 10_000 && bytes < 60_000, "{bytes} bytes");
}

#[test]
fn a_deposit_refund_says_what_is_paid_back_how_why_and_what_is_left() {
    let refund = specimen(ReceiptKind::DepositRefund, 0);
    let expected = [
        OUTAGE_MARK,
        "预交金退款凭证",
        "兹退还",
        "王秀英",
        "壹仟元整",
        "¥1,000.00",
        "住院号：ZY-MZ01-T0007",
        "病区/科室：心内科二病区",
        "入院日期：2026-11-26",
        "退款方式：现金 ¥500.00；微信原路退回 ¥500.00",
        "4200001234202611260001",
        "退款原因：预交金多交，患者家属申请部分退还",
        "退款后余额：¥2,000.00（贰仟元整）",
        "经手人：赵敏",
        "审批主管：陈静",
        "领款人签字",
    ];
    for layout in [Layout::A5, Layout::Roll80] {
        let pdf = render(&refund, layout).unwrap();
        check_text(&pdf, &format!("{layout:?}"), &expected, &["兹收到", "COPY", "作废"]);
        assert!(pdf.len() < 60_000, "{layout:?}: {} bytes", pdf.len());
        assert_eq!(pages_and_size(&pdf).0, 1);
    }

    let mut marked = refund.clone();
    (marked.copy, marked.voided) = (true, true);
    for layout in [Layout::A5, Layout::Roll80] {
        let pdf = render(&marked, layout).unwrap();
        check_text(&pdf, &format!("{layout:?}"), &["副本 COPY", "作废", "兹退还"], &[]);
    }
}

#[test]
fn a_deposit_refund_that_does_not_add_up_is_refused() {
    type Spoil = fn(&mut DepositRefund);
    let cases: [(Spoil, &str, &str); 4] = [
        (
            |r| r.methods[1].amount = Fen::new(40_000).unwrap(),
            "receipt_inconsistent",
            "add up to ¥900.00, not the amount refunded ¥1,000.00",
        ),
        (|r| r.methods.clear(), "receipt_inconsistent", "add up to ¥0.00"),
        (
            |r| {
                r.amount = Fen::ZERO;
                r.methods.clear()
            },
            "receipt_inconsistent",
            "zero",
        ),
        (|r| r.supervisor = "陈𰀀".into(), "font_missing_glyph", "supervisor"),
    ];
    for (spoil, code, says) in cases {
        let mut doc = specimen(ReceiptKind::DepositRefund, 0);
        spoil(deposit_refund(&mut doc));
        for layout in [Layout::A5, Layout::Roll80] {
            refused(render(&doc, layout), code, says);
        }
    }
}

#[test]
fn the_deposit_summary_lists_every_movement_and_counts_only_those_not_voided() {
    let summary = specimen_deposit_summary(7);
    // 3000 + 2000 (+ 1000 voided) - 1500 + 500 + 3000 + 2000
    assert_eq!(
        (summary.total_deposited.get(), summary.total_refunded.get(), summary.balance.get()),
        (1_050_000, 150_000, 900_000)
    );
    let mut expected: Vec<String> = [
        OUTAGE_MARK,
        "住院预交金明细汇总",
        "ZY-MZ01-T0007",
        "王秀英",
        "停机号：MZ01-T000052",
        "心内科二病区",
        "入院时间：2026-11-26 09:10",
        "医保患者：停机期间按自费入院，恢复后转医保",
        "-1500.00",
        "作废",
        "¥10,500.00",
        "退款合计：¥1,500.00",
        "余额（大写）：玖仟元整",
        "余额（小写）：¥9,000.00",
        "打印时间：2026-11-28 16:05",
        "打印人：赵敏",
    ]
    .map(String::from)
    .to_vec();
    expected.extend(summary.movements.iter().map(|m| m.receipt_number.clone()));
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    for layout in [Layout::A5, Layout::Roll80] {
        let pdf = render_deposit_summary(&summary, layout).unwrap();
        check_text(&pdf, &format!("{layout:?}"), &expected, &["COPY", "续页"]);
        assert!(pdf.len() < 60_000, "{layout:?}: {} bytes", pdf.len());
        assert_eq!(pages_and_size(&pdf).0, 1);
    }

    let mut self_pay = summary.clone();
    self_pay.convert_to_insured = false;
    self_pay.movements.retain(|m| !m.voided);
    let pdf = render_deposit_summary(&self_pay, Layout::A5).unwrap();
    check_text(&pdf, "self-pay", &["玖仟元整"], &["医保患者", "作废："]);

    let mut empty = summary;
    empty.movements.clear();
    (empty.total_deposited, empty.total_refunded, empty.balance) = (Fen::ZERO, Fen::ZERO, Fen::ZERO);
    let pdf = render_deposit_summary(&empty, Layout::Roll80).unwrap();
    check_text(&pdf, "empty", &["无预交金记录", "零元整"], &[]);
}

#[test]
fn a_long_deposit_summary_continues_on_numbered_a5_pages() {
    let summary = specimen_deposit_summary(40);
    let pdf = render_deposit_summary(&summary, Layout::A5).unwrap();
    assert_eq!(pages_and_size(&pdf).0, 2);
    let last = &summary.movements[39].receipt_number;
    check_text(
        &pdf,
        "A5",
        &[
            "第 1 页 / 共 2 页",
            "第 2 页 / 共 2 页",
            "住院预交金明细汇总（续页）",
            "MZ01-00000118",
            last,
            "余额（小写）：¥32,000.00",
        ],
        &[],
    );
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());

    let roll = render_deposit_summary(&summary, Layout::Roll80).unwrap();
    assert_eq!(pages_and_size(&roll).0, 1);
    check_text(&roll, "roll", &[last, "¥32,000.00"], &["续页"]);
}

#[test]
fn a_deposit_summary_that_does_not_add_up_is_refused() {
    type Spoil = fn(&mut DepositSummary);
    let cases: [(Spoil, &str, &str); 6] = [
        (
            |s| s.total_deposited = Fen::new(s.total_deposited.get() + 1).unwrap(),
            "receipt_inconsistent",
            "deposits total ¥10,500.01 does not match",
        ),
        (|s| s.total_refunded = Fen::ZERO, "receipt_inconsistent", "refunds total ¥0.00"),
        (
            |s| s.balance = Fen::new(1_050_000).unwrap(),
            "receipt_inconsistent",
            "balance total ¥10,500.00",
        ),
        // Counting the voided top-up is the mistake the summary exists to prevent.
        (
            |s| {
                s.total_deposited = Fen::new(1_150_000).unwrap();
                s.balance = Fen::new(1_000_000).unwrap();
            },
            "receipt_inconsistent",
            "those not voided give ¥10,500.00",
        ),
        (
            |s| s.movements[1].kind = "押金".into(),
            "receipt_inconsistent",
            "Movement 2 (MZ01-00000119) is of kind \"押金\"",
        ),
        (|s| s.printed_by = "𰀀田".into(), "font_missing_glyph", "printed by"),
    ];
    for (spoil, code, says) in cases {
        let mut summary = specimen_deposit_summary(7);
        spoil(&mut summary);
        for layout in [Layout::A5, Layout::Roll80] {
            refused(render_deposit_summary(&summary, layout), code, says);
        }
    }
}

/// The words of the PDF with their height in pt, from `pdftotext -bbox`.
fn words(pdf: &[u8]) -> Vec<(String, f32, f32)> {
    let html = poppler("pdftotext", pdf, &["-bbox"]);
    let attr = |w: &str, name: &str| -> f32 {
        let rest = &w[w.find(&format!("{name}=\"")).unwrap() + name.len() + 2..];
        rest[..rest.find('"').unwrap()].parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let text = &w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()];
            let height = attr(w, "yMax") - attr(w, "yMin");
            (text.to_string(), height, attr(w, "xMax"))
        })
        .collect()
}

#[test]
fn the_queue_slip_is_short_and_its_number_reads_across_the_counter() {
    let slip = specimen_queue_slip();
    let pdf = render_queue_slip(&slip).unwrap();
    check_text(
        &pdf,
        "slip",
        &[
            OUTAGE_MARK,
            "门诊候诊条",
            "呼吸内科门诊",
            "27",
            "号别：专家",
            "医生：刘建国（主任医师）",
            "姓名：张伟",
            "停机号：MZ01-T000045",
            "就诊日期：2026-11-26",
            "挂号时间：2026-11-26 09:12",
            "挂号费 ¥11.00 已收 收据 MZ01-000123",
            "请在候诊区等候叫号",
        ],
        &["COPY", "作废"],
    );
    let (pages, w, h) = pages_and_size(&pdf);
    assert_eq!(pages, 1);
    assert!((w - 204.1).abs() < 0.5, "72 mm is 204.1 pt, got {w}");
    let mm = h * 25.4 / 72.0;
    assert!((80.0..=110.0).contains(&mm), "the slip is {mm:.0} mm tall");
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());

    // The number is by far the largest text, the department next, the outage mark small.
    let words = words(&pdf);
    let height = |t: &str| {
        words
            .iter()
            .find(|(w, ..)| w == t)
            .unwrap_or_else(|| panic!("{t} not among {words:?}"))
            .1
    };
    let (number, department, name) = (height("27"), height("呼吸内科门诊"), height("姓名：张伟"));
    assert!(number > 2.5 * department, "number {number} pt, department {department} pt");
    assert!(department > 1.8 * name, "department {department} pt, name {name} pt");
    assert!(height(OUTAGE_MARK) <= name, "the outage mark is small");
}

#[test]
fn a_queue_slip_without_fee_or_doctor_says_nothing_of_them_and_a_long_number_fits() {
    let mut slip = specimen_queue_slip();
    slip.fee = Fen::ZERO;
    slip.doctor = String::new();
    slip.registration_type = "普通".into();
    slip.queue_number = 1_234_567;
    slip.notice = "请在候诊区等候叫号。".into();
    let pdf = render_queue_slip(&slip).unwrap();
    check_text(&pdf, "slip", &["号别：普通", "1234567"], &["挂号费", "待收费", "医生"]);
    let (_, page_w, _) = pages_and_size(&pdf);
    let (_, _, right) = words(&pdf).into_iter().find(|(w, ..)| w == "1234567").unwrap();
    assert!(right < page_w, "the number ends at {right} pt, the page at {page_w} pt");

    for (n, says) in [(0, "Queue number 0 is invalid"), (-3, "Queue number -3")] {
        let mut bad = specimen_queue_slip();
        bad.queue_number = n;
        refused(render_queue_slip(&bad), "receipt_inconsistent", says);
    }
    let mut rare = specimen_queue_slip();
    rare.patient_name = "𰀀田".into();
    refused(render_queue_slip(&rare), "font_missing_glyph", "patient name");
}
