"""cx.kano against the Berger et al. (1993) evaluation table written out below as a plain
dict, counted with pandas; never against cx's own output. On the bundled sample the
planted categories (truth.json "kano") must be recovered."""

from __future__ import annotations

import json
import math
import pathlib
import pickle

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cx

DATA = pathlib.Path(cx.__file__).resolve().parent / "data"

# The published table (Berger et al. 1993, CQM Journal 2(4)): rows = functional answer,
# columns = dysfunctional answer, in the order like, must-be, neutral, live-with, dislike.
ORDER = ["like", "must-be", "neutral", "live-with", "dislike"]
TABLE_ROWS = {
    "like": "QAAAO",
    "must-be": "RIIIM",
    "neutral": "RIIIM",
    "live-with": "RIIIM",
    "dislike": "RRRRQ",
}
TABLE = {(f, d): TABLE_ROWS[f][j] for f in ORDER for j, d in enumerate(ORDER)}
ZH = {
    "喜欢": "like",
    "理所当然": "must-be",
    "无所谓": "neutral",
    "能忍受": "live-with",
    "不喜欢": "dislike",
}
NAMES = {
    "A": "attractive",
    "O": "one-dimensional",
    "M": "must-be",
    "I": "indifferent",
    "R": "reverse",
    "Q": "questionable",
}
PRIORITY = "MOAIRQ"  # tie-break of the mode


def reference(f: pd.Series, d: pd.Series) -> dict:
    """Counts, Better/Worse, mode and Fong's test, written out independently of cx."""
    ok = f.notna() & d.notna()
    letters = [TABLE[(ZH.get(a, a), ZH.get(b, b))] for a, b in zip(f[ok], d[ok], strict=True)]
    counts = pd.Series(letters, dtype=object).value_counts().reindex(list("AOMIRQ"), fill_value=0)
    n = int(counts.sum())
    core = counts["A"] + counts["O"] + counts["M"] + counts["I"]
    ranked = sorted(PRIORITY, key=lambda c: (-counts[c], PRIORITY.index(c)))
    m1, m2 = counts[ranked[0]], counts[ranked[1]]
    return {
        "counts": counts.to_dict(),
        "n": n,
        "n_missing": int((~ok).sum()),
        "better": (counts["A"] + counts["O"]) / core if core else math.nan,
        "worse": -(counts["O"] + counts["M"]) / core if core else math.nan,
        "category": NAMES[ranked[0]],
        "second": NAMES[ranked[1]],
        "fong_threshold": 1.65 * math.sqrt((m1 + m2) * (2 * n - m1 - m2) / (2 * n)),
        "fong_statistic": abs(m1 - m2),
    }


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return pd.read_csv(DATA / "survey.csv")


def test_every_cell_of_the_table() -> None:
    for (f, d), letter in TABLE.items():
        r = cx.kano.classify([(f, d)], respondents=True)
        assert r.respondents.to_pyarrow().column("attribute").to_pylist() == [NAMES[letter]]


def test_bundled_survey_matches_reference_and_truth(survey: pd.DataFrame) -> None:
    r = cx.kano.classify(survey)
    assert isinstance(r.table, pd.DataFrame)
    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))["kano"]
    assert r.categories == {k["feature"]: k["category"] for k in truth}
    table = r.table.set_index("attribute")
    for k in truth:
        a = k["feature"]
        assert table.loc[a, "second_category"] == k["secondary_category"]
        ref = reference(survey[f"kano_{a}_functional"], survey[f"kano_{a}_dysfunctional"])
        row = table.loc[a]
        assert row["category"] == ref["category"]
        assert row["n"] == ref["n"]
        assert row["n_missing"] == ref["n_missing"]
        for letter, name in NAMES.items():
            assert row[f"n_{name.replace('-', '_')}"] == ref["counts"][letter]
        assert row["better"] == pytest.approx(ref["better"], abs=1e-12)
        assert row["worse"] == pytest.approx(ref["worse"], abs=1e-12)
        assert row["fong_threshold"] == pytest.approx(ref["fong_threshold"], abs=1e-12)
        assert row["fong_statistic"] == pytest.approx(ref["fong_statistic"], abs=1e-12)


def test_missing_answers_are_counted() -> None:
    f = pd.Series(["like", None, "must-be", "", "neutral"])
    d = pd.Series(["dislike", "dislike", None, "dislike", "neutral"])
    frame = pd.DataFrame({"kano_x_functional": f, "kano_x_dysfunctional": d})
    row = cx.kano.classify(frame).table.iloc[0]
    # Rows 1-3 have a missing answer ("" is blank); rows 0 (O) and 4 (I) are classified.
    assert (row["n"], row["n_missing"]) == (2, 3)


