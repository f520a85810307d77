//! Hostile text: names and notes with terminal escapes, control
//! characters, bidi overrides, zero-width joiners, 10 000 characters,
//! emoji and CJK. Stored, they hold no control characters; shown in any
//! pane or overlay, and printed by any command, nothing in them is
//! interpreted: escapes are inert text, invisible characters are shown
//! as `\u{..}`. The calendar feed of it all still keeps to RFC 5545.

use assert_cmd::assert::OutputAssertExt;
use mlps::domain::model::{Client, ClientId, Contact, Milestone, Network, NetworkId, Stage};
use mlps::domain::questionnaire::Answers;
use mlps::domain::settings::Config;
use mlps::store::{CaseStore, SledStore};
use mlps::text::is_hidden;
use mlps::tui::Action;
use mlps::tui::app::{App, Msg, Pane};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::rfc5545;
use crate::support::{self, act, fresh_store, today};

/// Each with a distinct word, so fuzzy jump can find it.
fn hostile() -> Vec<String> {
    vec![
        "Red \x1b[31mALERT\x1b[0m Ltd".into(),
        "Title \x1b]0;pwned\x07 Co".into(),
        "Title2 \x1b]2;owned\x1b\\ Co".into(),
        "Bell \x07\x08\x0b\x0c\x7f C0 Ltd".into(),
        "Csi \u{9b}31m \u{85}\u{90}\u{9d}\u{9c} C1 Ltd".into(),
        "Bidi \u{202e}dlrow olleh\u{202c} Ltd".into(),
        "Isolate \u{2066}x\u{2069} \u{200f}\u{200e} Ltd".into(),
        "Joiner 👨\u{200d}👩\u{200d}👧 \u{200b}\u{feff} Ltd".into(),
        format!("Long {}", "长".repeat(5_000) + &"x".repeat(5_000)),
        "Emoji 🚀🔥 上海数据中心 Ltd".into(),
        "Newline\nand\ttab\r Ltd".into(),
    ]
}

fn fill(store: &SledStore) -> usize {
    let texts = hostile();
    for (i, text) in texts.iter().enumerate() {
        let c = store
            .create_client(Client {
                id: ClientId(0),
                revision: 0,
                name: text.clone(),
                name_zh: text.clone(),
                region: text.clone(),
                credit_code: String::new(),
                address: text.clone(),
                contacts: vec![Contact {
                    name: text.clone(),
                    role: text.clone(),
                    email: format!("person{i}@example.com"),
                    phone: "+86 21 5555 0100".into(),
                }],
                notes: text.clone(),
            })
            .unwrap();
        let mut evaluated = Milestone::new(Stage::EvaluationPassed, today());
        evaluated.score = Some(80.0);
        evaluated.note = text.clone();
        store
            .create_network(Network {
                id: NetworkId(0),
                client: c.id,
                revision: 0,
                name: text.clone(),
                notes: format!("{text}\nsecond line {text}"),
                answers: Answers {
                    pi_subjects: Some(2_000_000),
                    architecture_notes: Some(text.clone()),
                    cloud_provider: Some(text.clone()),
                    ..Answers::default()
                },
                overrides: Default::default(),
                filed_level: None,
                milestones: vec![evaluated],
            })
            .unwrap();
    }
    texts.len()
}

/// Every character the terminal would not show as itself.
fn interpreted(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| *c != '\n' && (is_hidden(*c) || *c == '\x1b'))
        .collect()
}

