//! The validated scenario: actors, issues and preferences, checked once.

use indexmap::IndexMap;

use crate::error::{Locator, ScenarioError, Warning};
use crate::spec::{
    ActorSpec, DEFAULT_CONTINUOUS_LEVELS, DistanceShape, EvaluatorSpec, HyperRectangleSpec, IssueDomain, IssueSpec,
    PositionSpec, PreferenceSpec, ScenarioSpec, Spread,
};

/// What to do with linear-additive issue weights that do not sum to one.
/// (Spatial saliences are relative by definition and always taken as shares.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WeightPolicy {
    /// Divide by the sum and report a warning.
    #[default]
    Normalise,
    /// Refuse the scenario.
    Refuse,
}

/// How far from one a sum of weights may be before it counts as unnormalised;
/// GENIUS files often carry weights rounded to a few digits.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;

/// A validated negotiation. Every id is unique, every number finite, every
/// preference complete; later code relies on that.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub source: Option<String>,
    pub issues: Vec<Issue>,
    pub actors: Vec<Actor>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub id: String,
    pub name: String,
    pub description: String,
    pub domain: IssueDomain,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub capability: f64,
    pub at_table: bool,
    pub veto: bool,
    pub reservation: f64,
    pub discount: Option<f64>,
    pub estimates: IndexMap<String, String>,
    /// Spreads for Monte Carlo sensitivity, keyed as in the spec.
    pub uncertainty: IndexMap<String, Spread>,
    pub preference: Preference,
}

/// A validated utility function, with issues by index.
#[derive(Debug, Clone, PartialEq)]
pub enum Preference {
    Spatial(SpatialPreference),
    LinearAdditive(LinearAdditivePreference),
    Constraint(ConstraintPreference),
}

/// u(x) = 1 − Σᵢ wᵢ·dᵢ(x)ᵏ with dᵢ the distance to the ideal point divided by
/// the issue's span (so dᵢ ∈ [0, 1]), k = 1 or 2, and wᵢ = sᵢ / Σ s the
/// saliences' shares; u ∈ [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialPreference {
    pub shape: DistanceShape,
    /// Ideal coordinate per issue: the value itself, or the option index for a
    /// discrete issue.
    pub ideal: Vec<f64>,
    /// Salience per issue as written (KTAB writes 0–100 per dimension): the
    /// forecasting models use these raw values.
    pub salience: Vec<f64>,
    /// The saliences' shares, summing to one: what utility uses.
    pub weights: Vec<f64>,
}

/// u(x) = Σᵢ wᵢ·evalᵢ(xᵢ), Σ wᵢ = 1, GENIUS semantics.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearAdditivePreference {
    pub weights: Vec<f64>,
    pub evaluators: Vec<Evaluator>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Evaluator {
    /// Raw evaluation per option index, as written; used divided by
    /// `divisor`: the largest evaluation for GENIUS-style evaluations, 1 for
    /// utilities taken as written.
    Options { values: Vec<f64>, divisor: f64 },
    /// `slope·x + offset`, cut to `[0, 1]` when `clamp` is set.
    Linear { slope: f64, offset: f64, clamp: bool },
}

/// u(x) = Σ_{r ∋ x} utility(r) / max_utility.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintPreference {
    pub max_utility: f64,
    pub rectangles: Vec<HyperRectangle>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HyperRectangle {
    pub utility: f64,
    /// (issue index, min, max), inclusive, sorted by issue index.
    pub bounds: Vec<(usize, f64, f64)>,
}

