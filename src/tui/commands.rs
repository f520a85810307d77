//! The commands of the `:` line, in one table: the line runs them, the
//! help overlay and the "unknown command" message list them from it.

use crate::domain::labels::Label;
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
    /// What it does, for help.
    pub doc: Label,
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
        doc: Label::new("leave the case manager", "退出案件管理器"),
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
        doc: Label::new(
            "every client's open deadlines and renewals",
            "所有客户未完成的期限和续期",
        ),
        edits: false,
        run: |app, _| vec![update::open_agenda(app)],
    },
    Command {
        name: "triage",
        aliases: &[],
        args: "",
        doc: Label::new(
            "what needs attention, ranked, with next actions",
            "需要处理的事项，按轻重排列，附下一步",
        ),
        edits: false,
        run: |app, _| vec![update::open_triage(app)],
    },
    Command {
        name: "help",
        aliases: &["h"],
        args: "",
        doc: Label::new("the keys and these commands", "按键和这些命令"),
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
        doc: Label::new("undo this session's last edit", "撤销本次会话的上一次编辑"),
        edits: true,
        run: |app, _| edit::undo(app),
    },
    Command {
        name: "filter",
        aliases: &["f"],
        args: "TEXT",
        doc: Label::new(
            "only the focused list's rows that match TEXT (pinyin too)",
            "当前列表只显示匹配 TEXT 的行（支持拼音）",
        ),
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
        doc: Label::new(
            "fuzzy jump to a client, contact or network",
            "模糊跳转到客户、联系人或网络",
        ),
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
        doc: Label::new(
            "the network's report, into DIR or here",
            "该网络的报告，写入 DIR 或当前目录",
        ),
        edits: false,
        run: update::report_command,
    },
    Command {
        name: "reload",
        aliases: &[],
        args: "",
        doc: Label::new(
            "read everything from the database again",
            "从数据库重新读取全部内容",
        ),
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
