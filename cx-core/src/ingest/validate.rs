//! Validation of one row of text cells into a [`FeedbackBatch`], shared by the
//! CSV and JSON Lines readers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono_tz::Tz;

use super::ReadOptions;
use super::batch::{FeedbackBatch, MISSING_RATING, ValidRow};
use super::mapping::{Field, N_FIELDS};
use super::time::TimeParser;
use crate::model::{Channel, CsatScale, FeedbackKind};
use crate::{CxError, Result};

/// The cells of one row by field: `None` = no such column; `Some("")` = empty cell.
pub(crate) type Cells<'a> = [Option<Cow<'a, str>>; N_FIELDS];

/// FxHash (rustc's hasher): fast for the short channel and kind labels we intern.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Debug, Clone)]
enum ChannelHit {
    Named(u8),
    Other(Box<str>),
    Unknown,
}

/// Per-thread validation state: parsers and caches.
#[derive(Debug, Clone)]
pub(crate) struct Validator {
    allow_other: bool,
    csat: Option<CsatScale>,
    tz: Option<Tz>,
    time: TimeParser,
    channels: FxMap<Box<str>, ChannelHit>,
    kinds: FxMap<Box<str>, Option<FeedbackKind>>,
}

impl Validator {
    pub(crate) fn new(opts: &ReadOptions) -> Self {
        Self {
            allow_other: opts.allow_other_channels,
            csat: opts.csat_scale,
            tz: opts.tz,
            time: TimeParser::new(opts.tz, opts.epoch_unit),
            channels: FxMap::default(),
            kinds: FxMap::default(),
        }
    }

    fn channel(&mut self, s: &str, batch: &mut FeedbackBatch) -> Result<u8> {
        let hit = match self.channels.get(s) {
            Some(h) => h.clone(),
            None => {
                let h = match s.parse::<Channel>() {
                    Ok(c) => Channel::all()
                        .position(|x| x == c)
                        .and_then(|i| u8::try_from(i).ok())
                        .map_or(ChannelHit::Unknown, ChannelHit::Named),
                    Err(_) if self.allow_other && !s.trim().is_empty() => {
                        ChannelHit::Other(s.trim().into())
                    }
                    Err(_) => ChannelHit::Unknown,
                };
                if self.channels.len() < 4096 {
                    self.channels.insert(s.into(), h.clone());
                }
                h
            }
        };
        match hit {
            ChannelHit::Named(c) => Ok(c),
            ChannelHit::Other(name) => batch.intern_other(&name).ok_or_else(|| {
                CxError::invalid(
                    "channel",
                    None,
                    s,
                    "more than 256 distinct channels in one batch",
                )
            }),
            ChannelHit::Unknown => Err(s
                .parse::<Channel>()
                .err()
                .unwrap_or_else(|| CxError::invalid("channel", None, s, "unknown channel name"))),
        }
    }

    fn kind(&mut self, s: &str) -> Result<Option<FeedbackKind>> {
        if let Some(k) = self.kinds.get(s) {
            if let Some(k) = k {
                return Ok(Some(*k));
            }
        } else {
            let k = s.parse::<FeedbackKind>().ok();
            if self.kinds.len() < 4096 {
                self.kinds.insert(s.into(), k);
            }
            if let Some(k) = k {
                return Ok(Some(k));
            }
        }
        s.parse::<FeedbackKind>().map(Some)
    }

    /// Validate `cells` and push the row into `batch`, or say why not.
    pub(crate) fn push(
        &mut self,
        row: usize,
        cells: &Cells<'_>,
        batch: &mut FeedbackBatch,
    ) -> Result<()> {
        let cell = |f: Field| cells[f.index()].as_deref();
        let present = |f: Field| cell(f).map(str::trim).filter(|s| !s.is_empty());
        let id: Cow<'_, str> = match cell(Field::FeedbackId) {
            None => Cow::Owned(format!("row-{row}")),
            Some(s) if s.trim().is_empty() => return Err(missing(Field::FeedbackId)),
            Some(s) => Cow::Borrowed(s.trim()),
        };
        let channel_text = present(Field::Channel).ok_or_else(|| missing(Field::Channel))?;
        let channel = self.channel(channel_text, batch)?;
        let ts_text = present(Field::Timestamp).ok_or_else(|| missing(Field::Timestamp))?;
        let stamp = self
            .time
            .parse(ts_text)
            .map_err(|e| e.into_error("timestamp", ts_text, self.tz))?;
        let kind = match present(Field::Kind) {
            Some(k) => self.kind(k)?,
            None => None,
        };
        let nps = rating(present(Field::Nps), Field::Nps, 0, 10)?;
        let (lo, hi) = self.csat.map_or((0, 10), CsatScale::bounds);
        let csat = rating(present(Field::Csat), Field::Csat, lo, hi)?;
        let ces = rating(present(Field::Ces), Field::Ces, 1, 7)?;
        let weight = match present(Field::Weight) {
            None => f64::NAN,
            Some(w) => match w.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => x,
                _ => {
                    return Err(CxError::invalid(
                        "weight",
                        None,
                        w,
                        "weight must be a finite number ≥ 0",
                    ));
                }
            },
        };
        let text = cell(Field::Text).filter(|s| !s.trim().is_empty());
        batch.push(ValidRow {
            row,
            id,
            customer: present(Field::CustomerId),
            channel,
            touchpoint: present(Field::TouchpointId),
            epoch_ms: stamp.epoch_ms,
            offset_secs: stamp.offset_secs,
            kind,
            nps,
            csat,
            ces,
            text,
            tags: present(Field::Tags),
            language: present(Field::Language),
            weight,
        });
        Ok(())
    }
}

