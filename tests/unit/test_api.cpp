// The embeddable API (include/myelin/simulation.hpp): a Simulation run in
// pieces equals one run, spike callbacks and kept spikes, state and
// stimuli changed between runs, checkpoints from the API, and bad calls.
#include <limits>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "myelin/catalogue.hpp"
#include "myelin/context.hpp"
#include "myelin/error.hpp"
#include "myelin/simulation.hpp"
#include "test_support.hpp"

using namespace myelin;

namespace {

/// Recurrent, mixed delays, Poisson drive, plastic E -> E synapses with
/// NEST's dendritic convention, a spike generator and a parrot.
ModelSpec api_model() {
  return test::model_from(R"(
[run]
dt = 0.1
t_stop = 300.0
seed = 7
[[population]]
name = "E"
model = "iaf_psc_exp"
size = 200
initial = { V_m = { uniform = { min = -70.0, max = -56.0 } } }
[[population]]
name = "I"
model = "iaf_psc_exp"
size = 50
[[population]]
name = "R"
model = "parrot_neuron"
size = 3
[[projection]]
source = "E"
target = "E"
rule = "fixed_indegree"
indegree = 20
weight = 30.0
delay = { uniform = { min = 0.5, max = 3.0 } }
synapse_model = "stdp_synapse"
synapse = { lambda = 0.05, Wmax = 100.0 }
[[projection]]
source = "E"
target = "I"
rule = "fixed_indegree"
indegree = 20
weight = 40.0
delay = 1.0
[[projection]]
source = "I"
target = "E"
rule = "fixed_indegree"
indegree = 10
weight = -30.0
delay = 2.5
[[stimulus]]
name = "drive"
type = "poisson_generator"
targets = ["E", "I"]
rate = 16000.0
weight = 15.0
delay = 0.1
[[stimulus]]
name = "cue"
type = "spike_generator"
targets = ["R"]
spike_times = [5.0]
weight = 1.0
delay = 1.0
)",
                          "api");
}

RunOptions quiet(const std::string& dir) {
  RunOptions o;
  o.output_dir = dir;
  o.progress = false;
  o.write_outputs = false;
  o.checkpoint_on_signal = false;
  return o;
}

std::size_t total(const SpikeTrains& s) {
  std::size_t n = 0;
  for (const auto& t : s.times) n += t.size();
  return n;
}

}  // namespace

TEST(Api, RunningInPiecesEqualsOneRun) {
  const ModelSpec spec = api_model();
  SpikeTrains one;
  {
    Simulation sim(spec, Context(MPI_COMM_WORLD, 2), quiet("one"));
    EXPECT_EQ(sim.run_until(300.0), 300.0);
    one = sim.spikes();
  }
  ASSERT_GT(one.times[0].size(), 500u) << "E hardly fired: the test would see little";
  Simulation sim(spec, Context(MPI_COMM_WORLD, 2), quiet("pieces"));
  for (double t : {0.0, 0.3, 57.1, 57.1, 120.0, 299.9, 300.0}) EXPECT_DOUBLE_EQ(sim.run_until(t), t);
  const SpikeTrains pieces = sim.spikes();
  for (std::size_t p = 0; p < 3; ++p) {
    EXPECT_EQ(pieces.node_ids[p], one.node_ids[p]) << "population " << p;
    EXPECT_EQ(pieces.times[p], one.times[p]) << "population " << p;
  }
  // run() gives the same spikes.
  ModelSpec s2 = spec;
  RunOptions o = quiet("run");
  o.threads = 1;
  SpikeTrains via_run;
  run(s2, o, &via_run);
  EXPECT_EQ(via_run.times, one.times);
}

TEST(Api, CallbacksSeeEverySpikeInTimeOrder) {
  Simulation sim(api_model(), Context(MPI_COMM_WORLD, 2), quiet("callbacks"));
  std::vector<Spike> seen;
  std::size_t calls = 0;
  sim.on_spikes([&](std::span<const Spike> s) {
    ++calls;
    seen.insert(seen.end(), s.begin(), s.end());
  });
  sim.run_until(100.0);
  const SpikeTrains kept = sim.spikes();
  ASSERT_EQ(seen.size(), total(kept));
  EXPECT_GE(calls, 100u);  // one per slice of 0.5 ms
  for (std::size_t i = 1; i < seen.size(); ++i) ASSERT_LE(seen[i - 1].time_ms, seen[i].time_ms);
  ASSERT_EQ(kept.times[2].size(), 3u) << "the parrots repeat the cue";
  EXPECT_DOUBLE_EQ(kept.times[2][0], 6.0);  // 5 ms + 1 ms delay
  sim.clear_spikes();
  sim.run_until(110.0);
  const SpikeTrains later = sim.spikes();
  for (double t : later.times[0]) EXPECT_GT(t, 100.0);
}

