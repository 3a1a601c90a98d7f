//! sakip-lint: checks the spreadsheets attached to an LKjIP (SAKIP performance report).
//!
//! Stages, data flowing one way:
//! read → grid → tables → facts → checks → findings → reports.

pub mod figure;
pub mod finding;
pub mod grid;
pub mod read;
pub mod scale;
pub mod source;
