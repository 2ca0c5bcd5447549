#!/usr/bin/python3
"""End-to-end: `myelin run models/brunel.toml` and its outputs.

Runs the default model, then opens every output with h5py/json and checks
the SONATA layout, dtypes and attributes, that spikes are time-sorted and
in range, that the mean rate is in the published range for this network
(NEST 3.9: 28.6 Hz; we accept 20-40 Hz), that summary.json is complete,
and that the raster plot is written.
Usage: check_brunel.py MYELIN REPO_DIR WORK_DIR
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np

myelin, repo, work = sys.argv[1:4]
out = os.path.join(work, "brunel")
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


r = subprocess.run([myelin, "run", os.path.join(repo, "models/brunel.toml"), "-o", out, "--threads", "2", "-q"],
                   capture_output=True, text=True)
print(r.stdout)
if r.returncode != 0:
    sys.exit(f"FAIL: myelin exited {r.returncode}: {r.stderr}")

with h5py.File(os.path.join(out, "spikes.h5"), "r") as f:
    check(sorted(f["spikes"].keys()) == ["E", "I"], "populations E and I")
    sizes = {"E": 10000, "I": 2500}
    total = 0
    for pop, size in sizes.items():
        g = f[f"spikes/{pop}"]
        t, n = g["timestamps"], g["node_ids"]
        check(t.dtype == np.float64, f"{pop} timestamps float64")
        check(n.dtype == np.uint64, f"{pop} node_ids uint64")
        units = t.attrs.get("units")
        check(units in (b"ms", "ms"), f"{pop} timestamps units ms, got {units!r}")
        check(h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype) is not None, f"{pop} sorting is an enum")
        check(int(g.attrs["sorting"]) == 2, f"{pop} sorting by_time")
        t, n = t[:], n[:]
        check(len(t) == len(n), f"{pop} equal lengths")
        check(np.all(np.diff(t) >= 0), f"{pop} sorted by time")
        check(t.min() > 0 and t.max() <= 1000.0, f"{pop} times in (0, 1000]")
        check(n.max() < size, f"{pop} node ids below {size}")
        rate = len(t) / size
        print(f"{pop}: {len(t)} spikes, {rate:.2f} Hz")
        check(20.0 <= rate <= 40.0, f"{pop} rate {rate:.2f} Hz in 20-40 Hz")
        total += len(t)

with h5py.File(os.path.join(out, "V_m.h5"), "r") as f:
    d = f["report/E/data"]
    check(d.shape == (10000, 5), f"V_m data shape (10000, 5), got {d.shape}")
    check(list(f["report/E/mapping/node_ids"][:]) == [0, 1, 2, 3, 4], "V_m node_ids 0..4")
    check(np.allclose(f["report/E/mapping/time"][:], [0.1, 1000.1, 0.1]), "V_m time [start, stop, step]")
    v = d[:]
    check(v.max() < 20.0 and v.min() > -100.0, "V_m below threshold (20 mV) and sane")

with open(os.path.join(out, "summary.json")) as f:
    s = json.load(f)
for key in ["neurons", "synapses", "bytes_per_synapse", "build_time_s", "sim_time_s", "real_time_factor",
            "peak_memory_mb", "events_per_second", "populations"]:
    check(key in s, f"summary.json has {key}")
check(s.get("neurons") == 12500, "12500 neurons")
check(s.get("synapses") == 12500 * 1250, "15,625,000 synapses")
check(s.get("bytes_per_synapse", 99) <= 12.0, f"<= 12 bytes per synapse, got {s.get('bytes_per_synapse')}")
check(sum(p["spikes"] for p in s.get("populations", [])) == total, "summary spike count matches the file")

r = subprocess.run(["/usr/bin/python3", os.path.join(repo, "validation/plot_raster.py"), out], capture_output=True, text=True)
check(r.returncode == 0 and os.path.getsize(os.path.join(out, "raster.png")) > 10000, "raster.png written")

if problems:
    print("FAIL:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("PASS")
