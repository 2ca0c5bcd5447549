#!/usr/bin/python3
"""The plots of a `myelin validate --report DIR` report, drawn from
DIR/validation.json and the two spike files it names:

  raster.png         run and reference side by side (the first --max-neurons
                     of each population; exact mode marks the first
                     divergence of each population); the run alone against
                     published means;
  distributions.png  stats mode: per population and statistic, histograms
                     of the run over the reference, with KS distance and
                     effect size (a failing one in red); against published
                     means, the run's histogram with its mean and the
                     published one.

myelin validate runs this itself; run it by hand to redraw.
Usage: plot_validation.py DIR [--max-neurons N] [--window MS]
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

LABELS = {"rate": "rate (Hz)", "cv_isi": "ISI CV", "fano": "Fano factor", "correlation": "correlation"}


def load_spikes(path):
    with h5py.File(path, "r") as f:
        return {p: (g["timestamps"][()], g["node_ids"][()]) for p, g in f["spikes"].items()}


def raster(v, out, max_neurons, window):
    published = "published" in v
    run = load_spikes(v["run"])
    ref = {} if published else load_spikes(v["reference"])
    pops = list(dict.fromkeys(x["population"] for x in v["published"])) if published else [p for p in ref if p in run]
    if v["mode"] == "stats":
        t0, t1 = v["t_start_ms"], v["t_stop_ms"]
    else:
        ends = [t.max() for t, _ in list(run.values()) + list(ref.values()) if len(t)]
        t0, t1 = 0.0, max(ends) if ends else 1.0
    t1 = min(t1, t0 + window)
    diverged = {p["name"]: p["first_divergence"] for p in v.get("populations", []) if "first_divergence" in p}
    panels = [("run (myelin)", run)] + ([] if published else [("reference", ref)])
    fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 6), sharey=True, squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (title, data) in zip(axes[0], panels):
        offset, ticks = 0, []
        for k, p in enumerate(pops):
            t, n = data[p]
            top = max(run[p][1].max(initial=0), ref[p][1].max(initial=0) if p in ref else 0)
            shown = min(max_neurons, int(top) + 1)
            sel = (n < shown) & (t >= t0) & (t <= t1)
            ax.plot(t[sel], n[sel] + offset, "|", ms=3, color=colors[k % len(colors)])
            if p in diverged:
                d = diverged[p]
                ax.plot([d["time_ms"]], [d["node"] + offset], "x", color="red", ms=10, mew=2,
                        label=f"first divergence ({p})")
            ticks.append((offset + shown / 2, p))
            offset += shown
        ax.set_title(title)
        ax.set_xlabel("time (ms)")
        ax.set_xlim(t0, t1)
        ax.set_yticks([y for y, _ in ticks], [p for _, p in ticks])
        if diverged:
            ax.legend(loc="upper right", fontsize=8)
    fig.suptitle(f"myelin validate ({v['mode']}): {'PASS' if v['pass'] else 'FAIL'}")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def distributions(v, out):
    if "published" in v:  # the run's samples and the published means
        stats = [dict(s, reference_sample=[], ks=None, effect=None) for s in v["published"]]
    else:
        stats = v["statistics"]
    pops = list(dict.fromkeys(s["population"] for s in stats))
    names = list(dict.fromkeys(s["statistic"] for s in stats))
    fig, axes = plt.subplots(len(pops), len(names), figsize=(3.6 * len(names), 2.8 * len(pops)), squeeze=False)
    for s in stats:
        ax = axes[pops.index(s["population"])][names.index(s["statistic"])]
        a = np.array([x for x in s["run_sample"] if x is not None], dtype=float)
        b = np.array([x for x in s["reference_sample"] if x is not None], dtype=float)
        both = np.concatenate([a, b])
        if both.size:
            lo, hi = np.percentile(both, [0.5, 99.5])
            if hi <= lo:
                lo, hi = lo - 0.5, hi + 0.5
            bins = np.linspace(lo, hi, 40)
            if b.size:
                ax.hist(b, bins=bins, density=True, color="0.75", label="reference")
            ax.hist(a, bins=bins, density=True, histtype="step", lw=1.6, color="C0", label="run")
        if "published" in s:
            ax.axvline(s["mean_run"], color="C0", ls="--", label="run mean")
            ax.axvline(s["published"], color="C3", lw=2, label="published")
            title = f"{s['population']}: {s['mean_run']:.3g} vs {s['published']:.3g} ({100 * s['deviation']:.1f} %)"
        else:
            d = s["effect"]
            title = f"{s['population']}: KS {s['ks']:.3f}, d {'inf' if d is None else f'{d:.2f}'}"
        ax.set_title(title, fontsize=9, color="black" if s["pass"] else "red")
        ax.set_xlabel(LABELS.get(s["statistic"], s["statistic"]), fontsize=9)
        ax.tick_params(labelsize=8)
    axes[0][0].legend(fontsize=8)
    limits = (f"mean deviation max {100 * v['mean_max']:g} %" if "published" in v
              else f"KS max {v['ks_max']:g}, |d| max {v['effect_max']:g}")
    fig.suptitle(f"run vs {'published means' if 'published' in v else 'reference'}, "
                 f"{v['t_start_ms']:g}..{v['t_stop_ms']:g} ms ({limits}): {'PASS' if v['pass'] else 'FAIL'}")
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--max-neurons", type=int, default=100, help="neurons per population in the raster")
    ap.add_argument("--window", type=float, default=1000.0, help="ms of the raster (from the window's start)")
    args = ap.parse_args()
    path = os.path.join(args.dir, "validation.json")
    try:
        with open(path) as f:
            v = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"plot_validation: {path}: {e}")
    raster(v, os.path.join(args.dir, "raster.png"), args.max_neurons, args.window)
    if v["mode"] == "stats":
        distributions(v, os.path.join(args.dir, "distributions.png"))


if __name__ == "__main__":
    main()
