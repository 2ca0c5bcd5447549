#!/usr/bin/env bash
# End-to-end: the myelin command's help, version and bad-input handling.
# Every bad input must exit 2 with one message naming what was wrong, and
# leave no output file behind. Usage: test_cli_errors.sh MYELIN WORKDIR
set -u
source "$(dirname "$0")/expect.sh"
MYELIN=$1
WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fails=0 passes=0


cat > good.toml <<'TOML'
[run]
t_stop = 20.0
[[population]]
name = "N"
model = "iaf_psc_exp"
size = 10
params = { I_e = 500.0 }
TOML
printf '[run]\ndt = 0.1\nt_stop = = 5\n' > syntax.toml
sed 's/iaf_psc_exp/iaf_psc_nope/' good.toml > model.toml
sed 's/I_e = 500.0/I_e = "500 mV"/' good.toml > unit.toml
cat good.toml - > undefined.toml <<'TOML'
[[projection]]
source = "N"
target = "M"
rule = "all_to_all"
TOML
cat good.toml - > negdelay.toml <<'TOML'
[[projection]]
source = "N"
target = "N"
rule = "all_to_all"
delay = -1.0
TOML
# Too large for any machine (10^11 neurons), and too large for 4000 MB
# (1000 neurons x in-degree 2e6: 2e9 synapses, about 19.5 GB).
sed 's/size = 10$/size = 100000000000/' good.toml > huge.toml
cat good.toml - > dense.toml <<'TOML'
[[projection]]
source = "N"
target = "N"
rule = "fixed_indegree"
indegree = 2000000
TOML
sed -i 's/size = 10$/size = 1000/' dense.toml
cat good.toml - > builderror.toml <<'TOML'
[[projection]]
source = "N"
target = "N"
rule = "fixed_total_number"
N = 500
allow_multapses = false
TOML

expect 0 "myelin run MODEL.toml" -- "$MYELIN" --help
expect 0 "^myelin [0-9]+\.[0-9]+" -- "$MYELIN" --version
expect 2 "Usage" -- "$MYELIN"
expect 0 "--threads" -- "$MYELIN" run --help
expect 2 "command = frobnicate" -- "$MYELIN" frobnicate
expect 2 "missing.toml.*no such file" -- "$MYELIN" run missing.toml -o out
expect 2 "syntax.toml: TOML syntax error" -- "$MYELIN" run syntax.toml -o out
expect 2 "model.toml:5: population\[0\].model = \"iaf_psc_nope\".*iaf_psc_alpha, iaf_psc_exp" -- "$MYELIN" run model.toml -o out
expect 2 "population\[0\].params.I_e = \"500 mV\".*pA" -- "$MYELIN" run unit.toml -o out
expect 2 "projection\[0\].target = \"M\": expected a defined population \(N\)" -- "$MYELIN" run undefined.toml -o out
expect 2 "projection\[0\].delay = -1.*positive delay" -- "$MYELIN" run negdelay.toml -o out
expect 2 "--threads.*positive" -- "$MYELIN" run good.toml --threads 0 -o out
expect 2 "unrecognised option|unrecognized option" -- "$MYELIN" run good.toml --frobnicate
expect 2 "--t-stop.*multiple of dt" -- "$MYELIN" run good.toml --t-stop 1.05 -o out
expect 2 "--seed.*4294967295" -- "$MYELIN" run good.toml --seed -3 -o out
touch plainfile
expect 2 "--output.*plainfile/sub" -- "$MYELIN" run good.toml -o plainfile/sub
expect 2 "projection\[0\].number.*distinct sources" -- "$MYELIN" run builderror.toml -o built -q
# Nothing half-written anywhere: errors before or during the build leave
# no spikes.h5, summary.json or temporary file. Only progress.json may be
# there, saying the run failed and why (myelin status reads it).
for d in out built; do
  if [[ -f $d/progress.json ]]; then
    if grep -q '"state": "failed"' $d/progress.json && grep -q '"message": ".\+"' $d/progress.json; then
      passes=$((passes + 1)); rm $d/progress.json
    else
      echo "FAIL: $d/progress.json does not say failed and why:"; cat $d/progress.json; fails=$((fails + 1))
    fi
  fi
done
if compgen -G "out/*" >/dev/null || compgen -G "built/*" >/dev/null; then
  echo "FAIL: an error left files behind:"; ls -la out built 2>/dev/null; fails=$((fails + 1))
else
  passes=$((passes + 1))
