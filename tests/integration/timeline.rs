//! Table-driven tests of the timeline engine, the calendar and evaluation
//! conclusions against the domain spec (`mlps-domain.md` sections 7 and 8)
//! and the `renewals` / `due` shape of `interfaces.md`. Public API only.

use chrono::NaiveDate;

use mlps::config::parse_holidays;
use mlps::domain::calendar::{WorkCalendar, add_days, add_months};
use mlps::domain::grading::{self, RuleSet};
use mlps::domain::model::{
    ClientId, Conclusion, Level, Milestone, Network, NetworkId, Overrides, Stage,
};
use mlps::domain::questionnaire::Answers;
use mlps::domain::timeline::{
    Deadline, DueKind, DueStatus, Intervals, Timeline, status_for, timeline,
};

use crate::support::{d, lv};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Milestones as (stage, date) pairs.
type Steps = &'static [(Stage, &'static str)];

fn ms(list: &[(Stage, &str)]) -> Vec<Milestone> {
    list.iter()
        .map(|(s, date)| Milestone::new(*s, d(date)))
        .collect()
}

fn network(filed: Option<u8>, milestones: Vec<Milestone>) -> Network {
    let mut n = Network {
        id: NetworkId(1),
        client: ClientId(1),
        revision: 0,
        name: "Online shop".into(),
        notes: String::new(),
        answers: Answers::default(),
        overrides: Overrides::default(),
        filed_level: filed.map(lv),
        milestones,
    };
    n.validate().unwrap();
    n
}

/// The timeline of a network at `computed` level, default settings.
fn tl(computed: u8, milestones: &[(Stage, &str)]) -> Timeline {
    tl_with(
        computed,
        milestones,
        &Intervals::default(),
        &WorkCalendar::default(),
    )
}

fn tl_with(
    computed: u8,
    milestones: &[(Stage, &str)],
    intervals: &Intervals,
    cal: &WorkCalendar,
) -> Timeline {
    timeline(&network(None, ms(milestones)), lv(computed), intervals, cal)
}

fn of_kind(t: &Timeline, kind: DueKind) -> Vec<&Deadline> {
    t.deadlines.iter().filter(|x| x.kind == kind).collect()
}

/// The single deadline of `kind`; fails when there is none or several.
fn one(t: &Timeline, kind: DueKind) -> &Deadline {
    let all = of_kind(t, kind);
    assert_eq!(all.len(), 1, "expected one {kind} deadline, got {all:#?}");
    all[0]
}

fn kinds(t: &Timeline) -> Vec<DueKind> {
    t.deadlines.iter().map(|x| x.kind).collect()
}

fn open_kinds(t: &Timeline) -> Vec<DueKind> {
    t.open().map(|x| x.kind).collect()
}

