#!/usr/bin/env bash
# myelin submit on a real Slurm (jobs/local/start-slurm.sh, started by the
# slurm_start fixture). One case per ctest test:
#   submit     2 tasks x 1 CPU; spikes equal a direct mpirun run's; a run
#              that fails is logged and not requeued; --max-requeues 0
#   requeue    interrupted by scancel --signal=USR1, then by SIGTERM (as
#              preemption does): checkpoint, requeue, resume; spikes and
#              V_m equal an uninterrupted run's
#   time_limit the time limit's own warning (--signal=B:USR1) interrupts it
#   sweep      a 3-task array over seeds and g, and its sweep-summary
# Usage: test_slurm.sh MYELIN SOURCE_DIR WORK_DIR CASE
set -uo pipefail
myelin=$1 src=$2 work=$3 case=$4
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMP_NUM_THREADS=1
: "${SLURM_CONF:?set by the ctest fixture}"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
model=$src/models/brunel.toml
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

job_id() { sed -n 's/^myelin: submitted \(array \)\{0,1\}job \([0-9]*\).*/\2/p' "$1"; }
slurm_state() { squeue -h -j "$1" -o %T 2>/dev/null | head -1; }
# Waits until every task of job $1 has ended (completed, failed, ...), at
# most $2 s; with a third argument, starts it again at once each time it
# has requeued itself (release_when_requeued). Asked of scontrol, which
# keeps ended jobs (MinJobAge): squeue may briefly list nothing while a
# job is being requeued.
wait_gone() {
  local t0=$SECONDS states
  while true; do
    states=$(scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort -u)
    if [[ -n $states ]] && ! grep -qvE 'JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL)' <<<"$states"; then
      return 0
    fi
    ((SECONDS - t0 > $2)) && { echo "job $1 not ended after $2 s: $states"; return 1; }
    if [[ -n ${3:-} && $(squeue -h -j "$1" -o '%T %r' 2>/dev/null) == "PENDING BeginTime" ]]; then
      release_when_requeued "$1" 60 || return 1
    fi
    sleep 0.5
  done
}
# Waits until progress.json in $1 says running with a start time of $2 ms or
# more (attempt > 1 has t_start_ms > 0), at most $3 s.
wait_running() {
  local t0=$SECONDS
  until /usr/bin/python3 - "$1/progress.json" "$2" <<'PY' 2>/dev/null
import json, sys
p = json.load(open(sys.argv[1]))
sys.exit(0 if p["state"] == "running" and p["t_start_ms"] >= float(sys.argv[2]) and p["t_ms"] > p["t_start_ms"] else 1)
PY
  do
    ((SECONDS - t0 > $3)) && { echo "no running progress in $1 after $3 s"; cat "$1/progress.json" 2>/dev/null; return 1; }
    sleep 0.2
  done
}
# A requeued job waits for its begin time, which Slurm puts 120 s ahead;
# the test starts it sooner (on a cluster the wait is harmless). Slurm sets
# that time only once the old attempt has ended, and a start within the
# second of the requeue is refused ("job credential revoked"): the test
# waits for "PENDING BeginTime", lets 2 s pass, moves the begin time to
# now, and returns when the job runs again.
release_when_requeued() {
  local t0=$SECONDS state moved=0
  while ((SECONDS - t0 <= $2)); do
    state=$(squeue -h -j "$1" -o '%T %r' 2>/dev/null | head -1)
    if [[ $state == "PENDING BeginTime" ]] && ((SECONDS >= moved + 5)); then
      sleep 2
      scontrol update JobId="$1" StartTime=now
      moved=$SECONDS
    elif ((moved)) && [[ $state == RUNNING* || -z $state ]]; then
      return 0
    fi
    sleep 0.3
  done
  echo "job $1 not requeued and started again within $2 s (state: $state)"
  return 1
}

same_spikes() {  # two output folders hold identical spike and V_m reports
  local pop ds
  for pop in E I; do
    for ds in timestamps node_ids; do
      h5diff "$1/spikes.h5" "$2/spikes.h5" "/spikes/$pop/$ds" "/spikes/$pop/$ds" >/dev/null ||
        { echo "spikes differ: /spikes/$pop/$ds of $1 and $2"; return 1; }
    done
  done
  h5diff "$1/V_m.h5" "$2/V_m.h5" /report/E/data /report/E/data >/dev/null ||
    { echo "V_m reports differ: $1 and $2"; return 1; }
}
direct_run() {  # the same model by mpirun, uninterrupted: $1 folder, rest options
  local out=$1; shift
  mpirun -np 2 --bind-to none "$myelin" run "$model" -o "$out" -q "$@" >/dev/null 2>"$out.err" ||
    { cat "$out.err"; return 1; }
}
started=$(date +%s.%N)
elapsed() { /usr/bin/python3 -c "import sys,time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$started"; }

