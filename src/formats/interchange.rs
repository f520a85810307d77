//! The interchange JSON document (`mlps import`, `mlps export --format
//! json`): its shape, parsing with errors that name the JSON path, and
//! conversion to and from the case model.

use serde::{Deserialize, Serialize};

use crate::domain::gaps::{
    ComplianceResult, ExtensionChoice, Finding, FindingId, FindingStatus, Risk, StatusChange,
};
use crate::domain::model::{
    Client, ClientId, Contact, FieldError, Level, Milestone, Network, NetworkId, NewClient,
    NewNetwork, Overrides,
};
use crate::domain::questionnaire::Answers;
use crate::error::{Error, Result};

pub const FORMAT: &str = "mlps-cases";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub clients: Vec<ClientDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_zh: String,
    #[serde(default)]
    pub region: String,
    /// 统一社会信用代码; left out when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub credit_code: String,
    /// 单位地址; left out when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub networks: Vec<NetworkDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default)]
    pub answers: Answers,
    #[serde(default, rename = "override")]
    pub overrides: Overrides,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_level: Option<Level>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// The network's own choice of extension sets; left out when it kept
    /// the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_extensions: Option<ExtensionChoice>,
    /// The gap list; left out when empty, so documents without findings
    /// read as they always did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingDoc>,
}

/// One finding of a network's gap list (see docs/formats.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingDoc {
    /// Kept by an import, like a network's (refused when the database
    /// has it already); a new one is given when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The catalogue id (`computing.identity_auth`).
    pub control_point: String,
    pub description: String,
    pub result: ComplianceResult,
    pub risk: Risk,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "optional_date"
    )]
    pub due: Option<chrono::NaiveDate>,
    #[serde(default = "open")]
    pub status: FindingStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StatusChange>,
}

fn open() -> FindingStatus {
    FindingStatus::Open
}

impl FindingDoc {
    pub fn of(f: Finding) -> FindingDoc {
        FindingDoc {
            id: (f.id.0 != 0).then_some(f.id.0),
            control_point: f.control_point,
            description: f.description,
            result: f.result,
            risk: f.risk,
            owner: f.owner,
            due: f.due,
            status: f.status,
            evidence: f.evidence,
            history: f.history,
        }
    }

    /// The finding; id 0 when the store is to give it one.
    pub fn finding(&self) -> Finding {
        Finding {
            id: FindingId(self.id.unwrap_or(0)),
            control_point: self.control_point.clone(),
            description: self.description.clone(),
            result: self.result,
            risk: self.risk,
            owner: self.owner.clone(),
            due: self.due,
            status: self.status,
            evidence: self.evidence.clone(),
            history: self.history.clone(),
        }
    }
}

/// `Option<NaiveDate>` as an ISO date or nothing.
mod optional_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => crate::domain::calendar::date_serde::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "crate::domain::calendar::date_serde")] NaiveDate);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(d)| d))
    }
}

/// Parses a document. `file` names the source in messages. Errors name
/// the JSON path and the line and column.
pub fn parse(file: &str, text: &str) -> Result<Document> {
    if text.trim().is_empty() {
        return Err(Error::input(format!(
            "{file}: the file is empty: expected an {FORMAT} JSON document"
        )));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let (line, col) = (inner.line(), inner.column());
        let msg = strip_position(&inner.to_string());
        if path == "." || path.is_empty() {
            Error::input(format!("{file}:{line}:{col}: {msg}"))
        } else {
            Error::input(format!("{file}:{line}:{col}: at {path}: {msg}"))
        }
    })?;
    de.end().map_err(|e| {
        Error::input(format!(
            "{file}:{}:{}: {}",
            e.line(),
            e.column(),
            strip_position(&e.to_string())
        ))
    })?;
    if doc.format != FORMAT {
        return Err(Error::input(format!(
            "{file}: at format: {:?} is not {FORMAT:?}",
            doc.format
        )));
    }
    if doc.version != VERSION {
        return Err(Error::input(format!(
            "{file}: at version: version {} is not supported: this mlps reads version {VERSION}",
            doc.version
        )));
    }
    Ok(doc)
}

