//! Detente's own scenario format, in JSON: the same tree as the TOML format
//! (`docs/scenario-format.md`), for programs rather than people.
//!
//! Errors are placed like the TOML reader's. `serde_json` reports a line and
//! column but no path, and `serde_json::Value` keeps no spans, so this module
//! walks the text once itself ([`JsonSpans`]): a small, non-recursive scanner
//! that records where every key and value starts and ends, by path. That
//! gives the field of a syntax or type error (the innermost value at the
//! reported position) and the exact place of a semantic error from
//! `Scenario::new` (the path [`semantic_target`] derives from the error's
//! locator). It needs no second parser because the text it walks has already
//! been read by `serde_json`, at least up to the error.
//!
//! ```
//! use detente_core::WeightPolicy;
//! use detente_formats::scenario_json::load_json;
//!
//! let text = r#"{
//!   "name": "split a pie",
//!   "issues": [{ "id": "share", "kind": "continuous", "min": 0, "max": 100 }],
//!   "actors": [
//!     { "id": "a", "capability": -1,
//!       "preferences": { "type": "spatial", "position": { "share": 100 }, "salience": { "share": 1 } } }
//!   ]
//! }"#;
//! let error = load_json("pie.json", text, WeightPolicy::Refuse).unwrap_err();
//! assert_eq!(error.to_string(), "pie.json:5:32: actors.capability: actor `a`: capability is -1, expected a capability ≥ 0");
//! ```

use std::ops::Range;

use detente_core::{Scenario, ScenarioSpec, Warning, WeightPolicy};
use serde_json::error::Category;

use crate::error::FormatError;
use crate::scenario_toml::{Seg, Target, field_name, named_field, semantic_target, serde_message};

/// Reads a scenario in JSON without validating it: syntax and types only.
pub fn read_json(file_name: &str, text: &str) -> Result<ScenarioSpec, FormatError> {
    serde_json::from_str(text).map_err(|error| deserialize_error(file_name, text, &error))
}

/// Reads and validates a scenario in JSON. Warnings are returned, not printed.
pub fn load_json(file_name: &str, text: &str, policy: WeightPolicy) -> Result<(Scenario, Vec<Warning>), FormatError> {
    let spec = read_json(file_name, text)?;
    Scenario::new(spec.clone(), policy).map_err(|error| {
        let target = semantic_target(&error, &spec);
        let located = FormatError::new(file_name, error.to_string()).field(target.field());
        match JsonSpans::new(text).offset(&target) {
            Some(offset) => located.at_offset(text, offset),
            None => located,
        }
    })
}

/// Writes a scenario as pretty-printed JSON, normalised like
/// [`crate::scenario_toml::write_toml`]; `load_json` gives it back unchanged.
pub fn write_json(scenario: &Scenario) -> String {
    let mut text = serde_json::to_string_pretty(&scenario.to_spec())
        .expect("a ScenarioSpec serialises to JSON: string keys only, and validated numbers are finite");
    text.push('\n');
    text
}

fn deserialize_error(file_name: &str, text: &str, error: &serde_json::Error) -> FormatError {
    let message = strip_position(&serde_message(&error.to_string()));
    // serde_json counts columns in bytes, and its column is that of the byte
    // it stopped at: the one it peeked at, or the last one it consumed.
    let stop = byte_offset(text, error.line(), error.column().saturating_sub(1));
    let (path, offset) = match error.classify() {
        // A type error: serde_json stopped at the end of the value at fault
        // (or of the object missing a field); name it and point at its start.
        Category::Data => {
            let spans = JsonSpans::new(text);
            let node = spans.innermost(stop);
            let path = node.map(|node| node.path.clone()).unwrap_or_default();
            match spans.refine(text, &path, &message) {
                Some((path, offset)) => (path, offset),
                None => {
                    let mut path = path;
                    path.extend(named_field(&message).map(|name| Seg::Key(name.to_owned())));
                    (path, node.map_or(stop, |node| node.value.start))
                }
            }
        }
        // The text ends too soon: the field is whatever was open at the end.
        Category::Eof => (JsonSpans::new(text).open_path, text.len()),
        // A syntax error: the field is whatever was open where reading
        // stopped; the place, the offending byte (past blanks, for errors
        // reported at the byte before).
        Category::Syntax | Category::Io => {
            let blanks = text[stop..].len() - text[stop..].trim_start().len();
            let mut offset = if stop + blanks < text.len() { stop + blanks } else { stop };
            if message.contains("number") {
                // A bad number is reported at its last digit; point at its first.
                let token = |byte: &u8| byte.is_ascii_digit() || matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E');
                while offset > 0 && text.as_bytes().get(offset - 1).is_some_and(token) {
                    offset -= 1;
                }
            }
            (JsonSpans::new(&text[..offset]).open_path, offset)
        }
    };
    let located = FormatError::new(file_name, message).at_offset(text, offset);
    let field = field_name(&path);
    if field.is_empty() { located } else { located.field(field) }
}

