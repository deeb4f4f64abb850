"""cx.report and the chart builders: structure of the SVG (not pixels), sections present
only with their data, KPI numbers checked against a direct count of the CSV, the planted
process shift found, CLI and configuration."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import cx
from cx import reporting
from cx.cli import main

DATA = Path(cx.datasets.sample_path("feedback")).parent


def count(svg: str, cls: str) -> int:
    return len(re.findall(rf'class="{re.escape(cls)}"', svg))


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> reporting.Report:
    return cx.report(path=tmp_path_factory.mktemp("r") / "report.html")


# --- chart builders on synthetic data (the hooks' charts) ---------------------------------


def test_journey_curve_marks_pain_and_delight() -> None:
    x = ["ad", "app_browse", "checkout", "logistics", "returns"]
    c = reporting.line_chart(
        x,
        [
            {
                "name": "emotion",
                "values": [0.1, 0.6, 0.0, -0.5, -0.4],
                "low": [0, 0.5, -0.1, -0.6, -0.5],
                "high": [0.2, 0.7, 0.1, -0.4, -0.3],
            }
        ],
        title="journey",
        markers=[
            {"index": 1, "label": "delight", "tone": "good"},
            {"index": 3, "label": "pain", "tone": "bad"},
        ],
        reference=0.0,
    )
    svg = c.svg(lang="zh")
    assert svg.count('data-chart="line"') == 1
    assert "旅程情绪曲线" in svg
    assert count(svg, "cx-point") == 5
    assert count(svg, "cx-marker cx-bad") == 1
    assert count(svg, "cx-marker cx-good") == 1
    assert ">痛点</text>" in svg
    assert ">惊喜点</text>" in svg
    assert count(svg, "cx-reference") == 1
    assert count(svg, "cx-band") == 1


def test_pareto_sorts_counts_and_highlights_vital_few() -> None:
    svg = reporting.pareto_chart(["退款慢", "物流延迟", "态度", "其他"], [30, 55, 10, 5]).svg()
    titles = re.findall(r'<rect class="cx-bar[^"]*"[^>]*><title>([^<]*)</title>', svg)
    assert titles == ["物流延迟: 55 (55%)", "退款慢: 30 (85%)", "态度: 10 (95%)", "其他: 5 (100%)"]
    assert count(svg, "cx-bar cx-vital") == 2
    assert count(svg, "cx-cumulative") == 1


def test_kano_quadrants_follow_berger() -> None:
    svg = reporting.kano_chart(
        ["tracking", "same_day"], better=[0.3, 0.8], worse=[-0.85, -0.2]
    ).svg()
    assert count(svg, "cx-quadrant") == 4
    assert count(svg, "cx-point") == 2
    # |Worse| = 0.85 is right of the split at 0.5 (x = 56 + 0.85 * 640 = 600)
    assert 'cx="600.0"' in svg


def test_importance_performance_defaults_to_mean_splits() -> None:
    c = reporting.importance_performance_chart(
        ["price", "delivery", "app"], [0.5, 0.3, 0.1], [6.0, 5.0, 8.0]
    )
    assert c.spec["x_split"] is None
    svg = c.svg()
    assert ">Concentrate here</text>" in svg
    assert count(svg, "cx-point-label") == 3


def test_funnel_and_bars() -> None:
    svg = reporting.funnel_chart(
        ["created", "contacted", "resolved", "followed_up"], [100, 80, 60, 30]
    ).svg()
    assert count(svg, "cx-bar") == 4
    assert ">30 (30%) · 50% ↓</text>" in svg
    svg = reporting.bar_chart(
        ["a", "b"], [0.5, None], low=[0.4, None], high=[0.6, None], percent=True
    ).svg()
    assert count(svg, "cx-bar") == 1
    assert count(svg, "cx-whisker") == 1


def test_distribution_bins_match_numpy() -> None:
    rng = np.random.default_rng(3)
    v = rng.lognormal(3, 1, 2000)
    c = reporting.distribution_chart(v, bins=20, lines=[("target", 30.0)])
    counts, _edges = np.histogram(
        v[v <= np.quantile(v, 0.99)], bins=20, range=(v.min(), np.quantile(v, 0.99))
    )
    assert c.spec["counts"] == counts.tolist()
    assert c.spec["summary"]["median"] == pytest.approx(np.median(v))
    assert count(c.svg(), "cx-bar") == 20


def test_control_chart_repr_svg_and_view() -> None:
    ch = cx.spc.control_chart([5.0, 6, 5, 6, 5, 6, 5, 6, 30], kind="xmr", rules="nelson")
    svg = ch._repr_svg_()
    assert svg.startswith("<svg")
    assert count(svg, "cx-point cx-signal") == 1
    view = reporting.control_chart_view(ch, x=[f"w{i}" for i in range(9)], title="frt")
    assert view.spec["signals"] == [{"index": 8, "label": "N1"}]
    assert view._repr_svg_() == view.svg()


def test_bad_chart_data_raise_typed_errors() -> None:
    with pytest.raises(cx.InvalidOptionError, match="one per category"):
        reporting.line_chart(["a", "b"], {"s": [1.0]}).svg()
    with pytest.raises(cx.InvalidValueError):
        reporting.pareto_chart(["a"], [-1]).svg()
    with pytest.raises(cx.InvalidOptionError, match="lang"):
        reporting.pareto_chart(["a"], [1]).svg(lang="fr")


def test_hook_sections_render_when_given() -> None:
    sections = [
        {
            "id": "funnel",
            "charts": [reporting.funnel_chart(["created", "resolved"], [4, 3]).to_dict()],
        },
        {"id": "pareto", "charts": [reporting.pareto_chart(["a", "b"], [2, 1]).to_dict()]},
        {"id": "kano", "charts": [reporting.kano_chart(["x"], [0.5], [0.5]).to_dict()]},
    ]
    r = reporting.render(sections, lang="en")
    assert r.section_ids == ["pareto", "kano", "funnel"]
    assert r.html.index('data-section="pareto"') < r.html.index('data-section="funnel"')


def test_section_hook_is_wired_into_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def pareto(d: object) -> dict[str, object]:
        return {"id": "pareto", "charts": [reporting.pareto_chart(["a"], [1]).to_dict()]}

    monkeypatch.setitem(reporting.SECTION_HOOKS, "pareto", pareto)
    r = cx.report(config={"sections": ["kpis", "pareto"]})
    assert r.section_ids == ["kpis", "pareto"]


# --- the report on the bundled sample ----------------------------------------------------


def test_sample_report_sections(sample_report: reporting.Report) -> None:
    assert sample_report.section_ids == [
        "kpis",
        "trends",
        "journey",
        "pareto",
        "control",
        "sla",
        "kano",
        "drivers",
        "quality",
    ]
    html = sample_report.html
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    assert "default-src 'none'" in html
    assert "@media print" in html
    labels = [k["label"] for k in sample_report.section("kpis")["kpis"]]  # type: ignore[index]
    assert labels == [
        "nps",
        "csat",
        "ces",
        "frt_median",
        "resolution_median",
        "fcr",
        "sla_compliance",
        "retention",
    ]


def test_kpi_nps_matches_a_direct_count(sample_report: reporting.Report) -> None:
    with open(DATA / "sample_feedback.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    last = max(r["timestamp"][:7] for r in rows)
    scores = np.array([int(r["nps"]) for r in rows if r["timestamp"][:7] == last and r["nps"]])
    expected = 100 * (np.mean(scores >= 9) - np.mean(scores <= 6))
    card = sample_report.section("kpis")["kpis"][0]  # type: ignore[index]
    # the reader may reject a few bad rows of the sample; allow their effect on n
    assert card["n"] <= scores.size
    assert card["n"] >= scores.size - 5
    assert card["value"] == pytest.approx(expected, abs=1.0)
    assert card["low"] < card["value"] < card["high"]


def test_control_chart_finds_the_planted_shift(sample_report: reporting.Report) -> None:
    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))["process_shift"]
    frt = sample_report.section("control")["charts"][0]  # type: ignore[index]
    assert frt["kind"] == "control"
    assert frt["signals"]
    assert frt["phase1"] == len(frt["x"]) // 2
    assert 'class="cx-phase"' in reporting.Chart(frt).svg()
    weeks = frt["x"]
    shift = truth["at"][:10]
    after = [s for s in frt["signals"] if weeks[s["index"]] >= shift]
    assert len(after) >= len(frt["signals"]) // 2, (shift, frt["signals"])


def test_report_zh_and_progress(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    r = cx.report(path=tmp_path / "r.html", lang="zh", progress=lambda *a: calls.append(a))
    assert "客户体验健康报告" in r.html
    assert 'lang="zh-CN"' in r.html
    assert calls[-1] == ("render", calls[-1][2], calls[-1][2])
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    assert set(r.timings) == {"read", "compute", "render"}


def test_config_yaml_and_json(tmp_path: Path) -> None:
    y = tmp_path / "cx.yaml"
    y.write_text("lang: zh\ntitle: 周报\nsections: [kpis, quality]\n", encoding="utf-8")
    r = cx.report(config=y)
    assert r.section_ids == ["kpis", "quality"]
    assert "<h1>周报</h1>" in r.html
    j = tmp_path / "cx.json"
    j.write_text(json.dumps({"sections": ["trends"]}), encoding="utf-8")
    assert cx.report(config=j).section_ids == ["trends"]


def test_feedback_only_leaves_ticket_sections_out() -> None:
    r = cx.report(DATA / "sample_feedback.csv")
    assert r.section_ids == ["kpis", "trends", "pareto", "control", "quality"]  # no journey file
    assert [k["label"] for k in r.section("kpis")["kpis"]] == ["nps", "csat", "ces"]  # type: ignore[index]


def test_cli_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "-o", str(out), "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == str(out.resolve())
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["report", str(bad), "-o", str(out)]) == 1
    assert "cannot tell which input" in capsys.readouterr().err


def test_results_show_in_jupyter() -> None:
    import pyarrow as pa

    r = cx.read_feedback(DATA / "sample_feedback.csv", errors="collect")
    html = r._repr_html_()
    assert html.startswith("<table><caption>Ingested: 4000 rows read")
    assert html.count("<tr>") == 12  # header, 10 rows, "… more rows"
    g = cx.metrics.summarize(r, by="channel")
    assert "<th>score</th>" in g._repr_html_()
    t = cx.stats.welch_t([1.0, 2, 3, 4], [2.0, 3, 4, 5, 9])
    assert "<th>p-value</th>" in t._repr_html_()
    assert pa.table(g).num_rows == len(g)


def test_sla_rates_match_statsmodels_and_ops() -> None:
    from statsmodels.stats.proportion import proportion_confint

    from cx import _report_data, _report_sections

    assert _report_sections._wilson(45, 50) == pytest.approx(
        proportion_confint(45, 50, alpha=0.05, method="wilson"), abs=1e-12
    )
    d = _report_data.read_inputs([], {}, lambda s: None)
    mine = {r["segment"]: r for r in _report_sections._sla(d, "priority") or []}
    as_of = d.events.column("at").to_pylist()[-1]
    ops = cx.ops.sla_compliance(
        d.events,
        policies=_report_sections._policies(d),
        as_of=max(d.events.column("at").to_pylist()),
        by="priority",
    ).to_pylist()
    assert as_of is not None
    for r in ops:
        m = mine[r["segment"]]
        assert (m["achieved"], m["breached"]) == (r["achieved"], r["breached"])
        assert m["ci_low"] == pytest.approx(r["ci_low"], abs=1e-12)


def test_pareto_section_counts_complaint_tags(sample_report: reporting.Report) -> None:
    with open(DATA / "sample_feedback.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    counts: dict[str, int] = {}
    for r in rows:
        if r["kind"] == "complaint":
            for t in {t.strip() for t in re.split("[,;|，；]", r["tags"]) if t.strip()}:
                counts[t] = counts.get(t, 0) + 1
    chart = sample_report.section("pareto")["charts"][0]  # type: ignore[index]
    got = dict(zip(chart["categories"], chart["counts"], strict=True))
    assert got == {k: float(v) for k, v in counts.items()}
    assert chart["categories"][0] == max(counts, key=counts.__getitem__)


def test_kano_section_follows_the_planted_categories(sample_report: reporting.Report) -> None:
    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    section = sample_report.section("kano")
    assert section is not None
    chart = section["charts"][0]
    assert chart["kind"] == "quadrant"
    assert len(chart["points"]) == 6
    planted = {k["feature"]: k["category"].replace("-", "_") for k in truth["kano"]}
    got = {row[0]: row[3] for row in section["tables"][0]["rows"]}
    assert got == planted


def test_journey_section_marks_the_planted_pain_and_delight(
    sample_report: reporting.Report,
) -> None:
    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    journey = json.loads((DATA / "journey.json").read_text(encoding="utf-8"))
    names = {t["id"]: t["name"] for st in journey["stages"] for t in st["touchpoints"]}
    section = sample_report.section("journey")
    assert section is not None
    stage, touch = section["charts"]
    assert stage["reference"] == 0.0
    assert [s["name"] for s in stage["series"]] == ["emotion", "expected_emotion"]
    marked = {(touch["x"][m["index"]], m["label"]) for m in touch["markers"]}
    assert {n for n, lab in marked if lab == "pain"} == {names[t] for t in truth["pain_points"]}
    assert {n for n, lab in marked if lab == "delight"} == {
        names[t] for t in truth["delight_touchpoints"]
    }


def test_drivers_section_ranks_the_planted_weights(sample_report: reporting.Report) -> None:
    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    section = sample_report.section("drivers")
    assert section is not None
    chart = section["charts"][0]
    assert chart["kind"] == "quadrant"
    assert len(chart["points"]) == 6
    top = max(chart["points"], key=lambda p: p["y"])["label"]
    planted = max(truth["driver_weights"], key=lambda w: w["coefficient"])["attribute"]
    assert "attr_" + top == planted


def test_funnel_section_from_a_case_store(tmp_path: Path) -> None:
    # Four cases walked through the loop by hand: K1 to a reached follow-up, K2 to a
    # not-reached one, K3 resolved only, K4 left new. Expected funnel 4 → 3 → 3 → 2.
    db = tmp_path / "cases.db"
    lead = cx.CaseStore(db, principal={"name": "lee", "role": "team_lead", "teams": ["t"]})
    t0 = "2024-03-01T09:00:00+08:00"
    for k in ("K1", "K2", "K3", "K4"):
        lead.create(k, team="t", at=t0, detractor=True, score_before=3)
    for k, outcome in (("K1", "reached"), ("K2", "not_reached"), ("K3", None)):
        c = lead.get(k)
        for tr in ("triage", "assign", "start", "resolve"):
            c = lead.transition(k, tr, version=c.version, at="2024-03-01T10:00:00+08:00")
        if outcome:
            c = lead.plan_follow_up(
                k, version=c.version, consent=True, at="2024-03-01T10:00:00+08:00"
            )
            lead.record_follow_up(
                k,
                outcome,
                version=c.version,
                resurvey_score=8 if outcome == "reached" else None,
                at="2024-03-04T10:00:00+08:00",
            )
    r = cx.report(
        DATA / "sample_feedback.csv",
        db,
        config={"sections": ["funnel"], "as_of": "2024-03-10T09:00:00+08:00"},
    )
    assert r.section_ids == ["funnel"]
    funnel = r.section("funnel")
    assert funnel is not None
    chart = funnel["charts"][0]
    assert chart["stages"] == ["created", "contacted", "resolved", "followed_up"]
    assert chart["counts"] == [4.0, 3.0, 3.0, 2.0]
    # Closed-loop shares go to the renderer as structured notes, worded per language.
    recovery = [n for n in funnel["notes"] if n["label"] == "recovery_rate"]
    assert len(recovery) == 1
    assert recovery[0]["share"] == 1.0
    assert recovery[0]["n"] == 1
    assert 'data-section="funnel"' in r.html
    assert "Recovery rate (re-survey score improved): 100.0% [" in r.html
    zh = cx.report(
        DATA / "sample_feedback.csv",
        db,
        lang="zh",
        config={"sections": ["funnel"], "as_of": "2024-03-10T09:00:00+08:00"},
    )
    assert "挽回率（回访复评分提高）：100.0%［" in zh.html
    assert "Recovery rate" not in zh.html
    assert "recovery_rate" not in zh.html


def test_retention_kpi_is_the_last_full_month_crr(sample_report: reporting.Report) -> None:
    # (E − N) / S written out in pandas: S = customers with a purchase in the month before,
    # E = customers with a purchase in the month, N = customers whose first purchase is in it.
    import pandas as pd

    t = pd.read_csv(DATA / "transactions.csv", parse_dates=["date"])
    t["month"] = t["date"].dt.to_period("M")
    active = t.groupby("month")["customer_id"].agg(set)
    first = t.groupby("customer_id")["month"].min()
    last, prev = active.index[-1], active.index[-2]
    e, s = len(active[last]), len(active[prev])
    n = int((first == last).sum())
    before = active.index[-3]
    n_prev = int((first == prev).sum())
    crr_prev = (len(active[prev]) - n_prev) / len(active[before])
    kpis = {k["label"]: k for k in sample_report.section("kpis")["kpis"]}  # type: ignore[index]
    card = kpis["retention"]
    assert card["value"] == pytest.approx(100 * (e - n) / s, rel=1e-12)
    assert card["n"] == s
    assert card["change"] == pytest.approx(100 * ((e - n) / s - crr_prev), rel=1e-9)


def test_every_chart_kind_plots_on_matplotlib_axes() -> None:
    # The optional matplotlib view of each chart spec draws the same data as the SVG.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.container import BarContainer

    ch = cx.spc.control_chart([5, 6, 5, 6, 5, 6, 5, 6, 30.0], kind="xmr", rules="nelson")
    charts = {
        "line": reporting.line_chart(["a", "b", "c"], {"nps": [1.0, None, 3.0]}),
        "pareto": reporting.pareto_chart(["x", "y", "z"], [1, 9, 3]),
        "quadrant": reporting.kano_chart(["t", "u"], [0.3, 0.7], [-0.8, -0.2]),
        "control": reporting.control_chart_view(ch),
        "distribution": reporting.distribution_chart([1, 2, 2, 3, 3, 3, 4, 10], bins=4),
        "funnel": reporting.funnel_chart(["created", "resolved"], [10, 8]),
        "bars": reporting.bar_chart(["a", "b"], [1, 2], low=[0.5, 1], high=[2, 3]),
    }
    for kind, chart in charts.items():
        assert chart.kind == kind
        ax = chart.plot()
        bars = [c for c in ax.containers if isinstance(c, BarContainer)]
        n_bars = sum(len(b) for b in bars)
        expected = {"pareto": 3, "distribution": 4, "funnel": 2, "bars": 2}.get(kind, 0)
        assert n_bars == expected, kind
        if kind == "pareto":  # sorted descending, like the SVG
            assert [t.get_text() for t in ax.get_xticklabels()] == ["y", "z", "x"]
        if kind == "control":  # the N1 signal is annotated
            assert [t.get_text() for t in ax.texts] == ["N1"]
        matplotlib.pyplot.close(ax.figure)


def test_ticket_kpis_survive_a_bad_ticket_in_the_log(tmp_path: Path) -> None:
    # The report measures a clean log on the strict (columnar) path and falls back to
    # validation="collect" when the log has a problem: an orphan event (no `created`) must
    # leave the ticket KPIs of the other tickets unchanged and show up in the quality section.
    events = (DATA / "ticket_events.csv").read_text(encoding="utf-8")
    bad = tmp_path / "ticket_events.csv"
    bad.write_text(events + "ORPHAN-1,2024-01-02T10:00:00+08:00,solved,agent,,,,,a1\n", "utf-8")
    config = {"sections": ["kpis", "quality"]}
    feedback = DATA / "sample_feedback.csv"
    clean = cx.report(feedback, DATA / "ticket_events.csv", config=config)
    dirty = cx.report(feedback, bad, config=config)

    def cards(r: reporting.Report) -> dict[str, Any]:
        return {k["label"]: k for k in r.section("kpis")["kpis"]}  # type: ignore[index]

    for label in ("frt_median", "resolution_median", "fcr"):
        assert cards(dirty)[label] == cards(clean)[label], label

    def issues(r: reporting.Report) -> list[list[str]]:
        tables = r.section("quality")["tables"]  # type: ignore[index]
        return next(t["rows"] for t in tables if t["title"] == "log_issues")

    assert ["unknown_ticket", "1"] in issues(dirty)
    assert not any(row[0] == "unknown_ticket" for row in issues(clean))
