#!/usr/bin/env bash
# Under mpirun: the same model and seed give bit-identical spike and state
# reports for 1, 2 and 4 ranks x 1 and 2 threads (mixed delays, and Brunel),
# for both exchange schemes and every placement strategy; a chain across 3
# ranks fires at exactly the predicted times.
# Usage: test_ranks.sh MYELIN REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"

cp "$REPO/tests/mpi/mixed_delays.toml" mixed.toml
printf '\n[[recorder]]\ntype = "spikes"\n\n[[recorder]]\ntype = "state"\nvariables = ["V_m", "I_syn_ex"]\nneurons = 9\ninterval = 0.5\n' >> mixed.toml
# 250 ms: more than 65536 E spikes, so spikes.h5 is written chunked and
# compressed, collectively from every rank.
sed 's/^t_stop = 1000.0.*/t_stop = 250.0/' "$REPO/models/brunel.toml" > brunel.toml

for model in mixed brunel; do
  "${MPIRUN[@]}" -np 1 "$MYELIN" run $model.toml -o ${model}_1x1 --threads 1 -q >/dev/null || bad "$model 1x1 failed"
  for cfg in "1 2" "2 1" "2 2" "4 1"; do
    set -- $cfg
    if ! "${MPIRUN[@]}" -np "$1" "$MYELIN" run $model.toml -o "${model}_$1x$2" --threads "$2" -q >/dev/null; then
      bad "$model on $1 ranks x $2 threads exited non-zero"; continue
    fi
    if /usr/bin/python3 "$REPO/tests/mpi/same_outputs.py" "${model}_1x1" "${model}_$1x$2"; then ok; else bad "$model $1x$2 differs"; fi
  done
done

"${MPIRUN[@]}" -np 3 "$MYELIN" run "$REPO/tests/mpi/chain.toml" -o chain --threads 1 -q >/dev/null || bad "chain failed"
if /usr/bin/python3 - chain/spikes.h5 <<'PY'
import sys, h5py, numpy as np
expect = {"N0": [11.1, 31.1], "N1": [11.5, 31.5], "N2": [14.1, 34.1]}
with h5py.File(sys.argv[1], "r") as f:
    for pop, times in expect.items():
        got = f[f"spikes/{pop}/timestamps"][:]
        if len(got) != len(times) or not np.allclose(got, times, atol=1e-9):
            sys.exit(f"{pop}: spikes at {list(got)}, expected {times}")
print("chain across 3 ranks fires at the predicted steps")
PY
then ok; else bad "chain timing"; fi
# The exchange plan of the chain: D(0,1) = 3 steps, D(1,2) = 25, nothing
# else (the generator is not a neuron); with m = 3: tiers 0 and 3.
if /usr/bin/python3 - chain/summary.json <<'PY'
import json, sys
x = json.load(open(sys.argv[1]))["exchange"]
expect = [[0, 3, 0], [0, 0, 25], [0, 0, 0]]
if x["delay_matrix_steps"] != expect:
    sys.exit(f"D(a,b) = {x['delay_matrix_steps']}, expected {expect}")
if x["tiers"] != 1:
    sys.exit(f"tiers = {x['tiers']}, expected 1 per rank")
print("exchange plan of the chain: D(a,b) as built")
PY
then ok; else bad "chain exchange plan"; fi

# Delay-aware vs global exchange on four areas placed one per rank: the
# same spikes as one rank, with at least 50x fewer synchronisations (areas
# share only delays >= 10 ms = 100 steps; the global scheme syncs every step).
sed 's/^t_stop = 1000.0/t_stop = 300.0/' "$REPO/models/four_areas.toml" > areas.toml
"${MPIRUN[@]}" -np 1 "$MYELIN" run areas.toml -o areas_1 --threads 1 -q >/dev/null || bad "areas 1 rank"
for ex in global delay-aware; do
  "${MPIRUN[@]}" -np 4 "$MYELIN" run areas.toml -o "areas_$ex" --threads 1 -q --partition block --exchange $ex >/dev/null || bad "areas $ex"
  if /usr/bin/python3 "$REPO/tests/mpi/same_outputs.py" areas_1 "areas_$ex"; then ok; else bad "areas $ex differs from 1 rank"; fi
done
if /usr/bin/python3 - areas_global/summary.json areas_delay-aware/summary.json <<'PY'
import json, sys
g, d = (json.load(open(p))["exchange"] for p in sys.argv[1:3])
sg, sd = max(g["synchronisations_per_rank"]), max(d["synchronisations_per_rank"])
print(f"synchronisations per rank: global {sg}, delay-aware {sd}; bytes {g['bytes_sent']} vs {d['bytes_sent']}")
if not (sg == 3000 and 0 < sd and sd * 50 <= sg and d["bytes_sent"] < g["bytes_sent"]):
    sys.exit("delay-aware exchange did not cut synchronisations and bytes")
