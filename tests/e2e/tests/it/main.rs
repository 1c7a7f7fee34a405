//! End-to-end tests: the real built app (`target/debug/downtime-desk`, built with the
//! `custom-protocol` feature after `npm run build`), driven through `tauri-driver` and
//! WebKitWebDriver under Xvfb (`make test` wraps this in `xvfb-run`). Each test starts the
//! app on a fresh database in a temporary HOME and saves screenshots under
//! `target/e2e-screens/`. Ports 4444/4445 are fixed, so tests run one at a time.

mod admission;
mod catalog;
mod charge;
mod counter;
mod crash;
mod export;
mod foundation;
mod handover;
mod paper;
mod patient_correction;
mod payback;
mod pharmacy;
mod pressure;
mod reconcile;
mod registration;
mod restart;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;
use tempfile::TempDir;

pub const ENTER: &str = "\u{E007}";
pub const ESC: &str = "\u{E00C}";
pub const F2: &str = "\u{E032}";
pub const F3: &str = "\u{E033}";
pub const F4: &str = "\u{E034}";
pub const F5: &str = "\u{E035}";
pub const F6: &str = "\u{E036}";
pub const F7: &str = "\u{E037}";
pub const F8: &str = "\u{E038}";
pub const F9: &str = "\u{E039}";
pub const TAB: &str = "\u{E004}";
pub const ARROW_UP: &str = "\u{E013}";
pub const ARROW_DOWN: &str = "\u{E015}";
pub const F10: &str = "\u{E03A}";
pub const F11: &str = "\u{E03B}";
pub const F12: &str = "\u{E03C}";
/// Ctrl+O, then release every modifier (WebDriver keeps modifiers down until NULL).
pub const CTRL_O: &str = "\u{E009}o\u{E000}";
pub const CTRL_P: &str = "\u{E009}p\u{E000}";
pub const CTRL_K: &str = "\u{E009}k\u{E000}";
pub const CTRL_L: &str = "\u{E009}l\u{E000}";
pub const SELECT_ALL: &str = "\u{E009}a\u{E000}";
pub const BACKSPACE: &str = "\u{E003}";
pub const DELETE: &str = "\u{E017}";
pub const INSERT: &str = "\u{E016}";

/// How many key presses a WebDriver key string is: each character or key one press; a modifier
/// held with a key (Ctrl+Enter) adds none, nor does releasing it (NULL).
pub fn key_presses(keys: &str) -> usize {
    keys.chars()
        .filter(|c| !matches!(c, '\u{E000}' | '\u{E008}'..='\u{E00A}' | '\u{E03D}'))
        .count()
}

/// One test at a time: WebDriver ports are fixed.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The app under test: `target/debug/downtime-desk`, or `DOWNTIME_E2E_APP` (e.g. a release
/// build, for the start-up figure).
pub fn app_binary() -> PathBuf {
    let p = std::env::var_os("DOWNTIME_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/debug/downtime-desk"));
    assert!(p.exists(), "build the app first (make build): {}", p.display());
    p
}

/// `tauri-driver` in its own process group; on drop, SIGTERM then SIGKILL to the whole group
/// so no WebKitWebDriver is left holding port 4445 for the next test.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let pgid = self.0.id() as i32;
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        std::thread::sleep(Duration::from_millis(300));
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

fn tauri_driver() -> PathBuf {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
        return p.into();
    }
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo"));
    home.join("bin/tauri-driver")
}

/// A running app on its own database.
pub struct App {
    pub client: Client,
    pub home: TempDir,
    _driver: Driver,
    name: String,
    shots: u32,
    /// Key presses sent by `keys` (a chord such as Ctrl+Enter is one press).
    presses: std::sync::atomic::AtomicUsize,
    /// From asking the driver for the app to the WebDriver session being up (process start,
    /// WebView and driver), as the harness saw it.
    pub session_up: Duration,
    /// When the driver was asked for the app (the start of the start-up figure).
    pub asked_at: std::time::Instant,
}

impl App {
    pub fn db(&self) -> PathBuf {
        self.home.path().join("station.db")
    }

    /// Starts the app on a fresh database; `prepare` may fill the database first.
    pub async fn start(name: &str, prepare: impl FnOnce(&Path)) -> App {
        let home = tempfile::tempdir().unwrap();
        prepare(&home.path().join("station.db"));
        App::start_in(name, home).await
    }

    /// Starts the app on a fresh database with variables of its own (the restart's mark).
    pub async fn start_with(name: &str, prepare: impl FnOnce(&Path), env: &[(&str, &str)]) -> App {
        let home = tempfile::tempdir().unwrap();
        prepare(&home.path().join("station.db"));
        App::start_in_with(name, home, env).await
    }

