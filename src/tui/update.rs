//! `update`: the only code that changes the [`App`], a key, a typed
//! character or an answer at a time. It does no I/O: what it needs from
//! the store or the file system it returns as [`Effect`]s, and what came of
//! them arrives as another [`Msg`].

use crate::domain::agenda::{self, AgendaRow};
use crate::domain::model::Client;
use crate::domain::search::{Hit, Target};
use crate::domain::triage::{self, SortBy, TriageRow};
use crate::error::Result;
use crate::store::audit::LogEntry;
use crate::tui::Action;
use crate::tui::app::{App, Mode, Msg, Pane, StatusKind};
use crate::tui::edit;
use crate::tui::effect::{Effect, Reconnected, Reload, WriteFailed};
use crate::tui::words::{self, status as st};

/// Types pasted text into whatever takes text now. Line breaks become the
/// ` / ` that notes use, or a space; outside a field, a paste does nothing.
fn paste(app: &mut App, text: &str) {
    let notes = match &app.mode {
        Mode::Form { form, .. } | Mode::GapForm { form, .. } => matches!(
            form.fields[form.focus].kind,
            crate::tui::form::FieldKind::Notes
        ),
        Mode::Fuzzy { .. } | Mode::Filter | Mode::Command { .. } => false,
        Mode::Gaps(v) if v.typing => {
            let text: String = text.chars().filter(|c| !c.is_control()).collect();
            if let Mode::Gaps(v) = &mut app.mode {
                v.query.push_str(&text);
                v.selected = 0;
            }
            return;
        }
        Mode::Questionnaire(_) => {
            let text: String = text.chars().filter(|c| !c.is_control()).collect();
            if let Mode::Questionnaire(q) = &mut app.mode {
                edit::questionnaire::paste(q, &text);
            }
            return;
        }
        _ => {
            app.info(st::PASTE_IGNORED.get(app.lang));
            return;
        }
    };
    let brk = if notes { " / " } else { " " };
    let text: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', brk)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    // The whole text in one step: one search, one filter pass.
    let focus = app.focus.index();
    match &mut app.mode {
        Mode::Form { form, .. } | Mode::GapForm { form, .. } => {
            let field = form.focused();
            for c in text.chars() {
                if field.accepts(c) {
                    field.input(c);
                }
            }
        }
        Mode::Fuzzy {
            query,
            hits,
            selected,
        } => {
            query.push_str(&text);
            if query.trim().is_empty() {
                hits.clear();
            }
            *selected = 0;
        }
        Mode::Filter => {
            app.filters[focus].push_str(&text);
            app.selected[focus] = 0;
        }
        Mode::Command { input } => input.push_str(&text),
        _ => {}
    }
}

/// Applies one message: the only function that changes the app. It does
/// no I/O; what it needs from the store or the file system it returns, for
/// the session to do and answer with another message.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = match msg {
        // Time only ages the status message: nothing else to work out.
        Msg::Tick(now) => {
            app.tick(now);
            return Vec::new();
        }
        Msg::Action(_) | Msg::Char(_) | Msg::Backspace => {
            app.key_pressed();
            input(app, msg)
        }
        Msg::Paste(text) => {
            app.key_pressed();
            paste(app, &text);
            Vec::new()
        }
        Msg::Clients(result, why) => clients_read(app, result, why),
        Msg::Read(answer) => app.receive(answer),
        Msg::Fetched(record, result, purpose) => edit::fetched(app, record, result, purpose),
        Msg::Saved(save, result, stored) => edit::saved(app, *save, result, stored),
        Msg::Deleted(delete, result) => edit::deleted(app, delete, result),
        Msg::Undid(step, result) => edit::undid(app, *step, result),
        Msg::Refreshed(result, why) => edit::refreshed(app, result, why),
        Msg::History(title, result) => history_read(app, title, result),
        Msg::Agenda(result) => agenda_read(app, result),
        Msg::Triage(result) => triage_read(app, result),
        Msg::Written(network, result) => report_written(app, &network, result),
        Msg::Change(change) => edit::other_session(app, change),
        Msg::Gaps(done) => crate::tui::gaps::done(app, done),
        Msg::Reconnected(r) => reconnected(app, r),
        Msg::Idle => {
            app.warm_filter(App::IDLE_SLICE);
            Vec::new()
        }
    };
    app.clamp();
    fx.extend(app.fetch());
    fx
}

