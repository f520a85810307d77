//! What draws over the main view: help, fuzzy jump, forms, confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{block, inner_width, safe, scroll_offset};
use std::borrow::Cow;

use crate::domain::labels::Lang;
use crate::domain::search::Hit;
use crate::tui::Action;
use crate::tui::app::App;
use crate::tui::form::Form;
use crate::tui::keymap::Section;
use crate::tui::theme::Theme;
use crate::tui::words::{self, overlay as w};

/// A rectangle centred in `area`, at most `w` by `h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    r
}

/// The keys of `section`, from the live keymap, without editing actions in
/// read-only mode.
pub fn key_lines<'a>(app: &App, section: Section, theme: &Theme) -> Vec<Line<'a>> {
    app.keymap
        .bindings(section)
        .into_iter()
        .filter(|(a, keys)| !(keys.is_empty() || (app.readonly && a.edits())))
        .map(|(a, keys)| {
            let keys = keys
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            Line::from(vec![
                Span::styled(format!("{keys:>16}  "), theme.key()),
                Span::raw(a.describe(app.lang)),
            ])
        })
        .collect()
}

pub fn help(app: &App, scroll: u16, f: &mut Frame, area: Rect, theme: &Theme) {
    let r = centered(area, 76, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    // The legend first: what the marks on screen mean.
    let mut lines = legend_lines(app.lang, inner_width(r), theme);
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Every key below comes from the keymap in use (mlps keymap print).",
        theme.dim(),
    )));
    let focus = app.focus.section();
    for section in [
        focus,
        Section::Global,
        Section::Agenda,
        Section::Gaps,
        Section::Form,
    ] {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("[{section}]"),
            theme.title(),
        )));
        lines.extend(key_lines(app, section, theme));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("[: commands]", theme.title())));
    for c in crate::tui::commands::COMMANDS {
        if c.edits && app.readonly {
            continue;
        }
        let names = std::iter::once(c.name)
            .chain(c.aliases.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        lines.push(Line::from(vec![
            Span::styled(format!("{names:>16}  "), theme.key()),
            Span::raw(if c.args.is_empty() {
                c.doc.get(app.lang).into_owned()
            } else {
                format!("{} — {}", c.args, c.doc.get(app.lang))
            }),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "MLPS duty: Cybersecurity Law Art. 23 (from 2026-01-01); penalties Art. 61.",
        theme.dim(),
    )));
    // Scrolling stops with the last line at the bottom.
    let most = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    let b = block("Help · j/k scroll · Esc or ? closes", "", true, theme);
    f.render_widget(
        Paragraph::new(lines).scroll((scroll.min(most), 0)).block(b),
        r,
    );
}

/// The legend, from the catalogue in `lang`: each section's marks, and
/// what they mean wrapped beside them.
pub fn legend_lines<'a>(
    lang: crate::domain::labels::Lang,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    use crate::domain::labels::{Label, legend};
    let mut lines = vec![Line::from(Span::styled(
        format!("[{}]", Label::new("Legend", "图例").get(lang)),
        theme.title(),
    ))];
    for section in legend(lang) {
        lines.push(Line::from(Span::styled(
            format!("  {}", section.title),
            theme.dim(),
        )));
        let mark_w = section
            .rows
            .iter()
            .map(|(m, _)| crate::text::width(m))
            .max()
            .unwrap_or(0)
            .min(width / 3);
        let room = width.saturating_sub(mark_w + 6).max(10);
        for (mark, meaning) in section.rows {
            for (i, part) in wrap_words(&meaning, room).into_iter().enumerate() {
                let head = if i == 0 {
                    crate::tui::panes::cell(&mark, mark_w)
                } else {
                    " ".repeat(mark_w)
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("    {head}  "), theme.key()),
                    Span::raw(part),
                ]));
            }
        }
    }
    lines
}

/// The label with the matched characters highlighted.
fn highlighted<'a>(hit: &Hit, width: usize, theme: &Theme, selected: bool) -> Line<'a> {
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, ch) in hit.label.chars().enumerate() {
        let shown = crate::text::escape_for_terminal(&ch.to_string());
        let w = crate::text::width(&shown);
        if used + w > width.saturating_sub(1) {
            spans.push(Span::raw("…"));
            break;
        }
        used += w;
        let style = if hit.positions.contains(&i) {
            theme.highlight()
        } else {
            theme.normal()
        };
        spans.push(Span::styled(shown, style));
    }
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected(true))
    } else {
        line
    }
}

