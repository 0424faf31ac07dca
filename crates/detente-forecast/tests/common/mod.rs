pub(crate) mod inputs;
