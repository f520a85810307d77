//! The interface language: the main view and the legend in Chinese,
//! English and both (snapshots at 80x24 and 200x50), no raw id left in
//! the panes in any language, the `L` key, and how `--lang`,
//! `config.toml`, `LC_ALL` and `LANG` decide the language of the binary.

use mlps::domain::grading::WarningId;
use mlps::domain::labels::{Lang, warning};
use mlps::domain::model::Stage;
use mlps::domain::questionnaire::QuestionId;
use mlps::tui::Action;
use mlps::tui::app::{App, Mode, Pane};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::{self, act, demo_app};

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    terminal.backend().to_string()
}

/// The screen's text alone: the snapshot's quoted rows, without the
/// notes on wide characters.
fn text(screen: &str) -> String {
    screen
        .lines()
        .map(|l| {
            l.trim_start_matches('"')
                .split('"')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The demo as it opens: Acme's CRM selected, a network with open
/// answers (one could raise its level) and the W-OPEN warning.
fn opened(lang: Lang) -> (tempfile::TempDir, mlps::tui::session::Session) {
    let (dir, mut app) = demo_app();
    app.lang = lang;
    let g = app.grade_of(app.selected_network().unwrap().id).unwrap();
    assert!(!g.open_questions.is_empty() && !g.warnings.is_empty());
    (dir, app)
}

#[test]
fn main_view_in_chinese() {
    let (_dir, app) = opened(Lang::Zh);
    support::assert_snapshot!("main_view_zh_80x24", draw(&app, 80, 24));
    support::assert_snapshot!("main_view_zh_200x50", draw(&app, 200, 50));
}

#[test]
fn main_view_in_english() {
    let (_dir, app) = opened(Lang::En);
    support::assert_snapshot!("main_view_en_80x24", draw(&app, 80, 24));
    support::assert_snapshot!("main_view_en_200x50", draw(&app, 200, 50));
}

#[test]
fn main_view_in_both() {
    let (_dir, app) = opened(Lang::Both);
    support::assert_snapshot!("main_view_both_80x24", draw(&app, 80, 24));
    support::assert_snapshot!("main_view_both_200x50", draw(&app, 200, 50));
}

#[test]
fn help_opens_on_the_legend_in_chinese() {
    let (_dir, mut app) = opened(Lang::Zh);
    act(&mut app, Action::Help);
    let screen = draw(&app, 100, 60);
    support::assert_snapshot!("help_legend_zh", screen.clone());
    let rows = text(&screen);
    // The legend comes before the keys, and explains the marks.
    let legend = rows.find("[图例]").expect("the legend");
    let keys = rows.find("[global]").expect("the keys");
    assert!(legend < keys, "{rows}");
    for mark in [
        "3!",
        "1–4?",
        "? 未答",
        "可能提级",
        "W-OPEN 问题未答",
        "S4",
        "F-CII",
    ] {
        assert!(rows.contains(mark), "{mark} not in the legend:\n{rows}");
    }
}

#[test]
fn the_legend_follows_the_language() {
    let (_dir, mut app) = opened(Lang::En);
    act(&mut app, Action::Help);
    let rows = text(&draw(&app, 100, 60));
    assert!(rows.contains("[Legend]"), "{rows}");
    assert!(rows.contains("W-OPEN open answers"), "{rows}");
    assert!(!rows.contains("图例"), "{rows}");
}

/// Each id of `ids` that stands in `screen` as a word of its own.
fn raw_ids<'a>(screen: &str, ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    ids.into_iter()
        .filter(|id| {
            screen.match_indices(id).any(|(at, _)| {
                let before = screen[..at].chars().next_back();
                let after = screen[at + id.len()..].chars().next();
                let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !word(before) && !word(after)
            })
        })
        .collect()
}

#[test]
fn no_raw_ids_in_the_panes_in_any_language() {
    let questions: Vec<&str> = QuestionId::ALL
        .iter()
        .map(|q| q.as_str())
        // A one-word id (`sector`, `cii`, `deployment`) is also an English
        // word; the ids with an underscore are what must not show.
        .filter(|q| q.contains('_'))
        .collect();
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    for lang in Lang::ALL {
        let (_dir, mut app) = opened(lang);
        let mut screens = vec![draw(&app, 80, 24), draw(&app, 200, 50)];
        // A network with a long case history, on the timeline.
        act(&mut app, Action::FuzzyJump);
        support::typ(&mut app, "shzx");
        act(&mut app, Action::Submit);
        app.focus = Pane::Timeline;
        screens.push(draw(&app, 80, 24));
        screens.push(draw(&app, 200, 50));
        // A new milestone's form names its stage.
        act(&mut app, Action::Add);
        screens.push(draw(&app, 80, 24));
        act(&mut app, Action::Cancel);
        // Agenda and triage.
        act(&mut app, Action::Agenda);
        screens.push(draw(&app, 200, 50));
        act(&mut app, Action::Cancel);
        act(&mut app, Action::Triage);
        screens.push(draw(&app, 80, 24));
        screens.push(draw(&app, 200, 50));
        for screen in &screens {
            let screen = text(screen);
            let found = raw_ids(&screen, questions.iter().copied());
            assert!(found.is_empty(), "{lang:?}: questions {found:?}:\n{screen}");
            let found = raw_ids(&screen, stages.iter().copied());
            assert!(found.is_empty(), "{lang:?}: stages {found:?}:\n{screen}");
            // A warning's code always comes with its words.
            for w in WarningId::ALL {
                let words = warning(*w);
                for (at, _) in screen.match_indices(w.as_str()) {
                    let after = &screen[at + w.as_str().len()..];
                    assert!(
                        after.starts_with(&format!(" {}", words.en))
                            || after.starts_with(&format!(" {}", words.zh)),
                        "{lang:?}: {w} without its words:\n{screen}"
                    );
                }
            }
        }
    }
}

#[test]
fn l_switches_the_language_and_says_so() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (_dir, mut app) = demo_app();
    assert_eq!(app.lang, Lang::Both, "both by default");
    let press_l = |app: &mut mlps::tui::session::Session| {
        let key = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT);
        let msg = mlps::tui::key_to_msg(app, &key).expect("L means something");
        app.send(msg);
    };
    press_l(&mut app);
    assert_eq!(app.lang, Lang::Zh);
    let screen = text(&draw(&app, 80, 24));
    assert!(screen.contains("界面语言：中文"), "{screen}");
    assert!(screen.contains("┌ ▸ 客户 30"), "{screen}");
    press_l(&mut app);
    assert_eq!(app.lang, Lang::En);
    let screen = text(&draw(&app, 80, 24));
    assert!(screen.contains("Interface language: English"), "{screen}");
    assert!(screen.contains("┌ ▸ Clients 30"), "{screen}");
    press_l(&mut app);
    assert_eq!(app.lang, Lang::Both);
    // Not while a form is open: there L is a letter being typed.
    app.focus = Pane::Clients;
    act(&mut app, Action::Add);
    assert!(matches!(app.mode, Mode::Form { .. }));
    press_l(&mut app);
    assert_eq!(app.lang, Lang::Both);
}

