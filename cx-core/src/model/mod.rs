//! The CX domain model: identifiers, channels, customers, feedback, journeys,
//! surveys and tickets.
//!
//! Every type is serde-serializable; constructors validate and return
//! [`CxError`](crate::CxError). Personal data (names, phone numbers, free text)
//! is wrapped in [`Personal`], which never prints its content in `Debug`.

mod channel;
mod customer;
mod feedback;
mod ids;
mod journey;
mod personal;
mod survey;
mod ticket;

pub use channel::Channel;
pub use customer::{Consent, Customer};
pub use feedback::{Feedback, FeedbackKind, Ratings};
pub use ids::{
    AgentId, CustomerId, FeedbackId, QuestionId, ResponseId, StageId, TeamId, TicketId,
    TouchpointId,
};
pub use journey::{Journey, Stage, Touchpoint};
pub use personal::Personal;
pub use survey::{Answer, CsatScale, KanoAnswer, Question, QuestionKind, Response};
pub use ticket::{Actor, Priority, Ticket, TicketEvent, TicketEventKind, TicketStatus};

/// Normalise a user-typed label for matching: trim, lowercase, drop spaces,
/// `_`, `-` and `/`, and fold full-width ASCII (common in Chinese input) to ASCII.
pub(crate) fn normalize_label(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '/' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}
