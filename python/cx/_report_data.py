"""Data side of `cx.report`: read the inputs, compute each section, render.

Each section builder takes a `ReportData` and returns a section dict (see
`cx.reporting.render`) or None when its data are absent.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from cx import reporting
from cx._progress import TerminalProgress as TerminalProgress

_KINDS = {
    "feedback": {"feedback_id"},
    "events": {"ticket_id", "at", "type"},
    "tickets": {"ticket_id", "created_at"},
    "survey": {"response_id"},
    "customers": {"customer_id", "segment"},
    "transactions": {"order_id", "amount"},
}
_SAMPLE = {
    "feedback": "sample_feedback.csv",
    "tickets": "tickets.csv",
    "events": "ticket_events.csv",
    "survey": "survey.csv",
    "customers": "customers.csv",
    "transactions": "transactions.csv",
    "journey": "journey.json",
}


@dataclass
class ReportData:
    """What the section builders see: the inputs (pyarrow tables), config and cached results."""

    files: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    feedback: Any = None  # cx.io.Ingested
    events: Any = None  # pyarrow.Table (ticket events joined with ticket attributes)
    tickets: Any = None  # pyarrow.Table
    survey: Any = None  # pyarrow.Table
    customers: Any = None
    transactions: Any = None
    journey: dict[str, Any] | None = None
    cases: str | None = None  # path of a cx.CaseStore (SQLite)
    cache: dict[str, Any] = field(default_factory=dict)
    pool: ThreadPoolExecutor | None = None

    @property
    def tz(self) -> str:
        return str(self.config.get("tz", "Asia/Shanghai"))

    def cached(self, key: str, fn: Callable[[], Any]) -> Any:
        """`fn()` computed once under `key` (waiting for it if `prefetch` started it)."""
        if key not in self.cache:
            self.cache[key] = fn()
        v = self.cache[key]
        if isinstance(v, Future):
            v = self.cache[key] = v.result()
        return v

    def prefetch(self, jobs: Mapping[str, Callable[[], Any]]) -> None:
        """Start `jobs` on threads and return at once: the cx kernels release the GIL,
        so the event-log passes (ticket metrics, SLA status, log checks) run on the
        other cores while the sections that do not need them are computed; `cached`
        waits for a result when a section needs it, `close` for the rest."""
        if not jobs:
            return
        self.pool = ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1))
        for key, fn in jobs.items():
            if key not in self.cache:
                self.cache[key] = self.pool.submit(fn)

    def close(self) -> None:
        """Wait for the prefetched jobs (their errors surface in `cached`)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None

    def ticket_metrics(self) -> Any:
        """Per-ticket metrics (pyarrow), computed once."""
        from cx import ops

        return self.cached(
            "ticket_metrics",
            lambda: ops.ticket_metrics(
                self.events, definitions=ops.MetricDefinitions(validation="collect")
            ),
        )


def classify(path: str) -> str:
    """Which input a file is, from its extension and header."""
    with open(path, "rb") as f:
        if f.read(16) == b"SQLite format 3\x00":
            return "cases"
    if path.endswith(".json") and not path.endswith(".jsonl"):
        return "journey"
    if path.endswith((".jsonl", ".ndjson")):
        return "feedback"
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = set(next(csv.reader(f), []))
    for kind, cols in _KINDS.items():
        if cols <= header:
            return kind
    if header & {"nps", "csat", "ces"}:
        return "feedback"
    raise ValueError(f"{path}: cannot tell which input this is from its header {sorted(header)}")


def load_config(config: str | os.PathLike[str] | Mapping[str, Any] | None) -> dict[str, Any]:
    """A config dict from a YAML/JSON file or a mapping."""
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    path = os.fspath(config)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("YAML config needs pyyaml: pip install 'cx[yaml]'") from e
        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the config must be a mapping")
    return data


