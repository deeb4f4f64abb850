//! Service operations: business calendars, ticket metrics from an event log,
//! SLA policies, backlog and aggregates with mergeable quantile sketches.
//!
//! Every definition follows a named peer convention (mostly Zendesk's
//! documented semantics) and says so in its documentation; alternatives are
//! named options.

pub mod calendar;

pub use calendar::{
    BusinessCalendar, CalendarBuilder, CalendarIndex, CalendarSpec, ChinaHolidays, Schedule, Span,
    SpecialDay, WeeklyHours, china_holidays,
};
pub mod sla;
pub mod ticket_metrics;

pub use sla::{
    Hours, PriorityChange, ProportionInterval, SlaCompliance, SlaEvent, SlaEventKind, SlaMetric,
    SlaPolicy, SlaRecord, SlaSegment, SlaState, SlaTarget, sla_compliance, sla_history, sla_status,
    sla_status_with, wilson_interval,
};
pub use ticket_metrics::{
    AgentCreated, BusinessRule, Elapsed, EventRow, LogIssue, LogIssueKind, MetricDefinitions,
    StatusTimesEnd, TicketAttrs, TicketLog, TicketLogBuilder, TicketMetrics, TicketMetricsReport,
    Validation, datetime_at, metrics_of_log, parse_instant, ticket_metrics,
};
pub mod backlog;
pub mod columnar;
pub mod quantile;

pub use backlog::{AgeBucket, BacklogPeriod, Period, age_buckets, backlog, open_at};
pub use quantile::{GroupSummary, QuantileSketch, exact_quantile, summarize_by};
