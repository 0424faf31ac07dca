//! The JSON objects Detente prints and serves: analyses (`analyze --json`),
//! forecasts and sensitivity runs (`forecast --json`, `sensitivity --json`)
//! and negotiations (`negotiate --json` and its trace).
//!
//! The CLI and the server both write these, so the two give the same shapes.
//! Pure: no IO; the caller passes what it loaded (the scenario, the warnings
//! its loading gave) as plain values.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod forecast;
pub mod negotiation;
