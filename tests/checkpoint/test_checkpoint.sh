#!/usr/bin/env bash
# Checkpoints under mpirun: a run 0 -> T in one go and a run 0 -> T/2,
# checkpoint, restore -> T give bit-identical spikes, state reports and
# final state (the checkpoints at T), on 1 rank and across rank and thread
# counts (save on 2, restore on 1 and 4); SIGUSR1 and SIGTERM checkpoint and
# stop with exit code 75; a kill -9 between writing and committing leaves
# the previous checkpoint valid; every bad checkpoint exits 2 with a clear
# message. Usage: test_checkpoint.sh MYELIN REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"

cp "$REPO/tests/mpi/mixed_delays.toml" mixed.toml
printf '\n[[recorder]]\ntype = "spikes"\n\n[[recorder]]\ntype = "state"\nvariables = ["V_m", "I_syn_ex"]\nneurons = 9\ninterval = 0.5\n' >> mixed.toml
sed 's/^t_stop = 1000.0.*/t_stop = 200.0/' "$REPO/models/brunel.toml" > brunel.toml

# 1. The reference: 0 -> T in one go, checkpoint at T only (final state).
for m in mixed brunel; do
  T=$(grep -m1 '^t_stop' $m.toml | sed 's/[^0-9.]//g')
  "$MYELIN" run $m.toml -o ${m}_ref -q --threads 2 --checkpoint-at "$T" >/dev/null || bad "$m reference run failed"
  H=$(/usr/bin/python3 -c "print($T / 2)")
  # 2. Same rank count: half, checkpoint, restore (model from the checkpoint).
  "$MYELIN" run $m.toml -o ${m}_split -q --threads 2 --t-stop "$H" --checkpoint-at "$H" >/dev/null \
    || bad "$m first half failed"
  "$MYELIN" run --restore ${m}_split/checkpoints -o ${m}_split -q --threads 2 --t-stop "$T" --checkpoint-at "$T" >/dev/null \
    || bad "$m restore failed"
  same ${m}_ref ${m}_split "$m 1 rank split at $H ms"
  # 3. Save on 2 ranks, restore on 1 (2 threads) and on 4 ranks.
  "${MPIRUN[@]}" -np 2 "$MYELIN" run $m.toml -o ${m}_r2 -q --threads 1 --t-stop "$H" --checkpoint-at "$H" >/dev/null \
    || bad "$m save on 2 ranks failed"
  for r in 1 4; do
    rm -rf ${m}_r2to$r && mkdir -p ${m}_r2to$r && cp -r ${m}_r2/checkpoints ${m}_r2to$r/
    "${MPIRUN[@]}" -np $r "$MYELIN" run $m.toml --restore ${m}_r2to$r/checkpoints -o ${m}_r2to$r -q --threads $((3 - (r > 1 ? 2 : 1))) \
      --checkpoint-at "$T" >/dev/null || bad "$m restore on $r ranks failed"
    rm -f ${m}_r2to$r/checkpoints/checkpoint_*"${H}"*ms.h5
    same ${m}_ref ${m}_r2to$r "$m saved on 2 ranks, restored on $r"
  done
done

# 4. --checkpoint-every keeps the newest two; each one restores.
"$MYELIN" run mixed.toml -o every -q --threads 1 --checkpoint-every 50 >/dev/null || bad "checkpoint-every run failed"
n=$(ls every/checkpoints | wc -l)
[[ $n -eq 2 && -f every/checkpoints/checkpoint_0000300.000ms.h5 && -f every/checkpoints/checkpoint_0000250.000ms.h5 ]] \
  && ok || bad "checkpoint-every kept $(ls every/checkpoints)"
ls every/checkpoints | grep -q tmp && bad "temporary files left behind" || ok

# 5. kill -9 between writing checkpoint 200 ms and committing it: the
# previous one (100 ms) stays, the directory resolves to it, and the run
# restored from it ends identical to the reference.
MYELIN_TEST_KILL_BEFORE_COMMIT=checkpoint_0000200.000ms.h5 "$MYELIN" run mixed.toml -o killed -q --threads 1 \
  --checkpoint-every 100 >/dev/null 2>&1
