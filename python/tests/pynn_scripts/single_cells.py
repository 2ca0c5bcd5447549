"""One cell of each standard type under injected current (i_offset, a
DCSource and a StepCurrentSource), recording spikes and v.

    python3 single_cells.py myelin|brian2 --output DIR
"""
from pyNN.utility import get_simulator

sim, options = get_simulator(("--output", "directory for the Neo files", {"default": "."}))

sim.setup(timestep=0.1, min_delay=0.1)

cell_types = {
    "IF_curr_exp": sim.IF_curr_exp(tau_m=15.0, v_thresh=-52.0, tau_refrac=2.0),
    "IF_curr_alpha": sim.IF_curr_alpha(tau_m=15.0, v_thresh=-52.0, tau_refrac=2.0),
    "IF_cond_exp": sim.IF_cond_exp(tau_m=15.0, v_thresh=-52.0, tau_refrac=2.0),
    "EIF_cond_exp_isfa_ista": sim.EIF_cond_exp_isfa_ista(),
    "Izhikevich": sim.Izhikevich(a=0.02, b=0.2, c=-65.0, d=8.0),
}
populations = {}
for name, celltype in cell_types.items():
    populations[name] = sim.Population(1, celltype, label=name)

# A current from 20 ms on and a step on top of it from 60 to 120 ms; one
# source object per cell. Izhikevich's current is in its own scale (1 nA
# moves v by 1000 mV/ms), so it gets far less.
for name, p in populations.items():
    scale = 0.01 if name == "Izhikevich" else 1.0
    p.initialize(v=-65.0 if name != "EIF_cond_exp_isfa_ista" else -70.6)
    sim.DCSource(amplitude=0.6 * scale, start=20.0, stop=180.0).inject_into(p)
    sim.StepCurrentSource(times=[60.0, 120.0], amplitudes=[0.4 * scale, 0.0]).inject_into(p)
    p.record(["spikes", "v"])

sim.run(200.0)

for name, p in populations.items():
    p.write_data(f"{options.output}/{name}.pkl")
    spikes = p.get_data().segments[0].spiketrains[0]
    print(f"{name}: {len(spikes)} spikes, first at {spikes[0] if len(spikes) else None}")
sim.end()
