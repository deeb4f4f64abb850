//! A small column builder for the journey results: one definition gives both the Arrow
//! table (a `GroupedTable`, converted to the caller's frame type) and `to_dict()` rows.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::metrics_group::PyGroupedTable;

/// One result column.
pub(crate) enum Col {
    Str(Vec<Option<String>>),
    F64(Vec<Option<f64>>),
    U64(Vec<Option<u64>>),
    Bool(Vec<bool>),
}

/// Named columns of equal length.
#[derive(Default)]
pub(crate) struct Table {
    names: Vec<String>,
    cols: Vec<Col>,
}

impl Table {
    pub(crate) fn new() -> Self {
        Self::default()
    }
    pub(crate) fn col(mut self, name: impl Into<String>, col: Col) -> Self {
        self.names.push(name.into());
        self.cols.push(col);
        self
    }
    pub(crate) fn str(
        self,
        name: impl Into<String>,
        v: impl IntoIterator<Item = Option<String>>,
    ) -> Self {
        self.col(name, Col::Str(v.into_iter().collect()))
    }
    pub(crate) fn f64(
        self,
        name: impl Into<String>,
        v: impl IntoIterator<Item = Option<f64>>,
    ) -> Self {
        // NaN reaches frames as null: one notion of "no value".
        self.col(
            name,
            Col::F64(v.into_iter().map(|x| x.filter(|x| !x.is_nan())).collect()),
        )
    }
    pub(crate) fn u64(
        self,
        name: impl Into<String>,
        v: impl IntoIterator<Item = Option<u64>>,
    ) -> Self {
        self.col(name, Col::U64(v.into_iter().collect()))
    }
    pub(crate) fn bool(self, name: impl Into<String>, v: impl IntoIterator<Item = bool>) -> Self {
        self.col(name, Col::Bool(v.into_iter().collect()))
    }

    fn len(&self) -> usize {
        match self.cols.first() {
            Some(Col::Str(v)) => v.len(),
            Some(Col::F64(v)) => v.len(),
            Some(Col::U64(v)) => v.len(),
            Some(Col::Bool(v)) => v.len(),
            None => 0,
        }
    }

    pub(crate) fn batch(&self) -> PyResult<RecordBatch> {
        let mut fields = Vec::with_capacity(self.cols.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.cols.len());
        for (name, col) in self.names.iter().zip(&self.cols) {
            let (dt, a): (DataType, ArrayRef) = match col {
                Col::Str(v) => (DataType::Utf8, Arc::new(StringArray::from(v.clone()))),
                Col::F64(v) => (DataType::Float64, Arc::new(Float64Array::from(v.clone()))),
                Col::U64(v) => (DataType::UInt64, Arc::new(UInt64Array::from(v.clone()))),
                Col::Bool(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v.clone()))),
            };
            fields.push(Field::new(name.as_str(), dt, true));
            arrays.push(a);
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The table as a frame of `kind` (through `cx._frames.to_caller`).
    pub(crate) fn frame<'py>(&self, py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
        let t = Bound::new(py, PyGroupedTable::new(self.batch()?))?;
        py.import("cx._frames")?
            .call_method1("to_caller", (t, kind))
    }

    /// One dict per row.
    pub(crate) fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for i in 0..self.len() {
            let d = PyDict::new(py);
            for (name, col) in self.names.iter().zip(&self.cols) {
                match col {
                    Col::Str(v) => d.set_item(name.as_str(), &v[i])?,
                    Col::F64(v) => d.set_item(name.as_str(), v[i])?,
                    Col::U64(v) => d.set_item(name.as_str(), v[i])?,
                    Col::Bool(v) => d.set_item(name.as_str(), v[i])?,
                }
            }
            out.append(d)?;
        }
        Ok(out)
    }
}

/// Escape text for HTML.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number for HTML/repr: 1 decimal, or "–".
pub(crate) fn num(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.1}"),
        _ => "–".into(),
    }
}
