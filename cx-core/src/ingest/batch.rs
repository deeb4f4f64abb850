//! [`FeedbackBatch`]: accepted feedback rows as columns (plain `Vec`s).

use chrono::{DateTime, FixedOffset};

use super::column::{ListColumn, StrColumn};
use crate::model::{Channel, CustomerId, Feedback, FeedbackId, FeedbackKind, TouchpointId};
use crate::{CxError, Result};

/// Marker of a missing rating in [`FeedbackBatch::nps`], `csat` and `ces`.
///
/// Ratings are stored as one `Vec<u8>` each so the metrics kernels can take
/// `&[u8]`; 255 is outside every cx scale (all are within 0–10).
pub const MISSING_RATING: u8 = 255;

/// Number of named channels: codes `0..NAMED_CHANNELS` of
/// [`FeedbackBatch::channel`] are [`Channel::all`] in order in every batch;
/// codes from `NAMED_CHANNELS` on are `Channel::Other` names of that batch.
pub const NAMED_CHANNELS: usize = 12;

/// Accepted feedback as columns, one entry per row in every `Vec`.
///
/// * `channel` holds codes into `channel_dict` (named channels first, then the
///   `Other` names of this batch; at most 256 distinct channels per batch).
/// * `timestamp_ms` is milliseconds since the Unix epoch (UTC) and
///   `utc_offset_secs` the offset the time was written in.
/// * `nps`, `csat`, `ces` use [`MISSING_RATING`] (255) for missing.
/// * `weight` uses NaN for missing.
/// * `row` is the 0-based record position each row came from.
/// * String columns are [`StrColumn`]s (one buffer plus offsets, the Arrow
///   layout) and `tags` a [`ListColumn`], so a batch costs a few allocations
///   rather than several per row.
///
/// `Debug` never prints `text` (personal data), only its length.
///
/// # Examples
/// ```
/// use cx_core::ingest::{read_feedback_csv, ReadOptions, MISSING_RATING};
/// let data = "feedback_id,channel,timestamp,nps\nF1,email,2024-03-01T14:05:00+08:00,9\n\
///             F2,phone,2024-03-01T15:00:00+08:00,\n";
/// let b = read_feedback_csv(data.as_bytes(), &ReadOptions::new())?.accepted;
/// assert_eq!(b.nps, vec![9, MISSING_RATING]);
/// assert_eq!(b.channel_at(1).as_str(), "phone");
/// assert_eq!(b.timestamp_ms[0], 1_709_273_100_000);
/// assert_eq!(b.to_records()?[0].ratings.nps, Some(9));
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct FeedbackBatch {
    /// Feedback ids.
    pub feedback_id: StrColumn,
    /// Customer ids.
    pub customer_id: StrColumn,
    /// Channel codes into `channel_dict`.
    pub channel: Vec<u8>,
    /// Channel dictionary: [`Channel::all`] then this batch's `Other` names.
    pub channel_dict: Vec<Channel>,
    /// Touchpoint ids.
    pub touchpoint_id: StrColumn,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub timestamp_ms: Vec<i64>,
    /// UTC offset the timestamp was written in, seconds east.
    pub utc_offset_secs: Vec<i32>,
    /// Kind of feedback.
    pub kind: Vec<Option<FeedbackKind>>,
    /// NPS ratings 0–10, [`MISSING_RATING`] when missing.
    pub nps: Vec<u8>,
    /// CSAT ratings, [`MISSING_RATING`] when missing.
    pub csat: Vec<u8>,
    /// CES ratings 1–7, [`MISSING_RATING`] when missing.
    pub ces: Vec<u8>,
    /// Free text (personal data).
    pub text: StrColumn,
    /// Tags.
    pub tags: ListColumn,
    /// Language tags.
    pub language: StrColumn,
    /// Weights (finite, ≥ 0), NaN when missing.
    pub weight: Vec<f64>,
    /// 0-based record position of each row in the input.
    pub row: Vec<usize>,
}

impl std::fmt::Debug for FeedbackBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedbackBatch")
            .field("rows", &self.len())
            .field("feedback_id", &self.feedback_id)
            .field("channel", &self.channel)
            .field("timestamp_ms", &self.timestamp_ms)
            .field("nps", &self.nps)
            .field("csat", &self.csat)
            .field("ces", &self.ces)
            .field(
                "text",
                &format_args!("<redacted: {} values>", self.text.iter().flatten().count()),
            )
            .finish_non_exhaustive()
    }
}

