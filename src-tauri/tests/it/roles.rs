//! Roles through the IPC layer (#17): every privileged action, called through the shell's
//! commands with a wrong role logged in (or as approver), is refused with the core's code, and
//! nothing is written. An approver is never the operator whose action they approve.

use crate::*;
use serde_json::json;

const HIS_INDEX: &str = "HIS号,姓名,性别,出生日期,身份证号,联系电话\r\nH001,孙悟空,男,1975-03-03,,13700000001\r\n";
const CHEAP_LIST: &str = "编码,名称,规格,单位,单价,费用类别\r\nX1,低价项目,,次,0.01,治疗费\r\n";

/// Counts the refusals of a test and checks that none of them wrote anything.
struct Tally<'a> {
    s: &'a Station,
    w: &'a Window,
    tried: usize,
}

impl Tally<'_> {
    fn expect(&mut self, cmd: &str, args: Value, code: &str) {
        let before = self.s.entries();
        assert_eq!(self.w.refused(cmd, args), code, "{cmd}");
        assert_eq!(self.s.entries(), before, "{cmd}: a refusal wrote nothing");
        self.tried += 1;
    }

    fn expect_file(&mut self, cmd: &str, body: &str, headers: &[(&str, &str)], code: &str) {
        let before = self.s.entries();
        assert_eq!(code_of(cmd, self.w.send_file(cmd, body.as_bytes(), headers)), code, "{cmd}");
        assert_eq!(self.s.entries(), before, "{cmd}: a refusal wrote nothing");
        self.tried += 1;
    }
}

#[test]
fn price_lists_and_the_his_index_need_a_supervisor_or_an_administrator() {
    let s = Station::new();
    let w = Window::open(&s.db());
    let mut t = Tally { s: &s, w: &w, tried: 0 };
    for who in [CASHIER, FINANCE, ADMISSIONS] {
        w.login(who);
        let versions = w.call("catalog_versions", json!({})).unwrap();
        let id = versions[0]["id"].as_str().unwrap().to_string();
        let file = [("x-file-name", "cheap.csv"), ("x-confirm-shrink", "1"), ("x-accept-good-rows", "1")];
        t.expect_file("catalog_import", CHEAP_LIST, &file, "role_forbidden");
        t.expect(
            "catalog_activate",
            json!({ "version": id, "confirm_shrink": true }),
            "role_forbidden",
        );
        t.expect("catalog_import_sample", json!({}), "role_forbidden");
        let his = [("x-file-name", "his.csv"), ("x-dry-run", ""), ("x-accept-good-rows", "1")];
        t.expect_file("import_patient_snapshot", HIS_INDEX, &his, "role_forbidden");
    }
    // A supervisor may: the same calls go through.
    w.login(SUPERVISOR);
    w.send_file(
        "import_patient_snapshot",
        HIS_INDEX.as_bytes(),
        &[("x-file-name", "his.csv"), ("x-dry-run", "")],
    )
    .unwrap();
    w.send_file(
        "catalog_import",
        CHEAP_LIST.as_bytes(),
        &[("x-file-name", "cheap.csv"), ("x-confirm-shrink", "1")],
    )
    .unwrap();
    println!("reference-data imports refused through IPC: {}", t.tried);
}

