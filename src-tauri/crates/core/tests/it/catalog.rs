use crate::{raw, Fixture};
use chrono::Duration;
use downtime_core::catalog::category::FeeCategory;
use downtime_core::catalog::read::Field;
use downtime_core::catalog::{ImportOptions, ImportReport};

const HEADER: &str = "编码,名称,规格,单位,单价,费用类别\r\n";

fn opts() -> ImportOptions {
    ImportOptions {
        month: Some("2026-11".into()),
        ..Default::default()
    }
}

fn preview(f: &Fixture, bytes: &[u8]) -> ImportReport {
    f.desk.catalog_preview(bytes, "价目表.csv", &opts()).unwrap()
}

fn import(f: &mut Fixture, bytes: &[u8], accept: bool) -> Result<ImportReport, downtime_core::CoreError> {
    let admin = f.admin.clone();
    f.desk.catalog_import(&admin, bytes, "价目表.csv", &opts(), accept, &mut |_, _| {})
}

/// The reasons given for bad rows, as (row, reason).
fn problems(r: &ImportReport) -> Vec<(u64, String)> {
    r.problems.iter().map(|p| (p.row, p.reason.clone())).collect()
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

#[test]
fn reads_every_encoding_and_delimiter() {
    let f = Fixture::new();
    let body = "Y001,阿莫西林胶囊,0.25g×24粒,盒,12.5000,西药费\r\nL001,血常规,,项,20,化验费\r\n";
    let utf8 = format!("{HEADER}{body}");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("utf-8 with BOM", [b"\xEF\xBB\xBF".as_slice(), utf8.as_bytes()].concat(), "utf-8"),
        ("utf-8", utf8.clone().into_bytes(), "utf-8"),
        ("gbk", gbk(&utf8), "gb18030"),
        (
            "tab separated, LF",
            utf8.replace(',', "\t").replace("\r\n", "\n").into_bytes(),
            "utf-8",
        ),
        ("semicolons", utf8.replace(',', ";").into_bytes(), "utf-8"),
    ];
    for (what, bytes, encoding) in cases {
        let r = preview(&f, &bytes);
        assert_eq!((r.good, r.problems.len(), r.encoding), (2, 0, encoding), "{what}");
    }
}

#[test]
fn forced_encoding_is_obeyed_and_checked() {
    let f = Fixture::new();
    let bytes = gbk(&format!("{HEADER}Y001,阿莫西林胶囊,,盒,1,西药费\r\n"));
    let mut o = opts();
    o.read.encoding = Some("gbk".into());
    assert_eq!(f.desk.catalog_preview(&bytes, "a.csv", &o).unwrap().good, 1);
    o.read.encoding = Some("utf8".into());
    assert_eq!(
        f.desk.catalog_preview(&bytes, "a.csv", &o).unwrap_err().code(),
        "catalog_not_a_price_list"
    );
    o.read.encoding = Some("latin9".into());
    assert_eq!(
        f.desk.catalog_preview(&bytes, "a.csv", &o).unwrap_err().code(),
        "catalog_encoding_unknown"
    );
}

#[test]
fn quoting_and_stray_spaces() {
    let mut f = Fixture::new();
    let csv =
        format!("{HEADER}  Y002 ,\"复方甘草片,含\"\"阿片\"\"\",\"100片\",瓶 , 8.5 , 西药费 \r\nT001,\"换药(小)\",,次,\"12.00\",治疗费\r\n");
    let r = import(&mut f, csv.as_bytes(), false).unwrap();
    assert_eq!(r.good, 2);
    let item = f.desk.catalog_search("Y002", 1).unwrap().remove(0);
    assert_eq!(item.name, "复方甘草片,含\"阿片\"");
    assert_eq!(item.unit, "瓶");
    assert_eq!(item.price.yuan_text(), "8.50");
}

#[test]
fn headers_in_any_order_chinese_or_english_after_a_title_line() {
    let f = Fixture::new();
    for csv in [
        "2026年11月 药品及诊疗项目价格表\r\n零售价,药品名称,药品编码,收费类别,规格,单位,拼音码\r\n0.0125,维生素C片,Y9,西药,100mg,片,WSSCP\r\n",
        "name,code,unit_price,category,unit\r\nVitamin C,Y9,0.0125,western_medicine,片\r\n",
        "项目编码,项目名称,价格,类别,助记码,五笔码,医保类别,是否药品\r\nY9,维生素C片,0.0125,西药费,WSSCP,XTGJ,甲,是\r\n",
    ] {
        let r = preview(&f, csv.as_bytes());
        assert_eq!((r.good, r.problems.len()), (1, 0), "{csv}");
    }
}

