"""Customer segments and retention: RFM scores and named segments, retention, churn, cohorts.

From transactions (one row per purchase: customer, date, amount), `rfm` scores each
customer on recency, frequency and monetary value and names their segment; `retention`
gives the customer retention rate (E − N)/S per period, churn, the repeat-purchase rate
and the cohort table. Definitions and sources are in the *Formulas* page of the docs.

>>> import pyarrow as pa
>>> t = pa.table({"customer_id": ["a", "a", "b"], "date": ["2024-01-02", "2024-03-01", "2024-02-10"],
...               "amount": [10.0, 20.0, 5.0]})
>>> r = rfm(t, bins=2, segments=[])
>>> r.table.column("recency_days").to_pylist()
[1, 21]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from cx import _cx, _frames
from cx._cx import RetentionResult, RfmResult

__all__ = ["RetentionResult", "RfmResult", "retention", "rfm"]

_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()


def _days(value: Any, name: str) -> int | None:
    """A date-like value (date, datetime, pandas Timestamp, `YYYY-MM-DD` text) as days since 1970-01-01."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            msg = f"`{name}` must be a date or YYYY-MM-DD text, got {value!r}"
            raise ValueError(msg) from None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if not isinstance(value, _dt.date):
        msg = f"`{name}` must be a date, a datetime or YYYY-MM-DD text, got {type(value).__name__}"
        raise TypeError(msg)
    return value.toordinal() - _EPOCH_ORDINAL


def _select(frame: Any, names: Sequence[str]) -> tuple[Any, str]:
    """`_frames.select`, with pandas' numeric and datetime columns handed over without a copy.

    `pyarrow.Table.from_pandas` copies datetime64 columns and scans float columns for NaN
    to make nulls; a transaction table is mostly such columns. Here a numpy-backed
    integer or float column is wrapped as it is (a NaN amount reaches the core as NaN,
    which it rejects naming the row, as it does a null), and a naive datetime64 column
    without NaT is wrapped as the Arrow timestamp of its unit. Other columns (text,
    nullable extension types, zoned timestamps, NaT) take the `from_pandas` path.
    """
    if _frames.frame_kind(frame) != "pandas":
        return _frames.select(frame, names)
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped]

    wanted = list(dict.fromkeys(c for c in names if c in set(frame.columns)))
    arrays: dict[str, Any] = {}
    for name in wanted:
        col = frame[name]
        dtype = getattr(col, "dtype", None)  # None for a duplicated column name
        if not isinstance(dtype, np.dtype):
            continue
        if dtype.kind in "iuf":
            arrays[name] = pa.array(np.ascontiguousarray(col.to_numpy()))
        elif dtype.kind == "M":
            values = np.ascontiguousarray(col.to_numpy())
            if not np.isnat(values).any():
                unit = np.datetime_data(dtype)[0]
                arrays[name] = pa.Array.from_buffers(
                    pa.timestamp(unit), len(values), [None, pa.py_buffer(values.view("int64"))]
                )
    rest = [c for c in wanted if c not in arrays]
    if rest:
        other = pa.Table.from_pandas(frame[rest], preserve_index=False)
        arrays.update({c: other.column(c) for c in rest})
    return pa.table({c: arrays[c] for c in wanted}), "pandas"


