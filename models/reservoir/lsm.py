#!/usr/bin/python3
"""A liquid state machine on myelin (Maass, Natschlaeger & Markram 2002).

A recurrent reservoir of LIF neurons (80 % excitatory, 20 % inhibitory,
sparse random connections with heterogeneous delays, optionally
iaf_psc_exp_ip neurons whose thresholds adapt towards a target rate) is
driven by 40 input spike trains through a population of parrot neurons.
Linear readouts, trained by ridge regression with the regularisation chosen
by cross-validation (scikit-learn), read the reservoir's exponentially
filtered spike trains at the tasks' read times. Three tasks:

  templates  K = 4 jittered Poisson spike-pattern templates, one per 100 ms
             segment: classify the template of segment n - d at the end of
             segment n, for d = 0, 1, 2 (accuracy vs delay; chance 1/K);
  memory     the input rate is redrawn every 20 ms; reconstruct the rate of
             k = 1..20 steps ago: memory capacity = sum of squared
             correlations (Jaeger 2002);
  xor        two input streams each carry one bit per 50 ms (high or low
             rate); report a XOR b of the step d = 0 and 1 steps ago.

Each score is given against chance and against the same readout on the
filtered input spike trains alone (no reservoir). Train on the first 70 %
of the presentations, score on the rest.

Usage:
  /usr/bin/python3 models/reservoir/lsm.py [--sizes 1000 2000] [--out DIR]
  /usr/bin/python3 models/reservoir/lsm.py --quick --check   (the CTest)
"""
import argparse
import json
import os
import sys
import time

import numpy as np

import myelin

N_IN = 40
DT = 0.1
TAU_READ = 30.0  # ms, the readout's filter of every spike train


# ---------------------------------------------------------------- the network

KNOBS = {"j": 40.0, "g": 4.0, "w_in": 220.0, "noise_rate": 2500.0, "noise_w": 12.5, "p": 0.1, "tau_ex": 6.0,
         "tau_in": 12.0, "tau_m": 20.0}


def reservoir(n, seed, homeostasis=False, connected=True, knobs=None):
    """The ModelSpec of a reservoir of n neurons with its input population."""
    k = dict(KNOBS, **(knobs or {}))
    spec = myelin.ModelSpec(f"lsm_{n}")
    spec.run.dt, spec.run.seed = DT, seed
    ne = int(round(0.8 * n))
    ni = n - ne
    lif = {"C_m": 250.0, "tau_m": k["tau_m"], "t_ref": 2.0, "E_L": -70.0, "V_reset": -70.0, "V_th": -55.0,
           "tau_syn_ex": k["tau_ex"], "tau_syn_in": k["tau_in"], "I_e": 0.0}
    initial = {"V_m": myelin.Value.uniform(-70.0, -55.0)}
    e_model = "iaf_psc_exp_ip" if homeostasis else "iaf_psc_exp"
    e_params = dict(lif, eta_ip=0.2, target_rate=8.0) if homeostasis else lif
    spec.populations.append(myelin.Population("input", "parrot_neuron", N_IN))
    spec.populations.append(myelin.Population("E", e_model, ne, params=e_params, initial=initial))
    spec.populations.append(myelin.Population("I", "iaf_psc_exp", ni, params=lif, initial=initial))
    delay = myelin.Value.uniform(0.5, 3.0)
    j, g = k["j"], k["g"]  # pA
    if connected:
        for src, tgt, w in (("E", "E", j), ("E", "I", 2 * j), ("I", "E", -g * j), ("I", "I", -g * j)):
            spec.projections.append(myelin.Projection(
                src, tgt, "pairwise_bernoulli", p=k["p"], allow_autapses=False,
                weight=myelin.Value.normal(w, abs(w) * 0.3, min(0.0, 2 * w), max(0.0, 2 * w)), delay=delay))
    for tgt in ("E", "I"):
        spec.projections.append(myelin.Projection(
            "input", tgt, "pairwise_bernoulli", p=0.2,
            weight=myelin.Value.normal(k["w_in"], 0.3 * k["w_in"], 0.0, 2 * k["w_in"]),
            delay=myelin.Value.uniform(0.5, 2.0)))
    # Background noise keeps the membranes near threshold.
    spec.stimuli.append(myelin.PoissonGenerator("noise", ["E", "I"], rate=k["noise_rate"], weight=k["noise_w"], delay=0.1))
    spec.recorders.append(myelin.SpikeRecorder(["input", "E", "I"]))
    return spec


