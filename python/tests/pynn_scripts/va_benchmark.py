"""The Vogels & Abbott (2005) benchmark network, COBA or CUBA: 4000
integrate-and-fire cells (80 % excitatory), 2 % connection probability
(--n scales it keeping 80 inputs per cell),
kicked off by a short Poisson input to a subset, then self-sustained.

    python3 va_benchmark.py myelin|brian2 --benchmark COBA|CUBA --output DIR
"""
from pyNN.random import NumpyRNG, RandomDistribution
from pyNN.utility import get_simulator

sim, options = get_simulator(("--benchmark", "COBA or CUBA", {"default": "COBA"}),
                             ("--output", "directory for the Neo files", {"default": "."}),
                             ("--n", "number of cells", {"default": 4000, "type": int}),
                             ("--duration", "ms", {"default": 400.0, "type": float}))

dt = 0.1
sim.setup(timestep=dt, min_delay=0.2, max_delay=1.0, rng_seed=20050101)

n_exc = int(0.8 * options.n)
n_inh = options.n - n_exc
cell_params = {"tau_m": 20.0, "tau_refrac": 5.0, "v_thresh": -50.0, "v_reset": -60.0, "v_rest": -60.0,
               "cm": 0.2, "i_offset": 0.0}
if options.benchmark == "COBA":
    celltype = sim.IF_cond_exp(tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0, **cell_params)
    w_exc, w_inh = 4e-3, 51e-3  # uS
else:
    celltype = sim.IF_curr_exp(tau_syn_E=5.0, tau_syn_I=10.0, **cell_params)
    # The COBA conductances times the driving force at v = -60 mV;
    # PyNN wants inhibitory weights onto current-based cells negative.
    w_exc, w_inh = 4e-3 * (0.0 + 60.0), 51e-3 * (-80.0 + 60.0)  # nA

exc = sim.Population(n_exc, celltype, label="Exc")
inh = sim.Population(n_inh, celltype, label="Inh")
rng = NumpyRNG(seed=42)
v_init = RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng)
exc.initialize(v=v_init)
inh.initialize(v=v_init)

# 2 % of 4000 cells: 80 inputs per cell on average, kept at any size.
connector = sim.FixedProbabilityConnector(80.0 / options.n, rng=rng)
exc_syn = sim.StaticSynapse(weight=w_exc, delay=0.2)
inh_syn = sim.StaticSynapse(weight=w_inh, delay=0.2)
projections = [
    sim.Projection(exc, exc, connector, exc_syn, receptor_type="excitatory"),
    sim.Projection(exc, inh, connector, exc_syn, receptor_type="excitatory"),
    sim.Projection(inh, exc, connector, inh_syn, receptor_type="inhibitory"),
    sim.Projection(inh, inh, connector, inh_syn, receptor_type="inhibitory"),
]

# The paper's kick-off: Poisson input to the first 200 excitatory cells for 50 ms.
stim = sim.Population(20, sim.SpikeSourcePoisson(rate=50.0, duration=50.0), label="expoisson")
sim.Projection(stim, exc[:200], sim.FixedProbabilityConnector(0.1, rng=rng),
               sim.StaticSynapse(weight=0.1 if options.benchmark == "COBA" else 1.0, delay=0.2),
               receptor_type="excitatory")

exc.record("spikes")
inh.record("spikes")
exc[:2].record("v")
sim.run(options.duration)

for p in (exc, inh):
    p.write_data(f"{options.output}/{options.benchmark}_{p.label}.pkl")
    print(f"{options.benchmark} {p.label}: {p.mean_spike_count() * 1000.0 / options.duration:.2f} Hz")
print("connections:", sum(len(prj) for prj in projections))
sim.end()