/// serde_json's messages end in " at line L column C", which `FormatError`
/// already says.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => message[..at].to_owned(),
        _ => message.to_owned(),
    }
}

/// Byte offset of `column` bytes into line `line` (1-based), within the text
/// and on a character boundary.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(at, _)| at + 1) };
    let mut offset = (line_start + column).min(text.len());
    // A position just past the first byte of a multi-byte character (serde_json
    // stopped at it) belongs to that character.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// serde_json's nesting limit.
const MAX_DEPTH: usize = 128;

/// Where each key and value of a JSON text lies.
#[derive(Debug, Default)]
struct JsonSpans {
    nodes: Vec<Node>,
    /// The path of the value being read where the text ends: for text cut
    /// short, the field it was cut in.
    open_path: Vec<Seg>,
}

#[derive(Debug)]
struct Node {
    path: Vec<Seg>,
    /// The key's string literal, for a member of an object.
    key: Option<Range<usize>>,
    /// The value; a container's runs to its closing bracket, or to the end of
    /// the text when it has none.
    value: Range<usize>,
}

/// An object or array being read.
#[derive(Debug)]
struct Frame {
    node: usize,
    is_object: bool,
    /// Objects: the key read and not yet given a value.
    key: Option<(String, Range<usize>)>,
    /// Arrays: the index of the next element.
    next_index: usize,
}

impl JsonSpans {
    /// Scans `text`, tolerating anything: a malformed text gives fewer spans,
    /// never a panic.
    fn new(text: &str) -> JsonSpans {
        let bytes = text.as_bytes();
        let mut spans = JsonSpans::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            match byte {
                b' ' | b'\t' | b'\n' | b'\r' | b':' => at += 1,
                b',' => {
                    if let Some(frame) = stack.last_mut() {
                        frame.key = None;
                        frame.next_index += 1;
                    }
                    at += 1;
                }
                b'}' | b']' => {
                    if let Some(frame) = stack.pop() {
                        spans.nodes[frame.node].value.end = at + 1;
                    }
                    at += 1;
                }
                _ => {
                    let end = match byte {
                        b'"' => string_end(bytes, at),
                        b'{' | b'[' => at + 1,
                        _ => scalar_end(bytes, at),
                    };
                    let expects_key = stack.last().is_some_and(|frame| frame.is_object && frame.key.is_none());
                    if expects_key {
                        let literal = &text[at..end];
                        if byte == b'"' && (literal.len() < 2 || !literal.ends_with('"')) {
                            // A key cut off by the end of the text is no key.
                            break;
                        }
                        let name = serde_json::from_str::<String>(literal)
                            .unwrap_or_else(|_| literal.trim_matches('"').to_owned());
                        if let Some(frame) = stack.last_mut() {
                            frame.key = Some((name, at..end));
                        }
                        at = end;
                        continue;
                    }
                    let (path, key) = match stack.last() {
                        None => (Vec::new(), None),
                        Some(frame) => {
                            let mut path = spans.nodes[frame.node].path.clone();
                            match &frame.key {
                                Some((name, key)) => {
                                    path.push(Seg::Key(name.clone()));
                                    (path, Some(key.clone()))
                                }
                                None => {
                                    path.push(Seg::Index(frame.next_index));
                                    (path, None)
                                }
                            }
                        }
                    };
                    let node = spans.nodes.len();
                    let container = matches!(byte, b'{' | b'[');
                    let value_end = if container { bytes.len() } else { end };
                    spans.nodes.push(Node { path, key, value: at..value_end });
                    if container {
                        if stack.len() == MAX_DEPTH {
                            // serde_json refuses deeper nesting, so nothing
                            // below is ever an error's place; stopping keeps
                            // the paths, and so the scan, short.
                            break;
                        }
                        stack.push(Frame { node, is_object: byte == b'{', key: None, next_index: 0 });
                    }
                    at = end;
                }
            }
        }
        if let Some(frame) = stack.last() {
            let mut path = spans.nodes[frame.node].path.clone();
            if let Some((name, _)) = &frame.key {
                path.push(Seg::Key(name.clone()));
            }
            spans.open_path = path;
        }
        spans
    }

    /// The innermost value containing byte `offset`.
    fn innermost(&self, offset: usize) -> Option<&Node> {
        self.nodes.iter().filter(|node| node.value.contains(&offset)).max_by_key(|node| node.path.len())
    }

    /// Narrows a type error reported on a whole object (serde buffers
    /// flattened and internally tagged objects, and reports their errors at
    /// the end of the enclosing one) to the member at fault: the field the
    /// message names, or the one scalar below `path` the message quotes (or the
    /// one array, for "invalid type: sequence").
    fn refine(&self, text: &str, path: &[Seg], message: &str) -> Option<(Vec<Seg>, usize)> {
        let name = named_field(message).or_else(|| message.starts_with("invalid position").then_some("position"));
        if let Some(name) = name {
            // The member itself, or else the one member of that name below.
            let wanted = Seg::Key(name.to_owned());
            let below = |node: &&Node| node.path.starts_with(path) && node.path.last() == Some(&wanted);
            let direct = self.nodes.iter().filter(below).find(|node| node.path.len() == path.len() + 1);
            let deeper: Vec<&Node> = self.nodes.iter().filter(below).collect();
            let node = direct.or(match deeper[..] {
                [node] => Some(node),
                _ => None,
            })?;
            return Some((node.path.clone(), node.key.as_ref().map_or(node.value.start, |key| key.start)));
        }
        // Only what the message says was found, not what it expected.
        let found = message.split(", expected").next().unwrap_or(message);
        let quoted: Vec<&Node> = self
            .nodes
            .iter()
            .filter(|node| node.path.len() > path.len() && node.path.starts_with(path))
            .filter(|node| {
                let Some(literal) = text.get(node.value.clone()) else { return false };
                if literal.starts_with('{') || (literal.starts_with('[') && !found.contains("invalid type: sequence")) {
                    return false;
                }
                let inner = serde_json::from_str::<String>(literal).ok().map(|inner| format!("`{inner}`"));
                literal.starts_with('[')
                    || found.contains(&format!("`{literal}`"))
                    || found.contains(&format!("string {literal}"))
                    || inner.is_some_and(|inner| found.contains(&inner))
            })
            .collect();
        match quoted[..] {
            [node] => Some((node.path.clone(), node.value.start)),
            _ => None,
        }
    }

    /// Offset of `target`: its key or value, or, where the path stops
    /// existing, the value of the deepest prefix that does.
    fn offset(&self, target: &Target) -> Option<usize> {
        (0..=target.path.len()).rev().find_map(|len| {
            let node = self.nodes.iter().find(|node| node.path[..] == target.path[..len])?;
            let exact = len == target.path.len();
            Some(match &node.key {
                Some(key) if exact && target.at_key => key.start,
                _ => node.value.start,
            })
        })
    }
}

