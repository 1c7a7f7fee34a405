//! The shell's own code: where the app finds its database, how a core error reaches the
//! window (`{ code, message, message_en }`, both messages present), the first start, and where
//! documents printed from the window are saved. The rules themselves are tested in the core.

use crate::Window;
use downtime_core::patient::NewPatient;
use downtime_core::registration::NewRegistration;
use downtime_core::station::Setup;
use downtime_core::{Desk, Fen, Role};
use downtime_desk::{db_path_from, trim_every, webkit_env, TRIM_SECONDS};
use serde_json::{json, Value};
use std::path::PathBuf;

/// The code of an error reply, whose messages must both be there; panics on success.
fn code(reply: Result<Value, Value>) -> String {
    let e = reply.expect_err("the command should be refused");
    for key in ["message", "message_en"] {
        assert!(e[key].as_str().is_some_and(|m| !m.is_empty()), "{key} in {e}");
    }
    e["code"].as_str().unwrap().to_string()
}

fn setup() -> Setup {
    Setup {
        hospital: "市第一人民医院".into(),
        code: "MZ01".into(),
        station_name: "门诊收费一号窗".into(),
        admin_name: "王管理".into(),
        admin_pin: "123456".into(),
    }
}

#[test]
fn the_database_is_the_flag_else_the_environment_else_the_default() {
    let check = |args: &[&str], env: Option<&str>, expected: PathBuf| {
        let got = db_path_from(args.iter().map(|a| a.to_string()), env.map(Into::into));
        assert_eq!(got, expected, "{args:?} {env:?}");
    };
    let default = downtime_core::store::default_path();
    check(&["--db", "/a/x.db"], Some("/b/y.db"), "/a/x.db".into());
    check(&["--db=/a/x.db"], None, "/a/x.db".into());
    check(&["--verbose", "--db", "rel.db"], None, "rel.db".into());
    check(&[], Some("/b/y.db"), "/b/y.db".into());
    // A flag without its value is no choice: the environment, else the default, decides.
    check(&["--db"], Some("/b/y.db"), "/b/y.db".into());
    check(&["--db"], None, default.clone());
    check(&[], None, default);
}

