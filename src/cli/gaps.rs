//! `mlps gaps`: a network's gap list (or every network's of a client) with
//! the predicted evaluation result and the rectification progress;
//! `mlps gaps import` reads an audit firm's gap list CSV into a network,
//! all or nothing; `mlps gaps export` writes a network's findings as the
//! client's action plan (docs/rectification.md, docs/formats.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::gaps::{
    self, ControlPoint, Extension, Finding, FindingStatus, Prediction, Risk, labels as gl,
};
use crate::domain::grading;
use crate::domain::labels::{Label, Lang};
use crate::domain::model::{Client, Level, Network};
use crate::domain::settings::Config;
use crate::domain::triage::findings::{Rectification, rectification};
use crate::error::{Error, Result};
use crate::formats::gap_list;
use crate::service::lookup::Found;
use crate::store::CaseStore;
use crate::text::{counted, escape_for_terminal as esc};

use super::io_error;

/// A network's gap list as `mlps gaps` works on it: the level and
/// extension sets its estimate applies, and its findings.
struct GapList {
    client: Client,
    network: Network,
    level: Level,
    extensions: BTreeSet<Extension>,
    findings: Vec<Finding>,
}

impl GapList {
    fn read(
        store: &dyn CaseStore,
        client: &Client,
        network: &Network,
        config: &Config,
    ) -> Result<GapList> {
        let level = network.filed_level.unwrap_or_else(|| {
            grading::level(&network.answers, &network.overrides, config.settings.rules)
        });
        let extensions = store.gap_extensions(network.id)?.resolve(&network.answers);
        let findings = store
            .findings_of(network.id)?
            .into_iter()
            .map(|f| f.finding)
            .collect();
        Ok(GapList {
            client: client.clone(),
            network: network.clone(),
            level,
            extensions,
            findings,
        })
    }

    fn points(&self) -> Vec<&'static ControlPoint> {
        gaps::applicable(self.level, &self.extensions)
    }

    fn prediction(&self, today: NaiveDate) -> Prediction {
        gaps::predict(&self.findings, &self.points(), today)
    }
}

/// What `mlps gaps QUERY` shows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Filter {
    /// Only gaps neither fixed nor verified.
    pub open: bool,
    /// Only high-risk findings.
    pub high: bool,
}

impl Filter {
    fn keeps(self, f: &Finding) -> bool {
        (!self.open || f.is_open_gap()) && (!self.high || f.risk == Risk::High)
    }
}

/// `mlps gaps QUERY [--json] [--open] [--high]`: the network found, or
/// every network of the client found, in name order.
#[allow(clippy::too_many_arguments)]
pub(super) fn show(
    store: &dyn CaseStore,
    found: &Found,
    today: NaiveDate,
    config: &Config,
    filter: Filter,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
) -> Result<()> {
    let client = found.client();
    let networks = match found.network() {
        Some(n) => vec![n.clone()],
        None => {
            let mut list = store.networks_of(client.id)?;
            list.sort_by_key(|n| n.name.to_lowercase());
            list
        }
    };
    let lists = networks
        .iter()
        .map(|n| GapList::read(store, client, n, config))
        .collect::<Result<Vec<_>>>()?;
    if json {
        let docs: Vec<NetworkJson> = lists.iter().map(|g| to_json(g, today, filter)).collect();
        let text =
            serde_json::to_string_pretty(&docs).map_err(|e| Error::runtime(e.to_string()))?;
        let mut text = crate::text::inert_json(&text);
        text.push('\n');
        return out.write_all(text.as_bytes()).map_err(io_error);
    }
    let mut text = String::new();
    if lists.is_empty() {
        text.push_str(&format!(
            "{}\n",
            Label::new("The client has no networks yet.", "该客户还没有定级对象。").get(lang)
        ));
    }
    for (i, g) in lists.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        network_text(g, today, filter, lang, &mut text);
    }
    out.write_all(text.as_bytes()).map_err(io_error)
}

