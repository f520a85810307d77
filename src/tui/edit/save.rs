//! Saving a form, the conflict dialog when someone else changed the record
//! meanwhile, deleting, and keeping the records in view in step with what
//! the store answered.

use crate::domain::grading;
use crate::domain::labels::Lang;
use crate::domain::merge;
use crate::domain::model::{Client, ClientId, Network, NetworkId};
use crate::error::{Error, Result};
use crate::tui::Action;
use crate::tui::app::{App, Mode, Msg, Pane, Undo};
use crate::tui::edit::forms::{build, find_client, find_network};
use crate::tui::edit::{
    Built, FormTarget, Outcome, Problem, Record, record_name, record_of, show_problem,
    version_in_view,
};
use crate::tui::effect::{Delete, Effect, Purpose, Save, Selection, Stored};
use crate::tui::form::{Form, Version};
use crate::tui::words::{self, status as st};

/// The save a submitted form asks for; `Ok(None)` when it changes
/// nothing (the status line says so). A record someone else changed since
/// the form opened, as this session has seen already, is a problem marked
/// `changed`: the conflict dialog takes over.
pub(super) fn submit(
    app: &mut App,
    form: &Form,
    target: &FormTarget,
) -> std::result::Result<Option<Effect>, Problem> {
    let (built, what) = build(form, target, app.config.settings.rules)?;
    if let (Some(record), Some(base)) = (record_of(target), &form.base) {
        // Their change has arrived here already.
        let now = version_in_view(app, record).map(|v| v.revision());
        if now != Some(base.revision()) {
            return Err(Problem::changed());
        }
    }
    let (before, after) = match built {
        Built::Client { base, mine } => (
            base.map(|c| Version::Client(Box::new(c))),
            Version::Client(mine),
        ),
        Built::Network { base, mine } => (
            base.map(|n| Version::Network(Box::new(n))),
            Version::Network(mine),
        ),
    };
    Ok(save(
        app,
        before,
        after,
        words::what(what, app.lang),
        Some(target.clone()),
    ))
}

/// Asks to write `after` over `before` (to create it, when `None`);
/// nothing, and "no changes to save", when they are the same. `form` is
/// the form or dialog that waits for the answer.
pub(crate) fn save(
    app: &mut App,
    before: Option<Version>,
    after: Version,
    what: String,
    form: Option<FormTarget>,
) -> Option<Effect> {
    if before.as_ref() == Some(&after) {
        app.info(st::NO_CHANGES.get(app.lang));
        return None;
    }
    Some(Effect::Save(Box::new(Save {
        before,
        after,
        what,
        form,
    })))
}

/// Takes the form (or conflict dialog) that waits on `target` out of the
/// mode; any other mode stays.
fn waiting(app: &mut App, target: Option<&FormTarget>) -> Option<(Box<Form>, FormTarget)> {
    let target = target?;
    match std::mem::replace(&mut app.mode, Mode::Normal) {
        Mode::Form { form, target: t }
        | Mode::Conflict {
            form, target: t, ..
        } if t == *target => Some((form, t)),
        other => {
            app.mode = other;
            None
        }
    }
}

/// The store's answer to a save: shown as saved (the store answers only
/// after flushing), or the reason in the form, or the conflict dialog
/// when someone else changed or deleted the record meanwhile.
pub(crate) fn saved(
    app: &mut App,
    save: Save,
    result: Result<Version>,
    stored: Option<Result<Stored>>,
) -> Vec<Effect> {
    if super::questionnaire::waits_for(app, save.form.as_ref()) {
        return super::questionnaire::saved(app, save, result, stored);
    }
    let form = waiting(app, save.form.as_ref());
    let e = match result {
        Ok(version) => {
            // The form closes (`waiting` left the mode normal).
            wrote(app, save.before, version, &save.what);
            return Vec::new();
        }
        Err(e) => e,
    };
    let Some((mut form, target)) = form else {
        app.error(e.message().to_string());
        return Vec::new();
    };
    let gone = matches!(stored, Some(Ok(Stored { version: None, .. })));
    app.mode = if matches!(e, Error::Conflict(_)) || gone {
        app.error(e.message().to_string());
        let stored = stored.unwrap_or_else(|| Err(e.clone()));
        conflict(app, form, target, stored)
    } else {
        // Said once, in the form, at the field it is about.
        show_problem(&mut form, Problem::from(e));
        Mode::Form { form, target }
    };
    Vec::new()
}

