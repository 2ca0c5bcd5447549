"""A small network built with each of PyNN's standard connectors, between
populations, views and an assembly, driven by Poisson sources; records
spikes and v and writes the connection counts.

    python3 connectors.py myelin|brian2 --output DIR
"""
import json

import numpy as np

from pyNN.random import NumpyRNG, RandomDistribution
from pyNN.utility import get_simulator

sim, options = get_simulator(("--output", "directory for the results", {"default": "."}))
sim.setup(timestep=0.1, min_delay=0.5, rng_seed=7)
rng = NumpyRNG(seed=3)

a = sim.Population(60, sim.IF_curr_exp(tau_refrac=2.0), label="A")
b = sim.Population(40, sim.IF_cond_exp(tau_refrac=2.0), label="B")
drive = sim.Population(30, sim.SpikeSourcePoisson(rate=40.0), label="drive")
a.initialize(v=RandomDistribution("uniform", low=-65.0, high=-55.0, rng=rng))

listed = [(i, (7 * i) % 40, 0.002 + 0.0001 * i, 0.5 + 0.1 * (i % 5)) for i in range(30)]
connection_file = f"{options.output}/connections_{sim.rank()}.txt"  # one per MPI rank: no race
with open(connection_file, "w") as f:
    f.write("# columns = [\"i\", \"j\", \"weight\", \"delay\"]\n")
    for i, j, w, d in listed:
        f.write(f"{i} {j} {w} {d}\n")

w_a = sim.StaticSynapse(weight=0.3, delay=RandomDistribution("uniform", low=0.5, high=2.0, rng=rng))
w_b = sim.StaticSynapse(weight=0.004, delay=1.0)
projections = {
    "AllToAll": sim.Projection(drive, a[:10], sim.AllToAllConnector(), w_a, receptor_type="excitatory"),
    "OneToOne": sim.Projection(drive, a[30:60], sim.OneToOneConnector(), w_a, receptor_type="excitatory"),
    "FixedProbability": sim.Projection(drive, b, sim.FixedProbabilityConnector(0.3, rng=rng), w_b,
                                       receptor_type="excitatory"),
    "FixedNumberPre": sim.Projection(a, a, sim.FixedNumberPreConnector(5, rng=rng),
                                     sim.StaticSynapse(weight=0.1, delay=1.0), receptor_type="excitatory"),
    "FixedNumberPost": sim.Projection(a, b, sim.FixedNumberPostConnector(4, rng=rng), w_b,
                                      receptor_type="excitatory"),
    "FixedTotalNumber": sim.Projection(b, a, sim.FixedTotalNumberConnector(200, rng=rng),
                                       sim.StaticSynapse(weight=-0.2, delay=1.0), receptor_type="inhibitory"),
    "FromList": sim.Projection(a[:30], b, sim.FromListConnector(listed, column_names=["weight", "delay"]),
                               receptor_type="excitatory"),
    "FromFile": sim.Projection(a[:30], b, sim.FromFileConnector(connection_file),
                               receptor_type="excitatory"),
    "Assembly": sim.Projection(drive, a[:20] + a[40:], sim.FixedNumberPreConnector(3, rng=rng),
                               sim.StaticSynapse(weight=0.05, delay=1.0), receptor_type="excitatory"),
}
(a + b).record("spikes")
a[0:3].record("v")
sim.run(300.0)

counts = {name: len(p) for name, p in projections.items()}
listed_back = projections["FromList"].get(["weight", "delay"], format="list")
counts["FromList_weights_match"] = bool(np.allclose(sorted(c[2] for c in listed_back), sorted(c[2] for c in listed)))
if sim.rank() == 0:
    with open(f"{options.output}/connector_counts.json", "w") as f:
        json.dump(counts, f, indent=1)
for p in (a, b):
    p.write_data(f"{options.output}/connectors_{p.label}.pkl")
print(counts)
sim.end()
