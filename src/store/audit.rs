//! The audit log: who changed which record, when, and from what to what.
//! The store writes one entry in the same atomic batch as every change,
//! so a change and its entry are on disk together or not at all. Who made
//! a change is the OS user the daemon learnt from the socket, never a name
//! the client gave.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codec;
use crate::domain::gaps::FindingId;
use crate::domain::model::{Client, ClientId, Network, NetworkId};

/// The OS user a change is made by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub uid: u32,
    /// The login name when the user database has one, else `uid N`.
    pub user: String,
}

impl Actor {
    pub fn of_uid(uid: u32) -> Actor {
        Actor {
            uid,
            user: crate::sys::user_label(uid),
        }
    }

    /// The user this process runs as.
    pub fn current() -> Actor {
        // SAFETY: geteuid cannot fail.
        Actor::of_uid(unsafe { libc::geteuid() })
    }
}

/// What a change did. Stored by variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Created,
    Updated,
    Deleted,
    /// A deleted network put back by undo.
    Restored,
    /// A whole import; `note` says how much.
    Imported,
    /// The whole database replaced by a backup; `note` says which.
    BackupRestored,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
            Action::Restored => "restored",
            Action::Imported => "imported",
            Action::BackupRestored => "restored",
        }
    }
}

/// One change, as the log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Position in the log: entries are numbered in the order written.
    pub seq: u64,
    /// When, in seconds since the Unix epoch, by the daemon's clock.
    pub at: i64,
    pub uid: u32,
    pub user: String,
    pub action: Action,
    /// The client changed, or the client of the network changed; `None`
    /// for an import.
    pub client: Option<ClientId>,
    pub client_name: String,
    /// The network changed, when the change was to a network.
    pub network: Option<NetworkId>,
    pub network_name: String,
    /// The finding changed, when the change was to a finding of the
    /// network; [`GAP_LIST`] when it was to the network's gap list as a
    /// whole (an import of findings, its extension sets). Such entries
    /// are indexed apart from the network's own ([`LogQuery::of_findings`]),
    /// so a network's history and revisions stay its own.
    pub finding: Option<FindingId>,
    /// The record before and after, as `codec` bytes (a `Client` when
    /// `network` is `None`, a `StoredFinding` when `finding` is set, else
    /// a `Network`).
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
    /// Free text: what an import brought in.
    pub note: String,
}

/// The finding an entry about a network's whole gap list names: no
/// finding has id 0.
pub const GAP_LIST: FindingId = FindingId(0);

/// One field that a change altered, values as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Dotted path, as in the interchange JSON: `answers.pi_subjects`,
    /// `milestones[1].date`.
    pub field: String,
    /// `None`: the field was absent (created, or a list grew).
    pub before: Option<String>,
    pub after: Option<String>,
}

impl LogEntry {
    /// The fields the change altered, in field order. The revision, which
    /// every write bumps, is left out.
    pub fn changes(&self) -> Vec<FieldChange> {
        let flat = |bytes: &Option<Vec<u8>>| -> BTreeMap<String, String> {
            let mut out = BTreeMap::new();
            if let Some(value) = bytes.as_deref().and_then(|b| self.record_json(b)) {
                flatten("", &value, &mut out);
            }
            out
        };
        let (before, after) = (flat(&self.before), flat(&self.after));
        let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
        fields.sort();
        fields.dedup();
        fields
            .into_iter()
            .filter(|f| before.get(*f) != after.get(*f))
            .map(|f| FieldChange {
                field: f.clone(),
                before: before.get(f).cloned(),
                after: after.get(f).cloned(),
            })
            .collect()
    }

    fn record_json(&self, bytes: &[u8]) -> Option<serde_json::Value> {
        if self.finding == Some(GAP_LIST) {
            None
        } else if self.finding.is_some() {
            let f: crate::store::StoredFinding = codec::decode(bytes).ok()?;
            serde_json::to_value(f.finding).ok()
        } else if self.network.is_some() {
            let n: Network = codec::decode(bytes).ok()?;
            serde_json::to_value(crate::formats::interchange::network_doc(n)).ok()
        } else {
            let c: Client = codec::decode(bytes).ok()?;
            serde_json::to_value(crate::formats::interchange::client_doc(c, Vec::new())).ok()
        }
    }

    /// The record's revision after the change (`None` for a deletion or
    /// an import).
    pub fn revision_after(&self) -> Option<u64> {
        let bytes = self.after.as_deref()?;
        if self.finding == Some(GAP_LIST) {
            None
        } else if self.finding.is_some() {
            codec::decode::<crate::store::StoredFinding>(bytes)
                .ok()
                .map(|f| f.revision)
        } else if self.network.is_some() {
            codec::decode::<Network>(bytes).ok().map(|n| n.revision)
        } else {
            codec::decode::<Client>(bytes).ok().map(|c| c.revision)
        }
    }

    /// What was changed, for a person: `network "HR" of Acme Ltd`.
    pub fn subject(&self) -> String {
        let esc = crate::text::escape_for_terminal;
        match (self.network, self.client) {
            // A change to the network's gap list says what in its note.
            (Some(_), _) if self.finding == Some(GAP_LIST) => format!(
                "gap list of network \"{}\" of {}: {}",
                esc(&self.network_name),
                esc(&self.client_name),
                esc(&self.note)
            ),
            (Some(_), _) if self.finding.is_some() => format!(
                "finding {} of network \"{}\" of {}",
                self.finding.map_or(0, |f| f.0),
                esc(&self.network_name),
                esc(&self.client_name)
            ),
            (Some(_), _) => format!(
                "network \"{}\" of {}",
                esc(&self.network_name),
                esc(&self.client_name)
            ),
            (None, Some(_)) => format!("client \"{}\"", esc(&self.client_name)),
            (None, None) => esc(&self.note),
        }
    }

