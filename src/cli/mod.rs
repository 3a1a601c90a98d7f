//! The command line's parts beyond its definition (in `main.rs`): help in the run's
//! language, the run's settings, and the `check`, `tables` and `serve` commands. Binary-only: the library knows
//! nothing of clap.

pub mod check;
pub mod help;
pub mod serve;
pub mod settings;
pub mod tables;