def run(spec, channels, t_stop, threads=0):
    """Simulates spec with channels[i] (spike times, ms) into input neuron
    i; returns {population: (ids, times)}."""
    for i, times in enumerate(channels):
        t = np.unique(np.round(np.asarray(times) / DT) * DT)
        t = t[(t >= DT) & (t < t_stop)]
        spec.stimuli.append(myelin.SpikeGenerator(f"in{i}", ["input"], t, weight=1.0, delay=DT, neurons=[i]))
    spec.run.t_stop = t_stop
    sim = myelin.Simulation(spec, threads=threads)
    sim.run_until(t_stop)
    spikes = sim.spikes()
    sim.finish()
    return spikes


def features(spikes, populations, sizes, read_times):
    """Each population's spike trains filtered by exp(-t / TAU_READ), read
    at read_times: one row per read time, one column per neuron, plus 1."""
    cols = []
    for pop, n in zip(populations, sizes):
        ids, times = spikes[pop]
        ids, times = np.asarray(ids, dtype=np.int64), np.asarray(times)
        order = np.argsort(times, kind="stable")
        ids, times = ids[order], times[order]
        x = np.zeros((len(read_times), n))
        lo = np.searchsorted(times, np.asarray(read_times) - 6 * TAU_READ, side="right")
        hi = np.searchsorted(times, read_times, side="right")
        for r, (a, b) in enumerate(zip(lo, hi)):
            np.add.at(x[r], ids[a:b], np.exp(-(read_times[r] - times[a:b]) / TAU_READ))
        cols.append(x)
    cols.append(np.ones((len(read_times), 1)))
    return np.hstack(cols)


# ---------------------------------------------------------------- the tasks

def poisson(rng, rate_hz, t0, t1):
    n = rng.poisson(rate_hz * (t1 - t0) * 1e-3)
    return np.sort(rng.uniform(t0, t1, n))


def templates_task(rng, presentations, k=4, segment=100.0, rate=20.0, jitter=4.0):
    """Inputs, read times and labels: template of each segment."""
    temps = [[poisson(rng, rate, 0.0, segment) for _ in range(N_IN)] for _ in range(k)]
    labels = rng.integers(0, k, presentations)
    channels = [[] for _ in range(N_IN)]
    for s, lab in enumerate(labels):
        t0 = (s + 1) * segment  # the first segment starts after a settling time
        for i in range(N_IN):
            t = temps[lab][i] + rng.normal(0.0, jitter, len(temps[lab][i]))
            channels[i].append(t0 + np.clip(t, 0.0, segment - DT))
    channels = [np.concatenate(c) if c else np.array([]) for c in channels]
    read = (np.arange(presentations) + 2) * segment
    return channels, read, labels, (presentations + 2) * segment


def memory_task(rng, steps, step=20.0, low=10.0, high=200.0):
    """Inputs, read times and the rate drawn for each step (0..1)."""
    u = rng.uniform(0.0, 1.0, steps)
    channels = [[] for _ in range(N_IN)]
    for s, x in enumerate(u):
        t0 = (s + 5) * step
        for i in range(N_IN):
            channels[i].append(poisson(rng, low + (high - low) * x, t0, t0 + step))
    read = (np.arange(steps) + 6) * step
    return [np.concatenate(c) for c in channels], read, u, (steps + 6) * step


