//! What travels over the daemon's socket: serde enums in length-prefixed
//! frames. A frame is a u32 big-endian body length, then the body, which
//! `store::codec` encodes (the only code that knows bytes). Records inside
//! messages are already codec records (`codec::encode`), so a record has
//! one byte format whether it is stored or sent.
//!
//! Each side's first frame is [`Request::Hello`] / [`Response::Hello`].
//! Compatibility is decided by [`PROTOCOL`] alone; the version string is
//! there for messages. `Hello`, `Stop` and `StopIfIdle`, and the replies
//! `Hello`, `Stopping` and `Failed`, keep their variant positions and
//! shapes for ever, so any mlps can greet any daemon, read why it was
//! refused, and stop (or replace, when nobody uses it) a daemon of another
//! version. A request that fails is answered with [`Response::Error`],
//! which carries the kind of the failure ([`WireError`]), so the client
//! returns the same [`Error`] the daemon had.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Conflict, Error, Missing, NotFound, Taken};
use crate::store::audit::LogQuery;
use crate::store::codec;

/// The protocol this build speaks. Bump it whenever a variant or field
/// below changes (apart from the frozen ones, which never change).
pub const PROTOCOL: u32 = 9;

/// This build's version, for messages.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The largest frame body either side accepts.
pub const MAX_FRAME: usize = codec::MAX_MESSAGE;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    // Frozen: position 0.
    Hello {
        protocol: u32,
        version: String,
    },
    // Frozen: position 1.
    Stop,
    // Frozen: position 2. Stops the daemon only when no other client is
    // connected (answer `Stopping`); otherwise `Failed` says how many are.
    StopIfIdle,
    Status,
    Clients,
    Client {
        id: u64,
    },
    NetworksOf {
        client: u64,
    },
    Networks,
    Network {
        id: u64,
    },
    CreateClient {
        record: Vec<u8>,
    },
    UpdateClient {
        record: Vec<u8>,
    },
    DeleteClient {
        id: u64,
        revision: Option<u64>,
    },
    CreateNetwork {
        record: Vec<u8>,
    },
    UpdateNetwork {
        record: Vec<u8>,
    },
    DeleteNetwork {
        id: u64,
        revision: Option<u64>,
    },
    RestoreNetwork {
        record: Vec<u8>,
    },
    Import {
        clients: Vec<ImportClient>,
    },
    /// `until` is a day number of `codec::date_to_days`.
    DueUntil {
        until: i32,
    },
    /// Turns this connection into a feed of `Changed` messages, one for
    /// every write any client makes.
    Subscribe,
    /// `DueUntil` with client and network names joined in.
    DueNamedUntil {
        until: i32,
        renewals_only: bool,
    },
    /// Audit log entries (`Response::Records`, oldest first).
    Log {
        query: LogQuery,
    },
    /// Fuzzy jump over every client, contact and network (`Hits`).
    Search {
        query: String,
        limit: u32,
    },
    /// `mlps doctor` (`Checkup`).
    Doctor {
        repair: bool,
    },
    /// What the daemon found worth saying once, such as an upgrade of the
    /// database's format when it opened it (`Notices`). Whoever asks first
    /// is told; later askers get nothing.
    Notices,
    /// Takes a snapshot of every key and value for this connection
    /// (`Snapshot`); `SnapshotPage` then reads it a page at a time.
    Backup,
    /// The next page of this connection's snapshot (`Pairs`; empty at the
    /// end, which lets the snapshot go).
    SnapshotPage,
    /// Pairs of a backup to restore, staged on this connection (`Done`).
    RestorePairs {
        pairs: Vec<(Vec<u8>, Vec<u8>)>,
    },
    /// Replaces the database with the staged pairs (`Restored`), once
    /// they are checked to be `keys` pairs with `digest` (see
    /// `store::backup::Tally`): pairs lost on the way restore nothing.
    RestoreCommit {
        replace: bool,
        note: String,
        keys: u64,
        digest: String,
    },
    /// The database's own id (`DatabaseId`).
    DatabaseId,
    /// The findings of a network (`Records` of findings).
    FindingsOf {
        network: u64,
    },
    /// One finding by id (`Found`).
    Finding {
        id: u64,
    },
    /// A finding record to create (`Record`).
    CreateFinding {
        record: Vec<u8>,
    },
    UpdateFinding {
        record: Vec<u8>,
    },
    DeleteFinding {
        id: u64,
        revision: Option<u64>,
    },
    /// Bulk status change (`Records` of the findings as stored); `status`
    /// is `codec::status_code`, `date` a day number.
    SetFindingStatus {
        ids: Vec<u64>,
        status: u8,
        date: i32,
    },
    /// Finding records (network and revision ignored) to add to a network
    /// (`Imported`).
    ImportFindings {
        network: u64,
        findings: Vec<Vec<u8>>,
        replace: bool,
    },
    /// The network's extension choice (`Record`).
    GapExtensions {
        network: u64,
    },
    SetGapExtensions {
        network: u64,
        record: Vec<u8>,
    },
    /// Every finding (`Records`).
    AllFindings,
    /// Every network's extension choice (`GapExtensions`).
    AllGapExtensions,
    /// Starts an import of many clients on this connection (`Done`): the
    /// counts of clients and networks (`records`) and of findings without
    /// an id, and the highest id given, so that its records take the ids
    /// one `Import` of them would. The clients follow in `ImportChunk`s,
    /// staged beside the database; `ImportCommit` puts them in.
    ImportBegin {
        records: u64,
        findings: u64,
        highest: u64,
    },
    /// The next clients of this connection's import (`Done`).
    ImportChunk {
        clients: Vec<ImportClient>,
    },
    /// Puts this connection's staged import in, all at once (`Imported`).
    ImportCommit,
}

