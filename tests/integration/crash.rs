//! Crash safety: writers stream changes through the daemon while it is
//! killed with SIGKILL at random moments, 20 times over. Every write a
//! writer saw acknowledged must be on disk afterwards, whole, and every
//! index must agree with the records (`mlps doctor`'s check).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use mlps::domain::gaps::{ComplianceResult, Finding, FindingId, Risk};
use mlps::domain::model::{Client, ClientId, Network, NetworkId};
use mlps::domain::questionnaire::Answers;
use mlps::domain::settings::Config;
use mlps::server::client;
use mlps::store::{CaseStore, Maintenance, SledStore, StoredFinding};

use crate::support;

const ROUNDS: u64 = 20;
const WRITERS: usize = 3;

fn serve(db: &Path, config: &Path) -> Child {
    let child = support::mlps_process_on(db, config)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while client::connect(db).is_err() {
        assert!(Instant::now() < deadline, "the daemon never answered");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// A write the daemon acknowledged: the network, the revision it stored
/// and the notes it stored with it.
#[derive(Debug, Clone)]
struct Ack {
    network: NetworkId,
    revision: u64,
    notes: String,
}

/// A finding the daemon acknowledged, with the description it stored.
#[derive(Debug, Clone)]
struct FindingAck {
    id: FindingId,
    network: NetworkId,
    description: String,
}

/// Creates and edits networks of `client`, and adds findings to them,
/// until the daemon goes away.
fn writer(db: &Path, client: ClientId, who: usize, round: u64) -> (Vec<Ack>, Vec<FindingAck>) {
    let Ok(store) = client::connect(db) else {
        return (Vec::new(), Vec::new());
    };
    let mut acks = Vec::new();
    let mut found = Vec::new();
    let mut mine: Vec<NetworkId> = match store.networks_of(client) {
        Ok(list) => list.into_iter().map(|n| n.id).collect(),
        Err(_) => return (acks, found),
    };
    for step in 0.. {
        let notes = format!("writer {who}, round {round}, step {step}");
        if !mine.is_empty() && step % 4 == 2 {
            let network = mine[step as usize % mine.len()];
            let finding = Finding::new(
                FindingId(0),
                "computing.audit",
                &notes,
                ComplianceResult::Partial,
                Risk::Medium,
                chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            );
            match store.create_finding(StoredFinding::new(network, finding)) {
                Ok(f) => found.push(FindingAck {
                    id: f.id(),
                    network,
                    description: notes,
                }),
                Err(_) => break,
            }
            continue;
        }
        let written = if mine.is_empty() || step % 4 == 0 {
            store.create_network(Network {
                id: NetworkId(0),
                client,
                revision: 0,
                name: format!("w{who} r{round} s{step}"),
                notes: notes.clone(),
                answers: Answers {
                    pi_subjects: Some(step * 1000),
                    ..Answers::default()
                },
                overrides: Default::default(),
                filed_level: None,
                milestones: vec![],
            })
        } else {
            let id = mine[step as usize % mine.len()];
            match store.network(id) {
                Ok(Some(mut n)) => {
                    n.notes = notes.clone();
                    n.answers.pi_subjects = Some(step * 7);
                    store.update_network(n)
                }
                Ok(None) => panic!("network {} vanished", id.0),
                Err(e) => Err(e),
            }
        };
        match written {
            Ok(n) => {
                if !mine.contains(&n.id) {
                    mine.push(n.id);
                }
                acks.push(Ack {
                    network: n.id,
                    revision: n.revision,
                    notes,
                });
            }
            Err(_) => break,
        }
    }
    (acks, found)
}

#[test]
fn acknowledged_writes_survive_the_daemon_being_killed_twenty_times() {
    let place = support::place();
    let (db, config) = (&place.db, &place.config);
    let clients: Vec<ClientId> = {
        let store = SledStore::open(db, Config::default()).unwrap();
        (0..WRITERS)
            .map(|i| {
                store
                    .create_client(Client {
                        id: ClientId(0),
                        revision: 0,
                        name: format!("Writer {i} Ltd"),
                        name_zh: String::new(),
                        region: "Shanghai".into(),
                        ..Client::default()
                    })
                    .unwrap()
                    .id
            })
            .collect()
    };

    let mut acks: Vec<Ack> = Vec::new();
    let mut found: Vec<FindingAck> = Vec::new();
    // A fixed sequence of kill moments, from a small generator: the same
    // every run, spread from 20 to 260 ms.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..ROUNDS {
        let mut daemon = serve(db, config);
        let threads: Vec<_> = clients
            .iter()
            .enumerate()
            .map(|(who, &client)| {
                let db = db.clone();
                std::thread::spawn(move || writer(&db, client, who, round))
            })
            .collect();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(20 + seed % 240));
        // SIGKILL: no chance to finish anything.
        daemon.kill().unwrap();
        daemon.wait().unwrap();
        // Each writer stops at its first failed write.
        for t in threads {
            let (a, f) = t.join().unwrap();
            acks.extend(a);
            found.extend(f);
        }
    }
    assert!(acks.len() > ROUNDS as usize, "only {} writes", acks.len());

    // Every acknowledged write is there: the newest acknowledged revision
    // of each network or a later one, with its notes when it is the last.
    let store = SledStore::open(db, Config::default()).unwrap();
    let mut newest: HashMap<NetworkId, Ack> = HashMap::new();
    for a in &acks {
        let slot = newest.entry(a.network).or_insert_with(|| a.clone());
        if a.revision > slot.revision {
            *slot = a.clone();
        }
    }
    for (id, ack) in &newest {
        let n = store
            .network(*id)
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged network {} is gone", id.0));
        assert!(
            n.revision >= ack.revision,
            "network {}: revision {} on disk, {} acknowledged",
            id.0,
            n.revision,
            ack.revision
        );
        if n.revision == ack.revision {
            assert_eq!(n.notes, ack.notes, "network {}", id.0);
        }
    }
    for f in &found {
        let stored = store
            .finding(f.id)
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged finding {} is gone", f.id.0));
        assert_eq!(stored.network, f.network);
        assert_eq!(stored.finding.description, f.description);
    }
    // Nothing half-written: every record reads and every index agrees.
    let checkup = store.doctor(false).unwrap();
    assert_eq!(checkup.problems, Vec::<String>::new());
    assert_eq!(checkup.networks as usize, store.networks().unwrap().len());
    assert!(checkup.findings as usize >= found.len());
    eprintln!(
        "{ROUNDS} crashes survived: {} acknowledged writes on {} networks and {} findings, none lost",
        acks.len(),
        newest.len(),
        found.len()
    );
}

