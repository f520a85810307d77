//! Questionnaire mode, the flag-set editor and the milestone form, driven
//! by messages alone: each test checks the writes `update` asks for and
//! answers them by hand, as the store would.

use mlps::domain::model::{Client, ClientId, Milestone, Network, NetworkId, Stage};
use mlps::domain::questionnaire::{Answers, DataCategory, ObjectType, QuestionId, Sector};
use mlps::domain::settings::Config;
use mlps::error::{Conflict, Error};
use mlps::tui::Action;
use mlps::tui::app::{App, Mode, Msg, Pane, StatusKind, update};
use mlps::tui::edit::questionnaire::{Questionnaire, parse_count};
use mlps::tui::edit::{AnswerRow, FormTarget};
use mlps::tui::effect::{Effect, Reload, Save, Stored};
use mlps::tui::form::Version;
use mlps::tui::keymap::Keymap;
use mlps::tui::reads::{Answer, Ask};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::{self, d, today};

const ACME: ClientId = ClientId(1);
const NEW: NetworkId = NetworkId(20);

fn acme() -> Client {
    Client {
        id: ACME,
        revision: 1,
        name: "Acme Ltd".into(),
        name_zh: "阿克米".into(),
        ..Client::default()
    }
}

/// A network with every answer unknown.
fn blank() -> Network {
    Network {
        id: NEW,
        client: ACME,
        revision: 1,
        name: "Portal".into(),
        notes: String::new(),
        answers: Answers::default(),
        overrides: Default::default(),
        filed_level: None,
        milestones: Vec::new(),
    }
}

fn app_with(network: Network) -> App {
    let mut app = App::new(Config::default(), Keymap::defaults(), today());
    let asked = update(&mut app, Msg::Clients(Ok(vec![acme()]), Reload::Quiet));
    assert_eq!(asked, vec![Effect::Read(Ask::Networks(ACME))]);
    update(
        &mut app,
        Msg::Read(Answer::Networks(ACME, Ok(vec![network]))),
    );
    app.focus = Pane::Networks;
    app
}

fn act(app: &mut App, a: Action) -> Vec<Effect> {
    update(app, Msg::Action(a))
}

fn key(app: &mut App, c: char) -> Vec<Effect> {
    update(app, Msg::Char(c))
}

/// Several characters; what the last asked for.
fn keys(app: &mut App, text: &str) -> Vec<Effect> {
    let mut last = Vec::new();
    for c in text.chars() {
        last = key(app, c);
    }
    last
}

fn the_save(effects: Vec<Effect>) -> Box<Save> {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::Save(save)]) => save,
        Ok(other) => panic!("not a save: {other:?}"),
        Err(effects) => panic!("not one effect: {effects:?}"),
    }
}

fn after(save: &Save) -> Network {
    match &save.after {
        Version::Network(n) => (**n).clone(),
        other => panic!("{other:?}"),
    }
}

/// The store writes the save: what the app asks for next.
fn stored(app: &mut App, save: Box<Save>) -> Vec<Effect> {
    let mut n = after(&save);
    n.revision += 1;
    update(
        app,
        Msg::Saved(save, Ok(Version::Network(Box::new(n))), None),
    )
}

fn mode(app: &App) -> &Questionnaire {
    match &app.mode {
        Mode::Questionnaire(q) => q,
        other => panic!("not in questionnaire mode: {other:?}"),
    }
}

/// The question questionnaire mode shows.
fn shown(app: &App) -> Option<QuestionId> {
    mode(app).question()
}

/// Opens questionnaire mode on a blank network, then skips to `q`.
fn at(q: QuestionId) -> App {
    let mut app = app_with(blank());
    assert_eq!(act(&mut app, Action::Questionnaire), Vec::new());
    while shown(&app) != Some(q) {
        assert_eq!(act(&mut app, Action::NextField), Vec::new());
    }
    app
}

