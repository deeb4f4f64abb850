"""Control-chart summaries and journey reasons in the report's language: structured notes
(`cx_core::report::Note`) worded in Chinese or English; golden strings on fixed inputs and
the zh page of the bundled sample free of the English wording."""

from __future__ import annotations

import json
import re

import pytest

import cx
from cx import _cx, reporting
from cx._report_sections import _control_note

SPIKE = [5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 30.0]


def note_text(note: object, lang: str) -> str:
    html = reporting.render([{"id": "control", "notes": [note]}], lang=lang).html
    (p,) = re.findall(r'<p class="cx-note">(.*?)</p>', html)
    return str(p)


def test_control_summary_golden_zh() -> None:
    ch = cx.spc.control_chart(SPIKE, kind="xmr", rules="nelson")
    note = _control_note(ch)
    assert note["kind"] == "control_summary"
    assert (note["points"], note["flagged"], note["first"]) == (9, 1, 8)
    assert note_text(note, "zh") == (
        "单值（I）控制图，共 9 个点：1 个点提示存在特殊原因，首个为第 9 个点（索引 8；1 个点超出控制限）。"
        "按规则：N1 1 个。请先调查这些点，再信任控制限。"
    )


def test_control_summary_en_is_the_chart_summary() -> None:
    ch = cx.spc.control_chart(SPIKE, kind="xmr", rules="nelson")
    assert note_text(_control_note(ch), "en") == ch.summary


def test_control_summary_stable_with_phase2_golden_zh() -> None:
    ch = cx.spc.control_chart(
        [5, 6, 5, 4, 6, 5, 5, 6, 4, 5], kind="p", sizes=[100] * 10, rules="nelson", phase1=6
    )
    assert note_text(_control_note(ch), "zh") == (
        "不合格品率（p）控制图，共 10 个点（第一阶段 6 个点，其余 4 个点按冻结的控制限判定）："
        "没有违反判异规则的点，过程稳定（处于统计受控状态）。"
    )


def test_control_summary_runs_golden_zh() -> None:
    # 9 points above the centre line after 9 below: Nelson 2 at points 8 and 17.
    x = [4.0, 4.2, 3.9, 4.1, 4.0, 3.8, 4.1, 4.0, 3.9, 6.0, 6.1, 5.9, 6.2, 6.0, 5.8, 6.1, 6.0, 5.9]
    ch = cx.spc.control_chart(x, kind="xmr", rules="nelson")
    text = note_text(_control_note(ch), "zh")
    assert text.startswith("单值（I）控制图，共 18 个点：")
    assert "个点提示存在特殊原因，首个为第 " in text
    assert "N2 " in text
    assert text.endswith("。请先调查这些点，再信任控制限。")


def test_journey_finding_golden_zh_and_en() -> None:
    note = {
        "kind": "journey_finding",
        "finding": "delight",
        "touchpoint": "门店自提",
        "n": 310,
        "score": 42.26,
        "gap": 35.1,
        "statistic": 6.123,
        "p_value": 2.5e-9,
        "q_value": 1.2e-8,
        "journey_score": 9.04,
    }
    assert note_text(note, "zh") == (
        "门店自提：显著高于旅程其余部分——得分 42.3，其余部分 7.2（差值 +35.1，Welch t = 6.12，"
        "p = 2.50e-9，BH q = 1.20e-8）；旅程整体 9.0；n = 310"
    )
    assert note_text(note, "en") == (
        "门店自提: significantly above the rest: score 42.3 vs 7.2 for the rest of the journey "
        "(gap +35.1, Welch t = 6.12, p = 2.50e-9, BH q = 1.20e-8); journey 9.0; n = 310"
    )


def test_a_bad_note_is_an_error() -> None:
    with pytest.raises(cx.exceptions.InvalidOptionError):
        note_text({"kind": "journey_finding", "finding": "meh"}, "zh")


@pytest.fixture(scope="module")
def zh_report() -> reporting.Report:
    return cx.report(lang="zh")


def test_sample_zh_report_words_control_and_journey_notes_in_chinese(
    zh_report: reporting.Report,
) -> None:
    html = zh_report.html
    control = re.search(r'<section[^>]*id="sec-control".*?</section>', html, re.S)
    journey = re.search(r'<section[^>]*id="sec-journey".*?</section>', html, re.S)
    assert control
    assert journey
    cnotes = re.findall(r'<p class="cx-note">(.*?)</p>', control.group(0))
    jnotes = re.findall(r'<p class="cx-note">(.*?)</p>', journey.group(0))
    assert len(cnotes) == 2, cnotes
    assert all("控制图，共" in n for n in cnotes), cnotes
    # the planted shift is flagged, with the rule in Chinese
    assert any("个点提示存在特殊原因" in n and "按规则：" in n for n in cnotes), cnotes
    # planted pain points: logistics, returns, phone support; delight: app browse, store pickup
    pains = [n for n in jnotes if "显著低于旅程其余部分" in n]
    delights = [n for n in jnotes if "显著高于旅程其余部分" in n]
    assert {n.split("：")[0] for n in pains} == {"物流配送", "退换货", "电话客服"}, jnotes
    assert {n.split("：")[0] for n in delights} == {"官网/App 浏览", "门店自提"}, jnotes
    for text in (*cnotes, *jnotes):
        assert not re.search(r"chart of|signal a special|significantly|rest of the journey", text)


def test_sample_en_report_keeps_the_english_wording() -> None:
    r = cx.report(lang="en", config={"sections": ["journey", "control"]})
    notes = [n for s in ("journey", "control") for n in (r.section(s) or {}).get("notes", [])]
    assert notes
    assert all(isinstance(n, dict) for n in notes)
    assert "significantly below the rest: score" in r.html
    assert "chart of" in r.html
    assert "Investigate these points" in r.html
    json.dumps(notes)  # plain data
    assert _cx._control_summary  # the binding used for control notes
