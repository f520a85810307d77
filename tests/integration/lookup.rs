//! A client or network found from the shell (`mlps renewals QUERY`, `mlps
//! due QUERY`, `mlps report QUERY`: ids, exact names, then the fuzzy
//! jump's English, Chinese, pinyin and initials, ties refused with their
//! ids), and the agenda's output for scripts: ids and Chinese names in
//! the tables and the JSON, nothing cut when piped.

use std::process::Output;

use chrono::NaiveDate;
use serde_json::{Value, json};

use mlps::cli::agenda::{Fit, table};
use mlps::domain::agenda::AgendaRow;
use mlps::domain::model::{ClientId, NetworkId};
use mlps::domain::timeline::{DueKind, DueStatus};

use crate::support::{self, Place};

const BANK_ZH: &str = "重庆渝信商业银行股份有限公司";

/// A place holding the 30 demo clients of seed 1.
fn demo() -> Place {
    let place = support::place();
    assert!(run(&place, &["demo"]).status.success());
    place
}

/// A place holding `clients` (interchange JSON).
fn with(clients: Value) -> Place {
    let place = support::place();
    let doc = json!({"format": "mlps-cases", "version": 1, "clients": clients});
    support::mlps(&place.db, &place.config)
        .args(["import", "-"])
        .write_stdin(doc.to_string())
        .assert()
        .success();
    place
}