#[test]
fn a_mapping_covers_other_header_names() {
    let f = Fixture::new();
    let csv = "收费代码,项目,标准价,归类\r\nA1,诊查费,10,诊察费\r\n";
    assert_eq!(
        f.desk.catalog_preview(csv.as_bytes(), "a.csv", &opts()).unwrap_err().code(),
        "catalog_not_a_price_list"
    );
    let mut o = opts();
    o.read.map = vec![
        ("收费代码".into(), Field::Code),
        ("项目".into(), Field::Name),
        ("标准价".into(), Field::Price),
        ("归类".into(), Field::Category),
    ];
    assert_eq!(f.desk.catalog_preview(csv.as_bytes(), "a.csv", &o).unwrap().good, 1);
}

#[test]
fn four_decimal_prices_are_exact() {
    let mut f = Fixture::new();
    let csv =
        format!("{HEADER}Y1,维生素C片,100mg,片,0.0125,西药费\r\nC1,黄芪,统货,克,0.068,中药饮片\r\nE1,CT平扫(头颅),,次,150,检查费\r\n");
    import(&mut f, csv.as_bytes(), false).unwrap();
    for (q, e4, text) in [("Y1", 125, "0.0125"), ("C1", 680, "0.068"), ("E1", 1_500_000, "150.00")] {
        let item = f.desk.catalog_search(q, 1).unwrap().remove(0);
        assert_eq!((item.price.e4(), item.price.yuan_text().as_str()), (e4, text), "{q}");
    }
}

#[test]
fn each_bad_row_is_reported_with_its_number_and_reason() {
    let f = Fixture::new();
    let csv = format!(
        "{HEADER}\
         Y1,阿莫西林胶囊,,盒,12.5,西药费\r\n\
         ,无编码,,盒,1,西药费\r\n\
         Y3,,,盒,1,西药费\r\n\
         Y4,价格错,,盒,十二,西药费\r\n\
         Y5,负价,,盒,-3,西药费\r\n\
         Y6,太精确,,盒,0.00125,西药费\r\n\
         Y1,阿莫西林胶囊,,盒,13,西药费\r\n\
         Y8,麻醉,,次,100,麻醉费\r\n\
         Y9,无类别,,次,100,\r\n\
         Y10,无价格,,次,,检查费\r\n\
         Y1,阿莫西林胶囊,,盒,12.50,西药费\r\n"
    );
    let r = preview(&f, csv.as_bytes());
    assert_eq!(r.good, 1);
    assert_eq!(r.duplicates, 1, "an identical repeat is skipped, not an error");
    assert_eq!(
        problems(&r),
        vec![
            (3, "缺少编码".to_string()),
            (4, "缺少名称".to_string()),
            (5, "单价无法识别（十二）".to_string()),
            (6, "单价为负数（-3）".to_string()),
            (7, "单价超过 4 位小数（0.00125）".to_string()),
            (8, "编码 Y1 与第 2 行重复，但名称或单价不同".to_string()),
            (9, "未知的费用类别“麻醉费”".to_string()),
            (10, "缺少费用类别".to_string()),
            (11, "缺少单价".to_string()),
        ]
    );
}

#[test]
fn bad_rows_import_nothing_unless_the_good_ones_are_chosen() {
    let mut f = Fixture::new();
    let csv = format!("{HEADER}Y1,阿莫西林胶囊,,盒,12.5,西药费\r\nY2,坏,,盒,abc,西药费\r\n");
    let before = f.entries();
    assert_eq!(import(&mut f, csv.as_bytes(), false).unwrap_err().code(), "catalog_has_bad_rows");
    assert_eq!(f.entries(), before);
    assert!(f.desk.active_catalog().unwrap().is_none());
    let r = import(&mut f, csv.as_bytes(), true).unwrap();
    let v = r.version.unwrap();
    assert_eq!((v.items, v.rejected), (1, 1));
}

