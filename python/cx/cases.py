"""The closed loop: route feedback to owning teams with explained rules, and keep cases in a
durable store with access control (``cx-core``'s ``cases`` module).

Rules and the topic taxonomy are data (JSON or YAML) that users edit; the bundled examples
(``python/cx/data/routing.json`` and ``topics.json``) fit the sample data.

>>> import cx
>>> router = cx.Router()  # the bundled example rules and taxonomy
>>> d = router.route({"channel": "phone", "kind": "complaint", "text": "退款还没到账"})
>>> d.team, d.matched
('payments', ['topic 退款慢 (keyword "退款")'])
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cx import _cx
from cx._frames import select

__all__ = ["RouteDecision", "Router", "load_rules"]

_DATA = Path(__file__).parent / "data"
_ROUTE_FIELDS = ("channel", "kind", "nps", "csat", "segment", "text")


def load_rules(source: Any, /) -> dict[str, Any]:
    """Rules or a taxonomy as a dict, from a dict, JSON text or a `.json`/`.yaml`/`.yml` file.

    YAML needs PyYAML (an optional dependency), imported only for YAML files.

    >>> load_rules('{"rules": [], "default": {"team": "desk"}}')["default"]
    {'team': 'desk'}
    """
    if isinstance(source, dict):
        return source
    if isinstance(source, str) and source.lstrip().startswith("{"):
        data: dict[str, Any] = json.loads(source)
        return data
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml  # type: ignore[import-untyped]
            except ImportError:  # pragma: no cover - depends on the environment
                msg = "YAML rules need PyYAML, an optional dependency: pip install pyyaml"
                raise ImportError(msg) from None
            loaded: dict[str, Any] = yaml.safe_load(text)
            return loaded
        loaded_json: dict[str, Any] = json.loads(text)
        return loaded_json
    msg = f"rules must be a dict, JSON text or a path, got {type(source).__name__}"
    raise TypeError(msg)


@dataclass(frozen=True)
class RouteDecision:
    """Where a piece of feedback goes and why.

    >>> d = Router().route({"nps": 3, "segment": "VIP"})
    >>> d.rule, d.team, d.priority, d.case_reasons
    ('vip-detractor', 'vip-care', 'urgent', ['detractor'])
    >>> d.explanation
    'rule "vip-detractor" fired → team vip-care (urgent): nps 3 ≤ 6; segment VIP; case opened (detractor)'
    """

    rule: str | None
    """The rule that fired (``None``: no rule fired, the default target applies)."""
    rule_index: int | None
    """0-based position of the rule."""
    team: str
    """Owning team."""
    priority: str
    """Priority: low, normal, high or urgent."""
    sla_policy: str | None
    """Name of the SLA policy."""
    topic: str | None
    """Topic of the taxonomy found in the text."""
    topic_match: str | None
    """The keyword or pattern of the taxonomy that matched."""
    matched: list[str] = field(default_factory=list)
    """One line per condition of the fired rule that held."""
    case_reasons: list[str] = field(default_factory=list)
    """Why a case is opened (detractor, low_csat, complaint, rule); empty: no case."""
    create_case: bool = False
    """Whether a case is opened."""
    explanation: str = ""
    """One-line explanation."""

    @classmethod
    def _from_json(cls, text: str) -> RouteDecision:
        d = json.loads(text)
        topic = d.get("topic") or {}
        return cls(
            rule=d["rule"],
            rule_index=d["rule_index"],
            team=d["team"],
            priority=d["priority"],
            sla_policy=d["sla_policy"],
            topic=topic.get("topic"),
            topic_match=topic.get("matched"),
            matched=list(d["matched"]),
            case_reasons=list(d["case_reasons"]),
            create_case=bool(d["create_case"]),
            explanation=d["explanation"],
        )


def _value(record: Any, name: str) -> Any:
    v = record.get(name) if isinstance(record, dict) else getattr(record, name, None)
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _score(v: Any) -> int | None:
    if v is None:
        return None
    f = float(v)
    if math.isnan(f):
        return None
    return int(f)


def _text(v: Any) -> str | None:
    return None if v is None else str(v)


class Router:
    """Routing rules evaluated in order over a topic taxonomy, with explained decisions.

    Args:
        rules: a dict, JSON text, or a `.json`/`.yaml` file; default: the bundled example
            (``cx/data/routing.json``).
        topics: the topic taxonomy in the same forms; default: ``cx/data/topics.json``.

    Raises:
        FormatError: malformed rules (unknown condition, bad JSON).
        InvalidValueError: a bad regular expression (``field`` names the rule or topic).
        InvalidOptionError: a blank team, or a rule naming a topic absent from the taxonomy.

    >>> r = Router({"rules": [{"name": "low", "when": {"csat_max": 2}, "team": "care"}],
    ...             "default": {"team": "desk"}}, topics={"topics": []})
    >>> r.route({"csat": 1}).matched
    ['csat 1 ≤ 2']
    """

    def __init__(self, rules: Any = None, /, *, topics: Any = None) -> None:
        self.rules: dict[str, Any] = load_rules(_DATA / "routing.json" if rules is None else rules)
        """The rules as a dict."""
        self.topics: dict[str, Any] = load_rules(
            _DATA / "topics.json" if topics is None else topics
        )
        """The taxonomy as a dict."""
        self._inner = _cx._Router(
            json.dumps(self.rules, ensure_ascii=False), json.dumps(self.topics, ensure_ascii=False)
        )

    def route(self, record: Any, /, *, segment: str | None = None) -> RouteDecision:
        """Route one record: a dict or an object with ``channel``, ``kind``, ``nps``, ``csat``,
        ``segment`` and ``text`` (absent fields are missing; `segment` overrides).

        >>> Router().route({"kind": "praise", "nps": 10}).create_case
        False
        """
        cols = [[_value(record, f)] for f in _ROUTE_FIELDS]
        if segment is not None:
            cols[4] = [segment]
        return self._route_columns(cols)[0]

    def _route_columns(self, cols: list[list[Any]]) -> list[RouteDecision]:
        ch, kind, nps, csat, seg, text = cols
        out = self._inner.route_many(
            [_text(v) for v in ch],
            [_text(v) for v in kind],
            [_score(v) for v in nps],
            [_score(v) for v in csat],
            [_text(v) for v in seg],
            [_text(v) for v in text],
        )
        return [RouteDecision._from_json(s) for s in out]

    def route_frame(self, frame: Any, /) -> Any:
        """Route every row of a frame (pandas, polars, pyarrow) with columns among ``channel``,
        ``kind``, ``nps``, ``csat``, ``segment``, ``text``; returns a frame of the same type
        with one row per input row: ``rule``, ``team``, ``priority``, ``sla_policy``,
        ``topic``, ``create_case``, ``case_reasons`` and ``explanation``.

        >>> import pyarrow as pa
        >>> t = Router().route_frame(pa.table({"nps": [2, 9], "text": ["发票开错了", "ok"]}))
        >>> t.column("team").to_pylist(), t.column("create_case").to_pylist()
        (['payments', 'cx-desk'], [True, False])
        """
        import pyarrow as pa  # type: ignore[import-untyped]

        source, kind = select(frame, _ROUTE_FIELDS)
        table = pa.table(source)
        n = table.num_rows
        cols = [
            table.column(f).to_pylist() if f in table.column_names else [None] * n
            for f in _ROUTE_FIELDS
        ]
        ds = self._route_columns(cols)
        result = pa.table(
            {
                "rule": pa.array([d.rule for d in ds], pa.string()),
                "team": pa.array([d.team for d in ds], pa.string()),
                "priority": pa.array([d.priority for d in ds], pa.string()),
                "sla_policy": pa.array([d.sla_policy for d in ds], pa.string()),
                "topic": pa.array([d.topic for d in ds], pa.string()),
                "create_case": pa.array([d.create_case for d in ds], pa.bool_()),
                "case_reasons": pa.array([", ".join(d.case_reasons) for d in ds], pa.string()),
                "explanation": pa.array([d.explanation for d in ds], pa.string()),
            }
        )
        if kind == "pandas":
            return result.to_pandas()
        if kind == "polars":
            import polars as pl

            return pl.from_arrow(result)
        return result