#[allow(clippy::too_many_arguments)]
pub fn fuzzy(
    lang: Lang,
    query: &str,
    hits: &[Hit],
    selected: usize,
    ready: bool,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let r = centered(area, 72, area.height.saturating_sub(2).min(20));
    f.render_widget(Clear, r);
    let width = inner_width(r);
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", theme.key()),
        Span::raw(safe(query, width.saturating_sub(3))),
        Span::styled("▏", theme.key()),
    ])];
    let height = r.height.saturating_sub(3) as usize;
    for (i, h) in hits
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
    {
        lines.push(highlighted(h, width, theme, i == selected));
    }
    if !ready && hits.is_empty() && !query.trim().is_empty() {
        lines.push(Line::from(Span::styled(
            w::SEARCHING.get(lang),
            theme.dim(),
        )));
    } else if ready && hits.is_empty() && !query.is_empty() {
        lines.push(Line::from(Span::styled(w::NO_MATCH.get(lang), theme.dim())));
    }
    let title = words::fit(w::JUMP_TITLE, lang, width.saturating_sub(2));
    f.render_widget(
        Paragraph::new(lines).block(block(&title, "", true, theme)),
        r,
    );
}

/// `text` cut into lines of at most `width` display columns.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for ch in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > width {
            lines.push(String::new());
            used = 0;
        }
        lines.last_mut().expect("one line at least").push(ch);
        used += w;
    }
    lines
}

/// `text` in lines of at most `width` columns, broken between words where
/// it can be (a word longer than a line is broken anywhere). Leading
/// spaces, which indent a line, are kept.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let indent: String = text.chars().take_while(|c| *c == ' ').collect();
    let mut lines: Vec<String> = Vec::new();
    let mut line = indent.clone();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let fits = crate::text::width(&line) + 1 + crate::text::width(word) <= width;
        if line.trim().is_empty() || fits {
            if !line.trim().is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        } else {
            lines.push(std::mem::replace(&mut line, format!("{indent}{word}")));
        }
    }
    lines.push(line);
    lines.into_iter().flat_map(|l| wrap(&l, width)).collect()
}

/// The end of `text` that fits `cols` columns, so the cursor stays in view.
fn tail(text: &str, cols: usize) -> String {
    if crate::text::width(text) <= cols {
        return text.to_string();
    }
    let mut out: Vec<char> = Vec::new();
    let mut used = 1;
    for ch in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > cols {
            break;
        }
        used += w;
        out.push(ch);
    }
    std::iter::once('…').chain(out.into_iter().rev()).collect()
}

pub fn form(
    form: &Form,
    lang: crate::domain::labels::Lang,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let width = 76.min(area.width as usize).saturating_sub(2);
    let mut lines = Vec::new();
    let mut focus_span = (0, 0);
    for (i, field) in form.fields.iter().enumerate() {
        // A milestone's fields its stage does not use.
        if field.hidden {
            continue;
        }
        let focused = i == form.focus;
        let first = lines.len();
        let marker = if focused { "▸ " } else { "  " };
        lines.push(Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(
                safe(&field.label, width.saturating_sub(2)),
                if focused { theme.title() } else { theme.dim() },
            ),
        ]));
        match field.option_lines(lang) {
            // A set of flags: one line each, the cursor marked.
            Some(options) => {
                for (k, option) in options.iter().enumerate() {
                    let here = focused && k == field.cursor;
                    lines.push(Line::from(vec![
                        Span::styled(if here { "   › " } else { "     " }, theme.key()),
                        Span::styled(
                            safe(option, width.saturating_sub(5)),
                            if here {
                                theme.selected(true)
                            } else {
                                theme.normal()
                            },
                        ),
                    ]));
                }
            }
            None => {
                let shown = crate::text::escape_for_terminal(&field.display());
                let mut value = vec![
                    Span::raw("    "),
                    Span::raw(tail(&shown, width.saturating_sub(6))),
                ];
                if focused {
                    value.push(Span::styled("▏", theme.key()));
                }
                lines.push(Line::from(value));
            }
        }
        if let Some(e) = &field.error {
            for part in wrap(
                &format!("✗ {}", crate::text::escape_for_terminal(e)),
                width.saturating_sub(4),
            ) {
                lines.push(Line::from(vec![
                    Span::raw("    "),
                    Span::styled(part, theme.error()),
                ]));
            }
        }
        if focused {
            focus_span = (first, lines.len());
        }
    }
    if let Some(e) = &form.error {
        for part in wrap(&format!("✗ {}", crate::text::escape_for_terminal(e)), width) {
            lines.push(Line::from(Span::styled(part, theme.error())));
        }
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let r = centered(area, width as u16 + 2, height);
    f.render_widget(Clear, r);
    // Scroll so that the focused field is in view.
    let inner = r.height.saturating_sub(2) as usize;
    let scroll = focus_span.1.saturating_sub(inner).min(focus_span.0);
    let b = block(&form.title, "", true, theme);
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)).block(b), r);
}