/// The extension sets in words, `none` when there are none.
fn extensions_words(exts: &BTreeSet<Extension>, lang: Lang) -> String {
    if exts.is_empty() {
        return Label::new("none", "无").get(lang).into_owned();
    }
    exts.iter()
        .map(|e| gl::extension(*e).get(lang).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn network_text(g: &GapList, today: NaiveDate, filter: Filter, lang: Lang, text: &mut String) {
    let client = crate::service::lookup::names(&g.client);
    text.push_str(&format!(
        "{} {}/{}: {} — {}\n",
        Label::new("Network", "定级对象").get(lang),
        g.client.id.0,
        g.network.id.0,
        esc(&g.network.name),
        esc(&client)
    ));
    text.push_str(&format!(
        "  {} {} · {} {}\n",
        Label::new("Level", "等级").get(lang),
        g.level.get(),
        Label::new("extension sets:", "扩展要求：").get(lang),
        extensions_words(&g.extensions, lang)
    ));
    if g.findings.is_empty() {
        text.push_str(&format!(
            "  {}\n",
            Label::new(
                "No findings yet: import the audit firm's gap list with mlps gaps import FILE --network QUERY.",
                "尚无差距项：可用 mlps gaps import FILE --network QUERY 导入测评机构的差距清单。"
            )
            .get(lang)
        ));
        return;
    }
    let p = g.prediction(today);
    let other = match p.scheme {
        gaps::Scheme::Template2025 => (gaps::Scheme::Template2021, p.conclusion_2021),
        gaps::Scheme::Template2021 => (gaps::Scheme::Template2025, p.conclusion_2025),
    };
    text.push_str(&format!(
        "  {} [{}]; {}: {}\n",
        gl::prediction(&p, lang),
        gl::scheme(p.scheme).get(lang),
        gl::scheme(other.0).get(lang),
        gl::conclusion(other.1).get(lang)
    ));
    if let Some(line) = crate::domain::triage::findings::progress_line(&g.findings, today, lang) {
        let done = if gaps::rectification_done(&g.findings) {
            Label::new("rectification done", "整改完成")
        } else {
            Label::new("rectification not done", "整改未完成")
        };
        text.push_str(&format!(
            "  {} {line}; {}\n",
            Label::new("Progress:", "整改进度：").get(lang),
            done.get(lang)
        ));
    }
    if p.ignored > 0 {
        text.push_str(&format!(
            "  {}\n",
            match lang {
                Lang::En => format!(
                    "{} under points that do not apply at this level or extension sets, left out of the estimate",
                    counted(p.ignored, "finding", "findings")
                ),
                Lang::Zh => format!("{} 项差距所在控制点不适用于本等级或扩展要求，未计入预测", p.ignored),
                Lang::Both => format!(
                    "{} under points that do not apply, left out of the estimate · {} 项未计入预测",
                    counted(p.ignored, "finding", "findings"),
                    p.ignored
                ),
            }
        ));
    }
    let groups = grouped(&g.findings, filter);
    if groups.is_empty() {
        text.push_str(&format!(
            "  {}\n",
            Label::new(
                "No finding matches the filter.",
                "没有符合筛选条件的差距项。"
            )
            .get(lang)
        ));
    }
    for (category, points) in groups {
        let all: Vec<&Finding> = points
            .iter()
            .flat_map(|(_, fs)| fs.iter().copied())
            .collect();
        text.push_str(&format!(
            "\n  {} ({})\n",
            category.map_or_else(|| "?".to_string(), |c| c.label().get(lang).into_owned()),
            category_counts(&all, lang)
        ));
        for (point, findings) in points {
            let name = match point {
                Some(p) => {
                    let ext = p
                        .extension
                        .map(|e| format!("{}: ", gl::extension(e).get(lang)))
                        .unwrap_or_default();
                    format!("{ext}{} ({})", p.label().get(lang), p.id)
                }
                None => findings
                    .first()
                    .map(|f| esc(&f.control_point))
                    .unwrap_or_default(),
            };
            text.push_str(&format!("    {name}\n"));
            for f in findings {
                finding_text(f, today, lang, text);
            }
        }
    }
}

/// `#12  open  high  non-compliant  due 2026-12-01 (overdue)  运维组`, then
/// the description and the evidence, indented.
fn finding_text(f: &Finding, today: NaiveDate, lang: Lang, text: &mut String) {
    let mut parts = vec![
        format!("#{}", f.id.0),
        gl::status(f.status).get(lang).into_owned(),
        match lang {
            Lang::En => format!("{} risk", gl::risk(f.risk).en),
            Lang::Zh => format!("{}风险", gl::risk(f.risk).zh),
            Lang::Both => format!("{} risk {}风险", gl::risk(f.risk).en, gl::risk(f.risk).zh),
        },
        gl::result(f.result).get(lang).into_owned(),
    ];
    if let Some(due) = f.due {
        let overdue = if f.is_overdue(today) {
            format!(" ({})", Label::new("overdue", "已逾期").get(lang))
        } else {
            String::new()
        };
        parts.push(format!(
            "{} {due}{overdue}",
            Label::new("due", "期限").get(lang)
        ));
    }
    if !f.owner.trim().is_empty() {
        parts.push(esc(&f.owner));
    }
    text.push_str(&format!("      {}\n", parts.join("  ")));
    text.push_str(&format!(
        "          {}\n",
        esc(&f.description).replace("\\u{a}", " / ")
    ));
    if !f.evidence.trim().is_empty() {
        text.push_str(&format!(
            "          {} {}\n",
            Label::new("evidence:", "证据：").get(lang),
            esc(&f.evidence).replace("\\u{a}", " / ")
        ));
    }
}

/// `3 open, 2 fixed, 1 verified; open: 1 high, 2 medium` (gaps only).
fn category_counts(findings: &[&Finding], lang: Lang) -> String {
    let gaps: Vec<&&Finding> = findings.iter().filter(|f| f.result.is_gap()).collect();
    let status = |s: &[FindingStatus]| gaps.iter().filter(|f| s.contains(&f.status)).count();
    let open = status(&[FindingStatus::Open, FindingStatus::InProgress]);
    let fixed = status(&[FindingStatus::Fixed]);
    let verified = status(&[FindingStatus::Verified]);
    let risk = |r: Risk| {
        gaps.iter()
            .filter(|f| f.is_open_gap() && f.risk == r)
            .count()
    };
    let (high, medium, low) = (risk(Risk::High), risk(Risk::Medium), risk(Risk::Low));
    let en = format!(
        "{open} open, {fixed} fixed, {verified} verified; open by risk: {high} high, {medium} medium, {low} low"
    );
    let zh = format!(
        "未关闭 {open}，已整改 {fixed}，已验证 {verified}；未关闭按风险：高 {high}，中 {medium}，低 {low}"
    );
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both => format!("{en} · {zh}"),
    }
}

type Points<'a> = Vec<(Option<&'static ControlPoint>, Vec<&'a Finding>)>;

/// The findings `filter` keeps, by category then control point in
/// catalogue order (then due date, then id); findings under a point the
/// catalogue does not know come last.
fn grouped(
    findings: &[Finding],
    filter: Filter,
) -> Vec<(Option<&'static gaps::Category>, Points<'_>)> {
    let cat = gaps::catalogue();
    let point_order: BTreeMap<&str, usize> = cat
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let category_order: BTreeMap<&str, usize> = cat
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut by_point: BTreeMap<(usize, usize, String), Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| filter.keeps(f)) {
        let point = gaps::point(&f.control_point);
        let c = point
            .and_then(|p| category_order.get(p.category_id()).copied())
            .unwrap_or(usize::MAX);
        let p = point_order
            .get(f.control_point.as_str())
            .copied()
            .unwrap_or(usize::MAX);
        by_point
            .entry((c, p, f.control_point.clone()))
            .or_default()
            .push(f);
    }
    let mut out: Vec<(Option<&'static gaps::Category>, Points<'_>)> = Vec::new();
    let mut last: Option<usize> = None;
    for ((c, _, id), mut fs) in by_point {
        fs.sort_by_key(|f| (f.due.is_none(), f.due, f.id));
        let point = gaps::point(&id);
        if last != Some(c) {
            out.push((point.and_then(|p| p.category()), Vec::new()));
            last = Some(c);
        }
        if let Some((_, points)) = out.last_mut() {
            points.push((point, fs));
        }
    }
    out
}

