#!/usr/bin/env bash
# A Python script under `mpirun -np 2 /usr/bin/python3` (mpi4py's
# COMM_WORLD) gives the same spikes as one rank, and 4 ranks too.
# Usage: test_mpi.sh PYTHONPATH REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"
export PYTHONPATH=$1
script=$REPO/python/tests/mpi_spikes.py
"${MPIRUN[@]}" -np 1 /usr/bin/python3 "$script" one.npz 2 || bad "1 rank failed"
"${MPIRUN[@]}" -np 2 /usr/bin/python3 "$script" two.npz 1 || bad "2 ranks failed"
"${MPIRUN[@]}" -np 4 /usr/bin/python3 "$script" four.npz 1 || bad "4 ranks failed"
for n in two four; do
  if /usr/bin/python3 - one.npz $n.npz <<'PY'
import sys
import numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert sorted(a.files) == sorted(b.files), (a.files, b.files)
assert len(a["E_times"]) > 300, len(a["E_times"])
for k in a.files:
    assert np.array_equal(a[k], b[k]), k
PY
  then ok; else bad "$n ranks differ from one"; fi
done
echo "python mpi tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
