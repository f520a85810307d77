//! The command line as scripts use it: exit codes, messages that name the
//! place of bad input, and documents that round-trip.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

use crate::support::{self, EXAMPLE};

const ANSWERS: &str = include_str!("../fixtures/answers-example.toml");

/// `mlps` with its own database and config directory, today fixed, and
/// colour left to the command.
fn mlps(db: &Path) -> Command {
    let mut cmd = support::mlps_beside(db);
    cmd.env_remove("NO_COLOR");
    cmd
}

fn export(db: &Path) -> String {
    let out = mlps(db)
        .args(["export", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn assess_reproduces_the_worked_example() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answers.toml");
    std::fs::write(&file, ANSWERS).unwrap();
    let out = mlps(&dir.path().join("db"))
        .arg("assess")
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["level"], 3);
    assert_eq!(v["rules"], "conservative");
    assert_eq!(v["other_rules_level"], 3);
    assert_eq!(v["business_information"]["rule"], "S4");
    assert_eq!(v["business_information"]["degree"], "particularly_serious");
    assert_eq!(v["system_service"]["rule"], "override");
    assert_eq!(v["system_service"]["object"], "social_order");
    assert_eq!(v["floors"], json!([]));
    // assess never touches a database.
    assert!(!dir.path().join("db").exists());

    // Under GB/T 22240 only S drops (to 2); the override keeps A at 3.
    let out = mlps(&dir.path().join("db"))
        .arg("assess")
        .arg(&file)
        .args(["--rules", "gbt22240", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["level"].as_u64(),
            v["business_information"]["level"].as_u64()
        ),
        (Some(3), Some(2))
    );
}

#[test]
fn assess_text_answers_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.toml");
    std::fs::write(&file, "pi_subjects = 250000\npublic_facing = true\ndata_categories = [\"personal\"]\ncii = false\n").unwrap();
    mlps(&dir.path().join("db"))
        .arg("assess")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("Level 3"))
        .stdout(predicate::str::contains("S4: 250 000 PI subjects"))
        .stdout(predicate::str::contains("GB/T 22240 gives 2"));
}

