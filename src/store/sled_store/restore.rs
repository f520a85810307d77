//! Backups of a running database, and putting one back.

use super::{SCHEMA, SledStore, db_error};
use crate::error::{Error, Result};
use crate::store::audit::{Action, Actor, LogEntry};
use crate::store::backup::{Pairs, RestoreSummary};
use crate::store::codec::{self, keys};

impl SledStore {
    /// Every key and value at one moment, in key order. Writers wait only
    /// while the pairs are gathered (sled shares their bytes), not while
    /// they are sent.
    pub fn snapshot(&self) -> Result<Vec<(sled::IVec, sled::IVec)>> {
        let _guard = self.lock();
        self.tree()
            .iter()
            .map(|kv| kv.map_err(|e| db_error(&self.path, e)))
            .collect()
    }

    /// The database's own id, made when it is first asked for and kept
    /// with the records (so a backup restored elsewhere keeps it): it
    /// keeps calendar UIDs apart between databases.
    pub fn database_id(&self) -> Result<String> {
        let key = keys::meta("database_id");
        if let Some(v) = self.get(&key)? {
            return Ok(String::from_utf8_lossy(&v).into_owned());
        }
        let _guard = self.lock();
        if let Some(v) = self.get(&key)? {
            return Ok(String::from_utf8_lossy(&v).into_owned());
        }
        let id = random_id();
        let mut batch = sled::Batch::default();
        batch.insert(key, id.as_bytes());
        self.commit(batch)?;
        Ok(id)
    }

    /// Replaces every record with the pairs of a backup, all or nothing,
    /// logged as `actor`'s: see [`StagedRestore`]. The pairs may come in
    /// any order.
    pub(crate) fn restore_pairs(
        &self,
        pairs: Pairs,
        replace: bool,
        actor: &Actor,
        note: &str,
        expect: Option<(u64, &str)>,
    ) -> Result<RestoreSummary> {
        let mut pairs = pairs;
        pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut staged = self.begin_restore()?;
        staged.add(pairs)?;
        staged.commit(self, replace, actor, note, expect)
    }

    /// Starts a restore: the backup's pairs are written, brought to the
    /// current shapes, into a staging tree as they come
    /// ([`StagedRestore::add`]), and replace the records only when
    /// [`StagedRestore::commit`] finds them whole.
    pub fn begin_restore(&self) -> Result<StagedRestore> {
        Ok(StagedRestore {
            staging: self.staging()?,
            tally: crate::store::backup::Tally::default(),
            upgrade: super::migrate::Upgrade::with_rules(self.config().settings.rules),
            seq: 1,
            has_id: false,
            twice: false,
            refused: None,
        })
    }
}

/// A restore under way: the pairs so far, in a staging tree.
pub struct StagedRestore {
    staging: super::staging::Staging,
    tally: crate::store::backup::Tally,
    upgrade: super::migrate::Upgrade,
    /// The restore's own log entry comes after every entry restored.
    seq: u64,
    has_id: bool,
    /// The backup holds a key twice.
    twice: bool,
    /// The first reason the backup cannot be restored; told at the commit,
    /// after the checks that come before it (a backup of a newer format is
    /// said to be one, not that its records do not read).
    refused: Option<Error>,
}

