//! Typed input columns: `u8` scores and `u32` group codes borrowed from numpy or Arrow
//! when possible, key columns dictionary-encoded once, and their combination.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt8Type, UInt32Type};
use arrow_array::{Array, ArrayRef, Int64Array, StringArray, UInt8Array, UInt32Array};
use arrow_schema::DataType;
use cx_core::CxError;
use cx_core::metrics::grouped::{combine_key_codes, encode_key_column};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;

use crate::convert::F64Column;
use crate::run;

/// A column of `u8` scores (255 = missing), borrowed when possible.
pub(crate) enum U8Column<'py> {
    Numpy(PyReadonlyArray1<'py, u8>),
    Arrow(UInt8Array),
    Owned(Vec<u8>),
}

impl U8Column<'_> {
    pub(crate) fn values(&self) -> &[u8] {
        match self {
            U8Column::Numpy(a) => a.as_slice().unwrap_or(&[]),
            U8Column::Arrow(a) => a.values(),
            U8Column::Owned(v) => v,
        }
    }
}

/// `f64` scores (NaN = missing) to `u8` codes (255 = missing), naming a bad row.
pub(crate) fn f64_to_u8(values: &[f64], field: &str) -> cx_core::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(values.len());
    for (row, &v) in values.iter().enumerate() {
        if v.is_nan() {
            out.push(u8::MAX);
        } else if (0.0..255.0).contains(&v) && v.fract() == 0.0 {
            out.push(v as u8);
        } else {
            return Err(CxError::invalid(
                field,
                Some(row),
                v,
                "scores must be integers on the scale",
            ));
        }
    }
    Ok(out)
}

pub(crate) fn u8_from_arrow<'py>(
    py: Python<'py>,
    chunks: &[ArrayRef],
    param: &str,
) -> PyResult<U8Column<'py>> {
    if let [only] = chunks
        && only.data_type() == &DataType::UInt8
        && only.null_count() == 0
    {
        return Ok(U8Column::Arrow(only.as_primitive::<UInt8Type>().clone()));
    }
    let f = f64_from_arrow(chunks, param)?;
    let v = run(py, || f64_to_u8(&f, param))?;
    Ok(U8Column::Owned(v))
}

pub(crate) fn f64_from_arrow(chunks: &[ArrayRef], param: &str) -> PyResult<Vec<f64>> {
    let mut out = Vec::new();
    for c in chunks {
        let f = arrow_cast::cast(c, &DataType::Float64)
            .map_err(|e| PyTypeError::new_err(format!("`{param}` must hold numbers: {e}")))?;
        let f = f.as_primitive::<arrow_array::types::Float64Type>();
        out.extend((0..f.len()).map(|i| if f.is_null(i) { f64::NAN } else { f.value(i) }));
    }
    Ok(out)
}

pub(crate) fn arrow_chunks(
    obj: &Bound<'_, PyAny>,
    param: &str,
) -> PyResult<Option<(Vec<ArrayRef>, DataType)>> {
    if !(obj.hasattr("__arrow_c_array__")? || obj.hasattr("__arrow_c_stream__")?) {
        return Ok(None);
    }
    let any: AnyArray = obj
        .extract()
        .map_err(|e| PyTypeError::new_err(format!("`{param}`: cannot read the Arrow data: {e}")))?;
    let chunked = any
        .into_chunked_array()
        .map_err(|e| PyTypeError::new_err(format!("`{param}`: {e}")))?;
    let (chunks, field) = chunked.into_inner();
    Ok(Some((chunks, field.data_type().clone())))
}

/// Scores as `u8`: numpy `uint8` and Arrow `UInt8` without nulls borrowed; else converted.
pub(crate) fn extract_u8<'py>(obj: &Bound<'py, PyAny>, param: &str) -> PyResult<U8Column<'py>> {
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, u8>>()
        && a.is_contiguous()
    {
        return Ok(U8Column::Numpy(a));
    }
    if let Some((chunks, _)) = arrow_chunks(obj, param)? {
        return u8_from_arrow(obj.py(), &chunks, param);
    }
    let col = F64Column::extract(obj, param)?;
    let v = col.values();
    Ok(U8Column::Owned(run(obj.py(), || f64_to_u8(v, param))?))
}

/// Group codes of one key column (or their combination) and the key values per code.
pub(crate) struct Keys<'py> {
    pub(crate) codes: Codes<'py>,
    /// One entry per code: the key value(s) for the output table (empty while the
    /// number of dense codes is not known yet).
    pub(crate) values: Vec<ArrayRef>,
    /// `None` for dense `u32` codes whose largest value is not computed yet: the NPS
    /// kernel finds it in its own pass.
    pub(crate) n_groups: Option<usize>,
}

/// Dense codes up to this many groups are counted as they are (else dictionary-encoded).
pub(crate) fn dense_limit(rows: usize) -> usize {
    (4 * rows).max(1 << 16)
}

impl<'py> Keys<'py> {
    /// Dense codes as they are, the number of groups still unknown.
    pub(crate) fn dense(codes: Codes<'py>) -> Self {
        Keys {
            codes,
            values: Vec::new(),
            n_groups: None,
        }
    }