#[test]
fn what_is_not_a_catalog_gets_one_clear_message() {
    let f = Fixture::new();
    let binary: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
    for (what, bytes) in [
        ("empty", b"".to_vec()),
        ("blank", b"  \r\n \r\n".to_vec()),
        ("binary", binary),
        ("no header", "a,b,c\r\n1,2,3\r\n".as_bytes().to_vec()),
        ("header only", HEADER.as_bytes().to_vec()),
        ("no category", "编码,名称,单价\r\nA,B,1\r\n".as_bytes().to_vec()),
        ("zip that is no workbook", b"PK\x03\x04garbage".to_vec()),
    ] {
        let e = f.desk.catalog_preview(&bytes, "x.csv", &opts()).unwrap_err();
        assert_eq!(e.code(), "catalog_not_a_price_list", "{what}");
        assert!(e.to_string().starts_with("这不是可导入的价目表"), "{what}: {e}");
    }
}

#[test]
fn the_same_file_twice_creates_nothing_new() {
    let mut f = Fixture::new();
    let csv = format!("{HEADER}Y1,阿莫西林胶囊,,盒,12.5,西药费\r\n");
    let first = import(&mut f, csv.as_bytes(), false).unwrap();
    assert!(!first.already_imported);
    let before = f.entries();
    let again = import(&mut f, csv.as_bytes(), false).unwrap();
    assert!(again.already_imported);
    assert_eq!(again.version.unwrap().id, first.version.unwrap().id);
    assert_eq!(f.entries(), before);
    assert_eq!(f.desk.catalog_versions().unwrap().len(), 1);
}

