#!/usr/bin/python3
"""Compare two SONATA spike reports spike by spike.

Each neuron's spikes are matched in order within a tolerance (default: one
step of 0.1 ms, the grid error). Prints per population the matched,
missing and extra spikes and the first divergence, and exits 1 when the
matched fraction is below --min-match (default 1.0: every spike).

Usage: compare_spikes.py RUN.h5 REFERENCE.h5 [--tolerance MS] [--min-match F]
"""
import argparse
import sys

import h5py
import numpy as np


def load(path):
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        sys.exit(f"compare_spikes: {path}: cannot open as HDF5 ({e})")
    with f:
        if "spikes" not in f:
            sys.exit(f"compare_spikes: {path}: no /spikes group (not a SONATA spike report)")
        out = {}
        for pop, g in f["spikes"].items():
            if "timestamps" not in g or "node_ids" not in g:
                sys.exit(f"compare_spikes: {path}: /spikes/{pop} lacks timestamps or node_ids")
            t, n = g["timestamps"][:], g["node_ids"][:]
            if len(t) != len(n):
                sys.exit(f"compare_spikes: {path}: /spikes/{pop}: {len(t)} timestamps but {len(n)} node_ids")
            out[pop] = {int(i): np.sort(t[n == i]) for i in np.unique(n)}
        return out


def match(a, b, tol):
    """Greedy in-order matching of two sorted spike-time arrays."""
    i = j = matched = 0
    first = None
    while i < len(a) and j < len(b):
        if abs(a[i] - b[j]) <= tol:
            matched += 1
            i += 1
            j += 1
        else:
            if first is None:
                first = min(a[i], b[j])
            if a[i] < b[j]:
                i += 1
            else:
                j += 1
    if first is None and (i < len(a) or j < len(b)):
        first = a[i] if i < len(a) else b[j]
    return matched, first


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run")
    ap.add_argument("reference")
    ap.add_argument("--tolerance", type=float, default=0.1 + 1e-9, help="ms (default one 0.1 ms step)")
    ap.add_argument("--min-match", type=float, default=1.0)
    args = ap.parse_args()
    run, ref = load(args.run), load(args.reference)
    if set(run) != set(ref):
        sys.exit(f"compare_spikes: populations differ: run {sorted(run)} vs reference {sorted(ref)}")
    total_ref = total_run = total_matched = 0
    first_div = None
    for pop in sorted(ref):
        m_pop = r_pop = n_pop = 0
        for node in sorted(set(run[pop]) | set(ref[pop])):
            a, b = run[pop].get(node, np.array([])), ref[pop].get(node, np.array([]))
            m, first = match(a, b, args.tolerance)
            m_pop += m
            r_pop += len(b)
            n_pop += len(a)
            if first is not None and (first_div is None or first < first_div[2]):
                first_div = (pop, node, first)
        print(f"{pop}: reference {r_pop} spikes, run {n_pop}, matched {m_pop}, "
              f"missing {r_pop - m_pop}, extra {n_pop - m_pop}")
        total_ref += r_pop
        total_run += n_pop
        total_matched += m_pop
    frac = total_matched / max(total_ref, total_run, 1)
    print(f"matched fraction {frac:.6f} ({total_matched} of {max(total_ref, total_run)})")
    if first_div:
        print(f"first divergence: population {first_div[0]}, node {first_div[1]}, t = {first_div[2]:.4f} ms")
    if frac < args.min_match:
        print(f"FAIL: matched fraction {frac:.6f} < {args.min_match}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