/// A calendar from a `holidays.toml` text.
fn cal(text: &str) -> WorkCalendar {
    parse_holidays("holidays.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

use Stage::{
    CertificateIssued, EvaluationFailed, EvaluationPassed, ExpertReview, FilingSubmitted,
    QuestionnaireReceived, SelfAssessment,
};

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

#[test]
fn months_are_added_on_the_calendar_and_clamped_to_the_month_end() {
    let cases = [
        // The spec's two examples.
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-08-31", 6, "2027-02-28"),
        // Leap years.
        ("2024-02-29", 48, "2028-02-29"),
        ("2024-02-29", 24, "2026-02-28"),
        ("2027-08-31", 6, "2028-02-29"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("1999-12-31", 2, "2000-02-29"),
        ("2099-12-31", 2, "2100-02-28"),
        // Other month ends.
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-05-31", 1, "2026-06-30"),
        ("2026-08-31", 1, "2026-09-30"),
        ("2026-10-31", 1, "2026-11-30"),
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-01-30", 1, "2026-02-28"),
        ("2026-04-30", 1, "2026-05-30"),
        ("2026-07-31", 24, "2028-07-31"),
        ("2026-01-31", 36, "2029-01-31"),
        // Not a month end: the day is kept.
        ("2026-12-15", 2, "2027-02-15"),
        ("2025-12-01", 24, "2027-12-01"),
        ("2026-02-28", 12, "2027-02-28"),
        ("2026-01-15", 0, "2026-01-15"),
    ];
    for (from, months, expected) in cases {
        assert_eq!(
            add_months(d(from), months),
            d(expected),
            "{from} + {months} months"
        );
    }
}

#[test]
fn calendar_days_are_added_plainly() {
    let cases = [
        ("2026-03-02", 30, "2026-04-01"),
        ("2026-02-27", 2, "2026-03-01"),
        ("2028-02-28", 1, "2028-02-29"),
        ("2026-12-31", 1, "2027-01-01"),
        ("2026-03-02", 0, "2026-03-02"),
    ];
    for (from, days, expected) in cases {
        assert_eq!(add_days(d(from), days), d(expected), "{from} + {days} days");
    }
}

#[test]
fn working_days_skip_weekends() {
    let plain = WorkCalendar::default();
    let cases = [
        ("2026-11-27", 1, "2026-11-30"), // Fri + 1 = Mon
        ("2026-11-28", 1, "2026-11-30"), // Sat + 1 = Mon
        ("2026-11-29", 1, "2026-11-30"), // Sun + 1 = Mon
        ("2026-11-30", 1, "2026-12-01"), // Mon + 1 = Tue
        ("2026-11-30", 4, "2026-12-04"), // Mon + 4 = Fri
        ("2026-11-30", 5, "2026-12-07"), // Mon + 5 = next Mon
        ("2026-11-30", 10, "2026-12-14"),
        ("2026-03-02", 10, "2026-03-16"),
        ("2026-03-13", 10, "2026-03-27"),
        ("2026-11-27", 0, "2026-11-27"), // 0 days: the date itself
        ("2026-11-28", 0, "2026-11-28"),
        ("2026-12-31", 1, "2027-01-01"), // no holiday configured
    ];
    for (from, n, expected) in cases {
        assert_eq!(
            plain.add_working_days(d(from), n),
            d(expected),
            "{from} + {n} working days"
        );
    }
    for (date, working) in [
        ("2026-11-27", true),
        ("2026-11-28", false),
        ("2026-11-29", false),
        ("2026-11-30", true),
    ] {
        assert_eq!(plain.is_working_day(d(date)), working, "{date}");
    }
}

/// A National Day week with two make-up working days around it, as China's
/// State Council publishes them (dates illustrative, the list is data).
const NATIONAL_DAY: &str = r#"
holidays = ["2026-10-01..2026-10-07"]
workdays = ["2026-09-27", "2026-10-10"]
"#;

#[test]
fn working_days_skip_configured_holidays_and_count_make_up_days() {
    let c = cal(NATIONAL_DAY);
    assert_eq!(c.holidays.len(), 7);
    assert_eq!(c.workdays.len(), 2);
    let cases = [
        ("2026-09-25", 1, "2026-09-27"), // Fri + 1: the make-up Sunday
        ("2026-09-25", 2, "2026-09-28"),
        ("2026-09-30", 1, "2026-10-08"), // Wed + 1 jumps the whole week off
        ("2026-10-01", 1, "2026-10-08"), // from inside the holiday
        ("2026-10-09", 1, "2026-10-10"), // Fri + 1: the make-up Saturday
        ("2026-10-09", 2, "2026-10-12"),
        ("2026-09-28", 10, "2026-10-16"),
    ];
    for (from, n, expected) in cases {
        assert_eq!(
            c.add_working_days(d(from), n),
            d(expected),
            "{from} + {n} working days"
        );
    }
    // Without the calendar the same dates differ.
    let plain = WorkCalendar::default();
    assert_eq!(plain.add_working_days(d("2026-09-30"), 1), d("2026-10-01"));
    assert_eq!(plain.add_working_days(d("2026-09-28"), 10), d("2026-10-12"));
    assert_eq!(plain.add_working_days(d("2026-09-25"), 1), d("2026-09-28"));

    for (date, working) in [
        ("2026-09-27", true),
        ("2026-10-01", false),
        ("2026-10-05", false), // a Monday, but a holiday
        ("2026-10-07", false),
        ("2026-10-08", true),
        ("2026-10-10", true),
        ("2026-10-11", false),
    ] {
        assert_eq!(c.is_working_day(d(date)), working, "{date}");
    }
}

#[test]
fn a_holiday_wins_over_a_make_up_mark_on_the_same_day() {
    let c = cal("holidays = [\"2026-10-10\"]\nworkdays = [\"2026-10-10\"]\n");
    assert!(!c.is_working_day(d("2026-10-10")));
    assert_eq!(c.add_working_days(d("2026-10-09"), 1), d("2026-10-12"));
}

#[test]
fn holidays_file_accepts_single_days_and_inclusive_ranges() {
    let c = cal(
        "holidays = [\"2026-01-01\", \"2026-02-16..2026-02-22\", \" 2026-05-01 .. 2026-05-05 \"]\n",
    );
    assert_eq!(c.holidays.len(), 1 + 7 + 5);
    for date in [
        "2026-01-01",
        "2026-02-16",
        "2026-02-22",
        "2026-05-01",
        "2026-05-05",
    ] {
        assert!(c.holidays.contains(&d(date)), "{date}");
    }
    assert!(!c.holidays.contains(&d("2026-02-23")));
    assert!(c.workdays.is_empty());
    assert_eq!(cal(""), WorkCalendar::default());
}

#[test]
fn holidays_file_errors_name_file_line_and_column() {
    let cases = [
        (
            "holidays = [\n  \"2026-02-30\",\n]\n",
            "holidays.toml:2:3",
            "2026-02-30",
        ),
        (
            "holidays = [\"2026-01-01\"]\nworkdays = [\"26-01-01\"]\n",
            "holidays.toml:2:13",
            "YYYY-MM-DD",
        ),
        (
            "holidays = [\"2026-10-07..2026-10-01\"]\n",
            "holidays.toml:1:13",
            "ends before it starts",
        ),
        (
            "holidays = [\"2026-01-01..2027-06-01\"]\n",
            "holidays.toml:1:13",
            "longer than a year",
        ),
        (
            "holidays = [\"2026-01-01\"]\nmakeup = [\"2026-01-04\"]\n",
            "holidays.toml:2:1",
            "makeup",
        ),
    ];
    for (text, place, words) in cases {
        let err = parse_holidays("holidays.toml", text).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{text:?}");
        assert!(err.message().starts_with(place), "{text:?}: {err}");
        assert!(err.message().contains(words), "{text:?}: {err}");
    }
}

// ---------------------------------------------------------------------------
// Filing deadline
// ---------------------------------------------------------------------------

#[test]
fn filing_deadline_is_expert_review_plus_10_working_days_for_levels_2_to_5() {
    for level in 2..=5 {
        let t = tl(level, &[(ExpertReview, "2026-03-02")]);
        let f = one(&t, DueKind::Filing);
        assert_eq!(f.due, d("2026-03-16"), "level {level}");
        assert_eq!(f.anchor, ExpertReview);
        assert_eq!(f.anchor_date, d("2026-03-02"));
        assert!(f.basis.contains("10 working days"), "{}", f.basis);
        let other = f.other.as_ref().expect("the 2007 Measures reading");
        assert_eq!(other.due, Some(d("2026-04-01")), "+30 calendar days");
        assert!(other.basis.contains("30 calendar days"), "{}", other.basis);
        assert!(f.is_open());
        assert_eq!(open_kinds(&t), [DueKind::Filing]);
    }
}

#[test]
fn level_1_has_no_filing_deadline() {
    let t = tl(1, &[(ExpertReview, "2026-03-02")]);
    assert!(
        of_kind(&t, DueKind::Filing).is_empty(),
        "{:#?}",
        t.deadlines
    );
    // Filed at level 1 while the answers say 3: the current level is 1.
    let n = network(Some(1), ms(&[(ExpertReview, "2026-03-02")]));
    let t = timeline(
        &n,
        Level::L3,
        &Intervals::default(),
        &WorkCalendar::default(),
    );
    assert!(of_kind(&t, DueKind::Filing).is_empty());
    // And the other way round.
    let n = network(Some(2), ms(&[(ExpertReview, "2026-03-02")]));
    let t = timeline(
        &n,
        Level::L1,
        &Intervals::default(),
        &WorkCalendar::default(),
    );
    assert_eq!(one(&t, DueKind::Filing).due, d("2026-03-16"));
}

#[test]
fn filing_deadline_counts_configured_holidays() {
    let t = tl_with(
        3,
        &[(ExpertReview, "2026-09-28")],
        &Intervals::default(),
        &cal(NATIONAL_DAY),
    );
    let f = one(&t, DueKind::Filing);
    assert_eq!(f.due, d("2026-10-16"));
    assert_eq!(f.other.as_ref().unwrap().due, Some(d("2026-10-28")));
}

#[test]
fn filing_deadline_is_the_earlier_of_the_two_readings() {
    // A calendar with most of March off pushes +10 working days past +30
    // calendar days: the calendar-day reading is then the deadline, and the
    // working-day one is shown as the other reading.
    let c = cal("holidays = [\"2026-03-03..2026-03-31\"]\n");
    assert_eq!(c.add_working_days(d("2026-03-02"), 10), d("2026-04-14"));
    let t = tl_with(
        2,
        &[(ExpertReview, "2026-03-02")],
        &Intervals::default(),
        &c,
    );
    let f = one(&t, DueKind::Filing);
    assert_eq!(f.due, d("2026-04-01"));
    assert!(f.basis.contains("30 calendar days"), "{}", f.basis);
    let other = f.other.as_ref().unwrap();
    assert_eq!(other.due, Some(d("2026-04-14")));
    assert!(other.basis.contains("10 working days"), "{}", other.basis);
}

#[test]
fn filing_deadline_is_met_by_a_filing_on_or_after_the_review() {
    // review Mon 2026-03-02, due Mon 2026-03-16.
    let cases: [(&str, Option<&str>, DueStatus); 5] = [
        ("2026-03-01", None, DueStatus::Upcoming), // before the review: not this filing
        ("2026-03-02", Some("2026-03-02"), DueStatus::Done),
        ("2026-03-16", Some("2026-03-16"), DueStatus::Done),
        ("2026-03-17", Some("2026-03-17"), DueStatus::Late),
        ("2026-06-30", Some("2026-06-30"), DueStatus::Late),
    ];
    let today = d("2026-02-01");
    for (filed, completed, status) in cases {
        let t = tl(3, &[(ExpertReview, "2026-03-02"), (FilingSubmitted, filed)]);
        let f = one(&t, DueKind::Filing);
        assert_eq!(f.completed, completed.map(d), "filed {filed}");
        assert_eq!(f.status(today, 30), status, "filed {filed}");
        assert_eq!(
            t.open().any(|x| x.kind == DueKind::Filing),
            completed.is_none(),
            "filed {filed}"
        );
    }
}

#[test]
fn filing_deadline_counts_from_the_latest_expert_review() {
    let t = tl(
        3,
        &[
            (ExpertReview, "2026-01-05"),
            (FilingSubmitted, "2026-01-10"),
            (ExpertReview, "2026-03-02"),
        ],
    );
    let f = one(&t, DueKind::Filing);
    assert_eq!(f.anchor_date, d("2026-03-02"));
    assert_eq!(f.due, d("2026-03-16"));
    assert!(
        f.is_open(),
        "the earlier filing does not answer the new review"
    );
}

// ---------------------------------------------------------------------------
// Certificate expected
// ---------------------------------------------------------------------------

#[test]
fn certificate_is_expected_10_working_days_after_the_filing() {
    #[rustfmt::skip]
    let cases: [(Steps, &str, Option<&str>); 5] = [
        (&[(FilingSubmitted, "2026-03-13")], "2026-03-27", None),
        (&[(FilingSubmitted, "2026-03-13"), (CertificateIssued, "2026-03-20")], "2026-03-27", Some("2026-03-20")),
        (&[(FilingSubmitted, "2026-03-13"), (CertificateIssued, "2026-04-20")], "2026-03-27", Some("2026-04-20")),
        (&[(FilingSubmitted, "2026-03-13"), (CertificateIssued, "2026-03-13")], "2026-03-27", Some("2026-03-13")),
        // An old certificate does not answer a new filing.
        (&[(CertificateIssued, "2025-12-20"), (FilingSubmitted, "2026-03-13")], "2026-03-27", None),
    ];
    for (list, due, completed) in cases {
        for level in 1..=5 {
            let t = tl(level, list);
            let c = one(&t, DueKind::Certificate);
            assert_eq!(c.due, d(due), "{list:?}");
            assert_eq!(c.anchor, FilingSubmitted);
            assert!(c.basis.contains("10 working days"), "{}", c.basis);
            assert_eq!(c.completed, completed.map(d), "{list:?}");
        }
    }
    // With the National Day calendar.
    let t = tl_with(
        2,
        &[(FilingSubmitted, "2026-09-28")],
        &Intervals::default(),
        &cal(NATIONAL_DAY),
    );
    assert_eq!(one(&t, DueKind::Certificate).due, d("2026-10-16"));
}

// ---------------------------------------------------------------------------
// Case expected done
// ---------------------------------------------------------------------------

#[test]
fn case_done_is_2_months_at_level_1_and_6_months_at_levels_2_to_5() {
    struct Case {
        level: u8,
        milestones: &'static [(Stage, &'static str)],
        due: &'static str,
        completed: Option<&'static str>,
    }
    #[rustfmt::skip]
    let cases = [
        Case { level: 1, milestones: &[(QuestionnaireReceived, "2025-12-31")], due: "2026-02-28", completed: None },
        Case { level: 1, milestones: &[(QuestionnaireReceived, "2026-01-15"), (SelfAssessment, "2026-02-10")], due: "2026-03-15", completed: Some("2026-02-10") },
        // Level 1 is closed by a self-assessment, not an evaluation.
        Case { level: 1, milestones: &[(QuestionnaireReceived, "2026-01-15"), (EvaluationPassed, "2026-02-10")], due: "2026-03-15", completed: None },
        Case { level: 2, milestones: &[(QuestionnaireReceived, "2026-01-31")], due: "2026-07-31", completed: None },
        Case { level: 2, milestones: &[(QuestionnaireReceived, "2026-01-31"), (EvaluationPassed, "2026-08-15")], due: "2026-07-31", completed: Some("2026-08-15") },
        // Level 2+ is closed by an evaluation, not a self-assessment.
        Case { level: 2, milestones: &[(QuestionnaireReceived, "2026-01-31"), (SelfAssessment, "2026-02-01")], due: "2026-07-31", completed: None },
        Case { level: 3, milestones: &[(QuestionnaireReceived, "2026-08-31")], due: "2027-02-28", completed: None },
        Case { level: 4, milestones: &[(QuestionnaireReceived, "2026-01-31")], due: "2026-07-31", completed: None },
        Case { level: 5, milestones: &[(QuestionnaireReceived, "2026-01-31"), (EvaluationPassed, "2026-05-01")], due: "2026-07-31", completed: Some("2026-05-01") },
        // An evaluation before the questionnaire belongs to an older cycle.
        Case { level: 3, milestones: &[(EvaluationPassed, "2025-12-01"), (QuestionnaireReceived, "2026-01-31")], due: "2026-07-31", completed: None },
        // The latest questionnaire counts.
        Case { level: 3, milestones: &[(QuestionnaireReceived, "2025-01-10"), (QuestionnaireReceived, "2026-01-31")], due: "2026-07-31", completed: None },
    ];
    for c in cases {
        let t = tl(c.level, c.milestones);
        let x = one(&t, DueKind::CaseDone);
        assert_eq!(x.due, d(c.due), "level {} {:?}", c.level, c.milestones);
        assert_eq!(x.anchor, QuestionnaireReceived);
        assert_eq!(
            x.completed,
            c.completed.map(d),
            "level {} {:?}",
            c.level,
            c.milestones
        );
        let months = if c.level == 1 { "2 months" } else { "6 months" };
        assert!(x.basis.contains(months), "{}", x.basis);
    }
}

#[test]
fn a_case_shows_its_case_done_date_until_the_anchor_then_its_renewal() {
    let t = tl(3, &[(QuestionnaireReceived, "2026-01-31")]);
    assert_eq!(open_kinds(&t), [DueKind::CaseDone]);
    let t = tl(
        3,
        &[
            (QuestionnaireReceived, "2026-01-31"),
            (EvaluationPassed, "2026-06-15"),
        ],
    );
    assert_eq!(open_kinds(&t), [DueKind::Evaluation]);
    assert_eq!(one(&t, DueKind::Evaluation).due, d("2027-06-15"));
    let t = tl(
        1,
        &[
            (QuestionnaireReceived, "2026-01-31"),
            (SelfAssessment, "2026-03-10"),
        ],
    );
    assert_eq!(open_kinds(&t), [DueKind::SelfAssessment]);
    assert_eq!(one(&t, DueKind::SelfAssessment).due, d("2027-03-10"));
}

// ---------------------------------------------------------------------------
// Renewals
// ---------------------------------------------------------------------------

/// (level, anchor stage, anchor date, kind, due, other reading's due)
type RenewalCase = (
    u8,
    Stage,
    &'static str,
    DueKind,
    &'static str,
    Option<&'static str>,
);

#[test]
fn renewal_interval_and_anchor_per_level() {
    #[rustfmt::skip]
    let cases: [RenewalCase; 8] = [
        (1, SelfAssessment, "2026-08-31", DueKind::SelfAssessment, "2027-08-31", None),
        (1, SelfAssessment, "2024-02-29", DueKind::SelfAssessment, "2025-02-28", None),
        (2, EvaluationPassed, "2026-08-31", DueKind::Evaluation, "2028-08-31", None),
        (2, EvaluationPassed, "2025-12-01", DueKind::Evaluation, "2027-12-01", None),
        (3, EvaluationPassed, "2026-08-31", DueKind::Evaluation, "2027-08-31", None),
        (3, EvaluationPassed, "2024-02-29", DueKind::Evaluation, "2025-02-28", None),
        (4, EvaluationPassed, "2026-08-31", DueKind::Evaluation, "2027-02-28", Some("2027-08-31")),
        (5, EvaluationPassed, "2026-08-31", DueKind::Evaluation, "2027-02-28", Some("2027-08-31")),
    ];
    for (level, stage, date, kind, due, other_due) in cases {
        let t = tl(level, &[(stage, date)]);
        let r = one(&t, kind);
        assert_eq!(r.due, d(due), "level {level} {stage} {date}");
        assert_eq!((r.anchor, r.anchor_date), (stage, d(date)));
        assert!(r.is_open());
        assert!(r.basis.contains(stage.as_str()), "{}", r.basis);
        assert_eq!(
            r.other.as_ref().and_then(|o| o.due),
            other_due.map(d),
            "level {level}: other reading"
        );
        if level == 2 {
            assert!(
                r.other
                    .as_ref()
                    .is_some_and(|o| o.basis.contains("practice")),
                "{:?}",
                r.other
            );
        }
        assert!(kind.is_renewal());
    }
}

#[test]
fn only_the_level_s_anchoring_milestone_starts_a_renewal() {
    // Level 1 renews on self-assessments, levels 2+ on evaluations.
    let t = tl(1, &[(EvaluationPassed, "2026-01-31")]);
    assert!(
        t.deadlines.iter().all(|x| !x.kind.is_renewal()),
        "{:#?}",
        t.deadlines
    );
    for level in 2..=5 {
        let t = tl(level, &[(SelfAssessment, "2026-01-31")]);
        assert!(
            t.deadlines.iter().all(|x| !x.kind.is_renewal()),
            "level {level}: {:#?}",
            t.deadlines
        );
    }
    assert!(tl(3, &[]).deadlines.is_empty());
}

#[test]
fn renewal_cycles_older_ones_completed_by_the_next_anchor() {
    let t = tl(
        3,
        &[
            (EvaluationPassed, "2024-03-01"),
            (EvaluationPassed, "2025-02-20"),
            (EvaluationPassed, "2026-06-01"),
        ],
    );
    let cycles = of_kind(&t, DueKind::Evaluation);
    let got: Vec<(NaiveDate, Option<NaiveDate>)> =
        cycles.iter().map(|c| (c.due, c.completed)).collect();
    assert_eq!(
        got,
        [
            (d("2025-03-01"), Some(d("2025-02-20"))),
            (d("2026-02-20"), Some(d("2026-06-01"))),
            (d("2027-06-01"), None),
        ]
    );
    let today = d("2026-11-28");
    let statuses: Vec<DueStatus> = cycles.iter().map(|c| c.status(today, 30)).collect();
    assert_eq!(
        statuses,
        [DueStatus::Done, DueStatus::Late, DueStatus::Upcoming]
    );
    assert_eq!(t.open().filter(|x| x.kind.is_renewal()).count(), 1);

    // Level 1, self-assessments, one renewed exactly on the due date.
    let t = tl(
        1,
        &[
            (SelfAssessment, "2025-01-15"),
            (SelfAssessment, "2026-01-15"),
        ],
    );
    let cycles = of_kind(&t, DueKind::SelfAssessment);
    assert_eq!(cycles.len(), 2);
    assert_eq!(cycles[0].status(today, 30), DueStatus::Done);
    assert_eq!(cycles[1].due, d("2027-01-15"));
    assert!(cycles[1].is_open());
}

// ---------------------------------------------------------------------------
// Certificate expiry
// ---------------------------------------------------------------------------

/// The expiry shown (date, basis), or `None` when the renewal comes first.
type Expiry = Option<(&'static str, &'static str)>;

#[test]
fn certificate_expiry_falls_at_the_later_of_36_months_and_the_next_renewal() {
    // Level 3 renews yearly, level 2 every two years, level 1 by a yearly
    // self-assessment. Each case: level, milestones, and the expiry shown
    // (`None`: not shown, because the renewal comes first).
    #[rustfmt::skip]
    let cases: [(u8, Steps, Expiry); 9] = [
        // No evaluation yet: 36 months from issue.
        (3, &[(CertificateIssued, "2025-12-20")], Some(("2028-12-20", "certificate_issued + 36 months"))),
        (3, &[(CertificateIssued, "2024-02-29")], Some(("2027-02-28", "certificate_issued + 36 months"))),
        // A failed evaluation renews nothing.
        (2, &[(CertificateIssued, "2023-01-10"), (EvaluationFailed, "2025-06-01")], Some(("2026-01-10", "certificate_issued + 36 months"))),
        // Level 2 evaluated on time: valid until the renewal, so no row
        // (the false alarm this rule removes).
        (2, &[(CertificateIssued, "2023-01-10"), (EvaluationPassed, "2025-06-01")], None),
        (3, &[(EvaluationPassed, "2025-12-01"), (CertificateIssued, "2025-12-20")], None),
        (3, &[(CertificateIssued, "2025-12-20"), (EvaluationPassed, "2027-06-01"), (EvaluationPassed, "2028-09-01")], None),
        // Level 1 renews by self-assessment: an old certificate expires
        // before the next one is due.
        (1, &[(CertificateIssued, "2022-01-10"), (SelfAssessment, "2025-06-01")], Some(("2025-01-10", "certificate_issued + 36 months"))),
        // The newest certificate counts.
        (3, &[(CertificateIssued, "2021-03-01"), (CertificateIssued, "2025-12-20")], Some(("2028-12-20", "certificate_issued"))),
        (2, &[(CertificateIssued, "2021-03-01"), (EvaluationPassed, "2022-01-05")], None),
    ];
    for (level, list, expected) in cases {
        let t = tl(level, list);
        let shown = of_kind(&t, DueKind::CertificateExpiry);
        match expected {
            None => assert!(shown.is_empty(), "level {level} {list:?}: {shown:?}"),
            Some((due, basis)) => {
                assert_eq!(shown.len(), 1, "level {level} {list:?}");
                let x = shown[0];
                assert_eq!(x.due, d(due), "level {level} {list:?}");
                assert_eq!(x.anchor, CertificateIssued);
                assert!(x.basis.contains(basis), "{list:?}: {}", x.basis);
                let other = x.other.as_ref().expect("the reading not taken");
                assert!(other.basis.contains("no expiry"), "{}", other.basis);
                assert!(x.is_open(), "a certificate expiry is never completed");
                if let Some(renewal) = t.open().find(|d| d.kind.is_renewal()) {
                    assert!(x.due < renewal.due, "shown only before the renewal");
                }
            }
        }
    }
    // Once past, it is overdue.
    let t = tl(3, &[(CertificateIssued, "2022-01-10")]);
    let x = one(&t, DueKind::CertificateExpiry);
    assert_eq!(x.due, d("2025-01-10"));
    assert_eq!(x.status(d("2026-11-28"), 30), DueStatus::Overdue);
}

#[test]
fn certificate_expiry_is_a_setting_and_zero_turns_it_off() {
    let steps: Steps = &[(CertificateIssued, "2025-12-20")];
    let mut intervals = Intervals {
        certificate_validity_months: 0,
        ..Intervals::default()
    };
    let t = tl_with(3, steps, &intervals, &WorkCalendar::default());
    assert!(of_kind(&t, DueKind::CertificateExpiry).is_empty());
    intervals.certificate_validity_months = 60;
    let t = tl_with(3, steps, &intervals, &WorkCalendar::default());
    assert_eq!(one(&t, DueKind::CertificateExpiry).due, d("2030-12-20"));
    // A longer renewal interval keeps the certificate valid longer.
    let steps: Steps = &[
        (CertificateIssued, "2023-01-10"),
        (EvaluationPassed, "2023-06-01"),
    ];
    intervals.certificate_validity_months = 36;
    intervals.renewal_months_level3 = 48;
    let t = tl_with(3, steps, &intervals, &WorkCalendar::default());
    assert!(
        of_kind(&t, DueKind::CertificateExpiry).is_empty(),
        "valid until the renewal of 2027-06-01"
    );
}

// ---------------------------------------------------------------------------
// The interchange example of interfaces.md
// ---------------------------------------------------------------------------

#[test]
fn interchange_example_evaluation_due_2027_12_01() {
    let answers: Answers = serde_json::from_str(
        r#"{"object_type": "website", "pi_subjects": 250000, "public_facing": true}"#,
    )
    .unwrap();
    let milestones: Vec<Milestone> = serde_json::from_str(
        r#"[
            {"stage": "evaluation_passed", "date": "2025-12-01", "score": 82.5, "conclusion": "good"},
            {"stage": "certificate_issued", "date": "2025-12-20", "number": "31010499999-00001"}
        ]"#,
    )
    .unwrap();
    let mut n = network(Some(2), milestones);
    n.answers = answers;
    n.validate().unwrap();
    let computed = grading::level(&n.answers, &n.overrides, RuleSet::Conservative);
    assert_eq!(computed, Level::L3, "S4 at 250 000 PI subjects");

    let t = timeline(
        &n,
        computed,
        &Intervals::default(),
        &WorkCalendar::default(),
    );
    assert_eq!(t.level, Level::L2, "the filed level is the current one");
    assert!(t.regrading_needed, "filed 2, computed 3");

    let today = d("2026-11-28");
    let r = one(&t, DueKind::Evaluation);
    assert_eq!(r.kind.as_str(), "evaluation");
    assert_eq!(r.due, d("2027-12-01"));
    assert_eq!(r.due.format("%Y-%m-%d").to_string(), "2027-12-01");
    assert_eq!(r.days_left(today), 368);
    assert_eq!(r.status(today, 30), DueStatus::Upcoming);
    assert_eq!(r.status(today, 30).as_str(), "upcoming");

    // The certificate (valid until 2028-12-20) outlives the renewal: the
    // renewal is the one thing to do.
    assert_eq!(open_kinds(&t), [DueKind::Evaluation]);
}