impl Scenario {
    /// Checks a spec and builds the scenario, or names what is wrong with it.
    pub fn new(spec: ScenarioSpec, policy: WeightPolicy) -> Result<(Scenario, Vec<Warning>), ScenarioError> {
        let mut warnings = Vec::new();
        if spec.issues.is_empty() {
            return Err(ScenarioError::Empty { what: "issues" });
        }
        if spec.actors.is_empty() {
            return Err(ScenarioError::Empty { what: "actors" });
        }
        let mut issues = Vec::with_capacity(spec.issues.len());
        let mut issue_index: IndexMap<String, usize> = IndexMap::new();
        for issue in spec.issues {
            if issue.id.is_empty() {
                return Err(ScenarioError::EmptyId { what: "issue" });
            }
            if issue_index.contains_key(&issue.id) {
                return Err(ScenarioError::DuplicateId { what: "issue", id: issue.id });
            }
            check_domain(&issue)?;
            issue_index.insert(issue.id.clone(), issues.len());
            issues.push(Issue {
                name: issue.name.unwrap_or_else(|| issue.id.clone()),
                id: issue.id,
                description: issue.description,
                domain: issue.domain,
            });
        }
        let mut actors = Vec::with_capacity(spec.actors.len());
        let mut actor_ids: Vec<&str> = Vec::new();
        for actor in &spec.actors {
            if actor.id.is_empty() {
                return Err(ScenarioError::EmptyId { what: "actor" });
            }
            if actor_ids.contains(&actor.id.as_str()) {
                return Err(ScenarioError::DuplicateId { what: "actor", id: actor.id.clone() });
            }
            actor_ids.push(&actor.id);
        }
        for actor in spec.actors {
            actors.push(build_actor(actor, &issues, &issue_index, policy, &mut warnings)?);
        }
        let scenario = Scenario { name: spec.name, description: spec.description, source: spec.source, issues, actors };
        Ok((scenario, warnings))
    }

    pub fn n_actors(&self) -> usize {
        self.actors.len()
    }

    pub fn n_issues(&self) -> usize {
        self.issues.len()
    }

    pub fn actor_index(&self, id_or_name: &str) -> Option<usize> {
        self.actors
            .iter()
            .position(|a| a.id == id_or_name)
            .or_else(|| self.actors.iter().position(|a| a.name.eq_ignore_ascii_case(id_or_name)))
    }

    /// The spec this scenario came from, normalised (weights summing to one,
    /// names filled in): what export writes.
    pub fn to_spec(&self) -> ScenarioSpec {
        ScenarioSpec {
            name: self.name.clone(),
            description: self.description.clone(),
            source: self.source.clone(),
            issues: self
                .issues
                .iter()
                .map(|i| IssueSpec {
                    id: i.id.clone(),
                    name: (i.name != i.id).then(|| i.name.clone()),
                    description: i.description.clone(),
                    domain: i.domain.clone(),
                })
                .collect(),
            actors: self.actors.iter().map(|a| self.actor_spec(a)).collect(),
        }
    }

    fn actor_spec(&self, actor: &Actor) -> ActorSpec {
        let issue_id = |i: usize| self.issues[i].id.clone();
        let preferences = match &actor.preference {
            Preference::Spatial(p) => {
                let mut position = IndexMap::new();
                let mut salience = IndexMap::new();
                for (i, issue) in self.issues.iter().enumerate() {
                    let pos = match &issue.domain {
                        IssueDomain::Discrete { options, .. } => {
                            PositionSpec::Option(options[p.ideal[i] as usize].clone())
                        }
                        _ => PositionSpec::Value(p.ideal[i]),
                    };
                    position.insert(issue_id(i), pos);
                    salience.insert(issue_id(i), p.salience[i]);
                }
                PreferenceSpec::Spatial { shape: p.shape, position, salience }
            }
            Preference::LinearAdditive(p) => {
                let mut weights = IndexMap::new();
                let mut evaluations = IndexMap::new();
                for (i, issue) in self.issues.iter().enumerate() {
                    weights.insert(issue_id(i), p.weights[i]);
                    let eval = match (&p.evaluators[i], &issue.domain) {
                        (Evaluator::Options { values, divisor }, IssueDomain::Discrete { options, .. }) => {
                            let map = options.iter().cloned().zip(values.iter().copied()).collect();
                            if *divisor == values.iter().copied().fold(0.0, f64::max) {
                                EvaluatorSpec::Options(map)
                            } else {
                                EvaluatorSpec::Utilities(map)
                            }
                        }
                        (Evaluator::Linear { slope, offset, clamp }, _) => {
                            EvaluatorSpec::Linear { slope: *slope, offset: *offset, clamp: *clamp }
                        }
                        (Evaluator::Options { .. }, _) => {
                            unreachable!("validated: option evaluators only on discrete issues")
                        }
                    };
                    evaluations.insert(issue_id(i), eval);
                }
                PreferenceSpec::LinearAdditive { weights, evaluations }
            }
            Preference::Constraint(p) => PreferenceSpec::Constraint {
                max_utility: p.max_utility,
                rectangles: p
                    .rectangles
                    .iter()
                    .map(|r| HyperRectangleSpec {
                        utility: r.utility,
                        bounds: r.bounds.iter().map(|&(i, lo, hi)| (issue_id(i), [lo, hi])).collect(),
                    })
                    .collect(),
            },
        };
        ActorSpec {
            id: actor.id.clone(),
            name: (actor.name != actor.id).then(|| actor.name.clone()),
            capability: actor.capability,
            at_table: actor.at_table,
            veto: actor.veto,
            reservation: actor.reservation,
            discount: actor.discount,
            estimates: actor.estimates.clone(),
            uncertainty: actor.uncertainty.clone(),
            preferences,
        }
    }
}

