//! GeniusWeb JSON: a domain and one linear additive profile per party.
//!
//! GeniusWeb, GENIUS' successor, writes a domain as
//! `{"name": …, "issuesValues": {issue: {"values": [option, …]}}}` (or, for a
//! numeric issue, `{"range": {"low": …, "high": …, "step": …}}`), and a profile
//! as `{"LinearAdditiveUtilitySpace": {"issueUtilities", "issueWeights",
//! "domain", "name", "reservationBid"}}`. [`read_geniusweb`] takes every file of
//! a folder, tells domain and profiles apart by content, and ignores files that
//! are not JSON objects. The domain file may be absent: each profile embeds its
//! domain, and every embedded domain must agree with the one used.
//!
//! GeniusWeb's utility is u(bid) = Σ wᵢ·uᵢ(vᵢ) with each value utility uᵢ taken
//! as written (in [0, 1]), unlike GENIUS, which divides a discrete issue's
//! evaluations by their largest: value utilities become
//! `EvaluatorSpec::Utilities`, so Detente's utilities are GeniusWeb's exactly.
//!
//! A profile's reservation value is its utility of its `reservationBid` (an
//! issue missing from the bid adds nothing, as in GeniusWeb), or 0 without one.
//! A `numberutils` evaluator (linear between `lowValue` and `highValue`) is
//! supported where it covers the issue's whole range.
//!
//! ```
//! use detente_formats::genius::InputFile;
//! use detente_formats::geniusweb::load_geniusweb;
//! use detente_core::WeightPolicy;
//! let domain = r#"{"name": "pie", "issuesValues": {"share": {"values": ["small", "big"]}}}"#;
//! let profile = r#"{"LinearAdditiveUtilitySpace": {
//!   "issueUtilities": {"share": {"discreteutils": {"valueUtilities": {"small": 0.2, "big": 1.0}}}},
//!   "issueWeights": {"share": 1.0},
//!   "domain": {"name": "pie", "issuesValues": {"share": {"values": ["small", "big"]}}},
//!   "reservationBid": {"issuevalues": {"share": "small"}}}}"#;
//! let files = [InputFile { name: "pie.json", text: domain }, InputFile { name: "eater.json", text: profile }];
//! let (scenario, warnings) = load_geniusweb(&files, WeightPolicy::Refuse).unwrap();
//! assert!(warnings.is_empty());
//! assert_eq!(scenario.actors[0].reservation, 0.2);
//! assert_eq!(scenario.utility(0, &[1]), 1.0);
//! ```

use std::collections::{HashMap, HashSet};

use detente_core::scenario::WEIGHT_SUM_TOLERANCE;
use detente_core::{
    ActorSpec, EvaluatorSpec, IssueDomain, IssueSpec, Locator, PreferenceSpec, Scenario, ScenarioError, ScenarioSpec,
    Warning, WeightPolicy,
};
use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::error::FormatError;
use crate::genius::{InputFile, file_stem};

