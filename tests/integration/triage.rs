//! `mlps triage`: the networks that need attention, ranked, with their next
//! actions, as a table, as JSON, and as a one-line digest.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{self, EXAMPLE};

fn demo_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("db");
    support::mlps_beside(&db).arg("demo").assert().success();
    db
}

#[test]
fn the_table_ranks_cases_with_both_names_ids_and_the_next_action() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let out = support::mlps_beside(&db).arg("triage").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with("need attention on 2026-11-28, most urgent first:"),
        "{text}"
    );
    assert!(lines.next().unwrap().starts_with("URGENCY"), "{text}");
    assert!(lines.next().unwrap().starts_with("overdue"), "{text}");
    // The bank by its Chinese name, whole (stdout is not a terminal), and
    // an id column a script can cut.
    let bank = text
        .lines()
        .find(|l| l.contains("重庆渝信商业银行股份有限公司") && l.contains("Core banking system"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        bank.contains("Chongqing Yuxin Commercial Bank Co., Ltd."),
        "{bank}"
    );
    assert!(
        bank.contains("book the evaluation (evaluation overdue by "),
        "{bank}"
    );
    assert!(
        bank.split_whitespace().any(|w| w
            .split_once('/')
            .is_some_and(|(c, n)| c.parse::<u64>().is_ok() && n.parse::<u64>().is_ok())),
        "{bank}"
    );
    // Further reasons of a network sit under it.
    assert!(text.contains("also (provisional): answer "), "{text}");
}

#[test]
fn the_json_carries_ids_names_and_every_reason_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let out = support::mlps_beside(&db)
        .args(["triage", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() > 10);
    let tiers = [
        "overdue",
        "regrading",
        "due",
        "stalled",
        "provisional",
        "missing_facts",
    ];
    let tier = |r: &Value| {
        tiers
            .iter()
            .position(|t| r["reasons"][0]["tier"] == *t)
            .unwrap_or_else(|| panic!("{r}"))
    };
    assert!(rows.windows(2).all(|p| tier(&p[0]) <= tier(&p[1])));
    for r in &rows {
        assert!(r["client_id"].is_u64() && r["network_id"].is_u64(), "{r}");
        assert!(r["client"].is_string() && r["client_zh"].is_string());
        for reason in r["reasons"].as_array().unwrap() {
            assert!(reason["action"].as_str().is_some_and(|a| !a.is_empty()));
            assert!(reason["place"]["at"].is_string(), "{reason}");
        }
    }
    let regrade = rows
        .iter()
        .find(|r| r["reasons"][0]["tier"] == "regrading")
        .unwrap();
    assert_eq!(regrade["reasons"][0]["place"]["at"], "filed_level");
    assert!(
        regrade["reasons"][0]["why"]
            .as_str()
            .unwrap()
            .starts_with("filed ")
    );
}

#[test]
fn the_brief_digest_is_one_line_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    support::mlps_beside(&db)
        .args(["triage", "--brief"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"^mlps: \d+ overdue, \d+ due within 30 days, \d+ to re-grade(, \d+ fix(es)? overdue)?: run mlps triage\n$",
            )
            .unwrap(),
        );
    // Before anything fell due (and with nothing stalled yet), it says
    // nothing at all, for a login message.
    let quiet = dir.path().join("quiet");
    let file = dir.path().join("example.json");
    // The example's network, filed at the level it computes to.
    std::fs::write(
        &file,
        EXAMPLE.replace("\"filed_level\": 2", "\"filed_level\": 3"),
    )
    .unwrap();
    support::mlps_beside(&quiet)
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    support::mlps_beside(&quiet)
        .args(["triage", "--brief", "--today", "2000-01-01"])
        .assert()
        .success()
        .stdout("");
    // --json and --brief do not go together.
    support::mlps_beside(&quiet)
        .args(["triage", "--brief", "--json"])
        .assert()
        .code(2);
}

#[test]
fn stall_days_come_from_the_config_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let config = db.with_extension("config");
    std::fs::create_dir_all(&config).unwrap();
    // Every stage stalls after a day: cases resting at a stage show up.
    let all = "[stall_days]\nquestionnaire_sent = 1\nquestionnaire_received = 1\n\
               initial_assessment = 1\naudit_firm_selected = 1\ncertificate_issued = 1\n\
               gap_analysis = 1\nrectification_done = 1\nevaluation_failed = 1\n";
    std::fs::write(config.join("config.toml"), all).unwrap();
    let out = support::mlps_beside(&db)
        .args(["triage", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let stalled: Vec<&Value> = rows
        .iter()
        .flat_map(|r| r["reasons"].as_array().unwrap())
        .filter(|x| x["tier"] == "stalled")
        .collect();
    assert!(!stalled.is_empty(), "{rows:?}");
    assert!(
        stalled
            .iter()
            .all(|x| x["why"].as_str().unwrap().contains(" days ago and no "))
    );
    // A misspelt stage is named with its place.
    std::fs::write(
        config.join("config.toml"),
        "[stall_days]\nquestionaire_sent = 3\n",
    )
    .unwrap();
    support::mlps_beside(&db)
        .arg("triage")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("config.toml:2:1"))
        .stderr(predicate::str::contains("questionaire_sent"));
}

#[test]
fn show_and_triage_find_a_case_by_query() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    // The bank by its pinyin initials: details, contacts, every network
    // with its level, next date, open questions and next action.
    let out = support::mlps_beside(&db)
        .args(["show", "cqyx"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Client ") && text.lines().next().unwrap().contains("重庆渝信商业银行"),
        "{text}"
    );
    for want in [
        "Credit code:",
        "Address:",
        "Contacts:",
        "Networks (3):",
        "Core banking system",
        "Next due:",
        "Open:",
        "Next action: book the evaluation (evaluation overdue by ",
        "re-grading needed",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // A network alone, by its name.
    let out = support::mlps_beside(&db)
        .args(["show", "Online shop"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("\nNetwork ").count(), 1, "{text}");
    assert!(text.contains("Online shop 网上商城"), "{text}");
    // Triage of one client lists only its networks.
    let out = support::mlps_beside(&db)
        .args(["triage", "yuxin", "--json"])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["client_zh"].as_str().unwrap().contains("渝信")),
        "{rows:?}"
    );
    // Nothing, or several equally good: exit 2, naming the query or the
    // candidates with their ids.
    support::mlps_beside(&db)
        .args(["show", "zzzzqq"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"zzzzqq\""));
    support::mlps_beside(&db)
        .args(["show", "erp"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"\d+/\d+").unwrap());
}
