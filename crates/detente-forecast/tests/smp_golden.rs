//! Golden tests of KTAB's spatial model of politics against KTAB's own
//! reference logs (KAPSARC's KTAB, `lsyaseen/KTAB`; written by its `smpc`
//! on 2017-05-30), kept in `testdata/ktab/`:
//!
//! - `20170530_ref-dummyData_3Dim.txt`: KTAB's run of
//!   `testdata/ktab/dummyData_3Dim.csv` (7 actors, 3 dimensions) with the CSV
//!   defaults (deterministic). Read through `detente_formats::ktab`.
//! - `20170530_ref-smpExample.txt`: KTAB's run of `smpExample.xml` (5 actors,
//!   3 dimensions; PropCbc voting, MarkovIncentive PCE, stochastic choice, an
//!   ideal-accommodation matrix).
//!
//! Every number the logs print about the run (about 12,000 in the first log
//! and 9,400 in the second) is parsed and compared with ours at the
//! precision it was printed with (half a unit of its last printed digit,
//! plus 10⁻⁹): for every state, the risk-neutral utility matrix, the risk
//! attitudes, the objective risk-aware utility matrix, every actor's
//! estimate of it and the RMS differences; for every turn, each actor's
//! target and expected gain, the four "Est by" probabilities and gains, the
//! three bargains (initiator's view, target's view, power-weighted
//! compromise), the queue of every actor, the bargain utilities (`u_im`),
//! the actor strengths, the queue PCE's coalition strengths, pairwise
//! victory probabilities and probabilities, the chosen bargain, the new
//! positions and ideals with their distances, and the stopping rule's
//! distances and fractional change; and the closing tables of positions
//! (1 decimal) and winning probabilities (4 decimals) over all states.
//!
//! KTAB processed the actors' challenges on threads, so its bargain ids and
//! the order of bargains in its queues vary from run to run; bargains are
//! matched here by their (initiator, receiver) pair, which is unique under
//! `InitOnlyInterp` (each actor initiates at most one bargain).
//!
//! The smpExample run is stochastic and KTAB's generator is not ours, so it
//! is replayed: each turn starts from our own previous state, and each actor
//! takes the bargain KTAB's log says it drew (the test checks that it had a
//! positive probability). Everything else is computed and compared.

use std::path::PathBuf;

use detente_core::{Scenario, WeightPolicy};
use detente_forecast::input::{ForecastActor, Scale, Spreads};
use detente_forecast::smp::{self, Assessment, QueueItem, Smp, SmpParams, SmpState, kernel};
use detente_forecast::{ForecastOptions, Input, Stop};

// ---------------------------------------------------------------------------
// Numbers as printed

/// A number from the log and half a unit of its last printed digit.
#[derive(Debug, Clone, Copy)]
struct Num {
    v: f64,
    tol: f64,
}

/// Every number in a line, in order: an optional sign, digits, an optional
/// fraction and an optional exponent.
fn nums(line: &str) -> Vec<Num> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let signed = (b[i] == b'+' || b[i] == b'-') && i + 1 < b.len() && b[i + 1].is_ascii_digit();
        if !(b[i].is_ascii_digit() || signed) {
            i += 1;
            continue;
        }
        if signed {
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut decimals = 0i32;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
                decimals += 1;
            }
        }
        let mut exponent = 0i32;
        if i + 1 < b.len()
            && (b[i] == b'E' || b[i] == b'e')
            && (b[i + 1].is_ascii_digit() || b[i + 1] == b'-' || b[i + 1] == b'+')
        {
            let e_start = i + 1;
            i += 2;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            exponent = line[e_start..i].parse().expect("exponent");
        }
        let v: f64 = line[start..i].parse().unwrap_or_else(|_| panic!("number `{}` in `{line}`", &line[start..i]));
        out.push(Num { v, tol: 0.5 * 10f64.powi(exponent - decimals) });
    }
    out
}

fn values(line: &str) -> Vec<f64> {
    nums(line).iter().map(|n| n.v).collect()
}

/// Asserts that `ours` rounds to what the log printed.
#[track_caller]
fn close(ours: f64, printed: Num, what: &dyn Fn() -> String) {
    assert!(
        (ours - printed.v).abs() <= printed.tol + 1e-9,
        "{}: ours {ours:.10}, KTAB printed {} (±{:e})",
        what(),
        printed.v,
        printed.tol
    );
}

// ---------------------------------------------------------------------------
// The log