/// Reads the files of one GeniusWeb scenario folder into a spec: one actor per
/// `LinearAdditiveUtilitySpace` profile, in file-name order, each with the id
/// of its file stem, at the table and with a veto.
pub fn read_geniusweb(files: &[InputFile<'_>]) -> Result<ScenarioSpec, FormatError> {
    read(files).map(|reading| reading.spec)
}

/// Reads a GeniusWeb folder and validates it into a scenario. Weights that do
/// not sum to one are refused or divided by their sum, as `policy` says.
pub fn load_geniusweb(files: &[InputFile<'_>], policy: WeightPolicy) -> Result<(Scenario, Vec<Warning>), FormatError> {
    let Reading { spec, mut warnings, places, weight_sums } = read(files)?;
    for (actor, sum) in &weight_sums {
        if (sum - 1.0).abs() <= WEIGHT_SUM_TOLERANCE {
            continue;
        }
        let Some(file) = places.actors.get(actor) else { continue };
        let path = [Step::Key(PROFILE_KEY), Step::Key("issueWeights")];
        match policy {
            WeightPolicy::Refuse => {
                return Err(at(*file, &path, format!("issueWeights sum to {sum}, expected 1 (or pass normalisation)")));
            }
            WeightPolicy::Normalise => warnings.push(warning(
                *file,
                &path,
                Locator { actor: Some(actor.clone()), field: Some("weights"), ..Locator::default() },
                format!("issueWeights sum to {sum}; divided by the sum"),
            )),
        }
    }
    match Scenario::new(spec, policy) {
        Ok((scenario, core_warnings)) => {
            warnings.extend(core_warnings);
            Ok((scenario, warnings))
        }
        Err(error) => Err(places.locate(&error)),
    }
}

/// The one profile type supported.
const PROFILE_KEY: &str = "LinearAdditiveUtilitySpace";

struct Reading<'a> {
    spec: ScenarioSpec,
    warnings: Vec<Warning>,
    places: Places<'a>,
    /// Each actor's GeniusWeb weights as written, summed.
    weight_sums: Vec<(String, f64)>,
}

/// Where the domain and each actor came from, for locating the core's errors.
struct Places<'a> {
    domain: InputFile<'a>,
    /// Path to the domain object in `domain`: empty for a domain file, into
    /// the profile for an embedded domain.
    domain_path: Vec<Step<'static>>,
    actors: HashMap<String, InputFile<'a>>,
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone, Copy)]
enum Step<'s> {
    Key(&'s str),
    Index(usize),
}

struct Domain {
    name: String,
    issues: Vec<(String, IssueDomain)>,
}

impl Places<'_> {
    fn locate(&self, error: &ScenarioError) -> FormatError {
        let locator = error.locator();
        let message = error.to_string();
        let field = locator.field.map(str::to_owned);
        let issue = locator.issue.as_deref();
        let located = match locator.actor.as_deref().and_then(|a| self.actors.get(a)) {
            Some(file) => {
                let section = match locator.field {
                    Some("weights") => Some("issueWeights"),
                    Some("evaluations") => Some("issueUtilities"),
                    Some("reservation") => Some("reservationBid"),
                    _ => issue.map(|_| "issueUtilities"),
                };
                let mut path = vec![Step::Key(PROFILE_KEY)];
                path.extend(section.map(Step::Key));
                if let (Some(_), Some(issue)) = (section, issue) {
                    path.push(Step::Key(issue));
                }
                at(*file, &path, message)
            }
            None => {
                let mut path = self.domain_path.clone();
                if let Some(issue) = issue {
                    path.extend([Step::Key("issuesValues"), Step::Key(issue)]);
                }
                at(self.domain, &path, message)
            }
        };
        match field {
            Some(field) => located.field(field),
            None => located,
        }
    }
}

