//! The words of rectification in Chinese and English: results, risks,
//! statuses, extension sets, conclusions, and the progress line.

use crate::domain::gaps::catalogue::{CategoryKind, ControlPoint, Extension};
use crate::domain::gaps::finding::{ComplianceResult, FindingStatus, Risk};
use crate::domain::gaps::predict::{Conclusion, Prediction, Progress, Scheme};
use crate::domain::labels::{Label, Lang};

pub fn result(r: ComplianceResult) -> Label {
    match r {
        ComplianceResult::Compliant => Label::new("compliant", "符合"),
        ComplianceResult::Partial => Label::new("partial", "部分符合"),
        ComplianceResult::NonCompliant => Label::new("non-compliant", "不符合"),
        ComplianceResult::NotApplicable => Label::new("not applicable", "不适用"),
    }
}

pub fn risk(r: Risk) -> Label {
    match r {
        Risk::High => Label::new("high", "高"),
        Risk::Medium => Label::new("medium", "中"),
        Risk::Low => Label::new("low", "低"),
    }
}

pub fn status(s: FindingStatus) -> Label {
    match s {
        FindingStatus::Open => Label::new("open", "待整改"),
        FindingStatus::InProgress => Label::new("in progress", "整改中"),
        FindingStatus::Fixed => Label::new("fixed", "已整改"),
        FindingStatus::Verified => Label::new("verified", "已验证"),
    }
}

pub fn extension(e: Extension) -> Label {
    match e {
        Extension::Cloud => Label::new("cloud", "云计算"),
        Extension::Mobile => Label::new("mobile", "移动互联"),
        Extension::Iot => Label::new("IoT", "物联网"),
        Extension::IndustrialControl => Label::new("industrial control", "工业控制"),
    }
}

pub fn category_kind(k: CategoryKind) -> Label {
    match k {
        CategoryKind::Technical => Label::new("technical", "技术要求"),
        CategoryKind::Management => Label::new("management", "管理要求"),
    }
}

pub fn conclusion(c: Conclusion) -> Label {
    match c {
        Conclusion::Compliant => Label::new("compliant", "符合"),
        Conclusion::BasicallyCompliant => Label::new("basically compliant", "基本符合"),
        Conclusion::NonCompliant => Label::new("non-compliant", "不符合"),
        Conclusion::Excellent => Label::new("excellent", "优"),
        Conclusion::Good => Label::new("good", "良"),
        Conclusion::Fair => Label::new("fair", "中"),
        Conclusion::Poor => Label::new("poor", "差"),
    }
}

pub fn scheme(s: Scheme) -> Label {
    match s {
        Scheme::Template2021 => Label::new("2021 report template", "2021版报告模板"),
        Scheme::Template2025 => Label::new("2025 report template", "2025版报告模板"),
    }
}

/// The word that marks the prediction as an estimate.
pub const PREDICTED: Label = Label::new("predicted", "预测");
/// A major risk (重大风险隐患).
pub const MAJOR_RISK: Label = Label::new("major risk", "重大风险隐患");

/// The prediction in a few words: `predicted 基本符合 (84.5%)` /
/// `预测 基本符合（84.5%）`.
pub fn prediction(p: &Prediction, lang: Lang) -> String {
    let rate = format!("{:.1}%", p.rate_percent());
    let word = conclusion(p.conclusion()).get(lang);
    match lang {
        Lang::Zh => format!("{} {word}（{rate}）", PREDICTED.zh),
        _ => format!("{} {word} ({rate})", PREDICTED.get(lang)),
    }
}

/// The progress line of the portfolio views:
/// `12/40 fixed, 2 high open, 3 overdue` / `已整改 12/40，高风险未关闭 2，逾期 3`.
/// The high and overdue parts are left out when zero.
pub fn progress_line(p: &Progress, lang: Lang) -> String {
    let high = p.open_of(Risk::High);
    let en = {
        let mut parts = vec![format!("{}/{} fixed", p.closed(), p.total())];
        if high > 0 {
            parts.push(format!("{high} high open"));
        }
        if p.overdue > 0 {
            parts.push(format!("{} overdue", p.overdue));
        }
        parts.join(", ")
    };
    let zh = {
        let mut parts = vec![format!("已整改 {}/{}", p.closed(), p.total())];
        if high > 0 {
            parts.push(format!("高风险未关闭 {high}"));
        }
        if p.overdue > 0 {
            parts.push(format!("逾期 {}", p.overdue));
        }
        parts.join("，")
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both => format!("{en} {zh}"),
    }
}

/// A lookup's near misses as a hint: `did you mean: 身份鉴别
/// (computing.identity_auth), ...?` / `是否指：身份鉴别（computing.identity_auth）、...？`;
/// empty when there are none.
pub fn did_you_mean(points: &[&'static ControlPoint], lang: Lang) -> String {
    if points.is_empty() {
        return String::new();
    }
    let en = || {
        let names: Vec<String> = points
            .iter()
            .map(|p| format!("{} ({})", p.label().get(Lang::Both), p.id))
            .collect();
        format!("did you mean: {}?", names.join(", "))
    };
    let zh = || {
        let names: Vec<String> = points
            .iter()
            .map(|p| format!("{}（{}）", p.zh, p.id))
            .collect();
        format!("是否指：{}？", names.join("、"))
    };
    match lang {
        Lang::En | Lang::Both => en(),
        Lang::Zh => zh(),
    }
}

/// The major risks as the 2025 report counts them: `2 (1 rectified)` /
/// `2（已整改 1）`.
pub fn major_risks(p: &Prediction, lang: Lang) -> String {
    let fixed = p.high_found - p.high_open.min(p.high_found);
    match lang {
        Lang::Zh => format!("{}（已整改 {fixed}）", p.high_found),
        Lang::En => format!("{} ({fixed} rectified)", p.high_found),
        Lang::Both => format!("{} ({fixed} rectified 已整改)", p.high_found),
    }
}
