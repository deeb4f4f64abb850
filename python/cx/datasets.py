"""The bundled sample data set of the fictional company 悦购 YueGo, and a seeded generator.

The bundled files (2,000 customers, 4,000 feedback rows, 1,200 survey responses,
1,500 tickets over 2024) ship in the wheel; `sample` writes larger ones. Each set
comes with `truth.json`: the effects the generator planted (pain points, drivers,
Kano categories, a process shift), so analyses can be checked against them.

>>> import cx
>>> cx.datasets.sample_path("feedback").name
'sample_feedback.csv'
>>> t = cx.datasets.truth()
>>> t["pain_points"]
['logistics', 'returns', 'phone_support']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cx._cx import write_sample

__all__ = ["FILES", "sample", "sample_path", "sample_path_by_file", "truth", "write_sample"]

_DATA = Path(__file__).resolve().parent / "data"

FILES: dict[str, str] = {
    "feedback": "sample_feedback.csv",
    "survey": "survey.csv",
    "customers": "customers.csv",
    "tickets": "tickets.csv",
    "ticket_events": "ticket_events.csv",
    "transactions": "transactions.csv",
    "journey": "journey.json",
    "truth": "truth.json",
}
"""Short names of the bundled files."""


def sample_path(name: str = "feedback") -> Path:
    """Path of a bundled sample file, by short name (see `FILES`).

    Raises:
        InvalidOptionError: an unknown name.
    """
    from cx.exceptions import InvalidOptionError

    try:
        return _DATA / FILES[name]
    except KeyError:
        choices = ", ".join(sorted(FILES))
        raise InvalidOptionError(
            f"name: must be one of {{{choices}}}, got {name!r}", "invalid_option", "name"
        ) from None


def sample_path_by_file(file_name: str) -> Path:
    """Path of a bundled file by its file name (e.g. `"survey.csv"`)."""
    if file_name not in FILES.values():
        return sample_path(file_name)  # raises the typed error with the choices
    return _DATA / file_name


def truth() -> dict[str, Any]:
    """The planted effects of the bundled sample (`truth.json`) as a dict."""
    with sample_path("truth").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def sample(
    out_dir: str | Path,
    /,
    *,
    n_customers: int | None = None,
    n_feedback: int | None = None,
    n_survey: int | None = None,
    n_tickets: int | None = None,
    months: int | None = None,
    seed: int | None = None,
) -> list[Path]:
    """Generate a sample data set into `out_dir` and return the paths written.

    Unset sizes default to the bundled sample's; the same seed and sizes give
    byte-identical files on every platform.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    return [
        Path(p)
        for p in write_sample(
            str(out_dir),
            n_customers=n_customers,
            n_feedback=n_feedback,
            n_survey=n_survey,
            n_tickets=n_tickets,
            months=months,
            seed=seed,
        )
    ]
