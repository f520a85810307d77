//! Rectification's domain (`mlps::domain::gaps`, docs/rectification.md):
//! the GB/T 22239-2019 catalogue checked against the tables of the docs and
//! the spec's level-3 list, default extensions, the lookup of a point by
//! name, findings and their validation, the predicted evaluation result at
//! every edge of both schemes, rectification done, and progress counts.

use std::collections::BTreeSet;

use mlps::domain::gaps::catalogue::{self, fold};
use mlps::domain::gaps::labels as gl;
use mlps::domain::gaps::{
    ComplianceResult, Conclusion, ControlPoint, Extension, ExtensionChoice, Finding, FindingId,
    FindingStatus, PointLookup, Risk, Scheme, TEMPLATE_2025_FROM, applicable, default_extensions,
    lookup_point, predict, progress, rectification_done,
};
use mlps::domain::labels::Lang;
use mlps::domain::questionnaire::{Answers, Deployment, ObjectType};

use crate::support::{d, lv};

const CATEGORIES: [&str; 10] = [
    "physical",
    "network",
    "boundary",
    "computing",
    "centre",
    "policies",
    "organisation",
    "personnel",
    "construction",
    "operations",
];

/// The rows of the markdown table after `<!-- counts: NAME -->` in
/// docs/rectification.md: first word of the first cell, then the numbers.
fn docs_table(name: &str) -> Vec<(String, Vec<usize>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rectification.md");
    let text = std::fs::read_to_string(path).expect("docs/rectification.md");
    let marker = format!("<!-- counts: {name} -->");
    let start = text
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker} in docs/rectification.md"));
    let rows: Vec<(String, Vec<usize>)> = text[start + marker.len()..]
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.trim_start().starts_with('|'))
        .skip(2) // header and rule
        .map(|l| {
            let cells: Vec<&str> = l
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let key = cells[0].split_whitespace().next().unwrap_or("").to_string();
            let nums = cells[1..]
                .iter()
                .map(|c| {
                    c.parse()
                        .unwrap_or_else(|_| panic!("{name}: {c:?} in {l:?}"))
                })
                .collect();
            (key, nums)
        })
        .collect();
    assert!(!rows.is_empty(), "the {name} table has no rows");
    rows
}

fn count(ext: Option<Extension>, category: Option<&str>, level: u8) -> usize {
    catalogue::catalogue()
        .points
        .iter()
        .filter(|p| p.extension == ext)
        .filter(|p| category.is_none_or(|c| p.category_id() == c))
        .filter(|p| p.levels.contains(&level))
        .count()
}

#[test]
fn catalogue_counts_match_the_docs() {
    let general = docs_table("general");
    let keys: Vec<&str> = general.iter().map(|(k, _)| k.as_str()).collect();
    let mut expected_keys = CATEGORIES.to_vec();
    expected_keys.push("total");
    assert_eq!(
        keys, expected_keys,
        "the docs table lists every category, then the total"
    );
    for (key, nums) in &general {
        assert_eq!(nums.len(), 4, "{key}: levels 1 to 4");
        for (i, n) in nums.iter().enumerate() {
            let level = i as u8 + 1;
            let cat = (key != "total").then_some(key.as_str());
            assert_eq!(
                count(None, cat, level),
                *n,
                "{key} at level {level}: the catalogue and docs/rectification.md disagree"
            );
        }
    }
    let extensions = docs_table("extensions");
    assert_eq!(extensions.len(), Extension::ALL.len());
    for (key, nums) in &extensions {
        let ext: Extension = key.parse().unwrap_or_else(|e| panic!("{e}"));
        for (i, n) in nums.iter().enumerate() {
            let level = i as u8 + 1;
            assert_eq!(count(Some(ext), None, level), *n, "{key} at level {level}");
        }
    }
}

