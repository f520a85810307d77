//! The case manager's `update`, driven by actions with no rendering.

use mlps::domain::model::{Level, Milestone, Network, NetworkId, Stage};
use mlps::domain::questionnaire::QuestionId;
use mlps::domain::settings::Config;
use mlps::server::client::Change;
use mlps::store::audit::{Actor, LogQuery};
use mlps::store::{CaseStore, SledStore};
use mlps::tui::Action;
use mlps::tui::app::{App, Mode, Msg, Pane, StatusKind, TimelineRow};
use mlps::tui::edit::AnswerRow;
use mlps::tui::keymap::Keymap;
use mlps::tui::session::Session;

use crate::support::{self, act, demo_app, demo_store, today, typ};

fn select_answer(app: &mut Session, q: QuestionId) {
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(q))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
}

#[test]
fn moving_through_clients_resets_the_panes_below() {
    let (_dir, mut app) = demo_app();
    assert_eq!(app.focus, Pane::Clients);
    let first = app.selected_client().unwrap().id;
    app.selected[Pane::Networks.index()] = 1;
    act(&mut app, Action::Down);
    assert_ne!(app.selected_client().unwrap().id, first);
    assert_eq!(app.selected[Pane::Networks.index()], 0);
    act(&mut app, Action::Up);
    act(&mut app, Action::Up);
    assert_eq!(app.selected_client().unwrap().id, first, "stops at the top");
    act(&mut app, Action::Bottom);
    assert_eq!(app.selected[Pane::Clients.index()], app.clients.len() - 1);
    for expected in [
        Pane::Contacts,
        Pane::Networks,
        Pane::Answers,
        Pane::Timeline,
        Pane::Clients,
    ] {
        act(&mut app, Action::NextPane);
        assert_eq!(app.focus, expected);
    }
    act(&mut app, Action::PrevPane);
    assert_eq!(app.focus, Pane::Timeline);
}

#[test]
fn fuzzy_jump_finds_a_client_by_pinyin_initials() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "shzx");
    let Mode::Fuzzy { hits, .. } = &app.mode else {
        panic!("fuzzy mode")
    };
    assert!(hits[0].label.contains("上海中心"), "{:?}", hits.first());
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.selected_client().unwrap().name_zh.contains("上海中心"));
    // Backspace and Esc leave without moving.
    let here = app.selected_client().unwrap().id;
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "cq");
    app.send(Msg::Backspace);
    act(&mut app, Action::Cancel);
    assert_eq!(app.selected_client().unwrap().id, here);
}

#[test]
fn changing_pi_subjects_regrades_and_saves() {
    let (_dir, mut app) = demo_app();
    app.lang = mlps::domain::labels::Lang::En;
    // A network at level 1 or 2 with no override on S.
    let (client, network) = app
        .networks
        .values()
        .flatten()
        .find(|n| {
            app.grade_of(n.id).unwrap().level.get() <= 2
                && n.overrides.business_information.is_none()
        })
        .map(|n| (n.client, n.id))
        .unwrap();
    app.jump_to(client, Some(network));
    let old = app.grade_of(network).unwrap().level;
    select_answer(&mut app, QuestionId::PiSubjects);
    act(&mut app, Action::Edit);
    assert!(matches!(app.mode, Mode::Form { .. }));
    act(&mut app, Action::ClearField);
    typ(&mut app, "2x000000"); // the letter is refused by the number editor
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Saved);
    assert!(
        status.text.contains(&format!("level {old} → 3")),
        "{status:?}"
    );
    assert_eq!(
        app.level_change.map(|(_, a, b)| (a.get(), b.get())),
        Some((old.get(), 3))
    );
    // The store has it.
    let stored = app.store.network(network).unwrap().unwrap();
    assert_eq!(stored.answers.pi_subjects, Some(2_000_000));
    // Undo puts the old answer back.
    act(&mut app, Action::Undo);
    assert_ne!(
        app.store
            .network(network)
            .unwrap()
            .unwrap()
            .answers
            .pi_subjects,
        Some(2_000_000)
    );
    assert_eq!(app.grade_of(network).unwrap().level, old);
}

/// The problem an open form shows, once: under the focused field (the
/// one it is in), or at the foot of the form when it is about no field.
fn shown_problem(form: &mlps::tui::form::Form) -> String {
    match (&form.fields[form.focus].error, &form.error) {
        (Some(e), None) | (None, Some(e)) => e.clone(),
        other => panic!("the problem shows once: {other:?}"),
    }
}

#[test]
fn a_bad_date_keeps_the_form_open_with_the_reason() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Networks;
    app.focus = Pane::Timeline;
    let before = app.selected_network().unwrap().milestones.len();
    act(&mut app, Action::Add);
    act(&mut app, Action::NextField); // stage → date
    typ(&mut app, "2026-02-30");
    act(&mut app, Action::Submit);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("form stays open")
    };
    assert!(
        shown_problem(form).contains("not a real calendar date"),
        "{form:?}"
    );
    // t gives today; the milestone saves.
    act(&mut app, Action::ClearField);
    act(&mut app, Action::Today);
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let n = app.selected_network().unwrap();
    assert_eq!(n.milestones.len(), before + 1);
    assert!(n.milestones.iter().any(|m| m.date == today()));
}

#[test]
fn delete_asks_first_and_undo_restores() {
    let (_dir, mut app) = demo_app();
    let id = app.selected_client().unwrap().id;
    let networks = app.networks.get(&id).map_or(0, Vec::len);
    act(&mut app, Action::Delete);
    assert!(matches!(app.mode, Mode::Confirm { .. }));
    act(&mut app, Action::Cancel);
    assert!(app.store.client(id).unwrap().is_some());
    act(&mut app, Action::Delete);
    act(&mut app, Action::Submit);
    assert!(app.store.client(id).unwrap().is_none());
    assert!(app.clients.iter().all(|c| c.id != id));
    act(&mut app, Action::Undo);
    assert!(app.store.client(id).unwrap().is_some());
    assert_eq!(app.store.networks_of(id).unwrap().len(), networks);
}

