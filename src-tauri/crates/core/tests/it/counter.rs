use crate::Fixture;
use chrono::Duration;
use downtime_core::report::close::CashCount;
use downtime_core::{Fen, Role};

fn yuan(y: i64) -> Fen {
    Fen::new(y * 100).unwrap()
}

#[test]
fn setup_refuses_a_second_station_and_bad_fields() {
    let mut f = Fixture::new();
    let before = f.entries();
    let mut setup = downtime_core::station::Setup {
        hospital: "市第一人民医院".into(),
        code: "MZ01".into(),
        station_name: "门诊收费二号窗".into(),
        admin_name: "赵".into(),
        admin_pin: "123456".into(),
    };
    assert_eq!(f.desk.init_station(&setup).unwrap_err().code(), "station_code_taken");
    setup.code = "MZ02".into();
    assert_eq!(f.desk.init_station(&setup).unwrap_err().code(), "station_exists");
    assert_eq!(f.entries(), before);

    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("s.db");
    for (code, pin, expected) in [
        ("M", "123456", "station_code_invalid"),
        ("门诊1", "123456", "station_code_invalid"),
        ("MZ01", "", "pin_empty"),
        ("MZ01", "12", "pin_too_short"),
        ("MZ01", "12ab", "pin_not_digits"),
    ] {
        setup.code = code.into();
        setup.admin_pin = pin.into();
        assert_eq!(
            downtime_core::Desk::init(&fresh, &setup).err().unwrap().code(),
            expected,
            "{code} {pin}"
        );
    }
    // A refused setup leaves nothing behind: no file, no half-built station.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_station_key_signs_and_has_a_fingerprint() {
    let f = Fixture::new();
    let station = f.desk.station().unwrap().unwrap();
    let fp = station.fingerprint();
    assert_eq!(fp.len(), 39, "{fp}");
    let sig = f.desk.sign(b"MZ01-000001").unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&station.public_key).unwrap();
    key.verify_strict(b"MZ01-000001", &ed25519_dalek::Signature::from_bytes(&sig))
        .unwrap();
}

#[test]
fn roles_are_checked_in_the_core() {
    let mut f = Fixture::new();
    let cashier = f.operator("李收费", Role::Cashier);
    let finance = f.operator("周财务", Role::Finance);
    let before = f.entries();
    assert_eq!(
        f.desk.add_operator(&cashier, "新人", Role::Cashier, "1111").unwrap_err().code(),
        "role_forbidden"
    );
    assert_eq!(
        f.desk.start_outage(&cashier, "宕机", None, "").unwrap_err().code(),
        "role_forbidden"
    );
    assert_eq!(f.desk.open_shift(&finance, yuan(0)).unwrap_err().code(), "role_forbidden");
    assert_eq!(f.desk.open_shift(&f.admin.clone(), yuan(0)).unwrap_err().code(), "role_forbidden");
    assert_eq!(f.desk.set_idle_lock_minutes(&cashier, 3).unwrap_err().code(), "role_forbidden");
    assert_eq!(f.entries(), before);
}

#[test]
fn operator_names_and_pins_are_checked() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    for (name, pin, code) in [
        ("", "1234", "text_empty"),
        ("李\u{7}", "1234", "text_control_chars"),
        ("王管理", "1234", "operator_exists"),
        ("新人", "", "pin_empty"),
        ("新人", "123", "pin_too_short"),
    ] {
        assert_eq!(
            f.desk.add_operator(&admin, name, Role::Cashier, pin).unwrap_err().code(),
            code,
            "{name:?}"
        );
    }
}

#[test]
fn five_wrong_pins_lock_for_five_minutes() {
    let mut f = Fixture::new();
    f.operator("李收费", Role::Cashier);
    for left in (1..=4).rev() {
        let e = f.desk.authenticate("李收费", "0000").unwrap_err();
        assert_eq!(e.code(), "pin_wrong");
        assert!(e.to_string().contains(&format!("{left} 次")), "{e}");
    }
    assert_eq!(f.desk.authenticate("李收费", "0000").unwrap_err().code(), "operator_locked");
    // Even the right PIN is refused while locked, and the lock survives a reopen.
    assert_eq!(f.desk.authenticate("李收费", "2468").unwrap_err().code(), "operator_locked");
    let listed = f.desk.operators().unwrap().into_iter().find(|o| o.name == "李收费").unwrap();
    assert!(listed.locked_until.is_some());
    f.advance(Duration::minutes(4));
    assert_eq!(f.desk.authenticate("李收费", "2468").unwrap_err().code(), "operator_locked");
    f.advance(Duration::minutes(1) + Duration::seconds(1));
    f.desk.login("李收费", "2468").unwrap();
    // After a success the count starts again.
    assert_eq!(f.desk.authenticate("李收费", "0000").unwrap_err().code(), "pin_wrong");
    // Other operators are not affected.
    f.desk.authenticate("王管理", "123456").unwrap();
}

