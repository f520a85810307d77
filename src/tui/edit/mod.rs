//! Editing: opening the form for a record, saving it through the store
//! (with the conflict dialog when someone else changed it meanwhile),
//! deleting after confirmation, undo of the session's edits, and other
//! sessions' changes coming in. None of it does I/O: the store's part is
//! asked for as effects, and its answers come back as messages.

mod feed;
pub mod forms;
pub mod questionnaire;
mod save;
mod undo;

pub use feed::other_session;
pub(crate) use feed::refreshed;
pub use save::unseen;
pub(crate) use save::{conflict_update, delete, deleted, fetched, reselect_after_read, saved};
pub(crate) use undo::{undid, undo};

use crate::domain::merge;
use crate::domain::model::{Aspect, Client, ClientId, Network, NetworkId};
use crate::domain::questionnaire::QuestionId;
use crate::tui::Action;
use crate::tui::app::{App, Mode, Msg, Pane, TimelineRow};
use crate::tui::effect::{Effect, Purpose};
use crate::tui::form::{Form, Version};
use crate::tui::words::{form as w, status as st};
use forms::{answer_form, client_form, contact_form, milestone_form, network_form, override_form};

/// What a form or a delete confirmation acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum FormTarget {
    NewClient,
    Client(ClientId),
    NewContact(ClientId),
    Contact(ClientId, usize),
    NewNetwork(ClientId),
    Network(NetworkId),
    Answer(NetworkId, QuestionId),
    Override(NetworkId),
    NewMilestone(NetworkId),
    Milestone(NetworkId, usize),
}

/// A row of the answers pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRow {
    Question(QuestionId),
    Override(Aspect),
}

impl AnswerRow {
    pub fn all() -> Vec<AnswerRow> {
        QuestionId::ALL
            .iter()
            .map(|q| AnswerRow::Question(*q))
            .chain(Aspect::ALL.iter().map(|a| AnswerRow::Override(*a)))
            .collect()
    }

    pub fn label(&self) -> &'static str {
        match self {
            AnswerRow::Question(q) => q.as_str(),
            AnswerRow::Override(Aspect::BusinessInformation) => "override S",
            AnswerRow::Override(Aspect::SystemService) => "override A",
        }
    }
}

