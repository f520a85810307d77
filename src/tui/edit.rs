//! Editing: the form for each kind of record, saving through the store,
//! deleting after confirmation, and undo of the session's edits.

use crate::domain::grading;
use crate::domain::model::{
    Aspect, Client, ClientId, Conclusion, Contact, Degree, HarmOverride, HarmedObject, Level,
    Milestone, Network, NetworkId, Overrides, Stage,
};
use crate::domain::questionnaire::{Answers, QuestionId, QuestionKind};
use crate::interchange::{NewClient, NewNetwork};
use crate::tui::Action;
use crate::tui::app::{App, Mode, Msg, Pane, TimelineRow, Undo};
use crate::tui::form::{Field, Form};

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
pub fn start(app: &mut App, action: Action) {
    let client = app.selected_client().cloned();
    let network = app.selected_network().cloned();
    let opened = match (action, app.focus) {
        (Action::Add, Pane::Clients) => {
            Some((client_form("New client", None), FormTarget::NewClient))
        }
        (Action::Edit, Pane::Clients) => client.map(|c| {
            (
                client_form("Edit client", Some(&c)),
                FormTarget::Client(c.id),
            )
        }),
        (Action::Add, Pane::Contacts) => client.map(|c| {
            (
                contact_form("New contact", None),
                FormTarget::NewContact(c.id),
            )
        }),
        (Action::Edit, Pane::Contacts) => match (client, app.selected_contact()) {
            (Some(c), Some(i)) => Some((
                contact_form("Edit contact", Some(&c.contacts[i])),
                FormTarget::Contact(c.id, i),
            )),
            _ => None,
        },
        (Action::Add, Pane::Networks) => client.map(|c| {
            (
                network_form("New network", None),
                FormTarget::NewNetwork(c.id),
            )
        }),
        (Action::Edit, Pane::Networks) => network.map(|n| {
            (
                network_form("Edit network", Some(&n)),
                FormTarget::Network(n.id),
            )
        }),
        (Action::Edit, Pane::Answers) => {
            let row = app
                .answer_rows()
                .get(app.selected[Pane::Answers.index()])
                .copied();
            match (network, row) {
                (Some(n), Some(AnswerRow::Question(q))) => {
                    Some((answer_form(&n.answers, q), FormTarget::Answer(n.id, q)))
                }
                (Some(n), Some(AnswerRow::Override(_))) => {
                    Some((override_form(&n.overrides), FormTarget::Override(n.id)))
                }
                _ => None,
            }
        }
        (Action::Override, _) => {
            network.map(|n| (override_form(&n.overrides), FormTarget::Override(n.id)))
        }
        (Action::Add, Pane::Timeline) => network.map(|n| {
            (
                milestone_form("New milestone", None),
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
                    milestone_form("Edit milestone", Some(&n.milestones[i])),
                    FormTarget::Milestone(n.id, i),
                )),
                (Some(_), Some(TimelineRow::Deadline(_))) => {
                    app.info("derived dates follow the milestones: edit a milestone instead");
                    None
                }
                _ => None,
            }
        }
        (Action::Delete, pane) => {
            confirm_delete(app, pane);
            return;
        }
        (Action::ClearField, Pane::Answers) => {
            let row = app
                .answer_rows()
                .get(app.selected[Pane::Answers.index()])
                .copied();
            if let (Some(n), Some(AnswerRow::Question(q))) = (network, row) {
                let mut after = n.clone();
                after.answers.clear(q);
                // A failure is on the status line already.
                let _ = save_network(app, Some(n), after, &format!("{q} is unknown again"));
            }
            return;
        }
        _ => None,
    };
    match opened {
        Some((mut form, target)) => {
            // What the edit is based on: a save finds out whether someone
            // else changed the record meanwhile.
            form.base = revision_of(app, &target);
            app.mode = Mode::Form {
                form: Box::new(form),
                target,
            }
        }
        None if app.status.is_none() => app.info("nothing selected here"),
        None => {}
    }
}

fn confirm_delete(app: &mut App, pane: Pane) {
    let esc = crate::text::escape_for_terminal;
    let (message, target) = match pane {
        Pane::Clients => match app.selected_client().map(|c| c.id) {
            Some(id) => {
                // The count the user confirms is of the networks read now.
                let count = match app.networks_now(id) {
                    Ok(list) => list.len(),
                    Err(e) => return app.error(e.message().to_string()),
                };
                let Some(c) = app.selected_client() else {
                    return;
                };
                (
                    format!(
                        "Delete client {} and its {count} network(s)?",
                        esc(c.display_name())
                    ),
                    FormTarget::Client(c.id),
                )
            }
            None => return,
        },
        Pane::Contacts => match (app.selected_client(), app.selected_contact()) {
            (Some(c), Some(i)) => (
                format!(
                    "Delete contact {} of {}?",
                    esc(&c.contacts[i].name),
                    esc(c.display_name())
                ),
                FormTarget::Contact(c.id, i),
            ),
            _ => return,
        },
        Pane::Networks => match app.selected_network() {
            Some(n) => (
                format!("Delete network {} and its case history?", esc(&n.name)),
                FormTarget::Network(n.id),
            ),
            None => return,
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
                        format!("Delete milestone {} of {}?", m.stage, m.date),
                        FormTarget::Milestone(n.id, i),
                    )
                }
                _ => {
                    app.info("only recorded milestones can be deleted");
                    return;
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
            app.info(format!("answers are not deleted: {key} makes one unknown"));
            return;
        }
    };
    app.mode = Mode::Confirm { message, target };
}

