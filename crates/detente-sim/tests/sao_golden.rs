//! Golden traces of alternating-offers negotiations between time-based
//! strategies on GENIUS scenarios.
//!
//! The expected traces come from the formulas, not from this crate: the
//! first steps are derived below from the profiles' weights and evaluations
//! (GENIUS: weights divided by their sum, evaluations by the issue's
//! largest), and the whole tables were computed by an independent
//! re-implementation of the rules (NegMAS' SAO timing `t = (r + 1)/(n + 1)`,
//! the aspiration `1 − t^(1/e)` between `max(worst, reservation)` and the
//! best utility, offers "the lowest utility at or above target − 10⁻⁴",
//! acceptance "utility at or above target − 10⁻⁴"); NegMAS 0.16 gives the
//! same offers (`scripts/crosscheck-negmas-sim.sh`).
//!
//! Outcome ids are mixed-radix, last issue fastest: on Laptop (Laptop ×
//! Harddisk × External Monitor, three levels each) `id = 9·laptop + 3·disk +
//! monitor`.

#![allow(clippy::unwrap_used, reason = "in a test, a panic is the failure, and unwrap's message shows the error")]

mod common;

use detente_sim::trace::Action::{self, Accept, Offer, Reject};
use detente_sim::{Arena, Deadline, Ending, NegotiationResult, Negotiator, OutcomeId, Protocol, negotiate, strategies};

use common::genius;

fn run(arena: &Arena, a: &str, b: &str, rounds: u32, seed: u64) -> NegotiationResult {
    let mut negotiators: Vec<Box<dyn Negotiator>> = vec![strategies::build(a).unwrap(), strategies::build(b).unwrap()];
    negotiate(arena, Protocol::Sao, Deadline::Rounds(rounds), &mut negotiators, seed, true).unwrap()
}

/// (step, round, party, action, outcome, utilities of the outcome).
type Row = (u32, u32, usize, Action, u32, [f64; 2]);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn assert_trace(result: &NegotiationResult, expected: &[Row]) {
    let entries = &result.trace.as_ref().expect("recorded").entries;
    assert_eq!(entries.len(), expected.len(), "trace length");
    for (k, (e, &(step, round, party, action, outcome, u))) in entries.iter().zip(expected).enumerate() {
        assert_eq!(
            (e.step, e.round, e.party, e.action, e.outcome),
            (step, round, Some(party), action, Some(OutcomeId(outcome))),
            "entry {k}"
        );
        assert!(close(e.utilities[0], u[0]) && close(e.utilities[1], u[1]), "entry {k}: {:?} vs {u:?}", e.utilities);
    }
}

// Laptop, from the XML files. Buyer (party 0 unless swapped), then seller.
const W_BUYER: [f64; 3] = [0.4452125771655631, 0.37808251708013424, 0.1767567099260568];
const EV_BUYER: [[f64; 3]; 3] = [[12.0, 20.0, 30.0], [30.0, 20.0, 9.0], [30.0, 10.0, 20.0]];
const W_SELLER: [f64; 3] = [0.37808251708013424, 0.1767567099260568, 0.4452125771655631];
const EV_SELLER: [[f64; 3]; 3] = [[12.0, 30.0, 20.0], [20.0, 30.0, 9.0], [3.0, 2.0, 1.0]];
const LAPTOP_DISCOUNT: f64 = 0.42441038;

/// GENIUS' additive utility of Laptop outcome `[laptop, disk, monitor]`.
fn laptop_utility(w: &[f64; 3], ev: &[[f64; 3]; 3], levels: [usize; 3]) -> f64 {
    let total: f64 = w.iter().sum();
    (0..3).map(|i| w[i] / total * ev[i][levels[i]] / ev[i].iter().cloned().fold(0.0, f64::max)).sum()
}

