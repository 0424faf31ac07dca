//! Each equation of the expected-utility model on a small case worked by
//! hand, plus brute-force checks of the fast round analysis.
//!
//! The three-actor case (Rg = 1, the span of the positions):
//!
//! | actor | x   | c | s   | w = c·s |
//! |-------|-----|---|-----|---------|
//! | A     | 0.0 | 1 | 0.9 | 0.9     |
//! | B     | 0.4 | 1 | 0.5 | 0.5     |
//! | C     | 1.0 | 2 | 0.6 | 1.2     |
//!
//! The values below were worked step by step from the equations of Scholz,
//! Calbert & Smith (2011), and checked with a direct evaluation of the same
//! formulas (one loop over voters per probability, no prefix sums).

use detente_forecast::eu::equations::{
    better_utility, condorcet_median, expected_utility, failure_utility, pairwise_vote, probability_of_success,
    risk_basis, risk_exponent, status_quo_utility, success_utility, weighted_mean, worse_utility,
};
use detente_forecast::eu::{
    EuParams, Move, OfferChoice, OfferKind, Perspective, ProbabilityRule, RiskRule, TRule, analyse_round, choose_offer,
    offer, play_issue,
};
use detente_forecast::input::Spreads;
use detente_forecast::{ForecastActor, ForecastError, ForecastOptions, Input, Scale};
use proptest::prelude::*;

const X: [f64; 3] = [0.0, 0.4, 1.0];
const C: [f64; 3] = [1.0, 1.0, 2.0];
const S: [f64; 3] = [0.9, 0.5, 0.6];
const W: [f64; 3] = [0.9, 0.5, 1.2];
const A: usize = 0;
const B: usize = 1;
const CC: usize = 2;

fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() <= 1e-12, "{actual} != {expected}");
}

fn input(x: &[f64], c: &[f64], s: &[f64]) -> Input {
    let scale = Scale { id: "k".into(), name: "k".into(), min: 0.0, max: 1.0, options: None, unit: None };
    let actors = (0..x.len())
        .map(|a| ForecastActor {
            id: format!("a{a}"),
            capability: c[a],
            position: vec![x[a]],
            salience: vec![s[a]],
            spread: Spreads::default(),
        })
        .collect();
    Input { issues: vec![scale], actors }
}

#[test]
fn basic_utilities_eqs_15_16_22_23_24() {
    // Eq. 15 with d = 0.4, r = 2: 2 − 4·(0.5 − 0.2)² = 2 − 0.36 = 1.64.
    close(success_utility(0.4, 2.0), 1.64);
    // Eq. 16: 2 − 4·(0.7)² = 0.04.
    close(failure_utility(0.4, 2.0), 0.04);
    // With r = 1 they are ±2d.
    close(success_utility(0.3, 1.0), 0.6);
    close(failure_utility(0.3, 1.0), -0.6);
    // Eq. 22 with d_μ = 0.4, d = 1, r = 1: 2 − 4·(0.5 − 0.35) = 1.4.
    close(better_utility(0.4, 1.0, 1.0), 1.4);
    // Eq. 23 with d_μ = d = 0.4: 2 − 4·(0.5 + 0.2) = −0.8.
    close(worse_utility(0.4, 0.4, 1.0), -0.8);
    // Eq. 24: 0 when risk-neutral, 2 − 4·0.25 = 1 at r = 2, 2 − 2√2 at r = ½.
    close(status_quo_utility(1.0), 0.0);
    close(status_quo_utility(2.0), 1.0);
    close(status_quo_utility(0.5), 2.0 - 2.0 * 2f64.sqrt());
    // U_s at the far end of the range is 2 whatever r.
    close(success_utility(1.0, 0.5), 2.0);
}

#[test]
fn median_is_the_condorcet_winner_of_the_pairwise_votes() {
    // D(y) = Σ w |x − y|: D(0) = 0.2 + 1.2 = 1.4, D(0.4) = 0.36 + 0.72 = 1.08,
    // D(1) = 0.9 + 0.3 = 1.2, and v^{jk} = D(x_k) − D(x_j).
    close(pairwise_vote(&X, &W, B, A, 1.0), 1.4 - 1.08);
    close(pairwise_vote(&X, &W, B, CC, 1.0), 1.2 - 1.08);
    close(pairwise_vote(&X, &W, A, CC, 1.0), 1.2 - 1.4);
    assert_eq!(condorcet_median(&X, &W), 0.4);
    // The weighted mean: (0 + 0.2 + 1.2)/2.6.
    close(weighted_mean(&X, &W), 1.4 / 2.6);
}

