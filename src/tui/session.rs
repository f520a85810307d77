//! A case manager at work: the [`App`], the store it works on, the reader
//! thread and the link to the database daemon. The session carries out
//! the [`Effect`]s that [`update`] asks for, one after another, and feeds
//! back what became of each as a [`Msg`]; it also passes on other
//! sessions' changes and the reader's answers. All the case manager's
//! I/O is here (and in `connection`); `update` has none.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::domain::labels::Lang;
use crate::domain::settings::Config;
use crate::error::{Error, Result};
use crate::store::CaseStore;
use crate::store::audit::{LogEntry, LogQuery};
use crate::tui::app::{App, Msg, update};
use crate::tui::connection::{Change, Link};
use crate::tui::edit::Record;
use crate::tui::effect::{
    Delete, Effect, Fresh, FreshRecords, RECONNECT_PAUSE_SECS, Reconnected, Refresh, Reload, Save,
    Stored, UndoWrite, WriteFailed, WriteFile,
};
use crate::tui::form::Version;
use crate::tui::keymap::Keymap;
use crate::tui::reads::{self, Reads};

pub struct Session {
    pub app: App,
    /// Shared with the reader thread, when there is one.
    pub store: Arc<dyn CaseStore>,
    reads: Reads,
    /// The daemon's change feed and where the database is, to find it
    /// again; `None` for a session on a store of its own (tests).
    link: Option<Link>,
    /// When to try again to reach a database that could not be reached.
    reconnect_at: Option<Instant>,
    /// The gap lists of networks this session deleted, kept so that undo
    /// puts a network back with its findings and extension sets.
    deleted_gaps: std::collections::HashMap<crate::domain::model::NetworkId, DeletedGaps>,
}

/// A deleted network's findings and its own choice of extension sets.
#[derive(Debug, Clone)]
struct DeletedGaps {
    findings: Vec<crate::domain::gaps::Finding>,
    extensions: crate::domain::gaps::ExtensionChoice,
}

impl std::ops::Deref for Session {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl std::ops::DerefMut for Session {
    fn deref_mut(&mut self) -> &mut App {
        &mut self.app
    }
}

impl Session {
    /// A session whose reads are answered at once.
    pub fn new(
        store: Arc<dyn CaseStore>,
        config: Config,
        keymap: Keymap,
        today: NaiveDate,
    ) -> Result<Session> {
        Self::open(store, config, keymap, today, Reads::Inline)
    }

    /// A session on `store`, the clients read; the reads that may wait on
    /// the database (a client's networks, jump hits) go to `reads`.
    pub fn open(
        store: Arc<dyn CaseStore>,
        config: Config,
        keymap: Keymap,
        today: NaiveDate,
        reads: Reads,
    ) -> Result<Session> {
        // A database that cannot be read stops the case manager here,
        // before its screen.
        let clients = store.clients()?;
        let mut session = Session {
            app: App::new(config, keymap, today),
            store,
            reads,
            link: None,
            reconnect_at: None,
            deleted_gaps: Default::default(),
        };
        // Whose findings the Gaps view's "mine" shows.
        session.app.me = std::env::var("MLPS_OWNER")
            .or_else(|_| std::env::var("USER"))
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_default();
        session.send(Msg::Clients(Ok(clients), Reload::Quiet));
        // The store gets its jump index ready while the first frame shows.
        if matches!(session.reads, Reads::Thread { .. }) {
            session.run(vec![App::warm_up()]);
        }
        Ok(session)
    }

    /// Follows the daemon's changes, and finds the database again through
    /// `link` when its daemon goes away.
    pub fn follow(&mut self, link: Link) {
        self.link = Some(link);
    }

    /// Reads every client again, as `:reload` does, without a word.
    pub fn reload(&mut self) {
        self.run(vec![Effect::Reload(Reload::Quiet)]);
    }

    /// Selects a client and, given, one of its networks
    /// ([`App::jump_to`]), and reads what that shows.
    pub fn jump_to(
        &mut self,
        client: crate::domain::model::ClientId,
        network: Option<crate::domain::model::NetworkId>,
    ) {
        self.app.jump_to(client, network);
        let effects = self.app.fetch();
        self.run(effects);
    }

