//! A negotiator written outside the crate, taking part in a tournament
//! against the shipped strategies.
//!
//! ```text
//! cargo run -p detente-sim --example custom_negotiator [-- GENIUS_DIR...]
//! ```
//!
//! `SplitTheDifference` opens with its best outcome, then aims each turn
//! halfway between its last aim and the utility it would get from the best
//! offer the other side has made so far, never below its reservation value;
//! it accepts any offer worth at least what it would ask next. All it needs
//! is the public API: the [`Negotiator`] trait, its own [`PartyView`]
//! through [`Session::me`], and [`Entrant::new`] to enter a tournament.
//!
//! Without arguments it runs on the Laptop and ItexvsCypress scenarios of
//! `testdata/genius/`. `tests/tournament_custom.rs` runs the same code.

use std::path::{Path, PathBuf};

use detente_core::{Scenario, WeightPolicy};
use detente_formats::genius::{InputFile, load_genius};
use detente_sim::tournament::{Entrant, Tournament, TournamentConfig, TournamentResult, TournamentScenario};
use detente_sim::{Deadline, Event, Negotiator, OutcomeId, PartyView, Proposal, Protocol, Response, Session, State};
use rand_chacha::ChaCha8Rng;

/// Splits the difference between its own aim and the other side's best offer.
#[derive(Debug, Clone, Default)]
pub(crate) struct SplitTheDifference {
    /// The utility it aims at; `None` before its first offer.
    aim: Option<f64>,
    /// Its utility of the best offer received so far.
    best_received: Option<f64>,
}

impl SplitTheDifference {
    pub(crate) const NAME: &'static str = "split-the-difference";

    /// The aim of the next offer: halfway to the best offer received, never
    /// below the reservation value.
    fn next_aim(&self, me: &PartyView) -> f64 {
        let aim = self.aim.unwrap_or_else(|| me.best_utility());
        match self.best_received {
            Some(best) => ((aim + best) / 2.0).max(me.reservation),
            None => aim,
        }
    }
}

impl Negotiator for SplitTheDifference {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn start(&mut self, _session: &Session<'_>, _rng: &mut ChaCha8Rng) {
        *self = SplitTheDifference::default();
    }

    fn propose(&mut self, session: &Session<'_>, _state: &State, _rng: &mut ChaCha8Rng) -> Proposal {
        let me = session.me();
        let aim = self.next_aim(me);
        self.aim = Some(aim);
        Proposal::Offer(me.nearest_at_least(aim))
    }

    fn respond(&mut self, session: &Session<'_>, _state: &State, offer: OutcomeId, _rng: &mut ChaCha8Rng) -> Response {
        let me = session.me();
        let u = me.utility(offer);
        if u >= me.reservation && u >= self.next_aim(me) { Response::Accept } else { Response::Reject }
    }

    fn observe(&mut self, session: &Session<'_>, event: &Event) {
        if let Event::Offered { by, outcome, .. } = *event {
            if by != session.index {
                let u = session.me().utility(outcome);
                self.best_received = Some(self.best_received.map_or(u, |b| b.max(u)));
            }
        }
    }
}

/// A GENIUS scenario folder.
pub(crate) fn load(dir: &Path) -> Result<Scenario, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path.display().to_string(), text));
    }
    let inputs: Vec<InputFile<'_>> = files.iter().map(|(name, text)| InputFile { name, text }).collect();
    load_genius(&inputs, WeightPolicy::Normalise).map(|(s, _)| s).map_err(|e| e.to_string())
}

/// The example's tournament: the custom agent against boulware, linear and
/// conceder, every pair in both roles, 2 repetitions, 100 rounds.
pub(crate) fn tournament(dirs: &[PathBuf], seed: u64) -> Result<TournamentResult, String> {
    let mut scenarios = Vec::new();
    for dir in dirs {
        let scenario = load(dir)?;
        scenarios.push(TournamentScenario::new(scenario.name.clone(), &scenario, None).map_err(|e| e.to_string())?);
    }
    let mut entrants = vec![Entrant::new(SplitTheDifference::NAME, || Box::new(SplitTheDifference::default()))];
    for spec in ["boulware", "linear", "conceder"] {
        entrants.push(Entrant::from_spec(spec).map_err(|e| e.to_string())?);
    }
    let config = TournamentConfig {
        protocol: Protocol::Sao,
        deadline: Deadline::Rounds(100),
        repetitions: 2,
        seed,
        ..TournamentConfig::default()
    };
    let tournament = Tournament::new(entrants, scenarios, config).map_err(|e| e.to_string())?;
    tournament.run_all().map_err(|e| e.to_string())
}

/// The scenarios the example runs on without arguments.
pub(crate) fn default_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/genius");
    vec![root.join("Laptop"), root.join("ItexvsCypress")]
}

#[allow(dead_code)] // `tests/tournament_custom.rs` includes this file as a module.
fn main() -> Result<(), String> {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let dirs = if args.is_empty() { default_dirs() } else { args };
    let result = tournament(&dirs, 1)?;
    println!("{} negotiations", result.records.len());
    println!(
        "{:<22} {:>6} {:>8} {:>9} {:>7} {:>8} {:>7} {:>7}",
        "strategy", "n", "utility", "advantage", "agreed", "welfare", "nash", "pareto"
    );
    for row in &result.leaderboard {
        println!(
            "{:<22} {:>6} {:>8.4} {:>9.4} {:>6.1}% {:>8.4} {:>7} {:>7.4}",
            row.strategy,
            row.negotiations,
            row.mean_utility,
            row.mean_advantage,
            100.0 * row.agreement_rate,
            row.mean_welfare,
            row.mean_nash_distance.map_or("-".to_owned(), |d| format!("{d:.4}")),
            row.mean_pareto_distance
        );
    }
    Ok(())
}
