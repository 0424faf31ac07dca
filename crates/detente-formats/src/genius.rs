//! GENIUS XML: a domain file and one utility-space file per party.
//!
//! GENIUS, the negotiation environment behind the ANAC competitions, keeps a
//! scenario as a folder: a *domain* (`<negotiation_template>`, the issues and
//! their values), one *utility space* per party (`<utility_space>`, weights and
//! evaluations, a reservation value, a discount factor) and sometimes
//! `pareto.xml`, GENIUS' own Pareto frontier. The caller reads the folder and
//! hands over every file; [`read_genius`] tells them apart by content
//! ([`classify`]), never by name, because the names follow no convention
//! (`laptop_domain.xml`, `Grocery_domain_mary.xml`, `ampo_vs_city_template.xml`).
//!
//! The meaning of each element is GENIUS' own (its `Domain`,
//! `AdditiveUtilitySpace`, `Evaluator*` and `NonlinearUtilitySpace` loaders):
//!
//! - Issues are matched by their `index` attribute, never by position: a weight
//!   or a hyperrectangle bound names the issue it is about by index.
//! - An issue's type comes from `type`, then `vtype`, then `etype`; an issue
//!   with none (AMPOvsCity) is discrete. Options keep the domain's order.
//! - A discrete evaluation is divided by the issue's largest, as the core does.
//!   When an option is evaluated twice (AMPOvsCity) the last one counts.
//! - An integer evaluator is `slope·(x − lowerbound) + offset`, a real one
//!   `slope·x + offset`; both become the core's `slope·x + offset`.
//! - A `<discount_factor>` of 0 or ≥ 1 means no discounting.
//! - A nonlinear space (`type="nonlinear"`) is a sum of hyperrectangles divided
//!   by `maxutility`. GENIUS' `EXCLUDES` rectangle pays its utility everywhere
//!   *outside* its box; on integer issues that region is cut into disjoint
//!   inclusive boxes, so it is represented exactly. Nested `ufun`s that sum are
//!   flattened, their weights multiplied into the rectangles' utilities.
//!
//! GENIUS clamps a linear evaluation to [0, 1]: so does the imported
//! evaluator (`clamp`) where its line leaves [0, 1] over the issue's range.
//! One GENIUS behaviour has no counterpart in the core: GENIUS caps a
//! nonlinear utility at 1. The cap matters only where the rectangles can
//! sum above `maxutility`, which is meant to be their largest sum but is not
//! always (30issuesDiscountedwithRV's first profile reaches 1.028); finding out
//! takes a search over the space, so no warning is given.
//!
//! ```
//! use detente_formats::genius::{load_genius, InputFile};
//! use detente_core::WeightPolicy;
//! let domain = r#"<negotiation_template><utility_space><objective index="0" name="root">
//!   <issue index="1" name="price" type="discrete"><item value="low"/><item value="high"/></issue>
//!   <issue index="2" name="days" type="integer" lowerbound="1" upperbound="3"/>
//! </objective></utility_space></negotiation_template>"#;
//! let buyer = r#"<utility_space><objective index="0">
//!   <weight index="2" value="0.4"/><weight index="1" value="0.6"/>
//!   <issue index="1"><item value="low" evaluation="10"/><item value="high" evaluation="5"/></issue>
//!   <issue index="2" lowerbound="1" upperbound="3"><evaluator ftype="linear" slope="0.5" offset="0"/></issue>
//! </objective><reservation value="0.2"/></utility_space>"#;
//! let files = [InputFile { name: "domain.xml", text: domain }, InputFile { name: "buyer.xml", text: buyer }];
//! let (scenario, warnings) = load_genius(&files, WeightPolicy::Refuse).unwrap();
//! assert!(warnings.is_empty());
//! assert_eq!(scenario.actors[0].id, "buyer");
//! assert_eq!(scenario.actors[0].reservation, 0.2);
//! // (high, 3 days): 0.6 · 5/10 + 0.4 · 0.5 · (3 − 1)
//! assert!((scenario.utility(0, &[1, 2]) - 0.7).abs() < 1e-12);
//! ```

use std::collections::{HashMap, HashSet};

use detente_core::{
    ActorSpec, EvaluatorSpec, HyperRectangleSpec, IssueDomain, IssueSpec, Locator, PreferenceSpec, Scenario,
    ScenarioError, ScenarioSpec, Warning, WeightPolicy,
};
use indexmap::IndexMap;
use quick_xml::Reader;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};

use crate::error::FormatError;

/// One file of a scenario folder: its name, as errors should show it, and its
/// text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// What a file in a GENIUS folder holds, judged by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeniusFileKind {
    /// Root element `<negotiation_template>`: the issues and their values.
    Domain,
    /// Root element `<utility_space>`: one party's preferences.
    Profile,
    /// Lines of comma-separated utilities: GENIUS' precomputed Pareto frontier.
    Pareto,
    /// Anything else; ignored by [`read_genius`].
    Other,
}

/// Tells a domain, a profile and a Pareto file apart by their content.
pub fn classify(text: &str) -> GeniusFileKind {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element)) => {
                return match element.name().as_ref() {
                    b"negotiation_template" => GeniusFileKind::Domain,
                    b"utility_space" => GeniusFileKind::Profile,
                    _ => GeniusFileKind::Other,
                };
            }
            Ok(Event::Text(text)) if is_blank(&text) => {}
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_)) => {}
            _ => break,
        }
    }
    if looks_like_pareto(text) { GeniusFileKind::Pareto } else { GeniusFileKind::Other }
}

