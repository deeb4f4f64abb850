"""cx.dmaic.Project: tollgates, sign-offs, Chinese categories, JSON/YAML round trips."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import sys

import pytest

import cx
from cx.dmaic import Project, TollgateReport

CST = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CST)


def defined() -> Project:
    p = Project("Cut repeat calls", owner="ops", problem="32% of billing calls repeat in 7 days")
    p.set_goal("fcr", 0.80, unit="ratio")
    p.add_member("Li Na", "倡导者")
    p.add_member("Zhang Wei", "black belt")
    p.add_ctq(
        "fcr",
        lsl=0.8,
        target=0.85,
        unit="ratio",
        voice="我打了三次电话",
        need="一次解决",
        driver="agents can fix billing disputes",
    )
    p.set_sipoc(
        suppliers=["billing system"],
        inputs=["customer call"],
        process=["triage", "diagnose", "resolve"],
        outputs=["resolution"],
        customers=["caller"],
    )
    return p


def test_new_project_lists_every_unmet_define_item() -> None:
    p = Project("x")
    with pytest.raises(cx.TollgateNotMetError) as e:
        p.advance(by="me", at=AT)
    err = e.value
    assert isinstance(err, ValueError)
    assert (err.code, err.field, err.phase) == ("tollgate_not_met", "define", "define")
    assert err.unmet == [
        "charter: problem statement",
        "charter: goal (metric and target)",
        "team: a champion (倡导者)",
        "SIPOC complete (empty: suppliers, inputs, process, outputs, customers)",
        "at least 1 CTQ (have 0)",
    ]
    assert p.phase == "define"
    assert p.signoffs == []


def test_full_lifecycle() -> None:
    p = defined()
    assert p.tollgate().passed
    assert p.advance(by="Li Na", at=AT) == "measure"
    with pytest.raises(cx.TollgateNotMetError) as e:
        p.advance(by="Li Na", at=AT)
    assert len(e.value.unmet) == 2
    p.set_baseline(0.68)
    p.add_data_collection("fcr", "no repeat contact within 7 days", source="CRM", sampling="all")
    assert p.advance(by="Li Na", at=AT + dt.timedelta(days=14)) == "analyze"
    c1 = p.add_cause("法", "no callback script")
    c2 = p.add_cause("machine", "CRM hides billing history")
    p.add_cause("环", "noisy floor")
    assert [c["category"] for c in p.causes] == ["method", "machine", "environment"]
    assert [c["id"] for c in p.fishbone()["method"]] == [c1]
    assert p.tollgate().unmet == ["at least 1 verified root cause (have 0)"]
    p.verify_cause(c1, "pilot: FCR +6pp, chi-square p = 0.003")
    p.advance(by="Li Na", at=AT + dt.timedelta(days=30))
    a1 = p.add_action("write callback script", owner="Wang", due=dt.date(2026, 4, 30), causes=[c1])
    p.add_action("show billing history", owner="IT", due="2026-05-15", causes=[c2])
    assert any(a1 in item for item in p.open_items())
    p.set_action_status(a1, "完成")
    p.advance(by="Li Na", at=AT + dt.timedelta(days=60))
    assert p.phase == "control"
    with pytest.raises(cx.TollgateNotMetError, match="missing: fcr"):
        p.advance(by="Li Na", at=AT + dt.timedelta(days=90))
    p.add_control("fcr", chart="p", rules="nelson", reaction_plan="team lead huddle", owner="ops")
    assert p.advance(by="Li Na", at=AT + dt.timedelta(days=90)) == "closed"
    s = p.signoffs
    assert [x["phase"] for x in s] == ["define", "measure", "analyze", "improve", "control"]
    assert s[0]["at"] == AT
    assert s[0]["at"].utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(cx.InvalidValueError, match="closed"):
        p.advance(by="Li Na", at=AT + dt.timedelta(days=91))


def test_signoff_needs_aware_datetime_and_no_time_travel() -> None:
    p = defined()
    with pytest.raises(cx.MissingTimeZoneError):
        p.advance(by="Li Na", at=dt.datetime(2026, 3, 2, 10))
    with pytest.raises(TypeError):
        p.advance(by="Li Na", at=dt.date(2026, 3, 2))  # type: ignore[arg-type]
    p.advance(by="Li Na", at=AT)
    p.set_tollgate("measure", [])
    with pytest.raises(cx.InvalidValueError, match="earlier"):
        p.advance(by="Li Na", at=AT - dt.timedelta(seconds=1))


def test_configurable_tollgate_and_manual_items() -> None:
    p = defined()
    p.set_tollgate(
        "定义",
        [
            "goal",
            {"kind": "ctqs", "min": 2},
            {"kind": "team_role", "role": "process_owner"},
            {"kind": "manual", "key": "voc", "label": "10 VOC interviews"},
        ],
    )
    r = p.tollgate()
    assert isinstance(r, TollgateReport)
    assert (r.met, r.total, r.passed) == (1, 4, False)
    assert r.unmet[-1] == "10 VOC interviews"
    p.tick("voc")
    p.add_ctq("aht", usl=600, unit="s")
    p.add_member("Chen", "流程负责人")
    assert p.tollgate().passed
    with pytest.raises(cx.InvalidOptionError):
        p.set_tollgate("define", [{"kind": "bogus"}])


def test_bad_values_are_typed_errors() -> None:
    p = defined()
    with pytest.raises(cx.InvalidValueError, match="category"):
        p.add_cause("money", "budget")
    with pytest.raises(cx.InvalidValueError, match="role"):
        p.add_member("x", "boss")
    with pytest.raises(cx.InvalidValueError, match="duplicate"):
        p.add_ctq("fcr", lsl=0.7)
    with pytest.raises(cx.InvalidValueError, match="lsl must be below usl"):
        p.add_ctq("x", lsl=2, usl=1)
    with pytest.raises(cx.InvalidValueError, match="no such id"):
        p.verify_cause("C9", "x")
    with pytest.raises(cx.InvalidValueError, match="chart"):
        p.add_control("fcr", chart="pie", reaction_plan="x")


def test_json_round_trip_keeps_everything() -> None:
    p = defined()
    p.advance(by="Li Na", at=AT)
    c = p.add_cause("人", "新员工培训不足")
    p.verify_cause(c, "Pareto of repeat reasons")
    q = Project.from_json(p.to_json())
    assert q.to_json() == p.to_json()
    assert q.signoffs == p.signoffs
    assert "新员工培训不足" in p.to_json()
    with pytest.raises(cx.FormatError):
        Project.from_json('{"format": "other"}')


def test_yaml_round_trip() -> None:
    pytest.importorskip("yaml")
    p = defined()
    p.advance(by="Li Na", at=AT)
    text = p.to_yaml()
    assert "Li Na" in text
    assert Project.from_yaml(text).to_json() == p.to_json()
    # Unquoted timestamps written by hand load too.
    hand = text.replace("'2026-03-02T10:00:00+08:00'", "2026-03-02T10:00:00+08:00")
    assert Project.from_yaml(hand).signoffs[0]["at"] == AT


def test_yaml_without_pyyaml_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ModuleNotFoundError, match="pip install pyyaml"):
        defined().to_yaml()


def test_repr_and_html() -> None:
    p = defined()
    p.add_action("pilot <script>", owner="Wang", due=dt.date(2026, 4, 30))
    assert (
        repr(p) == "Project(title='Cut repeat calls', phase='define', tollgate=5/5, open_actions=1)"
    )
    html = p._repr_html_()
    assert "define 定义" in html
    assert "5/5" in html
    assert "&lt;script&gt;" in html


def test_tollgate_error_pickles() -> None:
    e = cx.TollgateNotMetError("m", "tollgate_not_met", "define", None, None, ["a", "b"])
    back = pickle.loads(pickle.dumps(e))
    assert (type(back), back.unmet, back.phase) == (cx.TollgateNotMetError, ["a", "b"], "define")


def test_control_plan_uses_control_chart_names() -> None:
    p = defined()
    p.add_control("fcr", chart="xmr", rules=["N1", "N2", "N5"], reaction_plan="huddle")
    p.add_control("aht", chart="I-MR", rules="qcc", reaction_plan="coach")
    p.add_control("csat", chart="laney_p", reaction_plan="review")
    plan = p.control_plan
    assert [(r["chart"], r["rules"]) for r in plan] == [
        ("xmr", ["N1", "N2", "N5"]),
        ("xmr", "qcc"),
        ("laney_p", "western_electric"),
    ]
    with pytest.raises(cx.InvalidValueError):
        p.add_control("fcr", chart="xmr", rules="all", reaction_plan="x")
    # Every kind control_chart accepts is a valid control plan chart, and back.
    kinds = ["xmr", "xbar_r", "xbar_s", "r", "s", "p", "np", "c", "u"]
    kinds += ["laney_p", "laney_u", "ewma", "cusum", "g", "t", "run"]
    for kind in kinds:
        p.add_control("fcr", chart=kind, reaction_plan="x")
    assert [r["chart"] for r in p.control_plan[3:]] == kinds
    with pytest.raises(cx.InvalidOptionError, match="must be one of"):
        cx.spc.control_chart([1.0, 2.0], kind="i_mr")


def test_old_control_plan_document_still_reads() -> None:
    # A control plan saved before the names were unified: 'i_mr' and the
    # 'basic' preset (rule 1 alone).
    p = defined()
    p.add_control("fcr", chart="p", rules="nelson", reaction_plan="huddle")
    doc = json.loads(p.to_json())
    doc["control_plan"] = [
        {
            "metric": "fcr",
            "chart": "i_mr",
            "rules": "basic",
            "reaction_plan": "huddle",
            "owner": None,
        },
        {
            "metric": "aht",
            "chart": "xbar_r",
            "rules": "western_electric",
            "reaction_plan": "coach",
            "owner": "ops",
        },
    ]
    old = json.dumps(doc)
    q = Project.from_json(old)
    assert [(r["chart"], r["rules"]) for r in q.control_plan] == [
        ("xmr", ["WE1"]),
        ("xbar_r", "western_electric"),
    ]
    again = Project.from_json(q.to_json())
    assert again.to_json() == q.to_json()
