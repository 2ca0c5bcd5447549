"""Recording for pyNN.myelin: spikes and sampled state variables kept per
population after each run, in the arrays PyNN's Recorder turns into Neo."""
import numpy as np

from pyNN import recording

from . import simulator


class RecordedData:
    """What a population has recorded in the current segment: spikes as
    (node index, time) and, per native variable, samples as (node index,
    time, value), plus each variable's values at the segment's start."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.spike_chunks = []
        self.sample_chunks = {}
        self.first_row = {}  # variable -> (time, values per node) at the segment's start

    def add_spikes(self, nodes, times):
        self.spike_chunks.append((np.asarray(nodes, dtype=np.int64), np.asarray(times, dtype=float)))

    def add_samples(self, variable, nodes, times, values):
        self.sample_chunks.setdefault(variable, []).append((nodes, times, values))

    def spikes(self):
        if not self.spike_chunks:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return (np.concatenate([c[0] for c in self.spike_chunks]), np.concatenate([c[1] for c in self.spike_chunks]))

    def samples(self, variable):
        chunks = self.sample_chunks.get(variable, [])
        if not chunks:
            return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
        return tuple(np.concatenate([c[k] for c in chunks]) for k in range(3))

    def restart_at(self, t):
        """Recorder.clear(): drop the data so far; the last samples become the first."""
        for var in list(self.sample_chunks) + list(self.first_row):
            nodes, times, values = self.samples(var)
            if times.size:
                last = times == times.max()
                row = np.full(int(nodes.max()) + 1, np.nan)
                row[nodes[last]] = values[last]
                self.first_row[var] = (t, row)
        self.spike_chunks = []
        self.sample_chunks = {}


class Recorder(recording.Recorder):
    _simulator = simulator

    def _record(self, variable, new_ids, sampling_interval=None):
        if len(new_ids) and simulator.state.sim is not None:
            self.recorded[variable] -= set(new_ids)  # PyNN added them before asking
            simulator.state.require_unbuilt(f"record('{variable}')")
        if variable != "spikes" and sampling_interval is not None:
            self.sampling_interval = sampling_interval

    def recorded_indices(self, variable):
        return np.array(sorted(self.population.id_to_index(int(i)) for i in self.recorded[variable]), dtype=np.int64)

    def get(self, variables, gather=False, filter_ids=None, clear=False, annotations=None):
        # Every rank holds all the data already (simulator doc).
        return super().get(variables, False, filter_ids, clear, annotations)

    def write(self, variables, file=None, gather=False, filter_ids=None, clear=False, annotations=None):
        # Every rank holds the same data; the real rank 0 writes it.
        if simulator.state.rank == 0:
            super().write(variables, file, True, filter_ids, clear, annotations)
        elif clear:
            self.clear()

    def _get_spiketimes(self, ids, clear=False):
        nodes, times = self.population._recorded_data.spikes()
        ids = np.asarray([int(i) for i in ids], dtype=np.int64)
        keep = np.isin(nodes + int(self.population.first_id), ids)
        return (nodes[keep] + int(self.population.first_id)).astype(int), times[keep].copy()

    def _get_all_signals(self, variable, ids, clear=False):
        celltype = self.population.celltype
        native = celltype.variable_map[variable]
        scale = celltype.scale_factors.get(variable, 1.0)
        data = self.population._recorded_data
        columns = np.array([self.population.id_to_index(int(i)) for i in ids], dtype=np.int64)
        nodes, times, values = data.samples(native)
        interval = self.sampling_interval
        t0 = self._recording_start_time.magnitude.item()
        n_rows = int(round((simulator.state.t - t0) / interval)) + 1
        out = np.full((n_rows, len(columns)), np.nan)
        if native in data.first_row:
            out[0, :] = data.first_row[native][1][columns]
        position = {c: k for k, c in enumerate(columns)}
        rows = np.rint((times - t0) / interval).astype(np.int64)
        for node, row, value in zip(nodes, rows, values):
            k = position.get(int(node))
            if k is not None and 0 <= row < n_rows:
                out[row, k] = value
        return out / scale, None

    def _local_count(self, variable, filter_ids=None):
        nodes, _ = self.population._recorded_data.spikes()
        counts = np.bincount(nodes, minlength=self.population.size)
        return {int(i): int(counts[self.population.id_to_index(int(i))])
                for i in self.filter_recorded(variable, filter_ids)}

    def _clear_simulator(self):
        self.population._recorded_data.restart_at(simulator.state.t)

    def _reset(self):
        pass
