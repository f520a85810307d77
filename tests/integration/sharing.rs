//! Sharing a database with a Unix group, through the real binary and real
//! users: who may connect, who may share, and the modes of the directory,
//! the socket and sled's files. Making users needs root: as anyone else
//! those tests say why they are skipped and pass. Every daemon a test
//! starts is stopped by a guard, as the user it runs as.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{MLPS, is_root};

/// Generous: only reached when something is wrong.
const DEADLINE: Duration = Duration::from_secs(15);

/// One test at a time: useradd and groupadd lock the user database, and
/// run together they fail.
static SERIAL: Mutex<()> = Mutex::new(());

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a user-database tool; `None` when it is not installed.
fn admin(tool: &str, args: &[&str]) -> Option<Output> {
    match Command::new(tool).args(args).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("{tool}: {e}"),
    }
}

fn id_of(flag: &str, name: &str) -> u32 {
    let out = Command::new("id").args([flag, name]).output().unwrap();
    assert!(
        out.status.success(),
        "id {flag} {name}: {}",
        text(&out.stderr)
    );
    text(&out.stdout).trim().parse().unwrap()
}

#[derive(Debug, Clone)]
struct User {
    name: String,
    uid: u32,
    /// The group of its passwd entry.
    gid: u32,
}

/// Who runs a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Root,
    /// In the team's group.
    Member,
    /// In no group of the team's.
    Outsider,
    /// The outsider, running with the team's group as its own (as after
    /// `newgrp`), and no other.
    OutsiderAsGroup,
}

/// A group, a member of it and an outsider, made for one test and removed
/// after it, with a directory every one of them can reach.
struct Team {
    group: String,
    gid: u32,
    member: User,
    outsider: User,
    exe: PathBuf,
    config: PathBuf,
    /// Dropped after every daemon guard of the test (they borrow the
    /// team), so no process of the users is left when they go.
    _removal: Removal,
    tmp: tempfile::TempDir,
    _serial: std::sync::MutexGuard<'static, ()>,
}