TEST(Api, StateIsReadAndSetBetweenRuns) {
  Simulation sim(api_model(), Context(MPI_COMM_WORLD, 1), quiet("state"));
  const std::vector<double> v0 = sim.get_state("E", "V_m");
  ASSERT_EQ(v0.size(), 200u);
  for (double v : v0) {
    EXPECT_GE(v, -70.0);
    EXPECT_LE(v, -56.0);
  }
  sim.set_state("I", "V_m", -90.0);
  for (double v : sim.get_state("I", "V_m")) EXPECT_EQ(v, -90.0);
  sim.set_rate("drive", 0.0);
  sim.run_until(20.0);
  // Past every delay no neuron is driven: E and I fall silent and decay.
  sim.clear_spikes();
  std::vector<double> above(200, -50.0);  // over threshold: all E fire in the next step
  sim.set_state("E", "V_m", above);
  sim.run_until(21.0);
  const SpikeTrains s = sim.spikes();
  ASSERT_EQ(s.times[0].size(), 200u);
  for (double t : s.times[0]) EXPECT_DOUBLE_EQ(t, 20.1);
}

TEST(Api, SampleCallbacksSeeEveryRecordedSample) {
  ModelSpec m = api_model();
  RecorderSpec r;
  r.kind = RecorderSpec::Kind::state;
  r.populations = {"E"};
  r.variables = {"V_m", "I_syn_ex"};
  r.max_neurons = 3;
  r.interval = 0.5;
  m.recorders.push_back(r);
  // In memory only (no report files): the callbacks are the only reader.
  RunOptions o = quiet("samples");
  o.write_outputs = false;
  Simulation sim(m, Context(MPI_COMM_WORLD, 2), o);
  std::vector<Sample> seen;
  sim.on_samples([&](std::span<const Sample> s) { seen.insert(seen.end(), s.begin(), s.end()); });
  sim.run_until(7.0);
  sim.run_until(20.0);
  // 40 sample times x 3 neurons x 2 variables, each time once, in order.
  ASSERT_EQ(seen.size(), 240u);
  for (std::size_t k = 0; k < seen.size(); ++k) {
    const Sample& s = seen[k];
    EXPECT_EQ(s.population, 0u);
    EXPECT_LT(s.node, 3u);
    EXPECT_DOUBLE_EQ(s.time_ms, 0.5 * static_cast<double>(k / 6 + 1));
    EXPECT_EQ(s.variable, k % 2);
  }
  // The last samples are the state at 20 ms, as get_state reads it.
  const std::vector<double> v = sim.get_state("E", "V_m");
  for (std::size_t k = seen.size() - 6; k < seen.size(); k += 2) EXPECT_EQ(seen[k].value, v[seen[k].node]);
}

TEST(Api, StimuliChangeFromNowOn) {
  Simulation sim(api_model(), Context(MPI_COMM_WORLD, 2), quiet("stimuli"));
  sim.run_until(50.0);
  sim.set_rate("drive", 0.0);
  sim.clear_spikes();
  sim.run_until(150.0);
  std::size_t late = 0;
  const SpikeTrains quiet_period = sim.spikes();
  for (double t : quiet_period.times[1]) late += t > 80.0;
  EXPECT_EQ(late, 0u) << "I still fires 30 ms after its drive stopped";
  sim.set_rate("drive", 16000.0);
  sim.add_spike_times("cue", {160.0, 170.5});
  sim.clear_spikes();
  sim.run_until(200.0);
  const SpikeTrains s = sim.spikes();
  EXPECT_GT(s.times[1].size(), 50u) << "the drive did not come back";
  ASSERT_EQ(s.times[2].size(), 6u);
  EXPECT_DOUBLE_EQ(s.times[2][0], 161.0);
  EXPECT_DOUBLE_EQ(s.times[2][5], 171.5);
}

