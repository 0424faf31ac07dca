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
//! O(n log n). Large inputs are thinned first by one pass over buckets of the
//! first utility, which drops every point that a point of a higher bucket
//! dominates, so that only the points near the frontier are sorted.
//!
//! Three actors: the same sweep one dimension up (Kung, Luccio and Preparata
//! 1975): in order of decreasing first utility, a staircase of the second and
//! third utilities of the points seen so far answers "is some earlier point
//! at least as good?" in O(log n).
//!
//! More actors: sort-filter-skyline (Chomicki et al. 2003) in batches, each
//! batch's "does some point dominate this one?" answered by a k-d tree
//! instead of a scan of the frontier so far. Each node of the tree knows the
//! componentwise minimum and maximum of its points, so a query skips a
//! subtree that is worse than the point somewhere and stops at one that is
//! better everywhere. Plain sort-filter-skyline compares each point with the
//! whole frontier so far: quadratic when most points are efficient.
//!
//! Frontiers of parts are merged by [`par_pareto_indices_of_frontiers`],
//! which checks each point against the other parts only, in parallel.
//!
//! Dropping a dominated point never changes the frontier of the rest (the
//! point that dominates it, or one that dominates that, stays), which is why
//! a frontier can be computed from any prefilter's survivors, and the frontier
//! of a union from the frontiers of its parts.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rayon::prelude::*;

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
/// decreasing first utility (then second, and so on), equal rows in row order.
///
/// NaN utilities are not expected: scenarios are validated to be finite.
pub fn pareto_indices(points: &[f64], dims: usize) -> Vec<usize> {
    assert!(dims > 0, "a utility vector has at least one actor");
    let n = points.len() / dims;
    // The sweeps keep points in the order they visit them, the final order.
    match dims {
        1 => {
            let best = (0..n).map(|i| points[i]).fold(f64::NEG_INFINITY, f64::max);
            (0..n).filter(|&i| points[i] == best).collect()
        }
        2 => sweep_2d(points, prefilter_2d(points)),
        3 => sweep_3d(points),
        _ => {
            let mut frontier = skyline(points, dims);
            sort_frontier(points, dims, &mut frontier);
            frontier
        }
    }
}

/// [`pareto_indices`] of the union of frontiers: the rows form consecutive
/// parts (part `k` ends before row `part_ends[k]`), none of which holds a row
/// that dominates another row of the same part. Same result as
/// [`pareto_indices`], but for four or more actors each row is only checked
/// against the other parts, in parallel on rayon's pool.
pub fn par_pareto_indices_of_frontiers(points: &[f64], dims: usize, part_ends: &[usize]) -> Vec<usize> {
    assert!(dims > 0, "a utility vector has at least one actor");
    let n = points.len() / dims;
    if dims <= 3 || part_ends.len() <= 1 {
        return pareto_indices(points, dims);
    }
    assert!(part_ends.windows(2).all(|w| w[0] <= w[1]) && part_ends.last() == Some(&n), "parts cover the rows");
    let starts: Vec<usize> = std::iter::once(0).chain(part_ends.iter().copied()).collect();
    let trees: Vec<DominanceTree> = (0..part_ends.len())
        .into_par_iter()
        .map(|k| DominanceTree::new(&points[starts[k] * dims..starts[k + 1] * dims], dims))
        .collect();
    let mut frontier: Vec<usize> = (0..part_ends.len())
        .into_par_iter()
        .flat_map_iter(|k| {
            let trees = &trees;
            (starts[k]..starts[k + 1]).filter(move |&i| {
                let p = &points[i * dims..(i + 1) * dims];
                !trees.iter().enumerate().any(|(j, tree)| j != k && tree.dominated(p))
            })
        })
        .collect();
    sort_frontier(points, dims, &mut frontier);
    frontier
}

