#!/usr/bin/env python3
"""Generates the physics reference values the tests check against:
tests/Sweep.Physics.Tests/Reference/physics-reference.json (Bose integrals, magnon junction,
magnon gas, MTJ) and physics-reference-more.json (N/F interface, spin-chain exchange coefficient,
pair tunneling), from the formulas of docs/PHYSICS.md, in mpmath at 50 working digits, written
with 40 significant digits.

Rerun from the repository root (Debian: apt-get install python3-mpmath; 5-7 minutes on one core,
most of it the pair-tunneling double integrals):

    /usr/bin/python3 tools/gen_reference.py                 # rewrites both files
    /usr/bin/python3 tools/gen_reference.py --check         # recomputes, compares with the committed files
    /usr/bin/python3 tools/gen_reference.py --against DIR   # compares the committed files with another
                                                            # copy (e.g. an independent set), no recompute

Every formula below cites the PHYSICS.md section it implements. Quantities that PHYSICS.md defines
only as derivatives or integrals (dI/dV, the N/F and pair integrals) are computed from those
definitions (mpmath.diff, mpmath.quad), not from the closed forms the C# kernels use, so the
reference is an independent check of the kernels.
"""
import json
import sys
from pathlib import Path

from mpmath import mp, mpf, polylog, exp, log, pi, sqrt, quad, diff, nstr, zeta, findroot, inf

mp.dps = 50
DIGITS = 40
OUT = Path(__file__).resolve().parent.parent / "tests" / "Sweep.Physics.Tests" / "Reference"


def s(v):
    """A reference number as a string of DIGITS significant digits."""
    return nstr(mpf(v), DIGITS, min_fixed=-5, max_fixed=8)


def F(d, x):
    """PHYSICS.md §0: F_d(x) = Li_d(e^{-x})."""
    return polylog(mpf(d), exp(-mpf(x)))


# ---- §1 magnon junction ------------------------------------------------------------------------

def reduced(x):
    x = mpf(x)
    f1, f2, f3 = F(1, x), F(2, x), F(3, x)
    l12 = 2 * f2 + x * f1
    return {"l11": f1, "l12": l12, "l21": l12, "l22": 6 * f3 + 4 * x * f2 + x * x * f1,
            "k": 6 * f3 - 4 * f2 * f2 / f1}


def transmission_slope(J_T, S, J):
    """A = J_T²/(8π³ J³ S) (§1)."""
    return mpf(J_T) ** 2 / (8 * pi ** 3 * mpf(J) ** 3 * mpf(S))


def absolute(h, T, J_T, S, J):
    A, T = transmission_slope(J_T, S, J), mpf(T)
    r = reduced(mpf(h) / T)
    return {"A": A, "L11": A * T * r["l11"], "L12": A * T * r["l12"], "L21": A * T * T * r["l12"],
            "L22": A * T ** 2 * r["l22"], "K": A * T ** 2 * r["k"]}


def currents(hL, hR, TL, TR, J_T, S, J):
    """The exact nonlinear currents of §1, as PHYSICS.md writes them."""
    A = transmission_slope(J_T, S, J)
    hL, hR, TL, TR = map(mpf, (hL, hR, TL, TR))
    xL, xR = hL / TL, hR / TR
    I_S = A * (TL ** 2 * F(2, xL) - TR ** 2 * F(2, xR))
    I_H = A * (2 * TL ** 3 * F(3, xL) + hL * TL ** 2 * F(2, xL) - 2 * TR ** 3 * F(3, xR) - hL * TR ** 2 * F(2, xR))
    return {"I_S": I_S, "I_H": I_H}


def magnon_gas(h, T, J, S):
    """n = λ F_{3/2}, κ = (λ/T) F_{1/2}, λ = (T/(4πD))^{3/2}, D = J S (§1)."""
    T, D = mpf(T), mpf(J) * mpf(S)
    lam = (T / (4 * pi * D)) ** mpf(1.5)
    x = mpf(h) / T
    return {"n": lam * F(1.5, x), "kappa": lam / T * F(0.5, x)}


