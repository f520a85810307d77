//! Other sessions' changes coming in: the records they wrote are read
//! again, keeping the selection on the same client and network and
//! leaving any open form alone (a save based on an old revision is then
//! refused, not lost), and the user is told when a change of theirs was
//! replaced.

use crate::domain::merge;
use crate::error::Result;
use crate::tui::app::{App, Undo};
use crate::tui::connection::Change;
use crate::tui::edit::save::{reselect_after_read, show_stored};
use crate::tui::edit::{Record, record_name, version_in_view};
use crate::tui::effect::{Effect, Fresh, FreshRecords, Refresh, Refreshed, Reload, Selection};
use crate::tui::form::Version;

/// What another session did, or the database going away: what to read.
pub fn other_session(app: &mut App, change: Change) -> Vec<Effect> {
    let at = app.selection();
    vec![match change {
        Change::Records { clients, networks } => Effect::Refresh(Box::new(Refresh {
            records: clients
                .into_iter()
                .map(Record::Client)
                .chain(networks.into_iter().map(Record::Network))
                .collect(),
            networks_of: None,
            authors: true,
            why: Refreshed::Change(at),
        })),
        Change::Everything => {
            // An import may have brought findings too: those in view are
            // read again with everything else.
            let mut fx = vec![Effect::Reload(Reload::Change(at))];
            let networks: Vec<crate::domain::model::NetworkId> =
                app.findings.keys().copied().collect();
            fx.extend(crate::tui::gaps::changed(app, &networks));
            if let Some(v) = app.gaps_view()
                && !networks.contains(&v.network)
            {
                fx.extend(crate::tui::gaps::changed(app, &[v.network]));
            }
            return fx;
        }
        Change::Lost => Effect::Reconnect,
        // The Gaps view and the header read theirs again.
        Change::Findings { networks, .. } => {
            let networks: Vec<crate::domain::model::NetworkId> = networks.into_iter().collect();
            return crate::tui::gaps::changed(app, &networks);
        }
    }]
}

/// Records read again, for another session's change or an undo step.
pub(crate) fn refreshed(
    app: &mut App,
    result: Result<FreshRecords>,
    why: Refreshed,
) -> Vec<Effect> {
    match why {
        Refreshed::Change(at) => changed(app, result, at),
        Refreshed::Undone { step, done } => super::undo::read(app, result, *step, done),
    }
}

/// Another session's records, read: shown, with a word when they replaced
/// a change of this session's.
fn changed(app: &mut App, result: Result<FreshRecords>, at: Selection) -> Vec<Effect> {
    match result {
        Ok(fresh) => {
            for Fresh {
                record,
                version,
                by,
            } in fresh.records
            {
                let was = version_in_view(app, record);
                show_stored(app, record, version);
                let now = version_in_view(app, record);
                let note = replaced_note(app, record, was.as_ref(), now.as_ref(), by.as_deref());
                if let Some(note) = note {
                    app.info(note);
                }
            }
        }
        Err(e) => app.error(format!(
            "{}: {}",
            crate::tui::words::status::COULD_NOT_READ_CHANGE.get(app.lang),
            e.message()
        )),
    }
    reselect_after_read(app, at);
    Vec::new()
}

/// Puts records read again into the view.
pub(super) fn show_fresh(app: &mut App, fresh: FreshRecords) {
    for f in fresh.records {
        show_stored(app, f.record, f.version);
    }
    if let Some((client, list)) = fresh.networks {
        app.put_networks(client, list);
    }
}

/// When another session's change, from `was` to `now`, replaced a field
/// this session saved (or deleted a record it changed): who, which
/// fields, and of what.
fn replaced_note(
    app: &App,
    record: Record,
    was: Option<&Version>,
    now: Option<&Version>,
    by: Option<&str>,
) -> Option<String> {
    let esc = crate::text::escape_for_terminal;
    let was = was?;
    let mut fields: Vec<String> = Vec::new();
    let mut saved_here = false;
    for step in &app.undo {
        let found = match (step, was, now) {
            (Undo::Client { id, before, saved }, Version::Client(w), now)
                if record == Record::Client(*id) =>
            {
                saved_here = true;
                match (before, now) {
                    (Some(before), Some(Version::Client(n))) => {
                        merge::replaced_in_client(before, saved, w, n)
                    }
                    _ => Vec::new(),
                }
            }
            (Undo::Network { id, before, saved }, Version::Network(w), now)
                if record == Record::Network(*id) =>
            {
                saved_here = true;
                match (before, now) {
                    (Some(before), Some(Version::Network(n))) => {
                        merge::replaced_in_network(before, saved, w, n)
                    }
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        for f in found {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    let (who, who_zh) = match by {
        Some(by) => (esc(by), esc(by)),
        None => ("someone else".to_string(), "他人".to_string()),
    };
    // Named as it is now (as it was, when deleted).
    let (name, name_zh) = record_name(app, record, now.or(Some(was)));
    let say = |en: String, zh: String| crate::tui::words::phrase(app.lang, en, zh);
    match now {
        None if saved_here => Some(say(
            format!("{who} deleted {name}, which you had changed"),
            format!("{who_zh} 删除了你修改过的{name_zh}"),
        )),
        Some(_) if !fields.is_empty() => {
            let s = if fields.len() == 1 { "" } else { "s" };
            let fields = esc(&fields.join(", "));
            Some(say(
                format!("{who} replaced your change{s} to {fields} of {name}"),
                format!("{who_zh} 覆盖了你对{name_zh}的 {fields} 的修改"),
            ))
        }
        _ => None,
    }
}