impl Team {
    /// `None`, having said why, where users cannot be made.
    fn new() -> Option<Team> {
        if !is_root() {
            eprintln!("skipped: needs root to create users");
            return None;
        }
        if admin("setpriv", &["--version"]).is_none() {
            eprintln!("skipped: needs setpriv (util-linux) to run commands as other users");
            return None;
        }
        let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let group = format!("mlpst_{}_{n}", std::process::id());
        let (member, outsider) = (format!("{group}_a"), format!("{group}_b"));
        let Some(made) = admin("groupadd", &[&group]) else {
            eprintln!("skipped: groupadd is not installed");
            return None;
        };
        assert!(made.status.success(), "groupadd: {}", text(&made.stderr));
        let mut removal = Removal {
            group: Some(group.clone()),
            users: Vec::new(),
        };
        for (user, groups) in [(&member, Some(group.as_str())), (&outsider, None)] {
            let mut args = vec!["--no-create-home", "--home-dir", "/nonexistent"];
            if let Some(g) = groups {
                args.extend(["--groups", g]);
            }
            args.push(user);
            let Some(made) = admin("useradd", &args) else {
                eprintln!("skipped: useradd is not installed");
                return None;
            };
            assert!(made.status.success(), "useradd: {}", text(&made.stderr));
            removal.users.push(user.clone());
        }
        let user = |name: &str| User {
            name: name.to_string(),
            uid: id_of("-u", name),
            gid: id_of("-g", name),
        };
        let tmp = tempfile::tempdir().unwrap();
        // The test directory is passed through by everyone; what is in it
        // decides who gets further.
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let config = tmp.path().join("config");
        std::fs::create_dir(&config).unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o755)).unwrap();
        let exe = runnable_by_all(Path::new(MLPS), tmp.path());
        Some(Team {
            gid: group_id(&group),
            member: user(&member),
            outsider: user(&outsider),
            group,
            exe,
            config,
            _removal: removal,
            tmp,
            _serial: serial,
        })
    }

    /// A database directory path in the shared test directory (not made).
    fn db(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// A file everyone can read.
    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        path
    }

    /// `mlps --db DB` as `who`.
    fn mlps(&self, who: Who, db: &Path) -> Command {
        let mut cmd = match who {
            Who::Root => Command::new(&self.exe),
            Who::Member | Who::Outsider | Who::OutsiderAsGroup => {
                let user = if who == Who::Member {
                    &self.member
                } else {
                    &self.outsider
                };
                let (gid, groups) = match who {
                    Who::OutsiderAsGroup => (self.gid, "--clear-groups"),
                    _ => (user.gid, "--init-groups"),
                };
                let mut cmd = Command::new("setpriv");
                cmd.arg(format!("--reuid={}", user.uid))
                    .arg(format!("--regid={gid}"))
                    .arg(groups)
                    .arg("--")
                    .arg(&self.exe);
                cmd
            }
        };
        cmd.arg("--db")
            .arg(db)
            .env("MLPS_CONFIG_DIR", &self.config)
            .env_remove("MLPS_DB")
            .current_dir(self.tmp.path())
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, who: Who, db: &Path, args: &[&str]) -> Output {
        self.mlps(who, db).args(args).output().unwrap()
    }

    /// Runs a command that must succeed; its stdout.
    fn ok(&self, who: Who, db: &Path, args: &[&str]) -> String {
        let out = self.run(who, db, args);
        assert!(
            out.status.success(),
            "mlps {args:?} as {who:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `mlps serve` as `who`, once it answers `who`.
    fn serve(&self, who: Who, db: &Path, args: &[&str]) -> Running<'_> {
        let said = self
            .tmp
            .path()
            .join(format!("serve-{}.err", NEXT.fetch_add(1, Ordering::SeqCst)));
        let child = self
            .mlps(who, db)
            .arg("serve")
            .args(args)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&said).unwrap())
            .spawn()
            .unwrap();
        let mut running = Running {
            team: self,
            db: db.to_path_buf(),
            who,
            child: Some(child),
        };
        wait_until("the daemon answers", || {
            if let Some(status) = running.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "mlps serve exited early ({status}): {}",
                    std::fs::read_to_string(&said).unwrap_or_default()
                );
            }
            self.run(who, db, &["status"]).status.success()
        });
        running
    }

    /// The daemon a client of `who` started on demand.
    fn started_by(&self, who: Who, db: &Path) -> Running<'_> {
        Running {
            team: self,
            db: db.to_path_buf(),
            who,
            child: None,
        }
    }
}

fn group_id(name: &str) -> u32 {
    let out = Command::new("getent")
        .args(["group", name])
        .output()
        .unwrap();
    assert!(out.status.success(), "getent group {name}");
    text(&out.stdout)
        .split(':')
        .nth(2)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Removes the users and the group a test made.
struct Removal {
    group: Option<String>,
    users: Vec<String>,
}

impl Drop for Removal {
    fn drop(&mut self) {
        for user in &self.users {
            let _ = admin("userdel", &[user]);
        }
        if let Some(group) = &self.group {
            let _ = admin("groupdel", &[group]);
        }
    }
}

/// `exe` itself when every user may run it where it is, else a copy in
/// `dir` that they may.
fn runnable_by_all(exe: &Path, dir: &Path) -> PathBuf {
    let mode = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.permissions().mode());
    let reachable = exe
        .ancestors()
        .skip(1)
        .filter(|p| !p.as_os_str().is_empty())
        .all(|p| mode(p) & 0o001 != 0);
    if reachable && mode(exe) & 0o005 == 0o005 {
        return exe.to_path_buf();
    }
    let copy = dir.join("mlps");
    std::fs::copy(exe, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// Stops a daemon when the test ends, passing or failing: as the user it
/// runs as (nobody else may), then by force.
struct Running<'a> {
    team: &'a Team,
    db: PathBuf,
    who: Who,
    /// Set when the test spawned `mlps serve` itself.
    child: Option<Child>,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let _ = self.team.run(self.who, &self.db, &["stop"]);
        let deadline = Instant::now() + DEADLINE;
        if let Some(child) = &mut self.child {
            while child.try_wait().ok().flatten().is_none() {
                if Instant::now() >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            return;
        }
        // Started on demand: its pid is in the lock file while it runs.
        let Some(pid) = std::fs::read_to_string(self.db.join("daemon.lock"))
            .ok()
            .and_then(|s| s.trim().parse::<libc::pid_t>().ok())
        else {
            return;
        };
        let held = || {
            std::fs::File::open(self.db.join("daemon.lock"))
                .map(|f| matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)))
                .unwrap_or(false)
        };
        while held() {
            if Instant::now() >= deadline {
                // SAFETY: sends a signal; no memory is involved.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn document(client: &str) -> String {
    format!(
        r#"{{"format": "mlps-cases", "version": 1, "clients": [
            {{"name": "{client}", "name_zh": "共享客户", "region": "Shanghai",
              "contacts": [], "notes": "", "networks": []}}]}}"#
    )
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().mode() & 0o7777
}

