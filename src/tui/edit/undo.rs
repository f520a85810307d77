//! Undo of the session's edits: an added record is deleted, a deleted one
//! put back, and an edit reverted field by field, only where the stored
//! value is still what this session saved.

use crate::domain::labels::Lang;
use crate::domain::merge;
use crate::domain::model::{ClientId, NetworkId};
use crate::error::{Error, Result};
use crate::store::audit::LogEntry;
use crate::tui::app::{App, Undo};
use crate::tui::edit::save::reselect;
use crate::tui::edit::{Built, Record};
use crate::tui::effect::{
    Effect, FreshRecords, Purpose, Refresh, Refreshed, Stored, UndoStep, UndoWrite,
};
use crate::tui::form::Version;
use crate::tui::words::{self, status as st};

/// Undoes the session's last edit: asks the store for what that takes.
pub(crate) fn undo(app: &mut App) -> Vec<Effect> {
    let Some(step) = app.undo.pop() else {
        app.info(st::NOTHING_TO_UNDO.get(app.lang));
        return Vec::new();
    };
    let name_of = |id: ClientId| {
        app.clients
            .iter()
            .find(|c| c.id == id)
            .map_or(String::new(), |c| c.display_name().to_string())
    };
    let network_name = |id: NetworkId| app.network(id).map_or(String::new(), |n| n.name.clone());
    let (en, zh) = match &step {
        Undo::Client {
            id, before: None, ..
        } => {
            let name = name_of(*id);
            (format!("adding client {name}"), format!("新增客户 {name}"))
        }
        Undo::Client {
            before: Some(c), ..
        } => {
            let name = c.display_name();
            (
                format!("the edit of client {name}"),
                format!("对客户 {name} 的编辑"),
            )
        }
        Undo::Network {
            id, before: None, ..
        } => {
            let name = network_name(*id);
            (format!("adding network {name}"), format!("新增网络 {name}"))
        }
        Undo::Network {
            before: Some(n), ..
        } => (
            format!("the edit of network {}", n.name),
            format!("对网络 {} 的编辑", n.name),
        ),
        Undo::DeletedClient { client, .. } => {
            let name = client.display_name();
            (
                format!("deleting client {name}"),
                format!("删除客户 {name}"),
            )
        }
        Undo::DeletedNetwork { network } => (
            format!("deleting network {}", network.name),
            format!("删除网络 {}", network.name),
        ),
    };
    let what = words::phrase(app.lang, en, zh);
    let what = crate::text::escape_for_terminal(&what);
    // What to read back once the store has it: (client, network).
    let (client, network) = match &step {
        Undo::Client { id, .. } => (Some(*id), None),
        Undo::DeletedClient { client, .. } => (Some(client.id), None),
        Undo::Network { id, .. } => (None, Some(*id)),
        Undo::DeletedNetwork { network } => (Some(network.client), Some(network.id)),
    };
    let write = match &step {
        // An added record is deleted only as this session wrote it.
        Undo::Client {
            id,
            before: None,
            saved,
        } => Ok(UndoWrite::DeleteAddedClient {
            id: *id,
            revision: saved.revision,
        }),
        Undo::Network {
            id,
            before: None,
            saved,
        } => Ok(UndoWrite::DeleteAddedNetwork {
            id: *id,
            revision: saved.revision,
        }),
        Undo::DeletedClient { client, networks } => Ok(UndoWrite::RestoreClient {
            client: Box::new(client.clone()),
            networks: networks.clone(),
        }),
        Undo::DeletedNetwork { network } => {
            Ok(UndoWrite::RestoreNetwork(Box::new(network.clone())))
        }
        // An edit is merged back over what is stored now: read that first.
        Undo::Client { id, .. } => Err(Record::Client(*id)),
        Undo::Network { id, .. } => Err(Record::Network(*id)),
    };
    let step = Box::new(UndoStep {
        step,
        what,
        client,
        network,
        kept: String::new(),
        writes: true,
    });
    vec![match write {
        Ok(write) => Effect::Undo(step, write),
        Err(record) => Effect::Fetch(record, Purpose::Undo(step)),
    }]
}

