"""Brunel's (2000) sparse network of excitatory and inhibitory current-based
cells, each with C_E external Poisson inputs drawn from a population of
sources, in the asynchronous irregular
state (g = 5, eta = 2), scaled down.

    python3 brunel.py myelin|brian2 --output DIR [--order 250] [--seed 1]
"""
from pyNN.random import NumpyRNG
from pyNN.utility import get_simulator

sim, options = get_simulator(("--output", "directory for the Neo files", {"default": "."}),
                             ("--order", "NE = 4 order, NI = order", {"default": 250, "type": int}),
                             ("--duration", "ms", {"default": 500.0, "type": float}),
                             ("--seed", "seed of the network and its noise", {"default": 1, "type": int}))

dt, delay = 0.1, 1.5
sim.setup(timestep=dt, min_delay=delay, max_delay=delay, rng_seed=1999 + options.seed)

g, eta, epsilon = 5.0, 2.0, 0.1
n_exc, n_inh = 4 * options.order, options.order
c_exc, c_inh = int(epsilon * n_exc), int(epsilon * n_inh)
# J C_E = 100 mV as in the paper (J = 0.1 mV, C_E = 1000), whatever the
# size, so recurrent inhibition keeps the network asynchronous irregular.
tau_m, theta, j = 20.0, 20.0, 100.0 / c_exc  # ms, mV above rest, mV PSP amplitude
cm = 0.25  # nF; a PSC of weight w (nA) with tau_syn 0.5 ms moves v by about w * tau_syn / cm
tau_syn = 0.5
w_exc = j * cm / tau_syn  # nA
w_inh = -g * w_exc
nu_threshold = theta / (j * c_exc * tau_m)  # kHz
rate_ext = eta * nu_threshold * 1000.0  # Hz, each of the C_E external inputs

celltype = sim.IF_curr_exp(tau_m=tau_m, cm=cm, v_rest=0.0, v_reset=10.0, v_thresh=theta, tau_refrac=2.0,
                           tau_syn_E=tau_syn, tau_syn_I=tau_syn)
exc = sim.Population(n_exc, celltype, label="E")
inh = sim.Population(n_inh, celltype, label="I")
noise = sim.Population(n_exc, sim.SpikeSourcePoisson(rate=rate_ext), label="noise")
rng = NumpyRNG(seed=options.seed)

exc_conn = sim.FixedNumberPreConnector(c_exc, rng=rng)
inh_conn = sim.FixedNumberPreConnector(c_inh, rng=rng)
excitatory = sim.StaticSynapse(weight=w_exc, delay=delay)
inhibitory = sim.StaticSynapse(weight=w_inh, delay=delay)
all_cells = exc + inh  # an Assembly
sim.Projection(exc, all_cells, exc_conn, excitatory, receptor_type="excitatory")
sim.Projection(inh, all_cells, inh_conn, inhibitory, receptor_type="inhibitory")
sim.Projection(noise, all_cells, exc_conn, excitatory, receptor_type="excitatory")

all_cells.record("spikes")
sim.run(options.duration)

for p in (exc, inh):
    p.write_data(f"{options.output}/brunel_{p.label}.pkl")
    print(f"Brunel {p.label}: {p.mean_spike_count() * 1000.0 / options.duration:.2f} Hz")
sim.end()
