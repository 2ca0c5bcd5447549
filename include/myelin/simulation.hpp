#pragma once
// Running a model: a Simulation builds each rank's part of the network from
// a ModelSpec on a Context, runs it to a time as often as asked, shows its
// spikes and state in between, takes changes of state and stimuli, writes
// checkpoints, and at finish() its outputs. run() is the one-shot form the
// CLI uses.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "myelin/context.hpp"
#include "myelin/model_spec.hpp"

namespace myelin {

struct RunOptions {
  std::string output_dir = "output";
  int threads = 0;            ///< run() only: 0: OMP_NUM_THREADS, or all cores (a Simulation takes its Context's)
  bool progress = true;       ///< progress line on stderr
  bool write_outputs = true;  ///< spikes.h5, state.h5, summary.json
  /// Recorded spikes and samples a rank buffers before the reports are
  /// appended to (all ranks append together when one passes it).
  double record_buffer_mb = 64.0;
  /// "delay-aware": each pair of ranks talks at the interval its smallest
  /// delay allows; "global": all ranks every minimum delay (NEST's scheme).
  std::string exchange = "delay-aware";
  /// Placement of neurons on ranks: "round_robin" (NEST's), "block",
  /// "population" or "graph" (METIS), computed at start-up...
  std::string partition = "round_robin";
  /// Spikes of the recorded populations kept in memory for
  /// Simulation::spikes() (run() keeps them when asked for them).
  bool keep_spikes = true;
  /// ... unless a placement file from `myelin partition` is given.
  std::string placement_file;
  std::uint64_t chunk_size = 256;  ///< graph strategy: neurons per vertex
  double imbalance_tolerance = 0.05;

