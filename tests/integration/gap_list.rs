//! The audit firm's gap list as CSV (`formats::gap_list`): good files in
//! UTF-8 and GBK with Chinese or English headers, every kind of bad cell
//! named by row and column, all or nothing, export read back to the same
//! findings, and cells a spreadsheet would run kept inert.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use mlps::domain::gaps::{
    self, ComplianceResult, ControlPoint, Extension, Finding, FindingId, FindingStatus, Risk,
};
use mlps::domain::labels::Lang;
use mlps::domain::model::{Client, ClientId, Level, Network, NetworkId, Overrides};
use mlps::domain::settings::Config;
use mlps::formats::gap_list::{self, CellError, GapRow};
use mlps::formats::report::{self, Rectification, ReportFormat};

use crate::support::d;

fn found() -> NaiveDate {
    d("2026-03-02")
}

/// A level 3 network on a cloud.
fn points() -> Vec<&'static ControlPoint> {
    gaps::applicable(Level::L3, &BTreeSet::from([Extension::Cloud]))
}

fn read(text: &str) -> Result<Vec<GapRow>, Vec<CellError>> {
    gap_list::read_gap_list(text.as_bytes(), "gaps.csv", &points(), found())
}

fn read_ok(text: &str) -> Vec<Finding> {
    match read(text) {
        Ok(rows) => rows.into_iter().map(|r| r.finding).collect(),
        Err(errors) => panic!("{}", lines(&errors).join("\n")),
    }
}

fn read_err(text: &str) -> Vec<String> {
    match read(text) {
        Ok(rows) => panic!("expected errors, read {} rows", rows.len()),
        Err(errors) => lines(&errors),
    }
}

fn lines(errors: &[CellError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

/// The message for `row`, or a panic listing them all.
fn line_for<'a>(errors: &'a [String], prefix: &str) -> &'a str {
    errors
        .iter()
        .find(|e| e.starts_with(prefix))
        .unwrap_or_else(|| panic!("no error starting {prefix:?} in:\n{}", errors.join("\n")))
}

const CHINESE_LIST: &str = "序号,类别,控制点,问题描述,结果,风险等级,责任人,整改期限,状态,证据\n\
1,安全计算环境,身份鉴别,数据库管理员口令长度不足 8 位，未定期更换,不符合,高,运维部 张伟,2026-05-31,未整改,\n\
2,安全计算环境,安全审计,\"应用服务器未开启审计日志\n日志保存不足六个月\",部分符合,中,李娜,2026/6/30,整改中,工单 OPS-1024\n\
3,安全运维管理,备份与恢复管理,未制定备份策略,不符合,中,,,已整改,备份策略 v1.2\n\
4,云计算安全扩展要求,身份鉴别,云管理平台未启用双因素认证,部分符合,低,王芳,2026-07-15,已验证,\"截图 mfa.png\n复测记录\"\n\
5,,数据备份恢复,未做异地备份,不符合,高,运维部 张伟,2026-04-30,待整改,\n";

const ENGLISH_LIST: &str = "Category,Control Point,Description,Result,Risk,Owner,Due,Status,Evidence\r\n\
computing,Identity authentication,DBA password shorter than 8 characters,non-compliant,high,Ops Zhang Wei,2026-05-31,open,\r\n\
Computing environment,security audit,No audit log on the app servers,Partial,Medium,Li Na,2026-06-30,in progress,ticket OPS-1024\r\n\
,computing.backup,No off-site backup,non_compliant,HIGH,Ops Zhang Wei,2026-04-30,,\r\n\
cloud,Identity authentication,No MFA on the cloud console,partial,low,Wang Fang,2026-07-15,verified,mfa.png\r\n";

