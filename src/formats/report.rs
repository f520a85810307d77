//! `mlps report`: one network's grading report, for the client and the
//! audit firm, with the fields of the public security bureau's filing form.
//!
//! Pure rendering: the level comes from the grading engine and the dates
//! from the timeline engine, so the report can never disagree with the
//! case manager. The report is first built as a small document (headings,
//! paragraphs, lists, tables) whose every string is data; each format's
//! writer escapes all of it, so no user text can add structure, markup or
//! hidden characters to the output. A network with findings gets a last
//! section, the rectification plan (`render_with_findings`).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use crate::domain::gaps::{
    self, ControlPoint, Extension, Finding, labels as gap_labels, predict, progress,
    rectification_done,
};
use crate::domain::grading::{self, AspectGrade, FloorId, Grade, RuleId, RuleSet, WarningId};
use crate::domain::labels::{self, Lang};
use crate::domain::model::{Client, Degree, HarmedObject, Level, Milestone, Network, Stage};
use crate::domain::questionnaire::{
    Answers, Deployment, ObjectType, QuestionId, Sector, group_thousands,
};
use crate::domain::settings::Config;
use crate::domain::timeline::{self, Deadline, DueKind, Timeline};

/// The two formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// GitHub-flavoured Markdown (tables).
    Markdown,
    /// One standalone HTML page: no scripts, no external resources.
    Html,
}

impl ReportFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(ReportFormat::Markdown),
            "html" | "htm" => Ok(ReportFormat::Html),
            _ => Err(format!(
                "unknown report format {s:?}: expected md (Markdown) or html (a standalone HTML page)"
            )),
        }
    }
}

/// A file name for the report, e.g. `mlps-report-12-online-shop.md`: ASCII
/// only and safe on every filesystem. The network id keeps names unique;
/// the slug of the name's Latin letters and digits (accents folded) only
/// helps a person find the file, so a Chinese-only name has none.
pub fn file_name(network: &Network, format: ReportFormat) -> String {
    // Long enough to recognise, short of any filesystem's name limit.
    const SLUG_MAX: usize = 48;
    let mut slug = String::new();
    let mut gap = false;
    for c in network.name.nfkd() {
        if c.is_ascii_alphanumeric() {
            if slug.len() >= SLUG_MAX {
                break;
            }
            if gap && !slug.is_empty() {
                slug.push('-');
            }
            gap = false;
            slug.push(c.to_ascii_lowercase());
        } else if !unicode_normalization::char::is_combining_mark(c) {
            gap = true;
        }
    }
    let slug = slug.trim_end_matches('-');
    let id = network.id.0;
    let ext = format.extension();
    if slug.is_empty() {
        format!("mlps-report-{id}.{ext}")
    } else {
        format!("mlps-report-{id}-{slug}.{ext}")
    }
}

/// One network's grading report. `today` decides each derived date's
/// status; the rule set is the configured one.
pub fn render(
    client: &Client,
    network: &Network,
    config: &Config,
    today: NaiveDate,
    format: ReportFormat,
) -> String {
    render_with_findings(client, network, config, today, format, None)
}

/// A network's findings for the report's rectification plan (整改计划),
/// with the extension sets that apply to the network (its answers'
/// defaults with the consultant's changes: `ExtensionChoice::resolve`).
#[derive(Debug, Clone, Copy)]
pub struct Rectification<'a> {
    pub findings: &'a [Finding],
    pub extensions: &'a BTreeSet<Extension>,
}

/// The grading report with, when the network has findings, a last section
/// with the rectification plan: the predicted evaluation result (an
/// estimate, under both report templates), the progress, and the gaps
/// grouped by owner and due date. Without findings (`None` or none at
/// all) the report is exactly [`render`]'s.
pub fn render_with_findings(
    client: &Client,
    network: &Network,
    config: &Config,
    today: NaiveDate,
    format: ReportFormat,
    rectification: Option<&Rectification<'_>>,
) -> String {
    let doc = build(client, network, config, today, rectification);
    match format {
        ReportFormat::Markdown => markdown(&doc),
        ReportFormat::Html => html(&doc),
    }
}

// ---------------------------------------------------------------------------
// The document: structure here, every string in it is data.

