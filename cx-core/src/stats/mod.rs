//! Statistics: hypothesis tests of the Analyze phase ([`tests`]).

pub mod tests;
