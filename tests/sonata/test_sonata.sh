#!/usr/bin/env bash
# SONATA circuits in and out, under mpirun: `myelin export` writes the same
# files on 1, 2 and 4 ranks, h5py finds them well-formed (check_circuit.py),
# and a model that loads them back (`from_file` populations and
# projections) gives bit-identical spikes to the procedural model, on 1, 2
# and 4 ranks, with or without the files' indices, with weights taken from
# the model file where the edges file has none; every bad file or key
# exits 2 with a clear message. Usage: test_sonata.sh MYELIN REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"
SAME=(/usr/bin/python3 "$REPO/tests/mpi/same_outputs.py")
PY=/usr/bin/python3
same() {
  if "${SAME[@]}" "$1" "$2" >/dev/null; then ok; else bad "$3: $1 and $2 differ"; "${SAME[@]}" "$1" "$2"; fi
}

cp "$REPO/tests/mpi/mixed_delays.toml" mixed.toml
printf '\n[[recorder]]\ntype = "spikes"\n' >> mixed.toml

# 1. Export on 1, 2 and 4 ranks: well-formed, and the same files.
"$MYELIN" export mixed.toml -o circuit >export.log 2>&1 || { bad "export failed"; cat export.log; }
grep -q "1000 nodes, 73968 edges in 4 edge populations" export.log && ok || bad "export summary: $(head -1 export.log)"
$PY "$REPO/tests/sonata/check_circuit.py" circuit --mixed-delays && ok || bad "check_circuit.py found problems"
for r in 2 4; do
  "${MPIRUN[@]}" -np $r "$MYELIN" export mixed.toml -o circuit_r$r >/dev/null || bad "export on $r ranks failed"
  same circuit circuit_r$r "export on 1 vs $r ranks"
done
ls circuit | grep -q tmp && bad "temporary files left in circuit/" || ok
expect 0 "A_to_B +11968 edges, A -> B; syn_weight; delay 5-20 ms; indexed" -- "$MYELIN" inspect circuit/edges.h5
expect 0 "A +600 nodes; dynamics_params: C_m .*V_m" -- "$MYELIN" inspect circuit/nodes.h5

# 2. The model loaded back from the circuit.
write_from_file() {  # DIR > model
  cat <<TOML
[run]
dt = 0.1
t_stop = 300.0
seed = 99
[[population]]
name = "A"
from_file = "$1/nodes.h5"
[[population]]
name = "B"
from_file = "$1/nodes.h5"
TOML
  for p in A_to_A A_to_B B_to_A B_to_B; do
    printf '[[projection]]\nsource = "%s"\ntarget = "%s"\nrule = "from_file"\nfile = "%s/edges.h5"\nedge_population = "%s"\n' \
      "${p%%_to_*}" "${p##*_to_}" "$1" "$p"
  done
  printf '[[stimulus]]\ntype = "poisson_generator"\ntargets = ["A", "B"]\nrate = 16000.0\nweight = 15.0\ndelay = 0.1\n'
  printf '[[recorder]]\ntype = "spikes"\n'
}
write_from_file circuit > loaded.toml
"$MYELIN" run mixed.toml -o ref -q --threads 2 >/dev/null || bad "reference run failed"
"$MYELIN" run loaded.toml -o loaded_r1 -q --threads 2 >/dev/null || bad "from_file run failed"
same ref loaded_r1 "procedural vs from_file, 1 rank"
for r in 2 4; do
  "${MPIRUN[@]}" -np $r "$MYELIN" run loaded.toml -o loaded_r$r -q --threads 1 >/dev/null || bad "from_file on $r ranks failed"
  same ref loaded_r$r "procedural vs from_file, $r ranks"
done
# Re-exporting the loaded model gives the same circuit.
"$MYELIN" export loaded.toml -o circuit_again >/dev/null || bad "re-export failed"
same circuit circuit_again "export -> load -> export"

# 3. A file without indices (read by a full scan) and one without
#    syn_weight for A_to_B (weight from the model file): same spikes.
cp -r circuit plain
$PY - <<'PY'
import h5py
with h5py.File("plain/edges.h5", "a") as f:
    for p in f["edges"].values():
        del p["indices"]
    del f["edges/A_to_B/0/syn_weight"]
PY
write_from_file plain > plain.toml
expect 0 "A_to_B +11968 edges, A -> B; delay 5-20 ms$" -- "$MYELIN" inspect plain/edges.h5
sed -i '0,/edge_population = "A_to_B"/s//edge_population = "A_to_B"\nweight = 40.0/' plain.toml
"${MPIRUN[@]}" -np 2 "$MYELIN" run plain.toml -o plain_r2 -q --threads 1 >/dev/null || bad "run without indices failed"
same ref plain_r2 "no indices, weight from the model file, 2 ranks"

