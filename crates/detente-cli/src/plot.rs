//! The utility-space picture (being written).
