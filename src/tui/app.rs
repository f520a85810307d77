//! The case manager's state and `update`, the only place that changes it.
//! `update` does no I/O: what it needs from the store or the file system
//! it asks for as [`Effect`]s, and what comes back arrives as a [`Msg`].

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::agenda::AgendaRow;
use crate::domain::filter::{ClientText, Filter, FilterText};
use crate::domain::grading::{self, Grade};
use crate::domain::model::{Client, ClientId, Level, Network, NetworkId};
use crate::domain::search::Hit;
use crate::domain::settings::Config;
use crate::domain::timeline::{self, DueKind as DeadlineKind, Timeline};
use crate::domain::triage::{SortBy, TriageRow};
use crate::error::Result;
use crate::store::audit::LogEntry;
use crate::tui::Action;
use crate::tui::connection::Change;
use crate::tui::edit::{self, FormTarget, Record};
use crate::tui::effect::{
    Delete, Effect, FreshRecords, Purpose, Reconnected, Refreshed, Reload, Save, Stored, UndoStep,
    WriteFailed,
};
use crate::tui::form::{Form, Version};
use crate::tui::keymap::{Keymap, Section};
use crate::tui::reads::{Answer, Ask};

/// The panes of the main view, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Clients,
    Contacts,
    Networks,
    Answers,
    Timeline,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Clients,
        Pane::Contacts,
        Pane::Networks,
        Pane::Answers,
        Pane::Timeline,
    ];

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The keymap section whose bindings apply while the pane has focus.
    pub fn section(self) -> Section {
        match self {
            Pane::Clients | Pane::Contacts => Section::Clients,
            Pane::Networks => Section::Networks,
            Pane::Answers => Section::Answers,
            Pane::Timeline => Section::Timeline,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Clients => "Clients",
            Pane::Contacts => "Contacts",
            Pane::Networks => "Networks",
            Pane::Answers => "Answers",
            Pane::Timeline => "Timeline",
        }
    }
}

/// What the screen is doing besides the main view.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// The renewals agenda.
    Agenda {
        rows: Vec<AgendaRow>,
        selected: usize,
    },
    /// What needs attention: one row per network, sorted by `sort`.
    Triage {
        rows: Vec<TriageRow>,
        selected: usize,
        sort: SortBy,
    },
    /// The help overlay, scrolled down by this many lines.
    Help {
        scroll: u16,
    },
    /// Fuzzy jump: the query and its ranked hits.
    Fuzzy {
        query: String,
        hits: Vec<Hit>,
        selected: usize,
    },
    /// Typing the filter of the focused list.
    Filter,
    Form {
        form: Box<Form>,
        target: FormTarget,
    },
    /// Asking before a delete.
    Confirm {
        message: String,
        target: FormTarget,
    },
    /// The `:` command line.
    Command {
        input: String,
    },
    /// A save held back because someone else changed (or deleted) the
    /// record meanwhile: reload theirs, save this edit's changes over
    /// theirs, or go back to the form.
    Conflict {
        form: Box<Form>,
        target: FormTarget,
        message: String,
    },
    /// The latest status messages in full, newest first, scrolled down
    /// by this many lines.
    Messages {
        scroll: u16,
    },
    /// Who changed the selected network (or client), when, and what.
    History {
        title: String,
        lines: Vec<String>,
        scroll: u16,
    },
    /// A client's details (names, credit code, address, contacts,
    /// notes), scrolled down by this many lines; read-only, so open in
    /// `--readonly` too.
    Details {
        client: ClientId,
        scroll: u16,
    },
    /// Questionnaire mode: the selected network's questions one at a
    /// time, one key per answer.
    Questionnaire(Box<crate::tui::edit::questionnaire::Questionnaire>),
    /// The Gaps view of a network: its findings by control point.
    Gaps(Box<crate::tui::gaps::GapsView>),
    /// A finding's form over the Gaps view.
    GapForm {
        view: Box<crate::tui::gaps::GapsView>,
        form: Box<Form>,
        target: crate::tui::gaps::GapTarget,
    },
    /// Asking before a finding is deleted, over the Gaps view.
    GapConfirm {
        view: Box<crate::tui::gaps::GapsView>,
        finding: Box<crate::store::StoredFinding>,
        message: String,
    },
}