#[derive(Debug, Clone)]
enum Inline {
    Text(String),
    Strong(String),
    /// A canonical id (question, stage): never user text.
    Code(&'static str),
}

type Rich = Vec<Inline>;

#[derive(Debug, Clone)]
enum Block {
    Heading(u8, Rich),
    Para(Rich),
    List(Vec<Rich>),
    Table {
        head: Vec<&'static str>,
        rows: Vec<Vec<Rich>>,
    },
}

struct Doc {
    title: String,
    blocks: Vec<Block>,
}

fn t(s: impl Into<String>) -> Rich {
    vec![Inline::Text(s.into())]
}

fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn code(id: &'static str) -> Rich {
    vec![Inline::Code(id)]
}

/// A two-column table of labelled fields.
fn fields(rows: Vec<(&str, Rich)>) -> Block {
    Block::Table {
        head: vec!["字段 Field", "内容 Value"],
        rows: rows
            .into_iter()
            .map(|(label, value)| vec![t(label), value])
            .collect(),
    }
}

const UNSET: &str = "未填写 not recorded";
const NONE: &str = "—";

/// The text, or "not recorded" when there is none: a form field is never
/// silently blank.
fn filled(s: &str) -> String {
    if s.trim().is_empty() {
        UNSET.to_string()
    } else {
        s.to_string()
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn yes_no(b: bool) -> String {
    let l = if b { labels::YES } else { labels::NO };
    format!("{} {}", l.zh, l.en)
}

fn level_text(level: Level) -> String {
    let number = labels::level_number(level);
    format!("{} {} {}", number.zh, number.en, level.name())
}

fn client_name(c: &Client) -> String {
    match (c.name_zh.trim().is_empty(), c.name.trim().is_empty()) {
        (false, false) => format!("{} · {}", c.name_zh, c.name),
        (false, true) => c.name_zh.clone(),
        (true, false) => c.name.clone(),
        (true, true) => UNSET.to_string(),
    }
}

fn rules_text(rules: RuleSet) -> String {
    match rules {
        RuleSet::Conservative => {
            "conservative 从严解读 (the 2018 draft Regulation: particularly serious harm to citizens is level 3)".to_string()
        }
        RuleSet::Gbt22240 => {
            "gbt22240 (GB/T 22240-2020: particularly serious harm to citizens is level 2)".to_string()
        }
    }
}

fn object_text(o: HarmedObject) -> String {
    labels::harmed_object_full(o).zh_en()
}

fn degree_text(d: Degree) -> String {
    labels::degree(d).zh_en()
}

fn question_zh(q: QuestionId) -> &'static str {
    labels::question(q).zh
}

fn object_type_zh(o: ObjectType) -> &'static str {
    labels::object_type(o).zh
}

fn sector_zh(s: Sector) -> &'static str {
    labels::sector(s).zh
}

fn deployment_zh(d: Deployment) -> &'static str {
    labels::deployment(d).zh
}

fn stage_zh(s: Stage) -> &'static str {
    labels::stage(s).zh
}

fn kind_text(k: DueKind) -> String {
    let zh = labels::due_kind(k).zh;
    if k.is_renewal() {
        format!("续期：{zh} renewal: {}", k.label())
    } else {
        format!("{zh} {}", k.label())
    }
}

fn status_text(d: &Deadline, today: NaiveDate, due_soon_days: u32) -> String {
    let status = d.status(today, due_soon_days);
    let zh = labels::due_status(status).zh;
    let when = match d.completed {
        Some(done) => format!("完成于 completed {}", date(done)),
        None => {
            let days = d.days_left(today);
            if days < 0 {
                format!("逾期 {} 天 {} days ago", -days, -days)
            } else if days == 0 {
                "今天到期 due today".to_string()
            } else {
                format!("还有 {days} 天 in {days} days")
            }
        }
    };
    format!("{zh} {status} · {when}")
}

fn rule_meaning(rule: RuleId) -> String {
    let l = labels::rule(rule);
    format!("{} {}", l.zh, l.en)
}

fn floor_meaning(f: FloorId) -> String {
    labels::floor(f).zh_en()
}

fn warning_meaning(w: WarningId, g: &Grade, answers: &Answers) -> String {
    match w {
        WarningId::Cloud => {
            let provider = match answers.cloud_provider_level {
                Some(l) => l.to_string(),
                None => "未知 unknown".to_string(),
            };
            format!(
                "{}：云平台安全保护等级 {provider} 低于本系统的第 {} 级 the cloud platform's MLPS level ({provider}) is below this network's level {}: a cloud platform may not host a system graded above its own level",
                labels::warning(w).zh,
                g.level,
                g.level
            )
        }
        WarningId::CrossBorder => labels::warning_meaning(w).zh_en(),
        WarningId::Open => format!(
            "{}: {}",
            labels::warning_meaning(w).zh_en(),
            ids(&g.could_raise)
        ),
    }
}

