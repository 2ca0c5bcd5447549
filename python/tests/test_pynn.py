"""pyNN.myelin's own behaviour: running in pieces, reset(), changes
between runs, weights read back, recording of views, and clear errors for
what it does not support or cannot do after the network is built.
Run with the build tree's python/ on PYTHONPATH."""
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _myelin_pynn  # noqa: E402,F401
import pyNN.myelin as sim  # noqa: E402
from pyNN.errors import ConnectionError as PyNNConnectionError  # noqa: E402


def network(seed=1):
    sim.setup(timestep=0.1, min_delay=0.5, rng_seed=seed)
    src = sim.Population(20, sim.SpikeSourcePoisson(rate=50.0), label="src")
    cells = sim.Population(30, sim.IF_curr_exp(tau_refrac=2.0), label="cells")
    prj = sim.Projection(src, cells, sim.FixedProbabilityConnector(0.3), sim.StaticSynapse(weight=0.4, delay=1.0),
                         receptor_type="excitatory")
    cells.record(["spikes", "v"])
    return src, cells, prj


def spike_times(pop):
    return [list(st.magnitude) for st in pop.get_data().segments[-1].spiketrains]


class PyNNMyelin(unittest.TestCase):
    def test_runs_in_pieces_equal_one_run(self):
        _, cells, _ = network()
        sim.run(200.0)
        one = spike_times(cells)
        _, cells, _ = network()
        sim.run(70.0)
        sim.run(130.0)
        self.assertEqual(spike_times(cells), one)
        self.assertGreater(sum(map(len, one)), 20)
        v = cells.get_data().segments[0].filter(name="v")[0]
        self.assertEqual(v.shape, (2001, 30))
        self.assertEqual(float(v[0, 0]), -65.0)  # PyNN's default initial v, at t = 0

    def test_reset_rebuilds_the_same_network_in_a_new_segment(self):
        _, cells, prj = network()
        sim.run(100.0)
        first = spike_times(cells)
        weights = prj.get("weight", format="list")
        sim.reset()
        sim.run(100.0)
        block = cells.get_data()
        self.assertEqual(len(block.segments), 2)
        self.assertEqual([list(st.magnitude) for st in block.segments[1].spiketrains], first)
        self.assertEqual(prj.get("weight", format="list"), weights)

    def test_connections_read_before_run_are_those_built(self):
        _, cells, prj = network()
        self.assertIsNotNone(prj.native)  # drawn by myelin, not by PyNN
        before = prj.get(["weight", "delay"], format="list")
        more = sim.Population(5, sim.IF_curr_exp(), label="more")  # declared afterwards
        sim.Projection(cells, more, sim.FixedNumberPreConnector(3), sim.StaticSynapse(weight=0.1))
        sim.run(10.0)
        self.assertEqual(prj.get(["weight", "delay"], format="list"), before)
        self.assertEqual(len(prj), len(before))

    def test_an_assembly_of_populations_is_drawn_by_myelin(self):
        src, cells, _ = network()
        more = sim.Population(5, sim.IF_curr_exp(), label="more")
        prj = sim.Projection(src, cells + more, sim.FixedNumberPreConnector(3), sim.StaticSynapse(weight=0.1),
                             receptor_type="excitatory")
        self.assertEqual([(a.label, b.label) for a, b in prj.native_pairs], [("src", "cells"), ("src", "more")])
        self.assertEqual(len(prj), 3 * 35)
        _, post = prj.get("weight", format="array").shape
        self.assertEqual(post, 35)

    def test_weights_and_delays_come_back_in_pynn_units(self):
        _, _, prj = network()
        w, d = prj.get(["weight", "delay"], format="array")
        self.assertEqual(w.shape, (20, 30))
        present = ~np.isnan(w)
        self.assertTrue(np.allclose(w[present], 0.4) and np.allclose(d[present], 1.0))
        self.assertEqual(int(present.sum()), len(prj))
        cells = sim.Population(4, sim.IF_cond_exp(), label="cond")
        inh = sim.Projection(cells, cells, sim.FromListConnector([(0, 1, 0.01, 1.5), (2, 3, 0.02, 2.0)]),
                             receptor_type="inhibitory")
        self.assertEqual(sorted(inh.get(["weight", "delay"], format="list")), [(0, 1, 0.01, 1.5), (2, 3, 0.02, 2.0)])
        inh.set(weight=0.03)
        self.assertEqual([c[2] for c in inh.get("weight", format="list")], [0.03, 0.03])
        # A projection myelin draws takes a constant or a distribution as it
        # is; values per connection turn it into a listed one.
        drawn = sim.Projection(cells, cells, sim.FixedNumberPreConnector(2), receptor_type="excitatory")
        drawn.set(weight=0.02, delay=sim.RandomDistribution("uniform", low=1.0, high=2.0))
        self.assertEqual(drawn.native["weight"].lower, 20.0)
        drawn.set(weight=np.arange(16.0).reshape(4, 4) * 0.001)
        self.assertIsNone(drawn.native)
        w = drawn.get("weight", format="array")
        present = ~np.isnan(w)
        self.assertEqual(int(present.sum()), 8)
        self.assertTrue(np.allclose(w[present], (np.arange(16.0).reshape(4, 4) * 0.001)[present]))

    def test_changes_between_runs(self):
        src, cells, _ = network()
        sim.run(100.0)
        cells.initialize(v=-55.0)  # the state now (threshold: -50 mV)
        src.set(rate=0.0)  # sources fall silent
        sim.run(100.0)
        v = cells.get_data().segments[0].filter(name="v")[0]
        after = np.asarray(v[1001]).ravel()  # t = 100.1 ms; refractory cells stay at v_reset
        self.assertGreater(int(np.sum(np.abs(after + 55.0) < 0.5)), 25)
        with self.assertRaisesRegex(NotImplementedError, r"record\('spikes'\) after run\(\).*reset\(\)"):
            src.record("spikes")  # too late: the network is built
        sim.run(10.0)  # and the refused recording is not half-made
        self.assertEqual(len(src.get_data().segments[0].spiketrains), 0)

    def test_what_cannot_change_after_run_says_so(self):
        _, cells, _ = network()
        sim.run(10.0)
        with self.assertRaisesRegex(NotImplementedError, "creating a Population after run"):
            sim.Population(2, sim.IF_curr_exp())
        with self.assertRaisesRegex(NotImplementedError, "setting tau_m of cells after run"):
            cells.set(tau_m=12.0)
        sim.reset()
        cells.set(tau_m=12.0)  # allowed again: rebuilt at the next run
        sim.run(10.0)

    def test_unsupported_features_name_themselves(self):
        sim.setup()
        cells = sim.Population(3, sim.IF_curr_exp(), label="c")
        with self.assertRaisesRegex(NotImplementedError, "ACSource"):
            sim.ACSource(amplitude=1.0)
        with self.assertRaisesRegex(NotImplementedError, "HH_cond_exp is not supported"):
            sim.HH_cond_exp()
        self.assertNotIn("HH_cond_exp", sim.list_standard_models())
        self.assertIn("EIF_cond_exp_isfa_ista", sim.list_standard_models())
        with self.assertRaisesRegex(NotImplementedError, "w_min != 0"):
            sim.AdditiveWeightDependence(w_min=0.1, w_max=1.0)
        cells[0:1].set(tau_m=5.0)
        with self.assertRaisesRegex(NotImplementedError, "heterogeneous parameter values \\('tau_m'"):
            sim.run(1.0)

    def test_bad_input_is_refused_with_pynn_or_myelin_messages(self):
        sim.setup(timestep=0.1, min_delay=0.1)
        a = sim.Population(3, sim.IF_curr_exp(), label="a")
        with self.assertRaisesRegex(PyNNConnectionError, "Weights must be negative"):
            sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1), receptor_type="inhibitory")
        a.set(tau_m=-1.0)
        import myelin
        with self.assertRaisesRegex(myelin.InputError, "tau_m"):
            sim.run(1.0)
        sim.setup(timestep=0.1)
        early = sim.Population(1, sim.SpikeSourceArray(spike_times=[0.1]), label="early")
        early.record("spikes")
        with self.assertRaisesRegex(ValueError, "spike times before 2 dt"):
            sim.run(1.0)

    def test_spike_sources_and_native_types(self):
        sim.setup(timestep=0.1, min_delay=0.1)
        times = [[5.0, 10.0], [7.5], []]
        arr = sim.Population(3, sim.SpikeSourceArray(spike_times=times), label="arr")
        adex = sim.Population(2, sim.native_cell_type("aeif_psc_exp")(I_e=1000.0), label="adex")
        arr.record("spikes")
        adex.record(["spikes", "w"])
        sim.run(50.0)
        self.assertEqual(spike_times(arr), times)
        self.assertGreater(sum(map(len, spike_times(adex))), 0)
        arr.set(spike_times=[[60.0], [60.0], [70.0]])  # after now: added to the running generators
        sim.run(30.0)
        self.assertEqual(spike_times(arr), [[5.0, 10.0, 60.0], [7.5, 60.0], [70.0]])

    def test_write_data_gives_a_neo_file(self):
        _, cells, _ = network()
        sim.run(50.0)
        with tempfile.TemporaryDirectory() as d:
            cells.write_data(os.path.join(d, "cells.pkl"))
            import neo
            block = neo.io.PickleIO(os.path.join(d, "cells.pkl")).read_block()
            self.assertEqual(len(block.segments[0].spiketrains), 30)


if __name__ == "__main__":
    unittest.main(verbosity=2)
