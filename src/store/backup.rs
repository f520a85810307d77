//! Backups: every stored key and value of a database at one moment, in a
//! folder of their own. The folder holds `store/`, a sled database with the
//! pairs exactly as they were stored (so a backup needs no format of its
//! own and any later mlps reads it as it reads an old database), and
//! `mlps-backup.json`, which says what the copy holds and carries a digest
//! of it. The manifest is written last: a folder without one is not a
//! backup, so a copy cut off half-way is never restored.

use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::codec::{self, keys};

pub const MANIFEST: &str = "mlps-backup.json";
pub const FORMAT: &str = "mlps-backup";
const VERSION: u32 = 1;

/// How much a backup or restore sends in one protocol message.
pub const PAGE_BYTES: usize = 4 << 20;

/// Key and value pairs, in key order.
pub type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The database format of the records inside.
    pub schema: u64,
    /// When it was taken, UTC, RFC 3339.
    pub created: String,
    /// The database it was taken from.
    pub source: String,
    pub keys: u64,
    pub clients: u64,
    pub networks: u64,
    /// FNV-1a (64 bits, hex) over every key and value in key order, each
    /// preceded by its length: a damaged or cut copy does not match.
    pub digest: String,
}

/// What a restore put in place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreSummary {
    pub clients: u64,
    pub networks: u64,
    pub keys: u64,
    /// Where the database as it was before the restore was copied, when it
    /// held anything.
    pub copy: Option<String>,
    /// The format the backup was in, when it was upgraded after restoring.
    pub upgraded_from: Option<u64>,
}

/// The running digest and counts of a stream of pairs.
#[derive(Debug, Clone)]
pub struct Tally {
    hash: u64,
    previous: Option<Vec<u8>>,
    pub keys: u64,
    pub clients: u64,
    pub networks: u64,
    pub schema: Option<u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            hash: 0xcbf2_9ce4_8422_2325,
            previous: None,
            keys: 0,
            clients: 0,
            networks: 0,
            schema: None,
        }
    }
}

