#!/usr/bin/env bash
# `myelin validate`: in exact mode identical trains pass, one shifted spike
# fails at the right population, node and time, --min-match relaxes it and
# --report writes the table; in stats mode another seed of Brunel passes
# and 20 % fewer spikes fail; malformed and mismatched files are refused
# with exit 2; published means (.toml) pass and fail likewise; per-population
# KS limits with the critical value at a level.
# Usage: test_validate.sh MYELIN REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"
REF="$REPO/validation/cases/small_recurrent/reference.h5"
"$MYELIN" run "$REPO/validation/cases/small_recurrent/model.toml" -o run -q >/dev/null || bad "the run failed"

# 1. Against the committed Brian2 reference, and against itself.
expect 0 "PASS" -- "$MYELIN" validate run --reference "$REF"
expect 0 "B .* 1\.000000  -" -- "$MYELIN" validate run/spikes.h5 -r run --tolerance 0

# 2. One spike of the reference moved by 0.5 ms: exact mode fails there.
read -r POP NODE T < <(/usr/bin/python3 - "$REF" <<'PY'
import shutil, sys, h5py
shutil.copy(sys.argv[1], "shifted.h5")
with h5py.File("shifted.h5", "r+") as f:
    g = f["spikes/B"]
    t = g["timestamps"][()]
    k = len(t) // 2
    node = int(g["node_ids"][k])
    print("B", node, f"{t[k]:.4f}")
    t[k] += 0.5
    g["timestamps"][...] = t
PY
)
expect 3 "B .* node $NODE at $T ms \(extra in the run\)  FAIL" -- "$MYELIN" validate run --reference shifted.h5
expect 0 "PASS" -- "$MYELIN" validate run --reference shifted.h5 --min-match 0.9
expect 3 "FAIL" -- "$MYELIN" validate run --reference shifted.h5 --report rep
grep -q "| B |.*node $NODE at $T ms" rep/report.md && grep -q "FAIL" rep/report.md && ok || bad "report.md lacks the divergence"
# validation.json has the same divergence, and the raster was drawn.
/usr/bin/python3 -c "
import json, sys
v = json.load(open('rep/validation.json'))
b = [p for p in v['populations'] if p['name'] == 'B'][0]
assert not v['pass'] and b['first_divergence']['node'] == $NODE and abs(b['first_divergence']['time_ms'] - $T) < 1e-3, b
" && ok || bad "validation.json lacks the divergence"
[[ -s rep/raster.png ]] && grep -q "raster.png" rep/report.md && ok || bad "no raster.png in the exact report"
# A larger tolerance absorbs the shift.
expect 0 "PASS" -- "$MYELIN" validate run --reference shifted.h5 --tolerance 0.5

# 3. Bad input: exit 2, naming the file and what is wrong.
echo "not hdf5" > text.h5
expect 2 "text.h5.*readable HDF5" -- "$MYELIN" validate run --reference text.h5
/usr/bin/python3 - "$REF" <<'PY'
import shutil, sys, h5py
for name, change in (("no_ids.h5", "drop"), ("short.h5", "short"), ("other_pop.h5", "rename")):
    shutil.copy(sys.argv[1], name)
    with h5py.File(name, "r+") as f:
        g = f["spikes/B"]
        if change == "drop":
            del g["node_ids"]
        elif change == "short":
            ids = g["node_ids"][()][:-1]
            del g["node_ids"]
            g["node_ids"] = ids
        else:
            f.move("spikes/B", "spikes/Z")
PY
expect 2 "no_ids.h5.*/spikes/B/node_ids.*missing" -- "$MYELIN" validate run --reference no_ids.h5
expect 2 "short.h5.*/spikes/B/node_ids.*one per timestamp" -- "$MYELIN" validate run --reference short.h5
expect 2 "/spikes/Z.*populations of the reference" -- "$MYELIN" validate run --reference other_pop.h5
expect 2 "reference.*missing" -- "$MYELIN" validate run --reference nowhere.h5
# A reference of a bigger network: node 7 is beyond the run's B (2 neurons).
/usr/bin/python3 - "$REF" <<'PY'
import shutil, sys, h5py
shutil.copy(sys.argv[1], "bigger.h5")
with h5py.File("bigger.h5", "r+") as f:
    ids = f["spikes/B/node_ids"][()]
    ids[-1] = 7
    f["spikes/B/node_ids"][...] = ids
