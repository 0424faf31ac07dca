//! Monte Carlo sensitivity: reproducibility, degenerate spreads, the analytic
//! distribution of the compromise, the tornado's ranking, progress and
//! cancellation.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

mod common;

use common::inputs::seed_case;
use detente_core::Spread;
use detente_forecast::input::Spreads;
use detente_forecast::sensitivity::{
    self, Parameter, SalienceTotal, Sensitivity, SensitivityError, SensitivityOptions, SpreadSource,
};
use detente_forecast::{ForecastActor, ForecastOptions, Input, Model, Scale};

fn scale(id: &str) -> Scale {
    Scale { id: id.into(), name: id.into(), min: 0.0, max: 1.0, options: None, unit: None }
}

fn actor(id: &str, capability: f64, position: &[f64], salience: &[f64]) -> ForecastActor {
    ForecastActor {
        id: id.into(),
        capability,
        position: position.to_vec(),
        salience: salience.to_vec(),
        spread: Spreads::default(),
    }
}

/// Every input certain: no default spread, no scenario spread.
fn fixed(options: SensitivityOptions) -> SensitivityOptions {
    SensitivityOptions { position: Spread::Fixed, salience: Spread::Fixed, capability: Spread::Fixed, ..options }
}

fn three_issues() -> Input {
    Input {
        issues: vec![scale("a"), scale("b"), scale("c")],
        actors: vec![
            actor("x", 3.0, &[0.1, 0.9, 0.5], &[0.8, 0.3, 0.5]),
            actor("y", 1.0, &[0.7, 0.2, 0.0], &[0.6, 0.9, 0.2]),
            actor("z", 2.0, &[0.95, 0.5, 1.0], &[0.1, 0.5, 0.7]),
            actor("w", 0.5, &[0.4, 0.0, 0.3], &[1.0, 0.05, 0.4]),
        ],
    }
}

fn run(input: &Input, model: &Model, options: &SensitivityOptions) -> Result<Sensitivity, SensitivityError> {
    sensitivity::run(input, model, &ForecastOptions::default(), options, &|_| {}, &AtomicBool::new(false))
}

#[test]
fn same_seed_same_result_whatever_the_thread_count() {
    let input = three_issues();
    for model in [Model::Compromise, Model::Median] {
        let options = SensitivityOptions { runs: 2000, seed: 42, ..SensitivityOptions::default() };
        let in_pool = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
            pool.install(|| run(&input, &model, &options)).expect("runs")
        };
        let one = in_pool(1);
        let four = in_pool(4);
        let again = in_pool(3);
        // Bit-identical: compare the serialised form, which prints every f64
        // exactly.
        let json = |s: &Sensitivity| serde_json::to_string(s).expect("serialises");
        assert_eq!(json(&one), json(&four), "{}", model.name());
        assert_eq!(json(&one), json(&again), "{}", model.name());

        let other = run(&input, &model, &SensitivityOptions { seed: 43, ..options.clone() }).expect("runs");
        assert_ne!(json(&one), json(&other), "{}: another seed draws otherwise", model.name());
        assert_eq!(one.base, other.base);
        // The tornado does not draw, so it is the same for any seed.
        for (a, b) in one.issues.iter().zip(&other.issues) {
            let swings =
                |i: &sensitivity::IssueSensitivity| i.tornado.iter().map(|b| (b.input, b.swing)).collect::<Vec<_>>();
            assert_eq!(swings(a), swings(b));
        }
    }
}

