//! Data protection in the SQLite case store (issue #10): schema migration,
//! consent checks, the tamper-evident audit chain, retention, erasure (also
//! interrupted, and killed with SIGKILL), subject access export.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, FixedOffset};
use cx_core::cases::store::customers::{ConsentPurpose, FeedbackRecord};
use cx_core::cases::store::retention::RetentionPolicy;
use cx_core::cases::store::{CaseChange, CaseEvent, CaseStore, Principal, Role, SqliteCaseStore};
use cx_core::cases::{Case, CaseState, FollowUpOutcome, Transition};
use cx_core::metrics::{NpsOptions, nps};
use cx_core::model::{Consent, Customer, CustomerId, Personal};

const T0: &str = "2024-03-01T09:00:00+08:00";
const PHONE: &str = "13912345678";
const NAME: &str = "欧阳娜娜";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cx-pstore-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("cases.db")
}

fn admin() -> Principal {
    Principal::admin("root")
}

fn customer(id: &str, consent: Consent) -> Customer {
    Customer::new(CustomerId::new(id).unwrap())
        .with_name(NAME)
        .with_phone(PHONE)
        .with_email("nana@example.cn")
        .with_consent(consent)
}

/// A customer with data in every table: customer row, consent history,
/// feedback with text, a resolved+followed-up case with summary and contact,
/// case events with detail, audit payloads.
fn populate(s: &mut SqliteCaseStore, id: &str, n_feedback: usize, n_cases: usize) {
    let p = admin();
    s.upsert_customer(&p, &customer(id, Consent::all()), at(T0))
        .unwrap();
    s.set_consent(&p, id, ConsentPurpose::Analytics, false, at(T0))
        .unwrap();
    s.set_consent(&p, id, ConsentPurpose::Analytics, true, at(T0))
        .unwrap();
    let fb: Vec<FeedbackRecord> = (0..n_feedback)
        .map(|i| {
            FeedbackRecord::new(format!("{id}-F{i}"), Some(id), 1_709_254_800 + i as i64)
                .with_channel("app")
                .with_nps((i % 11) as u8)
                .with_text(format!("{NAME} 说快递太慢，电话 {PHONE}"))
        })
        .collect();
    s.insert_feedback(&p, &fb, at(T0)).unwrap();
    for k in 0..n_cases {
        let cid = format!("{id}-K{k}");
        let mut c = Case::new(&cid, "logistics", at(T0)).unwrap();
        c.customer_id = Some(id.into());
        c.summary = Some(Personal::new(format!("{NAME}: 快递没到，回电 {PHONE}")));
        c.contact = Some(Personal::new(PHONE.into()));
        s.create(&p, &c).unwrap();
        let mut v = 1;
        for x in [
            Transition::Triage,
            Transition::Assign,
            Transition::Start,
            Transition::Resolve,
        ] {
            v = s
                .change(&p, &cid, v, &CaseChange::Transition(x), at(T0))
                .unwrap()
                .version;
        }
        let c = s.plan_follow_up(&p, &cid, v, 3600, at(T0)).unwrap();
        assert!(c.follow_up.is_some());
        s.change(
            &p,
            &cid,
            c.version,
            &CaseChange::RecordFollowUp {
                outcome: FollowUpOutcome::Reached,
                resurvey_score: Some(9),
            },
            at(T0),
        )
        .unwrap();
        let mut ev = CaseEvent::new(&cid, 1_709_254_900, "call_attempt", "ann");
        ev.detail = Some(format!("{{\"note\": \"called {NAME} at {PHONE}\"}}"));
        s.insert_events(&p, &[ev]).unwrap();
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The bytes of the db file and its -wal and -shm files.
fn raw_bytes(db: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(b) = std::fs::read(&p) {
            all.extend(b);
        }
    }
    all
}

#[test]
fn migrates_a_v1_file_and_chains_its_audit_trail() {
    let db = tmp("v1");
    {
        // A schema-1 file as cx 0.1 wrote it (migration 1 verbatim, one case, two entries).
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL);
             INSERT INTO schema_version VALUES (1);
             CREATE TABLE cases (id TEXT PRIMARY KEY, team TEXT NOT NULL, state TEXT NOT NULL,
                version INTEGER NOT NULL, customer_id TEXT, created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL, doc TEXT NOT NULL);
             CREATE INDEX cases_team_state ON cases (team, state);
             CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL,
                actor TEXT NOT NULL, role TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL,
                before TEXT NOT NULL, after TEXT NOT NULL, note TEXT);
             CREATE INDEX audit_case ON audit (case_id, seq);
             CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
             CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
        )
        .unwrap();
        let mut case = Case::new("K1", "t", at(T0)).unwrap();
        case.customer_id = Some("C1".into());
        case.summary = Some(Personal::new(format!("call {PHONE}")));
        c.execute(
            "INSERT INTO cases VALUES ('K1', 't', 'new', 1, 'C1', 0, 0, ?1)",
            [serde_json::to_string(&case).unwrap()],
        )
        .unwrap();
        c.execute_batch(&format!(
            "INSERT INTO audit (case_id, actor, role, at, action, before, after, note) VALUES
               ('K1', 'ann', 'agent', '{T0}', 'create', '{{}}', '{{\"summary\":\"call {PHONE}\"}}', NULL),
               ('K1', 'ann', 'agent', '{T0}', 'denied:read', '{{}}', '{{}}', 'outside team');"
        ))
        .unwrap();
    }
    let mut s = SqliteCaseStore::open(&db).unwrap();
    assert_eq!(s.schema_version().unwrap(), 3);
    let v = s.verify_audit(&admin()).unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.entries, 2);
    let trail = s.audit(&admin(), "K1").unwrap();
    assert_eq!(trail[0].after["summary"], format!("call {PHONE}"));
    assert_eq!(trail[1].note.as_deref(), Some("outside team"));
    // New entries continue the chain; the migrated payload belongs to customer C1.
    s.upsert_customer(&admin(), &customer("C1", Consent::all()), at(T0))
        .unwrap();
    let r = s.erase_customer(&admin(), "C1", at(T0)).unwrap();
    assert_eq!(r.counts["audit_payloads"], 3, "{r:?}");
    assert!(s.verify_audit(&admin()).unwrap().ok);
    // The legacy columns no longer hold the payload.
    drop(s);
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row("SELECT COUNT(*) FROM audit WHERE after != ''", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn withdrawn_contact_consent_blocks_follow_up_even_with_a_stale_copy() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    let p = admin();
    s.upsert_customer(&p, &customer("C1", Consent::all()), at(T0))
        .unwrap();
    let mut c = Case::new("K1", "t", at(T0)).unwrap();
    c.customer_id = Some("C1".into());
    c.state = CaseState::Resolved;
    s.create(&p, &c).unwrap();
    // The caller read the consent before it was withdrawn...
    let stale = s.get_customer(&p, "C1").unwrap().consent;
    assert!(stale.follow_up_calls);
    s.set_consent(&p, "C1", ConsentPurpose::FollowUpCalls, false, at(T0))
        .unwrap();
    // ...and still passes it: the store's current consent wins.
    let plan = CaseChange::PlanFollowUp {
        consent: stale,
        delay_secs: 60,
    };
    let after = s.change(&p, "K1", 1, &plan, at(T0)).unwrap();
    assert!(after.follow_up.is_none());
    assert_eq!(after.version, 1);
    let after = s.plan_follow_up(&p, "K1", 1, 60, at(T0)).unwrap();
    assert!(after.follow_up.is_none());
    // Consent given again: the task is planned.
    s.set_consent(&p, "C1", ConsentPurpose::FollowUpCalls, true, at(T0))
        .unwrap();
    let after = s.plan_follow_up(&p, "K1", 1, 60, at(T0)).unwrap();
    assert!(after.follow_up.is_some());
    // History: initial grant, withdrawal, grant (follow_up_calls), plus the other two purposes.
    let h = s.consent_history(&p, "C1").unwrap();
    let fu: Vec<bool> = h
        .iter()
        .filter(|r| r.purpose == ConsentPurpose::FollowUpCalls)
        .map(|r| r.granted)
        .collect();
    assert_eq!(fu, vec![true, false, true]);
    // A case of a customer the store does not know gets no follow-up through the helper.
    let mut c = Case::new("K2", "t", at(T0)).unwrap();
    c.state = CaseState::Resolved;
    s.create(&p, &c).unwrap();
    assert!(
        s.plan_follow_up(&p, "K2", 1, 60, at(T0))
            .unwrap()
            .follow_up
            .is_none()
    );
}

