//! The predicted evaluation result: an estimate, from a network's findings
//! and its applicable control points, of the conclusion the evaluation
//! report will give, under the scheme of the report's date. Also whether
//! rectification is done, and the progress line of the portfolio views.
//!
//! The rules (docs/rectification.md):
//! - Each applicable control point scores 1 (compliant), ½ (partial) or 0
//!   (non-compliant) by the worst of its findings that still stand; a
//!   finding that is fixed or verified counts as compliant (the evaluation
//!   is expected to find it fixed); a point without findings counts as
//!   compliant (the audit firm found nothing); a point whose findings are
//!   all "not applicable" leaves the count.
//! - The rate is the points scored over the points counted, in per cent.
//! - A major risk (重大风险隐患) is a high-risk gap (partial or
//!   non-compliant) that is neither fixed nor verified.
//! - From 2025-03-20: 符合 above 90 % with no major risk; 基本符合 from 60 %
//!   to 90 % (both ends included) with no major risk; 不符合 below 60 % or
//!   whenever a major risk remains (as any high risk gives 差 in the 2021
//!   template).
//! - Before: 优 ≥ 90 and no medium or high risk open; 良 ≥ 80 and no high
//!   risk; 中 ≥ 70 and no high risk; 差 otherwise.
//!
//! Comparisons are made on whole numbers (half points), so the edges are
//! exact.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::gaps::catalogue::ControlPoint;
use crate::domain::gaps::finding::{ComplianceResult, Finding, FindingStatus, Risk};
use crate::id_enum;

/// The first report date of the 2025 report template.
pub const TEMPLATE_2025_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2025, 3, 20) {
    Some(d) => d,
    None => panic!("a valid date"),
};

id_enum!(
    /// The report template whose conclusions apply, by the report's date.
    Scheme {
        /// GB/T 28448 report template of 2021: 优 / 良 / 中 / 差.
        Template2021 => "template_2021",
        /// The report template in use from 2025-03-20: 符合 / 基本符合 / 不符合.
        Template2025 => "template_2025",
    }
);

impl Scheme {
    /// The scheme of a report dated `report_date`.
    pub fn for_report_date(report_date: NaiveDate) -> Scheme {
        if report_date >= TEMPLATE_2025_FROM {
            Scheme::Template2025
        } else {
            Scheme::Template2021
        }
    }
}

id_enum!(
    /// A conclusion of either scheme.
    Conclusion {
        /// 符合.
        Compliant => "compliant",
        /// 基本符合.
        BasicallyCompliant => "basically_compliant",
        /// 不符合.
        NonCompliant => "non_compliant",
        /// 优.
        Excellent => "excellent",
        /// 良.
        Good => "good",
        /// 中.
        Fair => "fair",
        /// 差.
        Poor => "poor",
    }
);

impl Conclusion {
    /// Whether the conclusion passes: 基本符合 or better, 中 or better.
    pub fn passes(self) -> bool {
        !matches!(self, Conclusion::NonCompliant | Conclusion::Poor)
    }

    /// The scheme the conclusion belongs to.
    pub fn scheme(self) -> Scheme {
        match self {
            Conclusion::Compliant | Conclusion::BasicallyCompliant | Conclusion::NonCompliant => {
                Scheme::Template2025
            }
            _ => Scheme::Template2021,
        }
    }
}

/// The estimate for one network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    /// The scheme of the expected report date.
    pub scheme: Scheme,
    /// Applicable points counted (those not wholly "not applicable").
    pub counted: usize,
    /// Points scored, in half points (a partial point is 1, a compliant 2).
    pub half_points: usize,
    /// High-risk gaps as the audit firm found them, fixed or not: the
    /// 2025 report gives major risks as found, e.g. "10 (5 rectified)".
    pub high_found: usize,
    /// High-risk gaps neither fixed nor verified (major risks).
    pub high_open: usize,
    /// Medium-risk gaps neither fixed nor verified.
    pub medium_open: usize,
    /// Findings under points that do not apply (another level or an
    /// extension the network lacks): left out of the estimate.
    pub ignored: usize,
    /// The conclusion under the 2025 template.
    pub conclusion_2025: Conclusion,
    /// The conclusion under the 2021 template.
    pub conclusion_2021: Conclusion,
}

impl Prediction {
    /// The conclusion under the scheme of the report date.
    pub fn conclusion(&self) -> Conclusion {
        match self.scheme {
            Scheme::Template2025 => self.conclusion_2025,
            Scheme::Template2021 => self.conclusion_2021,
        }
    }

    /// The compliance rate (and the 2021 score), in per cent.
    pub fn rate_percent(&self) -> f64 {
        if self.counted == 0 {
            100.0
        } else {
            self.half_points as f64 * 50.0 / self.counted as f64
        }
    }

    /// Whether a major risk remains.
    pub fn major_risk(&self) -> bool {
        self.high_open > 0
    }

    /// Whether the rate is above `pct` per cent (strictly).
    fn above(&self, pct: usize) -> bool {
        // half_points / (2 counted) > pct / 100; no points counted is 100 %.
        self.counted == 0 || self.half_points * 100 > pct * 2 * self.counted
    }

    /// Whether the rate is at least `pct` per cent.
    fn at_least(&self, pct: usize) -> bool {
        self.counted == 0 || self.half_points * 100 >= pct * 2 * self.counted
    }
}

