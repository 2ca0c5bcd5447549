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
# A PyNN script (views, an assembly, listed and drawn connections, Poisson
# sources, spikes and v) on pyNN.myelin: 2 ranks write what 1 rank writes.
pynn=$REPO/python/tests/pynn_scripts/connectors.py
for n in 1 2; do
  mkdir -p pynn$n
  "${MPIRUN[@]}" -np $n /usr/bin/python3 "$REPO/python/tests/run_pynn.py" "$pynn" myelin --output pynn$n > pynn$n.log 2>&1 \
    || { cat pynn$n.log; bad "PyNN script on $n rank(s) failed"; }
done
if /usr/bin/python3 - pynn1 pynn2 <<'PY'
import json, sys
import neo
import numpy as np
a, b = sys.argv[1:]
assert json.load(open(f"{a}/connector_counts.json")) == json.load(open(f"{b}/connector_counts.json"))
for pop in ("A", "B"):
    sa, sb = (neo.io.PickleIO(f"{d}/connectors_{pop}.pkl").read_block().segments[0] for d in (a, b))
    assert sum(len(t) for t in sa.spiketrains) > 10, pop
    for x, y in zip(sa.spiketrains, sb.spiketrains):
        assert np.array_equal(x.magnitude, y.magnitude), pop
    for x, y in zip(sa.analogsignals, sb.analogsignals):
        assert np.array_equal(np.asarray(x), np.asarray(y)), pop
PY
then ok; else bad "the PyNN script on 2 ranks differs from 1 rank"; fi
echo "python mpi tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
