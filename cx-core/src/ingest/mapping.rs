//! Column mapping: from the headers of a user's file to cx's canonical fields.

use crate::model::normalize_label;
use crate::{CxError, Result};

/// A canonical field of a feedback file.
///
/// # Examples
/// ```
/// use cx_core::ingest::Field;
/// assert_eq!("nps".parse::<Field>()?, Field::Nps);
/// assert_eq!(Field::from_header("反馈时间"), Some(Field::Timestamp));
/// assert_eq!(Field::from_header("Customer ID"), Some(Field::CustomerId));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// `feedback_id` (required; generated as `row-<row>` when the column is absent).
    FeedbackId,
    /// `customer_id`.
    CustomerId,
    /// `channel` (required).
    Channel,
    /// `touchpoint_id`.
    TouchpointId,
    /// `timestamp` (required).
    Timestamp,
    /// `kind`.
    Kind,
    /// `nps` (0–10).
    Nps,
    /// `csat`.
    Csat,
    /// `ces` (1–7).
    Ces,
    /// `text` (personal).
    Text,
    /// `tags`.
    Tags,
    /// `language`.
    Language,
    /// `weight`.
    Weight,
}

/// Number of canonical fields.
pub(crate) const N_FIELDS: usize = 13;

/// Built-in header synonyms (compared after [`normalize_label`]: case, spaces,
/// `_`, `-`, `/`, `.` and full-width forms do not matter).
const SYNONYMS: [(Field, &[&str]); N_FIELDS] = [
    (
        Field::FeedbackId,
        &[
            "feedback_id",
            "feedbackid",
            "id",
            "反馈id",
            "反馈编号",
            "编号",
            "反馈单号",
            "工单号",
        ],
    ),
    (
        Field::CustomerId,
        &[
            "customer_id",
            "customer",
            "client_id",
            "user_id",
            "member_id",
            "客户id",
            "客户编号",
            "会员号",
            "会员id",
            "用户id",
            "客户",
        ],
    ),
    (
        Field::Channel,
        &["channel", "source", "渠道", "来源渠道", "来源"],
    ),
    (
        Field::TouchpointId,
        &["touchpoint_id", "touchpoint", "触点", "触点id", "接触点"],
    ),
    (
        Field::Timestamp,
        &[
            "timestamp",
            "time",
            "datetime",
            "date",
            "created_at",
            "submitted_at",
            "时间",
            "反馈时间",
            "提交时间",
            "日期",
            "创建时间",
        ],
    ),
    (
        Field::Kind,
        &["kind", "type", "feedback_type", "类型", "反馈类型"],
    ),
    (
        Field::Nps,
        &[
            "nps",
            "likelihood_to_recommend",
            "推荐意愿",
            "净推荐值",
            "推荐度",
        ],
    ),
    (Field::Csat, &["csat", "satisfaction", "满意度"]),
    (
        Field::Ces,
        &["ces", "effort", "customer_effort", "费力度", "费力程度"],
    ),
    (
        Field::Text,
        &[
            "text",
            "comment",
            "comments",
            "content",
            "message",
            "verbatim",
            "内容",
            "反馈内容",
            "评论",
            "留言",
            "意见内容",
        ],
    ),
    (Field::Tags, &["tags", "tag", "labels", "标签"]),
    (Field::Language, &["language", "lang", "语言"]),
    (Field::Weight, &["weight", "权重"]),
];

impl Field {
    /// All fields in canonical column order.
    pub const ALL: [Field; N_FIELDS] = [
        Field::FeedbackId,
        Field::CustomerId,
        Field::Channel,
        Field::TouchpointId,
        Field::Timestamp,
        Field::Kind,
        Field::Nps,
        Field::Csat,
        Field::Ces,
        Field::Text,
        Field::Tags,
        Field::Language,
        Field::Weight,
    ];

