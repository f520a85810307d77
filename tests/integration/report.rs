//! The grading report: its contents in both formats (snapshots of a case
//! full of Chinese text), agreement with the grading engine, and user text
//! that tries to become markup, table cells or hidden characters.

use chrono::NaiveDate;
use mlps::domain::grading::{self, RuleSet};
use mlps::domain::model::{
    Client, ClientId, Conclusion, Contact, Degree, HarmOverride, HarmedObject, Level, Milestone,
    Network, NetworkId, Overrides, Stage,
};
use mlps::domain::questionnaire::{Answers, DataCategory, Deployment, ObjectType, Sector};
use mlps::domain::settings::Config;
use mlps::formats::report::{self, ReportFormat};

use crate::support::{self, d};

fn today() -> NaiveDate {
    d("2026-09-01")
}

fn milestone(stage: Stage, date: &str, note: &str) -> Milestone {
    let mut m = Milestone::new(stage, d(date));
    m.note = note.into();
    m
}

fn cjk_client() -> Client {
    let mut c = Client {
        id: ClientId(3),
        name: "Hangzhou Xihu Online Commerce Co., Ltd.".into(),
        name_zh: "杭州西湖网上商城有限公司".into(),
        region: "浙江省杭州市".into(),
        credit_code: "91350100M000100Y43".into(),
        address: "浙江省杭州市西湖区文三路100号5楼".into(),
        contacts: vec![
            Contact {
                name: "王芳".into(),
                role: "信息安全经理".into(),
                email: "wang.fang@xihu-shop.example".into(),
                phone: "+86 571 5555 0100".into(),
            },
            Contact {
                name: "李强".into(),
                role: "运维主管".into(),
                email: String::new(),
                phone: "+86 571 5555 0101".into(),
            },
        ],
        notes: "客户要求报告中英双语。\n备案材料由法务部审核。".into(),
        ..Client::default()
    };
    c.validate().unwrap();
    c
}

fn cjk_answers() -> Answers {
    Answers {
        object_type: Some(ObjectType::Website),
        sector: Some(Sector::Ecommerce),
        cii: Some(false),
        data_categories: Some([DataCategory::Personal, DataCategory::Payment].into()),
        pi_subjects: Some(250_000),
        sensitive_pi_subjects: Some(8_000),
        registered_users: Some(300_000),
        public_facing: Some(true),
        public_opinion: Some(false),
        outage_affected_people: Some(50_000),
        hosted_max_level: None,
        deployment: Some(Deployment::Cloud),
        cloud_provider: Some("阿里云".into()),
        cloud_provider_level: Some(3),
        cross_border_transfer: Some(false),
        architecture_notes: Some(
            "阿里云华东1区：负载均衡 + 两台应用服务器\n数据库主备；与支付宝、顺丰接口互联".into(),
        ),
    }
}

fn cjk_network() -> Network {
    let mut evaluation = milestone(
        Stage::EvaluationPassed,
        "2025-09-20",
        "测评机构：浙江某测评中心",
    );
    evaluation.score = Some(86.5);
    evaluation.conclusion = Some(Conclusion::Good);
    evaluation.high_risks = Some(0);
    evaluation.medium_risks = Some(3);
    let mut certificate = milestone(Stage::CertificateIssued, "2025-05-12", "");
    certificate.number = Some("33010013001-25001".into());
    let mut n = Network {
        id: NetworkId(12),
        client: ClientId(3),
        revision: 4,
        name: "网上商城 Online shop".into(),
        notes: "面向全国消费者的电商平台。\n含会员、支付与物流模块。".into(),
        answers: cjk_answers(),
        overrides: Overrides {
            business_information: None,
            system_service: Some(HarmOverride {
                object: HarmedObject::SocialOrder,
                degree: Degree::General,
                justification:
                    "双十一期间服务中断将影响区域内大量商户经营，按社会秩序一般损害认定。".into(),
            }),
        },
        filed_level: Some(Level::L2),
        // Out of order on purpose: validate() sorts them.
        milestones: vec![
            evaluation,
            milestone(Stage::QuestionnaireSent, "2025-03-01", ""),
            milestone(Stage::QuestionnaireReceived, "2025-03-10", ""),
            milestone(
                Stage::InitialAssessment,
                "2025-03-20",
                "与律所、测评机构共同初评",
            ),
            milestone(Stage::AuditFirmSelected, "2025-04-01", ""),
            milestone(Stage::ExpertReview, "2025-04-15", "专家组：张教授等三人"),
            milestone(
                Stage::FilingSubmitted,
                "2025-04-25",
                "提交至杭州市公安局网安支队",
            ),
            certificate,
            milestone(Stage::GapAnalysis, "2025-06-01", ""),
            milestone(
                Stage::RectificationDone,
                "2025-08-15",
                "完成日志审计与双因素认证改造",
            ),
        ],
    };
    n.validate().unwrap();
    n
}

