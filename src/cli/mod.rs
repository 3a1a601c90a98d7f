//! The command line's parts beyond its definition (in `main.rs`): help in the run's
//! language, the run's settings, and the `check` and `tables` commands. Binary-only: the library knows
//! nothing of clap.

pub mod check;
pub mod help;
pub mod settings;
pub mod tables;
