//! The marks the case manager draws, and the legend that explains them
//! (the help overlay shows it first), generated from the catalogue.

use super::{Label, Lang, floor, level_name, level_number, rule, warning, warning_meaning};
use crate::domain::grading::{FloorId, RuleId, WarningId};
use crate::domain::model::Level;

/// An answer not given yet.
/// (drawn after `? `).
pub const OPEN: Label = Label::new("open", "未答");
/// An open answer that could raise the level.
pub const COULD_RAISE: Label = Label::new("could raise", "可能提级");
/// The filed level differs from the computed one.
pub const REGRADING_NEEDED: Label = Label::new("re-grading needed", "需重新定级");
/// The level filed with the bureau.
pub const FILED: Label = Label::new("filed", "已备案");
/// Not filed yet.
pub const NOT_FILED: Label = Label::new("not filed", "未备案");
/// The level could still rise.
pub const PROVISIONAL: Label = Label::new("provisional", "待定");
/// Nothing set (an override not set).
pub const NONE: Label = Label::new("none", "无");

/// `W-OPEN open answers` / `W-OPEN 问题未答`: a warning as the header
/// shows it, its code and its words.
pub fn warning_mark(w: WarningId, lang: Lang) -> String {
    format!("{} {}", w.as_str(), warning(w).get(lang))
}

/// A heading of the legend and its rows: the mark as the screen shows it,
/// and what it means, in `lang`.
pub struct LegendSection {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

/// The legend, in `lang`: every mark on screen, each warning code, rule
/// id, floor and level, from the catalogue.
pub fn legend(lang: Lang) -> Vec<LegendSection> {
    let l = |label: Label| label.get(lang).into_owned();
    let marks = vec![
        (
            "3!".to_string(),
            l(Label::new(
                "filed level differs from the computed level (3): re-grade and re-file",
                "已备案等级与计算等级（3）不同：需重新定级并备案",
            )),
        ),
        (
            "1–4?".to_string(),
            l(Label::new(
                "provisional: level 1 now, up to 4 until the open answers are given",
                "等级待定：当前第一级，问题回答前最高可能第四级",
            )),
        ),
        (
            format!("? {}", l(OPEN)),
            l(Label::new("not answered yet", "尚未回答的问题")),
        ),
        (
            l(COULD_RAISE),
            l(Label::new(
                "its answer could raise the level",
                "该问题的答案可能提高等级",
            )),
        ),
        (
            l(REGRADING_NEEDED),
            l(Label::new(
                "the filed level is not the computed one",
                "备案等级与计算等级不一致",
            )),
        ),
        (
            "▸".to_string(),
            l(Label::new("the pane with focus", "当前窗格")),
        ),
    ];
    let warnings = WarningId::ALL
        .iter()
        .map(|w| (warning_mark(*w, lang), l(warning_meaning(*w))))
        .collect();
    let rules = RuleId::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), l(rule(*r))))
        .collect();
    let floors = FloorId::ALL
        .iter()
        .map(|f| (f.as_str().to_string(), l(floor(*f))))
        .collect();
    let levels = (1..=5)
        .filter_map(Level::new)
        .map(|v| {
            (
                v.get().to_string(),
                format!("{} {}", l(level_number(v)), l(level_name(v))),
            )
        })
        .collect();
    vec![
        LegendSection {
            title: l(Label::new("Marks", "标记")),
            rows: marks,
        },
        LegendSection {
            title: l(Label::new("Warnings", "提示")),
            rows: warnings,
        },
        LegendSection {
            title: l(Label::new(
                "Rules (S business information, A system service)",
                "规则（S 业务信息安全，A 系统服务安全）",
            )),
            rows: rules,
        },
        LegendSection {
            title: l(Label::new("Floors", "等级下限")),
            rows: floors,
        },
        LegendSection {
            title: l(Label::new("Levels", "等级")),
            rows: levels,
        },
    ]
}

/// The panes' titles.
pub const CLIENTS: Label = Label::new("Clients", "客户");
pub const CONTACTS: Label = Label::new("Contacts", "联系人");
pub const NETWORKS: Label = Label::new("Networks", "定级对象");
pub const ANSWERS: Label = Label::new("Answers", "问卷答复");
pub const TIMELINE: Label = Label::new("Timeline", "时间线");