#[test]
fn analytics_export_excludes_customers_without_consent_and_says_how_many() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    let p = admin();
    s.upsert_customer(&p, &customer("C1", Consent::all()), at(T0))
        .unwrap();
    s.upsert_customer(&p, &customer("C2", Consent::all().analytics(false)), at(T0))
        .unwrap();
    let fb = vec![
        FeedbackRecord::new("F1", Some("C1"), 0).with_nps(10),
        FeedbackRecord::new("F2", Some("C2"), 0).with_nps(3),
        FeedbackRecord::new("F3", Some("C2"), 0).with_nps(4),
        FeedbackRecord::new("F4", None, 0).with_nps(9),
    ];
    s.insert_feedback(&p, &fb, at(T0)).unwrap();
    let all = s.export_feedback(&p, false).unwrap();
    assert_eq!((all.records.len(), all.excluded), (4, 0));
    let e = s.export_feedback(&p, true).unwrap();
    let ids: Vec<&str> = e.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["F1", "F4"]);
    assert_eq!((e.excluded, e.excluded_customers), (2, 1));
    // Withdrawal takes effect at once.
    s.set_consent(&p, "C1", ConsentPurpose::Analytics, false, at(T0))
        .unwrap();
    assert_eq!(s.export_feedback(&p, true).unwrap().excluded, 3);
    // An agent may not export.
    let e = s.export_feedback(&Principal::agent("ann", "t"), false);
    assert_eq!(e.unwrap_err().code(), "access_denied");
}

