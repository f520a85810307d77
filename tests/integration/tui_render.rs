//! Render tests: every pane and overlay drawn into a `TestBackend` and
//! compared with its snapshot, at 80x24 and wider.

use mlps::domain::questionnaire::QuestionId;
use mlps::tui::Action;
use mlps::tui::app::{App, Pane};
use mlps::tui::edit::AnswerRow;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::{self, act, demo_app, typ};

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
    terminal.backend().to_string()
}

/// Selects the Shanghai Center client and its first network.
fn chinese_client(app: &mut mlps::tui::session::Session) {
    act(app, Action::FuzzyJump);
    typ(app, "shzx");
    act(app, Action::Submit);
    app.focus = Pane::Networks;
}

#[test]
fn main_view_at_80x24() {
    let (_dir, app) = demo_app();
    support::assert_snapshot!("main_view_at_80x24", draw(&app, 80, 24));
}

#[test]
fn main_view_with_a_chinese_client_wide() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    support::assert_snapshot!("main_view_with_a_chinese_client_wide", draw(&app, 140, 40));
}

#[test]
fn chinese_client_at_80x24() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    app.focus = Pane::Answers;
    support::assert_snapshot!("chinese_client_at_80x24", draw(&app, 80, 24));
}

#[test]
fn timeline_focused() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    app.focus = Pane::Timeline;
    act(&mut app, Action::Down);
    support::assert_snapshot!("timeline_focused", draw(&app, 120, 32));
}

#[test]
fn agenda() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Agenda);
    support::assert_snapshot!("agenda", draw(&app, 120, 30));
}

#[test]
fn triage_at_80x24_and_wide() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Triage);
    act(&mut app, Action::Down);
    support::assert_snapshot!("triage_at_80x24", draw(&app, 80, 24));
    support::assert_snapshot!("triage_wide", draw(&app, 160, 40));
}

#[test]
fn help_overlay() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Help);
    support::assert_snapshot!("help_overlay", draw(&app, 100, 60));
}

#[test]
fn fuzzy_jump_with_highlights() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::FuzzyJump);
    typ(&mut app, "yinhang");
    support::assert_snapshot!("fuzzy_jump_with_highlights", draw(&app, 100, 24));
}

#[test]
fn answer_form() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(QuestionId::DataCategories))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
    act(&mut app, Action::Edit);
    support::assert_snapshot!("answer_form", draw(&app, 100, 24));
}

#[test]
fn milestone_form_with_an_error() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Timeline;
    act(&mut app, Action::Add);
    act(&mut app, Action::NextField);
    typ(&mut app, "2026-02-30");
    support::assert_snapshot!("milestone_form_with_an_error", draw(&app, 80, 30));
}

#[test]
fn delete_confirmation() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Delete);
    support::assert_snapshot!("delete_confirmation", draw(&app, 80, 24));
}

#[test]
fn hostile_names_are_shown_escaped() {
    let (_dir, mut app) = demo_app();
    let mut c = app.selected_client().unwrap().clone();
    // Control characters are stripped on entry; bidi overrides stay data
    // and are shown escaped, never interpreted.
    c.name = "Evil\u{202e}Corp\x1b]0;pwned\x07 Ltd".into();
    let saved = app.store.update_client(c).unwrap();
    assert!(!saved.name.contains('\x1b'));
    app.reload();
    app.jump_to(saved.id, None);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Evil\\u{202e}Corp]0;pwne"), "{screen}");
    assert!(!screen.contains('\u{202e}') && !screen.contains('\x1b') && !screen.contains('\x07'));
}

#[test]
fn no_color_draws_without_colour() {
    use ratatui::style::Color;
    let (_dir, mut app) = demo_app();
    let coloured = |app: &App| {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|f| mlps::tui::view::view(app, f)).unwrap();
        terminal
            .backend()
            .buffer()
            .content
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    // The agenda has overdue rows, drawn red when colour is on.
    act(&mut app, Action::Agenda);
    assert!(coloured(&app) > 0);
    app.color = false;
    assert_eq!(coloured(&app), 0);
}