    /// Tells the app one message, and carries out what it asks for.
    pub fn send(&mut self, msg: Msg) {
        let effects = update(&mut self.app, msg);
        self.run(effects);
    }

    /// Carries out effects in order, and those their answers ask for.
    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            if let Some(msg) = self.perform(effect) {
                queue.extend(update(&mut self.app, msg));
            }
        }
    }

    /// Takes in what arrived meanwhile: other sessions' changes, the
    /// reader's answers, and a due attempt to reach the database again.
    /// `true` when anything did.
    pub fn poll(&mut self) -> bool {
        let changes: Vec<Change> = self
            .link
            .as_ref()
            .and_then(|l| l.changes.as_ref())
            .map(|rx| rx.try_iter().collect())
            .unwrap_or_default();
        let mut any = !changes.is_empty();
        for change in changes {
            self.send(Msg::Change(change));
        }
        any |= self.poll_reads();
        if self.reconnect_at.is_some_and(|at| Instant::now() >= at) {
            self.reconnect_at = None;
            self.send(Msg::Change(Change::Lost));
            any = true;
        }
        any
    }

    /// Takes the reader's answers that came in; `true` when there were any.
    pub fn poll_reads(&mut self) -> bool {
        let answers: Vec<reads::Answer> = match &self.reads {
            Reads::Thread { answers, .. } => answers.try_iter().collect(),
            Reads::Inline => return false,
        };
        let any = !answers.is_empty();
        for a in answers {
            self.send(Msg::Read(a));
        }
        any
    }

    /// Waits up to `wait` for the reads on their way, so that a key and
    /// what it brings in show in one frame; `true` when any came in.
    pub fn await_reads(&mut self, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        let mut any = false;
        while self.app.reading() {
            let answer = match &self.reads {
                Reads::Thread { answers, .. } => {
                    let left = until.saturating_duration_since(Instant::now());
                    match answers.recv_timeout(left) {
                        Ok(a) => a,
                        Err(_) => break,
                    }
                }
                Reads::Inline => break,
            };
            self.send(Msg::Read(answer));
            any = true;
        }
        any | self.poll_reads()
    }

    /// Carries out one effect; its answer, if it has one now.
    fn perform(&mut self, effect: Effect) -> Option<Msg> {
        let store = Arc::clone(&self.store);
        let store = store.as_ref();
        let lang = self.app.lang;
        Some(match effect {
            Effect::Reload(why) => Msg::Clients(store.clients(), why),
            Effect::Read(ask) => return self.ask(ask),
            Effect::Fetch(record, purpose) => Msg::Fetched(record, stored(store, record), purpose),
            Effect::Save(save) => {
                let (result, stored) = write(store, &save);
                Msg::Saved(save, result, stored)
            }
            Effect::Delete(delete) => {
                // The gap lists first: a delete whose findings cannot be
                // kept for undo is not made.
                let result = gaps_of_deleted(store, &delete).and_then(|kept| {
                    remove(store, &delete, lang)?;
                    self.deleted_gaps.extend(kept);
                    Ok(())
                });
                Msg::Deleted(delete, result)
            }
            Effect::Undo(step, write) => {
                Msg::Undid(step, undo(store, write, lang, &mut self.deleted_gaps))
            }
            Effect::Refresh(refresh) => {
                let result = read_again(store, &refresh);
                Msg::Refreshed(result, refresh.why)
            }
            Effect::History { query, title } => Msg::History(title, store.log(&query)),
            Effect::Agenda {
                today,
                within,
                due_soon_days,
            } => Msg::Agenda(crate::service::agenda::rows(
                store,
                today,
                within,
                false,
                due_soon_days,
            )),
            Effect::Triage { today, config } => {
                Msg::Triage(crate::service::triage::rows(store, today, &config))
            }
            Effect::WriteFile(file) => {
                let text = crate::service::report::render(
                    store,
                    &file.client,
                    &file.of,
                    &self.app.config,
                    self.app.today,
                    file.format,
                );
                let result = text
                    .map_err(WriteFailed::Write)
                    .and_then(|text| write_file(&file, &text));
                Msg::Written(file.network, result)
            }
            Effect::Gaps(what) => Msg::Gaps(gaps_do(store, what, lang)),
            Effect::Reconnect => Msg::Reconnected(self.reconnect()),
            Effect::ReconnectLater => {
                self.reconnect_at =
                    Some(Instant::now() + Duration::from_secs(RECONNECT_PAUSE_SECS));
                return None;
            }
        })
    }

    /// Sends an ask to the reader, or answers it at once.
    fn ask(&mut self, ask: reads::Ask) -> Option<Msg> {
        if let Reads::Thread { asks, .. } = &self.reads {
            match asks.send(ask) {
                Ok(()) => return None,
                // The reader is gone: read here from now on.
                Err(std::sync::mpsc::SendError(ask)) => {
                    self.reads = Reads::Inline;
                    return Some(Msg::Read(reads::answer_now(self.store.as_ref(), ask)));
                }
            }
        }
        Some(Msg::Read(reads::answer_now(self.store.as_ref(), ask)))
    }

    /// The daemon went away (stopped, or killed): start or find a new one
    /// and follow its changes; the app then reads everything again.
    fn reconnect(&mut self) -> Reconnected {
        let Some(link) = &mut self.link else {
            return Reconnected::Impossible;
        };
        match link.reconnect() {
            Ok(store) => {
                self.store = Arc::clone(&store);
                if matches!(self.reads, Reads::Thread { .. }) {
                    // The old reader's connection went with the daemon.
                    self.reads = Reads::spawn(store);
                }
                self.reconnect_at = None;
                Reconnected::Done(link.kind())
            }
            Err(e) => Reconnected::Failed {
                reason: e.message().to_string(),
                pause: RECONNECT_PAUSE_SECS,
            },
        }
    }
}

