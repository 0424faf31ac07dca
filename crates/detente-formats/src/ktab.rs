//! KTAB actor tables (CSV) as Detente scenarios.
//!
//! KTAB (KAPSARC's Toolkit for Agent-Based modelling) writes the data of its
//! spatial model of politics as a CSV table, read by `SMPModel::csvRead`:
//!
//! ```text
//! DummyData_3Dim ,"Dummy scenario to test reading format",7,3,
//! Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,Pstn3,Sal3,
//! SActor-00, Random Spatial Actor, 102.543, 75.79, 49.53,  6.37,  5.91, 70.45, 28.15,
//! ```
//!
//! a title line (scenario name, description, number of actors, number of
//! dimensions), a header line, then one line per actor: name, description,
//! power, then a position and a salience per dimension, both on KTAB's 0–100
//! scale. Fields are trimmed; trailing empty fields (KTAB writes a trailing
//! comma) and fields after the fourth on the title line are ignored, as KTAB
//! ignores them.
//!
//! The mapping, and why:
//!
//! - Each dimension becomes a continuous issue on `[0, 100]`, KTAB's scale,
//!   named from its header column with a trailing ` Position` dropped
//!   (`Dim0 Position` is the issue `Dim0`).
//! - Each actor is spatial with the linear shape, its position and salience
//!   stored raw: the forecasting models read KTAB's numbers as KTAB wrote
//!   them, and the core takes the saliences' shares for utility.
//!   Capability is KTAB's power; every actor is at the table without a veto,
//!   since KTAB has neither notion.
//! - Ids are the names with every run of characters other than letters,
//!   digits, `_` and `.` (blanks and `-` among them) turned into one `-`, and
//!   none at either end, so that they read as TOML keys (`NDRC - Pricing` is
//!   `NDRC-Pricing`); repeats get `-2`, `-3` appended, an empty name
//!   `actor-<row>`. KTAB's description (`Xi Jinping` for `XJ`) becomes the
//!   actor's name.
//! - The issues' `step` is the finest of 1, 2, 5, 10, 20, 25 and 50 (steps
//!   that divide 100, so both ends of the scale are levels) that keeps the
//!   whole grid at or under [`MAX_GRID_OUTCOMES`] outcomes: step 1, a point of
//!   KTAB's scale, for one or two dimensions; 2 for three (51³ = 132,651);
//!   5 for four; 10 for five; 20 for six (6⁶ = 46,656). One step for every
//!   dimension keeps the axes alike. The budget is what the exact analyses
//!   finish in about a second: the frontier of `dummyData_3Dim` at step 2
//!   (5,981 points) takes 0.6 s and `dummyData_6Dim` at step 20 1.3 s (release
//!   build, two cores), while `dummyData_3Dim` at step 1 (101³ ≈ 1.03 million
//!   outcomes) did not finish in twenty minutes, the Pareto filter growing
//!   with outcomes times frontier. Positions need not lie on the grid: the
//!   grid is only where the exact analyses look, and the forecasting models
//!   use the positions as written.
//!
//! KTAB's own checks are kept and placed in the file: the declared numbers of
//! actors and dimensions must match the header and the rows, positions and
//! saliences must lie in `[0, 100]`, power must be finite and not negative.
//! KTAB also refuses an actor whose saliences sum to more than 100; that is
//! only a [`Warning`] here, since Detente uses the shares.

use std::collections::{HashMap, HashSet};

use detente_core::{
    ActorSpec, DistanceShape, IssueDomain, IssueSpec, Locator, PositionSpec, PreferenceSpec, Scenario, ScenarioSpec,
    Warning, WeightPolicy,
};
use indexmap::IndexMap;

use crate::error::{FormatError, line_column};

/// The most outcomes the issues' grid may have when choosing their `step`.
pub const MAX_GRID_OUTCOMES: u64 = 200_000;

/// Steps that divide KTAB's 0–100 scale, finest first.
const STEPS: [f64; 7] = [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0];

/// KTAB's scale for positions and saliences.
const SCALE_MAX: f64 = 100.0;

/// Reads a KTAB actor table without validating the scenario (KTAB's own
/// checks on the table are made).
pub fn read_ktab_csv(file_name: &str, text: &str) -> Result<ScenarioSpec, FormatError> {
    parse(file_name, text).map(|table| table.spec)
}