/// What must be exactly the old or exactly the new database after a kill:
/// every client and network with its revision, and every finding.
#[derive(Debug, PartialEq, Eq)]
struct Contents {
    clients: Vec<(u64, String, u64)>,
    networks: Vec<(u64, u64, String, u64)>,
    findings: Vec<(u64, u64, String)>,
}

impl Contents {
    fn of(store: &SledStore) -> Contents {
        let mut clients: Vec<_> = (store.clients().unwrap().into_iter())
            .map(|c| (c.id.0, c.display_name().to_string(), c.revision))
            .collect();
        let mut networks: Vec<_> = (store.networks().unwrap().into_iter())
            .map(|n| (n.id.0, n.client.0, n.name, n.revision))
            .collect();
        let mut findings: Vec<_> = (store.all_findings().unwrap().into_iter())
            .map(|f| (f.id().0, f.network.0, f.finding.description))
            .collect();
        clients.sort();
        networks.sort();
        findings.sort();
        Contents {
            clients,
            networks,
            findings,
        }
    }

    fn read(db: &Path) -> Contents {
        Contents::of(&SledStore::open(db, Config::default()).unwrap())
    }
}

/// A copy of the database directory `from` (its daemon stopped) at `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// After a kill: the database reopens to exactly `old` or exactly `new`
/// (exactly `new` when the write was acknowledged), `doctor` finds
/// nothing wrong, and no staging tree is left in the file. Returns
/// whether it was the new one.
fn old_or_new(db: &Path, old: &Contents, new: &Contents, acknowledged: bool, what: &str) -> bool {
    let store = SledStore::open(db, Config::default()).unwrap();
    let now = Contents::of(&store);
    let is_new = now == *new;
    assert!(
        is_new || now == *old,
        "{what}: the database is neither the old one ({} clients) nor the new one ({} clients): \
         {} clients, {} networks, {} findings",
        old.clients.len(),
        new.clients.len(),
        now.clients.len(),
        now.networks.len(),
        now.findings.len()
    );
    if acknowledged {
        assert!(
            is_new,
            "{what}: acknowledged, but the database is the old one"
        );
    }
    let checkup = store.doctor(false).unwrap();
    assert_eq!(checkup.problems, Vec::<String>::new(), "{what}");
    drop(store);
    // Opening dropped whatever the killed write had staged.
    let trees: Vec<String> = (support::sled_trees(db).into_iter())
        .filter(|n| n != "__sled__default")
        .collect();
    assert_eq!(trees.len(), 1, "{what}: trees left in the file: {trees:?}");
    is_new
}

/// The moments to kill at: `rounds` of them spread over `took`, from
/// early in the write to a little after its end.
fn kill_moments(took: Duration, rounds: u32) -> Vec<Duration> {
    (0..rounds)
        .map(|i| took.mul_f64(0.05 + 1.1 * f64::from(i) / f64::from(rounds - 1)))
        .collect()
}

