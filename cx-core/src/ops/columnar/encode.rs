//! Dictionary encoding of string columns: each distinct value gets a code once
//! (first-appearance order); rows carry codes as narrow as the dictionary
//! allows ([`Codes`]: one byte per row for up to 255 distinct values, two up to
//! 65 535, four beyond), so the small dictionaries of an event log (types,
//! actors, statuses, teams) take a quarter of the memory of `u32` codes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Code of a null (missing) value.
pub const NULL: u32 = u32::MAX;

/// A small multiplicative hasher for short strings (the FxHash scheme of
/// rustc: rotate, xor, multiply by a 64-bit odd constant, 8 bytes at a time)
/// with a murmur3 finaliser. Not DoS-resistant; used only for interning
/// column values.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl Fx {
    #[inline]
    fn mix(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    /// A multiplicative hash leaves its low bits depending on the low input
    /// bits only (hashbrown picks buckets by the low bits): ids that differ in
    /// their last characters would collide. The murmur3 `fmix64` finaliser
    /// spreads every bit.
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Row codes of a [`StrColumn`], in the narrowest of `u8`, `u16`, `u32` that
/// holds every code; the largest value of each width marks a null row.
/// [`get`](Self::get) reads any width as `u32` (with [`NULL`] for null).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Codes {
    /// Up to 255 distinct values (`u8::MAX` is null).
    U8(Vec<u8>),
    /// Up to 65 535 distinct values (`u16::MAX` is null).
    U16(Vec<u16>),
    /// More distinct values ([`NULL`] is null).
    U32(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Codes::U8(Vec::new())
    }
}

impl Codes {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Codes::U8(v) => v.len(),
            Codes::U16(v) => v.len(),
            Codes::U32(v) => v.len(),
        }
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code of `row` ([`NULL`] for a null row); `None` past the end.
    #[inline]
    pub fn get(&self, row: usize) -> Option<u32> {
        match self {
            Codes::U8(v) => v
                .get(row)
                .map(|&c| if c == u8::MAX { NULL } else { u32::from(c) }),
            Codes::U16(v) => v
                .get(row)
                .map(|&c| if c == u16::MAX { NULL } else { u32::from(c) }),
            Codes::U32(v) => v.get(row).copied(),
        }
    }

    /// Whether some row is null.
    pub fn contains_null(&self) -> bool {
        match self {
            Codes::U8(v) => v.contains(&u8::MAX),
            Codes::U16(v) => v.contains(&u16::MAX),
            Codes::U32(v) => v.contains(&NULL),
        }
    }

    /// Every row's code as `u32` ([`NULL`] for null).
    pub fn to_u32(&self) -> Vec<u32> {
        (0..self.len()).filter_map(|r| self.get(r)).collect()
    }

    /// Add a row: `c` is [`NULL`] or a code below the width's null marker
    /// (the encoder widens first), so truncating keeps it (and turns
    /// [`NULL`] into the narrow null marker).
    #[inline]
    fn push(&mut self, c: u32) {
        match self {
            Codes::U8(v) => v.push(c as u8),
            Codes::U16(v) => v.push(c as u16),
            Codes::U32(v) => v.push(c),
        }
    }

    /// Add rows by code (see [`push`](Self::push)).
    #[inline]
    fn extend(&mut self, codes: &[u32]) {
        match self {
            Codes::U8(v) => v.extend(codes.iter().map(|&c| c as u8)),
            Codes::U16(v) => v.extend(codes.iter().map(|&c| c as u16)),
            Codes::U32(v) => v.extend_from_slice(codes),
        }
    }

    /// Add `n` null rows.
    fn push_nulls(&mut self, n: usize) {
        match self {
            Codes::U8(v) => v.resize(v.len() + n, u8::MAX),
            Codes::U16(v) => v.resize(v.len() + n, u16::MAX),
            Codes::U32(v) => v.resize(v.len() + n, NULL),
        }
    }

    fn reserve(&mut self, n: usize) {
        match self {
            Codes::U8(v) => v.reserve(n),
            Codes::U16(v) => v.reserve(n),
            Codes::U32(v) => v.reserve(n),
        }
    }

    /// Make room for code `code`: the next width when `code` is the current
    /// width's null marker (rows so far are copied, nulls stay null; the
    /// capacity reserved for the remaining rows is kept).
    #[inline]
    fn fit(&mut self, code: u32) {
        match self {
            Codes::U8(v) if code >= u32::from(u8::MAX) => {
                let mut w: Vec<u16> = Vec::with_capacity(v.capacity());
                w.extend(
                    v.iter()
                        .map(|&c| if c == u8::MAX { u16::MAX } else { u16::from(c) }),
                );
                *self = Codes::U16(w);
                self.fit(code);
            }
            Codes::U16(v) if code >= u32::from(u16::MAX) => {
                let mut w: Vec<u32> = Vec::with_capacity(v.capacity());
                w.extend(
                    v.iter()
                        .map(|&c| if c == u16::MAX { NULL } else { u32::from(c) }),
                );
                *self = Codes::U32(w);
            }
            _ => {}
        }
    }
}