#[test]
fn an_override_needs_a_justification() {
    let (_dir, mut app) = demo_app();
    select_answer(&mut app, QuestionId::Cii);
    let id = app.selected_network().unwrap().id;
    act(&mut app, Action::Override);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("override form")
    };
    assert_eq!(form.fields[0].key, "s_object");
    // Choose an object for S, leave the justification empty.
    act(&mut app, Action::Right);
    act(&mut app, Action::Submit);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("form stays open")
    };
    assert!(shown_problem(form).contains("justification"), "{form:?}");
    // The cursor went to the field the problem is in.
    let Mode::Form { form, .. } = &app.mode else {
        panic!()
    };
    assert_eq!(form.fields[form.focus].key, "s_justification");
    typ(&mut app, "processes payroll for 3 000 staff");
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    let stored = app.store.network(id).unwrap().unwrap();
    assert!(stored.overrides.business_information.is_some());
}

#[test]
fn readonly_refuses_every_edit() {
    let (_dir, mut app) = demo_app();
    app.readonly = true;
    for a in [
        Action::Edit,
        Action::Add,
        Action::Delete,
        Action::Undo,
        Action::Override,
    ] {
        act(&mut app, a);
        assert_eq!(app.mode, Mode::Normal, "{a}");
        assert_eq!(app.status.as_ref().unwrap().kind, StatusKind::Error);
    }
    // Looking around still works.
    act(&mut app, Action::Agenda);
    assert!(matches!(app.mode, Mode::Agenda { .. }));
}

#[test]
fn the_agenda_is_ordered_and_jumps_to_the_case() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Agenda);
    let Mode::Agenda { rows, .. } = &app.mode else {
        panic!("agenda")
    };
    assert!(rows.windows(2).all(|w| w[0].due <= w[1].due));
    assert!(rows[0].days_left < 0, "overdue first");
    let target = rows[3].clone();
    for _ in 0..3 {
        act(&mut app, Action::Down);
    }
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.selected_network().unwrap().id, target.network_id);
    assert_eq!(app.focus, Pane::Timeline);
}

#[test]
fn filter_narrows_the_focused_list() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Filter);
    typ(&mut app, "bank");
    act(&mut app, Action::Submit);
    let visible = app.visible_clients();
    assert!(!visible.is_empty() && visible.len() < app.clients.len());
    assert!(
        visible
            .iter()
            .all(|i| app.clients[*i].name.to_lowercase().contains("bank"))
    );
    act(&mut app, Action::Cancel);
    assert_eq!(app.visible_clients().len(), app.clients.len());
}

#[test]
fn a_new_client_needs_a_name_and_is_saved() {
    let (_dir, mut app) = demo_app();
    let before = app.clients.len();
    act(&mut app, Action::Add);
    act(&mut app, Action::Submit);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("form stays open")
    };
    assert!(shown_problem(form).contains("name"), "{form:?}");
    act(&mut app, Action::NextField);
    typ(&mut app, "重庆测试银行");
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.clients.len(), before + 1);
    assert_eq!(app.selected_client().unwrap().name_zh, "重庆测试银行");
    assert!(app.status.as_ref().unwrap().text.contains("saved"));
    // The fuzzy index knows it at once, by the right reading of 重 and 行.
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "chongqingceshiyinhang");
    let Mode::Fuzzy { hits, .. } = &app.mode else {
        panic!()
    };
    assert_eq!(hits[0].label, "重庆测试银行");
}

#[test]
fn command_line_runs_commands_and_names_unknown_ones() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Command);
    typ(&mut app, "frobnicate");
    act(&mut app, Action::Submit);
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("unknown command")
    );
    act(&mut app, Action::Command);
    typ(&mut app, "q");
    act(&mut app, Action::Submit);
    assert!(app.quit);
}

#[test]
fn readonly_refuses_clearing_an_answer() {
    let (_dir, mut app) = demo_app();
    app.readonly = true;
    select_answer(&mut app, QuestionId::Cii);
    let id = app.selected_network().unwrap().id;
    let before = app.store.network(id).unwrap().unwrap();
    act(&mut app, Action::ClearField);
    assert_eq!(app.status.as_ref().unwrap().kind, StatusKind::Error);
    assert_eq!(app.store.network(id).unwrap().unwrap(), before);
}

#[test]
fn pasted_text_goes_into_the_field_never_into_keys() {
    let (_dir, mut app) = demo_app();
    let id = app.selected_client().unwrap().id;
    let contacts = app.selected_client().unwrap().contacts.len();
    // Outside a field a paste does nothing at all.
    app.send(Msg::Paste("dy\nq".into()));
    assert_eq!(app.mode, Mode::Normal);
    assert!(!app.quit);
    act(&mut app, Action::Edit);
    for _ in 0..5 {
        act(&mut app, Action::NextField); // to Notes
    }
    app.send(Msg::Paste(
        "Room 5, Tower A\nBuilding dept: yes\r\nd".into(),
    ));
    let Mode::Form { form, .. } = &app.mode else {
        panic!("the form stays open")
    };
    assert!(
        form.fields[5]
            .display()
            .ends_with("Room 5, Tower A / Building dept: yes / d"),
        "{}",
        form.fields[5].display()
    );
    act(&mut app, Action::Submit);
    let c = app.store.client(id).unwrap().unwrap();
    assert!(
        c.notes.ends_with("Room 5, Tower A\nBuilding dept: yes\nd"),
        "{:?}",
        c.notes
    );
    assert_eq!(c.contacts.len(), contacts);
}

#[test]
fn a_problem_found_on_save_points_at_its_field() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Contacts;
    act(&mut app, Action::Add);
    typ(&mut app, "Li Wei");
    act(&mut app, Action::NextField);
    act(&mut app, Action::NextField); // e-mail
    typ(&mut app, "li at example");
    act(&mut app, Action::NextField); // phone
    act(&mut app, Action::Submit);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("form stays open")
    };
    assert_eq!(form.fields[form.focus].key, "email");
    assert!(
        form.fields[form.focus]
            .error
            .as_deref()
            .unwrap()
            .contains("e-mail address")
    );
}