rc=$?
[[ $rc -eq 137 ]] && ok || bad "the kill hook did not kill the run (exit $rc)"
ls killed/checkpoints/ | grep -q 'checkpoint_0000200.000ms.h5.tmp' && ok || bad "no half-written checkpoint after kill -9: $(ls killed/checkpoints)"
[[ -f killed/checkpoints/checkpoint_0000100.000ms.h5 && ! -f killed/checkpoints/checkpoint_0000200.000ms.h5 ]] \
  && ok || bad "after kill -9: $(ls killed/checkpoints)"
"$MYELIN" run mixed.toml --restore killed/checkpoints -o killed -q --threads 2 --checkpoint-at 300 >/dev/null \
  || bad "restore after kill -9 failed"
rm -f killed/checkpoints/checkpoint_0000100.000ms.h5 killed/checkpoints/*.tmp.*
same mixed_ref killed "restored after kill -9"

# 6. Signals: SIGUSR1 / SIGTERM / SIGINT stop at a safe point with a checkpoint and
# exit 75; the run restored from it to 40 ms past the stop equals a run
# straight to that time.
signal_test() {  # NAME SIGNAL NP
  local name=$1 sig=$2 np=$3
  sed 's/^t_stop = .*/t_stop = 100000.0/' mixed.toml > long.toml
  if [[ $np -eq 1 ]]; then
    "$MYELIN" run long.toml -o $name -q --threads 1 > $name.log 2>&1 &
  else
    "${MPIRUN[@]}" -np $np "$MYELIN" run long.toml -o $name -q --threads 1 > $name.log 2>&1 &
  fi
  local pid=$!
  sleep 3
  kill -s $sig $pid
  local i
  for i in $(seq 120); do kill -0 $pid 2>/dev/null || break; sleep 1; done
  if kill -0 $pid 2>/dev/null; then bad "$name: still running 120 s after SIG$sig"; kill -9 $pid; return; fi
  wait $pid
  local rc=$?
  [[ $rc -eq 75 ]] && ok || { bad "$name: exit $rc after SIG$sig, expected 75"; cat $name.log; return; }
  grep -q "stopped by SIG$sig" $name.log && ok || bad "$name: no 'stopped by SIG$sig' message"
  local ck
  ck=$(ls $name/checkpoints/checkpoint_*ms.h5 | tail -1)
  local t
  t=$(/usr/bin/python3 -c "import h5py; print(round(h5py.File('$ck','r').attrs['time'] + 40.0, 3))")
  "$MYELIN" run long.toml -o ${name}_straight -q --threads 2 --t-stop "$t" --checkpoint-at "$t" >/dev/null || bad "$name straight run failed"
  "$MYELIN" run long.toml --restore $name/checkpoints -o $name -q --threads 2 --t-stop "$t" --checkpoint-at "$t" >/dev/null \
    || bad "$name: restore failed"
  rm -f "$ck"
  same ${name}_straight $name "$name restored after SIG$sig"
}
signal_test usr1_np1 USR1 1
signal_test term_np1 TERM 1
signal_test int_np1 INT 1
signal_test usr1_np2 USR1 2

# 6b. SIGTERM during the build (2e8 synapses, seconds of building): there
# is nothing to checkpoint yet, so the run stops there, exit 143 (as the
# signal's own), saying so, with no summary. SIGUSR1 waits for the first
# safe point of the simulation instead (test 6).
cat > build_term.toml <<'TOML'
[run]
dt = 0.1
t_stop = 10.0
[[population]]
name = "N"
model = "iaf_psc_exp"
size = 40000
[[projection]]
source = "N"
target = "N"
rule = "fixed_indegree"
indegree = 5000
weight = 0.1
delay = 1.5
TOML
build_signal_test() {  # SIGNAL EXIT_CODE NAME
  local sig=$1 code=$2 name=$3
  "$MYELIN" run build_term.toml -o $name -q --threads 2 > $name.log 2>&1 &
  local pid=$!
  sleep 2
  kill -s $sig $pid
  wait $pid
  local rc=$?
  [[ $rc -eq $code ]] && ok || bad "SIG$sig during the build: exit $rc, expected $code ($(cat $name.log))"
  grep -q "stopped by SIG$sig during the build; nothing to checkpoint yet" $name.log && ok \
    || bad "SIG$sig during the build: no message ($(cat $name.log))"
  [[ ! -e $name/summary.json ]] && ok || bad "SIG$sig during the build left a summary"
}
build_signal_test TERM 143 build_term
build_signal_test INT 130 build_int  # Ctrl-C: the same, with its own exit code

