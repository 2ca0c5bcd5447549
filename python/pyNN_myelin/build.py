"""From what a PyNN script declared to a myelin ModelSpec and Simulation
(at the first run()), and the changes a built Simulation can take."""
import numpy as np

import myelin

from .standardmodels import DCSource, SpikeSourceArray, SpikeSourcePoisson, StepCurrentSource


def _homogeneous(population, name, values):
    v = np.asarray(values, dtype=float)
    if v.size and not np.all(v == v.flat[0]):
        raise NotImplementedError(
            f"pyNN.myelin: heterogeneous parameter values ('{name}' differs between cells of "
            f"{population.label}); myelin takes one value per population (initial values may differ)")
    return float(v.flat[0])


def _groups(keys):
    """Cell indices grouped by equal keys, in order of first appearance."""
    groups = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    return list(groups.items())


def _add_population(spec, pop, state):
    celltype = pop.celltype
    model = celltype.myelin_model
    known = {p.name for m in myelin.neuron_models() if m.name == model for p in m.parameters}
    params = {}
    if not isinstance(celltype, (SpikeSourcePoisson, SpikeSourceArray)):
        for name, values in pop._parameters.items():
            if name in known:
                params[name] = _homogeneous(pop, name, values)
    ps = myelin.Population(pop._myelin_name, model, pop.size, params)
    ps.initial_values = {k: np.asarray(v, dtype=float) for k, v in pop._initial.items()}
    spec.populations.append(ps)
    pop._stimuli = []
    if isinstance(celltype, SpikeSourcePoisson):
        _add_poisson_sources(spec, pop, state)
    elif isinstance(celltype, SpikeSourceArray):
        _add_spike_arrays(spec, pop, state)


def _add_poisson_sources(spec, pop, state):
    # Generator -> parrot takes dt and the parrot stamps the step's end:
    # emissions start 2 dt early so the parrot's spikes start at `start`.
    p = pop._parameters
    keys = zip(np.asarray(p["rate"], float), np.asarray(p["start"], float), np.asarray(p["duration"], float))
    for k, ((rate, start, duration), cells) in enumerate(_groups(keys)):
        name = f"{pop._myelin_name}_poisson{k}"
        begin = max(0.0, state.on_grid(start) - 2 * state.dt)
        stop = begin + duration if np.isfinite(duration) else np.inf
        spec.stimuli.append(myelin.PoissonGenerator(name, pop._myelin_name, rate, weight=1.0, delay=state.dt,
                                                    start=begin, stop=stop, neurons=cells))
        pop._stimuli.append((name, cells))


def _generator_times(pop, times, state):
    """Spike times for a spike_generator feeding a parrot, so that the
    parrot spikes at `times` (rounded to the grid): dt earlier."""
    t = np.unique(np.rint(np.asarray(times, dtype=float) / state.dt)) * state.dt - state.dt
    if t.size and t[0] < state.dt - 1e-9:
        raise ValueError(f"pyNN.myelin: SpikeSourceArray {pop.label} has spike times before 2 dt = "
                         f"{2 * state.dt} ms, which myelin's spike generators cannot emit")
    return [float(x) for x in t]


def _add_spike_arrays(spec, pop, state):
    trains = [tuple(np.asarray(getattr(s, "value", s), dtype=float).ravel()) for s in pop._parameters["spike_times"]]
    for k, (train, cells) in enumerate(_groups(trains)):
        name = f"{pop._myelin_name}_array{k}"
        spec.stimuli.append(myelin.SpikeGenerator(name, pop._myelin_name, _generator_times(pop, train, state),
                                                  weight=1.0, delay=state.dt, neurons=cells))
        pop._stimuli.append((name, cells))


