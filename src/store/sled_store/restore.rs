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
        self.tree
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

    /// Replaces every record with the pairs of a backup, in one atomic
    /// batch, logged as `actor`'s. Refused, with nothing changed, when a
    /// record of the backup does not read, when it is of a newer format,
    /// or when the database holds records and `replace` is not set. A
    /// database that held anything is copied under `DIR/backups` first.
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
        let mut tally = crate::store::backup::Tally::default();
        for (k, v) in &pairs {
            tally
                .add(k, v)
                .map_err(|_| Error::input("the backup holds a key twice: nothing was restored"))?;
        }
        if let Some((keys, digest)) = expect
            && (tally.keys != keys || tally.digest() != digest)
        {
            return Err(Error::protocol(format!(
                "the daemon received {} pairs with digest {} of a backup of {keys} pairs with \
                 digest {digest}: some were lost on the way, so nothing was restored",
                tally.keys,
                tally.digest()
            )));
        }
        let schema_key = keys::meta("schema");
        let schema = pairs
            .iter()
            .find(|(k, _)| *k == schema_key)
            .and_then(|(_, v)| codec::decode_u64(v).ok())
            .ok_or_else(|| Error::input("the backup has no database format mark: not restored"))?;
        if schema > SCHEMA {
            return Err(Error::input(format!(
                "the backup is of database format {schema}, written by a newer mlps \
                 (this one reads up to {SCHEMA}): not restored"
            )));
        }
        let mut summary = RestoreSummary {
            keys: pairs.len() as u64,
            ..RestoreSummary::default()
        };
        // Every record is read, and brought to the current shapes, before
        // anything is replaced: the restore is then one batch.
        let mut upgrade = super::migrate::Upgrade::with_rules(self.config().settings.rules);
        let mut current = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match k.first() {
                Some(&keys::CLIENT) => summary.clients += 1,
                Some(&keys::NETWORK) => summary.networks += 1,
                _ => {}
            }
            match upgrade.pair(&k, &v) {
                Ok(super::migrate::Upgraded::Same) => current.push((k, v)),
                Ok(super::migrate::Upgraded::Rewritten(bytes)) => current.push((k, bytes)),
                Ok(super::migrate::Upgraded::Dropped) => {}
                Err(e) => {
                    return Err(Error::input(format!(
                        "the backup's record {k:02x?} does not read ({e}): nothing was restored"
                    )));
                }
            }
        }
        let rebuild = upgrade.finish();
        current.retain(|(k, _)| !rebuild.contains(k));
        if schema < SCHEMA {
            summary.upgraded_from = Some(schema);
            for (k, v) in current.iter_mut() {
                if *k == schema_key {
                    *v = codec::encode_u64(SCHEMA).to_vec();
                }
            }
        }
        let mut pairs = current;
        // A backup older than the database's id keeps the id it has, so
        // calendars keep their UIDs.
        let id_key = keys::meta("database_id");
        if !pairs.iter().any(|(k, _)| *k == id_key)
            && let Some(id) = self.get(&id_key)?
        {
            pairs.push((id_key, id.to_vec()));
        }
        let guard = self.lock();
        let held = self
            .tree
            .scan_prefix([keys::CLIENT])
            .chain(self.tree.scan_prefix([keys::LOG]))
            .next()
            .is_some();
        let clients_now = self.tree.scan_prefix([keys::CLIENT]).count();
        if clients_now > 0 && !replace {
            return Err(Error::input(format!(
                "the database {} holds {clients_now} client{}: restoring would replace them; \
                 run mlps restore again with --replace (the database as it is now is copied \
                 under {} first)",
                self.path.display(),
                if clients_now == 1 { "" } else { "s" },
                self.path.join(super::BACKUPS).display()
            )));
        }
        if held {
            let place = self.new_copy_place("before-restore")?;
            self.copy_to_locked(&place)?;
            summary.copy = Some(place.display().to_string());
        }

        let mut batch = sled::Batch::default();
        for kv in self.tree.iter() {
            let (k, _) = kv.map_err(|e| db_error(&self.path, e))?;
            batch.remove(k);
        }
        // The restore is the newest entry of the restored log.
        let seq_key = keys::meta("log_seq");
        let mut seq = 1;
        for (k, v) in pairs {
            if k == seq_key {
                seq = codec::decode_u64(&v).unwrap_or(1).max(seq);
            }
            if k.first() == Some(&keys::LOG) {
                seq = keys::tail_id(&k).map_or(seq, |s| seq.max(s + 1));
            }
            batch.insert(k, v);
        }
        let entry = LogEntry {
            seq,
            at: crate::store::audit::now(),
            uid: actor.uid,
            user: actor.user.clone(),
            action: Action::BackupRestored,
            client: None,
            client_name: String::new(),
            network: None,
            network_name: String::new(),
            finding: None,
            before: None,
            after: None,
            note: note.to_string(),
        };
        batch.insert(&keys::id(keys::LOG, seq), codec::encode(&entry));
        batch.insert(seq_key, &codec::encode_u64(seq + 1));
        self.commit(batch)?;
        self.forget_memory();
        self.forget_search();
        drop(guard);
        self.refresh_due_index_if_config_changed()?;
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