/// Equality of every column; NaN weights (missing) compare equal.
impl PartialEq for FeedbackBatch {
    fn eq(&self, o: &Self) -> bool {
        self.feedback_id == o.feedback_id
            && self.customer_id == o.customer_id
            && self.channel == o.channel
            && self.channel_dict == o.channel_dict
            && self.touchpoint_id == o.touchpoint_id
            && self.timestamp_ms == o.timestamp_ms
            && self.utc_offset_secs == o.utc_offset_secs
            && self.kind == o.kind
            && self.nps == o.nps
            && self.csat == o.csat
            && self.ces == o.ces
            && self.text == o.text
            && self.tags == o.tags
            && self.language == o.language
            && self.row == o.row
            && self.weight.len() == o.weight.len()
            && self
                .weight
                .iter()
                .zip(&o.weight)
                .all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    }
}

impl Default for FeedbackBatch {
    fn default() -> Self {
        Self::new()
    }
}

/// One validated row, borrowed from the input where possible.
#[derive(Debug)]
pub(crate) struct ValidRow<'a> {
    pub row: usize,
    pub id: std::borrow::Cow<'a, str>,
    pub customer: Option<&'a str>,
    pub channel: u8,
    pub touchpoint: Option<&'a str>,
    pub epoch_ms: i64,
    pub offset_secs: i32,
    pub kind: Option<FeedbackKind>,
    pub nps: u8,
    pub csat: u8,
    pub ces: u8,
    pub text: Option<&'a str>,
    pub tags: Option<&'a str>,
    pub language: Option<&'a str>,
    pub weight: f64,
}

