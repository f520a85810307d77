//! The grading engine (domain spec sections 3 to 6): questionnaire answers
//! to harm, harm to level, floors, warnings and open questions. Pure code;
//! every result names the rules that produced it.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::domain::model::{Aspect, Degree, HarmedObject, Level, Overrides};
use crate::domain::questionnaire::{
    Answers, DataCategory, Deployment, ObjectType, QuestionId, group_thousands,
};
use crate::id_enum;

id_enum!(
    /// Which reading of the level matrix to use.
    RuleSet {
        /// The June 2018 draft Regulation: particularly serious harm to
        /// citizens is level 3. The default.
        Conservative => "conservative",
        /// The final standard GB/T 22240-2020: that cell is level 2.
        Gbt22240 => "gbt22240",
    }
);

// `id_enum!` owns the derive list, so the default is spelled out here.
#[allow(clippy::derivable_impls)]
impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::Conservative
    }
}

impl RuleSet {
    pub fn other(self) -> RuleSet {
        match self {
            RuleSet::Conservative => RuleSet::Gbt22240,
            RuleSet::Gbt22240 => RuleSet::Conservative,
        }
    }

    /// How the rule set is named in sentences.
    pub fn title(self) -> &'static str {
        match self {
            RuleSet::Conservative => "the 2018 draft Regulation",
            RuleSet::Gbt22240 => "GB/T 22240",
        }
    }
}

/// The level matrix (section 3).
pub fn matrix(rules: RuleSet, object: HarmedObject, degree: Degree) -> Level {
    use Degree::*;
    use HarmedObject::*;
    match (object, degree) {
        (Citizens, General) => Level::L1,
        (Citizens, Serious) => Level::L2,
        (Citizens, ParticularlySerious) => match rules {
            RuleSet::Gbt22240 => Level::L2,
            RuleSet::Conservative => Level::L3,
        },
        (SocialOrder, General) => Level::L2,
        (SocialOrder, Serious) => Level::L3,
        (SocialOrder, ParticularlySerious) => Level::L4,
        (NationalSecurity, General) => Level::L3,
        (NationalSecurity, Serious) => Level::L4,
        (NationalSecurity, ParticularlySerious) => Level::L5,
    }
}

id_enum!(
    /// The rule that decided an aspect's harm.
    RuleId {
        S1 => "S1", S2 => "S2", S3 => "S3", S4 => "S4", S5 => "S5", S6 => "S6",
        A1 => "A1", A2 => "A2", A3 => "A3", A4 => "A4", A5 => "A5", A6 => "A6",
        /// Set by hand by the consultant, with a justification.
        Override => "override",
    }
);

id_enum!(
    /// Floors: the level can only go up.
    FloorId {
        Cii => "F-CII",
        BigData => "F-BIGDATA",
        Host => "F-HOST",
    }
);

id_enum!(
    /// Notes shown beside the level; they never change it.
    WarningId {
        Cloud => "W-CLOUD",
        CrossBorder => "W-XBORDER",
        Open => "W-OPEN",
    }
);

/// The harm and level of one aspect, with the rule and the facts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AspectGrade {
    pub object: HarmedObject,
    pub degree: Degree,
    pub level: Level,
    pub rule: RuleId,
    /// The facts that made the rule fire, e.g. "250 000 PI subjects".
    pub reason: String,
}

/// A floor that raised the level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FloorHit {
    pub rule: FloorId,
    pub level: Level,
    pub reason: String,
}

/// The full result of grading one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grade {
    pub level: Level,
    pub rules: RuleSet,
    /// The level under the other rule set.
    pub other_rules_level: Level,
    pub business_information: AspectGrade,
    pub system_service: AspectGrade,
    /// Only the floors that raised the level above max(S, A).
    pub floors: Vec<FloorHit>,
    pub warnings: Vec<WarningId>,
    /// Unanswered questions, in questionnaire order.
    pub open_questions: Vec<QuestionId>,
    /// The open questions whose answer could raise the level.
    pub could_raise: Vec<QuestionId>,
    /// The highest level the open questions could lead to, each unknown at
    /// its worst value, floors included: the level itself when none could
    /// raise it.
    pub max_level: Level,
    /// `max_level` is above `level`: the level could still go up.
    pub provisional: bool,
}