/// A write the store made: an undo step, the record in view, selected,
/// and "saved" (with the level when it changed).
pub(super) fn wrote(app: &mut App, before: Option<Version>, saved: Version, what: &str) {
    match saved {
        Version::Client(saved) => {
            let before = match before {
                Some(Version::Client(c)) => Some(*c),
                _ => None,
            };
            app.undo.push(Undo::Client {
                id: saved.id,
                before,
                saved: saved.clone(),
            });
            let id = saved.id;
            put_client(app, *saved);
            reselect(app, id, None);
            app.saved(format!("{} · {what}", st::SAVED.get(app.lang)));
        }
        Version::Network(saved) => {
            let before = match before {
                Some(Version::Network(n)) => Some(*n),
                _ => None,
            };
            let rules = app.config.settings.rules;
            let old_level = before
                .as_ref()
                .map(|b| grading::level(&b.answers, &b.overrides, rules));
            app.undo.push(Undo::Network {
                id: saved.id,
                before,
                saved: saved.clone(),
            });
            let new_level = grading::level(&saved.answers, &saved.overrides, rules);
            let (id, client) = (saved.id, saved.client);
            put_network(app, *saved);
            reselect(app, client, Some(id));
            match old_level {
                Some(old) if old != new_level => {
                    app.level_change = Some((id, old, new_level));
                    app.saved(format!(
                        "{} · {what} · {} {old} → {new_level}",
                        st::SAVED.get(app.lang),
                        st::LEVEL.get(app.lang)
                    ));
                }
                _ => app.saved(format!("{} · {what}", st::SAVED.get(app.lang))),
            }
        }
    }
}

/// A record as the store has it now, for the dialog, the dialog's
/// "reload theirs" and "save mine over theirs", or an undo.
pub(crate) fn fetched(
    app: &mut App,
    record: Record,
    result: Result<Stored>,
    purpose: Purpose,
) -> Vec<Effect> {
    match purpose {
        Purpose::Conflict => {
            match std::mem::replace(&mut app.mode, Mode::Normal) {
                Mode::Form { form, target } if record_of(&target) == Some(record) => {
                    app.mode = conflict(app, form, target, result)
                }
                other => app.mode = other,
            }
            Vec::new()
        }
        Purpose::Reload => {
            match result {
                Ok(stored) => {
                    show_stored(app, record, stored.version);
                    app.info(st::RELOADED_THEIRS.get(app.lang))
                }
                Err(e) => app.error(format!(
                    "{}: {}",
                    st::COULD_NOT_RELOAD.get(app.lang),
                    e.message()
                )),
            }
            Vec::new()
        }
        Purpose::Overwrite => overwrite(app, record, result),
        Purpose::Undo(step) => super::undo::fetched(app, *step, result),
    }
}

/// Puts a record as stored into the view, or drops it when deleted.
pub(super) fn show_stored(app: &mut App, record: Record, version: Option<Version>) {
    match (record, version) {
        (_, Some(Version::Client(c))) => put_client(app, *c),
        (_, Some(Version::Network(n))) => put_network(app, *n),
        (Record::Client(id), None) => forget_client(app, id),
        (Record::Network(id), None) => forget_network(app, id),
    }
}