#[test]
fn voids_refunds_and_free_text_lines_need_another_supervisor() {
    let s = Station::new();
    let w = Window::open(&s.db());
    let mut t = Tally { s: &s, w: &w, tried: 0 };
    w.login(CASHIER);
    let r = w.call("pay_charge", blood_test(None, false)).unwrap();
    let no = r["receipt_no"].as_str().unwrap().to_string();
    // The cashier cannot approve their own void or refund, nor can finance.
    for (name, pin) in [(CASHIER, PIN), (FINANCE, PIN)] {
        let sup = json!({ "name": name, "pin": pin });
        t.expect(
            "void_receipt",
            json!({ "receipt_no": no, "reason": "收错", "supervisor": sup }),
            "role_forbidden",
        );
        let refund = json!({ "input": { "id": uuid::Uuid::now_v7().to_string(), "receipt_no": no, "lines": [],
            "reason": "未做检查", "tenders": [], "pay_back_reason": null, "drug_return_by": null, "supervisor": sup } });
        t.expect("refund_receipt", refund, "role_forbidden");
        t.expect("pay_charge", blood_test(Some((name, pin)), true), "role_forbidden");
    }
    t.expect("pay_charge", blood_test(None, true), "free_text_needs_supervisor");

    // A supervisor at the counter is never their own approver.
    w.login(SUPERVISOR);
    w.call("open_shift", json!({ "float_fen": 0 })).unwrap();
    let own = w.call("pay_charge", blood_test(None, false)).unwrap();
    let own_no = own["receipt_no"].as_str().unwrap().to_string();
    let me = json!({ "name": SUPERVISOR, "pin": PIN });
    t.expect(
        "void_receipt",
        json!({ "receipt_no": own_no, "reason": "收错", "supervisor": me }),
        "approver_is_actor",
    );
    let refund = |sup: &Value| {
        json!({ "input": { "id": uuid::Uuid::now_v7().to_string(), "receipt_no": own_no, "lines": [],
            "reason": "未做检查", "tenders": [], "pay_back_reason": null, "drug_return_by": null, "supervisor": sup } })
    };
    t.expect("refund_receipt", refund(&me), "approver_is_actor");
    t.expect("pay_charge", blood_test(Some((SUPERVISOR, PIN)), true), "approver_is_actor");
    // Another supervisor may approve each.
    let other = json!({ "name": SUPERVISOR2, "pin": PIN });
    w.call("pay_charge", blood_test(Some((SUPERVISOR2, PIN)), true)).unwrap();
    w.call("refund_receipt", refund(&other)).unwrap();
    println!("corrections refused through IPC: {}", t.tried);
}

#[test]
fn a_cash_difference_needs_a_supervisor_who_is_not_the_operator() {
    let s = Station::new();
    let w = Window::open(&s.db());
    let mut t = Tally { s: &s, w: &w, tried: 0 };
    w.login(CASHIER);
    w.call("pay_charge", blood_test(None, false)).unwrap();
    // ¥200 float + ¥20 taken = ¥220 expected; ¥100 short.
    let close = |sup: Value| {
        json!({ "input": { "count": { "counted_fen": 12000, "denominations": null },
        "reason": "找错零钱", "supervisor": sup } })
    };
    t.expect(
        "close_shift",
        close(json!({ "name": CASHIER, "pin": PIN })),
        "shift_approver_is_operator",
    );
    t.expect("close_shift", close(json!({ "name": FINANCE, "pin": PIN })), "role_forbidden");
    w.call("close_shift", close(json!({ "name": SUPERVISOR, "pin": PIN }))).unwrap();
    // A supervisor's own difference needs another supervisor.
    w.login(SUPERVISOR);
    w.call("open_shift", json!({ "float_fen": 0 })).unwrap();
    w.call("pay_charge", blood_test(None, false)).unwrap();
    let short = |sup: Value| {
        json!({ "input": { "count": { "counted_fen": 0, "denominations": null },
        "reason": "找错零钱", "supervisor": sup } })
    };
    t.expect("close_shift", short(Value::Null), "shift_difference_needs_supervisor");
    t.expect(
        "close_shift",
        short(json!({ "name": SUPERVISOR, "pin": PIN })),
        "shift_approver_is_operator",
    );
    w.call("close_shift", short(json!({ "name": SUPERVISOR2, "pin": PIN }))).unwrap();
    println!("cash differences refused through IPC: {}", t.tried);
}

