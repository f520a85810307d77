//! The case model: clients, their networks (grading objects), overrides and
//! milestones. Every type validates what enters it and names the field.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::questionnaire::Answers;
use crate::id_enum;

/// A protection level, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u8")]
pub struct Level(u8);

impl Level {
    pub const L1: Level = Level(1);
    pub const L2: Level = Level(2);
    pub const L3: Level = Level(3);
    pub const L4: Level = Level(4);
    pub const L5: Level = Level(5);

    /// A level from its number; `None` outside 1-5.
    pub fn new(n: u8) -> Option<Level> {
        (1..=5).contains(&n).then_some(Level(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The level's name under MLPS 2.0, Chinese and English.
    pub fn name(self) -> String {
        crate::domain::labels::level_name(self).zh_en()
    }
}

impl TryFrom<u64> for Level {
    type Error = String;
    fn try_from(n: u64) -> Result<Self, String> {
        u8::try_from(n)
            .ok()
            .and_then(Level::new)
            .ok_or_else(|| format!("invalid level {n}: expected a level from 1 to 5"))
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l.0
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment in tables.
        f.pad(&self.0.to_string())
    }
}

id_enum!(
    /// Whose interests damage to the network would harm.
    HarmedObject {
        Citizens => "citizens",
        SocialOrder => "social_order",
        NationalSecurity => "national_security",
    }
);

id_enum!(
    /// How badly.
    Degree {
        General => "general",
        Serious => "serious",
        ParticularlySerious => "particularly_serious",
    }
);

impl Degree {
    /// "particularly serious", for sentences.
    pub fn words(self) -> &'static str {
        crate::domain::labels::degree(self).en
    }
}

id_enum!(
    /// The two aspects a network is judged on.
    Aspect {
        /// S: harm if its data is leaked, tampered with or lost.
        BusinessInformation => "business_information",
        /// A: harm if its service is disrupted.
        SystemService => "system_service",
    }
);

/// A consultant's hand-set harm for one aspect. It replaces the heuristic
/// for that aspect; floors still apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HarmOverride {
    pub object: HarmedObject,
    pub degree: Degree,
    pub justification: String,
}

/// Overrides of a network, at most one per aspect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_information: Option<HarmOverride>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_service: Option<HarmOverride>,
}

