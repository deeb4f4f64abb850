//! [`SqliteCaseStore`]: the [`CaseStore`] on SQLite (rusqlite, bundled).
//!
//! - **Schema versioning**: table `schema_version`; migrations are applied in
//!   order on open, inside one immediate transaction; a database written by a
//!   newer cx (unknown version) is refused with [`CxError::Format`].
//! - **WAL** journal with `synchronous = NORMAL`: a committed transaction
//!   survives the crash of the writing process (SIGKILL); after a power loss the
//!   last transactions may roll back, never half-apply (SQLite "WAL mode").
//! - **Transactions**: every change is one `BEGIN IMMEDIATE` transaction
//!   holding the case update and its audit entry; a busy database is waited
//!   for (busy timeout 30 s).
//! - **Optimistic concurrency**: `UPDATE … WHERE id = ? AND version = ?`; a
//!   stale version gives [`CxError::Conflict`].
//! - **Append-only, tamper-evident audit**: triggers abort any `UPDATE` or
//!   `DELETE` on `audit`; each entry is chained by SHA-256 over the previous
//!   hash, its header and the hash of its payload, which lives in
//!   `audit_payload` so that erasure can scrub it (see [`chain`]).
//! - **Customers, consent, feedback** (schema 3): see [`customers`];
//!   retention in [`retention`], erasure and subject access in [`erase`].
//! - **`secure_delete`** is on: deleted and overwritten content is zeroed in the
//!   file, not left in free pages.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{CaseChange, CaseEvent, CaseFilter, CaseStore, Principal, mask_case, mask_json};
use crate::cases::audit::AuditEntry;
use crate::cases::state::Case;
use crate::{CxError, Result};

pub mod chain;
pub mod customers;
pub mod erase;
mod fields;
pub mod retention;
pub mod rotate;

use fields::Sealer;

/// Migrations, in order: `(version, SQL)`.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE cases (
            id TEXT PRIMARY KEY,
            team TEXT NOT NULL,
            state TEXT NOT NULL,
            version INTEGER NOT NULL,
            customer_id TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            doc TEXT NOT NULL
        );
        CREATE INDEX cases_team_state ON cases (team, state);
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            case_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            role TEXT NOT NULL,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            note TEXT
        );
        CREATE INDEX audit_case ON audit (case_id, seq);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
    ),
    (
        2,
        "CREATE TABLE case_events (
            id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX case_events_case ON case_events (case_id, at);",
    ),
    (3, MIGRATION_3),
];

/// Schema 3: customers with consent (and its history), feedback records, the
/// audit payload split from the chained audit header, erasure jobs. The audit
/// rows of an older file are re-chained by [`chain::migrate`] right after.
const MIGRATION_3: &str = "
    CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        name TEXT, phone TEXT, email TEXT,
        segment TEXT,
        attributes TEXT NOT NULL DEFAULT '{}',
        survey_contact INTEGER NOT NULL DEFAULT 0, survey_contact_at TEXT, survey_contact_by TEXT,
        follow_up_calls INTEGER NOT NULL DEFAULT 0, follow_up_calls_at TEXT, follow_up_calls_by TEXT,
        analytics INTEGER NOT NULL DEFAULT 0, analytics_at TEXT, analytics_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE consent_events (
        id INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        granted INTEGER NOT NULL,
        at TEXT NOT NULL,
        by TEXT NOT NULL
    );
    CREATE INDEX consent_events_customer ON consent_events (customer_id, id);
    CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        customer_id TEXT,
        channel TEXT,
        at INTEGER NOT NULL,
        nps INTEGER, csat INTEGER, ces INTEGER,
        text TEXT,
        anonymised INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX feedback_customer ON feedback (customer_id);
    CREATE INDEX feedback_at ON feedback (at);
    CREATE INDEX cases_customer ON cases (customer_id);
    CREATE TABLE audit_payload (
        seq INTEGER PRIMARY KEY,
        customer_id TEXT,
        body TEXT NOT NULL,
        erased_by INTEGER
    );
    CREATE INDEX audit_payload_customer ON audit_payload (customer_id);
    ALTER TABLE audit ADD COLUMN payload_hash TEXT;
    ALTER TABLE audit ADD COLUMN hash TEXT;
    CREATE TABLE erasure_jobs (
        id TEXT PRIMARY KEY,
        customer_id TEXT,
        state TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        report TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX erasure_jobs_customer ON erasure_jobs (customer_id, state);";

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 3;

/// A case store in one SQLite file.
///
/// # Examples
/// ```
/// use cx_core::cases::{Case, Transition};
/// use cx_core::cases::store::{CaseChange, CaseStore, Principal, SqliteCaseStore};
/// let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T09:00:00+08:00").map_err(|e| {
///     cx_core::CxError::invalid("at", None, e, "bad")
/// })?;
/// let mut store = SqliteCaseStore::open_in_memory()?;
/// let admin = Principal::admin("root");
/// store.create(&admin, &Case::new("K1", "logistics", at)?)?;
/// let c = store.change(&admin, "K1", 1, &CaseChange::Transition(Transition::Triage), at)?;
/// assert_eq!(c.version, 2);
/// // A writer holding version 1 is refused, not silently overwritten.
/// let e = store.change(&admin, "K1", 1, &CaseChange::Transition(Transition::Triage), at);
/// assert_eq!(e.err().map(|e| e.code()), Some("conflict"));
/// // An agent of another team may not read it, and the denial is audited.
/// let e = store.get(&Principal::agent("ann", "payments"), "K1");
/// assert_eq!(e.err().map(|e| e.code()), Some("access_denied"));
/// let trail = store.audit(&admin, "K1")?;
/// assert_eq!(trail.last().map(|a| a.action.as_str()), Some("denied:read"));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub struct SqliteCaseStore {
    conn: Connection,
    path: String,
    sealer: Sealer,
    /// Test hook: fail after this many committed batches of a batched job.
    fail_after_batches: Option<usize>,
}

