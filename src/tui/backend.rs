//! A terminal backend that writes fewer bytes per frame, which matters
//! over SSH. ratatui sends only the cells that changed, and crossterm's
//! backend moves the cursor (`ESC [ row ; col H`, up to 9 bytes) before
//! every run of them that does not follow the last cell written. Two
//! common cases need no move:
//!
//! - a short gap of unchanged plain cells in the same style between two
//!   changes on a row (a new name that shares letters with the old one):
//!   writing the gap again is shorter than jumping it;
//! - the cell after a double-width character (CJK): the terminal cursor is
//!   already there, but crossterm's backend only knows single-width steps.
//!
//! This backend keeps a copy of what the terminal shows, so it can fill
//! such gaps with what is already there. It also moves right on a row
//! with `ESC [ n C`, and changes style with one SGR sequence naming only
//! what changes (`ESC [ 90 m` for dark grey, where crossterm's backend
//! writes `ESC [ 38;5;8;49 m`). Underline colours are not written (the
//! case manager sets none). Clearing, the cursor and sizes are
//! crossterm's.

use std::io::Write;

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Cell, CellDiffOption};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The longest gap written again rather than jumped.
const MAX_GAP: u16 = 8;

pub struct CompactBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, row by row; `None` when unknown (after a
    /// partial clear, until the next full one).
    shadow: Option<Shadow>,
    /// The size, when not the terminal's (tests).
    fixed: Option<Size>,
    /// Write as crossterm's backend does (to compare with).
    crossterm: bool,
}

struct Shadow {
    width: u16,
    height: u16,
    cells: Vec<Cell>,
}

impl Shadow {
    fn blank(size: Size) -> Shadow {
        Shadow {
            width: size.width,
            height: size.height,
            cells: vec![Cell::default(); usize::from(size.width) * usize::from(size.height)],
        }
    }

    fn get(&self, x: u16, y: u16) -> Option<&Cell> {
        (x < self.width && y < self.height)
            .then(|| &self.cells[usize::from(y) * usize::from(self.width) + usize::from(x)])
    }

    fn set(&mut self, x: u16, y: u16, cell: &Cell) {
        if x < self.width && y < self.height {
            self.cells[usize::from(y) * usize::from(self.width) + usize::from(x)] = cell.clone();
        }
    }
}

/// The style the terminal writes with, changed with one SGR sequence that
/// names only what changes (crossterm's backend resets and sets more).
#[derive(Default)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    fn change(&mut self, out: &mut Vec<u8>, cell: &Cell) {
        let mut codes: Vec<String> = Vec::new();
        let (from, to) = (self.modifier, cell.modifier);
        let removed = from - to;
        let added = to - from;
        if removed.intersects(Modifier::BOLD | Modifier::DIM) {
            // 22 ends both bold and dim: the one that stays comes back.
            codes.push("22".into());
            for (m, code) in [(Modifier::BOLD, "1"), (Modifier::DIM, "2")] {
                if to.contains(m) && !added.contains(m) {
                    codes.push(code.into());
                }
            }
        }
        for (m, code) in [
            (Modifier::ITALIC, "23"),
            (Modifier::UNDERLINED, "24"),
            (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK, "25"),
            (Modifier::REVERSED, "27"),
            (Modifier::HIDDEN, "28"),
            (Modifier::CROSSED_OUT, "29"),
        ] {
            if removed.intersects(m) {
                codes.push(code.into());
            }
        }
        for (m, code) in [
            (Modifier::BOLD, "1"),
            (Modifier::DIM, "2"),
            (Modifier::ITALIC, "3"),
            (Modifier::UNDERLINED, "4"),
            (Modifier::SLOW_BLINK, "5"),
            (Modifier::RAPID_BLINK, "6"),
            (Modifier::REVERSED, "7"),
            (Modifier::HIDDEN, "8"),
            (Modifier::CROSSED_OUT, "9"),
        ] {
            if added.contains(m) {
                codes.push(code.into());
            }
        }
        // A blink that stays after 25 ended both comes back.
        if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
            for (m, code) in [(Modifier::SLOW_BLINK, "5"), (Modifier::RAPID_BLINK, "6")] {
                if to.contains(m) && !added.contains(m) {
                    codes.push(code.into());
                }
            }
        }
        if cell.fg != self.fg {
            codes.push(sgr_color(cell.fg, false));
        }
        if cell.bg != self.bg {
            codes.push(sgr_color(cell.bg, true));
        }
        if !codes.is_empty() {
            out.extend_from_slice(b"\x1b[");
            out.extend_from_slice(codes.join(";").as_bytes());
            out.push(b'm');
        }
        self.fg = cell.fg;
        self.bg = cell.bg;
        self.modifier = to;
    }
}

/// The SGR parameters of a colour, as foreground or background.
pub fn sgr_color(color: Color, background: bool) -> String {
    let base = |n: u8| (if background { n + 10 } else { n }).to_string();
    let extended = if background { "48" } else { "38" };
    match color {
        Color::Reset => base(39),
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(n) => format!("{extended};5;{n}"),
        Color::Rgb(r, g, b) => format!("{extended};2;{r};{g};{b}"),
    }
}

