//! The case manager's `update`, without a database: editing, the conflict
//! dialog and undo, driven by messages alone. Each test checks the
//! effects `update` asks for (the writes and reads the session would
//! carry out) and answers them by hand, as the store would: saved, refused,
//! or changed meanwhile by someone else.

use mlps::domain::model::{Client, ClientId, Network, NetworkId};
use mlps::domain::questionnaire::QuestionId;
use mlps::domain::settings::Config;
use mlps::error::{Conflict, Error};
use mlps::store::audit::{Action as Did, LogEntry};
use mlps::tui::Action;
use mlps::tui::app::{App, Mode, Msg, Pane, StatusKind, Undo, update};
use mlps::tui::edit::{AnswerRow, FormTarget, Record};
use mlps::tui::effect::{
    Delete, Effect, Fresh, FreshRecords, Purpose, Reconnected, Refreshed, Reload, Save, Stored,
    UndoWrite,
};
use mlps::tui::form::Version;
use mlps::tui::keymap::Keymap;
use mlps::tui::reads::{Answer, Ask};

use crate::support::{answered, today};

const ACME: ClientId = ClientId(1);
const CRM: NetworkId = NetworkId(10);

fn acme() -> Client {
    Client {
        id: ACME,
        revision: 1,
        name: "Acme Ltd".into(),
        name_zh: "阿克米".into(),
        ..Client::default()
    }
}

fn crm() -> Network {
    Network {
        id: CRM,
        client: ACME,
        revision: 1,
        name: "CRM".into(),
        notes: String::new(),
        answers: answered(),
        overrides: Default::default(),
        filed_level: None,
        milestones: Vec::new(),
    }
}

/// The case manager with Acme and its CRM read, as the store would give
/// them: the only reads it asks for are answered here.
fn app_with(client: Client, networks: Vec<Network>) -> App {
    let mut app = App::new(Config::default(), Keymap::defaults(), today());
    // Behaviour is checked in English; the languages have tests of their own.
    app.lang = mlps::domain::labels::Lang::En;
    let asked = update(&mut app, Msg::Clients(Ok(vec![client]), Reload::Quiet));
    assert_eq!(asked, vec![Effect::Read(Ask::Networks(ACME))]);
    let first = networks.first().map(|n| n.id);
    let asked = update(&mut app, Msg::Read(Answer::Networks(ACME, Ok(networks))));
    // The selected network's findings, for the header's reasons.
    let findings: Vec<Effect> = first
        .map(|n| Effect::Gaps(mlps::tui::gaps::GapsDo::Load(n)))
        .into_iter()
        .collect();
    assert_eq!(asked, findings, "nothing more to read");
    app
}

/// One key, as an action: what it asks for.
fn act(app: &mut App, a: Action) -> Vec<Effect> {
    update(app, Msg::Action(a))
}

/// Typed text, which asks for nothing.
fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        assert_eq!(update(app, Msg::Char(c)), Vec::new());
    }
}

/// Opens the answer to `q` of the selected network and types `value`.
fn edit_answer(app: &mut App, q: QuestionId, value: &str) {
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(q))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
    assert_eq!(act(app, Action::Edit), Vec::new());
    assert!(matches!(app.mode, Mode::Form { .. }), "{:?}", app.mode);
    act(app, Action::ClearField);
    typ(app, value);
}

/// The one write a submit asked for.
fn the_save(effects: Vec<Effect>) -> Box<Save> {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::Save(save)]) => save,
        Ok(other) => panic!("not a save: {other:?}"),
        Err(effects) => panic!("not one effect: {effects:?}"),
    }
}

fn network_of(v: &Version) -> &Network {
    match v {
        Version::Network(n) => n,
        Version::Client(c) => panic!("a client: {c:?}"),
    }
}

/// The network as the store would return it after writing it.
fn stored_as(mut n: Network, revision: u64) -> Version {
    n.revision = revision;
    Version::Network(Box::new(n))
}

