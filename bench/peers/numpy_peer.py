"""NumPy peer: l11, l12, l22, k of the magnon junction (docs/PHYSICS.md sections 0 and 1) on the grid,
vectorised over all points, in memory, nothing stored. Prints one JSON line."""
import json
import sys
import time

import numpy as np

from peers_common import C1, C2, C3, INV1, INV2, INV3, SPLIT, grid


def horner(coeffs, y):
    acc = np.full_like(y, coeffs[-1])
    for c in coeffs[-2::-1]:
        acc *= y
        acc += c
    return acc


def reduced(x):
    out = [np.empty_like(x) for _ in range(4)]
    small = x < SPLIT
    xs = x[small]
    ln = np.log(xs)
    f1 = horner(C1, xs) - ln
    f2 = horner(C2, xs) + xs * ln
    f3 = horner(C3, xs) - 0.5 * xs * xs * ln
    out[0][small] = f1
    out[1][small] = 2 * f2 + xs * f1
    out[2][small] = 6 * f3 + 4 * xs * f2 + xs * xs * f1
    out[3][small] = 6 * f3 - 4 * f2 * f2 / f1
    large = ~small
    xl = x[large]
    z = np.exp(-xl)
    g1, g2, g3 = horner(INV1, z), horner(INV2, z), horner(INV3, z)
    out[0][large] = z * g1
    out[1][large] = z * (2 * g2 + xl * g1)
    out[2][large] = z * (6 * g3 + 4 * xl * g2 + xl * xl * g1)
    out[3][large] = z * (6 * g3 - 4 * g2 * g2 / g1)
    return out


def main():
    h, t = grid()
    rows = 400  # h values per block: bounded memory (400 x 4000 points)
    start = time.perf_counter()
    cpu_start = time.process_time()
    result = [np.empty((h.size, t.size)) for _ in range(4)]
    for i in range(0, h.size, rows):
        x = (h[i:i + rows, None] / t[None, :]).ravel()
        for dst, src in zip(result, reduced(x)):
            dst[i:i + rows] = src.reshape(-1, t.size)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    if len(sys.argv) > 1:
        np.savez(sys.argv[1], l11=result[0], l12=result[1], l22=result[2], k=result[3])
    print(json.dumps({"peer": "numpy", "points": h.size * t.size, "seconds": elapsed, "cpu_seconds": cpu,
                      "points_per_s": h.size * t.size / elapsed,
                      "points_per_cpu_s": h.size * t.size / cpu}))


if __name__ == "__main__":
    main()