#[derive(Debug, Default)]
struct AssessmentLog {
    neutral: Vec<Vec<Num>>,
    risk: Vec<Num>,
    utility: Vec<Vec<Num>>,
    rms_utility: Option<Num>,
    perspective: Vec<Vec<Vec<Num>>>,
    rms_perspective: Vec<Num>,
}

#[derive(Debug, Clone)]
struct EstLog {
    h: usize,
    i: usize,
    j: usize,
    k: usize,
    prob: Num,
    gain: Num,
}

#[derive(Debug, Clone, Default)]
struct ChallengeLog {
    i: usize,
    j: usize,
    worth: Option<Num>,
    /// The "bestEU worth ..., piiJ ..." line KTAB prints when P(i > j) < ½.
    best_eu_piij: Option<(Num, Num)>,
    est: Vec<EstLog>,
    /// (initiator's side, receiver's side) of brgnIIJ, brgnJIJ, brgnIJ.
    iij: (Vec<Num>, Vec<Num>),
    jij: (Vec<Num>, Vec<Num>),
    ij: (Vec<Num>, Vec<Num>),
}

#[derive(Debug, Clone, Default)]
struct PceLog {
    actor: usize,
    u_im: Vec<Vec<Num>>,
    strengths: Vec<Num>,
    utility: Vec<Vec<Num>>,
    coalitions: Vec<Vec<Num>>,
    victory: Vec<Vec<Num>>,
    prob: Vec<Num>,
    chosen_id: u64,
    chosen_index: usize,
}

#[derive(Debug, Clone, Default)]
struct TurnLog {
    challenges: Vec<ChallengeLog>,
    no_target: Vec<usize>,
    /// queues[k]: (bargain id, initiator, receiver).
    queues: Vec<Vec<(u64, usize, usize)>>,
    w: Vec<Num>,
    pce: Vec<PceLog>,
    postn: Vec<Vec<Num>>,
    ideal: Vec<Vec<Num>>,
    postn_ideal: Vec<Num>,
    postn_ideal_rms: Option<Num>,
    sdist: Vec<(usize, usize, Num)>,
    fractional: Option<Num>,
}

#[derive(Debug, Default)]
struct KtabLog {
    params: Vec<(String, String)>,
    assessments: Vec<AssessmentLog>,
    turns: Vec<TurnLog>,
    states: usize,
    /// history_pos[a][k][t], 100×.
    history_pos: Vec<Vec<Vec<Num>>>,
    /// history_prob[a][t].
    history_prob: Vec<Vec<Num>>,
}

#[derive(Debug)]
enum View {
    Initiator,
    Target,
    Compromise,
}

/// A bargain whose two proposal lines are still to come.
#[derive(Debug)]
struct Pending {
    i: usize,
    j: usize,
    view: View,
    sides: Vec<(usize, Vec<Num>)>,
}

fn challenge(t: &mut TurnLog, i: usize, j: usize) -> &mut ChallengeLog {
    t.challenges
        .iter_mut()
        .find(|c| (c.i, c.j) == (i, j))
        .unwrap_or_else(|| panic!("no challenge {i}→{j} logged before"))
}

fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/ktab").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_log(text: &str, n: usize, dims: usize) -> KtabLog {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut log = KtabLog::default();
    let mut turn: Option<TurnLog> = None;
    let mut pending: Vec<Pending> = Vec::new();
    let mut i = 0;
    let rows = |from: usize, count: usize| -> Vec<Vec<Num>> { (from..from + count).map(|r| nums(lines[r])).collect() };
    while i < lines.len() {
        let l = lines[i];
        if l.starts_with("Model Paramaters to run the model") {
            i += 1;
            while !lines[i].starts_with("Starting model run") {
                let (k, v) = lines[i].split_once(':').expect("parameter line");
                log.params.push((k.trim().to_owned(), v.trim().to_owned()));
                i += 1;
            }
            continue;
        }
        if l.starts_with("Starting Model::run iteration") {
            if let Some(t) = turn.take() {
                log.turns.push(t);
            }
            turn = Some(TurnLog { queues: vec![Vec::new(); n], ..TurnLog::default() });
            i += 1;
            continue;
        }
        if l.starts_with("Raw actor-pos value matrix") {
            let mut a = AssessmentLog { neutral: rows(i + 1, n), ..AssessmentLog::default() };
            i += 1 + n;
            assert!(lines[i].starts_with("Inferred risk attitudes"), "line {i}: {}", lines[i]);
            a.risk = rows(i + 1, n).into_iter().map(|r| r[0]).collect();
            i += 1 + n;
            assert!(lines[i].starts_with("Risk-aware actor-pos utility matrix"), "line {i}");
            a.utility = rows(i + 1, n);
            i += 1 + n;
            assert!(lines[i].starts_with("RMS change in value vs utility"));
            a.rms_utility = nums(lines[i]).first().copied();
            i += 1;
            assert!(lines[i].starts_with("Using "));
            i += 1;
            for h in 0..n {
                assert!(lines[i].starts_with(&format!("Estimate by {h} of risk-aware utility matrix")), "line {i}");
                a.perspective.push(rows(i + 1, n));
                i += 1 + n;
                assert!(lines[i].starts_with("RMS change in util^h vs utility"));
                a.rms_perspective.push(nums(lines[i])[0]);
                i += 1;
            }
            log.assessments.push(a);
            continue;
        }
        if l.starts_with("There were ") {
            log.states = nums(l)[0].v as usize;
            i += 1;
            continue;
        }
        if l.starts_with("History of actor positions over time") {
            log.history_pos = vec![vec![Vec::new(); dims]; n];
            i += 1;
            for a in 0..n {
                for k in 0..dims {
                    let (_, v) = lines[i].split_once(':').expect("history line");
                    log.history_pos[a][k] = nums(v);
                    i += 1;
                }
            }
            continue;
        }
        if l.starts_with("History of actors' winning probabilities") {
            i += 1;
            for _ in 0..n {
                let (_, v) = lines[i].split_once(':').expect("probability line");
                log.history_prob.push(nums(v));
                i += 1;
            }
            continue;
        }
        let Some(t) = turn.as_mut() else {
            i += 1;
            continue;
        };
        if l.contains("has no advantageous targets") {
            // "In turn T Actor A has no advantageous targets"
            t.no_target.push(*values(l).last().expect("actor") as usize);
        } else if l.starts_with("In turn ") {
            let v = nums(l);
            t.challenges.push(ChallengeLog {
                i: v[1].v as usize,
                j: v[2].v as usize,
                worth: Some(v[3]),
                ..ChallengeLog::default()
            });
        } else if l.starts_with("turn ") && l.contains("bestEU worth") {
            // "turn 0 , i 6 , j 1 , bestEU worth 0.0285838 , piiJ  0.396973"
            let v = nums(l);
            challenge(t, v[1].v as usize, v[2].v as usize).best_eu_piij = Some((v[3], v[4]));
        } else if l.starts_with("Est by") {
            let v = nums(l);
            let e = EstLog {
                h: v[0].v as usize,
                prob: v[1],
                i: v[2].v as usize,
                j: v[3].v as usize,
                k: v[4].v as usize,
                gain: v[5],
            };
            challenge(t, e.i, e.j).est.push(e);
        } else if l.starts_with("Bargain [") || l.starts_with("Power-weighted compromise") {
            let head = values(l);
            let (bi, bj) = (head[1] as usize, head[2] as usize);
            let view = if l.starts_with("Power-weighted") {
                View::Compromise
            } else if l.contains(&format!("from {bi}'s perspective")) {
                View::Initiator
            } else {
                View::Target
            };
            pending.push(Pending { i: bi, j: bj, view, sides: Vec::new() });
        } else if l.contains(" adopt:") {
            // KTAB's threads interleave their output: a proposal belongs to
            // the earliest bargain still missing one.
            let (who, coords) = l.split_once("adopt:").expect("proposal line");
            let whom = *values(who).last().expect("proposed to") as usize;
            let b = pending.iter_mut().find(|b| b.sides.len() < 2).expect("a bargain awaiting proposals");
            b.sides.push((whom, nums(coords)));
            if b.sides.len() == 2 {
                let b = pending.remove(pending.iter().position(|b| b.sides.len() == 2).expect("complete"));
                let c = challenge(t, b.i, b.j);
                let side = |who: usize| b.sides.iter().find(|s| s.0 == who).expect("both sides").1.clone();
                let sides = (side(b.i), side(b.j));
                match b.view {
                    View::Initiator => c.iij = sides,
                    View::Target => c.jij = sides,
                    View::Compromise => c.ij = sides,
                }
            }
        } else if l.starts_with("Bargains involving actor") {
            let (head, list) = l.split_once(':').expect("queue line");
            let k = values(head)[0] as usize;
            t.queues[k] = list
                .split('[')
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    let v = values(s);
                    (v[0] as u64, v[1] as usize, v[2] as usize)
                })
                .collect();
        } else if l == "w:" {
            t.w = nums(lines[i + 1]);
            i += 2;
            continue;
        } else if l == "u_im:" {
            t.pce.push(PceLog { u_im: rows(i + 1, n), ..PceLog::default() });
            i += 1 + n;
            continue;
        } else if l.starts_with("Doing scalarPCE for the") {
            let v = values(l);
            t.pce.last_mut().expect("u_im first").actor = v[1] as usize;
        } else if l.starts_with("Actor strengths:") {
            t.pce.last_mut().expect("pce").strengths = nums(lines[i + 1]);
        } else if l.starts_with("Utility to actors of options:") {
            t.pce.last_mut().expect("pce").utility = rows(i + 1, n);
        } else if l.starts_with("Coalition strengths of (i:j)") {
            let p = t.pce.last_mut().expect("pce");
            let m = p.u_im[0].len();
            p.coalitions = rows(i + 1, m);
        } else if l.starts_with("Probability Opt_i > Opt_j") {
            let p = t.pce.last_mut().expect("pce");
            let m = p.u_im[0].len();
            p.victory = rows(i + 1, m);
        } else if l == "Probability Opt_i" {
            let p = t.pce.last_mut().expect("pce");
            let m = p.u_im[0].len();
            p.prob = rows(i + 1, m).into_iter().map(|r| r[0]).collect();
        } else if l.starts_with("Chosen bargain") {
            let (_, rest) = l.split_once("):").expect("chosen line");
            let v = values(rest);
            let p = t.pce.last_mut().expect("pce");
            p.chosen_id = v[0] as u64;
            p.chosen_index = v[1] as usize - 1;
        } else if l.starts_with("postn-ideal distance RMS") {
            t.postn_ideal_rms = nums(l).last().copied();
        } else if l.starts_with("postn-ideal distance") {
            t.postn_ideal.push(*nums(l).last().expect("distance"));
        } else if l.starts_with("postn ") {
            t.postn.push(nums(lines[i + 1]));
        } else if l.starts_with("ideal ") {
            t.ideal.push(nums(lines[i + 1]));
        } else if l.starts_with("sDist") {
            let v = nums(l);
            t.sdist.push((v[0].v as usize, v[1].v as usize, v[2]));
        } else if l.starts_with("Fractional change compared to first step") {
            t.fractional = Some(nums(l)[0]);
        }
        i += 1;
    }
    if let Some(t) = turn.take() {
        log.turns.push(t);
    }
    log
}

