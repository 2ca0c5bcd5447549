#!/usr/bin/python3
"""Runs the PyNN scripts of pynn_scripts/ on pyNN.myelin and pyNN.brian2
and compares what they record: single cells spike for spike and networks
by their statistics, both with `myelin validate` (the spikes go to SONATA
spike files first), STDP weights and short-term plasticity by their
values, connector counts exactly (FixedProbability within 4 sigma).

Usage: pynn_compare.py MYELIN WORKDIR [SCRIPT ...]
  MYELIN   the myelin binary (for `myelin validate`)
  WORKDIR  where each backend's results go (WORKDIR/<backend>/)
  SCRIPT   single_cells, va_benchmark, brunel, stdp, stp, connectors (default: all)
Exits 1 when a comparison fails, naming it. Set MYELIN_PYNN_KEEP_BRIAN2=1 to
reuse brian2 results already in WORKDIR (brian2's runs take minutes).
"""
import json
import os
import subprocess
import sys

import h5py
import neo
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "pynn_scripts")
# Small enough for CI's two cores with Brian2's numpy target. The
# Vogels-Abbott networks get 2000 cells: at 1000 COBA's activity died out
# after the kick-off on myelin and not on Brian2, and CUBA's rates varied
# from 14 to 32 Hz between connectivity seeds (small networks sit at the
# edge of self-sustained activity).
ARGS = {"va_benchmark": [["--benchmark", "COBA", "--n", "2000", "--duration", "300"],
                         ["--benchmark", "CUBA", "--n", "2000", "--duration", "300"]],
        "brunel": [["--order", "200", "--duration", "400"]]}
failures = []
LAUNCH = os.path.join(HERE, "run_pynn.py")


def run(script, backend, work, more=(), folder=None):
    out = os.path.join(work, folder or backend)
    os.makedirs(out, exist_ok=True)
    for extra in ARGS.get(script, [[]]):
        extra = extra + list(more)
        if backend == "brian2" and os.environ.get("MYELIN_PYNN_KEEP_BRIAN2") and os.listdir(out):
            continue
        cmd = ["/usr/bin/python3", LAUNCH, os.path.join(SCRIPTS, script + ".py"), backend, "--output", out] + extra
        # Brian2 reads ./brian_preferences: its numpy target needs no C
        # compiler runs, which on two cores take minutes per script.
        with open(os.path.join(out, "brian_preferences"), "w") as f:
            f.write("codegen.target = 'numpy'\n")
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=out)
        if r.returncode != 0:
            sys.exit(f"pynn_compare: {script} on {backend} failed (exit {r.returncode}):\n{r.stdout[-3000:]}")
        lines = [line for line in r.stdout.splitlines() if not line.startswith(("INFO", "WARNING", " "))]
        print(f"  {backend}: " + " | ".join(lines[-3:]))
    return out


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)


def spiketrains(path):
    return neo.io.PickleIO(path).read_block().segments[0].spiketrains


def to_sonata(pickles, path):
    """Neo spike trains (every cell recorded, in order) as a SONATA spike file."""
    with h5py.File(path, "w") as f:
        for population, pkl in pickles.items():
            trains = spiketrains(pkl)
            ids = np.concatenate([np.full(len(st), i) for i, st in enumerate(trains)] + [np.zeros(0)])
            times = np.concatenate([np.asarray(st.rescale("ms").magnitude) for st in trains] + [np.zeros(0)])
            order = np.lexsort((ids, times))
            g = f.create_group(f"spikes/{population}")
            g.attrs["sorting"] = "by_time"
            g.create_dataset("node_ids", data=ids[order].astype(np.uint64))
            g.create_dataset("timestamps", data=times[order]).attrs["units"] = "ms"


def validate(myelin, work, name, pickles_m, pickles_b, args, record=True):
    run_file, ref_file = os.path.join(work, f"{name}_myelin.h5"), os.path.join(work, f"{name}_brian2.h5")
    to_sonata(pickles_m, run_file)
    to_sonata(pickles_b, ref_file)
    cmd = [myelin, "validate", run_file, "--reference", ref_file] + args
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print("    " + "\n    ".join(r.stdout.strip().splitlines()[-8:]))
    if record:
        check(r.returncode == 0, f"{name}: myelin validate {' '.join(args)} (exit {r.returncode})")
    return r.returncode == 0