/// Opens the dialog that says who changed the record, when and what,
/// which of their changes a save keeps and which fields both changed
/// (theirs and yours), and offers to reload theirs or to save this edit's
/// changes over theirs.
pub(super) fn conflict(
    app: &mut App,
    mut form: Box<Form>,
    target: FormTarget,
    stored: Result<Stored>,
) -> Mode {
    let Some(record) = record_of(&target) else {
        return Mode::Form { form, target };
    };
    let stored = match stored {
        Ok(stored) => stored,
        Err(e) => {
            form.error = Some(format!(
                "{}: {}",
                st::COULD_NOT_READ_STORED.get(app.lang),
                e.message()
            ));
            return Mode::Form { form, target };
        }
    };
    let theirs = stored.version.clone();
    show_stored(app, record, theirs.clone());
    let outcome = match (&theirs, build(&form, &target, app.config.settings.rules)) {
        (Some(theirs), Ok((built, _))) => built.merged(theirs, merge::Winner::Mine),
        (_, Err(problem)) => {
            show_problem(&mut form, problem);
            return Mode::Form { form, target };
        }
        (None, Ok(_)) => None,
    };
    form.theirs = theirs.as_ref().map(Version::revision);
    let name = record_name(app, record, theirs.as_ref().or(form.base.as_ref()));
    let message = conflict_text(app.lang, record, &name, &form, &stored, outcome.as_ref());
    app.error(
        match theirs {
            Some(_) => st::NOT_SAVED_CHANGED,
            None => st::NOT_SAVED_DELETED,
        }
        .get(app.lang),
    );
    Mode::Conflict {
        form,
        target,
        message,
    }
}

/// The conflict dialog's text. In `both`, its sentences are in both
/// languages and the lines of each change (`by bob at …`, `theirs: …`)
/// in English.
fn conflict_text(
    lang: Lang,
    record: Record,
    (name, name_zh): &(String, String),
    form: &Form,
    stored: &Stored,
    outcome: Option<&Outcome>,
) -> String {
    use crate::store::audit::Action as Did;
    let esc = crate::text::escape_for_terminal;
    let theirs = stored.version.as_ref();
    // Every change made since the revision the form was opened on; a
    // client's log also holds its networks' changes, which do not count.
    let base = form.base.as_ref().map_or(0, Version::revision);
    let mut since: Vec<_> = stored
        .log
        .iter()
        .filter(|e| matches!(record, Record::Network(_)) || e.network.is_none())
        .filter(|e| e.action != Did::Imported)
        .filter(|e| e.revision_after().is_none_or(|r| r > base))
        .collect();
    let mut name = name.to_string();
    if let Some(first) = name.get(..1) {
        name.replace_range(..1, &first.to_uppercase());
    }
    let say = |en: String, zh: String| words::phrase(lang, en, zh);
    // A line about one change: Chinese in `zh`, else English.
    let line = |en: String, zh: String| if lang == Lang::Zh { zh } else { en };
    let mut lines = vec![match theirs {
        Some(_) => say(
            format!("{name} was changed while you were editing it:"),
            format!("你编辑期间，{name_zh}已被修改："),
        ),
        None => say(
            format!("{name} was deleted while you were editing it:"),
            format!("你编辑期间，{name_zh}已被删除："),
        ),
    }];
    const SHOWN: usize = 4;
    if since.len() > SHOWN {
        let n = since.len() - SHOWN;
        lines.push(line(
            format!("  ({n} earlier changes not shown)"),
            format!("  （另有 {n} 处更早的修改未显示）"),
        ));
        since.drain(..since.len() - SHOWN);
    }
    for e in &since {
        let (user, when) = (esc(&e.user), e.when());
        if e.action == Did::Deleted {
            lines.push(line(
                format!("  deleted by {user} at {when}"),
                format!("  {user} 于 {when} 删除"),
            ));
            continue;
        }
        lines.push(line(
            format!("  by {user} at {when}"),
            format!("  {user} 于 {when} 修改"),
        ));
        let changes = e.changes();
        for c in changes.iter().take(3) {
            lines.push(format!("    {}", crate::service::history::change_line(c)));
        }
        if changes.len() > 3 {
            let n = changes.len() - 3;
            lines.push(line(
                format!("    and {n} more fields"),
                format!("    另有 {n} 个字段"),
            ));
        }
    }
    if since.is_empty() {
        lines.push(line(
            "  by someone else (the log has no entry for it)".to_string(),
            "  由他人修改（日志中没有记录）".to_string(),
        ));
    }
    lines.push(String::new());
    let Some(outcome) = outcome else {
        lines.push(say(
            "There is no record left to save your edit to: o saves nothing.".to_string(),
            "记录已不存在，无处保存你的修改：按 o 不会保存任何内容。".to_string(),
        ));
        return lines.join("\n");
    };
    // What a value is shown as: one line, cut to fit the dialog.
    let value = |v: &str| crate::text::truncate(&esc(v), 60);
    let kept = match outcome.theirs_kept.as_slice() {
        [] => None,
        fields => Some(fields.join(", ")),
    };
    if outcome.conflicts.is_empty() {
        let same = theirs.is_some_and(|t| outcome.record == *t);
        lines.push(match kept {
            _ if same => say(
                "Their version already has your changes: o has nothing to save.".into(),
                "对方版本已包含你的修改：按 o 无需保存。".into(),
            ),
            Some(kept) => say(
                format!("Their changes to {kept} are kept; o saves yours alongside them."),
                format!("保留对方对 {kept} 的修改；按 o 将你的修改一并保存。"),
            ),
            None => say("o saves your changes.".into(), "按 o 保存你的修改。".into()),
        });
    } else {
        lines.push(say(
            "You both changed (o saves yours for these):".to_string(),
            "双方都修改了（按 o 以你的为准）：".to_string(),
        ));
        for c in &outcome.conflicts {
            lines.push(format!("  {}", esc(&c.field)));
            lines.push(line(
                format!("    theirs: {}", value(&c.theirs)),
                format!("    对方：{}", value(&c.theirs)),
            ));
            lines.push(line(
                format!("    yours: {}", value(&c.yours)),
                format!("    你的：{}", value(&c.yours)),
            ));
        }
        if let Some(kept) = kept {
            lines.push(say(
                format!("Their changes to {kept} are kept."),
                format!("保留对方对 {kept} 的修改。"),
            ));
        }
    }
    lines.join("\n")
}

