#!/usr/bin/env bash
# The CA3 memory's CTest (label models): the quick protocol (4,000 cells,
# 3 then 6 patterns, orthogonal and overlapping) must recall by the margins
# ca3.py --check asserts, a run on 2 ranks must give the same spikes and
# learnt weights as on 1, and bad arguments must be refused.
# Usage: test_ca3.sh SOURCE_DIR WORK_DIR   (PYTHONPATH: the built myelin package)
set -uo pipefail
src=$1 work=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 OMP_NUM_THREADS=1
mkdir -p "$work" && cd "$work" || exit 1
ca3=$src/models/hippocampus/ca3.py
/usr/bin/python3 "$ca3" --stages 5 3 > bad.log 2>&1
[[ $? == 2 ]] && grep -q "increasing pattern counts" bad.log || { cat bad.log; echo "FAIL: --stages 5 3 was not refused"; exit 1; }
/usr/bin/python3 "$ca3" --quick --stages 40 > bad.log 2>&1
[[ $? == 2 ]] && grep -q "must fit into 4000" bad.log || { cat bad.log; echo "FAIL: 40 patterns of 120 in 4000 were not refused"; exit 1; }
one=$(/usr/bin/python3 "$ca3" --digest --neurons 2000 --threads 1) || exit 1
two=$(mpirun -np 2 --bind-to none /usr/bin/python3 "$ca3" --digest --neurons 2000 --threads 1) || exit 1
echo "$one"
echo "$two"
[[ ${one%% on *} == "${two%% on *}" ]] || { echo "FAIL: 1 and 2 ranks differ"; exit 1; }
/usr/bin/python3 "$ca3" --quick --check --threads 1 --out "$work/report"