/// What the app is told: an action from the keymap, text typed into the
/// field, query or filter being edited, or what became of an [`Effect`].
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Action(Action),
    Char(char),
    Backspace,
    /// Text pasted into the terminal: typed into the field, query or
    /// filter being edited, never taken as keys.
    Paste(String),
    /// The clients, read again.
    Clients(Result<Vec<Client>>, Reload),
    /// A client's networks, or jump hits.
    Read(Answer),
    /// A record as stored now.
    Fetched(Record, Result<Stored>, Purpose),
    /// A write: the record as saved, or why not, with the record as
    /// stored after a refused write to an existing record.
    Saved(Box<Save>, Result<Version>, Option<Result<Stored>>),
    Deleted(Delete, Result<()>),
    Undid(Box<UndoStep>, Result<()>),
    Refreshed(Result<FreshRecords>, Refreshed),
    /// A change history and its title.
    History(String, Result<Vec<LogEntry>>),
    Agenda(Result<Vec<AgendaRow>>),
    /// The networks that need attention, ranked.
    Triage(Result<Vec<TriageRow>>),
    /// A report of the named network: where it was written.
    Written(String, std::result::Result<std::path::PathBuf, WriteFailed>),
    /// Another session's write, or the database going away.
    Change(Change),
    /// What came of a read or write of findings.
    Gaps(crate::tui::gaps::GapsDone),
    Reconnected(Reconnected),
    /// Nothing happened for a moment: work that can wait (the clients'
    /// filter texts) is done a slice at a time. Sent only while
    /// [`App::idle_work`] says there is some.
    Idle,
    /// The time since the session started, from the event loop: the
    /// update side has no clock of its own. Sent while
    /// [`App::wants_tick`] says a status message may expire, and before
    /// each key.
    Tick(std::time::Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Saved,
    Error,
}

/// A message on the status line. It goes with the next key, or, for
/// info and saved, after [`STATUS_SECONDS`] as well; a sticky one (the
/// database lost) stays until a message that replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
    /// [`App::clock`] when it was set.
    pub at: std::time::Duration,
    pub sticky: bool,
}

/// How long an info or saved message stays without a key.
pub const STATUS_SECONDS: u64 = 6;

/// The status messages kept for the messages overlay.
pub const MESSAGES_KEPT: usize = 30;

/// An edit of this session, with what it replaced.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// A client was created (undo deletes it) or changed (undo puts back
    /// the fields whose stored value is still what this session saved).
    /// `saved` is the version this session's write produced: a field
    /// someone else has changed since is left as they made it.
    Client {
        id: ClientId,
        before: Option<Client>,
        saved: Box<Client>,
    },
    Network {
        id: NetworkId,
        before: Option<Network>,
        saved: Box<Network>,
    },
    DeletedClient {
        client: Client,
        networks: Vec<Network>,
    },
    DeletedNetwork {
        network: Network,
    },
}

pub struct App {
    pub config: Config,
    pub keymap: Keymap,
    pub readonly: bool,
    pub today: NaiveDate,
    /// The interface language every drawn string is in.
    pub lang: crate::domain::labels::Lang,
    /// False under `NO_COLOR`.
    pub color: bool,
    /// In display-name order. Whoever changes it calls
    /// [`App::clients_changed`].
    pub clients: Vec<Client>,
    /// Bumped on every change of `clients`.
    clients_generation: u64,
    /// The generation of `clients` whose filter texts are all worked out.
    warmed: u64,
    /// The clients the filter lets through, for the generation and filter
    /// they were worked out for: frames and keys do not filter 10 000
    /// names again.
    visible_cache: std::cell::RefCell<Option<Visible>>,
    /// The widest row of the clients list, for the generation it was
    /// worked out for (see [`App::client_rows_width`]).
    rows_width: std::cell::Cell<Option<(u64, usize)>>,
    /// What the filters match each client and network by (see
    /// [`crate::domain::filter`]).
    filter_texts: std::cell::RefCell<FilterTexts>,
    /// The networks of the clients read so far, each list in name order.
    /// A client missing here has not been read yet: its networks are read
    /// when it is selected (or next to the selection).
    pub networks: HashMap<ClientId, Vec<Network>>,
    pub grades: HashMap<NetworkId, Grade>,
    /// Clients whose networks are being read.
    loading: std::collections::HashSet<ClientId>,
    /// A jump's network (and the deadline to select in its timeline):
    /// selected once its client's networks are in.
    want: Option<Want>,
    /// A client to ask about deleting once its networks are in (the
    /// question counts them).
    pub(crate) confirm_when_read: Option<ClientId>,
    /// The query the last search was asked for.
    asked: Option<String>,
    /// Whether the open jump's hits are those of its query.
    pub search_ready: bool,
    pub focus: Pane,
    /// The selected row of each pane, in its visible (filtered) rows.
    pub selected: [usize; 5],
    pub filters: [String; 5],
    pub mode: Mode,
    pub status: Option<Status>,
    /// The latest status messages, oldest first (at most
    /// [`MESSAGES_KEPT`]), for the messages overlay.
    pub messages: std::collections::VecDeque<(StatusKind, String)>,
    /// The time since the session started, as the last [`Msg::Tick`] said.
    pub clock: std::time::Duration,
    /// The focused pane fills the body (header and status stay).
    pub zoom: bool,
    pub undo: Vec<Undo>,
    /// The last edit changed this network's computed level: (old, new).
    pub level_change: Option<(NetworkId, Level, Level)>,
    pub quit: bool,
    /// Where the triage list was left (its network and its sort), and the
    /// agenda (its row), so that coming back finds the same row.
    pub triage_at: (Option<NetworkId>, SortBy),
    pub agenda_at: Option<(NetworkId, DeadlineKind, NaiveDate)>,
    /// The findings of networks selected (or opened in the Gaps view)
    /// this session, kept up to date from the change feed: the header's
    /// reasons use them.
    pub findings: HashMap<NetworkId, Vec<crate::store::StoredFinding>>,
    /// This session's finding writes, oldest first, for undo in the Gaps
    /// view (by network).
    pub gap_undo: Vec<(NetworkId, crate::tui::gaps::GapUndo)>,
    /// Networks whose findings have been asked for, so that each is read
    /// once for the header (the change feed keeps them current after).
    pub findings_asked: std::collections::HashSet<NetworkId>,
    /// Whose findings the Gaps view's "mine" filter shows: `MLPS_OWNER`,
    /// else the login name (set by the session).
    pub me: String,
}

