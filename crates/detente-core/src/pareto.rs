//! Pareto frontiers of utility vectors.
//!
//! Points are rows of a flat, row-major `&[f64]` with `dims` columns, so a
//! caller can stream millions of outcomes without one allocation each.
//! A point is on the frontier when no other point is at least as good for
//! every actor and better for one. Points with identical utility vectors do not
//! dominate each other, so all of them stay.
//!
//! Two actors: sort by the first utility (descending, ties by the second) and
//! sweep, keeping a point when its second utility beats every point before it:
//! O(n log n). More actors: sort-filter-skyline (Chomicki et al. 2003): in
//! order of decreasing utility sum, a point can only be dominated by a point
//! already kept, so each point is checked against the frontier so far, never
//! against all others.

use std::cmp::Ordering;

/// Whether `p` dominates `q`: at least as good everywhere, better somewhere.
#[inline]
pub fn dominates(p: &[f64], q: &[f64]) -> bool {
    let mut strictly = false;
    for (a, b) in p.iter().zip(q) {
        if a < b {
            return false;
        }
        if a > b {
            strictly = true;
        }
    }
    strictly
}

/// Indices of the rows of `points` on the Pareto frontier, in order of
/// decreasing first utility (then second, and so on).
///
/// NaN utilities are not expected: scenarios are validated to be finite.
pub fn pareto_indices(points: &[f64], dims: usize) -> Vec<usize> {
    assert!(dims > 0, "a utility vector has at least one actor");
    let n = points.len() / dims;
    let row = |i: usize| &points[i * dims..(i + 1) * dims];
    let mut order: Vec<usize> = (0..n).collect();
    let mut frontier = match dims {
        1 => {
            let best = (0..n).map(|i| points[i]).fold(f64::NEG_INFINITY, f64::max);
            order.retain(|&i| points[i] == best);
            order
        }
        2 => {
            order.sort_unstable_by(|&a, &b| lex_desc(row(a), row(b)));
            let mut kept: Vec<usize> = Vec::new();
            let mut best_second = f64::NEG_INFINITY;
            for i in order {
                let p = row(i);
                let same_as_last = kept.last().is_some_and(|&k| row(k) == p);
                if p[1] > best_second || same_as_last {
                    best_second = best_second.max(p[1]);
                    kept.push(i);
                }
            }
            kept
        }
        _ => {
            let sums: Vec<f64> = (0..n).map(|i| row(i).iter().sum()).collect();
            // Float sums are monotone but not strictly so; the lexicographic
            // tie-break puts a dominating point first even when rounding makes
            // two sums equal.
            order.sort_unstable_by(|&a, &b| sums[b].total_cmp(&sums[a]).then_with(|| lex_desc(row(a), row(b))));
            let mut kept: Vec<usize> = Vec::new();
            for i in order {
                let p = row(i);
                if !kept.iter().any(|&k| dominates(row(k), p)) {
                    kept.push(i);
                }
            }
            kept
        }
    };
    frontier.sort_by(|&a, &b| lex_desc(row(a), row(b)).then(a.cmp(&b)));
    frontier
}

fn lex_desc(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        // `total_cmp` orders -0.0 below 0.0, but dominance treats them as
        // equal (a float sum of nothing is -0.0); adding 0.0 turns -0.0 into
        // 0.0, so that (0, 0) does not sort before, and survive, (-0, 5).
        match (*y + 0.0).total_cmp(&(*x + 0.0)) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_force(points: &[f64], dims: usize) -> Vec<usize> {
        let n = points.len() / dims;
        let row = |i: usize| &points[i * dims..(i + 1) * dims];
        (0..n).filter(|&i| (0..n).all(|j| !dominates(row(j), row(i)))).collect()
    }

    fn sorted(mut v: Vec<usize>) -> Vec<usize> {
        v.sort_unstable();
        v
    }

    #[test]
    fn two_actor_frontier_keeps_ties_and_drops_dominated() {
        // (1,0) (0,1) (0.5,0.5) twice, and (0.4,0.4) dominated by both copies.
        let pts = [1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 1.0, 0.0];
        assert_eq!(pareto_indices(&pts, 2), vec![0, 5, 2, 3, 1]);
    }

    #[test]
    fn signed_zeros_are_equal() {
        let pts = [0.0, -0.0, -0.0, 5.0];
        assert_eq!(pareto_indices(&pts, 2), vec![1]);
        let pts = [0.0, 0.0, -0.0, -0.0, 0.0, 5.0, -0.0, 5.0];
        assert_eq!(sorted(pareto_indices(&pts, 2)), vec![2, 3]);
    }

    #[test]
    fn same_first_utility_keeps_only_best_second() {
        let pts = [0.7, 0.1, 0.7, 0.3, 0.2, 0.9];
        assert_eq!(pareto_indices(&pts, 2), vec![1, 2]);
    }

    #[test]
    fn three_actor_frontier() {
        let pts = [
            1.0, 0.0, 0.0, //
            0.0, 1.0, 0.0, //
            0.0, 0.0, 1.0, //
            0.3, 0.3, 0.3, //
            0.2, 0.3, 0.3, // dominated by row 3
            0.9, 0.0, 0.0, // dominated by row 0
        ];
        assert_eq!(sorted(pareto_indices(&pts, 3)), vec![0, 1, 2, 3]);
    }

    fn small_grid_points(dims: usize) -> impl Strategy<Value = Vec<f64>> {
        // Few distinct values, so that ties and equal sums are common.
        prop::collection::vec((0u8..6).prop_map(|v| f64::from(v) / 5.0), 0..60 * dims).prop_map(move |mut v| {
            v.truncate(v.len() / dims * dims);
            v
        })
    }

    proptest! {
        #[test]
        fn equals_brute_force_2d(points in small_grid_points(2)) {
            prop_assert_eq!(sorted(pareto_indices(&points, 2)), brute_force(&points, 2));
        }

        #[test]
        fn equals_brute_force_3d(points in small_grid_points(3)) {
            prop_assert_eq!(sorted(pareto_indices(&points, 3)), brute_force(&points, 3));
        }

        #[test]
        fn equals_brute_force_5d(points in small_grid_points(5)) {
            prop_assert_eq!(sorted(pareto_indices(&points, 5)), brute_force(&points, 5));
        }

        #[test]
        fn equals_brute_force_continuous(points in prop::collection::vec(0.0f64..1.0, 0..200)) {
            let points = &points[..points.len() / 2 * 2];
            prop_assert_eq!(sorted(pareto_indices(points, 2)), brute_force(points, 2));
        }
    }
}
