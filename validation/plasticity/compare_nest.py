#!/usr/bin/python3
"""NEST-named plasticity rules against NEST's own update, in scripted
pairings: every final weight (and tsodyks2's u and x) must agree to a
relative 1e-12.

The references below are NEST 3.9's send() methods written out in Python,
independently of myelin's event-driven implementation:

  stdp_synapse              models/stdp_synapse.h
  stdp_nn_symm_synapse      models/stdp_nn_symm_synapse.h
  vogels_sprekeler_synapse  models/vogels_sprekeler_synapse.h
  tsodyks2_synapse          models/tsodyks2_synapse.h (NEST 3.9: u and x
                            are advanced before the spike is delivered,
                            and left as they are at the first spike)

with the postsynaptic side of nestkernel/archiving_node.cpp: get_history
(t1, t2] and get_K_value (the trace of the spikes strictly before t), both
with NEST's stdp_eps, and the delay wholly dendritic (NEST's convention,
myelin's default). Times are NEST stamps (the end of the step).

The network: a presynaptic parrot P and one postsynaptic parrot per rule,
each driven by a spike_generator, so that both trains are exactly the
scripted ones; pairs at every offset occur, equal times in NEST's frame
(t_post + d = t_pre) included. The plastic weights are negative, which a
parrot ignores, so they cannot move its spikes. The first presynaptic
spike comes before any postsynaptic one: NEST's stdp_nn_symm_synapse
would otherwise pair earlier postsynaptic spikes with a presynaptic spike
at t = 0 (its t_lastspike_ starts at 0; myelin pairs nothing before the
first presynaptic spike). The last presynaptic spike comes after every
postsynaptic spike has met the synapse, so NEST's lazy potentiation has
been applied by then.

Usage: compare_nest.py MYELIN WORKDIR   (exit 1 on any difference)
"""
import math
import os
import subprocess
import sys

import h5py
import numpy as np

DT, T_STOP, D, D_GEN = 0.1, 1000.0, 1.5, 1.0  # ms: step, run, plastic delay, generator -> parrot delay
EPS = 1e-6  # NEST's stdp_eps, ms
W0 = -40.0
STDP = dict(tau_plus=16.8, tau_minus=33.7, lam=0.03, alpha=1.1, mu_plus=0.4, mu_minus=0.7, Wmax=-100.0)
NN = dict(tau_plus=12.0, tau_minus=25.0, lam=0.05, alpha=0.9, mu_plus=1.0, mu_minus=1.0, Wmax=-100.0)
VOGELS = dict(tau=20.0, eta=1.5, alpha=0.2, Wmax=-200.0)
TM = dict(U=0.3, tau_rec=120.0, tau_fac=45.0)


def scripted_trains():
    """Presynaptic and postsynaptic stamps (ms) on the grid."""
    pre = [10.0 + 30.0 * k for k in range(31)] + [200.5, 431.3, 602.0]
    offsets = [0.1, -D, 0.0, -D - 0.1, -D + 0.1, D, 2 * D, 5.0, -5.0, 12.0, -12.0, 0.7, -0.3, 3.3]
    post = []
    for k, t in enumerate(pre[1:28]):  # none before the first or near the last presynaptic spike
        post += [t + offsets[k % len(offsets)], t + offsets[(3 * k + 5) % len(offsets)] + 0.4]
        if k % 4 == 0:
            post.append(t - D)  # equal times in NEST's frame: counts neither way
    post += [pre[0] + 2.0]
    grid = lambda ts: sorted({round(t / DT) * DT for t in ts})  # noqa: E731
    return grid(pre), grid(post)


def history(post, t1, t2):
    """ArchivingNode::get_history: spikes with t1 < t <= t2 (up to eps)."""
    return [t for t in post if t1 + EPS <= t < t2 + EPS]


def k_value(post, t, tau, nearest):
    """ArchivingNode::get_K_value / nearest_neighbor_Kminus: the trace of
    the spikes strictly before t (Kminus += 1 per spike, or reset to 1)."""
    k, last = 0.0, None
    for s in post:
        if t - s <= EPS:
            break
        k = (0.0 if last is None else k * math.exp((last - s) / tau)) if not nearest else 0.0
        k += 1.0
        last = s
    return 0.0 if last is None else k * math.exp((last - t) / tau)


def stdp(pre, post, p, nearest):
    """stdp_synapse::send (nearest: stdp_nn_symm_synapse::send)."""
    w, kplus, t_last = W0, 0.0, 0.0

    def facilitate(w, kp):
        n = w / p["Wmax"] + p["lam"] * (1.0 - w / p["Wmax"]) ** p["mu_plus"] * kp
        return n * p["Wmax"] if n < 1.0 else p["Wmax"]

    def depress(w, km):
        n = w / p["Wmax"] - p["alpha"] * p["lam"] * (w / p["Wmax"]) ** p["mu_minus"] * km
        return n * p["Wmax"] if n > 0.0 else 0.0

    for t in pre:
        for s in history(post, t_last - D, t - D):
            minus_dt = t_last - (s + D)
            w = facilitate(w, (1.0 if nearest else kplus) * math.exp(minus_dt / p["tau_plus"]))
        w = depress(w, k_value(post, t - D, p["tau_minus"], nearest))
        kplus = kplus * math.exp((t_last - t) / p["tau_plus"]) + 1.0
        t_last = t
    return w


