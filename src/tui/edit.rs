//! Editing: the form for each kind of record, saving through the store,
//! deleting after confirmation, and undo of the session's edits.

use chrono::NaiveDate;

use crate::domain::model::{
    Aspect, Client, ClientId, Conclusion, Contact, Degree, HarmOverride, HarmedObject, Level,
    Milestone, Network, NetworkId, Overrides, Stage,
};
use crate::domain::model::{NewClient, NewNetwork};
use crate::domain::questionnaire::{Answers, QuestionId, QuestionKind};
use crate::domain::{grading, merge};
use crate::tui::Action;
use crate::tui::app::{App, Mode, Msg, Pane, TimelineRow, Undo};
use crate::tui::connection::{self, Change};
use crate::tui::form::{Field, Form, Version};

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
            form.base = record_of(&target).and_then(|r| version_in_view(app, r));
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
fn default_filing_level(rules: grading::RuleSet, n: &Network, stage: Stage) -> Level {
    let computed = grading::level(&n.answers, &n.overrides, rules);
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
            } else {
                match submit(app, &form, &target) {
                    Ok(()) => return std::mem::replace(&mut app.mode, Mode::Normal),
                    Err(problem) if problem.changed => return conflict(app, form, target),
                    Err(problem) => show_problem(&mut form, problem),
                }
            }
        }
        _ => {}
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
        form.fields[i].error = Some(problem.message.clone());
    }
    form.error = Some(problem.message);
}

