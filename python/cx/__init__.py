"""cx: customer-experience analytics on a Rust core.

Listen (ingest feedback from every channel), measure (NPS, CSAT, CES with honest
intervals), understand, act and improve. See https://cx-toolkit.github.io for the guide.

>>> import cx
>>> cx.__version__ == cx._cx.__version__
True
"""

from __future__ import annotations

from cx import _cx, exceptions, ops
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
    TooFewObservationsError,
)

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
    "TooFewObservationsError",
    "__version__",
    "exceptions",
    "ops",
]