#[test]
fn a_chinese_list_in_utf8_reads_every_column() {
    let fs = read_ok(CHINESE_LIST);
    assert_eq!(fs.len(), 5);
    let ids: Vec<&str> = fs.iter().map(|f| f.control_point.as_str()).collect();
    assert_eq!(
        ids,
        [
            "computing.identity_auth",
            "computing.audit",
            "operations.backup",
            "cloud.computing.identity_auth",
            "computing.backup",
        ]
    );
    let first = &fs[0];
    assert_eq!(first.id, FindingId(0), "ids are the caller's");
    assert_eq!(first.result, ComplianceResult::NonCompliant);
    assert_eq!(first.risk, Risk::High);
    assert_eq!(first.owner, "运维部 张伟");
    assert_eq!(first.due, Some(d("2026-05-31")));
    assert_eq!(first.status, FindingStatus::Open);
    assert_eq!(first.history.len(), 1);
    assert_eq!(first.history[0].date, found());
    assert_eq!(
        fs[1].description,
        "应用服务器未开启审计日志\n日志保存不足六个月"
    );
    assert_eq!(fs[1].due, Some(d("2026-06-30")), "YYYY/M/D");
    assert_eq!(fs[1].status, FindingStatus::InProgress);
    assert_eq!(fs[1].evidence, "工单 OPS-1024");
    assert_eq!(fs[2].due, None);
    assert_eq!(fs[2].owner, "");
    assert_eq!(fs[2].status, FindingStatus::Fixed);
    assert_eq!(fs[2].history[0].to, FindingStatus::Fixed);
    assert_eq!(fs[3].status, FindingStatus::Verified);
    assert_eq!(fs[3].evidence, "截图 mfa.png\n复测记录");
    assert_eq!(fs[4].status, FindingStatus::Open, "待整改 is open too");
    for mut f in fs {
        let before = f.clone();
        f.validate().unwrap();
        assert_eq!(f, before, "already clean and valid");
    }
}

#[test]
fn the_same_list_in_gbk_and_with_a_bom_reads_the_same() {
    let utf8 = read_ok(CHINESE_LIST);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CHINESE_LIST);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "GBK bytes are not UTF-8"
    );
    let rows = gap_list::read_gap_list(&gbk, "gaps.csv", &points(), found()).unwrap();
    let from_gbk: Vec<Finding> = rows.into_iter().map(|r| r.finding).collect();
    assert_eq!(from_gbk, utf8);
    assert_eq!(
        gap_list::encoding_note(&gbk, "gaps.csv").as_deref(),
        Some("gaps.csv is not UTF-8; read it as GBK (GB18030)")
    );
    assert_eq!(
        gap_list::encoding_note(CHINESE_LIST.as_bytes(), "gaps.csv"),
        None
    );
    let with_bom = format!("\u{feff}{CHINESE_LIST}");
    assert_eq!(read_ok(&with_bom), utf8);
}

#[test]
fn an_english_list_reads_like_the_chinese_one() {
    let en = read_ok(ENGLISH_LIST);
    let zh = read_ok(CHINESE_LIST);
    let points =
        |fs: &[Finding]| -> Vec<String> { fs.iter().map(|f| f.control_point.clone()).collect() };
    assert_eq!(
        points(&en),
        [
            "computing.identity_auth",
            "computing.audit",
            "computing.backup",
            "cloud.computing.identity_auth"
        ]
    );
    assert_eq!(en[0].result, zh[0].result);
    assert_eq!(en[0].risk, zh[0].risk);
    assert_eq!(en[1].status, FindingStatus::InProgress);
    assert_eq!(en[2].risk, Risk::High, "HIGH");
    assert_eq!(en[2].status, FindingStatus::Open, "empty status is open");
    assert_eq!(en[3].status, FindingStatus::Verified);
}