namespace {

/// The spikes after 150 ms of `spec` run straight to 300 ms on 2 threads
/// (with `on_the_way` run first, before a checkpoint at 150 ms), and of the
/// same run restored from that checkpoint on 1 thread.
std::pair<SpikeTrains, SpikeTrains> straight_and_restored(const ModelSpec& spec, const std::string& name,
                                                          const std::function<void(Simulation&)>& on_the_way) {
  const auto dir = test::fresh_dir(name);
  SpikeTrains straight;
  std::string path;
  {
    Simulation sim(spec, Context(MPI_COMM_WORLD, 2), quiet("a"));
    on_the_way(sim);
    sim.run_until(150.0);
    path = sim.checkpoint(dir.string());
    sim.clear_spikes();
    sim.run_until(300.0);
    straight = sim.spikes();
  }
  RunOptions o = quiet("b");
  o.restore = path;
  Simulation sim(spec, Context(MPI_COMM_WORLD, 1), o);
  EXPECT_DOUBLE_EQ(sim.time(), 150.0);
  sim.run_until(300.0);
  std::filesystem::remove_all(dir);
  return {straight, sim.spikes()};
}

}  // namespace

TEST(Api, ACheckpointFromTheApiRestoresBitExactly) {
  const auto [straight, resumed] = straight_and_restored(api_model(), "api_checkpoint", [](Simulation&) {});
  EXPECT_GT(total(straight), 100u);
  EXPECT_EQ(resumed.node_ids, straight.node_ids);
  EXPECT_EQ(resumed.times, straight.times);
}

TEST(Api, StimulusChangesAreKeptInCheckpoints) {
  ModelSpec spec = api_model();
  StimulusSpec dc;
  dc.name = "step";
  dc.type = StimulusType::dc_generator;
  dc.targets = {"I"};
  dc.amplitude = 0.0;
  dc.delay = Value::constant(0.1);
  spec.stimuli.push_back(dc);
  const auto [straight, resumed] = straight_and_restored(spec, "api_stimulus_checkpoint", [](Simulation& sim) {
    sim.run_until(50.0);
    sim.set_rate("drive", 20000.0);
    sim.add_spike_times("cue", {160.0, 170.0});
    sim.run_until(100.0);
    sim.set_amplitude("step", 200.0);
  });
  // The parrots repeat the added cue spikes after the checkpoint.
  ASSERT_EQ(straight.times[2].size(), 6u);
  EXPECT_EQ(resumed.node_ids, straight.node_ids);
  EXPECT_EQ(resumed.times, straight.times);
}

TEST(Api, ALearningRateOfZeroFreezesPlasticWeightsFromThenOn) {
  Simulation sim(api_model(), Context(MPI_COMM_WORLD, 2), quiet("freeze"));
  sim.run_until(100.0);
  const std::vector<double> learnt = sim.connections(0).weights;
  sim.set_synapse_parameter(0, "lambda", 0.0);
  sim.run_until(200.0);
  EXPECT_EQ(sim.connections(0).weights, learnt);
  EXPECT_GT(total(sim.spikes()), 100u);  // the network spiked on: pairs were met and ignored
  sim.set_synapse_parameter(0, "lambda", 0.05);
  sim.run_until(300.0);
  EXPECT_NE(sim.connections(0).weights, learnt);
}

TEST(Api, SynapseChangesAreKeptInCheckpoints) {
  const auto [straight, resumed] = straight_and_restored(api_model(), "api_synapse_checkpoint", [](Simulation& sim) {
    sim.run_until(50.0);
    sim.set_synapse_parameter(0, "lambda", 0.5);   // fast learning: the weights, and so the spikes, differ
    sim.set_synapse_parameter(0, "Wmax", 300.0);
  });
  // Without the changes replayed the restored run would learn at lambda = 0.05.
  const auto [plain, unused] = straight_and_restored(api_model(), "api_synapse_plain", [](Simulation& sim) { sim.run_until(50.0); });
  EXPECT_NE(plain.times, straight.times);
  EXPECT_EQ(resumed.node_ids, straight.node_ids);
  EXPECT_EQ(resumed.times, straight.times);
}

