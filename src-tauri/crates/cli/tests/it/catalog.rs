use crate::Station;

/// A whole 3,000-item list (`catalog generate`, the synthetic list of tests and benchmarks).
fn big(s: &Station) -> String {
    let path = s.dir.path().join("价目表-2026-11.csv");
    if !path.exists() {
        s.run(&[
            "catalog",
            "generate",
            "--items",
            "3000",
            "--seed",
            "2026",
            "--out",
            path.to_str().unwrap(),
        ])
        .out();
    }
    path.to_str().unwrap().to_string()
}

#[test]
fn import_search_and_versions() {
    let s = Station::new();
    let out = s.admin(&["catalog", "import", &big(&s)]);
    assert!(out.out().contains("已导入 2026-11 月价目表（整表）：3000 项"), "{}", out.stdout);
    assert_eq!(out.stderr, "", "no progress when standard error is not a terminal");
    let again = s.admin(&["catalog", "import", &big(&s)]);
    assert!(again.out().contains("未重复导入"));
    let found = s.run(&["catalog", "search", "zcf", "--json"]).json();
    let first = &found[0];
    for key in ["code", "name", "spec", "unit", "unit_price", "category"] {
        assert!(first.get(key).is_some(), "{key} missing");
    }
    assert!(first["name"].as_str().unwrap().contains("诊查费"));
    assert!(first["unit_price"].is_string());
    let limited = s.run(&["catalog", "search", "阿莫西林", "--limit", "3", "--json"]).json();
    assert_eq!(limited.as_array().unwrap().len(), 3);
    let versions = s.run(&["catalog", "versions", "--json"]).json();
    assert_eq!(versions[0]["month"], "2026-11");
    assert_eq!(versions[0]["items"], 3000);
}

#[test]
fn four_decimal_prices_come_out_exact() {
    let s = Station::new();
    let file = s.dir.path().join("价目表2026-11.csv");
    std::fs::write(&file, "编码,名称,规格,单位,单价,费用类别\nY1,维生素C片,100mg,片,0.0125,西药费\n").unwrap();
    s.admin(&["catalog", "import", file.to_str().unwrap()]).out();
    let item = &s.run(&["catalog", "search", "wsscp", "--json"]).json()[0];
    assert_eq!(item["unit_price"], "0.0125");
}

#[test]
fn bad_rows_are_listed_and_nothing_is_imported_unless_asked() {
    let s = Station::new();
    let file = s.dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "编码,名称,单价,费用类别\nA1,好项目,1,检查费\nA2,坏价格,x,检查费\nA3,怪类别,1,麻醉费\n",
    )
    .unwrap();
    let dry = s.admin(&["catalog", "import", file.to_str().unwrap(), "--dry-run"]);
    assert!(dry.out().contains("第 3 行（A2）：单价无法识别"), "{}", dry.stdout);
    assert!(dry.out().contains("第 4 行（A3）：未知的费用类别“麻醉费”"));
    let refused = s.admin(&["catalog", "import", file.to_str().unwrap()]);
    refused.fails_with("有 2 行有问题，未导入任何内容");
    assert!(refused.stdout.contains("第 3 行"));
    assert!(s.run(&["catalog", "versions", "--json"]).json().as_array().unwrap().is_empty());
    let partial = s
        .admin(&["catalog", "import", file.to_str().unwrap(), "--skip-bad", "--json"])
        .json();
    assert_eq!(partial["version"]["items"], 1);
    assert_eq!(partial["version"]["rejected"], 2);
}

#[test]
fn gbk_files_with_a_mapping() {
    let s = Station::new();
    let file = s.dir.path().join("gbk.csv");
    let text = "收费代码,项目,标准价,归类\r\nA1,诊查费,10,诊察费\r\n";
    std::fs::write(&file, encoding_rs::GBK.encode(text).0).unwrap();
    s.admin(&["catalog", "import", file.to_str().unwrap(), "--dry-run"])
        .fails_with("这不是可导入的价目表");
    let ok = s.admin(&[
        "catalog",
        "import",
        file.to_str().unwrap(),
        "--encoding",
        "gbk",
        "--map",
        "收费代码=code",
        "--map",
        "项目=name",
        "--map",
        "标准价=price",
        "--map",
        "归类=category",
        "--month",
        "2026-10",
    ]);
    assert!(ok.out().contains("2026-10"), "{}", ok.stdout);
    s.admin(&["catalog", "import", file.to_str().unwrap(), "--map", "收费代码"])
        .fails_with("表头=字段");
}

