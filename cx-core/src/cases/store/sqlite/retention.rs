//! Retention policies as data, applied by [`SqliteCaseStore::apply_retention`].
//!
//! # Policy format (JSON; YAML with the same shape from Python and the CLI)
//! ```json
//! {"rules": [
//!   {"kind": "feedback_text",  "keep_days": 730,       "action": "delete"},
//!   {"kind": "feedback",       "keep_days": "forever", "action": "anonymise"},
//!   {"kind": "case_events",    "keep_days": 1095,      "action": "delete"},
//!   {"kind": "cases",          "keep_days": 1095,      "action": "anonymise"},
//!   {"kind": "follow_ups",     "keep_days": 1095,      "action": "anonymise"},
//!   {"kind": "audit_payloads", "keep_days": 2190,      "action": "delete"}
//! ]}
//! ```
//! A record is due when older than `keep_days` days before `now`. What each
//! action does:
//!
//! | kind | age from | `delete` | `anonymise` (keeps) |
//! |---|---|---|---|
//! | `feedback_text` | feedback `at` | text removed | text with detected personal data redacted (names are not detected) |
//! | `feedback` | `at` | row deleted (tallies change) | scores, channel, day (time truncated to the UTC day), a pseudonymous customer id; text removed — NPS/CSAT tallies unchanged |
//! | `case_events` | event `at` | row deleted | kind, time, actor; `detail` removed |
//! | `cases` | `updated_at` of **closed** cases | case and its events deleted | state, team, priority, scores, follow-up outcome, a pseudonymous customer id; `summary` and `contact` removed |
//! | `follow_ups` | follow-up `done_at` | task removed from the case | outcome and re-survey score; due/done times truncated to the day |
//! | `audit_payloads` | entry `at` | payload replaced by a tombstone covered by a chained `erase` entry (both actions; the chain still verifies) | — |
//!
//! The pseudonymous customer id is an HMAC-SHA256 pseudonym (`anon-…`) under a
//! random key used for one run and then dropped: within a run one customer's
//! records keep one pseudonym (distinct-customer counts stay right), across
//! runs they cannot be linked. Entries `erase`, `erase_customer` and
//! `retention` are never scrubbed (they are what makes tombstones verifiable).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::super::{Principal, Role};
use super::customers::io;
use super::erase::random_hex;
use super::{Sealer, SqliteCaseStore, case_doc, chain, parse_case};
use crate::cases::audit::AuditEntry;
use crate::privacy::{Pseudonymizer, RedactOptions, redact};
use crate::{CxError, Result};

/// A kind of record a retention rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordKind {
    /// The free text of feedback records.
    FeedbackText,
    /// Feedback records.
    Feedback,
    /// Case (ticket) timeline events.
    CaseEvents,
    /// Closed cases.
    Cases,
    /// Follow-up tasks of cases.
    FollowUps,
    /// Audit payloads (before/after/note).
    AuditPayloads,
}

impl RecordKind {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::FeedbackText => "feedback_text",
            RecordKind::Feedback => "feedback",
            RecordKind::CaseEvents => "case_events",
            RecordKind::Cases => "cases",
            RecordKind::FollowUps => "follow_ups",
            RecordKind::AuditPayloads => "audit_payloads",
        }
    }
}

/// What to do with a due record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RetentionAction {
    /// Remove it.
    #[serde(rename = "delete")]
    Delete,
    /// Keep what the aggregates need, remove the rest (see the module table).
    #[serde(rename = "anonymise", alias = "anonymize")]
    Anonymise,
}

impl RetentionAction {
    /// Name.
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionAction::Delete => "delete",
            RetentionAction::Anonymise => "anonymise",
        }
    }
}

/// How long to keep: a number of days or `"forever"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum KeepFor {
    /// Days.
    Days(u32),
    /// `"forever"`.
    Forever(Forever),
}

/// The word `forever`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Forever {
    /// Never due.
    Forever,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RetentionRule {
    /// Which records.
    pub kind: RecordKind,
    /// How long.
    pub keep_days: KeepFor,
    /// What then.
    pub action: RetentionAction,
}