/// A row of a case to show after a jump: where the reason for the jump is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spot {
    /// A derived date in the timeline.
    Deadline(DeadlineKind, NaiveDate),
    /// The latest milestone of a stage in the timeline.
    Milestone(crate::domain::model::Stage),
    /// An answer.
    Question(crate::domain::questionnaire::QuestionId),
    /// The network itself (its filed level).
    Network,
    /// The client's contacts.
    Contacts,
}

impl Spot {
    /// Where a triage reason points.
    pub fn of(place: &crate::domain::triage::Place) -> Spot {
        use crate::domain::triage::Place;
        match *place {
            Place::Deadline { kind, due } => Spot::Deadline(kind, due),
            Place::Milestone { stage } => Spot::Milestone(stage),
            Place::Question { question } => Spot::Question(question),
            Place::FiledLevel => Spot::Network,
            Place::Client => Spot::Contacts,
        }
    }
}

/// A network to select once its client's networks are read.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Want {
    client: ClientId,
    network: NetworkId,
    /// The row to show, focused.
    spot: Option<Spot>,
    /// Select the row only, leaving the focus where it is.
    quiet: bool,
}

/// Clients that pass a filter: (clients generation, filter, indices).
type Visible = (u64, String, std::rc::Rc<[usize]>);

/// The texts the filters search (names with their pinyin, notes,
/// address, contacts), by record, with the revision each was worked out
/// for: a keystroke only searches them. A client's text is worked out in
/// idle time once the clients are put ([`Msg::Idle`]), or by the first
/// filter that needs it before then; a network's when a filter first
/// needs it. Each is kept until its record is put again
/// ([`App::put_clients`] keeps those of the clients that did not change,
/// [`App::put_client`], [`App::put_networks`]) or its revision changes.
/// They are not worked out with the clients themselves: for 10 000
/// clients that takes longer than the first frame may.
#[derive(Debug, Default)]
struct FilterTexts {
    clients: HashMap<ClientId, (u64, ClientText)>,
    networks: HashMap<NetworkId, (u64, FilterText)>,
}

impl FilterTexts {
    /// The client's text, worked out now if it has none for its
    /// revision.
    fn client(&mut self, c: &Client) -> &ClientText {
        let slot = self
            .clients
            .entry(c.id)
            .or_insert_with(|| (c.revision, ClientText::of(c)));
        if slot.0 != c.revision {
            *slot = (c.revision, ClientText::of(c));
        }
        &slot.1
    }

    fn network(&mut self, n: &Network) -> &FilterText {
        let slot = self
            .networks
            .entry(n.id)
            .or_insert_with(|| (n.revision, crate::domain::filter::network_text(n)));
        if slot.0 != n.revision {
            *slot = (n.revision, crate::domain::filter::network_text(n));
        }
        &slot.1
    }
}

pub(crate) fn client_order(c: &Client) -> (String, String) {
    (c.display_name().to_lowercase(), c.name_zh.clone())
}

impl App {
    /// A case manager with nothing read yet: the session feeds it the
    /// clients (`Msg::Clients`) before the first frame.
    pub fn new(config: Config, keymap: Keymap, today: NaiveDate) -> App {
        App {
            config,
            keymap,
            readonly: false,
            today,
            lang: crate::domain::labels::Lang::Both,
            color: true,
            clients: Vec::new(),
            clients_generation: 0,
            warmed: 0,
            visible_cache: Default::default(),
            rows_width: Default::default(),
            filter_texts: Default::default(),
            networks: HashMap::new(),
            grades: HashMap::new(),
            loading: Default::default(),
            want: None,
            confirm_when_read: None,
            asked: None,
            search_ready: true,
            focus: Pane::Clients,
            selected: [0; 5],
            filters: Default::default(),
            mode: Mode::Normal,
            status: None,
            messages: Default::default(),
            clock: Default::default(),
            zoom: false,
            undo: Vec::new(),
            level_change: None,
            quit: false,
            triage_at: (None, SortBy::Urgency),
            agenda_at: None,
            findings: HashMap::new(),
            gap_undo: Vec::new(),
            findings_asked: Default::default(),
            me: String::new(),
        }
    }

