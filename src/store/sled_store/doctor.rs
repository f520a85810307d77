//! `mlps doctor`: every record decodes, and every index agrees with the
//! records it is derived from. Checking changes nothing; repairing
//! rebuilds the indexes from the records (a damaged record itself cannot
//! be rebuilt: it is named, for a restore from a backup).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::search::MARK;
use super::{SledStore, db_error};
use crate::domain::gaps::ExtensionChoice;
use crate::domain::model::{Client, ClientId, Network, NetworkId};
use crate::domain::search::Entry;
use crate::error::Result;
use crate::store::audit::LogEntry;
use crate::store::codec::{self, DueRecord, Record, SearchRecord, keys};
use crate::store::{Checkup, StoredFinding};

/// The prefixes a database holds.
const KNOWN: [u8; 15] = [
    keys::META,
    keys::CLIENT,
    keys::NETWORK,
    keys::CLIENT_NETWORK,
    keys::DUE,
    keys::DUE_OF_NETWORK,
    keys::LOG,
    keys::LOG_OF_CLIENT,
    keys::LOG_OF_NETWORK,
    keys::SEARCH_CLIENT,
    keys::SEARCH_NETWORK,
    keys::FINDING,
    keys::FINDING_OF,
    keys::LOG_OF_FINDINGS,
    keys::GAP_EXTENSIONS,
];

/// A key as a message shows it: its prefix letter and numbers.
fn show(key: &[u8]) -> String {
    match key.split_first() {
        Some((p, rest)) if rest.len() % 8 == 0 && !rest.is_empty() => {
            let numbers: Vec<String> = rest
                .chunks(8)
                .map(|c| u64::from_be_bytes(c.try_into().unwrap_or([0; 8])).to_string())
                .collect();
            format!("{}:{}", char::from(*p), numbers.join(":"))
        }
        Some((p, rest)) if *p == keys::META => {
            format!("m:{}", String::from_utf8_lossy(rest))
        }
        _ => format!("{key:02x?}"),
    }
}

/// Which indexes a check found wrong, so a repair rebuilds only those.
#[derive(Default)]
struct Wrong {
    client_networks: bool,
    due: bool,
    log_index: bool,
    search: bool,
    counters: bool,
    /// Findings (or extension choices) of networks that do not exist.
    orphans: bool,
    /// The index of findings by id, or a finding's client.
    findings: bool,
}

impl SledStore {
    /// Checks the database; with `repair`, rebuilds the indexes found
    /// wrong and checks again.
    pub(super) fn doctor(&self, repair: bool) -> Result<Checkup> {
        let (mut checkup, wrong) = {
            let _guard = self.lock();
            self.examine()?
        };
        if !repair || checkup.problems.is_empty() {
            return Ok(checkup);
        }
        let mut repaired = Vec::new();
        {
            let _guard = self.lock();
            let mut batch = sled::Batch::default();
            if wrong.client_networks {
                self.stage_client_networks(&mut batch)?;
                repaired.push("rebuilt the index of each client's networks".to_string());
            }
            if wrong.log_index {
                self.stage_log_index(&mut batch)?;
                repaired.push("rebuilt the audit log's per-record indexes".to_string());
            }
            if wrong.orphans || wrong.findings {
                let (dropped, fixed) = self.stage_findings_repair(&mut batch)?;
                if dropped > 0 {
                    repaired.push(format!(
                        "removed {} of networks that no longer exist",
                        crate::text::counted(
                            dropped,
                            "finding or extension choice",
                            "findings and extension choices"
                        )
                    ));
                }
                if fixed && wrong.findings {
                    repaired.push("rebuilt the index of findings by id".to_string());
                }
            }
            if wrong.counters {
                self.stage_counters(&mut batch)?;
                repaired.push("set the id and log counters past every record".to_string());
            }
            self.commit(batch)?;
            if wrong.search {
                self.write_all_search_keys()?;
                *self.search.write().unwrap_or_else(|p| p.into_inner()) = None;
                repaired.push("recomputed every record's fuzzy-jump keys".to_string());
            }
        }
        if wrong.due {
            self.rebuild_due_index()?;
            repaired.push("rebuilt the due-date index".to_string());
        }
        self.forget_memory();
        let (again, _) = {
            let _guard = self.lock();
            self.examine()?
        };
        checkup = Checkup { repaired, ..again };
        Ok(checkup)
    }