fn ids(qs: &[QuestionId]) -> String {
    qs.iter().map(|q| q.as_str()).collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------
// The report's contents.

fn build(
    client: &Client,
    network: &Network,
    config: &Config,
    today: NaiveDate,
    rectification: Option<&Rectification<'_>>,
) -> Doc {
    let rules = config.settings.rules;
    let g = grading::grade(&network.answers, &network.overrides, rules);
    let tl = timeline::timeline(
        network,
        g.level,
        &config.settings.intervals,
        &config.calendar,
    );
    let mut b = Vec::new();
    heading(&mut b, client, network, &g, today);
    details(&mut b, client, network);
    answers(&mut b, network, &g);
    level(&mut b, network, &g, &tl);
    timeline_section(
        &mut b,
        network,
        &g,
        &tl,
        today,
        config.settings.due_soon_days,
    );
    filing_form(&mut b, client, network, &g);
    if let Some(r) = rectification.filter(|r| !r.findings.is_empty()) {
        rectification_plan(&mut b, network, &g, r, today);
    }
    b.push(Block::Para(t(format!(
        "由 mlps 根据案卷记录于 {} 生成；等级以专家评审和公安机关备案审核为准。Generated by mlps from the case record on {}; the level is subject to expert review and the public security bureau's filing review.",
        date(today),
        date(today)
    ))));
    Doc {
        title: format!(
            "等级保护定级报告 Grading report: {} · {}",
            network.name,
            client_name(client)
        ),
        blocks: b,
    }
}

fn heading(b: &mut Vec<Block>, client: &Client, network: &Network, g: &Grade, today: NaiveDate) {
    b.push(Block::Heading(
        1,
        t(format!(
            "等级保护定级报告 Grading report · {}",
            filled(&network.name)
        )),
    ));
    let mut level = vec![strong(level_text(g.level))];
    if g.is_provisional() {
        level.push(text(format!(
            " · 暂定，最高可能为 provisional, could be up to {}",
            level_text(g.max_level)
        )));
    }
    if network.filed_level.is_some_and(|filed| filed != g.level) {
        level.push(text(" · 需要重新定级 re-grading needed"));
    }
    b.push(fields(vec![
        ("单位 Client", t(client_name(client))),
        ("定级对象 Network", t(filled(&network.name))),
        ("报告日期 Report date", t(date(today))),
        ("规则集 Rule set", t(rules_text(g.rules))),
        ("安全保护等级 Protection level", level),
    ]));
}

fn details(b: &mut Vec<Block>, client: &Client, network: &Network) {
    b.push(Block::Heading(
        2,
        t("1. 单位与定级对象 Client and network details"),
    ));
    b.push(Block::Heading(3, t("单位 Client")));
    b.push(fields(vec![
        ("单位名称（中文）Chinese name", t(filled(&client.name_zh))),
        ("单位名称（英文）English name", t(filled(&client.name))),
        ("所在地区 Region", t(filled(&client.region))),
        (
            "统一社会信用代码 Unified social credit code",
            t(filled(&client.credit_code)),
        ),
        ("单位地址 Address", t(filled(&client.address))),
        ("备注 Notes", t(filled(&client.notes))),
    ]));
    b.push(Block::Heading(3, t("联系人 Contacts")));
    if client.contacts.is_empty() {
        b.push(Block::Para(t(UNSET)));
    } else {
        b.push(Block::Table {
            head: vec!["姓名 Name", "职务 Role", "电子邮件 E-mail", "电话 Phone"],
            rows: client
                .contacts
                .iter()
                .map(|c| {
                    vec![
                        t(filled(&c.name)),
                        t(filled(&c.role)),
                        t(filled(&c.email)),
                        t(filled(&c.phone)),
                    ]
                })
                .collect(),
        });
    }
    b.push(Block::Heading(3, t("定级对象 Network")));
    let filed = match network.filed_level {
        Some(l) => level_text(l),
        None => "未备案 not filed".to_string(),
    };
    b.push(fields(vec![
        ("名称 Name", t(filled(&network.name))),
        ("编号 Network id", t(network.id.0.to_string())),
        ("备注 Notes", t(filled(&network.notes))),
        ("已备案等级 Filed level", t(filed)),
    ]));
}

fn answers(b: &mut Vec<Block>, network: &Network, g: &Grade) {
    b.push(Block::Heading(
        2,
        t("2. 调查问卷答复 Questionnaire answers"),
    ));
    let rows = QuestionId::ALL
        .iter()
        .map(|&q| {
            let question = q.question();
            let answer = match network.answers.display(q) {
                Some(a) if a.trim().is_empty() => t("（空 empty）"),
                Some(a) => t(a),
                None => {
                    let mut cell = vec![
                        strong("未知 unknown"),
                        text(format!(
                            " · 按安全值处理 treated as: {}",
                            question.unknown_means
                        )),
                    ];
                    if g.could_raise.contains(&q) {
                        cell.push(text(" · 可能提高等级 could raise the level"));
                    }
                    cell
                }
            };
            vec![
                code(q.as_str()),
                t(format!("{} {}", question_zh(q), question.meaning)),
                answer,
            ]
        })
        .collect();
    b.push(Block::Table {
        head: vec!["编号 Id", "问题 Question", "回答 Answer"],
        rows,
    });
}

fn aspect_row(label: &str, a: &AspectGrade) -> Vec<Rich> {
    let why = if a.rule == RuleId::Override {
        t(format!("顾问说明 Justification: {}", a.reason))
    } else {
        t(a.reason.clone())
    };
    vec![
        t(label),
        t(object_text(a.object)),
        t(degree_text(a.degree)),
        t(level_text(a.level)),
        vec![
            strong(a.rule.as_str()),
            text(format!(" {}", rule_meaning(a.rule))),
        ],
        why,
    ]
}

fn level(b: &mut Vec<Block>, network: &Network, g: &Grade, tl: &Timeline) {
    b.push(Block::Heading(2, t("3. 安全保护等级 Protection level")));
    b.push(Block::Para(vec![
        text("定级结果 Result: "),
        strong(level_text(g.level)),
        text(format!(" · 规则集 rule set {}", g.rules)),
    ]));
    if g.is_provisional() {
        b.push(Block::Para(vec![
            strong("暂定等级 Provisional"),
            text(format!(
                ": 在 {} 回答之前，等级最高可能为 {}。Until {} {} answered, this could be up to {}.",
                ids(&g.could_raise),
                level_text(g.max_level),
                ids(&g.could_raise),
                if g.could_raise.len() == 1 { "is" } else { "are" },
                level_text(g.max_level)
            )),
        ]));
    }
    b.push(Block::Heading(3, t("定级依据 Reasoning")));
    b.push(Block::Table {
        head: vec![
            "方面 Aspect",
            "受侵害的客体 Harmed object",
            "侵害程度 Degree of harm",
            "矩阵等级 Matrix level",
            "规则 Rule",
            "依据 Why",
        ],
        rows: vec![
            aspect_row(
                "S 业务信息安全 Business information security",
                &g.business_information,
            ),
            aspect_row("A 系统服务安全 System service security", &g.system_service),
        ],
    });
    let base = g.business_information.level.max(g.system_service.level);
    b.push(Block::Para(t(format!(
        "取 S 与 A 的较高者 The higher of S and A: {}",
        level_text(base)
    ))));

    b.push(Block::Heading(3, t("底线要求 Floors")));
    if g.floors.is_empty() {
        b.push(Block::Para(t(
            "无底线要求提高等级 No floor raised the level.",
        )));
    } else {
        b.push(Block::Table {
            head: vec![
                "编号 Floor",
                "提高到 Raises to",
                "原因 Reason",
                "含义 Meaning",
            ],
            rows: g
                .floors
                .iter()
                .map(|f| {
                    vec![
                        vec![strong(f.rule.as_str())],
                        t(level_text(f.level)),
                        t(f.reason.clone()),
                        t(floor_meaning(f.rule)),
                    ]
                })
                .collect(),
        });
    }

    b.push(Block::Heading(3, t("另一规则集 The other rule set")));
    let other = g.rules.other();
    if g.other_rules_level == g.level {
        b.push(Block::Para(t(format!(
            "两个规则集结果相同 Both rule sets agree: {} ({}) also gives {}.",
            other,
            other.title(),
            level_text(g.other_rules_level)
        ))));
    } else {
        b.push(Block::Para(vec![
            strong("两个规则集结果不同 The two rule sets differ"),
            text(format!(
                ": {} ({}) gives {}, {} ({}) gives {}; 本报告采用 this report uses {}.",
                other,
                other.title(),
                level_text(g.other_rules_level),
                g.rules,
                g.rules.title(),
                level_text(g.level),
                g.rules
            )),
        ]));
    }

    b.push(Block::Heading(3, t("提示 Warnings")));
    if g.warnings.is_empty() {
        b.push(Block::Para(t("无 None.")));
    } else {
        b.push(Block::List(
            g.warnings
                .iter()
                .map(|&w| {
                    vec![
                        strong(w.as_str()),
                        text(format!(" {}", warning_meaning(w, g, &network.answers))),
                    ]
                })
                .collect(),
        ));
    }

    b.push(Block::Heading(3, t("待确认问题 Open questions")));
    if g.open_questions.is_empty() {
        b.push(Block::Para(t(
            "无，所有问题均已回答 None: every question is answered.",
        )));
    } else {
        b.push(Block::List(
            g.open_questions
                .iter()
                .map(|&q| {
                    let mut item = vec![
                        Inline::Code(q.as_str()),
                        text(format!(
                            " {}: 未回答，定级结果按 {} 计 not answered; the result above takes it as {}",
                            question_zh(q),
                            q.question().unknown_means,
                            q.question().unknown_means
                        )),
                    ];
                    if g.could_raise.contains(&q) {
                        item.push(text(" · 可能提高等级 could raise the level"));
                    }
                    item
                })
                .collect(),
        ));
    }

    b.push(Block::Heading(3, t("备案等级 Filed level")));
    let filings: Vec<&Milestone> = network
        .milestones
        .iter()
        .filter(|m| m.stage.is_filing() && m.level.is_some())
        .collect();
    if filings.len() > 1 {
        b.push(Block::Para(t(format!(
            "备案记录 Filings: {}; 备案等级以最近一次为准 the filed level follows the latest.",
            filings
                .iter()
                .map(|m| format!(
                    "{} {} {}",
                    date(m.date),
                    m.stage,
                    level_text(m.level.unwrap_or(Level::L1))
                ))
                .collect::<Vec<_>>()
                .join(" · ")
        ))));
    }
    match network.filed_level {
        None => b.push(Block::Para(t(format!(
            "尚未备案 Not filed yet; the filing should state {}.",
            level_text(g.level)
        )))),
        Some(filed) if !tl.regrading_needed => b.push(Block::Para(t(format!(
            "已备案等级与计算等级一致 The filed level matches the computed level: {}.",
            level_text(filed)
        )))),
        Some(filed) => {
            let mut para = vec![
                strong("需要重新定级 Re-grading needed"),
                text(format!(
                    ": filed {}, computed {}; the level must be re-confirmed and re-filed.",
                    level_text(filed),
                    level_text(g.level)
                )),
            ];
            if g.other_rules_level == filed {
                para.push(text(format!(
                    " 另一规则集给出已备案等级 {} ({}) gives the filed level.",
                    g.rules.other(),
                    g.rules.other().title()
                )));
            }
            b.push(Block::Para(para));
        }
    }
}

fn milestone_details(m: &Milestone) -> String {
    let mut parts = Vec::new();
    if let Some(score) = m.score {
        parts.push(format!("得分 score {score}"));
    }
    if let Some(c) = m.effective_conclusion() {
        let derived = if m.conclusion.is_none() {
            "（由得分得出 from the score）"
        } else {
            ""
        };
        parts.push(format!("结论 conclusion {} {c}{derived}", c.chinese()));
    }
    if let Some(h) = m.high_risks {
        parts.push(format!("高风险 high risks {h}"));
    }
    if let Some(md) = m.medium_risks {
        parts.push(format!("中风险 medium risks {md}"));
    }
    if let Some(number) = &m.number {
        parts.push(format!("备案证明编号 certificate no. {number}"));
    }
    if let Some(level) = m.level {
        parts.push(format!("备案等级 level filed {}", level_text(level)));
    }
    if parts.is_empty() {
        NONE.to_string()
    } else {
        parts.join("; ")
    }
}

fn timeline_section(
    b: &mut Vec<Block>,
    network: &Network,
    g: &Grade,
    tl: &Timeline,
    today: NaiveDate,
    due_soon_days: u32,
) {
    b.push(Block::Heading(2, t("4. 时间线 Timeline")));
    b.push(Block::Heading(3, t("已记录的里程碑 Recorded milestones")));
    if network.milestones.is_empty() {
        b.push(Block::Para(t("尚无记录 No milestones recorded yet.")));
    } else {
        b.push(Block::Table {
            head: vec![
                "日期 Date",
                "阶段 Stage",
                "含义 Meaning",
                "详情 Details",
                "备注 Note",
            ],
            rows: network
                .milestones
                .iter()
                .map(|m| {
                    vec![
                        t(date(m.date)),
                        code(m.stage.as_str()),
                        t(format!("{} {}", stage_zh(m.stage), m.stage.meaning())),
                        t(milestone_details(m)),
                        t(if m.note.trim().is_empty() {
                            NONE.to_string()
                        } else {
                            m.note.clone()
                        }),
                    ]
                })
                .collect(),
        });
    }
    b.push(Block::Heading(3, t("推算日期 Derived dates")));
    let basis = if network.filed_level.is_some() {
        "已备案等级 the filed level"
    } else {
        "计算等级 the computed level"
    };
    b.push(Block::Para(t(format!(
        "推算所用等级 Level the dates follow: {} ({basis}); 状态截至 status as of {}.",
        level_text(tl.level),
        date(today)
    ))));
    if g.is_provisional() && g.max_level > tl.level {
        b.push(Block::Para(t(format!(
            "待确认问题可能提高等级，届时日期随之改变 The open questions could raise the level to {}: \
             the renewal interval and these dates would then change.",
            level_text(g.max_level)
        ))));
    }
    if tl.deadlines.is_empty() {
        b.push(Block::Para(t(
            "尚无可推算的日期 No dates yet: they follow from the milestones recorded.",
        )));
        return;
    }
    b.push(Block::Table {
        head: vec![
            "事项 What",
            "日期 Date",
            "状态 Status",
            "依据 Basis",
            "另一解读 Other reading",
        ],
        rows: tl
            .deadlines
            .iter()
            .map(|d| {
                let other = match &d.other {
                    Some(o) => match o.due {
                        Some(due) => format!("{} ({})", date(due), o.basis),
                        None => o.basis.clone(),
                    },
                    None => NONE.to_string(),
                };
                vec![
                    t(kind_text(d.kind)),
                    t(date(d.due)),
                    t(status_text(d, today, due_soon_days)),
                    t(format!("{}, 自 from {}", d.basis, date(d.anchor_date))),
                    t(other),
                ]
            })
            .collect(),
    });
}

fn answer_or_unset<T>(v: Option<T>, show: impl Fn(T) -> String) -> String {
    v.map(show).unwrap_or_else(|| UNSET.to_string())
}

fn filing_form(b: &mut Vec<Block>, client: &Client, network: &Network, g: &Grade) {
    let a = &network.answers;
    b.push(Block::Heading(2, t("5. 备案表字段 Filing form fields")));

    b.push(Block::Heading(3, t("单位信息 Unit information")));
    let unit_name = if client.name_zh.trim().is_empty() {
        filled(&client.name)
    } else {
        client.name_zh.clone()
    };
    let contact = client.contacts.first();
    let contact_field = |f: fn(&crate::domain::model::Contact) -> &str| {
        t(contact.map_or_else(|| UNSET.to_string(), |c| filled(f(c))))
    };
    b.push(fields(vec![
        ("单位名称 Unit name", t(unit_name)),
        ("英文名称 English name", t(filled(&client.name))),
        (
            "统一社会信用代码 Unified social credit code",
            t(filled(&client.credit_code)),
        ),
        ("单位地址 Address", t(filled(&client.address))),
        ("所在地区 Region", t(filled(&client.region))),
        ("联系人 Contact person", contact_field(|c| &c.name)),
        ("职务 Role", contact_field(|c| &c.role)),
        ("联系电话 Phone", contact_field(|c| &c.phone)),
        ("电子邮件 E-mail", contact_field(|c| &c.email)),
        (
            "行业类别 Sector",
            t(answer_or_unset(a.sector, |s| {
                format!("{} {s}", sector_zh(s))
            })),
        ),
    ]));

    b.push(Block::Heading(
        3,
        t("定级对象信息 Grading object information"),
    ));
    let on_premises = a.deployment == Some(Deployment::OnPremises);
    let cloud_text = |answer: Option<String>| match answer {
        Some(s) if !s.trim().is_empty() => s,
        _ if on_premises => "不适用 not applicable (on premises)".to_string(),
        _ => UNSET.to_string(),
    };
    let provider_level = match a.cloud_provider_level {
        Some(0) => Some("0 未定级 none".to_string()),
        Some(l) => Some(Level::new(l).map_or_else(|| l.to_string(), level_text)),
        None => None,
    };
    b.push(fields(vec![
        ("名称 Name", t(filled(&network.name))),
        (
            "定级对象类型 Object type",
            t(answer_or_unset(a.object_type, |o| {
                format!("{} {o}", object_type_zh(o))
            })),
        ),
        (
            "部署方式 Deployment",
            t(answer_or_unset(a.deployment, |d| {
                format!("{} {d}", deployment_zh(d))
            })),
        ),
        (
            "云服务商 Cloud provider",
            t(cloud_text(a.cloud_provider.clone())),
        ),
        (
            "云平台安全保护等级 Cloud provider's level",
            t(cloud_text(provider_level)),
        ),
        (
            "面向公众 Public facing",
            t(answer_or_unset(a.public_facing, |v| yes_no(v).to_string())),
        ),
        (
            "个人信息主体数量 PI subjects",
            t(answer_or_unset(a.pi_subjects, |n| {
                format!("{} 人 people", group_thousands(n))
            })),
        ),
        (
            "敏感个人信息主体数量 Sensitive-PI subjects",
            t(answer_or_unset(a.sensitive_pi_subjects, |n| {
                format!("{} 人 people", group_thousands(n))
            })),
        ),
        (
            "数据出境 Cross-border transfer",
            t(answer_or_unset(a.cross_border_transfer, |v| {
                yes_no(v).to_string()
            })),
        ),
        (
            "网络拓扑/互联情况 Architecture and interconnections",
            t(a.architecture_notes
                .as_deref()
                .map_or_else(|| UNSET.to_string(), filled)),
        ),
    ]));

    b.push(Block::Heading(3, t("定级信息 Grading information")));
    let milestone_date = |stage: Stage, absent: &str| {
        network
            .last(stage)
            .map_or_else(|| absent.to_string(), |m| date(m.date))
    };
    let mut final_level = vec![text(level_text(g.level))];
    if let Some(filed) = network.filed_level
        && filed != g.level
    {
        final_level.push(text(format!(" (已备案 filed: {}; ", level_text(filed))));
        final_level.push(strong("需要重新定级 re-grading needed"));
        final_level.push(text(")"));
    }
    let certificate = match network.last(Stage::CertificateIssued) {
        Some(m) => m
            .number
            .as_deref()
            .map_or_else(|| UNSET.to_string(), filled),
        None => "未取得 not issued yet".to_string(),
    };
    b.push(fields(vec![
        (
            "业务信息安全保护等级 Business information security level (S)",
            t(level_text(g.business_information.level)),
        ),
        (
            "系统服务安全保护等级 System service security level (A)",
            t(level_text(g.system_service.level)),
        ),
        ("安全保护等级 Protection level", final_level),
        (
            "定级时间 Grading date",
            t(milestone_date(Stage::InitialAssessment, UNSET)),
        ),
        (
            "专家评审 Expert review",
            t(milestone_date(Stage::ExpertReview, "未进行 not yet")),
        ),
        (
            "备案时间 Filing date",
            t(milestone_date(
                Stage::FilingSubmitted,
                "未备案 not filed yet",
            )),
        ),
        ("备案证明编号 Filing certificate number", t(certificate)),
    ]));
}

/// Where a control point sits: `云计算 cloud · 安全计算环境 Computing
/// environment`.
fn point_place(p: &'static ControlPoint) -> String {
    let mut parts = Vec::new();
    if let Some(e) = p.extension {
        parts.push(gap_labels::extension(e).zh_en());
    }
    if let Some(c) = p.category() {
        parts.push(format!("{} {}", c.zh, c.en));
    }
    parts.join(" · ")
}

/// Both wordings of a rectification line, Chinese first: `zh · en`.
fn zh_en_line(zh: String, en: String) -> String {
    format!("{zh} · {en}")
}

fn rectification_plan(
    b: &mut Vec<Block>,
    network: &Network,
    g: &Grade,
    r: &Rectification<'_>,
    today: NaiveDate,
) {
    let level = network.filed_level.unwrap_or(g.level);
    let points = gaps::applicable(level, r.extensions);
    let p = predict(r.findings, &points, today);
    let prog = progress(r.findings, today);
    b.push(Block::Heading(2, t("6. 整改计划 Rectification plan")));
    let extensions = if r.extensions.is_empty() {
        "无扩展要求 no extension sets".to_string()
    } else {
        r.extensions
            .iter()
            .map(|e| gap_labels::extension(*e).zh_en())
            .collect::<Vec<_>>()
            .join("、")
    };
    let conclusion = |c| gap_labels::conclusion(c).zh_en();
    b.push(fields(vec![
        (
            "预测测评结论 Predicted evaluation result",
            vec![
                strong(zh_en_line(
                    gap_labels::prediction(&p, Lang::Zh),
                    gap_labels::prediction(&p, Lang::En),
                )),
                text(format!(
                    " · 估计值 an estimate · {}",
                    gap_labels::scheme(p.scheme).zh_en()
                )),
            ],
        ),
        (
            "2025版报告模板 2025 report template",
            t(conclusion(p.conclusion_2025)),
        ),
        (
            "2021版报告模板 2021 report template",
            t(conclusion(p.conclusion_2021)),
        ),
        (
            "符合率 Compliance rate",
            t(format!(
                "{:.1}% · 计入控制点 {} 个 over {} control points",
                p.rate_percent(),
                p.counted,
                p.counted
            )),
        ),
        (
            "重大风险隐患 Major risks",
            t(zh_en_line(
                gap_labels::major_risks(&p, Lang::Zh),
                gap_labels::major_risks(&p, Lang::En),
            )),
        ),
        (
            "整改进度 Progress",
            t(zh_en_line(
                gap_labels::progress_line(&prog, Lang::Zh),
                gap_labels::progress_line(&prog, Lang::En),
            )),
        ),
        (
            "整改完成 Rectification done",
            t(yes_no(rectification_done(r.findings))),
        ),
        (
            "适用要求 Requirements applied",
            t(format!("{} · {extensions}", level_text(level))),
        ),
    ]));
    b.push(Block::Para(t(
        "预测为估计值：每个适用控制点计一次，符合计 1 分，部分符合计 ½ 分，不符合计 0 分；已整改或已验证的问题按符合计；正式测评按要求项和测评对象加权，以等级测评机构的结论为准。The prediction is an estimate: each applicable control point counts once, 1 for compliant, ½ for partial, 0 for non-compliant; fixed or verified gaps count as compliant; the evaluation weighs requirement items and evaluated objects, and the audit firm's conclusion is what counts.",
    )));
    if p.ignored > 0 {
        b.push(Block::Para(t(format!(
            "另有 {} 条问题所在的控制点不适用于本定级对象（其他等级或未选的扩展要求），未计入预测。{} finding{} under control points that do not apply to this network (another level, or an extension set it lacks) {} left out of the prediction.",
            p.ignored,
            p.ignored,
            if p.ignored == 1 { "" } else { "s" },
            if p.ignored == 1 { "is" } else { "are" }
        ))));
    }
    let to_fix: Vec<&Finding> = r.findings.iter().filter(|f| f.result.is_gap()).collect();
    let not_gaps = r.findings.len() - to_fix.len();
    if not_gaps > 0 {
        b.push(Block::Para(t(format!(
            "另有 {not_gaps} 条记录为符合或不适用，无需整改，不列入下表。{not_gaps} more finding{} recorded compliant or not applicable need{} no fix and {} not listed.",
            if not_gaps == 1 { "" } else { "s" },
            if not_gaps == 1 { "s" } else { "" },
            if not_gaps == 1 { "is" } else { "are" }
        ))));
    }
    if to_fix.is_empty() {
        b.push(Block::Para(t("无需整改的问题 No gaps to fix.")));
        return;
    }
    // By owner (no owner last), then open before closed, then by due date
    // (none last), then as recorded.
    let mut owners: Vec<&str> = to_fix.iter().map(|f| f.owner.trim()).collect();
    owners.sort_unstable_by_key(|o| (o.is_empty(), *o));
    owners.dedup();
    for owner in owners {
        let mut mine: Vec<&Finding> = to_fix
            .iter()
            .copied()
            .filter(|f| f.owner.trim() == owner)
            .collect();
        mine.sort_by_key(|f| (f.status.is_closed(), f.due.is_none(), f.due, f.id));
        let open = mine.iter().filter(|f| !f.status.is_closed()).count();
        let heading = if owner.is_empty() {
            "未指定责任人 No owner".to_string()
        } else {
            format!("责任人 Owner: {owner}")
        };
        b.push(Block::Heading(
            3,
            t(format!("{heading} · 未关闭 {open}/{} open", mine.len())),
        ));
        let rows = mine
            .iter()
            .map(|f| {
                let due = match f.due {
                    Some(d) if f.is_overdue(today) => {
                        vec![strong(date(d)), text(" · 逾期 overdue")]
                    }
                    Some(d) => t(date(d)),
                    None => t("未定 not set"),
                };
                let point = match gaps::point(&f.control_point) {
                    Some(p) => vec![
                        text(format!("{} · ", point_place(p))),
                        strong(p.zh.clone()),
                        text(format!(" {} ", p.en)),
                        Inline::Code(p.id.as_str()),
                    ],
                    None => t(f.control_point.clone()),
                };
                vec![
                    due,
                    t(gap_labels::status(f.status).zh_en()),
                    t(gap_labels::risk(f.risk).zh_en()),
                    point,
                    t(f.description.clone()),
                    t(if f.evidence.trim().is_empty() {
                        NONE.to_string()
                    } else {
                        f.evidence.clone()
                    }),
                ]
            })
            .collect();
        b.push(Block::Table {
            head: vec![
                "整改期限 Due",
                "状态 Status",
                "风险 Risk",
                "控制点 Control point",
                "问题描述 Finding",
                "证据 Evidence",
            ],
            rows,
        });
    }
}

// ---------------------------------------------------------------------------
// Writers. Each escapes every string of the document for its format.

/// User text as lines whose hidden characters (bidi, zero-width, any
/// control that slipped past the store) are written out as `\u{..}`, so
/// the reader sees them instead of having the text reordered or hidden.
fn visible_lines(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split('\n')
        .map(|line| crate::text::escape_for_terminal(&line.replace('\t', " ")))
}

/// Markdown inline text: the characters that could start emphasis, code,
/// links, HTML, headings, strikethrough, entities or a table cell are
/// backslash-escaped; line breaks become `<br>` so a note never ends a
/// table row or a list item.
fn md_text(s: &str, out: &mut String) {
    for (i, line) in visible_lines(s).enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for c in line.chars() {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
}

fn md_rich(r: &Rich, out: &mut String) {
    for part in r {
        match part {
            Inline::Text(s) => md_text(s, out),
            Inline::Strong(s) => {
                let s = s.trim();
                if s.is_empty() {
                    continue;
                }
                out.push_str("**");
                md_text(s, out);
                out.push_str("**");
            }
            Inline::Code(id) => {
                if id.is_empty() || id.contains(['`', '|', '\n']) {
                    md_text(id, out);
                } else {
                    out.push('`');
                    out.push_str(id);
                    out.push('`');
                }
            }
        }
    }
}

fn md_cell(r: &Rich, out: &mut String) {
    let mut cell = String::new();
    md_rich(r, &mut cell);
    let cell = cell.trim();
    out.push(' ');
    out.push_str(if cell.is_empty() { NONE } else { cell });
    out.push_str(" |");
}

fn markdown(doc: &Doc) -> String {
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading(level, r) => {
                out.push_str(&"#".repeat(usize::from(*level).clamp(1, 6)));
                out.push(' ');
                md_rich(r, &mut out);
                out.push('\n');
            }
            Block::Para(r) => {
                md_rich(r, &mut out);
                out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    out.push_str("- ");
                    md_rich(item, &mut out);
                    out.push('\n');
                }
            }
            Block::Table { head, rows } => {
                out.push('|');
                for h in head {
                    md_cell(&t(*h), &mut out);
                }
                out.push('\n');
                out.push('|');
                for _ in head {
                    out.push_str("---|");
                }
                out.push('\n');
                let empty = Rich::new();
                for row in rows {
                    out.push('|');
                    // Every row has exactly the header's columns.
                    for i in 0..head.len() {
                        md_cell(row.get(i).unwrap_or(&empty), &mut out);
                    }
                    out.push('\n');
                }
            }
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn html_text(s: &str, out: &mut String) {
    for (i, line) in visible_lines(s).enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for c in line.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
    }
}

fn html_rich(r: &Rich, out: &mut String) {
    for part in r {
        match part {
            Inline::Text(s) => html_text(s, out),
            Inline::Strong(s) => {
                out.push_str("<strong>");
                html_text(s, out);
                out.push_str("</strong>");
            }
            Inline::Code(id) => {
                out.push_str("<code>");
                html_text(id, out);
                out.push_str("</code>");
            }
        }
    }
}

const CSS: &str = "body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;line-height:1.5;color:#1a1a1a;max-width:72rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.6rem;border-bottom:2px solid #444;padding-bottom:.3rem}\
h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #bbb}\
h3{font-size:1.05rem;margin-top:1.2rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
th{background:#f0f0f0}\
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}\
strong{color:#8a1c1c}\
@media print{body{margin:0;max-width:none}}";

fn html(doc: &Doc) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    html_text(&doc.title.replace('\n', " "), &mut out);
    out.push_str("</title>\n<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    for block in &doc.blocks {
        match block {
            Block::Heading(level, r) => {
                let n = (*level).clamp(1, 6);
                out.push_str(&format!("<h{n}>"));
                html_rich(r, &mut out);
                out.push_str(&format!("</h{n}>\n"));
            }
            Block::Para(r) => {
                out.push_str("<p>");
                html_rich(r, &mut out);
                out.push_str("</p>\n");
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    out.push_str("<li>");
                    html_rich(item, &mut out);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Table { head, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in head {
                    out.push_str("<th>");
                    html_text(h, &mut out);
                    out.push_str("</th>");
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                let empty = Rich::new();
                for row in rows {
                    out.push_str("<tr>");
                    for i in 0..head.len() {
                        out.push_str("<td>");
                        html_rich(row.get(i).unwrap_or(&empty), &mut out);
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
