//! Reading the transaction columns of an Arrow table: customer codes, days, amounts.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch};
use arrow_schema::{DataType, Schema, TimeUnit};
use cx_core::CxError;
use cx_core::metrics::group::TimeUnit as TickUnit;
use cx_core::segments::Days;
use cx_core::segments::calendar::{format_day, parse_day};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::error::to_py;
use crate::metrics_group::columns::{dense_limit, keys_from_arrow};

/// The chunks of a named column, or `MissingFieldError`.
pub(crate) fn column(
    batches: &[RecordBatch],
    schema: &Schema,
    name: &str,
) -> PyResult<(Vec<ArrayRef>, DataType)> {
    let i = schema.index_of(name).map_err(|_| {
        to_py(CxError::MissingField {
            field: name.to_string(),
            row: None,
        })
    })?;
    let chunks = batches.iter().map(|b| b.column(i).clone()).collect();
    Ok((chunks, schema.field(i).data_type().clone()))
}

/// First null of chunked columns as a `MissingFieldError` naming the row.
fn reject_nulls(chunks: &[ArrayRef], name: &str) -> PyResult<()> {
    let mut base = 0usize;
    for c in chunks {
        if c.null_count() > 0
            && let Some(i) = (0..c.len()).find(|&i| c.is_null(i))
        {
            return Err(to_py(CxError::MissingField {
                field: name.to_string(),
                row: Some(base + i),
            }));
        }
        base += c.len();
    }
    Ok(())
}

/// Dense codes (`u32`) of a key column and, per code, the key value.
pub(crate) struct Codes {
    pub(crate) codes: Vec<u32>,
    pub(crate) values: ArrayRef,
    /// The keys are the codes themselves (non-negative integers used as they are):
    /// `values[c] == c`, so a code converts back without a lookup.
    pub(crate) identity: bool,
}

/// Inputs from this many elements are converted on several threads.
const PARALLEL_MIN: usize = 1 << 20;

/// `dst[i] = f(src[i])`, split across threads for large inputs (each thread also takes
/// the page faults of its part of a freshly allocated `dst`).
fn par_map<S: Sync, D: Send>(src: &[S], dst: &mut [D], f: impl Fn(&S) -> D + Sync) {
    let threads = cx_core::threads::available().min(8);
    let n = src.len().min(dst.len());
    if threads < 2 || n < PARALLEL_MIN {
        dst.iter_mut().zip(src).for_each(|(d, s)| *d = f(s));
        return;
    }
    let chunk = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        for (d, s) in dst[..n].chunks_mut(chunk).zip(src[..n].chunks(chunk)) {
            scope.spawn(move || d.iter_mut().zip(s).for_each(|(d, s)| *d = f(s)));
        }
    });
}

/// Smallest and largest value, split across threads for large inputs.
fn par_min_max(v: &[i64]) -> (i64, i64) {
    let fold = |v: &[i64]| {
        v.iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)))
    };
    let threads = cx_core::threads::available().min(8);
    if threads < 2 || v.len() < PARALLEL_MIN {
        return fold(v);
    }
    let chunk = v.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = v
            .chunks(chunk)
            .map(|c| scope.spawn(move || fold(c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((i64::MAX, i64::MIN)))
            .fold((i64::MAX, i64::MIN), |(lo, hi), (l, h)| {
                (lo.min(l), hi.max(h))
            })
    })
}

/// An `Int64` key column of one chunk whose keys are non-negative and below the dense
/// limit: the ids, read in place, and the number of codes (largest id + 1).
pub(crate) fn dense_ids(py: Python<'_>, chunks: &[ArrayRef]) -> Option<(Int64Array, usize)> {
    let [only] = chunks else { return None };
    if only.data_type() != &DataType::Int64 || only.null_count() > 0 || only.is_empty() {
        return None;
    }
    let ids = only.as_primitive::<Int64Type>().clone();
    let (lo, hi) = py.detach(|| par_min_max(ids.values()));
    (lo >= 0 && (hi as u64) < dense_limit(ids.len()) as u64).then(|| (ids, hi as usize + 1))
}

/// Timestamps without a zone (or dates) of one chunk without nulls, read in place.
pub(crate) struct InPlaceDays(ArrayRef);

