"""cx: customer-experience analytics on a Rust core.

Listen (ingest feedback from every channel), measure (NPS, CSAT, CES with honest
intervals), understand, act and improve. See https://cx-toolkit.github.io for the guide.

>>> import cx
>>> cx.__version__ == cx._cx.__version__
True
"""

from __future__ import annotations

from cx import _cx, datasets, dmaic, exceptions, io, metrics, ops, privacy, reporting, spc, stats
from cx.exceptions import (
    CxError,
    CxIOError,
    EmptyInputError,
    EncodingError,
    FormatError,
    InvalidOptionError,
    InvalidValueError,
    LengthMismatchError,
    MissingFieldError,
    MissingTimeZoneError,
    TollgateNotMetError,
    TooFewObservationsError,
)
from cx.io import read_feedback, summarize_feedback
from cx.metrics import (
    ces,
    compare_means,
    compare_nps,
    compare_proportions,
    csat,
    nps,
    sample_size,
    summarize,
)
from cx.reporting import report

__version__: str = _cx.__version__

__all__ = [
    "CxError",
    "CxIOError",
    "EmptyInputError",
    "EncodingError",
    "FormatError",
    "InvalidOptionError",
    "InvalidValueError",
    "LengthMismatchError",
    "MissingFieldError",
    "MissingTimeZoneError",
    "TollgateNotMetError",
    "TooFewObservationsError",
    "__version__",
    "ces",
    "compare_means",
    "compare_nps",
    "compare_proportions",
    "csat",
    "datasets",
    "dmaic",
    "exceptions",
    "io",
    "metrics",
    "nps",
    "ops",
    "privacy",
    "read_feedback",
    "report",
    "reporting",
    "sample_size",
    "spc",
    "stats",
    "summarize",
    "summarize_feedback",
]
