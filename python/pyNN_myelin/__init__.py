"""pyNN.myelin: the PyNN 0.10 API on the myelin simulator.

    import pyNN.myelin as sim
    sim.setup(timestep=0.1, min_delay=0.1, threads=2, rng_seed=42)
    cells = sim.Population(100, sim.IF_curr_exp(i_offset=0.2))
    ...
    sim.run(1000.0)
    sim.end()

Run under ``mpirun -np N /usr/bin/python3 script.py`` it runs on N ranks
(mpi4py's COMM_WORLD) and every rank sees all recorded data. The network
is built at the first run(); after it, declaring more elements raises
NotImplementedError saying so (reset() allows changes again). Features
myelin lacks raise NotImplementedError naming the feature.

setup() takes, besides PyNN's timestep, min_delay and max_delay:
threads (per rank; default 1), rng_seed (myelin's model seed; connectors'
own rngs are not used: myelin draws connections from keyed streams, the
same on any number of ranks) and comm (an mpi4py communicator).
"""
import logging

from neo.io import get_io
from pyNN import common
from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.connectors import *  # noqa: F401,F403
from pyNN.random import NumpyRNG, RandomDistribution  # noqa: F401
from pyNN.recording import *  # noqa: F401,F403
from pyNN.space import *  # noqa: F401,F403
from pyNN.standardmodels import StandardCellType

from . import simulator
from .cells import native_cell_type, native_synapse_type  # noqa: F401
from .populations import Assembly, Population, PopulationView  # noqa: F401
from .projections import Projection
from .standardmodels import *  # noqa: F401,F403

logger = logging.getLogger("PyNN")


def list_standard_models():
    """The StandardCellType classes pyNN.myelin has."""
    return [obj.__name__ for obj in globals().values()
            if isinstance(obj, type) and issubclass(obj, StandardCellType) and obj is not StandardCellType
            and not getattr(obj, "unsupported", False)]


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    """Starts a new network: dt `timestep` (ms), the smallest delay (ms or
    "auto": dt), threads per rank, rng_seed and comm (see the module doc)."""
    common.setup(timestep, min_delay, **extra_params)
    s = simulator.state
    s.clear()
    s.dt = float(timestep)
    s.min_delay = s.dt if min_delay == "auto" else float(min_delay)
    s.max_delay = extra_params.get("max_delay", DEFAULT_MAX_DELAY)
    s.threads = int(extra_params.get("threads", 1))
    s.seed = int(extra_params.get("rng_seed", extra_params.get("seed", 12345)))
    comm = extra_params.get("comm")
    if comm is None:
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
    s.comm = comm
    s.rank = comm.Get_rank()
    s.ranks = comm.Get_size()
    return s.rank


def end(compatible_output=True):
    """Writes what record(..., to_file=...) asked for and ends the session."""
    for population, variables, filename in simulator.state.write_on_end:
        population.write_data(get_io(filename), variables)
    simulator.state.write_on_end = []
    if simulator.state.sim is not None:
        simulator.state.sim = None


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, _num_processes, _rank = \
    common.build_state_queries(simulator)


def num_processes():
    """The number of MPI ranks the network runs on."""
    return simulator.state.ranks


def rank():
    """This process's MPI rank."""
    return simulator.state.rank


create = common.build_create(Population)
connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)  # noqa: F405
record = common.build_record(simulator)


def record_v(source, filename):
    return record(["v"], source, filename)


def record_gsyn(source, filename):
    return record(["gsyn_exc", "gsyn_inh"], source, filename)
