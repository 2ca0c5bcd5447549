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
  /usr/bin/python3 models/hippocampus/ca3.py [--out DIR]           (report, ~25 min on 2 cores)
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

KNOBS = {"bg_rate": 3800.0, "bg_w": 10.0, "w0": 10.0, "wmax": 60.0, "eta": 0.05, "alpha": 0.2, "p": 0.1,
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
        "E", "E", "pairwise_bernoulli", p=k["p"], allow_autapses=False, weight=k["w0"], delay=delay,
        synapse_model="stdp_symmetric_synapse",
        synapse={"eta": k["eta"], "alpha": k["alpha"], "Wmax": k["wmax"], "tau_plus": 20.0, "tau_minus": 60.0},
        scaling=scaling if k["scale_beta"] > 0 else None))
    spec.projections.append(myelin.Projection("E", "I", "pairwise_bernoulli", p=0.1, weight=k["j_ei"], delay=delay))
    spec.projections.append(myelin.Projection("I", "E", "pairwise_bernoulli", p=0.2, weight=k["j_ie"], delay=delay))
    spec.projections.append(myelin.Projection("I", "I", "pairwise_bernoulli", p=0.2, weight=k["j_ii"], delay=delay))
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


def protocol(n_e, patterns, stages, seed, knobs, plastic, threads, log):
    """Runs the staged protocol; returns the trials as dicts."""
    net = CA3(n_e, patterns, seed, knobs, plastic, threads)
    trials, learnt = [], 0
    raster = None
    for s, stage in enumerate(stages):
        for m in range(learnt, stage):
            net.learn(m)
        learnt = stage
        sizes = (1, 2, 3) if s in (0, len(stages) - 1) else (2,)
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
