"""NEST's update semantics in Brian2, shared by the reference generators of
validation/cases/ (Brian2 is Debian's python3-brian, an independent
simulator; myelin follows NEST's conventions).

Mapping of conventions:
  * A spike found in step k is stamped (k+1) dt by NEST, k dt by Brian:
    Brian times are shifted by +dt (stamp()).
  * A spike_generator spike at T is emitted in step T/dt - 1 (NEST), so in
    Brian the generator fires at T - dt.
  * NEST clamps V for t_ref/dt steps after the spike step; Brian counts the
    spike step itself, so Brian's refractory is t_ref + dt.
  * Synaptic input arriving in step k is added after the membrane update of
    step k in both (Brian's 'synapses' slot runs after 'groups').
  * alpha PSC: I(t) = w e/tau t e^{-t/tau}, i.e. dI/dt = -I/tau + x,
    dx/dt = -x/tau, x += w e/tau per spike.
"""
import h5py
import numpy as np

import brian2 as b2

LIF_DEFAULTS = dict(C_m=250.0, tau_m=10.0, tau_syn_ex=2.0, tau_syn_in=2.0, t_ref=2.0, E_L=-70.0, V_reset=-70.0,
                    V_th=-55.0, I_e=0.0)

EQS = {
    "iaf_psc_exp": """
        dv/dt = (E_L - v) / tau_m + (I_ex + I_in + I_e) / C_m : volt (unless refractory)
        dI_ex/dt = -I_ex / tau_ex : amp
        dI_in/dt = -I_in / tau_in : amp
    """,
    "iaf_psc_alpha": """
        dv/dt = (E_L - v) / tau_m + (I_ex + I_in + I_e) / C_m : volt (unless refractory)
        dI_ex/dt = -I_ex / tau_ex + x_ex : amp
        dx_ex/dt = -x_ex / tau_ex : amp / second
        dI_in/dt = -I_in / tau_in + x_in : amp
        dx_in/dt = -x_in / tau_in : amp / second
    """,
}
PARAMS = """
    C_m : farad (constant)
    tau_m : second (constant)
    tau_ex : second (constant)
    tau_in : second (constant)
    E_L : volt (constant)
    V_reset : volt (constant)
    V_th : volt (constant)
    I_e : amp (constant)
"""


def lif_group(n, model, params, dt, name, v0=None):
    """n iaf_psc_exp or iaf_psc_alpha neurons. params holds NEST names and
    units (pF, ms, mV, pA), each a scalar or an array of n; v0 likewise
    (default E_L)."""
    ms, mV, pA, pF = b2.ms, b2.mV, b2.pA, b2.pF
    p = dict(LIF_DEFAULTS, **params)
    t_ref = np.max(p["t_ref"])
    if not np.all(np.asarray(p["t_ref"]) == t_ref):
        raise ValueError("one t_ref per group")
    g = b2.NeuronGroup(n, EQS[model] + PARAMS, threshold="v >= V_th", reset="v = V_reset",
                       refractory=(t_ref + dt) * ms, method="exact", name=name)
    g.C_m = np.asarray(p["C_m"]) * pF
    g.tau_m = np.asarray(p["tau_m"]) * ms
    g.tau_ex = np.asarray(p["tau_syn_ex"]) * ms
    g.tau_in = np.asarray(p["tau_syn_in"]) * ms
    g.E_L = np.asarray(p["E_L"]) * mV
    g.V_reset = np.asarray(p["V_reset"]) * mV
    g.V_th = np.asarray(p["V_th"]) * mV
    g.I_e = np.asarray(p["I_e"]) * pA
    g.v = (np.asarray(p["E_L"]) if v0 is None else np.asarray(v0)) * mV
    return g


def on_pre(model, channel):
    """The code a spike runs on its target: w (pA) into the 'ex' or 'in'
    current of an iaf_psc_exp or iaf_psc_alpha neuron."""
    if model == "iaf_psc_exp":
        return f"I_{channel}_post += w"
    return f"x_{channel}_post += w * exp(1) / tau_{channel}_post"


def generator(times_ms, dt, name):
    """A spike_generator: emits one step early, as NEST (see above)."""
    times = np.asarray(times_ms, dtype=float)
    return b2.SpikeGeneratorGroup(1, np.zeros(len(times), dtype=int), (times - dt) * b2.ms, name=name)


def stamp(monitor, dt):
    """A SpikeMonitor's spikes as (times in ms, NEST's end-of-step stamp;
    node ids)."""
    return np.asarray(monitor.t / b2.ms) + dt, np.asarray(monitor.i, dtype=np.uint64)


def write_spikes(path, populations, dt, creator, keep=None):
    """A SONATA spike report, sorted by time: populations maps a name to
    (times ms, node ids). keep, when given, maps a name to the number of
    neurons (the first ones) whose spikes are kept."""
    sorting = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")
    total = 0
    with h5py.File(path, "w") as f:
        for name, (t, i) in populations.items():
            t, i = np.asarray(t, dtype=float), np.asarray(i, dtype=np.uint64)
            if keep and name in keep:
                sel = i < keep[name]
                t, i = t[sel], i[sel]
            order = np.lexsort((i, np.round(t / dt)))
            g = f.create_group(f"spikes/{name}")
            g.attrs.create("sorting", 2, dtype=sorting)
            opts = dict(compression="gzip", shuffle=True) if len(t) > 4096 else {}
            ds = g.create_dataset("timestamps", data=t[order], **opts)
            ds.attrs["units"] = "ms"
            g.create_dataset("node_ids", data=i[order], **opts)
            total += len(t)
        f.attrs["creator"] = f"brian2 {b2.__version__} via {creator}"
    print(f"brian2: {total} spikes written to {path}")
