//! Bindings of `cx_core::privacy::crypto`: field-level encryption at rest.
//!
//! Keys never cross into Python as bytes: providers are opaque `KeyProvider`
//! objects whose repr shows key ids only. A Python object with
//! `current_key_id()` and `key(key_id) -> str` is wrapped in a Rust
//! [`KeyProvider`] that calls back with the GIL; what it raises becomes a
//! typed error (`UnknownKeyError` for `KeyError`, else `InvalidKeyError`)
//! whose `__cause__` is the original exception.

use std::cell::RefCell;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use cx_core::CxError;
use cx_core::privacy::{
    EnvKeyProvider, FieldCipher, FileKeyProvider, Key, KeyProvider, StaticKeyProvider,
};
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMapping, PyString};

use crate::error::to_py;

thread_local! {
    /// The exception a Python provider raised during the current call on this
    /// thread (the callback runs on the calling thread), chained as the
    /// `__cause__` of the typed error.
    static CALLBACK_ERROR: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// Run cipher work with the GIL released; a failure caused by a Python
/// provider's exception gets that exception as `__cause__`.
pub(crate) fn run_cipher<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> cx_core::Result<T> + Send,
) -> PyResult<T> {
    CALLBACK_ERROR.with(|c| c.borrow_mut().take());
    let out = py.detach(f);
    let cause = CALLBACK_ERROR.with(|c| c.borrow_mut().take());
    out.map_err(|e| {
        let err = to_py(e);
        if let Some(cause) = cause {
            err.set_cause(py, Some(cause));
        }
        err
    })
}

/// A key provider implemented in Python: any object with `current_key_id()`
/// and `key(key_id) -> str` (64 hex digits or 44 base64 characters).
struct PythonKeyProvider {
    obj: Py<PyAny>,
    type_name: String,
}

impl fmt::Debug for PythonKeyProvider {
    // Never the object's own repr: it might show key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PythonKeyProvider({})", self.type_name)
    }
}

impl PythonKeyProvider {
    fn failed(&self, py: Python<'_>, method: &str, err: PyErr, key_id: Option<&str>) -> CxError {
        let exc = err
            .get_type(py)
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "exception".into());
        // `KeyError` (a dict-like provider) or cx's own `UnknownKeyError`.
        let unknown = key_id.is_some()
            && (err.is_instance_of::<PyKeyError>(py)
                || err
                    .value(py)
                    .getattr("code")
                    .and_then(|c| c.extract::<String>())
                    .is_ok_and(|c| c == "unknown_key"));
        CALLBACK_ERROR.with(|c| *c.borrow_mut() = Some(err));
        match key_id {
            Some(id) if unknown => CxError::UnknownKey { key_id: id.into() },
            _ => CxError::InvalidKey {
                reason: format!(
                    "key provider {}.{method}() raised {exc} (see the exception's __cause__)",
                    self.type_name
                ),
            },
        }
    }
}

impl KeyProvider for PythonKeyProvider {
    fn current_key_id(&self) -> cx_core::Result<String> {
        Python::attach(|py| {
            let out = self
                .obj
                .bind(py)
                .call_method0("current_key_id")
                .map_err(|e| self.failed(py, "current_key_id", e, None))?;
            out.extract::<String>().map_err(|_| CxError::InvalidKey {
                reason: format!("{}.current_key_id() must return a str", self.type_name),
            })
        })
    }

    fn key(&self, key_id: &str) -> cx_core::Result<Key> {
        Python::attach(|py| {
            let out = self
                .obj
                .bind(py)
                .call_method1("key", (key_id,))
                .map_err(|e| self.failed(py, "key", e, Some(key_id)))?;
            let reason = |why: String| CxError::InvalidKey {
                reason: format!("{}.key({key_id:?}) {why}", self.type_name),
            };
            let text = out
                .cast::<PyString>()
                .map_err(|_| reason("must return a str of 64 hex digits".into()))?
                .to_str()
                .map_err(|_| reason("returned a str that is not valid Unicode".into()))?;
            Key::parse(text).map_err(|e| match e {
                CxError::InvalidKey { reason: why } => reason(format!("returned {why}")),
                other => other,
            })
        })
    }
}

