//! Inputs written as plain tuples, for the property tests.

use detente_forecast::input::Spreads;
use detente_forecast::{ForecastActor, Input, Scale};

/// Per actor: capability, then per issue (position, salience).
#[allow(dead_code)]
pub(crate) type Actor = (f64, Vec<(f64, f64)>);

/// These actors, `a0`, `a1`…, on as many issues as the first one has
/// positions, `k0`, `k1`…, each on [0, 1].
#[allow(dead_code)]
pub(crate) fn input(actors: &[Actor]) -> Input {
    let n_issues = actors.first().map_or(0, |a| a.1.len());
    let issues = (0..n_issues)
        .map(|k| Scale { id: format!("k{k}"), name: format!("k{k}"), min: 0.0, max: 1.0, options: None, unit: None })
        .collect();
    let actors = actors
        .iter()
        .enumerate()
        .map(|(a, (c, per_issue))| ForecastActor {
            id: format!("a{a}"),
            capability: *c,
            position: per_issue.iter().map(|p| p.0).collect(),
            salience: per_issue.iter().map(|p| p.1).collect(),
            spread: Spreads::default(),
        })
        .collect();
    Input { issues, actors }
}
