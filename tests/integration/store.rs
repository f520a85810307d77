//! The sled store: writes, revisions, all-or-nothing import, and a due-date
//! index that always agrees with the timeline engine.

use chrono::NaiveDate;
use mlps::domain::calendar::add_days;
use mlps::domain::grading;
use mlps::domain::model::{Client, ClientId, Level, Milestone, Network, NetworkId, Stage};
use mlps::domain::model::{NewClient, NewNetwork};
use mlps::domain::questionnaire::Answers;
use mlps::domain::settings::Config;
use mlps::domain::timeline;
use mlps::store::{CaseStore, Maintenance, SledStore};

use crate::support::{self, d, demo_records, fresh_store, import_demo, today};

fn client(name: &str) -> Client {
    Client {
        id: ClientId(0),
        revision: 0,
        name: name.into(),
        name_zh: String::new(),
        region: "Shanghai".into(),
        ..Client::default()
    }
}

fn network(client: ClientId, name: &str, milestones: Vec<Milestone>) -> Network {
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
        milestones,
    }
}

fn eval(date: &str) -> Milestone {
    Milestone::new(Stage::EvaluationPassed, d(date))
}

#[test]
fn writes_survive_reopening_and_ids_are_stable() {
    let dir = tempfile::tempdir().unwrap();
    let (cid, nid) = {
        let store = SledStore::open(dir.path(), Config::default()).unwrap();
        let c = store.create_client(client("Acme")).unwrap();
        let n = store
            .create_network(network(c.id, "Shop", vec![eval("2025-12-01")]))
            .unwrap();
        assert_eq!((c.revision, n.revision), (1, 1));
        (c.id, n.id)
    };
    let store = SledStore::open(dir.path(), Config::default()).unwrap();
    assert_eq!(store.client(cid).unwrap().unwrap().name, "Acme");
    let n = store.network(nid).unwrap().unwrap();
    assert_eq!(n.client, cid);
    assert_eq!(store.networks_of(cid).unwrap(), vec![n]);
    // New ids never reuse old ones.
    let c2 = store.create_client(client("Beta")).unwrap();
    assert!(c2.id.0 > nid.0);
}

#[test]
fn a_stale_write_is_refused() {
    let (_dir, store) = fresh_store();
    let c = store.create_client(client("Acme")).unwrap();
    let mut first = c.clone();
    first.notes = "first".into();
    let saved = store.update_client(first).unwrap();
    assert_eq!(saved.revision, 2);
    let mut second = c.clone();
    second.notes = "second".into();
    let err = store.update_client(second).unwrap_err();
    assert_eq!(err.exit_code(), 1);
    let me = mlps::store::audit::Actor::current();
    assert!(
        err.message()
            .contains(&format!("changed by {} at ", me.user)),
        "{err}"
    );
    assert_eq!(store.client(c.id).unwrap().unwrap().notes, "first");

    let n = store.create_network(network(c.id, "Shop", vec![])).unwrap();
    let mut a = n.clone();
    a.name = "Shop A".into();
    store.update_network(a).unwrap();
    let mut b = n;
    b.name = "Shop B".into();
    assert!(store.update_network(b).is_err());
}

#[test]
fn invalid_records_are_refused_with_the_field() {
    let (_dir, store) = fresh_store();
    let err = store.create_client(client("  ")).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.message().contains("name"), "{err}");
    let c = store.create_client(client("Acme")).unwrap();
    let mut bad = eval("2025-12-01");
    bad.score = Some(50.0);
    let err = store
        .create_network(network(c.id, "Shop", vec![bad]))
        .unwrap_err();
    assert!(err.message().contains("milestones[0].score"), "{err}");
    let err = store
        .create_network(network(ClientId(999), "Orphan", vec![]))
        .unwrap_err();
    assert!(err.message().contains("does not exist"), "{err}");
    assert!(store.networks().unwrap().is_empty());
}

