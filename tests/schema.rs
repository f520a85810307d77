//! Schema evolution: a database written in the previous record format
//! (format 1) opens in this build. The fixture is written here byte by
//! byte with format 1's own shapes, frozen below, not with the codec: since
//! format 1 the client record gained two fields (credit code, address),
//! and one enum variant was renamed (the 中 evaluation conclusion was
//! `Medium` / "medium" then, `Fair` / "fair" now). Opening upgrades the
//! database, keeping a copy first, and says so once.

use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use mlps::config::Config;
use mlps::domain::model::{ClientId, Conclusion, Stage};
use mlps::domain::questionnaire::ObjectType;
use mlps::store::audit::LogQuery;
use mlps::store::codec::{self, Record};
use mlps::store::{CaseStore, SledStore};
use serde::Serialize;

/// Format 1's shapes, as that release wrote them.
mod v1 {
    use serde::Serialize;

    #[derive(Serialize)]
    pub struct Contact {
        pub name: String,
        pub role: String,
        pub email: String,
        pub phone: String,
    }

    #[derive(Serialize)]
    pub struct Client {
        pub id: u64,
        pub revision: u64,
        pub name: String,
        pub name_zh: String,
        pub region: String,
        pub contacts: Vec<Contact>,
        pub notes: String,
    }

    /// Format 1 called 中 "medium".
    #[derive(Serialize, Clone, Copy)]
    #[allow(dead_code)]
    pub enum Conclusion {
        #[serde(rename = "excellent")]
        Excellent,
        #[serde(rename = "good")]
        Good,
        #[serde(rename = "medium")]
        Medium,
        #[serde(rename = "poor")]
        Poor,
    }

    #[derive(Serialize)]
    pub struct Milestone {
        pub stage: mlps::domain::model::Stage,
        pub date: i32,
        pub note: String,
        pub score: Option<f64>,
        pub conclusion: Option<Conclusion>,
        pub high_risks: Option<u32>,
        pub medium_risks: Option<u32>,
        pub number: Option<String>,
    }

    #[derive(Serialize, Default)]
    pub struct Answers {
        pub object_type: Option<mlps::domain::questionnaire::ObjectType>,
        pub sector: Option<mlps::domain::questionnaire::Sector>,
        pub cii: Option<bool>,
        pub data_categories:
            Option<std::collections::BTreeSet<mlps::domain::questionnaire::DataCategory>>,
        pub pi_subjects: Option<u64>,
        pub sensitive_pi_subjects: Option<u64>,
        pub registered_users: Option<u64>,
        pub public_facing: Option<bool>,
        pub public_opinion: Option<bool>,
        pub outage_affected_people: Option<u64>,
        pub hosted_max_level: Option<u8>,
        pub deployment: Option<mlps::domain::questionnaire::Deployment>,
        pub cloud_provider: Option<String>,
        pub cloud_provider_level: Option<u8>,
        pub cross_border_transfer: Option<bool>,
        pub architecture_notes: Option<String>,
    }

    #[derive(Serialize)]
    pub struct Network {
        pub id: u64,
        pub client: u64,
        pub revision: u64,
        pub name: String,
        pub notes: String,
        pub answers: Answers,
        pub business_information: Option<()>,
        pub system_service: Option<()>,
        pub filed_level: Option<u8>,
        pub milestones: Vec<Milestone>,
    }

    #[derive(Serialize)]
    pub struct Log {
        pub seq: u64,
        pub at: i64,
        pub uid: u32,
        pub user: String,
        /// 0: created.
        pub action: u32,
        pub client: Option<u64>,
        pub client_name: String,
        pub network: Option<u64>,
        pub network_name: String,
        pub before: Option<Vec<u8>>,
        pub after: Option<Vec<u8>>,
        pub note: String,
    }
}

/// `[version 1][bincode body]`, as format 1 stored every record.
fn v1_record(body: &impl Serialize) -> Vec<u8> {
    let mut out = 1u16.to_be_bytes().to_vec();
    out.extend(bincode::serde::encode_to_vec(body, bincode::config::standard()).unwrap());
    out
}

fn meta(name: &str) -> Vec<u8> {
    let mut k = vec![b'm'];
    k.extend_from_slice(name.as_bytes());
    k
}

fn id_key(prefix: u8, id: u64) -> Vec<u8> {
    let mut k = vec![prefix];
    k.extend_from_slice(&id.to_be_bytes());
    k
}

