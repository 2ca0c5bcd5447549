#!/usr/bin/python3
"""The nest_neurons case: every neuron model that NEST has, each under four
inputs for 1 s (a constant current; a strong current with a refractory
period; bursts of excitatory spikes near threshold; 50 excitatory and 10
inhibitory Poisson trains on top of a current), against references that
follow NEST 3.9's update of each model (nest-simulator, models/<name>.cpp)
but are integrated independently of both NEST and myelin:

  iaf_psc_exp, iaf_psc_alpha   the linear system propagated by its matrix
                               exponential (scipy.linalg.expm), NEST's
                               order: V (held while refractory), then the
                               synaptic currents, input, threshold
  iaf_cond_exp                 DOP853 (rtol 1e-11, atol 1e-9) between input
                               arrivals; threshold tested at the end of each
                               step as NEST; V clamped while refractory
  aeif_cond_exp, aeif_psc_exp  DOP853 likewise, the spike located where V
                               reaches V_peak inside the step, then reset
                               and integrated on (NEST's in-step reset,
                               taken to its limit of a vanishing tolerance)
  izhikevich                   NEST's forward-Euler recurrence itself (the
                               model is defined by it)

Time conventions are NEST's: a spike_generator spike at T over delay d
acts at T + d (added after the step ending there; izhikevich adds it to V
before its threshold test); a spike found in the step (k dt, (k+1) dt]
is stamped (k+1) dt; refractoriness lasts round(t_ref / dt) whole steps
after the spike's step.

Writes model.toml (the myelin side) and reference.h5 into CASE_DIR.
Usage: generate.py CASE_DIR
"""
import os
import sys

import h5py
import numpy as np
from scipy.integrate import solve_ivp
from scipy.linalg import expm

DT, T_STOP, DELAY = 0.1, 1000.0, 1.0
N_STEPS = int(round(T_STOP / DT))
TOL = dict(method="DOP853", rtol=1e-11, atol=1e-9)

LIF = dict(C_m=250.0, tau_m=10.0, tau_syn_ex=2.0, tau_syn_in=2.0, t_ref=2.0, E_L=-70.0, V_reset=-70.0,
           V_th=-55.0, I_e=0.0)
COND = dict(C_m=250.0, g_L=16.6667, E_L=-70.0, V_th=-55.0, V_reset=-60.0, t_ref=2.0, E_ex=0.0, E_in=-85.0,
            tau_syn_ex=0.2, tau_syn_in=2.0, I_e=0.0)
AEIF = dict(C_m=281.0, g_L=30.0, E_L=-70.6, Delta_T=2.0, V_th=-50.4, V_peak=0.0, V_reset=-60.0, t_ref=0.0,
            a=4.0, b=80.5, tau_w=144.0, E_ex=0.0, E_in=-85.0, tau_syn_ex=0.2, tau_syn_in=2.0, I_e=0.0)
IZH = dict(a=0.02, b=0.2, c=-65.0, d=8.0, I_e=0.0, V_th=30.0, V_min=-1e300)

# model -> defaults, and per scenario: params, excitatory and inhibitory weight
# (the model's unit: pA, nS or mV).
MODELS = {
    "iaf_psc_exp": (LIF, {"dc": dict(I_e=400.0), "refractory": dict(I_e=1000.0, t_ref=5.0),
                          "burst": dict(I_e=370.0), "poisson": dict(I_e=250.0)}, (60.0, -120.0)),
    "iaf_psc_alpha": (LIF, {"dc": dict(I_e=400.0), "refractory": dict(I_e=1000.0, t_ref=5.0),
                            "burst": dict(I_e=370.0), "poisson": dict(I_e=250.0)}, (40.0, -80.0)),
    "iaf_cond_exp": (COND, {"dc": dict(I_e=300.0), "refractory": dict(I_e=900.0, t_ref=5.0),
                            "burst": dict(I_e=245.0), "poisson": dict(I_e=200.0)}, (8.0, -6.0)),
    "aeif_cond_exp": (AEIF, {"dc": dict(I_e=1000.0), "refractory": dict(I_e=2000.0, t_ref=2.0),
                             "burst": dict(I_e=620.0), "poisson": dict(I_e=800.0)}, (10.0, -8.0)),
    "aeif_psc_exp": (AEIF, {"dc": dict(I_e=1000.0), "refractory": dict(I_e=2000.0, t_ref=2.0),
                            "burst": dict(I_e=620.0), "poisson": dict(I_e=800.0)}, (400.0, -600.0)),
    "izhikevich": (IZH, {"dc": dict(I_e=10.0), "refractory": dict(I_e=10.0, a=0.1, d=2.0),  # no t_ref: FS instead
                         "burst": dict(I_e=3.0), "poisson": dict(I_e=4.0)}, (3.0, -3.0)),
}
# Bursts: five excitatory spikes 0.1 ms apart every 100 ms, at twice the weight.
BURST_WEIGHT = 2.0


