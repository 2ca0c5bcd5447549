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
  stdp_dopamine_synapse     models/stdp_dopamine_synapse.h with
                            models/volume_transmitter.cpp and the order of
                            nestkernel/simulation_manager.cpp (deliver,
                            then update, per min_delay slice)

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

stdp_dopamine_synapse is checked twice. From a presynaptic parrot whose
stamps end NEST's min_delay slices, against NEST's algorithm. From the
full train, against the rule with every pair counted: NEST brings the
synapse to the slice's end before it delivers a spike stamped earlier in
that slice, so it misses a pair whose postsynaptic spike meets the
synapse in between; myelin does not copy that (README, differences).
The modulator's spikes never reach the volume transmitter in such a
window, where NEST would also use a back-extrapolated n.

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
DOPA = dict(tau_plus=18.0, tau_minus=22.0, A_plus=0.2, A_minus=0.25, tau_c=350.0, tau_n=160.0, b=0.0005,
            Wmin=-400.0, Wmax=-0.5)
D_VT, MIN_DELAY = 1.2, 10  # ms: modulator -> volume transmitter delay; NEST's min_delay in steps (D_GEN)


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


def on_slice_ends(pre):
    """The presynaptic stamps that end a min_delay slice: no pair can fall
    in NEST's dopamine window (see dopamine) after them."""
    return [t for t in pre if round(t / DT) % MIN_DELAY == 0]


def dopamine_trains(pre):
    """Modulator stamps (ms): none reaches the volume transmitter between a
    presynaptic stamp and the end of its min_delay slice (see dopamine)."""
    dopa = []
    for k in range(40):
        t = round((23.7 + 19.3 * k + (7.1 if k % 3 == 0 else 0.0)) / DT) * DT
        window = any(p < t + D_VT <= math.ceil(p / (MIN_DELAY * DT) - 1e-9) * MIN_DELAY * DT for p in pre)
        if not window:
            dopa.append(t)
    return sorted(dopa)


def dopamine(pre, post, dopa, p, t_end):
    """stdp_dopamine_synapse::send and ::trigger_update_weight, fed by a
    volume_transmitter (models/volume_transmitter.cpp), in NEST's order of
    events: each min_delay slice first delivers the spikes of the slice
    before (send), then the transmitter records the modulator spikes that
    reach it in this slice, at their arrival stamps, and brings every
    synapse to the slice's end (trigger). A spike delivered after that
    trigger takes the synapse back to its stamp; between them NEST uses n
    extrapolated back from the trigger, so a modulator spike in that window
    would be missed (a difference myelin does not copy: the trains avoid
    it). Returns the weight at t_end (ms)."""
    s = dict(w=W0, kplus=0.0, c=0.0, n=0.0, idx=0, t_last=0.0)
    taus = (p["tau_c"] + p["tau_n"]) / (p["tau_c"] * p["tau_n"])
    vt = [(0.0, 0.0)]  # the transmitter's spikecounter: (stamp, multiplicity)

    def update_weight(c0, n0, minus_dt):
        s["w"] -= c0 * (n0 / taus * math.expm1(taus * minus_dt) - p["b"] * p["tau_c"] * math.expm1(minus_dt / p["tau_c"]))
        s["w"] = min(max(s["w"], p["Wmin"]), p["Wmax"])
        s["clipped"] = s.get("clipped", False) or s["w"] in (p["Wmin"], p["Wmax"])

    def update_dopamine():
        minus_dt = vt[s["idx"]][0] - vt[s["idx"] + 1][0]
        s["idx"] += 1
        s["n"] = s["n"] * math.exp(minus_dt / p["tau_n"]) + vt[s["idx"]][1] / p["tau_n"]

    def process(t0, t1):
        def more():
            return len(vt) > s["idx"] + 1 and t1 - vt[s["idx"] + 1][0] > -EPS
        if more():
            n0 = s["n"] * math.exp((vt[s["idx"]][0] - t0) / p["tau_n"])
            update_weight(s["c"], n0, t0 - vt[s["idx"] + 1][0])
            update_dopamine()
            while more():
                cd = s["c"] * math.exp((t0 - vt[s["idx"]][0]) / p["tau_c"])
                update_weight(cd, s["n"], vt[s["idx"]][0] - vt[s["idx"] + 1][0])
                update_dopamine()
            cd = s["c"] * math.exp((t0 - vt[s["idx"]][0]) / p["tau_c"])
            update_weight(cd, s["n"], vt[s["idx"]][0] - t1)
        else:
            update_weight(s["c"], s["n"] * math.exp((vt[s["idx"]][0] - t0) / p["tau_n"]), t0 - t1)
        s["c"] *= math.exp((t0 - t1) / p["tau_c"])

    def facilitate_since_last(t1, t_spike=None):
        t0 = s["t_last"]
        for tp in history(post, s["t_last"] - D, t1 - D):
            process(t0, tp + D)
            t0 = tp + D
            if t_spike is None or t_spike - tp > EPS:
                s["c"] += p["A_plus"] * s["kplus"] * math.exp((s["t_last"] - t0) / p["tau_plus"])
        return t0

    def send(t_spike):
        t0 = facilitate_since_last(t_spike, t_spike)
        process(t0, t_spike)
        s["c"] -= p["A_minus"] * k_value(post, t_spike - D, p["tau_minus"], False)
        s["kplus"] = s["kplus"] * math.exp((s["t_last"] - t_spike) / p["tau_plus"]) + 1.0
        s["t_last"] = t_spike

    def trigger(t_trig):
        t0 = facilitate_since_last(t_trig)
        process(t0, t_trig)
        s["n"] *= math.exp((vt[s["idx"]][0] - t_trig) / p["tau_n"])
        s["kplus"] *= math.exp((s["t_last"] - t_trig) / p["tau_plus"])
        s["t_last"] = t_trig
        s["idx"] = 0

    pre_steps = [round(t / DT) for t in pre]  # stamps in steps
    vt_steps = sorted(round((t + D_VT) / DT) for t in dopa)
    end_step = round(t_end / DT)
    for origin in range(0, end_step - end_step % MIN_DELAY, MIN_DELAY):
        for k in pre_steps:  # emitted in the slice before: stamps in (origin - min_delay, origin]
            if origin - MIN_DELAY < k <= origin:
                send(k * DT)
        vt += [(k * DT, 1.0) for k in vt_steps if origin < k <= origin + MIN_DELAY]
        trigger((origin + MIN_DELAY) * DT)
        del vt[:]
        vt.append(((origin + MIN_DELAY) * DT, 0.0))
    trigger(t_end)  # the state at t_end, as GetStatus would read it after a trigger there
    if s.get("clipped"):
        sys.exit("compare_nest: the dopamine weight reached a bound; the check needs it free")
    return s["w"]


