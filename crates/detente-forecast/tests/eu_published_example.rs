//! The expected-utility model against published runs on the emission
//! standards example (Bueno de Mesquita & Stokman 1994, Table 1 of Scholz,
//! Calbert & Smith 2011): ten EU members' preferred lag, 4 to 10 years,
//! before new car emission standards take effect.
//!
//! Oracle: `Example.log` of dmasad/bdm-scholz-expected-utility-model (commit
//! d7c7bbab), the output of `python bdm_scholz_model.py ExampleActors.csv 10`,
//! David Masad's Python 3 port of jmckib/bdm-scholz-expected-utility-model,
//! which transcribes Scholz's own code; `ExampleActors.csv` holds the
//! actors below. The log prints each move with the mover's expected utility,
//! the other side's as the mover reckons it, and the new position, all to 16
//! significant digits, then the weighted mean position (dmasad's port prints
//! the mean on the "Median position" line too after round 0).
//! [`EuParams::scholz_code`] reproduces it to 1e-12.

use detente_forecast::eu::{EuParams, OfferKind, play_issue};
use detente_forecast::input::Spreads;
use detente_forecast::{ForecastActor, ForecastOptions, Input, Scale, eu};

/// Actor, capability, position (years), salience; `ExampleActors.csv`.
const ACTORS: [(&str, f64, f64, f64); 10] = [
    ("Netherlands", 0.08, 4.0, 0.8),
    ("Belgium", 0.08, 7.0, 0.4),
    ("Luxembourg", 0.03, 4.0, 0.2),
    ("Germany", 0.16, 4.0, 0.8),
    ("France", 0.16, 10.0, 0.6),
    ("Italy", 0.16, 10.0, 0.6),
    ("UK", 0.16, 10.0, 0.9),
    ("Ireland", 0.05, 7.0, 0.1),
    ("Denmark", 0.05, 4.0, 1.0),
    ("Greece", 0.08, 7.0, 0.7),
];

const NETHERLANDS: usize = 0;
const BELGIUM: usize = 1;
const LUXEMBOURG: usize = 2;
const FRANCE: usize = 4;
const IRELAND: usize = 7;

use OfferKind::{Compromise as COMPROMISE, Confrontation as CONFRONTATION};

/// One logged move: mover, kind, the actor it gives way to, its own EU, the
/// other's EU, the new position (years).
type Logged = (usize, OfferKind, usize, f64, f64, f64);

/// `Example.log`, rounds 1 to 10: the moves, then the weighted mean.
#[rustfmt::skip]
const LOG: [([Logged; 3], f64); 10] = [
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.11483050347300794, 0.2432965945234421, 8.415932315426764),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.24550922248250817, 0.542246100211495, 7.0),
        (IRELAND, CONFRONTATION, LUXEMBOURG, 0.5382377664333493, 0.6824778252511178, 4.0),
    ], 7.461314378277189),
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.08372298010499579, 0.11098827573851458, 9.610859134120188),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.09587865812504826, 0.25279815776071274, 8.415932315426764),
        (IRELAND, CONFRONTATION, LUXEMBOURG, 0.5364745002601532, 0.6832740271828603, 7.0),
    ], 7.552500865855845),
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.021363682612244528, 0.023677008278475686, 9.961979590401311),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.0752415037116283, 0.1973924602995426, 9.610859134120188),
        (IRELAND, CONFRONTATION, LUXEMBOURG, 0.2220966141779851, 0.28914350869001226, 8.415932315426764),
    ], 7.590144997451547),
    ([
        (BELGIUM, COMPROMISE, NETHERLANDS, -0.7153336335609584, 0.826336595809209, 4.800881140632622),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.019067005856757135, 0.05475982048848671, 9.961979590401311),
        (IRELAND, CONFRONTATION, LUXEMBOURG, 0.18434889721531578, 0.2408011690248525, 9.610859134120188),
    ], 7.358130531334201),
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.07892886598556514, 0.5673005292780673, 5.524237694197356),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.6442818640814262, 1.2296306388963438, 4.800881140632622),
        (IRELAND, CONFRONTATION, LUXEMBOURG, 0.05091916804909058, 0.06745697684475738, 9.961979590401311),
    ], 7.3491739896752115),
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.17147772090669489, 0.3940292145932064, 7.47204636191629),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.04393570966631333, 0.12294346298815284, 5.524237694197356),
        (IRELAND, CONFRONTATION, BELGIUM, 0.477289288589615, 1.1583814184029237, 5.524237694197356),
    ], 7.414877545372958),
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.10459286362216708, 0.19548733882691532, 8.824593855262423),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.1382777829509383, 0.3410544636307657, 7.47204636191629),
        (IRELAND, CONFRONTATION, BELGIUM, 0.13272892587624174, 0.41138879294371355, 7.47204636191629),
    ], 7.510457183677219),
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.056369286263043605, 0.07826815650708174, 9.671129769802048),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.0872009778054279, 0.22517742605780633, 8.824593855262423),
        (IRELAND, CONFRONTATION, BELGIUM, 0.08321562348731826, 0.2751461345009193, 8.824593855262423),
    ], 7.5724470975503),
    ([
        (BELGIUM, COMPROMISE, NETHERLANDS, -0.6974248364399851, 0.7157050033503447, 4.144849062500606),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.05008299023987961, 0.13597909894595128, 9.671129769802048),
        (IRELAND, CONFRONTATION, BELGIUM, 0.0474210361526437, 0.1671827021753982, 9.671129769802048),
    ], 7.324989065683666),
    ([
        (BELGIUM, COMPROMISE, FRANCE, -0.01852838755780717, 0.7395521611111853, 4.291541224979646),
        (LUXEMBOURG, CONFRONTATION, BELGIUM, 0.760038324818827, 1.4093388112170677, 4.144849062500606),
        (IRELAND, CONFRONTATION, BELGIUM, 0.796832348725107, 1.7236993574505728, 4.144849062500606),
    ], 7.242130958473938),
];