/// A key, as an action or typed text.
fn input(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Msg::Action(a) = msg
        && app.readonly
        && a.edits()
        && matches!(app.mode, Mode::Normal)
    {
        app.error(st::READ_ONLY.get(app.lang));
        return fx;
    }
    let mode = std::mem::replace(&mut app.mode, Mode::Normal);
    app.mode = match mode {
        Mode::Normal => {
            if let Msg::Action(a) = msg {
                normal(app, a, &mut fx);
            }
            // `normal` may have opened another mode.
            std::mem::replace(&mut app.mode, Mode::Normal)
        }
        Mode::Help { scroll } => match msg {
            Msg::Action(Action::Help | Action::Cancel | Action::Quit | Action::Submit) => {
                Mode::Normal
            }
            Msg::Action(a) => Mode::Help {
                scroll: scrolled(scroll, a),
            },
            _ => Mode::Help { scroll },
        },
        Mode::Messages { scroll } => match msg {
            Msg::Action(Action::Messages | Action::Cancel | Action::Quit | Action::Submit) => {
                Mode::Normal
            }
            Msg::Action(a) => Mode::Messages {
                scroll: scrolled(scroll, a),
            },
            _ => Mode::Messages { scroll },
        },
        Mode::History {
            title,
            lines,
            scroll,
        } => match msg {
            Msg::Action(Action::History | Action::Cancel | Action::Quit | Action::Submit) => {
                Mode::Normal
            }
            Msg::Action(a) => Mode::History {
                title,
                lines,
                scroll: scrolled(scroll, a),
            },
            _ => Mode::History {
                title,
                lines,
                scroll,
            },
        },
        Mode::Details { client, scroll } => match msg {
            Msg::Action(Action::Details | Action::Cancel | Action::Quit | Action::Submit) => {
                Mode::Normal
            }
            Msg::Action(a) => Mode::Details {
                client,
                scroll: scrolled(scroll, a),
            },
            _ => Mode::Details { client, scroll },
        },
        Mode::Conflict {
            form,
            target,
            message,
        } => edit::conflict_update(app, form, target, message, msg, &mut fx),
        Mode::Agenda { rows, selected } => agenda_update(app, rows, selected, msg),
        Mode::Triage {
            rows,
            selected,
            sort,
        } => triage_update(app, rows, selected, sort, msg),
        Mode::Fuzzy {
            query,
            hits,
            selected,
        } => fuzzy_update(app, query, hits, selected, msg),
        Mode::Filter => filter_update(app, msg),
        Mode::Command { input } => command_update(app, input, msg, &mut fx),
        Mode::Form { form, target } => edit::form_update(app, form, target, msg, &mut fx),
        Mode::Questionnaire(q) => edit::questionnaire::key(app, q, msg, &mut fx),
        Mode::Gaps(v) => crate::tui::gaps::key(app, v, msg, &mut fx),
        Mode::GapForm { view, form, target } => {
            crate::tui::gaps::form_key(app, view, form, target, msg, &mut fx)
        }
        Mode::GapConfirm {
            view,
            finding,
            message,
        } => crate::tui::gaps::confirm_key(app, view, finding, message, msg, &mut fx),
        Mode::Confirm { message, target } => match msg {
            Msg::Action(Action::Submit) | Msg::Char('y') => {
                fx.extend(edit::delete(app, target));
                std::mem::replace(&mut app.mode, Mode::Normal)
            }
            Msg::Action(Action::Cancel) | Msg::Char('n') => {
                app.set_status(StatusKind::Info, st::NOTHING_DELETED.get(app.lang));
                Mode::Normal
            }
            _ => Mode::Confirm { message, target },
        },
    };
    fx
}