impl std::fmt::Debug for SqliteCaseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteCaseStore")
            .field("path", &self.path)
            .finish()
    }
}

fn db_err(path: &str) -> impl Fn(rusqlite::Error) -> CxError + '_ {
    move |e| CxError::Io {
        path: path.into(),
        message: e.to_string(),
    }
}

fn doc_err(e: serde_json::Error) -> CxError {
    CxError::Format {
        what: "stored case".into(),
        reason: e.to_string(),
    }
}

fn not_found(id: &str) -> CxError {
    CxError::invalid("case_id", None, id, "no such case")
}

impl SqliteCaseStore {
    /// Open (or create) the store at `path`, applying migrations.
    ///
    /// # Errors
    /// [`CxError::Io`] when SQLite fails; [`CxError::Format`] for a schema newer than this build.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let p = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(db_err(&p))?;
        Self::init(conn, p, Sealer::default())
    }

    /// Open (or create) the store at `path` with personal fields sealed by
    /// `cipher` (see [`fields`](self)): customer name, phone and e-mail,
    /// feedback text, case summary and contact, and the personal fields of
    /// audit payloads, each bound to `<table>/<row id>/<field>`. Values written
    /// before are read as they are and sealed by [`SqliteCaseStore::rotate_keys`].
    ///
    /// # Errors
    /// As [`SqliteCaseStore::open`]; the key provider's errors.
    pub fn open_with_cipher(
        path: impl AsRef<Path>,
        cipher: crate::privacy::FieldCipher,
    ) -> Result<Self> {
        let p = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(db_err(&p))?;
        cipher.current_key_id()?;
        Self::init(conn, p, Sealer::new(cipher))
    }

    /// A private in-memory store with `cipher` (for tests and examples).
    ///
    /// # Errors
    /// As [`SqliteCaseStore::open_with_cipher`].
    pub fn open_in_memory_with_cipher(cipher: crate::privacy::FieldCipher) -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(db_err(":memory:"))?;
        cipher.current_key_id()?;
        Self::init(conn, ":memory:".into(), Sealer::new(cipher))
    }

    /// A private in-memory store (for tests and examples).
    ///
    /// # Errors
    /// [`CxError::Io`] when SQLite fails.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(db_err(":memory:"))?;
        Self::init(conn, ":memory:".into(), Sealer::default())
    }

    fn init(mut conn: Connection, path: String, sealer: Sealer) -> Result<Self> {
        let p2 = path.clone();
        let e = db_err(&p2);
        conn.busy_timeout(Duration::from_secs(30)).map_err(&e)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(&e)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(&e)?;
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(&e)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&e)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            .map_err(&e)?;
        let current: i64 = tx
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                [],
                |r| r.get(0),
            )
            .map_err(&e)?;
        if current > SCHEMA_VERSION {
            return Err(CxError::Format {
                what: path.clone(),
                reason: format!(
                    "case store schema version {current} is newer than this cx ({SCHEMA_VERSION})"
                ),
            });
        }
        for (v, sql) in MIGRATIONS {
            if *v > current {
                tx.execute_batch(sql).map_err(&e)?;
                if *v == 3 {
                    chain::migrate(&tx, &sealer)?;
                }
                tx.execute("DELETE FROM schema_version", []).map_err(&e)?;
                tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [v])
                    .map_err(&e)?;
            }
        }
        tx.commit().map_err(&e)?;
        Ok(Self {
            conn,
            path,
            sealer,
            fail_after_batches: None,
        })
    }

    /// The schema version of the open database.
    ///
    /// # Errors
    /// [`CxError::Io`].
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
            .map_err(db_err(&self.path))
    }

    /// Verify the audit chain (see [`chain`]): the first broken seq and why,
    /// or ok with the head hash.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] unless admin or analyst; an error opening a
    /// sealed payload when the store was opened without its keys.
    pub fn verify_audit(&mut self, p: &Principal) -> Result<chain::AuditVerification> {
        self.require(
            p,
            "verify_audit",
            &[super::Role::Admin, super::Role::Analyst],
        )?;
        chain::verify(&self.conn, &self.sealer)
    }

    /// Write the audit entries with `from <= at < to` to `out` as JSON lines
    /// ([`chain::AuditRecord`], payloads opened); returns the count.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] unless admin; [`CxError::Io`].
    pub fn export_audit(
        &mut self,
        p: &Principal,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
        out: &mut dyn std::io::Write,
    ) -> Result<u64> {
        self.require(p, "export_audit", &[super::Role::Admin])?;
        chain::export(&self.conn, &self.sealer, from, to, out)
    }

    fn write_audit(
        tx: &rusqlite::Connection,
        sealer: &Sealer,
        p: &Principal,
        a: &AuditEntry,
        customer_id: Option<&str>,
    ) -> Result<i64> {
        chain::append(tx, sealer, p.role.as_str(), a, customer_id)
    }

    /// Record a denial in its own transaction and return the error.
    fn denied(&self, p: &Principal, err: CxError) -> CxError {
        if let CxError::AccessDenied {
            action,
            case,
            reason,
            ..
        } = &err
        {
            let now = Utc::now().fixed_offset();
            let entry = AuditEntry::denied(case, &p.name, now, action, reason);
            let written = self
                .conn
                .unchecked_transaction()
                .map_err(db_err(&self.path))
                .and_then(|tx| {
                    Self::write_audit(&tx, &self.sealer, p, &entry, None)?;
                    tx.commit().map_err(db_err(&self.path))
                });
            if let Err(e) = written {
                return e;
            }
        }
        err
    }

    fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<(String, String)>> {
        conn.prepare_cached("SELECT team, doc FROM cases WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    }

    fn insert(tx: &Connection, sealer: &Sealer, p: &Principal, c: &Case) -> Result<()> {
        let doc = case_doc(sealer, c)?;
        let n = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO cases (id, team, state, version, customer_id, created_at, updated_at, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    c.id,
                    c.team,
                    c.state.as_str(),
                    c.version as i64,
                    c.customer_id,
                    c.created_at.timestamp(),
                    c.updated_at.timestamp(),
                    doc,
                ])
            })
            .map_err(|e| CxError::Io {
                path: "case store".into(),
                message: e.to_string(),
            })?;
        if n == 0 {
            return Err(CxError::Conflict {
                case: c.id.clone(),
                expected: 0,
                found: c.version,
            });
        }
        let entry = AuditEntry::created(&c.id, &p.name, c.created_at, &c.to_json());
        Self::write_audit(tx, sealer, p, &entry, c.customer_id.as_deref())?;
        Ok(())
    }
}

