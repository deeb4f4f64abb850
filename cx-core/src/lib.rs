//! # cx-core
//!
//! The Rust core of **cx**, a toolkit for customer-experience (CX) management:
//! the domain model of feedback, surveys, journeys and tickets ([`model`]),
//! ingestion of CSV and JSON Lines with typed, row-level errors ([`ingest`]),
//! redaction and pseudonymisation of personal data ([`privacy`]), satisfaction
//! metrics with honest intervals ([`metrics`]) and a seeded sample data set
//! ([`datasets`]).
//!
//! `cx-core` has no Python in it; the Python package `cx` wraps it with pyo3.
//!
//! ```
//! use cx_core::model::Channel;
//! let c: Channel = "电话回访".parse()?;
//! assert_eq!(c, Channel::PhoneCallback);
//! # Ok::<(), cx_core::CxError>(())
//! ```
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod cases;
pub mod datasets;
pub mod dmaic;
pub mod drivers;
pub mod error;
pub mod ingest;
pub mod journey;
pub mod kano;
pub mod metrics;
pub mod model;
pub mod ops;
pub mod pareto;
pub mod privacy;
pub mod progress;
pub mod report;
pub mod scale;
pub mod segments;
pub mod spc;
pub mod stats;
pub mod summary;
pub mod threads;

pub use error::{CxError, Result};

/// The version of cx-core (the same version as the Python wheel).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The code blocks of the crate README, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
