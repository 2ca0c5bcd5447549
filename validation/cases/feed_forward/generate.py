#!/usr/bin/python3
"""The feed_forward case: a three-layer network input -> hidden -> output
whose heterogeneity lives in SONATA files, so that myelin and Brian2 build
exactly the same network.

  circuit/nodes.h5  per-neuron initial V_m (dynamics_params) of 20 regularly
                    firing iaf_psc_exp input neurons (so they fire out of
                    phase), 40 iaf_psc_alpha hidden and 10 iaf_psc_exp
                    output neurons;
  circuit/edges.h5  random sparse excitatory and inhibitory edges with
                    per-edge weights (pA) and delays (ms, on the 0.1 ms grid).

The circuit is drawn with numpy from a fixed seed (rerunning this script
rewrites identical files); the reference spikes come from Brian2 (exact
integration, NEST's semantics: validation/brian2_nest.py). Every spike
must agree in the same step.

Usage: generate.py CASE_DIR   (writes CASE_DIR/circuit/*.h5 and CASE_DIR/reference.h5)
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import brian2 as b2  # noqa: E402

from brian2_nest import lif_group, on_pre, stamp, write_spikes  # noqa: E402

DT = 0.1
T_STOP = 1000.0
SEED = 20261123
# name: (model, size, fixed params as in model.toml)
LAYERS = {
    "input": ("iaf_psc_exp", 20, dict(I_e=450.0)),
    "hidden": ("iaf_psc_alpha", 40, dict(I_e=340.0, tau_syn_ex=1.0, tau_syn_in=3.0)),
    "output": ("iaf_psc_exp", 10, dict(I_e=320.0, tau_syn_ex=1.0, tau_syn_in=2.0, t_ref=3.0)),
}
# source, target, connection probability, weight range (pA), delay range (ms)
PATHWAYS = [("input", "hidden", 0.3, (-100.0, 400.0), (0.5, 3.0)),
            ("hidden", "output", 0.4, (-150.0, 400.0), (1.0, 4.0))]


def make_circuit(rng):
    """Per-neuron parameters and the edges, as arrays."""
    nodes = {}
    for name, (_, n, _) in LAYERS.items():
        top = -56.0 if name == "input" else -60.0
        nodes[name] = dict(V_m=np.round(rng.uniform(-70.0, top, n), 2))
    edges = {}
    for src, tgt, p, (w0, w1), (d0, d1) in PATHWAYS:
        ns, nt = LAYERS[src][1], LAYERS[tgt][1]
        conn = rng.random((nt, ns)) < p
        t_ids, s_ids = np.nonzero(conn)  # sorted by target, then source
        w = np.round(rng.uniform(w0, w1, len(t_ids)), 1)
        d = np.round(rng.uniform(d0, d1, len(t_ids)) / DT) * DT
        edges[f"{src}_to_{tgt}"] = (src, tgt, s_ids.astype(np.uint64), t_ids.astype(np.uint64), w, np.round(d, 1))
    return nodes, edges


def write_circuit(folder, nodes, edges):
    os.makedirs(folder, exist_ok=True)
    with h5py.File(os.path.join(folder, "nodes.h5"), "w") as f:
        for name, params in nodes.items():
            n = LAYERS[name][1]
            g = f.create_group(f"nodes/{name}")
            g["node_type_id"] = np.zeros(n, dtype=np.int64)
            g["node_group_id"] = np.zeros(n, dtype=np.uint32)
            g["node_group_index"] = np.arange(n, dtype=np.uint64)
            dp = g.create_group("0/dynamics_params")
            for key, values in params.items():
                dp[key] = values
    with h5py.File(os.path.join(folder, "edges.h5"), "w") as f:
        for name, (src, tgt, s, t, w, d) in edges.items():
            g = f.create_group(f"edges/{name}")
            g["source_node_id"] = s
            g["source_node_id"].attrs["node_population"] = src
            g["target_node_id"] = t
            g["target_node_id"].attrs["node_population"] = tgt
            g["edge_type_id"] = np.zeros(len(s), dtype=np.int64)
            g["edge_group_id"] = np.zeros(len(s), dtype=np.uint32)
            g["edge_group_index"] = np.arange(len(s), dtype=np.uint64)
            g["0/syn_weight"] = w
            g["0/delay"] = d


def simulate(nodes, edges, out):
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT * b2.ms
    groups, monitors = {}, {}
    for name, (model, n, params) in LAYERS.items():
        groups[name] = lif_group(n, model, params, DT, name, v0=nodes[name]["V_m"])
        monitors[name] = b2.SpikeMonitor(groups[name])
    objects = list(groups.values()) + list(monitors.values())
    for name, (src, tgt, s, t, w, d) in edges.items():
        model = LAYERS[tgt][0]
        for ch, sel in (("ex", w >= 0), ("in", w < 0)):
            syn = b2.Synapses(groups[src], groups[tgt], "w : amp", on_pre=on_pre(model, ch), name=f"{name}_{ch}")
            syn.connect(i=s[sel].astype(int), j=t[sel].astype(int))
            syn.w = w[sel] * b2.pA
            syn.delay = d[sel] * b2.ms
            objects.append(syn)
    b2.Network(*objects).run(T_STOP * b2.ms, namespace={})
    write_spikes(out, {name: stamp(m, DT) for name, m in monitors.items()}, DT,
                 "validation/cases/feed_forward/generate.py")


def main(case_dir):
    nodes, edges = make_circuit(np.random.default_rng(SEED))
    write_circuit(os.path.join(case_dir, "circuit"), nodes, edges)
    simulate(nodes, edges, os.path.join(case_dir, "reference.h5"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
