//! The case store on sled 0.34: one tree, keys by record kind (see
//! [`codec::keys`]), every write one atomic batch followed by a flush.

mod doctor;
mod findings;
mod import;
mod migrate;
mod restore;
mod search;
mod staging;

pub use import::{IMPORT_CHUNK, ImportPlan, ONE_BATCH_MAX, StagedImport};
pub use migrate::BACKUPS;
pub use restore::StagedRestore;

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::NaiveDate;

use super::audit::{self, Action, Actor, LogEntry, LogQuery};
use super::codec::{self, DueRecord, Record, keys};
use super::{CaseStore, DueItem, ImportSummary, Maintenance, StoredFinding};
use crate::domain::gaps::{ExtensionChoice, Finding, FindingId, FindingStatus};
use crate::domain::grading;
use crate::domain::model::NewClient;
use crate::domain::model::{Client, ClientId, Network, NetworkId};
use crate::domain::settings::Config;
use crate::domain::timeline;
use crate::error::{Error, Missing, Result};

use crate::domain::model::MAX_ID;

/// sled's page cache.
const CACHE_BYTES: u64 = 16 << 20;

/// The database format this build writes: 2 added the clients' unit
/// fields (credit code, address); 3 the level each filing records, failed
/// evaluations, and the provisional level in the due-date index; 4 the
/// findings of a network as records of their own, and log entries that
/// name the finding they changed. Older databases are upgraded on open.
const SCHEMA: u64 = 4;

pub struct SledStore {
    db: sled::Db,
    /// The live tree of records. An import or a restore of many records
    /// is written into a staging tree a little at a time and then put in
    /// its place in one step (see `staging`).
    tree: std::sync::RwLock<sled::Tree>,
    path: PathBuf,
    /// Settings and holidays the due-date index is derived with; a daemon
    /// swaps them when the files change.
    config: std::sync::RwLock<Config>,
    /// Serialises read-modify-write sequences (id counter, revisions).
    writer: Mutex<()>,
    /// Who the changes made through `CaseStore` on this value are logged
    /// as: the user running this process. A daemon logs each change as
    /// its client's user instead, through [`SledStore::acting`].
    owner: Actor,
    /// What the agenda asks for, in memory: built on first use from the
    /// index on disk, then kept in step by every write (under the writer
    /// lock, after the write is on disk).
    memory: std::sync::RwLock<Option<Memory>>,
    /// The fuzzy-jump index: loaded on the first search from the keys
    /// stored with the records, then kept in step by every write.
    search: std::sync::RwLock<Option<crate::domain::search::SearchIndex>>,
    /// What opening found worth telling the user once (an upgrade).
    notices: Mutex<Vec<String>>,
}

/// The due-date index and the names the agenda shows, in memory.
#[derive(Default)]
struct Memory {
    due: std::collections::BTreeMap<[u8; 14], DueItem>,
    due_of: std::collections::HashMap<NetworkId, Vec<[u8; 14]>>,
    clients: std::collections::HashMap<ClientId, ClientNames>,
    networks: std::collections::HashMap<NetworkId, String>,
}

/// A client's names as the agenda shows them: its display name (English,
/// else Chinese) and its Chinese name.
#[derive(Debug, Clone, Default)]
struct ClientNames {
    display: String,
    zh: String,
}

impl ClientNames {
    fn of(c: &Client) -> ClientNames {
        ClientNames {
            display: c.display_name().to_string(),
            zh: c.name_zh.clone(),
        }
    }
}

impl Memory {
    fn forget_network(&mut self, id: NetworkId) {
        for k in self.due_of.remove(&id).unwrap_or_default() {
            self.due.remove(&k);
        }
        self.networks.remove(&id);
    }

    fn put_due(&mut self, r: &DueRecord) {
        let k = keys::due(r.due, r.network, r.kind);
        self.due.insert(k, DueItem::from(r));
        self.due_of.entry(r.network).or_default().push(k);
    }
}

/// The store, changed on behalf of one user: every change it makes is
/// logged as theirs.
pub struct Acting<'a> {
    store: &'a SledStore,
    actor: &'a Actor,
}

/// Hands freed memory back to the system: after reading a whole table or
/// an import, the allocator would otherwise keep the peak for the life of
/// the process.
pub(crate) fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// sled reports a database another process holds as an I/O error of kind
/// `Other` whose only mark is its text; this is the one error read by its
/// words, and they are sled's, not ours.
fn is_lock_error(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("lock")
}

/// Opens sled, waiting briefly for the lock: a database this process just
/// closed stays locked until sled's flusher thread lets go of it.
fn open_sled(path: &Path) -> sled::Result<sled::Db> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
    loop {
        // sled's page cache defaults to 1 GiB; the daemon keeps its own
        // small indexes in memory and reads records seldom enough.
        match sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
        {
            Err(sled::Error::Io(io))
                if is_lock_error(&io) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other,
        }
    }
}

/// Opens the sled database in `dir/store` and its live tree: the one the
/// database's pointer names (see `staging`), `cases` in a database that
/// never switched. Staging trees left by an import or a restore that did
/// not finish, and trees switched out, are dropped here, where no reader
/// can hold them.
fn open_tree(dir: &Path) -> Result<(sled::Db, sled::Tree)> {
    let db = open_sled(&dir.join("store")).map_err(|e| match e {
        sled::Error::Io(io) if is_lock_error(&io) => Error::runtime(format!(
            "database {} is open in another mlps process; close it and try again",
            dir.display()
        )),
        e => db_error(dir, e),
    })?;
    let live = staging::live_name(&db).map_err(|e| db_error(dir, e))?;
    staging::drop_others(&db, &live).map_err(|e| db_error(dir, e))?;
    let tree = db.open_tree(&live).map_err(|e| db_error(dir, e))?;
    Ok((db, tree))
}

