#!/usr/bin/env bash
# Benchmark: round-robin vs graph placement on models/multi_area.toml
# (16 areas, 0.1-1.5 ms inside, 5-20 ms between) on RANKS ranks (default 8),
# delay-aware exchange, T ms (default 1000). Prints for each placement the
# predicted metrics of `myelin partition` (imbalance, synapses and
# short-delay synapses cut, synchronisations per second) and what the run
# measured (synchronisations per rank and simulated second, bytes, load
# imbalance of update times), and checks that the spikes are identical.
# The ranks are oversubscribed on a small machine: count, don't time.
# Usage: bench/partition.sh [RANKS] [T_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${1:-8}
T=${2:-1000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OMP_WAIT_POLICY=passive
[[ -x build/myelin ]] || bash .ci/build >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for s in round_robin graph; do
  echo "== $s"
  build/myelin partition models/multi_area.toml --ranks "$RANKS" --strategy $s -o "$OUT/$s.h5" | sed -n '2,8p'
  mpirun --oversubscribe --bind-to none -np "$RANKS" build/myelin run models/multi_area.toml -o "$OUT/$s" \
    --threads 1 -q --t-stop "$T" --placement "$OUT/$s.h5" >/dev/null
  /usr/bin/python3 - "$OUT/$s/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); x = s["exchange"]; sec = s["t_stop_ms"] / 1e3
sync = max(x["synchronisations_per_rank"])
print(f"  measured: {sync / sec:.0f} synchronisations per rank and simulated second, {x['messages']} messages, "
      f"{x['bytes_sent'] / 1e6:.2f} MB, update-time imbalance {s['load_imbalance']:.3f}, simulate {s['sim_time_s']:.2f} s")
PY
done
/usr/bin/python3 tests/mpi/same_outputs.py "$OUT/round_robin" "$OUT/graph"
