//! The progress bar of the long commands (analyze, forecast, sensitivity,
//! tournament).

use std::io::{self, IsTerminal};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar on stderr while stderr is a terminal, hidden otherwise, counting
/// `len` `unit` after the message, if any (forecasts: the model's name),
/// with the rate to `rate_decimals` decimals (0 for millions a second, 1
/// for runs that take seconds each).
pub(crate) fn progress_bar(len: u64, unit: &str, rate_decimals: usize) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{spinner}} [{{elapsed_precise}}] {{msg}}{{wide_bar}} {{human_pos}}/{{human_len}} {unit}, {{per_sec:{rate_decimals}}}, {{eta}} \
         left (Ctrl-C stops)"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