/// One client of an import: ids kept where the document gave them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportClient {
    pub id: Option<u64>,
    pub record: Vec<u8>,
    pub networks: Vec<ImportNetwork>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportNetwork {
    pub id: Option<u64>,
    pub record: Vec<u8>,
    /// Finding records, created under new ids.
    pub findings: Vec<Vec<u8>>,
    /// An extension choice record, when the network made one.
    pub gap_extensions: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    // Frozen: position 0.
    Hello {
        protocol: u32,
        version: String,
    },
    // Frozen: position 1. The daemon exits once in-flight requests finish.
    Stopping,
    // Frozen: position 2. A refusal any mlps can read (see
    // `Response::refused`); `input` keeps bad input (exit 2) apart from
    // the rest. A request that fails is answered with `Error`.
    Failed {
        input: bool,
        message: String,
    },
    Status(DaemonStatus),
    /// One record: what a create, update or restore stored.
    Record(Vec<u8>),
    /// A lookup by id.
    Found(Option<Vec<u8>>),
    /// A list of records, in the store's order.
    Records(Vec<Vec<u8>>),
    Done,
    Imported {
        clients: u64,
        networks: u64,
        findings: u64,
    },
    /// The answer to `Subscribe`; `Changed` messages follow.
    Subscribed,
    /// Records a write touched (deleted ones included), or `everything`
    /// after an import.
    Changed {
        clients: Vec<u64>,
        networks: Vec<u64>,
        everything: bool,
    },
    /// Due records (`codec` bytes) with their client's display name, its
    /// Chinese name, and the network's name (on the wire a list of
    /// `(Vec<u8>, String, String, String)`; see [`DueNamedRows`]).
    DueNamed(DueNamedRows),
    /// Fuzzy-jump hits, best first.
    Hits(Vec<WireHit>),
    /// What `Doctor` found.
    Checkup(crate::store::Checkup),
    /// Sentences to show the user once.
    Notices(Vec<String>),
    /// A snapshot was taken: how many pairs it holds.
    Snapshot {
        keys: u64,
    },
    Pairs(Vec<(Vec<u8>, Vec<u8>)>),
    Restored(crate::store::backup::RestoreSummary),
    DatabaseId(String),
    /// A request that failed, as the kind of failure it was in the daemon
    /// (so the client acts on the kind, never on the sentence).
    Error(WireError),
    /// A change to findings (sent on the change feed, like `Changed`):
    /// the networks whose findings or extension sets were written, and the
    /// findings written or deleted. A client that does not show findings
    /// has nothing to read again.
    FindingsChanged {
        networks: Vec<u64>,
        findings: Vec<u64>,
    },
    /// Network ids with their extension choice records.
    GapExtensions(Vec<(u64, Vec<u8>)>),
}

/// The rows of [`Response::DueNamed`]: each a due record's `codec` bytes,
/// its client's display name, the client's Chinese name and the
/// network's name. On the wire exactly a `Vec<(Vec<u8>, String, String,
/// String)>`; in memory one buffer of every field with where each ends,
/// so that neither the daemon nor the client makes and frees four
/// allocations a row (15 835 rows for `mlps renewals` on the scale data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueNamedRows {
    bytes: Vec<u8>,
    /// Four a row: where its record, client, Chinese name and network end
    /// in `bytes`.
    ends: Vec<usize>,
}

/// One row of [`DueNamedRows`]: record bytes, client, Chinese name,
/// network.
pub type DueNamedRow<'a> = (&'a [u8], &'a str, &'a str, &'a str);