/// Half points of one result: compliant 2, partial 1, non-compliant 0.
fn half_points(r: ComplianceResult) -> usize {
    match r {
        ComplianceResult::Compliant | ComplianceResult::NotApplicable => 2,
        ComplianceResult::Partial => 1,
        ComplianceResult::NonCompliant => 0,
    }
}

/// The result a finding stands at for the estimate: compliant once fixed
/// or verified, else what the audit firm found.
fn standing(f: &Finding) -> ComplianceResult {
    if f.status.is_closed() && f.result.is_gap() {
        ComplianceResult::Compliant
    } else {
        f.result
    }
}

/// Estimates the evaluation's conclusion for a network with `findings`,
/// whose applicable control points are `points`, for a report dated
/// `report_date` (both schemes are computed; the date picks one).
pub fn predict(
    findings: &[Finding],
    points: &[&ControlPoint],
    report_date: NaiveDate,
) -> Prediction {
    let mut by_point: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut ignored = 0;
    for f in findings {
        if points.iter().any(|p| p.id == f.control_point) {
            by_point
                .entry(f.control_point.as_str())
                .or_default()
                .push(f);
        } else {
            ignored += 1;
        }
    }
    let mut counted = 0;
    let mut half = 0;
    for p in points {
        let fs = by_point
            .get(p.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let results: Vec<ComplianceResult> = fs
            .iter()
            .map(|f| standing(f))
            .filter(|r| *r != ComplianceResult::NotApplicable)
            .collect();
        if !fs.is_empty() && results.is_empty() {
            continue; // wholly not applicable
        }
        counted += 1;
        half += results.into_iter().map(half_points).min().unwrap_or(2);
    }
    let open_of = |risk: Risk| {
        by_point
            .values()
            .flatten()
            .filter(|f| f.risk == risk && f.is_open_gap())
            .count()
    };
    let mut p = Prediction {
        scheme: Scheme::for_report_date(report_date),
        counted,
        half_points: half,
        high_found: by_point
            .values()
            .flatten()
            .filter(|f| f.risk == Risk::High && f.result.is_gap())
            .count(),
        high_open: open_of(Risk::High),
        medium_open: open_of(Risk::Medium),
        ignored,
        conclusion_2025: Conclusion::NonCompliant,
        conclusion_2021: Conclusion::Poor,
    };
    p.conclusion_2025 = if p.major_risk() || !p.at_least(60) {
        Conclusion::NonCompliant
    } else if p.above(90) {
        Conclusion::Compliant
    } else {
        Conclusion::BasicallyCompliant
    };
    p.conclusion_2021 = if p.high_open > 0 || !p.at_least(70) {
        Conclusion::Poor
    } else if p.at_least(90) && p.medium_open == 0 {
        Conclusion::Excellent
    } else if p.at_least(80) {
        Conclusion::Good
    } else {
        Conclusion::Fair
    };
    p
}

/// Whether rectification is done: every high and medium gap (partial or
/// non-compliant) is fixed or verified. Low-risk gaps may stay open.
pub fn rectification_done(findings: &[Finding]) -> bool {
    findings
        .iter()
        .filter(|f| matches!(f.risk, Risk::High | Risk::Medium))
        .all(|f| !f.is_open_gap())
}

/// Counts of a network's (or a portfolio's) gaps for a progress line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Gaps (partial or non-compliant findings) by risk (high, medium,
    /// low) and status (open, in progress, fixed, verified).
    pub counts: [[usize; 4]; 3],
    /// Gaps neither fixed nor verified whose due date is before today.
    pub overdue: usize,
}

fn risk_index(r: Risk) -> usize {
    match r {
        Risk::High => 0,
        Risk::Medium => 1,
        Risk::Low => 2,
    }
}

fn status_index(s: FindingStatus) -> usize {
    match s {
        FindingStatus::Open => 0,
        FindingStatus::InProgress => 1,
        FindingStatus::Fixed => 2,
        FindingStatus::Verified => 3,
    }
}

impl Progress {
    /// The gaps of `risk` in `status`.
    pub fn count(&self, risk: Risk, status: FindingStatus) -> usize {
        self.counts[risk_index(risk)][status_index(status)]
    }

    /// Every gap.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// Gaps of any risk in `status`.
    pub fn in_status(&self, status: FindingStatus) -> usize {
        self.counts.iter().map(|r| r[status_index(status)]).sum()
    }

    /// Gaps fixed or verified.
    pub fn closed(&self) -> usize {
        self.in_status(FindingStatus::Fixed) + self.in_status(FindingStatus::Verified)
    }

    /// Gaps of `risk` neither fixed nor verified.
    pub fn open_of(&self, risk: Risk) -> usize {
        self.count(risk, FindingStatus::Open) + self.count(risk, FindingStatus::InProgress)
    }

    /// Adds another network's counts (for a client or the portfolio).
    pub fn add(&mut self, other: &Progress) {
        for (r, row) in self.counts.iter_mut().enumerate() {
            for (s, n) in row.iter_mut().enumerate() {
                *n += other.counts[r][s];
            }
        }
        self.overdue += other.overdue;
    }
}

/// The progress of `findings` on `today`. Findings found compliant or not
/// applicable are no gaps and are not counted.
pub fn progress(findings: &[Finding], today: NaiveDate) -> Progress {
    let mut p = Progress::default();
    for f in findings.iter().filter(|f| f.result.is_gap()) {
        p.counts[risk_index(f.risk)][status_index(f.status)] += 1;
        if f.is_overdue(today) {
            p.overdue += 1;
        }
    }
    p
}
