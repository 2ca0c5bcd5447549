#!/usr/bin/python3
"""A CA3 content-addressable memory on myelin: it learns patterns one after
another, recalls each from a fragment, and forgets old ones as new ones
are learnt (after Casanueva-Morato et al. 2023, at a larger scale).

The network: a recurrent excitatory CA3 population (10,000 LIF neurons by
default) with feedback inhibition (2,000 LIF interneurons), Poisson
background drive, and plastic recurrent E -> E synapses:
stdp_symmetric_synapse (symmetric STDP, Mishra et al. 2016) with synaptic
scaling towards a low target rate. Dentate-gyrus-like input: a pattern is
a sparse set of 3 % of CA3; learning it drives all of its neurons with
strong "mossy fibre" Poisson input, a cue drives only a fragment (25, 50
or 75 %). Learning is gated as acetylcholine gates CA3 plasticity
(Hasselmo 2006): on while a pattern is learnt, off during recall tests
(Simulation.set_synapse_parameter). Between trials a short strong
inhibition (as a theta trough) silences the network.

Protocol, for an orthogonal (disjoint) and a non-orthogonal (each pattern
shares 30 % of its neurons with earlier ones) pattern set:
  - learn patterns in stages (5, 10, 20, 30 patterns); after each stage,
    cue every pattern learnt so far with half of it: capacity as P grows
    and the forgetting curve (quality against the number of patterns
    learnt after it);
  - after the first and the last stage, cue each pattern with 25, 50 and
    75 % fragments.
The same protocol runs on the same network with plasticity off (eta = 0):
the floor that learning must beat.

Recall quality of a trial: the Pearson correlation, over the neurons the
cue did not drive, between their spike counts in the recall window and
membership of the stored pattern (1 = exactly the missing part fires,
0 = chance). Chance level is also measured: the same correlation against
a random set of the same size.

Usage:
  /usr/bin/python3 models/hippocampus/ca3.py [--out DIR]           (report, ~17 min on 2 cores)
  /usr/bin/python3 models/hippocampus/ca3.py --quick --check       (the CTest)
"""
import argparse
import json
import os
import sys
import time

import numpy as np

import myelin

DT = 0.1
LEARN_MS = 500.0      # one pattern's presentation
CUE_MS = 200.0        # one recall trial
WINDOW = (30.0, CUE_MS)  # counted part of a trial, ms after the cue starts
RESET_MS = 60.0       # inhibition after every trial and presentation
REST_MS = 60.0        # quiet after the inhibition

# In-degrees stay fixed as the network is scaled (k_*: synapses per target
# neuron), so a smaller network in the CTest has the same dynamics.
KNOBS = {"bg_rate": 3800.0, "bg_w": 10.0, "w0": 10.0, "wmax": 60.0, "eta": 0.05, "alpha": 0.2,
         "k_ee": 1000, "k_ei": 1000, "k_ie": 400, "k_ii": 400,
         "j_ei": 30.0, "j_ie": -40.0, "j_ii": -40.0, "dg_rate": 200.0, "dg_w": 200.0,
         "scale_beta": 0.005, "scale_target": 1.0}


