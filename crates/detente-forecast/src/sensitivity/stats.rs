//! Order statistics, histograms and rank correlations over one column of runs.

use super::Quantile;

/// The distribution of one issue's outcomes.
#[derive(Debug)]
pub(super) struct Summary {
    pub(super) mean: f64,
    pub(super) std_dev: f64,
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) quantiles: Vec<Quantile>,
    pub(super) histogram: Vec<u64>,
}

impl Summary {
    /// `values` is non-empty and finite.
    pub(super) fn new(values: &[f64], quantiles: &[f64], bins: usize) -> Summary {
        let n = values.len() as f64;
        // Two passes on values shifted by the first, so that a constant
        // column has exactly its value as mean and exactly zero deviation.
        let shift = values[0];
        let offset = values.iter().map(|x| x - shift).sum::<f64>() / n;
        let mean = shift + offset;
        let squares: f64 = values.iter().map(|x| (x - shift - offset).powi(2)).sum();
        let std_dev = if values.len() > 1 { (squares / (n - 1.0)).sqrt() } else { 0.0 };
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let quantiles = quantiles.iter().map(|&p| Quantile { p, value: quantile(&sorted, p) }).collect();
        let mut histogram = vec![0u64; bins];
        for &x in values {
            // Outcomes are normalised; anything outside [0, 1] counts in the end bins.
            let bin = ((x * bins as f64).floor().max(0.0) as usize).min(bins - 1);
            histogram[bin] += 1;
        }
        Summary { mean, std_dev, min: sorted[0], max: sorted[sorted.len() - 1], quantiles, histogram }
    }
}

/// The `p` quantile of sorted values by linear interpolation between order
/// statistics (Hyndman & Fan's type 7, R's and NumPy's default).
pub(super) fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    match sorted.get(lo + 1) {
        Some(&next) => sorted[lo] + (h - lo as f64) * (next - sorted[lo]),
        None => sorted[lo],
    }
}

/// A key whose unsigned order is the numeric order of finite values, with
/// −0 and +0 one key.
fn key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// The values' keys with their indices, in increasing order: a least
/// significant digit radix sort, several times faster than a comparison sort
/// on the 10⁴–10⁶ runs of a sensitivity analysis. Bytes all keys share (the
/// top ones, for values in a narrow range) are skipped.
fn sorted_keys(values: &[f64]) -> Vec<(u64, u32)> {
    let mut items: Vec<(u64, u32)> = values.iter().zip(0u32..).map(|(&x, i)| (key(x), i)).collect();
    let mut buffer = vec![(0, 0); items.len()];
    for shift in (0..64).step_by(8) {
        let digit = |k: u64| (k >> shift) as usize & 0xff;
        let mut counts = [0usize; 256];
        for &(k, _) in &items {
            counts[digit(k)] += 1;
        }
        if counts.contains(&items.len()) {
            continue;
        }
        let mut offset = 0;
        for count in &mut counts {
            (*count, offset) = (offset, offset + *count);
        }
        for &item in &items {
            let d = digit(item.0);
            buffer[counts[d]] = item;
            counts[d] += 1;
        }
        std::mem::swap(&mut items, &mut buffer);
    }
    items
}

/// Ranks (ties averaged) less their mean, with their norm, for Spearman's
/// correlation as Pearson's correlation of ranks.
#[derive(Debug)]
pub(super) struct CentredRanks {
    ranks: Vec<f64>,
    norm: f64,
}

