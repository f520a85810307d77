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