impl FeedbackBatch {
    /// An empty batch (with the named channels in its dictionary).
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty batch with room for `n` rows.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            feedback_id: StrColumn::with_capacity(n, n * 8),
            customer_id: StrColumn::with_capacity(n, n * 8),
            channel: Vec::with_capacity(n),
            channel_dict: Channel::all().collect(),
            touchpoint_id: StrColumn::with_capacity(n, n * 8),
            timestamp_ms: Vec::with_capacity(n),
            utc_offset_secs: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            nps: Vec::with_capacity(n),
            csat: Vec::with_capacity(n),
            ces: Vec::with_capacity(n),
            text: StrColumn::with_capacity(n, n * 8),
            tags: ListColumn::new(),
            language: StrColumn::with_capacity(n, n * 8),
            weight: Vec::with_capacity(n),
            row: Vec::with_capacity(n),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.row.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.row.is_empty()
    }

    /// The channel of row `i`.
    ///
    /// # Panics
    /// If `i` is out of bounds (like slice indexing).
    pub fn channel_at(&self, i: usize) -> &Channel {
        &self.channel_dict[usize::from(self.channel[i])]
    }

    /// The timestamp of row `i` with its original offset, if in chrono's range.
    pub fn timestamp_at(&self, i: usize) -> Option<DateTime<FixedOffset>> {
        let off = FixedOffset::east_opt(*self.utc_offset_secs.get(i)?)?;
        DateTime::from_timestamp_millis(*self.timestamp_ms.get(i)?).map(|d| d.with_timezone(&off))
    }

    /// Code of an `Other` channel name, adding it to the dictionary; `None`
    /// when the batch already has 256 channels.
    pub(crate) fn intern_other(&mut self, name: &str) -> Option<u8> {
        if let Some(i) = self.channel_dict[NAMED_CHANNELS..]
            .iter()
            .position(|c| c.as_str() == name)
        {
            return u8::try_from(i + NAMED_CHANNELS).ok();
        }
        let code = u8::try_from(self.channel_dict.len()).ok()?;
        self.channel_dict.push(Channel::Other(name.to_owned()));
        Some(code)
    }

    pub(crate) fn push(&mut self, v: ValidRow<'_>) {
        self.feedback_id.push(Some(&v.id));
        self.customer_id.push(v.customer);
        self.channel.push(v.channel);
        self.touchpoint_id.push(v.touchpoint);
        self.timestamp_ms.push(v.epoch_ms);
        self.utc_offset_secs.push(v.offset_secs);
        self.kind.push(v.kind);
        self.nps.push(v.nps);
        self.csat.push(v.csat);
        self.ces.push(v.ces);
        self.text.push(v.text);
        self.tags
            .push(v.tags.map(super::validate::tag_iter).into_iter().flatten());
        self.language.push(v.language);
        self.weight.push(v.weight);
        self.row.push(v.row);
    }

    /// Move the rows of `other` to the end of `self` (channel codes remapped).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] (field `channel`) when the two batches hold
    /// more than 256 distinct channels together.
    pub fn append(&mut self, mut other: FeedbackBatch) -> Result<()> {
        let mut remap: Vec<u8> = (0..=255).collect();
        for (i, c) in other.channel_dict.iter().enumerate().skip(NAMED_CHANNELS) {
            let code = self.intern_other(c.as_str()).ok_or_else(|| {
                CxError::invalid(
                    "channel",
                    None,
                    c.as_str(),
                    "more than 256 distinct channels in one batch",
                )
            })?;
            remap[i] = code;
        }
        if other.channel_dict.len() > NAMED_CHANNELS {
            for c in &mut other.channel {
                *c = remap[usize::from(*c)];
            }
        }
        self.feedback_id.append(&other.feedback_id);
        self.customer_id.append(&other.customer_id);
        self.channel.append(&mut other.channel);
        self.touchpoint_id.append(&other.touchpoint_id);
        self.timestamp_ms.append(&mut other.timestamp_ms);
        self.utc_offset_secs.append(&mut other.utc_offset_secs);
        self.kind.append(&mut other.kind);
        self.nps.append(&mut other.nps);
        self.csat.append(&mut other.csat);
        self.ces.append(&mut other.ces);
        self.text.append(&other.text);
        self.tags.append(&other.tags);
        self.language.append(&other.language);
        self.weight.append(&mut other.weight);
        self.row.append(&mut other.row);
        Ok(())
    }

    /// Split off rows `at..` into a new batch (same channel dictionary).
    pub fn split_off(&mut self, at: usize) -> FeedbackBatch {
        let at = at.min(self.len());
        FeedbackBatch {
            feedback_id: self.feedback_id.split_off(at),
            customer_id: self.customer_id.split_off(at),
            channel: self.channel.split_off(at),
            channel_dict: self.channel_dict.clone(),
            touchpoint_id: self.touchpoint_id.split_off(at),
            timestamp_ms: self.timestamp_ms.split_off(at),
            utc_offset_secs: self.utc_offset_secs.split_off(at),
            kind: self.kind.split_off(at),
            nps: self.nps.split_off(at),
            csat: self.csat.split_off(at),
            ces: self.ces.split_off(at),
            text: self.text.split_off(at),
            tags: self.tags.split_off(at),
            language: self.language.split_off(at),
            weight: self.weight.split_off(at),
            row: self.row.split_off(at),
        }
    }

    /// Remove the rows at the given sorted, distinct indices.
    pub(crate) fn remove_rows(&mut self, sorted: &[usize]) {
        if sorted.is_empty() {
            return;
        }
        for c in [
            &mut self.feedback_id,
            &mut self.customer_id,
            &mut self.touchpoint_id,
            &mut self.text,
            &mut self.language,
        ] {
            c.remove_rows(sorted);
        }
        self.tags.remove_rows(sorted);
        fn keep<T>(v: &mut Vec<T>, sorted: &[usize]) {
            let mut i = 0usize;
            let mut k = 0usize;
            v.retain(|_| {
                let drop = sorted.get(k) == Some(&i);
                if drop {
                    k += 1;
                }
                i += 1;
                !drop
            });
        }
        keep(&mut self.channel, sorted);
        keep(&mut self.timestamp_ms, sorted);
        keep(&mut self.utc_offset_secs, sorted);
        keep(&mut self.kind, sorted);
        keep(&mut self.nps, sorted);
        keep(&mut self.csat, sorted);
        keep(&mut self.ces, sorted);
        keep(&mut self.weight, sorted);
        keep(&mut self.row, sorted);
    }

    /// The rows as [`Feedback`] records.
    ///
    /// `Feedback` has no weight: the `weight` column is not carried over.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] if a column was edited into an invalid state
    /// (blank id, out-of-range timestamp, ratings off their scales).
    pub fn to_records(&self) -> Result<Vec<Feedback>> {
        (0..self.len()).map(|i| self.record(i)).collect()
    }

    fn record(&self, i: usize) -> Result<Feedback> {
        let ts = self.timestamp_at(i).ok_or_else(|| {
            CxError::invalid("timestamp", Some(i), self.timestamp_ms[i], "out of range")
        })?;
        let channel = self
            .channel_dict
            .get(usize::from(self.channel[i]))
            .cloned()
            .ok_or_else(|| {
                CxError::invalid(
                    "channel",
                    Some(i),
                    self.channel[i],
                    "code not in the dictionary",
                )
            })?;
        let mut f = Feedback::new(
            FeedbackId::new(self.feedback_id.get(i).unwrap_or_default())?,
            channel,
            ts,
        );
        if let Some(c) = self.customer_id.get(i) {
            f = f.with_customer(CustomerId::new(c)?);
        }
        if let Some(t) = self.touchpoint_id.get(i) {
            f = f.with_touchpoint(TouchpointId::new(t)?);
        }
        if let Some(k) = self.kind[i] {
            f = f.with_kind(k);
        }
        let opt = |v: u8| (v != MISSING_RATING).then_some(v);
        f.ratings.nps = opt(self.nps[i]);
        f.ratings.csat = opt(self.csat[i]);
        f.ratings.ces = opt(self.ces[i]);
        f.ratings.validate().map_err(|e| e.at_row(i))?;
        if let Some(t) = self.text.get(i) {
            f = f.with_text(t);
        }
        f.tags = self.tags.get(i).map(str::to_owned).collect();
        f.language = self.language.get(i).map(str::to_owned);
        Ok(f)
    }
}