#[test]
fn assess_rejects_bad_answers_with_the_key_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "unknown.toml",
            "object_type = \"website\"\npi_subject = 3\n",
            &["unknown.toml:2:1", "pi_subject"],
        ),
        (
            "type.toml",
            "cii = \"maybe\"\n",
            &["type.toml:1:7", "boolean"],
        ),
        (
            "enum.toml",
            "sector = \"banking\"\n",
            &["enum.toml:1:10", "banking", "finance"],
        ),
        (
            "negative.toml",
            "outage_affected_people = -1\n",
            &["negative.toml:1:26", "negative"],
        ),
        (
            "level.toml",
            "hosted_max_level = 6\n",
            &["level.toml:1:20", "0 (none) to 5"],
        ),
        ("syntax.toml", "pi_subjects = \n", &["syntax.toml:1:"]),
        (
            "bad.json",
            "{\"pi_subjects\": \"many\"}",
            &["bad.json:1:", "at pi_subjects"],
        ),
        ("empty.json", "", &["empty.json", "empty"]),
        (
            "override.toml",
            "[override.system_service]\nobject = \"citizens\"\ndegree = \"serious\"\n",
            &["override.toml", "justification"],
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = mlps(&dir.path().join("db"))
            .arg("assess")
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        for e in *expected {
            assert!(err.contains(e), "{name}: {err:?} lacks {e:?}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn export_import_export_gives_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    mlps(&first)
        .arg("import")
        .arg("-")
        .write_stdin(EXAMPLE)
        .assert()
        .success()
        .stdout(predicate::str::contains("saved"));
    mlps(&first)
        .args(["demo", "--clients", "12", "--seed", "3"])
        .assert()
        .success();
    let exported = export(&first);
    mlps(&first)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains("13 clients, 36 networks, "))
        .stdout(predicate::str::contains(" findings, 2 log entries and"))
        .stdout(predicate::str::contains("no problems"));
    // A database that is not there is not made by checking it.
    mlps(&dir.path().join("none"))
        .arg("doctor")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no database"));

    let second = dir.path().join("second");
    mlps(&second)
        .arg("import")
        .arg("-")
        .write_stdin(exported.clone())
        .assert()
        .success();
    assert_eq!(export(&second), exported);

    // The example's content survives, with ids added.
    let v: Value = serde_json::from_str(&exported).unwrap();
    let original: Value = serde_json::from_str(EXAMPLE).unwrap();
    let mut client = v["clients"][0].clone();
    assert!(client["id"].is_u64());
    client.as_object_mut().unwrap().remove("id");
    client["networks"][0].as_object_mut().unwrap().remove("id");
    assert_eq!(client, original["clients"][0]);
}

#[test]
fn renewals_reproduce_the_interface_example() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(EXAMPLE)
        .assert()
        .success();
    // 368 days out: outside the default 90 days, inside 400.
    let out = mlps(&db).args(["renewals", "--json"]).output().unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        json!([])
    );
    let out = mlps(&db)
        .args(["renewals", "--within", "400", "--json"])
        .output()
        .unwrap();
    // The example's keys, then the ids and the client's Chinese name
    // (added since, after them).
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
    let order = ["status", "client_id", "network_id", "client_zh"].map(at);
    assert!(order.is_sorted(), "{text}");
    let mut rows = serde_json::from_slice::<Value>(&out.stdout).unwrap();
    let added = ["client_id", "network_id", "client_zh"];
    let row = rows[0].as_object_mut().unwrap();
    assert!(row["client_id"].is_u64() && row["network_id"].is_u64());
    assert_eq!(row["client_zh"], "阿克米贸易有限公司");
    for key in added {
        row.remove(key);
    }
    assert_eq!(
        rows,
        json!([{"client": "Acme Trading Ltd", "network": "Online shop", "level": 2,
                "kind": "evaluation", "due": "2027-12-01", "days_left": 368, "status": "upcoming"}])
    );
    // --today overrides MLPS_TODAY; past the date the renewal is overdue
    // and always listed.
    let out = mlps(&db)
        .args(["renewals", "--today", "2028-01-01", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["status"], "overdue");
    assert_eq!(v[0]["days_left"], -31);
    // `due` lists no certificate expiry: issued 2025-12-20, it stays
    // valid (to 2028-12-20) past the renewal of 2027-12-01, which is the
    // one thing to do.
    let out = mlps(&db)
        .args(["due", "--within", "1000", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["evaluation"]);
}

#[test]
fn the_demo_agenda_is_believable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    mlps(&db)
        .arg("demo")
        .assert()
        .success()
        .stdout(predicate::str::contains("30 demo clients"));
    let out = mlps(&db).args(["renewals", "--json"]).output().unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let status = |s: &str| rows.iter().filter(|r| r["status"] == s).count();
    assert!(
        status("overdue") > 0 && status("due") > 0 && status("upcoming") > 0,
        "{rows:?}"
    );
    // Sorted by due date, then client, then network.
    let keys: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["due"].as_str().unwrap().into(),
                r["client"].as_str().unwrap().into(),
                r["network"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(
        rows.iter()
            .all(|r| r["kind"] == "evaluation" || r["kind"] == "self_assessment")
    );
    mlps(&db)
        .arg("renewals")
        .assert()
        .success()
        .stdout(predicate::str::contains("overdue"));
}

#[test]
fn bad_imports_exit_2_name_the_path_and_write_nothing() {
    let base: Value = serde_json::from_str(EXAMPLE).unwrap();
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "unknown key",
            edit(&|v| v["clients"][0]["networks"][0]["answers"]["pi_subject"] = json!(5)),
            "clients[0].networks[0].answers.pi_subject",
        ),
        (
            "wrong type",
            edit(&|v| v["clients"][0]["networks"][0]["answers"]["public_facing"] = json!("yes")),
            "clients[0].networks[0].answers.public_facing",
        ),
        (
            "bad enum value",
            edit(&|v| {
                v["clients"][0]["networks"][0]["milestones"][0]["stage"] = json!("evaluated")
            }),
            "clients[0].networks[0].milestones[0].stage",
        ),
        (
            "negative count",
            edit(&|v| v["clients"][0]["networks"][0]["answers"]["pi_subjects"] = json!(-1)),
            "clients[0].networks[0].answers.pi_subjects",
        ),
        (
            "impossible date",
            edit(&|v| {
                v["clients"][0]["networks"][0]["milestones"][1]["date"] = json!("2026-02-30")
            }),
            "clients[0].networks[0].milestones[1].date",
        ),
        (
            "malformed JSON",
            "{\"format\": \"mlps-cases\", \"version\": 1, \"clients\": [".into(),
            "in.json:1:51: at clients: EOF",
        ),
        ("empty file", String::new(), "empty"),
        (
            "unknown top-level key",
            edit(&|v| v["client"] = json!([])),
            "client",
        ),
        (
            "failed evaluation",
            edit(&|v| v["clients"][0]["networks"][0]["milestones"][0]["score"] = json!(65)),
            "clients[0].networks[0].milestones[0].score",
        ),
        (
            "override without justification",
            edit(
                &|v| v["clients"][0]["networks"][0]["override"] = json!({"business_information": {"object": "citizens", "degree": "general", "justification": ""}}),
            ),
            "clients[0].networks[0].override.business_information.justification",
        ),
        (
            "wrong format",
            edit(&|v| v["format"] = json!("other")),
            "format",
        ),
        (
            "bad e-mail",
            edit(&|v| v["clients"][0]["contacts"][0]["email"] = json!("li at example")),
            "clients[0].contacts[0].email",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // A database with content, to show a failed import changes nothing.
    mlps(&db)
        .args(["demo", "--clients", "3"])
        .assert()
        .success();
    let before = export(&db);
    let fresh = dir.path().join("fresh");
    for (what, text, path) in cases {
        let file = dir.path().join("in.json");
        std::fs::write(&file, &text).unwrap();
        for target in [&db, &fresh] {
            let out = mlps(target).arg("import").arg(&file).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{what}: {err}");
            assert!(err.contains(path), "{what}: {err:?} does not name {path:?}");
            assert!(
                err.contains("in.json"),
                "{what}: {err:?} does not name the file"
            );
        }
        assert!(
            !fresh.exists(),
            "{what}: a failed import created a database"
        );
    }
    assert_eq!(export(&db), before);
}

#[test]
fn a_bad_config_file_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let config = db.with_extension("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("holidays.toml"),
        "holidays = [\"2026-10-01\", \"2026-13-01\"]\n",
    )
    .unwrap();
    mlps(&db)
        .arg("renewals")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holidays.toml:1:27"))
        .stderr(predicate::str::contains("2026-13-01"));
    std::fs::write(config.join("holidays.toml"), "").unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[intervals]\nrenewal_months_level2 = \"two\"\n",
    )
    .unwrap();
    mlps(&db)
        .arg("renewals")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("config.toml:2:25"));
}

