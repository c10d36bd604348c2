#!/usr/bin/env python3
"""Generates the constant tables behind src/Physics/Bose/BoseExpansionTables.cs and the
dense reference grid tests/Sweep.Physics.Tests/Data/bose-grid.json (mpmath, 80 digits).

Run from the repository root:  python3 tools/gen_bose_tables.py
Only needed when the orders, the regime switch or the term counts change.
"""
import json
from mpmath import mp, mpf, zeta, factorial, harmonic, polylog, exp, nstr, fsum

mp.dps = 80  # 40 is not enough: polylog(1, z) is −log(1 − z), which cancels for tiny z
ORDERS = [mpf(1) / 2, mpf(1), mpf(3) / 2, mpf(2), mpf(5) / 2, mpf(3)]
NAMES = ["Half", "One", "ThreeHalves", "Two", "FiveHalves", "Three"]
GRID_ORDERS = ORDERS + [mpf(7) / 2]
GRID_NAMES = NAMES + ["SevenHalves"]
SMALL_TERMS = 32  # x < 1.5: |c_k x^k| <~ 2 (2 pi)^(s-1) (x / 2 pi)^k; 32 terms reach 1e-18 at s = 3


def small_x_coefficients(s):
    """c_k with Li_s(e^{-x}) = singular(x) + sum_k c_k x^k (PHYSICS.md section 0, mu = -x)."""
    out = []
    for k in range(SMALL_TERMS):
        sign = (-1) ** k
        if s == int(s) and k == int(s) - 1:
            # integer s = n: the k = n-1 term is mu^{n-1}/(n-1)! [H_{n-1} - ln(-mu)];
            # the -ln x part is added in code, here only the harmonic number.
            out.append(sign * harmonic(k) / factorial(k))
        else:
            out.append(sign * zeta(s - k) / factorial(k))
    return out


def cs(v):
    return nstr(v, 20, min_fixed=-1, max_fixed=0) if v != 0 else "0.0"


# One row per power k, the six orders side by side (the library loads them as one vector of 4 and one of 2).
table = [small_x_coefficients(s) for s in ORDERS]
rows = []
for k in range(SMALL_TERMS):
    rows.append("        " + ", ".join(cs(table[o][k]) for o in range(len(ORDERS))) + ",")
lines = ["    internal const int SmallXTerms = %d;" % SMALL_TERMS, "",
         "    /// <summary>Row k: c_k for d = 1/2, 1, 3/2, 2, 5/2, 3.</summary>",
         "    internal static readonly double[] SmallX =", "    ["] + rows + ["    ];"]
# F_7/2 (the N/F interface's heat conductance) is evaluated on its own, not in the six-wide kernel.
seven = small_x_coefficients(mpf(7) / 2)
lines += ["", "    /// <summary>c_k for d = 7/2 (PHYSICS.md §3), k = 0 … SmallXTerms − 1.</summary>",
          "    internal static readonly double[] SevenHalvesSmallX =", "    ["]
lines += ["        " + ", ".join(cs(seven[k]) for k in range(i, min(i + 4, SMALL_TERMS))) + "," for i in range(0, SMALL_TERMS, 4)]
lines += ["    ];"]
print("\n".join(lines))

def bose_reference(s, x):
    """Li_s(e^{-x}). mpmath's polylog(1, z) is -log(1 - z), which cancels for tiny z (wrong in the
    12th digit at x = 75 even at 40 digits), so for x >= 2 the defining series is summed instead;
    the split differs from the library's (1.5), so the two methods cross-check on [1.5, 2)."""
    if x < 2:
        return polylog(s, exp(-x))
    z = exp(-x)
    return fsum(z ** k / mpf(k) ** s for k in range(1, 80))


grid = []
xs = [mpf(10) ** (mpf(e) / 8) for e in range(-96, 23)]  # 1e-12 ... ~560, 8 per decade
xs += [mpf(v) for v in ("1.4999999", "1.5", "1.5000001", "600", "700")]
xs += [mpf("0.5") + mpf(k) / 16 for k in range(41)]  # dense where truncation and the switch matter
for x in xs:
    row = {"x": nstr(x, 25)}
    for name, s in zip(GRID_NAMES, GRID_ORDERS):
        row[name] = nstr(bose_reference(s, x), 25)
    grid.append(row)
with open("tests/Sweep.Physics.Tests/Data/bose-grid.json", "w") as f:
    json.dump({"generator": "tools/gen_bose_tables.py", "digits": 25, "points": grid}, f, indent=1)