/// The stored form of a case: its JSON with `summary` and `contact` sealed
/// (aad `cases/<id>/<field>`) when the store has a cipher.
fn case_doc(sealer: &Sealer, c: &Case) -> Result<String> {
    let mut v = serde_json::to_value(c).map_err(doc_err)?;
    if let Some(o) = v.as_object_mut() {
        for field in ["summary", "contact"] {
            if let Some(serde_json::Value::String(text)) = o.get_mut(field) {
                *text = sealer.seal(&format!("cases/{}/{field}", c.id), text)?;
            }
        }
    }
    serde_json::to_string(&v).map_err(doc_err)
}

/// Read a stored case, opening its sealed fields.
fn parse_case(sealer: &Sealer, doc: &str) -> Result<Case> {
    let mut v: serde_json::Value = serde_json::from_str(doc).map_err(doc_err)?;
    let id = v
        .get("id")
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_owned();
    if let Some(o) = v.as_object_mut() {
        for field in ["summary", "contact"] {
            if let Some(serde_json::Value::String(text)) = o.get_mut(field) {
                *text = sealer.open(&format!("cases/{id}/{field}"), text)?;
            }
        }
    }
    serde_json::from_value(v).map_err(doc_err)
}

impl CaseStore for SqliteCaseStore {
    fn create(&mut self, p: &Principal, case: &Case) -> Result<Case> {
        self.create_many(p, std::slice::from_ref(case))?;
        Ok(case.clone())
    }

