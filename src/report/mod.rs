//! Reports: format findings for people (miette) and for tools (JSON). Reports never
//! compute; they only show what the checks found.

pub mod annotate;
pub mod context;
pub mod github;
pub mod human;
pub mod json;
pub mod ruledocs;
pub mod sarif;
pub mod statistics;
pub mod summary;
pub mod tables;

use crate::finding::Severity;
use crate::lint::{FileStatus, SubmissionReport};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub failed: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

pub fn totals(reports: &[SubmissionReport]) -> Totals {
    let mut t = Totals::default();
    for r in reports {
        t.files += r.files.len();
        t.failed += r
            .files
            .iter()
            .filter(|f| matches!(f.status, FileStatus::Error { .. }))
            .count();
        for f in &r.findings {
            match f.severity {
                Severity::Error => t.error += 1,
                Severity::Warning => t.warning += 1,
                Severity::Info => t.info += 1,
            }
        }
    }
    t
}
