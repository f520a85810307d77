//! The commands of the `:` line, in one table: the line runs them, the
//! help overlay and the "unknown command" message list them from it.

use crate::tui::app::{App, Mode};
use crate::tui::edit;
use crate::tui::effect::{Effect, Reload};
use crate::tui::update;

/// One command of the `:` line.
pub struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// What follows the name, for help (`TEXT`, `[md|html] [DIR]`).
    pub args: &'static str,
    pub doc: &'static str,
    /// Refused in `--readonly`.
    pub edits: bool,
    /// What it does; the effects it asks for.
    pub run: fn(&mut App, &str) -> Vec<Effect>,
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "quit",
        aliases: &["q"],
        args: "",
        doc: "leave the case manager",
        edits: false,
        run: |app, _| {
            app.quit = true;
            Vec::new()
        },
    },
    Command {
        name: "agenda",
        aliases: &["renewals"],
        args: "",
        doc: "every client's open deadlines and renewals",
        edits: false,
        run: |app, _| vec![update::open_agenda(app)],
    },
    Command {
        name: "triage",
        aliases: &[],
        args: "",
        doc: "what needs attention, ranked, with next actions",
        edits: false,
        run: |app, _| vec![update::open_triage(app)],
    },
    Command {
        name: "help",
        aliases: &["h"],
        args: "",
        doc: "the keys and these commands",
        edits: false,
        run: |app, _| {
            app.mode = Mode::Help { scroll: 0 };
            Vec::new()
        },
    },
    Command {
        name: "undo",
        aliases: &[],
        args: "",
        doc: "undo this session's last edit",
        edits: true,
        run: |app, _| edit::undo(app),
    },
    Command {
        name: "filter",
        aliases: &["f"],
        args: "TEXT",
        doc: "only the focused list's rows that match TEXT (pinyin too)",
        edits: false,
        run: |app, arg| {
            app.filters[app.focus.index()] = arg.to_string();
            app.selected[app.focus.index()] = 0;
            Vec::new()
        },
    },
    Command {
        name: "jump",
        aliases: &["j"],
        args: "TEXT",
        doc: "fuzzy jump to a client, contact or network",
        edits: false,
        run: |app, arg| {
            app.mode = Mode::Fuzzy {
                query: arg.to_string(),
                hits: Vec::new(),
                selected: 0,
            };
            Vec::new()
        },
    },
    Command {
        name: "report",
        aliases: &[],
        args: "[md|html] [DIR]",
        doc: "the network's report, into DIR or here",
        edits: false,
        run: update::report_command,
    },
    Command {
        name: "reload",
        aliases: &[],
        args: "",
        doc: "read everything from the database again",
        edits: false,
        run: |_, _| vec![Effect::Reload(Reload::Command)],
    },
];

/// The command called `name`, by its name or an alias.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name))
}

/// `quit, agenda, …, filter TEXT, …`: every command with its arguments.
pub fn usage_list() -> String {
    COMMANDS
        .iter()
        .map(|c| c.usage())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Command {
    /// `filter TEXT`.
    pub fn usage(&self) -> String {
        if self.args.is_empty() {
            self.name.to_string()
        } else {
            format!("{} {}", self.name, self.args)
        }
    }
}