#[test]
fn settings_change_the_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(EXAMPLE)
        .assert()
        .success();
    let config = db.with_extension("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[intervals]\nrenewal_months_level2 = 12\n",
    )
    .unwrap();
    let out = mlps(&db).args(["renewals", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["due"], "2026-12-01");
    assert_eq!(v[0]["status"], "due");
}

#[test]
fn bad_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    mlps(&db).arg("frobnicate").assert().code(2);
    mlps(&db)
        .args(["export", "--format", "xml"])
        .assert()
        .code(2);
    mlps(&db)
        .args(["renewals", "--today", "2026-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--today"));
    mlps(&db)
        .args(["renewals"])
        .env("MLPS_TODAY", "soon")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("MLPS_TODAY"));
    mlps(&db)
        .args(["import", "missing.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.json"));
    assert!(!db.exists());
}

#[test]
fn due_flags_networks_that_need_regrading() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(EXAMPLE)
        .assert()
        .success();
    // Filed at 2; 250 000 PI subjects give 3 under the conservative rules.
    let out = mlps(&db).args(["due"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Re-grading needed"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("Online shop") && l.contains("2      3")),
        "{text}"
    );

    // Under GB/T 22240 the computed level is 2: nothing to re-grade, and
    // `assess` follows the configured rule set too.
    let config = db.with_extension("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "rules = \"gbt22240\"\n").unwrap();
    mlps(&db)
        .args(["due"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Re-grading").not());
    let answers = dir.path().join("a.toml");
    std::fs::write(&answers, "pi_subjects = 250000\npublic_facing = true\n").unwrap();
    let out = mlps(&db)
        .arg("assess")
        .arg(&answers)
        .arg("--json")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["rules"].as_str(),
            v["level"].as_u64(),
            v["other_rules_level"].as_u64()
        ),
        (Some("gbt22240"), Some(2), Some(3))
    );
}

