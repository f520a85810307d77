//! `view`: draws the whole screen from `&App`, and nothing else.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::labels::{self, Label, Lang};
use crate::tui::Action;
use crate::tui::app::{App, Mode, Pane, StatusKind};
use crate::tui::keymap::Section;
use crate::tui::panes::{self, safe, share};
use crate::tui::theme::Theme;
use crate::tui::words;

pub fn view(app: &App, f: &mut Frame) {
    let theme = Theme { color: app.color };
    // A third header line says what the selected case needs, if anything.
    let reasons = app
        .selected_network()
        .map(|n| app.reasons_of(n))
        .unwrap_or_default();
    let header_h = if reasons.is_empty() { 2 } else { 3 };
    let screen = f.area();
    // A long message wraps onto up to three lines, fewer on a short screen.
    let most = (screen.height / 8).clamp(1, STATUS_LINES);
    let status_lines = status_lines(app, screen.width as usize, most as usize, &theme);
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(header_h),
        Constraint::Min(6),
        Constraint::Length(status_lines.len().max(1) as u16),
        Constraint::Length(1),
    ])
    .areas(screen);
    render_header(app, &reasons, f, header, &theme);
    render_body(app, f, body, &theme);
    f.render_widget(Paragraph::new(status_lines), status);
    render_hints(app, f, hints, &theme);
    match &app.mode {
        Mode::Help { scroll } => panes::overlays::help(app, *scroll, f, body, &theme),
        Mode::Agenda { rows, selected } => panes::agenda::render(
            rows,
            *selected,
            app.config.settings.due_soon_days,
            app.lang,
            f,
            body,
            &theme,
        ),
        Mode::Triage {
            rows,
            selected,
            sort,
        } => panes::triage::render(rows, *selected, *sort, app.lang, f, body, &theme),
        Mode::Gaps(v) => panes::gaps::render(app, v, f, body, &theme),
        Mode::GapForm { view, form, .. } => {
            panes::gaps::render(app, view, f, body, &theme);
            panes::overlays::form(form, app.lang, f, body, &theme);
        }
        Mode::GapConfirm { view, message, .. } => {
            panes::gaps::render(app, view, f, body, &theme);
            panes::overlays::confirm(app, message, f, body, &theme);
        }
        Mode::Fuzzy {
            query,
            hits,
            selected,
        } => panes::overlays::fuzzy(
            app.lang,
            query,
            hits,
            *selected,
            app.search_ready,
            f,
            body,
            &theme,
        ),
        Mode::Form { form, .. } => panes::overlays::form(form, app.lang, f, body, &theme),
        Mode::Confirm { message, .. } => panes::overlays::confirm(app, message, f, body, &theme),
        Mode::Conflict { message, .. } => panes::overlays::conflict(app, message, f, body, &theme),
        Mode::History {
            title,
            lines,
            scroll,
        } => panes::overlays::history(app.lang, title, lines, *scroll, f, body, &theme),
        Mode::Details { client, scroll } => {
            panes::overlays::details(app, *client, *scroll, f, body, &theme)
        }
        Mode::Messages { scroll } => panes::overlays::messages(app, *scroll, f, body, &theme),
        Mode::Questionnaire(q) => panes::questionnaire::render(app, q, f, body, &theme),
        Mode::Normal | Mode::Filter | Mode::Command { .. } => {}
    }
}

/// The most lines a status message wraps onto; the messages overlay has
/// it in full.
const STATUS_LINES: u16 = 3;

/// The clients column: as wide as its widest row (with the borders), so
/// that names are whole where there is room, but at least 22 columns and
/// at most 45% of the screen, leaving the networks' table 54 (a name
/// column of 21).
pub fn clients_width(app: &App, total: u16) -> u16 {
    let want = app.client_rows_width().saturating_add(2);
    let most = (total as usize * 45 / 100)
        .min((total as usize).saturating_sub(54))
        .max(22);
    want.clamp(22, most) as u16
}

