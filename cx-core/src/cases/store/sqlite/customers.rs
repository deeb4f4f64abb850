//! Customers, their consent (with history) and feedback records in the store.
//!
//! # Consent model
//! Three purposes, each a flag on the customer with when and by whom it was
//! last set, and every change kept in `consent_events` (the history a subject
//! access export shows): `survey_contact`, `follow_up_calls`, `analytics`. All
//! default to *not given* (PIPL Art. 14, GDPR Art. 7). Where they are checked:
//!
//! - a follow-up task ([`CaseChange::PlanFollowUp`](super::super::CaseChange))
//!   is planned only if the customer's **current** `follow_up_calls` consent,
//!   read in the same transaction, allows it (a caller's stale copy cannot
//!   override a withdrawal);
//! - [`SqliteCaseStore::export_feedback`] with `require_analytics_consent`
//!   leaves out the feedback of known customers without `analytics` consent
//!   and says how many records it left out.

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::super::{CaseChange, Principal, Role};
use super::{SqliteCaseStore, db_err};
use crate::cases::audit::AuditEntry;
use crate::cases::state::Case;
use crate::model::{Consent, Customer, CustomerId, Personal};
use crate::privacy::{RedactOptions, redact};
use crate::{CxError, Result};

/// A purpose a customer consents to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentPurpose {
    /// Survey invitations.
    SurveyContact,
    /// Follow-up calls (回访).
    FollowUpCalls,
    /// Inclusion in analytics exports.
    Analytics,
}

impl ConsentPurpose {
    /// Every purpose.
    pub const ALL: [ConsentPurpose; 3] = [
        ConsentPurpose::SurveyContact,
        ConsentPurpose::FollowUpCalls,
        ConsentPurpose::Analytics,
    ];
    /// snake_case name (also the column name).
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPurpose::SurveyContact => "survey_contact",
            ConsentPurpose::FollowUpCalls => "follow_up_calls",
            ConsentPurpose::Analytics => "analytics",
        }
    }
    fn of(self, c: &Consent) -> bool {
        match self {
            ConsentPurpose::SurveyContact => c.survey_contact,
            ConsentPurpose::FollowUpCalls => c.follow_up_calls,
            ConsentPurpose::Analytics => c.analytics,
        }
    }
}

impl std::str::FromStr for ConsentPurpose {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        ConsentPurpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                CxError::invalid(
                    "purpose",
                    None,
                    s,
                    "use survey_contact, follow_up_calls or analytics",
                )
            })
    }
}

/// One consent change (the history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConsentRecord {
    /// Purpose.
    pub purpose: ConsentPurpose,
    /// Given (true) or withdrawn (false).
    pub granted: bool,
    /// When (RFC 3339).
    pub at: String,
    /// Who recorded it.
    pub by: String,
}

/// A feedback record (one survey answer or comment) of a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeedbackRecord {
    /// Feedback id.
    pub id: String,
    /// The customer (a pseudonym once anonymised).
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Channel (e.g. `app`, `phone`).
    #[serde(default)]
    pub channel: Option<String>,
    /// When (Unix seconds; truncated to the UTC day once anonymised).
    pub at: i64,
    /// NPS rating 0–10.
    #[serde(default)]
    pub nps: Option<u8>,
    /// CSAT rating.
    #[serde(default)]
    pub csat: Option<u8>,
    /// CES rating.
    #[serde(default)]
    pub ces: Option<u8>,
    /// Free text (personal data).
    #[serde(default)]
    pub text: Option<Personal<String>>,
    /// Whether the record was anonymised (retention or erasure).
    #[serde(default)]
    pub anonymised: bool,
}

impl FeedbackRecord {
    /// A record with no scores, channel or text.
    pub fn new(id: impl Into<String>, customer_id: Option<&str>, at: i64) -> Self {
        Self {
            id: id.into(),
            customer_id: customer_id.map(str::to_owned),
            channel: None,
            at,
            nps: None,
            csat: None,
            ces: None,
            text: None,
            anonymised: false,
        }
    }
    /// Set the channel.
    pub fn with_channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }
    /// Set the NPS rating.
    pub fn with_nps(mut self, nps: u8) -> Self {
        self.nps = Some(nps);
        self
    }
    /// Set the CSAT rating.
    pub fn with_csat(mut self, csat: u8) -> Self {
        self.csat = Some(csat);
        self
    }
    /// Set the text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(Personal::new(text.into()));
        self
    }
}

/// What [`SqliteCaseStore::export_feedback`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeedbackExport {
    /// The records exported (ordered by id).
    pub records: Vec<FeedbackRecord>,
    /// Records left out for lack of analytics consent.
    pub excluded: usize,
    /// Distinct customers left out.
    pub excluded_customers: usize,
}

