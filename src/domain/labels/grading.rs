//! The grading's words: rule sets, the rules that decide each aspect's
//! harm, floors, warnings, harmed objects and degrees.

use super::Label;
use crate::domain::grading::{FloorId, RuleId, RuleSet, WarningId};
use crate::domain::model::{Aspect, Degree, HarmedObject};

/// A rule set, short.
pub fn rule_set(r: RuleSet) -> Label {
    match r {
        RuleSet::Conservative => Label::new("2018 draft Regulation", "从严解读"),
        RuleSet::Gbt22240 => Label::new("GB/T 22240-2020", "GB/T 22240-2020"),
    }
}

/// What a rule means (the thresholds written out; the Chinese of S3 and
/// S4 names the scale, the English its numbers).
pub fn rule(r: RuleId) -> Label {
    match r {
        RuleId::S1 => Label::new("data includes core data", "数据包含核心数据"),
        RuleId::S2 => Label::new("data includes important data", "数据包含重要数据"),
        RuleId::S3 => Label::new(
            "≥ 1 000 000 PI subjects or ≥ 100 000 sensitive-PI subjects",
            "个人信息达到社会影响规模",
        ),
        RuleId::S4 => Label::new(
            "≥ 100 000 PI subjects or ≥ 10 000 sensitive-PI subjects",
            "个人信息达到严重规模",
        ),
        RuleId::S5 => Label::new(
            "any PI subjects or sensitive data",
            "处理个人信息或敏感数据",
        ),
        RuleId::S6 => Label::new("otherwise", "其他情形"),
        RuleId::A1 => Label::new("critical information infrastructure", "关键信息基础设施"),
        RuleId::A2 => Label::new(
            "public-opinion attributes or social mobilisation capacity",
            "具有舆论属性或社会动员能力",
        ),
        RuleId::A3 => Label::new(
            "outage affects ≥ 1 000 000 people",
            "服务中断影响 ≥ 1 000 000 人",
        ),
        RuleId::A4 => Label::new(
            "outage affects ≥ 100 000 people",
            "服务中断影响 ≥ 100 000 人",
        ),
        RuleId::A5 => Label::new("serves the public over the internet", "面向公众服务"),
        RuleId::A6 => Label::new("otherwise", "其他情形"),
        RuleId::Override => Label::new("consultant's override", "人工认定"),
    }
}

/// What a floor means.
pub fn floor(f: FloorId) -> Label {
    match f {
        FloorId::Cii => Label::new(
            "critical information infrastructure is at least level 3",
            "关键信息基础设施不低于第三级",
        ),
        FloorId::BigData => Label::new(
            "a big-data platform processing personal information is at least level 3",
            "处理个人信息的大数据平台不低于第三级",
        ),
        FloorId::Host => Label::new(
            "a platform is at least the highest level it hosts",
            "承载其他定级对象的平台不低于其承载的最高等级",
        ),
    }
}

/// A warning, in a few words: what the header shows beside its code.
pub fn warning(w: WarningId) -> Label {
    match w {
        WarningId::Cloud => Label::new("cloud level too low", "云平台等级不足"),
        WarningId::CrossBorder => Label::new("data export", "数据出境"),
        WarningId::Open => Label::new("open answers", "问题未答"),
    }
}

/// A warning in full, as the legend and the report explain it.
pub fn warning_meaning(w: WarningId) -> Label {
    match w {
        WarningId::Cloud => Label::new(
            "the cloud platform's MLPS level is below this network's level",
            "云平台安全保护等级低于本系统等级",
        ),
        WarningId::CrossBorder => Label::new(
            "data leaves mainland China at export-review scale: a separate export-compliance route applies",
            "数据出境达到出境评估规模",
        ),
        WarningId::Open => Label::new(
            "open questions could raise the level",
            "未回答的问题可能提高等级",
        ),
    }
}

/// Whose interests would be harmed, short.
pub fn harmed_object(o: HarmedObject) -> Label {
    match o {
        HarmedObject::Citizens => Label::new("citizens", "公民权益"),
        HarmedObject::SocialOrder => Label::new("social order", "社会秩序"),
        HarmedObject::NationalSecurity => Label::new("national security", "国家安全"),
    }
}

