//! End to end: the real binary in a real terminal (tmux), driven by keys.
//! Start on demo data, jump to a client by pinyin, change `pi_subjects`,
//! see the level change, quit, and find the change in `mlps export`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::format1;
use crate::support::{self, mlps_beside};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn start(socket: &str, command: &str, w: u16, h: u16) -> Tmux {
        let t = Tmux {
            socket: socket.to_string(),
        };
        let ok = t
            .cmd(&[
                "new-session",
                "-d",
                "-s",
                "e2e",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
                command,
            ])
            .status
            .success();
        assert!(ok, "tmux new-session failed");
        t
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.cmd(&["send-keys", "-t", "e2e", k]);
        }
    }

    fn text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "e2e", "-l", text]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    /// Waits until the screen passes `check`, and returns the screen.
    fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if check(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "screen never showed {what}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows `what`, and returns the screen.
    fn wait_for(&self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "screen never showed {what:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn session_gone(&self) -> bool {
        !self.cmd(&["has-session", "-t", "e2e"]).status.success()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The pid of a child of process `parent`, read from /proc.
fn child_of(parent: &str) -> String {
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1));
        if ppid == Some(parent) {
            return entry.file_name().to_string_lossy().into_owned();
        }
    }
    String::new()
}

/// A database of `clients` demo clients in `dir`.
fn demo_db(dir: &Path, clients: &str) -> std::path::PathBuf {
    let db = dir.join("db");
    mlps_beside(&db)
        .args(["demo", "--clients", clients])
        .assert()
        .success();
    db
}

/// The case manager on `db` in a 100x30 tmux window; `tag` names the tmux
/// server. `--db` is on the command line so the process can be found.
fn case_manager(db: &Path, tag: &str) -> Tmux {
    let command = format!(
        "env MLPS_CONFIG_DIR={} MLPS_TODAY=2026-11-28 TERM=xterm-256color LC_ALL=C.UTF-8 {} --db {}",
        db.with_extension("config").display(),
        support::MLPS,
        db.display()
    );
    Tmux::start(
        &format!("mlps-{tag}-{}", std::process::id()),
        &command,
        100,
        30,
    )
}

