//! What a key can ask the case manager to do. Keys reach the app only as
//! these actions, through the keymap.

use std::borrow::Cow;

use crate::domain::labels::{Label, Lang};
use crate::id_enum;

id_enum!(
    /// Every action a key can be bound to, by its name in `keymap.toml`.
    Action {
        NextPane => "next_pane",
        PrevPane => "prev_pane",
        Up => "up",
        Down => "down",
        Left => "left",
        Right => "right",
        PageUp => "page_up",
        PageDown => "page_down",
        Top => "top",
        Bottom => "bottom",
        Edit => "edit",
        Add => "add",
        Delete => "delete",
        Filter => "filter",
        FuzzyJump => "fuzzy_jump",
        Agenda => "agenda",
        /// Who changed the selected network or client, when, and what.
        History => "history",
        /// Write the selected network's grading report to a file.
        Report => "report",
        Undo => "undo",
        Help => "help",
        Command => "command",
        Quit => "quit",
        Cancel => "cancel",
        /// Confirm a dialog or submit a form.
        Submit => "submit",
        NextField => "next_field",
        PrevField => "prev_field",
        /// Set a date field to today.
        Today => "today",
        /// Make the field's answer unknown (empty).
        ClearField => "clear_field",
        /// Flip a yes/no answer or the flag under the cursor.
        Toggle => "toggle",
        /// Edit the override of the selected aspect.
        Override => "override",
        Triage => "triage",
        Sort => "sort",
        /// Show the selected client's details (read-only).
        Details => "details",
        /// The focused pane over the whole body, or back.
        Zoom => "zoom",
        /// The latest status messages, in full.
        Messages => "messages",
        /// Walk the selected network's unanswered questions, one key per
        /// answer.
        Questionnaire => "questionnaire",
        /// Switch the interface language: 中文, English, both.
        Language => "language",
        /// The Gaps view of the selected network (findings by control
        /// point, the predicted result).
        Gaps => "gaps",
        /// In the Gaps view: findings at the cursor (or marked) to open.
        MarkOpen => "mark_open",
        MarkInProgress => "mark_in_progress",
        MarkFixed => "mark_fixed",
        MarkVerified => "mark_verified",
        /// In the Gaps view: every applicable point, or only those with
        /// findings.
        ShowAll => "show_all",
        /// In the Gaps view: all findings, open only, high only, mine.
        CycleFilter => "cycle_filter",
    }
);

impl Action {
    /// One line for the help overlay, in `lang`.
    pub fn describe(self, lang: Lang) -> Cow<'static, str> {
        self.description().get(lang)
    }

    /// What the action does, in both languages.
    pub fn description(self) -> Label {
        match self {
            Action::NextPane => Label::new("next pane", "下一个窗格"),
            Action::PrevPane => Label::new("previous pane", "上一个窗格"),
            Action::Up => Label::new("up", "向上"),
            Action::Down => Label::new("down", "向下"),
            Action::Left => Label::new("left", "向左"),
            Action::Right => Label::new("right", "向右"),
            Action::PageUp => Label::new("page up", "上一页"),
            Action::PageDown => Label::new("page down", "下一页"),
            Action::Top => Label::new("first row", "第一行"),
            Action::Bottom => Label::new("last row", "最后一行"),
            Action::Edit => Label::new("edit", "编辑"),
            Action::Add => Label::new("add", "新增"),
            Action::Delete => Label::new("delete", "删除"),
            Action::Filter => Label::new("filter this list", "筛选此列表"),
            Action::FuzzyJump => Label::new(
                "jump to a client, network or contact",
                "跳转到客户、定级对象或联系人",
            ),
            Action::Agenda => Label::new("renewals agenda", "续期日程"),
            Action::History => Label::new(
                "change history (who, when, what)",
                "变更历史（谁、何时、改了什么）",
            ),
            Action::Undo => Label::new("undo the last edit", "撤销上一次编辑"),
            Action::Help => Label::new("help", "帮助"),
            Action::Command => Label::new("command line", "命令行"),
            Action::Quit => Label::new("quit", "退出"),
            Action::Cancel => Label::new("cancel / back", "取消 / 返回"),
            Action::Submit => Label::new("confirm / save", "确认 / 保存"),
            Action::NextField => Label::new("next field", "下一个字段"),
            Action::PrevField => Label::new("previous field", "上一个字段"),
            Action::Today => Label::new("today's date", "填今天的日期"),
            Action::ClearField => Label::new("make unknown", "设为未知"),
            Action::Toggle => Label::new("toggle", "切换"),
            Action::Override => Label::new("override the harm", "调整侵害判定"),
            Action::Report => Label::new(
                "write the network's report (Markdown)",
                "写出该定级对象的定级报告（Markdown）",
            ),
            Action::Triage => Label::new(
                "what needs attention today (triage)",
                "今天需要处理的事项（待办）",
            ),
            Action::Sort => Label::new("sort by the next column", "按下一列排序"),
            Action::Details => Label::new(
                "client details (credit code, address, contacts, notes)",
                "客户详情（信用代码、地址、联系人、备注）",
            ),
            Action::Zoom => Label::new(
                "zoom the focused pane (again or Esc restores)",
                "当前窗格全屏（再按或 Esc 还原）",
            ),
            Action::Messages => Label::new("the latest messages, in full", "最近的消息全文"),
            Action::Questionnaire => Label::new(
                "questionnaire mode: the open questions, one key per answer",
                "问卷模式：逐一回答未答问题，一键一答",
            ),
            Action::Language => Label::new(
                "interface language: 中文, English, both",
                "界面语言：中文、英文、中英双语",
            ),
            Action::Gaps => Label::new(
                "gaps: the network's findings and predicted result",
                "差距与整改：问题清单与预测测评结论",
            ),
            Action::MarkOpen => Label::new("finding(s) open again", "问题改为待整改"),
            Action::MarkInProgress => Label::new("finding(s) in progress", "问题改为整改中"),
            Action::MarkFixed => Label::new("finding(s) fixed today", "问题今天已整改"),
            Action::MarkVerified => Label::new("finding(s) verified today", "问题今天已验证"),
            Action::CycleFilter => Label::new(
                "show: all, open only, high risk only, mine",
                "显示：全部、仅未整改、仅高风险、我负责的",
            ),
            Action::ShowAll => Label::new(
                "all applicable control points, or only those with findings",
                "显示全部适用控制点 / 仅有问题的",
            ),
        }
    }

    /// Whether the action changes data: hidden and refused in `--readonly`.
    pub fn edits(self) -> bool {
        matches!(
            self,
            Action::Edit
                | Action::Add
                | Action::Delete
                | Action::Undo
                | Action::Override
                | Action::ClearField
                | Action::Questionnaire
                | Action::MarkOpen
                | Action::MarkInProgress
                | Action::MarkFixed
                | Action::MarkVerified
        )
    }
}
