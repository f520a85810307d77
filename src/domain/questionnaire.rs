//! The questionnaire (domain spec section 6): canonical question ids, their
//! types, what an unknown answer means, and the answers of one network.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::id_enum;

id_enum!(
    /// Kind of grading object (定级对象).
    ObjectType {
        InformationSystem => "information_system",
        Website => "website",
        MobileAppBackend => "mobile_app_backend",
        CloudPlatform => "cloud_platform",
        BigData => "big_data",
        Iot => "iot",
        IndustrialControl => "industrial_control",
        CommunicationNetwork => "communication_network",
        DataResource => "data_resource",
    }
);

impl ObjectType {
    /// Platforms that host other networks (F-HOST asks what they host).
    pub fn is_platform(self) -> bool {
        matches!(self, ObjectType::CloudPlatform | ObjectType::BigData)
    }
}

id_enum!(
    /// Business sector.
    Sector {
        Finance => "finance",
        Energy => "energy",
        Telecom => "telecom",
        Transport => "transport",
        Water => "water",
        Healthcare => "healthcare",
        Education => "education",
        Government => "government",
        Media => "media",
        Ecommerce => "ecommerce",
        Gaming => "gaming",
        Manufacturing => "manufacturing",
        Other => "other",
    }
);

id_enum!(
    /// Categories of data a network processes.
    DataCategory {
        Business => "business",
        Personal => "personal",
        SensitivePersonal => "sensitive_personal",
        Payment => "payment",
        Health => "health",
        Minors => "minors",
        Important => "important",
        Core => "core",
    }
);

impl DataCategory {
    /// Categories that are personal information of some kind.
    pub fn is_personal(self) -> bool {
        matches!(self, DataCategory::Personal) || self.is_sensitive()
    }

    /// The sensitive categories rule S5 names.
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            DataCategory::SensitivePersonal
                | DataCategory::Payment
                | DataCategory::Health
                | DataCategory::Minors
        )
    }
}

id_enum!(
    /// Where a network runs.
    Deployment {
        OnPremises => "on_premises",
        Cloud => "cloud",
        Hybrid => "hybrid",
    }
);

id_enum!(
    /// The canonical question ids, in questionnaire order.
    QuestionId {
        ObjectType => "object_type",
        Sector => "sector",
        Cii => "cii",
        DataCategories => "data_categories",
        PiSubjects => "pi_subjects",
        SensitivePiSubjects => "sensitive_pi_subjects",
        RegisteredUsers => "registered_users",
        PublicFacing => "public_facing",
        PublicOpinion => "public_opinion",
        OutageAffectedPeople => "outage_affected_people",
        HostedMaxLevel => "hosted_max_level",
        Deployment => "deployment",
        CloudProvider => "cloud_provider",
        CloudProviderLevel => "cloud_provider_level",
        CrossBorderTransfer => "cross_border_transfer",
        ArchitectureNotes => "architecture_notes",
    }
);

/// The shape of an answer, which decides the editor and the validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    /// One id of a fixed list.
    OneOf(&'static [&'static str]),
    /// A set of ids from a fixed list.
    SetOf(&'static [&'static str]),
    /// yes / no.
    Bool,
    /// A whole number, 0 or more.
    Count,
    /// A level from 0 (none) to 5.
    Level,
    /// Free text.
    Text,
}

/// One question of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub id: QuestionId,
    pub kind: QuestionKind,
    pub meaning: &'static str,
    /// The value an unknown answer is taken at for the level from the
    /// answers given: the one that raises nothing. The highest level the
    /// open answers could lead to takes the worst value instead.
    pub unknown_means: &'static str,
}