def test_frame_kinds_attribute_selection_and_respondents(survey: pd.DataFrame) -> None:
    small = survey.head(50)
    r = cx.kano.classify(pl.from_pandas(small), attributes=["e_invoice"])
    assert isinstance(r.table, pl.DataFrame)
    assert r.table["attribute"].to_list() == ["e_invoice"]
    cols = {"inv": ("kano_e_invoice_functional", "kano_e_invoice_dysfunctional")}
    r = cx.kano.classify(pa.Table.from_pandas(small), attributes=cols, respondents=True)
    assert isinstance(r.table, pa.Table)
    ref = [
        NAMES[TABLE[(ZH.get(a, a), ZH.get(b, b))]]
        for a, b in zip(small[cols["inv"][0]], small[cols["inv"][1]], strict=True)
    ]
    assert r.respondents.column("inv").to_pylist() == ref


def test_codes_and_unknown_answer_errors() -> None:
    # Codes 1-5 = like, must-be, neutral, live-with, dislike: (1, 5) is one-dimensional.
    frame = pd.DataFrame({"kano_x_functional": [1, 2], "kano_x_dysfunctional": [5, 5]})
    assert cx.kano.classify(frame).table["n_one_dimensional"].tolist() == [1]
    bad = pd.DataFrame(
        {"kano_x_functional": ["like", "maybe"], "kano_x_dysfunctional": ["like"] * 2}
    )
    with pytest.raises(cx.InvalidValueError) as e:
        cx.kano.classify(bad)
    assert (e.value.field, e.value.row, e.value.value) == ("kano_x_functional", 1, "maybe")
    with pytest.raises(cx.MissingFieldError) as m:
        cx.kano.classify(bad, attributes=["y"])
    assert m.value.field == "kano_y_functional"
    with pytest.raises(cx.MissingFieldError):
        cx.kano.classify(pd.DataFrame({"kano_x_functional": ["like"]}))
    with pytest.raises(cx.EmptyInputError):
        cx.kano.classify(pd.DataFrame({"a": [1]}))


def test_warnings_scatter_and_tally_merge() -> None:
    # 10 pairs: 6 M (must-be/dislike), 2 Q (like/like), 2 R (dislike/neutral).
    f = ["must-be"] * 6 + ["like"] * 2 + ["dislike"] * 2
    d = ["dislike"] * 6 + ["like"] * 2 + ["neutral"] * 2
    r = cx.kano.classify(list(zip(f, d, strict=True)), attributes="x")
    # Q share 0.2 > 0.05 and R share 0.2 > 0.10 → two warnings.
    assert len(r.warnings) == 2
    assert "questionable" in r.warnings[0]
    (p,) = r.scatter()
    # Better = 0 / 6 = 0; Worse = −6 / 6 = −1 → x = 1, y = 0.
    assert (p["x"], p["y"], p["quadrant"]) == (1.0, 0.0, "must-be")
    assert "<table>" in r._repr_html_()
    assert r.to_dict()["attributes"][0]["counts"]["M"] == 6
    a, b = cx.kano.KanoTally(), cx.kano.KanoTally()
    a.update("x", f[:4], d[:4])
    b.update("x", f[4:], d[4:])
    merged = pickle.loads(pickle.dumps(a.merge(b)))
    whole = cx.kano.KanoTally()
    whole.update("x", f, d)
    assert merged == whole
    with pytest.raises(cx.FormatError):
        cx.kano.KanoTally.from_bytes(b"nope")


ANSWERS = [*ORDER, *ZH]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(ANSWERS)),
            st.one_of(st.none(), st.sampled_from(ANSWERS)),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_random_pairs_match_reference(pairs: list[tuple[str | None, str | None]]) -> None:
    f = pd.Series([p[0] for p in pairs], dtype=object)
    d = pd.Series([p[1] for p in pairs], dtype=object)
    frame = pd.DataFrame({"kano_x_functional": f, "kano_x_dysfunctional": d})
    ok = f.notna() & d.notna()
    if not ok.any():
        row = cx.kano.classify(frame).table.iloc[0]
        assert (row["n"], row["n_missing"]) == (0, len(pairs))
        return
    ref = reference(f, d)
    row = cx.kano.classify(frame).table.iloc[0]
    assert row["category"] == ref["category"]
    assert (row["n"], row["n_missing"]) == (ref["n"], ref["n_missing"])
    core = sum(ref["counts"][c] for c in "AOMI")
    if core:
        assert row["better"] == pytest.approx(ref["better"], abs=1e-12)
        assert row["worse"] == pytest.approx(ref["worse"], abs=1e-12)
    else:
        assert math.isnan(row["better"])
    assert row["fong_threshold"] == pytest.approx(ref["fong_threshold"], abs=1e-12)


def test_add_counts_from_sql_style_aggregates() -> None:
    # As if Spark SQL had counted the categories: M 30, O 5, A 3, I 2 (n = 40).
    t = cx.kano.KanoTally()
    t.add_counts("x", {"M": 30, "one-dimensional": 5, "a": 3, "indifferent": 2}, n_missing=4)
    (a,) = t.finish().to_dict()["attributes"]
    assert (a["category"], a["n"], a["n_missing"]) == ("must-be", 40, 4)
    # Fong: 25 >= 1.65·√(35·45/80) = 7.3212
    assert a["fong"]["threshold"] == pytest.approx(1.65 * math.sqrt(35 * 45 / 80))
    with pytest.raises(cx.InvalidValueError):
        t.add_counts("x", {"Z": 1})
