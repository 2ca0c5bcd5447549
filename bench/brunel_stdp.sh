#!/usr/bin/env bash
# Benchmark: plastic synapses. The Brunel network (models/brunel.toml) with
# its 10 M E -> E synapses as stdp_synapse (multiplicative, small learning
# rate so the network stays asynchronous), 1 s. Prints build and simulation
# time, peak memory, bytes per synapse overall and per plastic synapse, and
# synaptic events per second (plastic and static together); compare with
# bench/brunel.sh on the same machine in one session.
# Usage: bench/brunel_stdp.sh [THREADS] [REPEATS]   (defaults: all cores, 1)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-$(nproc)}
REPEATS=${2:-1}
[[ -x build/myelin ]] || bash .ci/build >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The E -> E projection is the first whose target is E: the synapse model
# goes after its delay.
awk '/^target = "E"/ && !done { in_ee = 1 } { print } in_ee && /^delay/ {
  print "synapse_model = \"stdp_synapse\""
  print "synapse = { lambda = 0.001, alpha = 1.0, mu_plus = 1.0, mu_minus = 1.0, Wmax = 41.36 }"
  in_ee = 0; done = 1 }' models/brunel.toml > "$OUT/brunel_stdp.toml"
grep -c stdp_synapse "$OUT/brunel_stdp.toml" | grep -qx 1 || { echo "could not make the STDP model" >&2; exit 1; }
echo "myelin $(./build/myelin --version | cut -d' ' -f2), Brunel with E->E stdp_synapse, 1 s, $THREADS thread(s), $(nproc) cores"
printf "%-4s %8s %8s %6s %9s %8s %12s %10s %8s\n" run build_s sim_s RTF peak_MB B/syn B/plastic events/s rate_Hz
for r in $(seq 1 "$REPEATS"); do
  ./build/myelin run "$OUT/brunel_stdp.toml" -o "$OUT/r$r" --threads "$THREADS" -q >/dev/null
  /usr/bin/python3 - "$OUT/r$r/summary.json" "$r" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
rate = sum(p["spikes"] for p in s["populations"]) / s["neurons"] / (s["t_stop_ms"] / 1e3)
print(f"{sys.argv[2]:<4} {s['build_time_s']:8.2f} {s['sim_time_s']:8.2f} {s['real_time_factor']:6.2f} "
      f"{s['peak_memory_mb']:9.0f} {s['bytes_per_synapse']:8.2f} {s['plastic_bytes_per_synapse']:12.2f} "
      f"{s['events_per_second']:10.3g} {rate:8.2f}")
PY
done