/// Reads the files of one GENIUS scenario folder into a spec: the one domain
/// file, and one actor per profile, in file-name order. Pareto files and files
/// that are neither domain nor profile are ignored.
///
/// Each actor's id is its profile's file stem; it sits at the table and has a
/// veto, since a GENIUS agreement needs every party. The reader's warnings
/// (repaired ids, GENIUS behaviours the core lacks) come with [`load_genius`].
pub fn read_genius(files: &[InputFile<'_>]) -> Result<ScenarioSpec, FormatError> {
    read(files).map(|reading| reading.spec)
}

/// Reads a GENIUS folder and validates it into a scenario. A scenario the core
/// refuses is reported at the element of the profile (or the domain) at fault.
/// The warnings are this reader's (GENIUS behaviours the core lacks, repaired
/// ids) followed by the core's.
pub fn load_genius(files: &[InputFile<'_>], policy: WeightPolicy) -> Result<(Scenario, Vec<Warning>), FormatError> {
    let Reading { spec, mut warnings, places } = read(files)?;
    match Scenario::new(spec, policy) {
        Ok((scenario, core_warnings)) => {
            warnings.extend(core_warnings);
            Ok((scenario, warnings))
        }
        Err(error) => Err(places.locate(&error)),
    }
}

/// Reads GENIUS' `pareto.xml`: despite its name, one line per Pareto-optimal
/// point, "utility of profile 1, utility of profile 2, …", profiles in
/// file-name order.
pub fn read_pareto(file: InputFile<'_>) -> Result<Vec<Vec<f64>>, FormatError> {
    let mut points: Vec<Vec<f64>> = Vec::new();
    let mut line_offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = line_offset;
        line_offset += line.len();
        let mut content = line.trim_end_matches(['\n', '\r']);
        let mut content_offset = start;
        if start == 0 {
            if let Some(rest) = content.strip_prefix('\u{feff}') {
                content = rest;
                content_offset += '\u{feff}'.len_utf8();
            }
        }
        if content.trim().is_empty() {
            continue;
        }
        if content.trim_start().starts_with('<') {
            return Err(FormatError::new(
                file.name,
                "expected a line of comma-separated utilities (GENIUS' pareto format), found XML markup",
            )
            .at_offset(file.text, content_offset));
        }
        let mut point = Vec::new();
        let mut token_offset = content_offset;
        for token in content.split(',') {
            let place = token_offset + (token.len() - token.trim_start().len());
            token_offset += token.len() + 1;
            let utility: f64 = token.trim().parse().map_err(|_| {
                FormatError::new(file.name, format!("`{}` is not a number", token.trim())).at_offset(file.text, place)
            })?;
            if !utility.is_finite() {
                return Err(FormatError::new(file.name, format!("`{}` is not a finite number", token.trim()))
                    .at_offset(file.text, place));
            }
            point.push(utility);
        }
        if let Some(first) = points.first() {
            if first.len() != point.len() {
                return Err(FormatError::new(
                    file.name,
                    format!("this point has {} utilities, the first point has {}", point.len(), first.len()),
                )
                .at_offset(file.text, content_offset));
            }
        }
        points.push(point);
    }
    if points.is_empty() {
        return Err(FormatError::new(file.name, "no Pareto points: expected lines of comma-separated utilities"));
    }
    Ok(points)
}

/// The deepest element nesting accepted. GENIUS files nest four or five deep;
/// the limit keeps recursive walks from exhausting the stack on hostile input.
const MAX_DEPTH: usize = 256;

/// What `read` produces: the spec, this reader's warnings, and where each part
/// of the spec came from, for locating the core's errors.
struct Reading<'a> {
    spec: ScenarioSpec,
    warnings: Vec<Warning>,
    places: Places<'a>,
}

/// Byte offsets of the elements each part of the spec was read from.
struct Places<'a> {
    domain: InputFile<'a>,
    /// Issue id → its `<issue>` element in the domain.
    domain_issues: HashMap<String, usize>,
    actors: HashMap<String, ActorPlaces<'a>>,
}

struct ActorPlaces<'a> {
    file: InputFile<'a>,
    root: usize,
    reservation: Option<usize>,
    discount: Option<usize>,
    first_weight: Option<usize>,
    /// Issue id → its `<weight>` element.
    weights: HashMap<String, usize>,
    /// Issue id → the profile's `<issue>` element, holding the evaluator.
    issues: HashMap<String, usize>,
    /// Rectangle number in the spec → its `<hyperRectangle>` element.
    rectangles: Vec<usize>,
}

/// An XML element with its attributes and child elements; text is dropped, as
/// GENIUS keeps everything in attributes.
struct Element {
    name: String,
    /// Byte offset of the `<`.
    offset: usize,
    attributes: Vec<Attribute>,
    children: Vec<Element>,
}

struct Attribute {
    name: String,
    value: String,
    /// Byte offset of the value (inside the quotes).
    offset: usize,
}

struct Domain<'a> {
    file: InputFile<'a>,
    issues: Vec<DomainIssue>,
    /// Issue index → position in `issues`.
    by_index: HashMap<i64, usize>,
    /// Indices of objectives (inner nodes of GENIUS' issue tree).
    objectives: HashSet<i64>,
    agents: Vec<Agent>,
}

struct DomainIssue {
    index: i64,
    id: String,
    name: String,
    description: String,
    domain: IssueDomain,
    offset: usize,
}

/// An `<agent>` of a negotiation template: a party's name and the profile it
/// uses.
struct Agent {
    name: String,
    utility_space: String,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'e>(&'e self, name: &'e str) -> impl Iterator<Item = &'e Element> + 'e {
        self.children.iter().filter(move |c| c.name == name)
    }
}

impl Domain<'_> {
    fn issue(&self, index: i64) -> Option<(usize, &DomainIssue)> {
        let position = *self.by_index.get(&index)?;
        self.issues.get(position).map(|issue| (position, issue))
    }

    fn known_indices(&self) -> String {
        let indices: Vec<String> = self.issues.iter().map(|i| i.index.to_string()).collect();
        indices.join(", ")
    }
}

impl Places<'_> {
    /// Turns a core error into one that points at the element it is about.
    fn locate(&self, error: &ScenarioError) -> FormatError {
        let locator = error.locator();
        let message = error.to_string();
        let field = locator.field.map(xml_field);
        let issue = locator.issue.as_deref();
        if let Some(actor) = locator.actor.as_deref().and_then(|a| self.actors.get(a)) {
            let by_field = match locator.field {
                Some("reservation") => actor.reservation,
                Some("discount") => actor.discount,
                Some("weights") => match issue {
                    Some(issue) => actor.weights.get(issue).copied(),
                    None => actor.first_weight,
                },
                _ => None,
            };
            let offset = by_field
                .or_else(|| locator.rectangle.and_then(|r| actor.rectangles.get(r).copied()))
                .or_else(|| issue.and_then(|i| actor.issues.get(i).or_else(|| actor.weights.get(i)).copied()))
                .unwrap_or(actor.root);
            let located = FormatError::new(actor.file.name, message).at_offset(actor.file.text, offset);
            return match field {
                Some(field) => located.field(field),
                None => located,
            };
        }
        let mut located = FormatError::new(self.domain.name, message);
        if let Some(&offset) = issue.and_then(|i| self.domain_issues.get(i)) {
            located = located.at_offset(self.domain.text, offset);
        }
        match field {
            Some(field) => located.field(field),
            None => located,
        }
    }
}

/// The XML spelling of a core field name.
fn xml_field(field: &str) -> &str {
    match field {
        "weights" => "weight",
        "evaluations" => "evaluation",
        "discount" => "discount_factor",
        "max_utility" => "maxutility",
        "rectangles.utility" => "hyperRectangle.utility",
        "rectangles.bounds" => "INCLUDES",
        other => other,
    }
}

