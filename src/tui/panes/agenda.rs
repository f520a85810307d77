//! The renewals agenda: every client's open deadlines and renewals,
//! overdue first, then due within 30 days, then within 90.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{block, cell, inner_width, row, scroll_offset};
use crate::domain::agenda::AgendaRow;
use crate::domain::timeline::{DueKind, DueStatus};
use crate::tui::theme::Theme;

pub fn render(
    rows: &[AgendaRow],
    selected: usize,
    due_soon: u32,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    f.render_widget(Clear, area);
    let count = |s| rows.iter().filter(|r| r.status == s).count();
    let title = format!(
        "Agenda · {} overdue · {} within {due_soon} days · {} within 90 days",
        count(DueStatus::Overdue),
        count(DueStatus::Due),
        count(DueStatus::Upcoming)
    );
    let b = block(&title, "", true, theme);
    let width = inner_width(area);
    let fixed = 8 + 1 + 10 + 1 + 5 + 1 + 4 + 1 + 22 + 1;
    let rest = width.saturating_sub(fixed);
    let client_w = rest / 2;
    let network_w = rest.saturating_sub(client_w + 1);
    let height = area.height.saturating_sub(3) as usize;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<8} {:<10} {:>5} {:>4} {:<22} {} {}",
            "STATUS",
            "DUE",
            "DAYS",
            "LVL",
            "KIND",
            cell("CLIENT", client_w),
            cell("NETWORK", network_w)
        ),
        theme.dim(),
    ))];
    for (i, r) in rows
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
    {
        // Rows come grouped: an expiry right after its network's renewal
        // belongs to it.
        let under = r.kind == DueKind::CertificateExpiry
            && i > 0
            && rows[i - 1].network_id == r.network_id
            && (rows[i - 1].kind.is_renewal() || rows[i - 1].kind == r.kind);
        lines.push(row(
            vec![
                Span::styled(format!("{:<8} ", r.status.as_str()), theme.status(r.status)),
                Span::raw(format!(
                    "{} {:>5} {:>4} {:<22} {} {}",
                    r.due.format("%Y-%m-%d"),
                    r.days_left,
                    r.level_mark(),
                    r.kind_label(under),
                    cell(&r.client, client_w),
                    cell(&r.network, network_w)
                )),
            ],
            i == selected,
            true,
            theme,
        ));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing due in the next 90 days",
            theme.dim(),
        )));
    }
    f.render_widget(Paragraph::new(lines).block(b), area);
}