/// Runs `write` against a daemon on a copy of `template` at `db`, killing
/// the daemon after `after` (never, with `None`); returns whether the
/// write was acknowledged and how long it took.
fn write_then_kill(
    template: &Path,
    db: &Path,
    config: &Path,
    after: Option<Duration>,
    write: impl FnOnce(&Path) -> bool + Send + 'static,
) -> (bool, Duration) {
    let _ = std::fs::remove_dir_all(db);
    copy_dir(template, db);
    let mut daemon = serve(db, config);
    let started = Instant::now();
    let worker = {
        let db = db.to_path_buf();
        std::thread::spawn(move || {
            let ok = write(&db);
            (ok, started.elapsed())
        })
    };
    match after {
        Some(wait) => {
            std::thread::sleep(wait);
            daemon.kill().unwrap();
            daemon.wait().unwrap();
            worker.join().unwrap()
        }
        None => {
            let done = worker.join().unwrap();
            daemon.kill().unwrap();
            daemon.wait().unwrap();
            done
        }
    }
}

/// The old database: 30 demo clients with their findings.
fn template(place: &support::Place) -> std::path::PathBuf {
    let template = place.root.join("template");
    let store = SledStore::open(&template, Config::default()).unwrap();
    let records = support::demo_records(30, 1);
    store.import(records).unwrap();
    template
}

const KILLS: u32 = 10;

#[test]
fn a_large_import_killed_midway_leaves_the_old_database_or_the_new_one() {
    let place = support::place();
    let template = template(&place);
    let old = Contents::read(&template);
    let db = place.root.join("db");
    // More clients than go in one batch: the import is staged in chunks.
    let records = support::demo_records(160, 2);
    let import = || {
        let records = records.clone();
        move |db: &Path| {
            client::connect(db)
                .and_then(|store| store.import(records))
                .is_ok()
        }
    };
    let (acknowledged, took) = write_then_kill(&template, &db, &place.config, None, import());
    assert!(acknowledged, "the import without a kill failed");
    let new = Contents::read(&db);
    assert_eq!(new.clients.len(), old.clients.len() + 160);
    assert!(new.findings.len() > old.findings.len());

    let mut outcomes = Vec::new();
    for (round, wait) in kill_moments(took, KILLS).into_iter().enumerate() {
        let (acknowledged, _) =
            write_then_kill(&template, &db, &place.config, Some(wait), import());
        let what = format!("import killed after {wait:?} (round {round})");
        outcomes.push(old_or_new(&db, &old, &new, acknowledged, &what));
    }
    // The kills fell inside the import: some left the old database.
    assert!(
        outcomes.contains(&false),
        "every kill came after the import"
    );
    eprintln!(
        "import of 160 clients ({took:?}) killed {KILLS} times: {} old, {} new",
        outcomes.iter().filter(|n| !**n).count(),
        outcomes.iter().filter(|n| **n).count()
    );
}

#[test]
fn a_restore_killed_midway_leaves_the_old_database_or_the_new_one() {
    let place = support::place();
    let template = template(&place);
    let old = Contents::read(&template);
    // The backup restored: another book of 160 clients.
    let pairs = {
        let other = place.root.join("other");
        let store = SledStore::open(&other, Config::default()).unwrap();
        store.import(support::demo_records(160, 3)).unwrap();
        let mut pairs = Vec::new();
        store
            .backup(&mut |page| {
                pairs.extend(page);
                Ok(())
            })
            .unwrap();
        pairs
    };
    let db = place.root.join("db");
    let restore = |pairs: mlps::store::backup::Pairs| {
        move |db: &Path| {
            client::connect(db)
                .and_then(|store| store.restore(pairs, true, "crash test"))
                .is_ok()
        }
    };
    let (acknowledged, took) =
        write_then_kill(&template, &db, &place.config, None, restore(pairs.clone()));
    assert!(acknowledged, "the restore without a kill failed");
    let new = Contents::read(&db);
    assert_eq!(new.clients.len(), 160);

    let mut outcomes = Vec::new();
    for (round, wait) in kill_moments(took, KILLS).into_iter().enumerate() {
        let (acknowledged, _) = write_then_kill(
            &template,
            &db,
            &place.config,
            Some(wait),
            restore(pairs.clone()),
        );
        let what = format!("restore killed after {wait:?} (round {round})");
        outcomes.push(old_or_new(&db, &old, &new, acknowledged, &what));
    }
    assert!(
        outcomes.contains(&false),
        "every kill came after the restore"
    );
    eprintln!(
        "restore of {} pairs ({took:?}) killed {KILLS} times: {} old, {} new",
        pairs.len(),
        outcomes.iter().filter(|n| !**n).count(),
        outcomes.iter().filter(|n| **n).count()
    );
}
