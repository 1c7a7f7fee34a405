//! The station file itself (#17): only `init` creates one; a missing, empty or foreign file is
//! refused with one sentence and never written; read-only commands work on read-only media;
//! a stale `-shm` is recovered; a new station is 0600 in a 0700 folder.

use crate::{run_db, Run, Station, INIT_MZ01};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file's bytes, to prove nothing was written.
fn digest(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Commands of every kind: they must all refuse a path without a station, and create nothing.
const EVERY_KIND: &[&[&str]] = &[
    &["verify"],
    &["verify", "--json"],
    &["station", "show"],
    &["--as", "王管理", "--pin", "123456", "patient", "find", "张"],
    &["--as", "王管理", "--pin", "123456", "receipt", "list"],
    &[
        "--as",
        "王管理",
        "--pin",
        "123456",
        "operator",
        "add",
        "李收费",
        "--role",
        "cashier",
        "--pin",
        "2468",
    ],
    &["--as", "王管理", "--pin", "123456", "outage", "start", "--reason", "HIS 宕机"],
    &["catalog", "search", "zcf"],
];

#[test]
fn a_mistyped_path_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub").join("station.db");
    for args in EVERY_KIND {
        run_db(&db, args).fails_with("这里没有工作站数据库");
        assert!(!db.exists() && !dir.path().join("sub").exists(), "{args:?} created something");
    }
    let r = run_db(&db, &["verify"]);
    assert_ne!(r.code, 0);
    assert!(!r.stdout.contains("流水完整"), "{}", r.stdout);
}

#[test]
fn an_empty_file_is_refused_and_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    std::fs::write(&db, b"").unwrap();
    for args in EVERY_KIND {
        run_db(&db, args).fails_with("数据库文件是空的");
        assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "{args:?} wrote to the empty file");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no -wal or -shm left beside it");
}

#[test]
fn another_programs_database_is_refused_and_never_migrated() {
    // A rollback-journal file and a WAL one (where even a read-only look would leave a `-shm`
    // and a `-wal` beside it): refused, not a byte changed, nothing left beside it.
    for (name, mode) in [("other.db", "DELETE"), ("other-wal.db", "WAL")] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(name);
        foreign_sqlite_file(&db, mode);
        let before = digest(&db);
        for args in EVERY_KIND {
            run_db(&db, args).fails_with("这不是 Downtime Desk 的数据库文件");
            assert_eq!(digest(&db), before, "{args:?} changed another program's file");
            let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(beside.len(), 1, "{args:?} left {beside:?}");
        }
    }
}

/// Another program's SQLite file in journal `mode`, made with the `sqlite3` shell.
fn foreign_sqlite_file(path: &Path, mode: &str) {
    let ok = Command::new("sqlite3")
        .arg(path)
        .arg(format!("PRAGMA journal_mode={mode}; CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('购物清单');"))
        .status()
        .expect("sqlite3 is installed by the setup script")
        .success();
    assert!(ok);
}

#[test]
fn init_makes_the_station_private_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new-folder").join("station.db");
    let s = Station { dir };
    let init = |code: &str| {
        run_db(
            &db,
            &[
                "init",
                "--hospital",
                "市第一人民医院",
                "--station",
                code,
                "--station-name",
                "门诊收费一号窗",
                "--admin",
                "王管理",
                "--admin-pin",
                "123456",
            ],
        )
    };
    init("MZ01").out();
    assert_eq!(mode(db.parent().unwrap()), 0o700, "the folder");
    assert_eq!(mode(&db), 0o600, "the file");
    s.as_in(
        &db,
        "王管理",
        "123456",
        &["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"],
    )
    .out();
    assert_eq!(mode(&db), 0o600, "the file after writing");
    let before = digest(&db);
    init("MZ02").fails_with("本数据库已经是工作站 MZ01");
    assert_eq!(digest(&db), before);
    // A station made before files were private is tightened when next opened to write.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    s.as_in(&db, "王管理", "123456", &["outage", "start", "--reason", "HIS 宕机"]).out();
    assert_eq!(mode(&db), 0o600);
}

impl Station {
    fn as_in(&self, db: &Path, name: &str, pin: &str, args: &[&str]) -> Run {
        let mut all = vec!["--as", name, "--pin", pin];
        all.extend_from_slice(args);
        run_db(db, &all)
    }
}

/// Runs `downtime` as a user without privileges: `nobody` when the tests run as root (where
/// file modes would not bind), else as is.
fn run_plain(db: &Path, args: &[&str]) -> Run {
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"]).arg(crate::bin());
        c
    } else {
        Command::new(crate::bin())
    };
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DOWNTIME_OPERATOR")
        .env_remove("DOWNTIME_PIN")
        .env("DOWNTIME_LANG", "zh_CN.UTF-8");
    Run::from(cmd.output().unwrap())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A folder the plain user owns, with a station in it worked a little.
