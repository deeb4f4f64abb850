//! Ingestion of the fixture files in `tests/vectors/ingest/` (written by a
//! Python script with `str.encode("gb18030")` / `"utf-8"`): encodings, Chinese
//! headers, every kind of bad row, quoted newlines, time zones.

use cx_core::CxError;
use cx_core::ingest::{
    ColumnMapping, Encoding, ErrorPolicy, FeedbackReader, MISSING_RATING, ReadOptions, parse_tz,
    read_feedback_csv, read_feedback_file,
};
use cx_core::model::{Channel, FeedbackKind};
use cx_tests::vector_path;

type R = Result<(), CxError>;

fn shanghai() -> ReadOptions {
    ReadOptions::new()
        .tz(parse_tz("Asia/Shanghai").unwrap_or(chrono_tz::Asia::Shanghai))
        .errors(ErrorPolicy::Collect)
}

fn read(
    name: &str,
    opts: &ReadOptions,
) -> Result<cx_core::ingest::Ingested<cx_core::ingest::FeedbackBatch>, CxError> {
    read_feedback_file(vector_path(&format!("ingest/{name}")), opts)
}

#[test]
fn gb18030_with_chinese_headers_matches_utf8() -> R {
    let gbk = read("chinese_headers_gb18030.csv", &shanghai())?;
    let utf = read("chinese_headers_utf8.csv", &shanghai())?;
    assert_eq!(gbk.accepted, utf.accepted);
    assert_eq!(gbk.rows_read, 3);
    assert!(gbk.rejected.is_empty(), "{:?}", gbk.rejected);
    assert_eq!(gbk.ignored_columns, ["备注"]);
    let b = &gbk.accepted;
    assert_eq!(b.feedback_id.get(1), Some("F002"));
    assert_eq!(b.channel_at(1), &Channel::MessagingApp);
    assert_eq!(b.kind[0], Some(FeedbackKind::Complaint));
    assert_eq!((b.nps[0], b.csat[0], b.ces[0]), (3, 2, 6));
    assert_eq!((b.csat[2], b.ces[2]), (MISSING_RATING, MISSING_RATING));
    assert_eq!(b.text.get(1), Some("客服很耐心，问题解决了"));
    assert_eq!(b.tags.get(1).collect::<Vec<_>>(), ["服务", "态度"]);
    assert!(b.weight[2].is_nan());
    assert_eq!(b.weight[1], 1.5);
    // 2024年3月2日 09时30分 in Shanghai.
    assert_eq!(
        b.timestamp_at(1).map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-03-02T09:30:00+08:00")
    );
    // Declared encoding works too; the file is not UTF-8.
    let declared = read(
        "chinese_headers_gb18030.csv",
        &shanghai().encoding(Encoding::Gb18030),
    )?;
    assert_eq!(declared.accepted, utf.accepted);
    let f = std::fs::File::open(vector_path("ingest/chinese_headers_gb18030.csv"))
        .map_err(CxError::from)?;
    assert_eq!(
        FeedbackReader::new(f, shanghai())?.encoding(),
        Encoding::Gb18030
    );
    Ok(())
}

#[test]
fn utf8_bom_is_skipped() -> R {
    let got = read("utf8_bom.csv", &shanghai())?;
    assert_eq!(got.rows_read, 2);
    assert!(got.rejected.is_empty());
    assert!(got.ignored_columns.is_empty());
    assert_eq!(got.accepted.feedback_id.get(0), Some("B1"));
    let recs = got.accepted.to_records()?;
    assert_eq!(
        recs[1].text.as_ref().map(|t| t.expose().as_str()),
        Some("快递很快")
    );
    Ok(())
}

#[test]
fn collect_reports_every_bad_row_exactly() -> R {
    let got = read("bad_rows.csv", &shanghai())?;
    let report: Vec<(usize, u64, &str, &str, &str)> = got
        .rejected
        .iter()
        .map(|r| (r.row, r.line, r.field.as_str(), r.value.as_str(), r.code))
        .collect();
    assert_eq!(
        report,
        [
            (1, 3, "channel", "carrier pigeon", "invalid_value"),
            (2, 4, "timestamp", "2024-13-01 10:00", "invalid_value"),
            (3, 5, "kind", "rant", "invalid_value"),
            (4, 6, "nps", "11", "invalid_value"),
            (5, 7, "nps", "9.5", "invalid_value"),
            (6, 8, "csat", "11", "invalid_value"),
            (7, 9, "ces", "0", "invalid_value"),
            (8, 10, "weight", "-2", "invalid_value"),
            (9, 11, "feedback_id", "", "missing_field"),
            (10, 12, "feedback_id", "G1", "invalid_value"),
            (11, 13, "<record>", "10 fields", "invalid_value"),
            (12, 15, "timestamp", "", "missing_field"),
        ]
    );
    assert!(
        got.rejected[9]
            .reason
            .contains("duplicate feedback_id (first seen at row 0)")
    );
    assert!(got.rejected[10].reason.contains("expected 13 fields"));
    assert_eq!(got.rows_read, 14);
    assert_eq!(got.accepted.row, [0, 13]);
    assert_eq!(got.rows_read, got.accepted.len() + got.rejected.len());
    assert_eq!(got.accepted.text.get(1), Some("第一行\n第二行"));
    Ok(())
}

