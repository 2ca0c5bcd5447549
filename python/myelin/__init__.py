"""myelin: a distributed simulator of spiking neural networks, from Python.

A model is a ModelSpec (NEST's model names, parameters and units): load it
from a TOML model file with load_model(), or build it with the element
constructors below. A Simulation runs it on an MPI communicator (mpi4py's
COMM_WORLD by default, so ``mpirun -np N /usr/bin/python3 script.py`` runs
distributed) and can be run on, inspected and changed between runs::

    import myelin
    spec = myelin.ModelSpec("two_cells")
    spec.run.dt = 0.1
    spec.populations.append(myelin.Population("E", "iaf_psc_alpha", 2, params={"I_e": 400.0}))
    spec.recorders.append(myelin.SpikeRecorder())
    sim = myelin.Simulation(spec, threads=1)
    sim.run_until(100.0)
    ids, times = sim.spikes()["E"]
    block = myelin.to_neo(sim)

Errors in a model or a call raise myelin.InputError (a ValueError) with the
same message as the myelin command.
"""
import math

from ._myelin import (  # noqa: F401
    Context as _Context,
    InputError,
    ModelSpec,
    PopulationSpec,
    ProjectionSpec,
    RecorderSpec,
    RunOptions,
    StimulusSpec,
    Value,
    __version__,
    check,
    load_model,
    neuron_models,
    synapse_models,
)
from . import _myelin

__all__ = [
    "InputError", "ModelSpec", "Value", "load_model", "check", "neuron_models", "synapse_models",
    "Population", "Projection", "PoissonGenerator", "SpikeGenerator", "DCGenerator", "SpikeRecorder",
    "StateRecorder", "context", "Simulation", "Samples", "to_neo",
]


def Population(name, model, size, params=None, initial=None):
    """A population of `size` neurons of a neuron model (see neuron_models())."""
    initial = {k: v if isinstance(v, Value) else Value(float(v)) for k, v in (initial or {}).items()}
    return PopulationSpec(name, model, int(size), dict(params or {}), initial)


def Projection(source, target, rule="all_to_all", *, weight=1.0, delay=1.0, p=None, indegree=None,
               outdegree=None, N=None, allow_autapses=True, allow_multapses=True,
               synapse_model="static_synapse", synapse=None, delay_convention="dendritic", sources=None,
               targets=None, weights=None, delays=None, scaling=None):
    """Synapses from population `source` to `target` by a connection rule
    (NEST's names: one_to_one, all_to_all, fixed_indegree with indegree,
    fixed_outdegree with outdegree, fixed_total_number with N,
    pairwise_bernoulli with p), or from_list: the connections
    sources[i] -> targets[i] (node ids), with weights[i] and delays[i] (ms)
    when given, else `weight` and `delay`. A plastic projection may scale
    its weights towards a target rate: scaling={"target_rate": Hz, "beta":
    1/(Hz s), "tau": ms, "interval": ms} (van Rossum et al. 2000)."""
    pr = ProjectionSpec()
    pr.source, pr.target, pr.rule = source, target, rule
    counts = {"fixed_indegree": indegree, "fixed_outdegree": outdegree, "fixed_total_number": N}
    needed = {"fixed_indegree": "indegree", "fixed_outdegree": "outdegree", "fixed_total_number": "N",
              "pairwise_bernoulli": "p", "from_list": "sources and targets"}
    given = {"pairwise_bernoulli": p, "from_list": None if sources is None or targets is None else 1}
    if rule in needed and (given[rule] if rule in given else counts[rule]) is None:
        raise InputError(f"Projection({source!r} -> {target!r}): rule {rule} needs {needed[rule]}=")
    if rule in counts:
        pr.count = int(counts[rule])
    if p is not None:
        pr.p = float(p)
    pr.weight, pr.delay = _value(weight), _value(delay)
    pr.allow_autapses, pr.allow_multapses = allow_autapses, allow_multapses
    pr.synapse_model = synapse_model
    pr.synapse_params = dict(synapse or {})
    pr.delay_convention = delay_convention
    if scaling:
        sc = pr.scaling
        unknown = set(scaling) - {"target_rate", "beta", "tau", "interval"}
        if unknown:
            raise InputError(f"Projection({source!r} -> {target!r}): scaling has target_rate, beta, tau and interval, "
                             f"not {', '.join(sorted(unknown))}")
        for k, v in scaling.items():
            setattr(sc, k, float(v))
        pr.scaling = sc
    if rule == "from_list":
        pr.sources, pr.targets = sources, targets
        if weights is not None:
            pr.weights = weights
        if delays is not None:
            pr.delays = delays
    return pr