/// A store with a few chained entries, its path, and a raw connection with the
/// guard triggers dropped (what an attacker with file access can do).
fn chained(name: &str) -> (PathBuf, rusqlite::Connection) {
    let db = tmp(name);
    {
        let mut s = SqliteCaseStore::open(&db).unwrap();
        populate(&mut s, "C1", 2, 1);
        assert!(s.verify_audit(&admin()).unwrap().ok);
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
         DROP TRIGGER audit_payload_no_delete; DROP TRIGGER audit_payload_tombstone_only;",
    )
    .unwrap();
    (db, c)
}

fn broken_at(db: &Path) -> (Option<i64>, String) {
    let mut s = SqliteCaseStore::open(db).unwrap();
    let v = s.verify_audit(&admin()).unwrap();
    assert!(!v.ok);
    (v.first_broken_seq, v.reason.unwrap_or_default())
}

#[test]
fn audit_tampering_is_detected_with_the_seq_named() {
    // A byte of a header.
    let (db, c) = chained("t-header");
    c.execute("UPDATE audit SET actor = 'rooT' WHERE seq = 3", [])
        .unwrap();
    drop(c);
    assert_eq!(broken_at(&db).0, Some(3));
    // A byte of a payload.
    let (db, c) = chained("t-payload");
    c.execute(
        "UPDATE audit_payload SET body = replace(body, '\"analytics\":false', '\"analytics\":true') WHERE seq = 2",
        [],
    )
    .unwrap();
    assert_eq!(c.changes(), 1);
    drop(c);
    assert_eq!(
        broken_at(&db),
        (Some(2), "payload does not match its hash".into())
    );
    // A payload edited together with its payload hash: the chain breaks there.
    let (db, c) = chained("t-payload-hash");
    c.execute(
        "UPDATE audit SET payload_hash = '00' || substr(payload_hash, 3) WHERE seq = 4",
        [],
    )
    .unwrap();
    drop(c);
    assert_eq!(broken_at(&db).0, Some(4));
    // A deleted row (header and payload).
    let (db, c) = chained("t-delete");
    c.execute_batch("DELETE FROM audit WHERE seq = 5; DELETE FROM audit_payload WHERE seq = 5;")
        .unwrap();
    drop(c);
    assert_eq!(broken_at(&db).0, Some(5));
    // The last row deleted (tail truncation).
    let (db, c) = chained("t-tail");
    let last: i64 = c
        .query_row("SELECT MAX(seq) FROM audit", [], |r| r.get(0))
        .unwrap();
    c.execute("DELETE FROM audit WHERE seq = ?1", [last])
        .unwrap();
    drop(c);
    assert_eq!(broken_at(&db).0, Some(last));
    // Two rows swapped (seq 6 and 7 exchange everything but their seq).
    let (db, c) = chained("t-swap");
    c.execute_batch(
        "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (6, 7);
         UPDATE audit SET (case_id, actor, role, at, action, payload_hash, hash) =
            (SELECT case_id, actor, role, at, action, payload_hash, hash FROM t WHERE t.seq = 13 - audit.seq)
            WHERE seq IN (6, 7);
         CREATE TEMP TABLE u AS SELECT * FROM audit_payload WHERE seq IN (6, 7);
         UPDATE audit_payload SET body = (SELECT body FROM u WHERE u.seq = 13 - audit_payload.seq)
            WHERE seq IN (6, 7);",
    )
    .unwrap();
    drop(c);
    assert_eq!(broken_at(&db).0, Some(6));
    // An inserted row (seqs shifted up by one from 4 on, a forged entry at 4).
    let (db, c) = chained("t-insert");
    c.execute_batch(
        "UPDATE audit SET seq = seq + 1000 WHERE seq >= 4; UPDATE audit SET seq = seq - 999 WHERE seq >= 1000;
         UPDATE audit_payload SET seq = seq + 1000 WHERE seq >= 4; UPDATE audit_payload SET seq = seq - 999 WHERE seq >= 1000;
         INSERT INTO audit (seq, case_id, actor, role, at, action, before, after, payload_hash, hash)
            SELECT 4, case_id, 'mallory', role, at, action, '', '', payload_hash, hash FROM audit WHERE seq = 3;
         INSERT INTO audit_payload (seq, body) SELECT 4, body FROM audit_payload WHERE seq = 3;",
    )
    .unwrap();
    drop(c);
    assert_eq!(broken_at(&db).0, Some(4));
    // A payload scrubbed without a covering erase entry.
    let (db, c) = chained("t-scrub");
    c.execute(
        "UPDATE audit_payload SET body = '{\"erased_by\":99}', erased_by = 99 WHERE seq = 2",
        [],
    )
    .unwrap();
    drop(c);
    assert_eq!(
        broken_at(&db),
        (
            Some(2),
            "payload scrubbed without a covering erase entry".into()
        )
    );
}

