//! Newtype identifiers, so a ticket id cannot be passed where a customer id is expected.

use serde::{Deserialize, Serialize};

use crate::{CxError, Result};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Build the identifier; it must be non-empty after trimming.
            ///
            /// # Errors
            /// [`CxError::InvalidValue`] for an empty or blank identifier.
            pub fn new(id: impl Into<String>) -> Result<Self> {
                let id: String = id.into();
                let trimmed = id.trim();
                if trimmed.is_empty() {
                    return Err(CxError::invalid($field, None, &id, "identifier must not be empty"));
                }
                Ok(Self(trimmed.to_owned()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = CxError;
            fn from_str(s: &str) -> Result<Self> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// Identifies a customer (often already pseudonymised, see [`crate::privacy`]).
    CustomerId, "customer_id"
);
id_type!(
    /// Identifies one piece of feedback.
    FeedbackId, "feedback_id"
);
id_type!(
    /// Identifies a support ticket.
    TicketId, "ticket_id"
);
id_type!(
    /// Identifies a touchpoint of a journey.
    TouchpointId, "touchpoint_id"
);
id_type!(
    /// Identifies a journey stage.
    StageId, "stage_id"
);
id_type!(
    /// Identifies a support agent.
    AgentId, "agent_id"
);
id_type!(
    /// Identifies an owning team.
    TeamId, "team_id"
);
id_type!(
    /// Identifies a survey response.
    ResponseId, "response_id"
);
id_type!(
    /// Identifies a survey question.
    QuestionId, "question_id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_trim_and_reject_blank() {
        assert_eq!(
            CustomerId::new(" c1 ").map(|c| c.to_string()),
            Ok("c1".to_string())
        );
        let err = TicketId::new("  ").err();
        assert_eq!(err.as_ref().map(CxError::code), Some("invalid_value"));
        assert_eq!(err.as_ref().and_then(CxError::field), Some("ticket_id"));
    }

    #[test]
    fn ids_serialize_as_plain_strings() -> Result<()> {
        let id = FeedbackId::new("f-1")?;
        assert_eq!(serde_json::to_string(&id).ok(), Some("\"f-1\"".to_string()));
        Ok(())
    }
}
