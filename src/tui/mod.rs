//! The interactive case manager: The Elm Architecture. `App` is the state,
//! `update` the only place that changes it, `view` only draws; keys become
//! [`Action`]s through the [`keymap`].

pub mod action;
pub mod app;
pub mod edit;
pub mod form;
pub mod keymap;
pub mod panes;
pub mod theme;
pub mod view;

pub use action::Action;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::error::{Error, Result};
use app::{App, Mode, Msg, update};
use keymap::Section;

/// Turns a key into what the app is told: typed text where a field, query
/// or filter takes it, else the action the keymap binds to the key.
pub fn key_to_msg(app: &App, key: &KeyEvent) -> Option<Msg> {
    let plain = match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    };
    let backspace = key.code == KeyCode::Backspace;
    match &app.mode {
        Mode::Form { form, .. } => {
            if let Some(c) = plain.filter(|c| form.fields[form.focus].accepts(*c)) {
                return Some(Msg::Char(c));
            }
            if backspace {
                return Some(Msg::Backspace);
            }
            app.keymap.lookup(Section::Form, key).map(Msg::Action)
        }
        Mode::Fuzzy { .. } | Mode::Filter | Mode::Command { .. } => {
            if let Some(c) = plain {
                return Some(Msg::Char(c));
            }
            if backspace {
                return Some(Msg::Backspace);
            }
            app.keymap.lookup(Section::Form, key).map(Msg::Action)
        }
        Mode::Confirm { .. } => match plain {
            Some(c @ ('y' | 'n')) => Some(Msg::Char(c)),
            _ => app.keymap.lookup(Section::Form, key).map(Msg::Action),
        },
        _ => app.keymap.lookup(app.section(), key).map(Msg::Action),
    }
}

/// Runs the case manager until the user quits. The terminal is restored on
/// every way out, panics included.
pub fn run(mut app: App) -> Result<()> {
    let mut terminal = ratatui::try_init()
        .map_err(|e| Error::runtime(format!("cannot start the terminal: {e}")))?;
    let result = event_loop(&mut app, &mut terminal);
    ratatui::restore();
    result
}

fn event_loop(app: &mut App, terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    let io = |e: std::io::Error| Error::runtime(format!("terminal: {e}"));
    loop {
        terminal.draw(|f| view::view(app, f)).map_err(io)?;
        if app.quit {
            return Ok(());
        }
        match event::read().map_err(io)? {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(msg) = key_to_msg(app, &key) {
                    update(app, msg);
                }
            }
            // A resize is drawn at the new size on the next pass.
            _ => {}
        }
    }
}
