#!/usr/bin/python3
"""Loads myelin's outputs into Neo objects, for Elephant-style analysis.

    from load_report import load_block
    block = load_block("output/brunel")          # neo.Block, one Segment
    seg = block.segments[0]
    seg.spiketrains    # one neo.SpikeTrain per neuron, annotated with
                       # population and node_id (silent neurons included)
    seg.analogsignals  # one neo.AnalogSignal per (state report, population):
                       # time x recorded neurons, units from the report

Only h5py, numpy, quantities and neo (Debian: python3-neo) are needed.
Spike reports are SONATA (/spikes/<pop>/{timestamps, node_ids}); state
reports are SONATA reports (/report/<pop>/{data, mapping/{node_ids, time}}).
Population sizes and t_start / t_stop come from summary.json.

As a command: load_report.py OUTPUT_DIR prints, per population, the
neurons, spikes, mean rate, mean ISI CV and the state signals loaded;
--check also recomputes the rates from the raw HDF5 and summary.json and
exits 1 on any disagreement (used by the test suite).
"""
import json
import os
import sys

import h5py
import neo
import numpy as np
import quantities as pq


def _text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def load_spiketrains(path, sizes, t_start, t_stop):
    """neo.SpikeTrain per neuron of each population in the spike report.

    sizes: {population: number of neurons}, so that silent neurons get an
    empty train (rates and CVs then average over every neuron).
    """
    trains = []
    with h5py.File(path, "r") as f:
        for pop, group in f["spikes"].items():
            ids = group["node_ids"][()].astype(np.int64)
            times = group["timestamps"][()]
            units = _text(group["timestamps"].attrs.get("units", "ms"))
            n = sizes.get(pop, int(ids.max()) + 1 if len(ids) else 0)
            order = np.argsort(ids, kind="stable")
            bounds = np.searchsorted(ids[order], np.arange(n + 1))
            for node in range(n):
                t = np.sort(times[order[bounds[node]:bounds[node + 1]]])
                st = neo.SpikeTrain(t, units=units, t_start=t_start * pq.ms, t_stop=t_stop * pq.ms,
                                    name=f"{pop}[{node}]")
                st.annotate(population=pop, node_id=node)
                trains.append(st)
    return trains


def load_signals(path):
    """neo.AnalogSignal per population of a SONATA state report."""
    signals = []
    with h5py.File(path, "r") as f:
        for pop, group in f["report"].items():
            data = group["data"]
            start, _, step = group["mapping/time"][()]
            sig = neo.AnalogSignal(data[()], units=_text(data.attrs.get("units", "dimensionless")),
                                   sampling_period=step * pq.ms, t_start=start * pq.ms,
                                   name=f"{pop}.{_text(data.attrs.get('variable_name', '?'))}")
            sig.annotate(population=pop, variable=_text(data.attrs.get("variable_name", "")),
                         node_ids=group["mapping/node_ids"][()])
            signals.append(sig)
    return signals


def load_block(output_dir):
    """Everything a myelin run wrote to output_dir, as one neo.Block."""
    with open(os.path.join(output_dir, "summary.json")) as f:
        summary = json.load(f)
    sizes = {p["name"]: p["size"] for p in summary["populations"]}
    t_start = 0.0
    t_stop = summary["t_stop_ms"]
    block = neo.Block(name=summary["model"])
    seg = neo.Segment(name=f"{summary['model']} seed {summary['seed']}")
    block.segments.append(seg)
    for name in sorted(os.listdir(output_dir)):
        path = os.path.join(output_dir, name)
        if not name.endswith(".h5"):
            continue
        with h5py.File(path, "r") as f:
            kind = "spikes" if "spikes" in f else "report" if "report" in f else None
        if kind == "spikes":
            for st in load_spiketrains(path, sizes, t_start, t_stop):
                st.segment = seg
                seg.spiketrains.append(st)
        elif kind == "report":
            for sig in load_signals(path):
                sig.segment = seg
                seg.analogsignals.append(sig)
    block.annotate(summary=summary)
    return block


def mean_rate_hz(trains):
    return float(np.mean([len(st) / float((st.t_stop - st.t_start).rescale(pq.s)) for st in trains])) if trains else 0.0


def mean_cv(trains):
    """Mean ISI coefficient of variation over trains with at least 3 spikes."""
    cvs = []
    for st in trains:
        isi = np.diff(st.magnitude)
        if len(isi) >= 2 and isi.mean() > 0:
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    output_dir, check = argv[1], "--check" in argv[2:]
    block = load_block(output_dir)
    seg = block.segments[0]
    summary = block.annotations["summary"]
    problems = []
    for p in summary["populations"]:
        trains = [st for st in seg.spiketrains if st.annotations["population"] == p["name"]]
        if not trains:
            continue
        rate, spikes = mean_rate_hz(trains), sum(len(st) for st in trains)
        print(f"{p['name']:>8}: {len(trains)} neurons, {spikes} spikes, {rate:.3f} Hz, CV {mean_cv(trains):.3f}")
        if check:
            if len(trains) != p["size"]:
                problems.append(f"{p['name']}: {len(trains)} trains for {p['size']} neurons")
            if spikes != p["spikes"] or abs(rate - p["rate_hz"]) > 1e-6 * max(1.0, p["rate_hz"]):
                problems.append(f"{p['name']}: Neo gives {spikes} spikes / {rate} Hz, summary.json "
                                f"{p['spikes']} / {p['rate_hz']} Hz")
            with h5py.File(os.path.join(output_dir, "spikes.h5"), "r") as f:
                ids = f[f"spikes/{p['name']}/node_ids"][()]
                times = f[f"spikes/{p['name']}/timestamps"][()]
            for st in trains[:50]:
                raw = np.sort(times[ids == st.annotations["node_id"]])
                if not np.array_equal(raw, st.magnitude):
                    problems.append(f"{st.name}: spike times differ from the HDF5 file")
                    break
    for sig in seg.analogsignals:
        print(f"{sig.name:>14}: {sig.shape[0]} samples x {sig.shape[1]} neurons, {sig.units.dimensionality}, "
              f"every {float(sig.sampling_period):g} ms")
        if check and not np.isfinite(sig.magnitude).all():
            problems.append(f"{sig.name}: non-finite samples")
    if check and problems:
        print("\n".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