fn read<'a>(files: &[InputFile<'a>]) -> Result<Reading<'a>, FormatError> {
    let mut domains: Vec<(InputFile<'a>, Value)> = Vec::new();
    let mut profiles: Vec<(InputFile<'a>, Value)> = Vec::new();
    for file in files {
        if !body(file.text).trim_start().starts_with('{') {
            continue;
        }
        let value = parse_json(*file)?;
        let Some(object) = value.as_object() else { continue };
        if object.contains_key("issuesValues") {
            domains.push((*file, value));
            continue;
        }
        // A profile is an object with one key, its type, wrapping an object
        // that names its domain.
        let mut entries = object.iter();
        if let (Some((kind, inner)), None) = (entries.next(), entries.next()) {
            if kind == PROFILE_KEY {
                profiles.push((*file, value));
            } else if inner.get("domain").is_some() {
                return Err(at(
                    *file,
                    &[Step::Key(kind)],
                    format!("GeniusWeb profile type `{kind}` is not supported: only {PROFILE_KEY}"),
                ));
            }
        }
    }
    let listing = if files.is_empty() {
        "(no files)".to_owned()
    } else {
        files.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
    };
    if profiles.is_empty() {
        let file = domains.first().map_or_else(|| files.first().map_or("", |f| f.name), |(f, _)| f.name);
        return Err(FormatError::new(
            file,
            format!("no GeniusWeb profile (a {PROFILE_KEY} JSON object) among the files: {listing}"),
        ));
    }
    profiles.sort_by(|a, b| a.0.name.cmp(b.0.name));

    let mut warnings = Vec::new();
    let (domain_file, domain_path, domain) = match domains.as_slice() {
        [(file, value)] => (*file, Vec::new(), parse_domain(*file, value, &[])?),
        [] => {
            // No domain file: use the first profile's embedded domain.
            let Some((file, value)) = profiles.first() else {
                return Err(FormatError::new("", "no profiles"));
            };
            let path = vec![Step::Key(PROFILE_KEY), Step::Key("domain")];
            let embedded = value.get(PROFILE_KEY).and_then(|p| p.get("domain")).ok_or_else(|| {
                at(*file, &[Step::Key(PROFILE_KEY)], format!("no domain file among {listing}, and no embedded domain"))
            })?;
            (*file, path.clone(), parse_domain(*file, embedded, &path)?)
        }
        [(first, _), (second, _), ..] => {
            return Err(FormatError::new(
                second.name,
                format!("two GeniusWeb domains, `{}` and `{}`: expected one per scenario", first.name, second.name),
            ));
        }
    };

    let mut actors = Vec::with_capacity(profiles.len());
    let mut actor_files = HashMap::new();
    let mut weight_sums = Vec::new();
    for (file, value) in &profiles {
        let (actor, weight_sum) = parse_profile(*file, value, &domain, domain_file, &mut warnings)?;
        actor_files.insert(actor.id.clone(), *file);
        weight_sums.push((actor.id.clone(), weight_sum));
        actors.push(actor);
    }

    let domain_source = if domain_path.is_empty() {
        format!("{} (domain)", domain_file.name)
    } else {
        format!("domain embedded in {}", domain_file.name)
    };
    let profile_names: Vec<&str> = profiles.iter().map(|(f, _)| f.name).collect();
    let name = if !domain.name.is_empty() {
        domain.name.clone()
    } else if domain_path.is_empty() {
        file_stem(domain_file.name).to_owned()
    } else {
        "GeniusWeb scenario".to_owned()
    };
    let spec = ScenarioSpec {
        name,
        description: String::new(),
        source: Some(format!("GeniusWeb JSON: {domain_source}; {} (profiles)", profile_names.join(", "))),
        issues: domain
            .issues
            .iter()
            .map(|(id, domain)| IssueSpec {
                id: id.clone(),
                name: None,
                description: String::new(),
                domain: domain.clone(),
            })
            .collect(),
        actors,
    };
    let places = Places { domain: domain_file, domain_path, actors: actor_files };
    Ok(Reading { spec, warnings, places, weight_sums })
}

fn parse_domain(file: InputFile<'_>, value: &Value, path: &[Step<'_>]) -> Result<Domain, FormatError> {
    let object = value.as_object().ok_or_else(|| at(file, path, "a domain must be a JSON object".to_owned()))?;
    let name = object.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    let issues_path = join(path, &[Step::Key("issuesValues")]);
    let issues_values = object
        .get("issuesValues")
        .and_then(Value::as_object)
        .ok_or_else(|| at(file, path, "a domain needs an `issuesValues` object".to_owned()))?;
    if issues_values.is_empty() {
        return Err(at(file, &issues_path, "the domain has no issues".to_owned()));
    }
    let mut issues = Vec::with_capacity(issues_values.len());
    for (id, set) in issues_values {
        let issue_path = join(&issues_path, &[Step::Key(id)]);
        if id.is_empty() {
            return Err(at(file, &issue_path, "an issue with an empty name".to_owned()));
        }
        issues.push((id.clone(), value_set(file, set, id, &issue_path)?));
    }
    Ok(Domain { name, issues })
}

