//! Invariants of `cx_core::privacy` on arbitrary input (proptest).

use cx_core::privacy::{Pseudonymizer, RedactOptions, find_pii, redact};
use proptest::prelude::*;

/// Fragments that look like personal data or near it, glued by arbitrary text,
/// so that matches, near-misses and their boundaries collide.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("13800138000".to_string()),
        Just("+86 138-0013-8000".to_string()),
        Just("(010)62345678".to_string()),
        Just("11010519491231002X".to_string()),
        Just("110105491231002".to_string()),
        Just("4111 1111 1111 1111".to_string()),
        Just("li.lei+cx@mail.example.cn".to_string()),
        Just("192.0.2.1".to_string()),
        Just("2001:db8::1".to_string()),
        Just("[PHONE]".to_string()),
        Just("[EMAIL]".to_string()),
        Just("订单号".to_string()),
        Just("版本".to_string()),
        Just("１３８".to_string()),
        "[0-9]{1,20}",
        "[0-9 .:@+()\\-]{1,12}",
        "[a-zA-Z0-9_.]{1,8}",
        "\\PC{1,8}",
        "[电话邮箱请联系谢，。：]{1,4}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn redaction_is_idempotent(t in text()) {
        let once = redact(&t, RedactOptions::new()).text;
        let twice = redact(&once, RedactOptions::new());
        prop_assert_eq!(&twice.text, &once);
        prop_assert!(twice.matches.is_empty());
    }

    #[test]
    fn redaction_is_idempotent_on_any_string(t in "\\PC{0,64}") {
        let once = redact(&t, RedactOptions::new()).text;
        prop_assert_eq!(redact(&once, RedactOptions::new()).text, once);
    }

    #[test]
    fn spans_are_sorted_disjoint_char_boundaries(t in text()) {
        let ms = find_pii(&t, RedactOptions::new());
        let mut last = 0;
        for m in &ms {
            prop_assert!(m.start >= last && m.start < m.end && m.end <= t.len());
            prop_assert!(t.is_char_boundary(m.start) && t.is_char_boundary(m.end));
            last = m.end;
        }
        // Splicing placeholders at the reported spans gives the redacted text.
        let mut expected = String::new();
        let mut pos = 0;
        for m in &ms {
            expected.push_str(&t[pos..m.start]);
            expected.push_str(m.kind.placeholder());
            pos = m.end;
        }
        expected.push_str(&t[pos..]);
        prop_assert_eq!(redact(&t, RedactOptions::new()).text, expected);
    }

    #[test]
    fn no_panic_on_arbitrary_input(t in "\\PC{0,200}", bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = find_pii(&t, RedactOptions::new());
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = redact(&lossy, RedactOptions::new());
    }

    #[test]
    fn pseudonyms_are_deterministic(key in prop::collection::vec(any::<u8>(), 16..64), v in "\\PC{0,40}") {
        let a = Pseudonymizer::new(&key).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = Pseudonymizer::new(&key).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let pa = a.pseudonymize(&v);
        prop_assert_eq!(&pa, &b.pseudonymize(&v));
        prop_assert_eq!(pa.len(), 64);
        prop_assert!(pa.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    }

    #[test]
    fn distinct_keys_give_distinct_pseudonyms(
        k1 in prop::collection::vec(any::<u8>(), 16..48),
        k2 in prop::collection::vec(any::<u8>(), 16..48),
        v in "\\PC{0,40}",
    ) {
        prop_assume!(k1 != k2);
        let a = Pseudonymizer::new(&k1).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = Pseudonymizer::new(&k2).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_ne!(a.pseudonymize(&v), b.pseudonymize(&v));
    }

    #[test]
    fn short_keys_are_rejected(key in prop::collection::vec(any::<u8>(), 0..16)) {
        let err = Pseudonymizer::new(&key).err();
        prop_assert_eq!(err.as_ref().and_then(|e| e.field()), Some("key"));
    }
}
