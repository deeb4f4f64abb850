"""Shared fixtures for the cx Python tests."""

from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


@pytest.fixture
def root() -> pathlib.Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def vectors() -> pathlib.Path:
    """The reference-vector folder shared with the Rust tests."""
    return VECTORS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when any test was skipped.

    The house rule is "no skipped tests": an ``importorskip`` whose package is
    missing from ``tests/requirements.txt`` must turn CI red, not pass quietly.
    """
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == 0:
        names = ", ".join(getattr(r, "nodeid", "?") for r in skipped[:5])
        reporter.write_line(f"FAILED: {len(skipped)} test(s) skipped ({names}); cx allows none")
        session.exitstatus = 1
