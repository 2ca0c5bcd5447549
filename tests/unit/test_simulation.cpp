// Whole simulations in-process: determinism across thread counts,
// causality of delays, the f-I curve against the analytic LIF rate, and
// the dc_generator's timing.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "myelin/error.hpp"
#include "myelin/simulation.hpp"
#include "test_support.hpp"

using namespace myelin;

namespace {

ModelSpec model_from(const std::string& text) { return test::model_from(text, "sim"); }

SpikeTrains simulate(const ModelSpec& m, int threads, RunSummary* summary = nullptr) {
  RunOptions o;
  o.threads = threads;
  o.progress = false;
  o.write_outputs = false;
  SpikeTrains s;
  RunSummary r = run(m, o, &s);
  if (summary) *summary = r;
  return s;
}

// tests/mpi/mixed_delays.toml: mixed delays (0.1 ms inside, 5-20 ms between
// two groups), distributed weights, four rules, Poisson drive.
ModelSpec mixed_model() { return load_model(MYELIN_SOURCE_DIR "/tests/mpi/mixed_delays.toml"); }


}  // namespace

TEST(Simulation, SpikesAreIdenticalForOneTwoAndThreeThreads) {
  const ModelSpec m = mixed_model();
  RunSummary s1;
  const SpikeTrains a = simulate(m, 1, &s1);
  ASSERT_GT(s1.populations[0].spikes, 1000u) << "population A too quiet to test anything";
  ASSERT_GT(s1.populations[1].spikes, 1000u) << "population B too quiet to test anything";
  EXPECT_EQ(s1.min_delay_steps, 1u);
  for (int threads : {2, 3}) {
    const SpikeTrains b = simulate(m, threads);
    EXPECT_EQ(a.node_ids, b.node_ids) << threads << " threads";
    EXPECT_EQ(a.times, b.times) << threads << " threads";
  }
}

TEST(Simulation, ASeedChangesTheSpikes) {
  ModelSpec m = mixed_model();
  const SpikeTrains a = simulate(m, 2);
  m.run.seed = 100;
  const SpikeTrains b = simulate(m, 2);
  EXPECT_NE(a.times, b.times);
}

TEST(Simulation, SpikesAreTimeSorted) {
  const SpikeTrains a = simulate(mixed_model(), 2);
  for (const auto& t : a.times) EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
}

TEST(Simulation, CausalChainFiresAtPredictedSteps) {
  // generator -> N0 -> N1 -> N2 with delays 1.0, 0.3, 2.5 ms. A spike
  // stamped T over delay d reaches the input at T + d and, strong enough,
  // fires its target in the next step: T + d + dt (NEST's semantics).
  const char* chain = R"(
[run]
dt = 0.1
t_stop = 50.0
[[population]]
name = "N0"
model = "iaf_psc_exp"
size = 1
params = { tau_syn_ex = 0.1 }
[[population]]
name = "N1"
model = "iaf_psc_exp"
size = 1
params = { tau_syn_ex = 0.1 }
[[population]]
name = "N2"
model = "iaf_psc_exp"
size = 1
params = { tau_syn_ex = 0.1 }
[[projection]]
source = "N0"
target = "N1"
rule = "one_to_one"
weight = 1e6
delay = 0.3
[[projection]]
source = "N1"
target = "N2"
rule = "one_to_one"
weight = 1e6
delay = 2.5
[[stimulus]]
type = "spike_generator"
targets = "N0"
spike_times = [10.0, 30.0]
weight = 1e6
delay = 1.0
)";
  const ModelSpec m = model_from(chain);
  for (int threads : {1, 2}) {
    const SpikeTrains s = simulate(m, threads);
    ASSERT_EQ(s.times.size(), 3u);
    const double expect[3][2] = {{11.1, 31.1}, {11.5, 31.5}, {14.1, 34.1}};
    for (int p = 0; p < 3; ++p) {
      ASSERT_EQ(s.times[p].size(), 2u) << "population " << p;
      for (int k = 0; k < 2; ++k) EXPECT_NEAR(s.times[p][k], expect[p][k], 1e-9) << "population " << p;
    }
  }
}

