//! Questionnaire mode's panel: progress, the question (short name and
//! meaning), its current answer, and the choices numbered for one key.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::domain::labels::{self, Label};
use crate::domain::questionnaire::QuestionKind;
use crate::tui::app::App;
use crate::tui::edit::questionnaire::{self, Questionnaire, choices, pick_key};
use crate::tui::panes::overlays::{centered, wrap_words};
use crate::tui::panes::{block, cell, safe};
use crate::tui::theme::Theme;

pub fn render(app: &App, q: &Questionnaire, f: &mut Frame, area: Rect, theme: &Theme) {
    let lang = app.lang;
    let width = 76.min(area.width as usize).saturating_sub(2);
    let inner_h = area.height.saturating_sub(2) as usize;
    let network = app.network(q.network);
    let name = network.map_or(String::new(), |n| safe(&n.name, 24));
    let mut lines: Vec<Line> = Vec::new();
    let title;
    match q.question() {
        None => {
            title = format!("{} · {name}", Label::new("Questionnaire", "问卷").get(lang));
            let done = if q.all {
                Label::new("Every question walked.", "所有问题已过一遍。")
            } else {
                Label::new("The open questions are done.", "未答问题已完成。")
            };
            lines.push(Line::from(Span::styled(
                safe(&done.get(lang), width),
                theme.title(),
            )));
            lines.push(Line::from(format!(
                "{} {}",
                q.answered,
                Label::new("answers saved", "个答案已保存").get(lang)
            )));
            lines.push(Line::from(""));
            lines.push(Line::from(vec![
                Span::styled("a", theme.key()),
                Span::raw(format!(
                    " {}   ",
                    Label::new("walk all questions", "逐一查看全部问题").get(lang)
                )),
                Span::styled("Esc", theme.key()),
                Span::raw(format!(" {}", Label::new("leave", "退出").get(lang))),
            ]));
        }
        Some(question) => {
            title = format!(
                "{} · {name} · {}/{}",
                Label::new("Questionnaire", "问卷").get(lang),
                q.at + 1,
                q.questions.len()
            );
            let kind = question.question().kind;
            lines.push(Line::from(Span::styled(
                safe(&labels::question(question).get(lang), width),
                theme.title(),
            )));
            for part in wrap_words(question.question().meaning, width) {
                lines.push(Line::from(Span::styled(part, theme.dim())));
            }
            let now = network.map_or_else(
                || labels::UNKNOWN.get(lang).into_owned(),
                |n| questionnaire::current(app, n, question),
            );
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{} ", Label::new("Now:", "当前：").get(lang)),
                    theme.dim(),
                ),
                Span::raw(safe(&now, width.saturating_sub(8))),
            ]));
            lines.push(Line::from(""));
            let mut list: Vec<Line> = Vec::new();
            match kind {
                QuestionKind::Count | QuestionKind::Text => {
                    let mut typed = vec![
                        Span::styled("› ", theme.key()),
                        Span::raw(safe(&q.input, width.saturating_sub(4))),
                        Span::styled("▏", theme.key()),
                    ];
                    if kind == QuestionKind::Count
                        && let Some(v) = questionnaire::parse_count(&q.input)
                        && !q.input.chars().all(|c| c.is_ascii_digit())
                    {
                        typed.push(Span::styled(
                            format!("  = {}", crate::domain::questionnaire::group_thousands(v)),
                            theme.dim(),
                        ));
                    }
                    list.push(Line::from(typed));
                }
                QuestionKind::SetOf(_) => {
                    for (i, c) in choices(question).iter().enumerate() {
                        let on = q
                            .flags
                            .as_ref()
                            .is_some_and(|f| f.get(i).copied().unwrap_or(false));
                        let here = i == q.cursor;
                        list.push(choice_line(
                            pick_key(question, i),
                            &format!("[{}] {}", if on { 'x' } else { ' ' }, c.label.get(lang)),
                            here,
                            width,
                            theme,
                        ));
                    }
                    list.push(Line::from(Span::styled(
                        format!(
                            "  ({})",
                            match &q.flags {
                                None => Label::new(
                                    "unknown until a flag is ticked",
                                    "未知：勾选后才有答案"
                                ),
                                Some(f) if f.iter().all(|on| !on) => {
                                    Label::new("none of these", "以上都不是")
                                }
                                Some(_) =>
                                    Label::new("Enter saves the ticked flags", "回车保存所勾选项"),
                            }
                            .get(lang)
                        ),
                        theme.dim(),
                    )));
                }
                _ => {
                    let shown = q.shown();
                    for (row, (i, c)) in shown.iter().enumerate() {
                        // In a narrowed list, digits pick among what is left.
                        let key = if q.typing {
                            char::from_digit(row as u32 + 1, 10).filter(|_| row < 9)
                        } else {
                            pick_key(question, *i)
                        };
                        list.push(choice_line(
                            key,
                            &c.label.get(lang),
                            row == q.cursor,
                            width,
                            theme,
                        ));
                    }
                    if shown.is_empty() {
                        list.push(Line::from(Span::styled(
                            format!("  {}", Label::new("no match", "无匹配项").get(lang)),
                            theme.dim(),
                        )));
                    }
                    if q.typing {
                        list.push(Line::from(vec![
                            Span::styled("/", theme.key()),
                            Span::raw(safe(&q.input, width.saturating_sub(4))),
                            Span::styled("▏", theme.key()),
                        ]));
                    }
                }
            }
            // The footer: how to answer, and why the last answer was not
            // taken.
            let mut footer = vec![Line::from(Span::styled(
                safe(&how(kind, q.typing).get(lang), width),
                theme.dim(),
            ))];
            if let Some(e) = &q.error {
                for part in wrap_words(&format!("✗ {}", crate::text::escape_for_terminal(e)), width)
                {
                    footer.push(Line::from(Span::styled(part, theme.error())));
                }
            }
            if q.pending.is_some() {
                footer.push(Line::from(Span::styled(
                    Label::new("saving…", "保存中…").get(lang).into_owned(),
                    theme.dim(),
                )));
            }
            // A long list in two columns when one does not fit.
            let room = inner_h.saturating_sub(lines.len() + footer.len());
            if list.len() > room && list.len() > 6 {
                list = two_columns(list, width);
            }
            lines.extend(list);
            lines.push(Line::from(""));
            lines.extend(footer);
        }
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let r = centered(area, width as u16 + 2, height);
    f.render_widget(Clear, r);
    let b = block(&title, "", true, theme);
    f.render_widget(Paragraph::new(lines).block(b), r);
}