fn plain_client() -> Client {
    let mut c = Client {
        name: "Acme Trading".into(),
        region: "Shanghai".into(),
        ..Client::default()
    };
    c.validate().unwrap();
    c
}

fn network_with(answers: Answers) -> Network {
    let mut n = Network {
        id: NetworkId(7),
        client: ClientId(1),
        revision: 1,
        name: "CRM".into(),
        notes: String::new(),
        answers,
        overrides: Overrides::default(),
        filed_level: None,
        milestones: Vec::new(),
    };
    n.validate().unwrap();
    n
}

fn config(rules: RuleSet) -> Config {
    let mut c = Config::default();
    c.settings.rules = rules;
    c
}

fn md(client: &Client, network: &Network) -> String {
    report::render(
        client,
        network,
        &Config::default(),
        today(),
        ReportFormat::Markdown,
    )
}

fn html(client: &Client, network: &Network) -> String {
    report::render(
        client,
        network,
        &Config::default(),
        today(),
        ReportFormat::Html,
    )
}

/// The `|` that separate cells: those not escaped by an odd run of
/// backslashes.
fn cell_separators(line: &str) -> usize {
    let mut count = 0;
    let mut backslashes = 0;
    for c in line.chars() {
        if c == '|' && backslashes % 2 == 0 {
            count += 1;
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    count
}

/// Every table (a run of lines starting with `|`) has the same number of
/// cells on every row, and has a delimiter row second.
fn assert_tables_keep_their_columns(markdown: &str) {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut i = 0;
    let mut tables = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            i += 1;
            continue;
        }
        let start = i;
        let columns = cell_separators(lines[i]);
        assert!(
            lines
                .get(i + 1)
                .is_some_and(|l| l.starts_with("|---|") && cell_separators(l) == columns),
            "table at line {} has no delimiter row of {columns} separators",
            start + 1
        );
        while i < lines.len() && lines[i].starts_with('|') {
            assert_eq!(
                cell_separators(lines[i]),
                columns,
                "line {} of the table at line {}: {:.200}",
                i + 1,
                start + 1,
                lines[i]
            );
            i += 1;
        }
        // A table ends at a blank line, never at a stray line of text that
        // a line break in a cell would leave.
        assert!(
            lines.get(i).is_none_or(|l| l.is_empty()),
            "table at line {} is followed by {:.200}",
            start + 1,
            lines[i]
        );
        tables += 1;
    }
    assert!(tables >= 8, "only {tables} tables");
}

fn assert_no_controls(s: &str) {
    let bad: Vec<char> = s.chars().filter(|c| *c != '\n' && c.is_control()).collect();
    assert!(bad.is_empty(), "control characters in the report: {bad:?}");
}

#[test]
fn a_chinese_case_as_markdown() {
    let out = md(&cjk_client(), &cjk_network());
    assert_tables_keep_their_columns(&out);
    assert_no_controls(&out);
    support::assert_snapshot!("a_chinese_case_as_markdown", out);
}

#[test]
fn a_chinese_case_as_html() {
    let out = html(&cjk_client(), &cjk_network());
    assert_no_controls(&out);
    support::assert_snapshot!("a_chinese_case_as_html", out);
}

