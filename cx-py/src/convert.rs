//! Conversions between Python objects and core inputs.
//!
//! [`F64Column`] accepts, in this order:
//! 1. a contiguous numpy `float64` array: **borrowed**, no copy;
//! 2. any object with `__arrow_c_array__` / `__arrow_c_stream__` (pyarrow,
//!    polars, pandas ≥ 2.2 with Arrow dtypes, duckdb, arro3): a single chunk of
//!    `float64` without nulls is **borrowed**; other numeric types and nulls
//!    are converted (nulls become NaN, i.e. missing);
//! 3. any other sequence (list, tuple, numpy array of another dtype, pandas
//!    Series): converted with `numpy.asarray(x, dtype="float64")`, `None` → NaN.
//!
//! Anything else is a `TypeError` naming the parameter. Borrowed buffers stay
//! borrowed while the GIL is released: do not mutate inputs from another thread
//! during a call.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_schema::DataType;
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;

/// A column of `f64` values (NaN = missing), borrowed when possible.
pub(crate) enum F64Column<'py> {
    /// Borrowed numpy buffer.
    Numpy(PyReadonlyArray1<'py, f64>),
    /// An Arrow array without nulls (the values buffer is shared, not copied).
    Arrow(Float64Array),
    /// Converted values.
    Owned(Vec<f64>),
}

impl<'py> F64Column<'py> {
    /// The values as a slice.
    pub(crate) fn values(&self) -> &[f64] {
        match self {
            // `extract` only keeps contiguous arrays, so `as_slice` cannot fail here.
            F64Column::Numpy(a) => a.as_slice().unwrap_or(&[]),
            F64Column::Arrow(a) => a.values(),
            F64Column::Owned(v) => v,
        }
    }

    /// Extract a column from a Python object; `param` names it in errors.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, param: &str) -> PyResult<Self> {
        if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, f64>>()
            && a.is_contiguous()
        {
            return Ok(F64Column::Numpy(a));
        }
        if obj.hasattr("__arrow_c_array__")? || obj.hasattr("__arrow_c_stream__")? {
            let any: AnyArray = obj.extract().map_err(|e| {
                PyTypeError::new_err(format!("`{param}`: cannot read the Arrow data: {e}"))
            })?;
            let chunked = any
                .into_chunked_array()
                .map_err(|e| PyTypeError::new_err(format!("`{param}`: {e}")))?;
            let (chunks, _field) = chunked.into_inner();
            return arrow_to_f64(&chunks, param);
        }
        let is_seq = obj.hasattr("__len__")? && !obj.is_instance_of::<pyo3::types::PyString>();
        if !is_seq {
            return Err(type_error(obj, param));
        }
        let np = obj.py().import("numpy")?;
        let arr = np
            .call_method1("asarray", (obj, "float64"))
            .map_err(|_| type_error(obj, param))?;
        let arr = np.call_method1("ascontiguousarray", (arr,))?;
        let ro: PyReadonlyArray1<'py, f64> = arr.extract().map_err(|_| type_error(obj, param))?;
        Ok(F64Column::Numpy(ro))
    }
}

fn type_error(obj: &Bound<'_, PyAny>, param: &str) -> PyErr {
    let ty = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!(
        "`{param}` must be a one-dimensional sequence of numbers (list, numpy array, or an Arrow array such as a pyarrow/polars/pandas column), got {ty}"
    ))
}

fn arrow_to_f64<'py>(chunks: &[ArrayRef], param: &str) -> PyResult<F64Column<'py>> {
    if let [only] = chunks
        && only.data_type() == &DataType::Float64
        && only.null_count() == 0
    {
        return Ok(F64Column::Arrow(only.as_primitive::<Float64Type>().clone()));
    }
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    let mut out = Vec::with_capacity(total);
    for c in chunks {
        push_f64(c, &mut out, param)?;
    }
    Ok(F64Column::Owned(out))
}

macro_rules! push_prim {
    ($arr:expr, $t:ty, $out:expr) => {{
        let a = $arr.as_primitive::<$t>();
        $out.extend((0..a.len()).map(|i| {
            if a.is_null(i) {
                f64::NAN
            } else {
                a.value(i) as f64
            }
        }));
    }};
}

fn push_f64(arr: &Arc<dyn Array>, out: &mut Vec<f64>, param: &str) -> PyResult<()> {
    match arr.data_type() {
        DataType::Float64 => push_prim!(arr, Float64Type, out),
        DataType::Float32 => push_prim!(arr, Float32Type, out),
        DataType::Int8 => push_prim!(arr, Int8Type, out),
        DataType::Int16 => push_prim!(arr, Int16Type, out),
        DataType::Int32 => push_prim!(arr, Int32Type, out),
        DataType::Int64 => push_prim!(arr, Int64Type, out),
        DataType::UInt8 => push_prim!(arr, UInt8Type, out),
        DataType::UInt16 => push_prim!(arr, UInt16Type, out),
        DataType::UInt32 => push_prim!(arr, UInt32Type, out),
        DataType::UInt64 => push_prim!(arr, UInt64Type, out),
        DataType::Null => out.extend(std::iter::repeat_n(f64::NAN, arr.len())),
        other => {
            return Err(PyTypeError::new_err(format!(
                "`{param}` must hold numbers, got an Arrow column of type {other}"
            )));
        }
    }
    Ok(())
}
