//! Imports, all or nothing: up to [`ONE_BATCH_MAX`] clients in one batch;
//! more through a staging tree ([`super::staging`]), [`IMPORT_CHUNK`]
//! clients at a time, so neither the daemon nor sled holds the whole
//! import at once.

use super::{Acting, staging::Staging};
use super::{SledStore, findings, keys};
use crate::domain::gaps::{ExtensionChoice, FindingId};
use crate::domain::model::{Client, ClientId, NetworkId, NewClient};
use crate::domain::search::Entry;
use crate::error::{Error, Result};
use crate::store::audit::{Action, LogEntry};
use crate::store::codec;
use crate::store::{ImportSummary, StoredFinding};

/// The most clients an import writes in one batch.
pub const ONE_BATCH_MAX: usize = 100;
/// How many clients a larger import sends, and stages, at a time.
pub const IMPORT_CHUNK: usize = 4;

/// What a larger import says before its first chunk, so that its records
/// take the ids one batch of them would: clients and networks first,
/// findings after them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportPlan {
    /// Clients and networks without an id.
    pub records: u64,
    /// Findings without an id.
    pub findings: u64,
    /// The highest id given in the import (0 when none is).
    pub highest: u64,
}

impl ImportPlan {
    pub fn of(clients: &[NewClient]) -> ImportPlan {
        let mut plan = ImportPlan::default();
        for c in clients {
            match c.id {
                Some(id) => plan.highest = plan.highest.max(id.0),
                None => plan.records += 1,
            }
            for n in &c.networks {
                match n.id {
                    Some(id) => plan.highest = plan.highest.max(id.0),
                    None => plan.records += 1,
                }
                for f in &n.findings {
                    match f.id.0 {
                        0 => plan.findings += 1,
                        id => plan.highest = plan.highest.max(id),
                    }
                }
            }
        }
        plan
    }
}

/// The ids an import hands out, and what it wrote.
struct Run {
    next: u64,
    /// Where the findings' ids start (the records' end).
    first_finding: u64,
    next_finding: u64,
    end: u64,
    summary: ImportSummary,
    imported: Vec<(ClientId, Vec<NetworkId>)>,
}

impl Run {
    fn new(next: u64, plan: ImportPlan) -> Run {
        let first_finding = next + plan.records;
        Run {
            next,
            first_finding,
            next_finding: first_finding,
            end: first_finding + plan.findings,
            summary: ImportSummary::default(),
            imported: Vec::new(),
        }
    }

    fn record_id(&mut self) -> Result<u64> {
        if self.next >= self.first_finding {
            return Err(unannounced());
        }
        self.next += 1;
        Ok(self.next - 1)
    }

    fn finding_id(&mut self) -> Result<u64> {
        if self.next_finding >= self.end {
            return Err(unannounced());
        }
        self.next_finding += 1;
        Ok(self.next_finding - 1)
    }
}

fn unannounced() -> Error {
    Error::protocol(
        "the import holds more records without an id than it announced: nothing was imported",
    )
}

fn taken(message: String, clients: Vec<u64>, networks: Vec<u64>) -> Error {
    Error::Taken(Box::new(crate::error::Taken {
        message,
        clients,
        networks,
    }))
}

/// An import under way: the chunks so far, in a staging tree.
pub struct StagedImport {
    staging: Staging,
    run: Run,
    highest: u64,
}

impl SledStore {
    /// Starts a larger import: reserves the ids `plan` needs (given ids
    /// stay free of them) and opens its staging tree.
    pub fn begin_import(&self, plan: ImportPlan) -> Result<StagedImport> {
        let next = {
            let _guard = self.lock();
            let mut batch = sled::Batch::default();
            let next = self.next_ids(
                &mut batch,
                plan.records.saturating_add(plan.findings),
                plan.highest.saturating_add(1),
            )?;
            self.commit(batch)?;
            next
        };
        Ok(StagedImport {
            staging: self.staging()?,
            run: Run::new(next, plan),
            highest: plan.highest,
        })
    }
}

