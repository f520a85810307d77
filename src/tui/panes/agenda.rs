//! The renewals agenda: every client's open deadlines and renewals,
//! overdue first, then due within 30 days, then within 90.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{block, cell, inner_width, right, row, scroll_offset, share};
use crate::domain::agenda::AgendaRow;
use crate::domain::labels::{self, Label, Lang};
use crate::domain::timeline::{DueKind, DueStatus};
use crate::tui::theme::Theme;

/// The client as the agenda names it: both names, the reader's first.
fn client_name(r: &AgendaRow, lang: Lang) -> String {
    match crate::domain::model::names_for(&r.client, &r.client_zh, lang) {
        (first, "") => first.to_string(),
        (first, second) => format!("{first} {second}"),
    }
}

pub fn render(
    rows: &[AgendaRow],
    selected: usize,
    due_soon: u32,
    lang: Lang,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    f.render_widget(Clear, area);
    let count = |s| rows.iter().filter(|r| r.status == s).count();
    let (overdue, due, upcoming) = (
        count(DueStatus::Overdue),
        count(DueStatus::Due),
        count(DueStatus::Upcoming),
    );
    let en = format!(
        "Agenda · {overdue} overdue · {due} within {due_soon} days · {upcoming} within 90 days"
    );
    let zh = format!(
        "续期日程 · {overdue} 项已逾期 · {due} 项 {due_soon} 天内到期 · {upcoming} 项 90 天内到期"
    );
    let title = match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both => format!("{en} · 续期日程"),
    };
    let b = block(&title, "", true, theme);
    let width = inner_width(area);
    let fixed = 8 + 1 + 10 + 1 + 5 + 1 + 4 + 1 + 22 + 1;
    let rest = width.saturating_sub(fixed + 1);
    // The client's English and Chinese names, as triage shows them.
    let clients: Vec<String> = rows.iter().map(|r| client_name(r, lang)).collect();
    let cols = |s: &str| crate::text::width(&crate::text::escape_for_terminal(s));
    let (client_w, network_w) = share(
        clients.iter().map(|c| cols(c)).max().unwrap_or(0).max(6),
        rows.iter()
            .map(|r| cols(&r.network))
            .max()
            .unwrap_or(0)
            .max(7),
        rest,
    );
    // Room to spare goes to the client.
    let client_w = rest.saturating_sub(network_w).max(client_w);
    let height = area.height.saturating_sub(3) as usize;
    // The statuses and the kinds each in one language down their column.
    let status_lang = Label::column(lang, rows.iter().map(|r| labels::due_status(r.status)), 8);
    let kind_lang = Label::column(lang, rows.iter().map(|r| labels::due_kind(r.kind)), 20);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{} {} {} {} {} {} {}",
            cell(&Label::new("STATUS", "状态").get(status_lang), 8),
            cell(&Label::new("DUE", "到期日").fit(lang, 10), 10),
            right(&Label::new("DAYS", "天数").fit(lang, 5), 5),
            right(&Label::new("LVL", "等级").fit(lang, 4), 4),
            cell(&Label::new("KIND", "事项").get(kind_lang), 22),
            cell(&Label::new("CLIENT", "客户").fit(lang, client_w), client_w),
            cell(
                &Label::new("NETWORK", "定级对象").fit(lang, network_w),
                network_w
            )
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
                Span::styled(
                    format!(
                        "{} ",
                        cell(&labels::due_status(r.status).get(status_lang), 8)
                    ),
                    theme.status(r.status),
                ),
                Span::raw(format!(
                    "{} {:>5} {:>4} {} {} {}",
                    r.due.format("%Y-%m-%d"),
                    r.days_left,
                    r.level_mark(),
                    cell(&kind_label(r, under, kind_lang), 22),
                    cell(&clients[i], client_w),
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

/// The kind of a row in `lang`, `└ ` before an expiry listed under its
/// network's renewal; in one language where both do not fit 22 columns.
fn kind_label(r: &AgendaRow, under: bool, lang: Lang) -> String {
    let mark = if under { "└ " } else { "" };
    format!(
        "{mark}{}",
        labels::due_kind(r.kind).fit(lang, 22 - mark.len().min(2))
    )
}