#[test]
fn too_many_risks_are_refused_not_cut() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Timeline;
    act(&mut app, Action::Add);
    choose_stage(&mut app, mlps::domain::model::Stage::EvaluationPassed);
    act(&mut app, Action::NextField);
    act(&mut app, Action::Today);
    for _ in 0..5 {
        act(&mut app, Action::NextField); // medium_risks
    }
    typ(&mut app, "99999999999");
    act(&mut app, Action::Submit);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("form stays open")
    };
    assert_eq!(form.fields[form.focus].key, "medium_risks");
    assert!(shown_problem(form).contains("more than"), "{form:?}");
}

#[test]
fn saving_an_unchanged_form_adds_no_undo_step() {
    let (_dir, mut app) = demo_app();
    let steps = app.undo.len();
    act(&mut app, Action::Edit);
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.undo.len(), steps);
    assert!(app.status.as_ref().unwrap().text.contains("no changes"));
}

#[test]
fn undo_walks_back_network_adds_and_deletes() {
    let (_dir, mut app) = demo_app();
    let client = app.selected_client().unwrap().id;
    let count = |app: &App| app.networks.get(&client).map_or(0, Vec::len);
    let before = count(&app);
    app.focus = Pane::Networks;
    act(&mut app, Action::Add);
    typ(&mut app, "Payroll 工资系统");
    act(&mut app, Action::Submit);
    assert_eq!(count(&app), before + 1);
    let added = app.selected_network().unwrap().id;
    assert_eq!(app.selected_network().unwrap().name, "Payroll 工资系统");
    // Delete another network, then undo both steps in turn.
    act(&mut app, Action::Top);
    let other = app.selected_network().unwrap().clone();
    assert_ne!(other.id, added);
    act(&mut app, Action::Delete);
    act(&mut app, Action::Submit);
    assert_eq!(count(&app), before);
    assert!(app.store.network(other.id).unwrap().is_none());
    act(&mut app, Action::Undo);
    assert_eq!(count(&app), before + 1);
    assert_eq!(app.network(other.id).map(|n| &n.name), Some(&other.name));
    assert!(app.grade_of(other.id).is_some());
    act(&mut app, Action::Undo);
    assert_eq!(count(&app), before);
    assert!(app.network(added).is_none() && app.store.network(added).unwrap().is_none());
    // The search index follows: the undone network is not found.
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "gongzi");
    let Mode::Fuzzy { hits, .. } = &app.mode else {
        panic!()
    };
    assert!(
        hits.iter().all(|h| !h.label.contains("工资系统")),
        "{hits:?}"
    );
}

/// A case manager on a store another session (Bob) writes to as well.
fn shared_app() -> (tempfile::TempDir, Session, std::sync::Arc<SledStore>) {
    let (dir, store) = demo_store(5, 1);
    let store = std::sync::Arc::new(store);
    let app = support::app(store.clone());
    (dir, app, store)
}

/// A key as the terminal sends it, through the keymap's dispatch.
fn press(app: &mut Session, c: char) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let msg = mlps::tui::key_to_msg(app, &key).expect("the key means something here");
    app.send(msg);
}

fn bob() -> Actor {
    Actor {
        uid: 4242,
        user: "bob".into(),
    }
}

/// Bob sets the selected network's PI subjects behind the app's back.
fn bob_sets_pi(store: &SledStore, id: NetworkId, value: u64) {
    let mut n = store.network(id).unwrap().unwrap();
    n.answers.pi_subjects = Some(value);
    store.acting(&bob()).update_network(n).unwrap();
}

fn edit_pi(app: &mut Session, value: &str) {
    select_answer(app, QuestionId::PiSubjects);
    act(app, Action::Edit);
    assert!(matches!(app.mode, Mode::Form { .. }));
    act(app, Action::ClearField);
    typ(app, value);
}

#[test]
fn a_colliding_edit_says_who_and_can_overwrite() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    edit_pi(&mut app, "777");
    // Bob saves while the form is open, and his change shows up live.
    bob_sets_pi(&store, id, 123_456);
    app.send(Msg::Change(Change::Records {
        clients: vec![],
        networks: vec![id],
    }));
    assert!(matches!(app.mode, Mode::Form { .. }), "the edit stays open");
    act(&mut app, Action::Submit);
    let Mode::Conflict { message, .. } = &app.mode else {
        panic!("{:?}", app.mode);
    };
    assert!(
        message.contains("changed while you were editing"),
        "{message}"
    );
    assert!(message.contains("by bob at "), "{message}");
    assert!(message.contains("answers.pi_subjects"), "{message}");
    assert!(message.contains("→ 123456"), "{message}");
    assert_eq!(
        store.network(id).unwrap().unwrap().answers.pi_subjects,
        Some(123_456),
        "nothing written yet"
    );
    // Esc goes back to the edit, untouched; saving again asks again.
    act(&mut app, Action::Cancel);
    assert!(matches!(app.mode, Mode::Form { .. }));
    act(&mut app, Action::Submit);
    assert!(matches!(app.mode, Mode::Conflict { .. }));
    press(&mut app, 'o');
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    let saved = store.network(id).unwrap().unwrap();
    assert_eq!(saved.answers.pi_subjects, Some(777));
    let last = store.log(&LogQuery::of_network(id).newest(1)).unwrap();
    assert_eq!(last[0].user, Actor::current().user);
    assert_eq!(last[0].changes()[0].before.as_deref(), Some("123456"));
}

#[test]
fn a_refused_save_can_reload_theirs() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    edit_pi(&mut app, "777");
    // Bob's change has not reached this session yet: the store refuses.
    bob_sets_pi(&store, id, 55);
    act(&mut app, Action::Submit);
    let Mode::Conflict { message, .. } = &app.mode else {
        panic!("{:?}", app.mode);
    };
    assert!(message.contains("by bob at "), "{message}");
    press(&mut app, 'r');
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(app.network(id).unwrap().answers.pi_subjects, Some(55));
    assert_eq!(
        store.network(id).unwrap().unwrap().answers.pi_subjects,
        Some(55)
    );
    assert!(app.status.as_ref().unwrap().text.contains("reloaded"));
}

