//! Backups: `mlps backup DIR` while writers stream changes through the
//! daemon gives a copy that restores to one consistent moment; `mlps
//! restore` checks the copy first, refuses to replace a database with
//! clients unless told to, and keeps a copy of what it replaces.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mlps::domain::model::{ClientId, Network, NetworkId};
use mlps::domain::questionnaire::Answers;
use mlps::server::client;
use mlps::store::audit::{Action, LogQuery};
use mlps::store::{CaseStore, Maintenance};

use crate::support::{self, Place, place};

/// `mlps --db DB ARGS` on 2026-12-01; what it did.
fn run(db: &Path, config: &Path, args: &[&str]) -> Output {
    support::mlps_process_on(db, config)
        .args(args)
        .env("MLPS_TODAY", "2026-12-01")
        .output()
        .unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn network(client: ClientId, name: String) -> Network {
    Network {
        id: NetworkId(0),
        client,
        revision: 0,
        name,
        notes: String::new(),
        answers: Answers {
            pi_subjects: Some(1000),
            ..Answers::default()
        },
        overrides: Default::default(),
        filed_level: None,
        milestones: vec![],
    }
}

/// A place with `clients` demo clients, and a backup of them in `b`.
fn backed_up(clients: usize) -> (Place, PathBuf) {
    let p = place();
    ok(run(
        &p.db,
        &p.config,
        &["demo", "--clients", &clients.to_string()],
    ));
    let backup = p.root.join("b");
    ok(run(&p.db, &p.config, &["backup", backup.to_str().unwrap()]));
    (p, backup)
}

fn connect(p: &Place) -> client::RemoteStore {
    client::connect_or_start_with(&p.db, &p.launcher()).unwrap()
}

#[test]
fn a_backup_taken_during_writes_restores_to_one_consistent_moment() {
    let p = place();
    ok(run(&p.db, &p.config, &["demo", "--clients", "20"]));
    let store = Arc::new(connect(&p));
    let clients: Vec<ClientId> = store.clients().unwrap().iter().map(|c| c.id).collect();

    // Two writers: one creates networks, one edits them, as fast as the
    // daemon acknowledges.
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|who| {
            let (store, stop, clients) = (Arc::clone(&store), Arc::clone(&stop), clients.clone());
            std::thread::spawn(move || {
                let mut acked = 0u64;
                let mut step = 0usize;
                while !stop.load(Ordering::SeqCst) {
                    let client = clients[step % clients.len()];
                    if who == 0 {
                        store
                            .create_network(network(client, format!("stream {step}")))
                            .unwrap();
                    } else if let Some(mut n) = store.networks_of(client).unwrap().pop() {
                        n.notes = format!("edit {step}");
                        match store.update_network(n) {
                            Ok(_) | Err(mlps::error::Error::Conflict(_)) => {}
                            Err(e) => panic!("{e:?}"),
                        }
                    }
                    acked += 1;
                    step += 1;
                }
                acked
            })
        })
        .collect();

    let mut backups = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    for i in 0..4 {
        std::thread::sleep(Duration::from_millis(150));
        let before = store.networks().unwrap().len();
        let dir = p.root.join(format!("backup-{i}"));
        let said = ok(run(&p.db, &p.config, &["backup", dir.to_str().unwrap()]));
        assert!(said.contains("saved"), "{said}");
        backups.push((dir, before));
        assert!(Instant::now() < deadline);
    }
    stop.store(true, Ordering::SeqCst);
    let acked: u64 = writers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(acked > 50, "the writers wrote only {acked} times");

    let mut sizes = Vec::new();
    for (i, (dir, before)) in backups.iter().enumerate() {
        let fresh = p.root.join(format!("restored-{i}"));
        let said = ok(run(&fresh, &p.config, &["restore", dir.to_str().unwrap()]));
        assert!(said.contains("Restored"), "{said}");
        // Every index agrees with the records...
        let checked = ok(run(&fresh, &p.config, &["doctor"]));
        assert!(checked.contains("no problems"), "{checked}");
        // ...and the log with the data: each network created has its
        // entry, and no entry names a network the copy does not hold, so
        // no write was half in the copy.
        let restored = client::connect_or_start_with(&fresh, &p.launcher()).unwrap();
        let networks = restored.networks().unwrap();
        assert!(
            networks.len() >= *before,
            "writes acknowledged before it are in it"
        );
        let log = restored.log(&LogQuery::default()).unwrap();
        let created: std::collections::BTreeSet<u64> = log
            .iter()
            .filter(|e| e.action == Action::Created && e.network.is_some())
            .filter_map(|e| e.network.map(|n| n.0))
            .collect();
        let held: std::collections::BTreeSet<u64> = networks
            .iter()
            .filter(|n| n.name.starts_with("stream "))
            .map(|n| n.id.0)
            .collect();
        assert_eq!(created, held, "backup {i}: log and records disagree");
        for n in &networks {
            let revisions = log
                .iter()
                .filter(|e| e.network == Some(n.id) && e.action != Action::Deleted)
                .count() as u64;
            if n.name.starts_with("stream ") {
                assert_eq!(revisions, n.revision, "network {} of backup {i}", n.id.0);
            }
        }
        assert_eq!(log.last().unwrap().action, Action::BackupRestored);
        sizes.push(networks.len());
        let _ = client::stop(&fresh);
    }
    assert!(
        sizes.windows(2).all(|w| w[0] <= w[1]) && sizes.first() < sizes.last(),
        "later backups hold more: {sizes:?}"
    );
    let _ = client::stop(&p.db);
}

