//! Thin pyo3 bindings of `cx-core`: convert, call the core, convert back.
//!
//! No logic lives here (STYLE §3). Work is done with the GIL released through
//! [`run`]; errors become the classes of `cx.exceptions` through [`error`].

use pyo3::prelude::*;

/// jemalloc on Linux (see `Cargo.toml`): large buffers are reused between calls instead
/// of being unmapped and faulted in again.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read once when it starts (the environment variable
/// `_RJEM_MALLOC_CONF` overrides them):
/// - `background_thread:true`: freed pages go back to the system from a jemalloc thread
///   as they age (10 s, `dirty_decay_ms`), not on the freeing call's thread. Without it
///   the large buffers of one call were discarded as they were freed, and the next call
///   faulted them in again: 51 000 page faults per `cx.rfm` on 10M rows, ~0 with it.
/// - `oversize_threshold:0`: blocks of 8 MiB and more stay in the thread's arena (by
///   default they go to an arena that discards them at once).
///
/// Measured with `_RJEM_MALLOC_CONF` in `benches/python/compare_rfm.py` (see
/// `docs/benchmarks.md`).
// SAFETY: jemalloc reads this symbol as a `const char *` to a NUL-terminated string;
// a `&u8` is a thin pointer to the first byte of a static, NUL-terminated byte string.
#[cfg(target_os = "linux")]
#[allow(unsafe_code, non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static _rjem_malloc_conf: &u8 = &b"background_thread:true,oversize_threshold:0\0"[0];

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