fn finite(value: f64, actor: Option<&str>, issue: Option<&str>, field: &'static str) -> Result<f64, ScenarioError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ScenarioError::NotFinite { actor: actor.map(str::to_owned), issue: issue.map(str::to_owned), field, value })
    }
}

fn out_of_range(
    value: f64,
    actor: Option<&str>,
    issue: Option<&str>,
    field: &'static str,
    expected: &'static str,
) -> ScenarioError {
    ScenarioError::OutOfRange {
        actor: actor.map(str::to_owned),
        issue: issue.map(str::to_owned),
        field,
        value,
        expected,
    }
}

fn check_domain(issue: &IssueSpec) -> Result<(), ScenarioError> {
    let id = Some(issue.id.as_str());
    let empty = |reason: String| ScenarioError::EmptyIssue { issue: issue.id.clone(), reason };
    match &issue.domain {
        IssueDomain::Continuous { min, max, step, .. } => {
            finite(*min, None, id, "min")?;
            finite(*max, None, id, "max")?;
            if min >= max {
                return Err(empty(format!("min {min} is not below max {max}")));
            }
            if let Some(step) = step {
                finite(*step, None, id, "step")?;
                if *step <= 0.0 || *step > max - min {
                    return Err(out_of_range(*step, None, id, "step", "a step in (0, max - min]"));
                }
            }
        }
        IssueDomain::Integer { min, max, .. } => {
            if min > max {
                return Err(empty(format!("min {min} is above max {max}")));
            }
        }
        IssueDomain::Discrete { options, .. } => {
            if options.is_empty() {
                return Err(empty("no options".to_owned()));
            }
            for (k, option) in options.iter().enumerate() {
                if options[..k].contains(option) {
                    return Err(ScenarioError::DuplicateOption { issue: issue.id.clone(), option: option.clone() });
                }
            }
        }
    }
    Ok(())
}