#[test]
fn deleting_a_client_removes_its_networks_and_due_entries() {
    let (_dir, store) = fresh_store();
    let keep = store.create_client(client("Keep")).unwrap();
    let gone = store.create_client(client("Gone")).unwrap();
    store
        .create_network(network(keep.id, "K", vec![eval("2025-01-01")]))
        .unwrap();
    store
        .create_network(network(gone.id, "G1", vec![eval("2025-02-01")]))
        .unwrap();
    store
        .create_network(network(gone.id, "G2", vec![eval("2025-03-01")]))
        .unwrap();
    assert_eq!(store.due_until(d("2030-01-01")).unwrap().len(), 3);
    store.delete_client(gone.id, None).unwrap();
    assert!(store.client(gone.id).unwrap().is_none());
    assert_eq!(store.networks().unwrap().len(), 1);
    let due = store.due_until(d("2030-01-01")).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].client, keep.id);
}

#[test]
fn an_import_with_a_taken_id_imports_nothing() {
    let (_dir, store) = fresh_store();
    let existing = store.create_client(client("Existing")).unwrap();
    let batch = vec![
        NewClient {
            id: None,
            client: client("New one"),
            networks: vec![],
        },
        NewClient {
            id: Some(existing.id),
            client: client("Clash"),
            networks: vec![NewNetwork {
                id: None,
                network: network(ClientId(0), "N", vec![]),
                findings: Vec::new(),
                gap_extensions: None,
            }],
        },
    ];
    let err = store.import(batch).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.message().contains("clients[1].id"), "{err}");
    assert_eq!(store.clients().unwrap(), vec![existing]);
    assert!(store.networks().unwrap().is_empty());
}

#[test]
fn imported_ids_are_kept_and_new_ones_do_not_collide() {
    let (_dir, store) = fresh_store();
    let batch = vec![
        NewClient {
            id: Some(ClientId(40)),
            client: client("Forty"),
            networks: vec![NewNetwork {
                id: Some(NetworkId(41)),
                network: network(ClientId(0), "N41", vec![]),
                findings: Vec::new(),
                gap_extensions: None,
            }],
        },
        NewClient {
            id: None,
            client: client("Fresh"),
            networks: vec![NewNetwork {
                id: None,
                network: network(ClientId(0), "Nfresh", vec![]),
                findings: Vec::new(),
                gap_extensions: None,
            }],
        },
    ];
    let s = store.import(batch).unwrap();
    assert_eq!((s.clients, s.networks), (2, 2));
    let clients = store.clients().unwrap();
    assert_eq!(clients[0].id, ClientId(40));
    assert!(clients[1].id.0 > 41);
    let n41 = store.network(NetworkId(41)).unwrap().unwrap();
    assert_eq!(n41.client, ClientId(40));
    assert!(store.create_client(client("Later")).unwrap().id.0 > 41);
}

/// The index must list exactly the open obligations the timeline engine
/// derives, for every network, and "due by" must be a date range.
fn assert_index_agrees(store: &SledStore, config: &Config, until: NaiveDate) {
    let mut expected = Vec::new();
    for n in store.networks().unwrap() {
        let level = grading::level(&n.answers, &n.overrides, config.settings.rules);
        let t = timeline::timeline(&n, level, &config.settings.intervals, &config.calendar);
        for dl in t.open().filter(|dl| dl.due <= until) {
            expected.push((dl.due, n.id, dl.kind, t.level));
        }
    }
    expected.sort();
    let mut got: Vec<_> = store
        .due_until(until)
        .unwrap()
        .into_iter()
        .map(|i| (i.due, i.network, i.kind, i.level))
        .collect();
    let in_order = got.windows(2).all(|w| w[0].0 <= w[1].0);
    assert!(in_order, "the index returns dates in order");
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn the_due_index_agrees_with_the_timeline_on_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let store = SledStore::open(dir.path(), config.clone()).unwrap();
    let today = today();
    import_demo(&store, 40, 7);
    for days in [0, 30, 90, 365, 5000] {
        assert_index_agrees(&store, &config, add_days(today, days));
    }
    // Edits move entries: record a new evaluation on every network.
    for n in store.networks().unwrap().into_iter().take(15) {
        let mut n = n;
        n.milestones.push(Milestone {
            score: Some(85.0),
            ..eval("2026-11-20")
        });
        n.filed_level = Some(Level::L3);
        store.update_network(n).unwrap();
    }
    for n in store.networks().unwrap().into_iter().skip(15).take(5) {
        store.delete_network(n.id, None).unwrap();
    }
    assert_index_agrees(&store, &config, add_days(today, 5000));
    // Renames reach the names the agenda shows.
    let mut c = store.clients().unwrap().remove(0);
    c.name = "Renamed Client Ltd".into();
    store.update_client(c).unwrap();
    let mut n = store.networks().unwrap().remove(0);
    n.name = "Renamed network".into();
    store.update_network(n).unwrap();
    store
        .delete_client(store.clients().unwrap()[1].id, None)
        .unwrap();

    // What the store kept in memory is what a fresh one reads from disk.
    let far = add_days(today, 5000);
    let kept = store.due_named_until(far, false).unwrap();
    assert!(kept.iter().any(|d| d.client == "Renamed Client Ltd"));
    assert!(kept.iter().any(|d| d.network == "Renamed network"));
    drop(store);
    let reopened = SledStore::open(dir.path(), config.clone()).unwrap();
    assert_eq!(reopened.due_named_until(far, false).unwrap(), kept);
    assert_index_agrees(&reopened, &config, far);
}

