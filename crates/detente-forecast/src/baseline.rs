//! The closed-form baselines of the "European Union Decides" studies
//! (Thomson, Stokman, Achen & König 2006): the compromise model and the
//! weighted median; and the Nash bargaining solution over each scale.

use crate::{Forecast, ForecastError, Input, Stop};

fn closed_form(input: &Input, model: &'static str, outcome: Vec<f64>) -> Forecast {
    let initial = input.actors.iter().map(|a| a.position.clone()).collect();
    Forecast { model, trajectory: vec![initial], outcome, stop: Stop::ClosedForm, cycles: Vec::new() }
}

/// The weight of actor `a` on issue `k` in the baselines: capability·salience.
fn weight(input: &Input, a: usize, k: usize) -> f64 {
    let actor = &input.actors[a];
    actor.capability * actor.salience[k]
}

/// Achen's compromise model: x̂ₖ = Σᵢ cᵢ sᵢₖ xᵢₖ / Σᵢ cᵢ sᵢₖ.
pub fn compromise(input: &Input) -> Result<Forecast, ForecastError> {
    let outcome = (0..input.issues.len())
        .map(|k| {
            let (mut num, mut den) = (0.0, 0.0);
            for (a, actor) in input.actors.iter().enumerate() {
                let w = weight(input, a, k);
                num += w * actor.position[k];
                den += w;
            }
            if den > 0.0 { Ok(num / den) } else { Err(ForecastError::NoWeight { issue: input.issues[k].id.clone() }) }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(closed_form(input, "compromise", outcome))
}

/// The weighted median: the smallest position at which the cumulative
/// capability·salience weight, taken in order of position, reaches half the
/// total. On one dimension with linear loss this is the Condorcet winner
/// (Black 1948), so no coalition can beat it.
pub fn median(input: &Input) -> Result<Forecast, ForecastError> {
    let outcome = (0..input.issues.len())
        .map(|k| {
            let mut points: Vec<(f64, f64)> = (0..input.actors.len())
                .map(|a| (input.actors[a].position[k], weight(input, a, k)))
                .filter(|&(_, w)| w > 0.0)
                .collect();
            let total: f64 = points.iter().map(|p| p.1).sum();
            if total <= 0.0 {
                return Err(ForecastError::NoWeight { issue: input.issues[k].id.clone() });
            }
            points.sort_by(|p, q| p.0.total_cmp(&q.0));
            let mut cumulative = 0.0;
            for &(x, w) in &points {
                cumulative += w;
                // Compared with a relative tolerance so that an exact half
                // (two equal actors) picks the lower median consistently.
                if cumulative >= total * 0.5 * (1.0 - 1e-12) {
                    return Ok(x);
                }
            }
            Ok(points.last().map_or(0.5, |p| p.0))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(closed_form(input, "median", outcome))
}

/// The Nash bargaining solution over each issue's scale:
/// `x̂ₖ = argmax_{x ∈ [0,1]} Πᵢ (uᵢ(x) − dᵢ)^{wᵢ}`.
///
/// - **Utility:** linear loss on the normalised scale, `uᵢ(x) = 1 − |x − xᵢₖ|`.
/// - **Disagreement point:** `dᵢ = uᵢ` of the point of the scale worst for i
///   (the end farther from its position), so `uᵢ(x) − dᵢ = Mᵢ − |x − xᵢₖ|`
///   with `Mᵢ = max(xᵢₖ, 1 − xᵢₖ)`. Scenarios carry no status quo, and the
///   worst point is the one reference every actor can be held to without
///   one: failing to agree leaves each actor exposed to anything on the
///   scale. Every point of the scale is then individually rational.
/// - **Exponents:** `wᵢ = 1` for the plain solution; `wᵢ = cᵢ sᵢₖ` for the
///   weighted one (the asymmetric Nash solution with bargaining power
///   capability·salience, the weight the compromise and median models use).
///   Actors with no capability or no salience on an issue have no stake in
///   its bargain and are left out of both.
///
/// `Σᵢ wᵢ ln(Mᵢ − |x − xᵢ|)` is concave, so the maximiser is unique and lies
/// between the extreme positions of the parties (outside them every party
/// gains by moving in). Its right derivative `Σᵢ ±wᵢ / (Mᵢ − |x − xᵢ|)`
/// falls from left to right; the solver finds by binary search the first
/// party position where it turns non-positive, and if the left derivative
/// there is still negative, bisects the derivative (continuous and strictly
/// decreasing between two adjacent positions) down to adjacent floats.
pub fn nash(input: &Input, weighted: bool) -> Result<Forecast, ForecastError> {
    let mut parties: Vec<(f64, f64)> = Vec::with_capacity(input.actors.len());
    let outcome = (0..input.issues.len())
        .map(|k| {
            parties.clear();
            for (a, actor) in input.actors.iter().enumerate() {
                let w = weight(input, a, k);
                if w > 0.0 {
                    parties.push((actor.position[k], if weighted { w } else { 1.0 }));
                }
            }
            if parties.is_empty() {
                return Err(ForecastError::NoWeight { issue: input.issues[k].id.clone() });
            }
            Ok(nash_point(&mut parties))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(closed_form(input, if weighted { "weighted-nash" } else { "nash" }, outcome))
}

/// Which way the derivative of the Nash objective is taken at a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Just left of the point: a party sitting on it still pulls right.
    Left,
    /// Just right of the point: a party sitting on it pulls left.
    Right,
}

/// The derivative of `Σᵢ wᵢ ln(Mᵢ − |x − xᵢ|)` at `x`, from `side`. A party
/// whose gain is zero at x (x is its worst end, 0 or 1) contributes ±∞; both
/// signs never meet, since at 0 every such party lies to the right and at 1
/// to the left.
fn nash_slope(parties: &[(f64, f64)], x: f64, side: Side) -> f64 {
    parties
        .iter()
        .map(|&(p, w)| {
            let gain = p.max(1.0 - p) - (x - p).abs();
            let pulls_right = p > x || (p == x && side == Side::Left);
            if pulls_right { w / gain } else { -w / gain }
        })
        .sum()
}

/// The maximiser of the Nash objective for parties `(position, weight)` with
/// positive weights.
fn nash_point(parties: &mut [(f64, f64)]) -> f64 {
    // Ties by weight, so that the sums are the same in any input order.
    parties.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut breakpoints: Vec<f64> = parties.iter().map(|p| p.0).collect();
    breakpoints.dedup();
    // The right derivative is decreasing and negative at the last position.
    let first_down = breakpoints.partition_point(|&p| nash_slope(parties, p, Side::Right) > 0.0);
    let Some(&at) = breakpoints.get(first_down) else {
        return breakpoints[breakpoints.len() - 1];
    };
    if first_down == 0 || nash_slope(parties, at, Side::Left) >= 0.0 {
        return at;
    }
    // The maximiser lies strictly between two adjacent positions.
    let (mut lo, mut hi) = (breakpoints[first_down - 1], at);
    for _ in 0..1100 {
        let mid = lo + 0.5 * (hi - lo);
        if mid <= lo || mid >= hi {
            break;
        }
        let slope = nash_slope(parties, mid, Side::Right);
        if slope > 0.0 {
            lo = mid;
        } else if slope < 0.0 {
            hi = mid;
        } else {
            return mid;
        }
    }
    lo + 0.5 * (hi - lo)
}