fn build_actor(
    spec: ActorSpec,
    issues: &[Issue],
    issue_index: &IndexMap<String, usize>,
    policy: WeightPolicy,
    warnings: &mut Vec<Warning>,
) -> Result<Actor, ScenarioError> {
    let id = spec.id.as_str();
    let a = Some(id);
    finite(spec.capability, a, None, "capability")?;
    if spec.capability < 0.0 {
        return Err(out_of_range(spec.capability, a, None, "capability", "a capability ≥ 0"));
    }
    finite(spec.reservation, a, None, "reservation")?;
    if let Some(d) = spec.discount {
        finite(d, a, None, "discount")?;
        if !(d > 0.0 && d <= 1.0) {
            // GENIUS writes 0 for "no discounting"; accept it as such.
            if d != 0.0 {
                return Err(out_of_range(d, a, None, "discount", "a discount factor in (0, 1]"));
            }
        }
    }
    for key in spec.estimates.keys() {
        let known = matches!(key.as_str(), "capability" | "reservation" | "discount" | "at_table" | "veto")
            || issue_index.contains_key(key);
        if !known {
            return Err(ScenarioError::UnknownEstimate { actor: id.to_owned(), key: key.clone() });
        }
    }
    for (key, spread) in &spec.uncertainty {
        let known = key == "capability"
            || key
                .strip_prefix("position.")
                .or_else(|| key.strip_prefix("salience."))
                .is_some_and(|issue| issue_index.contains_key(issue));
        if !known {
            return Err(ScenarioError::UnknownUncertainty { actor: id.to_owned(), key: key.clone() });
        }
        if let Spread::Uniform(x) | Spread::Normal(x) = *spread {
            finite(x, a, None, "uncertainty")?;
            if x < 0.0 {
                return Err(out_of_range(x, a, None, "uncertainty", "a spread ≥ 0"));
            }
        }
    }
    let lookup = |field: &'static str, issue: &str| {
        issue_index.get(issue).copied().ok_or_else(|| ScenarioError::UnknownIssue {
            actor: id.to_owned(),
            field,
            issue: issue.to_owned(),
        })
    };
    let n = issues.len();
    let preference = match spec.preferences {
        PreferenceSpec::Spatial { shape, position, salience } => {
            let mut ideal = vec![f64::NAN; n];
            for (issue_id, pos) in &position {
                let i = lookup("position", issue_id)?;
                ideal[i] = spatial_coordinate(id, &issues[i], pos)?;
            }
            let mut sal = vec![0.0; n];
            for (issue_id, s) in &salience {
                let i = lookup("salience", issue_id)?;
                finite(*s, a, Some(issue_id), "salience")?;
                if *s < 0.0 {
                    return Err(out_of_range(*s, a, Some(issue_id), "salience", "a salience ≥ 0"));
                }
                sal[i] = *s;
            }
            for i in 0..n {
                if sal[i] > 0.0 && ideal[i].is_nan() {
                    return Err(ScenarioError::MissingIssue {
                        actor: id.to_owned(),
                        issue: issues[i].id.clone(),
                        field: "position",
                    });
                }
                if ideal[i].is_nan() {
                    // An issue the actor does not care about: any ideal will do.
                    ideal[i] = domain_low(&issues[i].domain);
                }
            }
            // Saliences are relative importance by definition (KTAB writes them
            // 0–100 per dimension), so their shares are taken without a warning.
            let total: f64 = sal.iter().sum();
            if total <= 0.0 {
                return Err(ScenarioError::AllZero { actor: id.to_owned(), field: "salience" });
            }
            let weights = sal.iter().map(|s| s / total).collect();
            Preference::Spatial(SpatialPreference { shape, ideal, salience: sal, weights })
        }
        PreferenceSpec::LinearAdditive { weights, evaluations } => {
            let mut w = vec![0.0; n];
            for (issue_id, weight) in &weights {
                let i = lookup("weights", issue_id)?;
                finite(*weight, a, Some(issue_id), "weights")?;
                if *weight < 0.0 {
                    return Err(out_of_range(*weight, a, Some(issue_id), "weights", "a weight ≥ 0"));
                }
                w[i] = *weight;
            }
            let mut evaluators: Vec<Option<Evaluator>> = vec![None; n];
            for (issue_id, eval) in evaluations {
                let i = lookup("evaluations", &issue_id)?;
                evaluators[i] = Some(build_evaluator(id, &issues[i], eval)?);
            }
            let evaluators = evaluators
                .into_iter()
                .enumerate()
                .map(|(i, e)| match e {
                    Some(e) => Ok(e),
                    None if w[i] == 0.0 => Ok(zero_evaluator(&issues[i].domain)),
                    None => Err(ScenarioError::MissingIssue {
                        actor: id.to_owned(),
                        issue: issues[i].id.clone(),
                        field: "evaluations",
                    }),
                })
                .collect::<Result<Vec<_>, _>>()?;
            normalise(id, "weights", &mut w, policy, warnings)?;
            Preference::LinearAdditive(LinearAdditivePreference { weights: w, evaluators })
        }
        PreferenceSpec::Constraint { max_utility, rectangles } => {
            finite(max_utility, a, None, "max_utility")?;
            if max_utility <= 0.0 {
                return Err(out_of_range(max_utility, a, None, "max_utility", "a maximum utility > 0"));
            }
            let mut rects = Vec::with_capacity(rectangles.len());
            for rect in rectangles {
                finite(rect.utility, a, None, "rectangles.utility")?;
                let mut bounds = Vec::with_capacity(rect.bounds.len());
                for (issue_id, [lo, hi]) in &rect.bounds {
                    let i = lookup("rectangles.bounds", issue_id)?;
                    finite(*lo, a, Some(issue_id), "rectangles.bounds")?;
                    finite(*hi, a, Some(issue_id), "rectangles.bounds")?;
                    if lo > hi {
                        return Err(out_of_range(*lo, a, Some(issue_id), "rectangles.bounds", "min ≤ max"));
                    }
                    if matches!(issues[i].domain, IssueDomain::Discrete { .. }) {
                        return Err(ScenarioError::Incompatible {
                            actor: id.to_owned(),
                            issue: issue_id.clone(),
                            reason: "hyperrectangle bounds need a numeric issue".to_owned(),
                        });
                    }
                    bounds.push((i, *lo, *hi));
                }
                bounds.sort_by_key(|b| b.0);
                rects.push(HyperRectangle { utility: rect.utility, bounds });
            }
            Preference::Constraint(ConstraintPreference { max_utility, rectangles: rects })
        }
    };
    Ok(Actor {
        name: spec.name.unwrap_or_else(|| spec.id.clone()),
        id: spec.id,
        capability: spec.capability,
        at_table: spec.at_table,
        veto: spec.veto,
        reservation: spec.reservation,
        discount: spec.discount,
        estimates: spec.estimates,
        uncertainty: spec.uncertainty,
        preference,
    })
}

