//! The `/` filter (names in pinyin and initials, notes, address,
//! contacts; Ctrl-u; what an empty result says) and the client details
//! view: through `update` alone with no database, through a session on
//! the demo data, and drawn.

use mlps::domain::model::{Client, ClientId, Contact, Network, NetworkId};
use mlps::domain::settings::Config;
use mlps::tui::Action;
use mlps::tui::app::{App, Mode, Msg, Pane, update};
use mlps::tui::effect::{Effect, Reload};
use mlps::tui::keymap::Keymap;
use mlps::tui::reads::{Answer, Ask};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::{self, answered, demo_app, today};

// ----- update alone -----

const YUHE: ClientId = ClientId(1);
const ACME: ClientId = ClientId(2);
const BANK: ClientId = ClientId(3);

fn yuhe() -> Client {
    Client {
        id: YUHE,
        revision: 1,
        name: "Yuhe Water Co., Ltd.".into(),
        name_zh: "重庆玉河水务有限公司".into(),
        region: "重庆".into(),
        credit_code: "91500103XEJDHQ34Y0".into(),
        address: "重庆市建国路112号".into(),
        contacts: vec![Contact {
            name: "曾伟".into(),
            role: "运维经理".into(),
            email: "zeng.wei@jade.example".into(),
            phone: "+86 23 5555 0765".into(),
        }],
        notes: "Evaluation windows only in Q1.\n续期提醒请抄送法务部。".into(),
    }
}

fn acme() -> Client {
    Client {
        id: ACME,
        revision: 1,
        name: "Acme Trading Ltd".into(),
        name_zh: "阿克米贸易有限公司".into(),
        region: "Shanghai".into(),
        address: "上海市世纪大道100号".into(),
        contacts: vec![
            Contact {
                name: "Daniel Weber".into(),
                role: "IT Director".into(),
                ..Contact::default()
            },
            Contact {
                name: "王丽华".into(),
                role: "CTO".into(),
                ..Contact::default()
            },
        ],
        notes: "Group IT in Frankfurt approves every change.".into(),
        ..Client::default()
    }
}

fn bank() -> Client {
    Client {
        id: BANK,
        revision: 1,
        name_zh: "招商银行上海分行".into(),
        ..Client::default()
    }
}

fn network(id: u64, client: ClientId, name: &str, notes: &str) -> Network {
    Network {
        id: NetworkId(id),
        client,
        revision: 1,
        name: name.into(),
        notes: notes.into(),
        answers: answered(),
        overrides: Default::default(),
        filed_level: None,
        milestones: Vec::new(),
    }
}

/// The case manager with the three clients read (their networks are
/// asked for; none are answered here).
fn app() -> App {
    let mut app = App::new(Config::default(), Keymap::defaults(), today());
    update(
        &mut app,
        Msg::Clients(Ok(vec![yuhe(), acme(), bank()]), Reload::Quiet),
    );
    app
}

fn act(app: &mut App, a: Action) -> Vec<Effect> {
    update(app, Msg::Action(a))
}

fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Msg::Char(c));
    }
}

/// The ids of the clients in view.
fn shown(app: &App) -> Vec<ClientId> {
    app.visible_clients()
        .iter()
        .map(|&i| app.clients[i].id)
        .collect()
}

/// `/` and `query` typed on the clients: the ids let through.
fn filtered(app: &mut App, query: &str) -> Vec<ClientId> {
    app.focus = Pane::Clients;
    act(app, Action::Filter);
    act(app, Action::ClearField);
    typ(app, query);
    shown(app)
}