def dopamine_every_pair(pre, post, dopa, p, t_end):
    """The three-factor rule with every pair counted at its time in NEST's
    frame (what myelin does; what NEST does when no pair falls in the
    window above). Events in time order; at equal times the order does
    not matter (a jump in n or c acts only after it)."""
    events = sorted([(t, 2) for t in pre] + [(t + D, 1) for t in post] + [(t + D_VT, 0) for t in dopa])
    w, c, n, kplus, t, last_pre = W0, 0.0, 0.0, 0.0, 0.0, None
    tau_s = p["tau_c"] * p["tau_n"] / (p["tau_c"] + p["tau_n"])
    for te, kind in events + [(t_end, 3)]:
        h = te - t
        w += c * n * tau_s * -math.expm1(-h / tau_s) - p["b"] * c * p["tau_c"] * -math.expm1(-h / p["tau_c"])
        c *= math.exp(-h / p["tau_c"])
        n *= math.exp(-h / p["tau_n"])
        t = te
        if kind == 0:
            n += 1.0 / p["tau_n"]
        elif kind == 1 and last_pre is not None:  # a postsynaptic spike meets the synapse
            c += p["A_plus"] * kplus * math.exp((last_pre - t) / p["tau_plus"])
        elif kind == 2:
            c -= p["A_minus"] * k_value(post, t - D, p["tau_minus"], False)
            kplus = (0.0 if last_pre is None else kplus * math.exp((last_pre - t) / p["tau_plus"])) + 1.0
            last_pre = t
    return w


def lost_pairs(pre, post):
    """Pairs NEST's stdp_dopamine_synapse misses: a postsynaptic spike that
    meets the synapse after a presynaptic stamp but within its slice."""
    slice_end = lambda t: math.ceil(t / (MIN_DELAY * DT) - 1e-9) * MIN_DELAY * DT  # noqa: E731
    return sum(1 for t in pre for s in post if t + EPS < s + D <= slice_end(t) + EPS)