/// A failure of sled's: its files could not be read or written, or what
/// they hold is damaged.
fn db_error(path: &Path, e: sled::Error) -> Error {
    let message = format!("database {}: {e}", path.display());
    match e {
        sled::Error::Corruption { .. } => Error::codec(message),
        _ => Error::io_said(path, message),
    }
}

fn damaged(path: &Path, key: &[u8], e: codec::CodecError) -> Error {
    Error::codec(format!(
        "database {}: record {key:02x?}: {e}",
        path.display()
    ))
}

impl SledStore {
    /// Opens (creating when absent) the database in directory `dir`. The
    /// directory is created private to the user.
    pub fn open(dir: &Path, config: Config) -> Result<SledStore> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::input(format!(
                "{} is a file, not a database directory",
                dir.display()
            )));
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotADirectory | std::io::ErrorKind::AlreadyExists => {
                    Error::input(format!(
                        "cannot make the database directory {}: a part of that path is a file",
                        dir.display()
                    ))
                }
                _ => Error::io_said(dir, format!("database directory {}: {e}", dir.display())),
            })?;
        let (db, tree) = open_tree(dir)?;
        let store = SledStore {
            db,
            tree: std::sync::RwLock::new(tree),
            path: dir.to_path_buf(),
            config: std::sync::RwLock::new(config),
            writer: Mutex::new(()),
            owner: Actor::current(),
            memory: std::sync::RwLock::new(None),
            search: std::sync::RwLock::new(None),
            notices: Mutex::new(Vec::new()),
        };
        if let Some(from) = store.check_schema()? {
            let copy = store.copy_before_upgrade(from)?;
            let records = store.upgrade_records().inspect_err(|_| {
                // Nothing changed, so the copy is the database itself;
                // keeping one per attempt would only fill the disk.
                let _ = std::fs::remove_dir_all(&copy);
            })?;
            store
                .notices
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(migrate::upgraded(dir, from, records, &copy));
        }
        store.refresh_due_index_if_config_changed()?;
        // Made now rather than at the first calendar export, so every
        // backup carries it. A database that cannot be written to makes
        // it later.
        let _ = store.database_id();
        Ok(store)
    }

    /// What opening the database found worth saying, said once: the
    /// second call returns nothing.
    pub fn take_notices(&self) -> Vec<String> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Marks a new database with the current format; returns the format of
    /// an older one, which needs upgrading.
    fn check_schema(&self) -> Result<Option<u64>> {
        let key = keys::meta("schema");
        match self.get(&key)? {
            None => {
                // A new database: every record it gets stores its search
                // keys with it.
                self.tree()
                    .insert(key, &codec::encode_u64(SCHEMA))
                    .map_err(|e| db_error(&self.path, e))?;
                self.tree()
                    .insert(keys::meta(search::MARK), &codec::encode_u64(1))
                    .map_err(|e| db_error(&self.path, e))?;
                self.flush()?;
                Ok(None)
            }
            Some(v) => {
                let found = codec::decode_u64(&v).map_err(|e| damaged(&self.path, b"schema", e))?;
                if found > SCHEMA {
                    Err(Error::codec(format!(
                        "database {} has format {found}, written by a newer mlps (this one reads up to {SCHEMA})",
                        self.path.display()
                    )))
                } else if found < SCHEMA {
                    Ok(Some(found))
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// The due-date index holds dates derived with the settings and
    /// holidays in force when it was written; when they change, rebuild it.
    fn refresh_due_index_if_config_changed(&self) -> Result<()> {
        let key = keys::meta("due_config");
        let fingerprint = self.config_fingerprint();
        if self.get(&key)?.as_deref() == Some(fingerprint.as_slice()) {
            return Ok(());
        }
        self.rebuild_due_index()
    }

    fn config(&self) -> std::sync::RwLockReadGuard<'_, Config> {
        self.config.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Uses `config` from now on, rebuilding the due-date index when it
    /// derives dates differently.
    pub fn reconfigure(&self, config: Config) -> Result<()> {
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = config;
        self.refresh_due_index_if_config_changed()
    }

    fn config_fingerprint(&self) -> Vec<u8> {
        let c = self.config();
        // Only what due dates are derived from.
        let text = serde_json::json!({
            "settings": {
                "rules": c.settings.rules,
                "due_soon_days": c.settings.due_soon_days,
                "intervals": c.settings.intervals,
            },
            "holidays": c.calendar.holidays.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "workdays": c.calendar.workdays.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        });
        text.to_string().into_bytes()
    }

    /// Reads the in-memory index and names, building them first if need be.
    fn with_memory<T>(&self, read: impl FnOnce(&Memory) -> T) -> Result<T> {
        {
            let memory = self.memory.read().unwrap_or_else(|p| p.into_inner());
            if let Some(m) = memory.as_ref() {
                return Ok(read(m));
            }
        }
        // Built under the writer lock, so no write slips in between.
        let _guard = self.lock();
        let mut memory = self.memory.write().unwrap_or_else(|p| p.into_inner());
        if memory.is_none() {
            *memory = Some(self.load_memory()?);
            release_memory();
        }
        Ok(read(memory.as_ref().expect("just built")))
    }

    fn load_memory(&self) -> Result<Memory> {
        let mut m = Memory::default();
        for kv in self.tree().scan_prefix([keys::DUE]) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            let r: DueRecord = codec::decode(&v).map_err(|e| damaged(&self.path, &k, e))?;
            m.put_due(&r);
        }
        for c in self.scan::<Client>(keys::CLIENT)? {
            m.clients.insert(c.id, ClientNames::of(&c));
        }
        // Names from the index of clients' networks, which carries them:
        // reading every network record would cost more than its names.
        for kv in self.tree().scan_prefix([keys::CLIENT_NETWORK]) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            let Some(id) = keys::tail_id(&k).map(NetworkId) else {
                continue;
            };
            let name = if v.is_empty() {
                // Written before index entries carried the name.
                match self.read::<Network>(&keys::id(keys::NETWORK, id.0))? {
                    Some(n) => n.name,
                    None => continue,
                }
            } else {
                String::from_utf8_lossy(&v).into_owned()
            };
            m.networks.insert(id, name);
        }
        Ok(m)
    }

    /// Brings the memory in step after a write; the caller holds the writer
    /// lock and the write is on disk.
    fn remember(&self, change: impl FnOnce(&Self, &mut Memory)) {
        let mut memory = self.memory.write().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = memory.as_mut() {
            change(self, m);
        }
    }

    fn remember_network(&self, n: &Network) {
        self.remember(|store, m| {
            m.forget_network(n.id);
            for r in store.due_records(n) {
                m.put_due(&r);
            }
            m.networks.insert(n.id, n.name.clone());
        });
    }

    /// Drops the jump index: the next search loads it again from disk.
    fn forget_search(&self) {
        *self.search.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Drops the memory: the next read builds it again from disk.
    fn forget_memory(&self) {
        *self.memory.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Rewrites the whole due-date index from the networks, in small
    /// batches (one batch of 50 000 networks' dates held sled at several
    /// hundred MB). The index is derived: its settings mark goes first and
    /// comes back last, so one cut short by a crash is rebuilt at the next
    /// open. Writers wait meanwhile, and readers keep the index in memory
    /// until it is done.
    pub fn rebuild_due_index(&self) -> Result<()> {
        let _guard = self.lock();
        let mark = keys::meta("due_config");
        let mut batch = sled::Batch::default();
        batch.remove(mark.as_slice());
        self.commit(batch)?;
        let tree = self.tree();
        let mut batch = sled::Batch::default();
        let mut staged = 0usize;
        let write = |batch: &mut sled::Batch, staged: &mut usize| -> Result<()> {
            tree.apply_batch(std::mem::take(batch))
                .map_err(|e| db_error(&self.path, e))?;
            *staged = 0;
            Ok(())
        };
        for prefix in [keys::DUE, keys::DUE_OF_NETWORK] {
            for kv in tree.scan_prefix([prefix]) {
                let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
                batch.remove(k);
                staged += 1;
                if staged >= 2_000 {
                    write(&mut batch, &mut staged)?;
                }
            }
        }
        write(&mut batch, &mut staged)?;
        // A network at a time, not all of them in memory.
        for kv in tree.scan_prefix([keys::NETWORK]) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            let n: Network = codec::decode(&v).map_err(|e| damaged(&self.path, &k, e))?;
            self.stage_due(&mut batch, &n, &[]);
            staged += 1;
            if staged >= 250 {
                write(&mut batch, &mut staged)?;
            }
        }
        batch.insert(mark, self.config_fingerprint());
        write(&mut batch, &mut staged)?;
        self.flush()?;
        self.forget_memory();
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding the lock leaves no half-written state (each
        // write is one batch), so a poisoned lock is safe to take.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The live tree (a handle: sled shares the tree behind it).
    fn tree(&self) -> sled::Tree {
        self.tree.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn get(&self, key: &[u8]) -> Result<Option<sled::IVec>> {
        self.tree().get(key).map_err(|e| db_error(&self.path, e))
    }

    fn read<R: Record>(&self, key: &[u8]) -> Result<Option<R>> {
        match self.get(key)? {
            Some(v) => codec::decode(&v)
                .map(Some)
                .map_err(|e| damaged(&self.path, key, e)),
            None => Ok(None),
        }
    }

    fn scan<R: Record>(&self, prefix: u8) -> Result<Vec<R>> {
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix([prefix]) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            out.push(codec::decode(&v).map_err(|e| damaged(&self.path, &k, e))?);
        }
        Ok(out)
    }

    /// Returns once everything written so far is on disk.
    pub fn flush(&self) -> Result<()> {
        self.db
            .flush()
            .map(|_| ())
            .map_err(|e| db_error(&self.path, e))
    }

    /// Applies the batch atomically and returns once it is on disk.
    fn commit(&self, batch: sled::Batch) -> Result<()> {
        self.tree()
            .apply_batch(batch)
            .map_err(|e| db_error(&self.path, e))?;
        self.flush()
    }

    fn next_ids(&self, batch: &mut sled::Batch, count: u64, at_least: u64) -> Result<u64> {
        let key = keys::meta("next_id");
        let next = match self.get(&key)? {
            Some(v) => codec::decode_u64(&v).map_err(|e| damaged(&self.path, &key, e))?,
            None => 1,
        }
        .max(at_least);
        let after = next
            .checked_add(count)
            .filter(|n| *n <= MAX_ID + 1)
            .ok_or_else(|| Error::input(format!("no ids left: ids go up to {MAX_ID}")))?;
        batch.insert(key, &codec::encode_u64(after));
        Ok(next)
    }

    /// The open obligations of a network, as the index stores them.
    fn due_records(&self, n: &Network) -> Vec<DueRecord> {
        let c = self.config();
        let (computed, most) = grading::level_range(&n.answers, &n.overrides, c.settings.rules);
        let t = timeline::timeline(n, computed, &c.settings.intervals, &c.calendar);
        // An unfiled network's level is the computed one: provisional
        // while open answers could raise it. A filed level is firm.
        let max_level = if n.filed_level.is_none() {
            most
        } else {
            t.level
        };
        t.open()
            .map(|d| DueRecord {
                network: n.id,
                client: n.client,
                kind: d.kind,
                due: d.due,
                level: t.level,
                max_level,
            })
            .collect()
    }

    /// Replaces the due entries of `n`; `old_keys` are the ones to remove.
    fn stage_due(&self, batch: &mut sled::Batch, n: &Network, old_keys: &[Vec<u8>]) {
        for k in old_keys {
            batch.remove(k.as_slice());
        }
        let mut written = Vec::new();
        for r in self.due_records(n) {
            let k = keys::due(r.due, r.network, r.kind).to_vec();
            batch.insert(k.as_slice(), codec::encode(&r));
            written.push(k);
        }
        batch.insert(
            &keys::id(keys::DUE_OF_NETWORK, n.id.0),
            codec::encode_key_list(&written),
        );
    }

    fn due_keys_of(&self, id: NetworkId) -> Result<Vec<Vec<u8>>> {
        let key = keys::id(keys::DUE_OF_NETWORK, id.0);
        match self.get(&key)? {
            Some(v) => codec::decode_key_list(&v).map_err(|e| damaged(&self.path, &key, e)),
            None => Ok(Vec::new()),
        }
    }

    fn stage_network(&self, batch: &mut sled::Batch, n: &Network) -> Result<()> {
        let old_keys = self.due_keys_of(n.id)?;
        batch.insert(&keys::id(keys::NETWORK, n.id.0), codec::encode(n));
        // The name rides along, for the agenda's names in memory.
        batch.insert(&keys::client_network(n.client, n.id), n.name.as_bytes());
        self.stage_due(batch, n, &old_keys);
        Ok(())
    }

    fn stage_network_removal(&self, batch: &mut sled::Batch, n: &Network) -> Result<()> {
        for k in self.due_keys_of(n.id)? {
            batch.remove(k);
        }
        batch.remove(&keys::id(keys::DUE_OF_NETWORK, n.id.0));
        // Its findings and extension sets go with it.
        self.stage_gaps_removal(batch, n.id)?;
        batch.remove(&keys::id(keys::NETWORK, n.id.0));
        batch.remove(&keys::client_network(n.client, n.id));
        Ok(())
    }

    fn network_ids_of(&self, client: ClientId) -> Result<Vec<NetworkId>> {
        let mut prefix = vec![keys::CLIENT_NETWORK];
        prefix.extend_from_slice(&client.0.to_be_bytes());
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix(prefix) {
            let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
            out.extend(keys::tail_id(&k).map(NetworkId));
        }
        Ok(out)
    }

    /// Writes a network of an existing client: under a new id, or under its
    /// own id when restoring one that was deleted (refused if taken).
    fn add_network(&self, actor: &Actor, network: Network, keep_id: bool) -> Result<Network> {
        let mut n = self.validated_network(network)?;
        let _guard = self.lock();
        let Some(client) = self.client(n.client)? else {
            return Err(Error::not_found(
                Missing::Client(n.client.0),
                format!("network {:?}: client {} does not exist", n.name, n.client.0),
            ));
        };
        let mut batch = sled::Batch::default();
        if keep_id {
            if self.get(&keys::id(keys::NETWORK, n.id.0))?.is_some() {
                return Err(Error::runtime(format!(
                    "network id {} is in use; nothing restored",
                    n.id.0
                )));
            }
            n.revision += 1;
        } else {
            n.id = NetworkId(self.next_ids(&mut batch, 1, 1)?);
            n.revision = 1;
        }
        self.stage_network(&mut batch, &n)?;
        let action = if keep_id {
            Action::Restored
        } else {
            Action::Created
        };
        let name = client.display_name().to_string();
        let entry = self.stage_network_search(&mut batch, &n, &name);
        self.stage_log(
            &mut batch,
            vec![network_entry(actor, action, name, None, Some(&n))],
        )?;
        self.commit(batch)?;
        self.remember_network(&n);
        self.remember_search(|index| {
            index.insert(entry);
        });
        Ok(n)
    }

    fn validated_client(mut c: Client) -> Result<Client> {
        c.validate()
            .map_err(|e| Error::input(format!("client {}", e)))?;
        Ok(c)
    }

    /// Checks a network to be written, giving each filing without a level
    /// the level it filed (see [`Network::settle_filing`]).
    fn validated_network(&self, mut n: Network) -> Result<Network> {
        n.validate()
            .map_err(|e| Error::input(format!("network {}", e)))?;
        let computed = grading::level(&n.answers, &n.overrides, self.config().settings.rules);
        n.settle_filing(computed);
        Ok(n)
    }

    /// The refusal of a write based on revision `based_on` of a record
    /// now at `now`, naming who made the newer change and when.
    fn stale(
        &self,
        kind: &str,
        name: &str,
        based_on: u64,
        now: u64,
        last: Option<LogEntry>,
    ) -> Error {
        let by = last
            .as_ref()
            .map(|e| format!("by {} at {}", e.user, e.when()))
            .unwrap_or_else(|| "by someone else".to_string());
        Error::Conflict(Box::new(crate::error::Conflict {
            message: format!(
                "{kind} {name:?} was changed {by} since it was read (revision {based_on}, now {now}): \
                 reload it and make the edit again"
            ),
            revision: now,
            by: last.as_ref().map(|e| e.user.clone()),
            at: last.map(|e| e.at),
        }))
    }

    /// Changes are logged as `actor`'s from now on.
    pub fn acting<'a>(&'a self, actor: &'a Actor) -> Acting<'a> {
        Acting { store: self, actor }
    }

    /// The newest log entry under a per-record index.
    fn last_entry(&self, prefix: u8, id: u64) -> Result<Option<LogEntry>> {
        let mut p = vec![prefix];
        p.extend_from_slice(&id.to_be_bytes());
        match self.tree().scan_prefix(p).next_back() {
            Some(kv) => {
                let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
                match keys::tail_id(&k) {
                    Some(seq) => self.read(&keys::id(keys::LOG, seq)),
                    None => Ok(None),
                }
            }
            None => Ok(None),
        }
    }

    /// Adds log entries to a batch, numbering them and stamping them with
    /// one time; returns the first number used.
    fn stage_log(&self, batch: &mut sled::Batch, entries: Vec<LogEntry>) -> Result<u64> {
        let key = keys::meta("log_seq");
        let mut seq = match self.get(&key)? {
            Some(v) => codec::decode_u64(&v).map_err(|e| damaged(&self.path, &key, e))?,
            None => 1,
        };
        let at = audit::now();
        let first = seq;
        for mut e in entries {
            e.seq = seq;
            e.at = at;
            batch.insert(&keys::id(keys::LOG, seq), codec::encode(&e));
            if let Some(c) = e.client {
                batch.insert(&keys::log_of(keys::LOG_OF_CLIENT, c.0, seq), &[]);
            }
            if let Some(n) = e.network {
                batch.insert(&keys::log_of(log_index_of(&e), n.0, seq), &[]);
            }
            seq += 1;
        }
        batch.insert(key, &codec::encode_u64(seq));
        Ok(first)
    }

    fn client_name(&self, id: ClientId) -> Result<String> {
        Ok(self
            .client(id)?
            .map(|c| c.display_name().to_string())
            .unwrap_or_default())
    }

    fn read_log(&self, query: &LogQuery) -> Result<Vec<LogEntry>> {
        let index = match (query.findings_of, query.network, query.client) {
            (Some(n), _, _) => Some((keys::LOG_OF_FINDINGS, n)),
            (None, Some(n), _) => Some((keys::LOG_OF_NETWORK, n)),
            (None, None, Some(c)) => Some((keys::LOG_OF_CLIENT, c)),
            (None, None, None) => None,
        };
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        let mut out = Vec::new();
        // Through a record's index every entry is about the record (an
        // import's too), so only the time is left to check.
        let mut keep = |e: LogEntry| {
            let wanted = match index {
                Some(_) => query.since.is_none_or(|s| e.at >= s),
                None => query.matches(&e),
            };
            if wanted {
                out.push(e);
            }
            out.len() < limit
        };
        match index {
            Some((prefix, id)) => {
                let mut p = vec![prefix];
                p.extend_from_slice(&id.to_be_bytes());
                for kv in self.tree().scan_prefix(p).rev() {
                    let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
                    let Some(seq) = keys::tail_id(&k) else {
                        continue;
                    };
                    if let Some(e) = self.read(&keys::id(keys::LOG, seq))?
                        && !keep(e)
                    {
                        break;
                    }
                }
            }
            None => {
                for kv in self.tree().scan_prefix([keys::LOG]).rev() {
                    let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
                    let e = codec::decode(&v).map_err(|e| damaged(&self.path, &k, e))?;
                    if !keep(e) {
                        break;
                    }
                }
            }
        }
        out.reverse();
        Ok(out)
    }
}

/// The per-network index a log entry about a network goes in: its
/// findings' entries apart from its own.
pub(super) fn log_index_of(e: &LogEntry) -> u8 {
    if e.finding.is_some() {
        keys::LOG_OF_FINDINGS
    } else {
        keys::LOG_OF_NETWORK
    }
}

fn client_entry(
    actor: &Actor,
    action: Action,
    before: Option<&Client>,
    after: Option<&Client>,
) -> LogEntry {
    let c = after.or(before);
    LogEntry {
        client: c.map(|c| c.id),
        client_name: c.map(|c| c.display_name().to_string()).unwrap_or_default(),
        before: before.map(codec::encode),
        after: after.map(codec::encode),
        ..database_entry(actor, action, String::new())
    }
}

/// An entry about the whole database (an import, a restore): what every
/// entry says of who did what, the others add the record.
pub(super) fn database_entry(actor: &Actor, action: Action, note: String) -> LogEntry {
    LogEntry {
        seq: 0,
        at: 0,
        uid: actor.uid,
        user: actor.user.clone(),
        action,
        client: None,
        client_name: String::new(),
        network: None,
        network_name: String::new(),
        finding: None,
        before: None,
        after: None,
        note,
    }
}

fn network_entry(
    actor: &Actor,
    action: Action,
    client_name: String,
    before: Option<&Network>,
    after: Option<&Network>,
) -> LogEntry {
    let n = after.or(before);
    LogEntry {
        client: n.map(|n| n.client),
        client_name,
        network: n.map(|n| n.id),
        network_name: n.map(|n| n.name.clone()).unwrap_or_default(),
        before: before.map(codec::encode),
        after: after.map(codec::encode),
        ..database_entry(actor, action, String::new())
    }
}

impl CaseStore for SledStore {
    fn clients(&self) -> Result<Vec<Client>> {
        self.scan(keys::CLIENT)
    }

    fn client(&self, id: ClientId) -> Result<Option<Client>> {
        self.read(&keys::id(keys::CLIENT, id.0))
    }

    fn networks_of(&self, client: ClientId) -> Result<Vec<Network>> {
        let mut out = Vec::new();
        for id in self.network_ids_of(client)? {
            out.extend(self.network(id)?);
        }
        Ok(out)
    }

    fn networks(&self) -> Result<Vec<Network>> {
        self.scan(keys::NETWORK)
    }

    fn network(&self, id: NetworkId) -> Result<Option<Network>> {
        self.read(&keys::id(keys::NETWORK, id.0))
    }

    fn create_client(&self, client: Client) -> Result<Client> {
        self.acting(&self.owner).create_client(client)
    }

    fn update_client(&self, client: Client) -> Result<Client> {
        self.acting(&self.owner).update_client(client)
    }

    fn delete_client(&self, id: ClientId, revision: Option<u64>) -> Result<()> {
        self.acting(&self.owner).delete_client(id, revision)
    }

    fn create_network(&self, network: Network) -> Result<Network> {
        self.acting(&self.owner).create_network(network)
    }

    fn update_network(&self, network: Network) -> Result<Network> {
        self.acting(&self.owner).update_network(network)
    }

    fn delete_network(&self, id: NetworkId, revision: Option<u64>) -> Result<()> {
        self.acting(&self.owner).delete_network(id, revision)
    }

    fn restore_network(&self, network: Network) -> Result<Network> {
        self.acting(&self.owner).restore_network(network)
    }

    fn import(&self, clients: Vec<NewClient>) -> Result<ImportSummary> {
        self.acting(&self.owner).import(clients)
    }

    fn findings_of(&self, network: NetworkId) -> Result<Vec<StoredFinding>> {
        self.read_findings_of(network)
    }

    fn all_findings(&self) -> Result<Vec<StoredFinding>> {
        self.read_all_findings()
    }

    fn all_gap_extensions(&self) -> Result<Vec<(NetworkId, ExtensionChoice)>> {
        self.read_all_gap_extensions()
    }

    fn finding(&self, id: FindingId) -> Result<Option<StoredFinding>> {
        self.read_finding(id)
    }

    fn create_finding(&self, finding: StoredFinding) -> Result<StoredFinding> {
        self.acting(&self.owner).create_finding(finding)
    }

    fn update_finding(&self, finding: StoredFinding) -> Result<StoredFinding> {
        self.acting(&self.owner).update_finding(finding)
    }

    fn delete_finding(&self, id: FindingId, revision: Option<u64>) -> Result<()> {
        self.acting(&self.owner).delete_finding(id, revision)
    }

    fn set_finding_status(
        &self,
        ids: &[FindingId],
        status: FindingStatus,
        date: NaiveDate,
    ) -> Result<Vec<StoredFinding>> {
        self.acting(&self.owner)
            .set_finding_status(ids, status, date)
    }

    fn import_findings(
        &self,
        network: NetworkId,
        findings: Vec<Finding>,
        replace: bool,
    ) -> Result<usize> {
        self.acting(&self.owner)
            .import_findings(network, findings, replace)
    }

    fn gap_extensions(&self, network: NetworkId) -> Result<ExtensionChoice> {
        self.read_gap_extensions(network)
    }

    fn set_gap_extensions(&self, network: NetworkId, choice: ExtensionChoice) -> Result<()> {
        self.acting(&self.owner).set_gap_extensions(network, choice)
    }

    fn due_until(&self, until: NaiveDate) -> Result<Vec<DueItem>> {
        let end = keys::due_end(until);
        self.with_memory(|m| m.due.range(..=end).map(|(_, d)| d.clone()).collect())
    }

    fn due_named_until(
        &self,
        until: NaiveDate,
        renewals_only: bool,
    ) -> Result<Vec<super::NamedDue>> {
        let end = keys::due_end(until);
        self.with_memory(|m| {
            m.due
                .range(..=end)
                .filter(|(_, d)| !renewals_only || d.kind.is_renewal())
                .map(|(_, d)| {
                    let names = m.clients.get(&d.client).cloned().unwrap_or_default();
                    super::NamedDue {
                        client: names.display,
                        client_zh: names.zh,
                        network: m.networks.get(&d.network).cloned().unwrap_or_default(),
                        item: d.clone(),
                    }
                })
                .collect()
        })
    }

    fn visit_due_named(
        &self,
        until: NaiveDate,
        renewals_only: bool,
        visit: &mut dyn FnMut(&DueItem, &str, &str, &str),
    ) -> Result<()> {
        let end = keys::due_end(until);
        self.with_memory(|m| {
            for (_, d) in m.due.range(..=end) {
                if renewals_only && !d.kind.is_renewal() {
                    continue;
                }
                let (client, client_zh) = m
                    .clients
                    .get(&d.client)
                    .map_or(("", ""), |n| (n.display.as_str(), n.zh.as_str()));
                let network = m.networks.get(&d.network).map_or("", String::as_str);
                visit(d, client, client_zh, network);
            }
        })
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<crate::domain::search::Hit>> {
        self.search_index(query, limit)
    }

    fn log(&self, query: &LogQuery) -> Result<Vec<LogEntry>> {
        self.read_log(query)
    }
}

impl Maintenance for SledStore {
    fn doctor(&self, repair: bool) -> Result<super::Checkup> {
        SledStore::doctor(self, repair)
    }

    fn backup(&self, page: &mut dyn FnMut(super::backup::Pairs) -> Result<()>) -> Result<()> {
        self.acting(&self.owner).backup(page)
    }

    fn restore(
        &self,
        pairs: super::backup::Pairs,
        replace: bool,
        note: &str,
    ) -> Result<super::backup::RestoreSummary> {
        self.acting(&self.owner).restore(pairs, replace, note)
    }

    fn database_id(&self) -> Result<String> {
        SledStore::database_id(self)
    }
}

impl CaseStore for Acting<'_> {
    fn clients(&self) -> Result<Vec<Client>> {
        self.store.clients()
    }

    fn client(&self, id: ClientId) -> Result<Option<Client>> {
        self.store.client(id)
    }

    fn networks_of(&self, client: ClientId) -> Result<Vec<Network>> {
        self.store.networks_of(client)
    }

    fn networks(&self) -> Result<Vec<Network>> {
        self.store.networks()
    }

    fn network(&self, id: NetworkId) -> Result<Option<Network>> {
        self.store.network(id)
    }

    fn due_until(&self, until: NaiveDate) -> Result<Vec<DueItem>> {
        self.store.due_until(until)
    }

    fn due_named_until(
        &self,
        until: NaiveDate,
        renewals_only: bool,
    ) -> Result<Vec<super::NamedDue>> {
        self.store.due_named_until(until, renewals_only)
    }

    fn visit_due_named(
        &self,
        until: NaiveDate,
        renewals_only: bool,
        visit: &mut dyn FnMut(&DueItem, &str, &str, &str),
    ) -> Result<()> {
        self.store.visit_due_named(until, renewals_only, visit)
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<crate::domain::search::Hit>> {
        self.store.search_index(query, limit)
    }

    fn log(&self, query: &LogQuery) -> Result<Vec<LogEntry>> {
        self.store.read_log(query)
    }

    fn create_client(&self, client: Client) -> Result<Client> {
        let store = self.store;
        let mut c = SledStore::validated_client(client)?;
        let _guard = store.lock();
        let mut batch = sled::Batch::default();
        c.id = ClientId(store.next_ids(&mut batch, 1, 1)?);
        c.revision = 1;
        batch.insert(&keys::id(keys::CLIENT, c.id.0), codec::encode(&c));
        let entries = store.stage_client_search(&mut batch, &c);
        let entry = client_entry(self.actor, Action::Created, None, Some(&c));
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        store.remember(|_, m| {
            m.clients.insert(c.id, ClientNames::of(&c));
        });
        store.remember_client_search(c.id, entries, None);
        Ok(c)
    }

    fn update_client(&self, client: Client) -> Result<Client> {
        let store = self.store;
        let mut c = SledStore::validated_client(client)?;
        let _guard = store.lock();
        let stored = store.client(c.id)?.ok_or_else(|| {
            Error::gone(
                Missing::Client(c.id.0),
                format!("client {:?} no longer exists", c.display_name()),
            )
        })?;
        if stored.revision != c.revision {
            let last = store.last_entry(keys::LOG_OF_CLIENT, c.id.0)?;
            return Err(store.stale(
                "client",
                c.display_name(),
                c.revision,
                stored.revision,
                last,
            ));
        }
        c.revision += 1;
        let mut batch = sled::Batch::default();
        batch.insert(&keys::id(keys::CLIENT, c.id.0), codec::encode(&c));
        let entries = store.stage_client_search(&mut batch, &c);
        // Its networks are found by its name too.
        let networks = if stored.display_name() != c.display_name() {
            let mut list = Vec::new();
            for n in store.networks_of(c.id)? {
                list.push(store.stage_network_search(&mut batch, &n, c.display_name()));
            }
            Some(list)
        } else {
            None
        };
        let entry = client_entry(self.actor, Action::Updated, Some(&stored), Some(&c));
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        store.remember(|_, m| {
            m.clients.insert(c.id, ClientNames::of(&c));
        });
        store.remember_client_search(c.id, entries, networks);
        Ok(c)
    }

    fn delete_client(&self, id: ClientId, revision: Option<u64>) -> Result<()> {
        let store = self.store;
        let _guard = store.lock();
        let Some(client) = store.client(id)? else {
            return Ok(());
        };
        if let Some(based_on) = revision
            && based_on != client.revision
        {
            let last = store.last_entry(keys::LOG_OF_CLIENT, id.0)?;
            return Err(store.stale(
                "client",
                client.display_name(),
                based_on,
                client.revision,
                last,
            ));
        }
        let name = client.display_name().to_string();
        let mut batch = sled::Batch::default();
        let mut entries = Vec::new();
        let mut gone = Vec::new();
        for n in store.networks_of(id)? {
            gone.push(n.id);
            store.stage_network_removal(&mut batch, &n)?;
            store.stage_search_removal(&mut batch, crate::domain::search::Target::Network(n.id));
            entries.push(network_entry(
                self.actor,
                Action::Deleted,
                name.clone(),
                Some(&n),
                None,
            ));
        }
        batch.remove(&keys::id(keys::CLIENT, id.0));
        store.stage_search_removal(&mut batch, crate::domain::search::Target::Client(id));
        entries.push(client_entry(
            self.actor,
            Action::Deleted,
            Some(&client),
            None,
        ));
        store.stage_log(&mut batch, entries)?;
        store.commit(batch)?;
        store.remember(|_, m| {
            for network in &gone {
                m.forget_network(*network);
            }
            m.clients.remove(&id);
        });
        store.remember_search(|index| {
            index.remove_client(id);
        });
        Ok(())
    }

    fn create_network(&self, network: Network) -> Result<Network> {
        self.store.add_network(self.actor, network, false)
    }

    fn update_network(&self, network: Network) -> Result<Network> {
        let store = self.store;
        let mut n = self.store.validated_network(network)?;
        let _guard = store.lock();
        let stored = store.network(n.id)?.ok_or_else(|| {
            Error::gone(
                Missing::Network(n.id.0),
                format!("network {:?} no longer exists", n.name),
            )
        })?;
        if stored.revision != n.revision {
            let last = store.last_entry(keys::LOG_OF_NETWORK, n.id.0)?;
            return Err(store.stale("network", &n.name, n.revision, stored.revision, last));
        }
        // A network stays with its client.
        n.client = stored.client;
        n.revision += 1;
        let mut batch = sled::Batch::default();
        store.stage_network(&mut batch, &n)?;
        let name = store.client_name(n.client)?;
        let found = store.stage_network_search(&mut batch, &n, &name);
        let entry = network_entry(self.actor, Action::Updated, name, Some(&stored), Some(&n));
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        store.remember_network(&n);
        store.remember_search(|index| {
            index.insert(found);
        });
        Ok(n)
    }

    fn delete_network(&self, id: NetworkId, revision: Option<u64>) -> Result<()> {
        let store = self.store;
        let _guard = store.lock();
        let Some(n) = store.network(id)? else {
            return Ok(());
        };
        if let Some(based_on) = revision
            && based_on != n.revision
        {
            let last = store.last_entry(keys::LOG_OF_NETWORK, id.0)?;
            return Err(store.stale("network", &n.name, based_on, n.revision, last));
        }
        let mut batch = sled::Batch::default();
        store.stage_network_removal(&mut batch, &n)?;
        store.stage_search_removal(&mut batch, crate::domain::search::Target::Network(id));
        let name = store.client_name(n.client)?;
        let entry = network_entry(self.actor, Action::Deleted, name, Some(&n), None);
        store.stage_log(&mut batch, vec![entry])?;
        store.commit(batch)?;
        store.remember(|_, m| m.forget_network(id));
        store.remember_search(|index| {
            index.remove(crate::domain::search::Target::Network(id));
        });
        Ok(())
    }

    fn restore_network(&self, network: Network) -> Result<Network> {
        self.store.add_network(self.actor, network, true)
    }

    fn findings_of(&self, network: NetworkId) -> Result<Vec<StoredFinding>> {
        self.store.read_findings_of(network)
    }

    fn all_findings(&self) -> Result<Vec<StoredFinding>> {
        self.store.read_all_findings()
    }

    fn all_gap_extensions(&self) -> Result<Vec<(NetworkId, ExtensionChoice)>> {
        self.store.read_all_gap_extensions()
    }

    fn finding(&self, id: FindingId) -> Result<Option<StoredFinding>> {
        self.store.read_finding(id)
    }

    fn create_finding(&self, finding: StoredFinding) -> Result<StoredFinding> {
        self.add_finding(finding)
    }

    fn update_finding(&self, finding: StoredFinding) -> Result<StoredFinding> {
        self.change_finding(finding)
    }

    fn delete_finding(&self, id: FindingId, revision: Option<u64>) -> Result<()> {
        self.remove_finding(id, revision)
    }

    fn set_finding_status(
        &self,
        ids: &[FindingId],
        status: FindingStatus,
        date: NaiveDate,
    ) -> Result<Vec<StoredFinding>> {
        self.finding_status(ids, status, date)
    }

    fn import_findings(
        &self,
        network: NetworkId,
        findings: Vec<Finding>,
        replace: bool,
    ) -> Result<usize> {
        self.add_findings(network, findings, replace)
    }

    fn gap_extensions(&self, network: NetworkId) -> Result<ExtensionChoice> {
        self.store.read_gap_extensions(network)
    }

    fn set_gap_extensions(&self, network: NetworkId, choice: ExtensionChoice) -> Result<()> {
        self.choose_gap_extensions(network, choice)
    }

    fn import(&self, clients: Vec<NewClient>) -> Result<ImportSummary> {
        self.import_clients(clients)
    }
}

impl Maintenance for Acting<'_> {
    fn doctor(&self, repair: bool) -> Result<super::Checkup> {
        self.store.doctor(repair)
    }

    fn backup(&self, page: &mut dyn FnMut(super::backup::Pairs) -> Result<()>) -> Result<()> {
        let mut out = Vec::new();
        let mut bytes = 0;
        for (k, v) in self.store.snapshot()? {
            bytes += k.len() + v.len();
            out.push((k.to_vec(), v.to_vec()));
            if bytes >= super::backup::PAGE_BYTES {
                page(std::mem::take(&mut out))?;
                bytes = 0;
            }
        }
        if !out.is_empty() {
            page(out)?;
        }
        Ok(())
    }

    fn restore(
        &self,
        pairs: super::backup::Pairs,
        replace: bool,
        note: &str,
    ) -> Result<super::backup::RestoreSummary> {
        self.store
            .restore_pairs(pairs, replace, self.actor, note, None)
    }

    fn database_id(&self) -> Result<String> {
        self.store.database_id()
    }
}