// ---------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------

#[test]
fn status_of_an_open_obligation_by_days_left() {
    let cases = [
        (-400, 30, DueStatus::Overdue),
        (-1, 30, DueStatus::Overdue),
        (0, 30, DueStatus::Due),
        (1, 30, DueStatus::Due),
        (30, 30, DueStatus::Due),
        (31, 30, DueStatus::Upcoming),
        (400, 30, DueStatus::Upcoming),
        (0, 0, DueStatus::Due),
        (1, 0, DueStatus::Upcoming),
        (90, 90, DueStatus::Due),
        (91, 90, DueStatus::Upcoming),
    ];
    for (days_left, window, expected) in cases {
        assert_eq!(
            status_for(days_left, window),
            expected,
            "{days_left} days left, window {window}"
        );
    }
}

#[test]
fn deadline_status_and_days_left_against_today() {
    // Level 3, evaluation 2025-12-01: renewal due 2026-12-01.
    let t = tl(3, &[(EvaluationPassed, "2025-12-01")]);
    let r = one(&t, DueKind::Evaluation);
    assert_eq!(r.due, d("2026-12-01"));
    let cases = [
        ("2027-06-01", -182, DueStatus::Overdue),
        ("2026-12-02", -1, DueStatus::Overdue),
        ("2026-12-01", 0, DueStatus::Due),
        ("2026-11-01", 30, DueStatus::Due),
        ("2026-10-31", 31, DueStatus::Upcoming),
        ("2025-12-01", 365, DueStatus::Upcoming),
    ];
    for (today, days_left, status) in cases {
        assert_eq!(r.days_left(d(today)), days_left, "today {today}");
        assert_eq!(r.status(d(today), 30), status, "today {today}");
    }
}

