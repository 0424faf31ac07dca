//! Ctrl-C for the long commands (analyze, forecast, sensitivity, tournament): the
//! first sets [`CANCEL`], which the work reads and stops at, and the command
//! then ends with [`Cancelled`], which `main` prints and exits 130 with; a
//! second Ctrl-C exits at once.

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use crate::numbers::group_thousands;

/// The exit status of a command stopped by Ctrl-C (128 + SIGINT).
pub(crate) const CANCELLED_EXIT: u8 = 130;

/// Set by Ctrl-C.
pub(crate) static CANCEL: AtomicBool = AtomicBool::new(false);

/// Set while nothing reads [`CANCEL`] (work that cannot stop part-way, or
/// output being written): Ctrl-C then exits at once, as without a handler.
static EXIT_AT_ONCE: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C set [`CANCEL`] (a second one exits at once). Called first
/// thing by each command, so that a Ctrl-C at any point reaches it; a
/// process may install one handler only.
pub(crate) fn install_handler() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        if EXIT_AT_ONCE.load(Ordering::SeqCst) || CANCEL.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(CANCELLED_EXIT));
        }
    })
    .context("cannot install the Ctrl-C handler")
}

/// From now on Ctrl-C exits at once: nothing reads [`CANCEL`] any more.
pub(crate) fn exit_at_once() {
    EXIT_AT_ONCE.store(true, Ordering::SeqCst);
}

/// A command stopped by Ctrl-C, saying how far it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cancelled(String);

impl Cancelled {
    /// A sensitivity analysis.
    pub(crate) fn runs(completed: usize, runs: usize) -> Cancelled {
        Cancelled(format!("cancelled after {completed} of {runs} runs"))
    }

    /// An analysis that enumerates the outcome space.
    pub(crate) fn outcomes(done: u64, total: u128) -> Cancelled {
        Cancelled(format!("cancelled after {} of {} outcomes", group_thousands(done), group_thousands(total)))
    }

    /// Work that finished after Ctrl-C, before its output was written.
    pub(crate) fn before_output() -> Cancelled {
        Cancelled("cancelled before the output was written".to_owned())
    }

    /// A forecast.
    pub(crate) fn rounds(rounds: usize) -> Cancelled {
        let plural = if rounds == 1 { "round" } else { "rounds" };
        Cancelled(format!("cancelled after {rounds} {plural}"))
    }

    /// A tournament, whose finished records are in `out`, if given.
    pub(crate) fn negotiations(completed: u64, total: u64, out: Option<&Path>) -> Cancelled {
        let mut text = format!("cancelled after {completed} of {total} negotiations");
        if let Some(out) = out {
            text.push_str(&format!("; the finished ones are in {}", out.display()));
        }
        Cancelled(text)
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cancelled {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_says_how_far_it_got() {
        assert_eq!(Cancelled::runs(12, 100).to_string(), "cancelled after 12 of 100 runs");
        assert_eq!(Cancelled::rounds(3).to_string(), "cancelled after 3 rounds");
        assert_eq!(Cancelled::rounds(1).to_string(), "cancelled after 1 round");
        assert_eq!(
            Cancelled::negotiations(10, 50, Some(Path::new("out"))).to_string(),
            "cancelled after 10 of 50 negotiations; the finished ones are in out"
        );
        assert_eq!(Cancelled::negotiations(10, 50, None).to_string(), "cancelled after 10 of 50 negotiations");
    }
}