#[test]
fn every_filing_form_field_and_the_reasoning_appear() {
    let out = md(&cjk_client(), &cjk_network());
    for field in [
        "| 单位名称 Unit name | 杭州西湖网上商城有限公司 |",
        "| 英文名称 English name | Hangzhou Xihu Online Commerce Co., Ltd. |",
        "| 统一社会信用代码 Unified social credit code | 91350100M000100Y43 |",
        "| 单位地址 Address | 浙江省杭州市西湖区文三路100号5楼 |",
        "| 所在地区 Region | 浙江省杭州市 |",
        "| 联系人 Contact person | 王芳 |",
        "| 职务 Role | 信息安全经理 |",
        "| 联系电话 Phone | +86 571 5555 0100 |",
        "| 电子邮件 E-mail | wang.fang@xihu-shop.example |",
        "| 行业类别 Sector | 电子商务 ecommerce |",
        "| 名称 Name | 网上商城 Online shop |",
        "| 定级对象类型 Object type | 网站 website |",
        "| 部署方式 Deployment | 云上部署 cloud |",
        "| 云服务商 Cloud provider | 阿里云 |",
        "| 云平台安全保护等级 Cloud provider's level | 第三级 Level 3 监督保护级 supervised |",
        "| 面向公众 Public facing | 是 yes |",
        "| 个人信息主体数量 PI subjects | 250 000 人 people |",
        "| 敏感个人信息主体数量 Sensitive-PI subjects | 8 000 人 people |",
        "| 数据出境 Cross-border transfer | 否 no |",
        "| 网络拓扑/互联情况 Architecture and interconnections | 阿里云华东1区：负载均衡 + 两台应用服务器<br>数据库主备；与支付宝、顺丰接口互联 |",
        "| 业务信息安全保护等级 Business information security level (S) | 第三级 Level 3 监督保护级 supervised |",
        "| 系统服务安全保护等级 System service security level (A) | 第二级 Level 2 指导保护级 guided |",
        "| 安全保护等级 Protection level | 第三级 Level 3 监督保护级 supervised (已备案 filed: 第二级 Level 2 指导保护级 guided; **需要重新定级 re-grading needed**) |",
        "| 定级时间 Grading date | 2025-03-20 |",
        "| 专家评审 Expert review | 2025-04-15 |",
        "| 备案时间 Filing date | 2025-04-25 |",
        "| 备案证明编号 Filing certificate number | 33010013001-25001 |",
    ] {
        assert!(out.contains(field), "missing {field}\n{out}");
    }
    // S by rule S4 and why; A by the consultant's override, with the words.
    let s_row = out
        .lines()
        .find(|l| l.starts_with("| S 业务信息安全"))
        .unwrap();
    assert!(s_row.contains("**S4**"), "{s_row}");
    assert!(s_row.contains("250 000 PI subjects"), "{s_row}");
    assert!(
        s_row.contains("特别严重损害 particularly serious"),
        "{s_row}"
    );
    let a_row = out
        .lines()
        .find(|l| l.starts_with("| A 系统服务安全"))
        .unwrap();
    assert!(a_row.contains("**override**"), "{a_row}");
    assert!(
        a_row.contains("顾问说明 Justification: 双十一期间服务中断将影响区域内大量商户经营"),
        "{a_row}"
    );
    assert!(out.contains("**需要重新定级 Re-grading needed**"));
    // Every derived date, with the other reading where there is one. (The
    // certificate outlives the next renewal, so it has no expiry row.)
    for kind in [
        "备案期限 filing deadline",
        "预计取得备案证明 certificate expected",
        "续期：等级测评 renewal: evaluation",
    ] {
        assert!(out.contains(kind), "missing {kind}");
    }
    assert!(out.contains("expert\\_review + 30 calendar days (2007 Measures)"));
    assert!(out.contains("24 months is practice, not statute"));
}