fn read<'a>(files: &[InputFile<'a>]) -> Result<Reading<'a>, FormatError> {
    let mut domains = Vec::new();
    let mut profiles = Vec::new();
    let mut warnings = Vec::new();
    for file in files {
        match classify(file.text) {
            GeniusFileKind::Domain => domains.push(*file),
            GeniusFileKind::Profile => profiles.push(*file),
            GeniusFileKind::Pareto => {}
            GeniusFileKind::Other => {
                // A domain or profile broken before its root element looks like
                // no GENIUS file at all; dropping it would lose a party without
                // a word, so XML that does not parse is an error.
                if file.text.trim_start_matches('\u{feff}').trim_start().starts_with('<') {
                    let root = parse_xml(*file)?;
                    warnings.push(warning(
                        *file,
                        root.offset,
                        Locator::default(),
                        format!(
                            "ignored: its root element <{}> is neither a GENIUS domain (<negotiation_template>) nor a \
                             profile (<utility_space>)",
                            root.name
                        ),
                    ));
                }
            }
        }
    }
    let listing = list_names(files);
    let first_name = files.first().map_or("", |f| f.name);
    let domain_file = match domains.as_slice() {
        [one] => *one,
        [] => {
            return Err(FormatError::new(
                first_name,
                format!(
                    "no GENIUS domain (a file whose root element is <negotiation_template>) among the files: {listing}"
                ),
            ));
        }
        [first, second, ..] => {
            return Err(FormatError::new(
                second.name,
                format!("two GENIUS domain files, `{}` and `{}`: expected one per scenario", first.name, second.name),
            ));
        }
    };
    if profiles.is_empty() {
        return Err(FormatError::new(
            domain_file.name,
            format!(
                "no GENIUS profile (a file whose root element is <utility_space>) among the files: {listing}; \
                 expected one per party"
            ),
        ));
    }
    profiles.sort_by(|a, b| a.name.cmp(b.name));

    let domain = parse_domain(domain_file, &mut warnings)?;
    let mut actors = Vec::with_capacity(profiles.len());
    let mut actor_places = HashMap::new();
    for profile in &profiles {
        let (actor, places) = parse_profile(*profile, &domain, &mut warnings)?;
        actor_places.insert(actor.id.clone(), places);
        actors.push(actor);
    }

    let profile_names: Vec<&str> = profiles.iter().map(|p| p.name).collect();
    let spec = ScenarioSpec {
        name: scenario_name(domain_file.name),
        description: String::new(),
        source: Some(format!("GENIUS XML: {} (domain); {} (profiles)", domain_file.name, profile_names.join(", "))),
        issues: domain
            .issues
            .iter()
            .map(|issue| IssueSpec {
                id: issue.id.clone(),
                name: (!issue.name.is_empty() && issue.name != issue.id).then(|| issue.name.clone()),
                description: issue.description.clone(),
                domain: issue.domain.clone(),
            })
            .collect(),
        actors,
    };
    let places = Places {
        domain: domain_file,
        domain_issues: domain.issues.iter().map(|i| (i.id.clone(), i.offset)).collect(),
        actors: actor_places,
    };
    Ok(Reading { spec, warnings, places })
}

fn list_names(files: &[InputFile<'_>]) -> String {
    if files.is_empty() {
        return "(no files)".to_owned();
    }
    let names: Vec<&str> = files.iter().map(|f| f.name).collect();
    names.join(", ")
}

/// The scenario's name: the domain file's stem without a `_domain` or
/// `_template` suffix.
fn scenario_name(domain_file: &str) -> String {
    let stem = file_stem(domain_file);
    let trimmed = ["_domain", "-domain", "_Domain", "-Domain", "_template", "-template"]
        .iter()
        .find_map(|suffix| stem.strip_suffix(suffix))
        .filter(|s| !s.is_empty())
        .unwrap_or(stem);
    if trimmed.is_empty() { "GENIUS scenario".to_owned() } else { trimmed.to_owned() }
}

/// The file name without directories and without its last extension.
pub(crate) fn file_stem(name: &str) -> &str {
    let base = base_name(name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => base.get(..dot).unwrap_or(base),
        _ => base,
    }
}

fn base_name(name: &str) -> &str {
    match name.rfind(['/', '\\']) {
        Some(slash) => name.get(slash + 1..).unwrap_or(name),
        None => name,
    }
}

fn parse_domain<'a>(file: InputFile<'a>, warnings: &mut Vec<Warning>) -> Result<Domain<'a>, FormatError> {
    let root = parse_xml(file)?;
    let agents = root
        .children_named("agent")
        .filter_map(|agent| {
            let utility_space = agent.attribute("utility_space")?.value.trim().to_owned();
            let name = agent.attribute("name").map(|a| a.value.trim().to_owned()).unwrap_or_default();
            (!utility_space.is_empty() && !name.is_empty()).then_some(Agent { name, utility_space })
        })
        .collect();
    let space = root.child("utility_space").ok_or_else(|| {
        at_element(file, &root, "the domain has no <utility_space> element holding its issues".to_owned())
    })?;
    let objective = space.child("objective").ok_or_else(|| {
        at_element(file, space, "the domain's <utility_space> has no <objective> holding its issues".to_owned())
    })?;
    let mut domain = Domain { file, issues: Vec::new(), by_index: HashMap::new(), objectives: HashSet::new(), agents };
    let mut seen: HashMap<i64, usize> = HashMap::new();
    collect_domain(file, objective, &mut domain, &mut seen)?;
    if domain.issues.is_empty() {
        return Err(at_element(file, objective, "the domain declares no <issue>".to_owned()));
    }

    // Issue ids are the names, which GENIUS does not require to be unique.
    let mut used: HashSet<String> = HashSet::new();
    for issue in &mut domain.issues {
        let base = if issue.name.is_empty() { format!("issue{}", issue.index) } else { issue.name.clone() };
        let mut id = base.clone();
        if used.contains(&id) {
            id = format!("{base} #{}", issue.index);
            while used.contains(&id) {
                id.push('\'');
            }
            warnings.push(warning(
                file,
                issue.offset,
                Locator { issue: Some(id.clone()), ..Locator::default() },
                format!("a second issue is named `{base}`; this one (index {}) gets the id `{id}`", issue.index),
            ));
        }
        used.insert(id.clone());
        issue.id = id;
    }
    Ok(domain)
}

fn collect_domain(
    file: InputFile<'_>,
    objective: &Element,
    domain: &mut Domain<'_>,
    seen: &mut HashMap<i64, usize>,
) -> Result<(), FormatError> {
    if let Some(index) = objective.attribute("index") {
        let value = integer(file, objective, index)?;
        register_index(file, objective, index, value, seen)?;
        domain.objectives.insert(value);
    }
    for child in &objective.children {
        match child.name.as_str() {
            "objective" => collect_domain(file, child, domain, seen)?,
            "issue" => {
                let issue = domain_issue(file, child, seen)?;
                domain.by_index.insert(issue.index, domain.issues.len());
                domain.issues.push(issue);
            }
            _ => {}
        }
    }
    Ok(())
}

fn register_index(
    file: InputFile<'_>,
    element: &Element,
    attribute: &Attribute,
    index: i64,
    seen: &mut HashMap<i64, usize>,
) -> Result<(), FormatError> {
    if let Some(&previous) = seen.get(&index) {
        let (line, _) = crate::error::line_column(file.text, previous);
        return Err(at_attribute(
            file,
            element,
            attribute,
            format!("index {index} is used twice (first at line {line}); issues are matched by index"),
        ));
    }
    seen.insert(index, attribute.offset);
    Ok(())
}

/// An attribute with the element it belongs to, for errors that name both.
type ElementAttribute<'e> = (&'e Element, &'e Attribute);

#[derive(Clone, Copy, PartialEq, Eq)]
enum IssueKind {
    Discrete,
    Integer,
    Real,
}

