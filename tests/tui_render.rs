//! Render tests: every pane and overlay drawn into a `TestBackend` and
//! compared with its snapshot, at 80x24 and wider.

use chrono::NaiveDate;
use mlps::config::Config;
use mlps::domain::questionnaire::QuestionId;
use mlps::interchange;
use mlps::store::{CaseStore, SledStore};
use mlps::tui::Action;
use mlps::tui::app::{App, Msg, Pane, update};
use mlps::tui::edit::AnswerRow;
use mlps::tui::keymap::Keymap;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_app() -> (tempfile::TempDir, App) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let store = SledStore::open(dir.path(), config.clone()).unwrap();
    let doc = mlps::demo::generate(30, 1, today);
    store
        .import(interchange::to_records("demo", &doc).unwrap())
        .unwrap();
    let app = App::new(Box::new(store), config, Keymap::defaults(), today).unwrap();
    (dir, app)
}

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    terminal.backend().to_string()
}

fn act(app: &mut App, a: Action) {
    update(app, Msg::Action(a));
}

fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Msg::Char(c));
    }
}

/// Selects the Shanghai Center client and its first network.
fn chinese_client(app: &mut App) {
    act(app, Action::FuzzyJump);
    typ(app, "shzx");
    act(app, Action::Submit);
    app.focus = Pane::Networks;
}

#[test]
fn main_view_at_80x24() {
    let (_dir, app) = demo_app();
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn main_view_with_a_chinese_client_wide() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    insta::assert_snapshot!(draw(&app, 140, 40));
}

#[test]
fn chinese_client_at_80x24() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    app.focus = Pane::Answers;
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn timeline_focused() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    app.focus = Pane::Timeline;
    act(&mut app, Action::Down);
    insta::assert_snapshot!(draw(&app, 120, 32));
}

#[test]
fn agenda() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Agenda);
    insta::assert_snapshot!(draw(&app, 120, 30));
}

#[test]
fn help_overlay() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Help);
    insta::assert_snapshot!(draw(&app, 100, 60));
}

#[test]
fn fuzzy_jump_with_highlights() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "yinhang");
    insta::assert_snapshot!(draw(&app, 100, 24));
}

#[test]
fn answer_form() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(QuestionId::DataCategories))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
    act(&mut app, Action::Edit);
    insta::assert_snapshot!(draw(&app, 100, 24));
}

#[test]
fn milestone_form_with_an_error() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Timeline;
    act(&mut app, Action::Add);
    act(&mut app, Action::NextField);
    typ(&mut app, "2026-02-30");
    insta::assert_snapshot!(draw(&app, 80, 30));
}

#[test]
fn delete_confirmation() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Delete);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn hostile_names_are_shown_escaped() {
    let (_dir, mut app) = demo_app();
    let mut c = app.selected_client().unwrap().clone();
    // Control characters are stripped on entry; bidi overrides stay data
    // and are shown escaped, never interpreted.
    c.name = "Evil\u{202e}Corp\x1b]0;pwned\x07 Ltd".into();
    let saved = app.store.update_client(c).unwrap();
    assert!(!saved.name.contains('\x1b'));
    app.reload().unwrap();
    app.jump_to(saved.id, None);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Evil\\u{202e}Corp]0;pwne"), "{screen}");
    assert!(!screen.contains('\u{202e}') && !screen.contains('\x1b') && !screen.contains('\x07'));
}

#[test]
fn no_color_draws_without_colour() {
    use ratatui::style::Color;
    let (_dir, mut app) = demo_app();
    let coloured = |app: &App| {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
        terminal
            .backend()
            .buffer()
            .content
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    // The agenda has overdue rows, drawn red when colour is on.
    act(&mut app, Action::Agenda);
    assert!(coloured(&app) > 0);
    app.color = false;
    assert_eq!(coloured(&app), 0);
}

#[test]
fn conflict_dialog() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(QuestionId::PiSubjects))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
    act(&mut app, Action::Edit);
    let mlps::tui::app::Mode::Form { form, target } =
        std::mem::replace(&mut app.mode, mlps::tui::app::Mode::Normal)
    else {
        panic!("the form opens");
    };
    // The dialog as the store's log would fill it; a hostile user name
    // is shown escaped.
    app.mode = mlps::tui::app::Mode::Conflict {
        form,
        target,
        message: "Network \"CRM\" was changed while you were editing it:\n  by \
                  bob\u{1b}[31m at 2026-11-28 14:32:05\n    answers.pi_subjects: 11500 → 250000"
            .into(),
    };
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn history_overlay() {
    let (_dir, mut app) = demo_app();
    app.mode = mlps::tui::app::Mode::History {
        title: "History of network \"CRM\"".into(),
        lines: vec![
            "2026-11-28 14:40:01  alice  updated network \"CRM\" of Acme".into(),
            "    answers.pi_subjects: 11500 → 250000".into(),
            "2026-11-28 14:32:05  bob  updated network \"CRM\" of Acme".into(),
            "    notes: \"\" → \"客户 asked for 等保 level 3\"".into(),
        ],
        scroll: 0,
    };
    insta::assert_snapshot!(draw(&app, 100, 30));
}
