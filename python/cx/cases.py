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

import builtins
import json
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cx import _cx
from cx._frames import select
from cx._privacy_store import (
    AuditVerification,
    ErasureReport,
    FeedbackExport,
    RetentionReport,
    RotationReport,
    _PrivacyMethods,
    load_retention_policy,
)

__all__ = [
    "AuditEntry",
    "AuditVerification",
    "Case",
    "CaseStore",
    "ErasureReport",
    "FeedbackExport",
    "Principal",
    "RetentionReport",
    "RotationReport",
    "RouteDecision",
    "Router",
    "load_retention_policy",
    "load_rules",
]

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


# ---------------------------------------------------------------- store

_ROLES = ("agent", "team_lead", "analyst", "admin")


@dataclass(frozen=True)
class Principal:
    """Who uses a `CaseStore`: a name, a role (``agent``, ``team_lead``, ``analyst``,
    ``admin``) and the teams in scope (agents and team leads).

    >>> Principal("ann", "agent", teams=["logistics"]).role
    'agent'
    """

    name: str
    """Name, recorded in the audit trail."""
    role: str = "agent"
    """agent, team_lead, analyst or admin."""
    teams: list[str] = field(default_factory=list)
    """Teams in scope."""

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            from cx.exceptions import InvalidOptionError

            msg = f"role: must be one of {{{', '.join(_ROLES)}}}, got {self.role!r}"
            raise InvalidOptionError(msg, "invalid_option", "role")

    def _json(self) -> str:
        return json.dumps({"name": self.name, "role": self.role, "teams": list(self.teams)})


