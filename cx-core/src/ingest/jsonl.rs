//! JSON Lines input: one JSON object per line.
//!
//! Keys are mapped like CSV headers (explicit mapping, then synonyms). Values
//! may be strings or numbers (`"9"` and `9` are the same NPS; `9.5` is
//! rejected as not an integer); `null` is an empty value; `tags` may also be an
//! array of strings. Blank lines are skipped and are not rows (but count as
//! lines). A line that is not a JSON object is rejected naming its row and
//! line, with its content redacted.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use serde_json::Value;

use super::batch::FeedbackBatch;
use super::csv::{SeenIds, fingerprint, record_value};
use super::encoding::{self, Encoding, UTF8_BOM};
use super::mapping::{Field, N_FIELDS};
use super::validate::{Cells, Validator};
use super::{ErrorPolicy, Ingested, ReadOptions, Rejection};
use crate::{CxError, Result};

/// Read a whole JSON Lines input into one batch with its report.
///
/// The explicit mapping is applied to keys; unlike CSV, a mapped key that no
/// line contains is not an error (keys may differ from line to line). Keys
/// that map to no field are listed in `ignored_columns` in first-seen order.
///
/// # Errors
/// [`CxError::InvalidOption`] for bad options; [`CxError::Io`] for read
/// failures; under [`ErrorPolicy::Strict`], the typed error of the first bad
/// row.
///
/// # Examples
/// ```
/// use cx_core::ingest::{read_feedback_jsonl, ErrorPolicy, ReadOptions};
/// let data = r#"{"反馈ID": "F1", "渠道": "微信", "时间": "2024-03-01T14:05:00+08:00", "nps": 9}
///
/// {"反馈ID": "F2", "渠道": "电话", "时间": "2024-03-01T15:00:00+08:00", "nps": "9.5"}
/// not json
/// "#;
/// let got = read_feedback_jsonl(data.as_bytes(), &ReadOptions::new().errors(ErrorPolicy::Collect))?;
/// assert_eq!((got.rows_read, got.accepted.len()), (3, 1));
/// assert_eq!((got.rejected[0].row, got.rejected[0].line, got.rejected[0].field.as_str()), (1, 3, "nps"));
/// assert_eq!((got.rejected[1].row, got.rejected[1].line), (2, 4));
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub fn read_feedback_jsonl<R: BufRead>(
    mut input: R,
    opts: &ReadOptions,
) -> Result<Ingested<FeedbackBatch>> {
    opts.validate()?;
    let sample = input.fill_buf()?;
    let enc = if sample.starts_with(UTF8_BOM) {
        Encoding::Utf8
    } else {
        opts.encoding.detect(sample, sample.is_empty())
    };
    let mut v = Validator::new(opts);
    let mut batch = FeedbackBatch::new();
    let mut rejected = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    let mut keys: HashMap<String, Option<Field>> = HashMap::new();
    let mut seen = SeenIds::default();
    let mut buf = Vec::new();
    let (mut row, mut line, mut offset) = (0usize, 0u64, 0u64);
    loop {
        buf.clear();
        let n = input.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        line += 1;
        let start_offset = offset;
        offset += n as u64;
        let mut bytes = &buf[..];
        if line == 1 {
            bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let this_row = row;
        row += 1;
        let result = decode_line(enc, bytes, start_offset + (buf.len() - bytes.len()) as u64)
            .and_then(|text| {
                parse_object(&text, bytes, opts, &mut keys, &mut ignored, |cells| {
                    v.push(this_row, cells, &mut batch)
                })
            });
        let result = result.and_then(|()| {
            if !opts.reject_duplicate_ids {
                return Ok(());
            }
            let Some(id) = batch
                .len()
                .checked_sub(1)
                .and_then(|i| batch.feedback_id.get(i))
                .map(str::to_owned)
            else {
                return Ok(());
            };
            match seen.get(&fingerprint(&id)) {
                Some(&first) => {
                    let e = CxError::invalid(
                        "feedback_id",
                        None,
                        &id,
                        format!("duplicate feedback_id (first seen at row {first})"),
                    );
                    let last = batch.len() - 1;
                    batch.remove_rows(&[last]);
                    Err(e)
                }
                None => {
                    seen.insert(fingerprint(&id), this_row);
                    Ok(())
                }
            }
        });
        if let Err(e) = result {
            let r = Rejection::new(this_row, line, e);
            if opts.errors == ErrorPolicy::Strict {
                return Err(r.to_error());
            }
            rejected.push(r);
        }
    }
    Ok(Ingested {
        accepted: batch,
        rejected,
        rows_read: row,
        ignored_columns: ignored,
    })
}

fn decode_line(enc: Encoding, bytes: &[u8], offset: u64) -> Result<Cow<'_, str>> {
    encoding::decode(enc, bytes).map_err(|bad| CxError::Encoding {
        field: "<record>".into(),
        row: None,
        encoding: enc.name().into(),
        byte_offset: offset + bad as u64,
    })
}