/// Opens the form or confirmation for an editing action on the focused
/// pane.
pub fn start(app: &mut App, action: Action) -> Vec<Effect> {
    let client = app.selected_client().cloned();
    let network = app.selected_network().cloned();
    let lang = app.lang;
    let opened = match (action, app.focus) {
        (Action::Add, Pane::Clients) => Some((
            client_form(w::NEW_CLIENT, None, lang),
            FormTarget::NewClient,
        )),
        (Action::Edit, Pane::Clients) => client.map(|c| {
            (
                client_form(w::EDIT_CLIENT, Some(&c), lang),
                FormTarget::Client(c.id),
            )
        }),
        (Action::Add, Pane::Contacts) => client.map(|c| {
            (
                contact_form(w::NEW_CONTACT, None, lang),
                FormTarget::NewContact(c.id),
            )
        }),
        (Action::Edit, Pane::Contacts) => match (client, app.selected_contact()) {
            (Some(c), Some(i)) => Some((
                contact_form(w::EDIT_CONTACT, Some(&c.contacts[i]), lang),
                FormTarget::Contact(c.id, i),
            )),
            _ => None,
        },
        (Action::Add, Pane::Networks) => client.map(|c| {
            (
                network_form(w::NEW_NETWORK, None, lang),
                FormTarget::NewNetwork(c.id),
            )
        }),
        (Action::Edit, Pane::Networks) => network.map(|n| {
            (
                network_form(w::EDIT_NETWORK, Some(&n), lang),
                FormTarget::Network(n.id),
            )
        }),
        (Action::Edit, Pane::Answers) => {
            let row = app
                .answer_rows()
                .get(app.selected[Pane::Answers.index()])
                .copied();
            match (network, row) {
                (Some(n), Some(AnswerRow::Question(q))) => Some((
                    answer_form(&n.answers, q, lang),
                    FormTarget::Answer(n.id, q),
                )),
                (Some(n), Some(AnswerRow::Override(_))) => Some((
                    override_form(&n.overrides, lang),
                    FormTarget::Override(n.id),
                )),
                _ => None,
            }
        }
        (Action::Override, _) => network.map(|n| {
            (
                override_form(&n.overrides, lang),
                FormTarget::Override(n.id),
            )
        }),
        (Action::Add, Pane::Timeline) => network.map(|n| {
            // The stage the case expects next, with the fields it uses.
            let level = app.timeline_of(&n).level;
            (
                milestone_form(
                    w::NEW_MILESTONE,
                    None,
                    forms::expected_stage(&n, level),
                    lang,
                ),
                FormTarget::NewMilestone(n.id),
            )
        }),
        (Action::Edit, Pane::Timeline) => {
            let row = app
                .timeline_rows()
                .get(app.selected[Pane::Timeline.index()])
                .copied();
            match (network, row) {
                (Some(n), Some(TimelineRow::Milestone(i))) => Some((
                    milestone_form(
                        w::EDIT_MILESTONE,
                        Some(&n.milestones[i]),
                        n.milestones[i].stage,
                        lang,
                    ),
                    FormTarget::Milestone(n.id, i),
                )),
                (Some(_), Some(TimelineRow::Deadline(_))) => {
                    app.info(st::DERIVED_DATES.get(lang));
                    None
                }
                _ => None,
            }
        }
        (Action::Delete, pane) => return confirm_delete(app, pane).into_iter().collect(),
        (Action::ClearField, Pane::Answers) => {
            let row = app
                .answer_rows()
                .get(app.selected[Pane::Answers.index()])
                .copied();
            if let (Some(n), Some(AnswerRow::Question(q))) = (network, row) {
                let mut after = n.clone();
                after.answers.clear(q);
                let what = format!("{q} {}", st::UNKNOWN_AGAIN.get(lang));
                let before = Version::Network(Box::new(n));
                return save::save(
                    app,
                    Some(before),
                    Version::Network(Box::new(after)),
                    what,
                    None,
                )
                .into_iter()
                .collect();
            }
            return Vec::new();
        }
        _ => None,
    };
    match opened {
        Some((mut form, target)) => {
            // What the edit is based on: a save finds out whether someone
            // else changed the record meanwhile.
            form.base = record_of(&target).and_then(|r| version_in_view(app, r));
            app.mode = Mode::Form {
                form: Box::new(form),
                target,
            }
        }
        None if app.status.is_none() => app.info(st::NOTHING_SELECTED.get(app.lang)),
        None => {}
    }
    Vec::new()
}

/// Asks before a delete; a client's networks are read first, so that
/// the question counts them (it is asked once they are in).
pub(crate) fn confirm_delete(app: &mut App, pane: Pane) -> Option<Effect> {
    let esc = crate::text::escape_for_terminal;
    let lang = app.lang;
    let say = |en: String, zh: String| crate::tui::words::phrase(lang, en, zh);
    let (message, target) = match pane {
        Pane::Clients => match app.selected_client().map(|c| c.id) {
            Some(id) => {
                if !app.has_networks(id) {
                    app.confirm_when_read = Some(id);
                    return app.read_networks(id);
                }
                // The count the user confirms is of the networks read now.
                let count = app.networks.get(&id).map_or(0, Vec::len);
                let c = app.selected_client()?;
                let name = esc(c.display_name());
                (
                    say(
                        format!("Delete client {name} and its {count} network(s)?"),
                        format!("删除客户 {name} 及其 {count} 个网络？"),
                    ),
                    FormTarget::Client(c.id),
                )
            }
            None => return None,
        },
        Pane::Contacts => match (app.selected_client(), app.selected_contact()) {
            (Some(c), Some(i)) => (
                {
                    let (name, of) = (esc(&c.contacts[i].name), esc(c.display_name()));
                    say(
                        format!("Delete contact {name} of {of}?"),
                        format!("删除 {of} 的联系人 {name}？"),
                    )
                },
                FormTarget::Contact(c.id, i),
            ),
            _ => return None,
        },
        Pane::Networks => match app.selected_network() {
            Some(n) => (
                {
                    let name = esc(&n.name);
                    say(
                        format!("Delete network {name} and its case history?"),
                        format!("删除网络 {name} 及其全部案卷记录？"),
                    )
                },
                FormTarget::Network(n.id),
            ),
            None => return None,
        },
        Pane::Timeline => {
            let row = app
                .timeline_rows()
                .get(app.selected[Pane::Timeline.index()])
                .copied();
            match (app.selected_network(), row) {
                (Some(n), Some(TimelineRow::Milestone(i))) => {
                    let m = &n.milestones[i];
                    (
                        say(
                            format!("Delete milestone {} of {}?", m.stage, m.date),
                            format!("删除 {} 的节点 {}？", m.date, m.stage),
                        ),
                        FormTarget::Milestone(n.id, i),
                    )
                }
                _ => {
                    app.info(st::ONLY_RECORDED.get(lang));
                    return None;
                }
            }
        }
        Pane::Answers => {
            let key = crate::tui::panes::key_name(
                app,
                crate::tui::keymap::Section::Answers,
                Action::ClearField,
            )
            .unwrap_or_else(|| "clear_field".to_string());
            app.info(say(
                format!("answers are not deleted: {key} makes one unknown"),
                format!("回答不能删除：按 {key} 设为未知"),
            ));
            return None;
        }
    };
    app.mode = Mode::Confirm { message, target };
    None
}

