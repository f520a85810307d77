//! Triage: what a network needs from the consultant now, ranked, each
//! reason with the next action in words. Pure code over one client, one
//! network, its grade and its timeline; the query over a store is
//! `crate::service::triage`.
//!
//! Reasons, most urgent first (the urgency tiers):
//! 1. an obligation overdue (a renewal, the filing deadline, the expected
//!    certificate or case end), most overdue first;
//! 2. re-grading needed: the filed level is not the computed one (filed
//!    below the computed level first);
//! 3. an obligation due within the due-soon window, soonest first;
//! 4. a stalled case: a stage recorded and the next one not, for longer
//!    than the stage's `[stall_days]`, longest first;
//! 5. a provisional level: open answers could raise it above the level
//!    the case works to;
//! 6. facts the filing needs that the client lacks (a contact; for a
//!    level 2+ case not filed yet, the credit code and the address).
//!
//! A network's findings add reasons of the same tiers (`findings`): fixes
//! past their due date are overdue obligations, high-risk gaps open close
//! to the evaluation are due, a rectification no fix has moved in is
//! stalled.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::grading::Grade;
use crate::domain::model::{Client, ClientId, Level, Network, NetworkId, Stage};
use crate::domain::questionnaire::QuestionId;
use crate::domain::timeline::{DueKind, DueStatus, Timeline};
use crate::id_enum;

pub mod findings;

/// How many days a case may rest at a stage before it counts as stalled,
/// per stage (`[stall_days]` in `config.toml`); 0 never stalls. The stages
/// the timeline already dates (an expert review's filing deadline, a
/// filing's certificate) and the ones that close a case have none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StallDays {
    /// Sent, and the answers not received.
    pub questionnaire_sent: u32,
    /// Answers in, and no initial assessment.
    pub questionnaire_received: u32,
    /// Level proposed, and no self-assessment (level 1) or audit firm.
    pub initial_assessment: u32,
    /// Audit firm engaged, and no expert review.
    pub audit_firm_selected: u32,
    /// Certificate in, and no gap analysis (level 2+, not evaluated yet).
    pub certificate_issued: u32,
    /// Gaps reported, and the rectification not done.
    pub gap_analysis: u32,
    /// Rectified, and no evaluation.
    pub rectification_done: u32,
    /// Evaluation failed, and no new one.
    pub evaluation_failed: u32,
    /// High or medium gaps open, and no finding's status changed (the
    /// findings' own stall, which replaces `gap_analysis` once the
    /// network's findings are known).
    pub findings: u32,
}

impl Default for StallDays {
    fn default() -> Self {
        StallDays {
            questionnaire_sent: 14,
            questionnaire_received: 14,
            initial_assessment: 30,
            audit_firm_selected: 30,
            certificate_issued: 30,
            gap_analysis: 90,
            rectification_done: 30,
            evaluation_failed: 30,
            findings: 30,
        }
    }
}

impl StallDays {
    /// The days a case may rest at `stage`; `None` where it never stalls.
    pub fn of(&self, stage: Stage) -> Option<u32> {
        let days = match stage {
            Stage::QuestionnaireSent => self.questionnaire_sent,
            Stage::QuestionnaireReceived => self.questionnaire_received,
            Stage::InitialAssessment => self.initial_assessment,
            Stage::AuditFirmSelected => self.audit_firm_selected,
            Stage::CertificateIssued => self.certificate_issued,
            Stage::GapAnalysis => self.gap_analysis,
            Stage::RectificationDone => self.rectification_done,
            Stage::EvaluationFailed => self.evaluation_failed,
            Stage::SelfAssessment
            | Stage::ExpertReview
            | Stage::FilingSubmitted
            | Stage::EvaluationPassed => 0,
        };
        (days > 0).then_some(days)
    }
}

id_enum!(
    /// Why a network needs attention, in urgency order.
    Tier {
        Overdue => "overdue",
        Regrading => "regrading",
        Due => "due",
        Stalled => "stalled",
        Provisional => "provisional",
        MissingFacts => "missing_facts",
    }
);

