//! The tamper-evident audit chain.
//!
//! # Design
//! Each audit entry is split in two rows with the same `seq`:
//!
//! - the **header** in `audit` (`seq, case_id, actor, role, at, action`), plus
//!   `payload_hash` and `hash`; never updated or deleted (triggers);
//! - the **payload** in `audit_payload` (`before`, `after`, `note`, `subject`
//!   as one canonical JSON object with sorted keys), whose personal fields are
//!   sealed when the store has a cipher.
//!
//! `payload_hash = SHA-256(canonical plaintext payload)` and
//! `hash = SHA-256(prev_hash ‖ "\n" ‖ canonical header ‖ "\n" ‖ payload_hash)`
//! (hex; the first entry's `prev_hash` is 64 zeros; the header is the JSON
//! array `[seq, case_id, actor, role, at, action]`). The chain is over the
//! payload's *hash*, so erasure can replace a payload by a tombstone
//! `{"erased_by": E}` without breaking the chain: entry `E` (action `erase`,
//! appended in the same transaction) lists the scrubbed seqs in its own
//! chained payload, and [`verify`] accepts a tombstone only when a later
//! `erase` entry covers it. Re-sealing under a new key changes the stored
//! bytes, not the plaintext, so key rotation keeps the chain valid.
//!
//! [`verify`] reports the first broken seq: an edited header or payload, a
//! removed, inserted or reordered entry, and a removed tail (checked against
//! SQLite's `sqlite_sequence`); when the chain itself is intact, the first
//! scrubbed payload without a covering `erase` entry.
//! A rewrite of the whole chain from some point on (every later hash
//! recomputed) is only detectable against a head hash kept outside the
//! database: [`super::SqliteCaseStore::verify_audit`] returns it for that purpose.
//!
//! # Reference
//! Haber, S. & Stornetta, W. S. (1991). "How to time-stamp a digital
//! document". J. Cryptology 3(2); Schneier, B. & Kelsey, J. (1999). "Secure
//! audit logs to support computer forensics". ACM TISSEC 2(2).

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Sealer;
use crate::cases::audit::AuditEntry;
use crate::{CxError, Result};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Keys of `before`/`after` objects that hold personal data (sealed at rest,
/// scrubbed by erasure).
pub const PERSONAL_KEYS: [&str; 6] = ["summary", "contact", "name", "phone", "email", "text"];

fn io(e: rusqlite::Error) -> CxError {
    CxError::Io {
        path: "case store".into(),
        message: e.to_string(),
    }
}

fn fmt_err(e: impl std::fmt::Display) -> CxError {
    CxError::Format {
        what: "audit trail".into(),
        reason: e.to_string(),
    }
}

/// JSON with object keys sorted at every level (the form that is hashed).
/// Independent of serde_json's `preserve_order` feature, so a dependency
/// that turns it on cannot change the hashes of an existing trail.
pub fn canonical(v: &serde_json::Value) -> String {
    let mut out = String::new();
    canonical_into(v, &mut out);
    out
}

fn canonical_into(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical_into(o.get(k).unwrap_or(&Value::Null), out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_into(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn sha256_hex(data: &[u8]) -> String {
    let d = Sha256::digest(data);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The canonical header of an entry.
fn header(seq: i64, case_id: &str, actor: &str, role: &str, at: &str, action: &str) -> String {
    serde_json::json!([seq, case_id, actor, role, at, action]).to_string()
}

/// `SHA-256(prev ‖ "\n" ‖ header ‖ "\n" ‖ payload_hash)`.
pub fn link(prev: &str, header: &str, payload_hash: &str) -> String {
    sha256_hex(format!("{prev}\n{header}\n{payload_hash}").as_bytes())
}

fn seal_or_open(
    body: &mut serde_json::Value,
    seq: i64,
    f: &dyn Fn(&str, &str) -> Result<String>,
) -> Result<()> {
    for side in ["before", "after"] {
        if let Some(o) = body.get_mut(side).and_then(|x| x.as_object_mut()) {
            for key in PERSONAL_KEYS {
                if let Some(serde_json::Value::String(s)) = o.get_mut(key) {
                    *s = f(&format!("audit_payload/{seq}/{side}.{key}"), s)?;
                }
            }
        }
    }
    Ok(())
}

/// The plaintext payload of an entry.
fn payload(a: &AuditEntry, subject: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "before": a.before,
        "after": a.after,
        "note": a.note,
        "subject": subject,
    })
}

/// Append `a` (by a principal of `role`) to the chain; returns its seq.
pub(crate) fn append(
    tx: &Connection,
    sealer: &Sealer,
    role: &str,
    a: &AuditEntry,
    subject: Option<&str>,
) -> Result<i64> {
    let last: Option<(i64, Option<String>)> = tx
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(io)?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h.unwrap_or_else(|| GENESIS.into())),
        None => (1, GENESIS.into()),
    };
    let at = a.at.to_rfc3339();
    let plain = payload(a, subject);
    let plain_text = canonical(&plain);
    let payload_hash = sha256_hex(plain_text.as_bytes());
    let hash = link(
        &prev,
        &header(seq, &a.case_id, &a.actor, role, &at, &a.action),
        &payload_hash,
    );
    let stored = if sealer.has_cipher() {
        let mut stored = plain;
        seal_or_open(&mut stored, seq, &|aad, v| sealer.seal(aad, v))?;
        canonical(&stored)
    } else {
        plain_text
    };
    tx.prepare_cached(
        "INSERT INTO audit (seq, case_id, actor, role, at, action, before, after, note, payload_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', '', NULL, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq,
            a.case_id,
            a.actor,
            role,
            at,
            a.action,
            payload_hash,
            hash
        ])
    })
    .map_err(io)?;
    tx.prepare_cached("INSERT INTO audit_payload (seq, customer_id, body) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| s.execute(params![seq, subject, stored]))
        .map_err(io)?;
    Ok(seq)
}

