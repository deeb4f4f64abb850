//! The one error type of cx: [`CxError`], typed and structured.
//!
//! Every variant names what was wrong (field or column, row, value) so that a
//! caller can point a user at the offending cell. [`CxError::code`] gives a
//! stable identifier for each variant (like pydantic's error `type`), which the
//! Python exceptions carry as `.code` and `docs/errors.md` lists.
//!
//! Row numbers are **0-based positions among data records** (the header of a
//! CSV file is not a record), the same as the index pandas gives a frame read
//! from the same file. Ingestion reports also give the 1-based physical line.

/// Result alias used throughout cx.
pub type Result<T, E = CxError> = std::result::Result<T, E>;

/// Everything that can go wrong in cx.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CxError {
    /// A value is present but not acceptable (out of range, unparsable, ...).
    #[error("{field}: invalid value {value:?}{}: {reason}", fmt_row(*row))]
    InvalidValue {
        /// Field, column or parameter name.
        field: String,
        /// 0-based record position, when the value came from a row.
        row: Option<usize>,
        /// The offending value as text (personal values are redacted).
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A required field or column is absent or empty.
    #[error("{field}: missing required value{}", fmt_row(*row))]
    MissingField {
        /// Field or column name.
        field: String,
        /// 0-based record position, when known.
        row: Option<usize>,
    },
    /// A naive local timestamp was given without an IANA time zone.
    #[error("{field}: timestamp {value:?}{} has no UTC offset and no time zone was given; pass an IANA zone such as \"Asia/Shanghai\"", fmt_row(*row))]
    MissingTimeZone {
        /// Field or column name.
        field: String,
        /// 0-based record position, when known.
        row: Option<usize>,
        /// The timestamp text.
        value: String,
    },
    /// Bytes that cannot be decoded in the declared or detected encoding.
    #[error("{field}: bytes not valid {encoding}{} (byte offset {byte_offset})", fmt_row(*row))]
    Encoding {
        /// Where the bytes were read (file or column).
        field: String,
        /// 0-based record position, when known.
        row: Option<usize>,
        /// Encoding name, e.g. "UTF-8" or "GB18030".
        encoding: String,
        /// Offset of the first bad byte in the input.
        byte_offset: u64,
    },
    /// Parallel inputs have different lengths.
    #[error("{what}: length mismatch, expected {expected}, got {got}")]
    LengthMismatch {
        /// Which input.
        what: String,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// An input has no usable observations.
    #[error("{what}: empty input")]
    EmptyInput {
        /// Which input.
        what: String,
    },
    /// An input has too few observations for the statistic.
    #[error("{what}: need at least {min} observations, got {got}")]
    TooFewObservations {
        /// Which statistic.
        what: String,
        /// Minimum needed.
        min: usize,
        /// Number available.
        got: usize,
    },
    /// An option or configuration value is not acceptable.
    #[error("{option}: {reason}")]
    InvalidOption {
        /// Option name.
        option: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A serialized state or file has an unsupported format or version.
    #[error("{what}: unsupported format: {reason}")]
    Format {
        /// What was being read.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A DMAIC phase cannot be closed: some tollgate criteria are not met.
    #[error("{phase} tollgate not met: {}", unmet.join("; "))]
    TollgateNotMet {
        /// The phase whose tollgate was checked (e.g. "define").
        phase: String,
        /// One human-readable line per unmet criterion.
        unmet: Vec<String>,
    },
    /// A case cannot take this transition from its current state.
    #[error("case {case}: illegal transition {transition:?} from state {state:?}")]
    IllegalTransition {
        /// The case id.
        case: String,
        /// The case's current state (snake_case).
        state: String,
        /// The transition asked for (snake_case).
        transition: String,
    },
    /// A write was based on a stale version of a record (optimistic concurrency).
    #[error("case {case}: version conflict, expected version {expected}, found {found}")]
    Conflict {
        /// The case id.
        case: String,
        /// The version the writer read.
        expected: u64,
        /// The version now stored.
        found: u64,
    },
    /// A principal is not allowed to do this (the denial is audited).
    #[error("access denied: {principal} may not {action} case {case}: {reason}")]
    AccessDenied {
        /// Who asked.
        principal: String,
        /// What was asked (read, create, transition, ...).
        action: String,
        /// The case id (empty when none).
        case: String,
        /// Why it was refused.
        reason: String,
    },
    /// A sealed value cannot be opened: wrong key, wrong associated data,
    /// tampered or truncated ciphertext, or not a sealed value at all. Nothing
    /// is ever returned half-decrypted, and the message never contains key
    /// material or plaintext.
    #[error("cannot open sealed value under key id {key_id:?}: {reason}")]
    Decryption {
        /// The key id named by the value (empty when the value names none).
        key_id: String,
        /// What failed (never contains key material or plaintext).
        reason: String,
    },
    /// A sealed value names a key id the key provider does not know (the key
    /// was retired, or the provider is not the one the data was sealed with).
    #[error("unknown key id {key_id:?}: the key provider has no key with this id")]
    UnknownKey {
        /// The key id asked for.
        key_id: String,
    },
    /// Key material or a key source is not acceptable (bad length or
    /// encoding, a key file readable by others, an invalid key id). The
    /// message never contains key material.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// What is wrong (names the variable, file or key id, never the key).
        reason: String,
    },
    /// An I/O failure while reading or writing.
    #[error("I/O error on {path}: {message}")]
    Io {
        /// File path or stream name.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

fn fmt_row(row: Option<usize>) -> String {
    match row {
        Some(r) => format!(" at row {r}"),
        None => String::new(),
    }
}

impl CxError {
    /// Stable identifier of the variant (`invalid_value`, `missing_field`, ...).
    ///
    /// # Examples
    /// ```
    /// use cx_core::CxError;
    /// let e = CxError::EmptyInput { what: "scores".into() };
    /// assert_eq!(e.code(), "empty_input");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            CxError::InvalidValue { .. } => "invalid_value",
            CxError::MissingField { .. } => "missing_field",
            CxError::MissingTimeZone { .. } => "missing_time_zone",
            CxError::Encoding { .. } => "encoding",
            CxError::LengthMismatch { .. } => "length_mismatch",
            CxError::EmptyInput { .. } => "empty_input",
            CxError::TooFewObservations { .. } => "too_few_observations",
            CxError::InvalidOption { .. } => "invalid_option",
            CxError::Format { .. } => "format",
            CxError::Io { .. } => "io",
            CxError::TollgateNotMet { .. } => "tollgate_not_met",
            CxError::IllegalTransition { .. } => "illegal_transition",
            CxError::Conflict { .. } => "conflict",
            CxError::AccessDenied { .. } => "access_denied",
            CxError::Decryption { .. } => "decryption",
            CxError::UnknownKey { .. } => "unknown_key",
            CxError::InvalidKey { .. } => "invalid_key",
        }
    }

    /// The field, column or parameter the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            CxError::InvalidValue { field, .. }
            | CxError::MissingField { field, .. }
            | CxError::MissingTimeZone { field, .. }
            | CxError::Encoding { field, .. } => Some(field),
            CxError::InvalidOption { option, .. } => Some(option),
            CxError::LengthMismatch { what, .. }
            | CxError::EmptyInput { what }
            | CxError::TooFewObservations { what, .. }
            | CxError::Format { what, .. } => Some(what),
            CxError::Io { path, .. } => Some(path),
            CxError::TollgateNotMet { phase, .. } => Some(phase),
            CxError::IllegalTransition { case, .. }
            | CxError::Conflict { case, .. }
            | CxError::AccessDenied { case, .. } => Some(case),
            CxError::Decryption { key_id, .. } | CxError::UnknownKey { key_id } => Some(key_id),
            CxError::InvalidKey { .. } => None,
        }
    }

    /// The 0-based record position the error is about, when there is one.
    pub fn row(&self) -> Option<usize> {
        match self {
            CxError::InvalidValue { row, .. }
            | CxError::MissingField { row, .. }
            | CxError::MissingTimeZone { row, .. }
            | CxError::Encoding { row, .. } => *row,
            _ => None,
        }
    }

    /// The offending value as text, when there is one.
    pub fn value(&self) -> Option<&str> {
        match self {
            CxError::InvalidValue { value, .. } | CxError::MissingTimeZone { value, .. } => {
                Some(value)
            }
            CxError::IllegalTransition { transition, .. } => Some(transition),
            _ => None,
        }
    }

    /// The unmet tollgate criteria, for [`CxError::TollgateNotMet`].
    pub fn unmet(&self) -> Option<&[String]> {
        match self {
            CxError::TollgateNotMet { unmet, .. } => Some(unmet),
            _ => None,
        }
    }

    /// Shorthand for [`CxError::InvalidValue`].
    pub fn invalid(
        field: impl Into<String>,
        row: Option<usize>,
        value: impl ToString,
        reason: impl Into<String>,
    ) -> Self {
        CxError::InvalidValue {
            field: field.into(),
            row,
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`CxError::InvalidOption`].
    pub fn option(option: impl Into<String>, reason: impl Into<String>) -> Self {
        CxError::InvalidOption {
            option: option.into(),
            reason: reason.into(),
        }
    }

    /// Attach a row to an error that lacks one (used by record-wise readers).
    pub fn at_row(mut self, r: usize) -> Self {
        if let CxError::InvalidValue { row, .. }
        | CxError::MissingField { row, .. }
        | CxError::MissingTimeZone { row, .. }
        | CxError::Encoding { row, .. } = &mut self
        {
            row.get_or_insert(r);
        }
        self
    }
}

impl From<std::io::Error> for CxError {
    fn from(e: std::io::Error) -> Self {
        CxError::Io {
            path: "<stream>".into(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_field_row_and_value() {
        let e = CxError::invalid("score", Some(3), "11", "outside 0..=10");
        assert_eq!(
            e.to_string(),
            "score: invalid value \"11\" at row 3: outside 0..=10"
        );
        assert_eq!(e.code(), "invalid_value");
        assert_eq!(e.row(), Some(3));
        assert_eq!(e.field(), Some("score"));
    }

    #[test]
    fn at_row_fills_only_missing_rows() {
        let e = CxError::invalid("x", None, "1", "bad").at_row(7);
        assert_eq!(e.row(), Some(7));
        let e = e.at_row(9);
        assert_eq!(e.row(), Some(7));
    }

    #[test]
    fn tollgate_not_met_lists_items() {
        let e = CxError::TollgateNotMet {
            phase: "define".into(),
            unmet: vec!["problem statement".into(), "SIPOC".into()],
        };
        assert_eq!(e.code(), "tollgate_not_met");
        assert_eq!(e.field(), Some("define"));
        assert_eq!(e.unmet().map(<[String]>::len), Some(2));
        assert_eq!(
            e.to_string(),
            "define tollgate not met: problem statement; SIPOC"
        );
    }

    #[test]
    fn errors_are_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<CxError>();
    }
}