#[test]
fn laptop_linear_vs_linear_by_hand() {
    let scenario = genius("Laptop");
    let arena = Arena::new(&scenario, &[0, 1]).unwrap();
    let result = run(&arena, "linear", "linear", 20, 1);

    // The first steps from the formulas. Round 0 is at t = 1/21.
    let t0 = 1.0 / 21.0;
    // The buyer's worst outcome is (Dell, 120 Gb, 20''): lo = 0.3504…
    let lo_b = laptop_utility(&W_BUYER, &EV_BUYER, [0, 2, 1]);
    assert!(close(arena.parties[0].worst_utility(), lo_b));
    let target_b = lo_b + (1.0 - lo_b) * (1.0 - t0);
    assert!(close(target_b, 0.9690671684081585));
    // Only the best outcome, (HP, 60 Gb, 19'') = id 18 at utility 1, reaches
    // target − 10⁻⁴: the buyer's second best is (HP, 60 Gb, 23'') at 0.941.
    let u_b_18 = laptop_utility(&W_BUYER, &EV_BUYER, [2, 0, 0]);
    let u_s_18 = laptop_utility(&W_SELLER, &EV_SELLER, [2, 0, 0]);
    assert!(close(u_b_18, 1.0) && close(u_s_18, 0.8150631714971639));
    assert!(laptop_utility(&W_BUYER, &EV_BUYER, [2, 0, 2]) < target_b - 1e-4);
    // The seller's threshold at t0 is far above 0.815: it rejects, and
    // counters with its best, (Macintosh, 80 Gb, 19'') = id 12.
    let lo_s = laptop_utility(&W_SELLER, &EV_SELLER, [0, 2, 2]);
    assert!(close(arena.parties[1].worst_utility(), lo_s));
    let threshold_s = lo_s + (1.0 - lo_s) * (1.0 - t0) - 1e-4;
    assert!(u_s_18 < threshold_s);
    let u_b_12 = laptop_utility(&W_BUYER, &EV_BUYER, [1, 1, 0]);
    assert!(close(u_b_12, 0.7255825178884766));
    // Round 1 (t = 2/21): the buyer's threshold 0.93803 lets in id 20,
    // (HP, 60 Gb, 23''), at 0.94108: its lowest outcome above.
    let threshold_b1 = lo_b + (1.0 - lo_b) * (1.0 - 2.0 / 21.0) - 1e-4;
    let u_b_20 = laptop_utility(&W_BUYER, &EV_BUYER, [2, 0, 2]);
    assert!(u_b_20 >= threshold_b1 && laptop_utility(&W_BUYER, &EV_BUYER, [2, 0, 1]) < threshold_b1);
    // Round 4 (t = 5/21): the buyer accepts the seller's id 9,
    // (Macintosh, 60 Gb, 19''), at 0.85160 ≥ its threshold 0.84524.
    let u_b_9 = laptop_utility(&W_BUYER, &EV_BUYER, [1, 0, 0]);
    let u_s_9 = laptop_utility(&W_SELLER, &EV_SELLER, [1, 0, 0]);
    let threshold_b4 = lo_b + (1.0 - lo_b) * (1.0 - 5.0 / 21.0) - 1e-4;
    assert!(u_b_9 >= threshold_b4, "{u_b_9} {threshold_b4}");

    assert_trace(
        &result,
        &[
            (0, 0, 0, Offer, 18, [u_b_18, u_s_18]),
            (1, 0, 1, Reject, 18, [u_b_18, u_s_18]),
            (1, 0, 1, Offer, 12, [u_b_12, 1.0]),
            (2, 1, 0, Reject, 12, [u_b_12, 1.0]),
            (2, 1, 0, Offer, 20, [u_b_20, 0.5182701618361696]),
            (3, 1, 1, Reject, 20, [u_b_20, 0.5182701618361696]),
            (3, 1, 1, Offer, 9, [0.851603495169503, 0.9410841487781902]),
            (4, 2, 0, Reject, 9, [0.851603495169503, 0.9410841487781902]),
            (4, 2, 0, Offer, 20, [0.9410841487781902, 0.5182701618361696]),
            (5, 2, 1, Reject, 20, [0.9410841487781902, 0.5182701618361696]),
            (5, 2, 1, Offer, 9, [0.851603495169503, 0.9410841487781902]),
            (6, 3, 0, Reject, 9, [0.851603495169503, 0.9410841487781902]),
            (6, 3, 0, Offer, 19, [0.8821682975563804, 0.6666666666666667]),
            (7, 3, 1, Reject, 19, [0.8821682975563804, 0.6666666666666667]),
            (7, 3, 1, Offer, 9, [0.851603495169503, 0.9410841487781902]),
            (8, 4, 0, Accept, 9, [u_b_9, u_s_9]),
        ],
    );

    // Agreement in round 4 at t = 5/21, discounted by d^t (Laptop: d = 0.4244).
    assert_eq!(result.ending, Ending::Agreement);
    assert_eq!(result.agreement, Some(OutcomeId(9)));
    assert_eq!((result.steps, result.rounds), (9, 5));
    assert!(close(result.time, 5.0 / 21.0));
    let d = LAPTOP_DISCOUNT.powf(5.0 / 21.0);
    assert!(close(result.utilities[0], u_b_9 * d) && close(result.utilities[1], u_s_9 * d), "{:?}", result.utilities);
    assert!(close(result.utilities[0], 0.6944085404964244) && close(result.utilities[1], 0.7673722265633858));
}

