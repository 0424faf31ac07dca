//! The frequency opponent model (HardHeaded's, GENIUS'
//! `HardHeadedFrequencyModel`).

use detente_core::{OutcomeSpace, WeightPolicy};
use detente_formats::genius::{InputFile, load_genius};
use detente_sim::opponent::FrequencyModel;
use detente_sim::strategies::TimeBased;
use detente_sim::{Arena, OutcomeId, PartyView};

fn laptop() -> Arena {
    let files = [
        ("laptop_domain.xml", include_str!("../../../testdata/genius/Laptop/laptop_domain.xml")),
        ("laptop_buyer_utility.xml", include_str!("../../../testdata/genius/Laptop/laptop_buyer_utility.xml")),
        ("laptop_seller_utility.xml", include_str!("../../../testdata/genius/Laptop/laptop_seller_utility.xml")),
    ];
    let inputs: Vec<InputFile<'_>> = files.iter().map(|(name, text)| InputFile { name, text }).collect();
    let scenario = load_genius(&inputs, WeightPolicy::Normalise).expect("Laptop loads").0;
    Arena::new(&scenario, &[0, 1]).expect("arena")
}

fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let cov: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// The offers a time-based opponent makes in its first `k` rounds of a
/// `rounds`-round alternating-offers negotiation (relative time `(r+1)/(rounds+1)`).
fn offers(strategy: &TimeBased, opponent: &PartyView, k: u32, rounds: u32) -> Vec<OutcomeId> {
    (0..k).map(|r| strategy.offer(opponent, f64::from(r + 1) / f64::from(rounds + 1))).collect()
}

#[test]
fn a_fresh_model_knows_nothing() {
    let model = FrequencyModel::new(&[5, 3, 2]);
    assert_eq!(model.issue_weights(), &[1.0 / 3.0; 3]);
    for o in 0..30 {
        assert!((model.predict(OutcomeId(o)) - 1.0).abs() < 1e-12);
    }
    assert_eq!(model.offers_seen(), 0);
}

#[test]
fn decoding_matches_the_outcome_space() {
    let space = OutcomeSpace { levels: vec![5, 3, 2, 4] };
    let model = FrequencyModel::new(&space.levels);
    for o in 0..120u32 {
        assert_eq!(model.decode(OutcomeId(o)), space.outcome(u64::from(o)));
    }
}

#[test]
fn repeated_offers_rank_first_and_kept_issues_gain_weight() {
    // Issues x (5 levels) and y (3): outcome 3·x + y. The opponent keeps
    // y = 1 and tries x = 2, 2, 2, 3, 2, 1.
    let mut model = FrequencyModel::new(&[5, 3]);
    for x in [2u32, 2, 2, 3, 2, 1] {
        model.update(OutcomeId(3 * x + 1));
    }
    assert_eq!(model.offers_seen(), 6);
    let best = OutcomeId(3 * 2 + 1);
    let predicted: Vec<f64> = (0..15).map(|o| model.predict(OutcomeId(o))).collect();
    assert_eq!(predicted[best.0 as usize], 1.0);
    for (o, &p) in predicted.iter().enumerate() {
        if o != best.0 as usize {
            assert!(p < 1.0, "{o}: {p}");
        }
    }
    // y never changed: it outweighs x, which changed three times.
    let w = model.issue_weights();
    assert!(w[1] > w[0], "{w:?}");
    assert!((w[0] + w[1] - 1.0).abs() < 1e-12);
    // Hand-computed from the rule: after the first offer, five updates; y is
    // unchanged in all, x in two (2→2 twice): golden = 0.1.
    let mut expected = [0.5f64, 0.5];
    for x_same in [true, true, false, false, false] {
        let k = if x_same { 2.0 } else { 1.0 };
        let total = 1.0 + 0.1 * k;
        let cap = 1.0 - 2.0 * 0.1 / total;
        let grow = |w: f64, same: bool| if same && w < cap { (w + 0.1) / total } else { w / total };
        expected = [grow(expected[0], x_same), grow(expected[1], true)];
        let sum = expected[0] + expected[1];
        expected = [expected[0] / sum, expected[1] / sum];
    }
    assert!((w[0] - expected[0]).abs() < 1e-12 && (w[1] - expected[1]).abs() < 1e-12, "{w:?} vs {expected:?}");
    // Value utilities: counts 1 + offers, over the issue's highest.
    assert_eq!(model.value_utility(0, 2), 1.0);
    assert_eq!(model.value_utility(0, 3), 2.0 / 5.0);
    assert_eq!(model.value_utility(0, 0), 1.0 / 5.0);
    assert_eq!(model.value_utility(1, 1), 1.0);
    assert_eq!(model.value_utility(1, 0), 1.0 / 7.0);
    assert_eq!(model.value_utility(7, 0), 0.0);
}

#[test]
fn the_estimate_follows_a_time_based_opponent_on_laptop() {
    let arena = laptop();
    let n = arena.n_outcomes;
    assert_eq!(n, 27);
    for opponent in &arena.parties {
        let truth: Vec<f64> = (0..n).map(|o| opponent.utility(OutcomeId(o))).collect();
        // A Boulware opponent over a 20-round negotiation, and the first five
        // offers of a linear one: a few offers, mostly near its best.
        for (strategy, k, rounds) in [(TimeBased::boulware(), 20, 20), (TimeBased::linear(), 5, 20)] {
            let seen = offers(&strategy, opponent, k, rounds);
            let mut model = FrequencyModel::new(&arena.space.levels);
            for &o in &seen {
                model.update(o);
            }
            let predicted: Vec<f64> = (0..n).map(|o| model.predict(OutcomeId(o))).collect();
            let r = pearson(&predicted, &truth);
            assert!(r > 0.8, "{} vs {}: r = {r}", opponent.id, strategy.exponent());
            // Boulware repeats its best outcome most of the time: predicted best.
            let top = opponent.by_utility[0];
            if strategy.exponent() == TimeBased::BOULWARE {
                assert!(seen.iter().filter(|&&o| o == top).count() * 2 > seen.len());
                let max = predicted.iter().copied().fold(f64::MIN, f64::max);
                assert_eq!(predicted[top.0 as usize], max, "{}", opponent.id);
            }
        }
    }
}

/// The frequency model's known blind spot: an opponent that concedes at
/// once offers its middling values most often, and the model believes it.
#[test]
fn a_fast_conceder_misleads_it() {
    let arena = laptop();
    let opponent = &arena.parties[1];
    let seen = offers(&TimeBased::conceder(), opponent, 20, 20);
    let mut model = FrequencyModel::new(&arena.space.levels);
    seen.iter().for_each(|&o| model.update(o));
    let predicted: Vec<f64> = (0..27).map(|o| model.predict(OutcomeId(o))).collect();
    assert!(pearson(&predicted, &opponent.utilities) < 0.0);
}