fn domain_issue(
    file: InputFile<'_>,
    element: &Element,
    seen: &mut HashMap<i64, usize>,
) -> Result<DomainIssue, FormatError> {
    let index_attribute = required(file, element, "index")?;
    let index = integer(file, element, index_attribute)?;
    register_index(file, element, index_attribute, index, seen)?;
    let name = element.attribute("name").map(|a| a.value.trim().to_owned()).unwrap_or_default();
    let label = if name.is_empty() { format!("index {index}") } else { format!("`{name}`") };
    let domain = match issue_kind(file, element)? {
        IssueKind::Discrete => {
            let mut options: Vec<String> = Vec::new();
            for item in element.children_named("item") {
                let value = required(file, item, "value")?;
                if options.contains(&value.value) {
                    return Err(at_attribute(
                        file,
                        item,
                        value,
                        format!("option `{}` appears twice in issue {label}", value.value),
                    ));
                }
                options.push(value.value.clone());
            }
            if options.is_empty() {
                return Err(at_element(file, element, format!("discrete issue {label} has no <item>")));
            }
            IssueDomain::Discrete { options, ordered: false }
        }
        IssueKind::Integer => {
            let (low, high) = range_attributes(file, element, &label)?;
            let min = integer(file, low.0, low.1)?;
            let max = integer(file, high.0, high.1)?;
            if min > max {
                return Err(at_attribute(
                    file,
                    low.0,
                    low.1,
                    format!("issue {label}: lowerbound {min} is above upperbound {max}"),
                ));
            }
            IssueDomain::Integer { min, max, unit: None }
        }
        IssueKind::Real => {
            let (low, high) = range_attributes(file, element, &label)?;
            let min = number(file, low.0, low.1)?;
            let max = number(file, high.0, high.1)?;
            if min >= max {
                return Err(at_attribute(
                    file,
                    low.0,
                    low.1,
                    format!("issue {label}: lowerbound {min} is not below upperbound {max}"),
                ));
            }
            IssueDomain::Continuous { min, max, unit: None, step: None }
        }
    };
    Ok(DomainIssue {
        index,
        id: String::new(),
        description: element.attribute("description").map(|a| a.value.trim().to_owned()).unwrap_or_default(),
        name,
        domain,
        offset: element.offset,
    })
}

/// GENIUS reads an issue's type from `type`, falling back to `vtype`; `etype`
/// names the evaluator but agrees with both in every file seen. No type at all
/// means discrete.
fn issue_kind(file: InputFile<'_>, element: &Element) -> Result<IssueKind, FormatError> {
    let Some(attribute) = ["type", "vtype", "etype"].iter().find_map(|name| element.attribute(name)) else {
        return Ok(IssueKind::Discrete);
    };
    match attribute.value.trim().to_ascii_lowercase().as_str() {
        "discrete" => Ok(IssueKind::Discrete),
        "integer" => Ok(IssueKind::Integer),
        "real" => Ok(IssueKind::Real),
        other => Err(at_attribute(
            file,
            element,
            attribute,
            format!("unsupported issue type `{other}`: expected discrete, integer or real"),
        )),
    }
}

/// The `lowerbound` and `upperbound` attributes of a numeric issue: on the
/// issue itself (current GENIUS) or on a `<range>` child (older files).
fn range_attributes<'e>(
    file: InputFile<'_>,
    element: &'e Element,
    label: &str,
) -> Result<(ElementAttribute<'e>, ElementAttribute<'e>), FormatError> {
    for holder in std::iter::once(element).chain(element.children_named("range")) {
        if let (Some(low), Some(high)) = (holder.attribute("lowerbound"), holder.attribute("upperbound")) {
            return Ok(((holder, low), (holder, high)));
        }
    }
    Err(at_element(
        file,
        element,
        format!("numeric issue {label} needs `lowerbound` and `upperbound` attributes (or a <range> child with them)"),
    ))
}

fn parse_profile<'a>(
    file: InputFile<'a>,
    domain: &Domain<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<(ActorSpec, ActorPlaces<'a>), FormatError> {
    let root = parse_xml(file)?;
    let id = file_stem(file.name).to_owned();
    let mut places = ActorPlaces {
        file,
        root: root.offset,
        reservation: None,
        discount: None,
        first_weight: None,
        weights: HashMap::new(),
        issues: HashMap::new(),
        rectangles: Vec::new(),
    };

    let reservation = match root.child("reservation") {
        Some(element) => {
            let value = required(file, element, "value")?;
            places.reservation = Some(value.offset);
            number(file, element, value)?
        }
        None => 0.0,
    };
    let discount = match root.child("discount_factor") {
        Some(element) => {
            let value = required(file, element, "value")?;
            places.discount = Some(value.offset);
            let factor = number(file, element, value)?;
            if factor < 0.0 {
                return Err(at_attribute(
                    file,
                    element,
                    value,
                    format!("discount factor {factor} is negative: expected a factor in (0, 1], or 0 for none"),
                ));
            }
            // GENIUS reads 0 and factors of 1 or more as "no discounting".
            (factor > 0.0 && factor < 1.0).then_some(factor)
        }
        None => None,
    };

    let objective = root
        .child("objective")
        .ok_or_else(|| at_element(file, &root, "the profile has no <objective> element".to_owned()))?;
    let preferences = match root.attribute("type") {
        Some(kind) if kind.value.trim().eq_ignore_ascii_case("nonlinear") => {
            constraint_preferences(file, &root, objective, domain, &mut places)?
        }
        None => linear_preferences(file, objective, domain, &id, &mut places, warnings)?,
        Some(kind)
            if kind.value.trim().eq_ignore_ascii_case("linear")
                || kind.value.trim().eq_ignore_ascii_case("additive") =>
        {
            linear_preferences(file, objective, domain, &id, &mut places, warnings)?
        }
        Some(kind) => {
            return Err(at_attribute(
                file,
                &root,
                kind,
                format!(
                    "unsupported utility space type `{}`: expected a linear additive space (no type) or `nonlinear`",
                    kind.value
                ),
            ));
        }
    };

    // A negotiation template may name the party that uses this profile.
    let name = domain
        .agents
        .iter()
        .find(|agent| base_name(&agent.utility_space) == base_name(file.name))
        .map(|agent| agent.name.clone())
        .filter(|name| *name != id);

    // A bilateral GENIUS deal needs every party's consent.
    let actor = ActorSpec { name, veto: true, reservation, discount, ..ActorSpec::new(id, preferences) };
    Ok((actor, places))
}

/// Weights and evaluators gathered from a linear profile's objective tree, by
/// position of the issue in the domain.
#[derive(Default)]
struct LinearParts {
    weights: HashMap<usize, (f64, usize)>,
    evaluators: HashMap<usize, (EvaluatorSpec, usize)>,
}

