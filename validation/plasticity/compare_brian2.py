#!/usr/bin/python3
"""Plastic synapses against Brian2 (Debian's python3-brian): a small
feed-forward network whose weights and spikes depend on each other.

  P (30 parrots, Poisson 15 Hz) --stdp_synapse, additive, all-to-all---> A (4 iaf_psc_exp)
  P                             --stdp_nn_symm_synapse, mu = 0.5 ------> B (4 iaf_psc_exp)
  P                             --stdp_symmetric_synapse + scaling ----> C (4 iaf_psc_exp)
  Q (10 parrots, Poisson 20 Hz) --tsodyks2_synapse---------------------> A and B
  R (10 parrots, Poisson 30 Hz) --vogels_sprekeler_synapse (inhibitory)-> A
  P                             --stdp_dopamine_synapse, time series --> D (4 iaf_psc_exp)

myelin runs the network; Brian2 rebuilds A and B with the same parameters,
takes P's and Q's spikes from myelin's spikes.h5 as SpikeGeneratorGroups,
and states the rules in its own equation language. The comparison: every
spike of A and B in the same step, and every final weight (synapses.h5)
within a relative 1e-9 (both compute the same double-precision rule; what
differs is the order of floating-point operations).

Conventions (validation/brian2_nest.py has the rest): a spike
stamped T by myelin happened in Brian's step T - dt; Brian runs a step's
presynaptic pathway before its postsynaptic one, which is myelin's order
(synapses/stdp.hpp); the rules' traces are Brian's event-driven variables.

Usage: compare_brian2.py MYELIN WORKDIR [--write-case DIR]   (exit 1 on any difference)
--write-case DIR also writes the model and Brian2's spikes of A, B, C and D
as DIR/model.toml and DIR/reference.h5: the validation case
validation/cases/plastic_feed_forward (its inputs P, Q and R are myelin's
Poisson parrots, so the reference holds for this seed and myelin's random
streams).
"""
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import brian2 as b2  # noqa: E402

from brian2_nest import stamp, write_spikes  # noqa: E402

DT, T_STOP = 0.1, 2000.0
NEURON = dict(C_m=250.0, tau_m=10.0, tau_syn_ex=2.0, tau_syn_in=2.0, t_ref=2.0, E_L=-70.0, V_reset=-70.0,
              V_th=-55.0, I_e=330.0)
STDP_A = dict(tau_plus=16.8, tau_minus=33.7, lam=0.03, alpha=1.2, mu_plus=0.0, mu_minus=0.0, Wmax=150.0, nearest=False)
STDP_B = dict(tau_plus=20.0, tau_minus=20.0, lam=0.05, alpha=0.9, mu_plus=0.5, mu_minus=0.5, Wmax=150.0, nearest=True)
TM = dict(U=0.35, tau_rec=150.0, tau_fac=60.0)
SYM = dict(tau_plus=10.0, tau_minus=40.0, eta=0.02, alpha=0.6, Wmax=150.0)
SCALING = dict(target_rate=8.0, beta=0.5, tau=200.0, interval=50.0)  # Hz, 1/(Hz s), ms, ms
VOGELS = dict(tau=20.0, eta=3.0, alpha=0.2, Wmax=-300.0)
DOPA = dict(tau_plus=15.0, tau_minus=25.0, A_plus=0.05, A_minus=0.06, tau_c=300.0, b=0.2, Wmin=-500.0, Wmax=500.0)
REWARD = [(300.0, 1.0), (600.0, 0.0), (1100.0, -0.5), (1400.0, 0.0)]  # ms, concentration from then on
W_P, D_P, W_Q, D_Q, W_R, D_R = 60.0, 1.5, 90.0, 0.7, -30.0, 1.0
PARROTS = {"P": 30, "Q": 10, "R": 10}  # input populations and sizes