#[test]
fn a_new_month_is_a_new_version_and_old_ones_stay_readable() {
    let mut f = Fixture::new();
    import(&mut f, format!("{HEADER}Y1,阿莫西林胶囊,,盒,12.5,西药费\r\n").as_bytes(), false).unwrap();
    let old = f.desk.active_catalog().unwrap().unwrap();
    let admin = f.admin.clone();
    let o = ImportOptions {
        month: Some("2026-12".into()),
        ..Default::default()
    };
    f.desk
        .catalog_import(
            &admin,
            format!("{HEADER}Y1,阿莫西林胶囊,,盒,13,西药费\r\n").as_bytes(),
            "b.csv",
            &o,
            false,
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(f.desk.catalog_search("Y1", 1).unwrap()[0].price.yuan_text(), "13.00");
    assert_eq!(f.desk.catalog_item(old.id, "Y1").unwrap().unwrap().price.yuan_text(), "12.50");
    assert_eq!(f.desk.catalog_versions().unwrap().len(), 2);
}

#[test]
fn the_month_comes_from_the_option_the_file_name_or_today() {
    let f = Fixture::new();
    let csv = format!("{HEADER}Y1,阿莫西林胶囊,,盒,12.5,西药费\r\n");
    let month = |name: &str, opt: Option<&str>| {
        let o = ImportOptions {
            month: opt.map(String::from),
            ..Default::default()
        };
        f.desk.catalog_preview(csv.as_bytes(), name, &o).map(|r| r.month)
    };
    assert_eq!(month("价目表2026-10.csv", None).unwrap(), "2026-10");
    assert_eq!(month("price_202609.csv", None).unwrap(), "2026-09");
    assert_eq!(month("2026年8月价目表.csv", None).unwrap(), "2026-08");
    assert_eq!(month("list.csv", None).unwrap(), "2026-11");
    assert_eq!(month("list.csv", Some("2025-12")).unwrap(), "2025-12");
    assert_eq!(month("list.csv", Some("2025-13")).unwrap_err().code(), "catalog_month_invalid");
}

#[test]
fn an_old_catalog_is_stale_and_none_blocks_charging() {
    let mut f = Fixture::new();
    assert_eq!(f.desk.require_catalog().unwrap_err().code(), "catalog_missing");
    assert!(f
        .desk
        .require_catalog()
        .unwrap_err()
        .to_string()
        .contains("downtime catalog import"));
    import(&mut f, format!("{HEADER}Y1,阿莫西林胶囊,,盒,12.5,西药费\r\n").as_bytes(), false).unwrap();
    assert!(!f.desk.catalog_status().unwrap().stale);
    f.advance(Duration::days(36));
    assert!(f.desk.catalog_status().unwrap().stale);
}

#[test]
fn excel_workbooks_first_or_named_sheet() {
    let f = Fixture::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write_string(0, 0, "本表为 11 月价目表").unwrap();
    let sheet = wb.add_worksheet();
    sheet.set_name("价目表").unwrap();
    for (c, h) in ["编码", "名称", "规格", "单位", "单价", "费用类别"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "Y1").unwrap();
    sheet.write_string(1, 1, "维生素C片").unwrap();
    sheet.write_string(1, 3, "片").unwrap();
    sheet.write_number(1, 4, 0.0125).unwrap();
    sheet.write_string(1, 5, "西药费").unwrap();
    sheet.write_number(2, 0, 1002.0).unwrap();
    sheet.write_string(2, 1, "血常规").unwrap();
    sheet.write_number(2, 4, 20.5).unwrap();
    sheet.write_string(2, 5, "化验费").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut o = opts();
    assert_eq!(
        f.desk.catalog_preview(&bytes, "价目表.xlsx", &o).unwrap_err().code(),
        "catalog_not_a_price_list"
    );
    o.read.sheet = Some("价目表".into());
    let r = f.desk.catalog_preview(&bytes, "价目表.xlsx", &o).unwrap();
    assert_eq!((r.good, r.problems.len(), r.format), (2, 0, "xlsx"));
    o.read.sheet = Some("无此表".into());
    assert_eq!(
        f.desk.catalog_preview(&bytes, "价目表.xlsx", &o).unwrap_err().code(),
        "catalog_sheet_missing"
    );
}

#[test]
fn search_ranks_code_then_initials_then_name() {
    let mut f = Fixture::new();
    let csv = format!(
        "{HEADER}ZCF1,其他项目,,次,1,其他\r\nF1,诊查费,,次,10,诊察费\r\nF2,诊查费(住院),,日,12,诊察费\r\nX1,重组人胰岛素注射液,,支,50,西药费\r\nL1,血常规,,项,20,化验费\r\nL2,血常规+CRP,,项,35,化验费\r\n"
    );
    import(&mut f, csv.as_bytes(), false).unwrap();
    let mut codes = |q: &str| {
        f.desk
            .catalog_search(q, 20)
            .unwrap()
            .into_iter()
            .map(|i| i.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(codes("zcf"), ["ZCF1", "F1", "F2"], "code prefix first, then initials");
    assert_eq!(codes("ZCF"), ["ZCF1", "F1", "F2"], "case-insensitive");
    assert_eq!(codes("f1"), ["F1"]);
    assert_eq!(codes("czr"), ["X1"], "重 read as chong");
    assert_eq!(codes("zzr"), ["X1"], "重 read as zhong");
    assert_eq!(codes("常规"), ["L1", "L2"]);
    assert_eq!(codes("胰岛素"), ["X1"]);
    assert_eq!(codes("CRP"), ["L2"]);
    assert!(codes("不存在").is_empty());
    assert!(codes("  ").is_empty());
}

#[test]
fn the_sample_price_list_looks_like_a_real_one_in_two_parts() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let reports = f.desk.import_sample_catalog(&admin, &mut |_, _| {}).unwrap();
    let parts: Vec<(&str, usize, usize)> = reports.iter().map(|r| (r.change.part.as_str(), r.good, r.problems.len())).collect();
    assert_eq!(
        parts,
        [("医疗服务项目", 115, 0), ("药品", 110, 0)],
        "the drugs are a part of their own"
    );
    assert!(reports[1].change.replaces.is_empty(), "importing the drugs keeps the services");
    let price = |f: &mut Fixture, code: &str| {
        let i = f.desk.active_catalog_item(code).unwrap().unwrap();
        (i.name, i.price.yuan_text())
    };
    for (code, name, yuan) in [
        ("110200001", "挂号费", "1.00"),
        ("110200002", "门诊诊查费(普通)", "10.00"),
        ("250101015", "血细胞分析(五分类)", "20.00"),
        ("310701001", "常规心电图检查", "25.00"),
        ("250301001", "血清葡萄糖测定", "5.00"),
        ("YP000107", "阿莫西林胶囊", "12.50"),
        ("ZY000304", "黄芪", "0.12"),
    ] {
        assert_eq!(price(&mut f, code), (name.to_string(), yuan.to_string()), "{code}");
    }
    // One blood glucose test, one ECG; cashiers find common items by their usual codes.
    let glucose: Vec<String> = f
        .desk
        .catalog_search("葡萄糖测定", 20)
        .unwrap()
        .into_iter()
        .map(|i| i.code)
        .collect();
    assert_eq!(glucose, ["250301001"]);
    assert_eq!(f.desk.catalog_search("xcg", 1).unwrap()[0].code, "250101015");
    assert_eq!(f.desk.catalog_search("zcf", 1).unwrap()[0].code, "110200002");
    // Sensible prices per category: no examination over ¥500, no test over ¥200, herbs per gram.
    let all: Vec<_> = downtime_core::catalog::sample::PARTS
        .iter()
        .flat_map(|(_, name, bytes)| downtime_core::catalog::read::read(bytes, name, &Default::default()).unwrap().items)
        .collect();
    assert_eq!(all.len(), 225);
    for i in &all {
        let yuan = i.price.e4() / 10_000;
        match i.category {
            FeeCategory::Examination => assert!(yuan <= 500, "{} {}", i.name, i.price),
            FeeCategory::Laboratory => assert!(yuan <= 200, "{} {}", i.name, i.price),
            FeeCategory::HerbalPieces => assert!(i.unit == "克" && yuan <= 20, "{} {}", i.name, i.price),
            _ => {}
        }
    }
    // The registration types a new station starts with name codes of this list.
    for t in f.desk.reg_types().unwrap() {
        let fees = f.desk.reg_type_fees(&t).unwrap();
        assert!(fees.missing().is_empty(), "{} lacks {:?}", t.name, fees.missing());
    }
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn verify_catches_an_altered_catalog_item() {
    let mut f = Fixture::new();
    import(&mut f, format!("{HEADER}Y1,阿莫西林胶囊,,盒,12.5,西药费\r\n").as_bytes(), false).unwrap();
    assert_eq!(f.desk.verify().unwrap().problem, None);
    raw(&f.db_path())
        .execute_batch("DROP TRIGGER catalog_item_no_update; UPDATE catalog_item SET unit_price_e4 = 1")
        .unwrap();
    let p = f.desk.verify().unwrap().problem.unwrap();
    assert!(p.zh.contains("价目表"), "{}", p.zh);
}

/// Limits at the door of every table reader (#17): a line, a row count, a column count, and a
/// workbook cell far out in the sheet are refused with one sentence before they cost memory,
/// in the price list (read whole) and in the HIS index (streamed); nothing is written.
#[test]
fn tables_beyond_the_limits_are_refused_in_one_sentence() {
    use downtime_core::catalog::read::{MAX_COLUMNS, MAX_LINE_BYTES, MAX_ROWS};
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let before = f.entries();
    let tried = std::cell::Cell::new(0);
    let check = |f: &mut Fixture, bytes: &[u8], name: &str, code: &str| {
        let e = f.desk.catalog_preview(bytes, name, &opts()).unwrap_err();
        assert_eq!(e.code(), code, "price list {name}: {e}");
        assert!(!e.to_string().contains('\n'), "one sentence: {e}");
        if name.ends_with(".csv") {
            let his = String::from_utf8_lossy(bytes).replacen(
                "编码,名称,规格,单位,单价,费用类别",
                "HIS号,姓名,性别,出生日期,身份证号,联系电话",
                1,
            );
            let e = f
                .desk
                .import_patient_snapshot(&admin, his.as_bytes(), name, true, false)
                .unwrap_err();
            assert_eq!(e.code(), code, "HIS index {name}: {e}");
        }
        tried.set(tried.get() + 1);
    };
    // One line longer than a row could be (the 50 MB one-line file, in small).
    let long = format!("{HEADER}X1,{},,次,1,治疗费\r\n", "甲".repeat(MAX_LINE_BYTES / 3 + 1));
    check(&mut f, long.as_bytes(), "long.csv", "import_line_too_long");
    let no_break = format!("编码,名称,{}", "x".repeat(MAX_LINE_BYTES + 1));
    check(&mut f, no_break.as_bytes(), "oneline.csv", "import_line_too_long");
    // Too many columns.
    let wide = format!("{HEADER}X1,项目,,次,1,治疗费{}\r\n", ",".repeat(MAX_COLUMNS));
    check(&mut f, wide.as_bytes(), "wide.csv", "import_too_many_columns");
    // Too many rows (the price list is read whole; the HIS index streams without a row limit).
    let mut many = String::from(HEADER);
    many.push_str(&"x\n".repeat(MAX_ROWS));
    let e = f.desk.catalog_preview(many.as_bytes(), "many.csv", &opts()).unwrap_err();
    assert_eq!(e.code(), "import_too_many_rows", "{e}");
    tried.set(tried.get() + 1);
    // A workbook with one cell at the far corner of the sheet (XFD1048576): before, the reader
    // made a rectangle of 17 billion cells; now the column is refused as it is met.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["编码", "名称", "规格", "单位", "单价", "费用类别"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "远").unwrap();
    let far = wb.save_to_buffer().unwrap();
    check(&mut f, &far, "far.xlsx", "import_too_many_columns");
    // A workbook within the limits still reads, its rows numbered as Excel shows them.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["编码", "名称", "规格", "单位", "单价", "费用类别"].iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (c, v) in ["X1", "换药", "", "次", "12", "治疗费"].iter().enumerate() {
        sheet.write_string(5, c as u16, *v).unwrap();
    }
    let ok = wb.save_to_buffer().unwrap();
    let r = f.desk.catalog_preview(&ok, "ok.xlsx", &opts()).unwrap();
    assert_eq!((r.good, r.problems.len()), (1, 0), "{:?}", r.problems);
    assert_eq!(f.entries(), before, "nothing written");
    println!("oversized tables refused: {}", tried.get());
}

/// A price list read from its path is checked row by row as it is read, its good items staged
/// in the file's temporary storage (issue 19): it finds what the check of the whole table in
/// memory finds (repeats exact and conflicting, a repeat of a bad row, bad rows), in the same
/// order, and imports the same items, whose digest `verify` then proves.
#[test]
fn a_list_checked_as_it_is_read_finds_what_the_whole_table_check_finds() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let mut csv = downtime_core::catalog::synth::price_list_csv(400, 11);
    let lines: Vec<String> = csv.lines().skip(1).take(3).map(String::from).collect();
    // Row 402 repeats row 2 exactly; 403 repeats row 3 with another price; 404 has a bad price
    // and 405 repeats its code (404 was never a good row: 405 is good); 406 repeats 402's code.
    let cells = |l: &str| l.split(',').map(String::from).collect::<Vec<_>>();
    let mut other_price = cells(&lines[1]);
    other_price[4] = "999.5".into();
    let mut bad = cells(&lines[2]);
    bad[0] = "NEW-1".into();
    bad[4] = "abc".into();
    let mut after_bad = bad.clone();
    after_bad[4] = "1.5".into();
    for row in [
        lines[0].clone(),
        other_price.join(","),
        bad.join(","),
        after_bad.join(","),
        lines[0].clone(),
    ] {
        csv.push_str(&row);
        csv.push_str("\r\n");
    }
    let path = f.dir.path().join("价目表.csv");
    std::fs::write(&path, &csv).unwrap();
    let whole = downtime_core::catalog::read::read(csv.as_bytes(), "价目表.csv", &Default::default()).unwrap();
    let input = downtime_core::catalog::stream::Input::Path(&path);
    let streamed = f.desk.catalog_preview_from(input, "价目表.csv", &opts()).unwrap();
    assert_eq!(
        (streamed.rows_read, streamed.good, streamed.duplicates, &streamed.problems),
        (whole.rows_read, whole.items.len(), whole.duplicates, &whole.problems)
    );
    assert_eq!(streamed.duplicates, 2);
    assert_eq!(
        problems(&streamed).iter().map(|(row, _)| *row).collect::<Vec<_>>(),
        vec![403, 404],
        "{:?}",
        problems(&streamed)
    );
    assert!(problems(&streamed)[0].1.contains("与第 3 行重复"), "{:?}", problems(&streamed));
    let by_category: usize = streamed.by_category.iter().map(|(_, n)| n).sum();
    assert_eq!(by_category, whole.items.len());
    let entries = f.entries();
    let refused = f
        .desk
        .catalog_import_from(&admin, input, "价目表.csv", &opts(), false, &mut |_, _| {})
        .unwrap_err();
    assert!(refused.to_string().contains("2 行有问题"), "{refused}");
    assert_eq!(f.entries(), entries, "a refusal writes nothing");
    let imported = f
        .desk
        .catalog_import_from(&admin, input, "价目表.csv", &opts(), true, &mut |_, _| {})
        .unwrap();
    assert_eq!(imported.good, whole.items.len());
    let version = imported.version.unwrap().id;
    for item in &whole.items {
        let stored = f.desk.catalog_item(version, &item.code).unwrap().unwrap();
        assert_eq!((&stored.name, stored.price), (&item.name, item.price), "{}", item.code);
    }
    assert_eq!(f.desk.verify().unwrap().problem, None);
}
