//! The integration tests, linked into one binary: each module below tests
//! one part of the product through its library or the real `mlps` binary,
//! and `support` holds what they share. `format1` and `rfc5545` are
//! fixtures of their own: a database in the previous record format, and a
//! calendar checker written apart from the product.
//!
//! One binary links once instead of once per file; run a part of it with
//! `cargo test --test integration <module>::`.

mod support;

mod format1;
mod rfc5545;

mod agenda_json;
mod backup;
mod bad_input;
mod cli;
mod cli_lang;
mod crash;
mod csv;
mod daemon;
mod data_in_out;
mod decoders;
mod e2e_tmux;
mod gap_list;
mod gap_store;
mod gaps;
mod gaps_cli;
mod grading;
mod hostile;
mod keymap;
mod layers;
mod lookup;
mod remote;
mod report;
mod schema;
mod sharing;
mod store;
mod timeline;
mod triage;
mod tui;
mod tui_filter;
mod tui_gaps;
mod tui_lang;
mod tui_questionnaire;
mod tui_render;
mod tui_update;
mod tui_words;
