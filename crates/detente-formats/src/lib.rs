//! Scenario formats.
