"""Data-protection methods of `cx.cases.CaseStore` (issue #10): customers and consent,
feedback, the tamper-evident audit chain, retention, erasure and subject access export.

The methods live in a mixin that `CaseStore` inherits; the work is in ``cx-core``
(``SqliteCaseStore``), reached through the ``_cx._store_*`` functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cx import _cx

if TYPE_CHECKING:
    from cx.cases import Case

__all__ = [
    "AuditVerification",
    "ErasureReport",
    "FeedbackExport",
    "RetentionReport",
    "RotationReport",
    "load_retention_policy",
]


def _now_or(at: Any) -> str:
    from cx.cases import _instant

    return _instant(at)


@dataclass(frozen=True)
class FeedbackExport:
    """What `CaseStore.export_feedback` returns: the records (dicts) and how many records
    (and distinct customers) were left out for lack of analytics consent.

    >>> FeedbackExport([], excluded=2, excluded_customers=1).excluded
    2
    """

    records: list[dict[str, Any]]
    """Exported records: ``id``, ``customer_id``, ``channel``, ``at`` (Unix seconds),
    ``nps``, ``csat``, ``ces``, ``text``, ``anonymised``."""
    excluded: int = 0
    """Records left out."""
    excluded_customers: int = 0
    """Distinct customers left out."""


@dataclass(frozen=True)
class AuditVerification:
    """The outcome of `CaseStore.verify_audit`.

    >>> AuditVerification(ok=False, entries=3, first_broken_seq=4, reason="payload missing")
    AuditVerification(ok=False, entries=3, first_broken_seq=4, reason='payload missing', scrubbed=0, head_hash='')
    """

    ok: bool
    """Whether the whole chain verified."""
    entries: int
    """Entries checked (up to the first broken one)."""
    first_broken_seq: int | None = None
    """The first seq that does not verify."""
    reason: str | None = None
    """Why it does not verify."""
    scrubbed: int = 0
    """Payloads scrubbed by erasure or retention, each covered by a chained ``erase`` entry."""
    head_hash: str = ""
    """SHA-256 hash of the last verified entry: keep it outside the database to detect a
    rewrite of the whole chain."""


@dataclass(frozen=True)
class ErasureReport:
    """What `CaseStore.erase_customer` touched.

    >>> ErasureReport("erasure-00", counts={"feedback": 2, "customers": 1}).total
    3
    """

    erasure_id: str
    """The random id that replaces the customer id in what is kept."""
    resumed: bool = False
    """Whether an interrupted erasure job was completed."""
    counts: dict[str, int] = field(default_factory=dict)
    """Rows touched per table: ``customers``, ``consent_events``, ``feedback``, ``cases``,
    ``follow_ups``, ``case_events``, ``audit_payloads``."""
    wal_truncated: bool = False
    """Whether the write-ahead log was checkpointed and truncated."""

    @property
    def total(self) -> int:
        """Rows touched in all."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class RetentionReport:
    """What `CaseStore.apply_retention` did (or, in a dry run, would do).

    >>> RetentionReport(True, {"feedback": {"anonymise": 3}}).total
    3
    """

    dry_run: bool
    """Whether nothing was changed."""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """``kind → action → records``."""

    @property
    def total(self) -> int:
        """Records in all."""
        return sum(n for per in self.counts.values() for n in per.values())


@dataclass(frozen=True)
class RotationReport:
    """What `CaseStore.rotate_keys` re-sealed.

    >>> RotationReport("k2", {"customers": 2, "feedback": 5}).total
    7
    """

    key_id: str
    """The key everything is now sealed under."""
    resealed: dict[str, int] = field(default_factory=dict)
    """Rows re-sealed per table (``customers``, ``feedback``, ``cases``, ``case_events``,
    ``audit_payload``)."""

    @property
    def total(self) -> int:
        """Rows re-sealed in all."""
        return sum(self.resealed.values())


def load_retention_policy(source: Any, /) -> dict[str, Any]:
    """A retention policy as a dict, from a dict, JSON text or a `.json`/`.yaml`/`.yml` file
    (YAML needs PyYAML). The format is documented in ``docs/guide/data-protection.md``.

    >>> policy = load_retention_policy(
    ...     '{"rules": [{"kind": "feedback_text", "keep_days": 730, "action": "delete"}]}'
    ... )
    >>> rule = policy["rules"].pop()
    >>> rule["keep_days"], rule["action"]
    (730, 'delete')
    """
    from cx.cases import load_rules

    return load_rules(source)


