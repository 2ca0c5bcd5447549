"""The myelin Python module (ctest label `python`): models built in Python
equal the same models from TOML, runs in pieces equal one run, state and
stimuli change between runs, checkpoints restore, the GIL is free while
the engine runs, and bad input raises InputError with the CLI's message."""
import os
import subprocess
import sys
import tempfile
import threading
import unittest

import numpy as np

import myelin

MYELIN = os.environ.get("MYELIN_BINARY", "myelin")

TOML = """
[run]
dt = 0.1
t_stop = 200.0
seed = 11
[[population]]
name = "E"
model = "iaf_psc_exp"
size = 160
initial = { V_m = { uniform = { min = -70.0, max = -55.0 } } }
[[population]]
name = "I"
model = "iaf_psc_exp"
size = 40
[[projection]]
source = "E"
target = "E"
rule = "fixed_indegree"
indegree = 16
weight = 20.0
delay = { uniform = { min = 1.0, max = 3.0 } }
synapse_model = "stdp_synapse"
synapse = { lambda = 0.02, Wmax = 60.0 }
[[projection]]
source = "E"
target = "I"
rule = "pairwise_bernoulli"
p = 0.1
weight = 30.0
delay = 1.5
[[projection]]
source = "I"
target = "E"
rule = "fixed_outdegree"
outdegree = 20
weight = -60.0
delay = 2.0
[[stimulus]]
name = "drive"
type = "poisson_generator"
targets = ["E", "I"]
rate = 12000.0
weight = 15.0
delay = 0.1
"""


def coded():
    """The model of TOML, built in Python."""
    spec = myelin.ModelSpec("coded")
    spec.run.dt, spec.run.t_stop, spec.run.seed = 0.1, 200.0, 11
    spec.populations.append(myelin.Population("E", "iaf_psc_exp", 160,
                                              initial={"V_m": myelin.Value.uniform(-70.0, -55.0)}))
    spec.populations.append(myelin.Population("I", "iaf_psc_exp", 40))
    spec.projections.append(myelin.Projection("E", "E", "fixed_indegree", indegree=16, weight=20.0,
                                              delay=myelin.Value.uniform(1.0, 3.0), synapse_model="stdp_synapse",
                                              synapse={"lambda": 0.02, "Wmax": 60.0}))
    spec.projections.append(myelin.Projection("E", "I", "pairwise_bernoulli", p=0.1, weight=30.0, delay=1.5))
    spec.projections.append(myelin.Projection("I", "E", "fixed_outdegree", outdegree=20, weight=-60.0, delay=2.0))
    spec.stimuli.append(myelin.PoissonGenerator("drive", ["E", "I"], rate=12000.0, weight=15.0, delay=0.1))
    return spec


def toml_model(directory, text=TOML, name="model.toml"):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def spikes(sim):
    return {p: (ids.copy(), t.copy()) for p, (ids, t) in sim.spikes().items()}