fn run(place: &Place, args: &[&str]) -> Output {
    support::mlps(&place.db, &place.config)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// The JSON a command printed, which must have succeeded.
fn json_of(place: &Place, args: &[&str]) -> Vec<Value> {
    let out = run(place, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The exported clients, with their ids.
fn clients(place: &Place) -> Vec<Value> {
    let out = run(place, &["export"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["clients"].as_array().unwrap().clone()
}

fn id(v: &Value) -> u64 {
    v["id"].as_u64().unwrap()
}

fn stop(place: &Place) {
    let _ = run(place, &["stop"]);
}

/// A refused query: exit 2, nothing on stdout, the reason on stderr.
fn refused(place: &Place, args: &[&str]) -> String {
    let out = run(place, args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
    assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
    stderr(&out)
}

#[test]
fn english_chinese_pinyin_initials_and_a_contact_find_the_bank() {
    let place = demo();
    let all = clients(&place);
    let bank = all.iter().find(|c| c["name_zh"] == BANK_ZH).unwrap();
    let rows = json_of(&place, &["due", "--within", "800", "--json"]);
    let of_bank: Vec<Value> = rows
        .iter()
        .filter(|r| r["client_id"] == bank["id"])
        .cloned()
        .collect();
    assert!(of_bank.len() >= 2, "{rows:?}");
    // 罗静 is one of the bank's contacts: a contact stands for its client.
    let by_id = id(bank).to_string();
    for query in [
        "yuxin",
        "渝信",
        "cqyx",
        "Chongqing Yuxin",
        BANK_ZH,
        "罗静",
        &by_id,
    ] {
        let found = json_of(&place, &["due", query, "--within", "800", "--json"]);
        assert_eq!(found, of_bank, "{query}");
    }
    // The text names what was found, and lists only its rows.
    for query in ["yuxin", "渝信"] {
        let text = stdout(&run(&place, &["renewals", query, "--within", "800"]));
        let head = format!(
            "Renewals of client {} Chongqing Yuxin Commercial Bank Co., Ltd. {BANK_ZH} due by",
            id(bank)
        );
        assert!(text.starts_with(&head), "{text}");
        let statuses = ["overdue ", "due ", "upcoming "];
        let table: Vec<&str> = text
            .lines()
            .filter(|l| statuses.iter().any(|s| l.starts_with(s)))
            .collect();
        assert!(!table.is_empty(), "{text}");
        assert!(table.iter().all(|l| l.contains(BANK_ZH)), "{text}");
    }
    // `due` keeps to it in the re-grading list too: of the demo's two
    // networks to re-grade, only the bank's.
    let text = stdout(&run(&place, &["due", "yuxin"]));
    let regrading = text.split("Re-grading needed").nth(1).expect(&text);
    assert_eq!(regrading.lines().count(), 3, "{text}");
    assert!(regrading.contains(BANK_ZH), "{text}");
    let everything = stdout(&run(&place, &["due"]));
    let all_regrading = everything.split("Re-grading needed").nth(1).unwrap();
    assert_eq!(all_regrading.lines().count(), 4, "{everything}");
    stop(&place);
}

#[test]
fn a_network_is_found_by_name_by_its_ids_or_through_a_client_with_one_network() {
    let place = demo();
    let all = clients(&place);
    let acme = all
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with("Acme"))
        .unwrap();
    let shop = acme["networks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "Online shop 网上商城")
        .unwrap();
    // "Online shop" is unique in the demo data: Acme's 网上商城 (the
    // other online shops are named in Chinese only).
    let report = run(&place, &["report", "Online shop"]);
    assert!(report.status.success(), "{}", stderr(&report));
    let text = stdout(&report);
    assert!(text.starts_with("# 等级保护定级报告"), "{text}");
    assert!(text.contains("Online shop 网上商城") && text.contains("阿克米贸易"));
    // The same report by its network id, and by CLIENT_ID/NETWORK_ID as
    // the agenda prints it.
    let ids = format!("{}/{}", id(acme), id(shop));
    for query in [id(shop).to_string(), ids.clone()] {
        assert_eq!(stdout(&run(&place, &["report", &query])), text, "{query}");
    }
    let rows = json_of(&place, &["renewals", &ids, "--within", "800", "--json"]);
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["network_id"] == shop["id"]),
        "{rows:?}"
    );
    // A client with one network stands for it.
    let ironbridge = all
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with("Ironbridge"))
        .unwrap();
    assert_eq!(ironbridge["networks"].as_array().unwrap().len(), 1);
    let text = stdout(&run(&place, &["report", "ironbridge"]));
    assert!(text.contains("HR system"), "{text}");
    // A client with several is refused, listing them with their ids.
    let bank = all.iter().find(|c| c["name_zh"] == BANK_ZH).unwrap();
    let said = refused(&place, &["report", "yuxin"]);
    assert!(said.contains("which has 3 networks"), "{said}");
    for n in bank["networks"].as_array().unwrap() {
        let line = format!(
            "network  {}/{}  {}",
            id(bank),
            id(n),
            n["name"].as_str().unwrap()
        );
        assert!(said.contains(&line), "{line}: {said}");
    }
    stop(&place);
}

#[test]
fn a_tie_is_refused_listing_the_candidates_with_their_ids_and_names() {
    let place = demo();
    let all = clients(&place);
    // Two clients are called Xinghe, two Hoshino.
    for (args, word) in [
        (&["renewals", "xinghe"][..], "Xinghe"),
        (&["due", "hoshino", "--json"], "Hoshino"),
        (&["report", "xinghe"], "Xinghe"),
    ] {
        let said = refused(&place, args);
        assert!(said.contains("matches 2 clients equally well"), "{said}");
        let named: Vec<&Value> = all
            .iter()
            .filter(|c| c["name"].as_str().unwrap().contains(word))
            .collect();
        assert_eq!(named.len(), 2);
        for c in named {
            let line = format!(
                "client   {}  {} {}",
                id(c),
                c["name"].as_str().unwrap(),
                c["name_zh"].as_str().unwrap()
            );
            assert!(said.contains(&line), "{line}: {said}");
        }
    }
    // Two clients have a contact called Guo Yang: the listing says so.
    let said = refused(&place, &["renewals", "guo yang"]);
    assert!(said.contains("matches 2 clients"), "{said}");
    for word in ["Northwind", "Nakamura"] {
        let c = all
            .iter()
            .find(|c| c["name"].as_str().unwrap().starts_with(word))
            .unwrap();
        let line = format!("client   {}  {}", id(c), c["name"].as_str().unwrap());
        let listed = said.lines().find(|l| l.contains(&line)).expect(&said);
        assert!(listed.ends_with("(contact Guo Yang)"), "{listed}");
    }
    // Five networks are named ERP exactly (a sixth, "ERP 系统", is not
    // listed: an exact name decides first).
    let said = refused(&place, &["report", "erp"]);
    assert!(said.contains("\"erp\" matches 5 networks"), "{said}");
    for c in &all {
        for n in c["networks"].as_array().unwrap() {
            let line = format!(
                "network  {}/{}  {} — {} {}",
                id(c),
                id(n),
                n["name"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                c["name_zh"].as_str().unwrap()
            );
            assert_eq!(said.contains(&line), n["name"] == "ERP", "{line}: {said}");
        }
    }
    stop(&place);
}

#[test]
fn a_query_that_matches_nothing_is_named() {
    let place = demo();
    for command in ["renewals", "due"] {
        for json in [false, true] {
            let mut args = vec![command, "zzqqxx"];
            if json {
                args.push("--json");
            }
            let said = refused(&place, &args);
            assert!(
                said.contains("no client or network matches \"zzqqxx\""),
                "{said}"
            );
        }
    }
    let said = refused(&place, &["report", "zzqqxx"]);
    assert!(said.contains("\"zzqqxx\""), "{said}");
    // An id that is nobody's is looked for as text, and found nowhere.
    let said = refused(&place, &["renewals", "99999"]);
    assert!(said.contains("no client or network matches \"99999\""));
    stop(&place);
}

#[test]
fn an_exact_name_wins_over_names_that_begin_with_it() {
    let network = |name: &str| {
        json!({"name": name, "answers": {"pi_subjects": 1000},
               "milestones": [{"stage": "evaluation_passed", "date": "2025-12-01"},
                              {"stage": "certificate_issued", "date": "2025-12-20", "level": 2}]})
    };
    let place = with(json!([
        {"name": "Acme", "name_zh": "阿克米", "networks": [network("Shop")]},
        {"name": "Acme Trading Ltd", "networks": [network("Shop"), network("Shop floor")]},
    ]));
    let all = clients(&place);
    let of = |query: &str| -> Vec<u64> {
        let rows = json_of(&place, &["renewals", query, "--within", "800", "--json"]);
        rows.iter()
            .map(|r| r["client_id"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(of("acme"), [id(&all[0])]);
    assert_eq!(of("阿克米"), [id(&all[0])]);
    assert_eq!(of("ACME TRADING LTD"), [id(&all[1]); 2]);
    // Two networks named Shop exactly: a tie; CLIENT/NETWORK settles it.
    let said = refused(&place, &["report", "shop"]);
    assert!(said.contains("matches 2 networks"), "{said}");
    let text = stdout(&run(&place, &["report", "acme trading ltd/shop"]));
    assert!(text.contains("Acme Trading Ltd"), "{text}");
    stop(&place);
}

#[test]
fn grep_finds_a_client_by_its_chinese_name_with_its_ids() {
    let place = demo();
    let bank = clients(&place)
        .into_iter()
        .find(|c| c["name_zh"] == BANK_ZH)
        .unwrap();
    let rows = json_of(&place, &["renewals", "--json"]);
    let of_bank: Vec<&Value> = rows
        .iter()
        .filter(|r| r["client_id"] == bank["id"])
        .collect();
    assert!(!of_bank.is_empty());
    // `mlps renewals | grep 渝信`
    let text = stdout(&run(&place, &["renewals"]));
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("渝信")).collect();
    assert_eq!(lines.len(), of_bank.len(), "{text}");
    for (line, row) in lines.iter().zip(&of_bank) {
        let ids = format!(" {}/{} ", row["client_id"], row["network_id"]);
        assert!(line.contains(&ids), "{ids}: {line}");
        assert!(
            line.contains(&format!(
                "Chongqing Yuxin Commercial Bank Co., Ltd. {BANK_ZH}"
            )),
            "{line}"
        );
        assert!(line.ends_with(row["network"].as_str().unwrap()), "{line}");
    }
    stop(&place);
}

#[test]
fn json_rows_carry_the_ids_and_the_chinese_name() {
    let place = demo();
    let all = clients(&place);
    let rows = json_of(&place, &["due", "--within", "800", "--json"]);
    assert!(rows.len() > 50);
    let text = stdout(&run(&place, &["due", "--within", "800"]));
    for r in &rows {
        let client = all
            .iter()
            .find(|c| c["id"] == r["client_id"])
            .unwrap_or_else(|| panic!("{r}"));
        let network = client["networks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == r["network_id"])
            .unwrap_or_else(|| panic!("{r}"));
        assert_eq!(r["client"], client["name"]);
        assert_eq!(r["client_zh"], client["name_zh"]);
        assert_eq!(r["network"], network["name"]);
        // The table has the same ids.
        let ids = format!(" {}/{} ", id(client), id(network));
        assert!(text.contains(&ids), "{ids}");
    }
    stop(&place);
}

#[test]
fn long_names_are_whole_when_piped_and_cut_on_a_terminal() {
    let long = "Guangdong Greater Bay Area Cross-Border E-commerce Logistics Holdings Co., Ltd.";
    let long_zh = "广东大湾区跨境电子商务物流控股有限公司";
    let network = "Cross-border customs declaration and bonded warehouse platform";
    let place = with(json!([{"name": long, "name_zh": long_zh, "networks": [
        {"name": network, "answers": {"pi_subjects": 1000},
         "milestones": [{"stage": "evaluation_passed", "date": "2025-12-01"},
                        {"stage": "certificate_issued", "date": "2025-12-20", "level": 2}]}]}]));
    for args in [
        &["renewals", "--within", "800"][..],
        &["due", "--within", "800"],
    ] {
        let text = stdout(&run(&place, args));
        let line = text.lines().find(|l| l.contains("evaluation")).unwrap();
        assert!(line.contains(&format!("{long} {long_zh}")), "{line}");
        assert!(line.ends_with(network), "{line}");
        assert!(!text.contains('…'), "{text}");
    }
    // On a terminal the names are cut, the English one first.
    let row = AgendaRow {
        client: long.into(),
        network: network.into(),
        level: 2,
        max_level: None,
        kind: DueKind::Evaluation,
        due: NaiveDate::from_ymd_opt(2027, 12, 1).unwrap(),
        days_left: 368,
        status: DueStatus::Upcoming,
        client_id: ClientId(1),
        network_id: NetworkId(2),
        client_zh: long_zh.into(),
    };
    let cut = table(std::slice::from_ref(&row), Fit::Cut);
    let line = cut.lines().nth(1).unwrap();
    assert!(line.contains("… 广东大湾区"), "{line}");
    assert!(!line.contains(long) && !line.contains(network), "{line}");
    // The columns before the client's, 48 for it and 30 for the network.
    assert_eq!(mlps::text::width(line), 62 + 2 + 48 + 2 + 30, "{line}");
    let whole = table(std::slice::from_ref(&row), Fit::Whole);
    assert!(whole.contains(&format!("{long} {long_zh}")) && whole.contains(network));
    stop(&place);
}