def inputs(scenario, rng):
    """(excitatory times, inhibitory times), ms, on the grid, sorted."""
    if scenario == "burst":
        return np.sort(np.concatenate([t0 + DT * np.arange(1, 6) for t0 in np.arange(50.0, T_STOP, 100.0)])), []
    if scenario != "poisson":
        return [], []

    def trains(n, rate):
        t = np.concatenate([np.cumsum(rng.exponential(1000.0 / rate, size=int(3 * rate))) for _ in range(n)])
        t = np.round(t[t < T_STOP - DELAY] / DT) * DT
        return np.sort(t[t >= DT])

    return trains(50, 20.0), trains(10, 20.0)


def arrivals(times, weight):
    """Per step k: the input added after step k (spikes at T act at T + d)."""
    a = np.zeros(N_STEPS + 1)
    for t in times:
        np.add.at(a, int(round((t + DELAY) / DT)) - 1, weight)
    return a


# ---------------------------------------------------------------- linear LIF
def lif(model, p, ex, inh):
    """iaf_psc_exp / iaf_psc_alpha: exact propagation by expm of the linear
    system; y = (V, I_ex, I_in, 1) or (V, dI_ex, I_ex, dI_in, I_in, 1)."""
    C, tm, te, ti = p["C_m"], p["tau_m"], p["tau_syn_ex"], p["tau_syn_in"]
    if model == "iaf_psc_exp":
        A = np.zeros((4, 4))
        A[0] = [-1 / tm, 1 / C, 1 / C, (p["E_L"] / tm + p["I_e"] / C)]
        A[1, 1], A[2, 2] = -1 / te, -1 / ti
        jump_ex, jump_in = (1, 1.0), (2, 1.0)
    else:  # alpha: dI/dt = -I/tau + x, dx/dt = -x/tau; a spike adds w e / tau to x
        A = np.zeros((6, 6))
        A[0] = [-1 / tm, 0, 1 / C, 0, 1 / C, (p["E_L"] / tm + p["I_e"] / C)]
        A[1, 1], A[2, 1], A[2, 2] = -1 / te, 1, -1 / te
        A[3, 3], A[4, 3], A[4, 4] = -1 / ti, 1, -1 / ti
        jump_ex, jump_in = (1, np.e / te), (3, np.e / ti)
    P = expm(A * DT)
    y = np.zeros(len(A))
    y[0], y[-1] = p["E_L"], 1.0
    ref_steps, r, spikes = int(round(p["t_ref"] / DT)), 0, []
    for k in range(N_STEPS):
        v = y[0]
        y = P @ y
        if r > 0:  # V is not evolved while refractory; the currents are
            y[0] = v
            r -= 1
        y[jump_ex[0]] += ex[k] * jump_ex[1]
        y[jump_in[0]] += inh[k] * jump_in[1]
        if y[0] >= p["V_th"]:
            spikes.append((k + 1) * DT)
            y[0], r = p["V_reset"], ref_steps
    return spikes


# ------------------------------------------------------------ nonlinear ODEs
def cond_rhs(p, refractory):
    def f(t, y):
        v = p["V_reset"] if refractory else y[0]
        dv = 0.0 if refractory else (-p["g_L"] * (v - p["E_L"]) - y[1] * (v - p["E_ex"]) - y[2] * (v - p["E_in"])
                                     + p["I_e"]) / p["C_m"]
        return [dv, -y[1] / p["tau_syn_ex"], -y[2] / p["tau_syn_in"]]
    return f


def aeif_rhs(p, cond, refractory):
    def f(t, y):
        v = p["V_reset"] if refractory else min(y[0], p["V_peak"])
        spike = p["g_L"] * p["Delta_T"] * np.exp((v - p["V_th"]) / p["Delta_T"]) if p["Delta_T"] > 0 else 0.0
        syn = -y[2] * (v - p["E_ex"]) - y[3] * (v - p["E_in"]) if cond else y[2] + y[3]
        dv = 0.0 if refractory else (-p["g_L"] * (v - p["E_L"]) + spike - y[1] + syn + p["I_e"]) / p["C_m"]
        return [dv, (p["a"] * (v - p["E_L"]) - y[1]) / p["tau_w"], -y[2] / p["tau_syn_ex"], -y[3] / p["tau_syn_in"]]
    return f