#[test]
fn conflict_dialog() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Answers;
    let i = app
        .answer_rows()
        .iter()
        .position(|r| *r == AnswerRow::Question(QuestionId::PiSubjects))
        .unwrap();
    app.selected[Pane::Answers.index()] = i;
    act(&mut app, Action::Edit);
    let mlps::tui::app::Mode::Form { form, target } =
        std::mem::replace(&mut app.mode, mlps::tui::app::Mode::Normal)
    else {
        panic!("the form opens");
    };
    // The dialog as the store's log would fill it; a hostile user name
    // is shown escaped.
    app.mode = mlps::tui::app::Mode::Conflict {
        form,
        target,
        message: "Network \"CRM\" was changed while you were editing it:\n  by \
                  bob\u{1b}[31m at 2026-11-28 14:32:05\n    answers.pi_subjects: 11500 → 250000\n\
                  \n\
                  You both changed (o saves yours for these):\n  answers.pi_subjects\n    \
                  theirs: 250 000\n    yours: 777"
            .into(),
    };
    support::assert_snapshot!("conflict_dialog", draw(&app, 100, 30));
}

#[test]
fn history_overlay() {
    let (_dir, mut app) = demo_app();
    app.mode = mlps::tui::app::Mode::History {
        title: "History of network \"CRM\"".into(),
        lines: vec![
            "2026-11-28 14:40:01  alice  updated network \"CRM\" of Acme".into(),
            "    answers.pi_subjects: 11500 → 250000".into(),
            "2026-11-28 14:32:05  bob  updated network \"CRM\" of Acme".into(),
            "    notes: \"\" → \"客户 asked for 等保 level 3\"".into(),
        ],
        scroll: 0,
    };
    support::assert_snapshot!("history_overlay", draw(&app, 100, 30));
}

/// Bytes written to a terminal, shared with the test.
#[derive(Clone, Default)]
struct Wire(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One cell as a terminal shows it: its text, and its style as SGR
/// parameters (foreground, background, attributes 1-9 on).
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    text: String,
    fg: String,
    bg: String,
    attrs: [bool; 10],
}

impl Shown {
    fn blank() -> Shown {
        Shown {
            text: " ".into(),
            fg: "39".into(),
            bg: "49".into(),
            attrs: [false; 10],
        }
    }
}

