"""Type stubs and docstrings of the compiled extension ``cx._cx``.

Hand-written; checked against the extension by ``python -m mypy.stubtest cx._cx``.
"""

from typing import final

__version__: str

# --- privacy ---

@final
class PiiMatch:
    """One piece of personal data found in a text (spans refer to the original text)."""

    @property
    def kind(self) -> str:
        """What was found: `"email"`, `"phone"`, `"id_card"`, `"card"` or `"ip"`."""
    @property
    def start(self) -> int:
        """Start as a Python string (character) index."""
    @property
    def end(self) -> int:
        """End (exclusive) as a Python string (character) index."""
    @property
    def byte_start(self) -> int:
        """Start as a UTF-8 byte offset (as reported by the Rust core)."""
    @property
    def byte_end(self) -> int:
        """End (exclusive) as a UTF-8 byte offset."""
    @property
    def placeholder(self) -> str:
        """The placeholder that replaced the match, e.g. `"[PHONE]"`."""

@final
class Redacted:
    """A redacted text and the matches that were replaced."""

    @property
    def text(self) -> str:
        """The text with each match replaced by its placeholder."""
    @property
    def matches(self) -> list[PiiMatch]:
        """The matches, sorted and non-overlapping, with spans in the original text."""

def redact(text: str, /, *, kinds: list[str] | None = None) -> Redacted:
    """Replace personal data in `text` with typed placeholders.

    Detects e-mail addresses, phone numbers (Chinese mobiles with optional +86,
    E.164, Chinese landlines), Chinese resident ID numbers (check digit verified),
    payment card numbers (Luhn-checked) and IPv4/IPv6 addresses.

    Args:
        text: The text to redact.
        kinds: Kinds to redact (default: all): `"email"`, `"phone"`, `"id_card"`, `"card"`, `"ip"`.

    Raises:
        InvalidValueError: an unknown kind.

    >>> r = redact("邮件 li.lei@example.cn 或电话 138-0013-8000")
    >>> r.text
    '邮件 [EMAIL] 或电话 [PHONE]'
    >>> [(m.kind, m.start, m.end) for m in r.matches]
    [('email', 3, 20), ('phone', 25, 38)]

    """

def redact_many(texts: list[str], /, *, kinds: list[str] | None = None) -> list[str]:
    """Redact many texts at once (the GIL is released while working).

    >>> redact_many(["call 13800138000", "no pii here"])
    ['call [PHONE]', 'no pii here']

    """

@final
class Pseudonymizer:
    """Stable keyed pseudonyms: HMAC-SHA256 of the value under a caller-supplied key.

    The key must be at least 16 bytes and never appears in `repr`.
    No unkeyed hashing is offered: an unkeyed hash of a phone number is reversible
    by enumeration.

    >>> p = Pseudonymizer(b"0123456789abcdef0123456789abcdef", length=16, prefix="cus_")
    >>> a = p.pseudonymize("13800138000")
    >>> a.startswith("cus_") and len(a) == 20 and a == p.pseudonymize("13800138000")
    True

    """

    def __new__(cls, key: bytes, /, *, length: int = 64, prefix: str = "") -> Pseudonymizer: ...
    def pseudonymize(self, value: str) -> str:
        """Pseudonym of one value."""
    def pseudonymize_many(self, values: list[str]) -> list[str]:
        """Pseudonyms of many values."""
    @property
    def length(self) -> int:
        """Pseudonym length in hex characters, without the prefix."""
    @property
    def prefix(self) -> str:
        """Prefix put before each pseudonym."""

# --- datasets ---

def write_sample(
    out_dir: str,
    /,
    *,
    n_customers: int | None = None,
    n_feedback: int | None = None,
    n_survey: int | None = None,
    n_tickets: int | None = None,
    months: int | None = None,
    seed: int | None = None,
) -> list[str]:
    """Generate the seeded sample data set into `out_dir`; returns the paths written.

    Sizes left `None` take the bundled sample's values (2,000 customers, 4,000
    feedback rows, 1,200 survey responses, 1,500 tickets, 12 months, seed 20240101).
    Prefer `cx.datasets.sample`, which returns `pathlib.Path` objects.

    Raises:
        InvalidOptionError: a size of zero or above ten million, or months outside 1-120.
        CxIOError: the directory cannot be written.
    """