pub(crate) fn io(e: rusqlite::Error) -> CxError {
    CxError::Io {
        path: "case store".into(),
        message: e.to_string(),
    }
}

/// The stored consent of a customer (`None` when the store does not know them).
pub(crate) fn consent_in(conn: &Connection, customer_id: &str) -> Result<Option<Consent>> {
    conn.prepare_cached(
        "SELECT survey_contact, follow_up_calls, analytics FROM customers WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer_id], |r| {
            Ok(Consent::none()
                .survey_contact(r.get::<_, bool>(0)?)
                .follow_up_calls(r.get::<_, bool>(1)?)
                .analytics(r.get::<_, bool>(2)?))
        })
        .optional()
    })
    .map_err(io)
}

fn customer_json(c: &Customer) -> serde_json::Value {
    serde_json::json!({
        "name": c.name.as_ref().map(|x| x.expose()),
        "phone": c.phone.as_ref().map(|x| x.expose()),
        "email": c.email.as_ref().map(|x| x.expose()),
        "segment": c.segment,
        "attributes": c.attributes,
    })
}

fn feedback_err(what: &str, e: impl std::fmt::Display) -> CxError {
    CxError::Format {
        what: what.into(),
        reason: e.to_string(),
    }
}

fn score(v: Option<i64>) -> Option<u8> {
    v.and_then(|x| u8::try_from(x).ok())
}

impl SqliteCaseStore {
    /// Check that `p` has one of `roles`; a denial is audited.
    pub(crate) fn require(&self, p: &Principal, action: &str, roles: &[Role]) -> Result<()> {
        if roles.contains(&p.role) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(self.denied(
            p,
            p.deny(action, "", format!("requires role {}", names.join(" or "))),
        ))
    }