impl DueNamedRows {
    /// Room for `rows` rows of `bytes` bytes in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> DueNamedRows {
        DueNamedRows {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(rows * 4),
        }
    }

    pub fn push(&mut self, record: &[u8], client: &str, client_zh: &str, network: &str) {
        for field in [
            record,
            client.as_bytes(),
            client_zh.as_bytes(),
            network.as_bytes(),
        ] {
            self.bytes.extend_from_slice(field);
            self.ends.push(self.bytes.len());
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len() / 4
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The rows in order. The names were whole strings when pushed or
    /// received, so they always read back as text.
    pub fn iter(&self) -> impl Iterator<Item = DueNamedRow<'_>> {
        let text =
            |from: usize, to: usize| std::str::from_utf8(&self.bytes[from..to]).unwrap_or("");
        self.ends.chunks_exact(4).enumerate().map(move |(i, e)| {
            let start = if i == 0 { 0 } else { self.ends[i * 4 - 1] };
            (
                &self.bytes[start..e[0]],
                text(e[0], e[1]),
                text(e[1], e[2]),
                text(e[2], e[3]),
            )
        })
    }
}

impl Serialize for DueNamedRows {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for (record, client, client_zh, network) in self.iter() {
            seq.serialize_element(&(Bytes(record), client, client_zh, network))?;
        }
        seq.end()
    }
}

/// A record's bytes, laid out as a `Vec<u8>` is (its length, then the
/// bytes) but written and read in one piece rather than byte by byte.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// [`Bytes`] as read back.
struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ByteBuf, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ByteBuf;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }

            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }

            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ByteBuf, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(ByteBuf(out))
            }
        }
        d.deserialize_byte_buf(Visit)
    }
}

impl<'de> Deserialize<'de> for DueNamedRows {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DueNamedRows, D::Error> {
        struct Rows;
        impl<'de> serde::de::Visitor<'de> for Rows {
            type Value = DueNamedRows;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of due records with their names")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<DueNamedRows, A::Error> {
                // The count comes from the sender: room for a sane number
                // of rows at most, more as they arrive.
                let rows = seq.size_hint().unwrap_or(0).min(1 << 16);
                let mut out = DueNamedRows::with_capacity(rows, rows * 112);
                while let Some((ByteBuf(record), client, client_zh, network)) =
                    seq.next_element::<(ByteBuf, String, String, String)>()?
                {
                    out.push(&record, &client, &client_zh, &network);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Rows)
    }
}

/// An [`Error`] as it crosses the socket: its kind, what the kind carries,
/// and its sentence. A type of its own rather than `Error` itself, so the
/// bytes change only with this file (and [`PROTOCOL`]); the conversions
/// both ways match every kind, so a new kind does not compile until it is
/// given a shape here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WireError {
    Input(String),
    Runtime(String),
    OutputClosed,
    /// A write refused because the record changed since it was read: who
    /// changed it and when, so the client can offer to reload or
    /// overwrite.
    Conflict {
        message: String,
        revision: u64,
        by: Option<String>,
        at: Option<i64>,
    },
    /// An import refused because the database holds ids it gave: which.
    Taken {
        message: String,
        clients: Vec<u64>,
        networks: Vec<u64>,
    },
    NotFound {
        message: String,
        what: WireMissing,
        input: bool,
    },
    /// `path` as its bytes: a path need not be UTF-8.
    Io {
        path: Vec<u8>,
        message: String,
    },
    Codec(String),
    Protocol(String),
}

/// [`Missing`] on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WireMissing {
    Client(u64),
    Network(u64),
    NetworkNamed(String),
    Path(Vec<u8>),
    Query(String),
    Finding(u64),
}

fn path_bytes(path: &Path) -> Vec<u8> {
    path.as_os_str().as_bytes().to_vec()
}

fn bytes_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(OsString::from_vec(bytes))
}

