//! The window may call exactly the commands the UI invokes: `capabilities/default.json` grants
//! one `allow-<command>` for each `invoke` in `ui/src`, `build.rs` declares every command
//! `register()` hands to Tauri, and a command the capability does not grant is refused by the
//! IPC layer before it runs.

use crate::{Station, Window};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The commands the UI invokes: every `call("name"` / `invoke("name"` in `ui/src` outside its
/// tests.
fn ui_invokes() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![manifest_dir().join("../ui/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "__tests__" && name != "test" && name != "bindings" {
                    stack.push(path);
                }
                continue;
            }
            if !(name.ends_with(".ts") || name.ends_with(".tsx")) || name.contains(".test.") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for opener in ["call<", "call(", "invoke<", "invoke("] {
                for (at, _) in text.match_indices(opener) {
                    let rest = &text[at + opener.len()..];
                    // Past the type argument, if any, to the opening parenthesis.
                    let rest = if opener.ends_with('<') {
                        match rest.find(">(") {
                            Some(i) => &rest[i + 2..],
                            None => continue,
                        }
                    } else {
                        rest
                    };
                    let rest = rest.trim_start();
                    if let Some(quoted) = rest.strip_prefix('"') {
                        let cmd: String = quoted.chars().take_while(|c| *c != '"').collect();
                        if cmd.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !cmd.is_empty() {
                            found.insert(cmd);
                        }
                    }
                }
            }
        }
    }
    found
}

/// `allow-…` permissions granted to the main window.
fn granted() -> (BTreeSet<String>, Vec<String>) {
    let text = std::fs::read_to_string(manifest_dir().join("capabilities/default.json")).unwrap();
    let cap: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(cap["windows"], json!(["main"]));
    let mut commands = BTreeSet::new();
    let mut other = Vec::new();
    for p in cap["permissions"].as_array().unwrap() {
        let p = p.as_str().expect("plain permission identifiers, no scopes").to_string();
        match p.strip_prefix("allow-") {
            Some(cmd) => {
                commands.insert(cmd.replace('-', "_"));
            }
            None => other.push(p),
        }
    }
    (commands, other)
}

/// Names in a Rust source between `start` and the `]` that closes the list.
fn names_in(file: &str, start: &str, pattern: fn(&str) -> Option<String>) -> Vec<String> {
    let text = std::fs::read_to_string(manifest_dir().join(file)).unwrap();
    let from = text.find(start).unwrap_or_else(|| panic!("{start} in {file}"));
    let body = &text[from + start.len()..];
    let body = &body[..body.find(']').unwrap()];
    body.lines().filter_map(|l| pattern(l.trim())).collect()
}

#[test]
fn the_window_is_granted_exactly_the_commands_the_ui_invokes() {
    let ui = ui_invokes();
    let (commands, other) = granted();
    assert!(ui.len() > 50, "the UI's invoke calls were found: {ui:?}");
    let missing: Vec<_> = ui.difference(&commands).collect();
    let unused: Vec<_> = commands.difference(&ui).collect();
    assert!(missing.is_empty(), "the UI invokes commands the window is not granted: {missing:?}");
    assert!(unused.is_empty(), "the window is granted commands the UI never invokes: {unused:?}");
    // Nothing else from Tauri's core or plugins: the progress events only.
    assert_eq!(other, vec!["core:event:default".to_string()]);
    println!("commands granted to the window: {}", commands.len());
}

#[test]
fn every_registered_command_is_declared_to_the_access_control() {
    let registered = names_in("src/lib.rs", "generate_handler![", |l| {
        l.strip_prefix("commands::")
            .map(|p| p.trim_end_matches(',').rsplit("::").next().unwrap().to_string())
    });
    let declared = names_in("build.rs", "COMMANDS: &[&str] = &[", |l| {
        l.strip_prefix('"')
            .map(|p| p.trim_end_matches(',').trim_end_matches('"').to_string())
    });
    assert!(registered.len() > 50);
    assert_eq!(registered, declared, "build.rs COMMANDS must list register()'s commands");
    // A command granted must be registered (else the build's ACL step refuses it anyway).
    let (commands, _) = granted();
    let registered: BTreeSet<_> = registered.into_iter().collect();
    assert!(commands.is_subset(&registered));
}

#[test]
fn a_command_the_window_is_not_granted_is_refused_by_the_ipc_layer() {
    let s = Station::new();
    let w = Window::open(&s.db());
    w.login(crate::SUPERVISOR);
    let before = s.entries();
    let (commands, _) = granted();
    let registered = names_in("src/lib.rs", "generate_handler![", |l| {
        l.strip_prefix("commands::")
            .map(|p| p.trim_end_matches(',').rsplit("::").next().unwrap().to_string())
    });
    let mut refused = 0;
    for cmd in registered.iter().filter(|c| !commands.contains(*c)) {
        // Arguments that would pass: the refusal is the ACL's, before the command runs.
        let e = w.call(cmd, json!({ "input": {} })).unwrap_err();
        let text = e.as_str().unwrap_or_default();
        assert!(text.contains("not allowed"), "{cmd}: {e}");
        refused += 1;
    }
    // Plugins' commands, and any name at all: without the app's ACL manifest an unknown name
    // would reach the handler ("not found"); with it, the IPC layer refuses it first.
    for cmd in [
        "plugin:dialog|open",
        "plugin:window-state|save_window_state",
        "plugin:fs|read_file",
        "no_such_command",
    ] {
        let e = w.call(cmd, json!({})).unwrap_err();
        assert!(e.as_str().unwrap_or_default().contains("not allowed"), "{cmd}: {e}");
        refused += 1;
    }
    // A granted command goes through the same layer and runs.
    assert_eq!(w.call("app_status", json!({})).unwrap()["operator"]["name"], crate::SUPERVISOR);
    assert_eq!(s.entries(), before);
    println!("calls refused by the IPC layer: {refused}");
}
