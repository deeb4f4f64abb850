//! Bindings of customer segments and retention: `cx.rfm` and `cx.retention`.
//!
//! Columns are read from an Arrow table (the Python layer selects them from the caller's
//! frame); tables leave as `GroupedTable` and are turned into the caller's frame type
//! by `cx._frames.to_caller`.

use std::sync::Arc;

use arrow_array::types::UInt16Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int32Array, Int64Array,
    RecordBatch, StringArray, UInt8Array, UInt16Array, UInt32Array, UInt64Array,
};
use arrow_schema::{Field, Schema};
use cx_core::metrics::group::Freq;
use cx_core::segments::{
    self, BinMethod, Customers, Future, Labels, Monetary, Negative, RetentionOptions,
    RetentionResult, RfmOptions, RfmResult, SegmentRule, SegmentSummary, TallyOptions,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::bad_literal;
use crate::metrics::parse;
use crate::metrics_group::PyGroupedTable;
use crate::run;

mod input;
use input::{InPlaceDays, codes, column, days, dense_ids, iso, py_date};

fn batch(fields: Vec<(&str, ArrayRef)>) -> PyResult<RecordBatch> {
    let schema = Schema::new(
        fields
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        fields.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(|e| PyTypeError::new_err(e.to_string()))
}

fn to_caller<'py>(py: Python<'py>, t: RecordBatch, kind: &str) -> PyResult<Bound<'py, PyAny>> {
    let table = Bound::new(py, PyGroupedTable::new(t))?;
    py.import("cx._frames")?
        .call_method1("to_caller", (table, kind))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn opt_f64(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

// ---------------------------------------------------------------- RFM

/// RFM table, thresholds and segments (see `cx.segments.rfm`).
#[pyclass(frozen, module = "cx._cx", name = "RfmResult")]
pub(crate) struct PyRfmResult {
    /// The result without its table (its columns are in `columns`).
    res: RfmResult,
    /// The customer table, its columns moved from the core result without a copy.
    columns: RecordBatch,
    /// Customers scored.
    n_customers: usize,
    /// Per segment: customers, share, purchases, amount.
    summary: Vec<SegmentSummary>,
    kind: String,
    monetary: &'static str,
}

impl PyRfmResult {
    /// Move the core result's table into Arrow columns (no copy but the customer keys:
    /// `keys[code]`, or the code itself when `identity`).
    fn new(
        mut res: RfmResult,
        keys: Option<ArrayRef>,
        kind: &str,
        monetary: &'static str,
    ) -> PyResult<Self> {
        let summary = res.segment_summary();
        let t = std::mem::take(&mut res.table);
        let n_customers = t.len();
        let rfm = t.rfm_scores();
        let customer: ArrayRef = match keys {
            None => Arc::new(Int64Array::from_iter_values(
                t.code.iter().map(|&c| i64::from(c)),
            )),
            Some(k) => arrow_select::take::take(k.as_ref(), &UInt32Array::from(t.code), None)
                .map_err(|e| PyTypeError::new_err(e.to_string()))?,
        };
        let seg_values = StringArray::from_iter_values(res.segment_names.iter());
        let segment = DictionaryArray::<UInt16Type>::try_new(
            UInt16Array::from(t.segment),
            Arc::new(seg_values),
        )
        .map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let columns = batch(vec![
            ("customer", customer),
            ("first_purchase", Arc::new(Date32Array::from(t.first_day))),
            ("last_purchase", Arc::new(Date32Array::from(t.last_day))),
            ("recency_days", Arc::new(Int32Array::from(t.recency_days))),
            ("frequency", Arc::new(UInt64Array::from(t.frequency))),
            ("monetary", Arc::new(Float64Array::from(t.monetary))),
            ("recency_score", Arc::new(UInt8Array::from(t.r))),
            ("frequency_score", Arc::new(UInt8Array::from(t.f))),
            ("monetary_score", Arc::new(UInt8Array::from(t.m))),
            ("rfm_score", Arc::new(UInt16Array::from(rfm))),
            ("segment", Arc::new(segment)),
        ])?;
        Ok(Self {
            res,
            columns,
            n_customers,
            summary,
            kind: kind.to_string(),
            monetary,
        })
    }

    fn thresholds_batch(&self) -> PyResult<RecordBatch> {
        let (mut dim, mut score, mut lo, mut hi, mut bl, mut bh, mut n) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        for d in &self.res.dimensions {
            let k = d.counts.len();
            for s in 1..=k {
                // Value-order bin of this score (recency is reversed).
                let b = if d.name == "recency" { k + 1 - s } else { s };
                dim.push(d.name);
                score.push(s as u8);
                lo.push(opt_f64(d.min[s - 1]));
                hi.push(opt_f64(d.max[s - 1]));
                n.push(d.counts[s - 1]);
                let defined = d.method != "ntile";
                bl.push(if defined && b > 1 {
                    d.breaks.get(b - 2).copied()
                } else {
                    None
                });
                bh.push(if defined && b < k {
                    d.breaks.get(b - 1).copied()
                } else {
                    None
                });
            }
        }
        batch(vec![
            ("dimension", Arc::new(StringArray::from_iter_values(dim))),
            ("score", Arc::new(UInt8Array::from_iter_values(score))),
            ("customers", Arc::new(UInt64Array::from_iter_values(n))),
            ("min", Arc::new(Float64Array::from(lo))),
            ("max", Arc::new(Float64Array::from(hi))),
            ("above", Arc::new(Float64Array::from(bl))),
            ("up_to", Arc::new(Float64Array::from(bh))),
        ])
    }

    fn segments_batch(&self) -> PyResult<RecordBatch> {
        let s = &self.summary;
        batch(vec![
            (
                "segment",
                Arc::new(StringArray::from_iter_values(
                    s.iter().map(|x| x.name.as_str()),
                )),
            ),
            (
                "customers",
                Arc::new(UInt64Array::from_iter_values(s.iter().map(|x| x.customers))),
            ),
            (
                "share",
                Arc::new(Float64Array::from_iter_values(s.iter().map(|x| x.share))),
            ),
            (
                "purchases",
                Arc::new(UInt64Array::from_iter_values(s.iter().map(|x| x.purchases))),
            ),
            (
                "amount",
                Arc::new(Float64Array::from_iter_values(s.iter().map(|x| x.amount))),
            ),
        ])
    }
}

#[pymethods]
impl PyRfmResult {
    /// One row per customer (a frame of the caller's type).
    #[getter]
    fn table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_caller(py, self.columns.clone(), &self.kind)
    }
    /// Per dimension and score: customers, observed min/max, and the bin's defining
    /// interval `(above, up_to]` (null at the open ends and for `ntile`).
    #[getter]
    fn thresholds<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_caller(py, self.thresholds_batch()?, &self.kind)
    }
    /// Per segment: customers, share, purchases, amount (rule order, then "Others").
    #[getter]
    fn segments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_caller(py, self.segments_batch()?, &self.kind)
    }
    /// The `k − 1` breaks per dimension, in value order (days for recency).
    #[getter]
    fn breaks(&self) -> Vec<(String, Vec<f64>)> {
        self.res
            .dimensions
            .iter()
            .map(|d| (d.name.to_string(), d.breaks.clone()))
            .collect()
    }
    /// Segment name → customers.
    #[getter]
    fn segment_counts(&self) -> Vec<(String, u64)> {
        self.res
            .segment_names
            .iter()
            .cloned()
            .zip(self.res.segment_counts.iter().copied())
            .collect()
    }
    /// The as-of date (`datetime.date`).
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date(py, self.res.as_of)
    }
    /// Customers scored.
    #[getter]
    fn n_customers(&self) -> usize {
        self.n_customers
    }
    /// Transaction rows read.
    #[getter]
    fn n_rows(&self) -> u64 {
        self.res.n_rows
    }
    /// Rows after the as-of date left out (`after_as_of="exclude"`).
    #[getter]
    fn n_excluded(&self) -> u64 {
        self.res.n_excluded
    }
    /// Customers with only refunds (`negative="net"`), not scored.
    #[getter]
    fn n_without_purchase(&self) -> u64 {
        self.res.n_without_purchase
    }
    /// Notes such as bins collapsed by ties.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.res.warnings.clone()
    }
    /// Summary as plain Python values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("as_of", self.as_of(py)?)?;
        d.set_item("n_customers", self.n_customers)?;
        d.set_item("n_rows", self.res.n_rows)?;
        d.set_item("n_excluded", self.res.n_excluded)?;
        d.set_item("n_without_purchase", self.res.n_without_purchase)?;
        d.set_item("monetary", self.monetary)?;
        let b = PyDict::new(py);
        for (k, v) in self.breaks() {
            b.set_item(k, v)?;
        }
        d.set_item("breaks", b)?;
        let s = PyDict::new(py);
        for (k, v) in self.segment_counts() {
            s.set_item(k, v)?;
        }
        d.set_item("segment_counts", s)?;
        d.set_item("warnings", self.warnings())?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "RfmResult(as_of={}, customers={}, scores={}, segments={}, warnings={})",
            iso(self.res.as_of),
            self.n_customers,
            self.res.dimensions[0].counts.len(),
            self.res.segment_names.len(),
            self.res.warnings.len()
        )
    }
    fn _repr_html_(&self) -> String {
        let mut h = format!(
            "<table><caption>RFM as of {} — {} customers</caption><tr><th>segment</th><th>customers</th><th>share</th><th>purchases</th><th>amount</th></tr>",
            iso(self.res.as_of),
            self.n_customers
        );
        for s in &self.summary {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{:.1}%</td><td>{}</td><td>{:.2}</td></tr>",
                html_escape(&s.name),
                s.customers,
                100.0 * s.share,
                s.purchases,
                s.amount
            ));
        }
        h.push_str("</table><table><caption>breaks (value on a break → lower bin)</caption>");
        for d in &self.res.dimensions {
            let b: Vec<String> = d.breaks.iter().map(|v| format!("{v:.4}")).collect();
            h.push_str(&format!(
                "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
                d.name,
                d.method,
                b.join(", ")
            ));
        }
        h.push_str("</table>");
        for w in &self.res.warnings {
            h.push_str(&format!("<p>⚠ {}</p>", html_escape(w)));
        }
        h
    }
}

