//! Roles (#17): every privileged action refuses a wrong role in `downtime-core`, and an
//! approver is never the operator whose action they approve. The IPC layer reaches the same
//! functions with the session's operator (see the shell's `commands`), so the refusals here are
//! the ones the window sees.

use crate::charges::{cash, charge, counter, item};
use downtime_core::catalog::category::FeeCategory;
use downtime_core::catalog::price::{Quantity, UnitPrice};
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::LineInput;
use downtime_core::Role;
use uuid::Uuid;

const PRICE_LIST: &str = "编码,名称,规格,单位,单价,费用类别\r\nX1,低价项目,,次,0.01,治疗费\r\n";

#[test]
fn price_lists_and_the_his_index_need_a_supervisor_or_an_administrator() {
    let mut c = counter();
    let finance = c.f.operator("赵财务", Role::Finance);
    let admissions = c.f.operator("钱住院", Role::Admissions);
    let his = "HIS号,姓名,性别,出生日期,身份证号,联系电话\r\nH001,孙悟空,男,1975-03-03,,13700000001\r\n";
    let mut tried = 0;
    for who in [c.cashier.clone(), finance.clone(), admissions.clone()] {
        let e =
            c.f.desk
                .catalog_import(&who, PRICE_LIST.as_bytes(), "cheap.csv", &Default::default(), true, &mut |_, _| {});
        assert_eq!(e.unwrap_err().code(), "role_forbidden", "{} imported a price list", who.name());
        let versions = c.f.desk.catalog_versions().unwrap();
        let e = c.f.desk.catalog_activate(&who, &versions[0].id.to_string(), true);
        assert_eq!(e.unwrap_err().code(), "role_forbidden");
        let e = c.f.desk.import_patient_snapshot(&who, his.as_bytes(), "his.csv", true, false);
        assert_eq!(e.unwrap_err().code(), "role_forbidden", "{} imported the HIS index", who.name());
        tried += 3;
    }
    // Nothing was charged at ¥0.01: the price list in force is the one the administrator imported.
    assert_eq!(
        c.pay(&charge("DT-MZ01-000001", vec![item("X1", "1")], vec![cash("0.01")]))
            .unwrap_err()
            .code(),
        "item_unknown"
    );
    let sup = c.sup.clone();
    c.f.desk
        .import_patient_snapshot(&sup, his.as_bytes(), "his.csv", true, false)
        .unwrap();
    let confirmed = downtime_core::catalog::ImportOptions {
        confirm_shrink: true,
        ..Default::default()
    };
    c.f.desk
        .catalog_import(&sup, PRICE_LIST.as_bytes(), "cheap.csv", &confirmed, true, &mut |_, _| {})
        .unwrap();
    println!("reference-data imports refused for wrong roles: {tried}");
}

#[test]
fn a_supervisor_never_approves_their_own_void_refund_or_free_text_line() {
    let mut c = counter();
    let sup = c.sup.clone();
    let other = c.f.operator("孙主管", Role::Supervisor);
    c.f.desk.open_shift(&sup, downtime_core::Fen::ZERO).unwrap();
    // A supervisor at the counter charges; they cannot be their own approver.
    let r =
        c.f.desk
            .pay_charge(&sup, &charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")]))
            .unwrap();
    let e = c.f.desk.void_receipt(&sup, &sup, &r.receipt_no, "收错").unwrap_err();
    assert_eq!(e.code(), "approver_is_actor", "{e}");
    let refund = RefundInput {
        id: Uuid::now_v7(),
        receipt_no: r.receipt_no.clone(),
        lines: vec![],
        reason: "未做检查".into(),
        tenders: vec![],
        drug_return_by: None,
        pay_back_reason: None,
    };
    assert_eq!(
        c.f.desk.refund_receipt(&sup, &sup, &refund).unwrap_err().code(),
        "approver_is_actor"
    );
    let free = LineInput::FreeText {
        name: "自制膏药".into(),
        unit: "贴".into(),
        unit_price: UnitPrice::parse("5").unwrap(),
        qty: Quantity::parse("1").unwrap(),
        category: FeeCategory::Treatment,
        reason: "价目表遗漏".into(),
    };
    let mut own = charge("DT-MZ01-000001", vec![free], vec![cash("5")]);
    own.approver = Some(sup.clone().into());
    assert_eq!(c.f.desk.pay_charge(&sup, &own).unwrap_err().code(), "approver_is_actor");
    // Another supervisor may approve each.
    own.approver = Some(other.clone().into());
    own.id = Uuid::now_v7();
    c.f.desk.pay_charge(&sup, &own).unwrap();
    c.f.desk.refund_receipt(&sup, &other, &refund).unwrap();
    // Wrong roles as approver.
    let r2 = c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])).unwrap();
    let cashier = c.cashier.clone();
    assert_eq!(
        c.f.desk
            .void_receipt(&cashier, &cashier, &r2.receipt_no, "收错")
            .unwrap_err()
            .code(),
        "role_forbidden"
    );
}