def projection(source, target, weight, delay, model, synapse, extra=""):
    """A [[projection]] of `model` (all to all) with its `synapse` table.
    Pair rules take Brian2's timing, the whole delay axonal (myelin's
    default is NEST's, dendritic)."""
    table = ", ".join(f"{k} = {v}" for k, v in synapse.items())
    if model != "tsodyks2_synapse":
        extra += 'delay_convention = "axonal"\n'
    return (f'[[projection]]\nsource = "{source}"\ntarget = "{target}"\nrule = "all_to_all"\nweight = {weight}\n'
            f'delay = {delay}\nsynapse_model = "{model}"\n{extra}synapse = {{ {table} }}\n')


def nest_stdp(p):
    return dict(tau_plus=p["tau_plus"], tau_minus=p["tau_minus"], **{"lambda": p["lam"]}, alpha=p["alpha"],
                mu_plus=p["mu_plus"], mu_minus=p["mu_minus"], Wmax=p["Wmax"])


MODEL = (
    f"""name = "plastic_brian2"
[run]
dt = {DT}
t_stop = {T_STOP}
seed = 5

"""
    + "".join(f'[[population]]\nname = "{n}"\nmodel = "parrot_neuron"\nsize = {k}\n' for n, k in PARROTS.items())
    + "".join(f'[[population]]\nname = "{n}"\nmodel = "iaf_psc_exp"\nsize = 4\nparams = {{ I_e = {NEURON["I_e"]} }}\n'
              for n in "ABCD")
    + projection("P", "A", W_P, D_P, "stdp_synapse", nest_stdp(STDP_A))
    + projection("P", "B", W_P, D_P, "stdp_nn_symm_synapse", nest_stdp(STDP_B))
    + projection("Q", "A", W_Q, D_Q, "tsodyks2_synapse", TM)
    + projection("Q", "B", W_Q, D_Q, "tsodyks2_synapse", TM)
    + projection("P", "C", W_P, D_P, "stdp_symmetric_synapse", SYM,
                 "scaling = { " + ", ".join(f"{k} = {v}" for k, v in SCALING.items()) + " }\n")
    + projection("R", "A", W_R, D_R, "vogels_sprekeler_synapse", VOGELS)
    + projection("P", "D", W_P, D_P, "stdp_dopamine_synapse", DOPA,
                 f"modulator = {{ times = {[t for t, _ in REWARD]}, values = {[v for _, v in REWARD]} }}\n")
    + """
[[stimulus]]
type = "poisson_generator"
targets = "R"
rate = 30.0
weight = 1.0
[[stimulus]]
type = "poisson_generator"
targets = "P"
rate = 15.0
weight = 1.0
[[stimulus]]
type = "poisson_generator"
targets = "Q"
rate = 20.0
weight = 1.0
"""
)

EQS = """
dv/dt = (E_L - v) / tau_m + (I_ex + I_in + I_e) / C_m : volt (unless refractory)
dI_ex/dt = -I_ex / tau_ex : amp
dI_in/dt = -I_in / tau_in : amp
dr/dt = -r / tau_rate : Hz
"""


def stdp_synapses(src, tgt, p, name):
    ms, pA = b2.ms, b2.pA
    bump = "= 1" if p["nearest"] else "+= 1"
    model = f"""w : amp
                dApre/dt = -Apre / ({p['tau_plus']}*ms) : 1 (event-driven)
                dApost/dt = -Apost / ({p['tau_minus']}*ms) : 1 (event-driven)"""
    wmax = f"({p['Wmax']}*pA)"
    on_pre = f"""w = clip(w / {wmax} - {p['alpha']} * {p['lam']} * (w / {wmax})**{p['mu_minus']} * Apost, 0, 1) * {wmax}
                 I_ex_post += w
                 Apre {bump}"""
    on_post = f"""w = clip(w / {wmax} + {p['lam']} * (1 - w / {wmax})**{p['mu_plus']} * Apre, 0, 1) * {wmax}
                  Apost {bump}"""
    s = b2.Synapses(src, tgt, model, on_pre=on_pre, on_post=on_post, delay=D_P * ms, name=name)
    s.connect()
    s.w = W_P * pA
    return s


