#!/bin/bash
# `cmake --install` puts the library, headers, binary and package config
# in a prefix; examples/cmake_consumer then builds against it with
# find_package(myelin) and runs on 1 and 2 ranks (same spikes); the
# installed Python package imports.
set -euo pipefail
BUILD="$1" REPO="$2" WORK="$3"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
bad() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$BUILD" --prefix "$WORK/prefix" > install.log || bad "cmake --install failed: $(tail -5 install.log)"
for f in bin/myelin include/myelin/simulation.hpp include/myelin/context.hpp include/myelin/version.hpp \
         lib/libmyelin_core.a lib/libmyelin_validation.a lib/cmake/myelin/myelinConfig.cmake lib/cmake/myelin/myelinTargets.cmake \
         share/doc/myelin/LICENSE; do
  [ -e "prefix/$f" ] || bad "not installed: $f"
done
# Only the public headers are installed, and they need nothing else of ours.
[ "$(ls prefix/include/myelin | wc -l)" -eq 8 ] || bad "unexpected headers: $(ls prefix/include/myelin)"
if grep -h '#include "' prefix/include/myelin/*.hpp | grep -v '"myelin/' ; then bad "a public header includes an internal one"; fi

cmake -S "$REPO/examples/cmake_consumer" -B consumer -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release \
  > configure.log 2>&1 || bad "configure failed: $(tail -20 configure.log)"
cmake --build consumer -j2 > build.log 2>&1 || bad "build failed: $(tail -20 build.log)"

./consumer/balanced_network 2 > one.txt || bad "the example failed on one rank"
cat one.txt
mpirun --oversubscribe --bind-to none -np 2 ./consumer/balanced_network 1 > two.txt || bad "the example failed on two ranks"
cat two.txt
grep -q "5000 neurons, 2500000 synapses on 2 rank" two.txt || bad "two ranks: wrong network"
[ "$(grep '^spikes' one.txt)" = "$(grep '^spikes' two.txt)" ] || bad "one and two ranks gave different spike counts"
[ "$(grep -c 'saw' two.txt)" -eq 2 ] || bad "not every rank ran the callbacks"
# The Python package where Debian's python3 looks under the prefix.
site=$(echo prefix/lib/python3.*/dist-packages)
[ -f "$site/myelin/__init__.py" ] || bad "the Python package is not installed under prefix/lib/python3.X/dist-packages"
(cd / && PYTHONPATH="$WORK/$site" /usr/bin/python3 -c "import myelin; assert myelin.__file__.startswith('$WORK'); print('python: myelin', myelin.__version__)") \
  || bad "the installed Python package does not import"
# pyNN.myelin through the installed .pth file, as Debian's python3 reads
# it in its site directory (site.addsitedir processes .pth files the same).
[ -f "$site/myelin-pynn.pth" ] && [ -f "$site/pyNN_myelin/__init__.py" ] || bad "pyNN.myelin is not installed"
(cd / && /usr/bin/python3 -c "
import site; site.addsitedir('$WORK/$site')
import pyNN.myelin as sim
assert sim.__file__.startswith('$WORK'), sim.__file__
sim.setup(); p = sim.Population(2, sim.IF_curr_exp(i_offset=1.0)); p.record('spikes'); sim.run(50.0)
assert p.mean_spike_count() > 0; print('python: pyNN.myelin runs')") || bad "the installed pyNN.myelin does not run"
echo "PASS: installed, found with find_package(myelin), built and ran on 1 and 2 ranks; the Python package and pyNN.myelin import"
