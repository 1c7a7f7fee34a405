//! Tests of the Tauri shell on Tauri's mock runtime: every call goes through the real invoke
//! layer — the access control (capabilities), argument parsing, the command, the core — as a
//! call from the window does, with a temporary station file and no window.

mod capabilities;
mod instance;
mod restart;
mod roles;
mod shell;

use downtime_core::station::Setup;
use downtime_core::{Actor, Desk, Fen, Role};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// The app as `run()` builds it (the same `register()`, state and capabilities), on the mock
/// runtime, with its main window.
pub struct Window {
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

impl Window {
    pub fn open(db: &Path) -> Window {
        Window::open_with(db, mock_builder())
    }

    /// The app with its restart rule at `mark_mb` (as `DOWNTIME_RESTART_MARK_MB`), which on the
    /// mock runtime closes the store and releases the station but starts nothing.
    pub fn open_restarting(db: &Path, mark_mb: Option<u64>) -> Window {
        Window::open_restarting_into(db, mark_mb, None)
    }

    /// As [`Window::open_restarting`], with the program a restart would start.
    pub fn open_restarting_into(db: &Path, mark_mb: Option<u64>, successor: Option<downtime_desk::restart::Successor>) -> Window {
        let restart = downtime_desk::restart::Restart { mark_mb, successor };
        Window::open_with(db, mock_builder().manage(restart))
    }

    fn open_with(db: &Path, builder: tauri::Builder<MockRuntime>) -> Window {
        let app = downtime_desk::register(builder)
            .manage(downtime_desk::ShellState::new(downtime_desk::open_shell(db.to_path_buf())))
            .manage(downtime_desk::commands::files::Picked::default())
            .build(tauri::generate_context!(test = true))
            .expect("mock app");
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("main window");
        Window { _app: app, webview }
    }

    /// Invokes `cmd` with JSON arguments as the UI's `invoke(cmd, args)` does.
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.request(cmd, InvokeBody::Json(args), &[])
    }

    /// Invokes `cmd` with a raw body and headers, as the UI sends a chosen file.
    pub fn send_file(&self, cmd: &str, bytes: &[u8], headers: &[(&str, &str)]) -> Result<Value, Value> {
        self.request(cmd, InvokeBody::Raw(bytes.to_vec()), headers)
    }

    fn request(&self, cmd: &str, body: InvokeBody, headers: &[(&str, &str)]) -> Result<Value, Value> {
        let mut map = tauri::http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                tauri::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                tauri::http::HeaderValue::from_str(v).unwrap(),
            );
        }
        tauri::test::get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body,
                headers: map,
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    /// Logs `name` in (PIN 2468 for every operator but the administrator).
    pub fn login(&self, name: &str) {
        let pin = if name == ADMIN { ADMIN_PIN } else { PIN };
        self.call("login", json!({ "input": { "name": name, "pin": pin } }))
            .unwrap_or_else(|e| panic!("login {name}: {e}"));
    }

    /// The error code of a refused call (panics if the call went through).
    pub fn refused(&self, cmd: &str, args: Value) -> String {
        code_of(cmd, self.call(cmd, args))
    }
}

pub fn code_of(cmd: &str, r: Result<Value, Value>) -> String {
    match r {
        Ok(v) => panic!("{cmd} went through: {v}"),
        Err(e) => e["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{cmd}: not an IpcError: {e}"))
            .to_string(),
    }
}

pub const ADMIN: &str = "王管理";
pub const ADMIN_PIN: &str = "123456";
pub const PIN: &str = "2468";
pub const CASHIER: &str = "李收费";
pub const SUPERVISOR: &str = "陈主管";
pub const SUPERVISOR2: &str = "孙主管";
pub const FINANCE: &str = "赵财务";
pub const ADMISSIONS: &str = "钱住院";

pub const PRICE_LIST: &str =
    "编码,名称,规格,单位,单价,费用类别\r\nY1,阿莫西林胶囊,0.25g×24粒,盒,12.5,西药费\r\nL1,血常规,,项,20,化验费\r\n";

/// A station in an outage with an administrator, a cashier (shift open), two supervisors,
/// finance and an admissions clerk, a two-item price list and one patient, DT-MZ01-000001.
pub struct Station {
    pub dir: tempfile::TempDir,
}

impl Station {
    pub fn new() -> Station {
        let dir = tempfile::tempdir().unwrap();
        let setup = Setup {
            hospital: "市第一人民医院".into(),
            code: "MZ01".into(),
            station_name: "门诊收费一号窗".into(),
            admin_name: ADMIN.into(),
            admin_pin: ADMIN_PIN.into(),
        };
        let mut desk = Desk::init(dir.path().join("station.db"), &setup).unwrap();
        let admin = desk.authenticate(ADMIN, ADMIN_PIN).unwrap();
        desk.catalog_import(
            &admin,
            PRICE_LIST.as_bytes(),
            "价目表2026-11.csv",
            &Default::default(),
            false,
            &mut |_, _| {},
        )
        .unwrap();
        desk.start_outage(&admin, "HIS 宕机", None, "").unwrap();
        let add = |desk: &mut Desk, name: &str, role: Role| -> Actor {
            desk.add_operator(&admin, name, role, PIN).unwrap();
            desk.authenticate(name, PIN).unwrap()
        };
        let cashier = add(&mut desk, CASHIER, Role::Cashier);
        add(&mut desk, SUPERVISOR, Role::Supervisor);
        add(&mut desk, SUPERVISOR2, Role::Supervisor);
        add(&mut desk, FINANCE, Role::Finance);
        add(&mut desk, ADMISSIONS, Role::Admissions);
        desk.open_shift(&cashier, Fen::new(20000).unwrap()).unwrap();
        desk.add_patient(
            &cashier,
            &downtime_core::patient::NewPatient {
                name: "张三".into(),
                sex: "M".into(),
                ..Default::default()
            },
        )
        .unwrap();
        Station { dir }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("station.db")
    }

    /// Journal entries in the file: a refusal adds none (but a wrong PIN, which is counted).
    pub fn entries(&self) -> i64 {
        Desk::open_read_only(self.db()).unwrap().verify().unwrap().entries
    }
}

/// A charge of one blood test (¥20) in cash for the patient, as the payment panel sends it.
pub fn blood_test(supervisor: Option<(&str, &str)>, free_text: bool) -> Value {
    let line = if free_text {
        json!({ "code": null, "qty": "1", "doses": null, "free_name": "自制膏药", "free_unit": "贴",
                "free_unit_price": "20", "free_category": "treatment", "free_reason": "价目表遗漏" })
    } else {
        json!({ "code": "L1", "qty": "1", "doses": null, "free_name": null, "free_unit": null,
                "free_unit_price": null, "free_category": null, "free_reason": null })
    };
    json!({ "input": {
        "id": uuid::Uuid::now_v7().to_string(), "patient": "DT-MZ01-000001", "visit": null,
        "lines": [line], "tenders": [{ "method": "cash", "amount_fen": 2000, "reference": "" }],
        "cash_tendered_fen": 2000, "insured": false, "self_pay_reason": null, "paper_no": null,
        "back_entered_at": null,
        "supervisor": supervisor.map(|(name, pin)| json!({ "name": name, "pin": pin })),
    }})
}
