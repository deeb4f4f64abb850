"""Satisfaction metrics with honest intervals: NPS, CSAT and CES.

Every estimate comes with its confidence interval and the method that produced
it; formulas and sources are in the *Formulas* page of the docs.

>>> import cx
>>> s = cx.nps([10, 9, 8, 3, 7, 10])
>>> round(s.score, 2), s.method
(33.33, 'adjusted-wald')
"""

from cx._cx import (
    CesSummary,
    Comparison,
    CsatSummary,
    NpsSummary,
    SampleSize,
    ces,
    compare_means,
    compare_nps,
    compare_proportions,
    csat,
    nps,
    sample_size,
)

__all__ = [
    "CesSummary",
    "Comparison",
    "CsatSummary",
    "NpsSummary",
    "SampleSize",
    "ces",
    "compare_means",
    "compare_nps",
    "compare_proportions",
    "csat",
    "nps",
    "sample_size",
]