#[test]
fn one_key_picks_a_choice_and_the_next_question_comes_once_saved() {
    let mut app = app_with(blank());
    act(&mut app, Action::Questionnaire);
    assert_eq!(mode(&app).questions.len(), 16);
    assert_eq!(shown(&app), Some(QuestionId::ObjectType));
    let save = the_save(key(&mut app, '2'));
    assert_eq!(after(&save).answers.object_type, Some(ObjectType::Website));
    assert_eq!(
        save.form,
        Some(FormTarget::Answer(NEW, QuestionId::ObjectType))
    );
    // Still on it until the store says saved.
    assert_eq!(shown(&app), Some(QuestionId::ObjectType));
    assert_eq!(stored(&mut app, save), Vec::new());
    assert_eq!(shown(&app), Some(QuestionId::Sector));
    assert_eq!(mode(&app).answered, 1);
    assert_eq!(app.status.as_ref().map(|s| s.kind), Some(StatusKind::Saved));
    assert_eq!(
        app.network(NEW).unwrap().answers.object_type,
        Some(ObjectType::Website)
    );
    // A letter picks past the ninth: sector's `d` is the 13th, other.
    let save = the_save(key(&mut app, 'd'));
    assert_eq!(after(&save).answers.sector, Some(Sector::Other));
}

#[test]
fn type_ahead_narrows_by_pinyin_initials_pinyin_chinese_and_english() {
    let mut app = at(QuestionId::Sector);
    // 金融: jr.
    assert_eq!(keys(&mut app, "jr"), Vec::new());
    let left: Vec<&str> = mode(&app).shown().iter().map(|(_, c)| c.id).collect();
    assert_eq!(left, ["finance"]);
    let save = the_save(act(&mut app, Action::Submit));
    assert_eq!(after(&save).answers.sector, Some(Sector::Finance));

    let mut app = at(QuestionId::Sector);
    // 交通运输 and 教育 both read jiao…; a digit picks among what is left.
    keys(&mut app, "jiao");
    let left: Vec<&str> = mode(&app).shown().iter().map(|(_, c)| c.id).collect();
    assert_eq!(left, ["transport", "education"]);
    let save = the_save(key(&mut app, '2'));
    assert_eq!(after(&save).answers.sector, Some(Sector::Education));

    let mut app = at(QuestionId::Sector);
    keys(&mut app, "卫生");
    let save = the_save(act(&mut app, Action::Submit));
    assert_eq!(after(&save).answers.sector, Some(Sector::Healthcare));

    // A pick letter (c is the 12th) starts type-ahead after `/`.
    let mut app = at(QuestionId::Sector);
    keys(&mut app, "/cm");
    let left: Vec<&str> = mode(&app).shown().iter().map(|(_, c)| c.id).collect();
    assert_eq!(left, ["media"], "传媒: chuanmei, cm");
    act(&mut app, Action::Down);
    let save = the_save(act(&mut app, Action::Submit));
    assert_eq!(after(&save).answers.sector, Some(Sector::Media));
}

#[test]
fn yes_and_no_take_one_key() {
    let mut app = at(QuestionId::Cii);
    let save = the_save(key(&mut app, 'y'));
    assert_eq!(after(&save).answers.cii, Some(true));
    let mut app = at(QuestionId::PublicFacing);
    let save = the_save(key(&mut app, 'n'));
    assert_eq!(after(&save).answers.public_facing, Some(false));
    let mut app = at(QuestionId::CrossBorderTransfer);
    let save = the_save(key(&mut app, '1'));
    assert_eq!(after(&save).answers.cross_border_transfer, Some(true));
    // A level by its own digit.
    let mut app = at(QuestionId::HostedMaxLevel);
    let save = the_save(key(&mut app, '3'));
    assert_eq!(after(&save).answers.hosted_max_level, Some(3));
}

