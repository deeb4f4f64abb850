//! The SQLite case store across processes: two writers at once lose nothing; a
//! writer killed with SIGKILL mid-batch leaves every committed case intact and
//! no partial one; 100k cases and 1M events load and query.
//!
//! The child processes are this test binary itself, re-run on the `child`
//! test with `CX_CASES_CHILD` set (the `child` test does nothing otherwise).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::{DateTime, FixedOffset};
use cx_core::CxError;
use cx_core::cases::store::{
    CaseChange, CaseEvent, CaseFilter, CaseStore, Principal, SqliteCaseStore,
};
use cx_core::cases::{Case, CaseState};

const T0: &str = "2024-03-01T09:00:00+08:00";

fn at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(T0).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cx-proc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("cases.db")
}

fn new_case(id: &str, team: &str) -> Case {
    Case::new(id, team, at()).unwrap()
}

fn spawn(mode: &str, db: &Path, tag: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env("CX_CASES_CHILD", mode)
        .env("CX_CASES_DB", db)
        .env("CX_CASES_TAG", tag)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

const CREATES: usize = 150;
const UPDATES: usize = 60;
const BATCH: usize = 2_000;

/// The child side; a no-op unless `CX_CASES_CHILD` is set.
#[test]
fn child() {
    let Ok(mode) = std::env::var("CX_CASES_CHILD") else {
        return;
    };
    let db = std::env::var("CX_CASES_DB").unwrap();
    let tag = std::env::var("CX_CASES_TAG").unwrap();
    let admin = Principal::admin(format!("writer-{tag}"));
    let mut s = SqliteCaseStore::open(&db).unwrap();
    let mut out = std::io::stdout();
    match mode.as_str() {
        "race" => {
            // Interleave creations of our own cases with updates of the shared case,
            // retrying on Conflict (re-read, re-apply).
            for i in 0..CREATES.max(UPDATES) {
                if i < CREATES {
                    s.create(&admin, &new_case(&format!("{tag}-{i:04}"), "t"))
                        .unwrap();
                }
                if i < UPDATES {
                    loop {
                        let v = s.get(&admin, "SHARED").unwrap().version;
                        let ch = CaseChange::Assign {
                            team: "t".into(),
                            assignee: Some(format!("{tag}{i}")),
                        };
                        match s.change(&admin, "SHARED", v, &ch, at()) {
                            Ok(_) => break,
                            Err(CxError::Conflict { .. }) => continue,
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            }
            writeln!(out, "CX done").unwrap();
        }
        "batches" => {
            // Batches of BATCH cases, one transaction each, until killed.
            for b in 0.. {
                let cases: Vec<Case> = (0..BATCH)
                    .map(|i| new_case(&format!("B{b:05}-{i:05}"), "t"))
                    .collect();
                s.create_many(&admin, &cases).unwrap();
                writeln!(out, "CX committed {}", (b + 1) * BATCH).unwrap();
                out.flush().unwrap();
            }
        }
        _ => {}
    }
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let db = tmp("race");
    let admin = Principal::admin("root");
    {
        let mut s = SqliteCaseStore::open(&db).unwrap();
        let mut shared = new_case("SHARED", "t");
        shared.state = CaseState::Assigned;
        s.create(&admin, &shared).unwrap();
    }
    let a = spawn("race", &db, "A");
    let b = spawn("race", &db, "B");
    for c in [a, b] {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "child failed: {o:?}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.lines().any(|l| l == "CX done"), "{out}");
    }
    let mut s = SqliteCaseStore::open(&db).unwrap();
    let all = s.list(&admin, &CaseFilter::new()).unwrap();
    assert_eq!(all.len(), 1 + 2 * CREATES);
    // Every one of the 2 × UPDATES updates of the shared case is there: no lost update.
    let shared = s.get(&admin, "SHARED").unwrap();
    assert_eq!(shared.version, 1 + 2 * UPDATES as u64);
    let trail = s.audit(&admin, "SHARED").unwrap();
    assert_eq!(trail.len(), 1 + 2 * UPDATES);
    for who in ["writer-A", "writer-B"] {
        assert_eq!(trail.iter().filter(|e| e.actor == who).count(), UPDATES);
    }
    // Versions in the audit trail go up by exactly one each time.
    for (k, e) in trail.iter().skip(1).enumerate() {
        assert_eq!(e.after["version"], k as u64 + 2);
    }
}

#[test]
fn sigkill_mid_batch_leaves_committed_cases_intact_and_no_partial_one() {
    let db = tmp("kill");
    SqliteCaseStore::open(&db).unwrap();
    let mut child = spawn("batches", &db, "K");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = 0;
    while committed < 3 * BATCH {
        let l = lines.next().unwrap().unwrap();
        if let Some(n) = l.strip_prefix("CX committed ") {
            committed = n.parse().unwrap();
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    // Lines the child wrote after our last read are commits too.
    for l in lines.map_while(Result::ok) {
        if let Some(n) = l.strip_prefix("CX committed ") {
            committed = n.parse().unwrap();
        }
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(conn);
    let admin = Principal::admin("root");
    let mut s = SqliteCaseStore::open(&db).unwrap();
    let all = s.list(&admin, &CaseFilter::new()).unwrap();
    // Whole batches only, and at least every batch reported committed.
    assert_eq!(
        all.len() % BATCH,
        0,
        "a partial batch survived: {}",
        all.len()
    );
    assert!(all.len() >= committed, "{} < {committed}", all.len());
    assert!(all.len() <= committed + BATCH);
    // Each surviving case is complete: it parses, and has its creation audit entry.
    for c in all.iter().step_by(97) {
        assert_eq!((c.version, c.state), (1, CaseState::New));
        assert_eq!(s.audit(&admin, &c.id).unwrap().len(), 1);
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let audits: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'create'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audits as usize, all.len());
}

#[test]
fn audit_trail_is_append_only_in_sql() {
    let db = tmp("append");
    let mut s = SqliteCaseStore::open(&db).unwrap();
    s.create(&Principal::admin("root"), &new_case("K1", "t"))
        .unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let e = conn
        .execute("UPDATE audit SET actor = 'mallory'", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = conn.execute("DELETE FROM audit", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let v: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 3);
    // A database from a newer cx is refused.
    conn.execute("UPDATE schema_version SET version = 99", [])
        .unwrap();
    drop(conn);
    assert_eq!(SqliteCaseStore::open(&db).unwrap_err().code(), "format");
}

/// Cases and events for the scale test (`n_cases`, `events_per_case`).
fn load(s: &mut SqliteCaseStore, n_cases: usize, events_per_case: usize) -> (f64, f64) {
    let admin = Principal::admin("loader");
    let teams = ["logistics", "payments", "digital", "care"];
    let t = Instant::now();
    for chunk in (0..n_cases).collect::<Vec<_>>().chunks(10_000) {
        let cases: Vec<Case> = chunk
            .iter()
            .map(|i| new_case(&format!("C{i:07}"), teams[i % 4]))
            .collect();
        s.create_many(&admin, &cases).unwrap();
    }
    let cases_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let base = at().timestamp();
    for chunk in (0..n_cases).collect::<Vec<_>>().chunks(50_000) {
        let events: Vec<CaseEvent> = chunk
            .iter()
            .flat_map(|i| {
                (0..events_per_case).map(move |k| {
                    CaseEvent::new(
                        format!("C{i:07}"),
                        base + (k as i64) * 60,
                        "message",
                        "agent",
                    )
                })
            })
            .collect();
        s.insert_events(&admin, &events).unwrap();
    }
    (cases_s, t.elapsed().as_secs_f64())
}

#[test]
fn hundred_thousand_cases_and_a_million_events_load_and_query() {
    // Full size in release (`cargo test --release`); a tenth of the events in debug.
    let per_case = if cfg!(debug_assertions) { 1 } else { 10 };
    let db = tmp("scale");
    let mut s = SqliteCaseStore::open(&db).unwrap();
    let (cases_s, events_s) = load(&mut s, 100_000, per_case);
    let n_events = 100_000 * per_case;
    eprintln!(
        "100000 cases in {cases_s:.2} s ({:.0}/s); {n_events} events in {events_s:.2} s ({:.0} events/s)",
        100_000.0 / cases_s,
        n_events as f64 / events_s
    );
    let admin = Principal::admin("root");
    assert_eq!(s.count_events(&admin, None).unwrap(), n_events as u64);
    assert_eq!(
        s.count_events(&admin, Some("C0054321")).unwrap(),
        per_case as u64
    );
    let agent = Principal::agent("ann", "payments");
    let t = Instant::now();
    let mine = s
        .list(
            &agent,
            &CaseFilter::new().team("payments").state(CaseState::New),
        )
        .unwrap();
    assert_eq!(mine.len(), 25_000);
    assert!(mine.iter().all(|c| c.team == "payments"));
    assert_eq!(
        s.count_events(&agent, None).unwrap(),
        25_000 * per_case as u64
    );
    assert_eq!(s.get(&agent, "C0000001").unwrap().team, "payments");
    eprintln!(
        "query of 25000 team cases in {:.2} s",
        t.elapsed().as_secs_f64()
    );
}