/// What a terminal shows after `bytes`: cursor moves, text (double-width
/// characters take two columns), SGR styles and full clears.
fn replay(bytes: &[u8], w: usize, h: usize) -> Vec<Vec<Shown>> {
    use unicode_width::UnicodeWidthChar;
    let text = std::str::from_utf8(bytes).expect("the terminal gets UTF-8");
    let blank = || vec![vec![Shown::blank(); w]; h];
    let mut screen = blank();
    let mut pen = Shown::blank();
    let (mut x, mut y) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            assert_eq!(chars.next(), Some('['), "only CSI sequences are sent");
            let mut params = String::new();
            let end = loop {
                let p = chars.next().expect("a complete sequence");
                if p.is_ascii_alphabetic() {
                    break p;
                }
                params.push(p);
            };
            let numbers: Vec<usize> = params
                .split(';')
                .map(|n| n.parse::<usize>().unwrap_or(0))
                .collect();
            match end {
                'H' => {
                    y = numbers.first().copied().unwrap_or(1).max(1) - 1;
                    x = numbers.get(1).copied().unwrap_or(1).max(1) - 1;
                }
                'C' => x += numbers[0].max(1),
                'J' if params == "2" => screen = blank(),
                'm' => {
                    let mut it = numbers.into_iter();
                    while let Some(n) = it.next() {
                        match n {
                            0 => pen = Shown::blank(),
                            1..=9 => pen.attrs[n] = true,
                            22 => (pen.attrs[1], pen.attrs[2]) = (false, false),
                            25 => (pen.attrs[5], pen.attrs[6]) = (false, false),
                            23 | 24 | 27 | 28 | 29 => pen.attrs[n - 20] = false,
                            30..=37 | 39 | 90..=97 => pen.fg = n.to_string(),
                            40..=47 | 49 | 100..=107 => pen.bg = n.to_string(),
                            38 | 48 => {
                                let rest: Vec<String> = match it.next() {
                                    Some(5) => vec!["5".into(), it.next().unwrap().to_string()],
                                    Some(2) => {
                                        let rgb: Vec<String> = (0..3)
                                            .map(|_| it.next().unwrap().to_string())
                                            .collect();
                                        [vec!["2".to_string()], rgb].concat()
                                    }
                                    other => panic!("colour form {other:?}"),
                                };
                                let value = format!("{n};{}", rest.join(";"));
                                if n == 38 {
                                    pen.fg = value;
                                } else {
                                    pen.bg = value;
                                }
                            }
                            other => panic!("unexpected SGR {other}"),
                        }
                    }
                }
                'l' | 'h' | 'J' => {}
                other => panic!("unexpected sequence {params}{other}"),
            }
            continue;
        }
        let width = c.width().unwrap_or(0);
        if width == 0 {
            continue;
        }
        // Writing over half of a double-width character blanks the other
        // half, as terminals do (in the default style, as ratatui's
        // buffer holds it).
        if screen[y][x].text.is_empty() && x > 0 {
            screen[y][x - 1] = Shown::blank();
        }
        let end = (x + width).min(w);
        if end < w && screen[y][end].text.is_empty() {
            screen[y][end] = Shown::blank();
        }
        screen[y][x] = Shown {
            text: c.to_string(),
            ..pen.clone()
        };
        if width == 2 && x + 1 < w {
            screen[y][x + 1] = Shown {
                text: String::new(),
                ..pen.clone()
            };
        }
        x += width;
    }
    screen
}

/// A frame's cell as [`replay`] shows it.
fn expected(cell: &ratatui::buffer::Cell) -> Shown {
    use mlps::tui::backend::sgr_color;
    use ratatui::style::Modifier;
    let mut attrs = [false; 10];
    for (i, m) in [
        (1, Modifier::BOLD),
        (2, Modifier::DIM),
        (3, Modifier::ITALIC),
        (4, Modifier::UNDERLINED),
        (5, Modifier::SLOW_BLINK),
        (6, Modifier::RAPID_BLINK),
        (7, Modifier::REVERSED),
        (8, Modifier::HIDDEN),
        (9, Modifier::CROSSED_OUT),
    ] {
        attrs[i] = cell.modifier.contains(m);
    }
    Shown {
        text: cell.symbol().to_string(),
        fg: sgr_color(cell.fg, false),
        bg: sgr_color(cell.bg, true),
        attrs,
    }
}