    /// Canonical name (`"feedback_id"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::FeedbackId => "feedback_id",
            Field::CustomerId => "customer_id",
            Field::Channel => "channel",
            Field::TouchpointId => "touchpoint_id",
            Field::Timestamp => "timestamp",
            Field::Kind => "kind",
            Field::Nps => "nps",
            Field::Csat => "csat",
            Field::Ces => "ces",
            Field::Text => "text",
            Field::Tags => "tags",
            Field::Language => "language",
            Field::Weight => "weight",
        }
    }

    /// Position in [`Field::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Whether values of this field are personal data (never copied into errors).
    pub fn is_personal(self) -> bool {
        matches!(self, Field::Text)
    }

    /// The field a header names by the built-in synonyms, if any.
    pub fn from_header(header: &str) -> Option<Field> {
        let key = normalize_label(header);
        SYNONYMS
            .iter()
            .find(|(_, names)| names.iter().any(|n| normalize_label(n) == key))
            .map(|(f, _)| *f)
    }
}

impl std::str::FromStr for Field {
    type Err = CxError;
    /// Parse a canonical field name (exact canonical names, any case).
    fn from_str(s: &str) -> Result<Self> {
        let key = normalize_label(s);
        Field::ALL
            .into_iter()
            .find(|f| normalize_label(f.as_str()) == key)
            .ok_or_else(|| {
                CxError::option(
                    "mapping",
                    format!(
                        "unknown cx field {s:?}; use one of feedback_id, customer_id, channel, touchpoint_id, timestamp, kind, nps, csat, ces, text, tags, language, weight"
                    ),
                )
            })
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An explicit mapping from the user's headers to cx fields; it overrides the
/// built-in synonyms for the headers it names.
///
/// # Examples
/// ```
/// use cx_core::ingest::{ColumnMapping, Field};
/// let m = ColumnMapping::new().map("会员卡号", "customer_id")?.map("打分", "nps")?;
/// assert_eq!(m.pairs()[1], ("打分".to_string(), Field::Nps));
/// assert!(ColumnMapping::new().map("x", "colour").is_err());
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMapping {
    pairs: Vec<(String, Field)>,
}

impl ColumnMapping {
    /// An empty mapping (built-in synonyms only).
    pub fn new() -> Self {
        Self::default()
    }

    /// Map `header` to the cx field named `field`.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for an unknown field name.
    pub fn map(self, header: impl Into<String>, field: &str) -> Result<Self> {
        let f = field.parse::<Field>()?;
        Ok(self.map_field(header, f))
    }

    /// Map `header` to `field`.
    pub fn map_field(mut self, header: impl Into<String>, field: Field) -> Self {
        self.pairs.push((header.into(), field));
        self
    }

    /// Build from (header, field name) pairs.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for an unknown field name.
    pub fn from_pairs<I, H, F>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (H, F)>,
        H: Into<String>,
        F: AsRef<str>,
    {
        pairs
            .into_iter()
            .try_fold(Self::new(), |m, (h, f)| m.map(h, f.as_ref()))
    }

    /// The (header, field) pairs in the order given.
    pub fn pairs(&self) -> &[(String, Field)] {
        &self.pairs
    }

    /// Whether no explicit pairs were given.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The explicit field for a header, if the mapping names it (exact match
    /// first, then case/space-insensitive).
    pub(crate) fn explicit(&self, header: &str) -> Option<Field> {
        self.pairs
            .iter()
            .find(|(h, _)| h == header)
            .or_else(|| {
                let key = normalize_label(header);
                self.pairs.iter().find(|(h, _)| normalize_label(h) == key)
            })
            .map(|(_, f)| *f)
    }
}

/// Columns of a file resolved to fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// Column index of each field (by [`Field::index`]).
    pub columns: [Option<usize>; N_FIELDS],
    /// Headers that map to no field, in file order.
    pub ignored: Vec<String>,
}

/// Resolve headers: explicit mapping first, then synonyms.
///
/// # Errors
/// [`CxError::InvalidOption`] (option `mapping`) when the mapping names a
/// header that is not in the file, or two columns map to one field;
/// [`CxError::MissingField`] when `channel` or `timestamp` has no column.
pub(crate) fn resolve(headers: &[String], mapping: &ColumnMapping) -> Result<Resolved> {
    for (h, _) in mapping.pairs() {
        let key = normalize_label(h);
        if !headers.iter().any(|x| x == h || normalize_label(x) == key) {
            return Err(CxError::option(
                "mapping",
                format!(
                    "header {h:?} is not in the file (headers: {})",
                    headers.join(", ")
                ),
            ));
        }
    }
    let mut columns = [None; N_FIELDS];
    let mut ignored = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let field = mapping.explicit(h).or_else(|| Field::from_header(h));
        match field {
            Some(f) => {
                if let Some(prev) = columns[f.index()] {
                    return Err(CxError::option(
                        "mapping",
                        format!(
                            "columns {:?} and {h:?} both map to {f}; map one of them explicitly to another field",
                            headers.get(prev).map_or("", String::as_str)
                        ),
                    ));
                }
                columns[f.index()] = Some(i);
            }
            None => ignored.push(h.clone()),
        }
    }
    for f in [Field::Channel, Field::Timestamp] {
        if columns[f.index()].is_none() {
            return Err(CxError::MissingField {
                field: f.as_str().into(),
                row: None,
            });
        }
    }
    Ok(Resolved { columns, ignored })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn chinese_synonyms() {
        let r = resolve(
            &h(&[
                "编号",
                "会员号",
                "来源渠道",
                "触点",
                "提交时间",
                "反馈类型",
                "净推荐值",
                "满意度",
                "费力度",
                "留言",
                "标签",
                "语言",
                "权重",
                "备注",
            ]),
            &ColumnMapping::new(),
        );
        let r = r.ok();
        assert_eq!(
            r.as_ref().map(|r| r.columns),
            Some(std::array::from_fn(Some))
        );
        assert_eq!(r.map(|r| r.ignored), Some(h(&["备注"])));
    }

