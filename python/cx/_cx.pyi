"""Type stubs and docstrings of the compiled extension ``cx._cx``.

Hand-written; checked against the extension by ``python -m mypy.stubtest cx._cx``.
"""

import datetime as _dt
import os
from collections.abc import Callable as _Callable
from collections.abc import Iterable as _Iterable
from collections.abc import Sequence
from typing import Any, Literal, final
from typing import Any as _Any
from typing import ClassVar as _ClassVar
from typing import Literal as _Literal
from typing import final as _final

import numpy as np
import numpy.typing as npt

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

# --- metrics ---

@final
class NpsSummary:
    """Net Promoter Score of a sample, with its interval.

    `score`, `ci_low`, `ci_high` and `standard_error` are on the −100…100 scale;
    shares are 0–1. `method` names the interval (`"adjusted-wald"`, `"wald"`,
    `"bootstrap"`); with weights, `sum_weights` and Kish's `effective_n` are set.
    """

    @property
    def score(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def standard_error(self) -> float: ...
    @property
    def n(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def n_promoters(self) -> int: ...
    @property
    def n_passives(self) -> int: ...
    @property
    def n_detractors(self) -> int: ...
    @property
    def promoter_share(self) -> float: ...
    @property
    def passive_share(self) -> float: ...
    @property
    def detractor_share(self) -> float: ...
    @property
    def method(self) -> str: ...
    @property
    def level(self) -> float: ...
    @property
    def sum_weights(self) -> float: ...
    @property
    def effective_n(self) -> float: ...
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""
    def _repr_html_(self) -> str: ...

@final
class CsatSummary:
    """CSAT: top-box share in percent (`score`, `ci_low`, `ci_high`) and the mean score."""

    @property
    def score(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def n_top_box(self) -> int: ...
    @property
    def n(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def mean(self) -> float: ...
    @property
    def sd(self) -> float: ...
    @property
    def mean_ci_low(self) -> float: ...
    @property
    def mean_ci_high(self) -> float: ...
    @property
    def scale(self) -> str: ...
    @property
    def top_box(self) -> int: ...
    @property
    def method(self) -> str: ...
    @property
    def level(self) -> float: ...
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""
    def _repr_html_(self) -> str: ...

@final
class CesSummary:
    """CES: mean with a t-interval, and the share agreeing (`favorable_pct`, percent)."""

    @property
    def mean(self) -> float: ...
    @property
    def sd(self) -> float: ...
    @property
    def standard_error(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def n(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def n_favorable(self) -> int: ...
    @property
    def favorable_pct(self) -> float: ...
    @property
    def favorable_ci_low(self) -> float: ...
    @property
    def favorable_ci_high(self) -> float: ...
    @property
    def scale(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def level(self) -> float: ...
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""
    def _repr_html_(self) -> str: ...

@final
class Comparison:
    """A two-sample comparison: `difference` (a − b), its standard error, the test
    statistic (z, or Welch's t with `df`), two-sided `p_value` and interval."""

    @property
    def difference(self) -> float: ...
    @property
    def standard_error(self) -> float: ...
    @property
    def statistic(self) -> float: ...
    @property
    def df(self) -> float | None: ...
    @property
    def p_value(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def level(self) -> float: ...
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""
    def _repr_html_(self) -> str: ...

@final
class SampleSize:
    """Responses needed for a margin of error: `n` (rounded up) and `n_exact`."""

    @property
    def n(self) -> int: ...
    @property
    def n_exact(self) -> float: ...
    @property
    def variance(self) -> float: ...
    @property
    def margin(self) -> float: ...
    @property
    def level(self) -> float: ...
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""
    def _repr_html_(self) -> str: ...

def nps(
    scores: object,
    /,
    *,
    weights: object | None = None,
    ci: str = "adjusted-wald",
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
    progress: _Callable[[str, int, int], object] | None = None,
) -> NpsSummary:
    """Net Promoter Score of 0–10 scores: promoters 9–10, detractors 0–6.

    Args:
        scores: numbers (list, numpy array, or an Arrow array from pyarrow, polars,
            pandas); NaN or None is missing (counted in `n_missing`). A contiguous
            numpy `float64` or `uint8` array (255 = missing) is read without copying.
        weights: survey weights (finite, ≥ 0); gives the weighted estimate with
            the linearisation standard error of R's `survey::svymean`.
        ci: `"adjusted-wald"` (Rocks 2016; default), `"wald"` or `"bootstrap"`.
        level: confidence level in (0, 1).
        resamples: bootstrap resamples.
        seed: bootstrap seed (the same seed gives the same interval).
        progress: `progress(step, done, total)`, called with `step="bootstrap"` and the
            resamples done at every 1 % of `resamples` (from `(0, resamples)` to
            `(resamples, resamples)`); only the bootstrap reports. The work runs without
            the GIL, which is taken only for the call; an exception raised by the callback
            stops the bootstrap and is raised by `nps`.

    Raises:
        InvalidValueError: a score that is not an integer 0–10 (names the row).
        EmptyInputError: no non-missing score.
        LengthMismatchError: weights of another length.
        InvalidOptionError: a bad `ci` or `level`.

    >>> s = nps([10, 9, 8, 3, 7, 10])
    >>> round(s.score, 4), s.n_promoters, s.n_detractors
    (33.3333, 3, 1)
    >>> seen = []
    >>> b = nps([10, 9, 8, 3, 7, 10], ci="bootstrap", resamples=200,
    ...         progress=lambda step, done, total: seen.append((step, done, total)))
    >>> seen[0], seen[-1], len(seen)
    (('bootstrap', 0, 200), ('bootstrap', 200, 200), 101)

    """

def csat(
    scores: object,
    /,
    *,
    scale: str = "1-5",
    top_box: int = 2,
    ci: str = "wilson",
    level: float = 0.95,
) -> CsatSummary:
    """CSAT: share of top-box answers (top-2 of 1–5 by default) with an interval, and the mean.

    Args:
        scores: ratings on the scale; NaN or None is missing.
        scale: `"1-5"` (default), `"1-7"`, `"1-10"` or `"0-10"`.
        top_box: how many top points count as satisfied.
        ci: `"wilson"` (default), `"clopper-pearson"`, `"agresti-coull"` or `"wald"`.
        level: confidence level.

    >>> s = csat([5, 4, 3, 5, 1])
    >>> s.score, s.n_top_box
    (60.0, 3)

    """

def ces(
    scores: object,
    /,
    *,
    scale: str = "1-7",
    ci: str = "wilson",
    level: float = 0.95,
) -> CesSummary:
    """Customer Effort Score (CES 2.0, 1–7 agreement): mean with a t-interval and % agree (5–7).

    The legacy 1–5 effort scale is only used when asked: `scale="legacy-effort-1-5"`.

    >>> s = ces([7, 6, 5, 2, 4])
    >>> s.mean, s.n_favorable
    (4.8, 3)

    """

def compare_nps(
    a: object, b: object, /, *, ci: str = "adjusted-wald", level: float = 0.95
) -> Comparison:
    """Difference of two NPS (a − b, in points) with a z test and interval (MeasuringU).

    >>> c = compare_nps([10] * 30 + [3] * 10, [10] * 15 + [3] * 25)
    >>> c.difference > 0 and c.p_value < 0.01
    True

    """

def compare_proportions(
    x1: int, n1: int, x2: int, n2: int, /, *, level: float = 0.95
) -> Comparison:
    """Two-proportion z test (pooled SE) and the interval of the difference (unpooled SE).

    >>> c = compare_proportions(45, 50, 30, 50)
    >>> round(c.difference, 2)
    0.3

    """

def compare_means(a: object, b: object, /, *, level: float = 0.95) -> Comparison:
    """Welch's t test of two means (e.g. CES), with the Welch–Satterthwaite df.

    >>> c = compare_means([5, 6, 7, 6], [3, 4, 2, 4])
    >>> c.df is not None and c.p_value < 0.01
    True

    """

def sample_size(
    margin: float,
    /,
    *,
    metric: str = "nps",
    level: float = 0.95,
    expected: float | tuple[float, float] | None = None,
) -> SampleSize:
    """Responses needed for a target margin of error.

    `margin` is in NPS points for `metric="nps"` (expected = (promoter, detractor)
    shares; worst case by default) and a ratio for `metric="proportion"`
    (expected share; 0.5 by default).

    >>> sample_size(5.0).n
    1537
    >>> sample_size(0.05, metric="proportion").n
    385

    """

# --- io ---

@final
class Rejection:
    """One row that ingestion rejected: where (`row`, `line`, `field`), what (`value`) and why."""

    @property
    def row(self) -> int:
        """0-based record position (header excluded), as in a pandas index."""
    @property
    def line(self) -> int:
        """1-based physical line of the file."""
    @property
    def field(self) -> str:
        """The cx field (column), or `"<record>"` for a malformed record."""
    @property
    def column(self) -> str:
        """Alias of `field`."""
    @property
    def value(self) -> str:
        """The offending value; personal text shows as `<redacted len=N>`."""
    @property
    def code(self) -> str:
        """Stable error code (`"invalid_value"`, `"missing_field"`, ...)."""
    @property
    def reason(self) -> str:
        """Why the row was rejected."""
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""

@final
class Ingested:
    """Accepted feedback rows (Arrow-backed) and the reject report.

    `rows_read == len(self) + len(self.rejected)` always. The object speaks the
    Arrow PyCapsule stream protocol, so `pyarrow.table(r)`, `polars.DataFrame(r)`
    and duckdb read it without copying through Python.
    """

    @property
    def rows_read(self) -> int:
        """Rows read: accepted + rejected."""
    @property
    def n_accepted(self) -> int:
        """Rows accepted."""
    @property
    def rejected(self) -> list[Rejection]:
        """The rejected rows in file order."""
    @property
    def ignored_columns(self) -> list[str]:
        """Columns of the file that map to no cx field."""
    @property
    def column_names(self) -> list[str]:
        """Columns of the accepted table."""
    @property
    def table(self) -> Any:
        """The accepted rows as a `pyarrow.Table` (needs pyarrow)."""
    def __len__(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Arrow PyCapsule stream of the accepted rows."""
    def records(self) -> list[dict[str, Any]]:
        """The accepted rows as dicts; missing ratings are `None`."""
    def to_pandas(self) -> Any:
        """The accepted rows as a pandas DataFrame (needs pandas and pyarrow)."""
    def to_polars(self) -> Any:
        """The accepted rows as a polars DataFrame (needs polars)."""

def read_feedback(
    source: str | os.PathLike[str] | Any,
    /,
    *,
    mapping: list[tuple[str, str]] | None = None,
    encoding: str | None = None,
    tz: str | None = None,
    errors: str = "raise",
    allow_other_channels: bool = False,
    csat_scale: str | None = None,
    progress: _Callable[[str, int, int], object] | None = None,
) -> Ingested:
    """Read a CSV or JSON Lines feedback file, or validate an Arrow-speaking data frame
    (use `cx.read_feedback`, which takes a dict mapping).

    Raises:
        InvalidValueError: a bad value under `errors="raise"` (names row, column, value).
        MissingFieldError: a required column is absent.
        MissingTimeZoneError: a naive timestamp and no `tz`.
        EncodingError: undecodable bytes in the declared encoding.
        InvalidOptionError: a bad option (`tz`, `encoding`, `errors`, `mapping`).
        CxIOError: the file cannot be opened.
    """

def summarize_feedback_json(
    path: str | os.PathLike[str],
    /,
    *,
    mapping: list[tuple[str, str]] | None = None,
    encoding: str | None = None,
    tz: str | None = None,
    errors: str = "collect",
    allow_other_channels: bool = False,
    csat_scale: str = "1-5",
    level: float = 0.95,
    top_tags: int = 10,
    progress: _Callable[[str, int, int], object] | None = None,
) -> str:
    """The summary of a feedback file as JSON text (use `cx.summarize_feedback`)."""

# --- metrics (grouped and tallies) ---

@final
class GroupedTable:
    """Grouped results (one row per group), readable by any Arrow library.

    Columns: the keys, then `n`, `n_missing`, `score`, `ci_low`, `ci_high`,
    `standard_error`, `method` and the class counts. Export with
    `pyarrow.table(t)`, `polars.DataFrame(t)` or the `to_*` methods.
    """

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export as an Arrow C stream (PyCapsule interface)."""
    @property
    def num_rows(self) -> int:
        """Number of rows (groups)."""
    @property
    def column_names(self) -> list[str]:
        """Column names."""
    def __len__(self) -> int: ...
    def to_pyarrow(self) -> Any:
        """As a `pyarrow.Table` (needs pyarrow)."""
    def to_pandas(self) -> Any:
        """As a `pandas.DataFrame` (needs pandas and pyarrow)."""
    def to_polars(self) -> Any:
        """As a `polars.DataFrame` (needs polars)."""

@final
class ProportionSummary:
    """A proportion (`ratio`, 0–1) with its interval, from `ProportionTally.finish`."""

    @property
    def ratio(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def successes(self) -> int: ...
    @property
    def n(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def method(self) -> str: ...
    @property
    def level(self) -> float: ...
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""
    def _repr_html_(self) -> str: ...

@final
class MeanSummary:
    """A mean with its Student-t interval, from `MeanTally.finish`."""

    @property
    def mean(self) -> float: ...
    @property
    def sd(self) -> float: ...
    @property
    def standard_error(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def n(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def level(self) -> float: ...
    def to_dict(self) -> dict[str, object]:
        """The fields as a dict."""
    def _repr_html_(self) -> str: ...

@final
class NpsTally:
    """Mergeable NPS state: class counts, missing count and per-class weight sums.

    `update` adds a batch in place; `merge` returns a NEW tally and leaves both
    operands unchanged (safe when an engine reuses a partition's result). The state
    round-trips through versioned bytes (`to_bytes` / `from_bytes`, also used by
    pickle); corrupted or foreign bytes raise `FormatError`.

    >>> a, b = NpsTally(), NpsTally()
    >>> a.update([10, 9, 3])
    >>> b.update([7, None])
    >>> t = a.merge(b)
    >>> t.n, t.n_missing, t.finish().score
    (4, 1, 25.0)

    """

    def __init__(self) -> None: ...
    def update(self, values: object, /, *, weights: object | None = None) -> None:
        """Add scores 0–10 (NaN/None missing; a numpy `uint8` array is read without copying)."""
    def merge(self, other: NpsTally) -> NpsTally:
        """A new tally holding both."""
    def finish(
        self,
        *,
        ci: str = "adjusted-wald",
        level: float = 0.95,
        weighted: bool | None = None,
        resamples: int = 2000,
        seed: int = 0,
    ) -> NpsSummary:
        """The summary, as `cx.nps`. `weighted=None` uses the weighted estimate when any
        weight other than 1 was added."""
    def to_bytes(self) -> bytes:
        """The versioned binary state."""
    @classmethod
    def from_bytes(cls, data: bytes) -> NpsTally:
        """Read a state written by `to_bytes` (raises `FormatError` for bad bytes)."""
    def __reduce__(self) -> tuple[object, tuple[bytes]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def n(self) -> int:
        """Non-missing scores."""
    @property
    def n_missing(self) -> int:
        """Missing scores."""
    @property
    def n_promoters(self) -> int: ...
    @property
    def n_passives(self) -> int: ...
    @property
    def n_detractors(self) -> int: ...

@final
class ProportionTally:
    """Mergeable proportion state (successes, trials, missing); as `NpsTally`.

    >>> t = ProportionTally()
    >>> t.update([1, 0, 1, None])
    >>> t.successes, t.n, t.n_missing
    (2, 3, 1)

    """

    def __init__(self) -> None: ...
    def update(self, values: object, /, *, weights: object | None = None) -> None:
        """Add outcomes 1/0 (NaN/None missing). Weights are not supported (`InvalidOptionError`)."""
    def merge(self, other: ProportionTally) -> ProportionTally:
        """A new tally holding both."""
    def finish(self, *, ci: str = "wilson", level: float = 0.95) -> ProportionSummary:
        """The share with an interval (`"wilson"`, `"clopper-pearson"`, `"agresti-coull"`, `"wald"`)."""
    def to_bytes(self) -> bytes:
        """The versioned binary state."""
    @classmethod
    def from_bytes(cls, data: bytes) -> ProportionTally:
        """Read a state written by `to_bytes` (raises `FormatError` for bad bytes)."""
    def __reduce__(self) -> tuple[object, tuple[bytes]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def n(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def successes(self) -> int: ...

@final
class MeanTally:
    """Mergeable mean/variance state (Chan et al. 1979 parallel merge); as `NpsTally`.

    >>> t = MeanTally()
    >>> t.update([1.0, 2.0, 3.0])
    >>> t.merge(t).finish().mean
    2.0

    """

    def __init__(self) -> None: ...
    def update(self, values: object, /, *, weights: object | None = None) -> None:
        """Add finite values (NaN/None missing). Weights are not supported (`InvalidOptionError`)."""
    def merge(self, other: MeanTally) -> MeanTally:
        """A new tally holding both."""
    def finish(self, *, level: float = 0.95) -> MeanSummary:
        """The mean with a Student-t interval."""
    def to_bytes(self) -> bytes:
        """The versioned binary state."""
    @classmethod
    def from_bytes(cls, data: bytes) -> MeanTally:
        """Read a state written by `to_bytes` (raises `FormatError` for bad bytes)."""
    def __reduce__(self) -> tuple[object, tuple[bytes]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def n(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def mean(self) -> float: ...
    @property
    def variance(self) -> float:
        """Sample variance (ddof = 1); NaN when n < 2."""

def nps_by_group(
    scores: object,
    keys: object,
    /,
    *,
    weights: object | None = None,
    ci: str = "adjusted-wald",
    level: float = 0.95,
    min_n: int = 30,
) -> GroupedTable:
    """NPS per group, in one pass over the columns.

    Args:
        scores: scores 0–10 (a contiguous numpy `uint8` array or an Arrow `UInt8` array
            without nulls is read without copying; 255 or NaN/None is missing).
        keys: one key column or a list of key columns: integer codes (numpy `uint32` or
            Arrow `UInt32` read without copying and used as they are) or strings and other
            integers (dictionary-encoded once, in Rust). Output keys are sorted, columns
            named `key` (one column) or `key_0`, `key_1`, ... (several).
        weights: survey weights (linearisation standard error per group).
        ci: `"adjusted-wald"` (default), `"wald"` or `"bootstrap"`.
        level: confidence level.
        min_n: groups with fewer non-missing scores than this get `low_n = True` (their
            results are kept, flagged: too few answers to read much into).

    >>> t = nps_by_group([10, 3, 9, 9], ["a", "a", "b", "b"])
    >>> t.num_rows, t.column_names[:3]
    (2, ['key', 'n', 'n_missing'])

    """

def _summarize_arrow(
    table: object,
    /,
    *,
    score: str,
    metric: str = "nps",
    by: list[str] = ...,
    time: str | None = None,
    freq: str = "month",
    tz: str | None = None,
    weights: str | None = None,
    ci: str | None = None,
    level: float = 0.95,
    scale: str | None = None,
    min_n: int = 30,
) -> GroupedTable:
    """The work behind `cx.summarize` on an Arrow table (private)."""

# --- stats ---

@_final
class TestResult:
    """The result of a hypothesis test (all tests are two-sided).

    ``statistic`` is z, chi², t, U of the *first* sample, F or H; ``df`` the degrees of
    freedom (numerator df for F; ``None`` for z and U); ``df2`` the denominator df (F
    only). ``effect_size_name`` is one of ``cohens_h``, ``cramers_v``, ``hedges_g``,
    ``cohens_dz``, ``rank_biserial``, ``eta_squared``, ``epsilon_squared``.
    """

    __test__: _ClassVar[bool]

    @property
    def test(self) -> str:
        """Test identifier (``"welch_t"``, ``"kruskal"``, ...)."""
    @property
    def method(self) -> str:
        """How the p-value was obtained (``"asymptotic"``, ``"exact"``, ``"yates"``, ...)."""
    @property
    def statistic(self) -> float:
        """The test statistic."""
    @property
    def p_value(self) -> float:
        """Two-sided p-value (accurate in the far tail: computed as a survival function)."""
    @property
    def df(self) -> float | None:
        """Degrees of freedom (numerator df for F), or ``None``."""
    @property
    def df2(self) -> float | None:
        """Denominator degrees of freedom (F tests only)."""
    @property
    def effect_size(self) -> float:
        """The effect size named by :attr:`effect_size_name`."""
    @property
    def effect_size_name(self) -> str:
        """Name of the effect size."""
    @property
    def estimate(self) -> float | None:
        """Point estimate of the difference (p1 - p2, mean difference), when there is one."""
    @property
    def ci(self) -> tuple[float, float] | None:
        """Confidence interval ``(lower, upper)`` of :attr:`estimate`, when computed."""
    @property
    def ci_level(self) -> float | None:
        """Confidence level of :attr:`ci`."""
    @property
    def n(self) -> list[int]:
        """Observations used per sample (the table total for chi-square)."""
    def to_dict(self) -> dict[str, _Any]:
        """The result as a plain dict."""

def two_proportion_z(x1: int, n1: int, x2: int, n2: int, /, *, level: float = 0.95) -> TestResult:
    """Two-proportion z test (pooled SE) with the unpooled Wald interval of p1 - p2.

    Effect size: Cohen's h = 2·asin√p1 − 2·asin√p2. Matches statsmodels
    ``proportions_ztest`` and ``confint_proportions_2indep(method="wald")``.

    Raises:
        InvalidValueError: n = 0, x > n, or pooled proportion 0 or 1.

    >>> from cx.stats import two_proportion_z
    >>> r = two_proportion_z(45, 60, 30, 60)
    >>> round(r.statistic, 6), round(r.p_value, 6)
    (2.828427, 0.004678)

    """

def chi2_independence(table: _Any, /, *, yates: bool = False) -> TestResult:
    """Pearson chi-square test of independence of an r x c table of counts.

    ``table``: a list of rows, a 2-D numpy array or a DataFrame such as a
    ``pandas.crosstab``.

    Yates' correction only on request and only for 2x2 tables (scipy applies it by
    default to 2x2: pass ``yates=True`` to match ``chi2_contingency(table)``).
    Effect size: Cramér's V from the uncorrected chi-square.

    >>> from cx.stats import chi2_independence
    >>> r = chi2_independence([[20, 30], [30, 20]])
    >>> r.statistic, r.df, round(r.p_value, 5)
    (4.0, 1.0, 0.0455)

    """

def welch_t(a: _Any, b: _Any, /, *, missing: _Literal["reject", "skip"] = "reject") -> TestResult:
    """Welch's two-sample t test (unequal variances); effect size Hedges' g.

    ``missing="skip"`` drops NaN/None; the default rejects them, naming the row.

    >>> from cx.stats import welch_t
    >>> r = welch_t([1, 2, 3, 4], [3, 4, 5, 6])
    >>> round(r.statistic, 6), r.df, round(r.p_value, 6)
    (-2.19089, 6.0, 0.070988)

    """

def paired_t(a: _Any, b: _Any, /, *, missing: _Literal["reject", "skip"] = "reject") -> TestResult:
    """Paired t test on ``a - b``; effect size Cohen's d_z.

    With ``missing="skip"`` a pair with NaN on either side is dropped.

    >>> from cx.stats import paired_t
    >>> r = paired_t([5, 6, 7, 9], [4, 6, 5, 6])
    >>> round(r.statistic, 5), r.df, round(r.p_value, 5)
    (2.32379, 3.0, 0.10273)

    """

def mann_whitney_u(
    a: _Any,
    b: _Any,
    /,
    *,
    method: _Literal["auto", "exact", "asymptotic"] = "auto",
    continuity: bool = True,
    missing: _Literal["reject", "skip"] = "reject",
) -> TestResult:
    """Mann-Whitney U test (two-sided); effect size rank-biserial r = 2·U1/(n1·n2) − 1.

    The statistic is U1, the U of the **first** sample (as scipy). ``"auto"`` is
    exact when a sample has at most 8 values and there are no ties, else
    asymptotic (tie and continuity corrected). ``"exact"`` refuses ties.

    >>> from cx.stats import mann_whitney_u
    >>> r = mann_whitney_u([1, 2, 3], [4, 5, 6], method="exact")
    >>> r.statistic, round(r.p_value, 10)
    (0.0, 0.1)

    """

def anova_oneway(*groups: _Any, missing: _Literal["reject", "skip"] = "reject") -> TestResult:
    """One-way ANOVA F test; effect size eta squared.

    >>> from cx.stats import anova_oneway
    >>> r = anova_oneway([1, 2, 3], [3, 4, 5])
    >>> r.statistic, r.df, r.df2, round(r.p_value, 6)
    (6.0, 1.0, 4.0, 0.070484)

    """

def kruskal(*groups: _Any, missing: _Literal["reject", "skip"] = "reject") -> TestResult:
    """Kruskal-Wallis H test with tie correction; effect size epsilon squared.

    >>> from cx.stats import kruskal
    >>> r = kruskal([1, 2, 3], [4, 5, 6])
    >>> round(r.statistic, 6), round(r.p_value, 6)
    (3.857143, 0.049535)

    """

# --- dmaic ---

@_final
class TollgateReport:
    """The state of one phase's tollgate checklist."""

    @property
    def phase(self) -> str:
        """The phase checked."""
    @property
    def met(self) -> int:
        """Number of criteria met."""
    @property
    def total(self) -> int:
        """Number of criteria."""
    @property
    def passed(self) -> bool:
        """Whether every criterion is met."""
    @property
    def unmet(self) -> list[str]:
        """Labels of the unmet criteria."""
    @property
    def checks(self) -> list[dict[str, _Any]]:
        """One dict per criterion: ``criterion``, ``met``, ``label``."""

@_final
class Project:
    """A Six Sigma DMAIC project (see the DMAIC guide).

    Phases: ``define`` → ``measure`` → ``analyze`` → ``improve`` → ``control`` →
    ``closed``. Categories, roles, phases and statuses accept English or Chinese
    (``"人"``, ``"黑带"``, ``"分析"``, ``"完成"``).

    >>> from cx.dmaic import Project
    >>> p = Project("Cut repeat calls", owner="ops", problem="32% of calls repeat")
    >>> p.add_cause("法", "no callback script")
    'C1'
    >>> p.tollgate().met, p.tollgate().total
    (1, 5)

    """

    def __new__(
        cls,
        title: str,
        /,
        *,
        owner: str | None = None,
        problem: str | None = None,
        business_case: str | None = None,
    ) -> Project: ...
    @property
    def title(self) -> str:
        """Project title."""
    @property
    def owner(self) -> str | None:
        """Project owner."""
    @property
    def phase(self) -> str:
        """Current phase (``"define"`` ... ``"closed"``)."""
    @property
    def charter(self) -> dict[str, _Any]:
        """Charter: ``problem``, ``goal`` (metric, baseline, target, unit), scope, business case."""
    @property
    def team(self) -> list[dict[str, _Any]]:
        """Team members: ``name`` and ``role``."""
    @property
    def ctqs(self) -> list[dict[str, _Any]]:
        """CTQ tree branches: ``id``, ``voice``, ``need``, ``driver``, ``spec``."""
    @property
    def sipoc(self) -> dict[str, list[str]]:
        """SIPOC columns."""
    @property
    def data_collection_plan(self) -> list[dict[str, _Any]]:
        """Data collection plan rows."""
    @property
    def causes(self) -> list[dict[str, _Any]]:
        """Fishbone causes: ``id``, ``category``, ``text``, ``verified``, ``evidence``."""
    @property
    def actions(self) -> list[dict[str, _Any]]:
        """Improvement actions: ``id``, ``title``, ``owner``, ``due``, ``status``, ``causes``."""
    @property
    def control_plan(self) -> list[dict[str, _Any]]:
        """Control plan rows: ``metric``, ``chart``, ``rules``, ``reaction_plan``, ``owner``."""
    @property
    def signoffs(self) -> list[dict[str, _Any]]:
        """Sign-offs: ``phase``, ``by``, ``at`` (aware datetime)."""
    def fishbone(self) -> dict[str, list[dict[str, _Any]]]:
        """Causes grouped by the six M (people, machine, material, method, environment,
        measurement)."""
    def set_problem(self, text: str) -> None:
        """Set the charter's problem statement."""
    def set_business_case(self, text: str) -> None:
        """Set the charter's business case."""
    def set_scope(self, in_scope: list[str], out_scope: list[str] = ...) -> None:
        """Set what is in and out of scope."""
    def set_goal(
        self,
        metric: str,
        target: float,
        /,
        *,
        baseline: float | None = None,
        unit: str | None = None,
    ) -> None:
        """Set the goal: move ``metric`` (from ``baseline``) to ``target``."""
    def set_baseline(self, value: float) -> None:
        """Record the measured baseline of the goal metric (Measure)."""
    def add_member(self, name: str, role: str) -> None:
        """Add a team member.

        ``role``: champion, black_belt, green_belt, process_owner, member (or Chinese).
        """
    def add_ctq(
        self,
        id: str,
        /,
        *,
        lsl: float | None = None,
        usl: float | None = None,
        target: float | None = None,
        unit: str | None = None,
        voice: str = "",
        need: str = "",
        driver: str = "",
    ) -> None:
        """Add a CTQ-tree branch (voice of the customer → need → driver → CTQ with its spec)."""
    def set_sipoc(
        self,
        *,
        suppliers: list[str],
        inputs: list[str],
        process: list[str],
        outputs: list[str],
        customers: list[str],
    ) -> None:
        """Set the SIPOC."""
    def add_data_collection(
        self, metric: str, definition: str, /, *, source: str = "", sampling: str = ""
    ) -> None:
        """Add a data collection plan row (operational definition, source, sampling)."""
    def add_cause(self, category: str, text: str) -> str:
        """Add a fishbone cause in one of the six M (人机料法环测 or English); returns its id."""
    def verify_cause(self, id: str, evidence: str) -> None:
        """Mark a cause as a verified root cause, with the evidence."""
    def add_action(
        self,
        title: str,
        /,
        *,
        owner: str,
        due: _dt.date | str,
        causes: list[str] = ...,
    ) -> str:
        """Add an improvement action (status ``open``); returns its id."""
    def set_action_status(self, id: str, status: str) -> None:
        """Set an action's status: open, in_progress, done, cancelled (or 待办/进行中/完成/取消)."""
    def add_control(
        self,
        metric: str,
        /,
        *,
        chart: str,
        reaction_plan: str,
        rules: str | Sequence[int | str] | None = None,
        owner: str | None = None,
    ) -> None:
        """Add a control plan row.

        ``chart`` and ``rules`` take the names of :func:`cx.spc.control_chart`'s
        ``kind`` and ``rules``: ``chart`` one of xmr, xbar_r, xbar_s, r, s, p, np,
        c, u, laney_p, laney_u, ewma, cusum, g, t, run (``i_mr`` is read as xmr);
        ``rules`` ``"qcc"``, ``"nelson"``, ``"western_electric"`` (default),
        ``"none"`` or a list of rule codes such as ``["WE1"]`` or ``[1, 2, 5]``
        (``"basic"``, from older plans, is ``["WE1"]``).
        """
    def set_tollgate(self, phase: str, criteria: _Iterable[str | dict[str, _Any]]) -> None:
        """Replace a phase's checklist, e.g. ``["goal", {"kind": "ctqs", "min": 2}]``."""
    def tick(self, key: str) -> None:
        """Tick a manual checklist item (``{"kind": "manual", "key": ..., "label": ...}``)."""
    def tollgate(self, phase: str | None = None) -> TollgateReport:
        """Check a phase's tollgate now (default: the current phase)."""
    def advance(self, *, by: str, at: _dt.datetime) -> str:
        """Sign off the current phase and move to the next; returns the new phase.

        Raises:
            TollgateNotMetError: criteria unmet; ``.unmet`` lists them.
            MissingTimeZoneError: ``at`` is a naive datetime.
        """
    def open_items(self) -> list[str]:
        """Unmet criteria of the current phase, then open actions."""
    def to_json(self) -> str:
        """Serialize to JSON."""
    @staticmethod
    def from_json(text: str) -> Project:
        """Read a project written by :meth:`to_json`."""
    def to_dict(self) -> dict[str, _Any]:
        """The JSON form as a dict."""
    def to_yaml(self) -> str:
        """Serialize to YAML (needs PyYAML)."""
    @staticmethod
    def from_yaml(text: str) -> Project:
        """Read a project from YAML (needs PyYAML)."""
    def _repr_html_(self) -> str: ...

# --- spc ---

@final
class ControlChart:
    """A control chart: statistics, centre line, limits and run-rule verdicts.

    Per-point arrays (``center``, ``lcl``, ``ucl``, ``se``) always have one value
    per point, even when the limits are constant. ``secondary`` holds the
    companion chart (MR for ``xmr``, R for ``xbar_r``, S for ``xbar_s``).
    """

    @property
    def kind(self) -> str:
        """Chart kind (``individuals``, ``xbar``, ``r``, ``s``, ``p``, ...)."""
    @property
    def statistics(self) -> npt.NDArray[np.float64]:
        """Plotted statistic per point (NaN = missing)."""
    @property
    def center(self) -> npt.NDArray[np.float64]:
        """Centre line per point."""
    @property
    def lcl(self) -> npt.NDArray[np.float64]:
        """Lower control limit per point."""
    @property
    def ucl(self) -> npt.NDArray[np.float64]:
        """Upper control limit per point."""
    @property
    def se(self) -> npt.NDArray[np.float64]:
        """Standard error of each point's statistic (its zones' sigma)."""
    @property
    def sizes(self) -> npt.NDArray[np.float64] | None:
        """Subgroup sizes or units, when the chart has them."""
    @property
    def sigma(self) -> float:
        """Process sigma of the first stage (NaN for p/np/c/u)."""
    @property
    def nsigmas(self) -> float:
        """Limit width in standard errors (the z of probability limits)."""
    @property
    def sigma_method(self) -> str:
        """Name of the sigma estimator (``MR``, ``UWAVE-R``, ...)."""
    @property
    def phase1(self) -> int:
        """Number of phase I (calibration) points."""
    @property
    def violations(self) -> list[tuple[int, str]]:
        """(point, rule code) pairs, e.g. ``(12, "N2")`` or ``(3, "WE1")``."""
    @property
    def codes(self) -> npt.NDArray[np.uint8]:
        """Per point: lowest rule number violated (rule 1 wins), 0 when none."""
    @property
    def flags(self) -> npt.NDArray[np.uint8]:
        """Per point: bit ``r - 1`` set when rule ``r`` flags the point.

        For an individuals chart of a numpy array or Arrow column this is the
        chart's own read-only array (written in place, no copy); otherwise a copy.
        """
    @property
    def stages(self) -> list[dict[str, Any]]:
        """Stages with ``start``, ``end``, ``center``, ``sigma``, ``calibration_points``."""
    @property
    def secondary(self) -> ControlChart | None:
        """Companion chart (MR, R or S)."""
    @property
    def summary(self) -> str:
        """Plain-language summary of the chart."""
    def zone(self, k: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Zone boundaries ``center ± k·se`` per point."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python objects."""
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...
    def _repr_svg_(self) -> str: ...

def control_chart(
    data: Any,
    /,
    *,
    kind: Literal[
        "xmr",
        "xbar_r",
        "xbar_s",
        "r",
        "s",
        "p",
        "np",
        "c",
        "u",
        "laney_p",
        "laney_u",
        "ewma",
        "cusum",
        "g",
        "t",
        "run",
    ] = "xmr",
    sizes: Any = None,
    phase1: int | None = None,
    stages: Any = None,
    exclude: Any = None,
    rules: Literal["qcc", "nelson", "western_electric", "none"] | Sequence[int | str] | None = None,
    constants: Literal["exact", "qcc"] = "exact",
    nsigmas: float = 3.0,
    confidence: float | None = None,
    center: float | None = None,
    sigma: float | None = None,
    sigma_method: Literal[
        "auto", "mr", "sd", "uwave_r", "uwave_sd", "mvlue_r", "mvlue_sd", "rmsdf"
    ] = "auto",
    lambda_: float = 0.2,
    k: float = 0.5,
    h: float = 5.0,
) -> ControlChart:
    """Build a control chart.

    ``data``: values (``xmr``), a 2-D array with one subgroup per row or values
    with ``sizes`` = subgroup lengths (``xbar_r``, ``xbar_s``, ``r``, ``s``), or
    counts with ``sizes`` = units inspected (``p``, ``np``, ``u``, Laney).
    ``rules``: ``"qcc"`` (default: Western Electric 1 and 4, as qcc 3.0),
    ``"nelson"``, ``"western_electric"``, ``"none"`` or a list such as
    ``[1, 2, 5]`` (Nelson numbers) or ``["WE1", "WE4"]``. ``phase1``: only the
    first points calibrate the limits; later points are judged against them.
    ``stages``: a label per point, limits per stage. ``exclude``: points kept on
    the chart but left out of the limits. ``constants="qcc"`` reproduces qcc's
    rounded d2/d3 table. ``confidence`` gives probability limits (for Laney p′
    and u′: p̄ ± z·σ_pᵢ·σ_z with z the normal quantile, Laney 2002).
    ``ewma`` uses ``lambda_`` and ``nsigmas`` (exact time-varying limits);
    ``cusum`` uses the reference value ``k`` and decision interval ``h`` in
    standard errors (its ``secondary`` is the lower side, plotted as -C⁻); with
    ``stages`` both restart at each stage with the stage's centre and sigma.
    ``g``: counts of cases between events (geometric, Benneyan); ``t``: times
    between events (individuals chart on t^(1/3.6), limits transformed back);
    ``run``: median line and Anhøj's rules (codes ``A1`` long run, ``A2`` too
    few crossings; the analysis is described in ``sigma_method``), the median
    taken from ``phase1`` or fixed by ``center``.

    An individuals chart (``xmr``) of a numpy array or Arrow column reads the
    values in place: its ``statistics`` and ``secondary`` are read from
    ``data`` when first asked for, so do not modify ``data`` in place while
    you use the chart (pass a copy if you must).

    >>> import cx
    >>> c = cx.spc.control_chart([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], kind="xbar_r")
    >>> float(c.center[0])
    2.5
    >>> r = cx.spc.control_chart([3.0, 4.0, 5.0, 6.0], kind="run", center=2.0)
    >>> float(r.center[0])
    2.0

    """

@final
class Capability:
    """Process capability study (Cp ... Ppm with confidence intervals)."""

    @property
    def n(self) -> int:
        """Number of observations."""
    @property
    def center(self) -> float:
        """Grand mean."""
    @property
    def sigma_within(self) -> float:
        """Within-subgroup sigma (MR or UWAVE-R, as the chart estimates it)."""
    @property
    def sigma_overall(self) -> float:
        """Overall sample standard deviation."""
    @property
    def indices(self) -> list[tuple[str, float, float, float]]:
        """(name, value, lower, upper) for Cp, Cp_l, Cp_u, Cp_k, Cpm, Pp, Pp_l, Pp_u, Pp_k, Ppm."""
    @property
    def cp(self) -> float:
        """Cp (NaN with a one-sided specification)."""
    @property
    def cpk(self) -> float:
        """Cpk."""
    @property
    def cpm(self) -> float:
        """Cpm (Taguchi)."""
    @property
    def pp(self) -> float:
        """Pp."""
    @property
    def ppk(self) -> float:
        """Ppk."""
    @property
    def expected_within_pct(self) -> tuple[float, float]:
        """Expected % below LSL and above USL with the within sigma."""
    @property
    def expected_overall_pct(self) -> tuple[float, float]:
        """Expected % below LSL and above USL with the overall sigma."""
    @property
    def observed_pct(self) -> tuple[float, float]:
        """Observed % below LSL and above USL."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python objects."""
    def _repr_html_(self) -> str: ...

def capability(
    data: Any,
    /,
    *,
    lsl: float | None = None,
    usl: float | None = None,
    target: float | None = None,
    sizes: Any = None,
    level: float = 0.95,
    constants: Literal["exact", "qcc"] = "exact",
    sigma: float | None = None,
) -> Capability:
    """Process capability of individual values (``sizes=None``) or subgroups.

    >>> import cx
    >>> c = cx.spc.capability([9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 9.7, 10.1], lsl=9.0, usl=11.0)
    >>> c.cpk <= c.cp
    True

    """

@final
class SigmaLevel:
    """DPU, DPO, DPMO, yield and sigma level."""

    @property
    def dpu(self) -> float:
        """Defects per unit."""
    @property
    def dpo(self) -> float:
        """Defects per opportunity."""
    @property
    def dpmo(self) -> float:
        """Defects per million opportunities."""
    @property
    def yield_ratio(self) -> float:
        """1 - DPO."""
    @property
    def z_long_term(self) -> float:
        """Long-term z = Φ⁻¹(1 - DPO)."""
    @property
    def sigma_level(self) -> float:
        """z + shift."""
    @property
    def shift(self) -> float:
        """The shift used (1.5 by default)."""
    def to_dict(self) -> dict[str, float]:
        """Everything as a dict."""

def sigma_level(
    defects: float, units: float, opportunities: float, /, *, shift: float = 1.5
) -> SigmaLevel:
    """Sigma level from defects, units and opportunities per unit.

    >>> import cx
    >>> round(cx.spc.sigma_level(34, 10_000, 1_000).sigma_level, 3)
    6.0

    """

def dpmo_to_sigma(dpmo: float, /, *, shift: float = 1.5) -> float:
    """Sigma level of a DPMO (0 gives inf, 1e6 gives -inf).

    >>> import cx
    >>> round(cx.spc.dpmo_to_sigma(66_807), 3)
    3.0

    """

def sigma_to_dpmo(sigma: float, /, *, shift: float = 1.5) -> float:
    """DPMO of a sigma level.

    >>> import cx
    >>> round(cx.spc.sigma_to_dpmo(6.0), 1)
    3.4

    """

def first_time_yield(units: float, scrap: float, rework: float, /) -> float:
    """(units - scrap - rework) / units.

    >>> import cx
    >>> cx.spc.first_time_yield(100, 5, 10)
    0.85

    """

def rolled_throughput_yield(step_yields: Any, /) -> float:
    """Product of the steps' first-time yields.

    >>> import cx
    >>> round(cx.spc.rolled_throughput_yield([0.9, 0.95, 0.99]), 5)
    0.84645

    """

@final
class SpcMonitor:
    """Streaming phase II monitor: limits frozen, points pushed one at a time.

    Pickleable (through its JSON state), so a service can restart without
    forgetting a run in progress.

    >>> import cx
    >>> m = cx.spc.SpcMonitor(center=10.0, se=1.0, lcl=7.0, ucl=13.0, rules="nelson")
    >>> m.push(14.0)
    [(0, 'N1', [0])]

    """

    def __new__(
        cls,
        *,
        center: float,
        se: float,
        lcl: float,
        ucl: float,
        nsigmas: float = 3.0,
        rules: str | Sequence[int | str] | None = None,
    ) -> SpcMonitor: ...
    @staticmethod
    def from_chart(chart: ControlChart) -> SpcMonitor:
        """Freeze a chart's limits (those of its last point)."""
    @staticmethod
    def from_json(state: str) -> SpcMonitor:
        """Restore a state written by ``to_json``."""
    def to_json(self) -> str:
        """The state as JSON."""
    def push(self, value: float) -> list[tuple[int, str, list[int]]]:
        """Push one value; returns (index, rule code, points involved) per signal."""
    def push_many(self, values: Any) -> list[tuple[int, str, list[int]]]:
        """Push many values; returns every signal in order."""
    @property
    def count(self) -> int:
        """Points pushed so far."""
    @property
    def limits(self) -> tuple[float, float, float, float]:
        """(center, se, lcl, ucl)."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

# --- ops ---

@_final
class BusinessCalendar:
    """Business hours in an IANA time zone, with split shifts, holidays, make-up
    working days (调休) and weekly schedules that change on a date.

    ``hours`` is a list of ``"HH:MM-HH:MM"`` spans for Monday to Friday, or a dict
    ``{"mon": [...], ..., "sun": [...]}``. ``holidays`` and ``workdays`` hold dates
    (``datetime.date`` or ``"YYYY-MM-DD"``) or dicts ``{"date", "name", "hours"}``
    (a holiday with ``hours`` keeps those hours; a make-up day without ``hours``
    gets Monday's). ``changes`` maps an effective date to new weekly hours.

    Business time counts the seconds whose local wall-clock time is open
    (Zendesk's and dbt_zendesk's convention), exactly across DST.

    >>> import cx, datetime as dt
    >>> cal = cx.ops.BusinessCalendar("Asia/Shanghai", ["09:00-12:00", "13:30-18:00"])
    >>> tz = dt.timezone(dt.timedelta(hours=8))
    >>> cal.duration(dt.datetime(2024, 3, 4, 11, tzinfo=tz), dt.datetime(2024, 3, 4, 14, tzinfo=tz))
    5400
    >>> cal.add(dt.datetime(2024, 3, 4, 11, tzinfo=tz), 3601).isoformat()
    '2024-03-04T13:30:01+08:00'

    """

    def __new__(
        cls,
        time_zone: str,
        /,
        hours: list[str] | dict[str, list[str]],
        *,
        holidays: list[_Any] | None = None,
        workdays: list[_Any] | None = None,
        changes: dict[_Any, _Any] | None = None,
    ) -> BusinessCalendar: ...
    @staticmethod
    def from_json(text: str) -> BusinessCalendar:
        """Calendar from its JSON form (see ``to_json``)."""
    @staticmethod
    def china(years: int | list[int], /) -> BusinessCalendar:
        """Mainland-China office calendar: Asia/Shanghai, Mon–Fri 09:00–12:00 and
        13:30–18:00, with the official holidays and 调休 make-up days of 2024
        (国办发明电〔2023〕7号) and 2025 (国办发明电〔2024〕12号).

        >>> import cx
        >>> cx.ops.BusinessCalendar.china(2024).is_open("2024-10-12T10:00:00+08:00")
        True

        """
    @staticmethod
    def always() -> BusinessCalendar:
        """Round-the-clock UTC calendar (business time = calendar time)."""
    def to_json(self) -> str:
        """The calendar as JSON (round-trips through ``from_json``)."""
    @property
    def time_zone(self) -> str:
        """IANA time zone name."""
    def duration(self, start: _dt.datetime | str, end: _dt.datetime | str, /) -> int:
        """Business seconds from ``start`` to ``end`` (negative if ``end < start``)."""
    def add(self, start: _dt.datetime | str, seconds: int, /) -> _dt.datetime:
        """Earliest instant at which ``seconds`` business seconds after ``start`` have
        elapsed; outside hours it starts at the next opening, and it lands on a
        closing time rather than the next opening."""
    def is_open(self, at: _dt.datetime | str, /) -> bool:
        """Whether ``at`` is inside business hours."""

@_final
class MetricDefinitions:
    """Named definitions of the ticket metrics; defaults follow Zendesk.

    ``agent_created``: ``second_public_agent_comment`` (Zendesk),
    ``first_after_creation`` or ``first_public_agent_comment``;
    ``business_rule``: ``zendesk`` or ``day_by_day``; ``validation``: ``strict``
    or ``collect``; ``status_times_as_of``: count status times up to this instant
    instead of the latest solve; ``repeat_window_days``: repeat-contact FCR window.

    >>> import cx
    >>> cx.ops.MetricDefinitions(validation="collect")  # doctest: +ELLIPSIS
    MetricDefinitions(...)

    """

    def __new__(
        cls,
        *,
        agent_created: str = "second_public_agent_comment",
        business_rule: str = "zendesk",
        validation: str = "strict",
        status_times_as_of: _dt.datetime | str | None = None,
        repeat_window_days: int = 7,
    ) -> MetricDefinitions: ...

@_final
class SlaPolicy:
    """An SLA policy: targets in seconds per metric (``first_reply``, ``next_reply``,
    ``periodic_update``, ``requester_wait``, ``resolution``), as an int (business
    hours) or a dict ``{"target_secs", "hours": "business"|"calendar", "pause_in": [...]}``;
    conditions on priorities and channels (empty = any). The first matching
    policy applies (Zendesk).

    >>> import cx
    >>> cx.ops.SlaPolicy("urgent", targets={"first_reply": 3600}, priorities=["urgent"])
    SlaPolicy("urgent", targets=1)

    """

    def __new__(
        cls,
        name: str,
        /,
        *,
        targets: dict[str, _Any],
        priorities: list[str] | None = None,
        channels: list[str] | None = None,
    ) -> SlaPolicy: ...
    @property
    def name(self) -> str:
        """Policy name."""

def _log_issues(events: _Any, /) -> list[dict[str, _Any]]: ...
def _ticket_metrics(
    events: _Any,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    definitions: MetricDefinitions | None = None,
) -> _Any: ...
def _sla_status(
    events: _Any,
    /,
    *,
    policies: _Any,
    as_of: _Any,
    calendar: BusinessCalendar | None = None,
    priority_change: str = "at_start",
    validation: str = "strict",
) -> _Any: ...
def _sla_compliance(
    events: _Any,
    /,
    *,
    policies: _Any,
    as_of: _Any,
    calendar: BusinessCalendar | None = None,
    by: str = "all",
    confidence: float = 0.95,
    priority_change: str = "at_start",
    validation: str = "strict",
) -> _Any: ...
def _sla_history(
    events: _Any,
    /,
    *,
    policies: _Any,
    as_of: _Any,
    calendar: BusinessCalendar | None = None,
    priority_change: str = "recalculate",
) -> _Any: ...
def _backlog(
    events: _Any, /, *, start: _Any, end: _Any, period: str = "day", time_zone: str = "UTC"
) -> _Any: ...
def _age_buckets(events: _Any, /, *, at: _Any, edges_secs: list[int]) -> _Any: ...
def _summarize(
    values: _Any,
    /,
    *,
    by: list[str | None],
    quantiles: list[float] = ...,
    alpha: float = 0.01,
    exact: bool = False,
) -> _Any: ...

# --- cases ---

@final
class _Router:
    """Compiled routing rules and taxonomy (wrapped by `cx.cases.Router`)."""

    def __new__(cls, rules_json: str, topics_json: str, /) -> _Router: ...
    def route_many(
        self,
        channel: list[str | None],
        kind: list[str | None],
        nps: list[int | None],
        csat: list[int | None],
        segment: list[str | None],
        text: list[str | None],
        /,
    ) -> list[str]: ...

@final
class _CaseStore:
    """The SQLite case store for one principal (wrapped by `cx.cases.CaseStore`)."""

    def __new__(cls, path: str, principal_json: str, /) -> _CaseStore: ...
    def schema_version(self) -> int: ...
    def create_many(self, cases_json: str, /) -> int: ...
    def get(self, id: str, /) -> str: ...
    def change(self, id: str, version: int, change_json: str, at: str, /) -> str: ...
    def list_cases(self, team: str | None, state: str | None, limit: int | None, /) -> str: ...
    def audit(self, id: str, /) -> str: ...
    def insert_events(
        self, case_id: list[str], at: list[int], kind: list[str], actor: list[str], /
    ) -> int: ...
    def count_events(self, case_id: str | None, /) -> int: ...
    def escalate_at_risk(
        self,
        policies: list[SlaPolicy],
        calendar: BusinessCalendar | None,
        as_of: str,
        at_share: float,
        /,
    ) -> str: ...
    def loop_metrics(self, as_of: str, contact_within_secs: int, level: float, /) -> str: ...

# --- kano ---

@final
class KanoTally:
    """Mergeable Kano state: category counts (A, O, M, I, R, Q) and missing pairs per attribute.

    `update` classifies a batch of answer pairs in place; `merge` returns a NEW tally
    (counts add per attribute name). The state round-trips through versioned bytes
    (`to_bytes` / `from_bytes`, also used by pickle); bad bytes raise `FormatError`.

    >>> a, b = KanoTally(), KanoTally()
    >>> a.update("app", ["like", "must-be"], ["dislike", "dislike"])
    >>> b.update("app", ["喜欢", None], ["无所谓", "dislike"])
    >>> t = a.merge(b)
    >>> t.finish().categories
    [('app', 'must-be')]

    """

    def __init__(self) -> None: ...
    def update(self, attribute: str, functional: object, dysfunctional: object, /) -> None:
        """Classify answer pairs (text, codes 1-5 or None; lists or Arrow arrays) and add them."""
    def add_counts(self, attribute: str, counts: dict[str, int], /, *, n_missing: int = 0) -> None:
        """Add aggregated counts (e.g. from SQL): `{category: count}`, categories as letters
        (`"A"`, `"O"`, `"M"`, `"I"`, `"R"`, `"Q"`) or names (`"must-be"`, ...)."""
    def merge(self, other: KanoTally) -> KanoTally:
        """A new tally holding both."""
    @property
    def attributes(self) -> list[str]:
        """Attribute names in order of first appearance."""
    def finish(
        self,
        *,
        questionable_max_share: float = 0.05,
        reverse_max_share: float = 0.10,
        fong_z: float = 1.65,
    ) -> KanoSummary:
        """Per-attribute results (raises `EmptyInputError` for an empty tally)."""
    def to_bytes(self) -> bytes:
        """The versioned binary state."""
    @classmethod
    def from_bytes(cls, data: bytes) -> KanoTally:
        """Read a state written by `to_bytes` (raises `FormatError` for bad bytes)."""
    def __reduce__(self) -> tuple[object, tuple[bytes]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class KanoSummary:
    """Per-attribute Kano results: counts, shares, category by mode, Better/Worse, Fong's test.

    >>> t = KanoTally()
    >>> t.update("app", ["like", "like", "neutral"], ["neutral", "dislike", "dislike"])
    >>> s = t.finish()
    >>> s.to_dict()["attributes"][0]["better"]
    0.6666666666666666

    """

    @property
    def attributes(self) -> list[str]:
        """Attribute names, in order."""
    @property
    def categories(self) -> list[tuple[str, str | None]]:
        """(attribute, category by mode); `None` for an attribute without answers."""
    @property
    def warnings(self) -> list[str]:
        """Questionnaire-quality warnings (Q or R share above its threshold), as sentences."""
    def table(self) -> GroupedTable:
        """One row per attribute (see `cx.kano.KanoResult.table` for the columns)."""
    def scatter(self) -> list[dict[str, Any]]:
        """Better/Worse diagram data: `attribute`, `x` = |Worse|, `y` = Better (0-1),
        `category` (mode) and `quadrant` (split at 0.5; a reading aid, not a test)."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python values."""
    def _repr_html_(self) -> str: ...
    def __len__(self) -> int: ...

@final
class ParetoTally:
    """Mergeable Pareto state: count and summed weight per cause, in first-seen order.

    `update` adds causes in place (one per value, or split into tags with `tags=True`);
    `merge` returns a NEW tally (new causes appended in the other's order, so merging
    partitions in row order keeps the whole's first-seen order). Versioned bytes as
    `KanoTally`.

    >>> a, b = ParetoTally(), ParetoTally()
    >>> a.update(["late;refund", ""], tags=True)
    >>> b.update(["late"])
    >>> t = a.merge(b)
    >>> t.causes, t.n_missing
    ([('late', 2, 2.0), ('refund', 1, 1.0)], 1)

    """

    def __init__(self) -> None: ...
    def update(
        self,
        values: object,
        /,
        *,
        weights: object | None = None,
        tags: bool = False,
        separators: list[str] | None = None,
    ) -> None:
        """Add causes (null or blank = missing); `weights` finite and >= 0."""
    def add(self, cause: str, count: int, /, *, weight: float | None = None) -> None:
        """Add aggregated totals of one cause (`weight` defaults to `count`)."""
    def merge(self, other: ParetoTally) -> ParetoTally:
        """A new tally holding both."""
    @property
    def n_rows(self) -> int:
        """Rows seen by `update`."""
    @property
    def n_missing(self) -> int:
        """Rows without a cause."""
    @property
    def causes(self) -> list[tuple[str, int, float]]:
        """(cause, count, weight) in order of first appearance."""
    def finish(
        self,
        *,
        cut: float = 0.8,
        top: int | None = None,
        min_share: float | None = None,
        other: str = "Other",
        ties: str = "first-seen",
    ) -> ParetoSummary:
        """The sorted table (see `cx.pareto` for the options)."""
    def to_bytes(self) -> bytes:
        """The versioned binary state."""
    @classmethod
    def from_bytes(cls, data: bytes) -> ParetoTally:
        """Read a state written by `to_bytes` (raises `FormatError` for bad bytes)."""
    def __reduce__(self) -> tuple[object, tuple[bytes]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class ParetoSummary:
    """The sorted Pareto table with cumulative shares and the vital few.

    >>> t = ParetoTally()
    >>> t.add("late", 6)
    >>> t.add("refund", 3)
    >>> t.add("rude", 1)
    >>> s = t.finish(cut=0.8)
    >>> s.vital_few, [r["cum_share"] for r in s.to_dict()["rows"]]
    (['late', 'refund'], [0.6, 0.9, 1.0])

    """

    @property
    def vital_few(self) -> list[str]:
        """Causes of the vital few, in table order."""
    @property
    def causes(self) -> list[str]:
        """Causes in table order ("Other" last when present)."""
    @property
    def total(self) -> float:
        """Sum of values (mentions, or weights)."""
    @property
    def n_rows(self) -> int:
        """Rows seen."""
    @property
    def n_missing(self) -> int:
        """Rows without a cause."""
    @property
    def weighted(self) -> bool:
        """Whether values are weights."""
    @property
    def cut(self) -> float:
        """The cut used."""
    def table(self) -> GroupedTable:
        """The table: `cause`, `count`, `weight`, `share`, `cum_share`, `vital`,
        `is_other`, `n_causes`."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python values."""
    def _repr_html_(self) -> str: ...
    def __len__(self) -> int: ...

def _kano_classify_arrow(
    table: _Any,
    pairs: list[tuple[str, str, str]],
    /,
    *,
    respondents: bool = False,
    questionable_max_share: float = 0.05,
    reverse_max_share: float = 0.10,
    fong_z: float = 1.65,
) -> tuple[KanoSummary, GroupedTable | None]: ...
def _pareto_arrow(
    table: _Any,
    column: str,
    /,
    *,
    tags: bool = False,
    separators: list[str] | None = None,
    weights: str | None = None,
    cut: float = 0.8,
    top: int | None = None,
    min_share: float | None = None,
    other: str = "Other",
    ties: str = "first-seen",
) -> ParetoSummary: ...

# --- journey ---

@final
class Journey:
    """A customer journey: ordered stages, each with actions, thoughts and touchpoints.

    Each touchpoint has an `id` (unique in the journey), a `name`, a `channel`
    (`in_app`, `phone`, ... or a Chinese name such as 电话), an optional `owner_team` and
    an optional `expected_emotion` on −1 … +1. Build one with `from_json`, `from_yaml`
    (needs PyYAML), `from_dict` or `load`; duplicate stage or touchpoint ids raise
    `InvalidValueError` naming the id.

    >>> j = Journey.from_dict({"name": "j", "stages": [{"id": "buy", "name": "购买",
    ...     "touchpoints": [{"id": "pay", "name": "支付", "channel": "in_app"}]}]})
    >>> j
    Journey("j", stages=1, touchpoints=1)

    """

    @staticmethod
    def from_json(text: str) -> Journey:
        """Parse and validate a journey from JSON text."""
    @staticmethod
    def from_dict(data: Any) -> Journey:
        """A journey from a JSON-like dict (as `to_dict` returns)."""
    @staticmethod
    def from_yaml(text: str) -> Journey:
        """Parse a journey from YAML text (needs PyYAML: `pip install pyyaml`).

        >>> j = Journey.from_yaml('''
        ... name: j
        ... stages:
        ...   - id: buy
        ...     name: 购买
        ...     touchpoints: [{id: pay, name: 支付, channel: in_app, expected_emotion: 0.5}]
        ... ''')
        >>> pay = j.touchpoints[0]
        >>> pay.get("expected_emotion")
        0.5

        """
    @staticmethod
    def load(path: str | os.PathLike[str]) -> Journey:
        """Read a journey file: YAML for `.yaml`/`.yml`, JSON otherwise."""
    def to_dict(self) -> dict[str, Any]:
        """The journey as a JSON-like dict (round-trips through `from_dict`)."""
    def to_json(self) -> str:
        """The journey as pretty-printed JSON."""
    @property
    def name(self) -> str:
        """Name of the journey."""
    @property
    def stages(self) -> list[dict[str, Any]]:
        """The stages in order, as dicts (`id`, `name`, `actions`, `thoughts`, `touchpoints`)."""
    @property
    def touchpoints(self) -> list[dict[str, Any]]:
        """Every touchpoint in stage order, as a dict with its `stage_id`."""
    def __len__(self) -> int:
        """Number of stages."""
    def _repr_html_(self) -> str:
        """The stages and touchpoints as an HTML table."""

@final
class JourneyAnalysis:
    """Result of `cx.journey.analyze`.

    Tables come as frames of the kind passed in (pandas, polars, pyarrow; a `GroupedTable`
    for other Arrow objects). Findings are lists of dicts with `touchpoint_id`, `stage_id`,
    `kind`, `n`, `score`, `gap`, `statistic` (Welch t), `p_value`, `q_value`
    (Benjamini–Hochberg), `impact` and `reason`.
    """

    @property
    def touchpoints(self) -> Any:
        """One row per touchpoint in journey order: `touchpoint_id`, `name`, `stage_id`,
        `channel`, `owner_team`, `expected_emotion`, `n` (scored responses), `score`, `gap`
        (touchpoint minus the rest of the journey) with `gap_ci_low`/`gap_ci_high`,
        `statistic` (Welch t), `df`, `p_value`, `q_value`, `finding`, `low_n`, then `volume`
        (rows), `nps`/`csat`/`ces` with intervals and counts, `n_complaints`,
        `complaint_share` (0–1) with its Wilson interval."""
    @property
    def stages(self) -> Any:
        """One row per stage in journey order: `stage_id`, `name`, `n`, `score` with the
        metric's own interval (`ci_low`, `ci_high`), then the metric columns as for
        touchpoints."""
    @property
    def emotion_curve(self) -> Any:
        """The emotion curve: per stage in order `step`, `stage_id`, `name`, `n`, `score`,
        `ci_low`, `ci_high`, `emotion` (the score on −1 … +1) with `emotion_ci_low` /
        `emotion_ci_high`, `expected_emotion` (mean of the stage's touchpoints) and
        `emotion_gap` = emotion − expected."""
    @property
    def pain_points(self) -> list[dict[str, Any]]:
        """Touchpoints significantly below the rest (BH `q ≤ fdr`), most costly first."""
    @property
    def delight_points(self) -> list[dict[str, Any]]:
        """Touchpoints significantly above the rest, largest impact first."""
    @property
    def opportunities(self) -> list[dict[str, Any]]:
        """High-volume touchpoints with a middling score, largest potential first."""
    @property
    def score(self) -> str:
        """The analysed metric: `"nps"`, `"csat"` or `"ces"`."""
    @property
    def journey_score(self) -> float | None:
        """The score over all matched, scored responses."""
    @property
    def n(self) -> int:
        """Matched, scored responses."""
    @property
    def fdr(self) -> float:
        """The false discovery rate used."""
    @property
    def unmatched(self) -> dict[str | None, int]:
        """Rows left out with `unknown="count"`: touchpoint value (None = missing) → rows."""
    @property
    def n_unmatched(self) -> int:
        """Number of rows left out as unmatched."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python: options, tables as lists of row dicts, findings."""
    def _repr_html_(self) -> str:
        """The touchpoints with score, gap, q and finding as an HTML table."""

@final
class JourneyPaths:
    """Result of `cx.journey.paths`; tables come as frames of the kind passed in."""

    @property
    def transitions(self) -> Any:
        """`from`, `to`, `count`: consecutive events of one customer, most frequent first."""
    @property
    def top_paths(self) -> Any:
        """`path` (nodes joined by " → "), `length`, `count`, `share` of customers."""
    @property
    def drop_off(self) -> Any | None:
        """Per stage (needs a journey): `stage_id`, `name`, `visited`, `reached`, `dropped`,
        `drop_off_rate`; None without a journey."""
    @property
    def n_events(self) -> int:
        """Events used."""
    @property
    def n_customers(self) -> int:
        """Customers with at least one event used."""
    @property
    def n_unmatched(self) -> int:
        """Events left out with `unknown="count"`."""
    @property
    def n_distinct_paths(self) -> int:
        """Number of distinct whole paths."""
    def sankey(self) -> dict[str, list[dict[str, Any]]]:
        """Sankey data: `nodes` (`id`, `label`, `step`, `count`) and `links` (`source`,
        `target` as indices into `nodes`, `value`), ready for plotly's `go.Sankey`."""
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python."""
    def _repr_html_(self) -> str:
        """The top paths as an HTML table."""

def benjamini_hochberg(p_values: Any, /) -> list[float]:
    """Benjamini–Hochberg adjusted p-values, in input order.

    `q₍ᵢ₎ = min_{k ≥ i} min(1, m·p₍ₖ₎/k)` over the ascending p-values (Benjamini & Hochberg
    1995); rejecting `q ≤ α` controls the false discovery rate at `α`. The same as
    statsmodels `multipletests(p, method="fdr_bh")[1]` and R `p.adjust(p, "BH")`.
    A value outside 0–1 or NaN raises `InvalidValueError` naming its position.

    >>> q = [round(q, 4) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.2])]
    >>> q
    [0.04, 0.0533, 0.0533, 0.2]

    """

def moments_of_truth(
    touchpoints: Sequence[str], importance: Sequence[float], /, *, cumulative_share: float = 0.8
) -> list[dict[str, Any]]:
    """Rank touchpoints by a driver-analysis importance: the moments of truth.

    Sorted by importance (ties in input order), keeping the smallest set whose cumulative
    share of the total (negative importances count as 0) reaches `cumulative_share` (1.0
    keeps all). Each entry has `touchpoint_id`, `importance`, `share` and `rank`.

    >>> top = moments_of_truth(["app", "call", "pay"], [0.1, 0.6, 0.3], cumulative_share=0.8)
    >>> [m["touchpoint_id"] for m in top]
    ['call', 'pay']

    """

def _journey_analyze(
    journey: Journey,
    table: Any,
    /,
    *,
    frame_kind: str,
    touchpoint: str,
    score: str,
    nps: str,
    csat: str,
    ces: str,
    kind: str | None,
    complaint: list[str],
    fdr: float,
    level: float,
    unknown: str,
    min_n: int,
    opportunity_volume: float,
) -> JourneyAnalysis: ...
def _journey_paths(
    table: Any,
    /,
    *,
    frame_kind: str,
    customer: str,
    time: str,
    touchpoint: str,
    journey: Journey | None = None,
    top: int = 10,
    max_steps: int = 5,
    unknown: str = "error",
    level: str = "touchpoint",
    tz: str | None = None,
) -> JourneyPaths: ...
def _journey_experience(
    journey: Journey,
    table: Any,
    /,
    *,
    frame_kind: str,
    customer: str,
    touchpoint: str,
    score: str,
    unknown: str,
    outcomes: Any = None,
    outcome: str = "nps",
) -> Any: ...

# --- segments ---

@final
class RfmResult:
    """RFM scores and segments of transactions, from `cx.rfm`.

    >>> import pyarrow as pa
    >>> t = pa.table({"customer_id": [1, 2], "date": ["2024-01-01", "2024-01-09"], "amount": [5.0, 9.0]})
    >>> r = cx.rfm(t, bins=2, segments=[])
    >>> r.n_customers, str(r.as_of)
    (2, '2024-01-10')

    """

    @property
    def table(self) -> _Any:
        """One row per customer, a frame of the caller's type: `customer`,
        `first_purchase`, `last_purchase`, `recency_days`, `frequency`, `monetary`,
        `recency_score`, `frequency_score`, `monetary_score`, `rfm_score`
        (100·R + 10·F + M, as the R `rfm` package) and `segment` (categorical)."""
    @property
    def thresholds(self) -> _Any:
        """Per dimension and score: `customers`, observed `min` and `max`, and the bin's
        defining interval (`above`, `up_to`] (null at the open ends and for `ntile`)."""
    @property
    def segments(self) -> _Any:
        """Per segment (rule order, then "Others"): `customers`, `share`, `purchases`, `amount`."""
    @property
    def breaks(self) -> list[tuple[str, list[float]]]:
        """The `bins − 1` breaks of each dimension in value order (recency in days)."""
    @property
    def segment_counts(self) -> list[tuple[str, int]]:
        """(segment, customers) in rule order, then "Others"."""
    @property
    def as_of(self) -> _dt.date:
        """The analysis date."""
    @property
    def n_customers(self) -> int:
        """Customers scored (those with at least one purchase)."""
    @property
    def n_rows(self) -> int:
        """Transaction rows read."""
    @property
    def n_excluded(self) -> int:
        """Rows after `as_of` left out (`after_as_of="exclude"`)."""
    @property
    def n_without_purchase(self) -> int:
        """Customers with only refunds (`negative="net"`), not scored."""
    @property
    def warnings(self) -> list[str]:
        """Notes, such as scores left empty because many customers share a value."""
    def to_dict(self) -> dict[str, _Any]:
        """Summary (as-of date, counts, breaks, segment counts, warnings) as plain values."""
    def _repr_html_(self) -> str: ...

@final
class RetentionResult:
    """Retention per period, repeat-purchase rate and cohort table, from `cx.retention`.

    >>> import pyarrow as pa
    >>> t = pa.table({"customer_id": ["a", "a"], "date": ["2024-01-05", "2024-02-01"]})
    >>> cx.retention(t).repeat_rate
    1.0

    """

    @property
    def periods(self) -> _Any:
        """One row per period: `period` (start), `end`, `partial`, `customers_start` (S),
        `customers_end` (E), `new_customers` (N), `retained`, `reactivated`,
        `retention_rate` ((E − N)/S) and `churn_rate` (1 − CRR)."""
    @property
    def cohorts(self) -> _Any:
        """Cohort table, long: `cohort`, `period` (0 = first-purchase period),
        `period_start`, `cohort_size`, `active`, `share`."""
    @property
    def cohort_matrix(self) -> _Any:
        """Cohort table, wide: `cohort`, `cohort_size`, then a column per period since (`"0"`, `"1"`, …)."""
    @property
    def repeat_rate(self) -> float:
        """Customers with at least two purchases / customers."""
    @property
    def n_customers(self) -> int:
        """Customers with at least one purchase."""
    @property
    def n_repeat(self) -> int:
        """Customers with at least two purchases."""
    @property
    def n_excluded(self) -> int:
        """Rows after `as_of` left out."""
    @property
    def as_of(self) -> _dt.date:
        """The last date counted."""
    @property
    def freq(self) -> str:
        """Period length."""
    @property
    def active_days(self) -> int | None:
        """Trailing activity window in days (`None`: active = bought in the period)."""
    def to_dict(self) -> dict[str, _Any]:
        """Summary with one dict per period."""
    def _repr_html_(self) -> str: ...

def _rfm_arrow(
    table: _Any,
    /,
    *,
    customer: str,
    date: str,
    amount: str,
    order: str | None = None,
    as_of: int | None = None,
    bins: int = 5,
    method: str = "quantile",
    cuts: dict[str, _Any] | None = None,
    monetary: str = "sum",
    segments: _Any = None,
    labels: str = "en",
    negative: str = "reject",
    after_as_of: str = "reject",
    kind: str = "pyarrow",
) -> RfmResult: ...
def _retention_arrow(
    table: _Any,
    /,
    *,
    customer: str,
    date: str,
    freq: str = "month",
    active_days: int | None = None,
    as_of: int | None = None,
    after_as_of: str = "reject",
    kind: str = "pyarrow",
) -> RetentionResult: ...

# --- drivers ---

@final
class KeyDrivers:
    """The result of `cx.drivers.analyze`: per-driver importance, R², counts and warnings.

    >>> kd = cx.drivers.analyze({"y": [3, 5, 4, 8, 9, 7], "a": [1, 3, 2, 5, 6, 4],
    ...                          "b": [2, 1, 3, 3, 2, 4]}, outcome="y")
    >>> kd.n_used, kd.lmg_method, kd.method
    (6, 'exact', 'lmg')

    """

    @property
    def outcome(self) -> str:
        """The outcome column."""
    @property
    def table(self) -> Any:
        """One row per driver, as a frame of the caller's kind (see `cx.drivers.analyze`)."""
    @property
    def r_squared(self) -> float:
        """R² of the full OLS model on the complete rows."""
    @property
    def adj_r_squared(self) -> float:
        """Adjusted R²: `1 − (1 − R²)(n − 1)/(n − p − 1)`."""
    @property
    def r_squared_ci(self) -> tuple[float, float] | None:
        """Bootstrap percentile interval of R², or None without `bootstrap`."""
    @property
    def n_rows(self) -> int:
        """Rows in the input."""
    @property
    def n_used(self) -> int:
        """Complete rows used (no missing outcome or driver)."""
    @property
    def n_dropped(self) -> int:
        """Rows dropped by listwise deletion."""
    @property
    def outcome_missing(self) -> int:
        """Missing values of the outcome column."""
    @property
    def lmg_method(self) -> str:
        """`"exact"` (all subsets) or `"sampled"` (random orderings; see `lmg_se`)."""
    @property
    def method(self) -> str:
        """Importance measure of the matrix and the ranking."""
    @property
    def bootstrap(self) -> int:
        """Bootstrap replicates asked for."""
    @property
    def bootstrap_failed(self) -> int:
        """Replicates skipped because a resampled column was constant or collinear."""
    @property
    def level(self) -> float:
        """Confidence level of the intervals."""
    @property
    def warnings(self) -> list[str]:
        """Collinearity (VIF > 5, > 10), dropped rows, small samples, sampled LMG."""
    def importance_performance(self) -> dict[str, Any]:
        """Data of the importance–performance matrix (Martilla & James 1977).

        Keys: `method`, `importance_cut`, `performance_cut` and `points`, one dict per
        driver with `driver`, `importance`, `performance` and `quadrant` (`"keep up the
        good work"`, `"concentrate here"`, `"low priority"`, `"possible overkill"`).

        >>> kd = cx.drivers.analyze({"y": [3, 5, 4, 8, 9, 7], "a": [1, 3, 2, 5, 6, 4],
        ...                          "b": [2, 1, 3, 3, 2, 4]}, outcome="y")
        >>> [p["quadrant"] for p in kd.importance_performance()["points"]]
        ['keep up the good work', 'low priority']

        """
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python objects (JSON-ready)."""
    def _repr_html_(self) -> str: ...

def _drivers_arrow(
    table: object,
    /,
    *,
    outcome: str,
    drivers: list[str] | None = None,
    method: str = "lmg",
    bootstrap: int = 0,
    seed: int = 0,
    level: float = 0.95,
    exact_max: int = 20,
    permutations: int = 2000,
    importance_cut: float | None = None,
    performance_cut: float | None = None,
    kind: str = "pyarrow",
    progress: _Callable[[str, int, int], object] | None = None,
) -> KeyDrivers:
    """The work behind `cx.drivers.analyze` on an Arrow table (private)."""

# --- report ---

def _chart_svg(spec: str, /, *, lang: str = "en") -> str:
    """Render one chart given as JSON (``{"kind": "line" | "pareto" | ...}``) to SVG."""

def _render_report(spec: str, /) -> str:
    """Render a whole report given as JSON to one self-contained HTML page."""

def _control_view(chart: ControlChart, /, *, title: str = "", x: list[str] | None = None) -> str:
    """The drawable view of a control chart as a JSON chart spec (``kind = "control"``)."""

def _control_summary(chart: ControlChart, /) -> str:
    """The facts of ``chart.summary`` as a JSON report note (``kind = "control_summary"``),
    worded in the report's language when rendered."""

# --- scale ---

def _summary_state(
    table: object,
    /,
    *,
    score: str,
    metric: str = "nps",
    by: list[str] = ...,
    time: str | None = None,
    freq: str = "month",
    tz: str | None = None,
    scale: str | None = None,
) -> bytes:
    """The serialized summary state of one partition (private; see `cx.dask`, `cx.spark`)."""

def _summary_state_from_counts(
    table: object,
    /,
    *,
    score: str,
    count: str,
    metric: str = "nps",
    by: list[str] = ...,
    freq: str = "month",
    scale: str | None = None,
) -> bytes:
    """The serialized summary state of (keys, score, count) rows (private)."""

def _merge_states(states: list[bytes], /) -> bytes:
    """Merge serialized summary states (private); `FormatError` for bad bytes."""

def _finish_summary(
    state: bytes,
    /,
    *,
    metric: str = "nps",
    freq: str = "month",
    ci: str | None = None,
    level: float = 0.95,
    scale: str | None = None,
    min_n: int = 30,
) -> GroupedTable:
    """The `cx.summarize` table of a merged summary state (private)."""

def _counts_state(
    table: object,
    /,
    *,
    by: list[str] = ...,
    sums: list[str] = ...,
    time: str | None = None,
    freq: str = "month",
    tz: str | None = None,
) -> bytes:
    """The serialized counts-by-key state of one partition (private)."""

def _counts_table(state: bytes, /, *, sums: list[str] = ..., freq: str = "month") -> GroupedTable:
    """The table of a merged counts-by-key state (private)."""

def _subgroup_state(
    table: object,
    /,
    *,
    value: str,
    by: list[str] = ...,
    time: str | None = None,
    freq: str = "day",
    tz: str | None = None,
) -> bytes:
    """The serialized per-subgroup moments (n, mean, M2, min, max) of one partition (private)."""

def _merge_subgroup_states(states: list[bytes], /) -> bytes:
    """Merge serialized subgroup-moment states (private); `FormatError` for bad bytes."""

def _subgroup_table(state: bytes, /) -> GroupedTable:
    """Keys, n, n_missing, mean, range, sd per subgroup of a merged state (private)."""

def _subgroup_chart(
    state: bytes,
    /,
    *,
    chart: Literal["xbar_r", "xbar_s"] = "xbar_r",
    phase1: int | None = None,
    stages: Any = None,
    exclude: Any = None,
    rules: Literal["qcc", "nelson", "western_electric", "none"] | Sequence[int | str] | None = None,
    constants: Literal["exact", "qcc"] = "exact",
    nsigmas: float = 3.0,
    confidence: float | None = None,
    center: float | None = None,
    sigma: float | None = None,
    sigma_method: Literal[
        "auto", "mr", "sd", "uwave_r", "uwave_sd", "mvlue_r", "mvlue_sd", "rmsdf"
    ] = "auto",
) -> ControlChart:
    """The x̄/R or x̄/S chart of a merged subgroup-moment state, subgroups in key order (private)."""

# --- scale (ticket aggregates) ---

def _ticket_agg_state(
    table: object, /, *, by: list[str], metrics: list[str], alpha: float = 0.01
) -> bytes:
    """The serialized `TicketAggregates` state of a per-ticket metrics table (private;
    see `cx.dask.ticket_aggregates`, `cx.spark.ticket_aggregates`)."""

def _ticket_agg_merge(states: list[bytes], /) -> bytes:
    """Merge serialized ticket-aggregates states (private); `FormatError` for bad bytes."""

def _ticket_agg_finish(state: bytes, /, *, percentiles: list[float] = ...) -> GroupedTable:
    """One row per group and metric of a merged ticket-aggregates state (private)."""

# --- privacy store ---
# Data protection on the case store (wrapped by the methods of `cx.cases.CaseStore`;
# records cross as JSON text).

def _store_upsert_customer(store: _CaseStore, customer_json: str, at: str, /) -> None: ...
def _store_set_consent(
    store: _CaseStore, customer_id: str, purpose: str, granted: bool, at: str, /
) -> None: ...
def _store_get_customer(store: _CaseStore, customer_id: str, /) -> str: ...
def _store_consent_history(store: _CaseStore, customer_id: str, /) -> str: ...
def _store_insert_feedback(store: _CaseStore, records_json: str, at: str, /) -> int: ...
def _store_export_feedback(store: _CaseStore, require_analytics_consent: bool, /) -> str: ...
def _store_plan_follow_up(
    store: _CaseStore, case_id: str, version: int, delay_secs: int, at: str, /
) -> str: ...
def _store_verify_audit(store: _CaseStore, /) -> str: ...
def _store_export_audit(store: _CaseStore, start: str, end: str, /) -> str: ...
def _store_apply_retention(
    store: _CaseStore, policy_json: str, now: str, dry_run: bool, /
) -> str: ...
def _store_erase_customer(
    store: _CaseStore, customer_id: str, at: str, batch_size: int, /
) -> str: ...
def _store_export_customer(store: _CaseStore, customer_id: str, /) -> str: ...
def _store_fail_after_batches(store: _CaseStore, batches: int | None, /) -> None: ...
def _store_open_with_keys(path: str, principal_json: str, keys: object, /) -> _CaseStore: ...
def _store_rotate_keys(store: _CaseStore, batch_size: int, /) -> str: ...

# --- crypto ---

from collections.abc import Mapping as _Mapping  # noqa: E402 (section-local import)
from typing import Protocol as _Protocol  # noqa: E402 (section-local import)

class _KeyProviderLike(_Protocol):
    """A key provider written in Python (a KMS or Vault client, say)."""

    def current_key_id(self) -> str: ...
    def key(self, key_id: str, /) -> str: ...

@final
class KeyProvider:
    """Where keys come from: made by `env_keys`, `file_keys` or `static_keys`.

    Opaque: key material never comes back to Python; the repr shows key ids only.

    >>> p = static_keys("k2", {"k1": "00" * 32, "k2": "11" * 32})
    >>> p
    static_keys(current='k2', key_ids=['k1', 'k2'])
    >>> p.current_key_id()
    'k2'

    """

    def current_key_id(self) -> str:
        """Id of the key new values are sealed under."""

def env_keys(*, prefix: str = "CX_KEY_") -> KeyProvider:
    """Keys from environment variables, read at each use.

    `<prefix><ID>` holds the key with id `<ID>` (64 hex digits or 44 characters of
    base64) and `<prefix>CURRENT` names the current key id, so a deployment rotates
    by adding `CX_KEY_2026B` and switching `CX_KEY_CURRENT`.

    Raises (on use):
        InvalidKeyError: `<prefix>CURRENT` unset, or a variable that is not a key
            (the message names the variable, never its value).
        UnknownKeyError: no variable for a key id.

    >>> import os
    >>> os.environ["DOCTEST_KEY_CURRENT"] = "k1"
    >>> os.environ["DOCTEST_KEY_k1"] = generate_key()
    >>> cipher = FieldCipher(env_keys(prefix="DOCTEST_KEY_"))
    >>> cipher.seal("13800138000").startswith("cx1:k1:")
    True
    >>> del os.environ["DOCTEST_KEY_CURRENT"], os.environ["DOCTEST_KEY_k1"]

    """

def file_keys(path: str | os.PathLike[str], /) -> KeyProvider:
    """Keys from a key file, read once: `id = key` lines, one `current = id` line, `#` comments.

    On Unix the file must not be accessible by group or others (`chmod 600`).

    Raises:
        InvalidKeyError: a file accessible by group or others (the message gives the
            path and mode), a malformed line (by number), a bad key, a duplicate id or
            no valid `current` line. Never shows key material.
        CxIOError: the file cannot be read.

    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> path = os.path.join(d, "keys.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write(os.linesep.join([f"k1 = {generate_key()}", "current = k1"]))
    >>> os.chmod(path, 0o600)
    >>> file_keys(path).current_key_id()
    'k1'
    >>> os.chmod(path, 0o644)
    >>> try:
    ...     file_keys(path)
    ... except InvalidKeyError as e:
    ...     "0644" in str(e)
    True

    """

def static_keys(current: str, keys: _Mapping[str, str | bytes], /) -> KeyProvider:
    """Keys held in memory: `{key_id: key}` with keys as 64 hex digits, 44 base64
    characters or 32 bytes; new values are sealed under `current`.

    Key ids are 1 to 64 characters of `A-Z a-z 0-9 . _ -`.

    Raises:
        InvalidKeyError: a bad key (names its id), an invalid or duplicate id, or
            `current` not among the ids.

    >>> static_keys("k1", {"k1": bytes(range(32))})
    static_keys(current='k1', key_ids=['k1'])
    >>> try:
    ...     static_keys("k1", {"k1": "abcd"})
    ... except InvalidKeyError as e:
    ...     e.code
    'invalid_key'

    """

def generate_key() -> str:
    """A fresh random 256-bit key from the operating system, as 64 hex digits.

    Store it in a secret store or a `chmod 600` key file, never in code or logs.

    >>> k = generate_key()
    >>> len(k), k != generate_key()
    (64, True)

    """

@final
class FieldCipher:
    """Field-level authenticated encryption (XChaCha20-Poly1305) under a provider's keys.

    A sealed value is ASCII text naming its key: `cx1:<key_id>:<base64url(nonce ‖
    ciphertext ‖ tag)>`, with a fresh random 24-byte nonce per seal. `aad` binds a
    value to its place (e.g. `"customers/42/phone"`): opened with another `aad` it
    fails, as does a value sealed under another key, altered or truncated. Nothing
    is ever returned half-decrypted, and no repr, message or exception shows key
    material or plaintext.

    `provider` is a `KeyProvider` or any object with `current_key_id() -> str` and
    `key(key_id) -> str` (hex or base64); for the latter, a `KeyError` from `key`
    becomes `UnknownKeyError` and any other exception `InvalidKeyError`, with the
    original as `__cause__`.

    >>> cipher = FieldCipher(static_keys("k1", {"k1": "00" * 32}))
    >>> sealed = cipher.seal("张三 13800138000", aad="customers/42/phone")
    >>> sealed.startswith("cx1:k1:")
    True
    >>> cipher.open(sealed, aad="customers/42/phone")
    '张三 13800138000'
    >>> try:
    ...     cipher.open(sealed, aad="customers/43/phone")
    ... except DecryptionError as e:
    ...     e.code, e.field
    ('decryption', 'k1')
    >>> cipher
    FieldCipher(static_keys(current='k1', key_ids=['k1']))

    """

    def __new__(cls, provider: KeyProvider | _KeyProviderLike, /) -> FieldCipher: ...
    def seal(self, plaintext: str, /, *, aad: str = "") -> str:
        """Seal `plaintext` under the current key, bound to `aad`.

        Raises:
            UnknownKeyError, InvalidKeyError: from the provider.
        """
    def open(self, sealed: str, /, *, aad: str = "") -> str:
        """Open a sealed value with the `aad` it was sealed with.

        Raises:
            DecryptionError: wrong key, wrong `aad`, an altered or truncated value, or
                not a sealed value (`.field` is the key id).
            UnknownKeyError: the provider has no key with the value's id.
        """
    def reseal(self, sealed: str, /, *, aad: str = "") -> str | None:
        """Re-seal under the current key; `None` when `sealed` is already under it.

        Rotation: make a new key current, reseal every stored value (rerunning is
        harmless: current values are skipped unopened), then retire the old key.

        >>> old = FieldCipher(static_keys("k1", {"k1": "00" * 32}))
        >>> sealed = old.seal("13800138000")
        >>> new = FieldCipher(static_keys("k2", {"k1": "00" * 32, "k2": "11" * 32}))
        >>> new.needs_rotation(sealed)
        True
        >>> moved = new.reseal(sealed)
        >>> FieldCipher.key_id_of(moved), new.reseal(moved), new.open(moved)
        ('k2', None, '13800138000')

        """
    def needs_rotation(self, sealed: str, /) -> bool:
        """Whether `sealed` is under another key than the current one (reads the header only)."""
    def current_key_id(self) -> str:
        """Id of the key new values are sealed under."""
    @staticmethod
    def is_sealed(value: str, /) -> bool:
        """Whether `value` looks like a sealed value (`cx1:` prefix).

        >>> FieldCipher.is_sealed("cx1:k1:AAAA"), FieldCipher.is_sealed("13800138000")
        (True, False)

        """
    @staticmethod
    def key_id_of(sealed: str, /) -> str:
        """The key id of a sealed value, without decrypting.

        Raises:
            DecryptionError: not a well-formed sealed value.

        >>> FieldCipher.key_id_of("cx1:2026-k2:AAAA")
        '2026-k2'

        """

# --- ops: SLA status and log issues from one parse of the event log ---
def _sla_status_issues(
    events: _Any,
    /,
    *,
    policies: _Any,
    as_of: _Any,
    calendar: BusinessCalendar | None = None,
    priority_change: str = "at_start",
) -> tuple[_Any, list[dict[str, _Any]]]: ...