/// How far the terminal cursor moves writing `cell`.
fn columns(cell: &Cell) -> u16 {
    u16::try_from(cell.symbol().width()).unwrap_or(1)
}

fn same_style(a: &Cell, b: &Cell) -> bool {
    a.fg == b.fg
        && a.bg == b.bg
        && a.modifier == b.modifier
        && a.underline_color == b.underline_color
}

/// A cell that can be written again as it is: one printable ASCII
/// character, drawn by ratatui.
fn plain(cell: &Cell) -> bool {
    let s = cell.symbol().as_bytes();
    cell.diff_option != CellDiffOption::Skip && s.len() == 1 && (0x20..0x7f).contains(&s[0])
}

impl<W: Write> CompactBackend<W> {
    /// A backend for a screen that has just been cleared (the alternate
    /// screen, entered).
    pub fn new(writer: W) -> Self {
        let mut backend = CompactBackend {
            inner: CrosstermBackend::new(writer),
            shadow: None,
            fixed: None,
            crossterm: false,
        };
        backend.shadow = backend.size().ok().map(Shadow::blank);
        backend
    }

    /// [`CompactBackend::new`] for a screen of `size` (tests).
    pub fn with_size(writer: W, size: Size) -> Self {
        CompactBackend {
            inner: CrosstermBackend::new(writer),
            shadow: Some(Shadow::blank(size)),
            fixed: Some(size),
            crossterm: false,
        }
    }

    /// The cells to write: `content`, with short gaps filled from the
    /// shadow, so that the cursor moves only where it must.
    /// A backend that writes what crossterm's would, for comparison.
    pub fn plain(writer: W, size: Size) -> Self {
        CompactBackend {
            inner: CrosstermBackend::new(writer),
            shadow: None,
            fixed: Some(size),
            crossterm: true,
        }
    }

    fn plan(&mut self, content: Vec<(u16, u16, Cell)>) -> Vec<(u16, u16, Cell)> {
        let Some(shadow) = self.shadow.as_mut() else {
            return content;
        };
        let mut out: Vec<(u16, u16, Cell)> = Vec::with_capacity(content.len() * 2);
        // Where the terminal cursor is after the last cell written.
        let mut cursor: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            let last = out.last().map(|(_, _, c)| c.clone());
            if let (Some((cx, cy)), Some(prev)) = (cursor, last)
                && cy == y
                && cx < x
                && x - cx <= MAX_GAP
            {
                let gap: Option<Vec<Cell>> = (cx..x)
                    .map(|gx| {
                        shadow
                            .get(gx, y)
                            .filter(|c| plain(c) && same_style(c, &prev))
                            .cloned()
                    })
                    .collect();
                if let Some(gap) = gap {
                    out.extend(gap.into_iter().zip(cx..x).map(|(c, gx)| (gx, y, c)));
                }
            }
            shadow.set(x, y, &cell);
            let width = columns(&cell);
            // The columns a wide character covers show part of it: never
            // written again as a gap.
            for covered in 1..width {
                let mut half = Cell::default();
                half.set_symbol("");
                shadow.set(x.saturating_add(covered), y, &half);
            }
            cursor = Some((x.saturating_add(width), y));
            out.push((x, y, cell));
        }
        out
    }
}

impl<W: Write> Write for CompactBackend<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for CompactBackend<W> {
    type Error = std::io::Error;

    fn draw<'a, I>(&mut self, content: I) -> std::io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        if self.crossterm {
            return self.inner.draw(content);
        }
        let content: Vec<(u16, u16, Cell)> = content.map(|(x, y, c)| (x, y, c.clone())).collect();
        if content.is_empty() {
            return Ok(());
        }
        let planned = self.plan(content);
        let mut out = Vec::with_capacity(planned.len() * 2);
        let mut pen = Pen::default();
        let mut at: Option<(u16, u16)> = None;
        for (x, y, cell) in &planned {
            match at {
                Some((ax, ay)) if ay == *y && ax == *x => {}
                // Forward on the same row: the shorter move.
                Some((ax, ay)) if ay == *y && ax < *x => {
                    let _ = write!(out, "\x1b[{}C", x - ax);
                }
                _ => {
                    let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
                }
            }
            pen.change(&mut out, cell);
            out.extend_from_slice(cell.symbol().as_bytes());
            at = Some((x.saturating_add(columns(cell)), *y));
        }
        out.extend_from_slice(b"\x1b[0m");
        self.inner.write_all(&out)
    }

    fn append_lines(&mut self, n: u16) -> std::io::Result<()> {
        self.shadow = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> std::io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> std::io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> std::io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> std::io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> std::io::Result<()> {
        self.inner.clear()?;
        if self.shadow.is_some() || self.fixed.is_none() {
            self.shadow = self.size().ok().map(Shadow::blank);
        }
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> std::io::Result<()> {
        if clear_type == ClearType::All {
            return self.clear();
        }
        self.shadow = None;
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> std::io::Result<Size> {
        match self.fixed {
            Some(size) => Ok(size),
            None => self.inner.size(),
        }
    }

    fn window_size(&mut self) -> std::io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}