TEST(Api, BadCallsAreInputErrors) {
  Simulation sim(api_model(), Context(MPI_COMM_WORLD, 1), quiet("bad"));
  sim.run_until(10.0);
  const auto message = [](auto&& f) {
    try {
      f();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([&] { sim.run_until(5.0); }).find("at or after"), std::string::npos);
  EXPECT_NE(message([&] { sim.run_until(10.05); }).find("multiple of dt"), std::string::npos);
  EXPECT_NE(message([&] { sim.get_state("X", "V_m"); }).find("populations"), std::string::npos);
  EXPECT_NE(message([&] { sim.get_state("E", "w"); }).find("V_m"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_state("E", "V_m", std::vector<double>(3, 0.0)); }).find("200"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_rate("cue", 10.0); }).find("poisson_generator"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_rate("drive", -1.0); }).find("0 Hz or more"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_rate("nothing", 1.0); }).find("a poisson_generator of the model (drive)"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_synapse_parameter(1, "lambda", 0.0); }).find("a plastic projection"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_synapse_parameter(9, "lambda", 0.0); }).find("3 projections"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_synapse_parameter(0, "eta", 0.0); }).find("lambda"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_synapse_parameter(0, "tau_plus", 5.0); }).find("fixed at the build"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_synapse_parameter(0, "scaling.beta", 1.0); }).find("synaptic scaling"), std::string::npos);
  EXPECT_NE(message([&] { sim.set_synapse_parameter(0, "Wmax", 10.0); }).find("synapse.Wmax = 10: expected an upper bound"), std::string::npos);
  EXPECT_NE(message([&] { sim.add_spike_times("cue", {3.0}); }).find("after the simulation's time"), std::string::npos);
  EXPECT_NE(message([&] { sim.add_spike_times("drive", {30.0}); }).find("spike_generator"), std::string::npos);
  EXPECT_NE(message([] { Context(MPI_COMM_WORLD, -1); }).find("threads"), std::string::npos);
  sim.finish();
  EXPECT_NE(message([&] { sim.run_until(20.0); }).find("finish"), std::string::npos);
  EXPECT_NE(message([&] { sim.finish(); }).find("finished"), std::string::npos);
}