fn group_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().gid()
}

/// Every file and directory sled keeps, and the lock: the group's, which
/// may read and write them, and nobody else's.
fn assert_files_shared(db: &Path, gid: u32) {
    let mut paths = vec![db.join("daemon.lock")];
    let mut dirs = vec![db.join("store")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path.clone());
            }
            paths.push(path);
        }
        paths.push(dir);
    }
    assert!(paths.len() > 3, "{paths:?}");
    for path in paths {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.mode() & 0o7777;
        assert_eq!(meta.gid(), gid, "{}", path.display());
        assert_eq!(mode & 0o007, 0, "{} is {mode:o}", path.display());
        let needed = if meta.is_dir() { 0o2070 } else { 0o060 };
        assert_eq!(mode & needed, needed, "{} is {mode:o}", path.display());
    }
}

#[test]
fn an_outsider_cannot_reach_a_shared_database() {
    let Some(team) = Team::new() else { return };
    let db = team.db("shared");
    let _daemon = team.serve(Who::Root, &db, &["--group", &team.group]);

    let doc = team.file("team.json", &document("Outside Ltd"));
    for args in [
        &["status"][..],
        &["import", doc.to_str().unwrap()],
        &["stop"],
    ] {
        let out = team.run(Who::Outsider, &db, args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stdout)
        );
        let said = text(&out.stderr);
        assert!(said.contains("Permission denied"), "{args:?}: {said}");
        assert!(said.contains(&db.display().to_string()), "{args:?}: {said}");
        assert!(
            said.contains(&format!(
                "shared with group {}, and you are not in it",
                team.group
            )),
            "{args:?}: {said}"
        );
    }
    // It is still there for the owner.
    let status = team.ok(Who::Root, &db, &["status"]);
    assert!(
        status.contains(&format!("shared with group {}", team.group)),
        "{status}"
    );
}

#[test]
fn a_member_writes_and_the_owner_reads_it() {
    let Some(team) = Team::new() else { return };
    let db = team.db("shared");
    let _daemon = team.serve(Who::Root, &db, &["--group", &team.group]);
    let doc = team.file("team.json", &document("Team Client Ltd"));

    let said = team.ok(Who::Member, &db, &["import", doc.to_str().unwrap()]);
    assert!(said.contains("Imported 1 client and"), "{said}");
    let exported = team.ok(Who::Root, &db, &["export"]);
    assert!(exported.contains("Team Client Ltd"), "{exported}");
    // The change is logged as the member's, as the kernel named them.
    let log = team.ok(Who::Root, &db, &["log"]);
    assert!(log.contains(&team.member.name), "{log}");
    let status = team.ok(Who::Member, &db, &["status"]);
    assert!(
        status.contains(&format!("shared with group {}", team.group)),
        "{status}"
    );
}