class Module(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="myelin_py_")

    def assertSameSpikes(self, a, b):
        self.assertEqual(sorted(a), sorted(b))
        for p in a:
            np.testing.assert_array_equal(a[p][0], b[p][0])
            np.testing.assert_array_equal(a[p][1], b[p][1])

    def test_a_model_built_in_python_equals_the_toml_model(self):
        from_file = myelin.Simulation(myelin.load_model(toml_model(self.dir)), threads=1)
        from_file.run_until(200.0)
        in_code = myelin.Simulation(coded(), threads=2)
        in_code.run_until(200.0)
        a, b = spikes(from_file), spikes(in_code)
        self.assertGreater(len(a["E"][1]), 300)
        self.assertSameSpikes(a, b)

    def test_runs_in_pieces_equal_one_run(self):
        one = myelin.Simulation(coded(), threads=1)
        one.run_until(200.0)
        pieces = myelin.Simulation(coded(), threads=1)
        for t in (13.0, 50.0, 50.0, 120.5, 200.0):
            self.assertEqual(pieces.run_until(t), t)
        self.assertSameSpikes(spikes(one), spikes(pieces))

    def test_state_and_stimuli_change_between_runs(self):
        sim = myelin.Simulation(coded(), threads=1)
        v = sim.get_state("E", "V_m")
        self.assertIsInstance(v, np.ndarray)
        self.assertEqual(v.shape, (160,))
        self.assertTrue(np.all((v >= -70.0) & (v <= -55.0)))
        sim.set_rate("drive", 0.0)
        sim.run_until(50.0)
        sim.clear_spikes()
        sim.set_state("E", "V_m", np.full(160, -50.0))  # above threshold: all fire in the next step
        sim.run_until(50.2)
        ids, t = sim.spikes()["E"]
        self.assertEqual(sorted(ids.tolist()), list(range(160)))
        self.assertTrue(np.all(t == 50.1))

    def test_a_checkpoint_restores_bit_exactly(self):
        straight = myelin.Simulation(coded(), threads=2)
        straight.run_until(100.0)
        path = straight.checkpoint(os.path.join(self.dir, "ckpt"))
        straight.clear_spikes()
        straight.run_until(200.0)
        resumed = myelin.Simulation(coded(), threads=1, restore=path)
        self.assertEqual(resumed.time, 100.0)
        resumed.run_until(200.0)
        self.assertSameSpikes(spikes(straight), spikes(resumed))

    def test_callbacks_see_every_spike_and_sample(self):
        spec = coded()
        spec.recorders.append(myelin.StateRecorder("I", ["V_m"], neurons=3, interval=0.5))
        sim = myelin.Simulation(spec, threads=2)
        seen, samples = [], []
        sim.on_spikes(lambda pop, node, t: seen.extend(zip(pop.tolist(), node.tolist(), t.tolist())))
        sim.on_samples(lambda pop, node, var, t, v: samples.extend(zip(node.tolist(), t.tolist(), v.tolist())))
        sim.run_until(100.0)
        kept = sim.spikes()
        self.assertEqual(sorted((n, t) for p, n, t in seen if p == 0),
                         sorted(zip(kept["E"][0].tolist(), kept["E"][1].tolist())))
        self.assertEqual(len(samples), 200 * 3)
        v = sim.get_state("I", "V_m")
        self.assertEqual(sorted((n, x) for n, t, x in samples if t == 100.0), [(n, v[n]) for n in range(3)])

    def test_the_gil_is_free_while_the_engine_runs(self):
        sim = myelin.Simulation(coded(), threads=1)
        ticks = [0]
        running = threading.Event()
        done = threading.Event()

        def count():
            running.set()
            while not done.is_set():
                ticks[0] += 1

        t = threading.Thread(target=count)
        t.start()
        running.wait()
        before = ticks[0]
        sim.run_until(200.0)
        during = ticks[0] - before
        done.set()
        t.join()
        self.assertGreater(during, 0)

    def test_outputs_and_neo(self):
        spec = coded()
        spec.recorders.append(myelin.StateRecorder("I", ["V_m"], neurons=2, interval=1.0))
        sim = myelin.Simulation(spec, threads=1, output_dir=os.path.join(self.dir, "out"))
        samples = myelin.Samples(sim)
        sim.run_until(20.0)
        summary = sim.finish()
        self.assertEqual(summary["neurons"], 200)
        for f in ("spikes.h5", "V_m.h5", "summary.json"):
            self.assertTrue(os.path.exists(os.path.join(self.dir, "out", f)), f)
        block = myelin.to_neo(sim, samples)
        self.assertEqual(len(block.segments[0].spiketrains), 200)
        (v,) = block.segments[0].analogsignals
        self.assertEqual((v.shape, str(v.units.dimensionality), float(v.t_start)), ((20, 2), "mV", 1.0))
        times, nodes, values = samples.get("I", "V_m")
        self.assertEqual(list(nodes), [0, 1])
        self.assertTrue(np.array_equal(values, np.asarray(v)))
        with self.assertRaisesRegex(myelin.InputError, "expected one of V_m"):
            samples.get("I", "g_ex")
        with self.assertRaisesRegex(myelin.InputError, "a population a state recorder records"):
            samples.get("E", "V_m")
        self.assertEqual(sim.spec.populations[1].name, "I")

    def test_the_catalogue_lists_models(self):
        names = [m.name for m in myelin.neuron_models()]
        self.assertIn("iaf_psc_alpha", names)
        tau = [p for p in myelin.neuron_models()[names.index("iaf_psc_alpha")].parameters if p.name == "tau_m"][0]
        self.assertEqual((tau.unit, tau.default), ("ms", 10.0))
        self.assertIn("stdp_synapse", [m.name for m in myelin.synapse_models()])

    def test_learning_is_frozen_and_scaling_set_between_runs(self):
        spec = coded()
        spec.projections[0] = myelin.Projection(
            "E", "E", "fixed_indegree", indegree=16, weight=20.0, delay=myelin.Value.uniform(1.0, 3.0),
            synapse_model="stdp_symmetric_synapse", synapse={"eta": 0.05, "Wmax": 60.0},
            scaling={"target_rate": 5.0, "beta": 0.01, "interval": 50.0})
        self.assertEqual(spec.projections[0].scaling.interval, 50.0)
        sim = myelin.Simulation(spec, threads=1)
        sim.run_until(100.0)
        sim.set_synapse_parameter(0, "eta", 0.0)
        sim.set_synapse_parameter(0, "scaling.beta", 0.0)
        frozen = sim.connections(0)["weights"].copy()
        sim.run_until(200.0)
        np.testing.assert_array_equal(sim.connections(0)["weights"], frozen)
        sim.set_synapse_parameter(0, "eta", 0.0)  # a rule change while scaling is paused
        sim.set_synapse_parameter(0, "scaling.beta", 0.05)
        sim.run_until(300.0)
        self.assertFalse(np.array_equal(sim.connections(0)["weights"], frozen))
        with self.assertRaisesRegex(myelin.InputError, "not beta2"):
            myelin.Projection("E", "E", scaling={"beta2": 1.0})