def rfm(
    frame: Any,
    /,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    order: str | None = None,
    as_of: Any = None,
    bins: int = 5,
    method: str = "quantile",
    cuts: Mapping[str, Sequence[float]] | None = None,
    monetary: str = "sum",
    segments: str | Sequence[Any] | None = None,
    labels: str = "en",
    negative: str = "reject",
    after_as_of: str = "reject",
) -> RfmResult:
    """RFM scores and named segments of transactions, one row per customer.

    **Recency** is the number of days from a customer's last purchase to `as_of` (a
    purchase *on* the as-of date has recency 0); **frequency** the number of purchases
    (rows, or distinct `order` values); **monetary** the total (`monetary="sum"`) or mean
    amount per purchase. Each is scored 1..`bins`, recency reversed (recent = high).

    Binning (`method`):

    - `"quantile"` (default): breaks at the `j/bins` quantiles of R's default
      `quantile(type = 7)` over customers, as the R `rfm` package does; a value *equal*
      to a break goes to the **lower** bin. Ties can leave scores empty (frequency is
      often 1 for most customers): they stay empty, and `warnings` says so.
    - `"ntile"`: equal counts like `dplyr::ntile` (rank by value, ties broken by the
      order of the customer table); equal values may get different scores.
    - custom cut points: `cuts={"recency": [30, 90, 180, 365], ...}` (days, amounts);
      a value equal to a cut goes to the lower bin. Dimensions not in `cuts` use `method`;
      `method="custom"` requires all three.

    Segments are rectangles on the (R, F, M) scores, the first matching rule wins and
    unmatched customers are "Others" (其他). `segments=None` (or `"rfm10"`) uses the ten
    segments of the R `rfm` package (Champions … Lost; defined on 1–5 scores, so only
    with `bins=5`: with other `bins` everyone is "Others" unless you pass rules);
    `"rfm8"` the eight-cell 重要价值客户 … 一般挽留客户 scheme (high = score above
    `bins/2`); or a list of `(name, (r_lo, r_hi), (f_lo, f_hi), (m_lo, m_hi))` tuples
    (or dicts with those keys). `labels="zh"` gives the Chinese names.

    Args:
        frame: pandas or polars DataFrame, pyarrow Table, or an `__arrow_c_stream__` object.
        customer: customer key column (strings or integers; no missing values).
        date: date, timestamp (naive: wall-clock day; zoned: day in its zone) or
            `YYYY-MM-DD` text column.
        amount: amount column (numbers; missing values are errors).
        order: optional order id column: frequency counts distinct orders.
        as_of: analysis date (date, datetime or text). Default: the day *after* the last
            transaction, so the latest buyers have recency 1.
        bins: scores per dimension (2–9; default 5 = quintiles).
        method: `"quantile"`, `"ntile"` or `"custom"`.
        cuts: custom cut points per dimension (`"recency"`, `"frequency"`, `"monetary"`).
        monetary: `"sum"` or `"mean"`.
        segments: `None`, `"rfm10"`, `"rfm8"`, or a list of rules (`[]` for none).
        labels: `"en"` or `"zh"` for the built-in segment names.
        negative: `"reject"` (default: a negative amount is an error naming its row) or
            `"net"` (refunds: subtracted from monetary, not purchases; customers with
            only refunds are counted in `n_without_purchase`, not scored).
        after_as_of: `"reject"` (default: a transaction after `as_of` is an error naming
            its row) or `"exclude"` (left out, counted in `n_excluded`).

    Returns:
        An `RfmResult`: `.table` (one row per customer, a frame of the caller's type),
        `.thresholds`, `.segments`, `.breaks`, `.segment_counts`, `.warnings`.

    Raises:
        MissingFieldError: a named column is absent, or a missing customer/date (names the row).
        InvalidValueError: an unparseable date, a missing or negative amount, a
            transaction after `as_of` (each names the row and value).
        InvalidOptionError: bad `bins`, `cuts` or segment rules.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"customer_id": ["a", "b", "c", "a"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-20", "2024-01-25"]),
    ...                    "amount": [10.0, 50.0, 5.0, 15.0]})
    >>> r = rfm(df, as_of="2024-02-01", bins=3, segments=[])
    >>> r.table[["customer", "recency_days", "frequency", "monetary", "rfm_score"]]
      customer  recency_days  frequency  monetary  rfm_score
    0        a             7          2      25.0        332
    1        b            22          1      50.0        113
    2        c            12          1       5.0        211
    """
    names = [customer, date, amount, *([order] if order else [])]
    source, kind = _select(frame, names)
    return _cx._rfm_arrow(
        source,
        customer=customer,
        date=date,
        amount=amount,
        order=order,
        as_of=_days(as_of, "as_of"),
        bins=bins,
        method=method,
        cuts=dict(cuts) if cuts is not None else None,
        monetary=monetary,
        segments=list(segments)
        if segments is not None and not isinstance(segments, str)
        else segments,
        labels=labels,
        negative=negative,
        after_as_of=after_as_of,
        kind=kind,
    )


def retention(
    frame: Any,
    /,
    *,
    customer: str = "customer_id",
    date: str = "date",
    freq: str = "month",
    active_days: int | None = None,
    as_of: Any = None,
    after_as_of: str = "reject",
) -> RetentionResult:
    """Customer retention rate, churn, repeat-purchase rate and cohort table of transactions.

    Periods are calendar `freq` periods (`"day"`, `"week"` (ISO, Monday), `"month"`,
    `"quarter"`, `"year"`) from the first transaction's to the as-of date's (the last one
    flagged `partial` when it ends after `as_of`). Per period:

    - a customer is **active** when they bought in the period (default), or, with
      `active_days=w`, at the period's end when they bought in the `w` days up to it;
    - **S** = customers active at the start (in the previous period), **E** = active at
      the end, **N** = new (first purchase in the period, over the data given: pass the
      full history);
    - **retention rate** CRR = (E − N) / S, **churn rate** = 1 − CRR (null when S = 0);
      `retained` (active at start and end) and `reactivated` (back after a gap) split E − N.

    The **repeat-purchase rate** is the share of customers with at least two purchases.
    The **cohort table** groups customers by the period of their first purchase and gives
    the share who bought in each later period (`cohorts` long, `cohort_matrix` wide). One
    result holds all three, since they share one pass over the data.

    Args:
        frame: pandas or polars DataFrame, pyarrow Table, or an `__arrow_c_stream__` object.
        customer: customer key column.
        date: date, timestamp or `YYYY-MM-DD` text column.
        freq: period length.
        active_days: trailing activity window in days (`None`: bought in the period).
        as_of: last date counted (default: the last transaction's date).
        after_as_of: `"reject"` (error naming the row) or `"exclude"`.

    Raises:
        MissingFieldError: a named column is absent, or a missing customer/date.
        InvalidValueError: an unparseable date or a transaction after `as_of`.

    >>> import pyarrow as pa
    >>> t = pa.table({"customer_id": ["a", "b", "a", "c", "a"],
    ...               "date": ["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-20", "2024-03-03"]})
    >>> r = retention(t)
    >>> r.periods.column("retention_rate").to_pylist()
    [None, 0.5, 0.5]
    >>> round(r.repeat_rate, 3)
    0.333
    """
    source, kind = _frames.select(frame, [customer, date])
    return _cx._retention_arrow(
        source,
        customer=customer,
        date=date,
        freq=freq,
        active_days=active_days,
        as_of=_days(as_of, "as_of"),
        after_as_of=after_as_of,
        kind=kind,
    )
