//! The timeline engine (domain spec sections 7 and 8): the dates a case
//! derives from its milestones, and whether each is done, late, due or
//! overdue. Pure code; every interval comes from [`Intervals`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::calendar::{WorkCalendar, add_days, add_months};
use crate::domain::model::{Level, Network, Stage};
use crate::id_enum;

/// Every interval of the timeline, with the spec's defaults. Firms and
/// local bureaus differ, so each is a setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Intervals {
    /// Filing deadline after `expert_review`, in working days.
    pub filing_working_days: u32,
    /// The other reading of the filing deadline (the 2007 Measures), in
    /// calendar days. The earlier of the two dates is the deadline.
    pub filing_calendar_days: u32,
    /// Certificate expected after `filing_submitted`, in working days.
    pub certificate_working_days: u32,
    /// Case expected done after `questionnaire_received`, level 1.
    pub case_done_months_level1: u32,
    /// Case expected done after `questionnaire_received`, levels 2 to 5.
    pub case_done_months: u32,
    /// Renewal after the last anchoring milestone, per level.
    pub renewal_months_level1: u32,
    pub renewal_months_level2: u32,
    pub renewal_months_level3: u32,
    pub renewal_months_level4: u32,
    pub renewal_months_level5: u32,
    /// A filing certificate's validity from issue; it stays valid at
    /// least until the level's next renewal. 0: no expiry is tracked.
    #[serde(alias = "certificate_valid_months")]
    pub certificate_validity_months: u32,
    /// No longer used (a certificate now stays valid until the next
    /// renewal); kept so that a config that sets it is told so, not
    /// silently ignored.
    #[serde(default, skip_serializing)]
    pub certificate_extension_months: Option<u32>,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            filing_working_days: 10,
            filing_calendar_days: 30,
            certificate_working_days: 10,
            case_done_months_level1: 2,
            case_done_months: 6,
            renewal_months_level1: 12,
            renewal_months_level2: 24,
            renewal_months_level3: 12,
            renewal_months_level4: 6,
            renewal_months_level5: 6,
            certificate_validity_months: 36,
            certificate_extension_months: None,
        }
    }
}

impl Intervals {
    pub fn renewal_months(&self, level: Level) -> u32 {
        match level.get() {
            1 => self.renewal_months_level1,
            2 => self.renewal_months_level2,
            3 => self.renewal_months_level3,
            4 => self.renewal_months_level4,
            _ => self.renewal_months_level5,
        }
    }
}

id_enum!(
    /// Kinds of derived dates, as `renewals` and `due` name them.
    DueKind {
        /// Level 1 renewal: the yearly self-assessment.
        SelfAssessment => "self_assessment",
        /// Level 2+ renewal: the next evaluation.
        Evaluation => "evaluation",
        /// Filing deadline after expert review.
        Filing => "filing",
        /// Certificate expected after the filing.
        Certificate => "certificate",
        /// Case expected done.
        CaseDone => "case_done",
        /// Filing certificate expires.
        CertificateExpiry => "certificate_expiry",
        /// An open finding's fix is due (整改期限): from the network's
        /// findings, never from the timeline.
        FindingDue => "finding_due",
    }
);

impl DueKind {
    /// Whether this kind is a renewal (what `mlps renewals` lists).
    pub fn is_renewal(self) -> bool {
        matches!(self, DueKind::SelfAssessment | DueKind::Evaluation)
    }

    /// Words for tables.
    pub fn label(self) -> &'static str {
        crate::domain::labels::due_kind(self).en
    }
}

id_enum!(
    /// Where a derived date stands.
    DueStatus {
        /// Completed on or before the date.
        Done => "done",
        /// Completed after the date.
        Late => "late",
        /// Open and past.
        Overdue => "overdue",
        /// Open, within the due-soon window (30 days by default).
        Due => "due",
        /// Open, later.
        Upcoming => "upcoming",
    }
);

/// One derived date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DueKind,
    pub due: NaiveDate,
    /// The milestone it counts from.
    pub anchor: Stage,
    pub anchor_date: NaiveDate,
    /// How the date was reached, e.g. "expert_review + 10 working days".
    pub basis: String,
    /// The other reading, where the sources differ.
    pub other: Option<OtherReading>,
    /// When the obligation was met; `None` while it is open.
    pub completed: Option<NaiveDate>,
}

/// A reading the product did not take, shown beside the one it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherReading {
    pub due: Option<NaiveDate>,
    pub basis: String,
}

impl Deadline {
    pub fn is_open(&self) -> bool {
        self.completed.is_none()
    }

    /// Days from `today` to the date (negative when past).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.due - today).num_days()
    }

    pub fn status(&self, today: NaiveDate, due_soon_days: u32) -> DueStatus {
        match self.completed {
            Some(done) if done <= self.due => DueStatus::Done,
            Some(_) => DueStatus::Late,
            None => status_for(self.days_left(today), due_soon_days),
        }
    }
}

/// Status of an open obligation `days_left` days away.
pub fn status_for(days_left: i64, due_soon_days: u32) -> DueStatus {
    if days_left < 0 {
        DueStatus::Overdue
    } else if days_left <= i64::from(due_soon_days) {
        DueStatus::Due
    } else {
        DueStatus::Upcoming
    }
}

/// A network's derived dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The current level: the filed one where set, else the computed one.
    pub level: Level,
    /// Filed, and the computed level differs: re-confirm and re-file.
    pub regrading_needed: bool,
    /// Every derived date, done ones included, in date order.
    pub deadlines: Vec<Deadline>,
}

impl Timeline {
    /// The open obligations, in date order.
    pub fn open(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines.iter().filter(|d| d.is_open())
    }
}

