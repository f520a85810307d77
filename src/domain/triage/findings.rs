//! Triage over a network's findings (docs/rectification.md): fixes past
//! their due date, high-risk gaps still open close to the evaluation, a
//! rectification that has stopped moving, and the progress line. Pure:
//! the findings and today are arguments; the store serves the findings.
//!
//! Each rule gives a [`Reason`] of an existing tier, so that the ranking
//! of [`super::reasons`] works on them unchanged:
//! - **overdue fixes** (tier `overdue`): a finding's due date is an
//!   obligation like the case's own; one reason for all the network's
//!   overdue fixes, ranked by the most overdue fix of the worst risk;
//! - **high risk before the evaluation** (tier `due`): a high-risk gap
//!   open while the evaluation (the open renewal, or the first case's
//!   expected end) is [`HIGH_BEFORE_EVALUATION_DAYS`] away or less,
//!   ranked by the days left;
//! - **rectification stalled** (tier `stalled`): high or medium gaps open
//!   and no finding's status changed for longer than `[stall_days]
//!   findings`, ranked by the days waited.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Context, Place, Reason, Tier, Words};
use crate::domain::gaps::{Finding, Progress, Risk, labels as gap_labels, progress};
use crate::domain::labels::Lang;
use crate::domain::model::{Level, Stage};
use crate::domain::timeline::{DueKind, Timeline};

/// How many days before the evaluation an open high-risk gap becomes a
/// reason: any high risk left open fails the evaluation (差 under the
/// 2021 template, a major risk under the 2025 one), and a fix plus its
/// check takes weeks.
pub const HIGH_BEFORE_EVALUATION_DAYS: i64 = 60;

/// Where finding reasons point until the gap view exists: the gap
/// analysis milestone.
const PLACE: Place = Place::Milestone {
    stage: Stage::GapAnalysis,
};

/// The reasons `findings` give on `cx.today`, unsorted; empty without
/// findings. `timeline` dates the evaluation.
pub fn reasons(findings: &[Finding], timeline: &Timeline, cx: Context<'_>) -> Vec<Reason> {
    let mut out = Vec::new();
    if findings.is_empty() {
        return out;
    }
    out.extend(overdue(findings, cx.today));
    out.extend(high_before_evaluation(findings, timeline, cx.today));
    out.extend(stalled(findings, cx));
    out
}

/// Fixes past their due date: how many, the worst risk among them, the
/// most overdue of that risk, and the owner to chase.
pub fn overdue(findings: &[Finding], today: NaiveDate) -> Option<Reason> {
    let late: Vec<&Finding> = findings.iter().filter(|f| f.is_overdue(today)).collect();
    let worst = late.iter().map(|f| f.risk).min()?;
    // The most overdue fix of the worst risk: its days and its owner.
    let first = late
        .iter()
        .filter(|f| f.risk == worst)
        .min_by_key(|f| (f.due, f.id))?;
    let due = first.due?;
    let days = (due - today).num_days();
    let owner = first.owner.clone();
    let count = late.len();
    let who = if owner.is_empty() {
        "the client".to_string()
    } else {
        owner.clone()
    };
    Some(Reason {
        tier: Tier::Overdue,
        action: format!("chase {who} on the overdue fixes"),
        why: format!(
            "{count} {} overdue, worst {} risk, by {} days",
            if count == 1 { "fix" } else { "fixes" },
            gap_labels::risk(worst).en,
            -days
        ),
        days: Some(days),
        place: PLACE,
        rank: days,
        words: Some(Words::FindingsOverdue {
            count,
            worst,
            days,
            owner,
        }),
    })
}

/// The evaluation's date: the open renewal evaluation, else (a first
/// case of level 2+) the case's expected end, which the evaluation
/// closes.
pub fn evaluation_date(timeline: &Timeline) -> Option<NaiveDate> {
    if timeline.level < Level::L2 {
        return None;
    }
    timeline
        .open()
        .filter(|d| d.kind == DueKind::Evaluation)
        .map(|d| d.due)
        .min()
        .or_else(|| {
            timeline
                .open()
                .filter(|d| d.kind == DueKind::CaseDone)
                .map(|d| d.due)
                .min()
        })
}