fn linear_preferences(
    file: InputFile<'_>,
    objective: &Element,
    domain: &Domain<'_>,
    actor: &str,
    places: &mut ActorPlaces<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<PreferenceSpec, FormatError> {
    let mut parts = LinearParts::default();
    walk_linear(file, objective, domain, actor, &mut parts, places, warnings)?;
    let mut weights = IndexMap::new();
    let mut evaluations = IndexMap::new();
    for (position, issue) in domain.issues.iter().enumerate() {
        let weight = parts.weights.get(&position).copied();
        if let Some((weight, offset)) = weight {
            weights.insert(issue.id.clone(), weight);
            places.weights.insert(issue.id.clone(), offset);
        }
        if let Some((evaluator, offset)) = parts.evaluators.remove(&position) {
            evaluations.insert(issue.id.clone(), evaluator);
            places.issues.insert(issue.id.clone(), offset);
            if weight.is_none() {
                warnings.push(warning(
                    file,
                    offset,
                    Locator { actor: Some(actor.to_owned()), issue: Some(issue.id.clone()), ..Locator::default() },
                    format!("issue `{}` is evaluated but has no <weight>; it counts for nothing", issue.id),
                ));
            }
        }
    }
    Ok(PreferenceSpec::LinearAdditive { weights, evaluations })
}

fn walk_linear(
    file: InputFile<'_>,
    objective: &Element,
    domain: &Domain<'_>,
    actor: &str,
    parts: &mut LinearParts,
    places: &mut ActorPlaces<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<(), FormatError> {
    for child in &objective.children {
        match child.name.as_str() {
            "objective" => walk_linear(file, child, domain, actor, parts, places, warnings)?,
            "weight" => {
                let index_attribute = required(file, child, "index")?;
                let index = integer(file, child, index_attribute)?;
                let value = required(file, child, "value")?;
                let weight = number(file, child, value)?;
                if weight < 0.0 {
                    return Err(at_attribute(file, child, value, format!("weight {weight} is negative")));
                }
                places.first_weight.get_or_insert(child.offset);
                match domain.issue(index) {
                    Some((position, issue)) => {
                        if parts.weights.insert(position, (weight, child.offset)).is_some() {
                            return Err(at_attribute(
                                file,
                                child,
                                index_attribute,
                                format!("a second <weight> for issue `{}` (index {index})", issue.id),
                            ));
                        }
                    }
                    // GENIUS' additive utility sums issue weights only; an
                    // objective's weight does not enter it.
                    None if domain.objectives.contains(&index) => warnings.push(warning(
                        file,
                        child.offset,
                        Locator { actor: Some(actor.to_owned()), field: Some("weights"), ..Locator::default() },
                        format!("the weight {weight} of objective {index} is ignored, as GENIUS ignores it"),
                    )),
                    None => {
                        return Err(at_attribute(
                            file,
                            child,
                            index_attribute,
                            format!(
                                "weight for unknown issue index {index}; the domain `{}` has issue indices {}",
                                domain.file.name,
                                domain.known_indices()
                            ),
                        ));
                    }
                }
            }
            "issue" => {
                let index_attribute = required(file, child, "index")?;
                let index = integer(file, child, index_attribute)?;
                let Some((position, issue)) = domain.issue(index) else {
                    return Err(unknown_issue(file, child, index_attribute, index, domain));
                };
                check_issue_name(file, child, issue, actor, warnings);
                let evaluator = match &issue.domain {
                    IssueDomain::Discrete { options, .. } => {
                        discrete_evaluator(file, child, issue, options, actor, warnings)?
                    }
                    IssueDomain::Integer { .. } | IssueDomain::Continuous { .. } => {
                        linear_evaluator(file, child, issue)?
                    }
                };
                if let Some(evaluator) = evaluator {
                    if parts.evaluators.insert(position, (evaluator, child.offset)).is_some() {
                        return Err(at_attribute(
                            file,
                            child,
                            index_attribute,
                            format!("issue `{}` (index {index}) is evaluated twice", issue.id),
                        ));
                    }
                }
            }
            "utility" => {
                return Err(at_element(
                    file,
                    child,
                    "<utility> belongs to a nonlinear space, but <utility_space> lacks type=\"nonlinear\"".to_owned(),
                ));
            }
            // Descriptions, AMPOvsCity's similarity functions and the like are
            // not part of GENIUS' utility.
            _ => {}
        }
    }
    Ok(())
}

fn unknown_issue(
    file: InputFile<'_>,
    element: &Element,
    attribute: &Attribute,
    index: i64,
    domain: &Domain<'_>,
) -> FormatError {
    at_attribute(
        file,
        element,
        attribute,
        format!(
            "unknown issue index {index}; the domain `{}` has issue indices {}",
            domain.file.name,
            domain.known_indices()
        ),
    )
}

/// GENIUS matches a profile's issues to the domain's by index alone; a
/// different name suggests the profile belongs to another domain.
fn check_issue_name(
    file: InputFile<'_>,
    element: &Element,
    issue: &DomainIssue,
    actor: &str,
    warnings: &mut Vec<Warning>,
) {
    if let Some(name) = element.attribute("name") {
        if !issue.name.is_empty() && name.value.trim() != issue.name {
            warnings.push(warning(
                file,
                name.offset,
                Locator { actor: Some(actor.to_owned()), issue: Some(issue.id.clone()), ..Locator::default() },
                format!(
                    "issue index {} is named `{}` here but `{}` in the domain; matched by index",
                    issue.index,
                    name.value.trim(),
                    issue.name
                ),
            ));
        }
    }
}

fn discrete_evaluator(
    file: InputFile<'_>,
    element: &Element,
    issue: &DomainIssue,
    options: &[String],
    actor: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Option<EvaluatorSpec>, FormatError> {
    let mut evaluations: IndexMap<String, f64> = IndexMap::new();
    // Only the issue's own items: AMPOvsCity nests further <item>s inside
    // similarity functions, which are no part of the utility.
    for item in element.children_named("item") {
        let value = required(file, item, "value")?;
        // GENIUS skips items without an evaluation.
        let Some(evaluation) = item.attribute("evaluation").filter(|a| a.value.trim() != "null") else {
            continue;
        };
        if !options.contains(&value.value) {
            return Err(at_attribute(
                file,
                item,
                value,
                format!(
                    "`{}` is not an option of issue `{}` in the domain (options: {})",
                    value.value,
                    issue.id,
                    options.join(", ")
                ),
            ));
        }
        let score = number(file, item, evaluation)?;
        if score < 0.0 {
            return Err(at_attribute(file, item, evaluation, format!("evaluation {score} is negative")));
        }
        if let Some(previous) = evaluations.insert(value.value.clone(), score) {
            warnings.push(warning(
                file,
                item.offset,
                Locator { actor: Some(actor.to_owned()), issue: Some(issue.id.clone()), ..Locator::default() },
                format!(
                    "issue `{}`: option `{}` is evaluated twice ({previous}, then {score}); the last counts, as in GENIUS",
                    issue.id, value.value
                ),
            ));
        }
    }
    Ok((!evaluations.is_empty()).then_some(EvaluatorSpec::Options(evaluations)))
}

fn linear_evaluator(
    file: InputFile<'_>,
    element: &Element,
    issue: &DomainIssue,
) -> Result<Option<EvaluatorSpec>, FormatError> {
    let Some(evaluator) = element.child("evaluator") else {
        return Ok(None);
    };
    if let Some(ftype) = evaluator.attribute("ftype") {
        if !ftype.value.trim().eq_ignore_ascii_case("linear") {
            return Err(at_attribute(
                file,
                evaluator,
                ftype,
                format!(
                    "evaluator ftype `{}` on issue `{}` is not supported: only `linear` (slope and offset)",
                    ftype.value, issue.id
                ),
            ));
        }
    }
    // Current GENIUS writes `slope` and `offset`; older real evaluators wrote
    // `parameter1` and `parameter0`.
    let slope_attribute = evaluator.attribute("slope").or_else(|| evaluator.attribute("parameter1"));
    let offset_attribute = evaluator.attribute("offset").or_else(|| evaluator.attribute("parameter0"));
    let (Some(slope_attribute), Some(offset_attribute)) = (slope_attribute, offset_attribute) else {
        return Err(at_element(
            file,
            evaluator,
            format!("the linear evaluator of issue `{}` needs `slope` and `offset` attributes", issue.id),
        ));
    };
    let slope = number(file, evaluator, slope_attribute)?;
    let offset = number(file, evaluator, offset_attribute)?;
    let (offset, min, max) = match issue.domain {
        IssueDomain::Integer { min, max, .. } => {
            // GENIUS' EvaluatorInteger measures x from the profile's own
            // lowerbound: slope·(x − lowerbound) + offset.
            let lower = match element.attribute("lowerbound") {
                Some(attribute) => integer(file, element, attribute)?,
                None => min,
            };
            (offset - slope * lower as f64, min as f64, max as f64)
        }
        // GENIUS' EvaluatorReal takes x as it is.
        IssueDomain::Continuous { min, max, .. } => (offset, min, max),
        IssueDomain::Discrete { .. } => {
            return Err(at_element(
                file,
                evaluator,
                format!("issue `{}` is discrete: evaluate its options with <item evaluation=…>", issue.id),
            ));
        }
    };
    // GENIUS cuts the evaluation to [0, 1]. Only a line that leaves [0, 1]
    // over the issue's range needs the cut, so only such a one says so.
    let (at_min, at_max) = (slope * min + offset, slope * max + offset);
    let clamp = at_min.min(at_max) < 0.0 || at_min.max(at_max) > 1.0;
    Ok(Some(EvaluatorSpec::Linear { slope, offset, clamp }))
}

fn constraint_preferences(
    file: InputFile<'_>,
    root: &Element,
    objective: &Element,
    domain: &Domain<'_>,
    places: &mut ActorPlaces<'_>,
) -> Result<PreferenceSpec, FormatError> {
    // The profile repeats the domain's issues; check that they are the same ones.
    for issue in objective.children_named("issue") {
        let index_attribute = required(file, issue, "index")?;
        let index = integer(file, issue, index_attribute)?;
        if domain.issue(index).is_none() {
            return Err(unknown_issue(file, issue, index_attribute, index, domain));
        }
    }
    // GENIUS reads the <utility> of the root objective.
    let utility = objective.child("utility").or_else(|| root.child("utility")).ok_or_else(|| {
        at_element(file, objective, "a nonlinear utility space needs a <utility maxutility=…> element".to_owned())
    })?;
    let max_attribute = required(file, utility, "maxutility")?;
    let max_utility = number(file, utility, max_attribute)?;
    if max_utility <= 0.0 {
        return Err(at_attribute(file, utility, max_attribute, format!("maxutility {max_utility} is not positive")));
    }
    let mut ufuns = utility.children_named("ufun");
    let ufun = ufuns
        .next()
        .ok_or_else(|| at_element(file, utility, "<utility> has no <ufun> holding the hyperrectangles".to_owned()))?;
    if let Some(second) = ufuns.next() {
        return Err(at_element(
            file,
            second,
            "a second <ufun> in <utility>: GENIUS reads only the first; nest ufuns to combine them".to_owned(),
        ));
    }
    // GENIUS multiplies a nested ufun by its weight but never the outermost
    // one; a weight other than 1 there is more likely a mistake than meant.
    if let Some(weight) = ufun.attribute("weight") {
        let value = number(file, ufun, weight)?;
        if value != 1.0 {
            return Err(at_attribute(
                file,
                ufun,
                weight,
                format!(
                    "outermost ufun weight {value} is not supported: GENIUS ignores it, so it would not mean what \
                     it says; scale the rectangles' utilities instead"
                ),
            ));
        }
    }
    let mut rectangles = Vec::new();
    collect_rectangles(file, ufun, 1.0, domain, &mut rectangles, &mut places.rectangles, 0)?;

    Ok(PreferenceSpec::Constraint { max_utility, rectangles })
}

fn collect_rectangles(
    file: InputFile<'_>,
    ufun: &Element,
    multiplier: f64,
    domain: &Domain<'_>,
    rectangles: &mut Vec<HyperRectangleSpec>,
    offsets: &mut Vec<usize>,
    depth: usize,
) -> Result<(), FormatError> {
    if depth > MAX_DEPTH {
        return Err(at_element(file, ufun, "ufuns nested too deeply".to_owned()));
    }
    if let Some(kind) = ufun.attribute("type") {
        if !kind.value.trim().eq_ignore_ascii_case("PlainUfun") {
            return Err(at_attribute(
                file,
                ufun,
                kind,
                format!("ufun type `{}` is not supported: only PlainUfun (a sum of hyperrectangles)", kind.value),
            ));
        }
    }
    if let Some(aggregation) = ufun.attribute("aggregation") {
        if !aggregation.value.trim().eq_ignore_ascii_case("sum") {
            return Err(at_attribute(
                file,
                ufun,
                aggregation,
                format!("ufun aggregation `{}` is not supported: only `sum`", aggregation.value),
            ));
        }
    }
    for child in &ufun.children {
        match child.name.as_str() {
            "hyperRectangle" => {
                for rectangle in hyperrectangle(file, child, multiplier, domain)? {
                    rectangles.push(rectangle);
                    offsets.push(child.offset);
                }
            }
            "ufun" => {
                let weight = match child.attribute("weight") {
                    Some(weight) => number(file, child, weight)?,
                    None => 1.0,
                };
                collect_rectangles(file, child, multiplier * weight, domain, rectangles, offsets, depth + 1)?;
            }
            other => {
                return Err(at_element(
                    file,
                    child,
                    format!("<{other}> in a <ufun> is not supported: only <hyperRectangle> and nested <ufun>"),
                ));
            }
        }
    }
    Ok(())
}

/// One bound of a hyperrectangle: the issue's position in the domain, the
/// issue, and the bound's range.
struct Bound<'d> {
    position: usize,
    issue: &'d DomainIssue,
    min: f64,
    max: f64,
    element: &'d Element,
}

/// A `<hyperRectangle>` as inclusive boxes: itself, or, for an EXCLUDES
/// rectangle, disjoint boxes covering the outside of its box.
fn hyperrectangle(
    file: InputFile<'_>,
    element: &Element,
    multiplier: f64,
    domain: &Domain<'_>,
) -> Result<Vec<HyperRectangleSpec>, FormatError> {
    let utility_attribute = required(file, element, "utility")?;
    let mut utility = number(file, element, utility_attribute)? * multiplier;
    if let Some(weight) = element.attribute("weight") {
        utility *= number(file, element, weight)?;
    }
    let mut includes = Vec::new();
    let mut excludes = Vec::new();
    for child in &element.children {
        match child.name.as_str() {
            "INCLUDES" => includes.push(child),
            "EXCLUDES" => excludes.push(child),
            other => {
                return Err(at_element(
                    file,
                    child,
                    format!("<{other}> in a <hyperRectangle> is not supported: only INCLUDES and EXCLUDES bounds"),
                ));
            }
        }
    }
    if let (Some(_), Some(first_exclude)) = (includes.first(), excludes.first()) {
        return Err(at_element(
            file,
            first_exclude,
            "a hyperRectangle with both INCLUDES and EXCLUDES bounds is not supported (GENIUS itself keeps only the \
             EXCLUDES ones)"
                .to_owned(),
        ));
    }
    let is_exclusive = !excludes.is_empty();
    let mut bounds: Vec<Bound<'_>> = Vec::new();
    for child in includes.into_iter().chain(excludes) {
        let index_attribute = required(file, child, "index")?;
        let index = integer(file, child, index_attribute)?;
        let Some((position, issue)) = domain.issue(index) else {
            return Err(unknown_issue(file, child, index_attribute, index, domain));
        };
        if matches!(issue.domain, IssueDomain::Discrete { .. }) {
            return Err(at_attribute(
                file,
                child,
                index_attribute,
                format!("issue `{}` is discrete: hyperrectangle bounds need a numeric issue", issue.id),
            ));
        }
        if bounds.iter().any(|b| b.position == position) {
            return Err(at_attribute(
                file,
                child,
                index_attribute,
                format!("issue `{}` (index {index}) is bounded twice in one hyperRectangle", issue.id),
            ));
        }
        let min_attribute = required(file, child, "min")?;
        let max_attribute = required(file, child, "max")?;
        let min = number(file, child, min_attribute)?;
        let max = number(file, child, max_attribute)?;
        if min > max {
            return Err(at_attribute(file, child, min_attribute, format!("min {min} is above max {max}")));
        }
        bounds.push(Bound { position, issue, min, max, element: child });
    }
    bounds.sort_by_key(|b| b.position);
    if !is_exclusive {
        let bounds = bounds.iter().map(|b| (b.issue.id.clone(), [b.min, b.max])).collect();
        return Ok(vec![HyperRectangleSpec { utility, bounds }]);
    }
    outside_of_box(file, utility, &bounds)
}

/// GENIUS' EXCLUDES rectangle pays `utility` wherever an outcome lies outside
/// at least one of its ranges, that is, outside its box. That region is cut
/// into disjoint boxes: for each bound j in turn, inside bounds 0..j and
/// outside bound j (below it or above it). Outside a range is not an inclusive
/// range on a real issue, so only integer issues are accepted.
fn outside_of_box(
    file: InputFile<'_>,
    utility: f64,
    bounds: &[Bound<'_>],
) -> Result<Vec<HyperRectangleSpec>, FormatError> {
    struct IntegerBound<'b> {
        id: &'b str,
        low: i64,
        high: i64,
        domain_min: i64,
        domain_max: i64,
    }
    let mut integer_bounds = Vec::with_capacity(bounds.len());
    for bound in bounds {
        let IssueDomain::Integer { min: domain_min, max: domain_max, .. } = bound.issue.domain else {
            return Err(at_element(
                file,
                bound.element,
                format!(
                    "EXCLUDES on real issue `{}` is not supported: the outside of a range is open at its ends, \
                     which inclusive hyperrectangles cannot express",
                    bound.issue.id
                ),
            ));
        };
        let (Some(low), Some(high)) = (exact_integer(bound.min), exact_integer(bound.max)) else {
            return Err(at_element(
                file,
                bound.element,
                format!("EXCLUDES bounds on integer issue `{}` must be integers", bound.issue.id),
            ));
        };
        integer_bounds.push(IntegerBound { id: &bound.issue.id, low, high, domain_min, domain_max });
    }
    let mut pieces = Vec::new();
    let mut inside: IndexMap<String, [f64; 2]> = IndexMap::new();
    for bound in &integer_bounds {
        let below = (bound.low > bound.domain_min)
            .then(|| [bound.domain_min, bound.low.saturating_sub(1).min(bound.domain_max)]);
        let above = (bound.high < bound.domain_max)
            .then(|| [bound.high.saturating_add(1).max(bound.domain_min), bound.domain_max]);
        for [low, high] in [below, above].into_iter().flatten() {
            let mut piece = inside.clone();
            piece.insert(bound.id.to_owned(), [low as f64, high as f64]);
            pieces.push(HyperRectangleSpec { utility, bounds: piece });
        }
        let low = bound.low.max(bound.domain_min);
        let high = bound.high.min(bound.domain_max);
        if low > high {
            // The box misses the domain on this issue: every outcome is outside
            // it, and the pieces so far already cover everything.
            break;
        }
        inside.insert(bound.id.to_owned(), [low as f64, high as f64]);
    }
    Ok(pieces)
}

fn exact_integer(value: f64) -> Option<i64> {
    // 2⁵³: beyond it not every integer is a float, and GENIUS' bounds are ints.
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    (value.fract() == 0.0 && value.abs() <= LIMIT).then_some(value as i64)
}

/// Parses a whole document into an element tree, or says where it is broken.
fn parse_xml(file: InputFile<'_>) -> Result<Element, FormatError> {
    let mut reader = Reader::from_str(file.text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let start = offset(reader.buffer_position());
        let event = reader.read_event().map_err(|error| {
            FormatError::new(file.name, format!("malformed XML: {error}"))
                .at_offset(file.text, offset(reader.error_position()))
        })?;
        match event {
            Event::Start(tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(FormatError::new(file.name, format!("elements nested deeper than {MAX_DEPTH}"))
                        .at_offset(file.text, start));
                }
                if root.is_some() && stack.is_empty() {
                    return Err(second_root(file, start));
                }
                stack.push(element(file, &tag, start)?);
            }
            Event::Empty(tag) => {
                let element = element(file, &tag, start)?;
                attach(file, element, &mut stack, &mut root, start)?;
            }
            Event::End(_) => {
                // quick-xml has checked that the end tag matches.
                let Some(element) = stack.pop() else {
                    return Err(
                        FormatError::new(file.name, "closing tag without an opening one").at_offset(file.text, start)
                    );
                };
                attach(file, element, &mut stack, &mut root, start)?;
            }
            Event::Text(text) => {
                if stack.is_empty() && !is_blank(&text) {
                    return Err(
                        FormatError::new(file.name, "text outside the root element").at_offset(file.text, start)
                    );
                }
            }
            Event::CData(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        let (line, _) = crate::error::line_column(file.text, open.offset);
        return Err(FormatError::new(
            file.name,
            format!("the file ends inside <{}> (opened at line {line}): it is truncated or not closed", open.name),
        )
        .at_offset(file.text, file.text.len()));
    }
    root.ok_or_else(|| FormatError::new(file.name, "no XML element in the file"))
}

fn second_root(file: InputFile<'_>, start: usize) -> FormatError {
    FormatError::new(file.name, "a second root element: an XML document has one").at_offset(file.text, start)
}

fn attach(
    file: InputFile<'_>,
    element: Element,
    stack: &mut [Element],
    root: &mut Option<Element>,
    start: usize,
) -> Result<(), FormatError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err(second_root(file, start)),
    }
    Ok(())
}

fn element(file: InputFile<'_>, tag: &BytesStart<'_>, start: usize) -> Result<Element, FormatError> {
    let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|error| {
            // The position is counted from the character after `<`.
            FormatError::new(file.name, format!("malformed attribute in <{name}>: {error}"))
                .at_offset(file.text, start + 1 + attribute_error_position(&error))
        })?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value_offset = offset_in(file.text, &attribute.value).unwrap_or(start);
        let value = attribute
            .unescape_value()
            .map_err(|error| {
                FormatError::new(file.name, format!("attribute `{key}` of <{name}>: {error}"))
                    .at_offset(file.text, value_offset)
                    .field(format!("{name}.{key}"))
            })?
            .into_owned();
        attributes.push(Attribute { name: key, value, offset: value_offset });
    }
    Ok(Element { name, offset: start, attributes, children: Vec::new() })
}