fi
# And the good model runs, writing complete outputs only.
# Partitioning: bad options, and placement files that do not fit.
expect 0 "Strategies:.*|graph" -- "$MYELIN" partition --help
expect 2 "--ranks" -- "$MYELIN" partition good.toml
expect 2 "--ranks.*positive" -- "$MYELIN" partition good.toml --ranks 0
expect 2 "--partition.*metis.*graph" -- "$MYELIN" partition good.toml --ranks 2 --strategy metis
expect 2 "--chunk-size.*smaller chunk size" -- "$MYELIN" partition good.toml --ranks 4 --strategy graph --chunk-size 100
expect 2 "--imbalance-tolerance" -- "$MYELIN" partition good.toml --ranks 2 --imbalance-tolerance 2
expect 0 "synapses cut" -- "$MYELIN" partition good.toml --ranks 1 -o one.h5
expect 2 "--partition.*metis" -- "$MYELIN" run good.toml -o out --partition metis
expect 2 "either --placement or --partition" -- "$MYELIN" run good.toml -o out --placement one.h5 --partition graph
expect 2 "nothere.h5.*placement file" -- "$MYELIN" run good.toml -o out --placement nothere.h5
expect 2 "good.toml.*placement file" -- "$MYELIN" run good.toml -o out --placement good.toml
sed 's/size = 10/size = 11/' good.toml > bigger.toml
expect 2 "one.h5.*model_hash.*myelin partition" -- "$MYELIN" run bigger.toml -o out --placement one.h5
expect 0 "10 neurons" -- "$MYELIN" run good.toml -o placed -q --placement one.h5
expect 0 "10 neurons" -- "$MYELIN" run good.toml -o ok -q
# Memory: estimated before anything is built, refused with the estimate.
expect 0 "estimated peak [0-9]+ MB on rank 0" -- "$MYELIN" run good.toml --dry-run
expect 0 "a rank may use [0-9]+ MB \(.*\): fits" -- "$MYELIN" run good.toml --dry-run
expect 0 "does not fit; about [0-9]+ ranks would" -- "$MYELIN" run huge.toml --dry-run
expect 2 "--memory-limit: [0-9]+ MB estimated.*neurons [0-9]+ MB.*about [0-9]+ ranks" -- "$MYELIN" run huge.toml -o huge
expect 2 "--memory-limit: 19[0-9]{3} MB estimated: expected at most 4000 MB.*synapses 15[0-9]{3} MB.*about 8 ranks" -- \
  "$MYELIN" run dense.toml -o dense --memory-limit 4000
expect 2 "--memory-limit.*-1 for no check" -- "$MYELIN" run good.toml -o ok --memory-limit -5
expect 2 "no number of ranks" -- "$MYELIN" run good.toml -o ok --memory-limit 50
sed 's/^indegree = .*/indegree = 18446744073709551615/' dense.toml > absurd.toml
expect 2 "not even 16,777,216 ranks would hold it: check the model's sizes" -- "$MYELIN" run absurd.toml -o absurd
# Weights and delays that overflow the fixed-point ring or the step counter.
sed 's/^indegree = .*/indegree = 10\nweight = inf/' dense.toml > infw.toml
expect 2 "projection\[0\].weight = inf: expected finite numbers" -- "$MYELIN" run infw.toml -o infw
sed 's/^indegree = .*/indegree = 10\nweight = 3e9/' dense.toml > bigw.toml
expect 2 "weight = 3e\+09: expected weights within \+-1e\+06" -- "$MYELIN" run bigw.toml -o bigw
sed 's/^indegree = .*/indegree = 10\ndelay = 1e300/' dense.toml > bigd.toml
expect 2 "delay = 1e\+300 ms: expected at most 65535 steps" -- "$MYELIN" run bigd.toml -o bigd
sed 's/I_e = 500.0 }/I_e = 500.0 }\ninitial = { V_m = inf }/' good.toml > infv.toml
expect 2 "initial.V_m = inf: expected a finite initial value" -- "$MYELIN" run infv.toml -o infv
expect 2 "--t-stop: 1e\+300: expected a positive multiple of dt = 0.1 ms, at most 2\^52 steps" -- \
  "$MYELIN" run good.toml -o ok --t-stop 1e300
expect 2 "--record-buffer: 1e\+300: expected a positive size in MB, at most 1 TiB" -- \
  "$MYELIN" run good.toml -o ok --record-buffer 1e300
[ ! -e huge ] && [ ! -e dense ] || { echo "FAIL: a refused run left an output directory"; fails=$((fails + 1)); }
for f in spikes.h5 summary.json; do
  if [[ -s ok/$f ]]; then passes=$((passes + 1)); else echo "FAIL: ok/$f missing"; fails=$((fails + 1)); fi
done
if compgen -G "ok/*.tmp.*" >/dev/null; then echo "FAIL: temporary files left"; fails=$((fails + 1)); fi

echo "$passes passed, $fails failed"
[[ $fails -eq 0 ]]