fn rule_from_py(obj: &Bound<'_, PyAny>) -> PyResult<SegmentRule> {
    let bad = || {
        PyTypeError::new_err(
            "each segment rule must be (name, (r_lo, r_hi), (f_lo, f_hi), (m_lo, m_hi)) or a dict with keys name, recency, frequency, monetary",
        )
    };
    if let Ok(d) = obj.cast::<PyDict>() {
        let get = |k: &str| d.get_item(k).ok().flatten().ok_or_else(bad);
        return Ok(SegmentRule::new(
            get("name")?.extract::<String>().map_err(|_| bad())?,
            get("recency")?.extract().map_err(|_| bad())?,
            get("frequency")?.extract().map_err(|_| bad())?,
            get("monetary")?.extract().map_err(|_| bad())?,
        ));
    }
    type Range = (u8, u8);
    let (name, r, f, m): (String, Range, Range, Range) = obj.extract().map_err(|_| bad())?;
    Ok(SegmentRule::new(name, r, f, m))
}

fn segment_rules(
    segments: Option<&Bound<'_, PyAny>>,
    labels: Labels,
    k: usize,
) -> PyResult<Option<Vec<SegmentRule>>> {
    let Some(s) = segments else {
        return Ok((k == 5).then(|| segments::rules::rfm10(labels)));
    };
    if let Ok(name) = s.extract::<String>() {
        return match name.as_str() {
            "rfm10" => Ok(Some(segments::rules::rfm10(labels))),
            "rfm8" => Ok(Some(segments::rules::rfm8(k as u8, labels))),
            other => Err(bad_literal("segments", &["rfm10", "rfm8"], other)),
        };
    }
    let list = s.cast::<PyList>().map_err(|_| {
        PyTypeError::new_err("`segments` must be \"rfm10\", \"rfm8\" or a list of rules")
    })?;
    let rules = list
        .iter()
        .map(|r| rule_from_py(&r))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Some(rules))
}

