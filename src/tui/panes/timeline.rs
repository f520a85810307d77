//! The filing timeline: a time bar from questionnaire received to the next
//! renewal, the recorded milestones, and the derived dates with their
//! status (overdue ones in red).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cell, inner_width, pane_block, row, safe, scroll_offset};
use crate::domain::labels;
use crate::domain::model::{Network, Stage};
use crate::domain::timeline::Timeline;
use crate::tui::app::{App, Pane, TimelineRow};
use crate::tui::theme::Theme;

pub fn render(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Timeline;
    let lang = app.lang;
    let b = pane_block(
        app,
        Pane::Timeline,
        &super::pane_title(app, Pane::Timeline, labels::TIMELINE, None, area),
        theme,
    );
    let Some(n) = app.selected_network() else {
        f.render_widget(
            Paragraph::new(Span::styled("select a network", theme.dim())).block(b),
            area,
        );
        return;
    };
    let t = app.timeline_of(n);
    let width = inner_width(area);
    let mut lines = vec![time_bar(n, &t, app.today, width, theme)];
    let height = area.height.saturating_sub(3) as usize;
    let selected = app.selected[Pane::Timeline.index()];
    let rows = app.timeline_rows();
    // One language down the pane when the stages do not fit in both.
    let lang = labels::Label::column(
        lang,
        n.milestones.iter().map(|m| labels::stage(m.stage)),
        width.saturating_sub(11),
    );
    for (i, r) in rows
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
    {
        let spans = match *r {
            TimelineRow::Milestone(k) => {
                let m = &n.milestones[k];
                let mut detail = String::new();
                if let Some(s) = m.score {
                    detail.push_str(&format!(" {s}"));
                }
                if let Some(c) = m.effective_conclusion() {
                    detail.push_str(&format!(" {}", labels::conclusion(c).get(lang)));
                }
                if let Some(level) = m.level {
                    detail.push_str(&format!(" {}", labels::level_number(level).get(lang)));
                }
                if let Some(num) = &m.number {
                    detail.push_str(&format!(" {num}"));
                }
                // The stage in one language where both do not fit.
                let stage = labels::stage(m.stage).fit(lang, width.saturating_sub(11));
                let head = format!("{} {stage}", m.date.format("%Y-%m-%d"));
                let head = safe(&head, width);
                let room = width.saturating_sub(crate::text::width(&head));
                // A failed evaluation keeps the case open: it stands out.
                let head = if m.stage == Stage::EvaluationFailed {
                    Span::styled(head, theme.error())
                } else {
                    Span::raw(head)
                };
                vec![head, Span::styled(safe(&detail, room), theme.dim())]
            }
            TimelineRow::Deadline(k) => {
                let d = &t.deadlines[k];
                let status = d.status(app.today, app.config.settings.due_soon_days);
                let days = d.days_left(app.today);
                let when = if d.is_open() {
                    format!(" {days:+}d")
                } else {
                    String::new()
                };
                let room = width.saturating_sub(11 + 8 + 3 + crate::text::width(&when));
                let text = format!(
                    "{} {} ▸ {}{when}",
                    d.due.format("%Y-%m-%d"),
                    cell(&labels::due_status(status).fit(lang, 8), 8),
                    labels::due_kind(d.kind).fit(lang, room)
                );
                vec![Span::styled(safe(&text, width), theme.status(status))]
            }
        };
        lines.push(row(spans, i == selected, focused, theme));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            super::empty_hint(app, Pane::Timeline, "milestones"),
            theme.dim(),
        )));
    }
    f.render_widget(Paragraph::new(lines).block(b), area);
}

/// `├──●───●──│──────▶` from questionnaire received (or the first
/// milestone) to the next renewal: `●` milestones, `│` today, `▶` the next
/// renewal, red when it is overdue.
fn time_bar<'a>(
    n: &Network,
    t: &Timeline,
    today: NaiveDate,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let start = n
        .milestones
        .iter()
        .find(|m| m.stage == Stage::QuestionnaireReceived)
        .or(n.milestones.first())
        .map(|m| m.date);
    let renewal = t
        .open()
        .filter(|d| d.kind.is_renewal())
        .map(|d| d.due)
        .min();
    let (Some(start), Some(end)) = (start, renewal.or_else(|| t.open().map(|d| d.due).max()))
    else {
        return Line::from(Span::styled("no dates yet", theme.dim()));
    };
    let end = end.max(today).max(start);
    let cols = width.saturating_sub(2).max(4);
    let span = (end - start).num_days().max(1) as f64;
    let pos = |d: NaiveDate| {
        (((d - start).num_days() as f64 / span) * (cols - 1) as f64)
            .round()
            .clamp(0.0, (cols - 1) as f64) as usize
    };
    let mut bar: Vec<char> = vec!['─'; cols];
    for m in &n.milestones {
        if m.date >= start {
            bar[pos(m.date)] = '●';
        }
    }
    bar[pos(today)] = '│';
    bar[cols - 1] = '▶';
    let overdue = renewal.is_some_and(|r| r < today);
    let text: String = std::iter::once('├').chain(bar).collect();
    Line::from(Span::styled(
        text,
        if overdue {
            theme.status(crate::domain::timeline::DueStatus::Overdue)
        } else {
            theme.dim()
        },
    ))
}