    /// When, as local time `YYYY-MM-DD HH:MM:SS`.
    pub fn when(&self) -> String {
        format_time(self.at)
    }
}

/// A Unix time as local time, `YYYY-MM-DD HH:MM:SS`.
pub fn format_time(at: i64) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_opt(at, 0) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M:%S").to_string()
        }
        chrono::LocalResult::None => format!("@{at}"),
    }
}

/// Now, as the log records it.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Leaves of a JSON value by dotted path. Lists of plain values (data
/// categories) stay one leaf, so adding one reads as one change.
fn flatten(path: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    use serde_json::Value;
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k != "id" {
                    flatten(&join(k), v, out);
                }
            }
        }
        Value::Array(items) if items.iter().any(|v| v.is_object() || v.is_array()) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), v, out);
            }
        }
        // Nothing in it: absent, so a first contact reads as one added
        // contact and a new record lists only what it holds.
        Value::Null => {}
        Value::Array(items) if items.is_empty() => {}
        Value::String(text) if text.is_empty() => {}
        other => {
            out.insert(path.to_string(), other.to_string());
        }
    }
}

/// Which entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQuery {
    /// Only entries at or after this Unix time.
    pub since: Option<i64>,
    /// Only entries about this client or its networks.
    pub client: Option<u64>,
    /// Only entries about this network itself.
    pub network: Option<u64>,
    /// Only entries about this network's findings and gap list.
    #[serde(default)]
    pub findings_of: Option<u64>,
    /// Only the newest this many.
    pub limit: Option<u64>,
}

impl LogQuery {
    pub fn of_network(id: NetworkId) -> LogQuery {
        LogQuery {
            network: Some(id.0),
            ..LogQuery::default()
        }
    }

    /// The entries about a network's findings and gap list.
    pub fn of_findings(id: NetworkId) -> LogQuery {
        LogQuery {
            findings_of: Some(id.0),
            ..LogQuery::default()
        }
    }

    pub fn of_client(id: ClientId) -> LogQuery {
        LogQuery {
            client: Some(id.0),
            ..LogQuery::default()
        }
    }

    pub fn newest(mut self, limit: u64) -> LogQuery {
        self.limit = Some(limit);
        self
    }

    pub fn matches(&self, e: &LogEntry) -> bool {
        self.since.is_none_or(|s| e.at >= s)
            && self.client.is_none_or(|c| e.client == Some(ClientId(c)))
            && self
                .network
                .is_none_or(|n| e.network == Some(NetworkId(n)) && e.finding.is_none())
            && self
                .findings_of
                .is_none_or(|n| e.network == Some(NetworkId(n)) && e.finding.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Level;

    fn network() -> Network {
        Network {
            id: NetworkId(7),
            client: ClientId(1),
            revision: 3,
            name: "HR".into(),
            notes: String::new(),
            answers: Default::default(),
            overrides: Default::default(),
            filed_level: None,
            milestones: Vec::new(),
        }
    }

    fn entry(before: Option<&Network>, after: Option<&Network>) -> LogEntry {
        LogEntry {
            seq: 1,
            at: 0,
            uid: 1000,
            user: "alice".into(),
            action: Action::Updated,
            client: Some(ClientId(1)),
            client_name: "Acme".into(),
            network: Some(NetworkId(7)),
            network_name: "HR".into(),
            finding: None,
            before: before.map(codec::encode),
            after: after.map(codec::encode),
            note: String::new(),
        }
    }

    #[test]
    fn changes_name_each_altered_field_and_skip_the_revision() {
        let before = network();
        let mut after = before.clone();
        after.revision = 4;
        after.answers.pi_subjects = Some(200_000);
        after.filed_level = Level::new(2);
        let changes = entry(Some(&before), Some(&after)).changes();
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "answers.pi_subjects".into(),
                    before: None,
                    after: Some("200000".into()),
                },
                FieldChange {
                    field: "filed_level".into(),
                    before: None,
                    after: Some("2".into()),
                },
            ]
        );
    }

    #[test]
    fn a_new_record_lists_only_what_it_holds() {
        let changes = entry(None, Some(&network())).changes();
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name"]);
    }

    #[test]
    fn a_first_milestone_reads_as_one_added_milestone() {
        let before = network();
        let mut after = before.clone();
        after.milestones.push(crate::domain::model::Milestone::new(
            crate::domain::model::Stage::QuestionnaireSent,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        ));
        let changes = entry(Some(&before), Some(&after)).changes();
        assert!(
            changes
                .iter()
                .all(|c| c.field.starts_with("milestones[0].")),
            "{changes:?}"
        );
        assert!(changes.iter().all(|c| c.before.is_none()), "{changes:?}");
    }

    #[test]
    fn a_deletion_lists_what_was_there() {
        let before = network();
        let changes = entry(Some(&before), None).changes();
        assert!(
            changes
                .iter()
                .any(|c| c.field == "name" && c.before.as_deref() == Some("\"HR\"")),
            "{changes:?}"
        );
        assert!(changes.iter().all(|c| c.after.is_none()));
    }

    #[test]
    fn the_current_user_has_a_name() {
        let me = Actor::current();
        assert!(!me.user.is_empty());
    }

    #[test]
    fn queries_filter_by_time_client_and_network() {
        let e = entry(None, Some(&network()));
        assert!(LogQuery::default().matches(&e));
        assert!(LogQuery::of_network(NetworkId(7)).matches(&e));
        assert!(!LogQuery::of_network(NetworkId(8)).matches(&e));
        assert!(LogQuery::of_client(ClientId(1)).matches(&e));
        let later = LogQuery {
            since: Some(1),
            ..LogQuery::default()
        };
        assert!(!later.matches(&e));
    }
}