/// High-risk gaps still open when the evaluation is
/// [`HIGH_BEFORE_EVALUATION_DAYS`] away or less (or past).
pub fn high_before_evaluation(
    findings: &[Finding],
    timeline: &Timeline,
    today: NaiveDate,
) -> Option<Reason> {
    let count = findings
        .iter()
        .filter(|f| f.risk == Risk::High && f.is_open_gap())
        .count();
    if count == 0 {
        return None;
    }
    let due = evaluation_date(timeline)?;
    let days = (due - today).num_days();
    if days > HIGH_BEFORE_EVALUATION_DAYS {
        return None;
    }
    Some(Reason {
        tier: Tier::Due,
        action: "fix the high-risk gaps before the evaluation".to_string(),
        why: format!(
            "{count} high-risk {} open, evaluation {}",
            if count == 1 { "gap" } else { "gaps" },
            if days < 0 {
                format!("overdue by {} days", -days)
            } else {
                format!("in {days} days, {due}")
            }
        ),
        days: Some(days),
        place: PLACE,
        rank: days,
        words: Some(Words::HighBeforeEvaluation { count, days, due }),
    })
}

/// The last day any finding changed (its last status change, or the day
/// it was found).
pub fn last_change(findings: &[Finding]) -> Option<NaiveDate> {
    findings
        .iter()
        .filter_map(|f| f.history.last().map(|c| c.date))
        .max()
}

/// High or medium gaps open and no status change for longer than the
/// `findings` stall days.
pub fn stalled(findings: &[Finding], cx: Context<'_>) -> Option<Reason> {
    let limit = cx.stall_days.findings;
    if limit == 0 {
        return None;
    }
    let open = findings
        .iter()
        .filter(|f| f.risk != Risk::Low && f.is_open_gap())
        .count();
    if open == 0 {
        return None;
    }
    let since = last_change(findings)?;
    let waited = (cx.today - since).num_days();
    if waited <= i64::from(limit) {
        return None;
    }
    Some(Reason {
        tier: Tier::Stalled,
        action: super::stage_action(Stage::RectificationDone).to_string(),
        why: format!(
            "no fix moved for {waited} days, {open} high or medium {} open",
            if open == 1 { "gap" } else { "gaps" }
        ),
        days: Some(waited),
        place: PLACE,
        rank: -waited,
        words: Some(Words::RectificationStalled { waited, open }),
    })
}

/// A network's rectification progress as `mlps triage --json` can carry
/// it: the counts of the progress line and the line itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rectification {
    /// Gaps fixed or verified.
    pub fixed: usize,
    /// Every gap (partial or non-compliant findings).
    pub total: usize,
    pub high_open: usize,
    pub overdue: usize,
    /// Every high and medium gap fixed or verified.
    pub done: bool,
    /// `12/40 fixed, 2 high open, 3 overdue`.
    pub line: String,
}

/// The progress of `findings` on `today`; `None` when they hold no gap.
pub fn rectification(findings: &[Finding], today: NaiveDate) -> Option<Rectification> {
    let p: Progress = progress(findings, today);
    (p.total() > 0).then(|| Rectification {
        fixed: p.closed(),
        total: p.total(),
        high_open: p.open_of(Risk::High),
        overdue: p.overdue,
        done: crate::domain::gaps::rectification_done(findings),
        line: gap_labels::progress_line(&p, Lang::En),
    })
}