#[derive(Serialize)]
struct NetworkJson {
    client_id: u64,
    network_id: u64,
    client: String,
    client_zh: String,
    network: String,
    level: u8,
    extensions: Vec<Extension>,
    /// `None` without findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    prediction: Option<PredictionJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rectification: Option<Rectification>,
    categories: Vec<CategoryJson>,
}

#[derive(Serialize)]
struct PredictionJson {
    /// Always true: the tool approximates the official formula.
    estimate: bool,
    scheme: gaps::Scheme,
    conclusion: gaps::Conclusion,
    conclusion_2025: gaps::Conclusion,
    conclusion_2021: gaps::Conclusion,
    rate: f64,
    counted: usize,
    high_found: usize,
    high_open: usize,
    medium_open: usize,
    ignored: usize,
}

#[derive(Serialize)]
struct CategoryJson {
    id: String,
    zh: String,
    en: String,
    points: Vec<PointJson>,
}

#[derive(Serialize)]
struct PointJson {
    id: String,
    zh: String,
    en: String,
    findings: Vec<Finding>,
}

fn to_json(g: &GapList, today: NaiveDate, filter: Filter) -> NetworkJson {
    let prediction = (!g.findings.is_empty()).then(|| {
        let p = g.prediction(today);
        PredictionJson {
            estimate: true,
            scheme: p.scheme,
            conclusion: p.conclusion(),
            conclusion_2025: p.conclusion_2025,
            conclusion_2021: p.conclusion_2021,
            rate: (p.rate_percent() * 10.0).round() / 10.0,
            counted: p.counted,
            high_found: p.high_found,
            high_open: p.high_open,
            medium_open: p.medium_open,
            ignored: p.ignored,
        }
    });
    let categories = grouped(&g.findings, filter)
        .into_iter()
        .map(|(c, points)| CategoryJson {
            id: c.map(|c| c.id.clone()).unwrap_or_default(),
            zh: c.map(|c| c.zh.clone()).unwrap_or_default(),
            en: c.map(|c| c.en.clone()).unwrap_or_default(),
            points: points
                .into_iter()
                .map(|(p, fs)| PointJson {
                    id: p
                        .map(|p| p.id.clone())
                        .or_else(|| fs.first().map(|f| f.control_point.clone()))
                        .unwrap_or_default(),
                    zh: p.map(|p| p.zh.clone()).unwrap_or_default(),
                    en: p.map(|p| p.en.clone()).unwrap_or_default(),
                    findings: fs.into_iter().cloned().collect(),
                })
                .collect(),
        })
        .collect();
    NetworkJson {
        client_id: g.client.id.0,
        network_id: g.network.id.0,
        client: g.client.display_name().to_string(),
        client_zh: g.client.name_zh.clone(),
        network: g.network.name.clone(),
        level: g.level.get(),
        extensions: g.extensions.iter().copied().collect(),
        prediction,
        rectification: rectification(&g.findings, today),
        categories,
    }
}