// ----- forms -----

fn client_form(title: &str, c: Option<&Client>) -> Form {
    let get = |f: fn(&Client) -> &str| c.map(f).unwrap_or("");
    Form::new(
        title,
        vec![
            Field::text("name", "Name", get(|c| &c.name), false),
            Field::text("name_zh", "中文名", get(|c| &c.name_zh), false),
            Field::text("region", "Region", get(|c| &c.region), false),
            Field::text(
                "credit_code",
                "Credit code 统一社会信用代码",
                get(|c| &c.credit_code),
                false,
            ),
            Field::text("address", "Address 单位地址", get(|c| &c.address), false),
            Field::notes("notes", "Notes", get(|c| &c.notes)),
        ],
    )
}

fn contact_form(title: &str, c: Option<&Contact>) -> Form {
    let get = |f: fn(&Contact) -> &str| c.map(f).unwrap_or("");
    Form::new(
        title,
        vec![
            Field::text("name", "Name", get(|c| &c.name), true),
            Field::text("role", "Role", get(|c| &c.role), false),
            Field::text("email", "E-mail", get(|c| &c.email), false),
            Field::text("phone", "Phone", get(|c| &c.phone), false),
        ],
    )
}

const LEVELS: &[&str] = &["1", "2", "3", "4", "5"];
const LEVELS0: &[&str] = &["0", "1", "2", "3", "4", "5"];

fn network_form(title: &str, n: Option<&Network>) -> Form {
    let filed = n.and_then(|n| n.filed_level).map(|l| l.to_string());
    Form::new(
        title,
        vec![
            Field::text("name", "Name", n.map_or("", |n| &n.name), true),
            Field::notes("notes", "Notes", n.map_or("", |n| &n.notes)),
            Field::one_of(
                "filed_level",
                "Filed level (certificate)",
                LEVELS,
                filed.as_deref(),
                true,
            ),
        ],
    )
}

fn answer_form(answers: &Answers, q: QuestionId) -> Form {
    let question = q.question();
    let current = answers.display(q);
    let key = q.as_str();
    let label = format!("{key}: {}", question.meaning);
    let field = match question.kind {
        QuestionKind::OneOf(options) => {
            Field::one_of(key, label, options, current.as_deref(), true)
        }
        QuestionKind::SetOf(options) => {
            let set = answers
                .data_categories
                .as_ref()
                .map(|s| s.iter().map(|c| c.as_str()).collect());
            Field::set_of(key, label, options, set)
        }
        QuestionKind::Bool => Field::yes_no(key, label, current.map(|v| v == "yes")),
        QuestionKind::Count => {
            let value = current.and_then(|v| v.replace(' ', "").parse().ok());
            Field::count(key, label, value)
        }
        QuestionKind::Level => Field::one_of(key, label, LEVELS0, current.as_deref(), true),
        QuestionKind::Text => Field::text(key, label, current.as_deref().unwrap_or(""), false),
    };
    let unknown = match question.unknown_means {
        "{}" => "no categories",
        "\"\"" => "empty",
        other => other,
    };
    Form::new(
        format!("Answer {key} (unknown counts as {unknown})"),
        vec![field],
    )
}

