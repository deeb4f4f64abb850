"""Type stubs and docstrings of the compiled extension ``cx._cx``.

Hand-written; checked against the extension by ``python -m mypy.stubtest cx._cx``.
"""

__version__: str

# --- ops ---
import datetime as _dt
from typing import Any as _Any
from typing import final as _final

@_final
class BusinessCalendar:
    """Business hours in an IANA time zone, with split shifts, holidays, make-up
    working days (调休) and weekly schedules that change on a date.

    ``hours`` is a list of ``"HH:MM-HH:MM"`` spans for Monday to Friday, or a dict
    ``{"mon": [...], ..., "sun": [...]}``. ``holidays`` and ``workdays`` hold dates
    (``datetime.date`` or ``"YYYY-MM-DD"``) or dicts ``{"date", "name", "hours"}``
    (a holiday with ``hours`` keeps those hours; a make-up day without ``hours``
    gets Monday's). ``changes`` maps an effective date to new weekly hours.

    Business time counts the seconds whose local wall-clock time is open
    (Zendesk's and dbt_zendesk's convention), exactly across DST.

    >>> import cx, datetime as dt
    >>> cal = cx.ops.BusinessCalendar("Asia/Shanghai", ["09:00-12:00", "13:30-18:00"])
    >>> tz = dt.timezone(dt.timedelta(hours=8))
    >>> cal.duration(dt.datetime(2024, 3, 4, 11, tzinfo=tz), dt.datetime(2024, 3, 4, 14, tzinfo=tz))
    5400
    >>> cal.add(dt.datetime(2024, 3, 4, 11, tzinfo=tz), 3601).isoformat()
    '2024-03-04T13:30:01+08:00'

    """

    def __new__(
        cls,
        time_zone: str,
        /,
        hours: list[str] | dict[str, list[str]],
        *,
        holidays: list[_Any] | None = None,
        workdays: list[_Any] | None = None,
        changes: dict[_Any, _Any] | None = None,
    ) -> BusinessCalendar: ...
    @staticmethod
    def from_json(text: str) -> BusinessCalendar:
        """Calendar from its JSON form (see ``to_json``)."""
    @staticmethod
    def china(years: int | list[int], /) -> BusinessCalendar:
        """Mainland-China office calendar: Asia/Shanghai, Mon–Fri 09:00–12:00 and
        13:30–18:00, with the official holidays and 调休 make-up days of 2024
        (国办发明电〔2023〕7号) and 2025 (国办发明电〔2024〕12号).

        >>> import cx
        >>> cx.ops.BusinessCalendar.china(2024).is_open("2024-10-12T10:00:00+08:00")
        True

        """
    @staticmethod
    def always() -> BusinessCalendar:
        """Round-the-clock UTC calendar (business time = calendar time)."""
    def to_json(self) -> str:
        """The calendar as JSON (round-trips through ``from_json``)."""
    @property
    def time_zone(self) -> str:
        """IANA time zone name."""
    def duration(self, start: _dt.datetime | str, end: _dt.datetime | str, /) -> int:
        """Business seconds from ``start`` to ``end`` (negative if ``end < start``)."""
    def add(self, start: _dt.datetime | str, seconds: int, /) -> _dt.datetime:
        """Earliest instant at which ``seconds`` business seconds after ``start`` have
        elapsed; outside hours it starts at the next opening, and it lands on a
        closing time rather than the next opening."""
    def is_open(self, at: _dt.datetime | str, /) -> bool:
        """Whether ``at`` is inside business hours."""

@_final
class MetricDefinitions:
    """Named definitions of the ticket metrics; defaults follow Zendesk.

    ``agent_created``: ``second_public_agent_comment`` (Zendesk),
    ``first_after_creation`` or ``first_public_agent_comment``;
    ``business_rule``: ``zendesk`` or ``day_by_day``; ``validation``: ``strict``
    or ``collect``; ``status_times_as_of``: count status times up to this instant
    instead of the latest solve; ``repeat_window_days``: repeat-contact FCR window.

    >>> import cx
    >>> cx.ops.MetricDefinitions(validation="collect")  # doctest: +ELLIPSIS
    MetricDefinitions(...)

    """

    def __new__(
        cls,
        *,
        agent_created: str = "second_public_agent_comment",
        business_rule: str = "zendesk",
        validation: str = "strict",
        status_times_as_of: _dt.datetime | str | None = None,
        repeat_window_days: int = 7,
    ) -> MetricDefinitions: ...

@_final
class SlaPolicy:
    """An SLA policy: targets in seconds per metric (``first_reply``, ``next_reply``,
    ``periodic_update``, ``requester_wait``, ``resolution``), as an int (business
    hours) or a dict ``{"target_secs", "hours": "business"|"calendar", "pause_in": [...]}``;
    conditions on priorities and channels (empty = any). The first matching
    policy applies (Zendesk).

    >>> import cx
    >>> cx.ops.SlaPolicy("urgent", targets={"first_reply": 3600}, priorities=["urgent"])
    SlaPolicy("urgent", targets=1)

    """

    def __new__(
        cls,
        name: str,
        /,
        *,
        targets: dict[str, _Any],
        priorities: list[str] | None = None,
        channels: list[str] | None = None,
    ) -> SlaPolicy: ...
    @property
    def name(self) -> str:
        """Policy name."""

def _log_issues(events: _Any, /) -> list[dict[str, _Any]]: ...
def _ticket_metrics(
    events: _Any,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    definitions: MetricDefinitions | None = None,
) -> _Any: ...
def _sla_status(
    events: _Any, /, *, policies: _Any, as_of: _Any, calendar: BusinessCalendar | None = None
) -> _Any: ...
def _sla_compliance(
    events: _Any,
    /,
    *,
    policies: _Any,
    as_of: _Any,
    calendar: BusinessCalendar | None = None,
    by: str = "all",
    confidence: float = 0.95,
) -> _Any: ...
def _backlog(
    events: _Any, /, *, start: _Any, end: _Any, period: str = "day", time_zone: str = "UTC"
) -> _Any: ...
def _age_buckets(events: _Any, /, *, at: _Any, edges_secs: list[int]) -> _Any: ...
def _summarize(
    values: _Any,
    /,
    *,
    by: list[str | None],
    quantiles: list[float] = ...,
    alpha: float = 0.01,
    exact: bool = False,
) -> _Any: ...
