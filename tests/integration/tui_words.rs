//! The case manager's chrome in the interface language: the hint bar,
//! help lines, forms, dialogs and status messages, in `zh`, `en` and
//! `both`.

use mlps::domain::labels::Lang;
use mlps::domain::questionnaire::QuestionId;
use mlps::tui::Action;
use mlps::tui::app::{App, Mode, Pane};
use mlps::tui::edit::AnswerRow;
use mlps::tui::session::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::{self, act, demo_app, typ};

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    terminal.backend().to_string()
}

/// The screen's rows, as drawn (double-width characters once).
fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            let mut row = String::new();
            let mut x = 0;
            while x < w {
                let symbol = buffer[(x, y)].symbol();
                row.push_str(symbol);
                x += (mlps::text::width(symbol) as u16).max(1);
            }
            row
        })
        .collect()
}

/// The hint bar: the bottom row.
fn hint_bar(app: &App, w: u16, h: u16) -> String {
    rows(app, w, h).pop().unwrap().trim_end().to_string()
}

/// The English words of a line: runs of two or more lowercase letters
/// (key names are one letter or capitalised: `a`, `Enter`, `Ctrl-p`).
fn english_words(line: &str) -> Vec<String> {
    line.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_string)
        .collect()
}

fn answer_form_open(app: &mut Session, q: QuestionId) {
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(q))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
    act(app, Action::Edit);
    assert!(matches!(app.mode, Mode::Form { .. }), "{:?}", app.mode);
}

#[test]
fn the_hint_bar_in_chinese_at_80x24() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::Zh;
    let bar = hint_bar(&app, 80, 24);
    for word in ["编辑", "新增", "删除", "帮助", "退出", "窗格"] {
        assert!(bar.contains(word), "{word} in {bar}");
    }
    support::assert_snapshot!("main_view_in_chinese_at_80x24", draw(&app, 80, 24));
}

/// Every mode's hint bar, wide enough for every hint, has no English
/// word left in `zh` (and has some in `en`, so the check can fail).
#[test]
fn no_english_word_of_the_hint_bar_remains_in_chinese() {
    let (_dir, mut app) = demo_app();
    type Open = fn(&mut Session);
    let modes: Vec<(&str, Open)> = vec![
        ("main view", |_| {}),
        ("zoomed", |app| act(app, Action::Zoom)),
        ("answer form", |app| {
            answer_form_open(app, QuestionId::DataCategories)
        }),
        ("milestone form", |app| {
            app.focus = Pane::Timeline;
            act(app, Action::Add);
            act(app, Action::NextField);
        }),
        ("agenda", |app| act(app, Action::Agenda)),
        ("triage", |app| act(app, Action::Triage)),
        ("help", |app| act(app, Action::Help)),
        ("fuzzy jump", |app| act(app, Action::FuzzyJump)),
        ("filter", |app| act(app, Action::Filter)),
        ("command line", |app| act(app, Action::Command)),
        ("details", |app| act(app, Action::Details)),
        ("messages", |app| act(app, Action::Messages)),
        ("delete confirmation", |app| act(app, Action::Delete)),
        ("questionnaire", |app| {
            act(app, Action::Questionnaire);
            assert!(matches!(app.mode, Mode::Questionnaire(_)), "{:?}", app.mode);
        }),
    ];
    for (name, open) in modes {
        let (_dir, mut fresh) = demo_app();
        open(&mut fresh);
        fresh.lang = Lang::En;
        let en = hint_bar(&fresh, 250, 40);
        assert!(!english_words(&en).is_empty(), "{name}: {en}");
        fresh.lang = Lang::Zh;
        let zh = hint_bar(&fresh, 250, 40);
        assert_eq!(english_words(&zh), Vec::<String>::new(), "{name}: {zh}");
        assert!(zh.chars().any(|c| c as u32 > 0x2e80), "{name}: {zh}");
    }
    // The conflict dialog's own letters too.
    answer_form_open(&mut app, QuestionId::PiSubjects);
    let Mode::Form { form, target } = std::mem::replace(&mut app.mode, Mode::Normal) else {
        unreachable!()
    };
    app.mode = Mode::Conflict {
        form,
        target,
        message: String::new(),
    };
    app.lang = Lang::Zh;
    let zh = hint_bar(&app, 250, 40);
    assert_eq!(english_words(&zh), Vec::<String>::new(), "{zh}");
    assert!(
        zh.contains("载入对方版本") && zh.contains("保存我的修改"),
        "{zh}"
    );
}