fn method_of(name: &str) -> PyResult<BinMethod> {
    match name {
        "quantile" => Ok(BinMethod::Quantile),
        "ntile" => Ok(BinMethod::Ntile),
        other => Err(bad_literal(
            "method",
            &["quantile", "ntile", "custom"],
            other,
        )),
    }
}

/// RFM of an Arrow table (the work behind `cx.rfm`).
#[pyfunction]
#[pyo3(signature = (table, /, *, customer, date, amount, order=None, as_of=None, bins=5,
    method="quantile", cuts=None, monetary="sum", segments=None, labels="en",
    negative="reject", after_as_of="reject", kind="pyarrow"))]
#[allow(clippy::too_many_arguments)]
fn _rfm_arrow(
    py: Python<'_>,
    table: AnyRecordBatch,
    customer: &str,
    date: &str,
    amount: &str,
    order: Option<&str>,
    as_of: Option<i32>,
    bins: usize,
    method: &str,
    cuts: Option<&Bound<'_, PyDict>>,
    monetary: &str,
    segments: Option<&Bound<'_, PyAny>>,
    labels: &str,
    negative: &str,
    after_as_of: &str,
    kind: &str,
) -> PyResult<PyRfmResult> {
    let labels: Labels = parse(labels)?;
    let monetary_kind: Monetary = parse(monetary)?;
    let negative: Negative = parse(negative)?;
    let future: Future = parse(after_as_of)?;
    let names = ["recency", "frequency", "monetary"];
    let mut methods = [
        BinMethod::Quantile,
        BinMethod::Quantile,
        BinMethod::Quantile,
    ];
    let mut k = bins;
    if let Some(c) = cuts {
        for key in c.keys() {
            let key: String = key.extract()?;
            if !names.contains(&key.as_str()) {
                return Err(bad_literal("cuts", &names, &key));
            }
        }
    }
    for (j, name) in names.iter().enumerate() {
        let given = match cuts {
            Some(c) => c.get_item(name)?,
            None => None,
        };
        methods[j] = match given {
            Some(v) => {
                let v: Vec<f64> = v.extract().map_err(|_| {
                    PyTypeError::new_err(format!("`cuts[{name:?}]` must be a list of numbers"))
                })?;
                k = v.len() + 1;
                BinMethod::Custom(v)
            }
            None if method == "custom" => {
                return Err(PyValueError::new_err(format!(
                    "method=\"custom\" needs cut points for every dimension: cuts[{name:?}] is missing"
                )));
            }
            None => method_of(method)?,
        };
    }
    let rules = segment_rules(segments, labels, k)?;
    let mut opts = RfmOptions::new().bins(k).monetary(monetary_kind);
    opts.methods = methods;
    opts.segments = Some(rules.unwrap_or_default());
    if labels == Labels::Zh {
        opts.others = segments::rules::OTHERS.1.to_string();
    }
    if segments.is_none() && k != 5 {
        // No default segments beyond quintiles: everyone is "Others".
        opts.segments = Some(Vec::new());
    }

    let t = table.into_table()?;
    let (batches, schema) = t.into_inner();
    let (cc, ct) = column(&batches, &schema, customer)?;
    let (dc, dt) = column(&batches, &schema, date)?;
    let (ac, _) = column(&batches, &schema, amount)?;
    // Integer ids in a dense range and naive timestamps (or dates) are read in place:
    // the same result as the converted columns, without the copies.
    let in_place = match (dense_ids(py, &cc), InPlaceDays::of(&dc)) {
        (Some(ids), Some(d)) => Ok((ids, d)),
        _ => {
            let cust = codes(py, cc, &ct, customer)?;
            let day = py.detach(|| days(&dc, &dt, date))?;
            Err((cust, day))
        }
    };
    let amounts = input::amounts(&ac, amount)?;
    let orders = match order {
        Some(o) => {
            let (oc, ot) = column(&batches, &schema, o)?;
            Some(codes(py, oc, &ot, o)?.codes)
        }
        None => None,
    };
    let mut topts = TallyOptions::new().future(future).negative(negative);
    if let Some(d) = as_of {
        topts = topts.as_of(d);
    }
    let (o, a) = (orders.as_deref(), amounts.values());
    let (res, keys) = match in_place {
        Ok(((ids, count), d)) => {
            let cust = Customers::Ids {
                ids: ids.values(),
                offset: 0,
                count,
            };
            let res = run(py, || {
                segments::rfm_columns(cust, d.days(), a, o, topts, &opts)
            })?;
            // The ids are the codes.
            (res, None)
        }
        Err((cust, day)) => {
            let c = &cust.codes;
            let res = run(py, || segments::rfm(c, &day, a, o, topts, &opts))?;
            (res, (!cust.identity).then_some(cust.values))
        }
    };
    let monetary = if monetary_kind == Monetary::Mean {
        "mean"
    } else {
        "sum"
    };
    py.detach(|| PyRfmResult::new(res, keys, kind, monetary))
}

