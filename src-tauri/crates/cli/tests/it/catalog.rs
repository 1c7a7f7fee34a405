use crate::Station;

fn sample() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../assets/catalog/sample-price-list-2026-11.csv").to_string()
}

#[test]
fn import_search_and_versions() {
    let s = Station::new();
    let out = s.admin(&["catalog", "import", &sample()]);
    assert!(out.out().contains("已导入 2026-11 月价目表：3000 项"), "{}", out.stdout);
    assert_eq!(out.stderr, "", "no progress when standard error is not a terminal");
    let again = s.admin(&["catalog", "import", &sample()]);
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
