"""Exceptions raised by cx.

Every error cx raises is a `CxError`. Each subclass also derives from
the standard-library exception a Python user would expect (``ValueError`` for
bad data and options, ``OSError`` for I/O), so ``except ValueError`` works too.

Each exception carries structured fields, mirroring the Rust ``CxError``:

* ``code``: a stable identifier (``"invalid_value"``, ``"missing_time_zone"``, ...),
  listed in ``docs/errors.md``;
* ``field`` (alias ``column``): the field, column or parameter concerned;
* ``row``: the 0-based record position (as in a pandas index), or ``None``;
* ``value``: the offending value as text, or ``None``.

>>> import cx
>>> try:
...     cx.nps([10, 11])
... except cx.InvalidValueError as e:
...     (e.code, e.field, e.row, e.value)
('invalid_value', 'score', 1, '11')
"""

from __future__ import annotations

__all__ = [
    "AccessDeniedError",
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
    "TollgateNotMetError",
    "TooFewObservationsError",
    "UnknownKeyError",
]


class CxError(Exception):
    """Base class of every error raised by cx."""

    code: str
    field: str | None
    row: int | None
    value: str | None

    def __init__(
        self,
        message: str,
        code: str = "cx_error",
        field: str | None = None,
        row: int | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.row = row
        self.value = value

    @property
    def column(self) -> str | None:
        """Alias of `field`, for errors about a table column."""
        return self.field

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type, tuple[str, str, str | None, int | None, str | None]]:
        # Keep the structured fields when pickled (Dask and Spark workers).
        return (type(self), (self.message, self.code, self.field, self.row, self.value))


class InvalidValueError(CxError, ValueError):
    """A value is present but not acceptable (out of range, unparsable, unknown name)."""


class MissingFieldError(CxError, ValueError):
    """A required field or column is absent or empty."""


class MissingTimeZoneError(CxError, ValueError):
    """A timestamp has no UTC offset and no IANA time zone was given."""


class EncodingError(CxError, ValueError):
    """Bytes cannot be decoded in the declared or detected text encoding."""


class LengthMismatchError(CxError, ValueError):
    """Parallel inputs (for example scores and weights) have different lengths."""


class EmptyInputError(CxError, ValueError):
    """An input has no usable observations."""


class TooFewObservationsError(CxError, ValueError):
    """An input has too few observations for the statistic asked for."""


class InvalidOptionError(CxError, ValueError):
    """An option or configuration value is not acceptable."""


class FormatError(CxError, ValueError):
    """A serialized state or file has an unsupported format or version."""


class CxIOError(CxError, OSError):
    """Reading or writing a file failed."""


class TollgateNotMetError(CxError, ValueError):
    """A DMAIC phase cannot be closed: some tollgate criteria are not met.

    ``field`` is the phase (``"define"``, ...); ``unmet`` lists each unmet criterion.
    """

    unmet: list[str]

    def __init__(
        self,
        message: str,
        code: str = "tollgate_not_met",
        field: str | None = None,
        row: int | None = None,
        value: str | None = None,
        unmet: list[str] | None = None,
    ) -> None:
        super().__init__(message, code, field, row, value)
        self.unmet = list(unmet or [])

    @property
    def phase(self) -> str | None:
        """The phase whose tollgate was checked (alias of :attr:`field`)."""
        return self.field

    def __reduce__(  # type: ignore[override]
        self,
    ) -> tuple[type, tuple[str, str, str | None, int | None, str | None, list[str]]]:
        return (
            type(self),
            (self.message, self.code, self.field, self.row, self.value, self.unmet),
        )


class IllegalTransitionError(CxError, ValueError):
    """A case cannot take this transition from its current state.

    ``field`` is the case id and ``value`` the transition asked for; the message names the state.
    """


class ConflictError(CxError, ValueError):
    """A write was based on a stale version of a case (optimistic concurrency); re-read and retry.

    ``field`` is the case id.
    """


class AccessDeniedError(CxError, PermissionError):
    """The principal may not read or change this case; the denial is recorded in the audit trail.

    ``field`` is the case id (empty when none).
    """


class DecryptionError(CxError, ValueError):
    """A sealed value cannot be opened: wrong key, wrong ``aad``, altered or truncated, or not sealed.

    ``field`` is the key id the value names (empty when it names none). Nothing is ever
    returned half-decrypted; the message never contains key material or plaintext.
    """


class UnknownKeyError(CxError, ValueError):
    """A sealed value names a key id the key provider does not know (retired or wrong provider).

    ``field`` is the key id.
    """


class InvalidKeyError(CxError, ValueError):
    """Key material or a key source is not acceptable.

    A key of the wrong length or encoding, a key file readable by group or others, an invalid
    key id, or a failing Python key provider (its exception is the ``__cause__``). The message
    names the variable, file, line or key id, never the key.
    """
