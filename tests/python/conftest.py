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