fn override_form(o: &Overrides) -> Form {
    let mut fields = Vec::new();
    for (aspect, prefix) in [
        (Aspect::BusinessInformation, "S"),
        (Aspect::SystemService, "A"),
    ] {
        let current = o.get(aspect);
        let (object, degree, justification): (&'static str, &'static str, &'static str) =
            match aspect {
                Aspect::BusinessInformation => ("s_object", "s_degree", "s_justification"),
                Aspect::SystemService => ("a_object", "a_degree", "a_justification"),
            };
        fields.push(Field::one_of(
            object,
            format!("{prefix} harmed object (unknown: no override)"),
            HarmedObject::IDS,
            current.map(|c| c.object.as_str()),
            true,
        ));
        fields.push(Field::one_of(
            degree,
            format!("{prefix} degree"),
            Degree::IDS,
            current.map(|c| c.degree.as_str()),
            false,
        ));
        fields.push(Field::notes(
            justification,
            format!("{prefix} justification"),
            current.map_or("", |c| &c.justification),
        ));
    }
    Form::new("Override the harm (needs a justification)", fields)
}

fn milestone_form(title: &str, m: Option<&Milestone>) -> Form {
    let counts = |v: Option<u32>| v.map(u64::from);
    Form::new(
        title,
        vec![
            Field::one_of(
                "stage",
                "Stage",
                Stage::IDS,
                m.map(|m| m.stage.as_str()),
                false,
            ),
            Field::date(
                "date",
                "Date (YYYY-MM-DD, t: today)",
                m.map(|m| m.date),
                true,
            ),
            Field::notes("note", "Note", m.map_or("", |m| &m.note)),
            Field::decimal(
                "score",
                "Score (evaluation_passed or _failed)",
                m.and_then(|m| m.score),
                0.0,
                100.0,
            ),
            Field::one_of(
                "conclusion",
                "Conclusion (evaluation_passed or _failed)",
                Conclusion::IDS,
                m.and_then(|m| m.conclusion).map(|c| c.as_str()),
                true,
            ),
            Field::count(
                "high_risks",
                "High risks (evaluation_passed or _failed)",
                m.and_then(|m| counts(m.high_risks)),
            ),
            Field::count(
                "medium_risks",
                "Medium risks (evaluation_passed or _failed)",
                m.and_then(|m| counts(m.medium_risks)),
            ),
            Field::text(
                "number",
                "Certificate number (certificate_issued)",
                m.and_then(|m| m.number.as_deref()).unwrap_or(""),
                false,
            ),
            Field::one_of(
                "level",
                "Level filed (filing_submitted, certificate_issued; empty: computed)",
                LEVELS,
                m.and_then(|m| m.level).map(|l| l.to_string()).as_deref(),
                true,
            ),
        ],
    )
}

/// The level a filing milestone records when the form leaves it empty: a
/// filing files the computed level, a certificate confirms the latest
/// filing (else the filed level, else the computed one).
fn default_filing_level(app: &App, n: &Network, stage: Stage) -> Level {
    let computed = grading::level(&n.answers, &n.overrides, app.config.settings.rules);
    match stage {
        Stage::CertificateIssued => n
            .latest_filing()
            .and_then(|m| m.level)
            .or(n.filed_level)
            .unwrap_or(computed),
        _ => computed,
    }
}

/// Handles a message while a form is open.
pub fn form_update(app: &mut App, mut form: Box<Form>, target: FormTarget, msg: Msg) -> Mode {
    match msg {
        Msg::Char(c) if form.focused().accepts(c) => {
            form.focused().input(c);
        }
        Msg::Backspace => form.focused().backspace(),
        Msg::Action(Action::Cancel) => {
            app.info("not saved");
            return Mode::Normal;
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
            if let Some(problem) = form.first_problem() {
                form.error = Some(problem);
            } else if let Some(record) = changed_meanwhile(app, &form, &target) {
                return conflict(app, form, target, record, None);
            } else {
                match submit(app, &form, &target) {
                    Ok(()) => return std::mem::replace(&mut app.mode, Mode::Normal),
                    Err(problem) if problem.conflict.is_some() => {
                        let record = record_of(&target).expect("only existing records conflict");
                        return conflict(app, form, target, record, problem.conflict);
                    }
                    Err(problem) => {
                        // Point at the field the problem is in, where there is one.
                        if let Some(i) = problem
                            .field
                            .as_deref()
                            .and_then(|k| form.fields.iter().position(|f| f.key == k))
                        {
                            form.focus = i;
                            form.fields[i].error = Some(problem.message.clone());
                        }
                        form.error = Some(problem.message);
                    }
                }
            }
        }
        _ => {}
    }
    Mode::Form { form, target }
}

/// Builds the record from the form and saves it. `Err` keeps the form
/// open with the reason.
/// Why a form could not be saved, and the field it is about.
struct Problem {
    field: Option<String>,
    message: String,
    /// The store refused the write: the record changed since it was read.
    conflict: Option<Box<crate::error::Conflict>>,
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem {
            field: None,
            message,
            conflict: None,
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
            crate::error::Error::Conflict(c) => Problem {
                field: None,
                message: c.message.clone(),
                conflict: Some(c),
            },
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

/// The revision of the record the form edits, as this session has it.
fn revision_of(app: &App, target: &FormTarget) -> Option<u64> {
    match record_of(target)? {
        Record::Client(id) => app.clients.iter().find(|c| c.id == id).map(|c| c.revision),
        Record::Network(id) => app.network(id).map(|n| n.revision),
    }
}

/// The record, when another session changed it after the form opened
/// (its change has already arrived here).
fn changed_meanwhile(app: &App, form: &Form, target: &FormTarget) -> Option<Record> {
    let base = form.base?;
    let now = revision_of(app, target)?;
    (now != base).then(|| record_of(target)).flatten()
}

/// Opens the dialog that says who changed the record and when, and offers
/// to reload theirs or to overwrite with this edit.
fn conflict(
    app: &mut App,
    form: Box<Form>,
    target: FormTarget,
    record: Record,
    refused: Option<Box<crate::error::Conflict>>,
) -> Mode {
    use crate::store::audit::LogQuery;
    let esc = crate::text::escape_for_terminal;
    let (query, what) = match record {
        Record::Client(id) => (
            LogQuery::of_client(id),
            app.clients
                .iter()
                .find(|c| c.id == id)
                .map(|c| format!("Client \"{}\"", esc(c.display_name()))),
        ),
        Record::Network(id) => (
            LogQuery::of_network(id),
            app.network(id)
                .map(|n| format!("Network \"{}\"", esc(&n.name))),
        ),
    };
    let what = what.unwrap_or_else(|| "The record".to_string());
    // Every change made since the revision the form was opened on; a
    // client's log also holds its networks' changes, which do not count.
    let base = form.base.unwrap_or(0);
    let mut since: Vec<_> = app
        .store
        .log(&query)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| matches!(record, Record::Network(_)) || e.network.is_none())
        .filter(|e| e.action != crate::store::audit::Action::Imported)
        .filter(|e| e.revision_after().is_none_or(|r| r > base))
        .collect();
    let mut lines = vec![format!("{what} was changed while you were editing it:")];
    const SHOWN: usize = 4;
    if since.len() > SHOWN {
        lines.push(format!(
            "  ({} earlier changes not shown)",
            since.len() - SHOWN
        ));
        since.drain(..since.len() - SHOWN);
    }
    for e in &since {
        lines.push(format!("  by {} at {}", esc(&e.user), e.when()));
        let changes = e.changes();
        for c in changes.iter().take(3) {
            lines.push(format!("    {}", crate::cli::log::change_line(c)));
        }
        if changes.len() > 3 {
            lines.push(format!("    and {} more fields", changes.len() - 3));
        }
    }
    if since.is_empty() {
        lines.push(match &refused {
            Some(c) => format!("  {}", c.message),
            None => "  by someone else (the log has no entry for it)".to_string(),
        });
    }
    app.error("not saved: someone else changed this record; reload, or overwrite with yours");
    Mode::Conflict {
        form,
        target,
        message: lines.join("\n"),
    }
}

/// Handles the conflict dialog: reload theirs, overwrite with this edit,
/// or go back to the form.
pub fn conflict_update(
    app: &mut App,
    form: Box<Form>,
    target: FormTarget,
    message: String,
    msg: Msg,
) -> Mode {
    let Some(record) = record_of(&target) else {
        return Mode::Form { form, target };
    };
    let fetched = |app: &mut App| match record {
        Record::Client(id) => refresh_client(app, id, false),
        Record::Network(id) => refresh_network(app, id),
    };
    match msg {
        Msg::Char('r') => {
            match fetched(app) {
                Ok(()) => app.info("reloaded their version; your edit was not saved"),
                Err(e) => app.error(format!("could not reload: {}", e.message())),
            }
            Mode::Normal
        }
        Msg::Char('o') => {
            if let Err(e) = fetched(app) {
                app.error(format!("could not read their version: {}", e.message()));
                return Mode::Conflict {
                    form,
                    target,
                    message,
                };
            }
            if revision_of(app, &target).is_none() {
                app.error("not saved: the record was deleted meanwhile");
                return Mode::Normal;
            }
            // Yours, over the version just read: its revision is the base.
            let mut form = form;
            form.base = revision_of(app, &target);
            form_update(app, form, target, Msg::Action(Action::Submit))
        }
        Msg::Action(Action::Cancel) => Mode::Form { form, target },
        _ => Mode::Conflict {
            form,
            target,
            message,
        },
    }
}

/// A record's validation error, pointed at the form field of the same name
/// (`contacts[0].email` is the `email` field).
fn at_field(e: crate::domain::model::FieldError) -> Problem {
    let key = e.field.rsplit('.').next().unwrap_or("").to_string();
    Problem {
        field: Some(key),
        message: e.to_string(),
        conflict: None,
    }
}

fn submit(app: &mut App, form: &Form, target: &FormTarget) -> Result<(), Problem> {
    let text = |k: &str| form.field(k).as_text();
    match target {
        FormTarget::NewClient | FormTarget::Client(_) => {
            let before = match target {
                FormTarget::Client(id) => Some(find_client(app, *id)?),
                _ => None,
            };
            let mut c = before.clone().unwrap_or_default();
            c.name = text("name");
            c.name_zh = text("name_zh");
            c.region = text("region");
            c.credit_code = text("credit_code");
            c.address = text("address");
            c.notes = form.field("notes").as_notes();
            c.validate().map_err(at_field)?;
            Ok(save_client(app, before, c, "client")?)
        }
        FormTarget::NewContact(id) | FormTarget::Contact(id, _) => {
            let before = find_client(app, *id)?;
            let mut contact = Contact {
                name: text("name"),
                role: text("role"),
                email: text("email"),
                phone: text("phone"),
            };
            contact.validate().map_err(at_field)?;
            let mut after = before.clone();
            match target {
                FormTarget::Contact(_, i) if *i < after.contacts.len() => {
                    after.contacts[*i] = contact
                }
                _ => after.contacts.push(contact),
            }
            Ok(save_client(app, Some(before), after, "contact")?)
        }
        FormTarget::NewNetwork(client) => {
            let mut n = Network {
                id: NetworkId(0),
                client: *client,
                revision: 0,
                name: text("name"),
                notes: form.field("notes").as_notes(),
                answers: Answers::default(),
                overrides: Overrides::default(),
                filed_level: None,
                milestones: Vec::new(),
            };
            n.filed_level = form
                .field("filed_level")
                .as_choice()
                .and_then(|l| l.parse().ok())
                .and_then(Level::new);
            n.validate().map_err(at_field)?;
            Ok(save_network(app, None, n, "network")?)
        }
        FormTarget::Network(id) => {
            let before = find_network(app, *id)?;
            let mut n = before.clone();
            n.name = text("name");
            n.notes = form.field("notes").as_notes();
            n.filed_level = form
                .field("filed_level")
                .as_choice()
                .and_then(|l| l.parse().ok())
                .and_then(Level::new);
            if n.filed_level != before.filed_level
                && let Some(m) = before.latest_filing()
            {
                return Err(Problem {
                    field: Some("filed_level".into()),
                    message: format!(
                        "filed_level follows the latest filing ({} on {}, level {}): record a \
                         filing_submitted milestone to change it",
                        m.stage,
                        m.date,
                        m.level.map_or(0, Level::get)
                    ),
                    conflict: None,
                });
            }
            Ok(save_network(app, Some(before), n, "network")?)
        }
        FormTarget::Answer(id, q) => {
            let before = find_network(app, *id)?;
            let mut n = before.clone();
            let field = &form.fields[0];
            let value = match q.question().kind {
                QuestionKind::Bool => field
                    .as_bool()
                    .map(|b| if b { "yes" } else { "no" }.to_string())
                    .unwrap_or_default(),
                QuestionKind::OneOf(_) | QuestionKind::Level => {
                    field.as_choice().unwrap_or("").to_string()
                }
                QuestionKind::SetOf(_) => match field.as_flags() {
                    Some(flags) if flags.is_empty() => "none".into(),
                    Some(flags) => flags.join(","),
                    None => String::new(),
                },
                QuestionKind::Count | QuestionKind::Text => field.as_text(),
            };
            n.answers.set_from_text(*q, &value).map_err(|e| Problem {
                field: Some(q.as_str().to_string()),
                message: format!("{q}: {e}"),
                conflict: None,
            })?;
            Ok(save_network(app, Some(before), n, q.as_str())?)
        }
        FormTarget::Override(id) => {
            let before = find_network(app, *id)?;
            let mut n = before.clone();
            let read = |object: &str, degree: &str, justification: &str| -> Option<HarmOverride> {
                let object = form.field(object).as_choice()?.parse().ok()?;
                Some(HarmOverride {
                    object,
                    degree: form.field(degree).as_choice()?.parse().ok()?,
                    justification: form.field(justification).as_notes(),
                })
            };
            n.overrides = Overrides {
                business_information: read("s_object", "s_degree", "s_justification"),
                system_service: read("a_object", "a_degree", "a_justification"),
            };
            n.overrides.validate().map_err(|e| {
                // `system_service.justification` is the `a_justification` field.
                let prefix = if e.field.starts_with("business") {
                    "s_"
                } else {
                    "a_"
                };
                let key = e.field.rsplit('.').next().unwrap_or("");
                Problem {
                    field: Some(format!("{prefix}{key}")),
                    message: format!("override {e}"),
                    conflict: None,
                }
            })?;
            Ok(save_network(app, Some(before), n, "override")?)
        }
        FormTarget::NewMilestone(id) | FormTarget::Milestone(id, _) => {
            let before = find_network(app, *id)?;
            let stage: Stage = form
                .field("stage")
                .as_choice()
                .unwrap_or("questionnaire_sent")
                .parse()?;
            let date = form
                .field("date")
                .as_date()
                .ok_or("date: expected YYYY-MM-DD")?;
            let mut m = Milestone::new(stage, date);
            m.note = form.field("note").as_notes();
            m.score = form.field("score").as_decimal();
            m.conclusion = form
                .field("conclusion")
                .as_choice()
                .and_then(|c| c.parse().ok());
            let small = |k: &'static str| -> Result<Option<u32>, Problem> {
                form.field(k)
                    .as_count()
                    .map(|v| {
                        u32::try_from(v).map_err(|_| Problem {
                            field: Some(k.to_string()),
                            message: format!("{k}: {v} is more than {} risks", u32::MAX),
                            conflict: None,
                        })
                    })
                    .transpose()
            };
            m.high_risks = small("high_risks")?;
            m.medium_risks = small("medium_risks")?;
            let number = text("number");
            m.number = (!number.is_empty()).then_some(number);
            if stage.is_filing() {
                m.level = Some(
                    form.field("level")
                        .as_choice()
                        .and_then(|l| l.parse().ok())
                        .and_then(Level::new)
                        .unwrap_or_else(|| default_filing_level(app, &before, stage)),
                );
            }
            m.validate().map_err(at_field)?;
            let mut n = before.clone();
            match target {
                FormTarget::Milestone(_, i) if *i < n.milestones.len() => n.milestones[*i] = m,
                _ => n.milestones.push(m),
            }
            Ok(save_network(app, Some(before), n, "milestone")?)
        }
    }
}

fn find_client(app: &App, id: ClientId) -> Result<Client, String> {
    app.clients
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| "the client no longer exists".to_string())
}

