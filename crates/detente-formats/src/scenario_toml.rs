//! Detente's own scenario format, in TOML.
//!
//! The format is the serde shape of [`ScenarioSpec`]; `docs/scenario-format.md`
//! is its reference. Reading has two stages, like every reader here:
//! [`read_toml`] turns text into an unvalidated spec (syntax and types), and
//! [`load_toml`] builds the validated [`Scenario`] from it.
//!
//! Every error is placed in the file, because a scenario is written by hand
//! and "weights do not sum to one" is useless without "line 40".
//!
//! - Syntax errors carry the span `toml_edit` reports. Their field is read off
//!   the text (the last table header and the key on the line), since there is
//!   no document to ask.
//! - Type errors (`capability = "high"`, a missing `preferences`) carry the
//!   span serde's deserializer reports; their field is the key path of the
//!   innermost item of the document at that span, plus the field a
//!   "missing field" message names.
//! - Semantic errors come from `Scenario::new`, which knows nothing of files:
//!   [`ScenarioError::locator`] names the actor, issue and field, and
//!   [`semantic_target`] turns that into a path in the document (the
//!   `[[actors]]` entry with that id, then `capability`, or
//!   `preferences.salience.<issue>`). The text is parsed a second time with
//!   `toml_edit`, which keeps spans, to find that path; where the key itself is
//!   missing, the nearest enclosing table that exists is reported, then the
//!   file.
//!
//! ```
//! use detente_core::WeightPolicy;
//! use detente_formats::scenario_toml::load_toml;
//!
//! let text = r#"
//! name = "split a pie"
//!
//! [[issues]]
//! id = "share"
//! kind = "continuous"
//! min = 0
//! max = 100
//!
//! [[actors]]
//! id = "a"
//! capability = nan
//! preferences = { type = "spatial", position = { share = 100 }, salience = { share = 1 } }
//! "#;
//! let error = load_toml("pie.toml", text, WeightPolicy::Refuse).unwrap_err();
//! assert_eq!(error.to_string(), "pie.toml:12:14: actors.capability: actor `a`: capability is NaN, expected a finite number");
//! ```

use std::ops::Range;

use detente_core::{
    EvaluatorSpec, IssueDomain, PreferenceSpec, Scenario, ScenarioError, ScenarioSpec, Warning, WeightPolicy,
};
use toml_edit::{ImDocument, Item};

use crate::error::FormatError;

/// Reads a scenario file without validating it: syntax and types only.
pub fn read_toml(file_name: &str, text: &str) -> Result<ScenarioSpec, FormatError> {
    toml::from_str(text).map_err(|error| deserialize_error(file_name, text, &error))
}

/// Reads and validates a scenario file. Warnings (weights that did not sum to
/// one and were divided by their sum) are returned, not printed.
pub fn load_toml(file_name: &str, text: &str, policy: WeightPolicy) -> Result<(Scenario, Vec<Warning>), FormatError> {
    let spec = read_toml(file_name, text)?;
    Scenario::new(spec.clone(), policy).map_err(|error| {
        let target = semantic_target(&error, &spec);
        let located = FormatError::new(file_name, error.to_string()).field(target.field());
        // The text parsed once already, so this parse succeeds; if it somehow
        // does not, the error still names the file and the field.
        match ImDocument::parse(text).ok().and_then(|document| toml_offset(&document, &target)) {
            Some(offset) => located.at_offset(text, offset),
            None => located,
        }
    })
}

/// Writes a scenario in the TOML format, normalised (names filled in, weights
/// summing to one). `load_toml` of the result gives the same scenario back.
///
/// Preferences keyed by issue (`position`, `salience`, `weights`, each
/// issue's evaluation, a box's `bounds`) are written as inline tables, one
/// line each, the way a person writes them; everything else is a table.
pub fn write_toml(scenario: &Scenario) -> String {
    // `toml` lays out arrays of tables as `[[actors]]` sections; `toml_edit`
    // then turns the small per-issue maps inline.
    let text = toml::to_string(&scenario.to_spec())
        .expect("a ScenarioSpec is representable in TOML: string keys, no None in arrays, no bare values at the root");
    let mut document: toml_edit::DocumentMut = text.parse().expect("toml's own output parses");
    if let Some(actors) = document.get_mut("actors").and_then(Item::as_array_of_tables_mut) {
        for actor in actors.iter_mut() {
            if let Some(preferences) = actor.get_mut("preferences").and_then(Item::as_table_mut) {
                inline_preferences(preferences);
            }
        }
    }
    document.to_string()
}