#[test]
fn flags_tick_by_digit_and_by_down_and_space() {
    let mut app = at(QuestionId::DataCategories);
    assert_eq!(keys(&mut app, "12"), Vec::new());
    let save = the_save(act(&mut app, Action::Submit));
    let set = after(&save).answers.data_categories.unwrap();
    assert_eq!(
        set.into_iter().collect::<Vec<_>>(),
        [DataCategory::Business, DataCategory::Personal]
    );

    let mut app = at(QuestionId::DataCategories);
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    assert_eq!(mode(&app).flags, None, "moving ticks nothing");
    act(&mut app, Action::Toggle);
    let save = the_save(act(&mut app, Action::Submit));
    let set = after(&save).answers.data_categories.unwrap();
    assert_eq!(
        set.into_iter().collect::<Vec<_>>(),
        [DataCategory::SensitivePersonal]
    );

    // Moving alone and saving leaves the answer unknown: no write.
    let mut app = at(QuestionId::DataCategories);
    act(&mut app, Action::Down);
    assert_eq!(act(&mut app, Action::Submit), Vec::new());
    assert_eq!(shown(&app), Some(QuestionId::PiSubjects));
    assert_eq!(app.network(NEW).unwrap().answers.data_categories, None);

    // Ticked and unticked again is "none of these".
    let mut app = at(QuestionId::DataCategories);
    keys(&mut app, "11");
    let save = the_save(act(&mut app, Action::Submit));
    assert_eq!(
        after(&save).answers.data_categories,
        Some(Default::default())
    );
}

#[test]
fn counts_take_k_and_m() {
    assert_eq!(parse_count("2m"), Some(2_000_000));
    assert_eq!(parse_count("250k"), Some(250_000));
    assert_eq!(parse_count("1.5m"), Some(1_500_000));
    assert_eq!(parse_count("12 000"), Some(12_000));
    assert_eq!(parse_count("1.2345k"), None, "not a whole number");
    assert_eq!(parse_count("m"), None);
    assert_eq!(parse_count("99999999999999999999m"), None);
    let mut app = at(QuestionId::PiSubjects);
    assert_eq!(keys(&mut app, "2m"), Vec::new());
    let save = the_save(act(&mut app, Action::Submit));
    assert_eq!(after(&save).answers.pi_subjects, Some(2_000_000));
    stored(&mut app, save);
    assert_eq!(shown(&app), Some(QuestionId::SensitivePiSubjects));
    keys(&mut app, "250k");
    let save = the_save(act(&mut app, Action::Submit));
    assert_eq!(after(&save).answers.sensitive_pi_subjects, Some(250_000));
    // Not a number: said, nothing written.
    let mut app = at(QuestionId::RegisteredUsers);
    keys(&mut app, "1.2345k");
    assert_eq!(act(&mut app, Action::Submit), Vec::new());
    assert!(
        mode(&app)
            .error
            .as_deref()
            .unwrap()
            .contains("whole number")
    );
}

#[test]
fn ctrl_u_makes_unknown_tab_skips_esc_leaves() {
    let mut n = blank();
    n.answers.sector = Some(Sector::Finance);
    let mut app = app_with(n);
    act(&mut app, Action::Questionnaire);
    // Only the open questions: sector is answered.
    assert_eq!(mode(&app).questions.len(), 15);
    assert_eq!(act(&mut app, Action::NextField), Vec::new());
    assert_eq!(shown(&app), Some(QuestionId::Cii));
    assert_eq!(app.network(NEW).unwrap().answers.cii, None, "nothing saved");
    // Past the last, walk all the questions.
    while shown(&app).is_some() {
        act(&mut app, Action::NextField);
    }
    assert!(mode(&app).finished);
    key(&mut app, 'a');
    assert_eq!(mode(&app).questions.len(), 16);
    act(&mut app, Action::NextField);
    assert_eq!(shown(&app), Some(QuestionId::Sector));
    let save = the_save(act(&mut app, Action::ClearField));
    assert_eq!(after(&save).answers.sector, None);
    stored(&mut app, save);
    assert_eq!(shown(&app), Some(QuestionId::Cii));
    assert_eq!(act(&mut app, Action::Cancel), Vec::new());
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("1 answers saved")
    );
}

