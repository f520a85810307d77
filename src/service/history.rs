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

/// The entry's heading in `lang`, as `mlps log` prints it: in English
/// [`heading`] byte for byte; in Chinese `修改 定级对象“Shop”（客户 Acme）`;
/// in both, the English, then ` · ` and the Chinese. An entry's note (an
/// import's, a restore's) is kept as the log recorded it.
pub fn heading_in(e: &LogEntry, lang: crate::domain::labels::Lang) -> String {
    use crate::domain::labels::{Lang, cli::log_action};
    let esc = escape_for_terminal;
    let zh = || {
        let subject = match (e.network, e.client) {
            (Some(_), _) => format!(
                "定级对象“{}”（客户 {}）",
                esc(&e.network_name),
                esc(&e.client_name)
            ),
            (None, Some(_)) => format!("客户“{}”", esc(&e.client_name)),
            (None, None) => import_note_zh(&e.note).unwrap_or_else(|| esc(&e.note)),
        };
        format!("{} {subject}", log_action(e.action.as_str()).zh)
    };
    match lang {
        Lang::En => heading(e),
        Lang::Zh => format!("{}  {}  {}", e.when(), esc(&e.user), zh()),
        Lang::Both => format!("{} · {}", heading(e), zh()),
    }
}

/// An import's note (`5 clients and 14 networks`, as the store writes
/// it) in Chinese: `5 个客户和 14 个定级对象`; `None` for any other note.
fn import_note_zh(note: &str) -> Option<String> {
    let (clients, networks) = note.split_once(" and ")?;
    let count = |s: &str, one: &str| -> Option<u64> {
        let (n, word) = s.split_once(' ')?;
        (word == one || word == format!("{one}s")).then_some(())?;
        n.parse().ok()
    };
    Some(format!(
        "{} 个客户和 {} 个定级对象",
        count(clients, "client")?,
        count(networks, "network")?
    ))
}

#[cfg(test)]
mod tests {
    use super::import_note_zh;

    #[test]
    fn an_import_note_reads_in_chinese_and_any_other_note_stays() {
        assert_eq!(
            import_note_zh("5 clients and 1 network").as_deref(),
            Some("5 个客户和 1 个定级对象")
        );
        assert_eq!(import_note_zh("the backup in /x (taken 1 of y)"), None);
        assert_eq!(import_note_zh("many clients and 2 networks"), None);
    }
}
