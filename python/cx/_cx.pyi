"""Type stubs and docstrings of the compiled extension ``cx._cx``.

Hand-written; checked against the extension by ``python -m mypy.stubtest cx._cx``.
"""

import datetime as _dt
import os
from collections.abc import Iterable as _Iterable
from typing import Any, final
from typing import Any as _Any
from typing import ClassVar as _ClassVar
from typing import Literal as _Literal
from typing import final as _final

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
    source: str | os.PathLike[str] | Any,
    /,
    *,
    mapping: list[tuple[str, str]] | None = None,
    encoding: str | None = None,
    tz: str | None = None,
    errors: str = "raise",
    allow_other_channels: bool = False,
    csat_scale: str | None = None,
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
) -> str:
    """The summary of a feedback file as JSON text (use `cx.summarize_feedback`)."""

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
        rules: str = "western_electric",
        owner: str | None = None,
    ) -> None:
        """Add a control plan row.

        ``chart``: i_mr, xbar_r, xbar_s, p, np, c, u; ``rules``: basic, western_electric, nelson.
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
