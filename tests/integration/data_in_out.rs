//! Data in and out through the real binary: a spreadsheet tracker imported
//! (checked first, all or nothing, GBK converted) and exported in the same
//! columns; the calendar feed read back by an iCalendar parser and checked
//! against RFC 5545 by a checker of its own, its UIDs stable across exports
//! and edits; the report command.

use std::path::Path;

use assert_cmd::Command;
use icalendar::{Calendar, CalendarComponent, Component};
use predicates::prelude::*;

use crate::{rfc5545, support};

/// `mlps` with its own database and config directory, today fixed on
/// 2026-12-01.
fn mlps(db: &Path) -> Command {
    let mut cmd = support::mlps_beside(db);
    cmd.env("MLPS_TODAY", "2026-12-01");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const TRACKER: &str = "\
client_name,client_name_zh,region,contact_name,contact_email,network,object_type,pi_subjects,public_facing,expert_review,filing_submitted,evaluation_passed,evaluation_score
Acme Trading Ltd,阿克米贸易有限公司,Shanghai,Li Wei,li@example.com,Online shop,website,\"250,000\",yes,2025/3/1,2025-03-10,2025-12-01,82.5
Acme Trading Ltd,阿克米贸易有限公司,Shanghai,Li Wei,li@example.com,Staff portal,information_system,800,no,,,,
重庆银行,重庆银行股份有限公司,Chongqing,,,核心系统,,,,,,,
";

#[test]
fn a_tracker_is_checked_imported_and_exported_in_the_same_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("tracker.csv");
    std::fs::write(&file, TRACKER).unwrap();

    // --check reads it all and imports nothing.
    mlps(&db)
        .arg("import")
        .arg(&file)
        .arg("--check")
        .assert()
        .success()
        .stdout(predicate::str::contains("2 clients and 3 networks"))
        .stdout(predicate::str::contains("nothing was imported"));
    assert!(!db.exists());

    mlps(&db).arg("import").arg(&file).assert().success();
    let due: serde_json::Value = serde_json::from_str(&stdout(
        mlps(&db).args(["due", "--within", "800", "--json"]),
    ))
    .unwrap();
    // 250 000 PI subjects: level 3 (conservative), renewed a year after the
    // evaluation.
    assert!(
        due.as_array()
            .unwrap()
            .iter()
            .any(|d| d["network"] == "Online shop"
                && d["level"] == 3
                && d["kind"] == "evaluation"
                && d["due"] == "2026-12-01"),
        "{due}"
    );

    // The export reads back to the same export: the spreadsheet round-trips.
    let exported = stdout(mlps(&db).args(["export", "--format", "csv"]));
    let header = exported
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap();
    assert_eq!(
        header.split(',').collect::<Vec<_>>(),
        mlps::formats::spreadsheet::COLUMNS
    );
    let again = dir.path().join("again.csv");
    std::fs::write(&again, &exported).unwrap();
    let second = dir.path().join("second");
    mlps(&second).arg("import").arg(&again).assert().success();
    assert_eq!(
        stdout(mlps(&second).args(["export", "--format", "csv"])),
        exported
    );
    assert_eq!(
        stdout(mlps(&second).args(["export"])),
        stdout(mlps(&db).args(["export"]))
    );
}

#[test]
fn bad_rows_are_all_listed_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("mixed.csv");
    let mixed = "\
client_name,network,pi_subjects,expert_review,contact_name,contact_email
Good Ltd,Shop,100,2025-01-02,Ann,a@example.com
Bad Ltd,Site,-5,2026-02-30,Bo,someone@
Worse Ltd,App,99999999999999999999,2025/13/01,,
";
    std::fs::write(&file, mixed).unwrap();
    for check in [true, false] {
        let mut cmd = mlps(&db);
        cmd.arg("import").arg(&file);
        if check {
            cmd.arg("--check");
        }
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains("row 3, column pi_subjects"))
            .stderr(predicate::str::contains("row 3, column expert_review"))
            .stderr(predicate::str::contains("row 3, column contact_email"))
            .stderr(predicate::str::contains("row 4, column pi_subjects"))
            .stderr(predicate::str::contains("row 4, column expert_review"))
            .stderr(predicate::str::contains("5 problems"))
            .stderr(predicate::str::contains("row 2").not());
        assert!(!db.exists(), "all or nothing");
    }
}