/// Reads a KTAB actor table and builds the scenario. Warnings (an actor whose
/// saliences sum to more than 100) are returned, not printed.
pub fn load_ktab_csv(file_name: &str, text: &str) -> Result<(Scenario, Vec<Warning>), FormatError> {
    let table = parse(file_name, text)?;
    // Saliences are always taken as shares, so no policy applies; `Refuse`
    // makes sure nothing else is silently adjusted.
    let (scenario, warnings) = Scenario::new(table.spec.clone(), WeightPolicy::Refuse).map_err(|error| {
        let locator = error.locator();
        let row = locator.actor.as_deref().and_then(|id| table.rows.iter().find(|row| row.actor_id == id));
        let located = FormatError::new(file_name, error.to_string());
        match row {
            Some(row) => {
                let dimension = locator.issue.as_deref().and_then(|id| table.issue_ids.iter().position(|i| i == id));
                let (column, field) = match (dimension, locator.field) {
                    (Some(d), Some("salience")) => (4 + 2 * d, locator.field.unwrap_or_default()),
                    (Some(d), _) => (3 + 2 * d, "position"),
                    (None, Some("capability")) => (2, "power"),
                    _ => (0, "actor"),
                };
                located.at_offset(text, field_offset(text, row.byte, column)).field(field)
            }
            None => located.at_offset(text, 0),
        }
    })?;
    let mut all = table.warnings;
    all.extend(warnings);
    Ok((scenario, all))
}

/// The step for `n_dims` issues on the 0–100 scale: see the module docs.
pub fn grid_step(n_dims: usize) -> f64 {
    let n_dims = u32::try_from(n_dims).unwrap_or(u32::MAX);
    STEPS
        .iter()
        .copied()
        .find(|step| {
            let levels = (SCALE_MAX / step) as u64 + 1;
            levels.checked_pow(n_dims).is_some_and(|outcomes| outcomes <= MAX_GRID_OUTCOMES)
        })
        .unwrap_or(SCALE_MAX)
}

struct Table {
    spec: ScenarioSpec,
    warnings: Vec<Warning>,
    issue_ids: Vec<String>,
    rows: Vec<Row>,
}

/// Where an actor came from, to place the core's errors.
struct Row {
    actor_id: String,
    /// Byte offset of the row in the text.
    byte: usize,
}

/// One non-blank CSV record: its trimmed fields without the trailing empty
/// ones, its line, and its byte offset.
struct Record {
    fields: Vec<String>,
    line: usize,
    byte: usize,
}