def network(n_e, patterns, seed, knobs):
    """The ModelSpec: CA3 (E, I), background, a DG generator per pattern quarter, and a reset."""
    k = knobs
    spec = myelin.ModelSpec(f"ca3_{n_e}")
    spec.run.dt, spec.run.seed = DT, seed
    lif = {"C_m": 250.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": -70.0, "V_reset": -70.0, "V_th": -55.0,
           "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "I_e": 0.0}
    initial = {"V_m": myelin.Value.uniform(-70.0, -60.0)}
    n_i = n_e // 5
    spec.populations.append(myelin.Population("E", "iaf_psc_exp", n_e, params=lif, initial=initial))
    spec.populations.append(myelin.Population("I", "iaf_psc_exp", n_i, params=lif, initial=initial))
    delay = myelin.Value.uniform(1.0, 3.0)
    scaling = {"target_rate": k["scale_target"], "beta": k["scale_beta"], "tau": 1000.0, "interval": 100.0}
    spec.projections.append(myelin.Projection(
        "E", "E", "pairwise_bernoulli", p=min(1.0, k["k_ee"] / n_e), allow_autapses=False, weight=k["w0"], delay=delay,
        synapse_model="stdp_symmetric_synapse",
        synapse={"eta": k["eta"], "alpha": k["alpha"], "Wmax": k["wmax"], "tau_plus": 20.0, "tau_minus": 60.0},
        scaling=scaling if k["scale_beta"] > 0 else None))
    for src, tgt, n_src in (("E", "I", n_e), ("I", "E", n_i), ("I", "I", n_i)):
        key = src.lower() + tgt.lower()
        spec.projections.append(myelin.Projection(src, tgt, "pairwise_bernoulli", p=min(1.0, k["k_" + key] / n_src),
                                                  weight=k["j_" + key], delay=delay))
    spec.stimuli.append(myelin.PoissonGenerator("background", ["E", "I"], rate=k["bg_rate"], weight=k["bg_w"], delay=0.1))
    for m, pat in enumerate(patterns):
        for q, part in enumerate(quarters(pat)):
            spec.stimuli.append(myelin.PoissonGenerator(f"dg{m}_{q}", ["E"], rate=0.0, weight=k["dg_w"], delay=1.0,
                                                        neurons=sorted(int(i) for i in part)))
    spec.stimuli.append(myelin.DCGenerator("reset", ["E", "I"], 0.0, delay=0.1))
    spec.recorders.append(myelin.SpikeRecorder(["E", "I"]))
    return spec


def quarters(pattern):
    """A pattern's four cue fragments (a 50 % cue is the first two)."""
    return np.array_split(np.asarray(pattern), 4)


def pattern_sets(n_e, count, size, rng, shared=0.3):
    """Orthogonal: disjoint random sets. Non-orthogonal: each pattern takes
    `shared` of its neurons from the patterns before it."""
    perm = rng.permutation(n_e)
    orth = [np.sort(perm[i * size:(i + 1) * size]) for i in range(min(count, n_e // size))]
    over = [np.sort(rng.choice(n_e, size, replace=False))]
    for _ in range(count - 1):
        old = np.unique(np.concatenate(over))
        keep = rng.choice(old, int(shared * size), replace=False)
        fresh = rng.choice(np.setdiff1d(np.arange(n_e), keep), size - len(keep), replace=False)
        over.append(np.sort(np.concatenate([keep, fresh])))
    return {"orthogonal": orth, "overlapping": over}


class CA3:
    """One network and its protocol clock."""

    def __init__(self, n_e, patterns, seed, knobs, plastic, threads):
        self.k, self.n_e, self.patterns, self.plastic = knobs, n_e, patterns, plastic
        k = dict(knobs, eta=knobs["eta"] if plastic else 0.0, scale_beta=knobs["scale_beta"] if plastic else 0.0)
        self.scaling = k["scale_beta"] > 0
        t0 = time.perf_counter()
        self.sim = myelin.Simulation(network(n_e, patterns, seed, k), threads=threads)
        self.build_s = time.perf_counter() - t0
        self.t = 0.0
        self.wall = 0.0
        self.rng = np.random.default_rng(seed + 1)
        self.go(200.0)  # settle

    def go(self, ms):
        t0 = time.perf_counter()
        self.t = self.sim.run_until(self.t + ms)
        self.wall += time.perf_counter() - t0

    def drive(self, m, parts, rate):
        for q in parts:
            self.sim.set_rate(f"dg{m}_{q}", rate)

    def reset(self):
        self.sim.set_amplitude("reset", -800.0)
        self.go(RESET_MS)
        self.sim.set_amplitude("reset", 0.0)
        self.go(REST_MS)
        self.sim.clear_spikes()

    def learning(self, on):
        if not self.plastic:
            return
        self.sim.set_synapse_parameter(0, "eta", self.k["eta"] if on else 0.0)
        if self.scaling:
            self.sim.set_synapse_parameter(0, "scaling.beta", self.k["scale_beta"] if on else 0.0)

    def learn(self, m):
        self.learning(True)
        self.drive(m, range(4), self.k["dg_rate"])
        self.go(LEARN_MS)
        self.drive(m, range(4), 0.0)
        self.reset()
        self.learning(False)

    def cue(self, m, n_quarters):
        """(quality, chance, counts) of a trial cueing pattern m with n_quarters of it."""
        t0 = self.t
        parts = range(n_quarters)
        self.drive(m, parts, self.k["dg_rate"])
        self.go(CUE_MS)
        self.drive(m, parts, 0.0)
        ids, times = (np.asarray(v) for v in self.sim.spikes()["E"])
        sel = (times >= t0 + WINDOW[0]) & (times < t0 + WINDOW[1])
        counts = np.bincount(ids[sel].astype(np.int64), minlength=self.n_e).astype(float)
        self.reset()
        q = quarters(self.patterns[m])
        cued = np.concatenate(q[:n_quarters])
        return quality(counts, self.patterns[m], cued, self.rng) + (counts,)


def quality(counts, pattern, cued, rng):
    """Correlation of the uncued neurons' counts with pattern membership,
    and the same against a random set of the same size (chance)."""
    free = np.setdiff1d(np.arange(len(counts)), cued)
    member = np.isin(free, pattern).astype(float)
    c = counts[free]
    if c.std() == 0:
        return 0.0, 0.0
    chance = np.zeros(len(free))
    chance[rng.choice(len(free), int(member.sum()), replace=False)] = 1.0
    return float(np.corrcoef(c, member)[0, 1]), float(np.corrcoef(c, chance)[0, 1])


def protocol(n_e, patterns, stages, seed, knobs, plastic, threads, log, cues=(25, 50, 75)):
    """Runs the staged protocol (every cue size in `cues` after the first
    and the last stage, 50 % after the others); returns the trials as dicts."""
    net = CA3(n_e, patterns, seed, knobs, plastic, threads)
    trials, learnt = [], 0
    raster = None
    for s, stage in enumerate(stages):
        for m in range(learnt, stage):
            net.learn(m)
        learnt = stage
        sizes = [c // 25 for c in cues] if s in (0, len(stages) - 1) else [2]
        for m in range(learnt):
            for nq in sizes:
                qual, chance, counts = net.cue(m, nq)
                trials.append({"stage": stage, "pattern": m, "cue": nq * 25, "quality": qual, "chance": chance,
                               "members_hz": float(counts[patterns[m]].mean() / ((WINDOW[1] - WINDOW[0]) * 1e-3)),
                               "others_hz": float(np.delete(counts, patterns[m]).mean() / ((WINDOW[1] - WINDOW[0]) * 1e-3))})
                if raster is None and plastic and nq == 2:
                    raster = counts_raster(net, m, nq)
        done = [t for t in trials if t["stage"] == stage and t["cue"] == 50]
        log(f"  {'plastic' if plastic else 'frozen '} P = {stage:2d}: quality at 50 % cue "
            f"{np.mean([t['quality'] for t in done]):.2f} (chance {np.mean([t['chance'] for t in done]):+.2f}), "
            f"{net.t / 1000:.0f} s simulated in {net.wall:.0f} s")
    return {"trials": trials, "build_s": net.build_s, "wall_s": net.wall, "bio_s": net.t / 1000, "raster": raster}


def counts_raster(net, m, nq):
    """The spikes of one more 50 % cue of pattern m, for the report's raster."""
    t0 = net.t
    net.drive(m, range(nq), net.k["dg_rate"])
    net.go(CUE_MS)
    net.drive(m, range(nq), 0.0)
    ids, times = (np.asarray(v) for v in net.sim.spikes()["E"])
    net.reset()
    return {"ids": ids.astype(np.int64), "times": times - t0, "pattern": net.patterns[m],
            "cued": np.concatenate(quarters(net.patterns[m])[:nq])}


# ---------------------------------------------------------------- driver

THRESHOLD = 0.3  # a pattern counts as recalled at this quality (frozen network: ~0)
MODES = {"full": {"n": 10000, "stages": [5, 10, 20, 30]},
         "quick": {"n": 4000, "stages": [3, 6]}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neurons", type=int, help="CA3 pyramidal cells (default 10,000; --quick 4,000)")
    ap.add_argument("--stages", type=int, nargs="+", help="patterns learnt by the end of each stage")
    ap.add_argument("--sets", nargs="+", choices=["orthogonal", "overlapping"], default=["orthogonal", "overlapping"],
                    help="pattern sets to run (overlapping ones may outnumber what fits orthogonally)")
    ap.add_argument("--cues", type=int, nargs="+", choices=[25, 50, 75], default=[25, 50, 75],
                    help="cue sizes (%%) tested after the first and last stage (50 %% after the others)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="4,000 neurons, stages 3 and 6 (the CTest: ~1 min on 2 threads, ~2 on one)")
    ap.add_argument("--out", default="output/hippocampus", help="report folder")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless recall beats the frozen network and chance by the CTest's margins")
    ap.add_argument("--digest", action="store_true",
                    help="learn 2 patterns, cue them and print a digest of every spike (equal on any number of "
                         "ranks: mpirun -np 2 /usr/bin/python3 ca3.py --digest)")
    args = ap.parse_args(argv)
    mode = MODES["quick" if args.quick else "full"]
    n = args.neurons or mode["n"]
    stages = args.stages or mode["stages"]
    size = int(round(0.03 * n))
    most = n // size if "orthogonal" in args.sets else 10 * n // size
    if stages != sorted(stages) or stages[0] < 1 or stages[-1] > most:
        ap.error(f"--stages: increasing pattern counts from 1 to {most} ("
                 + (f"orthogonal patterns of {size} neurons must fit into {n})" if most == n // size else
                    "overlapping patterns: at most 10 per neuron on average)"))
    if args.check and (args.sets != ["orthogonal", "overlapping"] or 50 not in args.cues or 25 not in args.cues
                       or 75 not in args.cues):
        ap.error("--check needs both pattern sets and all cue sizes")
    if args.digest:
        return digest(n, args.seed, args.threads)
    sets = pattern_sets(n, stages[-1], size, np.random.default_rng(args.seed))
    results = {}
    for kind in args.sets:
        patterns = sets[kind]
        print(f"{kind} patterns: {len(patterns)} of {size} neurons in {n}", flush=True)
        for plastic in (True, False):
            # Frozen weights do not depend on how many patterns came before: one stage shows the floor.
            results[(kind, plastic)] = protocol(n, patterns, stages if plastic else stages[:1], args.seed, KNOBS,
                                                plastic, args.threads, lambda s: print(s, flush=True), args.cues)
    os.makedirs(args.out, exist_ok=True)
    write_report(results, n, size, stages, args)
    return check(results, stages) if args.check else 0


def digest(n, seed, threads):
    import hashlib
    from mpi4py import MPI
    patterns = pattern_sets(n, 2, int(round(0.03 * n)), np.random.default_rng(seed))["overlapping"]
    net = CA3(n, patterns, seed, KNOBS, True, threads)
    h = hashlib.sha1()
    count = 0

    def take():
        nonlocal count
        for pop in ("E", "I"):
            ids, times = (np.asarray(v) for v in net.sim.spikes()[pop])
            order = np.lexsort((ids, times))
            h.update(ids[order].astype(np.int64).tobytes())
            h.update(times[order].astype(np.float64).tobytes())
            count += len(ids)

    for m in range(2):
        net.drive(m, range(4), KNOBS["dg_rate"])
        net.go(LEARN_MS)
        net.drive(m, range(4), 0.0)
        take()
        net.reset()
    net.learning(False)
    for m in range(2):
        net.drive(m, range(2), KNOBS["dg_rate"])
        net.go(CUE_MS)
        take()
        net.reset()
    c = {k: np.asarray(v) for k, v in net.sim.connections(0).items()}
    # Per target the synapses come in the order each rank generated them: sorted, they must be equal.
    order = np.lexsort((c["delays"], c["sources"], c["targets"]))
    w = c["weights"][order]
    h.update(w.tobytes())
    if MPI.COMM_WORLD.Get_rank() == 0:
        print(f"digest {h.hexdigest()} of {count} spikes and {len(w)} weights on {MPI.COMM_WORLD.Get_size()} rank(s)")
    return 0


def mean_quality(trials, **where):
    q = [t["quality"] for t in trials if all(t[k] == v for k, v in where.items())]
    return float(np.mean(q)) if q else float("nan")


def check(results, stages):
    """The margins the CTest asserts."""
    ok = True

    def need(cond, what):
        nonlocal ok
        print(("ok: " if cond else "FAIL: ") + what)
        ok &= bool(cond)

    first = stages[0]
    for kind in ("orthogonal", "overlapping"):
        tr, fr = results[(kind, True)]["trials"], results[(kind, False)]["trials"]
        for cue in (25, 50, 75):
            q, f = mean_quality(tr, stage=first, cue=cue), mean_quality(fr, stage=first, cue=cue)
            need(q > f + 0.2, f"{kind}, {cue} % cue: recall quality {q:.2f} > frozen network {f:.2f} + 0.2")
            need(abs(f) < 0.1, f"{kind}, {cue} % cue: frozen network at chance ({f:+.2f}, |q| < 0.1)")
        q25, q75 = mean_quality(tr, stage=first, cue=25), mean_quality(tr, stage=first, cue=75)
        need(q75 > q25, f"{kind}: a larger cue recalls better (75 %: {q75:.2f} > 25 %: {q25:.2f})")
        chance = float(np.mean([t["chance"] for t in tr]))
        need(abs(chance) < 0.05, f"{kind}: quality against a random set at chance ({chance:+.3f})")
        last = [t for t in tr if t["stage"] == stages[-1] and t["cue"] == 50]
        recalled = sum(t["quality"] > THRESHOLD for t in last)
        need(recalled >= 0.8 * stages[-1], f"{kind}: {recalled} of {stages[-1]} patterns recalled at the end "
             f"(quality > {THRESHOLD}, at least 80 %)")
    return 0 if ok else 1


# ---------------------------------------------------------------- report

def write_report(results, n, size, stages, args):
    """scores.json, report.md and ca3.png, in args.out."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = args.out
    with open(os.path.join(out, "scores.json"), "w") as f:
        json.dump({f"{k}/{'plastic' if p else 'frozen'}": {x: r[x] for x in ("trials", "build_s", "wall_s", "bio_s")}
                   for (k, p), r in results.items()}, f, indent=1)
    fig, ax = plt.subplots(2, 2, figsize=(12, 9))
    raster(ax[0][0], results[(kinds(results)[0], True)]["raster"], n, kinds(results)[0])
    cue_curves(ax[0][1], results, stages)
    capacity(ax[1][0], results, stages)
    forgetting(ax[1][1], results, stages)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "ca3.png"), dpi=90)
    lines = ["# CA3 content-addressable memory on myelin", "",
             f"`/usr/bin/python3 models/hippocampus/ca3.py {' '.join(sys.argv[1:])}`, seed {args.seed}: "
             f"{n} CA3 pyramidal cells, {n // 5} interneurons, patterns of {size} neurons "
             f"({100 * size / n:.0f} %). Quality: correlation of the uncued neurons' spike counts with pattern "
             f"membership (1: exactly the missing part fires; 0: chance). Recalled: quality > {THRESHOLD}.", "",
             "## Recall from fragments", "",
             "| patterns | after learning | cue | quality, plastic | quality, plasticity off | chance |",
             "| --- | --- | --- | --- | --- | --- |"]
    for kind in kinds(results):
        tr, fr = results[(kind, True)]["trials"], results[(kind, False)]["trials"]
        for stage in (stages[0], stages[-1]):
            for cue in args.cues:
                ch = [t["chance"] for t in tr if t["stage"] == stage and t["cue"] == cue]
                frozen = f"{mean_quality(fr, stage=stage, cue=cue):.2f}" if stage == stages[0] else ""
                lines.append(f"| {kind} | {stage} | {cue} % | {mean_quality(tr, stage=stage, cue=cue):.2f} | "
                             f"{frozen} | {np.mean(ch):+.2f} |")
    lines += ["", "## Capacity and forgetting (50 % cues)", "",
              "| patterns | learnt | recalled | mean quality | quality of the first 5 |", "| --- | --- | --- | --- | --- |"]
    for kind in kinds(results):
        tr = results[(kind, True)]["trials"]
        for stage in stages:
            q = [t["quality"] for t in tr if t["stage"] == stage and t["cue"] == 50]
            lines.append(f"| {kind} | {stage} | {sum(x > THRESHOLD for x in q)} | {np.mean(q):.2f} | "
                         f"{np.mean(q[:5]):.2f} |")
    lines += ["", "## Cost", "", "| patterns | plasticity | build s | simulated s | wall s |", "| --- | --- | --- | --- | --- |"]
    for (kind, plastic), r in results.items():
        lines.append(f"| {kind} | {'on' if plastic else 'off'} | {r['build_s']:.1f} | {r['bio_s']:.1f} | {r['wall_s']:.0f} |")
    lines += ["", "![ca3](ca3.png)", ""]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines))
    print(f"report: {os.path.join(out, 'report.md')}")


def kinds(results):
    return [k for k in ("orthogonal", "overlapping") if (k, True) in results]


def raster(ax, r, n, kind):
    """A 50 % cue: cued neurons, the rest of the pattern, then 600 others."""
    pat, cued = r["pattern"], r["cued"]
    rest = np.setdiff1d(pat, cued)
    others = np.setdiff1d(np.arange(n), pat)[:600]
    row = np.full(n, -1)
    for offset, group in ((0, cued), (len(cued), rest), (len(pat), others)):
        row[group] = offset + np.arange(len(group))
    y = row[r["ids"]]
    for lo, hi, color, label in ((0, len(cued), "tab:green", "cued"), (len(cued), len(pat), "tab:blue", "recalled part"),
                                 (len(pat), len(pat) + 600, "tab:grey", "not in the pattern")):
        sel = (y >= lo) & (y < hi)
        ax.plot(r["times"][sel], y[sel], ".", ms=1.5, color=color, label=label)
    ax.axvspan(WINDOW[0], WINDOW[1], color="k", alpha=0.05)
    ax.set_xlabel("ms after the cue starts")
    ax.set_ylabel("neuron")
    ax.set_title(f"recall of an {kind} pattern from half of it")
    ax.legend(loc="upper right", markerscale=5, fontsize=7)


def cue_curves(ax, results, stages):
    for (kind, plastic), r in results.items():
        stage = stages[0]
        cues = sorted({t["cue"] for t in r["trials"] if t["stage"] == stage})
        q = [mean_quality(r["trials"], stage=stage, cue=c) for c in cues]
        ax.plot(cues, q, "o-" if plastic else "x--", label=f"{kind}, {'plastic' if plastic else 'plasticity off'}")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("cue (% of the pattern)")
    ax.set_ylabel("recall quality")
    ax.set_title(f"quality vs cue size after {stages[0]} patterns")
    ax.legend(fontsize=7)


def capacity(ax, results, stages):
    for kind in kinds(results):
        tr = results[(kind, True)]["trials"]
        rec = [sum(t["quality"] > THRESHOLD for t in tr if t["stage"] == s and t["cue"] == 50) for s in stages]
        ax.plot(stages, rec, "o-", label=kind)
    ax.plot(stages, stages, "k:", lw=0.8, label="all")
    ax.set_xlabel("patterns learnt")
    ax.set_ylabel(f"patterns recalled (quality > {THRESHOLD})")
    ax.set_title("capacity")
    ax.legend(fontsize=7)


def forgetting(ax, results, stages):
    for kind in kinds(results):
        tr = results[(kind, True)]["trials"]
        last = [t for t in tr if t["stage"] == stages[-1] and t["cue"] == 50]
        age = [stages[-1] - 1 - t["pattern"] for t in last]
        ax.plot(age, [t["quality"] for t in last], "o", ms=3, label=kind)
    ax.set_xlabel("patterns learnt after it")
    ax.set_ylabel("recall quality (50 % cue)")
    ax.set_title(f"forgetting curve after {stages[-1]} patterns")
    ax.legend(fontsize=7)


if __name__ == "__main__":
    sys.exit(main())