def step_of(t):
    """The step (k dt, (k+1) dt] holding time t."""
    return int(np.ceil(t / DT - 1e-9)) - 1


def iaf_cond_exp(p, ex, inh):
    """Between input arrivals and refractory ends, one dense solve; the
    threshold is tested at each step's end, as NEST does."""
    y = np.array([p["E_L"], 0.0, 0.0])
    ref_steps, refr_until, spikes, k = int(round(p["t_ref"] / DT)), -1, [], 0
    while k < N_STEPS:
        refractory = k < refr_until
        # the next step after which something happens: input or the end of refractoriness
        nxt = k
        while nxt < N_STEPS - 1 and ex[nxt] == 0 and inh[nxt] == 0 and (not refractory or nxt + 1 < refr_until):
            nxt += 1
        t0, t1 = k * DT, (nxt + 1) * DT
        sol = solve_ivp(cond_rhs(p, refractory), (t0, t1), y, dense_output=True, **TOL)
        if sol.status < 0:
            raise RuntimeError(f"integration failed at t = {sol.t[-1]} ms, y = {sol.y[:, -1]}: {sol.message}")
        ends = np.arange(k + 1, nxt + 2) * DT
        v = sol.sol(ends)[0]
        above = np.nonzero(v >= p["V_th"])[0] if not refractory else []
        if len(above):
            s = k + above[0]  # the step whose end is at or above threshold
            y = sol.sol((s + 1) * DT)
            y[0] = p["V_reset"]
            y[1] += ex[s]
            y[2] -= inh[s]
            spikes.append((s + 1) * DT)
            refr_until, k = s + 1 + ref_steps, s + 1
            continue
        y = sol.y[:, -1].copy()
        if refractory:
            y[0] = p["V_reset"]
        y[1] += ex[nxt]
        y[2] -= inh[nxt]
        k = nxt + 1
    return spikes


def upswing(p, cond, t, y, v_to):
    """From V = y[0] to v_to with V as the independent variable (dt/dV =
    1/V'): the upswing is stiff in time (V' reaches 1e10 mV/ms at the peak)
    but smooth in V. Returns the time and state at v_to."""
    f = aeif_rhs(p, cond, False)

    def g(v, z):
        d = f(0.0, [v, z[1], z[2], z[3]])
        return [1.0 / d[0], d[1] / d[0], d[2] / d[0], d[3] / d[0]]
    sol = solve_ivp(g, (y[0], v_to), [t, y[1], y[2], y[3]], **TOL)
    z = sol.y[:, -1]
    return z[0], np.array([v_to, z[1], z[2], z[3]])


def aeif(p, cond, ex, inh):
    """Integrated between input arrivals and refractory ends; a spike is the
    moment V reaches V_peak (V_th without exponential): V <- V_reset,
    w <- w + b, and integration goes on within the same step."""
    spike_at = p["V_peak"] if p["Delta_T"] > 0 else p["V_th"]
    # Past V_peak - 10 Delta_T the exponential current exceeds 1e8 pA and the
    # peak is reached within 1e-5 ms: that stretch is integrated in V.
    switch_at = spike_at - 10 * p["Delta_T"]
    y = np.array([p["E_L"], 0.0, 0.0, 0.0])
    ref_steps, refr_until, spikes, t, k = int(round(p["t_ref"] / DT)), -1, [], 0.0, 0

    def crossing(t_, y_):
        return y_[0] - switch_at
    crossing.terminal, crossing.direction = True, 1

    while k < N_STEPS:
        refractory = k < refr_until
        nxt = k
        while nxt < N_STEPS - 1 and ex[nxt] == 0 and inh[nxt] == 0 and (not refractory or nxt + 1 < refr_until):
            nxt += 1
        t1 = (nxt + 1) * DT
        above = not refractory and y[0] >= switch_at  # an input pushed V past the switch
        sol = None if above else solve_ivp(aeif_rhs(p, cond, refractory), (t, t1), y,
                                           events=None if refractory else crossing, **TOL)
        if sol is not None and sol.status < 0:
            raise RuntimeError(f"integration failed at t = {sol.t[-1]} ms, y = {sol.y[:, -1]}: {sol.message}")
        if above or sol.status == 1:
            if not above:
                t, y = sol.t_events[0][0], sol.y_events[0][0].copy()
            t, y = upswing(p, cond, t, y, spike_at)
            if t > t1:
                raise RuntimeError(f"input arrives during an upswing at {t1} ms")
            s = step_of(t)
            y[0], y[1] = p["V_reset"], y[1] + p["b"]
            spikes.append((s + 1) * DT)
            if ref_steps > 0:
                refr_until = s + 1 + ref_steps
                # refractory from the spike to the end of its step and ref_steps steps more
                if t < (s + 1) * DT:
                    y = solve_ivp(aeif_rhs(p, cond, True), (t, (s + 1) * DT), y, **TOL).y[:, -1].copy()
                y[0], t = p["V_reset"], (s + 1) * DT
                y[2] += ex[s]
                y[3] += inh[s] if not cond else -inh[s]
                k = s + 1
            else:
                k = s  # go on from the spike, in its own step
            continue
        y = sol.y[:, -1].copy()
        if refractory:
            y[0] = p["V_reset"]
        y[2] += ex[nxt]
        y[3] += inh[nxt] if not cond else -inh[nxt]
        t, k = t1, nxt + 1
    return spikes