#[test]
fn sharing_gives_the_directory_socket_and_files_to_the_group() {
    let Some(team) = Team::new() else { return };
    let db = team.db("private-then-shared");
    // A private database first, with files made under the usual umask.
    {
        let _daemon = team.serve(Who::Root, &db, &[]);
        let doc = team.file("first.json", &document("First Client"));
        team.ok(Who::Root, &db, &["import", doc.to_str().unwrap()]);
        assert_eq!(mode(&db), 0o700);
        assert_eq!(mode(&db.join("mlps.sock")), 0o600);
    }

    let daemon = team.serve(Who::Root, &db, &["--group", &team.group]);
    assert_eq!(mode(&db), 0o2770);
    assert_eq!(group_of(&db), team.gid);
    assert_eq!(mode(&db.join("mlps.sock")), 0o660);
    assert_eq!(group_of(&db.join("mlps.sock")), team.gid);
    assert_eq!(mode(&db.join("daemon.lock")), 0o660);
    assert_files_shared(&db, team.gid);
    let doc = team.file("second.json", &document("Second Client"));
    team.ok(Who::Member, &db, &["import", doc.to_str().unwrap()]);
    drop(daemon);
    assert_files_shared(&db, team.gid);

    // Whoever's daemon comes next opens what the last one wrote.
    let _daemon = team.started_by(Who::Member, &db);
    let exported = team.ok(Who::Member, &db, &["export"]);
    assert!(exported.contains("First Client"), "{exported}");
    assert!(exported.contains("Second Client"), "{exported}");
    let socket = std::fs::metadata(db.join("mlps.sock")).unwrap();
    assert_eq!(socket.uid(), team.member.uid);
    assert_eq!((socket.gid(), socket.mode() & 0o7777), (team.gid, 0o660));
    assert_files_shared(&db, team.gid);
}

#[test]
fn a_setgid_group_directory_is_shared_without_asking() {
    let Some(team) = Team::new() else { return };
    let db = team.db("by-hand");
    std::fs::create_dir(&db).unwrap();
    std::os::unix::fs::chown(&db, None, Some(team.gid)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o2770)).unwrap();

    // A member's command starts the daemon on demand, with no --group.
    let doc = team.file("team.json", &document("Hand Made Ltd"));
    let _daemon = team.started_by(Who::Member, &db);
    team.ok(Who::Member, &db, &["import", doc.to_str().unwrap()]);
    let status = team.ok(Who::Member, &db, &["status"]);
    assert!(
        status.contains(&format!("shared with group {}", team.group)),
        "{status}"
    );
    assert_eq!(mode(&db.join("mlps.sock")), 0o660);
    assert_eq!(group_of(&db.join("mlps.sock")), team.gid);
    assert_files_shared(&db, team.gid);

    // Root passes the file permissions, but is not in the group.
    let out = team.run(Who::Root, &db, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains(&format!(
            "user root is not in group {} that shares this database",
            team.group
        )),
        "{said}"
    );
    // A process running with the group is in it.
    let status = team.ok(Who::OutsiderAsGroup, &db, &["status"]);
    assert!(
        status.contains(&format!("shared with group {}", team.group)),
        "{status}"
    );
}

#[test]
fn a_private_database_admits_nobody_else() {
    let Some(team) = Team::new() else { return };
    let db = team.db("root-only");
    let _daemon = team.serve(Who::Root, &db, &[]);
    assert_eq!(mode(&db), 0o700);
    assert_eq!(mode(&db.join("mlps.sock")), 0o600);
    let out = team.run(Who::Member, &db, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("Permission denied"), "{said}");
    assert!(said.contains("the database belongs to user root"), "{said}");

    // A member's private database: root reaches the socket, and is told
    // whose it is.
    let db = team.db("members-own");
    std::fs::create_dir(&db).unwrap();
    std::os::unix::fs::chown(&db, Some(team.member.uid), Some(team.member.gid)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o700)).unwrap();
    let doc = team.file("own.json", &document("Own Client"));
    let _members = team.started_by(Who::Member, &db);
    team.ok(Who::Member, &db, &["import", doc.to_str().unwrap()]);
    assert!(!team.ok(Who::Member, &db, &["status"]).contains("shared"));
    let out = team.run(Who::Root, &db, &["export"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains(&format!(
            "this database belongs to user {}",
            team.member.name
        )),
        "{said}"
    );
}

#[test]
fn only_the_owner_or_root_may_share() {
    let Some(team) = Team::new() else { return };
    let db = team.db("roots");
    std::fs::create_dir(&db).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = team.run(Who::Member, &db, &["serve", "--group", &team.group]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("only its owner or root"), "{said}");
    assert!(said.contains(&team.group), "{said}");
    assert_eq!(mode(&db), 0o755);
    assert!(!db.join("daemon.lock").exists());
}

