"""Kano classification: which needs are must-haves, which delight, which nobody cares about.

Each respondent answers a functional question ("how do you feel if the product has
X?") and a dysfunctional one ("... if it does not?") with one of: like, must-be
(expect), neutral, live-with, dislike — or the Chinese 喜欢、理所当然、无所谓、能忍受、不喜欢,
or the codes 1-5 in that order. The Berger et al. (1993) evaluation table turns each
pair into A (attractive), O (one-dimensional), M (must-be), I (indifferent), R (reverse)
or Q (questionable); formulas and sources are in the *Formulas* page of the docs.

>>> import cx
>>> pairs = [("like", "dislike"), ("must-be", "dislike"), ("喜欢", "无所谓")]
>>> r = cx.kano.classify(pairs, attributes="tracking")  # O, M, A: a tie, M wins
>>> r.categories
{'tracking': 'must-be'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, final

from cx import _cx, _frames
from cx._cx import KanoSummary, KanoTally

__all__ = ["KanoResult", "KanoSummary", "KanoTally", "classify", "discover_pairs"]


def discover_pairs(
    columns: Sequence[str],
    *,
    prefix: str = "kano_",
    functional_suffix: str = "_functional",
    dysfunctional_suffix: str = "_dysfunctional",
) -> dict[str, tuple[str, str]]:
    """Attribute → (functional column, dysfunctional column), found by naming convention.

    A column `<prefix><attribute><functional_suffix>` pairs with
    `<prefix><attribute><dysfunctional_suffix>`; attributes keep the order of their
    functional columns. A functional column without its partner is an error.

    Raises:
        MissingFieldError: a functional column has no dysfunctional partner.

    >>> discover_pairs(["id", "kano_app_functional", "kano_app_dysfunctional"])
    {'app': ('kano_app_functional', 'kano_app_dysfunctional')}
    """
    present = set(columns)
    out: dict[str, tuple[str, str]] = {}
    for c in columns:
        if c.startswith(prefix) and c.endswith(functional_suffix):
            attribute = c[len(prefix) : len(c) - len(functional_suffix)]
            partner = f"{prefix}{attribute}{dysfunctional_suffix}"
            if partner not in present:
                from cx.exceptions import MissingFieldError

                msg = f"{partner}: missing required value (partner of {c})"
                raise MissingFieldError(msg, "missing_field", partner, None)
            out[attribute] = (c, partner)
    return out


@final
class KanoResult:
    """Result of `classify`: the per-attribute table and, on request, per-respondent categories.

    Attributes:
        summary: the `KanoSummary` (numbers per attribute, warnings, Better/Worse data).
        table: one row per attribute, a frame of the caller's type (`GroupedTable` for
            pairs and other Arrow objects): `attribute`, `category` (mode, ties broken
            M > O > A > I > R > Q), `second_category`, `n`, `n_missing`,
            `n_attractive` … `n_questionable`, `share_attractive` … `share_questionable`,
            `better`, `worse`, `total_strength`, `category_strength`, `fong_statistic`,
            `fong_threshold`, `fong_significant`, `warning`.
        respondents: one column per attribute with each respondent's category name (null
            for a missing answer), in input row order; `None` unless asked for.
    """

    __slots__ = ("respondents", "summary", "table")

    def __init__(self, summary: KanoSummary, table: Any, respondents: Any) -> None:
        self.summary = summary
        self.table = table
        self.respondents = respondents

    @property
    def categories(self) -> dict[str, str | None]:
        """Attribute → category by mode (`None` for an attribute without answers)."""
        return dict(self.summary.categories)

    @property
    def warnings(self) -> list[str]:
        """Questionnaire-quality warnings (too many questionable or reverse answers)."""
        return self.summary.warnings

    def scatter(self) -> list[dict[str, Any]]:
        """Better/Worse diagram data: per attribute `x` = |Worse|, `y` = Better (both 0-1)."""
        return self.summary.scatter()

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python values (see `KanoSummary.to_dict`)."""
        return self.summary.to_dict()

    def chart(self) -> Any:
        """The Better/Worse scatter as a `cx.reporting.Chart` (shown as SVG in Jupyter).

        >>> r = classify([("like", "neutral"), ("like", "dislike")], attributes="app")
        >>> r.chart().svg().startswith("<svg")
        True
        """
        from cx.reporting import kano_chart

        pts = self.scatter()
        return kano_chart(
            [p["attribute"] for p in pts], [p["y"] for p in pts], [p["x"] for p in pts]
        )

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()

    def __repr__(self) -> str:
        return f"KanoResult({self.categories!r})"


def _is_frame(obj: object) -> bool:
    kind = _frames.frame_kind(obj)
    if kind in ("pandas", "polars"):
        return hasattr(obj, "columns")
    return hasattr(obj, "__arrow_c_stream__") and not hasattr(obj, "__arrow_c_array__")