/// The questionnaire, in canonical order (domain spec section 6).
pub const QUESTIONS: &[Question] = &[
    q(
        QuestionId::ObjectType,
        QuestionKind::OneOf(ObjectType::IDS),
        "kind of grading object",
        "information_system",
    ),
    q(
        QuestionId::Sector,
        QuestionKind::OneOf(Sector::IDS),
        "business sector",
        "other",
    ),
    q(
        QuestionId::Cii,
        QuestionKind::Bool,
        "identified or likely critical information infrastructure",
        "false, listed as open",
    ),
    q(
        QuestionId::DataCategories,
        QuestionKind::SetOf(DataCategory::IDS),
        "categories of data processed",
        "{}",
    ),
    q(
        QuestionId::PiSubjects,
        QuestionKind::Count,
        "people whose personal information is processed",
        "0",
    ),
    q(
        QuestionId::SensitivePiSubjects,
        QuestionKind::Count,
        "people whose sensitive PI is processed",
        "0",
    ),
    q(
        QuestionId::RegisteredUsers,
        QuestionKind::Count,
        "user accounts",
        "0",
    ),
    q(
        QuestionId::PublicFacing,
        QuestionKind::Bool,
        "serves the public over the internet",
        "false",
    ),
    q(
        QuestionId::PublicOpinion,
        QuestionKind::Bool,
        "public-opinion attributes / social mobilisation capacity",
        "false",
    ),
    q(
        QuestionId::OutageAffectedPeople,
        QuestionKind::Count,
        "people who lose service in an outage",
        "0",
    ),
    q(
        QuestionId::HostedMaxLevel,
        QuestionKind::Level,
        "for platforms: highest level among hosted networks",
        "0",
    ),
    q(
        QuestionId::Deployment,
        QuestionKind::OneOf(Deployment::IDS),
        "where it runs",
        "on_premises",
    ),
    q(
        QuestionId::CloudProvider,
        QuestionKind::Text,
        "provider name when on cloud",
        "\"\"",
    ),
    q(
        QuestionId::CloudProviderLevel,
        QuestionKind::Level,
        "MLPS level of the provider's platform",
        "0",
    ),
    q(
        QuestionId::CrossBorderTransfer,
        QuestionKind::Bool,
        "data leaves mainland China",
        "false",
    ),
    q(
        QuestionId::ArchitectureNotes,
        QuestionKind::Text,
        "topology, internet exposure, interconnections",
        "\"\"",
    ),
];

const fn q(
    id: QuestionId,
    kind: QuestionKind,
    meaning: &'static str,
    unknown_means: &'static str,
) -> Question {
    Question {
        id,
        kind,
        meaning,
        unknown_means,
    }
}

impl QuestionId {
    /// This question's catalogue entry.
    pub fn question(self) -> &'static Question {
        // The catalogue lists every id once, in `ALL` order.
        &QUESTIONS[self as usize]
    }
}

/// The answers of one network. `None` is "unknown": the level from the
/// answers given takes it at the catalogue's value that raises nothing, the
/// provisional level at its worst, and it is listed as an open question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Answers {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_type: Option<ObjectType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<Sector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cii: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_categories: Option<BTreeSet<DataCategory>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pi_subjects: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_pi_subjects: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_users: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_facing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_opinion: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outage_affected_people: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosted_max_level: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_provider_level: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_border_transfer: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture_notes: Option<String>,
}

impl Answers {
    /// Whether the question has an answer.
    pub fn is_answered(&self, q: QuestionId) -> bool {
        use QuestionId as Q;
        match q {
            Q::ObjectType => self.object_type.is_some(),
            Q::Sector => self.sector.is_some(),
            Q::Cii => self.cii.is_some(),
            Q::DataCategories => self.data_categories.is_some(),
            Q::PiSubjects => self.pi_subjects.is_some(),
            Q::SensitivePiSubjects => self.sensitive_pi_subjects.is_some(),
            Q::RegisteredUsers => self.registered_users.is_some(),
            Q::PublicFacing => self.public_facing.is_some(),
            Q::PublicOpinion => self.public_opinion.is_some(),
            Q::OutageAffectedPeople => self.outage_affected_people.is_some(),
            Q::HostedMaxLevel => self.hosted_max_level.is_some(),
            Q::Deployment => self.deployment.is_some(),
            Q::CloudProvider => self.cloud_provider.is_some(),
            Q::CloudProviderLevel => self.cloud_provider_level.is_some(),
            Q::CrossBorderTransfer => self.cross_border_transfer.is_some(),
            Q::ArchitectureNotes => self.architecture_notes.is_some(),
        }
    }