// ---------------------------------------------------------------------------
// Comparisons

fn frobenius(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
}

fn check_matrix(ours: &[f64], n: usize, printed: &[Vec<Num>], what: &str) {
    assert_eq!(printed.len(), n, "{what}: rows");
    for (i, row) in printed.iter().enumerate() {
        assert_eq!(row.len(), n, "{what}: row {i}");
        for (j, &x) in row.iter().enumerate() {
            close(ours[i * n + j], x, &|| format!("{what} ({i}, {j})"));
        }
    }
}

fn check_assessment(smp: &Smp, a: &Assessment, log: &AssessmentLog, what: &str) {
    let n = smp.actors();
    check_matrix(&a.neutral_utility, n, &log.neutral, &format!("{what}: risk-neutral utility"));
    for (i, &r) in log.risk.iter().enumerate() {
        close(a.risk[i], r, &|| format!("{what}: risk attitude of {i}"));
    }
    check_matrix(&a.utility, n, &log.utility, &format!("{what}: risk-aware utility"));
    let rms = frobenius(&a.neutral_utility, &a.utility) / n as f64;
    close(rms, log.rms_utility.expect("RMS"), &|| format!("{what}: RMS change in value vs utility"));
    for h in 0..n {
        let u = smp.perspective(a, h);
        check_matrix(&u, n, &log.perspective[h], &format!("{what}: estimate by {h}"));
        close(frobenius(&u, &a.utility) / n as f64, log.rms_perspective[h], &|| format!("{what}: RMS util^{h}"));
    }
}

fn check_coords(ours: &[f64], printed: &[Num], what: &dyn Fn() -> String) {
    assert_eq!(ours.len(), printed.len(), "{}", what());
    for (k, (&x, &p)) in ours.iter().zip(printed).enumerate() {
        close(100.0 * x, p, &|| format!("{} dim {k}", what()));
    }
}

/// How each actor picks from its queue in a replayed turn.
enum Choice {
    /// Ours must be the log's.
    Ours,
    /// Take the log's; it must have had a positive probability.
    Log,
}