    /// The clients as read: networks are read again as they are needed.
    /// The filter texts of the clients that did not change are kept.
    pub(crate) fn put_clients(&mut self, mut clients: Vec<Client>) {
        // Each name lowercased once, not on every comparison.
        clients.sort_by_cached_key(client_order);
        let texts = self.filter_texts.get_mut();
        if !texts.clients.is_empty() {
            let before: HashMap<ClientId, &Client> =
                self.clients.iter().map(|c| (c.id, c)).collect();
            for c in &clients {
                if before.get(&c.id).is_none_or(|b| *b != c) {
                    texts.clients.remove(&c.id);
                }
            }
            // Those of clients gone.
            if texts.clients.len() > clients.len() {
                let now: std::collections::HashSet<ClientId> =
                    clients.iter().map(|c| c.id).collect();
                texts.clients.retain(|id, _| now.contains(id));
            }
        }
        texts.networks.clear();
        self.clients = clients;
        self.clients_changed();
        self.networks.clear();
        self.grades.clear();
        self.loading.clear();
        self.clamp();
    }

    /// A client as saved or read again: added, or put in place of its
    /// old version (its filter text is worked out again when needed).
    pub(crate) fn put_client(&mut self, c: Client) {
        self.filter_texts.get_mut().clients.remove(&c.id);
        match self.clients.iter_mut().find(|x| x.id == c.id) {
            Some(slot) => *slot = c,
            None => self.clients.push(c),
        }
        self.clients.sort_by_key(client_order);
        self.clients_changed();
    }

    /// Clients whose filter texts are worked out in a slice of idle time
    /// ([`Msg::Idle`]): some 10 ms of work.
    pub const IDLE_SLICE: usize = 250;

    /// Whether there is work for idle moments: clients whose filter
    /// texts are not worked out yet. With them ready, the first filter
    /// keystroke is as quick as the next (for 10 000 clients they take
    /// some 0.4 s, which neither the first frame nor a key should wait
    /// for).
    pub fn idle_work(&self) -> bool {
        self.warmed != self.clients_generation
    }

    /// Works out the filter texts of up to `n` clients that have none.
    pub(crate) fn warm_filter(&mut self, n: usize) {
        let texts = self.filter_texts.get_mut();
        let mut left = n;
        for c in &self.clients {
            if texts
                .clients
                .get(&c.id)
                .is_some_and(|(r, _)| *r == c.revision)
            {
                continue;
            }
            if left == 0 {
                return;
            }
            texts.clients.insert(c.id, (c.revision, ClientText::of(c)));
            left -= 1;
        }
        self.warmed = self.clients_generation;
    }

    /// How many clients have their filter text worked out.
    pub fn filter_texts_ready(&self) -> usize {
        let texts = self.filter_texts.borrow();
        self.clients
            .iter()
            .filter(|c| {
                texts
                    .clients
                    .get(&c.id)
                    .is_some_and(|(r, _)| *r == c.revision)
            })
            .count()
    }

    /// Whether reads are on their way.
    pub fn reading(&self) -> bool {
        !self.loading.is_empty() || !self.search_ready
    }

    /// Takes in an answer of the reader.
    pub(crate) fn receive(&mut self, answer: Answer) -> Vec<Effect> {
        match answer {
            Answer::Networks(id, result) => {
                self.loading.remove(&id);
                match result {
                    Ok(list) => {
                        self.put_networks(id, list);
                        if self.confirm_when_read == Some(id) {
                            self.confirm_when_read = None;
                            if matches!(self.mode, Mode::Normal)
                                && self.selected_client().is_some_and(|c| c.id == id)
                            {
                                edit::confirm_delete(self, Pane::Clients);
                            }
                        }
                    }
                    Err(e) => {
                        self.confirm_when_read = None;
                        self.error(format!(
                            "{}: {}",
                            crate::tui::words::status::COULD_NOT_READ_NETWORKS.get(self.lang),
                            e.message()
                        ))
                    }
                }
            }
            Answer::Search(query, result) => {
                if self.asked.as_deref() != Some(query.as_str()) {
                    return Vec::new();
                }
                self.search_ready = true;
                let hits = match result {
                    Ok(hits) => hits,
                    Err(e) => {
                        self.error(format!(
                            "{}: {}",
                            crate::tui::words::status::COULD_NOT_SEARCH.get(self.lang),
                            e.message()
                        ));
                        Vec::new()
                    }
                };
                if let Mode::Fuzzy {
                    query: q,
                    hits: shown,
                    selected,
                } = &mut self.mode
                    && *q == query
                {
                    *shown = hits;
                    *selected = 0;
                }
            }
        }
        Vec::new()
    }