    /// Starts the app again in `home` (its database and WebKit data), as after a restart.
    pub async fn start_in(name: &str, home: TempDir) -> App {
        App::start_in_with(name, home, &[]).await
    }

    /// [`App::start_in`] with variables for the app. The app never restarts itself at a
    /// sign-out (`DOWNTIME_RESTART_MARK_MB=0`: WebDriver cannot follow a new process) unless
    /// `env` sets a mark.
    pub async fn start_in_with(name: &str, home: TempDir, env: &[(&str, &str)]) -> App {
        let db = home.path().join("station.db");
        for port in [4444, 4445] {
            assert!(
                std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
                "port {port} is still taken by an earlier run"
            );
        }
        use std::os::unix::process::CommandExt;
        let child = Command::new(tauri_driver())
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("DOWNTIME_DB", &db)
            // The system file dialog cannot be clicked here: `will_pick` answers it instead.
            .env("DOWNTIME_PICK_FILE", home.path().join("pick-file"))
            .env("TZ", "Asia/Shanghai")
            .env("DOWNTIME_RESTART_MARK_MB", "0")
            .envs(env.iter().copied())
            .process_group(0)
            .spawn()
            .expect("tauri-driver is installed by the setup script");
        let driver = Driver(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", 4444)).is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let asked = std::time::Instant::now();
        let caps = serde_json::json!({
            "browserName": "wry",
            "tauri:options": { "application": app_binary() }
        });
        // The driver may take a moment to bring up WebKitWebDriver behind it: retry a little.
        let mut client = None;
        for attempt in 0..10 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.as_object().unwrap().clone())
                .connect("http://127.0.0.1:4444")
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(e) if attempt < 9 => {
                    eprintln!("tauri-driver not ready ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("connect to tauri-driver: {e}"),
            }
        }
        let client = client.expect("connected");
        App {
            client,
            home,
            _driver: driver,
            name: name.to_string(),
            shots: 0,
            presses: Default::default(),
            session_up: asked.elapsed(),
            asked_at: asked,
        }
    }

