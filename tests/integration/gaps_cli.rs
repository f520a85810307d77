//! Findings through the command line: the demo's gap lists, `mlps gaps`
//! (text and JSON), `mlps gaps import` (good, bad, `--check`, GBK) and
//! `mlps gaps export`, and the findings in triage, `due` and the report.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support;

fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("db");
    let out = support::mlps_beside(&db).arg("demo").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(" findings) to "), "{text}");
    db
}

fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = support::mlps_beside(db).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(db: &Path, args: &[&str]) -> Value {
    let (code, out, err) = run(db, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// A level 3 network of the demo whose latest gap analysis carries the
/// note's counts ("40 gaps, 2 high: ..."): its `CLIENT/NETWORK` id and
/// the counts.
fn noted_level3(db: &Path) -> (String, usize, usize) {
    let doc = json(db, &["export"]);
    for c in doc["clients"].as_array().unwrap() {
        for n in c["networks"].as_array().unwrap() {
            if n["filed_level"] != 3 {
                continue;
            }
            let latest = n["milestones"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["stage"] == "gap_analysis")
                .max_by_key(|m| m["date"].as_str().unwrap().to_string());
            let Some(note) = latest.and_then(|m| m["note"].as_str()) else {
                continue;
            };
            if let Some((gaps, high)) = mlps::demo::findings::noted_counts(note) {
                let id = format!("{}/{}", c["id"], n["id"]);
                return (id, gaps, high);
            }
        }
    }
    panic!("no level 3 network with a noted gap analysis in the demo");
}

/// The network with the most findings, as `CLIENT/NETWORK`.
fn network_with_findings(db: &Path) -> (String, usize) {
    let doc = json(db, &["export"]);
    let mut best = (String::new(), 0);
    for c in doc["clients"].as_array().unwrap() {
        for n in c["networks"].as_array().unwrap() {
            let count = n["findings"].as_array().map_or(0, Vec::len);
            if count > best.1 {
                best = (format!("{}/{}", c["id"], n["id"]), count);
            }
        }
    }
    assert!(best.1 > 0, "the demo has no findings");
    best
}

fn count_findings(db: &Path, id: &str) -> usize {
    let v = json(db, &["gaps", id, "--json"]);
    v[0]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["points"].as_array().unwrap())
        .map(|p| p["findings"].as_array().unwrap().len())
        .sum()
}

/// A network of the demo without findings at level 3, to import into.
fn level3_without_findings(db: &Path) -> String {
    let doc = json(db, &["export"]);
    for c in doc["clients"].as_array().unwrap() {
        for n in c["networks"].as_array().unwrap() {
            if n["filed_level"] == 3 && n["findings"].as_array().is_none_or(Vec::is_empty) {
                return format!("{}/{}", c["id"], n["id"]);
            }
        }
    }
    panic!("every level 3 network of the demo has findings");
}

#[test]
fn the_demo_gives_a_level_3_network_the_gap_list_its_note_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (id, gaps, high) = noted_level3(&db);
    let v = json(&db, &["gaps", &id, "--json"]);
    let net = &v[0];
    assert_eq!(net["level"], 3, "{net}");
    assert_eq!(net["rectification"]["total"], gaps, "{net}");
    assert_eq!(net["prediction"]["high_found"], high, "{net}");
    assert_eq!(net["prediction"]["estimate"], true);
    assert_eq!(format!("{}/{}", net["client_id"], net["network_id"]), id);
}