/// A record's own change log, oldest first: a client's without its
/// networks' changes.
fn own_log(store: &dyn CaseStore, record: Record, newest: Option<u64>) -> Result<Vec<LogEntry>> {
    let query = match record {
        Record::Client(id) => LogQuery::of_client(id),
        Record::Network(id) => LogQuery::of_network(id),
    };
    let query = match newest {
        Some(n) => query.newest(n),
        None => query,
    };
    Ok(store
        .log(&query)?
        .into_iter()
        .filter(|e| matches!(record, Record::Network(_)) || e.network.is_none())
        .collect())
}

/// A record as stored now.
fn version(store: &dyn CaseStore, record: Record) -> Result<Option<Version>> {
    Ok(match record {
        Record::Client(id) => store.client(id)?.map(|c| Version::Client(Box::new(c))),
        Record::Network(id) => store.network(id)?.map(|n| Version::Network(Box::new(n))),
    })
}

/// A record as stored now, with its log (read as far as it can be: a log
/// that cannot be read leaves the dialog's list of changes empty).
fn stored(store: &dyn CaseStore, record: Record) -> Result<Stored> {
    Ok(Stored {
        version: version(store, record)?,
        log: own_log(store, record, None).unwrap_or_default(),
    })
}

/// Writes a client or network; refused, the record as stored now with it.
fn write(store: &dyn CaseStore, save: &Save) -> (Result<Version>, Option<Result<Stored>>) {
    let update = save.before.is_some();
    let result = match save.after.clone() {
        Version::Client(c) if update => store
            .update_client(*c)
            .map(|c| Version::Client(Box::new(c))),
        Version::Client(c) => store
            .create_client(*c)
            .map(|c| Version::Client(Box::new(c))),
        Version::Network(n) if update => store
            .update_network(*n)
            .map(|n| Version::Network(Box::new(n))),
        Version::Network(n) => store
            .create_network(*n)
            .map(|n| Version::Network(Box::new(n))),
    };
    let stored = match (&result, save.record()) {
        (Err(_), Some(record)) => Some(stored(store, record)),
        _ => None,
    };
    (result, stored)
}

/// Deletes what the confirmation showed, and only that.
fn remove(store: &dyn CaseStore, delete: &Delete, lang: Lang) -> Result<()> {
    match delete {
        Delete::Client { client, networks } => {
            let stored = store.networks_of(client.id)?;
            if let Some(n) = crate::tui::edit::unseen(networks, &stored) {
                let name = format!("{:?}", n.name);
                return Err(Error::runtime(crate::tui::words::phrase(
                    lang,
                    format!(
                        "nothing deleted: network {name} of this client was added or changed by \
                         someone else meanwhile; look again and delete again"
                    ),
                    format!("未删除：其间他人新增或修改了该客户的网络 {name}；请重新查看后再删除"),
                )));
            }
            store.delete_client(client.id, Some(client.revision))
        }
        Delete::Network(n) => store.delete_network(n.id, Some(n.revision)),
    }
}