#[test]
fn laptop_boulware_vs_boulware_holds_out_then_meets_at_the_middle() {
    let arena = Arena::new(&genius("Laptop"), &[0, 1]).unwrap();
    let result = run(&arena, "boulware", "boulware", 20, 1);
    // Rounds 0-10 (t ≤ 11/21): 1 − t⁴ stays above 0.94, so each party
    // offers only its best (buyer 18, seller 12) and rejects the other's.
    let mut expected: Vec<Row> = Vec::new();
    let (b18, s12) = ([1.0, 0.8150631714971639], [0.7255825178884766, 1.0]);
    for r in 0..=10 {
        if r > 0 {
            expected.push((2 * r, r, 0, Reject, 12, s12));
        }
        expected.push((2 * r, r, 0, Offer, 18, b18));
        expected.push((2 * r + 1, r, 1, Reject, 18, b18));
        expected.push((2 * r + 1, r, 1, Offer, 12, s12));
    }
    let (b20, s9) = ([0.9410841487781902, 0.5182701618361696], [0.851603495169503, 0.9410841487781902]);
    expected.extend([
        (22, 11, 0, Reject, 12, s12),
        (22, 11, 0, Offer, 20, b20),
        (23, 11, 1, Reject, 20, b20),
        (23, 11, 1, Offer, 9, s9),
        (24, 12, 0, Reject, 9, s9),
        (24, 12, 0, Offer, 20, b20),
        (25, 12, 1, Reject, 20, b20),
        (25, 12, 1, Offer, 9, s9),
        (26, 13, 0, Reject, 9, s9),
        // t = 14/21: the buyer's target 1 − (1 − lo)·(2/3)⁴ … reaches
        // (HP, 80 Gb, 19''), equal for both, which the seller accepts.
        (26, 13, 0, Offer, 21, [0.8739790227189738, 0.8739790227189737]),
        (27, 13, 1, Accept, 21, [0.8739790227189738, 0.8739790227189737]),
    ]);
    assert_trace(&result, &expected);
    assert_eq!(
        (result.ending, result.agreement, result.steps, result.rounds),
        (Ending::Agreement, Some(OutcomeId(21)), 28, 14)
    );
    let d = LAPTOP_DISCOUNT.powf(14.0 / 21.0);
    assert!(close(result.utilities[0], 0.8739790227189738 * d) && close(result.utilities[0], 0.49358089393084126));
}

#[test]
fn laptop_boulware_vs_conceder_agrees_at_once() {
    let arena = Arena::new(&genius("Laptop"), &[0, 1]).unwrap();
    let result = run(&arena, "boulware", "conceder", 20, 1);
    // The conceder's threshold at t = 1/21 is lo + (1 − lo)(1 − (1/21)^¼) − 10⁻⁴
    // = 0.6975: the buyer's opening 18 (0.815 to the seller) passes.
    let lo_s = laptop_utility(&W_SELLER, &EV_SELLER, [0, 2, 2]);
    let threshold = lo_s + (1.0 - lo_s) * (1.0 - (1.0f64 / 21.0).powf(0.25)) - 1e-4;
    assert!(close(threshold, 0.6974963352506222));
    assert_trace(
        &result,
        &[(0, 0, 0, Offer, 18, [1.0, 0.8150631714971639]), (1, 0, 1, Accept, 18, [1.0, 0.8150631714971639])],
    );
    let d = LAPTOP_DISCOUNT.powf(1.0 / 21.0);
    assert!(close(result.utilities[0], d) && close(result.utilities[1], 0.8150631714971639 * d));
    assert!(close(result.utilities[0], 0.9600094844099315));
}