#[test]
fn operators_outages_and_exports_refuse_wrong_roles() {
    let mut c = counter();
    let cashier = c.cashier.clone();
    let sup = c.sup.clone();
    let finance = c.f.operator("赵财务", Role::Finance);
    for who in [&cashier, &sup, &finance] {
        assert_eq!(
            c.f.desk.add_operator(who, "新人", Role::Cashier, "135790").unwrap_err().code(),
            "role_forbidden"
        );
    }
    for who in [&cashier, &finance] {
        assert_eq!(c.f.desk.end_outage(who, None, true).unwrap_err().code(), "role_forbidden");
    }
    let out = tempfile::tempdir().unwrap();
    let e = c.f.desk.export_batch(&cashier, out.path(), &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "role_forbidden");
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing written for a refused export"
    );
}

/// A supervisor's approval as typed: one rule for the window and the command line.
#[test]
fn a_blank_supervisor_is_no_approval_and_half_of_one_is_refused() {
    let mut c = counter();
    let sup = c.sup.clone();
    let before = c.f.entries();
    let cases: [(Option<&str>, Option<&str>, Result<Option<&str>, &str>); 7] = [
        (None, None, Ok(None)),
        (Some(""), Some(""), Ok(None)),
        (Some("  "), None, Ok(None)),
        (Some(sup.name()), None, Err("supervisor_incomplete")),
        (Some(""), Some("2468"), Err("supervisor_incomplete")),
        (None, Some("2468"), Err("supervisor_incomplete")),
        (Some(sup.name()), Some("2468"), Ok(Some(sup.name()))),
    ];
    for (name, pin, expected) in cases {
        let got = c.f.desk.supervisor(name, pin);
        let got = got.as_ref().map(|a| a.as_ref().map(|a| a.name())).map_err(|e| e.code());
        assert_eq!(got, expected, "{name:?} {pin:?}");
    }
    // Refusing half an approval counts no wrong PIN and writes nothing.
    assert_eq!(c.f.entries(), before);
    assert_eq!(c.f.desk.supervisor(Some(sup.name()), Some("0000")).unwrap_err().code(), "pin_wrong");
}

/// What the window is told the operator may do (`AppStatus::may`, from `Actor::permissions`)
/// is exactly what the core lets through: each listed permission passes `require`, each one
/// left out is refused, and the actions behind three of them agree.
#[test]
fn the_permissions_the_window_is_sent_are_the_ones_the_core_lets_through() {
    use downtime_core::ids::Permission;
    let mut f = crate::Fixture::new();
    let mut checked = 0;
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let who = f.operator(&format!("操作员{i}"), role);
        let may = who.permissions();
        for p in Permission::ALL {
            assert_eq!(may.contains(&p), who.require(p).is_ok(), "{role:?} {p:?}");
            checked += 1;
        }
        let edits = f.desk.set_idle_lock_minutes(&who, 7);
        assert_eq!(edits.is_ok(), may.contains(&Permission::ChangeSettings), "{role:?} settings");
        let added = f.desk.add_operator(&who, &format!("新人{i}"), Role::Cashier, "135790");
        assert_eq!(added.is_ok(), may.contains(&Permission::ManageOperators), "{role:?} operators");
        let depts = "科室编码,科室名称,类别\r\nNK,内科,门诊\r\n";
        let imported = f.desk.import_departments(&who, depts.as_bytes(), "depts.csv");
        assert_eq!(imported.is_ok(), may.contains(&Permission::EditLists), "{role:?} departments");
    }
    // A counter dispenses nothing, whoever is signed in.
    let pharmacist = f.operator("药师甲", Role::Pharmacist);
    assert!(!pharmacist.permissions().contains(&Permission::Dispense));
    assert_eq!(
        f.admin.permissions(),
        Permission::ALL
            .into_iter()
            .filter(|&p| Role::Admin.may(p) && !matches!(p, Permission::Dispense | Permission::SuperviseDispensing))
            .collect::<Vec<_>>()
    );
    println!("permissions checked against the core's refusals: {checked}");
}

/// The window's test fixtures (`ui/src/test/may.json`) say what each role may do at a counter
/// as the core says it, so that the UI's tests sign in with the list the shell would send.
/// When the table changes, this test writes the new file and fails once: commit it.
#[test]
fn the_windows_fixtures_carry_the_cores_permission_table() {
    use downtime_core::ids::Permission;
    let mut f = crate::Fixture::new();
    let mut table = serde_json::Map::new();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let who = f.operator(&format!("表{i}"), role);
        let names: Vec<serde_json::Value> = who
            .permissions()
            .into_iter()
            .map(|p: Permission| serde_json::to_value(p).unwrap())
            .collect();
        table.insert(role.as_str().to_string(), serde_json::Value::Array(names));
    }
    let text = serde_json::to_string_pretty(&serde_json::Value::Object(table)).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/test/may.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != text {
        std::fs::write(&path, &text).unwrap();
        panic!("{} did not match the core's permissions: written anew, commit it", path.display());
    }
}
