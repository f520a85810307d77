//! The audit log as people read it: which entries concern a client, and
//! each entry's heading and changed fields as lines (`mlps log` and the case
//! manager's history and conflict dialog).

use unicode_normalization::UnicodeNormalization;

use crate::domain::model::ClientId;
use crate::error::{Error, Result};
use crate::store::CaseStore;
use crate::store::audit::{FieldChange, LogEntry, LogQuery};
use crate::text::{escape_for_terminal, truncate};

/// The widest a value is shown, in columns: the log is for reading.
const VALUE_COLUMNS: usize = 60;

fn folded(s: &str) -> String {
    s.nfkc().flat_map(char::to_lowercase).collect()
}

/// The entries to show: since a time, and about clients whose name (now,
/// or when the entry was written) contains `client`.
pub fn entries(
    store: &dyn CaseStore,
    since: Option<i64>,
    client: Option<&str>,
) -> Result<Vec<LogEntry>> {
    let query = LogQuery {
        since,
        ..LogQuery::default()
    };
    let mut entries = store.log(&query)?;
    if let Some(name) = client {
        let wanted = folded(name.trim());
        if wanted.is_empty() {
            return Err(Error::input("--client: expected part of a client's name"));
        }
        let ids: Vec<ClientId> = store
            .clients()?
            .into_iter()
            .filter(|c| {
                folded(&c.name).contains(&wanted)
                    || folded(&c.name_zh).contains(&wanted)
                    || c.id.0.to_string() == wanted
            })
            .map(|c| c.id)
            .collect();
        entries.retain(|e| {
            e.client.is_some_and(|c| ids.contains(&c)) || folded(&e.client_name).contains(&wanted)
        });
    }
    Ok(entries)
}

fn value(v: &Option<String>) -> String {
    match v {
        Some(v) => truncate(&escape_for_terminal(v), VALUE_COLUMNS),
        None => "(none)".to_string(),
    }
}

/// One change, as a line under its entry: `field: old → new`.
pub fn change_line(c: &FieldChange) -> String {
    format!(
        "{}: {} → {}",
        escape_for_terminal(&c.field),
        value(&c.before),
        value(&c.after)
    )
}

/// One change in `lang`, as the case manager's history shows it: the
/// field in words (`Milestone 8 · conclusion 里程碑 8 · 结论`) and the
/// values the catalogue knows (stages, conclusions, choices) in words.
pub fn change_line_in(c: &FieldChange, lang: crate::domain::labels::Lang) -> String {
    use crate::domain::labels::{field, field_value};
    let v = |x: &Option<String>| match x {
        Some(json) => value(&Some(field_value(&c.field, json, lang))),
        None => value(&None),
    };
    format!(
        "{}: {} → {}",
        escape_for_terminal(&field(&c.field, lang)),
        v(&c.before),
        v(&c.after)
    )
}

/// The entry's heading: when, who, what.
pub fn heading(e: &LogEntry) -> String {
    format!(
        "{}  {}  {} {}",
        e.when(),
        escape_for_terminal(&e.user),
        e.action.as_str(),
        e.subject()
    )
}
