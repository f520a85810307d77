//! Backups: every stored key and value of a database at one moment, in a
//! folder of their own. The folder holds `records.bin`, the pairs exactly
//! as they were stored, in key order (so a backup needs no record format
//! of its own, and any later mlps reads it as it reads an old database),
//! and `mlps-backup.json`, which says what the copy holds and carries a
//! digest of it. The manifest is written last: a folder without one is not
//! a backup, so a copy cut off half-way is never restored.
//!
//! `records.bin` is `MLPSBAK1`, then for each pair its key and value, each
//! a u32 big-endian length and the bytes. It is written as it arrives, so
//! taking a backup needs memory for one page, not for the database.

use std::io::{BufReader, BufWriter, Read, Write};
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

    /// The key counted last.
    pub fn last_key(&self) -> Option<&[u8]> {
        self.previous.as_deref()
    }

    pub fn digest(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

/// The file of pairs in a backup folder.
pub const RECORDS: &str = "records.bin";
const MAGIC: &[u8; 8] = b"MLPSBAK1";

/// Writes a new backup folder.
pub struct Writer {
    dir: PathBuf,
    out: BufWriter<std::fs::File>,
    tally: Tally,
}

fn io(place: &Path, e: impl std::fmt::Display) -> Error {
    Error::io(place, e)
}

impl Writer {
    /// Starts a backup in `dir`, which must not exist or be empty; it is
    /// made private to the user (a backup holds every record).
    pub fn create(dir: &Path) -> Result<Writer> {
        Writer::create_with_mode(dir, 0o700)
    }

    /// [`create`](Writer::create), the folders it makes given `mode`
    /// (less the umask): a copy the database keeps inside its own
    /// directory is the group's when the database is shared, as the
    /// directory around it decides who may enter.
    pub fn create_with_mode(dir: &Path, mode: u32) -> Result<Writer> {
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
                    .mode(mode)
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
        let path = dir.join(RECORDS);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(MAGIC).map_err(|e| io(&path, e))?;
        Ok(Writer {
            dir: dir.to_path_buf(),
            out,
            tally: Tally::default(),
        })
    }

    pub fn add(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.tally.add(key, value)?;
        let path = || self.dir.join(RECORDS);
        for part in [key, value] {
            let len = u32::try_from(part.len())
                .map_err(|_| Error::runtime("a record is over 4 GiB and cannot be backed up"))?;
            self.out
                .write_all(&len.to_be_bytes())
                .and_then(|()| self.out.write_all(part))
                .map_err(|e| io(&path(), e))?;
        }
        Ok(())
    }

    /// Puts everything on disk, then the manifest (written aside and
    /// renamed, so it is whole or absent). Returns it.
    pub fn finish(self, source: &str) -> Result<Manifest> {
        let Writer { dir, out, tally } = self;
        let path = dir.join(RECORDS);
        let file = out.into_inner().map_err(|e| io(&path, e.error()))?;
        file.sync_all().map_err(|e| io(&path, e))?;
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
            return Err(Error::input(if dir.join(RECORDS).is_file() {
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
    let path = dir.join(RECORDS);
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::input(format!(
                "{} is missing: the backup is incomplete",
                path.display()
            )));
        }
        Err(e) => return Err(io(&path, e)),
    };
    let damaged = |why: &str| {
        Error::input(format!(
            "backup {} is damaged: {why}; nothing was restored",
            dir.display()
        ))
    };
    let mut input = BufReader::with_capacity(1 << 20, file);
    let mut magic = [0u8; 8];
    input
        .read_exact(&mut magic)
        .ok()
        .filter(|()| &magic == MAGIC)
        .ok_or_else(|| {
            damaged(&format!(
                "{RECORDS} does not start as a backup's records do"
            ))
        })?;
    let mut tally = Tally::default();
    let mut pairs = Vec::new();
    // A length is trusted only as far as the manifest's count allows
    // reading on; a damaged one meets the end of the file.
    let size = std::fs::metadata(&path).map_err(|e| io(&path, e))?.len();
    let part = |input: &mut BufReader<std::fs::File>| -> Result<Option<Vec<u8>>> {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(io(&path, e)),
        }
        let len = u64::from(u32::from_be_bytes(len));
        if len > size {
            return Err(damaged("a length runs past the end of the file"));
        }
        let mut bytes = vec![0u8; len as usize];
        input
            .read_exact(&mut bytes)
            .map_err(|_| damaged("it ends inside a record"))?;
        Ok(Some(bytes))
    };
    while let Some(key) = part(&mut input)? {
        let value = part(&mut input)?.ok_or_else(|| damaged("it ends after a key"))?;
        tally
            .add(&key, &value)
            .map_err(|_| damaged("its records are out of order"))?;
        pairs.push((key, value));
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