impl Tier {
    /// Words for tables.
    pub fn label(self) -> &'static str {
        crate::domain::labels::tier(self).en
    }
}

/// Where on the case the reason is: what the case manager scrolls to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Place {
    /// A derived date of the timeline.
    Deadline {
        kind: DueKind,
        #[serde(with = "crate::domain::calendar::date_serde")]
        due: NaiveDate,
    },
    /// The latest milestone of a stage.
    Milestone { stage: Stage },
    /// An answer of the questionnaire.
    Question { question: QuestionId },
    /// The network's filed level.
    FiledLevel,
    /// The client's details or contacts.
    Client,
}

/// One reason a network needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub tier: Tier,
    /// What to do next, in words: "book the evaluation".
    pub action: String,
    /// Why: "evaluation overdue by 40 days".
    pub why: String,
    /// Days left (negative: overdue) for a date, days waited for a stalled
    /// stage; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    pub place: Place,
    /// Within its tier, lower is more pressing: the days left of a date,
    /// minus the days waited of a stall, -1 for a level filed too low.
    #[serde(skip)]
    pub rank: i64,
    /// What the reason says, as data, so that the case manager can say it
    /// in the interface language (`labels::reason_sentence`); `None`
    /// says `action` and `why` as they are. Not in the JSON.
    #[serde(skip)]
    pub words: Option<Words>,
}

/// A reason's next action and why, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Words {
    /// An obligation overdue or due.
    Due {
        kind: DueKind,
        days: i64,
        due: NaiveDate,
        action: crate::domain::labels::Label,
    },
    /// The filed level is not the computed one.
    Regrade {
        filed: Level,
        computed: Level,
        higher: bool,
    },
    /// A stage recorded and the next one not, for too long.
    Stalled {
        stage: Stage,
        waited: i64,
        next: Stage,
        action: crate::domain::labels::Label,
    },
    /// Open answers could raise the level.
    Provisional {
        level: Level,
        max: Level,
        questions: Vec<QuestionId>,
    },
    /// Facts the filing needs from the client.
    Missing { facts: Vec<Fact> },
    /// Fixes past their due date: how many, the worst risk among them, the
    /// days since the most overdue of that risk was due (negative), and
    /// its owner (may be empty).
    FindingsOverdue {
        count: usize,
        worst: crate::domain::gaps::Risk,
        days: i64,
        owner: String,
    },
    /// High-risk gaps open with the evaluation `days` away (negative:
    /// past) on `due`.
    HighBeforeEvaluation {
        count: usize,
        days: i64,
        due: NaiveDate,
    },
    /// High or medium gaps open (`open`) and no status change for
    /// `waited` days.
    RectificationStalled { waited: i64, open: usize },
}

/// A fact the filing needs from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Contact,
    CreditCode,
    Address,
}

impl Reason {
    /// The order reasons are ranked in: tier, then the more pressing.
    pub fn urgency(&self) -> (Tier, i64) {
        (self.tier, self.rank)
    }

    /// `book the evaluation (evaluation overdue by 40 days)`.
    pub fn sentence(&self) -> String {
        format!("{} ({})", self.action, self.why)
    }
}

/// A network that needs attention, with every reason, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriageRow {
    pub client_id: ClientId,
    pub network_id: NetworkId,
    pub client: String,
    pub client_zh: String,
    pub network: String,
    pub level: u8,
    /// While open answers could raise the level: the highest it could be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_level: Option<u8>,
    pub reasons: Vec<Reason>,
    /// The network's rectification progress (`12/40 fixed, 2 high open, 3
    /// overdue`); left out when it has no gaps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rectification: Option<findings::Rectification>,
}

impl TriageRow {
    /// The most urgent reason (a row has at least one).
    pub fn first(&self) -> &Reason {
        &self.reasons[0]
    }

    /// The level as tables show it: `3`, or `1–4?` while provisional.
    pub fn level_mark(&self) -> String {
        match self.max_level {
            Some(most) => format!("{}–{most}?", self.level),
            None => self.level.to_string(),
        }
    }
}

