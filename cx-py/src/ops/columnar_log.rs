//! Columnar path of the event log for the passes that read a
//! `cx_core::ops::TicketLog` (SLA status, compliance and history, backlog, age
//! buckets, log issues, and ticket metrics where their own fast path declines):
//! the Arrow columns are read by the ticket-metrics reader
//! ([`super::columnar::columns`]: no per-row Python or Rust string objects) and
//! turned into the row path's log by `cx_core::ops::columnar::ticket_log_columnar`.
//! `None` means "use the row path", which then reports the exact error.

use arrow_array::RecordBatch;
use cx_core::ops::{TicketLog, Validation};

/// The log of `batches` by the columnar path, or `None` to use the row path.
pub(super) fn ticket_log(batches: &[RecordBatch], validation: Validation) -> Option<TicketLog> {
    let ev = super::columnar::columns(batches)?;
    cx_core::ops::columnar::ticket_log_columnar(&ev, validation)
}
