"""Short-term plasticity: a regular 20 Hz train through depressing and
facilitating Tsodyks-Markram synapses onto two cells, recording v.

    python3 stp.py myelin|brian2 --output DIR
"""
import numpy as np

from pyNN.utility import get_simulator

sim, options = get_simulator(("--output", "directory for the Neo files", {"default": "."}))
sim.setup(timestep=0.1, min_delay=0.5)

train = sim.Population(1, sim.SpikeSourceArray(spike_times=np.arange(10.0, 400.0, 50.0)), label="train")
celltype = sim.IF_curr_exp(tau_m=20.0, tau_syn_E=2.0, v_thresh=0.0)
depressed = sim.Population(1, celltype, label="depressed")
facilitated = sim.Population(1, celltype, label="facilitated")
# tau_facil is tiny rather than 0: pyNN.brian2 divides by it.
depressing = sim.TsodyksMarkramSynapse(U=0.5, tau_rec=800.0, tau_facil=0.01, weight=1.0, delay=0.5)
facilitating = sim.TsodyksMarkramSynapse(U=0.04, tau_rec=100.0, tau_facil=1000.0, weight=1.0, delay=0.5)
sim.Projection(train, depressed, sim.AllToAllConnector(), depressing, receptor_type="excitatory")
sim.Projection(train, facilitated, sim.AllToAllConnector(), facilitating, receptor_type="excitatory")
cells = depressed + facilitated
cells.record("v")
sim.run(400.0)
for p in (depressed, facilitated):
    p.write_data(f"{options.output}/stp_{p.label}.pkl")
    v = np.asarray(p.get_data().segments[0].filter(name="v")[0])
    print(f"{p.label}: peak depolarisation {v.max() - v[0, 0]:.3f} mV")
sim.end()
