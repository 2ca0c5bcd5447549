#!/usr/bin/env bash
# Plastic synapses under mpirun: the final weights and traces
# (synapses.h5), spikes and final checkpoint are bit-identical on 1, 2 and
# 4 ranks and after a checkpoint saved on 2 ranks and restored on 1 and 4;
# a damaged plastic checkpoint and a model whose synapses changed are
# refused (exit 2). Usage: test_plastic_ranks.sh MYELIN REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"
cp "$REPO/tests/plasticity/plastic_network.toml" net.toml

# 1. The reference on one rank, two threads; the weights must have moved.
"$MYELIN" run net.toml -o ref -q --threads 2 --checkpoint-at 400 >/dev/null || bad "reference run failed"
/usr/bin/python3 - <<'PY' && ok || bad "reference: synapses.h5 or summary.json are not as expected"
import json, h5py, numpy as np
s = json.load(open("ref/summary.json"))
assert s["plastic_synapses"] == 160 * 20 + 40 * 20 + 160 * 10, s["plastic_synapses"]
assert 0 < s["plastic_bytes_per_synapse"] < 48, s["plastic_bytes_per_synapse"]
with h5py.File("ref/synapses.h5", "r") as f:
    ee = f["edges/E_to_E"]
    w = ee["0/syn_weight"][()]
    assert len(w) == 3200 and ee["source_node_id"].attrs["node_population"] in (b"E", "E")
    assert np.all((w >= 0) & (w <= 120)) and np.abs(w - 40).max() > 1, "weights did not move"
    ie = f["edges/I_to_E"]
    u = ie["0/u"][()]
    assert len(u) == 1600 and np.all((u >= 0.4 - 1e-12) & (u <= 1)), "u out of range"
    assert np.all(np.diff(ee["target_node_id"][()]) >= 0), "not in target order"
    ei = f["edges/E_to_I/0"]
    assert np.abs(ei["syn_weight"][()] - 40).max() > 0.01 and np.any(ei["eligibility"][()] != 0), "three-factor idle"
PY

# 2. Rank and thread counts; on 4 ranks the files are written and read in
# passes of 700 rows (the default pass is larger than this network).
for r in 2 4; do
  "${MPIRUN[@]}" -np $r -x MYELIN_PLASTIC_CHUNK_ROWS=$((r == 4 ? 700 : 0)) "$MYELIN" run net.toml -o r$r -q --threads $((r == 2 ? 2 : 1)) --checkpoint-at 400 >/dev/null \
    || bad "run on $r ranks failed"
  same ref r$r "$r ranks"
done

# 3. Saved on 2 ranks at 200 ms, restored on 1 and 4.
"${MPIRUN[@]}" -np 2 "$MYELIN" run net.toml -o half -q --threads 1 --t-stop 200 --checkpoint-at 200 >/dev/null \
  || bad "first half failed"
[[ -f half/synapses.h5 ]] && ok || bad "the first half did not write its synapses.h5"
for r in 1 4; do
  rm -rf half$r && mkdir -p half$r && cp -r half/checkpoints half$r/
  "${MPIRUN[@]}" -np $r -x MYELIN_PLASTIC_CHUNK_ROWS=$((r == 4 ? 700 : 0)) "$MYELIN" run net.toml --restore half$r/checkpoints -o half$r -q --threads $((r == 1 ? 2 : 1)) \
    --t-stop 400 --checkpoint-at 400 >/dev/null || bad "restore on $r ranks failed"
  rm -f half$r/checkpoints/checkpoint_0000200.000ms.h5
  same ref half$r "saved on 2 ranks, restored on $r"
done

# 4. A weight changed in the checkpoint: the checksum catches it.
cp half/checkpoints/checkpoint_0000200.000ms.h5 damaged.h5
/usr/bin/python3 -c "
import h5py
with h5py.File('damaged.h5', 'r+') as f:
    f['synapses/projection_0/state'][5, 3] += 1.0
" || bad "could not damage the checkpoint"
expect 2 "checksum of /synapses/projection_0" -- "$MYELIN" run net.toml --restore damaged.h5 -o damaged -q --t-stop 400

# 5. The model's synapses changed (I -> E static now): another structure.
sed '/tsodyks2_synapse/d; /U = 0.4/d' net.toml > changed.toml
expect 2 "a checkpoint of this model" -- "$MYELIN" run changed.toml --restore half/checkpoints/checkpoint_0000200.000ms.h5 \
  -o changed -q --t-stop 400

# 6. Bad synapse parameters name the field.
sed 's/Wmax = 120.0/Wmax = 50.0/' net.toml > badwmax.toml
expect 2 "projection\[0\].synapse.Wmax" -- "$MYELIN" run badwmax.toml -o badwmax -q
sed 's/tau_rec = 200.0/tau_rec = -1.0/' net.toml > badtau.toml
expect 2 "synapse.tau_rec" -- "$MYELIN" run badtau.toml -o badtau -q
echo "plastic rank tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