/// An overlay's scroll after a key.
fn scrolled(scroll: u16, a: Action) -> u16 {
    match a {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(10),
        Action::PageUp => scroll.saturating_sub(10),
        Action::Top => 0,
        _ => scroll,
    }
}

/// The clients, read again for `why`.
fn clients_read(app: &mut App, result: Result<Vec<Client>>, why: Reload) -> Vec<Effect> {
    let clients = match result {
        Ok(clients) => clients,
        Err(e) => {
            match why {
                Reload::Quiet | Reload::Command => app.error(e.message().to_string()),
                Reload::Change(_) => app.error(format!(
                    "{}: {}",
                    st::COULD_NOT_READ_CHANGE.get(app.lang),
                    e.message()
                )),
                Reload::Reconnected(..) => {
                    return reconnected(
                        app,
                        Reconnected::Failed {
                            reason: e.message().to_string(),
                            pause: crate::tui::effect::RECONNECT_PAUSE_SECS,
                        },
                    );
                }
            }
            return Vec::new();
        }
    };
    app.put_clients(clients);
    match why {
        Reload::Quiet => {}
        Reload::Command => app.info(st::RELOADED.get(app.lang)),
        Reload::Change(at) => edit::reselect_after_read(app, at),
        Reload::Reconnected(at, link) => {
            edit::reselect_after_read(app, at);
            app.info(
                match link {
                    crate::tui::effect::Link::Local => st::DAEMON_RESTARTED,
                    crate::tui::effect::Link::Remote => st::CONNECTION_LOST,
                }
                .get(app.lang),
            );
        }
    }
    Vec::new()
}

/// What finding the database again gave: read everything afresh, or say
/// why not and try again later.
fn reconnected(app: &mut App, r: Reconnected) -> Vec<Effect> {
    match r {
        Reconnected::Done(link) => vec![Effect::Reload(Reload::Reconnected(app.selection(), link))],
        Reconnected::Failed { reason, pause } => {
            app.sticky_error(words::phrase(
                app.lang,
                format!(
                    "lost the database and could not reconnect (trying again every {pause} s; \
                     nothing can be saved until then): {reason}"
                ),
                format!(
                    "与数据库失去连接且无法重连（每 {pause} 秒重试；在此之前无法保存）：{reason}"
                ),
            ));
            vec![Effect::ReconnectLater]
        }
        Reconnected::Impossible => {
            app.sticky_error(st::DAEMON_LOST.get(app.lang));
            Vec::new()
        }
    }
}

fn move_selection(app: &mut App, delta: isize) {
    let pane = app.focus;
    let len = app.pane_len(pane);
    if len == 0 {
        return;
    }
    let s = &mut app.selected[pane.index()];
    *s = (*s as isize + delta).clamp(0, len as isize - 1) as usize;
    // A new client or network resets what hangs below it.
    match pane {
        Pane::Clients => {
            app.selected[Pane::Contacts.index()] = 0;
            app.selected[Pane::Networks.index()] = 0;
            app.selected[Pane::Timeline.index()] = 0;
        }
        Pane::Networks => app.selected[Pane::Timeline.index()] = 0,
        _ => {}
    }
}

fn cycle_focus(app: &mut App, forward: bool) {
    let i = app.focus.index();
    let n = Pane::ALL.len();
    app.focus = Pane::ALL[(i + if forward { 1 } else { n - 1 }) % n];
}