def _stimulus(kind, name, targets, weight, delay, start, stop, neurons=None):
    s = StimulusSpec()
    s.type, s.name = kind, name
    s.targets = [targets] if isinstance(targets, str) else list(targets)
    s.neurons = [int(n) for n in (neurons if neurons is not None else [])]
    s.weight, s.delay = _value(weight), _value(delay)
    s.start, s.stop = float(start), float(stop)
    return s


def PoissonGenerator(name, targets, rate, weight, delay=1.0, start=0.0, stop=math.inf, neurons=None):
    """Independent Poisson spike trains of `rate` Hz into every target neuron
    (or only into `neurons`, node ids of the one target population)."""
    s = _stimulus("poisson_generator", name, targets, weight, delay, start, stop, neurons)
    s.rate = float(rate)
    return s


def SpikeGenerator(name, targets, spike_times, weight, delay=1.0, neurons=None):
    """The same spike times (ms, on the dt grid) into every target neuron
    (or only into `neurons`)."""
    s = _stimulus("spike_generator", name, targets, weight, delay, 0.0, math.inf, neurons)
    s.spike_times = [float(t) for t in spike_times]
    return s


def DCGenerator(name, targets, amplitude, delay=1.0, start=0.0, stop=math.inf, neurons=None):
    """A constant current of `amplitude` pA between start and stop (into
    every target neuron, or only into `neurons`)."""
    s = _stimulus("dc_generator", name, targets, 0.0, delay, start, stop, neurons)
    s.amplitude = float(amplitude)
    return s


def SpikeRecorder(populations=None):
    """Records the spikes of `populations` (all when None)."""
    r = RecorderSpec()
    r.type = "spikes"
    r.populations = list(populations or [])
    return r


def StateRecorder(populations, variables=("V_m",), neurons=10, interval=0.1):
    """Samples state variables of the first `neurons` of each population every `interval` ms."""
    r = RecorderSpec()
    r.type = "state"
    r.populations = [populations] if isinstance(populations, str) else list(populations)
    r.variables = list(variables)
    r.neurons = int(neurons)
    r.interval = float(interval)
    return r


def _value(v):
    return v if isinstance(v, Value) else Value(float(v))


def context(comm=None, threads=0):
    """Where a simulation runs: an mpi4py communicator (COMM_WORLD when None;
    importing mpi4py initialises MPI) and threads per rank (0: OMP_NUM_THREADS
    or all cores)."""
    if comm is None:
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
    return _Context(comm.py2f(), int(threads))


def Simulation(spec, comm=None, threads=0, output_dir=None, **options):
    """Builds `spec` on `comm` (see context()). Outputs (spikes.h5, reports,
    summary.json) are written only when `output_dir` is given; other
    keyword arguments set RunOptions fields (progress, exchange, partition,
    restore, checkpoint_every_ms, ...). Python programs keep their own
    signal handling: checkpoint_on_signal is off unless asked for."""
    o = RunOptions()
    o.progress = False
    o.checkpoint_on_signal = False
    o.write_outputs = output_dir is not None
    if output_dir is not None:
        o.output_dir = str(output_dir)
    for k, v in options.items():
        if not hasattr(o, k):
            raise TypeError(f"Simulation() got an unexpected option {k!r}")
        setattr(o, k, v)
    return _myelin.Simulation(spec, context(comm, threads), o)