case $case in
submit)
  "$myelin" submit "$model" --ntasks-per-node 2 --cpus-per-task 1 --time 00:05:00 -o "$work/job" -- --t-stop 500 \
    > submit.log 2>&1
  check "submit exits 0" [ $? -eq 0 ]
  cat submit.log
  id=$(job_id submit.log)
  check "submit prints the job id" [ -n "$id" ]
  check "the job finishes" wait_gone "$id" 120
  echo "submit to finish: $(elapsed) s"
  check "the job log says finished" grep -q "attempt 1: finished" job/job_events.log
  check "status says finished" bash -c "'$myelin' status job | tee /dev/stderr | grep -q '  finished: 500.0 / 500.0 ms'"
  check "the Slurm log is in the output folder" test -s "job/slurm-$id.out"
  check "2 ranks ran" grep -q '"ranks": 2' job/summary.json
  direct_run direct --t-stop 500
  check "spikes equal a direct mpirun run's" same_spikes job direct
  # A run that fails (refused when it starts): logged, not requeued, and
  # status says why.
  "$myelin" submit "$model" --time 00:05:00 -o "$work/bad" -- --t-stop 100 --memory-limit 1 > bad.log 2>&1
  bad=$(job_id bad.log)
  check "the failing job ends" wait_gone "$bad" 60
  cat bad/job_events.log
  check "its log says it failed and is not requeued" grep -q "attempt 1: failed with exit code 2, not requeued" bad/job_events.log
  check "it ran once" [ "$(grep -c ': started on ' bad/job_events.log)" -eq 1 ]
  check "status says failed and why" bash -c "'$myelin' status bad | tee /dev/stderr | grep -q 'failed: .*memory'"
  # The requeue count is bounded: with --max-requeues 0 a checkpointed job
  # stays stopped, and says how to continue.
  "$myelin" submit "$model" --time 00:05:00 --max-requeues 0 -o "$work/bounded" -- --t-stop 5000 > bounded.log 2>&1
  bounded=$(job_id bounded.log)
  check "the bounded job simulates" wait_running bounded 0 60
  scancel --signal=USR1 "$bounded"
  check "the bounded job ends" wait_gone "$bounded" 60
  cat bounded/job_events.log
  check "its log says it is not requeued" grep -q "checkpointed, not requeued: already requeued 0 times" bounded/job_events.log
  check "status says checkpointed" bash -c "'$myelin' status bounded | tee /dev/stderr | grep -q 'checkpointed: stopped at'"
  ;;
requeue)
  "$myelin" submit "$model" --ntasks-per-node 2 --time 00:10:00 -o "$work/job" -- --t-stop 6000 > submit.log 2>&1
  check "submit exits 0" [ $? -eq 0 ]
  id=$(job_id submit.log)
  t_resume=0
  # Round 1 as the time limit's warning, round 2 as preemption (SIGTERM).
  for round in 1 2; do
    check "round $round: the run is simulating" wait_running job "$t_resume" 120
    check "round $round: status says running" bash -c "'$myelin' status job | tee /dev/stderr | grep -q '  running: '"
    scancel --signal=$( ((round == 1)) && echo USR1 || echo TERM) "$id"
    check "round $round: the job requeues itself" release_when_requeued "$id" 60
    t_resume=$(/usr/bin/python3 -c "import json; print(json.load(open('job/progress.json'))['t_ms'])")
    echo "round $round: checkpointed at $t_resume ms ($(elapsed) s)"
  done
  check "the job finishes" wait_gone "$id" 300
  echo "submit to finish with two requeues: $(elapsed) s"
  cat job/job_events.log
  check "three attempts" [ "$(grep -c ': started on ' job/job_events.log)" -eq 3 ]
  check "two checkpoints and requeues" [ "$(grep -c 'checkpointed (exit 75): requeued' job/job_events.log)" -eq 2 ]
  check "the last attempt finished" grep -q "attempt 3: finished" job/job_events.log
  check "the run resumed from a checkpoint" grep -q '"restored_from": ".*checkpoint_' job/summary.json
  direct_run direct --t-stop 6000
  check "spikes equal an uninterrupted run's" same_spikes job direct
  ;;