def symmetric_synapses(src, tgt, name):
    p = SYM
    wmax = f"({p['Wmax']}*pA)"
    # x: presynaptic traces, y: postsynaptic; p: tau_plus, m: tau_minus.
    change = f"w = clip(w / {wmax} + {p['eta']} * ({{k}}p - {p['alpha']} * {{k}}m), 0, 1) * {wmax}"
    s = b2.Synapses(src, tgt, f"""w : amp
                                  dxp/dt = -xp / ({p['tau_plus']}*ms) : 1 (event-driven)
                                  dxm/dt = -xm / ({p['tau_minus']}*ms) : 1 (event-driven)
                                  dyp/dt = -yp / ({p['tau_plus']}*ms) : 1 (event-driven)
                                  dym/dt = -ym / ({p['tau_minus']}*ms) : 1 (event-driven)""",
                    on_pre=change.format(k="y") + "\nI_ex_post += w\nxp += 1\nxm += 1",
                    on_post=change.format(k="x") + "\nyp += 1\nym += 1",
                    delay=D_P * b2.ms, name=name, namespace={})
    s.connect()
    s.w = W_P * b2.pA
    # Synaptic scaling at the end of every step k with (k + 1) a multiple of
    # the interval, by the target's filtered rate r_post (Hz).
    sc = SCALING
    every = int(round(sc["interval"] / DT))
    steps = int(round(T_STOP / DT)) + 2
    flag = np.array([1.0 if (k + 1) % every == 0 else 0.0 for k in range(steps)])
    s.namespace["scale_now"] = b2.TimedArray(flag, dt=DT * b2.ms)
    f = f"(1 + {sc['beta']} * {sc['interval'] / 1000.0} * ({sc['target_rate']} - r_post / Hz))"
    s.run_regularly(f"w = w + scale_now(t) * (clip(w / {wmax} * {f}, 0, 1) * {wmax} - w)", when="end")
    return s


def vogels_synapses(src, tgt, name):
    p = VOGELS
    wabs, eta = f"({abs(p['Wmax'])}*pA)", f"({p['eta']}*pA)"
    # Wmax < 0: |w| is kept within [0, |Wmax|] and w is negative.
    fac = "w = -clip(abs(w) + {eta} * {trace}, 0*pA, {wabs})"
    s = b2.Synapses(src, tgt, f"""w : amp
                                  dx/dt = -x / ({p['tau']}*ms) : 1 (event-driven)
                                  dy/dt = -y / ({p['tau']}*ms) : 1 (event-driven)""",
                    on_pre=fac.format(eta=eta, trace="y", wabs=wabs) +
                    f"\nw = -clip(abs(w) - {p['alpha']} * {eta}, 0*pA, {wabs})\nI_in_post += w\nx += 1",
                    on_post=fac.format(eta=eta, trace="x", wabs=wabs) + "\ny += 1",
                    delay=D_R * b2.ms, name=name)
    s.connect()
    s.w = W_R * b2.pA
    return s


def dopamine_synapses(src, tgt, name):
    """dw/dt = c (n - b) with Brian's RK4 (the exact solver takes no
    products; RK4 is exact to rounding for these slow exponentials); n
    from a TimedArray. Brian applies a step's synaptic events
    after integrating that step, myelin before: the series is moved one
    step later, which shifts everything in Brian by one step alike."""
    p = DOPA
    steps = int(round(T_STOP / DT)) + 2
    n = np.zeros(steps)
    for t, v in REWARD:
        n[int(round(t / DT)) + 1:] = v
    reward = b2.TimedArray(n, dt=DT * b2.ms)
    # n is set at the start of each step, so RK4's stages all see that
    # step's value (reward(t) inside the equations would be read at t + dt).
    s = b2.Synapses(src, tgt, f"""dw/dt = c * (n_mod - {p['b']}) * pA / ms : amp (clock-driven)
                                  dc/dt = -c / ({p['tau_c']}*ms) : 1 (clock-driven)
                                  n_mod : 1
                                  dx/dt = -x / ({p['tau_plus']}*ms) : 1 (event-driven)
                                  dy/dt = -y / ({p['tau_minus']}*ms) : 1 (event-driven)""",
                    on_pre=f"c -= {p['A_minus']} * y\nI_ex_post += w\nx += 1",
                    on_post=f"c += {p['A_plus']} * x\ny += 1",
                    delay=D_P * b2.ms, method="rk4", name=name, namespace={"reward": reward})
    s.connect()
    s.w = W_P * b2.pA
    s.run_regularly("n_mod = reward(t)", when="start")
    return s