#[test]
fn the_clients_filter_matches_like_the_jump_and_over_every_field() {
    let mut app = app();
    for (query, want) in [
        // The case: pinyin, and the characters themselves.
        ("yuhe", vec![YUHE]),
        ("玉河", vec![YUHE]),
        // Full pinyin, initials, English, full-width letters.
        ("chongqingyuhe", vec![YUHE]),
        ("cqyh", vec![YUHE]),
        ("akm", vec![ACME]),
        ("maoyi", vec![ACME]),
        ("ACME", vec![ACME]),
        ("ＡＣＭＥ", vec![ACME]),
        // 行 read háng in 银行 and 分行 (the jump's words).
        ("yinhang", vec![BANK]),
        ("zsyhshfh", vec![BANK]),
        // Address (in pinyin too), region, credit code.
        ("jianguolu", vec![YUHE]),
        ("世纪大道", vec![ACME]),
        ("shanghai", vec![ACME, BANK]),
        ("xejdhq", vec![YUHE]),
        // Notes, as written.
        ("frankfurt", vec![ACME]),
        ("法务部", vec![YUHE]),
        // Contacts: name (in pinyin, the surname read as one), role,
        // e-mail, phone with or without its spaces.
        ("zengwei", vec![YUHE]),
        ("wanglihua", vec![ACME]),
        ("wlh", vec![ACME]),
        ("director", vec![ACME]),
        ("zeng.wei@", vec![YUHE]),
        ("55550765", vec![YUHE]),
        // Terms in different fields must all be there.
        ("yuhe zengwei", vec![YUHE]),
        ("acme zengwei", vec![]),
        ("xyzzy", vec![]),
    ] {
        assert_eq!(filtered(&mut app, query), want, "/{query}");
    }
    // Enter keeps the filter, Esc clears it.
    act(&mut app, Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.filters[Pane::Clients.index()], "xyzzy");
    act(&mut app, Action::Cancel);
    assert_eq!(shown(&app), vec![ACME, YUHE, BANK]);
}

#[test]
fn typing_on_narrows_and_deleting_widens_again() {
    let mut app = app();
    act(&mut app, Action::Filter);
    let mut seen = Vec::new();
    for c in "yuhe".chars() {
        update(&mut app, Msg::Char(c));
        seen.push(shown(&app));
    }
    assert_eq!(seen[0], vec![ACME, YUHE, BANK], "y");
    assert_eq!(seen[3], vec![YUHE], "yuhe");
    for _ in 0..3 {
        update(&mut app, Msg::Backspace);
    }
    assert_eq!(app.filters[Pane::Clients.index()], "y");
    assert_eq!(shown(&app), vec![ACME, YUHE, BANK]);
    // A pasted filter is filtered on in one step.
    update(&mut app, Msg::Paste("inhang".into()));
    assert_eq!(shown(&app), vec![BANK]);
}

#[test]
fn ctrl_u_clears_the_filter_while_typing_it() {
    let mut app = app();
    act(&mut app, Action::Filter);
    typ(&mut app, "frankfurt");
    assert_eq!(shown(&app), vec![ACME]);
    // Ctrl-u is the form's clear_field: still typing, nothing filtered.
    let ctrl_u = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    let msg = mlps::tui::key_to_msg(&app, &ctrl_u).unwrap();
    assert_eq!(msg, Msg::Action(Action::ClearField));
    update(&mut app, msg);
    assert_eq!(app.mode, Mode::Filter);
    assert_eq!(app.filters[Pane::Clients.index()], "");
    assert_eq!(shown(&app).len(), 3);
    typ(&mut app, "yuhe");
    assert_eq!(shown(&app), vec![YUHE]);
    // In --readonly too: it edits nothing.
    app.readonly = true;
    act(&mut app, Action::ClearField);
    assert_eq!(app.filters[Pane::Clients.index()], "");
    // The jump's query clears the same way.
    act(&mut app, Action::Cancel);
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "acme");
    act(&mut app, Action::ClearField);
    let Mode::Fuzzy { query, hits, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(query.is_empty() && hits.is_empty());
}

#[test]
fn a_client_put_again_is_filtered_on_its_new_fields() {
    let mut app = app();
    assert_eq!(filtered(&mut app, "yuhe"), vec![YUHE]);
    // Read again with another name at the same revision (as a test can
    // make it): what the filter knew of it goes.
    let mut renamed = yuhe();
    renamed.name = "Jade River Water".into();
    renamed.name_zh = "重庆玉江水务有限公司".into();
    update(
        &mut app,
        Msg::Clients(Ok(vec![renamed, acme(), bank()]), Reload::Quiet),
    );
    assert_eq!(shown(&app), Vec::<ClientId>::new());
    assert_eq!(filtered(&mut app, "yujiang"), vec![YUHE]);
    // A later revision is worked out again too, however it came in.
    let mut moved = app.clients.iter().find(|c| c.id == ACME).unwrap().clone();
    moved.revision = 2;
    moved.notes = "Moved to Yujiang Road.".into();
    let at = app.clients.iter().position(|c| c.id == ACME).unwrap();
    app.clients[at] = moved;
    app.clients_changed();
    assert_eq!(shown(&app), vec![ACME, YUHE]);
}