    /// Reads everything once: what is there, and what is wrong.
    fn examine(&self) -> Result<(Checkup, Wrong)> {
        let mut c = Checkup::default();
        let mut wrong = Wrong::default();
        let mut clients: BTreeMap<ClientId, Client> = BTreeMap::new();
        let mut networks: BTreeMap<NetworkId, Network> = BTreeMap::new();
        let mut client_networks: BTreeSet<(u64, u64)> = BTreeSet::new();
        // The name each index entry carries (empty when written before
        // entries carried one: read from the network then).
        let mut listed_names: std::collections::HashMap<u64, Vec<u8>> =
            std::collections::HashMap::new();
        let mut due: BTreeMap<Vec<u8>, DueRecord> = BTreeMap::new();
        let mut due_of: HashMap<u64, Vec<Vec<u8>>> = HashMap::new();
        let mut log: BTreeMap<u64, LogEntry> = BTreeMap::new();
        let mut log_of: BTreeSet<(u8, u64, u64)> = BTreeSet::new();
        let mut search: HashMap<(u8, u64), SearchRecord> = HashMap::new();
        let mut meta: HashMap<Vec<u8>, sled::IVec> = HashMap::new();
        let mut findings: BTreeMap<(u64, u64), StoredFinding> = BTreeMap::new();
        let mut finding_of: BTreeMap<u64, u64> = BTreeMap::new();
        let mut gap_extensions: BTreeSet<u64> = BTreeSet::new();

        fn record<R: Record>(c: &mut Checkup, k: &[u8], v: &[u8]) -> Option<R> {
            match codec::decode::<R>(v) {
                Ok(r) => Some(r),
                Err(e) => {
                    c.problems
                        .push(format!("record {} cannot be read: {e}", show(k)));
                    None
                }
            }
        }
        for kv in self.tree().iter() {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            let Some(&prefix) = k.first() else {
                c.problems.push("an empty key".into());
                continue;
            };
            if !KNOWN.contains(&prefix) {
                c.problems
                    .push(format!("key {} is of no kind this mlps knows", show(&k)));
                continue;
            }
            let id = keys::tail_id(&k).unwrap_or(0);
            match prefix {
                keys::META => {
                    meta.insert(k.to_vec(), v);
                }
                keys::CLIENT => {
                    if let Some(r) = record::<Client>(&mut c, &k, &v) {
                        if r.id.0 != id {
                            c.problems
                                .push(format!("record {} holds client {}", show(&k), r.id.0));
                        }
                        clients.insert(ClientId(id), r);
                    }
                }
                keys::NETWORK => {
                    if let Some(r) = record::<Network>(&mut c, &k, &v) {
                        if r.id.0 != id {
                            c.problems.push(format!(
                                "record {} holds network {}",
                                show(&k),
                                r.id.0
                            ));
                        }
                        networks.insert(NetworkId(id), r);
                    }
                }
                keys::CLIENT_NETWORK if k.len() == 17 => {
                    let client = u64::from_be_bytes(k[1..9].try_into().unwrap_or([0; 8]));
                    client_networks.insert((client, id));
                    if !v.is_empty() {
                        listed_names.insert(id, v.to_vec());
                    }
                }
                keys::DUE => {
                    if let Some(r) = record::<DueRecord>(&mut c, &k, &v) {
                        due.insert(k.to_vec(), r);
                    }
                }
                keys::DUE_OF_NETWORK => match codec::decode_key_list(&v) {
                    Ok(list) => {
                        due_of.insert(id, list);
                    }
                    Err(e) => {
                        c.problems
                            .push(format!("record {} cannot be read: {e}", show(&k)));
                        wrong.due = true;
                    }
                },
                keys::LOG => {
                    if let Some(r) = record::<LogEntry>(&mut c, &k, &v) {
                        log.insert(id, r);
                    }
                }
                keys::LOG_OF_CLIENT | keys::LOG_OF_NETWORK | keys::LOG_OF_FINDINGS
                    if k.len() == 17 =>
                {
                    let of = u64::from_be_bytes(k[1..9].try_into().unwrap_or([0; 8]));
                    log_of.insert((prefix, of, id));
                }
                keys::SEARCH_CLIENT | keys::SEARCH_NETWORK => {
                    match record::<SearchRecord>(&mut c, &k, &v) {
                        Some(r) => {
                            search.insert((prefix, id), r);
                        }
                        None => wrong.search = true,
                    }
                }
                keys::FINDING if k.len() == 17 => {
                    let network = u64::from_be_bytes(k[1..9].try_into().unwrap_or([0; 8]));
                    if let Some(r) = record::<StoredFinding>(&mut c, &k, &v) {
                        if r.id().0 != id || r.network.0 != network {
                            c.problems.push(format!(
                                "record {} holds finding {} of network {}",
                                show(&k),
                                r.id().0,
                                r.network.0
                            ));
                        }
                        findings.insert((network, id), r);
                    }
                }
                keys::FINDING_OF => match codec::decode_u64(&v) {
                    Ok(network) => {
                        finding_of.insert(id, network);
                    }
                    Err(e) => {
                        c.problems
                            .push(format!("record {} cannot be read: {e}", show(&k)));
                        wrong.findings = true;
                    }
                },
                keys::GAP_EXTENSIONS => {
                    if record::<ExtensionChoice>(&mut c, &k, &v).is_some() {
                        gap_extensions.insert(id);
                    }
                }
                _ => c.problems.push(format!("key {} is malformed", show(&k))),
            }
        }
        c.clients = clients.len() as u64;
        c.networks = networks.len() as u64;
        c.findings = findings.len() as u64;
        c.log_entries = log.len() as u64;

        // Each finding under a network that exists, at a control point of
        // the catalogue, and found by its id.
        for ((network, id), f) in &findings {
            match networks.get(&NetworkId(*network)) {
                None => {
                    c.problems.push(format!(
                        "finding {id} ({}) belongs to network {network}, which does not exist",
                        f.finding.control_point
                    ));
                    wrong.orphans = true;
                }
                Some(n) if n.client != f.client => {
                    c.problems.push(format!(
                        "finding {id} names client {} but its network is client {}'s",
                        f.client.0, n.client.0
                    ));
                    wrong.findings = true;
                }
                Some(_) => {}
            }
            if crate::domain::gaps::point(&f.finding.control_point).is_none() {
                c.problems.push(format!(
                    "finding {id} of network {network} is under {:?}, no control point of the \
                     catalogue: edit it or delete it",
                    f.finding.control_point
                ));
            }
            if finding_of.get(id) != Some(network) {
                c.problems.push(format!(
                    "finding {id} is missing from the index of findings by id"
                ));
                wrong.findings = true;
            }
        }
        let stray = finding_of
            .iter()
            .filter(|(id, network)| !findings.contains_key(&(**network, **id)))
            .count();
        if stray > 0 {
            c.problems.push(format!(
                "the index of findings by id names {stray} findings that do not exist"
            ));
            wrong.findings = true;
        }
        for network in &gap_extensions {
            if !networks.contains_key(&NetworkId(*network)) {
                c.problems.push(format!(
                    "network {network}, which does not exist, has a choice of extension sets"
                ));
                wrong.orphans = true;
            }
        }
        c.index_entries += finding_of.len() as u64;

        // Each network under its client, and the client index of them.
        for n in networks.values() {
            if !clients.contains_key(&n.client) {
                c.problems.push(format!(
                    "network {} ({:?}) belongs to client {}, which does not exist",
                    n.id.0, n.name, n.client.0
                ));
            }
            if !client_networks.contains(&(n.client.0, n.id.0)) {
                c.problems.push(format!(
                    "network {} is missing from the index of client {}'s networks",
                    n.id.0, n.client.0
                ));
                wrong.client_networks = true;
            }
            if listed_names
                .get(&n.id.0)
                .is_some_and(|name| *name != n.name.as_bytes())
            {
                c.problems.push(format!(
                    "the index of client {}'s networks names network {} other than it is named",
                    n.client.0, n.id.0
                ));
                wrong.client_networks = true;
            }
        }
        for (client, network) in &client_networks {
            if networks
                .get(&NetworkId(*network))
                .is_none_or(|n| n.client.0 != *client)
            {
                c.problems.push(format!(
                    "the index of client {client}'s networks names network {network}, which is not theirs"
                ));
                wrong.client_networks = true;
            }
        }

        // The due-date index against the timeline of each network.
        let mut expected_due: BTreeMap<Vec<u8>, DueRecord> = BTreeMap::new();
        for n in networks.values() {
            let records = self.due_records(n);
            let mut mine: Vec<Vec<u8>> = records
                .iter()
                .map(|r| keys::due(r.due, r.network, r.kind).to_vec())
                .collect();
            for (k, r) in mine.iter().zip(records) {
                expected_due.insert(k.clone(), r);
            }
            let mut listed = due_of.remove(&n.id.0).unwrap_or_default();
            mine.sort();
            listed.sort();
            if mine != listed {
                c.problems.push(format!(
                    "the due-date index lists other dates for network {} than its timeline gives",
                    n.id.0
                ));
                wrong.due = true;
            }
        }
        if !due_of.is_empty() {
            c.problems.push(format!(
                "the due-date index lists dates for {} networks that do not exist",
                due_of.len()
            ));
            wrong.due = true;
        }
        if expected_due != due {
            let missing = expected_due
                .keys()
                .filter(|k| !due.contains_key(*k))
                .count();
            let stray = due
                .keys()
                .filter(|k| !expected_due.contains_key(*k))
                .count();
            c.problems.push(format!(
                "the due-date index disagrees with the timelines: {missing} dates missing, \
                 {stray} stray, {} different",
                expected_due
                    .iter()
                    .filter(|(k, r)| due.get(*k).is_some_and(|d| d != *r))
                    .count()
            ));
            wrong.due = true;
        }
        c.index_entries += (client_networks.len() + due.len() + log_of.len()) as u64;

        // The audit log's per-record indexes.
        let mut expected_log: BTreeSet<(u8, u64, u64)> = BTreeSet::new();
        for e in log.values() {
            if let Some(client) = e.client {
                expected_log.insert((keys::LOG_OF_CLIENT, client.0, e.seq));
            }
            if let Some(network) = e.network {
                expected_log.insert((super::log_index_of(e), network.0, e.seq));
            }
        }
        // An import is one entry indexed under every record it created.
        let dangling = log_of
            .iter()
            .filter(|(_, _, seq)| !log.contains_key(seq))
            .count();
        let unindexed = expected_log.difference(&log_of).count();
        if dangling > 0 || unindexed > 0 {
            c.problems.push(format!(
                "the audit log's per-record indexes have {dangling} entries pointing nowhere \
                 and miss {unindexed}"
            ));
            wrong.log_index = true;
        }

        // Stored search keys: one record per client and network, labelled
        // as the records read now.
        if meta.contains_key(&keys::meta(MARK)) {
            let mut bad = 0;
            for cl in clients.values() {
                let want: Vec<String> = Entry::of_client(cl)
                    .iter()
                    .map(|e| e.label().to_string())
                    .collect();
                let have = search.remove(&(keys::SEARCH_CLIENT, cl.id.0));
                let labels: Option<Vec<String>> =
                    have.map(|r| r.0.iter().map(|e| e.label.clone()).collect());
                if labels.as_ref() != Some(&want) {
                    bad += 1;
                }
            }
            for n in networks.values() {
                let owner = clients.get(&n.client).map_or("", |c| c.display_name());
                let want = Entry::network(n, owner).label().to_string();
                let have = search.remove(&(keys::SEARCH_NETWORK, n.id.0));
                if have.and_then(|r| r.0.first().map(|e| e.label.clone())) != Some(want) {
                    bad += 1;
                }
            }
            if bad > 0 || !search.is_empty() {
                c.problems.push(format!(
                    "fuzzy-jump keys: {bad} records have none or stale ones, {} belong to no record",
                    search.len()
                ));
                wrong.search = true;
            }
        }

        // Counters past every id.
        let counter = |name: &str| {
            meta.get(&keys::meta(name))
                .map(|v| codec::decode_u64(v).unwrap_or(0))
                .unwrap_or(1)
        };
        let highest_id = clients
            .keys()
            .map(|c| c.0)
            .chain(networks.keys().map(|n| n.0))
            .chain(findings.keys().map(|(_, f)| *f))
            .max()
            .unwrap_or(0);
        if counter("next_id") <= highest_id {
            c.problems.push(format!(
                "the id counter ({}) is not past the highest id ({highest_id})",
                counter("next_id")
            ));
            wrong.counters = true;
        }
        let highest_seq = log.keys().max().copied().unwrap_or(0);
        if counter("log_seq") <= highest_seq {
            c.problems.push(format!(
                "the log counter ({}) is not past the newest entry ({highest_seq})",
                counter("log_seq")
            ));
            wrong.counters = true;
        }
        Ok((c, wrong))
    }