fn parse(file_name: &str, text: &str) -> Result<Table, FormatError> {
    let error = |message: String| FormatError::new(file_name, message);
    let at = |record: &Record, column: usize, field: &str, message: String| {
        error(message).at_offset(text, field_offset(text, record.byte, column)).field(field)
    };

    let mut records = records(file_name, text)?.into_iter();
    let Some(title) = records.next() else {
        return Err(error("empty file: expected KTAB's title line (name, description, actors, dimensions)".to_owned()));
    };
    if title.fields.len() < 4 {
        return Err(at(
            &title,
            0,
            "title",
            format!(
                "the title line has {} fields, expected 4: scenario name, description, number of actors, number of dimensions",
                title.fields.len()
            ),
        ));
    }
    let count = |column: usize, what: &str| {
        title.fields[column].parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            at(&title, column, what, format!("`{}` is not a positive whole number", title.fields[column]))
        })
    };
    let n_actors = count(2, "number of actors")?;
    let n_dims = count(3, "number of dimensions")?;
    let n_columns = n_dims
        .checked_mul(2)
        .and_then(|n| n.checked_add(3))
        .ok_or_else(|| at(&title, 3, "number of dimensions", format!("{n_dims} dimensions are too many")))?;

    let Some(header) = records.next() else {
        return Err(error("no header line after the title line".to_owned()).at_offset(text, text.len()));
    };
    if header.fields.len() != n_columns {
        let named = header.fields.len().saturating_sub(3) as f64 / 2.0;
        return Err(at(
            &header,
            0,
            "header",
            format!(
                "the header has {} columns ({named} position/salience pairs), but the title line (line {}) declares \
                 {n_dims} dimensions: expected {n_columns} (actor, description, power, then a position and a salience per dimension)",
                header.fields.len(),
                title.line,
            ),
        ));
    }
    // No capacity from the title's counts: they are the file's word, checked
    // against its rows only below.
    let mut issues = Vec::new();
    let mut issue_ids: Vec<String> = Vec::new();
    let mut issue_id_maker = IdMaker::default();
    let step = grid_step(n_dims);
    for dim in 0..n_dims {
        let column = &header.fields[3 + 2 * dim];
        let name = strip_suffix_ignore_case(column, " position").unwrap_or(column).trim();
        let id = issue_id_maker.unique(make_id(name), || format!("dim{dim}"));
        issues.push(IssueSpec {
            name: (id != name && !name.is_empty()).then(|| name.to_owned()),
            id: id.clone(),
            description: String::new(),
            domain: IssueDomain::Continuous { min: 0.0, max: SCALE_MAX, unit: None, step: Some(step) },
        });
        issue_ids.push(id);
    }

    let mut actors = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut actor_id_maker = IdMaker::default();
    let mut warnings = Vec::new();
    let mut last_line = header.line;
    for record in records {
        if actors.len() == n_actors {
            return Err(at(
                &record,
                0,
                "actor",
                format!(
                    "the title line (line {}) declares {n_actors} actors, but this is row {} after the header",
                    title.line,
                    n_actors + 1
                ),
            ));
        }
        last_line = record.line;
        if record.fields.len() != n_columns {
            return Err(at(
                &record,
                record.fields.len().min(n_columns),
                "actor",
                format!(
                    "this row has {} values, expected {n_columns}: name, description, power, then a position and \
                     a salience for each of the {n_dims} dimensions",
                    record.fields.len()
                ),
            ));
        }
        let id = actor_id_maker.unique(make_id(&record.fields[0]), || format!("actor-{}", actors.len() + 1));
        // KTAB's bounds: power ≥ 0 (and finite), positions and saliences on
        // its 0–100 scale.
        let number = |column: usize, what: &str, high: Option<f64>| {
            let raw = &record.fields[column];
            let value: f64 = raw.parse().map_err(|_| at(&record, column, what, format!("`{raw}` is not a number")))?;
            let expected = match high {
                Some(high) if !(0.0..=high).contains(&value) => format!("a number in [0, {high}]"),
                None if !(value.is_finite() && value >= 0.0) => "a finite number ≥ 0".to_owned(),
                _ => return Ok(value),
            };
            Err(at(&record, column, what, format!("{raw} is not {expected}")))
        };
        let capability = number(2, "power", None)?;
        let mut position = IndexMap::new();
        let mut salience = IndexMap::new();
        for (dim, issue_id) in issue_ids.iter().enumerate() {
            let field = |kind: &str| format!("{issue_id} {kind}");
            position.insert(
                issue_id.clone(),
                PositionSpec::Value(number(3 + 2 * dim, &field("position"), Some(SCALE_MAX))?),
            );
            salience.insert(issue_id.clone(), number(4 + 2 * dim, &field("salience"), Some(SCALE_MAX))?);
        }
        let total: f64 = salience.values().sum();
        if total > SCALE_MAX + 1e-9 {
            warnings.push(Warning {
                locator: Locator { actor: Some(id.clone()), field: Some("salience"), ..Locator::default() },
                message: format!(
                    "{file_name}:{}: actor `{id}`: saliences sum to {total}, above the {SCALE_MAX} KTAB allows; \
                     kept, since only their shares are used",
                    record.line
                ),
            });
        }
        let description = &record.fields[1];
        actors.push(ActorSpec {
            name: (!description.is_empty() && *description != id).then(|| description.clone()),
            capability,
            ..ActorSpec::new(id.clone(), PreferenceSpec::Spatial { shape: DistanceShape::Linear, position, salience })
        });
        rows.push(Row { actor_id: id, byte: record.byte });
    }
    if actors.len() < n_actors {
        return Err(at(
            &title,
            2,
            "number of actors",
            format!(
                "the title line declares {n_actors} actors, but {} rows follow the header (lines {}–{last_line})",
                actors.len(),
                header.line + 1,
            ),
        ));
    }
    let spec = ScenarioSpec {
        name: title.fields[0].clone(),
        description: title.fields[1].clone(),
        source: None,
        issues,
        actors,
    };
    Ok(Table { spec, warnings, issue_ids, rows })
}