#[test]
fn probability_eq_31() {
    // A against B: margins a_k = |x_k − 0.4| − |x_k − 0| = 0.4, −0.4, −0.4;
    // P = 0.9·0.4 / (0.36 + 0.2 + 0.48) = 0.36/1.04 = 9/26.
    close(probability_of_success(&X, &W, A, B), 9.0 / 26.0);
    close(probability_of_success(&X, &W, B, A), 17.0 / 26.0);
    // A against C: margins 1, 0.2, −1; P = (0.9 + 0.1)/2.2 = 5/11.
    close(probability_of_success(&X, &W, A, CC), 5.0 / 11.0);
    // B against C: margins 0.6, 0.6, −0.6; P = 0.84/1.56 = 7/13.
    close(probability_of_success(&X, &W, B, CC), 7.0 / 13.0);

    let paper = analyse_round(&X, &C, &S, 1.0, &EuParams::default());
    for (i, j, p) in [(A, B, 9.0 / 26.0), (B, A, 17.0 / 26.0), (A, CC, 5.0 / 11.0), (CC, B, 6.0 / 13.0)] {
        close(paper.probability(i, j), p);
    }
    // dmasad's clipped net support: A's net support against B is
    // 0.36 − 0.68 < 0, so 0; B's is 0.32/1.04.
    let clipped =
        analyse_round(&X, &C, &S, 1.0, &EuParams { probability: ProbabilityRule::ClippedNet, ..EuParams::default() });
    close(clipped.probability(A, B), 0.0);
    close(clipped.probability(B, A), 0.32 / 1.04);
}

#[test]
fn first_pass_security_and_risk_eqs_5_to_7_and_32_to_34() {
    let a = analyse_round(&X, &C, &S, 1.0, &EuParams::default());
    assert_eq!(a.median(), 0.4);
    // With r = 1 and Q = 1, E(U_ij) = 2d [1 − 2 s_j (1 − P^i)].
    // E(U_AB) = 0.8 [1 − 1·17/26] = 7.2/26; E(U_BA) = 0.8 [1 − 1.8·9/26] = 7.84/26.
    close(a.first_pass(A, B), 7.2 / 26.0);
    close(a.first_pass(B, A), 7.84 / 26.0);
    // E(U_AC) = 2 [1 − 1.2·6/11] = 7.6/11; E(U_CA) = 2 [1 − 1.8·5/11] = 4/11.
    close(a.first_pass(A, CC), 7.6 / 11.0);
    close(a.first_pass(CC, A), 4.0 / 11.0);
    // E(U_BC) = 1.2 [1 − 1.2·6/13] = 6.96/13; E(U_CB) = 1.2 [1 − 7/13] = 7.2/13.
    close(a.first_pass(B, CC), 6.96 / 13.0);
    close(a.first_pass(CC, B), 7.2 / 13.0);

    // Sec_i = Σ_{j≠i} E(U_ji).
    let sec = [7.84 / 26.0 + 4.0 / 11.0, 7.2 / 26.0 + 7.2 / 13.0, 7.6 / 11.0 + 6.96 / 13.0];
    for (i, s) in sec.iter().enumerate() {
        close(a.security(i), *s);
    }
    // A is the least exposed (R = −1, r = 2), C the most (R = 1, r = ½), B
    // in between: R_B = (2 Sec_B − Sec_C − Sec_A)/(Sec_C − Sec_A).
    let r_basis_b = (2.0 * sec[1] - sec[2] - sec[0]) / (sec[2] - sec[0]);
    close(risk_basis(sec[1], sec[2], sec[0]), r_basis_b);
    close(r_basis_b, -0.40977068793619);
    close(a.risk_exponent(A), 2.0);
    close(a.risk_exponent(CC), 0.5);
    close(a.risk_exponent(B), risk_exponent(r_basis_b));
    close(a.risk_exponent(B), (1.0 - r_basis_b / 3.0) / (1.0 + r_basis_b / 3.0));
    // Eq. 33's ends; equal security everywhere means nobody is exposed.
    close(risk_exponent(1.0), 0.5);
    close(risk_exponent(-1.0), 2.0);
    close(risk_basis(0.3, 0.3, 0.3), 0.0);
}