#[test]
fn level_3_has_the_specs_71_points_by_name() {
    // shared/spec/gbt22239-control-points.md, level 3 general requirements.
    let spec: [(&str, &str); 10] = [
        (
            "physical",
            "物理位置选择, 物理访问控制, 防盗窃和防破坏, 防雷击, 防火, 防水和防潮, 防静电, 温湿度控制, 电力供应, 电磁防护",
        ),
        ("network", "网络架构, 通信传输, 可信验证"),
        (
            "boundary",
            "边界防护, 访问控制, 入侵防范, 恶意代码和垃圾邮件防范, 安全审计, 可信验证",
        ),
        (
            "computing",
            "身份鉴别, 访问控制, 安全审计, 入侵防范, 恶意代码防范, 可信验证, 数据完整性, 数据保密性, 数据备份恢复, 剩余信息保护, 个人信息保护",
        ),
        ("centre", "系统管理, 审计管理, 安全管理, 集中管控"),
        ("policies", "安全策略, 管理制度, 制定和发布, 评审和修订"),
        (
            "organisation",
            "岗位设置, 人员配备, 授权和审批, 沟通和合作, 审核和检查",
        ),
        (
            "personnel",
            "人员录用, 人员离岗, 安全意识教育和培训, 外部人员访问管理",
        ),
        (
            "construction",
            "定级和备案, 安全方案设计, 产品采购和使用, 自行软件开发, 外包软件开发, 工程实施, 测试验收, 系统交付, 等级测评, 服务供应商选择",
        ),
        (
            "operations",
            "环境管理, 资产管理, 介质管理, 设备维护管理, 漏洞和风险管理, 网络和系统安全管理, 恶意代码防范管理, 配置管理, 密码管理, 变更管理, 备份与恢复管理, 安全事件处置, 应急预案管理, 外包运维管理",
        ),
    ];
    let points = applicable(lv(3), &BTreeSet::new());
    assert_eq!(points.len(), 71);
    for (cat, names) in spec {
        let want: Vec<&str> = names.split(", ").collect();
        let got: Vec<&str> = points
            .iter()
            .filter(|p| p.category_id() == cat)
            .map(|p| p.zh.as_str())
            .collect();
        assert_eq!(got, want, "{cat} at level 3");
    }
    // Level 3 as the spec counts it, category by category.
    let per: Vec<usize> = CATEGORIES.iter().map(|c| count(None, Some(c), 3)).collect();
    assert_eq!(per, [10, 3, 6, 11, 4, 4, 5, 4, 10, 14]);
}

#[test]
fn extension_sets_at_level_3_match_the_spec() {
    let spec = [
        (Extension::Cloud, 16, 14),
        (Extension::Mobile, 9, 9),
        (Extension::Iot, 8, 8),
        (Extension::IndustrialControl, 9, 9),
    ];
    for (ext, points, names) in spec {
        let set: Vec<&ControlPoint> = applicable(lv(3), &BTreeSet::from([ext]))
            .into_iter()
            .filter(|p| p.extension == Some(ext))
            .collect();
        assert_eq!(set.len(), points, "{ext}");
        let distinct: BTreeSet<&str> = set.iter().map(|p| p.zh.as_str()).collect();
        assert_eq!(distinct.len(), names, "{ext}: distinct names");
        assert!(set.iter().all(|p| p.id.starts_with(&format!("{ext}."))));
    }
    let cloud: Vec<&str> = applicable(lv(3), &BTreeSet::from([Extension::Cloud]))
        .into_iter()
        .filter(|p| p.extension.is_some())
        .map(|p| p.zh.as_str())
        .collect();
    for name in [
        "基础设施位置",
        "镜像和快照保护",
        "云服务商选择",
        "供应链管理",
        "云计算环境管理",
    ] {
        assert!(cloud.contains(&name), "{name}");
    }
}

#[test]
fn every_point_is_complete_and_ids_are_unique_and_stable() {
    let cat = catalogue::catalogue();
    assert_eq!(cat.categories.len(), 10);
    let cat_ids: Vec<&str> = cat.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(cat_ids, CATEGORIES);
    let mut ids = BTreeSet::new();
    let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for p in &cat.points {
        assert!(ids.insert(p.id.as_str()), "{}: repeated id", p.id);
        assert!(has_cjk(&p.zh), "{}: Chinese name", p.id);
        assert!(
            !p.en.is_empty() && p.en.is_ascii(),
            "{}: English name",
            p.id
        );
        assert!(
            p.asks_en.len() > 20 && p.asks_en.is_ascii(),
            "{}: English paraphrase",
            p.id
        );
        assert!(has_cjk(&p.asks_zh), "{}: Chinese paraphrase", p.id);
        assert!(!p.levels.is_empty(), "{}: no level", p.id);
        assert!(
            p.levels.windows(2).all(|w| w[0] < w[1]),
            "{}: levels in order",
            p.id
        );
        assert!(
            p.levels.contains(&3) && p.levels.contains(&4),
            "{}: every point applies at levels 3 and 4",
            p.id
        );
        assert!(p.category().is_some(), "{}", p.id);
        // A point that applies at a level applies at every level above.
        let first = p.levels[0];
        assert_eq!(
            p.levels,
            (first..=4).collect::<Vec<u8>>(),
            "{}: levels",
            p.id
        );
    }
    // Ids this product has given out: never renamed.
    for id in [
        "computing.identity_auth",
        "computing.backup",
        "operations.backup",
        "boundary.malware_spam",
        "cloud.computing.access_control",
        "industrial_control.boundary.dial_up",
    ] {
        assert!(catalogue::point(id).is_some(), "{id}");
    }
    // The labels come from the catalogue in both languages.
    let p = catalogue::point("computing.identity_auth").unwrap();
    assert_eq!(p.label().get(Lang::Zh), "身份鉴别");
    assert_eq!(p.label().get(Lang::En), "Identity authentication");
    assert_eq!(
        p.category().unwrap().label().get(Lang::Both),
        "Computing environment 安全计算环境"
    );
}