    /// Fix the number of groups: the largest dense code + 1 (or a dictionary encoding of
    /// sparse codes).
    pub(crate) fn resolve(self, py: Python<'py>) -> PyResult<Self> {
        if self.n_groups.is_some() {
            return Ok(self);
        }
        let v = self.codes.values();
        let max = py.detach(|| v.iter().fold(0u32, |m, &c| m.max(c)));
        let n = if v.is_empty() { 0 } else { max as usize + 1 };
        if n <= dense_limit(v.len()) {
            return Ok(self.with_dense_values(n));
        }
        let enc = run(py, || encode_key_column(v.iter().map(|&c| Some(c))))?;
        let values: ArrayRef = Arc::new(UInt32Array::from(enc.dictionary.clone()));
        Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        })
    }

    pub(crate) fn with_dense_values(mut self, n: usize) -> Self {
        self.values = vec![Arc::new(UInt32Array::from_iter_values(0..n as u32))];
        self.n_groups = Some(n);
        self
    }
}

pub(crate) enum Codes<'py> {
    Numpy(PyReadonlyArray1<'py, u32>),
    Arrow(UInt32Array),
    Owned(Vec<u32>),
}

impl Codes<'_> {
    pub(crate) fn values(&self) -> &[u32] {
        match self {
            Codes::Numpy(a) => a.as_slice().unwrap_or(&[]),
            Codes::Arrow(a) => a.values(),
            Codes::Owned(v) => v,
        }
    }
}

pub(crate) fn keys_from_arrow<'py>(
    py: Python<'py>,
    chunks: Vec<ArrayRef>,
    dtype: &DataType,
    param: &str,
) -> PyResult<Keys<'py>> {
    if let [only] = chunks.as_slice()
        && dtype == &DataType::UInt32
        && only.null_count() == 0
    {
        return Ok(Keys::dense(Codes::Arrow(
            only.as_primitive::<UInt32Type>().clone(),
        )));
    }
    let integer =
        dtype.is_integer() || matches!(dtype, DataType::Dictionary(_, v) if v.is_integer());
    let target = if integer {
        DataType::Int64
    } else {
        DataType::Utf8
    };
    let cast: Vec<ArrayRef> = chunks
        .iter()
        .map(|c| arrow_cast::cast(c, &target))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            PyTypeError::new_err(format!(
                "`{param}`: cannot use a column of type {dtype} as keys: {e}"
            ))
        })?;
    if integer {
        let enc = run(py, || {
            encode_key_column(
                cast.iter()
                    .flat_map(|c| c.as_primitive::<Int64Type>().iter()),
            )
        })?;
        let values: ArrayRef = Arc::new(Int64Array::from(enc.dictionary.clone()));
        Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        })
    } else {
        let enc = run(py, || {
            encode_key_column(cast.iter().flat_map(|c| c.as_string::<i32>().iter()))
        })?;
        let values: ArrayRef = Arc::new(StringArray::from(enc.dictionary.clone()));
        Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        })
    }
}

/// One key column from numpy, Arrow or a Python sequence.
pub(crate) fn extract_key<'py>(obj: &Bound<'py, PyAny>, param: &str) -> PyResult<Keys<'py>> {
    let py = obj.py();
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, u32>>()
        && a.is_contiguous()
    {
        return Ok(Keys::dense(Codes::Numpy(a)));
    }
    if let Some((chunks, dtype)) = arrow_chunks(obj, param)? {
        return keys_from_arrow(py, chunks, &dtype, param);
    }
    if let Ok(v) = obj.extract::<PyReadonlyArray1<'py, i64>>() {
        let s = v
            .as_slice()
            .map(<[i64]>::to_vec)
            .unwrap_or_else(|_| v.as_array().to_vec());
        let enc = run(py, || encode_key_column(s.iter().map(|&k| Some(k))))?;
        let values: ArrayRef = Arc::new(Int64Array::from(enc.dictionary.clone()));
        return Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        });
    }
    if let Ok(v) = obj.extract::<Vec<Option<String>>>() {
        let enc = run(py, || encode_key_column(v.iter().map(|k| k.as_deref())))?;
        let values: ArrayRef = Arc::new(StringArray::from(enc.dictionary.clone()));
        return Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        });
    }
    if let Ok(v) = obj.extract::<Vec<Option<i64>>>() {
        let enc = run(py, || encode_key_column(v.iter().copied()))?;
        let values: ArrayRef = Arc::new(Int64Array::from(enc.dictionary.clone()));
        return Ok(Keys {
            n_groups: Some(enc.dictionary.len()),
            codes: Codes::Owned(enc.codes),
            values: vec![values],
        });
    }
    Err(PyTypeError::new_err(format!(
        "`{param}` must be a column of integer codes or strings (numpy array, Arrow array, or list), or a list of such columns"
    )))
}

/// Combine several key columns into one code per row (lexicographic key order).
pub(crate) fn combine<'py>(py: Python<'py>, parts: Vec<Keys<'py>>) -> PyResult<Keys<'py>> {
    if parts.len() == 1 {
        return parts
            .into_iter()
            .next()
            .ok_or_else(|| PyTypeError::new_err("no keys"));
    }
    let parts = parts
        .into_iter()
        .map(|k| k.resolve(py))
        .collect::<PyResult<Vec<_>>>()?;
    let cols: Vec<&[u32]> = parts.iter().map(|k| k.codes.values()).collect();
    let cards: Vec<u32> = parts
        .iter()
        .map(|k| k.n_groups.unwrap_or(0) as u32)
        .collect();
    let (codes, comps) = run(py, || combine_key_codes(&cols, &cards))?;
    let mut values = Vec::with_capacity(parts.len());
    for (j, k) in parts.iter().enumerate() {
        let idx = UInt32Array::from_iter_values(comps.iter().map(|c| c[j]));
        let v = arrow_select::take::take(k.values[0].as_ref(), &idx, None)
            .map_err(|e| PyTypeError::new_err(e.to_string()))?;
        values.push(v);
    }
    Ok(Keys {
        n_groups: Some(comps.len()),
        codes: Codes::Owned(codes),
        values,
    })
}