/// The progress line in `lang`; `None` when `findings` hold no gap.
pub fn progress_line(findings: &[Finding], today: NaiveDate, lang: Lang) -> Option<String> {
    let p = progress(findings, today);
    (p.total() > 0).then(|| gap_labels::progress_line(&p, lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::gaps::{ComplianceResult, FindingId, FindingStatus};
    use crate::domain::grading::{RuleSet, grade};
    use crate::domain::model::{Client, ClientId, Contact, Milestone, Network, NetworkId};
    use crate::domain::timeline::{Intervals, timeline};
    use crate::domain::triage::StallDays;

    fn d(s: &str) -> NaiveDate {
        crate::domain::calendar::parse_date(s).unwrap()
    }

    fn finding(id: u64, risk: Risk, found: &str, due: Option<&str>) -> Finding {
        let mut f = Finding::new(
            FindingId(id),
            "computing.identity_auth",
            "weak passwords",
            ComplianceResult::NonCompliant,
            risk,
            d(found),
        );
        f.due = due.map(d);
        f.owner = "IT Manager".into();
        f
    }

    fn client() -> Client {
        Client {
            id: ClientId(1),
            name: "Acme".into(),
            credit_code: "91310000MA1FL0XX3A".into(),
            address: "1 Road".into(),
            contacts: vec![Contact {
                name: "Li".into(),
                ..Contact::default()
            }],
            ..Client::default()
        }
    }

    /// A level 3 network (two million people's data) with these
    /// milestones.
    fn network(stages: &[(Stage, &str)]) -> Network {
        Network {
            id: NetworkId(2),
            client: ClientId(1),
            revision: 1,
            name: "CRM".into(),
            notes: String::new(),
            answers: crate::domain::questionnaire::Answers {
                pi_subjects: Some(2_000_000),
                cii: Some(false),
                ..Default::default()
            },
            overrides: Default::default(),
            filed_level: None,
            milestones: stages
                .iter()
                .map(|(s, date)| Milestone::new(*s, d(date)))
                .collect(),
        }
    }

    fn all_reasons(
        n: &Network,
        findings: &[Finding],
        today: &str,
        due_soon_days: u32,
    ) -> Vec<Reason> {
        let g = grade(&n.answers, &n.overrides, RuleSet::default());
        let t = timeline(n, g.level, &Intervals::default(), &Default::default());
        let stall = StallDays::default();
        super::super::reasons_with_findings(
            &client(),
            n,
            &g,
            &t,
            findings,
            Context {
                today: d(today),
                due_soon_days,
                stall_days: &stall,
            },
        )
    }

    fn cx<'a>(today: &str, stall: &'a StallDays) -> Context<'a> {
        Context {
            today: d(today),
            due_soon_days: 30,
            stall_days: stall,
        }
    }

    #[test]
    fn overdue_fixes_are_one_reason_with_the_count_the_worst_risk_and_the_owner() {
        let mut low = finding(1, Risk::Low, "2026-09-01", Some("2026-10-01"));
        low.owner = "运维组".into();
        let high = finding(2, Risk::High, "2026-09-01", Some("2026-11-18"));
        let mut fixed = finding(3, Risk::High, "2026-09-01", Some("2026-10-01"));
        fixed
            .set_status(FindingStatus::Fixed, d("2026-10-20"))
            .unwrap();
        let not_yet = finding(4, Risk::Medium, "2026-09-01", Some("2026-11-28"));
        let r = overdue(&[low, high, fixed, not_yet], d("2026-11-28")).unwrap();
        assert_eq!(r.tier, Tier::Overdue);
        assert_eq!(r.why, "2 fixes overdue, worst high risk, by 10 days");
        assert_eq!(r.action, "chase IT Manager on the overdue fixes");
        assert_eq!(r.days, Some(-10));
        assert_eq!(r.rank, -10);
        let Some(Words::FindingsOverdue {
            count, worst, days, ..
        }) = r.words
        else {
            panic!("{r:?}");
        };
        assert_eq!((count, worst, days), (2, Risk::High, -10));
    }

    #[test]
    fn a_fix_due_today_or_without_a_date_is_not_overdue() {
        let today = finding(1, Risk::High, "2026-09-01", Some("2026-11-28"));
        let undated = finding(2, Risk::High, "2026-09-01", None);
        assert_eq!(overdue(&[today, undated], d("2026-11-28")), None);
        let mut compliant = finding(3, Risk::High, "2026-09-01", Some("2026-10-01"));
        compliant.result = ComplianceResult::Compliant;
        assert_eq!(overdue(&[compliant], d("2026-11-28")), None);
    }

    #[test]
    fn an_owner_left_empty_chases_the_client() {
        let mut f = finding(1, Risk::Low, "2026-09-01", Some("2026-11-27"));
        f.owner.clear();
        let r = overdue(&[f], d("2026-11-28")).unwrap();
        assert_eq!(r.action, "chase the client on the overdue fixes");
        assert_eq!(r.why, "1 fix overdue, worst low risk, by 1 days");
    }

    #[test]
    fn high_risk_open_counts_within_sixty_days_of_the_evaluation() {
        // Questionnaire received 2026-06-01: the case (and its first
        // evaluation) is expected done six months later, 2026-12-01.
        let n = network(&[
            (Stage::QuestionnaireReceived, "2026-06-01"),
            (Stage::GapAnalysis, "2026-09-01"),
        ]);
        let g = grade(&n.answers, &n.overrides, RuleSet::default());
        let t = timeline(&n, g.level, &Intervals::default(), &Default::default());
        let due = evaluation_date(&t).unwrap();
        let high = finding(1, Risk::High, "2026-09-01", None);
        let medium = finding(2, Risk::Medium, "2026-09-01", None);
        let on = |days: i64| due - chrono::Duration::days(days);
        // 61 days before: not yet; 60: yes.
        assert_eq!(
            high_before_evaluation(std::slice::from_ref(&high), &t, on(61)),
            None,
            "{due}"
        );
        let r = high_before_evaluation(&[high.clone(), medium.clone()], &t, on(60)).unwrap();
        assert_eq!(r.tier, Tier::Due);
        assert_eq!(r.rank, 60);
        assert_eq!(
            r.why,
            format!("1 high-risk gap open, evaluation in 60 days, {due}")
        );
        // Past the date it still holds, and says so.
        let r = high_before_evaluation(std::slice::from_ref(&high), &t, on(-5)).unwrap();
        assert_eq!(r.why, "1 high-risk gap open, evaluation overdue by 5 days");
        // Medium gaps alone, or the high one fixed: nothing.
        assert_eq!(high_before_evaluation(&[medium], &t, on(10)), None);
        let mut fixed = high;
        fixed
            .set_status(FindingStatus::Verified, d("2026-10-01"))
            .unwrap();
        assert_eq!(high_before_evaluation(&[fixed], &t, on(10)), None);
    }

    #[test]
    fn a_renewal_evaluation_dates_the_evaluation() {
        let n = network(&[
            (Stage::QuestionnaireReceived, "2024-01-10"),
            (Stage::EvaluationPassed, "2025-01-10"),
        ]);
        let g = grade(&n.answers, &n.overrides, RuleSet::default());
        let t = timeline(&n, g.level, &Intervals::default(), &Default::default());
        // Level 3 is evaluated yearly.
        assert_eq!(evaluation_date(&t), Some(d("2026-01-10")));
    }

    #[test]
    fn rectification_stalls_after_the_stall_days_without_a_change() {
        let stall = StallDays::default();
        assert_eq!(stall.findings, 30);
        let mut a = finding(1, Risk::Medium, "2026-09-01", None);
        a.set_status(FindingStatus::InProgress, d("2026-10-01"))
            .unwrap();
        let b = finding(2, Risk::Low, "2026-09-01", None);
        let both = [a.clone(), b.clone()];
        // 30 days after the last change: not yet; 31: stalled.
        assert_eq!(stalled(&both, cx("2026-10-31", &stall)), None);
        let r = stalled(&both, cx("2026-11-01", &stall)).unwrap();
        assert_eq!(r.tier, Tier::Stalled);
        assert_eq!(r.days, Some(31));
        assert_eq!(r.rank, -31);
        assert_eq!(r.action, "chase the rectification");
        assert_eq!(r.why, "no fix moved for 31 days, 1 high or medium gap open");
        // Only low gaps left open: rectification is done, nothing stalls.
        assert_eq!(stalled(&[b], cx("2027-01-01", &stall)), None);
        // 0 never stalls.
        let never = StallDays {
            findings: 0,
            ..StallDays::default()
        };
        assert_eq!(stalled(&both, cx("2027-01-01", &never)), None);
    }

    #[test]
    fn the_progress_line_and_its_counts() {
        let mut fixed = finding(1, Risk::Medium, "2026-09-01", None);
        fixed
            .set_status(FindingStatus::Fixed, d("2026-10-01"))
            .unwrap();
        let high = finding(2, Risk::High, "2026-09-01", Some("2026-10-01"));
        let low = finding(3, Risk::Low, "2026-09-01", None);
        let all = [fixed, high, low];
        let r = rectification(&all, d("2026-11-28")).unwrap();
        assert_eq!(r.line, "1/3 fixed, 1 high open, 1 overdue");
        assert_eq!((r.fixed, r.total, r.high_open, r.overdue), (1, 3, 1, 1));
        assert!(!r.done);
        assert_eq!(
            progress_line(&all, d("2026-11-28"), Lang::Zh).unwrap(),
            "已整改 1/3，高风险未关闭 1，逾期 1"
        );
        assert_eq!(rectification(&[], d("2026-11-28")), None);
        assert_eq!(progress_line(&[], d("2026-11-28"), Lang::En), None);
    }

    #[test]
    fn an_overdue_high_fix_ranks_above_a_renewal_due_in_sixty_days() {
        // Evaluated 2026-01-27: the yearly level 3 renewal falls due on
        // 2027-01-27, 60 days after today; the due-soon window is widened
        // to 90 days so that the renewal is a reason at all.
        let n = network(&[
            (Stage::QuestionnaireReceived, "2025-09-01"),
            (Stage::EvaluationPassed, "2026-01-27"),
            (Stage::GapAnalysis, "2026-09-15"),
        ]);
        let high = finding(1, Risk::High, "2026-09-15", Some("2026-11-20"));
        let r = all_reasons(&n, &[high], "2026-11-28", 90);
        let renewal = r
            .iter()
            .position(|x| {
                matches!(
                    x.place,
                    Place::Deadline {
                        kind: DueKind::Evaluation,
                        ..
                    }
                )
            })
            .unwrap_or_else(|| panic!("{r:?}"));
        assert_eq!(r[renewal].days, Some(60));
        let fixes = r
            .iter()
            .position(|x| matches!(x.words, Some(Words::FindingsOverdue { .. })))
            .unwrap();
        assert_eq!(fixes, 0, "{r:?}");
        // On a tie, the case's own obligation comes first: a fix overdue
        // by as many days as the evaluation renewal.
        let tie = network(&[
            (Stage::QuestionnaireReceived, "2025-09-01"),
            (Stage::EvaluationPassed, "2025-11-18"),
            (Stage::GapAnalysis, "2026-09-15"),
        ]);
        let late = finding(1, Risk::High, "2026-09-15", Some("2026-11-18"));
        let r = all_reasons(&tie, &[late], "2026-11-28", 30);
        assert_eq!((r[0].tier, r[0].rank), (Tier::Overdue, -10), "{r:?}");
        assert!(matches!(r[0].place, Place::Deadline { .. }), "{r:?}");
        assert!(matches!(r[1].words, Some(Words::FindingsOverdue { .. })));
        assert!(fixes < renewal);
        // The high gap with the evaluation 60 days away is a reason too.
        assert!(
            r.iter()
                .any(|x| matches!(x.words, Some(Words::HighBeforeEvaluation { .. }))),
            "{r:?}"
        );
    }

    #[test]
    fn without_findings_the_reasons_are_the_case_reasons() {
        let n = network(&[
            (Stage::QuestionnaireReceived, "2026-01-01"),
            (Stage::GapAnalysis, "2026-05-01"),
        ]);
        let g = grade(&n.answers, &n.overrides, RuleSet::default());
        let t = timeline(&n, g.level, &Intervals::default(), &Default::default());
        let stall = StallDays::default();
        let cx = cx("2026-11-28", &stall);
        let plain = super::super::reasons(&client(), &n, &g, &t, cx);
        assert_eq!(
            super::super::reasons_with_findings(&client(), &n, &g, &t, &[], cx),
            plain
        );
        // The stage stall is there without findings ...
        assert!(
            plain.iter().any(|x| x.place
                == Place::Milestone {
                    stage: Stage::GapAnalysis
                }
                && x.tier == Tier::Stalled),
            "{plain:?}"
        );
        // ... and the findings' own stall replaces it once they are known.
        let mut moving = finding(1, Risk::Medium, "2026-05-01", None);
        moving
            .set_status(FindingStatus::InProgress, d("2026-11-20"))
            .unwrap();
        let with = super::super::reasons_with_findings(&client(), &n, &g, &t, &[moving], cx);
        assert!(with.iter().all(|x| x.tier != Tier::Stalled), "{with:?}");
    }

    #[test]
    fn finding_reasons_are_said_in_both_languages() {
        use crate::domain::labels::reason_sentence;
        let f = finding(1, Risk::High, "2026-09-01", Some("2026-11-18"));
        let r = overdue(&[f], d("2026-11-28")).unwrap();
        assert_eq!(
            reason_sentence(&r, Lang::En),
            "chase IT Manager on the overdue fixes (1 fix overdue, worst high risk, by 10 days)"
        );
        assert_eq!(
            reason_sentence(&r, Lang::Zh),
            "催促IT Manager完成逾期整改（1 项整改逾期，最高风险：高，逾期 10 天）"
        );
        let stall = StallDays::default();
        let f = finding(2, Risk::Medium, "2026-09-01", None);
        let r = stalled(&[f], cx("2026-11-28", &stall)).unwrap();
        assert_eq!(
            reason_sentence(&r, Lang::Zh),
            "督促整改（已 88 天无整改进展，中高风险问题未关闭 1 项）"
        );
        // The JSON keeps the shape of every reason.
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["tier"], "stalled");
        assert_eq!(json["place"]["at"], "milestone");
        assert_eq!(json["place"]["stage"], "gap_analysis");
        assert_eq!(json["days"], 88);
    }
}