/// Handles the conflict dialog: reload theirs, save this edit's changes
/// over theirs, or go back to the form.
pub(crate) fn conflict_update(
    _app: &mut App,
    form: Box<Form>,
    target: FormTarget,
    message: String,
    msg: Msg,
    fx: &mut Vec<Effect>,
) -> Mode {
    let Some(record) = record_of(&target) else {
        return Mode::Form { form, target };
    };
    match msg {
        Msg::Char('r') => {
            fx.push(Effect::Fetch(record, Purpose::Reload));
            Mode::Normal
        }
        Msg::Char('o') => {
            // The dialog stays until the save is answered.
            fx.push(Effect::Fetch(record, Purpose::Overwrite));
            Mode::Conflict {
                form,
                target,
                message,
            }
        }
        Msg::Action(Action::Cancel) => Mode::Form { form, target },
        _ => Mode::Conflict {
            form,
            target,
            message,
        },
    }
}

/// Saves this edit's changes over the stored version the dialog showed:
/// the fields the form changed, with its value for those both changed;
/// every other field as they left it. Changed again since the dialog was
/// drawn, the dialog shows what is there now instead.
fn overwrite(app: &mut App, record: Record, stored: Result<Stored>) -> Vec<Effect> {
    let (mut form, target, message) = match std::mem::replace(&mut app.mode, Mode::Normal) {
        Mode::Conflict {
            form,
            target,
            message,
        } if record_of(&target) == Some(record) => (form, target, message),
        other => {
            app.mode = other;
            return Vec::new();
        }
    };
    let stored = match stored {
        Ok(stored) => stored,
        Err(e) => {
            app.error(format!(
                "{}: {}",
                st::COULD_NOT_READ_THEIRS.get(app.lang),
                e.message()
            ));
            app.mode = Mode::Conflict {
                form,
                target,
                message,
            };
            return Vec::new();
        }
    };
    show_stored(app, record, stored.version.clone());
    let Some(theirs) = stored.version.clone() else {
        let (name, name_zh) = record_name(app, record, form.base.as_ref());
        let (who, who_zh) = match stored.last_changed_by() {
            Some(who) => {
                let who = crate::text::escape_for_terminal(who);
                (who.clone(), who)
            }
            None => ("someone else".to_string(), "他人".to_string()),
        };
        app.error(words::phrase(
            app.lang,
            format!("nothing saved: {who} deleted {name} meanwhile"),
            format!("未保存：其间 {who_zh} 删除了{name_zh}"),
        ));
        return Vec::new();
    };
    if form.theirs != Some(theirs.revision()) {
        app.mode = conflict(app, form, target, Ok(stored));
        return Vec::new();
    }
    let outcome = match build(&form, &target, app.config.settings.rules) {
        Ok((built, what)) => built
            .merged(&theirs, merge::Winner::Mine)
            .map(|outcome| (outcome, what)),
        Err(problem) => {
            show_problem(&mut form, problem);
            app.mode = Mode::Form { form, target };
            return Vec::new();
        }
    };
    let Some((outcome, what)) = outcome else {
        app.mode = Mode::Form { form, target };
        return Vec::new();
    };
    let what = words::what(what, app.lang);
    let what = match outcome.theirs_kept.as_slice() {
        [] => what,
        kept => {
            let kept = kept.join(", ");
            let kept = words::phrase(
                app.lang,
                format!("their changes to {kept} kept"),
                format!("已保留对方对 {kept} 的修改"),
            );
            format!("{what} · {kept}")
        }
    };
    match save(
        app,
        Some(theirs),
        outcome.record,
        what,
        Some(target.clone()),
    ) {
        Some(effect) => {
            app.mode = Mode::Conflict {
                form,
                target,
                message,
            };
            vec![effect]
        }
        None => Vec::new(),
    }
}

