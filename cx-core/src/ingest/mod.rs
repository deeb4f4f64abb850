//! Ingestion of feedback files: CSV (any delimiter) and JSON Lines, in UTF-8 or
//! GB18030/GBK, with Chinese or English headers, into validated records
//! ([`Feedback`](crate::model::Feedback)) or columnar [`FeedbackBatch`]es.
//!
//! * [`read_feedback_csv`] / [`read_feedback_jsonl`] / [`read_feedback_file`]
//!   read a whole input and return an [`Ingested`] report: the accepted rows as
//!   one batch, every rejected row as a [`Rejection`], the number of rows read
//!   (always accepted + rejected) and the columns that were ignored.
//! * [`FeedbackReader`] streams a CSV input batch by batch with bounded memory.
//!
//! Rows are **0-based positions among data records** (the header is not a
//! record; blank lines are not records), like the index pandas gives the same
//! file; [`Rejection::line`] is the 1-based physical line where the record
//! starts. See `docs/guide/ingest.md` for the rules of each field.
//!
//! # Examples
//! ```
//! use cx_core::ingest::{read_feedback_csv, ErrorPolicy, ReadOptions};
//! let data = "反馈ID,渠道,反馈时间,推荐意愿,反馈内容\n\
//!             F1,电话,2024-03-01 14:05,9,很好\n\
//!             F2,微信,2024/03/02 09:30,11,太慢\n";
//! let opts = ReadOptions::new()
//!     .tz(cx_core::ingest::parse_tz("Asia/Shanghai")?)
//!     .errors(ErrorPolicy::Collect);
//! let got = read_feedback_csv(data.as_bytes(), &opts)?;
//! assert_eq!(got.rows_read, 2);
//! assert_eq!(got.accepted.len(), 1);
//! assert_eq!(got.rejected[0].row, 1);
//! assert_eq!(got.rejected[0].line, 3);
//! assert_eq!(got.rejected[0].field, "nps");
//! # Ok::<(), cx_core::CxError>(())
//! ```

mod batch;
mod column;
mod csv;
mod encoding;
mod jsonl;
mod mapping;
mod rows;
mod time;
mod validate;

pub use batch::{FeedbackBatch, MISSING_RATING, NAMED_CHANNELS};
pub use column::{ListColumn, StrColumn};
pub(crate) use csv::open_sized;
pub use csv::{FeedbackReader, read_feedback_csv, read_feedback_file, read_feedback_file_progress};
pub use encoding::Encoding;
pub use jsonl::read_feedback_jsonl;
pub use mapping::{ColumnMapping, Field};
pub use rows::read_feedback_columns;
pub use time::{EpochUnit, parse_timestamp, parse_tz};

use chrono_tz::Tz;

use crate::model::CsatScale;
use crate::{CxError, Result};

/// What to do with a row that fails validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ErrorPolicy {
    /// Stop at the first bad row with its typed error (row, field, value, reason).
    #[default]
    Strict,
    /// Keep the valid rows and report every bad row as a [`Rejection`].
    Collect,
}

impl std::str::FromStr for ErrorPolicy {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" | "raise" => Ok(ErrorPolicy::Strict),
            "collect" => Ok(ErrorPolicy::Collect),
            _ => Err(CxError::option(
                "errors",
                format!("must be one of \"raise\", \"collect\"; got {s:?}"),
            )),
        }
    }
}

