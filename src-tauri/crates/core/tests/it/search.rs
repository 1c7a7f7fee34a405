//! The search indexes in the station file answer as the ranking says: exact code, code
//! prefix, pinyin initials prefix, then any part of the name, each tier by key then in list
//! order (items by code; this station's patients, then the HIS snapshot's by HIS ID). A plain
//! reading of that rule over every record is the oracle.

use crate::Fixture;
use downtime_core::catalog::lookup::initials;
use downtime_core::patient::{NewPatient, Source};
use downtime_core::Role;

/// What the ranking rule says for `query` over records given in list order as
/// (codes, name, lookups): positions, best first.
fn oracle(records: &[(Vec<String>, String, Vec<String>)], query: &str, limit: usize) -> Vec<usize> {
    let q = query.trim();
    if q.is_empty() {
        return vec![];
    }
    let lower = q.to_lowercase();
    let mut out: Vec<usize> = Vec::new();
    let mut push = |i: usize| {
        if out.len() < limit && !out.contains(&i) {
            out.push(i);
        }
    };
    let mut by_code: Vec<(String, usize)> = records
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.0.iter().map(move |c| (c.to_lowercase(), i)))
        .filter(|(c, _)| c.starts_with(&lower))
        .collect();
    by_code.sort();
    by_code.into_iter().for_each(|(_, i)| push(i));
    if q.chars().all(|c| c.is_ascii_alphanumeric()) {
        let upper = q.to_uppercase();
        let mut by_initials: Vec<(String, usize)> = records
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.2.iter().map(move |l| (l.to_uppercase(), i)))
            .filter(|(l, _)| l.starts_with(&upper))
            .collect();
        by_initials.sort();
        by_initials.into_iter().for_each(|(_, i)| push(i));
    }
    for (i, r) in records.iter().enumerate() {
        if r.1.to_lowercase().contains(&lower) {
            push(i);
        }
    }
    out
}

/// A small deterministic generator, so that a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const CHARS: &[&str] = &[
    "阿", "莫", "西", "林", "重", "长", "血", "常", "规", "胶", "囊", "(", "小", ")", "C", "T", "维", "生", "素",
];

