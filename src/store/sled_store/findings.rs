//! Findings as records of their own: each under its network's prefix
//! (`keys::finding`), found by id through `keys::FINDING_OF`, with a
//! revision of its own, logged like every other change, and removed with
//! their network.

use chrono::NaiveDate;

use super::{Acting, SledStore, damaged, db_error};
use crate::domain::gaps::{ExtensionChoice, Finding, FindingId, FindingStatus};
use crate::domain::model::{Network, NetworkId};
use crate::error::{Error, Missing, Result};
use crate::store::StoredFinding;
use crate::store::audit::{Action, Actor, GAP_LIST, LogEntry};
use crate::store::codec::{self, keys};

pub use crate::domain::gaps::finding::MAX_FINDINGS;

impl SledStore {
    pub(super) fn read_findings_of(&self, network: NetworkId) -> Result<Vec<StoredFinding>> {
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix(keys::findings_of(network)) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            out.push(codec::decode(&v).map_err(|e| damaged(&self.path, &k, e))?);
        }
        Ok(out)
    }

    pub(super) fn read_all_findings(&self) -> Result<Vec<StoredFinding>> {
        self.scan(keys::FINDING)
    }

    pub(super) fn read_all_gap_extensions(&self) -> Result<Vec<(NetworkId, ExtensionChoice)>> {
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix([keys::GAP_EXTENSIONS]) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            let choice = codec::decode(&v).map_err(|e| damaged(&self.path, &k, e))?;
            out.extend(keys::tail_id(&k).map(|n| (NetworkId(n), choice)));
        }
        Ok(out)
    }

    /// The network a finding is under, by the finding's id.
    fn network_of_finding(&self, id: FindingId) -> Result<Option<NetworkId>> {
        let key = keys::id(keys::FINDING_OF, id.0);
        match self.get(&key)? {
            Some(v) => codec::decode_u64(&v)
                .map(|n| Some(NetworkId(n)))
                .map_err(|e| damaged(&self.path, &key, e)),
            None => Ok(None),
        }
    }

    pub(super) fn read_finding(&self, id: FindingId) -> Result<Option<StoredFinding>> {
        match self.network_of_finding(id)? {
            Some(network) => self.read(&keys::finding(network, id)),
            None => Ok(None),
        }
    }

    pub(super) fn read_gap_extensions(&self, network: NetworkId) -> Result<ExtensionChoice> {
        Ok(self
            .read(&keys::id(keys::GAP_EXTENSIONS, network.0))?
            .unwrap_or_default())
    }

    fn validated_finding(mut f: Finding) -> Result<Finding> {
        f.validate()
            .map_err(|e| Error::input(format!("finding {e}")))?;
        Ok(f)
    }

    pub(super) fn stage_finding(batch: &mut sled::Batch, f: &StoredFinding) {
        batch.insert(&keys::finding(f.network, f.id()), codec::encode(f));
        batch.insert(
            &keys::id(keys::FINDING_OF, f.id().0),
            &codec::encode_u64(f.network.0),
        );
    }

    fn stage_finding_removal(batch: &mut sled::Batch, network: NetworkId, id: FindingId) {
        batch.remove(&keys::finding(network, id));
        batch.remove(&keys::id(keys::FINDING_OF, id.0));
    }

    /// Removes a network's findings and extension choice with it;
    /// returns how many findings went.
    pub(super) fn stage_gaps_removal(
        &self,
        batch: &mut sled::Batch,
        network: NetworkId,
    ) -> Result<usize> {
        let mut n = 0;
        for kv in self.tree().scan_prefix(keys::findings_of(network)) {
            let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
            if let Some(id) = keys::tail_id(&k) {
                Self::stage_finding_removal(batch, network, FindingId(id));
                n += 1;
            }
        }
        batch.remove(&keys::id(keys::GAP_EXTENSIONS, network.0));
        Ok(n)
    }

    fn existing_network(&self, id: NetworkId) -> Result<Network> {
        self.network_record(id)?.ok_or_else(|| {
            Error::not_found(
                Missing::Network(id.0),
                format!("network {} does not exist", id.0),
            )
        })
    }

    fn network_record(&self, id: NetworkId) -> Result<Option<Network>> {
        self.read(&keys::id(keys::NETWORK, id.0))
    }

    fn missing_finding(id: FindingId) -> Error {
        Error::gone(
            Missing::Finding(id.0),
            format!("finding {} no longer exists", id.0),
        )
    }
}