namespace {

/// Two populations, a projection, a Poisson drive and a spike recorder,
/// built in code as a front end would.
ModelSpec coded_model() {
  ModelSpec m;
  m.name = "coded";
  m.run.t_stop = 100.0;
  PopulationSpec e;
  e.name = "E";
  e.model = "iaf_psc_alpha";
  e.size = 100;
  e.params["tau_m"] = 15.0;
  m.populations.push_back(e);
  PopulationSpec i = e;
  i.name = "I";
  i.size = 25;
  m.populations.push_back(i);
  ProjectionSpec p;
  p.source = "E";
  p.target = "I";
  p.rule = Rule::fixed_indegree;
  p.count = 10;
  p.weight = Value::constant(20.0);
  p.delay = Value::constant(1.5);
  m.projections.push_back(p);
  StimulusSpec s;
  s.name = "drive";
  s.targets = {"E", "I"};
  s.rate = 20000.0;
  s.weight = Value::constant(10.0);
  m.stimuli.push_back(s);
  return m;
}

std::string check_message(const ModelSpec& m) {
  try {
    check(m);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST(Api, ASpecBuiltInCodeRuns) {
  const ModelSpec m = coded_model();
  EXPECT_EQ(check_message(m), "accepted");
  Simulation sim(m, Context(MPI_COMM_WORLD, 2), quiet("coded"));
  sim.run_until(100.0);
  const SpikeTrains s = sim.spikes();
  EXPECT_GT(s.times[0].size(), 100u);
  EXPECT_GT(s.times[1].size(), 10u);
  const RunSummary r = sim.finish();
  EXPECT_EQ(r.synapses, 250u);
}

TEST(Api, EveryKindOfBadSpecIsAnInputError) {
  const auto bad = [](auto change) {
    ModelSpec m = coded_model();
    change(m);
    return check_message(m);
  };
  const auto has = [](const std::string& msg, const std::string& part) {
    return msg.find(part) != std::string::npos ? testing::AssertionSuccess()
                                               : testing::AssertionFailure() << "'" << part << "' not in: " << msg;
  };
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[0].model = "iaf_psc_alfa"; }), "population[0].model"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[0].params["tau_M"] = 10.0; }), "tau_m"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[0].params["C_m"] = -1.0; }), "params.C_m"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[0].initial["V"] = Value::constant(0.0); }), "V_m"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[1].name = "E"; }), "not used by another"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[1].size = 0; }), "population[1].size"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.projections[0].target = "X"; }), "projection[0].target"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.projections[0].delay = Value::constant(0.05); }), "at least dt"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.projections[0].synapse_model = "stdp"; }), "stdp_synapse"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].synapse_model = "stdp_synapse";
                    m.projections[0].synapse_params["lamda"] = 0.1;
                  }),
                  "lambda"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.projections[0].synapse_model = "stdp_dopamine_synapse"; }), "modulator"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].rule = Rule::pairwise_bernoulli;
                    m.projections[0].p = 1.5;
                  }),
                  "probability"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].allow_multapses = false;
                    m.projections[0].count = 101;
                  }),
                  "indegree"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.stimuli[0].targets = {}; }), "stimulus[0].targets"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.stimuli[0].rate = -5.0; }), "stimulus[0].rate"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.run.dt = 0.0; }), "run.dt"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.run.t_stop = 100.05; }), "run.t_stop"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.run.t_stop = 1e300; }), "2^52 steps"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].synapse_model = "stdp_synapse";
                    m.projections[0].scaling = {1.0, 1000.0, 1.0, 1e300};
                  }),
                  "scaling.interval = 1e+300: expected a positive interval in ms, at most 2^52 steps"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    RecorderSpec r;
                    r.kind = RecorderSpec::Kind::state;
                    r.populations = {"E"};
                    r.variables = {"V_m"};
                    r.interval = 1e300;
                    m.recorders.push_back(r);
                  }),
                  "interval = 1e+300: expected a multiple of dt"));
  // Weights enter the input ring as fixed point: infinite or absurd ones are refused.
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(has(bad([&](ModelSpec& m) { m.projections[0].weight = Value::constant(inf); }), "projection[0].weight"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.projections[0].weight = Value::constant(3e9); }), "within +-1e+06"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.projections[0].weight = Value{Value::Kind::normal, 20.0, 1e12}; }),
                  "mean +- 10 std"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.stimuli[0].weight = Value::constant(-2e6); }), "stimulus[0].weight"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].synapse_model = "stdp_synapse";
                    m.projections[0].synapse_params["Wmax"] = 1e300;
                  }),
                  "a weight within"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    RecorderSpec r;
                    r.kind = RecorderSpec::Kind::state;
                    r.populations = {"E"};
                    r.variables = {"U_m"};
                    m.recorders.push_back(r);
                  }),
                  "recorder[0].variables"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[0].name = "E 1"; }), "letters, digits"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.populations[0].params["V_reset"] = -50.0; }), "V_reset below V_th"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].rule = Rule::one_to_one;
                    m.projections[0].target = "I";
                  }),
                  "equal size"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].synapse_model = "stdp_synapse";
                    m.projections[0].synapse_params["axonal_delay"] = 5.0;
                  }),
                  "synapse.axonal_delay"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].synapse_model = "tsodyks2_synapse";
                    m.projections[0].scaling.beta = 1.0;
                  }),
                  "no scaling"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].synapse_model = "stdp_synapse";
                    m.projections[0].scaling.beta = -1.0;
                  }),
                  "scaling.beta"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    m.projections[0].synapse_model = "stdp_dopamine_synapse";
                    m.projections[0].modulator.times = {5.0, 2.0};
                    m.projections[0].modulator.values = {1.0, 1.0};
                  }),
                  "modulator.times"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.projections[0].modulator.population = "E"; }), "no modulator"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    StimulusSpec s;
                    s.type = StimulusType::spike_generator;
                    s.targets = {"E"};
                    s.spike_times = {1.0, 0.5};
                    m.stimuli.push_back(s);
                  }),
                  "increasing order"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.stimuli[0].stop = -1.0; }), "stimulus[0].stop"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) {
                    RecorderSpec r;
                    r.kind = RecorderSpec::Kind::state;
                    r.populations = {"E"};
                    r.interval = 0.15;
                    m.recorders.push_back(r);
                  }),
                  "recorder[0].interval"));
  // Listed connections and the neurons a stimulus names.
  const auto listed = [](ModelSpec& m) {
    m.projections[0].rule = Rule::from_list;
    m.projections[0].list = {{0, 1}, {0, 24}, {}, {}};
  };
  EXPECT_EQ(bad([&](ModelSpec& m) { listed(m); }), "accepted");
  EXPECT_TRUE(has(bad([&](ModelSpec& m) { listed(m), m.projections[0].list.sources = {0, 100}; }),
                  "projection[0].sources[1] = 100: expected a node id below E's size 100"));
  EXPECT_TRUE(has(bad([&](ModelSpec& m) { listed(m), m.projections[0].list.targets = {0, 25}; }), "targets[1] = 25"));
  EXPECT_TRUE(has(bad([&](ModelSpec& m) { listed(m), m.projections[0].list.sources = {0}; }),
                  "sources = 1 entries: expected one per target (2 entries)"));
  EXPECT_TRUE(has(bad([&](ModelSpec& m) { listed(m), m.projections[0].list.weights = {1.0}; }), "weights = 1 entries"));
  EXPECT_TRUE(has(bad([&](ModelSpec& m) { listed(m), m.projections[0].list.delays = {1.0, 0.01}; }),
                  "delays[1] = 0.01: expected a delay of at least dt"));
  EXPECT_TRUE(has(bad([&](ModelSpec& m) { listed(m), m.projections[0].list.weights = {1.0, NAN}; }), "weights[1]"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.stimuli[0].neurons = {3}; }), "stimulus[0].neurons"));
  EXPECT_TRUE(has(bad([](ModelSpec& m) { m.stimuli[0].targets = {"E"}, m.stimuli[0].neurons = {100}; }),
                  "neurons = 100: expected node ids below E's size 100"));
  // A Simulation refuses before it builds anything.
  {
    RunOptions o = quiet("too_small");
    o.memory_limit_mb = 20.0;  // below the runtime alone
    try {
      Simulation(coded_model(), Context(MPI_COMM_WORLD, 1), o);
      ADD_FAILURE() << "a model above the memory limit was built";
    } catch (const InputError& e) {
      EXPECT_TRUE(has(e.what(), "MB estimated: expected at most 20 MB per rank (memory_limit)"));
    }
    o.memory_limit_mb = -1;  // no check
    EXPECT_NO_THROW(Simulation(coded_model(), Context(MPI_COMM_WORLD, 1), o));
  }
  ModelSpec m = coded_model();
  m.populations[0].model = "nope";
  EXPECT_THROW(Simulation(m, Context(MPI_COMM_WORLD, 1), quiet("refused")), InputError);
}