pub fn confirm(app: &App, message: &str, f: &mut Frame, area: Rect, theme: &Theme) {
    let message_lines = wrap(message, 62);
    let r = centered(area, 64, message_lines.len() as u16 + 3);
    f.render_widget(Clear, r);
    let keys = |a: Action| {
        app.keymap
            .keys_for(Section::Form, a)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    let mut lines: Vec<Line> = message_lines.into_iter().map(Line::from).collect();
    let lang = app.lang;
    lines.push(Line::from(vec![
        Span::styled(format!("{} / y", keys(Action::Submit)), theme.key()),
        Span::raw(format!(" {}   ", w::DELETE.get(lang))),
        Span::styled(format!("{} / n", keys(Action::Cancel)), theme.key()),
        Span::raw(format!(" {}", w::KEEP.get(lang))),
    ]));
    f.render_widget(
        Paragraph::new(lines).block(block(&w::CONFIRM.get(lang), "", true, theme)),
        r,
    );
}

/// The conflict dialog: who changed the record, and the choices.
pub fn conflict(app: &App, message: &str, f: &mut Frame, area: Rect, theme: &Theme) {
    let mut message_lines = Vec::new();
    for l in message.lines() {
        message_lines.extend(wrap_words(&crate::text::escape_for_terminal(l), 74));
    }
    let r = centered(area, 76, message_lines.len() as u16 + 4);
    f.render_widget(Clear, r);
    let cancel = app
        .keymap
        .keys_for(Section::Form, Action::Cancel)
        .first()
        .map(|k| k.to_string())
        .unwrap_or_default();
    let mut lines: Vec<Line> = message_lines.into_iter().map(Line::from).collect();
    lines.push(Line::from(""));
    let lang = app.lang;
    // In `both`, the three choices fit the dialog's 74 columns in Chinese.
    let room = if lang == Lang::Both { 0 } else { usize::MAX };
    lines.push(Line::from(vec![
        Span::styled("r", theme.key()),
        Span::raw(format!(" {}   ", words::fit(w::RELOAD_DROP, lang, room))),
        Span::styled("o", theme.key()),
        Span::raw(format!(" {}   ", words::fit(w::SAVE_YOURS, lang, room))),
        Span::styled(cancel, theme.key()),
        Span::raw(format!(" {}", words::fit(w::KEEP_EDITING, lang, room))),
    ]));
    f.render_widget(
        Paragraph::new(lines).block(block(&w::CONFLICT.get(lang), "", true, theme)),
        r,
    );
}

/// A record's change history, newest first.
pub fn history(
    lang: Lang,
    title: &str,
    lines: &[String],
    scroll: u16,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let r = centered(area, 100, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let width = inner_width(r);
    let lines: Vec<Line> = lines
        .iter()
        .map(|l| {
            let style = if l.starts_with(' ') {
                theme.normal()
            } else {
                theme.title()
            };
            Line::from(Span::styled(crate::tui::panes::safe(l, width), style))
        })
        .collect();
    let most = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    let tail = words::fit(
        w::HISTORY_TAIL,
        lang,
        width.saturating_sub(crate::text::width(title) + 5),
    );
    let title = format!("{title} · {tail}");
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(most), 0))
            .block(block(&title, "", true, theme)),
        r,
    );
}

/// The latest status messages in full, newest first, each wrapped.
pub fn messages(app: &App, scroll: u16, f: &mut Frame, area: Rect, theme: &Theme) {
    use crate::domain::labels::Label;
    use crate::tui::app::StatusKind;
    let r = centered(area, 100, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let width = inner_width(r);
    let mut lines: Vec<Line> = Vec::new();
    for (kind, text) in app.messages.iter().rev() {
        let style = match kind {
            StatusKind::Info => theme.normal(),
            StatusKind::Saved => theme.saved(),
            StatusKind::Error => theme.error(),
        };
        let text = crate::text::escape_for_terminal(text);
        for (i, part) in wrap_words(&text, width.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            let mark = if i == 0 { "• " } else { "  " };
            lines.push(Line::from(vec![Span::raw(mark), Span::styled(part, style)]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            Label::new("No messages yet.", "还没有消息。").get(app.lang),
            theme.dim(),
        )));
    }
    let most = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    let title = Label::new(
        "Messages · newest first · j/k scroll · Esc closes",
        "消息 · 最新在前 · j/k 滚动 · Esc 关闭",
    )
    .get(app.lang);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(most), 0))
            .block(block(&title, "", true, theme)),
        r,
    );
}

