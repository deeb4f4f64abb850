//! Bindings of the data-protection methods of `SqliteCaseStore` (issue #10):
//! customers and consent, feedback, the audit chain, retention, erasure and
//! subject access export. Functions take the `_CaseStore` of
//! `cx.cases.CaseStore`; records cross as JSON text.

use std::collections::BTreeMap;

use cx_core::CxError;
use cx_core::cases::store::customers::{ConsentPurpose, FeedbackRecord};
use cx_core::cases::store::retention::RetentionPolicy;
use cx_core::model::{Consent, Customer, CustomerId, Personal};
use pyo3::prelude::*;
use serde::Deserialize;

use std::sync::Mutex;

use cx_core::cases::store::{Principal, SqliteCaseStore};
use cx_core::privacy::FieldCipher;

use crate::cases::{PyCaseStore, from_json, instant, to_json};
use crate::error::to_py;
use crate::run;

/// The JSON form of a customer from Python.
#[derive(Deserialize)]
struct CustomerIn {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    segment: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    consent: BTreeMap<String, bool>,
}

fn customer_from(c: CustomerIn) -> cx_core::Result<Customer> {
    let mut consent = Consent::none();
    for (k, v) in c.consent {
        consent = match k.parse::<ConsentPurpose>()? {
            ConsentPurpose::SurveyContact => consent.survey_contact(v),
            ConsentPurpose::FollowUpCalls => consent.follow_up_calls(v),
            _ => consent.analytics(v),
        };
    }
    let mut out = Customer::new(CustomerId::new(c.id)?).with_consent(consent);
    out.name = c.name.map(Personal::new);
    out.phone = c.phone.map(Personal::new);
    out.email = c.email.map(Personal::new);
    out.segment = c.segment;
    out.attributes = c.attributes;
    Ok(out)
}

fn customer_json(c: &Customer) -> serde_json::Value {
    serde_json::json!({
        "id": c.id.as_str(),
        "name": c.name.as_ref().map(|x| x.expose()),
        "phone": c.phone.as_ref().map(|x| x.expose()),
        "email": c.email.as_ref().map(|x| x.expose()),
        "segment": c.segment,
        "attributes": c.attributes,
        "consent": c.consent,
    })
}

#[pyfunction]
#[pyo3(signature = (store, customer_json, at, /))]
fn _store_upsert_customer(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    customer_json: &str,
    at: &str,
) -> PyResult<()> {
    store.with(py, |s, p| {
        let c = customer_from(from_json(customer_json, "customer")?)?;
        s.upsert_customer(p, &c, instant(at, "at")?)
    })
}

#[pyfunction]
#[pyo3(signature = (store, customer_id, purpose, granted, at, /))]
fn _store_set_consent(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    customer_id: &str,
    purpose: &str,
    granted: bool,
    at: &str,
) -> PyResult<()> {
    store.with(py, |s, p| {
        s.set_consent(
            p,
            customer_id,
            purpose.parse()?,
            granted,
            instant(at, "at")?,
        )
    })
}

#[pyfunction]
#[pyo3(signature = (store, customer_id, /))]
fn _store_get_customer(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    customer_id: &str,
) -> PyResult<String> {
    store.with(py, |s, p| {
        Ok(customer_json(&s.get_customer(p, customer_id)?).to_string())
    })
}

#[pyfunction]
#[pyo3(signature = (store, customer_id, /))]
fn _store_consent_history(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    customer_id: &str,
) -> PyResult<String> {
    store.with(py, |s, p| to_json(&s.consent_history(p, customer_id)?))
}

#[pyfunction]
#[pyo3(signature = (store, records_json, at, /))]
fn _store_insert_feedback(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    records_json: &str,
    at: &str,
) -> PyResult<usize> {
    store.with(py, |s, p| {
        let records: Vec<FeedbackRecord> = from_json(records_json, "feedback")?;
        s.insert_feedback(p, &records, instant(at, "at")?)
    })
}

#[pyfunction]
#[pyo3(signature = (store, require_analytics_consent, /))]
fn _store_export_feedback(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    require_analytics_consent: bool,
) -> PyResult<String> {
    store.with(py, |s, p| {
        let e = s.export_feedback(p, require_analytics_consent)?;
        let records: Vec<serde_json::Value> = e
            .records
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "customer_id": r.customer_id, "channel": r.channel, "at": r.at,
                    "nps": r.nps, "csat": r.csat, "ces": r.ces,
                    "text": r.text.as_ref().map(|t| t.expose()), "anonymised": r.anonymised,
                })
            })
            .collect();
        Ok(serde_json::json!({
            "records": records, "excluded": e.excluded, "excluded_customers": e.excluded_customers,
        })
        .to_string())
    })
}