/// Options of every reader. Build with [`ReadOptions::new`] and the consuming setters.
///
/// | option | default |
/// |---|---|
/// | `mapping` | built-in synonyms only |
/// | `encoding` | [`Encoding::Auto`] |
/// | `tz` | none: naive timestamps are errors |
/// | `errors` | [`ErrorPolicy::Strict`] |
/// | `allow_other_channels` | `false`: unknown channel names are rejected |
/// | `csat_scale` | none: CSAT must be an integer 0–10 |
/// | `epoch_unit` | [`EpochUnit::Auto`] |
/// | `batch_size` | 65,536 rows |
/// | `delimiter` | `b','` |
/// | `has_header` | `true` |
/// | `reject_duplicate_ids` | `true` |
/// | `threads` | 0 = the available cores, at most 8 |
///
/// # Examples
/// ```
/// use cx_core::ingest::{ErrorPolicy, ReadOptions};
/// let o = ReadOptions::new().delimiter(b'\t').errors(ErrorPolicy::Collect).batch_size(1000);
/// assert_eq!(o.batch_size, 1000);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Explicit header → field mapping (overrides the synonyms).
    pub mapping: ColumnMapping,
    /// Text encoding.
    pub encoding: Encoding,
    /// IANA time zone for naive timestamps.
    pub tz: Option<Tz>,
    /// Error policy.
    pub errors: ErrorPolicy,
    /// Keep unknown channel names as `Channel::Other` instead of rejecting them.
    pub allow_other_channels: bool,
    /// Declared CSAT scale; scores outside it are rejected.
    pub csat_scale: Option<CsatScale>,
    /// How bare numbers in `timestamp` are read.
    pub epoch_unit: EpochUnit,
    /// Rows per batch yielded by [`FeedbackReader`] (at most).
    pub batch_size: usize,
    /// Field delimiter of CSV input (`,`, `\t`, `;`, ...).
    pub delimiter: u8,
    /// Whether the first CSV record is a header.
    pub has_header: bool,
    /// Reject the second and later rows that repeat a `feedback_id`.
    pub reject_duplicate_ids: bool,
    /// Worker threads for CSV parsing (0 = available cores, capped at 8).
    pub threads: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            mapping: ColumnMapping::new(),
            encoding: Encoding::Auto,
            tz: None,
            errors: ErrorPolicy::Strict,
            allow_other_channels: false,
            csat_scale: None,
            epoch_unit: EpochUnit::Auto,
            batch_size: 65_536,
            delimiter: b',',
            has_header: true,
            reject_duplicate_ids: true,
            threads: 0,
        }
    }
}

impl ReadOptions {
    /// The defaults (see the table above).
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the explicit column mapping.
    pub fn mapping(mut self, mapping: ColumnMapping) -> Self {
        self.mapping = mapping;
        self
    }
    /// Set the encoding.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }
    /// Set the time zone for naive timestamps.
    pub fn tz(mut self, tz: Tz) -> Self {
        self.tz = Some(tz);
        self
    }
    /// Set the error policy.
    pub fn errors(mut self, errors: ErrorPolicy) -> Self {
        self.errors = errors;
        self
    }
    /// Keep unknown channels as `Channel::Other`.
    pub fn allow_other_channels(mut self, yes: bool) -> Self {
        self.allow_other_channels = yes;
        self
    }
    /// Declare the CSAT scale.
    pub fn csat_scale(mut self, scale: CsatScale) -> Self {
        self.csat_scale = Some(scale);
        self
    }
    /// Set how bare numbers in `timestamp` are read.
    pub fn epoch_unit(mut self, unit: EpochUnit) -> Self {
        self.epoch_unit = unit;
        self
    }
    /// Set the batch size (rows).
    pub fn batch_size(mut self, rows: usize) -> Self {
        self.batch_size = rows;
        self
    }
    /// Set the CSV delimiter.
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }
    /// Say whether the CSV input has a header record.
    pub fn has_header(mut self, yes: bool) -> Self {
        self.has_header = yes;
        self
    }
    /// Reject repeated `feedback_id`s (the first occurrence is kept).
    pub fn reject_duplicate_ids(mut self, yes: bool) -> Self {
        self.reject_duplicate_ids = yes;
        self
    }
    /// Set the number of parsing threads (0 = automatic, 1 = sequential).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Check the options.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for `batch_size == 0` or a delimiter that is
    /// not ASCII or is `"`, CR or LF.
    pub fn validate(&self) -> Result<()> {
        if self.batch_size == 0 {
            return Err(CxError::option("batch_size", "must be at least 1"));
        }
        let d = self.delimiter;
        if !d.is_ascii() || matches!(d, b'"' | b'\r' | b'\n') {
            return Err(CxError::option(
                "delimiter",
                format!("must be an ASCII byte other than quote, CR and LF; got 0x{d:02X}"),
            ));
        }
        Ok(())
    }

    pub(crate) fn worker_threads(&self) -> usize {
        match self.threads {
            0 => crate::threads::available().min(8),
            n => n.min(64),
        }
    }
}

impl From<ErrorPolicy> for ReadOptions {
    fn from(errors: ErrorPolicy) -> Self {
        Self::new().errors(errors)
    }
}

impl From<Tz> for ReadOptions {
    fn from(tz: Tz) -> Self {
        Self::new().tz(tz)
    }
}