/// The networks pane: its rows, the column heads and the borders (at
/// least two rows), up to half the right-hand side; answers and the
/// timeline get the rest.
pub fn networks_height(app: &App, right: u16) -> u16 {
    let rows = app.visible_networks().len().max(1) as u16;
    (rows + 3).clamp(5, (right / 2).max(5))
}

fn render_body(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    if app.zoom {
        match app.focus {
            Pane::Clients => panes::clients::render(app, f, area, theme),
            Pane::Contacts => panes::clients::render_contacts(app, f, area, theme),
            Pane::Networks => panes::networks::render(app, f, area, theme),
            Pane::Answers => panes::answers::render(app, f, area, theme),
            Pane::Timeline => panes::timeline::render(app, f, area, theme),
        }
        return;
    }
    let left_w = clients_width(app, area.width);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(30)]).areas(area);
    let contacts_h = (left.height / 3).max(4);
    let [clients, contacts] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(contacts_h)]).areas(left);
    let networks_h = networks_height(app, right.height);
    let [networks, bottom] =
        Layout::vertical([Constraint::Length(networks_h), Constraint::Min(4)]).areas(right);
    let [answers, timeline] =
        Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)]).areas(bottom);
    panes::clients::render(app, f, clients, theme);
    panes::clients::render_contacts(app, f, contacts, theme);
    panes::networks::render(app, f, networks, theme);
    panes::answers::render(app, f, answers, theme);
    panes::timeline::render(app, f, timeline, theme);
}