const PAYLOAD_TRIGGERS: &str = "
    CREATE TRIGGER IF NOT EXISTS audit_payload_no_delete BEFORE DELETE ON audit_payload
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_payload_tombstone_only BEFORE UPDATE ON audit_payload
        WHEN OLD.erased_by IS NOT NULL OR NEW.seq != OLD.seq
        BEGIN SELECT RAISE(ABORT, 'audit payloads may only be re-sealed or erased'); END;";

/// Move the payloads of an older (schema ≤ 2) trail to `audit_payload` and
/// chain every entry, in seq order (inside the migration's transaction).
pub(crate) fn migrate(tx: &Connection, sealer: &Sealer) -> Result<()> {
    tx.execute_batch("DROP TRIGGER IF EXISTS audit_no_update")
        .map_err(io)?;
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = {
        let mut s = tx
            .prepare(
                "SELECT a.seq, a.case_id, a.actor, a.role, a.at, a.action, a.before, a.after, a.note, c.customer_id
                 FROM audit a LEFT JOIN cases c ON c.id = a.case_id ORDER BY a.seq",
            )
            .map_err(io)?;
        let it = s
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })
            .map_err(io)?;
        it.collect::<rusqlite::Result<_>>().map_err(io)?
    };
    let mut prev = GENESIS.to_owned();
    for (seq, case_id, actor, role, at, action, before, after, note, subject) in rows {
        let before: serde_json::Value = serde_json::from_str(&before).map_err(fmt_err)?;
        let after: serde_json::Value = serde_json::from_str(&after).map_err(fmt_err)?;
        let plain = serde_json::json!({
            "before": before, "after": after, "note": note, "subject": subject,
        });
        let payload_hash = sha256_hex(canonical(&plain).as_bytes());
        let hash = link(
            &prev,
            &header(seq, &case_id, &actor, &role, &at, &action),
            &payload_hash,
        );
        let mut stored = plain;
        seal_or_open(&mut stored, seq, &|aad, v| sealer.seal(aad, v))?;
        tx.execute(
            "INSERT INTO audit_payload (seq, customer_id, body) VALUES (?1, ?2, ?3)",
            params![seq, subject, canonical(&stored)],
        )
        .map_err(io)?;
        tx.execute(
            "UPDATE audit SET before = '', after = '', note = NULL, payload_hash = ?1, hash = ?2 WHERE seq = ?3",
            params![payload_hash, hash, seq],
        )
        .map_err(io)?;
        prev = hash;
    }
    tx.execute_batch(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
    )
    .map_err(io)?;
    tx.execute_batch(PAYLOAD_TRIGGERS).map_err(io)?;
    Ok(())
}