#[test]
fn completed_obligations_are_done_or_late_whatever_today_is() {
    // Renewal due 2026-12-01, renewed on the given date.
    let cases = [
        ("2026-06-01", DueStatus::Done),
        ("2026-12-01", DueStatus::Done),
        ("2026-12-02", DueStatus::Late),
        ("2027-03-01", DueStatus::Late),
    ];
    for (renewed, status) in cases {
        let t = tl(
            3,
            &[
                (EvaluationPassed, "2025-12-01"),
                (EvaluationPassed, renewed),
            ],
        );
        let first = of_kind(&t, DueKind::Evaluation)[0];
        assert_eq!(first.due, d("2026-12-01"));
        assert_eq!(first.completed, Some(d(renewed)));
        for today in ["2025-01-01", "2026-12-01", "2030-01-01"] {
            assert_eq!(
                first.status(d(today), 30),
                status,
                "renewed {renewed}, today {today}"
            );
        }
    }
}

#[test]
fn status_and_kind_ids_are_the_interface_words() {
    let statuses: Vec<&str> = DueStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(statuses, ["done", "late", "overdue", "due", "upcoming"]);
    let kinds: Vec<(&str, bool)> = DueKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.is_renewal()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("self_assessment", true),
            ("evaluation", true),
            ("filing", false),
            ("certificate", false),
            ("case_done", false),
            ("certificate_expiry", false),
            // An open finding's fix: from the findings, not the timeline.
            ("finding_due", false),
        ]
    );
}