#[test]
fn gaps_prints_the_estimate_progress_and_findings_by_category_and_point() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (id, total) = network_with_findings(&db);
    let (code, text, err) = run(&db, &["gaps", &id]);
    assert_eq!(code, 0, "{err}");
    assert!(text.starts_with(&format!("Network {id}: ")), "{text}");
    assert!(text.contains("  Level "), "{text}");
    assert!(text.contains("predicted "), "{text}");
    assert!(text.contains("report template]"), "{text}");
    assert!(text.contains("Progress: "), "{text}");
    assert!(text.contains(&format!("/{total} fixed")), "{text}");
    // Findings sit under their point, the point under its category.
    let point = text
        .lines()
        .position(|l| l.starts_with("    ") && !l.starts_with("     ") && l.ends_with(')'))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        text.lines()
            .nth(point + 1)
            .unwrap()
            .trim_start()
            .starts_with('#'),
        "{text}"
    );
    assert!(text.contains(" risk  "), "{text}");
    // In Chinese, when asked.
    let (code, zh, _) = run(&db, &["--lang", "zh", "gaps", &id]);
    assert_eq!(code, 0);
    assert!(zh.starts_with(&format!("定级对象 {id}")), "{zh}");
    assert!(zh.contains("预测 "), "{zh}");
    assert!(zh.contains("整改进度："), "{zh}");
    // The JSON has every finding, with ids.
    assert_eq!(count_findings(&db, &id), total);
    let v = json(&db, &["gaps", &id, "--json"]);
    let first = &v[0]["categories"][0]["points"][0]["findings"][0];
    assert!(first["id"].as_u64().is_some(), "{first}");
    assert!(first["control_point"].as_str().is_some(), "{first}");
    // --high keeps high risks only, --open open gaps only.
    let high = json(&db, &["gaps", &id, "--json", "--high", "--open"]);
    for c in high[0]["categories"].as_array().unwrap() {
        for p in c["points"].as_array().unwrap() {
            for f in p["findings"].as_array().unwrap() {
                assert_eq!(f["risk"], "high", "{f}");
                assert!(f["status"] == "open" || f["status"] == "in_progress", "{f}");
            }
        }
    }
    // A client gives every network of it.
    let client = id.split('/').next().unwrap();
    let all = json(&db, &["gaps", client, "--json"]);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|n| format!("{}/{}", n["client_id"], n["network_id"]) == id)
    );
}

const GOOD: &str = "类别,控制点,问题描述,结果,风险等级,责任人,整改期限,状态,证据\n\
安全计算环境,身份鉴别,管理员未启用双因素认证,不符合,高,运维组,2026-12-20,待整改,\n\
,数据备份恢复,无异地备份,部分符合,中,运维组,2027-01-15,整改中,\n\
安全区域边界,访问控制,防火墙存在any-any策略,不符合,中,网络组,2026-11-01,,\n";

