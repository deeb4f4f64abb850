"""Hypothesis tests of the Six Sigma Analyze phase, each with an effect size.

Every function returns a :class:`TestResult` (``statistic``, ``p_value``, ``df``,
``effect_size``, ``effect_size_name``, ``to_dict()``). All tests are two-sided and
agree with scipy / statsmodels to 1e-10 relative (``tests/vectors/stats``).

>>> from cx import stats
>>> stats.welch_t([1, 2, 3, 4], [3, 4, 5, 6]).df
6.0
"""

from __future__ import annotations

from cx._cx import (
    TestResult,
    anova_oneway,
    chi2_independence,
    kruskal,
    mann_whitney_u,
    paired_t,
    two_proportion_z,
    welch_t,
)

__all__ = [
    "TestResult",
    "anova_oneway",
    "chi2_independence",
    "kruskal",
    "mann_whitney_u",
    "paired_t",
    "two_proportion_z",
    "welch_t",
]
