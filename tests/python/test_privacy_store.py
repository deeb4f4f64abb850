"""Data protection in cx.CaseStore (issue #10): consent checks, the audit chain, retention,
erasure (the raw-bytes test), subject access export, and the ``cx erase`` /
``cx retention`` / ``cx audit`` commands (run as subprocesses)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cx
from cx.cases import CaseStore, Principal

PHONE = "13912345678"
NAME = "欧阳娜娜"
T0 = "2024-03-01T09:00:00+08:00"


def admin_store(path: Path | str) -> CaseStore:
    return CaseStore(path, principal=Principal("root", "admin"))


def populate(s: CaseStore, cid: str, n_feedback: int = 3, n_cases: int = 1) -> None:
    s.upsert_customer(
        cid,
        name=NAME,
        phone=PHONE,
        email="nana@example.cn",
        consent={"survey_contact": True, "follow_up_calls": True, "analytics": True},
        at=T0,
    )
    s.insert_feedback(
        [
            {
                "id": f"{cid}-F{i}",
                "customer_id": cid,
                "channel": "app",
                "at": 1_709_254_800 + i,
                "nps": i % 11,
                "text": f"{NAME} 说快递太慢，电话 {PHONE}",
            }
            for i in range(n_feedback)
        ],
        at=T0,
    )
    for k in range(n_cases):
        case_id = f"{cid}-K{k}"
        c = s.create(
            case_id,
            team="logistics",
            at=T0,
            customer_id=cid,
            summary=f"{NAME}: 快递没到，回电 {PHONE}",
            contact=PHONE,
        )
        for t in ["triage", "assign", "start", "resolve"]:
            c = s.transition(case_id, t, version=c.version, at=T0)
        c = s.plan_follow_up(case_id, version=c.version, consent=True, at=T0)
        assert c.record.get("follow_up") is not None
        s.record_follow_up(case_id, "reached", version=c.version, resurvey_score=9, at=T0)


def raw_bytes(db: Path) -> bytes:
    out = b""
    for suffix in ["", "-wal", "-shm", "-journal"]:
        p = Path(f"{db}{suffix}")
        if p.exists():
            out += p.read_bytes()
    return out


def nps_reference(scores: list[int]) -> float:
    """NPS written out (Reichheld 2003): 100 * (share 9-10 minus share 0-6)."""
    n = len(scores)
    return 100.0 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / n


def test_schema_is_version_3() -> None:
    assert admin_store(":memory:").schema_version == 3


def test_follow_up_is_refused_after_withdrawal_even_if_the_caller_says_consent() -> None:
    s = admin_store(":memory:")
    s.upsert_customer("C1", consent={"follow_up_calls": True})
    s.create("K1", team="t", at=T0, customer_id="C1", state="resolved")
    s.set_consent("C1", "follow_up_calls", False, at=T0)
    c = s.plan_follow_up("K1", version=1, consent=True, at=T0)
    assert c.record.get("follow_up") is None
    assert c.version == 1
    assert s.plan_follow_up_by_consent("K1", version=1, at=T0).record.get("follow_up") is None
    s.set_consent("C1", "follow_up_calls", True, at=T0)
    assert s.plan_follow_up_by_consent("K1", version=1, at=T0).record.get("follow_up") is not None
    granted = [r["granted"] for r in s.consent_history("C1") if r["purpose"] == "follow_up_calls"]
    assert granted == [True, False, True]


def test_analytics_export_excludes_and_counts() -> None:
    s = admin_store(":memory:")
    s.upsert_customer("C1", consent={"analytics": True})
    s.upsert_customer("C2", consent={"analytics": False})
    s.insert_feedback(
        [
            {"id": "F1", "customer_id": "C1", "at": 0, "nps": 10},
            {"id": "F2", "customer_id": "C2", "at": 0, "nps": 3},
            {"id": "F3", "customer_id": "C2", "at": 0, "nps": 4},
            {"id": "F4", "at": 0, "nps": 9},
        ]
    )
    e = s.export_feedback(require_analytics_consent=True)
    assert [r["id"] for r in e.records] == ["F1", "F4"]
    assert (e.excluded, e.excluded_customers) == (2, 1)
    assert s.export_feedback(require_analytics_consent=False).excluded == 0
    analyst = CaseStore(":memory:", principal=Principal("ana", "analyst"))
    with pytest.raises(cx.exceptions.AccessDeniedError):
        analyst.upsert_customer("C9")


def tamper(db: Path, sql: str) -> None:
    con = sqlite3.connect(db)
    con.executescript(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
        "DROP TRIGGER audit_payload_no_delete; DROP TRIGGER audit_payload_tombstone_only;" + sql
    )
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("sql", "seq"),
    [
        ("UPDATE audit SET actor = 'rooT' WHERE seq = 3;", 3),
        ("UPDATE audit_payload SET body = replace(body, 'nana@', 'nona@') WHERE seq = 1;", 1),
        ("DELETE FROM audit WHERE seq = 4; DELETE FROM audit_payload WHERE seq = 4;", 4),
        (
            "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (5, 6);"
            "UPDATE audit SET (case_id, actor, role, at, action, payload_hash, hash) ="
            " (SELECT case_id, actor, role, at, action, payload_hash, hash FROM t"
            "  WHERE t.seq = 11 - audit.seq) WHERE seq IN (5, 6);",
            5,
        ),
    ],
    ids=["header", "payload", "delete", "swap"],
)
def test_audit_tampering_is_detected(tmp_path: Path, sql: str, seq: int) -> None:
    db = tmp_path / "cases.db"
    s = admin_store(db)
    populate(s, "C1", n_feedback=1)
    assert s.verify_audit().ok
    del s
    tamper(db, sql)
    v = admin_store(db).verify_audit()
    assert not v.ok
    assert v.first_broken_seq == seq
    out = run_cli("audit", "verify", "--store", str(db))
    assert out.returncode == 1
    assert f"broken at seq {seq}" in out.stdout


def test_retention_anonymise_keeps_nps(tmp_path: Path) -> None:
    s = admin_store(tmp_path / "cases.db")
    populate(s, "C1", n_feedback=30)
    populate(s, "C2", n_feedback=14)
    scores = [r["nps"] for r in s.export_feedback(require_analytics_consent=False).records]
    before = nps_reference(scores)
    policy = {
        "rules": [
            {"kind": "feedback", "keep_days": 365, "action": "anonymise"},
            {"kind": "feedback_text", "keep_days": "forever", "action": "delete"},
        ]
    }
    dry = s.apply_retention(policy, now="2026-03-01T00:00:00+08:00", dry_run=True)
    assert dry.counts == {"feedback": {"anonymise": 44}}
    assert s.export_feedback(require_analytics_consent=False).records[0]["text"] is not None
    done = s.apply_retention(policy, now="2026-03-01T00:00:00+08:00")
    assert done.counts == dry.counts
    assert not done.dry_run
    recs = s.export_feedback(require_analytics_consent=False).records
    assert nps_reference([r["nps"] for r in recs]) == before
    assert cx.metrics.nps([r["nps"] for r in recs]).score == pytest.approx(before)
    assert all(r["text"] is None and r["at"] % 86400 == 0 and r["anonymised"] for r in recs)
    assert len({r["customer_id"] for r in recs}) == 2
    assert s.verify_audit().ok


def test_erasure_removes_phone_and_name_from_every_byte(tmp_path: Path) -> None:
    for erase in (False, True):
        db = tmp_path / f"erase-{erase}.db"
        s = admin_store(db)
        populate(s, "C1", n_feedback=4, n_cases=2)
        populate(s, "C2", n_feedback=1)
        found = raw_bytes(db)
        assert PHONE.encode() in found
        assert NAME.encode() in found
        s.erase_customer("C2")
        if erase:
            r = s.erase_customer("C1")
            assert r.counts["customers"] == 1
            assert r.counts["feedback"] == 4
            assert r.counts["cases"] == 2
            assert r.counts["follow_ups"] == 2
            assert r.counts["audit_payloads"] > 10
            assert s.erase_customer("C1").total == 0
            assert s.verify_audit().ok
            assert len(s.export_feedback(require_analytics_consent=False).records) == 5
        del s
        data = raw_bytes(db)
        assert (PHONE.encode() in data) is (not erase)
        assert (NAME.encode() in data) is (not erase)


def test_interrupted_erasure_completes_on_rerun(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    s = admin_store(db)
    populate(s, "C1", n_feedback=10, n_cases=2)
    s._fail_after_batches(3)
    with pytest.raises(cx.exceptions.CxError):
        s.erase_customer("C1", batch_size=2)
    del s
    s = admin_store(db)
    r = s.erase_customer("C1", batch_size=2)
    assert r.resumed
    assert r.counts["feedback"] == 10
    assert r.counts["customers"] == 1
    del s
    assert PHONE.encode() not in raw_bytes(db)


def test_subject_access_export() -> None:
    s = admin_store(":memory:")
    populate(s, "C1", n_feedback=2)
    populate(s, "C2", n_feedback=1)
    x = s.export_customer("C1")
    assert x["customer"]["name"] == NAME
    assert len(x["feedback"]) == 2
    assert PHONE in x["feedback"][0]["text"]
    assert x["cases"][0]["contact"] == PHONE
    assert len(x["follow_ups"]) == 1
    assert x["consent"] == {"survey_contact": True, "follow_up_calls": True, "analytics": True}
    assert "C2-" not in json.dumps(x, ensure_ascii=False)
    s.erase_customer("C1")
    assert PHONE not in json.dumps(s.export_customer("C1"), ensure_ascii=False)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cx", *args], capture_output=True, text=True, check=False, env=env
    )


def test_cli_erase_retention_and_audit(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    s = admin_store(db)
    populate(s, "C1", n_feedback=3)
    populate(s, "C2", n_feedback=2)
    del s
    out = run_cli("erase", "--store", str(db), "--customer", "C1", "--actor", "dpo")
    assert out.returncode == 0, out.stderr
    report: dict[str, Any] = json.loads(out.stdout)
    assert report["counts"]["feedback"] == 3
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "rules:\n  - kind: feedback\n    keep_days: 30\n    action: anonymise\n", encoding="utf-8"
    )
    common = ["--store", str(db), "--policy", str(policy), "--now", "2026-01-01T00:00:00Z"]
    dry = run_cli("retention", *common)
    assert dry.returncode == 0, dry.stderr
    assert "feedback: would anonymise 2" in dry.stdout
    assert "dry run" in dry.stdout
    applied = run_cli("retention", *common, "--apply")
    assert "feedback: did anonymise 2" in applied.stdout
    again = run_cli("retention", *common, "--apply")
    assert "feedback: did anonymise 0" in again.stdout
    ok = run_cli("audit", "verify", "--store", str(db))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("ok:")
    exp = run_cli(
        "audit",
        "export",
        "--store",
        str(db),
        "--from",
        "2024-01-01T00:00:00Z",
        "--to",
        "2030-01-01T00:00:00Z",
    )
    lines = [json.loads(line) for line in exp.stdout.splitlines()]
    assert [x["seq"] for x in lines] == list(range(1, len(lines) + 1))
    assert any(x["action"] == "erase_customer" for x in lines)
    missing = run_cli("audit", "verify", "--store", str(tmp_path / "nope.db"))
    assert missing.returncode == 1
    assert "no such case store" in missing.stderr


# ------------------------------------------------------------------ encryption at rest


def keyed_store(path: Path | str, current: str, keys: dict[str, str]) -> CaseStore:
    from cx.privacy import static_keys

    return CaseStore(path, principal=Principal("root", "admin"), keys=static_keys(current, keys))


def check_readable(s: CaseStore, cid: str) -> None:
    assert s.get_customer(cid)["phone"] == PHONE
    assert s.get(f"{cid}-K0")["contact"] == PHONE
    recs = s.export_feedback(require_analytics_consent=False).records
    assert all(PHONE in r["text"] for r in recs if r["customer_id"] == cid)
    assert s.audit(f"{cid}-K0")[0].after["contact"] == PHONE
    assert s.verify_audit().ok
    assert s.export_customer(cid)["customer"]["name"] == NAME


def test_personal_fields_are_sealed_and_a_store_without_keys_refuses(tmp_path: Path) -> None:
    from cx.privacy import generate_key

    k1 = generate_key()
    db = tmp_path / "cases.db"
    s = keyed_store(db, "k1", {"k1": k1})
    populate(s, "C1")
    check_readable(s, "C1")
    del s
    data = raw_bytes(db)
    assert PHONE.encode() not in data
    assert NAME.encode() not in data
    assert b"cx1:k1:" in data
    plain = admin_store(db)
    with pytest.raises(cx.exceptions.DecryptionError):
        plain.get_customer("C1")
    with pytest.raises(cx.exceptions.DecryptionError):
        plain.get("C1-K0")
    wrong = keyed_store(db, "k1", {"k1": generate_key()})
    with pytest.raises(cx.exceptions.DecryptionError):
        wrong.get_customer("C1")


def test_key_rotation_interrupted_resumed_and_old_key_retired(tmp_path: Path) -> None:
    from cx.privacy import generate_key

    k1, k2 = generate_key(), generate_key()
    db = tmp_path / "cases.db"
    s = keyed_store(db, "k1", {"k1": k1})
    populate(s, "C1", n_feedback=5, n_cases=2)
    del s
    s = keyed_store(db, "k2", {"k1": k1, "k2": k2})
    s._fail_after_batches(1)
    with pytest.raises(cx.exceptions.CxError):
        s.rotate_keys(batch_size=1)
    del s
    data = raw_bytes(db)
    assert b"cx1:k1:" in data
    assert b"cx1:k2:" in data
    s = keyed_store(db, "k2", {"k1": k1, "k2": k2})
    r = s.rotate_keys(batch_size=2)
    assert r.key_id == "k2"
    assert r.resealed["feedback"] == 5
    assert s.rotate_keys().total == 0
    del s
    retired = keyed_store(db, "k2", {"k2": k2})
    check_readable(retired, "C1")
    with pytest.raises(cx.exceptions.UnknownKeyError):
        keyed_store(db, "k1", {"k1": k1}).get_customer("C1")


def test_cli_uses_keys_from_the_environment(tmp_path: Path) -> None:
    import os

    from cx.privacy import generate_key

    k1 = generate_key()
    db = tmp_path / "cases.db"
    s = keyed_store(db, "k1", {"k1": k1})
    populate(s, "C1")
    del s
    env = {**os.environ, "CX_KEY_k1": k1, "CX_KEY_CURRENT": "k1"}
    ok = run_cli("audit", "verify", "--store", str(db), env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    no_keys = {k: v for k, v in env.items() if not k.startswith("CX_KEY_")}
    refused = run_cli("audit", "verify", "--store", str(db), env=no_keys)
    assert refused.returncode == 1
    assert "without keys" in refused.stderr
    erased = run_cli("erase", "--store", str(db), "--customer", "C1", env=env)
    assert erased.returncode == 0, erased.stderr


def test_a_python_key_provider_object_works_and_no_key_leaks(tmp_path: Path) -> None:
    from cx.privacy import generate_key

    secret = generate_key()

    class Vault:
        def current_key_id(self) -> str:
            return "vault-1"

        def key(self, key_id: str) -> str:
            if key_id != "vault-1":
                raise KeyError(key_id)
            return secret

    db = tmp_path / "cases.db"
    s = CaseStore(db, principal=Principal("root", "admin"), keys=Vault())
    populate(s, "C1", n_feedback=1)
    check_readable(s, "C1")
    assert secret not in repr(s)
    trail = "".join(
        s.export_audit(start="2000-01-01T00:00:00Z", end="2100-01-01T00:00:00Z").splitlines()
    )
    assert secret not in trail
    del s
    assert secret.encode() not in raw_bytes(db)
    assert PHONE.encode() not in raw_bytes(db)
