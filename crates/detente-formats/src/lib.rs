//! Scenario files: Detente's own TOML format, GENIUS XML, GeniusWeb JSON and
//! KTAB CSV, read into and written from `detente_core::ScenarioSpec`.
//!
//! Every reader parses from `&str` and takes the file's name only to put it
//! into errors: the caller does the file IO. Every error is a [`FormatError`]
//! that names the file, the line and column where there is one, and the field.

pub mod error;
pub mod genius;
pub mod geniusweb;
pub mod ktab;
pub mod scenario_json;
pub mod scenario_toml;

pub use error::FormatError;
