# Sourced by the CLI tests: expect CODE PATTERN -- command... runs the
# command and counts a pass when it exits CODE, its output matches PATTERN
# (grep -E) and nothing crashed; else it prints why and counts a failure.
# The caller sets passes=0 fails=0.
expect() {
  local code=$1 pattern=$2
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -ne $code ]]; then
    echo "FAIL: '$*' exited $rc, expected $code"; echo "$out" | head -8; fails=$((fails + 1)); return
  fi
  if ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: '$*' output lacks /$pattern/:"; echo "$out" | head -8; fails=$((fails + 1)); return
  fi
  if grep -qiE "myelin: internal error|terminate called|Segmentation|Aborted|traceback" <<<"$out"; then
    echo "FAIL: '$*' crashed:"; echo "$out" | head -5; fails=$((fails + 1)); return
  fi
  passes=$((passes + 1))
}