impl From<&Error> for WireError {
    fn from(e: &Error) -> WireError {
        match e {
            Error::Input(m) => WireError::Input(m.clone()),
            Error::Runtime(m) => WireError::Runtime(m.clone()),
            Error::OutputClosed => WireError::OutputClosed,
            Error::Conflict(c) => WireError::Conflict {
                message: c.message.clone(),
                revision: c.revision,
                by: c.by.clone(),
                at: c.at,
            },
            Error::Taken(t) => WireError::Taken {
                message: t.message.clone(),
                clients: t.clients.clone(),
                networks: t.networks.clone(),
            },
            Error::NotFound(n) => WireError::NotFound {
                message: n.message.clone(),
                what: match &n.what {
                    Missing::Client(id) => WireMissing::Client(*id),
                    Missing::Network(id) => WireMissing::Network(*id),
                    Missing::NetworkNamed(name) => WireMissing::NetworkNamed(name.clone()),
                    Missing::Path(p) => WireMissing::Path(path_bytes(p)),
                    Missing::Query(q) => WireMissing::Query(q.clone()),
                    Missing::Finding(id) => WireMissing::Finding(*id),
                },
                input: n.input,
            },
            Error::Io { path, message } => WireError::Io {
                path: path_bytes(path),
                message: message.clone(),
            },
            Error::Codec(m) => WireError::Codec(m.clone()),
            Error::Protocol(m) => WireError::Protocol(m.clone()),
        }
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Error {
        match e {
            WireError::Input(m) => Error::Input(m),
            WireError::Runtime(m) => Error::Runtime(m),
            WireError::OutputClosed => Error::OutputClosed,
            WireError::Conflict {
                message,
                revision,
                by,
                at,
            } => Error::Conflict(Box::new(Conflict {
                message,
                revision,
                by,
                at,
            })),
            WireError::Taken {
                message,
                clients,
                networks,
            } => Error::Taken(Box::new(Taken {
                message,
                clients,
                networks,
            })),
            WireError::NotFound {
                message,
                what,
                input,
            } => Error::NotFound(Box::new(NotFound {
                message,
                what: match what {
                    WireMissing::Client(id) => Missing::Client(id),
                    WireMissing::Network(id) => Missing::Network(id),
                    WireMissing::NetworkNamed(name) => Missing::NetworkNamed(name),
                    WireMissing::Path(p) => Missing::Path(bytes_path(p)),
                    WireMissing::Query(q) => Missing::Query(q),
                    WireMissing::Finding(id) => Missing::Finding(id),
                },
                input,
            })),
            WireError::Io { path, message } => Error::Io {
                path: bytes_path(path),
                message,
            },
            WireError::Codec(m) => Error::Codec(m),
            WireError::Protocol(m) => Error::Protocol(m),
        }
    }
}

/// A fuzzy-jump hit: its target as [`crate::domain::search::Target::parts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireHit {
    pub kind: u8,
    pub id: u64,
    pub index: u32,
    pub client: Option<u64>,
    pub label: String,
    pub score: i64,
    pub positions: Vec<u32>,
}

impl WireHit {
    pub fn of(hit: &crate::domain::search::Hit) -> WireHit {
        let (kind, id, index) = hit.target.parts();
        WireHit {
            kind,
            id,
            index,
            client: hit.client.map(|c| c.0),
            label: hit.label.clone(),
            score: hit.score,
            positions: hit
                .positions
                .iter()
                .map(|&p| u32::try_from(p).unwrap_or(u32::MAX))
                .collect(),
        }
    }