#[test]
fn second_pass_uses_the_risk_exponents() {
    let a = analyse_round(&X, &C, &S, 1.0, &EuParams::default());
    // E^A(U_AB), r = 2: U_s = 1.64, U_f = 0.04, U_sq = 1:
    // 0.5 (9/26·1.64 + 17/26·0.04) + 0.5·1.64 − 1 = 7.72/26 − 0.18.
    close(a.challenge(A, B), 7.72 / 26.0 - 0.18);
    close(a.challenge(A, B), expected_utility(9.0 / 26.0, 0.5, 1.64, 0.04, 1.0, 0.0, 1.0));
    // E^A(U_AC), r = 2, d = 1: U_s = 2, U_f = −2:
    // 0.6 (5/11·2 − 6/11·2) + 0.4·2 − 1 = −1.2/11 − 0.2.
    close(a.challenge(A, CC), -1.2 / 11.0 - 0.2);
    // E^C(U_CA), r = ½: U_sq = 2 − 2√2:
    // 0.9 (6/11·2 − 5/11·2) + 0.1·2 − (2 − 2√2).
    close(a.challenge(CC, A), 1.8 / 11.0 + 0.2 - (2.0 - 2.0 * 2f64.sqrt()));
    // E^B(U_BA) with r_B = 1.3163972286374126.
    let r_b = a.risk_exponent(B);
    let expected = 0.9 * (17.0 / 26.0 * success_utility(0.4, r_b) + 9.0 / 26.0 * failure_utility(0.4, r_b))
        + 0.1 * success_utility(0.4, r_b)
        - status_quo_utility(r_b);
    close(a.challenge(B, A), expected);
    close(a.challenge(B, A), 0.26247989943760697);
    close(a.challenge(B, CC), 0.43276452425648204);
    close(a.challenge(CC, B), 0.5579581014387112);
    // Under the own perspective the response is the other side's challenge.
    close(a.response(A, CC), a.challenge(CC, A));

    // Under the mover's perspective A reckons C's challenge with r_A = 2:
    // 0.9 (6/11·2 − 5/11·2) + 0.1·2 − 1.
    let mover = analyse_round(&X, &C, &S, 1.0, &EuParams { perspective: Perspective::Mover, ..EuParams::default() });
    close(mover.response(A, CC), 1.8 / 11.0 + 0.2 - 1.0);
    close(mover.challenge(A, CC), a.challenge(A, CC));

    // Risk-neutral: one pass.
    let neutral = analyse_round(&X, &C, &S, 1.0, &EuParams { risk: RiskRule::Neutral, ..EuParams::default() });
    close(neutral.challenge(A, B), 7.2 / 26.0);
    close(neutral.risk_exponent(CC), 1.0);
}

#[test]
fn q_below_one_brings_in_t_and_the_median_drift() {
    let params = EuParams { q: 0.5, ..EuParams::default() };
    let a = analyse_round(&X, &C, &S, 1.0, &params);
    // E(U_AB): μ = 0.4 is no nearer to A than B is (0.4 vs 0.4), so T = 0 and
    // U_w = 2 − 4·(0.5 + 0.25·0.8) = −0.8: 7.2/26 − 0.5·0 − 0.5·(−0.8).
    close(a.first_pass(A, B), 7.2 / 26.0 + 0.4);
    // E(U_AC): μ is nearer to A than C is, T = 1, U_b = 1.4: 7.6/11 − 0.7.
    close(a.first_pass(A, CC), 7.6 / 11.0 - 0.7);
    // E(U_CA): d_μ = 0.6 < 1, T = 1, U_b = 2 − 4·(0.5 − 0.4) = 1.6.
    close(a.first_pass(CC, A), 4.0 / 11.0 - 0.8);
    // A fixed T = 1 changes E(U_AB) to use U_b = 2 − 4·(0.5 − 0.2) = 0.8.
    let fixed = analyse_round(&X, &C, &S, 1.0, &EuParams { t: TRule::Fixed(1.0), ..params });
    close(fixed.first_pass(A, B), 7.2 / 26.0 - 0.4);
}

#[test]
fn offers_fig_6_and_eqs_35_36() {
    // Confrontation: both gain, the other more.
    assert_eq!(offer(0.2, 0.5, 0.1, 0.9, true), Some((OfferKind::Confrontation, 0.9)));
    // i gains more, or has the upper hand, or both lose: i stays.
    assert_eq!(offer(0.5, 0.2, 0.1, 0.9, true), None);
    assert_eq!(offer(0.3, -0.1, 0.1, 0.9, true), None);
    assert_eq!(offer(-0.1, -0.2, 0.1, 0.9, true), None);
    // Compromise: x̂ = (x_i − x_j)|a/b| = (0.1 − 0.9)·0.25, new x_i = 0.1 + 0.2.
    let (kind, to) = offer(-0.1, 0.4, 0.1, 0.9, true).expect("an offer");
    assert_eq!(kind, OfferKind::Compromise);
    close(to, 0.3);
    // ... the same towards a lower position.
    close(offer(-0.1, 0.4, 0.9, 0.1, true).expect("an offer").1, 0.7);
    // Capitulation: the loser loses more than the winner gains.
    assert_eq!(offer(-0.5, 0.3, 0.2, 0.8, true), Some((OfferKind::Capitulation, 0.8)));
    assert_eq!(offer(-0.5, 0.3, 0.2, 0.8, false), None);
}

