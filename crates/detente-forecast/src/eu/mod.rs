//! Bueno de Mesquita's expected-utility model ("the group decision model"),
//! as reconstructed by Scholz, Calbert & Smith, "Unravelling Bueno De
//! Mesquita's group decision model", J. Theoretical Politics 23(4):510 (2011).
//!
//! Each issue is played on its own. In every round:
//!
//! 1. the median voter position μ is found (Appendix step 3);
//! 2. with every risk exponent at 1, each actor's expected utility of
//!    challenging each other actor is computed from the basic utilities
//!    (eqs. 15, 16, 22–24), the probability of success (eq. 31) and Q and T
//!    (eqs. 5–7);
//! 3. each actor's security — what the others expect from challenging it —
//!    sets its risk exponent (eqs. 32–34, 33), and the expected utilities are
//!    computed again with those exponents (§5: "first determine the expected
//!    utilities using rᵢ = 1, then apply (34) and (33) to estimate rᵢ, and
//!    lastly re-apply the rᵢ estimates");
//! 4. every ordered pair falls in an octant of figure 6: confrontation,
//!    compromise (eqs. 35–36), capitulation or stalemate; each actor takes
//!    one of the offers made to it (§6.2) and all move at once.
//!
//! Rounds repeat until no position moves by more than
//! [`EuParams::tolerance`] (that last, still round is recorded) or the round
//! limit is reached; Scholz runs a fixed number τ of rounds instead, and
//! about one random input in twenty cycles without settling, so the limit
//! matters. The forecast for an issue is the median μ of the final positions
//! (by [`EuParams::median`]): μ is the position the model itself takes the
//! group to hold, the quantity Scholz et al. report round by round (Table 2).
//!
//! # Readings
//!
//! The paper leaves room for interpretation and its public re-implementations
//! disagree; each disputed point is an [`EuParams`] field:
//!
//! | Field | Default (reading) | Alternatives |
//! |---|---|---|
//! | [`median`](EuParams::median) | Condorcet winner of the v^{jk} contests (Appendix step 3) | weighted mean (dmasad) |
//! | [`probability`](EuParams::probability) | eq. 31 | Scholz's code's all-pairs denominator (jmckib); net support clipped at 0 (dmasad) |
//! | [`q`](EuParams::q) | 1.0 (Scholz's replication, p. 27) | any value in [0, 1] |
//! | [`t`](EuParams::t) | the four cases of p. 22 | a fixed T (dmasad) |
//! | [`risk`](EuParams::risk) | security, two passes (§5) | risk-neutral |
//! | [`perspective`](EuParams::perspective) | each side's own exponent (§6: `E^i(U_ij)`, `E^j(U_ji)`) | the mover's exponent for both (Scholz's code) |
//! | [`offer_choice`](EuParams::offer_choice) | least movement (§6.2) | Scholz's code's EU-weighted compromise |
//! | [`capitulation`](EuParams::capitulation) | on (figure 6) | off (jmckib's transcription never capitulates) |
//! | [`range`](EuParams::range) | the span of the initial positions (jmckib, dmasad) | the issue's whole scale |
//!
//! [`EuParams::scholz_code`] selects every reading of jmckib's transcription
//! of Scholz's code, which reproduces that project's published example log
//! (see `tests/eu_published_example.rs`).
//!
//! ```
//! use detente_forecast::{Input, Scale, ForecastActor, ForecastOptions, eu};
//! use detente_forecast::input::Spreads;
//! let actor = |id: &str, c: f64, x: f64, s: f64| ForecastActor {
//!     id: id.into(), capability: c, position: vec![x], salience: vec![s], spread: Spreads::default(),
//! };
//! let input = Input {
//!     issues: vec![Scale { id: "i".into(), name: "i".into(), min: 0.0, max: 1.0, options: None, unit: None }],
//!     actors: vec![actor("a", 1.0, 0.0, 0.9), actor("b", 1.0, 0.4, 0.5), actor("c", 2.0, 1.0, 0.6)],
//! };
//! let forecast = eu::forecast(&input, &eu::EuParams::default(), &ForecastOptions::default()).unwrap();
//! assert_eq!(forecast.model, "eu");
//! assert!((0.0..=1.0).contains(&forecast.outcome[0]));
//! ```

pub mod analysis;
pub mod equations;
pub mod offers;

use serde::Serialize;

pub use analysis::{RoundAnalysis, analyse_round};
pub use offers::{Move, OfferKind, choose_offer, offer};

use crate::{Cycle, Forecast, ForecastError, ForecastOptions, Input, Stop, Watch, find_cycle};