/// A retention policy: at most one rule per kind.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RetentionPolicy {
    /// The rules.
    pub rules: Vec<RetentionRule>,
}

impl RetentionPolicy {
    /// Parse and validate the JSON form.
    ///
    /// # Errors
    /// [`CxError::Format`] for bad JSON or an unknown kind/action;
    /// [`CxError::InvalidValue`] for two rules of one kind.
    ///
    /// # Examples
    /// ```
    /// use cx_core::cases::store::retention::RetentionPolicy;
    /// let p = RetentionPolicy::from_json(r#"{"rules": [
    ///     {"kind": "feedback_text", "keep_days": 730, "action": "delete"},
    ///     {"kind": "feedback", "keep_days": "forever", "action": "anonymise"}]}"#)?;
    /// assert_eq!(p.rules.len(), 2);
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let p: Self = serde_json::from_str(text).map_err(|e| CxError::Format {
            what: "retention policy".into(),
            reason: e.to_string(),
        })?;
        let mut seen = std::collections::HashSet::new();
        for (i, r) in p.rules.iter().enumerate() {
            if !seen.insert(r.kind) {
                return Err(CxError::invalid(
                    "kind",
                    Some(i),
                    r.kind.as_str(),
                    "one rule per kind",
                ));
            }
        }
        Ok(p)
    }
}

/// What [`SqliteCaseStore::apply_retention`] did (or would do, in a dry run):
/// counts per kind and action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RetentionReport {
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// `kind → action → records`.
    pub counts: BTreeMap<String, BTreeMap<String, u64>>,
}

impl RetentionReport {
    /// Total records.
    pub fn total(&self) -> u64 {
        self.counts.values().flat_map(|m| m.values()).sum()
    }
}

struct Run<'a> {
    tx: &'a Connection,
    sealer: &'a Sealer,
    pseudo: Pseudonymizer,
    memo: HashMap<String, String>,
}

