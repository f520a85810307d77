//! The Gaps view (docs/rectification.md) at the update level: opened on a
//! level 3 network with findings in the store, its tree and counts, the
//! filters, the form, bulk status, a stale write refused, the change feed,
//! the header's reasons; and its snapshots in Chinese and English.

use std::sync::Arc;

use mlps::domain::gaps::{ComplianceResult, Finding, FindingId, FindingStatus, Risk};
use mlps::domain::labels::Lang;
use mlps::domain::model::{ClientId, NetworkId};
use mlps::store::{CaseStore, SledStore};
use mlps::tui::Action;
use mlps::tui::app::{Mode, Msg, Pane};
use mlps::tui::connection::Change;
use mlps::tui::gaps::{GapFilter, GapRow};
use mlps::tui::session::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::{self, act, d, demo_store, lv, typ};

/// The first network filed at level 3 (client, network).
fn level3(store: &SledStore) -> (ClientId, NetworkId) {
    for c in store.clients().unwrap() {
        for n in store.networks_of(c.id).unwrap() {
            if n.filed_level == Some(lv(3)) {
                return (c.id, n.id);
            }
        }
    }
    panic!("the demo has a level 3 network");
}

fn finding(point: &str, desc: &str, risk: Risk, owner: &str, due: &str) -> Finding {
    let mut f = Finding::new(
        FindingId(0),
        point,
        desc,
        ComplianceResult::NonCompliant,
        risk,
        d("2026-09-01"),
    );
    f.owner = owner.into();
    f.due = Some(d(due));
    f
}

/// Five findings: a high one overdue (张三), a medium and a low, a medium
/// already fixed, and a high under a management point.
fn findings() -> Vec<Finding> {
    let mut fixed = finding(
        "computing.audit",
        "audit logs kept 30 days only",
        Risk::Medium,
        "Li Si",
        "2026-10-31",
    );
    fixed
        .set_status(FindingStatus::Fixed, d("2026-10-20"))
        .unwrap();
    vec![
        finding(
            "computing.identity_auth",
            "弱口令：运维账号使用默认密码",
            Risk::High,
            "张三 IT",
            "2026-11-15",
        ),
        finding(
            "computing.access_control",
            "default accounts not removed",
            Risk::Medium,
            "Li Si",
            "2026-12-31",
        ),
        finding(
            "physical.access",
            "机房门禁无记录",
            Risk::Low,
            "王五",
            "2027-01-31",
        ),
        fixed,
        finding(
            "computing.malware",
            "no malware protection on servers",
            Risk::High,
            "张三 IT",
            "2027-02-28",
        ),
    ]
}

struct Setup {
    _dir: tempfile::TempDir,
    store: Arc<SledStore>,
    app: Session,
    network: NetworkId,
}

/// The demo with [`findings`] under a level 3 network, selected, in the
/// case manager.
fn setup() -> Setup {
    let (dir, store) = demo_store(30, 1);
    let (client, network) = level3(&store);
    store.import_findings(network, findings(), false).unwrap();
    let store = Arc::new(store);
    let mut app = support::app(store.clone());
    app.jump_to(client, Some(network));
    app.focus = Pane::Networks;
    app.me = "张三".into();
    Setup {
        _dir: dir,
        store,
        app,
        network,
    }
}

fn view(app: &Session) -> &mlps::tui::gaps::GapsView {
    match &app.mode {
        Mode::Gaps(v) => v,
        other => panic!("not the gaps view: {other:?}"),
    }
}

fn rows(app: &Session) -> Vec<GapRow> {
    view(app).rows(&app.me, app.today)
}

/// The descriptions of the finding rows, in order.
fn listed(app: &Session) -> Vec<String> {
    let v = view(app);
    let list = v.findings.as_ref().unwrap();
    rows(app)
        .iter()
        .filter_map(|r| match r {
            GapRow::Finding(i) => Some(list[*i].finding.description.clone()),
            _ => None,
        })
        .collect()
}

/// Puts the cursor on the finding described `desc`.
fn cursor_on(app: &mut Session, desc: &str) {
    let at = {
        let v = view(app);
        let list = v.findings.as_ref().unwrap();
        rows(app)
            .iter()
            .position(|r| matches!(r, GapRow::Finding(i) if list[*i].finding.description == desc))
            .unwrap_or_else(|| panic!("{desc} is listed"))
    };
    if let Mode::Gaps(v) = &mut app.mode {
        v.selected = at;
    }
}