#[test]
fn a_networks_history_says_who_changed_what_and_when() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    bob_sets_pi(&store, id, 5);
    app.send(Msg::Change(Change::Records {
        clients: vec![],
        networks: vec![id],
    }));
    edit_pi(&mut app, "250000");
    act(&mut app, Action::Submit);
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    app.focus = Pane::Networks;
    act(&mut app, Action::History);
    let Mode::History { title, lines, .. } = &app.mode else {
        panic!("{:?}", app.mode);
    };
    assert!(title.contains(&app.network(id).unwrap().name), "{title}");
    let me = Actor::current().user;
    // Newest first: this session's edit, then Bob's.
    assert!(
        lines[0].contains(&format!("{me}  updated network")),
        "{lines:?}"
    );
    assert_eq!(lines[1].trim(), "PI subjects 个人信息主体数量: 5 → 250000");
    assert!(lines[2].contains("bob  updated network"), "{lines:?}");
    act(&mut app, Action::Cancel);
    assert!(matches!(app.mode, Mode::Normal));
}

#[test]
fn undo_never_reverts_someone_elses_later_change() {
    let (_dir, mut app, store) = shared_app();
    app.lang = mlps::domain::labels::Lang::En;
    let id = app.selected_network().unwrap().id;
    edit_pi(&mut app, "777");
    act(&mut app, Action::Submit);
    assert!(matches!(app.mode, Mode::Normal));
    // Bob changes the network after this session's edit.
    bob_sets_pi(&store, id, 42);
    act(&mut app, Action::Undo);
    // Bob changed the one field the edit changed: nothing is left to undo.
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Info, "{status:?}");
    assert!(status.text.contains("nothing undone"), "{}", status.text);
    assert!(
        status
            .text
            .contains("kept bob's later change to answers.pi_subjects"),
        "{}",
        status.text
    );
    assert_eq!(
        store.network(id).unwrap().unwrap().answers.pi_subjects,
        Some(42)
    );
    assert_eq!(app.network(id).unwrap().answers.pi_subjects, Some(42));
}

#[test]
fn undoing_an_added_client_spares_what_others_added_to_it() {
    let (_dir, mut app, store) = shared_app();
    act(&mut app, Action::Add);
    typ(&mut app, "Undotest Ltd");
    act(&mut app, Action::Submit);
    let id = app.selected_client().unwrap().id;
    assert_eq!(app.selected_client().unwrap().name, "Undotest Ltd");
    // Bob adds a network to the new client.
    let network = store.networks().unwrap()[0].clone();
    let mut theirs = network.clone();
    theirs.client = id;
    theirs.name = "Bob's network".into();
    store.acting(&bob()).create_network(theirs).unwrap();
    act(&mut app, Action::Undo);
    assert!(
        app.status.as_ref().unwrap().text.contains("Bob's network"),
        "{:?}",
        app.status
    );
    assert!(store.client(id).unwrap().is_some());
    assert_eq!(store.networks_of(id).unwrap().len(), 1);
}

#[test]
fn a_delete_based_on_an_old_revision_is_refused() {
    let (_dir, mut app, store) = shared_app();
    app.focus = Pane::Networks;
    let id = app.selected_network().unwrap().id;
    bob_sets_pi(&store, id, 9);
    act(&mut app, Action::Delete);
    assert!(matches!(app.mode, Mode::Confirm { .. }));
    act(&mut app, Action::Submit);
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("changed by bob"), "{}", status.text);
    assert!(store.network(id).unwrap().is_some());
}

/// Bob changes a network behind the app's back.
fn bob_edits(store: &SledStore, id: NetworkId, change: impl FnOnce(&mut Network)) {
    let mut n = store.network(id).unwrap().unwrap();
    change(&mut n);
    store.acting(&bob()).update_network(n).unwrap();
}

/// Tells the app that the network changed, as the daemon would.
fn arrives(app: &mut Session, id: NetworkId) {
    app.send(Msg::Change(Change::Records {
        clients: vec![],
        networks: vec![id],
    }));
}

/// Opens the selected network's edit form, focused on `key`.
fn edit_network_field(app: &mut Session, key: &str) {
    app.focus = Pane::Networks;
    act(app, Action::Edit);
    for _ in 0..3 {
        let Mode::Form { form, .. } = &app.mode else {
            panic!("{:?}", app.mode);
        };
        if form.fields[form.focus].key == key {
            return;
        }
        act(app, Action::NextField);
    }
    panic!("no field {key}");
}

/// Chooses another filed level in the open form; returns it.
fn choose_another_level(app: &mut Session, was: Option<Level>) -> Level {
    loop {
        act(app, Action::Right);
        let Mode::Form { form, .. } = &app.mode else {
            panic!("{:?}", app.mode);
        };
        let chosen = form
            .field("filed_level")
            .as_choice()
            .and_then(|l| l.parse().ok())
            .and_then(Level::new);
        if let Some(level) = chosen.filter(|l| Some(*l) != was) {
            return level;
        }
    }
}

/// A level other than `was` (and other than `also`).
fn other_level(was: Option<Level>, also: Option<Level>) -> Level {
    (1..=5)
        .filter_map(Level::new)
        .find(|l| Some(*l) != was && Some(*l) != also)
        .unwrap()
}