#[test]
fn items_are_ranked_as_the_rule_says() {
    let mut f = Fixture::new();
    let mut rng = Lcg(19);
    let mut csv = String::from("编码,名称,单价,费用类别\r\n");
    let mut items: Vec<(String, String)> = Vec::new();
    for n in 0..400 {
        let code = format!("{}{:03}", ["Y", "X", "YA", "F"][rng.below(4)], rng.below(300) + n * 1000);
        let name: String = (0..1 + rng.below(6)).map(|_| CHARS[rng.below(CHARS.len())]).collect();
        csv.push_str(&format!("{code},{name},1.00,西药费\r\n"));
        items.push((code, name));
    }
    let admin = f.admin.clone();
    f.desk
        .catalog_import(&admin, csv.as_bytes(), "list.csv", &Default::default(), false, &mut |_, _| {})
        .unwrap();
    items.sort();
    let records: Vec<_> = items.iter().map(|(c, n)| (vec![c.clone()], n.clone(), initials(n))).collect();
    let mut queries: Vec<String> = [
        "y",
        "Y1",
        "ya",
        "x2",
        "f",
        "amx",
        "czs",
        "zcs",
        "xcg",
        "(小",
        "ct",
        "CT",
        "常规",
        "阿",
        "规胶囊",
        " 西 ",
        "",
        "不在",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..100 {
        let (code, name) = &items[rng.below(items.len())];
        queries.push(code[..1 + rng.below(code.len())].to_string());
        let chars: Vec<char> = name.chars().collect();
        let from = rng.below(chars.len());
        queries.push(chars[from..from + 1 + rng.below(chars.len() - from)].iter().collect());
    }
    for q in &queries {
        for limit in [1, 5, 20] {
            let got: Vec<String> = f.desk.catalog_search(q, limit).unwrap().into_iter().map(|i| i.code).collect();
            let want: Vec<String> = oracle(&records, q, limit).into_iter().map(|i| items[i].0.clone()).collect();
            assert_eq!(got, want, "query {q:?}, limit {limit}");
        }
    }
    // The digest taken as the rows were read is the one the stored rows give; the ID-number
    // index dropped for the load is back as shipped; the file is in WAL mode again.
    assert_eq!(f.desk.verify().unwrap().problem, None);
    let mode: String = crate::raw(&f.db_path()).query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn patients_are_ranked_as_the_rule_says_local_first_then_his_by_id() {
    // The HIS file is not in HIS-ID order: indexed by reading the table back in that order.
    patients_ranked(false);
}

#[test]
fn patients_of_a_file_in_his_id_order_are_indexed_as_read_and_ranked_the_same() {
    patients_ranked(true);
}

fn patients_ranked(file_in_order: bool) {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let cashier = f.operator("李收费", Role::Cashier);
    let mut rng = Lcg(7);
    let names = ["张伟", "王芳", "欧阳明", "张伟明", "李重阳", "长青", "王小明", "明"];
    // The HIS file is not in HIS-ID order: the ranking still is.
    let mut his: Vec<(String, String, String)> = (0..300)
        .map(|i| {
            let id = format!("H{:05}", (i * 7919) % 100_000);
            (
                id,
                names[rng.below(names.len())].to_string(),
                format!("13{:09}", rng.below(1_000_000_000)),
            )
        })
        .collect();
    if file_in_order {
        his.sort();
    }
    let mut csv = String::from("HIS号,姓名,性别,联系电话\r\n");
    for (id, name, phone) in &his {
        csv.push_str(&format!("{id},{name},男,{phone}\r\n"));
    }
    f.desk
        .import_patient_snapshot(&admin, csv.as_bytes(), "his.csv", false, false)
        .unwrap();
    let mut local = Vec::new();
    for (i, name) in ["张伟", "明明", "王芳"].iter().enumerate() {
        let p = f
            .desk
            .add_patient(
                &cashier,
                &NewPatient {
                    name: name.to_string(),
                    sex: "F".into(),
                    phone: Some(format!("1390000{i:04}")),
                    confirm_duplicate: true,
                    ..Default::default()
                },
            )
            .unwrap();
        local.push(p);
    }
    his.sort();
    let mut records: Vec<(Vec<String>, String, Vec<String>)> = local
        .iter()
        .map(|p| {
            (
                vec![p.downtime_no.clone().unwrap(), p.phone.clone()],
                p.name.clone(),
                initials(&p.name),
            )
        })
        .collect();
    records.extend(
        his.iter()
            .map(|(id, name, phone)| (vec![id.clone(), phone.clone()], name.clone(), initials(name))),
    );
    let key = |p: &downtime_core::patient::Patient| match p.source {
        Source::Local => p.downtime_no.clone().unwrap(),
        Source::His => p.his_id.clone().unwrap(),
    };
    let record_key = |i: usize| {
        if i < local.len() {
            local[i].downtime_no.clone().unwrap()
        } else {
            his[i - local.len()].0.clone()
        }
    };
    for q in [
        "张伟",
        "zw",
        "ZWM",
        "明",
        "h0",
        "H1",
        "13",
        "139",
        "dt-mz01",
        "欧阳明",
        "伟明",
        "cq",
        "zq",
        "王",
        "xyz",
        "",
    ] {
        for limit in [1, 5, 50] {
            let got: Vec<String> = f.desk.find_patients(q, limit).unwrap().iter().map(key).collect();
            let want: Vec<String> = oracle(&records, q, limit).into_iter().map(record_key).collect();
            assert_eq!(got, want, "query {q:?}, limit {limit}");
        }
    }
}

#[test]
fn a_fresh_process_finds_at_once_and_an_old_file_gets_its_index_on_the_first_search() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let csv = "编码,名称,单价,费用类别\r\nY1,阿莫西林胶囊,1.00,西药费\r\n";
    f.desk
        .catalog_import(&admin, csv.as_bytes(), "a.csv", &Default::default(), false, &mut |_, _| {})
        .unwrap();
    let path = f.db_path();
    let his = "HIS号,姓名\r\nH1,孙悟空\r\n";
    f.desk
        .import_patient_snapshot(&admin, his.as_bytes(), "his.csv", false, false)
        .unwrap();
    // The index was written with the import: a freshly opened desk answers from it.
    let mut again = downtime_core::Desk::open(&path).unwrap();
    assert_eq!(again.catalog_search("amxl", 5).unwrap()[0].code, "Y1");
    assert_eq!(again.find_patients("swk", 5).unwrap()[0].name, "孙悟空");
    // A file whose index is missing (as after an upgrade) is indexed by its first search.
    crate::raw(&path)
        .execute_batch("DELETE FROM search_index_state; DELETE FROM item_key; DELETE FROM patient_key;")
        .unwrap();
    let mut upgraded = downtime_core::Desk::open(&path).unwrap();
    assert_eq!(upgraded.catalog_search("amxl", 5).unwrap()[0].code, "Y1");
    assert_eq!(upgraded.find_patients("swk", 5).unwrap()[0].name, "孙悟空");
    assert_eq!(upgraded.verify().unwrap().problem, None);
    drop((again, upgraded));
    // A file written before the keys were TEXT (BLOB keys, layout 2): its key tables are made
    // again at open and the first search rebuilds the indexes.
    crate::raw(&path)
        .execute_batch(
            "DROP TABLE item_key; DROP TABLE patient_key; \
             CREATE TABLE item_key (key BLOB NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (key, pos)) STRICT, WITHOUT ROWID; \
             CREATE TABLE patient_key (key BLOB NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (key, pos)) STRICT, WITHOUT ROWID; \
             INSERT INTO patient_key VALUES (X'6368310a', 1); \
             UPDATE search_index_state SET source = '2:' || substr(source, 3);",
        )
        .unwrap();
    let mut older = downtime_core::Desk::open(&path).unwrap();
    assert_eq!(older.catalog_search("amxl", 5).unwrap()[0].code, "Y1");
    assert_eq!(older.find_patients("swk", 5).unwrap()[0].name, "孙悟空");
    assert_eq!(older.find_patients("h1", 5).unwrap()[0].name, "孙悟空");
    let key_types: Vec<String> = crate::raw(&path)
        .prepare("SELECT type FROM pragma_table_info('item_key') WHERE name = 'key' UNION ALL SELECT type FROM pragma_table_info('patient_key') WHERE name = 'key'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(key_types, ["TEXT", "TEXT"]);
    assert_eq!(older.verify().unwrap().problem, None);
}

#[test]
fn the_item_index_follows_the_parts_in_force() {
    use downtime_core::catalog::ImportOptions;
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let import = |f: &mut Fixture, csv: &str, name: &str, part: &str| {
        let opts = ImportOptions {
            part: Some(part.into()),
            confirm_shrink: true,
            ..Default::default()
        };
        f.desk
            .catalog_import(&admin, csv.as_bytes(), name, &opts, false, &mut |_, _| {})
            .unwrap()
    };
    let head = "编码,名称,单价,费用类别\r\n";
    let drugs1 = import(&mut f, &format!("{head}Y1,阿莫西林胶囊,1.00,西药费\r\n"), "drugs-1.csv", "药品");
    import(&mut f, &format!("{head}S1,血常规,20.00,化验费\r\n"), "services.csv", "医疗服务项目");
    let codes = |f: &mut Fixture, q: &str| {
        f.desk
            .catalog_search(q, 10)
            .unwrap()
            .into_iter()
            .map(|i| i.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&mut f, "amxl"), ["Y1"]);
    assert_eq!(codes(&mut f, "xcg"), ["S1"], "both parts are searched");
    import(&mut f, &format!("{head}Y2,头孢克肟胶囊,2.00,西药费\r\n"), "drugs-2.csv", "药品");
    assert!(codes(&mut f, "amxl").is_empty(), "the drug part's old version is out of force");
    assert_eq!(codes(&mut f, "胶囊"), ["Y2"]);
    let old = drugs1.version.unwrap().id.to_string();
    f.desk.catalog_activate(&admin, &old, true).unwrap();
    assert_eq!(codes(&mut f, "胶囊"), ["Y1"], "activating the old version brings its items back");
    assert_eq!(codes(&mut f, "S"), ["S1"]);
}

#[test]
fn a_price_list_read_from_its_path_is_the_one_sent_as_bytes() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let csv = downtime_core::catalog::synth::price_list_csv(500, 7);
    let path = f.dir.path().join("价目表2026-11.csv");
    std::fs::write(&path, &csv).unwrap();
    let opts = downtime_core::catalog::ImportOptions::default();
    let from_bytes = f.desk.catalog_preview(csv.as_bytes(), "价目表2026-11.csv", &opts).unwrap();
    let input = downtime_core::catalog::stream::Input::Path(&path);
    let from_path = f.desk.catalog_preview_from(input, "价目表2026-11.csv", &opts).unwrap();
    assert_eq!(
        (
            &from_path.sha256,
            from_path.rows_read,
            from_path.good,
            &from_path.problems,
            &from_path.by_category
        ),
        (
            &from_bytes.sha256,
            from_bytes.rows_read,
            from_bytes.good,
            &from_bytes.problems,
            &from_bytes.by_category
        )
    );
    let imported = f
        .desk
        .catalog_import_from(&admin, input, "价目表2026-11.csv", &opts, false, &mut |_, _| {})
        .unwrap();
    assert_eq!(imported.good, from_bytes.good);
    // The same file sent as bytes afterwards is recognised as the one imported.
    let again = f.desk.catalog_preview(csv.as_bytes(), "价目表2026-11.csv", &opts).unwrap();
    assert!(again.already_imported);
}
