//! The feedback summary behind `cx summary`: counts by channel and kind,
//! NPS / CSAT / CES with confidence intervals, top tags, and data quality.
//!
//! [`SummaryBuilder`] is a mergeable state: feed it batches as a file streams
//! (memory stays bounded by the number of distinct channels and tags, never by
//! the number of rows), merge builders from partitions, then
//! [`SummaryBuilder::finish`].
//!
//! # Conventions
//! * NPS: promoters 9–10, detractors 0–6, adjusted-Wald interval by default
//!   (see [`crate::metrics::nps`](mod@crate::metrics::nps)).
//! * CSAT: the file's ratings on the 1–5 scale unless told otherwise; the share
//!   of top-2-box answers (4–5) with a Wilson interval, and the mean with a
//!   t-interval.
//! * CES: CES 2.0 agreement scale 1–7; the mean with a t-interval and the share
//!   agreeing (5–7) with a Wilson interval.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::ingest::{FeedbackBatch, FeedbackReader, MISSING_RATING, ReadOptions, Rejection};
use crate::metrics::tally::{MeanTally, NpsTally, ProportionTally};
use crate::metrics::{NpsOptions, ProportionInterval};
use crate::progress::{Progress, ProgressRead, Ticker};
use crate::{CxError, Result};

/// How many rejections the summary keeps as examples.
pub const EXAMPLE_REJECTIONS: usize = 10;

/// Options of the summary.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SummaryOptions {
    /// Confidence level of every interval (default 0.95).
    pub level: f64,
    /// Lowest and highest point of the CSAT scale (default 1–5).
    pub csat_scale: (u8, u8),
    /// How many tags to list (default 10).
    pub top_tags: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        Self {
            level: 0.95,
            csat_scale: (1, 5),
            top_tags: 10,
        }
    }
}

impl SummaryOptions {
    /// Defaults: 95% intervals, CSAT 1–5, ten tags.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the confidence level.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
    /// Set the CSAT scale.
    pub fn csat_scale(mut self, min: u8, max: u8) -> Self {
        self.csat_scale = (min, max);
        self
    }
    /// Set how many tags to list.
    pub fn top_tags(mut self, n: usize) -> Self {
        self.top_tags = n;
        self
    }
}

/// A label and its count.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Count {
    /// The label (canonical name, e.g. `phone_callback`).
    pub name: String,
    /// Chinese display name, when cx knows one.
    pub label_zh: Option<String>,
    /// How many rows carry it.
    pub count: u64,
}

/// An estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub ci_low: f64,
    /// Upper bound.
    pub ci_high: f64,
    /// Observations used.
    pub n: u64,
    /// Interval method.
    pub method: &'static str,
}

/// One rejected row, as kept in the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RejectedRow {
    /// 0-based record position.
    pub row: usize,
    /// 1-based physical line.
    pub line: u64,
    /// Column.
    pub field: String,
    /// Offending value (personal fields redacted).
    pub value: String,
    /// Error code.
    pub code: String,
    /// Why.
    pub reason: String,
}

/// Score metrics of the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ScoreMetrics {
    /// NPS on the −100…100 scale, with its interval.
    pub nps: Option<Estimate>,
    /// Promoters, passives, detractors.
    pub nps_counts: Option<[u64; 3]>,
    /// CSAT top-2-box share in percent.
    pub csat_top2_pct: Option<Estimate>,
    /// CSAT mean score.
    pub csat_mean: Option<Estimate>,
    /// CES mean (1–7).
    pub ces_mean: Option<Estimate>,
    /// CES share agreeing (5–7) in percent.
    pub ces_agree_pct: Option<Estimate>,
}

/// The summary of a feedback file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FeedbackSummary {
    /// Rows read (accepted + rejected).
    pub rows_read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rejections by error code.
    pub rejected_by_code: BTreeMap<String, u64>,
    /// Rejections by column.
    pub rejected_by_field: BTreeMap<String, u64>,
    /// The first rejections, as examples.
    pub rejected_examples: Vec<RejectedRow>,
    /// Columns of the file that cx ignored.
    pub ignored_columns: Vec<String>,
    /// Earliest timestamp.
    pub first_at: Option<DateTime<FixedOffset>>,
    /// Latest timestamp.
    pub last_at: Option<DateTime<FixedOffset>>,
    /// Rows by channel, most frequent first.
    pub by_channel: Vec<Count>,
    /// Rows by kind, most frequent first (`unclassified` for none).
    pub by_kind: Vec<Count>,
    /// Most frequent tags.
    pub top_tags: Vec<Count>,
    /// NPS, CSAT and CES.
    pub scores: ScoreMetrics,
    /// Missing values per optional column.
    pub missing: BTreeMap<String, u64>,
    /// Confidence level of the intervals.
    pub level: f64,
}

