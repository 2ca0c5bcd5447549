#!/usr/bin/python3
"""The single_neurons case: one neuron of every model under the same
scripted input (a constant current, excitatory spikes at 20, 50, 51, 52
and 200 ms, inhibitory ones at 120 and 121 ms, each over a 1 ms delay),
one population per model or parameter set. Writes model.toml (the myelin
side) and reference.h5 (the Brian2 side) into CASE_DIR.

The Brian2 neurons are those of validation/neuron_models/compare_brian2.py,
which also compares the membrane traces: forward Euler at the same dt for
izhikevich (NEST's scheme), exact integration for the linear models, RK4
at dt/20 spiking only on the grid for iaf_cond_exp and the AdEx models.
The LIF models and the parrot come from validation/brian2_nest.py. Spikes
must agree within one step (the default tolerance).

Usage: generate.py CASE_DIR
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "neuron_models"))
import brian2 as b2  # noqa: E402

import compare_brian2 as nm  # noqa: E402
from brian2_nest import generator, lif_group, on_pre, stamp, write_spikes  # noqa: E402

DT, T_STOP, INPUT = nm.DT, nm.T_STOP, nm.INPUT
# The spiking cases of compare_brian2.py, and the models it leaves out.
CASES = [(name, model, params, weights) for name, model, params, weights, spiking in nm.CASES if spiking] + [
    ("iaf_psc_exp", "iaf_psc_exp", dict(I_e=376.0, tau_syn_ex=1.0, tau_syn_in=3.0), (300.0, -300.0)),
    ("iaf_psc_alpha", "iaf_psc_alpha", dict(I_e=370.0, tau_syn_ex=0.5, tau_syn_in=2.0), (400.0, -300.0)),
    ("parrot_neuron", "parrot_neuron", dict(), (1.0, 1.0)),
]


def brian_lif(model, params, weights):
    """iaf_psc_exp or iaf_psc_alpha, exact integration on the grid."""
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT * b2.ms
    g = lif_group(1, model, params, DT, "n")
    spk = b2.SpikeMonitor(g)
    objs = [g, spk]
    for sign, w in zip((1, -1), weights):
        gen = generator([t for t, s in INPUT if s == sign], DT, f"gen_{sign + 1}")
        syn = b2.Synapses(gen, g, "w : amp", on_pre=on_pre(model, "ex" if w >= 0 else "in"), delay=1.0 * b2.ms)
        syn.connect()
        syn.w = w * b2.pA
        objs += [gen, syn]
    b2.Network(*objs).run(T_STOP * b2.ms, namespace={})
    return stamp(spk, DT)[0]


def brian_parrot():
    """A parrot fires in the step its input arrives (NEST): the input is
    processed before the threshold, so it queues a step later and the
    generator leads by 2 dt (as for izhikevich in compare_brian2.py)."""
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT * b2.ms
    g = b2.NeuronGroup(1, "n : 1", threshold="n > 0", reset="n = 0")
    spk = b2.SpikeMonitor(g)
    times = np.array([t for t, _ in INPUT])
    gen = b2.SpikeGeneratorGroup(1, np.zeros(len(times), dtype=int), (times - 2 * DT) * b2.ms)
    syn = b2.Synapses(gen, g, on_pre="n_post += 1", delay=1.0 * b2.ms)
    syn.connect()
    syn.pre.when = "before_thresholds"
    b2.Network(g, spk, gen, syn).run(T_STOP * b2.ms, namespace={})
    return stamp(spk, DT)[0]


def brian_spikes(model, params, weights):
    if model in ("iaf_psc_exp", "iaf_psc_alpha"):
        return brian_lif(model, params, weights)
    if model == "parrot_neuron":
        return brian_parrot()
    return (nm.run_brian_linear if model in nm.LINEAR else nm.run_brian)(model, params, weights)[1]


def model_toml(path):
    ex = [t for t, s in INPUT if s > 0]
    inh = [t for t, s in INPUT if s < 0]
    with open(path, "w") as f:
        f.write("# One neuron of every model (one population each) under the same scripted\n"
                "# input; written by generate.py with reference.h5. A parrot takes all input\n"
                "# spikes at weight 1.\n"
                f'name = "single_neurons"\n\n[run]\ndt = {DT}\nt_stop = {T_STOP}\nseed = 1\n')
        for name, model, params, weights in CASES:
            p = ", ".join(f"{k} = {v}" for k, v in params.items())
            f.write(f'\n[[population]]\nname = "{name}"\nmodel = "{model}"\nsize = 1\n')
            if p:
                f.write(f"params = {{ {p} }}\n")
            f.write(nm.initial(model, params))
            trains = [(sorted(ex + inh), weights[0])] if model == "parrot_neuron" else [(ex, weights[0]), (inh, weights[1])]
            for times, w in trains:
                f.write(f'\n[[stimulus]]\ntype = "spike_generator"\ntargets = ["{name}"]\nspike_times = {times}\n'
                        f"weight = {w}\ndelay = 1.0\n")
        f.write('\n[[recorder]]\ntype = "spikes"\n')


def main(case_dir):
    model_toml(os.path.join(case_dir, "model.toml"))
    pops = {}
    for name, model, params, weights in CASES:
        t = np.asarray(brian_spikes(model, params, weights), dtype=float)
        t = np.round(t[t <= T_STOP + 1e-9] / DT) * DT  # on the grid: Brian2's fine steps add rounding
        pops[name] = (t, np.zeros(len(t), dtype=np.uint64))
        print(f"{name}: {len(t)} spikes")
    write_spikes(os.path.join(case_dir, "reference.h5"), pops, DT, "validation/cases/single_neurons/generate.py")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
