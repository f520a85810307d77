//! The interactive case manager: The Elm Architecture. `App` is the state,
//! `update` the only place that changes it (with no I/O: it returns
//! effects, which the [`session::Session`] carries out and answers with
//! messages), `view` only draws; keys become [`Action`]s through the
//! [`keymap`].

pub mod action;
pub mod app;
pub mod backend;
pub mod commands;
pub mod connection;
pub mod edit;
pub mod effect;
pub mod form;
pub mod gaps;
pub mod keymap;
pub mod panes;
pub mod reads;
pub mod session;
pub mod theme;
pub mod update;
pub mod view;
pub mod words;

pub use action::Action;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers,
};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use crate::error::{Error, Result};
use app::{App, Mode, Msg};
use keymap::Section;
use session::Session;

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
        // Letters, digits and symbols answer; Up and Down (as [global]
        // binds them) move in the lists; the [form] keys do the rest (Tab
        // skips, Ctrl-u makes unknown, Space ticks a flag).
        Mode::Questionnaire(_) => {
            if let Some(c) = plain.filter(|c| *c != ' ') {
                return Some(Msg::Char(c));
            }
            if backspace {
                return Some(Msg::Backspace);
            }
            match app.keymap.lookup(Section::Global, key) {
                Some(a @ (Action::Up | Action::Down)) => Some(Msg::Action(a)),
                _ => app.keymap.lookup(Section::Form, key).map(Msg::Action),
            }
        }
        Mode::Confirm { .. } => match plain {
            Some(c @ ('y' | 'n')) => Some(Msg::Char(c)),
            _ => app.keymap.lookup(Section::Form, key).map(Msg::Action),
        },
        Mode::Conflict { .. } => match plain {
            Some(c @ ('r' | 'o')) => Some(Msg::Char(c)),
            _ => app.keymap.lookup(Section::Form, key).map(Msg::Action),
        },
        _ => app.keymap.lookup(app.section(), key).map(Msg::Action),
    }
}

/// Runs the case manager until the user quits. The terminal is restored on
/// every way out, panics included. `scratch` is a directory to remove on
/// the way out even when the terminal is gone (the `--demo` database).
pub fn run(mut session: Session, scratch: Option<std::path::PathBuf>) -> Result<()> {
    // SIGTERM, SIGHUP (a dropped SSH connection) and SIGINT end the loop
    // like `q`, so the terminal is restored.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::runtime(format!("cannot watch signals: {e}")))?;
    }
    let mut terminal =
        start_terminal().map_err(|e| Error::runtime(format!("cannot start the terminal: {e}")))?;
    // Pasted text arrives as one event instead of keys. A panic restores
    // the terminal before its message shows.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        ratatui::restore();
        previous(info);
    }));
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    let done = Arc::new(AtomicBool::new(false));
    watch_for_hangup(Arc::clone(&stop), Arc::clone(&done), scratch);
    let result = event_loop(&mut session, &mut terminal, &stop);
    done.store(true, Ordering::Relaxed);
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

type Screen = ratatui::Terminal<backend::CompactBackend<std::io::Stdout>>;

/// Raw mode and the alternate screen, drawn through [`backend::CompactBackend`].
fn start_terminal() -> std::io::Result<Screen> {
    crossterm::terminal::enable_raw_mode()?;
    let entered = crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)
        .and_then(|()| ratatui::Terminal::new(backend::CompactBackend::new(std::io::stdout())));
    if entered.is_err() {
        ratatui::restore();
    }
    entered
}

/// When the terminal goes away (a dropped SSH connection) the event reader
/// may wait on it for ever, so a watcher ends the process: every edit is
/// already on disk, so only the terminal and `scratch` need seeing to.
/// Signals first ask the event loop to stop; if it has not within a second
/// (it is stuck on a dead terminal), the watcher ends the process itself.
fn watch_for_hangup(
    stop: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
    scratch: Option<std::path::PathBuf>,
) {
    std::thread::spawn(move || {
        let mut asked_at: Option<std::time::Instant> = None;
        loop {
            std::thread::sleep(Duration::from_millis(200));
            if done.load(Ordering::Relaxed) {
                return;
            }
            if terminal_hung_up() {
                stop.store(true, Ordering::Relaxed);
                asked_at.get_or_insert_with(std::time::Instant::now);
            } else if stop.load(Ordering::Relaxed) {
                asked_at.get_or_insert_with(std::time::Instant::now);
            }
            if asked_at.is_some_and(|t| t.elapsed() > Duration::from_secs(1)) {
                if let Some(dir) = &scratch {
                    let _ = std::fs::remove_dir_all(dir);
                }
                // A dead terminal has nothing to restore, and touching it
                // can end the process before it exits cleanly.
                if !terminal_hung_up() {
                    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
                    ratatui::restore();
                }
                std::process::exit(0);
            }
        }
    });
}

/// Whether the controlling terminal has hung up.
fn terminal_hung_up() -> bool {
    let mut fd = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// How long a key's frame waits for the reads it asked for; a slower
/// database (over SSH) gets a frame first and its answer after.
const READ_WAIT: Duration = Duration::from_millis(12);

fn event_loop(session: &mut Session, terminal: &mut Screen, stop: &AtomicBool) -> Result<()> {
    let io = |e: std::io::Error| Error::runtime(format!("terminal: {e}"));
    let mut dirty = true;
    // The update side has no clock: time reaches it as `Msg::Tick`, the
    // time since this moment.
    let started = std::time::Instant::now();
    loop {
        if dirty {
            terminal.draw(|f| view::view(&session.app, f)).map_err(io)?;
            dirty = false;
        }
        if session.app.quit || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        // Other sessions' writes show within a poll interval; a database
        // that went away is tried again a few seconds apart.
        if session.poll() {
            // What a change asks to read again shows in the same frame.
            session.await_reads(READ_WAIT);
            dirty = true;
            continue;
        }
        // Work that can wait is done a slice at a time while no key
        // comes; it changes nothing on the screen.
        let idle = session.app.idle_work();
        let wait = Duration::from_millis(if idle { 0 } else { 250 });
        if !event::poll(wait).map_err(io)? {
            // A status message that has had its time goes.
            if session.app.wants_tick() {
                session.send(Msg::Tick(started.elapsed()));
                dirty = session.app.status.is_none();
            }
            if idle {
                session.send(Msg::Idle);
                continue;
            }
            // A terminal that went away (a dropped SSH connection) gives no
            // events and no error; asking its size does fail.
            if crossterm::terminal::size().is_err() {
                return Ok(());
            }
            continue;
        }
        dirty = true;
        // The key's message is timed from now.
        session.send(Msg::Tick(started.elapsed()));
        match event::read().map_err(io)? {
            Event::Paste(text) => session.send(Msg::Paste(text)),
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(msg) = key_to_msg(&session.app, &key) {
                    session.send(msg);
                }
            }
            // A resize is drawn at the new size on the next pass.
            _ => {}
        }
        // What the key asked for is usually in within a millisecond: wait
        // that long, so the key and its data show in one frame.
        session.await_reads(READ_WAIT);
    }
}