fn find_network(app: &App, id: NetworkId) -> Result<Network, String> {
    app.network(id)
        .cloned()
        .ok_or_else(|| "the network no longer exists".to_string())
}

// ----- saving, keeping the in-memory view in step -----

/// Writes a client (created when `before` is `None`); on success the app
/// shows "saved", which the store only returns after flushing.
pub(crate) fn save_client(
    app: &mut App,
    before: Option<Client>,
    after: Client,
    what: &str,
) -> crate::error::Result<()> {
    if before.as_ref() == Some(&after) {
        app.info("no changes to save");
        return Ok(());
    }
    let result = if before.is_some() {
        app.store.update_client(after)
    } else {
        app.store.create_client(after)
    };
    let saved = match result {
        Ok(c) => c,
        Err(e) => {
            app.error(e.message().to_string());
            return Err(e);
        }
    };
    app.undo.push(Undo::Client {
        id: saved.id,
        before,
        saved: saved.revision,
    });
    put_client(app, saved.clone());
    reselect(app, saved.id, None);
    app.saved(format!("saved · {what}"));
    Ok(())
}

pub(crate) fn save_network(
    app: &mut App,
    before: Option<Network>,
    after: Network,
    what: &str,
) -> crate::error::Result<()> {
    if before.as_ref() == Some(&after) {
        app.info("no changes to save");
        return Ok(());
    }
    let rules = app.config.settings.rules;
    let old_level = before
        .as_ref()
        .map(|b| grading::level(&b.answers, &b.overrides, rules));
    let result = if before.is_some() {
        app.store.update_network(after)
    } else {
        app.store.create_network(after)
    };
    let saved = match result {
        Ok(n) => n,
        Err(e) => {
            app.error(e.message().to_string());
            return Err(e);
        }
    };
    app.undo.push(Undo::Network {
        id: saved.id,
        before,
        saved: saved.revision,
    });
    let new_level = grading::level(&saved.answers, &saved.overrides, rules);
    let (id, client) = (saved.id, saved.client);
    put_network(app, saved);
    reselect(app, client, Some(id));
    match old_level {
        Some(old) if old != new_level => {
            app.level_change = Some((id, old, new_level));
            app.saved(format!("saved · {what} · level {old} → {new_level}"));
        }
        _ => app.saved(format!("saved · {what}")),
    }
    Ok(())
}