fn stored(s: &Setup, desc: &str) -> mlps::store::StoredFinding {
    s.store
        .findings_of(s.network)
        .unwrap()
        .into_iter()
        .find(|f| f.finding.description == desc)
        .unwrap()
}

#[test]
fn g_opens_the_view_with_the_tree_and_esc_leaves() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    let v = view(&s.app);
    assert_eq!(v.network, s.network);
    assert_eq!(v.level, lv(3));
    assert_eq!(v.findings.as_ref().unwrap().len(), 5);
    let rows = rows(&s.app);
    // Physical first (catalogue order), then computing with four points.
    let cats: Vec<(String, usize, usize, usize)> = rows
        .iter()
        .filter_map(|r| match r {
            GapRow::Category { label, counts } => Some((
                label.en.to_string(),
                counts.open_of(Risk::High),
                counts.count(Risk::Medium, FindingStatus::Fixed),
                counts.total(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        cats,
        vec![
            ("Physical environment".to_string(), 0, 0, 1),
            ("Computing environment".to_string(), 2, 1, 4),
        ],
        "{rows:?}"
    );
    let points = rows
        .iter()
        .filter(|r| matches!(r, GapRow::Point { .. }))
        .count();
    assert_eq!(points, 5);
    act(&mut s.app, Action::Cancel);
    assert!(matches!(s.app.mode, Mode::Normal));
}

#[test]
fn show_all_lists_every_applicable_point() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    act(&mut s.app, Action::ShowAll);
    let points = rows(&s.app)
        .iter()
        .filter(|r| matches!(r, GapRow::Point { .. }))
        .count();
    // Level 3's general points at least (71), with any extension's.
    assert!(points >= 71, "{points}");
    act(&mut s.app, Action::ShowAll);
    assert_eq!(
        rows(&s.app)
            .iter()
            .filter(|r| matches!(r, GapRow::Point { .. }))
            .count(),
        5
    );
}

#[test]
fn filters_cycle_open_high_mine_all() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    assert_eq!(listed(&s.app).len(), 5);
    act(&mut s.app, Action::CycleFilter);
    assert_eq!(view(&s.app).filter, GapFilter::Open);
    assert!(!listed(&s.app).contains(&"audit logs kept 30 days only".to_string()));
    assert_eq!(listed(&s.app).len(), 4);
    act(&mut s.app, Action::CycleFilter);
    assert_eq!(view(&s.app).filter, GapFilter::High);
    assert_eq!(
        listed(&s.app),
        vec![
            "弱口令：运维账号使用默认密码".to_string(),
            "no malware protection on servers".to_string()
        ]
    );
    act(&mut s.app, Action::CycleFilter);
    assert_eq!(view(&s.app).filter, GapFilter::Mine);
    // The owner "张三 IT" is the user "张三"'s.
    assert_eq!(listed(&s.app).len(), 2);
    s.app.me = "nobody".into();
    assert!(listed(&s.app).is_empty());
    act(&mut s.app, Action::CycleFilter);
    assert_eq!(view(&s.app).filter, GapFilter::All);
    assert_eq!(listed(&s.app).len(), 5);
}

#[test]
fn slash_filters_by_description_owner_or_point_and_esc_clears_it() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    act(&mut s.app, Action::Filter);
    assert_eq!(s.app.section(), mlps::tui::keymap::Section::Form);
    // Letters are text while typing, not keys: `f` marks nothing fixed.
    typ(&mut s.app, "li si");
    assert_eq!(
        listed(&s.app),
        vec![
            "default accounts not removed".to_string(),
            "audit logs kept 30 days only".to_string()
        ]
    );
    act(&mut s.app, Action::Submit);
    assert!(!view(&s.app).typing);
    assert_eq!(view(&s.app).query, "li si");
    // By the point's name, in Chinese.
    act(&mut s.app, Action::Filter);
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "身份鉴别");
    act(&mut s.app, Action::Submit);
    assert_eq!(
        listed(&s.app),
        vec!["弱口令：运维账号使用默认密码".to_string()]
    );
    // Esc clears the filter, then leaves.
    act(&mut s.app, Action::Cancel);
    assert_eq!(listed(&s.app).len(), 5);
    assert!(matches!(s.app.mode, Mode::Gaps(_)));
    act(&mut s.app, Action::Cancel);
    assert!(matches!(s.app.mode, Mode::Normal));
    assert!(
        s.store
            .findings_of(s.network)
            .unwrap()
            .iter()
            .all(|f| f.revision == 1)
    );
}