impl Run<'_> {
    fn pseudonym(&mut self, id: &str) -> String {
        if id.starts_with("anon-") || id.starts_with("erasure-") {
            return id.to_owned();
        }
        self.memo
            .entry(id.to_owned())
            .or_insert_with(|| self.pseudo.pseudonymize(id))
            .clone()
    }

    fn feedback_text(&mut self, cutoff: i64, action: RetentionAction) -> Result<u64> {
        if action == RetentionAction::Delete {
            return Ok(self
                .tx
                .execute(
                    "UPDATE feedback SET text = NULL WHERE text IS NOT NULL AND at < ?1",
                    [cutoff],
                )
                .map_err(io)? as u64);
        }
        let rows: Vec<(String, String)> = collect(
            self.tx,
            "SELECT id, text FROM feedback WHERE text IS NOT NULL AND at < ?1",
            params![cutoff],
        )?;
        let mut n = 0;
        for (id, text) in rows {
            let aad = format!("feedback/{id}/text");
            let plain = self.sealer.open(&aad, &text)?;
            let red = redact(&plain, RedactOptions::new()).text;
            if red != plain {
                self.tx
                    .execute(
                        "UPDATE feedback SET text = ?1 WHERE id = ?2",
                        params![self.sealer.seal(&aad, &red)?, id],
                    )
                    .map_err(io)?;
                n += 1;
            }
        }
        Ok(n)
    }

    fn feedback(&mut self, cutoff: i64, action: RetentionAction) -> Result<u64> {
        if action == RetentionAction::Delete {
            return Ok(self
                .tx
                .execute("DELETE FROM feedback WHERE at < ?1", [cutoff])
                .map_err(io)? as u64);
        }
        let rows: Vec<(String, Option<String>)> = collect(
            self.tx,
            "SELECT id, customer_id FROM feedback WHERE at < ?1 AND anonymised = 0",
            params![cutoff],
        )?;
        for (id, cid) in &rows {
            let pid = cid.as_deref().map(|c| self.pseudonym(c));
            self.tx
                .execute(
                    "UPDATE feedback SET text = NULL, customer_id = ?1, anonymised = 1,
                        at = at - (at % 86400) WHERE id = ?2",
                    params![pid, id],
                )
                .map_err(io)?;
        }
        Ok(rows.len() as u64)
    }

    fn case_events(&mut self, cutoff: i64, action: RetentionAction) -> Result<u64> {
        let sql = match action {
            RetentionAction::Delete => "DELETE FROM case_events WHERE at < ?1",
            _ => "UPDATE case_events SET detail = NULL WHERE at < ?1 AND detail IS NOT NULL",
        };
        Ok(self.tx.execute(sql, [cutoff]).map_err(io)? as u64)
    }

    fn cases(&mut self, cutoff: i64, action: RetentionAction) -> Result<u64> {
        if action == RetentionAction::Delete {
            self.tx
                .execute(
                    "DELETE FROM case_events WHERE case_id IN
                        (SELECT id FROM cases WHERE state = 'closed' AND updated_at < ?1)",
                    [cutoff],
                )
                .map_err(io)?;
            return Ok(self
                .tx
                .execute(
                    "DELETE FROM cases WHERE state = 'closed' AND updated_at < ?1",
                    [cutoff],
                )
                .map_err(io)? as u64);
        }
        let rows: Vec<(String, String)> = collect(
            self.tx,
            "SELECT id, doc FROM cases WHERE state = 'closed' AND updated_at < ?1",
            params![cutoff],
        )?;
        let mut n = 0;
        for (id, doc) in rows {
            let mut c = parse_case(self.sealer, &doc)?;
            let pid = c.customer_id.as_deref().map(|x| self.pseudonym(x));
            if c.summary.is_none() && c.contact.is_none() && pid == c.customer_id {
                continue;
            }
            c.summary = None;
            c.contact = None;
            c.customer_id = pid;
            self.tx
                .execute(
                    "UPDATE cases SET customer_id = ?1, doc = ?2 WHERE id = ?3",
                    params![c.customer_id, case_doc(self.sealer, &c)?, id],
                )
                .map_err(io)?;
            n += 1;
        }
        Ok(n)
    }

    fn follow_ups(&mut self, cutoff: i64, action: RetentionAction) -> Result<u64> {
        let rows: Vec<(String, String)> = collect(
            self.tx,
            "SELECT id, doc FROM cases WHERE doc LIKE '%\"follow_up\":{%' AND ?1 = ?1",
            params![cutoff],
        )?;
        let mut n = 0;
        for (id, doc) in rows {
            let mut c = parse_case(self.sealer, &doc)?;
            let Some(f) = c.follow_up.as_mut() else {
                continue;
            };
            let Some(done) = f.done_at else { continue };
            if done.timestamp() >= cutoff {
                continue;
            }
            match action {
                RetentionAction::Delete => c.follow_up = None,
                _ => {
                    let day = |t: DateTime<FixedOffset>| {
                        let s = t.timestamp();
                        DateTime::from_timestamp(s - s.rem_euclid(86_400), 0)
                            .map(|d| d.fixed_offset())
                            .unwrap_or(t)
                    };
                    let (d0, d1) = (day(f.due_at), day(done));
                    if d0 == f.due_at && d1 == done {
                        continue;
                    }
                    f.due_at = d0;
                    f.done_at = Some(d1);
                }
            }
            self.tx
                .execute(
                    "UPDATE cases SET doc = ?1 WHERE id = ?2",
                    params![case_doc(self.sealer, &c)?, id],
                )
                .map_err(io)?;
            n += 1;
        }
        Ok(n)
    }

    fn audit_payloads(
        &mut self,
        p: &Principal,
        cutoff: i64,
        now: DateTime<FixedOffset>,
    ) -> Result<u64> {
        let rows: Vec<(i64, String)> = collect(
            self.tx,
            "SELECT a.seq, a.at FROM audit a JOIN audit_payload p ON p.seq = a.seq
             WHERE p.erased_by IS NULL AND a.action NOT IN ('erase', 'erase_customer', 'retention')
                AND ?1 = ?1 ORDER BY a.seq",
            params![cutoff],
        )?;
        let seqs: Vec<i64> = rows
            .into_iter()
            .filter(|(_, at)| {
                DateTime::parse_from_rfc3339(at).is_ok_and(|t| t.timestamp() < cutoff)
            })
            .map(|(s, _)| s)
            .collect();
        if seqs.is_empty() {
            return Ok(0);
        }
        let mut entry = AuditEntry::diff(
            "",
            &p.name,
            now,
            "erase",
            &serde_json::json!({}),
            &serde_json::json!({ "scrubbed": seqs }),
        );
        entry.note = Some("retention".into());
        let by = chain::append(self.tx, self.sealer, p.role.as_str(), &entry, None)?;
        Ok(chain::scrub(self.tx, &seqs, by)? as u64)
    }
}

