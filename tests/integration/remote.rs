//! Remote use: `mlps serve --stdio` speaks the daemon protocol through a
//! pipe, and `mlps --remote user@host` runs it over ssh. Here "ssh" is a
//! stand-in that runs the remote command line on this machine with a
//! shell, as sshd would, so the whole path is exercised without a network.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mlps::domain::model::{Client, ClientId};
use mlps::server::protocol::{self, Request, Response};
use mlps::store::codec;

use crate::support::{self, MLPS};

struct Place {
    tmp: tempfile::TempDir,
    /// With a space and CJK, so quoting for the remote shell matters.
    db: PathBuf,
    config: PathBuf,
}

fn place() -> Place {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("共享 db");
    let config = tmp.path().join("config");
    std::fs::create_dir(&config).unwrap();
    Place { tmp, db, config }
}

impl Drop for Place {
    fn drop(&mut self) {
        let _ = support::mlps_process(&self.config)
            .args(["stop", "--db"])
            .arg(&self.db)
            .output();
    }
}

fn mlps(place: &Place) -> Command {
    support::mlps_process(&place.config)
}

/// A stand-in for ssh: records its target, then runs the command line
/// with a shell, like sshd runs it with the user's shell.
fn fake_ssh(place: &Place, script: &str) -> PathBuf {
    let path = place.tmp.path().join("ssh");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn working_ssh(place: &Place) -> PathBuf {
    let log = place.tmp.path().join("ssh.log");
    fake_ssh(
        place,
        &format!(
            "#!/bin/sh\n[ \"$1\" = -T ] && shift\necho \"$1\" >> '{}'\nshift\nexec sh -c \"$*\"\n",
            log.display()
        ),
    )
}

fn remote(place: &Place, ssh: &Path) -> Command {
    let mut cmd = mlps(place);
    cmd.env("MLPS_SSH", ssh)
        .env("MLPS_REMOTE_MLPS", MLPS)
        .args(["--remote", "ana@shared-box", "--db"])
        .arg(&place.db);
    cmd
}

#[test]
fn serve_stdio_speaks_the_protocol_through_a_pipe() {
    let place = place();
    let mut child = mlps(&place)
        .args(["serve", "--stdio", "--db"])
        .arg(&place.db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut to = child.stdin.take().unwrap();
    let mut from = child.stdout.take().unwrap();
    protocol::send(&mut to, &protocol::hello_request()).unwrap();
    let hello: Response = protocol::receive(&mut from).unwrap().unwrap();
    assert_eq!(hello, protocol::hello_response());

    let client = Client {
        id: ClientId(0),
        revision: 0,
        name: "Acme".into(),
        name_zh: "阿克米".into(),
        ..Client::default()
    };
    let record = codec::encode(&client);
    protocol::send(&mut to, &Request::CreateClient { record }).unwrap();
    let Some(Response::Record(stored)) = protocol::receive(&mut from).unwrap() else {
        panic!("the daemon stores the client");
    };
    let stored: Client = codec::decode(&stored).unwrap();
    assert_eq!(stored.revision, 1);

    // Closing the pipe ends the relay; the daemon keeps the data.
    drop(to);
    assert_eq!(protocol::receive::<Response>(&mut from).unwrap(), None);
    assert!(child.wait().unwrap().success());
    let export = mlps(&place)
        .arg("--db")
        .arg(&place.db)
        .arg("export")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&export.stdout).contains("阿克米"));
}

#[test]
fn remote_commands_work_on_the_other_machines_database() {
    let place = place();
    let ssh = working_ssh(&place);
    let doc = serde_json::json!({
        "format": "mlps-cases",
        "version": 1,
        "clients": [{"name": "Acme Trading Ltd", "networks": [{"name": "Online shop",
            "answers": {"pi_subjects": 250000}}]}]
    });
    let mut import = remote(&place, &ssh)
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    import
        .stdin
        .take()
        .unwrap()
        .write_all(doc.to_string().as_bytes())
        .unwrap();
    let out = import.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("ana@shared-box:"), "{said}");

    let there = remote(&place, &ssh).arg("export").output().unwrap();
    assert!(
        there.status.success(),
        "{}",
        String::from_utf8_lossy(&there.stderr)
    );
    let here = mlps(&place)
        .arg("--db")
        .arg(&place.db)
        .arg("export")
        .output()
        .unwrap();
    assert_eq!(there.stdout, here.stdout);
    assert!(String::from_utf8_lossy(&here.stdout).contains("Online shop"));

    let log = remote(&place, &ssh).arg("log").output().unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).contains("imported 1 client and 1 network"));

    let targets = std::fs::read_to_string(place.tmp.path().join("ssh.log")).unwrap();
    assert!(targets.lines().all(|t| t == "ana@shared-box"), "{targets}");
    assert_eq!(targets.lines().count(), 3);
}

#[test]
fn a_failing_ssh_says_why() {
    let place = place();
    let ssh = fake_ssh(
        &place,
        "#!/bin/sh\necho 'ssh: Could not resolve hostname shared-box: Name or service not known' >&2\nexit 255\n",
    );
    let out = remote(&place, &ssh).arg("export").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ana@shared-box:"), "{err}");
    assert!(err.contains("Could not resolve hostname"), "{err}");
}

#[test]
fn remote_refuses_what_only_runs_on_that_machine() {
    let place = place();
    for args in [&["status"][..], &["stop"], &["serve"]] {
        let out = mlps(&place)
            .args(["--remote", "ana@box"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = mlps(&place)
        .args(["--remote=-oProxyCommand=x", "export"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a host"));
}

#[test]
fn a_mistyped_remote_database_is_not_created_by_a_read() {
    let place = place();
    let ssh = working_ssh(&place);
    let out = remote(&place, &ssh).arg("log").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no database at"), "{err}");
    assert!(!place.db.exists(), "nothing was created");
}