#[test]
fn overwrite_keeps_their_change_to_a_field_this_edit_left_alone() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    let before = app.network(id).unwrap().clone();
    edit_network_field(&mut app, "filed_level");
    let level = choose_another_level(&mut app, before.filed_level);
    // Bob adds a sentence to the notes; his change has not arrived here.
    let notes = format!("{} Bob's sentence.", before.notes)
        .trim()
        .to_string();
    bob_edits(&store, id, |n| n.notes = notes.clone());
    act(&mut app, Action::Submit);
    let Mode::Conflict { message, .. } = app.mode.clone() else {
        panic!("{:?}", app.mode);
    };
    press(&mut app, 'o');
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    let saved = store.network(id).unwrap().unwrap();
    assert_eq!(saved.notes, notes, "Bob's sentence is kept");
    assert_eq!(saved.filed_level, Some(level), "and this edit is saved");
    // The write changed the level alone: the log shows no revert.
    let last = store.log(&LogQuery::of_network(id).newest(1)).unwrap();
    let fields: Vec<String> = last[0].changes().into_iter().map(|c| c.field).collect();
    assert_eq!(fields, ["filed_level"]);
    // The dialog said who changed what, and that it would be kept.
    assert!(message.contains("by bob at "), "{message}");
    assert!(message.contains("Bob's sentence."), "{message}");
    assert!(message.contains("notes are kept"), "{message}");
    assert!(
        !message.contains("theirs:"),
        "nothing both changed: {message}"
    );
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Saved, "{status:?}");
    assert!(status.text.contains("notes"), "{status:?}");
}

#[test]
fn overwrite_of_a_field_both_changed_lists_it_and_takes_yours_alone() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    let before = app.network(id).unwrap().clone();
    edit_network_field(&mut app, "notes");
    typ(&mut app, " My sentence.");
    // Bob rewrites the notes and files another level; his change arrives
    // while the form is open.
    let bobs_level = other_level(before.filed_level, None);
    bob_edits(&store, id, |n| {
        n.notes = "Bob's notes".into();
        n.filed_level = Some(bobs_level);
    });
    arrives(&mut app, id);
    act(&mut app, Action::Submit);
    let Mode::Conflict { message, .. } = app.mode.clone() else {
        panic!("{:?}", app.mode);
    };
    assert!(message.contains("You both changed"), "{message}");
    assert!(message.contains("theirs: \"Bob's notes\""), "{message}");
    assert!(message.contains("yours: \""), "{message}");
    assert!(message.contains("My sentence.\""), "{message}");
    assert!(message.contains("filed_level are kept"), "{message}");
    press(&mut app, 'o');
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    let saved = store.network(id).unwrap().unwrap();
    let mine = format!("{} My sentence.", before.notes).trim().to_string();
    assert_eq!(saved.notes, mine, "yours for the field both changed");
    assert_eq!(
        saved.filed_level,
        Some(bobs_level),
        "their other change kept"
    );
    assert_eq!(app.network(id).unwrap().notes, mine);
}

#[test]
fn overwrite_of_a_deleted_record_says_so_and_writes_nothing() {
    let (_dir, mut app, store) = shared_app();
    let client = app.selected_client().unwrap().id;
    let id = app.selected_network().unwrap().id;
    let count = store.networks_of(client).unwrap().len();
    edit_network_field(&mut app, "notes");
    typ(&mut app, " My sentence.");
    store.acting(&bob()).delete_network(id, None).unwrap();
    act(&mut app, Action::Submit);
    let Mode::Conflict { message, .. } = app.mode.clone() else {
        panic!("{:?}", app.mode);
    };
    assert!(message.contains("was deleted"), "{message}");
    assert!(message.contains("by bob at "), "{message}");
    press(&mut app, 'o');
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error, "{status:?}");
    assert!(status.text.contains("nothing saved"), "{status:?}");
    assert!(status.text.contains("bob deleted"), "{status:?}");
    assert!(store.network(id).unwrap().is_none());
    assert_eq!(store.networks_of(client).unwrap().len(), count - 1);
    assert!(app.network(id).is_none());
}

#[test]
fn an_edited_milestone_is_saved_over_the_same_milestone_after_one_is_added() {
    let (_dir, mut app, store) = shared_app();
    // A network with a milestone.
    let (client, id) = app
        .networks
        .values()
        .flatten()
        .find(|n| !n.milestones.is_empty())
        .map(|n| (n.client, n.id))
        .unwrap();
    app.jump_to(client, Some(id));
    let before = app.network(id).unwrap().clone();
    app.focus = Pane::Timeline;
    app.selected[Pane::Timeline.index()] = 0;
    let first = match app.timeline_rows()[0] {
        TimelineRow::Milestone(i) => i,
        other => panic!("{other:?}"),
    };
    act(&mut app, Action::Edit);
    act(&mut app, Action::NextField);
    act(&mut app, Action::NextField); // stage → date → note
    typ(&mut app, " (mine)");
    // Bob records an earlier milestone: every index moves on by one.
    let earliest = before.milestones.iter().map(|m| m.date).min().unwrap();
    let bobs = Milestone::new(Stage::QuestionnaireSent, earliest.pred_opt().unwrap());
    bob_edits(&store, id, |n| n.milestones.push(bobs.clone()));
    arrives(&mut app, id);
    act(&mut app, Action::Submit);
    assert!(matches!(app.mode, Mode::Conflict { .. }), "{:?}", app.mode);
    press(&mut app, 'o');
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    let saved = store.network(id).unwrap().unwrap();
    assert_eq!(saved.milestones.len(), before.milestones.len() + 1);
    assert!(saved.milestones.contains(&bobs), "{:?}", saved.milestones);
    let mut edited = before.milestones[first].clone();
    edited.note = format!("{} (mine)", edited.note).trim().to_string();
    assert!(saved.milestones.contains(&edited), "{:?}", saved.milestones);
    assert!(!saved.milestones.contains(&before.milestones[first]));
}

#[test]
fn undo_reverts_only_the_fields_nobody_changed_since() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    let before = app.network(id).unwrap().clone();
    edit_pi(&mut app, "777");
    act(&mut app, Action::Submit);
    assert!(matches!(app.mode, Mode::Normal));
    // Bob changes the notes after this session's edit.
    bob_edits(&store, id, |n| n.notes = "Bob's notes".into());
    act(&mut app, Action::Undo);
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Saved, "{status:?}");
    let now = store.network(id).unwrap().unwrap();
    assert_eq!(now.answers.pi_subjects, before.answers.pi_subjects);
    assert_eq!(now.notes, "Bob's notes");
    assert_eq!(app.network(id).unwrap().notes, "Bob's notes");
}

