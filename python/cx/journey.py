"""Journey maps: the journey as data, where it hurts and delights, and how customers move.

A `Journey` is ordered stages, each with customer actions, thoughts and touchpoints
(channel, owning team, expected emotion); it reads JSON, YAML (with PyYAML) and dicts.
`analyze` measures feedback tagged with touchpoints (volume, NPS/CSAT/CES with intervals,
complaint share per touchpoint and stage, the emotion curve) and finds pain and delight
points (each touchpoint tested against the rest of the journey with Welch's t-test,
Benjamini–Hochberg control of the false discovery rate) and opportunities. `paths` turns
per-customer event sequences into transitions, top paths, drop-off per stage and Sankey data.

>>> import cx
>>> j = cx.journey.Journey.load(cx.datasets.sample_path("journey"))
>>> print(" → ".join(s["id"] for s in j.stages))
awareness → shopping → checkout → delivery → after_sales → loyalty
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cx import _cx, _frames
from cx._cx import Journey, JourneyAnalysis, JourneyPaths, benjamini_hochberg, moments_of_truth

__all__ = [
    "Journey",
    "JourneyAnalysis",
    "JourneyPaths",
    "analyze",
    "benjamini_hochberg",
    "experience_matrix",
    "key_moments",
    "moments_of_truth",
    "paths",
]


def analyze(
    journey: Journey,
    feedback: Any,
    /,
    *,
    touchpoint: str = "touchpoint_id",
    score: str = "nps",
    nps: str = "nps",
    csat: str = "csat",
    ces: str = "ces",
    kind: str | None = "kind",
    complaint: str | Sequence[str] = ("complaint", "投诉"),
    fdr: float = 0.05,
    level: float = 0.95,
    unknown: str = "error",
    min_n: int = 30,
    opportunity_volume: float = 0.5,
) -> JourneyAnalysis:
    """Touchpoint and stage metrics, the emotion curve, pain and delight points, opportunities.

    `feedback` is a pandas or polars DataFrame, a pyarrow Table or any object with
    `__arrow_c_stream__`, one row per response, tagged with a touchpoint id of `journey`.
    The tables of the result (`touchpoints`, `stages`, `emotion_curve`) come back as frames
    of the same library.

    The analysed score (`score`) drives the tests and the emotion curve: each response gets
    `y` = +100 promoter / 0 passive / −100 detractor (NPS, so the mean of `y` is the NPS),
    100 for CSAT 4–5 else 0 (CSAT %), or the CES 2.0 score 1–7. Each touchpoint is tested
    against all other matched responses with Welch's t-test; the p-values of all tested
    touchpoints are adjusted with Benjamini–Hochberg. Pain points: adjusted `q ≤ fdr` and a
    negative gap; delight points: a positive gap; both ranked by impact = gap · n / N (the
    journey points the touchpoint costs or adds). Opportunities: the others with a volume at
    or above the `opportunity_volume` quantile of touchpoint volumes and a score at or below
    the journey's, ranked by the journey points gained at the best touchpoint's level.
    The emotion curve maps each stage's score onto −1 … +1 (NPS/100, 2·CSAT/100 − 1,
    (CES − 4)/3) next to the mean `expected_emotion` of its touchpoints.

    Args:
        journey: the journey.
        feedback: the responses.
        touchpoint: the touchpoint id column.
        score: the analysed metric: `"nps"`, `"csat"` (1–5) or `"ces"` (1–7).
        nps: NPS column (0–10); absent columns are left out of the tables.
        csat: CSAT column (1–5).
        ces: CES column (1–7, higher = easier).
        kind: feedback type column for the complaint share (absent or `None`: no share).
        complaint: the value(s) of `kind` that mark a complaint.
        fdr: false discovery rate of the pain and delight points.
        level: confidence level of every interval.
        unknown: `"error"` (default) raises for a touchpoint not in the journey, naming the
            row and value; `"count"` leaves such rows out and counts them in `unmatched`.
        min_n: touchpoints with fewer scored responses are flagged `low_n`.
        opportunity_volume: volume quantile (0–1) an opportunity must reach.

    Raises:
        InvalidValueError: a score off its scale or (with `unknown="error"`) an unknown
            touchpoint, naming the column, row and value.
        MissingFieldError: the touchpoint or analysed score column is absent, or a row has no
            touchpoint (with `unknown="error"`).

    >>> import pandas as pd
    >>> j = Journey.from_dict({"name": "j", "stages": [
    ...     {"id": "buy", "name": "购买", "touchpoints": [
    ...         {"id": "pay", "name": "支付", "channel": "in_app"}]},
    ...     {"id": "ship", "name": "配送", "touchpoints": [
    ...         {"id": "courier", "name": "快递", "channel": "sms"}]}]})
    >>> fb = pd.DataFrame({"touchpoint_id": ["pay", "pay", "courier", "courier"],
    ...                    "nps": [10, 9, 3, 8]})
    >>> a = analyze(j, fb, min_n=2)
    >>> a.touchpoints[["touchpoint_id", "n", "score"]].to_dict("list")
    {'touchpoint_id': ['pay', 'courier'], 'n': [2, 2], 'score': [100.0, -50.0]}
    """
    complaints = [complaint] if isinstance(complaint, str) else list(complaint)
    named = [touchpoint, nps, csat, ces, *([kind] if kind else [])]
    source, frame_kind = _frames.select(feedback, named)
    return _cx._journey_analyze(
        journey,
        source,
        frame_kind=frame_kind,
        touchpoint=touchpoint,
        score=score,
        nps=nps,
        csat=csat,
        ces=ces,
        kind=kind,
        complaint=complaints,
        fdr=fdr,
        level=level,
        unknown=unknown,
        min_n=min_n,
        opportunity_volume=opportunity_volume,
    )


def paths(
    events: Any,
    /,
    *,
    customer: str = "customer_id",
    time: str = "timestamp",
    touchpoint: str = "touchpoint_id",
    journey: Journey | None = None,
    level: str = "touchpoint",
    top: int = 10,
    max_steps: int = 5,
    unknown: str = "error",
    tz: str | None = None,
) -> JourneyPaths:
    """Customer paths: transition counts, top paths, drop-off per stage and Sankey data.

    Each row of `events` is one event `(customer, time, touchpoint)`; the touchpoint column
    may also hold stage ids (with a `journey`, an id is looked up as a touchpoint first, then
    as a stage). A customer's events are ordered by time, ties in input order; consecutive
    repeats are kept, so the transitions sum to events − customers. `time` may be a timestamp,
    date or integer column, or text (RFC 3339 and the ingest formats; text without a UTC offset
    needs `tz`, an IANA zone such as `"Asia/Shanghai"`).

    Drop-off (needs `journey`): a customer *reaches* a stage when their furthest stage (in
    journey order) is that stage or a later one, and *drops off* there when it is their
    furthest; `drop_off_rate = dropped / reached`. The Sankey nodes are (step, node) pairs
    for the first `max_steps` events of each path, so the diagram has no cycles.

    Args:
        events: a pandas or polars DataFrame, a pyarrow Table or an Arrow stream.
        customer: customer id column.
        time: time column.
        touchpoint: touchpoint (or stage) id column.
        journey: the journey (for names, stage mapping, drop-off and unknown ids).
        level: `"touchpoint"` (nodes as given) or `"stage"` (nodes mapped to stages).
        top: how many of the most frequent paths to return.
        max_steps: Sankey steps.
        unknown: `"error"` or `"count"` for ids the journey does not know (and missing ids).
        tz: IANA time zone of naive timestamp text.

    Raises:
        InvalidValueError: an unknown id (with `unknown="error"`), naming the row and value.
        MissingFieldError: a column is absent, or a row lacks its customer.

    >>> import pandas as pd
    >>> ev = pd.DataFrame({"customer_id": ["u1", "u1", "u2", "u1"],
    ...                    "timestamp": [1, 2, 1, 3],
    ...                    "touchpoint_id": ["ad", "app", "ad", "pay"]})
    >>> p = paths(ev)
    >>> p.transitions.to_dict("list")
    {'from': ['ad', 'app'], 'to': ['app', 'pay'], 'count': [1, 1]}
    >>> links = p.sankey()["links"]
    >>> links
    [{'source': 0, 'target': 1, 'value': 1}, {'source': 1, 'target': 2, 'value': 1}]
    """
    source, frame_kind = _frames.select(events, [customer, time, touchpoint])
    return _cx._journey_paths(
        source,
        frame_kind=frame_kind,
        customer=customer,
        time=time,
        touchpoint=touchpoint,
        journey=journey,
        top=top,
        max_steps=max_steps,
        unknown=unknown,
        level=level,
        tz=tz,
    )


def experience_matrix(
    journey: Journey,
    feedback: Any,
    /,
    *,
    outcomes: Any = None,
    customer: str = "customer_id",
    touchpoint: str = "touchpoint_id",
    score: str = "nps",
    outcome: str = "nps",
    unknown: str = "error",
) -> Any:
    """One row per customer, one column per touchpoint: the input of a moments-of-truth analysis.

    Without `outcomes`: the customer's mean `score` at each touchpoint, null where they left
    none (every touchpoint of the journey is a column, in journey order). Rows without a
    customer or a score are skipped.

    With `outcomes` (a frame with the `customer` and `outcome` columns, e.g. the relationship
    survey): only customers with an outcome, each touchpoint column centred on its mean and 0
    where the customer did not visit (so that a key-driver analysis keeps every row; listwise
    deletion of a sparse matrix would leave none), touchpoints constant among these customers
    left out, and the `outcome` column last. Feed it to a key-driver analysis with the
    touchpoint columns as drivers, then rank its importances with `moments_of_truth`.

    >>> import pandas as pd
    >>> j = Journey.from_dict({"name": "j", "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...     {"id": "app", "name": "App", "channel": "in_app"},
    ...     {"id": "call", "name": "电话", "channel": "phone"}]}]})
    >>> fb = pd.DataFrame({"customer_id": ["u1", "u1", "u2", "u3"],
    ...                    "touchpoint_id": ["app", "call", "call", "app"],
    ...                    "nps": [9, 4, 8, 7]})
    >>> experience_matrix(j, fb).to_dict("list")
    {'customer_id': ['u1', 'u2', 'u3'], 'app': [9.0, nan, 7.0], 'call': [4.0, 8.0, nan]}
    >>> survey = pd.DataFrame({"customer_id": ["u1", "u2", "u3"], "nps": [6, 9, 8]})
    >>> experience_matrix(j, fb, outcomes=survey).to_dict("list")
    {'customer_id': ['u1', 'u2', 'u3'], 'app': [1.0, 0.0, -1.0], 'call': [-2.0, 2.0, 0.0], 'nps': [6.0, 9.0, 8.0]}
    """
    source, frame_kind = _frames.select(feedback, [customer, touchpoint, score])
    out_source = None
    if outcomes is not None:
        out_source, _ = _frames.select(outcomes, [customer, outcome])
    return _cx._journey_experience(
        journey,
        source,
        frame_kind=frame_kind,
        customer=customer,
        touchpoint=touchpoint,
        score=score,
        unknown=unknown,
        outcomes=out_source,
        outcome=outcome,
    )


def key_moments(
    journey: Journey,
    feedback: Any,
    outcomes: Any,
    /,
    *,
    customer: str = "customer_id",
    touchpoint: str = "touchpoint_id",
    score: str = "nps",
    outcome: str = "nps",
    cumulative_share: float = 0.8,
    unknown: str = "error",
) -> list[dict[str, Any]]:
    """The moments of truth: touchpoints whose experience best predicts the overall outcome.

    Builds the customer × touchpoint `experience_matrix` (centred, 0 where not visited) of
    the customers in `outcomes`, runs `cx.drivers.analyze` on it with the touchpoints as
    drivers (importance = the exact LMG share of R², Lindeman, Merenda & Gold 1980), and ranks
    the touchpoints with `moments_of_truth`. Each entry has `touchpoint_id`, `importance`,
    `share`, `rank`, plus `beta` (standardised, its sign says whether a better experience
    there goes with a higher outcome) and the model's `r_squared`: a low R² means the
    touchpoints explain little of the outcome, whatever their ranking.

    >>> import pandas as pd
    >>> j = Journey.from_dict({"name": "j", "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...     {"id": "app", "name": "App", "channel": "in_app"},
    ...     {"id": "call", "name": "电话", "channel": "phone"}]}]})
    >>> fb = pd.DataFrame({"customer_id": ["u1", "u2", "u3", "u4", "u5"] * 2,
    ...                    "touchpoint_id": ["app"] * 5 + ["call"] * 5,
    ...                    "nps": [9, 8, 9, 8, 9, 2, 9, 5, 7, 4]})
    >>> survey = pd.DataFrame({"customer_id": ["u1", "u2", "u3", "u4", "u5"],
    ...                        "nps": [3, 9, 6, 8, 4]})
    >>> [(m["touchpoint_id"], round(m["share"], 2)) for m in key_moments(j, fb, survey)]
    [('call', 0.58), ('app', 0.42)]
    """
    from cx import drivers

    matrix = experience_matrix(
        journey,
        feedback,
        outcomes=outcomes,
        customer=customer,
        touchpoint=touchpoint,
        score=score,
        outcome=outcome,
        unknown=unknown,
    )
    names = matrix.column_names if hasattr(matrix, "column_names") else list(matrix.columns)
    tps = [c for c in names if c not in (customer, outcome)]
    kd = drivers.analyze(matrix, outcome=outcome, drivers=tps).to_dict()
    by_name = {d["name"]: d for d in kd["drivers"]}
    ranked = moments_of_truth(
        [d["name"] for d in kd["drivers"]],
        [d["lmg"] for d in kd["drivers"]],
        cumulative_share=cumulative_share,
    )
    for m in ranked:
        m["beta"] = by_name[m["touchpoint_id"]]["beta"]
        m["r_squared"] = kd["r_squared"]
    return ranked