impl Grade {
    /// Whether the level is provisional: until the open questions are
    /// answered, it could be higher.
    pub fn is_provisional(&self) -> bool {
        self.provisional
    }

    /// The level as lists show it: `3`, or `1–4?` while open answers could
    /// raise it to 4.
    pub fn level_mark(&self) -> String {
        level_mark(self.level, self.max_level)
    }

    /// What the provisional level means, in words, e.g. `provisional: up
    /// to 4 until cii, pi_subjects, … are answered`, naming at most
    /// `names` questions; `None` when the level is firm.
    pub fn provisional_words(&self, names: usize) -> Option<String> {
        self.is_provisional().then(|| {
            let mut list: Vec<&str> = self
                .could_raise
                .iter()
                .take(names.max(1))
                .map(|q| q.as_str())
                .collect();
            if self.could_raise.len() > list.len() {
                list.push("…");
            }
            format!(
                "provisional: up to {} until {} {} answered",
                self.max_level,
                list.join(", "),
                if self.could_raise.len() == 1 {
                    "is"
                } else {
                    "are"
                }
            )
        })
    }

    pub fn aspect(&self, aspect: Aspect) -> &AspectGrade {
        match aspect {
            Aspect::BusinessInformation => &self.business_information,
            Aspect::SystemService => &self.system_service,
        }
    }

    /// One line that answers "why this level?", e.g.
    /// `Level 3 · S citizens/particularly serious (S4: 250 000 PI subjects)
    /// · A citizens/serious (A5: serves the public) · GB/T 22240 gives 2`.
    pub fn explain(&self) -> String {
        let aspect = |letter: &str, g: &AspectGrade| {
            format!(
                "{letter} {}/{} ({}: {})",
                g.object,
                g.degree.words(),
                g.rule,
                g.reason
            )
        };
        let head = match self.provisional_words(usize::MAX) {
            Some(words) => format!("Level {}, {words}", self.level),
            None => format!("Level {}", self.level),
        };
        let mut parts = vec![
            head,
            aspect("S", &self.business_information),
            aspect("A", &self.system_service),
        ];
        for f in &self.floors {
            parts.push(format!("{} raises to {} ({})", f.rule, f.level, f.reason));
        }
        if self.other_rules_level != self.level {
            parts.push(format!(
                "{} gives {}",
                self.rules.other().title(),
                self.other_rules_level
            ));
        }
        parts.join(" · ")
    }
}

/// A level as lists show it: `3`, or `1–4?` while it could be up to 4.
pub fn level_mark(level: Level, max_level: Level) -> String {
    if max_level > level {
        format!("{level}–{max_level}?")
    } else {
        level.to_string()
    }
}

/// The answers with every unknown at the value that raises nothing.
struct Facts<'a> {
    object_type: ObjectType,
    cii: bool,
    categories: &'a BTreeSet<DataCategory>,
    pi: u64,
    sensitive: u64,
    public_facing: bool,
    public_opinion: bool,
    outage: u64,
    hosted_max_level: u8,
    deployment: Deployment,
    cloud_provider_level: u8,
    cross_border: bool,
}

static NO_CATEGORIES: BTreeSet<DataCategory> = BTreeSet::new();