/// Rounds played when neither [`ForecastOptions::max_rounds`] nor
/// [`EuParams::max_rounds`] says otherwise. Scholz et al. play a fixed
/// handful (eight in Table 2); a hundred lets most inputs settle while
/// bounding the ones that cycle.
pub const DEFAULT_MAX_ROUNDS: usize = 100;

/// The largest move, on the normalised `[0, 1]` scale, that still counts as
/// standing still.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// The model's parameters; see the module docs for the reading each default
/// follows.
#[derive(Debug, Clone, PartialEq)]
pub struct EuParams {
    pub median: MedianRule,
    pub probability: ProbabilityRule,
    /// Q of eq. 7: the probability that nothing changes when i does not
    /// challenge j. Scholz et al. "chose Q = 1.0" (p. 27), which removes T and
    /// the better/worse utilities from the model.
    pub q: f64,
    pub t: TRule,
    pub risk: RiskRule,
    pub perspective: Perspective,
    pub offer_choice: OfferChoice,
    /// Whether a loser facing a stronger claim gives in entirely (figure 6's
    /// compel octant). jmckib's transcription of Scholz's code tests
    /// `E^j > |E^j|` there, which never holds, so it never capitulates.
    pub capitulation: bool,
    pub range: RangeRule,
    /// Play stops once no position moves by more than this on the
    /// normalised scale.
    pub tolerance: f64,
    /// The round limit when [`ForecastOptions::max_rounds`] is `None`.
    pub max_rounds: usize,
}

impl Default for EuParams {
    fn default() -> Self {
        EuParams {
            median: MedianRule::Condorcet,
            probability: ProbabilityRule::Paper,
            q: 1.0,
            t: TRule::Geometric,
            risk: RiskRule::SecurityTwoPass,
            perspective: Perspective::Own,
            offer_choice: OfferChoice::LeastMovement,
            capitulation: true,
            range: RangeRule::InitialPositions,
            tolerance: DEFAULT_TOLERANCE,
            max_rounds: DEFAULT_MAX_ROUNDS,
        }
    }
}

/// The settings [`EuParams::set`] accepts, with their values.
pub const PARAMETERS: &[(&str, &str)] = &[
    ("reading", "paper | scholz-code (resets every setting below)"),
    ("median", "condorcet | weighted-mean"),
    ("probability", "paper | all-pairs | clipped-net"),
    ("q", "a number in [0, 1]"),
    ("t", "geometric | a number in [0, 1]"),
    ("risk", "security | neutral"),
    ("perspective", "own | mover"),
    ("offer-choice", "least-movement | scholz-code"),
    ("capitulation", "true | false"),
    ("range", "initial-positions | scale"),
    ("tolerance", "a number > 0"),
    ("max-rounds", "a whole number ≥ 1"),
];