/// Asks to delete what the confirmation named.
pub(crate) fn delete(app: &mut App, target: FormTarget) -> Vec<Effect> {
    let asked = match target {
        FormTarget::Client(id) => find_client(app, id).map(|client| {
            // The confirmation named these networks: a network added or
            // changed since by someone else is not deleted unseen.
            let networks = app.networks.get(&id).cloned().unwrap_or_default();
            Some(Effect::Delete(Delete::Client {
                client: Box::new(client),
                networks,
            }))
        }),
        FormTarget::Contact(id, i) => find_client(app, id).map(|before| {
            let mut after = before.clone();
            if i < after.contacts.len() {
                after.contacts.remove(i);
            }
            let (before, after) = (
                Version::Client(Box::new(before)),
                Version::Client(Box::new(after)),
            );
            let what = st::CONTACT_DELETED.get(app.lang).into_owned();
            save(app, Some(before), after, what, None)
        }),
        FormTarget::Network(id) => {
            find_network(app, id).map(|n| Some(Effect::Delete(Delete::Network(Box::new(n)))))
        }
        FormTarget::Milestone(id, i) => find_network(app, id).map(|before| {
            let mut after = before.clone();
            if i < after.milestones.len() {
                after.milestones.remove(i);
            }
            let (before, after) = (
                Version::Network(Box::new(before)),
                Version::Network(Box::new(after)),
            );
            let what = st::MILESTONE_DELETED.get(app.lang).into_owned();
            save(app, Some(before), after, what, None)
        }),
        _ => Err(st::NOTHING_TO_DELETE.get(app.lang).into_owned()),
    };
    match asked {
        Ok(effect) => effect.into_iter().collect(),
        Err(e) => {
            app.error(e);
            Vec::new()
        }
    }
}