    /// The hit; `None` for a target kind this build does not know.
    pub fn hit(self) -> Option<crate::domain::search::Hit> {
        Some(crate::domain::search::Hit {
            target: crate::domain::search::Target::from_parts(self.kind, self.id, self.index)?,
            client: self.client.map(crate::domain::model::ClientId),
            label: self.label,
            score: self.score,
            positions: self.positions.into_iter().map(|p| p as usize).collect(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaemonStatus {
    pub pid: u32,
    pub uptime_secs: u64,
    pub database: String,
    pub version: String,
    pub protocol: u32,
    /// Every open connection, the asking one included.
    pub clients: Vec<PeerStatus>,
    /// The Unix group the database is shared with, if it is.
    pub group: Option<String>,
}

/// A connected client as the kernel reported it (never as it said).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerStatus {
    pub uid: u32,
    pub gid: u32,
    pub pid: Option<i32>,
    pub connected_secs: u64,
    /// A case manager's feed of changes, beside its own connection.
    pub feed: bool,
}

impl Request {
    /// Whether the request only reads, so that asking again is harmless.
    pub fn reads_only(&self) -> bool {
        matches!(
            self,
            Request::Status
                | Request::Clients
                | Request::Client { .. }
                | Request::NetworksOf { .. }
                | Request::Networks
                | Request::Network { .. }
                | Request::DueUntil { .. }
                | Request::DueNamedUntil { .. }
                | Request::Log { .. }
                | Request::Search { .. }
                | Request::Doctor { repair: false }
                | Request::DatabaseId
                | Request::FindingsOf { .. }
                | Request::Finding { .. }
                | Request::GapExtensions { .. }
                | Request::AllFindings
                | Request::AllGapExtensions
        )
    }

    /// The variant's name, for messages (records are not worth printing).
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Hello { .. } => "Hello",
            Request::Stop => "Stop",
            Request::StopIfIdle => "StopIfIdle",
            Request::Status => "Status",
            Request::Clients => "Clients",
            Request::Client { .. } => "Client",
            Request::NetworksOf { .. } => "NetworksOf",
            Request::Networks => "Networks",
            Request::Network { .. } => "Network",
            Request::CreateClient { .. } => "CreateClient",
            Request::UpdateClient { .. } => "UpdateClient",
            Request::DeleteClient { .. } => "DeleteClient",
            Request::CreateNetwork { .. } => "CreateNetwork",
            Request::UpdateNetwork { .. } => "UpdateNetwork",
            Request::DeleteNetwork { .. } => "DeleteNetwork",
            Request::RestoreNetwork { .. } => "RestoreNetwork",
            Request::Import { .. } => "Import",
            Request::DueUntil { .. } => "DueUntil",
            Request::Subscribe => "Subscribe",
            Request::DueNamedUntil { .. } => "DueNamedUntil",
            Request::Log { .. } => "Log",
            Request::Search { .. } => "Search",
            Request::Doctor { .. } => "Doctor",
            Request::Notices => "Notices",
            Request::Backup => "Backup",
            Request::SnapshotPage => "SnapshotPage",
            Request::RestorePairs { .. } => "RestorePairs",
            Request::RestoreCommit { .. } => "RestoreCommit",
            Request::DatabaseId => "DatabaseId",
            Request::FindingsOf { .. } => "FindingsOf",
            Request::Finding { .. } => "Finding",
            Request::CreateFinding { .. } => "CreateFinding",
            Request::UpdateFinding { .. } => "UpdateFinding",
            Request::DeleteFinding { .. } => "DeleteFinding",
            Request::SetFindingStatus { .. } => "SetFindingStatus",
            Request::ImportFindings { .. } => "ImportFindings",
            Request::GapExtensions { .. } => "GapExtensions",
            Request::SetGapExtensions { .. } => "SetGapExtensions",
            Request::AllFindings => "AllFindings",
            Request::AllGapExtensions => "AllGapExtensions",
            Request::ImportBegin { .. } => "ImportBegin",
            Request::ImportChunk { .. } => "ImportChunk",
            Request::ImportCommit => "ImportCommit",
        }
    }
}

impl Response {
    /// The variant's name, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Response::Hello { .. } => "Hello",
            Response::Stopping => "Stopping",
            Response::Failed { .. } => "Failed",
            Response::Status(_) => "Status",
            Response::Record(_) => "Record",
            Response::Found(_) => "Found",
            Response::Records(_) => "Records",
            Response::Done => "Done",
            Response::Imported { .. } => "Imported",
            Response::Subscribed => "Subscribed",
            Response::Changed { .. } => "Changed",
            Response::DueNamed(_) => "DueNamed",
            Response::Hits(_) => "Hits",
            Response::Checkup(_) => "Checkup",
            Response::Notices(_) => "Notices",
            Response::Snapshot { .. } => "Snapshot",
            Response::Pairs(_) => "Pairs",
            Response::Restored(_) => "Restored",
            Response::DatabaseId(_) => "DatabaseId",
            Response::Error(_) => "Error",
            Response::FindingsChanged { .. } => "FindingsChanged",
            Response::GapExtensions(_) => "GapExtensions",
        }
    }

    /// A request that failed, as its kind of failure.
    pub fn failed(e: &Error) -> Response {
        Response::Error(WireError::from(e))
    }

    /// A failure in the frozen `Failed` shape, which any mlps can read: a
    /// refusal before or instead of the greeting, a connection closed for
    /// a bad frame, and the answer to `StopIfIdle`. Only bad input and
    /// anything else are told apart.
    pub fn refused(e: &Error) -> Response {
        Response::Failed {
            input: e.exit_code() == 2,
            message: e.message().to_string(),
        }
    }
}

/// This build's greeting.
pub fn hello_request() -> Request {
    Request::Hello {
        protocol: PROTOCOL,
        version: VERSION.to_string(),
    }
}

pub fn hello_response() -> Response {
    Response::Hello {
        protocol: PROTOCOL,
        version: VERSION.to_string(),
    }
}

/// Whether `version` is an earlier release than this build (numerically,
/// `0.9.0` < `0.10.0`); one that cannot be read is not.
pub fn older_release(version: &str) -> bool {
    let parse = |v: &str| -> Option<Vec<u64>> {
        v.split(['.', '-', '+'])
            .take(3)
            .map(|part| part.parse().ok())
            .collect()
    };
    match (parse(version), parse(VERSION)) {
        (Some(theirs), Some(ours)) => theirs < ours,
        _ => false,
    }
}