def vogels(pre, post, p):
    """vogels_sprekeler_synapse::send (the neuron's tau_minus = tau)."""
    w, kplus, t_last = W0, 0.0, 0.0

    def facilitate(w, kp):
        n = abs(w) + p["eta"] * kp
        return math.copysign(n if n < abs(p["Wmax"]) else p["Wmax"], p["Wmax"])

    def depress(w):
        n = abs(w) - p["alpha"] * p["eta"]
        return math.copysign(n if n > 0.0 else 0.0, p["Wmax"])

    for t in pre:
        for s in history(post, t_last - D, t - D):
            w = facilitate(w, kplus * math.exp((t_last - (s + D)) / p["tau"]))
        w = depress(facilitate(w, k_value(post, t - D, p["tau"], False)))
        kplus = kplus * math.exp((t_last - t) / p["tau"]) + 1.0
        t_last = t
    return w


def tsodyks(pre, p):
    """tsodyks2_synapse::send, NEST 3.9: (u, x) after the last spike."""
    u, x, t_last = p["U"], 1.0, None
    for t in pre:
        if t_last is not None:
            h = t - t_last
            x = 1.0 + (x - x * u - 1.0) * math.exp(-h / p["tau_rec"])
            u = p["U"] + u * (1.0 - p["U"]) * math.exp(-h / p["tau_fac"])
        t_last = t
    return u, x


def model(pre, post):
    gen = lambda ts: ", ".join(f"{t - D_GEN:.1f}" for t in ts)  # noqa: E731
    syn = lambda d: ", ".join(f"{k} = {v}" for k, v in d.items())  # noqa: E731
    nest = lambda p: {("lambda" if k == "lam" else k): v for k, v in p.items()}  # noqa: E731
    rules = [("Qs", "stdp_synapse", nest(STDP)), ("Qn", "stdp_nn_symm_synapse", nest(NN)),
             ("Qv", "vogels_sprekeler_synapse", VOGELS), ("Qt", "tsodyks2_synapse", TM)]
    text = f'name = "nest_pairings"\n[run]\ndt = {DT}\nt_stop = {T_STOP}\nseed = 1\n'
    text += '\n[[population]]\nname = "P"\nmodel = "parrot_neuron"\nsize = 1\n'
    text += f'\n[[stimulus]]\ntype = "spike_generator"\ntargets = ["P"]\nspike_times = [{gen(pre)}]\nweight = 1.0\ndelay = {D_GEN}\n'
    for name, rule, params in rules:
        text += f'\n[[population]]\nname = "{name}"\nmodel = "parrot_neuron"\nsize = 1\n'
        text += (f'\n[[stimulus]]\ntype = "spike_generator"\ntargets = ["{name}"]\nspike_times = [{gen(post)}]\n'
                 f"weight = 1.0\ndelay = {D_GEN}\n")
        text += (f'\n[[projection]]\nsource = "P"\ntarget = "{name}"\nrule = "all_to_all"\nweight = {W0}\n'
                 f'delay = {D}\nsynapse_model = "{rule}"\nsynapse = {{ {syn(params)} }}\n')
    return text + '\n[[recorder]]\ntype = "spikes"\n'


def main(myelin, work):
    os.makedirs(work, exist_ok=True)
    pre, post = scripted_trains()
    path = os.path.join(work, "nest_pairings.toml")
    with open(path, "w") as f:
        f.write(model(pre, post))
    out = os.path.join(work, "run")
    subprocess.run([myelin, "run", path, "-o", out, "-q", "--threads", "2"], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(os.path.join(out, "spikes.h5"), "r") as f:
        got_pre = np.round(f["spikes/P/timestamps"][()] / DT) * DT
        got_post = np.round(f["spikes/Qs/timestamps"][()] / DT) * DT
    if not (np.allclose(got_pre, pre) and np.allclose(got_post, post)):
        sys.exit("compare_nest: the parrots did not repeat the scripted trains")
    pairs = sum(abs((s + D) - t) < 1e-9 for s in post for t in pre)
    print(f"{len(pre)} presynaptic and {len(post)} postsynaptic spikes, {pairs} pairs at equal times (NEST's frame)")
    with h5py.File(os.path.join(out, "synapses.h5"), "r") as f:
        got = {name: f[f"edges/P_to_{name}/0"] for name in ("Qs", "Qn", "Qv", "Qt")}
        checks = [("stdp_synapse weight", got["Qs"]["syn_weight"][0], stdp(pre, post, STDP, False)),
                  ("stdp_nn_symm_synapse weight", got["Qn"]["syn_weight"][0], stdp(pre, post, NN, True)),
                  ("vogels_sprekeler_synapse weight", got["Qv"]["syn_weight"][0], vogels(pre, post, VOGELS))]
        u, x = tsodyks(pre, TM)
        checks += [("tsodyks2_synapse u", got["Qt"]["u"][0], u), ("tsodyks2_synapse x", got["Qt"]["x"][0], x)]
    failed = 0
    for what, mine, ref in checks:
        rel = abs(mine - ref) / abs(ref)
        moved = abs(ref - W0) > 1.0 if "weight" in what else True
        ok = rel <= 1e-12 and moved
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what:32s} myelin {mine:.15g}  NEST {ref:.15g}  relative {rel:.1e}"
              + ("" if moved else "  (the weight did not move: the check would see nothing)"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:3])