#[test]
fn a_gbk_tracker_is_converted_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("gbk.csv");
    let (bytes, _, bad) = encoding_rs::GBK.encode(TRACKER);
    assert!(!bad);
    std::fs::write(&file, &bytes).unwrap();
    mlps(&db)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("GBK"));
    let doc = stdout(mlps(&db).arg("export"));
    assert!(
        doc.contains("阿克米贸易有限公司") && doc.contains("核心系统"),
        "{doc}"
    );
}

/// Each event's UID, summary, DTSTART, number of alarms and DTEND.
fn parse_feed(text: &str) -> Vec<(String, String, String, usize, String)> {
    let calendar: Calendar = text.parse().expect("an iCalendar parser reads the feed");
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let start = e.property_value("DTSTART").unwrap_or_default().to_string();
            (
                e.get_uid().unwrap_or_default().to_string(),
                e.get_summary().unwrap_or_default().to_string(),
                start,
                e.components().len(),
                e.property_value("DTEND").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_calendar_feed_parses_and_keeps_its_uids() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("tracker.csv");
    std::fs::write(&file, TRACKER).unwrap();
    mlps(&db).arg("import").arg(&file).assert().success();
    mlps(&db)
        .args(["demo", "--clients", "5"])
        .assert()
        .success();

    let feed = stdout(mlps(&db).args(["export", "--format", "ics"]));
    rfc5545::assert_valid(&feed);
    let events = parse_feed(&feed);
    let due: serde_json::Value = serde_json::from_str(&stdout(
        mlps(&db).args(["due", "--within", "36600", "--json"]),
    ))
    .unwrap();
    assert_eq!(
        events.len(),
        due.as_array().unwrap().len(),
        "one event per open obligation"
    );
    let uids: std::collections::BTreeSet<_> = events.iter().map(|e| e.0.clone()).collect();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    // All-day events, each with its two alarms.
    assert!(
        events.iter().all(|e| e.2.len() == 8 && e.3 == 2),
        "{events:?}"
    );
    assert!(feed.contains("DTSTART;VALUE=DATE:"));
    // One-day events: each ends the day after it starts.
    for e in &events {
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y%m%d").unwrap();
        assert_eq!(day(&e.4), day(&e.2).succ_opt().unwrap(), "{e:?}");
    }
    assert!(feed.contains("TRIGGER:-PT2592000S") && feed.contains("TRIGGER:-PT604800S"));
    // The summary names client, network, level and kind.
    let shop = events
        .iter()
        .find(|e| e.1.contains("Online shop") && e.1.contains("renewal"))
        .expect("the shop's renewal");
    assert!(
        shop.1.contains("Acme Trading Ltd")
            && shop.1.contains("level 3")
            && shop.1.contains("evaluation"),
        "{}",
        shop.1
    );
    assert_eq!(shop.2, "20261201");

    // After renaming the client and recording the next evaluation, on
    // another day, the same obligations keep their UIDs: the renewal
    // moves a year on.
    {
        use mlps::store::CaseStore;
        let launcher = support::launcher(&db.with_extension("config"));
        let store = mlps::server::client::connect_or_start_with(&db, &launcher).unwrap();
        let mut acme = store
            .clients()
            .unwrap()
            .into_iter()
            .find(|c| c.name == "Acme Trading Ltd")
            .unwrap();
        acme.name = "Acme Trading (China) Ltd".into();
        let acme = store.update_client(acme).unwrap();
        let mut shop = store
            .networks_of(acme.id)
            .unwrap()
            .into_iter()
            .find(|n| n.name == "Online shop")
            .unwrap();
        let mut eval = mlps::domain::model::Milestone::new(
            mlps::domain::model::Stage::EvaluationPassed,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        );
        eval.score = Some(85.0);
        shop.milestones.push(eval);
        store.update_network(shop).unwrap();
    }
    let later = stdout(
        mlps(&db)
            .env("MLPS_TODAY", "2026-12-02")
            .args(["export", "--format", "ics"]),
    );
    rfc5545::assert_valid(&later);
    let later = parse_feed(&later);
    let later_uids: std::collections::BTreeSet<_> = later.iter().map(|e| e.0.clone()).collect();
    assert_eq!(later_uids, uids);
    let shop_later = later.iter().find(|e| e.0 == shop.0).unwrap();
    assert!(
        shop_later.1.contains("Acme Trading (China) Ltd"),
        "{}",
        shop_later.1
    );
    assert_eq!(shop_later.2, "20271120");
    let _ = mlps::server::client::stop(&db);
}

/// A small calendar that keeps every rule: two events, one all day with
/// an alarm and a folded line, one timed.
const GOOD: &str = "\
BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//example//test//EN\r
BEGIN:VEVENT\r
UID:a@example\r
DTSTAMP:20261201T080000Z\r
DTSTART;VALUE=DATE:20261201\r
DTEND;VALUE=DATE:20261202\r
SUMMARY:Renewal\\, 测评\\; level 3\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER:-P7D\r
DESCRIPTION:Due in 7 days\\nAcme 阿克米贸易 / Online shop 阿克\r
 米贸易\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:b@example\r
DTSTAMP:20261201T080000Z\r
DTSTART;TZID=Asia/Shanghai:20261201T090000\r
DTEND;TZID=Asia/Shanghai:20261201T100000\r
SUMMARY:Second\r
CATEGORIES:MLPS,Renewal\r
END:VEVENT\r
END:VCALENDAR\r
";

/// The line of `calendar` that holds `needle` (from 1).
fn line_of(calendar: &[u8], needle: &str) -> usize {
    let text = String::from_utf8_lossy(calendar);
    1 + text
        .split('\n')
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} in the calendar"))
}