#[test]
fn every_bad_cell_is_named_with_its_row_and_column() {
    let text = "控制点,类别,问题描述,结果,风险等级,责任人,整改期限,状态\n\
身份鉴定,安全计算环境,口令过短,不符合,高,张伟,2026-05-31,未整改\n\
访问控制,,权限过大,很差,高,张伟,2026-05-31,未整改\n\
安全审计,安全计算环境,未开审计,部分符合,严重,张伟,2026-13-01,未整改\n\
入侵防范,安全计算环境,,,,张伟,31/05/2026,完成了\n\
身份鉴别,安全厨房,口令过短,不符合,高,张伟,,\n\
,安全计算环境,没有控制点,不符合,高,,,\n";
    let errors = read_err(text);
    let expected = [
        // An unknown point, with the names it was near.
        (
            "gaps.csv:2:A (控制点): expected a control point",
            "did you mean: Identity authentication 身份鉴别 (computing.identity_auth)",
        ),
        // A name of several categories without the category.
        (
            "gaps.csv:3:A (控制点): expected one control point",
            "fill the category column",
        ),
        ("gaps.csv:3:D (结果): expected a result", "\"很差\""),
        ("gaps.csv:4:E (风险等级): expected a risk", "\"严重\""),
        (
            "gaps.csv:4:G (整改期限): expected a due date",
            "not a real calendar date",
        ),
        ("gaps.csv:5:C (问题描述): expected a description", "empty"),
        ("gaps.csv:5:D (结果): expected a result", "empty"),
        ("gaps.csv:5:E (风险等级): expected a risk", "empty"),
        (
            "gaps.csv:5:G (整改期限): expected a due date",
            "\"31/05/2026\"",
        ),
        ("gaps.csv:5:H (状态): expected a status", "\"完成了\""),
        (
            "gaps.csv:6:B (类别): expected a category of GB/T 22239",
            "\"安全厨房\"",
        ),
        ("gaps.csv:7:A (控制点): expected the control point", "empty"),
    ];
    for (prefix, detail) in expected {
        let line = line_for(&errors, prefix);
        assert!(line.contains(detail), "{line:?} lacks {detail:?}");
    }
    assert_eq!(errors.len(), expected.len(), "{}", errors.join("\n"));
    // In row order, then column order.
    for (line, (prefix, _)) in errors.iter().zip(expected) {
        assert!(line.starts_with(prefix), "{line} out of order");
    }
    // The right words are offered.
    let result = line_for(&errors, "gaps.csv:3:D");
    assert!(
        result.contains("符合 / 部分符合 / 不符合 / 不适用"),
        "{result}"
    );
    assert!(result.contains("compliant / partial / non_compliant / not_applicable"));
    let risk = line_for(&errors, "gaps.csv:4:E");
    assert!(risk.contains("高 / 中 / 低"), "{risk}");
    // The 2026-13-01 of row 4 is named, not only its shape.
    assert!(line_for(&errors, "gaps.csv:4:G").contains("2026-13-01"));
}

#[test]
fn a_point_that_does_not_apply_to_the_network_says_so() {
    // The IoT extension is not the network's; level 1 lacks 集中管控.
    let text = "category,control_point,description,result,risk\n\
物联网,感知节点设备物理防护,x,不符合,高\n";
    let errors = read_err(text);
    let line = line_for(
        &errors,
        "gaps.csv:2:B (control_point): expected a control point that applies to this network",
    );
    assert!(line.contains("iot."), "{line}");
    let level1 = gaps::applicable(Level::L1, &BTreeSet::new());
    let text =
        "category,control_point,description,result,risk\n安全管理中心,集中管控,x,不符合,高\n";
    let errors =
        lines(&gap_list::read_gap_list(text.as_bytes(), "l1.csv", &level1, found()).unwrap_err());
    assert!(
        errors[0].starts_with("l1.csv:2:B (control_point): expected a control point that applies to this network, but 安全管理中心 集中管控 (centre.centralised_control)")
            || errors[0].contains("集中管控 (centre."),
        "{}",
        errors[0]
    );
}

#[test]
fn missing_required_columns_are_named_and_no_row_is_read() {
    let text = "类别,控制点,责任人\n安全计算环境,身份鉴别,张伟\n";
    let errors = read_err(text);
    assert_eq!(
        errors,
        [
            "gaps.csv:1: expected a description or 问题描述 column in the header row: every finding needs one",
            "gaps.csv:1: expected a result or 结果 column in the header row: every finding needs one",
            "gaps.csv:1: expected a risk or 风险等级 column in the header row: every finding needs one",
        ]
    );
}

#[test]
fn unknown_and_repeated_columns_and_stray_cells_are_errors() {
    let text = "控制点,问题描述,结果,风险等级,风险等级,整改建议\n\
身份鉴别,口令过短,不符合,高,高,加长口令,多余\n";
    let errors = read_err(text);
    assert!(
        line_for(
            &errors,
            "gaps.csv:1:E (风险等级): expected each column once"
        )
        .contains("column D")
    );
    assert!(
        line_for(
            &errors,
            "gaps.csv:1:F (整改建议): expected one of the gap list's columns"
        )
        .contains("control_point 控制点")
    );
    assert!(line_for(&errors, "gaps.csv:2:G: expected nothing").contains("\"多余\""));
    // The cells under the refused columns are not named again.
    assert_eq!(errors.len(), 3, "{}", errors.join("\n"));
}