    fn stage_client_networks(&self, batch: &mut sled::Batch) -> Result<()> {
        for kv in self.tree().scan_prefix([keys::CLIENT_NETWORK]) {
            let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
            batch.remove(k);
        }
        for n in self.scan_readable::<Network>(keys::NETWORK)? {
            batch.insert(&keys::client_network(n.client, n.id), n.name.as_bytes());
        }
        Ok(())
    }

    fn stage_log_index(&self, batch: &mut sled::Batch) -> Result<()> {
        let entries = self.scan_readable::<LogEntry>(keys::LOG)?;
        let seqs: BTreeSet<u64> = entries.iter().map(|e| e.seq).collect();
        for prefix in [
            keys::LOG_OF_CLIENT,
            keys::LOG_OF_NETWORK,
            keys::LOG_OF_FINDINGS,
        ] {
            for kv in self.tree().scan_prefix([prefix]) {
                let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
                // Import entries are indexed under every imported record:
                // those that point at an entry stay.
                if keys::tail_id(&k).is_none_or(|seq| !seqs.contains(&seq)) {
                    batch.remove(k);
                }
            }
        }
        for e in &entries {
            if let Some(client) = e.client {
                batch.insert(&keys::log_of(keys::LOG_OF_CLIENT, client.0, e.seq), &[]);
            }
            if let Some(network) = e.network {
                batch.insert(&keys::log_of(super::log_index_of(e), network.0, e.seq), &[]);
            }
        }
        Ok(())
    }

