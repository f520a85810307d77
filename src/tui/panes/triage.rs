//! Triage: every network that needs attention, one row each, with the
//! next action and why; the selected row's further reasons below the list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{block, cell, inner_width, row, safe, scroll_offset, share};
use crate::domain::triage::{SortBy, Tier, TriageRow};
use crate::tui::theme::Theme;

fn tier_style(tier: Tier, theme: &Theme) -> Style {
    match tier {
        Tier::Overdue | Tier::Regrading => theme.error(),
        Tier::Due | Tier::Stalled => theme.warning(),
        Tier::Provisional | Tier::MissingFacts => theme.dim(),
    }
}

/// The client as triage names it: English, then Chinese where it has
/// both.
fn client_name(r: &TriageRow) -> String {
    if r.client_zh.is_empty() || r.client_zh == r.client {
        r.client.clone()
    } else {
        format!("{} {}", r.client, r.client_zh)
    }
}

pub fn render(
    rows: &[TriageRow],
    selected: usize,
    sort: SortBy,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    f.render_widget(Clear, area);
    let count = |t: Tier| rows.iter().filter(|r| r.first().tier == t).count();
    let title = format!(
        "Triage · {} need attention · {} overdue · {} to re-grade · {} due · sorted by {}",
        rows.len(),
        count(Tier::Overdue),
        count(Tier::Regrading),
        count(Tier::Due),
        sort.label()
    );
    let b = block(&title, "", true, theme);
    let width = inner_width(area);
    // The selected row's other reasons, under the list.
    let more: Vec<String> = rows
        .get(selected)
        .map(|r| {
            r.reasons[1..]
                .iter()
                .map(|x| format!("also ({}): {}", x.tier.label(), x.sentence()))
                .collect()
        })
        .unwrap_or_default();
    let height = (area.height.saturating_sub(3) as usize).saturating_sub(more.len().min(3));
    let fixed = 11 + 1 + 4 + 1 + 5 + 1;
    let rest = width.saturating_sub(fixed);
    let clients: Vec<String> = rows.iter().map(client_name).collect();
    let cols = |s: &str| crate::text::width(&crate::text::escape_for_terminal(s));
    // The next action gets the most room (at least half); the names as
    // much as they need of the rest, and are searchable anyway.
    let names = rest.saturating_sub(2) - rest.saturating_sub(2) / 2;
    let (client_w, network_w) = share(
        clients.iter().map(|c| cols(c)).max().unwrap_or(0).max(6),
        rows.iter()
            .map(|r| cols(&r.network))
            .max()
            .unwrap_or(0)
            .max(7),
        names,
    );
    let (client_w, network_w) = (client_w.max(8), network_w.max(7));
    let action_w = rest.saturating_sub(client_w + network_w + 2);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<11} {:>4} {:<5} {} {} {}",
            "URGENCY",
            "DAYS",
            "LVL",
            cell("CLIENT", client_w),
            cell("NETWORK", network_w),
            "NEXT ACTION (WHY)"
        ),
        theme.dim(),
    ))];
    for (i, r) in rows
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
    {
        let first = r.first();
        lines.push(row(
            vec![
                Span::styled(
                    format!("{:<11} ", first.tier.label()),
                    tier_style(first.tier, theme),
                ),
                Span::raw(format!(
                    "{:>4} {:<5} {} {} {}",
                    first.days.map_or(String::new(), |d| d.to_string()),
                    r.level_mark(),
                    cell(&clients[i], client_w),
                    cell(&r.network, network_w),
                    safe(&first.sentence(), action_w)
                )),
            ],
            i == selected,
            true,
            theme,
        ));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing needs attention today",
            theme.dim(),
        )));
    }
    for m in more.iter().take(3) {
        lines.push(Line::from(Span::styled(safe(m, width), theme.dim())));
    }
    f.render_widget(Paragraph::new(lines).block(b), area);
}
