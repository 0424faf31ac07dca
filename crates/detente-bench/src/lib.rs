//! Scenarios for Detente's benchmarks: the bundled GENIUS folders and
//! synthetic spaces built in code.
//!
//! The benchmarks (`benches/analysis.rs`, criterion) are grouped by the size
//! of the outcome space, from GENIUS' 27-outcome Laptop to 10¹⁰-outcome
//! spaces, and by the number of actors. They are run by hand, not in CI:
//!
//! ```sh
//! cargo bench -p detente-bench                 # everything, a few minutes
//! cargo bench -p detente-bench -- outcomes_1.9M  # one group
//! ```
//!
//! The side-by-side comparison with NegMAS (`scripts/compare-negmas.sh`) runs
//! `detente analyze --json` for the answers and the process time, and the
//! `frontier` example of this crate for the in-process analysis time.
//!
//! Synthetic scenarios are deterministic: the same call builds the same
//! scenario on every machine, so timings can be compared across runs.
//!
//! ```
//! let scenario = detente_bench::zero_sum(3, 10);
//! let analysis = detente_core::analyze(&scenario, &Default::default()).unwrap();
//! assert_eq!(analysis.n_outcomes, 1_000);
//! assert_eq!(analysis.frontier.len(), 1_000); // zero-sum: every outcome is efficient
//! ```

use std::path::{Path, PathBuf};

use detente_core::{
    ActorSpec, EvaluatorSpec, IssueDomain, IssueSpec, PositionSpec, PreferenceSpec, Scenario, ScenarioSpec,
    WeightPolicy,
};
use detente_formats::genius::{InputFile, load_genius};
use indexmap::IndexMap;

/// The bundled GENIUS scenarios (`testdata/genius`).
pub fn genius_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/genius")
}

/// Loads a GENIUS scenario folder the way `detente analyze DIR` does: every
/// `.xml` file, in name order, weights normalised.
pub fn load_genius_folder(dir: &Path) -> Result<Scenario, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    paths.sort();
    let mut files: Vec<(String, String)> = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path.display().to_string(), text));
    }
    let inputs: Vec<InputFile<'_>> = files.iter().map(|(name, text)| InputFile { name, text }).collect();
    load_genius(&inputs, WeightPolicy::Normalise).map(|(scenario, _warnings)| scenario).map_err(|e| e.to_string())
}

/// A bundled GENIUS scenario by folder name.
///
/// # Panics
/// If the folder is missing or does not load: the benchmarks need it.
pub fn genius(name: &str) -> Scenario {
    load_genius_folder(&genius_dir().join(name)).unwrap_or_else(|e| panic!("GENIUS scenario {name}: {e}"))
}

/// A two-actor zero-sum space: `n_issues` discrete issues of `n_values`
/// options, actor `a` valuing option k at k/(n−1) and actor `b` at
/// (n−1−k)/(n−1), so that u_a + u_b = 1 at every outcome.
///
/// The issue weights are powers of `n_values` (normalised), so every outcome
/// has its own utility vector: all `n_values^n_issues` outcomes are distinct
/// points of the Pareto frontier. That is the worst case for a frontier
/// filter that compares kept points pairwise. The NegMAS comparison writes
/// the same scenario as GENIUS XML.
///
/// # Panics
/// If `n_values < 2` or the scenario does not validate (a bug here).
pub fn zero_sum(n_issues: usize, n_values: usize) -> Scenario {
    assert!(n_values >= 2, "a zero-sum issue needs two options");
    let issues = discrete_issues(n_issues, n_values);
    let raw: Vec<f64> = (0..n_issues).map(|i| (n_values as f64).powi((n_issues - 1 - i) as i32)).collect();
    let total: f64 = raw.iter().sum();
    let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
    let top = (n_values - 1) as f64;
    let actor = |id: &str, value: &dyn Fn(usize) -> f64| {
        let evaluations = (0..n_issues)
            .map(|i| (issue_id(i), EvaluatorSpec::Options((0..n_values).map(|k| (option(k), value(k))).collect())))
            .collect();
        linear_additive_actor(id, &weights, evaluations)
    };
    let spec = ScenarioSpec {
        name: format!("zero-sum {n_issues}x{n_values}"),
        description: String::new(),
        source: None,
        issues,
        actors: vec![actor("a", &|k| k as f64 / top), actor("b", &|k| (top - k as f64) / top)],
    };
    build(spec)
}