    pub(crate) fn immediate(&mut self) -> Result<rusqlite::Transaction<'_>> {
        let path = self.path.clone();
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_err(&path))
    }

    /// Insert or update a customer (personal fields sealed when the store has
    /// a cipher); consent flags that differ from the stored ones are recorded
    /// with `at` and the principal's name, and the change is audited.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] for an analyst; [`CxError::Io`].
    pub fn upsert_customer(
        &mut self,
        p: &Principal,
        c: &Customer,
        at: DateTime<FixedOffset>,
    ) -> Result<()> {
        self.require(
            p,
            "upsert_customer",
            &[Role::Admin, Role::TeamLead, Role::Agent],
        )?;
        let id = c.id.as_str().to_owned();
        let before = self.customer_in(&id)?;
        let sealer = self.sealer.clone();
        let tx = self.immediate()?;
        let seal = |field: &str, v: &Option<Personal<String>>| {
            sealer.seal_opt(
                &format!("customers/{id}/{field}"),
                v.as_ref().map(|x| x.expose().as_str()),
            )
        };
        let attrs =
            serde_json::to_string(&c.attributes).map_err(|e| feedback_err("attributes", e))?;
        tx.execute(
            "INSERT INTO customers (id, name, phone, email, segment, attributes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT(id) DO UPDATE SET name = ?2, phone = ?3, email = ?4, segment = ?5,
                attributes = ?6, updated_at = ?7",
            params![
                id,
                seal("name", &c.name)?,
                seal("phone", &c.phone)?,
                seal("email", &c.email)?,
                c.segment,
                attrs,
                at.timestamp()
            ],
        )
        .map_err(io)?;
        let old = before.as_ref().map(|b| b.consent).unwrap_or_default();
        for purpose in ConsentPurpose::ALL {
            if before.is_none() || purpose.of(&old) != purpose.of(&c.consent) {
                record_consent(&tx, &id, purpose, purpose.of(&c.consent), at, &p.name)?;
            }
        }
        let empty = serde_json::json!({});
        let mut entry = AuditEntry::diff(
            "",
            &p.name,
            at,
            "customer.upsert",
            before
                .as_ref()
                .map(customer_json)
                .as_ref()
                .unwrap_or(&empty),
            &customer_json(c),
        );
        entry.after["consent"] = serde_json::to_value(c.consent).unwrap_or_default();
        Self::write_audit(&tx, &sealer, p, &entry, Some(&id))?;
        tx.commit().map_err(io)
    }

    /// Give or withdraw consent for one purpose (recorded with when and by,
    /// kept in the history, audited). Takes effect for every later check.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] for an analyst; [`CxError::InvalidValue`] for
    /// an unknown customer.
    pub fn set_consent(
        &mut self,
        p: &Principal,
        customer_id: &str,
        purpose: ConsentPurpose,
        granted: bool,
        at: DateTime<FixedOffset>,
    ) -> Result<()> {
        self.require(
            p,
            "set_consent",
            &[Role::Admin, Role::TeamLead, Role::Agent],
        )?;
        let sealer = self.sealer.clone();
        let tx = self.immediate()?;
        let Some(old) = consent_in(&tx, customer_id)? else {
            return Err(CxError::invalid(
                "customer_id",
                None,
                customer_id,
                "no such customer",
            ));
        };
        record_consent(&tx, customer_id, purpose, granted, at, &p.name)?;
        let mut entry = AuditEntry::diff(
            "",
            &p.name,
            at,
            "consent.set",
            &serde_json::json!({ purpose.as_str(): purpose.of(&old) }),
            &serde_json::json!({ purpose.as_str(): granted }),
        );
        entry.note = Some(purpose.as_str().into());
        Self::write_audit(&tx, &sealer, p, &entry, Some(customer_id))?;
        tx.commit().map_err(io)
    }

    pub(crate) fn customer_in(&self, id: &str) -> Result<Option<Customer>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT name, phone, email, segment, attributes, survey_contact, follow_up_calls, analytics
                 FROM customers WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        Consent::none()
                            .survey_contact(r.get(5)?)
                            .follow_up_calls(r.get(6)?)
                            .analytics(r.get(7)?),
                    ))
                })
                .optional()
            })
            .map_err(io)?;
        let Some((name, phone, email, segment, attrs, consent)) = row else {
            return Ok(None);
        };
        let mut c = Customer::new(CustomerId::new(id)?).with_consent(consent);
        let open = |f: &str, v| self.sealer.open_opt(&format!("customers/{id}/{f}"), v);
        c.name = open("name", name)?.map(Personal::new);
        c.phone = open("phone", phone)?.map(Personal::new);
        c.email = open("email", email)?.map(Personal::new);
        c.segment = segment;
        c.attributes = serde_json::from_str(&attrs).map_err(|e| feedback_err("attributes", e))?;
        Ok(Some(c))
    }

    /// A stored customer (personal fields masked for analysts).
    ///
    /// # Errors
    /// [`CxError::InvalidValue`] for an unknown customer; a decryption error.
    pub fn get_customer(&mut self, p: &Principal, id: &str) -> Result<Customer> {
        let mut c = self
            .customer_in(id)?
            .ok_or_else(|| CxError::invalid("customer_id", None, id, "no such customer"))?;
        if p.masked() {
            let m = || Some(Personal::new(super::super::MASKED.to_owned()));
            c.name = c.name.and(m());
            c.phone = c.phone.and(m());
            c.email = c.email.and(m());
        }
        Ok(c)
    }

    /// The consent history of a customer, oldest first.
    ///
    /// # Errors
    /// [`CxError::Io`].
    pub fn consent_history(
        &mut self,
        p: &Principal,
        customer_id: &str,
    ) -> Result<Vec<ConsentRecord>> {
        self.require(
            p,
            "consent_history",
            &[Role::Admin, Role::TeamLead, Role::Agent],
        )?;
        consent_history_in(&self.conn, customer_id)
    }

    /// Insert feedback records in one transaction (all or none); returns the count.
    /// Each customer's records are audited by id (the text is not copied to the trail).
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] for an analyst; [`CxError::Conflict`]-free:
    /// an existing id is [`CxError::InvalidValue`] (row = position).
    pub fn insert_feedback(
        &mut self,
        p: &Principal,
        records: &[FeedbackRecord],
        at: DateTime<FixedOffset>,
    ) -> Result<usize> {
        self.require(
            p,
            "insert_feedback",
            &[Role::Admin, Role::TeamLead, Role::Agent],
        )?;
        let sealer = self.sealer.clone();
        let tx = self.immediate()?;
        let mut by_customer: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        {
            let mut s = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO feedback (id, customer_id, channel, at, nps, csat, ces, text, anonymised)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(io)?;
            for (i, r) in records.iter().enumerate() {
                if r.nps.is_some_and(|x| x > 10) {
                    return Err(CxError::invalid(
                        "nps",
                        Some(i),
                        r.nps.unwrap_or(0),
                        "outside 0..=10",
                    ));
                }
                let text = sealer.seal_opt(
                    &format!("feedback/{}/text", r.id),
                    r.text.as_ref().map(|t| t.expose().as_str()),
                )?;
                let n = s
                    .execute(params![
                        r.id,
                        r.customer_id,
                        r.channel,
                        r.at,
                        r.nps,
                        r.csat,
                        r.ces,
                        text,
                        r.anonymised
                    ])
                    .map_err(io)?;
                if n == 0 {
                    return Err(CxError::invalid(
                        "id",
                        Some(i),
                        &r.id,
                        "feedback id already stored",
                    ));
                }
                if let Some(c) = r.customer_id.as_deref() {
                    by_customer.entry(c).or_default().push(&r.id);
                }
            }
        }
        for (c, ids) in by_customer {
            let entry = AuditEntry::diff(
                "",
                &p.name,
                at,
                "feedback.insert",
                &serde_json::json!({}),
                &serde_json::json!({ "feedback_ids": ids }),
            );
            Self::write_audit(&tx, &sealer, p, &entry, Some(c))?;
        }
        tx.commit().map_err(io)?;
        Ok(records.len())
    }

    /// Every feedback record; with `require_analytics_consent`, records of
    /// known customers without analytics consent are left out and counted.
    /// Anonymised records and records of customers the store does not know
    /// are included. Analysts get the text with personal data redacted.
    ///
    /// # Errors
    /// [`CxError::AccessDenied`] for agents and team leads.
    pub fn export_feedback(
        &mut self,
        p: &Principal,
        require_analytics_consent: bool,
    ) -> Result<FeedbackExport> {
        self.require(p, "export_feedback", &[Role::Admin, Role::Analyst])?;
        let mut s = self
            .conn
            .prepare(
                "SELECT f.id, f.customer_id, f.channel, f.at, f.nps, f.csat, f.ces, f.text, f.anonymised,
                        c.analytics
                 FROM feedback f LEFT JOIN customers c ON c.id = f.customer_id ORDER BY f.id",
            )
            .map_err(io)?;
        let rows = s
            .query_map([], |r| {
                Ok((
                    FeedbackRecord {
                        id: r.get(0)?,
                        customer_id: r.get(1)?,
                        channel: r.get(2)?,
                        at: r.get(3)?,
                        nps: score(r.get(4)?),
                        csat: score(r.get(5)?),
                        ces: score(r.get(6)?),
                        text: None,
                        anonymised: r.get(8)?,
                    },
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<bool>>(9)?,
                ))
            })
            .map_err(io)?;
        let mut out = FeedbackExport {
            records: Vec::new(),
            excluded: 0,
            excluded_customers: 0,
        };
        let mut excluded = std::collections::BTreeSet::new();
        for row in rows {
            let (mut rec, text, analytics) = row.map_err(io)?;
            if require_analytics_consent && analytics == Some(false) {
                out.excluded += 1;
                excluded.insert(rec.customer_id.clone());
                continue;
            }
            let text = self
                .sealer
                .open_opt(&format!("feedback/{}/text", rec.id), text)?;
            rec.text = text.map(|t| {
                Personal::new(if p.masked() {
                    redact(&t, RedactOptions::new()).text
                } else {
                    t
                })
            });
            out.records.push(rec);
        }
        out.excluded_customers = excluded.len();
        Ok(out)
    }

    /// Plan the follow-up call of a resolved case under the customer's
    /// **current** consent as stored (no task when the case has no known
    /// customer or the customer has not consented to follow-up calls).
    ///
    /// # Errors
    /// As [`CaseStore::change`](super::super::CaseStore::change).
    pub fn plan_follow_up(
        &mut self,
        p: &Principal,
        case_id: &str,
        expected_version: u64,
        delay_secs: i64,
        at: DateTime<FixedOffset>,
    ) -> Result<Case> {
        use super::super::CaseStore;
        let c = self.get(p, case_id)?;
        let consent = match c.customer_id.as_deref() {
            Some(cid) => consent_in(&self.conn, cid)?.unwrap_or_default(),
            None => Consent::none(),
        };
        self.change(
            p,
            case_id,
            expected_version,
            &CaseChange::PlanFollowUp {
                consent,
                delay_secs,
            },
            at,
        )
    }
}

