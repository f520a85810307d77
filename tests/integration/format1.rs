//! A database in format 1, written byte by byte with that format's own
//! shapes (frozen below), not with the codec: the fixture of the schema
//! evolution tests.

#![allow(dead_code)]

use std::path::Path;

use chrono::NaiveDate;
use mlps::domain::questionnaire::ObjectType;
use mlps::store::codec;
use serde::Serialize;

/// Format 1's shapes, as that release wrote them.
pub mod v1 {
    use serde::Serialize;

    #[derive(Serialize)]
    pub struct Contact {
        pub name: String,
        pub role: String,
        pub email: String,
        pub phone: String,
    }

    #[derive(Serialize)]
    pub struct Client {
        pub id: u64,
        pub revision: u64,
        pub name: String,
        pub name_zh: String,
        pub region: String,
        pub contacts: Vec<Contact>,
        pub notes: String,
    }

    /// Format 1 called 中 "medium".
    #[derive(Serialize, Clone, Copy)]
    #[allow(dead_code)]
    pub enum Conclusion {
        #[serde(rename = "excellent")]
        Excellent,
        #[serde(rename = "good")]
        Good,
        #[serde(rename = "medium")]
        Medium,
        #[serde(rename = "poor")]
        Poor,
    }

    /// Format 1's stages, by position (it had no failed evaluation).
    #[derive(Serialize, Clone, Copy)]
    #[allow(dead_code)]
    pub enum Stage {
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

    #[derive(Serialize)]
    pub struct Milestone {
        pub stage: Stage,
        pub date: i32,
        pub note: String,
        pub score: Option<f64>,
        pub conclusion: Option<Conclusion>,
        pub high_risks: Option<u32>,
        pub medium_risks: Option<u32>,
        pub number: Option<String>,
    }

    #[derive(Serialize, Default)]
    pub struct Answers {
        pub object_type: Option<mlps::domain::questionnaire::ObjectType>,
        pub sector: Option<mlps::domain::questionnaire::Sector>,
        pub cii: Option<bool>,
        pub data_categories:
            Option<std::collections::BTreeSet<mlps::domain::questionnaire::DataCategory>>,
        pub pi_subjects: Option<u64>,
        pub sensitive_pi_subjects: Option<u64>,
        pub registered_users: Option<u64>,
        pub public_facing: Option<bool>,
        pub public_opinion: Option<bool>,
        pub outage_affected_people: Option<u64>,
        pub hosted_max_level: Option<u8>,
        pub deployment: Option<mlps::domain::questionnaire::Deployment>,
        pub cloud_provider: Option<String>,
        pub cloud_provider_level: Option<u8>,
        pub cross_border_transfer: Option<bool>,
        pub architecture_notes: Option<String>,
    }

    #[derive(Serialize)]
    pub struct Network {
        pub id: u64,
        pub client: u64,
        pub revision: u64,
        pub name: String,
        pub notes: String,
        pub answers: Answers,
        pub business_information: Option<()>,
        pub system_service: Option<()>,
        pub filed_level: Option<u8>,
        pub milestones: Vec<Milestone>,
    }

