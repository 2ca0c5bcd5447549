// The adaptive LIF models in whole runs: arlif without adaptation is
// iaf_psc_exp, its reset adaptation lengthens intervals; iaf_psc_exp_ip
// steers its rate to the target. (validation/neuron_models compares both
// with Brian2 step by step.)
#include <gtest/gtest.h>

#include <filesystem>

#include "myelin/error.hpp"
#include "myelin/simulation.hpp"
#include "test_support.hpp"

using namespace myelin;

namespace {

ModelSpec model_from(const std::string& text) { return test::model_from(text, "models"); }

SpikeTrains simulate(const ModelSpec& m) {
  RunOptions o;
  o.threads = 1;
  o.progress = false;
  o.write_outputs = false;
  SpikeTrains s;
  run(m, o, &s);
  return s;
}

std::string population(const std::string& name, const std::string& model, const std::string& params) {
  return "[[population]]\nname = \"" + name + "\"\nmodel = \"" + model + "\"\nsize = 1\nparams = { " + params + " }\n";
}

const char* run_header(double t_stop) {
  static std::string s;
  s = "[run]\ndt = 0.1\nt_stop = " + std::to_string(t_stop) + "\nseed = 1\n";
  return s.c_str();
}

// Scripted input, the same for every population.
const char* input =
    "[[stimulus]]\ntype = \"spike_generator\"\ntargets = [\"A\", \"B\"]\n"
    "spike_times = [20.0, 50.0, 51.0, 52.0, 120.0, 200.0, 201.0]\nweight = 400.0\ndelay = 1.0\n";

}  // namespace

TEST(NeuronModels, ArlifWithoutAdaptationIsIafPscExp) {
  const SpikeTrains s = simulate(model_from(std::string(run_header(300.0)) +
                                            population("A", "iaf_psc_exp", "I_e = 390.0") +
                                            population("B", "arlif", "I_e = 390.0, R_in = 0.0, Delta_reset = 0.0") +
                                            input));
  ASSERT_GT(s.times[0].size(), 5u);
  EXPECT_EQ(s.times[0], s.times[1]);
}

TEST(NeuronModels, ArlifResetAdaptsToOutputAndInput) {
  // Constant drive: each spike lowers the next reset, so intervals grow.
  const SpikeTrains s = simulate(model_from(std::string(run_header(300.0)) +
                                            population("A", "arlif", "I_e = 500.0, R_in = 0.0, Delta_reset = 3.0") +
                                            population("B", "arlif", "I_e = 500.0, R_in = 0.5, Delta_reset = 0.0") +
                                            input));
  const auto& t = s.times[0];
  ASSERT_GT(t.size(), 4u);
  EXPECT_GT(t[2] - t[1], t[1] - t[0] + 0.5) << "no adaptation through the reset";
  // Recent excitatory input raises the reset: B fires more than iaf_psc_exp would.
  const SpikeTrains plain = simulate(model_from(std::string(run_header(300.0)) +
                                                population("A", "iaf_psc_exp", "I_e = 500.0") +
                                                population("B", "iaf_psc_exp", "I_e = 500.0") + input));
  EXPECT_GT(s.times[1].size(), plain.times[1].size());
}

TEST(NeuronModels, IpThresholdSteersTheRateToTheTarget) {
  // Driven at about 80 Hz without adaptation; the threshold must bring it
  // to 10 Hz: over the last 10 s of 20 s, within 10 %.
  const SpikeTrains s = simulate(model_from(
      std::string(run_header(20000.0)) +
      population("A", "iaf_psc_exp_ip", "I_e = 600.0, eta_ip = 0.5, target_rate = 10.0") +
      population("B", "iaf_psc_exp", "I_e = 600.0")));
  std::size_t late = 0;
  for (double t : s.times[0]) late += t > 10000.0;
  EXPECT_NEAR(static_cast<double>(late) / 10.0, 10.0, 1.0);
  EXPECT_GT(s.times[1].size(), 20u * 50u) << "the unadapted neuron should fire far above the target";
}

TEST(NeuronModels, BadAdaptationParametersAreInputErrors) {
  EXPECT_THROW(model_from(std::string(run_header(10.0)) + population("A", "arlif", "tau_reset = -5.0")), InputError);
  EXPECT_THROW(model_from(std::string(run_header(10.0)) + population("A", "iaf_psc_exp_ip", "target_rate = \"5 mV\"")),
               InputError);
}