#[test]
fn changed_settings_rebuild_the_index_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let nid = {
        let store = SledStore::open(dir.path(), Config::default()).unwrap();
        let c = store.create_client(client("Acme")).unwrap();
        let mut n = network(c.id, "Shop", vec![eval("2025-12-01")]);
        n.filed_level = Some(Level::L2);
        store.create_network(n).unwrap().id
    };
    let mut config = Config::default();
    config.settings.intervals.renewal_months_level2 = 12;
    let store = SledStore::open(dir.path(), config.clone()).unwrap();
    let due = store.due_until(d("2030-01-01")).unwrap();
    let renewal = due
        .iter()
        .find(|i| i.network == nid && i.kind.is_renewal())
        .unwrap();
    assert_eq!(renewal.due, d("2026-12-01"));
    assert_index_agrees(&store, &config, d("2030-01-01"));
}

#[test]
fn a_second_process_is_told_the_database_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _first = SledStore::open(dir.path(), Config::default()).unwrap();
    // sled locks the database per process: a second open from this process
    // would share the lock, so ask a child process.
    let out = std::process::Command::new(support::MLPS)
        .args(["export", "--db"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is open in another mlps process"), "{err}");
}

#[cfg(unix)]
#[test]
fn the_database_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("db");
    SledStore::open(&dir, Config::default()).unwrap();
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

/// Hits of the store's jump index, as a comparable list.
fn hits(
    store: &dyn CaseStore,
    query: &str,
) -> Vec<(mlps::domain::search::Target, String, Vec<usize>)> {
    store
        .search(query, 50)
        .unwrap()
        .into_iter()
        .map(|h| (h.target, h.label, h.positions))
        .collect()
}

/// What an index built from scratch over the records finds.
fn rebuilt(
    store: &dyn CaseStore,
    query: &str,
) -> Vec<(mlps::domain::search::Target, String, Vec<usize>)> {
    let index = mlps::domain::search::SearchIndex::build(
        &store.clients().unwrap(),
        &store.networks().unwrap(),
    );
    index
        .search(query, 50)
        .into_iter()
        .map(|h| (h.target, h.label, h.positions))
        .collect()
}

#[test]
fn the_jump_index_is_stored_with_the_records_and_kept_in_step() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let store = SledStore::open(dir.path(), config.clone()).unwrap();
    import_demo(&store, 40, 3);
    let queries = [
        "shzx",
        "yinhang",
        "acme",
        "zhongqing",
        "trading ltd",
        "wang",
        "s",
    ];
    for q in queries {
        assert_eq!(hits(&store, q), rebuilt(&store, q), "query {q}");
    }
    // Every kind of write, with the index in memory.
    let mut c = store.clients().unwrap().remove(0);
    c.name = "Zephyr Quartz Holdings".into();
    c.name_zh = "重庆银行".into();
    let c = store.update_client(c).unwrap();
    let mut n = store.networks_of(c.id).unwrap().remove(0);
    n.name = "Xylophone portal".into();
    store.update_network(n).unwrap();
    let mut added = store.create_client(client("Quokka Logistics")).unwrap();
    added.contacts.push(mlps::domain::model::Contact {
        name: "王伟".into(),
        ..Default::default()
    });
    let added = store.update_client(added).unwrap();
    store
        .create_network(network(added.id, "Quokka warehouse", vec![]))
        .unwrap();
    let gone = store.clients().unwrap()[3].id;
    store.delete_client(gone, None).unwrap();
    let dropped = store.networks().unwrap()[5].id;
    store.delete_network(dropped, None).unwrap();

    let fresh = [
        "zephyr",
        "cqyh",
        "xylophone",
        "quokka",
        "wangwei",
        "chongqing",
    ];
    assert_eq!(
        hits(&store, "xylophone zephyr").len(),
        1,
        "renamed network under its renamed client"
    );
    assert_eq!(hits(&store, "wangwei")[0].1, "王伟 — Quokka Logistics");
    for q in fresh.iter().chain(queries.iter()) {
        assert_eq!(hits(&store, q), rebuilt(&store, q), "query {q}");
    }
    let kept: Vec<_> = fresh.iter().map(|q| hits(&store, q)).collect();
    drop(store);

    // A fresh open loads the stored keys and finds the same.
    let reopened = SledStore::open(dir.path(), config.clone()).unwrap();
    let again: Vec<_> = fresh.iter().map(|q| hits(&reopened, q)).collect();
    assert_eq!(again, kept);
    drop(reopened);

    // A database written before the keys were stored gets them on its
    // first search.
    {
        let db = sled::open(dir.path().join("store")).unwrap();
        let tree = db.open_tree("cases").unwrap();
        let mut removed = 0;
        for prefix in [b'f', b'g'] {
            for kv in tree.scan_prefix([prefix]) {
                tree.remove(kv.unwrap().0).unwrap();
                removed += 1;
            }
        }
        assert!(removed > 40);
        assert!(tree.remove(b"msearch_keys").unwrap().is_some());
        db.flush().unwrap();
    }
    let old = SledStore::open(dir.path(), config).unwrap();
    let migrated: Vec<_> = fresh.iter().map(|q| hits(&old, q)).collect();
    assert_eq!(migrated, kept);
}

