//! Findings as records of their own in the store: writes with revisions,
//! bulk status changes and gap-list imports all or nothing, removal with
//! their network or client, the audit log, doctor, backups, the format
//! upgrade from format 3, and export/import of the interchange JSON.

use std::path::Path;

use mlps::domain::gaps::{
    ComplianceResult, Extension, ExtensionChoice, Finding, FindingId, FindingStatus, Risk,
};
use mlps::domain::model::{Client, ClientId, Network, NetworkId, NewClient, NewNetwork};
use mlps::domain::questionnaire::Answers;
use mlps::domain::settings::Config;
use mlps::error::Error;
use mlps::formats::interchange;
use mlps::store::audit::{Action, LogQuery};
use mlps::store::codec::{self, keys};
use mlps::store::{CaseStore, Maintenance, SledStore, StoredFinding};

use crate::support::{d, fresh_store};

fn client(name: &str) -> Client {
    Client {
        name: name.into(),
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
        milestones: Vec::new(),
    }
}

fn finding(point: &str, description: &str, risk: Risk) -> Finding {
    Finding::new(
        FindingId(0),
        point,
        description,
        ComplianceResult::NonCompliant,
        risk,
        d("2026-10-01"),
    )
}

/// A client with one network.
fn one_network(store: &dyn CaseStore) -> (Client, Network) {
    let c = store.create_client(client("Acme")).unwrap();
    let n = store.create_network(network(c.id, "Shop")).unwrap();
    (c, n)
}