fn value_set(file: InputFile<'_>, set: &Value, issue: &str, path: &[Step<'_>]) -> Result<IssueDomain, FormatError> {
    if let Some(values) = set.get("values") {
        let values_path = join(path, &[Step::Key("values")]);
        let array = values
            .as_array()
            .ok_or_else(|| at(file, &values_path, format!("issue `{issue}`: `values` must be an array")))?;
        let mut options: Vec<String> = Vec::with_capacity(array.len());
        for (k, option) in array.iter().enumerate() {
            let option_path = join(&values_path, &[Step::Index(k)]);
            let Some(option) = option.as_str() else {
                return Err(at(file, &option_path, format!("issue `{issue}`: value {option} is not a string")));
            };
            if options.iter().any(|o| o == option) {
                return Err(at(file, &option_path, format!("issue `{issue}`: value `{option}` appears twice")));
            }
            options.push(option.to_owned());
        }
        if options.is_empty() {
            return Err(at(file, &values_path, format!("issue `{issue}` has no values")));
        }
        return Ok(IssueDomain::Discrete { options, ordered: false });
    }
    if let Some(range) = set.get("range") {
        let range_path = join(path, &[Step::Key("range")]);
        let low = number(file, range.get("low"), &join(&range_path, &[Step::Key("low")]))?;
        let high = number(file, range.get("high"), &join(&range_path, &[Step::Key("high")]))?;
        let step = number(file, range.get("step"), &join(&range_path, &[Step::Key("step")]))?;
        if step <= 0.0 {
            return Err(at(file, &range_path, format!("issue `{issue}`: step {step} is not positive")));
        }
        if high < low {
            return Err(at(file, &range_path, format!("issue `{issue}`: high {high} is below low {low}")));
        }
        // GeniusWeb's values are low, low + step, … up to high; the last one
        // is the top of Detente's scale.
        let count = ((high - low) / step + 1e-9).floor();
        let last = low + count * step;
        if count < 1.0 {
            return Err(at(
                file,
                &range_path,
                format!("issue `{issue}`: a range with a single value is not supported"),
            ));
        }
        if step == 1.0 && low.fract() == 0.0 && low.abs() < 9.0e15 && last.abs() < 9.0e15 {
            return Ok(IssueDomain::Integer { min: low as i64, max: last as i64, unit: None });
        }
        return Ok(IssueDomain::Continuous { min: low, max: last, unit: None, step: Some(step) });
    }
    Err(at(file, path, format!("issue `{issue}`: expected `values` (a list) or `range` (low, high, step)")))
}

/// How one issue's utilities are turned into an evaluator, and how to compute
/// GeniusWeb's utility of a value for the reservation bid.
enum IssueUtilities {
    Discrete(IndexMap<String, f64>),
    Number { low_value: f64, low_utility: f64, high_value: f64, high_utility: f64 },
}

impl IssueUtilities {
    /// GeniusWeb's utility of `value`; `None` if the value is of the wrong kind.
    fn utility(&self, value: &Value) -> Option<f64> {
        match self {
            IssueUtilities::Discrete(map) => map.get(value.as_str()?).copied(),
            IssueUtilities::Number { low_value, low_utility, high_value, high_utility } => {
                let x = value.as_f64()?;
                if x < *low_value || x > *high_value {
                    return Some(0.0);
                }
                Some(low_utility + (high_utility - low_utility) * (x - low_value) / (high_value - low_value))
            }
        }
    }

    fn evaluator(&self) -> EvaluatorSpec {
        match self {
            IssueUtilities::Discrete(map) => EvaluatorSpec::Utilities(map.clone()),
            IssueUtilities::Number { low_value, low_utility, high_value, high_utility } => {
                let slope = (high_utility - low_utility) / (high_value - low_value);
                EvaluatorSpec::Linear { slope, offset: low_utility - slope * low_value, clamp: false }
            }
        }
    }
}

