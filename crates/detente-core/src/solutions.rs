//! Axiomatic bargaining solutions over a Pareto frontier.
//!
//! Every solution here maximises a function that never falls when an actor's
//! utility rises, so a maximiser dominated by another outcome is tied with it,
//! some maximiser is Pareto-optimal, and searching the frontier suffices. The disagreement point
//! is the vector of reservation values; only outcomes that give every actor at
//! least its reservation value (individually rational ones) count. Where several
//! frontier outcomes score the same, all are reported.

use crate::analysis::Point;

/// Objective values closer than this (relative) are ties.
pub const TIE_TOLERANCE: f64 = 1e-12;

/// An outcome is acceptable to an actor when its utility is at least the
/// reservation value less this: a utility computed as 1 − 0.8 must count as
/// meeting a reservation value written as 0.2.
pub const ACCEPT_TOLERANCE: f64 = 1e-9;

/// Whether utility `u` meets reservation value `d`.
#[inline]
pub fn acceptable(u: f64, d: f64) -> bool {
    u >= d - ACCEPT_TOLERANCE
}

#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The chosen outcome: the first of the tied ones in frontier order.
    pub point: Point,
    /// The value of the solution's objective at `point`.
    pub score: f64,
    /// Other frontier outcomes with the same score.
    pub ties: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Solutions {
    /// max Π (uᵢ − dᵢ) (Nash 1950).
    pub nash: Option<Solution>,
    /// max Π (uᵢ − dᵢ)^wᵢ with wᵢ the capability shares (Kalai 1977's
    /// asymmetric Nash solution).
    pub weighted_nash: Option<Solution>,
    /// max minᵢ (uᵢ − dᵢ)/(Iᵢ − dᵢ) with I the ideal point of the individually
    /// rational set (Kalai & Smorodinsky 1975, on a finite set).
    pub kalai_smorodinsky: Option<Solution>,
    /// max minᵢ (uᵢ − dᵢ) (Kalai 1977's egalitarian solution).
    pub egalitarian: Option<Solution>,
    /// max Σ uᵢ: the greatest welfare.
    pub utilitarian: Option<Solution>,
}

/// All solutions over `frontier`, with `reservations` as the disagreement
/// point and `capabilities` weighting the asymmetric Nash solution.
pub fn bargaining_solutions(frontier: &[Point], reservations: &[f64], capabilities: &[f64]) -> Solutions {
    let rational: Vec<&Point> =
        frontier.iter().filter(|p| p.utilities.iter().zip(reservations).all(|(u, d)| acceptable(*u, *d))).collect();
    if rational.is_empty() {
        return Solutions::default();
    }
    // Gains within the acceptance tolerance below zero count as zero.
    let gains = |p: &Point| p.utilities.iter().zip(reservations).map(|(u, d)| (u - d).max(0.0)).collect::<Vec<_>>();
    let total_capability: f64 = capabilities.iter().sum();
    let shares: Vec<f64> = if total_capability > 0.0 {
        capabilities.iter().map(|c| c / total_capability).collect()
    } else {
        vec![1.0 / capabilities.len() as f64; capabilities.len()]
    };
    let ideal: Vec<f64> = (0..reservations.len())
        .map(|i| rational.iter().map(|p| p.utilities[i]).fold(f64::NEG_INFINITY, f64::max))
        .collect();
    Solutions {
        nash: best(&rational, |p| gains(p).iter().product()),
        weighted_nash: best(&rational, |p| gains(p).iter().zip(&shares).map(|(g, w)| g.powf(*w)).product()),
        kalai_smorodinsky: best(&rational, |p| {
            gains(p)
                .iter()
                .zip(ideal.iter().zip(reservations))
                .map(|(g, (i, d))| if i > d { g / (i - d) } else { 1.0 })
                .fold(f64::INFINITY, f64::min)
        }),
        egalitarian: best(&rational, |p| gains(p).iter().copied().fold(f64::INFINITY, f64::min)),
        utilitarian: best(&rational, |p| p.utilities.iter().sum()),
    }
}

fn best(candidates: &[&Point], score: impl Fn(&Point) -> f64) -> Option<Solution> {
    let scores: Vec<f64> = candidates.iter().map(|p| score(p)).collect();
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let tolerance = TIE_TOLERANCE * top.abs().max(1.0);
    let mut tied = candidates.iter().zip(&scores).filter(|(_, s)| (top - **s) <= tolerance).map(|(p, _)| (*p).clone());
    let point = tied.next()?;
    Some(Solution { point, score: top, ties: tied.collect() })
}