#[test]
fn findings_are_created_read_updated_and_deleted_under_their_network() {
    let (_dir, store) = fresh_store();
    let (c, n) = one_network(&store);
    let other = store.create_network(network(c.id, "HR")).unwrap();

    let a = store
        .create_finding(StoredFinding::new(
            n.id,
            finding(
                "computing.identity_auth",
                "弱口令，未启用双因素",
                Risk::High,
            ),
        ))
        .unwrap();
    assert_eq!((a.revision, a.client, a.network), (1, c.id, n.id));
    assert_ne!(a.id(), FindingId(0));
    let b = store
        .create_finding(StoredFinding::new(
            n.id,
            finding("computing.audit", "no central log", Risk::Medium),
        ))
        .unwrap();
    store
        .create_finding(StoredFinding::new(
            other.id,
            finding("computing.audit", "HR logs kept 30 days", Risk::Low),
        ))
        .unwrap();

    // A network's findings, in id order, and by id.
    assert_eq!(store.findings_of(n.id).unwrap(), vec![a.clone(), b.clone()]);
    assert_eq!(store.finding(b.id()).unwrap(), Some(b.clone()));
    assert_eq!(store.all_findings().unwrap().len(), 3);

    // An edit bumps the revision; one based on the old copy is refused.
    let mut edit = a.clone();
    edit.finding.owner = "IT 部 王工".into();
    edit.finding.due = Some(d("2026-12-31"));
    let a2 = store.update_finding(edit).unwrap();
    assert_eq!(a2.revision, 2);
    let mut stale = a.clone();
    stale.finding.owner = "someone else".into();
    match store.update_finding(stale) {
        Err(Error::Conflict(c)) => {
            assert_eq!(c.revision, 2);
            assert!(c.message.contains("finding"), "{}", c.message);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(matches!(
        store.delete_finding(a.id(), Some(1)),
        Err(Error::Conflict(_))
    ));

    // Bad findings are refused, naming the field.
    let bad = store.create_finding(StoredFinding::new(
        n.id,
        finding("computing.nonsense", "x", Risk::Low),
    ));
    assert!(
        matches!(&bad, Err(Error::Input(m)) if m.contains("control_point")),
        "{bad:?}"
    );
    let orphan = store.create_finding(StoredFinding::new(
        NetworkId(9999),
        finding("computing.audit", "x", Risk::Low),
    ));
    assert!(matches!(orphan, Err(Error::NotFound(_))));

    store.delete_finding(a.id(), Some(2)).unwrap();
    assert_eq!(store.finding(a.id()).unwrap(), None);
    assert_eq!(store.findings_of(n.id).unwrap(), vec![b.clone()]);
    // Deleting what is gone is no error.
    store.delete_finding(a.id(), None).unwrap();
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
    assert_eq!(checkup.findings, 2);
}

#[test]
fn a_bulk_status_change_is_all_or_nothing() {
    let (_dir, store) = fresh_store();
    let (_, n) = one_network(&store);
    let ids: Vec<FindingId> = (0..3)
        .map(|i| {
            store
                .create_finding(StoredFinding::new(
                    n.id,
                    finding("computing.audit", &format!("gap {i}"), Risk::Medium),
                ))
                .unwrap()
                .id()
        })
        .collect();

    let done = store
        .set_finding_status(&ids[..2], FindingStatus::Fixed, d("2026-11-02"))
        .unwrap();
    assert_eq!(done.len(), 2);
    assert!(done.iter().all(|f| f.finding.status == FindingStatus::Fixed
        && f.revision == 2
        && f.finding.history.last().unwrap().date == d("2026-11-02")));

    // One unknown id: nothing changes.
    let before = store.findings_of(n.id).unwrap();
    let refused = store.set_finding_status(
        &[ids[2], FindingId(424242)],
        FindingStatus::Verified,
        d("2026-11-03"),
    );
    assert!(matches!(refused, Err(Error::NotFound(_))), "{refused:?}");
    assert_eq!(store.findings_of(n.id).unwrap(), before);

    // A date before a finding's last change: nothing changes either.
    let refused = store.set_finding_status(&ids, FindingStatus::Verified, d("2026-10-15"));
    assert!(matches!(&refused, Err(Error::Input(m)) if m.contains("no status was changed")));
    assert_eq!(store.findings_of(n.id).unwrap(), before);

    // Each change is in the log of the network's findings, naming the
    // finding; the network's own history holds none of them.
    assert!(
        store
            .log(&LogQuery::of_network(n.id))
            .unwrap()
            .iter()
            .all(|e| e.finding.is_none())
    );
    let log = store.log(&LogQuery::of_findings(n.id)).unwrap();
    let status_changes: Vec<_> = log
        .iter()
        .filter(|e| e.finding.is_some() && e.action == Action::Updated)
        .collect();
    assert_eq!(status_changes.len(), 2);
    let fields: Vec<String> = status_changes[0]
        .changes()
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert!(fields.contains(&"status".to_string()), "{fields:?}");
    assert!(
        status_changes[0].subject().starts_with("finding "),
        "{}",
        status_changes[0].subject()
    );
    assert_eq!(status_changes[0].revision_after(), Some(2));
    let mut everything = store.log(&LogQuery::default()).unwrap();
    everything.retain(|e| e.finding.is_some());
    assert_eq!(everything.len(), log.len());
}

#[test]
fn a_gap_list_import_adds_or_replaces_all_or_nothing() {
    let (_dir, store) = fresh_store();
    let (_, n) = one_network(&store);
    let list = vec![
        finding("computing.identity_auth", "weak passwords", Risk::High),
        finding("computing.audit", "no log review", Risk::Medium),
    ];
    assert_eq!(store.import_findings(n.id, list.clone(), false).unwrap(), 2);
    assert_eq!(store.import_findings(n.id, list.clone(), false).unwrap(), 2);
    assert_eq!(store.findings_of(n.id).unwrap().len(), 4);

    // A bad finding anywhere: nothing imported, the position named.
    let mut bad = list.clone();
    bad.push(finding("computing.audit", "", Risk::Low));
    let refused = store.import_findings(n.id, bad, true);
    assert!(
        matches!(&refused, Err(Error::Input(m)) if m.contains("findings[2]")),
        "{refused:?}"
    );
    assert_eq!(store.findings_of(n.id).unwrap().len(), 4);

    assert_eq!(store.import_findings(n.id, list, true).unwrap(), 2);
    let said: Vec<String> = store
        .log(&LogQuery::of_findings(n.id))
        .unwrap()
        .iter()
        .map(|e| e.subject())
        .collect();
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(said[2].starts_with("gap list of network \"Shop\" of Acme"));
    assert!(
        said[2].ends_with(": 2 findings imported, replacing 4 findings"),
        "{said:?}"
    );
    let now = store.findings_of(n.id).unwrap();
    assert_eq!(now.len(), 2);
    assert!(now.iter().all(|f| f.revision == 1));
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
}

#[test]
fn findings_and_extension_sets_go_with_their_network_and_client() {
    let (_dir, store) = fresh_store();
    let (c, n) = one_network(&store);
    store
        .import_findings(
            n.id,
            vec![finding("computing.audit", "no log review", Risk::Medium)],
            false,
        )
        .unwrap();
    let mut cloud = ExtensionChoice::default();
    cloud.set(Extension::Cloud, true);
    store.set_gap_extensions(n.id, cloud.clone()).unwrap();
    assert_eq!(store.gap_extensions(n.id).unwrap(), cloud);
    assert_eq!(store.all_gap_extensions().unwrap(), vec![(n.id, cloud)]);

    let n = store.network(n.id).unwrap().unwrap();
    store.delete_network(n.id, Some(n.revision)).unwrap();
    assert!(store.findings_of(n.id).unwrap().is_empty());
    assert_eq!(
        store.gap_extensions(n.id).unwrap(),
        ExtensionChoice::default()
    );
    assert!(store.all_findings().unwrap().is_empty());

    // Undo of the deletion still works (the network comes back alone).
    let back = store.restore_network(n.clone()).unwrap();
    assert_eq!(back.id, n.id);
    store
        .import_findings(
            n.id,
            vec![finding("computing.audit", "again", Risk::Low)],
            false,
        )
        .unwrap();
    store.delete_client(c.id, None).unwrap();
    assert!(store.all_findings().unwrap().is_empty());
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
}

/// Writes a raw pair into a closed database.
fn poke(dir: &Path, write: impl FnOnce(&sled::Tree)) {
    let mut db = None;
    for _ in 0..100 {
        if let Ok(opened) = sled::open(dir.join("store")) {
            db = Some(opened);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let db = db.expect("the database opens");
    let tree = db.open_tree("cases").unwrap();
    write(&tree);
    db.flush().unwrap();
}

#[test]
fn doctor_finds_orphan_findings_and_unknown_control_points_and_repair_drops_the_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let (n, kept) = {
        let store = SledStore::open(dir.path(), Config::default()).unwrap();
        let (_, n) = one_network(&store);
        let kept = store
            .create_finding(StoredFinding::new(
                n.id,
                finding("computing.audit", "kept", Risk::Low),
            ))
            .unwrap();
        (n, kept)
    };
    poke(dir.path(), |tree| {
        // A finding of a network that does not exist, with its index entry.
        let mut orphan = kept.clone();
        orphan.network = NetworkId(777);
        orphan.finding.id = FindingId(900);
        tree.insert(
            keys::finding(orphan.network, orphan.id()),
            codec::encode(&orphan),
        )
        .unwrap();
        tree.insert(keys::id(keys::FINDING_OF, 900), &codec::encode_u64(777)[..])
            .unwrap();
        // A finding under a control point the catalogue does not know.
        let mut unknown = kept.clone();
        unknown.finding.id = FindingId(901);
        unknown.finding.control_point = "computing.retired_point".into();
        tree.insert(keys::finding(n.id, unknown.id()), codec::encode(&unknown))
            .unwrap();
        tree.insert(
            keys::id(keys::FINDING_OF, 901),
            &codec::encode_u64(n.id.0)[..],
        )
        .unwrap();
        // The kept finding loses its index entry.
        tree.remove(keys::id(keys::FINDING_OF, kept.id().0))
            .unwrap();
    });

    let store = SledStore::open(dir.path(), Config::default()).unwrap();
    let checked = store.doctor(false).unwrap();
    let all = checked.problems.join("\n");
    assert!(all.contains("network 777, which does not exist"), "{all}");
    assert!(all.contains("computing.retired_point"), "{all}");
    assert!(
        all.contains("missing from the index of findings by id"),
        "{all}"
    );
    assert!(all.contains("id counter"), "{all}");

    let repaired = store.doctor(true).unwrap();
    let said = repaired.repaired.join("\n");
    assert!(said.contains("removed 1 finding"), "{said}");
    assert!(said.contains("index of findings by id"), "{said}");
    // What is left is the finding only a person can fix.
    assert_eq!(repaired.problems.len(), 1, "{:?}", repaired.problems);
    assert!(repaired.problems[0].contains("computing.retired_point"));
    assert_eq!(store.finding(kept.id()).unwrap(), Some(kept));
    assert_eq!(store.finding(FindingId(900)).unwrap(), None);
    // A new finding's id is past every stored one.
    let next = store
        .create_finding(StoredFinding::new(
            n.id,
            finding("computing.audit", "new", Risk::Low),
        ))
        .unwrap();
    assert!(next.id().0 > 901);
}

#[test]
fn a_backup_keeps_the_findings_and_restores_them() {
    let (dir, store) = fresh_store();
    let (_, n) = one_network(&store);
    store
        .import_findings(
            n.id,
            vec![
                finding("computing.identity_auth", "weak passwords", Risk::High),
                finding("computing.audit", "no log review", Risk::Medium),
            ],
            false,
        )
        .unwrap();
    let mut choice = ExtensionChoice::default();
    choice.set(Extension::Iot, true);
    store.set_gap_extensions(n.id, choice.clone()).unwrap();
    let before = store.findings_of(n.id).unwrap();

    let copy = dir.path().join("nightly");
    store.copy_to(&copy).unwrap();
    let (_, pairs) = mlps::store::backup::read(&copy).unwrap();

    let (_other, target) = fresh_store();
    target.restore(pairs, false, "nightly").unwrap();
    assert_eq!(target.findings_of(n.id).unwrap(), before);
    assert_eq!(target.gap_extensions(n.id).unwrap(), choice);
    let f = &before[0];
    assert_eq!(target.finding(f.id()).unwrap().as_ref(), Some(f));
    let checkup = target.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
}

#[test]
fn export_and_import_carry_findings_and_extension_sets() {
    let (_dir, store) = fresh_store();
    let (c, n) = one_network(&store);
    let plain = store.create_network(network(c.id, "HR")).unwrap();
    let mut f = finding("computing.identity_auth", "弱口令", Risk::High);
    f.owner = "王工".into();
    f.due = Some(d("2026-12-31"));
    f.evidence = "工单 #42".into();
    f.set_status(FindingStatus::InProgress, d("2026-10-20"))
        .unwrap();
    store.import_findings(n.id, vec![f.clone()], false).unwrap();
    let mut choice = ExtensionChoice::default();
    choice.set(Extension::Cloud, true);
    choice.set(Extension::Mobile, false);
    store.set_gap_extensions(n.id, choice.clone()).unwrap();

    let clients = store.clients().unwrap();
    let mut doc = interchange::from_records(
        clients
            .into_iter()
            .map(|c| {
                let ns = store.networks_of(c.id).unwrap();
                (c, ns)
            })
            .collect(),
    );
    interchange::add_gaps(
        &mut doc,
        store
            .all_findings()
            .unwrap()
            .into_iter()
            .map(|f| (f.network, f.finding))
            .collect(),
        store.all_gap_extensions().unwrap(),
    );
    let json = interchange::to_json(&doc);
    // A network without findings says nothing of them.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let networks = &value["clients"][0]["networks"];
    assert_eq!(networks[0]["findings"][0]["risk"], "high");
    assert_eq!(networks[0]["gap_extensions"]["added"][0], "cloud");
    assert!(networks[1].get("findings").is_none(), "{json}");
    assert!(networks[1].get("gap_extensions").is_none(), "{json}");
    assert_eq!(networks[1]["id"], plain.id.0);

    // Into an empty database: the same findings, under new ids.
    let (_dir2, other) = fresh_store();
    let parsed = interchange::parse("export.json", &json).unwrap();
    let mut records = interchange::to_records("export.json", &parsed).unwrap();
    for c in &mut records {
        c.id = None;
        for n in &mut c.networks {
            n.id = None;
        }
    }
    let summary = other.import(records).unwrap();
    assert_eq!(
        (summary.clients, summary.networks, summary.findings),
        (1, 2, 1)
    );
    let shop = other
        .networks()
        .unwrap()
        .into_iter()
        .find(|x| x.name == "Shop")
        .unwrap();
    let imported = other.findings_of(shop.id).unwrap();
    assert_eq!(imported.len(), 1);
    let mut want = f;
    want.id = imported[0].id();
    assert_eq!(imported[0].finding, want);
    assert_eq!(other.gap_extensions(shop.id).unwrap(), choice);
    let checkup = other.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
}

#[test]
fn an_import_names_the_bad_finding_by_its_path_and_imports_nothing() {
    let doc = |finding: &str| {
        format!(
            r#"{{"format": "mlps-cases", "version": 1, "clients": [{{"name": "Acme",
            "networks": [{{"name": "A"}}, {{"name": "B", "findings": [
              {{"control_point": "computing.audit", "description": "ok", "result": "partial", "risk": "low"}},
              {finding}
            ]}}]}}]}}"#
        )
    };
    let cases = [
        (
            r#"{"control_point": "computing.audit", "description": "x", "result": "partial", "risk": "severe"}"#,
            "clients[0].networks[1].findings[1].risk",
        ),
        (
            r#"{"control_point": "computing.audit", "description": "x", "result": "partial", "risk": "low", "due": "2026-02-30"}"#,
            "clients[0].networks[1].findings[1].due",
        ),
        (
            r#"{"control_point": "computing.nope", "description": "x", "result": "partial", "risk": "low"}"#,
            "clients[0].networks[1].findings[1].control_point",
        ),
        (
            r#"{"control_point": "computing.audit", "description": "", "result": "partial", "risk": "low"}"#,
            "clients[0].networks[1].findings[1].description",
        ),
    ];
    let (_dir, store) = fresh_store();
    for (finding, path) in cases {
        let text = doc(finding);
        let err = interchange::parse("in.json", &text)
            .and_then(|d| interchange::to_records("in.json", &d))
            .and_then(|r| store.import(r).map(|_| ()))
            .unwrap_err();
        assert!(err.message().contains(path), "{path}: {}", err.message());
    }
    assert!(store.clients().unwrap().is_empty());

    let long = "x".repeat(2001);
    let text = doc(&format!(
        r#"{{"control_point": "computing.audit", "description": "{long}", "result": "partial", "risk": "low"}}"#
    ));
    let err = interchange::parse("in.json", &text)
        .and_then(|d| interchange::to_records("in.json", &d))
        .unwrap_err();
    assert!(
        err.message()
            .contains("clients[0].networks[1].findings[1].description"),
        "{}",
        err.message()
    );
}

