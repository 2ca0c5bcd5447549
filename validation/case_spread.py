#!/usr/bin/python3
"""Thresholds for a stats case from the spread between realisations
(the approach of Dasbach et al. 2021): runs the case's model with several
seeds and compares every pair of seeds, and each seed with the case's
reference, statistic by statistic. Prints, per population and statistic,
the largest KS distance and |Cohen's d| among seed pairs and against the
reference, and thresholds that leave a margin over both (1.5 x the
largest, rounded up to 0.05).

Usage: case_spread.py MYELIN CASE_DIR WORKDIR [--seeds 11 22 33]
"""
import argparse
import itertools
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_case import load_case, run_model, validate_command  # noqa: E402


def measure(myelin, c, run, reference, report):
    cmd = validate_command(myelin, c, run, reference, report, thresholds=False) + ["--no-plots"]
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    if r.returncode not in (0, 3):
        sys.exit(f"case_spread: validate failed (exit {r.returncode}): {' '.join(cmd)}")
    with open(os.path.join(report, "validation.json")) as f:
        return {(s["population"], s["statistic"]): (s["ks"], abs(s["effect"] or math.inf)) for s in json.load(f)["statistics"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("myelin")
    ap.add_argument("case")
    ap.add_argument("work")
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 22, 33])
    args = ap.parse_args()
    c = load_case(args.case)
    if c["mode"] != "stats":
        sys.exit(f"case_spread: {c['name']} is an exact case: its threshold is a tolerance, not a spread")
    if c["reference_path"].endswith(".toml"):
        sys.exit(f"case_spread: {c['name']} compares with published means: run `myelin validate` on a few seeds "
                 "and set --mean-max above their deviations")
    if len(args.seeds) < 2:
        sys.exit("case_spread: give at least two --seeds")
    os.makedirs(args.work, exist_ok=True)
    runs = {}
    for s in args.seeds:
        runs[s] = os.path.join(args.work, f"seed_{s}")
        run_model(args.myelin, c, runs[s], seed=s)
    seeds, ref = {}, {}
    for a, b in itertools.combinations(args.seeds, 2):
        for key, v in measure(args.myelin, c, runs[a], runs[b], os.path.join(args.work, f"r_{a}_{b}")).items():
            seeds.setdefault(key, []).append(v)
    for s in args.seeds:
        for key, v in measure(args.myelin, c, runs[s], c["reference_path"], os.path.join(args.work, f"r_{s}_ref")).items():
            ref.setdefault(key, []).append(v)
    print(f"\ncase {c['name']}: {len(args.seeds)} seeds, {len(seeds[next(iter(seeds))])} seed pairs")
    print(f"  {'population':10s} {'statistic':12s} {'KS seeds':>9s} {'|d| seeds':>10s} {'KS ref':>8s} {'|d| ref':>8s}")
    ks_all = d_all = 0.0
    for key in seeds:
        ks_s, d_s = max(v[0] for v in seeds[key]), max(v[1] for v in seeds[key])
        ks_r, d_r = max(v[0] for v in ref[key]), max(v[1] for v in ref[key])
        ks_all, d_all = max(ks_all, ks_s, ks_r), max(d_all, d_s, d_r)
        print(f"  {key[0]:10s} {key[1]:12s} {ks_s:9.3f} {d_s:10.3f} {ks_r:8.3f} {d_r:8.3f}")
    up = lambda x: math.ceil(1.5 * x / 0.05) * 0.05  # noqa: E731
    print(f"largest: KS {ks_all:.3f}, |d| {d_all:.3f}; suggested thresholds: ks-max = {up(ks_all):.2f}, "
          f"effect-max = {up(d_all):.2f} (now: {c.get('validate', {}).get('ks-max', 0.2)}, "
          f"{c.get('validate', {}).get('effect-max', 0.5)})")


if __name__ == "__main__":
    main()
