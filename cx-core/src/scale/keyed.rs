//! [`KeyedCounts`]: counts by key, mergeable and serializable.

use std::collections::BTreeMap;

use crate::error::{CxError, Result};
use crate::metrics::group::TimeUnit;
use crate::metrics::grouped::GroupedScoreTally;
use crate::metrics::nps::NpsCounts;
use crate::metrics::tally::{NpsTally, crc32};

const MAGIC: &[u8; 4] = b"CXKC";
/// Version of the serialized [`KeyedCounts`] format written by `to_bytes`.
pub const STATE_VERSION: u16 = 1;
const WHAT: &str = "KeyedCounts";

/// One component of a key. Within a key column values are all `Int` or all `Str`, plus
/// `Null`; the derived order sorts `Null` last, as the single-machine key dictionaries do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    /// An integer key (also a time bucket's start, in its column's unit).
    Int(i64),
    /// A string key.
    Str(String),
    /// A missing key.
    Null,
}

/// The kind of a key column, so that a finished table has the same column types as the
/// single-machine result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyKind {
    /// 64-bit signed integers.
    Int64,
    /// 32-bit unsigned integers (dense codes).
    UInt32,
    /// UTF-8 strings.
    Utf8,
    /// Time bucket starts in `unit` since the epoch, shown in zone `tz`.
    Timestamp {
        /// Unit of the values.
        unit: TimeUnit,
        /// IANA zone of the column.
        tz: String,
    },
}

impl KeyKind {
    fn accepts(&self, v: &KeyValue) -> bool {
        match (self, v) {
            (KeyKind::Timestamp { .. }, KeyValue::Null) => false,
            (_, KeyValue::Null) => true,
            (KeyKind::Utf8, KeyValue::Str(_)) => true,
            (KeyKind::UInt32, KeyValue::Int(i)) => u32::try_from(*i).is_ok(),
            (KeyKind::Int64 | KeyKind::Timestamp { .. }, KeyValue::Int(_)) => true,
            _ => false,
        }
    }
}

/// A named key column.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyColumn {
    /// Column name in the finished table.
    pub name: String,
    /// Value kind.
    pub kind: KeyKind,
}

impl KeyColumn {
    /// A key column.
    pub fn new(name: impl Into<String>, kind: KeyKind) -> Self {
        Self {
            name: name.into(),
            kind,
        }
    }
}

/// Counts by key: for each key (one value per key column) `width` `u64` counts.
///
/// The `label` says what the counts mean (e.g. `"summary:nps"`); merging checks that
/// label, columns and width agree, so states of different computations never mix.
///
/// # Examples
/// ```
/// use cx_core::scale::{KeyColumn, KeyKind, KeyValue, KeyedCounts};
/// let cols = vec![KeyColumn::new("team", KeyKind::Utf8)];
/// let mut a = KeyedCounts::new("tickets", cols.clone(), 2)?;
/// a.add(vec![KeyValue::Str("b".into())], &[1, 2])?;
/// let mut b = KeyedCounts::new("tickets", cols, 2)?;
/// b.add(vec![KeyValue::Str("b".into())], &[3, 0])?;
/// b.add(vec![KeyValue::Null], &[1, 1])?;
/// a.merge(&b)?;
/// let back = KeyedCounts::from_bytes(&a.to_bytes())?;
/// assert_eq!(back, a);
/// let cells: Vec<_> = back.cells().map(|(_, c)| c.to_vec()).collect();
/// assert_eq!(cells, vec![vec![4, 2], vec![1, 1]]);
/// # Ok::<(), cx_core::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedCounts {
    label: String,
    columns: Vec<KeyColumn>,
    width: usize,
    cells: BTreeMap<Vec<KeyValue>, Vec<u64>>,
}

impl KeyedCounts {
    /// An empty state.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] for `width` 0 or above 65 535.
    pub fn new(label: impl Into<String>, columns: Vec<KeyColumn>, width: usize) -> Result<Self> {
        if width == 0 || width > usize::from(u16::MAX) {
            return Err(CxError::option("width", "must be 1–65535"));
        }
        Ok(Self {
            label: label.into(),
            columns,
            width,
            cells: BTreeMap::new(),
        })
    }

    /// What the counts mean.
    pub fn label(&self) -> &str {
        &self.label
    }
    /// The key columns.
    pub fn columns(&self) -> &[KeyColumn] {
        &self.columns
    }
    /// Counts per key.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Number of keys.
    pub fn len(&self) -> usize {
        self.cells.len()
    }
    /// No key yet.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
    /// Keys and their counts, in key order (nulls last in each column).
    pub fn cells(&self) -> impl Iterator<Item = (&[KeyValue], &[u64])> {
        self.cells.iter().map(|(k, v)| (k.as_slice(), v.as_slice()))
    }

