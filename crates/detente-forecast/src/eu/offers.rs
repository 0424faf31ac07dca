//! Offers and moves (§6, figure 6) and each actor's choice among the offers
//! made to it (§6.2).

use serde::Serialize;

use super::OfferChoice;
use super::analysis::RoundAnalysis;

/// How an actor comes to move towards another (figure 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfferKind {
    /// Both expect to gain from a challenge (`E^i(U_ij) > 0`, `E^j(U_ji) > 0`)
    /// and j expects more: i, the weaker, gives in to j's position.
    Confrontation,
    /// j expects to gain and i to lose, by less than j gains: i moves part
    /// of the way, `|E^i(U_ij) / E^j(U_ji)|` of the distance (eqs. 35–36).
    Compromise,
    /// j expects to gain and i to lose more than j gains: i gives in to j's
    /// position (the compel octant).
    Capitulation,
}

/// An actor's move in one round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Move {
    pub kind: OfferKind,
    /// The actor whose offer was taken.
    pub toward: usize,
    /// The mover's `E^i(U_ij)` of challenging that actor.
    pub eu_own: f64,
    /// That actor's `E(U_ji)` of challenging the mover, as the mover weighs it.
    pub eu_other: f64,
    /// The mover's new position.
    pub to: f64,
}

/// The offer j's position makes to i, or `None` when i does not move for j
/// (i wins or has the upper hand, or a stalemate: both expect to lose).
///
/// With `a = E^i(U_ij)` and `b = E(U_ji)`:
/// - `a > 0` and `b > a`: [`OfferKind::Confrontation`], i moves to xⱼ;
/// - `a < 0 < b` and `|a| < |b|`: [`OfferKind::Compromise`], eq. 36:
///   `x̂ = (xᵢ − xⱼ) |a / b|`, i moves to `xᵢ − x̂`;
/// - `a < 0 < b` and `|a| ≥ |b|`: [`OfferKind::Capitulation`], i moves to xⱼ,
///   unless `capitulation` is off, when i stays.
pub fn offer(a: f64, b: f64, x_i: f64, x_j: f64, capitulation: bool) -> Option<(OfferKind, f64)> {
    if a > 0.0 && b > a {
        Some((OfferKind::Confrontation, x_j))
    } else if a < 0.0 && b > 0.0 {
        if a.abs() < b {
            Some((OfferKind::Compromise, x_i - (x_i - x_j) * (a / b).abs()))
        } else if capitulation {
            Some((OfferKind::Capitulation, x_j))
        } else {
            None
        }
    } else {
        None
    }
}

/// The offer actor i takes this round, if any, given for each other actor j
/// `expected_utilities(j) = (E^i(U_ij), E(U_ji))` as i weighs them. Actors
/// already at i's position make no offer.
///
/// Offers rank confrontation, then compromise, then capitulation (§6.2: an
/// actor would rather concede a conflict it lost than bargain, and bargain
/// than capitulate). Within the best kind:
/// - [`OfferChoice::LeastMovement`]: the offer that moves i least; among
///   equally small moves, the one from the actor who expects more from
///   challenging i ("concede to the actor with highest expected utility"),
///   then the lower position, so that the actors' order never matters;
/// - [`OfferChoice::ScholzCode`]: as Scholz's code (jmckib's transcription),
///   compromises are ranked by the lowest EU-weighted point
///   `(|a| xᵢ + |b| xⱼ) / (|a| + |b|)` rather than by movement, and ties go
///   to the first actor in input order.
pub fn choose_offer(
    i: usize,
    positions: &[f64],
    expected_utilities: impl Fn(usize) -> (f64, f64),
    choice: OfferChoice,
    capitulation: bool,
) -> Option<Move> {
    let x = positions;
    let mut best: Option<(Move, f64)> = None;
    for j in 0..x.len() {
        if x[j] == x[i] {
            continue;
        }
        let (a, b) = expected_utilities(j);
        let Some((kind, to)) = offer(a, b, x[i], x[j], capitulation) else { continue };
        let candidate = Move { kind, toward: j, eu_own: a, eu_other: b, to };
        let key = match (choice, kind) {
            (OfferChoice::ScholzCode, OfferKind::Compromise) => (a.abs() * x[i] + b.abs() * x[j]) / (a.abs() + b.abs()),
            _ => (to - x[i]).abs(),
        };
        let better = match &best {
            None => true,
            Some((incumbent, incumbent_key)) => {
                if kind != incumbent.kind {
                    kind < incumbent.kind
                } else if key != *incumbent_key || choice == OfferChoice::ScholzCode {
                    key < *incumbent_key
                } else if b != incumbent.eu_other {
                    b > incumbent.eu_other
                } else {
                    to < incumbent.to
                }
            }
        };
        if better {
            best = Some((candidate, key));
        }
    }
    best.map(|(m, _)| m)
}

/// [`choose_offer`] on a round's analysis.
pub(crate) fn choose(
    i: usize,
    x: &[f64],
    analysis: &RoundAnalysis,
    choice: OfferChoice,
    capitulation: bool,
) -> Option<Move> {
    choose_offer(i, x, |j| (analysis.challenge(i, j), analysis.response(i, j)), choice, capitulation)
}