/// Moving about the case manager through the compact backend shows what
/// the frames hold, in fewer bytes than plain crossterm would write.
#[test]
fn the_compact_backend_shows_the_frame_in_fewer_bytes() {
    use mlps::tui::backend::CompactBackend;
    use ratatui::layout::Size;
    let (w, h) = (200u16, 50u16);
    let (_dir, mut app) = demo_app();
    let size = Size::new(w, h);
    let (compact, plain) = (Wire::default(), Wire::default());
    let mut terminal = Terminal::new(CompactBackend::with_size(compact.clone(), size)).unwrap();
    let mut reference = Terminal::new(CompactBackend::plain(plain.clone(), size)).unwrap();
    let mut moves = 0;
    let (mut compact_bytes, mut plain_bytes) = (0, 0);
    for step in 0..24 {
        let (before_c, before_p) = (compact.0.borrow().len(), plain.0.borrow().len());
        let frame = terminal
            .draw(|f| mlps::tui::view::view(&app, f))
            .unwrap()
            .buffer
            .clone();
        reference.draw(|f| mlps::tui::view::view(&app, f)).unwrap();
        let shown = replay(&compact.0.borrow(), w as usize, h as usize);

        for (y, row) in shown.iter().enumerate() {
            let mut skip = false;
            for (x, cell) in row.iter().enumerate() {
                if std::mem::take(&mut skip) {
                    continue;
                }
                let want = expected(&frame[(x as u16, y as u16)]);
                assert_eq!(cell, &want, "step {step}, row {y}, column {x}");
                skip = unicode_width::UnicodeWidthStr::width(want.text.as_str()) == 2;
            }
        }
        if step > 0 {
            moves += 1;
            compact_bytes += compact.0.borrow().len() - before_c;
            plain_bytes += plain.0.borrow().len() - before_p;
        }
        // Down the clients, then into a Chinese client's networks.
        match step {
            0..=9 => act(&mut app, Action::Down),
            10 => chinese_client(&mut app),
            _ => act(&mut app, Action::Down),
        }
    }
    assert!(moves > 0);
    eprintln!("{compact_bytes} bytes against {plain_bytes} over {moves} moves");
    assert!(
        compact_bytes * 10 < plain_bytes * 9,
        "{compact_bytes} bytes against {plain_bytes}"
    );
}

/// The lines of a drawn screen, as the snapshot shows them.
fn lines(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| {
            l.trim_start_matches('"')
                .split("\"")
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn chinese_names_whole_at_200x50() {
    let (_dir, mut app) = demo_app();
    chinese_client(&mut app);
    let screen = draw(&app, 200, 50);
    support::assert_snapshot!("chinese_names_whole_at_200x50", screen.clone());
    // Every client in view shows its English and Chinese names whole.
    let shown: Vec<_> = app
        .clients
        .iter()
        .filter(|c| screen.contains(&c.name))
        .collect();
    assert!(shown.len() >= 20, "{screen}");
    for c in shown {
        assert!(
            screen.contains(&format!("{} {}", c.name, c.name_zh)),
            "{} {} cut:\n{screen}",
            c.name,
            c.name_zh
        );
    }
    // The networks pane is as tall as its three rows, its head and its
    // borders; the answers and timeline have the rest.
    let rows = lines(&screen);
    let top = rows
        .iter()
        .position(|l| l.contains("Networks 定级对象 3"))
        .unwrap();
    assert!(rows[top + 5].contains("└"), "{}", rows[top + 5]);
    assert!(rows[top + 6].contains("Answers"), "{}", rows[top + 6]);
}

#[test]
fn re_grading_needed_shows_whole_at_80x24() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Triage);
    let mlps::tui::app::Mode::Triage { rows, .. } = &app.mode else {
        panic!("triage opens")
    };
    let at = rows
        .iter()
        .position(|r| r.first().tier == mlps::domain::triage::Tier::Regrading)
        .expect("the demo has a network to re-grade");
    for _ in 0..at {
        act(&mut app, Action::Down);
    }
    act(&mut app, Action::Submit);
    let screen = draw(&app, 80, 24);
    let header = &lines(&screen)[1];
    assert!(header.contains("· 已备案第二级 · 需重新定级"), "{header}");
    support::assert_snapshot!("re_grading_needed_at_80x24", screen);
}

#[test]
fn the_focused_pane_is_marked_in_its_title() {
    let (_dir, mut app) = demo_app();
    app.color = false;
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("┌ ▸ Clients 客户 30"), "{screen}");
    for other in ["Contacts", "Networks", "Answers", "Timeline"] {
        assert!(screen.contains(&format!("┌ {other}")), "{screen}");
    }
    act(&mut app, Action::NextPane);
    act(&mut app, Action::NextPane);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("▸ Networks 定级对象 3"), "{screen}");
    assert!(!screen.contains("▸ Clients"), "{screen}");
    assert!(screen.contains("┌ Clients 客户 30"), "{screen}");
}