impl<'a> Facts<'a> {
    fn of(a: &'a Answers) -> Facts<'a> {
        Facts {
            object_type: a.object_type.unwrap_or(ObjectType::InformationSystem),
            cii: a.cii.unwrap_or(false),
            categories: a.data_categories.as_ref().unwrap_or(&NO_CATEGORIES),
            pi: a.pi_subjects.unwrap_or(0),
            sensitive: a.sensitive_pi_subjects.unwrap_or(0),
            public_facing: a.public_facing.unwrap_or(false),
            public_opinion: a.public_opinion.unwrap_or(false),
            outage: a.outage_affected_people.unwrap_or(0),
            hosted_max_level: a.hosted_max_level.unwrap_or(0),
            deployment: a.deployment.unwrap_or(Deployment::OnPremises),
            cloud_provider_level: a.cloud_provider_level.unwrap_or(0),
            cross_border: a.cross_border_transfer.unwrap_or(false),
        }
    }

    /// Whether the network processes personal information at all: a head
    /// count, or a personal data category ticked.
    fn has_personal_information(&self) -> bool {
        self.pi > 0 || self.sensitive > 0 || self.categories.iter().any(|c| c.is_personal())
    }
}

/// PI thresholds (section 5), reused from the personal-information export
/// rules.
pub const PI_SERIOUS: u64 = 100_000;
pub const PI_SOCIAL: u64 = 1_000_000;
pub const SENSITIVE_SERIOUS: u64 = 10_000;
pub const SENSITIVE_SOCIAL: u64 = 100_000;
pub const OUTAGE_GENERAL: u64 = 100_000;
pub const OUTAGE_SOCIAL: u64 = 1_000_000;

fn scale_reason(f: &Facts, pi_threshold: u64, sensitive_threshold: u64) -> Option<String> {
    if f.pi >= pi_threshold {
        Some(format!("{} PI subjects", group_thousands(f.pi)))
    } else if f.sensitive >= sensitive_threshold {
        Some(format!(
            "{} sensitive-PI subjects",
            group_thousands(f.sensitive)
        ))
    } else {
        None
    }
}

/// S heuristics: the first rule that matches wins.
fn business_information(f: &Facts) -> (RuleId, HarmedObject, Degree, String) {
    use Degree::*;
    use HarmedObject::*;
    if f.categories.contains(&DataCategory::Core) {
        return (
            RuleId::S1,
            NationalSecurity,
            Serious,
            "data includes core data".into(),
        );
    }
    if f.categories.contains(&DataCategory::Important) {
        return (
            RuleId::S2,
            SocialOrder,
            Serious,
            "data includes important data".into(),
        );
    }
    if let Some(why) = scale_reason(f, PI_SOCIAL, SENSITIVE_SOCIAL) {
        return (RuleId::S3, SocialOrder, Serious, why);
    }
    if let Some(why) = scale_reason(f, PI_SERIOUS, SENSITIVE_SERIOUS) {
        return (RuleId::S4, Citizens, ParticularlySerious, why);
    }
    let sensitive: Vec<&str> = f
        .categories
        .iter()
        .filter(|c| c.is_sensitive())
        .map(|c| c.as_str())
        .collect();
    if !sensitive.is_empty() {
        return (
            RuleId::S5,
            Citizens,
            Serious,
            format!("sensitive data: {}", sensitive.join(", ")),
        );
    }
    if f.has_personal_information() {
        let why = if f.pi > 0 {
            format!("{} PI subjects", group_thousands(f.pi))
        } else {
            "personal information processed".to_string()
        };
        return (RuleId::S5, Citizens, Serious, why);
    }
    (
        RuleId::S6,
        Citizens,
        General,
        "no personal, important or core data".into(),
    )
}

/// A heuristics: the first rule that matches wins.
fn system_service(f: &Facts) -> (RuleId, HarmedObject, Degree, String) {
    use Degree::*;
    use HarmedObject::*;
    if f.cii {
        return (
            RuleId::A1,
            NationalSecurity,
            General,
            "critical information infrastructure".into(),
        );
    }
    if f.public_opinion {
        return (
            RuleId::A2,
            SocialOrder,
            Serious,
            "public-opinion attributes or social mobilisation capacity".into(),
        );
    }
    if f.outage >= OUTAGE_SOCIAL {
        return (
            RuleId::A3,
            SocialOrder,
            Serious,
            format!("outage affects {} people", group_thousands(f.outage)),
        );
    }
    if f.outage >= OUTAGE_GENERAL {
        return (
            RuleId::A4,
            SocialOrder,
            General,
            format!("outage affects {} people", group_thousands(f.outage)),
        );
    }
    if f.public_facing {
        return (
            RuleId::A5,
            Citizens,
            Serious,
            "serves the public over the internet".into(),
        );
    }
    (
        RuleId::A6,
        Citizens,
        General,
        "internal service, limited outage impact".into(),
    )
}

fn aspect_grade(aspect: Aspect, f: &Facts, overrides: &Overrides, rules: RuleSet) -> AspectGrade {
    let (rule, object, degree, reason) = match overrides.get(aspect) {
        Some(o) => (
            RuleId::Override,
            o.object,
            o.degree,
            o.justification.clone(),
        ),
        None => match aspect {
            Aspect::BusinessInformation => business_information(f),
            Aspect::SystemService => system_service(f),
        },
    };
    AspectGrade {
        object,
        degree,
        level: matrix(rules, object, degree),
        rule,
        reason,
    }
}

/// Every floor whose condition holds, with its level.
fn floors(f: &Facts) -> Vec<FloorHit> {
    let mut out = Vec::new();
    if f.cii {
        out.push(FloorHit {
            rule: FloorId::Cii,
            level: Level::L3,
            reason: "critical information infrastructure".into(),
        });
    }
    if f.object_type == ObjectType::BigData && f.has_personal_information() {
        out.push(FloorHit {
            rule: FloorId::BigData,
            level: Level::L3,
            reason: "big-data platform processing personal information".into(),
        });
    }
    // Any stated hosted level counts, whatever the object type: a network
    // that hosts others is a platform for them.
    if let Some(level) = Level::new(f.hosted_max_level) {
        out.push(FloorHit {
            rule: FloorId::Host,
            level,
            reason: format!("hosts networks up to level {level}"),
        });
    }
    out
}

struct Core {
    level: Level,
    s: AspectGrade,
    a: AspectGrade,
    floors: Vec<FloorHit>,
}

fn core(answers: &Answers, overrides: &Overrides, rules: RuleSet) -> Core {
    let f = Facts::of(answers);
    let s = aspect_grade(Aspect::BusinessInformation, &f, overrides, rules);
    let a = aspect_grade(Aspect::SystemService, &f, overrides, rules);
    let base = s.level.max(a.level);
    let raising: Vec<FloorHit> = floors(&f).into_iter().filter(|h| h.level > base).collect();
    let level = raising.iter().map(|h| h.level).fold(base, Level::max);
    Core {
        level,
        s,
        a,
        floors: raising,
    }
}

/// The level alone, without the explanation.
pub fn level(answers: &Answers, overrides: &Overrides, rules: RuleSet) -> Level {
    core(answers, overrides, rules).level
}

/// The level and the highest level the open answers could lead to,
/// without the explanation.
pub fn level_range(answers: &Answers, overrides: &Overrides, rules: RuleSet) -> (Level, Level) {
    let level = level(answers, overrides, rules);
    let open = answers.unanswered();
    (
        level,
        worst_level(answers, overrides, rules, &open).max(level),
    )
}

/// Grades one network.
pub fn grade(answers: &Answers, overrides: &Overrides, rules: RuleSet) -> Grade {
    let Core {
        level,
        s,
        a,
        floors,
    } = core(answers, overrides, rules);
    let other_rules_level = core(answers, overrides, rules.other()).level;
    let f = Facts::of(answers);

    let open_questions = answers.unanswered();
    let mut could_raise: Vec<QuestionId> = open_questions
        .iter()
        .copied()
        .filter(|q| {
            worst_cases(answers, *q)
                .iter()
                .any(|w| core(w, overrides, rules).level > level)
        })
        .collect();
    let max_level = worst_level(answers, overrides, rules, &open_questions).max(level);
    if max_level > level && could_raise.is_empty() {
        // Only together could they raise it: name every one a rule reads.
        could_raise = open_questions
            .iter()
            .copied()
            .filter(|q| !worst_cases(answers, *q).is_empty())
            .collect();
    }

    let mut warnings = Vec::new();
    if matches!(f.deployment, Deployment::Cloud | Deployment::Hybrid)
        && f.cloud_provider_level < level.get()
    {
        warnings.push(WarningId::Cloud);
    }
    if f.cross_border && (f.pi >= PI_SERIOUS || f.sensitive >= SENSITIVE_SERIOUS) {
        warnings.push(WarningId::CrossBorder);
    }
    if !could_raise.is_empty() {
        warnings.push(WarningId::Open);
    }

    Grade {
        level,
        rules,
        other_rules_level,
        business_information: s,
        system_service: a,
        floors,
        warnings,
        open_questions,
        could_raise,
        max_level,
        provisional: max_level > level,
    }
}

/// The level with every open question at its worst value at once: the
/// highest level the open answers could lead to.
fn worst_level(
    answers: &Answers,
    overrides: &Overrides,
    rules: RuleSet,
    open: &[QuestionId],
) -> Level {
    // Each open question's worst values, applied one question after another;
    // a question with several candidates (the object type) branches.
    let mut worlds = vec![answers.clone()];
    for q in open {
        let mut next = Vec::new();
        for world in &worlds {
            let cases = worst_cases(world, *q);
            if cases.is_empty() {
                next.push(world.clone());
            } else {
                next.extend(cases);
            }
        }
        worlds = next;
    }
    worlds
        .iter()
        .map(|w| core(w, overrides, rules).level)
        .max()
        .unwrap_or(Level::L1)
}

/// The answers an unknown question could turn out to have that would raise
/// the level most. Empty for questions no rule reads.
fn worst_cases(answers: &Answers, q: QuestionId) -> Vec<Answers> {
    use QuestionId as Q;
    let with = |set: &dyn Fn(&mut Answers)| {
        let mut a = answers.clone();
        set(&mut a);
        a
    };
    match q {
        Q::ObjectType => ObjectType::ALL
            .iter()
            .map(|t| with(&|a| a.object_type = Some(*t)))
            .collect(),
        Q::Cii => vec![with(&|a| a.cii = Some(true))],
        Q::DataCategories => {
            vec![with(&|a| {
                a.data_categories = Some(DataCategory::ALL.iter().copied().collect())
            })]
        }
        Q::PiSubjects => vec![with(&|a| a.pi_subjects = Some(u64::MAX))],
        // pi_subjects counts the sensitive ones too, so it caps them.
        Q::SensitivePiSubjects => {
            let most = answers.pi_subjects.unwrap_or(u64::MAX);
            vec![with(&|a| a.sensitive_pi_subjects = Some(most))]
        }
        Q::PublicFacing => vec![with(&|a| a.public_facing = Some(true))],
        Q::PublicOpinion => vec![with(&|a| a.public_opinion = Some(true))],
        Q::OutageAffectedPeople => vec![with(&|a| a.outage_affected_people = Some(u64::MAX))],
        // Only a platform hosts others; an unknown object type may be one.
        Q::HostedMaxLevel if answers.object_type.is_none_or(|t| t.is_platform()) => {
            vec![with(&|a| a.hosted_max_level = Some(5))]
        }
        Q::HostedMaxLevel
        | Q::Sector
        | Q::RegisteredUsers
        | Q::Deployment
        | Q::CloudProvider
        | Q::CloudProviderLevel
        | Q::CrossBorderTransfer
        | Q::ArchitectureNotes => Vec::new(),
    }
}