    fn stage_counters(&self, batch: &mut sled::Batch) -> Result<()> {
        let highest_id = self
            .scan_readable::<Client>(keys::CLIENT)?
            .iter()
            .map(|c| c.id.0)
            .chain(
                self.scan_readable::<Network>(keys::NETWORK)?
                    .iter()
                    .map(|n| n.id.0),
            )
            .chain(
                self.scan_readable::<StoredFinding>(keys::FINDING)?
                    .iter()
                    .map(|f| f.id().0),
            )
            .max()
            .unwrap_or(0);
        let next = self
            .get(&keys::meta("next_id"))?
            .and_then(|v| codec::decode_u64(&v).ok())
            .unwrap_or(1)
            .max(highest_id + 1);
        batch.insert(keys::meta("next_id"), &codec::encode_u64(next));
        let highest_seq = self
            .tree()
            .scan_prefix([keys::LOG])
            .next_back()
            .and_then(|kv| kv.ok())
            .and_then(|(k, _)| keys::tail_id(&k))
            .unwrap_or(0);
        let seq = self
            .get(&keys::meta("log_seq"))?
            .and_then(|v| codec::decode_u64(&v).ok())
            .unwrap_or(1)
            .max(highest_seq + 1);
        batch.insert(keys::meta("log_seq"), &codec::encode_u64(seq));
        Ok(())
    }