    /// A client's networks as read: graded, in name order, and the jump's
    /// network selected if it is one of them.
    pub(crate) fn put_networks(&mut self, id: ClientId, mut list: Vec<Network>) {
        list.sort_by_key(|a| a.name.to_lowercase());
        let texts = self.filter_texts.get_mut();
        for n in self.networks.get(&id).into_iter().flatten().chain(&list) {
            texts.networks.remove(&n.id);
        }
        for n in &list {
            self.grades.insert(
                n.id,
                grading::grade(&n.answers, &n.overrides, self.config.settings.rules),
            );
        }
        self.networks.insert(id, list);
        if let Some(want) = self.want
            && want.client == id
            && self.selected_client().is_some_and(|c| c.id == id)
        {
            self.want = None;
            if want.quiet {
                if let Some(i) = self
                    .visible_networks()
                    .iter()
                    .position(|n| n.id == want.network)
                {
                    self.selected[Pane::Networks.index()] = i;
                }
            } else {
                self.select_network(want.network, want.spot);
            }
        }
    }

    /// Selects a network of the selected client once its networks are
    /// read, the focus staying where it is.
    pub(crate) fn select_when_read(&mut self, client: ClientId, network: NetworkId) {
        self.want = Some(Want {
            client,
            network,
            spot: None,
            quiet: true,
        });
    }

    /// Selects a network of the selected client, focused, and given, a
    /// row of it (focusing its pane); `false` when the network is not in
    /// view.
    fn select_network(&mut self, network: NetworkId, spot: Option<Spot>) -> bool {
        let Some(i) = self.visible_networks().iter().position(|n| n.id == network) else {
            return false;
        };
        self.selected[Pane::Networks.index()] = i;
        self.focus = Pane::Networks;
        let Some(n) = self.selected_network() else {
            return true;
        };
        match spot {
            None | Some(Spot::Network) => {}
            Some(Spot::Contacts) => {
                self.focus = Pane::Contacts;
                self.selected[Pane::Contacts.index()] = 0;
            }
            Some(Spot::Question(q)) => {
                let row = self
                    .answer_rows()
                    .iter()
                    .position(|r| *r == edit::AnswerRow::Question(q));
                self.focus = Pane::Answers;
                self.selected[Pane::Answers.index()] = row.unwrap_or(0);
            }
            Some(Spot::Deadline(kind, due)) => {
                let t = self.timeline_of(n);
                let row = self.timeline_rows().iter().position(|row| {
                    matches!(row, TimelineRow::Deadline(k)
                        if t.deadlines[*k].kind == kind && t.deadlines[*k].due == due)
                });
                self.focus = Pane::Timeline;
                if let Some(i) = row {
                    self.selected[Pane::Timeline.index()] = i;
                }
            }
            Some(Spot::Milestone(stage)) => {
                let last = n.milestones.iter().rposition(|m| m.stage == stage);
                let row = self
                    .timeline_rows()
                    .iter()
                    .position(|row| matches!(row, TimelineRow::Milestone(i) if Some(*i) == last));
                self.focus = Pane::Timeline;
                if let Some(i) = row {
                    self.selected[Pane::Timeline.index()] = i;
                }
            }
        }
        true
    }

    /// Whether a client's networks are in view (read, or being read).
    pub(crate) fn has_networks(&self, id: ClientId) -> bool {
        self.networks.contains_key(&id)
    }

    /// Asks for a client's networks when they are neither in nor on their
    /// way; `None` when nothing needs asking.
    pub(crate) fn read_networks(&mut self, id: ClientId) -> Option<Effect> {
        (!self.networks.contains_key(&id) && self.loading.insert(id))
            .then_some(Effect::Read(Ask::Networks(id)))
    }

    /// Clients whose networks are read ahead: the selected one first,
    /// then its neighbours, so a move finds them in.
    const AHEAD: usize = 3;