#[test]
fn empty_files_header_only_files_and_files_that_are_not_text() {
    assert_eq!(
        read_err(""),
        [
            "gaps.csv: expected a header row naming the columns (category, control_point, description, result, risk, owner, due, status, evidence), then one row per finding; the file is empty"
        ]
    );
    assert_eq!(
        read_err("\u{feff}控制点,问题描述,结果,风险等级\r\n\r\n"),
        [
            "gaps.csv:1: expected rows of findings after the header row; there are none, so nothing to import"
        ]
    );
    let errors = lines(
        &gap_list::read_gap_list(b"PK\x03\x04 workbook", "gaps.xlsx", &points(), found())
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("gaps.xlsx: the file is an Excel workbook"),
        "{}",
        errors[0]
    );
    let errors =
        lines(&gap_list::read_gap_list(b"\x81\xFF,\n", "bad.csv", &points(), found()).unwrap_err());
    assert!(errors[0].contains("neither UTF-8 nor GBK"), "{}", errors[0]);
}

#[test]
fn a_mixed_file_yields_only_errors() {
    let mut text = String::from("控制点,类别,问题描述,结果,风险等级\n");
    for i in 0..20 {
        text.push_str(&format!("身份鉴别,安全计算环境,问题 {i},不符合,高\n"));
    }
    text.push_str("身份鉴别,安全计算环境,坏行,不符合,极高\n");
    for i in 0..5 {
        text.push_str(&format!("数据备份恢复,,问题 {i},部分符合,中\n"));
    }
    let errors = read_err(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("gaps.csv:22:E (风险等级): expected a risk"));
    // With the bad row gone, every row reads.
    let good: String = text
        .lines()
        .filter(|l| !l.contains("坏行"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(read_ok(&good).len(), 25);
}

#[test]
fn control_characters_are_stripped_from_every_cell() {
    let text = "控制点,问题描述,结果,风险等级,责任人,证据\n\
身份\u{7}鉴别,\"口令\u{1b}[31m过短\u{0}\",不符合\u{8},高,张\u{1b}伟,\"截图\u{7}\n第二行\"\n";
    let text = text.replace('\u{0}', "");
    let fs = read_ok(&text);
    assert_eq!(fs[0].control_point, "computing.identity_auth");
    assert_eq!(fs[0].description, "口令[31m过短");
    assert_eq!(fs[0].result, ComplianceResult::NonCompliant);
    assert_eq!(fs[0].owner, "张伟");
    assert_eq!(fs[0].evidence, "截图\n第二行");
    // A required cell of nothing but control characters is empty.
    let errors = read_err("控制点,问题描述,结果,风险等级\n身份鉴别,\u{1b}\u{7},不符合,高\n");
    assert!(line_for(&errors, "gaps.csv:2:B (问题描述): expected a description").contains("empty"));
}

#[test]
fn text_too_long_names_its_cell() {
    let long = "长".repeat(2_001);
    let errors = read_err(&format!(
        "控制点,问题描述,结果,风险等级\n身份鉴别,{long},不符合,高\n"
    ));
    assert!(line_for(&errors, "gaps.csv:2:B (问题描述):").contains("2001 characters"));
    let owner = "x".repeat(201);
    let errors = read_err(&format!(
        "控制点,问题描述,结果,风险等级,责任人\n身份鉴别,口令过短,不符合,高,{owner}\n"
    ));
    assert!(line_for(&errors, "gaps.csv:2:E (责任人):").contains("201 characters"));
}

#[test]
fn semicolons_and_tabs_delimit_too_and_the_errors_make_one_input_error() {
    let fs = read_ok("控制点;问题描述;结果;风险等级\n身份鉴别;口令过短;不符合;高\n");
    assert_eq!(fs[0].control_point, "computing.identity_auth");
    let fs = read_ok("控制点\t问题描述\t结果\t风险等级\n身份鉴别\t口令过短\t不符合\t高\n");
    assert_eq!(fs[0].risk, Risk::High);
    let errors =
        read("控制点,问题描述,结果,风险等级\n身份鉴别,口令过短,很差,高\n身份鉴别,,不符合,高\n")
            .unwrap_err();
    let e = gap_list::into_error(&errors).to_string();
    assert!(
        e.starts_with("gaps.csv:2:C (结果): expected a result"),
        "{e}"
    );
    assert!(
        e.contains("\ngaps.csv:3:B (问题描述): expected a description"),
        "{e}"
    );
    assert!(
        e.ends_with("\n2 problems in gaps.csv; nothing was imported"),
        "{e}"
    );
}

/// Point, description, result, risk, owner, due, status, evidence.
type Spec = (
    &'static str,
    &'static str,
    ComplianceResult,
    Risk,
    &'static str,
    Option<&'static str>,
    FindingStatus,
    &'static str,
);

fn sample_findings() -> Vec<Finding> {
    let mut out = Vec::new();
    let specs: [Spec; 7] = [
        (
            "computing.identity_auth",
            "口令过短, 未定期更换",
            ComplianceResult::NonCompliant,
            Risk::High,
            "运维部 张伟",
            Some("2026-05-31"),
            FindingStatus::Open,
            "",
        ),
        (
            "computing.audit",
            "审计日志\n不足六个月",
            ComplianceResult::Partial,
            Risk::Medium,
            "李娜",
            Some("2026-06-30"),
            FindingStatus::InProgress,
            "工单 \"OPS-1024\"",
        ),
        (
            "cloud.computing.identity_auth",
            "云管理平台未启用双因素认证",
            ComplianceResult::Partial,
            Risk::Low,
            "Wang Fang",
            None,
            FindingStatus::Verified,
            "mfa.png\n复测记录",
        ),
        (
            "cloud.boundary.access_control",
            "安全组规则过宽",
            ComplianceResult::NonCompliant,
            Risk::Medium,
            "",
            None,
            FindingStatus::Fixed,
            "",
        ),
        (
            "boundary.access_control",
            "=HYPERLINK(\"http://x.example\",\"click\")",
            ComplianceResult::NonCompliant,
            Risk::High,
            "+86 21 5555",
            Some("2026-04-01"),
            FindingStatus::Open,
            "@SUM(A1:A9)",
        ),
        (
            "operations.backup",
            "-1 份备份策略",
            ComplianceResult::NotApplicable,
            Risk::Low,
            "'quoted'",
            None,
            FindingStatus::Open,
            "\tTAB",
        ),
        (
            "physical.location",
            "机房位于顶层",
            ComplianceResult::Compliant,
            Risk::Low,
            "＝全角",
            None,
            FindingStatus::Open,
            "",
        ),
    ];
    for (i, (point, desc, result, risk, owner, due, status, evidence)) in
        specs.into_iter().enumerate()
    {
        let mut f = Finding::new(FindingId(i as u64 + 1), point, desc, result, risk, found());
        f.owner = owner.into();
        f.due = due.map(d);
        f.evidence = evidence.into();
        if status != FindingStatus::Open {
            f.set_status(status, d("2026-04-15")).unwrap();
        }
        f.validate().unwrap_or_else(|e| panic!("{point}: {e:?}"));
        out.push(f);
    }
    out
}

/// What a gap list carries of a finding: all but the id and the history.
type Carried = (
    String,
    String,
    ComplianceResult,
    Risk,
    String,
    Option<NaiveDate>,
    FindingStatus,
    String,
);

fn carried(f: &Finding) -> Carried {
    (
        f.control_point.clone(),
        f.description.clone(),
        f.result,
        f.risk,
        f.owner.clone(),
        f.due,
        f.status,
        f.evidence.clone(),
    )
}

#[test]
fn export_reads_back_to_the_same_findings_in_every_language() {
    let findings = sample_findings();
    let mut want: Vec<_> = findings.iter().map(carried).collect();
    want.sort();
    let points = points();
    for lang in [Lang::En, Lang::Zh, Lang::Both] {
        let text = gap_list::write_gap_list(&findings, lang);
        assert!(text.starts_with('\u{feff}'), "a byte order mark for Excel");
        let rows = gap_list::read_gap_list(text.as_bytes(), "export.csv", &points, found())
            .unwrap_or_else(|e| panic!("{lang:?}:\n{}\n{text}", lines(&e).join("\n")));
        let mut got: Vec<_> = rows.iter().map(|r| carried(&r.finding)).collect();
        got.sort();
        assert_eq!(got, want, "{lang:?}");
        // Through GBK too, as Chinese Excel saves it.
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(text.trim_start_matches('\u{feff}'));
        assert!(!unmappable);
        let rows = gap_list::read_gap_list(&gbk, "export.csv", &points, found()).unwrap();
        let mut got: Vec<_> = rows.iter().map(|r| carried(&r.finding)).collect();
        got.sort();
        assert_eq!(got, want, "{lang:?} through GBK");
    }
    let zh = gap_list::write_gap_list(&findings, Lang::Zh);
    let header = zh.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert_eq!(
        header,
        "类别,控制点,问题描述,结果,风险等级,责任人,整改期限,状态,证据"
    );
    assert!(zh.contains("安全计算环境,身份鉴别,"), "{zh}");
    assert!(zh.contains("云计算 安全计算环境,身份鉴别,"), "{zh}");
    let en = gap_list::write_gap_list(&findings, Lang::En);
    let header = en.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert_eq!(
        header,
        "category,control_point,description,result,risk,owner,due,status,evidence"
    );
    assert!(
        en.contains("Computing environment,Identity authentication,"),
        "{en}"
    );
    assert!(en.contains(",non_compliant,high,"), "{en}");
}

#[test]
fn every_point_of_the_catalogue_reads_back_in_every_language() {
    let all: Vec<&'static ControlPoint> = gaps::catalogue().points.iter().collect();
    let findings: Vec<Finding> = all
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Finding::new(
                FindingId(i as u64),
                &p.id,
                "gap",
                ComplianceResult::Partial,
                Risk::Low,
                found(),
            )
        })
        .collect();
    for lang in [Lang::En, Lang::Zh, Lang::Both] {
        let text = gap_list::write_gap_list(&findings, lang);
        let rows = gap_list::read_gap_list(text.as_bytes(), "all.csv", &all, found())
            .unwrap_or_else(|e| panic!("{lang:?}:\n{}", lines(&e).join("\n")));
        let got: BTreeSet<String> = rows.into_iter().map(|r| r.finding.control_point).collect();
        let want: BTreeSet<String> = all.iter().map(|p| p.id.clone()).collect();
        assert_eq!(got, want, "{lang:?}");
    }
}

