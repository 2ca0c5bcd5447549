#!/usr/bin/env bash
# Streamed reports under mpirun: spikes.h5 and the state reports are the
# same whether they are appended once at the end or many times during the
# run (a small --record-buffer), on 1, 2 and 4 ranks; a run killed after a
# checkpoint leaves .partial reports that a restore in the same directory
# continues in place, and a restore elsewhere copies the reports' first
# part; a damaged or missing report, a changed state recorder and a bad
# buffer size are refused with exit code 2.
# Usage: test_streamed_reports.sh MYELIN REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"
SAME=(/usr/bin/python3 "$REPO/tests/mpi/same_outputs.py")
same() {  # A B WHAT
  if "${SAME[@]}" "$1" "$2" >/dev/null; then ok; else bad "$3: $1 and $2 differ"; "${SAME[@]}" "$1" "$2"; fi
}
appends() { /usr/bin/python3 -c "import json; print(json.load(open('$1/summary.json'))['recording']['appends'])"; }
no_partials() {
  if ls "$1" | grep -q partial; then bad "$2: .partial files left in $1: $(ls "$1")"; else ok; fi
}

# Brunel for 600 ms: about 170 000 E spikes, so spikes.h5 holds several
# 65536-spike chunks; V_m of 50 neurons, spread over the ranks.
sed -e 's/^t_stop = .*/t_stop = 600.0/' -e 's/^neurons = 5$/neurons = 50/' "$REPO/models/brunel.toml" > brunel.toml
grep -q '^neurons = 50$' brunel.toml || bad "brunel.toml: the state recorder was not widened"

# 1. One append at the end vs many during the run, on 1, 2 and 4 ranks.
"$MYELIN" run brunel.toml -o ref -q --threads 2 >/dev/null || bad "reference run failed"
[[ $(appends ref) -eq 1 ]] && ok || bad "default buffer: $(appends ref) appends, expected 1 (at the end)"
no_partials ref "reference"
for np in 1 2 4; do
  "${MPIRUN[@]}" -np $np "$MYELIN" run brunel.toml -o small$np -q --threads 1 --record-buffer 0.2 >/dev/null \
    || bad "small buffer on $np ranks failed"
  n=$(appends small$np)
  [[ $n -ge 10 ]] && ok || bad "0.2 MB buffer on $np ranks: $n appends, expected many"
  same ref small$np "streamed on $np ranks"
  no_partials small$np "streamed on $np ranks"
done

# 2. Killed (kill -9) between writing checkpoint 500 ms and committing it:
# the reports stay as .partial, written up to 500 ms; checkpoint 250 ms
# stays valid and records more than one chunk of E spikes.
MYELIN_TEST_KILL_BEFORE_COMMIT=checkpoint_0000500.000ms.h5 "$MYELIN" run brunel.toml -o killed -q --threads 2 \
  --checkpoint-every 250 --record-buffer 0.2 >/dev/null 2>&1
rc=$?
[[ $rc -eq 137 ]] && ok || bad "the kill hook did not kill the run (exit $rc)"
[[ -f killed/spikes.h5.partial && -f killed/V_m.h5.partial && ! -f killed/spikes.h5 ]] && ok \
  || bad "after kill -9: $(ls killed)"
/usr/bin/python3 - killed <<'PY' && ok || bad "the killed run's partial report or checkpoint is not as expected"
import sys, h5py
d = sys.argv[1]
with h5py.File(f"{d}/checkpoints/checkpoint_0000250.000ms.h5", "r") as c:
    r = c["recorders/reports"]
    marks = dict(zip(r["keys"][()].decode().split("\n"), r["written"][()]))
assert marks["spikes.h5/E"] == 65536, marks          # whole chunks only
assert marks["V_m.h5/E"] == 2500, marks               # every sample up to 250 ms
with h5py.File(f"{d}/spikes.h5.partial", "r") as f:   # written up to 500 ms
    assert f["spikes/E/timestamps"].shape[0] > marks["spikes.h5/E"]
    assert f["spikes/E/timestamps"][65535] <= 250.0
PY

# 3. Restore in the same directory on 2 ranks: continues the .partial in
# place (cut back to the checkpoint) and ends equal to the reference.
"${MPIRUN[@]}" -np 2 "$MYELIN" run --restore killed/checkpoints/checkpoint_0000250.000ms.h5 -o killed -q --threads 1 \
  --record-buffer 0.2 >/dev/null || bad "restore in place failed"
same ref killed "restored in place after kill -9"
no_partials killed "restored in place"

# 4. Restore into another directory on 4 ranks: the first part is copied
# from the finished report of the run that wrote the checkpoint.
"${MPIRUN[@]}" -np 4 "$MYELIN" run --restore killed/checkpoints/checkpoint_0000250.000ms.h5 -o elsewhere -q \
  --threads 1 >/dev/null || bad "restore elsewhere failed"
same ref elsewhere "restored into another directory"
[[ ! -f elsewhere/checkpoints/checkpoint_0000250.000ms.h5 ]] && ok || bad "unexpected checkpoint copied"

# 5. Refused: a state recorder that differs from the checkpoint's run, a
# report changed after the checkpoint, a report that is gone, a bad buffer.
sed 's/^interval = 0.1$/interval = 0.2/' brunel.toml > brunel_interval.toml
expect 2 "state recorders cannot change" -- "$MYELIN" run brunel_interval.toml \
  --restore killed/checkpoints/checkpoint_0000250.000ms.h5 -o changed -q
/usr/bin/python3 -c "
import h5py
with h5py.File('killed/spikes.h5', 'r+') as f:
    f['spikes/E/timestamps'][10] += 0.1"
expect 2 "spikes.h5.*first 65536 spikes.*fewer or others" -- "$MYELIN" run \
  --restore killed/checkpoints/checkpoint_0000250.000ms.h5 -o damaged -q
"${MPIRUN[@]}" -np 2 "$MYELIN" run --restore killed/checkpoints/checkpoint_0000250.000ms.h5 -o damaged2 -q \
  --threads 1 >damaged2.log 2>&1
rc=$?
[[ $rc -eq 2 ]] && grep -q "fewer or others" damaged2.log && ok || bad "damaged report on 2 ranks: exit $rc: $(head -3 damaged2.log)"
rm killed/spikes.h5
expect 2 "spikes.h5.*missing" -- "$MYELIN" run --restore killed/checkpoints/checkpoint_0000250.000ms.h5 -o gone -q
expect 2 "record-buffer.*positive" -- "$MYELIN" run brunel.toml -o zero -q --record-buffer 0

echo "streamed report tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
