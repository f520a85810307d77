//! What a key can ask the case manager to do. Keys reach the app only as
//! these actions, through the keymap.

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
    }
);

impl Action {
    /// One line for the help overlay and the hint bar.
    pub fn describe(self) -> &'static str {
        match self {
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "left",
            Action::Right => "right",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Edit => "edit",
            Action::Add => "add",
            Action::Delete => "delete",
            Action::Filter => "filter this list",
            Action::FuzzyJump => "jump to a client, network or contact",
            Action::Agenda => "renewals agenda",
            Action::History => "change history (who, when, what)",
            Action::Undo => "undo the last edit",
            Action::Help => "help",
            Action::Command => "command line",
            Action::Quit => "quit",
            Action::Cancel => "cancel / back",
            Action::Submit => "confirm / save",
            Action::NextField => "next field",
            Action::PrevField => "previous field",
            Action::Today => "today's date",
            Action::ClearField => "make unknown",
            Action::Toggle => "toggle",
            Action::Override => "override the harm",
            Action::Report => "write the network's report (Markdown)",
            Action::Triage => "what needs attention today (triage)",
            Action::Sort => "sort by the next column",
            Action::Details => "client details (credit code, address, contacts, notes)",
            Action::Zoom => "zoom the focused pane (again or Esc restores)",
            Action::Messages => "the latest messages, in full",
            Action::Questionnaire => "questionnaire mode: the open questions, one key per answer",
            Action::Language => "interface language: 中文, English, both",
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
        )
    }
}
