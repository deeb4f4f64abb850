"""Generate the reference vectors for cx metrics (tests/vectors/metrics/*.json).

Every expected value is computed here with scipy / statsmodels / numpy, or with
the published formula written out in numpy, never by calling cx. Run with the
reference venv:

    /work/venv-ref/bin/python tests/vectors/metrics/generate.py

Each file records input, expected, tolerance and provenance (tool + version +
exact call). NaN is written as null.
"""

from __future__ import annotations

import json
import math
import platform
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
    samplesize_confint_proportion,
)

OUT = Path(__file__).resolve().parent
VERSIONS = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
}


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def write(name: str, provenance: dict, cases: list) -> None:
    doc = {"provenance": {**provenance, "versions": VERSIONS}, "cases": cases}
    (OUT / f"{name}.json").write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")


def quantiles():
    cases = []
    for p in [1e-10, 1e-4, 0.005, 0.025, 0.05, 0.1, 0.3, 0.7, 0.9, 0.95, 0.975, 0.995]:
        cases.append({"dist": "norm", "p": p, "expected": float(stats.norm.ppf(p))})
        for df in [1.0, 2.0, 3.5, 9.0, 29.0, 200.0, 5000.0, 20000.0, 1e6]:
            cases.append({"dist": "t", "p": p, "df": df, "expected": float(stats.t.ppf(p, df))})
        for a, b in [(0.5, 0.5), (1.0, 10.0), (3.0, 8.0), (50.0, 951.0), (999.0, 2.0)]:
            cases.append(
                {"dist": "beta", "p": p, "a": a, "b": b, "expected": float(stats.beta.ppf(p, a, b))}
            )
    for t, df in [(0.5, 3.0), (2.0, 10.0), (-3.1, 25.0), (6.0, 40.0), (1.96, 1e5)]:
        cases.append(
            {
                "dist": "t_two_sided_p",
                "t": t,
                "df": df,
                "expected": float(2 * stats.t.sf(abs(t), df)),
            }
        )
    for z in [0.0, 1.0, 1.959963984540054, -2.5, 5.0, 8.0]:
        cases.append(
            {"dist": "norm_two_sided_p", "z": z, "expected": float(2 * stats.norm.sf(abs(z)))}
        )
    write(
        "quantiles",
        {
            "calls": "scipy.stats.norm.ppf(p); scipy.stats.t.ppf(p, df); scipy.stats.beta.ppf(p, a, b); "
            "2*scipy.stats.t.sf(|t|, df); 2*scipy.stats.norm.sf(|z|)",
        },
        [{**c, "tolerance": {"rel": 1e-10, "abs": 1e-300}} for c in cases],
    )


SM_METHOD = {
    "wilson": "wilson",
    "clopper-pearson": "beta",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
}


def proportion_ci():
    cases = []
    for x, n in [
        (0, 1),
        (1, 1),
        (0, 10),
        (10, 10),
        (1, 10),
        (8, 10),
        (3, 7),
        (50, 1000),
        (999, 1000),
        (17, 40),
    ]:
        for method, sm in SM_METHOD.items():
            for level in [0.9, 0.95, 0.99]:
                lo, hi = proportion_confint(x, n, alpha=1 - level, method=sm)
                cases.append(
                    {
                        "input": {"x": x, "n": n, "level": level, "method": method},
                        "expected": {"low": float(lo), "high": float(hi)},
                        "tolerance": {"rel": 1e-10, "abs": 1e-12},
                    }
                )
    write(
        "proportion_ci",
        {
            "call": "statsmodels.stats.proportion.proportion_confint(x, n, alpha=1-level, method=M) with M in "
            "{wilson, beta (clopper-pearson), agresti_coull, normal (wald)}"
        },
        cases,
    )


def nps_expected(scores, method, level):
    """NPS formulas written out (Rocks 2016; measuringu.com/nps-confidence-intervals)."""
    s = np.asarray([v for v in scores if not math.isnan(v)])
    n = len(s)
    npro, ndet = int(np.sum(s >= 9)), int(np.sum(s <= 6))
    p, d = npro / n, ndet / n
    z = stats.norm.ppf(1 - (1 - level) / 2)
    if method == "wald":
        c, se = p - d, math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    else:
        n2 = n + 3
        pa, da = (npro + 0.75) / n2, (ndet + 0.75) / n2
        c, se = pa - da, math.sqrt((pa + da - (pa - da) ** 2) / n2)
    return {
        "score": 100 * (p - d),
        "n": n,
        "n_missing": len(scores) - n,
        "n_promoters": npro,
        "n_passives": n - npro - ndet,
        "n_detractors": ndet,
        "standard_error": 100 * se,
        "ci_low": max(100 * (c - z * se), -100.0),
        "ci_high": min(100 * (c + z * se), 100.0),
    }