/// Mergeable state of a [`FeedbackSummary`].
#[derive(Debug, Clone, Default)]
pub struct SummaryBuilder {
    rows_read: u64,
    accepted: u64,
    rejected: u64,
    rejected_by_code: BTreeMap<String, u64>,
    rejected_by_field: BTreeMap<String, u64>,
    rejected_examples: Vec<RejectedRow>,
    ignored_columns: Vec<String>,
    first_at: Option<DateTime<FixedOffset>>,
    last_at: Option<DateTime<FixedOffset>>,
    channels: BTreeMap<String, (Option<String>, u64)>,
    kinds: BTreeMap<String, (Option<String>, u64)>,
    tags: HashMap<String, u64>,
    nps: NpsTally,
    csat_top2: ProportionTally,
    csat_mean: MeanTally,
    ces_mean: MeanTally,
    ces_agree: ProportionTally,
    missing: BTreeMap<String, u64>,
    scratch: Vec<f64>,
}

fn bump<K: Ord + Clone>(
    m: &mut BTreeMap<K, (Option<String>, u64)>,
    k: &K,
    zh: Option<&str>,
    by: u64,
) {
    m.entry(k.clone())
        .or_insert_with(|| (zh.map(str::to_owned), 0))
        .1 += by;
}

impl SummaryBuilder {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one batch of accepted rows.
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for a CSAT rating outside `opts.csat_scale`
    /// or a rating the batch should not hold.
    pub fn update(&mut self, batch: &FeedbackBatch, opts: SummaryOptions) -> Result<()> {
        let n = batch.len() as u64;
        self.accepted += n;
        self.rows_read += n;
        for (code, count) in count_codes(&batch.channel) {
            let Some(ch) = batch.channel_dict.get(usize::from(code)) else {
                continue;
            };
            bump(
                &mut self.channels,
                &ch.as_str().to_owned(),
                Some(ch.label_zh()),
                count,
            );
        }
        for k in &batch.kind {
            match k {
                Some(k) => bump(
                    &mut self.kinds,
                    &k.as_str().to_owned(),
                    Some(k.label_zh()),
                    1,
                ),
                None => bump(
                    &mut self.kinds,
                    &"unclassified".to_owned(),
                    Some("未分类"),
                    1,
                ),
            }
        }
        for t in batch.tags.values().iter().flatten() {
            match self.tags.get_mut(t) {
                Some(c) => *c += 1,
                None => {
                    self.tags.insert(t.to_owned(), 1);
                }
            }
        }
        for (i, &ms) in batch.timestamp_ms.iter().enumerate() {
            let better_first = self.first_at.is_none_or(|f| ms < f.timestamp_millis());
            let better_last = self.last_at.is_none_or(|l| ms > l.timestamp_millis());
            if better_first || better_last {
                let at = batch.timestamp_at(i);
                if better_first {
                    self.first_at = at;
                }
                if better_last {
                    self.last_at = at;
                }
            }
        }
        self.nps.update_u8(&batch.nps)?;
        let (lo, hi) = opts.csat_scale;
        let top2 = |v: u8| v >= hi.saturating_sub(1);
        self.ratings(&batch.csat, &batch.row, "csat", (lo, hi), top2, true)?;
        self.ratings(&batch.ces, &batch.row, "ces", (1, 7), |v| v >= 5, false)?;
        let mut miss = |name: &str, k: usize| {
            if k > 0 {
                *self.missing.entry(name.to_owned()).or_insert(0) += k as u64;
            }
        };
        miss(
            "nps",
            batch.nps.iter().filter(|&&v| v == MISSING_RATING).count(),
        );
        miss(
            "csat",
            batch.csat.iter().filter(|&&v| v == MISSING_RATING).count(),
        );
        miss(
            "ces",
            batch.ces.iter().filter(|&&v| v == MISSING_RATING).count(),
        );
        let nulls = |c: &crate::ingest::StrColumn| c.validity().iter().filter(|v| !**v).count();
        miss("customer_id", nulls(&batch.customer_id));
        miss("touchpoint_id", nulls(&batch.touchpoint_id));
        miss("text", nulls(&batch.text));
        miss("kind", batch.kind.iter().filter(|c| c.is_none()).count());
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn ratings(
        &mut self,
        col: &[u8],
        rows: &[usize],
        name: &str,
        (lo, hi): (u8, u8),
        favourable: impl Fn(u8) -> bool,
        is_csat: bool,
    ) -> Result<()> {
        self.scratch.clear();
        let mut fav = 0u64;
        for (i, &v) in col.iter().enumerate() {
            if v == MISSING_RATING {
                continue;
            }
            if v < lo || v > hi {
                let row = rows.get(i).copied().unwrap_or(i);
                return Err(CxError::invalid(
                    name,
                    Some(row),
                    v,
                    format!("outside the scale {lo}..={hi}; declare the scale of the file"),
                ));
            }
            fav += u64::from(favourable(v));
            self.scratch.push(f64::from(v));
        }
        let n = self.scratch.len() as u64;
        let (mean, share) = if is_csat {
            (&mut self.csat_mean, &mut self.csat_top2)
        } else {
            (&mut self.ces_mean, &mut self.ces_agree)
        };
        mean.update(&self.scratch)?;
        share.add(fav, n)?;
        Ok(())
    }

    /// Record rows rejected by ingestion.
    pub fn reject(&mut self, rejected: &[Rejection]) {
        self.rejected += rejected.len() as u64;
        self.rows_read += rejected.len() as u64;
        for r in rejected {
            *self.rejected_by_code.entry(r.code.to_owned()).or_insert(0) += 1;
            *self.rejected_by_field.entry(r.field.clone()).or_insert(0) += 1;
            if self.rejected_examples.len() < EXAMPLE_REJECTIONS {
                self.rejected_examples.push(RejectedRow {
                    row: r.row,
                    line: r.line,
                    field: r.field.clone(),
                    value: r.value.clone(),
                    code: r.code.to_owned(),
                    reason: r.reason.clone(),
                });
            }
        }
    }

    /// Record the columns ingestion ignored.
    pub fn ignored_columns(&mut self, cols: &[String]) {
        for c in cols {
            if !self.ignored_columns.contains(c) {
                self.ignored_columns.push(c.clone());
            }
        }
    }

    /// Merge another state into this one (for partitions of one data set).
    pub fn merge(&mut self, other: &SummaryBuilder) {
        self.rows_read += other.rows_read;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        for (k, v) in &other.rejected_by_code {
            *self.rejected_by_code.entry(k.clone()).or_insert(0) += v;
        }
        for (k, v) in &other.rejected_by_field {
            *self.rejected_by_field.entry(k.clone()).or_insert(0) += v;
        }
        for r in &other.rejected_examples {
            if self.rejected_examples.len() < EXAMPLE_REJECTIONS {
                self.rejected_examples.push(r.clone());
            }
        }
        self.ignored_columns(&other.ignored_columns);
        if let Some(f) = other.first_at
            && self.first_at.is_none_or(|s| f < s)
        {
            self.first_at = Some(f);
        }
        if let Some(l) = other.last_at
            && self.last_at.is_none_or(|s| l > s)
        {
            self.last_at = Some(l);
        }
        for (k, (zh, v)) in &other.channels {
            bump(&mut self.channels, k, zh.as_deref(), *v);
        }
        for (k, (zh, v)) in &other.kinds {
            bump(&mut self.kinds, k, zh.as_deref(), *v);
        }
        for (k, v) in &other.tags {
            *self.tags.entry(k.clone()).or_insert(0) += v;
        }
        self.nps.merge(&other.nps);
        self.csat_top2.merge(&other.csat_top2);
        self.csat_mean.merge(&other.csat_mean);
        self.ces_mean.merge(&other.ces_mean);
        self.ces_agree.merge(&other.ces_agree);
        for (k, v) in &other.missing {
            *self.missing.entry(k.clone()).or_insert(0) += v;
        }
    }

    /// The summary.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for a level outside (0, 1).
    pub fn finish(&self, opts: SummaryOptions) -> Result<FeedbackSummary> {
        let level = opts.level;
        let sorted = |m: &BTreeMap<String, (Option<String>, u64)>| {
            let mut v: Vec<Count> = m
                .iter()
                .map(|(k, (zh, c))| Count {
                    name: k.clone(),
                    label_zh: zh.clone(),
                    count: *c,
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            v
        };
        let mut tags: Vec<Count> = self
            .tags
            .iter()
            .map(|(k, c)| Count {
                name: k.clone(),
                label_zh: None,
                count: *c,
            })
            .collect();
        tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        tags.truncate(opts.top_tags);

        let nps_opts = NpsOptions::new().level(level);
        let counts = self.nps.counts();
        let (nps, nps_counts) = if counts.n() > 0 {
            let s = self.nps.finish(nps_opts)?;
            (
                Some(Estimate {
                    value: s.score,
                    ci_low: s.ci_low,
                    ci_high: s.ci_high,
                    n: s.n,
                    method: s.method.name(),
                }),
                Some([counts.promoters, counts.passives, counts.detractors]),
            )
        } else {
            (None, None)
        };
        let share = |t: &ProportionTally| -> Result<Option<Estimate>> {
            if t.n() == 0 {
                return Ok(None);
            }
            let s = t.finish(ProportionInterval::Wilson, level)?;
            Ok(Some(Estimate {
                value: 100.0 * s.ratio,
                ci_low: 100.0 * s.ci_low,
                ci_high: 100.0 * s.ci_high,
                n: s.n,
                method: ProportionInterval::Wilson.name(),
            }))
        };
        let mean = |t: &MeanTally| -> Result<Option<Estimate>> {
            if t.n() == 0 {
                return Ok(None);
            }
            let s = t.finish(level)?;
            Ok(Some(Estimate {
                value: s.mean,
                ci_low: s.ci_low,
                ci_high: s.ci_high,
                n: s.n,
                method: "t",
            }))
        };
        Ok(FeedbackSummary {
            rows_read: self.rows_read,
            accepted: self.accepted,
            rejected: self.rejected,
            rejected_by_code: self.rejected_by_code.clone(),
            rejected_by_field: self.rejected_by_field.clone(),
            rejected_examples: self.rejected_examples.clone(),
            ignored_columns: self.ignored_columns.clone(),
            first_at: self.first_at,
            last_at: self.last_at,
            by_channel: sorted(&self.channels),
            by_kind: sorted(&self.kinds),
            top_tags: tags,
            scores: ScoreMetrics {
                nps,
                nps_counts,
                csat_top2_pct: share(&self.csat_top2)?,
                csat_mean: mean(&self.csat_mean)?,
                ces_mean: mean(&self.ces_mean)?,
                ces_agree_pct: share(&self.ces_agree)?,
            },
            missing: self.missing.clone(),
            level,
        })
    }
}

fn count_codes(codes: &[u8]) -> Vec<(u8, u64)> {
    let mut hist = [0u64; 256];
    for &c in codes {
        hist[usize::from(c)] += 1;
    }
    hist.iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| (c as u8, *n))
        .collect()
}

/// Summarise a CSV feedback stream batch by batch (bounded memory), with the
/// reject report folded in. Rows that fail validation are counted, never fatal,
/// unless `read` says [`crate::ingest::ErrorPolicy::Strict`].
///
/// # Errors
/// Whatever reading raises (I/O, encoding under a strict policy, a bad
/// mapping), and [`SummaryBuilder::finish`]'s errors.
///
/// # Examples
/// ```
/// use cx_core::ingest::{ErrorPolicy, ReadOptions};
/// use cx_core::summary::{summarize_csv, SummaryOptions};
/// let data = "feedback_id,channel,timestamp,nps\n\
///             F1,电话,2024-03-01T14:05:00+08:00,10\n\
///             F2,email,2024-03-01T15:00:00+08:00,3\n\
///             F3,email,not a time,9\n";
/// let read = ReadOptions::new().errors(ErrorPolicy::Collect);
/// let s = summarize_csv(data.as_bytes(), &read, SummaryOptions::new())?;
/// assert_eq!((s.rows_read, s.accepted, s.rejected), (3, 2, 1));
/// assert_eq!(s.scores.nps.map(|e| e.n), Some(2));
/// assert_eq!(s.by_channel[0].count, 1);
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn summarize_csv<R: Read>(
    input: R,
    read: &ReadOptions,
    opts: SummaryOptions,
) -> Result<FeedbackSummary> {
    let mut reader = FeedbackReader::new(input, read.clone())?;
    let mut b = SummaryBuilder::new();
    b.ignored_columns(reader.ignored_columns());
    while let Some(batch) = reader.next_batch()? {
        b.update(&batch, opts)?;
        b.reject(&reader.take_rejected());
    }
    b.reject(&reader.take_rejected());
    b.finish(opts)
}

/// Summarise a feedback file: JSON Lines for `.jsonl`, `.ndjson` and `.json`,
/// CSV otherwise (streamed in batches).
///
/// # Errors
/// [`CxError::Io`] naming the path when it cannot be opened; else as
/// [`summarize_csv`].
pub fn summarize_file(
    path: impl AsRef<std::path::Path>,
    read: &ReadOptions,
    opts: SummaryOptions,
) -> Result<FeedbackSummary> {
    summarize_path(path.as_ref(), read, opts, None)
}

/// [`summarize_file`] reporting the bytes read of the file's size to `progress`
/// (see [`crate::progress`]); `(size, size)` is reported once the summary is complete.
///
/// # Errors
/// As [`summarize_file`], and the error of `progress`, which stops the reading.
pub fn summarize_file_progress(
    path: impl AsRef<std::path::Path>,
    read: &ReadOptions,
    opts: SummaryOptions,
    progress: &dyn Progress,
) -> Result<FeedbackSummary> {
    summarize_path(path.as_ref(), read, opts, Some(progress))
}

fn summarize_path(
    path: &std::path::Path,
    read: &ReadOptions,
    opts: SummaryOptions,
    progress: Option<&dyn Progress>,
) -> Result<FeedbackSummary> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("jsonl" | "ndjson" | "json")) {
        let ing = match progress {
            Some(p) => crate::ingest::read_feedback_file_progress(path, read, p)?,
            None => crate::ingest::read_feedback_file(path, read)?,
        };
        let mut b = SummaryBuilder::new();
        b.ignored_columns(&ing.ignored_columns);
        b.update(&ing.accepted, opts)?;
        b.reject(&ing.rejected);
        return b.finish(opts);
    }
    let (file, size) = crate::ingest::open_sized(path)?;
    let ticker = Ticker::new(progress, size);
    ticker.start()?;
    let got = summarize_csv(ProgressRead::new(file, &ticker), read, opts);
    ProgressRead::<std::fs::File>::result(&ticker, got)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ErrorPolicy, read_feedback_csv};

    const DATA: &str = "feedback_id,channel,timestamp,kind,nps,csat,ces,tags\n\
        F1,电话,2024-03-01T09:00:00+08:00,投诉,3,2,2,物流延迟;退款慢\n\
        F2,email,2024-03-02T09:00:00+08:00,praise,10,5,7,\n\
        F3,email,2024-03-03T09:00:00+08:00,,9,4,,物流延迟\n\
        F4,微信,2024-03-04T09:00:00+08:00,question,,,5,\n\
        F5,email,bad,praise,9,5,6,\n";

    #[test]
    fn counts_and_scores() -> Result<()> {
        let read = ReadOptions::new().errors(ErrorPolicy::Collect);
        let s = summarize_csv(DATA.as_bytes(), &read, SummaryOptions::new())?;
        assert_eq!((s.rows_read, s.accepted, s.rejected), (5, 4, 1));
        assert_eq!(s.rejected_by_field.get("timestamp"), Some(&1));
        assert_eq!(s.by_channel[0].name, "email");
        assert_eq!(s.by_channel[0].count, 2);
        assert_eq!(s.top_tags[0].name, "物流延迟");
        assert_eq!(s.top_tags[0].count, 2);
        // 3 NPS answers: promoters 2 (10, 9), detractor 1 (3).
        assert_eq!(s.scores.nps_counts, Some([2, 0, 1]));
        // CSAT 2, 5, 4: two of three in the top-2 box.
        let c = s.scores.csat_top2_pct.map(|e| (e.n, e.value));
        assert_eq!(c.map(|(n, _)| n), Some(3));
        assert!(c.is_some_and(|(_, v)| (v - 200.0 / 3.0).abs() < 1e-9));
        assert_eq!(s.missing.get("nps"), Some(&1));
        assert_eq!(
            s.by_kind
                .iter()
                .find(|k| k.name == "unclassified")
                .map(|k| k.count),
            Some(1)
        );
        Ok(())
    }

    #[test]
    fn merged_partitions_equal_one_pass() -> Result<()> {
        let read = ReadOptions::new().errors(ErrorPolicy::Collect);
        let all = read_feedback_csv(DATA.as_bytes(), &read)?;
        let mut one = SummaryBuilder::new();
        one.update(&all.accepted, SummaryOptions::new())?;
        let mut batch = all.accepted.clone();
        let tail = batch.split_off(2);
        let (mut a, mut b) = (SummaryBuilder::new(), SummaryBuilder::new());
        a.update(&batch, SummaryOptions::new())?;
        b.update(&tail, SummaryOptions::new())?;
        a.merge(&b);
        assert_eq!(
            a.finish(SummaryOptions::new())?,
            one.finish(SummaryOptions::new())?
        );
        Ok(())
    }

    #[test]
    fn csat_outside_scale_is_an_error() -> Result<()> {
        let read = ReadOptions::new();
        let data = "feedback_id,channel,timestamp,csat\nF1,email,2024-03-01T09:00:00+08:00,7\n";
        let e = summarize_csv(data.as_bytes(), &read, SummaryOptions::new()).err();
        assert_eq!(e.as_ref().and_then(CxError::field), Some("csat"));
        assert_eq!(e.as_ref().and_then(CxError::row), Some(0));
        Ok(())
    }
}
