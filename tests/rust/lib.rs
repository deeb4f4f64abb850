//! Shared helpers for the cx integration tests (reference vectors live in `tests/vectors`).

use std::path::PathBuf;

/// Path of a file under `tests/vectors`.
pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(rel)
}

/// Load a JSON reference vector from `tests/vectors/<rel>`.
pub fn load_vector(rel: &str) -> serde_json::Value {
    let path = vector_path(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

/// Business calendars for the calendar proptests (built once): `[0]` China 2024/2025
/// (调休), `[1]` New York with night shifts on Sundays and a holiday, `[2]` London with
/// split shifts, dated schedule changes, a shortened holiday and a make-up day, `[3]`
/// always open, `[4]` Lord Howe Island (a 30-minute DST shift).
#[allow(clippy::unwrap_used)]
pub fn calendars() -> &'static [cx_core::ops::BusinessCalendar] {
    use chrono::NaiveDate;
    use cx_core::ops::{BusinessCalendar, SpecialDay, WeeklyHours};
    static CALS: std::sync::OnceLock<Vec<BusinessCalendar>> = std::sync::OnceLock::new();
    CALS.get_or_init(|| {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let split = WeeklyHours::weekdays(&[
            "09:00-12:00".parse().unwrap(),
            "13:30-18:00".parse().unwrap(),
        ]);
        let night = WeeklyHours::always().day(
            chrono::Weekday::Sun,
            &[
                "00:00-06:00".parse().unwrap(),
                "22:00-24:00".parse().unwrap(),
            ],
        );
        vec![
            BusinessCalendar::china(&[2024, 2025]).unwrap(),
            BusinessCalendar::builder("America/New_York")
                .week(night)
                .holiday(d(2024, 7, 4))
                .build()
                .unwrap(),
            BusinessCalendar::builder("Europe/London")
                .week(split.clone())
                .week_from(
                    d(2024, 6, 1),
                    WeeklyHours::weekdays(&["08:00-20:00".parse().unwrap()]),
                )
                .week_from(d(2025, 2, 3), WeeklyHours::always())
                .holiday(SpecialDay::new(d(2024, 12, 24)).hours(&["09:00-11:00".parse().unwrap()]))
                .workday(d(2024, 3, 30))
                .build()
                .unwrap(),
            BusinessCalendar::always(),
            BusinessCalendar::builder("Australia/Lord_Howe")
                .week(
                    WeeklyHours::always()
                        .day(chrono::Weekday::Sun, &["01:00-03:00".parse().unwrap()]),
                )
                .build()
                .unwrap(),
        ]
    })
}

/// The Rust code blocks of the repository README, run as doctests.
#[doc = include_str!("../../README.md")]
pub mod readme {}