fn plain_station() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    if is_root() {
        std::os::unix::fs::chown(dir.path(), Some(65534), Some(65534)).unwrap();
    }
    let db = dir.path().join("station.db");
    run_plain(&db, &INIT_MZ01).out();
    run_plain(
        &db,
        &["--as", "王管理", "--pin", "123456", "outage", "start", "--reason", "HIS 宕机"],
    )
    .out();
    (dir, db)
}

#[test]
fn a_stale_read_only_shm_is_recovered() {
    let (dir, db) = plain_station();
    // Left behind by another user's process (here: root, or a file made read-only).
    let shm = dir.path().join("station.db-shm");
    std::fs::write(&shm, vec![0u8; 32768]).unwrap();
    std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = run_plain(
        &db,
        &[
            "--as",
            "王管理",
            "--pin",
            "123456",
            "operator",
            "add",
            "李收费",
            "--role",
            "cashier",
            "--pin",
            "2468",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    assert!(!r.stderr.contains("readonly"), "{}", r.stderr);
    run_plain(&db, &["verify"]).out();
    assert_eq!(run_plain(&db, &["operator", "list"]).out().lines().count(), 2);
}

#[test]
fn read_only_commands_work_on_read_only_media() {
    let (dir, db) = plain_station();
    run_plain(
        &db,
        &[
            "--as",
            "王管理",
            "--pin",
            "123456",
            "operator",
            "add",
            "李收费",
            "--role",
            "cashier",
            "--pin",
            "2468",
        ],
    )
    .out();
    // Write-protected: the folder and the file, as a stick with its switch set or a CD.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = (digest(&db), listing());
    let verified = run_plain(&db, &["verify"]);
    assert!(verified.out().contains("流水完整"), "{}", verified.stdout);
    assert!(run_plain(&db, &["station", "show"]).out().contains("MZ01"));
    assert!(run_plain(&db, &["operator", "list"]).out().contains("李收费"));
    run_plain(&db, &["--as", "王管理", "--pin", "123456", "receipt", "list"]).out();
    run_plain(&db, &["--as", "王管理", "--pin", "123456", "patient", "find", "张"]).out();
    // A change is refused with one sentence (not SQLite's words).
    run_plain(&db, &["--as", "王管理", "--pin", "123456", "outage", "end"]).fails_with("无法写入");
    assert_eq!((digest(&db), listing()), before, "nothing was written on the read-only media");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    println!(
        "read-only media: write-protected folder and file, as {}",
        if is_root() { "nobody" } else { "this user" }
    );
}

/// A read-only mount (a small tmpfs remounted read-only) where the machine allows mounting.
#[test]
fn read_only_commands_work_on_a_read_only_mount() {
    let s = Station::new();
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    let Some(mount) = Tmpfs::mount(8) else {
        println!("read-only mount: this machine does not allow mounting a tmpfs (not root); the write-protected folder test covers read-only media");
        return;
    };
    let db = mount.path.join("station.db");
    std::fs::copy(s.db(), &db).unwrap();
    assert!(mount.remount_read_only());
    assert!(run_db(&db, &["verify"]).out().contains("流水完整"));
    assert!(run_db(&db, &["operator", "list"]).out().contains("李收费"));
    run_db(&db, &["--as", "王管理", "--pin", "123456", "receipt", "list"]).out();
    // A wrong PIN cannot be counted on read-only media, but is still refused.
    run_db(&db, &["--as", "王管理", "--pin", "000000", "receipt", "list"]).fails_with("PIN 不正确");
    run_db(&db, &["--as", "王管理", "--pin", "123456", "outage", "start", "--reason", "x"]).fails_with("无法写入");
    println!("read-only mount: verify, lists and searches ran on a read-only tmpfs");
}

/// A small tmpfs mounted for a test and unmounted when dropped; none where mounting is not
/// allowed.
pub struct Tmpfs {
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(mib: u32) -> Option<Tmpfs> {
        if !is_root() {
            return None;
        }
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m,mode=0755"), "tmpfs"])
            .arg(dir.path())
            .status()
            .ok()?
            .success();
        ok.then(|| Tmpfs {
            path: dir.path().to_path_buf(),
            _dir: dir,
        })
    }

    pub fn remount_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[test]
fn a_damaged_file_is_one_sentence_and_never_written() {
    let s = Station::new();
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    let db = s.db();
    // The journal's first page, overwritten in the middle.
    let out = Command::new("sqlite3")
        .arg(&db)
        .arg("PRAGMA journal_mode=DELETE; SELECT rootpage FROM sqlite_schema WHERE name = 'journal';")
        .output()
        .unwrap();
    let root: usize = String::from_utf8_lossy(&out.stdout).lines().last().unwrap().trim().parse().unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    for b in &mut bytes[(root - 1) * 4096 + 8..(root - 1) * 4096 + 400] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    for args in [
        &["verify"][..],
        &["station", "show"],
        &["--as", "王管理", "--pin", "123456", "outage", "start", "--reason", "x"],
    ] {
        let r = run_db(&db, args);
        r.fails_with("已损坏");
        assert!(
            !r.stderr.contains("Page") && !r.stderr.contains("btree"),
            "no quick_check pages: {}",
            r.stderr
        );
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{args:?} wrote to the damaged file");
    }
}

/// The command line while another process (the app's window, a second script) holds the
/// station's write lock past the busy timeout: one sentence, 另一个窗口正在保存, never SQLite's
/// "database is locked"; nothing written; the same command goes through once the lock is free.
#[test]
fn a_write_while_another_process_saves_is_one_clear_sentence() {
    use std::io::Write;
    let s = crate::Station::new();
    // `sqlite3` (installed by scripts/setup.sh) stands in for the other writer: it takes the
    // write lock and keeps it.
    let mut other = Command::new("sqlite3")
        .arg(s.db())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sqlite3 is installed by the setup script");
    let mut stdin = other.stdin.take().unwrap();
    writeln!(stdin, "BEGIN IMMEDIATE;\nSELECT 'held';").unwrap();
    stdin.flush().unwrap();
    let mut held = [0u8; 5];
    std::io::Read::read_exact(other.stdout.as_mut().unwrap(), &mut held).unwrap();
    assert_eq!(&held, b"held\n");
    let add = [
        "--as",
        "王管理",
        "--pin",
        "123456",
        "operator",
        "add",
        "李收费",
        "--role",
        "cashier",
        "--pin",
        "2468",
    ];
    let started = std::time::Instant::now();
    let r = s.run(&add);
    println!("refused after {} ms of waiting", started.elapsed().as_millis());
    r.fails_with("另一个窗口正在保存，请稍后再试");
    assert!(!r.stderr.contains("locked"), "{}", r.stderr);
    drop(stdin); // the other writer ends without committing
    other.wait().unwrap();
    s.run(&add).out();
    assert_eq!(s.run(&["operator", "list"]).out().lines().count(), 2);
    s.run(&["verify"]).out();
}

/// #17: processes racing for the same change (three windows or scripts adding one operator,
/// starting one outage, at the same moment) get one success and, for the others, the sentence
/// a person can act on, never SQLite's text ("UNIQUE constraint failed", a trigger's message).
#[test]
fn racing_processes_get_one_success_and_clear_sentences() {
    let s = Station::new();
    s.admin(&["operator", "add", "陈主管", "--role", "supervisor", "--pin", "1357"])
        .out();
    let race = |name: &str, pin: &str, args: &[&str]| -> Vec<Run> {
        std::thread::scope(|scope| {
            let runs: Vec<_> = (0..3).map(|_| scope.spawn(|| s.as_(name, pin, args))).collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        })
    };
    let mut tried = 0;
    for round in 0..5 {
        let operator = format!("同名{round}");
        for (runs, already) in [
            (
                race(
                    "王管理",
                    "123456",
                    &["operator", "add", &operator, "--role", "cashier", "--pin", "2468"],
                ),
                "已经存在",
            ),
            (race("陈主管", "1357", &["outage", "start", "--reason", "HIS 宕机"]), "已经在进行中"),
        ] {
            tried += runs.len();
            let said: Vec<&str> = runs.iter().map(|r| r.stderr.as_str()).collect();
            assert_eq!(runs.iter().filter(|r| r.ok).count(), 1, "{said:?}");
            for r in runs.iter().filter(|r| !r.ok) {
                // (On a loaded machine one may wait past the busy timeout: that sentence is
                // clear too.)
                assert!(
                    r.stderr.contains(already) || r.stderr.contains("另一个窗口正在保存"),
                    "{already}: {}",
                    r.stderr
                );
                for words in ["constraint", "UNIQUE", "数据库错误", "another outage", "locked"] {
                    assert!(!r.stderr.contains(words), "SQLite's words reached the person: {}", r.stderr);
                }
            }
        }
        s.as_("陈主管", "1357", &["outage", "end"]).out();
    }
    s.run(&["verify"]).out();
    println!("races: {tried} racing commands in 10 rounds, one success each, the rest one clear sentence");
}
