//! The case's words: levels, milestone stages, derived dates and their
//! status, evaluation conclusions, and triage's urgencies, next actions
//! and reasons.

use super::{Label, Lang, question};
use crate::domain::model::{Conclusion, Level, Stage};
use crate::domain::timeline::{DueKind, DueStatus};
use crate::domain::triage::{Fact, Reason, SortBy, Tier, Words};

/// `Level 3` / `第三级`.
pub fn level_number(level: Level) -> Label {
    match level.get() {
        1 => Label::new("Level 1", "第一级"),
        2 => Label::new("Level 2", "第二级"),
        3 => Label::new("Level 3", "第三级"),
        4 => Label::new("Level 4", "第四级"),
        _ => Label::new("Level 5", "第五级"),
    }
}

/// The level's name under MLPS 2.0: `supervised` / `监督保护级`.
pub fn level_name(level: Level) -> Label {
    match level.get() {
        1 => Label::new("autonomous", "自主保护级"),
        2 => Label::new("guided", "指导保护级"),
        3 => Label::new("supervised", "监督保护级"),
        4 => Label::new("mandatory", "强制保护级"),
        _ => Label::new("specially controlled", "专控保护级"),
    }
}

/// A milestone stage, as the timeline and the history name it.
pub fn stage(s: Stage) -> Label {
    match s {
        Stage::QuestionnaireSent => Label::new("questionnaire sent", "发送调查问卷"),
        Stage::QuestionnaireReceived => Label::new("questionnaire received", "收到问卷答复"),
        Stage::InitialAssessment => Label::new("initial assessment", "初步定级"),
        Stage::SelfAssessment => Label::new("self-assessment done", "自查完成"),
        Stage::AuditFirmSelected => Label::new("audit firm selected", "选定测评机构"),
        Stage::ExpertReview => Label::new("expert review", "专家评审"),
        Stage::FilingSubmitted => Label::new("filing submitted", "提交备案"),
        Stage::GapAnalysis => Label::new("gap analysis", "差距分析"),
        Stage::RectificationDone => Label::new("rectification done", "整改完成"),
        Stage::EvaluationPassed => Label::new("evaluation passed", "等级测评通过"),
        Stage::EvaluationFailed => Label::new("evaluation failed", "等级测评未通过"),
        Stage::CertificateIssued => Label::new("certificate issued", "取得备案证明"),
    }
}

/// A derived date's kind (the English is `DueKind::label`).
pub fn due_kind(k: DueKind) -> Label {
    match k {
        DueKind::SelfAssessment => Label::new("self-assessment", "年度自查"),
        DueKind::Evaluation => Label::new("evaluation", "等级测评"),
        DueKind::Filing => Label::new("filing deadline", "备案期限"),
        DueKind::Certificate => Label::new("certificate expected", "预计取得备案证明"),
        DueKind::CaseDone => Label::new("case done", "项目预计完成"),
        DueKind::CertificateExpiry => Label::new("certificate expiry", "备案证明到期"),
        DueKind::FindingDue => Label::new("fix due", "整改期限"),
    }
}

/// Where an obligation stands.
pub fn due_status(s: DueStatus) -> Label {
    match s {
        DueStatus::Done => Label::new("done", "已完成"),
        DueStatus::Late => Label::new("late", "逾期完成"),
        DueStatus::Overdue => Label::new("overdue", "已逾期"),
        DueStatus::Due => Label::new("due", "即将到期"),
        DueStatus::Upcoming => Label::new("upcoming", "未到期"),
    }
}

/// An evaluation's conclusion (GB/T 28448).
pub fn conclusion(c: Conclusion) -> Label {
    match c {
        Conclusion::Excellent => Label::new("excellent", "优"),
        Conclusion::Good => Label::new("good", "良"),
        Conclusion::Fair => Label::new("fair", "中"),
        Conclusion::Poor => Label::new("poor", "差"),
    }
}

/// Triage's urgency tiers (the English is `Tier::label`).
pub fn tier(t: Tier) -> Label {
    match t {
        Tier::Overdue => Label::new("overdue", "已逾期"),
        Tier::Regrading => Label::new("re-grade", "需重新定级"),
        Tier::Due => Label::new("due", "即将到期"),
        Tier::Stalled => Label::new("stalled", "进度停滞"),
        Tier::Provisional => Label::new("provisional", "等级待定"),
        Tier::MissingFacts => Label::new("missing", "缺少信息"),
    }
}