/// The frontier of four or more actors, unordered: sort-filter-skyline in
/// batches, with each batch's dominance queries answered by a k-d tree.
///
/// In order of decreasing utility sum, a point can only be dominated by a
/// point before it (Chomicki et al. 2003). The points are taken in that order
/// in batches; a batch is filtered first against a tree of the frontier of
/// the batches before it, then its survivors against a tree of one another.
/// A batch is four times the frontier so far (and at least [`BATCH`]), so the
/// frontier's tree is rebuilt O(log n) times once it is large; the early,
/// strong points make most queries short, and the few strongest are tried
/// before the tree.
fn skyline(points: &[f64], dims: usize) -> Vec<usize> {
    let n = points.len() / dims;
    if n <= SMALL {
        return small_skyline(points, dims);
    }
    assert!(u32::try_from(n).is_ok(), "at most 2³² points");
    let row = |i: u32| &points[i as usize * dims..(i as usize + 1) * dims];
    // Adding 0.0 makes -0.0 and 0.0 one key, as dominance sees them.
    let sums: Vec<f64> = points.chunks_exact(dims).map(|p| p.iter().sum::<f64>() + 0.0).collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    // Float sums are monotone but not strictly so; the lexicographic
    // tie-break puts a dominating point first even when rounding makes two
    // sums equal.
    order.sort_unstable_by(|&a, &b| {
        sums[b as usize].total_cmp(&sums[a as usize]).then_with(|| lex_desc(row(a), row(b)))
    });
    let filter = |candidates: &[u32], tree: &DominanceTree, top: &[f64]| -> Vec<u32> {
        candidates
            .iter()
            .copied()
            .filter(|&i| {
                let p = row(i);
                !top.chunks_exact(dims).any(|q| dominates(q, p)) && !tree.dominated(p)
            })
            .collect()
    };
    let mut kept: Vec<u32> = Vec::new();
    let mut kept_rows: Vec<f64> = Vec::new();
    let mut at = 0;
    while at < n {
        let size = (kept.len() * 4).max(BATCH).min(n - at);
        let batch = &order[at..at + size];
        at += size;
        let survivors = if kept.is_empty() {
            batch.to_vec()
        } else {
            let top = &kept_rows[..kept_rows.len().min(TOP * dims)];
            filter(batch, &DominanceTree::new(&kept_rows, dims), top)
        };
        let survivor_rows: Vec<f64> = survivors.iter().flat_map(|&i| row(i)).copied().collect();
        let tree = DominanceTree::new(&survivor_rows, dims);
        for i in filter(&survivors, &tree, &[]) {
            kept.push(i);
            kept_rows.extend_from_slice(row(i));
        }
    }
    kept.into_iter().map(|i| i as usize).collect()
}

/// The frontier points of largest sums, which dominate many points: checked
/// one by one before the tree.
const TOP: usize = 8;

/// Points per batch of [`skyline`], while the frontier is smaller.
const BATCH: usize = 1024;

/// Below this many points, three or more actors are filtered by comparing
/// pairs: building a tree would cost more than it saves.
const SMALL: usize = 64;

/// Puts rows in frontier order: decreasing utilities, equal rows by row
/// index. The sort is stable and finds runs, so rows that come as a few
/// sorted parts (frontiers to merge) cost little more than a pass.
fn sort_frontier(points: &[f64], dims: usize, frontier: &mut [usize]) {
    let row = |i: usize| &points[i * dims..(i + 1) * dims];
    frontier.sort_by(|&a, &b| lex_desc(row(a), row(b)).then(a.cmp(&b)));
}