#[test]
fn a_saved_change_replaced_by_someone_else_is_told_with_who_and_which_field() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    let name = app.network(id).unwrap().name.clone();
    edit_network_field(&mut app, "notes");
    typ(&mut app, " My sentence.");
    act(&mut app, Action::Submit);
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    // Bob changes another field: nothing of this session's was replaced.
    let level = other_level(app.network(id).unwrap().filed_level, None);
    bob_edits(&store, id, |n| n.filed_level = Some(level));
    arrives(&mut app, id);
    let status = app.status.clone().unwrap();
    assert!(!status.text.contains("replaced"), "{status:?}");
    // Bob rewrites the notes: told who and which field.
    bob_edits(&store, id, |n| n.notes = "Bob's notes".into());
    arrives(&mut app, id);
    let status = app.status.clone().unwrap();
    assert!(
        status.text.contains(&format!(
            "bob replaced your change to notes of network \"{name}\""
        )),
        "{status:?}"
    );
    // Nothing more to tell when he changes something else again.
    let level = other_level(Some(level), app.network(id).unwrap().filed_level);
    bob_edits(&store, id, |n| n.filed_level = Some(level));
    app.status = None;
    arrives(&mut app, id);
    assert!(app.status.is_none(), "{:?}", app.status);
}

#[test]
fn a_contact_edit_over_their_client_changes_keeps_them() {
    let (_dir, mut app, store) = shared_app();
    let client = app
        .clients
        .iter()
        .find(|c| c.contacts.len() >= 2)
        .unwrap()
        .clone();
    app.jump_to(client.id, None);
    app.focus = Pane::Contacts;
    app.selected[Pane::Contacts.index()] = 0;
    act(&mut app, Action::Edit);
    act(&mut app, Action::NextField); // name → role
    act(&mut app, Action::ClearField);
    typ(&mut app, "Chief Information Officer");
    // Bob edits the client's notes and its second contact.
    let mut theirs = store.client(client.id).unwrap().unwrap();
    theirs.notes = "Bob's client notes".into();
    theirs.contacts[1].phone = "+86 21 5555 0199".into();
    store.acting(&bob()).update_client(theirs.clone()).unwrap();
    act(&mut app, Action::Submit);
    let Mode::Conflict { message, .. } = app.mode.clone() else {
        panic!("{:?}", app.mode);
    };
    assert!(message.contains("notes, contacts are kept"), "{message}");
    press(&mut app, 'o');
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    let saved = store.client(client.id).unwrap().unwrap();
    assert_eq!(saved.notes, "Bob's client notes");
    assert_eq!(saved.contacts[1], theirs.contacts[1]);
    assert_eq!(saved.contacts[0].role, "Chief Information Officer");
    assert_eq!(saved.contacts[0].name, client.contacts[0].name);
}

#[test]
fn a_field_the_form_left_alone_is_saved_as_stored() {
    let (_dir, mut app, store) = shared_app();
    let id = app.selected_network().unwrap().id;
    // Notes the form shows with ` / ` for line breaks, holding a ` / ` of
    // their own.
    bob_edits(&store, id, |n| {
        n.notes = "Uses TCP / IP.\nTwo sites.".into()
    });
    arrives(&mut app, id);
    let was = app.network(id).unwrap().filed_level;
    edit_network_field(&mut app, "filed_level");
    let level = choose_another_level(&mut app, was);
    act(&mut app, Action::Submit);
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    let saved = store.network(id).unwrap().unwrap();
    assert_eq!(saved.filed_level, Some(level));
    assert_eq!(saved.notes, "Uses TCP / IP.\nTwo sites.");
}

/// The case manager reads networks and jump hits through a thread: the
/// first frame does not wait for them, and what arrives is what reading
/// at once gives.
#[test]
fn networks_and_jump_hits_arrive_from_the_reader() {
    let (_dir, store) = demo_store(30, 1);
    let config = Config::default();
    let store = std::sync::Arc::new(store);
    let mut at_once = support::app(store.clone());
    let reads = mlps::tui::reads::Reads::spawn(store.clone());
    let mut app = Session::open(store, config, Keymap::defaults(), today(), reads).unwrap();
    let settle = |app: &mut Session| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while app.reading() {
            assert!(std::time::Instant::now() < deadline, "the reads never came");
            app.await_reads(std::time::Duration::from_millis(50));
        }
    };
    settle(&mut app);
    act(&mut at_once, Action::Down);
    act(&mut app, Action::Down);
    settle(&mut app);
    assert!(app.selected_network().is_some());
    assert_eq!(
        app.selected_network().map(|n| n.id),
        at_once.selected_network().map(|n| n.id)
    );
    for a in [&mut at_once, &mut app] {
        act(a, Action::FuzzyJump);
        typ(a, "shzx");
    }
    assert!(!app.search_ready, "the hits are on their way");
    settle(&mut app);
    let (Mode::Fuzzy { hits: expected, .. }, Mode::Fuzzy { hits, .. }) = (&at_once.mode, &app.mode)
    else {
        panic!("both jumps are open");
    };
    assert!(!expected.is_empty());
    assert_eq!(hits, expected);
    // A jump to a network of a client not read yet selects it once read.
    let far = expected
        .iter()
        .position(|h| matches!(h.target, mlps::domain::search::Target::Network(_)));
    let at = far.expect("a network among the hits");
    {
        let hit = expected[at].clone();
        for _ in 0..at {
            act(&mut app, Action::Down);
        }
        act(&mut app, Action::Submit);
        settle(&mut app);
        let mlps::domain::search::Target::Network(id) = hit.target else {
            unreachable!()
        };
        assert_eq!(app.selected_network().map(|n| n.id), Some(id));
    }
}