/// A dictionary-encoded string column: `codes.get(row)` indexes `values`, or
/// is [`NULL`].
#[derive(Debug, Clone, Default)]
pub struct StrColumn<'a> {
    /// One code per row.
    pub codes: Codes,
    /// Distinct values in order of first appearance.
    pub values: Vec<&'a str>,
}

impl<'a> StrColumn<'a> {
    /// Encode an iterator of optional values.
    pub fn encode(vals: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let mut e = DictEncoder::new();
        for v in vals {
            e.push(v);
        }
        e.finish()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the column has no row.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// Builds a [`StrColumn`] value by value (with a shortcut for runs of equal
/// values, e.g. a ticket id repeated over its events).
#[derive(Default)]
pub struct DictEncoder<'a> {
    map: FxMap<&'a str, u32>,
    values: Vec<&'a str>,
    codes: Codes,
    prev: Option<(&'a str, u32)>,
    /// Direct-mapped cache in front of the map (slot from length and end
    /// bytes): columns with few distinct values (`type`, `actor`, statuses)
    /// hit it on nearly every row.
    cache: Vec<Option<(&'a str, u32)>>,
    /// Whether the map is in use. Until a value arrives that is not greater
    /// than the previous distinct one, values are strictly increasing, hence
    /// distinct, and need no hashing (ids exported in sorted order: each new
    /// run of a ticket id is a new ticket).
    hashed: bool,
}

const CACHE: usize = 256;

#[inline]
fn slot(v: &str) -> usize {
    let b = v.as_bytes();
    let (f, l) = match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => (f as usize, l as usize),
        _ => (0, 0),
    };
    (b.len().wrapping_mul(31) ^ f.wrapping_mul(7) ^ l.wrapping_mul(131) ^ (l >> 3)) % CACHE
}

impl<'a> DictEncoder<'a> {
    /// An empty encoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserve room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.codes.reserve(rows);
    }

    /// The code of `v`, adding it to the dictionary if new (no row is added).
    #[inline]
    pub fn intern(&mut self, v: &'a str) -> u32 {
        if let Some((p, c)) = self.prev
            && p == v
        {
            return c;
        }
        if !self.hashed {
            match self.values.last() {
                Some(last) if v <= *last => {
                    self.hashed = true;
                    self.map.reserve(self.values.len());
                    for (i, x) in self.values.iter().enumerate() {
                        self.map.insert(x, i as u32);
                    }
                }
                _ => {
                    let c = self.values.len() as u32;
                    self.codes.fit(c);
                    self.values.push(v);
                    self.prev = Some((v, c));
                    return c;
                }
            }
        }
        if self.cache.is_empty() {
            self.cache = vec![None; CACHE];
        }
        let k = slot(v);
        if let Some(Some((p, c))) = self.cache.get(k)
            && *p == v
        {
            let c = *c;
            self.prev = Some((v, c));
            return c;
        }
        let next = self.values.len() as u32;
        let c = *self.map.entry(v).or_insert(next);
        if c == next {
            self.codes.fit(c);
            self.values.push(v);
        }
        if let Some(e) = self.cache.get_mut(k) {
            *e = Some((v, c));
        }
        self.prev = Some((v, c));
        c
    }

    /// Add a row with value `v`.
    #[inline]
    pub fn push(&mut self, v: Option<&'a str>) {
        let c = match v {
            Some(v) => self.intern(v),
            None => NULL,
        };
        self.codes.push(c);
    }

    /// Add a row by code (from [`intern`](Self::intern) or [`NULL`]).
    #[inline]
    pub fn push_code(&mut self, c: u32) {
        self.codes.push(c);
    }

    /// Add rows by code, in order (each from [`intern`](Self::intern) or
    /// [`NULL`]); one width dispatch for the whole slice.
    #[inline]
    pub fn push_codes(&mut self, codes: &[u32]) {
        self.codes.extend(codes);
    }

    /// Add `n` rows of null (a run of missing values, e.g. from an Arrow
    /// validity bitmap).
    #[inline]
    pub fn push_nulls(&mut self, n: usize) {
        self.codes.push_nulls(n);
    }

    /// The column.
    pub fn finish(self) -> StrColumn<'a> {
        StrColumn {
            codes: self.codes,
            values: self.values,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_differing_in_last_characters_spread_over_buckets() {
        use std::hash::BuildHasher;
        let b = BuildHasherDefault::<Fx>::default();
        let mut low: Vec<u64> = (0..4096)
            .map(|i| b.hash_one(format!("T{i:07}").as_str()) & 0xfff)
            .collect();
        low.sort_unstable();
        low.dedup();
        assert!(low.len() > 2000, "{} distinct low-bit patterns", low.len());
    }

    #[test]
    fn codes_in_first_appearance_order() {
        let c = StrColumn::encode([Some("b"), Some("a"), None, Some("b"), Some("a")]);
        assert_eq!(c.values, ["b", "a"]);
        assert_eq!(c.codes, Codes::U8(vec![0, 1, u8::MAX, 0, 1]));
        assert_eq!(c.codes.to_u32(), [0, 1, NULL, 0, 1]);
        // Sorted ids first (no hashing), then a repeat: switches to the map.
        let v = ["a", "a", "b", "c", "c", "b", "d", "a", "e"];
        let c = StrColumn::encode(v.iter().map(|s| Some(*s)));
        assert_eq!(c.values, ["a", "b", "c", "d", "e"]);
        assert_eq!(c.codes.to_u32(), [0, 0, 1, 2, 2, 1, 3, 0, 4]);
        // Runs of nulls.
        let mut e = DictEncoder::new();
        e.push(Some("x"));
        e.push_nulls(2);
        e.push(Some("x"));
        e.push_nulls(0);
        assert_eq!(e.finish().codes.to_u32(), [0, NULL, NULL, 0]);
    }

    /// Codes widen from `u8` to `u16` at the 256th distinct value and to `u32`
    /// at the 65 536th; rows (nulls included) read the same before and after,
    /// whether values arrive sorted (no hashing) or not, in runs or not.
    #[test]
    fn codes_widen_across_the_width_boundaries() {
        let names: Vec<String> = (0..70_000).map(|i| format!("v{i:06}")).collect();
        for distinct in [1usize, 254, 255, 256, 257, 65_534, 65_535, 65_536, 70_000] {
            for shuffled in [false, true] {
                // Each value twice (the second time from the map or the cache),
                // a null every 7 rows and a run of nulls around the widening.
                let mut vals: Vec<Option<&str>> = Vec::new();
                let mut expect: Vec<u32> = Vec::new();
                for i in 0..distinct {
                    let k = if shuffled { (i * 7919) % distinct } else { i };
                    vals.push(Some(names[k].as_str()));
                    if i % 7 == 3 || i == 255 || i == 65_535 {
                        vals.push(None);
                    }
                }
                let again: Vec<Option<&str>> = vals.iter().rev().copied().collect();
                vals.extend(again);
                let mut seen: std::collections::HashMap<&str, u32> = Default::default();
                for v in &vals {
                    expect.push(match v {
                        None => NULL,
                        Some(s) => {
                            let n = seen.len() as u32;
                            *seen.entry(s).or_insert(n)
                        }
                    });
                }
                let mut e = DictEncoder::new();
                for (i, v) in vals.iter().enumerate() {
                    if v.is_none() && i % 2 == 0 {
                        e.push_nulls(1);
                    } else {
                        e.push(*v);
                    }
                }
                let c = e.finish();
                assert_eq!(c.values.len(), distinct);
                let width = match c.codes {
                    Codes::U8(_) => 255,
                    Codes::U16(_) => 65_535,
                    Codes::U32(_) => usize::MAX,
                };
                assert!(distinct <= width, "{distinct}: width {width}");
                assert!(distinct > 255 || width == 255, "{distinct} not narrowest");
                assert!(
                    distinct > 65_535 || width <= 65_535,
                    "{distinct} not narrowest"
                );
                assert_eq!(c.codes.to_u32(), expect, "{distinct} shuffled={shuffled}");
                assert_eq!(c.codes.contains_null(), expect.contains(&NULL));
                assert_eq!(c.codes.get(vals.len()), None);
            }
        }
        assert!(!StrColumn::encode([Some("a")]).codes.contains_null());
    }
}