  /// Checkpoints (io/checkpoint.hpp): every so many ms (0: never), at given
  /// times, and on SIGUSR1/SIGTERM (then the run stops after writing one).
  double checkpoint_every_ms = 0.0;
  std::vector<double> checkpoint_at_ms;
  bool checkpoint_on_signal = true;
  std::string checkpoint_dir;  ///< default: <output_dir>/checkpoints
  int checkpoint_keep = 2;     ///< newest checkpoints kept
  /// Continue from this checkpoint (a file, or a directory: its newest).
  std::string restore;
  /// Memory a rank may use, MiB. 0: what the machine gives it (the
  /// cgroup's limit or the physical memory, shared by the ranks on a node,
  /// or ulimit -v). A model whose estimated peak exceeds it is refused
  /// before anything is built. < 0: no check.
  double memory_limit_mb = 0.0;
};

/// One checkpoint written by a run.
struct CheckpointRecord {
  std::string path;
  double time_ms = 0.0;
  double write_s = 0.0;
  std::uint64_t bytes = 0;
};

struct PopulationResult {
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t spikes = 0;
  double rate_hz = 0.0;
};

/// What a run measured; also written to summary.json.
struct RunSummary {
  std::uint64_t neurons = 0;
  std::uint64_t synapses = 0;
  std::uint64_t connectivity_bytes = 0;  ///< synapses plus row and segment tables
  double bytes_per_synapse = 0.0;
  /// Of those, synapses of plastic models, and their bytes each (weights,
  /// presynaptic and postsynaptic state and indices included).
  std::uint64_t plastic_synapses = 0;
  double plastic_bytes_per_synapse = 0.0;
  double build_time_s = 0.0;
  double sim_time_s = 0.0;
  double bio_time_ms = 0.0;
  double real_time_factor = 0.0;  ///< wall seconds per biological second
  std::uint64_t events_delivered = 0;
  double events_per_second = 0.0;
  double peak_memory_mb = 0.0;  ///< the largest of any rank
  double estimated_memory_mb = 0.0;  ///< the peak predicted before the build (the largest rank)
  int ranks = 1;
  int threads = 1;
  std::string placement;  ///< strategy name
  std::uint64_t steps = 0;
  std::uint64_t min_delay_steps = 0;
  std::uint64_t max_delay_steps = 0;
  std::string exchange_scheme;
  std::uint64_t exchange_synchronisations = 0;  ///< boundaries where rank 0 waited for another rank
  std::uint64_t exchange_messages = 0;          ///< summed over ranks
  std::uint64_t exchange_bytes_sent = 0;        ///< summed over ranks
  /// Per rank: slice boundaries at which it waited for another rank,
  /// messages and bytes it sent.
  std::vector<std::uint64_t> synchronisations_per_rank, messages_per_rank, bytes_sent_per_rank;
  /// Per rank, seconds: neuron updates and delivery (slowest thread), all
  /// time in the exchange, and the part of it blocked waiting for others.
  std::vector<double> update_s_per_rank, deliver_s_per_rank, exchange_s_per_rank, wait_s_per_rank;
  /// Mean over received messages of the steps between their sending and
  /// the boundary they were needed at (delay-aware only): the compute that
  /// communication overlaps with.
  double mean_slack_steps = 0.0;
  double load_imbalance = 1.0;  ///< max / mean of the ranks' update times
  std::uint64_t exchange_tiers = 0;  ///< most delay tiers of any rank
  /// Messages and bytes sent per tier (tier k: every m 2^k steps), summed
  /// over ranks.
  std::vector<std::uint64_t> tier_messages, tier_bytes;
  /// D(a, b) in steps, row-major ranks x ranks (0: no synapse from a to b).
  std::vector<std::uint64_t> delay_matrix;
  std::vector<PopulationResult> populations;
  double t_start_ms = 0.0;  ///< 0, or the restored checkpoint's time
  double t_reached_ms = 0.0;  ///< t_stop, or where a signal stopped the run
  std::string restored_from;
  std::vector<CheckpointRecord> checkpoints;
  int stopped_by_signal = 0;  ///< SIGUSR1/SIGTERM that ended the run early
  /// Appends to the reports (collective: when a rank's buffer is full, at
  /// checkpoints and at the end) and the wall time they took; sim_time_s
  /// includes only those made while simulating.
  std::uint64_t report_appends = 0;
  double report_write_s = 0.0;
};

/// Spikes as (population-local node id, time in ms) per population, by
/// time, then node id.
struct SpikeTrains {
  std::vector<std::vector<std::uint64_t>> node_ids;  ///< per population
  std::vector<std::vector<double>> times;
};

/// The synapses of a projection: population-local source and target node
/// ids, weight (in the target's weight unit, signed: negative is
/// inhibitory) and delay (ms), one entry per synapse.
struct Connections {
  std::vector<std::uint64_t> sources, targets;
  std::vector<double> weights, delays;
};

/// A spike of a recorded population.
struct Spike {
  std::uint32_t population = 0;  ///< index in ModelSpec::populations
  std::uint64_t node = 0;        ///< population-local id (SONATA node id)
  double time_ms = 0.0;          ///< NEST's stamp: the end of the step it was emitted in
};

/// Called on every rank with that rank's spikes of one slice (a minimum
/// delay of biological time), in time order, then by node.
using SpikeCallback = std::function<void(std::span<const Spike>)>;

/// A sample of a state recorder: one variable of one neuron at one time.
struct Sample {
  std::uint32_t population = 0;  ///< index in ModelSpec::populations
  std::uint64_t node = 0;        ///< population-local id
  std::uint32_t variable = 0;    ///< index in the population's recorder's `variables`
  double time_ms = 0.0;          ///< the end of the step sampled, a multiple of the recorder's interval
  double value = 0.0;            ///< in the variable's unit (mV, pA, nS, ...)
};

/// Called on every rank with that rank's samples of one slice, by
/// population, then time, then node, then variable.
using SampleCallback = std::function<void(std::span<const Sample>)>;

RunSummary run(const ModelSpec& spec, const RunOptions& options, SpikeTrains* spikes_out);

class Simulation {
 public:
  /// Collective over the context's ranks: places the neurons, builds each
  /// rank's part of the network and, with options.restore, loads a
  /// checkpoint. Throws InputError for a model or options that cannot run.
  Simulation(const ModelSpec& spec, const Context& context, const RunOptions& options = {});
  ~Simulation();
  Simulation(Simulation&&) noexcept;
  Simulation& operator=(Simulation&&) noexcept;