#[test]
fn not_a_catalog_and_missing_files() {
    let s = Station::new();
    let empty = s.dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    s.admin(&["catalog", "import", empty.to_str().unwrap()]).fails_with("文件是空的");
    s.admin(&["catalog", "import", "/nonexistent/file.csv"]).fails_with("无法读取文件");
}

fn samples(name: &str) -> String {
    format!("{}/../core/tests/it/data/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_price_list_in_parts_a_confirmed_shrink_and_activate() {
    let s = Station::new();
    // The HIS drug part (GBK, CRLF) and service part (UTF-8 with BOM), each in its own part.
    let drugs = s
        .admin(&["catalog", "import", &samples("his-drugs-2026-12.csv"), "--part", "药品", "--json"])
        .json();
    assert_eq!(
        (drugs["part"].as_str(), drugs["good"].as_i64(), drugs["encoding"].as_str()),
        (Some("药品"), Some(12), Some("gb18030"))
    );
    let services = s
        .admin(&["catalog", "import", &samples("his-services-2026-12.csv"), "--part", "医疗服务项目"])
        .out()
        .to_string();
    assert!(services.contains("部分：医疗服务项目") && !services.contains("替换"), "{services}");
    let found = s.run(&["catalog", "search", "ASPLCRP", "--json"]).json();
    assert_eq!(found[0]["code"], "YP000101");
    let versions = s.run(&["catalog", "versions", "--json"]).json();
    let in_force: Vec<(&str, bool)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["part"].as_str().unwrap(), v["in_force"].as_bool().unwrap()))
        .collect();
    assert_eq!(in_force, [("医疗服务项目", true), ("药品", true)]);

    // The whole 3,000-item list replaces both parts; the 12-item services list then shrinks
    // it by more than half: refused without --confirm-shrink, naming both counts.
    s.admin(&["catalog", "import", &big(&s)]).out();
    let before = s.snapshot();
    let dry = s
        .admin(&[
            "catalog",
            "import",
            &samples("his-services-2026-12.csv"),
            "--month",
            "2026-12",
            "--dry-run",
        ])
        .out()
        .to_string();
    assert!(dry.contains("此文件已于"), "{dry}");
    let small = s.dir.path().join("13项.csv");
    std::fs::write(&small, "编码,名称,单位,单价,费用类别\nA1,挂号费,次,1,挂号费\n").unwrap();
    let dry = s
        .admin(&["catalog", "import", small.to_str().unwrap(), "--dry-run", "--json"])
        .json();
    assert_eq!((dry["shrinks"].as_bool(), dry["replaced_items"].as_i64()), (Some(true), Some(3000)));
    s.admin(&["catalog", "import", small.to_str().unwrap()])
        .fails_with("不到现在的 3000 项的一半");
    assert_eq!(s.snapshot(), before);
    s.admin(&["catalog", "import", small.to_str().unwrap(), "--confirm-shrink"]).out();

    // Re-importing the real file says it is not in force and how to put it back.
    let again = s.admin(&["catalog", "import", &big(&s)]).out().to_string();
    assert!(
        again.contains("现在未在使用") && again.contains("downtime catalog activate"),
        "{again}"
    );
    let versions = s.run(&["catalog", "versions", "--json"]).json();
    let real = versions.as_array().unwrap().iter().find(|v| v["items"] == 3000).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.run(&["catalog", "activate", &real]).fails_with("需要操作员");
    s.admin(&["catalog", "activate", "0123"]).fails_with("至少输入 8 位");
    let activated = s.admin(&["catalog", "activate", &real[..13], "--json"]).json();
    assert_eq!(
        (activated["version"]["id"].as_str(), activated["replaced_items"].as_i64()),
        (Some(real.as_str()), Some(1))
    );
    s.admin(&["catalog", "activate", &real]).fails_with("已在使用中");
    let found = s.run(&["catalog", "search", "F00000001", "--json"]).json();
    assert_eq!(found[0]["code"], "F00000001");
    s.run(&["verify"]).out();
}