#[test]
fn keys_typed_while_saving_wait_their_turn() {
    let mut app = app_with(blank());
    act(&mut app, Action::Questionnaire);
    let first = the_save(key(&mut app, '1'));
    // Typed before the store answered: sector 3 (telecom), then cii yes.
    assert_eq!(key(&mut app, '3'), Vec::new());
    assert_eq!(key(&mut app, 'y'), Vec::new());
    assert_eq!(mode(&app).queued.len(), 2);
    let second = the_save(stored(&mut app, first));
    assert_eq!(after(&second).answers.sector, Some(Sector::Telecom));
    assert_eq!(
        after(&second).answers.object_type,
        Some(ObjectType::InformationSystem)
    );
    let third = the_save(stored(&mut app, second));
    assert_eq!(after(&third).answers.cii, Some(true));
    assert_eq!(stored(&mut app, third), Vec::new());
    assert_eq!(shown(&app), Some(QuestionId::DataCategories));
    assert!(mode(&app).queued.is_empty());
}

#[test]
fn a_conflict_falls_back_to_the_answer_forms_dialog() {
    let mut app = app_with(blank());
    act(&mut app, Action::Questionnaire);
    let save = the_save(key(&mut app, '1'));
    key(&mut app, '3');
    let mut theirs = blank();
    theirs.notes = "bob was here".into();
    theirs.revision = 2;
    let stored = Stored {
        version: Some(Version::Network(Box::new(theirs.clone()))),
        log: Vec::new(),
    };
    let refused = Error::Conflict(Box::new(Conflict {
        message: "network 20 was changed by someone else".into(),
        revision: 2,
        by: Some("bob".into()),
        at: None,
    }));
    update(&mut app, Msg::Saved(save, Err(refused), Some(Ok(stored))));
    let Mode::Conflict { target, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(*target, FormTarget::Answer(NEW, QuestionId::ObjectType));
    assert_eq!(app.network(NEW), Some(&theirs), "their version in view");
}

#[test]
fn a_refused_answer_is_said_and_the_question_stays() {
    let mut app = app_with(blank());
    act(&mut app, Action::Questionnaire);
    let save = the_save(key(&mut app, '1'));
    let refused = Error::input("the database is read-only");
    update(&mut app, Msg::Saved(save, Err(refused), None));
    assert_eq!(shown(&app), Some(QuestionId::ObjectType));
    assert_eq!(
        mode(&app).error.as_deref(),
        Some("the database is read-only")
    );
}

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn questionnaire_mode_at_80x24() {
    let mut app = app_with(blank());
    act(&mut app, Action::Questionnaire);
    let save = the_save(key(&mut app, '2'));
    stored(&mut app, save);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("2/16"), "{screen}");
    assert!(screen.contains("Manufacturing"), "{screen}");
    support::assert_snapshot!("questionnaire_at_80x24", screen);
    // In Chinese: the question, its choices and the hints.
    app.lang = mlps::domain::labels::Lang::Zh;
    let screen = draw(&app, 80, 24);
    for text in [
        "问卷",
        "行业类别",
        "金融",
        "网络游戏",
        "当前：",
        "未知",
        "跳过",
    ] {
        assert!(screen.contains(text), "{text}:\n{screen}");
    }
}

/// Opens the answer form of `q` on the selected network.
fn answer_form(app: &mut App, q: QuestionId) {
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(q))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
    act(app, Action::Edit);
}