/// Accept a built-in `KeyProvider` or a Python object with `current_key_id()`
/// and `key(key_id)`; also used by other bindings that take `keys=`.
pub(crate) fn provider_from_py(obj: &Bound<'_, PyAny>) -> PyResult<(Arc<dyn KeyProvider>, String)> {
    if let Ok(p) = obj.cast::<PyKeyProvider>() {
        let p = p.get();
        return Ok((Arc::clone(&p.inner), p.repr.clone()));
    }
    let type_name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into());
    if obj.hasattr("current_key_id")? && obj.hasattr("key")? {
        let repr = format!("<{type_name} key provider>");
        let provider = PythonKeyProvider {
            obj: obj.clone().unbind(),
            type_name,
        };
        return Ok((Arc::new(provider), repr));
    }
    Err(PyTypeError::new_err(format!(
        "provider must be a KeyProvider (env_keys, file_keys, static_keys) or an object with \
         current_key_id() and key(key_id) methods, got {type_name}"
    )))
}

/// Where keys come from: made by `env_keys`, `file_keys` or `static_keys`.
#[pyclass(frozen, module = "cx._cx", name = "KeyProvider")]
pub(crate) struct PyKeyProvider {
    inner: Arc<dyn KeyProvider>,
    repr: String,
}

#[pymethods]
impl PyKeyProvider {
    /// Id of the key new values are sealed under.
    fn current_key_id(&self, py: Python<'_>) -> PyResult<String> {
        let inner = Arc::clone(&self.inner);
        run_cipher(py, move || inner.current_key_id())
    }

    fn __repr__(&self) -> String {
        self.repr.clone()
    }
}

fn quoted_ids(ids: &[&str]) -> String {
    let ids: Vec<String> = ids.iter().map(|id| format!("'{id}'")).collect();
    format!("[{}]", ids.join(", "))
}

/// Keys from environment variables `<prefix><ID>` and `<prefix>CURRENT`.
#[pyfunction]
#[pyo3(signature = (*, prefix = "CX_KEY_"))]
fn env_keys(prefix: &str) -> PyKeyProvider {
    PyKeyProvider {
        inner: Arc::new(EnvKeyProvider::with_prefix(prefix)),
        repr: format!("env_keys(prefix={prefix:?})").replace('"', "'"),
    }
}

/// Keys from a key file (`id = key` lines and `current = id`).
#[pyfunction]
#[pyo3(signature = (path, /))]
fn file_keys(py: Python<'_>, path: PathBuf) -> PyResult<PyKeyProvider> {
    let p = py.detach(|| FileKeyProvider::open(&path)).map_err(to_py)?;
    let current = p.current_key_id().map_err(to_py)?;
    let repr = format!(
        "file_keys('{}', current='{current}', key_ids={})",
        path.display(),
        quoted_ids(&p.key_ids())
    );
    Ok(PyKeyProvider {
        inner: Arc::new(p),
        repr,
    })
}