def single_cells(myelin, work, m, b):
    pk = lambda d, names: {n: os.path.join(d, f"{n}.pkl") for n in names}  # noqa: E731
    # Spike for spike. NEST's stamp (the end of the step) against Brian2's
    # (its start) is one step, and after each spike NEST's refractory
    # period holds one step longer than Brian2's: two steps by the second
    # spike, hence 0.25 ms. Brian2 integrates the conductance-based and
    # AdEx cells with a first-order method, which moves spikes by up to
    # 0.4 ms here, so they get a wider tolerance; myelin's IF_cond_exp must
    # then equal its IF_curr_exp, whose equations are the same without
    # synaptic input.
    linear = ["IF_curr_exp", "IF_curr_alpha", "Izhikevich"]
    nonlinear = ["IF_cond_exp", "EIF_cond_exp_isfa_ista"]
    validate(myelin, work, "single_cells", pk(m, linear), pk(b, linear), ["--mode", "exact", "--tolerance", "0.25"])
    validate(myelin, work, "single_cells_cond", pk(m, nonlinear), pk(b, nonlinear),
             ["--mode", "exact", "--tolerance", "0.5"])
    cond, curr = (np.asarray(spiketrains(os.path.join(m, f"{n}.pkl"))[0].magnitude) for n in ("IF_cond_exp", "IF_curr_exp"))
    check(cond.shape == curr.shape and np.allclose(cond, curr, atol=0.11),
          f"single_cells: myelin's IF_cond_exp spikes {cond.tolist()} equal its IF_curr_exp's {curr.tolist()}")
    for n in ["IF_curr_exp", "IF_curr_alpha"]:
        vm, vb = (np.asarray(neo.io.PickleIO(p[n]).read_block().segments[0].filter(name="v")[0]).ravel()
                  for p in (pk(m, [n]), pk(b, [n])))
        before = int(np.argmax(vm > -53.0))  # before the first spike
        check(vm.shape == vb.shape and np.max(np.abs(vm[:before] - vb[:before])) < 1e-6,
              f"single_cells: {n} v equals Brian2's up to the first spike ({before} samples)")


def networks(myelin, work, m, b, stem, populations, ks, t_stop):
    pk = lambda d: {p: os.path.join(d, f"{stem}_{p}.pkl") for p in populations}  # noqa: E731
    validate(myelin, work, stem, pk(m), pk(b), ["--mode", "stats", "--ks-max", str(ks), "--effect-max", "0.8",
                                                 "--t-start", "100", "--t-stop", str(t_stop)])


# Brunel's network at this size sits near a transition: realisations of the
# same simulator differ more than the limits allow (myelin, seeds 1-5:
# E at 51.6, 52.5, 53.7, 43.0, 50.8 Hz; Brian2's unseeded runs 42.3 and
# 49.7 Hz). One Brian2 realisation is therefore compared with the spread
# of myelin's (Dasbach et al. 2021): it must pass the same limits against
# at least one of BRUNEL_SEEDS realisations. A simulator whose rates lay
# outside that spread would match none.
BRUNEL_SEEDS = 5


def brunel(myelin, work, b):
    pk = lambda d: {p: os.path.join(d, f"brunel_{p}.pkl") for p in ("E", "I")}  # noqa: E731
    args = ["--mode", "stats", "--ks-max", "0.3", "--effect-max", "0.8", "--t-start", "100", "--t-stop", "400"]
    matched = []
    for seed in range(1, BRUNEL_SEEDS + 1):
        m = run("brunel", "myelin", work, ["--seed", str(seed)], f"myelin_seed{seed}")
        if validate(myelin, work, f"brunel_seed{seed}", pk(m), pk(b), args, record=False):
            matched.append(seed)
    check(matched, f"brunel: Brian2's realisation within myelin's spread (matches seeds {matched} of 1-{BRUNEL_SEEDS}: "
          f"myelin validate {' '.join(args)})")


def stdp(myelin, work, m, b):
    wm, wb = (np.loadtxt(os.path.join(d, "stdp_weights.txt")) for d in (m, b))
    print(f"    myelin {np.round(wm, 4)}\n    brian2 {np.round(wb, 4)}")
    check(np.all(np.sign(wm - 0.1) == np.sign(wb - 0.1)), "stdp: weights move the same way (5 up, 5 down)")
    check(np.allclose(wm - 0.1, wb - 0.1, rtol=0.2, atol=0.002), "stdp: weight changes within 20 %")


