//! Pure domain code: the case model, the questionnaire, grading and the
//! timeline. No I/O here.

pub mod agenda;
pub mod calendar;
pub mod filter;
pub mod gaps;
pub mod grading;
pub mod ids;
pub mod labels;
pub mod merge;
pub mod model;
pub mod questionnaire;
pub mod search;
pub mod settings;
pub mod timeline;
pub mod triage;
