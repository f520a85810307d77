//! Bad input everywhere: empty and binary files, numbers past u64,
//! impossible dates, in every file the product reads; a database on a
//! read-only or full filesystem. Each is a clear message and exit 2 (bad
//! input) or 1 (the machine refused), never a panic, and nothing already
//! stored is lost. (Malformed keymaps, config files, imports and answers
//! files have their own tests in keymap.rs and cli.rs.)

use std::path::Path;

use assert_cmd::Command;

use crate::support::{EXAMPLE, is_root, mlps};

/// Runs `args`, expecting `code` and a message holding every one of
/// `says`; no panic text may reach the user.
fn refused(cmd: &mut Command, code: i32, says: &[&str]) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    for s in says {
        assert!(stderr.contains(s), "{s:?} not in {stderr:?}");
    }
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    stderr
}

/// Imports the example into `db`; returns its export, to compare with.
fn imported(db: &Path, config: &Path) -> Vec<u8> {
    mlps(db, config)
        .args(["import", "-"])
        .write_stdin(EXAMPLE)
        .assert()
        .success();
    mlps(db, config).arg("export").output().unwrap().stdout
}

const BINARY: &[u8] = &[
    0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x00, 0x80, 0xc3, 0x28, 0x0a, 0x07,
];

#[test]
fn empty_binary_and_oversized_inputs_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let (db, config) = (dir.path().join("db"), dir.path().join("config"));
    std::fs::create_dir(&config).unwrap();
    let before = imported(&db, &config);
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let mut tried = 0;

    // Imports: empty, binary, a number past u64, an impossible date.
    let replace_value = |key: &str, with: &str| {
        let at = EXAMPLE.find(key).unwrap() + key.len();
        let end = at + EXAMPLE[at..].find([',', '\n', '}']).unwrap();
        format!("{}{with}{}", &EXAMPLE[..at], &EXAMPLE[end..])
    };
    let huge = replace_value("\"pi_subjects\": ", "18446744073709551616");
    let feb30 = replace_value("\"date\": ", "\"2026-02-30\"");
    for (name, bytes, says) in [
        ("empty.json", &b""[..], &["empty.json", "empty"][..]),
        ("binary.json", BINARY, &["binary.json"][..]),
        (
            "huge.json",
            huge.as_bytes(),
            &["huge.json", "pi_subjects"][..],
        ),
        ("feb30.json", feb30.as_bytes(), &["feb30.json", "date"][..]),
    ] {
        let path = file(name, bytes);
        refused(mlps(&db, &config).arg("import").arg(&path), 2, says);
        tried += 1;
    }

    // Answers files for `assess`: empty, binary, past u64, 2026-02-30 is
    // not a question but a bad value.
    for (name, bytes, says) in [
        ("empty.toml", &b""[..], &["empty.toml"][..]),
        ("binary.toml", BINARY, &["binary.toml"][..]),
        (
            "huge.toml",
            &b"pi_subjects = 18446744073709551616\n"[..],
            &["huge.toml:1:15", "pi_subjects"][..],
        ),
        (
            "huge.json",
            &b"{\"pi_subjects\": 18446744073709551616}"[..],
            &["huge.json"][..],
        ),
    ] {
        let path = file(name, bytes);
        let mut cmd = mlps(&db, &config);
        cmd.arg("assess").arg(&path);
        if name == "empty.toml" {
            // An empty answers file is a file with nothing answered: valid.
            cmd.assert().success();
        } else {
            refused(&mut cmd, 2, says);
        }
        tried += 1;
    }

    // The config directory's files: binary and empty holidays, keymap and
    // settings, and a holiday that does not exist.
    for (name, bytes) in [
        ("holidays.toml", BINARY),
        ("keymap.toml", BINARY),
        ("config.toml", BINARY),
        ("holidays.toml", &b"holidays = [\"2026-02-30\"]\n"[..]),
        (
            "config.toml",
            &b"[settings]\ndue_soon_days = 18446744073709551616\n"[..],
        ),
    ] {
        let path = config.join(name);
        std::fs::write(&path, bytes).unwrap();
        let args: &[&str] = if name == "keymap.toml" {
            &["keymap", "check"]
        } else {
            &["renewals"]
        };
        refused(mlps(&db, &config).args(args), 2, &[name]);
        std::fs::remove_file(&path).unwrap();
        tried += 1;
    }
    for name in ["holidays.toml", "keymap.toml", "config.toml"] {
        std::fs::write(config.join(name), b"").unwrap();
    }
    mlps(&db, &config).arg("renewals").assert().success();
    mlps(&db, &config)
        .args(["keymap", "check"])
        .assert()
        .success();

    // Dates and numbers on the command line.
    for args in [
        &["renewals", "--today", "2026-02-30"][..],
        &["renewals", "--within", "18446744073709551616"],
        &["due", "--today", "\u{1b}[31m"],
        &["log", "--since", "2026-13-01"],
        &["demo", "--clients", "0"],
    ] {
        refused(mlps(&db, &config).args(args), 2, &[]);
        tried += 1;
    }

    // Nothing stored was touched.
    let after = mlps(&db, &config).arg("export").output().unwrap().stdout;
    assert_eq!(before, after);
    assert!(tried >= 18);
    eprintln!("{tried} bad inputs refused, nothing lost");
    let _ = mlps(&db, &config).arg("stop").output();
}