impl EuParams {
    /// Sets one reading by name, as the command line's `--param KEY=VALUE`
    /// writes it; the error names the accepted values.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let key = key.trim().to_ascii_lowercase().replace('_', "-");
        let value = value.trim();
        let v = value.to_ascii_lowercase();
        let expected = || {
            let accepted = PARAMETERS.iter().find(|(k, _)| *k == key).map_or("", |(_, a)| *a);
            format!("eu parameter `{key}`: `{value}` is not one of {accepted}")
        };
        let unit = |x: &str| x.parse::<f64>().ok().filter(|q| (0.0..=1.0).contains(q));
        match key.as_str() {
            "reading" => {
                *self = match v.as_str() {
                    "paper" => EuParams::default(),
                    "scholz-code" => EuParams::scholz_code(),
                    _ => return Err(expected()),
                }
            }
            "median" => {
                self.median = match v.as_str() {
                    "condorcet" => MedianRule::Condorcet,
                    "weighted-mean" => MedianRule::WeightedMean,
                    _ => return Err(expected()),
                }
            }
            "probability" => {
                self.probability = match v.as_str() {
                    "paper" => ProbabilityRule::Paper,
                    "all-pairs" => ProbabilityRule::AllPairsDenominator,
                    "clipped-net" => ProbabilityRule::ClippedNet,
                    _ => return Err(expected()),
                }
            }
            "q" => self.q = unit(&v).ok_or_else(expected)?,
            "t" => {
                self.t = match v.as_str() {
                    "geometric" => TRule::Geometric,
                    x => TRule::Fixed(unit(x).ok_or_else(expected)?),
                }
            }
            "risk" => {
                self.risk = match v.as_str() {
                    "security" => RiskRule::SecurityTwoPass,
                    "neutral" => RiskRule::Neutral,
                    _ => return Err(expected()),
                }
            }
            "perspective" => {
                self.perspective = match v.as_str() {
                    "own" => Perspective::Own,
                    "mover" => Perspective::Mover,
                    _ => return Err(expected()),
                }
            }
            "offer-choice" => {
                self.offer_choice = match v.as_str() {
                    "least-movement" => OfferChoice::LeastMovement,
                    "scholz-code" => OfferChoice::ScholzCode,
                    _ => return Err(expected()),
                }
            }
            "capitulation" => self.capitulation = v.parse().map_err(|_| expected())?,
            "range" => {
                self.range = match v.as_str() {
                    "initial-positions" => RangeRule::InitialPositions,
                    "scale" => RangeRule::Scale,
                    _ => return Err(expected()),
                }
            }
            "tolerance" => {
                self.tolerance = v.parse::<f64>().ok().filter(|t| *t > 0.0 && t.is_finite()).ok_or_else(expected)?
            }
            "max-rounds" => self.max_rounds = v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(expected)?,
            _ => {
                let known: Vec<&str> = PARAMETERS.iter().map(|(k, _)| *k).collect();
                return Err(format!("no eu parameter `{key}`; the parameters are {}", known.join(", ")));
            }
        }
        Ok(())
    }

    /// Every reading of jmckib's Python transcription of Scholz's own code
    /// (github.com/jmckib/bdm-scholz-expected-utility-model): the all-pairs
    /// probability denominator, the mover's perspective, compromises chosen by
    /// their EU-weighted point, no capitulation, Q = 1.
    pub fn scholz_code() -> Self {
        EuParams {
            probability: ProbabilityRule::AllPairsDenominator,
            perspective: Perspective::Mover,
            offer_choice: OfferChoice::ScholzCode,
            capitulation: false,
            ..EuParams::default()
        }
    }

    fn validate(&self) -> Result<(), ForecastError> {
        if !(0.0..=1.0).contains(&self.q) {
            return Err(ForecastError::Invalid(format!("eu: q must lie in [0, 1], not {}", self.q)));
        }
        if let TRule::Fixed(t) = self.t {
            if !(0.0..=1.0).contains(&t) {
                return Err(ForecastError::Invalid(format!("eu: a fixed t must lie in [0, 1], not {t}")));
            }
        }
        if !(self.tolerance >= 0.0 && self.tolerance.is_finite()) {
            return Err(ForecastError::Invalid(format!(
                "eu: tolerance must be finite and non-negative, not {}",
                self.tolerance
            )));
        }
        Ok(())
    }
}

/// How the median voter position μ is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MedianRule {
    /// The Condorcet winner among the actors' positions of the pairwise
    /// contests `v^{jk}` (Appendix step 3): the capability·salience-weighted
    /// median, the lower one on an exact tie.
    Condorcet,
    /// `Σ cᵢ sᵢ xᵢ / Σ cᵢ sᵢ`, as dmasad's replication computes μ.
    WeightedMean,
}

/// How the probability that i beats j is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProbabilityRule {
    /// Eq. 31: support for i over the absolute support for either side, both
    /// over all actors; `P^i + P^j = 1`.
    Paper,
    /// Scholz's code as transcribed by jmckib: each voter weighs distances
    /// with its own risk exponent, and the denominator sums every voter's
    /// absolute vote over every ordered pair of actors, not just (i, j), so
    /// probabilities are small.
    AllPairsDenominator,
    /// dmasad's replication: the net support `Σ wₖ aₖ` clipped at zero, over
    /// the absolute support; the weaker side's probability is 0.
    ClippedNet,
}

/// T of eq. 7, which only matters when Q < 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TRule {
    /// T = 1 when μ is nearer to i than j is (cases 1 and 3A, p. 22), else 0.
    Geometric,
    /// The same T for every dyad (dmasad's replication).
    Fixed(f64),
}

/// How risk exponents are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RiskRule {
    /// §5: first-pass expected utilities with r = 1 give each actor's
    /// security `Sec_i = Σ_{j≠i} E(U_ji)` (eq. 34), which gives rᵢ (eq. 33);
    /// the expected utilities are then computed again with rᵢ. The paper's
    /// superscripts disagree on whose view `E(U_ji)` is taken from (i's in
    /// the appendix, j's in the prose); with every exponent 1 in the first
    /// pass both are the same number.
    SecurityTwoPass,
    /// Every rᵢ = 1; one pass.
    Neutral,
}

