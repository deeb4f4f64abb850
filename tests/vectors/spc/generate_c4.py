"""c4(n) at 30 significant digits with mpmath (independent of R's lgamma/gamma, whose
ratio is only good to ~2e-14 at n = 100).

    python3 tests/vectors/spc/generate_c4.py   (from the repository root; needs mpmath)
"""

import json

import mpmath as mp

mp.mp.dps = 30
ns = [*range(2, 101), 150, 200, 500, 1000, 1001, 5000, 100000]
c4 = [
    float(mp.sqrt(mp.mpf(2) / (n - 1)) * mp.gamma(mp.mpf(n) / 2) / mp.gamma(mp.mpf(n - 1) / 2))
    for n in ns
]
out = {
    "provenance": {
        "tool": f"mpmath {mp.__version__} at 30 digits",
        "call": "sqrt(2/(n-1)) * gamma(n/2) / gamma((n-1)/2)",
    },
    "n": ns,
    "c4": c4,
    "tolerance": 2e-15,
}
with open("tests/vectors/spc/c4.json", "w", encoding="utf-8") as f:
    json.dump(out, f, indent=1)