/// The gap lists of the networks `delete` removes, those that have one.
fn gaps_of_deleted(
    store: &dyn CaseStore,
    delete: &Delete,
) -> Result<Vec<(crate::domain::model::NetworkId, DeletedGaps)>> {
    let networks = match delete {
        Delete::Client { client, .. } => store.networks_of(client.id)?,
        Delete::Network(n) => vec![(**n).clone()],
    };
    let mut kept = Vec::new();
    for n in networks {
        let findings: Vec<_> = store
            .findings_of(n.id)?
            .into_iter()
            .map(|f| f.finding)
            .collect();
        let extensions = store.gap_extensions(n.id)?;
        if !findings.is_empty() || extensions != Default::default() {
            kept.push((
                n.id,
                DeletedGaps {
                    findings,
                    extensions,
                },
            ));
        }
    }
    Ok(kept)
}

/// Puts back the gap list a deleted network had.
fn restore_gaps(
    store: &dyn CaseStore,
    network: crate::domain::model::NetworkId,
    gaps: DeletedGaps,
) -> Result<()> {
    if gaps.extensions != Default::default() {
        store.set_gap_extensions(network, gaps.extensions)?;
    }
    if !gaps.findings.is_empty() {
        store.import_findings(network, gaps.findings, false)?;
    }
    Ok(())
}

/// What an undo step writes.
fn undo(
    store: &dyn CaseStore,
    write: UndoWrite,
    lang: Lang,
    deleted_gaps: &mut std::collections::HashMap<crate::domain::model::NetworkId, DeletedGaps>,
) -> Result<()> {
    use crate::domain::model::{NewClient, NewNetwork};
    match write {
        UndoWrite::DeleteAddedClient { id, revision } => match store.networks_of(id)?.first() {
            Some(n) => {
                let name = format!("{:?}", n.name);
                Err(Error::runtime(crate::tui::words::phrase(
                    lang,
                    format!("someone else has added network {name} to it since"),
                    format!("其间他人已为其新增网络 {name}"),
                )))
            }
            None => store.delete_client(id, Some(revision)),
        },
        UndoWrite::DeleteAddedNetwork { id, revision } => store.delete_network(id, Some(revision)),
        UndoWrite::RestoreClient { client, networks } => store
            .import(vec![NewClient {
                id: Some(client.id),
                client: *client,
                networks: networks
                    .into_iter()
                    .map(|n| NewNetwork {
                        id: Some(n.id),
                        findings: deleted_gaps
                            .get(&n.id)
                            .map(|g| g.findings.clone())
                            .unwrap_or_default(),
                        gap_extensions: deleted_gaps.get(&n.id).map(|g| g.extensions.clone()),
                        network: n,
                    })
                    .collect(),
            }])
            .map(|_| ()),
        UndoWrite::RestoreNetwork(network) => {
            let id = network.id;
            store.restore_network(*network)?;
            match deleted_gaps.remove(&id) {
                Some(gaps) => restore_gaps(store, id, gaps),
                None => Ok(()),
            }
        }
        UndoWrite::Put(Version::Client(c)) => store.update_client(*c).map(|_| ()),
        UndoWrite::Put(Version::Network(n)) => store.update_network(*n).map(|_| ()),
        UndoWrite::Nothing => Ok(()),
    }
}

/// Records read again, with who last changed each when asked.
fn read_again(store: &dyn CaseStore, refresh: &Refresh) -> Result<FreshRecords> {
    let mut fresh = FreshRecords::default();
    for &record in &refresh.records {
        let version = version(store, record)?;
        let by = if refresh.authors {
            // A client's newest own change is among its log's last few.
            let newest = match record {
                Record::Client(_) => 32,
                Record::Network(_) => 1,
            };
            own_log(store, record, Some(newest))
                .ok()
                .and_then(|log| log.last().map(|e| e.user.clone()))
        } else {
            None
        };
        fresh.records.push(Fresh {
            record,
            version,
            by,
        });
    }
    if let Some(client) = refresh.networks_of
        && fresh.records.iter().any(|f| f.version.is_some())
    {
        fresh.networks = Some((client, store.networks_of(client)?));
    }
    Ok(fresh)
}