#[test]
fn restore_replaces_only_when_told_and_keeps_a_copy_of_what_was_there() {
    let p = place();
    ok(run(&p.db, &p.config, &["demo", "--clients", "3"]));
    let first = ok(run(&p.db, &p.config, &["export"]));
    let backup = p.root.join("nightly");
    ok(run(&p.db, &p.config, &["backup", backup.to_str().unwrap()]));

    // A backup goes into a new or empty folder only.
    let again = run(&p.db, &p.config, &["backup", backup.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // Changes after the backup.
    ok(run(
        &p.db,
        &p.config,
        &["demo", "--clients", "2", "--seed", "9"],
    ));
    let changed = ok(run(&p.db, &p.config, &["export"]));
    assert_ne!(changed, first);

    let refused = run(&p.db, &p.config, &["restore", backup.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("holds 5 clients") && why.contains("--replace"),
        "{why}"
    );
    assert_eq!(ok(run(&p.db, &p.config, &["export"])), changed);

    let said = ok(run(
        &p.db,
        &p.config,
        &["restore", backup.to_str().unwrap(), "--replace"],
    ));
    assert!(said.contains("Restored 3 clients"), "{said}");
    assert_eq!(ok(run(&p.db, &p.config, &["export"])), first);
    let log = ok(run(&p.db, &p.config, &["log"]));
    assert!(
        log.lines()
            .last()
            .unwrap()
            .contains("restored the backup in"),
        "{log}"
    );

    // What was replaced is itself a backup, and restores.
    let copy = std::fs::read_dir(p.db.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|d| {
            d.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("before-restore-")
        })
        .expect("a copy of the replaced database");
    assert!(said.contains(&copy.display().to_string()), "{said}");
    ok(run(
        &p.db,
        &p.config,
        &["restore", copy.to_str().unwrap(), "--replace"],
    ));
    assert_eq!(ok(run(&p.db, &p.config, &["export"])), changed);
    let _ = client::stop(&p.db);
}

#[test]
fn a_damaged_or_unfinished_backup_is_refused_and_nothing_changes() {
    let (p, backup) = backed_up(2);
    let target = p.root.join("target");
    let manifest = backup.join("mlps-backup.json");
    let text = std::fs::read_to_string(&manifest).unwrap();

    // The records cut short, or one byte changed: refused by what they hold.
    let records = backup.join("records.bin");
    let whole = std::fs::read(&records).unwrap();
    for damaged in [
        whole[..whole.len() - 3].to_vec(),
        whole[..whole.len() / 2].to_vec(),
        {
            let mut flipped = whole.clone();
            let at = flipped.len() * 2 / 3;
            flipped[at] ^= 0x01;
            flipped
        },
        b"MLPSBAK0".to_vec(),
    ] {
        std::fs::write(&records, &damaged).unwrap();
        let out = run(&target, &p.config, &["restore", backup.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(
            why.contains("damaged") && why.contains("nothing was restored"),
            "{why}"
        );
        assert!(!target.exists(), "nothing was created");
    }
    std::fs::write(&records, &whole).unwrap();

    // The digest no longer matches what the copy holds.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let bad = text.replace(v["digest"].as_str().unwrap(), "0000000000000000");
    std::fs::write(&manifest, bad).unwrap();
    let out = run(&target, &p.config, &["restore", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(
        why.contains("is damaged") && why.contains("nothing was restored"),
        "{why}"
    );
    assert!(!target.exists(), "nothing was created");

    // A manifest that is not JSON names its place.
    std::fs::write(&manifest, "{\"format\": ").unwrap();
    let out = run(&target, &p.config, &["restore", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mlps-backup.json:1:"));

    // No manifest: cut off before it was complete.
    std::fs::remove_file(&manifest).unwrap();
    let out = run(&target, &p.config, &["restore", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut off"));

    // Not a backup at all.
    let out = run(&target, &p.config, &["restore", p.config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an mlps backup"));
    assert!(!target.exists());

    // A backup into a file is refused.
    let file = p.root.join("file");
    std::fs::write(&file, "x").unwrap();
    let out = run(&p.db, &p.config, &["backup", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let _ = client::stop(&p.db);
}

#[test]
fn a_database_keeps_its_id_through_a_backup_and_the_calendar_its_uids() {
    let p = place();
    ok(run(&p.db, &p.config, &["demo", "--clients", "4"]));
    let feed = ok(run(&p.db, &p.config, &["export", "--format", "ics"]));
    let backup = p.root.join("b");
    ok(run(&p.db, &p.config, &["backup", backup.to_str().unwrap()]));
    let elsewhere = p.root.join("elsewhere");
    ok(run(
        &elsewhere,
        &p.config,
        &["restore", backup.to_str().unwrap()],
    ));
    let there = ok(run(&elsewhere, &p.config, &["export", "--format", "ics"]));
    let uids = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect()
    };
    assert!(!uids(&feed).is_empty());
    assert_eq!(uids(&feed), uids(&there));
    // A database of its own has other UIDs.
    let other = p.root.join("other");
    ok(run(&other, &p.config, &["demo", "--clients", "4"]));
    let theirs = ok(run(&other, &p.config, &["export", "--format", "ics"]));
    assert!(uids(&theirs).iter().all(|u| !uids(&feed).contains(u)));
    for db in [&p.db, &elsewhere, &other] {
        let _ = client::stop(db);
    }
}

/// The daemon going away between two pages of a backup (stopped here; a
/// crash is alike) fails the backup: a new daemon has no snapshot to go
/// on from, and what arrived is not taken for the whole.
#[test]
fn a_backup_cut_off_by_the_daemon_going_away_fails_and_keeps_nothing() {
    let p = place();
    let store = connect(&p);
    let client = store
        .create_client(mlps::domain::model::Client {
            name: "Big Notes Ltd".into(),
            ..Default::default()
        })
        .unwrap();
    // Over two pages of records.
    for i in 0..12 {
        let mut n = network(client.id, format!("n{i}"));
        n.notes = "x".repeat(800_000);
        store.create_network(n).unwrap();
    }
    let store = store.reconnecting(|_| {});
    let dir = p.root.join("cut");
    let mut writer = mlps::store::backup::Writer::create(&dir).unwrap();
    let mut pages = 0;
    let result = store.backup(&mut |pairs| {
        pages += 1;
        if pages == 1 {
            client::stop(&p.db).unwrap();
        }
        for (k, v) in pairs {
            writer.add(&k, &v)?;
        }
        Ok(())
    });
    let e = result.expect_err("a backup cut off is an error");
    assert!(
        e.message().contains("went away") || e.message().contains("not complete"),
        "{}",
        e.message()
    );
    assert_eq!(pages, 1);
    drop(writer);
    // Through the command, the folder is left without a manifest, so it
    // could never be restored; a complete backup then works.
    let out = run(&p.db, &p.config, &["restore", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let whole = p.root.join("whole");
    ok(run(&p.db, &p.config, &["backup", whole.to_str().unwrap()]));
    let (manifest, _) = mlps::store::backup::read(&whole).unwrap();
    assert_eq!(manifest.networks, 12);
    let _ = client::stop(&p.db);
}

/// A backup in an older format is upgraded as it is restored, in the same
/// one write; index entries that do not read are rebuilt; a record that
/// does not read stops the restore with nothing changed; and a backup
/// without the database's id leaves the id as it was.
#[test]
fn restoring_an_older_backup_upgrades_it_in_one_write() {
    use mlps::domain::settings::Config;
    use mlps::store::SledStore;
    let tmp = tempfile::tempdir().unwrap();
    let source = SledStore::open(&tmp.path().join("source"), Config::default()).unwrap();
    let c = source
        .create_client(mlps::domain::model::Client {
            name: "From Backup".into(),
            ..Default::default()
        })
        .unwrap();
    source.create_network(network(c.id, "Shop".into())).unwrap();
    let mut pairs = Vec::new();
    source
        .backup(&mut |page| {
            pairs.extend(page);
            Ok(())
        })
        .unwrap();
    drop(source);
    let meta = |name: &str| [b"m".as_slice(), name.as_bytes()].concat();
    pairs.retain(|(k, _)| *k != meta("database_id"));
    // Written by format 1: its format mark and an index entry of a format
    // this build never wrote.
    for (k, v) in pairs.iter_mut() {
        if *k == meta("schema") {
            *v = 1u64.to_be_bytes().to_vec();
        }
    }
    let mut due = vec![b'd'];
    due.extend_from_slice(&[0u8; 13]);
    pairs.push((due.clone(), vec![0, 0, 1]));

    let target = SledStore::open(&tmp.path().join("target"), Config::default()).unwrap();
    target
        .create_client(mlps::domain::model::Client {
            name: "Original".into(),
            ..Default::default()
        })
        .unwrap();
    let id = target.database_id().unwrap();

    // A client record that does not read: refused, nothing changed.
    let mut broken = pairs.clone();
    broken.push((
        [&[b'c'][..], &99u64.to_be_bytes()].concat(),
        vec![0, 1, 0xff],
    ));
    let e = target.restore(broken, true, "test").unwrap_err();
    assert!(e.message().contains("does not read"), "{}", e.message());
    let names = |s: &SledStore| -> Vec<String> {
        s.clients().unwrap().into_iter().map(|c| c.name).collect()
    };
    assert_eq!(names(&target), ["Original"]);

    let summary = target.restore(pairs, true, "test").unwrap();
    assert_eq!(summary.upgraded_from, Some(1));
    assert_eq!(names(&target), ["From Backup"]);
    assert_eq!(target.database_id().unwrap(), id);
    assert!(target.due_until(chrono::NaiveDate::MAX).is_ok());
    let checkup = target.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
    drop(target);
    let reopened = SledStore::open(&tmp.path().join("target"), Config::default()).unwrap();
    assert!(reopened.take_notices().is_empty(), "already current");
    assert_eq!(names(&reopened), ["From Backup"]);
}

/// The database keeps its copies only in a real `backups` folder: a link
/// put there (by a member of a shared database, say) is refused, and
/// nothing is written where it points.
#[test]
fn a_linked_backups_folder_is_refused() {
    let (p, backup) = backed_up(2);
    let elsewhere = p.root.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let _ = std::fs::remove_dir_all(p.db.join("backups"));
    std::os::unix::fs::symlink(&elsewhere, p.db.join("backups")).unwrap();
    let before = ok(run(&p.db, &p.config, &["export"]));
    let out = run(
        &p.db,
        &p.config,
        &["restore", backup.to_str().unwrap(), "--replace"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a folder"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert_eq!(ok(run(&p.db, &p.config, &["export"])), before);
    let _ = client::stop(&p.db);
}
