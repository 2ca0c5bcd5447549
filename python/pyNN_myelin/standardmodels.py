"""PyNN's standard cell, synapse and current-source types on myelin's
models, which carry NEST's names, parameters and units: the translations
are those of pyNN.nest (nA -> pA, nF -> pF, uS -> nS).

Each cell type names its myelin model (`myelin_model`), the PyNN state
variables it can record or initialise (`variable_map`, to myelin's names)
and their unit factors (`scale_factors`: native value per PyNN value).
"""
import numpy as np
from pyNN.parameters import ParameterSpace
from pyNN.standardmodels import build_translations, cells, electrodes, synapses

from .simulator import state

_CURRENT = {"v": "V_m", "isyn_exc": "I_syn_ex", "isyn_inh": "I_syn_in"}
_COND = {"v": "V_m", "gsyn_exc": "g_ex", "gsyn_inh": "g_in"}
_SCALES = {"gsyn_exc": 1000.0, "gsyn_inh": 1000.0, "isyn_exc": 1000.0, "isyn_inh": 1000.0, "w": 1000.0}

class _CurrentBasedLIF:
    """What pyNN.nest's current-based LIF translations share."""
    translations = build_translations(
        ("v_rest", "E_L"),
        ("v_reset", "V_reset"),
        ("cm", "C_m", 1000.0),
        ("tau_m", "tau_m"),
        ("tau_refrac", "t_ref"),
        ("tau_syn_E", "tau_syn_ex"),
        ("tau_syn_I", "tau_syn_in"),
        ("v_thresh", "V_th"),
        ("i_offset", "I_e", 1000.0),
    )
    variable_map = _CURRENT
    scale_factors = _SCALES


class IF_curr_alpha(_CurrentBasedLIF, cells.IF_curr_alpha):
    __doc__ = cells.IF_curr_alpha.__doc__
    myelin_model = "iaf_psc_alpha"