/// Turns the per-issue maps of one actor's preferences into inline tables.
fn inline_preferences(preferences: &mut toml_edit::Table) {
    for key in ["position", "salience", "weights"] {
        inline(preferences, key);
    }
    if let Some(evaluations) = preferences.get_mut("evaluations").and_then(Item::as_table_mut) {
        let issues: Vec<String> = evaluations.iter().map(|(key, _)| key.to_owned()).collect();
        for issue in issues {
            inline(evaluations, &issue);
        }
    }
    if let Some(rectangles) = preferences.get_mut("rectangles").and_then(Item::as_array_of_tables_mut) {
        for rectangle in rectangles.iter_mut() {
            inline(rectangle, "bounds");
        }
    }
}

fn inline(table: &mut toml_edit::Table, key: &str) {
    if let Some(item) = table.get_mut(key) {
        if let Item::Table(sub) = item {
            let mut inline = std::mem::take(sub).into_inline_table();
            inline.fmt();
            *item = Item::Value(toml_edit::Value::InlineTable(inline));
            // A table's key was formatted for a `[header]`, without spaces.
            if let Some(mut key) = table.key_mut(key) {
                key.fmt();
            }
        }
    }
}

/// One step of a path into a scenario document: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Where in a document a semantic error lies: a path from the root, and
/// whether the key itself (an unknown id) or its value is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) path: Vec<Seg>,
    pub(crate) at_key: bool,
}

impl Target {
    /// The path as a field name: keys joined by dots, array indices left out
    /// (the line already says which entry), as in `actors.capability`.
    pub(crate) fn field(&self) -> String {
        field_name(&self.path)
    }
}