#[test]
fn audit_export_is_json_lines_for_a_period() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    populate(&mut s, "C1", 1, 1);
    let mut out = Vec::new();
    let n = s
        .export_audit(
            &admin(),
            at("2024-03-01T00:00:00+08:00"),
            at("2024-03-02T00:00:00+08:00"),
            &mut out,
        )
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count() as u64, n);
    assert!(n >= 8);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["seq"], 1);
    assert_eq!(first["action"], "customer.upsert");
    assert_eq!(first["after"]["phone"], PHONE);
    let mut out = Vec::new();
    let n = s
        .export_audit(
            &admin(),
            at("2024-03-02T00:00:00+08:00"),
            at("2024-03-03T00:00:00+08:00"),
            &mut out,
        )
        .unwrap();
    assert_eq!(n, 0);
}

fn nps_of(s: &mut SqliteCaseStore) -> (f64, u64, u64, u64) {
    let scores: Vec<f64> = s
        .export_feedback(&admin(), false)
        .unwrap()
        .records
        .iter()
        .filter_map(|r| r.nps.map(f64::from))
        .collect();
    let n = nps(&scores, NpsOptions::default()).unwrap();
    (n.score, n.n_promoters, n.n_passives, n.n_detractors)
}

#[test]
fn retention_reports_counts_and_anonymise_keeps_nps() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    populate(&mut s, "C1", 30, 2);
    populate(&mut s, "C2", 14, 1);
    let policy = RetentionPolicy::from_json(
        r#"{"rules": [
            {"kind": "feedback", "keep_days": 365, "action": "anonymise"},
            {"kind": "case_events", "keep_days": 365, "action": "anonymise"},
            {"kind": "cases", "keep_days": "forever", "action": "delete"},
            {"kind": "follow_ups", "keep_days": 365, "action": "anonymise"},
            {"kind": "audit_payloads", "keep_days": 365, "action": "delete"}]}"#,
    )
    .unwrap();
    let before = nps_of(&mut s);
    let now = at("2026-03-01T00:00:00+08:00");
    let dry = s.apply_retention(&admin(), &policy, now, true).unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.counts["feedback"]["anonymise"], 44);
    assert_eq!(dry.counts["case_events"]["anonymise"], 3);
    assert_eq!(dry.counts["follow_ups"]["anonymise"], 3);
    assert!(!dry.counts.contains_key("cases"));
    // Nothing changed by the dry run.
    assert!(
        s.export_feedback(&admin(), false).unwrap().records[0]
            .text
            .is_some()
    );
    let done = s.apply_retention(&admin(), &policy, now, false).unwrap();
    assert_eq!(done.counts, dry.counts);
    assert_eq!(nps_of(&mut s), before);
    let recs = s.export_feedback(&admin(), false).unwrap().records;
    assert!(
        recs.iter()
            .all(|r| r.anonymised && r.text.is_none() && r.at % 86_400 == 0)
    );
    // One pseudonym per customer within the run: distinct customers still count 2.
    let ids: std::collections::BTreeSet<_> = recs.iter().map(|r| r.customer_id.clone()).collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.iter()
            .all(|i| i.as_deref().is_some_and(|i| i.starts_with("anon-")))
    );
    assert!(s.verify_audit(&admin()).unwrap().ok);
    // A second run has nothing left to do (the audit payloads written since are recent).
    let again = s.apply_retention(&admin(), &policy, now, false).unwrap();
    assert_eq!(again.counts["feedback"]["anonymise"], 0);
    // Delete changes the tallies (documented): all feedback goes.
    let del = RetentionPolicy::from_json(
        r#"{"rules": [{"kind": "feedback", "keep_days": 0, "action": "delete"}]}"#,
    )
    .unwrap();
    let r = s.apply_retention(&admin(), &del, now, false).unwrap();
    assert_eq!(r.counts["feedback"]["delete"], 44);
    // Two rules of one kind are refused; unknown kinds too.
    assert!(
        RetentionPolicy::from_json(
            r#"{"rules": [{"kind": "feedback", "keep_days": 1, "action": "delete"},
                      {"kind": "feedback", "keep_days": 2, "action": "delete"}]}"#
        )
        .is_err()
    );
    assert!(
        RetentionPolicy::from_json(
            r#"{"rules": [{"kind": "x", "keep_days": 1, "action": "delete"}]}"#
        )
        .is_err()
    );
}