#[test]
fn stored_text_holds_no_control_characters() {
    let (_dir, store) = fresh_store();
    fill(&store);
    for c in store.clients().unwrap() {
        for text in [&c.name, &c.name_zh, &c.region, &c.contacts[0].name] {
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
        // Notes keep their line breaks and tabs.
        assert!(
            !c.notes
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{:?}",
            c.notes
        );
    }
    for n in store.networks().unwrap() {
        assert!(!n.name.chars().any(char::is_control), "{:?}", n.name);
        assert!(
            !n.notes
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{:?}",
            n.notes
        );
    }
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    buffer.content().iter().map(|c| c.symbol()).collect()
}

#[test]
fn every_pane_and_overlay_shows_hostile_text_inert() {
    let (_dir, store) = fresh_store();
    let count = fill(&store);
    let mut app = support::app(std::sync::Arc::new(store));
    let mut screens = 0;
    let mut check = |app: &App, what: &str| {
        for (w, h) in [(80, 24), (200, 50)] {
            let shown = screen(app, w, h);
            assert_eq!(interpreted(&shown), Vec::<char>::new(), "{what} at {w}x{h}");
            screens += 1;
        }
    };
    for i in 0..count {
        for pane in Pane::ALL {
            app.focus = pane;
            check(&app, &format!("client {i}, {pane:?} focused"));
        }
        app.focus = Pane::Networks;
        act(&mut app, Action::History);
        check(&app, &format!("client {i}, history"));
        act(&mut app, Action::Cancel);
        app.focus = Pane::Clients;
        act(&mut app, Action::Details);
        check(&app, &format!("client {i}, details"));
        act(&mut app, Action::PageDown);
        check(&app, &format!("client {i}, details scrolled"));
        act(&mut app, Action::Cancel);
        act(&mut app, Action::Down);
    }
    for query in ["red", "title", "bidi", "joiner", "long", "emoji", "csi"] {
        act(&mut app, Action::FuzzyJump);
        for ch in query.chars() {
            app.send(Msg::Char(ch));
        }
        let Mode::Fuzzy { hits, .. } = &app.mode else {
            panic!("the jump is open")
        };
        assert!(!hits.is_empty(), "{query} finds its client");
        check(&app, &format!("jump {query}"));
        act(&mut app, Action::Submit);
        check(&app, &format!("after jumping to {query}"));
    }
    act(&mut app, Action::Agenda);
    check(&app, "agenda");
    act(&mut app, Action::Cancel);
    // A filter typed with escapes, matching nothing, is shown inert too.
    act(&mut app, Action::Filter);
    for ch in "\x1b]0;pwned\x07\u{202e}x".chars() {
        app.send(Msg::Char(ch));
    }
    assert!(app.visible_clients().is_empty());
    check(&app, "a hostile filter");
    act(&mut app, Action::Cancel);
    // An edit form over a hostile record.
    app.focus = Pane::Networks;
    act(&mut app, Action::Edit);
    check(&app, "network form");
    assert!(screens > 100);
}

use mlps::tui::app::Mode;

/// Every command that prints user text prints it inert.
#[test]
fn commands_print_hostile_text_inert() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    {
        let store = SledStore::open(&db, Config::default()).unwrap();
        fill(&store);
    }
    let run = |args: &[&str]| {
        let out = support::mlps_process_on(&db, &dir.path().join("config"))
            .args(args)
            .env("MLPS_TODAY", support::TODAY)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    for args in [
        &["renewals", "--within", "800"][..],
        &["renewals", "--within", "800", "--json"],
        &["due", "--within", "800"],
        &["due", "--within", "800", "--json"],
        &["log"],
        &["log", "--json"],
        &["export"],
        &["export", "--format", "csv"],
        &["export", "--format", "ics"],
    ] {
        let mut printed = run(args);
        assert!(printed.len() > 100, "{args:?} printed {printed:?}");
        if args.contains(&"ics") {
            rfc5545::assert_valid(&printed);
        }
        if args.contains(&"csv") || args.contains(&"ics") {
            // The sheet's own byte order mark and the CRLF line ends both
            // formats prescribe are not user text.
            printed = printed.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        }
        assert_eq!(interpreted(&printed), Vec::<char>::new(), "{args:?}");
    }
    // Every network's report, in both formats (clients and networks take
    // ids in turn: networks are 2, 4, 6, ...).
    for i in 0..hostile().len() {
        let id = (2 * i + 2).to_string();
        for format in ["md", "html"] {
            let printed = run(&["report", &id, "--format", format]);
            assert!(printed.len() > 1000, "report {id} {format}");
            assert_eq!(
                interpreted(&printed),
                Vec::<char>::new(),
                "report {id} {format}"
            );
        }
    }
    // The JSON still reads back to the stored text, invisible characters
    // included.
    let exported: serde_json::Value = serde_json::from_str(&run(&["export"])).unwrap();
    let names: Vec<&str> = exported["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.iter().any(|n| n.contains('\u{202e}')), "{names:?}");
    // So does the spreadsheet: its escapes are read back as the characters.
    let sheet = run(&["export", "--format", "csv"]);
    let parsed = mlps::formats::spreadsheet::parse("export.csv", &sheet).unwrap();
    let stored = SledStore::open(&dir.path().join("copy"), Config::default()).unwrap();
    stored.import(parsed).expect("the exported sheet imports");
    let again: Vec<String> = stored
        .clients()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    let original: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    assert_eq!(again, original);
    let _ = support::mlps_process_on(&db, &dir.path().join("config"))
        .arg("stop")
        .output();
}