/// Undoes an edit over the record as stored now: every field whose stored
/// value is still what this session saved goes back; a field someone else
/// changed since is kept as they made it, and named.
pub(super) fn fetched(app: &mut App, mut step: UndoStep, result: Result<Stored>) -> Vec<Effect> {
    let built = match &step.step {
        Undo::Client {
            before: Some(c),
            saved,
            ..
        } => Built::client(Some((**saved).clone()), c.clone()),
        Undo::Network {
            before: Some(n),
            saved,
            ..
        } => Built::network(Some((**saved).clone()), n.clone()),
        _ => return Vec::new(),
    };
    let stored = match result {
        Ok(stored) => stored,
        Err(e) => return undid(app, step, Err(e)),
    };
    let Some(current) = stored.version.clone() else {
        let gone = match stored.last_changed_by() {
            Some(who) => words::phrase(
                app.lang,
                format!("{who} deleted it since"),
                format!("{who} 已将其删除"),
            ),
            None => words::phrase(
                app.lang,
                "someone else deleted it since".into(),
                "他人已将其删除".into(),
            ),
        };
        return undid(app, step, Err(Error::runtime(gone)));
    };
    let saved = match &built {
        Built::Client { base: Some(c), .. } => c.revision,
        Built::Network { base: Some(n), .. } => n.revision,
        _ => 0,
    };
    let (after, kept) = if current.revision() == saved {
        // Nobody has written since: the version before, as it was.
        let after = match built {
            Built::Client { mut mine, .. } => {
                mine.revision = saved;
                Version::Client(mine)
            }
            Built::Network { mut mine, .. } => {
                mine.revision = saved;
                Version::Network(mine)
            }
        };
        (after, String::new())
    } else {
        let Some(outcome) = built.merged(&current, merge::Winner::Theirs) else {
            return undid(app, step, Err(Error::runtime("the record changed kind")));
        };
        let fields: Vec<String> = outcome.conflicts.into_iter().map(|c| c.field).collect();
        let kept = if fields.is_empty() {
            String::new()
        } else {
            later_changes(&changed_by(&stored.log, saved, &fields), app.lang)
        };
        (outcome.record, kept)
    };
    step.kept = kept;
    if after == current {
        step.writes = false;
        return vec![read_back(step, true)];
    }
    vec![Effect::Undo(Box::new(step), UndoWrite::Put(after))]
}

/// What to read again after an undo step: the network, else the client
/// (with its networks when it was put back whole).
fn read_back(step: UndoStep, done: bool) -> Effect {
    let whole_client = done && matches!(step.step, Undo::DeletedClient { .. });
    let records = match (step.client, step.network) {
        (_, Some(network)) => vec![Record::Network(network)],
        (Some(client), None) => vec![Record::Client(client)],
        (None, None) => Vec::new(),
    };
    let networks_of = step.client.filter(|_| whole_client);
    Effect::Refresh(Box::new(Refresh {
        records,
        networks_of,
        authors: false,
        why: Refreshed::Undone {
            step: Box::new(step),
            done,
        },
    }))
}

/// The store's answer to an undo step's write.
pub(crate) fn undid(app: &mut App, step: UndoStep, result: Result<()>) -> Vec<Effect> {
    let e = match result {
        Ok(()) => return vec![read_back(step, true)],
        Err(e) => e,
    };
    let conflict = matches!(e, Error::Conflict(_));
    let what = step.what.clone();
    if conflict && step.is_edit() {
        // Someone wrote between the read and the write: the step can be
        // tried again on their version.
        app.undo.push(step.step.clone());
        app.error(format!(
            "{} {what}: {}; {}",
            st::COULD_NOT_UNDO.get(app.lang),
            e.message(),
            st::UNDO_AGAIN.get(app.lang)
        ))
    } else {
        app.error(format!(
            "{} {what}: {}",
            st::COULD_NOT_UNDO.get(app.lang),
            e.message()
        ))
    }
    // Show the record as it is now, which the undo left alone.
    if conflict {
        vec![read_back(step, false)]
    } else {
        Vec::new()
    }
}

