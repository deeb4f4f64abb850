"""cx: customer-experience analytics on a Rust core.

Listen (ingest feedback from every channel), measure (NPS, CSAT, CES with honest
intervals), understand, act and improve. See https://cx-toolkit.github.io for the guide.

>>> import cx
>>> cx.__version__ == cx._cx.__version__
True
"""

from __future__ import annotations

from cx import (
    _cx,
    cases,
    causes,
    datasets,
    dmaic,
    drivers,
    exceptions,
    io,
    journey,
    kano,
    metrics,
    ops,
    privacy,
    reporting,
    segments,
    spc,
    stats,
)
from cx.cases import CaseStore, Router
from cx.causes import pareto
from cx.exceptions import (
    AccessDeniedError,
    ConflictError,
    CxError,
    CxIOError,
    DecryptionError,
    EmptyInputError,
    EncodingError,
    FormatError,
    IllegalTransitionError,
    InvalidKeyError,
    InvalidOptionError,
    InvalidValueError,
    LengthMismatchError,
    MissingFieldError,
    MissingTimeZoneError,
    TollgateNotMetError,
    TooFewObservationsError,
    UnknownKeyError,
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
from cx.segments import retention, rfm

__version__: str = _cx.__version__

__all__ = [
    "AccessDeniedError",
    "CaseStore",
    "ConflictError",
    "CxError",
    "CxIOError",
    "DecryptionError",
    "EmptyInputError",
    "EncodingError",
    "FormatError",
    "IllegalTransitionError",
    "InvalidKeyError",
    "InvalidOptionError",
    "InvalidValueError",
    "LengthMismatchError",
    "MissingFieldError",
    "MissingTimeZoneError",
    "Router",
    "TollgateNotMetError",
    "TooFewObservationsError",
    "UnknownKeyError",
    "__version__",
    "cases",
    "causes",
    "ces",
    "compare_means",
    "compare_nps",
    "compare_proportions",
    "csat",
    "datasets",
    "dmaic",
    "drivers",
    "exceptions",
    "io",
    "journey",
    "kano",
    "metrics",
    "nps",
    "ops",
    "pareto",
    "privacy",
    "read_feedback",
    "report",
    "reporting",
    "retention",
    "rfm",
    "sample_size",
    "segments",
    "spc",
    "stats",
    "summarize",
    "summarize_feedback",
]