#[test]
fn the_catalogue_parser_names_what_is_wrong() {
    let bad = catalogue::CATALOGUE_TOML.replacen("levels = [2, 3, 4]", "levels = [2, 3, 7]", 1);
    let err = catalogue::Catalogue::parse(&bad).unwrap_err();
    assert!(
        err.contains("physical.location") && err.contains("levels"),
        "{err}"
    );
    let dup = catalogue::CATALOGUE_TOML.replacen(
        "id = \"physical.access\"",
        "id = \"physical.location\"",
        1,
    );
    let err = catalogue::Catalogue::parse(&dup).unwrap_err();
    assert!(err.contains("repeated"), "{err}");
    let twin = catalogue::CATALOGUE_TOML.replacen("zh = \"防静电\"", "zh = \"防火\"", 1);
    let err = catalogue::Catalogue::parse(&twin).unwrap_err();
    assert!(
        err.contains("physical.static") && err.contains("防火"),
        "{err}"
    );
    let err = catalogue::Catalogue::parse("point = 3").unwrap_err();
    assert!(!err.is_empty());
}

#[test]
fn applicable_points_by_level_and_extension() {
    let none = BTreeSet::new();
    assert_eq!(applicable(lv(1), &none).len(), 42);
    assert_eq!(applicable(lv(2), &none).len(), 68);
    assert_eq!(applicable(lv(4), &none).len(), 71);
    // Level 5 is not public: read as level 4.
    assert_eq!(applicable(lv(5), &none), applicable(lv(4), &none));
    let cloud = BTreeSet::from([Extension::Cloud]);
    assert_eq!(applicable(lv(3), &cloud).len(), 71 + 16);
    assert_eq!(applicable(lv(2), &cloud).len(), 68 + 13);
    let all: BTreeSet<Extension> = Extension::ALL.iter().copied().collect();
    assert_eq!(applicable(lv(3), &all).len(), 71 + 16 + 9 + 8 + 9);
    // General points first, in catalogue order.
    let l3 = applicable(lv(3), &all);
    assert_eq!(l3[0].id, "physical.location");
    assert!(l3[..71].iter().all(|p| p.extension.is_none()));
}

#[test]
fn default_extensions_follow_deployment_and_object_type() {
    let with = |object_type: Option<ObjectType>, deployment: Option<Deployment>| {
        default_extensions(&Answers {
            object_type,
            deployment,
            ..Answers::default()
        })
    };
    use Extension::*;
    assert_eq!(with(None, None), BTreeSet::new());
    assert_eq!(
        with(Some(ObjectType::Website), Some(Deployment::OnPremises)),
        BTreeSet::new()
    );
    assert_eq!(
        with(Some(ObjectType::Website), Some(Deployment::Cloud)),
        BTreeSet::from([Cloud])
    );
    assert_eq!(
        with(None, Some(Deployment::Hybrid)),
        BTreeSet::from([Cloud])
    );
    assert_eq!(
        with(Some(ObjectType::CloudPlatform), None),
        BTreeSet::from([Cloud])
    );
    assert_eq!(
        with(Some(ObjectType::MobileAppBackend), Some(Deployment::Cloud)),
        BTreeSet::from([Cloud, Mobile])
    );
    assert_eq!(
        with(Some(ObjectType::Iot), Some(Deployment::OnPremises)),
        BTreeSet::from([Iot])
    );
    assert_eq!(
        with(
            Some(ObjectType::IndustrialControl),
            Some(Deployment::Hybrid)
        ),
        BTreeSet::from([Cloud, IndustrialControl])
    );
    assert_eq!(with(Some(ObjectType::BigData), None), BTreeSet::new());
}

