//! Thin pyo3 bindings of `cx-core`: convert, call the core, convert back.

use pyo3::prelude::*;

/// The `cx._cx` extension module.
#[pymodule(gil_used = false)]
fn _cx(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", cx_core::VERSION)?;
    Ok(())
}