# 7. Bad checkpoints: exit 2, a message naming the problem, no crash.
CK=mixed_ref/checkpoints/checkpoint_0000300.000ms.h5
cp $CK good.h5
expect 2 "no such file" -- "$MYELIN" run --restore missing.h5 -q
mkdir -p empty_dir
expect 2 "none found" -- "$MYELIN" run --restore empty_dir -q
expect 2 "not an HDF5 file" -- "$MYELIN" run --restore mixed.toml -q
head -c 100000 good.h5 > truncated.h5
expect 2 "truncated|corrupted" -- "$MYELIN" run mixed.toml --restore truncated.h5 --t-stop 400 -q -o bad
expect 2 "truncated|corrupted" -- "$MYELIN" inspect truncated.h5
cp good.h5 corrupted.h5
/usr/bin/python3 - corrupted.h5 <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    ds = f["neurons/A/state"]
    off, n = ds.id.get_offset(), ds.id.get_storage_size()
with open(sys.argv[1], "r+b") as f:
    f.seek(off + n // 2)
    f.write(b"\x7f\x01\x02\x03")
PY
expect 2 "checksum.*corrupted" -- "$MYELIN" run mixed.toml --restore corrupted.h5 --t-stop 400 -q -o bad
expect 2 "checksum.*corrupted" -- "${MPIRUN[@]}" -np 2 "$MYELIN" run mixed.toml --restore corrupted.h5 --t-stop 400 -q -o bad
expect 2 "not written by|checkpoint" -- "$MYELIN" run mixed.toml --restore mixed_ref/spikes.h5 -q -o bad
expect 2 "a checkpoint of this model" -- "$MYELIN" run brunel.toml --restore good.h5 --t-stop 400 -q -o bad
sed 's/^seed = .*/seed = 7/' mixed.toml > other_seed.toml
expect 2 "seed" -- "$MYELIN" run other_seed.toml --restore good.h5 --t-stop 400 -q -o bad
cp good.h5 newer.h5
/usr/bin/python3 -c "import h5py; f = h5py.File('newer.h5', 'r+'); f.attrs.modify('format_version', 99)"
expect 2 "format version 2.*99" -- "$MYELIN" run --restore newer.h5 --t-stop 400 -q -o bad
expect 2 "stop time after" -- "$MYELIN" run --restore good.h5 -q -o bad
expect 2 "--checkpoint-every.*positive" -- "$MYELIN" run mixed.toml --checkpoint-every -5 -q -o bad
expect 2 "--checkpoint-at.*multiple of dt" -- "$MYELIN" run mixed.toml --checkpoint-at 10.05 -q -o bad
expect 0 "myelin checkpoint.*format version 2" -- "$MYELIN" inspect good.h5
expect 0 "time: +300.000 ms" -- "$MYELIN" inspect good.h5
expect 0 "SONATA spike report" -- "$MYELIN" inspect mixed_ref/spikes.h5
expect 0 "SONATA state report" -- "$MYELIN" inspect mixed_ref/V_m.h5
expect 2 "not one" -- "$MYELIN" inspect mixed.toml
/usr/bin/python3 -c "import h5py; h5py.File('foreign.h5', 'w').create_dataset('x', data=[1, 2])"
expect 2 "top level holds: x" -- "$MYELIN" inspect foreign.h5
expect 2 "not written by" -- "$MYELIN" run mixed.toml --restore foreign.h5 -q -o bad

echo "checkpoint tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