/// A database whose search records still hold every entry's keys
/// (format 1, ten times the size) finds the same on its first search,
/// and has them written again without the keys.
#[test]
fn search_records_with_their_keys_are_read_and_rewritten_without_them() {
    use mlps::store::codec::{self, SearchRecord, wire};
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let queries = [
        "shzx",
        "yinhang",
        "acme",
        "trading ltd",
        "wang",
        "s",
        "zhongqing",
    ];
    let kept: Vec<_> = {
        let store = SledStore::open(dir.path(), config.clone()).unwrap();
        import_demo(&store, 40, 3);
        queries.iter().map(|q| hits(&store, q)).collect()
    };
    assert!(kept.iter().all(|h| !h.is_empty()));
    let (mut old_bytes, mut records) = (0, 0);
    {
        let db = sled::open(dir.path().join("store")).unwrap();
        let tree = db.open_tree("cases").unwrap();
        for prefix in [b'f', b'g'] {
            for kv in tree.scan_prefix([prefix]) {
                let (k, v) = kv.unwrap();
                assert_eq!(codec::format_of(&v), Some(2));
                let SearchRecord(entries) = codec::decode(&v).unwrap();
                // As a release that stored the keys wrote it (their
                // contents are not read any more).
                let w = wire::SearchV1 {
                    entries: entries
                        .iter()
                        .map(|e| {
                            let (kind, id, index) = e.target.parts();
                            wire::SearchEntryV1 {
                                kind,
                                id,
                                index,
                                label: e.label.clone(),
                                owner: e.owner.map(|c| c.0),
                                superkey: e.label.to_lowercase(),
                                text: e.label.to_lowercase(),
                                refs: vec![[e.label.to_lowercase().len() as u32, 0, 0, 1]],
                                runs: vec![1; e.label.chars().count()],
                            }
                        })
                        .collect(),
                };
                let mut bytes = 1u16.to_be_bytes().to_vec();
                bincode::serde::encode_into_std_write(w, &mut bytes, bincode::config::standard())
                    .unwrap();
                old_bytes += bytes.len();
                records += 1;
                tree.insert(k, bytes).unwrap();
            }
        }
        db.flush().unwrap();
    }
    assert!(records > 40);
    let old = SledStore::open(dir.path(), config.clone()).unwrap();
    let found: Vec<_> = queries.iter().map(|q| hits(&old, q)).collect();
    assert_eq!(found, kept);
    assert_eq!(old.doctor(false).unwrap().problems, Vec::<String>::new());
    drop(old);
    let db = sled::open(dir.path().join("store")).unwrap();
    let tree = db.open_tree("cases").unwrap();
    let (mut new_bytes, mut rewritten) = (0, 0);
    for prefix in [b'f', b'g'] {
        for kv in tree.scan_prefix([prefix]) {
            let (_, v) = kv.unwrap();
            assert_eq!(codec::format_of(&v), Some(2));
            new_bytes += v.len();
            rewritten += 1;
        }
    }
    assert_eq!(rewritten, records);
    assert!(new_bytes < old_bytes);
}