impl StagedRestore {
    /// Stages the next pairs of the backup, which come in key order.
    pub fn add(&mut self, pairs: Pairs) -> Result<()> {
        let seq_key = keys::meta("log_seq");
        let id_key = keys::meta("database_id");
        for (k, v) in pairs {
            if self.twice {
                continue;
            }
            if self.tally.last_key() == Some(k.as_slice()) {
                self.twice = true;
                continue;
            }
            if let Err(e) = self.tally.add(&k, &v) {
                self.refused.get_or_insert_with(|| {
                    Error::input(format!("{}: nothing was restored", e.message()))
                });
                continue;
            }
            if k == seq_key {
                self.seq = codec::decode_u64(&v).unwrap_or(1).max(self.seq);
            }
            if k.first() == Some(&keys::LOG) {
                self.seq = keys::tail_id(&k).map_or(self.seq, |s| self.seq.max(s + 1));
            }
            self.has_id |= k == id_key;
            if self.refused.is_some() {
                // Counted still, for the checks that come first.
                continue;
            }
            match self.upgrade.pair(&k, &v) {
                Ok(super::migrate::Upgraded::Same) => self.staging.insert(&k, &v)?,
                Ok(super::migrate::Upgraded::Rewritten(bytes)) => {
                    self.staging.insert(&k, &bytes)?
                }
                Ok(super::migrate::Upgraded::Dropped) => {}
                Err(e) => {
                    self.refused = Some(Error::input(format!(
                        "the backup's record {k:02x?} does not read ({e}): nothing was restored"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Replaces every record with the staged ones in one step. Refused,
    /// with nothing changed, when pairs were lost on the way (`expect`:
    /// the backup's count and digest), when a record of the backup does
    /// not read, when it is of a newer format, or when the database holds
    /// records and `replace` is not set. A database that held anything is
    /// copied under `DIR/backups` first.
    pub fn commit(
        mut self,
        store: &SledStore,
        replace: bool,
        actor: &Actor,
        note: &str,
        expect: Option<(u64, &str)>,
    ) -> Result<RestoreSummary> {
        if self.twice {
            return Err(Error::input(
                "the backup holds a key twice: nothing was restored",
            ));
        }
        if let Some((keys, digest)) = expect
            && (self.tally.keys != keys || self.tally.digest() != digest)
        {
            return Err(Error::protocol(format!(
                "the daemon received {} pairs with digest {} of a backup of {keys} pairs with \
                 digest {digest}: some were lost on the way, so nothing was restored",
                self.tally.keys,
                self.tally.digest()
            )));
        }
        let schema = self
            .tally
            .schema
            .ok_or_else(|| Error::input("the backup has no database format mark: not restored"))?;
        if schema > SCHEMA {
            return Err(Error::input(format!(
                "the backup is of database format {schema}, written by a newer mlps \
                 (this one reads up to {SCHEMA}): not restored"
            )));
        }
        if let Some(e) = self.refused.take() {
            return Err(e);
        }
        let mut summary = RestoreSummary {
            keys: self.tally.keys,
            clients: self.tally.clients,
            networks: self.tally.networks,
            ..RestoreSummary::default()
        };
        for k in self.upgrade.finish() {
            self.staging.remove(&k)?;
        }
        if schema < SCHEMA {
            summary.upgraded_from = Some(schema);
            self.staging
                .insert(&keys::meta("schema"), &codec::encode_u64(SCHEMA))?;
        }
        // A backup older than the database's id keeps the id it has, so
        // calendars keep their UIDs.
        let id_key = keys::meta("database_id");
        if !self.has_id
            && let Some(id) = store.get(&id_key)?
        {
            self.staging.insert(&id_key, &id)?;
        }
        let guard = store.lock();
        let live = store.tree();
        let held = live
            .scan_prefix([keys::CLIENT])
            .chain(live.scan_prefix([keys::LOG]))
            .next()
            .is_some();
        let clients_now = live.scan_prefix([keys::CLIENT]).count();
        if clients_now > 0 && !replace {
            return Err(Error::input(format!(
                "the database {} holds {clients_now} client{}: restoring would replace them; \
                 run mlps restore again with --replace (the database as it is now is copied \
                 under {} first)",
                store.path.display(),
                if clients_now == 1 { "" } else { "s" },
                store.path.join(super::BACKUPS).display()
            )));
        }
        if held {
            let place = store.new_copy_place("before-restore")?;
            store.copy_to_locked(&place)?;
            summary.copy = Some(place.display().to_string());
        }
        // The restore is the newest entry of the restored log.
        let seq = self.seq;
        let entry = LogEntry {
            seq,
            at: crate::store::audit::now(),
            ..super::database_entry(actor, Action::BackupRestored, note.to_string())
        };
        self.staging
            .insert(&keys::id(keys::LOG, seq), &codec::encode(&entry))?;
        self.staging
            .insert(&keys::meta("log_seq"), &codec::encode_u64(seq + 1))?;
        store.switch_to(self.staging)?;
        store.forget_memory();
        store.forget_search();
        drop(guard);
        super::release_memory();
        store.refresh_due_index_if_config_changed()?;
        Ok(summary)
    }
}

/// 128 random bits, hex.
fn random_id() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // Unique enough for keeping calendars apart.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (now ^ (u128::from(std::process::id()) << 64)).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