#[test]
fn offer_choice_ranks_kinds_then_movement() {
    let x = [0.5, 0.0, 0.45, 0.8, 1.0, 0.5];
    // Against actor 1 a confrontation (moves 0.5), against 2 a compromise
    // (moves 0.05·0.5), against 3 a confrontation (moves 0.3), against 4 a
    // capitulation; actor 5 shares the position and offers nothing.
    let eus = |j: usize| match j {
        1 => (0.1, 0.3),
        2 => (-0.1, 0.2),
        3 => (0.1, 0.2),
        4 => (-0.9, 0.1),
        _ => (-1.0, 1.0),
    };
    let m = choose_offer(0, &x, eus, OfferChoice::LeastMovement, true).expect("a move");
    assert_eq!((m.kind, m.toward, m.to), (OfferKind::Confrontation, 3, 0.8));
    // Without confrontations the compromise wins over the capitulation.
    let no_conf = |j: usize| if j == 1 || j == 3 { (-0.1, -0.1) } else { eus(j) };
    let m = choose_offer(0, &x, no_conf, OfferChoice::LeastMovement, true).expect("a move");
    assert_eq!((m.kind, m.toward), (OfferKind::Compromise, 2));
    close(m.to, 0.475);
    // Equal moves: the offer of the actor who expects more from challenging.
    let x = [0.5, 0.25, 0.75];
    let tie = |j: usize| if j == 1 { (0.1, 0.3) } else { (0.1, 0.4) };
    let m = choose_offer(0, &x, tie, OfferChoice::LeastMovement, true).expect("a move");
    assert_eq!(m, Move { kind: OfferKind::Confrontation, toward: 2, eu_own: 0.1, eu_other: 0.4, to: 0.75 });
    // ... and with equal claims too, the lower position.
    let even = |_: usize| (0.1, 0.4);
    assert_eq!(choose_offer(0, &x, even, OfferChoice::LeastMovement, true).expect("a move").to, 0.25);
    // Scholz's code ranks compromises by the lowest EU-weighted point, so
    // the offer from 0.0 beats a nearer one from above.
    let x = [0.5, 0.0, 0.6];
    let eus = |j: usize| if j == 1 { (-0.1, 0.2) } else { (-0.1, 0.5) };
    let least = choose_offer(0, &x, eus, OfferChoice::LeastMovement, true).expect("a move");
    let scholz = choose_offer(0, &x, eus, OfferChoice::ScholzCode, true).expect("a move");
    // Movements: towards 0.0 by 0.5·0.5 = 0.25, towards 0.6 by 0.1·0.2 = 0.02.
    // Points: (0.1·0.5 + 0.2·0)/0.3 = 0.1667 vs (0.05 + 0.3)/0.6 = 0.583.
    assert_eq!(least.toward, 2);
    assert_eq!(scholz.toward, 1);
    close(scholz.to, 0.25);
}

#[test]
fn first_round_of_the_three_actor_case() {
    let run = play_issue(&input(&X, &C, &S), 0, &EuParams::default(), &ForecastOptions::default()).expect("plays");
    let first = &run.rounds[0];
    assert_eq!(first.median, 0.4);
    // A faces a confrontation from B (E^A(U_AB) = 0.117 < E^B(U_BA) = 0.262)
    // and a compromise from C (0.259 of the way): the confrontation ranks
    // first although it moves A further. B loses a confrontation to C; C
    // has the upper hand everywhere and stays.
    let a = first.moves[A].expect("A moves");
    assert_eq!((a.kind, a.toward, a.to), (OfferKind::Confrontation, B, 0.4));
    let b = first.moves[B].expect("B moves");
    assert_eq!((b.kind, b.toward, b.to), (OfferKind::Confrontation, CC, 1.0));
    assert_eq!(first.moves[CC], None);
    assert_eq!(run.positions[1], vec![0.4, 1.0, 1.0]);
}