  /// Collective: simulates up to `t_ms`, a multiple of dt after time()
  /// (the model's t_stop bounds only run()). Returns the
  /// time reached: `t_ms`, or earlier when SIGUSR1/SIGTERM stopped it with
  /// a checkpoint (options.checkpoint_on_signal). Runs in pieces give the
  /// same spikes, bit for bit, as one run.
  double run_until(double t_ms);
  /// Biological time reached, ms.
  double time() const;
  /// Whether a signal stopped the last run_until early.
  bool stopped_by_signal() const;

  /// Adds a callback for the spikes of each slice (see SpikeCallback).
  void on_spikes(SpikeCallback callback);
  /// Adds a callback for the samples of the model's state recorders in each
  /// slice (see SampleCallback), whether or not they also go to files.
  void on_samples(SampleCallback callback);
  /// Collective: every spike kept since the start or the last
  /// clear_spikes() (options.keep_spikes), on every rank, by time then
  /// node id, as (population-local id, time) per population.
  SpikeTrains spikes() const;
  void clear_spikes();

  /// Collective: the recordable variable (e.g. "V_m", in the model's user
  /// units) of every neuron of a population, by node id, on every rank.
  std::vector<double> get_state(const std::string& population, const std::string& variable) const;
  /// Sets a variable of every neuron of a population: one value each (by
  /// node id), or one value for all. Not collective; every rank must pass
  /// the same values.
  void set_state(const std::string& population, const std::string& variable, const std::vector<double>& values);
  void set_state(const std::string& population, const std::string& variable, double value);

  /// Collective: every synapse of projection `projection` (index in
  /// ModelSpec::projections), on every rank, by target node id and, per
  /// target, in the order the connection rule made them. Plastic weights
  /// are those reached at time().
  Connections connections(std::size_t projection) const;

  /// A poisson_generator's rate from now on (emissions at or after time()).
  void set_rate(const std::string& stimulus, double rate_hz);
  /// A dc_generator's amplitude for the current it emits from now on (it
  /// acts after the generator's delay, within its start and stop).
  void set_amplitude(const std::string& stimulus, double amplitude_pa);
  /// More spike times (ms, after time()) for a spike_generator.
  void add_spike_times(const std::string& stimulus, const std::vector<double>& times_ms);
  /// A parameter of plastic projection `projection`'s synapse rule from now
  /// on, for all its synapses (NEST's SetStatus on a synapse model), in
  /// base units: e.g. eta = 0 (stdp_symmetric_synapse) or lambda = 0
  /// (stdp_synapse) freezes learning during a recall test. Also
  /// scaling.beta and scaling.target_rate of a projection built with
  /// synaptic scaling. Time constants are fixed at the build. Checked as
  /// the model file's values are; kept in checkpoints. Not collective;
  /// every rank must make the same changes.
  void set_synapse_parameter(std::size_t projection, const std::string& parameter, double value);

  /// Collective: writes a checkpoint of the state at time() into `dir`
  /// (options.checkpoint_dir, or OUTPUT/checkpoints, when empty); returns
  /// its path. Stimulus changes made through this API are in it and are
  /// replayed when options.restore loads it.
  std::string checkpoint(const std::string& dir = "");

  /// Collective: what the run measured so far.
  RunSummary summary() const;
  /// Collective: completes the reports, writes synapses.h5 and
  /// summary.json (options.write_outputs), and returns the summary. The
  /// simulation cannot run on afterwards.
  RunSummary finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend RunSummary run(const ModelSpec&, const RunOptions&, SpikeTrains*);
};

/// Runs a model from start (or a restored checkpoint) to t_stop on every
/// rank of MPI_COMM_WORLD, which the caller has initialised (MpiSession).
/// Throws InputError for bad input. With `spikes_out`, every recorded
/// spike comes back: from the spike report on rank 0 (a restored run's
/// earlier spikes included) when outputs are written, else on every rank.
RunSummary run(const ModelSpec& spec, const RunOptions& options, SpikeTrains* spikes_out = nullptr);

}  // namespace myelin