/// Handles a message while a form is open. A submitted form stays open
/// until the store has answered: saved, refused (the reason at its field)
/// or changed meanwhile (the conflict dialog).
pub fn form_update(
    app: &mut App,
    mut form: Box<Form>,
    target: FormTarget,
    msg: Msg,
    fx: &mut Vec<Effect>,
) -> Mode {
    // A problem with the whole record, from the last submit, is about
    // values that have now changed: it goes with the change (a field's own
    // problem goes when the field is checked again, fixed).
    if matches!(
        msg,
        Msg::Char(_)
            | Msg::Backspace
            | Msg::Action(
                Action::Left | Action::Right | Action::Toggle | Action::ClearField | Action::Today
            )
    ) {
        form.error = None;
    }
    match msg {
        Msg::Char(c) if form.focused().accepts(c) => {
            form.focused().input(c);
        }
        Msg::Backspace => form.focused().backspace(),
        Msg::Action(Action::Cancel) => {
            app.info(st::NOT_SAVED.get(app.lang));
            return Mode::Normal;
        }
        // In a set of flags, Down and Up move between the flags (moving
        // changes nothing: an unknown set stays unknown).
        Msg::Action(Action::NextField | Action::Down) if form.focused().is_flags() => {
            form.focused().step(true)
        }
        Msg::Action(Action::PrevField | Action::Up) if form.focused().is_flags() => {
            form.focused().step(false)
        }
        Msg::Action(Action::NextField | Action::Down) => form.next(),
        Msg::Action(Action::PrevField | Action::Up) => form.prev(),
        Msg::Action(Action::Left) => form.focused().step(false),
        Msg::Action(Action::Right) => form.focused().step(true),
        Msg::Action(Action::Toggle) => form.focused().toggle(),
        Msg::Action(Action::ClearField) => form.focused().clear(),
        Msg::Action(Action::Today) => {
            let today = app.today;
            form.focused().set_today(today);
        }
        Msg::Action(Action::Submit) => {
            // The first field with a problem is focused, the problem shown
            // under it (once: not again at the foot of the form).
            if form.first_problem().is_some() {
                form.error = None;
            } else {
                match save::submit(app, &form, &target) {
                    Ok(Some(save)) => fx.push(save),
                    // Nothing changed: nothing to wait for.
                    Ok(None) => return Mode::Normal,
                    Err(problem) if problem.changed => {
                        // Their change is in view already: the dialog
                        // shows the record as stored now.
                        if let Some(record) = record_of(&target) {
                            fx.push(Effect::Fetch(record, Purpose::Conflict));
                        }
                    }
                    Err(problem) => show_problem(&mut form, problem),
                }
            }
        }
        _ => {}
    }
    if matches!(
        target,
        FormTarget::NewMilestone(_) | FormTarget::Milestone(..)
    ) {
        // The fields shown follow the stage chosen.
        forms::show_stage_fields(&mut form);
    }
    Mode::Form { form, target }
}

/// Keeps the form open with the reason, pointing at the field the problem
/// is in where there is one.
fn show_problem(form: &mut Form, problem: Problem) {
    if let Some(i) = problem
        .field
        .as_deref()
        .and_then(|k| form.fields.iter().position(|f| f.key == k))
    {
        form.focus = i;
        form.fields[i].error = Some(problem.message);
        form.error = None;
    } else {
        form.error = Some(problem.message);
    }
}

/// Why a form could not be saved, and the field it is about.
pub(crate) struct Problem {
    field: Option<String>,
    message: String,
    /// Someone else changed or deleted the record since the form opened.
    changed: bool,
}