pub(crate) fn field_name(path: &[Seg]) -> String {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|seg| match seg {
            Seg::Key(key) => Some(key.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    keys.join(".")
}

/// The path in a scenario document that a semantic error is about, in the
/// serde shape shared by the TOML and JSON formats.
///
/// The core's [`ScenarioError::locator`] gives the actor, issue and field;
/// `spec` (the same data the document holds, in the same order) turns ids into
/// array indices and, where the locator stops short (which option, which
/// hyperrectangle), finds the entry the core must have refused: the first
/// that breaks the rule, since the core checks in document order.
pub(crate) fn semantic_target(error: &ScenarioError, spec: &ScenarioSpec) -> Target {
    let locator = error.locator();
    let key = |name: &str| Seg::Key(name.to_owned());
    let mut at_key = matches!(error, ScenarioError::UnknownIssue { .. } | ScenarioError::UnknownEstimate { .. });
    let mut path = Vec::new();

    if let Some(actor_id) = &locator.actor {
        // A duplicate id is the second entry that carries it.
        let occurrence = usize::from(matches!(error, ScenarioError::DuplicateId { .. }));
        let Some(actor_idx) = nth_index(spec.actors.iter().map(|a| a.id.as_str()), actor_id, occurrence) else {
            return Target { path: vec![key("actors")], at_key: false };
        };
        let actor = &spec.actors[actor_idx];
        path.extend([key("actors"), Seg::Index(actor_idx)]);
        let preferences = |path: &mut Vec<Seg>, rest: &[&str]| {
            path.push(key("preferences"));
            path.extend(rest.iter().map(|k| key(k)));
        };
        match (locator.field, locator.issue.as_deref()) {
            (Some(field @ ("rectangles.utility" | "rectangles.bounds")), issue) => {
                preferences(&mut path, &["rectangles"]);
                let unknown = matches!(error, ScenarioError::UnknownIssue { .. });
                let rectangle_idx = locator.rectangle.or_else(|| bad_rectangle(&actor.preferences, issue, unknown));
                if let Some(rectangle_idx) = rectangle_idx {
                    path.push(Seg::Index(rectangle_idx));
                    match (field, issue) {
                        ("rectangles.bounds", Some(issue)) => path.extend([key("bounds"), key(issue)]),
                        ("rectangles.bounds", None) => path.push(key("bounds")),
                        _ => path.push(key("utility")),
                    }
                }
            }
            (Some(field @ ("slope" | "offset")), Some(issue)) => {
                preferences(&mut path, &["evaluations", issue, "linear", field]);
            }
            (Some("evaluations"), Some(issue)) => {
                preferences(&mut path, &["evaluations", issue]);
                if let ScenarioError::NotFinite { .. } | ScenarioError::OutOfRange { .. } = error {
                    if let Some(option) = bad_option(&actor.preferences, issue) {
                        path.extend([key("options"), key(option)]);
                    }
                }
            }
            (Some("max_utility"), _) => preferences(&mut path, &["max_utility"]),
            (Some(field @ ("position" | "salience" | "weights" | "evaluations")), issue) => {
                preferences(&mut path, &[field]);
                path.extend(issue.map(key));
            }
            (Some("estimates"), _) => {
                path.push(key("estimates"));
                if let ScenarioError::UnknownEstimate { key: name, .. } = error {
                    path.push(key(name));
                }
            }
            (Some(field), _) => path.push(key(field)),
            // No field: an option or a type mismatch on one issue, found
            // where this kind of preference mentions the issue.
            (None, Some(issue)) => match &actor.preferences {
                PreferenceSpec::Spatial { .. } => preferences(&mut path, &["position", issue]),
                PreferenceSpec::LinearAdditive { .. } => {
                    preferences(&mut path, &["evaluations", issue]);
                    match error {
                        ScenarioError::UnknownOption { option, .. } => {
                            path.extend([key("options"), key(option)]);
                            at_key = true;
                        }
                        ScenarioError::MissingOption { .. } => path.push(key("options")),
                        _ => {}
                    }
                }
                PreferenceSpec::Constraint { rectangles, .. } => {
                    preferences(&mut path, &["rectangles"]);
                    if let Some(rectangle_idx) = rectangles.iter().position(|r| r.bounds.contains_key(issue)) {
                        path.extend([Seg::Index(rectangle_idx), key("bounds"), key(issue)]);
                    }
                }
            },
            (None, None) => {}
        }
    } else if let Some(issue_id) = &locator.issue {
        let occurrence = usize::from(matches!(error, ScenarioError::DuplicateId { .. }));
        let Some(issue_idx) = nth_index(spec.issues.iter().map(|i| i.id.as_str()), issue_id, occurrence) else {
            return Target { path: vec![key("issues")], at_key: false };
        };
        path.extend([key("issues"), Seg::Index(issue_idx)]);
        let domain = &spec.issues[issue_idx].domain;
        match (error, locator.field) {
            (ScenarioError::DuplicateOption { option, .. }, _) => {
                path.push(key("options"));
                if let IssueDomain::Discrete { options, .. } = domain {
                    let second = nth_index(options.iter().map(String::as_str), option, 1);
                    path.extend(second.map(Seg::Index));
                }
            }
            (ScenarioError::EmptyIssue { .. }, _) => match domain {
                IssueDomain::Discrete { .. } => path.push(key("options")),
                _ => path.push(key("max")),
            },
            (_, Some(field)) => path.push(key(field)),
            (_, None) => {}
        }
    } else {
        match error {
            ScenarioError::Empty { what } => path.push(key(what)),
            ScenarioError::EmptyId { what } => {
                let (list, idx) = if *what == "issue" {
                    ("issues", spec.issues.iter().position(|i| i.id.is_empty()))
                } else {
                    ("actors", spec.actors.iter().position(|a| a.id.is_empty()))
                };
                path.push(key(list));
                if let Some(idx) = idx {
                    path.extend([Seg::Index(idx), key("id")]);
                }
            }
            _ => {}
        }
    }
    Target { path, at_key }
}

/// Index of the `occurrence`-th (0-based) item equal to `wanted`, or of the
/// first if there are fewer.
fn nth_index<'a>(items: impl Iterator<Item = &'a str>, wanted: &str, occurrence: usize) -> Option<usize> {
    let mut matches = items.enumerate().filter(|(_, id)| *id == wanted).map(|(idx, _)| idx);
    let first = matches.next();
    if occurrence == 0 { first } else { matches.nth(occurrence - 1).or(first) }
}

/// The first hyperrectangle the core would refuse for `issue` (or for its
/// utility, without an issue): the one it stopped at. An `unknown` issue is
/// refused in the first box that names it.
fn bad_rectangle(preferences: &PreferenceSpec, issue: Option<&str>, unknown: bool) -> Option<usize> {
    let PreferenceSpec::Constraint { rectangles, .. } = preferences else { return None };
    match issue {
        None => rectangles.iter().position(|r| !r.utility.is_finite()),
        Some(issue) if unknown => rectangles.iter().position(|r| r.bounds.contains_key(issue)),
        Some(issue) => rectangles
            .iter()
            .position(|r| r.bounds.get(issue).is_some_and(|[lo, hi]| !lo.is_finite() || !hi.is_finite() || lo > hi))
            .or_else(|| rectangles.iter().position(|r| r.bounds.contains_key(issue))),
    }
}

/// The first option of `issue` whose evaluation the core would refuse.
fn bad_option<'a>(preferences: &'a PreferenceSpec, issue: &str) -> Option<&'a str> {
    let PreferenceSpec::LinearAdditive { evaluations, .. } = preferences else { return None };
    let Some(EvaluatorSpec::Options(values) | EvaluatorSpec::Utilities(values)) = evaluations.get(issue) else {
        return None;
    };
    values.iter().find(|(_, v)| !v.is_finite() || **v < 0.0).map(|(option, _)| option.as_str())
}