#[test]
fn zoom_fills_the_body_and_esc_or_z_restores() {
    let (_dir, mut app) = demo_app();
    app.focus = Pane::Networks;
    let normal = draw(&app, 80, 24);
    act(&mut app, Action::Zoom);
    assert!(app.zoom);
    let zoomed = draw(&app, 80, 24);
    support::assert_snapshot!("networks_zoomed_at_80x24", zoomed.clone());
    let rows = lines(&zoomed);
    // The header and the hints stay; the networks take the rest.
    assert!(rows[0].starts_with("Level 2 第二级"), "{zoomed}");
    assert!(
        rows[3].starts_with("┌ ▸ Networks 定级对象 3 · zoomed"),
        "{zoomed}"
    );
    assert!(rows[21].starts_with("└"), "{zoomed}");
    assert!(!zoomed.contains("Clients") && !zoomed.contains("Answers"));
    // The zoom follows the focus.
    act(&mut app, Action::NextPane);
    assert!(draw(&app, 80, 24).contains("▸ Answers 问卷答复 · zoomed"));
    act(&mut app, Action::PrevPane);
    act(&mut app, Action::Zoom);
    assert!(!app.zoom);
    assert_eq!(draw(&app, 80, 24), normal);
    act(&mut app, Action::Zoom);
    act(&mut app, Action::Cancel);
    assert!(!app.zoom);
    assert_eq!(draw(&app, 80, 24), normal);
}

#[test]
fn a_long_message_wraps_and_opens_in_full() {
    let (_dir, mut app) = demo_app();
    app.lang = mlps::domain::labels::Lang::En;
    let words: Vec<String> = (1..=30).map(|i| format!("word{i}")).collect();
    app.error(words.join(" "));
    let screen = draw(&app, 80, 24);
    // Wrapped onto the lines above the hints, none of it cut.
    for w in &words {
        assert!(
            screen.contains(&format!("{w} ")) || screen.contains(&format!("{w}\"")),
            "{w}: {screen}"
        );
    }
    let rows = lines(&screen);
    assert!(rows[20].starts_with("word1 word2"), "{screen}");
    assert!(rows[22].trim_end().ends_with("word30"), "{screen}");
    assert!(rows[23].starts_with("Enter edit"), "{screen}");
    // Longer than three lines: cut, and m shows it whole.
    let long: Vec<String> = (1..=80).map(|i| format!("part{i}")).collect();
    app.error(long.join(" "));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("… m: in full"), "{screen}");
    assert!(!screen.contains("part80"), "{screen}");
    act(&mut app, Action::Messages);
    let screen = draw(&app, 100, 30);
    support::assert_snapshot!("messages_overlay", screen.clone());
    assert!(screen.contains("part80"), "{screen}");
    act(&mut app, Action::Cancel);
    assert_eq!(app.mode, mlps::tui::app::Mode::Normal);
}

#[test]
fn the_agenda_names_clients_in_chinese_where_there_is_room() {
    let (_dir, mut app) = demo_app();
    act(&mut app, Action::Agenda);
    let mlps::tui::app::Mode::Agenda { rows, .. } = &app.mode else {
        panic!("the agenda opens")
    };
    let rows = rows.clone();
    let screen = draw(&app, 200, 50);
    let mut seen = 0;
    for r in rows.iter().take(40) {
        assert!(!r.client_zh.is_empty());
        assert!(
            screen.contains(&format!("{} {}", r.client, r.client_zh)),
            "{} {}:\n{screen}",
            r.client,
            r.client_zh
        );
        seen += 1;
    }
    assert!(seen > 30);
    // Narrower, the English name comes first and the rest is cut.
    let narrow = draw(&app, 120, 30);
    assert!(narrow.contains(&rows[0].client[..20]), "{narrow}");
}
