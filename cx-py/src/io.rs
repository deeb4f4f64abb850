//! Bindings of `cx_core::ingest` and `cx_core::summary`: reading feedback files.

use arrow_array::RecordBatch;
use cx_core::ingest::{
    ColumnMapping, Encoding, ErrorPolicy, FeedbackBatch, FeedbackReader, Ingested, MISSING_RATING,
    ReadOptions, Rejection, read_feedback_file, read_feedback_file_progress,
};
use cx_core::metrics::CsatScale;
use cx_core::progress::{Progress, ProgressRead, Ticker};
use cx_core::summary::{SummaryOptions, summarize_file, summarize_file_progress};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::PyTable;

use crate::error::{bad_literal, to_py};
use crate::progress::PyProgress;
use crate::run;

/// One row that ingestion rejected, and why.
#[pyclass(frozen, module = "cx._cx", name = "Rejection")]
pub(crate) struct PyRejection(Rejection);

#[pymethods]
impl PyRejection {
    /// 0-based record position (header excluded), as in a pandas index.
    #[getter]
    fn row(&self) -> usize {
        self.0.row
    }
    /// 1-based physical line of the file.
    #[getter]
    fn line(&self) -> u64 {
        self.0.line
    }
    /// The column (cx field name, or `<record>` for a malformed record).
    #[getter]
    fn field(&self) -> &str {
        &self.0.field
    }
    /// Alias of `field`.
    #[getter]
    fn column(&self) -> &str {
        &self.0.field
    }
    /// The offending value (personal text is shown as `<redacted len=N>`).
    #[getter]
    fn value(&self) -> &str {
        &self.0.value
    }
    /// Stable error code, as on the exceptions.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code
    }
    /// Why the row was rejected.
    #[getter]
    fn reason(&self) -> &str {
        &self.0.reason
    }
    /// The fields as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("row", self.0.row)?;
        d.set_item("line", self.0.line)?;
        d.set_item("field", &self.0.field)?;
        d.set_item("value", &self.0.value)?;
        d.set_item("code", self.0.code)?;
        d.set_item("reason", &self.0.reason)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "Rejection(row={}, line={}, field={:?}, value={:?}, code={:?}, reason={:?})",
            self.0.row, self.0.line, self.0.field, self.0.value, self.0.code, self.0.reason
        )
    }
}

/// The result of reading a feedback file: accepted rows (as Arrow) and the reject report.
#[pyclass(frozen, module = "cx._cx", name = "Ingested")]
pub(crate) struct PyIngested {
    /// Accepted rows, batch by batch as the reader produced them (no concatenation copy).
    batches: Vec<FeedbackBatch>,
    /// The same rows as Arrow record batches.
    record_batches: Vec<RecordBatch>,
    schema: arrow_schema::SchemaRef,
    rejected: Vec<Py<PyRejection>>,
    rows_read: usize,
    ignored_columns: Vec<String>,
}

impl PyIngested {
    fn len(&self) -> usize {
        self.batches.iter().map(FeedbackBatch::len).sum()
    }

    fn arrow_table(&self) -> PyResult<PyTable> {
        PyTable::try_new(self.record_batches.clone(), self.schema.clone())
    }
}

