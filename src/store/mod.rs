//! The case store: every read and write of the database goes through the
//! [`CaseStore`] trait, so a daemon can stand in front of it without its
//! callers changing.

pub mod audit;
pub mod backup;
pub mod codec;
pub mod sled_store;

use chrono::NaiveDate;

use crate::domain::gaps::{ExtensionChoice, Finding, FindingId, FindingStatus};
use crate::domain::model::NewClient;
use crate::domain::model::{Client, ClientId, Level, Network, NetworkId};
use crate::domain::timeline::DueKind;
use crate::error::Result;

pub use sled_store::{Acting, SledStore};

/// One open obligation, as the due-date index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub client: ClientId,
    pub network: NetworkId,
    pub kind: DueKind,
    pub due: NaiveDate,
    pub level: Level,
    /// The highest level the open answers could lead to; `level` when
    /// none could raise it.
    pub max_level: Level,
}

impl From<&codec::DueRecord> for DueItem {
    fn from(r: &codec::DueRecord) -> DueItem {
        DueItem {
            client: r.client,
            network: r.network,
            kind: r.kind,
            due: r.due,
            level: r.level,
            max_level: r.max_level,
        }
    }
}

impl From<&DueItem> for codec::DueRecord {
    fn from(d: &DueItem) -> codec::DueRecord {
        codec::DueRecord {
            network: d.network,
            client: d.client,
            kind: d.kind,
            due: d.due,
            level: d.level,
            max_level: d.max_level,
        }
    }
}

/// What `mlps doctor` found: how much it read, what is wrong, and what a
/// repair rebuilt.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkup {
    pub clients: u64,
    pub networks: u64,
    #[serde(default)]
    pub findings: u64,
    pub log_entries: u64,
    pub index_entries: u64,
    /// One line per problem; empty when the database is sound.
    pub problems: Vec<String>,
    /// What a repair rebuilt (the problems are those left after it).
    pub repaired: Vec<String>,
}

/// A finding as the store keeps it: a record of its own under its
/// network, with a revision of its own so that a write based on an old
/// copy is refused like a network's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    pub network: NetworkId,
    /// The network's client; the store fills it in.
    pub client: ClientId,
    /// 1 when created; every write adds one.
    pub revision: u64,
    pub finding: Finding,
}

impl StoredFinding {
    /// A finding to create under `network` (the store gives it its id,
    /// client and revision).
    pub fn new(network: NetworkId, finding: Finding) -> StoredFinding {
        StoredFinding {
            network,
            client: ClientId(0),
            revision: 0,
            finding,
        }
    }

    pub fn id(&self) -> FindingId {
        self.finding.id
    }
}

/// What an import created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub clients: usize,
    pub networks: usize,
    pub findings: usize,
}

/// The database, as every part of the product sees it. Every write returns
/// only after the store has flushed it to disk.
pub trait CaseStore: Send + Sync {
    /// Every client, in id order.
    fn clients(&self) -> Result<Vec<Client>>;
    fn client(&self, id: ClientId) -> Result<Option<Client>>;
    /// The networks of one client, in id order.
    fn networks_of(&self, client: ClientId) -> Result<Vec<Network>>;
    /// Every network, in id order.
    fn networks(&self) -> Result<Vec<Network>>;
    fn network(&self, id: NetworkId) -> Result<Option<Network>>;

    /// Creates a client; the store assigns the id and revision 1.
    fn create_client(&self, client: Client) -> Result<Client>;
    /// Replaces a client. `client.revision` is the revision the edit was
    /// based on; a stale one is refused.
    fn update_client(&self, client: Client) -> Result<Client>;
    /// Deletes a client and all its networks. `revision`, when given, is
    /// the revision the deletion was based on; a stale one is refused.
    fn delete_client(&self, id: ClientId, revision: Option<u64>) -> Result<()>;

    /// Creates a network of an existing client.
    fn create_network(&self, network: Network) -> Result<Network>;
    /// Replaces a network, refusing a stale revision.
    fn update_network(&self, network: Network) -> Result<Network>;
    /// Deletes a network, refusing a stale `revision` when one is given.
    fn delete_network(&self, id: NetworkId, revision: Option<u64>) -> Result<()>;
    /// Puts a deleted network back under its old id (undo of a delete).
    fn restore_network(&self, network: Network) -> Result<Network>;

    /// Creates all the clients and networks, or nothing.
    fn import(&self, clients: Vec<NewClient>) -> Result<ImportSummary>;