#[test]
fn operators_outages_exports_and_restore_refuse_wrong_roles() {
    let s = Station::new();
    let w = Window::open(&s.db());
    let mut t = Tally { s: &s, w: &w, tried: 0 };
    for who in [CASHIER, SUPERVISOR, FINANCE] {
        w.login(who);
        t.expect(
            "add_operator",
            json!({ "input": { "name": "新人", "role": "cashier", "pin": "135790" } }),
            "role_forbidden",
        );
    }
    for who in [CASHIER, FINANCE, ADMISSIONS] {
        w.login(who);
        t.expect(
            "end_outage",
            json!({ "input": { "his_up_at": null, "supervisor": null, "with_open_shifts": true } }),
            "role_forbidden",
        );
        // A cashier typing their own PIN as "supervisor" is no supervisor either.
        let as_sup = json!({ "name": who, "pin": PIN });
        t.expect(
            "end_outage",
            json!({ "input": { "his_up_at": null, "supervisor": as_sup, "with_open_shifts": true } }),
            "role_forbidden",
        );
    }
    // Outage start: end it as a supervisor first, then a cashier may not start the next one.
    w.login(SUPERVISOR);
    w.call(
        "end_outage",
        json!({ "input": { "his_up_at": null, "supervisor": null, "with_open_shifts": true } }),
    )
    .unwrap();
    for who in [CASHIER, FINANCE] {
        w.login(who);
        t.expect(
            "start_outage",
            json!({ "input": { "reason": "HIS 宕机", "his_down_at": null, "announced_by": "", "supervisor": null } }),
            "role_forbidden",
        );
    }
    // Export: a cashier writes nothing into the folder.
    let out = tempfile::tempdir().unwrap();
    w.login(CASHIER);
    t.expect(
        "export_batch",
        json!({ "folder": out.path().display().to_string() }),
        "role_forbidden",
    );
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    // The key card (#18): handed out by those who trust keys, not by a cashier or finance.
    let card = out.path().join("MZ01.key.json");
    for who in [CASHIER, FINANCE] {
        w.login(who);
        t.expect("key_card_offer", json!({}), "role_forbidden");
        t.expect("export_key_card", json!({ "path": card.display().to_string() }), "role_forbidden");
        t.expect(
            "pharmacy_trust_folder",
            json!({ "folder": out.path().display().to_string() }),
            "role_forbidden",
        );
    }
    assert!(!card.exists());
    // The automatic backup folder is an administrator's setting: nothing is written there.
    let usb = tempfile::tempdir().unwrap();
    for who in [CASHIER, SUPERVISOR, FINANCE] {
        w.login(who);
        t.expect(
            "set_backup",
            json!({ "folder": usb.path().display().to_string() }),
            "role_forbidden",
        );
    }
    assert_eq!(std::fs::read_dir(usb.path()).unwrap().count(), 0);
    // Restore: a backup of this station, chosen in the (answered) file dialog; a cashier's
    // name and PIN do not restore it.
    let backups = tempfile::tempdir().unwrap();
    let backup = {
        let mut desk = Desk::open(s.db()).unwrap_or_else(|e| panic!("{e}"));
        let admin = desk.authenticate(ADMIN, ADMIN_PIN).unwrap();
        desk.backup_to(&admin, backups.path()).unwrap().path
    };
    let pointer = backups.path().join("answer.txt");
    std::fs::write(&pointer, backup.display().to_string()).unwrap();
    std::env::set_var("DOWNTIME_PICK_FILE", &pointer);
    w.call(
        "pick_file",
        json!({ "title": "备份", "filter_name": "backup", "extensions": ["db"] }),
    )
    .unwrap();
    // (Tally: the station's journal is unchanged, so the file was not replaced.)
    t.expect(
        "restore_backup",
        json!({ "admin_name": CASHIER, "admin_pin": PIN, "confirm_older": true }),
        "role_forbidden",
    );
    w.call("app_status", json!({})).unwrap();
    println!("operator, outage, export and restore calls refused through IPC: {}", t.tried);
}