fn normal(app: &mut App, a: Action, fx: &mut Vec<Effect>) {
    match a {
        Action::Quit => app.quit = true,
        Action::NextPane | Action::Right => cycle_focus(app, true),
        Action::PrevPane | Action::Left => cycle_focus(app, false),
        Action::Up => move_selection(app, -1),
        Action::Down => move_selection(app, 1),
        Action::PageUp => move_selection(app, -10),
        Action::PageDown => move_selection(app, 10),
        Action::Top => move_selection(app, isize::MIN / 2),
        Action::Bottom => move_selection(app, isize::MAX / 2),
        Action::Help => app.mode = Mode::Help { scroll: 0 },
        Action::Zoom => app.zoom = !app.zoom,
        Action::Messages => app.mode = Mode::Messages { scroll: 0 },
        Action::Language => {
            app.lang = app.lang.next();
            let said = crate::domain::labels::Label::new(
                "Interface language: English and Chinese",
                "界面语言：英文和中文",
            );
            let said = match app.lang {
                crate::domain::labels::Lang::Zh => "界面语言：中文".to_string(),
                crate::domain::labels::Lang::En => "Interface language: English".to_string(),
                crate::domain::labels::Lang::Both => said.get(app.lang).into_owned(),
            };
            app.info(said);
        }
        Action::Filter => app.mode = Mode::Filter,
        Action::Command => {
            app.mode = Mode::Command {
                input: String::new(),
            }
        }
        Action::FuzzyJump => {
            app.mode = Mode::Fuzzy {
                query: String::new(),
                hits: Vec::new(),
                selected: 0,
            }
        }
        Action::Details => match app.selected_client() {
            Some(c) => {
                app.mode = Mode::Details {
                    client: c.id,
                    scroll: 0,
                }
            }
            None => app.info(st::NO_CLIENT.get(app.lang)),
        },
        Action::Agenda => fx.push(open_agenda(app)),
        Action::Triage => fx.push(open_triage(app)),
        Action::Gaps => fx.extend(crate::tui::gaps::open(app)),
        Action::History => fx.extend(open_history(app)),
        Action::Report => fx.extend(write_report(
            app,
            crate::formats::report::ReportFormat::Markdown,
            None,
        )),
        Action::Cancel => {
            // The innermost first: the filter, then the zoom.
            if !app.filters[app.focus.index()].is_empty() {
                app.filters[app.focus.index()].clear();
                app.set_status(StatusKind::Info, st::FILTER_CLEARED.get(app.lang));
            } else if app.zoom {
                app.zoom = false;
            } else {
                app.status = None;
            }
        }
        Action::Undo => fx.extend(edit::undo(app)),
        Action::Questionnaire => edit::questionnaire::start(app),
        Action::Edit | Action::Add | Action::Delete | Action::Override | Action::ClearField => {
            fx.extend(edit::start(app, a))
        }
        Action::Submit
        | Action::NextField
        | Action::PrevField
        | Action::Today
        | Action::Toggle
        | Action::Sort
        | Action::MarkOpen
        | Action::MarkInProgress
        | Action::MarkFixed
        | Action::MarkVerified
        | Action::ShowAll
        | Action::CycleFilter => {}
    }
}

/// Asks for the selected network's report, written into `dir` (as typed),
/// else the directory the case manager was started in.
fn write_report(
    app: &mut App,
    format: crate::formats::report::ReportFormat,
    dir: Option<String>,
) -> Option<Effect> {
    use crate::formats::report;
    let (Some(client), Some(network)) = (app.selected_client(), app.selected_network()) else {
        app.info(st::SELECT_NETWORK.get(app.lang));
        return None;
    };
    Some(Effect::WriteFile(Box::new(crate::tui::effect::WriteFile {
        dir,
        file_name: report::file_name(network, format),
        client: Box::new(client.clone()),
        of: Box::new(network.clone()),
        format,
        network: network.name.clone(),
    })))
}

/// A report written, or why not.
fn report_written(
    app: &mut App,
    network: &str,
    result: std::result::Result<std::path::PathBuf, WriteFailed>,
) -> Vec<Effect> {
    let esc = crate::text::escape_for_terminal;
    match result {
        Ok(path) => {
            let (network, path) = (esc(network), esc(&path.display().to_string()));
            app.saved(words::phrase(
                app.lang,
                format!("report of {network} written to {path}"),
                format!("{network} 的报告已写入 {path}"),
            ))
        }
        Err(WriteFailed::NoDirectory(e)) => {
            app.error(format!("{}: {e}", st::NO_DIRECTORY.get(app.lang)))
        }
        Err(WriteFailed::Write(e)) => app.error(format!(
            "{}: {}",
            st::COULD_NOT_WRITE_REPORT.get(app.lang),
            e.message()
        )),
    }
    Vec::new()
}