/// In `both`, the hint bar says each word in English and Chinese where
/// every hint fits so, and in Chinese alone where they would not: it
/// never runs past the screen, at 80x24 or wider.
#[test]
fn both_languages_fit_the_hint_bar() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::Both;
    let narrow = hint_bar(&app, 80, 24);
    assert!(
        narrow.contains("编辑") && narrow.contains("帮助"),
        "{narrow}"
    );
    assert!(mlps::text::width(&narrow) <= 80, "{narrow}");
    // Chinese alone: the bilingual bar would not fit.
    assert_eq!(english_words(&narrow), Vec::<String>::new(), "{narrow}");
    // Wide enough for all of them in both languages.
    let wide = hint_bar(&app, 250, 40);
    assert!(
        wide.contains("edit 编辑") && wide.contains("quit 退出"),
        "{wide}"
    );
    // A form's few hints fit in both at 120 columns.
    answer_form_open(&mut app, QuestionId::PiSubjects);
    let form = hint_bar(&app, 120, 30);
    assert!(
        form.contains("save 保存") && form.contains("back 返回"),
        "{form}"
    );
    support::assert_snapshot!("main_view_in_both_at_80x24", {
        app.mode = Mode::Normal;
        draw(&app, 80, 24)
    });
}

#[test]
fn help_lines_in_chinese() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::Zh;
    act(&mut app, Action::Help);
    // The legend comes first; a screen tall enough for the key lines too.
    let screen = rows(&app, 100, 200).join("\n");
    for line in [
        "下一个窗格",
        "跳转到客户、定级对象或联系人",
        "撤销上一次编辑",
        "退出案件管理器",
    ] {
        assert!(screen.contains(line), "{line} in\n{screen}");
    }
    assert!(!screen.contains("undo the last edit"), "{screen}");
    assert_eq!(
        Action::Undo.describe(Lang::Both),
        "undo the last edit 撤销上一次编辑"
    );
    assert_eq!(Action::Undo.describe(Lang::En), "undo the last edit");
    support::assert_snapshot!("help_overlay_in_chinese", draw(&app, 100, 60));
}

#[test]
fn the_answer_form_in_chinese() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::Zh;
    answer_form_open(&mut app, QuestionId::DataCategories);
    let screen = rows(&app, 80, 24).join("\n");
    for words in [
        "填写 数据类别",
        "未知按",
        "[x] 业务数据",
        "[ ] 支付数据",
        "保存",
        "返回",
    ] {
        assert!(screen.contains(words), "{words} in\n{screen}");
    }
    assert!(!screen.contains("business"), "{screen}");
    support::assert_snapshot!("answer_form_in_chinese_at_80x24", draw(&app, 80, 24));
    // A yes/no answer says 是 / 否 / 未知; the field checks speak Chinese.
    act(&mut app, Action::Cancel);
    answer_form_open(&mut app, QuestionId::Cii);
    let screen = rows(&app, 80, 24).join("\n");
    assert!(screen.contains("否"), "{screen}");
    act(&mut app, Action::ClearField);
    let screen = rows(&app, 80, 24).join("\n");
    assert!(screen.contains("未知"), "{screen}");
}