// ---------------------------------------------------------------- retention

/// Retention per period, repeat rate and cohort table (see `cx.segments.retention`).
#[pyclass(frozen, module = "cx._cx", name = "RetentionResult")]
pub(crate) struct PyRetentionResult {
    res: RetentionResult,
    kind: String,
    freq: String,
    active_days: Option<u32>,
}

impl PyRetentionResult {
    fn periods_batch(&self) -> PyResult<RecordBatch> {
        let p = &self.res.periods;
        batch(vec![
            (
                "period",
                Arc::new(Date32Array::from_iter_values(p.iter().map(|x| x.start_day))),
            ),
            (
                "end",
                Arc::new(Date32Array::from_iter_values(p.iter().map(|x| x.end_day))),
            ),
            (
                "partial",
                Arc::new(BooleanArray::from_iter(p.iter().map(|x| Some(x.partial)))),
            ),
            (
                "customers_start",
                Arc::new(UInt64Array::from_iter_values(
                    p.iter().map(|x| x.customers_start),
                )),
            ),
            (
                "customers_end",
                Arc::new(UInt64Array::from_iter_values(
                    p.iter().map(|x| x.customers_end),
                )),
            ),
            (
                "new_customers",
                Arc::new(UInt64Array::from_iter_values(
                    p.iter().map(|x| x.new_customers),
                )),
            ),
            (
                "retained",
                Arc::new(UInt64Array::from_iter_values(p.iter().map(|x| x.retained))),
            ),
            (
                "reactivated",
                Arc::new(UInt64Array::from_iter_values(
                    p.iter().map(|x| x.reactivated),
                )),
            ),
            (
                "retention_rate",
                Arc::new(Float64Array::from_iter(p.iter().map(|x| x.retention_rate))),
            ),
            (
                "churn_rate",
                Arc::new(Float64Array::from_iter(p.iter().map(|x| x.churn_rate))),
            ),
        ])
    }
    fn cohorts_batch(&self) -> PyResult<RecordBatch> {
        let c = &self.res.cohorts;
        batch(vec![
            (
                "cohort",
                Arc::new(Date32Array::from_iter_values(
                    c.iter().map(|x| x.cohort_start),
                )),
            ),
            (
                "period",
                Arc::new(UInt32Array::from_iter_values(c.iter().map(|x| x.period))),
            ),
            (
                "period_start",
                Arc::new(Date32Array::from_iter_values(
                    c.iter().map(|x| x.period_start),
                )),
            ),
            (
                "cohort_size",
                Arc::new(UInt64Array::from_iter_values(
                    c.iter().map(|x| x.cohort_size),
                )),
            ),
            (
                "active",
                Arc::new(UInt64Array::from_iter_values(c.iter().map(|x| x.active))),
            ),
            (
                "share",
                Arc::new(Float64Array::from_iter_values(c.iter().map(|x| x.share))),
            ),
        ])
    }
    /// Wide cohort table: one row per cohort, columns `0`, `1`, ... = share active.
    fn matrix_batch(&self) -> PyResult<RecordBatch> {
        let c = &self.res.cohorts;
        let mut starts: Vec<(i32, u64)> =
            c.iter().map(|x| (x.cohort_start, x.cohort_size)).collect();
        starts.dedup();
        let width = c.iter().map(|x| x.period as usize + 1).max().unwrap_or(0);
        let mut cells = vec![vec![None; starts.len()]; width];
        for x in c {
            if let Ok(i) = starts.binary_search_by_key(&x.cohort_start, |s| s.0) {
                cells[x.period as usize][i] = Some(x.share);
            }
        }
        let names: Vec<String> = (0..width).map(|k| k.to_string()).collect();
        let mut fields: Vec<(&str, ArrayRef)> = vec![
            (
                "cohort",
                Arc::new(Date32Array::from_iter_values(starts.iter().map(|s| s.0))),
            ),
            (
                "cohort_size",
                Arc::new(UInt64Array::from_iter_values(starts.iter().map(|s| s.1))),
            ),
        ];
        for (name, col) in names.iter().zip(cells) {
            fields.push((name.as_str(), Arc::new(Float64Array::from(col))));
        }
        batch(fields)
    }
}