# An empty projection exports (zero-length datasets) and loads back.
printf '[run]\nt_stop = 10.0\n[[population]]\nname = "A"\nmodel = "iaf_psc_exp"\nsize = 5\n[[projection]]\nsource = "A"\ntarget = "A"\nrule = "pairwise_bernoulli"\np = 0.0\n' > empty.toml
"${MPIRUN[@]}" -np 2 "$MYELIN" export empty.toml -o empty >/dev/null && ok || bad "export of an empty projection failed"
$PY "$REPO/tests/sonata/check_circuit.py" empty >/dev/null && ok || bad "empty circuit is malformed"
printf '[run]\nt_stop = 10.0\n[[population]]\nname = "A"\nfrom_file = "empty/nodes.h5"\n[[projection]]\nsource = "A"\ntarget = "A"\nrule = "from_file"\nfile = "empty/edges.h5"\n' > empty_loaded.toml
expect 0 "5 neurons, 0 synapses" -- "$MYELIN" run empty_loaded.toml -q -o empty_out

# 4. Bad files and keys: exit 2 with the file, field and what was expected.
refused() {  # NAME SED-EXPR PATTERN: loaded.toml edited by SED-EXPR exits 2 saying PATTERN
  sed "$2" loaded.toml > $1.toml
  expect 2 "$3" -- "$MYELIN" run $1.toml -q -o bad
}
refused missing 's#circuit/edges.h5#nowhere/edges.h5#' \
  "nowhere/edges.h5.*no such file"
echo "not hdf5" > junk.h5
refused junk 's#circuit/edges.h5#junk.h5#' \
  "junk.h5.*cannot be opened as HDF5"
refused wrongpop '0,/edge_population = "A_to_A"/s//edge_population = "A_to_C"/' \
  "/edges/A_to_C.*it has: A_to_A, A_to_B, B_to_A, B_to_B"
refused swapped '0,/edge_population = "A_to_A"/s//edge_population = "B_to_B"/' \
  "node_population.*\"A\", the projection's source population"
refused noedgepop '0,/edge_population = "A_to_A"/s///' \
  "edge_population.*the edge population to read"
refused nofile '0,/file = "circuit\/edges.h5"/s///' \
  "projection\[0\].file.*SONATA edges file"
refused bothweights '0,/edge_population = "A_to_A"/s//edge_population = "A_to_A"\nweight = 5.0/' \
  "projection\[0\].weight.*has syn_weight"
refused badsize '0,/from_file = "circuit\/nodes.h5"/s//from_file = "circuit\/nodes.h5"\nsize = 10/' \
  "population\[0\].size.*\(600\)"
refused nodepop '0,/from_file = "circuit\/nodes.h5"/s//from_file = "circuit\/nodes.h5"\nnode_population = "C"/' \
  "/nodes/C.*it has: A, B"
cp -r circuit broken
$PY - <<'PY'
import h5py, numpy as np
with h5py.File("broken/edges.h5", "a") as f:
    t = f["edges/B_to_B/target_node_id"]
    t[5] = 400
    d = f["edges/A_to_B/0/delay"]
    d[0] = 0.05
with h5py.File("broken/nodes.h5", "a") as f:
    f["nodes/B/0/dynamics_params/tau_m"][3] = 12.0
PY
sed 's#circuit/#broken/#' loaded.toml > broken.toml
expect 2 "broken/nodes.h5.*dynamics_params/tau_m.*one value for the whole population" -- "$MYELIN" run broken.toml -q -o bad
sed -i 's#broken/nodes.h5#circuit/nodes.h5#' broken.toml
# A delay below dt: found while building (the file's min/max attributes
# still say 5 ms), and by the loader's scan of files without them.
expect 2 "projection\[1\].delay.*0.05.*at least dt" -- "$MYELIN" run broken.toml -q -o bad
$PY -c "
import h5py
with h5py.File('broken/edges.h5', 'a') as f: del f['edges/A_to_B/0/delay'].attrs['min']"
expect 2 "A_to_B/delay.*0.05.*at least dt" -- "$MYELIN" run broken.toml -q -o bad
$PY -c "
import h5py
with h5py.File('broken/edges.h5', 'a') as f: f['edges/A_to_B/0/delay'][0] = 5.0"
expect 2 "B_to_B/target_node_id.*400 at edge.*below the target population's size 400" -- "$MYELIN" run broken.toml -q -o bad
expect 2 "B_to_B/target_node_id.*below the target population's size 400" -- "${MPIRUN[@]}" -np 2 "$MYELIN" run broken.toml -q -o bad
cp -r circuit short
$PY -c "
import h5py
with h5py.File('short/nodes.h5', 'a') as f:
    del f['nodes/A/0/dynamics_params/V_m']
    f['nodes/A/0/dynamics_params/V_m'] = [-65.0] * 5"
sed 's#circuit/nodes.h5#short/nodes.h5#' loaded.toml > short.toml
expect 2 "short/nodes.h5.*dynamics_params/V_m.*1-D dataset of 600 values" -- "$MYELIN" run short.toml -q -o bad
$PY -c "import h5py; h5py.File('foreign.h5', 'w').create_dataset('x', data=[1, 2])"
sed 's#circuit/edges.h5#foreign.h5#' loaded.toml > foreign.toml
expect 2 "foreign.h5.*/edges.*no /edges group" -- "$MYELIN" run foreign.toml -q -o bad
expect 2 "--output.*directory" -- "$MYELIN" export mixed.toml
expect 2 "no such file" -- "$MYELIN" export nothere.toml -o x

echo "sonata tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