#[test]
fn the_milestone_form_in_chinese() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::Zh;
    app.focus = Pane::Timeline;
    act(&mut app, Action::Add);
    act(&mut app, Action::NextField);
    let screen = rows(&app, 80, 24).join("\n");
    // An empty date is required.
    assert!(screen.contains("必填"), "{screen}");
    typ(&mut app, "2026-02-30");
    let screen = rows(&app, 80, 24).join("\n");
    for words in ["新增节点", "阶段", "日期", "今天"] {
        assert!(screen.contains(words), "{words} in\n{screen}");
    }
    support::assert_snapshot!("milestone_form_in_chinese_at_80x24", draw(&app, 80, 24));
}

#[test]
fn dialogs_and_overlays_in_chinese() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::Zh;
    act(&mut app, Action::Delete);
    let screen = rows(&app, 80, 24).join("\n");
    for words in ["确认", "删除客户", "保留"] {
        assert!(screen.contains(words), "{words} in\n{screen}");
    }
    act(&mut app, Action::Cancel);
    let status = app.status.clone().unwrap().text;
    assert_eq!(status, "未删除任何内容");
    act(&mut app, Action::Details);
    let screen = rows(&app, 80, 24).join("\n");
    for words in [
        "客户详情",
        "滚动",
        "关闭",
        "统一社会信用代码",
        "联系人",
        "备注",
    ] {
        assert!(screen.contains(words), "{words} in\n{screen}");
    }
    act(&mut app, Action::Cancel);
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "zzzzqqq");
    let screen = rows(&app, 100, 24).join("\n");
    assert!(screen.contains("跳转 · 中文、拼音"), "{screen}");
    act(&mut app, Action::Cancel);
    act(&mut app, Action::Zoom);
    let screen = rows(&app, 80, 24).join("\n");
    assert!(
        screen.contains("全屏") && screen.contains("还原"),
        "{screen}"
    );
}

#[test]
fn status_messages_in_chinese() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::Zh;
    act(&mut app, Action::Undo);
    assert_eq!(app.status.clone().unwrap().text, "没有可撤销的操作");
    app.readonly = true;
    act(&mut app, Action::Edit);
    assert_eq!(
        app.status.clone().unwrap().text,
        "只读：已关闭编辑（--readonly）"
    );
    app.readonly = false;
    act(&mut app, Action::Command);
    typ(&mut app, "frobnicate");
    act(&mut app, Action::Submit);
    let text = app.status.clone().unwrap().text;
    assert!(text.starts_with("未知命令"), "{text}");
    // A save, as the store answers it: the question by its Chinese name.
    app.lang = Lang::Both;
    answer_form_open(&mut app, QuestionId::PiSubjects);
    act(&mut app, Action::Cancel);
    assert_eq!(app.status.clone().unwrap().text, "not saved 未保存");
}

/// In `both`, a form says its title and labels in English then Chinese
/// and fits 80 columns; in `en`, the form is as it always was (ids).
#[test]
fn the_answer_form_in_both_and_in_english() {
    let (_dir, mut app) = demo_app();
    app.lang = Lang::En;
    answer_form_open(&mut app, QuestionId::ObjectType);
    let screen = rows(&app, 100, 24).join("\n");
    assert!(
        screen.contains("Answer object_type (unknown counts as information_system)"),
        "{screen}"
    );
    assert!(
        screen.contains("object_type: kind of grading object"),
        "{screen}"
    );
    act(&mut app, Action::Cancel);
    app.lang = Lang::Both;
    answer_form_open(&mut app, QuestionId::ObjectType);
    let screen = rows(&app, 80, 24).join("\n");
    // The title in Chinese alone: both would overflow the border.
    for words in [
        "┌ 填写 定级对象类型（未知按 信息系统 计）",
        "object_type: kind of grading object 定级对象类型",
        "保存",
    ] {
        assert!(screen.contains(words), "{words} in\n{screen}");
    }
    assert!(screen.contains("Information system 信息系统"), "{screen}");
    act(&mut app, Action::Right);
    let screen = rows(&app, 80, 24).join("\n");
    assert!(screen.contains("Website 网站"), "{screen}");
    support::assert_snapshot!("answer_form_in_both_at_80x24", draw(&app, 80, 24));
}