/// Writes a report into its folder: the one typed (`~/` is the home
/// folder), else the one the case manager was started in.
fn write_file(
    file: &WriteFile,
    text: &str,
) -> std::result::Result<std::path::PathBuf, WriteFailed> {
    let dir = match file.dir.as_deref() {
        None => std::env::current_dir().map_err(|e| WriteFailed::NoDirectory(e.to_string()))?,
        Some(typed) => {
            let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
            match (
                typed.strip_prefix("~/").or((typed == "~").then_some("")),
                home,
            ) {
                (Some(tail), Some(home)) => home.join(tail),
                _ => std::path::PathBuf::from(typed),
            }
        }
    };
    let path = dir.join(&file.file_name);
    crate::service::report::write_atomically(&path, text.as_bytes()).map_err(WriteFailed::Write)?;
    Ok(path)
}

/// Carries out a [`GapsDo`] on `store` (the session's side).
pub(crate) fn gaps_do(
    store: &dyn crate::store::CaseStore,
    what: crate::tui::gaps::GapsDo,
    lang: crate::domain::labels::Lang,
) -> crate::tui::gaps::GapsDone {
    match what {
        crate::tui::gaps::GapsDo::Load(n) => crate::tui::gaps::GapsDone::Loaded(
            n,
            store
                .findings_of(n)
                .and_then(|list| Ok((list, store.gap_extensions(n)?))),
        ),
        crate::tui::gaps::GapsDo::Status {
            network,
            ids,
            status,
            date,
        } => {
            let result = match store.findings_of(network) {
                Err(e) => Err(crate::tui::gaps::WriteRefused::Failed(
                    e.message().to_string(),
                )),
                Ok(now) => {
                    let stale = ids.iter().any(|(id, rev)| {
                        !now.iter()
                            .any(|s| s.finding.id == *id && s.revision == *rev)
                    });
                    if stale {
                        Err(crate::tui::gaps::WriteRefused::Stale)
                    } else {
                        let just: Vec<crate::domain::gaps::FindingId> =
                            ids.iter().map(|(id, _)| *id).collect();
                        store
                            .set_finding_status(&just, status, date)
                            .map(|done| {
                                // Each finding whose status changed: its status before.
                                let changes: Vec<_> = done
                                    .iter()
                                    .filter_map(|d| {
                                        let was =
                                            now.iter().find(|s| s.finding.id == d.finding.id)?;
                                        (was.finding.status != status).then_some((
                                            d.finding.id,
                                            was.finding.status,
                                            d.revision,
                                        ))
                                    })
                                    .collect();
                                let word = crate::tui::gaps::status_word(status, done.len(), lang);
                                (
                                    word,
                                    (!changes.is_empty())
                                        .then_some(crate::tui::gaps::GapUndo::Status(changes)),
                                )
                            })
                            .map_err(|e| {
                                crate::tui::gaps::WriteRefused::Failed(e.message().to_string())
                            })
                    }
                }
            };
            wrote_undoable(store, network, result)
        }
        crate::tui::gaps::GapsDo::Save {
            network,
            finding,
            create,
        } => {
            let before = if create {
                None
            } else {
                store.finding(finding.finding.id).ok().flatten()
            };
            let result = if create {
                store.create_finding(*finding)
            } else {
                store.update_finding(*finding)
            };
            let result = result
                .map(|saved| {
                    let word = crate::domain::labels::Label::new("finding saved", "整改问题已保存")
                        .get(lang)
                        .into_owned();
                    let step = match before {
                        None if create => Some(crate::tui::gaps::GapUndo::Added(Box::new(saved))),
                        Some(before) => Some(crate::tui::gaps::GapUndo::Edit {
                            before: Box::new(before),
                            saved: Box::new(saved),
                        }),
                        None => None,
                    };
                    (word, step)
                })
                .map_err(|e| refused(&e));
            wrote_undoable(store, network, result)
        }
        crate::tui::gaps::GapsDo::Delete {
            network,
            id,
            revision,
        } => {
            let before = store.finding(id).ok().flatten();
            let result = store
                .delete_finding(id, Some(revision))
                .map(|()| {
                    let word =
                        crate::domain::labels::Label::new("finding deleted", "整改问题已删除")
                            .get(lang)
                            .into_owned();
                    (
                        word,
                        before.map(|b| crate::tui::gaps::GapUndo::Deleted(Box::new(b))),
                    )
                })
                .map_err(|e| refused(&e));
            wrote_undoable(store, network, result)
        }
        crate::tui::gaps::GapsDo::Undo {
            network,
            step,
            date,
        } => {
            let (result, retry) = gap_undo(store, network, *step, date, lang);
            crate::tui::gaps::GapsDone::Wrote {
                network,
                result,
                now: store.findings_of(network).ok(),
                undo: retry,
            }
        }
    }
}