#[test]
fn webkit_runs_lean_unless_the_station_chose_otherwise() {
    // Nothing set: no compositing, no optimizing JIT (issue 19: memory under software GL).
    let none = |_: &str| None;
    assert_eq!(
        webkit_env(none),
        vec![("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("JSC_useDFGJIT", "false")]
    );
    // A value given at start stays, whatever it is (`0` gives compositing back on a PC with a GPU).
    let compositing_on = |name: &str| (name == "WEBKIT_DISABLE_COMPOSITING_MODE").then(|| "0".into());
    assert_eq!(webkit_env(compositing_on), vec![("JSC_useDFGJIT", "false")]);
    let all_set = |_: &str| Some("1".into());
    assert_eq!(webkit_env(all_set), vec![]);
}

#[test]
fn the_app_hands_its_freed_heap_back_unless_the_station_chose_otherwise() {
    use std::time::Duration;
    // Nothing set, or nothing readable: every TRIM_SECONDS (issue 19: the app's growth with use).
    assert_eq!(trim_every(None), Some(Duration::from_secs(TRIM_SECONDS)));
    assert_eq!(trim_every(Some("often")), Some(Duration::from_secs(TRIM_SECONDS)));
    // The station's own period, or `0`: never (glibc keeps what it keeps).
    assert_eq!(trim_every(Some(" 5 ")), Some(Duration::from_secs(5)));
    assert_eq!(trim_every(Some("0")), None);
}

#[test]
fn the_first_start_sets_up_a_station_and_errors_reach_the_window_as_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    let w = Window::open(&db);
    // No station yet: the status says so instead of failing, and nothing is created.
    let status = w.call("app_status", json!({})).unwrap();
    assert_eq!((status["station"].clone(), status["db_path"].as_str()), (Value::Null, db.to_str()));
    assert!(!db.exists());
    assert_eq!(code(w.call("find_patients", json!({ "query": "王" }))), "not_logged_in");
    assert_eq!(code(w.call("departments", json!({}))), "db_missing");

    let s = setup();
    let input = json!({
        "input": { "hospital": s.hospital, "code": s.code, "station_name": s.station_name,
                   "admin_name": s.admin_name, "admin_pin": s.admin_pin }
    });
    let status = w.call("setup_station", input).unwrap();
    assert_eq!(status["station"]["code"], "MZ01");
    assert_eq!(status["operator"]["name"], "王管理", "setup logs the administrator in");
    assert!(db.exists());

    // A core error arrives as its code with both messages; the session is kept.
    assert_eq!(
        code(w.call("login", json!({ "input": { "name": "王管理", "pin": "000000" } }))),
        "pin_wrong"
    );
    assert_eq!(code(w.call("receipt", json!({ "receipt_no": "MZ01-000999" }))), "receipt_unknown");
    assert_eq!(
        code(w.call("print_queue_slip", json!({ "id": "not-an-id" }))),
        "registration_unknown"
    );
    assert_eq!(code(w.call("shift_report", json!({ "shift_id": "nonsense" }))), "id_invalid");
    // A half-typed supervisor is refused by the core's one rule.
    let half = json!({ "lines": [], "supervisor": { "name": "", "pin": "2468" } });
    assert_eq!(code(w.call("price_draft", half)), "supervisor_incomplete");
    // Only PDFs the desk saved can be opened.
    let outside = dir.path().join("x.pdf");
    std::fs::write(&outside, b"%PDF-1.4").unwrap();
    assert_eq!(code(w.call("open_pdf", json!({ "path": outside }))), "pdf_unknown");
    // After logout every command that needs an operator says so.
    w.call("logout", json!({})).unwrap();
    assert_eq!(code(w.call("receipt", json!({ "receipt_no": "MZ01-000001" }))), "not_logged_in");
    assert_eq!(code(w.call("print_queue_slip", json!({ "id": "x" }))), "not_logged_in");
}

#[test]
fn documents_printed_from_the_window_are_saved_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    // A station in an outage, a cashier on shift and a registration, made with the core.
    let registration = {
        let mut desk = Desk::init(&db, &setup()).unwrap();
        let admin = desk.authenticate("王管理", "123456").unwrap();
        desk.import_sample_catalog(&admin, &mut |_, _| {}).unwrap();
        let depts = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/departments.csv")).unwrap();
        desk.import_departments(&admin, &depts, "departments.csv").unwrap();
        desk.start_outage(&admin, "HIS 宕机", None, "").unwrap();
        desk.add_operator(&admin, "李收费", Role::Cashier, "2468").unwrap();
        let cashier = desk.authenticate("李收费", "2468").unwrap();
        desk.open_shift(&cashier, Fen::ZERO).unwrap();
        let p = desk
            .add_patient(
                &cashier,
                &NewPatient {
                    name: "张三".into(),
                    sex: "M".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        // 便民门诊 takes no fee: nothing to pay.
        let free = NewRegistration::new(p.downtime_no.clone().unwrap(), "NK", "convenience", vec![]);
        desk.register(&cashier, &free).unwrap().id
    };
    let w = Window::open(&db);
    w.call("login", json!({ "input": { "name": "李收费", "pin": "2468" } })).unwrap();
    let printed = w.call("print_queue_slip", json!({ "id": registration.to_string() })).unwrap();
    let path = PathBuf::from(printed["pdf_path"].as_str().unwrap());
    assert_eq!(path.parent(), Some(dir.path().join("receipts").as_path()));
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF"));
    // No printer is set: saved, not sent, and the window is told why in both languages.
    assert_eq!(printed["sent_to_printer"], false);
    assert!(printed["problem"].as_str().is_some() && printed["problem_en"].as_str().is_some());
}

/// #17: the app, like every command, refuses an empty file and another program's SQLite file
/// with one sentence — at start, and when its setup screen is submitted — and never writes to
/// either (only a missing file is the first start, which setup creates).
#[test]
fn an_empty_or_another_programs_file_is_refused_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let foreign = dir.path().join("notes.db");
    let notes = downtime_core::store::Schema {
        migrations: &["CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"],
        append_only: &[],
        application_id: 0x4e4f5445,
        page_size: None,
    };
    drop(downtime_core::store::open_file(&foreign, &notes, 1).unwrap());
    // Each file's name and bytes (as a hash), but the window's own lock file `<file>-instance`
    // (empty, never the station's): no `-wal`, `-shm` or journal appears, no byte changes.
    let files = |d: &std::path::Path| -> Vec<(String, u64)> {
        use std::hash::{Hash, Hasher};
        let mut all: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.to_string_lossy().ends_with("-instance"))
            .map(|p| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                std::fs::read(&p).unwrap_or_default().hash(&mut h);
                (p.file_name().unwrap().to_string_lossy().into_owned(), h.finish())
            })
            .collect();
        all.sort();
        all
    };
    let before = files(dir.path());
    for (db, expected) in [(&empty, "db_empty"), (&foreign, "db_not_database")] {
        let w = Window::open(db);
        assert_eq!(code(w.call("app_status", json!({}))), expected, "{}", db.display());
        let s = setup();
        let input = json!({
            "input": { "hospital": s.hospital, "code": s.code, "station_name": s.station_name,
                       "admin_name": s.admin_name, "admin_pin": s.admin_pin }
        });
        assert_eq!(code(w.call("setup_station", input)), expected, "{}", db.display());
        let e = w.call("app_status", json!({})).unwrap_err();
        let message = e["message"].as_str().unwrap();
        assert!(
            !message.contains('\n') && message.contains(db.file_name().unwrap().to_str().unwrap()),
            "{message}"
        );
    }
    assert_eq!(files(dir.path()), before, "nothing was written beside or into either file");
}