fn flags_field(app: &App) -> &mlps::tui::form::Field {
    match &app.mode {
        Mode::Form { form, .. } => &form.fields[0],
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_flag_editor_moves_with_down_ticks_with_space_and_says_so() {
    let mut app = app_with(blank());
    app.lang = mlps::domain::labels::Lang::En;
    answer_form(&mut app, QuestionId::DataCategories);
    let screen = draw(&app, 100, 30);
    let hints = screen.lines().last().unwrap().to_string();
    assert!(hints.contains("Down next flag"), "{hints}");
    assert!(hints.contains("Up previous flag"), "{hints}");
    assert!(hints.contains("Space tick / untick"), "{hints}");
    assert!(
        screen.contains("(unknown until a flag is ticked"),
        "{screen}"
    );
    // Down moves; moving alone keeps the answer unknown.
    act(&mut app, Action::Down);
    assert_eq!(flags_field(&app).cursor, 1);
    assert_eq!(flags_field(&app).as_flags(), None);
    act(&mut app, Action::Up);
    act(&mut app, Action::Down);
    assert_eq!(act(&mut app, Action::Submit), Vec::new(), "nothing to save");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.network(NEW).unwrap().answers.data_categories, None);
    // Space, Down, Space: two flags (it used to save "none").
    answer_form(&mut app, QuestionId::DataCategories);
    act(&mut app, Action::Toggle);
    act(&mut app, Action::Down);
    act(&mut app, Action::Toggle);
    assert_eq!(
        flags_field(&app).as_flags(),
        Some(vec!["business", "personal"])
    );
    // Both off again: "none of these", and shown so.
    act(&mut app, Action::Toggle);
    act(&mut app, Action::Up);
    act(&mut app, Action::Toggle);
    assert_eq!(flags_field(&app).as_flags(), Some(vec![]));
    assert!(draw(&app, 100, 30).contains("(none of these"));
    let save = the_save(act(&mut app, Action::Submit));
    assert_eq!(
        after(&save).answers.data_categories,
        Some(Default::default())
    );
}

fn milestone_fields(app: &App) -> Vec<&'static str> {
    match &app.mode {
        Mode::Form { form, .. } => form
            .fields
            .iter()
            .filter(|f| !f.hidden)
            .map(|f| f.key)
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn stage_shown(app: &App) -> String {
    match &app.mode {
        Mode::Form { form, .. } => form.field("stage").as_choice().unwrap().to_string(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_new_milestone_starts_at_the_expected_stage_with_its_fields() {
    // Nothing recorded yet: the questionnaire goes out first.
    let mut app = app_with(blank());
    app.focus = Pane::Timeline;
    act(&mut app, Action::Add);
    assert_eq!(stage_shown(&app), "questionnaire_sent");
    assert_eq!(milestone_fields(&app), ["stage", "date", "note"]);

    // A level 3 case filed: the certificate is expected next.
    let mut n = blank();
    n.answers = support::answered();
    n.answers.pi_subjects = Some(2_000_000);
    for (stage, day) in [
        (Stage::QuestionnaireSent, "2026-01-05"),
        (Stage::QuestionnaireReceived, "2026-01-20"),
        (Stage::InitialAssessment, "2026-02-01"),
        (Stage::AuditFirmSelected, "2026-02-10"),
        (Stage::ExpertReview, "2026-03-01"),
    ] {
        n.milestones.push(Milestone::new(stage, d(day)));
    }
    let mut filed = Milestone::new(Stage::FilingSubmitted, d("2026-03-10"));
    filed.level = Some(support::lv(3));
    n.milestones.push(filed);
    let mut app = app_with(n);
    app.focus = Pane::Timeline;
    act(&mut app, Action::Add);
    assert_eq!(stage_shown(&app), "certificate_issued");
    assert_eq!(
        milestone_fields(&app),
        ["stage", "date", "note", "number", "level"]
    );
    // Another stage: its fields instead.
    act(&mut app, Action::Left);
    assert_eq!(stage_shown(&app), "evaluation_failed");
    assert_eq!(
        milestone_fields(&app),
        [
            "stage",
            "date",
            "note",
            "score",
            "conclusion",
            "high_risks",
            "medium_risks"
        ]
    );
    act(&mut app, Action::Left);
    act(&mut app, Action::Left);
    assert_eq!(stage_shown(&app), "rectification_done");
    assert_eq!(milestone_fields(&app), ["stage", "date", "note"]);
    // Down skips what is hidden; t still sets today.
    act(&mut app, Action::Down);
    act(&mut app, Action::Today);
    let save = the_save(act(&mut app, Action::Submit));
    let m = after(&save).milestones.last().unwrap().clone();
    assert_eq!((m.stage, m.date), (Stage::RectificationDone, today()));
}
