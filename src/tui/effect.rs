//! What [`update`](crate::tui::app::update) asks for and cannot do itself:
//! reading and writing the store, writing a file, finding the database
//! again. `update` returns these as data; the session
//! ([`crate::tui::session`]) carries them out and feeds what happened back
//! to `update` as a [`Msg`](crate::tui::app::Msg). So `update` does no
//! I/O, and its tests need no database: they check the effects asked for
//! and answer them by hand.

use crate::domain::model::{Client, ClientId, Network, NetworkId};
use crate::store::audit::{LogEntry, LogQuery};
use crate::tui::app::Undo;
use crate::tui::edit::{FormTarget, Record};
use crate::tui::form::Version;
use crate::tui::reads::Ask;

/// One thing for the session to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read every client again (answered by `Msg::Clients`).
    Reload(Reload),
    /// Read what the screen needs, possibly on the reader thread
    /// (answered by `Msg::Read`, perhaps after later keys).
    Read(Ask),
    /// Read a record as the store has it now, with its change log
    /// (answered by `Msg::Fetched`).
    Fetch(Record, Purpose),
    /// Write a client or network (answered by `Msg::Saved`).
    Save(Box<Save>),
    /// Delete a client or a network (answered by `Msg::Deleted`).
    Delete(Delete),
    /// Undo one of the session's edits in the store (answered by
    /// `Msg::Undid`).
    Undo(Box<UndoStep>, UndoWrite),
    /// Read records again (answered by `Msg::Refreshed`).
    Refresh(Box<Refresh>),
    /// Read a change history (answered by `Msg::History`).
    History { query: LogQuery, title: String },
    /// Read the renewals agenda (answered by `Msg::Agenda`).
    Agenda {
        today: chrono::NaiveDate,
        within: u32,
        due_soon_days: u32,
    },
    /// Read the triage list (answered by `Msg::Triage`).
    Triage {
        today: chrono::NaiveDate,
        config: Box<crate::domain::settings::Config>,
    },
    /// Write a report file (answered by `Msg::Written`).
    WriteFile(Box<WriteFile>),
    /// Read or write findings for the Gaps view (answered by `Msg::Gaps`).
    Gaps(crate::tui::gaps::GapsDo),
    /// Find the database again after its daemon went away (answered by
    /// `Msg::Reconnected`).
    Reconnect,
    /// Try [`Effect::Reconnect`] again after a pause.
    ReconnectLater,
}

/// Why the clients are read again, which says what follows.
#[derive(Debug, Clone, PartialEq)]
pub enum Reload {
    /// The first read, or an answer that needs no word.
    Quiet,
    /// `:reload`.
    Command,
    /// Another session changed too much to list: keep the selection.
    Change(Selection),
    /// Back in touch with the database: keep the selection and say so.
    Reconnected(Selection, Link),
}

/// The selected client and network, to select again after a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Selection {
    pub client: Option<ClientId>,
    pub network: Option<NetworkId>,
}

/// How the session reaches its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// A daemon on this machine.
    Local,
    /// Over ssh.
    Remote,
}

/// What a fetched record is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// The form's base is older than the record in view: show the
    /// conflict dialog.
    Conflict,
    /// The dialog's "reload theirs".
    Reload,
    /// The dialog's "save mine over theirs".
    Overwrite,
    /// Undo an edit of a record: merge back over what is stored now.
    Undo(Box<UndoStep>),
}

/// A record as the store has it now: `None` when deleted. The log is the
/// record's own change history (a client's without its networks' changes),
/// oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub version: Option<Version>,
    pub log: Vec<LogEntry>,
}

impl Stored {
    /// Who made the newest change to the record, as the log has it.
    pub fn last_changed_by(&self) -> Option<&str> {
        self.log.last().map(|e| e.user.as_str())
    }
}

/// A write of a client or a network.
#[derive(Debug, Clone, PartialEq)]
pub struct Save {
    /// What the store holds (`None`: create the record).
    pub before: Option<Version>,
    pub after: Version,
    /// What to call the change on the status line.
    pub what: String,
    /// The form (or conflict dialog) waiting on the save, if any.
    pub form: Option<FormTarget>,
}