/// How the triage list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Urgency,
    /// The nearest date first (rows without one last).
    Due,
    Client,
    /// The highest level first.
    Level,
}

impl SortBy {
    /// The next sort, as `s` cycles them.
    pub fn next(self) -> SortBy {
        match self {
            SortBy::Urgency => SortBy::Due,
            SortBy::Due => SortBy::Client,
            SortBy::Client => SortBy::Level,
            SortBy::Level => SortBy::Urgency,
        }
    }

    pub fn label(self) -> &'static str {
        crate::domain::labels::sort_by(self).en
    }
}

/// Sorts rows; ties keep urgency order, then client and network names.
pub fn sort(rows: &mut [TriageRow], by: SortBy) {
    // Each row's key is made once (the names lowercased once), not on
    // every comparison: a book of 50 000 clients has some 100 000 rows.
    rows.sort_by_cached_key(|r| {
        let names = (r.client.to_lowercase(), r.network.to_lowercase());
        let primary = match by {
            SortBy::Urgency => Primary::Equal,
            // No date sorts last.
            SortBy::Due => (r.reasons.iter())
                .filter_map(|x| match x.place {
                    Place::Deadline { due, .. } => Some(due),
                    _ => None,
                })
                .min()
                .map_or(Primary::NoDate, Primary::Date),
            SortBy::Client => Primary::Name(names.0.clone()),
            SortBy::Level => {
                Primary::Level(std::cmp::Reverse(r.level.max(r.max_level.unwrap_or(0))))
            }
        };
        (primary, r.first().urgency(), names)
    });
}

/// What a sort puts first, before urgency and the names.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Primary {
    Equal,
    Date(NaiveDate),
    NoDate,
    Name(String),
    Level(std::cmp::Reverse<u8>),
}

/// What triage needs besides the case: today, the due-soon window and the
/// stall thresholds.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub today: NaiveDate,
    pub due_soon_days: u32,
    pub stall_days: &'a StallDays,
}

/// The reasons `network` needs attention, most urgent first; empty when it
/// needs none. Its findings are not known: see [`reasons_with_findings`].
pub fn reasons(
    client: &Client,
    network: &Network,
    grade: &Grade,
    timeline: &Timeline,
    cx: Context<'_>,
) -> Vec<Reason> {
    reasons_with_findings(client, network, grade, timeline, &[], cx)
}