PY
expect 2 "bigger.h5.*/spikes/B/node_ids.*node 7.*below 2.*another network" -- "$MYELIN" validate run --reference bigger.h5
expect 2 "min-match" -- "$MYELIN" validate run --reference "$REF" --min-match 1.5
expect 2 "exact or stats" -- "$MYELIN" validate run --reference "$REF" --mode fuzzy
expect 2 "tolerance" -- "$MYELIN" validate "$REF" --reference "$REF"
# Options of the other mode are refused, not ignored.
expect 2 "no --neurons with --mode exact" -- "$MYELIN" validate run --reference "$REF" --neurons 10
expect 2 "no --tolerance with --mode stats" -- "$MYELIN" validate run --reference "$REF" --mode stats --tolerance 0.1
# 4. Stats mode on Brunel (500 ms): another seed passes; 20 % fewer spikes
# (every fifth removed) fail on the rates.
sed 's/^seed = .*/seed = 4242/' "$REPO/models/brunel.toml" > brunel_seed.toml
"$MYELIN" run "$REPO/models/brunel.toml" -o b1 -q --t-stop 500 >/dev/null || bad "Brunel run failed"
"$MYELIN" run brunel_seed.toml -o b2 -q --t-stop 500 >/dev/null || bad "Brunel run (other seed) failed"
expect 0 "E +rate .*PASS|PASS" -- "$MYELIN" validate b1 --reference b2 --mode stats --t-start 100
/usr/bin/python3 - <<'PY'
import shutil, h5py, numpy as np
shutil.copy("b2/spikes.h5", "fewer.h5")
with h5py.File("fewer.h5", "r+") as f:
    for p in ("E", "I"):
        g = f["spikes/" + p]
        t, n = g["timestamps"][()], g["node_ids"][()]
        keep = np.ones(len(t), bool)
        keep[::5] = False
        del g["timestamps"], g["node_ids"]
        g["timestamps"], g["node_ids"] = t[keep], n[keep]
