//! Writing a scenario and reading it back gives the same scenario, in TOML
//! and in JSON, for random valid scenarios: every kind of issue and every
//! kind of preference, with awkward ids, names and numbers.

#![allow(clippy::unwrap_used, reason = "in a test, a panic is the failure, and unwrap's message shows the error")]

use detente_core::{
    ActorSpec, DistanceShape, EvaluatorSpec, HyperRectangleSpec, IssueDomain, IssueSpec, PositionSpec, PreferenceSpec,
    Scenario, ScenarioSpec, WeightPolicy,
};
use detente_formats::scenario_json::{load_json, write_json};
use detente_formats::scenario_toml::{load_toml, write_toml};
use indexmap::IndexMap;
use proptest::collection::vec;
use proptest::prelude::*;

const MAX_ISSUES: usize = 4;
const MAX_OPTIONS: usize = 4;

/// Text that TOML and JSON must quote or escape: quotes, backslashes, dots,
/// newlines, non-ASCII.
fn awkward_text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z]{1,6}", "[a-z \"\\\\.\n\t'#=\\[\\]{}é€😀]{0,8}", Just(String::new()),]
}

fn domain() -> impl Strategy<Value = IssueDomain> {
    prop_oneof![
        (-1e3..1e3f64, 1e-3..1e3f64, prop::option::of(1u32..40), prop::option::of(awkward_text())).prop_map(
            |(min, span, divisions, unit)| {
                let max = min + span;
                IssueDomain::Continuous { min, max, unit, step: divisions.map(|k| (max - min) / f64::from(k)) }
            }
        ),
        (-50i64..50, 0i64..6, prop::option::of(awkward_text())).prop_map(|(min, len, unit)| IssueDomain::Integer {
            min,
            max: min + len,
            unit
        }),
        (vec(awkward_text(), 1..=MAX_OPTIONS), any::<bool>()).prop_map(|(names, ordered)| {
            // Unique by construction: the index ends each name.
            let options = names.into_iter().enumerate().map(|(k, name)| format!("{name}{k}")).collect();
            IssueDomain::Discrete { options, ordered }
        }),
    ]
}

/// The random numbers one issue needs in one actor's preferences.
#[derive(Debug, Clone)]
struct IssueDraw {
    fraction: f64,
    other_fraction: f64,
    amount: f64,
    zero: bool,
    omit: bool,
    slope: f64,
    offset: f64,
    option_values: Vec<f64>,
    bounded: bool,
}

fn issue_draw() -> impl Strategy<Value = IssueDraw> {
    (
        (0.0..=1.0f64, 0.0..=1.0f64, 1e-6..100.0f64, any::<bool>(), any::<bool>()),
        (-1.0..1.0f64, -1.0..1.0f64, vec(0.0..10.0f64, MAX_OPTIONS), any::<bool>()),
    )
        .prop_map(|((fraction, other_fraction, amount, zero, omit), (slope, offset, option_values, bounded))| {
            IssueDraw { fraction, other_fraction, amount, zero, omit, slope, offset, option_values, bounded }
        })
}

#[derive(Debug, Clone)]
struct ActorDraw {
    kind: u8,
    quadratic: bool,
    name: Option<String>,
    capability: f64,
    at_table: bool,
    veto: bool,
    reservation: f64,
    discount: Option<f64>,
    estimates: Vec<Option<String>>,
    issues: Vec<IssueDraw>,
    max_utility: f64,
    rectangles: Vec<(f64, Vec<IssueDraw>)>,
}

