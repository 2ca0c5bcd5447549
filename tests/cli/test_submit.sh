#!/usr/bin/env bash
# myelin submit, status and sweep-summary without a Slurm: the batch script
# it renders (--dry-run), and every bad input a user can make, each exiting
# 2 with a message and submitting nothing. A stand-in `sbatch` on PATH logs
# each call, so "nothing submitted" is checked, and a good submission's
# files (job.json, parameters, job id) too. Also myelin run --set and
# --parameters, which sweeps use. The real Slurm runs are tests/slurm/.
# Usage: test_submit.sh MYELIN SOURCE_DIR WORKDIR
set -u
source "$(dirname "$0")/expect.sh"
MYELIN=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/bin" && cd "$WORK" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
fails=0 passes=0
BRUNEL=$SRC/models/brunel.toml

# The stand-in sbatch: logs its arguments, answers as `sbatch --parsable`.
cat > bin/sbatch <<'SH'
#!/bin/sh
echo "$@" >> "$(dirname "$0")/../sbatch.calls"
echo "4242"
SH
chmod +x bin/sbatch
export PATH=$WORK/bin:$PATH

ok() { if "$@"; then passes=$((passes + 1)); else echo "FAIL: $*"; fails=$((fails + 1)); fi; }
nothing_submitted() { [[ ! -e sbatch.calls ]]; }

cat > tiny.toml <<'TOML'
name = "tiny"
[run]
t_stop = 20.0
[[population]]
name = "N"
model = "iaf_psc_exp"
size = 3
params = { I_e = 500.0 }
TOML

# ---- the rendered script
expect 0 '^srun --mpi=pmix --cpus-per-task="\$OMP_NUM_THREADS" "\$myelin_bind" .*myelin run .*brunel.toml --output "\$myelin_out" --resume' -- \
  "$MYELIN" submit "$BRUNEL" --ntasks-per-node 2 --cpus-per-task 2 --time 1:00:00 -o out/b --dry-run -- --t-stop 500
script=$("$MYELIN" submit "$BRUNEL" --nodes 2 --ntasks-per-node 2 --cpus-per-task 2 --time 90 -p short -A neuro \
  -o out/b --dry-run -- --t-stop 500 --set run.seed=7)
for line in '#SBATCH --nodes=2' '#SBATCH --ntasks-per-node=2' '#SBATCH --cpus-per-task=2' '#SBATCH --time=01:30:00' \
  '#SBATCH --signal=B:USR1@60' '#SBATCH --requeue' '#SBATCH --open-mode=append' '#SBATCH --partition=short' \
  '#SBATCH --account=neuro' "#SBATCH --output=$WORK/out/b/slurm-%j.out" 'export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}' \
  'scontrol requeue "$SLURM_JOB_ID"' '"${myelin_options[@]}" --t-stop 500 --set run.seed=7 &'; do
  ok grep -qF -- "$line" <<<"$script"
done
ok bash -n <<<"$script"  # the script is valid bash
ok nothing_submitted
ok test ! -e out/b      # a dry run writes nothing

# A sweep: one array task per [[task]] x [grid] point.
cat > sweep.toml <<'TOML'
[grid]
"run.seed" = [1, 2, 3]
[[task]]
"stimulus.background.rate" = 15000.0
[[task]]
"stimulus.background.rate" = 17000.0
TOML
script=$("$MYELIN" submit "$BRUNEL" --array sweep.toml --time 10:00 -o out/s --dry-run)
ok grep -qF '#SBATCH --array=0-5' <<<"$script"
ok grep -qF "#SBATCH --output=$WORK/out/s/%a/slurm-%A_%a.out" <<<"$script"
ok grep -qF '#   task 5: stimulus.background.rate = 17000.0 run.seed = 3' <<<"$script"

# A template of one's own: its site lines kept, placeholders filled.
printf '#!/bin/bash\n{{directives}}\nmodule load openmpi  # site\necho {{job_name}} {{ntasks}}\n{{run}}\n' > site.sbatch
script=$("$MYELIN" submit "$BRUNEL" --template site.sbatch --ntasks-per-node 2 --time 10:00 -o out/t --dry-run)
ok grep -qF 'module load openmpi  # site' <<<"$script"
ok grep -qF 'echo myelin-brunel 2' <<<"$script"

# ---- a submission (to the stand-in): files, job id
expect 0 'submitted array job 4242: brunel on 1 node x 1 rank x 1 thread' -- \
  "$MYELIN" submit "$BRUNEL" --array sweep.toml --time 10:00 -o out/s -- --t-stop 50
ok grep -qF -- "--parsable $WORK/out/s/job.sbatch" sbatch.calls
ok grep -qF '"job_id": "4242"' out/s/job.json
ok grep -qxF '"run.seed" = 3' out/s/5/parameters.toml
ok grep -qxF '"stimulus.background.rate" = 17000.0' out/s/5/parameters.toml
expect 0 'task 5 +not started' -- "$MYELIN" status out/s
rm -f sbatch.calls