fn parse_profile(
    file: InputFile<'_>,
    value: &Value,
    domain: &Domain,
    domain_file: InputFile<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<(ActorSpec, f64), FormatError> {
    let id = file_stem(file.name).to_owned();
    let root = [Step::Key(PROFILE_KEY)];
    let space = value
        .get(PROFILE_KEY)
        .and_then(Value::as_object)
        .ok_or_else(|| at(file, &root, format!("{PROFILE_KEY} must be a JSON object")))?;

    if let Some(embedded) = space.get("domain") {
        let path = join(&root, &[Step::Key("domain")]);
        let embedded = parse_domain(file, embedded, &path)?;
        check_same_domain(file, &path, &embedded, domain, domain_file)?;
    }

    let utilities_path = join(&root, &[Step::Key("issueUtilities")]);
    let weights_path = join(&root, &[Step::Key("issueWeights")]);
    let issue_utilities = object(file, space.get("issueUtilities"), &utilities_path)?;
    let issue_weights = object(file, space.get("issueWeights"), &weights_path)?;
    let known: HashSet<&str> = domain.issues.iter().map(|(id, _)| id.as_str()).collect();
    for (section, path) in [(issue_utilities, &utilities_path), (issue_weights, &weights_path)] {
        if let Some(unknown) = section.keys().find(|k| !known.contains(k.as_str())) {
            return Err(at(
                file,
                &join(path, &[Step::Key(unknown)]),
                format!("unknown issue `{unknown}`: the domain's issues are {}", list(&domain.issues)),
            ));
        }
    }

    let mut parsed: Vec<IssueUtilities> = Vec::with_capacity(domain.issues.len());
    let mut raw_weights: Vec<f64> = Vec::with_capacity(domain.issues.len());
    for (issue, issue_domain) in &domain.issues {
        let weight_path = join(&weights_path, &[Step::Key(issue)]);
        let weight = match issue_weights.get(issue) {
            Some(weight) => number(file, Some(weight), &weight_path)?,
            None => return Err(at(file, &weights_path, format!("no weight for issue `{issue}`"))),
        };
        if weight < 0.0 {
            return Err(at(file, &weight_path, format!("weight {weight} is negative")).field(field(&weight_path)));
        }
        let utility_path = join(&utilities_path, &[Step::Key(issue)]);
        let Some(utilities) = issue_utilities.get(issue) else {
            return Err(at(file, &utilities_path, format!("no utilities for issue `{issue}`")));
        };
        parsed.push(issue_utilities_of(file, utilities, issue, issue_domain, &utility_path, &id, warnings)?);
        raw_weights.push(weight);
    }

    let raw_sum: f64 = raw_weights.iter().sum();
    let mut weights = IndexMap::new();
    let mut evaluations = IndexMap::new();
    for (((issue, _), weight), utilities) in domain.issues.iter().zip(&raw_weights).zip(&parsed) {
        weights.insert(issue.clone(), *weight);
        evaluations.insert(issue.clone(), utilities.evaluator());
    }
    // The core divides weights that do not sum to one by their sum (or
    // refuses them); the reservation value is computed the same way so that
    // it stays the utility of the reservation bid.
    let divisor = if raw_sum > 0.0 { raw_sum } else { 1.0 };

    let reservation = match space.get("reservationBid") {
        None | Some(Value::Null) => 0.0,
        Some(bid) => {
            let bid_path = join(&root, &[Step::Key("reservationBid"), Step::Key("issuevalues")]);
            let values = object(file, bid.get("issuevalues"), &bid_path)?;
            let mut utility = 0.0;
            for (issue, value) in values {
                let value_path = join(&bid_path, &[Step::Key(issue)]);
                let Some(position) = domain.issues.iter().position(|(id, _)| id == issue) else {
                    return Err(at(
                        file,
                        &value_path,
                        format!(
                            "unknown issue `{issue}` in the reservation bid: the domain's issues are {}",
                            list(&domain.issues)
                        ),
                    ));
                };
                let (Some((_, issue_domain)), Some(utilities), Some(weight)) =
                    (domain.issues.get(position), parsed.get(position), raw_weights.get(position))
                else {
                    continue;
                };
                let known_value = match issue_domain {
                    IssueDomain::Discrete { options, .. } => {
                        value.as_str().is_some_and(|v| options.iter().any(|o| o == v))
                    }
                    IssueDomain::Integer { .. } | IssueDomain::Continuous { .. } => value.as_f64().is_some(),
                };
                let value_utility = utilities
                    .utility(value)
                    .filter(|_| known_value)
                    .ok_or_else(|| at(file, &value_path, format!("`{value}` is not a value of issue `{issue}`")))?;
                utility += weight * value_utility;
            }
            utility / divisor
        }
    };

    let name = space.get("name").and_then(Value::as_str).filter(|n| !n.is_empty() && *n != id).map(str::to_owned);
    let actor = ActorSpec {
        name,
        veto: true,
        reservation,
        ..ActorSpec::new(id, PreferenceSpec::LinearAdditive { weights, evaluations })
    };
    Ok((actor, raw_sum))
}

fn check_same_domain(
    file: InputFile<'_>,
    path: &[Step<'_>],
    embedded: &Domain,
    domain: &Domain,
    domain_file: InputFile<'_>,
) -> Result<(), FormatError> {
    let differs = |what: String| {
        at(file, path, format!("the profile's embedded domain differs from the one in `{}`: {what}", domain_file.name))
    };
    for (issue, embedded_domain) in &embedded.issues {
        let Some((_, expected)) = domain.issues.iter().find(|(id, _)| id == issue) else {
            return Err(differs(format!("it has issue `{issue}`, which the domain lacks")));
        };
        let same = match (embedded_domain, expected) {
            (IssueDomain::Discrete { options: a, .. }, IssueDomain::Discrete { options: b, .. }) => {
                a.len() == b.len() && a.iter().all(|o| b.contains(o))
            }
            (a, b) => a == b,
        };
        if !same {
            return Err(differs(format!("issue `{issue}` has other values")));
        }
    }
    if let Some((missing, _)) = domain.issues.iter().find(|(id, _)| !embedded.issues.iter().any(|(e, _)| e == id)) {
        return Err(differs(format!("it lacks issue `{missing}`")));
    }
    Ok(())
}

fn issue_utilities_of(
    file: InputFile<'_>,
    utilities: &Value,
    issue: &str,
    issue_domain: &IssueDomain,
    path: &[Step<'_>],
    actor: &str,
    warnings: &mut Vec<Warning>,
) -> Result<IssueUtilities, FormatError> {
    let utilities = utilities.as_object().ok_or_else(|| at(file, path, "expected a JSON object".to_owned()))?;
    let mut entries = utilities.iter();
    let (Some((kind, body)), None) = (entries.next(), entries.next()) else {
        return Err(at(file, path, format!("issue `{issue}`: expected one of `discreteutils` or `numberutils`")));
    };
    let body_path = join(path, &[Step::Key(kind)]);
    match (kind.as_str(), issue_domain) {
        ("discreteutils", IssueDomain::Discrete { options, .. }) => {
            let values_path = join(&body_path, &[Step::Key("valueUtilities")]);
            let values = object(file, body.get("valueUtilities"), &values_path)?;
            let mut written: HashMap<&str, f64> = HashMap::new();
            for (option, utility) in values {
                let option_path = join(&values_path, &[Step::Key(option)]);
                if !options.contains(option) {
                    return Err(at(
                        file,
                        &option_path,
                        format!("`{option}` is not a value of issue `{issue}` (values: {})", options.join(", ")),
                    ));
                }
                written.insert(option, unit_interval(file, Some(utility), &option_path)?);
            }
            // GeniusWeb gives a value without a utility 0.
            let missing: Vec<&str> = options.iter().map(String::as_str).filter(|o| !written.contains_key(o)).collect();
            if !missing.is_empty() {
                warnings.push(warning(
                    file,
                    &values_path,
                    Locator { actor: Some(actor.to_owned()), issue: Some(issue.to_owned()), ..Locator::default() },
                    format!("issue `{issue}`: no utility for {}; taken as 0, as GeniusWeb does", missing.join(", ")),
                ));
            }
            let map = options.iter().map(|o| (o.clone(), written.get(o.as_str()).copied().unwrap_or(0.0))).collect();
            Ok(IssueUtilities::Discrete(map))
        }
        ("numberutils", IssueDomain::Integer { .. } | IssueDomain::Continuous { .. }) => {
            let get = |key: &'static str| (body.get(key), join(&body_path, &[Step::Key(key)]));
            let (low_value, low_value_path) = get("lowValue");
            let (high_value, high_value_path) = get("highValue");
            let (low_utility, low_utility_path) = get("lowUtility");
            let (high_utility, high_utility_path) = get("highUtility");
            let low_value = number(file, low_value, &low_value_path)?;
            let high_value = number(file, high_value, &high_value_path)?;
            let low_utility = unit_interval(file, low_utility, &low_utility_path)?;
            let high_utility = unit_interval(file, high_utility, &high_utility_path)?;
            if high_value <= low_value {
                return Err(at(file, &body_path, format!("highValue {high_value} is not above lowValue {low_value}")));
            }
            let (min, max) = match *issue_domain {
                IssueDomain::Integer { min, max, .. } => (min as f64, max as f64),
                IssueDomain::Continuous { min, max, .. } => (min, max),
                IssueDomain::Discrete { .. } => (0.0, 0.0),
            };
            // GeniusWeb gives 0 outside [lowValue, highValue]: a linear
            // evaluator is exact only if that covers every value.
            let slack = 1e-9 * (max - min).abs().max(1.0);
            if low_value > min + slack || high_value < max - slack {
                return Err(at(
                    file,
                    &body_path,
                    format!(
                        "issue `{issue}`: numberutils covers [{low_value}, {high_value}] but the values run from {min} \
                         to {max}; GeniusWeb's 0 outside that span is not a linear evaluation"
                    ),
                ));
            }
            Ok(IssueUtilities::Number { low_value, low_utility, high_value, high_utility })
        }
        ("discreteutils", _) => {
            Err(at(file, &body_path, format!("issue `{issue}` is numeric: use `numberutils`, not `discreteutils`")))
        }
        ("numberutils", _) => {
            Err(at(file, &body_path, format!("issue `{issue}` is discrete: use `discreteutils`, not `numberutils`")))
        }
        (other, _) => Err(at(
            file,
            &body_path,
            format!("issue `{issue}`: `{other}` is not supported: expected `discreteutils` or `numberutils`"),
        )),
    }
}

fn object<'v>(
    file: InputFile<'_>,
    value: Option<&'v Value>,
    path: &[Step<'_>],
) -> Result<&'v Map<String, Value>, FormatError> {
    value
        .and_then(Value::as_object)
        .ok_or_else(|| at(file, path, format!("expected a JSON object at {}", field(path))).field(field(path)))
}

fn number(file: InputFile<'_>, value: Option<&Value>, path: &[Step<'_>]) -> Result<f64, FormatError> {
    let Some(value) = value else {
        return Err(at(file, path, format!("missing `{}`", field(path))).field(field(path)));
    };
    // JSON has no NaN or infinity; a number too large for a float is one.
    match value.as_f64() {
        Some(number) if number.is_finite() => Ok(number),
        Some(_) => Err(at(file, path, format!("{value} is not a finite number")).field(field(path))),
        None => Err(at(file, path, format!("{value} is not a number")).field(field(path))),
    }
}

fn unit_interval(file: InputFile<'_>, value: Option<&Value>, path: &[Step<'_>]) -> Result<f64, FormatError> {
    let number = number(file, value, path)?;
    if !(0.0..=1.0).contains(&number) {
        return Err(at(file, path, format!("utility {number} is outside [0, 1]")).field(field(path)));
    }
    Ok(number)
}