time_limit)
  # 2 minutes: Slurm signals 60 s (to 90 s: its timer ticks every 30 s)
  # before the limit, 30 to 60 s into an attempt; the run needs about 70 s
  # of both cores, so the first attempt is interrupted.
  "$myelin" submit "$model" --ntasks-per-node 2 --time 2 -o "$work/job" -- --t-stop 40000 --record-buffer 8 \
    > submit.log 2>&1
  check "submit exits 0" [ $? -eq 0 ]
  grep -q -- "--signal=B:USR1@60" job/job.sbatch && pass "the script asks for USR1 60 s before the limit" ||
    fail "no --signal=B:USR1@60 in job.sbatch"
  id=$(job_id submit.log)
  check "the time limit's warning requeues the job" release_when_requeued "$id" 150
  check "the job finishes, requeued as often as it is interrupted" wait_gone "$id" 400 release
  echo "submit to finish through the time limit: $(elapsed) s"
  cat job/job_events.log
  check "the batch shell got SIGUSR1" grep -q "got SIGUSR1" job/job_events.log
  echo "$(grep -c 'got SIGUSR1' job/job_events.log) interruption(s) by the time limit"
  check "the last attempt finished" grep -q ": finished" job/job_events.log
  # The requeue case compares resumed spikes with an uninterrupted run's;
  # here (to keep CI short) the last attempt must have reached t_stop with
  # spikes up to its end.
  check "the last attempt ran to 40 s with spikes to the end" /usr/bin/python3 - job <<'PY'
import json, sys, h5py
s = json.load(open(sys.argv[1] + "/summary.json"))
with h5py.File(sys.argv[1] + "/spikes.h5") as f:
    last = max(f[f"spikes/{p}/timestamps"][-100000:].max() for p in ("E", "I"))
print(f"t_stop {s['t_stop_ms']} ms, started at {s['t_start_ms']} ms, last spike {last} ms")
sys.exit(0 if s["t_stop_ms"] == 40000 and s["t_start_ms"] > 0 and last > 39900 else 1)
PY
  ;;
sweep)
  # g = 4, 5, 6 (the inhibitory weights are -g J), one seed each.
  cat > sweep.toml <<'TOML'
[[task]]
"run.seed" = 1
"projection.I->E.weight" = -82.72062097471384
"projection.I->I.weight" = -82.72062097471384
[[task]]
"run.seed" = 2
"projection.I->E.weight" = -103.4007762183923
"projection.I->I.weight" = -103.4007762183923
[[task]]
"run.seed" = 3
"projection.I->E.weight" = -124.0809314620708
"projection.I->I.weight" = -124.0809314620708
TOML
  "$myelin" submit "$model" --array sweep.toml --time 00:05:00 -o "$work/sweep" -- --t-stop 300 > submit.log 2>&1
  check "submit exits 0" [ $? -eq 0 ]
  cat submit.log
  id=$(job_id submit.log)
  check "the array finishes" wait_gone "$id" 180
  echo "array submit to finish: $(elapsed) s"
  "$myelin" status sweep
  "$myelin" sweep-summary sweep > summary.txt
  check "sweep-summary exits 0" [ $? -eq 0 ]
  cat summary.txt
  check "three finished tasks in the CSV" [ "$(grep -c ',finished,' sweep/sweep_summary.csv)" -eq 3 ]
  check "the CSV names the swept parameters" grep -q '^task,projection.I->E.weight,projection.I->I.weight,run.seed,status,rate_E_hz,rate_I_hz,real_time_factor,peak_memory_mb$' sweep/sweep_summary.csv
  check "stronger inhibition, lower rate (g 4 > 5 > 6)" /usr/bin/python3 - <<'PY'
import csv
rows = list(csv.DictReader(open("sweep/sweep_summary.csv")))
rates = [float(r["rate_E_hz"]) for r in rows]
print("E rates for g = 4, 5, 6:", rates)
assert rates[0] > rates[1] > rates[2] > 0, rates
PY
  mpirun -np 1 "$myelin" run "$model" -o direct -q --t-stop 300 --parameters sweep/1/parameters.toml >/dev/null
  check "task 1 equals a direct run with its parameters" same_spikes sweep/1 direct
  ;;
*) echo "unknown case $case"; exit 2 ;;
esac
echo "$case: $failures failure(s)"
exit $((failures > 0))
