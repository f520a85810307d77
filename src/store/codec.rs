//! The only code that knows the bytes of the database. Every record is
//! `[format version: u16 big-endian][bincode body]`. The bodies are the
//! `wire` structs below, frozen per version: the case model can change
//! freely, and when a stored shape has to change, its version goes up and
//! `upgrade` learns to read the old bytes, so old databases keep opening.
//!
//! bincode is unmaintained; keeping it behind this module means it can be
//! swapped for another encoding by changing this file alone.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::gaps::{
    ComplianceResult, Extension, ExtensionChoice, Finding, FindingId, FindingStatus, Risk,
    StatusChange,
};
use crate::domain::model::{
    Client, ClientId, Conclusion, Contact, HarmOverride, Level, Milestone, Network, NetworkId,
    Overrides, Stage,
};
use crate::domain::questionnaire::{Answers, DataCategory, Deployment, ObjectType, Sector};
use crate::domain::timeline::DueKind;
use crate::store::StoredFinding;
use crate::store::audit::LogEntry;

/// A record that could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError(pub String);

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard()
}

/// A value stored as a versioned record.
pub trait Record: Sized {
    /// What the record is, for messages.
    const NAME: &'static str;
    /// The version this build writes.
    const VERSION: u16;
    /// The stored shape of `VERSION`.
    type Wire: Serialize + DeserializeOwned;

    fn to_wire(&self) -> Self::Wire;
    fn from_wire(wire: Self::Wire) -> Result<Self, CodecError>;

    /// Reads a body written by an older version. Each shape change adds an
    /// arm here that decodes the frozen old shape and fills in the rest.
    fn upgrade(version: u16, _body: &[u8]) -> Result<Self, CodecError> {
        Err(CodecError(format!(
            "{} record format {version} is unknown",
            Self::NAME
        )))
    }
}

pub fn encode<R: Record>(record: &R) -> Vec<u8> {
    let mut out = R::VERSION.to_be_bytes().to_vec();
    bincode::serde::encode_into_std_write(record.to_wire(), &mut out, config())
        .expect("encoding into memory cannot fail");
    out
}

/// The format version a record was stored in, `None` if it is too short
/// to have one.
pub fn format_of(bytes: &[u8]) -> Option<u16> {
    bytes.first_chunk::<2>().map(|v| u16::from_be_bytes(*v))
}

pub fn decode<R: Record>(bytes: &[u8]) -> Result<R, CodecError> {
    let (head, body) = bytes.split_first_chunk::<2>().ok_or_else(|| {
        CodecError(format!(
            "{} record is {} bytes, too short",
            R::NAME,
            bytes.len()
        ))
    })?;
    let version = u16::from_be_bytes(*head);
    if version > R::VERSION {
        return Err(CodecError(format!(
            "{} record has format {version}, written by a newer mlps (this one reads up to {})",
            R::NAME,
            R::VERSION
        )));
    }
    if version < R::VERSION {
        return R::upgrade(version, body);
    }
    R::from_wire(decode_body(R::NAME, body)?)
}

/// Decodes a whole body, refusing trailing bytes.
pub fn decode_body<W: DeserializeOwned>(name: &str, body: &[u8]) -> Result<W, CodecError> {
    // The limit bounds what a length inside a damaged record can make the
    // decoder reserve; anything written travelled in a message, so fits.
    let (wire, used) = bincode::serde::decode_from_slice::<W, _>(body, message_config())
        .map_err(|e| CodecError(format!("{name} record is damaged: {e}")))?;
    if used != body.len() {
        return Err(CodecError(format!(
            "{name} record has {} stray bytes at its end",
            body.len() - used
        )));
    }
    Ok(wire)
}

/// The largest protocol message this build reads or writes: a length
/// beyond it is refused before anything is allocated for it. Whole-table
/// answers travel as one message, and the largest demo database (100 000
/// clients) has 159 MB of networks, so the limit leaves room above that.
pub const MAX_MESSAGE: usize = 256 << 20;

fn message_config() -> impl bincode::config::Config {
    // The limit bounds what a hostile length inside a message can make
    // the decoder reserve, not just the frame as a whole.
    bincode::config::standard().with_limit::<MAX_MESSAGE>()
}

/// The body of one daemon protocol frame (see `server::protocol`). The
/// shapes are the protocol's serde enums; records inside them are already
/// [`encode`]d, so this only lays out the envelope.
pub fn encode_message<T: Serialize>(message: &T) -> Vec<u8> {
    bincode::serde::encode_to_vec(message, config()).expect("encoding into memory cannot fail")
}

/// Decodes a whole message body, refusing damaged or trailing bytes.
pub fn decode_message<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    let (message, used) = bincode::serde::decode_from_slice::<T, _>(body, message_config())
        .map_err(|e| CodecError(format!("message is damaged: {e}")))?;
    if used != body.len() {
        return Err(CodecError(format!(
            "message has {} stray bytes at its end",
            body.len() - used
        )));
    }
    Ok(message)
}

/// The stored shapes. Enums of the domain are stored by variant index, so
/// their variants may be renamed but never reordered or removed (a test
/// pins the bytes).
pub mod wire {
    use super::*;

    #[derive(Serialize, serde::Deserialize)]
    pub struct ClientV1 {
        pub id: u64,
        pub revision: u64,
        pub name: String,
        pub name_zh: String,
        pub region: String,
        pub contacts: Vec<Contact>,
        pub notes: String,
    }

