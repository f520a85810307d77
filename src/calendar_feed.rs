//! `mlps export --format ics`: every open deadline and renewal as an
//! all-day event, for a calendar to import or subscribe to.
//!
//! Each event's UID is made of the obligation's kind, its network's id and
//! the database's own id, nothing that an edit changes, so the same
//! obligation keeps its UID from one export to the next: a subscribed
//! calendar moves the event when its date moves (a recorded evaluation
//! moves the renewal on) and drops it once the obligation is met.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Property};

use crate::cli::agenda::AgendaRow;
use crate::domain::model::Level;
use crate::domain::timeline::{DueKind, DueStatus};

/// Days before an obligation that a calendar reminds of it.
pub const ALARM_DAYS: [i64; 2] = [30, 7];

/// The stable UID of one obligation.
pub fn uid(database_id: &str, row: &AgendaRow) -> String {
    format!(
        "{}-n{}@{}.mlps",
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
/// [`crate::cli::agenda::rows`]), stamped `now`.
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
    calendar.done().to_string()
}

fn event(database_id: &str, row: &AgendaRow, now: DateTime<Utc>) -> Event {
    let summary = summary(row);
    let level = Level::new(row.level).map_or(String::new(), |l| format!(" ({})", l.name()));
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
        .all_day(row.due)
        .timestamp(now)
        .add_property("CATEGORIES", "MLPS");
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