#[test]
fn the_report_command_writes_the_selected_networks_report_and_says_where() {
    let (dir, mut app) = demo_app();
    app.focus = Pane::Networks;
    let network = app.selected_network().unwrap().clone();
    let out = dir.path().join("reports");
    std::fs::create_dir(&out).unwrap();
    act(&mut app, Action::Command);
    typ(&mut app, &format!("report html {}", out.display()));
    act(&mut app, Action::Submit);
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Saved, "{}", status.text);
    let path = out.join(mlps::formats::report::file_name(
        &network,
        mlps::formats::report::ReportFormat::Html,
    ));
    assert!(
        status.text.contains(&path.display().to_string()),
        "{}",
        status.text
    );
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(&network.name));
    // A folder with a space in its name, Markdown by default.
    let spaced = dir.path().join("my reports");
    std::fs::create_dir(&spaced).unwrap();
    act(&mut app, Action::Command);
    typ(&mut app, &format!("report {}", spaced.display()));
    act(&mut app, Action::Submit);
    assert_eq!(app.status.as_ref().unwrap().kind, StatusKind::Saved);
    assert!(
        spaced
            .join(mlps::formats::report::file_name(
                &network,
                mlps::formats::report::ReportFormat::Markdown
            ))
            .is_file()
    );
    // Nowhere to write: said, nothing else happens.
    act(&mut app, Action::Command);
    typ(
        &mut app,
        &format!("report {}", dir.path().join("missing").display()),
    );
    act(&mut app, Action::Submit);
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Error, "{}", status.text);
    assert!(
        status.text.contains("could not write the report"),
        "{}",
        status.text
    );
}

/// Steps the open milestone form's stage (which starts at the stage the
/// case expects next) to `stage`.
fn choose_stage(app: &mut Session, stage: mlps::domain::model::Stage) {
    for _ in 0..mlps::domain::model::Stage::ALL.len() {
        let Mode::Form { form, .. } = &app.mode else {
            panic!("{:?}", app.mode)
        };
        if form.field("stage").as_choice() == Some(stage.as_str()) {
            return;
        }
        act(app, Action::Right);
    }
    panic!("no stage {stage}");
}