    /// Asks for what the screen needs and has not got: the networks of
    /// the selected client and its neighbours, and the open jump's hits.
    pub fn fetch(&mut self) -> Vec<Effect> {
        let visible = self.visible_clients();
        let at = self.selected[Pane::Clients.index()];
        let mut wanted: Vec<ClientId> = Vec::new();
        for d in 0..=Self::AHEAD {
            for i in [at.checked_add(d), at.checked_sub(d)].into_iter().flatten() {
                if let Some(&c) = visible.get(i) {
                    wanted.push(self.clients[c].id);
                }
            }
        }
        let mut effects: Vec<Effect> = wanted
            .into_iter()
            .filter_map(|id| self.read_networks(id))
            .collect();
        // The selected network's findings, once, for the header's reasons.
        if let Some(n) = self.selected_network().map(|n| n.id)
            && !self.findings.contains_key(&n)
            && self.findings_asked.insert(n)
        {
            effects.push(Effect::Gaps(crate::tui::gaps::GapsDo::Load(n)));
        }
        if let Mode::Fuzzy { query, .. } = &self.mode
            && self.asked.as_deref() != Some(query.as_str())
        {
            let query = query.clone();
            self.asked = Some(query.clone());
            self.search_ready = false;
            effects.push(Effect::Read(Ask::Search(query)));
        }
        effects
    }

    /// The jump index takes a while to load: asking an empty search gets
    /// it ready while the first frame shows.
    pub fn warm_up() -> Effect {
        Effect::Read(Ask::Search(String::new()))
    }

    // ----- what is visible and selected -----

    /// Says `clients` changed, so the filtered list is worked out again.
    pub fn clients_changed(&mut self) {
        self.clients_generation += 1;
    }

    /// Indices into `clients` that pass the clients filter: a client
    /// passes when every term of the filter is in one of its names (as
    /// written, in pinyin or in pinyin initials), its region, credit
    /// code, address, notes or contacts (see [`crate::domain::filter`]).
    pub fn visible_clients(&self) -> std::rc::Rc<[usize]> {
        let f = &self.filters[Pane::Clients.index()];
        let mut before: Option<(String, std::rc::Rc<[usize]>)> = None;
        if let Some((generation, filter, list)) = self.visible_cache.borrow().as_ref()
            && *generation == self.clients_generation
        {
            if filter == f {
                return std::rc::Rc::clone(list);
            }
            before = Some((filter.clone(), std::rc::Rc::clone(list)));
        }
        let filter = Filter::new(f);
        // Typing on at the end of the filter searches only the clients
        // the shorter filter let through.
        let wider = before
            .filter(|(b, _)| filter.narrows(&Filter::new(b)))
            .map(|(_, list)| list);
        let list: std::rc::Rc<[usize]> = if filter.is_empty() {
            (0..self.clients.len()).collect()
        } else {
            let mut texts = self.filter_texts.borrow_mut();
            let mut passes = |i: &usize| filter.matches_client(texts.client(&self.clients[*i]));
            match wider {
                Some(list) => list.iter().copied().filter(|i| passes(i)).collect(),
                None => (0..self.clients.len()).filter(|i| passes(i)).collect(),
            }
        };
        *self.visible_cache.borrow_mut() = Some((
            self.clients_generation,
            f.clone(),
            std::rc::Rc::clone(&list),
        ));
        list
    }

    /// The display columns of the widest row of the clients list as it
    /// draws them (the display name, then the Chinese name beside an
    /// English one), over every client, filtered out or not: the pane's
    /// width stays as it is while the list scrolls or a filter is typed.
    /// Worked out once per change of the clients.
    pub fn client_rows_width(&self) -> usize {
        if let Some((generation, w)) = self.rows_width.get()
            && generation == self.clients_generation
        {
            return w;
        }
        let cols = |s: &str| crate::text::width(&crate::text::escape_for_terminal(s));
        let w = self
            .clients
            .iter()
            .map(|c| {
                let mut w = cols(c.display_name());
                if !c.name.is_empty() && !c.name_zh.is_empty() {
                    w += 1 + cols(&c.name_zh);
                }
                w
            })
            .max()
            .unwrap_or(0);
        self.rows_width.set(Some((self.clients_generation, w)));
        w
    }

    pub fn selected_client(&self) -> Option<&Client> {
        let v = self.visible_clients();
        v.get(self.selected[Pane::Clients.index()])
            .map(|i| &self.clients[*i])
    }

    /// Indices into the selected client's contacts that pass the filter
    /// (on the contact's name, also in pinyin, role, e-mail and phone).
    pub fn visible_contacts(&self) -> Vec<usize> {
        let filter = Filter::new(&self.filters[Pane::Contacts.index()]);
        let Some(c) = self.selected_client() else {
            return Vec::new();
        };
        if filter.is_empty() {
            return (0..c.contacts.len()).collect();
        }
        let mut texts = self.filter_texts.borrow_mut();
        let text = texts.client(c);
        (0..c.contacts.len())
            .filter(|i| text.contact(*i).is_some_and(|t| filter.matches(t)))
            .collect()
    }

    pub fn selected_contact(&self) -> Option<usize> {
        self.visible_contacts()
            .get(self.selected[Pane::Contacts.index()])
            .copied()
    }

