#!/usr/bin/env bash
# Spike and state reports of a run load into Neo (load_report.py) and agree
# with the raw HDF5 and summary.json. Usage: check_neo_loader.sh MYELIN REPO WORKDIR
set -eu
MYELIN=$1 REPO=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
cp "$REPO/tests/mpi/mixed_delays.toml" m.toml
printf '\n[[recorder]]\ntype = "spikes"\n[[recorder]]\ntype = "state"\nvariables = ["V_m", "I_syn_ex"]\nneurons = 9\ninterval = 0.5\n' >> m.toml
"$MYELIN" run m.toml -o out -q --threads 2 >/dev/null
/usr/bin/python3 "$REPO/validation/load_report.py" out --check