    #[test]
    fn english_case_and_spaces() {
        let r = resolve(
            &h(&["Feedback ID", "CHANNEL", "Time Stamp", "NPS"]),
            &ColumnMapping::new(),
        )
        .ok();
        let cols = r.map(|r| r.columns);
        assert_eq!(
            cols.map(|c| (c[0], c[2], c[4], c[6])),
            Some((Some(0), Some(1), Some(2), Some(3)))
        );
    }

    #[test]
    fn explicit_overrides_and_errors() -> Result<()> {
        let m = ColumnMapping::new()
            .map("打分", "nps")?
            .map("时间", "timestamp")?;
        let r = resolve(&h(&["打分", "渠道", "时间"]), &m)?;
        assert_eq!(r.columns[Field::Nps.index()], Some(0));
        let e = resolve(&h(&["渠道", "时间"]), &m).err();
        assert_eq!(e.map(|e| e.code()), Some("invalid_option"));
        let dup = resolve(
            &h(&["nps", "推荐意愿", "channel", "time"]),
            &ColumnMapping::new(),
        )
        .err();
        assert!(dup.is_some_and(|e| e.to_string().contains("both map to nps")));
        let missing = resolve(&h(&["nps", "time"]), &ColumnMapping::new()).err();
        assert_eq!(missing.map(|e| e.code()), Some("missing_field"));
        assert!(ColumnMapping::new().map("a", "bogus").is_err());
        // An explicit mapping can move a synonym header elsewhere.
        let m = ColumnMapping::new().map("编号", "customer_id")?;
        let r = resolve(&h(&["编号", "渠道", "时间"]), &m)?;
        assert_eq!(r.columns[Field::CustomerId.index()], Some(0));
        assert_eq!(r.columns[Field::FeedbackId.index()], None);
        Ok(())
    }
}
