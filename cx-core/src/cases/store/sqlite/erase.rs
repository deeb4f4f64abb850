//! Erasure of a customer (PIPL Art. 47, GDPR Art. 17) and the subject access
//! export (PIPL Art. 45, GDPR Art. 15).
//!
//! # What erasure does
//! | Table | Action |
//! |---|---|
//! | `customers` | row deleted |
//! | `consent_events` | rows deleted |
//! | `feedback` | anonymised: text removed, `customer_id` replaced by the erasure id, time truncated to the UTC day; scores and channel kept (NPS/CSAT tallies unchanged) |
//! | `cases` | `summary` and `contact` removed, `customer_id` replaced by the erasure id; state, team, scores and the follow-up outcome kept |
//! | `case_events` | `detail` removed from the events of the customer's cases |
//! | `audit_payload` | payloads of the customer's entries and of their cases' entries replaced by tombstones, each batch covered by a chained `erase` entry |
//!
//! The erasure id is random (`erasure-<32 hex>`), not derived from the
//! customer id, so the remaining records cannot be linked back. A final
//! `erase_customer` entry records the counts (no personal data).
//!
//! # Crash safety and idempotence
//! A job row (`erasure_jobs`, state `running`) is committed first; the work is
//! done in batches, each one transaction that also updates the job's running
//! counts; the job is marked `done` (and forgets the customer id) at the end.
//! A rerun finds the running job and completes it; a run after completion
//! finds nothing left and reports zeros. After the work, `secure_delete` (on
//! for every connection) has zeroed the freed bytes and a
//! `wal_checkpoint(TRUNCATE)` empties the write-ahead log.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::super::{Principal, Role};
use super::customers::{consent_history_in, io};
use super::{SqliteCaseStore, case_doc, chain, parse_case};
use crate::cases::audit::AuditEntry;
use crate::{CxError, Result};

/// Default rows per batch of erasure and key rotation.
pub const DEFAULT_BATCH_SIZE: usize = 500;

/// What [`SqliteCaseStore::erase_customer`] touched, per table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErasureReport {
    /// The random id that replaces the customer id in what is kept.
    pub erasure_id: String,
    /// Whether an interrupted job was completed.
    pub resumed: bool,
    /// Rows touched per table (`customers`, `consent_events`, `feedback`,
    /// `cases`, `follow_ups`, `case_events`, `audit_payloads`).
    pub counts: BTreeMap<String, u64>,
    /// Whether the write-ahead log was checkpointed and truncated (false when
    /// another connection was reading at the time).
    pub wal_truncated: bool,
}

impl ErasureReport {
    /// Total rows touched.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }
}

/// A random hex string of `2 * 8 * words` characters from the OS-seeded
/// hasher keys of the standard library (no extra dependency).
pub(crate) fn random_hex(words: usize) -> String {
    (0..words)
        .map(|i| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default(),
            );
            format!("{:016x}", h.finish())
        })
        .collect()
}

type Step = fn(&Connection, &str, &str, usize, &mut BTreeMap<String, u64>) -> Result<usize>;

/// The customer's cases (by the original id or the erasure id).
const CASES_OF: &str = "SELECT id FROM cases WHERE customer_id IN (?1, ?2)";

fn step_feedback(
    tx: &Connection,
    cid: &str,
    eid: &str,
    batch: usize,
    n: &mut BTreeMap<String, u64>,
) -> Result<usize> {
    let k = tx
        .execute(
            "UPDATE feedback SET text = NULL, customer_id = ?2, anonymised = 1, at = at - (at % 86400)
             WHERE rowid IN (SELECT rowid FROM feedback WHERE customer_id = ?1 LIMIT ?3)",
            params![cid, eid, batch as i64],
        )
        .map_err(io)?;
    *n.entry("feedback".into()).or_default() += k as u64;
    Ok(k)
}

