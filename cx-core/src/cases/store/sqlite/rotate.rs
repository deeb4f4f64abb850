//! Key rotation: re-seal every personal field that is not sealed under the
//! current key (including plaintext written before the store had keys), in
//! batches, one transaction each. Resumable by construction: each batch
//! selects rows still not under the current key, so a rerun after a crash
//! continues where the last committed batch ended. Once it reports nothing
//! left, the old keys can be retired from the key provider.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::super::{Principal, Role};
use super::chain::PERSONAL_KEYS;
use super::customers::io;
use super::{Sealer, SqliteCaseStore};
use crate::{CxError, Result};

/// What [`SqliteCaseStore::rotate_keys`] re-sealed, per table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RotationReport {
    /// The key everything is now sealed under.
    pub key_id: String,
    /// Rows re-sealed per table (`customers`, `feedback`, `cases`, `case_events`, `audit_payload`).
    pub resealed: BTreeMap<String, u64>,
}

impl RotationReport {
    /// Rows re-sealed in all.
    pub fn total(&self) -> u64 {
        self.resealed.values().sum()
    }
}

/// `value` is not sealed under the key of `prefix` (`cx1:<id>:`).
fn stale(col: &str) -> String {
    format!("({col} IS NOT NULL AND substr({col}, 1, length(?1)) != ?1)")
}

fn reseal_opt(s: &Sealer, aad: &str, v: Option<String>) -> Result<Option<String>> {
    v.map(|v| s.reseal(aad, &v)).transpose()
}