#[test]
fn contacts_and_networks_filter_with_pinyin_too() {
    let mut app = app();
    app.jump_to(ACME, None);
    app.focus = Pane::Contacts;
    act(&mut app, Action::Filter);
    typ(&mut app, "wlh");
    assert_eq!(app.visible_contacts(), vec![1]);
    act(&mut app, Action::ClearField);
    typ(&mut app, "weber");
    assert_eq!(app.visible_contacts(), vec![0]);
    act(&mut app, Action::Submit);

    update(
        &mut app,
        Msg::Read(Answer::Networks(
            ACME,
            Ok(vec![
                network(10, ACME, "网上银行", ""),
                network(11, ACME, "CRM", "Pen test booked for March."),
                network(12, ACME, "ERP 企业资源计划", ""),
            ]),
        )),
    );
    app.focus = Pane::Networks;
    let names = |app: &App| -> Vec<String> {
        app.visible_networks()
            .iter()
            .map(|n| n.name.clone())
            .collect()
    };
    for (query, want) in [
        ("wsyh", vec!["网上银行"]),
        ("yinhang", vec!["网上银行"]),
        ("qiye", vec!["ERP 企业资源计划"]),
        ("pen test", vec!["CRM"]),
        ("erp", vec!["ERP 企业资源计划"]),
        ("xyzzy", vec![]),
    ] {
        act(&mut app, Action::Filter);
        act(&mut app, Action::ClearField);
        typ(&mut app, query);
        assert_eq!(names(&app), want, "/{query}");
    }
    // The answers pane filters its labels, folded.
    act(&mut app, Action::Cancel);
    app.focus = Pane::Answers;
    act(&mut app, Action::Filter);
    typ(&mut app, "ＰＩ subj");
    let rows = app.answer_rows();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.label().to_lowercase().contains("subj"))
    );
}

#[test]
fn details_open_in_readonly_scroll_and_close() {
    let mut app = app();
    app.readonly = true;
    app.jump_to(YUHE, None);
    // Nothing is read for it (the networks of the clients in view are
    // asked for as ever).
    let other = |fx: Vec<Effect>| -> Vec<Effect> {
        fx.into_iter()
            .filter(|e| !matches!(e, Effect::Read(Ask::Networks(_))))
            .collect()
    };
    assert_eq!(other(act(&mut app, Action::Details)), Vec::new());
    assert_eq!(
        app.mode,
        Mode::Details {
            client: YUHE,
            scroll: 0
        }
    );
    assert!(app.status.is_none(), "not refused: {:?}", app.status);
    act(&mut app, Action::Down);
    act(&mut app, Action::PageDown);
    act(&mut app, Action::Up);
    assert_eq!(
        app.mode,
        Mode::Details {
            client: YUHE,
            scroll: 10
        }
    );
    // Its own key closes it, as Esc does.
    act(&mut app, Action::Details);
    assert_eq!(app.mode, Mode::Normal);
    act(&mut app, Action::Details);
    act(&mut app, Action::Cancel);
    assert_eq!(app.mode, Mode::Normal);
    // `i` is the key, from the clients and contacts panes.
    let i = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('i'),
        crossterm::event::KeyModifiers::NONE,
    );
    app.focus = Pane::Contacts;
    assert_eq!(
        mlps::tui::key_to_msg(&app, &i),
        Some(Msg::Action(Action::Details))
    );
    // While typing a filter, i is a letter.
    app.focus = Pane::Clients;
    act(&mut app, Action::Filter);
    assert_eq!(mlps::tui::key_to_msg(&app, &i), Some(Msg::Char('i')));
    // With no client in view there is nothing to show.
    typ(&mut app, "xyzzy");
    act(&mut app, Action::Submit);
    act(&mut app, Action::Details);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.status.as_ref().unwrap().text.contains("no client"));
}

