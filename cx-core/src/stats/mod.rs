//! Statistical building blocks shared by the metric modules: distribution
//! quantiles and tail probabilities polished to double precision ([`dist`]) and
//! a small seeded pseudo-random generator for the bootstrap ([`Xoshiro256`]).
//! The hypothesis tests of the Analyze phase are in [`tests`].

pub mod dist;
pub mod tests;

/// xoshiro256** pseudo-random generator, seeded through SplitMix64.
///
/// Small, fast and of good statistical quality; used for seeded, reproducible
/// bootstrap resampling (no `rand` dependency needed).
///
/// # Reference
/// Blackman, D. & Vigna, S. (2021). "Scrambled linear pseudorandom number
/// generators". ACM TOMS 47(4):36 (xoshiro256**, and SplitMix64 for seeding,
/// as recommended there). Reference C code: prng.di.unimi.it.
///
/// # Examples
/// ```
/// let mut a = cx_core::stats::Xoshiro256::new(42);
/// let mut b = cx_core::stats::Xoshiro256::new(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.below(10) < 10);
/// ```
#[derive(Debug, Clone)]
pub struct Xoshiro256 {
    s: [u64; 4],
}

impl Xoshiro256 {
    /// Seed the four words of state from SplitMix64(seed).
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Self {
            s: [next(), next(), next(), next()],
        }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Integer in `0..n` by Lemire's multiply-shift (bias at most n/2⁶⁴); 0 when n = 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}