    pub async fn by_id(&self, id: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!("[data-testid='{id}']")))
            .await;
        match found {
            Ok(e) => e,
            Err(e) => {
                // What the window showed instead, for whoever reads the failure.
                if let Ok(png) = self.picture().await {
                    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screens");
                    let _ = std::fs::create_dir_all(&dir);
                    let _ = std::fs::write(dir.join(format!("{}-missing-{id}.png", self.name)), png);
                }
                panic!("no element [data-testid={id}]: {e}")
            }
        }
    }

    pub async fn exists(&self, id: &str) -> bool {
        self.client.find(Locator::Css(&format!("[data-testid='{id}']"))).await.is_ok()
    }

    /// Waits until `id` is gone.
    pub async fn gone(&self, id: &str) {
        for _ in 0..100 {
            if !self.exists(id).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("[data-testid={id}] is still shown");
    }

    /// Waits until the element's text contains `needle`, and returns the text.
    pub async fn text_contains(&self, id: &str, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            if let Ok(e) = self.client.find(Locator::Css(&format!("[data-testid='{id}']"))).await {
                last = e.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("[data-testid={id}] never said {needle:?}; last text {last:?}");
    }

    /// Types into the field with `id` (clicking nothing: focus must already be right, or the
    /// field is focused by keyboard as a person would with Tab).
    pub async fn type_into(&self, id: &str, text: &str) {
        let e = self.by_id(id).await;
        e.send_keys(text).await.unwrap();
    }

    /// The next system file dialog chooses `path` (as a person would, without showing it).
    pub fn will_pick(&self, path: &Path) {
        std::fs::write(self.home.path().join("pick-file"), path.to_str().unwrap()).unwrap();
    }

    /// Presses keys wherever the focus is now. When the focused element is replaced between
    /// finding it and typing (a form re-rendered by the previous key), the new one is found.
    pub async fn keys(&self, keys: &str) {
        self.presses.fetch_add(key_presses(keys), std::sync::atomic::Ordering::Relaxed);
        for _ in 0..3 {
            let e = self.client.active_element().await.unwrap();
            match e.send_keys(keys).await {
                Err(fantoccini::error::CmdError::Standard(w)) if w.error == fantoccini::error::ErrorStatus::StaleElementReference => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                other => return other.unwrap(),
            }
        }
        panic!("the focused element kept being replaced while typing {keys:?}");
    }

    /// Key presses sent through `keys` so far.
    pub fn presses(&self) -> usize {
        self.presses.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// In the focused patient search box: types `query` over what is there (WebDriver's clear
    /// would take the focus away), waits for the list's answer to the whole query (it answers
    /// every keystroke) to show `expect` first, and picks it with Enter.
    pub async fn pick_patient(&self, query: &str, expect: &str) {
        self.wait_focus("patient-search").await;
        self.keys(SELECT_ALL).await;
        self.keys(BACKSPACE).await;
        self.keys(query).await;
        self.answered("patient-results", query).await;
        let first = self.by_id("patient-row").await.text().await.unwrap_or_default();
        assert!(first.contains(expect), "the first match for {query:?} is {first:?}, not {expect:?}");
        self.keys(ENTER).await;
    }

    /// Waits until the result list `id` shows the answer to `query` (the list's
    /// `data-answers`: replies to earlier keystrokes do not count) and returns its text.
    pub async fn answered(&self, id: &str, query: &str) -> String {
        let css = format!("[data-testid='{id}'][data-answers='{}']", query.replace('\'', "\\'"));
        let list = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&css))
            .await
            .unwrap_or_else(|e| panic!("[data-testid={id}] never answered {query:?}: {e}"));
        list.text().await.unwrap_or_default()
    }

    /// Waits until the window has painted twice: effects that run a frame after a change
    /// (keeping the focus in view) have run, and the picture shows the DOM just checked.
    pub async fn frames(&self) {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await;
    }

    /// Waits until the element with `id` has the keyboard focus.
    pub async fn wait_focus(&self, id: &str) {
        for _ in 0..50 {
            if self.focused().await == id {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("focus never reached {id}; it is on {:?}", self.focused().await);
    }

    /// The data-testid of the focused element: keyboard flows assert where focus went.
    pub async fn focused(&self) -> String {
        // The focused element may be replaced between the two calls (a re-render): ask again.
        for _ in 0..5 {
            // WebKit may say the active element is stale while it is being replaced.
            let Ok(e) = self.client.active_element().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            if let Ok(id) = e.attr("data-testid").await {
                return id.unwrap_or_default();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the focused element kept being replaced");
    }

    pub async fn screenshot(&mut self, label: &str) {
        // WebKit paints asynchronously: let two animation frames pass so the picture shows
        // the DOM the assertions just saw, not the frame before it.
        self.frames().await;
        let png = self.picture().await.unwrap();
        let dir = workspace().join("target/e2e-screens");
        std::fs::create_dir_all(&dir).unwrap();
        self.shots += 1;
        std::fs::write(dir.join(format!("{}-{:02}-{label}.png", self.name, self.shots)), png).unwrap();
    }

    /// The window as a PNG. The app draws without accelerated compositing (as it ships, see
    /// `downtime_desk::run`), and then WebKit's WebDriver screenshot waits for the page's next
    /// paint: on a page where nothing changes (no caret blinking, no animation) that paint never
    /// comes and the call never returns. So while the picture is taken, one transparent pixel in
    /// the top-left corner moves every 16 ms, which makes WebKit paint without changing what the
    /// picture shows; it is removed afterwards.
    async fn picture(&self) -> Result<Vec<u8>, fantoccini::error::CmdError> {
        let _ = self
            .client
            .execute(
                "const d = document.createElement('div');
                 d.id = 'e2e-repaint';
                 d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;background:transparent;pointer-events:none;z-index:2147483647';
                 document.documentElement.appendChild(d);
                 let on = false;
                 window.__e2eRepaint = setInterval(() => { on = !on; d.style.top = on ? '1px' : '0px'; }, 16);",
                vec![],
            )
            .await;
        let png = self.client.screenshot().await;
        let _ = self
            .client
            .execute(
                "clearInterval(window.__e2eRepaint); document.getElementById('e2e-repaint')?.remove();",
                vec![],
            )
            .await;
        png
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// The text of a PDF the app saved, as `pdftotext -layout` reads it.
pub fn pdf_text(path: &str) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is installed by the setup script");
    String::from_utf8(out.stdout).unwrap()
}

/// The file path in a status line such as "PDF 已保存：/tmp/…/MZ01-000001.pdf".
pub fn path_in(text: &str) -> String {
    text[text.find('/').expect("a path")..].trim().to_string()
}

/// Keeps a PDF the test printed beside the screenshots, to be looked at.
pub fn keep_pdf(path: &str, name: &str) {
    let dir = workspace().join("target/e2e-screens");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(path, dir.join(name)).unwrap();
}

/// Runs one E2E test serially, with a timeout so the driver guard always runs.
pub async fn e2e<F, Fut>(name: &str, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let _serial = SERIAL.lock().await;
    tokio::time::timeout(Duration::from_secs(240), body(name.to_string()))
        .await
        .unwrap_or_else(|_| panic!("E2E test {name} timed out"));
}
