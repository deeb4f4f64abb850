//! Feedback held as text columns (for example a data frame handed over through
//! Arrow): the same mapping, validation, duplicate rule and reject report as
//! the file readers.

use std::borrow::Cow;

use super::batch::FeedbackBatch;
use super::csv::{SeenIds, fingerprint};
use super::mapping::{Field, resolve};
use super::validate::{Cells, Validator};
use super::{ErrorPolicy, Ingested, ReadOptions, Rejection};
use crate::{CxError, Result};

/// Reject the row just pushed into `batch` when its `feedback_id` was seen
/// before (the first occurrence is kept); shared by the JSON Lines and column
/// readers.
pub(crate) fn check_duplicate(
    seen: &mut SeenIds,
    batch: &mut FeedbackBatch,
    row: usize,
) -> Result<()> {
    let Some(last) = batch.len().checked_sub(1) else {
        return Ok(());
    };
    let Some(id) = batch.feedback_id.get(last).map(str::to_owned) else {
        return Ok(());
    };
    match seen.get(&fingerprint(&id)) {
        Some(&first) => {
            batch.remove_rows(&[last]);
            Err(CxError::invalid(
                "feedback_id",
                None,
                &id,
                format!("duplicate feedback_id (first seen at row {first})"),
            ))
        }
        None => {
            seen.insert(fingerprint(&id), row);
            Ok(())
        }
    }
}

/// Validate feedback given as named text columns (`None` = empty cell).
///
/// `headers[i]` names `columns[i]`; headers are mapped like CSV headers
/// (explicit mapping, then English and Chinese synonyms). Rows are numbered
/// from 0 and `line` in a rejection is `row + 1` (there is no file).
///
/// # Errors
/// [`CxError::LengthMismatch`] when the columns differ in length or in number
/// from the headers; mapping errors as for CSV; under [`ErrorPolicy::Strict`]
/// the typed error of the first bad row.
///
/// # Examples
/// ```
/// use cx_core::ingest::{read_feedback_columns, ErrorPolicy, ReadOptions};
/// let headers = vec!["渠道".to_string(), "时间".to_string(), "推荐意愿".to_string()];
/// let cols = vec![
///     vec![Some("电话".to_string()), Some("email".to_string())],
///     vec![Some("2024-03-01T09:00:00+08:00".to_string()), Some("yesterday".to_string())],
///     vec![Some("9".to_string()), None],
/// ];
/// let got = read_feedback_columns(&headers, &cols, &ReadOptions::new().errors(ErrorPolicy::Collect))?;
/// assert_eq!((got.rows_read, got.accepted.len(), got.rejected[0].row), (2, 1, 1));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn read_feedback_columns(
    headers: &[String],
    columns: &[Vec<Option<String>>],
    opts: &ReadOptions,
) -> Result<Ingested<FeedbackBatch>> {
    opts.validate()?;
    if headers.len() != columns.len() {
        return Err(CxError::LengthMismatch {
            what: "columns".into(),
            expected: headers.len(),
            got: columns.len(),
        });
    }
    let n = columns.first().map_or(0, Vec::len);
    if let Some((i, c)) = columns.iter().enumerate().find(|(_, c)| c.len() != n) {
        return Err(CxError::LengthMismatch {
            what: format!("column {:?}", headers[i]),
            expected: n,
            got: c.len(),
        });
    }
    let resolved = resolve(headers, &opts.mapping)?;
    let mut v = Validator::new(opts);
    let mut batch = FeedbackBatch::with_capacity(n);
    let mut rejected = Vec::new();
    let mut seen = SeenIds::default();
    // Rows cut across the columns, so the row index is the natural loop variable.
    #[allow(clippy::needless_range_loop)]
    for row in 0..n {
        let mut cells: Cells<'_> = Default::default();
        for f in Field::ALL {
            if let Some(c) = resolved.columns[f.index()] {
                cells[f.index()] = Some(Cow::Borrowed(columns[c][row].as_deref().unwrap_or("")));
            }
        }
        let result = v.push(row, &cells, &mut batch).and_then(|()| {
            if opts.reject_duplicate_ids {
                check_duplicate(&mut seen, &mut batch, row)
            } else {
                Ok(())
            }
        });
        if let Err(e) = result {
            let r = Rejection::new(row, row as u64 + 1, e);
            if opts.errors == ErrorPolicy::Strict {
                return Err(r.to_error());
            }
            rejected.push(r);
        }
    }
    Ok(Ingested {
        accepted: batch,
        rejected,
        rows_read: n,
        ignored_columns: resolved.ignored,
    })
}
