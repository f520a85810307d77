//! What the command line and the case manager both need over a store,
//! written once: the agenda, the history of a record, finding what a
//! query names, writing a report.

pub mod agenda;
pub mod history;
pub mod lookup;
pub mod report;
pub mod triage;