impl Acting<'_> {
    /// `CaseStore::import`: one batch, or a staged import in chunks.
    pub(super) fn import_clients(&self, clients: Vec<NewClient>) -> Result<ImportSummary> {
        if clients.len() <= ONE_BATCH_MAX {
            return self.import_one_batch(clients);
        }
        let mut staged = self.store.begin_import(ImportPlan::of(&clients))?;
        let mut clients = clients.into_iter().peekable();
        while clients.peek().is_some() {
            let chunk: Vec<NewClient> = clients.by_ref().take(IMPORT_CHUNK).collect();
            self.stage_import(&mut staged, chunk)?;
        }
        self.commit_import(staged)
    }

    fn import_one_batch(&self, clients: Vec<NewClient>) -> Result<ImportSummary> {
        let store = self.store;
        let _guard = store.lock();
        // Given ids must be new to the database, and given once; nothing
        // is overwritten.
        let mut given = std::collections::HashSet::new();
        for (ci, c) in clients.iter().enumerate() {
            check_given(ci, c, |key| {
                taken_where(&mut given, key, || Ok(store.get(key)?.is_some()))
            })?;
        }
        let plan = ImportPlan::of(&clients);
        let mut batch = sled::Batch::default();
        let next = store.next_ids(
            &mut batch,
            plan.records + plan.findings,
            plan.highest.saturating_add(1),
        )?;
        let mut run = Run::new(next, plan);
        let found = self.stage_clients(&mut batch, clients, &mut run)?;
        debug_assert_eq!((run.next, run.next_finding), (run.first_finding, run.end));
        let seq = store.stage_log(&mut batch, vec![self.import_entry(&run.summary)])?;
        for (client, networks) in &run.imported {
            batch.insert(&keys::log_of(keys::LOG_OF_CLIENT, client.0, seq), &[]);
            for n in networks {
                batch.insert(&keys::log_of(keys::LOG_OF_NETWORK, n.0, seq), &[]);
            }
        }
        store.commit(batch)?;
        // Built again from disk when next asked for.
        store.forget_memory();
        store.remember_search(|index| found.into_iter().for_each(|e| drop(index.insert(e))));
        Ok(run.summary)
    }

    /// Stages the next clients of a larger import. Refused, with nothing
    /// imported, as one batch would be.
    pub fn stage_import(&self, staged: &mut StagedImport, clients: Vec<NewClient>) -> Result<()> {
        let store = self.store;
        let offset = staged.run.summary.clients;
        let mut given = std::collections::HashSet::new();
        for (i, c) in clients.iter().enumerate() {
            let ci = offset + i;
            let highest = staged.highest;
            let staging = &mut staged.staging;
            check_given(ci, c, |key| {
                let id = keys::tail_id(key).unwrap_or(u64::MAX);
                if id > highest {
                    return Err(Error::protocol(format!(
                        "at clients[{ci}]: id {id} is above the highest the import announced \
                         ({highest}): nothing was imported"
                    )));
                }
                // Earlier chunks are in the staging tree.
                if staging.get(key)?.is_some() {
                    return Ok(Some(TWICE));
                }
                taken_where(&mut given, key, || Ok(store.get(key)?.is_some()))
            })?;
        }
        let mut batch = sled::Batch::default();
        let bytes: usize = clients.iter().map(approximate_bytes).sum();
        // The search index is loaded again after the switch.
        let _ = self.stage_clients(&mut batch, clients, &mut staged.run)?;
        staged.staging.apply(batch, bytes)
    }

    /// Puts a larger import's records beside the database's in one step:
    /// the live records are copied into the staging tree (writers wait
    /// meanwhile), the import's log entry added, and the tree switched in.
    pub fn commit_import(&self, staged: StagedImport) -> Result<ImportSummary> {
        let StagedImport {
            mut staging,
            run,
            highest: _,
        } = staged;
        if run.next != run.first_finding || run.next_finding != run.end {
            return Err(Error::protocol(
                "the import sent fewer records without an id than it announced: nothing was \
                 imported",
            ));
        }
        let store = self.store;
        let _guard = store.lock();
        // Given ids were free when staged; a record put back with its id
        // since (an undone delete) would be overwritten.
        let live = store.tree();
        for prefix in [keys::CLIENT, keys::NETWORK, keys::FINDING_OF] {
            for k in staging.tree()?.scan_prefix([prefix]).keys() {
                let k = k.map_err(|e| super::db_error(&store.path, e))?;
                if live
                    .contains_key(&k)
                    .map_err(|e| super::db_error(&store.path, e))?
                {
                    return Err(taken(
                        format!(
                            "record {k:02x?} was written while the import was sent; nothing \
                             was imported"
                        ),
                        Vec::new(),
                        Vec::new(),
                    ));
                }
            }
        }
        store.copy_live_into(&mut staging)?;
        let mut batch = sled::Batch::default();
        let seq = store.stage_log(&mut batch, vec![self.import_entry(&run.summary)])?;
        staging.apply(batch, 0)?;
        for (client, networks) in &run.imported {
            staging.insert(&keys::log_of(keys::LOG_OF_CLIENT, client.0, seq), &[])?;
            for n in networks {
                staging.insert(&keys::log_of(keys::LOG_OF_NETWORK, n.0, seq), &[])?;
            }
        }
        store.switch_to(staging)?;
        store.forget_memory();
        store.forget_search();
        super::release_memory();
        Ok(run.summary)
    }

    fn import_entry(&self, summary: &ImportSummary) -> LogEntry {
        let note = format!(
            "{} and {}",
            crate::text::counted(summary.clients, "client", "clients"),
            crate::text::counted(summary.networks, "network", "networks")
        );
        super::database_entry(self.actor, Action::Imported, note)
    }

    /// Validates `clients` and adds their records, due dates, findings and
    /// search keys to `batch`, taking ids from `run`. Returns the search
    /// entries written.
    fn stage_clients(
        &self,
        batch: &mut sled::Batch,
        clients: Vec<NewClient>,
        run: &mut Run,
    ) -> Result<Vec<Entry>> {
        let store = self.store;
        let offset = run.summary.clients;
        // What the search keys are computed from, once the records are in.
        let mut named_clients: Vec<Client> = Vec::with_capacity(clients.len());
        let mut named_networks: Vec<(NetworkId, ClientId, String)> = Vec::new();
        for (i, c) in clients.into_iter().enumerate() {
            let ci = offset + i;
            let mut client = SledStore::validated_client(c.client)?;
            client.id = match c.id {
                Some(id) => id,
                None => ClientId(run.record_id()?),
            };
            client.revision = 1;
            batch.insert(&keys::id(keys::CLIENT, client.id.0), codec::encode(&client));
            run.summary.clients += 1;
            run.imported
                .push((client.id, Vec::with_capacity(c.networks.len())));
            named_clients.push(client.clone());
            for (ni, nn) in c.networks.into_iter().enumerate() {
                let mut n = store.validated_network(nn.network)?;
                n.id = match nn.id {
                    Some(id) => id,
                    None => NetworkId(run.record_id()?),
                };
                n.client = client.id;
                n.revision = 1;
                // New networks have no due entries to remove.
                batch.insert(&keys::id(keys::NETWORK, n.id.0), codec::encode(&n));
                batch.insert(&keys::client_network(n.client, n.id), n.name.as_bytes());
                store.stage_due(batch, &n, &[]);
                named_networks.push((n.id, n.client, n.name.clone()));
                run.summary.networks += 1;
                if nn.findings.len() > findings::MAX_FINDINGS {
                    return Err(Error::input(format!(
                        "at clients[{ci}].networks[{ni}].findings: {} findings, more than the {} \
                         one network may hold; nothing was imported",
                        nn.findings.len(),
                        findings::MAX_FINDINGS
                    )));
                }
                for (fi, finding) in nn.findings.into_iter().enumerate() {
                    let mut finding = finding;
                    finding.validate().map_err(|e| {
                        Error::input(format!(
                            "at clients[{ci}].networks[{ni}].findings[{fi}].{}: {}; nothing was imported",
                            e.field, e.message
                        ))
                    })?;
                    if finding.id.0 == 0 {
                        finding.id = FindingId(run.finding_id()?);
                    }
                    let f = StoredFinding {
                        network: n.id,
                        client: n.client,
                        revision: 1,
                        finding,
                    };
                    SledStore::stage_finding(batch, &f);
                    run.summary.findings += 1;
                }
                if let Some(choice) = nn.gap_extensions
                    && choice != ExtensionChoice::default()
                {
                    batch.insert(
                        &keys::id(keys::GAP_EXTENSIONS, n.id.0),
                        codec::encode(&choice),
                    );
                }
                if let Some((_, ids)) = run.imported.last_mut() {
                    ids.push(n.id);
                }
            }
        }
        Ok(store.stage_imported_search(batch, &named_clients, &named_networks))
    }
}

