#!/usr/bin/env bash
# Brings up a one-node Slurm on this machine for myelin's tests and for
# trying `myelin submit` without a cluster: munged, slurmctld and slurmd
# from Debian's slurm-wlm and munge, run as root, with every file of theirs
# (configuration, state, spool, logs, PIDs) in one folder.
#
# Usage: jobs/local/start-slurm.sh [DIR]     (default: /tmp/myelin-slurm)
# Then:  export SLURM_CONF=DIR/slurm.conf   (the script prints this line)
# Stop:  jobs/local/stop-slurm.sh [DIR]
#
# Idempotent: when the daemons started from DIR still answer, it only
# prints the export line. Needs root (munged and slurmd do).
set -euo pipefail

dir=$(realpath -m "${1:-/tmp/myelin-slurm}")
conf=$dir/slurm.conf
fail() { echo "start-slurm: $*" >&2; exit 1; }

for cmd in munged slurmctld slurmd sinfo; do
  command -v "$cmd" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$cmd" >/dev/null || fail "$cmd not found: install Debian's slurm-wlm and munge (.ci/install-deps does)"
done
[[ $(id -u) -eq 0 ]] || fail "must run as root (slurmd and munged need it)"

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
if alive "$dir/munge/munged.pid" && alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid" &&
   SLURM_CONF=$conf sinfo -h >/dev/null 2>&1; then
  echo "export SLURM_CONF=$conf"
  exit 0
fi

mkdir -p "$dir"/{state,spool,log}

# munge: the key comes with Debian's package; the socket directory must be
# owned by the munge user, who runs the daemon.
if ! alive "$dir/munge/munged.pid"; then
  [[ -s /etc/munge/munge.key ]] || fail "/etc/munge/munge.key missing (reinstall munge, or run mungekey as munge)"
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 "$dir/munge"
  runuser -u munge -- /usr/sbin/munged --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" ||
    fail "munged did not start; see $dir/munge/munged.log"
fi

# The node is this host, reached on loopback whether or not its name
# resolves (containers often lack it in /etc/hosts).
host=$(hostname -s)
cpus=$(nproc)
# Slurm refuses a node whose RealMemory exceeds what slurmd finds: leave 5 %.
mem_mb=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.95}' /proc/meminfo)
cat > "$conf" <<CONF
# One-node Slurm written by jobs/local/start-slurm.sh for myelin's tests.
ClusterName=myelin-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
# Each task its own cores, as on a cluster: the job script pins threads
# only then (task/none would leave every rank's threads on core 0).
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobRequeue=1
# Let a job that checkpointed and requeued itself start again at once.
SchedulerParameters=bf_interval=1
SchedulerType=sched/backfill
MinJobAge=600
KillWait=10
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF=$conf
alive "$dir/slurmctld.pid" || /usr/sbin/slurmctld -f "$conf" || fail "slurmctld did not start; see $dir/log/slurmctld.log"
alive "$dir/slurmd.pid" || /usr/sbin/slurmd -f "$conf" || fail "slurmd did not start; see $dir/log/slurmd.log"

for _ in $(seq 1 50); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  if [[ $state == idle* || $state == mixed* || $state == allocated* ]]; then
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 0.2
done
fail "the node did not come up (sinfo says '${state:-nothing}'); see $dir/log/"
