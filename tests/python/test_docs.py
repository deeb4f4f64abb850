"""Run the Python code blocks of the README and of docs/ (pydantic's approach).

Blocks of one page run in order in one namespace, from the repository root, so a
page reads as a session. Blocks fenced as ``text`` or ``console`` are not run.
"""

from __future__ import annotations

import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _pages_with_code() -> list[pathlib.Path]:
    return [p for p in PAGES if BLOCK.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", _pages_with_code(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_runs(page: pathlib.Path, tmp_path: pathlib.Path) -> None:
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": "__docs__", "TMP": tmp_path}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for i, code in enumerate(blocks):
            try:
                exec(compile(code, f"{page.name}[block {i}]", "exec"), namespace)
            except Exception as e:  # pragma: no cover - the message is the point
                raise AssertionError(f"{page.name} block {i} failed: {e!r}\n{code}") from e
    finally:
        os.chdir(cwd)


def test_readme_has_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text
