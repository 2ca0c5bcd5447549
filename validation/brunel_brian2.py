#!/usr/bin/python3
"""Reference spike trains of the Brunel (2000) network with alpha PSCs
(models/brunel.toml, NEST's brunel_alpha_nest.py) from Brian2.

The network is rebuilt with its own random connectivity (fixed in-degree,
multapses allowed, as NEST and myelin) and Poisson drive (Brunel's CE
external neurons per target, each at eta * nu_th), so it is another
realisation of the same model: compare it with `myelin validate --mode
stats`, not spike by spike.

Usage: brunel_brian2.py OUT.h5 [--g G] [--eta ETA] [--t-stop MS] [--keep N] [--seed S]
--keep N writes only the spikes of the first N neurons of each population
(the reference sets keep their committed data small).
"""
import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2 as b2  # noqa: E402

from brian2_nest import lif_group, on_pre, stamp, write_spikes  # noqa: E402

DT = 0.1
NE, NI = 10000, 2500
CE, CI = 1000, 250
J = 0.1  # mV, PSP peak
D = 1.5  # ms
NEURON = dict(C_m=250.0, tau_m=20.0, t_ref=2.0, E_L=0.0, V_reset=0.0, V_th=20.0, tau_syn_ex=0.5, tau_syn_in=0.5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--g", type=float, default=5.0)
    ap.add_argument("--eta", type=float, default=2.0)
    ap.add_argument("--t-stop", type=float, default=1000.0)
    ap.add_argument("--keep", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = DT * b2.ms
    b2.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    ms, pA, Hz = b2.ms, b2.pA, b2.Hz

    j_ex = 20.68015524367846  # pA, J / ComputePSPnorm (models/brunel.toml)
    j_in = -args.g * j_ex
    tau_m, tau_s, c_m, theta = NEURON["tau_m"], NEURON["tau_syn_ex"], NEURON["C_m"], NEURON["V_th"]
    nu_th = theta * c_m / (j_ex * CE * math.e * tau_m * tau_s)  # 1/ms
    nu_ext = args.eta * nu_th * 1000.0  # Hz per external neuron

    g = lif_group(NE + NI, "iaf_psc_alpha", NEURON, DT, "brunel")
    exc, inh = g[:NE], g[NE:]
    objects = [g]
    for src_n, src_off, k, w, ch in ((NE, 0, CE, j_ex, "ex"), (NI, NE, CI, j_in, "in")):
        s = b2.Synapses(g, g, "w : amp", on_pre=on_pre("iaf_psc_alpha", ch), delay=D * ms, name=f"from_{ch}")
        pre = rng.integers(0, src_n, size=(NE + NI, k)) + src_off
        post = np.repeat(np.arange(NE + NI), k)
        s.connect(i=pre.ravel(), j=post)
        s.w = w * pA
        objects.append(s)
    objects.append(b2.PoissonInput(g, "x_ex", CE, nu_ext * Hz, weight=f"{j_ex}*pA * exp(1) / tau_ex"))
    me, mi = b2.SpikeMonitor(exc), b2.SpikeMonitor(inh)
    objects += [me, mi]
    net = b2.Network(*objects)
    net.run(args.t_stop * ms, report="text", report_period=60 * b2.second)
    pops = {"E": stamp(me, DT), "I": stamp(mi, DT)}
    for name, (t, _) in pops.items():
        n = NE if name == "E" else NI
        print(f"{name}: {len(t) / n / (args.t_stop / 1000.0):.2f} Hz")
    keep = {"E": args.keep, "I": args.keep} if args.keep else None
    write_spikes(args.out, {k: (t[t <= args.t_stop + 1e-9], i[t <= args.t_stop + 1e-9]) for k, (t, i) in pops.items()},
                 DT, f"validation/brunel_brian2.py --g {args.g} --eta {args.eta} --t-stop {args.t_stop} --seed {args.seed}",
                 keep)


if __name__ == "__main__":
    main()