/// Bob's write of the CRM network, from `before` to `after`, as the log
/// has it.
fn bob_wrote(before: &Network, after: &Network) -> LogEntry {
    LogEntry {
        seq: 7,
        at: 1_764_300_000,
        uid: 4242,
        user: "bob".into(),
        action: Did::Updated,
        client: Some(ACME),
        client_name: "Acme Ltd".into(),
        network: Some(CRM),
        network_name: "CRM".into(),
        finding: None,
        before: Some(mlps::store::codec::encode(before)),
        after: Some(mlps::store::codec::encode(after)),
        note: String::new(),
    }
}

fn conflict_error(revision: u64) -> Error {
    Error::Conflict(Box::new(Conflict {
        message: "network 10 was changed by someone else".into(),
        revision,
        by: Some("bob".into()),
        at: None,
    }))
}

fn status(app: &App) -> (StatusKind, String) {
    let s = app.status.clone().expect("a status");
    (s.kind, s.text)
}

#[test]
fn a_submitted_answer_is_written_and_shown_saved_only_once_the_store_says_so() {
    let mut app = app_with(acme(), vec![crm()]);
    app.focus = Pane::Networks;
    edit_answer(&mut app, QuestionId::PiSubjects, "2000000");
    let save = the_save(act(&mut app, Action::Submit));
    // The write: the form's one change over the version it was opened on.
    assert_eq!(save.before, Some(Version::Network(Box::new(crm()))));
    let mut expected = crm();
    expected.answers.pi_subjects = Some(2_000_000);
    assert_eq!(save.after, Version::Network(Box::new(expected.clone())));
    assert_eq!(
        save.form,
        Some(FormTarget::Answer(CRM, QuestionId::PiSubjects))
    );
    // Nothing is said saved, and the form stays, until the store answers.
    assert!(matches!(app.mode, Mode::Form { .. }));
    assert_eq!(app.undo, Vec::new());
    assert_ne!(app.status.as_ref().map(|s| s.kind), Some(StatusKind::Saved));
    let saved = stored_as(expected, 2);
    let after = update(&mut app, Msg::Saved(save, Ok(saved.clone()), None));
    assert_eq!(after, Vec::new());
    assert_eq!(app.mode, Mode::Normal);
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Saved);
    assert!(text.contains("pi_subjects · level 1 → 3"), "{text}");
    assert_eq!(app.network(CRM).map(|n| n.revision), Some(2));
    assert_eq!(app.grade_of(CRM).unwrap().level.get(), 3);
    assert_eq!(
        app.undo,
        vec![Undo::Network {
            id: CRM,
            before: Some(crm()),
            saved: Box::new(network_of(&saved).clone()),
        }]
    );
}

