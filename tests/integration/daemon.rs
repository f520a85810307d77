//! The database daemon through the real binary: one daemon per directory,
//! a `CaseStore` over its socket, on-demand start under a race, bad frames,
//! idle exit, `mlps stop`, and the permissions of its files. Every daemon a
//! test starts is stopped by a guard, so none outlives the test.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use mlps::domain::model::{Client, ClientId, Milestone, Network, NetworkId, Stage};
use mlps::domain::model::{NewClient, NewNetwork};
use mlps::domain::questionnaire::Answers;
use mlps::domain::settings::Config;
use mlps::error::{Error, Missing};
use mlps::server::client::{self, RemoteStore, StopOutcome};
use mlps::server::daemon::{lock_path, socket_path};
use mlps::server::protocol::{self, Request, Response};
use mlps::store::audit::{Action, Actor, LogQuery};
use mlps::store::{CaseStore, SledStore};

use crate::support::{Place, place};

/// Generous: only reached when something is wrong.
const DEADLINE: Duration = Duration::from_secs(10);

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid as libc::pid_t, 0) == 0 }
}

/// Stops a daemon when the test ends, passing or failing: politely, then
/// by force.
struct Daemon {
    db: PathBuf,
    /// Set when the test spawned `mlps serve` itself.
    child: Option<Child>,
    /// The daemon's pid, when known.
    pid: Option<u32>,
}