TEST(Simulation, FICurveMatchesAnalyticLifRate) {
  // Constant current I: the free LIF reaches threshold theta after
  // T = tau_m ln(RI / (RI - theta)); on the grid the crossing is seen at the
  // end of the step, so the ISI is t_ref + ceil(T/dt) dt, and the rate is
  // within the grid error of 1 / (t_ref + T).
  const double tau = 10.0, C = 250.0, theta = 15.0, t_ref = 2.0, dt = 0.1;
  std::string text = "[run]\ndt = 0.1\nt_stop = 2000.0\n";
  const double currents[] = {380.0, 400.0, 500.0, 750.0, 1000.0, 2000.0, 5000.0};
  for (double I : currents)
    text += "[[population]]\nname = \"I" + std::to_string(static_cast<int>(I)) +
            "\"\nmodel = \"iaf_psc_exp\"\nsize = 1\nparams = { I_e = " + std::to_string(I) + " }\n";
  const SpikeTrains s = simulate(model_from(text), 1);
  for (std::size_t p = 0; p < std::size(currents); ++p) {
    const double RI = currents[p] * tau / C;
    const double T = tau * std::log(RI / (RI - theta));
    const auto& t = s.times[p];
    ASSERT_GE(t.size(), 3u) << currents[p];
    const double isi_grid = t_ref + std::ceil(T / dt - 1e-9) * dt;
    for (std::size_t k = 1; k < t.size(); ++k) ASSERT_NEAR(t[k] - t[k - 1], isi_grid, 1e-9) << currents[p];
    const double rate = (t.size() - 1) / (t.back() - t.front()) * 1e3;
    const double analytic = 1e3 / (t_ref + T);
    EXPECT_LE(rate, analytic * 1.0000001) << currents[p];
    EXPECT_GE(rate, 1e3 / (t_ref + T + dt)) << currents[p];
  }
}

TEST(Simulation, BelowRheobaseNeverFires) {
  const SpikeTrains s = simulate(model_from("[run]\nt_stop = 1000.0\n[[population]]\nname = \"N\"\n"
                                            "model = \"iaf_psc_exp\"\nsize = 2\nparams = { I_e = 374.0 }\n"), 1);
  EXPECT_TRUE(s.times[0].empty());
}

TEST(Simulation, DcGeneratorActsOnlyInItsWindow) {
  const char* dc = R"(
[run]
t_stop = 200.0
[[population]]
name = "N"
model = "iaf_psc_alpha"
size = 3
[[stimulus]]
type = "dc_generator"
targets = "N"
amplitude = 1000.0
start = 50.0
stop = 100.0
delay = 0.1
)";
  const SpikeTrains s = simulate(model_from(dc), 2);
  ASSERT_FALSE(s.times[0].empty());
  EXPECT_GT(s.times[0].front(), 50.2);
  EXPECT_LT(s.times[0].front(), 60.0);
  EXPECT_LE(s.times[0].back(), 100.3);
  EXPECT_EQ(s.times[0].size() % 3, 0u) << "identical neurons fire together";
}

TEST(Simulation, UnwritableOutputDirectoryIsAnInputError) {
  const ModelSpec m = model_from("[run]\nt_stop = 1.0\n[[population]]\nname = \"N\"\nmodel = \"iaf_psc_exp\"\nsize = 1\n");
  const auto file = std::filesystem::temp_directory_path() / ("myelin_plain_file_" + std::to_string(::getpid()));
  std::ofstream(file) << "x";
  RunOptions o;
  o.output_dir = (file / "sub").string();
  o.progress = false;
  EXPECT_THROW(run(m, o), InputError);
  std::filesystem::remove(file);
}