/// One rejected row (like pydantic's `ValLineError`).
///
/// `value` never holds personal data: values of personal fields (`text`) and
/// whole malformed records are written `<redacted len=N>` (N in characters).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Rejection {
    /// 0-based data-record position (header excluded).
    pub row: usize,
    /// 1-based physical line where the record starts (header included).
    pub line: u64,
    /// The cx field (or `"<record>"` for a malformed record).
    pub field: String,
    /// The offending value as text (redacted for personal fields).
    pub value: String,
    /// Stable error code ([`CxError::code`]).
    pub code: &'static str,
    /// Why the row was rejected.
    pub reason: String,
    error: CxError,
}

impl Rejection {
    pub(crate) fn new(row: usize, line: u64, error: CxError) -> Self {
        let error = error.at_row(row);
        let (field, value, reason) = match &error {
            CxError::InvalidValue {
                field,
                value,
                reason,
                ..
            } => (field.clone(), value.clone(), reason.clone()),
            CxError::MissingField { field, .. } => (
                field.clone(),
                String::new(),
                "missing required value".into(),
            ),
            CxError::MissingTimeZone { field, value, .. } => (
                field.clone(),
                value.clone(),
                "no UTC offset and no time zone was given".into(),
            ),
            CxError::Encoding {
                field,
                encoding,
                byte_offset,
                ..
            } => (
                field.clone(),
                String::new(),
                format!("bytes not valid {encoding} at byte offset {byte_offset}"),
            ),
            other => (
                other.field().unwrap_or("<record>").to_string(),
                String::new(),
                other.to_string(),
            ),
        };
        Self {
            row,
            line,
            field,
            value,
            code: error.code(),
            reason,
            error,
        }
    }

    pub(crate) fn shift(&mut self, rows: usize, lines: u64) {
        self.row += rows;
        self.line += lines;
        self.error = match std::mem::replace(
            &mut self.error,
            CxError::EmptyInput {
                what: String::new(),
            },
        ) {
            CxError::InvalidValue {
                field,
                row,
                value,
                reason,
            } => CxError::InvalidValue {
                field,
                row: row.map(|r| r + rows),
                value,
                reason,
            },
            CxError::MissingField { field, row } => CxError::MissingField {
                field,
                row: row.map(|r| r + rows),
            },
            CxError::MissingTimeZone { field, row, value } => CxError::MissingTimeZone {
                field,
                row: row.map(|r| r + rows),
                value,
            },
            CxError::Encoding {
                field,
                row,
                encoding,
                byte_offset,
            } => CxError::Encoding {
                field,
                row: row.map(|r| r + rows),
                encoding,
                byte_offset,
            },
            other => other,
        };
    }

    /// The typed error of this rejection (what [`ErrorPolicy::Strict`] returns).
    pub fn to_error(&self) -> CxError {
        self.error.clone()
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.error)
    }
}

/// The result of reading a whole input.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Ingested<T> {
    /// The accepted rows.
    pub accepted: T,
    /// Every rejected row, in row order (empty under [`ErrorPolicy::Strict`]).
    pub rejected: Vec<Rejection>,
    /// Data records read: always `accepted + rejected`.
    pub rows_read: usize,
    /// Headers (or JSON keys) that map to no field, in the order first seen.
    pub ignored_columns: Vec<String>,
}

impl<T> Ingested<T> {
    /// Transform the accepted part, keeping the report.
    ///
    /// # Errors
    /// Whatever `f` returns.
    pub fn try_map<U>(self, f: impl FnOnce(T) -> Result<U>) -> Result<Ingested<U>> {
        Ok(Ingested {
            accepted: f(self.accepted)?,
            rejected: self.rejected,
            rows_read: self.rows_read,
            ignored_columns: self.ignored_columns,
        })
    }
}

/// Placeholder value printed for personal data.
pub(crate) fn redacted(s: &str) -> String {
    format!("<redacted len={}>", s.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_validate() {
        assert!(ReadOptions::new().validate().is_ok());
        assert!(ReadOptions::new().batch_size(0).validate().is_err());
        assert!(ReadOptions::new().delimiter(b'"').validate().is_err());
        assert_eq!(
            "collect".parse::<ErrorPolicy>().ok(),
            Some(ErrorPolicy::Collect)
        );
        assert_eq!(
            "raise".parse::<ErrorPolicy>().ok(),
            Some(ErrorPolicy::Strict)
        );
        assert!("ignore".parse::<ErrorPolicy>().is_err());
    }

    #[test]
    fn rejection_shift_moves_rows_in_error() {
        let mut r = Rejection::new(2, 3, CxError::invalid("nps", None, "11", "bad"));
        r.shift(10, 5);
        assert_eq!((r.row, r.line), (12, 8));
        assert_eq!(r.to_error().row(), Some(12));
    }
}