#[test]
fn fields_not_known_say_so() {
    let client = plain_client();
    let network = network_with(Answers::default());
    let out = md(&client, &network);
    for field in [
        "| 单位名称 Unit name | Acme Trading |",
        "| 统一社会信用代码 Unified social credit code | 未填写 not recorded |",
        "| 单位地址 Address | 未填写 not recorded |",
        "| 联系人 Contact person | 未填写 not recorded |",
        "| 行业类别 Sector | 未填写 not recorded |",
        "| 部署方式 Deployment | 未填写 not recorded |",
        "| 网络拓扑/互联情况 Architecture and interconnections | 未填写 not recorded |",
        "| 定级时间 Grading date | 未填写 not recorded |",
        "| 专家评审 Expert review | 未进行 not yet |",
        "| 备案时间 Filing date | 未备案 not filed yet |",
        "| 备案证明编号 Filing certificate number | 未取得 not issued yet |",
        "| `pi_subjects` | 个人信息主体数量 people whose personal information is processed | **未知 unknown** · 按安全值处理 treated as: 0 · 可能提高等级 could raise the level |",
    ] {
        assert!(out.contains(field), "missing {field}\n{out}");
    }
    assert!(out.contains("尚无记录 No milestones recorded yet."));
    assert!(!out.contains("|  |"), "an empty cell:\n{out}");
}

#[test]
fn the_other_rule_set_is_shown_when_it_differs() {
    let answers = Answers {
        pi_subjects: Some(250_000),
        public_facing: Some(true),
        ..Answers::default()
    };
    let network = network_with(answers);
    let conservative = report::render(
        &plain_client(),
        &network,
        &config(RuleSet::Conservative),
        today(),
        ReportFormat::Markdown,
    );
    assert!(
        conservative.contains(
            "**两个规则集结果不同 The two rule sets differ**: gbt22240 (GB/T 22240) gives 第二级 Level 2"
        ),
        "{conservative}"
    );
    assert!(conservative.contains("定级结果 Result: **第三级 Level 3 监督保护级 supervised**"));
    let gbt = report::render(
        &plain_client(),
        &network,
        &config(RuleSet::Gbt22240),
        today(),
        ReportFormat::Markdown,
    );
    assert!(
        gbt.contains("The two rule sets differ**: conservative (the 2018 draft Regulation) gives 第三级 Level 3"),
        "{gbt}"
    );
    assert!(gbt.contains("定级结果 Result: **第二级 Level 2 指导保护级 guided**"));

    let agreeing = network_with(Answers {
        pi_subjects: Some(500),
        ..Answers::default()
    });
    let out = md(&plain_client(), &agreeing);
    assert!(out.contains("两个规则集结果相同 Both rule sets agree"));
    assert!(!out.contains("rule sets differ"));
}

#[test]
fn floors_and_warnings_appear_when_they_fire() {
    // CII with its service harm set by hand below level 3: F-CII raises it.
    let mut cii = network_with(Answers {
        cii: Some(true),
        ..Answers::default()
    });
    cii.overrides.system_service = Some(HarmOverride {
        object: HarmedObject::Citizens,
        degree: Degree::General,
        justification: "内部办公系统 internal office use only".into(),
    });
    cii.validate().unwrap();
    let out = md(&plain_client(), &cii);
    assert!(
        out.contains("| **F-CII** | 第三级 Level 3 监督保护级 supervised |"),
        "{out}"
    );
    assert!(out.contains("关键信息基础设施不低于第三级"));

    let big_data = network_with(Answers {
        object_type: Some(ObjectType::BigData),
        pi_subjects: Some(500),
        ..Answers::default()
    });
    let out = md(&plain_client(), &big_data);
    assert!(
        out.contains("| **F-BIGDATA** | 第三级 Level 3 监督保护级 supervised |"),
        "{out}"
    );

    let clouded = network_with(Answers {
        pi_subjects: Some(250_000),
        sensitive_pi_subjects: Some(0),
        deployment: Some(Deployment::Cloud),
        cloud_provider: Some("Small Cloud".into()),
        cloud_provider_level: Some(2),
        cross_border_transfer: Some(true),
        ..Answers::default()
    });
    let out = md(&plain_client(), &clouded);
    assert!(
        out.contains("- **W-CLOUD** 云平台等级不足：云平台安全保护等级 2 低于本系统的第 3 级"),
        "{out}"
    );
    assert!(out.contains("- **W-XBORDER** 数据出境达到出境评估规模"));
    assert!(out.contains("- **W-OPEN** 未回答的问题可能提高等级 open questions could raise the level: data\\_categories, hosted\\_max\\_level"));
    assert!(out.contains(
        "- `cii` 关键信息基础设施: 未回答，定级结果按 false, listed as open 计 not answered"
    ));
    // The level is provisional: said at the top, in the level section and
    // beside the dates it drives.
    let g = grading::grade(&clouded.answers, &clouded.overrides, RuleSet::Conservative);
    assert!(g.is_provisional());
    assert_eq!(
        g.max_level.get(),
        5,
        "a platform hosting level 5 is possible"
    );
    let words =
        "Until data\\_categories, hosted\\_max\\_level are answered, this could be up to 第五级";
    assert!(out.contains("**暂定等级 Provisional**"), "{out}");
    assert!(out.contains(words), "{words}\n{out}");
    assert!(out.contains("暂定，最高可能为 provisional, could be up to"));
    assert!(out.contains("the renewal interval and these dates would then change"));
    let quiet_words = "暂定等级";

    let quiet = network_with(Answers {
        pi_subjects: Some(500),
        ..Answers::default()
    });
    let g = grading::grade(&quiet.answers, &quiet.overrides, RuleSet::Conservative);
    assert!(g.floors.is_empty());
    let out = md(&plain_client(), &quiet);
    assert!(out.contains("无底线要求提高等级 No floor raised the level."));
    assert!(!out.contains("W-CLOUD") && !out.contains("W-XBORDER"));
    let firm = network_with(Answers {
        object_type: Some(ObjectType::Website),
        ..support::answered()
    });
    assert!(!md(&plain_client(), &firm).contains(quiet_words));
}