#[test]
fn jump_by_pinyin_edit_pi_subjects_and_see_the_level_change() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "30");

    let tmux = case_manager(&db, "e2e");
    tmux.wait_for("Clients 30");

    // Fuzzy jump by pinyin initials.
    tmux.keys(&["C-p"]);
    tmux.wait_for("Jump");
    tmux.text("shzx");
    tmux.wait_for("上海中心");
    tmux.keys(&["Enter"]);
    // Both header lines come from one frame; wait for the whole of it.
    let screen = tmux.wait_until("the header of Shanghai Center's first network", |s| {
        let mut lines = s.lines();
        let (first, second) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
        first.contains("Level 2")
            && second.contains("Shanghai Center Data Services Co")
            && second.contains("›")
    });
    assert!(screen.contains("Corporate website"), "{screen}");

    // The layout follows a resize.
    tmux.cmd(&["resize-window", "-t", "e2e", "-x", "140", "-y", "30"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !tmux
        .screen()
        .lines()
        .any(|l| l.trim_end().chars().count() > 100)
    {
        assert!(
            Instant::now() < deadline,
            "no redraw at 140 columns:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // Networks, then answers; pi_subjects is the fifth question.
    tmux.keys(&["Tab", "Tab", "Tab"]);
    tmux.wait_for("┌ ▸ Answers");
    tmux.keys(&["j", "j", "j", "j", "Enter"]);
    tmux.wait_for("Answer pi_subjects");
    tmux.keys(&["C-u"]);
    tmux.text("2000000");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Level 2 → 3");
    // The status line is drawn in the same frame; wait for it too, so a
    // capture taken half-way through a redraw is not judged.
    let screen = tmux.wait_for("saved · pi_subjects · level 2 → 3");
    assert!(screen.contains("Level 2 → 3"), "{screen}");
    assert!(screen.contains("S3: 2 000 000 PI subjects"), "{screen}");

    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !tmux.session_gone() {
        assert!(Instant::now() < deadline, "mlps did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }

    let out = mlps_beside(&db).arg("export").output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let client = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name_zh"].as_str().unwrap_or("").contains("上海中心"))
        .unwrap();
    let changed = client["networks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["answers"]["pi_subjects"] == 2_000_000);
    assert!(changed, "{client:#}");
}

/// SIGTERM (and SIGHUP, when an SSH connection drops) and Ctrl-C leave the
/// terminal as they found it: the shell's own screen back, typed text
/// echoed.
#[test]
fn signals_and_ctrl_c_restore_the_terminal() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "3");
    let tmux = Tmux::start(
        &format!("mlps-sig-{}", std::process::id()),
        "env PS1='READY> ' bash --norc --noprofile",
        100,
        30,
    );
    tmux.wait_for("READY>");
    let run = format!(
        "MLPS_DB={} MLPS_CONFIG_DIR={} {}; echo EXIT=$?",
        db.display(),
        db.with_extension("config").display(),
        support::MLPS
    );

    tmux.text(&run);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Clients 3");
    let shell = String::from_utf8_lossy(
        &tmux
            .cmd(&["list-panes", "-t", "e2e", "-F", "#{pane_pid}"])
            .stdout,
    )
    .trim()
    .to_string();
    let pid = child_of(&shell);
    assert!(!pid.is_empty(), "mlps is running under the shell");
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let screen = tmux.wait_for("EXIT=0");
    assert!(
        !screen.contains("Clients 3"),
        "the case manager's screen is gone:\n{screen}"
    );
    tmux.text("echo typed-$((40+2))");
    tmux.keys(&["Enter"]);
    tmux.wait_for("typed-42");

    tmux.text(&run);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Clients 3");
    tmux.keys(&["C-c"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tmux.screen().matches("EXIT=0").count() < 2 {
        assert!(
            Instant::now() < deadline,
            "Ctrl-C did not quit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pids of case managers whose command line contains `needle`.
fn pids_with(needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmd) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        // The case manager, not the database daemon it started.
        if cmd.contains(needle) && cmd.contains("mlps") && !cmd.contains(" serve ") {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out
}

/// A dropped connection (the terminal hangs up) ends the case manager
/// instead of leaving it spinning on a dead terminal.
#[test]
fn a_hung_up_terminal_ends_the_case_manager() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "3");
    let tmux = case_manager(&db, "hup");
    tmux.wait_for("Clients 3");
    let needle = db.display().to_string();
    assert!(!pids_with(&needle).is_empty());
    drop(tmux); // kills the tmux server: the terminal hangs up
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pids_with(&needle).is_empty() {
        assert!(
            Instant::now() < deadline,
            "mlps is still running after its terminal hung up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Two case managers on one database (through its daemon) each see the
/// other's edit within a second, without moving their own selection.
#[test]
fn two_case_managers_see_each_others_edits() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "5");
    let a = case_manager(&db, "a");
    let b = case_manager(&db, "b");
    a.wait_for("Clients 5");
    b.wait_for("Clients 5");
    // B moves to its second client; A adds a client that sorts first, so
    // a selection kept by row number would now show someone else.
    // B's header names its first client's network once that is read; the
    // move is judged against that header, not an earlier frame.
    let first = b
        .wait_until("B's first client's header", |s| {
            s.lines().nth(1).is_some_and(|l| l.contains('›'))
        })
        .lines()
        .nth(1)
        .unwrap_or("")
        .to_string();
    b.keys(&["j"]);
    let moved = b.wait_until("B's second client", |s| {
        s.lines()
            .nth(1)
            .is_some_and(|l| l.contains('›') && l != first)
    });
    let b_header = moved.lines().nth(1).unwrap().to_string();
    a.keys(&["a"]);
    a.wait_for("New client");
    a.text("Aaa Shared 共享测试");
    a.keys(&["Enter"]);
    a.wait_for("Clients 6");
    let screen = b.wait_for("Clients 6");
    assert!(screen.contains("Aaa Shared"), "{screen}");
    assert_eq!(
        screen.lines().nth(1).unwrap(),
        b_header,
        "B's selection did not move; B before:\n{moved}\nB after:\n{screen}"
    );
    // And the other way round.
    b.keys(&["a"]);
    b.wait_for("New client");
    b.text("Yotta From B");
    b.keys(&["Enter"]);
    a.wait_for("Clients 7");
}

/// A daemon killed under an open case manager: the case manager starts a
/// new one, says so, and edits keep working.
#[test]
fn a_killed_daemon_is_replaced_and_the_case_manager_says_so() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "4");
    let tmux = case_manager(&db, "kill");
    tmux.wait_for("Clients 4");
    let status = mlps_beside(&db).arg("status").output().unwrap();
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    let pid = status
        .split("pid ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap()
        .to_string();
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .unwrap()
            .success()
    );
    tmux.wait_for("reconnected");
    tmux.keys(&["a"]);
    tmux.wait_for("New client");
    tmux.text("After The Restart");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Clients 5");
    let out = mlps_beside(&db).arg("export").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("After The Restart"));
}

/// Five consultants on one database, one of them from a laptop over ssh
/// (`--remote`; "ssh" here runs the remote command line on this machine
/// with a shell, as sshd would). Each adds a client at the same time, and
/// every window shows all five, live.
#[test]
fn five_case_managers_edit_one_database_one_over_ssh() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "3");
    let ssh = dir.path().join("ssh");
    std::fs::write(
        &ssh,
        "#!/bin/sh\n[ \"$1\" = -T ] && shift\nshift\nexec sh -c \"$*\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&ssh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut windows: Vec<Tmux> = (0..4)
        .map(|i| case_manager(&db, &format!("five{i}")))
        .collect();
    let remote = format!(
        "env MLPS_CONFIG_DIR={} MLPS_TODAY=2026-11-28 TERM=xterm-256color MLPS_SSH={} \
         MLPS_REMOTE_MLPS={} {} --remote ana@shared-box --db {}",
        db.with_extension("config").display(),
        ssh.display(),
        support::MLPS,
        support::MLPS,
        db.display()
    );
    windows.push(Tmux::start(
        &format!("mlps-five4-{}", std::process::id()),
        &remote,
        100,
        30,
    ));
    for w in &windows {
        w.wait_for("Clients 3");
    }
    let names: Vec<String> = (0..5).map(|i| format!("Aa Consultant {i} 顾问")).collect();
    for (w, name) in windows.iter().zip(&names) {
        w.keys(&["a"]);
        w.wait_for("New client");
        w.text(name);
    }
    // All five save at nearly the same moment.
    for w in &windows {
        w.keys(&["Enter"]);
    }
    for w in &windows {
        let screen = w.wait_for("Clients 8");
        for name in &names {
            assert!(screen.contains(name.as_str()), "{name} missing:\n{screen}");
        }
    }
    let log = mlps_beside(&db).arg("log").output().unwrap();
    let log = String::from_utf8_lossy(&log.stdout);
    for name in &names {
        assert!(log.contains(&format!("created client \"{name}\"")), "{log}");
    }
}

/// Two consultants edit the same network's name at once: the second to
/// save sees who changed it and what, and overwrites with theirs; the
/// first sees the result live, and the log has both.
#[test]
fn a_colliding_save_opens_the_dialog_and_overwrites() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "3");
    let a = case_manager(&db, "clash-a");
    let b = case_manager(&db, "clash-b");
    for w in [&a, &b] {
        w.wait_for("Clients 3");
        w.keys(&["Tab", "Tab", "Enter"]);
        w.wait_for("Edit network");
    }
    a.text(" Alpha");
    a.keys(&["Enter"]);
    a.wait_for("saved");
    b.text(" Bravo");
    b.keys(&["Enter"]);
    let dialog = b.wait_for("Changed by someone else");
    assert!(
        dialog.contains("was changed while you were editing it"),
        "{dialog}"
    );
    assert!(dialog.contains("Alpha"), "{dialog}");
    b.keys(&["o"]);
    b.wait_for("saved");
    let screen = a.wait_for("Bravo");
    assert!(!screen.contains("Alpha"), "{screen}");
    let log = mlps_beside(&db).arg("log").output().unwrap();
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.contains("Alpha\" → "), "{log}");
    assert!(log.contains("Bravo\""), "{log}");
}

/// Hostile names in a real terminal: escape sequences in them neither
/// retitle the window nor colour the screen; they show as inert text.
#[test]
fn hostile_names_neither_retitle_nor_recolour_the_terminal() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let example: serde_json::Value = serde_json::from_str(support::EXAMPLE).unwrap();
    let names = [
        "Red \u{1b}[41;37mALERT\u{1b}[0m Ltd",
        "Title \u{1b}]0;pwned\u{7} Co",
        "Title2 \u{1b}]2;owned\u{1b}\\ Co",
        "Csi \u{9b}45m C1 Ltd",
        "Bidi \u{202e}dlrow olleh\u{202c} Ltd",
    ];
    let mut doc = example.clone();
    let template = example["clients"][0].clone();
    doc["clients"] = serde_json::Value::Array(
        names
            .iter()
            .map(|n| {
                let mut c = template.clone();
                c["name"] = serde_json::json!(n);
                c["networks"][0]["name"] = serde_json::json!(n);
                c
            })
            .collect(),
    );
    mlps_beside(&db)
        .args(["import", "-"])
        .write_stdin(doc.to_string())
        .assert()
        .success();

    let tmux = case_manager(&db, "hostile");
    let title = || {
        String::from_utf8_lossy(
            &tmux
                .cmd(&["display-message", "-p", "-t", "e2e", "#{pane_title}"])
                .stdout,
        )
        .trim()
        .to_string()
    };
    let before = title();
    tmux.wait_for("Clients 5");
    // Every client selected in turn, its network too, then the jump.
    for _ in 0..5 {
        tmux.keys(&["j"]);
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.keys(&["C-p"]);
    tmux.text("title");
    let shown = tmux.wait_for("pwned");
    assert!(
        shown.contains("]0;pwned"),
        "the escape shows as text:\n{shown}"
    );
    tmux.keys(&["Escape"]);
    let plain = tmux.wait_for("ALERT");
    assert!(plain.contains("[41;37mALERT[0m"), "{plain}");
    assert!(plain.contains("\\u{202e}"), "{plain}");
    let title_now = title();
    assert_eq!(title_now, before, "the window title did not change");
    assert!(!title_now.contains("pwned") && !title_now.contains("owned"));
    // No cell is drawn with the red background or magenta background the
    // names ask for (the case manager itself uses neither).
    let styled =
        String::from_utf8_lossy(&tmux.cmd(&["capture-pane", "-p", "-e", "-t", "e2e"]).stdout)
            .into_owned();
    for forbidden in ["\u{1b}[41", "\u{1b}[45", ";41m", ";45m"] {
        assert!(!styled.contains(forbidden), "{forbidden:?} in:\n{styled}");
    }
    tmux.keys(&["q"]);
    let _ = mlps_beside(&db).arg("stop").output();
}

/// SIGTERM, or the terminal hanging up (a dropped SSH connection), while
/// a form is half filled in: the case manager ends, and nothing of the
/// unsaved edit reaches the database.
#[test]
fn a_signal_during_an_edit_leaves_nothing_half_written() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "3");
    let export = || mlps_beside(&db).arg("export").output().unwrap().stdout;
    let before = export();
    let needle = db.display().to_string();
    for hang_up in [false, true] {
        let tmux = case_manager(&db, if hang_up { "edit-hup" } else { "edit-term" });
        tmux.wait_for("Clients 3");
        tmux.keys(&["Enter"]);
        tmux.text("UNSAVED");
        tmux.wait_for("UNSAVED");
        if hang_up {
            drop(tmux);
        } else {
            for pid in pids_with(&needle) {
                let _ = Command::new("kill").args(["-TERM", &pid]).status();
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pids_with(&needle).is_empty() {
            assert!(Instant::now() < deadline, "mlps is still running");
            std::thread::sleep(Duration::from_millis(100));
        }
        let after = export();
        assert!(!String::from_utf8_lossy(&after).contains("UNSAVED"));
        assert_eq!(after, before, "hang up: {hang_up}");
    }
    let _ = mlps_beside(&db).arg("stop").output();
}

/// One key writes the selected network's report into the directory the
/// case manager was started in, and the status line says where.
#[test]
fn one_key_writes_the_selected_networks_report() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "3");
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let command = format!(
        "cd {} && env MLPS_CONFIG_DIR={} MLPS_TODAY=2026-11-28 TERM=xterm-256color {} --db {}",
        reports.display(),
        db.with_extension("config").display(),
        support::MLPS,
        db.display()
    );
    let t = Tmux::start(
        &format!("mlps-report-{}", std::process::id()),
        &command,
        160,
        30,
    );
    t.wait_for("Clients 3");
    t.keys(&["Tab", "R"]);
    let screen = t.wait_for("written to");
    let written: Vec<_> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}\n{screen}");
    let name = written[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("mlps-report-") && name.ends_with(".md"),
        "{name}"
    );
    assert!(screen.contains(&name), "{screen}");
    let report = std::fs::read_to_string(&written[0]).unwrap();
    assert!(
        report.contains("等级保护定级报告") && report.contains("备案"),
        "{report}"
    );
    t.keys(&["q"]);
}