fn attribute_error_position(error: &AttrError) -> usize {
    match *error {
        AttrError::ExpectedEq(position)
        | AttrError::ExpectedValue(position)
        | AttrError::UnquotedValue(position)
        | AttrError::ExpectedQuote(position, _)
        | AttrError::Duplicated(position, _) => position,
    }
}

/// Where `part`, a slice borrowed from `text`, starts in it. The reader borrows
/// attribute values from the input, so this finds them without searching;
/// anything not inside `text` gives `None`.
fn offset_in(text: &str, part: &[u8]) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (start <= text.len()).then_some(start)
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn is_blank(text: &[u8]) -> bool {
    let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
    text.iter().all(u8::is_ascii_whitespace)
}

/// Whether the first non-blank line is two or more comma-separated numbers.
fn looks_like_pareto(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(line) = text.lines().find(|line| !line.trim().is_empty()) else {
        return false;
    };
    let mut count = 0;
    for token in line.split(',') {
        if token.trim().parse::<f64>().is_err() {
            return false;
        }
        count += 1;
    }
    count >= 2
}

fn required<'e>(file: InputFile<'_>, element: &'e Element, name: &str) -> Result<&'e Attribute, FormatError> {
    element.attribute(name).ok_or_else(|| {
        FormatError::new(file.name, format!("<{}> has no `{name}` attribute", element.name))
            .at_offset(file.text, element.offset)
            .field(format!("{}.{name}", element.name))
    })
}