#[test]
fn erasure_leaves_no_phone_or_name_in_the_file_wal_or_shm() {
    for erase in [false, true] {
        let db = tmp(if erase { "erase-yes" } else { "erase-no" });
        {
            let mut s = SqliteCaseStore::open(&db).unwrap();
            populate(&mut s, "C1", 5, 2);
            populate(&mut s, "C2", 1, 1);
            // Before erasure the bytes are there (this is what makes the test meaningful).
            let bytes = raw_bytes(&db);
            assert!(contains(&bytes, PHONE.as_bytes()));
            assert!(contains(&bytes, NAME.as_bytes()));
            // C2's data is erased in both variants; C1's only when `erase`.
            s.erase_customer(&admin(), "C2", at(T0)).unwrap();
            if erase {
                let r = s.erase_customer(&admin(), "C1", at(T0)).unwrap();
                assert_eq!(r.counts["customers"], 1);
                assert_eq!(r.counts["feedback"], 5);
                assert_eq!(r.counts["cases"], 2);
                assert_eq!(r.counts["follow_ups"], 2);
                assert_eq!(r.counts["case_events"], 2);
                assert_eq!(r.counts["consent_events"], 5);
                assert!(r.counts["audit_payloads"] >= 15, "{r:?}");
                assert!(r.wal_truncated);
                // Idempotent: nothing left the second time.
                let r2 = s.erase_customer(&admin(), "C1", at(T0)).unwrap();
                assert_eq!(r2.total(), 0, "{r2:?}");
                assert!(s.verify_audit(&admin()).unwrap().ok);
                // Aggregates still add up: the 5 scores are still there.
                assert_eq!(s.export_feedback(&admin(), false).unwrap().records.len(), 6);
            }
        }
        let bytes = raw_bytes(&db);
        assert_eq!(
            !erase,
            contains(&bytes, PHONE.as_bytes()),
            "phone, erase={erase}"
        );
        assert_eq!(
            !erase,
            contains(&bytes, NAME.as_bytes()),
            "name, erase={erase}"
        );
    }
}

#[test]
fn interrupted_erasure_is_completed_by_a_rerun() {
    let db = tmp("erase-hook");
    let mut s = SqliteCaseStore::open(&db).unwrap();
    populate(&mut s, "C1", 12, 3);
    let whole = {
        let mut m = SqliteCaseStore::open_in_memory().unwrap();
        populate(&mut m, "C1", 12, 3);
        m.erase_customer_in_batches(&admin(), "C1", at(T0), 2)
            .unwrap()
    };
    s.fail_after_batches(Some(4));
    let e = s.erase_customer_in_batches(&admin(), "C1", at(T0), 2);
    assert_eq!(e.unwrap_err().code(), "io");
    s.fail_after_batches(None);
    drop(s);
    let mut s = SqliteCaseStore::open(&db).unwrap();
    let r = s
        .erase_customer_in_batches(&admin(), "C1", at(T0), 2)
        .unwrap();
    assert!(r.resumed);
    assert_eq!(r.counts["feedback"], 12);
    assert_eq!(r.counts, whole.counts);
    assert_eq!(s.erase_customer(&admin(), "C1", at(T0)).unwrap().total(), 0);
    assert!(s.verify_audit(&admin()).unwrap().ok);
    drop(s);
    let bytes = raw_bytes(&db);
    assert!(!contains(&bytes, PHONE.as_bytes()));
    assert!(!contains(&bytes, NAME.as_bytes()));
}

/// The child side of the SIGKILL test; a no-op unless `CX_PSTORE_CHILD` is set.
#[test]
fn child() {
    let Ok(db) = std::env::var("CX_PSTORE_CHILD") else {
        return;
    };
    let mut s = SqliteCaseStore::open(&db).unwrap();
    s.erase_customer_in_batches(&admin(), "C1", at(T0), 1)
        .unwrap();
}