@dataclass(frozen=True)
class Case:
    """A case as stored (personal fields masked for analysts). ``record`` holds every field.

    >>> c = Case._from_dict({"id": "K1", "team": "t", "state": "new", "version": 1,
    ...                      "priority": "normal", "created_at": "2024-03-01T09:00:00+08:00"})
    >>> c.id, c.state, c.version
    ('K1', 'new', 1)
    """

    id: str
    """Case id."""
    team: str
    """Owning team."""
    state: str
    """State: new, triaged, assigned, in_progress, waiting_for_customer, resolved,
    followed_up or closed."""
    version: int
    """Version, incremented by every change; pass it back to change the case."""
    priority: str
    """low, normal, high or urgent."""
    record: dict[str, Any] = field(default_factory=dict, repr=False)
    """Every field (assignee, sla_policy, topic, rule, reasons, summary, contact,
    timestamps, follow_up, ...)."""

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Case:
        return cls(d["id"], d["team"], d["state"], int(d["version"]), d["priority"], d)

    def __getitem__(self, key: str) -> Any:
        return self.record.get(key)


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the append-only audit trail: who, when, what, changed fields before and after.

    >>> AuditEntry("ann", "2024-03-01T09:00:00+08:00", "triage", {"state": "new"},
    ...            {"state": "triaged"}, None).action
    'triage'
    """

    actor: str
    """Who."""
    at: str
    """When (RFC 3339)."""
    action: str
    """create, a transition, plan_follow_up, escalate, or ``denied:<action>``."""
    before: dict[str, Any]
    """Changed fields before."""
    after: dict[str, Any]
    """Changed fields after."""
    note: str | None
    """The reason of a denial, or a note."""


def _instant(at: Any) -> str:
    if at is None:
        return datetime.now(UTC).isoformat()
    if isinstance(at, str):
        return at
    if isinstance(at, datetime):
        if at.tzinfo is None:
            from cx.exceptions import MissingTimeZoneError

            msg = f"at: timestamp {at.isoformat()!r} has no UTC offset"
            raise MissingTimeZoneError(msg, "missing_time_zone", "at", None, at.isoformat())
        return at.isoformat()
    msg = f"`at` must be a tz-aware datetime or an RFC 3339 string, got {type(at).__name__}"
    raise TypeError(msg)


class CaseStore(_PrivacyMethods):
    """A durable case store in one SQLite file, used as one principal (same semantics as the
    Rust ``SqliteCaseStore``): schema migrations, WAL, one transaction per change, optimistic
    concurrency (a stale ``version`` raises `ConflictError`), team scope and roles (a denial
    raises `AccessDeniedError` and is audited), personal fields masked for analysts.

    Args:
        path: the database file (created if absent); ``":memory:"`` for a private one.
        principal: a `Principal`, or a dict with ``name``, ``role``, ``teams``.
        keys: a key provider (`cx.privacy.env_keys`, `file_keys`, `static_keys`, or an object
            with ``current_key_id()`` and ``key(key_id)``): personal fields are then sealed at
            rest (see ``docs/guide/data-protection.md``). A store written with keys and opened
            without them raises `DecryptionError` on reading a sealed field.

    >>> store = CaseStore(":memory:", principal=Principal("root", "admin"))
    >>> c = store.create("K1", team="logistics", at="2024-03-01T09:00:00+08:00")
    >>> c = store.transition("K1", "triage", version=c.version, at="2024-03-01T09:05:00+08:00")
    >>> c.state, c.version
    ('triaged', 2)
    >>> [a.action for a in store.audit("K1")] == ["create", "triage"]
    True
    """

    def __init__(
        self, path: str | os.PathLike[str], /, *, principal: Any, keys: Any = None
    ) -> None:
        if isinstance(principal, dict):
            principal = Principal(**principal)
        if not isinstance(principal, Principal):
            msg = (
                f"principal must be a cx.cases.Principal or a dict, got {type(principal).__name__}"
            )
            raise TypeError(msg)
        self.principal: Principal = principal
        """Who uses the store."""
        self.path = str(path)
        """The database file."""
        if keys is None:
            self._inner = _cx._CaseStore(self.path, principal._json())
        else:
            self._inner = _cx._store_open_with_keys(self.path, principal._json(), keys)

    def __repr__(self) -> str:
        return f"CaseStore({self.path!r}, principal={self.principal!r})"

    @property
    def schema_version(self) -> int:
        """The schema version of the database."""
        return int(self._inner.schema_version())

    def create(
        self,
        case_id: str,
        /,
        *,
        team: str,
        at: Any = None,
        priority: str = "normal",
        **fields: Any,
    ) -> Case:
        """Create a case in state ``new`` (version 1). Other fields (``feedback_id``,
        ``customer_id``, ``sla_policy``, ``topic``, ``rule``, ``reasons``, ``score_before``,
        ``detractor``, ``summary``, ``contact``) are keyword arguments.

        >>> s = CaseStore(":memory:", principal={"name": "ann", "role": "agent", "teams": ["t"]})
        >>> s.create("K1", team="t", at="2024-03-01T09:00:00+08:00", summary="call 13812345678").state
        'new'
        """
        when = _instant(at)
        record = {
            "id": case_id,
            "team": team,
            "priority": priority,
            "state": "new",
            "version": 1,
            "created_at": when,
            "updated_at": when,
            **fields,
        }
        return self.create_many([record])[0]

    def create_many(self, records: list[dict[str, Any]], /) -> list[Case]:
        """Create many cases (full records) in one transaction, all or none."""
        self._inner.create_many(json.dumps(records, ensure_ascii=False))
        return [self.get(str(r["id"])) for r in records]

    def open_cases(
        self,
        records: Any,
        /,
        *,
        router: Router | None = None,
        id_field: str = "feedback_id",
        at_field: str = "timestamp",
    ) -> list[Case]:
        """Route feedback (an iterable of dicts, or a frame) and open a case for each record
        the rules say so (detractors, low CSAT, complaints), in one transaction. The case id
        is ``"K-" + <id_field>``.

        >>> s = CaseStore(":memory:", principal=Principal("bot", "admin"))
        >>> cases = s.open_cases([
        ...     {"feedback_id": "F1", "timestamp": "2024-03-01T09:00:00+08:00", "nps": 2,
        ...      "text": "退款还没到账"},
        ...     {"feedback_id": "F2", "timestamp": "2024-03-01T09:00:00+08:00", "nps": 10}])
        >>> len(cases), cases[0].id, cases[0].team
        (1, 'K-F1', 'payments')
        """
        router = router or Router()
        if not isinstance(records, list):
            import pyarrow as pa

            source, _ = select(records, [*_ROUTE_FIELDS, id_field, at_field, "customer_id"])
            records = pa.table(source).to_pylist()
        ds = router._route_columns([[_value(r, f) for r in records] for f in _ROUTE_FIELDS])
        out = []
        for r, d in zip(records, ds, strict=True):
            if not d.create_case:
                continue
            fid = str(_value(r, id_field))
            nps, csat = _score(_value(r, "nps")), _score(_value(r, "csat"))
            when = _instant(_value(r, at_field))
            out.append(
                {
                    "id": f"K-{fid}",
                    "feedback_id": fid,
                    "customer_id": _text(_value(r, "customer_id")),
                    "team": d.team,
                    "priority": d.priority,
                    "sla_policy": d.sla_policy,
                    "topic": d.topic,
                    "rule": d.rule,
                    "reasons": d.case_reasons,
                    "score_before": nps if nps is not None else csat,
                    "detractor": nps is not None and nps <= 6,
                    "summary": _text(_value(r, "text")),
                    "state": "new",
                    "version": 1,
                    "created_at": when,
                    "updated_at": when,
                }
            )
        return self.create_many(out) if out else []

    def get(self, case_id: str, /) -> Case:
        """Read a case.

        Raises:
            AccessDeniedError: outside the principal's teams (audited).
            InvalidValueError: no such case.
        """
        return Case._from_dict(json.loads(self._inner.get(case_id)))

    def _change(self, case_id: str, version: int, change: dict[str, Any], at: Any) -> Case:
        out = self._inner.change(case_id, version, json.dumps(change), _instant(at))
        return Case._from_dict(json.loads(out))

    def transition(self, case_id: str, transition: str, /, *, version: int, at: Any = None) -> Case:
        """Apply a transition (triage, assign, start, await_customer, resume, resolve,
        follow_up, close, reopen) to the case at `version`.

        Raises:
            IllegalTransitionError: not legal from the case's state.
            ConflictError: `version` is stale.
            AccessDeniedError: not allowed (audited).
        """
        return self._change(case_id, version, {"op": "transition", "transition": transition}, at)

    def assign(
        self,
        case_id: str,
        /,
        *,
        team: str,
        version: int,
        assignee: str | None = None,
        at: Any = None,
    ) -> Case:
        """Assign the case to `team` (and `assignee`); state becomes ``assigned``."""
        change = {"op": "assign", "team": team, "assignee": assignee}
        return self._change(case_id, version, change, at)

    def plan_follow_up(
        self,
        case_id: str,
        /,
        *,
        version: int,
        consent: bool,
        delay_hours: float = 48.0,
        at: Any = None,
    ) -> Case:
        """Plan the follow-up call (回访) of a resolved case, due `delay_hours` after resolution.
        With ``consent=False`` (the customer withdrew consent to follow-up calls) no task is
        created and the case is returned unchanged. When the case's customer is in the store,
        their consent **as stored now** is checked as well, so ``consent=True`` from a stale
        copy never overrides a withdrawal (see `plan_follow_up_by_consent`)."""
        change = {
            "op": "plan_follow_up",
            "follow_up_calls": bool(consent),
            "delay_secs": round(delay_hours * 3600),
        }
        return self._change(case_id, version, change, at)

    def record_follow_up(
        self,
        case_id: str,
        outcome: str,
        /,
        *,
        version: int,
        resurvey_score: int | None = None,
        at: Any = None,
    ) -> Case:
        """Record the follow-up outcome (``reached`` / ``not_reached``, re-survey score);
        the case becomes ``followed_up``."""
        change = {"op": "record_follow_up", "outcome": outcome, "resurvey_score": resurvey_score}
        return self._change(case_id, version, change, at)

    def audit(self, case_id: str, /) -> list[AuditEntry]:
        """The audit trail of a case, oldest first (denials included)."""
        return [
            AuditEntry(a["actor"], a["at"], a["action"], a["before"], a["after"], a.get("note"))
            for a in json.loads(self._inner.audit(case_id))
        ]

    def insert_events(self, events: list[dict[str, Any]], /) -> int:
        """Bulk-insert timeline events (``case_id``, ``at`` as Unix seconds or datetime,
        ``kind``, ``actor``) in one transaction; returns the count."""
        at = [
            int(e["at"].timestamp()) if isinstance(e["at"], datetime) else int(e["at"])
            for e in events
        ]
        return int(
            self._inner.insert_events(
                [str(e["case_id"]) for e in events],
                at,
                [str(e["kind"]) for e in events],
                [str(e["actor"]) for e in events],
            )
        )

    def escalate_at_risk(
        self,
        policies: Any,
        /,
        *,
        calendar: Any = None,
        as_of: Any = None,
        at_share: float = 0.8,
    ) -> builtins.list[Case]:
        """Escalate every open case in scope whose SLA policy (matched by name among
        `policies`, `cx.ops.SlaPolicy` objects) has its ``first_reply`` or ``resolution``
        target at risk: elapsed ≥ `at_share` of the target (business time on `calendar`,
        a `cx.ops.BusinessCalendar`, for business-hours targets). Escalation marks the case
        and raises its priority one level, once; each is an audited change."""
        if not isinstance(policies, (list, tuple)):
            policies = [policies]
        out = self._inner.escalate_at_risk(list(policies), calendar, _instant(as_of), at_share)
        return [Case._from_dict(d) for d in json.loads(out)]

    def count_events(self, case_id: str | None = None, /) -> int:
        """Number of events of one case, or of every case in scope."""
        return int(self._inner.count_events(case_id))

    def loop_metrics(
        self, *, as_of: Any = None, contact_within_hours: float = 48.0, level: float = 0.95
    ) -> dict[str, Any]:
        """Closed-loop metrics of the cases in scope (see docs/formulas.md): detractors
        contacted within X hours, time to close the loop, follow-up completion, reach and
        recovery rates with Wilson intervals."""
        secs = round(timedelta(hours=contact_within_hours).total_seconds())
        out: dict[str, Any] = json.loads(self._inner.loop_metrics(_instant(as_of), secs, level))
        return out

    def list(
        self, *, team: str | None = None, state: str | None = None, limit: int | None = None
    ) -> list[Case]:
        """Cases in the principal's scope, ordered by id."""
        return [Case._from_dict(d) for d in json.loads(self._inner.list_cases(team, state, limit))]
