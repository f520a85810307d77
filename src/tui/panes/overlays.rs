//! What draws over the main view: help, fuzzy jump, forms, confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{block, inner_width, safe, scroll_offset};
use crate::search::Hit;
use crate::tui::Action;
use crate::tui::app::App;
use crate::tui::form::Form;
use crate::tui::keymap::Section;
use crate::tui::theme::Theme;

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
                Span::raw(a.describe()),
            ])
        })
        .collect()
}

pub fn help(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let r = centered(area, 76, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let mut lines = vec![Line::from(Span::styled(
        "Every key below comes from the keymap in use (mlps keymap print).",
        theme.dim(),
    ))];
    let focus = app.focus.section();
    for section in [focus, Section::Global, Section::Agenda, Section::Form] {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("[{section}]"),
            theme.title(),
        )));
        lines.extend(key_lines(app, section, theme));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "MLPS duty: Cybersecurity Law Art. 23 (from 2026-01-01); penalties Art. 61.",
        theme.dim(),
    )));
    let b = block("Help · Esc or ? closes", "", true, theme);
    f.render_widget(Paragraph::new(lines).block(b), r);
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

pub fn fuzzy(query: &str, hits: &[Hit], selected: usize, f: &mut Frame, area: Rect, theme: &Theme) {
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
    if hits.is_empty() && !query.is_empty() {
        lines.push(Line::from(Span::styled("no match", theme.dim())));
    }
    let title = "Jump · Chinese, pinyin, initials or English · Enter jumps · Esc closes";
    f.render_widget(
        Paragraph::new(lines).block(block(title, "", true, theme)),
        r,
    );
}

pub fn form(form: &Form, f: &mut Frame, area: Rect, theme: &Theme) {
    let rows = form.fields.len() as u16 * 2 + 4;
    let r = centered(area, 76, rows.min(area.height));
    f.render_widget(Clear, r);
    let width = inner_width(r);
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "▸ " } else { "  " };
        lines.push(Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(
                safe(&field.label, width.saturating_sub(2)),
                if focused { theme.title() } else { theme.dim() },
            ),
        ]));
        let mut value = vec![
            Span::raw("    "),
            Span::raw(safe(&field.display(), width.saturating_sub(6))),
        ];
        if focused {
            value.push(Span::styled("▏", theme.key()));
        }
        if let Some(e) = &field.error {
            value.push(Span::styled(
                format!("  ✗ {}", safe(e, width / 2)),
                theme.error(),
            ));
        }
        lines.push(Line::from(value));
    }
    if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(
            format!("✗ {}", crate::text::escape_for_terminal(e)),
            theme.error(),
        )));
    }
    let b = block(&form.title, "", true, theme);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(b), r);
}

pub fn confirm(app: &App, message: &str, f: &mut Frame, area: Rect, theme: &Theme) {
    let r = centered(area, 64, 5);
    f.render_widget(Clear, r);
    let keys = |a: Action| {
        app.keymap
            .keys_for(Section::Form, a)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    let lines = vec![
        Line::from(Span::raw(message.to_string())),
        Line::from(vec![
            Span::styled(format!("{} / y", keys(Action::Submit)), theme.key()),
            Span::raw(" delete   "),
            Span::styled(format!("{} / n", keys(Action::Cancel)), theme.key()),
            Span::raw(" keep"),
        ]),
    ];
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block("Confirm", "", true, theme)),
        r,
    );
}
