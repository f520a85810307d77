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

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = grading_benches, fuzzy_benches, filter_benches, renewal_benches
}
criterion_main!(benches);