    /// The findings of a network, in id order.
    fn findings_of(&self, network: NetworkId) -> Result<Vec<StoredFinding>>;
    /// Every finding, by network (for an export).
    fn all_findings(&self) -> Result<Vec<StoredFinding>>;
    /// Every network's own choice of extension sets (for an export).
    fn all_gap_extensions(&self) -> Result<Vec<(NetworkId, ExtensionChoice)>>;
    fn finding(&self, id: FindingId) -> Result<Option<StoredFinding>>;
    /// Creates a finding under an existing network; the store assigns the
    /// id and revision 1.
    fn create_finding(&self, finding: StoredFinding) -> Result<StoredFinding>;
    /// Replaces a finding, refusing a stale revision. A finding stays
    /// under its network.
    fn update_finding(&self, finding: StoredFinding) -> Result<StoredFinding>;
    /// Deletes a finding, refusing a stale `revision` when one is given.
    fn delete_finding(&self, id: FindingId, revision: Option<u64>) -> Result<()>;
    /// Moves every finding of `ids` to `status` on `date` (recorded in
    /// each one's history), all of them or none.
    fn set_finding_status(
        &self,
        ids: &[FindingId],
        status: FindingStatus,
        date: NaiveDate,
    ) -> Result<Vec<StoredFinding>>;
    /// Adds the findings to a network under new ids, replacing the ones it
    /// has when `replace`; all or nothing. Returns how many were added.
    fn import_findings(
        &self,
        network: NetworkId,
        findings: Vec<Finding>,
        replace: bool,
    ) -> Result<usize>;
    /// The network's own choice of extension sets (empty when it kept the
    /// defaults its answers give).
    fn gap_extensions(&self, network: NetworkId) -> Result<ExtensionChoice>;
    fn set_gap_extensions(&self, network: NetworkId, choice: ExtensionChoice) -> Result<()>;

    /// Open obligations due on or before `until` (overdue ones included),
    /// by date.
    fn due_until(&self, until: NaiveDate) -> Result<Vec<DueItem>>;

    /// Audit log entries, oldest first: who changed what, and when.
    fn log(&self, query: &audit::LogQuery) -> Result<Vec<audit::LogEntry>>;

    /// Fuzzy jump: the best `limit` clients, contacts and networks for
    /// `query` (see [`crate::domain::search`]). An empty query finds nothing, and
    /// makes the store ready for the next one.
    fn search(&self, query: &str, limit: usize) -> Result<Vec<crate::domain::search::Hit>>;

    /// [`due_named_until`](CaseStore::due_named_until) handed to `visit`
    /// row by row (item, client's display name, Chinese name, network's
    /// name), in the same order, without collecting them: what the daemon
    /// sends `mlps renewals` is built from its index without copying each
    /// name on its own.
    fn visit_due_named(
        &self,
        until: NaiveDate,
        renewals_only: bool,
        visit: &mut dyn FnMut(&DueItem, &str, &str, &str),
    ) -> Result<()> {
        for n in self.due_named_until(until, renewals_only)? {
            visit(&n.item, &n.client, &n.client_zh, &n.network);
        }
        Ok(())
    }

    /// [`due_until`](CaseStore::due_until) with each item's client and
    /// network names, in one call (one round trip through a daemon).
    fn due_named_until(&self, until: NaiveDate, renewals_only: bool) -> Result<Vec<NamedDue>> {
        let mut clients: std::collections::HashMap<ClientId, (String, String)> = Default::default();
        let mut networks: std::collections::HashMap<NetworkId, String> = Default::default();
        let mut out = Vec::new();
        for item in self.due_until(until)? {
            if renewals_only && !item.kind.is_renewal() {
                continue;
            }
            use std::collections::hash_map::Entry;
            if let Entry::Vacant(slot) = clients.entry(item.client) {
                let names = self
                    .client(item.client)?
                    .map(|c| (c.display_name().to_string(), c.name_zh));
                slot.insert(names.unwrap_or_default());
            }
            if let Entry::Vacant(slot) = networks.entry(item.network) {
                slot.insert(
                    self.network(item.network)?
                        .map(|n| n.name)
                        .unwrap_or_default(),
                );
            }
            let (client, client_zh) = clients[&item.client].clone();
            out.push(NamedDue {
                client,
                client_zh,
                network: networks[&item.network].clone(),
                item,
            });
        }
        Ok(out)
    }
}

/// Keeping a database sound and copied: its checkup, backups, restores
/// and its own id. Apart from [`CaseStore`], which is what the case manager
/// and the case commands use.
pub trait Maintenance: Send + Sync {
    /// Checks that every record decodes and every index agrees with the
    /// records, changing nothing; with `repair`, rebuilds the indexes found
    /// wrong first.
    fn doctor(&self, repair: bool) -> Result<Checkup>;

    /// Every stored key and value at one moment, in key order, handed to
    /// `page` a few megabytes at a time (`mlps backup`).
    fn backup(&self, page: &mut dyn FnMut(backup::Pairs) -> Result<()>) -> Result<()>;

    /// Replaces the whole database with a backup's pairs, in one atomic
    /// write, copying what was there first (`mlps restore`); refused while
    /// the database holds clients unless `replace`.
    fn restore(
        &self,
        pairs: backup::Pairs,
        replace: bool,
        note: &str,
    ) -> Result<backup::RestoreSummary>;

    /// The database's own id, kept with its records.
    fn database_id(&self) -> Result<String>;
}

/// A whole database: its cases and their upkeep, as the daemon and the
/// command line hold it.
pub trait Database: CaseStore + Maintenance {}

impl<T: CaseStore + Maintenance> Database for T {}

/// An open obligation with the names to show it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedDue {
    pub item: DueItem,
    /// The client's display name (English, else Chinese).
    pub client: String,
    /// The client's Chinese name; empty when it has none.
    pub client_zh: String,
    pub network: String,
}

/// Whether `dir` holds a database. One this user may not look into
/// counts as there: opening it then says whose it is.
pub fn exists(dir: &std::path::Path) -> bool {
    match std::fs::metadata(dir.join("store")) {
        Ok(m) => m.is_dir(),
        Err(e) => e.kind() == std::io::ErrorKind::PermissionDenied,
    }
}