#[test]
fn a_fixed_input_keeps_the_others_draws() {
    // Every slot consumes the same draws whether perturbed or not, so fixing
    // one input leaves every other input's draws as they were.
    let input = three_issues();
    let options = SensitivityOptions { runs: 200, seed: 9, ..SensitivityOptions::default() };
    let all = run(&input, &Model::Compromise, &options).expect("runs");
    let mut pinned = input.clone();
    pinned.actors[1].spread.position = vec![None, Some(Spread::Fixed)];
    let some = run(&pinned, &Model::Compromise, &options).expect("runs");
    assert_eq!(some.inputs.len(), all.inputs.len() - 1);
    let pinned_input = |i: &sensitivity::UncertainInput| {
        i.actor == "y" && i.parameter == Parameter::Position && i.issue.as_deref() == Some("b")
    };
    assert!(!some.inputs.iter().any(pinned_input));
    // Issue `a` does not read y's position on `b`: its distribution is
    // unchanged, and so is every other input's bar.
    let (a, b) = (&all.issues[0], &some.issues[0]);
    assert_eq!((a.mean, a.std_dev, a.min, a.max), (b.mean, b.std_dev, b.min, b.max));
    assert_eq!((&a.quantiles, &a.histogram), (&b.quantiles, &b.histogram));
    let bars = |s: &Sensitivity| {
        s.issues[0]
            .tornado
            .iter()
            .filter(|bar| !pinned_input(&s.inputs[bar.input]))
            .map(|bar| {
                let i = &s.inputs[bar.input];
                (i.actor.clone(), i.parameter, i.issue.clone(), bar.low, bar.high, bar.rank_correlation)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(bars(&all), bars(&some));
    // Issue `b` does read it.
    assert_ne!(all.issues[1].quantiles, some.issues[1].quantiles);
}

#[test]
fn all_fixed_every_run_is_the_base_forecast() {
    let input = three_issues();
    for model in [Model::Compromise, Model::Median] {
        let result = run(&input, &model, &fixed(SensitivityOptions { runs: 500, ..SensitivityOptions::default() }))
            .expect("runs");
        assert!(result.inputs.is_empty());
        for (k, issue) in result.issues.iter().enumerate() {
            let base = result.base.outcome[k];
            assert_eq!(issue.base, base);
            assert_eq!((issue.min, issue.max), (base, base));
            assert_eq!(issue.std_dev, 0.0);
            assert_eq!(issue.mean, base);
            assert_eq!(issue.quantiles.len(), 5);
            assert!(issue.quantiles.iter().all(|q| q.value == base));
            assert_eq!(issue.histogram.len(), 20);
            assert_eq!(issue.histogram.iter().sum::<u64>(), 500);
            assert_eq!(issue.histogram.iter().filter(|&&c| c > 0).count(), 1);
            assert!(issue.tornado.is_empty());
        }
    }
}

#[test]
fn scenario_spreads_override_the_defaults() {
    let mut input = three_issues();
    input.actors[0].spread = Spreads {
        capability: Some(Spread::Normal(0.5)),
        position: vec![Some(Spread::Fixed), Some(Spread::Uniform(0.2))],
        salience: vec![Some(Spread::Uniform(0.0))],
    };
    let result = run(&input, &Model::Compromise, &SensitivityOptions { runs: 10, ..SensitivityOptions::default() })
        .expect("runs");
    let find = |parameter, issue: Option<&str>| {
        result.inputs.iter().find(|i| i.actor == "x" && i.parameter == parameter && i.issue.as_deref() == issue)
    };
    let capability = find(Parameter::Capability, None).expect("perturbed");
    assert_eq!((capability.spread, capability.source), (Spread::Normal(0.5), SpreadSource::Scenario));
    assert!((capability.low - (3.0 - 0.5 * sensitivity::NORMAL_TORNADO_Z)).abs() < 1e-12);
    assert!(find(Parameter::Position, Some("a")).is_none(), "Fixed is never perturbed");
    assert!(find(Parameter::Salience, Some("a")).is_none(), "a zero spread is never perturbed");
    let b = find(Parameter::Position, Some("b")).expect("perturbed");
    assert_eq!((b.spread, b.source), (Spread::Uniform(0.2), SpreadSource::Scenario));
    // 0.9 + 0.2 is clipped to the scale.
    assert_eq!((b.low, b.high), (0.7, 1.0));
    let c = find(Parameter::Position, Some("c")).expect("the default applies");
    assert_eq!((c.spread, c.source), (Spread::Uniform(0.05), SpreadSource::Default));
    // The default capability spread is relative.
    let y = result.inputs.iter().find(|i| i.actor == "z" && i.parameter == Parameter::Capability).expect("perturbed");
    assert_eq!(y.spread, Spread::Uniform(0.2));
    assert_eq!((y.low, y.high), (1.8, 2.2));
}

/// Φ⁻¹ at the default quantiles.
const Z: [f64; 5] =
    [-1.644_853_626_951_472, -0.674_489_750_196_081_7, 0.0, 0.674_489_750_196_081_7, 1.644_853_626_951_472];

#[test]
fn compromise_of_a_uniform_position_is_a_scaled_uniform() {
    // x̂ = (3·x + 1·0.7) / 4 with x ~ U(0.3 − 0.1, 0.3 + 0.1): x̂ ~ U(0.325, 0.475).
    let mut input = Input {
        issues: vec![scale("only")],
        actors: vec![actor("big", 3.0, &[0.3], &[1.0]), actor("small", 1.0, &[0.7], &[1.0])],
    };
    input.actors[0].spread.position = vec![Some(Spread::Uniform(0.1))];
    let runs = 100_000;
    let options = fixed(SensitivityOptions { runs, seed: 7, bins: 10, ..SensitivityOptions::default() });
    let result = run(&input, &Model::Compromise, &options).expect("runs");
    let issue = &result.issues[0];
    let (lo, hi) = (0.325, 0.475);
    assert!((result.base.outcome[0] - 0.4).abs() < 1e-12);
    // Standard errors: mean 0.0433/√n ≈ 1.4e-4; quantiles √(p(1−p)/n)/density ≤ 1.6e-4
    // (density 1/0.15); tolerances are about six of them.
    assert!((issue.mean - 0.4).abs() < 8e-4, "mean {}", issue.mean);
    let sd = (hi - lo) / 12f64.sqrt();
    assert!((issue.std_dev - sd).abs() < 5e-4, "sd {} vs {sd}", issue.std_dev);
    for q in &issue.quantiles {
        let expected = lo + q.p * (hi - lo);
        assert!((q.value - expected).abs() < 1e-3, "q{} = {} vs {expected}", q.p, q.value);
    }
    assert!(issue.min >= lo && issue.min < lo + 1e-3, "min {}", issue.min);
    assert!(issue.max <= hi && issue.max > hi - 1e-3, "max {}", issue.max);
    // Bins of 0.1: [0.3, 0.4) holds 0.075/0.15 = half, [0.4, 0.5) the other half.
    let half = issue.histogram[3] as f64 / runs as f64;
    assert!((half - 0.5).abs() < 0.01, "{half}");
    assert_eq!(issue.histogram[3] + issue.histogram[4], runs as u64);
    // One uncertain input: its tornado swing is 3/4 of 0.2 and it correlates perfectly.
    let bar = &issue.tornado[0];
    assert!((bar.swing - 0.15).abs() < 1e-12);
    assert!((bar.rank_correlation.expect("varies") - 1.0).abs() < 1e-12);
}

#[test]
fn compromise_of_a_normal_position_is_a_scaled_normal() {
    // x̂ = (x + 0.5 + 2·0.5)/4 with x ~ N(0.5, 0.04²): x̂ ~ N(0.5, 0.01²).
    let mut input = Input {
        issues: vec![scale("only")],
        actors: vec![actor("a", 1.0, &[0.5], &[1.0]), actor("b", 3.0, &[0.5], &[1.0])],
    };
    input.actors[0].spread.position = vec![Some(Spread::Normal(0.04))];
    let options = fixed(SensitivityOptions { runs: 100_000, seed: 11, ..SensitivityOptions::default() });
    let issue = &run(&input, &Model::Compromise, &options).expect("runs").issues[0];
    assert!((issue.mean - 0.5).abs() < 2e-4, "mean {}", issue.mean);
    assert!((issue.std_dev - 0.01).abs() < 2e-4, "sd {}", issue.std_dev);
    for (q, z) in issue.quantiles.iter().zip(Z) {
        let expected = 0.5 + 0.01 * z;
        assert!((q.value - expected).abs() < 3e-4, "q{} = {} vs {expected}", q.p, q.value);
    }
}

#[test]
fn the_tornado_ranks_the_dominant_input_first() {
    // A big actor at 0.2 and two small ones: the compromise moves by 10/12 of
    // the big actor's position, far more than by anything else.
    let input = Input {
        issues: vec![scale("only")],
        actors: vec![
            actor("big", 10.0, &[0.2], &[0.5]),
            actor("left", 1.0, &[0.6], &[0.5]),
            actor("right", 1.0, &[0.9], &[0.5]),
        ],
    };
    let options = SensitivityOptions { runs: 5000, seed: 1, ..SensitivityOptions::default() };
    let result = run(&input, &Model::Compromise, &options).expect("runs");
    let tornado = &result.issues[0].tornado;
    assert_eq!(tornado.len(), 9);
    let top = &result.inputs[tornado[0].input];
    assert_eq!((top.actor.as_str(), top.parameter), ("big", Parameter::Position));
    assert!((tornado[0].swing - 0.1 * 10.0 / 12.0).abs() < 1e-12);
    assert!(tornado[0].low < tornado[0].high, "a higher position gives a higher compromise");
    // Then the big actor's salience: weight 4 against 6 out of 5 and 7 total.
    let second = &result.inputs[tornado[1].input];
    assert_eq!((second.actor.as_str(), second.parameter), ("big", Parameter::Salience));
    let expected = (0.8 + 0.75) / 5.0 - (1.2 + 0.75) / 7.0;
    assert!((tornado[1].swing - expected).abs() < 1e-12, "{} vs {expected}", tornado[1].swing);
    assert!(tornado.windows(2).all(|w| w[0].swing >= w[1].swing));
    // The rank correlations agree on which input matters most.
    let strongest = tornado
        .iter()
        .max_by(|a, b| {
            let r = |x: &sensitivity::TornadoBar| x.rank_correlation.expect("every input varies").abs();
            r(a).total_cmp(&r(b))
        })
        .expect("bars");
    assert_eq!(strongest.input, tornado[0].input);
    assert!(strongest.rank_correlation.expect("varies") > 0.8);

    // The median sits on the big actor whatever the small ones do: their
    // positions have no swing and no correlation.
    let median = run(&input, &Model::Median, &options).expect("runs");
    let tornado = &median.issues[0].tornado;
    assert_eq!(median.inputs[tornado[0].input].actor, "big");
    assert_eq!(median.inputs[tornado[0].input].parameter, Parameter::Position);
    // The outcome is the big actor's position in every run.
    assert_eq!(tornado[0].rank_correlation, Some(1.0));
    for bar in tornado.iter().filter(|b| median.inputs[b.input].actor != "big") {
        assert_eq!(bar.swing, 0.0);
        let rho = bar.rank_correlation.expect("both vary");
        assert!(rho.abs() < 0.06, "{rho}: no more than chance");
    }
}

#[test]
fn capped_saliences_sum_to_at_most_one() {
    // Actor `one` has salience 0.5 on `a` (certain) and 0.5 ± 0.3 on `b`;
    // where the two sum above 1 they are divided by their sum, which takes
    // weight off `a`, where `one` sits at 0 against `two` at 1 (weight 0.5).
    let mut input = Input {
        issues: vec![scale("a"), scale("b")],
        actors: vec![actor("one", 1.0, &[0.0, 0.5], &[0.5, 0.5]), actor("two", 1.0, &[1.0, 0.5], &[0.5, 0.0])],
    };
    input.actors[0].spread.salience = vec![None, Some(Spread::Uniform(0.3))];
    let options = fixed(SensitivityOptions { runs: 20_000, seed: 5, ..SensitivityOptions::default() });
    let capped = SensitivityOptions { salience_total: SalienceTotal::Capped, ..options.clone() };

    let free = run(&input, &Model::Compromise, &options).expect("runs");
    assert_eq!(free.issues[0].std_dev, 0.0, "uncapped, `b`'s salience does not touch `a`");
    assert!(!SalienceTotal::Auto.capped(&Model::Compromise));
    assert!(SalienceTotal::Auto.capped(&Model::Smp(Default::default())));

    let result = run(&input, &Model::Compromise, &capped).expect("runs");
    // x̂ₐ = 0.5 / (sₐ + 0.5) with sₐ = 0.5 / max(1, 0.5 + s_b), s_b ~ U(0.2, 0.8).
    let outcome = |sb: f64| 0.5 / (0.5 / f64::max(1.0, 0.5 + sb) + 0.5);
    let a = &result.issues[0];
    assert_eq!(a.quantiles[1].value, 0.5, "half the runs sum to at most 1");
    assert!((a.quantiles[3].value - outcome(0.65)).abs() < 2e-3, "{} vs {}", a.quantiles[3].value, outcome(0.65));
    assert!((a.quantiles[4].value - outcome(0.77)).abs() < 2e-3, "{} vs {}", a.quantiles[4].value, outcome(0.77));
    assert!(a.max <= outcome(0.8) + 1e-12 && a.max > outcome(0.8) - 1e-3);
    // The tornado caps too: `b`'s salience at its high value moves `a`.
    let bar = a.tornado.first().expect("one input");
    assert!((bar.swing - (outcome(0.8) - 0.5)).abs() < 1e-12);
    // The draws recorded for the rank correlation are the capped ones.
    assert!(bar.rank_correlation.expect("varies") > 0.5, "a higher capped `b` salience, a higher `a` outcome");

    // Reproducible whatever the thread count (the per-thread buffer is reset
    // before capping).
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
    let one = pool.install(|| run(&input, &Model::Compromise, &capped)).expect("runs");
    assert_eq!(serde_json::to_string(&one).ok(), serde_json::to_string(&result).ok());
}

#[test]
fn progress_is_monotonic_and_ends_at_the_run_count() {
    let input = three_issues();
    let calls = Mutex::new(Vec::new());
    let options = SensitivityOptions { runs: 1000, ..SensitivityOptions::default() };
    sensitivity::run(
        &input,
        &Model::Median,
        &ForecastOptions::default(),
        &options,
        &|done| calls.lock().expect("not poisoned").push(done),
        &AtomicBool::new(false),
    )
    .expect("runs");
    let calls = calls.into_inner().expect("not poisoned");
    assert!(calls.windows(2).all(|w| w[0] < w[1]), "{calls:?}");
    assert_eq!(calls.last(), Some(&1000));
    assert!(calls.len() <= 101, "{} calls", calls.len());
    assert!(calls.len() >= 50, "{} calls: about one per 1%", calls.len());
}

#[test]
fn cancelling_stops_early() {
    let input = three_issues();
    let options = SensitivityOptions { runs: 200_000, ..SensitivityOptions::default() };
    // Before it starts.
    let cancel = AtomicBool::new(true);
    let error = sensitivity::run(&input, &Model::Compromise, &ForecastOptions::default(), &options, &|_| {}, &cancel)
        .expect_err("cancelled");
    assert_eq!(error, SensitivityError::Cancelled { completed: 0, runs: 200_000 });

    // Part way, from the progress callback.
    let cancel = AtomicBool::new(false);
    let stop_at = |done: usize| {
        if done >= 20_000 {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let error = sensitivity::run(&input, &Model::Compromise, &ForecastOptions::default(), &options, &stop_at, &cancel)
        .expect_err("cancelled");
    match error {
        SensitivityError::Cancelled { completed, runs } => {
            assert_eq!(runs, 200_000);
            assert!((20_000..150_000).contains(&completed), "{completed}");
        }
        other => panic!("expected a cancellation, got {other:?}"),
    }
    assert!(error_message_is_clear());
}

fn error_message_is_clear() -> bool {
    SensitivityError::Cancelled { completed: 3, runs: 10 }.to_string() == "cancelled after 3 of 10 runs"
}

#[test]
fn a_failing_run_is_reported_with_its_index() {
    // One actor with salience 0.05 on the issue: the default ±0.10 drives it
    // to zero in about a quarter of the runs, where no model has any weight.
    let input = Input { issues: vec![scale("only")], actors: vec![actor("lone", 1.0, &[0.5], &[0.05])] };
    let options = SensitivityOptions { runs: 1000, seed: 3, ..SensitivityOptions::default() };
    let first = run(&input, &Model::Compromise, &options).expect_err("some run has no weight");
    let SensitivityError::Tornado { .. } = first else { panic!("the tornado's low salience is zero: {first:?}") };
    // A normal spread whose tornado low (0.05 − 1.645·0.025) stays above zero
    // but whose draws fall below it in about 2% of the runs.
    let options = SensitivityOptions { salience: Spread::Normal(0.025), ..options };
    let error = run(&input, &Model::Compromise, &options).expect_err("some run has no weight");
    let SensitivityError::Run { run: index, .. } = error else { panic!("{error:?}") };
    // The lowest failing index, whatever the scheduling.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
    let sequential = pool.install(|| run(&input, &Model::Compromise, &options)).expect_err("fails");
    assert_eq!(
        sequential,
        SensitivityError::Run {
            run: index,
            source: detente_forecast::ForecastError::NoWeight { issue: "only".into() }
        }
    );
}

/// The lone actor of `a_failing_run_is_reported_with_its_index`, whose
/// normal salience spread draws its only salience to zero in about 2% of the
/// runs while the tornado stays clear of zero.
fn sometimes_weightless() -> (Input, SensitivityOptions) {
    let input = Input { issues: vec![scale("only")], actors: vec![actor("lone", 1.0, &[0.5], &[0.05])] };
    let options =
        SensitivityOptions { runs: 1000, seed: 3, salience: Spread::Normal(0.025), ..SensitivityOptions::default() };
    (input, options)
}

#[test]
fn skip_failed_leaves_failed_runs_out_and_reports_them() {
    let (input, options) = sometimes_weightless();
    let error = run(&input, &Model::Compromise, &options).expect_err("some run has no weight");
    let SensitivityError::Run { run: first, .. } = error else { panic!("{error:?}") };
    assert!(error.to_string().contains("--skip-failed"), "the error names the way out: {error}");

    let skip = SensitivityOptions { skip_failed: true, ..options.clone() };
    let result = run(&input, &Model::Compromise, &skip).expect("failed runs are left out");
    assert_eq!(result.runs, 1000);
    assert!(result.failed_runs > 0);
    assert_eq!(result.completed_runs + result.failed_runs, result.runs);
    assert_eq!(result.failures.len(), result.failed_runs.min(sensitivity::KEPT_FAILURES));
    assert!(result.failures.windows(2).all(|w| w[0].run < w[1].run), "in run order: {:?}", result.failures);
    assert_eq!(result.failures[0].run, first, "the first is the one the default mode reports");
    for failure in &result.failures {
        assert!(failure.error.contains("`only`"), "{failure:?}");
    }
    let issue = &result.issues[0];
    assert_eq!(issue.histogram.iter().sum::<u64>(), result.completed_runs as u64);

    // Bit-identical whatever the thread count.
    let json = |s: &Sensitivity| serde_json::to_string(s).expect("serialises");
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
        let again = pool.install(|| run(&input, &Model::Compromise, &skip)).expect("runs");
        assert_eq!(json(&again), json(&result), "{threads} threads");
    }

    // Runs are seeded by index, so the runs before the first failure are the
    // same whatever `runs` is. Through the first failure with it left out,
    // every statistic (rank correlations included, so the draws stayed
    // aligned with the outcomes) is that of the runs before it.
    assert!(first >= 3, "the seed's first failure is late enough to compare distributions: {first}");
    let before = run(&input, &Model::Compromise, &SensitivityOptions { runs: first, ..options.clone() })
        .expect("no run before the first failure fails");
    assert_eq!((before.completed_runs, before.failed_runs, before.failures.len()), (first, 0, 0));
    let through = run(&input, &Model::Compromise, &SensitivityOptions { runs: first + 1, ..skip.clone() })
        .expect("one run left out");
    assert_eq!((through.runs, through.completed_runs, through.failed_runs), (first + 1, first, 1));
    assert_eq!(through.failures, result.failures[..1]);
    assert_eq!(through.issues, before.issues);
    assert!(before.issues[0].tornado.iter().any(|bar| bar.rank_correlation.is_some()));
    // Nothing fails: the option changes nothing.
    let before_skipping = run(&input, &Model::Compromise, &SensitivityOptions { runs: first, ..skip }).expect("runs");
    assert_eq!(json(&before_skipping), json(&before));
}

#[test]
fn skip_failed_still_fails_when_every_run_fails() {
    // A one-run analysis whose run fails: the first seed that gives one.
    let (input, options) = sometimes_weightless();
    let options = SensitivityOptions { runs: 1, ..options };
    let seed = (0..10_000)
        .find(|&seed| {
            matches!(
                run(&input, &Model::Compromise, &SensitivityOptions { seed, ..options.clone() }),
                Err(SensitivityError::Run { run: 0, .. })
            )
        })
        .expect("about 2% of the seeds fail their only run");
    let skip = SensitivityOptions { seed, skip_failed: true, ..options };
    assert_eq!(
        run(&input, &Model::Compromise, &skip),
        Err(SensitivityError::AllRunsFailed {
            runs: 1,
            run: 0,
            source: detente_forecast::ForecastError::NoWeight { issue: "only".into() }
        })
    );
}

#[test]
fn skip_failed_leaves_the_tornado_as_it_was() {
    // The default uniform ±0.10 reaches zero at the tornado's low end.
    let (input, options) = sometimes_weightless();
    let options = SensitivityOptions { salience: Spread::Uniform(0.10), skip_failed: true, ..options };
    let error = run(&input, &Model::Compromise, &options).expect_err("the tornado's low salience is zero");
    assert!(matches!(error, SensitivityError::Tornado { .. }), "{error:?}");
}

#[test]
fn invalid_settings_are_refused() {
    let input = three_issues();
    for options in [
        SensitivityOptions { runs: 0, ..SensitivityOptions::default() },
        SensitivityOptions { bins: 0, ..SensitivityOptions::default() },
        SensitivityOptions { quantiles: vec![1.5], ..SensitivityOptions::default() },
        SensitivityOptions { position: Spread::Normal(-1.0), ..SensitivityOptions::default() },
        SensitivityOptions { capability: Spread::Uniform(f64::NAN), ..SensitivityOptions::default() },
    ] {
        assert!(matches!(run(&input, &Model::Compromise, &options), Err(SensitivityError::Invalid(_))), "{options:?}");
    }
}

#[test]
fn the_seed_case_runs() {
    let input = seed_case();
    let options = SensitivityOptions { runs: 500, ..SensitivityOptions::default() };
    for model in [Model::Compromise, Model::Median] {
        let result = run(&input, &model, &options).expect("runs");
        assert_eq!(result.inputs.len(), 5 * (1 + 2 * 9));
        assert_eq!(result.issues.len(), 9);
        for issue in &result.issues {
            assert!(issue.min <= issue.quantiles[0].value && issue.quantiles[4].value <= issue.max);
            assert_eq!(issue.tornado.len(), 95);
        }
    }
}

/// Timings on the seed case, every model (a model still being built reports
/// its error); run with
/// `cargo test --release -p detente-forecast --test sensitivity -- --ignored --nocapture`.
#[test]
#[ignore = "a benchmark"]
fn seed_case_timings() {
    let input = seed_case();
    let options = SensitivityOptions { runs: 10_000, ..SensitivityOptions::default() };
    let models = [
        Model::Compromise,
        Model::Median,
        Model::Nash { weighted: false },
        Model::Nash { weighted: true },
        Model::ExpectedUtility(Default::default()),
        Model::Smp(Default::default()),
    ];
    for model in models {
        let mut input = input.clone();
        if matches!(model, Model::Smp(_)) {
            // SMP refuses saliences summing above 100; the seed case's Russia
            // sums to 105 at the time of writing.
            for actor in &mut input.actors {
                let total: f64 = actor.salience.iter().sum();
                if total > 1.0 {
                    println!("smp: `{}`'s saliences sum to {}; divided by their sum", actor.id, total * 100.0);
                    actor.salience.iter_mut().for_each(|s| *s /= total);
                }
            }
        }
        if let Err(error) = run(&input, &model, &options) {
            println!("{}: {error}", model.name());
            continue;
        }
        // The fastest of a few, as the machine may be shared.
        let fastest = (0..3)
            .map(|_| {
                let start = Instant::now();
                let _ = run(&input, &model, &options).expect("runs");
                start.elapsed()
            })
            .min()
            .expect("three");
        println!("{}: 10,000 runs of the seed case in {fastest:?}", model.name());
    }
}

/// Runs that end in a cycle are counted per issue: with every input certain,
/// each run is the base forecast, whose expected-utility positions cycle on
/// ceasefire and alliance; with the default spreads some runs cycle and the
/// count is reproducible; the compromise never cycles.
#[test]
fn cycling_runs_are_counted_per_issue() {
    let mut input = seed_case();
    let certain = SensitivityOptions {
        runs: 40,
        position: Spread::Fixed,
        salience: Spread::Fixed,
        capability: Spread::Fixed,
        ..SensitivityOptions::default()
    };
    for actor in &mut input.actors {
        actor.spread = Spreads::default();
    }
    let result = run(&input, &Model::ExpectedUtility(Default::default()), &certain).expect("runs");
    let counts: Vec<(&str, usize)> = result.issues.iter().map(|i| (i.issue.as_str(), i.cycling_runs)).collect();
    let expected: Vec<(&str, usize)> =
        counts.iter().map(|&(id, _)| (id, if id == "ceasefire" || id == "alliance" { 40 } else { 0 })).collect();
    assert_eq!(counts, expected);

    let uncertain = SensitivityOptions { runs: 300, seed: 3, ..SensitivityOptions::default() };
    let eu = run(&seed_case(), &Model::ExpectedUtility(Default::default()), &uncertain).expect("runs");
    let total: usize = eu.issues.iter().map(|i| i.cycling_runs).sum();
    assert!(total > 0 && eu.issues.iter().all(|i| i.cycling_runs <= eu.completed_runs), "{total}");
    let again = run(&seed_case(), &Model::ExpectedUtility(Default::default()), &uncertain).expect("runs");
    assert_eq!(
        eu.issues.iter().map(|i| i.cycling_runs).collect::<Vec<_>>(),
        again.issues.iter().map(|i| i.cycling_runs).collect::<Vec<_>>()
    );
    let compromise = run(&seed_case(), &Model::Compromise, &uncertain).expect("runs");
    assert!(compromise.issues.iter().all(|i| i.cycling_runs == 0));
}
