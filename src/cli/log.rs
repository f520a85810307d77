//! `mlps log`: who changed what, and when, from the audit log.

use std::io::Write;

use unicode_normalization::UnicodeNormalization;

use super::io_error;
use crate::domain::model::ClientId;
use crate::error::{Error, Result};
use crate::store::CaseStore;
use crate::store::audit::{FieldChange, LogEntry, LogQuery};
use crate::text::{escape_for_terminal, truncate};

/// The widest a value is shown, in columns: the log is for reading.
const VALUE_COLUMNS: usize = 60;

/// The Unix time of local midnight starting `date` (YYYY-MM-DD).
pub fn since(date: &str) -> Result<i64> {
    use chrono::TimeZone;
    let day = crate::domain::calendar::parse_date(date)
        .map_err(|e| Error::input(format!("--since: {e}")))?;
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Ok(chrono::Local
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc().timestamp(), |t| t.timestamp()))
}

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

pub fn print(entries: &[LogEntry], json: bool, out: &mut impl Write) -> Result<()> {
    if json {
        let list: Vec<serde_json::Value> = entries.iter().map(to_json).collect();
        let mut text = crate::text::inert_json(
            &serde_json::to_string_pretty(&list).expect("JSON values serialise"),
        );
        text.push('\n');
        return out.write_all(text.as_bytes()).map_err(io_error);
    }
    if entries.is_empty() {
        return writeln!(out, "No changes recorded.").map_err(io_error);
    }
    for e in entries {
        writeln!(out, "{}", heading(e)).map_err(io_error)?;
        for c in e.changes() {
            writeln!(out, "    {}", change_line(&c)).map_err(io_error)?;
        }
    }
    Ok(())
}

fn to_json(e: &LogEntry) -> serde_json::Value {
    let at = chrono::DateTime::from_timestamp(e.at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    serde_json::json!({
        "seq": e.seq,
        "at": at,
        "user": e.user,
        "uid": e.uid,
        "action": e.action.as_str(),
        "client": e.client.map(|c| c.0),
        "client_name": e.client_name,
        "network": e.network.map(|n| n.0),
        "network_name": e.network_name,
        "note": e.note,
        "changes": e.changes().iter().map(|c| serde_json::json!({
            "field": c.field,
            "before": c.before.as_deref().map(json_value),
            "after": c.after.as_deref().map(json_value),
        })).collect::<Vec<_>>(),
    })
}

/// A value kept as JSON text back as JSON.
fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}