def stp(myelin, work, m, b):
    def peaks(d):
        out = []
        for label in ("depressed", "facilitated"):
            block = neo.io.PickleIO(os.path.join(d, f"stp_{label}.pkl")).read_block()
            v = np.asarray(block.segments[0].filter(name="v")[0])[:, 0]
            # Each PSP: from the sample at the spike's arrival to the peak in the next 30 ms.
            idx = [(int(round((t + 0.5) / 0.1)), int(round((t + 30.0) / 0.1))) for t in np.arange(10.0, 400.0, 50.0)]
            out.append([v[a:z].max() - v[a] for a, z in idx])
        return np.array(out)
    pm, pb = peaks(m), peaks(b)
    print(f"    myelin PSPs (mV) {np.round(pm, 3).tolist()}\n    brian2 PSPs (mV) {np.round(pb, 3).tolist()}")
    # pyNN.brian2 0.10.1's TsodyksMarkramSynapse neither depresses nor
    # facilitates (it caps u at U, and its z grows instead of recovering),
    # so both synapses are checked against the Tsodyks-Markram recursion:
    # PSP_n / PSP_1 = u_n x_n / U. The first PSPs (u = U, x = 1) must
    # equal Brian2's.
    check(np.allclose(pm[:, 0], pb[:, 0], rtol=0.02), "stp: first PSPs within 2 % of Brian2's")
    for row, name, (U, tau_rec, tau_fac) in ((0, "depression", (0.5, 800.0, 0.01)), (1, "facilitation", (0.04, 100.0, 1000.0))):
        ratio = tm_ratios(U, tau_rec, tau_fac, 50.0, pm.shape[1])
        print(f"    {name} PSP_n/PSP_1: myelin {np.round(pm[row] / pm[row, 0], 2).tolist()} "
              f"model {np.round(ratio, 2).tolist()}")
        check(np.allclose(pm[row] / pm[row, 0], ratio, rtol=0.15), f"stp: {name} within 15 % of the model's")


def tm_ratios(U, tau_rec, tau_fac, interval, n):
    """PSP_n / PSP_1 of a regular train through a Tsodyks-Markram synapse."""
    u, x, out = U, 1.0, []
    for _ in range(n):
        out.append(u * x / U)
        x = 1.0 + (x - u * x - 1.0) * np.exp(-interval / tau_rec)
        u = U + u * (1.0 - U) * np.exp(-interval / tau_fac)
    return np.array(out)


def connectors(myelin, work, m, b):
    cm, cb = (json.load(open(os.path.join(d, "connector_counts.json"))) for d in (m, b))
    for name, n in cb.items():
        if name == "FixedProbability":
            expected, sd = 30 * 40 * 0.3, np.sqrt(30 * 40 * 0.3 * 0.7)
            check(abs(cm[name] - expected) < 4 * sd and abs(n - expected) < 4 * sd,
                  f"connectors: {name} {cm[name]} and {n} near {expected:.0f}")
        else:
            check(cm[name] == n, f"connectors: {name} {cm[name]} (brian2 {n})")
    # Too few cells for distributions: the spike counts must agree within
    # their Poisson spread (4 sigma) and 10 %. Brian2 seeds its Poisson
    # sources anew each run: B's count (40 cells at 2-3 Hz) moved from 29 to
    # 20 between two of its runs.
    for pop in ("A", "B"):
        nm, nb = (sum(len(st) for st in spiketrains(os.path.join(d, f"connectors_{pop}.pkl"))) for d in (m, b))
        check(abs(nm - nb) <= 4 * np.sqrt(nm + nb) + 0.1 * nb, f"connectors: {pop} fires {nm} spikes (brian2 {nb})")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    myelin, work = argv[1], argv[2]
    scripts = argv[3:] or ["single_cells", "connectors", "stdp", "stp", "brunel", "va_benchmark"]
    for script in scripts:
        print(f"{script}:")
        if script == "brunel":
            brunel(myelin, work, run(script, "brian2", work))
            continue
        m, b = run(script, "myelin", work), run(script, "brian2", work)
        if script == "va_benchmark":
            for bench in ("COBA", "CUBA"):
                networks(myelin, work, m, b, bench, ["Exc", "Inh"], 0.3, 300)
        else:
            globals()[script](myelin, work, m, b)
    if failures:
        sys.exit("pynn_compare: failed: " + "; ".join(failures))
    print("pynn_compare: all comparisons passed")


if __name__ == "__main__":
    main(sys.argv)
