//! The one door of the window and the command line (`run`): every input checked before the
//! workspace exists, then load, import, reconcile and the report in one call.

use crate::fixture::fixture;
use downtime_recon::run::{self, HisFile, Load};
use downtime_recon::Clerk;

fn clerk() -> Clerk {
    Clerk::command_line("财务小王").unwrap()
}

/// An HIS file whose amount is not a number.
fn bad_his() -> HisFile {
    HisFile::Bytes {
        bytes: "应急收据号,HIS发票号,金额\nMZ01-000001,H1,十二元\n".into(),
        name: "bad.csv".into(),
    }
}

#[test]
fn a_bad_input_is_refused_before_the_workspace_exists() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("reconcile.sqlite3");
    let absent = dir.path().join("缺少的入账.csv");
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "not a folder").unwrap();
    let cases = [
        (Load::default(), "recon_nothing_to_load", ""),
        (
            Load {
                roots: vec![f.clean()],
                his: Some(HisFile::Path(absent.clone())),
                ..Load::default()
            },
            "recon_file_unreadable",
            "缺少的入账.csv",
        ),
        (
            Load {
                his: Some(bad_his()),
                ..Load::default()
            },
            "his_rows_invalid",
            "十二元",
        ),
        (
            Load {
                roots: vec![dir.path().join("absent")],
                ..Load::default()
            },
            "recon_folder_missing",
            "absent",
        ),
        (
            Load {
                roots: vec![f.clean()],
                report_to: Some(a_file.clone()),
                ..Load::default()
            },
            "recon_out_unwritable",
            "a-file",
        ),
        // The HIS file is read while the batches are verified: its error still comes first.
        (
            Load {
                roots: vec![dir.path().join("absent")],
                his: Some(bad_his()),
                ..Load::default()
            },
            "his_rows_invalid",
            "十二元",
        ),
        (
            Load {
                roots: vec![f.clean()],
                his: Some(bad_his()),
                report_to: Some(a_file.clone()),
                ..Load::default()
            },
            "his_rows_invalid",
            "十二元",
        ),
        (
            Load {
                roots: vec![f.clean()],
                his: Some(HisFile::Path(f.his())),
                report_to: Some(a_file.clone()),
                ..Load::default()
            },
            "recon_out_unwritable",
            "a-file",
        ),
    ];
    for (input, code, names) in cases {
        let e = run::load(&ws, &clerk(), input, &mut |_| {}).err().expect("refused");
        assert_eq!(e.code(), code, "{e}");
        assert!(e.to_string().contains(names), "{code} names {names}: {e}");
        assert!(!ws.exists(), "{code}: the workspace is not even created");
    }
    let e = run::write_report(&ws, None, std::path::Path::new("")).err().expect("refused");
    assert_eq!(e.code(), "recon_out_missing");
    let e = run::write_report(&ws, None, &dir.path().join("out")).err().expect("refused");
    assert_eq!(e.code(), "recon_workspace_empty", "a report of nothing is refused");
}

#[test]
fn one_call_loads_imports_reconciles_and_writes_the_report() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("reconcile.sqlite3");
    let out = dir.path().join("报告");
    let mut seen = Vec::new();
    let loaded = run::load(
        &ws,
        &clerk(),
        Load {
            roots: vec![f.clean()],
            his: Some(HisFile::Path(f.his())),
            report_to: Some(out.clone()),
            ..Load::default()
        },
        &mut |p| seen.push((p.done, p.total)),
    )
    .unwrap();
    let batches = loaded.batches.expect("folders were given");
    assert_eq!((batches.found, batches.loaded.len()), (7, 7));
    assert_eq!(seen.last(), Some(&(7, 7)), "the last progress is the whole");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(loaded.his.expect("a file was given").added > 0);
    assert!(loaded.reconciliation.balanced, "clean batches and a careful HIS balance");
    assert_eq!(loaded.view.summary.stations, 3);
    assert!(loaded.view.balanced);
    let written = loaded.report.expect("a report was asked for");
    assert!(written.files.iter().all(|p| p.starts_with(&out) && p.is_file()));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&written.files[0]).unwrap()).unwrap();
    assert_eq!(json["workspace"], ws.display().to_string());
    assert_eq!(json["generated_at"], written.generated_at);

    let again = run::write_report(&ws, None, &dir.path().join("again")).unwrap();
    assert_eq!(
        std::fs::read(&again.files[1]).unwrap(),
        std::fs::read(&written.files[1]).unwrap(),
        "the same workspace writes the same CSV"
    );
    assert_eq!(run::view(&ws, None).unwrap().summary.receipts, loaded.view.summary.receipts);
}

/// The batches the workspace at `ws` holds, as the finance screen counts them.
fn batches_held(ws: &std::path::Path) -> usize {
    run::view(ws, None).unwrap().stations.iter().map(|s| s.batches.len()).sum()
}

#[test]
fn a_second_run_on_the_same_workspace_is_refused_and_changes_nothing() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("reconcile.sqlite3");
    let first = crate::fixture::clean_batches(f, &[("MZ02", 1), ("MZ02", 2)]);
    let (_keep, some) = crate::fixture::folder_with(&first);
    run::load(
        &ws,
        &clerk(),
        Load {
            roots: vec![some],
            ..Load::default()
        },
        &mut |_| {},
    )
    .unwrap();
    let before = batches_held(&ws);
    assert_eq!(before, 5);

    // Another window or `downtime reconcile` holds the run lock (as another process would).
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.path().join("reconcile.sqlite3-run"))
        .expect("the first run left its lock file beside the workspace");
    held.lock().unwrap();
    let all = || Load {
        roots: vec![f.clean()],
        his: Some(HisFile::Path(f.his())),
        report_to: Some(dir.path().join("报告")),
        ..Load::default()
    };
    let e = run::load(&ws, &clerk(), all(), &mut |_| {})
        .err()
        .expect("refused while another run holds the workspace");
    assert_eq!(e.code(), "recon_workspace_busy");
    assert!(e.to_string().contains("正在被另一个窗口或命令使用"), "{e}");
    assert!(e.to_string().contains(&ws.display().to_string()), "it names the workspace: {e}");
    assert!(!dir.path().join("报告").join("reconciliation.json").exists(), "no report");
    let e = run::write_report(&ws, None, &dir.path().join("另一份")).err().expect("refused");
    assert_eq!(e.code(), "recon_workspace_busy");
    held.unlock().unwrap();
    assert_eq!(batches_held(&ws), before, "the refused run loaded nothing");

    // A run holds the lock from the load to its report: a run started meanwhile is refused.
    let mut nested = None;
    let loaded = run::load(&ws, &clerk(), all(), &mut |_| {
        if nested.is_none() {
            nested = Some(run::load(&ws, &clerk(), all(), &mut |_| {}).err().map(|e| e.code()));
        }
    })
    .unwrap();
    assert_eq!(nested, Some(Some("recon_workspace_busy")));
    assert_eq!(loaded.batches.unwrap().loaded.len(), 2);
    assert!(loaded.reconciliation.balanced);
    assert_eq!(batches_held(&ws), 7);
    // Released at the end: the next run goes ahead.
    run::write_report(&ws, None, &dir.path().join("又一份")).unwrap();
}