fn put_client(app: &mut App, c: Client) {
    match app.clients.iter_mut().find(|x| x.id == c.id) {
        Some(slot) => *slot = c,
        None => app.clients.push(c),
    }
    app.clients.sort_by_key(crate::tui::app::client_order);
    app.clients_changed();
}

/// Puts a network in the view, when its client's networks are in it
/// (those of a client not read yet are read with the rest when needed).
fn put_network(app: &mut App, n: Network) {
    let Some(list) = app.networks.get_mut(&n.client) else {
        return;
    };
    app.grades.insert(
        n.id,
        grading::grade(&n.answers, &n.overrides, app.config.settings.rules),
    );
    match list.iter_mut().find(|x| x.id == n.id) {
        Some(slot) => *slot = n,
        None => list.push(n),
    }
    list.sort_by_key(|a| a.name.to_lowercase());
}

/// Keeps the edited record selected, and the focus where it was.
fn reselect(app: &mut App, client: ClientId, network: Option<NetworkId>) {
    let focus = app.focus;
    let (contact, answer, timeline) = (
        app.selected[Pane::Contacts.index()],
        app.selected[Pane::Answers.index()],
        app.selected[Pane::Timeline.index()],
    );
    if let Some(i) = app
        .visible_clients()
        .iter()
        .position(|i| app.clients[*i].id == client)
    {
        app.selected[Pane::Clients.index()] = i;
    }
    if let Some(nid) = network
        && let Some(i) = app.visible_networks().iter().position(|n| n.id == nid)
    {
        app.selected[Pane::Networks.index()] = i;
    }
    app.selected[Pane::Contacts.index()] = contact;
    app.selected[Pane::Answers.index()] = answer;
    app.selected[Pane::Timeline.index()] = timeline;
    app.focus = focus;
    app.clamp();
}