#[test]
fn itex_vs_cypress_boulware_vs_conceder() {
    let scenario = genius("ItexvsCypress");
    let arena = Arena::new(&scenario, &[0, 1]).unwrap();
    assert_eq!(arena.parties[0].id, "ItexvsCypress_Cypress");
    let result = run(&arena, "boulware", "conceder", 20, 1);
    // Cypress (Boulware) repeats its best, ($4.37, 60 days, Upon delivery,
    // Full price) = id 171 (Price × Delivery × Payment × Returns is
    // 5 × 4 × 3 × 3: 171 = 36·4 + 9·3), until its target falls below 0.9707
    // at t = 9/21; Itex (Conceder) walks down its own ranking and accepts
    // id 162 in round 9 once its threshold 0.2009 is below 0.2115.
    let c171 = [1.0000000000000002, 0.16361073868229134];
    let c162 = [0.970700398871287, 0.21149300075682342];
    let itex = [
        (91, [0.6445336193563121, 0.566875787069787]),
        (136, [0.7678365520157433, 0.4709724666162983]),
        (83, [0.5313947409425294, 0.43079127567502223]),
        (119, [0.6253980724732473, 0.3827702172960656]),
        (92, [0.575344142635599, 0.33502675152595807]),
        (90, [0.7944441522511907, 0.29793090583894544]),
        (147, [0.7764395463405107, 0.27058038428798786]),
        (98, [0.4098920661883859, 0.24786147836676473]),
        (137, [0.6986470752950301, 0.2391234310724693]),
    ];
    let mut expected: Vec<Row> = Vec::new();
    for (r, &(counter, u)) in itex.iter().enumerate() {
        let r = r as u32;
        let (own, own_u) = if r < 8 { (171, c171) } else { (162, c162) };
        if r > 0 {
            let (previous, pu) = itex[r as usize - 1];
            expected.push((2 * r, r, 0, Reject, previous, pu));
        }
        expected.push((2 * r, r, 0, Offer, own, own_u));
        expected.push((2 * r + 1, r, 1, Reject, own, own_u));
        expected.push((2 * r + 1, r, 1, Offer, counter, u));
    }
    expected.push((18, 9, 0, Reject, 137, [0.6986470752950301, 0.2391234310724693]));
    expected.push((18, 9, 0, Offer, 162, c162));
    expected.push((19, 9, 1, Accept, 162, c162));
    assert_trace(&result, &expected);

    // Itex's threshold at t = 10/21 from its worst (0.03814) and best (1).
    let (lo, hi) = (arena.parties[1].worst_utility(), arena.parties[1].best_utility());
    assert!(close(lo, 0.038139655863472385) && close(hi, 1.0));
    let threshold = lo + (hi - lo) * (1.0 - (10.0f64 / 21.0).powf(0.25)) - 1e-4;
    assert!(close(threshold, 0.200880835145282) && c162[1] >= threshold);
    // No discount in this scenario: the payoffs are the utilities.
    assert_eq!(
        (result.ending, result.agreement, result.steps, result.rounds),
        (Ending::Agreement, Some(OutcomeId(162)), 20, 10)
    );
    assert!(close(result.utilities[0], c162[0]) && close(result.utilities[1], c162[1]));
}

#[test]
fn timeout_gives_the_reservation_values() {
    let mut scenario = genius("ItexvsCypress");
    // A reservation value for Cypress: its Boulware curve now runs down to
    // max(worst, 0.1) = 0.1, and no agreement pays it 0.1.
    scenario.actors[0].reservation = 0.1;
    let arena = Arena::new(&scenario, &[0, 1]).unwrap();
    let result = run(&arena, "boulware", "boulware", 3, 1);
    assert_eq!(result.ending, Ending::Timeout);
    assert_eq!(result.agreement, None);
    assert_eq!((result.steps, result.rounds, result.time), (6, 3, 1.0));
    assert_eq!(result.utilities, vec![0.1, 0.0]);
    let entries = &result.trace.as_ref().unwrap().entries;
    // Party 1's last counter-offer (round 2, t = 3/4) is never answered.
    let last = entries.last().unwrap();
    assert_eq!((last.step, last.round, last.party, last.action), (5, 2, Some(1), Offer));
    assert_eq!(entries.iter().filter(|e| e.action == Offer).count(), 6);
    assert_eq!(entries.iter().filter(|e| e.action == Reject).count(), 5);
}

#[test]
fn swapping_the_opener_swaps_the_roles() {
    // The seller opens with Boulware against the buyer's Conceder: the
    // mirror image of `laptop_boulware_vs_conceder_agrees_at_once`, the
    // seller's best (Macintosh, 80 Gb, 19'') = id 12 is 0.7256 to the buyer.
    let arena = Arena::new(&genius("Laptop"), &[1, 0]).unwrap();
    let result = run(&arena, "boulware", "conceder", 20, 1);
    assert_trace(
        &result,
        &[(0, 0, 0, Offer, 12, [1.0, 0.7255825178884766]), (1, 0, 1, Accept, 12, [1.0, 0.7255825178884766])],
    );
}

#[test]
fn same_seed_same_trace() {
    let arena = Arena::new(&genius("ItexvsCypress"), &[0, 1]).unwrap();
    let a = run(&arena, "linear+ac-next", "conceder+ac-time(0.9)", 50, 42);
    let b = run(&arena, "linear+ac-next", "conceder+ac-time(0.9)", 50, 42);
    assert_eq!(a, b);
    assert!(a.trace.as_ref().unwrap().entries.len() > 2);
}
