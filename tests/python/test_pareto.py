"""cx.pareto against pandas value_counts/cumsum written out here and R qcc's paretoChart
(tests/vectors/pareto/gen_qcc.R); never against cx's own output. On the bundled sample the
vital few of the complaint tags equal truth.json "vital_few_causes"."""

from __future__ import annotations

import json
import pathlib
import pickle
import re

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cx

DATA = pathlib.Path(cx.__file__).resolve().parent / "data"
VEC = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "pareto"


def reference(tags: pd.Series, cut: float = 0.8) -> tuple[pd.DataFrame, list[str]]:
    """Split at , ， ; ； |, count each tag once per row, sort descending (stable, first seen
    first), cumulative share, vital few up to and including the crossing cause."""
    split = tags.fillna("").map(
        lambda s: list(dict.fromkeys(t.strip() for t in re.split(r"[,，;；|]", s) if t.strip()))
    )
    exploded = split.explode().dropna()
    counts = exploded.value_counts(sort=False)  # first-seen order
    counts = counts.sort_values(ascending=False, kind="stable")
    table = pd.DataFrame({"cause": counts.index, "count": counts.to_numpy()})
    table["share"] = table["count"] / table["count"].sum()
    table["cum_share"] = table["count"].cumsum() / table["count"].sum()
    k = int((table["cum_share"] < cut - 1e-12).sum()) + 1
    return table, table["cause"].head(k).tolist()


@pytest.fixture(scope="module")
def feedback() -> pd.DataFrame:
    return pd.read_csv(DATA / "sample_feedback.csv")


def test_sample_complaints_vital_few_equal_truth(feedback: pd.DataFrame) -> None:
    complaints = feedback[feedback["kind"] == "complaint"]
    p = cx.pareto(complaints, tags="tags")
    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    assert p.vital_few == truth["vital_few_causes"]
    ref, vital = reference(complaints["tags"])
    assert isinstance(p.table, pd.DataFrame)
    assert p.table["cause"].tolist() == ref["cause"].tolist()
    assert p.table["count"].tolist() == ref["count"].tolist()
    pd.testing.assert_series_equal(p.table["cum_share"], ref["cum_share"], check_names=False)
    assert p.vital_few == vital
    # Over all feedback, rows without tags are counted as missing, not dropped.
    allp = cx.pareto(feedback, tags="tags")
    assert allp.n_missing == int(feedback["tags"].isna().sum())
    assert allp.n_rows == len(feedback)


def test_mixed_separators_duplicates_and_ties() -> None:
    tags = pd.Series(["b;a", "c，a", None, " ", "a|a", "d；c", "b,e"])
    p = cx.pareto(pd.DataFrame({"t": tags}), tags="t")
    ref, vital = reference(tags)
    assert p.table["cause"].tolist() == ref["cause"].tolist()  # a 3, b 2, c 2, d 1, e 1
    assert p.table["cum_share"].tolist() == pytest.approx(ref["cum_share"].tolist(), abs=1e-15)
    assert p.vital_few == vital
    assert p.n_missing == 2
    by_name = cx.pareto(tags.tolist(), tags=True, ties="name")
    assert by_name.causes == ["a", "b", "c", "d", "e"]


def test_weights_column_and_frame_kinds() -> None:
    df = pd.DataFrame({"cause": ["x", "y", "x", "z", None], "cost": [1.0, 5.0, 2.5, 0.5, 9.0]})
    ref = df.dropna().groupby("cause", sort=False)["cost"].sum()
    ref = ref.sort_values(ascending=False, kind="stable")
    for frame, kind in [(df, pd.DataFrame), (pl.from_pandas(df), pl.DataFrame)]:
        p = cx.pareto(frame, column="cause", weights="cost")
        assert isinstance(p.table, kind)
        assert list(p.table["cause"]) == ref.index.tolist()
        assert list(p.table["weight"]) == pytest.approx(ref.tolist())
    p = cx.pareto(pa.Table.from_pandas(df), column="cause", weights="cost")
    assert isinstance(p.table, pa.Table)
    bad = df.assign(cost=[1.0, -2.0, 1.0, 1.0, 1.0])
    with pytest.raises(cx.InvalidValueError) as e:
        cx.pareto(bad, column="cause", weights="cost")
    assert (e.value.field, e.value.row, e.value.value) == ("cost", 1, "-2")
    with pytest.raises(cx.MissingFieldError):
        cx.pareto(df, column="nope")
    with pytest.raises(cx.InvalidOptionError):
        cx.pareto(df, column="cause", cut=1.5)
    with pytest.raises(cx.InvalidOptionError):
        cx.pareto(df, column="cause", ties="alphabet")
    with pytest.raises(cx.EmptyInputError):
        cx.pareto([None, ""])