    fn create_many(&mut self, p: &Principal, cases: &[Case]) -> Result<usize> {
        for c in cases {
            if let Err(err) = p.check_create(&c.id, &c.team) {
                return Err(self.denied(p, err));
            }
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_err(&path))?;
        for c in cases {
            Self::insert(&tx, &self.sealer, p, c)?;
        }
        tx.commit().map_err(db_err(&path))?;
        Ok(cases.len())
    }

    fn get(&mut self, p: &Principal, id: &str) -> Result<Case> {
        let (team, doc) = Self::load(&self.conn, id)
            .map_err(db_err(&self.path))?
            .ok_or_else(|| not_found(id))?;
        if let Err(err) = p.check_read(id, &team) {
            return Err(self.denied(p, err));
        }
        let mut c = parse_case(&self.sealer, &doc)?;
        if p.masked() {
            mask_case(&mut c);
        }
        Ok(c)
    }

    fn change(
        &mut self,
        p: &Principal,
        id: &str,
        expected_version: u64,
        change: &CaseChange,
        at: DateTime<FixedOffset>,
    ) -> Result<Case> {
        let path = self.path.clone();
        let e = db_err(&path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&e)?;
        let (team, doc) = Self::load(&tx, id)
            .map_err(&e)?
            .ok_or_else(|| not_found(id))?;
        if let Err(err) = p.check_change(id, &team, change) {
            drop(tx);
            return Err(self.denied(p, err));
        }
        let mut c = parse_case(&self.sealer, &doc)?;
        if c.version != expected_version {
            return Err(CxError::Conflict {
                case: id.into(),
                expected: expected_version,
                found: c.version,
            });
        }
        // Consent is checked against the store's current record of the
        // customer (read inside this transaction), never only a caller's copy.
        let stored;
        let change = match (change, c.customer_id.as_deref()) {
            (
                CaseChange::PlanFollowUp {
                    consent,
                    delay_secs,
                },
                Some(cid),
            ) => match customers::consent_in(&tx, cid)? {
                Some(current) => {
                    stored = CaseChange::PlanFollowUp {
                        consent: consent
                            .follow_up_calls(consent.follow_up_calls && current.follow_up_calls),
                        delay_secs: *delay_secs,
                    };
                    &stored
                }
                None => change,
            },
            _ => change,
        };
        let Some(entry) = change.apply_to(&mut c, &p.name, at)? else {
            return Ok(c);
        };
        let doc = case_doc(&self.sealer, &c)?;
        let n = tx
            .prepare_cached(
                "UPDATE cases SET team = ?1, state = ?2, version = ?3, updated_at = ?4, doc = ?5
                 WHERE id = ?6 AND version = ?7",
            )
            .and_then(|mut s| {
                s.execute(params![
                    c.team,
                    c.state.as_str(),
                    c.version as i64,
                    c.updated_at.timestamp(),
                    doc,
                    id,
                    expected_version as i64,
                ])
            })
            .map_err(&e)?;
        if n != 1 {
            return Err(CxError::Conflict {
                case: id.into(),
                expected: expected_version,
                found: c.version,
            });
        }
        Self::write_audit(&tx, &self.sealer, p, &entry, c.customer_id.as_deref())?;
        tx.commit().map_err(&e)?;
        Ok(c)
    }

