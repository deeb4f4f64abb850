"""cx.spark.ticket_aggregates (local[2]) equals aggregating `cx.ops.ticket_metrics` of the
whole log on one machine (pandas for count/missing/mean/min/max, a one-pass sketch for the
quantiles; see test_dask_ops.py). Kept short: one Spark session, two partitionings."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pytest

import cx
import cx.spark
from cx.exceptions import InvalidValueError, MissingFieldError

os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

from pyspark.sql import SparkSession
from test_dask_ops import METRICS, _check, _reference

# the sample log and its single-machine metrics are test_dask_ops fixtures
from test_dask_ops import events as events
from test_dask_ops import per_ticket as per_ticket

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cx-test-ops")
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


def test_equals_single_machine(
    spark: SparkSession, events: pd.DataFrame, per_ticket: pd.DataFrame
) -> None:
    sdf = spark.createDataFrame(pa.Table.from_pandas(events, preserve_index=False).to_pandas())
    qs = [0.5, 0.9]
    for parts in (1, 5):
        out = cx.spark.ticket_aggregates(
            sdf.repartition(parts), by=["team"], metrics=METRICS, percentiles=qs, split_every=2
        )
        assert isinstance(out, pa.Table)
        _check(out.to_pandas(), _reference(per_ticket, ["team"], qs), ["team"])
    out = cx.spark.ticket_aggregates(sdf, by=(), metrics="first_reply_secs", period="month")
    months = pd.to_datetime(per_ticket["created_at"], utc=True).dt.strftime("%Y-%m-01")
    ref = per_ticket.groupby(months)["first_reply_secs"].count()
    assert out.column("period").to_pylist() == ref.index.tolist()
    assert out.column("n").to_pylist() == ref.tolist()
    with pytest.raises(MissingFieldError):
        cx.spark.ticket_aggregates(sdf, metrics="no_such_metric")
    # a ticket split over partitions lacks its `created` event in one of them: strict
    # validation on the worker reaches the driver as the same typed error
    with pytest.raises(InvalidValueError):
        cx.spark.ticket_aggregates(sdf.repartition(4), partitioned=True)
