//! Opening a database written in an older format: a copy of it is kept
//! first, then every record stored in an older shape is rewritten in the
//! current one, in one atomic batch, and the change is said once.

use std::path::{Path, PathBuf};

use super::{SCHEMA, SledStore, damaged, db_error};
use crate::domain::model::{Client, Network};
use crate::error::{Error, Result};
use crate::store::audit::LogEntry;
use crate::store::codec::{self, DueRecord, Record, SearchRecord, keys};

/// What each format added, for the sentence that says a database moved on.
fn what_changed(from: u64) -> &'static str {
    match from {
        1 => "clients gained a unified social credit code and an address",
        _ => "records moved to the current shapes",
    }
}

/// The folder, beside the database's `store`, that keeps the copies made
/// before an upgrade.
pub const BACKUPS: &str = "backups";

impl SledStore {
    /// A new folder under `DIR/backups` for a copy the database keeps of
    /// itself, named after why and when.
    pub(super) fn new_copy_place(&self, why: &str) -> PathBuf {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let parent = self.path.join(BACKUPS);
        let mut target = parent.join(format!("{why}-{stamp}"));
        let mut n = 1;
        while target.exists() {
            n += 1;
            target = parent.join(format!("{why}-{stamp}-{n}"));
        }
        target
    }

    /// Copies the database into a new folder under `dir/backups`, named
    /// after the format and the time, and returns that folder.
    pub(super) fn copy_before_upgrade(&self, from: u64) -> Result<PathBuf> {
        let dir = &self.path;
        let target = self.new_copy_place(&format!("format-{from}"));
        self.copy_to(&target).map_err(|e| {
            Error::runtime(format!(
                "database {} is in format {from} and needs upgrading to format {SCHEMA}, \
                 but a copy could not be made first, so nothing was changed: {}",
                dir.display(),
                e.message()
            ))
        })?;
        Ok(target)
    }

    /// Writes a backup of the database (see [`crate::store::backup`])
    /// into `target`, which must not exist yet. Writers wait meanwhile, so
    /// the copy is one moment's state.
    pub fn copy_to(&self, target: &Path) -> Result<crate::store::backup::Manifest> {
        if target.exists() {
            return Err(Error::input(format!(
                "{} already exists; a copy goes into a new folder",
                target.display()
            )));
        }
        let _guard = self.lock();
        self.copy_to_locked(target)
    }

    /// [`copy_to`](Self::copy_to), the writer lock held.
    pub(super) fn copy_to_locked(&self, target: &Path) -> Result<crate::store::backup::Manifest> {
        let copied = (|| {
            let mut writer = crate::store::backup::Writer::create_with_mode(target, 0o770)?;
            for kv in self.tree.iter() {
                let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
                writer.add(&k, &v)?;
            }
            writer.finish(&self.path.display().to_string())
        })();
        if copied.is_err() {
            let _ = std::fs::remove_dir_all(target);
        }
        copied
    }

    /// Rewrites every record in an older shape, and the format number, in
    /// one batch: a record that cannot be read stops it with nothing
    /// changed. Returns how many records were rewritten.
    pub(super) fn upgrade_records(&self) -> Result<u64> {
        let _guard = self.lock();
        self.upgrade_records_locked()
    }

    /// [`upgrade_records`](Self::upgrade_records), the writer lock held.
    pub(super) fn upgrade_records_locked(&self) -> Result<u64> {
        let mut batch = sled::Batch::default();
        let mut count = 0;
        count += self.restage::<Client>(&mut batch, keys::CLIENT)?;
        count += self.restage::<Network>(&mut batch, keys::NETWORK)?;
        count += self.restage::<DueRecord>(&mut batch, keys::DUE)?;
        count += self.restage::<SearchRecord>(&mut batch, keys::SEARCH_CLIENT)?;
        count += self.restage::<SearchRecord>(&mut batch, keys::SEARCH_NETWORK)?;
        count += self.restage::<LogEntry>(&mut batch, keys::LOG)?;
        batch.insert(keys::meta("schema"), &codec::encode_u64(SCHEMA));
        self.commit(batch)?;
        Ok(count)
    }

    /// Stages the records under `prefix` that are stored in an older shape
    /// of `R`, in its current shape. (A log entry's before and after copies
    /// stay as they were written: they are read through the same upgrade.)
    fn restage<R: Record>(&self, batch: &mut sled::Batch, prefix: u8) -> Result<u64> {
        let mut count = 0;
        for kv in self.tree.scan_prefix([prefix]) {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            if codec::format_of(&v).is_some_and(|f| f < R::VERSION) {
                let record: R = codec::decode(&v).map_err(|e| {
                    Error::runtime(format!(
                        "{}; the database was left in its old format, unchanged",
                        damaged(&self.path, &k, e).message()
                    ))
                })?;
                batch.insert(k, codec::encode(&record));
                count += 1;
            }
        }
        Ok(count)
    }
}

/// The sentence said once after an upgrade.
pub(super) fn upgraded(dir: &Path, from: u64, records: u64, copy: &Path) -> String {
    format!(
        "the database {} was upgraded from format {from} to format {SCHEMA} ({}; {records} records \
         rewritten); the format-{from} copy is in {}",
        dir.display(),
        what_changed(from),
        copy.display()
    )
}
