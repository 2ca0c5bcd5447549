// Model files: what loads, and every kind of bad input the issue lists,
// each with a message that names file, field, value and what was expected.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"

using namespace myelin;

namespace {

const char* valid = R"(
[run]
dt = 0.1
t_stop = "0.5 s"
seed = 7

[[population]]
name = "E"
model = "iaf_psc_exp"
size = 80
params = { C_m = "0.25 nF", tau_m = 20.0, V_th = -50.0 }
initial = { V_m = { uniform = { min = -70.0, max = -55.0 } } }

[[population]]
name = "I"
model = "iaf_psc_alpha"
size = 20

[[projection]]
source = "E"
target = "I"
rule = "fixed_indegree"
indegree = 8
weight = { normal = { mean = 20.0, std = 2.0 } }
delay = { normal = { mean = 1.5, std = 0.5, min = 0.1 } }

[[stimulus]]
type = "poisson_generator"
targets = ["E", "I"]
rate = "8 kHz"
weight = 10.0

[[recorder]]
type = "state"
populations = "E"
variables = ["V_m", "I_syn_ex"]
neurons = 3
interval = 0.5
)";

std::string write(const std::string& text, const std::string& name = "model.toml") {
  const auto dir = std::filesystem::temp_directory_path() / ("myelin_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

/// Loads `text` and returns the error message, failing if it loads.
std::string error_of(const std::string& text) {
  const auto path = write(text);
  try {
    load_model(path);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return "";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

}  // namespace

TEST(ModelLoader, LoadsAValidModelWithUnits) {
  const ModelSpec m = load_model(write(valid));
  EXPECT_EQ(m.run.t_stop, 500.0);
  EXPECT_EQ(m.run.seed, 7u);
  ASSERT_EQ(m.populations.size(), 2u);
  EXPECT_EQ(m.populations[0].params.at("C_m"), 250.0);
  EXPECT_EQ(m.populations[0].initial.at("V_m").kind, Value::Kind::uniform);
  ASSERT_EQ(m.projections.size(), 1u);
  EXPECT_EQ(m.projections[0].count, 8u);
  EXPECT_EQ(m.projections[0].delay.min, 0.1);
  EXPECT_EQ(m.stimuli[0].rate, 8000.0);
  EXPECT_EQ(m.recorders[0].variables.size(), 2u);
}

TEST(ModelLoader, MissingFile) {
  try {
    load_model("/nonexistent/brunel.toml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/brunel.toml"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
  }
}

TEST(ModelLoader, SyntaxErrorNamesFileAndLine) {
  const std::string msg = error_of("[run]\ndt = 0.1\nt_stop = = 5\n");
  EXPECT_NE(msg.find("model.toml"), std::string::npos);
  EXPECT_NE(msg.find("TOML syntax error"), std::string::npos);
  EXPECT_NE(msg.find(" 3 | t_stop = = 5"), std::string::npos) << msg;
}

TEST(ModelLoader, UnknownModel) {
  const std::string msg = error_of(replace(valid, "model = \"iaf_psc_exp\"", "model = \"iaf_psc_foo\""));
  EXPECT_NE(msg.find("model.toml:9"), std::string::npos) << msg;
  EXPECT_NE(msg.find("population[0].model = \"iaf_psc_foo\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("iaf_psc_alpha, iaf_psc_exp"), std::string::npos) << msg;
}

TEST(ModelLoader, UnknownParameter) {
  const std::string msg = error_of(replace(valid, "tau_m = 20.0", "tau_mem = 20.0"));
  EXPECT_NE(msg.find("population[0].params.tau_mem = 20"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tau_m"), std::string::npos) << msg;
}

TEST(ModelLoader, WrongUnit) {
  const std::string msg = error_of(replace(valid, "tau_m = 20.0", "tau_m = \"20 mV\""));
  EXPECT_NE(msg.find("population[0].params.tau_m = \"20 mV\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("ms"), std::string::npos) << msg;
}

TEST(ModelLoader, UnknownUnit) {
  const std::string msg = error_of(replace(valid, "tau_m = 20.0", "tau_m = \"20 fortnights\""));
  EXPECT_NE(msg.find("unknown unit"), std::string::npos) << msg;
}

TEST(ModelLoader, WrongType) {
  const std::string msg = error_of(replace(valid, "size = 80", "size = \"eighty\""));
  EXPECT_NE(msg.find("population[0].size = \"eighty\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("an integer >= 1"), std::string::npos) << msg;
  EXPECT_NE(error_of(replace(valid, "size = 80", "size = 0")).find("an integer >= 1"), std::string::npos);
}

TEST(ModelLoader, NegativeDelay) {
  const std::string msg = error_of(replace(valid, "[[stimulus]]", "[[projection]]\nsource = \"I\"\ntarget = \"E\"\n"
                                                                   "rule = \"all_to_all\"\ndelay = -1.5\n\n[[stimulus]]"));
  EXPECT_NE(msg.find("projection[1].delay = -1.5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("positive delay"), std::string::npos) << msg;
}

TEST(ModelLoader, DelayBelowDt) {
  const std::string msg = error_of(replace(valid, "[[stimulus]]", "[[projection]]\nsource = \"I\"\ntarget = \"E\"\n"
                                                                   "rule = \"all_to_all\"\ndelay = 0.05\n\n[[stimulus]]"));
  EXPECT_NE(msg.find("projection[1].delay = 0.05"), std::string::npos) << msg;
  EXPECT_NE(msg.find("at least dt"), std::string::npos) << msg;
}

TEST(ModelLoader, UnclippedDelayDistributionIsRefused) {
  const std::string msg = error_of(replace(valid, "std = 0.5, min = 0.1 }", "std = 0.5 }"));
  EXPECT_NE(msg.find("projection[0].delay"), std::string::npos) << msg;
  EXPECT_NE(msg.find("min >= dt"), std::string::npos) << msg;
}

TEST(ModelLoader, UndefinedPopulation) {
  const std::string msg = error_of(replace(valid, "target = \"I\"", "target = \"L23E\""));
  EXPECT_NE(msg.find("projection[0].target = \"L23E\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("a defined population (E, I)"), std::string::npos) << msg;
}

TEST(ModelLoader, UnknownTopLevelKeyAndRule) {
  EXPECT_NE(error_of(std::string(valid) + "\n[simulation]\nx = 1\n").find("simulation"), std::string::npos);
  const std::string msg = error_of(replace(valid, "\"fixed_indegree\"", "\"random\""));
  EXPECT_NE(msg.find("projection[0].rule = \"random\""), std::string::npos) << msg;
}

TEST(ModelLoader, RuleParameterChecks) {
  EXPECT_NE(error_of(replace(valid, "indegree = 8", "p = 0.1")).find("indegree"), std::string::npos);
  const std::string many = error_of(replace(valid, "indegree = 8", "indegree = 100\nallow_multapses = false"));
  EXPECT_NE(many.find("at most 80 distinct sources"), std::string::npos) << many;
  const std::string p = error_of(replace(replace(valid, "\"fixed_indegree\"", "\"pairwise_bernoulli\""), "indegree = 8", "p = 1.5"));
  EXPECT_NE(p.find("probability"), std::string::npos) << p;
}

TEST(ModelLoader, ParameterValueChecks) {
  EXPECT_NE(error_of(replace(valid, "tau_m = 20.0", "tau_m = -20.0")).find("positive time constant"), std::string::npos);
  EXPECT_NE(error_of(replace(valid, "V_th = -50.0", "V_th = -80.0")).find("V_reset below V_th"), std::string::npos);
}

TEST(ModelLoader, ValueErrorsNameTheLineOfTheValue) {
  // check() runs after parsing, on the spec; the loader's notes of where
  // each value came from still point at the offending line.
  const std::string text = replace(valid, "tau_m = 20.0", "tau_m = -20.0");
  const std::size_t line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("tau_m = -20.0")), '\n')) + 1;
  EXPECT_NE(error_of(text).find("model.toml:" + std::to_string(line) + ": "), std::string::npos) << error_of(text);
}

TEST(ModelLoader, RunSettingChecks) {
  EXPECT_NE(error_of(replace(valid, "dt = 0.1", "dt = 0")).find("run.dt"), std::string::npos);
  EXPECT_NE(error_of(replace(valid, "t_stop = \"0.5 s\"", "t_stop = 10.05")).find("multiple of dt"), std::string::npos);
  EXPECT_NE(error_of(replace(valid, "seed = 7", "seed = -1")).find("run.seed"), std::string::npos);
}

TEST(ModelLoader, StimulusAndRecorderChecks) {
  EXPECT_NE(error_of(replace(valid, "rate = \"8 kHz\"", "rate = -5.0")).find("stimulus[0].rate"), std::string::npos);
  EXPECT_NE(error_of(replace(valid, "\"poisson_generator\"", "\"noise\"")).find("stimulus[0].type"), std::string::npos);
  const std::string var = error_of(replace(valid, "\"I_syn_ex\"", "\"g_ex\""));
  EXPECT_NE(var.find("recorder[0].variables = \"g_ex\""), std::string::npos) << var;
}

// A weight is what the target model takes: nS onto a conductance-based
// model, pA onto a current-based one; one stimulus cannot feed both kinds.
TEST(ModelLoader, WeightUnitFollowsTheTargetModel) {
  const std::string cond = replace(valid, "model = \"iaf_psc_alpha\"", "model = \"iaf_cond_exp\"");
  const std::string ok = replace(replace(cond, "weight = { normal = { mean = 20.0, std = 2.0 } }", "weight = \"2 nS\""),
                                 "targets = [\"E\", \"I\"]", "targets = [\"E\"]");
  const ModelSpec spec = load_model(write(ok));
  EXPECT_DOUBLE_EQ(spec.projections[0].weight.a, 2.0);
  std::string msg = error_of(replace(ok, "weight = \"2 nS\"", "weight = \"20 pA\""));
  EXPECT_NE(msg.find("projection[0].weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nS"), std::string::npos) << msg;
  msg = error_of(replace(cond, "weight = { normal = { mean = 20.0, std = 2.0 } }", "weight = 2.0"));
  EXPECT_NE(msg.find("stimulus[0].weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("one kind"), std::string::npos) << msg;
}