#[test]
fn the_store_refuses_bad_findings_in_an_import_by_path() {
    let (_dir, store) = fresh_store();
    let mut bad = finding("computing.audit", "x", Risk::Low);
    bad.control_point = "no.such".into();
    let refused = store.import(vec![NewClient {
        id: None,
        client: client("Acme"),
        networks: vec![NewNetwork {
            id: None,
            network: network(ClientId(0), "A"),
            findings: vec![finding("computing.audit", "fine", Risk::Low), bad],
            gap_extensions: None,
        }],
    }]);
    assert!(
        matches!(&refused, Err(Error::Input(m)) if m.contains("clients[0].networks[0].findings[1].control_point")),
        "{refused:?}"
    );
    assert!(store.clients().unwrap().is_empty());
}

/// A database as format 3 left it: log entries in their first shape and
/// the format mark at 3.
#[test]
fn a_format_3_database_is_upgraded_and_takes_findings() {
    let dir = tempfile::tempdir().unwrap();
    let n = {
        let store = SledStore::open(dir.path(), Config::default()).unwrap();
        one_network(&store).1
    };
    poke(dir.path(), |tree| {
        for kv in tree.scan_prefix([keys::LOG]) {
            let (k, v) = kv.unwrap();
            let e: mlps::store::audit::LogEntry = codec::decode(&v).unwrap();
            let old = codec::wire::LogV1 {
                seq: e.seq,
                at: e.at,
                uid: e.uid,
                user: e.user,
                action: e.action,
                client: e.client.map(|c| c.0),
                client_name: e.client_name,
                network: e.network.map(|n| n.0),
                network_name: e.network_name,
                before: e.before,
                after: e.after,
                note: e.note,
            };
            let mut bytes = 1u16.to_be_bytes().to_vec();
            bytes.extend(codec::encode_message(&old));
            tree.insert(k, bytes).unwrap();
        }
        tree.insert(keys::meta("schema"), &3u64.to_be_bytes()[..])
            .unwrap();
    });

    let store = SledStore::open(dir.path(), Config::default()).unwrap();
    let said = store.take_notices();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("from format 3 to format 4"), "{}", said[0]);
    assert!(said[0].contains("findings"), "{}", said[0]);
    assert!(store.take_notices().is_empty());
    let log = store.log(&LogQuery::default()).unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|e| e.finding.is_none()));
    let f = store
        .create_finding(StoredFinding::new(
            n.id,
            finding("computing.audit", "after the upgrade", Risk::Low),
        ))
        .unwrap();
    assert_eq!(store.findings_of(n.id).unwrap(), vec![f]);
    let checkup = store.doctor(false).unwrap();
    assert!(checkup.problems.is_empty(), "{:?}", checkup.problems);
    drop(store);
    poke(dir.path(), |tree| {
        assert_eq!(
            tree.get(keys::meta("schema")).unwrap().unwrap().as_ref(),
            &4u64.to_be_bytes()
        );
        for kv in tree.scan_prefix([keys::LOG]) {
            let (_, v) = kv.unwrap();
            assert_eq!(codec::format_of(&v), Some(2));
        }
    });
}