/// One entry: its key, its label, highlighted when under the cursor.
fn choice_line<'a>(
    key: Option<char>,
    label: &str,
    here: bool,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let key = key.map_or("  ".to_string(), |k| format!("{k} "));
    Line::from(vec![
        Span::styled(if here { "› " } else { "  " }, theme.key()),
        Span::styled(key, theme.key()),
        Span::styled(
            safe(label, width.saturating_sub(6)),
            if here {
                theme.selected(true)
            } else {
                theme.normal()
            },
        ),
    ])
}

/// Lines laid out in two columns, down the first then the second.
fn two_columns(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let half = lines.len().div_ceil(2);
    let col = width / 2;
    let text = |l: &Line| -> String { l.spans.iter().map(|s| s.content.as_ref()).collect() };
    let (left, right) = lines.split_at(half);
    left.iter()
        .enumerate()
        .map(|(i, l)| {
            let mut spans = l.spans.clone();
            if let Some(r) = right.get(i) {
                // Pad the left column to its width, then the right one.
                let used = crate::text::width(&text(l));
                if used < col {
                    spans.push(Span::raw(" ".repeat(col - used)));
                } else {
                    spans = vec![Span::raw(cell(&text(l), col))];
                }
                spans.extend(r.spans.iter().cloned());
            }
            Line::from(spans)
        })
        .collect()
}

/// How the question is answered (the keys the keymap binds are in the
/// hint bar).
fn how(kind: QuestionKind, typing: bool) -> Label {
    match kind {
        QuestionKind::Bool => Label::new("y or 1: yes · n or 2: no", "y 或 1：是 · n 或 2：否"),
        QuestionKind::SetOf(_) => Label::new(
            "a digit ticks its flag · arrows move · save when done",
            "按数字勾选 · 方向键移动 · 选完保存",
        ),
        QuestionKind::Count => Label::new(
            "a number; k thousands, m millions (2m = 2 000 000)",
            "输入数字；k 为千，m 为百万（2m = 2 000 000）",
        ),
        QuestionKind::Text => Label::new("type the answer, then save", "输入答案后保存"),
        _ if typing => Label::new(
            "a digit picks · save takes the highlighted",
            "按数字选择 · 保存键选高亮项",
        ),
        _ => Label::new(
            "a choice's key picks it · / then type to narrow: English, 中文, pinyin",
            "按编号选择 · 先按 / 再输入筛选：英文、中文、拼音",
        ),
    }
}