fn step_cases(
    tx: &Connection,
    cid: &str,
    eid: &str,
    batch: usize,
    n: &mut BTreeMap<String, u64>,
) -> Result<usize> {
    let rows: Vec<(String, String)> = {
        let mut s = tx
            .prepare("SELECT id, doc FROM cases WHERE customer_id = ?1 LIMIT ?2")
            .map_err(io)?;
        let it = s
            .query_map(params![cid, batch as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(io)?;
        it.collect::<rusqlite::Result<_>>().map_err(io)?
    };
    let plain = super::Sealer::default();
    for (id, doc) in &rows {
        // Only the fields being removed are sealed: parse without opening them.
        let mut v: serde_json::Value = serde_json::from_str(doc).map_err(super::doc_err)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("summary".into(), serde_json::Value::Null);
            o.insert("contact".into(), serde_json::Value::Null);
            o.insert("customer_id".into(), eid.into());
            if o.get("follow_up").is_some_and(|f| !f.is_null()) {
                *n.entry("follow_ups".into()).or_default() += 1;
            }
        }
        let c = parse_case(&plain, &v.to_string())?;
        tx.execute(
            "UPDATE cases SET customer_id = ?1, doc = ?2 WHERE id = ?3",
            params![eid, case_doc(&plain, &c)?, id],
        )
        .map_err(io)?;
    }
    *n.entry("cases".into()).or_default() += rows.len() as u64;
    Ok(rows.len())
}

fn step_events(
    tx: &Connection,
    cid: &str,
    eid: &str,
    batch: usize,
    n: &mut BTreeMap<String, u64>,
) -> Result<usize> {
    let k = tx
        .execute(
            &format!(
                "UPDATE case_events SET detail = NULL WHERE id IN (
                    SELECT id FROM case_events WHERE detail IS NOT NULL AND case_id IN ({CASES_OF}) LIMIT ?3)"
            ),
            params![cid, eid, batch as i64],
        )
        .map_err(io)?;
    *n.entry("case_events".into()).or_default() += k as u64;
    Ok(k)
}

fn step_consent(
    tx: &Connection,
    cid: &str,
    _eid: &str,
    batch: usize,
    n: &mut BTreeMap<String, u64>,
) -> Result<usize> {
    let k = tx
        .execute(
            "DELETE FROM consent_events WHERE id IN (
                SELECT id FROM consent_events WHERE customer_id = ?1 LIMIT ?2)",
            params![cid, batch as i64],
        )
        .map_err(io)?;
    *n.entry("consent_events".into()).or_default() += k as u64;
    Ok(k)
}

fn step_customer(
    tx: &Connection,
    cid: &str,
    _eid: &str,
    _batch: usize,
    n: &mut BTreeMap<String, u64>,
) -> Result<usize> {
    let k = tx
        .execute("DELETE FROM customers WHERE id = ?1", [cid])
        .map_err(io)?;
    *n.entry("customers".into()).or_default() += k as u64;
    Ok(k)
}

/// Seqs of the payloads that concern the customer and are not yet scrubbed.
fn audit_seqs(tx: &Connection, cid: &str, eid: &str, batch: usize) -> Result<Vec<i64>> {
    let mut s = tx
        .prepare(&format!(
            "SELECT p.seq FROM audit_payload p JOIN audit a ON a.seq = p.seq
             WHERE p.erased_by IS NULL AND (p.customer_id = ?1
                OR (a.case_id != '' AND a.case_id IN ({CASES_OF})))
             ORDER BY p.seq LIMIT ?3"
        ))
        .map_err(io)?;
    let it = s
        .query_map(params![cid, eid, batch as i64], |r| r.get(0))
        .map_err(io)?;
    it.collect::<rusqlite::Result<_>>().map_err(io)
}

impl SqliteCaseStore {
    /// Test hook: make the next batched job (erasure, key rotation) fail with
    /// [`CxError::Io`] after `batches` committed batches (`None`: never).
    #[doc(hidden)]
    pub fn fail_after_batches(&mut self, batches: Option<usize>) {
        self.fail_after_batches = batches;
    }