/// Why a form could not be saved, and the field it is about.
struct Problem {
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

/// The record as the store has it now (`None`: deleted), brought into the
/// view as well.
fn read_stored(app: &mut App, record: Record) -> crate::error::Result<Option<Version>> {
    Ok(match record {
        Record::Client(id) => match app.store.client(id)? {
            Some(c) => {
                put_client(app, c.clone());
                Some(Version::Client(Box::new(c)))
            }
            None => {
                forget_client(app, id);
                None
            }
        },
        Record::Network(id) => match app.store.network(id)? {
            Some(n) => {
                put_network(app, n.clone());
                Some(Version::Network(Box::new(n)))
            }
            None => {
                forget_network(app, id);
                None
            }
        },
    })
}

/// How the record is named in sentences: `network "CRM"`.
fn record_name(app: &App, record: Record, version: Option<&Version>) -> String {
    let esc = crate::text::escape_for_terminal;
    let version = version.cloned().or_else(|| version_in_view(app, record));
    match (record, version) {
        (_, Some(Version::Client(c))) => format!("client \"{}\"", esc(c.display_name())),
        (_, Some(Version::Network(n))) => format!("network \"{}\"", esc(&n.name)),
        (Record::Client(_), None) => "the client".to_string(),
        (Record::Network(_), None) => "the network".to_string(),
    }
}

/// What a form makes of its record: the version it was opened on (`None`
/// for a new record) and that version with the form's fields.
enum Built {
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

/// Saves the form. A record someone else changed or deleted since the
/// form opened is not written: the problem says so (`changed`), and the
/// conflict dialog takes over.
fn submit(app: &mut App, form: &Form, target: &FormTarget) -> Result<(), Problem> {
    let (built, what) = build(form, target, app.config.settings.rules)?;
    let record = record_of(target);
    if let (Some(record), Some(base)) = (record, &form.base) {
        // Their change has arrived here already.
        let now = version_in_view(app, record).map(|v| v.revision());
        if now != Some(base.revision()) {
            return Err(Problem::changed());
        }
    }
    let result = match built {
        Built::Client { base, mine } => save_client(app, base, *mine, what),
        Built::Network { base, mine } => save_network(app, base, *mine, what),
    };
    result.map_err(|e| refused(app, record, e))
}

/// Why the store refused a write: a record changed since it was read (or
/// deleted since) is a conflict; anything else is the store's reason.
fn refused(app: &App, record: Option<Record>, e: crate::error::Error) -> Problem {
    if matches!(e, crate::error::Error::Conflict(_)) {
        return Problem::changed();
    }
    let gone = match record {
        Some(Record::Client(id)) => matches!(app.store.client(id), Ok(None)),
        Some(Record::Network(id)) => matches!(app.store.network(id), Ok(None)),
        None => false,
    };
    if gone {
        Problem::changed()
    } else {
        Problem::from(e)
    }
}

/// Opens the dialog that says who changed the record, when and what,
/// which of their changes a save keeps and which fields both changed
/// (theirs and yours), and offers to reload theirs or to save this edit's
/// changes over theirs.
fn conflict(app: &mut App, mut form: Box<Form>, target: FormTarget) -> Mode {
    let Some(record) = record_of(&target) else {
        return Mode::Form { form, target };
    };
    let theirs = match read_stored(app, record) {
        Ok(v) => v,
        Err(e) => {
            form.error = Some(format!(
                "could not read the stored version: {}",
                e.message()
            ));
            return Mode::Form { form, target };
        }
    };
    let outcome = match (&theirs, build(&form, &target, app.config.settings.rules)) {
        (Some(theirs), Ok((built, _))) => built.merged(theirs, merge::Winner::Mine),
        (_, Err(problem)) => {
            show_problem(&mut form, problem);
            return Mode::Form { form, target };
        }
        (None, Ok(_)) => None,
    };
    form.theirs = theirs.as_ref().map(Version::revision);
    let name = record_name(app, record, theirs.as_ref().or(form.base.as_ref()));
    let message = conflict_text(app, record, &name, &form, theirs.as_ref(), outcome.as_ref());
    app.error(match theirs {
        Some(_) => "not saved: someone else changed this record meanwhile",
        None => "not saved: someone else deleted this record",
    });
    Mode::Conflict {
        form,
        target,
        message,
    }
}

/// The conflict dialog's text.
fn conflict_text(
    app: &App,
    record: Record,
    name: &str,
    form: &Form,
    theirs: Option<&Version>,
    outcome: Option<&Outcome>,
) -> String {
    use crate::store::audit::{Action as Did, LogQuery};
    let esc = crate::text::escape_for_terminal;
    let query = match record {
        Record::Client(id) => LogQuery::of_client(id),
        Record::Network(id) => LogQuery::of_network(id),
    };
    // Every change made since the revision the form was opened on; a
    // client's log also holds its networks' changes, which do not count.
    let base = form.base.as_ref().map_or(0, Version::revision);
    let mut since: Vec<_> = app
        .store
        .log(&query)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| matches!(record, Record::Network(_)) || e.network.is_none())
        .filter(|e| e.action != Did::Imported)
        .filter(|e| e.revision_after().is_none_or(|r| r > base))
        .collect();
    let mut name = name.to_string();
    if let Some(first) = name.get(..1) {
        name.replace_range(..1, &first.to_uppercase());
    }
    let mut lines = vec![match theirs {
        Some(_) => format!("{name} was changed while you were editing it:"),
        None => format!("{name} was deleted while you were editing it:"),
    }];
    const SHOWN: usize = 4;
    if since.len() > SHOWN {
        lines.push(format!(
            "  ({} earlier changes not shown)",
            since.len() - SHOWN
        ));
        since.drain(..since.len() - SHOWN);
    }
    for e in &since {
        if e.action == Did::Deleted {
            lines.push(format!("  deleted by {} at {}", esc(&e.user), e.when()));
            continue;
        }
        lines.push(format!("  by {} at {}", esc(&e.user), e.when()));
        let changes = e.changes();
        for c in changes.iter().take(3) {
            lines.push(format!("    {}", crate::service::history::change_line(c)));
        }
        if changes.len() > 3 {
            lines.push(format!("    and {} more fields", changes.len() - 3));
        }
    }
    if since.is_empty() {
        lines.push("  by someone else (the log has no entry for it)".to_string());
    }
    lines.push(String::new());
    let Some(outcome) = outcome else {
        lines.push("There is no record left to save your edit to: o saves nothing.".to_string());
        return lines.join("\n");
    };
    // What a value is shown as: one line, cut to fit the dialog.
    let value = |v: &str| crate::text::truncate(&esc(v), 60);
    let kept = match outcome.theirs_kept.as_slice() {
        [] => None,
        fields => Some(format!("Their changes to {} are kept", fields.join(", "))),
    };
    if outcome.conflicts.is_empty() {
        let same = theirs.is_some_and(|t| outcome.record == *t);
        lines.push(match kept {
            _ if same => "Their version already has your changes: o has nothing to save.".into(),
            Some(kept) => format!("{kept}; o saves yours alongside them."),
            None => "o saves your changes.".to_string(),
        });
    } else {
        lines.push("You both changed (o saves yours for these):".to_string());
        for c in &outcome.conflicts {
            lines.push(format!("  {}", esc(&c.field)));
            lines.push(format!("    theirs: {}", value(&c.theirs)));
            lines.push(format!("    yours: {}", value(&c.yours)));
        }
        if let Some(kept) = kept {
            lines.push(format!("{kept}."));
        }
    }
    lines.join("\n")
}

/// Handles the conflict dialog: reload theirs, save this edit's changes
/// over theirs, or go back to the form.
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
    match msg {
        Msg::Char('r') => {
            match read_stored(app, record) {
                Ok(_) => app.info("reloaded their version; your edit was not saved"),
                Err(e) => app.error(format!("could not reload: {}", e.message())),
            }
            Mode::Normal
        }
        Msg::Char('o') => overwrite(app, form, target, message, record),
        Msg::Action(Action::Cancel) => Mode::Form { form, target },
        _ => Mode::Conflict {
            form,
            target,
            message,
        },
    }
}