fn input() -> Input {
    let scale = Scale { id: "lag".into(), name: "lag".into(), min: 4.0, max: 10.0, options: None, unit: None };
    let actors = ACTORS
        .iter()
        .map(|&(id, c, x, s)| ForecastActor {
            id: id.into(),
            capability: c,
            position: vec![(x - scale.min) / scale.span()],
            salience: vec![s],
            spread: Spreads::default(),
        })
        .collect();
    Input { issues: vec![scale], actors }
}

fn assert_close(what: &str, actual: f64, expected: f64) {
    assert!((actual - expected).abs() <= 1e-12 * expected.abs().max(1.0), "{what}: {actual} != {expected} (log)");
}

fn mean_years(input: &Input, positions: &[f64]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (actor, &x) in input.actors.iter().zip(positions) {
        let w = actor.capability * actor.salience[0];
        num += w * input.issues[0].denormalise(x);
        den += w;
    }
    num / den
}

#[test]
fn scholz_code_reproduces_example_log() {
    let input = input();
    let scale = &input.issues[0];
    let run = play_issue(&input, 0, &EuParams::scholz_code(), &ForecastOptions { max_rounds: Some(10), seed: 0 })
        .expect("plays");
    // "Median position: 7.0", "Mean position: 7.389955686853767".
    assert_eq!(scale.denormalise(run.rounds[0].median), 7.0);
    assert_close("initial mean", mean_years(&input, &run.positions[0]), 7.389955686853767);
    assert_eq!(run.rounds.len(), 10);
    for (round, (moves, mean)) in LOG.iter().enumerate() {
        let record = &run.rounds[round];
        let movers: Vec<usize> = (0..ACTORS.len()).filter(|&a| record.moves[a].is_some()).collect();
        assert_eq!(movers, moves.map(|m| m.0), "round {}: who moves", round + 1);
        for &(mover, kind, toward, eu_own, eu_other, to) in moves {
            let m = record.moves[mover].expect("moves");
            let what = format!("round {}, {}", round + 1, ACTORS[mover].0);
            assert_eq!((m.kind, m.toward), (kind, toward), "{what}");
            assert_close(&format!("{what}: own EU"), m.eu_own, eu_own);
            assert_close(&format!("{what}: other's EU"), m.eu_other, eu_other);
            assert_close(&format!("{what}: new position"), scale.denormalise(m.to), to);
        }
        assert_close(&format!("round {}: mean", round + 1), mean_years(&input, &run.positions[round + 1]), *mean);
    }
}

/// Scholz et al. print the median voter position after each of eight rounds
/// to one decimal (Table 2, p. 28): 8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6.
/// Their code's medians, truncated to a decimal, agree in rounds 1 and 3 to
/// 8; in round 2 it has 9.61 where the table prints 9.9. (Their printed means,
/// 7.4 … 7.6, agree with the log's to within 0.1, but by no one rounding
/// rule, so they are left out.)
#[test]
fn scholz_code_medians_against_table_2() {
    let input = input();
    let scale = &input.issues[0];
    let run = play_issue(&input, 0, &EuParams::scholz_code(), &ForecastOptions { max_rounds: Some(8), seed: 0 })
        .expect("plays");
    let medians: Vec<f64> = (1..=8)
        .map(|round| {
            let x = &run.positions[round];
            let w: Vec<f64> = input.actors.iter().map(|a| a.capability * a.salience[0]).collect();
            (scale.denormalise(eu::equations::condorcet_median(x, &w)) * 10.0).floor() / 10.0
        })
        .collect();
    assert_eq!(medians, [8.4, 9.6, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]);
}

/// The paper's own reading on the same data: every dyad has P^i + P^j = 1, so
/// confrontations dominate (as jmckib's notes predict) and the group settles
/// on 7 years within four rounds.
#[test]
fn default_reading_on_the_example() {
    let input = input();
    let scale = &input.issues[0];
    let run = play_issue(&input, 0, &EuParams::default(), &ForecastOptions::default()).expect("plays");
    assert_eq!(run.stop, detente_forecast::Stop::Converged);
    assert_eq!(run.rounds.len(), 5);
    assert!(run.positions.last().expect("a round").iter().all(|&x| scale.denormalise(x) == 7.0));
    assert_eq!(scale.denormalise(run.outcome), 7.0);
    let first = &run.rounds[0];
    // Round 1: eight actors give way, all in confrontations.
    assert_eq!(first.moves.iter().flatten().count(), 8);
    assert!(first.moves.iter().flatten().all(|m| m.kind == CONFRONTATION));
}
