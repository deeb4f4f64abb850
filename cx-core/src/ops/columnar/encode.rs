//! Dictionary encoding of string columns: each distinct value gets a code once
//! (first-appearance order); rows carry `u32` codes.

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

/// A dictionary-encoded string column: `codes[row]` indexes `values`, or is
/// [`NULL`].
#[derive(Debug, Clone, Default)]
pub struct StrColumn<'a> {
    /// One code per row.
    pub codes: Vec<u32>,
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
    codes: Vec<u32>,
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

    /// Add `n` rows of null (a run of missing values, e.g. from an Arrow
    /// validity bitmap).
    #[inline]
    pub fn push_nulls(&mut self, n: usize) {
        self.codes.resize(self.codes.len() + n, NULL);
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
        assert_eq!(c.codes, [0, 1, NULL, 0, 1]);
        // Sorted ids first (no hashing), then a repeat: switches to the map.
        let v = ["a", "a", "b", "c", "c", "b", "d", "a", "e"];
        let c = StrColumn::encode(v.iter().map(|s| Some(*s)));
        assert_eq!(c.values, ["a", "b", "c", "d", "e"]);
        assert_eq!(c.codes, [0, 0, 1, 2, 2, 1, 3, 0, 4]);
        // Runs of nulls.
        let mut e = DictEncoder::new();
        e.push(Some("x"));
        e.push_nulls(2);
        e.push(Some("x"));
        e.push_nulls(0);
        assert_eq!(e.finish().codes, [0, NULL, NULL, 0]);
    }
}