fn actor_draw() -> impl Strategy<Value = ActorDraw> {
    (
        (0u8..3, any::<bool>(), prop::option::of(awkward_text()), 0.0..1e4f64, any::<bool>(), any::<bool>()),
        (-1.0..1.0f64, prop::option::of(1e-3..=1.0f64), vec(prop::option::of(awkward_text()), 3 + MAX_ISSUES)),
        (vec(issue_draw(), MAX_ISSUES), 1e-3..100.0f64, vec((-10.0..10.0f64, vec(issue_draw(), MAX_ISSUES)), 0..3)),
    )
        .prop_map(
            |(
                (kind, quadratic, name, capability, at_table, veto),
                (reservation, discount, estimates),
                (issues, max_utility, rectangles),
            )| ActorDraw {
                kind,
                quadratic,
                name,
                capability,
                at_table,
                veto,
                reservation,
                discount,
                estimates,
                issues,
                max_utility,
                rectangles,
            },
        )
}

/// A point of `domain` `fraction` of the way along it.
fn position(domain: &IssueDomain, fraction: f64) -> PositionSpec {
    match domain {
        IssueDomain::Continuous { min, max, .. } => PositionSpec::Value((min + fraction * (max - min)).min(*max)),
        IssueDomain::Integer { min, max, .. } => {
            PositionSpec::Value((*min as f64 + fraction * (max - min) as f64).min(*max as f64))
        }
        IssueDomain::Discrete { options, .. } => {
            PositionSpec::Option(options[((fraction * options.len() as f64) as usize).min(options.len() - 1)].clone())
        }
    }
}

fn numeric_bounds(domain: &IssueDomain, a: f64, b: f64) -> Option<[f64; 2]> {
    let (min, max) = match domain {
        IssueDomain::Continuous { min, max, .. } => (*min, *max),
        IssueDomain::Integer { min, max, .. } => (*min as f64, *max as f64),
        IssueDomain::Discrete { .. } => return None,
    };
    let (lo, hi) = (a.min(b), a.max(b));
    Some([min + lo * (max - min), min + hi * (max - min)])
}

fn build_actor(idx: usize, draw: ActorDraw, issues: &[IssueSpec]) -> ActorSpec {
    let preferences = match draw.kind {
        0 => {
            let mut position_map = IndexMap::new();
            let mut salience = IndexMap::new();
            for (issue, d) in issues.iter().zip(&draw.issues) {
                let s = if d.zero { 0.0 } else { d.amount };
                // An issue the actor does not care about may be left out.
                if s == 0.0 && d.omit {
                    continue;
                }
                position_map.insert(issue.id.clone(), position(&issue.domain, d.fraction));
                salience.insert(issue.id.clone(), s);
            }
            if salience.values().all(|s| *s == 0.0) {
                position_map.insert(issues[0].id.clone(), position(&issues[0].domain, 0.5));
                salience.insert(issues[0].id.clone(), 1.0);
            }
            let shape = if draw.quadratic { DistanceShape::Quadratic } else { DistanceShape::Linear };
            PreferenceSpec::Spatial { shape, position: position_map, salience }
        }
        1 => {
            let mut weights = IndexMap::new();
            let mut evaluations = IndexMap::new();
            for (issue, d) in issues.iter().zip(&draw.issues) {
                let w = if d.zero { 0.0 } else { d.amount };
                weights.insert(issue.id.clone(), w);
                if w == 0.0 && d.omit {
                    continue;
                }
                let evaluator = match &issue.domain {
                    // Alternate GENIUS-style evaluations and as-written utilities.
                    IssueDomain::Discrete { options, .. } => {
                        let map = options.iter().cloned().zip(d.option_values.iter().copied()).collect();
                        if d.slope < 0.0 { EvaluatorSpec::Utilities(map) } else { EvaluatorSpec::Options(map) }
                    }
                    _ => EvaluatorSpec::Linear { slope: d.slope, offset: d.offset, clamp: d.offset > 0.5 },
                };
                evaluations.insert(issue.id.clone(), evaluator);
            }
            if weights.values().all(|w| *w == 0.0) {
                weights.insert(issues[0].id.clone(), 1.0);
                let evaluator = match &issues[0].domain {
                    IssueDomain::Discrete { options, .. } => {
                        EvaluatorSpec::Options(options.iter().map(|o| (o.clone(), 1.0)).collect())
                    }
                    _ => EvaluatorSpec::Linear { slope: 0.0, offset: 1.0, clamp: false },
                };
                evaluations.insert(issues[0].id.clone(), evaluator);
            }
            PreferenceSpec::LinearAdditive { weights, evaluations }
        }
        _ => PreferenceSpec::Constraint {
            max_utility: draw.max_utility,
            rectangles: draw
                .rectangles
                .iter()
                .map(|(utility, draws)| HyperRectangleSpec {
                    utility: *utility,
                    bounds: issues
                        .iter()
                        .zip(draws)
                        .filter(|(_, d)| d.bounded)
                        .filter_map(|(issue, d)| {
                            Some((issue.id.clone(), numeric_bounds(&issue.domain, d.fraction, d.other_fraction)?))
                        })
                        .collect(),
                })
                .collect(),
        },
    };
    let fixed = ["capability", "reservation", "discount"].map(str::to_owned);
    let keys = fixed.into_iter().chain(issues.iter().map(|i| i.id.clone()));
    let estimates = keys.zip(&draw.estimates).filter_map(|(key, text)| Some((key, text.clone()?))).collect();
    // Spreads of every kind, keyed by awkward issue ids.
    let mut uncertainty = indexmap::IndexMap::new();
    if draw.veto {
        uncertainty.insert("capability".to_owned(), detente_core::Spread::Normal(draw.capability / 7.0));
    }
    for issue in issues.iter().take(2) {
        let spread = if draw.at_table {
            detente_core::Spread::Uniform(draw.reservation.abs())
        } else {
            detente_core::Spread::Fixed
        };
        uncertainty.insert(format!("position.{}", issue.id), spread);
        uncertainty.insert(format!("salience.{}", issue.id), detente_core::Spread::Uniform(0.5));
    }
    ActorSpec {
        id: format!("actor {idx} \"{}\"", draw.name.as_deref().unwrap_or("")),
        name: draw.name,
        capability: draw.capability,
        at_table: draw.at_table,
        veto: draw.veto,
        reservation: draw.reservation,
        discount: draw.discount,
        estimates,
        uncertainty,
        preferences,
    }
}

