# Sourced by the mpirun test scripts: OpenMPI as root, oversubscribed (more
# ranks than cores: waiting ranks and threads must yield, or every
# collective waits for a time slice), and the mpirun command line.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_rmaps_base_oversubscribe=1 OMP_WAIT_POLICY=passive
MPIRUN=(mpirun --oversubscribe --bind-to none)
# The arguments every test script takes, MYELIN REPO WORKDIR: sets them and
# enters WORKDIR, emptied.
if [[ $# -ge 3 ]]; then
  MYELIN=$1 REPO=$2 WORK=$3
  rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fi
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect CODE PATTERN -- command...: exits CODE, says PATTERN, does not crash.
expect() {  # CODE PATTERN -- command...
  local code=$1 pattern=$2
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -ne $code ]]; then bad "'$*' exited $rc, expected $code"; echo "$out" | head -5; return; fi
  if ! grep -qE -- "$pattern" <<<"$out"; then bad "'$*' lacks /$pattern/"; echo "$out" | head -5; return; fi
  if grep -qiE "internal error|terminate called|Segmentation|Aborted|traceback" <<<"$out"; then bad "'$*' crashed"; return; fi
  ok
}
# same A B WHAT: two output directories (and their checkpoints/) hold
# identical HDF5 datasets (tests/mpi/same_outputs.py).
same() {
  local cmp=(/usr/bin/python3 "$REPO/tests/mpi/same_outputs.py")
  if "${cmp[@]}" "$1" "$2" >/dev/null && "${cmp[@]}" "$1/checkpoints" "$2/checkpoints" >/dev/null; then ok
  else bad "$3: $1 and $2 differ"; "${cmp[@]}" "$1" "$2"; "${cmp[@]}" "$1/checkpoints" "$2/checkpoints"; fi
}