/// A case manager that opens a database of the previous format says, on
/// its status line, that it was upgraded and where the copy is.
#[test]
fn the_case_manager_says_the_database_was_upgraded() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    format1::write_format_1(&db, false);
    let t = case_manager(&db, "upgrade");
    // On the status line, once the case manager has drawn.
    t.wait_until("the upgrade on the status line", |s| {
        s.contains("Clients 2") && s.contains("upgraded from format 1")
    });
    t.keys(&["q"]);
    // Said once: the next case manager does not say it again.
    let again = case_manager(&db, "upgraded");
    let screen = again.wait_for("Clients 2");
    assert!(!screen.contains("upgraded"), "{screen}");
    again.keys(&["q"]);
    let _ = mlps_beside(&db).arg("stop").output();
}

/// The filed level and notes of network `id` as `mlps export` has them.
fn name_and_notes(db: &Path, id: u64) -> (String, String) {
    let out = mlps_beside(db).arg("export").output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let network = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["networks"].as_array().unwrap())
        .find(|n| n["id"].as_u64() == Some(id))
        .unwrap();
    (
        network["name"].as_str().unwrap_or("").to_string(),
        network["notes"].as_str().unwrap_or("").to_string(),
    )
}

/// Consultant A adds a sentence to a network's notes; B, whose form was
/// opened before, changes only the name and overwrites: both
/// changes are stored, the log shows no revert, and A is not told of a
/// replacement. Then B overwrites a change of A's to the notes, and A is
/// told who replaced which field.
#[test]
fn overwrite_saves_only_the_fields_changed_and_tells_whose_change_it_replaced() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "3");
    let a = case_manager(&db, "merge-a");
    let b = case_manager(&db, "merge-b");
    for w in [&a, &b] {
        w.wait_for("Clients 3");
        w.keys(&["Tab", "Tab", "Enter"]);
        w.wait_for("Edit network");
    }
    // The network both edit: the one whose notes A's sentence ends up in.
    a.keys(&["Tab"]);
    a.text(" Alpha sentence.");
    a.keys(&["Enter"]);
    a.wait_for("saved · network");
    let out = mlps_beside(&db).arg("export").output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["networks"].as_array().unwrap())
        .find(|n| {
            n["notes"]
                .as_str()
                .is_some_and(|t| t.contains("Alpha sentence."))
        })
        .and_then(|n| n["id"].as_u64())
        .expect("A's sentence is saved");
    // B changes only the name. (The filed level, the field the first report
    // of this loss used, now follows the network's filings instead.)
    b.text(" Bravo");
    b.keys(&["Enter"]);
    let dialog = b.wait_for("Changed by someone else");
    assert!(dialog.contains("Alpha sentence."), "{dialog}");
    assert!(dialog.contains("notes are kept"), "{dialog}");
    b.keys(&["o"]);
    b.wait_for("saved · network");
    let (name, notes) = name_and_notes(&db, id);
    assert!(
        notes.ends_with("Alpha sentence."),
        "A's sentence kept: {notes:?}"
    );
    assert!(name.ends_with(" Bravo"), "B's name saved: {name:?}");
    let log = mlps_beside(&db).arg("log").output().unwrap();
    let log = String::from_utf8_lossy(&log.stdout).into_owned();
    let reverts = log
        .lines()
        .filter(|l| l.trim_start().starts_with("notes: "))
        .filter(|l| {
            l.split(" → ")
                .nth(1)
                .is_some_and(|after| !after.contains("Alpha"))
        })
        .count();
    assert_eq!(reverts, 0, "no revert of the notes:\n{log}");
    // A hears of B's write and has nothing to be told.
    std::thread::sleep(Duration::from_secs(2));
    let screen = a.screen();
    assert!(!screen.contains("replaced"), "{screen}");
    assert!(screen.contains("saved · network"), "{screen}");

    // Now both edit the notes: B's overwrite replaces A's change.
    for w in [&a, &b] {
        w.keys(&["Enter"]);
        w.wait_for("Edit network");
        w.keys(&["Tab"]);
    }
    a.text(" Alpha two.");
    a.keys(&["Enter"]);
    a.wait_until("A's second save", |s| {
        s.contains("saved · network") && !s.contains("Edit network")
    });
    b.text(" Bravo two.");
    b.keys(&["Enter"]);
    let dialog = b.wait_for("Changed by someone else");
    assert!(dialog.contains("You both changed"), "{dialog}");
    assert!(dialog.contains("theirs: "), "{dialog}");
    b.keys(&["o"]);
    b.wait_for("saved · network");
    let (_, notes) = name_and_notes(&db, id);
    assert!(notes.ends_with("Alpha sentence. Bravo two."), "{notes:?}");
    let me = mlps::store::audit::Actor::current().user;
    a.wait_for(&format!("{me} replaced your change to notes"));
}