    pub(crate) fn batch_done(&self, done: &mut usize) -> Result<()> {
        *done += 1;
        if let Some(k) = self.fail_after_batches
            && *done >= k
        {
            return Err(CxError::Io {
                path: self.path.clone(),
                message: format!("test hook: failure injected after batch {done}"),
            });
        }
        if let Ok(ms) = std::env::var("CX_TEST_BATCH_SLEEP_MS")
            && let Ok(ms) = ms.parse::<u64>()
        {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        Ok(())
    }

    /// Erase a customer everywhere (see the module documentation), in batches
    /// of [`DEFAULT_BATCH_SIZE`] rows.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] unless admin; [`CxError::Io`] (rerun to complete).
    pub fn erase_customer(
        &mut self,
        p: &Principal,
        customer_id: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<ErasureReport> {
        self.erase_customer_in_batches(p, customer_id, at, DEFAULT_BATCH_SIZE)
    }

    /// [`SqliteCaseStore::erase_customer`] with `batch_size` rows per transaction.
    ///
    /// # Errors
    /// As [`SqliteCaseStore::erase_customer`]; [`CxError::InvalidOption`] for a zero batch size.
    pub fn erase_customer_in_batches(
        &mut self,
        p: &Principal,
        customer_id: &str,
        at: DateTime<FixedOffset>,
        batch_size: usize,
    ) -> Result<ErasureReport> {
        self.require(p, "erase_customer", &[Role::Admin])?;
        if batch_size == 0 {
            return Err(CxError::option("batch_size", "must be at least 1"));
        }
        if customer_id.trim().is_empty() {
            return Err(CxError::invalid(
                "customer_id",
                None,
                customer_id,
                "must not be empty",
            ));
        }
        // 1. The job row, committed before any work.
        let tx = self.immediate()?;
        let running: Option<(String, String)> = tx
            .query_row(
                "SELECT id, report FROM erasure_jobs WHERE customer_id = ?1 AND state = 'running'",
                [customer_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(io)?;
        let (eid, mut counts, resumed) = match running {
            Some((id, report)) => (id, serde_json::from_str(&report).unwrap_or_default(), true),
            None => {
                let id = format!("erasure-{}", random_hex(2));
                tx.execute(
                    "INSERT INTO erasure_jobs (id, customer_id, state, started_at) VALUES (?1, ?2, 'running', ?3)",
                    params![id, customer_id, at.to_rfc3339()],
                )
                .map_err(io)?;
                (id, BTreeMap::new(), false)
            }
        };
        tx.commit().map_err(io)?;
        let mut done = 0usize;
        // 2. Batches, each in one transaction with the job's running counts.
        let steps: [Step; 5] = [
            step_feedback,
            step_cases,
            step_events,
            step_consent,
            step_customer,
        ];
        for step in steps {
            loop {
                let tx = self.immediate()?;
                let k = step(&tx, customer_id, &eid, batch_size, &mut counts)?;
                save_counts(&tx, &eid, &counts)?;
                tx.commit().map_err(io)?;
                if k == 0 {
                    break;
                }
                self.batch_done(&mut done)?;
                if k < batch_size {
                    break;
                }
            }
        }
        loop {
            let sealer = self.sealer.clone();
            let tx = self.immediate()?;
            let seqs = audit_seqs(&tx, customer_id, &eid, batch_size)?;
            if seqs.is_empty() {
                break;
            }
            let entry = AuditEntry::diff(
                "",
                &p.name,
                at,
                "erase",
                &serde_json::json!({}),
                &serde_json::json!({ "scrubbed": seqs, "erasure_id": eid }),
            );
            let by = Self::write_audit(&tx, &sealer, p, &entry, None)?;
            let k = chain::scrub(&tx, &seqs, by)?;
            *counts.entry("audit_payloads".into()).or_default() += k as u64;
            save_counts(&tx, &eid, &counts)?;
            tx.commit().map_err(io)?;
            self.batch_done(&mut done)?;
        }
        // 3. The tombstone entry, and the job marked done (forgetting the customer id).
        for key in [
            "customers",
            "consent_events",
            "feedback",
            "cases",
            "follow_ups",
            "case_events",
            "audit_payloads",
        ] {
            counts.entry(key.into()).or_default();
        }
        let sealer = self.sealer.clone();
        let tx = self.immediate()?;
        let mut entry = AuditEntry::diff(
            "",
            &p.name,
            at,
            "erase_customer",
            &serde_json::json!({}),
            &serde_json::json!({ "erasure_id": eid, "counts": counts }),
        );
        entry.note = Some("customer erased on request".into());
        Self::write_audit(&tx, &sealer, p, &entry, None)?;
        tx.execute(
            "UPDATE erasure_jobs SET state = 'done', customer_id = NULL, finished_at = ?2, report = ?3 WHERE id = ?1",
            params![eid, at.to_rfc3339(), serde_json::to_string(&counts).unwrap_or_default()],
        )
        .map_err(io)?;
        tx.commit().map_err(io)?;
        let wal_truncated = self.checkpoint()?;
        Ok(ErasureReport {
            erasure_id: eid,
            resumed,
            counts,
            wal_truncated,
        })
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`: copy the log into the database and
    /// truncate it; false when a reader kept it from completing.
    ///
    /// # Errors
    /// [`CxError::Io`].
    pub fn checkpoint(&mut self) -> Result<bool> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(io)?;
        Ok(busy == 0)
    }

    /// Everything held about one customer, decrypted, as JSON (subject access
    /// request): `customer`, `consent_history`, `feedback`, `cases` (with their
    /// follow-ups), `case_events` and the `audit` entries that concern them.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] unless admin; a decryption error.
    pub fn export_customer(
        &mut self,
        p: &Principal,
        customer_id: &str,
    ) -> Result<serde_json::Value> {
        self.require(p, "export_customer", &[Role::Admin])?;
        let customer = self.customer_in(customer_id)?;
        let consent_history = consent_history_in(&self.conn, customer_id)?;
        let feedback: Vec<_> = self
            .export_feedback(p, false)?
            .records
            .into_iter()
            .filter(|r| r.customer_id.as_deref() == Some(customer_id))
            .collect();
        let docs: Vec<String> = {
            let mut s = self
                .conn
                .prepare("SELECT doc FROM cases WHERE customer_id = ?1 ORDER BY id")
                .map_err(io)?;
            let it = s.query_map([customer_id], |r| r.get(0)).map_err(io)?;
            it.collect::<rusqlite::Result<_>>().map_err(io)?
        };
        let cases = docs
            .iter()
            .map(|d| parse_case(&self.sealer, d))
            .collect::<Result<Vec<_>>>()?;
        let events: Vec<serde_json::Value> = {
            let mut s = self
                .conn
                .prepare(
                    "SELECT case_id, at, kind, actor, detail, id FROM case_events
                     WHERE case_id IN (SELECT id FROM cases WHERE customer_id = ?1) ORDER BY case_id, at, id",
                )
                .map_err(io)?;
            type Ev = (String, i64, String, String, Option<String>, i64);
            let it = s
                .query_map([customer_id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })
                .map_err(io)?;
            let rows: Vec<Ev> = it.collect::<rusqlite::Result<_>>().map_err(io)?;
            let mut out = Vec::new();
            for (case_id, t, kind, actor, detail, id) in rows {
                let detail = self
                    .sealer
                    .open_opt(&format!("case_events/{id}/detail"), detail)?;
                out.push(serde_json::json!({
                    "case_id": case_id, "at": t, "kind": kind, "actor": actor, "detail": detail,
                }));
            }
            out
        };
        let audit = chain::records(
            &self.conn,
            &self.sealer,
            "p.customer_id = ?1 OR (a.case_id != '' AND a.case_id IN (SELECT id FROM cases WHERE customer_id = ?1))",
            &customer_id,
        )?;
        let consent = customer.as_ref().map(|c| c.consent);
        Ok(serde_json::json!({
            "customer_id": customer_id,
            "customer": customer.map(|c| serde_json::json!({
                "name": c.name.map(|x| x.into_inner()),
                "phone": c.phone.map(|x| x.into_inner()),
                "email": c.email.map(|x| x.into_inner()),
                "segment": c.segment,
                "attributes": c.attributes,
            })),
            "consent": consent,
            "consent_history": consent_history,
            "feedback": feedback.into_iter().map(|r| serde_json::json!({
                "id": r.id, "channel": r.channel, "at": r.at, "nps": r.nps, "csat": r.csat,
                "ces": r.ces, "text": r.text.map(|t| t.into_inner()),
            })).collect::<Vec<_>>(),
            "follow_ups": cases.iter().filter_map(|c| c.follow_up.as_ref().map(|f| serde_json::json!({
                "case_id": c.id, "task": f,
            }))).collect::<Vec<_>>(),
            "cases": cases,
            "case_events": events,
            "audit": audit,
        }))
    }
}

fn save_counts(tx: &Connection, eid: &str, counts: &BTreeMap<String, u64>) -> Result<()> {
    tx.execute(
        "UPDATE erasure_jobs SET report = ?2 WHERE id = ?1",
        params![eid, serde_json::to_string(counts).unwrap_or_default()],
    )
    .map_err(io)?;
    Ok(())
}