#[test]
fn a_gap_list_is_checked_then_imported_and_a_bad_one_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let target = level3_without_findings(&db);
    let file = dir.path().join("gaps.csv");
    std::fs::write(&file, GOOD).unwrap();
    let f = file.to_str().unwrap();
    // --check: what would come in, nothing written.
    let (code, out, err) = run(&db, &["gaps", "import", f, "--network", &target, "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("3 findings (1 high, 2 medium, 0 low risk) would be imported"),
        "{out}"
    );
    assert!(out.contains("nothing was written"), "{out}");
    assert_eq!(count_findings(&db, &target), 0);
    // The import.
    let (code, out, err) = run(&db, &["gaps", "import", f, "--network", &target]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Imported 3 findings"), "{out}");
    assert_eq!(count_findings(&db, &target), 3);
    // The overdue fix shows in triage, the due dates in the agenda.
    let rows = json(&db, &["triage", &target, "--json"]);
    let row = &rows[0];
    assert_eq!(row["rectification"]["total"], 3, "{row}");
    assert_eq!(row["rectification"]["overdue"], 1, "{row}");
    assert!(
        row["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["why"].as_str().unwrap().contains("fix overdue")),
        "{row}"
    );
    // Again, with --replace: still three.
    let (code, _, err) = run(
        &db,
        &["gaps", "import", f, "--network", &target, "--replace"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(count_findings(&db, &target), 3);

    // A bad file: every bad cell named with row and column, nothing in.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "控制点,问题描述,结果,风险等级\n身份鉴定,弱口令,不符合,高\n访问控制,any-any,部分,严重\n",
    )
    .unwrap();
    let b = bad.to_str().unwrap();
    for check in [false, true] {
        let mut args = vec!["gaps", "import", b, "--network", &target];
        if check {
            args.push("--check");
        }
        let (code, out, err) = run(&db, &args);
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains(&format!("{b}:2:A (控制点): ")), "{err}");
        assert!(err.contains("did you mean"), "{err}");
        assert!(err.contains(&format!("{b}:3:A (控制点): ")), "{err}");
        assert!(err.contains(&format!("{b}:3:C (结果): ")), "{err}");
        assert!(err.contains(&format!("{b}:3:D (风险等级): ")), "{err}");
        assert!(err.contains("4 problems"), "{err}");
        assert!(err.contains("nothing was imported"), "{err}");
    }
    assert_eq!(count_findings(&db, &target), 3);
}

#[test]
fn a_gbk_gap_list_is_read_with_a_note_and_its_bad_rows_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let target = level3_without_findings(&db);
    let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
    let file = dir.path().join("gbk.csv");
    std::fs::write(&file, &gbk).unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = run(&db, &["gaps", "import", f, "--network", &target, "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("GBK"), "{out}");
    assert!(out.contains("3 findings"), "{out}");
    let (code, _, err) = run(&db, &["gaps", "import", f, "--network", &target]);
    assert_eq!(code, 0, "{err}");
    let v = json(&db, &["gaps", &target, "--json"]);
    let text = v.to_string();
    assert!(text.contains("管理员未启用双因素认证"), "{text}");
    // A bad GBK row is named like a UTF-8 one.
    let bad = GOOD.replace("部分符合", "大致符合");
    let (gbk, _, _) = encoding_rs::GBK.encode(&bad);
    let file = dir.path().join("gbk-bad.csv");
    std::fs::write(&file, &gbk).unwrap();
    let f = file.to_str().unwrap();
    let (code, _, err) = run(&db, &["gaps", "import", f, "--network", &target]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{f}:3:D (结果): ")), "{err}");
    assert!(err.contains("\"大致符合\""), "{err}");
}

#[test]
fn an_exported_gap_list_imports_back_to_the_same_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (id, total) = network_with_findings(&db);
    for lang in ["en", "zh", "both"] {
        let file = dir.path().join(format!("plan-{lang}.csv"));
        let f = file.to_str().unwrap();
        let (code, out, err) = run(&db, &["--lang", lang, "gaps", "export", &id, "-o", f]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(&total.to_string()), "{out}");
        let before = std::fs::read(&file).unwrap();
        let (code, out, err) = run(&db, &["gaps", "import", f, "--network", &id, "--replace"]);
        assert_eq!(code, 0, "{lang}: {err}");
        assert!(out.contains(&format!("Imported {total} findings")), "{out}");
        assert_eq!(count_findings(&db, &id), total);
        let (code, again, _) = run(&db, &["--lang", lang, "gaps", "export", &id]);
        assert_eq!(code, 0);
        assert_eq!(
            String::from_utf8(before).unwrap(),
            again,
            "{lang}: the list changed through export and import"
        );
    }
}

#[test]
fn triage_due_and_the_report_carry_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    // Triage: rows with gaps carry their progress; rows without, none.
    let rows = json(&db, &["triage", "--json"]);
    let rows = rows.as_array().unwrap();
    let with: Vec<&Value> = rows
        .iter()
        .filter(|r| r.get("rectification").is_some())
        .collect();
    assert!(!with.is_empty());
    assert!(with.len() < rows.len(), "every row has gaps?");
    for r in &with {
        let line = r["rectification"]["line"].as_str().unwrap();
        assert!(line.contains(" fixed"), "{r}");
    }
    let (code, table, _) = run(&db, &["triage"]);
    assert_eq!(code, 0);
    assert!(table.contains("rectification: "), "{table}");
    // An overdue fix, in a reason and in the brief line.
    let overdue: usize = with
        .iter()
        .map(|r| r["rectification"]["overdue"].as_u64().unwrap() as usize)
        .sum();
    assert!(overdue > 0, "the demo has no overdue fix");
    assert!(rows.iter().any(|r| {
        r["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["why"].as_str().unwrap().contains(" overdue, worst "))
    }));
    let (code, brief, _) = run(&db, &["triage", "--brief"]);
    assert_eq!(code, 0);
    let fixes = if overdue == 1 { "fix" } else { "fixes" };
    assert!(
        brief.contains(&format!(", {overdue} {fixes} overdue: run mlps triage")),
        "{brief}"
    );
    // The agenda lists fixes due; renewals never.
    let due = json(&db, &["due", "--json", "--within", "400"]);
    assert!(
        due.as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "finding_due"),
        "{due}"
    );
    let renewals = json(&db, &["renewals", "--json", "--within", "400"]);
    assert!(
        !renewals
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "finding_due"),
        "{renewals}"
    );
    // The report of a network with findings has the rectification plan.
    let (id, _) = network_with_findings(&db);
    let (code, report, err) = run(&db, &["report", &id]);
    assert_eq!(code, 0, "{err}");
    assert!(report.contains("整改计划 Rectification plan"), "{report}");
    // `show` gives the progress line.
    let (code, show, _) = run(&db, &["show", &id]);
    assert_eq!(code, 0);
    assert!(show.contains("  Gaps:       "), "{show}");
}

#[test]
fn gaps_without_a_query_or_for_nothing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (code, _, err) = run(&db, &["gaps"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("give a network or client"), "{err}");
    let (code, _, err) = run(&db, &["gaps", "zzzzqqqq"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(
        &db,
        &["gaps", "import", "/nonexistent/gaps.csv", "--network", "1"],
    );
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("/nonexistent/gaps.csv"), "{err}");
}
