//! Invariants of `ops::BusinessCalendar` (proptest): `duration(a, add(a, d)) == d`,
//! additivity, antisymmetry, monotonicity and minimality of `add`, over calendars
//! with split shifts, holidays, make-up days, DST zones and dated schedule changes.
#![allow(clippy::unwrap_used)]

use cx_core::ops::BusinessCalendar;
use cx_tests::calendars;
use proptest::prelude::*;

// 2024-01-01 .. 2025-12-31 in Unix seconds.
const LO: i64 = 1_704_067_200;
const HI: i64 = 1_767_139_200;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn add_then_duration_round_trips(ci in 0usize..4, a in LO..HI, d in 0i64..3_000_000) {
        let cal = &calendars()[ci];
        let u = cal.add_unix(a, d).unwrap();
        prop_assert!(u >= a);
        prop_assert_eq!(cal.duration_unix(a, u), d);
        // Minimal: one second earlier has not yet accumulated d.
        if d > 0 {
            prop_assert_eq!(cal.duration_unix(a, u - 1), d - 1);
        }
    }

    #[test]
    fn additive_and_antisymmetric(ci in 0usize..4, a in LO..HI, x in 0i64..4_000_000, y in 0i64..4_000_000) {
        let cal = &calendars()[ci];
        let (b, c) = (a + x, a + x + y);
        prop_assert_eq!(cal.duration_unix(a, c), cal.duration_unix(a, b) + cal.duration_unix(b, c));
        prop_assert_eq!(cal.duration_unix(c, a), -cal.duration_unix(a, c));
    }

    #[test]
    fn monotone_and_bounded(ci in 0usize..4, a in LO..HI, x in 0i64..4_000_000, y in 0i64..100_000) {
        let cal = &calendars()[ci];
        let d1 = cal.duration_unix(a, a + x);
        let d2 = cal.duration_unix(a, a + x + y);
        prop_assert!(0 <= d1 && d1 <= d2 && d1 <= x);
        prop_assert!(d2 - d1 <= y);
        let (u1, u2) = (cal.add_unix(a, d1).unwrap(), cal.add_unix(a, d2).unwrap());
        prop_assert!(u1 <= u2);
    }
}

proptest! {
    #[test]
    fn offset_table_matches_chrono_tz(ci in 0usize..4, t in -100_000_000i64..4_200_000_000) {
        use chrono::{Offset, TimeZone};
        let cal = &calendars()[ci];
        let dt = chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc();
        let want = cal.time_zone().offset_from_utc_datetime(&dt).fix().local_minus_utc();
        prop_assert_eq!(cal.offset_secs_at(t), want);
    }
}

#[test]
fn offset_table_at_dst_transitions() {
    let ny = &calendars()[1];
    // 2024-03-10 07:00:00Z: EST -> EDT; 2024-11-03 06:00:00Z: EDT -> EST.
    assert_eq!(ny.offset_secs_at(1_710_054_000 - 1), -5 * 3600);
    assert_eq!(ny.offset_secs_at(1_710_054_000), -4 * 3600);
    assert_eq!(ny.offset_secs_at(1_730_613_600 - 1), -4 * 3600);
    assert_eq!(ny.offset_secs_at(1_730_613_600), -5 * 3600);
}

#[test]
fn always_calendar_is_calendar_time() {
    let cal = BusinessCalendar::always();
    assert_eq!(cal.duration_unix(LO, LO + 12_345), 12_345);
    assert_eq!(cal.add_unix(LO, 999).unwrap(), LO + 999);
}