#[test]
fn f_marks_the_finding_at_the_cursor_fixed_today_and_the_title_changes() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    let before = view(&s.app).estimate(s.app.today);
    cursor_on(&mut s.app, "弱口令：运维账号使用默认密码");
    act(&mut s.app, Action::MarkFixed);
    let f = stored(&s, "弱口令：运维账号使用默认密码");
    assert_eq!(f.finding.status, FindingStatus::Fixed);
    assert_eq!(f.finding.history.last().unwrap().date, support::today());
    let after = view(&s.app).estimate(s.app.today);
    assert_eq!(
        after.1.open_of(Risk::High),
        before.1.open_of(Risk::High) - 1
    );
    assert!(!view(&s.app).busy);
}

#[test]
fn space_marks_rows_and_a_status_key_moves_them_all_at_once() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "弱口令：运维账号使用默认密码");
    act(&mut s.app, Action::Toggle);
    cursor_on(&mut s.app, "default accounts not removed");
    act(&mut s.app, Action::Toggle);
    assert_eq!(view(&s.app).marked.len(), 2);
    act(&mut s.app, Action::MarkInProgress);
    assert_eq!(
        stored(&s, "弱口令：运维账号使用默认密码").finding.status,
        FindingStatus::InProgress
    );
    assert_eq!(
        stored(&s, "default accounts not removed").finding.status,
        FindingStatus::InProgress
    );
    assert_eq!(
        stored(&s, "机房门禁无记录").finding.status,
        FindingStatus::Open
    );
    assert!(view(&s.app).marked.is_empty());
    let shown = view(&s.app).findings.clone().unwrap();
    assert_eq!(
        shown
            .iter()
            .filter(|f| f.finding.status == FindingStatus::InProgress)
            .count(),
        2
    );
}

#[test]
fn a_stale_status_change_is_refused_and_theirs_is_shown() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    // Someone else edits a finding after the view read it.
    let mut theirs = stored(&s, "default accounts not removed");
    theirs.finding.owner = "Zhao Liu".into();
    s.store.update_finding(theirs).unwrap();
    cursor_on(&mut s.app, "弱口令：运维账号使用默认密码");
    act(&mut s.app, Action::Toggle);
    cursor_on(&mut s.app, "default accounts not removed");
    act(&mut s.app, Action::Toggle);
    act(&mut s.app, Action::MarkFixed);
    // None of them moved: all or none.
    assert_eq!(
        stored(&s, "弱口令：运维账号使用默认密码").finding.status,
        FindingStatus::Open
    );
    let status = s.app.status.clone().unwrap();
    assert_eq!(status.kind, mlps::tui::app::StatusKind::Error);
    assert!(status.text.contains("someone else"), "{}", status.text);
    let shown = view(&s.app).findings.clone().unwrap();
    assert!(shown.iter().any(|f| f.finding.owner == "Zhao Liu"));
    // The marks stay: again, on what is shown now, done.
    assert_eq!(view(&s.app).marked.len(), 2);
    act(&mut s.app, Action::MarkFixed);
    assert_eq!(
        stored(&s, "弱口令：运维账号使用默认密码").finding.status,
        FindingStatus::Fixed
    );
    assert_eq!(
        stored(&s, "default accounts not removed").finding.status,
        FindingStatus::Fixed
    );
}

#[test]
fn enter_edits_a_finding_in_a_form_saved_by_the_store() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::Edit);
    assert!(matches!(s.app.mode, Mode::GapForm { .. }));
    // Description first: clear it and type a new one.
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "机房门禁无出入记录");
    // Result, then risk: one step right from low wraps or stays; go to
    // owner (fourth field) and type.
    act(&mut s.app, Action::NextField);
    act(&mut s.app, Action::NextField);
    act(&mut s.app, Action::Left);
    act(&mut s.app, Action::NextField);
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "Facilities");
    act(&mut s.app, Action::Submit);
    assert!(matches!(s.app.mode, Mode::Gaps(_)), "{:?}", s.app.mode);
    let f = stored(&s, "机房门禁无出入记录");
    assert_eq!(f.finding.owner, "Facilities");
    assert_eq!(f.finding.risk, Risk::Medium);
    assert_eq!(f.revision, 2);
    assert!(listed(&s.app).contains(&"机房门禁无出入记录".to_string()));
}

