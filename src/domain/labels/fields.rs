//! The record's fields as people read them, for the change history:
//! `milestones[7].conclusion` is `Milestone 7 · conclusion` / `里程碑 7 ·
//! 结论`; and answers as the panes show them.

use super::{Label, Lang, conclusion, data_category, question, stage, value};
use crate::domain::model::{Conclusion, Stage};
use crate::domain::questionnaire::{Answers, QuestionId};

/// One segment of a field path (without its index).
fn segment(s: &str) -> Option<Label> {
    Some(match s {
        "milestones" => Label::new("Milestone", "里程碑"),
        "contacts" => Label::new("Contact", "联系人"),
        "answers" => Label::new("Answers", "问卷"),
        "overrides" => Label::new("Override", "人工认定"),
        "business_information" => Label::new("S business information", "S 业务信息"),
        "system_service" => Label::new("A system service", "A 系统服务"),
        "object" => Label::new("harmed object", "受侵害客体"),
        "degree" => Label::new("degree", "侵害程度"),
        "justification" => Label::new("justification", "理由"),
        "stage" => Label::new("stage", "阶段"),
        "date" => Label::new("date", "日期"),
        "note" | "notes" => Label::new("notes", "备注"),
        "score" => Label::new("score", "得分"),
        "conclusion" => Label::new("conclusion", "结论"),
        "high_risks" => Label::new("high risks", "高风险"),
        "medium_risks" => Label::new("medium risks", "中风险"),
        "number" => Label::new("number", "编号"),
        "level" => Label::new("level", "等级"),
        "filed_level" => Label::new("filed level", "备案等级"),
        "name" => Label::new("name", "名称"),
        "name_zh" => Label::new("Chinese name", "中文名称"),
        "region" => Label::new("region", "地区"),
        "credit_code" => Label::new("credit code", "统一社会信用代码"),
        "address" => Label::new("address", "地址"),
        "role" => Label::new("role", "职务"),
        "email" => Label::new("email", "邮箱"),
        "phone" => Label::new("phone", "电话"),
        _ => return None,
    })
}

/// A field path in words, in `lang`: `milestones[7].conclusion` is
/// `Milestone 7 · conclusion`, `里程碑 7 · 结论`, or both; an answer is its
/// question's name. A part it does not know stays as it is.
pub fn field(path: &str, lang: Lang) -> String {
    let say = |zh: bool| {
        let mut parts: Vec<String> = Vec::new();
        let mut in_answers = false;
        for part in path.split('.') {
            let (name, index) = match part.split_once('[') {
                Some((n, rest)) => (n, rest.strip_suffix(']')),
                None => (part, None),
            };
            let label = if in_answers {
                name.parse::<QuestionId>().ok().map(question)
            } else {
                segment(name)
            };
            in_answers = name == "answers";
            if in_answers {
                // `answers.pi_subjects` is the question's name alone.
                continue;
            }
            let word = match label {
                Some(l) if zh => l.zh.to_string(),
                Some(l) => l.en.to_string(),
                None => name.to_string(),
            };
            // The index as `mlps log` prints it (`milestones[7]`).
            match index {
                Some(i) => parts.push(format!("{word} {i}")),
                None => parts.push(word),
            }
        }
        parts.join(" · ")
    };
    match lang {
        Lang::En => say(false),
        Lang::Zh => say(true),
        Lang::Both => {
            let (en, zh) = (say(false), say(true));
            if en == zh { en } else { format!("{en} {zh}") }
        }
    }
}

/// A changed value (JSON text) in words where it is an id the catalogue
/// knows: a stage, a conclusion, a choice of the question the field
/// names; else as it is.
pub fn field_value(path: &str, json: &str, lang: Lang) -> String {
    let Some(id) = json.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return json.to_string();
    };
    let last = path.rsplit('.').next().unwrap_or(path);
    let label = if last == "stage" {
        id.parse::<Stage>().ok().map(stage)
    } else if last == "conclusion" {
        id.parse::<Conclusion>().ok().map(conclusion)
    } else if let Some(q) = path
        .strip_prefix("answers.")
        .and_then(|q| q.split('[').next())
        .and_then(|q| q.parse::<QuestionId>().ok())
    {
        value(q, id).or_else(|| {
            (q == QuestionId::DataCategories)
                .then(|| id.parse().ok().map(data_category))
                .flatten()
        })
    } else {
        None
    };
    match label {
        Some(l) => l.get(lang).into_owned(),
        None => json.to_string(),
    }
}

/// An answer as the answers pane shows it, in `lang`: choices and yes/no
/// by their labels, numbers and text as they are; `None` when unknown.
pub fn answer(answers: &Answers, q: QuestionId, lang: Lang) -> Option<String> {
    let shown = answers.display(q)?;
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    Some(match q {
        QuestionId::DataCategories => {
            let set = answers.data_categories.as_ref()?;
            if set.is_empty() {
                super::NONE.get(lang).into_owned()
            } else {
                set.iter()
                    .map(|c| data_category(*c).get(lang).into_owned())
                    .collect::<Vec<_>>()
                    .join(sep)
            }
        }
        QuestionId::CloudProvider | QuestionId::ArchitectureNotes => shown,
        _ => match value(q, &shown) {
            Some(l) => l.get(lang).into_owned(),
            None => shown,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_in_words() {
        let p = "milestones[7].conclusion";
        assert_eq!(field(p, Lang::En), "Milestone 7 · conclusion");
        assert_eq!(field(p, Lang::Zh), "里程碑 7 · 结论");
        assert_eq!(
            field(p, Lang::Both),
            "Milestone 7 · conclusion 里程碑 7 · 结论"
        );
        assert_eq!(field("answers.pi_subjects", Lang::En), "PI subjects");
        assert_eq!(field("answers.pi_subjects", Lang::Zh), "个人信息主体数量");
        assert_eq!(field("mystery[2].x", Lang::En), "mystery 2 · x");
        assert_eq!(
            field_value("milestones[0].stage", "\"expert_review\"", Lang::Zh),
            "专家评审"
        );
        assert_eq!(
            field_value("answers.sector", "\"finance\"", Lang::Both),
            "Finance 金融"
        );
        assert_eq!(field_value("milestones[0].score", "91.5", Lang::Zh), "91.5");
    }
}