def xor_task(rng, steps, step=50.0, low=2.0, high=40.0):
    """Two streams (input channels 0-19 and 20-39), one bit each per step."""
    a, b = rng.integers(0, 2, steps), rng.integers(0, 2, steps)
    channels = [[] for _ in range(N_IN)]
    for s in range(steps):
        t0 = (s + 2) * step
        for i in range(N_IN):
            bit = a[s] if i < N_IN // 2 else b[s]
            channels[i].append(poisson(rng, high if bit else low, t0, t0 + step))
    read = (np.arange(steps) + 3) * step
    return [np.concatenate(c) for c in channels], read, (a, b), (steps + 3) * step


# ---------------------------------------------------------------- readouts

ALPHAS = np.logspace(-3, 4, 15)


def split(n):
    return int(0.7 * n)


def classify(x, y):
    from sklearn.linear_model import RidgeClassifierCV
    m = split(len(y))
    clf = RidgeClassifierCV(alphas=ALPHAS).fit(x[:m], y[:m])
    return float(clf.score(x[m:], y[m:]))


def regress_r2(x, y):
    """Squared correlation of the held-out prediction with the target."""
    from sklearn.linear_model import RidgeCV
    m = split(len(y))
    pred = RidgeCV(alphas=ALPHAS).fit(x[:m], y[:m]).predict(x[m:])
    if np.std(pred) == 0 or np.std(y[m:]) == 0:
        return 0.0
    return float(np.corrcoef(pred, y[m:])[0, 1] ** 2)


def scores_templates(x, labels, delays=(0, 1, 2)):
    return {d: classify(x[d:], labels[:len(labels) - d]) for d in delays}


def scores_memory(x, u, kmax=20):
    return {k: regress_r2(x[k:], u[:len(u) - k]) for k in range(1, kmax + 1)}


def scores_xor(x, ab, delays=(0, 1)):
    a, b = ab
    y = a ^ b
    return {d: classify(x[d:], y[:len(y) - d]) for d in delays}


# ---------------------------------------------------------------- protocol

def run_task(task, n, seed, homeostasis, connected, length, threads=0, knobs=None):
    rng = np.random.default_rng(seed)
    make = {"templates": templates_task, "memory": memory_task, "xor": xor_task}[task]
    channels, read, target, t_stop = make(rng, length)
    spec = reservoir(n, seed, homeostasis, connected, knobs)
    t0 = time.perf_counter()
    spikes = run(spec, channels, t_stop, threads)
    wall = time.perf_counter() - t0
    ne = int(round(0.8 * n))
    x_res = features(spikes, ["E", "I"], [ne, n - ne], read)
    x_in = features(spikes, ["input"], [N_IN], read)
    score = {"templates": scores_templates, "memory": scores_memory, "xor": scores_xor}[task]
    rate = {p: len(spikes[p][1]) / (size * t_stop * 1e-3) for p, size in (("E", ne), ("I", n - ne), ("input", N_IN))}
    return {"reservoir": score(x_res, target), "input_only": score(x_in, target), "wall_s": wall,
            "bio_s": t_stop * 1e-3, "rates_hz": rate, "spikes": spikes, "read": read}


LENGTHS = {"full": {"templates": 500, "memory": 2000, "xor": 800},
           "quick": {"templates": 240, "memory": 700, "xor": 500}}