#[test]
fn deadlines_come_in_date_order_and_open_filters_the_completed() {
    let t = tl(
        3,
        &[
            (QuestionnaireReceived, "2025-01-10"),
            (ExpertReview, "2025-03-03"),
            (FilingSubmitted, "2025-03-10"),
            (CertificateIssued, "2025-03-20"),
            (EvaluationPassed, "2025-06-30"),
        ],
    );
    let dates: Vec<NaiveDate> = t.deadlines.iter().map(|x| x.due).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert_eq!(
        kinds(&t),
        [
            DueKind::Filing,
            DueKind::Certificate,
            DueKind::CaseDone,
            DueKind::Evaluation,
        ]
    );
    assert_eq!(open_kinds(&t), [DueKind::Evaluation]);
    assert_eq!(one(&t, DueKind::Filing).due, d("2025-03-17"));
    assert_eq!(one(&t, DueKind::Certificate).due, d("2025-03-24"));
    assert_eq!(one(&t, DueKind::CaseDone).due, d("2025-07-10"));
    assert_eq!(one(&t, DueKind::Evaluation).due, d("2026-06-30"));
}

// ---------------------------------------------------------------------------
// Re-grading
// ---------------------------------------------------------------------------

#[test]
fn regrading_is_flagged_when_the_filed_level_differs_from_the_computed_one() {
    // (filed, computed, current level, re-grading needed)
    let cases = [
        (None, 1, 1, false),
        (None, 3, 3, false),
        (Some(3), 3, 3, false),
        (Some(2), 3, 2, true),
        (Some(4), 3, 4, true),
        (Some(1), 2, 1, true),
        (Some(5), 5, 5, false),
    ];
    for (filed, computed, current, flag) in cases {
        let n = network(filed, Vec::new());
        let t = timeline(
            &n,
            lv(computed),
            &Intervals::default(),
            &WorkCalendar::default(),
        );
        assert_eq!(t.level, lv(current), "filed {filed:?} computed {computed}");
        assert_eq!(
            t.regrading_needed, flag,
            "filed {filed:?} computed {computed}"
        );
    }
}