impl Daemon {
    /// `mlps serve` with `args`, once it answers.
    fn serve(place: &Place, args: &[&str]) -> Daemon {
        let child = place
            .mlps()
            .arg("serve")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut daemon = Daemon {
            db: place.db.clone(),
            pid: Some(child.id()),
            child: Some(child),
        };
        wait_until("the daemon answers", || {
            if let Some(status) = daemon.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("mlps serve exited early: {status}");
            }
            client::connect(&place.db).is_ok()
        });
        daemon
    }

    /// Whichever daemon now serves `place`.
    fn found(place: &Place) -> Daemon {
        let pid = client::connect(&place.db).unwrap().status().unwrap().pid;
        Daemon {
            db: place.db.clone(),
            child: None,
            pid: Some(pid),
        }
    }

    /// Waits for the spawned daemon to exit by itself.
    fn wait_exit(&mut self) -> std::process::ExitStatus {
        let child = self.child.as_mut().expect("a daemon this test spawned");
        let mut status = None;
        wait_until("the daemon exits", || {
            status = child.try_wait().unwrap();
            status.is_some()
        });
        self.child = None;
        status.unwrap()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = client::stop(&self.db);
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
        } else if let Some(pid) = self.pid {
            while alive(pid) {
                if Instant::now() >= deadline {
                    // SAFETY: sends a signal; no memory is involved.
                    unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

fn client(name: &str) -> Client {
    Client {
        id: ClientId(0),
        revision: 0,
        name: name.into(),
        name_zh: "阿克米".into(),
        region: "Shanghai".into(),
        ..Client::default()
    }
}

fn network(client: ClientId, name: &str) -> Network {
    Network {
        id: NetworkId(0),
        client,
        revision: 0,
        name: name.into(),
        notes: String::new(),
        answers: Answers {
            pi_subjects: Some(500),
            ..Answers::default()
        },
        overrides: Default::default(),
        filed_level: None,
        milestones: vec![Milestone::new(
            Stage::EvaluationPassed,
            mlps::domain::calendar::parse_date("2025-12-01").unwrap(),
        )],
    }
}

#[test]
fn a_remote_store_reads_and_writes_through_the_daemon() {
    let place = place();
    let daemon = Daemon::serve(&place, &[]);
    let store = client::connect(&place.db).unwrap();

    let c = store.create_client(client("Acme")).unwrap();
    assert_eq!(c.revision, 1);
    let n = store.create_network(network(c.id, "Shop")).unwrap();
    let mut edit = n.clone();
    edit.answers.pi_subjects = Some(250_000);
    let n = store.update_network(edit).unwrap();
    assert_eq!(n.revision, 2);
    let mut renamed = c.clone();
    renamed.notes = "key account".into();
    let c = store.update_client(renamed).unwrap();

    assert_eq!(store.client(c.id).unwrap(), Some(c.clone()));
    assert_eq!(store.clients().unwrap(), vec![c.clone()]);
    assert_eq!(store.network(n.id).unwrap(), Some(n.clone()));
    assert_eq!(store.networks_of(c.id).unwrap(), vec![n.clone()]);
    assert_eq!(store.networks().unwrap(), vec![n.clone()]);
    assert_eq!(store.client(ClientId(999)).unwrap(), None);
    let due = store
        .due_until(mlps::domain::calendar::parse_date("2030-01-01").unwrap())
        .unwrap();
    assert!(due.iter().all(|d| d.network == n.id && d.client == c.id));
    assert!(!due.is_empty());

    store.delete_network(n.id, Some(n.revision)).unwrap();
    assert_eq!(store.network(n.id).unwrap(), None);
    let restored = store.restore_network(n.clone()).unwrap();
    assert_eq!(restored.id, n.id);

    let imported = store
        .import(vec![NewClient {
            id: None,
            client: client("Beta"),
            networks: vec![NewNetwork {
                id: None,
                network: network(ClientId(0), "ERP"),
                findings: Vec::new(),
                gap_extensions: None,
            }],
        }])
        .unwrap();
    assert_eq!((imported.clients, imported.networks), (1, 1));
    assert_eq!(store.clients().unwrap().len(), 2);

    // Fuzzy jump runs in the daemon; hits name the client they belong to.
    let hits = store.search("erp", 10).unwrap();
    let erp = hits
        .iter()
        .find(|h| matches!(h.target, mlps::domain::search::Target::Network(_)))
        .expect("the imported network is found");
    assert_eq!(erp.label, "ERP — Beta");
    assert_eq!(erp.positions, vec![0, 1, 2]);
    let beta = store
        .clients()
        .unwrap()
        .into_iter()
        .find(|x| x.name == "Beta");
    assert_eq!(erp.client, beta.map(|b| b.id));
    assert!(store.search("", 10).unwrap().is_empty());

    // Bad input stays bad input across the socket (exit 2, not 1).
    let nameless = Client {
        name_zh: String::new(),
        ..client("  ")
    };
    match store.create_client(nameless) {
        Err(e @ Error::Input(_)) => assert_eq!(e.exit_code(), 2),
        other => panic!("{other:?}"),
    }
    // A client that does not exist arrives as one, and stays bad input.
    match store.create_network(network(ClientId(424242), "Orphan")) {
        Err(e @ Error::NotFound(_)) => {
            assert_eq!(e.exit_code(), 2);
            assert!(e.message().contains("does not exist"), "{e}");
        }
        other => panic!("{other:?}"),
    }

    // What the daemon wrote is on disk once it has stopped.
    drop(store);
    drop(daemon);
    let direct = SledStore::open(&place.db, Config::default()).unwrap();
    assert_eq!(direct.client(c.id).unwrap(), Some(c));
    assert_eq!(direct.network(n.id).unwrap(), Some(restored));
}

/// The daemon sends the kind of a failure, not only its sentence: the
/// client gets back the `Error` the store returned, with what it carries.
#[test]
fn failures_arrive_through_the_daemon_as_their_kind() {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let store = client::connect(&place.db).unwrap();
    let c = store.create_client(client("Acme")).unwrap();
    let n = store.create_network(network(c.id, "Shop")).unwrap();

    // Named by the caller and never there: bad input.
    match store.create_network(network(ClientId(424242), "Orphan")) {
        Err(Error::NotFound(missing)) => {
            assert_eq!(missing.what, Missing::Client(424242));
            assert!(missing.input);
            assert_eq!(
                missing.message,
                "network \"Orphan\": client 424242 does not exist"
            );
        }
        other => panic!("{other:?}"),
    }

    // Deleted by someone else since it was read: a runtime failure.
    let other = client::connect(&place.db).unwrap();
    other.delete_network(n.id, None).unwrap();
    other.delete_client(c.id, None).unwrap();
    let mut late = n.clone();
    late.notes = "too late".into();
    match store.update_network(late) {
        Err(e @ Error::NotFound(_)) => {
            assert_eq!(e.exit_code(), 1);
            let Error::NotFound(missing) = &e else {
                unreachable!()
            };
            assert_eq!(missing.what, Missing::Network(n.id.0));
            assert!(!missing.input);
            assert_eq!(e.message(), "network \"Shop\" no longer exists");
        }
        other => panic!("{other:?}"),
    }
    let mut late = c.clone();
    late.notes = "too late".into();
    match store.update_client(late) {
        Err(Error::NotFound(missing)) => assert_eq!(missing.what, Missing::Client(c.id.0)),
        other => panic!("{other:?}"),
    }

    // A record the daemon cannot read is refused as such.
    let mut raw = greeted(&place.db);
    protocol::send(
        &mut raw,
        &Request::CreateClient {
            record: vec![0, 1, 0xff],
        },
    )
    .unwrap();
    match protocol::receive::<Response>(&mut raw).unwrap().unwrap() {
        Response::Error(wire) => {
            let e = Error::from(wire);
            assert!(matches!(e, Error::Codec(_)), "{e:?}");
            assert_eq!(e.exit_code(), 1);
            assert!(e.message().starts_with("the request was refused: "), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // The connection is still in step: a request after it is answered.
    protocol::send(&mut raw, &Request::Clients).unwrap();
    assert_eq!(
        protocol::receive::<Response>(&mut raw).unwrap().unwrap(),
        Response::Records(vec![])
    );
}

#[test]
fn a_stale_revision_is_refused_through_the_daemon() {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let alice = client::connect(&place.db).unwrap();
    let bob = client::connect(&place.db).unwrap();
    let c = alice.create_client(client("Acme")).unwrap();
    let read_by_bob = bob.client(c.id).unwrap().unwrap();

    let mut edit = c.clone();
    edit.notes = "Alice was here".into();
    alice.update_client(edit).unwrap();

    let mut late = read_by_bob;
    late.notes = "Bob was here".into();
    // The refusal says who made the newer change and when, from the log.
    let me = Actor::current();
    match bob.update_client(late) {
        Err(Error::Conflict(conflict)) => {
            assert!(
                conflict
                    .message
                    .contains(&format!("changed by {}", me.user)),
                "{}",
                conflict.message
            );
            assert_eq!(conflict.by.as_deref(), Some(me.user.as_str()));
            assert_eq!(conflict.revision, 2);
            let at = conflict.at.expect("the log knows when");
            assert!((mlps::store::audit::now() - at).abs() < 60, "{at}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(bob.client(c.id).unwrap().unwrap().notes, "Alice was here");
}

/// Every change is logged with the OS user the daemon saw on the socket,
/// the time, the record, and each field's old and new value; `mlps log`
/// prints it, filtered by day and by client.
#[test]
fn the_log_tells_who_did_what() {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let store = client::connect(&place.db).unwrap();
    let acme = store.create_client(client("Acme")).unwrap();
    let beta = store.create_client(client("Beta")).unwrap();
    let shop = store.create_network(network(acme.id, "Shop")).unwrap();
    let mut edit = shop.clone();
    edit.answers.pi_subjects = Some(250_000);
    store.update_network(edit).unwrap();
    store.create_network(network(beta.id, "ERP")).unwrap();
    store.delete_network(shop.id, None).unwrap();

    let me = Actor::current();
    let all = store.log(&LogQuery::default()).unwrap();
    let actions: Vec<_> = all.iter().map(|e| (e.action, e.user.clone())).collect();
    assert_eq!(
        actions,
        [
            Action::Created,
            Action::Created,
            Action::Created,
            Action::Updated,
            Action::Created,
            Action::Deleted
        ]
        .map(|a| (a, me.user.clone()))
    );
    assert!(all.iter().all(|e| e.uid == me.uid));
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));

    // The history of one network, newest last.
    let history = store.log(&LogQuery::of_network(shop.id)).unwrap();
    assert_eq!(history.len(), 3);
    let update = &history[1];
    assert_eq!(update.action, Action::Updated);
    let changes = update.changes();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].field, "answers.pi_subjects");
    assert_eq!(changes[0].before.as_deref(), Some("500"));
    assert_eq!(changes[0].after.as_deref(), Some("250000"));
    assert_eq!(
        store
            .log(&LogQuery::of_network(shop.id).newest(1))
            .unwrap()
            .iter()
            .map(|e| e.action)
            .collect::<Vec<_>>(),
        [Action::Deleted]
    );

    let printed = place
        .mlps()
        .args(["log", "--client", "acme"])
        .output()
        .unwrap();
    assert!(printed.status.success());
    let text = String::from_utf8(printed.stdout).unwrap();
    assert!(
        text.contains(&format!("{}  updated network \"Shop\" of Acme", me.user)),
        "{text}"
    );
    assert!(text.contains("answers.pi_subjects: 500 → 250000"), "{text}");
    assert!(!text.contains("Beta"), "{text}");
    assert!(!text.contains("ERP"), "{text}");

    let tomorrow = (chrono::Local::now().date_naive() + chrono::Days::new(1)).to_string();
    let later = place
        .mlps()
        .args(["log", "--since", &tomorrow])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&later.stdout),
        "No changes recorded.\n"
    );
    let json = place.mlps().args(["log", "--json"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 6);
    assert_eq!(list[3]["changes"][0]["after"], 250_000);

    // An imported record's history starts with the import.
    store
        .import(vec![NewClient {
            id: None,
            client: client("Gamma"),
            networks: vec![NewNetwork {
                id: None,
                network: network(ClientId(0), "Mail"),
                findings: Vec::new(),
                gap_extensions: None,
            }],
        }])
        .unwrap();
    let mail = store.networks().unwrap().into_iter().last().unwrap();
    let history = store.log(&LogQuery::of_network(mail.id)).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, Action::Imported);
    assert_eq!(history[0].note, "1 client and 1 network");
    let of_client = store.log(&LogQuery::of_client(mail.client)).unwrap();
    assert_eq!(of_client.len(), 1);

    let bad = place
        .mlps()
        .args(["log", "--since", "2026-02-30"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--since"));
}

/// Clients write at once, each read-modify-write based on the revision it
/// read, retrying when refused. Every refusal is reported as a conflict,
/// and no acknowledged write is lost: the counter they all bump ends at
/// the number of writes acknowledged, and the log has one entry for each.
fn concurrent_writers(writers: usize) {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let setup = client::connect(&place.db).unwrap();
    let c = setup.create_client(client("Acme")).unwrap();
    let shared = setup.create_network(network(c.id, "Shared")).unwrap();
    let own: Vec<Network> = (0..writers)
        .map(|i| {
            setup
                .create_network(network(c.id, &format!("Own {i}")))
                .unwrap()
        })
        .collect();
    const ROUNDS: u64 = 15;
    let start = Arc::new(Barrier::new(writers));
    let threads: Vec<_> = (0..writers)
        .map(|i| {
            let db = place.db.clone();
            let start = Arc::clone(&start);
            let own = own[i].id;
            let shared = shared.id;
            std::thread::spawn(move || {
                let store = client::connect(&db).unwrap();
                start.wait();
                let (mut conflicts, mut acknowledged) = (0u64, 0u64);
                for round in 0..ROUNDS {
                    // Its own record: never refused.
                    let mut n = store.network(own).unwrap().unwrap();
                    n.answers.registered_users = Some(round + 1);
                    store.update_network(n).unwrap();
                    // The shared one: retried until it lands.
                    loop {
                        let mut n = store.network(shared).unwrap().unwrap();
                        n.answers.registered_users =
                            Some(n.answers.registered_users.unwrap_or(0) + 1);
                        match store.update_network(n) {
                            Ok(_) => {
                                acknowledged += 1;
                                break;
                            }
                            Err(Error::Conflict(_)) => conflicts += 1,
                            Err(e) => panic!("writer {i}: {e}"),
                        }
                    }
                }
                (conflicts, acknowledged)
            })
        })
        .collect();
    let results: Vec<(u64, u64)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let acknowledged: u64 = results.iter().map(|r| r.1).sum();
    let conflicts: u64 = results.iter().map(|r| r.0).sum();
    assert_eq!(acknowledged, writers as u64 * ROUNDS);

    let after = setup.network(shared.id).unwrap().unwrap();
    assert_eq!(after.answers.registered_users, Some(acknowledged));
    assert_eq!(after.revision, 1 + acknowledged);
    for n in &own {
        let n = setup.network(n.id).unwrap().unwrap();
        assert_eq!(n.answers.registered_users, Some(ROUNDS));
    }
    let history = setup.log(&LogQuery::of_network(shared.id)).unwrap();
    assert_eq!(history.len() as u64, 1 + acknowledged);
    // Each logged update moved the counter by exactly one: none was
    // written over.
    for (i, e) in history.iter().skip(1).enumerate() {
        let changes = e.changes();
        let counter = changes
            .iter()
            .find(|c| c.field == "answers.registered_users")
            .unwrap();
        let before = if i == 0 { None } else { Some(i.to_string()) };
        assert_eq!(counter.before, before);
        assert_eq!(counter.after, Some((i + 1).to_string()));
    }
    eprintln!("{writers} writers: {acknowledged} writes, {conflicts} conflicts reported");
}

#[test]
fn two_concurrent_writers_lose_nothing() {
    concurrent_writers(2);
}

#[test]
fn eight_concurrent_writers_lose_nothing() {
    concurrent_writers(8);
}

#[test]
fn clients_starting_at_once_share_exactly_one_daemon() {
    let place = Arc::new(place());
    let clients = 8;
    let barrier = Arc::new(Barrier::new(clients));
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (place, barrier) = (Arc::clone(&place), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                let store = client::connect_or_start_with(&place.db, &place.launcher())?;
                store.create_client(client(&format!("Client {i}")))?;
                Ok::<RemoteStore, Error>(store)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    // Guard first, so the daemon is stopped even if an assertion fails.
    let _daemon = Daemon::found(&place);
    let stores: Vec<RemoteStore> = results.into_iter().map(|r| r.unwrap()).collect();
    let pids: Vec<u32> = stores.iter().map(|s| s.status().unwrap().pid).collect();
    assert!(pids.iter().all(|p| *p == pids[0]), "{pids:?}");
    wait_until("the daemon counts one connection per client", || {
        stores[0].status().unwrap().clients.len() == clients
    });
    assert_eq!(stores[3].clients().unwrap().len(), clients);
    // The daemons that lost the race went away by themselves.
    #[cfg(target_os = "linux")]
    wait_until("only one daemon is left", || {
        serving_processes(&place.db) == vec![pids[0]]
    });
}

/// The processes running `mlps serve --db DIR`, zombies aside.
#[cfg(target_os = "linux")]
fn serving_processes(db: &Path) -> Vec<u32> {
    let wanted = db.as_os_str().as_encoded_bytes();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        if args.contains(&&b"serve"[..]) && args.contains(&wanted) {
            pids.push(pid);
        }
    }
    pids
}

/// Reads until the daemon closes the connection; what it sent first, if
/// anything, must be a refusal.
fn assert_closed(mut raw: UnixStream, what: &str) {
    raw.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut got = Vec::new();
    match raw.read_to_end(&mut got) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("{what}: the connection stayed open: {e}"),
    }
    if !got.is_empty() {
        let answer: Response = protocol::receive(&mut got.as_slice()).unwrap().unwrap();
        assert!(
            matches!(answer, Response::Failed { .. }),
            "{what}: {answer:?}"
        );
    }
}

fn greeted(db: &Path) -> UnixStream {
    let mut raw = UnixStream::connect(socket_path(db)).unwrap();
    protocol::send(&mut raw, &protocol::hello_request()).unwrap();
    let hello: Response = protocol::receive(&mut raw).unwrap().unwrap();
    assert!(matches!(hello, Response::Hello { .. }));
    raw
}

#[test]
fn a_bad_frame_closes_only_its_own_connection() {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let good = client::connect(&place.db).unwrap();
    good.create_client(client("Acme")).unwrap();

    let garbage: &[u8] = &[0, 0, 0, 5, 0xde, 0xad, 0xbe, 0xef, 0xff];
    let mut oversized = (protocol::MAX_FRAME as u32 + 1).to_be_bytes().to_vec();
    oversized.extend_from_slice(b"more bytes than anyone should read");
    let truncated: &[u8] = &[0, 0, 0, 100, 1, 2, 3];
    for (what, bytes) in [
        ("garbage", garbage),
        ("an oversized length", &oversized[..]),
        ("a truncated frame", truncated),
    ] {
        for after_hello in [false, true] {
            let mut raw = if after_hello {
                greeted(&place.db)
            } else {
                UnixStream::connect(socket_path(&place.db)).unwrap()
            };
            raw.write_all(bytes).unwrap();
            raw.shutdown(std::net::Shutdown::Write).unwrap();
            assert_closed(raw, what);
            assert_eq!(good.clients().unwrap().len(), 1, "after {what}");
        }
    }
    // A request before the handshake is refused too.
    let mut raw = UnixStream::connect(socket_path(&place.db)).unwrap();
    protocol::send(&mut raw, &Request::Clients).unwrap();
    assert_closed(raw, "a request before Hello");

    // New clients are still welcome.
    let later = client::connect(&place.db).unwrap();
    assert_eq!(later.clients().unwrap().len(), 1);
    wait_until("only the two good connections are left", || {
        good.status().unwrap().clients.len() == 2
    });
}

/// Clients that die mid-request (gone before the answer, killed while a
/// large answer is being written) leave the daemon serving the others.
#[test]
fn the_daemon_survives_clients_that_die_mid_request() {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let good = client::connect(&place.db).unwrap();
    place
        .mlps()
        .args(["demo", "--clients", "300"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    let clients = good.clients().unwrap().len();
    for _ in 0..50 {
        let mut raw = greeted(&place.db);
        protocol::send(&mut raw, &Request::Networks).unwrap();
        drop(raw);
    }
    for delay in [0, 2, 5, 10, 20] {
        let mut export = place
            .mlps()
            .arg("export")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        export.kill().unwrap();
        export.wait().unwrap();
    }
    assert_eq!(good.clients().unwrap().len(), clients);
    let later = client::connect(&place.db).unwrap();
    assert_eq!(
        later.networks().unwrap().len(),
        good.networks().unwrap().len()
    );
    wait_until("only the two good connections are left", || {
        good.status().unwrap().clients.len() == 2
    });
}

#[test]
fn an_idle_daemon_exits_once_its_last_client_leaves() {
    let place = place();
    let mut daemon = Daemon::serve(&place, &["--idle", "1"]);
    let store = client::connect(&place.db).unwrap();
    store.create_client(client("Acme")).unwrap();
    // Longer than the idle time: a connected client keeps it running.
    std::thread::sleep(Duration::from_millis(1300));
    assert!(daemon.child.as_mut().unwrap().try_wait().unwrap().is_none());
    assert_eq!(store.clients().unwrap().len(), 1);
    drop(store);
    assert!(daemon.wait_exit().success());
    assert!(!socket_path(&place.db).exists());
    // Flushed before it went.
    let direct = SledStore::open(&place.db, Config::default()).unwrap();
    assert_eq!(direct.clients().unwrap().len(), 1);
}

#[test]
fn mlps_stop_status_and_a_second_serve() {
    let place = place();
    let mut daemon = Daemon::serve(&place, &[]);
    let pid = daemon.pid.unwrap();

    let status = place.mlps().arg("status").output().unwrap();
    assert!(status.status.success());
    let text = String::from_utf8(status.stdout).unwrap();
    assert!(text.contains(&format!("pid {pid}")), "{text}");
    assert!(text.contains("0 sessions"), "{text}");

    // A second daemon for the same directory leaves quietly.
    let second = place.mlps().arg("serve").output().unwrap();
    assert_eq!(second.status.code(), Some(0));
    let said = String::from_utf8(second.stderr).unwrap();
    assert!(said.contains("already serves"), "{said}");
    assert!(said.contains(&format!("pid {pid}")), "{said}");
    assert_eq!(
        client::connect(&place.db).unwrap().status().unwrap().pid,
        pid
    );

    let stop = place.mlps().arg("stop").output().unwrap();
    assert!(stop.status.success());
    assert!(String::from_utf8(stop.stdout).unwrap().contains("Stopped"));
    assert!(daemon.wait_exit().success());
    assert!(!socket_path(&place.db).exists());

    let again = place.mlps().arg("stop").output().unwrap();
    assert!(again.status.success());
    assert!(
        String::from_utf8(again.stdout)
            .unwrap()
            .contains("No mlps daemon")
    );
    let status = place.mlps().arg("status").output().unwrap();
    assert_eq!(status.status.code(), Some(1));
    assert!(
        String::from_utf8(status.stderr)
            .unwrap()
            .contains("no daemon is running")
    );
    assert_eq!(client::stop(&place.db).unwrap(), StopOutcome::NotRunning);
}

#[test]
fn the_socket_and_the_directory_are_private() {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&place.db), 0o700);
    assert_eq!(mode(&socket_path(&place.db)), 0o600);
    assert_eq!(mode(&lock_path(&place.db)), 0o600);
}

#[test]
fn a_world_writable_directory_is_refused() {
    let place = place();
    std::fs::create_dir(&place.db).unwrap();
    std::fs::set_permissions(&place.db, std::fs::Permissions::from_mode(0o777)).unwrap();
    // Should it start after all, it does not outlive the test.
    let out = place
        .mlps()
        .args(["serve", "--idle", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.contains("writable by every user"), "{said}");
    assert!(said.contains(&place.db.display().to_string()), "{said}");
    assert!(!socket_path(&place.db).exists());
}

#[test]
fn connect_or_start_reuses_a_running_daemon() {
    let place = place();
    let daemon = Daemon::serve(&place, &[]);
    let store = client::connect_or_start_with(&place.db, &place.launcher()).unwrap();
    assert_eq!(store.status().unwrap().pid, daemon.pid.unwrap());
}

#[test]
fn a_client_of_another_protocol_may_only_stop_the_daemon() {
    let place = place();
    let mut daemon = Daemon::serve(&place, &[]);
    let foreign_hello = Request::Hello {
        protocol: protocol::PROTOCOL + 1,
        version: "9.9.9".into(),
    };
    let greet = || {
        let mut raw = UnixStream::connect(socket_path(&place.db)).unwrap();
        protocol::send(&mut raw, &foreign_hello).unwrap();
        // The daemon says which protocol it speaks, so the client can say
        // what does not match.
        let hello: Response = protocol::receive(&mut raw).unwrap().unwrap();
        assert_eq!(hello, protocol::hello_response());
        raw
    };
    let mut raw = greet();
    protocol::send(&mut raw, &Request::Clients).unwrap();
    assert_closed(raw, "a request in another protocol");

    let mut raw = greet();
    protocol::send(&mut raw, &Request::Stop).unwrap();
    let answer: Response = protocol::receive(&mut raw).unwrap().unwrap();
    assert_eq!(answer, Response::Stopping);
    assert!(daemon.wait_exit().success());
}

/// Every command goes through the daemon: while one client holds a
/// connection, other `mlps` processes read and write the same database
/// instead of finding it locked, and the first client sees their writes.
#[test]
fn commands_share_the_database_through_one_daemon() {
    let place = place();
    let held = client::connect_or_start_with(&place.db, &place.launcher()).unwrap();
    let _guard = Daemon::found(&place);
    let pid = held.status().unwrap().pid;
    let example = include_str!("../fixtures/interchange-example.json");
    let mut import = place
        .mlps()
        .arg("import")
        .arg("-")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    import
        .stdin
        .take()
        .unwrap()
        .write_all(example.as_bytes())
        .unwrap();
    assert!(import.wait().unwrap().success());
    // The import went to the daemon this client is connected to.
    assert_eq!(held.clients().unwrap().len(), 1);
    let out = place
        .mlps()
        .args([
            "renewals",
            "--within",
            "800",
            "--json",
            "--today",
            "2026-11-28",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Online shop"));
    // Still the one daemon.
    assert_eq!(held.status().unwrap().pid, pid);
}

/// Stands in for a daemon of another protocol: holds the directory's lock
/// and socket, greets with `protocol`, and answers the first request after
/// the greeting with `answer`; on `Stopping` it lets go of the directory.
/// Returns the request it got.
fn foreign_daemon(
    place: &Place,
    protocol: u32,
    answer: Response,
) -> std::thread::JoinHandle<Option<Request>> {
    std::fs::create_dir_all(&place.db).unwrap();
    std::fs::set_permissions(&place.db, std::fs::Permissions::from_mode(0o700)).unwrap();
    let lock = std::fs::File::create(lock_path(&place.db)).unwrap();
    lock.try_lock().unwrap();
    let listener = std::os::unix::net::UnixListener::bind(socket_path(&place.db)).unwrap();
    let socket = socket_path(&place.db);
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _hello: Request = protocol::receive(&mut stream).unwrap().unwrap();
        let greeting = Response::Hello {
            protocol,
            version: "0.0.1".into(),
        };
        protocol::send(&mut stream, &greeting).unwrap();
        let request: Option<Request> = protocol::receive(&mut stream).ok().flatten();
        let stopping = answer == Response::Stopping;
        if request.is_some() {
            protocol::send(&mut stream, &answer).unwrap();
        }
        if stopping {
            // As a daemon does: socket gone, lock released, then closed.
            std::fs::remove_file(&socket).unwrap();
            drop(listener);
            drop(lock);
        }
        drop(stream);
        request
    })
}

#[test]
fn an_idle_daemon_of_an_older_version_is_replaced() {
    let place = place();
    let old = foreign_daemon(&place, protocol::PROTOCOL - 1, Response::Stopping);
    let store = client::connect_or_start_with(&place.db, &place.launcher()).unwrap();
    let _guard = Daemon::found(&place);
    assert_eq!(old.join().unwrap(), Some(Request::StopIfIdle));
    let status = store.status().unwrap();
    assert_eq!(status.protocol, protocol::PROTOCOL);
    assert_ne!(status.pid, std::process::id());
}

#[test]
fn an_older_daemon_in_use_is_left_running_with_a_clear_message() {
    let place = place();
    let busy = Response::Failed {
        input: false,
        message: "the mlps daemon (version 0.0.1) is in use by 2 other sessions".into(),
    };
    let old = foreign_daemon(&place, protocol::PROTOCOL - 1, busy);
    let err = client::connect_or_start_with(&place.db, &place.launcher())
        .err()
        .expect("refused");
    assert_eq!(old.join().unwrap(), Some(Request::StopIfIdle));
    let m = err.message();
    assert!(m.contains("mlps 0.0.1"), "{m}");
    assert!(m.contains("in use by 2 other sessions"), "{m}");
    assert!(m.contains("mlps stop --db"), "{m}");
}

#[test]
fn a_newer_daemon_is_never_stopped_by_an_older_client() {
    let place = place();
    let newer = foreign_daemon(&place, protocol::PROTOCOL + 1, Response::Stopping);
    let err = client::connect_or_start_with(&place.db, &place.launcher())
        .err()
        .expect("refused");
    assert!(
        err.message().contains("a newer mlps serves this database"),
        "{err}"
    );
    // It asked for nothing after the greeting; the stand-in sees the close.
    drop(err);
    assert_eq!(newer.join().unwrap(), None);
}

/// `StopIfIdle` stops a daemon only when no other session is connected.
#[test]
fn stop_if_idle_spares_a_daemon_in_use() {
    let place = place();
    let mut daemon = Daemon::serve(&place, &[]);
    let other = greeted(&place.db);
    let mut asking = greeted(&place.db);
    protocol::send(&mut asking, &Request::StopIfIdle).unwrap();
    match protocol::receive::<Response>(&mut asking).unwrap().unwrap() {
        // At least `other`: a connection the test's own start-up probe
        // made may not be closed on the daemon's side yet.
        Response::Failed { message, .. } => assert!(
            message.contains("in use by 1 other session")
                || message.contains("in use by 2 other sessions"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    drop(other);
    let mut stopped = false;
    wait_until("the daemon agrees to stop once idle", || {
        protocol::send(&mut asking, &Request::StopIfIdle).unwrap();
        stopped = protocol::receive::<Response>(&mut asking).unwrap() == Some(Response::Stopping);
        stopped
    });
    assert!(daemon.wait_exit().success());
}

static NOTICES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn kill_daemon(store: &RemoteStore) {
    let pid = store.status().unwrap().pid;
    // SAFETY: sends a signal; no memory is involved.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    wait_until("the daemon is dead", || !alive(pid));
}

/// A command whose daemon is killed under it starts a new one and goes on
/// where that is safe, saying so; nothing it was told was saved is lost.
#[test]
fn a_command_outlives_a_killed_daemon() {
    let place = place();
    let store = client::connect_or_start_with(&place.db, &place.launcher())
        .unwrap()
        .reconnecting(|m| NOTICES.lock().unwrap().push(m.to_string()));
    let acme = store.create_client(client("Acme")).unwrap();

    kill_daemon(&store);
    // A read: answered by a new daemon, from the same database.
    assert_eq!(store.clients().unwrap(), vec![acme.clone()]);
    let _guard = Daemon::found(&place);
    assert_eq!(NOTICES.lock().unwrap().len(), 1);
    assert!(NOTICES.lock().unwrap()[0].contains("reconnected to a new one"));

    // A write the dead daemon never read is sent to the new one.
    kill_daemon(&store);
    let beta = store.create_client(client("Beta")).unwrap();
    let _guard = Daemon::found(&place);
    assert_eq!(store.clients().unwrap(), vec![acme, beta]);
    assert_eq!(NOTICES.lock().unwrap().len(), 2);

    // Without `reconnecting`, a lost daemon is an error that says so.
    let plain = client::connect(&place.db).unwrap();
    kill_daemon(&plain);
    let err = plain.clients().unwrap_err();
    assert!(err.message().contains("daemon"), "{err}");
}

/// A daemon of an older release that speaks this protocol is replaced
/// too, once nobody uses it: an upgrade takes effect at the next start.
#[test]
fn an_idle_daemon_of_an_older_release_is_replaced() {
    let place = place();
    let old = foreign_daemon(&place, protocol::PROTOCOL, Response::Stopping);
    let store = client::connect_or_start_with(&place.db, &place.launcher()).unwrap();
    let _guard = Daemon::found(&place);
    assert_eq!(old.join().unwrap(), Some(Request::StopIfIdle));
    assert_eq!(store.status().unwrap().version, protocol::VERSION);
}

/// The idle time of a daemon started on demand comes from `config.toml`.
#[test]
fn the_idle_time_is_a_setting() {
    let place = place();
    std::fs::write(
        place.config.join("config.toml"),
        "[daemon]\nidle_seconds = 1\n",
    )
    .unwrap();
    let store = client::connect_or_start_with(&place.db, &place.launcher()).unwrap();
    let guard = Daemon::found(&place);
    let pid = guard.pid.unwrap();
    drop(store);
    wait_until("the daemon exits after a second alone", || !alive(pid));
    assert!(!socket_path(&place.db).exists());
}

#[test]
fn findings_travel_through_the_daemon_and_the_change_feed_announces_them() {
    use mlps::domain::gaps::{ComplianceResult, Extension, ExtensionChoice, Finding, FindingId};
    use mlps::domain::gaps::{FindingStatus, Risk};
    use mlps::store::StoredFinding;

    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let store = client::connect(&place.db).unwrap();
    let feed = client::subscribe(&place.db).unwrap();
    let next_change = || feed.recv_timeout(DEADLINE).expect("a change arrives");

    let c = store.create_client(client("Acme")).unwrap();
    let n = store.create_network(network(c.id, "Shop")).unwrap();
    assert!(matches!(next_change(), client::Change::Records { .. }));
    assert!(matches!(next_change(), client::Change::Records { .. }));

    let new = |point: &str, risk| {
        Finding::new(
            FindingId(0),
            point,
            "弱口令",
            ComplianceResult::NonCompliant,
            risk,
            mlps::domain::calendar::parse_date("2026-10-01").unwrap(),
        )
    };
    let f = store
        .create_finding(StoredFinding::new(
            n.id,
            new("computing.identity_auth", Risk::High),
        ))
        .unwrap();
    assert_eq!((f.revision, f.client), (1, c.id));
    assert_eq!(
        next_change(),
        client::Change::Findings {
            networks: vec![n.id],
            findings: vec![f.id()],
        }
    );
    assert_eq!(store.findings_of(n.id).unwrap(), vec![f.clone()]);
    assert_eq!(store.finding(f.id()).unwrap(), Some(f.clone()));

    // A stale write is refused as a conflict, as for networks.
    let mut edit = f.clone();
    edit.finding.owner = "王工".into();
    let f2 = store.update_finding(edit).unwrap();
    next_change();
    let mut stale = f.clone();
    stale.finding.owner = "other".into();
    assert!(matches!(
        store.update_finding(stale),
        Err(Error::Conflict(c)) if c.revision == 2
    ));

    let done = store
        .set_finding_status(
            &[f.id()],
            FindingStatus::Fixed,
            mlps::domain::calendar::parse_date("2026-11-01").unwrap(),
        )
        .unwrap();
    assert_eq!(done[0].revision, f2.revision + 1);
    assert_eq!(
        next_change(),
        client::Change::Findings {
            networks: vec![n.id],
            findings: vec![f.id()],
        }
    );
    assert!(matches!(
        store.set_finding_status(
            &[FindingId(999_999)],
            FindingStatus::Fixed,
            mlps::domain::calendar::parse_date("2026-11-01").unwrap(),
        ),
        Err(Error::NotFound(ref m)) if matches!(m.what, Missing::Finding(999_999))
    ));

    assert_eq!(
        store
            .import_findings(n.id, vec![new("computing.audit", Risk::Low)], false)
            .unwrap(),
        1
    );
    assert_eq!(
        next_change(),
        client::Change::Findings {
            networks: vec![n.id],
            findings: vec![],
        }
    );
    let mut choice = ExtensionChoice::default();
    choice.set(Extension::Cloud, true);
    store.set_gap_extensions(n.id, choice.clone()).unwrap();
    next_change();
    assert_eq!(store.gap_extensions(n.id).unwrap(), choice);
    assert_eq!(store.all_gap_extensions().unwrap(), vec![(n.id, choice)]);
    assert_eq!(store.all_findings().unwrap().len(), 2);

    store.delete_finding(f.id(), None).unwrap();
    assert_eq!(
        next_change(),
        client::Change::Findings {
            networks: vec![],
            findings: vec![f.id()],
        }
    );
    assert_eq!(store.findings_of(n.id).unwrap().len(), 1);

    // Logged as the user, naming the finding, apart from the network's
    // own history.
    assert!(
        store
            .log(&LogQuery::of_network(n.id))
            .unwrap()
            .iter()
            .all(|e| e.finding.is_none())
    );
    let log = store.log(&LogQuery::of_findings(n.id)).unwrap();
    assert!(
        log.iter()
            .any(|e| e.finding == Some(f.id()) && e.action == Action::Deleted),
        "{log:?}"
    );
}

#[test]
fn a_large_import_refused_midway_through_the_daemon_imports_nothing() {
    let place = place();
    let _daemon = Daemon::serve(&place, &[]);
    let store = client::connect(&place.db).unwrap();
    let existing = store.create_client(client("Existing")).unwrap();
    let mut records = crate::support::demo_records(130, 8);
    let last = records[129].client.name.clone();
    // Sent in chunks: the clash is in a late one.
    records[120].id = Some(existing.id);
    let err = store.import(records.clone()).unwrap_err();
    assert!(err.message().contains("clients[120].id"), "{err}");
    assert_eq!(store.clients().unwrap(), vec![existing.clone()]);
    assert!(store.networks().unwrap().is_empty());

    // The same connection imports the corrected records.
    records[120].id = None;
    let summary = store.import(records).unwrap();
    assert_eq!(summary.clients, 130);
    assert_eq!(store.clients().unwrap().len(), 131);
    assert!(!store.search(&last, 5).unwrap().is_empty());
}