/// Byte offset of `target` in a parsed document: of the value (or the key,
/// for an unknown id), or, where the path stops existing, of the deepest
/// enclosing item that does exist.
fn toml_offset(document: &ImDocument<&str>, target: &Target) -> Option<usize> {
    let mut item = document.as_item();
    let mut best = None;
    for (step, seg) in target.path.iter().enumerate() {
        let last = step + 1 == target.path.len();
        match seg {
            Seg::Key(name) => {
                let Some((key, child)) = item.as_table_like().and_then(|table| table.get_key_value(name)) else {
                    break;
                };
                let key_start = key.span().map(|span| span.start);
                let child_start = child.span().map(|span| span.start);
                let here = if last && target.at_key { key_start.or(child_start) } else { child_start.or(key_start) };
                best = here.or(best);
                item = child;
            }
            Seg::Index(idx) => {
                let Some(child) = item.get(idx) else { break };
                best = child.span().map(|span| span.start).or(best);
                item = child;
            }
        }
    }
    best
}

/// A `toml` error placed in the file and named by field.
fn deserialize_error(file_name: &str, text: &str, error: &toml::de::Error) -> FormatError {
    let mut message = serde_message(error.message());
    let mut offset = error.span().map(|span| span.start);
    if message.is_empty() {
        // toml_edit says nothing when the text stops where a value should be.
        let at_end = offset.is_none_or(|offset| text.get(offset..).is_none_or(|rest| rest.trim().is_empty()));
        message = if at_end { "unexpected end of file" } else { "invalid syntax" }.to_owned();
    }
    let field = match ImDocument::parse(text) {
        // The syntax is fine, so this is a type error: name the item at the span.
        Ok(document) => offset.map(|at| {
            let (path, better) = refine(&document, path_at(&document, at), &message);
            offset = better.or(offset);
            field_name(&path)
        }),
        Err(_) => offset.and_then(|at| field_on_line(text, at)),
    };
    let mut located = FormatError::new(file_name, message);
    if let Some(offset) = offset {
        located = located.at_offset(text, offset);
    }
    match field {
        Some(field) if !field.is_empty() => located.field(field),
        _ => located,
    }
}

