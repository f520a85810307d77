//! `mlps log`: who changed what, and when, from the audit log.

use std::io::Write;

use super::io_error;
use crate::domain::labels::{self, Lang};
use crate::error::{Error, Result};
use crate::service::history::{change_line, change_line_in, heading_in};
use crate::store::audit::LogEntry;

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

/// The entries as JSON (the same in every language), or as lines in
/// `lang`: each entry's heading, then its changed fields (in English by
/// their ids, in Chinese and both by their names).
pub fn print(entries: &[LogEntry], json: bool, lang: Lang, out: &mut impl Write) -> Result<()> {
    if json {
        let list: Vec<serde_json::Value> = entries.iter().map(to_json).collect();
        let mut text = crate::text::inert_json(
            &serde_json::to_string_pretty(&list).expect("JSON values serialise"),
        );
        text.push('\n');
        return out.write_all(text.as_bytes()).map_err(io_error);
    }
    if entries.is_empty() {
        return writeln!(out, "{}", labels::cli::lines(labels::cli::NO_CHANGES, lang))
            .map_err(io_error);
    }
    for e in entries {
        writeln!(out, "{}", heading_in(e, lang)).map_err(io_error)?;
        for c in e.changes() {
            let line = match lang {
                Lang::En => change_line(&c),
                _ => change_line_in(&c, lang),
            };
            writeln!(out, "    {line}").map_err(io_error)?;
        }
    }
    Ok(())
}

fn to_json(e: &LogEntry) -> serde_json::Value {
    let at = chrono::DateTime::from_timestamp(e.at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let mut entry = serde_json::json!({
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
    });
    // Only entries about a finding name one.
    if let (Some(f), Some(map)) = (e.finding, entry.as_object_mut()) {
        map.insert("finding".into(), serde_json::json!(f.0));
    }
    entry
}

/// A value kept as JSON text back as JSON.
fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}