# ---- §2 MTJ --------------------------------------------------------------------------------------

def eps_nB(e, t):
    """ε n_B(ε) = ε/(e^{ε/t} − 1), → t at ε = 0, → −ε θ(−ε) at t = 0 (§2)."""
    e, t = mpf(e), mpf(t)
    if t == 0:
        return -e if e < 0 else mpf(0)
    if e == 0:
        return t
    return e / (exp(e / t) - 1)


def mtj(v, t, S, alpha_p, G0_over_Gphi, P, P_L, eta):
    v, t, S, alpha_p, G0, P, P_L = map(mpf, (v, t, S, alpha_p, G0_over_Gphi, P, P_L))
    Gm = 2 * P * P_L / (1 + P * P)
    gamma_ratio = 2 * P * P / (1 + P * P)
    Gamma = gamma_ratio * G0
    alpha_e = Gamma / (pi * S)
    Vc = eta * (1 + alpha_p / alpha_e) / P_L
    N0 = eps_nB(1, t)

    def n_pm(u):
        a, b = eps_nB(1 - u, t), eps_nB(1 + u, t)
        return (a + b) / 2, (a - b) / 2

    def n_s(u):
        plus, minus = n_pm(u)
        tilde = (alpha_e / alpha_p) * (plus - N0 - eta * P_L * minus) / (1 + alpha_e / alpha_p)
        return (N0 + tilde) / (1 + u / Vc)

    def current(u):
        plus, minus = n_pm(u)
        N = n_s(u)
        return (1 + eta * Gm * (1 - N / S)) * u + gamma_ratio / S * (minus - eta * P_L * (plus - N))

    return {"Gamma": Gamma, "alpha_e": alpha_e, "Vc": Vc, "N0": N0, "Ns": n_s(v), "i": current(v),
            "dIdV": diff(current, v), "stable": bool(1 + v / Vc > 0)}


# ---- §3 N/F interface ----------------------------------------------------------------------------

def nf_interface(h, T, D):
    """The defining integrals of §3 with g_r/(πs) = 1 and n_th with λ = (T/(4πD))^{3/2}."""
    h, T, D = mpf(h), mpf(T), mpf(D)

    def integral(power, tpower):
        def integrand(e):
            E = e + h
            n = 1 / (exp(E / T) - 1)
            return sqrt(e) / (4 * pi ** 2 * D ** mpf(1.5)) * E ** power * n * (1 + n) / T ** tpower
        return quad(integrand, [0, T, 10 * T, inf])

    lam = (T / (4 * pi * D)) ** mpf(1.5)
    return {"g_s": integral(1, 1), "S_s": integral(2, 2), "kappa_s": integral(3, 2),
            "Pi_s": integral(2, 1), "n_th": lam * F(1.5, h / T)}


# ---- §4 spin chain -------------------------------------------------------------------------------

def mean_energy(N, L, T):
    """ε(T), canonical mean energy of N spinless fermions on e_n = π² n²/(2L²), by the textbook
    recursion Z_N = (1/N) Σ_k (−1)^{k+1} Z_1(kβ) Z_{N−k} in 50-digit arithmetic (the cancellation
    the C# kernel avoids is harmless here); T = 0 is the ground state."""
    L, T = mpf(L), mpf(T)
    unit = pi ** 2 / (2 * L * L)
    levels = [unit * n * n for n in range(1, N + 1)]
    if T == 0:
        return sum(levels)
    beta = 1 / T
    # Enough levels that e^{−β e_m} is negligible at 50 digits.
    cutoff = 1
    while beta * unit * cutoff * cutoff < 200 + beta * unit * N * N:
        cutoff += 1
    energies = [unit * m * m for m in range(1, cutoff + 1)]

    def Z(b):
        z1 = lambda k: sum(exp(-k * b * e) for e in energies)
        Zs = [mpf(1)]
        for n in range(1, N + 1):
            Zs.append(sum((-1) ** (k + 1) * z1(k) * Zs[n - k] for k in range(1, n + 1)) / n)
        return Zs[N]

    return -diff(lambda b: log(Z(b)), beta)