fn pair_key(prefix: u8, a: u64, b: u64) -> Vec<u8> {
    let mut k = id_key(prefix, a);
    k.extend_from_slice(&b.to_be_bytes());
    k
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The client records the fixture wrote, by key, to compare with the copy.
type Written = Vec<(Vec<u8>, Vec<u8>)>;

/// Writes a format-1 database into `dir`: two clients (one Chinese), a
/// network evaluated "medium", the client-network index, an audit log
/// entry holding a format-1 client, and the counters. Returns the client
/// records as written.
fn write_format_1(dir: &Path, damaged_second_client: bool) -> Written {
    let db = sled::open(dir.join("store")).unwrap();
    let tree = db.open_tree("cases").unwrap();
    let acme = v1::Client {
        id: 1,
        revision: 3,
        name: "Acme Trading Ltd".into(),
        name_zh: "阿克米贸易有限公司".into(),
        region: "Shanghai".into(),
        contacts: vec![v1::Contact {
            name: "Li Wei".into(),
            role: "CTO".into(),
            email: "li@example.com".into(),
            phone: "+86 21 5555 0100".into(),
        }],
        notes: "renews every December".into(),
    };
    let bank = v1::Client {
        id: 2,
        revision: 1,
        name: String::new(),
        name_zh: "重庆银行数据中心".into(),
        region: "Chongqing".into(),
        contacts: vec![],
        notes: String::new(),
    };
    let acme_bytes = v1_record(&acme);
    let bank_bytes = if damaged_second_client {
        // A version-1 head on a body that is not a client.
        vec![0, 1, 0xff, 0xff, 0xff]
    } else {
        v1_record(&bank)
    };
    let shop = v1::Network {
        id: 3,
        client: 1,
        revision: 2,
        name: "Online shop".into(),
        notes: String::new(),
        answers: v1::Answers {
            object_type: Some(ObjectType::Website),
            pi_subjects: Some(250_000),
            public_facing: Some(true),
            ..v1::Answers::default()
        },
        business_information: None,
        system_service: None,
        filed_level: Some(2),
        milestones: vec![
            v1::Milestone {
                stage: Stage::EvaluationPassed,
                date: codec::date_to_days(day(2025, 12, 1)),
                note: String::new(),
                score: Some(76.5),
                conclusion: Some(v1::Conclusion::Medium),
                high_risks: Some(0),
                medium_risks: Some(2),
                number: None,
            },
            v1::Milestone {
                stage: Stage::CertificateIssued,
                date: codec::date_to_days(day(2025, 12, 20)),
                note: "备案证明".into(),
                score: None,
                conclusion: None,
                high_risks: None,
                medium_risks: None,
                number: Some("31010499999-00001".into()),
            },
        ],
    };
    let log = v1::Log {
        seq: 1,
        at: 1_764_547_200,
        uid: 1000,
        user: "li".into(),
        action: 0,
        client: Some(1),
        client_name: "Acme Trading Ltd".into(),
        network: None,
        network_name: String::new(),
        before: None,
        after: Some(acme_bytes.clone()),
        note: String::new(),
    };
    let clients = vec![(id_key(b'c', 1), acme_bytes), (id_key(b'c', 2), bank_bytes)];
    for (k, v) in &clients {
        tree.insert(k, v.as_slice()).unwrap();
    }
    tree.insert(id_key(b'n', 3), v1_record(&shop)).unwrap();
    tree.insert(pair_key(b'x', 1, 3), &[]).unwrap();
    tree.insert(id_key(b'l', 1), v1_record(&log)).unwrap();
    tree.insert(pair_key(b'k', 1, 1), &[]).unwrap();
    tree.insert(meta("schema"), &1u64.to_be_bytes()).unwrap();
    tree.insert(meta("next_id"), &4u64.to_be_bytes()).unwrap();
    tree.insert(meta("log_seq"), &2u64.to_be_bytes()).unwrap();
    db.flush().unwrap();
    clients
}

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
    assert!(said[0].contains("from format 1 to format 2"), "{}", said[0]);
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

    // On disk: every client in format 2, the database marked format 2.
    {
        let db = open_raw(&dir.join("store"));
        let tree = db.open_tree("cases").unwrap();
        assert_eq!(
            tree.get(meta("schema")).unwrap().unwrap().as_ref(),
            &2u64.to_be_bytes()
        );
        for kv in tree.scan_prefix([b'c']) {
            let (_, v) = kv.unwrap();
            assert_eq!(
                codec::format_of(&v),
                Some(mlps::domain::model::Client::VERSION)
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

/// Through the daemon and the binary: the first command run on the old
/// database says it was upgraded (on stderr, its output unchanged); the
/// next says nothing.
#[test]
fn the_first_command_says_the_database_was_upgraded_and_the_next_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    write_format_1(&dir, false);
    let run = || {
        let out = Command::cargo_bin("mlps")
            .unwrap()
            .args(["--db"])
            .arg(&dir)
            .args(["renewals", "--today", "2027-11-01", "--json"])
            .env("MLPS_CONFIG_DIR", tmp.path().join("config"))
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
        first_err.contains("upgraded from format 1 to format 2"),
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
    let restored = Command::cargo_bin("mlps")
        .unwrap()
        .arg("--db")
        .arg(&fresh)
        .arg("restore")
        .arg(the_copy(&dir))
        .env("MLPS_CONFIG_DIR", tmp.path().join("config"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&restored.stdout);
    assert!(restored.status.success(), "{restored:?}");
    assert!(said.contains("Restored 2 clients and 1 network"), "{said}");
    assert!(said.contains("in format 1; it was upgraded"), "{said}");
    let renewals = Command::cargo_bin("mlps")
        .unwrap()
        .arg("--db")
        .arg(&fresh)
        .args(["renewals", "--today", "2027-11-01", "--json"])
        .env("MLPS_CONFIG_DIR", tmp.path().join("config"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(renewals.stdout).unwrap(), first_out);
    let _ = mlps::server::client::stop(&fresh);
}
