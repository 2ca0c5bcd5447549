#!/usr/bin/env bash
# The validation cases gate CI: a case whose model regresses fails
# (exit 3) at the right place, and a malformed case folder is refused.
# Usage: test_case_gate.sh MYELIN REPO WORKDIR
set -u
source "$2/tests/mpi/mpi_env.sh" "$@"
RUN_CASE=(/usr/bin/python3 "$REPO/validation/run_case.py" "$MYELIN")
CASES="$REPO/validation/cases"

# 1. small_recurrent with the A -> B weight 1 pA stronger: B's spikes move.
mkdir -p weaker && cp "$CASES/small_recurrent/"{case.toml,reference.h5} weaker/
sed 's/^weight = 180.0$/weight = 181.0/' "$CASES/small_recurrent/model.toml" > weaker/model.toml
grep -q "weight = 181.0" weaker/model.toml || bad "the edit of small_recurrent's model did not apply"
expect 3 "B .* node [01] at [0-9.]+ ms .*FAIL" -- "${RUN_CASE[@]}" weaker out_weaker
grep -q '"pass": false' out_weaker/report/validation.json && ok || bad "validation.json does not record the failure"

# 2. brunel_ai with 10 % less external drive (eta 1.8): the rates fall.
mkdir -p drive && cp "$CASES/brunel_ai/reference.h5" drive/
sed 's/^rate = 17789.007714721884/rate = 16010.106943249696/' "$REPO/models/brunel.toml" > drive/model.toml
grep -q "16010.1" drive/model.toml || bad "the edit of the Brunel drive did not apply"
sed -e 's|^model = .*|model = "model.toml"|' -e 's/^ranks = .*/ranks = 1/' "$CASES/brunel_ai/case.toml" > drive/case.toml
expect 3 "E +rate .* FAIL" -- "${RUN_CASE[@]}" drive out_drive

# 3. Malformed case folders.
mkdir -p odd && printf 'model = "m.toml"\nreference = "r.h5"\nmode = "exact"\ncolour = "red"\n' > odd/case.toml
expect 1 "unknown keys \['colour'\]" -- "${RUN_CASE[@]}" odd out_odd
mkdir -p noref && cp "$CASES/small_recurrent/"{case.toml,model.toml} noref/
expect 2 "reference.*missing" -- "${RUN_CASE[@]}" noref out_noref
mkdir -p nomode && printf 'model = "m.toml"\nreference = "r.h5"\n' > nomode/case.toml
expect 1 "'mode' is missing" -- "${RUN_CASE[@]}" nomode out_nomode
# 4. case_spread.py: two seeds of brunel_sr spread less than the case's
# thresholds; an exact case has no spread to measure.
SPREAD=(/usr/bin/python3 "$REPO/validation/case_spread.py" "$MYELIN")
expect 0 "largest: KS 0\.(0|1)[0-9]*, \|d\| 0\.[0-3][0-9]*; suggested thresholds" -- "${SPREAD[@]}" "$CASES/brunel_sr" spread --seeds 5 6
expect 1 "exact case" -- "${SPREAD[@]}" "$CASES/small_recurrent" spread_exact
echo "case gate tests: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
