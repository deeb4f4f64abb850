//! Thin pyo3 bindings of `cx-core`: convert, call the core, convert back.
//!
//! No logic lives here (STYLE §3). Work is done with the GIL released through
//! [`run`]; errors become the classes of `cx.exceptions` through [`error`].

use pyo3::prelude::*;

mod cases;
mod convert;
mod crypto;
mod datasets;
mod dmaic;
mod drivers;
mod error;
mod frame;
mod io;
mod journey;
mod kano;
mod metrics;
mod metrics_group;
mod ops;
mod privacy;
mod privacy_store;
mod progress;
mod report;
mod scale;
mod scale_ops;
mod segments;
mod spc;
mod stats;

/// Run core work with the GIL released, mapping the core error to a Python exception.
///
/// Inputs borrowed from Python (numpy buffers, Arrow arrays) stay borrowed during
/// the call: callers must not mutate them from another thread meanwhile.
#[allow(dead_code)]
pub(crate) fn run<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> cx_core::Result<T> + Send,
) -> PyResult<T> {
    py.detach(f).map_err(error::to_py)
}

/// The `cx._cx` extension module.
#[pymodule(gil_used = false)]
fn _cx(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", cx_core::VERSION)?;
    privacy::register(m)?;
    datasets::register(m)?;
    metrics::register(m)?;
    metrics_group::register(m)?;
    io::register(m)?;
    stats::register(m)?;
    dmaic::register(m)?;
    spc::register(m)?;
    ops::register(m)?;
    cases::register(m)?;
    journey::register(m)?;
    kano::register(m)?;
    segments::register(m)?;
    drivers::register(m)?;
    scale::register(m)?;
    scale_ops::register(m)?;
    report::register(m)?;
    crypto::register(m)?;
    privacy_store::register(m)?;
    Ok(())
}
