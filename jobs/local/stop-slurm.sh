#!/usr/bin/env bash
# Stops the Slurm that jobs/local/start-slurm.sh started from DIR, by the
# PIDs it recorded (never by name: other Slurm or munge daemons on the
# machine are left alone), then removes DIR.
#
# Usage: jobs/local/stop-slurm.sh [DIR]      (default: /tmp/myelin-slurm)
set -uo pipefail

dir=$(realpath -m "${1:-/tmp/myelin-slurm}")
[[ -d $dir ]] || { echo "stop-slurm: nothing started in $dir"; exit 0; }

stop() {  # pid file: TERM, wait up to 5 s, then KILL
  local f=$dir/$1 pid
  [[ -s $f ]] || return 0
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
}
stop slurmd.pid
stop slurmctld.pid
stop munge/munged.pid
rm -rf "$dir"
echo "stop-slurm: stopped the Slurm of $dir"
