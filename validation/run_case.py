#!/usr/bin/python3
"""Runs one validation case: validation/cases/<name>/case.toml names the
model, the reference spike report, the mode and the thresholds of `myelin
validate`. The model is run (under mpirun when the case asks for ranks),
then validated against the reference with --report WORK/report. The exit
status is validate's: 0 pass, 3 a regression, 2 bad input (1: a bad
case.toml or a failed run).

case.toml keys:
  description   one line: what the case shows
  model         the model file, relative to the case folder
  reference     the SONATA spike report, or published means (.toml, see
                `myelin validate --help`), relative to the case folder
  generated_by  how the reference was produced (documentation)
  mode          "exact" or "stats"
  ranks         MPI ranks (default 1); threads: per rank (default 1)
  [validate]    options of `myelin validate`, by their long names
                (tolerance, min-match, ks-max, effect-max, mean-max, t-start,
                t-stop, bin, neurons)

Usage: run_case.py MYELIN CASE_DIR WORKDIR
"""
import os
import shutil
import subprocess
import sys
import tomllib

KEYS = {"description", "model", "reference", "generated_by", "mode", "ranks", "threads", "validate"}


def fail(case, msg):
    sys.exit(f"run_case: {case}/case.toml: {msg}")


def load_case(case):
    """case.toml, checked, with the model and reference paths resolved."""
    path = os.path.join(case, "case.toml")
    try:
        with open(path, "rb") as f:
            c = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        fail(case, str(e))
    unknown = set(c) - KEYS
    if unknown:
        fail(case, f"unknown keys {sorted(unknown)} (known: {sorted(KEYS)})")
    for key in ("model", "reference", "mode"):
        if key not in c:
            fail(case, f"'{key}' is missing")
    c["name"] = os.path.basename(os.path.normpath(case))
    c["model_path"] = os.path.normpath(os.path.join(case, c["model"]))
    c["reference_path"] = os.path.normpath(os.path.join(case, c["reference"]))
    return c


def run_model(myelin, c, out, seed=None):
    """Runs the case's model into `out` (under mpirun for ranks > 1)."""
    ranks, threads = int(c.get("ranks", 1)), int(c.get("threads", 1))
    cmd = [myelin, "run", c["model_path"], "-o", out, "-q", "--threads", str(threads)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    if ranks > 1:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        cmd = ["mpirun", "-np", str(ranks), "--oversubscribe", "--bind-to", "none"] + cmd
    print("  $ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, env=env)
    if r.returncode != 0:
        sys.exit(f"run_case: the run failed (exit {r.returncode})")


def validate_command(myelin, c, run, reference, report, thresholds=True):
    """`myelin validate` as the case asks; without its thresholds when
    `thresholds` is false (to measure, not to judge)."""
    cmd = [myelin, "validate", run, "--reference", reference, "--mode", c["mode"], "--report", report]
    for key, value in c.get("validate", {}).items():
        if thresholds or key not in ("ks-max", "effect-max", "min-match"):
            cmd += [f"--{key}", str(value)]
    return cmd


def main(myelin, case, work):
    c = load_case(case)
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    print(f"case {c['name']}: {c.get('description', '')}")
    print(f"  reference: {c['reference']} ({c.get('generated_by', 'origin not stated')})")
    run_model(myelin, c, os.path.join(work, "run"))
    cmd = validate_command(myelin, c, os.path.join(work, "run"), c["reference_path"], os.path.join(work, "report"))
    print("  $ " + " ".join(cmd), flush=True)
    sys.exit(subprocess.run(cmd).returncode)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:4])