def nps_cases():
    rng = np.random.default_rng(20240404)
    inputs = {
        "all_promoters": [10.0, 9.0, 10.0, 9.0],
        "all_detractors": [0.0, 3.0, 6.0],
        "all_passives": [7.0, 8.0, 7.0, 8.0, 8.0],
        "n1_promoter": [9.0],
        "n1_detractor": [2.0],
        "n1_passive": [7.0],
        "with_missing": [10.0, float("nan"), 9.0, 7.0, 3.0, float("nan"), 0.0, 8.0],
        "measuringu_like": [10.0] * 45 + [8.0] * 30 + [4.0] * 25,
        "random_200": [float(v) for v in rng.integers(0, 11, 200)],
        "random_5000": [
            float(v)
            for v in rng.choice(
                11, 5000, p=[0.03, 0.02, 0.03, 0.04, 0.05, 0.08, 0.1, 0.15, 0.2, 0.15, 0.15]
            )
        ],
    }
    cases = []
    for name, sc in inputs.items():
        for method in ["wald", "adjusted-wald"]:
            for level in [0.9, 0.95, 0.99]:
                cases.append(
                    {
                        "name": name,
                        "input": {"scores": [num(v) for v in sc], "method": method, "level": level},
                        "expected": nps_expected(sc, method, level),
                        "tolerance": {"rel": 1e-12, "abs": 1e-11},
                    }
                )
    write(
        "nps",
        {
            "formula": "numpy, written out: Wald 100[(p-d) ± z sqrt((p+d-(p-d)^2)/n)]; adjusted Wald n'=n+3, "
            "p'=(nP+3/4)/n', d'=(nD+3/4)/n' (Rocks 2016, Am. Stat. 70(4); measuringu.com/nps-confidence-intervals); "
            "z = scipy.stats.norm.ppf(1-(1-level)/2); bounds clipped to [-100, 100] (cx convention)"
        },
        cases,
    )


def weighted_nps():
    rng = np.random.default_rng(7)
    cases = []
    sets = {
        "small": ([10.0, 0.0, 8.0, 9.0, 6.0], [2.0, 1.0, 1.0, 0.5, 3.0]),
        "unit_weights": ([10.0, 9.0, 7.0, 3.0, 0.0, 8.0], [1.0] * 6),
        "with_missing": ([10.0, float("nan"), 5.0, 9.0], [1.5, 2.0, 0.5, 1.0]),
        "random_300": (
            [float(v) for v in rng.integers(0, 11, 300)],
            [float(w) for w in rng.gamma(2.0, 1.5, 300)],
        ),
    }
    for name, (sc, w) in sets.items():
        s = np.asarray(sc)
        ww = np.asarray(w)
        keep = ~np.isnan(s)
        s, ww = s[keep], ww[keep]
        y = np.where(s >= 9, 1.0, np.where(s <= 6, -1.0, 0.0))
        n = len(y)
        ybar = np.sum(ww * y) / np.sum(ww)
        se = math.sqrt(n / (n - 1) * np.sum(ww**2 * (y - ybar) ** 2)) / np.sum(ww)
        z = stats.norm.ppf(0.975)
        cases.append(
            {
                "name": name,
                "input": {"scores": [num(v) for v in sc], "weights": w, "level": 0.95},
                "expected": {
                    "score": 100 * ybar,
                    "standard_error": 100 * se,
                    "ci_low": max(100 * (ybar - z * se), -100.0),
                    "ci_high": min(100 * (ybar + z * se), 100.0),
                    "effective_n": float(np.sum(ww) ** 2 / np.sum(ww**2)),
                    "sum_weights": float(np.sum(ww)),
                    "n": n,
                },
                "tolerance": {"rel": 1e-12, "abs": 1e-11},
            }
        )
    write(
        "weighted_nps",
        {
            "formula": "numpy, written out: R survey::svymean(~y, svydesign(ids=~1, weights=~w)) linearisation "
            "SE = sqrt(n/(n-1) * sum(w^2 (y-ybar_w)^2)) / sum(w) (Lumley 2010, Complex Surveys §2.3); "
            "Kish n_eff = (sum w)^2/sum w^2; z = scipy.stats.norm.ppf(0.975)"
        },
        cases,
    )


def t_interval(x, level):
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 2:
        return None, None, None
    m, sd = float(np.mean(x)), float(np.std(x, ddof=1))
    lo, hi = stats.t.interval(level, n - 1, loc=m, scale=sd / math.sqrt(n))
    return sd, float(lo), float(hi)