def test_other_bucket_pinned_last() -> None:
    counts = {"a": 50, "b": 20, "c": 15, "d": 10, "e": 5}
    p = cx.pareto(counts, top=2, other="其他")
    t = p.table.to_pyarrow()
    assert t.column("cause").to_pylist() == ["a", "b", "其他"]
    assert t.column("count").to_pylist() == [50, 20, 30]
    assert t.column("is_other").to_pylist() == [False, False, True]
    # cum 0.5, 0.7, 1.0: the cut 0.8 is only crossed by Other, which is never vital.
    assert p.vital_few == ["a", "b"]
    q = cx.pareto(counts, min_share=0.1)  # e (5%) goes to Other
    assert q.causes == ["a", "b", "c", "d", "Other"]


def test_matches_r_qcc() -> None:
    v = json.loads((VEC / "qcc.json").read_text(encoding="utf-8"))
    for name in ["help_page", "ties"]:
        case = v[name]
        data = dict(zip(case["input_names"], [int(x) for x in case["input_values"]], strict=True))
        p = cx.pareto(data)
        t = p.table.to_pyarrow()
        assert t.column("cause").to_pylist() == case["causes"]
        assert [100 * c for c in t.column("cum_share").to_pylist()] == pytest.approx(
            case["cum_percent"], abs=1e-9
        )


def test_tally_merge_pickle_and_repr() -> None:
    a, b = cx.causes.ParetoTally(), cx.causes.ParetoTally()
    a.update(["x;y", None], tags=True)
    b.update(["y", "z"])
    whole = cx.causes.ParetoTally()
    whole.update(["x;y", None, "y", "z"], tags=True)
    merged = pickle.loads(pickle.dumps(a.merge(b)))
    assert merged == whole
    s = merged.finish(cut=0.75)  # y 2, x 1, z 1: cum 0.5, 0.75, 1
    assert s.vital_few == ["y", "x"]
    assert s.n_missing == 1
    assert "<table>" in s._repr_html_()
    assert s.to_dict()["rows"][0]["cause"] == "y"
    with pytest.raises(cx.FormatError):
        cx.causes.ParetoTally.from_bytes(b"bad")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from(["a", "b", "c", "物流", "退款"]), max_size=3).map(
                lambda ts: st_join(ts)
            ),
        ),
        min_size=1,
        max_size=60,
    ),
    st.floats(min_value=0.05, max_value=1.0),
)
def test_random_tags_match_pandas(cells: list[str | None], cut: float) -> None:
    tags = pd.Series(cells, dtype=object)
    ref, vital = reference(tags, cut)
    if ref.empty:
        with pytest.raises(cx.EmptyInputError):
            cx.pareto(tags.tolist(), tags=True, cut=cut)
        return
    p = cx.pareto(tags.tolist(), tags=True, cut=cut)
    t = p.table.to_pyarrow()
    assert t.column("cause").to_pylist() == ref["cause"].tolist()
    assert t.column("count").to_pylist() == ref["count"].tolist()
    assert t.column("cum_share").to_pylist() == pytest.approx(ref["cum_share"].tolist(), abs=1e-12)
    assert p.vital_few == vital


def st_join(ts: list[str]) -> str:
    """Join tags with a mix of the default separators."""
    seps = [";", "，", "|", ",", "；"]
    return "".join(t + seps[i % len(seps)] for i, t in enumerate(ts))