/// Asks for the change history of the selected network, or of the
/// selected client when the focus is on clients or contacts.
fn open_history(app: &mut App) -> Option<Effect> {
    use crate::store::audit::LogQuery;
    let esc = crate::text::escape_for_terminal;
    let on_client = matches!(app.focus, Pane::Clients | Pane::Contacts);
    let (query, title) = match (app.selected_client(), app.selected_network()) {
        (_, Some(n)) if !on_client => (LogQuery::of_network(n.id), {
            let name = esc(&n.name);
            words::phrase(
                app.lang,
                format!("History of network \"{name}\""),
                format!("网络“{name}”的变更历史"),
            )
        }),
        (Some(c), _) => (LogQuery::of_client(c.id), {
            let name = esc(c.display_name());
            words::phrase(
                app.lang,
                format!("History of client \"{name}\" and its networks"),
                format!("客户“{name}”及其网络的变更历史"),
            )
        }),
        (None, _) => {
            app.info(st::NOTHING_SELECTED.get(app.lang));
            return None;
        }
    };
    Some(Effect::History { query, title })
}

/// A change history read: shown newest first.
fn history_read(app: &mut App, title: String, result: Result<Vec<LogEntry>>) -> Vec<Effect> {
    let entries = match result {
        Ok(entries) => entries,
        Err(e) => {
            app.error(format!(
                "{}: {}",
                st::COULD_NOT_READ_HISTORY.get(app.lang),
                e.message()
            ));
            return Vec::new();
        }
    };
    let mut lines = Vec::new();
    for e in entries.iter().rev() {
        lines.push(crate::service::history::heading(e));
        for c in e.changes() {
            lines.push(format!(
                "    {}",
                crate::service::history::change_line_in(&c, app.lang)
            ));
        }
    }
    if lines.is_empty() {
        lines.push("No changes recorded.".to_string());
    }
    app.mode = Mode::History {
        title,
        lines,
        scroll: 0,
    };
    Vec::new()
}

/// Asks for the renewals agenda: the next 90 days, and what is overdue.
pub(crate) fn open_agenda(app: &App) -> Effect {
    Effect::Agenda {
        today: app.today,
        within: 90,
        due_soon_days: app.config.settings.due_soon_days,
    }
}

fn agenda_read(app: &mut App, result: Result<Vec<AgendaRow>>) -> Vec<Effect> {
    match result {
        Ok(rows) => {
            // A certificate expiry is listed under its network's renewal.
            let rows: Vec<AgendaRow> = agenda::grouped(&rows)
                .into_iter()
                .map(|(r, _)| r.clone())
                .collect();
            // Back where the agenda was left.
            let selected = app
                .agenda_at
                .and_then(|(network, kind, due)| {
                    rows.iter().position(|r: &AgendaRow| {
                        r.network_id == network && r.kind == kind && r.due == due
                    })
                })
                .unwrap_or(0);
            app.mode = Mode::Agenda { rows, selected }
        }
        Err(e) => app.error(e.message().to_string()),
    }
    Vec::new()
}