def spin_chain_alpha(N, L, T):
    alpha = 2 * mean_energy(N, L, T) / mpf(L)
    alpha1 = 2 * mean_energy(N, L, 0) / mpf(L)
    return {"alpha": alpha, "alpha1": alpha1, "ratio": alpha / alpha1}


# ---- §5 pair tunneling ---------------------------------------------------------------------------

def pair_tunneling(T, gamma):
    """Units m = k_F = 1 (E_F = T_F = 1/2): μ_B from n_M = 1/(6π²) = (T/π)^{3/2} F_{3/2}(−μ_B/T),
    then G/S from the double integrals of §5 (the d³q integral in ε = q²/4: 16π ∫ √ε dε)."""
    T, gamma = mpf(T), mpf(gamma)
    n_M = 1 / (6 * pi ** 2)
    # F_{3/2} decreases in y: a bracketing solver stays on the real axis.
    y = findroot(lambda y: (T / pi) ** mpf(1.5) * F(1.5, y) - n_M, (mpf("1e-12"), mpf(5)), solver="illinois")
    mu_B = -T * y

    def Q(E):
        return quad(lambda e: sqrt(e) / ((E - e) ** 2 + gamma ** 2) ** 2, [0, E, E + 10 * gamma, inf] if E > 0 else [0, 10 * gamma, inf])

    def minus_dn(E):
        a = (E - mu_B) / T
        return exp(a) / (exp(a) - 1) ** 2 / T

    G = 2 * quad(lambda E: Q(E) * minus_dn(E), [0, gamma, T, 10 * T, inf])
    S = quad(lambda E: Q(E) * (E - mu_B) / T * minus_dn(E), [0, gamma, T, 10 * T, inf])
    return mu_B, G / S


def critical_temperature():
    """T_c/T_F where μ_B → 0: (T/π)^{3/2} ζ(3/2) = 1/(6π²), T_F = 1/2."""
    Tc = pi * (1 / (6 * pi ** 2) / zeta(mpf(1.5))) ** (mpf(2) / 3)
    return Tc / mpf("0.5")


# ---- the files ----------------------------------------------------------------------------------

X_GRID = ["0.000001", "0.001", "0.1", "0.5", "1.0", "2.0", "5.0", "10.0", "30.0"]
ORDERS = [0.5, 1, 1.5, 2, 2.5, 3]


def strings(values):
    return {k: (v if isinstance(v, bool) else s(v)) for k, v in values.items()}


def physics_reference():
    out = {"conventions": "docs/PHYSICS.md", "generator": "tools/gen_reference.py", "digits": DIGITS}
    out["polylog"] = [{"d": d, "x": x, "value": s(F(d, x))} for d in ORDERS for x in X_GRID]
    out["junction_reduced"] = [{"x": x, **strings(reduced(x))} for x in X_GRID]
    out["junction_absolute"] = [
        {**p, **strings(absolute(**p))}
        for p in ({"h": 0.01, "T": 0.1, "J_T": 0.05, "S": 1, "J": 1},
                  {"h": 0.5, "T": 0.2, "J_T": 0.02, "S": 2.5, "J": 1},
                  {"h": 0.0001, "T": 1.0, "J_T": 0.1, "S": 0.5, "J": 2})]
    out["junction_currents"] = [
        {**p, **strings(currents(**p))}
        for p in ({"hL": 0.1, "hR": 0.12, "TL": 0.5, "TR": 0.5, "J_T": 0.05, "S": 1, "J": 1},
                  {"hL": 0.05, "hR": 0.05, "TL": 0.6, "TR": 0.4, "J_T": 0.05, "S": 1, "J": 1})]
    out["magnon_gas"] = [
        {**p, **strings(magnon_gas(**p))}
        for p in ({"h": 0.01, "T": 0.1, "J": 1, "S": 1}, {"h": 1e-05, "T": 0.5, "J": 1, "S": 2})]
    out["mtj"] = [
        {**p, **strings(mtj(**p))}
        for p in ({"v": 0.5, "t": 1.0, "S": 100, "alpha_p": 0.05, "G0_over_Gphi": 2000, "P": 0.2, "P_L": 0.2, "eta": -1},
                  {"v": 2.0, "t": 0.25, "S": 100, "alpha_p": 0.05, "G0_over_Gphi": 2000, "P": 0.2, "P_L": 0.2, "eta": 1},
                  {"v": -3.0, "t": 0.0, "S": 50, "alpha_p": 0.1, "G0_over_Gphi": 10000.0, "P": 0.3, "P_L": 0.2, "eta": -1},
                  {"v": 1.5, "t": 4.0, "S": 1000.0, "alpha_p": 0.01, "G0_over_Gphi": 100000.0, "P": 0.1, "P_L": 0.5, "eta": 1})]
    return out