CSAT_SCALES = {"1-5": (1, 5), "1-7": (1, 7), "1-10": (1, 10), "0-10": (0, 10)}


def csat_cases():
    rng = np.random.default_rng(11)
    cases = []
    specs = [
        ("default", "1-5", 2, [5.0, 4.0, 3.0, 1.0, 5.0, 2.0, 4.0, float("nan")]),
        ("all_top", "1-5", 2, [5.0, 4.0, 5.0]),
        ("none_top", "1-5", 2, [1.0, 2.0, 3.0]),
        ("n1", "1-5", 2, [4.0]),
        ("top1_7pt", "1-7", 1, [float(v) for v in rng.integers(1, 8, 120)]),
        ("top3_10pt", "1-10", 3, [float(v) for v in rng.integers(1, 11, 80)]),
        ("top2_0_10", "0-10", 2, [float(v) for v in rng.integers(0, 11, 60)]),
    ]
    for name, scale, k, sc in specs:
        _lo_s, hi_s = CSAT_SCALES[scale]
        s = np.asarray([v for v in sc if not math.isnan(v)])
        x, n = int(np.sum(s >= hi_s - k + 1)), len(s)
        sd, mlo, mhi = t_interval(s, 0.95)
        for method, sm in SM_METHOD.items():
            lo, hi = proportion_confint(x, n, alpha=0.05, method=sm)
            cases.append(
                {
                    "name": name,
                    "input": {
                        "scores": [num(v) for v in sc],
                        "scale": scale,
                        "top_box": k,
                        "method": method,
                        "level": 0.95,
                    },
                    "expected": {
                        "score": 100 * x / n,
                        "ci_low": 100 * float(lo),
                        "ci_high": 100 * float(hi),
                        "n_top_box": x,
                        "n": n,
                        "n_missing": len(sc) - n,
                        "mean": float(np.mean(s)),
                        "sd": sd,
                        "mean_ci_low": mlo,
                        "mean_ci_high": mhi,
                    },
                    "tolerance": {"rel": 1e-10, "abs": 1e-10},
                }
            )
    write(
        "csat",
        {
            "calls": "share: statsmodels proportion_confint(x, n, alpha=0.05, method=M) x100; "
            "mean: scipy.stats.t.interval(0.95, n-1, loc=mean, scale=sd/sqrt(n)), sd = numpy.std(ddof=1)"
        },
        cases,
    )


def ces_cases():
    rng = np.random.default_rng(13)
    cases = []
    specs = [
        ("ces2_small", "1-7", [7.0, 6.0, 5.0, 2.0, 4.0, float("nan"), 1.0]),
        ("ces2_random", "1-7", [float(v) for v in rng.integers(1, 8, 150)]),
        ("legacy_effort", "legacy-effort-1-5", [1.0, 2.0, 5.0, 3.0, 2.0, 4.0]),
        ("n1", "1-7", [6.0]),
    ]
    for name, scale, sc in specs:
        s = np.asarray([v for v in sc if not math.isnan(v)])
        fav = int(np.sum(s >= 5)) if scale == "1-7" else int(np.sum(s <= 2))
        n = len(s)
        sd, mlo, mhi = t_interval(s, 0.95)
        lo, hi = proportion_confint(fav, n, alpha=0.05, method="wilson")
        cases.append(
            {
                "name": name,
                "input": {"scores": [num(v) for v in sc], "scale": scale, "level": 0.95},
                "expected": {
                    "mean": float(np.mean(s)),
                    "sd": sd,
                    "ci_low": mlo,
                    "ci_high": mhi,
                    "n": n,
                    "n_missing": len(sc) - n,
                    "n_favorable": fav,
                    "favorable_pct": 100 * fav / n,
                    "favorable_ci_low": 100 * float(lo),
                    "favorable_ci_high": 100 * float(hi),
                },
                "tolerance": {"rel": 1e-10, "abs": 1e-10},
            }
        )
    write(
        "ces",
        {
            "calls": "mean: scipy.stats.t.interval(0.95, n-1, loc, scale=sd/sqrt(n)); favourable (5-7, or 1-2 on "
            "the legacy effort scale): statsmodels proportion_confint(x, n, alpha=0.05, method='wilson') x100"
        },
        cases,
    )