#[test]
fn rejects_bad_parameters_and_weightless_issues() {
    let input = input(&X, &C, &S);
    let options = ForecastOptions::default();
    for params in [
        EuParams { q: 1.5, ..EuParams::default() },
        EuParams { t: TRule::Fixed(-0.1), ..EuParams::default() },
        EuParams { tolerance: f64::NAN, ..EuParams::default() },
    ] {
        assert!(matches!(play_issue(&input, 0, &params, &options), Err(ForecastError::Invalid(_))));
    }
    let nobody = self::input(&X, &[0.0; 3], &S);
    assert!(matches!(play_issue(&nobody, 0, &EuParams::default(), &options), Err(ForecastError::NoWeight { .. })));
}

/// Positions on a coarse grid, so that actors often share a position.
fn actors() -> impl Strategy<Value = Vec<(f64, f64, f64)>> {
    prop::collection::vec(((0u8..=8).prop_map(|g| f64::from(g) / 8.0), 0.0..3.0f64, 0.0..=1.0f64), 2..9)
}

proptest! {
    #[test]
    fn fast_probabilities_match_eq_31_term_by_term(actors in actors()) {
        let x: Vec<f64> = actors.iter().map(|a| a.0).collect();
        let c: Vec<f64> = actors.iter().map(|a| a.1).collect();
        let s: Vec<f64> = actors.iter().map(|a| a.2).collect();
        let w: Vec<f64> = c.iter().zip(&s).map(|(c, s)| c * s).collect();
        let n = x.len();
        let paper = analyse_round(&x, &c, &s, 1.0, &EuParams::default());
        let clipped = analyse_round(&x, &c, &s, 1.0, &EuParams { probability: ProbabilityRule::ClippedNet, ..EuParams::default() });
        for i in 0..n {
            for j in 0..n {
                prop_assert!((paper.probability(i, j) - probability_of_success(&x, &w, i, j)).abs() < 1e-12);
                if x[i] != x[j] {
                    let net: f64 = (0..n).map(|k| w[k] * ((x[k] - x[j]).abs() - (x[k] - x[i]).abs())).sum();
                    let total: f64 = (0..n).map(|k| w[k] * ((x[k] - x[j]).abs() - (x[k] - x[i]).abs()).abs()).sum();
                    let direct = if total > 0.0 { net.max(0.0) / total } else { 0.0 };
                    prop_assert!((clipped.probability(i, j) - direct).abs() < 1e-12);
                }
                // First pass against eqs. 5–7 evaluated directly.
                let d = (x[i] - x[j]).abs();
                let p = probability_of_success(&x, &w, i, j);
                let direct = expected_utility(p, s[j], success_utility(d, 1.0), failure_utility(d, 1.0), 0.0, 0.0, 1.0);
                prop_assert!((paper.first_pass(i, j) - direct).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn all_pairs_probabilities_match_the_triple_sum(actors in actors()) {
        let x: Vec<f64> = actors.iter().map(|a| a.0).collect();
        let c: Vec<f64> = actors.iter().map(|a| a.1).collect();
        let s: Vec<f64> = actors.iter().map(|a| a.2).collect();
        let n = x.len();
        let a = analyse_round(&x, &c, &s, 1.0, &EuParams::scholz_code());
        let vote = |k: usize, to: usize, against: usize| {
            let r = a.risk_exponent(k);
            c[k] * s[k] * ((x[k] - x[against]).abs().powf(r) - (x[k] - x[to]).abs().powf(r))
        };
        let denominator: f64 = (0..n).flat_map(|k| (0..n).flat_map(move |p| (0..n).map(move |q| (k, p, q))))
            .map(|(k, p, q)| vote(k, p, q).abs())
            .sum();
        for i in 0..n {
            for j in 0..n {
                if x[i] != x[j] && denominator > 0.0 {
                    let numerator: f64 = (0..n).map(|k| vote(k, i, j).max(0.0)).sum();
                    prop_assert!((a.probability(i, j) - numerator / denominator).abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn median_maximises_the_pairwise_votes(actors in actors()) {
        let x: Vec<f64> = actors.iter().map(|a| a.0).collect();
        let w: Vec<f64> = actors.iter().map(|a| a.1 * a.2).collect();
        prop_assume!(w.iter().any(|&w| w > 0.0));
        let mu = condorcet_median(&x, &w);
        let j = x.iter().position(|&p| p == mu).expect("the median is a position");
        for k in 0..x.len() {
            prop_assert!(pairwise_vote(&x, &w, j, k, 1.0) >= -1e-12);
        }
    }
}