/// How the triage list is sorted.
pub fn sort_by(s: SortBy) -> Label {
    match s {
        SortBy::Urgency => Label::new("urgency", "紧急程度"),
        SortBy::Due => Label::new("due date", "到期日"),
        SortBy::Client => Label::new("client", "客户"),
        SortBy::Level => Label::new("level", "等级"),
    }
}

/// What to do to reach `stage` (the English is
/// `triage::stage_action`).
pub fn stage_action(s: Stage) -> Label {
    match s {
        Stage::QuestionnaireSent => Label::new("send the questionnaire", "发送调查问卷"),
        Stage::QuestionnaireReceived => {
            Label::new("chase the questionnaire answers", "催收问卷答复")
        }
        Stage::InitialAssessment => Label::new("propose the likely level", "提出拟定等级"),
        Stage::SelfAssessment => Label::new("do the self-assessment", "开展自查"),
        Stage::AuditFirmSelected => Label::new("engage an audit firm", "选定测评机构"),
        Stage::ExpertReview => Label::new("arrange the expert review", "安排专家评审"),
        Stage::FilingSubmitted => Label::new(
            "submit the filing to the public security bureau",
            "向公安机关提交备案",
        ),
        Stage::GapAnalysis => Label::new(
            "get the gap analysis from the audit firm",
            "向测评机构索取差距分析",
        ),
        Stage::RectificationDone => Label::new("chase the rectification", "督促整改"),
        Stage::EvaluationPassed | Stage::EvaluationFailed => {
            Label::new("book the evaluation", "预约等级测评")
        }
        Stage::CertificateIssued => Label::new(
            "chase the certificate (备案证明) with the bureau",
            "向公安机关催办备案证明",
        ),
    }
}

pub const DO_YEARLY_SELF_ASSESSMENT: Label =
    Label::new("do the yearly self-assessment", "开展年度自查");
pub const RENEW_CERTIFICATE: Label = Label::new(
    "renew the filing certificate with the bureau",
    "向公安机关办理备案证明续期",
);
pub const CHASE_FIX_OWNER: Label = Label::new("chase the owner of the fix", "催促整改责任人");
pub const RECORD_LAST_MILESTONE: Label =
    Label::new("record the case's last milestone", "记录项目最后一个里程碑");
pub const REGRADE_HIGHER: Label = Label::new(
    "re-grade and re-file at the higher level",
    "按更高等级重新定级并备案",
);
pub const RECONFIRM_LEVEL: Label =
    Label::new("re-confirm the level and re-file", "重新确认等级并备案");

/// A fact the filing needs from the client.
pub fn fact(f: Fact) -> Label {
    match f {
        Fact::Contact => Label::new("a contact", "联系人"),
        Fact::CreditCode => Label::new("the credit code", "统一社会信用代码"),
        Fact::Address => Label::new("the address", "地址"),
    }
}

/// The next action of a triage reason, in `lang`.
pub fn reason_action(r: &Reason, lang: Lang) -> String {
    let Some(w) = &r.words else {
        return r.action.clone();
    };
    let pick = |en: String, zh: String| match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both => format!("{en} {zh}"),
    };
    match w {
        Words::Due { action, .. } | Words::Stalled { action, .. } => action.get(lang).into_owned(),
        Words::Regrade { higher, .. } => if *higher {
            REGRADE_HIGHER
        } else {
            RECONFIRM_LEVEL
        }
        .get(lang)
        .into_owned(),
        Words::Provisional { questions, .. } => {
            let names = |zh: bool| {
                questions
                    .iter()
                    .map(|q| if zh { question(*q).zh } else { question(*q).en })
                    .collect::<Vec<_>>()
            };
            pick(
                format!("answer {}", names(false).join(", ")),
                format!("回答{}", names(true).join("、")),
            )
        }
        Words::Missing { facts } => {
            let en: Vec<&str> = facts.iter().map(|f| fact(*f).en).collect();
            let zh: Vec<&str> = facts.iter().map(|f| fact(*f).zh).collect();
            pick(
                format!("add {} to the client", en.join(", ")),
                format!("为客户补充{}", zh.join("、")),
            )
        }
        Words::FindingsOverdue { owner, .. } => {
            let (en, zh) = if owner.is_empty() {
                ("the client", "客户")
            } else {
                (owner.as_str(), owner.as_str())
            };
            pick(
                format!("chase {en} on the overdue fixes"),
                format!("催促{zh}完成逾期整改"),
            )
        }
        Words::HighBeforeEvaluation { .. } => FIX_HIGH_BEFORE_EVALUATION.get(lang).into_owned(),
        Words::RectificationStalled { .. } => stage_action(Stage::RectificationDone)
            .get(lang)
            .into_owned(),
    }
}