fn agenda_update(app: &mut App, rows: Vec<AgendaRow>, selected: usize, msg: Msg) -> Mode {
    let last = rows.len().saturating_sub(1);
    let selected = match msg {
        Msg::Action(Action::Up) => selected.saturating_sub(1),
        Msg::Action(Action::Down) => (selected + 1).min(last),
        Msg::Action(Action::PageUp) => selected.saturating_sub(10),
        Msg::Action(Action::PageDown) => (selected + 10).min(last),
        Msg::Action(Action::Top) => 0,
        Msg::Action(Action::Bottom) => last,
        Msg::Action(Action::Cancel | Action::Agenda | Action::Quit) => {
            app.agenda_at = rows.get(selected).map(|r| (r.network_id, r.kind, r.due));
            return Mode::Normal;
        }
        Msg::Action(Action::Help) => return Mode::Help { scroll: 0 },
        Msg::Action(Action::Submit | Action::Edit) => {
            if let Some(r) = rows.get(selected) {
                app.agenda_at = Some((r.network_id, r.kind, r.due));
                // Select the deadline itself, not the first milestone.
                let spot = crate::tui::app::Spot::Deadline(r.kind, r.due);
                app.jump(r.client_id, Some(r.network_id), Some(spot));
                app.focus = Pane::Timeline;
            }
            return Mode::Normal;
        }
        _ => selected,
    };
    Mode::Agenda { rows, selected }
}

/// Asks for the triage list: every network that needs attention.
pub(crate) fn open_triage(app: &App) -> Effect {
    Effect::Triage {
        today: app.today,
        config: Box::new(app.config.clone()),
    }
}

/// The triage list, sorted as it was left, on the row it was left on.
fn triage_read(app: &mut App, result: Result<Vec<TriageRow>>) -> Vec<Effect> {
    match result {
        Ok(mut rows) => {
            let (at, sort) = app.triage_at;
            triage::sort(&mut rows, sort);
            let selected = at
                .and_then(|n| rows.iter().position(|r| r.network_id == n))
                .unwrap_or(0);
            app.mode = Mode::Triage {
                rows,
                selected,
                sort,
            };
        }
        Err(e) => app.error(format!(
            "{}: {}",
            st::COULD_NOT_READ_TRIAGE.get(app.lang),
            e.message()
        )),
    }
    Vec::new()
}

fn triage_update(
    app: &mut App,
    mut rows: Vec<TriageRow>,
    selected: usize,
    sort: SortBy,
    msg: Msg,
) -> Mode {
    let last = rows.len().saturating_sub(1);
    let here = rows.get(selected).map(|r| r.network_id);
    let selected = match msg {
        Msg::Action(Action::Up) => selected.saturating_sub(1),
        Msg::Action(Action::Down) => (selected + 1).min(last),
        Msg::Action(Action::PageUp) => selected.saturating_sub(10),
        Msg::Action(Action::PageDown) => (selected + 10).min(last),
        Msg::Action(Action::Top) => 0,
        Msg::Action(Action::Bottom) => last,
        Msg::Action(Action::Sort) => {
            // The same row stays selected under the new order.
            let sort = sort.next();
            triage::sort(&mut rows, sort);
            let selected = here
                .and_then(|n| rows.iter().position(|r| r.network_id == n))
                .unwrap_or(0);
            app.triage_at = (here, sort);
            app.info(format!("{} {}", st::SORTED_BY.get(app.lang), sort.label()));
            return Mode::Triage {
                rows,
                selected,
                sort,
            };
        }
        Msg::Action(Action::Cancel | Action::Triage | Action::Quit) => {
            app.triage_at = (here, sort);
            return Mode::Normal;
        }
        Msg::Action(Action::Help) => return Mode::Help { scroll: 0 },
        Msg::Action(Action::Submit | Action::Edit) => {
            app.triage_at = (here, sort);
            if let Some(r) = rows.get(selected) {
                // The case, on the row the most urgent reason is about.
                let spot = crate::tui::app::Spot::of(&r.first().place);
                app.jump(r.client_id, Some(r.network_id), Some(spot));
            }
            return Mode::Normal;
        }
        _ => selected,
    };
    Mode::Triage {
        rows,
        selected,
        sort,
    }
}