impl Tally {
    /// Counts one pair; pairs must come in increasing key order, as sled
    /// holds them, so that the digest is one for the same contents.
    pub fn add(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        if self.previous.as_deref().is_some_and(|p| p >= key) {
            return Err(Error::runtime(
                "backup pairs arrived out of order: the copy would not be the database",
            ));
        }
        for part in [key, value] {
            for b in (part.len() as u64).to_be_bytes().iter().chain(part) {
                self.hash = (self.hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        self.keys += 1;
        match key.first() {
            Some(&keys::CLIENT) => self.clients += 1,
            Some(&keys::NETWORK) => self.networks += 1,
            _ => {}
        }
        if key == keys::meta("schema").as_slice() {
            self.schema = codec::decode_u64(value).ok();
        }
        self.previous = Some(key.to_vec());
        Ok(())
    }

    pub fn digest(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

/// Writes a new backup folder.
pub struct Writer {
    dir: PathBuf,
    db: sled::Db,
    tree: sled::Tree,
    batch: sled::Batch,
    pending: usize,
    tally: Tally,
}

fn io(place: &Path, e: impl std::fmt::Display) -> Error {
    Error::runtime(format!("{}: {e}", place.display()))
}

impl Writer {
    /// Starts a backup in `dir`, which must not exist or be empty; it is
    /// made private to the user (a backup holds every record).
    pub fn create(dir: &Path) -> Result<Writer> {
        match std::fs::read_dir(dir) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(Error::input(format!(
                        "{} is not empty: a backup goes into a new or empty folder, \
                         for example one named after the date",
                        dir.display()
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| io(dir, e))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
                return Err(Error::input(format!(
                    "{} is a file; a backup goes into a folder",
                    dir.display()
                )));
            }
            Err(e) => return Err(io(dir, e)),
        }
        let db = sled::Config::new()
            .path(dir.join("store"))
            .cache_capacity(8 << 20)
            .open()
            .map_err(|e| io(dir, e))?;
        let tree = db.open_tree("cases").map_err(|e| io(dir, e))?;
        Ok(Writer {
            dir: dir.to_path_buf(),
            db,
            tree,
            batch: sled::Batch::default(),
            pending: 0,
            tally: Tally::default(),
        })
    }

    pub fn add(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.tally.add(key, value)?;
        self.batch.insert(key, value);
        self.pending += key.len() + value.len();
        if self.pending > PAGE_BYTES * 2 {
            self.tree
                .apply_batch(std::mem::take(&mut self.batch))
                .map_err(|e| io(&self.dir, e))?;
            self.pending = 0;
        }
        Ok(())
    }

    /// Puts everything on disk, then the manifest (written aside and
    /// renamed, so it is whole or absent). Returns it.
    pub fn finish(self, source: &str) -> Result<Manifest> {
        let Writer {
            dir,
            db,
            tree,
            batch,
            tally,
            ..
        } = self;
        tree.apply_batch(batch).map_err(|e| io(&dir, e))?;
        db.flush().map_err(|e| io(&dir, e))?;
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            schema: tally.schema.ok_or_else(|| {
                Error::runtime("the database has no format mark; nothing to back up")
            })?,
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source: source.to_string(),
            keys: tally.keys,
            clients: tally.clients,
            networks: tally.networks,
            digest: tally.digest(),
        };
        let text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises") + "\n";
        let aside = dir.join(format!(".{MANIFEST}.partial"));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&aside)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&aside, dir.join(MANIFEST))?;
            std::fs::File::open(&dir)?.sync_all()
        };
        write().map_err(|e| io(&dir, e))?;
        Ok(manifest)
    }
}

/// Reads a backup folder whole, checking it against its manifest.
pub fn read(dir: &Path) -> Result<(Manifest, Pairs)> {
    let manifest_path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::input(if dir.join("store").is_dir() {
                format!(
                    "{} has no {MANIFEST}: the backup was cut off before it was complete, \
                     so it is not restored",
                    dir.display()
                )
            } else {
                format!(
                    "{} is not an mlps backup (there is no {MANIFEST}); mlps backup DIR makes one",
                    dir.display()
                )
            }));
        }
        Err(e) => return Err(io(&manifest_path, e)),
    };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        Error::input(format!(
            "{}:{}:{}: {e}",
            manifest_path.display(),
            e.line(),
            e.column()
        ))
    })?;
    if manifest.format != FORMAT || manifest.version != VERSION {
        return Err(Error::input(format!(
            "{}: expected format \"{FORMAT}\" version {VERSION}, found {:?} version {}",
            manifest_path.display(),
            manifest.format,
            manifest.version
        )));
    }
    let store = dir.join("store");
    if !store.join("conf").is_file() {
        return Err(Error::input(format!(
            "{} is missing: the backup is incomplete",
            store.display()
        )));
    }
    let db = sled::Config::new()
        .path(&store)
        .cache_capacity(8 << 20)
        .open()
        .map_err(|e| io(&store, e))?;
    let tree = db.open_tree("cases").map_err(|e| io(&store, e))?;
    let mut tally = Tally::default();
    let mut pairs = Vec::new();
    for kv in tree.iter() {
        let (k, v) = kv.map_err(|e| io(&store, e))?;
        tally.add(&k, &v)?;
        pairs.push((k.to_vec(), v.to_vec()));
    }
    if tally.keys != manifest.keys || tally.digest() != manifest.digest {
        return Err(Error::input(format!(
            "backup {} is damaged: it holds {} keys with digest {}, but its manifest says {} keys \
             with digest {}; nothing was restored",
            dir.display(),
            tally.keys,
            tally.digest(),
            manifest.keys,
            manifest.digest
        )));
    }
    Ok((manifest, pairs))
}
