//! `mlps export --format ics`: every open deadline and renewal as a
//! one-day, all-day event, for a calendar to import or subscribe to. The
//! feed keeps to RFC 5545: an event on day D ends on D + 1, and every
//! line is folded to at most 75 octets between characters.
//!
//! Each event's UID is made of the obligation's kind, its network's id
//! (and for fixes due, the date: one event per date) and the database's
//! own id, nothing that an edit changes, so the same
//! obligation keeps its UID from one export to the next: a subscribed
//! calendar moves the event when its date moves (a recorded evaluation
//! moves the renewal on) and drops it once the obligation is met.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Property};

use crate::domain::agenda::AgendaRow;
use crate::domain::model::Level;
use crate::domain::timeline::{DueKind, DueStatus};

/// Days before an obligation that a calendar reminds of it.
pub const ALARM_DAYS: [i64; 2] = [30, 7];

/// The stable UID of one obligation. A network's open fixes fall due on
/// several dates, one event each: their UID carries the date too
/// (`finding_due-n20-20261210@...`).
pub fn uid(database_id: &str, row: &AgendaRow) -> String {
    let date = if row.kind == DueKind::FindingDue {
        format!("-{}", row.due.format("%Y%m%d"))
    } else {
        String::new()
    };
    format!(
        "{}-n{}{date}@{}.mlps",
        row.kind.as_str(),
        row.network_id.0,
        database_id
    )
}

fn kind_words(kind: DueKind) -> &'static str {
    match kind {
        DueKind::SelfAssessment => "renewal: self-assessment 自查",
        DueKind::Evaluation => "renewal: evaluation 测评",
        DueKind::Filing => "filing deadline 备案",
        DueKind::Certificate => "certificate expected 备案证明",
        DueKind::CaseDone => "case expected done",
        DueKind::CertificateExpiry => "certificate expiry 备案证明到期",
        DueKind::FindingDue => "fix due 整改期限",
    }
}

/// Names, made safe to show anywhere: hidden characters (bidi overrides,
/// zero-width joiners) are written as visible escapes.
fn shown(text: &str) -> String {
    crate::text::escape_for_terminal(&crate::text::clean_line(text))
}

/// One obligation's summary: kind, client, network and level.
pub fn summary(row: &AgendaRow) -> String {
    format!(
        "MLPS {}: {} / {} (level {})",
        kind_words(row.kind),
        shown(&row.client),
        shown(&row.network),
        row.level
    )
}

/// The calendar of `rows` (the open obligations, see
/// [`crate::service::agenda::rows`]), stamped `now`.
pub fn write(database_id: &str, rows: &[AgendaRow], now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//mlps//MLPS case manager//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", "MLPS deadlines and renewals"),
    ] {
        calendar.append_property(Property::new(key, value));
    }
    for row in rows {
        calendar.push(event(database_id, row, now));
    }
    refold(&calendar.done().to_string())
}

/// The longest content line RFC 5545 (3.1) allows, in octets, its CRLF not
/// counted.
const LINE_OCTETS: usize = 75;

/// `text` with every content line folded to at most [`LINE_OCTETS`]
/// octets, never inside a character.
///
/// The iCalendar library folds as it writes, but a line's last piece of
/// exactly 75 octets comes out as a 76-octet line (75 and the folding
/// space), so its folds are undone and the lines folded again here. Undoing
/// them is safe: the library writes a line break in a value only as the
/// escape `\n`, and names come through [`shown`], without control
/// characters, so `CRLF SPACE` in its text is always a fold.
fn refold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for line in text.replace("\r\n ", "").split_terminator("\r\n") {
        let mut rest = line;
        // The first piece has the whole line; the others start with the
        // folding space.
        let mut room = LINE_OCTETS;
        while rest.len() > room {
            let mut cut = room;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            room = LINE_OCTETS - 1;
        }
        out.push_str(rest);
        out.push_str("\r\n");
    }
    out
}