fn domain_low(domain: &IssueDomain) -> f64 {
    match domain {
        IssueDomain::Continuous { min, .. } => *min,
        IssueDomain::Integer { min, .. } => *min as f64,
        IssueDomain::Discrete { .. } => 0.0,
    }
}

fn zero_evaluator(domain: &IssueDomain) -> Evaluator {
    match domain {
        IssueDomain::Discrete { options, .. } => Evaluator::Options { values: vec![0.0; options.len()], divisor: 0.0 },
        _ => Evaluator::Linear { slope: 0.0, offset: 0.0, clamp: false },
    }
}

fn spatial_coordinate(actor: &str, issue: &Issue, pos: &PositionSpec) -> Result<f64, ScenarioError> {
    let a = Some(actor);
    let i = Some(issue.id.as_str());
    match (&issue.domain, pos) {
        (IssueDomain::Discrete { options, .. }, PositionSpec::Option(name)) => {
            options.iter().position(|o| o == name).map(|k| k as f64).ok_or_else(|| ScenarioError::UnknownOption {
                actor: actor.to_owned(),
                issue: issue.id.clone(),
                option: name.clone(),
            })
        }
        (IssueDomain::Discrete { .. }, PositionSpec::Value(v)) => Err(ScenarioError::Incompatible {
            actor: actor.to_owned(),
            issue: issue.id.clone(),
            reason: format!("position {v} must name one of the issue's options"),
        }),
        (_, PositionSpec::Option(name)) => Err(ScenarioError::Incompatible {
            actor: actor.to_owned(),
            issue: issue.id.clone(),
            reason: format!("position `{name}` must be a number on the issue's scale"),
        }),
        (IssueDomain::Continuous { min, max, .. }, PositionSpec::Value(v)) => {
            finite(*v, a, i, "position")?;
            if v < min || v > max {
                return Err(out_of_range(*v, a, i, "position", "a position within the issue's [min, max]"));
            }
            Ok(*v)
        }
        (IssueDomain::Integer { min, max, .. }, PositionSpec::Value(v)) => {
            finite(*v, a, i, "position")?;
            if *v < *min as f64 || *v > *max as f64 {
                return Err(out_of_range(*v, a, i, "position", "a position within the issue's [min, max]"));
            }
            Ok(*v)
        }
    }
}