/// Whose interests would be harmed, in the standard's words.
pub fn harmed_object_full(o: HarmedObject) -> Label {
    match o {
        HarmedObject::Citizens => Label::new(
            "rights of citizens and organisations (citizens)",
            "公民、法人和其他组织的合法权益",
        ),
        HarmedObject::SocialOrder => {
            Label::new("social order and public interest", "社会秩序、公共利益")
        }
        HarmedObject::NationalSecurity => Label::new("national security", "国家安全"),
    }
}

/// How badly.
pub fn degree(d: Degree) -> Label {
    match d {
        Degree::General => Label::new("general", "一般损害"),
        Degree::Serious => Label::new("serious", "严重损害"),
        Degree::ParticularlySerious => Label::new("particularly serious", "特别严重损害"),
    }
}

/// The two aspects a network is judged on.
pub fn aspect(a: Aspect) -> Label {
    match a {
        Aspect::BusinessInformation => Label::new("business information (S)", "业务信息安全"),
        Aspect::SystemService => Label::new("system service (A)", "系统服务安全"),
    }
}

use super::{Lang, level_number, question};
use crate::domain::grading::{AspectGrade, Grade};

/// What a provisional level means, in `lang`: `provisional: up to 4
/// until CII, PI subjects, … are answered` / `等级待定：回答关键信息基础设施、
/// … 前最高可能第四级`, naming at most `names` questions; `None` when the
/// level is firm.
pub fn provisional_words(g: &Grade, lang: Lang, names: usize) -> Option<String> {
    if !g.is_provisional() {
        return None;
    }
    let list = |zh: bool| {
        let mut list: Vec<&str> = g
            .could_raise
            .iter()
            .take(names.max(1))
            .map(|q| if zh { question(*q).zh } else { question(*q).en })
            .collect();
        if g.could_raise.len() > list.len() {
            list.push("…");
        }
        list
    };
    let en = || {
        format!(
            "provisional: up to {} until {} {} answered",
            g.max_level,
            list(false).join(", "),
            if g.could_raise.len() == 1 {
                "is"
            } else {
                "are"
            }
        )
    };
    let zh = || {
        format!(
            "等级待定：{}回答前最高可能{}",
            list(true).join("、"),
            level_number(g.max_level).zh
        )
    };
    Some(match lang {
        Lang::En => en(),
        Lang::Zh => zh(),
        Lang::Both => format!("{} {}", en(), zh()),
    })
}

/// Why the level is what it is, after the level itself, in `lang`: each
/// aspect's harm and the rule that decided it, the floors that raised it,
/// and what the other rule set gives.
pub fn explain(g: &Grade, lang: Lang) -> String {
    if lang == Lang::En {
        // The engine's own words, with the facts behind each rule.
        let all = g.explain().replace('\n', " / ");
        return all
            .split_once(" · ")
            .map_or(String::new(), |(_, r)| r.to_string());
    }
    let aspect = |letter: &str, a: &AspectGrade| match lang {
        Lang::Zh => format!(
            "{letter} {}/{}（{}：{}）",
            harmed_object(a.object).zh,
            degree(a.degree).zh,
            a.rule,
            rule(a.rule).zh
        ),
        _ => format!(
            "{letter} {}/{} {}/{} ({}: {})",
            harmed_object(a.object).en,
            degree(a.degree).en,
            harmed_object(a.object).zh,
            degree(a.degree).zh,
            a.rule,
            a.reason.replace('\n', " / ")
        ),
    };
    let mut parts = vec![
        aspect("S", &g.business_information),
        aspect("A", &g.system_service),
    ];
    for f in &g.floors {
        parts.push(match lang {
            Lang::Zh => format!("{} 提升至{}", f.rule, level_number(f.level).zh),
            _ => format!(
                "{} raises to {} 提升至{}",
                f.rule,
                f.level,
                level_number(f.level).zh
            ),
        });
    }
    if g.other_rules_level != g.level {
        let other = g.rules.other();
        parts.push(match lang {
            Lang::Zh => format!(
                "按{}为{}",
                rule_set(other).zh,
                level_number(g.other_rules_level).zh
            ),
            _ => format!(
                "{} gives {} 按{}为{}",
                other.title(),
                g.other_rules_level,
                rule_set(other).zh,
                level_number(g.other_rules_level).zh
            ),
        });
    }
    parts.join(" · ")
}
