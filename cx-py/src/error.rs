//! Mapping of [`cx_core::CxError`] to the exception classes of `cx.exceptions`.

use cx_core::CxError;
use pyo3::PyErr;

mod exc {
    pyo3::import_exception!(cx.exceptions, CxError);
    pyo3::import_exception!(cx.exceptions, InvalidValueError);
    pyo3::import_exception!(cx.exceptions, MissingFieldError);
    pyo3::import_exception!(cx.exceptions, MissingTimeZoneError);
    pyo3::import_exception!(cx.exceptions, EncodingError);
    pyo3::import_exception!(cx.exceptions, LengthMismatchError);
    pyo3::import_exception!(cx.exceptions, EmptyInputError);
    pyo3::import_exception!(cx.exceptions, TooFewObservationsError);
    pyo3::import_exception!(cx.exceptions, InvalidOptionError);
    pyo3::import_exception!(cx.exceptions, FormatError);
    pyo3::import_exception!(cx.exceptions, CxIOError);
    pyo3::import_exception!(cx.exceptions, TollgateNotMetError);
    pyo3::import_exception!(cx.exceptions, IllegalTransitionError);
    pyo3::import_exception!(cx.exceptions, ConflictError);
    pyo3::import_exception!(cx.exceptions, AccessDeniedError);
    pyo3::import_exception!(cx.exceptions, DecryptionError);
    pyo3::import_exception!(cx.exceptions, UnknownKeyError);
    pyo3::import_exception!(cx.exceptions, InvalidKeyError);
}

/// Newtype so that `?` turns a core error into the right Python exception (orphan rule).
pub(crate) struct PyCxError(pub CxError);

impl From<CxError> for PyCxError {
    fn from(e: CxError) -> Self {
        Self(e)
    }
}

impl From<PyCxError> for PyErr {
    fn from(PyCxError(e): PyCxError) -> PyErr {
        let args = (
            e.to_string(),
            e.code(),
            e.field().map(str::to_owned),
            e.row(),
            e.value().map(str::to_owned),
        );
        match e {
            CxError::InvalidValue { .. } => exc::InvalidValueError::new_err(args),
            CxError::MissingField { .. } => exc::MissingFieldError::new_err(args),
            CxError::MissingTimeZone { .. } => exc::MissingTimeZoneError::new_err(args),
            CxError::Encoding { .. } => exc::EncodingError::new_err(args),
            CxError::LengthMismatch { .. } => exc::LengthMismatchError::new_err(args),
            CxError::EmptyInput { .. } => exc::EmptyInputError::new_err(args),
            CxError::TooFewObservations { .. } => exc::TooFewObservationsError::new_err(args),
            CxError::InvalidOption { .. } => exc::InvalidOptionError::new_err(args),
            CxError::Format { .. } => exc::FormatError::new_err(args),
            CxError::Io { .. } => exc::CxIOError::new_err(args),
            CxError::TollgateNotMet { unmet, .. } => {
                let (m, c, f, r, v) = args;
                exc::TollgateNotMetError::new_err((m, c, f, r, v, unmet))
            }
            CxError::IllegalTransition { .. } => exc::IllegalTransitionError::new_err(args),
            CxError::Conflict { .. } => exc::ConflictError::new_err(args),
            CxError::AccessDenied { .. } => exc::AccessDeniedError::new_err(args),
            CxError::Decryption { .. } => exc::DecryptionError::new_err(args),
            CxError::UnknownKey { .. } => exc::UnknownKeyError::new_err(args),
            CxError::InvalidKey { .. } => exc::InvalidKeyError::new_err(args),
            _ => exc::CxError::new_err(args),
        }
    }
}

/// Convert a core error into a Python exception.
pub(crate) fn to_py(e: CxError) -> PyErr {
    PyCxError(e).into()
}

/// A `ValueError`-derived cx error for a bad keyword literal, naming the choices
/// ("`ci` must be one of {…}, got 'x'"), like polars' `Wrap<T>`.
pub(crate) fn bad_literal(param: &str, choices: &[&str], got: &str) -> PyErr {
    to_py(CxError::option(
        param,
        format!("must be one of {{{}}}, got {got:?}", choices.join(", ")),
    ))
}