def compare_cases():
    rng = np.random.default_rng(17)
    nps_pairs = [
        ("small", [10.0, 10.0, 9.0, 8.0, 3.0], [10.0, 6.0, 5.0, 8.0, 3.0]),
        (
            "random",
            [float(v) for v in rng.integers(0, 11, 150)],
            [float(v) for v in rng.integers(2, 11, 170)],
        ),
        ("all_promoters_vs_all_detractors", [10.0] * 4, [0.0] * 3),
    ]
    nps_out = []
    for name, a, b in nps_pairs:
        # Wald on all-promoters vs all-detractors has SE 0 (z infinite): adjusted Wald only.
        methods = ["adjusted-wald"] if name.startswith("all_") else ["wald", "adjusted-wald"]
        for method in methods:
            ea, eb = nps_expected(a, method, 0.95), nps_expected(b, method, 0.95)

            # Centres: raw or adjusted proportions, written out again.
            def centre(sc, method=method):
                s = np.asarray(sc)
                n, npro, ndet = len(s), np.sum(s >= 9), np.sum(s <= 6)
                if method == "wald":
                    return (npro - ndet) / n
                return (npro + 0.75) / (n + 3) - (ndet + 0.75) / (n + 3)

            c = centre(a) - centre(b)
            se = math.hypot(ea["standard_error"], eb["standard_error"]) / 100
            z = c / se
            zc = stats.norm.ppf(0.975)
            nps_out.append(
                {
                    "name": name,
                    "input": {"a": a, "b": b, "method": method, "level": 0.95},
                    "expected": {
                        "difference": ea["score"] - eb["score"],
                        "standard_error": 100 * se,
                        "statistic": z,
                        "p_value": float(2 * stats.norm.sf(abs(z))),
                        "ci_low": 100 * (c - zc * se),
                        "ci_high": 100 * (c + zc * se),
                    },
                    "tolerance": {"rel": 1e-11, "abs": 1e-11},
                }
            )
    write(
        "compare_nps",
        {
            "formula": "numpy, written out: Z = (NPS'a - NPS'b)/sqrt(SE'a^2 + SE'b^2) (measuringu.com/nps-significance-test); "
            "p = 2*scipy.stats.norm.sf(|Z|)"
        },
        nps_out,
    )
    prop = []
    for x1, n1, x2, n2 in [
        (45, 60, 30, 55),
        (5, 20, 9, 21),
        (100, 1000, 130, 1100),
        (0, 10, 3, 12),
        (10, 10, 7, 9),
    ]:
        zstat, pval = proportions_ztest([x1, x2], [n1, n2])
        lo, hi = confint_proportions_2indep(
            x1, n1, x2, n2, method="wald", compare="diff", alpha=0.05
        )
        p1, p2 = x1 / n1, x2 / n2
        prop.append(
            {
                "input": {"x1": x1, "n1": n1, "x2": x2, "n2": n2, "level": 0.95},
                "expected": {
                    "difference": p1 - p2,
                    "standard_error": math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2),
                    "statistic": float(zstat),
                    "p_value": float(pval),
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                },
                "tolerance": {"rel": 1e-10, "abs": 1e-12},
            }
        )
    write(
        "compare_proportions",
        {
            "calls": "statsmodels.stats.proportion.proportions_ztest([x1, x2], [n1, n2]) (pooled); "
            "confint_proportions_2indep(x1, n1, x2, n2, method='wald', compare='diff', alpha=0.05) (unpooled)"
        },
        prop,
    )
    means = []
    pairs = [
        (
            "ces_like",
            [float(v) for v in rng.integers(1, 8, 40)],
            [float(v) for v in rng.integers(2, 8, 55)],
        ),
        ("normal", list(rng.normal(5.0, 1.2, 30)), list(rng.normal(5.6, 2.5, 12))),
        ("tiny", [1.0, 2.0], [3.0, 5.0, 4.0]),
        ("large", list(rng.normal(4.0, 1.0, 3000)), list(rng.normal(4.05, 1.1, 4000))),
    ]
    for name, a, b in pairs:
        r = stats.ttest_ind(a, b, equal_var=False)
        ci = r.confidence_interval(0.95)
        va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
        means.append(
            {
                "name": name,
                "input": {"a": [float(v) for v in a], "b": [float(v) for v in b], "level": 0.95},
                "expected": {
                    "difference": float(np.mean(a) - np.mean(b)),
                    "standard_error": float(math.sqrt(va + vb)),
                    "statistic": float(r.statistic),
                    "df": float(r.df),
                    "p_value": float(r.pvalue),
                    "ci_low": float(ci.low),
                    "ci_high": float(ci.high),
                },
                "tolerance": {"rel": 1e-9, "abs": 1e-12},
            }
        )
    write(
        "compare_means",
        {
            "call": "scipy.stats.ttest_ind(a, b, equal_var=False) -> statistic, pvalue, df, confidence_interval(0.95)"
        },
        means,
    )


