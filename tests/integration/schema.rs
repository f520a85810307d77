//! Schema evolution: a database written in the previous record format
//! (format 1) opens in this build. The fixture is written here byte by
//! byte with format 1's own shapes, frozen below, not with the codec: since
//! format 1 the client record gained two fields (credit code, address),
//! and one enum variant was renamed (the 中 evaluation conclusion was
//! `Medium` / "medium" then, `Fair` / "fair" now). Opening upgrades the
//! database, keeping a copy first, and says so once.

use std::path::Path;

use mlps::domain::model::{ClientId, Conclusion, Stage};
use mlps::domain::settings::Config;
use mlps::store::audit::LogQuery;
use mlps::store::codec::{self, Record};
use mlps::store::{CaseStore, Maintenance, SledStore};

use crate::format1::{self, day, id_key, meta, write_format_1};
use crate::support;

/// The one copy made under `dir/backups`.
fn the_copy(dir: &Path) -> std::path::PathBuf {
    let copies: Vec<_> = std::fs::read_dir(dir.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    copies.into_iter().next().unwrap()
}

/// sled takes a moment to let go of a database it closed.
fn open_raw(path: &Path) -> sled::Db {
    for _ in 0..100 {
        if let Ok(db) = sled::open(path) {
            return db;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    sled::open(path).unwrap()
}

#[test]
fn a_format_1_database_is_upgraded_on_open_after_a_copy_and_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let written = write_format_1(&dir, false);

    let store = SledStore::open(&dir, Config::default()).unwrap();
    let said = store.take_notices();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("from format 1 to format 4"), "{}", said[0]);
    assert!(said[0].contains("credit code"), "{}", said[0]);
    let copy = the_copy(&dir);
    assert!(said[0].contains(&copy.display().to_string()), "{}", said[0]);
    assert!(store.take_notices().is_empty(), "said once");

    // The added fields are unknown, so empty; the rest reads as written.
    let clients = store.clients().unwrap();
    assert_eq!(clients.len(), 2);
    let acme = &clients[0];
    assert_eq!(acme.name, "Acme Trading Ltd");
    assert_eq!(acme.name_zh, "阿克米贸易有限公司");
    assert_eq!(acme.revision, 3);
    assert_eq!(acme.contacts[0].email, "li@example.com");
    assert_eq!(acme.notes, "renews every December");
    assert_eq!((acme.credit_code.as_str(), acme.address.as_str()), ("", ""));
    assert_eq!(clients[1].name_zh, "重庆银行数据中心");

    // The renamed variant reads as its new name.
    let shop = &store.networks_of(ClientId(1)).unwrap()[0];
    assert_eq!(shop.name, "Online shop");
    let eval = shop.last(Stage::EvaluationPassed).unwrap();
    assert_eq!(eval.conclusion, Some(Conclusion::Fair));
    assert_eq!(eval.score, Some(76.5));
    assert_eq!(eval.medium_risks, Some(2));
    assert_eq!(
        shop.last(Stage::CertificateIssued)
            .unwrap()
            .number
            .as_deref(),
        Some("31010499999-00001")
    );
    assert_eq!(shop.filed_level.map(|l| l.get()), Some(2));
    // Its filings stay as written: it had a filed level.
    assert_eq!(shop.last(Stage::CertificateIssued).unwrap().level, None);

    // Derived data is rebuilt: the level-2 renewal, two years after the
    // evaluation.
    let due = store.due_until(day(2030, 1, 1)).unwrap();
    assert!(
        due.iter().any(|d| d.due == day(2027, 12, 1)),
        "renewal two years after the evaluation: {due:?}"
    );

    // The log still reads the format-1 client it holds.
    let log = store.log(&LogQuery::of_client(ClientId(1))).unwrap();
    assert_eq!(log.len(), 1);
    let after: mlps::domain::model::Client =
        codec::decode(log[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(after.name, "Acme Trading Ltd");

    // And it is sound, and now writable in the new shape.
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
    let mut edited = acme.clone();
    edited.credit_code = "91350100M000100Y43".into();
    store.update_client(edited).unwrap();
    drop(store);

    // On disk: every record in the current format, the database marked
    // format 4.
    {
        let db = open_raw(&dir.join("store"));
        let tree = db.open_tree("cases").unwrap();
        assert_eq!(
            tree.get(meta("schema")).unwrap().unwrap().as_ref(),
            &4u64.to_be_bytes()
        );
        for kv in tree.scan_prefix([b'c']) {
            let (_, v) = kv.unwrap();
            assert_eq!(
                codec::format_of(&v),
                Some(mlps::domain::model::Client::VERSION)
            );
        }
        for kv in tree.scan_prefix([b'n']) {
            let (_, v) = kv.unwrap();
            assert_eq!(
                codec::format_of(&v),
                Some(mlps::domain::model::Network::VERSION)
            );
        }
    }

    // The copy is the database as it was: format 1, the same bytes.
    {
        let (manifest, pairs) = mlps::store::backup::read(&copy).unwrap();
        assert_eq!(manifest.schema, 1);
        assert_eq!((manifest.clients, manifest.networks), (2, 1));
        let get = |key: &[u8]| {
            pairs
                .iter()
                .find(|(k, _)| k.as_slice() == key)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get(&meta("schema")), Some(1u64.to_be_bytes().to_vec()));
        for (k, v) in &written {
            assert_eq!(get(k).as_ref(), Some(v));
        }
        assert_eq!(get(&id_key(b'n', 3)).map(|v| v[1]), Some(1));
    }

    // Opening again: nothing to upgrade, nothing said, no second copy.
    let store = SledStore::open(&dir, Config::default()).unwrap();
    assert!(store.take_notices().is_empty());
    assert_eq!(the_copy(&dir), copy);
    assert_eq!(
        store.client(ClientId(1)).unwrap().unwrap().credit_code,
        "91350100M000100Y43"
    );
}

#[test]
fn an_upgrade_that_meets_a_damaged_record_changes_nothing_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let written = write_format_1(&dir, true);
    let e = SledStore::open(&dir, Config::default())
        .err()
        .expect("a damaged record stops the upgrade");
    let message = e.message().to_string();
    assert!(message.contains("client record is damaged"), "{message}");
    assert!(message.contains("unchanged"), "{message}");
    // The key of the damaged record (client 2) is named.
    assert!(
        message.contains("[63, 00, 00, 00, 00, 00, 00, 00, 02]"),
        "{message}"
    );

    // Nothing changed, so no copy is kept of it: each attempt would add one.
    let copies = std::fs::read_dir(dir.join("backups")).map_or(0, |d| d.count());
    assert_eq!(copies, 0);
    let again = SledStore::open(&dir, Config::default()).err().unwrap();
    assert_eq!(again.message(), message);
    assert_eq!(
        std::fs::read_dir(dir.join("backups")).map_or(0, |d| d.count()),
        0
    );

    let db = open_raw(&dir.join("store"));
    let tree = db.open_tree("cases").unwrap();
    assert_eq!(
        tree.get(meta("schema")).unwrap().unwrap().as_ref(),
        &1u64.to_be_bytes()
    );
    for (k, v) in &written {
        assert_eq!(tree.get(k).unwrap().unwrap().as_ref(), v.as_slice());
    }
}

/// Derived index entries that do not read (due dates, search keys) do not
/// stop an upgrade: they are left out and rebuilt from the records.
#[test]
fn unreadable_index_entries_are_rebuilt_by_the_upgrade() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    write_format_1(&dir, false);
    {
        let db = open_raw(&dir.join("store"));
        let tree = db.open_tree("cases").unwrap();
        let mut due = vec![b'd'];
        due.extend_from_slice(&[0u8; 13]);
        // Format 0: older than any, so the upgrade must read them.
        tree.insert(due, &[0, 0, 0xff]).unwrap();
        tree.insert(id_key(b'g', 3), &[0, 0, 0xff, 0xff]).unwrap();
        tree.insert(meta("search_keys"), &1u64.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let store = SledStore::open(&dir, Config::default()).unwrap();
    assert_eq!(store.take_notices().len(), 1);
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
    let hits = store.search("online", 5).unwrap();
    assert_eq!(hits[0].label, "Online shop — Acme Trading Ltd");
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
    assert!(
        store
            .due_until(day(2030, 1, 1))
            .unwrap()
            .iter()
            .any(|d| d.due == day(2027, 12, 1))
    );
}

/// Through the daemon and the binary: the first command run on the old
/// database says it was upgraded (on stderr, its output unchanged); the
/// next says nothing.
#[test]
fn the_first_command_says_the_database_was_upgraded_and_the_next_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    write_format_1(&dir, false);
    let run = || {
        let out = support::mlps_process_on(&dir, &tmp.path().join("config"))
            .args(["renewals", "--today", "2027-11-01", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (first_out, first_err) = run();
    assert!(
        first_err.contains("upgraded from format 1 to format 4"),
        "{first_err}"
    );
    assert_eq!(first_err.matches("upgraded").count(), 1, "{first_err}");
    let renewals: serde_json::Value = serde_json::from_str(&first_out).unwrap();
    assert_eq!(renewals[0]["network"], "Online shop");
    assert_eq!(renewals[0]["due"], "2027-12-01");
    let (second_out, second_err) = run();
    assert!(!second_err.contains("upgraded"), "{second_err}");
    assert_eq!(second_out, first_out);
    let _ = mlps::server::client::stop(&dir);

    // The copy the upgrade kept is a backup: restored elsewhere, it is
    // upgraded in turn and holds the same cases.
    let fresh = tmp.path().join("fresh");
    let restored = support::mlps_process_on(&fresh, &tmp.path().join("config"))
        .arg("restore")
        .arg(the_copy(&dir))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&restored.stdout);
    assert!(restored.status.success(), "{restored:?}");
    assert!(said.contains("Restored 2 clients and 1 network"), "{said}");
    assert!(said.contains("in format 1; it was upgraded"), "{said}");
    let renewals = support::mlps_process_on(&fresh, &tmp.path().join("config"))
        .args(["renewals", "--today", "2027-11-01", "--json"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(renewals.stdout).unwrap(), first_out);
    let _ = mlps::server::client::stop(&fresh);
}

/// Format 1 recorded no level on a filing: a network with a certificate
/// and no filed level is filed at its computed level by the upgrade, the
/// certificate confirming the filing before it; the due-date index of
/// format 1 is rebuilt in the new shape.
#[test]
fn an_unfiled_network_with_a_certificate_is_filed_by_the_upgrade() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    write_format_1(&dir, false);
    let milestone = |stage, date| format1::v1::Milestone {
        stage,
        date: codec::date_to_days(date),
        note: String::new(),
        score: None,
        conclusion: None,
        high_risks: None,
        medium_risks: None,
        number: None,
    };
    let portal = format1::v1::Network {
        id: 9,
        client: 1,
        revision: 1,
        name: "Portal".into(),
        notes: String::new(),
        answers: format1::v1::Answers {
            // S4: level 3 under the conservative rules.
            pi_subjects: Some(150_000),
            ..format1::v1::Answers::default()
        },
        business_information: None,
        system_service: None,
        filed_level: None,
        milestones: vec![
            milestone(format1::v1::Stage::FilingSubmitted, day(2025, 3, 1)),
            milestone(format1::v1::Stage::CertificateIssued, day(2025, 3, 14)),
        ],
    };
    {
        let db = open_raw(&dir.join("store"));
        let tree = db.open_tree("cases").unwrap();
        tree.insert(id_key(b'n', 9), format1::v1_record(&portal))
            .unwrap();
        tree.insert(format1::pair_key(b'x', 1, 9), &[]).unwrap();
        tree.insert(meta("next_id"), &10u64.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let store = SledStore::open(&dir, Config::default()).unwrap();
    let portal = store
        .network(mlps::domain::model::NetworkId(9))
        .unwrap()
        .unwrap();
    assert_eq!(portal.filed_level.map(|l| l.get()), Some(3));
    let levels: Vec<Option<u8>> = portal
        .milestones
        .iter()
        .map(|m| m.level.map(|l| l.get()))
        .collect();
    assert_eq!(levels, [Some(3), Some(3)]);
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
}