fn number(file: InputFile<'_>, element: &Element, attribute: &Attribute) -> Result<f64, FormatError> {
    let text = attribute.value.trim();
    let value: f64 =
        text.parse().map_err(|_| at_attribute(file, element, attribute, format!("`{text}` is not a number")))?;
    if !value.is_finite() {
        return Err(at_attribute(file, element, attribute, format!("`{text}` is not a finite number")));
    }
    Ok(value)
}

fn integer(file: InputFile<'_>, element: &Element, attribute: &Attribute) -> Result<i64, FormatError> {
    let text = attribute.value.trim();
    text.parse().map_err(|_| at_attribute(file, element, attribute, format!("`{text}` is not an integer")))
}

fn at_attribute(file: InputFile<'_>, element: &Element, attribute: &Attribute, message: String) -> FormatError {
    FormatError::new(file.name, message)
        .at_offset(file.text, attribute.offset)
        .field(format!("{}.{}", element.name, attribute.name))
}

fn at_element(file: InputFile<'_>, element: &Element, message: String) -> FormatError {
    FormatError::new(file.name, message).at_offset(file.text, element.offset).field(element.name.clone())
}

/// A warning that names the file, line and column it is about.
fn warning(file: InputFile<'_>, offset: usize, locator: Locator, message: String) -> Warning {
    let (line, column) = crate::error::line_column(file.text, offset);
    Warning { locator, message: format!("{}:{line}:{column}: {message}", file.name) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_directories_and_the_extension() {
        assert_eq!(file_stem("a/b/laptop_buyer_utility.xml"), "laptop_buyer_utility");
        assert_eq!(file_stem("C:\\x\\Domain4_util1.xml"), "Domain4_util1");
        assert_eq!(file_stem(".hidden"), ".hidden");
        assert_eq!(scenario_name("x/laptop_domain.xml"), "laptop");
        assert_eq!(scenario_name("University.xml"), "University");
        assert_eq!(scenario_name("ampo_vs_city_template.xml"), "ampo_vs_city");
    }

    #[test]
    fn offsets_of_attribute_values_point_inside_the_quotes() {
        let text = "<a>\n  <weight index=\"1\" value=\"abc\"/></a>";
        let file = InputFile { name: "p.xml", text };
        let root = parse_xml(file).expect("well-formed");
        let weight = root.child("weight").expect("child");
        let value = weight.attribute("value").expect("attribute");
        assert_eq!(crate::error::line_column(text, value.offset), (2, 28));
        assert_eq!(crate::error::line_column(text, weight.offset), (2, 3));
    }

    fn rectangle_utility(rectangles: &[HyperRectangleSpec], point: &[(&str, i64)]) -> f64 {
        rectangles
            .iter()
            .filter(|r| {
                point
                    .iter()
                    .all(|(id, x)| r.bounds.get(*id).is_none_or(|[lo, hi]| *lo <= *x as f64 && *x as f64 <= *hi))
            })
            .map(|r| r.utility)
            .sum()
    }

    /// The decomposition of an EXCLUDES rectangle against GENIUS' rule, by
    /// brute force over every point of a small space.
    #[test]
    fn excluded_box_becomes_disjoint_boxes_covering_its_outside() {
        let issue = |id: &str, min: i64, max: i64| DomainIssue {
            index: 0,
            id: id.to_owned(),
            name: id.to_owned(),
            description: String::new(),
            domain: IssueDomain::Integer { min, max, unit: None },
            offset: 0,
        };
        let issues = [issue("x", 0, 4), issue("y", 0, 4), issue("z", -2, 2)];
        let dummy = Element { name: "EXCLUDES".to_owned(), offset: 0, attributes: Vec::new(), children: Vec::new() };
        let file = InputFile { name: "t.xml", text: "" };
        let cases: [&[(usize, f64, f64)]; 5] = [
            &[(0, 1.0, 3.0), (1, 0.0, 2.0), (2, -1.0, 1.0)],
            &[(0, 0.0, 4.0), (1, 0.0, 4.0)],
            &[(0, 5.0, 7.0), (2, 0.0, 0.0)],
            &[(1, 4.0, 4.0)],
            &[(0, -3.0, -1.0), (1, 2.0, 9.0)],
        ];
        for case in cases {
            let bounds: Vec<Bound<'_>> = case
                .iter()
                .map(|&(position, min, max)| Bound { position, issue: &issues[position], min, max, element: &dummy })
                .collect();
            let pieces = outside_of_box(file, 3.0, &bounds).expect("integer issues");
            assert!(pieces.len() <= 2 * case.len());
            for x in 0..=4 {
                for y in 0..=4 {
                    for z in -2..=2 {
                        let point = [("x", x), ("y", y), ("z", z)];
                        let coordinates = [x as f64, y as f64, z as f64];
                        let inside = case.iter().all(|&(p, lo, hi)| lo <= coordinates[p] && coordinates[p] <= hi);
                        let expected = if inside { 0.0 } else { 3.0 };
                        assert_eq!(rectangle_utility(&pieces, &point), expected, "{case:?} at {point:?}");
                    }
                }
            }
        }
    }
}
