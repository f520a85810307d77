//! The clients pane and, beneath it, the selected client's contacts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

use super::{inner_width, pane_block, row, safe, scroll_offset};
use crate::tui::app::{App, Pane};
use crate::tui::theme::Theme;

pub fn render(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Clients;
    let visible = app.visible_clients();
    let title = super::pane_title(
        app,
        Pane::Clients,
        crate::domain::labels::CLIENTS,
        Some(visible.len()),
        area,
    );
    let b = pane_block(app, Pane::Clients, &title, theme);
    let height = area.height.saturating_sub(2) as usize;
    let width = inner_width(area);
    let selected = app.selected[Pane::Clients.index()];
    let lines: Vec<_> = visible
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
        .map(|(i, &ci)| {
            let c = &app.clients[ci];
            // The reader's name first (Chinese in Chinese), then the
            // other where at least two of its characters fit.
            let (first, second) = c.names_for(app.lang);
            let mut spans = vec![Span::raw(safe(first, width))];
            let used = crate::text::width(&spans[0].content);
            if !second.is_empty() && used + 6 <= width {
                spans.push(Span::styled(
                    format!(" {}", safe(second, width - used - 1)),
                    theme.dim(),
                ));
            }
            row(spans, i == selected, focused, theme)
        })
        .collect();
    // The hint may be longer than this narrow pane is wide.
    let body = if lines.is_empty() {
        Paragraph::new(Span::styled(
            super::empty_hint(app, Pane::Clients, "clients"),
            theme.dim(),
        ))
        .wrap(Wrap { trim: true })
    } else {
        Paragraph::new(lines)
    };
    f.render_widget(body.block(b), area);
}

pub fn render_contacts(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Contacts;
    let b = pane_block(
        app,
        Pane::Contacts,
        &super::pane_title(
            app,
            Pane::Contacts,
            crate::domain::labels::CONTACTS,
            None,
            area,
        ),
        theme,
    );
    let height = area.height.saturating_sub(2) as usize;
    let width = inner_width(area);
    let selected = app.selected[Pane::Contacts.index()];
    let Some(client) = app.selected_client() else {
        f.render_widget(Paragraph::new("").block(b), area);
        return;
    };
    let lines: Vec<_> = app
        .visible_contacts()
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
        .map(|(i, &k)| {
            let c = &client.contacts[k];
            let name = safe(&c.name, width);
            let rest = [c.role.as_str(), c.email.as_str(), c.phone.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · ");
            let room = width.saturating_sub(crate::text::width(&name) + 1);
            let mut spans = vec![Span::raw(name)];
            if room > 1 && !rest.is_empty() {
                spans.push(Span::styled(format!(" {}", safe(&rest, room)), theme.dim()));
            }
            row(spans, i == selected, focused, theme)
        })
        .collect();
    let body = if lines.is_empty() {
        Paragraph::new(Span::styled(
            super::empty_hint(app, Pane::Contacts, "contacts"),
            theme.dim(),
        ))
        .wrap(Wrap { trim: true })
    } else {
        Paragraph::new(lines)
    };
    f.render_widget(body.block(b), area);
}
