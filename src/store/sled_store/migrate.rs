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
        1 => {
            "clients gained a unified social credit code and an address; filings record their \
             level; networks keep their gap-list findings"
        }
        2 => {
            "filings record their level, failed evaluations can be recorded, and networks keep \
             their gap-list findings"
        }
        3 => "networks keep their gap-list findings, and the audit log records changes to them",
        _ => "records moved to the current shapes",
    }
}

/// The folder, beside the database's `store`, that keeps the copies made
/// before an upgrade.
pub const BACKUPS: &str = "backups";

impl SledStore {
    /// A new folder under `DIR/backups` for a copy the database keeps of
    /// itself, named after why and when.
    pub(super) fn new_copy_place(&self, why: &str) -> Result<PathBuf> {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let parent = self.path.join(BACKUPS);
        // Only a real folder: on a shared database a member could point a
        // link elsewhere, and the daemon would write the copy there.
        if let Ok(meta) = std::fs::symlink_metadata(&parent)
            && !meta.is_dir()
        {
            return Err(Error::io_said(
                &parent,
                format!(
                    "{} is not a folder (a link, or a file): the database keeps its copies only \
                     in a real folder there; remove it and try again",
                    parent.display()
                ),
            ));
        }
        let mut target = parent.join(format!("{why}-{stamp}"));
        let mut n = 1;
        while target.exists() {
            n += 1;
            target = parent.join(format!("{why}-{stamp}-{n}"));
        }
        Ok(target)
    }

    /// Copies the database into a new folder under `dir/backups`, named
    /// after the format and the time, and returns that folder.
    pub(super) fn copy_before_upgrade(&self, from: u64) -> Result<PathBuf> {
        let dir = &self.path;
        let target = self.new_copy_place(&format!("format-{from}"))?;
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
            for kv in self.tree().iter() {
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
        let mut batch = sled::Batch::default();
        let mut upgrade = Upgrade::with_rules(self.config().settings.rules);
        for kv in self.tree().iter() {
            let (k, v) = kv.map_err(|e| db_error(&self.path, e))?;
            match upgrade.pair(&k, &v) {
                Ok(Upgraded::Same) => {}
                Ok(Upgraded::Rewritten(bytes)) => batch.insert(k, bytes),
                Ok(Upgraded::Dropped) => batch.remove(k),
                Err(e) => {
                    return Err(Error::codec(format!(
                        "{}; the database was left in its old format, unchanged",
                        damaged(&self.path, &k, e).message()
                    )));
                }
            }
        }
        for k in upgrade.finish() {
            batch.remove(k);
        }
        batch.insert(keys::meta("schema"), &codec::encode_u64(SCHEMA));
        self.commit(batch)?;
        Ok(upgrade.rewritten)
    }
}

/// One stored pair brought to the current shapes.
pub(super) enum Upgraded {
    /// Already current, or not a record.
    Same,
    Rewritten(Vec<u8>),
    /// A derived index entry that does not read: it is left out, and its
    /// index rebuilt from the records.
    Dropped,
}

/// An upgrade of a database's pairs, one at a time.
#[derive(Default)]
pub(super) struct Upgrade {
    /// The rule set that gives a filing of an older network its level when
    /// the network had none filed.
    rules: crate::domain::grading::RuleSet,
    pub rewritten: u64,
    rebuild_due: bool,
    rebuild_search: bool,
}

impl Upgrade {
    pub fn with_rules(rules: crate::domain::grading::RuleSet) -> Upgrade {
        Upgrade {
            rules,
            ..Upgrade::default()
        }
    }

    /// Brings one pair to its current shape. A client, network or log
    /// record that does not read is an error: nothing can stand in for it.
    pub fn pair(&mut self, key: &[u8], value: &[u8]) -> Result<Upgraded, codec::CodecError> {
        fn current<R: Record>(value: &[u8]) -> Result<Option<Vec<u8>>, codec::CodecError> {
            if codec::format_of(value).is_some_and(|f| f < R::VERSION) {
                let record: R = codec::decode(value)?;
                Ok(Some(codec::encode(&record)))
            } else {
                Ok(None)
            }
        }
        let upgraded = match key.first() {
            Some(&keys::CLIENT) => current::<Client>(value)?,
            Some(&keys::NETWORK) => {
                if codec::format_of(value).is_some_and(|f| f < Network::VERSION) {
                    // Older filings recorded no level: a network with
                    // filings and no filed level is filed at its computed
                    // level (see `Network::settle_filing`).
                    let mut n: Network = codec::decode(value)?;
                    let computed =
                        crate::domain::grading::level(&n.answers, &n.overrides, self.rules);
                    n.settle_filing(computed);
                    Some(codec::encode(&n))
                } else {
                    None
                }
            }
            // The before and after copies inside a log entry stay as they
            // were written: they are read through the same upgrade.
            Some(&keys::LOG) => current::<LogEntry>(value)?,
            Some(&keys::FINDING) => current::<crate::store::StoredFinding>(value)?,
            Some(&keys::GAP_EXTENSIONS) => current::<crate::domain::gaps::ExtensionChoice>(value)?,
            Some(&keys::DUE) => match current::<DueRecord>(value) {
                Ok(u) => u,
                Err(_) => {
                    self.rebuild_due = true;
                    return Ok(Upgraded::Dropped);
                }
            },
            Some(&keys::SEARCH_CLIENT) | Some(&keys::SEARCH_NETWORK) => {
                match current::<SearchRecord>(value) {
                    Ok(u) => u,
                    Err(_) => {
                        self.rebuild_search = true;
                        return Ok(Upgraded::Dropped);
                    }
                }
            }
            _ => None,
        };
        Ok(match upgraded {
            Some(bytes) => {
                self.rewritten += 1;
                Upgraded::Rewritten(bytes)
            }
            None => Upgraded::Same,
        })
    }

    /// The meta keys to remove so that the indexes found unreadable are
    /// rebuilt: the due-date index when the database next opens or is
    /// restored, the search keys on the next search.
    pub fn finish(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        if self.rebuild_due {
            out.push(keys::meta("due_config"));
        }
        if self.rebuild_search {
            out.push(keys::meta(super::search::MARK));
        }
        out
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