fn broken(calendar: &[u8]) -> Vec<(usize, rfc5545::Rule)> {
    rfc5545::validate(calendar)
        .into_iter()
        .map(|v| (v.line, v.rule))
        .collect()
}

#[test]
fn the_rfc_5545_checker_finds_each_broken_rule() {
    use rfc5545::Rule::*;
    assert_eq!(broken(GOOD.as_bytes()), vec![], "the good calendar");
    let with = |from: &str, to: &str| {
        assert!(GOOD.contains(from), "{from:?}");
        GOOD.replacen(from, to, 1).into_bytes()
    };

    let same_day = with("DTEND;VALUE=DATE:20261202", "DTEND;VALUE=DATE:20261201");
    let line = line_of(&same_day, "DTEND;VALUE=DATE");
    assert_eq!(broken(&same_day), vec![(line, DtendNotLater)]);

    let earlier = with("T100000\r", "T080000\r");
    assert_eq!(
        broken(&earlier),
        vec![(line_of(&earlier, "T080000\r"), DtendNotLater)]
    );

    let long = format!("SUMMARY:{}", "x".repeat(72));
    assert_eq!(long.len(), 80);
    let long_line = with("SUMMARY:Second", &long);
    assert_eq!(
        broken(&long_line),
        vec![(line_of(&long_line, "xxxx"), LineLength)]
    );

    // The fold moved one octet into 米 (three octets).
    let mut split = GOOD.as_bytes().to_vec();
    let fold = GOOD.find("\r\n 米").unwrap();
    split.splice(
        fold..fold + 4,
        [GOOD.as_bytes()[fold + 3], b'\r', b'\n', b' '],
    );
    let first = line_of(&split, "DESCRIPTION:");
    assert_eq!(broken(&split), vec![(first, Utf8), (first + 1, Utf8)]);
    assert!(String::from_utf8(split).is_err());

    let no_uid = with("UID:b@example\r\n", "");
    assert_eq!(
        broken(&no_uid),
        vec![(line_of(&no_uid, "SUMMARY:Second") - 4, Uid)]
    );

    let two_uids = with("UID:b@example\r\n", "UID:b@example\r\nUID:c@example\r\n");
    assert_eq!(broken(&two_uids), vec![(line_of(&two_uids, "UID:c@"), Uid)]);

    let duplicate = with("UID:b@example", "UID:a@example");
    assert_eq!(
        broken(&duplicate),
        vec![(line_of(&duplicate, "SUMMARY:Second") - 4, DuplicateUid)]
    );

    let comma = with("Renewal\\,", "Renewal,");
    assert_eq!(
        broken(&comma),
        vec![(line_of(&comma, "SUMMARY:Renewal"), TextEscape)]
    );
    let semicolon = with("\\; level", "; level");
    assert_eq!(
        broken(&semicolon),
        vec![(line_of(&semicolon, "SUMMARY:Renewal"), TextEscape)]
    );
    let backslash = with("\\nAcme", "\\xAcme");
    assert_eq!(
        broken(&backslash),
        vec![(line_of(&backslash, "DESCRIPTION:"), TextEscape)]
    );

    let local = with("DTSTAMP:20261201T080000Z", "DTSTAMP:20261201T080000");
    assert_eq!(broken(&local), vec![(6, Dtstamp)]);
    let zoned = with(
        "DTSTAMP:20261201T080000Z",
        "DTSTAMP;TZID=Asia/Shanghai:20261201T160000",
    );
    assert_eq!(broken(&zoned), vec![(6, Dtstamp)]);
    let dated = with("DTSTAMP:20261201T080000Z", "DTSTAMP;VALUE=DATE:20261201");
    assert_eq!(broken(&dated), vec![(6, Dtstamp)]);

    let lf = GOOD.replace("\r\n", "\n");
    let lines = GOOD.matches("\r\n").count();
    assert_eq!(
        broken(lf.as_bytes()),
        (1..=lines).map(|l| (l, LineEnding)).collect::<Vec<_>>()
    );

    let mixed = with("DTEND;VALUE=DATE:20261202", "DTEND:20261202T000000Z");
    assert_eq!(
        broken(&mixed),
        vec![(line_of(&mixed, "DTEND:2026"), DtendType)]
    );
    let both = with("SUMMARY:Second", "DURATION:PT1H\r\nSUMMARY:Second");
    assert_eq!(
        broken(&both),
        vec![(line_of(&both, "DURATION"), DtendAndDuration)]
    );
    let silent = with("DESCRIPTION:Due", "COMMENT:Due");
    assert_eq!(broken(&silent), vec![(10, Alarm)]);
    let no_version = with("VERSION:2.0\r\n", "VERSION:1.0\r\n");
    assert_eq!(broken(&no_version), vec![(2, CalendarProperties)]);
    let bell = with("Second", "Sec\x07ond");
    assert_eq!(
        broken(&bell),
        vec![(line_of(&bell, "SUMMARY:Sec"), ControlCharacter)]
    );
    let unclosed = with("END:VALARM\r\n", "");
    assert_eq!(broken(&unclosed), vec![(10, Nesting)]);
    let outside = with("END:VCALENDAR\r\n", "END:VCALENDAR\r\nSUMMARY:After\r\n");
    assert_eq!(
        broken(&outside),
        vec![(line_of(&outside, "SUMMARY:After"), Nesting)]
    );
    let alarm_in_calendar = with("BEGIN:VEVENT\r\nUID:b", "BEGIN:VALARM\r\nUID:b");
    assert!(
        broken(&alarm_in_calendar).contains(&(17, Nesting)),
        "{:?}",
        broken(&alarm_in_calendar)
    );
}