#[test]
fn a_form_saved_over_a_change_meanwhile_comes_back_to_save_over_theirs_or_keep_it() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::Edit);
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "机房门禁未记录进出");
    // Someone else changes the finding while the form is open.
    let mut theirs = stored(&s, "机房门禁无记录");
    theirs.finding.evidence = "their evidence".into();
    s.store.update_finding(theirs).unwrap();
    act(&mut s.app, Action::Submit);
    // Refused: nothing of ours saved, the form is back with the word.
    let now = stored(&s, "机房门禁无记录");
    assert_eq!(
        (now.revision, now.finding.evidence.as_str()),
        (2, "their evidence")
    );
    let error = match &s.app.mode {
        Mode::GapForm { form, .. } => form.error.clone().unwrap_or_default(),
        other => panic!("{other:?}"),
    };
    assert!(error.contains("someone else"), "{error}");
    // Enter: ours over theirs.
    act(&mut s.app, Action::Submit);
    assert!(matches!(s.app.mode, Mode::Gaps(_)));
    let f = stored(&s, "机房门禁未记录进出");
    assert_eq!(f.revision, 3);
    // Only what the form changed is ours: their evidence stays.
    assert_eq!(f.finding.evidence, "their evidence");
}

#[test]
fn a_adds_under_the_point_at_the_cursor_and_d_deletes_after_asking() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "no malware protection on servers");
    act(&mut s.app, Action::Add);
    typ(&mut s.app, "病毒库未更新");
    act(&mut s.app, Action::Submit);
    let f = stored(&s, "病毒库未更新");
    assert_eq!(f.finding.control_point, "computing.malware");
    assert_eq!(f.finding.status, FindingStatus::Open);
    // A point typed by name, with a miss first.
    act(&mut s.app, Action::Top);
    act(&mut s.app, Action::Add);
    typ(&mut s.app, "no backups offsite");
    act(&mut s.app, Action::NextField);
    typ(&mut s.app, "数据备份恢了");
    act(&mut s.app, Action::Submit);
    match &s.app.mode {
        Mode::GapForm { form, .. } => {
            assert!(
                form.error.as_deref().unwrap_or("").contains("数据备份恢复"),
                "{:?}",
                form.error
            )
        }
        other => panic!("{other:?}"),
    }
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "数据备份恢复");
    act(&mut s.app, Action::Submit);
    assert!(
        stored(&s, "no backups offsite")
            .finding
            .control_point
            .ends_with(".backup")
    );
    // Delete: asked, n keeps it, y deletes it.
    cursor_on(&mut s.app, "病毒库未更新");
    act(&mut s.app, Action::Delete);
    assert!(matches!(s.app.mode, Mode::GapConfirm { .. }));
    s.app.send(Msg::Char('n'));
    assert_eq!(s.store.findings_of(s.network).unwrap().len(), 7);
    act(&mut s.app, Action::Delete);
    s.app.send(Msg::Char('y'));
    assert_eq!(s.store.findings_of(s.network).unwrap().len(), 6);
    assert!(!listed(&s.app).contains(&"病毒库未更新".to_string()));
}