#[pymethods]
impl PyIngested {
    /// Rows read: accepted + rejected.
    #[getter]
    fn rows_read(&self) -> usize {
        self.rows_read
    }
    /// Rows accepted.
    #[getter]
    fn n_accepted(&self) -> usize {
        self.len()
    }
    /// The rejected rows, in file order.
    #[getter]
    fn rejected(&self, py: Python<'_>) -> Vec<Py<PyRejection>> {
        self.rejected.iter().map(|r| r.clone_ref(py)).collect()
    }
    /// Columns of the file that cx did not map to a field.
    #[getter]
    fn ignored_columns(&self) -> Vec<String> {
        self.ignored_columns.clone()
    }
    /// Column names of the accepted table.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }
    fn __len__(&self) -> usize {
        self.len()
    }
    /// The accepted rows as a `pyarrow.Table` (needs pyarrow: `pip install 'cx[arrow]'`).
    #[getter]
    fn table<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pa = import_optional(slf.py(), "pyarrow", "arrow")?;
        pa.call_method1("table", (slf,))
    }
    /// The accepted rows as a pandas DataFrame (needs pandas and pyarrow).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        import_optional(slf.py(), "pandas", "pandas")?;
        Self::table(slf)?.call_method0("to_pandas")
    }
    /// The accepted rows as a polars DataFrame (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pl = import_optional(slf.py(), "polars", "polars")?;
        pl.call_method1("DataFrame", (slf,))
    }
    /// Export the accepted rows through the Arrow PyCapsule stream interface
    /// (read by `pyarrow.table`, `polars.from_arrow`, duckdb, ...).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = Bound::new(py, self.arrow_table()?)?;
        table.call_method1("__arrow_c_stream__", (requested_schema,))
    }
    /// The accepted rows as dicts (one per row; ratings `None` when missing).
    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        let rating = |v: u8| (v != MISSING_RATING).then_some(v);
        for (b, i) in self
            .batches
            .iter()
            .flat_map(|b| (0..b.len()).map(move |i| (b, i)))
        {
            let d = PyDict::new(py);
            d.set_item("feedback_id", b.feedback_id.get(i))?;
            d.set_item("customer_id", b.customer_id.get(i))?;
            d.set_item("channel", b.channel_at(i).as_str())?;
            d.set_item("touchpoint_id", b.touchpoint_id.get(i))?;
            d.set_item("timestamp", b.timestamp_at(i).map(|t| t.to_rfc3339()))?;
            d.set_item("kind", b.kind[i].map(|k| k.as_str()))?;
            d.set_item("nps", rating(b.nps[i]))?;
            d.set_item("csat", rating(b.csat[i]))?;
            d.set_item("ces", rating(b.ces[i]))?;
            d.set_item("text", b.text.get(i))?;
            d.set_item("tags", b.tags.get(i).collect::<Vec<_>>())?;
            d.set_item("language", b.language.get(i))?;
            let w = b.weight[i];
            d.set_item("weight", (!w.is_nan()).then_some(w))?;
            d.set_item("row", b.row[i])?;
            out.append(d)?;
        }
        Ok(out)
    }
    fn __repr__(&self) -> String {
        format!(
            "Ingested(rows_read={}, accepted={}, rejected={}, ignored_columns={:?})",
            self.rows_read,
            self.len(),
            self.rejected.len(),
            self.ignored_columns
        )
    }
    fn _repr_html_(&self) -> String {
        let caption = format!(
            "Ingested: {} rows read, {} accepted, {} rejected",
            self.rows_read,
            self.len(),
            self.rejected.len()
        );
        crate::report::table_html::batches_html(&caption, &self.record_batches, 10)
    }
}

/// Import an optional dependency, or raise ImportError saying which extra installs it.
fn import_optional<'py>(
    py: Python<'py>,
    module: &str,
    extra: &str,
) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|_| {
        pyo3::exceptions::PyImportError::new_err(format!(
            "{module} is needed for this; install it with: pip install 'cx[{extra}]'"
        ))
    })
}

fn read_options(
    mapping: Option<Vec<(String, String)>>,
    encoding: Option<&str>,
    tz: Option<&str>,
    errors: &str,
    allow_other_channels: bool,
    csat_scale: Option<&str>,
) -> PyResult<ReadOptions> {
    let policy = match errors {
        "raise" | "strict" => ErrorPolicy::Strict,
        "collect" => ErrorPolicy::Collect,
        other => return Err(bad_literal("errors", &["raise", "collect"], other)),
    };
    let mut opts = ReadOptions::new()
        .errors(policy)
        .allow_other_channels(allow_other_channels);
    if let Some(m) = mapping {
        opts = opts.mapping(ColumnMapping::from_pairs(m).map_err(to_py)?);
    }
    if let Some(e) = encoding {
        opts = opts.encoding(e.parse::<Encoding>().map_err(to_py)?);
    }
    if let Some(z) = tz {
        opts = opts.tz(cx_core::ingest::parse_tz(z).map_err(to_py)?);
    }
    if let Some(s) = csat_scale {
        opts = opts.csat_scale(s.parse::<CsatScale>().map_err(to_py)?);
    }
    Ok(opts)
}

/// What a read produced: the reader's batches and its report.
struct Loaded {
    accepted: Vec<FeedbackBatch>,
    rejected: Vec<Rejection>,
    rows_read: usize,
    ignored_columns: Vec<String>,
}

fn one_batch(ing: Ingested<FeedbackBatch>) -> Loaded {
    Loaded {
        accepted: vec![ing.accepted],
        rejected: ing.rejected,
        rows_read: ing.rows_read,
        ignored_columns: ing.ignored_columns,
    }
}

/// Read a file keeping the reader's batches (CSV streams in batches; JSON Lines is one
/// batch), reporting the bytes read to `progress`.
fn read_batches(
    path: &std::path::Path,
    opts: &ReadOptions,
    progress: Option<&dyn Progress>,
) -> cx_core::Result<Loaded> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("jsonl" | "ndjson" | "json")) {
        return match progress {
            Some(p) => read_feedback_file_progress(path, opts, p),
            None => read_feedback_file(path, opts),
        }
        .map(one_batch);
    }
    let io = |e: std::io::Error| cx_core::CxError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let ticker = Ticker::new(progress, size);
    ticker.start()?;
    let read = || {
        let mut reader = FeedbackReader::new(ProgressRead::new(file, &ticker), opts.clone())?;
        let mut batches = Vec::new();
        while let Some(b) = reader.next_batch()? {
            batches.push(b);
        }
        Ok(Loaded {
            accepted: batches,
            rejected: reader.take_rejected(),
            rows_read: reader.rows_read(),
            ignored_columns: reader.ignored_columns().to_vec(),
        })
    };
    ProgressRead::<std::fs::File>::result(&ticker, read())
}

