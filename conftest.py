"""Doctest namespace: examples in `python/cx/*.py` and `_cx.pyi` may use `cx` and every
public name of the extension without importing them (the stub is not importable itself)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _cx_doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    import cx
    from cx import _cx

    doctest_namespace["cx"] = cx
    for name in dir(_cx):
        if not name.startswith("_"):
            doctest_namespace[name] = getattr(_cx, name)
    for name in cx.exceptions.__all__:
        doctest_namespace[name] = getattr(cx.exceptions, name)
