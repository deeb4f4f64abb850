"""Reading feedback from Python: fixtures with hand-labelled rejections, encodings, and
the file summary checked against an independent pandas count of the bundled sample."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cx

FIX = Path(__file__).resolve().parents[1] / "vectors" / "ingest"

# Hand-labelled: the fixture has one bad value per row, row = 0-based record, line = 1-based.
BAD_ROWS = [
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


def test_collect_reports_every_bad_row() -> None:
    r = cx.read_feedback(FIX / "bad_rows.csv", tz="Asia/Shanghai", errors="collect")
    got = [(x.row, x.line, x.field, x.value, x.code) for x in r.rejected]
    assert got == BAD_ROWS
    assert r.rows_read == 14
    assert r.rows_read == len(r) + len(r.rejected)
    assert r.rejected[0].column == "channel"
    assert r.records()[1]["text"] == "第一行\n第二行"


def test_raise_names_row_column_value() -> None:
    with pytest.raises(cx.InvalidValueError) as e:
        cx.read_feedback(FIX / "bad_rows.csv", tz="Asia/Shanghai")
    assert (e.value.row, e.value.column, e.value.value) == (1, "channel", "carrier pigeon")
    assert isinstance(e.value, ValueError)


def test_gb18030_and_utf8_chinese_headers_read_the_same() -> None:
    a = cx.read_feedback(FIX / "chinese_headers_utf8.csv", tz="Asia/Shanghai")
    b = cx.read_feedback(FIX / "chinese_headers_gb18030.csv", tz="Asia/Shanghai")
    c = cx.read_feedback(FIX / "chinese_headers_gb18030.csv", tz="Asia/Shanghai", encoding="gbk")
    assert a.records() == b.records() == c.records()
    first = a.records()[0]
    assert first["channel"] == "phone"
    assert first["kind"] == "complaint"
    assert first["timestamp"] == "2024-03-01T14:05:00+08:00"
    assert a.ignored_columns == ["备注"]


def test_wrong_declared_encoding_is_a_typed_error() -> None:
    with pytest.raises(cx.EncodingError) as e:
        cx.read_feedback(FIX / "invalid_utf8.csv", encoding="utf-8", tz="Asia/Shanghai")
    assert e.value.code == "encoding"
    assert e.value.row == 1


def test_naive_time_without_zone() -> None:
    with pytest.raises(cx.MissingTimeZoneError) as e:
        cx.read_feedback(FIX / "naive_times.csv")
    assert e.value.code == "missing_time_zone"
    assert e.value.row == 0
    ok = cx.read_feedback(FIX / "naive_times.csv", tz="Asia/Shanghai")
    assert ok.records()[0]["timestamp"].endswith("+08:00")


def test_bad_options_and_missing_file() -> None:
    with pytest.raises(cx.InvalidOptionError):
        cx.read_feedback(FIX / "naive_times.csv", tz="Mars/Olympus")
    with pytest.raises(cx.InvalidOptionError):
        cx.read_feedback(FIX / "naive_times.csv", errors="ignore")
    with pytest.raises(cx.CxIOError) as e:
        cx.read_feedback(FIX / "no_such_file.csv")
    assert isinstance(e.value, OSError)
    assert e.value.code == "io"


def test_missing_required_column() -> None:
    with pytest.raises(cx.MissingFieldError) as e:
        cx.read_feedback(FIX / "naive_times.csv", mapping={"id": "feedback_id", "time": "language"})
    assert e.value.code == "missing_field"
    assert e.value.field == "timestamp"


def test_jsonl_with_chinese_keys() -> None:
    r = cx.read_feedback(FIX / "feedback.jsonl", tz="Asia/Shanghai", errors="collect")
    rec = r.records()[0]
    assert rec["feedback_id"] == "J1"
    assert rec["channel"] == "messaging_app"
    assert rec["tags"] == ["物流", "价格"]


def test_table_outputs_agree() -> None:
    r = cx.read_feedback(cx.datasets.sample_path("feedback"))
    t = r.table
    assert isinstance(t, pa.Table)
    assert t.num_rows == len(r) == 4000
    assert pa.table(r).equals(t)  # the PyCapsule stream gives the same table
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 4000
    assert isinstance(r.to_polars(), pl.DataFrame)


def test_sample_ratings_match_an_independent_pandas_read() -> None:
    path = cx.datasets.sample_path("feedback")
    ref = pd.read_csv(path, dtype={"nps": "Int64", "csat": "Int64", "ces": "Int64"})
    got = cx.read_feedback(path).to_pandas()
    for col in ("nps", "csat", "ces"):
        assert got[col].isna().sum() == ref[col].isna().sum()
        assert got[col].dropna().astype(int).tolist() == ref[col].dropna().astype(int).tolist()
    assert got["feedback_id"].tolist() == ref["feedback_id"].tolist()


def test_summary_matches_pandas_counts() -> None:
    path = cx.datasets.sample_path("feedback")
    s = cx.summarize_feedback(path).to_dict()
    ref = pd.read_csv(path, dtype={"nps": "Int64"})
    nps = ref["nps"].dropna()
    assert s["scores"]["nps_counts"] == [
        int((nps >= 9).sum()),
        int(((nps >= 7) & (nps <= 8)).sum()),
        int((nps <= 6).sum()),
    ]
    assert s["scores"]["nps"]["n"] == len(nps)
    kinds = ref["kind"].value_counts()
    assert {k["name"]: k["count"] for k in s["by_kind"]} == {k: int(v) for k, v in kinds.items()}
    tags = ref["tags"].dropna().str.split(";").explode().value_counts()
    assert s["top_tags"][0] == {"name": tags.index[0], "label_zh": None, "count": int(tags.iloc[0])}
    assert s["missing"]["nps"] == int(ref["nps"].isna().sum())


# --- the command line, as a user runs it ---


def _cx(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cx", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_cli_summary_text_and_json() -> None:
    path = str(cx.datasets.sample_path("feedback"))
    out = _cx("summary", path)
    assert out.returncode == 0, out.stderr
    assert "NPS" in out.stdout
    assert "rows read 4,000" in out.stdout
    js = _cx("summary", path, "--format", "json")
    assert json.loads(js.stdout)["accepted"] == 4000


def test_cli_bad_input_is_one_line_with_exit_1() -> None:
    out = _cx("summary", str(FIX / "naive_times.csv"), "--format", "json")
    # Under the summary's collect policy naive times are counted as rejected, not fatal.
    assert out.returncode == 0
    assert json.loads(out.stdout)["rejected_by_code"] == {"missing_time_zone": 1}
    bad = _cx("summary", str(FIX / "invalid_utf8.csv"), "--encoding", "utf-8", "--strict")
    assert bad.returncode == 1
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1, bad.stderr
    assert "invalid_utf8.csv" in lines[0]
    assert "row 1" in lines[0]
    assert "Traceback" not in bad.stderr
    missing = _cx("summary", "nope.csv")
    assert missing.returncode == 1
    assert "nope.csv" in missing.stderr


def test_cli_usage_errors_exit_2() -> None:
    assert _cx("frobnicate").returncode == 2
    assert _cx("summary").returncode == 2
    for cmd in ("summary", "redact", "sample"):
        h = _cx(cmd, "--help")
        assert h.returncode == 0
        assert "usage" in h.stdout


def test_cli_redact_and_sample(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,请回电 13800138000\n2,谢谢\n", encoding="utf-8")
    out = _cx("redact", str(src), str(tmp_path / "out.csv"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1] == "1,请回电 [PHONE]"
    bad = _cx("redact", str(src), str(tmp_path / "o.csv"), "--column", "comment")
    assert bad.returncode == 1
    assert "comment" in bad.stderr
    gen = _cx("sample", "--out", str(tmp_path / "s"), "--n-feedback", "300", "--seed", "3")
    assert gen.returncode == 0, gen.stderr
    assert (tmp_path / "s" / "sample_feedback.csv").is_file()


# --- data frames in, through the Arrow PyCapsule interface ---


def test_frames_validate_like_files() -> None:
    path = FIX / "bad_rows.csv"
    from_file = cx.read_feedback(path, tz="Asia/Shanghai", errors="collect")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for frame in (df, pl.from_pandas(df), pa.Table.from_pandas(df)):
        got = cx.read_feedback(frame, tz="Asia/Shanghai", errors="collect")
        # The malformed-record row of the file is a well-formed (short) row in a frame,
        # so compare the value rejections that do not depend on the file's layout.
        by_row = {r.row: (r.field, r.value, r.code) for r in got.rejected}
        for r in from_file.rejected:
            if r.field != "<record>" and r.field != "timestamp":
                assert by_row[r.row] == (r.field, r.value, r.code)
        assert got.rows_read == len(got) + len(got.rejected)


def test_frame_types_are_rendered_as_the_file_would_be() -> None:
    df = pd.DataFrame(
        {
            "反馈ID": ["A", "B", "C"],
            "渠道": pd.Categorical(["电话", "微信", "门店"]),
            "时间": pd.to_datetime(["2024-03-01 09:00", "2024-03-01 10:00", None]).tz_localize(
                "Asia/Shanghai"
            ),
            "推荐意愿": [9.0, None, 3.0],  # a float column with NaN still holds integer ratings
            "标签": [["物流", "价格"], [], None],
        }
    )
    got = cx.read_feedback(df, errors="collect")
    recs = got.records()
    assert [r["feedback_id"] for r in recs] == ["A", "B"]
    assert recs[0]["timestamp"] == "2024-03-01T09:00:00+08:00"
    assert recs[0]["nps"] == 9
    assert recs[1]["nps"] is None
    assert recs[0]["tags"] == ["物流", "价格"]
    assert recs[1]["channel"] == "messaging_app"
    assert [(r.row, r.field, r.code) for r in got.rejected] == [(2, "timestamp", "missing_field")]


def test_naive_frame_timestamps_need_a_zone() -> None:
    df = pl.DataFrame(
        {"id": ["A"], "channel": ["phone"], "time": [pd.Timestamp("2024-03-01 09:00")]}
    )
    with pytest.raises(cx.MissingTimeZoneError):
        cx.read_feedback(df, mapping={"id": "feedback_id"})
    ok = cx.read_feedback(df, mapping={"id": "feedback_id"}, tz="Asia/Shanghai")
    assert ok.records()[0]["timestamp"] == "2024-03-01T09:00:00+08:00"


def test_many_batches_keep_order_and_counts(tmp_path: Path) -> None:
    # More rows than one reader batch (65,536), with a bad row in the second batch.
    n = 140_000
    lines = ["feedback_id,channel,timestamp,nps"]
    lines += [f"F{i},email,2024-03-01T09:00:00+08:00,{i % 11}" for i in range(n)]
    lines[1 + 70_000] = "F70000,email,2024-03-01T09:00:00+08:00,12"
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cx.read_feedback(path, errors="collect")
    assert (r.rows_read, len(r), len(r.rejected)) == (n, n - 1, 1)
    assert (r.rejected[0].row, r.rejected[0].line, r.rejected[0].value) == (70_000, 70_002, "12")
    ids = r.table.column("feedback_id").to_pylist()
    assert ids == [f"F{i}" for i in range(n) if i != 70_000]
    assert r.table.column("row").to_pylist()[70_000] == 70_001