/// Whether a peer that greeted with `protocol` / `version` can be spoken
/// to; the refusal names both sides. `peer` says what the peer is.
pub fn check_hello(peer: &str, protocol: u32, version: &str) -> Result<(), String> {
    if protocol == PROTOCOL {
        return Ok(());
    }
    Err(format!(
        "the {peer} is mlps {version} (protocol {protocol}) and this is mlps {VERSION} \
         (protocol {PROTOCOL}); they cannot talk to each other"
    ))
}

/// Why a frame could not be read or written.
#[derive(Debug)]
pub enum FrameError {
    /// The other side closed mid-frame.
    Truncated {
        expected: usize,
        got: usize,
    },
    /// A length above [`MAX_FRAME`].
    TooLarge {
        len: usize,
    },
    /// A whole frame whose body is not a message.
    Garbage(String),
    Io(std::io::Error),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Truncated { expected, got } => write!(
                f,
                "the connection closed in the middle of a frame ({got} of {expected} bytes)"
            ),
            FrameError::TooLarge { len } => write!(
                f,
                "a frame of {len} bytes is over the limit of {MAX_FRAME} bytes"
            ),
            FrameError::Garbage(m) => write!(f, "a frame could not be read: {m}"),
            FrameError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// Writes one frame; a body over the limit is refused, not sent.
pub fn write_frame(w: &mut (impl Write + ?Sized), body: &[u8]) -> Result<(), FrameError> {
    if body.len() > MAX_FRAME {
        return Err(FrameError::TooLarge { len: body.len() });
    }
    // Each stream has one writer at a time, so the header and the body
    // can go out separately, sparing a copy of a large body.
    w.write_all(&(body.len() as u32).to_be_bytes())
        .map_err(FrameError::Io)?;
    w.write_all(body).map_err(FrameError::Io)?;
    w.flush().map_err(FrameError::Io)
}

/// Reads one frame body; `None` when the other side closed cleanly
/// between frames.
pub fn read_frame(r: &mut (impl Read + ?Sized)) -> Result<Option<Vec<u8>>, FrameError> {
    let mut head = [0u8; 4];
    let got = read_full(r, &mut head)?;
    if got == 0 {
        return Ok(None);
    }
    if got < head.len() {
        return Err(FrameError::Truncated { expected: 4, got });
    }
    let len = u32::from_be_bytes(head) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge { len });
    }
    // Room for the whole body up to 16 MiB (a large answer, such as the
    // 1.8 MB of renewals on the scale data, is then never copied as it
    // grows); past that, grow with the bytes that actually arrive. Room
    // that a length which lies asks for is never touched, so it costs no
    // memory.
    let mut body = Vec::with_capacity(len.min(16 << 20));
    r.take(len as u64)
        .read_to_end(&mut body)
        .map_err(FrameError::Io)?;
    if body.len() < len {
        return Err(FrameError::Truncated {
            expected: 4 + len,
            got: 4 + body.len(),
        });
    }
    Ok(Some(body))
}

/// Fills `buf` as far as the stream allows; the count read.
fn read_full(r: &mut (impl Read + ?Sized), buf: &mut [u8]) -> Result<usize, FrameError> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    Ok(filled)
}

/// Sends one message as one frame.
pub fn send<T: Serialize>(w: &mut (impl Write + ?Sized), message: &T) -> Result<(), FrameError> {
    write_frame(w, &codec::encode_message(message))
}