TEST(Api, ConnectionsComeBackAsTheRuleMadeThemAndAListRebuildsThem) {
  // Every projection of the api model, read back, then given as from_list
  // projections: the same network, so the same spikes.
  const ModelSpec m = api_model();
  Simulation sim(m, Context(MPI_COMM_WORLD, 2), quiet("listed"));
  ModelSpec listed = m;
  for (std::size_t k = 0; k < m.projections.size(); ++k) {
    const Connections c = sim.connections(k);
    const std::size_t n_target = m.populations[*m.population_index(m.projections[k].target)].size;
    ASSERT_EQ(c.sources.size(), m.projections[k].count * n_target) << k;
    EXPECT_TRUE(std::is_sorted(c.targets.begin(), c.targets.end()));
    for (double d : c.delays) EXPECT_TRUE(d >= 0.5 && d <= 3.0);
    ProjectionSpec& p = listed.projections[k];
    p.rule = Rule::from_list;
    p.list = {c.sources, c.targets, c.weights, c.delays};
  }
  EXPECT_EQ(sim.connections(1).weights[0], 40.0);
  EXPECT_EQ(sim.connections(2).weights[0], -30.0);
  sim.run_until(300.0);
  // Plastic weights are those reached now.
  const Connections after = sim.connections(0);
  const std::size_t changed = static_cast<std::size_t>(std::count_if(
      after.weights.begin(), after.weights.end(), [](double w) { return w != 30.0; }));
  EXPECT_GT(changed, after.weights.size() / 2);
  Simulation again(listed, Context(MPI_COMM_WORLD, 1), quiet("listed_again"));
  again.run_until(300.0);
  EXPECT_EQ(sim.spikes().node_ids, again.spikes().node_ids);
  EXPECT_EQ(sim.spikes().times, again.spikes().times);
  EXPECT_EQ(again.connections(0).weights, after.weights);
}