# ---- bad inputs: exit 2, a message, nothing submitted
# A PATH without sbatch (MPI's start-up still finds what it needs).
mkdir noslurm && for p in ssh rsh orted; do command -v $p >/dev/null && ln -s "$(command -v $p)" noslurm/; done
expect 2 "Slurm is not installed.*--dry-run" -- env PATH="$WORK/noslurm" "$MYELIN" submit "$BRUNEL" --time 1:00:00 -o out/n
ok test ! -e out/n/job.json
expect 2 "--time.*00:00:30.*at least 00:0[1-9]:00: building takes about" -- "$MYELIN" submit "$BRUNEL" --time 00:00:30 -o out/x
expect 2 "--time.*soon.*Slurm's formats" -- "$MYELIN" submit "$BRUNEL" --time soon -o out/x
expect 2 "--time.*a time limit" -- "$MYELIN" submit "$BRUNEL" -o out/x
expect 2 "4 ranks.*as many ranks .* as the model has neurons \(3\)" -- \
  "$MYELIN" submit tiny.toml --ntasks-per-node 4 --time 1:00:00 -o out/x
expect 2 "--nodes.*at least 1" -- "$MYELIN" submit tiny.toml --nodes 0 --time 1:00:00 -o out/x
"$MYELIN" run tiny.toml -o out/taken -q >/dev/null
expect 2 "--output.*holds summary.json of model 'tiny'.*different network from brunel" -- \
  "$MYELIN" submit "$BRUNEL" --time 1:00:00 -o out/taken
printf '#!/bin/bash\n{{directives}}\nsrun myelin\n' > norun.sbatch
expect 2 "norun.sbatch.*\{\{run\}\}" -- "$MYELIN" submit "$BRUNEL" --template norun.sbatch --time 1:00:00 -o out/x
printf '#!/bin/bash\n{{directives}}\n{{nodez}}\n{{run}}\n' > typo.sbatch
expect 2 "typo.sbatch.*\{\{nodez\}\}.*one of the placeholders" -- \
  "$MYELIN" submit "$BRUNEL" --template typo.sbatch --time 1:00:00 -o out/x
expect 2 "--template.*missing.sbatch" -- "$MYELIN" submit "$BRUNEL" --template missing.sbatch --time 1:00:00 -o out/x
expect 2 "--output.*submit sets it" -- "$MYELIN" submit "$BRUNEL" --time 1:00:00 -o out/x -- --output elsewhere
expect 2 "t_stop = -5: expected a positive" -- "$MYELIN" submit "$BRUNEL" --time 1:00:00 -o out/x -- --t-stop -5
expect 2 "population.F.size = 5: .*'F' is none" -- "$MYELIN" submit "$BRUNEL" --time 1:00:00 -o out/x -- --set population.F.size=5
printf '[grid]\n"run.seed" = []\n' > empty.toml
expect 2 "empty.toml.*grid.run.seed.*non-empty list" -- "$MYELIN" submit "$BRUNEL" --array empty.toml --time 1:00:00 -o out/x
printf '[[task]]\n"population.E.size" = -5\n' > negative.toml
expect 2 "negative.toml: task 0:.*size" -- "$MYELIN" submit "$BRUNEL" --array negative.toml --time 1:00:00 -o out/x
printf 'seeds = [1, 2]\n' > nogrid.toml
expect 2 "nogrid.toml.*only \[grid\]" -- "$MYELIN" submit "$BRUNEL" --array nogrid.toml --time 1:00:00 -o out/x
ok nothing_submitted
ok test ! -e out/x

# ---- myelin run --set / --parameters
expect 0 'N +5 neurons' -- "$MYELIN" run tiny.toml --set population.N.size=5 -o out/set
ok grep -q '"model": "tiny"' out/set/summary.json
printf '"population.0.size" = 4\n"run.t_stop" = 10.0\n' > params.toml
expect 0 'N +4 neurons' -- "$MYELIN" run tiny.toml --parameters params.toml -o out/params
expect 2 "--set.*PATH=VALUE" -- "$MYELIN" run tiny.toml --set run.seed -o out/x
expect 2 "population.N.size.*TOML value" -- "$MYELIN" run tiny.toml --set population.N.size=many -o out/x
expect 2 "run.nope.*no 'nope'|nope" -- "$MYELIN" run tiny.toml --set run.nope=3 -o out/x
expect 2 "MODEL.toml" -- "$MYELIN" run --resume -o out/x

# ---- status and sweep-summary
expect 0 'finished: 10.0 / 10.0 ms' -- "$MYELIN" status out/params
expect 2 "status.*DIR.*nowhere" -- "$MYELIN" status nowhere
expect 2 "sweep-summary.*no sweep tasks" -- "$MYELIN" sweep-summary out/params

echo "test_submit: $passes passed, $fails failed"
exit $((fails > 0))