#[test]
fn doctor_finds_each_broken_index_and_repair_rebuilds_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let renamed = {
        let store = SledStore::open(dir.path(), config.clone()).unwrap();
        import_demo(&store, 12, 5);
        let mut n = store.networks().unwrap().remove(0);
        n.name = "Renamed".into();
        let n = store.update_network(n).unwrap();
        let sound = store.doctor(false).unwrap();
        assert_eq!(sound.problems, Vec::<String>::new());
        assert_eq!(sound.clients, 12);
        assert!(sound.networks > 12 && sound.log_entries == 2 && sound.index_entries > 0);
        n.id
    };
    // Break every index, and damage one record, behind the store's back.
    let (network, client) = {
        let db = sled::open(dir.path().join("store")).unwrap();
        let tree = db.open_tree("cases").unwrap();
        let first = |p: u8| tree.scan_prefix([p]).next().unwrap().unwrap().0;
        let x = first(b'x');
        tree.remove(&x).unwrap();
        let due = first(b'd');
        let mut stray = due.to_vec();
        stray[8] ^= 0x55;
        tree.insert(stray, tree.get(&due).unwrap().unwrap())
            .unwrap();
        tree.remove(first(b'g')).unwrap();
        // The update's entry in the network's history.
        let mut h = vec![b'h'];
        h.extend_from_slice(&renamed.0.to_be_bytes());
        h.extend_from_slice(&2u64.to_be_bytes());
        assert!(tree.remove(h).unwrap().is_some());
        tree.insert(b"mnext_id", &2u64.to_be_bytes()).unwrap();
        let c = first(b'c');
        tree.insert(&c, &[0, 1, 0xff, 0xff][..]).unwrap();
        db.flush().unwrap();
        (x, c)
    };
    let store = SledStore::open(dir.path(), config).unwrap();
    let found = store.doctor(false).unwrap();
    let all = found.problems.join("\n");
    for expected in [
        "cannot be read",
        "missing from the index of client",
        "due-date index",
        "fuzzy-jump keys",
        "audit log's per-record indexes",
        "id counter",
    ] {
        assert!(all.contains(expected), "{expected:?} not in:\n{all}");
    }
    // Checking changed nothing.
    assert_eq!(store.doctor(false).unwrap(), found);

    let repaired = store.doctor(true).unwrap();
    assert_eq!(repaired.repaired.len(), 5, "{:?}", repaired.repaired);
    // What is left is the damaged client record, named by its key (and its
    // networks, now without a readable client).
    assert!(!repaired.problems.is_empty());
    let id = u64::from_be_bytes(client[1..9].try_into().unwrap());
    assert!(
        repaired.problems[0].contains(&format!("c:{id}")),
        "{:?}",
        repaired.problems
    );
    assert!(
        repaired
            .problems
            .iter()
            .all(|p| p.contains("cannot be read") || p.contains("does not exist")),
        "{:?}",
        repaired.problems
    );
    let _ = network;
}

/// Every client, network and finding, with ids and revisions.
fn contents(store: &SledStore) -> (Vec<Client>, Vec<Network>, Vec<mlps::store::StoredFinding>) {
    let mut findings = store.all_findings().unwrap();
    findings.sort_by_key(|f| f.id());
    (
        store.clients().unwrap(),
        store.networks().unwrap(),
        findings,
    )
}

/// The sled trees in the database at `dir` (its store closed) once it has
/// been opened again, sled's own tree included.
fn trees(dir: &std::path::Path) -> usize {
    drop(SledStore::open(dir, Config::default()).unwrap());
    support::sled_trees(dir).len()
}