TASKS = ["templates", "memory", "xor"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000], help="reservoir sizes (neurons)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true",
                    help="shorter protocols, the first size, no homeostatic runs (the CTest)")
    ap.add_argument("--out", default="output/reservoir", help="report folder")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless the reservoir beats the input-only readout and a disconnected reservoir")
    ap.add_argument("--digest", action="store_true",
                    help="run 3 s of the xor input and print a digest of every spike (equal on any number of "
                         "ranks: mpirun -np 2 /usr/bin/python3 lsm.py --digest)")
    args = ap.parse_args(argv)
    if args.digest:
        return digest(args.sizes[0], args.seed, args.threads)
    lengths = LENGTHS["quick" if args.quick else "full"]
    sizes = args.sizes[:1] if args.quick else args.sizes
    os.makedirs(args.out, exist_ok=True)
    # (condition, homeostasis, recurrent connections, tasks)
    conditions = [("static", False, True, TASKS), ("disconnected", False, False, ["memory"])]
    if not args.quick:
        conditions.insert(1, ("homeostatic", True, True, TASKS))
    results = {}
    for n in sizes:
        for name, homeo, connected, tasks in conditions:
            for task in tasks:
                r = run_task(task, n, args.seed, homeo, connected, lengths[task], args.threads)
                results[(n, name, task)] = r
                print(f"{n:5d} {name:12s} {task:9s} reservoir {fmt(task, r['reservoir'])}  "
                      f"input only {fmt(task, r['input_only'])}  rates E {r['rates_hz']['E']:.1f} Hz "
                      f"I {r['rates_hz']['I']:.1f} Hz  ({r['bio_s']:.0f} s in {r['wall_s']:.1f} s)", flush=True)
    write_report(results, sizes, args)
    return check(results, sizes[0]) if args.check else 0


def digest(n, seed, threads):
    import hashlib
    from mpi4py import MPI
    channels, _, _, t_stop = xor_task(np.random.default_rng(seed), 60)
    spikes = run(reservoir(n, seed, homeostasis=True), channels, t_stop, threads)
    h = hashlib.sha1()
    count = 0
    for pop in ("input", "E", "I"):
        ids, times = (np.asarray(v) for v in spikes[pop])
        order = np.lexsort((ids, times))
        h.update(ids[order].astype(np.int64).tobytes())
        h.update(times[order].astype(np.float64).tobytes())
        count += len(ids)
    if MPI.COMM_WORLD.Get_rank() == 0:
        print(f"digest {h.hexdigest()} of {count} spikes on {MPI.COMM_WORLD.Get_size()} rank(s)")
    return 0


def fmt(task, r):
    if task == "memory":
        return f"MC {sum(r.values()):.2f}"
    return " ".join(f"d{d}:{v:.2f}" for d, v in r.items())


def check(results, n):
    """The margins the CTest asserts."""
    ok = True

    def need(cond, what):
        nonlocal ok
        print(("ok: " if cond else "FAIL: ") + what)
        ok &= bool(cond)

    t = results.get((n, "static", "templates"))
    if t:
        need(t["reservoir"][0] > 0.8, f"templates: reservoir accuracy {t['reservoir'][0]:.2f} > 0.8 (chance 0.25)")
        need(t["reservoir"][1] > t["input_only"][1] + 0.2,
             f"templates one segment back: reservoir {t['reservoir'][1]:.2f} > input only "
             f"{t['input_only'][1]:.2f} + 0.2")
    m, md = results.get((n, "static", "memory")), results.get((n, "disconnected", "memory"))
    if m and md:
        mc, mc_in, mc_dis = (sum(r.values()) for r in (m["reservoir"], m["input_only"], md["reservoir"]))
        need(mc > mc_in + 0.4, f"memory capacity: reservoir {mc:.2f} > input only {mc_in:.2f} + 0.4")
        need(mc_dis < mc - 0.3, f"memory capacity: disconnected reservoir {mc_dis:.2f} < connected {mc:.2f} - 0.3")
        need(mc_dis < mc_in + 0.3, f"memory capacity: disconnected reservoir {mc_dis:.2f} near input only "
             f"{mc_in:.2f} (< + 0.3)")
    x = results.get((n, "static", "xor"))
    if x:
        need(x["reservoir"][0] > 0.65, f"xor: reservoir accuracy {x['reservoir'][0]:.2f} > 0.65 (chance 0.5)")
        need(x["reservoir"][0] > x["input_only"][0] + 0.1,
             f"xor: reservoir {x['reservoir'][0]:.2f} > input only {x['input_only'][0]:.2f} + 0.1")
    return 0 if ok else 1


# ---------------------------------------------------------------- report

