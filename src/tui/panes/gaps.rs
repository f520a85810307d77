//! The Gaps view: a network's findings under its control points, by
//! category, with the predicted evaluation result (an estimate) and the
//! progress of the fixes in its title. Draws only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{block, cell, inner_width, row, safe, scroll_offset};
use crate::domain::gaps::{self, FindingStatus, Progress, Risk};
use crate::domain::labels::{Label, Lang};
use crate::tui::app::App;
use crate::tui::gaps::{GapRow, GapsView};
use crate::tui::theme::Theme;

/// Risk and status words in one language: Chinese where both are asked
/// for (the columns are narrow).
fn short(lang: Lang) -> Lang {
    if lang == Lang::Both { Lang::Zh } else { lang }
}

/// `高 2/1/0 · 中 3/0/0 · 低 1/0/0`: open / fixed / verified by risk.
fn counts(p: &Progress, lang: Lang) -> String {
    [Risk::High, Risk::Medium, Risk::Low]
        .iter()
        .map(|r| {
            let open = p.count(*r, FindingStatus::Open) + p.count(*r, FindingStatus::InProgress);
            format!(
                "{} {open}/{}/{}",
                gaps::labels::risk(*r).get(short(lang)),
                p.count(*r, FindingStatus::Fixed),
                p.count(*r, FindingStatus::Verified)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn render(app: &App, v: &GapsView, f: &mut Frame, area: Rect, theme: &Theme) {
    f.render_widget(Clear, area);
    let lang = app.lang;
    let name = app
        .network(v.network)
        .map(|n| n.name.as_str())
        .unwrap_or("");
    let width = inner_width(area);
    let (prediction, progress) = v.estimate(app.today);
    let title = if v.findings.is_some() {
        format!(
            "{} · {} · {} · {}",
            Label::new("Gaps", "差距与整改").get(lang),
            safe(name, 24),
            crate::domain::labels::level_number(v.level).get(short(lang)),
            gaps::labels::prediction(&prediction, lang)
        )
    } else {
        format!(
            "{} · {} · {}",
            Label::new("Gaps", "差距与整改").get(lang),
            safe(name, 24),
            Label::new("reading…", "读取中…").get(lang)
        )
    };
    let b = block(
        &safe(&title, width.saturating_sub(2)),
        &v.query,
        true,
        theme,
    );
    let mut info = format!(
        "{} · {}: {}",
        gaps::labels::progress_line(&progress, lang),
        Label::new("show", "显示").get(lang),
        v.filter.label().get(lang)
    );
    if v.typing {
        info.push_str(&format!(
            " · {} /{}▏",
            Label::new("filter", "筛选").get(lang),
            safe(&v.query, 30)
        ));
    }
    if v.show_all {
        info.push_str(&format!(
            " · {}",
            Label::new("all applicable points", "全部适用控制点").get(lang)
        ));
    }
    if !v.marked.is_empty() {
        info.push_str(&format!(
            " · {} {}",
            Label::new("marked", "已标记").get(lang),
            v.marked.len()
        ));
    }
    let mut lines = vec![
        Line::from(Span::styled(safe(&info, width), theme.dim())),
        Line::from(Span::styled(
            safe(
                &Label::new(
                    "categories: open/fixed/verified by risk · findings: risk, status, due, owner, description",
                    "类别：各风险 未整改/已整改/已验证 · 问题：风险、状态、期限、负责人、描述",
                )
                .get(lang),
                width,
            ),
            theme.dim(),
        )),
    ];
    let rows = v.rows(&app.me, app.today);
    let height = (area.height as usize).saturating_sub(2 + lines.len());
    let list = v.findings.as_deref().unwrap_or(&[]);
    let status_w = match short(lang) {
        Lang::En => 11,
        _ => 6,
    };
    let owner_w = 12.min(width / 6);
    for (i, r) in rows
        .iter()
        .enumerate()
        .skip(scroll_offset(v.selected, height))
        .take(height)
    {
        let selected = i == v.selected;
        let line = match r {
            GapRow::Category { label, counts: c } => {
                let head = label.get(lang);
                let text = format!("{}  {}", head, counts(c, lang));
                row(
                    vec![Span::styled(safe(&text, width), theme.title())],
                    selected,
                    true,
                    theme,
                )
            }
            GapRow::Point {
                point,
                id,
                findings,
            } => {
                let name = match point {
                    Some(p) => p.label().get(lang).into_owned(),
                    None => id.clone(),
                };
                row(
                    vec![Span::raw(safe(&format!("  {name} ({findings})"), width))],
                    selected,
                    true,
                    theme,
                )
            }
            GapRow::Finding(k) => {
                let Some(s) = list.get(*k) else { continue };
                let fi = &s.finding;
                let mark = if v.marked.contains(&fi.id) {
                    "[x]"
                } else {
                    "[ ]"
                };
                let risk = cell(&gaps::labels::risk(fi.risk).get(short(lang)), 6);
                let status = cell(&gaps::labels::status(fi.status).get(short(lang)), status_w);
                let due = cell(&fi.due.map(|d| d.to_string()).unwrap_or_default(), 10);
                let owner = cell(&fi.owner, owner_w);
                let fixed = 4 + 3 + 1 + 6 + 1 + status_w + 1 + 10 + 1 + owner_w + 1;
                let desc = safe(&fi.description, width.saturating_sub(fixed));
                let risk_style = match fi.risk {
                    Risk::High if !fi.status.is_closed() => theme.error(),
                    Risk::Medium if !fi.status.is_closed() => theme.warning(),
                    _ => ratatui::style::Style::default(),
                };
                let due_style = if fi.is_overdue(app.today) {
                    theme.error()
                } else {
                    ratatui::style::Style::default()
                };
                row(
                    vec![
                        Span::raw(format!("    {mark} ")),
                        Span::styled(format!("{risk} "), risk_style),
                        Span::raw(format!("{status} ")),
                        Span::styled(format!("{due} "), due_style),
                        Span::raw(format!("{owner} {desc}")),
                    ],
                    selected,
                    true,
                    theme,
                )
            }
        };
        lines.push(line);
    }
    if v.findings.is_some() && rows.is_empty() {
        lines.push(Line::from(Span::styled(
            safe(
                &format!(
                    "{}{}",
                    Label::new("no findings here", "此处没有问题").get(lang),
                    super::key_name(
                        app,
                        crate::tui::keymap::Section::Gaps,
                        crate::tui::Action::CycleFilter
                    )
                    .map(|k| format!(
                        " · {k} {}",
                        Label::new("changes what is shown", "切换显示范围").get(lang)
                    ))
                    .unwrap_or_default()
                ),
                width,
            ),
            theme.dim(),
        )));
    }
    f.render_widget(Paragraph::new(lines).block(b), area);
}