fn wrote_undoable(
    store: &dyn crate::store::CaseStore,
    network: crate::domain::model::NetworkId,
    result: std::result::Result<
        (String, Option<crate::tui::gaps::GapUndo>),
        crate::tui::gaps::WriteRefused,
    >,
) -> crate::tui::gaps::GapsDone {
    let (result, undo) = match result {
        Ok((word, undo)) => (Ok(word), undo),
        Err(e) => (Err(e), None),
    };
    crate::tui::gaps::GapsDone::Wrote {
        network,
        result,
        now: store.findings_of(network).ok(),
        undo,
    }
}

fn refused(e: &crate::error::Error) -> crate::tui::gaps::WriteRefused {
    if matches!(e, crate::error::Error::Conflict(_)) {
        crate::tui::gaps::WriteRefused::Stale
    } else {
        crate::tui::gaps::WriteRefused::Failed(e.message().to_string())
    }
}

/// Undoes one of this session's finding writes: only what still holds what
/// this session saved goes back; a later change by someone else is kept
/// and named. A status goes back by a new status change (the history
/// keeps both). Returns the word for the status line, and the step again
/// when a change meanwhile refused it (to try again).
fn gap_undo(
    store: &dyn crate::store::CaseStore,
    network: crate::domain::model::NetworkId,
    step: crate::tui::gaps::GapUndo,
    date: chrono::NaiveDate,
    lang: crate::domain::labels::Lang,
) -> (
    std::result::Result<String, crate::tui::gaps::WriteRefused>,
    Option<crate::tui::gaps::GapUndo>,
) {
    use crate::domain::labels::Label;
    use crate::tui::gaps::{GapUndo, WriteRefused};
    let undone = Label::new("undone", "已撤销").get(lang).into_owned();
    let failed = |what: &str, why: String| {
        WriteRefused::Undo(format!(
            "{} {what}: {why}",
            Label::new("could not undo", "无法撤销").get(lang)
        ))
    };
    // Who changed the network's findings last, as the log has it.
    let who = || {
        store
            .log(&crate::store::audit::LogQuery::of_findings(network))
            .ok()
            .and_then(|log| log.last().map(|e| e.user.clone()))
            .map(|u| crate::text::escape_for_terminal(&u))
            .unwrap_or_else(|| Label::new("someone else", "他人").get(lang).into_owned())
    };
    let kept = |fields: &str| {
        let who = who();
        crate::tui::words::phrase(
            lang,
            format!("kept {who}'s later change to {fields}"),
            format!("保留 {who} 之后对 {fields} 的修改"),
        )
    };
    let again = Label::new("u tries again", "按 u 重试")
        .get(lang)
        .into_owned();
    let conflict = |e: &crate::error::Error| matches!(e, crate::error::Error::Conflict(_));
    match step {
        GapUndo::Added(saved) => {
            let what = Label::new("adding the finding", "新增整改问题")
                .get(lang)
                .into_owned();
            match store.delete_finding(saved.finding.id, Some(saved.revision)) {
                Ok(()) => (Ok(format!("{undone}: {what}")), None),
                Err(e) if conflict(&e) => (
                    Err(failed(&what, kept(&Label::new("it", "该问题").get(lang)))),
                    None,
                ),
                Err(e) => (Err(failed(&what, e.message().to_string())), None),
            }
        }
        GapUndo::Deleted(gone) => {
            let what = Label::new("deleting the finding", "删除整改问题")
                .get(lang)
                .into_owned();
            let again = crate::store::StoredFinding::new(network, gone.finding.clone());
            match store.create_finding(again) {
                Ok(_) => (Ok(format!("{undone}: {what}")), None),
                Err(e) => (Err(failed(&what, e.message().to_string())), None),
            }
        }
        GapUndo::Edit { before, saved } => {
            let what = Label::new("the edit of the finding", "对整改问题的编辑")
                .get(lang)
                .into_owned();
            let current = match store.finding(saved.finding.id) {
                Ok(Some(c)) => c,
                Ok(None) => {
                    let why = crate::tui::words::phrase(
                        lang,
                        format!("{} deleted it since", who()),
                        format!("{} 已将其删除", who()),
                    );
                    return (Err(failed(&what, why)), None);
                }
                Err(e) => return (Err(failed(&what, e.message().to_string())), None),
            };
            let (b, s) = (&before.finding, &saved.finding);
            let mut f = current.finding.clone();
            let mut kept_fields: Vec<&str> = Vec::new();
            macro_rules! back {
                ($field:ident, $name:expr) => {
                    if b.$field != s.$field {
                        if f.$field == s.$field {
                            f.$field = b.$field.clone();
                        } else {
                            kept_fields.push($name);
                        }
                    }
                };
            }
            back!(control_point, "control_point");
            back!(description, "description");
            back!(result, "result");
            back!(risk, "risk");
            back!(owner, "owner");
            back!(due, "due");
            back!(evidence, "evidence");
            if b.status != s.status {
                if f.status == s.status {
                    let on = date.max(f.history.last().map_or(date, |h| h.date));
                    if f.set_status(b.status, on).is_err() {
                        kept_fields.push("status");
                    }
                } else {
                    kept_fields.push("status");
                }
            }
            let kept_word = if kept_fields.is_empty() {
                String::new()
            } else {
                format!(" · {}", kept(&kept_fields.join(", ")))
            };
            if f == current.finding {
                let word = format!(
                    "{}: {what}{kept_word}",
                    Label::new("nothing undone", "没有可撤销的内容").get(lang)
                );
                return (Ok(word), None);
            }
            let mut put = current.clone();
            put.finding = f;
            match store.update_finding(put) {
                Ok(_) => (Ok(format!("{undone}: {what}{kept_word}")), None),
                Err(e) if conflict(&e) => (
                    Err(failed(&what, format!("{}; {again}", e.message()))),
                    Some(GapUndo::Edit { before, saved }),
                ),
                Err(e) => (Err(failed(&what, e.message().to_string())), None),
            }
        }
        GapUndo::Status(changes) => {
            let what = Label::new("the status change", "状态变更")
                .get(lang)
                .into_owned();
            let mut back = 0;
            let mut kept_n = 0;
            let mut left = Vec::new();
            let mut problem = None;
            for (id, was, revision) in changes {
                let current = match store.finding(id) {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        kept_n += 1;
                        continue;
                    }
                    Err(e) => {
                        problem = Some(e.message().to_string());
                        left.push((id, was, revision));
                        continue;
                    }
                };
                if current.finding.status == was {
                    continue;
                }
                if current.revision != revision {
                    kept_n += 1;
                    continue;
                }
                let mut put = current.clone();
                let on = date.max(put.finding.history.last().map_or(date, |h| h.date));
                if let Err(e) = put.finding.set_status(was, on) {
                    problem = Some(e.to_string());
                    continue;
                }
                match store.update_finding(put) {
                    Ok(_) => back += 1,
                    Err(e) if conflict(&e) => {
                        problem = Some(format!("{}; {again}", e.message()));
                        left.push((id, was, revision));
                    }
                    Err(e) => problem = Some(e.message().to_string()),
                }
            }
            let kept_word = if kept_n == 0 {
                String::new()
            } else {
                format!(
                    " · {}",
                    kept(&crate::tui::words::phrase(
                        lang,
                        format!("{kept_n} finding(s)"),
                        format!("{kept_n} 项问题"),
                    ))
                )
            };
            let retry = (!left.is_empty()).then_some(GapUndo::Status(left));
            match problem {
                Some(why) => (Err(failed(&what, format!("{why}{kept_word}"))), retry),
                None => (
                    Ok(format!(
                        "{undone}: {what} ({}){kept_word}",
                        crate::tui::words::phrase(
                            lang,
                            format!("{back} finding(s)"),
                            format!("{back} 项问题")
                        )
                    )),
                    retry,
                ),
            }
        }
    }
}