/// A client's details, for reading (in `--readonly` too): names, region,
/// credit code, address, contacts and notes, each long value wrapped.
pub fn details(
    app: &App,
    client: crate::domain::model::ClientId,
    scroll: u16,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let r = centered(area, 76, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let width = inner_width(r);
    let key = |a: Action| {
        app.keymap
            .keys_for(Section::Clients, a)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    let lang = app.lang;
    let title = format!(
        "{} · {}/{} {} · {} {}",
        w::DETAILS.get(lang),
        key(Action::Down),
        key(Action::Up),
        w::SCROLL.get(lang),
        key(Action::Cancel),
        w::CLOSES.get(lang),
    );
    let Some(c) = app.clients.iter().find(|c| c.id == client) else {
        let gone = Line::from(Span::styled(w::CLIENT_GONE.get(lang), theme.dim()));
        f.render_widget(
            Paragraph::new(gone).block(block(&title, "", true, theme)),
            r,
        );
        return;
    };
    // Label column, then the value wrapped in the rest.
    const LABEL: usize = 22;
    let room = width.saturating_sub(LABEL).max(10);
    let mut lines: Vec<Line> = Vec::new();
    // English keeps the Chinese of the fields beside it, as it always
    // has; `both` says each name once.
    let labels = match lang {
        Lang::En => [
            Cow::Borrowed("Name"),
            Cow::Borrowed("中文名称"),
            Cow::Borrowed("Region 地区"),
            Cow::Borrowed("Credit code 信用代码"),
            Cow::Borrowed("Address 单位地址"),
        ],
        _ => [w::NAME, w::NAME_ZH, w::REGION, w::CREDIT_CODE, w::ADDRESS]
            .map(|l| words::fit(l, lang, LABEL - 1)),
    };
    for (label, value) in
        labels
            .iter()
            .zip([&c.name, &c.name_zh, &c.region, &c.credit_code, &c.address])
    {
        let label = Span::styled(crate::text::pad(label, LABEL), theme.dim());
        if value.is_empty() {
            lines.push(Line::from(vec![label, Span::styled("—", theme.dim())]));
            continue;
        }
        let parts = wrap_words(&crate::text::escape_for_terminal(value), room);
        for (i, part) in parts.into_iter().enumerate() {
            let head = if i == 0 {
                label.clone()
            } else {
                Span::raw(" ".repeat(LABEL))
            };
            lines.push(Line::from(vec![head, Span::raw(part)]));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!("{} ({})", w::CONTACTS.get(lang), c.contacts.len()),
        theme.title(),
    )));
    if c.contacts.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("  {}", w::NONE.get(lang)),
            theme.dim(),
        )));
    }
    for k in &c.contacts {
        let mut head = k.name.clone();
        if !k.role.is_empty() {
            head.push_str(" · ");
            head.push_str(&k.role);
        }
        for part in wrap_words(
            &crate::text::escape_for_terminal(&head),
            width.saturating_sub(2),
        ) {
            lines.push(Line::from(vec![Span::raw("  "), Span::raw(part)]));
        }
        let reach: Vec<&str> = [k.email.as_str(), k.phone.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if !reach.is_empty() {
            let text = crate::text::escape_for_terminal(&reach.join(" · "));
            for part in wrap_words(&text, width.saturating_sub(4)) {
                lines.push(Line::from(vec![
                    Span::raw("    "),
                    Span::styled(part, theme.dim()),
                ]));
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(w::NOTES.get(lang), theme.title())));
    if c.notes.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("  {}", w::NONE.get(lang)),
            theme.dim(),
        )));
    }
    for l in c.notes.lines() {
        let text = crate::text::escape_for_terminal(l);
        for part in wrap_words(&text, width.saturating_sub(2)) {
            lines.push(Line::from(vec![Span::raw("  "), Span::raw(part)]));
        }
    }
    // Scrolling stops with the last line at the bottom.
    let most = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(most), 0))
            .block(block(&title, "", true, theme)),
        r,
    );
}
