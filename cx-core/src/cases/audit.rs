//! The append-only audit trail: who, when, what changed, before and after.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// One audit entry. `before` and `after` hold only the fields that changed
/// (JSON objects keyed by field name); a creation has an empty `before`, a
/// denial has both empty and `action = "denied:<what>"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditEntry {
    /// The case concerned (empty for a denial without a case).
    pub case_id: String,
    /// Who did it.
    pub actor: String,
    /// When.
    pub at: DateTime<FixedOffset>,
    /// What: a transition name, `create`, `escalate`, `plan_follow_up`,
    /// `record_follow_up`, or `denied:<action>`.
    pub action: String,
    /// Changed fields before the change.
    pub before: serde_json::Value,
    /// Changed fields after the change.
    pub after: serde_json::Value,
    /// Free text (for a denial: the reason).
    #[serde(default)]
    pub note: Option<String>,
}

impl AuditEntry {
    /// The entry for a change from `before` to `after` (whole-record JSON
    /// objects); keeps only the fields whose value differs.
    pub fn diff(
        case_id: &str,
        actor: &str,
        at: DateTime<FixedOffset>,
        action: &str,
        before: &serde_json::Value,
        after: &serde_json::Value,
    ) -> Self {
        let mut b = serde_json::Map::new();
        let mut a = serde_json::Map::new();
        let empty = serde_json::Map::new();
        let bo = before.as_object().unwrap_or(&empty);
        let ao = after.as_object().unwrap_or(&empty);
        for (k, av) in ao {
            let bv = bo.get(k).unwrap_or(&serde_json::Value::Null);
            if bv != av {
                if !bo.is_empty() {
                    b.insert(k.clone(), bv.clone());
                }
                a.insert(k.clone(), av.clone());
            }
        }
        Self {
            case_id: case_id.into(),
            actor: actor.into(),
            at,
            action: action.into(),
            before: serde_json::Value::Object(b),
            after: serde_json::Value::Object(a),
            note: None,
        }
    }

    /// A creation entry (`before` empty, `after` the whole record).
    pub fn created(
        case_id: &str,
        actor: &str,
        at: DateTime<FixedOffset>,
        record: &serde_json::Value,
    ) -> Self {
        Self::diff(
            case_id,
            actor,
            at,
            "create",
            &serde_json::Value::Object(serde_json::Map::new()),
            record,
        )
    }

    /// A denial entry.
    pub fn denied(
        case_id: &str,
        actor: &str,
        at: DateTime<FixedOffset>,
        action: &str,
        reason: &str,
    ) -> Self {
        Self {
            case_id: case_id.into(),
            actor: actor.into(),
            at,
            action: format!("denied:{action}"),
            before: serde_json::json!({}),
            after: serde_json::json!({}),
            note: Some(reason.into()),
        }
    }
}