impl Overrides {
    pub fn get(&self, aspect: Aspect) -> Option<&HarmOverride> {
        match aspect {
            Aspect::BusinessInformation => self.business_information.as_ref(),
            Aspect::SystemService => self.system_service.as_ref(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.business_information.is_none() && self.system_service.is_none()
    }

    /// Cleans the justifications and requires each to say something.
    pub fn validate(&mut self) -> Result<(), FieldError> {
        for (aspect, o) in [
            (Aspect::BusinessInformation, &mut self.business_information),
            (Aspect::SystemService, &mut self.system_service),
        ] {
            if let Some(o) = o {
                o.justification = crate::text::clean_multiline(&o.justification);
                if o.justification.trim().is_empty() {
                    return Err(FieldError::new(
                        format!("{aspect}.justification"),
                        "an override needs a written justification",
                    ));
                }
            }
        }
        Ok(())
    }
}

id_enum!(
    /// Milestones of a filing case, in their usual order.
    Stage {
        QuestionnaireSent => "questionnaire_sent",
        QuestionnaireReceived => "questionnaire_received",
        InitialAssessment => "initial_assessment",
        SelfAssessment => "self_assessment",
        AuditFirmSelected => "audit_firm_selected",
        ExpertReview => "expert_review",
        FilingSubmitted => "filing_submitted",
        GapAnalysis => "gap_analysis",
        RectificationDone => "rectification_done",
        EvaluationPassed => "evaluation_passed",
        /// An evaluation done and not passed: the renewal stays open.
        EvaluationFailed => "evaluation_failed",
        CertificateIssued => "certificate_issued",
    }
);

impl Stage {
    /// What the stage means, for tables and help.
    pub fn meaning(self) -> &'static str {
        match self {
            Stage::QuestionnaireSent => "questionnaire sent to the client",
            Stage::QuestionnaireReceived => "answers received: the case clock starts",
            Stage::InitialAssessment => "likely level proposed",
            Stage::SelfAssessment => "level 1 self-assessment completed",
            Stage::AuditFirmSelected => "licensed evaluation body engaged",
            Stage::ExpertReview => "grading confirmed by expert review",
            Stage::FilingSubmitted => "filing submitted to the public security bureau",
            Stage::GapAnalysis => "gap against the level's requirements reported",
            Stage::RectificationDone => "required changes made",
            Stage::EvaluationPassed => "evaluation (测评) passed",
            Stage::EvaluationFailed => "evaluation (测评) done and not passed",
            Stage::CertificateIssued => "filing certificate (备案证明) received",
        }
    }

    /// An evaluation's result: it carries a score, a conclusion and the
    /// risks found.
    pub fn is_evaluation(self) -> bool {
        matches!(self, Stage::EvaluationPassed | Stage::EvaluationFailed)
    }

    /// A step of the filing: it records the level filed
    /// (`filing_submitted`) or confirmed (`certificate_issued`).
    pub fn is_filing(self) -> bool {
        matches!(self, Stage::FilingSubmitted | Stage::CertificateIssued)
    }
}

id_enum!(
    /// Evaluation conclusion of the GB/T 28448 report template.
    Conclusion {
        Excellent => "excellent",
        Good => "good",
        Fair => "fair",
        Poor => "poor",
    }
);

impl Conclusion {
    /// The conclusion a score and the risks found give (domain spec
    /// section 8). Unknown risk counts are taken as none, so this is the
    /// best conclusion the score allows.
    pub fn from_score(score: f64, high_risks: u32, medium_risks: u32) -> Conclusion {
        if high_risks > 0 || score < 70.0 {
            Conclusion::Poor
        } else if score >= 90.0 && medium_risks == 0 {
            Conclusion::Excellent
        } else if score >= 80.0 {
            Conclusion::Good
        } else {
            Conclusion::Fair
        }
    }

    /// Pass means fair or better.
    pub fn passes(self) -> bool {
        self != Conclusion::Poor
    }

    pub fn chinese(self) -> &'static str {
        crate::domain::labels::conclusion(self).zh
    }
}

/// One recorded step of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub stage: Stage,
    #[serde(with = "crate::domain::calendar::date_serde")]
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Evaluation score, 0-100 (`evaluation_passed`, `evaluation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Evaluation conclusion (`evaluation_passed`, `evaluation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<Conclusion>,
    /// High risks left open by the evaluation (`evaluation_passed`,
    /// `evaluation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_risks: Option<u32>,
    /// Medium risks left open by the evaluation (`evaluation_passed`,
    /// `evaluation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium_risks: Option<u32>,
    /// Filing certificate number (`certificate_issued` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The level filed (`filing_submitted`) or confirmed by the
    /// certificate (`certificate_issued`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
}

impl Milestone {
    pub fn new(stage: Stage, date: NaiveDate) -> Milestone {
        Milestone {
            stage,
            date,
            note: String::new(),
            score: None,
            conclusion: None,
            high_risks: None,
            medium_risks: None,
            number: None,
            level: None,
        }
    }

    /// The conclusion recorded, else the one the score and risks give; a
    /// failed evaluation without one concluded poor.
    pub fn effective_conclusion(&self) -> Option<Conclusion> {
        if self.stage == Stage::EvaluationFailed {
            return Some(self.conclusion.unwrap_or(Conclusion::Poor));
        }
        self.conclusion.or_else(|| {
            self.score.map(|s| {
                Conclusion::from_score(
                    s,
                    self.high_risks.unwrap_or(0),
                    self.medium_risks.unwrap_or(0),
                )
            })
        })
    }

