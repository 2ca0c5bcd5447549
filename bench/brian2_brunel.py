#!/usr/bin/python3
"""Brian2 C++ standalone Brunel (2000), the peer measured in ANCHORS.md.

12,500 LIF neurons with delta PSPs, CE 1000, CI 250, J 0.1 mV, g 5, eta 2,
D 1.5 ms, dt 0.1 ms, 1 s, OpenMP threads as given. Prints the simulation
loop time and the mean rate, for a side-by-side ratio with bench/brunel.sh
measured in the same session (myelin's default Brunel uses alpha PSCs, as
NEST's brunel_alpha_nest; the event count per second is comparable).
Usage: brian2_brunel.py [THREADS] [WORKDIR]
"""
import sys
import tempfile
import time

import brian2 as b2

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
workdir = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="brian2_brunel_")
b2.set_device("cpp_standalone", directory=workdir)
b2.prefs.devices.cpp_standalone.openmp_threads = threads
b2.defaultclock.dt = 0.1 * b2.ms

N_E, N_I = 10000, 2500
C_E, C_I = 1000, 250
J, g, eta, D = 0.1 * b2.mV, 5.0, 2.0, 1.5 * b2.ms
tau, theta, V_r, t_ref = 20 * b2.ms, 20 * b2.mV, 10 * b2.mV, 2 * b2.ms
nu_thr = theta / (J * C_E * tau)
neurons = b2.NeuronGroup(N_E + N_I, "dv/dt = -v/tau : volt (unless refractory)", threshold="v > theta",
                         reset="v = V_r", refractory=t_ref, method="exact")
exc, inh = neurons[:N_E], neurons[N_E:]
se = b2.Synapses(exc, neurons, on_pre="v += J", delay=D)
se.connect(p=C_E / N_E)
si = b2.Synapses(inh, neurons, on_pre="v += -g*J", delay=D)
si.connect(p=C_I / N_I)
ext = b2.PoissonInput(neurons, "v", C_E, eta * nu_thr, weight=J)
mon = b2.SpikeMonitor(neurons)
t0 = time.time()
b2.run(1 * b2.second, report=None)
wall = time.time() - t0
print(f"brian2 {b2.__version__} standalone, {threads} threads: synapses {len(se) + len(si)}, "
      f"rate {mon.num_spikes / (N_E + N_I):.2f} Hz")
print(f"  run() wall incl. code generation and compilation: {wall:.1f} s")
print(f"  device timing: {b2.device._last_run_time:.2f} s for the simulation loop and construction")