/// Whose risk exponent evaluates `E(U_ji)` when i decides whether to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Perspective {
    /// Each side's expected utility with its own exponent, `E^i(U_ij)` with rᵢ
    /// and `E^j(U_ji)` with rⱼ, as §6 and figure 6 write the octants; both
    /// actors then agree on the octant.
    #[default]
    Own,
    /// The mover reckons both with its own exponent, as Scholz's code does
    /// (jmckib: "the actor's risk aversion is always used, including to
    /// calculate utilities for other actors").
    Mover,
}

/// How an actor picks among the offers made to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferChoice {
    /// §6.2: confrontation before compromise before capitulation, and within
    /// a kind the offer that moves the actor least.
    LeastMovement,
    /// Scholz's code (jmckib): as above, except that compromises are ranked
    /// by the lowest EU-weighted point `(|a| xᵢ + |b| xⱼ)/(|a| + |b|)`, and
    /// ties go to the first actor in input order.
    ScholzCode,
}

/// The continuum range Rg that distances are divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeRule {
    /// `max xᵢ − min xᵢ` over the initial positions, fixed for the whole run
    /// (jmckib, dmasad); every position stays within it, since actors only
    /// move towards each other.
    InitialPositions,
    /// The issue's whole scale (1 on the normalised scale).
    Scale,
}

/// One issue played out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueRun {
    /// `positions[r][a]`: actor a's normalised position after round r; round
    /// 0 is the input.
    pub positions: Vec<Vec<f64>>,
    /// What happened in each round played.
    pub rounds: Vec<RoundRecord>,
    /// The median μ (by [`EuParams::median`]) of the final positions.
    pub outcome: f64,
    pub stop: Stop,
    /// Positions that cycle up to the round limit instead of settling.
    pub cycle: Option<Cycle>,
}

/// One round of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundRecord {
    /// μ of the positions the round started from.
    pub median: f64,
    /// rᵢ per actor (eq. 33).
    pub risk_exponents: Vec<f64>,
    /// Per actor, the offer it took; `None` when it stayed.
    pub moves: Vec<Option<Move>>,
}

/// Forecasts every issue with the expected-utility model; the trajectory
/// holds each issue's final positions once that issue has stopped.
pub fn forecast(input: &Input, params: &EuParams, options: &ForecastOptions) -> Result<Forecast, ForecastError> {
    forecast_watched(input, params, options, Watch::unwatched())
}

/// [`forecast`], watched as [`crate::forecast_watched`] says: issues are
/// played one after another, so progress counts rounds over all issues out
/// of issues × the round limit, an issue that settles early counting its
/// unplayed rounds as done.
pub(crate) fn forecast_watched(
    input: &Input,
    params: &EuParams,
    options: &ForecastOptions,
    watch: Watch<'_>,
) -> Result<Forecast, ForecastError> {
    params.validate()?;
    let limit = options.max_rounds.unwrap_or(params.max_rounds);
    // As `crate::progress_total` says.
    let total = input.issues.len() * limit;
    let mut played = 0;
    let mut runs = Vec::with_capacity(input.issues.len());
    for k in 0..input.issues.len() {
        let place = Place { watch, played, offset: k * limit, total };
        let run = play_issue_watched(input, k, params, options, place)?;
        played += run.rounds.len();
        runs.push(run);
    }
    if total == 0 {
        watch.report(0, 0);
    }
    let n_rounds = runs.iter().map(|run| run.positions.len()).max().unwrap_or(1);
    let trajectory = (0..n_rounds)
        .map(|round| {
            (0..input.actors.len())
                .map(|a| runs.iter().map(|run| run.positions[round.min(run.positions.len() - 1)][a]).collect())
                .collect()
        })
        .collect();
    let stop = if runs.iter().all(|run| run.stop == Stop::Converged) { Stop::Converged } else { Stop::RoundLimit };
    let outcome = runs.iter().map(|run| run.outcome).collect();
    let cycles = runs.into_iter().filter_map(|run| run.cycle).collect();
    Ok(Forecast { model: "eu", trajectory, outcome, stop, cycles })
}

/// Plays issue `issue` of `input` alone, with every round's record.
pub fn play_issue(
    input: &Input,
    issue: usize,
    params: &EuParams,
    options: &ForecastOptions,
) -> Result<IssueRun, ForecastError> {
    let watch = Watch::unwatched();
    let total = options.max_rounds.unwrap_or(params.max_rounds);
    play_issue_watched(input, issue, params, options, Place { watch, played: 0, offset: 0, total })
}

/// Where an issue's rounds sit in a watched forecast of every issue.
#[derive(Clone, Copy)]
struct Place<'a> {
    watch: Watch<'a>,
    /// Rounds played on earlier issues.
    played: usize,
    /// Progress at this issue's start (earlier issues' round limits).
    offset: usize,
    /// Progress when every issue is done.
    total: usize,
}

