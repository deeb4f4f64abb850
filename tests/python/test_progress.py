"""Progress of long-running work: the `progress=` callback of the readers, the file
summary and the NPS bootstrap (`cx_core::progress`), and the command line's bar, drawn
on stderr only when it is a terminal (checked through a pseudo-terminal)."""

from __future__ import annotations

import itertools
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cx
from cx._progress import TerminalProgress

SAMPLE = Path(cx.datasets.sample_path("feedback"))


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, step: str, done: int, total: int) -> None:
        self.calls.append((step, done, total))


def assert_monotone_to_total(calls: list[tuple[str, int, int]], step: str, total: int) -> None:
    assert calls, "the callback was never called"
    assert {c[0] for c in calls} == {step}
    assert {c[2] for c in calls} == {total}
    done = [c[1] for c in calls]
    assert done[0] == 0
    assert done[-1] == total
    assert all(a < b for a, b in itertools.pairwise(done)), done
    assert len(calls) <= 102  # every 1 %, not every row


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample feedback repeated with fresh ids: ~40k rows, several reader blocks."""
    src = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, rows = src[0], src[1:]
    out = tmp_path_factory.mktemp("big") / "feedback.csv"
    with out.open("w", encoding="utf-8") as f:
        f.write(header + "\n")
        for k in range(10):
            for r in rows:
                f.write(f"{k}-{r}\n")
    return out


def test_read_feedback_reports_bytes_to_the_file_size(big_csv: Path) -> None:
    rec = Recorder()
    got = cx.read_feedback(big_csv, errors="collect", progress=rec)
    assert got.rows_read == 40_000
    assert_monotone_to_total(rec.calls, "read feedback", big_csv.stat().st_size)


def test_read_feedback_jsonl_reports_too(tmp_path: Path) -> None:
    t = cx.read_feedback(SAMPLE, errors="collect").table
    import json

    path = tmp_path / "f.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for r in t.slice(0, 500).to_pylist():
            r.pop("tags", None)
            f.write(json.dumps({k: str(v) for k, v in r.items() if v is not None}) + "\n")
    rec = Recorder()
    cx.read_feedback(path, errors="collect", progress=rec)
    assert_monotone_to_total(rec.calls, "read feedback", path.stat().st_size)


def test_without_progress_nothing_changes(big_csv: Path) -> None:
    a = cx.read_feedback(big_csv, errors="collect")
    b = cx.read_feedback(big_csv, errors="collect", progress=Recorder())
    assert a.table.equals(b.table)


def test_summarize_feedback_reports(big_csv: Path) -> None:
    rec = Recorder()
    s = cx.summarize_feedback(big_csv, progress=rec)
    assert s["rows_read"] == 40_000
    assert_monotone_to_total(rec.calls, "read feedback", big_csv.stat().st_size)


def test_nps_bootstrap_reports_resamples() -> None:
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 11, 5000).astype(float)
    rec = Recorder()
    with_cb = cx.nps(scores, ci="bootstrap", resamples=1000, seed=7, progress=rec)
    assert_monotone_to_total(rec.calls, "bootstrap", 1000)
    without = cx.nps(scores, ci="bootstrap", resamples=1000, seed=7)
    assert (with_cb.ci_low, with_cb.ci_high) == (without.ci_low, without.ci_high)
    # the uint8 fast path reports the same way
    rec8 = Recorder()
    cx.nps(scores.astype(np.uint8), ci="bootstrap", resamples=300, progress=rec8)
    assert_monotone_to_total(rec8.calls, "bootstrap", 300)


def test_analytic_intervals_do_not_report() -> None:
    rec = Recorder()
    cx.nps([10, 9, 3], progress=rec)
    assert rec.calls == []


class Stop(Exception):
    pass


def stop_at_half(step: str, done: int, total: int) -> None:
    if done >= total // 2:
        raise Stop(f"{step} stopped at {done}/{total}")


def test_callback_exception_propagates_from_reading(big_csv: Path) -> None:
    with pytest.raises(Stop, match="read feedback stopped"):
        cx.read_feedback(big_csv, errors="collect", progress=stop_at_half)
    with pytest.raises(Stop):
        cx.summarize_feedback(big_csv, progress=stop_at_half)


def test_callback_exception_propagates_from_bootstrap() -> None:
    with pytest.raises(Stop, match="bootstrap stopped at 100/200"):
        cx.nps([10, 9, 3, 7] * 50, ci="bootstrap", resamples=200, progress=stop_at_half)


def test_drivers_bootstrap_reports_replicates_from_worker_threads() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=300), rng.normal(size=300)
    frame = {"y": a + 0.5 * b + rng.normal(size=300), "a": a, "b": b}
    rec = Recorder()
    kd = cx.drivers.analyze(frame, outcome="y", bootstrap=400, seed=2, progress=rec)
    assert_monotone_to_total(rec.calls, "bootstrap", 400)
    plain = cx.drivers.analyze(frame, outcome="y", bootstrap=400, seed=2)
    assert kd.table.equals(plain.table)
    with pytest.raises(Stop, match="bootstrap stopped"):
        cx.drivers.analyze(frame, outcome="y", bootstrap=400, progress=stop_at_half)


def test_progress_must_be_callable() -> None:
    with pytest.raises(TypeError, match="progress"):
        cx.nps([10, 9], ci="bootstrap", progress=3)  # type: ignore[arg-type]


def test_terminal_bar_draws_in_place_and_ends_with_a_newline() -> None:
    import io

    out = io.StringIO()
    bar = TerminalProgress(out, width=10)
    for done in (0, 50, 50, 100):
        bar("bootstrap", done, 100)
    text = out.getvalue()
    assert text.count("\r") == 3  # the repeated 50 % is not redrawn
    assert text.endswith("[##########] 100% bootstrap 100/100\n")


# --- the command line, as a user runs it ---


def cx_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "cx", *args]


def test_cli_is_quiet_when_stderr_is_not_a_terminal(big_csv: Path) -> None:
    out = subprocess.run(cx_cmd("summary", str(big_csv)), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert "rows read 40,000" in out.stdout


def run_on_pty(args: list[str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (stdout piped): (returncode, stdout, stderr)."""
    master, slave = pty.openpty()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, close_fds=True) as proc:
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        stdout = proc.stdout.read().decode() if proc.stdout else ""
        code = proc.wait(timeout=60)
    return code, stdout, b"".join(chunks).decode()


def test_cli_draws_a_bar_on_a_terminal(big_csv: Path) -> None:
    code, stdout, stderr = run_on_pty(cx_cmd("summary", str(big_csv)))
    assert code == 0, stderr
    assert "rows read 40,000" in stdout
    assert "\r[" in stderr
    assert "read feedback" in stderr
    assert "100%" in stderr
    size = big_csv.stat().st_size
    assert f"{size / 1e6:.1f}M/{size / 1e6:.1f}M" in stderr