class _PrivacyMethods:
    """The data-protection methods of `cx.cases.CaseStore`."""

    _inner: Any

    def upsert_customer(
        self,
        customer_id: str,
        /,
        *,
        name: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        segment: str | None = None,
        attributes: dict[str, str] | None = None,
        consent: dict[str, bool] | None = None,
        at: Any = None,
    ) -> None:
        """Insert or update a customer. `consent` maps purposes (``survey_contact``,
        ``follow_up_calls``, ``analytics``) to given/withheld; missing ones are withheld
        (consent is given, never assumed). Changes are recorded with `at` and the
        principal's name, kept in the consent history and audited. Personal fields are
        sealed at rest when the store was opened with keys.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", name="李雷", phone="13800138000", consent={"analytics": True})
        >>> s.get_customer("C1")["consent"]
        {'analytics': True, 'follow_up_calls': False, 'survey_contact': False}
        """
        record = {
            "id": customer_id,
            "name": name,
            "phone": phone,
            "email": email,
            "segment": segment,
            "attributes": attributes or {},
            "consent": consent or {},
        }
        _cx._store_upsert_customer(self._inner, json.dumps(record, ensure_ascii=False), _now_or(at))

    def set_consent(
        self, customer_id: str, purpose: str, granted: bool, /, *, at: Any = None
    ) -> None:
        """Give (``granted=True``) or withdraw consent for one purpose; it takes effect for
        every later check (follow-up planning, analytics export).

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", consent={"follow_up_calls": True})
        >>> s.set_consent("C1", "follow_up_calls", False)
        >>> [(r["purpose"], r["granted"]) for r in s.consent_history("C1")][-1]
        ('follow_up_calls', False)
        """
        _cx._store_set_consent(self._inner, customer_id, purpose, bool(granted), _now_or(at))

    def get_customer(self, customer_id: str, /) -> dict[str, Any]:
        """A stored customer as a dict (personal fields masked for analysts).

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", phone="13800138000")
        >>> s.get_customer("C1")["phone"]
        '13800138000'
        """
        out: dict[str, Any] = json.loads(_cx._store_get_customer(self._inner, customer_id))
        return out

    def consent_history(self, customer_id: str, /) -> list[dict[str, Any]]:
        """Every consent change of a customer, oldest first: ``purpose``, ``granted``,
        ``at``, ``by``.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", consent={"analytics": True}, at="2024-03-01T09:00:00+08:00")
        >>> s.consent_history("C1")[2]
        {'purpose': 'analytics', 'granted': True, 'at': '2024-03-01T09:00:00+08:00', 'by': 'root'}
        """
        out: list[dict[str, Any]] = json.loads(_cx._store_consent_history(self._inner, customer_id))
        return out

    def insert_feedback(self, records: list[dict[str, Any]], /, *, at: Any = None) -> int:
        """Insert feedback records (dicts with ``id``, ``customer_id``, ``channel``, ``at``
        as Unix seconds or a tz-aware datetime, ``nps``, ``csat``, ``ces``, ``text``) in one
        transaction; returns the count.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.insert_feedback([{"id": "F1", "customer_id": "C1", "at": 1709254800, "nps": 9}])
        1
        """
        rows = []
        for r in records:
            r = dict(r)
            when = r.get("at")
            if isinstance(when, datetime):
                r["at"] = int(when.timestamp())
            rows.append(r)
        return int(
            _cx._store_insert_feedback(
                self._inner, json.dumps(rows, ensure_ascii=False), _now_or(at)
            )
        )

    def export_feedback(self, *, require_analytics_consent: bool = True) -> FeedbackExport:
        """Every feedback record for analytics. With `require_analytics_consent` (the
        default) the records of known customers without analytics consent are left out and
        counted; anonymised records and those of customers the store does not know stay in.
        Analysts get the text with personal data redacted.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", consent={"analytics": False})
        >>> s.insert_feedback([{"id": "F1", "customer_id": "C1", "at": 0, "nps": 3},
        ...                    {"id": "F2", "at": 0, "nps": 10}])
        2
        >>> e = s.export_feedback()
        >>> [r["id"] for r in e.records], e.excluded
        (['F2'], 1)
        """
        d = json.loads(_cx._store_export_feedback(self._inner, require_analytics_consent))
        return FeedbackExport(d["records"], d["excluded"], d["excluded_customers"])

    def plan_follow_up_by_consent(
        self, case_id: str, /, *, version: int, delay_hours: float = 48.0, at: Any = None
    ) -> Case:
        """Plan the follow-up call of a resolved case under the customer's consent **as
        stored now** (no task when the case has no known customer or they have not consented
        to follow-up calls). `plan_follow_up` also checks the stored consent: a caller's
        ``consent=True`` never overrides a withdrawal.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", consent={"follow_up_calls": False})
        >>> c = s.create("K1", team="t", customer_id="C1", state="resolved")
        >>> s.plan_follow_up_by_consent("K1", version=1).record.get("follow_up") is None
        True
        """
        from cx.cases import Case

        out = _cx._store_plan_follow_up(
            self._inner, case_id, version, round(delay_hours * 3600), _now_or(at)
        )
        return Case._from_dict(json.loads(out))

    def verify_audit(self) -> AuditVerification:
        """Verify the SHA-256 chain of the audit trail: the first broken seq (an edited,
        removed, inserted or reordered entry, or a payload scrubbed without a covering
        erase entry) and why, or ``ok`` with the head hash.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1")
        >>> v = s.verify_audit()
        >>> v.ok, v.entries, len(v.head_hash)
        (True, 1, 64)
        """
        d = json.loads(_cx._store_verify_audit(self._inner))
        return AuditVerification(**d)

    def export_audit(self, *, start: Any, end: Any) -> str:
        """The audit entries with ``start <= at < end`` as JSON lines (seq, header, opened
        payload, ``erased_by``, ``payload_hash``, ``hash``).

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", at="2024-03-01T09:00:00+08:00")
        >>> lines = s.export_audit(start="2024-03-01T00:00:00+08:00",
        ...                        end="2024-03-02T00:00:00+08:00").splitlines()
        >>> json.loads(lines[0])["action"]
        'customer.upsert'
        """
        return str(_cx._store_export_audit(self._inner, _now_or(start), _now_or(end)))

    def apply_retention(
        self, policy: Any, /, *, now: Any = None, dry_run: bool = False
    ) -> RetentionReport:
        """Apply a retention policy (a dict, JSON text or a `.json`/`.yaml` file; format in
        ``docs/guide/data-protection.md``) as of `now`: delete or anonymise what is due.
        With ``dry_run=True`` nothing changes and the counts say what would go.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.insert_feedback([{"id": "F1", "at": 0, "nps": 3, "text": "call 13800138000"}])
        1
        >>> policy = {"rules": [{"kind": "feedback", "keep_days": 365, "action": "anonymise"}]}
        >>> s.apply_retention(policy, now="2024-01-01T00:00:00Z", dry_run=True).counts
        {'feedback': {'anonymise': 1}}
        """
        text = json.dumps(load_retention_policy(policy))
        d = json.loads(_cx._store_apply_retention(self._inner, text, _now_or(now), dry_run))
        return RetentionReport(d["dry_run"], d["counts"])

    def erase_customer(
        self, customer_id: str, /, *, at: Any = None, batch_size: int = 500
    ) -> ErasureReport:
        """Erase a customer everywhere (customers, consent history, feedback text, case
        summary and contact, follow-ups, case event details, audit payloads), keeping the
        aggregates (scores, states) under a random erasure id; crash-safe (a rerun completes
        an interrupted job) and idempotent (a second run reports nothing left). Freed bytes
        are zeroed (``secure_delete``) and the write-ahead log is truncated.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", name="韩梅梅", phone="13800138000")
        >>> s.erase_customer("C1").counts["customers"]
        1
        >>> s.erase_customer("C1").total
        0
        """
        d = json.loads(_cx._store_erase_customer(self._inner, customer_id, _now_or(at), batch_size))
        return ErasureReport(d["erasure_id"], d["resumed"], d["counts"], d["wal_truncated"])

    def export_customer(self, customer_id: str, /) -> dict[str, Any]:
        """Everything held about one customer (subject access request), decrypted:
        ``customer``, ``consent``, ``consent_history``, ``feedback``, ``cases``,
        ``follow_ups``, ``case_events`` and the ``audit`` entries that concern them.

        >>> from cx.cases import CaseStore, Principal
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"))
        >>> s.upsert_customer("C1", phone="13800138000")
        >>> s.export_customer("C1")["customer"]["phone"]
        '13800138000'
        """
        out: dict[str, Any] = json.loads(_cx._store_export_customer(self._inner, customer_id))
        return out

    def rotate_keys(self, *, batch_size: int = 500) -> RotationReport:
        """Re-seal every personal field not sealed under the key provider's current key
        (plaintext written before the store had keys included), `batch_size` rows per
        transaction. Resumable: after an interruption, call it again. When it reports
        nothing left, old keys can be removed from the provider.

        >>> from cx.cases import CaseStore, Principal
        >>> from cx.privacy import generate_key, static_keys
        >>> k1, k2 = generate_key(), generate_key()
        >>> s = CaseStore(":memory:", principal=Principal("root", "admin"),
        ...               keys=static_keys("k1", {"k1": k1}))
        >>> s.upsert_customer("C1", phone="13800138000")
        >>> s.rotate_keys().total  # already under the current key
        0
        """
        d = json.loads(_cx._store_rotate_keys(self._inner, batch_size))
        return RotationReport(d["key_id"], d["resealed"])

    def _fail_after_batches(self, batches: int | None) -> None:
        _cx._store_fail_after_batches(self._inner, batches)
