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
  mode          "exact" or "stats", or "script": a check that is not a
                spike comparison (a rule's arithmetic, say)
  script        with mode "script": a Python script, relative to the case
                folder, run as SCRIPT MYELIN WORKDIR; it computes its own
                reference and exits 0 on a pass (no model, reference or
                [validate] then)
  ranks         MPI ranks (default 1); threads: per rank (default 1)
  [validate]    options of `myelin validate`, by their long names
                (tolerance, min-match, ks-max, effect-max, ks-limits,
                ks-alpha, mean-max, t-start, t-stop, bin, neurons); a file
                option (ks-limits) is relative to the case folder
  [[also]]      further checks of the same run, each with its own
                reference, mode, generated_by and [also.validate]; the case
                fails if any check does

Usage: run_case.py MYELIN CASE_DIR WORKDIR
"""
import os
import shutil
import subprocess
import sys
import tomllib

KEYS = {"description", "model", "reference", "generated_by", "mode", "ranks", "threads", "validate", "also", "script"}
ALSO_KEYS = {"reference", "generated_by", "mode", "validate"}
FILE_OPTIONS = ("ks-limits",)


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
    c["name"] = os.path.basename(os.path.normpath(case))
    if c.get("mode") == "script":
        extra = set(c) & {"model", "reference", "validate", "also", "ranks", "threads"}
        if "script" not in c or extra:
            fail(case, f"mode \"script\" takes 'script' and no {sorted(extra) or 'model or reference'}")
        c["script_path"] = os.path.normpath(os.path.join(case, c["script"]))
        return c
    for key in ("model", "reference", "mode"):
        if key not in c:
            fail(case, f"'{key}' is missing")
    c["model_path"] = os.path.normpath(os.path.join(case, c["model"]))
    c["reference_path"] = os.path.normpath(os.path.join(case, c["reference"]))
    c["checks"] = [c] + [load_check(case, i, a) for i, a in enumerate(c.get("also", []))]
    for check in c["checks"]:
        v = check.setdefault("validate", {})
        for key in FILE_OPTIONS:
            if key in v:
                v[key] = os.path.normpath(os.path.join(case, v[key]))
    return c


def load_check(case, i, a):
    """One [[also]] table: another reference for the same run."""
    if not isinstance(a, dict):
        fail(case, f"also[{i}] is not a table")
    unknown = set(a) - ALSO_KEYS
    if unknown:
        fail(case, f"also[{i}]: unknown keys {sorted(unknown)} (known: {sorted(ALSO_KEYS)})")
    for key in ("reference", "mode"):
        if key not in a:
            fail(case, f"also[{i}]: '{key}' is missing")
    return dict(a, reference_path=os.path.normpath(os.path.join(case, a["reference"])))


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
        if thresholds or key not in ("ks-max", "effect-max", "ks-limits", "ks-alpha", "min-match"):
            cmd += [f"--{key}", str(value)]
    return cmd


def main(myelin, case, work):
    c = load_case(case)
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    print(f"case {c['name']}: {c.get('description', '')}")
    if c["mode"] == "script":
        print(f"  $ {sys.executable} {c['script_path']} {myelin} {work}", flush=True)
        sys.exit(3 if subprocess.run([sys.executable, c["script_path"], myelin, work]).returncode else 0)
    print(f"  reference: {c['reference']} ({c.get('generated_by', 'origin not stated')})")
    run_model(myelin, c, os.path.join(work, "run"))
    status = 0
    for i, check in enumerate(c["checks"]):
        report = os.path.join(work, "report" if i == 0 else f"report_{i}")
        if i:
            print(f"  also: {check['reference']} ({check.get('generated_by', 'origin not stated')})")
        cmd = validate_command(myelin, check, os.path.join(work, "run"), check["reference_path"], report)
        print("  $ " + " ".join(cmd), flush=True)
        status = max(status, subprocess.run(cmd).returncode)
    sys.exit(status)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:4])