/// The reasons `network` with its `findings` needs attention, most urgent
/// first. Without findings these are exactly [`reasons`]; with them, the
/// findings' reasons join in (`findings::reasons`), and their own stall
/// replaces the stage stall of a case resting at the gap analysis.
pub fn reasons_with_findings(
    client: &Client,
    network: &Network,
    grade: &Grade,
    timeline: &Timeline,
    findings: &[crate::domain::gaps::Finding],
    cx: Context<'_>,
) -> Vec<Reason> {
    let mut out = Vec::new();
    let level = timeline.level;
    let next = next_stage(network, level);
    // Obligations overdue or due.
    for d in timeline.open() {
        let days = d.days_left(cx.today);
        let tier = match d.status(cx.today, cx.due_soon_days) {
            DueStatus::Overdue => Tier::Overdue,
            DueStatus::Due => Tier::Due,
            _ => continue,
        };
        let when = if days < 0 {
            format!("overdue by {} days", -days)
        } else if days == 0 {
            "due today".to_string()
        } else {
            format!("due in {days} days, {}", d.due)
        };
        let action = due_action(d.kind, next, level);
        out.push(Reason {
            tier,
            action: action.en.to_string(),
            why: format!("{} {when}", d.kind.label()),
            days: Some(days),
            place: Place::Deadline {
                kind: d.kind,
                due: d.due,
            },
            rank: days,
            words: Some(Words::Due {
                kind: d.kind,
                days,
                due: d.due,
                action,
            }),
        });
    }
    // Re-grading: filed below the computed level is the graver case.
    if let Some(filed) = network.filed_level
        && filed != grade.level
    {
        let (action, gap) = if grade.level > filed {
            ("re-grade and re-file at the higher level", -1)
        } else {
            ("re-confirm the level and re-file", 0)
        };
        out.push(Reason {
            tier: Tier::Regrading,
            action: action.to_string(),
            why: format!("filed {filed}, computed {}", grade.level),
            days: None,
            place: Place::FiledLevel,
            rank: gap,
            words: Some(Words::Regrade {
                filed,
                computed: grade.level,
                higher: grade.level > filed,
            }),
        });
    }
    // A stage recorded and the next one not, for too long.
    if let Some((stage, since)) = resting(network)
        && let Some(next) = next
        && let Some(limit) = cx.stall_days.of(stage)
        && (stage != Stage::GapAnalysis || findings.is_empty())
    {
        let waited = (cx.today - since).num_days();
        if waited > i64::from(limit) {
            out.push(Reason {
                tier: Tier::Stalled,
                action: stage_action(next).to_string(),
                why: format!("{stage} {waited} days ago and no {next} since"),
                days: Some(waited),
                place: Place::Milestone { stage },
                rank: -waited,
                words: Some(Words::Stalled {
                    stage,
                    waited,
                    next,
                    action: crate::domain::labels::stage_action(next),
                }),
            });
        }
    }
    // Open answers that could raise the level above the one worked to.
    if grade.provisional && grade.max_level > level {
        let questions: Vec<&str> = grade.could_raise.iter().map(|q| q.as_str()).collect();
        if let Some(first) = grade.could_raise.first() {
            out.push(Reason {
                tier: Tier::Provisional,
                action: format!("answer {}", questions.join(", ")),
                why: format!(
                    "level {level}, could be up to {} until answered",
                    grade.max_level
                ),
                days: None,
                place: Place::Question { question: *first },
                rank: 0,
                words: Some(Words::Provisional {
                    level,
                    max: grade.max_level,
                    questions: grade.could_raise.clone(),
                }),
            });
        }
    }
    // What the filing needs from the client.
    let mut missing: Vec<Fact> = Vec::new();
    if client.contacts.is_empty() {
        missing.push(Fact::Contact);
    }
    let filed = network
        .milestones
        .iter()
        .any(|m| m.stage == Stage::FilingSubmitted);
    if level.max(grade.level) >= Level::L2 && !filed {
        if client.credit_code.trim().is_empty() {
            missing.push(Fact::CreditCode);
        }
        if client.address.trim().is_empty() {
            missing.push(Fact::Address);
        }
    }
    if !missing.is_empty() {
        out.push(Reason {
            tier: Tier::MissingFacts,
            action: format!(
                "add {} to the client",
                missing
                    .iter()
                    .map(|f| crate::domain::labels::fact(*f).en)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            why: "the filing and the case need them".to_string(),
            days: None,
            place: Place::Client,
            rank: 0,
            words: Some(Words::Missing { facts: missing }),
        });
    }
    // The findings' reasons after the case's own: on a tie the case's
    // obligation comes first (the sort is stable).
    out.extend(findings::reasons(findings, timeline, cx));
    out.sort_by_key(Reason::urgency);
    out
}

/// The row of a network that needs attention; `None` when it needs none.
/// Its findings are not known: see [`row_with_findings`].
pub fn row(
    client: &Client,
    network: &Network,
    grade: &Grade,
    timeline: &Timeline,
    cx: Context<'_>,
) -> Option<TriageRow> {
    row_with_findings(client, network, grade, timeline, &[], cx)
}

/// The row of a network with its `findings`; `None` when it needs no
/// attention.
pub fn row_with_findings(
    client: &Client,
    network: &Network,
    grade: &Grade,
    timeline: &Timeline,
    findings: &[crate::domain::gaps::Finding],
    cx: Context<'_>,
) -> Option<TriageRow> {
    let reasons = reasons_with_findings(client, network, grade, timeline, findings, cx);
    (!reasons.is_empty()).then(|| TriageRow {
        client_id: client.id,
        network_id: network.id,
        client: client.display_name().to_string(),
        client_zh: client.name_zh.clone(),
        network: network.name.clone(),
        level: timeline.level.get(),
        max_level: (grade.provisional && network.filed_level.is_none())
            .then_some(grade.max_level.get()),
        reasons,
        rectification: findings::rectification(findings, cx.today),
    })
}

/// The stages a case of `level` goes through, in order.
fn path(level: Level) -> &'static [Stage] {
    use Stage::*;
    if level == Level::L1 {
        &[
            QuestionnaireSent,
            QuestionnaireReceived,
            InitialAssessment,
            SelfAssessment,
        ]
    } else {
        &[
            QuestionnaireSent,
            QuestionnaireReceived,
            InitialAssessment,
            AuditFirmSelected,
            ExpertReview,
            FilingSubmitted,
            CertificateIssued,
            GapAnalysis,
            RectificationDone,
            EvaluationPassed,
        ]
    }
}

