//! `mlps keymap check` and `mlps keymap print` on real files, in the style
//! of bottom's folder of invalid configs: every bad keymap is refused with
//! exit code 2 and a message naming the file, line:column and the entry.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support;

/// `mlps` reading its config (and so `keymap.toml`) from `config`.
fn mlps(config: &Path) -> Command {
    support::mlps(&config.join("no-database-needed"), config)
}

/// (folder, keymap.toml, line:column, what the message says after it)
const INVALID: &[(&str, &str, &str, &str)] = &[
    (
        "syntax",
        "[global]\nquit = q\n",
        "2:8",
        "quit: string values must be quoted",
    ),
    (
        "unknown-section",
        "[global]\nquit = \"q\"\n\n[client]\nadd = \"A\"\n",
        "4:2",
        "[client]: unknown section; the sections are: global, clients, networks, answers, \
         timeline, agenda, triage, gaps, form",
    ),
    (
        "entry-outside-a-section",
        "quit = \"Q\"\n",
        "1:1",
        "quit: entries go in a section, e.g. [global]",
    ),
    (
        "unknown-action",
        "[clients]\nedit = \"Enter\"\nremove = \"x\"\n",
        "3:1",
        "[clients] remove: unknown action; the actions are: next_pane, ",
    ),
    (
        "unknown-key",
        "[global]\nhelp = [\"?\", \"Ctrl+h\"]\n",
        "2:14",
        "[global] help: unknown key \"Ctrl+h\": write modifiers with a dash, e.g. Ctrl-p; \
         a key is one character (a, A, ?, /, :) or one of Enter, Esc, Tab",
    ),
    (
        "unknown-key-name",
        "[form]\ntoggle = \"Spacebar\"\n",
        "2:10",
        "[form] toggle: unknown key \"Spacebar\": a key is one character",
    ),
    (
        "wrong-type",
        "[global]\nquit = 1\n",
        "2:8",
        "[global] quit: expected a key name or a list of key names, found integer",
    ),
    (
        "wrong-type-in-list",
        "[global]\nquit = [\"q\", true]\n",
        "2:14",
        "[global] quit: expected a key name or a list of key names, found boolean",
    ),
    (
        "section-not-a-table",
        "global = \"q\"\n",
        "1:1",
        "[global]: expected a table of `action = \"Key\"` entries, found string",
    ),
    (
        "action-outside-its-section",
        "[form]\nquit = \"Ctrl-q\"\n",
        "2:1",
        "[form] quit: quit cannot be bound in [form]; it goes in [global]",
    ),
    (
        "duplicate-with-default",
        "[clients]\nadd = \"d\"\n",
        "2:7",
        "[clients] add: key \"d\" is already bound to delete in [clients] (a default); \
         set delete = \"none\" (or another key) in [clients], or pick another key for add",
    ),
    (
        "duplicate-in-file",
        "[global]\nhelp = \"F1\"\nquit = [\"q\", \"f1\"]\n",
        "3:14",
        "[global] quit: key \"F1\" is already bound to help in [global] (at 2:8); \
         set help = \"none\"",
    ),
];

#[test]
fn every_invalid_keymap_is_refused_with_its_place() {
    let root = tempfile::tempdir().unwrap();
    for (folder, text, place, says) in INVALID {
        let config = root.path().join(folder);
        std::fs::create_dir_all(&config).unwrap();
        let file = config.join("keymap.toml");
        std::fs::write(&file, text).unwrap();
        let expected = format!("mlps: {}:{place}: {says}", file.display());
        for command in ["check", "print"] {
            let out = mlps(&config).args(["keymap", command]).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{folder} {command}: {stderr}");
            assert!(
                stderr.starts_with(&expected),
                "{folder} {command}:\n{stderr}\nwanted:\n{expected}"
            );
            assert!(out.stdout.is_empty(), "{folder} {command}");
        }
        // Nothing was opened or written beside the keymap.
        assert!(!config.join("no-database-needed").exists(), "{folder}");
    }
}

#[test]
fn no_keymap_file_means_the_defaults() {
    let config = tempfile::tempdir().unwrap();
    mlps(config.path())
        .args(["keymap", "check"])
        .assert()
        .success()
        .stdout("keymap OK: defaults\n");
    let out = mlps(config.path())
        .args(["keymap", "print"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.starts_with("# The keymap in effect: the built-in defaults.\n"));
    // Every entry of the built-in file, and nothing removed.
    for line in include_str!("../../keymap.toml").lines() {
        if !line.starts_with('#') && !line.is_empty() {
            assert!(printed.contains(&format!("{line}\n")), "{line}\n{printed}");
        }
    }
    assert!(!printed.contains("none"), "{printed}");
}

#[test]
fn a_good_override_is_ok_and_print_shows_it() {
    let config = tempfile::tempdir().unwrap();
    let file = config.path().join("keymap.toml");
    std::fs::write(
        &file,
        "# mine\n[global]\nquit = \"Ctrl-q\"\nagenda = \"none\"\n\n\
         [clients]\ndelete = [\"D\", \"Delete\"]\nadd = \"g\"   # shadows global top here\n",
    )
    .unwrap();
    mlps(config.path())
        .args(["keymap", "check"])
        .assert()
        .success()
        .stdout(format!("keymap OK: {}\n", file.display()));
    mlps(config.path())
        .args(["keymap", "print"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "defaults merged with {}",
            file.display()
        )))
        .stdout(predicate::str::contains("\nquit = \"Ctrl-q\"\n"))
        .stdout(predicate::str::contains("\nagenda = \"none\"\n"))
        .stdout(predicate::str::contains(
            "[clients]\nedit = \"Enter\"\nadd = \"g\"\ndelete = [\"D\", \"Delete\"]\n",
        ))
        .stdout(predicate::str::contains(
            "[networks]\nedit = \"Enter\"\nadd = \"a\"\ndelete = \"d\"\n",
        ))
        .stdout(predicate::str::contains("quit = \"q\"").not());

    // What print writes is itself a valid keymap, giving the same keymap.
    let out = mlps(config.path())
        .args(["keymap", "print"])
        .output()
        .unwrap();
    let again = tempfile::tempdir().unwrap();
    std::fs::write(again.path().join("keymap.toml"), &out.stdout).unwrap();
    let out2 = mlps(again.path())
        .args(["keymap", "print"])
        .output()
        .unwrap();
    assert!(out2.status.success());
    let body = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&out.stdout), body(&out2.stdout));
}

#[test]
fn a_keymap_that_is_not_utf8_is_bad_input() {
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("keymap.toml"),
        b"[global]\nquit = \"\xff\"\n",
    )
    .unwrap();
    mlps(config.path())
        .args(["keymap", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("keymap.toml: not UTF-8 text"));
}
