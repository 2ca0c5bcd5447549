// The adaptive LIF models in whole runs: arlif without adaptation is
// iaf_psc_exp, its reset adaptation lengthens intervals; iaf_psc_exp_ip
// steers its rate to the target; the AdEx models' threshold, convergence
// and NEST's parameter checks. (validation/neuron_models compares them with
// Brian2 step by step, validation/cases/nest_neurons with NEST's semantics.)
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

TEST(NeuronModels, AdexWithoutExponentialSpikesAtVth) {
  // NEST: with Delta_T = 0 the threshold is V_th, not V_peak. Here V tends
  // to E_L + I_e / g_L = -47.3 mV: above V_th (-50.4), far below V_peak (0).
  for (const char* model : {"aeif_psc_exp", "aeif_cond_exp"}) {
    const SpikeTrains s = simulate(model_from(std::string(run_header(200.0)) +
                                              population("A", model, "I_e = 700.0, Delta_T = 0.0, a = 0.0, b = 0.0")));
    EXPECT_GT(s.times[0].size(), 5u) << model << " never reached V_th";
  }
}

TEST(NeuronModels, AdexSpikeTimesAreConvergedAtNestsTolerance) {
  // The adaptive integrator at NEST's gsl_error_tol (1e-6) and at 1e-10
  // gives the same spikes; a fixed-step or broken error control would not
  // (the upswing needs steps of 1e-6 ms).
  // One neuron per run, so that both draw the same Poisson input (keyed by gid).
  const auto spikes = [](const std::string& params) {
    return simulate(model_from(std::string(run_header(1000.0)) + population("A", "aeif_psc_exp", params) +
                               "[[stimulus]]\ntype = \"poisson_generator\"\ntargets = [\"A\"]\nrate = 3000.0\n"
                               "weight = 150.0\ndelay = 1.0\n"))
        .times[0];
  };
  const std::vector<double> nest = spikes("I_e = 700.0"), tight = spikes("I_e = 700.0, gsl_error_tol = 1e-10");
  ASSERT_GT(nest.size(), 10u);
  EXPECT_EQ(nest, tight);
}

TEST(NeuronModels, AdexParametersAreCheckedAsNestDoes) {
  const auto bad = [](const char* params) {
    EXPECT_THROW(model_from(std::string(run_header(10.0)) + population("A", "aeif_cond_exp", params)), InputError)
        << params;
  };
  bad("V_reset = 0.0");           // V_reset < V_peak
  bad("V_peak = -55.0");          // V_peak >= V_th
  bad("Delta_T = -1.0");
  bad("Delta_T = 0.01");          // exp((V_peak - V_th) / Delta_T) overflows
  bad("gsl_error_tol = 0.0");
  // NEST allows a reset above V_th (bursting sets use it).
  EXPECT_NO_THROW(model_from(std::string(run_header(10.0)) + population("A", "aeif_cond_exp", "V_reset = -48.0")));
}
