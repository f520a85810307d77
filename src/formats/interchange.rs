//! The interchange JSON document (`mlps import`, `mlps export --format
//! json`): its shape, parsing with errors that name the JSON path, and
//! conversion to and from the case model.

use serde::{Deserialize, Serialize};

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
            networks.push(NewNetwork {
                id: n.id.map(NetworkId),
                network,
                findings: Vec::new(),
                gap_extensions: None,
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
