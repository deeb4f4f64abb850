//! A Python `progress(step, done, total)` callable as a `cx_core::progress::Progress`.
//!
//! The kernels run with the GIL released; the GIL is taken only when the core's
//! ticker reports (at most about a hundred times per job). An exception raised
//! by the callback (or a pending signal such as Ctrl-C, checked at each report)
//! stops the kernel and is re-raised as is by [`PyProgress::run`].

use std::sync::Mutex;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use cx_core::CxError;
use cx_core::progress::Progress;

/// A Python callable `progress(step: str, done: int, total: int)` (the shape of the
/// `cx.report` callback), and the first exception it raised.
pub(crate) struct PyProgress {
    callback: Py<PyAny>,
    step: &'static str,
    error: Mutex<Option<PyErr>>,
}

impl PyProgress {
    /// `None` for `progress=None`; a `TypeError` naming `progress` when it is not callable.
    pub(crate) fn new(
        callback: Option<&Bound<'_, PyAny>>,
        step: &'static str,
    ) -> PyResult<Option<Self>> {
        match callback {
            None => Ok(None),
            Some(cb) if cb.is_none() => Ok(None),
            Some(cb) if !cb.is_callable() => Err(PyTypeError::new_err(format!(
                "`progress` must be a callable progress(step, done, total) or None, got {}",
                cb.get_type().name()?
            ))),
            Some(cb) => Ok(Some(Self {
                callback: cb.clone().unbind(),
                step,
                error: Mutex::new(None),
            })),
        }
    }

    /// As a core `Progress`.
    pub(crate) fn as_dyn(me: &Option<Self>) -> Option<&dyn Progress> {
        me.as_ref().map(|p| p as &dyn Progress)
    }

    /// Run `f` with the GIL released (as `crate::run`); the callback's exception, if it
    /// raised one, wins over the core error it caused.
    pub(crate) fn run<T: Send>(
        py: Python<'_>,
        me: &Option<Self>,
        f: impl FnOnce() -> cx_core::Result<T> + Send,
    ) -> PyResult<T> {
        let out = py.detach(f);
        if let Some(p) = me
            && let Some(e) = p.error.lock().ok().and_then(|mut g| g.take())
        {
            return Err(e);
        }
        out.map_err(crate::error::to_py)
    }
}

impl Progress for PyProgress {
    fn update(&self, done: u64, total: u64) -> cx_core::Result<()> {
        Python::attach(|py| {
            let called = py
                .check_signals()
                .and_then(|()| self.callback.call1(py, (self.step, done, total)).map(drop));
            called.map_err(|e| {
                if let Ok(mut slot) = self.error.lock() {
                    slot.get_or_insert(e);
                }
                CxError::option("progress", "the progress callback raised an exception")
            })
        })
    }
}