/// The records an undo step touched, read again: shown, selected, and the
/// step said done.
pub(super) fn read(
    app: &mut App,
    result: Result<FreshRecords>,
    step: UndoStep,
    done: bool,
) -> Vec<Effect> {
    let fresh = match result {
        Ok(fresh) => fresh,
        Err(_) if !done => return Vec::new(),
        Err(e) => {
            app.error(format!(
                "{} {}: {}",
                st::COULD_NOT_UNDO.get(app.lang),
                step.what,
                e.message()
            ));
            return Vec::new();
        }
    };
    super::feed::show_fresh(app, fresh);
    if !done {
        return Vec::new();
    }
    let client = step
        .client
        .or_else(|| step.network.and_then(|n| app.network(n)).map(|n| n.client));
    if let Some(client) = client {
        reselect(app, client, step.network);
    }
    app.level_change = None;
    let (what, kept) = (&step.what, &step.kept);
    let lang = app.lang;
    let (saved, undone, nothing) = (
        st::SAVED.get(lang),
        st::UNDONE.get(lang),
        st::NOTHING_UNDONE.get(lang),
    );
    let kept_word = st::KEPT.get(lang);
    match (step.writes, kept.is_empty()) {
        (true, true) => app.saved(format!("{saved} · {undone}: {what}")),
        (true, false) => app.saved(format!("{saved} · {undone}: {what} · {kept_word} {kept}")),
        (false, true) => app.info(format!(
            "{nothing}: {what} {}",
            st::UNDONE_ALREADY.get(lang)
        )),
        (false, false) => app.info(format!("{nothing}: {kept_word} {kept} ({what})")),
    }
    Vec::new()
}

/// Whether a field of the log (`milestones[2].score`) is within a field
/// as the merge names it (`milestones: evaluation_passed 2025-12-01`).
fn within(log_field: &str, field: &str) -> bool {
    let key = field.split(": ").next().unwrap_or(field);
    log_field
        .strip_prefix(key)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Who made the newest change to each of `fields` after revision `after`,
/// as the log has it: each user with the fields, in the order named.
fn changed_by(log: &[LogEntry], after: u64, fields: &[String]) -> Vec<(String, Vec<String>)> {
    let entries: Vec<_> = log
        .iter()
        .filter(|e| e.revision_after().is_some_and(|r| r > after))
        .map(|e| {
            let changed: Vec<String> = e.changes().into_iter().map(|c| c.field).collect();
            (e.user.clone(), changed)
        })
        .collect();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for field in fields {
        let user = entries
            .iter()
            .rev()
            .find(|(_, changed)| changed.iter().any(|c| within(c, field)))
            .map_or("someone else", |(user, _)| user.as_str());
        match out.iter_mut().find(|(u, _)| u == user) {
            Some((_, list)) => list.push(field.clone()),
            None => out.push((user.to_string(), vec![field.clone()])),
        }
    }
    out
}

/// `bob's later change to notes; carol's later changes to name, region`.
fn later_changes(by: &[(String, Vec<String>)], lang: Lang) -> String {
    let esc = crate::text::escape_for_terminal;
    by.iter()
        .map(|(user, fields)| {
            let s = if fields.len() == 1 { "" } else { "s" };
            let (user, fields) = (esc(user), esc(&fields.join(", ")));
            words::phrase(
                lang,
                format!("{user}'s later change{s} to {fields}"),
                format!("{user} 之后对 {fields} 的修改"),
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
