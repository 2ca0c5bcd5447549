#!/usr/bin/python3
"""Exit 0 when two myelin output directories hold bit-identical spike
reports (and state reports, where present); else print the first
difference and exit 1. Usage: same_outputs.py DIR_A DIR_B"""
import os
import sys

import h5py
import numpy as np

a_dir, b_dir = sys.argv[1:3]


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


checked = 0
for name in sorted(os.listdir(a_dir)):
    if not name.endswith(".h5"):
        continue
    a, b = datasets(os.path.join(a_dir, name)), datasets(os.path.join(b_dir, name))
    if a.keys() != b.keys():
        sys.exit(f"{name}: datasets differ: {sorted(a)} vs {sorted(b)}")
    for k in a:
        if a[k].shape != b[k].shape or not np.array_equal(a[k], b[k]):
            sys.exit(f"{name}:{k} differs between {a_dir} and {b_dir} (shapes {a[k].shape} vs {b[k].shape})")
        checked += 1
if checked == 0:
    sys.exit(f"no HDF5 datasets compared in {a_dir}")
print(f"identical: {checked} datasets, {a_dir} == {b_dir}")