    fn list(&mut self, p: &Principal, filter: &CaseFilter) -> Result<Vec<Case>> {
        if let Some(t) = &filter.team
            && let Err(err) = p.check_read("", t)
        {
            return Err(self.denied(p, err));
        }
        let scoped = !matches!(p.role, super::Role::Admin | super::Role::Analyst);
        let e = db_err(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT team, doc FROM cases
                 WHERE (?1 IS NULL OR team = ?1) AND (?2 IS NULL OR state = ?2)
                 ORDER BY id LIMIT ?3",
            )
            .map_err(&e)?;
        let limit = filter.limit.map_or(-1, |l| l as i64);
        let rows = stmt
            .query_map(
                params![filter.team, filter.state.map(|s| s.as_str()), limit],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .map_err(&e)?;
        let mut out = Vec::new();
        for row in rows {
            let (team, doc) = row.map_err(&e)?;
            if scoped && !p.teams.contains(&team) {
                continue;
            }
            let mut c = parse_case(&self.sealer, &doc)?;
            if p.masked() {
                mask_case(&mut c);
            }
            out.push(c);
        }
        Ok(out)
    }

    fn audit(&mut self, p: &Principal, id: &str) -> Result<Vec<AuditEntry>> {
        let (team, _) = Self::load(&self.conn, id)
            .map_err(db_err(&self.path))?
            .ok_or_else(|| not_found(id))?;
        if let Err(err) = p.check_read(id, &team) {
            return Err(self.denied(p, err));
        }
        let mut out = chain::case_entries(&self.conn, &self.sealer, id)?;
        if p.masked() {
            for a in &mut out {
                mask_json(&mut a.before);
                mask_json(&mut a.after);
            }
        }
        Ok(out)
    }

    fn insert_events(&mut self, p: &Principal, events: &[CaseEvent]) -> Result<usize> {
        let path = self.path.clone();
        let e = db_err(&path);
        // Team of each distinct case, checked before anything is written.
        let mut teams: HashMap<&str, String> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT team FROM cases WHERE id = ?1")
                .map_err(&e)?;
            for (i, ev) in events.iter().enumerate() {
                if teams.contains_key(ev.case_id.as_str()) {
                    continue;
                }
                let team: Option<String> = stmt
                    .query_row([&ev.case_id], |r| r.get(0))
                    .optional()
                    .map_err(&e)?;
                let team = team.ok_or_else(|| {
                    CxError::invalid("case_id", Some(i), &ev.case_id, "no such case")
                })?;
                teams.insert(&ev.case_id, team);
            }
        }
        let denial = teams.iter().find_map(|(id, team)| {
            p.check_change(id, team, &CaseChange::Transition(super::Transition::Resume))
                .err()
                .map(|err| match err {
                    CxError::AccessDenied {
                        principal,
                        case,
                        reason,
                        ..
                    } => CxError::AccessDenied {
                        principal,
                        action: "insert_events".into(),
                        case,
                        reason,
                    },
                    other => other,
                })
        });
        if let Some(err) = denial {
            return Err(self.denied(p, err));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&e)?;
        if self.sealer.has_cipher() {
            // Sealed details are bound to their row id, so ids are given here
            // (the immediate transaction makes this the only writer).
            let first: i64 = tx
                .query_row(
                    "SELECT COALESCE(MAX(id), 0) + 1 FROM case_events",
                    [],
                    |r| r.get(0),
                )
                .map_err(&e)?;
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO case_events (id, case_id, at, kind, actor, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(&e)?;
            for (id, ev) in (first..).zip(events) {
                let detail = self
                    .sealer
                    .seal_opt(&format!("case_events/{id}/detail"), ev.detail.as_deref())?;
                stmt.execute(params![id, ev.case_id, ev.at, ev.kind, ev.actor, detail])
                    .map_err(&e)?;
            }
        } else {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO case_events (case_id, at, kind, actor, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(&e)?;
            for ev in events {
                stmt.execute(params![ev.case_id, ev.at, ev.kind, ev.actor, ev.detail])
                    .map_err(&e)?;
            }
        }
        tx.commit().map_err(&e)?;
        Ok(events.len())
    }

    fn count_events(&mut self, p: &Principal, case_id: Option<&str>) -> Result<u64> {
        let path = self.path.clone();
        let e = db_err(&path);
        let n: i64 = match case_id {
            Some(id) => {
                let (team, _) = Self::load(&self.conn, id)
                    .map_err(&e)?
                    .ok_or_else(|| not_found(id))?;
                if let Err(err) = p.check_read(id, &team) {
                    return Err(self.denied(p, err));
                }
                self.conn
                    .query_row(
                        "SELECT COUNT(*) FROM case_events WHERE case_id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .map_err(&e)?
            }
            None if matches!(p.role, super::Role::Admin | super::Role::Analyst) => self
                .conn
                .query_row("SELECT COUNT(*) FROM case_events", [], |r| r.get(0))
                .map_err(&e)?,
            None => {
                let mut total = 0i64;
                for t in &p.teams {
                    let n: i64 = self
                        .conn
                        .query_row(
                            "SELECT COUNT(*) FROM case_events ev JOIN cases c ON c.id = ev.case_id WHERE c.team = ?1",
                            [t],
                            |r| r.get(0),
                        )
                        .map_err(&e)?;
                    total += n;
                }
                total
            }
        };
        Ok(n as u64)
    }
}