#[test]
fn another_sessions_change_refreshes_the_view_and_the_header() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    let n = s.app.network(s.network).unwrap().clone();
    let overdue_reason = |app: &Session| {
        app.reasons_of(&n)
            .iter()
            .any(|r| mlps::domain::labels::reason_sentence(r, Lang::En).contains("overdue"))
    };
    assert!(overdue_reason(&s.app), "{:?}", s.app.reasons_of(&n));
    let id = stored(&s, "弱口令：运维账号使用默认密码").finding.id;
    s.store
        .set_finding_status(&[id], FindingStatus::Fixed, support::today())
        .unwrap();
    s.app.send(Msg::Change(Change::Findings {
        networks: vec![s.network],
        findings: vec![id],
    }));
    let f = view(&s.app)
        .findings
        .as_ref()
        .unwrap()
        .iter()
        .find(|f| f.finding.id == id)
        .unwrap()
        .clone();
    assert_eq!(f.finding.status, FindingStatus::Fixed);
    // Left, the findings stay for the header, and keep following the feed.
    act(&mut s.app, Action::Cancel);
    assert!(s.app.findings.contains_key(&s.network));
    assert!(!overdue_reason(&s.app), "{:?}", s.app.reasons_of(&n));
    s.store
        .set_finding_status(&[id], FindingStatus::Open, support::today())
        .unwrap();
    s.app.send(Msg::Change(Change::Findings {
        networks: vec![s.network],
        findings: vec![id],
    }));
    assert!(overdue_reason(&s.app));
    // Too much to list (an import): the view reads its findings again.
    act(&mut s.app, Action::Gaps);
    s.store
        .set_finding_status(&[id], FindingStatus::Verified, support::today())
        .unwrap();
    s.app.send(Msg::Change(Change::Everything));
    let shown = view(&s.app).findings.clone().unwrap();
    assert!(
        shown
            .iter()
            .any(|f| f.finding.id == id && f.finding.status == FindingStatus::Verified)
    );
}

#[test]
fn readonly_refuses_status_keys() {
    let mut s = setup();
    s.app.readonly = true;
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::MarkFixed);
    act(&mut s.app, Action::Edit);
    assert!(matches!(s.app.mode, Mode::Gaps(_)));
    assert_eq!(stored(&s, "机房门禁无记录").revision, 1);
}

fn draw(app: &Session, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn snapshots_in_chinese_and_english_at_80x24_and_200x50() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "default accounts not removed");
    act(&mut s.app, Action::Toggle);
    s.app.lang = Lang::Zh;
    support::assert_snapshot!("gaps_zh_80x24", draw(&s.app, 80, 24));
    support::assert_snapshot!("gaps_zh_200x50", draw(&s.app, 200, 50));
    s.app.lang = Lang::En;
    support::assert_snapshot!("gaps_en_80x24", draw(&s.app, 80, 24));
    support::assert_snapshot!("gaps_en_200x50", draw(&s.app, 200, 50));
    s.app.lang = Lang::Both;
    support::assert_snapshot!("gaps_both_120x30", draw(&s.app, 120, 30));
    // The form, over the view.
    s.app.lang = Lang::Zh;
    act(&mut s.app, Action::Down);
    act(&mut s.app, Action::Edit);
    assert!(matches!(s.app.mode, Mode::GapForm { .. }));
    support::assert_snapshot!("gaps_form_zh_80x24", draw(&s.app, 80, 24));
}

/// 200 findings spread over the applicable points of a level 3 network.
fn two_hundred(level: mlps::domain::model::Level) -> Vec<Finding> {
    let points = mlps::domain::gaps::applicable(level, &Default::default());
    let risks = [Risk::High, Risk::Medium, Risk::Low];
    (0..200)
        .map(|i| {
            let mut f = finding(
                &points[i % points.len()].id,
                &format!("finding {i}: 口令策略未落实 and more words to draw"),
                risks[i % 3],
                if i % 4 == 0 { "张三" } else { "Li Si" },
                if i % 5 == 0 {
                    "2026-11-01"
                } else {
                    "2027-03-31"
                },
            );
            if i % 3 == 1 {
                f.set_status(FindingStatus::Fixed, d("2026-11-01")).unwrap();
            }
            f
        })
        .collect()
}

/// A network with 200 findings opens whole in its view, and moving,
/// filtering and marking redraw it (the time each takes is measured by
/// `cargo bench`, `gaps view` in benches/perf.rs, not here).
#[test]
fn two_hundred_findings_open_and_redraw() {
    let (_dir, store) = demo_store(30, 1);
    let (client, network) = level3(&store);
    store
        .import_findings(network, two_hundred(lv(3)), false)
        .unwrap();
    let mut app = support::app(Arc::new(store));
    app.jump_to(client, Some(network));
    app.focus = Pane::Networks;
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    act(&mut app, Action::Gaps);
    terminal.draw(|f| mlps::tui::view::view(&app, f)).unwrap();
    assert_eq!(view(&app).findings.as_ref().unwrap().len(), 200);
    let first = terminal.backend().to_string();
    for a in [
        Action::Down,
        Action::Down,
        Action::CycleFilter,
        Action::Toggle,
    ] {
        act(&mut app, a);
        terminal.draw(|f| mlps::tui::view::view(&app, f)).unwrap();
    }
    assert_ne!(
        terminal.backend().to_string(),
        first,
        "the keys changed the view"
    );
}

