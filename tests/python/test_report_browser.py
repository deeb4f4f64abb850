"""Open the report in headless Chromium as a reader would: it renders, logs no console
errors, shows every section and chart, and draws Chinese with a real CJK font.

Chromium and fonts-noto-cjk come from Debian; `make test` installs them (target
`browser`), so this test fails rather than skips when they are missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import cx

EXPECTED = ["kpis", "trends", "journey", "pareto", "control", "sla", "kano", "drivers", "quality"]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, (
        "chromium is not installed: run `make browser` (apt-get install chromium fonts-noto-cjk)"
    )
    return exe


def _run(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    base = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        f"--user-data-dir={tmp / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=120, check=False)


class _Dom(HTMLParser):
    """Sections, and per section its SVG charts with their number of drawn marks."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[dict[str, int | str]]] = {}
        self.section: str | None = None
        self.chart: dict[str, int | str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("data-section"):
            self.section = a["data-section"]
            self.sections.setdefault(self.section, [])
        elif tag == "svg" and self.section is not None:
            self.chart = {"kind": a.get("data-chart") or "", "marks": 0}
            self.sections[self.section].append(self.chart)
        elif self.chart is not None and tag in ("rect", "circle", "path", "polygon"):
            cls = a.get("class") or ""
            if cls.startswith(("cx-bar", "cx-point", "cx-series", "cx-band")):
                self.chart["marks"] = int(self.chart["marks"]) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.chart = None
        elif tag == "section":
            self.section = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("report")
    return {
        lang: Path(cx.report(path=tmp / f"report-{lang}.html", lang=lang).path or "")
        for lang in ("en", "zh")
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_renders_without_console_errors(
    pages: dict[str, Path], lang: str, tmp_path: Path
) -> None:
    png = tmp_path / "report.png"
    out = _run([f"--screenshot={png}", "--window-size=1280,6000", pages[lang].as_uri()], tmp_path)
    assert png.exists(), out.stderr[-2000:]
    assert png.stat().st_size > 50_000, out.stderr[-2000:]
    console = [ln for ln in out.stderr.splitlines() if "CONSOLE" in ln or "Refused to" in ln]
    assert console == [], console
    shutil.copy(png, pages[lang].with_suffix(".png"))
    shutil.copy(png, Path(tempfile.gettempdir()) / f"cx-report-{lang}.png")  # to look at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_section_and_chart_is_present(
    pages: dict[str, Path], lang: str, tmp_path: Path
) -> None:
    out = _run(["--dump-dom", pages[lang].as_uri()], tmp_path)
    dom = _Dom()
    dom.feed(out.stdout)
    assert list(dom.sections) == EXPECTED
    kinds = {s: [c["kind"] for c in charts] for s, charts in dom.sections.items()}
    assert kinds["trends"] == ["line", "line", "line"]
    assert kinds["pareto"] == ["pareto"]
    assert kinds["control"] == ["control", "control"]
    assert kinds["sla"] == ["bars", "bars", "distribution", "distribution"]
    for s, charts in dom.sections.items():
        for c in charts:
            assert int(c["marks"]) > 0, f"empty {c['kind']} chart in {s}"
    text = "".join(dom.text)
    if lang == "zh":
        assert "客户体验健康报告" in text
        assert "核心指标" in text
    else:
        assert "Customer experience health report" in text


def test_cjk_font_is_installed() -> None:
    fc = shutil.which("fc-match")
    assert fc, "fontconfig is missing"
    for pattern in ("sans-serif:lang=zh-cn", "Noto Sans CJK SC"):
        name = subprocess.run([fc, pattern], capture_output=True, text=True, check=True).stdout
        assert re.search(r"CJK|Source Han|WenQuanYi|Droid Sans Fallback", name), (pattern, name)


def test_chinese_is_not_tofu(tmp_path: Path) -> None:
    """Two different Chinese strings must rasterise differently; with tofu boxes
    (no glyphs) strings of the same length give identical images."""
    shots = []
    for i, s in enumerate(["客户体验报告", "满意度趋势图"]):
        page = tmp_path / f"zh{i}.html"
        page.write_text(
            '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body style="margin:0;'
            f"font:48px 'Noto Sans CJK SC',sans-serif\">{s}</body></html>",
            encoding="utf-8",
        )
        png = tmp_path / f"zh{i}.png"
        _run([f"--screenshot={png}", "--window-size=400,80", page.as_uri()], tmp_path)
        shots.append(png.read_bytes())
    assert shots[0] != shots[1]