fn record_consent(
    tx: &Connection,
    id: &str,
    purpose: ConsentPurpose,
    granted: bool,
    at: DateTime<FixedOffset>,
    by: &str,
) -> Result<()> {
    let col = purpose.as_str();
    tx.execute(
        &format!("UPDATE customers SET {col} = ?1, {col}_at = ?2, {col}_by = ?3 WHERE id = ?4"),
        params![granted, at.to_rfc3339(), by, id],
    )
    .map_err(io)?;
    tx.execute(
        "INSERT INTO consent_events (customer_id, purpose, granted, at, by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, col, granted, at.to_rfc3339(), by],
    )
    .map_err(io)?;
    Ok(())
}

pub(crate) fn consent_history_in(
    conn: &Connection,
    customer_id: &str,
) -> Result<Vec<ConsentRecord>> {
    let mut s = conn
        .prepare_cached(
            "SELECT purpose, granted, at, by FROM consent_events WHERE customer_id = ?1 ORDER BY id",
        )
        .map_err(io)?;
    let rows = s
        .query_map([customer_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .map_err(io)?;
    let mut out = Vec::new();
    for row in rows {
        let (purpose, granted, at, by) = row.map_err(io)?;
        out.push(ConsentRecord {
            purpose: purpose.parse()?,
            granted,
            at,
            by,
        });
    }
    Ok(out)
}