#[test]
fn the_report_command_finds_the_network_and_writes_either_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("tracker.csv");
    std::fs::write(&file, TRACKER).unwrap();
    mlps(&db).arg("import").arg(&file).assert().success();

    let md = stdout(mlps(&db).args(["report", "online shop"]));
    assert!(md.starts_with("# 等级保护定级报告"), "{md}");
    assert!(md.contains("阿克米贸易有限公司") && md.contains("S4"));
    let by_path = stdout(mlps(&db).args(["report", "阿克米贸易有限公司/Online shop"]));
    assert_eq!(by_path, md);

    let html = dir.path().join("shop.html");
    mlps(&db)
        .args(["report", "核心系统", "--format", "html", "--output"])
        .arg(&html)
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrote the report"));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("重庆银行股份有限公司"));

    mlps(&db)
        .args(["report", "nothing like it"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no network is named"));
    mlps(&db)
        .args(["report", "shop", "--format", "pdf"])
        .assert()
        .code(2);
}

#[test]
fn ids_the_database_holds_are_refused_by_the_check_and_the_import_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("tracker.csv");
    std::fs::write(&file, TRACKER).unwrap();
    mlps(&db).arg("import").arg(&file).assert().success();
    let exported = stdout(mlps(&db).args(["export", "--format", "csv"]));
    let again = dir.path().join("again.csv");
    std::fs::write(&again, &exported).unwrap();
    let before = stdout(mlps(&db).arg("export"));
    for check in [true, false] {
        let mut cmd = mlps(&db);
        cmd.arg("import").arg(&again);
        if check {
            cmd.arg("--check");
        }
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(
                "client id 1 (Acme Trading Ltd) is already in the database",
            ))
            .stderr(predicate::str::contains(
                "(Online shop) is already in the database",
            ))
            .stderr(predicate::str::contains("5 ids are already taken"))
            .stderr(predicate::str::contains("clients[").not());
    }
    assert_eq!(
        stdout(mlps(&db).arg("export")),
        before,
        "nothing was imported"
    );
}