/// One audit entry as exported: header, chain hashes and the (opened)
/// payload; a scrubbed payload has empty `before`/`after` and `erased_by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditRecord {
    /// Position in the chain (1, 2, …).
    pub seq: i64,
    /// The case (empty for entries about a customer or the store).
    pub case_id: String,
    /// Who.
    pub actor: String,
    /// The actor's role.
    pub role: String,
    /// When (RFC 3339).
    pub at: String,
    /// What.
    pub action: String,
    /// Changed fields before.
    pub before: serde_json::Value,
    /// Changed fields after.
    pub after: serde_json::Value,
    /// Free text.
    pub note: Option<String>,
    /// The seq of the `erase` entry that scrubbed this payload.
    pub erased_by: Option<i64>,
    /// SHA-256 of the canonical plaintext payload (hex).
    pub payload_hash: String,
    /// Chain hash (hex).
    pub hash: String,
}

impl AuditRecord {
    /// As an [`AuditEntry`] (a scrubbed payload gives note `erased`).
    pub fn to_entry(&self) -> Result<AuditEntry> {
        let at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|x| CxError::invalid("audit.at", None, &self.at, x.to_string()))?;
        Ok(AuditEntry {
            case_id: self.case_id.clone(),
            actor: self.actor.clone(),
            at,
            action: self.action.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
            note: if self.erased_by.is_some() {
                Some("erased".into())
            } else {
                self.note.clone()
            },
        })
    }
}

const SELECT: &str =
    "SELECT a.seq, a.case_id, a.actor, a.role, a.at, a.action, a.payload_hash, a.hash,
        p.body, p.erased_by
    FROM audit a LEFT JOIN audit_payload p ON p.seq = a.seq";

type RawRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

/// Open a stored payload body: the plaintext JSON object.
fn open_body(sealer: &Sealer, seq: i64, body: &str) -> Result<serde_json::Value> {
    let mut v: serde_json::Value = serde_json::from_str(body).map_err(fmt_err)?;
    seal_or_open(&mut v, seq, &|aad, s| sealer.open(aad, s))?;
    Ok(v)
}

fn record(sealer: &Sealer, row: RawRow) -> Result<AuditRecord> {
    let (seq, case_id, actor, role, at, action, payload_hash, hash, body, erased_by) = row;
    let empty = || serde_json::json!({});
    let (before, after, note) = match (&body, erased_by) {
        (Some(b), None) => {
            let v = open_body(sealer, seq, b)?;
            (
                v.get("before").cloned().unwrap_or_else(empty),
                v.get("after").cloned().unwrap_or_else(empty),
                v.get("note").and_then(|n| n.as_str()).map(str::to_owned),
            )
        }
        _ => (empty(), empty(), None),
    };
    Ok(AuditRecord {
        seq,
        case_id,
        actor,
        role,
        at,
        action,
        before,
        after,
        note,
        erased_by,
        payload_hash: payload_hash.unwrap_or_default(),
        hash: hash.unwrap_or_default(),
    })
}

