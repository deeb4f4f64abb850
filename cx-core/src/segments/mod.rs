//! Customer segments and retention: RFM scores and named segments, retention rate,
//! churn, repeat purchases and cohort tables, from transactions.
//!
//! Inputs are columns: a dense customer code per row (`u32`, from a dictionary encoding
//! of the key), the transaction day (`i32` days since 1970-01-01; [`calendar`] converts),
//! and the amount (`f64`); [`columns`] also reads integer ids and timestamps in place
//! ([`rfm_columns`], [`RfmTally::add_columns`]). The per-customer aggregation is a mergeable state
//! ([`RfmTally`]) so that partitions can be tallied apart and merged by customer.
//!
//! Definitions (also in `docs/formulas.md`):
//! - **Recency** = days from the last purchase to the as-of day; a purchase *on* the as-of
//!   day has recency 0. Transactions after the as-of day are an error naming the row
//!   ([`Future::Reject`]) or, if asked, left out and counted ([`Future::Exclude`]).
//! - **Frequency** = purchases (transaction rows, or distinct orders when order codes are
//!   given). **Monetary** = total (default) or mean amount per purchase.
//! - Negative amounts are an error naming the row ([`Negative::Reject`]) or refunds
//!   ([`Negative::Net`]): subtracted from monetary, not purchases.
//! - Scores 1..k by [`BinMethod`]; recency reversed (recent = high).

pub mod binning;
pub mod calendar;
pub mod columns;
pub mod retention;
pub mod rfm;
pub mod rules;
pub mod tally;

pub use binning::{BinMethod, Binned, bin, quantile_type7};
pub use columns::{Customers, Days};
pub use retention::{CohortCell, PeriodRetention, RetentionOptions, RetentionResult, retention};
pub use rfm::{
    Dimension, Monetary, RfmOptions, RfmResult, RfmRow, RfmTable, SegmentSummary, rfm, rfm_columns,
    score_tally,
};
pub use rules::{Labels, SegmentRule};
pub use tally::{CustomerAgg, Future, Negative, RfmTally, TallyOptions};