/// An export with findings imports into another database and exports the
/// same gap lists; a document without findings exports without the key.
#[test]
fn findings_round_trip_through_mlps_export_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let doc = r#"{"format": "mlps-cases", "version": 1, "clients": [{"name": "Acme",
      "networks": [
        {"name": "Shop", "gap_extensions": {"added": ["cloud"]}, "findings": [
          {"control_point": "computing.identity_auth", "description": "弱口令", "result": "non_compliant",
           "risk": "high", "owner": "王工", "due": "2026-12-31", "status": "in_progress",
           "history": [{"date": "2026-10-01", "to": "open"}, {"date": "2026-10-20", "from": "open", "to": "in_progress"}]},
          {"control_point": "computing.audit", "description": "no log review", "result": "partial", "risk": "medium"}
        ]},
        {"name": "HR"}
      ]}]}"#;
    let file = dir.path().join("in.json");
    std::fs::write(&file, doc).unwrap();
    let first = dir.path().join("first");
    mlps(&first)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 client, 2 networks and 2 findings",
        ));
    let exported = stdout(mlps(&first).arg("export"));
    let value: serde_json::Value = serde_json::from_str(&exported).unwrap();
    let networks = &value["clients"][0]["networks"];
    assert_eq!(networks[0]["findings"].as_array().unwrap().len(), 2);
    assert_eq!(networks[0]["findings"][0]["status"], "in_progress");
    assert_eq!(networks[0]["gap_extensions"]["added"][0], "cloud");
    assert!(networks[1].get("findings").is_none(), "{exported}");

    // Into another database (ids kept), and out again: the same document;
    // a second time, the finding ids are refused as taken.
    let again = dir.path().join("again.json");
    std::fs::write(&again, &exported).unwrap();
    let second = dir.path().join("second");
    mlps(&second).arg("import").arg(&again).assert().success();
    assert_eq!(stdout(mlps(&second).arg("export")), exported);
    let mut renumbered: serde_json::Value = value.clone();
    renumbered["clients"][0]["id"] = serde_json::json!(100);
    renumbered["clients"][0]["networks"][0]["id"] = serde_json::json!(101);
    renumbered["clients"][0]["networks"][1]["id"] = serde_json::json!(102);
    std::fs::write(&again, renumbered.to_string()).unwrap();
    let finding_id = |i: usize| value["clients"][0]["networks"][0]["findings"][i]["id"].clone();
    let taken = |i: usize| {
        format!(
            "finding id {} (of network Shop) is already in the database",
            finding_id(i)
        )
    };
    for check in [true, false] {
        let mut cmd = mlps(&second);
        cmd.arg("import").arg(&again);
        if check {
            cmd.arg("--check");
        }
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(taken(0)))
            .stderr(predicate::str::contains(taken(1)));
    }
    renumbered["clients"][0]["networks"][0]["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("id");
    renumbered["clients"][0]["networks"][0]["findings"][1]
        .as_object_mut()
        .unwrap()
        .remove("id");
    std::fs::write(&again, renumbered.to_string()).unwrap();
    mlps(&second)
        .arg("import")
        .arg(&again)
        .arg("--check")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "it would import 1 client, 2 networks and 2 findings",
        ));
    mlps(&second)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains("2 findings"));
}
