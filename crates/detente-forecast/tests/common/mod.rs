//! Helpers shared by the test binaries. Each binary that includes this
//! module compiles all of it but uses only part of it, so what some binary
//! leaves unused carries `#[allow(dead_code)]`: the items of `tuples`, and
//! `inputs` as a whole, its file being shared as it is with the benches.

#[allow(dead_code)]
pub(crate) mod inputs;
pub(crate) mod tuples;