#[test]
fn erasure_killed_mid_way_is_completed_by_a_rerun() {
    let db = tmp("erase-kill");
    {
        let mut s = SqliteCaseStore::open(&db).unwrap();
        populate(&mut s, "C1", 60, 2);
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env("CX_PSTORE_CHILD", &db)
        .env("CX_TEST_BATCH_SLEEP_MS", "20")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some batches are committed, then SIGKILL.
    let probe = rusqlite::Connection::open(&db).unwrap();
    let t = std::time::Instant::now();
    loop {
        let fb: i64 = probe
            .query_row(
                "SELECT COUNT(*) FROM feedback WHERE anonymised = 1",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0);
        if fb >= 5 || t.elapsed().as_secs() > 60 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let running: i64 = probe
        .query_row(
            "SELECT COUNT(*) FROM erasure_jobs WHERE state = 'running'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(running, 1, "the child was killed mid-erasure");
    drop(probe);
    let mut s = SqliteCaseStore::open(&db).unwrap();
    let r = s.erase_customer(&admin(), "C1", at(T0)).unwrap();
    assert!(r.resumed);
    assert_eq!(r.counts["feedback"], 60);
    assert_eq!(r.counts["customers"], 1);
    assert!(s.verify_audit(&admin()).unwrap().ok);
    drop(s);
    let bytes = raw_bytes(&db);
    assert!(!contains(&bytes, PHONE.as_bytes()));
    assert!(!contains(&bytes, NAME.as_bytes()));
}

#[test]
fn subject_access_export_holds_everything_about_the_customer() {
    let mut s = SqliteCaseStore::open_in_memory().unwrap();
    populate(&mut s, "C1", 2, 1);
    populate(&mut s, "C2", 1, 1);
    let x = s.export_customer(&admin(), "C1").unwrap();
    assert_eq!(x["customer"]["name"], NAME);
    assert_eq!(x["customer"]["phone"], PHONE);
    assert_eq!(x["consent"]["analytics"], true);
    assert_eq!(x["consent_history"].as_array().unwrap().len(), 5);
    assert_eq!(x["feedback"].as_array().unwrap().len(), 2);
    assert!(x["feedback"][0]["text"].as_str().unwrap().contains(PHONE));
    assert_eq!(x["cases"].as_array().unwrap().len(), 1);
    assert_eq!(x["cases"][0]["contact"], PHONE);
    assert_eq!(x["follow_ups"].as_array().unwrap().len(), 1);
    assert_eq!(x["case_events"].as_array().unwrap().len(), 1);
    let audit = x["audit"].as_array().unwrap();
    assert!(
        audit
            .iter()
            .all(|a| a["case_id"] == "" || a["case_id"] == "C1-K0")
    );
    assert!(audit.len() >= 8);
    // Nothing about C2.
    assert!(!x.to_string().contains("C2-"));
    // Only admins.
    let analyst = Principal::new("ana", Role::Analyst, &[]);
    assert_eq!(
        s.export_customer(&analyst, "C1").unwrap_err().code(),
        "access_denied"
    );
    // After erasure the export is empty of personal data.
    s.erase_customer(&admin(), "C1", at(T0)).unwrap();
    let x = s.export_customer(&admin(), "C1").unwrap();
    assert!(x["customer"].is_null());
    assert_eq!(x["feedback"].as_array().unwrap().len(), 0);
    assert!(!x.to_string().contains(PHONE));
}

// ---------------------------------------------------------------- encryption at rest

use cx_core::privacy::{FieldCipher, Key, StaticKeyProvider};
use std::sync::Arc;

fn cipher(current: &str, ids: &[&str]) -> FieldCipher {
    let keys = ids
        .iter()
        .map(|id| {
            let b = id
                .bytes()
                .fold(7u8, |a, x| a.wrapping_mul(31).wrapping_add(x));
            ((*id).to_owned(), Key::from_bytes([b; 32]))
        })
        .collect();
    FieldCipher::new(Arc::new(StaticKeyProvider::new(current, keys).unwrap()))
}

/// Everything readable: customer, export, cases, audit chain, subject export.
fn read_everything(s: &mut SqliteCaseStore, id: &str) {
    let p = admin();
    let c = s.get_customer(&p, id).unwrap();
    assert_eq!(c.phone.unwrap().expose(), PHONE);
    assert_eq!(c.name.unwrap().expose(), NAME);
    let fb = s.export_feedback(&p, false).unwrap();
    assert!(
        fb.records
            .iter()
            .all(|r| r.text.as_ref().unwrap().expose().contains(PHONE))
    );
    let k = s.get(&p, &format!("{id}-K0")).unwrap();
    assert_eq!(k.contact.unwrap().expose(), PHONE);
    let trail = s.audit(&p, &format!("{id}-K0")).unwrap();
    assert_eq!(trail[0].after["contact"], PHONE);
    assert!(s.verify_audit(&p).unwrap().ok);
    let x = s.export_customer(&p, id).unwrap();
    assert_eq!(x["customer"]["phone"], PHONE);
    assert!(x["cases"][0]["summary"].as_str().unwrap().contains(PHONE));
}

#[test]
fn personal_fields_are_sealed_at_rest_and_read_back() {
    let db = tmp("enc");
    {
        let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k1", &["k1"])).unwrap();
        populate(&mut s, "C1", 3, 1);
        read_everything(&mut s, "C1");
        s.checkpoint().unwrap();
    }
    // Nowhere in the file in clear.
    let bytes = raw_bytes(&db);
    assert!(!contains(&bytes, PHONE.as_bytes()));
    assert!(!contains(&bytes, NAME.as_bytes()));
    assert!(contains(&bytes, b"cx1:k1:"));
    // Without keys: a typed error, never ciphertext as text.
    let mut s = SqliteCaseStore::open(&db).unwrap();
    assert_eq!(
        s.get_customer(&admin(), "C1").unwrap_err().code(),
        "decryption"
    );
    assert_eq!(s.get(&admin(), "C1-K0").unwrap_err().code(), "decryption");
    assert_eq!(
        s.export_feedback(&admin(), false).unwrap_err().code(),
        "decryption"
    );
    assert_eq!(s.verify_audit(&admin()).unwrap_err().code(), "decryption");
    drop(s);
    // A wrong key of the same id: a typed error.
    let wrong = FieldCipher::new(Arc::new(
        StaticKeyProvider::new("k1", vec![("k1".into(), Key::from_bytes([1; 32]))]).unwrap(),
    ));
    let mut s = SqliteCaseStore::open_with_cipher(&db, wrong).unwrap();
    assert_eq!(
        s.get_customer(&admin(), "C1").unwrap_err().code(),
        "decryption"
    );
    drop(s);
    // A ciphertext moved to another row does not open (aad binds table/row/field).
    {
        let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k1", &["k1"])).unwrap();
        s.upsert_customer(&admin(), &customer("C9", Consent::none()), at(T0))
            .unwrap();
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "UPDATE customers SET phone = (SELECT phone FROM customers WHERE id = 'C1') WHERE id = 'C9'",
        [],
    )
    .unwrap();
    drop(c);
    let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k1", &["k1"])).unwrap();
    assert_eq!(
        s.get_customer(&admin(), "C9").unwrap_err().code(),
        "decryption"
    );
    // Erasure works on sealed data too.
    s.erase_customer(&admin(), "C1", at(T0)).unwrap();
    assert!(s.verify_audit(&admin()).unwrap().ok);
}

#[test]
fn key_rotation_interrupted_resumed_then_old_key_retired() {
    let db = tmp("rotate");
    {
        let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k1", &["k1"])).unwrap();
        populate(&mut s, "C1", 6, 2);
        populate(&mut s, "C2", 2, 1);
    }
    {
        let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k2", &["k1", "k2"])).unwrap();
        s.fail_after_batches(Some(1));
        let e = s.rotate_keys(&admin(), 1).unwrap_err();
        assert_eq!(e.code(), "io");
    }
    // Half-rotated: both keys in the file.
    let bytes = raw_bytes(&db);
    assert!(contains(&bytes, b"cx1:k1:") && contains(&bytes, b"cx1:k2:"));
    let done = {
        let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k2", &["k1", "k2"])).unwrap();
        let r = s.rotate_keys(&admin(), 3).unwrap();
        assert_eq!(r.key_id, "k2");
        // Rows re-sealed by the resumed run: everything but the one batch (1 customer row).
        assert_eq!(r.resealed["customers"], 1);
        assert_eq!(r.resealed["feedback"], 8);
        assert_eq!(r.resealed["cases"], 3);
        assert!(r.resealed["audit_payload"] > 0);
        // Nothing left.
        assert_eq!(s.rotate_keys(&admin(), 3).unwrap().total(), 0);
        r
    };
    assert!(done.total() > 0);
    // Retire k1: everything still reads.
    let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k2", &["k2"])).unwrap();
    read_everything(&mut s, "C1");
    read_everything(&mut s, "C2");
    drop(s);
    assert!(!contains(&raw_bytes(&db), b"cx1:k1:"));
}

#[test]
fn a_plaintext_store_is_sealed_by_rotation() {
    let db = tmp("seal-legacy");
    {
        let mut s = SqliteCaseStore::open(&db).unwrap();
        populate(&mut s, "C1", 2, 1);
    }
    assert!(contains(&raw_bytes(&db), PHONE.as_bytes()));
    let mut s = SqliteCaseStore::open_with_cipher(&db, cipher("k1", &["k1"])).unwrap();
    read_everything(&mut s, "C1");
    let r = s.rotate_keys(&admin(), 100).unwrap();
    assert_eq!(r.resealed["customers"], 1);
    read_everything(&mut s, "C1");
    drop(s);
    let bytes = raw_bytes(&db);
    assert!(!contains(&bytes, PHONE.as_bytes()));
    assert!(!contains(&bytes, NAME.as_bytes()));
}

// ---------------------------------------------------------------- properties

use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Upsert(u8),
    Consent(u8, bool),
    Feedback(u8, u8),
    Case(u8),
    Erase(u8),
    Retention(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..4).prop_map(Op::Upsert),
        (0u8..4, any::<bool>()).prop_map(|(c, g)| Op::Consent(c, g)),
        (0u8..4, 0u8..=10).prop_map(|(c, s)| Op::Feedback(c, s)),
        (0u8..4).prop_map(Op::Case),
        (0u8..4).prop_map(Op::Erase),
        (0u16..800).prop_map(Op::Retention),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any sequence of customer, consent, feedback, case, erasure and retention
    /// operations leaves a chain that verifies, keeps the NPS tally of the
    /// feedback that was not deleted, and an edit of any one header is found
    /// at exactly that seq.
    #[test]
    fn chain_verifies_after_any_operations_and_any_header_edit_is_found(
        ops in proptest::collection::vec(op(), 1..25),
        pick in any::<prop::sample::Index>(),
    ) {
        let db = tmp("prop");
        let p = admin();
        let mut n_fb = 0usize;
        let mut scores = Vec::new();
        let seq = {
            let mut s = SqliteCaseStore::open(&db).unwrap();
            for (i, o) in ops.iter().enumerate() {
                let cid = |c: &u8| format!("C{c}");
                match o {
                    Op::Upsert(c) => s.upsert_customer(&p, &customer(&cid(c), Consent::all()), at(T0)).unwrap(),
                    Op::Consent(c, g) => {
                        let _ = s.set_consent(&p, &cid(c), ConsentPurpose::Analytics, *g, at(T0));
                    }
                    Op::Feedback(c, score) => {
                        n_fb += 1;
                        scores.push(f64::from(*score));
                        let r = FeedbackRecord::new(format!("F{i}"), Some(&cid(c)), 1_709_254_800)
                            .with_nps(*score).with_text(PHONE);
                        s.insert_feedback(&p, &[r], at(T0)).unwrap();
                    }
                    Op::Case(c) => {
                        let mut k = Case::new(format!("K{i}"), "t", at(T0)).unwrap();
                        k.customer_id = Some(cid(c));
                        k.contact = Some(Personal::new(PHONE.into()));
                        s.create(&p, &k).unwrap();
                    }
                    Op::Erase(c) => { s.erase_customer(&p, &cid(c), at(T0)).unwrap(); }
                    Op::Retention(days) => {
                        let pol = RetentionPolicy::from_json(&format!(
                            r#"{{"rules": [{{"kind": "feedback", "keep_days": {days}, "action": "anonymise"}},
                                          {{"kind": "audit_payloads", "keep_days": {days}, "action": "delete"}}]}}"#
                        )).unwrap();
                        s.apply_retention(&p, &pol, at("2026-01-01T00:00:00+08:00"), false).unwrap();
                    }
                }
            }
            let v = s.verify_audit(&p).unwrap();
            prop_assert!(v.ok, "{v:?}");
            let kept: Vec<f64> = s.export_feedback(&p, false).unwrap().records.iter()
                .filter_map(|r| r.nps.map(f64::from)).collect();
            prop_assert_eq!(kept.len(), n_fb);
            if !scores.is_empty() {
                prop_assert_eq!(nps(&kept, NpsOptions::default()).unwrap().score,
                                nps(&scores, NpsOptions::default()).unwrap().score);
            }
            let entries = v.entries as usize;
            if entries == 0 {
                // Operations that all failed or changed nothing (consent or erasure of
                // an unknown customer, retention with nothing to remove) audit nothing:
                // the chain is empty and verified above, and there is no header to edit.
                return Ok(());
            }
            let seq = pick.index(entries) as i64 + 1;
            drop(s);
            let c = rusqlite::Connection::open(&db).unwrap();
            c.execute_batch("DROP TRIGGER audit_no_update").unwrap();
            c.execute("UPDATE audit SET action = action || 'x' WHERE seq = ?1", [seq]).unwrap();
            seq
        };
        let mut s = SqliteCaseStore::open(&db).unwrap();
        let v = s.verify_audit(&p).unwrap();
        prop_assert_eq!(v.first_broken_seq, Some(seq));
    }
}
