//! Scenarios as they arrive (TOML or JSON text, GENIUS, GeniusWeb or KTAB
//! files, or a `ScenarioSpec` as JSON) and as they are stored: validated once
//! into a `Scenario`, kept as its normalised spec with the warnings its
//! loading gave.

use std::collections::BTreeMap;

use detente_core::{Locator, OutcomeSpace, Scenario, ScenarioSpec, Warning, WeightPolicy};
use detente_formats::genius::InputFile;
use detente_formats::{genius, geniusweb, ktab, scenario_json, scenario_toml};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, locator_json};
use crate::store::{NewVersion, StoredVersion};

/// A scenario to create or to store as a new version: `format` with `text`
/// (`toml`, `json`, `ktab`) or with `files` (`genius`, `geniusweb`: file name
/// → content), or a `spec` (the JSON form of docs/scenario-format.md).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInput {
    /// `toml`, `json`, `genius`, `geniusweb` or `ktab`; not needed with `spec`.
    pub format: Option<String>,
    /// The file's text, for `toml`, `json` and `ktab`.
    pub text: Option<String>,
    /// The files, for `genius` (domain and profiles, XML) and `geniusweb` (JSON profiles).
    pub files: Option<BTreeMap<String, String>>,
    /// A ScenarioSpec, as JSON.
    #[schema(value_type = Option<Object>)]
    pub spec: Option<Value>,
}

/// A scenario validated from what arrived.
#[derive(Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Warning>,
    pub format: String,
    pub source: String,
}

impl Loaded {
    /// What the store keeps.
    pub fn to_new_version(&self) -> ApiResult<NewVersion> {
        let s = &self.scenario;
        let spec = serde_json::to_string(&s.to_spec())
            .map_err(|e| ApiError::internal(format!("cannot write the scenario as JSON: {e}")))?;
        Ok(NewVersion {
            name: s.name.clone(),
            format: self.format.clone(),
            source: self.source.clone(),
            spec,
            warnings: self.warnings.iter().map(|w| w.message.clone()).collect(),
            n_actors: s.n_actors() as i64,
            n_issues: s.n_issues() as i64,
            n_outcomes: outcome_count(&OutcomeSpace::of(s)),
        })
    }
}

/// Scenario files are read as the CLI reads them: weights that do not sum to
/// one are normalised, with a warning.
const POLICY: WeightPolicy = WeightPolicy::Normalise;

/// Validates what arrived. Every refusal is a 400 naming the field (and, for
/// text, the line and column; for the core's checks, the actor and issue).
pub fn load(input: &ScenarioInput) -> ApiResult<Loaded> {
    if let Some(spec) = &input.spec {
        if input.text.is_some() || input.files.is_some() {
            return Err(ApiError::invalid("spec", "give either `spec` or `format` with `text` or `files`, not both"));
        }
        if input.format.as_deref().is_some_and(|f| f != "spec") {
            return Err(ApiError::invalid("format", "`format` goes with `text` or `files`, not with `spec`"));
        }
        return load_spec(spec);
    }
    let Some(format) = input.format.as_deref() else {
        return Err(ApiError::invalid(
            "format",
            "give `format` (toml, json, genius, geniusweb, ktab) with `text` or `files`, or a `spec`",
        ));
    };
    let text = || {
        if input.files.is_some() {
            return Err(ApiError::invalid("files", format!("`{format}` is one file: send it as `text`")));
        }
        input.text.as_deref().ok_or_else(|| ApiError::invalid("text", format!("`{format}` needs the file as `text`")))
    };
    let files = || {
        if input.text.is_some() {
            return Err(ApiError::invalid("text", format!("`{format}` is a folder of files: send them as `files`")));
        }
        match &input.files {
            Some(files) if !files.is_empty() => Ok(files),
            _ => Err(ApiError::invalid("files", format!("`{format}` needs its files as `files`: name → content"))),
        }
    };
    let (built, source) = match format {
        "toml" => {
            let text = text()?;
            (load_toml(text)?, text.to_owned())
        }
        "json" => {
            let text = text()?;
            (load_json(text)?, text.to_owned())
        }
        "ktab" | "csv" => {
            let text = text()?;
            (ktab::load_ktab_csv("actors.csv", text).map_err(|e| ApiError::from_format(&e))?, text.to_owned())
        }
        "genius" | "geniusweb" => {
            let files = files()?;
            let inputs: Vec<InputFile<'_>> =
                files.iter().map(|(name, text)| InputFile { name: name.as_str(), text: text.as_str() }).collect();
            let built = if format == "genius" {
                genius::load_genius(&inputs, POLICY)
            } else {
                geniusweb::load_geniusweb(&inputs, POLICY)
            }
            .map_err(|e| ApiError::from_format(&e))?;
            let source = serde_json::to_string(files).map_err(|e| ApiError::internal(e.to_string()))?;
            (built, source)
        }
        other => {
            return Err(ApiError::invalid(
                "format",
                format!("unknown format `{other}`; expected toml, json, genius, geniusweb or ktab"),
            ));
        }
    };
    let (scenario, warnings) = built;
    Ok(Loaded { scenario, warnings, format: if format == "csv" { "ktab" } else { format }.to_owned(), source })
}

const TOML_NAME: &str = "scenario.toml";
const JSON_NAME: &str = "scenario.json";

