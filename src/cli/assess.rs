//! `mlps assess`: grade one answers file, with no database.

use std::io::Write;
use std::path::Path;

use crate::domain::grading::{AspectGrade, Grade, RuleSet, grade};
use crate::domain::labels::{self, Lang};
use crate::error::{Error, Result};
use crate::formats::answers_file;
use crate::text::escape_for_terminal;

pub fn run(file: &Path, rules: RuleSet, json: bool, lang: Lang) -> Result<()> {
    let (name, text) = super::input::read_file(file)?;
    let parsed = answers_file::parse(&name, &text)?;
    let g = grade(&parsed.answers, &parsed.overrides, rules);
    let out = if json {
        let mut s = crate::text::inert_json(
            &serde_json::to_string_pretty(&g).map_err(|e| Error::runtime(e.to_string()))?,
        );
        s.push('\n');
        s
    } else {
        match lang {
            Lang::En => render(&g),
            Lang::Zh => render_zh(&g),
            Lang::Both => format!("{}{}", render(&g), render_zh(&g)),
        }
    };
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(super::io_error)
}

/// The grading as text for a terminal.
pub fn render(g: &Grade) -> String {
    let mut s = format!(
        "Level {} ({}) under the {} rules",
        g.level,
        g.level.name(),
        g.rules
    );
    if g.other_rules_level != g.level {
        s.push_str(&format!(
            "; {} gives {}",
            g.rules.other().title(),
            g.other_rules_level
        ));
    } else {
        s.push_str(&format!("; {} agrees", g.rules.other().title()));
    }
    s.push('\n');
    if g.is_provisional() {
        let names: Vec<&str> = g.could_raise.iter().map(|q| q.as_str()).collect();
        s.push_str(&format!(
            "  provisional: until {} {} answered, this could be up to level {} ({})\n",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
            g.max_level,
            g.max_level.name()
        ));
    }
    let aspect = |label: &str, a: &AspectGrade| {
        format!(
            "  {label}: {} / {} -> level {}  [{}: {}]\n",
            a.object,
            a.degree.words(),
            a.level,
            a.rule,
            escape_for_terminal(&a.reason)
        )
    };
    s.push_str(&aspect("S business information", &g.business_information));
    s.push_str(&aspect("A system service      ", &g.system_service));
    for f in &g.floors {
        s.push_str(&format!(
            "  floor {} raises the level to {}: {}\n",
            f.rule, f.level, f.reason
        ));
    }
    for w in &g.warnings {
        let what = match w {
            crate::domain::grading::WarningId::Cloud => {
                "the cloud platform's MLPS level is below this network's level (or unknown)".to_string()
            }
            crate::domain::grading::WarningId::CrossBorder => {
                "data leaves mainland China at export-review scale: a separate export-compliance route applies"
                    .to_string()
            }
            crate::domain::grading::WarningId::Open => format!(
                "open questions could raise the level: {}",
                g.could_raise.iter().map(|q| q.as_str()).collect::<Vec<_>>().join(", ")
            ),
        };
        s.push_str(&format!("  warning {w}: {what}\n"));
    }
    if !g.open_questions.is_empty() {
        s.push_str(&format!(
            "  open questions (not answered yet; the level above takes each at the answer that raises nothing): {}\n",
            g.open_questions
                .iter()
                .map(|q| q.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

/// The grading as text for a terminal, in Chinese (`--lang zh`, `lang =
/// "zh"` or a Chinese locale).
pub fn render_zh(g: &Grade) -> String {
    let level = |l| {
        format!(
            "{} {}",
            labels::level_number(l).zh,
            labels::level_name(l).zh
        )
    };
    let questions = |qs: &[crate::domain::questionnaire::QuestionId]| {
        qs.iter()
            .map(|q| labels::question(*q).zh)
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut s = format!(
        "定级结果：{}（规则集：{}）",
        level(g.level),
        labels::rule_set(g.rules).zh
    );
    if g.other_rules_level != g.level {
        s.push_str(&format!(
            "；按{}为{}",
            labels::rule_set(g.rules.other()).zh,
            labels::level_number(g.other_rules_level).zh
        ));
    } else {
        s.push_str(&format!(
            "；按{}结果相同",
            labels::rule_set(g.rules.other()).zh
        ));
    }
    s.push('\n');
    if g.is_provisional() {
        s.push_str(&format!(
            "  等级待定：{}回答前，最高可能为{}\n",
            questions(&g.could_raise),
            level(g.max_level)
        ));
    }
    let aspect = |a: &AspectGrade, which| {
        format!(
            "  {}：{}/{} → {}  [{}：{}]\n",
            labels::aspect(which).zh,
            labels::harmed_object(a.object).zh,
            labels::degree(a.degree).zh,
            labels::level_number(a.level).zh,
            a.rule,
            labels::rule(a.rule).zh
        )
    };
    use crate::domain::model::Aspect;
    s.push_str(&aspect(
        &g.business_information,
        Aspect::BusinessInformation,
    ));
    s.push_str(&aspect(&g.system_service, Aspect::SystemService));
    for f in &g.floors {
        s.push_str(&format!(
            "  下限 {} 将等级提升至{}：{}\n",
            f.rule,
            labels::level_number(f.level).zh,
            labels::floor(f.rule).zh
        ));
    }
    for w in &g.warnings {
        let mut what = labels::warning_meaning(*w).zh.to_string();
        if *w == crate::domain::grading::WarningId::Open {
            what.push_str(&format!("：{}", questions(&g.could_raise)));
        }
        s.push_str(&format!("  提示 {w}：{what}\n"));
    }
    if !g.open_questions.is_empty() {
        s.push_str(&format!(
            "  未回答的问题（上面的等级按不提高等级的答案计算）：{}\n",
            questions(&g.open_questions)
        ));
    }
    s
}