/// Receives one message; `None` when the other side closed cleanly.
pub fn receive<T: DeserializeOwned>(r: &mut (impl Read + ?Sized)) -> Result<Option<T>, FrameError> {
    match read_frame(r)? {
        Some(body) => codec::decode_message(&body)
            .map(Some)
            .map_err(|e| FrameError::Garbage(e.0)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn framed(message: &impl Serialize) -> Vec<u8> {
        let mut out = Vec::new();
        send(&mut out, message).unwrap();
        out
    }

    #[test]
    fn messages_round_trip() {
        let requests = [
            hello_request(),
            Request::Stop,
            Request::UpdateClient {
                record: vec![0, 1, 2, 255],
            },
            Request::Import {
                clients: vec![ImportClient {
                    id: Some(7),
                    record: vec![1; 300],
                    networks: vec![ImportNetwork {
                        id: None,
                        record: vec![],
                        findings: vec![vec![0, 1]],
                        gap_extensions: Some(vec![]),
                    }],
                }],
            },
            Request::DueUntil { until: -5 },
        ];
        let mut stream = Vec::new();
        for r in &requests {
            stream.extend(framed(r));
        }
        let mut cursor = Cursor::new(stream);
        for r in &requests {
            assert_eq!(&receive::<Request>(&mut cursor).unwrap().unwrap(), r);
        }
        assert!(receive::<Request>(&mut cursor).unwrap().is_none());

        let status = Response::Status(DaemonStatus {
            pid: 42,
            uptime_secs: 3,
            database: "/srv/mlps 上海".into(),
            version: VERSION.into(),
            protocol: PROTOCOL,
            clients: vec![PeerStatus {
                uid: 1000,
                gid: 1000,
                pid: Some(9),
                connected_secs: 1,
                feed: false,
            }],
            group: Some("团队 team".into()),
        });
        for r in [
            status,
            Response::Found(None),
            Response::failed(&Error::input("bad")),
        ] {
            let back: Response = receive(&mut Cursor::new(framed(&r))).unwrap().unwrap();
            assert_eq!(back, r);
        }
    }

    /// Any mlps must be able to greet and stop any other: these bytes may
    /// never change.
    #[test]
    fn frozen_messages_keep_their_bytes() {
        let hello = Request::Hello {
            protocol: 1,
            version: "0.1.0".into(),
        };
        assert_eq!(
            codec::encode_message(&hello),
            [0, 1, 5, b'0', b'.', b'1', b'.', b'0']
        );
        assert_eq!(codec::encode_message(&Request::Stop), [1]);
        assert_eq!(codec::encode_message(&Request::StopIfIdle), [2]);
        assert_eq!(codec::encode_message(&Response::Stopping), [1]);
        assert_eq!(
            codec::encode_message(&Response::Failed {
                input: true,
                message: "x".into()
            }),
            [2, 1, 1, b'x']
        );
    }

    #[test]
    fn releases_compare_by_number() {
        assert!(older_release("0.0.1"));
        assert!(!older_release(VERSION));
        assert!(!older_release("99.0.0"));
        assert!(!older_release("not a version"));
        let newer_minor = format!("0.{}.0", u64::MAX);
        assert!(!older_release(&newer_minor));
    }

    #[test]
    fn a_truncated_frame_is_an_error() {
        let bytes = framed(&Request::CreateClient {
            record: vec![7; 40],
        });
        for cut in 1..bytes.len() {
            match read_frame(&mut Cursor::new(&bytes[..cut])) {
                Err(FrameError::Truncated { .. }) => {}
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
        assert!(read_frame(&mut Cursor::new(&[][..])).unwrap().is_none());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let bodies: [&[u8]; 5] = [
            &[],
            &[200],
            &[0, 1],
            // CreateClient claiming a record of 2^60 bytes.
            &[8, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0x10],
            // Stop with a stray byte.
            &[1, 0],
        ];
        for body in bodies {
            let mut frame = Vec::new();
            write_frame(&mut frame, body).unwrap();
            match receive::<Request>(&mut Cursor::new(frame)) {
                Err(FrameError::Garbage(_)) => {}
                other => panic!("{body:?}: {other:?}"),
            }
        }
    }

    /// A reader that fails the test if more than the header is read: an
    /// oversized length must be refused before any body is read or
    /// allocated for.
    struct HeaderOnly(Cursor<Vec<u8>>);

    impl Read for HeaderOnly {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            assert!(self.0.position() < 4, "read past the header");
            let want = buf.len().min(4 - self.0.position() as usize);
            self.0.read(&mut buf[..want])
        }
    }

    #[test]
    fn an_oversized_length_is_refused_before_reading_the_body() {
        for len in [MAX_FRAME as u32 + 1, u32::MAX] {
            let mut bytes = len.to_be_bytes().to_vec();
            bytes.extend([0; 16]);
            match read_frame(&mut HeaderOnly(Cursor::new(bytes))) {
                Err(FrameError::TooLarge { len: l }) => assert_eq!(l, len as usize),
                other => panic!("{other:?}"),
            }
        }
        let big = vec![0u8; MAX_FRAME + 1];
        assert!(matches!(
            write_frame(&mut Vec::new(), &big),
            Err(FrameError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_length_that_lies_is_a_truncated_frame() {
        let mut bytes = (MAX_FRAME as u32).to_be_bytes().to_vec();
        bytes.extend([1, 2, 3]);
        match read_frame(&mut Cursor::new(bytes)) {
            Err(FrameError::Truncated { expected, got }) => {
                assert_eq!((expected, got), (4 + MAX_FRAME, 7));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_version_mismatch_names_both_versions() {
        assert!(check_hello("daemon", PROTOCOL, "anything").is_ok());
        let e = check_hello("daemon", PROTOCOL + 1, "9.9.9").unwrap_err();
        assert!(e.contains("mlps 9.9.9"), "{e}");
        assert!(e.contains(&format!("protocol {}", PROTOCOL + 1)), "{e}");
        assert!(e.contains(&format!("mlps {VERSION}")), "{e}");
        assert!(e.contains(&format!("protocol {PROTOCOL}")), "{e}");
    }

    #[test]
    fn the_kind_of_a_failure_crosses_the_socket_not_only_its_sentence() {
        let taken = Error::Taken(Box::new(crate::error::Taken {
            message: "client id 7 already exists".into(),
            clients: vec![7],
            networks: vec![9],
        }));
        let wire = codec::encode_message(&Response::failed(&taken));
        match codec::decode_message::<Response>(&wire).unwrap() {
            Response::Error(WireError::Taken {
                clients, networks, ..
            }) => assert_eq!((clients, networks), (vec![7], vec![9])),
            other => panic!("{other:?}"),
        }
        assert_eq!(taken.exit_code(), 2);
        let input = Response::failed(&Error::input("bad"));
        assert!(matches!(input, Response::Error(WireError::Input(_))));
    }

    /// One error of every kind, each with what it carries.
    fn every_kind() -> Vec<Error> {
        use std::os::unix::ffi::OsStrExt;
        let odd_path = PathBuf::from(std::ffi::OsStr::from_bytes(b"/srv/\xff\xfe db"));
        vec![
            Error::input("cases.json:3:7: at clients[0].name: expected a string"),
            Error::runtime("could not follow changes: no threads left"),
            Error::OutputClosed,
            Error::Conflict(Box::new(Conflict {
                message: "client \"Acme\" was changed by ann at 10:02".into(),
                revision: 4,
                by: Some("ann".into()),
                at: Some(1_700_000_000),
            })),
            Error::Conflict(Box::new(Conflict {
                message: "network \"ERP\" was changed meanwhile".into(),
                revision: 2,
                by: None,
                at: None,
            })),
            Error::Taken(Box::new(Taken {
                message: "client id 7 already exists".into(),
                clients: vec![7],
                networks: vec![9, 10],
            })),
            Error::not_found(
                Missing::Client(424242),
                "network \"ERP\": client 424242 does not exist",
            ),
            Error::gone(Missing::Network(5), "network \"ERP\" no longer exists"),
            Error::not_found(
                Missing::NetworkNamed("上海/ERP".into()),
                "no network is named \"上海/ERP\"",
            ),
            Error::not_found(Missing::Path(odd_path.clone()), "no database there"),
            Error::not_found(
                Missing::Query("渝信 bank".into()),
                "no client or network matches \"渝信 bank\"",
            ),
            Error::io("/srv/mlps 上海/store", "Permission denied (os error 13)"),
            Error::io_said(odd_path, "could not read it"),
            Error::codec("database /srv: record [02, 00]: client record is damaged"),
            Error::protocol("lost the connection to the mlps daemon for /srv"),
        ]
    }

    #[test]
    fn every_kind_of_failure_round_trips_through_the_protocol() {
        let kinds = every_kind();
        for e in &kinds {
            let framed = framed(&Response::failed(e));
            let back: Response = receive(&mut Cursor::new(framed)).unwrap().unwrap();
            let Response::Error(wire) = back else {
                panic!("{e:?} came back as {back:?}");
            };
            let back = Error::from(wire);
            assert_eq!(&back, e);
            assert_eq!(back.exit_code(), e.exit_code(), "{e:?}");
            assert_eq!(back.message(), e.message(), "{e:?}");
        }
        // Every variant of `Error` is in the list (a new one fails to
        // compile here until it is added).
        let kind = |e: &Error| match e {
            Error::Input(_) => 0,
            Error::Runtime(_) => 1,
            Error::OutputClosed => 2,
            Error::Conflict(_) => 3,
            Error::Taken(_) => 4,
            Error::NotFound(_) => 5,
            Error::Io { .. } => 6,
            Error::Codec(_) => 7,
            Error::Protocol(_) => 8,
        };
        let seen: std::collections::BTreeSet<i32> = kinds.iter().map(kind).collect();
        assert_eq!(seen, (0..=8).collect());
    }

    /// What an mlps of any version reads keeps its frozen shape, kind or no
    /// kind: bad input (exit 2) or not.
    #[test]
    fn a_refusal_is_the_frozen_failed_answer() {
        for e in every_kind() {
            match Response::refused(&e) {
                Response::Failed { input, message } => {
                    assert_eq!(input, e.exit_code() == 2, "{e:?}");
                    assert_eq!(message, e.message());
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
