//! sakip-lint: checks the spreadsheets attached to an LKjIP (SAKIP performance report).
//!
//! Stages, data flowing one way:
//! read → grid → table → doc → facts → checks → diagnosis → finding → report.
//! `submission` says which workbooks make a submission, `lint` checks one, `batch` many.

// No panics by construction: the library never unwraps, indexes or panics on input.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod baseline;
pub mod batch;
pub mod catalog;
pub mod checks;
pub mod claims;
pub mod config;
pub mod diagnosis;
pub mod doc;
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
pub mod run;
pub mod scale;
pub mod serve;
pub mod submission;
pub mod table;
