//! Fuzzy jump in the store: every client, contact and network has its
//! search entry (what it jumps to, its label, its client) stored beside
//! it, in the same batch. The index in memory is loaded from them on the
//! first search, their keys (pinyin included) computed then on every core,
//! and kept in step by every write, so a search never scans the records.
//! The keys themselves are not stored (they were, in format 1 of the
//! records): they are ten times the size of the labels, and sled keeps
//! about as much memory as it has read, for the life of the daemon.

use super::{SledStore, damaged, db_error, release_memory};
use crate::domain::model::{Client, ClientId, Network, NetworkId};
use crate::domain::search::{Entry, Hit, SearchIndex, Target};
use crate::error::Result;
use crate::store::codec::{self, Record, SearchRecord, keys};

/// Set once every record has its stored keys (a database written before
/// they were stored gets them on its first search).
pub(super) const MARK: &str = "search_keys";

/// Records of the older format written again per batch when loading.
const REWRITE_BATCH: usize = 1024;

fn record(entries: &[Entry]) -> Vec<u8> {
    codec::encode(&SearchRecord(entries.iter().map(Entry::stored).collect()))
}

/// `f` over every item, on every core: pinyin for a whole import takes
/// seconds on one.
pub(super) fn on_all_cores<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || items.len() < 256 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(cores);
    std::thread::scope(|scope| {
        let f = &f;
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

impl SledStore {
    /// Stores the keys of a client and its contacts; returns its entries.
    pub(super) fn stage_client_search(&self, batch: &mut sled::Batch, c: &Client) -> Vec<Entry> {
        let entries = Entry::of_client(c);
        batch.insert(&keys::id(keys::SEARCH_CLIENT, c.id.0), record(&entries));
        entries
    }

    /// Stores the keys of a network labelled with its client's name.
    pub(super) fn stage_network_search(
        &self,
        batch: &mut sled::Batch,
        n: &Network,
        client_name: &str,
    ) -> Entry {
        let entry = Entry::network(n, client_name);
        batch.insert(
            &keys::id(keys::SEARCH_NETWORK, n.id.0),
            record(std::slice::from_ref(&entry)),
        );
        entry
    }

    /// Stores already computed entries (an import).
    pub(super) fn stage_entries(&self, batch: &mut sled::Batch, prefix: u8, id: u64, e: &[Entry]) {
        batch.insert(&keys::id(prefix, id), record(e));
    }

    pub(super) fn stage_search_removal(&self, batch: &mut sled::Batch, target: Target) {
        match target {
            Target::Client(c) => batch.remove(&keys::id(keys::SEARCH_CLIENT, c.0)),
            Target::Network(n) => batch.remove(&keys::id(keys::SEARCH_NETWORK, n.0)),
            Target::Contact { .. } => {}
        }
    }

    /// Brings the index in memory in step after a write; the caller holds
    /// the writer lock and the write is on disk.
    pub(super) fn remember_search(&self, change: impl FnOnce(&mut SearchIndex)) {
        let mut index = self.search.write().unwrap_or_else(|p| p.into_inner());
        if let Some(index) = index.as_mut() {
            change(index);
        }
    }

    /// Puts a client's entries in the index in place of its old ones; its
    /// networks' entries are replaced by `networks` when given.
    pub(super) fn remember_client_search(
        &self,
        id: ClientId,
        entries: Vec<Entry>,
        networks: Option<Vec<Entry>>,
    ) {
        self.remember_search(|index| index.replace_client(id, entries, networks));
    }

    /// The best `limit` entries for `query`.
    pub(super) fn search_index(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        {
            let index = self.search.read().unwrap_or_else(|p| p.into_inner());
            if let Some(index) = index.as_ref() {
                return Ok(index.search(query, limit));
            }
        }
        // Loaded under the writer lock, so no write slips in between.
        let _guard = self.lock();
        let mut index = self.search.write().unwrap_or_else(|p| p.into_inner());
        if index.is_none() {
            *index = Some(self.load_search()?);
            release_memory();
        }
        Ok(index
            .as_ref()
            .map_or_else(Vec::new, |i| i.search(query, limit)))
    }

    /// Reads every stored entry and computes its keys, on every core; a
    /// database without them (written by an older release, or repaired)
    /// gets them first. Records still in the format that held the keys
    /// too are written again without them (they are ten times the size,
    /// and reading them fills as much of sled's memory).
    fn load_search(&self) -> Result<SearchIndex> {
        if self.get(&keys::meta(MARK))?.is_none() {
            self.write_all_search_keys()?;
        }
        let mut stored = Vec::new();
        let mut rewrite = sled::Batch::default();
        let mut old = 0usize;
        for prefix in [keys::SEARCH_CLIENT, keys::SEARCH_NETWORK] {
            for kv in self.tree().scan_prefix([prefix]) {
                let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
                let record: SearchRecord =
                    codec::decode(&v).map_err(|e| damaged(&self.path, &k, e))?;
                if codec::format_of(&v) != Some(<SearchRecord as Record>::VERSION) {
                    rewrite.insert(k, codec::encode(&record));
                    old += 1;
                    // A few at a time: one batch of every record would
                    // cost sled hundreds of megabytes. Each is whole.
                    if old.is_multiple_of(REWRITE_BATCH) {
                        self.commit(std::mem::take(&mut rewrite))?;
                    }
                }
                stored.extend(record.0);
            }
        }
        if !old.is_multiple_of(REWRITE_BATCH) {
            self.commit(rewrite)?;
        }
        let entries = on_all_cores(&stored, |s| Entry::from_stored(s.clone()));
        drop(stored);
        Ok(SearchIndex::from_entries(entries))
    }

    /// Stores the keys of imported records, computed on every core;
    /// returns the entries.
    pub(super) fn stage_imported_search(
        &self,
        batch: &mut sled::Batch,
        clients: &[Client],
        networks: &[(NetworkId, ClientId, String)],
    ) -> Vec<Entry> {
        let names: std::collections::HashMap<ClientId, &str> =
            clients.iter().map(|c| (c.id, c.display_name())).collect();
        let mut out = Vec::new();
        for (c, entries) in clients.iter().zip(on_all_cores(clients, Entry::of_client)) {
            self.stage_entries(batch, keys::SEARCH_CLIENT, c.id.0, &entries);
            out.extend(entries);
        }
        let entries = on_all_cores(networks, |(id, client, name)| {
            Entry::network_named(*id, *client, name, names.get(client).copied().unwrap_or(""))
        });
        for ((id, _, _), entry) in networks.iter().zip(entries) {
            self.stage_entries(
                batch,
                keys::SEARCH_NETWORK,
                id.0,
                std::slice::from_ref(&entry),
            );
            out.push(entry);
        }
        out
    }

    /// Computes and stores the keys of every record, replacing any there.
    /// The caller holds the writer lock.
    pub(super) fn write_all_search_keys(&self) -> Result<()> {
        let mut batch = sled::Batch::default();
        for prefix in [keys::SEARCH_CLIENT, keys::SEARCH_NETWORK] {
            for kv in self.tree().scan_prefix([prefix]) {
                let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
                batch.remove(k);
            }
        }
        // A damaged record is left out (`mlps doctor` names it).
        let clients: Vec<Client> = self.scan_readable(keys::CLIENT)?;
        // Names only: the networks' answers and milestones are not needed.
        let networks: Vec<(NetworkId, ClientId, String)> = self
            .scan_readable::<Network>(keys::NETWORK)?
            .into_iter()
            .map(|n| (n.id, n.client, n.name))
            .collect();
        drop(self.stage_imported_search(&mut batch, &clients, &networks));
        batch.insert(keys::meta(MARK), &codec::encode_u64(1));
        self.commit(batch)?;
        release_memory();
        Ok(())
    }
}