/// Opens the new-milestone form on the selected network and records
/// `stage` (by its place in the list) today, with the level field as
/// `level_steps` steps from empty.
fn record_milestone(app: &mut Session, stage: mlps::domain::model::Stage, level_steps: usize) {
    app.focus = Pane::Timeline;
    act(app, Action::Add);
    choose_stage(app, stage);
    act(app, Action::NextField);
    act(app, Action::Today);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    // The fields the stage shows (the others are skipped).
    let level_at = form
        .fields
        .iter()
        .filter(|f| !f.hidden)
        .position(|f| f.key == "level")
        .unwrap();
    for _ in 1..level_at {
        act(app, Action::NextField);
    }
    for _ in 0..level_steps {
        act(app, Action::Right);
    }
    act(app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
}

#[test]
fn a_filing_records_the_level_and_the_filed_level_follows_it() {
    use mlps::domain::model::{Level, Stage};
    let (_dir, mut app) = demo_app();
    // A network not filed yet.
    let (client, id) = app
        .networks
        .values()
        .flatten()
        .find(|n| n.filed_level.is_none() && n.milestones.iter().all(|m| !m.stage.is_filing()))
        .map(|n| (n.client, n.id))
        .unwrap();
    app.jump_to(client, Some(id));
    let computed = app.grade_of(id).unwrap().level;
    // Left empty, the filing takes the computed level, and files it.
    record_milestone(&mut app, Stage::FilingSubmitted, 0);
    let n = app.store.network(id).unwrap().unwrap();
    assert_eq!(n.filed_level, Some(computed));
    assert_eq!(
        n.last(Stage::FilingSubmitted).unwrap().level,
        Some(computed)
    );
    // The certificate confirms a level chosen in the form (level 4 is
    // four steps from empty); the filed level follows the latest filing.
    record_milestone(&mut app, Stage::CertificateIssued, 4);
    let n = app.store.network(id).unwrap().unwrap();
    assert_eq!(n.filed_level, Some(Level::L4));
    assert_eq!(
        n.last(Stage::CertificateIssued).unwrap().level,
        Some(Level::L4)
    );
    // The network form refuses a filed level that contradicts the filing.
    app.focus = Pane::Networks;
    act(&mut app, Action::Edit);
    act(&mut app, Action::NextField);
    act(&mut app, Action::NextField);
    act(&mut app, Action::Left);
    act(&mut app, Action::Submit);
    let Mode::Form { form, .. } = &app.mode else {
        panic!("the form stays open: {:?}", app.mode)
    };
    let error = shown_problem(form);
    assert!(error.contains("follows the latest filing"), "{error}");
    act(&mut app, Action::Cancel);
    assert_eq!(
        app.store.network(id).unwrap().unwrap().filed_level,
        Some(Level::L4)
    );
}

#[test]
fn the_command_line_runs_what_its_table_lists() {
    use mlps::tui::commands::{COMMANDS, find};
    let (_dir, mut app) = demo_app();
    // Every name and alias finds its command; nothing else does.
    for c in COMMANDS {
        assert_eq!(find(c.name).map(|f| f.name), Some(c.name));
        for alias in c.aliases {
            assert_eq!(find(alias).map(|f| f.name), Some(c.name), "{alias}");
        }
    }
    assert!(find("frobnicate").is_none());
    let run = |app: &mut Session, line: &str| {
        act(app, Action::Command);
        typ(app, line);
        act(app, Action::Submit);
    };
    run(&mut app, "renewals");
    assert!(matches!(app.mode, Mode::Agenda { .. }), "{:?}", app.mode);
    act(&mut app, Action::Cancel);
    run(&mut app, "help");
    assert!(matches!(app.mode, Mode::Help { .. }));
    act(&mut app, Action::Cancel);
    run(&mut app, "frobnicate");
    let status = app.status.clone().unwrap();
    for c in COMMANDS {
        assert!(
            status.text.contains(&c.usage()),
            "{}: {}",
            c.name,
            status.text
        );
    }
    run(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn triage_ranks_the_cases_and_enter_shows_the_row_concerned() {
    use mlps::domain::triage::{Place, Tier};
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Triage);
    let Mode::Triage { rows, selected, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(*selected, 0);
    assert!(rows.len() > 10, "{} rows", rows.len());
    // Ranked: no row is more urgent than the one above it.
    for pair in rows.windows(2) {
        assert!(
            pair[0].first().urgency() <= pair[1].first().urgency(),
            "{:?} before {:?}",
            pair[0].first(),
            pair[1].first()
        );
    }
    assert_eq!(rows[0].first().tier, Tier::Overdue);
    // The third case: its network, on the derived date it is about.
    let third = rows[2].clone();
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.selected_network().map(|n| n.id), Some(third.network_id));
    let Place::Deadline { kind, due } = third.first().place else {
        panic!("{:?}", third.first())
    };
    assert_eq!(app.focus, Pane::Timeline);
    let n = app.selected_network().unwrap().clone();
    let t = app.timeline_of(&n);
    let row = app.timeline_rows()[app.selected[Pane::Timeline.index()]];
    let TimelineRow::Deadline(k) = row else {
        panic!("{row:?}")
    };
    assert_eq!((t.deadlines[k].kind, t.deadlines[k].due), (kind, due));
    // The header says what the case needs.
    let reasons = app.reasons_of(&n);
    assert_eq!(reasons[0].action, third.first().action);
    // Back in triage, on the same row; the sort keeps it selected.
    act(&mut app, Action::Triage);
    let Mode::Triage { rows, selected, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(rows[*selected].network_id, third.network_id);
    for _ in 0..3 {
        act(&mut app, Action::Sort);
        let Mode::Triage { rows, selected, .. } = &app.mode else {
            panic!("{:?}", app.mode)
        };
        assert_eq!(rows[*selected].network_id, third.network_id);
    }
    let Mode::Triage { rows, sort, .. } = &app.mode else {
        panic!()
    };
    assert_eq!(*sort, mlps::domain::triage::SortBy::Level);
    let most = |r: &mlps::domain::triage::TriageRow| r.level.max(r.max_level.unwrap_or(0));
    assert!(rows.windows(2).all(|p| most(&p[0]) >= most(&p[1])));
}

#[test]
fn the_agenda_keeps_its_row_after_a_jump() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Agenda);
    for _ in 0..15 {
        act(&mut app, Action::Down);
    }
    let Mode::Agenda { rows, selected } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    let was = rows[*selected].clone();
    act(&mut app, Action::Submit);
    assert_eq!(app.selected_network().map(|n| n.id), Some(was.network_id));
    act(&mut app, Action::Agenda);
    let Mode::Agenda { rows, selected } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(rows[*selected], was);
}

/// The demo with its gap lists, in a case manager on the networks pane
/// at the first of the first client's networks that has findings.
fn demo_with_gaps() -> (tempfile::TempDir, Session) {
    use mlps::store::CaseStore;
    let (dir, store) = support::fresh_store();
    let doc = mlps::demo::generate(30, 1, today());
    let settings = mlps::domain::settings::Settings::default();
    store
        .import(mlps::demo::records(&doc, today(), 1, &settings).unwrap())
        .unwrap();
    let with_gaps: std::collections::BTreeSet<_> = store
        .all_findings()
        .unwrap()
        .into_iter()
        .map(|f| f.network)
        .collect();
    let mut app = support::app(std::sync::Arc::new(store));
    app.focus = Pane::Networks;
    let i = app
        .visible_networks()
        .iter()
        .position(|n| with_gaps.contains(&n.id))
        .expect("a network of the first client has a gap list");
    app.selected[Pane::Networks.index()] = i;
    (dir, app)
}

/// Deleting a network and undoing it puts its gap list back; so does
/// deleting its client.
#[test]
fn undoing_a_delete_puts_the_gap_list_back() {
    let (_dir, mut app) = demo_with_gaps();
    let network = app.selected_network().unwrap().clone();
    let gaps = |app: &Session| {
        let mut found: Vec<_> = app
            .store
            .findings_of(network.id)
            .unwrap()
            .into_iter()
            .map(|f| {
                (
                    f.finding.control_point,
                    f.finding.description,
                    f.finding.status,
                )
            })
            .collect();
        found.sort();
        found
    };
    let before = gaps(&app);
    assert!(!before.is_empty());
    act(&mut app, Action::Delete);
    act(&mut app, Action::Submit);
    assert!(app.store.network(network.id).unwrap().is_none());
    assert!(gaps(&app).is_empty(), "the findings go with their network");
    act(&mut app, Action::Undo);
    assert!(app.store.network(network.id).unwrap().is_some());
    assert_eq!(gaps(&app), before);
    // The whole client, then undo.
    app.focus = Pane::Clients;
    act(&mut app, Action::Delete);
    act(&mut app, Action::Submit);
    assert!(app.store.network(network.id).unwrap().is_none());
    act(&mut app, Action::Undo);
    assert_eq!(gaps(&app), before);
}

/// The case manager's report of a network with a gap list carries its
/// rectification plan, as `mlps report` does: the findings come from the
/// store when the report is written, not from what the screen has read.
#[test]
fn the_report_of_a_network_with_findings_has_its_rectification_plan() {
    let (dir, mut app) = demo_with_gaps();
    let network = app.selected_network().unwrap().clone();
    act(&mut app, Action::Command);
    typ(&mut app, &format!("report {}", dir.path().display()));
    act(&mut app, Action::Submit);
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Saved, "{}", status.text);
    let path = dir.path().join(mlps::formats::report::file_name(
        &network,
        mlps::formats::report::ReportFormat::Markdown,
    ));
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.contains("整改计划 Rectification plan"), "{page}");
}

/// Selecting a network reads its findings once, so the header's reasons
/// weigh its gap list without its Gaps view being opened.
#[test]
fn the_header_has_a_networks_findings_without_opening_its_gap_view() {
    let (_dir, mut app) = demo_with_gaps();
    let n = app.selected_network().unwrap().id;
    assert!(!app.findings.contains_key(&n));
    // The next message works out what the selection needs.
    app.send(Msg::Idle);
    let stored = app.store.findings_of(n).unwrap();
    assert!(!stored.is_empty());
    assert_eq!(app.findings.get(&n), Some(&stored));
}