impl CentredRanks {
    pub(super) fn new(values: &[f64]) -> CentredRanks {
        let n = values.len();
        let order = sorted_keys(values);
        // Average ranks sum to n(n + 1)/2 whatever the ties, so their mean is
        // (n + 1)/2.
        let centre = (n as f64 + 1.0) / 2.0;
        let mut ranks = vec![0.0; n];
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && order[end].0 == order[start].0 {
                end += 1;
            }
            // Positions start..end hold ranks start+1..=end; their mean:
            let rank = (start + end + 1) as f64 / 2.0 - centre;
            for &(_, i) in &order[start..end] {
                ranks[i as usize] = rank;
            }
            start = end;
        }
        let norm = ranks.iter().map(|r| r * r).sum::<f64>().sqrt();
        CentredRanks { ranks, norm }
    }

    /// Spearman's ρ; `None` where either side is constant.
    pub(super) fn correlation(&self, other: &CentredRanks) -> Option<f64> {
        if self.norm == 0.0 || other.norm == 0.0 {
            return None;
        }
        let dot: f64 = self.ranks.iter().zip(&other.ranks).map(|(a, b)| a * b).sum();
        Some((dot / (self.norm * other.norm)).clamp(-1.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let sorted = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&sorted, 0.0), 1.0);
        assert_eq!(quantile(&sorted, 0.5), 3.0);
        assert_eq!(quantile(&sorted, 1.0), 5.0);
        assert!((quantile(&sorted, 0.1) - 1.4).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn radix_order_is_numeric_order() {
        let values = [0.5, -0.0, 1e-300, -2.5, 0.0, 3.0, -1e-300, 0.25, f64::MAX, -f64::MAX, 0.5];
        let order: Vec<f64> = sorted_keys(&values).iter().map(|&(_, i)| values[i as usize]).collect();
        let mut expected = values.to_vec();
        expected.sort_by(f64::total_cmp);
        assert_eq!(
            order.iter().map(|x| x + 0.0).collect::<Vec<_>>(),
            expected.iter().map(|x| x + 0.0).collect::<Vec<_>>()
        );
        assert_eq!(key(-0.0), key(0.0));
        // Stable: equal values keep index order.
        let ties: Vec<u32> = sorted_keys(&[1.0, 0.0, 1.0, 0.0]).iter().map(|p| p.1).collect();
        assert_eq!(ties, vec![1, 3, 0, 2]);
    }

    #[test]
    fn ranks_average_ties() {
        let r = CentredRanks::new(&[10.0, 20.0, 20.0, 5.0]);
        // Ranks 2, 3.5, 3.5, 1 less 2.5.
        assert_eq!(r.ranks, vec![-0.5, 1.0, 1.0, -1.5]);
        let same = CentredRanks::new(&[1.0, 4.0, 4.0, 0.0]);
        assert!((r.correlation(&same).expect("varies") - 1.0).abs() < 1e-12);
        let flat = CentredRanks::new(&[3.0; 4]);
        assert_eq!(r.correlation(&flat), None);
        let reversed = CentredRanks::new(&[-10.0, -20.0, -20.0, -5.0]);
        assert!((r.correlation(&reversed).expect("varies") + 1.0).abs() < 1e-12);
    }

    proptest::proptest! {
        #[test]
        fn ranks_match_counting(values in proptest::collection::vec(
            proptest::prop_oneof![(-3i32..3).prop_map(f64::from), -1e3f64..1e3], 1..60)) {
            // Average rank = (number below) + (number equal + 1)/2.
            let n = values.len() as f64;
            let ranks = CentredRanks::new(&values);
            for (i, &x) in values.iter().enumerate() {
                let below = values.iter().filter(|&&y| y < x).count() as f64;
                let equal = values.iter().filter(|&&y| y == x).count() as f64;
                let expected = below + (equal + 1.0) / 2.0 - (n + 1.0) / 2.0;
                proptest::prop_assert_eq!(ranks.ranks[i], expected);
            }
        }
    }

    #[test]
    fn summary_and_histogram() {
        let s = Summary::new(&[0.0, 0.25, 0.5, 1.0], &[0.5], 4);
        assert_eq!(s.histogram, vec![1, 1, 1, 1]);
        assert_eq!((s.min, s.max), (0.0, 1.0));
        assert_eq!(s.quantiles[0].value, 0.375);
        assert!((s.mean - 0.4375).abs() < 1e-15);
    }
}
