"""cx.cases: routing decisions and their explanations (hand-written expectations), the
bundled taxonomy against the planted complaint causes of truth.json, and the case store."""

from __future__ import annotations

import json

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cx
from cx.cases import Router, load_rules


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