/// The file's non-blank records, trimmed, without trailing empty fields.
fn records(file_name: &str, text: &str) -> Result<Vec<Record>, FormatError> {
    // Spreadsheets save CSV with a byte-order mark, which is not part of the
    // scenario's name.
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(&text.as_bytes()[bom..]);
    let mut records = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|error| {
            let located = FormatError::new(file_name, format!("unreadable CSV: {error}"));
            match error.position() {
                Some(position) => {
                    located.at_offset(text, bom.saturating_add(usize::try_from(position.byte()).unwrap_or(text.len())))
                }
                None => located,
            }
        })?;
        let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
        while fields.last().is_some_and(String::is_empty) {
            fields.pop();
        }
        if fields.is_empty() {
            continue;
        }
        // The csv crate places a record where the previous one ended, before
        // any blank lines it skipped: move past them to the record itself.
        let start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(text.len()));
        let mut byte = bom.saturating_add(start).min(text.len());
        byte += text[byte..].len() - text[byte..].trim_start_matches(['\r', '\n']).len();
        let (line, _) = line_column(text, byte);
        records.push(Record { fields, line, byte });
    }
    Ok(records)
}

/// Byte offset of field `column` (0-based) of the record starting at byte
/// `record_start`, past the field's leading blanks: commas inside double
/// quotes do not separate fields. Past the last field, the end of the line.
fn field_offset(text: &str, record_start: usize, column: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = record_start.min(text.len());
    let mut field = 0;
    let mut quoted = false;
    while field < column && at < bytes.len() {
        match bytes[at] {
            b'"' => quoted = !quoted,
            b',' if !quoted => field += 1,
            b'\n' | b'\r' if !quoted => return at,
            _ => {}
        }
        at += 1;
    }
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
        at += 1;
    }
    at
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    (text.is_char_boundary(cut) && text[cut..].eq_ignore_ascii_case(suffix)).then(|| &text[..cut])
}

/// An id from a name: letters, digits, `_` and `.` kept; every run of
/// anything else (spaces and `-` among it) becomes one `-`; no `-` at either
/// end.
fn make_id(name: &str) -> String {
    let mut id = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_alphanumeric() || matches!(ch, '_' | '.') {
            id.push(ch);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_owned()
}

/// Hands out unique ids: a repeated id gets `-2`, `-3`, … appended, in
/// constant time per id however many repeats a file has.
#[derive(Default)]
struct IdMaker {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl IdMaker {
    /// `id`, or `fallback()` when it is empty, made unique.
    fn unique(&mut self, id: String, fallback: impl FnOnce() -> String) -> String {
        let base = if id.is_empty() { fallback() } else { id };
        let mut candidate = base.clone();
        while self.taken.contains(&candidate) {
            let suffix = self.next_suffix.entry(base.clone()).or_insert(2);
            candidate = format!("{base}-{suffix}");
            *suffix += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_bare_keys_and_unique() {
        assert_eq!(make_id("  Act 1001 "), "Act-1001");
        assert_eq!(make_id("NDRC - Pricing (dept.)"), "NDRC-Pricing-dept.");
        assert_eq!(make_id("***"), "");
        let mut ids = IdMaker::default();
        let mut next = |id: &str| ids.unique(id.to_owned(), || "fallback".to_owned());
        assert_eq!(next("a-2"), "a-2");
        assert_eq!(next("a"), "a");
        assert_eq!(next("a"), "a-3", "a-2 is taken");
        assert_eq!(next("a"), "a-4");
        assert_eq!(next(""), "fallback");
    }

    #[test]
    fn grid_step_keeps_the_grid_small() {
        let steps: Vec<f64> = (1..=8).map(grid_step).collect();
        assert_eq!(steps, [1.0, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0]);
        assert_eq!(grid_step(1000), 100.0);
        for n_dims in 1..=8 {
            let levels = (SCALE_MAX / grid_step(n_dims)) as u64 + 1;
            assert!(levels.pow(n_dims as u32) <= MAX_GRID_OUTCOMES);
        }
    }

    #[test]
    fn field_offsets_skip_quoted_commas_and_blanks() {
        let text = "a,\"b,c\",  d\nx";
        assert_eq!(&text[field_offset(text, 0, 2)..field_offset(text, 0, 2) + 1], "d");
        assert_eq!(field_offset(text, 0, 5), 11);
    }
}