#[pymethods]
impl PyRetentionResult {
    /// One row per period: S, E, N, retained, reactivated, CRR = (E − N)/S, churn.
    #[getter]
    fn periods<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_caller(py, self.periods_batch()?, &self.kind)
    }
    /// Cohort table, long form: cohort, period (0 = first-purchase period), share active.
    #[getter]
    fn cohorts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_caller(py, self.cohorts_batch()?, &self.kind)
    }
    /// Cohort table, wide form: one row per cohort, a column per period since.
    #[getter]
    fn cohort_matrix<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_caller(py, self.matrix_batch()?, &self.kind)
    }
    /// Customers with at least two purchases / customers.
    #[getter]
    fn repeat_rate(&self) -> f64 {
        self.res.repeat_rate
    }
    /// Customers with at least one purchase.
    #[getter]
    fn n_customers(&self) -> u64 {
        self.res.n_customers
    }
    /// Customers with at least two purchases.
    #[getter]
    fn n_repeat(&self) -> u64 {
        self.res.n_repeat
    }
    /// Rows after the as-of date left out.
    #[getter]
    fn n_excluded(&self) -> u64 {
        self.res.n_excluded
    }
    /// The as-of date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date(py, self.res.as_of)
    }
    /// Period length.
    #[getter]
    fn freq(&self) -> String {
        self.freq.clone()
    }
    /// Trailing activity window in days (`None`: active = bought in the period).
    #[getter]
    fn active_days(&self) -> Option<u32> {
        self.active_days
    }
    /// Summary as plain Python values (periods as a list of dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("as_of", self.as_of(py)?)?;
        d.set_item("freq", &self.freq)?;
        d.set_item("active_days", self.active_days)?;
        d.set_item("n_customers", self.res.n_customers)?;
        d.set_item("n_repeat", self.res.n_repeat)?;
        d.set_item("repeat_rate", self.res.repeat_rate)?;
        let rows = PyList::empty(py);
        for p in &self.res.periods {
            let r = PyDict::new(py);
            r.set_item("period", py_date(py, p.start_day)?)?;
            r.set_item("customers_start", p.customers_start)?;
            r.set_item("customers_end", p.customers_end)?;
            r.set_item("new_customers", p.new_customers)?;
            r.set_item("retention_rate", p.retention_rate)?;
            r.set_item("churn_rate", p.churn_rate)?;
            rows.append(r)?;
        }
        d.set_item("periods", rows)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "RetentionResult(freq={:?}, periods={}, customers={}, repeat_rate={:.4})",
            self.freq,
            self.res.periods.len(),
            self.res.n_customers,
            self.res.repeat_rate
        )
    }
    fn _repr_html_(&self) -> String {
        let pct = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{:.1}%", 100.0 * v));
        let mut h = format!(
            "<table><caption>Retention by {} — repeat-purchase rate {:.1}% of {} customers</caption><tr><th>period</th><th>S</th><th>E</th><th>N</th><th>CRR</th><th>churn</th></tr>",
            self.freq,
            100.0 * self.res.repeat_rate,
            self.res.n_customers
        );
        for p in &self.res.periods {
            h.push_str(&format!(
                "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                iso(p.start_day),
                if p.partial { " (partial)" } else { "" },
                p.customers_start,
                p.customers_end,
                p.new_customers,
                pct(p.retention_rate),
                pct(p.churn_rate)
            ));
        }
        h.push_str("</table><table><caption>Cohorts: share buying k periods after the first purchase</caption>");
        let mut last = None;
        for c in &self.res.cohorts {
            if last != Some(c.cohort_start) {
                if last.is_some() {
                    h.push_str("</tr>");
                }
                h.push_str(&format!(
                    "<tr><th>{} (n={})</th>",
                    iso(c.cohort_start),
                    c.cohort_size
                ));
                last = Some(c.cohort_start);
            }
            h.push_str(&format!("<td>{:.0}%</td>", 100.0 * c.share));
        }
        if last.is_some() {
            h.push_str("</tr>");
        }
        h.push_str("</table>");
        h
    }
}