    /// The unanswered questions, in canonical order.
    pub fn unanswered(&self) -> Vec<QuestionId> {
        QuestionId::ALL
            .iter()
            .copied()
            .filter(|q| !self.is_answered(*q))
            .collect()
    }

    /// Makes the question unknown again.
    pub fn clear(&mut self, q: QuestionId) {
        use QuestionId as Q;
        match q {
            Q::ObjectType => self.object_type = None,
            Q::Sector => self.sector = None,
            Q::Cii => self.cii = None,
            Q::DataCategories => self.data_categories = None,
            Q::PiSubjects => self.pi_subjects = None,
            Q::SensitivePiSubjects => self.sensitive_pi_subjects = None,
            Q::RegisteredUsers => self.registered_users = None,
            Q::PublicFacing => self.public_facing = None,
            Q::PublicOpinion => self.public_opinion = None,
            Q::OutageAffectedPeople => self.outage_affected_people = None,
            Q::HostedMaxLevel => self.hosted_max_level = None,
            Q::Deployment => self.deployment = None,
            Q::CloudProvider => self.cloud_provider = None,
            Q::CloudProviderLevel => self.cloud_provider_level = None,
            Q::CrossBorderTransfer => self.cross_border_transfer = None,
            Q::ArchitectureNotes => self.architecture_notes = None,
        }
    }

    /// Takes the answer to `q` from `from`, leaving the others.
    pub fn copy_answer(&mut self, q: QuestionId, from: &Answers) {
        use QuestionId as Q;
        match q {
            Q::ObjectType => self.object_type = from.object_type,
            Q::Sector => self.sector = from.sector,
            Q::Cii => self.cii = from.cii,
            Q::DataCategories => self.data_categories = from.data_categories.clone(),
            Q::PiSubjects => self.pi_subjects = from.pi_subjects,
            Q::SensitivePiSubjects => self.sensitive_pi_subjects = from.sensitive_pi_subjects,
            Q::RegisteredUsers => self.registered_users = from.registered_users,
            Q::PublicFacing => self.public_facing = from.public_facing,
            Q::PublicOpinion => self.public_opinion = from.public_opinion,
            Q::OutageAffectedPeople => self.outage_affected_people = from.outage_affected_people,
            Q::HostedMaxLevel => self.hosted_max_level = from.hosted_max_level,
            Q::Deployment => self.deployment = from.deployment,
            Q::CloudProvider => self.cloud_provider = from.cloud_provider.clone(),
            Q::CloudProviderLevel => self.cloud_provider_level = from.cloud_provider_level,
            Q::CrossBorderTransfer => self.cross_border_transfer = from.cross_border_transfer,
            Q::ArchitectureNotes => self.architecture_notes = from.architecture_notes.clone(),
        }
    }