    /// The selected client's networks that pass the filter (on the
    /// network's name, also in pinyin, and its notes).
    pub fn visible_networks(&self) -> Vec<&Network> {
        let filter = Filter::new(&self.filters[Pane::Networks.index()]);
        let Some(list) = self
            .selected_client()
            .and_then(|c| self.networks.get(&c.id))
        else {
            return Vec::new();
        };
        if filter.is_empty() {
            return list.iter().collect();
        }
        let mut texts = self.filter_texts.borrow_mut();
        list.iter()
            .filter(|n| filter.matches(texts.network(n)))
            .collect()
    }

    pub fn selected_network(&self) -> Option<&Network> {
        self.visible_networks()
            .get(self.selected[Pane::Networks.index()])
            .copied()
    }

    /// A network of any client, by id.
    pub fn network(&self, id: NetworkId) -> Option<&Network> {
        self.networks.values().flatten().find(|n| n.id == id)
    }

    pub fn grade_of(&self, id: NetworkId) -> Option<&Grade> {
        self.grades.get(&id)
    }

    pub fn timeline_of(&self, n: &Network) -> Timeline {
        let computed = self.grades.get(&n.id).map(|g| g.level).unwrap_or_else(|| {
            grading::level(&n.answers, &n.overrides, self.config.settings.rules)
        });
        timeline::timeline(
            n,
            computed,
            &self.config.settings.intervals,
            &self.config.calendar,
        )
    }

    /// The Gaps view, open (perhaps under its form or question).
    pub fn gaps_view(&self) -> Option<&crate::tui::gaps::GapsView> {
        match &self.mode {
            Mode::Gaps(v) | Mode::GapForm { view: v, .. } | Mode::GapConfirm { view: v, .. } => {
                Some(v)
            }
            _ => None,
        }
    }

    pub(crate) fn gaps_view_mut(&mut self) -> Option<&mut crate::tui::gaps::GapsView> {
        match &mut self.mode {
            Mode::Gaps(v) | Mode::GapForm { view: v, .. } | Mode::GapConfirm { view: v, .. } => {
                Some(v)
            }
            _ => None,
        }
    }

    /// Why the network needs attention, most urgent first (see
    /// [`crate::domain::triage`]); empty when it needs none.
    pub fn reasons_of(&self, n: &Network) -> Vec<crate::domain::triage::Reason> {
        let Some(client) = self.clients.iter().find(|c| c.id == n.client) else {
            return Vec::new();
        };
        let settings = &self.config.settings;
        let computed;
        let grade = match self.grades.get(&n.id) {
            Some(g) => g,
            None => {
                computed = grading::grade(&n.answers, &n.overrides, settings.rules);
                &computed
            }
        };
        let t = self.timeline_of(n);
        let cx = crate::domain::triage::Context {
            today: self.today,
            due_soon_days: settings.due_soon_days,
            stall_days: &settings.stall_days,
        };
        let findings: Vec<crate::domain::gaps::Finding> = match self.gaps_view() {
            Some(v) if v.network == n.id && v.findings.is_some() => v.plain(),
            _ => self
                .findings
                .get(&n.id)
                .map(|l| l.iter().map(|s| s.finding.clone()).collect())
                .unwrap_or_default(),
        };
        crate::domain::triage::reasons_with_findings(client, n, grade, &t, &findings, cx)
    }

    /// Rows of the answers pane: the questions, then the two overrides.
    pub fn answer_rows(&self) -> Vec<edit::AnswerRow> {
        let filter = Filter::new(&self.filters[Pane::Answers.index()]);
        edit::AnswerRow::all()
            .into_iter()
            .filter(|r| filter.matches_label(r.label()))
            .collect()
    }

    /// Rows of the timeline pane: the milestones (index into the network's
    /// milestones), then the derived dates.
    pub fn timeline_rows(&self) -> Vec<TimelineRow> {
        let Some(n) = self.selected_network() else {
            return Vec::new();
        };
        let filter = Filter::new(&self.filters[Pane::Timeline.index()]);
        let mut rows: Vec<TimelineRow> = (0..n.milestones.len())
            .filter(|i| filter.matches_label(n.milestones[*i].stage.as_str()))
            .map(TimelineRow::Milestone)
            .collect();
        let t = self.timeline_of(n);
        rows.extend(
            (0..t.deadlines.len())
                .filter(|i| {
                    let kind = t.deadlines[*i].kind;
                    filter.matches_label(&format!("{} {}", kind.as_str(), kind.label()))
                })
                .map(TimelineRow::Deadline),
        );
        rows
    }

    pub(crate) fn pane_len(&self, pane: Pane) -> usize {
        match pane {
            Pane::Clients => self.visible_clients().len(),
            Pane::Contacts => self.visible_contacts().len(),
            Pane::Networks => self.visible_networks().len(),
            Pane::Answers => self.answer_rows().len(),
            Pane::Timeline => self.timeline_rows().len(),
        }
    }