class BadInput(unittest.TestCase):
    def message(self, f):
        with self.assertRaises(myelin.InputError) as cm:
            f()
        self.assertIsInstance(cm.exception, ValueError)
        return str(cm.exception)

    def test_a_bad_model_file_says_what_the_cli_says(self):
        d = tempfile.mkdtemp(prefix="myelin_py_")
        path = toml_model(d, TOML.replace('model = "iaf_psc_exp"\nsize = 40', 'model = "iaf_psc_nope"\nsize = 40'))
        msg = self.message(lambda: myelin.load_model(path))
        cli = subprocess.run([MYELIN, "run", path, "-o", os.path.join(d, "o")], capture_output=True, text=True)
        self.assertEqual(cli.returncode, 2)
        self.assertEqual(cli.stderr.strip(), "myelin: error: " + msg)
        self.assertIn("iaf_psc_nope", msg)

    def test_bad_specs_built_in_python(self):
        spec = coded()
        spec.populations[0].params["tau_m"] = -1.0
        self.assertIn("population[0].params.tau_m", self.message(lambda: myelin.check(spec)))
        spec = coded()
        spec.projections[1].p = 1.5
        self.assertIn("probability", self.message(lambda: myelin.Simulation(spec, threads=1)))
        spec = coded()
        spec.projections.append(myelin.Projection("E", "X"))
        self.assertIn("projection[3].target", self.message(lambda: myelin.check(spec)))
        self.assertIn("rule", self.message(lambda: setattr(myelin.ProjectionSpec(), "rule", "random")))
        self.assertIn("indegree", self.message(lambda: myelin.Projection("E", "I", "fixed_indegree")))
        with self.assertRaises(TypeError):
            myelin.Simulation(coded(), threads=1, no_such_option=1)
        self.assertIn("at most 20 MB per rank", self.message(lambda: myelin.Simulation(coded(), threads=1, memory_limit_mb=20.0)))

    def test_bad_calls(self):
        sim = myelin.Simulation(coded(), threads=1)
        sim.run_until(10.0)
        self.assertIn("at or after", self.message(lambda: sim.run_until(5.0)))
        self.assertIn("V_m", self.message(lambda: sim.get_state("E", "w")))
        self.assertIn("160", self.message(lambda: sim.set_state("E", "V_m", [0.0] * 3)))
        self.assertIn("drive", self.message(lambda: sim.set_rate("nope", 1.0)))
        self.assertIn("a plastic projection", self.message(lambda: sim.set_synapse_parameter(1, "lambda", 0.0)))
        self.assertIn("fixed at the build", self.message(lambda: sim.set_synapse_parameter(0, "tau_plus", 1.0)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