#[test]
fn cells_a_spreadsheet_would_run_are_exported_inert() {
    let text = gap_list::write_gap_list(&sample_findings(), Lang::Zh);
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut cells = Vec::new();
    for rec in rdr.records() {
        cells.extend(rec.unwrap().iter().map(str::to_string));
    }
    for cell in &cells {
        let starts_formula = cell
            .trim_start()
            .starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']);
        assert!(!starts_formula, "a cell a spreadsheet would run: {cell:?}");
    }
    for inert in [
        "'=HYPERLINK(\"http://x.example\",\"click\")",
        "'+86 21 5555",
        "'@SUM(A1:A9)",
        "'-1 份备份策略",
        "''quoted'",
        "'＝全角",
    ] {
        assert!(
            cells.iter().any(|c| c == inert),
            "{inert} not among {cells:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// The report's rectification plan

fn plan_client() -> Client {
    let mut c = Client {
        id: ClientId(4),
        name: "Ningbo Harbour Logistics".into(),
        name_zh: "宁波港口物流有限公司".into(),
        region: "浙江省宁波市".into(),
        ..Client::default()
    };
    c.validate().unwrap();
    c
}

fn plan_network() -> Network {
    let mut n = Network {
        id: NetworkId(21),
        client: ClientId(4),
        revision: 1,
        name: "仓储管理系统 WMS".into(),
        notes: String::new(),
        answers: crate::support::answered(),
        overrides: Overrides::default(),
        filed_level: Some(Level::L3),
        milestones: Vec::new(),
    };
    n.validate().unwrap();
    n
}

fn report_today() -> NaiveDate {
    d("2026-05-10")
}

fn report(findings: &[Finding], format: ReportFormat) -> String {
    let extensions = BTreeSet::from([Extension::Cloud]);
    report::render_with_findings(
        &plan_client(),
        &plan_network(),
        &Config::default(),
        report_today(),
        format,
        Some(&Rectification {
            findings,
            extensions: &extensions,
        }),
    )
}

/// The plan's section, from its heading to the report's closing line.
fn plan_section(out: &str, start: &str, end: &str) -> String {
    let from = out.find(start).expect("the plan's heading");
    let to = out[from..].find(end).map_or(out.len(), |i| from + i);
    out[from..to].to_string()
}

#[test]
fn the_rectification_plan_as_markdown() {
    let out = report(&sample_findings(), ReportFormat::Markdown);
    let section = plan_section(
        &out,
        "## 6. 整改计划 Rectification plan",
        "由 mlps 根据案卷",
    );
    crate::support::assert_snapshot!("the_rectification_plan_as_markdown", section);
}

#[test]
fn the_rectification_plan_as_html() {
    let out = report(&sample_findings(), ReportFormat::Html);
    let section = plan_section(
        &out,
        "<h2>6. 整改计划 Rectification plan",
        "<p>由 mlps 根据案卷",
    );
    crate::support::assert_snapshot!("the_rectification_plan_as_html", section);
}

#[test]
fn the_plan_groups_by_owner_then_open_before_closed_then_due_date() {
    let out = report(&sample_findings(), ReportFormat::Markdown);
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with("### ")).collect();
    let owners: Vec<&str> = headings
        .iter()
        .copied()
        .skip_while(|h| !h.contains("责任人") && !h.contains("No owner"))
        .collect();
    assert_eq!(
        owners,
        [
            "### 责任人 Owner: +86 21 5555 · 未关闭 1/1 open",
            "### 责任人 Owner: Wang Fang · 未关闭 0/1 open",
            "### 责任人 Owner: 李娜 · 未关闭 1/1 open",
            "### 责任人 Owner: 运维部 张伟 · 未关闭 1/1 open",
            "### 未指定责任人 No owner · 未关闭 0/1 open",
        ],
        "{out}"
    );
    // Compliant and not-applicable findings ask for no fix.
    assert!(out.contains("另有 2 条记录为符合或不适用"));
    assert!(!out.contains("机房位于顶层"));
    // One owner's open gaps by due date, before the closed ones.
    let mut many = Vec::new();
    for (i, (due, status)) in [
        (Some("2026-09-01"), FindingStatus::Open),
        (Some("2026-04-01"), FindingStatus::Fixed),
        (None, FindingStatus::InProgress),
        (Some("2026-04-30"), FindingStatus::Open),
    ]
    .into_iter()
    .enumerate()
    {
        let mut f = Finding::new(
            FindingId(i as u64),
            "computing.audit",
            &format!("gap {i}"),
            ComplianceResult::Partial,
            Risk::Medium,
            found(),
        );
        f.owner = "李娜".into();
        f.due = due.map(d);
        f.set_status(status, d("2026-04-20")).unwrap();
        many.push(f);
    }
    let out = report(&many, ReportFormat::Markdown);
    let order: Vec<usize> = out
        .lines()
        .filter_map(|l| l.find("gap ").map(|at| l[at + 4..at + 5].parse().unwrap()))
        .collect();
    assert_eq!(order, [3, 0, 2, 1], "{out}");
    // The past-due open gap says so; the report is dated 2026-05-10.
    assert!(out.contains("**2026-04-30** · 逾期 overdue"), "{out}");
}

#[test]
fn the_plan_states_the_estimate_under_both_templates() {
    let out = report(&sample_findings(), ReportFormat::Markdown);
    let points = gaps::applicable(Level::L3, &BTreeSet::from([Extension::Cloud]));
    let p = gaps::predict(&sample_findings(), &points, report_today());
    let words = mlps::domain::gaps::labels::prediction(&p, Lang::Zh);
    assert!(out.contains(&words), "{words} in the report");
    assert!(out.contains("估计值 an estimate"));
    // Two open high gaps: a major risk, so 不符合 and 差.
    assert!(
        out.contains("| 2025版报告模板 2025 report template | 不符合 non-compliant |"),
        "{out}"
    );
    assert!(out.contains("| 2021版报告模板 2021 report template | 差 poor |"));
    assert!(
        out.contains("| 整改完成 Rectification done | 否 no |"),
        "{out}"
    );
    // Fixing them changes the estimate.
    let mut fixed = sample_findings();
    for f in &mut fixed {
        if f.risk == Risk::High || f.risk == Risk::Medium {
            f.set_status(FindingStatus::Fixed, d("2026-05-01")).unwrap();
        }
    }
    let out = report(&fixed, ReportFormat::Markdown);
    assert!(
        out.contains("| 整改完成 Rectification done | 是 yes |"),
        "{out}"
    );
    assert!(!out.contains("| 2025版报告模板 2025 report template | 不符合"));
}

#[test]
fn without_findings_the_report_is_unchanged() {
    let extensions = BTreeSet::new();
    for format in [ReportFormat::Markdown, ReportFormat::Html] {
        let plain = report::render(
            &plan_client(),
            &plan_network(),
            &Config::default(),
            report_today(),
            format,
        );
        let none = report::render_with_findings(
            &plan_client(),
            &plan_network(),
            &Config::default(),
            report_today(),
            format,
            None,
        );
        let empty = report::render_with_findings(
            &plan_client(),
            &plan_network(),
            &Config::default(),
            report_today(),
            format,
            Some(&Rectification {
                findings: &[],
                extensions: &extensions,
            }),
        );
        assert_eq!(none, plain);
        assert_eq!(empty, plain);
        assert!(!plain.contains("整改计划"));
    }
}

fn hostile_findings() -> Vec<Finding> {
    let mut f = Finding::new(
        FindingId(1),
        "computing.identity_auth",
        "<script>alert(1)</script> | pipe |\n# not a heading\n**bold** [x](javascript:alert(2))",
        ComplianceResult::NonCompliant,
        Risk::High,
        found(),
    );
    f.owner = "<img src=x onerror=alert(3)> | 张\u{202e}伟".into();
    f.evidence = "`code`\n| a | b |\n<b>bold</b> &amp;".into();
    f.validate().unwrap();
    // Past the store's cleaning, as a damaged record could be.
    f.description.push_str("\u{1b}[2J");
    vec![f]
}

#[test]
fn hostile_text_stays_text_in_the_plan() {
    let html = report(&hostile_findings(), ReportFormat::Html);
    let section = plan_section(&html, "<h2>6. 整改计划", "<p>由 mlps 根据案卷");
    let lower = section.to_lowercase();
    assert!(!lower.contains("<script"), "{section}");
    assert!(!lower.contains("<img"));
    assert!(!lower.contains("<b>"));
    assert!(section.contains("&lt;script&gt;alert(1)&lt;/script&gt; | pipe |"));
    assert!(section.contains("&amp;amp;"));
    assert!(!section.contains('\u{202e}') && !section.contains('\u{1b}'));
    assert!(section.contains("张\\u{202e}伟"));

    let md = report(&hostile_findings(), ReportFormat::Markdown);
    let section = plan_section(&md, "## 6. 整改计划", "由 mlps 根据案卷");
    assert!(!section.contains('\u{202e}') && !section.contains('\u{1b}'));
    assert!(section.contains("\\<script\\>alert(1)\\</script\\> \\| pipe \\|<br>\\# not a heading<br>\\*\\*bold\\*\\* \\[x\\](javascript:alert(2))"), "{section}");
    // Every table row keeps its six cells.
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let mut seps = 0;
        let mut backslashes = 0;
        for c in line.chars() {
            if c == '|' && backslashes % 2 == 0 {
                seps += 1;
            }
            backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        }
        assert!(seps == 7 || seps == 3, "{line}");
    }
    // No line of user text starts a block of its own.
    for line in section.lines() {
        assert!(
            line.is_empty() || line.starts_with(['|', '#']) || !line.is_ascii(),
            "{line}"
        );
    }
}