/// Plays turn `t` from `state`, comparing everything the log printed about
/// it, and returns the next state.
fn check_turn(smp: &Smp, state: &SmpState, a: &Assessment, t: usize, log: &TurnLog, choice: Choice) -> SmpState {
    let n = smp.actors();
    let p = smp.params().clone();
    let chosen_pair = |k: usize| -> (usize, usize) {
        let pce = log.pce.iter().find(|c| c.actor == k).unwrap_or_else(|| panic!("turn {t}: no PCE of actor {k}"));
        // By position in the queue, not by id: KTAB's threads raced on its
        // bargain counter, and turn 4 of smpExample has two bargains 1088.
        let (id, x, y) = log.queues[k][pce.chosen_index];
        assert_eq!(id, pce.chosen_id, "turn {t}: chosen bargain of {k}");
        (x, y)
    };
    let turn = smp.turn(state, a, |k, queue, prob| {
        let want = chosen_pair(k);
        let at = queue
            .iter()
            .position(|q| q.pair(k) == want)
            .unwrap_or_else(|| panic!("turn {t}: {want:?} not in our queue of {k}"));
        match choice {
            Choice::Ours => {
                assert_eq!(
                    smp::most_probable(prob),
                    at,
                    "turn {t}: actor {k} chooses as KTAB did; probabilities {prob:?}"
                );
            }
            Choice::Log => assert!(prob[at] > 0.0, "turn {t}: actor {k} drew a bargain of probability 0"),
        }
        at
    });

    // Challenges.
    let mut logged: Vec<usize> = log.challenges.iter().map(|c| c.i).chain(log.no_target.iter().copied()).collect();
    logged.sort_unstable();
    assert_eq!(logged, (0..n).collect::<Vec<_>>(), "turn {t}: the log accounts for every actor once");
    for &i in &log.no_target {
        assert!(turn.challenges[i].is_none(), "turn {t}: KTAB's actor {i} had no target");
    }
    for c in &log.challenges {
        let ours =
            turn.challenges[c.i].as_ref().unwrap_or_else(|| panic!("turn {t}: actor {} has a target in KTAB", c.i));
        let what = |s: &str| format!("turn {t}, challenge {}→{}: {s}", c.i, c.j);
        assert_eq!(ours.target, c.j, "{}", what("target"));
        close(ours.gain, c.worth.expect("worth"), &|| what("worth"));
        if let Some((eu, piij)) = c.best_eu_piij {
            close(ours.gain, eu, &|| what("bestEU"));
            close(ours.prob, piij, &|| what("piiJ"));
        }
        assert_eq!(c.est.len(), 4, "{}", what("four estimates"));
        for e in &c.est {
            assert_eq!((e.i, e.j), (c.i, c.j));
            let (prob, gain) = match (e.h == c.i, e.k == c.i) {
                (true, true) => (ours.prob, ours.gain),
                (true, false) => (ours.prob, ours.target_gain),
                (false, true) => (ours.target_view_prob, ours.target_view_gain),
                (false, false) => (ours.target_view_prob, ours.target_view_target_gain),
            };
            close(prob, e.prob, &|| what(&format!("est by {} of prob", e.h)));
            close(gain, e.gain, &|| what(&format!("est by {} of gain to {}", e.h, e.k)));
            // The same numbers through the public estimator.
            let (pp, gg) = smp.prob_gain(a, e.h, e.k, e.i, e.j);
            assert!((pp - prob).abs() < 1e-12 && (gg - gain).abs() < 1e-12);
        }
        check_coords(&ours.initiator_view.initiator, &c.iij.0, &|| what("brgnIIJ, initiator"));
        check_coords(&ours.initiator_view.target, &c.iij.1, &|| what("brgnIIJ, receiver"));
        check_coords(&ours.target_view.initiator, &c.jij.0, &|| what("brgnJIJ, initiator"));
        check_coords(&ours.target_view.target, &c.jij.1, &|| what("brgnJIJ, receiver"));
        check_coords(&ours.compromise.initiator, &c.ij.0, &|| what("brgnIJ, initiator"));
        check_coords(&ours.compromise.target, &c.ij.1, &|| what("brgnIJ, receiver"));
    }

    // Queues and their PCEs.
    for (&c, w) in smp.capability().iter().zip(&log.w) {
        close(c, *w, &|| format!("turn {t}: w"));
    }
    assert_eq!(log.pce.len(), n, "turn {t}: one PCE per actor");
    for pl in &log.pce {
        let k = pl.actor;
        let what = |s: &str| format!("turn {t}, queue of {k}: {s}");
        let logged: Vec<(usize, usize)> = log.queues[k].iter().map(|b| (b.1, b.2)).collect();
        let ours: Vec<(usize, usize)> = turn.queues[k].iter().map(|q| q.pair(k)).collect();
        let (mut l_sorted, mut o_sorted) = (logged.clone(), ours.clone());
        l_sorted.sort_unstable();
        o_sorted.sort_unstable();
        assert_eq!(o_sorted, l_sorted, "{}", what("bargains"));
        assert_eq!(turn.queues[k][0], QueueItem::StatusQuo);
        // perm[c] = our index of the log's c-th bargain.
        let perm: Vec<usize> =
            logged.iter().map(|pair| ours.iter().position(|o| o == pair).expect("matched")).collect();
        let m = perm.len();
        assert_eq!(pl.u_im.len(), n);
        let util = &turn.queue_utility[k];
        for (x, row) in pl.u_im.iter().enumerate() {
            assert_eq!(row.len(), m, "{}", what("u_im width"));
            for (c, &v) in row.iter().enumerate() {
                close(util[perm[c] * n + x], v, &|| what(&format!("u_im ({x}, {c})")));
                close(util[perm[c] * n + x], pl.utility[x][c], &|| what(&format!("utility ({x}, {c})")));
            }
        }
        for (&c, s) in smp.capability().iter().zip(&pl.strengths) {
            close(c, *s, &|| what("actor strengths"));
        }
        let detail = kernel::scalar_pce(p.voting_rule, p.victory_prob_model, p.pce_model, smp.capability(), util, m);
        for r in 0..m {
            for c in 0..m {
                let (or, oc) = (perm[r], perm[c]);
                close(detail.coalitions[or * m + oc], pl.coalitions[r][c], &|| what(&format!("coalition ({r}, {c})")));
                close(detail.victory[or * m + oc], pl.victory[r][c], &|| what(&format!("P(opt {r} > opt {c})")));
            }
            close(turn.queue_prob[k][perm[r]], pl.prob[r], &|| what(&format!("P(opt {r})")));
        }
        assert_eq!(perm[pl.chosen_index], turn.chosen[k], "{}", what("chosen bargain"));
        assert_eq!(turn.queues[k][turn.chosen[k]].pair(k), chosen_pair(k));
    }

    // The new state.
    let next = turn.next;
    assert_eq!(log.postn.len(), n, "turn {t}: positions");
    let dims = smp.dims();
    let mut sum_sq = 0.0;
    for x in 0..n {
        let pos = &next.positions[x * dims..(x + 1) * dims];
        let idl = &next.ideals[x * dims..(x + 1) * dims];
        check_coords(pos, &log.postn[x], &|| format!("turn {t}: position of {x}"));
        check_coords(idl, &log.ideal[x], &|| format!("turn {t}: ideal of {x}"));
        let d = frobenius(pos, idl);
        close(100.0 * d, log.postn_ideal[x], &|| format!("turn {t}: position-ideal distance of {x}"));
        sum_sq += d * d;
    }
    close((sum_sq / n as f64).sqrt(), log.postn_ideal_rms.expect("RMS"), &|| format!("turn {t}: position-ideal RMS"));
    next
}