    /// The answer as text, as a table shows it; `None` when unknown.
    pub fn display(&self, q: QuestionId) -> Option<String> {
        use QuestionId as Q;
        fn yes(b: bool) -> String {
            if b { "yes" } else { "no" }.to_string()
        }
        match q {
            Q::ObjectType => self.object_type.map(|v| v.to_string()),
            Q::Sector => self.sector.map(|v| v.to_string()),
            Q::Cii => self.cii.map(yes),
            Q::DataCategories => self.data_categories.as_ref().map(|set| {
                if set.is_empty() {
                    "none".to_string()
                } else {
                    set.iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            }),
            Q::PiSubjects => self.pi_subjects.map(group_thousands),
            Q::SensitivePiSubjects => self.sensitive_pi_subjects.map(group_thousands),
            Q::RegisteredUsers => self.registered_users.map(group_thousands),
            Q::PublicFacing => self.public_facing.map(yes),
            Q::PublicOpinion => self.public_opinion.map(yes),
            Q::OutageAffectedPeople => self.outage_affected_people.map(group_thousands),
            Q::HostedMaxLevel => self.hosted_max_level.map(|v| v.to_string()),
            Q::Deployment => self.deployment.map(|v| v.to_string()),
            Q::CloudProvider => self.cloud_provider.clone(),
            Q::CloudProviderLevel => self.cloud_provider_level.map(|v| v.to_string()),
            Q::CrossBorderTransfer => self.cross_border_transfer.map(yes),
            Q::ArchitectureNotes => self.architecture_notes.clone(),
        }
    }

    /// Sets one answer from text, as typed in an editor or a spreadsheet
    /// cell. An empty text makes the answer unknown. The error says what was
    /// expected.
    pub fn set_from_text(&mut self, q: QuestionId, text: &str) -> Result<(), String> {
        use QuestionId as Q;
        let t = text.trim();
        if t.is_empty() {
            self.clear(q);
            return Ok(());
        }
        match q {
            Q::ObjectType => self.object_type = Some(t.parse()?),
            Q::Sector => self.sector = Some(t.parse()?),
            Q::Cii => self.cii = Some(parse_bool(t)?),
            Q::DataCategories => {
                let mut set = BTreeSet::new();
                for part in t.split([',', ';', ' ']).filter(|p| !p.is_empty()) {
                    if part != "none" {
                        set.insert(part.parse()?);
                    }
                }
                self.data_categories = Some(set);
            }
            Q::PiSubjects => self.pi_subjects = Some(parse_count(t)?),
            Q::SensitivePiSubjects => self.sensitive_pi_subjects = Some(parse_count(t)?),
            Q::RegisteredUsers => self.registered_users = Some(parse_count(t)?),
            Q::PublicFacing => self.public_facing = Some(parse_bool(t)?),
            Q::PublicOpinion => self.public_opinion = Some(parse_bool(t)?),
            Q::OutageAffectedPeople => self.outage_affected_people = Some(parse_count(t)?),
            Q::HostedMaxLevel => self.hosted_max_level = Some(parse_level0(t)?),
            Q::Deployment => self.deployment = Some(t.parse()?),
            Q::CloudProvider => self.cloud_provider = Some(crate::text::clean_line(t)),
            Q::CloudProviderLevel => self.cloud_provider_level = Some(parse_level0(t)?),
            Q::CrossBorderTransfer => self.cross_border_transfer = Some(parse_bool(t)?),
            Q::ArchitectureNotes => {
                self.architecture_notes = Some(crate::text::clean_multiline(text))
            }
        }
        self.check_consistency()
    }

    /// Checks what no single answer can: `pi_subjects` counts every person
    /// with personal information, sensitive or not, so it can't be below
    /// `sensitive_pi_subjects`. Returns the message naming both fields.
    pub fn check_consistency(&self) -> Result<(), String> {
        if let (Some(all), Some(sensitive)) = (self.pi_subjects, self.sensitive_pi_subjects)
            && sensitive > all
        {
            return Err(format!(
                "sensitive_pi_subjects ({sensitive}) is larger than pi_subjects ({all}): \
                     pi_subjects counts every person with personal information, sensitive or not"
            ));
        }
        Ok(())
    }

    /// Normalises the free-text answers (NFC, no control characters).
    pub fn clean_text(&mut self) {
        if let Some(s) = &mut self.cloud_provider {
            *s = crate::text::clean_line(s);
        }
        if let Some(s) = &mut self.architecture_notes {
            *s = crate::text::clean_multiline(s);
        }
    }
}

/// `250000` as `250 000`, the way the consultancy writes head counts.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

fn parse_bool(t: &str) -> Result<bool, String> {
    match t.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "是" => Ok(true),
        "no" | "n" | "false" | "0" | "否" => Ok(false),
        _ => Err(format!("{t:?} is not yes or no")),
    }
}

fn parse_count(t: &str) -> Result<u64, String> {
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | ',' | '\u{a0}'))
        .collect();
    if digits.starts_with('-') {
        return Err(format!(
            "{t:?} is negative: expected a whole number, 0 or more"
        ));
    }
    digits
        .parse::<u64>()
        .map_err(|_| format!("{t:?} is not a whole number from 0 to {}", u64::MAX))
}

fn parse_level0(t: &str) -> Result<u8, String> {
    match t.parse::<u8>() {
        Ok(v) if v <= 5 => Ok(v),
        _ => Err(format!("{t:?} is not a level from 0 to 5")),
    }
}