def izhikevich(p, ex, inh):
    """NEST's izhikevich.cpp update (consistent_integration): forward Euler,
    input spikes added to V in the same step, before the threshold test."""
    v, u, spikes = -65.0, 0.0, []  # NEST's initial state, whatever c and b are
    for k in range(N_STEPS):
        v_old, u_old = v, u
        v += DT * (0.04 * v_old * v_old + 5.0 * v_old + 140.0 - u_old + p["I_e"]) + ex[k] + inh[k]
        u += DT * p["a"] * (p["b"] * v_old - u_old)
        v = max(v, p["V_min"])
        if v >= p["V_th"]:
            spikes.append((k + 1) * DT)
            v, u = p["c"], u + p["d"]
    return spikes


def reference(model, p, ex, inh):
    if model in ("iaf_psc_exp", "iaf_psc_alpha"):
        return lif(model, p, ex, inh)
    if model == "iaf_cond_exp":
        return iaf_cond_exp(p, ex, inh)
    if model in ("aeif_cond_exp", "aeif_psc_exp"):
        return aeif(p, model == "aeif_cond_exp", ex, inh)
    return izhikevich(p, ex, inh)


def model_toml(f, name, model, params, trains):
    p = ", ".join(f"{k} = {v}" for k, v in params.items())
    f.write(f'\n[[population]]\nname = "{name}"\nmodel = "{model}"\nsize = 1\nparams = {{ {p} }}\n')
    for times, w in trains:
        if len(times):
            times = ", ".join(f"{t:.1f}" for t in times)
            f.write(f'\n[[stimulus]]\ntype = "spike_generator"\ntargets = ["{name}"]\nspike_times = [{times}]\n'
                    f"weight = {w}\ndelay = {DELAY}\n")


def main(case_dir):
    rng = np.random.default_rng(20261202)
    pops = {}
    with open(os.path.join(case_dir, "model.toml"), "w") as f:
        f.write("# Every NEST neuron model under four inputs; written by generate.py with\n"
                "# reference.h5 (see there for how the references are integrated).\n"
                f'name = "nest_neurons"\n\n[run]\ndt = {DT}\nt_stop = {T_STOP}\nseed = 1\n')
        for model, (defaults, scenarios, (w_ex, w_in)) in MODELS.items():
            for scenario, params in scenarios.items():
                name = f"{model}_{scenario}"
                ex_t, in_t = inputs(scenario, rng)
                w_e = w_ex * (BURST_WEIGHT if scenario == "burst" else 1.0)
                p = dict(defaults, **params)
                t = np.asarray(reference(model, p, arrivals(ex_t, w_e), arrivals(in_t, w_in)), dtype=float)
                t = np.round(t / DT) * DT  # the grid's own rounding
                pops[name] = t
                model_toml(f, name, model, params, [(ex_t, w_e), (in_t, w_in)])
                print(f"{name}: {len(t)} spikes", flush=True)
        f.write('\n[[recorder]]\ntype = "spikes"\n')
    sorting = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")
    with h5py.File(os.path.join(case_dir, "reference.h5"), "w") as h:
        for name, t in pops.items():
            g = h.create_group(f"spikes/{name}")
            g.attrs.create("sorting", 2, dtype=sorting)
            g.create_dataset("timestamps", data=t).attrs["units"] = "ms"
            g.create_dataset("node_ids", data=np.zeros(len(t), dtype=np.uint64))
        h.attrs["creator"] = "validation/cases/nest_neurons/generate.py (NEST 3.9 update semantics, scipy integration)"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