def write_report(results, sizes, args):
    """scores.json, report.md and the plots, in args.out."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = args.out
    plain = {f"{n}/{c}/{t}": {k: v for k, v in r.items() if k in ("reservoir", "input_only", "wall_s", "bio_s", "rates_hz")}
             for (n, c, t), r in results.items()}
    with open(os.path.join(out, "scores.json"), "w") as f:
        json.dump(plain, f, indent=1)
    n0 = sizes[0]
    fig, ax = plt.subplots(1, 3, figsize=(15, 4))
    raster(ax[0], results[(n0, "static", "templates")])
    curves(ax[1], ax[2], results, sizes)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "lsm.png"), dpi=90)
    lines = ["# Liquid state machine on myelin", "",
             f"`/usr/bin/python3 models/reservoir/lsm.py {' '.join(sys.argv[1:])}`, seed {args.seed}. "
             "Readouts: ridge regression (scikit-learn, alpha by cross-validation) on spike trains filtered "
             f"with tau = {TAU_READ:.0f} ms; trained on 70 % of the presentations, scored on the rest.", "",
             "| neurons | condition | task | reservoir | input only | chance | E, I rate (Hz) | bio s | wall s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    chance = {"templates": "0.25", "memory": "0", "xor": "0.5"}
    for (n, c, t), r in results.items():
        lines.append(f"| {n} | {c} | {t} | {fmt(t, r['reservoir'])} | {fmt(t, r['input_only'])} | {chance[t]} | "
                     f"{r['rates_hz']['E']:.1f}, {r['rates_hz']['I']:.1f} | {r['bio_s']:.0f} | {r['wall_s']:.1f} |")
    lines += ["", "templates dN: accuracy for the template N segments back; memory: memory capacity "
              "(sum over k = 1..20 of r^2); xor dN: accuracy for a XOR b N steps back.", "", "![lsm](lsm.png)", ""]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines))
    print(f"report: {os.path.join(out, 'report.md')}")


def raster(ax, r):
    spikes, read = r["spikes"], r["read"]
    t0, t1 = read[3] - 100.0, read[3] + 400.0
    offset = 0
    for pop, color in (("input", "tab:green"), ("E", "tab:blue"), ("I", "tab:red")):
        ids, times = (np.asarray(v) for v in spikes[pop])
        sel = (times >= t0) & (times < t1) & (ids < 200)
        ax.plot(times[sel], ids[sel] + offset, ".", ms=1.5, color=color, label=pop)
        offset += min(200, int(ids.max()) + 1 if len(ids) else 0)
    for t in read[2:8]:
        ax.axvline(t, color="k", lw=0.5)
    ax.set_xlim(t0, t1)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (first 200 of each)")
    ax.set_title("templates task: input and reservoir spikes")
    ax.legend(loc="upper right", markerscale=5, fontsize=7)


def curves(ax_m, ax_t, results, sizes):
    for (n, c, t), r in results.items():
        if t == "memory":
            k = list(r["reservoir"].keys())
            ax_m.plot(k, list(r["reservoir"].values()), "o-", ms=3, label=f"{n} {c}")
        if t == "templates":
            d = list(r["reservoir"].keys())
            ax_t.plot(d, list(r["reservoir"].values()), "o-", label=f"{n} {c}")
    r = results[(sizes[0], "static", "memory")]
    ax_m.plot(list(r["input_only"].keys()), list(r["input_only"].values()), "k--", label="input only")
    ax_m.set_xlabel("k (steps of 20 ms back)")
    ax_m.set_ylabel("r^2 of the reconstructed rate")
    ax_m.set_title("memory function")
    ax_m.legend(fontsize=7)
    r = results[(sizes[0], "static", "templates")]
    ax_t.plot(list(r["input_only"].keys()), list(r["input_only"].values()), "k--", label="input only")
    ax_t.axhline(0.25, color="grey", lw=0.5)
    ax_t.set_xlabel("segments back")
    ax_t.set_ylabel("test accuracy")
    ax_t.set_title("template classification vs delay")
    ax_t.legend(fontsize=7)


if __name__ == "__main__":
    sys.exit(main())
