//! `mlps`: a terminal case manager for China MLPS 2.0 (网络安全等级保护)
//! filings. The binary is a thin shell over this library.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod formats;
pub mod server;
pub mod service;
pub mod store;
pub mod sys;
pub mod text;
pub mod tui;
