//! Satisfaction metrics with honest intervals: NPS ([`nps`](mod@nps)), CSAT ([`csat`](mod@csat)),
//! CES ([`ces`](mod@ces)), proportion and mean intervals ([`interval`]), two-sample
//! comparisons ([`compare`]), sample-size planning ([`sample_size`]), mergeable
//! tallies for batches and distributed engines ([`tally`]) and columnar
//! group-by kernels ([`group`]).
//!
//! Conventions: scores are integer ratings; `NaN` (or [`nps::SCORE_MISSING_U8`] in
//! `u8` paths) is missing, skipped and counted in `n_missing`; anything else off the
//! scale is a [`crate::CxError::InvalidValue`] naming the field `score`, the row and
//! the value. NPS is in points (−100 … 100); CSAT and "% favourable" are percents.

pub mod ces;
pub mod compare;
pub mod csat;
pub mod group;
pub mod grouped;
pub mod interval;
pub mod nps;
pub mod sample_size;
pub mod tally;

pub use ces::{CesOptions, CesScale, CesSummary, ces};
pub use compare::{
    Comparison, compare_means, compare_nps, compare_nps_counts, compare_proportions,
};
pub use csat::{CsatOptions, CsatScale, CsatSummary, csat};
pub use interval::{Interval, ProportionInterval};
pub use nps::{
    NpsCounts, NpsInterval, NpsOptions, NpsSummary, nps, nps_progress, nps_u8, nps_u8_progress,
    weighted_nps,
};
pub use sample_size::{SampleSize, sample_size_nps, sample_size_proportion};
pub use tally::{MeanTally, NpsTally, ProportionTally};