/// Just past the closing quote of the string literal starting at `start`, or
/// the end of the text.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The end of a number or literal (`true`, `null`, or anything malformed).
fn scalar_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() && !matches!(bytes[at], b',' | b'}' | b']' | b':' | b'"' | b'{' | b'[') {
        if bytes[at].is_ascii_whitespace() {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Seg {
        Seg::Key(name.to_owned())
    }

    #[test]
    fn spans_record_paths_keys_and_values() {
        let text = r#"{"a": [1, {"b\"c": true}], "d": "x,y"}"#;
        let spans = JsonSpans::new(text);
        let find = |path: &[Seg]| spans.nodes.iter().find(|node| node.path == path).map(|node| node.value.clone());
        assert_eq!(find(&[]), Some(0..text.len()));
        assert_eq!(find(&[key("a"), Seg::Index(0)]).map(|r| &text[r]), Some("1"));
        assert_eq!(find(&[key("a"), Seg::Index(1), key("b\"c")]).map(|r| &text[r]), Some("true"));
        assert_eq!(find(&[key("d")]).map(|r| &text[r]), Some(r#""x,y""#));
    }

    #[test]
    fn cut_text_leaves_the_open_path() {
        let spans = JsonSpans::new(r#"{"actors": [{"id": "a"}, {"capability": "#);
        assert_eq!(spans.open_path, vec![key("actors"), Seg::Index(1), key("capability")]);
    }

    #[test]
    fn scanning_never_panics_on_odd_bytes() {
        for text in ["", "\"", "{\"é", "]]]", "{:,}", "[\"\\", "{\"a\" 1 2 3}", "é"] {
            let _ = JsonSpans::new(text);
        }
    }

    #[test]
    fn deep_nesting_is_cut_at_serde_jsons_limit() {
        let text = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let spans = JsonSpans::new(&text);
        assert!(spans.nodes.iter().all(|node| node.path.len() <= MAX_DEPTH));
    }

    #[test]
    fn positions_become_offsets() {
        let text = "ab\ncd\n";
        assert_eq!(byte_offset(text, 1, 0), 0);
        assert_eq!(byte_offset(text, 2, 1), 4);
        assert_eq!(byte_offset(text, 9, 9), text.len());
        assert_eq!(byte_offset("{é", 1, 2), 1);
    }
}