/// Saves this edit's changes over the stored version the dialog showed:
/// the fields the form changed, with its value for those both changed;
/// every other field as they left it.
fn overwrite(
    app: &mut App,
    mut form: Box<Form>,
    target: FormTarget,
    message: String,
    record: Record,
) -> Mode {
    let theirs = match read_stored(app, record) {
        Ok(v) => v,
        Err(e) => {
            app.error(format!("could not read their version: {}", e.message()));
            return Mode::Conflict {
                form,
                target,
                message,
            };
        }
    };
    let Some(theirs) = theirs else {
        let name = record_name(app, record, form.base.as_ref());
        let who = last_changed_by(app, record).unwrap_or_else(|| "someone else".to_string());
        app.error(format!(
            "nothing saved: {} deleted {name} meanwhile",
            crate::text::escape_for_terminal(&who)
        ));
        return Mode::Normal;
    };
    if form.theirs != Some(theirs.revision()) {
        // Changed again since the dialog was drawn: show what is there now.
        return conflict(app, form, target);
    }
    let outcome = match build(&form, &target, app.config.settings.rules) {
        Ok((built, what)) => built
            .merged(&theirs, merge::Winner::Mine)
            .map(|outcome| (outcome, what)),
        Err(problem) => {
            show_problem(&mut form, problem);
            return Mode::Form { form, target };
        }
    };
    let Some((outcome, what)) = outcome else {
        return Mode::Form { form, target };
    };
    let what = match outcome.theirs_kept.as_slice() {
        [] => what.to_string(),
        kept => format!("{what} · their changes to {} kept", kept.join(", ")),
    };
    let result = match (theirs, outcome.record) {
        (Version::Client(before), Version::Client(after)) => {
            save_client(app, Some(*before), *after, &what)
        }
        (Version::Network(before), Version::Network(after)) => {
            save_network(app, Some(*before), *after, &what)
        }
        _ => Ok(()),
    };
    match result.map_err(|e| refused(app, Some(record), e)) {
        Ok(()) => Mode::Normal,
        Err(problem) if problem.changed => conflict(app, form, target),
        Err(problem) => {
            show_problem(&mut form, problem);
            Mode::Form { form, target }
        }
    }
}