#[test]
fn strict_fails_on_the_first_bad_row() {
    let e = read("bad_rows.csv", &shanghai().errors(ErrorPolicy::Strict)).err();
    assert_eq!(e.as_ref().map(CxError::code), Some("invalid_value"));
    assert_eq!(e.as_ref().and_then(CxError::row), Some(1));
    assert_eq!(e.as_ref().and_then(CxError::field), Some("channel"));
    assert_eq!(e.as_ref().and_then(CxError::value), Some("carrier pigeon"));
}

#[test]
fn undecodable_bytes_name_row_and_offset() -> R {
    let bytes = std::fs::read(vector_path("ingest/invalid_utf8.csv")).map_err(CxError::from)?;
    let bad_at = bytes.iter().position(|&b| b == 0xFF).unwrap_or(0) as u64;
    let strict = ReadOptions::new().encoding(Encoding::Utf8);
    let e = read_feedback_csv(&bytes[..], &strict).err();
    assert_eq!(
        e,
        Some(CxError::Encoding {
            field: "text".into(),
            row: Some(1),
            encoding: "UTF-8".into(),
            byte_offset: bad_at,
        })
    );
    let got = read_feedback_csv(&bytes[..], &strict.errors(ErrorPolicy::Collect))?;
    assert_eq!((got.rows_read, got.accepted.len()), (2, 1));
    assert_eq!(
        (
            got.rejected[0].row,
            got.rejected[0].line,
            got.rejected[0].code
        ),
        (1, 3, "encoding")
    );
    Ok(())
}

#[test]
fn naive_timestamps_need_a_zone() {
    let e = read("naive_times.csv", &ReadOptions::new()).err();
    assert_eq!(
        e,
        Some(CxError::MissingTimeZone {
            field: "timestamp".into(),
            row: Some(0),
            value: "2024-03-01 14:05".into(),
        })
    );
}

#[test]
fn dst_gap_in_new_york_is_rejected_and_fold_takes_earliest() -> R {
    let ny = ReadOptions::new()
        .tz(chrono_tz::America::New_York)
        .errors(ErrorPolicy::Collect);
    let got = read("dst_new_york.csv", &ny)?;
    assert_eq!(got.rejected.len(), 1);
    let r = &got.rejected[0];
    assert_eq!(
        (r.row, r.line, r.field.as_str(), r.value.as_str()),
        (1, 3, "timestamp", "2024-03-10 02:30")
    );
    assert!(r.reason.contains("does not exist in America/New_York"));
    let offs: Vec<i32> = got.accepted.utc_offset_secs.clone();
    assert_eq!(offs, [-5 * 3600, -4 * 3600]);
    Ok(())
}

#[test]
fn mapping_errors_are_typed() {
    let m = ColumnMapping::new().map("不存在", "nps");
    let e = m
        .and_then(|m| read("utf8_bom.csv", &shanghai().mapping(m)))
        .err();
    assert_eq!(e.as_ref().map(CxError::code), Some("invalid_option"));
    let dup = ColumnMapping::new().map("text", "nps");
    let e = dup
        .and_then(|m| read("utf8_bom.csv", &shanghai().mapping(m)))
        .err();
    assert!(e.is_some_and(|e| e.to_string().contains("both map to nps")));
}

#[test]
fn jsonl_file() -> R {
    let got = read("feedback.jsonl", &shanghai())?;
    let report: Vec<(usize, u64, &str)> = got
        .rejected
        .iter()
        .map(|r| (r.row, r.line, r.field.as_str()))
        .collect();
    assert_eq!(report, [(1, 3, "nps"), (2, 4, "<record>")]);
    assert_eq!(got.rejected[1].value, "<redacted len=23>");
    assert_eq!((got.rows_read, got.accepted.len()), (4, 2));
    assert_eq!(got.ignored_columns, ["备注"]);
    assert_eq!(got.accepted.nps, [9, 7]);
    Ok(())
}