    /// Cleans the text fields and checks that the evaluation and
    /// certificate details sit on the right stage and agree with each other.
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.note = crate::text::clean_multiline(&self.note);
        let is_eval = self.stage.is_evaluation();
        for (field, present) in [
            ("score", self.score.is_some()),
            ("conclusion", self.conclusion.is_some()),
            ("high_risks", self.high_risks.is_some()),
            ("medium_risks", self.medium_risks.is_some()),
        ] {
            if present && !is_eval {
                return Err(FieldError::new(
                    field,
                    format!(
                        "only an evaluation_passed or evaluation_failed milestone has a {field}, not {}",
                        self.stage
                    ),
                ));
            }
        }
        if self.number.is_some() && self.stage != Stage::CertificateIssued {
            return Err(FieldError::new(
                "number",
                format!(
                    "only a certificate_issued milestone has a certificate number, not {}",
                    self.stage
                ),
            ));
        }
        if self.level.is_some() && !self.stage.is_filing() {
            return Err(FieldError::new(
                "level",
                format!(
                    "only a filing_submitted or certificate_issued milestone records a level, not {}",
                    self.stage
                ),
            ));
        }
        if let Some(n) = &mut self.number {
            *n = crate::text::clean_line(n);
            if n.is_empty() || n.chars().count() > 64 {
                return Err(FieldError::new(
                    "number",
                    "a certificate number is 1 to 64 characters",
                ));
            }
        }
        if let Some(score) = self.score
            && !(0.0..=100.0).contains(&score)
        {
            return Err(FieldError::new(
                "score",
                format!("{score} is not a score from 0 to 100"),
            ));
        }
        match self.stage {
            Stage::EvaluationPassed => self.validate_pass(),
            Stage::EvaluationFailed => match self.conclusion {
                Some(c) if c.passes() => Err(FieldError::new(
                    "conclusion",
                    format!(
                        "an evaluation_failed milestone concludes poor, not {c}: \
                         record a pass as evaluation_passed"
                    ),
                )),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// An `evaluation_passed` milestone's details must give a pass.
    fn validate_pass(&self) -> Result<(), FieldError> {
        if let Some(conclusion) = self.conclusion
            && !conclusion.passes()
        {
            return Err(FieldError::new(
                "conclusion",
                "an evaluation_passed milestone can't conclude poor: pass means fair or better; \
                 record it as evaluation_failed",
            ));
        }
        if let Some(score) = self.score {
            let best = Conclusion::from_score(
                score,
                self.high_risks.unwrap_or(0),
                self.medium_risks.unwrap_or(0),
            );
            if !best.passes() {
                let why = if self.high_risks.unwrap_or(0) > 0 {
                    "high risks remain".to_string()
                } else {
                    format!("a score of {score} is below 70")
                };
                return Err(FieldError::new(
                    "score",
                    format!(
                        "{why}, so the evaluation did not pass: record it as evaluation_failed"
                    ),
                ));
            }
            if let Some(stated) = self.conclusion {
                // Conclusions order best first, so a smaller one is better.
                if stated < best {
                    return Err(FieldError::new(
                        "conclusion",
                        format!(
                            "{stated} does not follow from score {score} and the risks recorded, which give at best {best}"
                        ),
                    ));
                }
            }
        } else {
            // No score: the risks alone still bound the conclusion (any high
            // risk is poor, a medium risk rules out excellent).
            let high = self.high_risks.unwrap_or(0);
            if high > 0 {
                return Err(FieldError::new(
                    "high_risks",
                    format!(
                        "{high} high risks remain, so the evaluation did not pass: record it as evaluation_failed"
                    ),
                ));
            }
            let best = Conclusion::from_score(100.0, 0, self.medium_risks.unwrap_or(0));
            if let Some(stated) = self.conclusion
                && stated < best
            {
                return Err(FieldError::new(
                    "conclusion",
                    format!(
                        "{stated} does not follow from the medium risks recorded, which give at best {best}"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A person at the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

impl Contact {
    /// Cleans the fields and checks the name, e-mail and phone.
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.name = crate::text::clean_line(&self.name);
        self.role = crate::text::clean_line(&self.role);
        self.email = crate::text::clean_line(&self.email);
        self.phone = crate::text::clean_line(&self.phone);
        if self.name.is_empty() {
            return Err(FieldError::new("name", "a contact needs a name"));
        }
        if !self.email.is_empty() {
            let ok = match self.email.split_once('@') {
                Some((user, host)) => {
                    !user.is_empty()
                        && host.contains('.')
                        && !host.starts_with('.')
                        && !host.ends_with('.')
                        && !self.email.contains(char::is_whitespace)
                        && !host.contains('@')
                }
                None => false,
            };
            if !ok {
                return Err(FieldError::new(
                    "email",
                    format!(
                        "{:?} is not an e-mail address like li@example.com",
                        self.email
                    ),
                ));
            }
        }
        if !self.phone.is_empty() {
            let ok = self
                .phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()./ext".contains(c))
                && self.phone.chars().filter(|c| c.is_ascii_digit()).count() >= 3;
            if !ok {
                return Err(FieldError::new(
                    "phone",
                    format!(
                        "{:?} is not a phone number: expected digits, spaces, + - ( ) like +86 21 5555 0100",
                        self.phone
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Stable id of a client.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct ClientId(pub u64);

/// Stable id of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NetworkId(pub u64);

/// A company the consultancy files cases for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    pub id: ClientId,
    /// Bumped by the store on every write.
    pub revision: u64,
    pub name: String,
    pub name_zh: String,
    pub region: String,
    /// 统一社会信用代码, the unified social credit code the filing form
    /// identifies the unit by; empty until known.
    pub credit_code: String,
    /// 单位地址, the unit's registered address, for the filing form.
    pub address: String,
    pub contacts: Vec<Contact>,
    pub notes: String,
}

impl Client {
    /// Cleans every text field and checks the required ones. The error
    /// names the field, for example `contacts[1].email`.
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.name = crate::text::clean_line(&self.name);
        self.name_zh = crate::text::clean_line(&self.name_zh);
        self.region = crate::text::clean_line(&self.region);
        self.address = crate::text::clean_line(&self.address);
        self.credit_code = crate::text::clean_line(&self.credit_code).to_ascii_uppercase();
        self.notes = crate::text::clean_multiline(&self.notes);
        if self.name.is_empty() && self.name_zh.is_empty() {
            return Err(FieldError::new(
                "name",
                "a client needs a name (English or Chinese)",
            ));
        }
        if !self.credit_code.is_empty() {
            check_credit_code(&self.credit_code)
                .map_err(|why| FieldError::new("credit_code", why))?;
        }
        for (i, c) in self.contacts.iter_mut().enumerate() {
            c.validate()
                .map_err(|e| e.within(&format!("contacts[{i}]")))?;
        }
        Ok(())
    }

    /// The name to show: English, else Chinese.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.name_zh
        } else {
            &self.name
        }
    }

    /// The names in the order a reader of `lang` looks for them: the
    /// first one to show, and the other (empty when there is none). In
    /// Chinese the Chinese name leads; otherwise the English one.
    pub fn names_for(&self, lang: crate::domain::labels::Lang) -> (&str, &str) {
        names_for(&self.name, &self.name_zh, lang)
    }
}

/// The characters of a unified social credit code (GB 32100-2015): digits
/// and capitals without I, O, S, V and Z, each worth its position.
const CREDIT_CODE_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The check character (the 18th) of the first 17 of a unified social
/// credit code, or `None` when one of them is not a code character.
pub fn credit_code_check(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut weight = 1u32;
    for b in first17.bytes() {
        let value = CREDIT_CODE_CHARS.iter().position(|&c| c == b)? as u32;
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    (first17.len() == 17).then(|| CREDIT_CODE_CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// Checks a unified social credit code: 18 code characters whose last is
/// the check character of the others (GB 32100-2015).
pub fn check_credit_code(code: &str) -> Result<(), String> {
    let expected = "expected 18 digits and capital letters (no I, O, S, V or Z) \
                    like 91350100M000100Y43, ending in their check character";
    let chars = code.chars().count();
    if chars != 18 {
        return Err(format!(
            "{code:?} is {chars} characters, not a unified social credit code: {expected}"
        ));
    }
    if let Some(bad) = code
        .chars()
        .find(|c| !c.is_ascii() || !CREDIT_CODE_CHARS.contains(&(*c as u8)))
    {
        return Err(format!(
            "{code:?} holds {bad:?}, which no unified social credit code has: {expected}"
        ));
    }
    let (body, last) = code.split_at(17);
    let check = credit_code_check(body).expect("every character checked above");
    if last != check.to_string() {
        return Err(format!(
            "{code:?} ends in {last:?} but its check character is {check:?}: a character is mistyped"
        ));
    }
    Ok(())
}

/// A grading object (定级对象): graded, filed and renewed on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub id: NetworkId,
    pub client: ClientId,
    /// Bumped by the store on every write.
    pub revision: u64,
    pub name: String,
    pub notes: String,
    pub answers: Answers,
    pub overrides: Overrides,
    /// The level on the filing certificate, once filed.
    pub filed_level: Option<Level>,
    /// Kept in date order.
    pub milestones: Vec<Milestone>,
}

impl Network {
    /// Cleans every text field, checks each part and puts the milestones in
    /// date order. The error names the field, for example
    /// `milestones[2].score`.
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.name = crate::text::clean_line(&self.name);
        self.notes = crate::text::clean_multiline(&self.notes);
        if self.name.is_empty() {
            return Err(FieldError::new("name", "a network needs a name"));
        }
        self.answers.clean_text();
        self.answers
            .check_consistency()
            .map_err(|m| FieldError::new("answers", m))?;
        self.overrides
            .validate()
            .map_err(|e| e.within("override"))?;
        for (i, m) in self.milestones.iter_mut().enumerate() {
            m.validate()
                .map_err(|e| e.within(&format!("milestones[{i}]")))?;
        }
        // Stable, so same-day milestones keep the order they were given in.
        self.milestones.sort_by_key(|m| m.date);
        Ok(())
    }

    /// The latest filing milestone that records a level: the filing the
    /// network's filed level follows.
    pub fn latest_filing(&self) -> Option<&Milestone> {
        // Milestones are kept in date order; on one day, the later entry.
        self.milestones
            .iter()
            .rev()
            .find(|m| m.stage.is_filing() && m.level.is_some())
    }

    /// Makes the filed level follow the latest filing that records a
    /// level. A network with filings but no filed level (a certificate
    /// recorded without one) is filed: its filings without a level take the
    /// computed level, a `certificate_issued` confirming the filing before
    /// it. A network with a filed level keeps its older filings as written.
    pub fn settle_filing(&mut self, computed: Level) {
        if self.filed_level.is_none() {
            let mut last: Option<Level> = None;
            for m in self.milestones.iter_mut().filter(|m| m.stage.is_filing()) {
                if m.level.is_none() {
                    let confirmed = (m.stage == Stage::CertificateIssued)
                        .then_some(last)
                        .flatten();
                    m.level = Some(confirmed.unwrap_or(computed));
                }
                last = m.level;
            }
        }
        if let Some(level) = self.latest_filing().and_then(|m| m.level) {
            self.filed_level = Some(level);
        }
    }

    /// Whether `filed_level` agrees with the latest filing that records a
    /// level; the error says which filing, for a document being imported.
    pub fn check_filed_level(&self) -> Result<(), FieldError> {
        match (self.filed_level, self.latest_filing()) {
            (Some(filed), Some(m)) if m.level != Some(filed) => Err(FieldError::new(
                "filed_level",
                format!(
                    "{filed} disagrees with the latest filing ({} on {}, level {}): \
                     the filed level follows the latest filing",
                    m.stage,
                    m.date,
                    m.level.map_or(0, Level::get)
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The latest date a stage was recorded.
    pub fn last(&self, stage: Stage) -> Option<&Milestone> {
        self.milestones
            .iter()
            .filter(|m| m.stage == stage)
            .max_by_key(|m| m.date)
    }
}

/// The largest record id: ids stay exact in JSON readers that use doubles.
pub const MAX_ID: u64 = (1 << 53) - 1;

/// A client to create, with its networks: one all-or-nothing import batch.
/// Ids are kept where given and assigned by the store where not.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClient {
    pub id: Option<ClientId>,
    pub client: Client,
    pub networks: Vec<NewNetwork>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewNetwork {
    pub id: Option<NetworkId>,
    pub network: Network,
    /// Its findings: those with id 0 are given new ids, the others keep
    /// theirs (which must be free).
    pub findings: Vec<crate::domain::gaps::Finding>,
    /// Its own choice of extension sets, when it made one.
    pub gap_extensions: Option<crate::domain::gaps::ExtensionChoice>,
}

/// A bad value, with the dotted path of the field it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error seen from a containing value: `score` within
    /// `milestones[2]` is `milestones[2].score`.
    pub fn within(mut self, prefix: &str) -> FieldError {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_checked_by_their_check_character() {
        // The example of GB 32100-2015, and two the demo data makes.
        for good in [
            "91350100M000100Y43",
            "91110000100000000R",
            "91310115MA1K4DEN2C",
        ] {
            assert_eq!(check_credit_code(good), Ok(()), "{good}");
        }
        let cases = [
            ("91350100M000100Y4", "17 characters"),
            ("91350100M000100Y433", "19 characters"),
            ("91350100M000100Y44", "its check character is '3'"),
            ("91350100I000100Y43", "holds 'I'"),
            ("91350100m000100Y43", "holds 'm'"),
            ("９1350100M000100Y43", "holds '９'"),
        ];
        for (bad, says) in cases {
            let e = check_credit_code(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(
                e.contains("18 digits and capital letters") || e.contains("mistyped"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn a_client_keeps_its_credit_code_upper_case_and_names_the_field() {
        let mut c = Client {
            name: "Acme".into(),
            credit_code: " 91350100m000100y43 ".into(),
            ..Client::default()
        };
        c.validate().unwrap();
        assert_eq!(c.credit_code, "91350100M000100Y43");
        c.credit_code = "91350100M000100Y44".into();
        assert_eq!(c.validate().unwrap_err().field, "credit_code");
        c.credit_code = String::new();
        assert!(c.validate().is_ok(), "unknown is allowed");
    }

    fn on(stage: Stage, date: &str) -> Milestone {
        Milestone::new(stage, date.parse().unwrap())
    }

    fn network(filed: Option<u8>, milestones: Vec<Milestone>) -> Network {
        Network {
            id: NetworkId(1),
            client: ClientId(1),
            revision: 1,
            name: "Portal".into(),
            notes: String::new(),
            answers: Answers::default(),
            overrides: Overrides::default(),
            filed_level: filed.and_then(Level::new),
            milestones,
        }
    }

    fn levels(n: &Network) -> Vec<Option<u8>> {
        n.milestones
            .iter()
            .map(|m| m.level.map(Level::get))
            .collect()
    }

    #[test]
    fn the_filed_level_follows_the_latest_filing() {
        let mut filing = on(Stage::FilingSubmitted, "2025-03-01");
        filing.level = Level::new(3);
        // A certificate recorded with no filed level: filed, at the level
        // of the filing it confirms.
        let mut n = network(
            None,
            vec![filing.clone(), on(Stage::CertificateIssued, "2025-03-14")],
        );
        n.settle_filing(Level::L2);
        assert_eq!(n.filed_level, Level::new(3));
        assert_eq!(levels(&n), [Some(3), Some(3)]);

        // A certificate alone, nothing filed: the computed level.
        let mut n = network(None, vec![on(Stage::CertificateIssued, "2025-03-14")]);
        n.settle_filing(Level::L2);
        assert_eq!((n.filed_level, levels(&n)), (Level::new(2), vec![Some(2)]));

        // A filed network keeps its older filings as written, and follows a
        // newer filing that records a level.
        let mut refiled = on(Stage::FilingSubmitted, "2026-05-01");
        refiled.level = Level::new(3);
        let mut n = network(
            Some(2),
            vec![on(Stage::CertificateIssued, "2024-01-10"), refiled],
        );
        n.settle_filing(Level::L3);
        assert_eq!(n.filed_level, Level::new(3));
        assert_eq!(levels(&n), [None, Some(3)]);
        // The certificate that follows confirms it, and a later one that
        // says otherwise wins.
        let mut cert = on(Stage::CertificateIssued, "2026-05-20");
        cert.level = Level::new(2);
        n.milestones.push(cert);
        n.settle_filing(Level::L3);
        assert_eq!(n.filed_level, Level::new(2));

        // Nothing filed: nothing changes.
        let mut n = network(None, vec![on(Stage::ExpertReview, "2025-03-01")]);
        n.settle_filing(Level::L2);
        assert_eq!(n.filed_level, None);
    }

    #[test]
    fn a_filed_level_that_disagrees_with_the_latest_filing_is_named() {
        let mut filing = on(Stage::FilingSubmitted, "2025-03-01");
        filing.level = Level::new(3);
        let n = network(Some(2), vec![filing]);
        let e = n.check_filed_level().unwrap_err();
        assert_eq!(e.field, "filed_level");
        assert!(
            e.message
                .contains("filing_submitted on 2025-03-01, level 3"),
            "{e}"
        );
        assert!(
            network(Some(3), n.milestones.clone())
                .check_filed_level()
                .is_ok()
        );
        assert!(
            network(None, n.milestones.clone())
                .check_filed_level()
                .is_ok()
        );
        assert!(network(Some(2), vec![]).check_filed_level().is_ok());
    }

    #[test]
    fn only_filings_record_a_level_and_a_failed_evaluation_concludes_poor() {
        let mut m = on(Stage::GapAnalysis, "2025-03-01");
        m.level = Some(Level::L2);
        assert_eq!(m.validate().unwrap_err().field, "level");

        let mut failed = on(Stage::EvaluationFailed, "2025-06-01");
        failed.score = Some(62.0);
        failed.high_risks = Some(2);
        failed.medium_risks = Some(5);
        assert_eq!(failed.validate(), Ok(()));
        assert_eq!(failed.effective_conclusion(), Some(Conclusion::Poor));
        failed.conclusion = Some(Conclusion::Good);
        let e = failed.validate().unwrap_err();
        assert_eq!(e.field, "conclusion");
        assert!(e.message.contains("evaluation_passed"), "{e}");

        // A pass that did not pass points to evaluation_failed.
        let mut passed = on(Stage::EvaluationPassed, "2025-06-01");
        passed.score = Some(62.0);
        let e = passed.validate().unwrap_err();
        assert!(e.message.contains("record it as evaluation_failed"), "{e}");
    }
}

/// A client's English and Chinese names in the order a reader of `lang`
/// looks for them: the one to show first and the other, which is empty
/// when the client has one name only (or the same twice).
pub fn names_for<'a>(
    en: &'a str,
    zh: &'a str,
    lang: crate::domain::labels::Lang,
) -> (&'a str, &'a str) {
    let (first, second) = match lang {
        crate::domain::labels::Lang::Zh if !zh.is_empty() => (zh, en),
        _ if en.is_empty() => (zh, en),
        _ => (en, zh),
    };
    if second == first {
        (first, "")
    } else {
        (first, second)
    }
}

#[cfg(test)]
mod names_tests {
    use super::names_for;
    use crate::domain::labels::Lang;

    #[test]
    fn chinese_leads_in_chinese_and_english_otherwise() {
        let (en, zh) = ("Chongqing Yuxin Bank", "重庆渝信银行");
        assert_eq!(names_for(en, zh, Lang::Zh), (zh, en));
        assert_eq!(names_for(en, zh, Lang::En), (en, zh));
        assert_eq!(names_for(en, zh, Lang::Both), (en, zh));
        assert_eq!(names_for(en, "", Lang::Zh), (en, ""));
        assert_eq!(names_for("", zh, Lang::En), (zh, ""));
        assert_eq!(names_for(zh, zh, Lang::Zh), (zh, ""));
    }
}