impl Save {
    /// The stored record the write changes; `None` for a new one.
    pub fn record(&self) -> Option<Record> {
        self.before.as_ref().map(|_| Record::of(&self.after))
    }
}

/// A delete, of exactly the versions the confirmation showed.
#[derive(Debug, Clone, PartialEq)]
pub enum Delete {
    /// A client and the networks the confirmation counted: refused when
    /// the store holds a network not among them, or changed since.
    Client {
        client: Box<Client>,
        networks: Vec<Network>,
    },
    Network(Box<Network>),
}

/// One step of undo under way.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoStep {
    pub step: Undo,
    /// `adding client X`, `the edit of network Y`.
    pub what: String,
    /// What to read back afterwards: (client, network).
    pub client: Option<ClientId>,
    pub network: Option<NetworkId>,
    /// The later changes of others it kept (`bob's later change to notes`).
    pub kept: String,
    /// Whether it writes anything (an edit undone already does not).
    pub writes: bool,
}

impl UndoStep {
    /// Whether the step reverts an edit (rather than an add or a delete).
    pub fn is_edit(&self) -> bool {
        matches!(
            self.step,
            Undo::Client {
                before: Some(_),
                ..
            } | Undo::Network {
                before: Some(_),
                ..
            }
        )
    }
}

/// What undo writes.
#[derive(Debug, Clone, PartialEq)]
pub enum UndoWrite {
    /// Delete a client this session added, unless someone has added a
    /// network to it since.
    DeleteAddedClient { id: ClientId, revision: u64 },
    /// Delete a network this session added.
    DeleteAddedNetwork { id: NetworkId, revision: u64 },
    /// Put back a client this session deleted, with its networks.
    RestoreClient {
        client: Box<Client>,
        networks: Vec<Network>,
    },
    /// Put back a network this session deleted.
    RestoreNetwork(Box<Network>),
    /// Write the record with the edit reverted.
    Put(Version),
    /// Nothing to write: the edit is undone already.
    Nothing,
}

/// Records to read again.
#[derive(Debug, Clone, PartialEq)]
pub struct Refresh {
    pub records: Vec<Record>,
    /// Read this client's networks too.
    pub networks_of: Option<ClientId>,
    /// Read who made each record's newest change as well.
    pub authors: bool,
    pub why: Refreshed,
}

/// Why records are read again.
#[derive(Debug, Clone, PartialEq)]
pub enum Refreshed {
    /// Another session wrote them: tell when a change of this session's
    /// was replaced, and keep the selection.
    Change(Selection),
    /// An undo step is done (or was refused as a conflict, `done: false`).
    Undone { step: Box<UndoStep>, done: bool },
}

/// One record as read again.
#[derive(Debug, Clone, PartialEq)]
pub struct Fresh {
    pub record: Record,
    pub version: Option<Version>,
    /// Who made its newest change, when asked for.
    pub by: Option<String>,
}

/// What came back from a [`Refresh`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FreshRecords {
    pub records: Vec<Fresh>,
    pub networks: Option<(ClientId, Vec<Network>)>,
}

/// A report to write.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteFile {
    /// The folder as typed (`~/` is the home folder); `None`: the folder
    /// the case manager was started in.
    pub dir: Option<String>,
    pub file_name: String,
    /// What the report is of: the session renders it with the network's
    /// findings as the store holds them (the rectification plan).
    pub client: Box<crate::domain::model::Client>,
    pub of: Box<crate::domain::model::Network>,
    pub format: crate::formats::report::ReportFormat,
    /// The network the report is of, for the status line.
    pub network: String,
}

/// Why a report was not written.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteFailed {
    /// No folder to write in (the current one is gone).
    NoDirectory(String),
    Write(crate::error::Error),
}

/// What finding the database again gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Reconnected {
    Done(Link),
    /// Not reached; tried again every `pause` seconds.
    Failed {
        reason: String,
        pause: u64,
    },
    /// The session does not know where its database is.
    Impossible,
}

/// How long a session cut off from its database waits between attempts
/// to reach it again, in seconds.
pub const RECONNECT_PAUSE_SECS: u64 = 3;