#[test]
fn a_network_overrides_its_extensions_and_later_answers_still_count() {
    use Extension::*;
    let mut answers = Answers {
        object_type: Some(ObjectType::MobileAppBackend),
        deployment: Some(Deployment::OnPremises),
        ..Answers::default()
    };
    let mut choice = ExtensionChoice::default();
    assert_eq!(choice.resolve(&answers), BTreeSet::from([Mobile]));
    // The app has no wireless side; the network runs one IoT gateway.
    choice.set(Mobile, false);
    choice.set(Iot, true);
    assert_eq!(choice.resolve(&answers), BTreeSet::from([Iot]));
    // Moving to the cloud later still brings the cloud set.
    answers.deployment = Some(Deployment::Cloud);
    assert_eq!(choice.resolve(&answers), BTreeSet::from([Cloud, Iot]));
    choice.set(Iot, false);
    assert!(choice.added.is_empty() && choice.removed.contains(&Iot));
    choice.reset(Mobile);
    choice.reset(Iot);
    assert_eq!(choice.resolve(&answers), BTreeSet::from([Cloud, Mobile]));
    // Stored as changes, by id.
    choice.set(IndustrialControl, true);
    let json = serde_json::to_string(&choice).unwrap();
    assert_eq!(json, r#"{"added":["industrial_control"]}"#);
    assert_eq!(
        serde_json::from_str::<ExtensionChoice>(&json).unwrap(),
        choice
    );
    assert_eq!(
        serde_json::from_str::<ExtensionChoice>("{}").unwrap(),
        ExtensionChoice::default()
    );
    assert!(serde_json::from_str::<ExtensionChoice>(r#"{"added":["blockchain"]}"#).is_err());
}

fn found(l: PointLookup) -> String {
    match l {
        PointLookup::Found(p) => p.id.clone(),
        other => panic!("expected one point, got {other:?}"),
    }
}

fn suggested(l: PointLookup) -> Vec<String> {
    match l {
        PointLookup::NotFound { did_you_mean } => {
            did_you_mean.iter().map(|p| p.id.clone()).collect()
        }
        other => panic!("expected a miss, got {other:?}"),
    }
}

#[test]
fn points_are_found_by_chinese_english_alias_and_id() {
    let all: BTreeSet<Extension> = Extension::ALL.iter().copied().collect();
    let pts = applicable(lv(3), &all);
    assert_eq!(
        found(lookup_point("身份鉴别", None, &pts)),
        "computing.identity_auth"
    );
    assert_eq!(
        found(lookup_point("  IDENTITY  authentication ", None, &pts)),
        "computing.identity_auth"
    );
    assert_eq!(
        found(lookup_point("数据备份与恢复", None, &pts)),
        "computing.backup"
    );
    assert_eq!(
        found(lookup_point("数据备份恢复", Some("安全计算环境"), &pts)),
        "computing.backup"
    );
    assert_eq!(
        found(lookup_point("备份与恢复管理", None, &pts)),
        "operations.backup"
    );
    assert_eq!(
        found(lookup_point("Backup and recovery management", None, &pts)),
        "operations.backup"
    );
    assert_eq!(
        found(lookup_point("backup & recovery management", None, &pts)),
        "operations.backup"
    );
    assert_eq!(
        found(lookup_point("operations.crypto", None, &pts)),
        "operations.crypto"
    );
    // Full-width letters fold (NFKC).
    assert_eq!(
        found(lookup_point("Ａnti-static", None, &pts)),
        "physical.static"
    );
    // 访问控制 is under several categories: the category settles it.
    match lookup_point("访问控制", None, &pts) {
        PointLookup::Ambiguous(ps) => {
            let ids: Vec<&str> = ps.iter().map(|p| p.id.as_str()).collect();
            assert!(
                ids.contains(&"boundary.access_control")
                    && ids.contains(&"computing.access_control"),
                "{ids:?}"
            );
            assert!(ids.iter().all(|id| !id.starts_with("cloud")), "{ids:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        found(lookup_point("访问控制", Some("安全区域边界"), &pts)),
        "boundary.access_control"
    );
    assert_eq!(
        found(lookup_point("访问控制", Some("computing"), &pts)),
        "computing.access_control"
    );
    // A name general and extension points share means the general one,
    // unless the category cell names the extension.
    assert_eq!(
        found(lookup_point("身份鉴别", None, &pts)),
        "computing.identity_auth"
    );
    assert_eq!(
        found(lookup_point("身份鉴别", Some("云计算安全扩展要求"), &pts)),
        "cloud.computing.identity_auth"
    );
    assert_eq!(
        found(lookup_point("访问控制", Some("云计算 安全计算环境"), &pts)),
        "cloud.computing.access_control"
    );
    assert_eq!(
        found(lookup_point("access control", Some("cloud boundary"), &pts)),
        "cloud.boundary.access_control"
    );
    assert_eq!(
        found(lookup_point("访问控制", Some("工业控制"), &pts)),
        "industrial_control.boundary.access_control"
    );
    assert_eq!(
        found(lookup_point("Cloud identity authentication", None, &pts)),
        "cloud.computing.identity_auth"
    );
    // The level-2 name of the boundary's malware point.
    assert_eq!(
        found(lookup_point("恶意代码防范", Some("boundary"), &pts)),
        "boundary.malware_spam"
    );
    // A point the network lacks is not found: no cloud points without cloud.
    let plain = applicable(lv(3), &BTreeSet::new());
    assert!(!matches!(
        lookup_point("镜像和快照保护", None, &plain),
        PointLookup::Found(_)
    ));
    // An unknown category finds nothing.
    assert!(matches!(
        lookup_point("访问控制", Some("no such category"), &pts),
        PointLookup::NotFound { .. }
    ));
}

#[test]
fn near_misses_suggest_the_nearest_names() {
    let pts = applicable(lv(3), &BTreeSet::new());
    let s = suggested(lookup_point("身份鉴定", None, &pts));
    assert_eq!(
        s.first().map(String::as_str),
        Some("computing.identity_auth"),
        "{s:?}"
    );
    let s = suggested(lookup_point("Identity authentification", None, &pts));
    assert_eq!(
        s.first().map(String::as_str),
        Some("computing.identity_auth"),
        "{s:?}"
    );
    let s = suggested(lookup_point("数据备份", None, &pts));
    assert!(s.contains(&"computing.backup".to_string()), "{s:?}");
    let misses: Vec<&ControlPoint> = match lookup_point("身份鉴定", None, &pts) {
        PointLookup::NotFound { did_you_mean } => did_you_mean,
        other => panic!("{other:?}"),
    };
    let hint = gl::did_you_mean(&misses[..1], Lang::En);
    assert_eq!(
        hint,
        "did you mean: Identity authentication 身份鉴别 (computing.identity_auth)?"
    );
    let hint = gl::did_you_mean(&misses[..1], Lang::Zh);
    assert_eq!(hint, "是否指：身份鉴别（computing.identity_auth）？");
    assert_eq!(gl::did_you_mean(&[], Lang::En), "");
    let s = suggested(lookup_point("Change managment", None, &pts));
    assert_eq!(
        s.first().map(String::as_str),
        Some("operations.change"),
        "{s:?}"
    );
    assert!(s.len() <= catalogue::MAX_SUGGESTIONS);
    assert!(suggested(lookup_point("zzqqxx", None, &pts)).is_empty());
    assert!(suggested(lookup_point("", None, &pts)).is_empty());
    assert_eq!(fold(" 数据备份与恢复 "), fold("数据备份恢复"));
}

// ------------------------------------------------------------- findings

fn finding(id: u64, point: &str, result: ComplianceResult, risk: Risk) -> Finding {
    Finding::new(FindingId(id), point, "gap", result, risk, d("2026-01-05"))
}

#[test]
fn findings_round_trip_through_json_with_snake_case_ids() {
    let mut f = finding(
        7,
        "computing.identity_auth",
        ComplianceResult::NonCompliant,
        Risk::High,
    );
    f.owner = "运维部 张伟".into();
    f.due = Some(d("2026-12-01"));
    f.set_status(FindingStatus::InProgress, d("2026-02-01"))
        .unwrap();
    let json = serde_json::to_string(&f).unwrap();
    for word in [
        "\"non_compliant\"",
        "\"high\"",
        "\"in_progress\"",
        "\"2026-12-01\"",
        "\"computing.identity_auth\"",
    ] {
        assert!(json.contains(word), "{word} in {json}");
    }
    let back: Finding = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
    let mut bare = finding(8, "physical.fire", ComplianceResult::Partial, Risk::Low);
    bare.history.clear();
    let json = serde_json::to_string(&bare).unwrap();
    assert!(!json.contains("due"), "{json}");
    assert_eq!(serde_json::from_str::<Finding>(&json).unwrap(), bare);
    let bad = json.replace("\"partial\"", "\"mostly\"");
    assert!(serde_json::from_str::<Finding>(&bad).is_err());
}

#[test]
fn status_changes_are_recorded_with_their_dates() {
    let mut f = finding(
        1,
        "computing.audit",
        ComplianceResult::Partial,
        Risk::Medium,
    );
    f.set_status(FindingStatus::InProgress, d("2026-02-01"))
        .unwrap();
    f.set_status(FindingStatus::Fixed, d("2026-03-01")).unwrap();
    f.set_status(FindingStatus::Fixed, d("2026-03-05")).unwrap(); // no change
    f.set_status(FindingStatus::Verified, d("2026-03-10"))
        .unwrap();
    assert_eq!(f.history.len(), 4);
    assert_eq!(f.history[2].from, Some(FindingStatus::InProgress));
    assert_eq!(f.closed_on(), Some(d("2026-03-01")));
    let err = f
        .set_status(FindingStatus::Open, d("2026-03-09"))
        .unwrap_err();
    assert_eq!(err.field, "history");
    f.set_status(FindingStatus::Open, d("2026-04-01")).unwrap();
    assert_eq!(f.closed_on(), None);
    assert!(f.validate().is_ok());
}

#[test]
fn validation_names_the_bad_field() {
    let ok = || {
        finding(
            1,
            "computing.audit",
            ComplianceResult::Partial,
            Risk::Medium,
        )
    };
    let field = |f: &mut Finding| f.validate().unwrap_err().field;

    let mut f = ok();
    f.control_point = "computing.nope".into();
    let e = f.validate().unwrap_err();
    assert_eq!(e.field, "control_point");
    assert!(e.message.contains("computing.nope"), "{e}");

    let mut f = ok();
    f.control_point = " ".into();
    assert_eq!(field(&mut f), "control_point");

    let mut f = ok();
    f.description = "\u{1b}\u{7}\n ".into();
    assert_eq!(field(&mut f), "description");

    let mut f = ok();
    f.owner = "x".repeat(201);
    assert_eq!(field(&mut f), "owner");

    let mut f = ok();
    f.evidence = "y".repeat(4001);
    assert_eq!(field(&mut f), "evidence");

    let mut f = ok();
    f.set_status(FindingStatus::Fixed, d("2026-02-01")).unwrap();
    f.history[1].date = d("2025-12-31");
    let e = f.validate().unwrap_err();
    assert_eq!(e.field, "history[1].date");
    assert!(
        e.to_string().starts_with("history[1].date: 2025-12-31"),
        "{e}"
    );

    let mut f = ok();
    f.status = FindingStatus::Verified;
    let e = f.validate().unwrap_err();
    assert_eq!(e.field, "status");
    assert!(
        e.message.contains("verified") && e.message.contains("open"),
        "{e}"
    );

    let mut f = ok();
    f.set_status(FindingStatus::Fixed, d("2026-02-01")).unwrap();
    f.history[1].from = Some(FindingStatus::InProgress);
    assert_eq!(field(&mut f), "history[1].from");

    // Control characters go; the rest stays.
    let mut f = ok();
    f.description = "弱口令\u{7}未整改\u{1b}".into();
    f.owner = "\tIT\u{0} ops ".into();
    f.validate().unwrap();
    assert_eq!(f.description, "弱口令未整改");
    assert_eq!(f.owner, "IT ops");
}

// ------------------------------------------------- the predicted result

/// `n` synthetic control points, `t.p0` ...
fn points(n: usize) -> Vec<ControlPoint> {
    (0..n)
        .map(|i| ControlPoint {
            id: format!("t.p{i}"),
            extension: None,
            zh: format!("点{i}"),
            en: format!("point {i}"),
            asks_en: String::new(),
            asks_zh: String::new(),
            levels: vec![1, 2, 3, 4],
            aliases: Vec::new(),
        })
        .collect()
}

/// Findings on the first points: `nc` non-compliant, then `partial`
/// partial, all of `risk`.
fn gaps(nc: usize, partial: usize, risk: Risk) -> Vec<Finding> {
    (0..nc)
        .map(|i| {
            finding(
                i as u64,
                &format!("t.p{i}"),
                ComplianceResult::NonCompliant,
                risk,
            )
        })
        .chain((nc..nc + partial).map(|i| {
            finding(
                i as u64,
                &format!("t.p{i}"),
                ComplianceResult::Partial,
                risk,
            )
        }))
        .collect()
}

const AFTER: &str = "2026-06-01";
const BEFORE: &str = "2024-06-01";

fn conclude(findings: &[Finding], date: &str) -> (Conclusion, f64) {
    let pts = points(20);
    let refs: Vec<&ControlPoint> = pts.iter().collect();
    let p = predict(findings, &refs, d(date));
    (p.conclusion(), p.rate_percent())
}

#[test]
fn the_2025_scheme_at_every_edge() {
    use Conclusion::*;
    let c = |nc, partial, risk| conclude(&gaps(nc, partial, risk), AFTER);
    assert_eq!(c(0, 0, Risk::Low), (Compliant, 100.0));
    assert_eq!(c(1, 1, Risk::Low), (Compliant, 92.5)); // above 90
    assert_eq!(c(2, 0, Risk::Low), (BasicallyCompliant, 90.0)); // 90 itself
    assert_eq!(c(0, 4, Risk::Low), (BasicallyCompliant, 90.0)); // partials count half
    assert_eq!(c(0, 3, Risk::Medium), (Compliant, 92.5));
    assert_eq!(c(8, 0, Risk::Low), (BasicallyCompliant, 60.0)); // 60 itself
    assert_eq!(c(8, 1, Risk::Low), (NonCompliant, 57.5)); // below 60
    assert_eq!(c(20, 0, Risk::Low), (NonCompliant, 0.0));
    // A major risk remaining fails it, whatever the rate.
    assert_eq!(c(1, 0, Risk::High), (NonCompliant, 95.0));
    // Fixed, it counts as compliant and the risk is gone.
    let mut fs = gaps(1, 0, Risk::High);
    fs[0]
        .set_status(FindingStatus::Fixed, d("2026-03-01"))
        .unwrap();
    assert_eq!(conclude(&fs, AFTER), (Compliant, 100.0));
    // Major risks as found, with those rectified.
    let mut fs = gaps(3, 0, Risk::High);
    fs[0]
        .set_status(FindingStatus::Verified, d("2026-03-01"))
        .unwrap();
    let pts = points(20);
    let refs: Vec<&ControlPoint> = pts.iter().collect();
    let p = predict(&fs, &refs, d(AFTER));
    assert_eq!((p.high_found, p.high_open, p.major_risk()), (3, 2, true));
    assert_eq!(gl::major_risks(&p, Lang::En), "3 (1 rectified)");
    assert_eq!(gl::major_risks(&p, Lang::Zh), "3（已整改 1）");
    // In progress is still open.
    let mut fs = gaps(1, 0, Risk::High);
    fs[0]
        .set_status(FindingStatus::InProgress, d("2026-03-01"))
        .unwrap();
    assert_eq!(conclude(&fs, AFTER).0, NonCompliant);
}

#[test]
fn the_2021_scheme_at_every_edge() {
    use Conclusion::*;
    let c = |nc, partial, risk| conclude(&gaps(nc, partial, risk), BEFORE);
    assert_eq!(c(0, 0, Risk::Low), (Excellent, 100.0));
    assert_eq!(c(2, 0, Risk::Low), (Excellent, 90.0)); // ≥ 90
    assert_eq!(c(2, 1, Risk::Low), (Good, 87.5));
    assert_eq!(c(1, 0, Risk::Medium), (Good, 95.0)); // a medium risk open
    assert_eq!(c(4, 0, Risk::Low), (Good, 80.0));
    assert_eq!(c(4, 1, Risk::Low), (Fair, 77.5));
    assert_eq!(c(6, 0, Risk::Medium), (Fair, 70.0));
    assert_eq!(c(6, 1, Risk::Low), (Poor, 67.5));
    assert_eq!(c(1, 0, Risk::High), (Poor, 95.0)); // any high risk
    assert_eq!(c(0, 1, Risk::High), (Poor, 97.5));
    // The medium risk fixed: 优 again.
    let mut fs = gaps(1, 0, Risk::Medium);
    fs[0]
        .set_status(FindingStatus::Verified, d("2026-03-01"))
        .unwrap();
    assert_eq!(conclude(&fs, BEFORE), (Excellent, 100.0));
}

#[test]
fn the_report_date_picks_the_scheme() {
    assert_eq!(TEMPLATE_2025_FROM, d("2025-03-20"));
    assert_eq!(
        Scheme::for_report_date(d("2025-03-19")),
        Scheme::Template2021
    );
    assert_eq!(
        Scheme::for_report_date(d("2025-03-20")),
        Scheme::Template2025
    );
    let fs = gaps(4, 0, Risk::Low); // 80 %
    let pts = points(20);
    let refs: Vec<&ControlPoint> = pts.iter().collect();
    let before = predict(&fs, &refs, d("2025-03-19"));
    let after = predict(&fs, &refs, d("2025-03-20"));
    assert_eq!(before.conclusion(), Conclusion::Good);
    assert_eq!(after.conclusion(), Conclusion::BasicallyCompliant);
    // Both schemes are computed either way.
    assert_eq!(before.conclusion_2025, Conclusion::BasicallyCompliant);
    assert_eq!(after.conclusion_2021, Conclusion::Good);
    assert!(before.conclusion().passes() && after.conclusion().passes());
    assert_eq!(after.conclusion().scheme(), Scheme::Template2025);
    assert!(!Conclusion::Poor.passes() && !Conclusion::NonCompliant.passes());
}

#[test]
fn the_estimate_counts_points_not_findings() {
    let pts = points(10);
    let refs: Vec<&ControlPoint> = pts.iter().collect();
    let date = d(AFTER);
    // Two findings on one point: the worst counts, once.
    let fs = vec![
        finding(1, "t.p0", ComplianceResult::Partial, Risk::Low),
        finding(2, "t.p0", ComplianceResult::NonCompliant, Risk::Low),
    ];
    let p = predict(&fs, &refs, date);
    assert_eq!((p.counted, p.half_points), (10, 18));
    // Not applicable throughout: the point leaves the count.
    let fs = vec![finding(
        1,
        "t.p0",
        ComplianceResult::NotApplicable,
        Risk::Low,
    )];
    let p = predict(&fs, &refs, date);
    assert_eq!((p.counted, p.half_points), (9, 18));
    assert_eq!(p.rate_percent(), 100.0);
    // Not applicable beside a gap: the gap counts.
    let fs = vec![
        finding(1, "t.p0", ComplianceResult::NotApplicable, Risk::Low),
        finding(2, "t.p0", ComplianceResult::Partial, Risk::Low),
    ];
    assert_eq!(predict(&fs, &refs, date).half_points, 19);
    // A finding under a point that does not apply is ignored, even a high one.
    let fs = vec![finding(
        1,
        "computing.audit",
        ComplianceResult::NonCompliant,
        Risk::High,
    )];
    let p = predict(&fs, &refs, date);
    assert_eq!(
        (p.ignored, p.high_open, p.conclusion()),
        (1, 0, Conclusion::Compliant)
    );
    // No points at all: nothing to fall short of.
    let p = predict(&[], &[], date);
    assert_eq!(
        (p.counted, p.rate_percent(), p.conclusion()),
        (0, 100.0, Conclusion::Compliant)
    );
    // A real level 3 network: 71 points, one partial high risk open.
    let l3 = applicable(lv(3), &BTreeSet::new());
    let fs = vec![finding(
        1,
        "computing.identity_auth",
        ComplianceResult::Partial,
        Risk::High,
    )];
    let p = predict(&fs, &l3, date);
    assert_eq!((p.counted, p.half_points, p.high_open), (71, 141, 1));
    assert_eq!(p.conclusion(), Conclusion::NonCompliant);
    assert_eq!(
        gl::prediction(&p, Lang::En),
        "predicted non-compliant (99.3%)"
    );
    assert_eq!(gl::prediction(&p, Lang::Zh), "预测 不符合（99.3%）");
}

#[test]
fn rectification_is_done_when_high_and_medium_gaps_are_closed() {
    let mut fs = vec![
        finding(
            1,
            "computing.audit",
            ComplianceResult::NonCompliant,
            Risk::High,
        ),
        finding(
            2,
            "computing.backup",
            ComplianceResult::Partial,
            Risk::Medium,
        ),
        finding(3, "physical.fire", ComplianceResult::Partial, Risk::Low),
        finding(
            4,
            "physical.water",
            ComplianceResult::NotApplicable,
            Risk::High,
        ),
        finding(
            5,
            "physical.power",
            ComplianceResult::Compliant,
            Risk::Medium,
        ),
    ];
    assert!(!rectification_done(&fs));
    fs[0]
        .set_status(FindingStatus::Fixed, d("2026-02-01"))
        .unwrap();
    assert!(!rectification_done(&fs));
    fs[1]
        .set_status(FindingStatus::InProgress, d("2026-02-01"))
        .unwrap();
    assert!(!rectification_done(&fs));
    fs[1]
        .set_status(FindingStatus::Verified, d("2026-02-02"))
        .unwrap();
    // The low-risk gap may stay open; compliant and not applicable are no gaps.
    assert!(rectification_done(&fs));
    assert!(rectification_done(&[]));
}

#[test]
fn progress_counts_by_risk_and_status_and_overdue() {
    let today = d("2026-06-01");
    let mut fs = Vec::new();
    for i in 0..40u64 {
        let risk = match i {
            0..=3 => Risk::High,
            4..=19 => Risk::Medium,
            _ => Risk::Low,
        };
        let mut f = finding(i, "computing.audit", ComplianceResult::NonCompliant, risk);
        f.due = Some(if i % 10 == 0 {
            d("2026-05-31")
        } else {
            d("2026-06-01")
        });
        fs.push(f);
    }
    // High 0 and 1 fixed, 2 in progress; 10 mediums and low 20 verified.
    fs[0].set_status(FindingStatus::Fixed, today).unwrap();
    fs[1].set_status(FindingStatus::Fixed, today).unwrap();
    fs[2].set_status(FindingStatus::InProgress, today).unwrap();
    for f in fs.iter_mut().skip(4).take(10) {
        f.set_status(FindingStatus::Verified, today).unwrap();
    }
    fs[20].set_status(FindingStatus::Verified, today).unwrap();
    // Not gaps: not counted.
    fs.push(finding(
        99,
        "physical.fire",
        ComplianceResult::Compliant,
        Risk::High,
    ));
    let p = progress(&fs, today);
    assert_eq!(p.total(), 40);
    assert_eq!(p.count(Risk::High, FindingStatus::Fixed), 2);
    assert_eq!(p.count(Risk::High, FindingStatus::InProgress), 1);
    assert_eq!(p.count(Risk::High, FindingStatus::Open), 1);
    assert_eq!(p.count(Risk::Medium, FindingStatus::Verified), 10);
    assert_eq!(p.count(Risk::Low, FindingStatus::Verified), 1);
    assert_eq!(p.closed(), 13);
    assert_eq!(p.open_of(Risk::High), 2);
    // Due 05-31: 0 (fixed), 10 (verified), 20 (verified), 30 (open): one late.
    // Due today is not late.
    assert_eq!(p.overdue, 1);
    assert_eq!(
        gl::progress_line(&p, Lang::En),
        "13/40 fixed, 2 high open, 1 overdue"
    );
    assert_eq!(
        gl::progress_line(&p, Lang::Zh),
        "已整改 13/40，高风险未关闭 2，逾期 1"
    );
    let mut sum = p;
    sum.add(&p);
    assert_eq!((sum.total(), sum.closed(), sum.overdue), (80, 26, 2));
    let none = progress(&[], today);
    assert_eq!(gl::progress_line(&none, Lang::En), "0/0 fixed");
    assert_eq!(gl::progress_line(&none, Lang::Both), "0/0 fixed 已整改 0/0");
}

#[test]
fn every_word_has_both_languages() {
    let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut labels = Vec::new();
    labels.extend(ComplianceResult::ALL.iter().map(|r| gl::result(*r)));
    labels.extend(Risk::ALL.iter().map(|r| gl::risk(*r)));
    labels.extend(FindingStatus::ALL.iter().map(|s| gl::status(*s)));
    labels.extend(Extension::ALL.iter().map(|e| gl::extension(*e)));
    labels.extend(Conclusion::ALL.iter().map(|c| gl::conclusion(*c)));
    labels.extend(Scheme::ALL.iter().map(|s| gl::scheme(*s)));
    labels.extend([gl::PREDICTED, gl::MAJOR_RISK]);
    for l in labels {
        assert!(!l.en.is_empty() && l.en.is_ascii(), "{l:?}");
        assert!(has_cjk(l.zh), "{l:?}");
    }
    assert_eq!(
        gl::conclusion(Conclusion::BasicallyCompliant).get(Lang::Zh),
        "基本符合"
    );
    assert_eq!(
        gl::status(FindingStatus::InProgress).get(Lang::Both),
        "in progress 整改中"
    );
}
