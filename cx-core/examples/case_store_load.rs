//! Bulk-load throughput of the SQLite case store: 100k cases, then 1M events in
//! batches of 100k (one transaction and one prepared statement each), then a
//! team query. Run:
//! `cargo run --release -p cx-core --features sqlite --example case_store_load [cases] [events_per_case]`.

use std::time::Instant;

use cx_core::cases::store::{CaseEvent, CaseFilter, CaseStore, Principal, SqliteCaseStore};
use cx_core::cases::{Case, CaseState};

fn main() -> cx_core::Result<()> {
    let mut args = std::env::args().skip(1);
    let n_cases: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let per_case: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let dir = std::env::temp_dir().join(format!("cx-case-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("cases.db");
    let mut s = SqliteCaseStore::open(&path)?;
    let admin = Principal::admin("loader");
    let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T09:00:00+08:00")
        .map_err(|e| cx_core::CxError::invalid("at", None, e, "bad"))?;
    let teams = ["logistics", "payments", "digital", "care"];

    let t = Instant::now();
    let ids: Vec<usize> = (0..n_cases).collect();
    for chunk in ids.chunks(10_000) {
        let cases = chunk
            .iter()
            .map(|i| Case::new(format!("C{i:07}"), teams[i % 4], at))
            .collect::<cx_core::Result<Vec<_>>>()?;
        s.create_many(&admin, &cases)?;
    }
    let cases_s = t.elapsed().as_secs_f64();

    let base = at.timestamp();
    let n_events = n_cases * per_case;
    let t = Instant::now();
    for chunk in ids.chunks(100_000 / per_case.max(1)) {
        let events: Vec<CaseEvent> = chunk
            .iter()
            .flat_map(|i| {
                (0..per_case).map(move |k| {
                    CaseEvent::new(format!("C{i:07}"), base + k as i64 * 60, "message", "agent")
                })
            })
            .collect();
        s.insert_events(&admin, &events)?;
    }
    let events_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let agent = Principal::agent("ann", "payments");
    let mine = s.list(
        &agent,
        &CaseFilter::new().team("payments").state(CaseState::New),
    )?;
    let counted = s.count_events(&admin, None)?;
    let query_s = t.elapsed().as_secs_f64();
    assert_eq!(counted as usize, n_events);

    println!(
        "cases: {n_cases} in {cases_s:.2} s = {:.0} cases/s (with one audit entry each)",
        n_cases as f64 / cases_s
    );
    println!(
        "events: {n_events} in {events_s:.2} s = {:.0} events/s",
        n_events as f64 / events_s
    );
    println!(
        "query: {} team cases + count of {counted} events in {query_s:.2} s",
        mine.len()
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