/// Derives the timeline of `network`, whose computed level is `computed`.
pub fn timeline(
    network: &Network,
    computed: Level,
    intervals: &Intervals,
    calendar: &WorkCalendar,
) -> Timeline {
    let level = network.filed_level.unwrap_or(computed);
    let regrading_needed = network.filed_level.is_some_and(|filed| filed != computed);
    let dates = |stage: Stage| -> Vec<NaiveDate> {
        // Milestones are kept in date order.
        network
            .milestones
            .iter()
            .filter(|m| m.stage == stage)
            .map(|m| m.date)
            .collect()
    };
    let first_on_or_after =
        |stage: Stage, from: NaiveDate| dates(stage).into_iter().find(|d| *d >= from);
    let mut out = Vec::new();

    // Filing deadline (level 2+): the earlier of the two readings.
    if level >= Level::L2
        && let Some(&review) = dates(Stage::ExpertReview).last()
    {
        let working = calendar.add_working_days(review, intervals.filing_working_days);
        let calendar_days = add_days(review, intervals.filing_calendar_days);
        let working_basis = format!(
            "expert_review + {} working days",
            intervals.filing_working_days
        );
        let calendar_basis = format!(
            "expert_review + {} calendar days (2007 Measures)",
            intervals.filing_calendar_days
        );
        let (due, basis, other_due, other_basis) = if working <= calendar_days {
            (working, working_basis, calendar_days, calendar_basis)
        } else {
            (calendar_days, calendar_basis, working, working_basis)
        };
        out.push(Deadline {
            kind: DueKind::Filing,
            due,
            anchor: Stage::ExpertReview,
            anchor_date: review,
            basis,
            other: Some(OtherReading {
                due: Some(other_due),
                basis: other_basis,
            }),
            completed: first_on_or_after(Stage::FilingSubmitted, review),
        });
    }

    // Certificate expected after the filing.
    if let Some(&filed) = dates(Stage::FilingSubmitted).last() {
        out.push(Deadline {
            kind: DueKind::Certificate,
            due: calendar.add_working_days(filed, intervals.certificate_working_days),
            anchor: Stage::FilingSubmitted,
            anchor_date: filed,
            basis: format!(
                "filing_submitted + {} working days",
                intervals.certificate_working_days
            ),
            other: None,
            completed: first_on_or_after(Stage::CertificateIssued, filed),
        });
    }

    // Renewals: one per cycle; only the newest can be open.
    let (renewal_kind, anchor_stage) = if level == Level::L1 {
        (DueKind::SelfAssessment, Stage::SelfAssessment)
    } else {
        (DueKind::Evaluation, Stage::EvaluationPassed)
    };
    let anchors = dates(anchor_stage);
    let months = intervals.renewal_months(level);
    for (i, &anchor) in anchors.iter().enumerate() {
        let due = add_months(anchor, months);
        let other = match level.get() {
            2 => Some(OtherReading {
                due: None,
                basis: "24 months is practice, not statute".into(),
            }),
            4 | 5 => Some(OtherReading {
                due: Some(add_months(anchor, 12)),
                basis: "yearly (2018 draft Regulation, 2025 MPS notice)".into(),
            }),
            _ => None,
        };
        out.push(Deadline {
            kind: renewal_kind,
            due,
            anchor: anchor_stage,
            anchor_date: anchor,
            basis: format!("{anchor_stage} + {months} months (level {level})"),
            other,
            completed: anchors.get(i + 1).copied(),
        });
    }

    // Case expected done, from the latest questionnaire received until the
    // anchoring milestone of the level.
    if let Some(&received) = dates(Stage::QuestionnaireReceived).last() {
        let (months, other) = if level == Level::L1 {
            (
                intervals.case_done_months_level1,
                "usually 1-2 months (consultancy)",
            )
        } else {
            (
                intervals.case_done_months,
                "usually 3-6 months (consultancy)",
            )
        };
        out.push(Deadline {
            kind: DueKind::CaseDone,
            due: add_months(received, months),
            anchor: Stage::QuestionnaireReceived,
            anchor_date: received,
            basis: format!("questionnaire_received + {months} months (level {level})"),
            other: Some(OtherReading {
                due: None,
                basis: other.into(),
            }),
            completed: first_on_or_after(anchor_stage, received),
        });
    }

    // Certificate expiry: the later of its validity from issue and the
    // last evaluation passed plus the level's renewal interval (it stays
    // valid until the renewal is due). Shown only while it falls before the
    // next renewal; otherwise the renewal is the one thing to do.
    if intervals.certificate_validity_months > 0
        && let Some(&issued) = dates(Stage::CertificateIssued).last()
    {
        let validity = intervals.certificate_validity_months;
        let mut due = add_months(issued, validity);
        let mut basis = format!("certificate_issued + {validity} months");
        if let Some(&eval) = dates(Stage::EvaluationPassed).last() {
            let months = intervals.renewal_months(level);
            let renewed = add_months(eval, months);
            if renewed > due {
                due = renewed;
                basis = format!(
                    "evaluation_passed + {months} months (the level {level} renewal interval)"
                );
            }
        }
        let next_renewal = out
            .iter()
            .filter(|d| d.kind.is_renewal() && d.is_open())
            .map(|d| d.due)
            .max();
        if next_renewal.is_none_or(|renewal| due < renewal) {
            out.push(Deadline {
                kind: DueKind::CertificateExpiry,
                due,
                anchor: Stage::CertificateIssued,
                anchor_date: issued,
                basis,
                other: Some(OtherReading {
                    due: None,
                    basis: "unverified practice: the 2007 Measures give the certificate no expiry"
                        .into(),
                }),
                completed: None,
            });
        }
    }

    out.sort_by_key(|d| (d.due, d.kind));
    Timeline {
        level,
        regrading_needed,
        deadlines: out,
    }
}