/// A linear-additive space of `n_issues` discrete issues with `n_values`
/// options each and `n_actors` actors whose weights and evaluations are drawn
/// from a fixed pseudo-random sequence: 10 × 10 gives 10¹⁰ outcomes, far beyond
/// enumeration.
///
/// # Panics
/// If the scenario does not validate (a bug here).
pub fn linear_additive(n_issues: usize, n_values: usize, n_actors: usize) -> Scenario {
    let mut random = SplitMix64(0x5eed_0000 + (n_issues * 1_000 + n_values * 10 + n_actors) as u64);
    let actors = (0..n_actors)
        .map(|a| {
            let raw: Vec<f64> = (0..n_issues).map(|_| 0.05 + random.unit()).collect();
            let total: f64 = raw.iter().sum();
            let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
            let evaluations = (0..n_issues)
                .map(|i| {
                    // Integers 1–100, as GENIUS files write them.
                    let values = (0..n_values).map(|k| (option(k), (1 + random.below(100)) as f64)).collect();
                    (issue_id(i), EvaluatorSpec::Options(values))
                })
                .collect();
            linear_additive_actor(&format!("actor{a}"), &weights, evaluations)
        })
        .collect();
    let spec = ScenarioSpec {
        name: format!("linear additive {n_issues}x{n_values}, {n_actors} actors"),
        description: String::new(),
        source: None,
        issues: discrete_issues(n_issues, n_values),
        actors,
    };
    build(spec)
}

/// A spatial (ideal-point) space: `n_issues` continuous issues on [0, 100]
/// sampled at `n_levels` points, and `n_actors` actors with pseudo-random
/// ideal points and saliences, linear distance loss.
///
/// # Panics
/// If `n_levels < 2` or the scenario does not validate (a bug here).
pub fn spatial(n_actors: usize, n_issues: usize, n_levels: usize) -> Scenario {
    assert!(n_levels >= 2, "a sampled issue needs two levels");
    let mut random = SplitMix64(0x5a7a_0000 + (n_actors * 1_000 + n_issues * 100 + n_levels) as u64);
    let issues = (0..n_issues)
        .map(|i| IssueSpec {
            id: issue_id(i),
            name: None,
            description: String::new(),
            domain: IssueDomain::Continuous {
                min: 0.0,
                max: 100.0,
                unit: None,
                step: Some(100.0 / (n_levels - 1) as f64),
            },
        })
        .collect();
    let actors = (0..n_actors)
        .map(|a| {
            let position = (0..n_issues).map(|i| (issue_id(i), PositionSpec::Value(100.0 * random.unit()))).collect();
            let salience = (0..n_issues).map(|i| (issue_id(i), 0.1 + random.unit())).collect();
            actor_spec(&format!("actor{a}"), PreferenceSpec::Spatial { shape: Default::default(), position, salience })
        })
        .collect();
    let spec = ScenarioSpec {
        name: format!("spatial {n_actors} actors, {n_issues}x{n_levels}"),
        description: String::new(),
        source: None,
        issues,
        actors,
    };
    build(spec)
}

fn build(spec: ScenarioSpec) -> Scenario {
    let name = spec.name.clone();
    Scenario::new(spec, WeightPolicy::Normalise)
        .unwrap_or_else(|e| panic!("synthetic scenario {name} does not validate: {e}"))
        .0
}

fn issue_id(i: usize) -> String {
    format!("issue{i}")
}

fn option(k: usize) -> String {
    format!("v{k}")
}

fn discrete_issues(n_issues: usize, n_values: usize) -> Vec<IssueSpec> {
    (0..n_issues)
        .map(|i| IssueSpec {
            id: issue_id(i),
            name: None,
            description: String::new(),
            domain: IssueDomain::Discrete { options: (0..n_values).map(option).collect(), ordered: false },
        })
        .collect()
}

fn linear_additive_actor(id: &str, weights: &[f64], evaluations: IndexMap<String, EvaluatorSpec>) -> ActorSpec {
    let weights = weights.iter().enumerate().map(|(i, &w)| (issue_id(i), w)).collect();
    actor_spec(id, PreferenceSpec::LinearAdditive { weights, evaluations })
}

fn actor_spec(id: &str, preferences: PreferenceSpec) -> ActorSpec {
    ActorSpec::new(id, preferences)
}

/// SplitMix64 (Steele, Lea and Flood 2014): a fixed, dependency-free sequence,
/// so synthetic scenarios are the same everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