// ----- delete and undo -----

/// Deletes what the confirmation named.
pub fn delete(app: &mut App, target: FormTarget) {
    let result: Result<String, String> = (|| match target {
        FormTarget::Client(id) => {
            let client = find_client(app, id)?;
            let networks = app.networks.get(&id).cloned().unwrap_or_default();
            // The confirmation named these networks: a network added or
            // changed since by someone else is not deleted unseen.
            let stored = app
                .store
                .networks_of(id)
                .map_err(|e| e.message().to_string())?;
            let seen = |n: &Network| {
                networks
                    .iter()
                    .any(|m| m.id == n.id && m.revision == n.revision)
            };
            if let Some(n) = stored.iter().find(|n| !seen(n)) {
                return Err(format!(
                    "nothing deleted: network {:?} of this client was added or changed by someone \
                     else meanwhile; look again and delete again",
                    n.name
                ));
            }
            app.store
                .delete_client(id, Some(client.revision))
                .map_err(|e| e.message().to_string())?;
            forget_client(app, id);
            let what = format!("saved · client {} deleted", client.display_name());
            app.undo.push(Undo::DeletedClient { client, networks });
            Ok(what)
        }
        FormTarget::Contact(id, i) => {
            let before = find_client(app, id)?;
            let mut after = before.clone();
            if i < after.contacts.len() {
                after.contacts.remove(i);
            }
            save_client(app, Some(before), after, "contact deleted")
                .map_err(|e| e.message().to_string())?;
            Ok(String::new())
        }
        FormTarget::Network(id) => {
            let network = find_network(app, id)?;
            app.store
                .delete_network(id, Some(network.revision))
                .map_err(|e| e.message().to_string())?;
            forget_network(app, id);
            let what = format!("saved · network {} deleted", network.name);
            app.undo.push(Undo::DeletedNetwork { network });
            Ok(what)
        }
        FormTarget::Milestone(id, i) => {
            let before = find_network(app, id)?;
            let mut after = before.clone();
            if i < after.milestones.len() {
                after.milestones.remove(i);
            }
            save_network(app, Some(before), after, "milestone deleted")
                .map_err(|e| e.message().to_string())?;
            Ok(String::new())
        }
        _ => Err("nothing to delete".to_string()),
    })();
    match result {
        Ok(what) if what.is_empty() => {}
        Ok(what) => app.saved(what),
        Err(e) => app.error(e),
    }
}