fn event(database_id: &str, row: &AgendaRow, now: DateTime<Utc>) -> Event {
    let summary = summary(row);
    let mut level = Level::new(row.level).map_or(String::new(), |l| format!(" ({})", l.name()));
    if let Some(most) = row.max_level {
        level.push_str(&format!(
            "; provisional: open answers could raise it to {most}"
        ));
    }
    let state = if row.days_left < 0 {
        format!("overdue by {} days", -row.days_left)
    } else {
        format!("{} days left", row.days_left)
    };
    let description = format!(
        "Client: {}\nNetwork: {}\nLevel: {}{level}\nKind: {} ({})\nDue: {} ({state} when exported)\n\
         Exported by mlps; the date follows the case: export again to update.",
        shown(&row.client),
        shown(&row.network),
        row.level,
        row.kind.as_str(),
        kind_words(row.kind),
        row.due,
    );
    let mut e = Event::new();
    e.uid(&uid(database_id, row))
        .summary(&summary)
        .description(&description)
        .starts(row.due)
        .timestamp(now)
        .add_property("CATEGORIES", "MLPS");
    // A one-day event ends the next day (RFC 5545 3.6.1: DTEND is not
    // inclusive; the library's `all_day` sets it to the start day itself).
    // A date with no next day gets no DTEND, which RFC 5545 reads as one
    // day too.
    if let Some(next) = row.due.succ_opt() {
        e.ends(next);
    }
    if row.status == DueStatus::Overdue {
        e.add_property("PRIORITY", "1");
    }
    let uid = uid(database_id, row);
    for days in ALARM_DAYS {
        let mut alarm = Alarm::display(
            &format!("{summary}: due in {days} days"),
            -Duration::days(days),
        );
        // Stable too, instead of a new random one each export.
        alarm.uid(&format!("{days}d-{uid}")).timestamp(now);
        e.alarm(alarm);
    }
    e.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{ClientId, NetworkId};
    use chrono::NaiveDate;

    fn row(client: String, due: NaiveDate) -> AgendaRow {
        AgendaRow {
            client,
            network: "Online shop 网上商城".into(),
            level: 3,
            max_level: None,
            kind: DueKind::Evaluation,
            due,
            days_left: 30,
            status: DueStatus::Due,
            client_id: ClientId(1),
            network_id: NetworkId(2),
            client_zh: String::new(),
        }
    }

    #[test]
    fn every_event_ends_the_next_day_on_lines_of_75_octets_at_most() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        // Names of every length, so that folds fall at every place.
        let rows: Vec<AgendaRow> = (1..160)
            .flat_map(|n| {
                [
                    row("x".repeat(n), due),
                    row(format!("{} 重庆", "长".repeat(n % 60)), due),
                ]
            })
            .collect();
        let feed = write("db", &rows, Utc::now());
        for line in feed.split_terminator("\r\n") {
            assert!(line.len() <= LINE_OCTETS, "{} octets: {line}", line.len());
        }
        let unfolded = feed.replace("\r\n ", "");
        assert_eq!(
            unfolded.matches("DTSTART;VALUE=DATE:20261231\r\n").count(),
            rows.len()
        );
        assert_eq!(
            unfolded.matches("DTEND;VALUE=DATE:20270101\r\n").count(),
            rows.len()
        );
        assert!(unfolded.contains(&format!(
            "SUMMARY:MLPS renewal: evaluation 测评: {} / ",
            "x".repeat(159)
        )));
    }

    #[test]
    fn lines_are_folded_to_75_octets_between_characters() {
        for line in [
            "SUMMARY:".to_string() + &"x".repeat(67),
            "SUMMARY:".to_string() + &"x".repeat(68),
            // A last piece of exactly 74 and of 75 octets.
            "SUMMARY:".to_string() + &"x".repeat(67 + 74),
            "SUMMARY:".to_string() + &"x".repeat(67 + 75),
            "DESCRIPTION:".to_string() + &"测评".repeat(100),
            "DESCRIPTION:a".to_string() + &"🚀".repeat(50) + " end",
        ] {
            let folded = refold(&format!("BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n"));
            let physical: Vec<&str> = folded.split_terminator("\r\n").collect();
            assert!(physical.iter().all(|l| l.len() <= LINE_OCTETS), "{folded}");
            assert_eq!(
                folded.replace("\r\n ", ""),
                format!("BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
            );
        }
        // What the library folded is folded the same way again.
        let once = refold(&format!("X:{}\r\n", "长".repeat(60)));
        assert_eq!(refold(&once), once);
    }
}
