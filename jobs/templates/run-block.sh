# ---- myelin: run; checkpoint before the time limit; requeue; resume ----
# On the warning signal (--signal=B:USR1) or `scancel --signal=USR1`, every
# rank writes a checkpoint at the next safe point and myelin exits with 75.
# The job then requeues itself, and the requeued job resumes from the
# newest complete checkpoint in its output folder (myelin run --resume).
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
# Threads are pinned only where Slurm gives each task cores of its own
# (task/affinity or task/cgroup): pinned without, every rank's threads
# would crowd onto the node's first cores.
if scontrol show config 2>/dev/null | grep -Eq '^TaskPlugin *=.*task/(affinity|cgroup)'; then
  export OMP_PLACES=cores OMP_PROC_BIND=close
  myelin_bind=--cpu-bind=cores
else
  myelin_bind=--cpu-bind=none
fi
myelin_out={{output}}
myelin_options=()
if [[ -n ${SLURM_ARRAY_TASK_ID:-} ]]; then  # a sweep: each task its folder and parameters
  myelin_out=$myelin_out/$SLURM_ARRAY_TASK_ID
  myelin_options+=(--parameters "$myelin_out/parameters.toml")
fi
mkdir -p "$myelin_out"
myelin_attempt=$(( ${SLURM_RESTART_COUNT:-0} + 1 ))
myelin_event() {
  printf '%s job %s attempt %s: %s\n' "$(date -Iseconds)" "${SLURM_JOB_ID:-?}" "$myelin_attempt" "$*" |
    tee -a "$myelin_out/job_events.log"
}
if (( myelin_attempt > {{max_requeues}} + 1 )); then
  myelin_event "failed: started $myelin_attempt times, more than --max-requeues {{max_requeues}} allows; not run again"
  exit 1
fi
myelin_event "started on $(hostname -s): ${SLURM_NTASKS:-1} tasks x $OMP_NUM_THREADS threads"
myelin_stop() {
  myelin_event "got SIG$1: every rank writes a checkpoint"
  kill -s "$1" "$myelin_pid" 2>/dev/null
}
trap 'myelin_stop USR1' USR1
trap 'myelin_stop TERM' TERM
# Debian's OpenMPI starts under srun only through PMIx; srun does not pass
# --cpus-per-task on to its tasks by itself.
srun --mpi=pmix --cpus-per-task="$OMP_NUM_THREADS" "$myelin_bind" {{myelin}} run {{model}} --output "$myelin_out" --resume \
  "${myelin_options[@]}" {{run_options}} &
myelin_pid=$!
while true; do
  wait "$myelin_pid"
  myelin_rc=$?
  kill -0 "$myelin_pid" 2>/dev/null || break  # else a trapped signal cut the wait short
done
trap - USR1 TERM
case $myelin_rc in
  0)
    myelin_event "finished"
    exit 0 ;;
  75)
    if (( myelin_attempt > {{max_requeues}} )); then
      myelin_event "checkpointed, not requeued: already requeued {{max_requeues}} times (--max-requeues); submit again to resume"
      exit 75
    fi
    myelin_event "checkpointed (exit 75): requeued to resume from the checkpoint"
    scontrol requeue "$SLURM_JOB_ID" ||
      { myelin_event "failed: scontrol requeue refused; submit again to resume"; exit 75; }
    sleep 300 & wait  # the requeue ends this attempt
    exit 0 ;;
  *)
    myelin_event "failed with exit code $myelin_rc, not requeued: see the job's Slurm log in {{output}}"
    exit "$myelin_rc" ;;
esac
