#!/usr/bin/python3
"""The layers of myelin, bottom to top; a file may include headers of its
own layer and the layers below, never above. Run by the build (target
check_layers): an include against the order fails it.

Usage: check_layers.py SOURCE_DIR
"""
import os
import re
import sys

# (layer, folders): the data flow of the README's layout table.
LAYERS = [
    ("public", ["include/myelin"]),       # the API's types: model spec, errors, summaries
    ("core", ["src/core"]),               # RNG, time grid, units, ring buffer, HDF5 handles
    ("models", ["src/neurons", "src/synapses"]),  # neuron and synapse models, registries
    ("partition", ["partition"]),         # placement of neurons on ranks
    ("build", ["src/build"]),             # checks, catalogue, SONATA input, connection rules, the network
    ("exchange", ["src/exchange"]),       # spike exchange between ranks
    ("sim", ["src/sim"]),                 # delivery, the slice loop
    ("io", ["io"]),                       # model loader, reports, checkpoints, exports
    ("api", ["src/api"]),                 # Simulation, run()
    ("validation", ["validation"]),       # comparing spike trains (beside the engine)
    ("cli", ["src/cli"]),                 # the myelin command
]
# Clients of the public API: they may include only include/myelin/ and
# their own folder, never the engine's internals.
CLIENTS = {"cli"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    for rank, (_, folders) in enumerate(LAYERS):
        if any(path == f or path.startswith(f + "/") for f in folders):
            return rank
    return None


def target_of(include):
    """The repository path an include names: myelin/x -> include/myelin/x."""
    if include.startswith("myelin/"):
        return "include/" + include
    for prefix in ("core/", "neurons/", "synapses/", "build/", "exchange/", "sim/", "api/", "cli/"):
        if include.startswith(prefix):
            return "src/" + include
    return include


def main(root):
    bad = []
    for _, folders in LAYERS:
        for folder in folders:
            for dirpath, _, names in os.walk(os.path.join(root, folder)):
                for name in names:
                    if not name.endswith((".hpp", ".cpp", ".h", ".in")):
                        continue
                    path = os.path.relpath(os.path.join(dirpath, name), root)
                    mine = layer_of(path)
                    with open(os.path.join(root, path), encoding="utf-8") as f:
                        for inc in INCLUDE.findall(f.read()):
                            theirs = layer_of(target_of(inc))
                            if theirs is not None and theirs > mine:
                                bad.append(f"{path}: includes {inc} ({LAYERS[theirs][0]}), above its layer ({LAYERS[mine][0]})")
                            elif LAYERS[mine][0] in CLIENTS and theirs not in (None, 0, mine):
                                bad.append(f"{path}: includes {inc} ({LAYERS[theirs][0]}); a client of the API "
                                           "includes only include/myelin/")
    for line in bad:
        print(f"check_layers: {line}", file=sys.stderr)
    if bad:
        order = " < ".join(name for name, _ in LAYERS)
        sys.exit(f"check_layers: {len(bad)} include(s) against the layer order {order} (cmake/check_layers.py)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
