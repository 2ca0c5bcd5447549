"""myelin's own models under their NEST names, for PyNN scripts that use
native_cell_type("aeif_psc_exp") or native_synapse_type("stdp_symmetric_synapse").

Parameters and state variables keep myelin's names and units (pF, pA, nS,
mV, ms), as in pyNN.nest; a native synapse's weight is in PyNN's units (nA
or uS), like a standard synapse's.
"""
from pyNN.models import BaseCellType, BaseSynapseType

import myelin

from .standardmodels import _MinimumDelay

_UNITS = {"mV": "mV", "pA": "pA", "nS": "nS", "ms": "ms", "pF": "pF", "Hz": "Hz", "": "dimensionless"}


def _entry(catalogue, name, what):
    for m in catalogue:
        if m.name == name:
            return m
    raise ValueError(f"pyNN.myelin: no {what} '{name}'; myelin has {', '.join(m.name for m in catalogue)}")


def native_cell_type(model_name):
    """A cell type class for one of myelin's neuron models."""
    m = _entry(myelin.neuron_models(), model_name, "neuron model")
    state_vars = [s.name for s in m.state]
    return type(model_name, (NativeCellType,), {
        "myelin_model": model_name,
        "default_parameters": {p.name: float(p.default) for p in m.parameters},
        "default_initial_values": {},
        "recordable": state_vars + ["spikes"],
        "units": {s.name: _UNITS.get(s.unit, s.unit) for s in m.state},
        "receptor_types": ["excitatory", "inhibitory"],
        "variable_map": {v: v for v in state_vars},
        "scale_factors": {},
        "conductance_based": "g_ex" in state_vars,
        "injectable": model_name != "parrot_neuron",
    })


class NativeCellType(BaseCellType):
    @property
    def native_parameters(self):
        return self.parameter_space

    def get_native_names(self, *names):
        return names


def native_synapse_type(model_name):
    """A synapse type class for one of myelin's synapse models."""
    m = _entry(myelin.synapse_models(), model_name, "synapse model")
    defaults = {p.name: float(p.default) for p in m.parameters}
    defaults.update(weight=0.0, delay=None)
    return type(model_name, (NativeSynapseType,), {"myelin_model": model_name, "default_parameters": defaults})


class NativeSynapseType(_MinimumDelay, BaseSynapseType):
    def get_schema(self):
        return {name: float for name in self.default_parameters}

    @property
    def native_parameters(self):
        ps = self.parameter_space.copy()
        ps.update(weight=ps["weight"] * 1000.0)  # nA (uS) -> pA (nS), as the standard synapses
        return ps

    def get_native_names(self, *names):
        return names
