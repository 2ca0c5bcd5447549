#!/usr/bin/env bash
# Benchmark: the Brunel network (models/brunel.toml, NEST's brunel_alpha_nest)
# for 1 s of biological time. Prints build time, simulation time, real-time
# factor, peak memory, bytes per synapse and synaptic events per second.
# Usage: bench/brunel.sh [THREADS] [REPEATS]   (defaults: all cores, 3)
# Compare ratios measured on one machine in one session (../shared/ANCHORS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-$(nproc)}
REPEATS=${2:-3}
[[ -x build/myelin ]] || bash .ci/build >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "myelin $(./build/myelin --version | cut -d' ' -f2), Brunel 12,500 neurons, 1 s, $THREADS thread(s), $(nproc) cores"
printf "%-4s %8s %8s %6s %9s %8s %10s %8s\n" run build_s sim_s RTF peak_MB B/syn events/s rate_Hz
for r in $(seq 1 "$REPEATS"); do
  ./build/myelin run models/brunel.toml -o "$OUT/r$r" --threads "$THREADS" -q >/dev/null
  /usr/bin/python3 - "$OUT/r$r/summary.json" "$r" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
rate = sum(p["spikes"] for p in s["populations"]) / s["neurons"] / (s["t_stop_ms"] / 1e3)
print(f"{sys.argv[2]:<4} {s['build_time_s']:8.2f} {s['sim_time_s']:8.2f} {s['real_time_factor']:6.2f} "
      f"{s['peak_memory_mb']:9.0f} {s['bytes_per_synapse']:8.2f} {s['events_per_second']:10.3g} {rate:8.2f}")
PY
done