/// The action of high-risk gaps open close to the evaluation.
pub const FIX_HIGH_BEFORE_EVALUATION: Label = Label::new(
    "fix the high-risk gaps before the evaluation",
    "测评前完成高风险问题整改",
);

/// Why a triage reason holds, in `lang`.
pub fn reason_why(r: &Reason, lang: Lang) -> String {
    let Some(w) = &r.words else {
        return r.why.clone();
    };
    let pick = |en: String, zh: String| match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both => format!("{en} {zh}"),
    };
    match w {
        Words::Due {
            kind, days, due, ..
        } => {
            let k = due_kind(*kind);
            let (en, zh) = if *days < 0 {
                (
                    format!("overdue by {} days", -days),
                    format!("已逾期 {} 天", -days),
                )
            } else if *days == 0 {
                ("due today".to_string(), "今天到期".to_string())
            } else {
                (
                    format!("due in {days} days, {due}"),
                    format!("还有 {days} 天到期，{due}"),
                )
            };
            pick(format!("{} {en}", k.en), format!("{}{zh}", k.zh))
        }
        Words::Regrade {
            filed, computed, ..
        } => pick(
            format!("filed {filed}, computed {computed}"),
            format!(
                "备案{}，计算为{}",
                level_number(*filed).zh,
                level_number(*computed).zh
            ),
        ),
        Words::Stalled {
            stage: at,
            waited,
            next,
            ..
        } => pick(
            format!(
                "{} {waited} days ago and no {} since",
                stage(*at).en,
                stage(*next).en
            ),
            format!("{}已 {waited} 天，尚未{}", stage(*at).zh, stage(*next).zh),
        ),
        Words::Provisional { level, max, .. } => pick(
            format!("level {level}, could be up to {max} until answered"),
            format!(
                "当前{}，回答前最高可能{}",
                level_number(*level).zh,
                level_number(*max).zh
            ),
        ),
        Words::Missing { .. } => pick(
            "the filing and the case need them".to_string(),
            "备案和项目需要这些信息".to_string(),
        ),
        Words::FindingsOverdue {
            count, worst, days, ..
        } => {
            let risk = crate::domain::gaps::labels::risk(*worst);
            pick(
                format!(
                    "{count} {} overdue, worst {} risk, by {} days",
                    if *count == 1 { "fix" } else { "fixes" },
                    risk.en,
                    -days
                ),
                format!(
                    "{count} 项整改逾期，最高风险：{}，逾期 {} 天",
                    risk.zh, -days
                ),
            )
        }
        Words::HighBeforeEvaluation { count, days, due } => {
            let (en, zh) = if *days < 0 {
                (
                    format!("overdue by {} days", -days),
                    format!("测评已逾期 {} 天", -days),
                )
            } else {
                (
                    format!("in {days} days, {due}"),
                    format!("距测评 {days} 天，{due}"),
                )
            };
            pick(
                format!(
                    "{count} high-risk {} open, evaluation {en}",
                    if *count == 1 { "gap" } else { "gaps" }
                ),
                format!("{count} 项高风险问题未关闭，{zh}"),
            )
        }
        Words::RectificationStalled { waited, open } => pick(
            format!(
                "no fix moved for {waited} days, {open} high or medium {} open",
                if *open == 1 { "gap" } else { "gaps" }
            ),
            format!("已 {waited} 天无整改进展，中高风险问题未关闭 {open} 项"),
        ),
    }
}

/// `next action (why)` in `lang`.
pub fn reason_sentence(r: &Reason, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}（{}）", reason_action(r, lang), reason_why(r, lang)),
        _ => format!("{} ({})", reason_action(r, lang), reason_why(r, lang)),
    }
}