/// Narrows a type error reported on a whole table (serde buffers flattened and
/// internally tagged tables, and loses the spans inside them) to the key at
/// fault: the field the message names (`unknown field `x``), or the one value
/// the message quotes (`invalid type: floating point `1.5``). Returns the path
/// and, where a key was found, its offset.
fn refine(document: &ImDocument<&str>, mut path: Vec<Seg>, message: &str) -> (Vec<Seg>, Option<usize>) {
    let name = named_field(message).or_else(|| message.starts_with("invalid position").then_some("position"));
    if name.is_some_and(|name| path.last() == Some(&Seg::Key(name.to_owned()))) {
        // The error is already at the key it names.
        return (path, None);
    }
    let mut item = document.as_item();
    for seg in &path {
        let child = match seg {
            Seg::Key(name) => item.get(name.as_str()),
            Seg::Index(idx) => item.get(*idx),
        };
        match child {
            Some(child) => item = child,
            None => return (path, None),
        }
    }
    let Some(table) = item.as_table_like() else { return (path, None) };
    if let Some(name) = name {
        let offset = table.key(name).and_then(toml_edit::Key::span).map(|span| span.start);
        path.push(Seg::Key(name.to_owned()));
        return (path, offset);
    }
    // Only what the message says was found, not what it expected:
    // "unknown variant `cubic`, expected `linear` or `quadratic`".
    let found = message.split(", expected").next().unwrap_or(message);
    let mut quoted = Vec::new();
    let mut suffix = Vec::new();
    quoted_values(document.raw(), table, found, &mut suffix, &mut quoted);
    if let [(suffix, offset)] = &quoted[..] {
        path.extend(suffix.iter().cloned());
        return (path, Some(*offset));
    }
    (path, None)
}

/// Collects the scalar values under `table` (its sub-tables and inline tables
/// too) whose text the message quotes, with their paths below `table`; or,
/// for "invalid type: sequence", the arrays.
fn quoted_values(
    raw: &str,
    table: &dyn toml_edit::TableLike,
    message: &str,
    suffix: &mut Vec<Seg>,
    found: &mut Vec<(Vec<Seg>, usize)>,
) {
    for (name, child) in table.iter() {
        suffix.push(Seg::Key(name.to_owned()));
        if let Some(sub) = child.as_table_like() {
            quoted_values(raw, sub, message, suffix, found);
        } else if let Some(value) = child.as_value() {
            if value.is_array() && !message.contains("invalid type: sequence") {
                suffix.pop();
                continue;
            }
            let quoted = value.span().and_then(|span| Some((raw.get(span.clone())?, span.start)));
            if let Some((text, offset)) = quoted {
                let inner = value.as_str().map(|inner| format!("`{inner}`"));
                if value.is_array()
                    || message.contains(&format!("`{text}`"))
                    || message.contains(&format!("string {text}"))
                    || inner.is_some_and(|inner| message.contains(&inner))
                {
                    found.push((suffix.clone(), offset));
                }
            }
        }
        suffix.pop();
    }
}

/// Parser messages span several lines ("invalid string\nexpected `\"`");
/// a `FormatError` is one line.
pub(crate) fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("; ")
}

/// A serde message, on one line and in the format's words: serde names the
/// untagged enum `PositionSpec` where the user wrote a `position`.
pub(crate) fn serde_message(message: &str) -> String {
    let message = one_line(message);
    if message.contains("untagged enum PositionSpec") {
        return "invalid position: expected a number on the issue's scale or the name of one of its options".to_owned();
    }
    message
}

/// The field a serde message names: `missing field `x``, `unknown field `x``,
/// `duplicate field `x``.
pub(crate) fn named_field(message: &str) -> Option<&str> {
    for prefix in ["missing field `", "unknown field `", "duplicate field `"] {
        if let Some(rest) = message.find(prefix).map(|at| &message[at + prefix.len()..]) {
            return rest.find('`').map(|end| &rest[..end]);
        }
    }
    None
}

/// The path of the item at `offset`: of the key there, if the offset is on a
/// key (an unknown field is reported at its key), else of the innermost item
/// whose span holds it. Keys come first because a table's span starts at its
/// header, which every table nested in the header's dotted key shares.
fn path_at(document: &ImDocument<&str>, offset: usize) -> Vec<Seg> {
    let mut found = Found::default();
    let mut path = Vec::new();
    innermost(document.as_item(), offset, &mut path, &mut found);
    if found.key.is_empty() { found.item } else { found.key }
}

#[derive(Default)]
struct Found {
    key: Vec<Seg>,
    item: Vec<Seg>,
}

fn contains(span: Option<Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|span| span.start <= offset && (offset < span.end || span.start == span.end))
}

