//! The networks of the selected client: level, computed level where it
//! differs, the next due date and its status.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::{cell, inner_width, pane_block, right, row, scroll_offset};
use crate::domain::labels::{self, Label};
use crate::tui::app::{App, Pane};
use crate::tui::theme::Theme;

pub fn render(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Networks;
    let networks = app.visible_networks();
    let lang = app.lang;
    let b = pane_block(
        app,
        Pane::Networks,
        &super::pane_title(
            app,
            Pane::Networks,
            labels::NETWORKS,
            Some(networks.len()),
            area,
        ),
        theme,
    );
    let height = area.height.saturating_sub(3) as usize;
    let width = inner_width(area);
    // LVL CALC NEXT-DUE STATUS take 4+1+4+1+10+1+8+1 columns; the name
    // column is as wide as the longest name, so they sit beside it.
    let longest = networks
        .iter()
        .map(|n| crate::text::width(&crate::text::escape_for_terminal(&n.name)))
        .max()
        .unwrap_or(0);
    let name_w = longest.max(8).min(width.saturating_sub(31)).max(8);
    let mut lines = vec![row(
        vec![Span::styled(
            format!(
                "{} {} {} {} {}",
                cell(&Label::new("NETWORK", "定级对象").fit(lang, name_w), name_w),
                right(&Label::new("LVL", "等级").fit(lang, 4), 4),
                right(&Label::new("CALC", "计算").fit(lang, 4), 4),
                cell(&Label::new("NEXT DUE", "下次到期").fit(lang, 10), 10),
                cell(&Label::new("STATUS", "状态").fit(lang, 8), 8),
            ),
            theme.dim(),
        )],
        false,
        focused,
        theme,
    )];
    let selected = app.selected[Pane::Networks.index()];
    for (i, n) in networks
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
    {
        let t = app.timeline_of(n);
        let grade = app.grade_of(n.id);
        // Unfiled: the computed level, `1–4?` while open answers could raise
        // it. Filed: the filed level, and beside it the computed one where it
        // differs (`3!`) or could still rise (`1–4?`).
        let (level, calc) = match (n.filed_level, grade) {
            (None, Some(g)) => (g.level_mark(), String::new()),
            (Some(_), Some(g)) if g.is_provisional() => (t.level.to_string(), g.level_mark()),
            (Some(_), Some(g)) if g.level != t.level => {
                (t.level.to_string(), format!("{}!", g.level))
            }
            _ => (t.level.to_string(), String::new()),
        };
        let next = t.open().min_by_key(|d| d.due);
        let (due, status) = match next {
            Some(d) => {
                let s = d.status(app.today, app.config.settings.due_soon_days);
                (d.due.format("%Y-%m-%d").to_string(), Some(s))
            }
            None => ("—".to_string(), None),
        };
        let mut spans = vec![
            Span::raw(format!("{} {level:>4} ", cell(&n.name, name_w))),
            Span::styled(format!("{calc:>4}"), theme.warning()),
            Span::raw(format!(" {due:<10} ")),
        ];
        if let Some(s) = status {
            spans.push(Span::styled(
                cell(&labels::due_status(s).fit(lang, 8), 8),
                theme.status(s),
            ));
        }
        lines.push(row(spans, i == selected, focused, theme));
    }
    if networks.is_empty() {
        // No client in view (none yet, or a filter hides them all): there
        // is nothing to add a network to.
        let hint = if app.selected_client().is_none() {
            "select a client".to_string()
        } else {
            super::empty_hint(app, Pane::Networks, "networks")
        };
        lines.push(row(
            vec![Span::styled(hint, theme.dim())],
            false,
            focused,
            theme,
        ));
    }
    f.render_widget(Paragraph::new(lines).block(b), area);
}