#[test]
fn a_write_the_store_refuses_keeps_the_form_with_the_reason() {
    let mut app = app_with(acme(), vec![crm()]);
    edit_answer(&mut app, QuestionId::PiSubjects, "5");
    let save = the_save(act(&mut app, Action::Submit));
    let refused = Error::input("pi_subjects: the database is read-only");
    let stored = Stored {
        version: Some(Version::Network(Box::new(crm()))),
        log: Vec::new(),
    };
    update(&mut app, Msg::Saved(save, Err(refused), Some(Ok(stored))));
    let Mode::Form { form, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(
        form.error.as_deref(),
        Some("pi_subjects: the database is read-only")
    );
    // Said once: in the form, not on the status line as well.
    assert_eq!(app.status, None);
    assert_eq!(app.undo, Vec::new(), "nothing to undo");
    assert_eq!(app.network(CRM), Some(&crm()), "the view is unchanged");
    // Changing a value clears it: the next submit says what is true then.
    typ(&mut app, "0");
    let Mode::Form { form, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(form.error, None);
}

#[test]
fn an_unchanged_form_asks_for_no_write() {
    let mut app = app_with(acme(), vec![crm()]);
    edit_answer(&mut app, QuestionId::PiSubjects, "0");
    assert_eq!(act(&mut app, Action::Submit), Vec::new());
    assert_eq!(app.mode, Mode::Normal);
    assert!(status(&app).1.contains("no changes"), "{:?}", app.status);
}

#[test]
fn readonly_asks_for_nothing() {
    let mut app = app_with(acme(), vec![crm()]);
    app.readonly = true;
    app.focus = Pane::Answers;
    for a in [
        Action::Edit,
        Action::ClearField,
        Action::Delete,
        Action::Undo,
    ] {
        assert_eq!(act(&mut app, a), Vec::new(), "{a:?}");
        assert_eq!(app.mode, Mode::Normal);
        assert!(status(&app).1.contains("read-only"));
    }
}

#[test]
fn a_save_over_bobs_change_opens_the_dialog_and_overwrite_keeps_his_other_field() {
    let mut app = app_with(acme(), vec![crm()]);
    edit_answer(&mut app, QuestionId::PiSubjects, "777");
    let save = the_save(act(&mut app, Action::Submit));
    // Meanwhile Bob changed the notes, and the store refuses the write.
    let mut theirs = crm();
    theirs.notes = "audit firm booked".into();
    theirs.revision = 2;
    let stored = Stored {
        version: Some(Version::Network(Box::new(theirs.clone()))),
        log: vec![bob_wrote(&crm(), &theirs)],
    };
    let asked = update(
        &mut app,
        Msg::Saved(save, Err(conflict_error(2)), Some(Ok(stored.clone()))),
    );
    assert_eq!(asked, Vec::new());
    let Mode::Conflict { message, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(message.contains("Network \"CRM\" was changed while you were editing it"));
    assert!(message.contains("by bob at "), "{message}");
    assert!(message.contains("notes"), "{message}");
    assert!(
        message.contains("Their changes to notes are kept; o saves yours alongside them."),
        "{message}"
    );
    assert_eq!(
        status(&app).1,
        "not saved: someone else changed this record meanwhile"
    );
    assert_eq!(app.network(CRM), Some(&theirs), "their version is in view");
    // `o` reads the record again before writing over it.
    let asked = update(&mut app, Msg::Char('o'));
    assert_eq!(
        asked,
        vec![Effect::Fetch(Record::Network(CRM), Purpose::Overwrite)]
    );
    assert!(matches!(app.mode, Mode::Conflict { .. }));
    let asked = update(
        &mut app,
        Msg::Fetched(Record::Network(CRM), Ok(stored), Purpose::Overwrite),
    );
    let save = the_save(asked);
    assert_eq!(
        save.before,
        Some(Version::Network(Box::new(theirs.clone())))
    );
    let mut merged = theirs.clone();
    merged.answers.pi_subjects = Some(777);
    assert_eq!(save.after, Version::Network(Box::new(merged.clone())));
    assert!(
        save.what.contains("their changes to notes kept"),
        "{}",
        save.what
    );
    update(&mut app, Msg::Saved(save, Ok(stored_as(merged, 3)), None));
    assert_eq!(app.mode, Mode::Normal);
    let n = app.network(CRM).unwrap();
    assert_eq!(
        (n.notes.as_str(), n.answers.pi_subjects, n.revision),
        ("audit firm booked", Some(777), 3)
    );
}

#[test]
fn a_form_whose_record_changed_in_view_asks_for_the_stored_version_first() {
    let mut app = app_with(acme(), vec![crm()]);
    edit_answer(&mut app, QuestionId::PiSubjects, "777");
    // Bob's change arrives while the form is open.
    let mut theirs = crm();
    theirs.answers.pi_subjects = Some(123_456);
    theirs.revision = 2;
    let change = mlps::tui::connection::Change::Records {
        clients: vec![],
        networks: vec![CRM],
    };
    let asked = update(&mut app, Msg::Change(change));
    let [Effect::Refresh(refresh)] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    assert_eq!(refresh.records, vec![Record::Network(CRM)]);
    let fresh = FreshRecords {
        records: vec![Fresh {
            record: Record::Network(CRM),
            version: Some(Version::Network(Box::new(theirs.clone()))),
            by: Some("bob".into()),
        }],
        networks: None,
    };
    update(&mut app, Msg::Refreshed(Ok(fresh), refresh.why.clone()));
    assert!(matches!(app.mode, Mode::Form { .. }), "the edit stays open");
    // Saving asks for no write: the dialog needs the stored version.
    let asked = act(&mut app, Action::Submit);
    assert_eq!(
        asked,
        vec![Effect::Fetch(Record::Network(CRM), Purpose::Conflict)]
    );
    let stored = Stored {
        version: Some(Version::Network(Box::new(theirs.clone()))),
        log: vec![bob_wrote(&crm(), &theirs)],
    };
    update(
        &mut app,
        Msg::Fetched(Record::Network(CRM), Ok(stored.clone()), Purpose::Conflict),
    );
    let Mode::Conflict { message, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(message.contains("You both changed"), "{message}");
    assert!(message.contains("theirs: 123 456"), "{message}");
    assert!(message.contains("yours: 777"), "{message}");
    // Esc goes back to the form; `r` takes theirs and writes nothing.
    assert_eq!(act(&mut app, Action::Cancel), Vec::new());
    assert!(matches!(app.mode, Mode::Form { .. }));
    let asked = act(&mut app, Action::Submit);
    assert_eq!(
        asked,
        vec![Effect::Fetch(Record::Network(CRM), Purpose::Conflict)]
    );
    update(
        &mut app,
        Msg::Fetched(Record::Network(CRM), Ok(stored.clone()), Purpose::Conflict),
    );
    assert!(matches!(app.mode, Mode::Conflict { .. }));
    let asked = update(&mut app, Msg::Char('r'));
    assert_eq!(
        asked,
        vec![Effect::Fetch(Record::Network(CRM), Purpose::Reload)]
    );
    assert_eq!(app.mode, Mode::Normal);
    let asked = update(
        &mut app,
        Msg::Fetched(Record::Network(CRM), Ok(stored), Purpose::Reload),
    );
    assert_eq!(asked, Vec::new(), "nothing written");
    assert_eq!(
        status(&app).1,
        "reloaded their version; your edit was not saved"
    );
    assert_eq!(app.network(CRM), Some(&theirs));
}

#[test]
fn overwriting_a_record_deleted_meanwhile_writes_nothing_and_says_who() {
    let mut app = app_with(acme(), vec![crm()]);
    edit_answer(&mut app, QuestionId::PiSubjects, "777");
    let save = the_save(act(&mut app, Action::Submit));
    let mut deleted = bob_wrote(&crm(), &crm());
    deleted.action = Did::Deleted;
    deleted.after = None;
    let gone = Stored {
        version: None,
        log: vec![deleted],
    };
    let refused = Error::runtime("network 10 does not exist");
    update(
        &mut app,
        Msg::Saved(save, Err(refused), Some(Ok(gone.clone()))),
    );
    let Mode::Conflict { message, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(message.contains("was deleted while you were editing it"));
    assert!(message.contains("o saves nothing"), "{message}");
    assert_eq!(app.network(CRM), None, "gone from view");
    update(&mut app, Msg::Char('o'));
    let asked = update(
        &mut app,
        Msg::Fetched(Record::Network(CRM), Ok(gone), Purpose::Overwrite),
    );
    assert_eq!(asked, Vec::new(), "nothing written");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        status(&app).1,
        "nothing saved: bob deleted network \"CRM\" meanwhile"
    );
}

/// A saved edit of the CRM's PI subjects to `value`: the app and the
/// version the store holds after it.
fn after_saved_edit(value: u64) -> (App, Network) {
    let mut app = app_with(acme(), vec![crm()]);
    edit_answer(&mut app, QuestionId::PiSubjects, &value.to_string());
    let save = the_save(act(&mut app, Action::Submit));
    let saved = network_of(&stored_as(network_of(&save.after).clone(), 2)).clone();
    update(
        &mut app,
        Msg::Saved(save, Ok(Version::Network(Box::new(saved.clone()))), None),
    );
    assert_eq!(app.undo.len(), 1);
    (app, saved)
}

/// Answers an undo step's read of the CRM with `current`; the effect it
/// then asks for.
fn undo_reads(app: &mut App, current: Stored) -> Vec<Effect> {
    let asked = act(app, Action::Undo);
    let [Effect::Fetch(Record::Network(CRM), Purpose::Undo(step))] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    let purpose = Purpose::Undo(step.clone());
    update(
        app,
        Msg::Fetched(Record::Network(CRM), Ok(current), purpose),
    )
}

#[test]
fn undo_of_an_edit_nobody_touched_since_writes_the_version_before() {
    let (mut app, saved) = after_saved_edit(2_000_000);
    let asked = undo_reads(
        &mut app,
        Stored {
            version: Some(Version::Network(Box::new(saved.clone()))),
            log: Vec::new(),
        },
    );
    let [Effect::Undo(step, UndoWrite::Put(put))] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    // The version before, at the revision the store holds now.
    assert_eq!(*put, stored_as(crm(), 2));
    let step = step.clone();
    let asked = update(&mut app, Msg::Undid(step, Ok(())));
    let [Effect::Refresh(refresh)] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    assert_eq!(refresh.records, vec![Record::Network(CRM)]);
    assert!(matches!(refresh.why, Refreshed::Undone { done: true, .. }));
    let fresh = FreshRecords {
        records: vec![Fresh {
            record: Record::Network(CRM),
            version: Some(stored_as(crm(), 3)),
            by: None,
        }],
        networks: None,
    };
    update(&mut app, Msg::Refreshed(Ok(fresh), refresh.why.clone()));
    assert_eq!(
        status(&app),
        (
            StatusKind::Saved,
            "saved · undone: the edit of network CRM".to_string()
        )
    );
    assert_eq!(app.network(CRM).unwrap().answers.pi_subjects, Some(0));
    assert_eq!(app.grade_of(CRM).unwrap().level.get(), 1);
    assert_eq!(app.undo, Vec::new());
}

#[test]
fn undo_keeps_bobs_later_change_to_another_field() {
    let (mut app, saved) = after_saved_edit(2_000_000);
    let mut current = saved.clone();
    current.notes = "bob was here".into();
    current.revision = 3;
    let asked = undo_reads(
        &mut app,
        Stored {
            version: Some(Version::Network(Box::new(current.clone()))),
            log: vec![bob_wrote(&saved, &current)],
        },
    );
    let [Effect::Undo(_, UndoWrite::Put(put))] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    let put = network_of(put);
    assert_eq!(
        put.answers.pi_subjects,
        Some(0),
        "this session's edit reverted"
    );
    assert_eq!(put.notes, "bob was here", "his change kept");
    assert_eq!(put.revision, 3);
}

#[test]
fn undo_never_reverts_bobs_later_change_to_the_same_field() {
    let (mut app, saved) = after_saved_edit(2_000_000);
    let mut current = saved.clone();
    current.answers.pi_subjects = Some(5);
    current.revision = 3;
    let asked = undo_reads(
        &mut app,
        Stored {
            version: Some(Version::Network(Box::new(current.clone()))),
            log: vec![bob_wrote(&saved, &current)],
        },
    );
    // Nothing to write: only the record is read again.
    let [Effect::Refresh(refresh)] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    let fresh = FreshRecords {
        records: vec![Fresh {
            record: Record::Network(CRM),
            version: Some(Version::Network(Box::new(current))),
            by: None,
        }],
        networks: None,
    };
    update(&mut app, Msg::Refreshed(Ok(fresh), refresh.why.clone()));
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Info);
    assert_eq!(
        text,
        "nothing undone: kept bob's later change to answers.pi_subjects (the edit of network CRM)"
    );
}

#[test]
fn an_undo_refused_as_a_conflict_can_be_tried_again() {
    let (mut app, saved) = after_saved_edit(2_000_000);
    let asked = undo_reads(
        &mut app,
        Stored {
            version: Some(Version::Network(Box::new(saved))),
            log: Vec::new(),
        },
    );
    let [Effect::Undo(step, _)] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    let asked = update(&mut app, Msg::Undid(step.clone(), Err(conflict_error(3))));
    // The record is read again to show it as it is; the step is back.
    assert!(
        matches!(asked.as_slice(), [Effect::Refresh(r)] if matches!(r.why, Refreshed::Undone { done: false, .. })),
        "{asked:?}"
    );
    assert_eq!(app.undo.len(), 1);
    assert!(
        status(&app).1.contains("press undo again"),
        "{:?}",
        app.status
    );
}

#[test]
fn deleting_a_client_counts_its_networks_first_and_undo_puts_them_back() {
    let mut app = App::new(Config::default(), Keymap::defaults(), today());
    // Behaviour is checked in English; the languages have tests of their own.
    app.lang = mlps::domain::labels::Lang::En;
    update(&mut app, Msg::Clients(Ok(vec![acme()]), Reload::Quiet));
    // The networks are still on their way: the question waits for them.
    let asked = act(&mut app, Action::Delete);
    assert_eq!(asked, Vec::new(), "already asked for by the selection");
    assert_eq!(app.mode, Mode::Normal);
    update(&mut app, Msg::Read(Answer::Networks(ACME, Ok(vec![crm()]))));
    let Mode::Confirm { message, target } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(message, "Delete client Acme Ltd and its 1 network(s)?");
    assert_eq!(*target, FormTarget::Client(ACME));
    let asked = update(&mut app, Msg::Char('y'));
    let delete = Delete::Client {
        client: Box::new(acme()),
        networks: vec![crm()],
    };
    assert_eq!(asked, vec![Effect::Delete(delete.clone())]);
    update(&mut app, Msg::Deleted(delete, Ok(())));
    assert!(app.clients.is_empty());
    assert_eq!(status(&app).1, "saved · client Acme Ltd deleted");
    let asked = act(&mut app, Action::Undo);
    let [Effect::Undo(_, UndoWrite::RestoreClient { client, networks })] = asked.as_slice() else {
        panic!("{asked:?}")
    };
    assert_eq!(
        ((**client).clone(), networks.clone()),
        (acme(), vec![crm()])
    );
}

/// A triage row of the CRM network, for its question `q`, or of another
/// network.
fn triage_row(
    network: NetworkId,
    name: &str,
    tier: mlps::domain::triage::Tier,
) -> mlps::domain::triage::TriageRow {
    use mlps::domain::triage::{Place, Reason, TriageRow};
    TriageRow {
        client_id: ACME,
        network_id: network,
        client: "Acme Ltd".into(),
        client_zh: "阿克米".into(),
        network: name.into(),
        level: 2,
        max_level: None,
        reasons: vec![Reason {
            tier,
            action: "answer cii".into(),
            why: "level 2, could be up to 3 until answered".into(),
            days: None,
            place: Place::Question {
                question: QuestionId::Cii,
            },
            rank: 0,
            words: None,
        }],
        rectification: None,
    }
}

#[test]
fn triage_asks_for_its_list_and_comes_back_to_the_row_it_left() {
    use mlps::domain::triage::Tier;
    let mut other = crm();
    other.id = NetworkId(11);
    other.name = "ERP".into();
    let mut app = app_with(acme(), vec![crm(), other]);
    let asked = act(&mut app, Action::Triage);
    assert_eq!(
        asked,
        vec![Effect::Triage {
            today: today(),
            config: Box::new(Config::default())
        }]
    );
    let rows = vec![
        triage_row(NetworkId(11), "ERP", Tier::Overdue),
        triage_row(CRM, "CRM", Tier::Provisional),
    ];
    update(&mut app, Msg::Triage(Ok(rows.clone())));
    assert!(matches!(app.mode, Mode::Triage { selected: 0, .. }));
    act(&mut app, Action::Down);
    // Enter: the CRM network, on the question its reason is about.
    assert_eq!(act(&mut app, Action::Submit), Vec::new());
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.selected_network().map(|n| n.id), Some(CRM));
    assert_eq!(app.focus, Pane::Answers);
    assert_eq!(
        app.answer_rows()[app.selected[Pane::Answers.index()]],
        AnswerRow::Question(QuestionId::Cii)
    );
    // Back: the same row, though the list came back in another order.
    act(&mut app, Action::Triage);
    let mut again = rows;
    again.reverse();
    update(&mut app, Msg::Triage(Ok(again)));
    let Mode::Triage { rows, selected, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(rows[*selected].network_id, CRM);
    // A list that cannot be read says so.
    act(&mut app, Action::Cancel);
    act(&mut app, Action::Triage);
    update(
        &mut app,
        Msg::Triage(Err(Error::runtime("the daemon went away"))),
    );
    assert_eq!(app.mode, Mode::Normal);
    assert!(status(&app).1.contains("could not read the triage list"));
}

/// The status line's message, if any.
fn said(app: &App) -> Option<String> {
    app.status.as_ref().map(|s| s.text.clone())
}

fn tick(app: &mut App, secs: u64) {
    assert_eq!(
        update(app, Msg::Tick(std::time::Duration::from_secs(secs))),
        Vec::new()
    );
}

#[test]
fn a_message_goes_with_the_next_key() {
    let mut app = app_with(acme(), vec![crm()]);
    // A paste outside a field says it was ignored; that key's own message
    // stays after it.
    update(&mut app, Msg::Paste("x".into()));
    assert!(said(&app).unwrap().contains("paste ignored"));
    act(&mut app, Action::Down);
    assert_eq!(said(&app), None);
    // An error goes with the next key too, whatever the key.
    app.readonly = true;
    act(&mut app, Action::Edit);
    assert_eq!(status(&app).0, StatusKind::Error);
    act(&mut app, Action::NextPane);
    assert_eq!(said(&app), None);
    // A key that says something anew replaces it.
    act(&mut app, Action::Edit);
    act(&mut app, Action::Edit);
    assert!(said(&app).unwrap().contains("read-only"));
    // Answers from the store are not keys: they leave it.
    update(&mut app, Msg::Idle);
    assert!(said(&app).is_some());
}

#[test]
fn info_goes_after_a_while_errors_wait_for_a_key() {
    let mut app = app_with(acme(), vec![crm()]);
    assert!(!app.wants_tick(), "nothing to expire");
    tick(&mut app, 10);
    update(&mut app, Msg::Paste("x".into()));
    assert!(app.wants_tick());
    tick(&mut app, 15);
    assert!(said(&app).is_some(), "5 s on, still shown");
    tick(&mut app, 16);
    assert_eq!(said(&app), None, "6 s on, gone");
    assert!(!app.wants_tick());
    // An error stays until a key: it is not timed.
    app.readonly = true;
    act(&mut app, Action::Edit);
    assert!(!app.wants_tick());
    tick(&mut app, 1000);
    assert_eq!(status(&app).0, StatusKind::Error);
    act(&mut app, Action::Down);
    assert_eq!(said(&app), None);
}

#[test]
fn losing_the_database_stays_said_until_it_is_found() {
    let mut app = app_with(acme(), vec![crm()]);
    update(
        &mut app,
        Msg::Reconnected(Reconnected::Failed {
            reason: "no daemon".into(),
            pause: 5,
        }),
    );
    let lost = said(&app).unwrap();
    assert!(lost.contains("could not reconnect"), "{lost}");
    act(&mut app, Action::Down);
    tick(&mut app, 1000);
    assert_eq!(said(&app), Some(lost), "still true, still said");
    update(&mut app, Msg::Reconnected(Reconnected::Impossible));
    act(&mut app, Action::Down);
    assert!(said(&app).unwrap().contains("restart mlps"));
}

#[test]
fn the_messages_overlay_keeps_the_latest_in_full() {
    let mut app = app_with(acme(), vec![crm()]);
    let long = "word ".repeat(200);
    app.error(long.trim());
    update(&mut app, Msg::Paste("x".into()));
    act(&mut app, Action::Messages);
    assert_eq!(app.mode, Mode::Messages { scroll: 0 });
    assert_eq!(said(&app), None, "the key read it");
    let kept: Vec<&str> = app.messages.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0], long.trim(), "whole");
    assert!(kept[1].contains("paste ignored"));
    act(&mut app, Action::Down);
    assert_eq!(app.mode, Mode::Messages { scroll: 1 });
    act(&mut app, Action::Messages);
    assert_eq!(app.mode, Mode::Normal);
    // At most so many are kept, the oldest dropped.
    for i in 0..100 {
        app.error(format!("message {i}"));
    }
    assert_eq!(app.messages.len(), mlps::tui::app::MESSAGES_KEPT);
    assert_eq!(app.messages.back().unwrap().1, "message 99");
}

#[test]
fn zoom_toggles_and_esc_restores_after_the_filter() {
    let mut app = app_with(acme(), vec![crm()]);
    act(&mut app, Action::Zoom);
    assert!(app.zoom);
    act(&mut app, Action::Zoom);
    assert!(!app.zoom);
    act(&mut app, Action::Zoom);
    app.filters[Pane::Clients.index()] = "acme".into();
    // Esc clears the filter first, then the zoom.
    act(&mut app, Action::Cancel);
    assert!(app.filters[Pane::Clients.index()].is_empty());
    assert!(app.zoom);
    act(&mut app, Action::Cancel);
    assert!(!app.zoom);
}

#[test]
fn a_form_problem_shows_once_at_its_field_and_goes_when_fixed() {
    let mut app = app_with(acme(), vec![crm()]);
    app.focus = Pane::Clients;
    act(&mut app, Action::Add);
    // No name: refused at the name field, and only there.
    assert_eq!(act(&mut app, Action::Submit), Vec::new());
    let Mode::Form { form, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    let field = &form.fields[form.focus];
    assert_eq!(field.key, "name");
    assert!(field.error.is_some(), "{form:?}");
    assert_eq!(form.error, None, "not again at the foot of the form");
    assert_eq!(app.status, None, "nor on the status line");
    // Typing a name fixes it, and the problem goes at once.
    typ(&mut app, "B");
    let Mode::Form { form, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(form.fields.iter().all(|f| f.error.is_none()), "{form:?}");
    assert_eq!(form.error, None);
    assert!(matches!(
        act(&mut app, Action::Submit).as_slice(),
        [Effect::Save(_)]
    ));
}

#[test]
fn a_bad_value_shows_once_and_goes_when_corrected() {
    let mut app = app_with(acme(), vec![crm()]);
    app.focus = Pane::Timeline;
    act(&mut app, Action::Add);
    act(&mut app, Action::NextField);
    typ(&mut app, "2026-02-30");
    assert_eq!(act(&mut app, Action::Submit), Vec::new());
    let Mode::Form { form, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    let problems: Vec<&str> = form
        .fields
        .iter()
        .filter_map(|f| f.error.as_deref())
        .chain(form.error.as_deref())
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("not a real calendar date"));
    update(&mut app, Msg::Backspace);
    update(&mut app, Msg::Backspace);
    typ(&mut app, "28");
    let Mode::Form { form, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(form.fields.iter().all(|f| f.error.is_none()), "{form:?}");
    assert_eq!(form.error, None);
}

/// The conflict dialog and the refusal in Chinese: who changed what, both
/// values, and the choices; the ids of fields stay ids.
#[test]
fn the_conflict_dialog_speaks_the_interface_language() {
    use mlps::domain::labels::Lang;
    let mut app = app_with(acme(), vec![crm()]);
    app.lang = Lang::Zh;
    edit_answer(&mut app, QuestionId::PiSubjects, "777");
    let save = the_save(act(&mut app, Action::Submit));
    // Meanwhile Bob set the same answer, and the store refuses the write.
    let mut theirs = crm();
    theirs.answers.pi_subjects = Some(250_000);
    theirs.revision = 2;
    let stored = Stored {
        version: Some(Version::Network(Box::new(theirs.clone()))),
        log: vec![bob_wrote(&crm(), &theirs)],
    };
    update(
        &mut app,
        Msg::Saved(save, Err(conflict_error(2)), Some(Ok(stored))),
    );
    let Mode::Conflict { message, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    for words in [
        "你编辑期间，网络“CRM”已被修改：",
        "bob 于 ",
        "双方都修改了（按 o 以你的为准）：",
        "  answers.pi_subjects",
        "对方：250 000",
        "你的：777",
    ] {
        assert!(message.contains(words), "{words} in\n{message}");
    }
    assert_eq!(status(&app).1, "未保存：其间他人修改了这条记录");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(&app, f)).unwrap();
    crate::support::assert_snapshot!(
        "conflict_dialog_in_chinese_at_80x24",
        terminal.backend().to_string()
    );
    // In both, the sentences say it twice and the choices fit in Chinese.
    let mut app = app_with(acme(), vec![crm()]);
    app.lang = Lang::Both;
    edit_answer(&mut app, QuestionId::PiSubjects, "778");
    let save = the_save(act(&mut app, Action::Submit));
    let stored = Stored {
        version: Some(Version::Network(Box::new(theirs.clone()))),
        log: vec![bob_wrote(&crm(), &theirs)],
    };
    update(
        &mut app,
        Msg::Saved(save, Err(conflict_error(2)), Some(Ok(stored))),
    );
    let Mode::Conflict { message, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(
        message.contains(
            "Network \"CRM\" was changed while you were editing it: 你编辑期间，网络“CRM”已被修改："
        ),
        "{message}"
    );
    assert!(message.contains("  by bob at "), "{message}");
}