fn spec() -> impl Strategy<Value = ScenarioSpec> {
    (
        (awkward_text(), awkward_text(), prop::option::of(awkward_text())),
        vec((domain(), awkward_text(), prop::option::of(awkward_text()), awkward_text()), 1..=MAX_ISSUES),
        vec(actor_draw(), 1..=4),
    )
        .prop_map(|((name, description, source), issue_draws, actor_draws)| {
            let issues: Vec<IssueSpec> = issue_draws
                .into_iter()
                .enumerate()
                .map(|(k, (domain, id, name, description))| IssueSpec {
                    id: format!("{id}{k}"),
                    name,
                    description,
                    domain,
                })
                .collect();
            let actors = actor_draws.into_iter().enumerate().map(|(k, draw)| build_actor(k, draw, &issues)).collect();
            ScenarioSpec { name, description, source, issues, actors }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn toml_and_json_round_trip(spec in spec()) {
        let (scenario, _warnings) = Scenario::new(spec, WeightPolicy::Normalise)
            .map_err(|e| TestCaseError::fail(format!("generated spec refused: {e}")))?;

        let toml = write_toml(&scenario);
        // Refuse: what was written is normalised, so nothing may be adjusted.
        let (from_toml, warnings) = load_toml("written.toml", &toml, WeightPolicy::Refuse)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{toml}")))?;
        prop_assert!(warnings.is_empty());
        prop_assert_eq!(&from_toml, &scenario, "{}", toml);

        let json = write_json(&scenario);
        let (from_json, warnings) = load_json("written.json", &json, WeightPolicy::Refuse)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert!(warnings.is_empty());
        prop_assert_eq!(&from_json, &scenario, "{}", json);
    }
}
