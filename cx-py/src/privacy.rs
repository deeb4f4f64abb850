//! Bindings of `cx_core::privacy`: redaction and keyed pseudonymisation.

use cx_core::privacy::{PiiKind, PiiMatch, Pseudonymizer, RedactOptions, Redactor};
use pyo3::prelude::*;

use crate::error::to_py;

/// One piece of personal data found in a text.
#[pyclass(frozen, module = "cx._cx", name = "PiiMatch")]
pub(crate) struct PyPiiMatch {
    m: PiiMatch,
    start: usize,
    end: usize,
}

#[pymethods]
impl PyPiiMatch {
    /// Kind: "email", "phone", "id_card", "card" or "ip".
    #[getter]
    fn kind(&self) -> &'static str {
        self.m.kind.as_str()
    }
    /// Start as a Python string (character) index.
    #[getter]
    fn start(&self) -> usize {
        self.start
    }
    /// End (exclusive) as a Python string (character) index.
    #[getter]
    fn end(&self) -> usize {
        self.end
    }
    /// Start as a UTF-8 byte offset.
    #[getter]
    fn byte_start(&self) -> usize {
        self.m.start
    }
    /// End (exclusive) as a UTF-8 byte offset.
    #[getter]
    fn byte_end(&self) -> usize {
        self.m.end
    }
    /// The placeholder that replaced the match, e.g. "[PHONE]".
    #[getter]
    fn placeholder(&self) -> &'static str {
        self.m.kind.placeholder()
    }
    fn __repr__(&self) -> String {
        format!(
            "PiiMatch(kind={:?}, start={}, end={})",
            self.m.kind.as_str(),
            self.start,
            self.end
        )
    }
}

/// A redacted text and what was replaced.
#[pyclass(frozen, module = "cx._cx", name = "Redacted")]
pub(crate) struct PyRedacted {
    text: String,
    matches: Vec<Py<PyPiiMatch>>,
}

#[pymethods]
impl PyRedacted {
    /// The text with each match replaced by its placeholder.
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }
    /// The matches, with spans in the original text.
    #[getter]
    fn matches(&self, py: Python<'_>) -> Vec<Py<PyPiiMatch>> {
        self.matches.iter().map(|m| m.clone_ref(py)).collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "Redacted(text={:?}, matches={})",
            self.text,
            self.matches.len()
        )
    }
}

fn options(kinds: Option<Vec<String>>) -> PyResult<RedactOptions> {
    match kinds {
        None => Ok(RedactOptions::new()),
        Some(list) => {
            let parsed = list
                .iter()
                .map(|s| s.parse::<PiiKind>())
                .collect::<cx_core::Result<Vec<_>>>()
                .map_err(to_py)?;
            Ok(RedactOptions::only(&parsed))
        }
    }
}

/// Byte offsets → char offsets, in one pass over the text.
fn char_offsets(text: &str, matches: &[PiiMatch]) -> Vec<(usize, usize)> {
    let mut bounds: Vec<usize> = matches.iter().flat_map(|m| [m.start, m.end]).collect();
    bounds.sort_unstable();
    let mut map = std::collections::HashMap::with_capacity(bounds.len());
    let mut it = bounds.iter().peekable();
    let ends = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    for (chars, byte) in ends.enumerate() {
        while let Some(&&b) = it.peek() {
            if b != byte {
                break;
            }
            map.insert(b, chars);
            it.next();
        }
    }
    matches
        .iter()
        .map(|m| {
            (
                map.get(&m.start).copied().unwrap_or(0),
                map.get(&m.end).copied().unwrap_or(0),
            )
        })
        .collect()
}

#[pyfunction]
#[pyo3(signature = (text, /, *, kinds=None))]
fn redact(py: Python<'_>, text: &str, kinds: Option<Vec<String>>) -> PyResult<PyRedacted> {
    let redactor = Redactor::new(options(kinds)?);
    let r = py.detach(|| redactor.redact(text));
    let offsets = char_offsets(text, &r.matches);
    let matches = r
        .matches
        .iter()
        .zip(offsets)
        .map(|(m, (start, end))| Py::new(py, PyPiiMatch { m: *m, start, end }))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyRedacted {
        text: r.text,
        matches,
    })
}

#[pyfunction]
#[pyo3(signature = (texts, /, *, kinds=None))]
fn redact_many(
    py: Python<'_>,
    texts: Vec<String>,
    kinds: Option<Vec<String>>,
) -> PyResult<Vec<String>> {
    let redactor = Redactor::new(options(kinds)?);
    Ok(py.detach(|| redactor.redact_many(&texts)))
}

/// Keyed HMAC-SHA256 pseudonyms.
#[pyclass(frozen, module = "cx._cx", name = "Pseudonymizer")]
pub(crate) struct PyPseudonymizer(Pseudonymizer);

#[pymethods]
impl PyPseudonymizer {
    #[new]
    #[pyo3(signature = (key, /, *, length=64, prefix=""))]
    fn new(key: &[u8], length: usize, prefix: &str) -> PyResult<Self> {
        let p = Pseudonymizer::new(key)
            .and_then(|p| p.with_length(length))
            .map_err(to_py)?
            .with_prefix(prefix);
        Ok(Self(p))
    }
    /// Pseudonym of one value.
    fn pseudonymize(&self, value: &str) -> String {
        self.0.pseudonymize(value)
    }
    /// Pseudonyms of many values (the GIL is released).
    fn pseudonymize_many(&self, py: Python<'_>, values: Vec<String>) -> Vec<String> {
        py.detach(|| self.0.pseudonymize_many(&values))
    }
    /// Pseudonym length in hex characters (without the prefix).
    #[getter]
    fn length(&self) -> usize {
        self.0.length()
    }
    /// Prefix put before each pseudonym.
    #[getter]
    fn prefix(&self) -> &str {
        self.0.prefix()
    }
    fn __repr__(&self) -> String {
        format!(
            "Pseudonymizer(key=<redacted>, length={}, prefix={:?})",
            self.0.length(),
            self.0.prefix()
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPiiMatch>()?;
    m.add_class::<PyRedacted>()?;
    m.add_class::<PyPseudonymizer>()?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(redact_many, m)?)?;
    Ok(())
}