/// Drops a deleted client and its networks from the in-memory view.
fn forget_client(app: &mut App, id: ClientId) {
    for n in app.networks.remove(&id).unwrap_or_default() {
        app.grades.remove(&n.id);
    }
    app.clients.retain(|c| c.id != id);
    app.clients_changed();
}

/// Drops a deleted network from the in-memory view.
fn forget_network(app: &mut App, id: NetworkId) {
    app.grades.remove(&id);
    for list in app.networks.values_mut() {
        list.retain(|n| n.id != id);
    }
}

/// Brings the in-memory view of one client (and, when `with_networks`, its
/// networks) in step with the store, without reloading everything.
fn refresh_client(app: &mut App, id: ClientId, with_networks: bool) -> crate::error::Result<()> {
    match app.store.client(id)? {
        Some(c) => {
            put_client(app, c);
            if with_networks {
                let list = app.store.networks_of(id)?;
                app.put_networks(id, list);
            }
        }
        None => forget_client(app, id),
    }
    Ok(())
}

fn refresh_network(app: &mut App, id: NetworkId) -> crate::error::Result<()> {
    match app.store.network(id)? {
        Some(n) => put_network(app, n),
        None => forget_network(app, id),
    }
    Ok(())
}

/// Undoes the session's last edit.
pub fn undo(app: &mut App) {
    let Some(step) = app.undo.pop() else {
        app.info("nothing to undo");
        return;
    };
    let name_of = |id: ClientId| {
        app.clients
            .iter()
            .find(|c| c.id == id)
            .map_or(String::new(), |c| c.display_name().to_string())
    };
    let network_name = |id: NetworkId| app.network(id).map_or(String::new(), |n| n.name.clone());
    let what = match &step {
        Undo::Client {
            id, before: None, ..
        } => format!("adding client {}", name_of(*id)),
        Undo::Client {
            before: Some(c), ..
        } => format!("the edit of client {}", c.display_name()),
        Undo::Network {
            id, before: None, ..
        } => format!("adding network {}", network_name(*id)),
        Undo::Network {
            before: Some(n), ..
        } => format!("the edit of network {}", n.name),
        Undo::DeletedClient { client, .. } => format!("deleting client {}", client.display_name()),
        Undo::DeletedNetwork { network } => format!("deleting network {}", network.name),
    };
    // What to read back once the store has it: (client, network).
    let touched = match &step {
        Undo::Client { id, .. } => (Some(*id), None),
        Undo::DeletedClient { client, .. } => (Some(client.id), None),
        Undo::Network { id, .. } => (None, Some(*id)),
        Undo::DeletedNetwork { network } => (Some(network.client), Some(network.id)),
    };
    let whole_client = matches!(step, Undo::DeletedClient { .. });
    let store = app.store.as_ref();
    let result = match step {
        // Each is based on the revision this session wrote, so a change
        // someone else made since is never undone with it.
        Undo::Client {
            id,
            before: None,
            saved,
        } => store
            .networks_of(id)
            .and_then(|networks| match networks.first() {
                Some(n) => Err(crate::error::Error::runtime(format!(
                    "someone else has added network {:?} to it since",
                    n.name
                ))),
                None => store.delete_client(id, Some(saved)),
            }),
        Undo::Client {
            before: Some(mut c),
            saved,
            ..
        } => {
            c.revision = saved;
            store.update_client(c).map(|_| ())
        }
        Undo::Network {
            id,
            before: None,
            saved,
        } => store.delete_network(id, Some(saved)),
        Undo::Network {
            before: Some(mut n),
            saved,
            ..
        } => {
            n.revision = saved;
            store.update_network(n).map(|_| ())
        }
        Undo::DeletedClient { client, networks } => store
            .import(vec![NewClient {
                id: Some(client.id),
                client,
                networks: networks
                    .into_iter()
                    .map(|n| NewNetwork {
                        id: Some(n.id),
                        network: n,
                    })
                    .collect(),
            }])
            .map(|_| ()),
        Undo::DeletedNetwork { network } => store.restore_network(network).map(|_| ()),
    };
    let refreshed = result.and_then(|()| match touched {
        (_, Some(network)) => refresh_network(app, network),
        (Some(client), None) => refresh_client(app, client, whole_client),
        (None, None) => Ok(()),
    });
    match refreshed {
        Ok(()) => {
            let client = touched
                .0
                .or_else(|| touched.1.and_then(|n| app.network(n)).map(|n| n.client));
            if let Some(client) = client {
                reselect(app, client, touched.1);
            }
            app.level_change = None;
            app.saved(format!("saved · undone: {what}"));
        }
        Err(e) => {
            // Show the record as it is now, which the undo left alone.
            if matches!(e, crate::error::Error::Conflict(_)) {
                let _ = match touched {
                    (_, Some(network)) => refresh_network(app, network),
                    (Some(client), None) => refresh_client(app, client, false),
                    (None, None) => Ok(()),
                };
            }
            app.error(format!("could not undo {what}: {}", e.message()))
        }
    }
}

