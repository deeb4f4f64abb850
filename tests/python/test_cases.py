"""cx.cases: routing decisions and their explanations (hand-written expectations), the
bundled taxonomy against the planted complaint causes of truth.json, and the case store."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cx
from cx.cases import CaseStore, Principal, Router, load_rules


def test_route_explains_which_rule_fired_and_why() -> None:
    r = Router()
    d = r.route(
        {"channel": "social_media", "kind": "complaint", "nps": 3, "text": "退款还没到账"},
        segment="VIP",
    )
    assert (d.rule, d.rule_index, d.team, d.priority) == ("vip-detractor", 0, "vip-care", "urgent")
    assert d.matched == ["nps 3 ≤ 6", "segment VIP"]
    assert d.case_reasons == ["detractor", "complaint"]
    assert d.topic == "退款慢"
    assert d.topic_match == 'keyword "退款"'
    d = r.route({"channel": "电话", "kind": "投诉", "text": "The box arrived CRUSHED."})
    assert (d.rule, d.team) == ("logistics", "logistics")
    assert d.matched == ['topic 商品破损 (keyword "crushed")']
    d = r.route({"kind": "praise", "nps": 10.0})
    assert (d.rule, d.team, d.create_case) == (None, "cx-desk", False)
    assert d.explanation == "no rule fired; default target → team cx-desk (normal)"


def test_rules_as_yaml_and_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "rules.yaml"
    p.write_text(
        "rules:\n  - name: low-csat\n    when: {csat_max: 2}\n    team: care\n"
        "default: {team: desk}\n",
        encoding="utf-8",
    )
    r = Router(p, topics={"topics": []})
    assert r.route({"csat": 1}).matched == ["csat 1 ≤ 2"]
    assert load_rules(p)["default"] == {"team": "desk"}
    with pytest.raises(cx.FormatError):
        Router(
            {"rules": [{"name": "x", "when": {"npsmax": 1}, "team": "t"}], "default": {"team": "d"}}
        )
    with pytest.raises(cx.InvalidValueError) as e:
        Router(
            {
                "rules": [{"name": "x", "when": {"pattern": "("}, "team": "t"}],
                "default": {"team": "d"},
            }
        )
    assert e.value.field == "rules[x].when.pattern"
    with pytest.raises(cx.InvalidOptionError):
        Router(
            {
                "rules": [{"name": "x", "when": {"topics": ["nope"]}, "team": "t"}],
                "default": {"team": "d"},
            }
        )
    with pytest.raises(cx.InvalidValueError) as e:
        Router().route({"channel": "pigeon"})
    assert e.value.field == "channel"


def test_route_frame_keeps_the_frame_type() -> None:
    data = {
        "nps": [2, 9, None],
        "text": ["发票开错了", "fine", None],
        "kind": [None, None, "complaint"],
    }
    expected_team = ["payments", "cx-desk", "cx-desk"]
    t = Router().route_frame(pa.table(data))
    assert isinstance(t, pa.Table)
    assert t.column("team").to_pylist() == expected_team
    assert t.column("case_reasons").to_pylist() == ["detractor", "", "complaint"]
    p = Router().route_frame(pd.DataFrame(data))
    assert isinstance(p, pd.DataFrame)
    assert list(p["team"]) == expected_team
    q = Router().route_frame(pl.DataFrame(data))
    assert isinstance(q, pl.DataFrame)
    assert q["team"].to_list() == expected_team


def test_taxonomy_finds_the_planted_causes_of_the_sample() -> None:
    causes = {c["cause"] for c in cx.datasets.truth()["complaint_causes"]}
    topics = json.loads(
        (cx.datasets.sample_path("truth").parent / "topics.json").read_text("utf-8")
    )
    assert {t["name"] for t in topics["topics"]} == causes
    df = pd.read_csv(cx.datasets.sample_path("feedback"), dtype=str)
    df = df[(df["kind"] == "complaint") & df["tags"].notna()]
    got = Router().route_frame(df)
    agree = (got["topic"].to_numpy() == df["tags"].to_numpy()).sum()
    # 5 of 962 are generator templates tagged 物流延迟 whose text is about invoices.
    assert (int(agree), len(df)) == (957, 962)


# ---------------------------------------------------------------- store

T0 = "2024-03-01T09:00:00+08:00"


def admin_store(path: object) -> CaseStore:
    return CaseStore(str(path), principal=Principal("root", "admin"))


def test_store_lifecycle_conflict_and_audit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "cases.db"
    s = admin_store(db)
    assert s.schema_version == 3
    c = s.create("K1", team="logistics", at=T0, summary="快递没到，回电 13812345678")
    for t in ["triage", "assign", "start"]:
        c = s.transition("K1", t, version=c.version, at=T0)
    with pytest.raises(cx.IllegalTransitionError) as e:
        s.transition("K1", "close", version=c.version, at=T0)
    assert (e.value.code, e.value.field, e.value.value) == ("illegal_transition", "K1", "close")
    assert "in_progress" in str(e.value)
    with pytest.raises(cx.ConflictError):
        s.transition("K1", "resolve", version=c.version - 1, at=T0)
    c = s.transition("K1", "resolve", version=c.version, at="2024-03-01T12:00:00+08:00")
    c = s.plan_follow_up("K1", version=c.version, consent=True, delay_hours=24, at=T0)
    assert c["follow_up"]["due_at"] == "2024-03-02T12:00:00+08:00"
    c = s.record_follow_up("K1", "reached", version=c.version, resurvey_score=9, at=T0)
    assert (c.state, c.version) == ("followed_up", 7)
    # A second process (a new store on the same file) sees everything.
    s2 = admin_store(db)
    assert s2.get("K1").version == 7
    actions = [a.action for a in s2.audit("K1")]
    assert actions == [
        "create",
        "triage",
        "assign",
        "start",
        "resolve",
        "plan_follow_up",
        "follow_up",
    ]
    assert s2.audit("K1")[4].before["state"] == "in_progress"


def test_no_follow_up_without_consent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = admin_store(tmp_path / "c.db")
    c = s.create("K1", team="t", at=T0)
    for t in ["triage", "assign", "start", "resolve"]:
        c = s.transition("K1", t, version=c.version, at=T0)
    after = s.plan_follow_up("K1", version=c.version, consent=False, at=T0)
    assert after.version == c.version
    assert after["follow_up"] is None
    with pytest.raises(cx.IllegalTransitionError):
        s.record_follow_up("K1", "reached", version=c.version, at=T0)


def test_roles_scope_masking_and_audited_denials(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "c.db")
    s = admin_store(db)
    s.create("K1", team="logistics", at=T0, summary="请回电 13812345678", contact="13812345678")
    s.create("K2", team="payments", at=T0)
    ann = CaseStore(db, principal={"name": "ann", "role": "agent", "teams": ["logistics"]})
    assert [c.id for c in ann.list()] == ["K1"]
    with pytest.raises(cx.AccessDeniedError) as e:
        ann.get("K2")
    assert isinstance(e.value, PermissionError)
    assert (e.value.code, e.value.field) == ("access_denied", "K2")
    c = ann.transition("K1", "triage", version=1, at=T0)
    with pytest.raises(cx.AccessDeniedError):
        ann.assign("K1", team="payments", version=c.version, at=T0)
    assert [a.action for a in s.audit("K1")][-1] == "denied:assign"
    ana = CaseStore(db, principal=Principal("ana", "analyst"))
    k1 = ana.get("K1")
    assert (k1["summary"], k1["contact"]) == ("请回电 [PHONE]", "<redacted>")
    with pytest.raises(cx.AccessDeniedError):
        ana.transition("K2", "triage", version=1, at=T0)
    denials = [(a.actor, a.action) for a in s.audit("K2") if a.action.startswith("denied:")]
    assert denials == [("ann", "denied:read"), ("ana", "denied:triage")]
    with pytest.raises(cx.InvalidOptionError):
        Principal("x", "boss")


def test_open_cases_from_the_sample_and_loop_metrics(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = admin_store(tmp_path / "c.db")
    df = pd.read_csv(cx.datasets.sample_path("feedback")).head(300)
    cases = s.open_cases(df)
    nps, csat = df["nps"], df["csat"]
    expected = ((nps <= 6) | (csat <= 2) | (df["kind"] == "complaint")).sum()
    assert len(cases) == int(expected)
    assert all(c.state == "new" for c in cases)
    detractor = next(c for c in cases if c["detractor"])
    assert "detractor" in detractor["reasons"]
    # Contact one detractor after 1 hour and close its loop after 3 days.
    t0 = datetime.fromisoformat(detractor["created_at"])
    c = s.transition(detractor.id, "triage", version=1, at=t0)
    c = s.transition(c.id, "assign", version=c.version, at=t0)
    c = s.transition(c.id, "start", version=c.version, at=t0 + timedelta(hours=1))
    c = s.transition(c.id, "resolve", version=c.version, at=t0 + timedelta(hours=2))
    c = s.transition(c.id, "close", version=c.version, at=t0 + timedelta(hours=72))
    m = s.loop_metrics(as_of="2025-06-01T00:00:00+08:00", contact_within_hours=48)
    n_det = sum(1 for c in cases if c["detractor"])
    assert (m["contacted_within"]["successes"], m["contacted_within"]["n"]) == (1, n_det)
    # statsmodels proportion_confint(1, n_det, method="wilson") is checked in
    # tests/rust/cases.rs; here the share is 1 / n_det.
    assert m["contacted_within"]["share"] == pytest.approx(1 / n_det)
    assert (m["time_to_close"]["n"], m["time_to_close"]["mean_secs"]) == (1, 72 * 3600.0)
    assert m["recovery_rate"]["share"] is None


def test_insert_events(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = admin_store(tmp_path / "c.db")
    s.create("K1", team="t", at=T0)
    n = s.insert_events(
        [
            {"case_id": "K1", "at": 1_709_254_800 + i, "kind": "call", "actor": "a"}
            for i in range(1000)
        ]
    )
    assert n == 1000
    assert s.count_events("K1") == 1000
    with pytest.raises(cx.InvalidValueError) as e:
        s.insert_events([{"case_id": "nope", "at": 0, "kind": "x", "actor": "a"}])
    assert (e.value.field, e.value.row) == ("case_id", 0)


def test_escalate_at_risk_on_business_hours(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = CaseStore(str(tmp_path / "c.db"), principal=Principal("lee", "team_lead", teams=["t"]))
    s.create("K1", team="t", at="2024-03-01T09:00:00+08:00", sla_policy="standard")
    policy = cx.ops.SlaPolicy("standard", targets={"resolution": 4 * 3600})
    cal = cx.ops.BusinessCalendar("Asia/Shanghai", ["09:00-12:00", "13:30-18:00"])
    # 13:00 is lunch: 3 h of business time = 75 % of 4 h, not yet at risk.
    assert s.escalate_at_risk(policy, calendar=cal, as_of="2024-03-01T13:00:00+08:00") == []
    # 14:00: 3 h 30 min = 87.5 %.
    done = s.escalate_at_risk([policy], calendar=cal, as_of="2024-03-01T14:00:00+08:00")
    assert [(c.id, c.priority, c["escalated"]) for c in done] == [("K1", "high", True)]
    assert s.audit("K1")[-1].action == "escalate"