/// Who made the newest change to the record, as the log has it.
fn last_changed_by(app: &App, record: Record) -> Option<String> {
    use crate::store::audit::LogQuery;
    let entries = match record {
        Record::Client(id) => app.store.log(&LogQuery::of_client(id).newest(32)),
        Record::Network(id) => app.store.log(&LogQuery::of_network(id).newest(1)),
    };
    entries
        .ok()?
        .into_iter()
        .rev()
        .find(|e| matches!(record, Record::Network(_)) || e.network.is_none())
        .map(|e| e.user)
}

/// Whether a field of the log (`milestones[2].score`) is within a field
/// as the merge names it (`milestones: evaluation_passed 2025-12-01`).
fn within(log_field: &str, field: &str) -> bool {
    let key = field.split(": ").next().unwrap_or(field);
    log_field
        .strip_prefix(key)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Who made the newest change to each of `fields` after revision `after`,
/// as the log has it: each user with the fields, in the order named.
fn changed_by(
    app: &App,
    record: Record,
    after: u64,
    fields: &[String],
) -> Vec<(String, Vec<String>)> {
    use crate::store::audit::LogQuery;
    let query = match record {
        Record::Client(id) => LogQuery::of_client(id),
        Record::Network(id) => LogQuery::of_network(id),
    };
    let entries: Vec<_> = app
        .store
        .log(&query)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| matches!(record, Record::Network(_)) || e.network.is_none())
        .filter(|e| e.revision_after().is_some_and(|r| r > after))
        .map(|e| {
            let changed: Vec<String> = e.changes().into_iter().map(|c| c.field).collect();
            (e.user, changed)
        })
        .collect();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for field in fields {
        let user = entries
            .iter()
            .rev()
            .find(|(_, changed)| changed.iter().any(|c| within(c, field)))
            .map_or("someone else", |(user, _)| user.as_str());
        match out.iter_mut().find(|(u, _)| u == user) {
            Some((_, list)) => list.push(field.clone()),
            None => out.push((user.to_string(), vec![field.clone()])),
        }
    }
    out
}

