//! Precision and recall of `cx_core::privacy::find_pii` on the labelled corpus
//! `tests/vectors/privacy/corpus.txt` (markup described in its README).
//!
//! A detection is a true positive only if kind and byte span both match a
//! label exactly. Run with `--nocapture` to see the table:
//! `cargo test -p cx-tests --test privacy_corpus -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};

use cx_core::privacy::{PiiKind, RedactOptions, find_pii, redact};
use cx_tests::vector_path;

/// Goals of issue #3 §4, measured over all kinds.
const MIN_RECALL: f64 = 0.99;
const MIN_PRECISION: f64 = 0.98;

struct Line {
    number: usize,
    text: String,
    expected: BTreeSet<(PiiKind, usize, usize)>,
    redacted: String,
}

fn kind_of(label: &str) -> PiiKind {
    PiiKind::ALL
        .into_iter()
        .find(|k| k.placeholder() == format!("[{label}]"))
        .unwrap_or_else(|| panic!("unknown label {label:?}"))
}

/// Strip `{{KIND:value}}` markup: the plain text, the labelled spans and the
/// expected redaction.
fn parse(number: usize, raw: &str) -> Line {
    let mut text = String::new();
    let mut redacted = String::new();
    let mut expected = BTreeSet::new();
    let mut rest = raw;
    while let Some(open) = rest.find("{{") {
        text.push_str(&rest[..open]);
        redacted.push_str(&rest[..open]);
        let inner = &rest[open + 2..];
        let close = inner
            .find("}}")
            .unwrap_or_else(|| panic!("line {number}: unclosed {{{{"));
        let (label, value) = inner[..close]
            .split_once(':')
            .unwrap_or_else(|| panic!("line {number}: label without ':'"));
        let kind = kind_of(label);
        expected.insert((kind, text.len(), text.len() + value.len()));
        text.push_str(value);
        redacted.push_str(kind.placeholder());
        rest = &inner[close + 2..];
    }
    text.push_str(rest);
    redacted.push_str(rest);
    Line {
        number,
        text,
        expected,
        redacted,
    }
}

fn corpus() -> Vec<Line> {
    let path = vector_path("privacy/corpus.txt");
    let raw = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    raw.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| parse(i + 1, l))
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Tally {
    fn precision(self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[test]
fn corpus_precision_and_recall() {
    let lines = corpus();
    assert!(lines.len() >= 300, "corpus has only {} lines", lines.len());
    let mut per_kind: BTreeMap<PiiKind, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut bad_redactions = 0;
    for line in &lines {
        let found: BTreeSet<(PiiKind, usize, usize)> = find_pii(&line.text, RedactOptions::new())
            .into_iter()
            .map(|m| (m.kind, m.start, m.end))
            .collect();
        for &(k, s, e) in found.union(&line.expected) {
            let t = per_kind.entry(k).or_default();
            match (
                found.contains(&(k, s, e)),
                line.expected.contains(&(k, s, e)),
            ) {
                (true, true) => t.tp += 1,
                (true, false) => {
                    t.fp += 1;
                    misses.push(format!(
                        "line {}: FP {k} {:?}",
                        line.number,
                        &line.text[s..e]
                    ));
                }
                _ => {
                    t.fn_ += 1;
                    misses.push(format!(
                        "line {}: FN {k} {:?}",
                        line.number,
                        &line.text[s..e]
                    ));
                }
            }
        }
        let redacted = redact(&line.text, RedactOptions::new()).text;
        if found == line.expected {
            assert_eq!(redacted, line.redacted, "line {}", line.number);
        } else {
            bad_redactions += 1;
        }
    }
    let total = per_kind.values().fold(Tally::default(), |a, t| Tally {
        tp: a.tp + t.tp,
        fp: a.fp + t.fp,
        fn_: a.fn_ + t.fn_,
    });
    println!("privacy corpus: {} lines", lines.len());
    println!(
        "{:<8} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "kind", "tp", "fp", "fn", "precision", "recall"
    );
    for (k, t) in per_kind
        .iter()
        .map(|(k, t)| (k.as_str(), *t))
        .chain([("overall", total)])
    {
        println!(
            "{k:<8} {:>4} {:>4} {:>4} {:>9.4} {:>7.4}",
            t.tp,
            t.fp,
            t.fn_,
            t.precision(),
            t.recall()
        );
    }
    for m in &misses {
        println!("{m}");
    }
    println!("lines whose redaction differs from the labels: {bad_redactions}");
    assert!(
        total.recall() >= MIN_RECALL,
        "recall {:.4} < {MIN_RECALL}",
        total.recall()
    );
    assert!(
        total.precision() >= MIN_PRECISION,
        "precision {:.4} < {MIN_PRECISION}",
        total.precision()
    );
}

#[test]
fn markup_parser_round_trips() {
    let l = parse(
        1,
        "请回电 {{PHONE:138 0013 8000}}，或 {{EMAIL:a@example.cn}}",
    );
    assert_eq!(l.text, "请回电 138 0013 8000，或 a@example.cn");
    assert_eq!(l.redacted, "请回电 [PHONE]，或 [EMAIL]");
    let spans: Vec<&str> = l.expected.iter().map(|&(_, s, e)| &l.text[s..e]).collect();
    assert_eq!(spans, vec!["a@example.cn", "138 0013 8000"]);
}

#[test]
fn redacted_corpus_is_a_fixed_point() {
    for line in corpus() {
        let once = redact(&line.text, RedactOptions::new()).text;
        let twice = redact(&once, RedactOptions::new()).text;
        assert_eq!(once, twice, "line {}", line.number);
    }
}
