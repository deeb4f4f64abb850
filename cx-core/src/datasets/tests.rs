//! Unit tests of the sample generator (cross-file checks live in `tests/rust/datasets.rs`).

use super::company::{ATTRIBUTES, KANO_FEATURES as KANO_TABLE};
use super::*;

fn tiny() -> SampleOptions {
    SampleOptions::small()
        .n_customers(300)
        .n_feedback(400)
        .n_survey(100)
        .n_tickets(120)
}

#[test]
fn public_column_lists_match_the_tables() {
    let attrs: Vec<&str> = ATTRIBUTES.iter().map(|a| a.0).collect();
    assert_eq!(attrs, SURVEY_ATTRIBUTES);
    let kano: Vec<&str> = KANO_TABLE.iter().map(|k| k.0).collect();
    assert_eq!(kano, KANO_FEATURES);
}

#[test]
fn options_are_validated() {
    let e = generate(&SampleOptions::small().n_customers(0)).err();
    assert_eq!(e.as_ref().and_then(CxError::field), Some("n_customers"));
    assert!(generate(&SampleOptions::small().months(121)).is_err());
}

#[test]
fn streams_are_independent() -> Result<()> {
    let a = generate(&tiny())?;
    let b = generate(&tiny().n_tickets(10))?;
    assert_eq!(a.feedback, b.feedback);
    assert_ne!(a.tickets.len(), b.tickets.len());
    Ok(())
}

#[test]
fn write_dir_reports_the_path_on_failure() -> Result<()> {
    let data = generate(&tiny())?;
    let file = std::env::temp_dir().join("cx-datasets-not-a-dir.txt");
    std::fs::write(&file, b"x").map_err(CxError::from)?;
    let e = data.write_dir(file.join("sub")).err();
    assert_eq!(e.as_ref().map(CxError::code), Some("io"));
    assert!(e.and_then(|e| e.field().map(|f| f.contains("cx-datasets-not-a-dir"))) == Some(true));
    Ok(())
}

#[test]
fn other_periods_and_tiny_sizes_work() -> Result<()> {
    let start = chrono::NaiveDate::from_ymd_opt(2023, 11, 15)
        .ok_or_else(|| CxError::option("start", "bad date"))?;
    let d = generate(
        &SampleOptions::small()
            .start(start)
            .months(2)
            .n_customers(1)
            .n_feedback(3)
            .n_survey(1)
            .n_tickets(2),
    )?;
    assert_eq!(d.feedback.len(), 3);
    assert_eq!(d.render()?.len(), FILE_NAMES.len());
    let empty = generate(
        &SampleOptions::small()
            .n_feedback(0)
            .n_survey(0)
            .n_tickets(0),
    )?;
    assert!(empty.feedback.is_empty() && empty.tickets.is_empty());
    Ok(())
}