/// Convert batches to Arrow on all cores (each batch is independent).
fn to_record_batches(batches: &[FeedbackBatch]) -> cx_core::Result<Vec<RecordBatch>> {
    let threads = cx_core::threads::available().min(batches.len().max(1));
    let chunk = batches.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batches
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(FeedbackBatch::to_record_batch)
                        .collect::<cx_core::Result<Vec<_>>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(batches.len());
        for h in handles {
            match h.join() {
                Ok(r) => out.extend(r?),
                Err(_) => {
                    return Err(cx_core::CxError::Format {
                        what: "Arrow conversion".into(),
                        reason: "a worker thread failed".into(),
                    });
                }
            }
        }
        Ok(out)
    })
}

/// Read a CSV or JSON Lines feedback file, or validate a data frame.
#[pyfunction]
#[pyo3(signature = (source, /, *, mapping=None, encoding=None, tz=None, errors="raise", allow_other_channels=false, csat_scale=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn read_feedback(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    mapping: Option<Vec<(String, String)>>,
    encoding: Option<&str>,
    tz: Option<&str>,
    errors: &str,
    allow_other_channels: bool,
    csat_scale: Option<&str>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyIngested> {
    let progress = PyProgress::new(progress, "read feedback")?;
    let opts = read_options(
        mapping,
        encoding,
        tz,
        errors,
        allow_other_channels,
        csat_scale,
    )?;
    let is_frame = source.hasattr("__arrow_c_stream__")? || source.hasattr("__arrow_c_array__")?;
    let ing = if is_frame {
        let (headers, cols) = crate::frame::frame_columns(source)?;
        run(py, || {
            cx_core::ingest::read_feedback_columns(&headers, &cols, &opts).map(one_batch)
        })?
    } else {
        let path: std::path::PathBuf = source.extract().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(
                "`source` must be a path or a data frame with the Arrow PyCapsule interface (pyarrow, polars, pandas >= 2.2)",
            )
        })?;
        PyProgress::run(py, &progress, || {
            read_batches(&path, &opts, PyProgress::as_dyn(&progress))
        })?
    };
    let record_batches = run(py, || to_record_batches(&ing.accepted))?;
    let rejected = ing
        .rejected
        .into_iter()
        .map(|r| Py::new(py, PyRejection(r)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyIngested {
        batches: ing.accepted,
        record_batches,
        schema: std::sync::Arc::new(FeedbackBatch::arrow_schema()),
        rejected,
        rows_read: ing.rows_read,
        ignored_columns: ing.ignored_columns,
    })
}

/// Summarise a feedback file; returns the summary as a JSON string (wrapped by `cx.io`).
#[pyfunction]
#[pyo3(signature = (path, /, *, mapping=None, encoding=None, tz=None, errors="collect", allow_other_channels=false, csat_scale="1-5", level=0.95, top_tags=10, progress=None))]
#[allow(clippy::too_many_arguments)]
fn summarize_feedback_json(
    py: Python<'_>,
    path: std::path::PathBuf,
    mapping: Option<Vec<(String, String)>>,
    encoding: Option<&str>,
    tz: Option<&str>,
    errors: &str,
    allow_other_channels: bool,
    csat_scale: &str,
    level: f64,
    top_tags: usize,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let progress = PyProgress::new(progress, "read feedback")?;
    let read = read_options(
        mapping,
        encoding,
        tz,
        errors,
        allow_other_channels,
        Some(csat_scale),
    )?;
    let (lo, hi) = csat_scale.parse::<CsatScale>().map_err(to_py)?.bounds();
    let opts = SummaryOptions::new()
        .level(level)
        .csat_scale(lo, hi)
        .top_tags(top_tags);
    PyProgress::run(py, &progress, || {
        let s = match PyProgress::as_dyn(&progress) {
            Some(p) => summarize_file_progress(&path, &read, opts, p)?,
            None => summarize_file(&path, &read, opts)?,
        };
        serde_json::to_string(&s).map_err(|e| cx_core::CxError::Format {
            what: "summary".into(),
            reason: e.to_string(),
        })
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRejection>()?;
    m.add_class::<PyIngested>()?;
    m.add_function(wrap_pyfunction!(read_feedback, m)?)?;
    m.add_function(wrap_pyfunction!(summarize_feedback_json, m)?)?;
    Ok(())
}