#[test]
fn the_filed_level_decides_the_renewal() {
    let list = ms(&[
        (SelfAssessment, "2026-01-31"),
        (EvaluationPassed, "2026-01-31"),
    ]);
    // (filed, computed, renewal kind, due)
    let cases = [
        (Some(1), 3, DueKind::SelfAssessment, "2027-01-31"),
        (Some(2), 1, DueKind::Evaluation, "2028-01-31"),
        (Some(3), 1, DueKind::Evaluation, "2027-01-31"),
        (Some(4), 2, DueKind::Evaluation, "2026-07-31"),
        (None, 2, DueKind::Evaluation, "2028-01-31"),
        (None, 1, DueKind::SelfAssessment, "2027-01-31"),
    ];
    for (filed, computed, kind, due) in cases {
        let n = network(filed, list.clone());
        let t = timeline(
            &n,
            lv(computed),
            &Intervals::default(),
            &WorkCalendar::default(),
        );
        let renewals: Vec<(DueKind, NaiveDate)> = t
            .deadlines
            .iter()
            .filter(|x| x.kind.is_renewal())
            .map(|x| (x.kind, x.due))
            .collect();
        assert_eq!(
            renewals,
            [(kind, d(due))],
            "filed {filed:?} computed {computed}"
        );
    }
}

// ---------------------------------------------------------------------------
// Intervals are settings
// ---------------------------------------------------------------------------

