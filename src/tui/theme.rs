//! Styles, with colour only when the terminal should show it (`NO_COLOR`
//! turns it off; emphasis then comes from bold, reverse and underline).

use ratatui::style::{Color, Modifier, Style};

use crate::domain::timeline::DueStatus;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn normal(&self) -> Style {
        Style::default()
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().add_modifier(Modifier::UNDERLINED)
        }
    }

    pub fn dim(&self) -> Style {
        if self.color {
            self.fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn open(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::ITALIC)
    }

    pub fn highlight(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn level(&self) -> Style {
        self.fg(Color::White).add_modifier(Modifier::BOLD)
    }

    pub fn warning(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn saved(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn status(&self, s: DueStatus) -> Style {
        match s {
            DueStatus::Overdue => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            DueStatus::Due => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            DueStatus::Upcoming => self.normal(),
            DueStatus::Done => self.fg(Color::Green),
            DueStatus::Late => self.fg(Color::Magenta),
        }
    }
}