/// The two-actor sweep over the rows `order` (in any order), in frontier
/// order.
fn sweep_2d(points: &[f64], mut order: Vec<usize>) -> Vec<usize> {
    sort_frontier(points, 2, &mut order);
    let row = |i: usize| &points[i * 2..i * 2 + 2];
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

/// The three-actor sweep (Kung, Luccio and Preparata 1975), in frontier
/// order: in order of decreasing first utility, a point is dominated by a
/// point with a larger first utility exactly when one of those is at least as
/// good on the other two, which a staircase of the second and third
/// utilities answers in O(log n). Points with the same first utility are
/// compared among themselves by the two-actor sweep.
fn sweep_3d(points: &[f64]) -> Vec<usize> {
    let n = points.len() / 3;
    let row = |i: usize| &points[i * 3..i * 3 + 3];
    let mut order: Vec<usize> = (0..n).collect();
    sort_frontier(points, 3, &mut order);
    // The points seen so far that no other is at least as good as on the
    // second and third utilities: keyed by the second, so that the third
    // falls as the key grows.
    let mut staircase: BTreeMap<u64, f64> = BTreeMap::new();
    let mut kept: Vec<usize> = Vec::new();
    let mut group_start = 0;
    while group_start < n {
        let first = row(order[group_start])[0];
        let group_end = order[group_start..].iter().position(|&i| row(i)[0] != first).map_or(n, |k| group_start + k);
        let mut best_third = f64::NEG_INFINITY;
        let kept_before = kept.len();
        for &i in &order[group_start..group_end] {
            let p = row(i);
            let above = staircase.range(ordered_key(p[1])..).next().map(|(_, &third)| third);
            if above.is_some_and(|third| third >= p[2]) {
                continue;
            }
            // Within the group, sorted by the second utility and then the
            // third: the two-actor sweep.
            let same_as_last = kept.len() > kept_before && kept.last().is_some_and(|&k| row(k) == p);
            if p[2] > best_third || same_as_last {
                best_third = best_third.max(p[2]);
                kept.push(i);
            }
        }
        for &i in &kept[kept_before..] {
            let p = row(i);
            if staircase.range(ordered_key(p[1])..).next().is_some_and(|(_, &third)| third >= p[2]) {
                continue;
            }
            let covered: Vec<u64> = staircase
                .range(..=ordered_key(p[1]))
                .rev()
                .take_while(|&(_, &third)| third <= p[2])
                .map(|(&k, _)| k)
                .collect();
            for key in covered {
                staircase.remove(&key);
            }
            staircase.insert(ordered_key(p[1]), p[2]);
        }
        group_start = group_end;
    }
    kept
}

/// A key whose integer order is the numeric order of `x` (-0.0 and 0.0 are
/// one key), for maps keyed by utilities.
fn ordered_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// Rows of a two-actor point set that may be on the frontier, in row order.
///
/// The range of the first utility is cut into buckets; a point is dropped when
/// a point of a higher bucket (so with a strictly larger first utility) has a
/// second utility at least as large, so dominates it. One pass records each
/// bucket's best second utility, one pass drops points. What survives is the
/// frontier and the points just below it, so sorting them costs little.
fn prefilter_2d(points: &[f64]) -> Vec<usize> {
    let n = points.len() / 2;
    let everything = || (0..n).collect();
    if n < PREFILTER_MIN {
        return everything();
    }
    let (lo, hi) =
        points.iter().step_by(2).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let n_buckets = (n / 16).clamp(16, 1 << 16);
    let scale = n_buckets as f64 / (hi - lo);
    if !(hi > lo && scale.is_finite()) {
        return everything();
    }
    // Rounding is monotone, so a higher bucket means a strictly larger first
    // utility (equal utilities share a bucket); `as` saturates, and clamps
    // the top of the range into the last bucket.
    let bucket = |x: f64| (((x - lo) * scale) as usize).min(n_buckets - 1);
    let mut best_above = vec![f64::NEG_INFINITY; n_buckets];
    for p in points.chunks_exact(2) {
        let b = bucket(p[0]);
        best_above[b] = best_above[b].max(p[1]);
    }
    // Turn each bucket's best into the best of the buckets above it.
    let mut above = f64::NEG_INFINITY;
    for best in best_above.iter_mut().rev() {
        let here = *best;
        *best = above;
        above = above.max(here);
    }
    points.chunks_exact(2).enumerate().filter(|(_, p)| p[1] > best_above[bucket(p[0])]).map(|(i, _)| i).collect()
}

/// A two-actor frontier computed on the fly: points are offered one by one,
/// and one that a point offered earlier dominates is mostly dropped at once,
/// so that a chunk of outcomes costs a few instructions per outcome and
/// memory for the points near the frontier only.
///
/// The filter keeps the bucket staircase of [`prefilter_2d`] for the
/// candidates it holds (and any seeds), over buckets of the first utility in
/// a fixed range; it rebuilds it, and drops the candidates it rules out,
/// whenever the candidates have doubled.
#[derive(Debug, Clone)]
pub(crate) struct Frontier2d {
    lo: f64,
    scale: f64,
    /// For each bucket, the best second utility in the buckets above it.
    best_above: Vec<f64>,
    /// Candidates: row-major utilities and the caller's ids.
    rows: Vec<f64>,
    ids: Vec<u32>,
    next_rebuild: usize,
}

/// The staircase has 2^12 buckets: 32 KiB, in L1 or L2.
const BUCKET_BITS: u32 = 12;

/// Candidates held before the first staircase is built.
const FIRST_REBUILD: usize = 1024;

impl Frontier2d {
    /// A filter for points whose first utility lies mostly in `lo..=hi`
    /// (points outside go to the edge buckets: slower, still exact).
    pub(crate) fn new(lo: f64, hi: f64) -> Frontier2d {
        let scale = 1.0 / (hi - lo);
        let (lo, scale) = if hi > lo && scale.is_finite() { (lo, scale) } else { (0.0, 0.0) };
        Frontier2d {
            lo,
            scale,
            best_above: vec![f64::NEG_INFINITY; 1 << BUCKET_BITS],
            rows: Vec::new(),
            ids: Vec::new(),
            next_rebuild: FIRST_REBUILD,
        }
    }

    /// The bucket of first utility `x`: `x` mapped into [1, 2), whose float
    /// bits grow with it, and the top bits of its mantissa. Every step is
    /// monotone (rounding included), so a higher bucket means a strictly
    /// larger first utility; equal utilities share a bucket. No branches, no
    /// saturating float-to-integer conversion: this runs once per outcome.
    #[inline]
    #[allow(clippy::manual_clamp, reason = "`max` and `min` send NaN to a bucket; `clamp` would keep it NaN")]
    fn bucket(&self, x: f64) -> usize {
        const BELOW_TWO: f64 = f64::from_bits(0x3fff_ffff_ffff_ffff); // the largest float below 2
        let y = (1.0 + (x - self.lo) * self.scale).max(1.0).min(BELOW_TWO);
        (y.to_bits() >> (52 - BUCKET_BITS)) as usize & ((1 << BUCKET_BITS) - 1)
    }

    /// Raises the staircase with points that are not candidates (from outside
    /// the caller's range; their frontier is the caller's to merge).
    pub(crate) fn seed(&mut self, points: &[f64]) {
        let mut best = vec![f64::NEG_INFINITY; self.best_above.len()];
        for p in points.chunks_exact(2) {
            let b = self.bucket(p[0]);
            best[b] = best[b].max(p[1]);
        }
        self.raise(&best);
    }

    /// Offers point `id` with utilities `(u0, u1)`.
    #[inline]
    pub(crate) fn offer(&mut self, id: u32, u0: f64, u1: f64) {
        if u1 > self.best_above[self.bucket(u0)] {
            self.rows.push(u0);
            self.rows.push(u1);
            self.ids.push(id);
            if self.ids.len() >= self.next_rebuild {
                self.rebuild();
            }
        }
    }

    /// Folds the candidates into the staircase and drops those it rules out.
    fn rebuild(&mut self) {
        let mut best = vec![f64::NEG_INFINITY; self.best_above.len()];
        for p in self.rows.chunks_exact(2) {
            let b = self.bucket(p[0]);
            best[b] = best[b].max(p[1]);
        }
        self.raise(&best);
        let mut kept = 0;
        for k in 0..self.ids.len() {
            let (u0, u1) = (self.rows[2 * k], self.rows[2 * k + 1]);
            if u1 > self.best_above[self.bucket(u0)] {
                self.rows[2 * kept] = u0;
                self.rows[2 * kept + 1] = u1;
                self.ids[kept] = self.ids[k];
                kept += 1;
            }
        }
        self.rows.truncate(2 * kept);
        self.ids.truncate(kept);
        self.next_rebuild = (2 * kept).max(kept + FIRST_REBUILD);
    }

    /// Merges per-bucket bests into `best_above`.
    fn raise(&mut self, best: &[f64]) {
        let mut above = f64::NEG_INFINITY;
        for (b, &here) in best.iter().enumerate().rev() {
            self.best_above[b] = self.best_above[b].max(above);
            above = above.max(here);
        }
    }

    /// The frontier of the candidates (seeds excluded) as (ids, row-major
    /// utilities), in [`pareto_indices`] order with equal points in the
    /// order they were offered.
    pub(crate) fn finish(self) -> (Vec<u32>, Vec<f64>) {
        let keep = pareto_indices(&self.rows, 2);
        let ids = keep.iter().map(|&k| self.ids[k]).collect();
        let rows = keep.iter().flat_map(|&k| [self.rows[2 * k], self.rows[2 * k + 1]]).collect();
        (ids, rows)
    }
}

/// Two-actor inputs smaller than this are sorted whole.
const PREFILTER_MIN: usize = 1024;

/// Sort-filter-skyline (Chomicki et al. 2003) for a few points: in order of
/// decreasing utility sum, a point can only be dominated by one already kept.
fn small_skyline(points: &[f64], dims: usize) -> Vec<usize> {
    let n = points.len() / dims;
    let row = |i: usize| &points[i * dims..(i + 1) * dims];
    let sums: Vec<f64> = (0..n).map(|i| row(i).iter().sum()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    // Float sums are monotone but not strictly so; the lexicographic
    // tie-break puts a dominating point first even when rounding makes two
    // sums equal.
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

/// A k-d tree over points that answers "does any point dominate `p`?".
struct DominanceTree {
    dims: usize,
    /// The points, copied in tree order (each node's points are contiguous).
    rows: Vec<f64>,
    nodes: Vec<Node>,
    /// Per node, the componentwise minimum and then maximum of its points.
    boxes: Vec<f64>,
}

#[derive(Clone, Copy)]
struct Node {
    start: u32,
    end: u32,
    /// The children (0 for a leaf: the root is nobody's child). The high child
    /// holds the points with the larger values on the split coordinate.
    low: u32,
    high: u32,
}

/// Points per leaf: a leaf is scanned point by point.
const LEAF: usize = 8;

impl DominanceTree {
    fn new(points: &[f64], dims: usize) -> DominanceTree {
        let n = points.len() / dims;
        assert!(u32::try_from(n).is_ok(), "at most 2³² points");
        let mut tree = DominanceTree { dims, rows: Vec::new(), nodes: Vec::new(), boxes: Vec::new() };
        if n == 0 {
            return tree;
        }
        let mut order: Vec<u32> = (0..n as u32).collect();
        let mut cell = vec![f64::INFINITY; dims];
        cell.extend(std::iter::repeat_n(f64::NEG_INFINITY, dims));
        for p in points.chunks_exact(dims) {
            for (j, &x) in p.iter().enumerate() {
                cell[j] = cell[j].min(x);
                cell[dims + j] = cell[dims + j].max(x);
            }
        }
        let mut keys: Vec<(f64, u32)> = Vec::with_capacity(n);
        tree.build(points, &mut order, 0, n, &mut cell, &mut keys);
        tree.rows = order.iter().flat_map(|&i| &points[i as usize * dims..(i as usize + 1) * dims]).copied().collect();
        // Tight boxes bottom-up: children come after their parent.
        tree.boxes = vec![0.0; tree.nodes.len() * 2 * dims];
        for at in (0..tree.nodes.len()).rev() {
            let Node { start, end, low, high } = tree.nodes[at];
            let (done, rest) = tree.boxes.split_at_mut((at + 1) * 2 * dims);
            let bounds = &mut done[at * 2 * dims..];
            let (lower, upper) = bounds.split_at_mut(dims);
            if low == 0 {
                lower.fill(f64::INFINITY);
                upper.fill(f64::NEG_INFINITY);
                for q in tree.rows[start as usize * dims..end as usize * dims].chunks_exact(dims) {
                    for (j, &x) in q.iter().enumerate() {
                        lower[j] = lower[j].min(x);
                        upper[j] = upper[j].max(x);
                    }
                }
            } else {
                let child = |c: u32| &rest[(c as usize - at - 1) * 2 * dims..(c as usize - at) * 2 * dims];
                let (low, high) = (child(low), child(high));
                for j in 0..dims {
                    lower[j] = low[j].min(high[j]);
                    upper[j] = low[dims + j].max(high[dims + j]);
                }
            }
        }
        tree
    }

    /// Adds the node for `order[start..end]`, whose points lie in `cell`
    /// (minimum, then maximum), and its subtree; returns its index. Splits
    /// at the median of the cell's widest coordinate.
    fn build(
        &mut self,
        points: &[f64],
        order: &mut [u32],
        start: usize,
        end: usize,
        cell: &mut [f64],
        keys: &mut Vec<(f64, u32)>,
    ) -> u32 {
        let dims = self.dims;
        let at = self.nodes.len();
        self.nodes.push(Node { start: start as u32, end: end as u32, low: 0, high: 0 });
        if end - start <= LEAF {
            return at as u32;
        }
        let (split, spread) = (0..dims)
            .map(|j| cell[dims + j] - cell[j])
            .enumerate()
            .fold((0, 0.0), |best, (j, spread)| if spread > best.1 { (j, spread) } else { best });
        if spread <= 0.0 {
            // Identical points: the box alone answers every query.
            return at as u32;
        }
        // Sorting keys rather than indices keeps the selection in cache.
        let mid = start + (end - start) / 2;
        keys.clear();
        keys.extend(order[start..end].iter().map(|&i| (points[i as usize * dims + split] + 0.0, i)));
        keys.select_nth_unstable_by(mid - start, |a, b| a.0.total_cmp(&b.0));
        let median = keys[mid - start].0;
        for (slot, &(_, i)) in order[start..end].iter_mut().zip(keys.iter()) {
            *slot = i;
        }
        // The high child first, next to its parent: queries visit it first.
        let (below, above) = (cell[split], cell[dims + split]);
        cell[split] = median;
        let high = self.build(points, order, mid, end, cell, keys);
        cell[split] = below;
        cell[dims + split] = median;
        let low = self.build(points, order, start, mid, cell, keys);
        cell[dims + split] = above;
        self.nodes[at].low = low;
        self.nodes[at].high = high;
        at as u32
    }

    fn dominated(&self, p: &[f64]) -> bool {
        !self.nodes.is_empty() && self.search(0, p)
    }

    fn search(&self, node: u32, p: &[f64]) -> bool {
        let dims = self.dims;
        let at = node as usize * 2 * dims;
        let (lower, upper) = self.boxes[at..at + 2 * dims].split_at(dims);
        if upper.iter().zip(p).any(|(hi, x)| hi < x) {
            return false;
        }
        if dominates(lower, p) {
            // Every point of the node is at least `lower`.
            return true;
        }
        if lower == upper {
            // Every point of the node equals `p`: none dominates it.
            return false;
        }
        let Node { start, end, low, high } = self.nodes[node as usize];
        if low == 0 {
            return self.rows[start as usize * dims..end as usize * dims].chunks_exact(dims).any(|q| dominates(q, p));
        }
        self.search(high, p) || self.search(low, p)
    }
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

    /// The frontier in the documented order, by brute force.
    fn reference(points: &[f64], dims: usize) -> Vec<usize> {
        let mut frontier = brute_force(points, dims);
        sort_frontier(points, dims, &mut frontier);
        frontier
    }

    /// `rows` points of `dims` utilities on a grid of `levels` values in
    /// [-1, 1], zero signed either way: ties, equal sums and ±0 everywhere.
    fn grid(dims: usize, levels: u8, rows: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
        let value = (0..levels, any::<bool>()).prop_map(move |(v, negative_zero)| {
            let x = 2.0 * f64::from(v) / f64::from(levels.max(2) - 1) - 1.0;
            if x == 0.0 && negative_zero { -0.0 } else { x }
        });
        prop::collection::vec(prop::collection::vec(value, dims), rows).prop_map(|rows| rows.concat())
    }

    /// Points mostly near a hyperplane of negative slope, where most points
    /// are efficient: the frontier is large, as in zero-sum spaces.
    fn near_plane(dims: usize, rows: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(prop::collection::vec(0u8..20, dims - 1), rows).prop_map(move |rows| {
            rows.iter()
                .flat_map(|r| {
                    let last = 40.0 - r.iter().map(|&x| f64::from(x)).sum::<f64>() + f64::from(r[0] % 3);
                    r.iter().map(|&x| f64::from(x)).chain(std::iter::once(last)).collect::<Vec<_>>()
                })
                .collect()
        })
    }

    /// Rows of `points` made a frontier of their own (for merge inputs).
    fn own_frontier(points: Vec<f64>, dims: usize) -> Vec<f64> {
        pareto_indices(&points, dims).iter().flat_map(|&i| points[i * dims..(i + 1) * dims].to_vec()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        // Large enough for the bucket prefilter.
        #[test]
        fn two_actor_prefilter_keeps_the_frontier_and_its_order(points in grid(2, 60, 1024..2500)) {
            prop_assert_eq!(pareto_indices(&points, 2), reference(&points, 2));
        }

        #[test]
        fn two_actor_prefilter_on_a_line(points in near_plane(2, 1024..2000)) {
            prop_assert_eq!(pareto_indices(&points, 2), reference(&points, 2));
        }

        #[test]
        fn three_actor_sweep_equals_brute_force(points in grid(3, 5, 0..400)) {
            prop_assert_eq!(pareto_indices(&points, 3), reference(&points, 3));
        }

        #[test]
        fn three_actor_sweep_on_a_plane(points in near_plane(3, 0..600)) {
            prop_assert_eq!(pareto_indices(&points, 3), reference(&points, 3));
        }

        // More than `BATCH` points, so several batches and trees.
        #[test]
        fn skyline_equals_brute_force(dims in 4usize..7, levels in 2u8..8, points in grid(6, 8, 65..1500)) {
            let points: Vec<f64> = points.chunks_exact(6).flat_map(|r| r[..dims].iter().map(|&x| {
                // Coarser grids for more ties.
                (x * f64::from(levels)).round() / f64::from(levels)
            })).collect();
            prop_assert_eq!(pareto_indices(&points, dims), reference(&points, dims));
        }

        #[test]
        fn skyline_on_a_plane(dims in 4usize..6, points in near_plane(5, 65..1500)) {
            let points: Vec<f64> = points.chunks_exact(5).flat_map(|r| r[5 - dims..].to_vec()).collect();
            prop_assert_eq!(pareto_indices(&points, dims), reference(&points, dims));
        }

        #[test]
        fn merged_frontiers_equal_the_frontier_of_the_union(
            dims in 2usize..6,
            parts in prop::collection::vec(grid(5, 4, 0..150), 1..6),
        ) {
            let mut points = Vec::new();
            let mut part_ends = Vec::new();
            for part in parts {
                let part: Vec<f64> = part.chunks_exact(5).flat_map(|r| r[..dims].to_vec()).collect();
                points.extend(own_frontier(part, dims));
                part_ends.push(points.len() / dims);
            }
            prop_assert_eq!(par_pareto_indices_of_frontiers(&points, dims, &part_ends), reference(&points, dims));
        }

        #[test]
        fn frontier_2d_on_the_fly_equals_the_frontier(
            seeds in grid(2, 30, 0..50),
            points in grid(2, 30, 0..5000),
            range in (-1.5f64..0.5, 0.0f64..2.0),
        ) {
            // Bucket ranges that miss part of the points must not matter.
            let (lo, hi) = (range.0, range.0 + range.1);
            let mut filter = Frontier2d::new(lo, hi);
            filter.seed(&seeds);
            for (id, p) in points.chunks_exact(2).enumerate() {
                filter.offer(id as u32, p[0], p[1]);
            }
            let (ids, rows) = filter.finish();
            // Seeds may or may not have removed what they dominate; with the
            // seeds added back, the frontier is that of seeds and points.
            let n_seeds = seeds.len() / 2;
            let of_points = |all: &[f64], ids: &dyn Fn(usize) -> usize| -> Vec<usize> {
                pareto_indices(all, 2).into_iter().filter(|&k| k >= n_seeds).map(|k| ids(k - n_seeds)).collect()
            };
            let expected = of_points(&[seeds.clone(), points.clone()].concat(), &|k| k);
            let got = of_points(&[seeds.clone(), rows.clone()].concat(), &|k| ids[k] as usize);
            prop_assert_eq!(got, expected);
            // Whatever survives is on the frontier of the points alone.
            let alone = pareto_indices(&points, 2);
            prop_assert!(ids.iter().all(|&id| alone.contains(&(id as usize))));
            if seeds.is_empty() {
                prop_assert_eq!(ids.iter().map(|&id| id as usize).collect::<Vec<_>>(), alone);
            }
        }
    }
}