#[test]
fn unknown_operator_is_named_and_writes_nothing() {
    let mut f = Fixture::new();
    let before = f.entries();
    assert_eq!(f.desk.authenticate("无此人", "1234").unwrap_err().code(), "operator_unknown");
    assert_eq!(f.entries(), before);
}

#[test]
fn outage_starts_once_and_ends_after_it_started() {
    let mut f = Fixture::new();
    let sup = f.operator("陈主管", Role::Supervisor);
    assert_eq!(f.desk.end_outage(&sup, None, false).unwrap_err().code(), "outage_not_active");
    let down = f.desk.now() - Duration::minutes(40);
    let o = f.desk.start_outage(&sup, "核心交换机故障", Some(down), "网管中心 刘科长").unwrap();
    assert_eq!(o.his_down_at, down);
    assert_eq!(o.started_by, "陈主管");
    assert_eq!(
        f.desk.start_outage(&sup, "再次", None, "").unwrap_err().code(),
        "outage_already_active"
    );
    assert_eq!(
        f.desk
            .end_outage(&sup, Some(down - Duration::minutes(1)), false)
            .unwrap_err()
            .code(),
        "outage_end_before_start"
    );
    let ended = f.desk.end_outage(&sup, None, false).unwrap();
    assert!(ended.ended.is_some());
    assert!(f.desk.active_outage().unwrap().is_none());
    assert_eq!(
        f.desk
            .start_outage(&sup, "x", Some(f.desk.now() + Duration::hours(2)), "")
            .unwrap_err()
            .code(),
        "time_in_future"
    );
}

#[test]
fn a_shift_opens_once_closes_once_and_belongs_to_its_operator() {
    let mut f = Fixture::new();
    let li = f.operator("李收费", Role::Cashier);
    let zhang = f.operator("张收费", Role::Cashier);
    f.desk.start_outage(&f.admin.clone(), "宕机", None, "").unwrap();
    assert_eq!(
        f.desk.close_shift(&li, &CashCount::total(yuan(0))).unwrap_err().code(),
        "shift_not_open"
    );
    assert_eq!(f.desk.shift_for_money(&li).unwrap_err().code(), "shift_required");
    let s = f.desk.open_shift(&li, yuan(200)).unwrap();
    assert_eq!(s.float, yuan(200));
    assert!(s.outage_id.is_some());
    assert_eq!(f.desk.open_shift(&li, yuan(100)).unwrap_err().code(), "shift_already_open");
    // Another operator's money never lands in 李's shift.
    assert_eq!(f.desk.shift_for_money(&zhang).unwrap_err().code(), "shift_required");
    assert_eq!(f.desk.shift_for_money(&li).unwrap().id, s.id);
    let count = CashCount {
        reason: "多收五角".into(),
        ..CashCount::total(Fen::new(20050).unwrap())
    };
    let closed = f.desk.close_shift(&li, &count).unwrap();
    assert_eq!(closed.figures.counted_cash_fen, Some(20050));
    let before = f.entries();
    assert_eq!(
        f.desk.close_shift(&li, &CashCount::total(yuan(0))).unwrap_err().code(),
        "shift_not_open"
    );
    assert_eq!(f.desk.shift_for_money(&li).unwrap_err().code(), "shift_required");
    assert_eq!(f.entries(), before);
    // A new shift after closing is fine.
    f.desk.open_shift(&li, yuan(0)).unwrap();
}

#[test]
fn idle_lock_is_a_journalled_setting() {
    let mut f = Fixture::new();
    assert_eq!(f.desk.idle_lock_minutes().unwrap(), 5);
    f.desk.set_idle_lock_minutes(&f.admin.clone(), 10).unwrap();
    assert_eq!(f.desk.idle_lock_minutes().unwrap(), 10);
    assert_eq!(
        f.desk.set_idle_lock_minutes(&f.admin.clone(), 0).unwrap_err().code(),
        "idle_lock_out_of_range"
    );
    assert_eq!(f.desk.journal_tail(1).unwrap()[0].kind, "setting_changed");
}