s = json.load(open(sys.argv[2]))
t = s["timers_per_rank"]
if not (all(len(t[k]) == 4 for k in ("update_s", "deliver_s", "exchange_s", "wait_s")) and min(t["update_s"]) > 0
        and all(w <= e for w, e in zip(t["wait_s"], t["exchange_s"])) and s["load_imbalance"] >= 1.0):
    sys.exit(f"per-rank timers missing or wrong: {t}, imbalance {s['load_imbalance']}")
# Per-rank counters add up; tiers partition the traffic.
for x in (g, d):
    if not (sum(x["messages_per_rank"]) == x["messages"] and sum(x["bytes_sent_per_rank"]) == x["bytes_sent"]
            and sum(x["messages_per_tier"]) == x["messages"] and sum(x["bytes_per_tier"]) == x["bytes_sent"]):
        sys.exit(f"{x['scheme']}: per-rank or per-tier counters do not add up: {x}")
# Areas are >= 100 steps apart and talk every 64: each message travels
# while both ranks compute for the remaining >= 36 steps before it is due.
if not d["mean_slack_steps"] >= 36:
    sys.exit(f"delay-aware messages are received too early: mean slack {d['mean_slack_steps']} steps")
print(f"messages per tier {d['messages_per_tier']}, mean slack {d['mean_slack_steps']:.1f} steps")
PY
then ok; else bad "delay-aware savings"; fi

# Placement strategies change where neurons live, never the spikes.
for strategy in block population graph; do
  for n in 2 4; do
    "${MPIRUN[@]}" -np $n "$MYELIN" run mixed.toml -o "mixed_${strategy}_$n" --threads 1 -q --partition $strategy >/dev/null \
      || bad "mixed --partition $strategy on $n ranks exited non-zero"
    if /usr/bin/python3 "$REPO/tests/mpi/same_outputs.py" mixed_1x1 "mixed_${strategy}_$n"; then ok; else bad "mixed $strategy $n differs"; fi
  done
done

# The multi-area model on 4 ranks: a graph placement from `myelin partition`
# gives round-robin's spikes with far fewer synchronisations and bytes.
sed 's/^t_stop = 1000.0/t_stop = 100.0/' "$REPO/models/multi_area.toml" > multi.toml
"$MYELIN" partition multi.toml --ranks 4 -o multi4.h5 >/dev/null || bad "myelin partition failed"
"${MPIRUN[@]}" -np 4 "$MYELIN" run multi.toml -o multi_rr -q --threads 1 >/dev/null || bad "multi round robin"
"${MPIRUN[@]}" -np 4 "$MYELIN" run multi.toml -o multi_graph -q --threads 1 --placement multi4.h5 >/dev/null || bad "multi graph"
if /usr/bin/python3 "$REPO/tests/mpi/same_outputs.py" multi_rr multi_graph; then ok; else bad "multi-area graph differs"; fi
if /usr/bin/python3 - multi_rr/summary.json multi_graph/summary.json <<'PY'
import json, sys
r, g = (json.load(open(p)) for p in sys.argv[1:3])
sr, sg = (max(x["exchange"]["synchronisations_per_rank"]) for x in (r, g))
br, bg = (x["exchange"]["bytes_sent"] for x in (r, g))
print(f"multi-area, 4 ranks: synchronisations {sr} -> {sg}, bytes {br} -> {bg}, placement {g['placement']}")
if not (g["placement"] == "graph (file)" and sg * 10 <= sr and bg < br):
    sys.exit("graph placement did not cut synchronisations 10x and bytes")
PY
then ok; else bad "multi-area graph savings"; fi
# A placement made for another number of ranks is refused by every rank.
out=$(timeout 60 "${MPIRUN[@]}" -np 2 "$MYELIN" run multi.toml -o multi_bad -q --placement multi4.h5 2>&1)
rc=$?
if [[ $rc -ne 0 && $rc -ne 124 ]] && grep -q "ranks" <<<"$out" && grep -q "multi4.h5" <<<"$out"; then ok
else bad "wrong-rank placement: rc=$rc, output: $(head -3 <<<"$out")"; fi

# A rank failing (here: an unwritable output on rank 0) ends the whole job
# with its message and a non-zero code, never a hang.
touch plainfile
out=$(timeout 60 "${MPIRUN[@]}" -np 2 "$MYELIN" run mixed.toml -o plainfile/sub -q 2>&1)
rc=$?
if [[ $rc -ne 0 && $rc -ne 124 ]] && grep -q "plainfile/sub" <<<"$out"; then ok; else bad "failing rank: rc=$rc, output: $(head -3 <<<"$out")"; fi

echo "$passes passed, $fails failed"
[[ $fails -eq 0 ]]
