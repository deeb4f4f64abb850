"""The sample generator from Python: bundled files, determinism, and the planted truth."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

import cx


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundled_files_exist_and_are_small() -> None:
    total = 0
    for name in cx.datasets.FILES:
        p = cx.datasets.sample_path(name)
        assert p.is_file(), p
        total += p.stat().st_size
    assert total <= 5 * 1024 * 1024


def test_generator_reproduces_the_bundled_sample(tmp_path: Path) -> None:
    files = cx.datasets.sample(tmp_path)
    assert {p.name for p in files} == set(cx.datasets.FILES.values())
    for p in files:
        assert _digest(p) == _digest(cx.datasets.sample_path_by_file(p.name)), p.name


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a = cx.datasets.sample(tmp_path / "a", n_feedback=500, n_customers=300, seed=7)
    b = cx.datasets.sample(tmp_path / "b", n_feedback=500, n_customers=300, seed=7)
    c = cx.datasets.sample(tmp_path / "c", n_feedback=500, n_customers=300, seed=8)
    by_name = lambda ps: {p.name: _digest(p) for p in ps}  # noqa: E731
    assert by_name(a) == by_name(b)
    assert by_name(a)["sample_feedback.csv"] != by_name(c)["sample_feedback.csv"]
    with (tmp_path / "a" / "sample_feedback.csv").open(encoding="utf-8") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 500


def test_planted_pain_points_are_visible_in_raw_nps() -> None:
    truth = cx.datasets.truth()
    sums: dict[str, list[float]] = {}
    with cx.datasets.sample_path("feedback").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["nps"]:
                sums.setdefault(row["touchpoint_id"], []).append(float(row["nps"]))
    overall = sum(sum(v) for v in sums.values()) / sum(len(v) for v in sums.values())
    for tp in truth["pain_points"]:
        scores = sums[tp]
        assert sum(scores) / len(scores) < overall - 0.5, tp


def test_bad_options_are_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(cx.InvalidOptionError):
        cx.datasets.sample(tmp_path, n_customers=0)
    with pytest.raises(cx.InvalidOptionError) as e:
        cx.datasets.sample_path("nope")
    assert e.value.field == "name"
