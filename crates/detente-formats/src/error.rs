//! Errors that point into a file.

use std::fmt;

/// A file that could not be read as a scenario: which file, where, which
/// field, and what is wrong. Displays as `file:line:column: field: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The file's name as the caller gave it.
    pub file: String,
    /// 1-based line and column, when the error has a place in the text.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The element, attribute or key at fault (`weight`, `actors.capability`).
    pub field: Option<String>,
    pub message: String,
}

impl FormatError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        FormatError { file: file.into(), line: None, column: None, field: None, message: message.into() }
    }

    /// Places the error at byte `offset` of `text`.
    pub fn at_offset(mut self, text: &str, offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FormatError {}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 8), (3, 1));
        assert_eq!(line_column(text, 7), (2, 4));
    }

    #[test]
    fn display_names_file_place_and_field() {
        let e = FormatError::new("a.xml", "not a number").at_offset("x\ny", 2).field("weight");
        assert_eq!(e.to_string(), "a.xml:2:1: weight: not a number");
    }
}
