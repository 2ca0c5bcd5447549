"""The state of a pyNN.myelin session: what the script has declared so far
and, from the first run() on, the myelin.Simulation built from it.

myelin builds the whole network at once. So a script declares populations,
projections, sources and recordings; the first run() turns them into a
myelin ModelSpec and a Simulation (collective over MPI ranks), and later
runs continue it. reset() drops the Simulation: the next run rebuilds it
from t = 0 with the same seed, so the same network. Every rank holds every
recorded spike and sample after a run, so PyNN's own gathering is not
needed: inside PyNN (its connectors, recorders, random numbers) every rank
is rank 0 of 1 and computes what a single process would;
pyNN.myelin.rank() and num_processes() give the real rank and number of
ranks, and only the real rank 0 writes files.
"""
import numpy as np

from pyNN import common

name = "myelin"


class ID(int, common.IDMixin):
    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    def __init__(self):
        super().__init__()
        self.mpi_rank = 0  # as PyNN's internals see it; see the module doc
        self.num_processes = 1
        self.rank = 0  # the real ones
        self.ranks = 1
        self.dt = 0.1
        self.min_delay = 0.1
        self.max_delay = 10.0
        self.threads = 1
        self.seed = 12345
        self.comm = None
        self.clear()

    def clear(self):
        """Forgets the network (setup())."""
        self.recorders = set()
        self.populations = []
        self.projections = []
        self.current_sources = []
        self.id_counter = 0
        self.segment_counter = -1
        self.sim = None
        self.write_on_end = []
        self.reset()

    def reset(self):
        """Back to t = 0 with a new segment; the network is rebuilt at the next run."""
        self.running = False
        self.t = 0.0
        self.t_start = 0.0
        self.segment_counter += 1
        self.sim = None
        for p in self.populations:
            p._recorded_data.clear()

    def on_grid(self, t):
        return round(t / self.dt) * self.dt

    def run(self, simtime):
        self.run_until(self.t + simtime)

    def run_until(self, tstop):
        tstop = self.on_grid(tstop)
        if self.sim is None:
            self.build_now()
        if tstop > self.t:
            from .build import collect_samples
            self.sim.run_until(tstop)
            self._collect_spikes()
            collect_samples(self)
        self.t = tstop
        self.running = True

    def build_now(self):
        """Builds the network at t = 0 (at the first run)."""
        from .build import build_simulation
        self.sim = build_simulation(self)

    def _collect_spikes(self):
        spikes = self.sim.spikes()
        self.sim.clear_spikes()
        for p in self.populations:
            if p._myelin_name in spikes:
                ids, times = spikes[p._myelin_name]
                if ids.size:
                    p._recorded_data.add_spikes(ids, times)

    def require_unbuilt(self, what):
        if self.sim is not None:
            raise NotImplementedError(
                f"pyNN.myelin: {what} after run(): myelin builds the whole network at the first run(). "
                "Do it before the first run(), or call reset() first (the network is then rebuilt from t = 0)")


state = State()