/// Retention of an Arrow table (the work behind `cx.retention`).
#[pyfunction]
#[pyo3(signature = (table, /, *, customer, date, freq="month", active_days=None, as_of=None,
    after_as_of="reject", kind="pyarrow"))]
#[allow(clippy::too_many_arguments)]
fn _retention_arrow(
    py: Python<'_>,
    table: AnyRecordBatch,
    customer: &str,
    date: &str,
    freq: &str,
    active_days: Option<u32>,
    as_of: Option<i32>,
    after_as_of: &str,
    kind: &str,
) -> PyResult<PyRetentionResult> {
    let f: Freq = parse(freq)?;
    let future: Future = parse(after_as_of)?;
    let t = table.into_table()?;
    let (batches, schema) = t.into_inner();
    let (cc, ct) = column(&batches, &schema, customer)?;
    let (dc, dt) = column(&batches, &schema, date)?;
    let cust = codes(py, cc, &ct, customer)?;
    let day = py.detach(|| days(&dc, &dt, date))?;
    let mut opts = RetentionOptions::new().freq(f).future(future);
    if let Some(w) = active_days {
        opts = opts.active_days(w);
    }
    if let Some(d) = as_of {
        opts = opts.as_of(d);
    }
    let c = &cust.codes;
    let res = run(py, || segments::retention(c, &day, opts))?;
    Ok(PyRetentionResult {
        res,
        kind: kind.to_string(),
        freq: freq.to_string(),
        active_days,
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRfmResult>()?;
    m.add_class::<PyRetentionResult>()?;
    m.add_function(wrap_pyfunction!(_rfm_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(_retention_arrow, m)?)?;
    Ok(())
}