def more_reference():
    out = {"conventions": "docs/PHYSICS.md sections 3-5", "generator": "tools/gen_reference.py", "digits": DIGITS}
    out["nf_interface"] = [{**p, **strings(nf_interface(**p))}
                           for p in ({"h": 0.1, "T": 0.5, "D": 1}, {"h": 1.0, "T": 0.3, "D": 2})]
    out["spin_chain_alpha"] = [{**p, **strings(spin_chain_alpha(**p))}
                               for p in ({"N": 7, "L": 7, "T": 0.5}, {"N": 5, "L": 5, "T": 1.6449}, {"N": 9, "L": 9, "T": 3.0})]
    points = []
    for T_over_TF in ("0.25", "0.4"):
        mu_B, ratio = pair_tunneling(mpf(T_over_TF) / 2, mpf("0.05"))
        points.append({"T_over_TF": T_over_TF, "mu_B": s(mu_B), "G_over_S": s(ratio)})
    out["pair_tunneling"] = {"units": "m = 1, k_F = 1, E_F = T_F = 1/2, gamma = 0.05",
                             "Tc_over_TF": s(critical_temperature()), "points": points}
    return out


def compare(expected, actual, path="", digits=30):
    """Differences beyond `digits` significant digits between two reference trees."""
    bad = []
    if isinstance(expected, dict):
        for k, v in expected.items():
            bad += compare(v, actual.get(k), f"{path}.{k}", digits) if k not in ("generator", "conventions", "digits") else []
    elif isinstance(expected, list):
        for i, (a, b) in enumerate(zip(expected, actual)):
            bad += compare(a, b, f"{path}[{i}]", digits)
        if len(expected) != len(actual):
            bad.append(f"{path}: {len(expected)} entries vs {len(actual)}")
    elif isinstance(expected, str):
        try:
            a, b = mpf(expected), mpf(actual)
        except (TypeError, ValueError):
            return [] if expected == actual else [f"{path}: {expected!r} vs {actual!r}"]
        if abs(a - b) > abs(a) * mpf(10) ** (-digits):
            bad.append(f"{path}: {expected} vs {actual}")
    elif expected != actual:
        bad.append(f"{path}: {expected!r} vs {actual!r}")
    return bad


def main():
    names = ("physics-reference.json", "physics-reference-more.json")
    if "--against" in sys.argv:
        other = Path(sys.argv[sys.argv.index("--against") + 1])
        bad = []
        for name in names:
            theirs, ours = json.loads((other / name).read_text()), json.loads((OUT / name).read_text())
            # Agreement to the digits of the less precise copy, less a couple for its last-digit rounding.
            digits = min(int(theirs.get("digits", DIGITS)), int(ours.get("digits", DIGITS))) - 2
            bad += compare(theirs, ours, name, digits)
        print("\n".join(bad) if bad else f"reference files agree with {other}")
        sys.exit(1 if bad else 0)
    files = {names[0]: physics_reference(), names[1]: more_reference()}
    if "--check" in sys.argv:
        bad = []
        for name, fresh in files.items():
            bad += compare(json.loads((OUT / name).read_text()), fresh, name)
        print("\n".join(bad) if bad else "reference files reproduced")
        sys.exit(1 if bad else 0)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (OUT / name).write_text(json.dumps(content, indent=1) + "\n")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
