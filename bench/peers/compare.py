"""Accuracy of the peers against Sweep on the same points: evaluates both peers at the coordinates
of Sweep's export (every 40th h, all T: 400 000 points) and prints the largest relative difference
per observable as one JSON line, over the points Sweep computed (status ok: points beyond the
model's validity, status outside, are NaN in Sweep's export). Usage: compare.py EXPORT.npz"""
import json
import sys

import numpy as np

import numba_peer
import numpy_peer
from peers_common import C1, C2, C3, INV1, INV2, INV3


def main():
    d = np.load(sys.argv[1])
    h = np.ascontiguousarray(d["coord_h"][::40])
    t = np.ascontiguousarray(d["coord_T"])
    names = ["l11", "l12", "l22", "k"]
    ours = [d[n][::40] for n in names]
    numba_out = numba_peer.run(h, t)
    numpy_out = [a.reshape(h.size, t.size) for a in numpy_peer.reduced((h[:, None] / t[None, :]).ravel())]
    ok = d["status"][::40] == 0
    report = {"points": int(h.size * t.size), "compared (status ok)": int(ok.sum())}
    for peer, out in (("numba", numba_out), ("numpy", numpy_out)):
        for n, a, b in zip(names, ours, out):
            report[f"{peer}_{n}_max_rel"] = float(np.max(np.abs(a[ok] - b[ok]) / np.abs(a[ok])))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