#[test]
fn idle_time_works_out_the_filter_texts_ahead_a_slice_at_a_time() {
    let mut app = App::new(Config::default(), Keymap::defaults(), today());
    assert!(!app.idle_work(), "nothing to do before the clients");
    let many: Vec<Client> = (0..App::IDLE_SLICE as u64 * 2 + 10)
        .map(|i| Client {
            id: ClientId(100 + i),
            revision: 1,
            name: format!("Client {i}"),
            name_zh: format!("上海测试{i}"),
            ..Client::default()
        })
        .collect();
    update(&mut app, Msg::Clients(Ok(many.clone()), Reload::Quiet));
    assert!(app.idle_work());
    assert_eq!(app.filter_texts_ready(), 0);
    for ready in [App::IDLE_SLICE, App::IDLE_SLICE * 2, many.len()] {
        update(&mut app, Msg::Idle);
        assert_eq!(app.filter_texts_ready(), ready);
    }
    assert!(!app.idle_work());
    // Read again with one client changed: only that one is to do.
    let mut changed = many.clone();
    changed[7].name_zh = "北京测试".into();
    update(&mut app, Msg::Clients(Ok(changed), Reload::Quiet));
    assert!(app.idle_work());
    assert_eq!(app.filter_texts_ready(), many.len() - 1);
    update(&mut app, Msg::Idle);
    assert!(!app.idle_work());
    // And the filter finds it by its new name.
    assert_eq!(filtered(&mut app, "beijing"), vec![ClientId(107)]);
    let mut shcs = filtered(&mut app, "shcs");
    shcs.sort();
    let want: Vec<ClientId> = many
        .iter()
        .map(|c| c.id)
        .filter(|id| *id != ClientId(107))
        .collect();
    assert_eq!(shcs, want);
}

// ----- through a session on the demo data -----

/// The clients in view, by Chinese name (every demo client has one).
fn shown_names(app: &mlps::tui::session::Session) -> Vec<String> {
    app.visible_clients()
        .iter()
        .map(|&i| app.clients[i].name_zh.clone())
        .collect()
}

#[test]
fn the_demo_clients_filter_by_pinyin_initials_notes_and_contacts() {
    let (_dir, mut app) = demo_app();
    let all = app.clients.len();
    support::act(&mut app, Action::Filter);
    for (query, want) in [
        // Full pinyin of a name whose English says something else.
        ("dianwang", vec!["重庆两江电网运营有限公司"]),
        (
            "yinhang",
            vec![
                "伍德格罗夫银行（中国）有限公司",
                "重庆渝信商业银行股份有限公司",
            ],
        ),
        // Initials.
        ("shzx", vec!["上海中心数据服务有限公司"]),
        // Notes, in English and in Chinese.
        ("frankfurt", vec!["伍德格罗夫银行（中国）有限公司"]),
        ("法务部", vec!["重庆渝信商业银行股份有限公司"]),
        // A contact's initials (马建国).
        ("mjg", vec!["上海中心数据服务有限公司"]),
    ] {
        support::act(&mut app, Action::ClearField);
        support::typ(&mut app, query);
        let mut shown = shown_names(&app);
        shown.sort();
        let mut want: Vec<String> = want.into_iter().map(String::from).collect();
        want.sort();
        assert_eq!(shown, want, "/{query}");
    }
    // Ctrl-u clears, still typing.
    support::act(&mut app, Action::ClearField);
    assert_eq!(app.mode, Mode::Filter);
    assert_eq!(app.visible_clients().len(), all);
    // Nothing matches: the pane says so and how to clear it.
    support::typ(&mut app, "xyzzy");
    assert!(app.visible_clients().is_empty());
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("no clients match \"xyzzy\""), "{screen}");
    assert!(screen.contains("Esc clears"), "{screen}");
    assert!(!screen.contains("adds one"), "{screen}");
    support::act(&mut app, Action::Cancel);
    assert_eq!(app.visible_clients().len(), all);
}

// ----- drawn -----

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn client_details_at_80x24() {
    let (_dir, mut app) = demo_app();
    app.readonly = true;
    // The Chongqing bank: three contacts, notes in Chinese.
    support::act(&mut app, Action::Filter);
    support::typ(&mut app, "shangye");
    support::act(&mut app, Action::Submit);
    support::act(&mut app, Action::Details);
    support::assert_snapshot!("client_details_at_80x24", draw(&app, 80, 24));
    // Scrolled to the end, the notes show.
    support::act(&mut app, Action::PageDown);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("续期提醒请同时抄送法务部。"), "{screen}");
}

#[test]
fn a_filter_matching_nothing_at_80x24() {
    let (_dir, mut app) = demo_app();
    support::act(&mut app, Action::Filter);
    support::typ(&mut app, "xyzzy");
    support::assert_snapshot!("a_filter_matching_nothing_at_80x24", draw(&app, 80, 24));
}
