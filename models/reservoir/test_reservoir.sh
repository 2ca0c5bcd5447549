#!/usr/bin/env bash
# The reservoir's CTest (label models): the quick protocol must beat its
# baselines by the margins lsm.py --check asserts, and a run on 2 ranks must
# give the same spikes as on 1 (homeostatic neurons included).
# Usage: test_reservoir.sh SOURCE_DIR WORK_DIR   (PYTHONPATH: the built myelin package)
set -uo pipefail
src=$1 work=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$work" && cd "$work" || exit 1
lsm=$src/models/reservoir/lsm.py
one=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$lsm" --digest --threads 1) || exit 1
two=$(OMP_NUM_THREADS=1 mpirun -np 2 --bind-to none /usr/bin/python3 "$lsm" --digest --threads 1) || exit 1
echo "$one"
echo "$two"
[[ ${one%% of *} == "${two%% of *}" ]] || { echo "FAIL: 1 and 2 ranks differ"; exit 1; }
OMP_NUM_THREADS=1 /usr/bin/python3 "$lsm" --quick --check --threads 1 --out "$work/report"