def tsodyks_synapses(src, tgt, name):
    ms, pA = b2.ms, b2.pA
    s = b2.Synapses(src, tgt, """w : amp
                                 u : 1
                                 x : 1
                                 tlast : second""",
                    on_pre=f"""x = 1 + (x - x * u - 1) * exp(-(t - tlast) / ({TM['tau_rec']}*ms))
                               u = {TM['U']} + u * (1 - {TM['U']}) * exp(-(t - tlast) / ({TM['tau_fac']}*ms))
                               I_ex_post += x * u * w
                               tlast = t""",
                    delay=D_Q * ms, name=name)
    s.connect()
    s.w = W_Q * pA
    s.u = TM["U"]
    s.x = 1.0
    # NEST 3.9 (and myelin) leave u = U, x = 1 at the first spike: as if its
    # predecessor were infinitely far back.
    s.tlast = -1e9 * ms
    return s


def read_spikes(path, pop):
    with h5py.File(path, "r") as f:
        return f[f"spikes/{pop}/timestamps"][()], f[f"spikes/{pop}/node_ids"][()]


def main(myelin, work, case_dir=None):
    os.makedirs(work, exist_ok=True)
    model = os.path.join(work, "plastic_brian2.toml")
    with open(model, "w") as f:
        f.write(MODEL)
    out = os.path.join(work, "myelin")
    subprocess.run([myelin, "run", model, "-o", out, "-q", "--threads", "2"], check=True)

    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT * b2.ms
    ms, mV, pA, pF = b2.ms, b2.mV, b2.pA, b2.pF
    objects, gens = [], {}
    for pop, n in (("P", 30), ("Q", 10), ("R", 10)):
        stamps, ids = read_spikes(os.path.join(out, "spikes.h5"), pop)
        gens[pop] = b2.SpikeGeneratorGroup(n, ids.astype(int), (stamps - DT) * ms, name=f"gen_{pop}")
        objects.append(gens[pop])
    groups, monitors = {}, {}
    for pop in ("A", "B", "C", "D"):
        # r: the rate estimate of synaptic scaling (used by C's synapses).
        g = b2.NeuronGroup(4, EQS, threshold="v >= V_th", reset="v = V_reset\nr += 1 / tau_rate",
                           refractory=(NEURON["t_ref"] + DT) * ms,
                           method="exact", name=f"pop_{pop}",
                           namespace=dict(E_L=NEURON["E_L"] * mV, tau_m=NEURON["tau_m"] * ms, C_m=NEURON["C_m"] * pF,
                                          tau_ex=NEURON["tau_syn_ex"] * ms, tau_in=NEURON["tau_syn_in"] * ms,
                                          I_e=NEURON["I_e"] * pA,
                                          V_th=NEURON["V_th"] * mV, V_reset=NEURON["V_reset"] * mV,
                                          tau_rate=SCALING["tau"] * ms))
        g.v = NEURON["E_L"] * mV
        groups[pop] = g
        monitors[pop] = b2.SpikeMonitor(g)
        objects += [g, monitors[pop]]
    syn = {"P_to_A": stdp_synapses(gens["P"], groups["A"], STDP_A, "stdp_A"),
           "P_to_B": stdp_synapses(gens["P"], groups["B"], STDP_B, "stdp_B"),
           "Q_to_A": tsodyks_synapses(gens["Q"], groups["A"], "tm_A"),
           "Q_to_B": tsodyks_synapses(gens["Q"], groups["B"], "tm_B"),
           "P_to_C": symmetric_synapses(gens["P"], groups["C"], "sym_C"),
           "R_to_A": vogels_synapses(gens["R"], groups["A"], "vogels_A"),
           "P_to_D": dopamine_synapses(gens["P"], groups["D"], "dopamine_D")}
    objects += list(syn.values())
    # One step more: the dopamine synapses' last step (see dopamine_synapses).
    b2.Network(*objects).run(T_STOP * ms + DT * ms)

    if case_dir:
        with open(os.path.join(case_dir, "model.toml"), "w") as f:
            f.write("# Written by validation/plasticity/compare_brian2.py --write-case (its docstring\n"
                    "# describes the network).\n" + MODEL)
        ref = {}
        for p in ("A", "B", "C", "D"):
            t, i = stamp(monitors[p], DT)
            ref[p] = (t[t <= T_STOP + 1e-9], i[t <= T_STOP + 1e-9])  # Brian2 ran one step more
        write_spikes(os.path.join(case_dir, "reference.h5"), ref, DT, "validation/plasticity/compare_brian2.py --write-case")
    failures = 0
    for pop in ("A", "B", "C", "D"):
        tm, im = read_spikes(os.path.join(out, "spikes.h5"), pop)
        tb = np.asarray(monitors[pop].t / ms) + DT
        ib = np.asarray(monitors[pop].i)[tb <= T_STOP + 1e-9]
        tb = tb[tb <= T_STOP + 1e-9]
        same = 0
        for n in range(4):
            a = np.round(np.sort(tm[im == n]) / DT).astype(int)
            b = np.round(np.sort(tb[ib == n]) / DT).astype(int)
            same += len(a) == len(b) and np.array_equal(a, b)
        ok = same == 4
        failures += not ok
        print(f"{pop}: {len(tm)} spikes (Brian2 {len(tb)}), trains identical to the step for {same}/4 neurons"
              f" {'ok' if ok else 'FAIL'}")
    with h5py.File(os.path.join(out, "synapses.h5"), "r") as f:
        for name, w0 in (("P_to_A", W_P), ("P_to_B", W_P), ("P_to_C", W_P), ("R_to_A", W_R), ("P_to_D", W_P)):
            e = f[f"edges/{name}"]
            src, tgt, w = e["source_node_id"][()], e["target_node_id"][()], e["0/syn_weight"][()]
            s = syn[name]
            bw = {(int(i), int(j)): float(x) for i, j, x in zip(s.i[:], s.j[:], s.w[:] / pA)}
            ref = np.array([bw[(int(i), int(j))] for i, j in zip(src, tgt)])
            rel = np.max(np.abs(w - ref) / np.maximum(np.abs(ref), 1e-300))
            moved = np.max(np.abs(w - w0))
            ok = rel <= 1e-9 and moved > 1.0
            failures += not ok
            print(f"{name}: {len(w)} weights, mean {w.mean():.3f} pA (from {w0}), largest change {moved:.2f} pA, "
                  f"max relative difference to Brian2 {rel:.1e} {'ok' if ok else 'FAIL'}")
        for name in ("Q_to_A", "Q_to_B"):
            e = f[f"edges/{name}"]
            src, tgt = e["source_node_id"][()], e["target_node_id"][()]
            s = syn[name]
            for var in ("u", "x"):
                mine = e[f"0/{var}"][()]
                bv = {(int(i), int(j)): float(x) for i, j, x in zip(s.i[:], s.j[:], getattr(s, var)[:])}
                ref = np.array([bv[(int(i), int(j))] for i, j in zip(src, tgt)])
                rel = np.max(np.abs(mine - ref) / np.abs(ref))
                ok = rel <= 1e-9
                failures += not ok
                print(f"{name}: {var} of {len(mine)} synapses, max relative difference to Brian2 {rel:.1e}"
                      f" {'ok' if ok else 'FAIL'}")
    return failures


if __name__ == "__main__":
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != "--write-case"):
        sys.exit(__doc__)
    sys.exit(1 if main(sys.argv[1], sys.argv[2], sys.argv[4] if len(sys.argv) == 5 else None) else 0)
