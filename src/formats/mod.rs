//! Pure conversions between the domain and text: the interchange JSON,
//! answers files, the CSV tracker, the audit firm's gap list, the iCalendar
//! feed and grading reports.
//! No I/O: callers read and write the files.

pub mod answers_file;
pub mod calendar_feed;
pub mod gap_list;
pub mod interchange;
pub mod report;
pub mod spreadsheet;