/// Replays every turn of `log` from the input's initial state.
fn replay(smp: &Smp, log: &KtabLog, choice: fn() -> Choice) -> Vec<SmpState> {
    let n = smp.actors();
    let dims = smp.dims();
    assert_eq!(log.assessments.len(), log.turns.len() + 1, "one assessment per state");
    assert_eq!(log.states, log.turns.len() + 1);
    let mut states = vec![smp.initial_state()];
    for t in 0..=log.turns.len() {
        let state = states[t].clone();
        let a = smp.assess(&state);
        check_assessment(smp, &a, &log.assessments[t], &format!("state {t}"));
        let dist = smp.position_distribution(&state, &a);
        for x in 0..n {
            close(dist.actor_prob[x], log.history_prob[x][t], &|| format!("state {t}: winning probability of {x}"));
            for k in 0..dims {
                close(100.0 * state.positions[x * dims + k], log.history_pos[x][k][t], &|| {
                    format!("state {t}: position history of {x} on {k}")
                });
            }
        }
        if t == log.turns.len() {
            break;
        }
        let tl = &log.turns[t];
        let next = check_turn(smp, &state, &a, t, tl, choice());
        states.push(next);
        // The stopping rule's distances.
        let d01 = smp.state_distance(&states[0], &states[1]) + smp::MIN_SIG_DELTA;
        let dxy = smp.state_distance(&states[t], &states[t + 1]);
        assert_eq!(tl.sdist.len(), 2, "turn {t}: two sDist lines");
        assert_eq!((tl.sdist[0].0, tl.sdist[0].1), (0, 1));
        close(d01, tl.sdist[0].2, &|| format!("turn {t}: sDist [0, 1]"));
        assert_eq!((tl.sdist[1].0, tl.sdist[1].1), (t, t + 1));
        close(dxy, tl.sdist[1].2, &|| format!("turn {t}: sDist [{t}, {}]", t + 1));
        let ratio = dxy / d01;
        close(ratio, tl.fractional.expect("fractional change"), &|| format!("turn {t}: fractional change"));
        let last = t + 1 == log.turns.len();
        let stops = t + 1 >= smp::MIN_ROUNDS && ratio < smp::MIN_DELTA_RATIO;
        assert_eq!(stops, last, "turn {t}: KTAB stopped after turn {}", log.turns.len() - 1);
    }
    states
}