fn finding_entry(
    actor: &Actor,
    action: Action,
    client_name: String,
    network: &Network,
    before: Option<&StoredFinding>,
    after: Option<&StoredFinding>,
) -> LogEntry {
    let f = after.or(before);
    LogEntry {
        client: Some(network.client),
        client_name,
        network: Some(network.id),
        network_name: network.name.clone(),
        finding: f.map(|f| f.id()),
        before: before.map(codec::encode),
        after: after.map(codec::encode),
        ..super::database_entry(actor, action, String::new())
    }
}

/// A change to a network's gap data that is no finding (an import of a
/// gap list, the extension sets), said in its note.
fn network_note(
    actor: &Actor,
    action: Action,
    client_name: String,
    n: &Network,
    note: String,
) -> LogEntry {
    LogEntry {
        client: Some(n.client),
        client_name,
        network: Some(n.id),
        network_name: n.name.clone(),
        finding: Some(GAP_LIST),
        ..super::database_entry(actor, action, note)
    }
}

impl Acting<'_> {
    pub(super) fn add_finding(&self, f: StoredFinding) -> Result<StoredFinding> {
        let store = self.store;
        let finding = SledStore::validated_finding(f.finding)?;
        let _guard = store.lock();
        let network = store.existing_network(f.network)?;
        if store.read_findings_of(network.id)?.len() >= MAX_FINDINGS {
            return Err(Error::input(format!(
                "network {:?} has {MAX_FINDINGS} findings, the most one network may hold",
                network.name
            )));
        }
        let mut batch = sled::Batch::default();
        let mut stored = StoredFinding {
            network: network.id,
            client: network.client,
            revision: 1,
            finding,
        };
        stored.finding.id = FindingId(store.next_ids(&mut batch, 1, 1)?);
        SledStore::stage_finding(&mut batch, &stored);
        let name = store.client_name(network.client)?;
        let entry = finding_entry(
            self.actor,
            Action::Created,
            name,
            &network,
            None,
            Some(&stored),
        );
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        Ok(stored)
    }

    pub(super) fn change_finding(&self, f: StoredFinding) -> Result<StoredFinding> {
        let store = self.store;
        let id = f.id();
        let finding = SledStore::validated_finding(f.finding)?;
        let _guard = store.lock();
        let stored = store
            .read_finding(id)?
            .ok_or_else(|| SledStore::missing_finding(id))?;
        if stored.revision != f.revision {
            let last = store.last_entry(keys::LOG_OF_FINDINGS, stored.network.0)?;
            return Err(store.stale(
                "finding",
                &format!("{} ({})", id.0, stored.finding.control_point),
                f.revision,
                stored.revision,
                last,
            ));
        }
        let network = store.existing_network(stored.network)?;
        let new = StoredFinding {
            network: stored.network,
            client: network.client,
            revision: stored.revision + 1,
            finding,
        };
        let mut batch = sled::Batch::default();
        SledStore::stage_finding(&mut batch, &new);
        let name = store.client_name(network.client)?;
        let entry = finding_entry(
            self.actor,
            Action::Updated,
            name,
            &network,
            Some(&stored),
            Some(&new),
        );
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        Ok(new)
    }

    pub(super) fn remove_finding(&self, id: FindingId, revision: Option<u64>) -> Result<()> {
        let store = self.store;
        let _guard = store.lock();
        let Some(stored) = store.read_finding(id)? else {
            return Ok(());
        };
        if let Some(based_on) = revision
            && based_on != stored.revision
        {
            let last = store.last_entry(keys::LOG_OF_FINDINGS, stored.network.0)?;
            return Err(store.stale(
                "finding",
                &format!("{} ({})", id.0, stored.finding.control_point),
                based_on,
                stored.revision,
                last,
            ));
        }
        let mut batch = sled::Batch::default();
        SledStore::stage_finding_removal(&mut batch, stored.network, id);
        if let Some(network) = store.network_record(stored.network)? {
            let name = store.client_name(network.client)?;
            let entry = finding_entry(
                self.actor,
                Action::Deleted,
                name,
                &network,
                Some(&stored),
                None,
            );
            store.stage_log(&mut batch, vec![entry])?;
        }
        store.commit(batch)?;
        Ok(())
    }

    pub(super) fn finding_status(
        &self,
        ids: &[FindingId],
        status: FindingStatus,
        date: NaiveDate,
    ) -> Result<Vec<StoredFinding>> {
        let store = self.store;
        let _guard = store.lock();
        let mut batch = sled::Batch::default();
        let mut entries = Vec::new();
        let mut out = Vec::with_capacity(ids.len());
        let mut seen = std::collections::HashSet::new();
        let mut networks: std::collections::HashMap<NetworkId, (Network, String)> =
            Default::default();
        for id in ids {
            if !seen.insert(*id) {
                continue;
            }
            let stored = store
                .read_finding(*id)?
                .ok_or_else(|| SledStore::missing_finding(*id))?;
            if stored.finding.status == status {
                out.push(stored);
                continue;
            }
            let mut new = stored.clone();
            new.finding.set_status(status, date).map_err(|e| {
                Error::input(format!("finding {}: {e}; no status was changed", id.0))
            })?;
            new.revision += 1;
            if let std::collections::hash_map::Entry::Vacant(slot) = networks.entry(stored.network)
            {
                let network = store.existing_network(stored.network)?;
                let name = store.client_name(network.client)?;
                slot.insert((network, name));
            }
            let (network, name) = &networks[&stored.network];
            new.client = network.client;
            SledStore::stage_finding(&mut batch, &new);
            entries.push(finding_entry(
                self.actor,
                Action::Updated,
                name.clone(),
                network,
                Some(&stored),
                Some(&new),
            ));
            out.push(new);
        }
        if !entries.is_empty() {
            store.stage_log(&mut batch, entries)?;
            store.commit(batch)?;
        }
        Ok(out)
    }

    pub(super) fn add_findings(
        &self,
        network: NetworkId,
        findings: Vec<Finding>,
        replace: bool,
    ) -> Result<usize> {
        let store = self.store;
        let mut clean = Vec::with_capacity(findings.len());
        for (i, f) in findings.into_iter().enumerate() {
            clean.push(SledStore::validated_finding(f).map_err(|e| {
                Error::input(format!(
                    "at findings[{i}]: {}; nothing was imported",
                    e.message()
                ))
            })?);
        }
        let _guard = store.lock();
        let network = store.existing_network(network)?;
        let mut batch = sled::Batch::default();
        let removed = if replace {
            let n = store.read_findings_of(network.id)?.len();
            for f in store.read_findings_of(network.id)? {
                SledStore::stage_finding_removal(&mut batch, network.id, f.id());
            }
            n
        } else {
            0
        };
        let kept = if replace {
            0
        } else {
            store.read_findings_of(network.id)?.len()
        };
        if kept + clean.len() > MAX_FINDINGS {
            return Err(Error::input(format!(
                "network {:?} would hold {} findings, more than the {MAX_FINDINGS} one network may hold; \
                 nothing was imported",
                network.name,
                kept + clean.len()
            )));
        }
        let count = clean.len();
        let first = store.next_ids(&mut batch, count as u64, 1)?;
        for (next, finding) in (first..).zip(clean) {
            let mut f = StoredFinding {
                network: network.id,
                client: network.client,
                revision: 1,
                finding,
            };
            f.finding.id = FindingId(next);
            SledStore::stage_finding(&mut batch, &f);
        }
        let name = store.client_name(network.client)?;
        let mut note = format!(
            "{} imported",
            crate::text::counted(count, "finding", "findings")
        );
        if replace {
            note.push_str(&format!(
                ", replacing {}",
                crate::text::counted(removed, "finding", "findings")
            ));
        }
        let entry = network_note(self.actor, Action::Imported, name, &network, note);
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        Ok(count)
    }

    pub(super) fn choose_gap_extensions(
        &self,
        network: NetworkId,
        choice: ExtensionChoice,
    ) -> Result<()> {
        let store = self.store;
        let _guard = store.lock();
        let network = store.existing_network(network)?;
        let before = store.read_gap_extensions(network.id)?;
        if before == choice {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        let key = keys::id(keys::GAP_EXTENSIONS, network.id.0);
        if choice == ExtensionChoice::default() {
            batch.remove(&key);
        } else {
            batch.insert(&key, codec::encode(&choice));
        }
        let list = |set: &std::collections::BTreeSet<crate::domain::gaps::Extension>| {
            set.iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let note = format!(
            "extension sets: added [{}], removed [{}]",
            list(&choice.added),
            list(&choice.removed)
        );
        let name = store.client_name(network.client)?;
        let entry = network_note(self.actor, Action::Updated, name, &network, note);
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        Ok(())
    }
}