/// The latest milestone: the stage the case rests at, and since when.
fn resting(network: &Network) -> Option<(Stage, NaiveDate)> {
    network.milestones.last().map(|m| (m.stage, m.date))
}

/// The stage the case expects next: the one after the latest milestone on
/// the level's path; `None` when the case is through it (renewals then
/// keep it going). A failed evaluation expects a new one.
pub fn next_stage(network: &Network, level: Level) -> Option<Stage> {
    let (stage, _) = resting(network)?;
    if stage == Stage::EvaluationFailed {
        return Some(Stage::EvaluationPassed);
    }
    let path = path(level);
    let at = path.iter().position(|s| *s == stage)?;
    path.get(at + 1).copied()
}

/// What to do to reach `stage`.
pub fn stage_action(stage: Stage) -> &'static str {
    crate::domain::labels::stage_action(stage).en
}

/// What to do about an obligation of `kind`.
fn due_action(kind: DueKind, next: Option<Stage>, level: Level) -> crate::domain::labels::Label {
    use crate::domain::labels as l;
    match kind {
        DueKind::SelfAssessment => l::DO_YEARLY_SELF_ASSESSMENT,
        DueKind::Evaluation => l::stage_action(Stage::EvaluationPassed),
        DueKind::Filing => l::stage_action(Stage::FilingSubmitted),
        DueKind::Certificate => l::stage_action(Stage::CertificateIssued),
        DueKind::CertificateExpiry => l::RENEW_CERTIFICATE,
        DueKind::FindingDue => l::CHASE_FIX_OWNER,
        DueKind::CaseDone => match next {
            Some(stage) => l::stage_action(stage),
            None if level == Level::L1 => l::stage_action(Stage::SelfAssessment),
            None => l::RECORD_LAST_MILESTONE,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::grading::{RuleSet, grade};
    use crate::domain::model::{Contact, Milestone};
    use crate::domain::timeline::{Intervals, timeline};

    fn d(s: &str) -> NaiveDate {
        crate::domain::calendar::parse_date(s).unwrap()
    }

    fn client(contacts: bool) -> Client {
        Client {
            id: ClientId(1),
            name: "Acme".into(),
            credit_code: "91310000MA1FL0XX3A".into(),
            address: "1 Road".into(),
            contacts: if contacts {
                vec![Contact {
                    name: "Li".into(),
                    ..Contact::default()
                }]
            } else {
                Vec::new()
            },
            ..Client::default()
        }
    }

    fn network(stages: &[(Stage, &str)]) -> Network {
        Network {
            id: NetworkId(2),
            client: ClientId(1),
            revision: 1,
            name: "CRM".into(),
            notes: String::new(),
            answers: crate::domain::questionnaire::Answers {
                pi_subjects: Some(2_000_000),
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

    fn reasons_on(c: &Client, n: &Network, today: &str) -> Vec<Reason> {
        let g = grade(&n.answers, &n.overrides, RuleSet::default());
        let t = timeline(n, g.level, &Intervals::default(), &Default::default());
        let stall = StallDays::default();
        reasons(
            c,
            n,
            &g,
            &t,
            Context {
                today: d(today),
                due_soon_days: 30,
                stall_days: &stall,
            },
        )
    }

    #[test]
    fn a_questionnaire_unanswered_for_weeks_is_stalled_with_its_next_action() {
        let n = network(&[(Stage::QuestionnaireSent, "2026-10-01")]);
        let r = reasons_on(&client(true), &n, "2026-11-28");
        let stalled = r.iter().find(|x| x.tier == Tier::Stalled).unwrap();
        assert_eq!(stalled.action, "chase the questionnaire answers");
        assert_eq!(stalled.days, Some(58));
        assert_eq!(
            stalled.why,
            "questionnaire_sent 58 days ago and no questionnaire_received since"
        );
        // Within its 14 days it is not.
        let r = reasons_on(&client(true), &n, "2026-10-10");
        assert!(r.iter().all(|x| x.tier != Tier::Stalled), "{r:?}");
    }

    #[test]
    fn an_overdue_filing_comes_first_and_says_what_to_do() {
        let n = network(&[
            (Stage::QuestionnaireReceived, "2026-09-01"),
            (Stage::ExpertReview, "2026-10-01"),
        ]);
        let r = reasons_on(&client(false), &n, "2026-11-28");
        assert_eq!(r[0].tier, Tier::Overdue);
        assert_eq!(
            r[0].action,
            "submit the filing to the public security bureau"
        );
        assert!(
            r[0].why.starts_with("filing deadline overdue by "),
            "{}",
            r[0].why
        );
        // The missing contact and credit code come last.
        let last = r.last().unwrap();
        assert_eq!(last.tier, Tier::MissingFacts);
        assert_eq!(last.action, "add a contact to the client");
    }

    #[test]
    fn a_filed_level_below_the_computed_one_is_re_graded_first_of_its_tier() {
        let mut n = network(&[(Stage::CertificateIssued, "2026-11-20")]);
        n.filed_level = Level::new(2);
        let r = reasons_on(&client(true), &n, "2026-11-28");
        let regrade = r.iter().find(|x| x.tier == Tier::Regrading).unwrap();
        assert_eq!(regrade.why, "filed 2, computed 3");
        assert_eq!(regrade.action, "re-grade and re-file at the higher level");
    }

    #[test]
    fn a_case_through_its_path_and_in_date_needs_nothing() {
        let mut n = network(&[(Stage::EvaluationPassed, "2026-06-01")]);
        n.answers = crate::domain::questionnaire::Answers::default();
        n.answers.cii = Some(false);
        let all_answered = {
            let mut a = n.clone();
            a.answers.pi_subjects = Some(0);
            a
        };
        let r = reasons_on(&client(true), &all_answered, "2026-11-28");
        assert!(
            r.iter()
                .all(|x| x.tier == Tier::Provisional || x.tier == Tier::Due),
            "{r:?}"
        );
        assert!(r.iter().all(|x| x.tier != Tier::Stalled));
    }

    #[test]
    fn sorting_cycles_and_orders() {
        assert_eq!(SortBy::Urgency.next().next().next().next(), SortBy::Urgency);
        let n = network(&[(Stage::QuestionnaireSent, "2026-10-01")]);
        let c = client(true);
        let g = grade(&n.answers, &n.overrides, RuleSet::default());
        let t = timeline(&n, g.level, &Intervals::default(), &Default::default());
        let stall = StallDays::default();
        let cx = Context {
            today: d("2026-11-28"),
            due_soon_days: 30,
            stall_days: &stall,
        };
        let a = row(&c, &n, &g, &t, cx).unwrap();
        let mut b = a.clone();
        b.client = "Zeta".into();
        b.level = 1;
        b.max_level = None;
        let mut rows = vec![b.clone(), a.clone()];
        sort(&mut rows, SortBy::Client);
        assert_eq!(rows[0].client, "Acme");
        sort(&mut rows, SortBy::Level);
        assert_eq!(rows[0].client, "Acme", "level {} first", a.level);
    }
}