fn list(issues: &[(String, IssueDomain)]) -> String {
    issues.iter().map(|(id, _)| format!("`{id}`")).collect::<Vec<_>>().join(", ")
}

fn join<'s>(path: &[Step<'s>], more: &[Step<'s>]) -> Vec<Step<'s>> {
    path.iter().chain(more).copied().collect()
}

/// A path as a dotted field name: `LinearAdditiveUtilitySpace.issueWeights.Food`.
fn field(path: &[Step<'_>]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|step| match step {
            Step::Key(key) => (*key).to_owned(),
            Step::Index(index) => index.to_string(),
        })
        .collect();
    parts.join(".")
}

/// An error at the value `path` leads to, or at the file when the path does
/// not lead anywhere.
fn at(file: InputFile<'_>, path: &[Step<'_>], message: String) -> FormatError {
    let error = FormatError::new(file.name, message);
    match json_offset(file.text, path) {
        Some(offset) => error.at_offset(file.text, offset),
        None => error,
    }
}

fn warning(file: InputFile<'_>, path: &[Step<'_>], locator: Locator, message: String) -> Warning {
    let place = match json_offset(file.text, path) {
        Some(offset) => {
            let (line, column) = crate::error::line_column(file.text, offset);
            format!("{}:{line}:{column}", file.name)
        }
        None => file.name.to_owned(),
    };
    Warning { locator, message: format!("{place}: {message}") }
}

