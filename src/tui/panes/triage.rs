//! Triage: every network that needs attention, one row each, with the
//! next action and why; the selected row's further reasons below the list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{block, cell, inner_width, right, row, safe, scroll_offset, share};
use crate::domain::labels::{self, Label, Lang};
use crate::domain::triage::Reason;
use crate::domain::triage::{SortBy, Tier, TriageRow};
use crate::tui::theme::Theme;

fn tier_style(tier: Tier, theme: &Theme) -> Style {
    match tier {
        Tier::Overdue | Tier::Regrading => theme.error(),
        Tier::Due | Tier::Stalled => theme.warning(),
        Tier::Provisional | Tier::MissingFacts => theme.dim(),
    }
}

/// The client as triage names it: both names, the reader's first.
fn client_name(r: &TriageRow, lang: Lang) -> String {
    match crate::domain::model::names_for(&r.client, &r.client_zh, lang) {
        (first, "") => first.to_string(),
        (first, second) => format!("{first} {second}"),
    }
}

pub fn render(
    rows: &[TriageRow],
    selected: usize,
    sort: SortBy,
    lang: Lang,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    f.render_widget(Clear, area);
    let count = |t: Tier| rows.iter().filter(|r| r.first().tier == t).count();
    let (all, overdue, regrade, due) = (
        rows.len(),
        count(Tier::Overdue),
        count(Tier::Regrading),
        count(Tier::Due),
    );
    let en = format!(
        "Triage · {all} need attention · {overdue} overdue · {regrade} to re-grade · {due} due · sorted by {}",
        sort.label()
    );
    let zh = format!(
        "待办分诊 · {all} 项需处理 · {overdue} 项已逾期 · {regrade} 项需重新定级 · {due} 项即将到期 · 按{}排序",
        labels::sort_by(sort).zh
    );
    let title = match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both => format!("{en} · 待办分诊"),
    };
    let b = block(&title, "", true, theme);
    let width = inner_width(area);
    // The selected row's other reasons, under the list.
    let more: Vec<String> = rows
        .get(selected)
        .map(|r| {
            r.reasons[1..]
                .iter()
                .map(|x| {
                    format!(
                        "{} ({}): {}",
                        Label::new("also", "另有").get(lang),
                        labels::tier(x.tier).get(lang),
                        labels::reason_sentence(x, lang)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let height = (area.height.saturating_sub(3) as usize).saturating_sub(more.len().min(3));
    let fixed = 11 + 1 + 4 + 1 + 5 + 1;
    let rest = width.saturating_sub(fixed);
    let clients: Vec<String> = rows.iter().map(|r| client_name(r, lang)).collect();
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
    // The urgencies in one language down their column.
    let tier_lang = Label::column(lang, rows.iter().map(|r| labels::tier(r.first().tier)), 11);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{} {} {} {} {} {}",
            cell(&Label::new("URGENCY", "紧急程度").get(tier_lang), 11),
            right(&Label::new("DAYS", "天数").fit(lang, 4), 4),
            cell(&Label::new("LVL", "等级").fit(lang, 5), 5),
            cell(&Label::new("CLIENT", "客户").fit(lang, client_w), client_w),
            cell(
                &Label::new("NETWORK", "定级对象").fit(lang, network_w),
                network_w
            ),
            Label::new("NEXT ACTION (WHY)", "下一步（原因）").fit(lang, action_w)
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
                    format!("{} ", cell(&labels::tier(first.tier).get(tier_lang), 11)),
                    tier_style(first.tier, theme),
                ),
                Span::raw(format!(
                    "{:>4} {:<5} {} {} {}",
                    first.days.map_or(String::new(), |d| d.to_string()),
                    r.level_mark(),
                    cell(&clients[i], client_w),
                    cell(&r.network, network_w),
                    safe(&sentence(first, lang, action_w), action_w)
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

/// The next action and why in `lang`; in Chinese alone where both
/// languages do not fit `cols`.
fn sentence(r: &Reason, lang: Lang, cols: usize) -> String {
    let s = labels::reason_sentence(r, lang);
    if lang == Lang::Both && crate::text::width(&s) > cols {
        labels::reason_sentence(r, Lang::Zh)
    } else {
        s
    }
}
