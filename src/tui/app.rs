//! The case manager's state and `update`, the only place that changes it.
//! `update` does no I/O: what it needs from the store or the file system
//! it asks for as [`Effect`]s, and what comes back arrives as a [`Msg`].

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::agenda::{self, AgendaRow};
use crate::domain::grading::{self, Grade};
use crate::domain::model::{Client, ClientId, Level, Network, NetworkId};
use crate::domain::search::{Hit, Target};
use crate::domain::settings::Config;
use crate::domain::timeline::{self, DueKind as DeadlineKind, Timeline};
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
    /// Who changed the selected network (or client), when, and what.
    History {
        title: String,
        lines: Vec<String>,
        scroll: u16,
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
    /// A report of the named network: where it was written.
    Written(String, std::result::Result<std::path::PathBuf, WriteFailed>),
    /// Another session's write, or the database going away.
    Change(Change),
    Reconnected(Reconnected),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Saved,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

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
    /// False under `NO_COLOR`.
    pub color: bool,
    /// In display-name order. Whoever changes it calls
    /// [`App::clients_changed`].
    pub clients: Vec<Client>,
    /// Bumped on every change of `clients`.
    clients_generation: u64,
    /// The clients the filter lets through, for the generation and filter
    /// they were worked out for: frames and keys do not filter 10 000
    /// names again.
    visible_cache: std::cell::RefCell<Option<Visible>>,
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
    pub undo: Vec<Undo>,
    /// The last edit changed this network's computed level: (old, new).
    pub level_change: Option<(NetworkId, Level, Level)>,
    pub quit: bool,
}

/// A network to select once its client's networks are read.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Want {
    client: ClientId,
    network: NetworkId,
    /// The derived date to select in the timeline, focused.
    deadline: Option<(DeadlineKind, NaiveDate)>,
    /// Select the row only, leaving the focus where it is.
    quiet: bool,
}