#[cfg(feature = "arrow")]
mod arrow_impl {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::types::UInt8Type;
    use arrow_array::{
        ArrayRef, DictionaryArray, Float64Array, Int32Array, RecordBatch, StringArray,
        TimestampMillisecondArray, UInt8Array, UInt64Array,
    };
    use arrow_schema::{DataType, Field as AField, Schema, TimeUnit};

    use super::{FeedbackBatch, MISSING_RATING, StrColumn};
    use crate::{CxError, Result};

    impl FeedbackBatch {
        /// The Arrow schema of [`FeedbackBatch::to_record_batch`].
        pub fn arrow_schema() -> Schema {
            let utf8 = |n: &str, null: bool| AField::new(n, DataType::Utf8, null);
            let u8f = |n: &str| AField::new(n, DataType::UInt8, true);
            Schema::new(vec![
                utf8("feedback_id", false),
                utf8("customer_id", true),
                AField::new(
                    "channel",
                    DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8)),
                    false,
                ),
                utf8("touchpoint_id", true),
                AField::new(
                    "timestamp",
                    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
                    false,
                ),
                AField::new("utc_offset_secs", DataType::Int32, false),
                utf8("kind", true),
                u8f("nps"),
                u8f("csat"),
                u8f("ces"),
                utf8("text", true),
                AField::new(
                    "tags",
                    DataType::List(Arc::new(AField::new("item", DataType::Utf8, true))),
                    false,
                ),
                utf8("language", true),
                AField::new("weight", DataType::Float64, true),
                AField::new("row", DataType::UInt64, false),
            ])
        }

        /// The batch as an Arrow `RecordBatch` (schema: [`FeedbackBatch::arrow_schema`]).
        ///
        /// `timestamp` is `Timestamp(Millisecond, "UTC")`, `channel` a
        /// dictionary of canonical names (`Other` names as written), ratings
        /// `UInt8` with nulls, `weight` `Float64` with NaN as null.
        ///
        /// # Errors
        /// [`CxError::Format`] if Arrow rejects the columns (inconsistent lengths).
        pub fn to_record_batch(&self) -> Result<RecordBatch> {
            let err = |e: arrow_schema::ArrowError| CxError::Format {
                what: "arrow record batch".into(),
                reason: e.to_string(),
            };
            let opt_str =
                |v: &StrColumn| -> ArrayRef { Arc::new(v.iter().collect::<StringArray>()) };
            let rating = |v: &[u8]| -> ArrayRef {
                Arc::new(
                    v.iter()
                        .map(|&x| (x != MISSING_RATING).then_some(x))
                        .collect::<UInt8Array>(),
                )
            };
            let dict_values =
                StringArray::from_iter_values(self.channel_dict.iter().map(|c| c.as_str()));
            let channel = DictionaryArray::<UInt8Type>::try_new(
                UInt8Array::from(self.channel.clone()),
                Arc::new(dict_values),
            )
            .map_err(err)?;
            let mut tags = ListBuilder::new(StringBuilder::new());
            for i in 0..self.tags.len() {
                for s in self.tags.get(i) {
                    tags.values().append_value(s);
                }
                tags.append(true);
            }
            let columns: Vec<ArrayRef> = vec![
                opt_str(&self.feedback_id),
                opt_str(&self.customer_id),
                Arc::new(channel),
                opt_str(&self.touchpoint_id),
                Arc::new(
                    TimestampMillisecondArray::from(self.timestamp_ms.clone()).with_timezone("UTC"),
                ),
                Arc::new(Int32Array::from(self.utc_offset_secs.clone())),
                Arc::new(
                    self.kind
                        .iter()
                        .map(|k| k.map(|k| k.as_str()))
                        .collect::<StringArray>(),
                ),
                rating(&self.nps),
                rating(&self.csat),
                rating(&self.ces),
                opt_str(&self.text),
                Arc::new(tags.finish()),
                opt_str(&self.language),
                Arc::new(
                    self.weight
                        .iter()
                        .map(|&w| (!w.is_nan()).then_some(w))
                        .collect::<Float64Array>(),
                ),
                Arc::new(self.row.iter().map(|&r| r as u64).collect::<UInt64Array>()),
            ];
            RecordBatch::try_new(Arc::new(Self::arrow_schema()), columns).map_err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize, id: &str, channel: u8) -> ValidRow<'static> {
        ValidRow {
            row: i,
            id: id.to_string().into(),
            customer: None,
            channel,
            touchpoint: None,
            epoch_ms: 1_709_273_100_000,
            offset_secs: 8 * 3600,
            kind: None,
            nps: 9,
            csat: MISSING_RATING,
            ces: MISSING_RATING,
            text: Some("秘密"),
            tags: None,
            language: None,
            weight: f64::NAN,
        }
    }

    #[cfg(feature = "arrow")]
    #[test]
    fn record_batch_has_nulls_and_utc_timestamps() -> Result<()> {
        use arrow_array::Array;
        let mut b = FeedbackBatch::new();
        b.push(row(0, "a", 1));
        let rb = b.to_record_batch()?;
        assert_eq!(rb.num_rows(), 1);
        assert_eq!(
            rb.schema().field(4).data_type().to_string(),
            "Timestamp(ms, \"UTC\")"
        );
        assert_eq!(rb.column(8).null_count(), 1);
        assert_eq!(rb.column(13).null_count(), 1);
        Ok(())
    }

    #[test]
    fn append_remaps_other_channels() -> Result<()> {
        let mut a = FeedbackBatch::new();
        let x = a.intern_other("信鸽").unwrap_or(0);
        a.push(row(0, "a", x));
        let mut b = FeedbackBatch::new();
        let y = b.intern_other("飞鸽").unwrap_or(0);
        let z = b.intern_other("信鸽").unwrap_or(0);
        b.push(row(1, "b", y));
        b.push(row(2, "c", z));
        b.push(row(3, "d", 0));
        a.append(b)?;
        let names: Vec<&str> = (0..a.len()).map(|i| a.channel_at(i).as_str()).collect();
        assert_eq!(names, ["信鸽", "飞鸽", "信鸽", "phone"]);
        let mut tail = a.split_off(2);
        assert_eq!(tail.len(), 2);
        tail.remove_rows(&[0]);
        assert_eq!(tail.feedback_id.iter().collect::<Vec<_>>(), [Some("d")]);
        assert_eq!(tail.row, [3]);
        assert!(!format!("{a:?}").contains("秘密"));
        let recs = a.to_records()?;
        assert_eq!(recs[1].channel, Channel::Other("飞鸽".into()));
        Ok(())
    }
}