fn load_toml(text: &str) -> ApiResult<(Scenario, Vec<Warning>)> {
    scenario_toml::load_toml(TOML_NAME, text, POLICY).map_err(|e| {
        let locator = scenario_toml::read_toml(TOML_NAME, text).ok().and_then(semantic_locator);
        located(ApiError::from_format(&e), locator)
    })
}

fn load_json(text: &str) -> ApiResult<(Scenario, Vec<Warning>)> {
    scenario_json::load_json(JSON_NAME, text, POLICY).map_err(|e| {
        let locator = scenario_json::read_json(JSON_NAME, text).ok().and_then(semantic_locator);
        located(ApiError::from_format(&e), locator)
    })
}

/// The core's locator for a spec that parses but does not validate.
fn semantic_locator(spec: ScenarioSpec) -> Option<Locator> {
    Scenario::new(spec, POLICY).err().map(|e| e.locator())
}

fn located(error: ApiError, locator: Option<Locator>) -> ApiError {
    match locator {
        Some(locator) => error.with("locator", locator_json(&locator)),
        None => error,
    }
}

fn load_spec(value: &Value) -> ApiResult<Loaded> {
    let spec: ScenarioSpec = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "spec".to_owned() } else { format!("spec.{path}") };
        ApiError::bad_request("invalid_scenario", format!("{field}: {}", e.inner())).field(field)
    })?;
    match Scenario::new(spec.clone(), POLICY) {
        Ok((scenario, warnings)) => {
            let source = serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(Loaded { scenario, warnings, format: "spec".to_owned(), source })
        }
        Err(error) => {
            // The formats crate knows the field's path (`actors.capability`).
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            let path = scenario_json::load_json("spec", &text, POLICY).err().and_then(|e| e.field);
            let mut e = ApiError::from_scenario(&error, "spec.");
            if let Some(path) = path {
                e.field = Some(format!("spec.{path}"));
            }
            Err(e)
        }
    }
}

/// A stored version, validated again (the spec is normalised: the same
/// scenario comes back), with the warnings of its first loading.
pub fn from_stored(stored: &StoredVersion) -> ApiResult<(Scenario, Vec<Warning>)> {
    let spec: ScenarioSpec = serde_json::from_str(&stored.spec).map_err(|e| {
        ApiError::internal(format!(
            "scenario {} version {} is stored unreadably: {e}",
            stored.summary.id, stored.summary.version
        ))
    })?;
    let (scenario, _) = Scenario::new(spec, POLICY).map_err(|e| {
        ApiError::internal(format!(
            "scenario {} version {} no longer validates: {e}",
            stored.summary.id, stored.summary.version
        ))
    })?;
    let warnings = stored
        .warnings
        .iter()
        .map(|message| Warning { locator: Locator::default(), message: message.clone() })
        .collect();
    Ok((scenario, warnings))
}

/// The number of outcomes, exact, in decimal (beyond `u128` too).
pub fn outcome_count(space: &OutcomeSpace) -> String {
    // Little-endian base-10⁹ limbs.
    let mut limbs: Vec<u64> = vec![1];
    for &n in &space.levels {
        let mut carry: u128 = 0;
        for limb in &mut limbs {
            let x = u128::from(*limb) * u128::from(n) + carry;
            *limb = (x % 1_000_000_000) as u64;
            carry = x / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push((carry % 1_000_000_000) as u64);
            carry /= 1_000_000_000;
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut text = limbs.last().map_or_else(|| "0".to_owned(), u64::to_string);
    for limb in limbs.iter().rev().skip(1) {
        text.push_str(&format!("{limb:09}"));
    }
    text
}

/// The scenarios in `scenarios/`, stored on a database's first start.
pub const BUNDLED: [(&str, &str); 4] = [
    ("riyadh-2025.toml", include_str!("../../../scenarios/riyadh-2025.toml")),
    ("climate-finance-ncqg.toml", include_str!("../../../scenarios/climate-finance-ncqg.toml")),
    ("labour-contract.toml", include_str!("../../../scenarios/labour-contract.toml")),
    ("laptop.toml", include_str!("../../../scenarios/laptop.toml")),
];

/// The bundled scenarios, validated, seed case first.
pub fn bundled() -> ApiResult<Vec<NewVersion>> {
    BUNDLED
        .iter()
        .map(|(name, text)| {
            let (scenario, warnings) = scenario_toml::load_toml(name, text, POLICY)
                .map_err(|e| ApiError::internal(format!("bundled scenario {name} does not load: {e}")))?;
            Loaded { scenario, warnings, format: "toml".to_owned(), source: (*text).to_owned() }.to_new_version()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_counts_are_exact_beyond_u128() {
        assert_eq!(outcome_count(&OutcomeSpace { levels: vec![3, 5, 3, 3, 3, 3, 3, 3, 3] }), "32805");
        assert_eq!(outcome_count(&OutcomeSpace { levels: vec![] }), "1");
        assert_eq!(outcome_count(&OutcomeSpace { levels: vec![10; 40] }), format!("1{}", "0".repeat(40)));
        assert_eq!(
            outcome_count(&OutcomeSpace { levels: vec![u64::MAX, u64::MAX] }),
            (u128::from(u64::MAX) * u128::from(u64::MAX)).to_string()
        );
    }

    #[test]
    fn every_bundled_scenario_is_listed_and_loads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("scenarios/")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = BUNDLED.iter().map(|(n, _)| (*n).to_owned()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "list every scenarios/*.toml in BUNDLED");
        assert_eq!(bundled().expect("they load").len(), BUNDLED.len());
    }
}