// ---------------------------------------------------------------------------
// dummyData_3Dim

fn dummy_input() -> Input {
    let text = read("dummyData_3Dim.csv");
    let spec = detente_formats::ktab::read_ktab_csv("dummyData_3Dim.csv", &text).expect("KTAB CSV");
    let (scenario, _) = Scenario::new(spec, WeightPolicy::Normalise).expect("scenario");
    Input::from_scenario(&scenario).expect("input")
}

#[test]
fn dummy_data_3dim_replays_ktabs_reference_log_turn_by_turn() {
    let input = dummy_input();
    let log = parse_log(&read("20170530_ref-dummyData_3Dim.txt"), 7, 3);
    let mut params = SmpParams::default();
    for (k, v) in &log.params {
        params.set(k, v).expect("KTAB parameter");
    }
    assert_eq!(params, SmpParams::default(), "the log ran KTAB's CSV defaults");
    assert_eq!(log.turns.len(), 10);
    assert_eq!(log.assessments.len(), 11);
    let smp = Smp::new(&input, &params).expect("model");
    replay(&smp, &log, || Choice::Ours);
}

#[test]
fn dummy_data_3dim_forecast_matches_ktabs_history() {
    let input = dummy_input();
    let log = parse_log(&read("20170530_ref-dummyData_3Dim.txt"), 7, 3);
    let run = smp::run(&input, &SmpParams::default(), &ForecastOptions::default()).expect("run");
    let f = &run.forecast;
    assert_eq!(f.model, "smp");
    assert_eq!(f.rounds(), 10, "KTAB: 11 states, 10 steps");
    assert_eq!(f.stop, Stop::Converged);
    for (t, tl) in log.turns.iter().enumerate() {
        for (x, printed) in tl.postn.iter().enumerate() {
            check_coords(&f.trajectory[t + 1][x], printed, &|| format!("forecast, round {}: actor {x}", t + 1));
        }
    }
    for x in 0..7 {
        for t in 0..11 {
            close(run.winning_probability[t][x], log.history_prob[x][t], &|| format!("state {t}: winning prob of {x}"));
            for k in 0..3 {
                close(100.0 * f.trajectory[t][x][k], log.history_pos[x][k][t], &|| format!("history {x}/{k}/{t}"));
            }
        }
    }
    // The outcome: the final distinct positions weighted by their PCE
    // probabilities (KTAB prints the probabilities, not this mean).
    let d = &run.distribution;
    let total: f64 = d.prob.iter().sum();
    assert!((total - 1.0).abs() < 1e-9);
    for k in 0..3 {
        let mean: f64 = d.representative.iter().zip(&d.prob).map(|(&r, &p)| p * f.trajectory[10][r][k]).sum();
        assert!((f.outcome[k] - mean).abs() < 1e-12);
    }
    // Same as the plain forecast.
    let plain = smp::forecast(&input, &SmpParams::default(), &ForecastOptions::default()).expect("forecast");
    assert_eq!(&plain, f);
    let via_lib = detente_forecast::forecast(
        &input,
        &detente_forecast::Model::Smp(SmpParams::default()),
        &ForecastOptions::default(),
    )
    .expect("forecast");
    assert_eq!(&via_lib, f);
}

// ---------------------------------------------------------------------------
// smpExample

/// The text of every `<tag>…</tag>` in `xml`, in order.
fn tags<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(s) = rest.find(&open) {
        let after = &rest[s + open.len()..];
        let e = after.find(&close).expect("closing tag");
        out.push(after[..e].trim());
        rest = &after[e + close.len()..];
    }
    out
}