/// Reads a gap list file whole (before the database is touched).
pub(super) fn read_file(file: &Path) -> Result<Vec<u8>> {
    std::fs::read(file).map_err(|e| Error::io(file, e))
}

/// `mlps gaps import FILE --network QUERY [--check] [--replace]`.
#[allow(clippy::too_many_arguments)]
pub(super) fn import(
    store: &dyn CaseStore,
    (file, bytes): (&Path, &[u8]),
    query: &str,
    (check, replace): (bool, bool),
    today: NaiveDate,
    config: &Config,
    lang: Lang,
    out: &mut impl Write,
) -> Result<()> {
    let (client, network) = crate::service::report::find(store, query)?;
    let g = GapList::read(store, &client, &network, config)?;
    let name = file.display().to_string();
    let rows = gap_list::read_gap_list(bytes, &name, &g.points(), today)
        .map_err(|errors| gap_list::into_error(&errors))?;
    if let Some(note) = gap_list::encoding_note(bytes, &name) {
        writeln!(out, "{}", esc(&note)).map_err(io_error)?;
    }
    let findings: Vec<Finding> = rows.into_iter().map(|r| r.finding).collect();
    let risk = |r: Risk| findings.iter().filter(|f| f.risk == r).count();
    let (high, medium, low) = (risk(Risk::High), risk(Risk::Medium), risk(Risk::Low));
    let what_en = format!(
        "{} ({high} high, {medium} medium, {low} low risk)",
        counted(findings.len(), "finding", "findings")
    );
    let what_zh = format!(
        "{} 项差距（高风险 {high}，中 {medium}，低 {low}）",
        findings.len()
    );
    let target = format!(
        "{}/{} {} (level {})",
        client.id.0,
        network.id.0,
        esc(&network.name),
        g.level.get()
    );
    let target_zh = format!(
        "{}/{} {}（{}）",
        client.id.0,
        network.id.0,
        esc(&network.name),
        crate::domain::labels::level_number(g.level).zh
    );
    let held = g.findings.len();
    let line = if check {
        let replaced_en = match (held, replace) {
            (0, _) => String::new(),
            (n, true) => format!(
                "; they would replace its {}",
                counted(n, "finding", "findings")
            ),
            (n, false) => format!(
                "; they would be added to its {} (--replace replaces them)",
                counted(n, "finding", "findings")
            ),
        };
        let replaced_zh = match (held, replace) {
            (0, _) => String::new(),
            (n, true) => format!("，将替换其现有的 {n} 项"),
            (n, false) => format!("，将追加到其现有的 {n} 项之后（--replace 则替换）"),
        };
        sentence(
            lang,
            format!(
                "{name}: {what_en} would be imported into network {target}{replaced_en}; nothing was written."
            ),
            format!(
                "{name}：可向定级对象 {target_zh} 导入 {what_zh}{replaced_zh}；未写入任何内容。"
            ),
        )
    } else {
        let added = store.import_findings(network.id, findings, replace)?;
        debug_assert_eq!(added, high + medium + low);
        let replaced_en = if replace && held > 0 {
            format!(", replacing its {}", counted(held, "finding", "findings"))
        } else {
            String::new()
        };
        let replaced_zh = if replace && held > 0 {
            format!("，替换了原有的 {held} 项")
        } else {
            String::new()
        };
        sentence(
            lang,
            format!("Imported {what_en} from {name} into network {target}{replaced_en}; saved."),
            format!("已从 {name} 向定级对象 {target_zh} 导入 {what_zh}{replaced_zh}；已保存。"),
        )
    };
    writeln!(out, "{line}").map_err(io_error)
}

fn sentence(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both => format!("{en}\n{zh}"),
    }
}

/// `mlps gaps export QUERY [-o FILE]`: the network's findings as a gap list
/// in `lang`, to stdout or written whole to `output`.
pub(super) fn export(
    store: &dyn CaseStore,
    query: &str,
    output: Option<&PathBuf>,
    lang: Lang,
    out: &mut impl Write,
) -> Result<()> {
    let (_, network) = crate::service::report::find(store, query)?;
    let findings: Vec<Finding> = store
        .findings_of(network.id)?
        .into_iter()
        .map(|f| f.finding)
        .collect();
    let text = gap_list::write_gap_list(&findings, lang);
    match output {
        None => out.write_all(text.as_bytes()).map_err(io_error),
        Some(path) => {
            crate::service::report::write_atomically(path, text.as_bytes())?;
            let line = sentence(
                lang,
                format!(
                    "Wrote {} of network {:?} to {}.",
                    counted(findings.len(), "finding", "findings"),
                    network.name,
                    path.display()
                ),
                format!(
                    "已将定级对象“{}”的 {} 项差距写入 {}。",
                    esc(&network.name),
                    findings.len(),
                    path.display()
                ),
            );
            writeln!(out, "{line}").map_err(io_error)
        }
    }
}