def classify(
    frame_or_pairs: Any,
    /,
    *,
    attributes: str | Sequence[str] | Mapping[str, tuple[str, str]] | None = None,
    prefix: str = "kano_",
    functional_suffix: str = "_functional",
    dysfunctional_suffix: str = "_dysfunctional",
    respondents: bool = False,
    questionable_max_share: float = 0.05,
    reverse_max_share: float = 0.10,
    fong_z: float = 1.65,
) -> KanoResult:
    """Classify Kano answer pairs per attribute.

    `frame_or_pairs` is either a data frame (pandas, polars, pyarrow Table or any object
    with `__arrow_c_stream__`) holding one functional and one dysfunctional column per
    attribute, or a sequence of `(functional, dysfunctional)` answer pairs for a single
    attribute (named by `attributes` if it is a string, else `"attribute"`).

    Which columns form the pairs (frames):

    - `attributes=None` (default): every column `<prefix><name><functional_suffix>` and its
      partner `<prefix><name><dysfunctional_suffix>` (see `discover_pairs`); with the
      defaults, `kano_order_tracking_functional` / `kano_order_tracking_dysfunctional` is
      attribute `order_tracking`. The bundled `survey.csv` follows this convention.
    - a list of attribute names: the same convention for those names only, in that order.
    - a mapping `{attribute: (functional column, dysfunctional column)}`.

    A pair with a missing (null or blank) answer is counted in `n_missing`, not
    dropped silently. An answer that is not a Kano label raises `InvalidValueError`
    naming the column, the 0-based row and the value.

    Args:
        frame_or_pairs: the data.
        attributes: which pairs to classify (see above).
        prefix: column-name prefix of the naming convention.
        functional_suffix: suffix of functional columns.
        dysfunctional_suffix: suffix of dysfunctional columns.
        respondents: also return each respondent's category per attribute.
        questionable_max_share: warn when an attribute's share of Q answers exceeds
            this (default 0.05, a cx default).
        reverse_max_share: warn when the share of R answers exceeds this (default 0.10).
        fong_z: multiplier of Fong's test of the mode (default 1.65, as Fong 1996).

    Raises:
        InvalidValueError: an unknown answer (names column, row, value).
        MissingFieldError: a named column is not in the frame.
        EmptyInputError: no attribute found.

    >>> import pyarrow as pa
    >>> t = pa.table({
    ...     "kano_app_functional": ["like", "like", "must-be", None],
    ...     "kano_app_dysfunctional": ["neutral", "live-with", "dislike", "dislike"],
    ... })
    >>> r = classify(t)
    >>> r.categories, r.table.column("n_missing").to_pylist()
    ({'app': 'attractive'}, [1])
    """
    opts: dict[str, Any] = {
        "respondents": respondents,
        "questionable_max_share": questionable_max_share,
        "reverse_max_share": reverse_max_share,
        "fong_z": fong_z,
    }
    if not _is_frame(frame_or_pairs):
        name = attributes if isinstance(attributes, str) else "attribute"
        pairs = [tuple(p) for p in frame_or_pairs]
        for row, p in enumerate(pairs):
            if len(p) != 2:
                from cx.exceptions import InvalidValueError

                msg = (
                    f"pairs: invalid value {p!r} at row {row}: expected (functional, dysfunctional)"
                )
                raise InvalidValueError(msg, "invalid_value", "pairs", row, repr(p))
        import pyarrow as pa  # type: ignore[import-untyped]

        cols = ("functional", "dysfunctional")
        table = pa.table(
            {c: pa.array([_cell(p[i]) for p in pairs], pa.string()) for i, c in enumerate(cols)}
        )
        summary, per_row = _cx._kano_classify_arrow(table, [(name, *cols)], **opts)
        return KanoResult(summary, summary.table(), per_row)
    frame = frame_or_pairs
    caller_kind = _frames.frame_kind(frame)
    if attributes is None:
        if caller_kind not in ("pandas", "polars", "pyarrow"):
            import pyarrow as pa

            frame = pa.table(frame)  # read an Arrow stream once
        pairs_map = discover_pairs(
            _column_names(frame),
            prefix=prefix,
            functional_suffix=functional_suffix,
            dysfunctional_suffix=dysfunctional_suffix,
        )
    elif isinstance(attributes, Mapping):
        pairs_map = {a: (f, d) for a, (f, d) in attributes.items()}
    else:
        names = [attributes] if isinstance(attributes, str) else list(attributes)
        pairs_map = {
            a: (f"{prefix}{a}{functional_suffix}", f"{prefix}{a}{dysfunctional_suffix}")
            for a in names
        }
    named = [c for f, d in pairs_map.values() for c in (f, d)]
    source, _ = _frames.select(frame, named)
    kind = caller_kind
    specs = [(a, f, d) for a, (f, d) in pairs_map.items()]
    summary, per_row = _cx._kano_classify_arrow(source, specs, **opts)
    return KanoResult(
        summary,
        _frames.to_caller(summary.table(), kind),
        None if per_row is None else _frames.to_caller(per_row, kind),
    )


def _cell(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _column_names(frame: Any) -> list[str]:
    if _frames.frame_kind(frame) == "pyarrow":
        return list(frame.column_names)
    return [str(c) for c in frame.columns]