/// smpExample's input. Capabilities, names and the accommodation matrix
/// come from `smpExample.xml`; positions and saliences from the log's
/// header ("Read dimension k: v", "Read salience k: v"), because the XML
/// kept here leaves Alice's first coordinate empty while KTAB's log shows it
/// read 52.80 (its history table starts at 52.8): the log was written from
/// a copy of the file with that value, the other fourteen coordinates agree
/// (checked below).
fn example_input(log_text: &str) -> (Input, SmpParams) {
    let xml = read("smpExample.xml");
    let actors: Vec<&str> = tags(&xml, "Actor");
    let names: Vec<&str> = actors.iter().map(|a| tags(a, "name")[0]).collect();
    let caps: Vec<f64> = actors.iter().map(|a| tags(a, "capability")[0].parse().expect("capability")).collect();
    let mut pos: Vec<f64> = Vec::new();
    let mut sal: Vec<f64> = Vec::new();
    for l in log_text.lines() {
        if l.starts_with("Read dimension ") {
            pos.push(values(l.split_once(':').expect("value").1)[0]);
        } else if l.starts_with("Read salience ") {
            sal.push(values(l.split_once(':').expect("value").1)[0]);
        }
    }
    let (n, dims) = (names.len(), 3);
    assert_eq!((pos.len(), sal.len()), (n * dims, n * dims));
    for (a, actor) in actors.iter().enumerate() {
        for (k, c) in tags(actor, "dCoord").iter().enumerate() {
            if !c.is_empty() {
                assert_eq!(c.parse::<f64>().expect("coordinate"), pos[a * dims + k]);
            }
        }
        for (k, s) in tags(actor, "dSal").iter().enumerate() {
            assert_eq!(s.parse::<f64>().expect("salience"), sal[a * dims + k]);
        }
    }
    let mut acc = vec![vec![0.0; n]; n];
    for (i, row) in acc.iter_mut().enumerate() {
        row[i] = 1.0; // KTAB starts from the identity (smpread.cpp, xmlRead)
    }
    for pair in tags(&xml, "iaPair") {
        let i = names.iter().position(|&x| x == tags(pair, "adjustingIdeal")[0]).expect("actor");
        let j = names.iter().position(|&x| x == tags(pair, "referencePos")[0]).expect("actor");
        acc[i][j] = tags(pair, "adjust")[0].parse().expect("rate");
    }
    let mut params = SmpParams::default();
    for (k, v) in tags(&xml, "ModelParameters").iter().flat_map(|m| {
        [
            "VictoryProbModel",
            "PCEModel",
            "StateTransitions",
            "VotingRule",
            "BigRAdjust",
            "BigRRange",
            "ThirdPartyCommit",
            "InterVecBrgn",
            "BargnModel",
        ]
        .map(|k| (k, tags(m, k)[0]))
    }) {
        params.set(k, v).expect("parameter");
    }
    params.accommodation = Some(acc);
    let issues = ["FirstDim", "SecondDim", "YADN"]
        .iter()
        .map(|&id| Scale { id: id.into(), name: id.into(), min: 0.0, max: 100.0, options: None, unit: None })
        .collect();
    let actors = (0..n)
        .map(|a| ForecastActor {
            id: names[a].to_owned(),
            capability: caps[a],
            position: (0..dims).map(|k| pos[a * dims + k] / 100.0).collect(),
            salience: (0..dims).map(|k| sal[a * dims + k] / 100.0).collect(),
            spread: Spreads::default(),
        })
        .collect();
    (Input { issues, actors }, params)
}

#[test]
fn smp_example_replays_ktabs_reference_log_with_ktabs_draws() {
    let text = read("20170530_ref-smpExample.txt");
    let (input, params) = example_input(&text);
    let log = parse_log(&text, 5, 3);
    // The log header names the same parameters as the XML.
    let mut from_log = params.clone();
    for (k, v) in &log.params {
        from_log.set(k, v).expect("KTAB parameter");
    }
    assert_eq!(from_log, params);
    assert_eq!(params.pce_model, smp::PceModel::MarkovIncentive);
    assert_eq!(params.voting_rule, smp::VotingRule::PropCbc);
    assert_eq!(params.state_transition, smp::StateTransition::Stochastic);
    assert_eq!(log.turns.len(), 14);
    let smp = Smp::new(&input, &params).expect("model");
    replay(&smp, &log, || Choice::Log);
}

#[test]
fn smp_example_runs_stochastically_and_reproducibly() {
    let text = read("20170530_ref-smpExample.txt");
    let (input, params) = example_input(&text);
    let options = ForecastOptions { max_rounds: None, seed: 3507583219545544127 };
    let a = smp::forecast(&input, &params, &options).expect("forecast");
    let b = smp::forecast(&input, &params, &options).expect("forecast");
    assert_eq!(a, b, "same seed, same run");
    assert!(a.rounds() >= 2 && a.rounds() <= 100);
    for x in &a.outcome {
        assert!((0.0..=1.0).contains(x));
    }
}