fn mount_tmpfs(at: &Path, options: &str) -> bool {
    std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", options, "mlps-test"])
        .arg(at)
        .status()
        .is_ok_and(|s| s.success())
}

/// Unmounts when the test ends, passing or failing.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        umount(&self.0);
    }
}

fn umount(at: &Path) {
    let _ = std::process::Command::new("umount")
        .arg("-l")
        .arg(at)
        .status();
}

/// The example imported into a database on a tmpfs mounted with
/// `options`: the temporary directory, the mount, the database and config
/// paths, and the export of what was saved. `None` (said why) where the
/// machine cannot mount one.
fn on_tmpfs(
    options: &str,
) -> Option<(
    tempfile::TempDir,
    Mounted,
    std::path::PathBuf,
    std::path::PathBuf,
    Vec<u8>,
)> {
    if !is_root() {
        eprintln!("skipped: mounting a tmpfs needs root");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let place = dir.path().join("mounted");
    std::fs::create_dir(&place).unwrap();
    if !mount_tmpfs(&place, options) {
        eprintln!("skipped: this machine cannot mount a tmpfs here");
        return None;
    }
    let mounted = Mounted(place.clone());
    let (db, config) = (place.join("db"), dir.path().join("config"));
    std::fs::create_dir(&config).unwrap();
    let saved = imported(&db, &config);
    Some((dir, mounted, db, config, saved))
}

/// A database on a full filesystem: the write that does not fit is
/// refused, and everything saved before is still there.
#[test]
fn a_full_disk_refuses_the_write_and_keeps_what_was_saved() {
    let Some((_dir, mounted, db, config, saved)) = on_tmpfs("size=2m") else {
        return;
    };
    // Far more than 2 MB of demo data.
    let out = mlps(&db, &config)
        .args(["demo", "--clients", "400"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let _ = mlps(&db, &config).arg("stop").output();
    assert!(!out.status.success(), "the demo cannot fit in 2 MB");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.to_lowercase().contains("space") || stderr.contains("database"),
        "{stderr}"
    );
    // Room again: what was saved before is all there.
    let grown = std::process::Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(&mounted.0)
        .status()
        .is_ok_and(|s| s.success());
    assert!(grown, "the tmpfs grows");
    let after = mlps(&db, &config).arg("export").output().unwrap();
    let _ = mlps(&db, &config).arg("stop").output();
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(after.stdout, saved);
}

/// A database on a read-only filesystem is refused with a message naming
/// it; nothing in it changes.
#[test]
fn a_read_only_database_is_refused_with_a_message() {
    let Some((_dir, mounted, db, config, saved)) = on_tmpfs("size=16m") else {
        return;
    };
    let _ = mlps(&db, &config).arg("stop").output();
    let remounted = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mounted.0)
        .status()
        .is_ok_and(|s| s.success());
    if !remounted {
        eprintln!("skipped: cannot remount read-only here");
        return;
    }
    let out = mlps(&db, &config).arg("export").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    if out.status.success() {
        assert_eq!(out.stdout, saved);
    } else {
        assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    }
}
