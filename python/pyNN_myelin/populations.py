"""Population, PopulationView and Assembly for myelin.

A Population keeps its native parameters (NEST's names and units, as
myelin's models take them) and initial values per cell until the network
is built. Afterwards initial values can still be set (they become the
state now); other parameters only through reset().
"""
import numpy as np

from pyNN import common, errors
from pyNN.parameters import ParameterSpace, simplify
from pyNN.standardmodels import StandardCellType

from . import simulator
from .recording import Recorder, RecordedData


class Assembly(common.Assembly):
    _simulator = simulator


class PopulationView(common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _indices(self):
        """The view's cells as indices into its grandparent Population."""
        return np.asarray(self.index_in_grandparent(np.arange(self.size)), dtype=np.int64)

    def _get_parameters(self, *names):
        values = {}
        for name in names:
            value = self.grandparent._parameters[name]
            values[name] = simplify(value[self._indices()] if isinstance(value, np.ndarray) else value)
        return ParameterSpace(values, shape=(self.size,))

    def _set_parameters(self, parameter_space):
        self.grandparent._set_native(parameter_space, self._indices())

    def _set_initial_value_array(self, variable, initial_values):
        initial_values.shape = (self.size,)
        self.grandparent._set_initial(variable, initial_values.evaluate(simplify=False), self._indices())

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class Population(common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def __init__(self, *args, **kwargs):
        simulator.state.require_unbuilt("creating a Population")  # before PyNN registers its recorder
        super().__init__(*args, **kwargs)

    def _create_cells(self):
        first = simulator.state.id_counter
        self.all_cells = np.array([simulator.ID(i) for i in range(first, first + self.size)], dtype=simulator.ID)
        for id in self.all_cells:
            id.parent = self
        self._mask_local = np.ones(self.size, dtype=bool)  # every rank sees every cell
        simulator.state.id_counter += self.size
        self._myelin_name = f"p{len(simulator.state.populations)}_{self.label or 'population'}"
        self._recorded_data = RecordedData()
        self._initial = {}  # native state variable -> values per cell
        if isinstance(self.celltype, StandardCellType):
            ps = self.celltype.native_parameters
        else:
            ps = self.celltype.parameter_space
        ps.shape = (self.size,)
        ps.evaluate(simplify=False)
        self._parameters = ps.as_dict()
        simulator.state.populations.append(self)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def _get_parameters(self, *names):
        return ParameterSpace({name: simplify(self._parameters[name]) for name in names}, shape=(self.size,))

    def _set_parameters(self, parameter_space):
        self._set_native(parameter_space, np.ones(self.size, dtype=bool))

    def _set_native(self, parameter_space, mask):
        """Native parameters of the cells `mask` (a boolean or index array) picks."""
        parameter_space.shape = (len(np.arange(self.size)[mask]),)
        parameter_space.evaluate(simplify=False)
        changed = {}
        for name, value in parameter_space.items():
            column = np.array(self._parameters[name], dtype=object if name == "spike_times" else float, copy=True)
            column[mask] = value
            changed[name] = column
        if simulator.state.sim is not None:
            from .build import change_running_source
            if not change_running_source(self, changed):
                simulator.state.require_unbuilt(f"setting {', '.join(changed)} of {self.label}")
        self._parameters.update(changed)

    def _set_initial(self, variable, values, mask):
        native = self.celltype.variable_map.get(variable) if hasattr(self.celltype, "variable_map") else variable
        if native is None:
            raise errors.RecordingError(variable, self.celltype)
        scale = getattr(self.celltype, "scale_factors", {}).get(variable, 1.0)
        column = self._initial.get(native)
        if column is None:
            column = np.full(self.size, np.nan)
        column[mask] = np.asarray(values, dtype=float) * scale
        self._initial[native] = column
        if simulator.state.sim is not None:
            if np.any(np.isnan(column)):
                raise NotImplementedError("pyNN.myelin: initialising part of a population after run()")
            simulator.state.sim.set_state(self._myelin_name, native, column)

    def _set_initial_value_array(self, variable, initial_values):
        initial_values.shape = (self.size,)
        self._set_initial(variable, initial_values.evaluate(simplify=False), np.arange(self.size))