fn batch_customers(tx: &Connection, s: &Sealer, prefix: &str, n: usize) -> Result<usize> {
    let sql = format!(
        "SELECT id, name, phone, email FROM customers WHERE {} OR {} OR {} LIMIT ?2",
        stale("name"),
        stale("phone"),
        stale("email")
    );
    type Row = (String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = {
        let mut st = tx.prepare(&sql).map_err(io)?;
        let it = st
            .query_map(params![prefix, n as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(io)?;
        it.collect::<rusqlite::Result<_>>().map_err(io)?
    };
    for (id, name, phone, email) in &rows {
        let a = |f: &str| format!("customers/{id}/{f}");
        tx.execute(
            "UPDATE customers SET name = ?1, phone = ?2, email = ?3 WHERE id = ?4",
            params![
                reseal_opt(s, &a("name"), name.clone())?,
                reseal_opt(s, &a("phone"), phone.clone())?,
                reseal_opt(s, &a("email"), email.clone())?,
                id
            ],
        )
        .map_err(io)?;
    }
    Ok(rows.len())
}

/// One batch of a table with a single sealed text column keyed by `id`
/// (`feedback.text`, `case_events.detail`); the aad is `<table>/<id>/<col>`.
fn batch_column<K>(
    tx: &Connection,
    s: &Sealer,
    prefix: &str,
    n: usize,
    (table, col): (&str, &str),
) -> Result<usize>
where
    K: rusqlite::types::FromSql + rusqlite::ToSql + std::fmt::Display,
{
    let sql = format!(
        "SELECT id, {col} FROM {table} WHERE {} LIMIT ?2",
        stale(col)
    );
    let rows: Vec<(K, String)> = {
        let mut st = tx.prepare(&sql).map_err(io)?;
        let it = st
            .query_map(params![prefix, n as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(io)?;
        it.collect::<rusqlite::Result<_>>().map_err(io)?
    };
    let update = format!("UPDATE {table} SET {col} = ?1 WHERE id = ?2");
    for (id, value) in &rows {
        let v = s.reseal(&format!("{table}/{id}/{col}"), value)?;
        tx.execute(&update, params![v, id]).map_err(io)?;
    }
    Ok(rows.len())
}

fn batch_feedback(tx: &Connection, s: &Sealer, prefix: &str, n: usize) -> Result<usize> {
    batch_column::<String>(tx, s, prefix, n, ("feedback", "text"))
}

fn batch_events(tx: &Connection, s: &Sealer, prefix: &str, n: usize) -> Result<usize> {
    batch_column::<i64>(tx, s, prefix, n, ("case_events", "detail"))
}

fn batch_cases(tx: &Connection, s: &Sealer, prefix: &str, n: usize) -> Result<usize> {
    let sql = format!(
        "SELECT id, doc FROM cases WHERE {} OR {} LIMIT ?2",
        stale("json_extract(doc, '$.summary')"),
        stale("json_extract(doc, '$.contact')")
    );
    let rows: Vec<(String, String)> = {
        let mut st = tx.prepare(&sql).map_err(io)?;
        let it = st
            .query_map(params![prefix, n as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(io)?;
        it.collect::<rusqlite::Result<_>>().map_err(io)?
    };
    for (id, doc) in &rows {
        let mut v: serde_json::Value = serde_json::from_str(doc).map_err(super::doc_err)?;
        if let Some(o) = v.as_object_mut() {
            for field in ["summary", "contact"] {
                if let Some(serde_json::Value::String(t)) = o.get_mut(field) {
                    *t = s.reseal(&format!("cases/{id}/{field}"), t)?;
                }
            }
        }
        tx.execute(
            "UPDATE cases SET doc = ?1 WHERE id = ?2",
            params![v.to_string(), id],
        )
        .map_err(io)?;
    }
    Ok(rows.len())
}

fn batch_audit(tx: &Connection, s: &Sealer, prefix: &str, n: usize) -> Result<usize> {
    let keys: Vec<String> = PERSONAL_KEYS.iter().map(|k| format!("'{k}'")).collect();
    let sql = format!(
        "SELECT seq, body FROM audit_payload p WHERE erased_by IS NULL AND EXISTS (
            SELECT 1 FROM json_tree(p.body) t WHERE t.path IN ('$.before', '$.after')
              AND t.key IN ({}) AND t.type = 'text' AND {}) LIMIT ?2",
        keys.join(", "),
        stale("t.value")
    );
    let rows: Vec<(i64, String)> = {
        let mut st = tx.prepare(&sql).map_err(io)?;
        let it = st
            .query_map(params![prefix, n as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(io)?;
        it.collect::<rusqlite::Result<_>>().map_err(io)?
    };
    for (seq, body) in &rows {
        let mut v: serde_json::Value = serde_json::from_str(body).map_err(super::doc_err)?;
        for side in ["before", "after"] {
            if let Some(o) = v.get_mut(side).and_then(|x| x.as_object_mut()) {
                for key in PERSONAL_KEYS {
                    if let Some(serde_json::Value::String(t)) = o.get_mut(key) {
                        *t = s.reseal(&format!("audit_payload/{seq}/{side}.{key}"), t)?;
                    }
                }
            }
        }
        tx.execute(
            "UPDATE audit_payload SET body = ?1 WHERE seq = ?2",
            params![super::chain::canonical(&v), seq],
        )
        .map_err(io)?;
    }
    Ok(rows.len())
}

type Batch = fn(&Connection, &Sealer, &str, usize) -> Result<usize>;

impl SqliteCaseStore {
    /// Re-seal every personal field not sealed under the provider's current
    /// key (plaintext included), `batch_size` rows per transaction; resumable.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] unless admin; [`CxError::InvalidOption`] when
    /// the store has no cipher or the batch size is 0; a decryption or
    /// unknown-key error for a value the provider cannot open.
    pub fn rotate_keys(&mut self, p: &Principal, batch_size: usize) -> Result<RotationReport> {
        self.require(p, "rotate_keys", &[Role::Admin])?;
        if batch_size == 0 {
            return Err(CxError::option("batch_size", "must be at least 1"));
        }
        let key_id = self.sealer.current_key_id()?.ok_or_else(|| {
            CxError::option(
                "keys",
                "the store was opened without keys: nothing to rotate to",
            )
        })?;
        let prefix = format!("cx1:{key_id}:");
        let sealer = self.sealer.clone();
        let mut report = RotationReport {
            key_id,
            resealed: BTreeMap::new(),
        };
        let steps: [(&str, Batch); 5] = [
            ("customers", batch_customers),
            ("feedback", batch_feedback),
            ("cases", batch_cases),
            ("case_events", batch_events),
            ("audit_payload", batch_audit),
        ];
        let mut done = 0usize;
        for (table, step) in steps {
            let total = report.resealed.entry(table.into()).or_default();
            loop {
                let tx = self.immediate()?;
                let k = step(&tx, &sealer, &prefix, batch_size)?;
                tx.commit().map_err(io)?;
                *total += k as u64;
                if k == 0 {
                    break;
                }
                self.batch_done(&mut done)?;
            }
        }
        self.checkpoint()?;
        Ok(report)
    }
}
