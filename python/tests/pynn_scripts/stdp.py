"""Pair-based STDP between spike-source arrays: ten presynaptic sources
fire regular trains, a postsynaptic source makes the target cell fire at
given offsets before or after them, and the weights move by the pairing.

    python3 stdp.py myelin|brian2 --output DIR
"""
import numpy as np

from pyNN.utility import get_simulator

sim, options = get_simulator(("--output", "directory for the results", {"default": "."}))
sim.setup(timestep=0.1, min_delay=1.0)

n = 10
period = 50.0
# Source i fires every 50 ms; the target is made to fire 10 ms after the
# first five sources' spikes (potentiation) and before the rest (depression).
pre_times = [np.arange(20.0 + (0.0 if i < 5 else 25.0), 1000.0, period) for i in range(n)]
pre = sim.Population(n, sim.SpikeSourceArray(spike_times=pre_times), label="pre")
teacher = sim.Population(1, sim.SpikeSourceArray(spike_times=np.arange(30.0, 1000.0, period)), label="teacher")
post = sim.Population(1, sim.IF_curr_exp(tau_refrac=2.0, v_thresh=-55.0), label="post")

stdp = sim.STDPMechanism(
    timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.012),
    weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.5),
    weight=0.1, delay=1.0, dendritic_delay_fraction=0.0)  # pairs timed as Brian2 times them
plastic = sim.Projection(pre, post, sim.AllToAllConnector(), stdp, receptor_type="excitatory")
sim.Projection(teacher, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=5.0, delay=1.0),
               receptor_type="excitatory")
post.record("spikes")
pre.record("spikes")

sim.run(1000.0)

weights = np.array(plastic.get("weight", format="array"))[:, 0]
np.savetxt(f"{options.output}/stdp_weights.txt", weights)
post.write_data(f"{options.output}/stdp_post.pkl")
pre.write_data(f"{options.output}/stdp_pre.pkl")
print("weights:", np.round(weights, 4))
sim.end()
