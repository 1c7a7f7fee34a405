//! Issue 2: first-start setup, add a cashier, log in, activate an outage, open a shift, see
//! the banner, close the shift, lock out after five wrong PINs.

use crate::*;
use downtime_core::station::Setup;
use downtime_core::Desk;

fn init_station(db: &Path) {
    let mut desk = Desk::init(
        db,
        &Setup {
            hospital: "市第一人民医院".into(),
            code: "MZ01".into(),
            station_name: "门诊收费一号窗".into(),
            admin_name: "王管理".into(),
            admin_pin: "123456".into(),
        },
    )
    .unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    desk.add_operator(&admin, "李收费", downtime_core::Role::Cashier, "2468").unwrap();
}

async fn login(app: &App, name: &str, pin: &str) {
    app.type_into("login-name", name).await;
    app.keys(ENTER).await;
    assert_eq!(app.focused().await, "login-pin", "Enter moves to the PIN");
    app.keys(pin).await;
    app.keys(ENTER).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_to_outage_and_shift() {
    e2e("foundation", |name| async move {
        let mut app = App::start(&name, |_| {}).await;
        // First start: the setup screen, driven by the keyboard alone.
        app.by_id("setup-hospital").await;
        assert_eq!(app.focused().await, "setup-hospital");
        for (text, next) in [
            ("市第一人民医院", "setup-code"),
            ("mz01", "setup-station-name"),
            ("门诊收费一号窗", "setup-kind"),
            // The station's kind takes its own key: C a counter (收费窗口), P a pharmacy.
            ("c", "setup-admin-name"),
            ("王管理", "setup-admin-pin"),
            ("123456", "setup-admin-pin2"),
        ] {
            app.keys(text).await;
            app.keys(ENTER).await;
            assert_eq!(app.focused().await, next);
        }
        app.keys("123456").await;
        app.screenshot("setup-filled").await;
        app.keys(ENTER).await;
        let fp = app.by_id("setup-fingerprint").await.text().await.unwrap();
        let station = Desk::open(app.db()).unwrap().station().unwrap().unwrap();
        assert!(fp.contains(&station.fingerprint()), "{fp}");
        assert_eq!(station.code.as_str(), "MZ01");
        app.screenshot("setup-fingerprint").await;
        app.by_id("setup-continue").await.click().await.unwrap();

        // The administrator, logged in by setup, adds a cashier.
        app.text_contains("status-operator", "王管理").await;
        app.keys(CTRL_O).await;
        app.type_into("op-name", "李收费").await;
        app.by_id("op-role").await.select_by_value("cashier").await.unwrap();
        app.type_into("op-pin", "2468").await;
        app.by_id("op-submit").await.click().await.unwrap();
        app.text_contains("op-list", "李收费").await;
        app.screenshot("operators").await;
        // 自动备份: the administrator types a USB stick's folder; a first backup is written
        // there at once, checked, and the settings say where backups go from now on.
        let usb = tempfile::tempdir().unwrap();
        let usb_path = usb.path().display().to_string();
        app.text_contains("backup-current", "未设置").await;
        app.by_id("backup-open").await.click().await.unwrap();
        app.wait_focus("backup-folder").await;
        app.keys(&usb_path).await;
        app.keys(ENTER).await;
        app.text_contains("backup-notice", "已备份并校验").await;
        app.text_contains("backup-current", &usb_path).await;
        app.screenshot("backup-set").await;
        let backups: Vec<_> = std::fs::read_dir(usb.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("MZ01-") && n.ends_with(".downtime-backup"))
            .collect();
        assert_eq!(backups.len(), 1, "{backups:?}");
        app.keys(ESC).await;
        app.by_id("nav-logout").await.click().await.unwrap();

        // The cashier logs in; the supervisor (here the administrator) approves the outage.
        login(&app, "李收费", "2468").await;
        app.text_contains("status-operator", "李收费").await;
        assert!(app.exists("no-outage").await);
        app.keys(F11).await;
        app.type_into("outage-reason", "HIS 数据库服务器宕机").await;
        app.type_into("outage-announced", "网管中心 刘科长").await;
        app.type_into("sup-name", "王管理").await;
        app.type_into("sup-pin", "123456").await;
        app.keys(ENTER).await;
        app.text_contains("outage-banner", "HIS 停机").await;
        app.gone("no-outage").await;
        app.screenshot("outage-banner").await;

        // Open a shift with a float, see it in the status bar, close it with the count.
        app.keys(F10).await;
        app.type_into("shift-float", "200.50").await;
        app.keys(ENTER).await;
        app.text_contains("status-shift", "200.50").await;
        app.screenshot("shift-open").await;
        app.keys(F10).await;
        app.type_into("shift-counted", "200.50").await;
        app.text_contains("count-difference", "¥0.00").await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.text_contains("status-shift", "未开班").await;
        app.text_contains("handover-closed-diff", "¥0.00").await;
        app.screenshot("shift-closed").await;

        // Everything the window did is in the store and the chain is sound.
        let desk = Desk::open(app.db()).unwrap();
        let report = desk.verify().unwrap();
        assert_eq!(report.problem, None);
        let kinds: Vec<String> = desk.journal_tail(50).unwrap().into_iter().rev().map(|e| e.kind).collect();
        for k in [
            "station_initialised",
            "login",
            "operator_added",
            "logout",
            "outage_started",
            "shift_opened",
            "shift_closed",
        ] {
            assert!(kinds.iter().any(|x| x == k), "{k} missing from {kinds:?}");
        }
        let outage = desk.active_outage().unwrap().unwrap();
        assert_eq!(outage.announced_by, "网管中心 刘科长");
        assert_eq!(outage.started_by, "王管理");
        app.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_pins_lock_the_operator_out() {
    e2e("lockout", |name| async move {
        let mut app = App::start(&name, init_station).await;
        for attempt in 1..=5 {
            let name_field = app.by_id("login-name").await;
            name_field.clear().await.unwrap();
            name_field.send_keys("李收费").await.unwrap();
            let pin = app.by_id("login-pin").await;
            pin.clear().await.unwrap();
            pin.send_keys("0000").await.unwrap();
            pin.send_keys(ENTER).await.unwrap();
            let needle = if attempt < 5 { "PIN 不正确" } else { "已锁定" };
            app.text_contains("login-error", needle).await;
        }
        app.screenshot("locked").await;
        // The right PIN is refused while the lock holds.
        let pin = app.by_id("login-pin").await;
        pin.clear().await.unwrap();
        pin.send_keys("2468").await.unwrap();
        pin.send_keys(ENTER).await.unwrap();
        app.text_contains("login-error", "锁定").await;
        assert!(!app.exists("status-operator").await);
        let desk = Desk::open(app.db()).unwrap();
        let locked = desk.operators().unwrap().into_iter().find(|o| o.name == "李收费").unwrap();
        assert!(locked.locked_until.is_some());
        app.close().await;
    })
    .await;
}

/// #17: a damaged station file is refused at start with one sentence, and an administrator
/// restores the backup from the stick on that same screen; the counter goes on.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_station_is_restored_from_its_backup() {
    e2e("restore", |name| async move {
        let backup = std::sync::Mutex::new(None);
        let mut app = App::start(&name, |db| {
            init_station(db);
            let desk = Desk::open(db).unwrap();
            let admin = {
                let mut d = Desk::open(db).unwrap();
                d.authenticate("王管理", "123456").unwrap()
            };
            let usb = db.parent().unwrap().join("usb");
            let b = desk.backup_to(&admin, &usb).unwrap();
            drop(desk);
            *backup.lock().unwrap() = Some(b.path);
            // Damaged after the backup: everything after the first page overwritten.
            let mut bytes = std::fs::read(db).unwrap();
            let n = bytes.len();
            bytes[4096..n].fill(0x5a);
            std::fs::write(db, bytes).unwrap();
        })
        .await;
        let backup = backup.lock().unwrap().clone().unwrap();
        app.text_contains("fatal-error", "已损坏").await;
        app.wait_focus("restore-name").await;
        app.screenshot("damaged").await;
        app.keys("王管理").await;
        app.keys(ENTER).await;
        app.keys("123456").await;
        app.will_pick(&backup);
        app.by_id("restore-submit").await.click().await.unwrap();
        app.by_id("login-name").await;
        let kept = std::fs::read_dir(app.db().parent().unwrap())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".damaged-"))
            .count();
        assert_eq!(kept, 1, "the damaged file is kept aside");
        login(&app, "李收费", "2468").await;
        app.text_contains("status-operator", "李收费").await;
        assert_eq!(Desk::open(app.db()).unwrap().verify().unwrap().problem, None);
        app.screenshot("restored").await;
        app.close().await;
    })
    .await;
}