/// The store's answer to a delete.
pub(crate) fn deleted(app: &mut App, delete: Delete, result: Result<()>) -> Vec<Effect> {
    if let Err(e) = result {
        app.error(e.message().to_string());
        return Vec::new();
    }
    match delete {
        Delete::Client { client, networks } => {
            forget_client(app, client.id);
            let what = words::phrase(
                app.lang,
                format!("saved · client {} deleted", client.display_name()),
                format!("已保存 · 已删除客户 {}", client.display_name()),
            );
            app.undo.push(Undo::DeletedClient {
                client: *client,
                networks,
            });
            app.saved(what);
        }
        Delete::Network(network) => {
            forget_network(app, network.id);
            let what = words::phrase(
                app.lang,
                format!("saved · network {} deleted", network.name),
                format!("已保存 · 已删除网络 {}", network.name),
            );
            app.undo.push(Undo::DeletedNetwork { network: *network });
            app.saved(what);
        }
    }
    Vec::new()
}

/// Whether a client may be deleted as the confirmation showed it: the
/// first network the store holds that the confirmation did not (or held
/// at another revision).
pub fn unseen<'a>(seen: &[Network], stored: &'a [Network]) -> Option<&'a Network> {
    stored.iter().find(|n| {
        !seen
            .iter()
            .any(|m| m.id == n.id && m.revision == n.revision)
    })
}

// ----- keeping the records in view in step -----

pub(super) fn put_client(app: &mut App, c: Client) {
    app.put_client(c);
}

/// Puts a network in the view, when its client's networks are in it
/// (those of a client not read yet are read with the rest when needed).
pub(super) fn put_network(app: &mut App, n: Network) {
    let Some(list) = app.networks.get_mut(&n.client) else {
        return;
    };
    app.grades.insert(
        n.id,
        grading::grade(&n.answers, &n.overrides, app.config.settings.rules),
    );
    match list.iter_mut().find(|x| x.id == n.id) {
        Some(slot) => *slot = n,
        None => list.push(n),
    }
    list.sort_by_key(|a| a.name.to_lowercase());
}

/// Keeps the edited record selected, and the focus where it was.
pub(crate) fn reselect(app: &mut App, client: ClientId, network: Option<NetworkId>) {
    let focus = app.focus;
    let (contact, answer, timeline) = (
        app.selected[Pane::Contacts.index()],
        app.selected[Pane::Answers.index()],
        app.selected[Pane::Timeline.index()],
    );
    if let Some(i) = app
        .visible_clients()
        .iter()
        .position(|i| app.clients[*i].id == client)
    {
        app.selected[Pane::Clients.index()] = i;
    }
    if let Some(nid) = network
        && let Some(i) = app.visible_networks().iter().position(|n| n.id == nid)
    {
        app.selected[Pane::Networks.index()] = i;
    }
    app.selected[Pane::Contacts.index()] = contact;
    app.selected[Pane::Answers.index()] = answer;
    app.selected[Pane::Timeline.index()] = timeline;
    app.focus = focus;
    app.clamp();
}

/// Drops a deleted client and its networks from the in-memory view.
pub(super) fn forget_client(app: &mut App, id: ClientId) {
    for n in app.networks.remove(&id).unwrap_or_default() {
        app.grades.remove(&n.id);
    }
    app.clients.retain(|c| c.id != id);
    app.clients_changed();
}

/// Drops a deleted network from the in-memory view.
pub(super) fn forget_network(app: &mut App, id: NetworkId) {
    app.grades.remove(&id);
    for list in app.networks.values_mut() {
        list.retain(|n| n.id != id);
    }
}

/// Selects again, after a read, the client and network selected before
/// it; a network whose client's networks are not in yet is selected when
/// they are.
pub(crate) fn reselect_after_read(app: &mut App, at: Selection) {
    let Some(client) = at.client else {
        return;
    };
    reselect(app, client, at.network);
    if let Some(network) = at.network
        && !app.has_networks(client)
    {
        app.select_when_read(client, network);
    }
}