/// The language `mlps` with `args` and `env` picks, as `mlps assess`'s
/// table words it (`Level` / `等级`).
fn assess(args: &[&str], env: &[(&str, &str)], config: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("a.toml");
    std::fs::write(
        &answers,
        "object_type = \"website\"\npi_subjects = 250000\n",
    )
    .unwrap();
    let config_dir = dir.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    if let Some(text) = config {
        std::fs::write(config_dir.join("config.toml"), text).unwrap();
    }
    let mut cmd = support::mlps(&dir.path().join("db"), &config_dir);
    cmd.env_remove("LANG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).arg("assess").arg(&answers).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn lang_flag_then_config_then_lc_all_then_lang() {
    let zh = |s: &str| s.contains("等级");
    // support::mlps sets LC_ALL=C.UTF-8: English, whatever LANG says.
    assert!(!zh(&assess(&[], &[("LANG", "zh_CN.UTF-8")], None)));
    // LC_ALL over LANG.
    assert!(zh(&assess(
        &[],
        &[("LC_ALL", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")],
        None
    )));
    // LANG when LC_ALL says nothing.
    assert!(zh(&assess(
        &[],
        &[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")],
        None
    )));
    // The config over the locale.
    assert!(zh(&assess(&[], &[], Some("lang = \"zh\"\n"))));
    assert!(!zh(&assess(
        &[],
        &[("LC_ALL", "zh_CN.UTF-8")],
        Some("lang = \"en\"\n")
    )));
    // --lang over everything.
    assert!(!zh(&assess(
        &["--lang", "en"],
        &[("LC_ALL", "zh_CN.UTF-8")],
        Some("lang = \"zh\"\n")
    )));
    assert!(zh(&assess(&["--lang", "zh"], &[], Some("lang = \"en\"\n"))));
}

#[test]
fn a_wrong_language_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config_dir = dir.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        "due_soon_days = 30\nlang = \"fr\"\n",
    )
    .unwrap();
    let answers = dir.path().join("a.toml");
    std::fs::write(&answers, "object_type = \"website\"\n").unwrap();
    let out = support::mlps(&dir.path().join("db"), &config_dir)
        .arg("assess")
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml:2:"), "{err}");
    let out = support::mlps(&dir.path().join("db"), &dir.path().join("none"))
        .args(["--lang", "fr", "assess"])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("zh, en, both"));
}

#[test]
fn printed_tables_follow_the_language_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    support::mlps_beside(&db)
        .args(["demo", "--clients", "5"])
        .assert()
        .success();
    let run = |args: &[&str]| {
        let out = support::mlps_beside(&db).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    // English by default (support::mlps fixes LC_ALL=C.UTF-8).
    let due = run(&["due", "--within", "400"]);
    assert!(due.contains("STATUS") && !due.contains("状态"), "{due}");
    let due = run(&["--lang", "zh", "due", "--within", "400"]);
    assert!(due.contains("状态") && due.contains("事项"), "{due}");
    assert!(!due.contains("STATUS"), "{due}");
    let triage = run(&["--lang", "zh", "triage"]);
    assert!(
        triage.contains("紧急程度") && triage.contains("下一步（原因）"),
        "{triage}"
    );
    let triage = run(&["--lang", "both", "triage"]);
    assert!(triage.contains("URGENCY 紧急程度"), "{triage}");
    let show = run(&["show", "Acme"]);
    assert!(show.contains("Level:"), "{show}");
    let show = run(&["--lang", "zh", "show", "Acme"]);
    assert!(
        show.contains("等级：") && show.contains("下一步："),
        "{show}"
    );
    assert!(!show.contains("pi_subjects"), "{show}");
    // JSON stays ids whatever the language.
    let en = run(&["triage", "--json"]);
    let zh = run(&["--lang", "zh", "triage", "--json"]);
    assert_eq!(en, zh);
    let en = run(&["due", "--json"]);
    let zh = run(&["--lang", "zh", "due", "--json"]);
    assert_eq!(en, zh);
}