#[test]
fn a_group_that_does_not_exist_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let out = Command::new(MLPS)
        .args([
            "serve",
            "--idle",
            "1",
            "--group",
            "mlps-no-such-group",
            "--db",
        ])
        .arg(&db)
        .env("MLPS_CONFIG_DIR", tmp.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(
        said.contains("no group named \"mlps-no-such-group\""),
        "{said}"
    );
    assert!(!db.exists(), "nothing is created for bad input");
}

#[test]
fn a_shared_directory_writable_by_everyone_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    std::fs::create_dir(&db).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o2777)).unwrap();
    let out = Command::new(MLPS)
        .args(["serve", "--idle", "1", "--db"])
        .arg(&db)
        .env("MLPS_CONFIG_DIR", tmp.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("writable by every user"), "{said}");
    assert!(!db.join("mlps.sock").exists());
}

#[test]
fn files_left_private_are_named_with_the_way_to_share_them() {
    let Some(team) = Team::new() else { return };
    let db = team.db("shared-late");
    {
        let _daemon = team.serve(Who::Root, &db, &[]);
        let doc = team.file("first.json", &document("Early Client"));
        team.ok(Who::Root, &db, &["import", doc.to_str().unwrap()]);
    }
    // Only the directory is given to the group, by hand.
    std::os::unix::fs::chown(&db, None, Some(team.gid)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o2770)).unwrap();

    let doc = team.file("late.json", &document("Late Client"));
    let _members = team.started_by(Who::Member, &db);
    let out = team.run(Who::Member, &db, &["import", doc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("belongs to user root"), "{said}");
    assert!(
        said.contains(&format!(
            "mlps serve --db {} --group {}",
            db.display(),
            team.group
        )),
        "{said}"
    );

    // Doing as it says shares the rest.
    let daemon = team.serve(Who::Root, &db, &["--group", &team.group]);
    drop(daemon);
    team.ok(Who::Member, &db, &["import", doc.to_str().unwrap()]);
    let exported = team.ok(Who::Member, &db, &["export"]);
    assert!(exported.contains("Early Client"), "{exported}");
    assert!(exported.contains("Late Client"), "{exported}");
}

#[test]
fn the_copies_a_shared_database_keeps_are_the_groups() {
    let Some(team) = Team::new() else { return };
    let db = team.db("shared-copies");
    let backup = team.db("nightly");
    {
        let _daemon = team.serve(Who::Root, &db, &["--group", &team.group]);
        let doc = team.file("team.json", &document("Copied Client Ltd"));
        team.ok(Who::Root, &db, &["import", doc.to_str().unwrap()]);
        team.ok(Who::Root, &db, &["backup", backup.to_str().unwrap()]);
        // The member restores it: their command reads the backup.
        let chown = Command::new("chown")
            .arg("-R")
            .arg(&team.member.name)
            .arg(&backup)
            .output()
            .unwrap();
        assert!(chown.status.success(), "{}", text(&chown.stderr));
        // Root's daemon keeps a copy of what the restore replaces...
        let said = team.ok(
            Who::Member,
            &db,
            &["restore", backup.to_str().unwrap(), "--replace"],
        );
        assert!(said.contains("is copied in"), "{said}");
    }
    // ...and the member's daemon, next, can keep one beside it.
    let _daemon = team.started_by(Who::Member, &db);
    let said = team.ok(
        Who::Member,
        &db,
        &["restore", backup.to_str().unwrap(), "--replace"],
    );
    assert!(said.contains("is copied in"), "{said}");
    let copies: Vec<PathBuf> = std::fs::read_dir(db.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    for dir in copies.iter().chain([&db.join("backups")]) {
        assert_eq!(group_of(dir), team.gid, "{}", dir.display());
        assert_eq!(mode(dir) & 0o007, 0, "{} is {:o}", dir.display(), mode(dir));
    }
    let exported = team.ok(Who::Member, &db, &["export"]);
    assert!(exported.contains("Copied Client Ltd"), "{exported}");
}