#[test]
fn a_large_import_takes_the_ids_one_batch_would() {
    let (dir, store) = fresh_store();
    let first = store.create_client(client("Already here")).unwrap();
    // More clients than one batch holds: staged a few at a time.
    let records = demo_records(150, 4);
    let expected_findings: usize = (records.iter())
        .flat_map(|c| &c.networks)
        .map(|n| n.findings.len())
        .sum();
    assert!(expected_findings > 0);
    let summary = store.import(records.clone()).unwrap();
    assert_eq!(summary.clients, 150);
    assert_eq!(summary.findings, expected_findings);

    // As one batch numbers them: each client, then its networks, in the
    // import's order; the findings after every record.
    let mut next = first.id.0 + 1;
    let clients = store.clients().unwrap();
    assert_eq!(clients.len(), 151);
    for (record, stored) in records.iter().zip(&clients[1..]) {
        assert_eq!(stored.id.0, next, "{}", stored.name);
        assert_eq!(stored.name, record.client.name);
        next += 1;
        let networks = store.networks_of(stored.id).unwrap();
        assert_eq!(networks.len(), record.networks.len());
        for (n, r) in networks.iter().zip(&record.networks) {
            assert_eq!((n.id.0, &n.name), (next, &r.network.name));
            next += 1;
        }
    }
    let (_, _, findings) = contents(&store);
    assert_eq!(findings.len(), expected_findings);
    for (i, f) in findings.iter().enumerate() {
        assert_eq!(f.id().0, next + i as u64);
    }
    // Found by fuzzy jump, on the agenda, and sound.
    assert!(
        !store
            .search(&records[149].client.name, 5)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.doctor(false).unwrap().problems, Vec::<String>::new());
    let log = store.log(&mlps::store::audit::LogQuery::default()).unwrap();
    assert_eq!(
        (log.iter())
            .filter(|e| e.action == mlps::store::audit::Action::Imported)
            .count(),
        1
    );
    assert!(store.create_client(client("Later")).unwrap().id.0 > next);
    drop(store);
    assert_eq!(trees(dir.path()), 2, "the staging tree was switched in");
}

#[test]
fn a_large_import_refused_in_its_last_chunk_imports_nothing() {
    let (dir, store) = fresh_store();
    let existing = store.create_client(client("Existing")).unwrap();
    let before = contents(&store);
    let log_before = store.log(&Default::default()).unwrap().len();

    let mut records = demo_records(150, 5);
    records[148].id = Some(existing.id);
    let err = store.import(records.clone()).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.message().contains("clients[148].id"), "{err}");

    // An id given twice in the import, far apart.
    records[148].id = Some(ClientId(9_000));
    records[2].id = Some(ClientId(9_000));
    let err = store.import(records.clone()).unwrap_err();
    assert!(err.message().contains("clients[148].id"), "{err}");
    assert!(err.message().contains("given twice"), "{err}");

    // A record the store refuses, in the last chunk.
    records[148].id = None;
    records[2].id = None;
    records[149].networks[0]
        .findings
        .push(mlps::domain::gaps::Finding::new(
            mlps::domain::gaps::FindingId(0),
            "no.such.point",
            "a gap",
            mlps::domain::gaps::ComplianceResult::Partial,
            mlps::domain::gaps::Risk::Low,
            today(),
        ));
    assert!(store.import(records.clone()).is_err());

    assert_eq!(contents(&store), before);
    assert_eq!(store.log(&Default::default()).unwrap().len(), log_before);
    assert_eq!(store.doctor(false).unwrap().problems, Vec::<String>::new());
    drop(store);
    assert_eq!(
        trees(dir.path()),
        2,
        "the refused imports' staging trees are gone"
    );
}

#[test]
fn one_batch_refuses_an_id_given_twice() {
    let (_dir, store) = fresh_store();
    let mut records = demo_records(3, 6);
    records[0].id = Some(ClientId(500));
    records[2].id = Some(ClientId(500));
    let err = store.import(records).unwrap_err();
    assert!(err.message().contains("clients[2].id"), "{err}");
    assert!(err.message().contains("given twice"), "{err}");
    assert!(store.clients().unwrap().is_empty());
}