/// Keys held in memory: `{key_id: 64 hex digits, 44 base64 characters or 32 bytes}`.
#[pyfunction]
#[pyo3(signature = (current, keys, /))]
fn static_keys(current: &str, keys: &Bound<'_, PyMapping>) -> PyResult<PyKeyProvider> {
    let mut parsed = Vec::new();
    for item in keys.items()?.iter() {
        let (id, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let id: String = id
            .extract()
            .map_err(|_| PyTypeError::new_err("static_keys: key ids must be str"))?;
        let key = if let Ok(b) = value.cast::<PyBytes>() {
            let bytes: [u8; 32] = b.as_bytes().try_into().map_err(|_| {
                to_py(CxError::InvalidKey {
                    reason: format!(
                        "key id {id:?}: expected 32 bytes, got {} bytes",
                        b.as_bytes().len()
                    ),
                })
            })?;
            Key::from_bytes(bytes)
        } else if let Ok(s) = value.cast::<PyString>() {
            Key::parse(s.to_str()?).map_err(|e| match e {
                CxError::InvalidKey { reason } => to_py(CxError::InvalidKey {
                    reason: format!("key id {id:?}: {reason}"),
                }),
                other => to_py(other),
            })?
        } else {
            return Err(PyTypeError::new_err(format!(
                "static_keys: the key of {id:?} must be a str (hex or base64) or 32 bytes"
            )));
        };
        parsed.push((id, key));
    }
    let p = StaticKeyProvider::new(current, parsed).map_err(to_py)?;
    let repr = format!(
        "static_keys(current='{current}', key_ids={})",
        quoted_ids(&p.key_ids())
    );
    Ok(PyKeyProvider {
        inner: Arc::new(p),
        repr,
    })
}

/// A fresh random 256-bit key as 64 hex digits.
#[pyfunction]
fn generate_key() -> PyResult<String> {
    let key = Key::try_generate().map_err(to_py)?;
    Ok(key.export_hex().as_str().to_owned())
}

/// Field-level authenticated encryption (XChaCha20-Poly1305) under a provider's keys.
#[pyclass(frozen, module = "cx._cx", name = "FieldCipher")]
pub(crate) struct PyFieldCipher {
    inner: FieldCipher,
    provider_repr: String,
}

#[pymethods]
impl PyFieldCipher {
    #[new]
    #[pyo3(signature = (provider, /))]
    fn new(provider: &Bound<'_, PyAny>) -> PyResult<Self> {
        let (provider, provider_repr) = provider_from_py(provider)?;
        Ok(PyFieldCipher {
            inner: FieldCipher::new(provider),
            provider_repr,
        })
    }

    /// Seal `plaintext` bound to `aad`: `cx1:<key_id>:<base64url>`.
    #[pyo3(signature = (plaintext, /, *, aad = ""))]
    fn seal(&self, py: Python<'_>, plaintext: &str, aad: &str) -> PyResult<String> {
        run_cipher(py, || self.inner.seal(plaintext, aad))
    }

    /// Open a sealed value with the `aad` it was sealed with.
    #[pyo3(signature = (sealed, /, *, aad = ""))]
    fn open(&self, py: Python<'_>, sealed: &str, aad: &str) -> PyResult<String> {
        run_cipher(py, || self.inner.open(sealed, aad))
    }

    /// Re-seal under the current key; `None` when already current.
    #[pyo3(signature = (sealed, /, *, aad = ""))]
    fn reseal(&self, py: Python<'_>, sealed: &str, aad: &str) -> PyResult<Option<String>> {
        run_cipher(py, || self.inner.reseal(sealed, aad))
    }

    /// Whether `sealed` is under another key than the current one.
    #[pyo3(signature = (sealed, /))]
    fn needs_rotation(&self, py: Python<'_>, sealed: &str) -> PyResult<bool> {
        run_cipher(py, || self.inner.needs_rotation(sealed))
    }

    /// Id of the key new values are sealed under.
    fn current_key_id(&self, py: Python<'_>) -> PyResult<String> {
        run_cipher(py, || self.inner.current_key_id())
    }

    /// Whether `value` looks like a sealed value (`cx1:` prefix).
    #[staticmethod]
    #[pyo3(signature = (value, /))]
    fn is_sealed(value: &str) -> bool {
        FieldCipher::is_sealed(value)
    }

    /// The key id of a sealed value (no decryption).
    #[staticmethod]
    #[pyo3(signature = (sealed, /))]
    fn key_id_of(sealed: &str) -> PyResult<String> {
        FieldCipher::key_id_of(sealed)
            .map(str::to_owned)
            .map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("FieldCipher({})", self.provider_repr)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKeyProvider>()?;
    m.add_class::<PyFieldCipher>()?;
    m.add_function(wrap_pyfunction!(env_keys, m)?)?;
    m.add_function(wrap_pyfunction!(file_keys, m)?)?;
    m.add_function(wrap_pyfunction!(static_keys, m)?)?;
    m.add_function(wrap_pyfunction!(generate_key, m)?)?;
    Ok(())
}