    /// Format 2 added the filing form's unit fields.
    #[derive(Serialize, serde::Deserialize)]
    pub struct ClientV2 {
        pub id: u64,
        pub revision: u64,
        pub name: String,
        pub name_zh: String,
        pub region: String,
        pub credit_code: String,
        pub address: String,
        pub contacts: Vec<Contact>,
        pub notes: String,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct NetworkV1 {
        pub id: u64,
        pub client: u64,
        pub revision: u64,
        pub name: String,
        pub notes: String,
        pub answers: AnswersV1,
        pub business_information: Option<HarmOverride>,
        pub system_service: Option<HarmOverride>,
        pub filed_level: Option<u8>,
        pub milestones: Vec<MilestoneV1>,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct AnswersV1 {
        pub object_type: Option<ObjectType>,
        pub sector: Option<Sector>,
        pub cii: Option<bool>,
        pub data_categories: Option<BTreeSet<DataCategory>>,
        pub pi_subjects: Option<u64>,
        pub sensitive_pi_subjects: Option<u64>,
        pub registered_users: Option<u64>,
        pub public_facing: Option<bool>,
        pub public_opinion: Option<bool>,
        pub outage_affected_people: Option<u64>,
        pub hosted_max_level: Option<u8>,
        pub deployment: Option<Deployment>,
        pub cloud_provider: Option<String>,
        pub cloud_provider_level: Option<u8>,
        pub cross_border_transfer: Option<bool>,
        pub architecture_notes: Option<String>,
    }

    /// The stages as format 1 stored them, by position.
    #[derive(Clone, Copy, Serialize, serde::Deserialize)]
    pub enum StageV1 {
        QuestionnaireSent,
        QuestionnaireReceived,
        InitialAssessment,
        SelfAssessment,
        AuditFirmSelected,
        ExpertReview,
        FilingSubmitted,
        GapAnalysis,
        RectificationDone,
        EvaluationPassed,
        CertificateIssued,
    }

    /// Format 2 added `evaluation_failed` (at the end: positions are
    /// stored, so new stages only ever go last here).
    #[derive(Clone, Copy, Serialize, serde::Deserialize)]
    pub enum StageV2 {
        QuestionnaireSent,
        QuestionnaireReceived,
        InitialAssessment,
        SelfAssessment,
        AuditFirmSelected,
        ExpertReview,
        FilingSubmitted,
        GapAnalysis,
        RectificationDone,
        EvaluationPassed,
        CertificateIssued,
        EvaluationFailed,
    }

    impl From<StageV1> for StageV2 {
        fn from(s: StageV1) -> StageV2 {
            match s {
                StageV1::QuestionnaireSent => StageV2::QuestionnaireSent,
                StageV1::QuestionnaireReceived => StageV2::QuestionnaireReceived,
                StageV1::InitialAssessment => StageV2::InitialAssessment,
                StageV1::SelfAssessment => StageV2::SelfAssessment,
                StageV1::AuditFirmSelected => StageV2::AuditFirmSelected,
                StageV1::ExpertReview => StageV2::ExpertReview,
                StageV1::FilingSubmitted => StageV2::FilingSubmitted,
                StageV1::GapAnalysis => StageV2::GapAnalysis,
                StageV1::RectificationDone => StageV2::RectificationDone,
                StageV1::EvaluationPassed => StageV2::EvaluationPassed,
                StageV1::CertificateIssued => StageV2::CertificateIssued,
            }
        }
    }

    impl From<StageV2> for Stage {
        fn from(s: StageV2) -> Stage {
            match s {
                StageV2::QuestionnaireSent => Stage::QuestionnaireSent,
                StageV2::QuestionnaireReceived => Stage::QuestionnaireReceived,
                StageV2::InitialAssessment => Stage::InitialAssessment,
                StageV2::SelfAssessment => Stage::SelfAssessment,
                StageV2::AuditFirmSelected => Stage::AuditFirmSelected,
                StageV2::ExpertReview => Stage::ExpertReview,
                StageV2::FilingSubmitted => Stage::FilingSubmitted,
                StageV2::GapAnalysis => Stage::GapAnalysis,
                StageV2::RectificationDone => Stage::RectificationDone,
                StageV2::EvaluationPassed => Stage::EvaluationPassed,
                StageV2::CertificateIssued => Stage::CertificateIssued,
                StageV2::EvaluationFailed => Stage::EvaluationFailed,
            }
        }
    }

    impl From<Stage> for StageV2 {
        fn from(s: Stage) -> StageV2 {
            match s {
                Stage::QuestionnaireSent => StageV2::QuestionnaireSent,
                Stage::QuestionnaireReceived => StageV2::QuestionnaireReceived,
                Stage::InitialAssessment => StageV2::InitialAssessment,
                Stage::SelfAssessment => StageV2::SelfAssessment,
                Stage::AuditFirmSelected => StageV2::AuditFirmSelected,
                Stage::ExpertReview => StageV2::ExpertReview,
                Stage::FilingSubmitted => StageV2::FilingSubmitted,
                Stage::GapAnalysis => StageV2::GapAnalysis,
                Stage::RectificationDone => StageV2::RectificationDone,
                Stage::EvaluationPassed => StageV2::EvaluationPassed,
                Stage::CertificateIssued => StageV2::CertificateIssued,
                Stage::EvaluationFailed => StageV2::EvaluationFailed,
            }
        }
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct MilestoneV1 {
        pub stage: StageV1,
        /// Days since 0001-01-01 (day 1).
        pub date: i32,
        pub note: String,
        pub score: Option<f64>,
        pub conclusion: Option<Conclusion>,
        pub high_risks: Option<u32>,
        pub medium_risks: Option<u32>,
        pub number: Option<String>,
    }

    /// Format 2: milestones record the level filed, and a failed
    /// evaluation is a stage.
    #[derive(Serialize, serde::Deserialize)]
    pub struct NetworkV2 {
        pub id: u64,
        pub client: u64,
        pub revision: u64,
        pub name: String,
        pub notes: String,
        pub answers: AnswersV1,
        pub business_information: Option<HarmOverride>,
        pub system_service: Option<HarmOverride>,
        pub filed_level: Option<u8>,
        pub milestones: Vec<MilestoneV2>,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct MilestoneV2 {
        pub stage: StageV2,
        /// Days since 0001-01-01 (day 1).
        pub date: i32,
        pub note: String,
        pub score: Option<f64>,
        pub conclusion: Option<Conclusion>,
        pub high_risks: Option<u32>,
        pub medium_risks: Option<u32>,
        pub number: Option<String>,
        pub level: Option<u8>,
    }

    impl From<MilestoneV1> for MilestoneV2 {
        fn from(m: MilestoneV1) -> MilestoneV2 {
            MilestoneV2 {
                stage: m.stage.into(),
                date: m.date,
                note: m.note,
                score: m.score,
                conclusion: m.conclusion,
                high_risks: m.high_risks,
                medium_risks: m.medium_risks,
                number: m.number,
                level: None,
            }
        }
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct LogV1 {
        pub seq: u64,
        pub at: i64,
        pub uid: u32,
        pub user: String,
        pub action: crate::store::audit::Action,
        pub client: Option<u64>,
        pub client_name: String,
        pub network: Option<u64>,
        pub network_name: String,
        pub before: Option<Vec<u8>>,
        pub after: Option<Vec<u8>>,
        pub note: String,
    }

    /// Format 2 added the finding a change was to: its `before` and
    /// `after` are then finding records.
    #[derive(Serialize, serde::Deserialize)]
    pub struct LogV2 {
        pub seq: u64,
        pub at: i64,
        pub uid: u32,
        pub user: String,
        pub action: crate::store::audit::Action,
        pub client: Option<u64>,
        pub client_name: String,
        pub network: Option<u64>,
        pub network_name: String,
        pub finding: Option<u64>,
        pub before: Option<Vec<u8>>,
        pub after: Option<Vec<u8>>,
        pub note: String,
    }

    /// The audit firm's result, by position: new results only ever go
    /// last.
    #[derive(Clone, Copy, Serialize, serde::Deserialize)]
    pub enum ResultV1 {
        Compliant,
        Partial,
        NonCompliant,
        NotApplicable,
    }

    #[derive(Clone, Copy, Serialize, serde::Deserialize)]
    pub enum RiskV1 {
        High,
        Medium,
        Low,
    }

    #[derive(Clone, Copy, Serialize, serde::Deserialize)]
    pub enum FindingStatusV1 {
        Open,
        InProgress,
        Fixed,
        Verified,
    }

    #[derive(Clone, Copy, Serialize, serde::Deserialize)]
    pub enum ExtensionV1 {
        Cloud,
        Mobile,
        Iot,
        IndustrialControl,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct StatusChangeV1 {
        /// Days since 0001-01-01 (day 1).
        pub date: i32,
        pub from: Option<FindingStatusV1>,
        pub to: FindingStatusV1,
    }

    /// A finding of a network (stored under `keys::FINDING`).
    #[derive(Serialize, serde::Deserialize)]
    pub struct FindingV1 {
        pub id: u64,
        pub network: u64,
        pub client: u64,
        pub revision: u64,
        pub control_point: String,
        pub description: String,
        pub result: ResultV1,
        pub risk: RiskV1,
        pub owner: String,
        pub due: Option<i32>,
        pub status: FindingStatusV1,
        pub evidence: String,
        pub history: Vec<StatusChangeV1>,
    }

    /// A network's choice of extension sets (stored under
    /// `keys::GAP_EXTENSIONS`).
    #[derive(Serialize, serde::Deserialize)]
    pub struct GapExtensionsV1 {
        pub added: Vec<ExtensionV1>,
        pub removed: Vec<ExtensionV1>,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct SearchV1 {
        pub entries: Vec<SearchEntryV1>,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct SearchEntryV1 {
        /// 0 client, 1 network, 2 contact (`id` is the client's).
        pub kind: u8,
        pub id: u64,
        pub index: u32,
        pub label: String,
        pub owner: Option<u64>,
        pub superkey: String,
        pub text: String,
        pub refs: Vec<[u32; 4]>,
        pub runs: Vec<u8>,
    }

    /// Format 2: the entries without their keys (computed again when the
    /// index is loaded).
    #[derive(Serialize, serde::Deserialize)]
    pub struct SearchV2 {
        pub entries: Vec<SearchEntryV2>,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct SearchEntryV2 {
        /// 0 client, 1 network, 2 contact (`id` is the client's).
        pub kind: u8,
        pub id: u64,
        pub index: u32,
        pub label: String,
        pub owner: Option<u64>,
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct DueV1 {
        pub network: u64,
        pub client: u64,
        pub kind: DueKind,
        pub due: i32,
        pub level: u8,
    }

    /// Format 2 added the highest level the open answers could lead to.
    #[derive(Serialize, serde::Deserialize)]
    pub struct DueV2 {
        pub network: u64,
        pub client: u64,
        pub kind: DueKind,
        pub due: i32,
        pub level: u8,
        pub max_level: u8,
    }
}

pub fn date_to_days(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce()
}

pub fn days_to_date(days: i32) -> Result<NaiveDate, CodecError> {
    NaiveDate::from_num_days_from_ce_opt(days)
        .ok_or_else(|| CodecError(format!("day number {days} is not a date")))
}

fn level(n: u8) -> Result<Level, CodecError> {
    Level::new(n).ok_or_else(|| CodecError(format!("level {n} is out of range")))
}

impl Record for Client {
    const NAME: &'static str = "client";
    const VERSION: u16 = 2;
    type Wire = wire::ClientV2;

    fn to_wire(&self) -> wire::ClientV2 {
        wire::ClientV2 {
            id: self.id.0,
            revision: self.revision,
            name: self.name.clone(),
            name_zh: self.name_zh.clone(),
            region: self.region.clone(),
            credit_code: self.credit_code.clone(),
            address: self.address.clone(),
            contacts: self.contacts.clone(),
            notes: self.notes.clone(),
        }
    }

    fn from_wire(w: wire::ClientV2) -> Result<Client, CodecError> {
        Ok(Client {
            id: ClientId(w.id),
            revision: w.revision,
            name: w.name,
            name_zh: w.name_zh,
            region: w.region,
            credit_code: w.credit_code,
            address: w.address,
            contacts: w.contacts,
            notes: w.notes,
        })
    }

    /// Format 1 had no unit fields: they are unknown, so empty.
    fn upgrade(version: u16, body: &[u8]) -> Result<Client, CodecError> {
        match version {
            1 => {
                let w: wire::ClientV1 = decode_body(Self::NAME, body)?;
                Self::from_wire(wire::ClientV2 {
                    id: w.id,
                    revision: w.revision,
                    name: w.name,
                    name_zh: w.name_zh,
                    region: w.region,
                    credit_code: String::new(),
                    address: String::new(),
                    contacts: w.contacts,
                    notes: w.notes,
                })
            }
            _ => Err(CodecError(format!(
                "{} record format {version} is unknown",
                Self::NAME
            ))),
        }
    }
}

impl Record for Network {
    const NAME: &'static str = "network";
    const VERSION: u16 = 2;
    type Wire = wire::NetworkV2;

    fn to_wire(&self) -> wire::NetworkV2 {
        let a = &self.answers;
        wire::NetworkV2 {
            id: self.id.0,
            client: self.client.0,
            revision: self.revision,
            name: self.name.clone(),
            notes: self.notes.clone(),
            answers: wire::AnswersV1 {
                object_type: a.object_type,
                sector: a.sector,
                cii: a.cii,
                data_categories: a.data_categories.clone(),
                pi_subjects: a.pi_subjects,
                sensitive_pi_subjects: a.sensitive_pi_subjects,
                registered_users: a.registered_users,
                public_facing: a.public_facing,
                public_opinion: a.public_opinion,
                outage_affected_people: a.outage_affected_people,
                hosted_max_level: a.hosted_max_level,
                deployment: a.deployment,
                cloud_provider: a.cloud_provider.clone(),
                cloud_provider_level: a.cloud_provider_level,
                cross_border_transfer: a.cross_border_transfer,
                architecture_notes: a.architecture_notes.clone(),
            },
            business_information: self.overrides.business_information.clone(),
            system_service: self.overrides.system_service.clone(),
            filed_level: self.filed_level.map(Level::get),
            milestones: self
                .milestones
                .iter()
                .map(|m| wire::MilestoneV2 {
                    stage: m.stage.into(),
                    date: date_to_days(m.date),
                    note: m.note.clone(),
                    score: m.score,
                    conclusion: m.conclusion,
                    high_risks: m.high_risks,
                    medium_risks: m.medium_risks,
                    number: m.number.clone(),
                    level: m.level.map(Level::get),
                })
                .collect(),
        }
    }

    fn from_wire(w: wire::NetworkV2) -> Result<Network, CodecError> {
        let a = w.answers;
        let mut milestones = Vec::with_capacity(w.milestones.len());
        for m in w.milestones {
            milestones.push(Milestone {
                stage: m.stage.into(),
                date: days_to_date(m.date)?,
                note: m.note,
                score: m.score,
                conclusion: m.conclusion,
                high_risks: m.high_risks,
                medium_risks: m.medium_risks,
                number: m.number,
                level: m.level.map(level).transpose()?,
            });
        }
        Ok(Network {
            id: NetworkId(w.id),
            client: ClientId(w.client),
            revision: w.revision,
            name: w.name,
            notes: w.notes,
            answers: Answers {
                object_type: a.object_type,
                sector: a.sector,
                cii: a.cii,
                data_categories: a.data_categories,
                pi_subjects: a.pi_subjects,
                sensitive_pi_subjects: a.sensitive_pi_subjects,
                registered_users: a.registered_users,
                public_facing: a.public_facing,
                public_opinion: a.public_opinion,
                outage_affected_people: a.outage_affected_people,
                hosted_max_level: a.hosted_max_level,
                deployment: a.deployment,
                cloud_provider: a.cloud_provider,
                cloud_provider_level: a.cloud_provider_level,
                cross_border_transfer: a.cross_border_transfer,
                architecture_notes: a.architecture_notes,
            },
            overrides: Overrides {
                business_information: w.business_information,
                system_service: w.system_service,
            },
            filed_level: w.filed_level.map(level).transpose()?,
            milestones,
        })
    }

    /// Format 1 had no levels on milestones (unknown, so none) and no
    /// failed evaluations.
    fn upgrade(version: u16, body: &[u8]) -> Result<Network, CodecError> {
        match version {
            1 => {
                let w: wire::NetworkV1 = decode_body(Self::NAME, body)?;
                Self::from_wire(wire::NetworkV2 {
                    id: w.id,
                    client: w.client,
                    revision: w.revision,
                    name: w.name,
                    notes: w.notes,
                    answers: w.answers,
                    business_information: w.business_information,
                    system_service: w.system_service,
                    filed_level: w.filed_level,
                    milestones: w.milestones.into_iter().map(Into::into).collect(),
                })
            }
            _ => Err(CodecError(format!(
                "{} record format {version} is unknown",
                Self::NAME
            ))),
        }
    }
}

/// One open obligation in the due-date index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueRecord {
    pub network: NetworkId,
    pub client: ClientId,
    pub kind: DueKind,
    pub due: NaiveDate,
    /// The network's current level when the entry was written.
    pub level: Level,
    /// The highest level its open answers could lead to (the level itself
    /// when none could raise it).
    pub max_level: Level,
}

impl Record for DueRecord {
    const NAME: &'static str = "due-date index";
    const VERSION: u16 = 2;
    type Wire = wire::DueV2;

    fn to_wire(&self) -> wire::DueV2 {
        wire::DueV2 {
            network: self.network.0,
            client: self.client.0,
            kind: self.kind,
            due: date_to_days(self.due),
            level: self.level.get(),
            max_level: self.max_level.get(),
        }
    }

    fn from_wire(w: wire::DueV2) -> Result<DueRecord, CodecError> {
        Ok(DueRecord {
            network: NetworkId(w.network),
            client: ClientId(w.client),
            kind: w.kind,
            due: days_to_date(w.due)?,
            level: level(w.level)?,
            max_level: level(w.max_level)?,
        })
    }
    // Format 1 entries are not read: an upgrade drops them and rebuilds
    // the index from the networks.
}

/// The fuzzy-jump entries of one record (a client with its contacts, or a
/// network): what each jumps to, its label and its client. Format 1 also
/// held each entry's pinyin keys, computed when the record was written;
/// format 2 leaves them out (the index computes them when it loads), so
/// the records are a tenth of the size. A format 1 record reads as its
/// labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord(pub Vec<crate::domain::search::StoredEntry>);

impl Record for SearchRecord {
    const NAME: &'static str = "search keys";
    const VERSION: u16 = 2;
    type Wire = wire::SearchV2;

    fn to_wire(&self) -> wire::SearchV2 {
        wire::SearchV2 {
            entries: self
                .0
                .iter()
                .map(|e| {
                    let (kind, id, index) = e.target.parts();
                    wire::SearchEntryV2 {
                        kind,
                        id,
                        index,
                        label: e.label.clone(),
                        owner: e.owner.map(|c| c.0),
                    }
                })
                .collect(),
        }
    }

    fn from_wire(w: wire::SearchV2) -> Result<SearchRecord, CodecError> {
        w.entries
            .into_iter()
            .map(|e| {
                let target = crate::domain::search::Target::from_parts(e.kind, e.id, e.index)
                    .ok_or_else(|| CodecError(format!("search keys: unknown kind {}", e.kind)))?;
                Ok(crate::domain::search::StoredEntry {
                    target,
                    label: e.label,
                    owner: e.owner.map(ClientId),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(SearchRecord)
    }

    fn upgrade(version: u16, body: &[u8]) -> Result<SearchRecord, CodecError> {
        match version {
            // The keys are left behind: the index computes them again.
            1 => {
                let w: wire::SearchV1 = decode_body(Self::NAME, body)?;
                Self::from_wire(wire::SearchV2 {
                    entries: w
                        .entries
                        .into_iter()
                        .map(|e| wire::SearchEntryV2 {
                            kind: e.kind,
                            id: e.id,
                            index: e.index,
                            label: e.label,
                            owner: e.owner,
                        })
                        .collect(),
                })
            }
            _ => Err(CodecError(format!(
                "{} record format {version} is unknown",
                Self::NAME
            ))),
        }
    }
}

impl Record for LogEntry {
    const NAME: &'static str = "log entry";
    const VERSION: u16 = 2;
    type Wire = wire::LogV2;

    fn to_wire(&self) -> wire::LogV2 {
        wire::LogV2 {
            seq: self.seq,
            at: self.at,
            uid: self.uid,
            user: self.user.clone(),
            action: self.action,
            client: self.client.map(|c| c.0),
            client_name: self.client_name.clone(),
            network: self.network.map(|n| n.0),
            network_name: self.network_name.clone(),
            finding: self.finding.map(|f| f.0),
            before: self.before.clone(),
            after: self.after.clone(),
            note: self.note.clone(),
        }
    }

    fn from_wire(w: wire::LogV2) -> Result<LogEntry, CodecError> {
        Ok(LogEntry {
            seq: w.seq,
            at: w.at,
            uid: w.uid,
            user: w.user,
            action: w.action,
            client: w.client.map(ClientId),
            client_name: w.client_name,
            network: w.network.map(NetworkId),
            network_name: w.network_name,
            finding: w.finding.map(FindingId),
            before: w.before,
            after: w.after,
            note: w.note,
        })
    }

    fn upgrade(version: u16, body: &[u8]) -> Result<LogEntry, CodecError> {
        match version {
            1 => {
                let w: wire::LogV1 = decode_body(Self::NAME, body)?;
                Ok(LogEntry {
                    seq: w.seq,
                    at: w.at,
                    uid: w.uid,
                    user: w.user,
                    action: w.action,
                    client: w.client.map(ClientId),
                    client_name: w.client_name,
                    network: w.network.map(NetworkId),
                    network_name: w.network_name,
                    finding: None,
                    before: w.before,
                    after: w.after,
                    note: w.note,
                })
            }
            _ => Err(CodecError(format!(
                "{} record format {version} is unknown",
                Self::NAME
            ))),
        }
    }
}

impl From<ComplianceResult> for wire::ResultV1 {
    fn from(r: ComplianceResult) -> wire::ResultV1 {
        match r {
            ComplianceResult::Compliant => wire::ResultV1::Compliant,
            ComplianceResult::Partial => wire::ResultV1::Partial,
            ComplianceResult::NonCompliant => wire::ResultV1::NonCompliant,
            ComplianceResult::NotApplicable => wire::ResultV1::NotApplicable,
        }
    }
}

impl From<wire::ResultV1> for ComplianceResult {
    fn from(r: wire::ResultV1) -> ComplianceResult {
        match r {
            wire::ResultV1::Compliant => ComplianceResult::Compliant,
            wire::ResultV1::Partial => ComplianceResult::Partial,
            wire::ResultV1::NonCompliant => ComplianceResult::NonCompliant,
            wire::ResultV1::NotApplicable => ComplianceResult::NotApplicable,
        }
    }
}

impl From<Risk> for wire::RiskV1 {
    fn from(r: Risk) -> wire::RiskV1 {
        match r {
            Risk::High => wire::RiskV1::High,
            Risk::Medium => wire::RiskV1::Medium,
            Risk::Low => wire::RiskV1::Low,
        }
    }
}

impl From<wire::RiskV1> for Risk {
    fn from(r: wire::RiskV1) -> Risk {
        match r {
            wire::RiskV1::High => Risk::High,
            wire::RiskV1::Medium => Risk::Medium,
            wire::RiskV1::Low => Risk::Low,
        }
    }
}

impl From<FindingStatus> for wire::FindingStatusV1 {
    fn from(s: FindingStatus) -> wire::FindingStatusV1 {
        match s {
            FindingStatus::Open => wire::FindingStatusV1::Open,
            FindingStatus::InProgress => wire::FindingStatusV1::InProgress,
            FindingStatus::Fixed => wire::FindingStatusV1::Fixed,
            FindingStatus::Verified => wire::FindingStatusV1::Verified,
        }
    }
}

impl From<wire::FindingStatusV1> for FindingStatus {
    fn from(s: wire::FindingStatusV1) -> FindingStatus {
        match s {
            wire::FindingStatusV1::Open => FindingStatus::Open,
            wire::FindingStatusV1::InProgress => FindingStatus::InProgress,
            wire::FindingStatusV1::Fixed => FindingStatus::Fixed,
            wire::FindingStatusV1::Verified => FindingStatus::Verified,
        }
    }
}

impl From<Extension> for wire::ExtensionV1 {
    fn from(e: Extension) -> wire::ExtensionV1 {
        match e {
            Extension::Cloud => wire::ExtensionV1::Cloud,
            Extension::Mobile => wire::ExtensionV1::Mobile,
            Extension::Iot => wire::ExtensionV1::Iot,
            Extension::IndustrialControl => wire::ExtensionV1::IndustrialControl,
        }
    }
}

impl From<wire::ExtensionV1> for Extension {
    fn from(e: wire::ExtensionV1) -> Extension {
        match e {
            wire::ExtensionV1::Cloud => Extension::Cloud,
            wire::ExtensionV1::Mobile => Extension::Mobile,
            wire::ExtensionV1::Iot => Extension::Iot,
            wire::ExtensionV1::IndustrialControl => Extension::IndustrialControl,
        }
    }
}

/// A finding status as the protocol carries it: its stored position.
pub fn status_code(s: FindingStatus) -> u8 {
    wire::FindingStatusV1::from(s) as u8
}

pub fn status_of_code(code: u8) -> Result<FindingStatus, CodecError> {
    FindingStatus::ALL
        .iter()
        .copied()
        .find(|s| status_code(*s) == code)
        .ok_or_else(|| CodecError(format!("finding status {code} is unknown")))
}

impl Record for StoredFinding {
    const NAME: &'static str = "finding";
    const VERSION: u16 = 1;
    type Wire = wire::FindingV1;

    fn to_wire(&self) -> wire::FindingV1 {
        let f = &self.finding;
        wire::FindingV1 {
            id: f.id.0,
            network: self.network.0,
            client: self.client.0,
            revision: self.revision,
            control_point: f.control_point.clone(),
            description: f.description.clone(),
            result: f.result.into(),
            risk: f.risk.into(),
            owner: f.owner.clone(),
            due: f.due.map(date_to_days),
            status: f.status.into(),
            evidence: f.evidence.clone(),
            history: f
                .history
                .iter()
                .map(|c| wire::StatusChangeV1 {
                    date: date_to_days(c.date),
                    from: c.from.map(Into::into),
                    to: c.to.into(),
                })
                .collect(),
        }
    }

    fn from_wire(w: wire::FindingV1) -> Result<StoredFinding, CodecError> {
        let history = w
            .history
            .into_iter()
            .map(|c| {
                Ok(StatusChange {
                    date: days_to_date(c.date)?,
                    from: c.from.map(Into::into),
                    to: c.to.into(),
                })
            })
            .collect::<Result<Vec<_>, CodecError>>()?;
        Ok(StoredFinding {
            network: NetworkId(w.network),
            client: ClientId(w.client),
            revision: w.revision,
            finding: Finding {
                id: FindingId(w.id),
                control_point: w.control_point,
                description: w.description,
                result: w.result.into(),
                risk: w.risk.into(),
                owner: w.owner,
                due: w.due.map(days_to_date).transpose()?,
                status: w.status.into(),
                evidence: w.evidence,
                history,
            },
        })
    }
}

impl Record for ExtensionChoice {
    const NAME: &'static str = "gap extensions";
    const VERSION: u16 = 1;
    type Wire = wire::GapExtensionsV1;

    fn to_wire(&self) -> wire::GapExtensionsV1 {
        wire::GapExtensionsV1 {
            added: self.added.iter().map(|e| (*e).into()).collect(),
            removed: self.removed.iter().map(|e| (*e).into()).collect(),
        }
    }

    fn from_wire(w: wire::GapExtensionsV1) -> Result<ExtensionChoice, CodecError> {
        Ok(ExtensionChoice {
            added: w.added.into_iter().map(Into::into).collect(),
            removed: w.removed.into_iter().map(Into::into).collect(),
        })
    }
}

/// Keys: one prefix byte per kind of record, then big-endian numbers, so
/// sled's byte order is numeric and date order.
pub mod keys {
    use super::*;

    pub const META: u8 = b'm';
    pub const CLIENT: u8 = b'c';
    pub const NETWORK: u8 = b'n';
    /// client id, network id: the networks of a client.
    pub const CLIENT_NETWORK: u8 = b'x';
    /// due day, network id, kind: open obligations by date.
    pub const DUE: u8 = b'd';
    /// network id: the due keys written for it, to remove them on change.
    pub const DUE_OF_NETWORK: u8 = b'r';
    /// log sequence number: the audit log, oldest first.
    pub const LOG: u8 = b'l';
    /// client id, log sequence number: the entries about a client and its
    /// networks.
    pub const LOG_OF_CLIENT: u8 = b'k';
    /// network id, log sequence number: the entries about a network.
    pub const LOG_OF_NETWORK: u8 = b'h';
    /// client id: the fuzzy-jump keys of the client and its contacts.
    pub const SEARCH_CLIENT: u8 = b'f';
    /// network id: the fuzzy-jump keys of the network.
    pub const SEARCH_NETWORK: u8 = b'g';
    /// network id, log sequence number: the entries about a network's
    /// findings and gap list, kept apart from the network's own.
    pub const LOG_OF_FINDINGS: u8 = b'o';
    /// network id, finding id: the findings of a network.
    pub const FINDING: u8 = b'i';
    /// finding id: the network the finding is under (8 bytes), to find it
    /// by its id alone.
    pub const FINDING_OF: u8 = b'j';
    /// network id: the network's choice of extension sets.
    pub const GAP_EXTENSIONS: u8 = b'e';

    pub fn meta(name: &str) -> Vec<u8> {
        let mut k = vec![META];
        k.extend_from_slice(name.as_bytes());
        k
    }

    pub fn id(prefix: u8, id: u64) -> [u8; 9] {
        let mut k = [0u8; 9];
        k[0] = prefix;
        k[1..].copy_from_slice(&id.to_be_bytes());
        k
    }

    pub fn client_network(client: ClientId, network: NetworkId) -> [u8; 17] {
        let mut k = [0u8; 17];
        k[0] = CLIENT_NETWORK;
        k[1..9].copy_from_slice(&client.0.to_be_bytes());
        k[9..].copy_from_slice(&network.0.to_be_bytes());
        k
    }

    /// `prefix`, a record id, then a log sequence number.
    pub fn log_of(prefix: u8, id: u64, seq: u64) -> [u8; 17] {
        let mut k = [0u8; 17];
        k[0] = prefix;
        k[1..9].copy_from_slice(&id.to_be_bytes());
        k[9..].copy_from_slice(&seq.to_be_bytes());
        k
    }

    /// A finding under its network: a network's findings are one prefix.
    pub fn finding(network: NetworkId, finding: FindingId) -> [u8; 17] {
        let mut k = [0u8; 17];
        k[0] = FINDING;
        k[1..9].copy_from_slice(&network.0.to_be_bytes());
        k[9..].copy_from_slice(&finding.0.to_be_bytes());
        k
    }

    /// The prefix of a network's findings.
    pub fn findings_of(network: NetworkId) -> [u8; 9] {
        id(FINDING, network.0)
    }

    /// Days are shifted so that every date sorts correctly as unsigned.
    pub fn day(d: NaiveDate) -> [u8; 4] {
        ((date_to_days(d) as i64 - i32::MIN as i64) as u32).to_be_bytes()
    }

    pub fn due(d: NaiveDate, network: NetworkId, kind: DueKind) -> [u8; 14] {
        let mut k = [0u8; 14];
        k[0] = DUE;
        k[1..5].copy_from_slice(&day(d));
        k[5..13].copy_from_slice(&network.0.to_be_bytes());
        k[13] = kind as u8;
        k
    }

    /// The last possible due key on `d`: a range end for "due by `d`".
    pub fn due_end(d: NaiveDate) -> [u8; 14] {
        let mut k = [0xffu8; 14];
        k[0] = DUE;
        k[1..5].copy_from_slice(&day(d));
        k
    }

    /// The id in a key made by [`id`], or the network id of a
    /// [`client_network`] key.
    pub fn tail_id(key: &[u8]) -> Option<u64> {
        key.last_chunk::<8>().map(|b| u64::from_be_bytes(*b))
    }
}

/// A list of keys, stored under [`keys::DUE_OF_NETWORK`].
pub fn encode_key_list(list: &[Vec<u8>]) -> Vec<u8> {
    let mut out = 1u16.to_be_bytes().to_vec();
    bincode::serde::encode_into_std_write(list, &mut out, config())
        .expect("encoding into memory cannot fail");
    out
}

pub fn decode_key_list(bytes: &[u8]) -> Result<Vec<Vec<u8>>, CodecError> {
    match bytes.split_first_chunk::<2>() {
        Some((v, body)) if u16::from_be_bytes(*v) == 1 => decode_body("index list", body),
        _ => Err(CodecError("index list record has an unknown format".into())),
    }
}

/// A counter or version number stored in the meta keys.
pub fn encode_u64(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

pub fn decode_u64(bytes: &[u8]) -> Result<u64, CodecError> {
    bytes
        .try_into()
        .map(u64::from_be_bytes)
        .map_err(|_| CodecError(format!("counter record is {} bytes, not 8", bytes.len())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Degree, HarmedObject};

    fn sample_network() -> Network {
        let answers = Answers {
            object_type: Some(ObjectType::Website),
            pi_subjects: Some(250_000),
            data_categories: Some([DataCategory::Personal, DataCategory::Payment].into()),
            cloud_provider: Some("阿里云".into()),
            ..Answers::default()
        };
        let mut eval = Milestone::new(
            Stage::EvaluationPassed,
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
        );
        eval.score = Some(82.5);
        eval.conclusion = Some(Conclusion::Good);
        Network {
            id: NetworkId(7),
            client: ClientId(3),
            revision: 2,
            name: "Online shop".into(),
            notes: String::new(),
            answers,
            overrides: Overrides {
                business_information: None,
                system_service: Some(HarmOverride {
                    object: HarmedObject::SocialOrder,
                    degree: Degree::Serious,
                    justification: "regional payment service".into(),
                }),
            },
            filed_level: Some(Level::L2),
            milestones: vec![eval],
        }
    }

    #[test]
    fn records_round_trip() {
        let n = sample_network();
        assert_eq!(decode::<Network>(&encode(&n)).unwrap(), n);
        let c = Client {
            id: ClientId(3),
            revision: 1,
            name: "Acme Trading Ltd".into(),
            name_zh: "阿克米贸易有限公司".into(),
            region: "Shanghai".into(),
            credit_code: "91350100M000100Y43".into(),
            address: "上海市浦东新区世纪大道100号".into(),
            contacts: vec![Contact {
                name: "Li Wei".into(),
                role: "CTO".into(),
                email: "li@example.com".into(),
                phone: String::new(),
            }],
            notes: "note".into(),
        };
        assert_eq!(decode::<Client>(&encode(&c)).unwrap(), c);
    }

    /// The stored bytes are the database format: if this test fails, the
    /// format changed. Bump the record's VERSION, freeze the old wire
    /// struct and teach `upgrade` to read it; then update the bytes here.
    #[test]
    fn network_bytes_are_pinned() {
        let mut n = sample_network();
        let mut filed = Milestone::new(
            Stage::CertificateIssued,
            NaiveDate::from_ymd_opt(2025, 12, 20).unwrap(),
        );
        filed.level = Some(Level::L2);
        n.milestones.push(filed);
        n.milestones.push(Milestone::new(
            Stage::EvaluationFailed,
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        ));
        let bytes = encode(&n);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "00020703020b4f6e6c696e652073686f7000010100000102010301fc90d00300000000000000000109e998bfe9878ce4ba910000000001010118726567696f6e616c207061796d656e74207365727669636501020309fc0492160000010000000000a054400101000000000afc2a92160000000000000001020bfc4a92160000000000000000"
        );
    }

    /// A network as format 1 stored it (the bytes that test pinned then)
    /// still reads, its milestones without a level.
    #[test]
    fn format_1_network_bytes_still_read() {
        let hex = "00010703020b4f6e6c696e652073686f7000010100000102010301fc90d00300000000000000000109e998bfe9878ce4ba910000000001010118726567696f6e616c207061796d656e74207365727669636501020109fc0492160000010000000000a054400101000000";
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(format_of(&bytes), Some(1));
        assert_eq!(decode::<Network>(&bytes).unwrap(), sample_network());
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let bytes = encode(&sample_network());
        for cut in 0..bytes.len() {
            assert!(decode::<Network>(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode::<Network>(&longer).unwrap_err().0.contains("stray"));
        let mut newer = bytes;
        newer[1] = 9;
        assert!(
            decode::<Network>(&newer)
                .unwrap_err()
                .0
                .contains("newer mlps")
        );
    }

    /// A record whose second version added a field, to show the mechanism
    /// every stored record uses: bytes written by version 1 still decode.
    #[derive(Debug, PartialEq)]
    struct Sample {
        name: String,
        added_later: u32,
    }

    mod sample_wire {
        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct V1 {
            pub name: String,
        }
        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct V2 {
            pub name: String,
            pub added_later: u32,
        }
    }

    impl Record for Sample {
        const NAME: &'static str = "sample";
        const VERSION: u16 = 2;
        type Wire = sample_wire::V2;
        fn to_wire(&self) -> sample_wire::V2 {
            sample_wire::V2 {
                name: self.name.clone(),
                added_later: self.added_later,
            }
        }
        fn from_wire(w: sample_wire::V2) -> Result<Sample, CodecError> {
            Ok(Sample {
                name: w.name,
                added_later: w.added_later,
            })
        }
        fn upgrade(version: u16, body: &[u8]) -> Result<Sample, CodecError> {
            match version {
                1 => {
                    let old: sample_wire::V1 = decode_body(Self::NAME, body)?;
                    Ok(Sample {
                        name: old.name,
                        added_later: 0,
                    })
                }
                _ => Err(CodecError(format!("sample format {version} is unknown"))),
            }
        }
    }

    #[test]
    fn a_field_added_later_still_reads_old_records() {
        let mut old = 1u16.to_be_bytes().to_vec();
        bincode::serde::encode_into_std_write(
            sample_wire::V1 {
                name: "上海".into(),
            },
            &mut old,
            config(),
        )
        .unwrap();
        assert_eq!(
            decode::<Sample>(&old).unwrap(),
            Sample {
                name: "上海".into(),
                added_later: 0
            }
        );
        let new = Sample {
            name: "x".into(),
            added_later: 5,
        };
        assert_eq!(decode::<Sample>(&encode(&new)).unwrap(), new);
        let mut unknown = old.clone();
        unknown[1] = 0;
        assert!(decode::<Sample>(&unknown).is_err());
    }

    fn sample_finding() -> StoredFinding {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let mut f = Finding::new(
            FindingId(12),
            "computing.identity_auth",
            "弱口令",
            ComplianceResult::Partial,
            Risk::High,
            day(10, 1),
        );
        f.owner = "王工".into();
        f.due = Some(day(12, 31));
        f.evidence = "#42".into();
        f.set_status(FindingStatus::Verified, day(11, 2)).unwrap();
        StoredFinding {
            network: NetworkId(7),
            client: ClientId(3),
            revision: 2,
            finding: f,
        }
    }

    /// The finding record's bytes are the database format: see
    /// `network_bytes_are_pinned`.
    #[test]
    fn finding_bytes_are_pinned() {
        let f = sample_finding();
        let bytes = encode(&f);
        assert_eq!(decode::<StoredFinding>(&bytes).unwrap(), f);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "00010c07030217636f6d707574696e672e6964656e746974795f6175746809e5bcb1e58fa3e4bba4010006e78e8be5b7a501fc1a951600030323343202fc649416000000fca4941600010003"
        );
        let mut choice = ExtensionChoice::default();
        choice.set(Extension::IndustrialControl, true);
        choice.set(Extension::Cloud, false);
        let bytes = encode(&choice);
        assert_eq!(decode::<ExtensionChoice>(&bytes).unwrap(), choice);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "000101030100");
        for cut in 0..bytes.len() {
            assert!(decode::<ExtensionChoice>(&bytes[..cut]).is_err());
        }
    }

    /// A log entry as format 1 stored it reads, naming no finding.
    #[test]
    fn format_1_log_entries_still_read() {
        let old = wire::LogV1 {
            seq: 4,
            at: 1_700_000_000,
            uid: 1000,
            user: "alice".into(),
            action: crate::store::audit::Action::Updated,
            client: Some(3),
            client_name: "Acme".into(),
            network: Some(7),
            network_name: "Shop".into(),
            before: None,
            after: Some(encode(&sample_network())),
            note: String::new(),
        };
        let mut bytes = 1u16.to_be_bytes().to_vec();
        bincode::serde::encode_into_std_write(old, &mut bytes, config()).unwrap();
        let e = decode::<LogEntry>(&bytes).unwrap();
        assert_eq!((e.seq, e.finding, e.network), (4, None, Some(NetworkId(7))));
        assert_eq!(decode::<LogEntry>(&encode(&e)).unwrap(), e);
    }

    #[test]
    fn due_keys_sort_by_date_then_network() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let a = keys::due(d(2026, 1, 31), NetworkId(900), DueKind::Evaluation);
        let b = keys::due(d(2026, 2, 1), NetworkId(1), DueKind::Filing);
        let c = keys::due(d(2026, 2, 1), NetworkId(2), DueKind::Filing);
        assert!(a < b && b < c);
        assert!(c < keys::due_end(d(2026, 2, 1)));
        assert!(
            keys::due_end(d(2026, 2, 1))
                < keys::due(d(2026, 2, 2), NetworkId(0), DueKind::SelfAssessment)
        );
        assert!(keys::due(d(1, 1, 1), NetworkId(0), DueKind::Filing) < a);
    }
}
