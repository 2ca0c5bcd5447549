"""Run under mpirun: the model of test_module.coded() on mpi4py's
COMM_WORLD; rank 0 saves every spike to the .npz file given."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_module import coded  # noqa: E402

import myelin  # noqa: E402
from mpi4py import MPI  # noqa: E402

sim = myelin.Simulation(coded(), comm=MPI.COMM_WORLD, threads=int(sys.argv[2]))
sim.run_until(120.0)
sim.run_until(200.0)
s = sim.spikes()  # collective: every rank gets all spikes
if MPI.COMM_WORLD.rank == 0:
    np.savez(sys.argv[1], **{f"{p}_{k}": a for p, arrays in s.items() for k, a in zip(("ids", "times"), arrays)})