impl Problem {
    fn changed() -> Problem {
        Problem {
            field: None,
            message: "someone else changed the record".to_string(),
            changed: true,
        }
    }
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem {
            field: None,
            message,
            changed: false,
        }
    }
}

impl From<&str> for Problem {
    fn from(message: &str) -> Problem {
        Problem::from(message.to_string())
    }
}

impl From<crate::error::Error> for Problem {
    fn from(e: crate::error::Error) -> Problem {
        match e {
            crate::error::Error::Conflict(_) => Problem::changed(),
            e => Problem::from(e.message().to_string()),
        }
    }
}

/// The stored record a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Client(ClientId),
    Network(NetworkId),
}

impl Record {
    /// The record a version is of.
    pub fn of(version: &Version) -> Record {
        match version {
            Version::Client(c) => Record::Client(c.id),
            Version::Network(n) => Record::Network(n.id),
        }
    }
}

/// The existing record a form changes; `None` for a new client or
/// network.
fn record_of(target: &FormTarget) -> Option<Record> {
    match *target {
        FormTarget::NewClient | FormTarget::NewNetwork(_) => None,
        FormTarget::Client(id) | FormTarget::NewContact(id) | FormTarget::Contact(id, _) => {
            Some(Record::Client(id))
        }
        FormTarget::Network(id)
        | FormTarget::Answer(id, _)
        | FormTarget::Override(id)
        | FormTarget::NewMilestone(id)
        | FormTarget::Milestone(id, _) => Some(Record::Network(id)),
    }
}

/// The record as this session has it.
fn version_in_view(app: &App, record: Record) -> Option<Version> {
    match record {
        Record::Client(id) => app
            .clients
            .iter()
            .find(|c| c.id == id)
            .map(|c| Version::Client(Box::new(c.clone()))),
        Record::Network(id) => app
            .network(id)
            .map(|n| Version::Network(Box::new(n.clone()))),
    }
}

/// How the record is named in sentences, in English and in Chinese:
/// `network "CRM"`, `网络“CRM”`.
fn record_name(app: &App, record: Record, version: Option<&Version>) -> (String, String) {
    let esc = crate::text::escape_for_terminal;
    let version = version.cloned().or_else(|| version_in_view(app, record));
    match (record, version) {
        (_, Some(Version::Client(c))) => {
            let name = esc(c.display_name());
            (format!("client \"{name}\""), format!("客户“{name}”"))
        }
        (_, Some(Version::Network(n))) => {
            let name = esc(&n.name);
            (format!("network \"{name}\""), format!("网络“{name}”"))
        }
        (Record::Client(_), None) => ("the client".into(), "该客户".into()),
        (Record::Network(_), None) => ("the network".into(), "该网络".into()),
    }
}

/// What a form makes of its record: the version it was opened on (`None`
/// for a new record) and that version with the form's fields.
pub(crate) enum Built {
    Client {
        base: Option<Client>,
        mine: Box<Client>,
    },
    Network {
        base: Option<Network>,
        mine: Box<Network>,
    },
}

impl Built {
    fn client(base: Option<Client>, mine: Client) -> Built {
        Built::Client {
            base,
            mine: Box::new(mine),
        }
    }

    fn network(base: Option<Network>, mine: Network) -> Built {
        Built::Network {
            base,
            mine: Box::new(mine),
        }
    }
}

/// This edit's changes merged over `theirs`, the stored version.
struct Outcome {
    record: Version,
    conflicts: Vec<merge::FieldConflict>,
    theirs_kept: Vec<String>,
}

impl Built {
    fn merged(&self, theirs: &Version, winner: merge::Winner) -> Option<Outcome> {
        match (self, theirs) {
            (
                Built::Client {
                    base: Some(base),
                    mine,
                },
                Version::Client(theirs),
            ) => {
                let m = merge::merge_client(base, mine, theirs, winner);
                Some(Outcome {
                    record: Version::Client(Box::new(m.record)),
                    conflicts: m.conflicts,
                    theirs_kept: m.theirs_kept,
                })
            }
            (
                Built::Network {
                    base: Some(base),
                    mine,
                },
                Version::Network(theirs),
            ) => {
                let m = merge::merge_network(base, mine, theirs, winner);
                Some(Outcome {
                    record: Version::Network(Box::new(m.record)),
                    conflicts: m.conflicts,
                    theirs_kept: m.theirs_kept,
                })
            }
            _ => None,
        }
    }
}