    /// Drops the findings and extension choices of networks that do not
    /// exist, gives each finding its network's client, and rebuilds the
    /// index of findings by id. Returns how many records were dropped and
    /// whether anything else was rewritten.
    fn stage_findings_repair(&self, batch: &mut sled::Batch) -> Result<(usize, bool)> {
        let clients: HashMap<NetworkId, ClientId> = self
            .scan_readable::<Network>(keys::NETWORK)?
            .into_iter()
            .map(|n| (n.id, n.client))
            .collect();
        let mut dropped = 0;
        let mut fixed = false;
        for kv in self.tree().scan_prefix([keys::FINDING_OF]) {
            let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
            batch.remove(k);
        }
        for kv in self.tree().scan_prefix([keys::FINDING]) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            let Ok(mut f) = codec::decode::<StoredFinding>(&v) else {
                continue;
            };
            match clients.get(&f.network) {
                None => {
                    batch.remove(k);
                    dropped += 1;
                }
                Some(client) => {
                    if f.client != *client {
                        f.client = *client;
                        batch.insert(k, codec::encode(&f));
                    }
                    batch.insert(
                        &keys::id(keys::FINDING_OF, f.id().0),
                        &codec::encode_u64(f.network.0),
                    );
                    fixed = true;
                }
            }
        }
        for kv in self.tree().scan_prefix([keys::GAP_EXTENSIONS]) {
            let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
            if keys::tail_id(&k).is_none_or(|n| !clients.contains_key(&NetworkId(n))) {
                batch.remove(k);
                dropped += 1;
            }
        }
        Ok((dropped, fixed))
    }

    /// The records of a kind that decode (a repair works around the
    /// damaged ones, which the check names).
    pub(super) fn scan_readable<R: Record>(&self, prefix: u8) -> Result<Vec<R>> {
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix([prefix]) {
            let (_, v) = kv.map_err(|e| db_error(&self.path, e))?;
            if let Ok(r) = codec::decode(&v) {
                out.push(r);
            }
        }
        Ok(out)
    }
}