/// Bob, another user writing through the same store.
fn bob() -> mlps::store::audit::Actor {
    mlps::store::audit::Actor {
        uid: 4242,
        user: "bob".into(),
    }
}

#[test]
fn u_undoes_an_edit_of_a_finding() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::Edit);
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "机房门禁无出入记录");
    act(&mut s.app, Action::Submit);
    assert_eq!(stored(&s, "机房门禁无出入记录").revision, 2);
    act(&mut s.app, Action::Undo);
    let f = stored(&s, "机房门禁无记录");
    assert_eq!((f.revision, f.finding.owner.as_str()), (3, "王五"));
    assert!(listed(&s.app).contains(&"机房门禁无记录".to_string()));
    let status = s.app.status.clone().unwrap();
    assert!(status.text.contains("undone"), "{}", status.text);
    // Nothing more of this session's to undo.
    act(&mut s.app, Action::Undo);
    assert_eq!(stored(&s, "机房门禁无记录").revision, 3);
}

#[test]
fn u_undoes_a_bulk_status_change_with_a_history_entry_back() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::Toggle);
    cursor_on(&mut s.app, "default accounts not removed");
    act(&mut s.app, Action::Toggle);
    act(&mut s.app, Action::MarkFixed);
    for d in ["机房门禁无记录", "default accounts not removed"] {
        assert_eq!(stored(&s, d).finding.status, FindingStatus::Fixed);
    }
    act(&mut s.app, Action::Undo);
    for d in ["机房门禁无记录", "default accounts not removed"] {
        let f = stored(&s, d).finding;
        assert_eq!(f.status, FindingStatus::Open, "{d}");
        // The history keeps the change and its undo.
        let last = f.history.last().unwrap();
        assert_eq!(
            (last.from, last.to),
            (Some(FindingStatus::Fixed), FindingStatus::Open)
        );
    }
}

#[test]
fn u_undoes_an_added_finding_and_a_deleted_one() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    // Delete one, then undo: it is back with its content and history.
    let was = stored(&s, "机房门禁无记录");
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::Delete);
    s.app.send(Msg::Char('y'));
    assert_eq!(s.store.findings_of(s.network).unwrap().len(), 4);
    act(&mut s.app, Action::Undo);
    assert_eq!(s.store.findings_of(s.network).unwrap().len(), 5);
    let back = stored(&s, "机房门禁无记录");
    assert_eq!(back.finding.owner, was.finding.owner);
    assert_eq!(back.finding.history, was.finding.history);
    // Add one, then undo: it is deleted.
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::Add);
    typ(&mut s.app, "新增的问题");
    act(&mut s.app, Action::Submit);
    assert!(matches!(s.app.mode, Mode::Gaps(_)), "{:?}", s.app.mode);
    assert_eq!(s.store.findings_of(s.network).unwrap().len(), 6);
    act(&mut s.app, Action::Undo);
    assert_eq!(s.store.findings_of(s.network).unwrap().len(), 5);
    assert!(!listed(&s.app).contains(&"新增的问题".to_string()));
}

#[test]
fn u_keeps_another_users_later_change_to_the_same_finding() {
    let mut s = setup();
    act(&mut s.app, Action::Gaps);
    cursor_on(&mut s.app, "机房门禁无记录");
    act(&mut s.app, Action::Edit);
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "机房门禁无出入记录");
    act(&mut s.app, Action::NextField);
    act(&mut s.app, Action::NextField);
    act(&mut s.app, Action::NextField);
    act(&mut s.app, Action::ClearField);
    typ(&mut s.app, "Facilities");
    act(&mut s.app, Action::Submit);
    // Bob changes the owner since.
    let mut theirs = stored(&s, "机房门禁无出入记录");
    theirs.finding.owner = "Bob's team".into();
    let actor = bob();
    s.store.acting(&actor).update_finding(theirs).unwrap();
    act(&mut s.app, Action::Undo);
    let f = stored(&s, "机房门禁无记录");
    assert_eq!(f.finding.owner, "Bob's team");
    let status = s.app.status.clone().unwrap();
    assert!(status.text.contains("bob"), "{}", status.text);
    assert!(status.text.contains("owner"), "{}", status.text);
}