#[test]
fn every_interval_is_a_setting() {
    struct Case {
        name: &'static str,
        set: fn(&mut Intervals),
        level: u8,
        milestones: &'static [(Stage, &'static str)],
        kind: DueKind,
        default_due: &'static str,
        due: &'static str,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "filing_working_days", set: |i| i.filing_working_days = 3, level: 2, milestones: &[(ExpertReview, "2026-03-02")], kind: DueKind::Filing, default_due: "2026-03-16", due: "2026-03-05" },
        Case { name: "filing_calendar_days", set: |i| i.filing_calendar_days = 5, level: 2, milestones: &[(ExpertReview, "2026-03-02")], kind: DueKind::Filing, default_due: "2026-03-16", due: "2026-03-07" },
        Case { name: "certificate_working_days", set: |i| i.certificate_working_days = 1, level: 2, milestones: &[(FilingSubmitted, "2026-03-13")], kind: DueKind::Certificate, default_due: "2026-03-27", due: "2026-03-16" },
        Case { name: "case_done_months_level1", set: |i| i.case_done_months_level1 = 1, level: 1, milestones: &[(QuestionnaireReceived, "2026-01-31")], kind: DueKind::CaseDone, default_due: "2026-03-31", due: "2026-02-28" },
        Case { name: "case_done_months", set: |i| i.case_done_months = 3, level: 4, milestones: &[(QuestionnaireReceived, "2026-01-31")], kind: DueKind::CaseDone, default_due: "2026-07-31", due: "2026-04-30" },
        Case { name: "renewal_months_level1", set: |i| i.renewal_months_level1 = 24, level: 1, milestones: &[(SelfAssessment, "2026-01-31")], kind: DueKind::SelfAssessment, default_due: "2027-01-31", due: "2028-01-31" },
        Case { name: "renewal_months_level2", set: |i| i.renewal_months_level2 = 12, level: 2, milestones: &[(EvaluationPassed, "2026-01-31")], kind: DueKind::Evaluation, default_due: "2028-01-31", due: "2027-01-31" },
        Case { name: "renewal_months_level3", set: |i| i.renewal_months_level3 = 6, level: 3, milestones: &[(EvaluationPassed, "2026-01-31")], kind: DueKind::Evaluation, default_due: "2027-01-31", due: "2026-07-31" },
        Case { name: "renewal_months_level4", set: |i| i.renewal_months_level4 = 12, level: 4, milestones: &[(EvaluationPassed, "2026-01-31")], kind: DueKind::Evaluation, default_due: "2026-07-31", due: "2027-01-31" },
        Case { name: "renewal_months_level5", set: |i| i.renewal_months_level5 = 3, level: 5, milestones: &[(EvaluationPassed, "2026-01-31")], kind: DueKind::Evaluation, default_due: "2026-07-31", due: "2026-04-30" },
        Case { name: "certificate_validity_months", set: |i| i.certificate_validity_months = 24, level: 3, milestones: &[(CertificateIssued, "2025-12-20")], kind: DueKind::CertificateExpiry, default_due: "2028-12-20", due: "2027-12-20" },
    ];
    for c in cases {
        let default = tl(c.level, c.milestones);
        let base: Vec<(DueKind, NaiveDate)> =
            default.deadlines.iter().map(|x| (x.kind, x.due)).collect();
        assert_eq!(
            one(&default, c.kind).due,
            d(c.default_due),
            "{}: default",
            c.name
        );
        let mut intervals = Intervals::default();
        (c.set)(&mut intervals);
        let changed = tl_with(c.level, c.milestones, &intervals, &WorkCalendar::default());
        assert_eq!(one(&changed, c.kind).due, d(c.due), "{}: changed", c.name);
        // Nothing else moved.
        for (kind, due) in base.into_iter().filter(|(k, _)| *k != c.kind) {
            assert_eq!(one(&changed, kind).due, due, "{}: {kind} moved", c.name);
        }
    }
}

#[test]
fn interval_defaults_match_the_spec_and_read_from_toml() {
    let i = Intervals::default();
    assert_eq!(
        (
            i.filing_working_days,
            i.filing_calendar_days,
            i.certificate_working_days
        ),
        (10, 30, 10)
    );
    assert_eq!((i.case_done_months_level1, i.case_done_months), (2, 6));
    let renewals: Vec<u32> = (1..=5).map(|n| i.renewal_months(lv(n))).collect();
    assert_eq!(renewals, [12, 24, 12, 6, 6]);
    assert_eq!(i.certificate_validity_months, 36);

    let partial: Intervals =
        toml::from_str("renewal_months_level2 = 12\nfiling_calendar_days = 15\n").unwrap();
    assert_eq!(partial.renewal_months(Level::L2), 12);
    assert_eq!(partial.filing_calendar_days, 15);
    assert_eq!(
        Intervals {
            renewal_months_level2: 24,
            filing_calendar_days: 30,
            ..partial
        },
        Intervals::default()
    );
    let err = toml::from_str::<Intervals>("renewal_months_level6 = 3\n").unwrap_err();
    assert!(err.to_string().contains("renewal_months_level6"), "{err}");
}

// ---------------------------------------------------------------------------
// Evaluation conclusions (section 8)
// ---------------------------------------------------------------------------

#[test]
fn conclusion_from_score_and_risks() {
    use Conclusion::{Excellent, Fair, Good, Poor};
    // (score, high risks, medium risks, conclusion)
    let cases = [
        (100.0, 0, 0, Excellent),
        (90.0, 0, 0, Excellent),
        (90.0, 0, 1, Good),
        (99.0, 0, 3, Good),
        (89.9, 0, 0, Good),
        (80.0, 0, 0, Good),
        (80.0, 0, 5, Good),
        (79.9, 0, 0, Fair),
        (70.0, 0, 0, Fair),
        (70.0, 0, 3, Fair),
        (69.9, 0, 0, Poor),
        (0.0, 0, 0, Poor),
        (100.0, 1, 0, Poor),
        (95.0, 1, 1, Poor),
        (75.0, 2, 0, Poor),
    ];
    for (score, high, medium, expected) in cases {
        assert_eq!(
            Conclusion::from_score(score, high, medium),
            expected,
            "{score} high {high} medium {medium}"
        );
        assert_eq!(expected.passes(), expected != Poor);
    }
    let ids: Vec<(&str, &str)> = Conclusion::ALL
        .iter()
        .map(|c| (c.as_str(), c.chinese()))
        .collect();
    assert_eq!(
        ids,
        [
            ("excellent", "优"),
            ("good", "良"),
            ("fair", "中"),
            ("poor", "差")
        ]
    );
}

fn eval(
    score: Option<f64>,
    conclusion: Option<Conclusion>,
    high: Option<u32>,
    medium: Option<u32>,
) -> Milestone {
    Milestone {
        score,
        conclusion,
        high_risks: high,
        medium_risks: medium,
        ..Milestone::new(EvaluationPassed, d("2026-06-30"))
    }
}