/// Records matching `where_sql` (with one parameter), in seq order.
pub(crate) fn records(
    conn: &Connection,
    sealer: &Sealer,
    where_sql: &str,
    param: &dyn rusqlite::ToSql,
) -> Result<Vec<AuditRecord>> {
    let sql = format!("{SELECT} WHERE {where_sql} ORDER BY a.seq");
    let mut s = conn.prepare(&sql).map_err(io)?;
    let rows = s.query_map([param], raw).map_err(io)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(record(sealer, row.map_err(io)?)?);
    }
    Ok(out)
}

/// The trail of one case, oldest first.
pub(crate) fn case_entries(
    conn: &Connection,
    sealer: &Sealer,
    case_id: &str,
) -> Result<Vec<AuditEntry>> {
    records(conn, sealer, "a.case_id = ?1", &case_id)?
        .iter()
        .map(AuditRecord::to_entry)
        .collect()
}

/// Write the entries with `from <= at < to` as JSON lines; returns the count.
pub(crate) fn export(
    conn: &Connection,
    sealer: &Sealer,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    out: &mut dyn Write,
) -> Result<u64> {
    let mut s = conn
        .prepare(&format!("{SELECT} ORDER BY a.seq"))
        .map_err(io)?;
    let rows = s.query_map([], raw).map_err(io)?;
    let mut n = 0;
    for row in rows {
        let row = row.map_err(io)?;
        let at = DateTime::parse_from_rfc3339(&row.4)
            .map_err(|x| CxError::invalid("audit.at", None, &row.4, x.to_string()))?;
        if at < from || at >= to {
            continue;
        }
        let r = record(sealer, row)?;
        let line = serde_json::to_string(&r).map_err(fmt_err)?;
        writeln!(out, "{line}").map_err(|e| CxError::Io {
            path: "audit export".into(),
            message: e.to_string(),
        })?;
        n += 1;
    }
    Ok(n)
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditVerification {
    /// Whether the whole chain verified.
    pub ok: bool,
    /// Entries checked.
    pub entries: u64,
    /// The first seq that does not verify.
    pub first_broken_seq: Option<i64>,
    /// Why it does not verify.
    pub reason: Option<String>,
    /// Payloads scrubbed by erasure or retention (each covered by an `erase` entry).
    pub scrubbed: u64,
    /// Hash of the last entry: keep it outside the database to detect a
    /// rewrite of the whole chain.
    pub head_hash: String,
}

/// Verify the whole chain (see the module documentation).
///
/// # Errors
/// [`CxError::Io`]; an error opening a sealed payload (a store opened
/// without its keys).
pub(crate) fn verify(conn: &Connection, sealer: &Sealer) -> Result<AuditVerification> {
    // Which erase entry covers which seq (the erase payloads are verified in turn).
    let mut covers: HashMap<i64, i64> = HashMap::new();
    {
        let mut s = conn
            .prepare(
                "SELECT a.seq, p.body FROM audit a JOIN audit_payload p ON p.seq = a.seq
                 WHERE a.action = 'erase' AND p.erased_by IS NULL",
            )
            .map_err(io)?;
        let rows = s
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(io)?;
        for row in rows {
            let (e, body) = row.map_err(io)?;
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            if let Some(list) = v.pointer("/after/scrubbed").and_then(|x| x.as_array()) {
                for s in list.iter().filter_map(serde_json::Value::as_i64) {
                    covers.insert(s, e);
                }
            }
        }
    }
    let mut s = conn
        .prepare(&format!("{SELECT} ORDER BY a.seq"))
        .map_err(io)?;
    let rows = s.query_map([], raw).map_err(io)?;
    let mut prev = GENESIS.to_owned();
    let (mut last, mut entries, mut scrubbed) = (0i64, 0u64, 0u64);
    let mut uncovered: Option<i64> = None;
    let broken = |seq: i64, why: &str, entries, scrubbed, prev: &str| AuditVerification {
        ok: false,
        entries,
        first_broken_seq: Some(seq),
        reason: Some(why.into()),
        scrubbed,
        head_hash: prev.into(),
    };
    for row in rows {
        let (seq, case_id, actor, role, at, action, payload_hash, hash, body, erased_by) =
            row.map_err(io)?;
        if seq != last + 1 {
            return Ok(broken(
                last + 1,
                "entry missing (gap in the sequence)",
                entries,
                scrubbed,
                &prev,
            ));
        }
        let (Some(payload_hash), Some(hash)) = (payload_hash, hash) else {
            return Ok(broken(
                seq,
                "entry is not chained",
                entries,
                scrubbed,
                &prev,
            ));
        };
        let Some(body) = body else {
            return Ok(broken(seq, "payload missing", entries, scrubbed, &prev));
        };
        match erased_by {
            Some(e) => {
                // Coverage comes from chained erase payloads: trust it only once
                // the whole chain verified, so a tampered erase entry is reported
                // at its own seq rather than at the tombstones it covered.
                if (covers.get(&seq) != Some(&e) || e <= seq) && uncovered.is_none() {
                    uncovered = Some(seq);
                }
                scrubbed += 1;
            }
            None => {
                let plain = match open_body(sealer, seq, &body) {
                    Ok(v) => v,
                    Err(CxError::Format { .. }) => {
                        return Ok(broken(
                            seq,
                            "payload is not valid JSON",
                            entries,
                            scrubbed,
                            &prev,
                        ));
                    }
                    // With keys, a sealed field that does not open was tampered with
                    // (or moved): a broken entry. Without keys it is the caller's error.
                    Err(CxError::Decryption { .. }) if sealer.has_cipher() => {
                        return Ok(broken(
                            seq,
                            "a sealed payload field does not open (tampered or moved)",
                            entries,
                            scrubbed,
                            &prev,
                        ));
                    }
                    Err(e) => return Err(e),
                };
                if sha256_hex(canonical(&plain).as_bytes()) != payload_hash {
                    return Ok(broken(
                        seq,
                        "payload does not match its hash",
                        entries,
                        scrubbed,
                        &prev,
                    ));
                }
            }
        }
        let expect = link(
            &prev,
            &header(seq, &case_id, &actor, &role, &at, &action),
            &payload_hash,
        );
        if expect != hash {
            return Ok(broken(
                seq,
                "header or chain hash does not match",
                entries,
                scrubbed,
                &prev,
            ));
        }
        prev = hash;
        last = seq;
        entries += 1;
    }
    let high: Option<i64> = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'audit'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(io)?;
    if high.is_some_and(|h| h > last) {
        return Ok(broken(
            last + 1,
            "entries missing at the end of the trail",
            entries,
            scrubbed,
            &prev,
        ));
    }
    if let Some(seq) = uncovered {
        return Ok(broken(
            seq,
            "payload scrubbed without a covering erase entry",
            entries,
            scrubbed,
            &prev,
        ));
    }
    Ok(AuditVerification {
        ok: true,
        entries,
        first_broken_seq: None,
        reason: None,
        scrubbed,
        head_hash: prev,
    })
}

/// Replace the payloads `seqs` by tombstones covered by the `erase` entry `by`.
pub(crate) fn scrub(tx: &Connection, seqs: &[i64], by: i64) -> Result<usize> {
    let tomb = canonical(&serde_json::json!({ "erased_by": by }));
    let mut s = tx
        .prepare_cached(
            "UPDATE audit_payload SET body = ?1, customer_id = NULL, erased_by = ?2
             WHERE seq = ?3 AND erased_by IS NULL",
        )
        .map_err(io)?;
    let mut n = 0;
    for seq in seqs {
        n += s.execute(params![tomb, by, seq]).map_err(io)?;
    }
    Ok(n)
}