    #[derive(Serialize)]
    pub struct Log {
        pub seq: u64,
        pub at: i64,
        pub uid: u32,
        pub user: String,
        /// 0: created.
        pub action: u32,
        pub client: Option<u64>,
        pub client_name: String,
        pub network: Option<u64>,
        pub network_name: String,
        pub before: Option<Vec<u8>>,
        pub after: Option<Vec<u8>>,
        pub note: String,
    }
}

/// `[version 1][bincode body]`, as format 1 stored every record.
pub fn v1_record(body: &impl Serialize) -> Vec<u8> {
    let mut out = 1u16.to_be_bytes().to_vec();
    out.extend(bincode::serde::encode_to_vec(body, bincode::config::standard()).unwrap());
    out
}

pub fn meta(name: &str) -> Vec<u8> {
    let mut k = vec![b'm'];
    k.extend_from_slice(name.as_bytes());
    k
}

pub fn id_key(prefix: u8, id: u64) -> Vec<u8> {
    let mut k = vec![prefix];
    k.extend_from_slice(&id.to_be_bytes());
    k
}

pub fn pair_key(prefix: u8, a: u64, b: u64) -> Vec<u8> {
    let mut k = id_key(prefix, a);
    k.extend_from_slice(&b.to_be_bytes());
    k
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The client records the fixture wrote, by key, to compare with the copy.
pub type Written = Vec<(Vec<u8>, Vec<u8>)>;

/// Writes a format-1 database into `dir`: two clients (one Chinese), a
/// network evaluated "medium", the client-network index, an audit log
/// entry holding a format-1 client, and the counters. Returns the client
/// records as written.
pub fn write_format_1(dir: &Path, damaged_second_client: bool) -> Written {
    let db = sled::open(dir.join("store")).unwrap();
    let tree = db.open_tree("cases").unwrap();
    let acme = v1::Client {
        id: 1,
        revision: 3,
        name: "Acme Trading Ltd".into(),
        name_zh: "阿克米贸易有限公司".into(),
        region: "Shanghai".into(),
        contacts: vec![v1::Contact {
            name: "Li Wei".into(),
            role: "CTO".into(),
            email: "li@example.com".into(),
            phone: "+86 21 5555 0100".into(),
        }],
        notes: "renews every December".into(),
    };
    let bank = v1::Client {
        id: 2,
        revision: 1,
        name: String::new(),
        name_zh: "重庆银行数据中心".into(),
        region: "Chongqing".into(),
        contacts: vec![],
        notes: String::new(),
    };
    let acme_bytes = v1_record(&acme);
    let bank_bytes = if damaged_second_client {
        // A version-1 head on a body that is not a client.
        vec![0, 1, 0xff, 0xff, 0xff]
    } else {
        v1_record(&bank)
    };
    let shop = v1::Network {
        id: 3,
        client: 1,
        revision: 2,
        name: "Online shop".into(),
        notes: String::new(),
        answers: v1::Answers {
            object_type: Some(ObjectType::Website),
            pi_subjects: Some(250_000),
            public_facing: Some(true),
            ..v1::Answers::default()
        },
        business_information: None,
        system_service: None,
        filed_level: Some(2),
        milestones: vec![
            v1::Milestone {
                stage: v1::Stage::EvaluationPassed,
                date: codec::date_to_days(day(2025, 12, 1)),
                note: String::new(),
                score: Some(76.5),
                conclusion: Some(v1::Conclusion::Medium),
                high_risks: Some(0),
                medium_risks: Some(2),
                number: None,
            },
            v1::Milestone {
                stage: v1::Stage::CertificateIssued,
                date: codec::date_to_days(day(2025, 12, 20)),
                note: "备案证明".into(),
                score: None,
                conclusion: None,
                high_risks: None,
                medium_risks: None,
                number: Some("31010499999-00001".into()),
            },
        ],
    };
    let log = v1::Log {
        seq: 1,
        at: 1_764_547_200,
        uid: 1000,
        user: "li".into(),
        action: 0,
        client: Some(1),
        client_name: "Acme Trading Ltd".into(),
        network: None,
        network_name: String::new(),
        before: None,
        after: Some(acme_bytes.clone()),
        note: String::new(),
    };
    let clients = vec![(id_key(b'c', 1), acme_bytes), (id_key(b'c', 2), bank_bytes)];
    for (k, v) in &clients {
        tree.insert(k, v.as_slice()).unwrap();
    }
    tree.insert(id_key(b'n', 3), v1_record(&shop)).unwrap();
    tree.insert(pair_key(b'x', 1, 3), &[]).unwrap();
    tree.insert(id_key(b'l', 1), v1_record(&log)).unwrap();
    tree.insert(pair_key(b'k', 1, 1), &[]).unwrap();
    tree.insert(meta("schema"), &1u64.to_be_bytes()).unwrap();
    tree.insert(meta("next_id"), &4u64.to_be_bytes()).unwrap();
    tree.insert(meta("log_seq"), &2u64.to_be_bytes()).unwrap();
    db.flush().unwrap();
    clients
}