/// Where a given id is taken already.
const IN_DATABASE: &str = "already exists in the database";
const TWICE: &str = "is given twice in the import";

/// Whether the record at `key` is given an id taken already: once before
/// in the import (`given` remembers the keys seen), or in the database
/// (`stored`).
fn taken_where(
    given: &mut std::collections::HashSet<Vec<u8>>,
    key: &[u8],
    stored: impl FnOnce() -> Result<bool>,
) -> Result<Option<&'static str>> {
    if !given.insert(key.to_vec()) {
        return Ok(Some(TWICE));
    }
    Ok(stored()?.then_some(IN_DATABASE))
}

/// Refuses a client whose given ids (its own, its networks', its
/// findings') `taken_at` says are in use, and says where.
fn check_given(
    ci: usize,
    c: &NewClient,
    mut taken_at: impl FnMut(&[u8]) -> Result<Option<&'static str>>,
) -> Result<()> {
    if let Some(id) = c.id
        && let Some(place) = taken_at(&keys::id(keys::CLIENT, id.0))?
    {
        return Err(taken(
            format!(
                "at clients[{ci}].id: client id {} {place}; nothing was imported",
                id.0
            ),
            vec![id.0],
            Vec::new(),
        ));
    }
    for (ni, n) in c.networks.iter().enumerate() {
        if let Some(id) = n.id
            && let Some(place) = taken_at(&keys::id(keys::NETWORK, id.0))?
        {
            return Err(taken(
                format!(
                    "at clients[{ci}].networks[{ni}].id: network id {} {place}; nothing was \
                     imported",
                    id.0
                ),
                Vec::new(),
                vec![id.0],
            ));
        }
        for (fi, f) in n.findings.iter().enumerate() {
            if f.id.0 == 0 {
                continue;
            }
            if let Some(place) = taken_at(&keys::id(keys::FINDING_OF, f.id.0))? {
                return Err(taken(
                    format!(
                        "at clients[{ci}].networks[{ni}].findings[{fi}].id: finding id {} \
                         {place}; nothing was imported",
                        f.id.0
                    ),
                    Vec::new(),
                    Vec::new(),
                ));
            }
        }
    }
    Ok(())
}

/// About how many bytes a client's records take, for the flushes.
fn approximate_bytes(c: &NewClient) -> usize {
    1024 + c
        .networks
        .iter()
        .map(|n| 4096 + 512 * n.findings.len())
        .sum::<usize>()
}
