//! sakip-lint: checks the spreadsheets attached to an LKjIP (SAKIP performance report).
//!
//! Stages, data flowing one way:
//! read → grid → tables → facts → checks → findings → reports.

pub mod baseline;
pub mod batch;
pub mod catalog;
pub mod checks;
pub mod config;
pub mod expr;
pub mod facts;
pub mod figure;
pub mod finding;
pub mod grid;
pub mod hints;
pub mod lint;
pub mod read;
pub mod report;
pub mod rules;
pub mod scale;
pub mod source;
pub mod table;
