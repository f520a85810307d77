//! In-process figures on the scale data (10 000 clients, about 50 000
//! networks): grading, re-grading everything, one fuzzy-jump keystroke,
//! the list filter's spellings and one keystroke of it, and the renewals
//! range. `benches/report.sh` adds the end-to-end ones
//! and prints a single table.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use mlps::domain::filter::{ClientText, Filter};
use mlps::domain::grading::{self, RuleSet};
use mlps::domain::model::{Client, ClientId, Network, NetworkId};
use mlps::domain::search::SearchIndex;
use mlps::domain::settings::Config;
use mlps::store::{CaseStore, SledStore};

const CLIENTS: usize = 10_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// The scale data as records, with ids as a store would give them.
fn scale_records() -> (Vec<Client>, Vec<Network>) {
    let doc = mlps::demo::generate(CLIENTS, 1, today());
    let records = mlps::formats::interchange::to_records("demo", &doc).unwrap();
    let (mut clients, mut networks) = (Vec::new(), Vec::new());
    let mut next = 1;
    for new in records {
        let mut c = new.client;
        c.id = ClientId(next);
        next += 1;
        for nn in new.networks {
            let mut n = nn.network;
            n.id = NetworkId(next);
            n.client = c.id;
            next += 1;
            networks.push(n);
        }
        clients.push(c);
    }
    (clients, networks)
}

fn grading_benches(c: &mut Criterion) {
    let (_, networks) = scale_records();
    let one = &networks[networks.len() / 2];
    c.bench_function("grading one network", |b| {
        b.iter(|| {
            grading::grade(
                black_box(&one.answers),
                &one.overrides,
                RuleSet::Conservative,
            )
        })
    });
    c.bench_function(
        &format!("re-grading all {} networks", networks.len()),
        |b| {
            b.iter(|| {
                networks
                    .iter()
                    .map(|n| {
                        grading::level(&n.answers, &n.overrides, RuleSet::Conservative).get() as u64
                    })
                    .sum::<u64>()
            })
        },
    );
}

fn fuzzy_benches(c: &mut Criterion) {
    let (clients, networks) = scale_records();
    let index = SearchIndex::build(&clients, &networks);
    // Each keystroke of a query as typed is one search of the whole
    // index (what the case manager asks for after each key).
    let mut group = c.benchmark_group("fuzzy jump keystroke");
    // Each query as typed, one keystroke at a time: pinyin initials,
    // English, Chinese, and a two-term query.
    for query in ["shzx", "acme", "银行", "pem erp"] {
        let prefixes: Vec<String> = query
            .char_indices()
            .map(|(i, ch)| query[..i + ch.len_utf8()].to_string())
            .collect();
        for p in &prefixes {
            group.bench_function(p.as_str(), |b| b.iter(|| black_box(index.search(p, 50))));
        }
    }
    group.finish();
}

fn filter_benches(c: &mut Criterion) {
    let (clients, _) = scale_records();
    // What the case manager works out in idle time once the clients are
    // read.
    c.bench_function(&format!("filter texts of {CLIENTS} clients"), |b| {
        b.iter(|| {
            clients
                .iter()
                .map(|c| ClientText::of(black_box(c)).len())
                .sum::<usize>()
        })
    });
    let texts: Vec<ClientText> = clients.iter().map(ClientText::of).collect();
    // Each prefix of a query as typed, over every client (the case
    // manager searches only the previous matches when a filter grows, so
    // this is the worst case of a keystroke).
    let mut group = c.benchmark_group("list filter keystroke");
    for query in ["yuhe", "shzx", "上海", "jianguolu", "bank of"] {
        let prefixes: Vec<String> = query
            .char_indices()
            .map(|(i, ch)| query[..i + ch.len_utf8()].to_string())
            .collect();
        for p in &prefixes {
            group.bench_function(p.as_str(), |b| {
                b.iter(|| {
                    let f = Filter::new(black_box(p));
                    texts.iter().filter(|t| f.matches_client(t)).count()
                })
            });
        }
    }
    group.finish();
}

fn renewal_benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), Config::default()).unwrap();
    let doc = mlps::demo::generate(CLIENTS, 1, today());
    store
        .import(mlps::formats::interchange::to_records("demo", &doc).unwrap())
        .unwrap();
    let until = today() + chrono::Days::new(90);
    c.bench_function("renewals due within 90 days, in process", |b| {
        b.iter(|| black_box(store.due_until(until).unwrap()))
    });
}

/// The Gaps view on the scale data: a level 3 network given 200 findings
/// (over the points that apply to it), opened with its frame drawn at
/// 200x50, and one key in the view to its frame.
fn gaps_benches(c: &mut Criterion) {
    use mlps::domain::gaps::{ComplianceResult, Finding, FindingId, Risk, applicable};
    use mlps::domain::model::Level;
    use mlps::tui::{Action, app::Msg, app::Pane, keymap::Keymap, session::Session};
    use ratatui::{Terminal, backend::TestBackend};
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), Config::default()).unwrap();
    let doc = mlps::demo::generate(CLIENTS, 1, today());
    store
        .import(mlps::formats::interchange::to_records("demo", &doc).unwrap())
        .unwrap();
    let level3 = Level::new(3).unwrap();
    let network = store
        .networks()
        .unwrap()
        .into_iter()
        .find(|n| grading::grade(&n.answers, &n.overrides, RuleSet::Conservative).level == level3)
        .expect("the scale data has level 3 networks");
    let points = applicable(level3, &Default::default());
    let risks = [Risk::High, Risk::Medium, Risk::Low];
    let findings: Vec<Finding> = (0..200)
        .map(|i| {
            let mut f = Finding::new(
                FindingId(0),
                &points[i % points.len()].id,
                &format!("finding {i}: 口令策略未落实, logs kept 30 days"),
                ComplianceResult::NonCompliant,
                risks[i % 3],
                today(),
            );
            f.owner = "张三".into();
            f
        })
        .collect();
    store.import_findings(network.id, findings, false).unwrap();
    let mut app = Session::new(
        Arc::new(store),
        Config::default(),
        Keymap::defaults(),
        today(),
    )
    .unwrap();
    app.jump_to(network.client, Some(network.id));
    app.focus = Pane::Networks;
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function(
        "gaps view: open a network with 200 findings, to the frame",
        |b| {
            b.iter(|| {
                app.send(Msg::Action(Action::Gaps));
                terminal.draw(|f| mlps::tui::view::view(&app, f)).unwrap();
                app.send(Msg::Action(Action::Cancel));
            })
        },
    );
    app.send(Msg::Action(Action::Gaps));
    c.bench_function("gaps view: a key (down) to the frame, 200 findings", |b| {
        b.iter(|| {
            app.send(Msg::Action(Action::Down));
            terminal.draw(|f| mlps::tui::view::view(&app, f)).unwrap();
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = grading_benches, fuzzy_benches, filter_benches, renewal_benches, gaps_benches
}
criterion_main!(benches);
