//! Every `CxError` variant is reachable through the public API, with its code and fields.

use cx_core::ingest::{Encoding, ErrorPolicy, ReadOptions, read_feedback_csv, read_feedback_file};
use cx_core::metrics::{self, NpsOptions, tally::NpsTally};
use cx_core::{CxError, Result};

fn code<T>(r: Result<T>) -> Option<&'static str> {
    r.err().map(|e| e.code())
}

#[test]
fn invalid_value_names_field_row_and_value() {
    let e = metrics::nps(&[10.0, 11.0], NpsOptions::new()).err();
    assert_eq!(e.as_ref().map(CxError::code), Some("invalid_value"));
    assert_eq!(e.as_ref().and_then(CxError::row), Some(1));
    assert_eq!(e.as_ref().and_then(CxError::value), Some("11"));
}

#[test]
fn missing_field() {
    let data = "feedback_id,timestamp\nF1,2024-03-01T09:00:00+08:00\n";
    let e = read_feedback_csv(data.as_bytes(), &ReadOptions::new()).err();
    assert_eq!(e.as_ref().map(CxError::code), Some("missing_field"));
    assert_eq!(e.as_ref().and_then(CxError::field), Some("channel"));
}

#[test]
fn missing_time_zone() {
    let data = "feedback_id,channel,timestamp\nF1,phone,2024-03-01 09:00\n";
    let e = read_feedback_csv(
        data.as_bytes(),
        &ReadOptions::new().errors(ErrorPolicy::Strict),
    )
    .err();
    assert_eq!(e.as_ref().map(CxError::code), Some("missing_time_zone"));
    assert_eq!(e.as_ref().and_then(CxError::row), Some(0));
}

#[test]
fn encoding() {
    let data = b"feedback_id,channel,timestamp,text\nF1,phone,2024-03-01T09:00:00+08:00,\xff\xfe\n";
    let e = read_feedback_csv(&data[..], &ReadOptions::new().encoding(Encoding::Utf8)).err();
    assert_eq!(e.as_ref().map(CxError::code), Some("encoding"));
    assert_eq!(e.as_ref().and_then(CxError::row), Some(0));
}

#[test]
fn length_mismatch() {
    let r = metrics::group::nps_by_group(&[9, 10], &[0], 1, None);
    assert_eq!(code(r), Some("length_mismatch"));
    let r = metrics::weighted_nps(&[9.0, 10.0], &[1.0], NpsOptions::new());
    assert_eq!(code(r), Some("length_mismatch"));
}

#[test]
fn empty_input() {
    assert_eq!(
        code(metrics::nps(&[], NpsOptions::new())),
        Some("empty_input")
    );
    assert_eq!(
        code(metrics::nps(&[f64::NAN], NpsOptions::new())),
        Some("empty_input")
    );
}

#[test]
fn too_few_observations() {
    let r = metrics::compare_means(&[1.0], &[2.0, 3.0], 0.95);
    assert_eq!(code(r), Some("too_few_observations"));
}

#[test]
fn invalid_option() {
    assert_eq!(
        code(metrics::nps(&[9.0], NpsOptions::new().level(1.5))),
        Some("invalid_option")
    );
    assert_eq!(
        code(cx_core::ingest::parse_tz("Mars/Olympus")),
        Some("invalid_option")
    );
}

#[test]
fn format() {
    let mut bytes = NpsTally::new().to_bytes();
    if let Some(b) = bytes.last_mut() {
        *b ^= 0xFF;
    }
    assert_eq!(code(NpsTally::from_bytes(&bytes)), Some("format"));
    assert_eq!(
        code(cx_core::model::Journey::from_json("{")),
        Some("format")
    );
}

#[test]
fn io_names_the_path() {
    let e = read_feedback_file("/no/such/dir/feedback.csv", &ReadOptions::new()).err();
    assert_eq!(e.as_ref().map(CxError::code), Some("io"));
    assert!(
        e.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("/no/such/dir/feedback.csv")
    );
}

#[test]
fn tollgate_not_met_names_phase_and_items() {
    use cx_core::dmaic::Project;
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00");
    let e = Project::builder("Cut repeat calls")
        .problem("32% of calls repeat")
        .build()
        .and_then(|mut p| {
            p.advance(
                "Li Na",
                at.map_err(|e| CxError::option("at", e.to_string()))?,
            )
        })
        .err();
    assert_eq!(e.as_ref().map(CxError::code), Some("tollgate_not_met"));
    assert_eq!(e.as_ref().and_then(CxError::field), Some("define"));
    assert_eq!(
        e.as_ref().and_then(CxError::unmet).map(<[String]>::len),
        Some(4)
    );
}
