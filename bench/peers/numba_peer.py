"""Numba peer: the same l11, l12, l22, k as an @njit loop on one thread, in memory, nothing stored.
Compiled and warmed on a small grid first, so the timing is compute only. Prints one JSON line."""
import json
import math
import sys
import time

import numba
import numpy as np

from peers_common import C1, C2, C3, INV1, INV2, INV3, SPLIT, grid

LN_TWO_PI = math.log(2 * math.pi)


@numba.njit(fastmath=False, cache=False)
def kernel(h, t, c1, c2, c3, inv1, inv2, inv3, o11, o12, o22, ok):
    nt = t.size
    for i in range(h.size):
        for j in range(nt):
            x = h[i] / t[j]
            if x < SPLIT:
                ln = math.log(x)
                # terms for (x/2pi)^K < 1e-18 relative, as BoseIntegrals.cs
                n = min(c1.size, int(44.0 / (LN_TWO_PI - ln)) + 1)
                a1 = c1[n - 1]
                a2 = c2[n - 1]
                a3 = c3[n - 1]
                for m in range(n - 2, -1, -1):
                    a1 = a1 * x + c1[m]
                    a2 = a2 * x + c2[m]
                    a3 = a3 * x + c3[m]
                f1 = a1 - ln
                f2 = a2 + x * ln
                f3 = a3 - 0.5 * x * x * ln
                o11[i, j] = f1
                o12[i, j] = 2 * f2 + x * f1
                o22[i, j] = 6 * f3 + 4 * x * f2 + x * x * f1
                ok[i, j] = 6 * f3 - 4 * f2 * f2 / f1
            else:
                z = math.exp(-x)
                n = min(inv1.size, int(39.2 / x) + 1)
                g1 = inv1[n - 1]
                g2 = inv2[n - 1]
                g3 = inv3[n - 1]
                for m in range(n - 2, -1, -1):
                    g1 = g1 * z + inv1[m]
                    g2 = g2 * z + inv2[m]
                    g3 = g3 * z + inv3[m]
                o11[i, j] = z * g1
                o12[i, j] = z * (2 * g2 + x * g1)
                o22[i, j] = z * (6 * g3 + 4 * x * g2 + x * x * g1)
                ok[i, j] = z * (6 * g3 - 4 * g2 * g2 / g1)


def run(h, t):
    out = [np.empty((h.size, t.size)) for _ in range(4)]
    kernel(h, t, C1, C2, C3, INV1, INV2, INV3, *out)
    return out


def main():
    h, t = grid()
    run(h[::100].copy(), t[::100].copy())  # compile and warm
    start = time.perf_counter()
    cpu_start = time.process_time()
    result = run(h, t)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    if len(sys.argv) > 1:
        np.savez(sys.argv[1], l11=result[0], l12=result[1], l22=result[2], k=result[3])
    print(json.dumps({"peer": "numba", "points": h.size * t.size, "seconds": elapsed, "cpu_seconds": cpu,
                      "points_per_s": h.size * t.size / elapsed,
                      "points_per_cpu_s": h.size * t.size / cpu}))


if __name__ == "__main__":
    main()