fn fuzzy_update(
    app: &mut App,
    mut query: String,
    mut hits: Vec<Hit>,
    selected: usize,
    msg: Msg,
) -> Mode {
    let mut selected = selected;
    match msg {
        // The hits follow from the reader (see `App::fetch`).
        Msg::Char(c) => {
            query.push(c);
            selected = 0;
        }
        Msg::Backspace => {
            query.pop();
            if query.trim().is_empty() {
                hits.clear();
            }
            selected = 0;
        }
        Msg::Action(Action::NextField | Action::Down) => {
            selected = (selected + 1).min(hits.len().saturating_sub(1))
        }
        Msg::Action(Action::PrevField | Action::Up) => selected = selected.saturating_sub(1),
        Msg::Action(Action::ClearField) => {
            query.clear();
            hits.clear();
            selected = 0;
        }
        Msg::Action(Action::Cancel) => return Mode::Normal,
        Msg::Action(Action::Submit) => {
            if let Some(hit) = hits.get(selected) {
                match hit.target {
                    Target::Client(c) => app.jump_to(c, None),
                    Target::Network(n) => {
                        if let Some(c) = hit.client {
                            app.jump_to(c, Some(n));
                        }
                    }
                    Target::Contact { client, index } => {
                        app.jump_to(client, None);
                        app.focus = Pane::Contacts;
                        app.selected[Pane::Contacts.index()] = index;
                    }
                }
            }
            return Mode::Normal;
        }
        _ => {}
    }
    Mode::Fuzzy {
        query,
        hits,
        selected,
    }
}

fn filter_update(app: &mut App, msg: Msg) -> Mode {
    let i = app.focus.index();
    match msg {
        Msg::Char(c) => app.filters[i].push(c),
        Msg::Backspace => {
            app.filters[i].pop();
        }
        // Ctrl-u: start the filter again, still typing it.
        Msg::Action(Action::ClearField) => app.filters[i].clear(),
        Msg::Action(Action::Submit) => return Mode::Normal,
        Msg::Action(Action::Cancel) => {
            app.filters[i].clear();
            return Mode::Normal;
        }
        _ => {}
    }
    app.selected[i] = 0;
    Mode::Filter
}

fn command_update(app: &mut App, mut input: String, msg: Msg, fx: &mut Vec<Effect>) -> Mode {
    match msg {
        Msg::Char(c) => input.push(c),
        Msg::Backspace => {
            input.pop();
        }
        Msg::Action(Action::Cancel) => return Mode::Normal,
        Msg::Action(Action::Submit) => {
            fx.extend(run_command(app, input.trim()));
            return std::mem::replace(&mut app.mode, Mode::Normal);
        }
        _ => {}
    }
    Mode::Command { input }
}

/// The `:` commands.
fn run_command(app: &mut App, line: &str) -> Vec<Effect> {
    let (name, arg) = line
        .split_once(' ')
        .map_or((line, ""), |(c, a)| (c, a.trim()));
    if name.is_empty() {
        return Vec::new();
    }
    match super::commands::find(name) {
        Some(c) if c.edits && app.readonly => {
            app.error(st::READ_ONLY.get(app.lang));
            Vec::new()
        }
        Some(c) => (c.run)(app, arg),
        None => {
            let name = format!("{:?}", crate::text::escape_for_terminal(name));
            let usage = super::commands::usage_list();
            app.error(words::phrase(
                app.lang,
                format!("unknown command {name}: try {usage}"),
                format!("未知命令 {name}：可用 {usage}"),
            ));
            Vec::new()
        }
    }
}

/// `:report [md|html] [DIR]`: the folder is the rest of the line, spaces
/// and all; `~/` is the home folder.
pub(crate) fn report_command(app: &mut App, arg: &str) -> Vec<Effect> {
    let (first, after) = arg.split_once(' ').unwrap_or((arg, ""));
    let (format, rest) = match first.parse() {
        Ok(f) => (f, after.trim()),
        Err(_) => (crate::formats::report::ReportFormat::Markdown, arg),
    };
    let dir = (!rest.is_empty()).then(|| rest.to_string());
    write_report(app, format, dir).into_iter().collect()
}
