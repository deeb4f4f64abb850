"""Type stubs and docstrings of the compiled extension ``cx._cx``.

Hand-written; checked against the extension by ``python -m mypy.stubtest cx._cx``.
"""

__version__: str

# --- spc ---
from collections.abc import Sequence
from typing import Any, Literal, final

import numpy as np
import numpy.typing as npt

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
        """Per point: bit ``r - 1`` set when rule ``r`` flags the point."""
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
    rounded d2/d3 table. ``confidence`` gives probability limits. ``ewma`` uses
    ``lambda_`` and ``nsigmas`` (exact time-varying limits); ``cusum`` uses the
    reference value ``k`` and decision interval ``h`` in standard errors (its
    ``secondary`` is the lower side, plotted as -C⁻). ``g``: counts of cases
    between events (geometric, Benneyan); ``t``: times between events
    (individuals chart on t^(1/3.6), limits transformed back); ``run``: median
    line and Anhøj's rules (codes ``A1`` long run, ``A2`` too few crossings;
    the analysis is described in ``sigma_method``).

    >>> import cx
    >>> c = cx.spc.control_chart([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], kind="xbar_r")
    >>> float(c.center[0])
    2.5

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