#[test]
fn paths_and_ranges_that_are_bad_usage_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // A directory where a file is expected.
    mlps(&db)
        .arg("import")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
    // A file where the database directory is expected.
    let file = dir.path().join("afile");
    std::fs::write(&file, "x").unwrap();
    mlps(&file)
        .arg("import")
        .arg("-")
        .write_stdin(EXAMPLE)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
    // Reading commands do not create a database at a mistyped path.
    for cmd in ["export", "renewals", "due"] {
        mlps(&db)
            .arg(cmd)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no database at"));
    }
    assert!(!db.exists());
    mlps(&db)
        .args(["demo", "--clients", "1000000"])
        .assert()
        .code(2);
    mlps(&db).args(["demo", "--clients", "0"]).assert().code(2);
    // Ids past 2^53 - 1 (or 0) are refused before anything is written.
    let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
    v["clients"][0]["id"] = json!(u64::MAX);
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(v.to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("clients[0].id"));
    v["clients"][0]["id"] = json!(1);
    v["clients"][0]["networks"][0]["id"] = json!(0);
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(v.to_string())
        .assert()
        .code(2);
    assert!(!db.exists());
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("bom.json");
    std::fs::write(&file, format!("\u{feff}{EXAMPLE}")).unwrap();
    mlps(&db).arg("import").arg(&file).assert().success();
}

#[test]
fn toml_errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, "pi_subjects = 10\ncii = \"yes\"\n").unwrap();
    mlps(&dir.path().join("db"))
        .arg("assess")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a.toml:2:7: cii: "));
    std::fs::write(&file, "pi_subjects = 10\nsensitive_pi_subjects = 20\n").unwrap();
    mlps(&dir.path().join("db"))
        .arg("assess")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a.toml:2:1: sensitive_pi_subjects (20) is larger than pi_subjects (10)",
        ));
}

#[test]
fn a_mistyped_credit_code_is_refused_by_its_path_and_a_good_one_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
    v["clients"][0]["credit_code"] = json!("91350100M000100Y44");
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(v.to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("clients[0].credit_code"))
        .stderr(predicate::str::contains("check character is '3'"));
    assert!(!db.exists());
    v["clients"][0]["credit_code"] = json!("91350100m000100y43");
    v["clients"][0]["address"] = json!("上海市浦东新区世纪大道100号");
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(v.to_string())
        .assert()
        .success();
    let out: Value = serde_json::from_str(&export(&db)).unwrap();
    assert_eq!(out["clients"][0]["credit_code"], "91350100M000100Y43");
    assert_eq!(out["clients"][0]["address"], "上海市浦东新区世纪大道100号");
}

/// One client with the networks given as interchange JSON.
fn import_networks(db: &Path, networks: Value) {
    let doc = json!({
        "format": "mlps-cases",
        "version": 1,
        "clients": [{"name": "Provisional Co", "networks": networks}],
    });
    mlps(db)
        .arg("import")
        .arg("-")
        .write_stdin(doc.to_string())
        .assert()
        .success();
}

#[test]
fn a_level_that_open_answers_could_raise_is_shown_as_provisional() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing about cii, the data or the users is known yet.
    let file = dir.path().join("answers.toml");
    std::fs::write(
        &file,
        "object_type = \"website\"\nhosted_max_level = 0\npublic_facing = true\n",
    )
    .unwrap();
    let db = dir.path().join("db");
    let out = mlps(&db).arg("assess").arg(&file).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Level 2 "), "{text}");
    assert!(
        text.contains("provisional: until cii, data_categories, pi_subjects, sensitive_pi_subjects, public_opinion, outage_affected_people are answered, this could be up to level 4"),
        "{text}"
    );
    assert!(!text.contains("safe value"), "{text}");
    let out = mlps(&db)
        .arg("assess")
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["level"].clone(), v["max_level"].clone()),
        (json!(2), json!(4))
    );
    assert_eq!(v["provisional"], true);

    // In the agenda: an unfiled network's level is provisional, a filed
    // one's is firm.
    import_networks(
        &db,
        json!([
            {"name": "Open shop", "answers": {"object_type": "website", "hosted_max_level": 0, "public_facing": true},
             "milestones": [{"stage": "questionnaire_received", "date": "2026-10-01"}]},
            {"name": "Filed shop", "answers": {"object_type": "website", "hosted_max_level": 0, "public_facing": true},
             "filed_level": 2,
             "milestones": [{"stage": "evaluation_passed", "date": "2025-12-01"}]},
        ]),
    );
    let out = mlps(&db)
        .args(["due", "--within", "400", "--json"])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let row = |network: &str| {
        rows.iter()
            .find(|r| r["network"] == network)
            .unwrap_or_else(|| panic!("{network}: {rows:?}"))
            .clone()
    };
    assert_eq!(row("Open shop")["kind"], "case_done");
    assert_eq!(row("Open shop")["max_level"], 4);
    assert!(row("Filed shop").get("max_level").is_none());
    let out = mlps(&db).args(["due", "--within", "400"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("Open shop")).unwrap();
    assert!(line.contains(" 2–4? "), "{text}");
    // The tracker shows both.
    let out = mlps(&db)
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let open = csv.lines().find(|l| l.contains("Open shop")).unwrap();
    let cells: Vec<&str> = open.split(',').collect();
    assert_eq!(
        (cells[at("computed_level")], cells[at("max_level")]),
        ("2", "4")
    );
}