def _synapse(prj):
    """(myelin synapse model, its parameters) of a projection's synapse type."""
    st = prj.synapse_type
    model = getattr(st, "myelin_model", None)
    if model is None:
        raise NotImplementedError(f"pyNN.myelin: synapse type {type(st).__name__}")
    known = {p.name for m in myelin.synapse_models() if m.name == model for p in m.parameters}
    params = {}
    for name, value in st.native_parameters.items():
        if name in known:
            if not value.is_homogeneous:
                raise NotImplementedError(f"pyNN.myelin: heterogeneous '{name}' in a projection's synapse type")
            value.shape = (1,)
            params[name] = float(value.evaluate(simplify=True))
    if model != "static_synapse" and prj.receptor_type == "inhibitory":
        raise NotImplementedError(f"pyNN.myelin: {type(st).__name__} on inhibitory synapses")
    return model, params


def _add_projection(spec, prj):
    model, params = _synapse(prj)
    prj._spec_indices = []
    common = dict(synapse_model=model, synapse=params)
    native = prj.synapse_type.native_parameters
    if model != "static_synapse" and "dendritic_delay_fraction" in native.keys():
        fraction = native["dendritic_delay_fraction"]
        fraction.shape = (1,)
        common["delay_convention"] = "axonal" if float(fraction.evaluate(simplify=True)) == 0 else "dendritic"
    if prj.native is not None:
        n = dict(prj.native)
        rule = n.pop("rule")
        for a, b in prj.native_pairs:
            spec.projections.append(myelin.Projection(a._myelin_name, b._myelin_name, rule, **n, **common))
            prj._spec_indices.append(((a, b), len(spec.projections) - 1))
        return
    for (a, b), l in prj.lists.items():
        spec.projections.append(myelin.Projection(a._myelin_name, b._myelin_name, "from_list", sources=l["sources"],
                                                  targets=l["targets"], weights=l["weights"], delays=l["delays"],
                                                  **common))
        prj._spec_indices.append(((a, b), len(spec.projections) - 1))


def _cells_by_population(cells, state):
    """{population: [indices]} of the targets of a current source."""
    firsts = np.array([int(p.first_id) for p in state.populations])
    ids = np.array([int(c) for c in cells], dtype=np.int64)
    which = np.searchsorted(firsts, ids, side="right") - 1
    return [(state.populations[w], sorted(set((ids[which == w] - firsts[w]).tolist()))) for w in np.unique(which)]


def _add_current(spec, source, k, state):
    # A dc_generator acts two steps after its start (emission, then the
    # delay of one step): start it two steps early, as the parrots above.
    source._stimuli = []
    native = source._native
    if isinstance(source, DCSource):
        windows = [(native["start"], native["stop"], native["amplitude"])]
    elif isinstance(source, StepCurrentSource):
        times, amps = np.atleast_1d(native["times"]), np.atleast_1d(native["amplitudes"])
        windows = [(t, times[i + 1] if i + 1 < len(times) else np.inf, a) for i, (t, a) in enumerate(zip(times, amps))]
    else:
        raise NotImplementedError(f"pyNN.myelin: current source {type(source).__name__}")
    for pop, cells in _cells_by_population(source._targets, state):
        for j, (start, stop, amplitude) in enumerate(windows):
            name = f"current{k}_{j}_{pop._myelin_name}"
            begin = max(0.0, state.on_grid(start) - 2 * state.dt)
            end = state.on_grid(stop) - 2 * state.dt if np.isfinite(stop) else np.inf
            spec.stimuli.append(myelin.DCGenerator(name, pop._myelin_name, float(amplitude), delay=state.dt,
                                                   start=begin, stop=max(begin, end), neurons=cells))
            source._stimuli.append(name)