/// The level of the selected network and why, e.g. `Level 3 · S
/// citizens/particularly serious (S4: 250 000 PI subjects) · A ...`.
fn render_header(
    app: &App,
    reasons: &[crate::domain::triage::Reason],
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let width = area.width as usize;
    let lang = app.lang;
    let level = |l| labels::level_number(l).get(lang);
    let mut first = Vec::new();
    let mut second = Vec::new();
    match app.selected_network() {
        Some(n) => {
            if let Some(g) = app.grade_of(n.id) {
                // `Level 3 第三级 监督保护级`: the name where there is room.
                let change = match app.level_change {
                    Some((id, old, new)) if id == n.id => match lang {
                        Lang::En => format!("Level {old} → {new}"),
                        Lang::Zh => format!("{} → {}", level(old), level(new)),
                        Lang::Both => format!("Level {old} → {new} {}", level(new)),
                    },
                    _ if width >= 120 => format!(
                        "{} {}",
                        level(g.level),
                        labels::level_name(g.level).get(lang)
                    ),
                    _ => level(g.level).into_owned(),
                };
                first.push(Span::styled(change.clone(), theme.level()));
                let mut used = crate::text::width(&change);
                let words = labels::provisional_words(g, lang, 3).map(|w| {
                    // Both languages where they fit, else the Chinese.
                    if lang == Lang::Both && crate::text::width(&w) + used + 2 > width {
                        labels::provisional_words(g, Lang::Zh, 3).unwrap_or(w)
                    } else {
                        w
                    }
                });
                if let Some(words) = words {
                    let comma = if lang == Lang::Zh { "，" } else { ", " };
                    let words = safe(&format!("{comma}{words}"), width.saturating_sub(used));
                    used += crate::text::width(&words);
                    first.push(Span::styled(words, theme.warning()));
                }
                // A justification may span lines; the header has one.
                let rest = labels::explain(g, lang).replace('\n', " / ");
                first.push(Span::raw(format!(
                    " · {}",
                    safe(&rest, width.saturating_sub(used + 3))
                )));
                let client = app
                    .selected_client()
                    .map(|c| c.names_for(lang).0.to_string())
                    .unwrap_or_default();
                // What must show comes first; the names get the room left
                // and the warnings what remains after them.
                let mut must = Vec::new();
                if let Some(filed) = n.filed_level {
                    let filed_zh =
                        format!("{}{}", labels::FILED.zh, labels::level_number(filed).zh);
                    let words = |lang| {
                        let filed_words = match lang {
                            Lang::En => format!("filed {filed}"),
                            Lang::Zh => filed_zh.clone(),
                            Lang::Both => format!("filed {filed} {filed_zh}"),
                        };
                        let mut words = vec![format!(" · {filed_words}")];
                        if filed != g.level {
                            words.push(format!(" · {}", labels::REGRADING_NEEDED.get(lang)));
                        }
                        words
                    };
                    // Both languages where they leave the names half the
                    // line, else the Chinese.
                    let mut said = words(lang);
                    let said_w: usize = said.iter().map(|s| crate::text::width(s)).sum();
                    if lang == Lang::Both && said_w > width / 3 {
                        said = words(Lang::Zh);
                    }
                    for (i, s) in said.into_iter().enumerate() {
                        must.push(if i == 0 {
                            Span::raw(s)
                        } else {
                            Span::styled(s, theme.error())
                        });
                    }
                }
                if app.readonly {
                    must.push(Span::styled(" · read-only", theme.warning()));
                }
                let must_w: usize = must.iter().map(|s| crate::text::width(&s.content)).sum();
                let room = width.saturating_sub(must_w + 3);
                let (client_w, net_w) = share(
                    crate::text::width(&client),
                    crate::text::width(&n.name),
                    room,
                );
                let names = format!("{} › {}", safe(&client, client_w), safe(&n.name, net_w));
                let used = crate::text::width(&names) + must_w;
                second.push(Span::styled(names, theme.dim()));
                second.extend(must);
                // Each warning with its words (in one language, or as
                // many as fit whole; the legend has them all).
                let mut used = used;
                for w in &g.warnings {
                    let full = labels::warning_mark(*w, lang);
                    let short = format!(
                        "{} {}",
                        w.as_str(),
                        labels::warning(*w)
                            .fit(lang, width.saturating_sub(used + 4 + w.as_str().len()))
                    );
                    let Some(text) = [full, short]
                        .into_iter()
                        .map(|t| format!(" · {t}"))
                        .find(|t| used + crate::text::width(t) <= width)
                    else {
                        break;
                    };
                    used += crate::text::width(&text);
                    second.push(Span::styled(text, theme.warning()));
                }
            }
        }
        None => first.push(Span::styled("mlps · MLPS 2.0 case manager", theme.title())),
    }
    if app.readonly && second.is_empty() {
        second.push(Span::styled(" · read-only", theme.warning()));
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    if let Some(top) = reasons.first() {
        use crate::domain::triage::Tier;
        let style = match top.tier {
            Tier::Overdue | Tier::Regrading => theme.error(),
            Tier::Due | Tier::Stalled => theme.warning(),
            Tier::Provisional | Tier::MissingFacts => theme.normal(),
        };
        let say = |lang: Lang| {
            let next = match lang {
                Lang::En => "Next: ",
                Lang::Zh => "下一步：",
                Lang::Both => "Next 下一步：",
            };
            let mut text = format!("{next}{}", labels::reason_sentence(top, lang));
            for more in &reasons[1..] {
                text.push_str(&format!(
                    " · {} {}",
                    Label::new("then", "然后").get(lang),
                    labels::reason_action(more, lang)
                ));
            }
            text
        };
        // Both languages where the first reason fits whole, else Chinese.
        let text = match lang {
            Lang::Both
                if crate::text::width(&format!(
                    "Next 下一步：{}",
                    labels::reason_sentence(top, lang)
                )) > width =>
            {
                say(Lang::Zh)
            }
            _ => say(lang),
        };
        lines.push(Line::from(Span::styled(safe(&text, width), style)));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// The status line: the filter or command being typed, or the message,
/// wrapped onto at most `most` lines (the last cut, pointing at the
/// messages overlay, when it is longer still).
fn status_lines(app: &App, width: usize, most: usize, theme: &Theme) -> Vec<Line<'static>> {
    let line = match &app.mode {
        Mode::Filter => Line::from(vec![
            Span::styled("/", theme.key()),
            Span::raw(safe(
                &app.filters[app.focus.index()],
                width.saturating_sub(2),
            )),
            Span::styled("▏", theme.key()),
        ]),
        Mode::Command { input } => Line::from(vec![
            Span::styled(":", theme.key()),
            Span::raw(safe(input, width.saturating_sub(2))),
            Span::styled("▏", theme.key()),
        ]),
        _ => match &app.status {
            Some(s) => {
                let style = match s.kind {
                    StatusKind::Info => theme.normal(),
                    StatusKind::Saved => theme.saved(),
                    StatusKind::Error => theme.error(),
                };
                let text = crate::text::escape_for_terminal(&s.text);
                let mut parts = panes::overlays::wrap_words(&text, width.max(1));
                if parts.len() > most {
                    parts.truncate(most);
                    let more = match panes::key_name(app, Section::Global, Action::Messages) {
                        Some(k) => {
                            format!(" {k}: {}", Label::new("in full", "查看全文").get(app.lang))
                        }
                        None => String::new(),
                    };
                    let last = parts.last_mut().expect("at least one line");
                    let keep = width.saturating_sub(crate::text::width(&more) + 1);
                    *last = format!(
                        "{}…{more}",
                        crate::text::truncate(last, keep).trim_end_matches('…')
                    );
                }
                return parts
                    .into_iter()
                    .map(|p| Line::from(Span::styled(p, style)))
                    .collect();
            }
            None => Line::from(""),
        },
    };
    vec![line]
}

/// The hint bar: the main actions of the moment with their live keys.
fn render_hints(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let section = app.section();
    // A set of flags: Down and Up move between the flags, Space ticks the
    // one under the cursor.
    let flags = match &app.mode {
        Mode::Form { form, .. } => form.fields[form.focus].is_flags(),
        _ => false,
    };
    let wanted: &[Action] = match app.mode {
        Mode::Form { .. } if flags => &[
            Action::NextField,
            Action::PrevField,
            Action::Toggle,
            Action::Submit,
            Action::Cancel,
            Action::ClearField,
        ],
        Mode::Normal => &[
            Action::Edit,
            Action::Add,
            Action::Delete,
            Action::Help,
            Action::Quit,
            Action::NextPane,
            Action::FuzzyJump,
            Action::Agenda,
            Action::Triage,
            Action::Filter,
            Action::Undo,
            Action::Override,
            Action::Details,
            Action::Zoom,
            Action::Messages,
        ],
        Mode::Agenda { .. } => &[
            Action::Submit,
            Action::Up,
            Action::Down,
            Action::Cancel,
            Action::Help,
        ],
        Mode::Gaps(ref v) if v.typing => &[Action::Submit, Action::Cancel, Action::ClearField],
        Mode::Gaps(_) => &[
            Action::MarkFixed,
            Action::Toggle,
            Action::CycleFilter,
            Action::ShowAll,
            Action::Cancel,
            Action::Help,
        ],
        Mode::Triage { .. } => &[
            Action::Submit,
            Action::Sort,
            Action::Up,
            Action::Down,
            Action::Cancel,
            Action::Help,
        ],
        Mode::Help { .. } | Mode::History { .. } | Mode::Details { .. } | Mode::Messages { .. } => {
            &[Action::Down, Action::Up, Action::Cancel]
        }
        Mode::Form { .. } | Mode::GapForm { .. } => &[
            Action::Submit,
            Action::Cancel,
            Action::NextField,
            Action::Right,
            Action::Toggle,
            Action::Today,
            Action::ClearField,
        ],
        Mode::Fuzzy { .. } => &[
            Action::Submit,
            Action::NextField,
            Action::PrevField,
            Action::Cancel,
        ],
        Mode::Filter => &[Action::Submit, Action::Cancel, Action::ClearField],
        Mode::Command { .. } => &[Action::Submit, Action::Cancel],
        Mode::Confirm { .. } | Mode::GapConfirm { .. } => &[Action::Submit, Action::Cancel],
        Mode::Conflict { .. } => &[Action::Cancel],
        Mode::Questionnaire(_) => &[
            Action::Submit,
            Action::NextField,
            Action::PrevField,
            Action::ClearField,
            Action::Cancel,
        ],
    };
    // The hints that show, each with its key and its word.
    let mut shown: Vec<(String, Label)> = Vec::new();
    // The conflict dialog's own letters, which no keymap rebinds.
    if matches!(app.mode, Mode::Conflict { .. }) {
        shown.push(("r".into(), words::hints::RELOAD_THEIRS));
        shown.push(("o".into(), words::hints::SAVE_YOURS));
    }
    // `t` for today only means something in a date field.
    let date_field = match &app.mode {
        Mode::Form { form, .. } => matches!(
            form.fields[form.focus].kind,
            crate::tui::form::FieldKind::Date { .. }
        ),
        _ => false,
    };
    for &a in wanted {
        // Clearing a filter being typed edits nothing.
        let edits = a.edits() && !matches!(app.mode, Mode::Filter);
        if (app.readonly && edits) || (a == Action::Today && !date_field) {
            continue;
        }
        // `keys_for` includes the global keys the section does not shadow.
        let keys = app.keymap.keys_for(section, a);
        // Among a flag list's keys, the arrow that moves along it.
        let arrow = match a {
            Action::NextField if flags => keys.iter().find(|k| k.to_string() == "Down"),
            Action::PrevField if flags => keys.iter().find(|k| k.to_string() == "Up"),
            _ => None,
        };
        let key = arrow.or(keys.first()).copied();
        let Some(key) = key else { continue };
        let label = match a {
            Action::Submit
            | Action::NextField
            | Action::PrevField
            | Action::ClearField
            | Action::Cancel
                if matches!(app.mode, Mode::Questionnaire(_)) =>
            {
                match a {
                    Action::Submit => words::hints::SAVE,
                    Action::NextField => words::hints::SKIP,
                    Action::PrevField => words::hints::PREVIOUS_QUESTION,
                    Action::ClearField => words::hint(Action::ClearField),
                    _ => words::hints::LEAVE,
                }
            }
            Action::NextField if flags => words::hints::NEXT_FLAG,
            Action::PrevField if flags => words::hints::PREVIOUS_FLAG,
            Action::Toggle if flags => words::hints::TICK,
            Action::Zoom if app.zoom => words::hints::RESTORE,
            Action::Toggle if matches!(app.mode, Mode::Gaps(_)) => Label::new("mark", "标记"),
            Action::Right if matches!(app.mode, Mode::Form { .. }) => words::hints::CHOOSE,
            Action::Submit if matches!(app.mode, Mode::Form { .. }) => words::hints::SAVE,
            Action::ClearField if matches!(app.mode, Mode::Filter) => words::hints::CLEAR,
            Action::Submit
                if matches!(
                    app.mode,
                    Mode::Agenda { .. } | Mode::Triage { .. } | Mode::Fuzzy { .. }
                ) =>
            {
                words::hints::JUMP
            }
            _ => words::hint(a),
        };
        shown.push((key.to_string(), label));
    }
    f.render_widget(
        Paragraph::new(hint_line(&shown, app.lang, area.width as usize, theme)),
        area,
    );
}

/// The hints as one line of at most `width` columns, as many as fit in
/// order. In `both`, each word is `english 中文` when every hint fits so,
/// else the bar is in Chinese alone (shorter; `?` has both).
fn hint_line(shown: &[(String, Label)], lang: Lang, width: usize, theme: &Theme) -> Line<'static> {
    let words_in = |lang: Lang| -> Vec<String> {
        shown
            .iter()
            .map(|(_, label)| label.get(lang).into_owned())
            .collect()
    };
    let total = |words: &[String]| -> usize {
        shown
            .iter()
            .zip(words)
            .map(|((key, _), w)| crate::text::width(key) + crate::text::width(w) + 3)
            .sum()
    };
    let mut labels = words_in(lang);
    if lang == Lang::Both && total(&labels) > width {
        labels = words_in(Lang::Zh);
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for ((key, _), label) in shown.iter().zip(labels) {
        let w = crate::text::width(key) + crate::text::width(&label) + 3;
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::styled(key.clone(), theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    Line::from(spans)
}
