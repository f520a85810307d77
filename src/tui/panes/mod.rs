//! One module per pane or overlay; each only draws from `&App`.

pub mod agenda;
pub mod answers;
pub mod clients;
pub mod gaps;
pub mod networks;
pub mod overlays;
pub mod questionnaire;
pub mod timeline;
pub mod triage;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::text;
use crate::tui::theme::Theme;

/// User text, safe for the terminal and cut to `cols` display columns.
pub fn safe(s: &str, cols: usize) -> String {
    text::truncate(&text::escape_for_terminal(s), cols)
}

/// User text, safe and padded to exactly `cols` columns.
pub fn cell(s: &str, cols: usize) -> String {
    text::pad(&text::escape_for_terminal(s), cols)
}

/// Text padded on the left to `cols` columns (a column of numbers, or its
/// head).
pub fn right(s: &str, cols: usize) -> String {
    let s = safe(s, cols);
    format!("{}{s}", " ".repeat(cols.saturating_sub(text::width(&s))))
}

/// Splits `room` columns between two texts (or columns) whose widest is
/// `a` and `b` columns: both whole when they fit; else the narrower whole
/// when it takes at most half; else `a` three fifths and `b` the rest.
pub fn share(a: usize, b: usize, room: usize) -> (usize, usize) {
    if a + b <= room {
        (a, b)
    } else if b <= room / 2 {
        (room - b, b)
    } else if a <= room / 2 {
        (a, room - a)
    } else {
        let a_w = room * 3 / 5;
        (a_w, room - a_w)
    }
}

/// A pane's frame: its title, with the filter when one is set.
pub fn block<'a>(title: &str, filter: &str, focused: bool, theme: &Theme) -> Block<'a> {
    let mut spans = vec![Span::styled(format!(" {title} "), theme.title())];
    if !filter.is_empty() {
        spans.push(Span::styled(
            format!("/{} ", safe(filter, 20)),
            theme.highlight(),
        ));
    }
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Line::from(spans))
}

/// A main pane's frame: [`block`], its title marked `▸` when the pane
/// has focus (so the focus shows without colour, and to a screen reader),
/// and saying how to restore the layout when it is zoomed.
pub fn pane_block<'a>(
    app: &crate::tui::app::App,
    pane: crate::tui::app::Pane,
    title: &str,
    theme: &Theme,
) -> Block<'a> {
    use crate::domain::labels::Label;
    let focused = app.focus == pane;
    let mut title = if focused {
        format!("▸ {title}")
    } else {
        title.to_string()
    };
    if app.zoom && focused {
        title.push_str(&format!(
            " · {}",
            Label::new("zoomed", "全屏").get(app.lang)
        ));
        if let Some(k) = key_name(app, pane.section(), crate::tui::Action::Zoom) {
            title.push_str(&format!(
                " · {k} {}",
                Label::new("restores", "还原").get(app.lang)
            ));
        }
    }
    block(&title, &app.filters[pane.index()], focused, theme)
}

/// A pane's title in the interface language, with its count: both
/// languages where the title (with the focus mark and the filter) fits the
/// pane's top border, else one.
pub fn pane_title(
    app: &crate::tui::app::App,
    pane: crate::tui::app::Pane,
    label: crate::domain::labels::Label,
    count: Option<usize>,
    area: Rect,
) -> String {
    let filter = &app.filters[pane.index()];
    let filter_w = if filter.is_empty() {
        0
    } else {
        text::width(&safe(filter, 20)) + 2
    };
    let count = count.map(|n| format!(" {n}")).unwrap_or_default();
    let room = inner_width(area).saturating_sub(2 + 2 + text::width(&count) + filter_w);
    format!("{}{count}", label.fit(app.lang, room))
}

/// The first row to draw so that `selected` stays in a window of `height`.
pub fn scroll_offset(selected: usize, height: usize) -> usize {
    if height == 0 {
        0
    } else {
        selected.saturating_sub(height - 1)
    }
}

/// The inner width of a bordered area.
pub fn inner_width(area: Rect) -> usize {
    area.width.saturating_sub(2) as usize
}

/// One row of a list: `text`, styled as selected when it is.
pub fn row<'a>(spans: Vec<Span<'a>>, selected: bool, focused: bool, theme: &Theme) -> Line<'a> {
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected(focused))
    } else {
        line.style(Style::default())
    }
}

/// What the list shows when it has no rows: that its filter matched
/// nothing and how to clear it, or how to add the first one, with the
/// keys from the live keymap.
pub fn empty_hint(app: &crate::tui::app::App, pane: crate::tui::app::Pane, what: &str) -> String {
    let filter = &app.filters[pane.index()];
    if !filter.is_empty() {
        let said = format!("no {what} match \"{}\"", safe(filter, 24));
        return match key_name(app, pane.section(), crate::tui::Action::Cancel) {
            Some(k) => format!("{said} · {k} clears"),
            None => said,
        };
    }
    if app.readonly {
        return format!("no {what}");
    }
    match key_name(app, pane.section(), crate::tui::Action::Add) {
        Some(k) => format!("no {what}: {k} adds one"),
        None => format!("no {what}"),
    }
}

/// The first key bound to `action` in `section`, as the keymap names it.
pub fn key_name(
    app: &crate::tui::app::App,
    section: crate::tui::keymap::Section,
    action: crate::tui::Action,
) -> Option<String> {
    app.keymap
        .keys_for(section, action)
        .first()
        .map(|k| k.to_string())
}