/// Triage on demo data: `T` shows the ranked list with next actions; Enter
/// on the third case shows that case and what it needs; `T` comes back on
/// the same row (Enter again reaches the same case); `s` sorts by level.
#[test]
fn triage_ranks_jumps_and_comes_back_to_the_same_row() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "30");
    let out = mlps_beside(&db)
        .args(["triage", "--json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let third = rows[2]["network"].as_str().unwrap().to_string();
    let action = rows[2]["reasons"][0]["action"]
        .as_str()
        .unwrap()
        .to_string();

    let tmux = case_manager(&db, "triage");
    tmux.wait_for("Clients 30");
    tmux.keys(&["T"]);
    let screen = tmux.wait_for("Triage ·");
    assert!(screen.contains("sorted by urgency"), "{screen}");
    assert!(screen.contains("NEXT ACTION"), "{screen}");
    assert!(screen.contains("overdue"), "{screen}");
    let header_names_third = |s: &str| {
        let mut lines = s.lines();
        let second = lines.nth(1).unwrap_or("");
        let third_line = lines.next().unwrap_or("");
        second.contains(&third) && third_line.starts_with("Next: ") && third_line.contains(&action)
    };
    tmux.keys(&["j", "j", "Enter"]);
    tmux.wait_until("the third case, with what it needs", header_names_third);
    // Away and back: the list is where it was left.
    tmux.keys(&["Tab"]);
    tmux.keys(&["T"]);
    tmux.wait_for("Triage ·");
    tmux.keys(&["Enter"]);
    tmux.wait_until("the same case again", |s| {
        !s.contains("Triage ·") && header_names_third(s)
    });
    // Sorted by level: the highest first.
    tmux.keys(&["T", "s", "s", "s"]);
    let screen = tmux.wait_for("sorted by level");
    let first_row = screen
        .lines()
        .skip_while(|l| !l.contains("URGENCY"))
        .nth(1)
        .unwrap_or("")
        .to_string();
    let most = rows
        .iter()
        .map(|r| {
            r["level"]
                .as_u64()
                .unwrap()
                .max(r["max_level"].as_u64().unwrap_or(0))
        })
        .max()
        .unwrap();
    assert!(
        first_row.contains(&format!(" {most} ")) || first_row.contains(&format!("–{most}?")),
        "level {most} first:\n{screen}"
    );
}

/// Questionnaire mode on a new network: the whole questionnaire in fewer
/// than two keystrokes a question on average, the level in the header at
/// the end.
#[test]
fn a_new_networks_questionnaire_takes_two_keys_a_question_at_most() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "30");
    let tmux = case_manager(&db, "qmode");
    tmux.wait_for("Clients 30");
    // A new network of the first client: every answer unknown.
    tmux.keys(&["Tab", "Tab"]);
    tmux.wait_for("┌ ▸ Networks");
    tmux.keys(&["a"]);
    tmux.wait_for("New network");
    tmux.text("Portal");
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved · network");

    // Each question's keys, sent once its panel shows; every key and
    // every typed character is counted.
    let answers: [&[&str]; 16] = [
        &["2"],               // object_type: website
        &["a"],               // sector: e-commerce (the tenth)
        &["n"],               // cii
        &["1", "2", "Enter"], // data_categories: business, personal
        &["2m", "Enter"],     // pi_subjects
        &["0", "Enter"],      // sensitive_pi_subjects
        &["2m", "Enter"],     // registered_users
        &["y"],               // public_facing
        &["n"],               // public_opinion
        &["1m", "Enter"],     // outage_affected_people
        &["0"],               // hosted_max_level
        &["2"],               // deployment: cloud
        &["Ali", "Enter"],    // cloud_provider
        &["3"],               // cloud_provider_level
        &["n"],               // cross_border_transfer
        &["DC", "Enter"],     // architecture_notes
    ];
    let mut keystrokes = 1;
    tmux.keys(&["Q"]);
    for (i, keys) in answers.iter().enumerate() {
        tmux.wait_for(&format!("· {}/16", i + 1));
        for k in keys.iter() {
            if *k == "Enter" {
                tmux.keys(&["Enter"]);
                keystrokes += 1;
            } else {
                tmux.text(k);
                keystrokes += k.chars().count();
            }
        }
    }
    let screen = tmux.wait_for("The open questions are done.");
    assert!(screen.contains("16 answers saved"), "{screen}");
    let average = keystrokes as f64 / 16.0;
    // The level from the answers, in the header, no longer provisional.
    let header = screen.lines().next().unwrap_or("").to_string();
    eprintln!(
        "questionnaire mode: {keystrokes} keystrokes for 16 questions, {average:.2} each; {}",
        header.trim_end()
    );
    assert!(
        average <= 2.0,
        "{keystrokes} keystrokes: {average:.2} a question"
    );
    assert!(header.starts_with("Level "), "{screen}");
    assert!(!header.contains("provisional"), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("questionnaire left");

    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !tmux.session_gone() {
        assert!(Instant::now() < deadline, "mlps did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = mlps_beside(&db).arg("export").output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let portal = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["networks"].as_array().unwrap().iter())
        .find(|n| n["name"] == "Portal")
        .unwrap()
        .clone();
    assert_eq!(portal["answers"]["pi_subjects"], 2_000_000, "{portal:#}");
    assert_eq!(portal["answers"]["sector"], "ecommerce", "{portal:#}");
    assert_eq!(portal["answers"]["architecture_notes"], "DC", "{portal:#}");
}

/// A database of the 30-client demo (seed 1) with a gap list under
/// Shanghai Center's level 3 private cloud (私有云平台): one high-risk
/// finding, overdue; a medium and a low one. Imported as interchange
/// JSON through `mlps import`.
fn demo_db_with_findings(dir: &Path) -> std::path::PathBuf {
    use mlps::domain::gaps::{ComplianceResult, Finding, FindingId, Risk};
    use mlps::formats::interchange::FindingDoc;
    let mut doc = mlps::demo::generate(30, 1, support::today());
    let network = doc
        .clients
        .iter_mut()
        .find(|c| c.name_zh.contains("上海中心"))
        .and_then(|c| c.networks.iter_mut().find(|n| n.name == "私有云平台"))
        .expect("the demo's Shanghai Center runs a private cloud");
    let f = |point: &str, desc: &str, risk: Risk, due: &str| {
        let mut f = Finding::new(
            FindingId(0),
            point,
            desc,
            ComplianceResult::NonCompliant,
            risk,
            support::d("2026-09-01"),
        );
        f.owner = "张三".into();
        f.due = Some(support::d(due));
        FindingDoc::of(f)
    };
    network.findings = vec![
        f(
            "computing.identity_auth",
            "weak admin passwords",
            Risk::High,
            "2026-11-15",
        ),
        f(
            "computing.access_control",
            "default accounts kept",
            Risk::Medium,
            "2027-01-31",
        ),
        f(
            "computing.audit",
            "logs kept 30 days",
            Risk::Low,
            "2027-02-28",
        ),
    ];
    let json = dir.join("with-findings.json");
    std::fs::write(&json, serde_json::to_string(&doc).unwrap()).unwrap();
    let db = dir.join("db");
    mlps_beside(&db).arg("import").arg(&json).assert().success();
    db
}

#[test]
fn the_gap_view_marks_a_high_risk_finding_fixed_and_the_prediction_and_next_line_change() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db_with_findings(dir.path());
    let tmux = case_manager(&db, "gaps");
    tmux.wait_for("Clients 30");
    tmux.keys(&["C-p"]);
    tmux.wait_for("Jump");
    tmux.text("shzx");
    tmux.wait_for("上海中心");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Shanghai Center Data Services Co");
    // Down the networks to the private cloud.
    tmux.keys(&["Tab", "Tab"]);
    tmux.wait_for("┌ ▸ Networks");
    let mut tries = 0;
    while !tmux
        .screen()
        .lines()
        .nth(1)
        .is_some_and(|l| l.contains("私有云平台"))
    {
        assert!(tries < 6, "no private cloud:\n{}", tmux.screen());
        tmux.keys(&["j"]);
        std::thread::sleep(Duration::from_millis(150));
        tries += 1;
    }
    tmux.wait_for("┌ ▸ Networks");
    tmux.keys(&["g"]);
    let before = tmux.wait_until("the gap view with its prediction", |s| {
        s.contains("Gaps") && s.contains("predicted") && s.contains("weak admin passwords")
    });
    assert!(before.contains("non-compliant"), "{before}");
    assert!(
        before.contains("0/3 fixed, 1 high open, 1 overdue"),
        "{before}"
    );
    // The header's next step: the overdue fix, from the findings.
    let next = |s: &str| {
        s.lines()
            .find(|l| l.contains("Next:") || l.contains("下一步"))
            .unwrap_or("")
            .to_string()
    };
    assert!(next(&before).contains("overdue"), "{before}");
    // Category, point, then the high-risk finding: fixed today.
    tmux.keys(&["j", "j", "f"]);
    let after = tmux.wait_until("the fix saved and the title changed", |s| {
        s.contains("1/3 fixed") && !s.contains("non-compliant")
    });
    assert!(after.contains("predicted"), "{after}");
    assert_ne!(next(&after), next(&before), "{after}");
    assert!(!next(&after).contains("overdue"), "{after}");
    // Stored: read back through the CLI's export.
    tmux.keys(&["Escape"]);
    tmux.wait_for("┌ ▸ Networks");
    tmux.keys(&["q"]);
    let out = mlps_beside(&db).args(["export"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("weak admin passwords").expect("exported");
    assert!(text[at..].contains("\"fixed\""), "{}", &text[at..at + 400]);
}