fn parse_object(
    text: &str,
    raw: &[u8],
    opts: &ReadOptions,
    keys: &mut HashMap<String, Option<Field>>,
    ignored: &mut Vec<String>,
    push: impl FnOnce(&Cells<'_>) -> Result<()>,
) -> Result<()> {
    let obj: serde_json::Map<String, Value> = serde_json::from_str(text).map_err(|e| {
        CxError::invalid(
            "<record>",
            None,
            record_value(raw.trim_ascii()),
            format!("malformed JSON line: {e}"),
        )
    })?;
    let mut cells: Cells<'_> = Default::default();
    let mut from: [Option<&str>; N_FIELDS] = [None; N_FIELDS];
    for (k, val) in &obj {
        let field = *keys.entry(k.clone()).or_insert_with(|| {
            let f = opts.mapping.explicit(k).or_else(|| Field::from_header(k));
            if f.is_none() && !ignored.contains(k) {
                ignored.push(k.clone());
            }
            f
        });
        let Some(f) = field else { continue };
        if let Some(prev) = from[f.index()] {
            return Err(CxError::invalid(
                f.as_str(),
                None,
                k,
                format!("keys {prev:?} and {k:?} both map to {f}"),
            ));
        }
        from[f.index()] = Some(k);
        cells[f.index()] = Some(cell(f, val)?);
    }
    for f in [Field::Channel, Field::Timestamp] {
        cells[f.index()].get_or_insert(Cow::Borrowed(""));
    }
    push(&cells)
}

fn cell(f: Field, v: &Value) -> Result<Cow<'_, str>> {
    match v {
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Number(n) => Ok(Cow::Owned(n.to_string())),
        Value::Null => Ok(Cow::Borrowed("")),
        Value::Array(items) if f == Field::Tags => items
            .iter()
            .map(|x| match x {
                Value::String(s) => Ok(s.as_str()),
                _ => Err(CxError::invalid("tags", None, x, "tags must be strings")),
            })
            .collect::<Result<Vec<_>>>()
            .map(|t| Cow::Owned(t.join(";"))),
        other => {
            let shown = if f.is_personal() {
                super::redacted(&other.to_string())
            } else {
                other.to_string()
            };
            Err(CxError::invalid(
                f.as_str(),
                None,
                shown,
                "expected a string or a number",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_duplicates() -> Result<()> {
        let data = "\u{FEFF}{\"id\":\"a\",\"channel\":\"email\",\"timestamp\":1709273100,\"tags\":[\"物流\",\"价格\"],\"extra\":1}\n\
                    {\"id\":\"a\",\"channel\":\"email\",\"timestamp\":1709273100}\n\
                    {\"id\":\"b\",\"channel\":\"email\",\"timestamp\":1709273100,\"text\":{\"x\":\"秘密\"}}\n\
                    {\"id\":\"c\",\"nps\":9}\n";
        let got = read_feedback_jsonl(
            data.as_bytes(),
            &ReadOptions::new().errors(ErrorPolicy::Collect),
        )?;
        assert_eq!(
            got.accepted.tags.get(0).collect::<Vec<_>>(),
            ["物流", "价格"]
        );
        assert_eq!(got.ignored_columns, ["extra"]);
        let r: Vec<(usize, &str, &str)> = got
            .rejected
            .iter()
            .map(|r| (r.row, r.field.as_str(), r.code))
            .collect();
        assert_eq!(
            r,
            [
                (1, "feedback_id", "invalid_value"),
                (2, "text", "invalid_value"),
                (3, "channel", "missing_field")
            ]
        );
        assert!(!got.rejected[1].value.contains("秘密"));
        assert_eq!(got.rows_read, 4);
        Ok(())
    }
}