#[test]
fn milestone_validation_names_the_bad_field() {
    use Conclusion::{Excellent, Fair, Good, Poor};
    // (what, milestone, Err(field) or Ok)
    #[rustfmt::skip]
    let cases: Vec<(&str, Milestone, Result<(), &str>)> = vec![
        ("a plain evaluation", eval(None, None, None, None), Ok(())),
        ("the interchange example", eval(Some(82.5), Some(Good), None, None), Ok(())),
        ("score only", eval(Some(95.0), None, None, None), Ok(())),
        ("score 100", eval(Some(100.0), Some(Excellent), Some(0), Some(0)), Ok(())),
        ("score 70, fair", eval(Some(70.0), Some(Fair), None, None), Ok(())),
        ("score 92 with medium risks, good", eval(Some(92.0), Some(Good), Some(0), Some(1)), Ok(())),
        ("a worse conclusion than the score allows", eval(Some(95.0), Some(Fair), None, None), Ok(())),
        ("conclusion only", eval(None, Some(Good), None, None), Ok(())),
        // A poor evaluation did not pass.
        ("conclusion poor", eval(None, Some(Poor), None, None), Err("conclusion")),
        ("conclusion poor with a good score", eval(Some(85.0), Some(Poor), None, None), Err("conclusion")),
        ("score 69.9", eval(Some(69.9), None, None, None), Err("score")),
        ("score 65 stated fair", eval(Some(65.0), Some(Fair), None, None), Err("score")),
        ("score 0", eval(Some(0.0), None, None, None), Err("score")),
        ("high risk with a high score", eval(Some(95.0), None, Some(1), None), Err("score")),
        ("high risk without a score", eval(None, Some(Good), Some(1), None), Err("high_risks")),
        ("high risk alone", eval(None, None, Some(2), None), Err("high_risks")),
        // Better than the score and risks allow.
        ("excellent at 85", eval(Some(85.0), Some(Excellent), None, None), Err("conclusion")),
        ("excellent at 89.9", eval(Some(89.9), Some(Excellent), None, None), Err("conclusion")),
        ("good at 79.9", eval(Some(79.9), Some(Good), None, None), Err("conclusion")),
        ("excellent at 92 with a medium risk", eval(Some(92.0), Some(Excellent), Some(0), Some(1)), Err("conclusion")),
        ("excellent with a medium risk, no score", eval(None, Some(Excellent), None, Some(1)), Err("conclusion")),
        // Scores outside 0-100.
        ("score 100.5", eval(Some(100.5), None, None, None), Err("score")),
        ("score -0.1", eval(Some(-0.1), None, None, None), Err("score")),
        ("score NaN", eval(Some(f64::NAN), None, None, None), Err("score")),
        // Details on the wrong stage.
        ("score on a filing", Milestone { score: Some(85.0), ..Milestone::new(FilingSubmitted, d("2026-06-30")) }, Err("score")),
        ("conclusion on a self-assessment", Milestone { conclusion: Some(Good), ..Milestone::new(SelfAssessment, d("2026-06-30")) }, Err("conclusion")),
        ("high risks on a gap analysis", Milestone { high_risks: Some(0), ..Milestone::new(Stage::GapAnalysis, d("2026-06-30")) }, Err("high_risks")),
        ("medium risks on a certificate", Milestone { medium_risks: Some(0), ..Milestone::new(CertificateIssued, d("2026-06-30")) }, Err("medium_risks")),
        ("score on a certificate", Milestone { score: Some(85.0), ..Milestone::new(CertificateIssued, d("2026-06-30")) }, Err("score")),
        ("number on an evaluation", Milestone { number: Some("31010499999-00001".into()), ..eval(Some(85.0), None, None, None) }, Err("number")),
        ("number on a filing", Milestone { number: Some("31010499999-00001".into()), ..Milestone::new(FilingSubmitted, d("2026-06-30")) }, Err("number")),
        // Certificate numbers.
        ("a certificate number", Milestone { number: Some("31010499999-00001".into()), ..Milestone::new(CertificateIssued, d("2026-06-30")) }, Ok(())),
        ("a blank certificate number", Milestone { number: Some("  ".into()), ..Milestone::new(CertificateIssued, d("2026-06-30")) }, Err("number")),
        ("a 65-character certificate number", Milestone { number: Some("9".repeat(65)), ..Milestone::new(CertificateIssued, d("2026-06-30")) }, Err("number")),
        ("a 64-character certificate number", Milestone { number: Some("9".repeat(64)), ..Milestone::new(CertificateIssued, d("2026-06-30")) }, Ok(())),
    ];
    for (what, mut m, expected) in cases {
        let got = m.validate();
        match expected {
            Ok(()) => assert!(got.is_ok(), "{what}: {got:?}"),
            Err(field) => {
                let err = got.expect_err(what);
                assert_eq!(err.field, field, "{what}: {err}");
                assert!(!err.message.is_empty(), "{what}");
            }
        }
    }
}

#[test]
fn milestone_errors_name_their_place_in_the_network() {
    let mut n = network(None, ms(&[(QuestionnaireReceived, "2026-01-10")]));
    n.milestones.push(eval(Some(65.0), None, None, None));
    let err = n.validate().unwrap_err();
    assert_eq!(err.field, "milestones[1].score");
    assert!(
        err.to_string().starts_with("milestones[1].score: "),
        "{err}"
    );
}

#[test]
fn effective_conclusion_is_the_stated_one_else_the_score_s() {
    use Conclusion::{Excellent, Fair, Good};
    let cases = [
        (eval(Some(95.0), None, None, None), Some(Excellent)),
        (eval(Some(95.0), None, None, Some(2)), Some(Good)),
        (eval(Some(95.0), Some(Fair), None, None), Some(Fair)),
        (eval(Some(72.0), None, None, None), Some(Fair)),
        (eval(None, None, None, None), None),
    ];
    for (m, expected) in cases {
        assert_eq!(m.effective_conclusion(), expected, "{m:?}");
    }
}

#[test]
fn a_failed_evaluation_neither_renews_nor_closes_the_case() {
    let today = d("2026-12-04");
    // The level 3 renewal fell due on 2026-06-30; the evaluation of
    // 2026-06-20 failed: the renewal stays open, and overdue.
    let t = tl(
        3,
        &[
            (EvaluationPassed, "2025-06-30"),
            (EvaluationFailed, "2026-06-20"),
        ],
    );
    let r = one(&t, DueKind::Evaluation);
    assert!(r.is_open());
    assert_eq!(r.due, d("2026-06-30"));
    assert_eq!(r.status(today, 30), DueStatus::Overdue);
    // A later pass closes it and starts the next cycle.
    let t = tl(
        3,
        &[
            (EvaluationPassed, "2025-06-30"),
            (EvaluationFailed, "2026-06-20"),
            (EvaluationPassed, "2026-08-01"),
        ],
    );
    let cycles = of_kind(&t, DueKind::Evaluation);
    assert_eq!(cycles[0].status(today, 30), DueStatus::Late);
    assert_eq!(cycles[1].due, d("2027-08-01"));
    // A first case whose evaluation failed is not done.
    let t = tl(
        2,
        &[
            (QuestionnaireReceived, "2026-01-10"),
            (EvaluationFailed, "2026-05-01"),
        ],
    );
    let done = one(&t, DueKind::CaseDone);
    assert!(done.is_open());
    assert_eq!(done.status(today, 30), DueStatus::Overdue);
}