/// Depth-first search for the deepest item containing `offset`. A table's
/// span does not cover its sub-tables (they have their own headers further
/// down), so every branch is searched, not only the containing ones.
fn innermost(item: &Item, offset: usize, path: &mut Vec<Seg>, found: &mut Found) {
    match item {
        Item::Value(value) => innermost_value(value, offset, path, found),
        Item::Table(table) => innermost_table(table, offset, path, found),
        Item::ArrayOfTables(tables) => {
            for (idx, table) in tables.iter().enumerate() {
                path.push(Seg::Index(idx));
                consider(contains(table.span(), offset), path, &mut found.item);
                innermost_table(table, offset, path, found);
                path.pop();
            }
        }
        Item::None => {}
    }
}

fn innermost_table(table: &toml_edit::Table, offset: usize, path: &mut Vec<Seg>, found: &mut Found) {
    for (name, child) in table.iter() {
        path.push(Seg::Key(name.to_owned()));
        consider(contains(key_span(table.key(name)), offset), path, &mut found.key);
        consider(contains(child.span(), offset), path, &mut found.item);
        innermost(child, offset, path, found);
        path.pop();
    }
}

fn innermost_value(value: &toml_edit::Value, offset: usize, path: &mut Vec<Seg>, found: &mut Found) {
    match value {
        toml_edit::Value::Array(array) => {
            for (idx, element) in array.iter().enumerate() {
                path.push(Seg::Index(idx));
                consider(contains(element.span(), offset), path, &mut found.item);
                innermost_value(element, offset, path, found);
                path.pop();
            }
        }
        toml_edit::Value::InlineTable(table) => {
            for (name, child) in table.iter() {
                path.push(Seg::Key(name.to_owned()));
                consider(contains(key_span(table.key(name)), offset), path, &mut found.key);
                consider(contains(child.span(), offset), path, &mut found.item);
                innermost_value(child, offset, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn key_span(key: Option<&toml_edit::Key>) -> Option<Range<usize>> {
    key.and_then(toml_edit::Key::span)
}

fn consider(hit: bool, path: &[Seg], best: &mut Vec<Seg>) {
    if hit && path.len() > best.len() {
        *best = path.to_vec();
    }
}

/// The field a syntax error is in, read off the text since there is no
/// document: the last `[table]` or `[[array]]` header before the error and
/// the key on the error's line (`actors.capability`). A heuristic, but TOML's
/// line-oriented layout makes it right for everything except multi-line
/// values.
fn field_on_line(text: &str, offset: usize) -> Option<String> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |at| offset + at);
    let line = text[line_start..line_end].trim();
    let header = |line: &str| -> Option<String> {
        let name = line.strip_prefix('[')?.trim_start_matches('[');
        let name = name.split(']').next().unwrap_or(name);
        Some(unquote_dotted(name))
    };
    if line.starts_with('[') {
        return header(line);
    }
    let key = line.split_once('=').map(|(key, _)| unquote_dotted(key)).filter(|key| !key.is_empty());
    let table = text[..line_start].lines().rev().map(str::trim).find(|line| line.starts_with('[')).and_then(header);
    match (table, key) {
        (Some(table), Some(key)) => Some(format!("{table}.{key}")),
        (table, key) => key.or(table),
    }
}

fn unquote_dotted(key: &str) -> String {
    key.split('.').map(|part| part.trim().trim_matches(['"', '\''])).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_field_comes_from_header_and_key() {
        let text = "name = \"x\"\n[[actors]]\nid = \"a\"\ncapability = \n";
        assert_eq!(field_on_line(text, text.len() - 1).as_deref(), Some("actors.capability"));
        assert_eq!(field_on_line(text, 3).as_deref(), Some("name"));
        assert_eq!(field_on_line("[[actors\n", 2).as_deref(), Some("actors"));
    }

    #[test]
    fn named_field_reads_serde_messages() {
        assert_eq!(named_field("missing field `preferences`"), Some("preferences"));
        assert_eq!(named_field("unknown field `colour`, expected one of `a`, `b`"), Some("colour"));
        assert_eq!(named_field("invalid type: string \"high\", expected f64"), None);
    }

    #[test]
    fn nth_index_finds_the_duplicate() {
        let ids = ["a", "b", "a"];
        assert_eq!(nth_index(ids.iter().copied(), "a", 1), Some(2));
        assert_eq!(nth_index(ids.iter().copied(), "b", 1), Some(1));
        assert_eq!(nth_index(ids.iter().copied(), "c", 0), None);
    }
}
