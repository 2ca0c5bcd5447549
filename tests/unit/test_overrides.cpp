// Parameter overrides (myelin run --set / --parameters) and sweep files
// (myelin submit --array): values found by their path in the model file,
// applied before loading, and every bad path or value refused by name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"

using namespace myelin;

namespace {

const char* model = R"(
name = "two"
[run]
t_stop = 100.0
seed = 1
[[population]]
name = "E"
model = "iaf_psc_exp"
size = 80
params = { I_e = 300.0 }
[[population]]
name = "I"
model = "iaf_psc_exp"
size = 20
[[projection]]
source = "E"
target = "I"
rule = "fixed_indegree"
indegree = 10
weight = 20.0
delay = 1.5
[[projection]]
source = "I"
target = "E"
rule = "fixed_indegree"
indegree = 5
weight = -50.0
delay = 1.5
[[projection]]
source = "I"
target = "E"
rule = "fixed_indegree"
indegree = 2
weight = -10.0
delay = 2.0
[[stimulus]]
name = "drive"
type = "poisson_generator"
targets = ["E"]
rate = 1000.0
weight = 10.0
delay = 1.0
)";

ModelSpec with(std::vector<ParameterOverride> o) { return load_model_text(override_model_text(model, "two.toml", o), "two.toml"); }

std::string error_of(std::vector<ParameterOverride> o) {
  try {
    with(std::move(o));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::filesystem::path write(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / ("myelin_overrides_" + name);
  std::ofstream(p) << text;
  return p;
}

}  // namespace

TEST(Overrides, SetValuesByTheirPathInTheFile) {
  const ModelSpec s = with({{"run.seed", "7"},
                            {"population.E.size", "40"},
                            {"population.1.params.I_e", "120.5"},
                            {"projection.E->I.weight", "25.0"},
                            {"projection.2.delay", "3.0"},
                            {"stimulus.drive.rate", "2000.0"},
                            {"name", "\"renamed\""}});
  EXPECT_EQ(s.run.seed, 7u);
  EXPECT_EQ(s.populations[0].size, 40u);
  EXPECT_EQ(s.name, "renamed");
  EXPECT_DOUBLE_EQ(s.projections[0].weight.a, 25.0);
  EXPECT_DOUBLE_EQ(s.projections[2].delay.a, 3.0);
  EXPECT_DOUBLE_EQ(s.stimuli[0].rate, 2000.0);
  EXPECT_DOUBLE_EQ(s.projections[1].weight.a, -50.0);  // untouched
}

TEST(Overrides, NoneLeavesTheTextAsItIs) { EXPECT_EQ(override_model_text(model, "two.toml", {}), model); }

TEST(Overrides, BadPathsAndValuesAreNamed) {
  EXPECT_NE(error_of({{"population.X.size", "3"}}).find("'X' is none"), std::string::npos);
  EXPECT_NE(error_of({{"projection.I->E.weight", "1.0"}}).find("2 match it: use the index"), std::string::npos);
  EXPECT_NE(error_of({{"run.seed", "seven"}}).find("a TOML value"), std::string::npos);
  EXPECT_NE(error_of({{"solver.order", "2"}}).find("solver"), std::string::npos);  // the loader: an unknown key
  EXPECT_NE(error_of({{"run..seed", "2"}}).find("joined by dots"), std::string::npos);
  EXPECT_NE(error_of({{"population.E", "2"}}).find("a field of one [[population]] table"), std::string::npos);
  EXPECT_NE(error_of({{"run.seed.low", "2"}}).find("holds a value"), std::string::npos);
  // The loader checks the overridden model like a written one.
  EXPECT_NE(error_of({{"population.E.size", "-4"}}).find("size"), std::string::npos);
  EXPECT_NE(error_of({{"run.t_stop", "0.0"}}).find("t_stop"), std::string::npos);
}

TEST(Overrides, ParameterFiles) {
  const auto p = write("params.toml", "\"run.seed\" = 9\n\"population.I.size\" = 30\n");
  const auto o = load_parameter_file(p.string());
  ASSERT_EQ(o.size(), 2u);
  const ModelSpec s = with(o);
  EXPECT_EQ(s.run.seed, 9u);
  EXPECT_EQ(s.populations[1].size, 30u);
  EXPECT_THROW(load_parameter_file(write("nested.toml", "[run]\nseed = 3\n").string()), InputError);
  EXPECT_THROW(load_parameter_file("/nonexistent/params.toml"), InputError);
}

TEST(Sweeps, GridIsEveryCombinationLastKeyFastest) {
  const auto t = load_sweep(write("grid.toml", "[grid]\n\"run.seed\" = [1, 2, 3]\n\"population.E.size\" = [10, 20]\n").string());
  ASSERT_EQ(t.size(), 6u);
  // Keys in alphabetical order: population.E.size, then run.seed (fastest).
  EXPECT_EQ(t[0][0].path, "population.E.size");
  EXPECT_EQ(t[0][0].value, "10");
  EXPECT_EQ(t[0][1].value, "1");
  EXPECT_EQ(t[1][1].value, "2");
  EXPECT_EQ(t[3][0].value, "20");
  EXPECT_EQ(t[5][1].value, "3");
  EXPECT_EQ(with(t[4]).run.seed, 2u);
}

TEST(Sweeps, TasksCombineWithTheGrid) {
  const auto t = load_sweep(write("tasks.toml",
                                  "[grid]\n\"run.seed\" = [1, 2]\n[[task]]\n\"stimulus.drive.rate\" = 500.0\n"
                                  "[[task]]\n\"stimulus.drive.rate\" = 900.0\n\"population.I.size\" = 25\n")
                                .string());
  ASSERT_EQ(t.size(), 4u);
  const ModelSpec last = with(t[3]);
  EXPECT_DOUBLE_EQ(last.stimuli[0].rate, 900.0);
  EXPECT_EQ(last.populations[1].size, 25u);
  EXPECT_EQ(last.run.seed, 2u);
}

TEST(Sweeps, BadFilesAreRefused) {
  EXPECT_THROW(load_sweep(write("empty.toml", "").string()), InputError);
  EXPECT_THROW(load_sweep(write("emptylist.toml", "[grid]\n\"run.seed\" = []\n").string()), InputError);
  EXPECT_THROW(load_sweep(write("scalar.toml", "[grid]\n\"run.seed\" = 3\n").string()), InputError);
  EXPECT_THROW(load_sweep(write("other.toml", "seeds = [1, 2]\n").string()), InputError);
  EXPECT_THROW(load_sweep(write("syntax.toml", "[grid\n").string()), InputError);
  EXPECT_THROW(load_sweep("/nonexistent/sweep.toml"), InputError);
}