def _read_csv(path: str, timestamps: tuple[str, ...] = ()) -> Any:
    """Every column as text (the cx readers validate and convert), except `timestamps`,
    parsed by Arrow as RFC 3339 instants (offsets kept as the instant); if one does not
    parse, all stay text and cx parses them, with its row-level errors."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    with open(path, encoding="utf-8-sig", newline="") as f:
        names = next(csv.reader(f), [])
    types = {n: pa.string() for n in names}
    for n in timestamps:
        if n in types:
            types[n] = pa.timestamp("ms", tz="UTC")
    try:
        opts = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
        return pacsv.read_csv(path, convert_options=opts)
    except pa.ArrowInvalid:
        if not timestamps:
            raise
        return _read_csv(path)


def read_inputs(
    paths: list[str], config: dict[str, Any], step: Callable[[str], None]
) -> ReportData:
    from cx.io import read_feedback

    d = ReportData(config=config)
    if not paths:
        from cx.datasets import sample_path

        base = os.path.dirname(sample_path("feedback"))
        d.files = {k: os.path.join(base, v) for k, v in _SAMPLE.items()}
    else:
        for p in paths:
            d.files[classify(os.fspath(p))] = os.fspath(p)
    pool = ThreadPoolExecutor(max_workers=1)
    fb = None
    if "feedback" in d.files:  # on its own thread, while Arrow reads the other files
        fb = pool.submit(read_feedback, d.files["feedback"], errors="collect", tz=d.tz)
    if "tickets" in d.files:
        d.tickets = _read_csv(d.files["tickets"])
    if "events" in d.files:
        import pyarrow as pa
        import pyarrow.compute as pc  # type: ignore[import-untyped]

        ev = _read_csv(d.files["events"], timestamps=("at",))
        if "public" in ev.column_names:
            ev = ev.set_column(
                ev.schema.get_field_index("public"), "public", pc.equal(ev["public"], "true")
            )
        if d.tickets is not None:
            # ticket attributes on the `created` event only: the ops log builder is several
            # times slower when every event repeats them. One hash lookup of each created
            # event's ticket (the first row of a repeated ticket id), then a gather: events
            # keep their order (a join followed by a sort took ~3 s on 1.6M events).
            keep = [c for c in ("channel", "priority") if c in d.tickets.column_names]
            ids = d.tickets.column("ticket_id").combine_chunks()
            row = pc.index_in(ev["ticket_id"], value_set=ids)
            row = pc.if_else(pc.equal(ev["type"], "created"), row, pa.scalar(None, row.type))
            for c in keep:
                vals = d.tickets.column(c).take(row)
                i = ev.schema.get_field_index(c)
                ev = ev.append_column(c, vals) if i < 0 else ev.set_column(i, c, vals)
        d.events = ev
        step("read tickets")
    if "survey" in d.files:
        d.survey = _read_csv(d.files["survey"])
    if "customers" in d.files:
        d.customers = _read_csv(d.files["customers"])
    if "transactions" in d.files:
        d.transactions = _read_csv(d.files["transactions"])
    if "journey" in d.files:
        with open(d.files["journey"], encoding="utf-8") as f:
            d.journey = json.load(f)
    if "cases" in d.files:
        d.cases = d.files["cases"]
    if fb is not None:
        d.feedback = fb.result()
        step("read feedback")
    pool.shutdown()
    return d


def build(
    paths: list[Any],
    *,
    path: Any = None,
    lang: str | None = None,
    config: Any = None,
    progress: reporting.Progress | None = None,
) -> reporting.Report:
    from cx import _report_hooks
    from cx import _report_sections as sec

    _report_hooks.install()
    cfg = load_config(config)
    lang = lang or str(cfg.get("lang", "en"))
    builders: list[tuple[str, Callable[[ReportData], dict[str, Any] | None] | None]] = [
        ("kpis", sec.kpis),
        ("trends", sec.trends),
        ("journey", reporting.SECTION_HOOKS.get("journey")),
        ("pareto", reporting.SECTION_HOOKS.get("pareto")),
        ("control", sec.control),
        ("sla", sec.sla),
        ("kano", reporting.SECTION_HOOKS.get("kano")),
        ("drivers", reporting.SECTION_HOOKS.get("drivers")),
        ("funnel", reporting.SECTION_HOOKS.get("funnel")),
        ("quality", sec.quality),
    ]
    keep = cfg.get("sections")
    if keep is not None:
        builders = [b for b in builders if b[0] in set(keep)]
    total = 2 + len(builders) + 1
    done = 0
    timings: dict[str, float] = {}
    section_timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def step(name: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(name, min(done, total), total)

    data = read_inputs([os.fspath(p) for p in paths], cfg, step)
    done = 2
    timings["read"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    data.prefetch(sec.prefetch_jobs(data))
    try:
        # sections without the event-log passes first, while those run on other threads
        order = sorted(builders, key=lambda b: b[0] in sec.NEEDS_EVENT_PASSES)
        done_sections: dict[str, dict[str, Any] | None] = {}
        for name, fn in order:
            ts = time.perf_counter()
            done_sections[name] = fn(data) if fn is not None else None
            section_timings[name] = time.perf_counter() - ts
            step(name)
    finally:
        data.close()
    sections = [s for name, _ in builders if (s := done_sections.get(name)) is not None]
    timings["compute"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    meta = sec.meta(data)
    r = reporting.render(
        sections,
        lang=lang,
        title=str(cfg.get("title", "")),
        subtitle=str(cfg.get("subtitle", "")),
        meta=meta,
    )
    r.timings = timings
    r.section_timings = section_timings
    if path is not None:
        r.save(path)
    timings["render"] = time.perf_counter() - t2
    step("render")
    return r