    /// Keeps every selection inside its list.
    pub fn clamp(&mut self) {
        for pane in Pane::ALL {
            let len = self.pane_len(pane);
            let s = &mut self.selected[pane.index()];
            *s = (*s).min(len.saturating_sub(1));
        }
    }

    pub(crate) fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.put_status(kind, text.into(), false);
    }

    /// A message that stays until another replaces it: a state that lasts
    /// (the database lost), not an event.
    pub(crate) fn sticky_error(&mut self, text: impl Into<String>) {
        self.put_status(StatusKind::Error, text.into(), true);
    }

    fn put_status(&mut self, kind: StatusKind, text: String, sticky: bool) {
        if self.messages.back() != Some(&(kind, text.clone())) {
            if self.messages.len() == MESSAGES_KEPT {
                self.messages.pop_front();
            }
            self.messages.push_back((kind, text.clone()));
        }
        self.status = Some(Status {
            kind,
            text,
            at: self.clock,
            sticky,
        });
    }

    /// Whether the status line shows a message that time will clear, so
    /// the event loop should send [`Msg::Tick`]s.
    pub fn wants_tick(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| !s.sticky && s.kind != StatusKind::Error)
    }

    /// Time passed: an info or saved message shown for
    /// [`STATUS_SECONDS`] goes.
    pub(crate) fn tick(&mut self, now: std::time::Duration) {
        self.clock = now;
        if self.status.as_ref().is_some_and(|s| {
            !s.sticky
                && s.kind != StatusKind::Error
                && now.saturating_sub(s.at).as_secs() >= STATUS_SECONDS
        }) {
            self.status = None;
        }
    }

    /// A key came: the message of an earlier key or answer has been read
    /// (or can be, in the messages overlay), and may no longer be true.
    pub(crate) fn key_pressed(&mut self) {
        if self.status.as_ref().is_some_and(|s| !s.sticky) {
            self.status = None;
        }
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.set_status(StatusKind::Error, text);
    }

    /// The keymap section that applies now.
    pub fn section(&self) -> Section {
        match &self.mode {
            Mode::Normal => self.focus.section(),
            Mode::Agenda { .. } => Section::Agenda,
            Mode::Triage { .. } => Section::Triage,
            // Typing its `/` filter, letters are text.
            Mode::Gaps(v) if v.typing => Section::Form,
            Mode::Gaps(_) => Section::Gaps,
            Mode::Help { .. } | Mode::History { .. } | Mode::Messages { .. } => Section::Global,
            // The clients' keys: the one that opened it closes it.
            Mode::Details { .. } => Section::Clients,
            Mode::Fuzzy { .. }
            | Mode::Filter
            | Mode::Form { .. }
            | Mode::Confirm { .. }
            | Mode::Conflict { .. }
            | Mode::Questionnaire(_)
            | Mode::GapForm { .. }
            | Mode::GapConfirm { .. }
            | Mode::Command { .. } => Section::Form,
        }
    }

    /// Selects a client (clearing filters that would hide it) and, given,
    /// one of its networks.
    pub fn jump_to(&mut self, client: ClientId, network: Option<NetworkId>) {
        self.jump(client, network, None);
    }

    /// [`App::jump_to`], and given, a row of the network to show,
    /// focused.
    pub(crate) fn jump(
        &mut self,
        client: ClientId,
        network: Option<NetworkId>,
        spot: Option<Spot>,
    ) {
        self.filters = Default::default();
        if let Some(i) = self.clients.iter().position(|c| c.id == client) {
            self.selected[Pane::Clients.index()] = i;
            self.selected[Pane::Contacts.index()] = 0;
            self.selected[Pane::Networks.index()] = 0;
            self.focus = Pane::Clients;
        }
        self.selected[Pane::Timeline.index()] = 0;
        self.want = None;
        if let Some(nid) = network
            && !self.select_network(nid, spot)
            && !self.networks.contains_key(&client)
        {
            // Selected once the client's networks are in.
            self.want = Some(Want {
                client,
                network: nid,
                spot,
                quiet: false,
            });
        }
        self.clamp();
    }

    /// The selected client and network, to select again after a read.
    pub(crate) fn selection(&self) -> crate::tui::effect::Selection {
        crate::tui::effect::Selection {
            client: self.selected_client().map(|c| c.id),
            network: self.selected_network().map(|n| n.id),
        }
    }

    pub(crate) fn saved(&mut self, text: impl Into<String>) {
        self.set_status(StatusKind::Saved, text);
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.set_status(StatusKind::Info, text);
    }
}

/// A row of the timeline pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineRow {
    Milestone(usize),
    Deadline(usize),
}

pub use crate::tui::update::update;