TEST(Api, AStimulusReachesOnlyTheNeuronsItNames) {
  ModelSpec m = test::model_from(R"(
[run]
dt = 0.1
[[population]]
name = "E"
model = "iaf_psc_exp"
size = 6
[[population]]
name = "P"
model = "parrot_neuron"
size = 4
[[stimulus]]
name = "drive"
type = "poisson_generator"
targets = "E"
neurons = [1, 4]
rate = 20000.0
weight = 20.0
[[stimulus]]
name = "current"
type = "dc_generator"
targets = "E"
neurons = [2]
amplitude = 1000.0
[[stimulus]]
name = "cue"
type = "spike_generator"
targets = "P"
neurons = [3, 0]
spike_times = [5.0, 7.0]
weight = 1.0
[[recorder]]
type = "spikes"
)",
                               "targeted");
  Simulation sim(m, Context(MPI_COMM_WORLD, 2), quiet("targeted"));
  sim.run_until(200.0);
  const SpikeTrains s = sim.spikes();
  std::vector<int> fired(6, 0);
  for (auto id : s.node_ids[0]) fired[id] = 1;
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 1, 0, 1, 0}));
  EXPECT_EQ(s.node_ids[1], (std::vector<std::uint64_t>{0, 3, 0, 3}));
  EXPECT_EQ(s.times[1], (std::vector<double>{6.0, 6.0, 8.0, 8.0}));
  sim.set_amplitude("current", 0.0);
  sim.set_rate("drive", 0.0);
  sim.clear_spikes();
  sim.run_until(400.0);
  EXPECT_TRUE(sim.spikes().node_ids[0].empty());
}

TEST(Api, TheCatalogueListsModelsWithUnitsAndDefaults) {
  const auto neurons = neuron_catalogue();
  const auto it = std::find_if(neurons.begin(), neurons.end(), [](const ModelInfo& m) { return m.name == "iaf_psc_alpha"; });
  ASSERT_NE(it, neurons.end());
  EXPECT_EQ(it->weight_unit, "pA");
  const auto tau = std::find_if(it->parameters.begin(), it->parameters.end(), [](const ParameterInfo& p) { return p.name == "tau_m"; });
  ASSERT_NE(tau, it->parameters.end());
  EXPECT_EQ(tau->unit, "ms");
  EXPECT_EQ(tau->default_value, 10.0);
  EXPECT_EQ(it->state.front().name, "V_m");
  const auto synapses = synapse_catalogue();
  EXPECT_GE(synapses.size(), 6u);
  EXPECT_EQ(connection_rule_catalogue().size(), 8u);
}

TEST(Api, ADcAmplitudeChangesFromNowOn) {
  ModelSpec m = test::model_from(R"(
[run]
dt = 0.1
t_stop = 200.0
[[population]]
name = "D"
model = "iaf_psc_exp"
size = 4
[[stimulus]]
name = "step"
type = "dc_generator"
targets = ["D"]
amplitude = 0.0
start = 50.0
delay = 1.0
)",
                                 "dc");
  // Set before the start: the switch-on takes the new amplitude.
  Simulation sim(m, Context(MPI_COMM_WORLD, 2), quiet("dc"));
  sim.set_amplitude("step", 500.0);  // above the rheobase of 375 pA
  sim.run_until(100.0);
  SpikeTrains s = sim.spikes();
  ASSERT_GT(s.times[0].size(), 8u);
  EXPECT_GT(s.times[0].front(), 51.0);
  sim.set_amplitude("step", 0.0);  // from 100 ms: the neurons stop firing
  sim.clear_spikes();
  sim.run_until(150.0);
  s = sim.spikes();
  for (double t : s.times[0]) EXPECT_LT(t, 102.0);
  sim.set_amplitude("step", 500.0);
  sim.clear_spikes();
  sim.run_until(200.0);
  s = sim.spikes();
  ASSERT_GT(s.times[0].size(), 8u);
  EXPECT_GT(s.times[0].front(), 151.0);
  try {
    sim.set_amplitude("nothing", 1.0);
    FAIL() << "an unknown stimulus was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dc_generator of the model"), std::string::npos);
  }
}