/// The text without a leading byte-order mark, which serde_json refuses.
fn body(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn parse_json(file: InputFile<'_>) -> Result<Value, FormatError> {
    let text = body(file.text);
    serde_json::from_str(text).map_err(|error| {
        let full = error.to_string();
        let message = match full.rfind(" at line ") {
            Some(cut) => full.get(..cut).unwrap_or(&full).to_owned(),
            None => full.clone(),
        };
        let bom_shift = usize::from(error.line() == 1 && text.len() != file.text.len());
        FormatError {
            file: file.name.to_owned(),
            line: (error.line() > 0).then_some(error.line()),
            column: (error.line() > 0).then_some(error.column().max(1) + bom_shift),
            field: None,
            message: format!("malformed JSON: {message}"),
        }
    })
}

/// The byte offset of the value at `path` in a JSON text already known to
/// parse, found by skipping over everything else; `None` if the path leads
/// nowhere. serde_json's values do not keep their positions.
fn json_offset(text: &str, path: &[Step<'_>]) -> Option<usize> {
    let bytes = text.as_bytes();
    let start = text.len() - body(text).len();
    let mut position = skip_blank(bytes, start);
    for step in path {
        match *step {
            Step::Key(key) => {
                if bytes.get(position) != Some(&b'{') {
                    return None;
                }
                position += 1;
                loop {
                    position = skip_blank(bytes, position);
                    if bytes.get(position) != Some(&b'"') {
                        return None;
                    }
                    let end = string_end(bytes, position)?;
                    let name: String = serde_json::from_str(text.get(position..end)?).ok()?;
                    position = skip_blank(bytes, end);
                    if bytes.get(position) != Some(&b':') {
                        return None;
                    }
                    position = skip_blank(bytes, position + 1);
                    if name == key {
                        break;
                    }
                    position = skip_blank(bytes, value_end(bytes, position)?);
                    if bytes.get(position) != Some(&b',') {
                        return None;
                    }
                    position += 1;
                }
            }
            Step::Index(index) => {
                if bytes.get(position) != Some(&b'[') {
                    return None;
                }
                position = skip_blank(bytes, position + 1);
                for _ in 0..index {
                    position = skip_blank(bytes, value_end(bytes, position)?);
                    if bytes.get(position) != Some(&b',') {
                        return None;
                    }
                    position = skip_blank(bytes, position + 1);
                }
            }
        }
    }
    Some(position)
}

fn skip_blank(bytes: &[u8], mut position: usize) -> usize {
    while matches!(bytes.get(position), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        position += 1;
    }
    position
}

/// The position after the string that starts (with its quote) at `position`.
fn string_end(bytes: &[u8], position: usize) -> Option<usize> {
    let mut i = position + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The position after the value that starts at `position`.
fn value_end(bytes: &[u8], position: usize) -> Option<usize> {
    match bytes.get(position)? {
        b'"' => string_end(bytes, position),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = position;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = position;
            while let Some(byte) = bytes.get(i) {
                if matches!(byte, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                i += 1;
            }
            Some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lead_to_values() {
        let text = "{\"a\": {\"x\": [1, {\"q\": \"}\"}], \"b\\\"c\": 2,\n \"y\": [10, 20, 30]}}";
        let at = |path: &[Step<'_>]| json_offset(text, path).map(|o| text.get(o..o + 2).unwrap_or_default());
        assert_eq!(at(&[Step::Key("a"), Step::Key("y")]), Some("[1"));
        assert_eq!(at(&[Step::Key("a"), Step::Key("y"), Step::Index(2)]), Some("30"));
        assert_eq!(at(&[Step::Key("a"), Step::Key("b\"c")]), Some("2,"));
        assert_eq!(at(&[Step::Key("a"), Step::Key("x"), Step::Index(1), Step::Key("q")]), Some("\"}"));
        assert_eq!(at(&[Step::Key("a"), Step::Key("z")]), None);
        assert_eq!(at(&[Step::Key("a"), Step::Key("y"), Step::Index(3)]), None);
    }
}
