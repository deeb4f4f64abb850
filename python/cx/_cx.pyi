"""Type stubs and docstrings of the compiled extension ``cx._cx``.

Hand-written; checked against the extension by ``python -m mypy.stubtest cx._cx``.
"""

import os
from typing import Any, final

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

    Raises:
        InvalidValueError: a score that is not an integer 0–10 (names the row).
        EmptyInputError: no non-missing score.
        LengthMismatchError: weights of another length.
        InvalidOptionError: a bad `ci` or `level`.

    >>> s = nps([10, 9, 8, 3, 7, 10])
    >>> round(s.score, 4), s.n_promoters, s.n_detractors
    (33.3333, 3, 1)

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
    path: str | os.PathLike[str],
    /,
    *,
    mapping: list[tuple[str, str]] | None = None,
    encoding: str | None = None,
    tz: str | None = None,
    errors: str = "raise",
    allow_other_channels: bool = False,
    csat_scale: str | None = None,
) -> Ingested:
    """Read a CSV or JSON Lines feedback file (use `cx.read_feedback`, which takes a dict mapping).

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
) -> GroupedTable:
    """The work behind `cx.summarize` on an Arrow table (private)."""
