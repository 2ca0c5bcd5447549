#!/usr/bin/python3
"""Reference spike trains for validation/small_network.toml, from Brian2.

Brian2 is an independent simulator (Debian's python3-brian); this script
rebuilds the same network in it, with NEST's update semantics, and writes
the spikes as a SONATA spike report.

Mapping of conventions (myelin follows NEST):
  * A spike found in step k is stamped (k+1) dt by NEST, k dt by Brian:
    Brian times are shifted by +dt.
  * A spike_generator spike at T is emitted in step T/dt - 1 (NEST), so in
    Brian the generator fires at T - dt.
  * NEST clamps V for t_ref/dt steps after the spike step; Brian counts the
    spike step itself, so Brian's refractory is t_ref + dt.
  * Synaptic input arriving in step k is added after the membrane update of
    step k in both (Brian's 'synapses' slot runs after 'groups').
  * alpha PSC: I(t) = w e/tau t e^{-t/tau}, i.e. dI/dt = -I/tau + x,
    dx/dt = -x/tau, x += w e/tau per spike.

Usage: brian2_small_network.py OUT.h5
"""
import math
import sys

import numpy as np

import brian2 as b2

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

DT = 0.1
T_STOP = 500.0

# The network of small_network.toml, restated (the test checks both agree
# by running myelin on the TOML file).
POPS = {
    # name: (model, size, params, V_m init)
    "A": ("iaf_psc_exp", 2, dict(I_e=420.0, tau_syn_ex=2.0, tau_syn_in=4.0), -65.0),
    "B": ("iaf_psc_alpha", 2, dict(I_e=360.0, tau_m=15.0, C_m=200.0, tau_syn_ex=1.0, tau_syn_in=3.0,
                                   t_ref=3.0, V_th=-54.0), -60.0),
    "C": ("iaf_psc_exp", 1, dict(I_e=390.0, tau_syn_ex=0.5, tau_syn_in=5.0, t_ref=1.5, V_reset=-68.0), -70.0),
}
PROJECTIONS = [  # source, target, rule, weight pA, delay ms
    ("A", "B", "all_to_all", 180.0, 1.3),
    ("B", "C", "all_to_all", -20.0, 0.7),
    ("C", "A", "all_to_all", 300.0, 2.0),
    ("A", "C", "all_to_all", 90.0, 0.1),
    ("B", "B", "one_to_one", -50.0, 4.2),
]
GENERATOR = dict(targets=["B"], times=[5.0, 25.0, 25.5, 60.0, 200.0, 200.1, 200.2], weight=400.0, delay=1.0)
DEFAULTS = dict(C_m=250.0, tau_m=10.0, tau_syn_ex=2.0, tau_syn_in=2.0, t_ref=2.0, E_L=-70.0, V_reset=-70.0,
                V_th=-55.0, I_e=0.0)

EQS = {
    "iaf_psc_exp": """
        dv/dt = (E_L - v) / tau_m + (I_ex + I_in + I_e) / C_m : volt (unless refractory)
        dI_ex/dt = -I_ex / tau_ex : amp
        dI_in/dt = -I_in / tau_in : amp
    """,
    "iaf_psc_alpha": """
        dv/dt = (E_L - v) / tau_m + (I_ex + I_in + I_e) / C_m : volt (unless refractory)
        dI_ex/dt = -I_ex / tau_ex + x_ex : amp
        dx_ex/dt = -x_ex / tau_ex : amp / second
        dI_in/dt = -I_in / tau_in + x_in : amp
        dx_in/dt = -x_in / tau_in : amp / second
    """,
}
PARAMS = """
    C_m : farad (constant)
    tau_m : second (constant)
    tau_ex : second (constant)
    tau_in : second (constant)
    E_L : volt (constant)
    V_reset : volt (constant)
    V_th : volt (constant)
    I_e : amp (constant)
"""


def main(out_path):
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT * b2.ms
    ms, mV, pA, pF = b2.ms, b2.mV, b2.pA, b2.pF
    groups, monitors, objects = {}, {}, []
    for name, (model, size, params, v0) in POPS.items():
        p = dict(DEFAULTS, **params)
        g = b2.NeuronGroup(size, EQS[model] + PARAMS, threshold="v >= V_th", reset="v = V_reset",
                           refractory=(p["t_ref"] + DT) * ms, method="exact", name=f"pop_{name}")
        g.C_m = p["C_m"] * pF
        g.tau_m = p["tau_m"] * ms
        g.tau_ex = p["tau_syn_ex"] * ms
        g.tau_in = p["tau_syn_in"] * ms
        g.E_L = p["E_L"] * mV
        g.V_reset = p["V_reset"] * mV
        g.V_th = p["V_th"] * mV
        g.I_e = p["I_e"] * pA
        g.v = v0 * mV
        groups[name] = (g, model)
        monitors[name] = b2.SpikeMonitor(g)
        objects += [g, monitors[name]]

    def on_pre(model, weight):
        ch = "ex" if weight >= 0 else "in"
        if model == "iaf_psc_exp":
            return f"I_{ch}_post += w"
        return f"x_{ch}_post += w * exp(1) / tau_{ch}_post"

    for k, (src, tgt, rule, weight, d) in enumerate(PROJECTIONS):
        g_tgt, model = groups[tgt]
        s = b2.Synapses(groups[src][0], g_tgt, "w : amp", on_pre=on_pre(model, weight), delay=d * ms,
                        name=f"proj_{k}")
        s.connect(j="i") if rule == "one_to_one" else s.connect()
        s.w = weight * pA
        objects.append(s)

    gen = b2.SpikeGeneratorGroup(1, np.zeros(len(GENERATOR["times"]), dtype=int),
                                 (np.array(GENERATOR["times"]) - DT) * ms, name="generator")
    objects.append(gen)
    for k, tgt in enumerate(GENERATOR["targets"]):
        g_tgt, model = groups[tgt]
        s = b2.Synapses(gen, g_tgt, "w : amp", on_pre=on_pre(model, GENERATOR["weight"]),
                        delay=GENERATOR["delay"] * ms, name=f"gen_{k}")
        s.connect()
        s.w = GENERATOR["weight"] * pA
        objects.append(s)

    net = b2.Network(*objects)
    net.run(T_STOP * ms)

    import h5py
    with h5py.File(out_path, "w") as f:
        sorting = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")
        for name, mon in monitors.items():
            t = np.asarray(mon.t / ms) + DT  # NEST's stamp: end of the step
            i = np.asarray(mon.i, dtype=np.uint64)
            order = np.lexsort((i, np.round(t / DT)))
            g = f.create_group(f"spikes/{name}")
            g.attrs.create("sorting", 2, dtype=sorting)
            ds = g.create_dataset("timestamps", data=t[order])
            ds.attrs["units"] = "ms"
            g.create_dataset("node_ids", data=i[order])
        f.attrs["creator"] = f"brian2 {b2.__version__} via validation/brian2_small_network.py"
    total = sum(len(m.t) for m in monitors.values())
    print(f"brian2: {total} spikes written to {out_path}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
