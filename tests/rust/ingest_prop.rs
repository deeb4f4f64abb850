//! Property tests of ingestion: every row is accounted for, and parallel
//! parsing gives exactly the sequential result.

use cx_core::ingest::{ErrorPolicy, ReadOptions, read_feedback_csv};
use proptest::prelude::*;

/// One CSV row: good or bad in one of several ways.
fn row(kind: u8, i: usize) -> String {
    let ts = format!("2024-03-01 {:02}:{:02}", i % 24, i % 60);
    match kind % 8 {
        0 => format!("F{i},微信,{ts},9,\"多行\n文本, 逗号\"\n"),
        1 => format!("F{i},信鸽,{ts},9,x\n"),
        2 => format!("F{i},phone,bad time,9,x\n"),
        3 => format!("F{i},phone,{ts},11,x\n"),
        4 => format!("F{i},phone,{ts}\n"),
        5 => format!("F{},phone,{ts},3,dup\n", i / 2),
        6 => format!("F{i},email,{ts},,\"引号\"\"内\"\n"),
        _ => format!("F{i},电话,{ts},0,普通\n\n"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn rows_are_accounted_and_parallel_equals_sequential(kinds in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let mut s = String::from("feedback_id,channel,timestamp,nps,text\n");
        for (i, k) in kinds.iter().enumerate() {
            s.push_str(&row(*k, i));
        }
        let opts = ReadOptions::new()
            .tz(chrono_tz::Asia::Shanghai)
            .errors(ErrorPolicy::Collect)
            .batch_size(64);
        let seq = read_feedback_csv(s.as_bytes(), &opts.clone().threads(1));
        let par = read_feedback_csv(s.as_bytes(), &opts.threads(3));
        let (seq, par) = match (seq, par) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => return Err(TestCaseError::fail(format!("{:?} {:?}", a.err(), b.err()))),
        };
        prop_assert_eq!(seq.rows_read, kinds.len());
        prop_assert_eq!(seq.rows_read, seq.accepted.len() + seq.rejected.len());
        prop_assert_eq!(&seq.accepted, &par.accepted);
        prop_assert_eq!(&seq.rejected, &par.rejected);
        prop_assert_eq!(seq.rows_read, par.rows_read);
    }
}