/// `bob's later change to notes; carol's later changes to name, region`.
fn later_changes(by: &[(String, Vec<String>)]) -> String {
    let esc = crate::text::escape_for_terminal;
    by.iter()
        .map(|(user, fields)| {
            let s = if fields.len() == 1 { "" } else { "s" };
            format!(
                "{}'s later change{s} to {}",
                esc(user),
                esc(&fields.join(", "))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A record's validation error, pointed at the form field of the same name
/// (`contacts[0].email` is the `email` field).
fn at_field(e: crate::domain::model::FieldError) -> Problem {
    let key = e.field.rsplit('.').next().unwrap_or("").to_string();
    Problem {
        field: Some(key),
        message: e.to_string(),
        changed: false,
    }
}

fn base_client(form: &Form) -> Result<Client, Problem> {
    match &form.base {
        Some(Version::Client(c)) => Ok((**c).clone()),
        _ => Err("the client no longer exists".into()),
    }
}

fn base_network(form: &Form) -> Result<Network, Problem> {
    match &form.base {
        Some(Version::Network(n)) => Ok((**n).clone()),
        _ => Err("the network no longer exists".into()),
    }
}

/// The record as the form makes it: the version the form was opened on
/// with the fields the form changed (a field left as it was keeps the
/// stored value exactly); and what to call the change.
/// `rules` grade the level a filing files when the form leaves it empty.
fn build(
    form: &Form,
    target: &FormTarget,
    rules: grading::RuleSet,
) -> Result<(Built, &'static str), Problem> {
    let text = |k: &str| form.field(k).as_text();
    let notes = |k: &str| form.field(k).as_notes();
    let level = || {
        form.field("filed_level")
            .as_choice()
            .and_then(|l| l.parse().ok())
            .and_then(Level::new)
    };
    match target {
        FormTarget::NewClient | FormTarget::Client(_) => {
            let base = match target {
                FormTarget::Client(_) => Some(base_client(form)?),
                _ => None,
            };
            let take = |k: &str| base.is_none() || form.changed(k);
            let mut c = base.clone().unwrap_or_default();
            for (key, value) in [
                ("name", &mut c.name),
                ("name_zh", &mut c.name_zh),
                ("region", &mut c.region),
                ("credit_code", &mut c.credit_code),
                ("address", &mut c.address),
            ] {
                if take(key) {
                    *value = text(key);
                }
            }
            if take("notes") {
                c.notes = notes("notes");
            }
            c.validate().map_err(at_field)?;
            Ok((Built::client(base, c), "client"))
        }
        FormTarget::NewContact(_) | FormTarget::Contact(_, _) => {
            let base = base_client(form)?;
            let index = match target {
                FormTarget::Contact(_, i) if *i < base.contacts.len() => Some(*i),
                _ => None,
            };
            let take = |k: &str| index.is_none() || form.changed(k);
            let mut contact = index.map_or_else(Contact::default, |i| base.contacts[i].clone());
            for (key, value) in [
                ("name", &mut contact.name),
                ("role", &mut contact.role),
                ("email", &mut contact.email),
                ("phone", &mut contact.phone),
            ] {
                if take(key) {
                    *value = text(key);
                }
            }
            contact.validate().map_err(at_field)?;
            let mut mine = base.clone();
            match index {
                Some(i) => mine.contacts[i] = contact,
                None => mine.contacts.push(contact),
            }
            Ok((Built::client(Some(base), mine), "contact"))
        }
        FormTarget::NewNetwork(client) => {
            let mut n = Network {
                id: NetworkId(0),
                client: *client,
                revision: 0,
                name: text("name"),
                notes: notes("notes"),
                answers: Answers::default(),
                overrides: Overrides::default(),
                filed_level: level(),
                milestones: Vec::new(),
            };
            n.validate().map_err(at_field)?;
            Ok((Built::network(None, n), "network"))
        }
        FormTarget::Network(_) => {
            let base = base_network(form)?;
            let mut n = base.clone();
            if form.changed("name") {
                n.name = text("name");
            }
            if form.changed("notes") {
                n.notes = notes("notes");
            }
            if form.changed("filed_level") {
                n.filed_level = level();
                if n.filed_level != base.filed_level
                    && let Some(m) = base.latest_filing()
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
                        changed: false,
                    });
                }
            }
            Ok((Built::network(Some(base), n), "network"))
        }
        FormTarget::Answer(_, q) => {
            let base = base_network(form)?;
            let mut n = base.clone();
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
            if field.changed() {
                n.answers.set_from_text(*q, &value).map_err(|e| Problem {
                    field: Some(q.as_str().to_string()),
                    message: format!("{q}: {e}"),
                    changed: false,
                })?;
            }
            Ok((Built::network(Some(base), n), q.as_str()))
        }
        FormTarget::Override(_) => {
            let base = base_network(form)?;
            let mut n = base.clone();
            // An aspect whose fields were all left as they were keeps its
            // stored override.
            let read = |aspect: Aspect, [object, degree, justification]: [&str; 3]| {
                if ![object, degree, justification]
                    .iter()
                    .any(|k| form.changed(k))
                {
                    return base.overrides.get(aspect).cloned();
                }
                let object = form.field(object).as_choice()?.parse().ok()?;
                Some(HarmOverride {
                    object,
                    degree: form.field(degree).as_choice()?.parse().ok()?,
                    justification: form.field(justification).as_notes(),
                })
            };
            n.overrides = Overrides {
                business_information: read(
                    Aspect::BusinessInformation,
                    ["s_object", "s_degree", "s_justification"],
                ),
                system_service: read(
                    Aspect::SystemService,
                    ["a_object", "a_degree", "a_justification"],
                ),
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
                    changed: false,
                }
            })?;
            Ok((Built::network(Some(base), n), "override"))
        }
        FormTarget::NewMilestone(_) | FormTarget::Milestone(_, _) => {
            let base = base_network(form)?;
            // The index is of the milestones the form was opened on.
            let index = match target {
                FormTarget::Milestone(_, i) if *i < base.milestones.len() => Some(*i),
                _ => None,
            };
            let take = |k: &str| index.is_none() || form.changed(k);
            let mut m = match index {
                Some(i) => base.milestones[i].clone(),
                None => Milestone::new(Stage::QuestionnaireSent, NaiveDate::default()),
            };
            if take("stage") {
                m.stage = form
                    .field("stage")
                    .as_choice()
                    .unwrap_or("questionnaire_sent")
                    .parse()?;
            }
            if take("date") {
                m.date = form
                    .field("date")
                    .as_date()
                    .ok_or("date: expected YYYY-MM-DD")?;
            }
            if take("note") {
                m.note = notes("note");
            }
            if take("score") {
                m.score = form.field("score").as_decimal();
            }
            if take("conclusion") {
                m.conclusion = form
                    .field("conclusion")
                    .as_choice()
                    .and_then(|c| c.parse().ok());
            }
            let small = |k: &'static str| -> Result<Option<u32>, Problem> {
                form.field(k)
                    .as_count()
                    .map(|v| {
                        u32::try_from(v).map_err(|_| Problem {
                            field: Some(k.to_string()),
                            message: format!("{k}: {v} is more than {} risks", u32::MAX),
                            changed: false,
                        })
                    })
                    .transpose()
            };
            if take("high_risks") {
                m.high_risks = small("high_risks")?;
            }
            if take("medium_risks") {
                m.medium_risks = small("medium_risks")?;
            }
            if take("number") {
                let number = text("number");
                m.number = (!number.is_empty()).then_some(number);
            }
            if !m.stage.is_filing() {
                m.level = None;
            } else if take("level") || m.level.is_none() {
                m.level = Some(
                    form.field("level")
                        .as_choice()
                        .and_then(|l| l.parse().ok())
                        .and_then(Level::new)
                        .unwrap_or_else(|| default_filing_level(rules, &base, m.stage)),
                );
            }
            m.validate().map_err(at_field)?;
            let mut n = base.clone();
            match index {
                Some(i) => n.milestones[i] = m,
                None => n.milestones.push(m),
            }
            Ok((Built::network(Some(base), n), "milestone"))
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
        saved: Box::new(saved.clone()),
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
        saved: Box::new(saved.clone()),
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
pub(crate) fn reselect(app: &mut App, client: ClientId, network: Option<NetworkId>) {
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

/// What undoing one step did: whether it wrote anything, and the later
/// changes of others it kept (`bob's later change to notes`).
struct Undone {
    wrote: bool,
    kept: String,
}

/// Undoes the session's last edit.
pub fn undo(app: &mut App) {
    let Some(step) = app.undo.pop() else {
        app.info("nothing to undo");
        return;
    };
    let again = step.clone();
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
    let what = crate::text::escape_for_terminal(&what);
    // What to read back once the store has it: (client, network).
    let touched = match &step {
        Undo::Client { id, .. } => (Some(*id), None),
        Undo::DeletedClient { client, .. } => (Some(client.id), None),
        Undo::Network { id, .. } => (None, Some(*id)),
        Undo::DeletedNetwork { network } => (Some(network.client), Some(network.id)),
    };
    let whole_client = matches!(step, Undo::DeletedClient { .. });
    let is_edit = matches!(
        step,
        Undo::Client {
            before: Some(_),
            ..
        } | Undo::Network {
            before: Some(_),
            ..
        }
    );
    let wrote = |r: crate::error::Result<()>| {
        r.map(|()| Undone {
            wrote: true,
            kept: String::new(),
        })
    };
    let store = app.store.as_ref();
    let result = match step {
        // An added record is deleted only as this session wrote it.
        Undo::Client {
            id,
            before: None,
            saved,
        } => wrote(
            store
                .networks_of(id)
                .and_then(|networks| match networks.first() {
                    Some(n) => Err(crate::error::Error::runtime(format!(
                        "someone else has added network {:?} to it since",
                        n.name
                    ))),
                    None => store.delete_client(id, Some(saved.revision)),
                }),
        ),
        // An edit puts back only the fields still as this session saved
        // them: a change someone else made since is never undone with it.
        Undo::Client {
            id,
            before: Some(c),
            saved,
        } => undo_edit(app, Record::Client(id), Built::client(Some(*saved), c)),
        Undo::Network {
            id,
            before: None,
            saved,
        } => wrote(store.delete_network(id, Some(saved.revision))),
        Undo::Network {
            id,
            before: Some(n),
            saved,
        } => undo_edit(app, Record::Network(id), Built::network(Some(*saved), n)),
        Undo::DeletedClient { client, networks } => wrote(
            store
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
        ),
        Undo::DeletedNetwork { network } => wrote(store.restore_network(network).map(|_| ())),
    };
    let refreshed = result.and_then(|undone| {
        match touched {
            (_, Some(network)) => refresh_network(app, network),
            (Some(client), None) => refresh_client(app, client, whole_client),
            (None, None) => Ok(()),
        }
        .map(|()| undone)
    });
    match refreshed {
        Ok(undone) => {
            let client = touched
                .0
                .or_else(|| touched.1.and_then(|n| app.network(n)).map(|n| n.client));
            if let Some(client) = client {
                reselect(app, client, touched.1);
            }
            app.level_change = None;
            match undone {
                Undone { wrote: true, kept } if kept.is_empty() => {
                    app.saved(format!("saved · undone: {what}"))
                }
                Undone { wrote: true, kept } => {
                    app.saved(format!("saved · undone: {what} · kept {kept}"))
                }
                Undone { wrote: false, kept } if kept.is_empty() => {
                    app.info(format!("nothing undone: {what} is undone already"))
                }
                Undone { wrote: false, kept } => {
                    app.info(format!("nothing undone: kept {kept} ({what})"))
                }
            }
        }
        Err(e) => {
            // Show the record as it is now, which the undo left alone.
            let conflict = matches!(e, crate::error::Error::Conflict(_));
            if conflict {
                let _ = match touched {
                    (_, Some(network)) => refresh_network(app, network),
                    (Some(client), None) => refresh_client(app, client, false),
                    (None, None) => Ok(()),
                };
            }
            if conflict && is_edit {
                // Someone wrote between the read and the write: the step
                // can be tried again on their version.
                app.undo.push(again);
                app.error(format!(
                    "could not undo {what}: {}; press undo again to try on their version",
                    e.message()
                ))
            } else {
                app.error(format!("could not undo {what}: {}", e.message()))
            }
        }
    }
}

/// Undoes an edit: `built` holds the version this session saved (as the
/// base) and the one before it (as mine). Every field whose stored value is
/// still what was saved goes back; a field someone else changed since is
/// kept as they made it, and named.
fn undo_edit(app: &App, record: Record, built: Built) -> crate::error::Result<Undone> {
    let current = match record {
        Record::Client(id) => app.store.client(id)?.map(|c| Version::Client(Box::new(c))),
        Record::Network(id) => app
            .store
            .network(id)?
            .map(|n| Version::Network(Box::new(n))),
    };
    let Some(current) = current else {
        return Err(crate::error::Error::runtime(format!(
            "{} deleted it since",
            last_changed_by(app, record).unwrap_or_else(|| "someone else".to_string())
        )));
    };
    let saved = match &built {
        Built::Client { base: Some(c), .. } => c.revision,
        Built::Network { base: Some(n), .. } => n.revision,
        _ => 0,
    };
    let (after, kept) = if current.revision() == saved {
        // Nobody has written since: the version before, as it was.
        let after = match built {
            Built::Client { mut mine, .. } => {
                mine.revision = saved;
                Version::Client(mine)
            }
            Built::Network { mut mine, .. } => {
                mine.revision = saved;
                Version::Network(mine)
            }
        };
        (after, String::new())
    } else {
        let Some(outcome) = built.merged(&current, merge::Winner::Theirs) else {
            return Err(crate::error::Error::runtime("the record changed kind"));
        };
        let fields: Vec<String> = outcome.conflicts.into_iter().map(|c| c.field).collect();
        let kept = if fields.is_empty() {
            String::new()
        } else {
            later_changes(&changed_by(app, record, saved, &fields))
        };
        (outcome.record, kept)
    };
    if after == current {
        return Ok(Undone { wrote: false, kept });
    }
    match after {
        Version::Client(c) => app.store.update_client(*c).map(|_| ()),
        Version::Network(n) => app.store.update_network(*n).map(|_| ()),
    }?;
    Ok(Undone { wrote: true, kept })
}

/// Brings in what other sessions wrote, keeping the selection on the same
/// client and network and leaving any open form alone (a save based on an
/// old revision is then refused, not lost).
pub fn apply_change(app: &mut App, change: Change) {
    let client = app.selected_client().map(|c| c.id);
    let network = app.selected_network().map(|n| n.id);
    let result = match change {
        Change::Records { clients, networks } => clients
            .into_iter()
            .map(Record::Client)
            .chain(networks.into_iter().map(Record::Network))
            .try_for_each(|record| {
                let was = version_in_view(app, record);
                match record {
                    Record::Client(id) => refresh_client(app, id, false)?,
                    Record::Network(id) => refresh_network(app, id)?,
                }
                let now = version_in_view(app, record);
                if let Some(note) = replaced_note(app, record, was.as_ref(), now.as_ref()) {
                    app.info(note);
                }
                Ok(())
            }),
        Change::Everything => app.reload(),
        Change::Lost => {
            connection::reconnect(app);
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

/// When another session's change, from `was` to `now`, replaced a field
/// this session saved (or deleted a record it changed): who, which
/// fields, and of what.
fn replaced_note(
    app: &App,
    record: Record,
    was: Option<&Version>,
    now: Option<&Version>,
) -> Option<String> {
    let esc = crate::text::escape_for_terminal;
    let was = was?;
    let mut fields: Vec<String> = Vec::new();
    let mut saved_here = false;
    for step in &app.undo {
        let found = match (step, was, now) {
            (Undo::Client { id, before, saved }, Version::Client(w), now)
                if record == Record::Client(*id) =>
            {
                saved_here = true;
                match (before, now) {
                    (Some(before), Some(Version::Client(n))) => {
                        merge::replaced_in_client(before, saved, w, n)
                    }
                    _ => Vec::new(),
                }
            }
            (Undo::Network { id, before, saved }, Version::Network(w), now)
                if record == Record::Network(*id) =>
            {
                saved_here = true;
                match (before, now) {
                    (Some(before), Some(Version::Network(n))) => {
                        merge::replaced_in_network(before, saved, w, n)
                    }
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        for f in found {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    let who = || esc(&last_changed_by(app, record).unwrap_or_else(|| "someone else".to_string()));
    // Named as it is now (as it was, when deleted).
    let name = record_name(app, record, now.or(Some(was)));
    match now {
        None if saved_here => Some(format!("{} deleted {name}, which you had changed", who())),
        Some(_) if !fields.is_empty() => {
            let s = if fields.len() == 1 { "" } else { "s" };
            Some(format!(
                "{} replaced your change{s} to {} of {name}",
                who(),
                esc(&fields.join(", "))
            ))
        }
        _ => None,
    }
}