class IF_curr_exp(_CurrentBasedLIF, cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__
    myelin_model = "iaf_psc_exp"


class IF_cond_exp(cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__
    translations = build_translations(
        ("v_rest", "E_L"),
        ("v_reset", "V_reset"),
        ("cm", "C_m", 1000.0),
        ("tau_m", "g_L", "cm/tau_m*1000.0", "C_m/g_L"),
        ("tau_refrac", "t_ref"),
        ("tau_syn_E", "tau_syn_ex"),
        ("tau_syn_I", "tau_syn_in"),
        ("v_thresh", "V_th"),
        ("i_offset", "I_e", 1000.0),
        ("e_rev_E", "E_ex"),
        ("e_rev_I", "E_in"),
    )
    myelin_model = "iaf_cond_exp"
    variable_map = _COND
    scale_factors = _SCALES


class EIF_cond_exp_isfa_ista(cells.EIF_cond_exp_isfa_ista):
    __doc__ = cells.EIF_cond_exp_isfa_ista.__doc__
    translations = build_translations(
        ("cm", "C_m", 1000.0),
        ("tau_refrac", "t_ref"),
        ("v_spike", "V_peak"),
        ("v_reset", "V_reset"),
        ("v_rest", "E_L"),
        ("tau_m", "g_L", "cm/tau_m*1000.0", "C_m/g_L"),
        ("i_offset", "I_e", 1000.0),
        ("a", "a"),
        ("b", "b", 1000.0),
        ("delta_T", "Delta_T"),
        ("tau_w", "tau_w"),
        ("v_thresh", "V_th"),
        ("e_rev_E", "E_ex"),
        ("tau_syn_E", "tau_syn_ex"),
        ("e_rev_I", "E_in"),
        ("tau_syn_I", "tau_syn_in"),
    )
    myelin_model = "aeif_cond_exp"
    variable_map = dict(_COND, w="w")
    scale_factors = _SCALES


class Izhikevich(cells.Izhikevich):
    __doc__ = cells.Izhikevich.__doc__
    translations = build_translations(("a", "a"), ("b", "b"), ("c", "c"), ("d", "d"), ("i_offset", "I_e", 1000.0))
    myelin_model = "izhikevich"
    variable_map = {"v": "V_m", "u": "U_m"}
    scale_factors = {}
    receptor_scale = 1e-3  # weights are voltage jumps in mV: undo the nA -> pA factor


# Independent Poisson trains, one per cell: parrot_neurons driven by
# poisson_generators (one per distinct rate), as pyNN.nest does it.
class SpikeSourcePoisson(cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = build_translations(("rate", "rate"), ("start", "start"), ("duration", "duration"))
    myelin_model = "parrot_neuron"
    variable_map = {}
    scale_factors = {}


# Given spike times per cell: parrot_neurons fed by spike_generators (one
# per distinct train).
class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = build_translations(("spike_times", "spike_times"))
    myelin_model = "parrot_neuron"
    variable_map = {}
    scale_factors = {}


class _MinimumDelay:
    """A synapse type's default delay: setup()'s min_delay ("auto" is dt by then)."""

    def _get_minimum_delay(self):
        return state.min_delay


class StaticSynapse(_MinimumDelay, synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight", 1000.0), ("delay", "delay"))
    myelin_model = "static_synapse"


# Tsodyks-Markram depression and facilitation as NEST's tsodyks2_synapse
# (u and x per synapse; the PSC's shape is the cell's).
class TsodyksMarkramSynapse(_MinimumDelay, synapses.TsodyksMarkramSynapse):
    __doc__ = synapses.TsodyksMarkramSynapse.__doc__
    translations = build_translations(
        ("weight", "weight", 1000.0),
        ("delay", "delay"),
        ("U", "U"),
        ("tau_rec", "tau_rec"),
        ("tau_facil", "tau_fac"),
    )
    myelin_model = "tsodyks2_synapse"


# Pair-based STDP as NEST's stdp_synapse (all-to-all pairing), with the
# weight dependences it has; pairs are timed with the delay dendritic
# (dendritic_delay_fraction = 1, NEST's) or axonal (0, Brian2's).
class STDPMechanism(_MinimumDelay, synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(
        ("weight", "weight", 1000.0),
        ("delay", "delay"),
        ("dendritic_delay_fraction", "dendritic_delay_fraction"),
    )
    myelin_model = "stdp_synapse"

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None):
        if voltage_dependence is not None:
            raise NotImplementedError("pyNN.myelin: voltage-dependent STDP is not supported")
        if dendritic_delay_fraction not in (0, 1):
            raise NotImplementedError("pyNN.myelin: STDP with a dendritic_delay_fraction other than 1 "
                                      "(NEST's convention: the delay is dendritic) or 0 (Brian2's: axonal)")
        super().__init__(timing_dependence, weight_dependence, voltage_dependence, dendritic_delay_fraction,
                         weight, delay)


class _StdpSynapseBound:
    """The weight dependences of NEST's stdp_synapse: a bound Wmax (pA or
    nS) and a lower bound of 0."""
    translations = build_translations(("w_max", "Wmax", 1000.0), ("w_min", "w_min_unused"))

    def __init__(self, w_min=0.0, w_max=1.0, **kwargs):
        if w_min != 0:
            raise NotImplementedError(
                f"pyNN.myelin: {type(self).__name__} with w_min != 0 (NEST's stdp_synapse has w_min = 0)")
        super().__init__(w_min=w_min, w_max=w_max, **kwargs)


class AdditiveWeightDependence(_StdpSynapseBound, synapses.AdditiveWeightDependence):
    __doc__ = synapses.AdditiveWeightDependence.__doc__
    extra_parameters = {"mu_plus": 0.0, "mu_minus": 0.0}


class MultiplicativeWeightDependence(_StdpSynapseBound, synapses.MultiplicativeWeightDependence):
    __doc__ = synapses.MultiplicativeWeightDependence.__doc__
    extra_parameters = {"mu_plus": 1.0, "mu_minus": 1.0}


class AdditivePotentiationMultiplicativeDepression(_StdpSynapseBound,
                                                   synapses.AdditivePotentiationMultiplicativeDepression):
    __doc__ = synapses.AdditivePotentiationMultiplicativeDepression.__doc__
    extra_parameters = {"mu_plus": 0.0, "mu_minus": 1.0}


class GutigWeightDependence(_StdpSynapseBound, synapses.GutigWeightDependence):
    __doc__ = synapses.GutigWeightDependence.__doc__
    translations = build_translations(
        ("w_max", "Wmax", 1000.0), ("w_min", "w_min_unused"), ("mu_plus", "mu_plus"), ("mu_minus", "mu_minus"))


def _alpha(**p):
    return p["A_minus"] / p["A_plus"] if p["A_plus"] != 0 else p["A_minus"]


def _a_minus(**p):
    return p["alpha"] * p["lambda"] if p["lambda"] != 0 else p["alpha"]


class SpikePairRule(synapses.SpikePairRule):
    __doc__ = synapses.SpikePairRule.__doc__
    translations = build_translations(
        ("tau_plus", "tau_plus"),
        ("tau_minus", "tau_minus"),
        ("A_plus", "lambda"),
        ("A_minus", "alpha", _alpha, _a_minus),
    )


class _CurrentSource:
    """A current source is injected into cells before the first run; each
    becomes one or more myelin dc_generators at build time. Native values
    (pA, ms) are kept here; a DCSource's amplitude may change between runs."""

    def __init__(self, **parameters):
        super().__init__(**parameters)
        object.__setattr__(self, "_targets", [])
        native = self.native_parameters
        native.shape = (1,)
        native.evaluate(simplify=True)
        object.__setattr__(self, "_native", {k: _plain(v) for k, v in native.items()})

    def inject_into(self, cells):
        state.require_unbuilt("inject_into()")
        if not self._targets:
            state.current_sources.append(self)
        self._targets.extend(cells if hasattr(cells, "__iter__") else [cells])

    def get_native_parameters(self):
        return ParameterSpace(dict(self._native), self.get_schema_native(), shape=(1,))

    def get_schema_native(self):
        return None

    def set_native_parameters(self, parameters):
        parameters.shape = (1,)
        parameters.evaluate(simplify=True)
        values = {k: _plain(v) for k, v in parameters.items()}
        if state.sim is not None:
            from .build import change_running_current
            if not change_running_current(self, values):
                state.require_unbuilt("changing a current source other than a DCSource's amplitude")
        self._native.update(values)


def _plain(v):
    """A number, or a numpy array for sequence parameters (times, amplitudes)."""
    v = getattr(v, "value", v)
    return float(v) if np.ndim(v) == 0 else np.asarray(v, dtype=float)


class DCSource(_CurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = build_translations(("amplitude", "amplitude", 1000.0), ("start", "start"), ("stop", "stop"))


class StepCurrentSource(_CurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = build_translations(("amplitudes", "amplitudes", 1000.0), ("times", "times"))


class ACSource(electrodes.ACSource):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("pyNN.myelin: ACSource is not supported (myelin has dc_generator only)")


class NoisyCurrentSource(electrodes.NoisyCurrentSource):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("pyNN.myelin: NoisyCurrentSource is not supported (myelin has no noise_generator)")


def _unsupported(base):
    """A stand-in for a PyNN standard type myelin lacks: constructing it
    raises NotImplementedError naming it (rather than AttributeError)."""
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"pyNN.myelin: {base.__name__} is not supported (myelin has no such model; "
                                  "see the PyNN table in myelin's README)")
    return type(base.__name__, (base,), {"__init__": __init__, "__doc__": base.__doc__, "unsupported": True})


def _stand_ins():
    import inspect
    from pyNN.models import BaseModelType
    here = globals()
    for module in (cells, synapses, electrodes):
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseModelType) and obj.__module__ == module.__name__ and name not in here:
                here[name] = _unsupported(obj)


_stand_ins()