/// [`play_issue`], checking the cancel flag before every round and
/// reporting progress after it.
fn play_issue_watched(
    input: &Input,
    issue: usize,
    params: &EuParams,
    options: &ForecastOptions,
    place: Place<'_>,
) -> Result<IssueRun, ForecastError> {
    params.validate()?;
    let Some(scale) = input.issues.get(issue) else {
        return Err(ForecastError::Invalid(format!("eu: no issue {issue}")));
    };
    let max_rounds = options.max_rounds.unwrap_or(params.max_rounds);
    let mut x: Vec<f64> = input.actors.iter().map(|a| a.position[issue]).collect();
    let salience: Vec<f64> = input.actors.iter().map(|a| a.salience[issue]).collect();
    let weights: Vec<f64> = input.actors.iter().zip(&salience).map(|(a, s)| a.capability * s).collect();
    if !weights.iter().any(|&w| w > 0.0) {
        return Err(ForecastError::NoWeight { issue: scale.id.clone() });
    }
    let range = match params.range {
        RangeRule::Scale => 1.0,
        RangeRule::InitialPositions => {
            let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let min = x.iter().copied().fold(f64::INFINITY, f64::min);
            // Everybody at one point: no distances to divide, nothing moves.
            if max > min { max - min } else { 1.0 }
        }
    };

    let mut analysis = RoundAnalysis::default();
    let mut positions = vec![x.clone()];
    let mut rounds = Vec::new();
    let mut stop = Stop::RoundLimit;
    for round in 0..max_rounds {
        place.watch.check(place.played + round)?;
        analysis.recompute(&x, &weights, &salience, range, params);
        let moves: Vec<Option<Move>> =
            (0..x.len()).map(|i| offers::choose(i, &x, &analysis, params.offer_choice, params.capitulation)).collect();
        let mut largest_move: f64 = 0.0;
        for (xi, m) in x.iter_mut().zip(&moves) {
            if let Some(m) = m {
                largest_move = largest_move.max((m.to - *xi).abs());
                *xi = m.to;
            }
        }
        let risk_exponents = (0..x.len()).map(|i| analysis.risk_exponent(i)).collect();
        rounds.push(RoundRecord { median: analysis.median(), risk_exponents, moves });
        positions.push(x.clone());
        if largest_move <= params.tolerance {
            stop = Stop::Converged;
            // The rounds left will not be played: count them as done.
            place.watch.report(place.offset + max_rounds, place.total);
            break;
        }
        place.watch.report(place.offset + round + 1, place.total);
    }
    let settle = |x: &[f64]| match params.median {
        MedianRule::Condorcet => equations::condorcet_median(x, &weights),
        MedianRule::WeightedMean => equations::weighted_mean(x, &weights),
    };
    let outcome = settle(&x);
    // Actors that keep trading places never converge: where that moves the
    // settlement, say so, with where the issue settles at each round of the
    // cycle. (Places traded around a median that stays put change nothing.)
    let cycle = if stop == Stop::RoundLimit { find_cycle(&positions) } else { None }
        .map(|(period, since_round)| {
            let outcomes: Vec<f64> = positions[positions.len() - period..].iter().map(|x| settle(x)).collect();
            Cycle { issue, period, since_round, outcomes }
        })
        .filter(|c| c.outcomes.iter().any(|&o| (o - c.outcomes[0]).abs() > 1e-12));
    Ok(IssueRun { positions, rounds, outcome, stop, cycle })
}

#[cfg(test)]
mod set_tests {
    use super::*;

    #[test]
    fn settings_by_name_and_their_errors() {
        let mut p = EuParams::default();
        p.set("probability", "all-pairs").expect("known");
        assert_eq!(p.probability, ProbabilityRule::AllPairsDenominator);
        p.set("T", "0.25").expect("a fixed T");
        assert_eq!(p.t, TRule::Fixed(0.25));
        p.set("max_rounds", "8").expect("underscores read as dashes");
        assert_eq!(p.max_rounds, 8);
        p.set("reading", "scholz-code").expect("preset");
        assert_eq!(p, EuParams::scholz_code());
        let e = p.set("q", "1.5").expect_err("outside [0, 1]");
        assert!(e.contains("`q`") && e.contains("[0, 1]"), "{e}");
        let e = p.set("colour", "red").expect_err("unknown");
        assert!(e.contains("colour") && e.contains("offer-choice"), "{e}");
    }
}