fn build_evaluator(actor: &str, issue: &Issue, spec: EvaluatorSpec) -> Result<Evaluator, ScenarioError> {
    let a = Some(actor);
    let i = Some(issue.id.as_str());
    let as_written = matches!(spec, EvaluatorSpec::Utilities(_));
    match (&issue.domain, spec) {
        (IssueDomain::Discrete { options, .. }, EvaluatorSpec::Options(map) | EvaluatorSpec::Utilities(map)) => {
            for name in map.keys() {
                if !options.contains(name) {
                    return Err(ScenarioError::UnknownOption {
                        actor: actor.to_owned(),
                        issue: issue.id.clone(),
                        option: name.clone(),
                    });
                }
            }
            let mut values = Vec::with_capacity(options.len());
            for option in options {
                let v = *map.get(option).ok_or_else(|| ScenarioError::MissingOption {
                    actor: actor.to_owned(),
                    issue: issue.id.clone(),
                    option: option.clone(),
                })?;
                finite(v, a, i, "evaluations")?;
                if v < 0.0 {
                    return Err(out_of_range(v, a, i, "evaluations", "an evaluation ≥ 0"));
                }
                values.push(v);
            }
            let divisor = if as_written { 1.0 } else { values.iter().copied().fold(0.0, f64::max) };
            Ok(Evaluator::Options { values, divisor })
        }
        (IssueDomain::Discrete { .. }, EvaluatorSpec::Linear { .. }) => Err(ScenarioError::Incompatible {
            actor: actor.to_owned(),
            issue: issue.id.clone(),
            reason: "a linear evaluator needs a numeric issue; give a number per option".to_owned(),
        }),
        (_, EvaluatorSpec::Options(_) | EvaluatorSpec::Utilities(_)) => Err(ScenarioError::Incompatible {
            actor: actor.to_owned(),
            issue: issue.id.clone(),
            reason: "option evaluations need a discrete issue; use `linear` for a numeric one".to_owned(),
        }),
        (_, EvaluatorSpec::Linear { slope, offset, clamp }) => {
            finite(slope, a, i, "slope")?;
            finite(offset, a, i, "offset")?;
            Ok(Evaluator::Linear { slope, offset, clamp })
        }
    }
}

fn normalise(
    actor: &str,
    field: &'static str,
    weights: &mut [f64],
    policy: WeightPolicy,
    warnings: &mut Vec<Warning>,
) -> Result<(), ScenarioError> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return Err(ScenarioError::AllZero { actor: actor.to_owned(), field });
    }
    if (sum - 1.0).abs() <= WEIGHT_SUM_TOLERANCE {
        return Ok(());
    }
    match policy {
        WeightPolicy::Refuse => Err(ScenarioError::WeightsNotNormalised { actor: actor.to_owned(), field, sum }),
        WeightPolicy::Normalise => {
            weights.iter_mut().for_each(|w| *w /= sum);
            warnings.push(Warning {
                locator: Locator { actor: Some(actor.to_owned()), field: Some(field), ..Locator::default() },
                message: format!("actor `{actor}`: {field} summed to {sum}; divided by the sum"),
            });
            Ok(())
        }
    }
}

/// Number of levels an issue has when its outcome space is enumerated.
pub fn issue_levels(domain: &IssueDomain) -> u64 {
    match domain {
        IssueDomain::Continuous { min, max, step, .. } => match step {
            Some(step) => {
                let k = ((max - min) / step + 1e-9).floor() as u64;
                // The top of the scale is a level even when `step` does not divide the span.
                let exact = (min + k as f64 * step - max).abs() <= 1e-9 * (max - min).abs();
                k + if exact { 1 } else { 2 }
            }
            None => DEFAULT_CONTINUOUS_LEVELS as u64,
        },
        IssueDomain::Integer { min, max, .. } => (max.abs_diff(*min)).saturating_add(1),
        IssueDomain::Discrete { options, .. } => options.len() as u64,
    }
}

/// The value of level `level` of an issue, as a coordinate (option index for
/// discrete issues).
pub fn level_coordinate(domain: &IssueDomain, level: u64) -> f64 {
    match domain {
        IssueDomain::Continuous { min, max, step, .. } => match step {
            Some(step) => (min + level as f64 * step).min(*max),
            None => min + (max - min) * level as f64 / (DEFAULT_CONTINUOUS_LEVELS - 1) as f64,
        },
        IssueDomain::Integer { min, .. } => (*min as f64) + level as f64,
        IssueDomain::Discrete { .. } => level as f64,
    }
}
