#!/usr/bin/python3
"""Checks a SONATA circuit written by `myelin export` with h5py alone:
every file opens, node and edge populations follow the SONATA layout, ids
are in range, both indices list exactly each node's edges, and the type
CSVs cover every type id. With --mixed-delays it also checks what the
rules of tests/mpi/mixed_delays.toml promise (indegree, outdegree, totals,
weights, delays). Usage: check_circuit.py DIR [--mixed-delays]"""
import os
import sys

import h5py
import numpy as np

circuit = sys.argv[1]
mixed = "--mixed-delays" in sys.argv[2:]
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def types(csv):
    with open(os.path.join(circuit, csv)) as f:
        header = f.readline().split()
        rows = [dict(zip(header, line.split())) for line in f if line.strip()]
    return {int(r[header[0]]): r for r in rows}


node_types, edge_types = types("node_types.csv"), types("edge_types.csv")
sizes = {}
with h5py.File(os.path.join(circuit, "nodes.h5"), "r") as f:
    for name, pop in f["nodes"].items():
        n = pop["node_type_id"].shape[0]
        sizes[name] = n
        for ds in ("node_group_id", "node_group_index"):
            check(pop[ds].shape == (n,), f"nodes/{name}/{ds} has {pop[ds].shape} rows, expected {n}")
        check(np.array_equal(pop["node_group_index"][()], np.arange(n)), f"nodes/{name}: node_group_index")
        for t in np.unique(pop["node_type_id"][()]):
            check(int(t) in node_types, f"node_type_id {t} of {name} not in node_types.csv")
            check(node_types[int(t)]["model_template"].startswith("nest:"), f"{name}: model_template")
        for var, ds in pop["0/dynamics_params"].items():
            check(ds.shape == (n,), f"nodes/{name}/0/dynamics_params/{var}: shape {ds.shape}")
        check("V_m" in pop["0/dynamics_params"], f"{name}: no initial V_m")

edges = {}
with h5py.File(os.path.join(circuit, "edges.h5"), "r") as f:
    for name, pop in f["edges"].items():
        src, tgt = pop["source_node_id"][()].astype(np.int64), pop["target_node_id"][()].astype(np.int64)
        sp = pop["source_node_id"].attrs["node_population"]
        tp = pop["target_node_id"].attrs["node_population"]
        sp, tp = (x.decode() if isinstance(x, bytes) else str(x) for x in (sp, tp))
        check(sp in sizes and tp in sizes, f"{name}: node populations {sp}, {tp} not in nodes.h5")
        m = len(src)
        check(len(tgt) == m, f"{name}: source and target lengths differ")
        check(m == 0 or (src.max() < sizes[sp] and tgt.max() < sizes[tp]), f"{name}: node id out of range")
        check(np.array_equal(pop["edge_group_index"][()], np.arange(m)), f"{name}: edge_group_index")
        check(not pop["edge_group_id"][()].any(), f"{name}: edge_group_id")
        for t in np.unique(pop["edge_type_id"][()]):
            check(int(t) in edge_types, f"{name}: edge_type_id {t} not in edge_types.csv")
        w, d = pop["0/syn_weight"][()], pop["0/delay"][()]
        check(w.shape == (m,) and d.shape == (m,), f"{name}: group 0 lengths")
        for index, ids, n_nodes in (("target_to_source", tgt, sizes[tp]), ("source_to_target", src, sizes[sp])):
            n2r = pop[f"indices/{index}/node_id_to_ranges"][()]
            r2e = pop[f"indices/{index}/range_to_edge_id"][()]
            check(n2r.shape == (n_nodes, 2), f"{name}: {index} node_id_to_ranges shape {n2r.shape}")
            covered = np.zeros(m, dtype=np.int64)
            for node, (a, b) in enumerate(n2r):
                for e0, e1 in r2e[a:b]:
                    if not (ids[e0:e1] == node).all():
                        check(False, f"{name}: {index} lists an edge of another node for node {node}")
                    covered[e0:e1] += 1
            check((covered == 1).all(), f"{name}: {index} does not list every edge exactly once")
        edges[name] = (src, tgt, w, d)

if mixed:
    s, t, w, d = edges["A_to_A"]
    check((np.bincount(t, minlength=sizes["A"]) == 50).all(), "A_to_A: indegree is not 50")
    check(abs(w.mean() - 30.0) < 0.5 and abs(w.std() - 5.0) < 0.5, f"A_to_A: weights {w.mean()} +- {w.std()}")
    check(np.allclose(d, 0.1), "A_to_A: delay 0.1 ms")
    s, t, w, d = edges["A_to_B"]
    expected = 600 * 400 * 0.05
    check(abs(len(s) - expected) < 5 * np.sqrt(expected), f"A_to_B: {len(s)} edges, expected ~{expected}")
    check((w == 40.0).all() and d.min() >= 5.0 and d.max() <= 20.0, "A_to_B: weight 40, delays 5..20 ms")
    check(np.allclose(d * 10, np.round(d * 10)), "A_to_B: delays on the 0.1 ms grid")
    s, t, w, d = edges["B_to_A"]
    check(len(s) == 20000 and (w == -20.0).all(), "B_to_A: N = 20000, weight -20")
    s, t, w, d = edges["B_to_B"]
    check((np.bincount(s, minlength=sizes["B"]) == 30).all(), "B_to_B: outdegree is not 30")
    check(not (s == t).any(), "B_to_B: autapses although allow_autapses = false")
    with h5py.File(os.path.join(circuit, "nodes.h5"), "r") as f:
        v = f["nodes/A/0/dynamics_params/V_m"][()]
        check(v.min() >= -70.0 and v.max() <= -56.0 and v.std() > 3.0, "A: initial V_m uniform in [-70, -56]")
        check((f["nodes/B/0/dynamics_params/tau_m"][()] == 10.0).all(), "B: tau_m 10 ms")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{circuit}: SONATA circuit OK ({sum(sizes.values())} nodes, {sum(len(e[0]) for e in edges.values())} edges)")