fn collect<T: rusqlite::types::FromSql, U: rusqlite::types::FromSql>(
    tx: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<(T, U)>> {
    let mut s = tx.prepare(sql).map_err(io)?;
    let it = s
        .query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(io)?;
    it.collect::<rusqlite::Result<_>>().map_err(io)
}

impl SqliteCaseStore {
    /// Apply `policy` as of `now` in one transaction (rolled back when
    /// `dry_run`, so the counts of a dry run are exactly what would go);
    /// appends a `retention` audit entry with the counts.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] unless admin; [`CxError::Io`].
    pub fn apply_retention(
        &mut self,
        p: &Principal,
        policy: &RetentionPolicy,
        now: DateTime<FixedOffset>,
        dry_run: bool,
    ) -> Result<RetentionReport> {
        self.require(p, "apply_retention", &[Role::Admin])?;
        let key: Vec<u8> = random_hex(4).into_bytes();
        let pseudo = Pseudonymizer::new(&key)?
            .with_length(16)?
            .with_prefix("anon-");
        let sealer = self.sealer.clone();
        let tx = self.immediate()?;
        let mut run = Run {
            tx: &tx,
            sealer: &sealer,
            pseudo,
            memo: HashMap::new(),
        };
        let mut report = RetentionReport {
            dry_run,
            counts: BTreeMap::new(),
        };
        // Text before rows, follow-ups before cases: the finer rule acts first.
        let order = [
            RecordKind::FeedbackText,
            RecordKind::Feedback,
            RecordKind::CaseEvents,
            RecordKind::FollowUps,
            RecordKind::Cases,
            RecordKind::AuditPayloads,
        ];
        for kind in order {
            let Some(rule) = policy.rules.iter().find(|r| r.kind == kind) else {
                continue;
            };
            let KeepFor::Days(days) = rule.keep_days else {
                continue;
            };
            let cutoff = now.timestamp() - i64::from(days) * 86_400;
            let n = match kind {
                RecordKind::FeedbackText => run.feedback_text(cutoff, rule.action)?,
                RecordKind::Feedback => run.feedback(cutoff, rule.action)?,
                RecordKind::CaseEvents => run.case_events(cutoff, rule.action)?,
                RecordKind::Cases => run.cases(cutoff, rule.action)?,
                RecordKind::FollowUps => run.follow_ups(cutoff, rule.action)?,
                RecordKind::AuditPayloads => run.audit_payloads(p, cutoff, now)?,
            };
            report
                .counts
                .entry(kind.as_str().into())
                .or_default()
                .insert(rule.action.as_str().into(), n);
        }
        let entry = AuditEntry::diff(
            "",
            &p.name,
            now,
            "retention",
            &serde_json::json!({}),
            &serde_json::json!({ "counts": report.counts }),
        );
        Self::write_audit(&tx, &sealer, p, &entry, None)?;
        if dry_run {
            tx.rollback().map_err(io)?;
        } else {
            tx.commit().map_err(io)?;
            self.checkpoint()?;
        }
        Ok(report)
    }
}