// Deserialisation is written by hand so that an answers file can carry an
// `override` table beside the questions while unknown keys stay errors that
// name the key (serde's `flatten` would lose both).

/// Reads one answer for `key` from `map` into `answers`.
pub(crate) fn read_answer<'de, A: MapAccess<'de>>(
    answers: &mut Answers,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    use QuestionId as Q;
    let q = key
        .parse::<QuestionId>()
        .map_err(|_| de::Error::unknown_field(key, QuestionId::IDS))?;
    if answers.is_answered(q) {
        return Err(de::Error::duplicate_field(q.as_str()));
    }
    match q {
        Q::ObjectType => answers.object_type = Some(map.next_value()?),
        Q::Sector => answers.sector = Some(map.next_value()?),
        Q::Cii => answers.cii = Some(map.next_value()?),
        Q::DataCategories => answers.data_categories = Some(map.next_value()?),
        Q::PiSubjects => answers.pi_subjects = Some(map.next_value::<Count>()?.0),
        Q::SensitivePiSubjects => {
            answers.sensitive_pi_subjects = Some(map.next_value::<Count>()?.0)
        }
        Q::RegisteredUsers => answers.registered_users = Some(map.next_value::<Count>()?.0),
        Q::PublicFacing => answers.public_facing = Some(map.next_value()?),
        Q::PublicOpinion => answers.public_opinion = Some(map.next_value()?),
        Q::OutageAffectedPeople => {
            answers.outage_affected_people = Some(map.next_value::<Count>()?.0)
        }
        Q::HostedMaxLevel => answers.hosted_max_level = Some(map.next_value::<Level0>()?.0),
        Q::Deployment => answers.deployment = Some(map.next_value()?),
        Q::CloudProvider => answers.cloud_provider = Some(map.next_value()?),
        Q::CloudProviderLevel => answers.cloud_provider_level = Some(map.next_value::<Level0>()?.0),
        Q::CrossBorderTransfer => answers.cross_border_transfer = Some(map.next_value()?),
        Q::ArchitectureNotes => answers.architecture_notes = Some(map.next_value()?),
    }
    Ok(())
}

/// Reads a map key and refuses any not in `allowed`, inside the key's own
/// deserialisation so that formats which track positions (TOML) point at
/// the key itself.
pub(crate) struct KnownKey(pub &'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for KnownKey {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        let key = String::deserialize(d)?;
        if self.0.contains(&key.as_str()) {
            Ok(key)
        } else {
            Err(de::Error::unknown_field(&key, self.0))
        }
    }
}

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswersVisitor;
        impl<'de> Visitor<'de> for AnswersVisitor {
            type Value = Answers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of answers keyed by question id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answers, A::Error> {
                let mut answers = Answers::default();
                while let Some(key) = map.next_key_seed(KnownKey(QuestionId::IDS))? {
                    read_answer(&mut answers, &key, &mut map)?;
                }
                answers.check_consistency().map_err(de::Error::custom)?;
                answers.clean_text();
                Ok(answers)
            }
        }
        deserializer.deserialize_map(AnswersVisitor)
    }
}

/// A head count: a whole number, 0 or more.
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a whole number from 0 to {}", u64::MAX)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v).map(Count).map_err(|_| {
                    E::invalid_value(
                        de::Unexpected::Signed(v),
                        &"a whole number, 0 or more (a count can't be negative)",
                    )
                })
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::custom(format!("{v} is larger than {}", u64::MAX)))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Count, E> {
                u64::try_from(v).map(Count).map_err(|_| {
                    E::custom(format!("{v} is not a whole number from 0 to {}", u64::MAX))
                })
            }
        }
        d.deserialize_u64(V)
    }
}

/// A level from 0 (none) to 5.
struct Level0(u8);

impl<'de> Deserialize<'de> for Level0 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Count::deserialize(d)?.0;
        if v <= 5 {
            Ok(Level0(v as u8))
        } else {
            Err(de::Error::invalid_value(
                de::Unexpected::Unsigned(v),
                &"a level from 0 (none) to 5",
            ))
        }
    }
}
