"""cx.spark: summaries over a PySpark DataFrame (local[2]) equal `cx.metrics.summarize`.

The reference is the single-machine `cx.metrics.summarize` on `sdf.toArrow()`; both
Spark paths (Spark SQL counts merged into cx states, and `mapInArrow` on the rows) must
give the identical table, for any partitioning.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest

import cx
import cx.spark
from cx.datasets import sample_path
from cx.exceptions import InvalidOptionError, InvalidValueError, MissingFieldError

os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

from pyspark.sql import DataFrame, SparkSession

# pyspark 4.3 warns that pandas 3 is not fully supported on its pandas paths; cx.spark
# itself uses Arrow only (the tests build their inputs through pandas).
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cx-test")
        .config("spark.sql.shuffle.partitions", "3")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "768m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="module")
def sample(spark: SparkSession) -> DataFrame:
    t = pcsv.read_csv(sample_path("feedback"))
    t = t.select(["channel", "kind", "timestamp", "nps", "csat", "ces"])
    return spark.createDataFrame(t.to_pandas()).repartition(5).cache()


def _equal(out: pa.Table, sdf: DataFrame, kw: dict[str, Any]) -> None:
    ref = pa.table(cx.metrics.summarize(sdf.toArrow(), **kw))
    assert out.num_rows > 0
    assert out.schema == ref.schema
    # Identical values (NaN where the single-machine result has NaN, e.g. a t-interval of n = 1).
    pd.testing.assert_frame_equal(out.to_pandas(), ref.to_pandas(), check_exact=True)


CASES: list[dict[str, Any]] = [
    {"by": "channel"},
    {"by": ["channel", "kind"], "time": "timestamp", "tz": "Asia/Shanghai", "freq": "week"},
    {"by": "kind", "time": "timestamp", "ci": "wald", "level": 0.9},
    {"score": "csat", "metric": "csat", "by": "channel"},
    {"score": "ces", "metric": "ces", "by": ["kind", "channel"], "min_n": 5},
]


@pytest.mark.parametrize("kw", CASES)
def test_sample_equals_single_machine(sample: DataFrame, kw: dict[str, Any]) -> None:
    _equal(cx.spark.summarize(sample, **kw), sample, kw)


def test_counts_and_arrow_paths_agree(sample: DataFrame) -> None:
    kw: dict[str, Any] = {"by": ["kind", "channel"]}
    counts = cx.spark.summarize(sample, method="counts", **kw)
    arrow = cx.spark.summarize(sample, method="arrow", split_every=2, **kw)
    pd.testing.assert_frame_equal(counts.to_pandas(), arrow.to_pandas(), check_exact=True)
    _equal(counts, sample, kw)


@pytest.mark.parametrize("seed", range(2))
def test_random_partitionings_equal_single_machine(spark: SparkSession, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(500, 3000))
    score = rng.integers(0, 11, n).astype(float)
    score[rng.random(n) < 0.05] = np.nan
    t = pa.table(
        {
            "store": rng.choice(["north", "south", "east"], n),
            "team": rng.integers(0, 30, n),
            "nps": score,
        }
    )
    sdf = spark.createDataFrame(t.to_pandas()).repartition(int(rng.integers(2, 9)))
    kw: dict[str, Any] = {"by": ["store", "team"]}
    for method in ("counts", "arrow"):
        _equal(cx.spark.summarize(sdf, method=method, **kw), sdf, kw)


def test_errors_are_typed(spark: SparkSession) -> None:
    sdf = spark.createDataFrame([("a", 10), ("a", 11)], ["g", "nps"])
    for method in ("counts", "arrow"):
        with pytest.raises(InvalidValueError) as e:
            cx.spark.summarize(sdf, by="g", method=method)
        assert e.value.field == "score"
    with pytest.raises(MissingFieldError):
        cx.spark.summarize(sdf, by="nope")
    with pytest.raises(InvalidOptionError):
        cx.spark.summarize(sdf, by="g", time="g", method="counts")


def test_counts_and_attribute_chart(spark: SparkSession) -> None:
    rng = np.random.default_rng(5)
    n = 1_200
    t = pa.table(
        {
            "day": np.repeat(np.arange(30), 40),
            "cause": rng.choice(["late", "rude", "broken"], n),
            "bad": rng.binomial(1, 0.1, n),
        }
    )
    sdf = spark.createDataFrame(t.to_pandas()).repartition(4)
    out = cx.spark.counts(sdf, by="cause", sums="bad").to_pandas()
    ref = t.to_pandas().groupby("cause").agg(n=("bad", "size"), bad=("bad", "sum")).reset_index()
    assert out.values.tolist() == ref.values.tolist()
    chart = cx.spark.attribute_chart(sdf, kind="p", value="bad", subgroup="day")
    per = t.to_pandas().groupby("day")["bad"].agg(["sum", "size"])
    single = cx.spc.control_chart(
        per["sum"].to_numpy(float), kind="p", sizes=per["size"].to_numpy(float)
    )
    np.testing.assert_array_equal(chart.ucl, single.ucl)
    np.testing.assert_array_equal(chart.statistics, single.statistics)


@pytest.mark.parametrize("metric", ["nps", "csat"])
def test_integer_scores_with_nulls(spark: SparkSession, metric: str) -> None:
    rng = np.random.default_rng(3)
    hi = 10 if metric == "nps" else 5
    rows = [
        (
            str(rng.choice(["a", "b", "c"])),
            None if rng.random() < 0.1 else int(rng.integers(1, hi + 1)),
        )
        for _ in range(600)
    ]
    sdf = spark.createDataFrame(rows, "g string, s int").repartition(3)
    kw: dict[str, Any] = {"score": "s", "metric": metric, "by": "g"}
    for method in ("counts", "arrow"):
        _equal(cx.spark.summarize(sdf, method=method, **kw), sdf, kw)


def test_pareto_and_kano_equal_single_machine(spark: SparkSession) -> None:
    # Reference: cx.pareto / cx.kano.classify on the whole data (checked against pandas and
    # the Berger table in test_pareto.py / test_kano.py); Spark breaks ties by name.
    fb = pcsv.read_csv(sample_path("feedback")).select(["tags"])
    sdf = spark.createDataFrame(fb.to_pandas()).repartition(4)
    one = cx.pareto(fb, tags="tags", ties="name")
    many = cx.spark.pareto(sdf, tags="tags")
    cols = ["cause", "count", "share", "cum_share", "vital"]
    assert many.table.select(cols).to_pylist() == one.table.select(cols).to_pylist()
    survey = pcsv.read_csv(sample_path("survey"))
    k1 = cx.kano.classify(survey)
    kn = cx.spark.kano(spark.createDataFrame(survey.to_pandas()).repartition(3))
    assert kn.categories == k1.categories
    assert kn.table.to_pylist() == k1.table.to_pylist()


def test_variables_chart_equals_the_single_machine_chart(spark: SparkSession) -> None:
    rng = np.random.default_rng(8)
    sizes = rng.integers(3, 7, 20)
    pdf = pd.DataFrame({"batch": np.repeat(np.arange(20), sizes)})
    pdf["wait"] = rng.normal(10.0, 2.0, len(pdf))
    sdf = spark.createDataFrame(pdf).repartition(3)
    single = cx.spc.control_chart(
        pdf["wait"].to_numpy(), kind="xbar_s", sizes=sizes, rules="nelson"
    )
    chart = cx.spark.variables_chart(
        sdf, subgroup="batch", value="wait", chart="xbar_s", rules="nelson"
    )
    for a, b in ((chart, single), (chart.secondary, single.secondary)):
        for name in ("statistics", "center", "lcl", "ucl"):
            np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12)
        assert a.violations == b.violations
    stats = cx.spark.subgroup_stats(sdf, value="wait", subgroup="batch").to_pandas()
    np.testing.assert_array_equal(stats["n"], sizes)
    with pytest.raises(MissingFieldError):
        cx.spark.variables_chart(sdf, subgroup="nope", value="wait")