def model(pre, post, dopa):
    gen = lambda ts: ", ".join(f"{t - D_GEN:.1f}" for t in ts)  # noqa: E731
    syn = lambda d: ", ".join(f"{k} = {v}" for k, v in d.items())  # noqa: E731
    nest = lambda p: {("lambda" if k == "lam" else k): v for k, v in p.items()}  # noqa: E731
    rules = [("P", "Qs", "stdp_synapse", nest(STDP)), ("P", "Qn", "stdp_nn_symm_synapse", nest(NN)),
             ("P", "Qv", "vogels_sprekeler_synapse", VOGELS), ("P", "Qt", "tsodyks2_synapse", TM),
             ("Ps", "Qd", "stdp_dopamine_synapse", DOPA), ("P", "Qe", "stdp_dopamine_synapse", DOPA)]
    text = f'name = "nest_pairings"\n[run]\ndt = {DT}\nt_stop = {T_STOP}\nseed = 1\n'
    for name, train in (("P", pre), ("Ps", on_slice_ends(pre)), ("M", dopa)):
        text += f'\n[[population]]\nname = "{name}"\nmodel = "parrot_neuron"\nsize = 1\n'
        text += (f'\n[[stimulus]]\ntype = "spike_generator"\ntargets = ["{name}"]\nspike_times = [{gen(train)}]\n'
                 f'weight = 1.0\ndelay = {D_GEN}\n')
    for source, name, rule, params in rules:
        text += f'\n[[population]]\nname = "{name}"\nmodel = "parrot_neuron"\nsize = 1\n'
        text += (f'\n[[stimulus]]\ntype = "spike_generator"\ntargets = ["{name}"]\nspike_times = [{gen(post)}]\n'
                 f"weight = 1.0\ndelay = {D_GEN}\n")
        text += (f'\n[[projection]]\nsource = "{source}"\ntarget = "{name}"\nrule = "all_to_all"\nweight = {W0}\n'
                 f'delay = {D}\nsynapse_model = "{rule}"\nsynapse = {{ {syn(params)} }}\n')
        if rule == "stdp_dopamine_synapse":
            text += f'modulator = {{ population = "M", delay = {D_VT} }}\n'

    return text + '\n[[recorder]]\ntype = "spikes"\n'


def main(myelin, work):
    os.makedirs(work, exist_ok=True)
    pre, post = scripted_trains()
    dopa = dopamine_trains(pre)
    path = os.path.join(work, "nest_pairings.toml")
    with open(path, "w") as f:
        f.write(model(pre, post, dopa))
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
        got = {name: f[f"edges/{src}_to_{name}/0"] for src, name in
               (("P", "Qs"), ("P", "Qn"), ("P", "Qv"), ("P", "Qt"), ("Ps", "Qd"), ("P", "Qe"))}
        checks = [("stdp_synapse weight", got["Qs"]["syn_weight"][0], stdp(pre, post, STDP, False)),
                  ("stdp_nn_symm_synapse weight", got["Qn"]["syn_weight"][0], stdp(pre, post, NN, True)),
                  ("vogels_sprekeler_synapse weight", got["Qv"]["syn_weight"][0], vogels(pre, post, VOGELS))]
        u, x = tsodyks(pre, TM)
        checks += [("tsodyks2_synapse u", got["Qt"]["u"][0], u), ("tsodyks2_synapse x", got["Qt"]["x"][0], x)]
        # myelin writes the weights at its last step, its clock runs D behind
        # NEST's for this synapse (arrival, not emission): NEST time T_STOP + DT - D.
        t_end = T_STOP + DT - D
        checks += [("stdp_dopamine_synapse weight", got["Qd"]["syn_weight"][0],
                    dopamine(on_slice_ends(pre), post, dopa, DOPA, t_end))]
        # On the full train NEST misses pairs (see dopamine); myelin counts
        # them, as the rule does.
        every = got["Qe"]["syn_weight"][0]
        checks += [("stdp_dopamine_synapse, every pair", every, dopamine_every_pair(pre, post, dopa, DOPA, t_end))]
        nest_full = dopamine(pre, post, dopa, DOPA, t_end)
        print(f"note stdp_dopamine_synapse on the full train: NEST misses {lost_pairs(pre, post)} pair(s) under "
              f"min_delay and ends at {nest_full:.6g}, myelin (every pair) at {every:.6g}, "
              f"{abs(every - nest_full) / abs(nest_full):.1%} apart")
    failed = 0
    for what, mine, ref in checks:
        rel = abs(mine - ref) / abs(ref)
        moved = abs(ref - W0) > 1.0 if "weight" in what else True
        ok = rel <= 1e-12 and moved
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what:34s} myelin {mine:.15g}  reference {ref:.15g}  relative {rel:.1e}"
              + ("" if moved else "  (the weight did not move: the check would see nothing)"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:3])
