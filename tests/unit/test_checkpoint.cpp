// Checkpoint scheduling, file naming and the library-level round trip:
// run to T vs run to T/2, checkpoint, restore, run to T (one rank; the
// mpirun script covers other rank counts).
#include <gtest/gtest.h>
#include <mpi.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "core/stop_signal.hpp"
#include "io/checkpoint.hpp"
#include "io/checkpoint_files.hpp"
#include "myelin/error.hpp"
#include "myelin/simulation.hpp"
#include "sim/checkpoint_trigger.hpp"
#include "test_support.hpp"

using namespace myelin;
namespace fs = std::filesystem;

namespace {

using test::ensure_mpi;
using test::fresh_dir;

ModelSpec small_model() {
  return load_model(std::string(MYELIN_SOURCE_DIR) + "/tests/mpi/mixed_delays.toml");
}

}  // namespace

TEST(CheckpointTrigger, SchedulesEveryAndAtAndStopsThere) {
  ensure_mpi();
  CheckpointSchedule s;
  s.every = 100;
  s.at = {250, 30};
  s.on_signal = false;
  CheckpointTrigger t(s, 1000, 16, MPI_COMM_SELF);
  EXPECT_EQ(t.next_scheduled(0), 30);
  EXPECT_EQ(t.next_scheduled(30), 100);
  EXPECT_EQ(t.next_scheduled(200), 250);
  EXPECT_EQ(t.next_scheduled(250), 300);
  EXPECT_FALSE(t.stop_at(15));
  EXPECT_TRUE(t.stop_at(30));
  EXPECT_EQ(t.stopped_at(), 30);
  EXPECT_TRUE(t.stop_at(200));
  EXPECT_FALSE(t.stop_at(210));
  EXPECT_EQ(t.signal(), 0);
}

TEST(CheckpointTrigger, StopsOnSignalAtTheNextBoundary) {
  ensure_mpi();
  StopSignals handlers;
  CheckpointTrigger t(CheckpointSchedule{}, 1000, 16, MPI_COMM_SELF);
  EXPECT_FALSE(t.stop_at(10));
  std::raise(SIGUSR1);  // handled: the process goes on
  EXPECT_EQ(StopSignals::pending(), SIGUSR1);
  EXPECT_TRUE(t.stop_at(20));
  EXPECT_EQ(t.signal(), SIGUSR1);
}

TEST(CheckpointFiles, NamesSortByTimeAndDirectoriesResolveToTheNewest) {
  EXPECT_EQ(checkpoint_file_name(5000, 0.1), "checkpoint_0000500.000ms.h5");
  EXPECT_LT(checkpoint_file_name(99990, 0.1), checkpoint_file_name(100000, 0.1));
  const fs::path d = fresh_dir("resolve");
  EXPECT_THROW(resolve_checkpoint(d.string()), InputError);
  for (const char* n : {"checkpoint_0000100.000ms.h5", "checkpoint_0000200.000ms.h5",
                        "checkpoint_0000300.000ms.h5.tmp.123", "notes.txt"})
    std::ofstream(d / n) << "x";
  EXPECT_EQ(resolve_checkpoint(d.string()), (d / "checkpoint_0000200.000ms.h5").string());
  EXPECT_EQ(resolve_checkpoint("some/file.h5"), "some/file.h5");
  fs::remove_all(d);
}

TEST(CheckpointHeader, RejectsFilesThatAreNotCheckpoints) {
  const fs::path d = fresh_dir("header");
  EXPECT_THROW(read_checkpoint_header((d / "missing.h5").string()), InputError);
  std::ofstream(d / "text.h5") << "not hdf5";
  try {
    read_checkpoint_header((d / "text.h5").string());
    FAIL() << "a text file was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  }
  fs::remove_all(d);
}

TEST(CheckpointRestore, SplitRunEqualsOneRun) {
  ModelSpec spec = small_model();
  spec.run.t_stop = 120.0;
  const fs::path d = fresh_dir("split");
  RunOptions o;
  o.threads = 2;
  o.progress = false;
  o.output_dir = (d / "one").string();
  SpikeTrains one, split;
  const RunSummary a = run(spec, o, &one);
  EXPECT_TRUE(a.checkpoints.empty());

  o.output_dir = (d / "split").string();
  o.checkpoint_at_ms = {50.0};
  spec.run.t_stop = 50.0;
  const RunSummary b = run(spec, o, nullptr);
  ASSERT_EQ(b.checkpoints.size(), 1u);
  EXPECT_DOUBLE_EQ(b.checkpoints[0].time_ms, 50.0);
  EXPECT_GT(b.checkpoints[0].bytes, 0u);
  const CheckpointHeader h = read_checkpoint_header(b.checkpoints[0].path);
  EXPECT_EQ(h.step, 500);
  EXPECT_EQ(h.populations, (std::vector<std::string>{"A", "B"}));

  spec.run.t_stop = 120.0;
  o.checkpoint_at_ms.clear();
  o.threads = 1;
  o.restore = b.checkpoints[0].path;
  const RunSummary c = run(spec, o, &split);
  EXPECT_DOUBLE_EQ(c.t_start_ms, 50.0);
  ASSERT_EQ(one.times.size(), split.times.size());
  for (std::size_t p = 0; p < one.times.size(); ++p) {
    EXPECT_GT(one.times[p].size(), 100u);
    EXPECT_EQ(one.times[p], split.times[p]) << "population " << p;
    EXPECT_EQ(one.node_ids[p], split.node_ids[p]) << "population " << p;
  }
  ASSERT_EQ(a.populations.size(), c.populations.size());
  for (std::size_t p = 0; p < a.populations.size(); ++p) EXPECT_EQ(a.populations[p].spikes, c.populations[p].spikes);

  // A checkpoint of one model does not restore another.
  ModelSpec other = load_model(std::string(MYELIN_SOURCE_DIR) + "/tests/mpi/chain.toml");
  o.restore = b.checkpoints[0].path;
  EXPECT_THROW(run(other, o, nullptr), InputError);
  fs::remove_all(d);
}