def _add_recorders(spec, state):
    spiking = []
    for pop in state.populations:
        rec = pop.recorder
        if rec.recorded.get("spikes"):
            spiking.append(pop._myelin_name)
        variables = [v for v in rec.recorded if v != "spikes" and rec.recorded[v]]
        if not variables:
            pop._recorded_variables = []
            continue
        pop._recorded_variables = [pop.celltype.variable_map[v] for v in variables]
        n = 1 + max(int(rec.recorded_indices(v).max()) for v in variables)
        spec.recorders.append(myelin.StateRecorder(pop._myelin_name, pop._recorded_variables, neurons=n,
                                                   interval=rec.sampling_interval))
    if spiking:
        spec.recorders.append(myelin.SpikeRecorder(spiking))


def _network_spec(state):
    """Populations and projections declared so far. Connections are drawn
    from streams keyed by projection index and target gid, and later
    declarations only append, so this gives the final network's
    connections for what exists now."""
    spec = myelin.ModelSpec("pynn")
    spec.run.dt = state.dt
    spec.run.seed = state.seed
    for pop in state.populations:
        _add_population(spec, pop, state)
    for prj in state.projections:
        _add_projection(spec, prj)
    return spec


def preview_connections(state, prj):
    """The connections a projection myelin draws itself will have, before
    the network is built: from a network of what is declared so far."""
    sim = myelin.Simulation(_network_spec(state), comm=state.comm, threads=state.threads, progress=False)
    return [(a, b, sim.connections(k)) for (a, b), k in prj._spec_indices]


def build_simulation(state):
    spec = _network_spec(state)
    for k, source in enumerate(state.current_sources):
        _add_current(spec, source, k, state)
    _add_recorders(spec, state)
    sim = myelin.Simulation(spec, comm=state.comm, threads=state.threads, progress=False, keep_spikes=True)
    state.pending_samples = []
    sim.on_samples(lambda *arrays: state.pending_samples.append(arrays))
    for pop in state.populations:
        for var in pop._recorded_variables:
            pop._recorded_data.first_row[var] = (0.0, sim.get_state(pop._myelin_name, var))
    return sim


def collect_samples(state):
    """After a run: every rank's samples, to every rank's populations."""
    chunks = state.pending_samples
    state.pending_samples = []
    if state.ranks > 1:
        chunks = [c for part in state.comm.allgather(chunks) for c in part]
    if not chunks:
        return
    pop_idx, node, var, time, value = (np.concatenate([c[k] for c in chunks]) for k in range(5))
    for p, pop in enumerate(state.populations):
        for v, name in enumerate(getattr(pop, "_recorded_variables", [])):
            m = (pop_idx == p) & (var == v)
            if np.any(m):
                pop._recorded_data.add_samples(name, node[m].astype(np.int64), time[m], value[m])


def change_running_source(pop, changed):
    """A source population's rates or spike times changed between runs:
    True when the built Simulation took the change."""
    state_sim = _sim()
    if isinstance(pop.celltype, SpikeSourcePoisson) and set(changed) <= {"rate"}:
        rate = np.asarray(changed["rate"], float)
        if not all(np.all(rate[cells] == rate[cells[0]]) for _, cells in pop._stimuli):
            return False
        for name, cells in pop._stimuli:
            state_sim.set_rate(name, float(rate[cells[0]]))
        return True
    if isinstance(pop.celltype, SpikeSourceArray) and set(changed) <= {"spike_times"}:
        from .simulator import state
        now = state.t
        new = [np.asarray(getattr(s, "value", s), dtype=float) for s in changed["spike_times"]]
        later = [tuple(t[t > now + state.dt / 2]) for t in new]
        if not all(len({later[i] for i in cells}) == 1 for _, cells in pop._stimuli):
            return False
        for name, cells in pop._stimuli:
            if later[cells[0]]:
                state_sim.add_spike_times(name, _generator_times(pop, later[cells[0]], state))
        return True
    return False


def change_running_current(source, values):
    if not isinstance(source, DCSource) or not set(values) <= {"amplitude"}:
        return False
    for name in source._stimuli:
        _sim().set_amplitude(name, float(values["amplitude"]))
    return True


def _sim():
    from .simulator import state
    return state.sim
