//! Large writes in bounded memory, still all or nothing.
//!
//! sled applies a batch atomically by holding it, and the pages it
//! touches, in memory several times over: one batch of a 10 000-client
//! import took the daemon to 2.2 GB. An import or a restore of many
//! records is therefore written into a *staging tree* of the same
//! database in small batches, flushed, and then made the live tree by one
//! write: the database's pointer ([`LIVE`], in sled's default tree) names
//! the tree that holds the records. A crash before that write leaves the
//! pointer on the old tree, and the next open drops the staging tree; a
//! crash after it finds the new one whole. Readers of the old tree finish
//! on it; it is dropped at the next open, when nobody can hold it.

use std::path::PathBuf;

use super::{SledStore, db_error};
use crate::error::Result;

/// The key, in sled's default tree, naming the live tree.
const LIVE: &[u8] = b"mlps.live_tree";
/// The live tree of a database that never switched.
const FIRST: &[u8] = b"cases";
/// sled's own tree, never ours to drop.
const SLED_DEFAULT: &[u8] = b"__sled__default";
/// How many bytes go into one batch of a staging tree. Small batches keep
/// sled's memory near its page cache (a sled of 16 MB cache writing 360 MB
/// in batches of 150 KB peaked at 54 MB; in batches of 6 MB at 1.8 GB).
pub(super) const CHUNK_BYTES: usize = 32 << 10;
/// How many bytes are written between flushes of a staging tree: sled
/// keeps what is not flushed in memory (flushing every 19 MB instead held
/// it at 187 MB).
const FLUSH_BYTES: usize = 1 << 20;

/// The tree the database's pointer names.
pub(super) fn live_name(db: &sled::Db) -> sled::Result<Vec<u8>> {
    Ok(db.get(LIVE)?.map_or_else(|| FIRST.to_vec(), |v| v.to_vec()))
}

/// Drops every tree but the live one: staging trees of writes that did
/// not finish, and trees switched out.
pub(super) fn drop_others(db: &sled::Db, live: &[u8]) -> sled::Result<()> {
    for name in db.tree_names() {
        if name != SLED_DEFAULT && name != live {
            db.drop_tree(&name)?;
        }
    }
    Ok(())
}

/// A tree being filled beside the live one. Dropped unswitched, it goes
/// with everything written into it.
pub struct Staging {
    db: sled::Db,
    tree: sled::Tree,
    name: Vec<u8>,
    path: PathBuf,
    batch: sled::Batch,
    batch_bytes: usize,
    unflushed: usize,
    switched: bool,
}

impl Staging {
    /// Adds a pair; written with the next small batch.
    pub(super) fn insert(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.batch_bytes += key.len() + value.len() + 16;
        self.batch.insert(key, value);
        if self.batch_bytes >= CHUNK_BYTES {
            self.write_pending()?;
        }
        Ok(())
    }

    /// Removes a key, with the next small batch.
    pub(super) fn remove(&mut self, key: &[u8]) -> Result<()> {
        self.batch_bytes += key.len() + 16;
        self.batch.remove(key);
        if self.batch_bytes >= CHUNK_BYTES {
            self.write_pending()?;
        }
        Ok(())
    }

    /// Writes a batch the store's staging code built (after what is
    /// pending); `bytes` is about its size, for the flushes.
    pub(super) fn apply(&mut self, batch: sled::Batch, bytes: usize) -> Result<()> {
        self.write_pending()?;
        self.tree
            .apply_batch(batch)
            .map_err(|e| db_error(&self.path, e))?;
        self.wrote(bytes)
    }

    /// What the staging tree holds under `key`, pending pairs included.
    pub(super) fn get(&mut self, key: &[u8]) -> Result<Option<sled::IVec>> {
        self.write_pending()?;
        self.tree.get(key).map_err(|e| db_error(&self.path, e))
    }

    /// The staging tree itself, for reading back what was staged.
    pub(super) fn tree(&mut self) -> Result<&sled::Tree> {
        self.write_pending()?;
        Ok(&self.tree)
    }

    fn write_pending(&mut self) -> Result<()> {
        if self.batch_bytes == 0 {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let bytes = std::mem::take(&mut self.batch_bytes);
        self.tree
            .apply_batch(batch)
            .map_err(|e| db_error(&self.path, e))?;
        self.wrote(bytes)
    }

    fn wrote(&mut self, bytes: usize) -> Result<()> {
        self.unflushed += bytes;
        if self.unflushed >= FLUSH_BYTES {
            self.unflushed = 0;
            self.db.flush().map_err(|e| db_error(&self.path, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.switched {
            // Nothing reads a staging tree but its writer; one left
            // behind (the process ended) goes at the next open.
            let _ = self.db.drop_tree(&self.name);
        }
    }
}

impl SledStore {
    /// A new, empty staging tree.
    pub(super) fn staging(&self) -> Result<Staging> {
        let id = self.db.generate_id().map_err(|e| db_error(&self.path, e))?;
        let name = format!("staging-{id}").into_bytes();
        let tree = self
            .db
            .open_tree(&name)
            .map_err(|e| db_error(&self.path, e))?;
        // A tree of that name cannot be left from before (ids only grow),
        // but an empty start is what the callers count on.
        tree.clear().map_err(|e| db_error(&self.path, e))?;
        Ok(Staging {
            db: self.db.clone(),
            tree,
            name,
            path: self.path.clone(),
            batch: sled::Batch::default(),
            batch_bytes: 0,
            unflushed: 0,
            switched: false,
        })
    }

    /// Copies every pair of the live tree into `staging`, in small
    /// batches. The caller holds the writer lock.
    pub(super) fn copy_live_into(&self, staging: &mut Staging) -> Result<()> {
        for kv in self.tree().iter() {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            staging.insert(&k, &v)?;
        }
        Ok(())
    }

    /// Makes `staging` the live tree: its pairs reach the disk first, then
    /// the pointer, in one write. The caller holds the writer lock and
    /// forgets what it kept in memory of the old records.
    pub(super) fn switch_to(&self, mut staging: Staging) -> Result<()> {
        staging.write_pending()?;
        self.flush()?;
        self.db
            .insert(LIVE, staging.name.as_slice())
            .map_err(|e| db_error(&self.path, e))?;
        self.flush()?;
        staging.switched = true;
        *self.tree.write().unwrap_or_else(|p| p.into_inner()) = staging.tree.clone();
        Ok(())
    }
}
