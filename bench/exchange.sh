#!/usr/bin/env bash
# Benchmark: global (NEST's) vs delay-aware spike exchange on
# models/four_areas.toml (4 areas, 0.1-1.5 ms inside, 10-20 ms between),
# 4 ranks with block placement (one area per rank), 1 s. Prints, per scheme,
# synchronisations per rank and per simulated second, messages, bytes and
# wall time, and checks that both wrote identical spikes. On a 2-core
# machine the 4 ranks are oversubscribed: count, don't time.
# Usage: bench/exchange.sh [RANKS]
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${1:-4}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OMP_WAIT_POLICY=passive
[[ -x build/myelin ]] || bash .ci/build >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for ex in global delay-aware; do
  mpirun --oversubscribe --bind-to none -np "$RANKS" build/myelin run models/four_areas.toml -o "$OUT/$ex" \
    --threads 1 -q --partition block --exchange "$ex" >/dev/null
  /usr/bin/python3 - "$OUT/$ex/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); x = s["exchange"]; sec = s["t_stop_ms"] / 1e3
sync = max(x["synchronisations_per_rank"])
w = max(s["timers_per_rank"]["wait_s"])
print(f"{x['scheme']:>12}: {sync} synchronisations per rank ({sync / sec:.0f}/s simulated), "
      f"{x['messages']} messages, {x['bytes_sent'] / 1e6:.2f} MB, simulate {s['sim_time_s']:.2f} s "
      f"(wait {w:.2f} s), tiers {x['tiers']}, mean slack {x['mean_slack_steps']:.1f} steps")
PY
done
/usr/bin/python3 tests/mpi/same_outputs.py "$OUT/global" "$OUT/delay-aware"
