"""Every typed error is raised with its class and structured fields (cryptography's style)."""

from __future__ import annotations

import pickle

import pytest

import cx
from cx import exceptions as exc


def test_classes_subclass_stdlib() -> None:
    for name in exc.__all__:
        cls = getattr(exc, name)
        assert issubclass(cls, cx.CxError)
        if cls is not exc.CxError:
            assert issubclass(cls, (ValueError, OSError)), name
    assert issubclass(exc.CxIOError, OSError)


def test_fields_survive_pickling() -> None:
    e = exc.InvalidValueError("score: bad", "invalid_value", "score", 3, "11")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is exc.InvalidValueError
    assert (back.code, back.field, back.column, back.row, back.value) == (
        "invalid_value",
        "score",
        "score",
        3,
        "11",
    )
    assert str(back) == "score: bad"


@pytest.mark.parametrize("name", exc.__all__)
def test_every_class_is_exported_at_top_level(name: str) -> None:
    assert getattr(cx, name) is getattr(exc, name)
