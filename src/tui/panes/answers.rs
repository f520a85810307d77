//! The questionnaire answers of the selected network; unknown answers are
//! marked open, and those that could raise the level say so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::{cell, inner_width, pane_block, row, safe, scroll_offset};
use crate::domain::labels::{self, Label, Lang};
use crate::domain::model::Aspect;
use crate::tui::app::{App, Pane};
use crate::tui::edit::AnswerRow;
use crate::tui::theme::Theme;

pub fn render(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Answers;
    let lang = app.lang;
    let b = pane_block(
        app,
        Pane::Answers,
        &super::pane_title(app, Pane::Answers, labels::ANSWERS, None, area),
        theme,
    );
    let Some(n) = app.selected_network() else {
        f.render_widget(
            Paragraph::new(Span::styled("select a network", theme.dim())).block(b),
            area,
        );
        return;
    };
    let grade = app.grade_of(n.id);
    let height = area.height.saturating_sub(2) as usize;
    let width = inner_width(area);
    let label_w = (width / 2).clamp(8, 24);
    let value_w = width.saturating_sub(label_w + 1);
    let selected = app.selected[Pane::Answers.index()];
    // The questions' names in one language down the column when both do
    // not fit.
    let label_lang = Label::column(
        lang,
        app.answer_rows().iter().filter_map(|r| match r {
            AnswerRow::Question(q) => Some(labels::question(*q)),
            AnswerRow::Override(_) => None,
        }),
        label_w,
    );
    let mut lines: Vec<_> = app
        .answer_rows()
        .iter()
        .enumerate()
        .skip(scroll_offset(selected, height))
        .take(height)
        .map(|(i, r)| {
            let name = match r {
                AnswerRow::Question(q) => labels::question(*q).get(label_lang),
                AnswerRow::Override(a) => Label::new(
                    match a {
                        Aspect::BusinessInformation => "override S",
                        Aspect::SystemService => "override A",
                    },
                    match a {
                        Aspect::BusinessInformation => "人工认定 S",
                        Aspect::SystemService => "人工认定 A",
                    },
                )
                .get(label_lang),
            };
            let label = Span::raw(format!("{} ", cell(&name, label_w)));
            let value = match r {
                AnswerRow::Question(q) => match labels::answer(&n.answers, *q, lang) {
                    // Both languages where they fit, else the Chinese.
                    Some(v) if lang == Lang::Both && crate::text::width(&v) > value_w => {
                        let zh = labels::answer(&n.answers, *q, Lang::Zh).unwrap_or(v);
                        Span::raw(safe(&zh, value_w))
                    }
                    Some(v) => Span::raw(safe(&v, value_w)),
                    None => {
                        let raises = grade.is_some_and(|g| g.could_raise.contains(q));
                        let open = format!("? {}", labels::OPEN.get(lang));
                        let text = if raises {
                            // Narrow: the two marks in one language.
                            let full = format!("{open} · {}", labels::COULD_RAISE.get(lang));
                            if crate::text::width(&full) <= value_w || lang != Lang::Both {
                                full
                            } else {
                                format!(
                                    "? {} · {}",
                                    labels::OPEN.fit(lang, value_w / 2),
                                    labels::COULD_RAISE.fit(lang, value_w / 2)
                                )
                            }
                        } else {
                            open
                        };
                        Span::styled(
                            safe(&text, value_w),
                            if raises {
                                theme.warning()
                            } else {
                                theme.open()
                            },
                        )
                    }
                },
                AnswerRow::Override(aspect) => match n.overrides.get(*aspect) {
                    Some(o) => Span::styled(
                        safe(
                            &format!(
                                "{}/{}: {}",
                                labels::harmed_object(o.object).fit(lang, value_w / 3),
                                labels::degree(o.degree).fit(lang, value_w / 3),
                                o.justification
                            ),
                            value_w,
                        ),
                        theme.warning(),
                    ),
                    None => {
                        let hint = match super::key_name(
                            app,
                            crate::tui::keymap::Section::Answers,
                            crate::tui::Action::Override,
                        ) {
                            Some(k) if !app.readonly => match lang {
                                Lang::Zh => format!("无（{k} 设置）"),
                                _ => format!("{} ({k} to set)", labels::NONE.get(lang)),
                            },
                            _ => labels::NONE.get(lang).into_owned(),
                        };
                        Span::styled(safe(&hint, value_w), theme.dim())
                    }
                },
            };
            row(vec![label, value], i == selected, focused, theme)
        })
        .collect();
    if lines.is_empty() {
        lines.push(row(
            vec![Span::styled(
                super::empty_hint(app, Pane::Answers, "answers"),
                theme.dim(),
            )],
            false,
            focused,
            theme,
        ));
    }
    f.render_widget(Paragraph::new(lines).block(b), area);
}