/// Clients that pass a filter: (clients generation, filter, indices).
type Visible = (u64, String, std::rc::Rc<[usize]>);

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
            color: true,
            clients: Vec::new(),
            clients_generation: 0,
            visible_cache: Default::default(),
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
            undo: Vec::new(),
            level_change: None,
            quit: false,
        }
    }

    /// The clients as read: networks are read again as they are needed.
    pub(crate) fn put_clients(&mut self, mut clients: Vec<Client>) {
        clients.sort_by_key(client_order);
        self.clients = clients;
        self.clients_changed();
        self.networks.clear();
        self.grades.clear();
        self.loading.clear();
        self.clamp();
    }

    /// Whether reads are on their way.
    pub fn reading(&self) -> bool {
        !self.loading.is_empty() || !self.search_ready
    }

    /// Takes in an answer of the reader.
    fn receive(&mut self, answer: Answer) -> Vec<Effect> {
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
                        self.error(format!("could not read the networks: {}", e.message()))
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
                        self.error(format!("could not search: {}", e.message()));
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
                self.select_network(want.network, want.deadline);
            }
        }
    }

    /// Selects a network of the selected client once its networks are
    /// read, the focus staying where it is.
    pub(crate) fn select_when_read(&mut self, client: ClientId, network: NetworkId) {
        self.want = Some(Want {
            client,
            network,
            deadline: None,
            quiet: true,
        });
    }

    /// Selects a network of the selected client, focused, or the given
    /// deadline in its timeline; `false` when the network is not in view.
    fn select_network(
        &mut self,
        network: NetworkId,
        deadline: Option<(DeadlineKind, NaiveDate)>,
    ) -> bool {
        let Some(i) = self.visible_networks().iter().position(|n| n.id == network) else {
            return false;
        };
        self.selected[Pane::Networks.index()] = i;
        self.focus = Pane::Networks;
        if let Some((kind, due)) = deadline {
            self.focus = Pane::Timeline;
            if let Some(n) = self.selected_network() {
                let t = self.timeline_of(n);
                let row = self.timeline_rows().iter().position(|row| {
                    matches!(row, TimelineRow::Deadline(k)
                        if t.deadlines[*k].kind == kind && t.deadlines[*k].due == due)
                });
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

    fn matches(filter: &str, text: &str) -> bool {
        filter.is_empty() || text.to_lowercase().contains(&filter.to_lowercase())
    }

    /// Says `clients` changed, so the filtered list is worked out again.
    pub fn clients_changed(&mut self) {
        self.clients_generation += 1;
    }

    /// Indices into `clients` that pass the clients filter.
    pub fn visible_clients(&self) -> std::rc::Rc<[usize]> {
        let f = &self.filters[Pane::Clients.index()];
        if let Some((generation, filter, list)) = self.visible_cache.borrow().as_ref()
            && *generation == self.clients_generation
            && filter == f
        {
            return std::rc::Rc::clone(list);
        }
        let list: std::rc::Rc<[usize]> = (0..self.clients.len())
            .filter(|i| {
                let c = &self.clients[*i];
                Self::matches(f, &c.name)
                    || Self::matches(f, &c.name_zh)
                    || Self::matches(f, &c.region)
                    || Self::matches(f, &c.credit_code)
            })
            .collect();
        *self.visible_cache.borrow_mut() = Some((
            self.clients_generation,
            f.clone(),
            std::rc::Rc::clone(&list),
        ));
        list
    }

    pub fn selected_client(&self) -> Option<&Client> {
        let v = self.visible_clients();
        v.get(self.selected[Pane::Clients.index()])
            .map(|i| &self.clients[*i])
    }

    /// Indices into the selected client's contacts that pass the filter.
    pub fn visible_contacts(&self) -> Vec<usize> {
        let f = &self.filters[Pane::Contacts.index()];
        match self.selected_client() {
            Some(c) => (0..c.contacts.len())
                .filter(|i| {
                    let k = &c.contacts[*i];
                    Self::matches(f, &k.name)
                        || Self::matches(f, &k.role)
                        || Self::matches(f, &k.email)
                })
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn selected_contact(&self) -> Option<usize> {
        self.visible_contacts()
            .get(self.selected[Pane::Contacts.index()])
            .copied()
    }

    /// The selected client's networks that pass the filter.
    pub fn visible_networks(&self) -> Vec<&Network> {
        let f = &self.filters[Pane::Networks.index()];
        match self.selected_client() {
            Some(c) => self
                .networks
                .get(&c.id)
                .map(|list| list.iter().filter(|n| Self::matches(f, &n.name)).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        }
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

    /// Rows of the answers pane: the questions, then the two overrides.
    pub fn answer_rows(&self) -> Vec<edit::AnswerRow> {
        let f = &self.filters[Pane::Answers.index()];
        edit::AnswerRow::all()
            .into_iter()
            .filter(|r| Self::matches(f, r.label()))
            .collect()
    }

    /// Rows of the timeline pane: the milestones (index into the network's
    /// milestones), then the derived dates.
    pub fn timeline_rows(&self) -> Vec<TimelineRow> {
        let Some(n) = self.selected_network() else {
            return Vec::new();
        };
        let f = &self.filters[Pane::Timeline.index()];
        let mut rows: Vec<TimelineRow> = (0..n.milestones.len())
            .filter(|i| Self::matches(f, n.milestones[*i].stage.as_str()))
            .map(TimelineRow::Milestone)
            .collect();
        let t = self.timeline_of(n);
        rows.extend(
            (0..t.deadlines.len())
                .filter(|i| Self::matches(f, t.deadlines[*i].kind.as_str()))
                .map(TimelineRow::Deadline),
        );
        rows
    }

    fn pane_len(&self, pane: Pane) -> usize {
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

    fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            kind,
            text: text.into(),
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.set_status(StatusKind::Error, text);
    }

    /// The keymap section that applies now.
    pub fn section(&self) -> Section {
        match &self.mode {
            Mode::Normal => self.focus.section(),
            Mode::Agenda { .. } => Section::Agenda,
            Mode::Help { .. } | Mode::History { .. } => Section::Global,
            Mode::Fuzzy { .. }
            | Mode::Filter
            | Mode::Form { .. }
            | Mode::Confirm { .. }
            | Mode::Conflict { .. }
            | Mode::Command { .. } => Section::Form,
        }
    }

    /// Selects a client (clearing filters that would hide it) and, given,
    /// one of its networks.
    pub fn jump_to(&mut self, client: ClientId, network: Option<NetworkId>) {
        self.jump(client, network, None);
    }

    /// [`App::jump_to`], and given, a derived date of the network's
    /// timeline, focused.
    fn jump(
        &mut self,
        client: ClientId,
        network: Option<NetworkId>,
        deadline: Option<(DeadlineKind, NaiveDate)>,
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
            && !self.select_network(nid, deadline)
            && !self.networks.contains_key(&client)
        {
            // Selected once the client's networks are in.
            self.want = Some(Want {
                client,
                network: nid,
                deadline,
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

/// Types pasted text into whatever takes text now. Line breaks become the
/// ` / ` that notes use, or a space; outside a field, a paste does nothing.
fn paste(app: &mut App, text: &str) {
    let notes = match &app.mode {
        Mode::Form { form, .. } => matches!(
            form.fields[form.focus].kind,
            crate::tui::form::FieldKind::Notes
        ),
        Mode::Fuzzy { .. } | Mode::Filter | Mode::Command { .. } => false,
        _ => {
            app.info("paste ignored: open a field first");
            return;
        }
    };
    let brk = if notes { " / " } else { " " };
    let text: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', brk)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    // The whole text in one step: one search, one filter pass.
    let focus = app.focus.index();
    match &mut app.mode {
        Mode::Form { form, .. } => {
            let field = form.focused();
            for c in text.chars() {
                if field.accepts(c) {
                    field.input(c);
                }
            }
        }
        Mode::Fuzzy {
            query,
            hits,
            selected,
        } => {
            query.push_str(&text);
            if query.trim().is_empty() {
                hits.clear();
            }
            *selected = 0;
        }
        Mode::Filter => {
            app.filters[focus].push_str(&text);
            app.selected[focus] = 0;
        }
        Mode::Command { input } => input.push_str(&text),
        _ => {}
    }
}

/// A row of the timeline pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineRow {
    Milestone(usize),
    Deadline(usize),
}

/// Applies one message: the only function that changes the app. It does
/// no I/O; what it needs from the store or the file system it returns, for
/// the session to do and answer with another message.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = match msg {
        Msg::Action(_) | Msg::Char(_) | Msg::Backspace => input(app, msg),
        Msg::Paste(text) => {
            paste(app, &text);
            Vec::new()
        }
        Msg::Clients(result, why) => clients_read(app, result, why),
        Msg::Read(answer) => app.receive(answer),
        Msg::Fetched(record, result, purpose) => edit::fetched(app, record, result, purpose),
        Msg::Saved(save, result, stored) => edit::saved(app, *save, result, stored),
        Msg::Deleted(delete, result) => edit::deleted(app, delete, result),
        Msg::Undid(step, result) => edit::undid(app, *step, result),
        Msg::Refreshed(result, why) => edit::refreshed(app, result, why),
        Msg::History(title, result) => history_read(app, title, result),
        Msg::Agenda(result) => agenda_read(app, result),
        Msg::Written(network, result) => report_written(app, &network, result),
        Msg::Change(change) => edit::other_session(app, change),
        Msg::Reconnected(r) => reconnected(app, r),
    };
    app.clamp();
    fx.extend(app.fetch());
    fx
}

/// A key, as an action or typed text.
fn input(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Msg::Action(a) = msg
        && app.readonly
        && a.edits()
        && matches!(app.mode, Mode::Normal)
    {
        app.error("read-only: editing is turned off (--readonly)");
        return fx;
    }
    let mode = std::mem::replace(&mut app.mode, Mode::Normal);
    app.mode = match mode {
        Mode::Normal => {
            if let Msg::Action(a) = msg {
                normal(app, a, &mut fx);
            }
            // `normal` may have opened another mode.
            std::mem::replace(&mut app.mode, Mode::Normal)
        }
        Mode::Help { scroll } => match msg {
            Msg::Action(Action::Help | Action::Cancel | Action::Quit | Action::Submit) => {
                Mode::Normal
            }
            Msg::Action(a) => Mode::Help {
                scroll: scrolled(scroll, a),
            },
            _ => Mode::Help { scroll },
        },
        Mode::History {
            title,
            lines,
            scroll,
        } => match msg {
            Msg::Action(Action::History | Action::Cancel | Action::Quit | Action::Submit) => {
                Mode::Normal
            }
            Msg::Action(a) => Mode::History {
                title,
                lines,
                scroll: scrolled(scroll, a),
            },
            _ => Mode::History {
                title,
                lines,
                scroll,
            },
        },
        Mode::Conflict {
            form,
            target,
            message,
        } => edit::conflict_update(app, form, target, message, msg, &mut fx),
        Mode::Agenda { rows, selected } => agenda_update(app, rows, selected, msg),
        Mode::Fuzzy {
            query,
            hits,
            selected,
        } => fuzzy_update(app, query, hits, selected, msg),
        Mode::Filter => filter_update(app, msg),
        Mode::Command { input } => command_update(app, input, msg, &mut fx),
        Mode::Form { form, target } => edit::form_update(app, form, target, msg, &mut fx),
        Mode::Confirm { message, target } => match msg {
            Msg::Action(Action::Submit) | Msg::Char('y') => {
                fx.extend(edit::delete(app, target));
                std::mem::replace(&mut app.mode, Mode::Normal)
            }
            Msg::Action(Action::Cancel) | Msg::Char('n') => {
                app.set_status(StatusKind::Info, "nothing deleted");
                Mode::Normal
            }
            _ => Mode::Confirm { message, target },
        },
    };
    fx
}

/// An overlay's scroll after a key.
fn scrolled(scroll: u16, a: Action) -> u16 {
    match a {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(10),
        Action::PageUp => scroll.saturating_sub(10),
        Action::Top => 0,
        _ => scroll,
    }
}

/// The clients, read again for `why`.
fn clients_read(app: &mut App, result: Result<Vec<Client>>, why: Reload) -> Vec<Effect> {
    let clients = match result {
        Ok(clients) => clients,
        Err(e) => {
            match why {
                Reload::Quiet | Reload::Command => app.error(e.message().to_string()),
                Reload::Change(_) => app.error(format!(
                    "could not read another session's change: {}",
                    e.message()
                )),
                Reload::Reconnected(..) => {
                    return reconnected(
                        app,
                        Reconnected::Failed {
                            reason: e.message().to_string(),
                            pause: crate::tui::effect::RECONNECT_PAUSE_SECS,
                        },
                    );
                }
            }
            return Vec::new();
        }
    };
    app.put_clients(clients);
    match why {
        Reload::Quiet => {}
        Reload::Command => app.info("reloaded from the database"),
        Reload::Change(at) => edit::reselect_after_read(app, at),
        Reload::Reconnected(at, link) => {
            edit::reselect_after_read(app, at);
            app.info(match link {
                crate::tui::effect::Link::Local => {
                    "the database daemon restarted; reconnected and reloaded"
                }
                crate::tui::effect::Link::Remote => {
                    "the connection to the database was lost; reconnected and reloaded"
                }
            });
        }
    }
    Vec::new()
}

/// What finding the database again gave: read everything afresh, or say
/// why not and try again later.
fn reconnected(app: &mut App, r: Reconnected) -> Vec<Effect> {
    match r {
        Reconnected::Done(link) => vec![Effect::Reload(Reload::Reconnected(app.selection(), link))],
        Reconnected::Failed { reason, pause } => {
            app.error(format!(
                "lost the database and could not reconnect (trying again every {pause} s; \
                 nothing can be saved until then): {reason}"
            ));
            vec![Effect::ReconnectLater]
        }
        Reconnected::Impossible => {
            app.error(
                "lost the database daemon: other sessions' edits no longer show; restart mlps",
            );
            Vec::new()
        }
    }
}

fn move_selection(app: &mut App, delta: isize) {
    let pane = app.focus;
    let len = app.pane_len(pane);
    if len == 0 {
        return;
    }
    let s = &mut app.selected[pane.index()];
    *s = (*s as isize + delta).clamp(0, len as isize - 1) as usize;
    // A new client or network resets what hangs below it.
    match pane {
        Pane::Clients => {
            app.selected[Pane::Contacts.index()] = 0;
            app.selected[Pane::Networks.index()] = 0;
            app.selected[Pane::Timeline.index()] = 0;
        }
        Pane::Networks => app.selected[Pane::Timeline.index()] = 0,
        _ => {}
    }
}

fn cycle_focus(app: &mut App, forward: bool) {
    let i = app.focus.index();
    let n = Pane::ALL.len();
    app.focus = Pane::ALL[(i + if forward { 1 } else { n - 1 }) % n];
}

fn normal(app: &mut App, a: Action, fx: &mut Vec<Effect>) {
    match a {
        Action::Quit => app.quit = true,
        Action::NextPane | Action::Right => cycle_focus(app, true),
        Action::PrevPane | Action::Left => cycle_focus(app, false),
        Action::Up => move_selection(app, -1),
        Action::Down => move_selection(app, 1),
        Action::PageUp => move_selection(app, -10),
        Action::PageDown => move_selection(app, 10),
        Action::Top => move_selection(app, isize::MIN / 2),
        Action::Bottom => move_selection(app, isize::MAX / 2),
        Action::Help => app.mode = Mode::Help { scroll: 0 },
        Action::Filter => app.mode = Mode::Filter,
        Action::Command => {
            app.mode = Mode::Command {
                input: String::new(),
            }
        }
        Action::FuzzyJump => {
            app.mode = Mode::Fuzzy {
                query: String::new(),
                hits: Vec::new(),
                selected: 0,
            }
        }
        Action::Agenda => fx.push(open_agenda(app)),
        Action::History => fx.extend(open_history(app)),
        Action::Report => fx.extend(write_report(
            app,
            crate::formats::report::ReportFormat::Markdown,
            None,
        )),
        Action::Cancel => {
            if !app.filters[app.focus.index()].is_empty() {
                app.filters[app.focus.index()].clear();
                app.set_status(StatusKind::Info, "filter cleared");
            } else {
                app.status = None;
            }
        }
        Action::Undo => fx.extend(edit::undo(app)),
        Action::Edit | Action::Add | Action::Delete | Action::Override | Action::ClearField => {
            fx.extend(edit::start(app, a))
        }
        Action::Submit | Action::NextField | Action::PrevField | Action::Today | Action::Toggle => {
        }
    }
}

/// Asks for the selected network's report, written into `dir` (as typed),
/// else the directory the case manager was started in.
fn write_report(
    app: &mut App,
    format: crate::formats::report::ReportFormat,
    dir: Option<String>,
) -> Option<Effect> {
    use crate::formats::report;
    let (Some(client), Some(network)) = (app.selected_client(), app.selected_network()) else {
        app.info("select a network first: the report is of one network");
        return None;
    };
    Some(Effect::WriteFile(Box::new(crate::tui::effect::WriteFile {
        dir,
        file_name: report::file_name(network, format),
        text: report::render(client, network, &app.config, app.today, format),
        network: network.name.clone(),
    })))
}

/// A report written, or why not.
fn report_written(
    app: &mut App,
    network: &str,
    result: std::result::Result<std::path::PathBuf, WriteFailed>,
) -> Vec<Effect> {
    let esc = crate::text::escape_for_terminal;
    match result {
        Ok(path) => app.saved(format!(
            "report of {} written to {}",
            esc(network),
            esc(&path.display().to_string())
        )),
        Err(WriteFailed::NoDirectory(e)) => {
            app.error(format!("no directory to write the report in: {e}"))
        }
        Err(WriteFailed::Write(e)) => {
            app.error(format!("could not write the report: {}", e.message()))
        }
    }
    Vec::new()
}

/// Asks for the change history of the selected network, or of the
/// selected client when the focus is on clients or contacts.
fn open_history(app: &mut App) -> Option<Effect> {
    use crate::store::audit::LogQuery;
    let esc = crate::text::escape_for_terminal;
    let on_client = matches!(app.focus, Pane::Clients | Pane::Contacts);
    let (query, title) = match (app.selected_client(), app.selected_network()) {
        (_, Some(n)) if !on_client => (
            LogQuery::of_network(n.id),
            format!("History of network \"{}\"", esc(&n.name)),
        ),
        (Some(c), _) => (
            LogQuery::of_client(c.id),
            format!(
                "History of client \"{}\" and its networks",
                esc(c.display_name())
            ),
        ),
        (None, _) => {
            app.info("nothing selected here");
            return None;
        }
    };
    Some(Effect::History { query, title })
}

/// A change history read: shown newest first.
fn history_read(app: &mut App, title: String, result: Result<Vec<LogEntry>>) -> Vec<Effect> {
    let entries = match result {
        Ok(entries) => entries,
        Err(e) => {
            app.error(format!("could not read the history: {}", e.message()));
            return Vec::new();
        }
    };
    let mut lines = Vec::new();
    for e in entries.iter().rev() {
        lines.push(crate::service::history::heading(e));
        for c in e.changes() {
            lines.push(format!("    {}", crate::service::history::change_line(&c)));
        }
    }
    if lines.is_empty() {
        lines.push("No changes recorded.".to_string());
    }
    app.mode = Mode::History {
        title,
        lines,
        scroll: 0,
    };
    Vec::new()
}

/// Asks for the renewals agenda: the next 90 days, and what is overdue.
pub(crate) fn open_agenda(app: &App) -> Effect {
    Effect::Agenda {
        today: app.today,
        within: 90,
        due_soon_days: app.config.settings.due_soon_days,
    }
}

fn agenda_read(app: &mut App, result: Result<Vec<AgendaRow>>) -> Vec<Effect> {
    match result {
        Ok(rows) => {
            // A certificate expiry is listed under its network's renewal.
            let rows = agenda::grouped(&rows)
                .into_iter()
                .map(|(r, _)| r.clone())
                .collect();
            app.mode = Mode::Agenda { rows, selected: 0 }
        }
        Err(e) => app.error(e.message().to_string()),
    }
    Vec::new()
}

fn agenda_update(app: &mut App, rows: Vec<AgendaRow>, selected: usize, msg: Msg) -> Mode {
    let last = rows.len().saturating_sub(1);
    let selected = match msg {
        Msg::Action(Action::Up) => selected.saturating_sub(1),
        Msg::Action(Action::Down) => (selected + 1).min(last),
        Msg::Action(Action::PageUp) => selected.saturating_sub(10),
        Msg::Action(Action::PageDown) => (selected + 10).min(last),
        Msg::Action(Action::Top) => 0,
        Msg::Action(Action::Bottom) => last,
        Msg::Action(Action::Cancel | Action::Agenda | Action::Quit) => return Mode::Normal,
        Msg::Action(Action::Help) => return Mode::Help { scroll: 0 },
        Msg::Action(Action::Submit | Action::Edit) => {
            if let Some(r) = rows.get(selected) {
                // Select the deadline itself, not the first milestone.
                app.jump(r.client_id, Some(r.network_id), Some((r.kind, r.due)));
                app.focus = Pane::Timeline;
            }
            return Mode::Normal;
        }
        _ => selected,
    };
    Mode::Agenda { rows, selected }
}

fn fuzzy_update(
    app: &mut App,
    mut query: String,
    mut hits: Vec<Hit>,
    selected: usize,
    msg: Msg,
) -> Mode {
    let mut selected = selected;
    match msg {
        // The hits follow from the reader (see `App::fetch`).
        Msg::Char(c) => {
            query.push(c);
            selected = 0;
        }
        Msg::Backspace => {
            query.pop();
            if query.trim().is_empty() {
                hits.clear();
            }
            selected = 0;
        }
        Msg::Action(Action::NextField | Action::Down) => {
            selected = (selected + 1).min(hits.len().saturating_sub(1))
        }
        Msg::Action(Action::PrevField | Action::Up) => selected = selected.saturating_sub(1),
        Msg::Action(Action::Cancel) => return Mode::Normal,
        Msg::Action(Action::Submit) => {
            if let Some(hit) = hits.get(selected) {
                match hit.target {
                    Target::Client(c) => app.jump_to(c, None),
                    Target::Network(n) => {
                        if let Some(c) = hit.client {
                            app.jump_to(c, Some(n));
                        }
                    }
                    Target::Contact { client, index } => {
                        app.jump_to(client, None);
                        app.focus = Pane::Contacts;
                        app.selected[Pane::Contacts.index()] = index;
                    }
                }
            }
            return Mode::Normal;
        }
        _ => {}
    }
    Mode::Fuzzy {
        query,
        hits,
        selected,
    }
}

fn filter_update(app: &mut App, msg: Msg) -> Mode {
    let i = app.focus.index();
    match msg {
        Msg::Char(c) => app.filters[i].push(c),
        Msg::Backspace => {
            app.filters[i].pop();
        }
        Msg::Action(Action::Submit) => return Mode::Normal,
        Msg::Action(Action::Cancel) => {
            app.filters[i].clear();
            return Mode::Normal;
        }
        _ => {}
    }
    app.selected[i] = 0;
    Mode::Filter
}

fn command_update(app: &mut App, mut input: String, msg: Msg, fx: &mut Vec<Effect>) -> Mode {
    match msg {
        Msg::Char(c) => input.push(c),
        Msg::Backspace => {
            input.pop();
        }
        Msg::Action(Action::Cancel) => return Mode::Normal,
        Msg::Action(Action::Submit) => {
            fx.extend(run_command(app, input.trim()));
            return std::mem::replace(&mut app.mode, Mode::Normal);
        }
        _ => {}
    }
    Mode::Command { input }
}

/// The `:` commands.
fn run_command(app: &mut App, line: &str) -> Vec<Effect> {
    let (name, arg) = line
        .split_once(' ')
        .map_or((line, ""), |(c, a)| (c, a.trim()));
    if name.is_empty() {
        return Vec::new();
    }
    match super::commands::find(name) {
        Some(c) if c.edits && app.readonly => {
            app.error("read-only: editing is turned off (--readonly)");
            Vec::new()
        }
        Some(c) => (c.run)(app, arg),
        None => {
            app.error(format!(
                "unknown command {:?}: try {}",
                crate::text::escape_for_terminal(name),
                super::commands::usage_list()
            ));
            Vec::new()
        }
    }
}

/// `:report [md|html] [DIR]`: the folder is the rest of the line, spaces
/// and all; `~/` is the home folder.
pub(crate) fn report_command(app: &mut App, arg: &str) -> Vec<Effect> {
    let (first, after) = arg.split_once(' ').unwrap_or((arg, ""));
    let (format, rest) = match first.parse() {
        Ok(f) => (f, after.trim()),
        Err(_) => (crate::formats::report::ReportFormat::Markdown, arg),
    };
    let dir = (!rest.is_empty()).then(|| rest.to_string());
    write_report(app, format, dir).into_iter().collect()
}