/// The level, S level and A level a report states, read back from its
/// filing-form rows.
fn stated_levels(markdown: &str) -> (u8, u8, u8) {
    let level_of = |prefix: &str| -> u8 {
        let line = markdown
            .lines()
            .rev()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix}"));
        let at = line.find("| 第").unwrap() + "| 第".len();
        let rest = &line[at..];
        let level = rest.find("Level ").unwrap() + "Level ".len();
        rest[level..level + 1].parse().unwrap()
    };
    (
        level_of("| 安全保护等级 Protection level |"),
        level_of("| 业务信息安全保护等级"),
        level_of("| 系统服务安全保护等级"),
    )
}

#[test]
fn the_report_states_the_grading_engines_level() {
    let sets = [
        Answers::default(),
        Answers {
            pi_subjects: Some(250_000),
            ..Answers::default()
        },
        Answers {
            data_categories: Some([DataCategory::Core].into()),
            ..Answers::default()
        },
        Answers {
            cii: Some(true),
            public_facing: Some(true),
            ..Answers::default()
        },
        Answers {
            outage_affected_people: Some(2_000_000),
            public_opinion: Some(false),
            ..Answers::default()
        },
        Answers {
            object_type: Some(ObjectType::CloudPlatform),
            hosted_max_level: Some(4),
            ..Answers::default()
        },
        Answers {
            sensitive_pi_subjects: Some(150_000),
            pi_subjects: Some(150_000),
            deployment: Some(Deployment::Hybrid),
            ..Answers::default()
        },
        cjk_answers(),
    ];
    for rules in [RuleSet::Conservative, RuleSet::Gbt22240] {
        for answers in &sets {
            let network = network_with(answers.clone());
            let g = grading::grade(&network.answers, &network.overrides, rules);
            let out = report::render(
                &plain_client(),
                &network,
                &config(rules),
                today(),
                ReportFormat::Markdown,
            );
            assert_eq!(
                stated_levels(&out),
                (
                    g.level.get(),
                    g.business_information.level.get(),
                    g.system_service.level.get()
                ),
                "{rules} {answers:?}"
            );
            let page = report::render(
                &plain_client(),
                &network,
                &config(rules),
                today(),
                ReportFormat::Html,
            );
            let cell = format!(
                "<td>安全保护等级 Protection level</td><td>{}",
                level_words(g.level)
            );
            assert!(page.contains(&cell), "{rules} {answers:?}: {cell}");
        }
    }
}

fn level_words(l: Level) -> String {
    let numeral = ["一", "二", "三", "四", "五"][usize::from(l.get() - 1)];
    format!("第{numeral}级 Level {} {}", l.get(), l.name())
}