#[test]
fn a_filing_records_its_level_and_a_failed_evaluation_keeps_the_renewal_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    import_networks(
        &db,
        json!([
            {"name": "Portal", "answers": {"pi_subjects": 150000},
             "milestones": [
                {"stage": "filing_submitted", "date": "2024-03-01", "level": 3},
                {"stage": "certificate_issued", "date": "2024-03-14", "number": "11010000001-00001"},
                {"stage": "evaluation_passed", "date": "2025-01-10", "score": 81, "conclusion": "good"},
                {"stage": "evaluation_failed", "date": "2026-01-05", "score": 64, "high_risks": 2, "conclusion": "poor"}
             ]},
        ]),
    );
    let doc: Value = serde_json::from_str(&export(&db)).unwrap();
    let n = &doc["clients"][0]["networks"][0];
    // Filed at the level of the filing; the certificate confirms it.
    assert_eq!(n["filed_level"], 3);
    assert_eq!(n["milestones"][1]["level"], 3);
    assert_eq!(n["milestones"][3]["stage"], "evaluation_failed");
    // The renewal of 2026-01-10 stays open: the failed evaluation did not
    // satisfy it.
    let out = mlps(&db).args(["renewals", "--json"]).output().unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["due"], "2026-01-10");
    assert_eq!(rows[0]["status"], "overdue");

    // A filed level that contradicts the latest filing is refused by path.
    let bad = json!({
        "format": "mlps-cases", "version": 1,
        "clients": [{"name": "Bad Co", "networks": [{"name": "X", "filed_level": 2,
            "milestones": [{"stage": "filing_submitted", "date": "2024-03-01", "level": 3}]}]}],
    });
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(bad.to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "clients[0].networks[0].filed_level",
        ))
        .stderr(predicate::str::contains(
            "the filed level follows the latest filing",
        ));
    // A level on a stage that files nothing is refused too.
    let bad = json!({
        "format": "mlps-cases", "version": 1,
        "clients": [{"name": "Bad Co", "networks": [{"name": "X",
            "milestones": [{"stage": "gap_analysis", "date": "2024-03-01", "level": 3}]}]}],
    });
    mlps(&db)
        .arg("import")
        .arg("-")
        .write_stdin(bad.to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("milestones[0].level"));
}

#[test]
fn a_certificate_expiry_is_listed_under_the_renewal_it_belongs_to() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // Level 1 renews by self-assessment; its old certificate (from an
    // earlier filing) expires before the next one is due.
    import_networks(
        &db,
        json!([
            {"name": "Intranet", "answers": {"object_type": "information_system", "cii": false, "data_categories": [], "pi_subjects": 0, "sensitive_pi_subjects": 0, "public_facing": false, "public_opinion": false, "outage_affected_people": 0, "hosted_max_level": 0},
             "milestones": [
                {"stage": "certificate_issued", "date": "2023-12-10", "level": 1},
                {"stage": "self_assessment", "date": "2026-06-01"}
             ]},
        ]),
    );
    let out = mlps(&db).args(["due", "--within", "400"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let renewal = lines
        .iter()
        .position(|l| l.contains("self-assessment"))
        .unwrap();
    assert!(
        lines[renewal + 1].contains("└ certificate expiry"),
        "{text}"
    );
    // JSON stays sorted by date.
    let out = mlps(&db)
        .args(["due", "--within", "400", "--json"])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["certificate_expiry", "self_assessment"]);
    // 0 turns the expiry off.
    let config = db.with_extension("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[dates]\ncertificate_validity_months = 0\n",
    )
    .unwrap();
    let out = mlps(&db)
        .args(["due", "--within", "400", "--json"])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["self_assessment"]);
}
