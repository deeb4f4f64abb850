"""Each public name of the extension is exported by exactly one module (datafusion-python)."""

from __future__ import annotations

import importlib
import pathlib
import tomllib

import cx
from cx import _cx

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULES = [
    "cx",
    *(
        f"cx.{m}"
        for m in [
            "io",
            "privacy",
            "metrics",
            "datasets",
            "exceptions",
            "stats",
            "dmaic",
            "spc",
            "ops",
            "cases",
            "kano",
            "causes",
            "journey",
            "segments",
            "drivers",
            "dask",
            "spark",
            "reporting",
        ]
    ),
]


def _loaded() -> list[object]:
    out = []
    for name in MODULES:
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError:
            continue
    return out


def test_every_extension_name_exported_once() -> None:
    public = [n for n in dir(_cx) if not n.startswith("_")]
    modules = _loaded()
    for name in public:
        owners = [
            m.__name__ for m in modules if name in getattr(m, "__all__", []) and m.__name__ != "cx"
        ]
        assert len(owners) == 1, f"{name} exported by {owners}"


def test_all_names_exist() -> None:
    for m in _loaded():
        for name in getattr(m, "__all__", []):
            assert hasattr(m, name), f"{m.__name__}.{name}"


def test_one_version_everywhere() -> None:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))
    assert cx.__version__ == cargo["workspace"]["package"]["version"]