fn missing(f: Field) -> CxError {
    CxError::MissingField {
        field: f.as_str().into(),
        row: None,
    }
}

/// An integer rating on `lo..=hi`, [`MISSING_RATING`] when absent.
#[inline]
fn rating(s: Option<&str>, f: Field, lo: u8, hi: u8) -> Result<u8> {
    let Some(s) = s else {
        return Ok(MISSING_RATING);
    };
    let b = s.as_bytes();
    let v = match b {
        [d @ b'0'..=b'9'] => d - b'0',
        [a @ b'0'..=b'9', d @ b'0'..=b'9'] => (a - b'0') * 10 + (d - b'0'),
        _ => {
            let reason = if s.parse::<f64>().is_ok() {
                format!("must be an integer {lo}–{hi}")
            } else {
                format!("not a number; must be an integer {lo}–{hi}")
            };
            return Err(CxError::invalid(f.as_str(), None, s, reason));
        }
    };
    if v < lo || v > hi {
        return Err(CxError::invalid(
            f.as_str(),
            None,
            s,
            format!("outside the scale {lo}–{hi}"),
        ));
    }
    Ok(v)
}

/// Split tags on `;`, `；`, `|`, `、`, trimming and dropping empty pieces.
pub(crate) fn tag_iter(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；', '|', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(pairs: &[(Field, &'static str)]) -> Cells<'static> {
        let mut c: Cells<'static> = Default::default();
        for (f, v) in pairs {
            c[f.index()] = Some(Cow::Borrowed(*v));
        }
        c
    }

    #[test]
    fn ratings_and_tags() {
        assert_eq!(rating(Some("9"), Field::Nps, 0, 10).ok(), Some(9));
        assert_eq!(rating(Some("10"), Field::Nps, 0, 10).ok(), Some(10));
        assert_eq!(rating(None, Field::Nps, 0, 10).ok(), Some(MISSING_RATING));
        for bad in ["11", "9.5", "-1", "abc", "100"] {
            assert!(rating(Some(bad), Field::Nps, 0, 10).is_err(), "{bad}");
        }
        assert!(rating(Some("0"), Field::Ces, 1, 7).is_err());
        assert_eq!(
            tag_iter("物流；价格| 包装 、;").collect::<Vec<_>>(),
            ["物流", "价格", "包装"]
        );
    }

    #[test]
    fn row_rules() {
        let opts = ReadOptions::new().tz(chrono_tz::Asia::Shanghai);
        let mut v = Validator::new(&opts);
        let mut b = FeedbackBatch::new();
        let ok = cells(&[
            (Field::Channel, "微信"),
            (Field::Timestamp, "2024-03-01 14:05"),
            (Field::Kind, "投诉"),
        ]);
        assert!(v.push(7, &ok, &mut b).is_ok());
        assert_eq!(b.feedback_id.get(0), Some("row-7"));
        assert_eq!(b.kind, [Some(FeedbackKind::Complaint)]);
        let bad_channel = cells(&[(Field::Channel, "信鸽"), (Field::Timestamp, "2024-03-01")]);
        let e = v.push(0, &bad_channel, &mut b).err();
        assert_eq!(e.as_ref().and_then(CxError::field), Some("channel"));
        let blank_id = cells(&[
            (Field::FeedbackId, " "),
            (Field::Channel, "phone"),
            (Field::Timestamp, "2024-03-01"),
        ]);
        assert_eq!(
            v.push(0, &blank_id, &mut b).err().map(|e| e.code()),
            Some("missing_field")
        );
        let w = cells(&[
            (Field::Channel, "phone"),
            (Field::Timestamp, "2024-03-01"),
            (Field::Weight, "-1"),
        ]);
        assert!(v.push(0, &w, &mut b).is_err());
        let mut lenient = Validator::new(&opts.clone().allow_other_channels(true));
        assert!(lenient.push(1, &bad_channel, &mut b).is_ok());
        assert_eq!(b.channel_at(1), &Channel::Other("信鸽".into()));
        assert_eq!(b.len(), 2);
    }
}
