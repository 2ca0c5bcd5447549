#!/usr/bin/env bash
# Fuzzes one target for a given time with libFuzzer (clang, ASan + UBSan):
#   bash fuzz/run.sh model_loader 1800        # 30 minutes
# Builds build-fuzz/ (a clang build of everything, instrumented) once,
# seeds from the target's regression corpus and the project's own model
# files, keeps what libFuzzer finds in build-fuzz/corpus/TARGET and writes
# crashing inputs to fuzz/crashes/TARGET-*: fix the bug, then move the input
# into fuzz/corpus/TARGET so that CTest replays it in every build.
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET SECONDS  (targets: model_loader)} seconds=${2:?seconds to fuzz}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
command -v clang++ > /dev/null || { echo "fuzz/run.sh: needs clang (apt-get install clang)"; exit 2; }
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYELIN_FUZZ=ON -DMYELIN_NATIVE=OFF \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ > /dev/null
fi
cmake --build "$build" --target "fuzz_$target" -j "$(nproc)"
mkdir -p "$build/corpus/$target" "$root/fuzz/crashes"
seeds=("$root/fuzz/corpus/$target")
[[ $target == model_loader ]] && seeds+=("$root/models")
# ASan's leak check and UBSan's reports both end the run as crashes.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$build/fuzz/fuzz_$target" "$build/corpus/$target" "${seeds[@]}" -max_total_time="$seconds" -max_len=16384 \
  -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$root/fuzz/crashes/$target-" -print_final_stats=1