    /// Add counts to one key.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when the key does not fit the columns or `counts` is
    /// not `width` long; [`CxError::InvalidValue`] (field `count`) on overflow.
    pub fn add(&mut self, key: Vec<KeyValue>, counts: &[u64]) -> Result<()> {
        if key.len() != self.columns.len()
            || !self
                .columns
                .iter()
                .zip(&key)
                .all(|(c, v)| c.kind.accepts(v))
        {
            return Err(CxError::option(
                "key",
                format!("{key:?} does not fit the key columns {:?}", self.columns),
            ));
        }
        if counts.len() != self.width {
            return Err(CxError::option(
                "counts",
                format!("need {} counts per key, got {}", self.width, counts.len()),
            ));
        }
        let cell = self
            .cells
            .entry(key)
            .or_insert_with(|| vec![0; counts.len()]);
        add_into(cell, counts)
    }

    /// Merge another state of the same label, columns and width (exact: counts add).
    ///
    /// # Errors
    /// [`CxError::Format`] when the states were built for different computations (label,
    /// key columns or width differ); [`CxError::InvalidValue`] on count overflow. On
    /// error `self` may hold part of `other`: discard it.
    pub fn merge(&mut self, other: &KeyedCounts) -> Result<()> {
        if self.label != other.label || self.columns != other.columns || self.width != other.width {
            return Err(CxError::Format {
                what: WHAT.into(),
                reason: format!(
                    "cannot merge states of different computations: {:?} {:?} ×{} vs {:?} {:?} ×{}",
                    self.label, self.columns, self.width, other.label, other.columns, other.width
                ),
            });
        }
        for (k, v) in &other.cells {
            match self.cells.get_mut(k) {
                Some(cell) => add_into(cell, v)?,
                None => {
                    self.cells.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(())
    }

    /// NPS tallies of a width-4 state (detractors, passives, promoters, missing), in key
    /// order.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when the width is not 4.
    pub fn nps_tallies(&self) -> Result<Vec<NpsTally>> {
        if self.width != 4 {
            return Err(CxError::option("metric", "not an NPS state (width 4)"));
        }
        Ok(self
            .cells
            .values()
            .map(|c| NpsTally::from_counts(NpsCounts::new(c[2], c[1], c[0]), c[3]))
            .collect())
    }

    /// The score histograms of a width-16 state (scores 0–14, then missing) as a grouped
    /// tally, one group per key in key order.
    ///
    /// # Errors
    /// [`CxError::InvalidOption`] when the width is not 16.
    pub fn score_tally(&self) -> Result<GroupedScoreTally> {
        if self.width != 16 {
            return Err(CxError::option(
                "metric",
                "not a score-histogram state (width 16)",
            ));
        }
        let hist = self
            .cells
            .values()
            .map(|c| {
                let mut h = [0u64; 16];
                h.copy_from_slice(c);
                h
            })
            .collect();
        Ok(GroupedScoreTally::from_counts(hist))
    }

    /// Serialize (format version [`STATE_VERSION`], see [`crate::scale`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(64 + self.cells.len() * (16 + 8 * self.width));
        put_str(&mut p, &self.label);
        p.extend_from_slice(&(self.columns.len() as u32).to_le_bytes());
        for c in &self.columns {
            put_str(&mut p, &c.name);
            match &c.kind {
                KeyKind::Int64 => p.push(0),
                KeyKind::UInt32 => p.push(1),
                KeyKind::Utf8 => p.push(2),
                KeyKind::Timestamp { unit, tz } => {
                    p.push(3);
                    p.push(unit_tag(*unit));
                    put_str(&mut p, tz);
                }
            }
        }
        p.extend_from_slice(&(self.width as u32).to_le_bytes());
        p.extend_from_slice(&(self.cells.len() as u64).to_le_bytes());
        for (k, v) in &self.cells {
            for kv in k {
                match kv {
                    KeyValue::Int(i) => {
                        p.push(0);
                        p.extend_from_slice(&i.to_le_bytes());
                    }
                    KeyValue::Str(s) => {
                        p.push(1);
                        put_str(&mut p, s);
                    }
                    KeyValue::Null => p.push(2),
                }
            }
            for c in v {
                p.extend_from_slice(&c.to_le_bytes());
            }
        }
        let mut out = Vec::with_capacity(p.len() + 18);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&STATE_VERSION.to_le_bytes());
        out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        out.extend_from_slice(&p);
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Deserialize bytes written by [`KeyedCounts::to_bytes`].
    ///
    /// # Errors
    /// [`CxError::Format`] for a wrong magic or version, a bad length or checksum,
    /// truncated or trailing bytes, or an invalid state (a value that does not fit its
    /// column, keys out of order).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < 18 {
            return Err(fmt("too short"));
        }
        if &bytes[..4] != MAGIC {
            return Err(fmt("not a cx keyed state (bad magic)"));
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != STATE_VERSION {
            return Err(fmt(format!(
                "format version {version}, this build of cx reads {STATE_VERSION}"
            )));
        }
        let mut r = Reader { buf: &bytes[6..] };
        let len = r.u64()?;
        if bytes.len() as u64 != 18 + len {
            return Err(fmt("length does not match the header"));
        }
        let (body, tail) = bytes.split_at(bytes.len() - 4);
        let crc = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
        if crc32(body) != crc {
            return Err(fmt("checksum mismatch (corrupted bytes)"));
        }
        let mut r = Reader { buf: &body[14..] };
        let label = r.str()?;
        let ncols = r.u32()? as usize;
        if ncols > r.buf.len() {
            return Err(fmt("column count exceeds payload"));
        }
        let mut columns = Vec::with_capacity(ncols);
        for _ in 0..ncols {
            let name = r.str()?;
            let kind = match r.u8()? {
                0 => KeyKind::Int64,
                1 => KeyKind::UInt32,
                2 => KeyKind::Utf8,
                3 => {
                    let unit = match r.u8()? {
                        0 => TimeUnit::Seconds,
                        1 => TimeUnit::Milliseconds,
                        2 => TimeUnit::Microseconds,
                        3 => TimeUnit::Nanoseconds,
                        t => return Err(fmt(format!("unknown time unit {t}"))),
                    };
                    KeyKind::Timestamp { unit, tz: r.str()? }
                }
                t => return Err(fmt(format!("unknown key kind {t}"))),
            };
            columns.push(KeyColumn { name, kind });
        }
        let width = r.u32()? as usize;
        let mut state = Self::new(label, columns, width).map_err(|_| fmt("invalid width"))?;
        let ncells = r.u64()?;
        if ncells > (r.buf.len() / (8 * width)) as u64 {
            return Err(fmt("cell count exceeds payload"));
        }
        let mut last: Option<Vec<KeyValue>> = None;
        for _ in 0..ncells {
            let mut key = Vec::with_capacity(ncols);
            for c in &state.columns {
                let v = match r.u8()? {
                    0 => KeyValue::Int(r.u64()? as i64),
                    1 => KeyValue::Str(r.str()?),
                    2 => KeyValue::Null,
                    t => return Err(fmt(format!("unknown key value tag {t}"))),
                };
                if !c.kind.accepts(&v) {
                    return Err(fmt(format!("key {v:?} does not fit column {:?}", c.name)));
                }
                key.push(v);
            }
            let mut counts = Vec::with_capacity(width);
            for _ in 0..width {
                counts.push(r.u64()?);
            }
            if last.as_ref().is_some_and(|l| *l >= key) {
                return Err(fmt("keys out of order"));
            }
            last = Some(key.clone());
            state.cells.insert(key, counts);
        }
        if !r.buf.is_empty() {
            return Err(fmt("trailing bytes in payload"));
        }
        Ok(state)
    }
}

fn add_into(cell: &mut [u64], counts: &[u64]) -> Result<()> {
    for (a, &b) in cell.iter_mut().zip(counts) {
        *a = a
            .checked_add(b)
            .ok_or_else(|| CxError::invalid("count", None, b, "count overflows 64 bits"))?;
    }
    Ok(())
}

fn fmt(reason: impl Into<String>) -> CxError {
    CxError::Format {
        what: WHAT.into(),
        reason: reason.into(),
    }
}

fn unit_tag(u: TimeUnit) -> u8 {
    match u {
        TimeUnit::Seconds => 0,
        TimeUnit::Milliseconds => 1,
        TimeUnit::Microseconds => 2,
        TimeUnit::Nanoseconds => 3,
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if self.buf.len() < n {
            return Err(fmt("truncated payload"));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }
    fn u64(&mut self) -> Result<u64> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    fn str(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| fmt("invalid UTF-8 in a string"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sample() -> KeyedCounts {
        let cols = vec![
            KeyColumn::new("store", KeyKind::Utf8),
            KeyColumn::new(
                "bucket",
                KeyKind::Timestamp {
                    unit: TimeUnit::Microseconds,
                    tz: "Europe/Paris".into(),
                },
            ),
        ];
        let mut s = KeyedCounts::new("summary:nps", cols, 4).unwrap();
        s.add(
            vec![KeyValue::Str("a".into()), KeyValue::Int(5)],
            &[1, 2, 3, 0],
        )
        .unwrap();
        s.add(vec![KeyValue::Null, KeyValue::Int(-5)], &[0, 0, 1, 4])
            .unwrap();
        s
    }

    #[test]
    fn round_trip_and_every_truncation_flip_or_other_version_is_a_format_error() {
        let s = sample();
        crate::scale::wire_tests::assert_wire_format(&s, &s.to_bytes(), KeyedCounts::from_bytes);
    }

    #[test]
    fn merge_checks_the_computation() {
        let mut a = sample();
        let b = KeyedCounts::new("summary:csat", a.columns().to_vec(), 4).unwrap();
        assert!(matches!(a.merge(&b), Err(CxError::Format { .. })));
        let bad = a.add(vec![KeyValue::Int(1), KeyValue::Int(1)], &[0; 4]);
        assert!(matches!(bad, Err(CxError::InvalidOption { .. })));
        let null_bucket = a.add(vec![KeyValue::Null, KeyValue::Null], &[0; 4]);
        assert!(null_bucket.is_err());
    }
}