impl InPlaceDays {
    pub(crate) fn of(chunks: &[ArrayRef]) -> Option<Self> {
        let [only] = chunks else { return None };
        let fits = matches!(
            only.data_type(),
            DataType::Date32 | DataType::Timestamp(_, None)
        );
        (fits && only.null_count() == 0).then(|| InPlaceDays(only.clone()))
    }
    pub(crate) fn days(&self) -> Days<'_> {
        fn ticks(ticks: &[i64], unit: TickUnit) -> Days<'_> {
            Days::Ticks { ticks, unit }
        }
        let c = &self.0;
        match c.data_type() {
            DataType::Timestamp(TimeUnit::Second, _) => ticks(
                c.as_primitive::<TimestampSecondType>().values(),
                TickUnit::Seconds,
            ),
            DataType::Timestamp(TimeUnit::Millisecond, _) => ticks(
                c.as_primitive::<TimestampMillisecondType>().values(),
                TickUnit::Milliseconds,
            ),
            DataType::Timestamp(TimeUnit::Microsecond, _) => ticks(
                c.as_primitive::<TimestampMicrosecondType>().values(),
                TickUnit::Microseconds,
            ),
            DataType::Timestamp(TimeUnit::Nanosecond, _) => ticks(
                c.as_primitive::<TimestampNanosecondType>().values(),
                TickUnit::Nanoseconds,
            ),
            _ => Days::Days(c.as_primitive::<Date32Type>().values()),
        }
    }
}

/// Customer (or order) keys: non-negative integers below the dense limit are their own
/// codes (no hashing); other integers and strings are dictionary-encoded (sorted).
pub(crate) fn codes(
    py: Python<'_>,
    chunks: Vec<ArrayRef>,
    dtype: &DataType,
    name: &str,
) -> PyResult<Codes> {
    reject_nulls(&chunks, name)?;
    let n: usize = chunks.iter().map(|c| c.len()).sum();
    if dtype.is_integer() {
        let cast: Vec<ArrayRef> = chunks
            .iter()
            .map(|c| arrow_cast::cast(c, &DataType::Int64))
            .collect::<Result<_, _>>()
            .map_err(|e| PyTypeError::new_err(format!("`{name}`: {e}")))?;
        let dense = py.detach(|| {
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            for c in &cast {
                let (l, h) = par_min_max(c.as_primitive::<Int64Type>().values());
                lo = lo.min(l);
                hi = hi.max(h);
            }
            if n > 0 && lo >= 0 && (hi as u64) < dense_limit(n) as u64 {
                // Zeroed memory comes from the allocator untouched: the threads fault it in.
                let mut out = vec![0u32; n];
                let mut at = 0usize;
                for c in &cast {
                    let v = c.as_primitive::<Int64Type>().values();
                    par_map(v, &mut out[at..at + v.len()], |&x| x as u32);
                    at += v.len();
                }
                Some((out, hi as usize + 1))
            } else {
                None
            }
        });
        if let Some((codes, n_codes)) = dense {
            let values: ArrayRef = Arc::new(Int64Array::from_iter_values(0..n_codes as i64));
            return Ok(Codes {
                codes,
                values,
                identity: true,
            });
        }
    }
    let keys = keys_from_arrow(py, chunks, dtype, name)?.resolve(py)?;
    let values = keys
        .values
        .first()
        .cloned()
        .ok_or_else(|| PyTypeError::new_err(format!("`{name}`: no key values")))?;
    Ok(Codes {
        codes: keys.codes.values().to_vec(),
        values,
        identity: false,
    })
}

