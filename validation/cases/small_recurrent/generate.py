#!/usr/bin/python3
"""Reference spike trains of validation/cases/small_recurrent/model.toml,
from Brian2: the same network rebuilt with NEST's update semantics
(validation/brian2_nest.py states the conventions), written as a SONATA
spike report. Every spike must agree (tolerance 1e-6 ms: the same step).

Usage: generate.py OUT.h5
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import brian2 as b2  # noqa: E402

from brian2_nest import generator, lif_group, on_pre, stamp, write_spikes  # noqa: E402

DT = 0.1
T_STOP = 500.0

# The network of model.toml, restated (the case checks both agree by
# running myelin on the TOML file).
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
def main(out_path):
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT * b2.ms
    groups, monitors, objects = {}, {}, []
    for name, (model, size, params, v0) in POPS.items():
        g = lif_group(size, model, params, DT, f"pop_{name}", v0=v0)
        groups[name] = (g, model)
        monitors[name] = b2.SpikeMonitor(g)
        objects += [g, monitors[name]]

    for k, (src, tgt, rule, weight, d) in enumerate(PROJECTIONS):
        g_tgt, model = groups[tgt]
        s = b2.Synapses(groups[src][0], g_tgt, "w : amp", on_pre=on_pre(model, "ex" if weight >= 0 else "in"),
                        delay=d * b2.ms, name=f"proj_{k}")
        s.connect(j="i") if rule == "one_to_one" else s.connect()
        s.w = weight * b2.pA
        objects.append(s)

    gen = generator(GENERATOR["times"], DT, "generator")
    objects.append(gen)
    for k, tgt in enumerate(GENERATOR["targets"]):
        g_tgt, model = groups[tgt]
        s = b2.Synapses(gen, g_tgt, "w : amp", on_pre=on_pre(model, "ex"), delay=GENERATOR["delay"] * b2.ms,
                        name=f"gen_{k}")
        s.connect()
        s.w = GENERATOR["weight"] * b2.pA
        objects.append(s)

    b2.Network(*objects).run(T_STOP * b2.ms, namespace={})
    write_spikes(out_path, {name: stamp(mon, DT) for name, mon in monitors.items()}, DT,
                 "validation/cases/small_recurrent/generate.py")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