#[pyfunction]
#[pyo3(signature = (store, case_id, version, delay_secs, at, /))]
fn _store_plan_follow_up(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    case_id: &str,
    version: u64,
    delay_secs: i64,
    at: &str,
) -> PyResult<String> {
    store.with(py, |s, p| {
        to_json(&s.plan_follow_up(p, case_id, version, delay_secs, instant(at, "at")?)?)
    })
}

#[pyfunction]
#[pyo3(signature = (store, /))]
fn _store_verify_audit(py: Python<'_>, store: PyRef<'_, PyCaseStore>) -> PyResult<String> {
    store.with(py, |s, p| to_json(&s.verify_audit(p)?))
}

#[pyfunction]
#[pyo3(signature = (store, start, end, /))]
fn _store_export_audit(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    start: &str,
    end: &str,
) -> PyResult<String> {
    store.with(py, |s, p| {
        let mut out = Vec::new();
        s.export_audit(p, instant(start, "start")?, instant(end, "end")?, &mut out)?;
        String::from_utf8(out).map_err(|e| CxError::Format {
            what: "audit export".into(),
            reason: e.to_string(),
        })
    })
}

#[pyfunction]
#[pyo3(signature = (store, policy_json, now, dry_run, /))]
fn _store_apply_retention(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    policy_json: &str,
    now: &str,
    dry_run: bool,
) -> PyResult<String> {
    store.with(py, |s, p| {
        let policy = RetentionPolicy::from_json(policy_json)?;
        to_json(&s.apply_retention(p, &policy, instant(now, "now")?, dry_run)?)
    })
}

#[pyfunction]
#[pyo3(signature = (store, customer_id, at, batch_size, /))]
fn _store_erase_customer(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    customer_id: &str,
    at: &str,
    batch_size: usize,
) -> PyResult<String> {
    store.with(py, |s, p| {
        to_json(&s.erase_customer_in_batches(p, customer_id, instant(at, "at")?, batch_size)?)
    })
}

#[pyfunction]
#[pyo3(signature = (store, customer_id, /))]
fn _store_export_customer(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    customer_id: &str,
) -> PyResult<String> {
    store.with(py, |s, p| {
        Ok(s.export_customer(p, customer_id)?.to_string())
    })
}

#[pyfunction]
#[pyo3(signature = (store, batches, /))]
fn _store_fail_after_batches(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    batches: Option<usize>,
) -> PyResult<()> {
    store.with(py, |s, _| {
        s.fail_after_batches(batches);
        Ok(())
    })
}

#[pyfunction]
#[pyo3(signature = (path, principal_json, keys, /))]
fn _store_open_with_keys(
    py: Python<'_>,
    path: String,
    principal_json: &str,
    keys: &Bound<'_, PyAny>,
) -> PyResult<PyCaseStore> {
    let (provider, _) = crate::crypto::provider_from_py(keys)?;
    let principal: Principal = from_json(principal_json, "principal").map_err(to_py)?;
    let cipher = FieldCipher::new(provider);
    let store = run(py, move || SqliteCaseStore::open_with_cipher(&path, cipher))?;
    Ok(PyCaseStore {
        store: Mutex::new(store),
        principal,
    })
}

#[pyfunction]
#[pyo3(signature = (store, batch_size, /))]
fn _store_rotate_keys(
    py: Python<'_>,
    store: PyRef<'_, PyCaseStore>,
    batch_size: usize,
) -> PyResult<String> {
    store.with(py, |s, p| to_json(&s.rotate_keys(p, batch_size)?))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_store_open_with_keys, m)?)?;
    m.add_function(wrap_pyfunction!(_store_rotate_keys, m)?)?;
    m.add_function(wrap_pyfunction!(_store_upsert_customer, m)?)?;
    m.add_function(wrap_pyfunction!(_store_set_consent, m)?)?;
    m.add_function(wrap_pyfunction!(_store_get_customer, m)?)?;
    m.add_function(wrap_pyfunction!(_store_consent_history, m)?)?;
    m.add_function(wrap_pyfunction!(_store_insert_feedback, m)?)?;
    m.add_function(wrap_pyfunction!(_store_export_feedback, m)?)?;
    m.add_function(wrap_pyfunction!(_store_plan_follow_up, m)?)?;
    m.add_function(wrap_pyfunction!(_store_verify_audit, m)?)?;
    m.add_function(wrap_pyfunction!(_store_export_audit, m)?)?;
    m.add_function(wrap_pyfunction!(_store_apply_retention, m)?)?;
    m.add_function(wrap_pyfunction!(_store_erase_customer, m)?)?;
    m.add_function(wrap_pyfunction!(_store_export_customer, m)?)?;
    m.add_function(wrap_pyfunction!(_store_fail_after_batches, m)?)?;
    Ok(())
}