const SECS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a date, timestamp or `YYYY-MM-DD` text column.
///
/// Naive timestamps are read as wall-clock time (their calendar day); zoned timestamps
/// give the calendar day in their zone.
pub(crate) fn days(chunks: &[ArrayRef], dtype: &DataType, name: &str) -> PyResult<Vec<i32>> {
    reject_nulls(chunks, name)?;
    let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    match dtype {
        DataType::Date32 => {
            for c in chunks {
                out.extend_from_slice(c.as_primitive::<Date32Type>().values());
            }
        }
        DataType::Date64 => {
            for c in chunks {
                out.extend(
                    c.as_primitive::<Date64Type>()
                        .values()
                        .iter()
                        .map(|&ms| ms.div_euclid(SECS_PER_DAY * 1_000) as i32),
                );
            }
        }
        DataType::Timestamp(u, None) => {
            // A constant divisor per unit lets the compiler replace the division.
            fn floor_days<const D: i64>(v: &[i64], out: &mut Vec<i32>) {
                if out.is_empty() {
                    // Zeroed memory comes from the allocator untouched: the threads fault it in.
                    *out = vec![0; v.len()];
                    par_map(v, out, |&t| t.div_euclid(D) as i32);
                } else {
                    out.extend(v.iter().map(|&t| t.div_euclid(D) as i32));
                }
            }
            for c in chunks {
                match u {
                    TimeUnit::Second => floor_days::<SECS_PER_DAY>(
                        c.as_primitive::<TimestampSecondType>().values(),
                        &mut out,
                    ),
                    TimeUnit::Millisecond => floor_days::<{ SECS_PER_DAY * 1_000 }>(
                        c.as_primitive::<TimestampMillisecondType>().values(),
                        &mut out,
                    ),
                    TimeUnit::Microsecond => floor_days::<{ SECS_PER_DAY * 1_000_000 }>(
                        c.as_primitive::<TimestampMicrosecondType>().values(),
                        &mut out,
                    ),
                    TimeUnit::Nanosecond => floor_days::<{ SECS_PER_DAY * 1_000_000_000 }>(
                        c.as_primitive::<TimestampNanosecondType>().values(),
                        &mut out,
                    ),
                }
            }
        }
        DataType::Timestamp(_, Some(_)) => {
            for c in chunks {
                let d = arrow_cast::cast(c, &DataType::Date32)
                    .map_err(|e| PyTypeError::new_err(format!("`{name}`: {e}")))?;
                out.extend_from_slice(d.as_primitive::<Date32Type>().values());
            }
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let mut row = 0usize;
            for c in chunks {
                let s = arrow_cast::cast(c, &DataType::Utf8)
                    .map_err(|e| PyTypeError::new_err(format!("`{name}`: {e}")))?;
                for v in s.as_string::<i32>().iter() {
                    let text = v.unwrap_or("");
                    let Some(d) = parse_day(text) else {
                        return Err(to_py(CxError::invalid(
                            name,
                            Some(row),
                            text,
                            "not a date; expected YYYY-MM-DD (a date or timestamp column also works)",
                        )));
                    };
                    out.push(d);
                    row += 1;
                }
            }
        }
        other => {
            return Err(PyTypeError::new_err(format!(
                "`{name}` must hold dates, timestamps or YYYY-MM-DD text, got {other}"
            )));
        }
    }
    Ok(out)
}

/// A day number as a `datetime.date`.
pub(crate) fn py_date<'py>(py: Python<'py>, day: i32) -> PyResult<Bound<'py, PyAny>> {
    // date(1970, 1, 1).toordinal() == 719163
    py.import("datetime")?
        .getattr("date")?
        .call_method1("fromordinal", (i64::from(day) + 719_163,))
}

/// `YYYY-MM-DD` of a day number (for reprs).
pub(crate) fn iso(day: i32) -> String {
    format_day(day)
}

/// Amounts as `f64` (NaN for nulls, which the core rejects naming the row): a single
/// `Float64` chunk without nulls is borrowed, anything else converted once.
pub(crate) enum Amounts {
    Arrow(arrow_array::Float64Array),
    Owned(Vec<f64>),
}

impl Amounts {
    pub(crate) fn values(&self) -> &[f64] {
        match self {
            Amounts::Arrow(a) => a.values(),
            Amounts::Owned(v) => v,
        }
    }
}

pub(crate) fn amounts(chunks: &[ArrayRef], name: &str) -> PyResult<Amounts> {
    if let [only] = chunks
        && only.data_type() == &DataType::Float64
        && only.null_count() == 0
    {
        return Ok(Amounts::Arrow(
            only.as_primitive::<arrow_array::types::Float64Type>()
                .clone(),
        ));
    }
    crate::metrics_group::columns::f64_from_arrow(chunks, name).map(Amounts::Owned)
}