PY
expect 3 "E +rate .* FAIL" -- "$MYELIN" validate b1 --reference fewer.h5 --mode stats --t-start 100 --report srep
grep -q "| E | rate |.*FAIL" srep/report.md && ok || bad "stats report.md lacks the failing rate row"
[[ -s srep/raster.png && -s srep/distributions.png ]] && ok || bad "stats report lacks its plots"
/usr/bin/python3 -c "
import json
v = json.load(open('srep/validation.json'))
s = {(x['population'], x['statistic']): x for x in v['statistics']}
r = s[('E', 'rate')]
assert not r['pass'] and len(r['run_sample']) == 10000 and r['mean_reference'] < 0.85 * r['mean_run'], r['mean_run']
" && ok || bad "validation.json lacks the rate samples"
# --neurons: only the first 100 of each population enter the statistics.
expect 0 "E +rate +100 +100 " -- "$MYELIN" validate b1 --reference b2 --mode stats --t-start 100 --neurons 100 --report nrep --no-plots
[[ -s nrep/report.md && ! -e nrep/raster.png ]] && ok || bad "--no-plots drew plots or left out report.md"
expect 2 "bin" -- "$MYELIN" validate b1 --reference b2 --mode stats --bin 0
mkdir -p bare && cp b1/spikes.h5 bare/
expect 2 "t-stop" -- "$MYELIN" validate bare/spikes.h5 --reference b2 --mode stats
# 5. Published means (a .toml reference): NEST's Brunel numbers pass, 20 %
# higher ones fail on the rate; malformed files are refused.
PUB="$REPO/validation/cases/brunel_nest/reference.toml"
expect 0 "E +rate .* 28\.6 " -- "$MYELIN" validate b1 --reference "$PUB" --mode stats --t-start 100 --report prep
[[ -s prep/distributions.png && -s prep/raster.png ]] && grep -q "NEST 3.9" prep/report.md && ok || bad "published report lacks its plots or source"
printf 'source = "test"\n[populations.E]\nrate = 34.32\ncv_isi = 0.19\n' > higher.toml
expect 3 "E +rate .*34\.32 .*FAIL" -- "$MYELIN" validate b1 --reference higher.toml --mode stats --t-start 100
expect 0 "PASS" -- "$MYELIN" validate b1 --reference higher.toml --mode stats --t-start 100 --mean-max 0.25
printf 'source = "test"\n[populations.E]\nfiring = 3.0\n' > unknown_stat.toml
expect 2 "unknown_stat.toml: populations.E.firing: expected one of the statistics" -- "$MYELIN" validate b1 -r unknown_stat.toml --mode stats
printf '[populations.E]\nrate = 3.0\n' > no_source.toml
expect 2 "no_source.toml: source: expected the citation" -- "$MYELIN" validate b1 -r no_source.toml --mode stats
printf 'source = "test"\n[populations.E]\nrate = "fast"\n' > not_number.toml
expect 2 "not_number.toml: populations.E.rate: expected a number" -- "$MYELIN" validate b1 -r not_number.toml --mode stats
printf 'source = "test"\n[populations.L23E]\nrate = 0.9\n' > other_pops.toml
expect 2 "L23E" -- "$MYELIN" validate b1 -r other_pops.toml --mode stats
expect 2 "stats for a reference of published means" -- "$MYELIN" validate b1 -r "$PUB"
expect 2 "no --ks-max with published means" -- "$MYELIN" validate b1 -r "$PUB" --mode stats --ks-max 0.3
expect 2 "no --mean-max without" -- "$MYELIN" validate b1 -r b2 --mode stats --mean-max 0.3
# 6. Per-population KS limits (--ks-limits) and the critical value (--ks-alpha):
# a tight rate limit on E fails there; unlisted statistics are shown, not
# judged; --ks-alpha raises the limit to the KS critical value (0.2302 for
# 100 neurons at 0.01), which passes, and does not hide 20 % fewer spikes in
# 10,000 neurons (0.023); bad files and mixes are refused.
printf 'source = "test"\n[populations.E]\nrate = 0.0001\n' > tight.toml
expect 3 "E +rate .* 0\.0001 .*FAIL" -- "$MYELIN" validate b1 -r b2 --mode stats --t-start 100 --ks-limits tight.toml --report lrep --no-plots
grep -q "| E | fano |.*| not judged |" lrep/report.md && ok || bad "an unlisted statistic was judged or left out"
expect 0 "E +rate .* 0\.2302 " -- "$MYELIN" validate b1 -r b2 --mode stats --t-start 100 --neurons 100 --ks-limits tight.toml --ks-alpha 0.01
expect 3 "FAIL" -- "$MYELIN" validate b1 -r fewer.h5 --mode stats --t-start 100 --ks-limits tight.toml --ks-alpha 0.01
expect 2 "L23E" -- "$MYELIN" validate b1 -r b2 --mode stats --ks-limits other_pops.toml
expect 2 "no --ks-max with --ks-limits" -- "$MYELIN" validate b1 -r b2 --mode stats --ks-limits tight.toml --ks-max 0.3
expect 2 "ks-alpha" -- "$MYELIN" validate b1 -r b2 --mode stats --ks-alpha 1.5
expect 2 "no --ks-limits with published means" -- "$MYELIN" validate b1 -r "$PUB" --mode stats --ks-limits tight.toml
expect 2 "no --ks-alpha with --mode exact" -- "$MYELIN" validate run -r "$REF" --ks-alpha 0.01
echo "validate tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