fn hostile_case() -> (Client, Network) {
    let long = "长".repeat(5_000) + &"x".repeat(5_000);
    let mut client = Client {
        id: ClientId(9),
        name: "<script>alert(1)</script> | pipe | **bold**".into(),
        name_zh: "恶意\u{202e}txt.exe\u{200d}公司".into(),
        region: "[click](javascript:alert(1))".into(),
        address: "# not a heading\n| a | b |".into(),
        contacts: vec![Contact {
            name: "`code` _em_ ~~gone~~ &amp; <b>".into(),
            role: "\\| escaped? \\".into(),
            email: "x@example.com".into(),
            phone: "+86 (21) 5555".into(),
        }],
        notes: format!("第一行 | one\n- a list?\n<script>alert(2)</script>\n{long}"),
        ..Client::default()
    };
    client.validate().unwrap();
    let mut certificate = Milestone::new(Stage::CertificateIssued, d("2025-05-12"));
    certificate.number = Some("<b>33</b>|\u{202e}01".into());
    let mut network = Network {
        id: NetworkId(13),
        client: ClientId(9),
        revision: 1,
        name: "<img src=x onerror=alert(1)> | **网** \u{202e}".into(),
        notes: "note | with | pipes\n\n<script>alert(3)</script>\n    indented code?".into(),
        answers: Answers {
            deployment: Some(Deployment::Cloud),
            cloud_provider: Some("<script>cloud</script>|".into()),
            architecture_notes: Some(format!("| topo |\n{long}\n\u{200d}\u{202e}")),
            pi_subjects: Some(250_000),
            ..Answers::default()
        },
        overrides: Overrides {
            business_information: Some(HarmOverride {
                object: HarmedObject::SocialOrder,
                degree: Degree::Serious,
                justification: "<script>alert(4)</script>\n| x | y |\n**why**".into(),
            }),
            system_service: None,
        },
        filed_level: Some(Level::L1),
        milestones: vec![
            Milestone {
                note: "<script>alert(5)</script>|\n|".into(),
                ..Milestone::new(Stage::ExpertReview, d("2025-04-15"))
            },
            certificate,
        ],
    };
    network.validate().unwrap();
    // Past the store's cleaning, as a damaged or older record could be.
    network.notes.push_str("\u{1b}[2J\u{9b}31m\u{7}");
    client.address.push('\u{1b}');
    (client, network)
}

#[test]
fn hostile_text_stays_text_in_html() {
    let (client, network) = hostile_case();
    let page = html(&client, &network);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
    assert!(page.trim_end().ends_with("</html>"));
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script"), "a script tag");
    assert!(!lower.contains("<img"), "an image tag");
    assert!(!lower.contains("<b>"), "user markup");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; | pipe | **bold**"));
    assert!(page.contains("&lt;b&gt;33&lt;/b&gt;|\\u{202e}01"));
    assert!(page.contains("&amp;amp;"));
    assert!(!page.contains('\u{202e}') && !page.contains('\u{200d}'));
    assert!(page.contains("恶意\\u{202e}txt.exe\\u{200d}公司"));
    assert!(page.contains(&"长".repeat(5_000)), "long text kept whole");
    assert_no_controls(&page);
    assert!(page.contains("\\u{1b}[2J\\u{9b}31m\\u{7}"));
    // The only tags are the report's own.
    let mut tags: Vec<&str> = page
        .split('<')
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| c == '>' || c.is_whitespace())
                .next()
                .unwrap_or("")
        })
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let allowed = [
        "!DOCTYPE", "html", "/html", "head", "/head", "meta", "title", "/title", "style", "/style",
        "body", "/body", "main", "/main", "h1", "/h1", "h2", "/h2", "h3", "/h3", "p", "/p", "ul",
        "/ul", "li", "/li", "table", "/table", "thead", "/thead", "tbody", "/tbody", "tr", "/tr",
        "th", "/th", "td", "/td", "strong", "/strong", "code", "/code", "br",
    ];
    for tag in tags {
        assert!(allowed.contains(&tag), "unexpected tag <{tag}");
    }
}