class Samples:
    """Keeps what a Simulation's state recorders sample, for arrays or Neo::

        samples = myelin.Samples(sim)   # before running
        sim.run_until(100.0)
        times, nodes, values = samples.get("E", "V_m")
        block = myelin.to_neo(sim, samples)

    Each rank receives its own neurons' samples; get() is collective under
    MPI (mpi4py) and gives every rank all of them."""

    def __init__(self, sim):
        self._chunks = []
        self._spec = sim.spec
        sim.on_samples(lambda *arrays: self._chunks.append(arrays))

    def _recorder_variables(self, population):
        for r in self._spec.recorders:
            if r.type == "state" and (not r.populations or population in r.populations):
                return list(r.variables)
        raise InputError(f"Samples.get: population = {population!r}: expected a population a state recorder records")

    def get(self, population, variable, comm=None):
        """(times ms, node ids, values[time, node]) of one variable of one population."""
        import numpy as np
        names = [p.name for p in self._spec.populations]
        variables = self._recorder_variables(population)
        if variable not in variables:
            raise InputError(f"Samples.get: variable = {variable!r}: expected one of {', '.join(variables)}")
        chunks = self._chunks
        if comm is None:
            from mpi4py import MPI
            comm = MPI.COMM_WORLD
        if comm.Get_size() > 1:
            chunks = [c for part in comm.allgather(chunks) for c in part]
        if not chunks:
            return np.zeros(0), np.zeros(0, dtype=np.uint64), np.zeros((0, 0))
        pop, node, var, time, value = (np.concatenate([c[k] for c in chunks]) for k in range(5))
        keep = (pop == names.index(population)) & (var == variables.index(variable))
        times, t_index = np.unique(time[keep], return_inverse=True)
        nodes, n_index = np.unique(node[keep], return_inverse=True)
        values = np.full((times.size, nodes.size), np.nan)
        values[t_index, n_index] = value[keep]
        return times, nodes, values


def _unit(spec, population, variable):
    """The unit of a population's state variable, from the catalogue."""
    model = next(p.model for p in spec.populations if p.name == population)
    for m in neuron_models():
        if m.name == model:
            for v in m.state:
                if v.name == variable:
                    return v.unit or "dimensionless"
    return "dimensionless"


def to_neo(sim, samples=None, spec=None, t_stop=None):
    """The kept spikes as a neo.Block with one Segment holding a SpikeTrain
    per neuron (annotated with its population and node id), and with a
    Samples collector the sampled state: an AnalogSignal per population
    and variable (channels: the recorded node ids)."""
    import neo
    import quantities as pq
    if isinstance(samples, ModelSpec):  # to_neo(sim, spec) before Samples existed
        spec, samples = samples, None
    spec = sim.spec if spec is None else spec
    t_stop = sim.time if t_stop is None else t_stop
    seg = neo.Segment(name="myelin")
    for pop, (ids, times) in sim.spikes().items():
        size = next(p.size for p in spec.populations if p.name == pop)
        by_node = [[] for _ in range(size)]
        for i, t in zip(ids, times):
            by_node[int(i)].append(t)
        for node, ts in enumerate(by_node):
            seg.spiketrains.append(neo.SpikeTrain(ts * pq.ms, t_stop=t_stop * pq.ms, population=pop, node_id=node))
    for r in spec.recorders if samples is not None else []:
        if r.type != "state":
            continue
        for pop in r.populations or [p.name for p in spec.populations]:
            for var in r.variables:
                times, nodes, values = samples.get(pop, var)
                if times.size == 0:
                    continue
                units = _unit(spec, pop, var)
                seg.analogsignals.append(neo.AnalogSignal(
                    values, units=units, t_start=times[0] * pq.ms, sampling_period=r.interval * pq.ms, name=var,
                    population=pop, array_annotations={"node_id": nodes}))
    block = neo.Block(name=spec.name)
    block.segments.append(seg)
    return block