def sample_size_cases():
    cases = []
    for m, level, p in [(0.05, 0.95, 0.5), (0.03, 0.95, 0.2), (0.1, 0.9, 0.5), (0.02, 0.99, 0.7)]:
        exact = float(samplesize_confint_proportion(p, m, alpha=1 - level))
        cases.append(
            {
                "kind": "proportion",
                "input": {"margin": m, "level": level, "expected": p},
                "expected": {"n_exact": exact, "n": math.ceil(exact)},
                "tolerance": {"rel": 1e-12, "abs": 0.0},
            }
        )
    for m, level, shares in [
        (5.0, 0.95, None),
        (10.0, 0.9, (0.5, 0.2)),
        (3.0, 0.95, (0.4, 0.3)),
        (7.5, 0.99, (0.6, 0.1)),
    ]:
        p, d = shares if shares else (0.5, 0.5)
        z = stats.norm.ppf(1 - (1 - level) / 2)
        exact = z**2 * (p + d - (p - d) ** 2) / (m / 100) ** 2
        cases.append(
            {
                "kind": "nps",
                "input": {
                    "margin": m,
                    "level": level,
                    "expected": list(shares) if shares else None,
                },
                "expected": {"n_exact": exact, "n": math.ceil(exact)},
                "tolerance": {"rel": 1e-12, "abs": 0.0},
            }
        )
    write(
        "sample_size",
        {
            "calls": "proportion: statsmodels.stats.proportion.samplesize_confint_proportion(p, margin, alpha=1-level); "
            "nps: numpy, z^2 (p+d-(p-d)^2)/(margin/100)^2 with z = scipy.stats.norm.ppf(1-(1-level)/2); n = ceil"
        },
        cases,
    )


def bucket_start(dt_local: datetime, freq: str) -> datetime:
    d = dt_local.date()
    if freq == "week":
        d = d - timedelta(days=d.weekday())
    elif freq == "month":
        d = d.replace(day=1)
    elif freq == "quarter":
        d = d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)
    elif freq == "year":
        d = d.replace(month=1, day=1)
    return datetime(d.year, d.month, d.day)


def first_instant(naive: datetime, tz: ZoneInfo) -> datetime:
    """First existing local instant at or after local midnight (fold=0 = earlier of repeats)."""
    for minutes in range(0, 24 * 60 + 1, 15):
        t = (naive + timedelta(minutes=minutes)).replace(tzinfo=tz, fold=0)
        # A wall time in a gap does not round-trip through UTC.
        back = t.astimezone(UTC).astimezone(tz)
        if back.replace(tzinfo=None) == t.replace(tzinfo=None):
            return t
    raise ValueError("no instant")


def time_bucket_cases():
    cases = []
    series = {
        "ny_dst_spring": ("America/New_York", [1710045000, 1710072000, 1710050400, 1710129600]),
        "shanghai_year_end": ("Asia/Shanghai", [1735491600, 1735664400, 1735578000, 1704038400]),
        "santiago_gap": ("America/Santiago", [1662897600, 1662868800, 1662955200]),
        "london_fall_back": ("Europe/London", [1729990800, 1730000000, 1730073600, 1698541200]),
    }
    for name, (tzname, secs) in series.items():
        tz = ZoneInfo(tzname)
        for freq in ["day", "week", "month", "quarter", "year"]:
            starts = []
            for s in secs:
                local = datetime.fromtimestamp(s, tz)
                starts.append(first_instant(bucket_start(local.replace(tzinfo=None), freq), tz))
            uniq = sorted(set(int(t.timestamp()) for t in starts))
            by_ts = {int(t.timestamp()): t for t in starts}
            cases.append(
                {
                    "name": name,
                    "input": {"timestamps_s": secs, "tz": tzname, "freq": freq},
                    "expected": {
                        "codes": [uniq.index(int(t.timestamp())) for t in starts],
                        "starts_s": uniq,
                        "labels": [by_ts[u].isoformat() for u in uniq],
                    },
                    "tolerance": {"exact": True},
                }
            )
    write(
        "time_buckets",
        {
            "calls": "Python zoneinfo (IANA tzdata): datetime.fromtimestamp(s, ZoneInfo(tz)), bucket start date "
            "(ISO week Monday, month/quarter/year 1st), first existing local instant at/after midnight, isoformat()"
        },
        cases,
    )


if __name__ == "__main__":
    quantiles()
    proportion_ci()
    nps_cases()
    weighted_nps()
    csat_cases()
    ces_cases()
    compare_cases()
    sample_size_cases()
    time_bucket_cases()
    print("wrote", sorted(p.name for p in OUT.glob("*.json")))
