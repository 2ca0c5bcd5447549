#!/usr/bin/python3
"""Raster plot and population rate of a SONATA spike report.

Usage: plot_raster.py RUN_DIR [--out FILE] [--max-neurons N] [--t-min MS] [--t-max MS]
Reads RUN_DIR/spikes.h5 and writes RUN_DIR/raster.png (or FILE). At most
--max-neurons per population are drawn (default 200) so the plot stays
readable for large networks; the rate panel uses all spikes.
"""
import argparse
import json
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir")
    ap.add_argument("--out")
    ap.add_argument("--max-neurons", type=int, default=200)
    ap.add_argument("--t-min", type=float, default=None)
    ap.add_argument("--t-max", type=float, default=None)
    args = ap.parse_args()
    path = os.path.join(args.run_dir, "spikes.h5")
    if not os.path.exists(path):
        sys.exit(f"plot_raster: {path}: no such file (run myelin first)")
    summary = {}
    sp = os.path.join(args.run_dir, "summary.json")
    if os.path.exists(sp):
        with open(sp) as f:
            summary = json.load(f)
    sizes = {p["name"]: p["size"] for p in summary.get("populations", [])}
    t_stop = summary.get("t_stop_ms")

    with h5py.File(path, "r") as f:
        pops = list(f["spikes"].keys())
        data = {p: (f[f"spikes/{p}/timestamps"][:], f[f"spikes/{p}/node_ids"][:]) for p in pops}
    t_all = np.concatenate([d[0] for d in data.values()]) if data else np.array([])
    t0 = args.t_min if args.t_min is not None else 0.0
    t1 = args.t_max if args.t_max is not None else (t_stop or (t_all.max() if t_all.size else 1.0))

    fig, (ax, axr) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    offset = 0
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    bins = np.arange(t0, t1 + 1.0, 1.0)
    for k, p in enumerate(pops):
        t, n = data[p]
        keep = (n < args.max_neurons) & (t >= t0) & (t <= t1)
        c = colors[k % len(colors)]
        ax.plot(t[keep], n[keep] + offset, ".", ms=1.5, color=c, label=p)
        size = sizes.get(p, int(n.max()) + 1 if n.size else 1)
        hist, _ = np.histogram(t, bins=bins)
        rate = hist / size / 1e-3  # Hz, 1 ms bins
        mean = len(t) / size / ((t_stop or t1) * 1e-3)
        axr.plot(bins[:-1], rate, color=c, lw=0.8, label=f"{p}: {mean:.2f} Hz")
        offset += min(size, args.max_neurons)
    ax.set_ylabel(f"neuron (first {args.max_neurons} per population)")
    ax.legend(loc="upper right", markerscale=6)
    title = summary.get("model", os.path.basename(os.path.normpath(args.run_dir)))
    ax.set_title(f"{title}: spike raster")
    axr.set_xlabel("time (ms)")
    axr.set_ylabel("rate (Hz)")
    axr.legend(loc="upper right", fontsize=8)
    axr.set_xlim(t0, t1)
    fig.tight_layout()
    out = args.out or os.path.join(args.run_dir, "raster.png")
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, out)
    print(f"plot_raster: wrote {out}")


if __name__ == "__main__":
    main()