/// serde_json appends " at line L column C"; the message puts the position
/// first instead.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Checks every record of `doc` and turns it into records to create. The
/// error names the path, e.g. `clients[0].networks[1].milestones[0].score`.
pub fn to_records(file: &str, doc: &Document) -> Result<Vec<NewClient>> {
    let mut out = Vec::with_capacity(doc.clients.len());
    let mut client_ids = std::collections::HashSet::new();
    let mut network_ids = std::collections::HashSet::new();
    let mut finding_ids = std::collections::HashSet::new();
    let bad = |e: FieldError| Error::input(format!("{file}: at {}: {}", e.field, e.message));
    for (ci, c) in doc.clients.iter().enumerate() {
        let at_client = format!("clients[{ci}]");
        let ids = std::iter::once((c.id, format!("{at_client}.id"))).chain(
            c.networks
                .iter()
                .enumerate()
                .map(|(ni, n)| (n.id, format!("{at_client}.networks[{ni}].id"))),
        );
        for (id, at) in ids {
            if let Some(id) = id.filter(|id| *id == 0 || *id > crate::domain::model::MAX_ID) {
                return Err(bad(FieldError::new(
                    at,
                    format!(
                        "id {id} is out of range: ids run from 1 to {}",
                        crate::domain::model::MAX_ID
                    ),
                )));
            }
        }
        if let Some(id) = c.id
            && !client_ids.insert(id)
        {
            return Err(bad(FieldError::new(
                format!("{at_client}.id"),
                format!("client id {id} appears twice"),
            )));
        }
        let mut client = Client {
            id: ClientId(c.id.unwrap_or(0)),
            revision: 0,
            name: c.name.clone(),
            name_zh: c.name_zh.clone(),
            region: c.region.clone(),
            credit_code: c.credit_code.clone(),
            address: c.address.clone(),
            contacts: c.contacts.clone(),
            notes: c.notes.clone(),
        };
        client.validate().map_err(|e| bad(e.within(&at_client)))?;
        let mut networks = Vec::with_capacity(c.networks.len());
        for (ni, n) in c.networks.iter().enumerate() {
            let at_network = format!("{at_client}.networks[{ni}]");
            if let Some(id) = n.id
                && !network_ids.insert(id)
            {
                return Err(bad(FieldError::new(
                    format!("{at_network}.id"),
                    format!("network id {id} appears twice"),
                )));
            }
            let mut network = Network {
                id: NetworkId(n.id.unwrap_or(0)),
                client: client.id,
                revision: 0,
                name: n.name.clone(),
                notes: n.notes.clone(),
                answers: n.answers.clone(),
                overrides: n.overrides.clone(),
                filed_level: n.filed_level,
                milestones: n.milestones.clone(),
            };
            network
                .validate()
                .and_then(|()| network.check_filed_level())
                .map_err(|e| bad(e.within(&at_network)))?;
            if n.findings.len() > crate::domain::gaps::finding::MAX_FINDINGS {
                return Err(bad(FieldError::new(
                    format!("{at_network}.findings"),
                    format!(
                        "{} findings, more than the {} one network may hold",
                        n.findings.len(),
                        crate::domain::gaps::finding::MAX_FINDINGS
                    ),
                )));
            }
            let mut findings = Vec::with_capacity(n.findings.len());
            for (fi, f) in n.findings.iter().enumerate() {
                let at = format!("{at_network}.findings[{fi}].id");
                if let Some(id) = f.id {
                    if id == 0 || id > crate::domain::model::MAX_ID {
                        return Err(bad(FieldError::new(
                            at,
                            format!(
                                "id {id} is out of range: ids run from 1 to {}",
                                crate::domain::model::MAX_ID
                            ),
                        )));
                    }
                    if !finding_ids.insert(id) {
                        return Err(bad(FieldError::new(
                            at,
                            format!("finding id {id} appears twice"),
                        )));
                    }
                }
                let mut finding = f.finding();
                finding
                    .validate()
                    .map_err(|e| bad(e.within(&format!("{at_network}.findings[{fi}]"))))?;
                findings.push(finding);
            }
            networks.push(NewNetwork {
                id: n.id.map(NetworkId),
                network,
                findings,
                gap_extensions: n.gap_extensions.clone(),
            });
        }
        out.push(NewClient {
            id: c.id.map(ClientId),
            client,
            networks,
        });
    }
    Ok(out)
}

/// The document for a set of clients and their networks, in id order.
pub fn from_records(mut clients: Vec<(Client, Vec<Network>)>) -> Document {
    clients.sort_by_key(|(c, _)| c.id);
    Document {
        format: FORMAT.to_string(),
        version: VERSION,
        clients: clients
            .into_iter()
            .map(|(c, networks)| client_doc(c, networks))
            .collect(),
    }
}

/// One client as the document has it, networks in id order.
pub fn client_doc(c: Client, mut networks: Vec<Network>) -> ClientDoc {
    networks.sort_by_key(|n| n.id);
    ClientDoc {
        id: Some(c.id.0),
        name: c.name,
        name_zh: c.name_zh,
        region: c.region,
        credit_code: c.credit_code,
        address: c.address,
        contacts: c.contacts,
        notes: c.notes,
        networks: networks.into_iter().map(network_doc).collect(),
    }
}

/// One network as the document has it.
pub fn network_doc(n: Network) -> NetworkDoc {
    NetworkDoc {
        id: Some(n.id.0),
        name: n.name,
        notes: n.notes,
        answers: n.answers,
        overrides: n.overrides,
        filed_level: n.filed_level,
        milestones: n.milestones,
        gap_extensions: None,
        findings: Vec::new(),
    }
}

/// Puts each network's findings and extension choice into `doc`.
pub fn add_gaps(
    doc: &mut Document,
    findings: Vec<(NetworkId, Finding)>,
    extensions: Vec<(NetworkId, ExtensionChoice)>,
) {
    let mut by_network: std::collections::HashMap<u64, Vec<FindingDoc>> = Default::default();
    for (network, f) in findings {
        by_network
            .entry(network.0)
            .or_default()
            .push(FindingDoc::of(f));
    }
    let mut chosen: std::collections::HashMap<u64, ExtensionChoice> = extensions
        .into_iter()
        .filter(|(_, c)| *c != ExtensionChoice::default())
        .map(|(n, c)| (n.0, c))
        .collect();
    for n in doc.clients.iter_mut().flat_map(|c| c.networks.iter_mut()) {
        let Some(id) = n.id else { continue };
        if let Some(mut list) = by_network.remove(&id) {
            list.sort_by_key(|f| f.id);
            n.findings = list;
        }
        n.gap_extensions = chosen.remove(&id);
    }
}

/// The document as pretty JSON with a final newline.
pub fn to_json(doc: &Document) -> String {
    let mut s = crate::text::inert_json(
        &serde_json::to_string_pretty(doc).expect("the document serialises"),
    );
    s.push('\n');
    s
}