#[test]
fn hostile_text_stays_text_in_markdown() {
    let (client, network) = hostile_case();
    let out = md(&client, &network);
    assert_tables_keep_their_columns(&out);
    assert_no_controls(&out);
    assert!(!out.contains('\u{202e}') && !out.contains('\u{200d}'));
    // Every `<` is escaped, except the report's own line breaks.
    let mut rest = out.as_str();
    while let Some(at) = rest.find('<') {
        let before = &rest[..at];
        assert!(
            before.ends_with('\\') || rest[at..].starts_with("<br>"),
            "raw < near {:.80}",
            &rest[at.saturating_sub(40)..]
        );
        rest = &rest[at + 1..];
    }
    assert!(out.contains("\\<script\\>alert(1)\\</script\\> \\| pipe \\| \\*\\*bold\\*\\*"));
    assert!(out.contains("\\[click\\](javascript:alert(1))"));
    assert!(out.contains("\\`code\\` \\_em\\_ \\~\\~gone\\~\\~ \\&amp; \\<b\\>"));
    assert!(out.contains("\\\\\\| escaped? \\\\ |"));
    assert!(out.contains("恶意\\\\u{202e}txt.exe\\\\u{200d}公司"));
    assert!(out.contains("\\# not a heading \\| a \\| b \\|"));
    // No line of user text starts a block: every line is the report's.
    for line in out.lines() {
        let ok = line.is_empty()
            || line.starts_with('|')
            || line.starts_with("#")
            || line.starts_with("- **")
            || line.starts_with("- `")
            || line.starts_with("**")
            || line.chars().next().is_some_and(|c| !c.is_ascii());
        assert!(ok, "a line the report did not start: {line:.80}");
    }
    // The heading stays one heading.
    assert_eq!(out.lines().filter(|l| l.starts_with("# ")).count(), 1);
}

#[test]
fn file_names_are_ascii_and_safe() {
    let mut network = network_with(Answers::default());
    network.id = NetworkId(12);
    let cases = [
        (
            "网上商城 / Online shop #1",
            "mlps-report-12-online-shop-1.md",
        ),
        ("网上商城", "mlps-report-12.md"),
        ("Café Überblick", "mlps-report-12-cafe-uberblick.md"),
        ("../../etc/passwd", "mlps-report-12-etc-passwd.md"),
        ("CON", "mlps-report-12-con.md"),
        ("ＡＢＣ１２３", "mlps-report-12-abc123.md"),
        ("\u{202e}gpj.exe", "mlps-report-12-gpj-exe.md"),
    ];
    for (name, expected) in cases {
        network.name = name.into();
        let file = report::file_name(&network, ReportFormat::Markdown);
        assert_eq!(file, expected, "{name}");
    }
    network.name = "网上商城".into();
    assert_eq!(
        report::file_name(&network, ReportFormat::Html),
        "mlps-report-12.html"
    );
    network.name = "Online ".repeat(1_000);
    let long = report::file_name(&network, ReportFormat::Html);
    assert!(long.len() <= 80, "{long}");
    assert!(long.ends_with(".html") && !long.contains("-."), "{long}");
    for name in ["a:b*c?d\"e<f>g|h", "   ", "...", "x\u{0}y", "-a-"] {
        network.name = name.into();
        for format in [ReportFormat::Markdown, ReportFormat::Html] {
            let file = report::file_name(&network, format);
            assert!(
                file.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'),
                "{name:?}: {file}"
            );
            assert!(file.starts_with("mlps-report-12"), "{file}");
            assert!(!file.contains("--") && !file.contains("-."), "{file}");
        }
    }
}

#[test]
fn formats_parse_from_their_names() {
    assert_eq!("md".parse::<ReportFormat>(), Ok(ReportFormat::Markdown));
    assert_eq!("html".parse::<ReportFormat>(), Ok(ReportFormat::Html));
    let e = "pdf".parse::<ReportFormat>().unwrap_err();
    assert!(
        e.contains("\"pdf\"") && e.contains("md") && e.contains("html"),
        "{e}"
    );
    assert_eq!(ReportFormat::Html.extension(), "html");
}