/// Brings in what other sessions wrote, keeping the selection on the same
/// client and network and leaving any open form alone (a save based on an
/// old revision is then refused, not lost).
pub fn apply_change(app: &mut App, change: crate::server::client::Change) {
    use crate::server::client::Change;
    let client = app.selected_client().map(|c| c.id);
    let network = app.selected_network().map(|n| n.id);
    let result = match change {
        Change::Records { clients, networks } => clients
            .into_iter()
            .try_for_each(|id| refresh_client(app, id, false))
            .and_then(|()| {
                networks
                    .into_iter()
                    .try_for_each(|id| refresh_network(app, id))
            }),
        Change::Everything => app.reload(),
        Change::Lost => {
            reconnect(app);
            return;
        }
    };
    if let Err(e) = result {
        app.error(format!(
            "could not read another session's change: {}",
            e.message()
        ));
    }
    if let Some(client) = client {
        reselect(app, client, network);
    }
}

/// How long a session cut off from its database waits between attempts
/// to reach it again.
const RECONNECT_PAUSE: std::time::Duration = std::time::Duration::from_secs(3);

/// The daemon went away (stopped, or killed): start or find a new one,
/// follow its changes and read everything again, saying so.
fn reconnect(app: &mut App) {
    app.changes = None;
    use crate::server::remote::Endpoint;
    let Some(endpoint) = app.endpoint.clone() else {
        app.error("lost the database daemon: other sessions' edits no longer show; restart mlps");
        return;
    };
    let client = app.selected_client().map(|c| c.id);
    let network = app.selected_network().map(|n| n.id);
    // Reading everything happens after the feed is back, so no change
    // falls between the two.
    let connected = endpoint.connect_or_start().and_then(|store| {
        let changes = endpoint.subscribe()?;
        Ok((changes, store))
    });
    match connected.and_then(|(changes, store)| {
        let store = std::sync::Arc::new(store);
        app.store = Box::new(std::sync::Arc::clone(&store));
        if matches!(app.reads, crate::tui::reads::Reads::Thread { .. }) {
            // The old reader's connection went with the daemon.
            app.reads = crate::tui::reads::Reads::spawn(store);
        }
        app.changes = Some(changes);
        app.reload()
    }) {
        Ok(()) => {
            app.reconnect_at = None;
            if let Some(client) = client {
                reselect(app, client, network);
            }
            app.info(match endpoint {
                Endpoint::Local(_) => "the database daemon restarted; reconnected and reloaded",
                Endpoint::Remote(_) => {
                    "the connection to the database was lost; reconnected and reloaded"
                }
            });
        }
        Err(e) => {
            app.changes = None;
            app.reconnect_at = Some(std::time::Instant::now() + RECONNECT_PAUSE);
            app.error(format!(
                "lost the database and could not reconnect (trying again every {} s; \
                 nothing can be saved until then): {}",
                RECONNECT_PAUSE.as_secs(),
                e.message()
            ))
        }
    }
}
