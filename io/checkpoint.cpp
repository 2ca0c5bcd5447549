#include "io/checkpoint.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include "core/hdf5_handles.hpp"
#include "io/plastic_state.hpp"
#include "io/row_exchange.hpp"
#include "myelin/error.hpp"
#include "myelin/version.hpp"

namespace myelin {
namespace {

/// Hash of one row, keyed by its index so that swapped rows are caught;
/// rows' hashes are summed, which does not depend on who read which row.
/// Rows are whole 64-bit words, hashed a word at a time (FNV-1a over
/// words, then a final mix).
std::uint64_t row_hash(std::uint64_t row, const unsigned char* p, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull ^ (row * 0x9E3779B97F4A7C15ull);
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  return h ^ (h >> 32);
}

std::string join(const std::vector<std::string>& v, char sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(1, sep)) + x;
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t a = 0;
  while (a <= s.size()) {
    const std::size_t b = std::min(s.find(sep, a), s.size());
    out.push_back(s.substr(a, b - a));
    a = b + 1;
  }
  return out;
}

/// The horizon of pending input: the longest delay of any rank (a spike
/// emitted in the last step reaches that far).
Step input_horizon(const Network& net, MPI_Comm comm) {
  std::uint64_t mine = static_cast<std::uint64_t>(net.max_delay), all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_UINT64_T, MPI_MAX, comm);
  return static_cast<Step>(all);
}

void write_neurons(hid_t file, const CheckpointHeader& h, const Network& net, MPI_Comm comm) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const Step horizon = input_horizon(net, comm);
  const Step local_reach = std::min<Step>(net.max_delay, horizon);
  h5::Handle neurons = h5::create_group(file, "neurons");
  RingBuffer& ring = const_cast<RingBuffer&>(net.ring);  // read only; plane() is not const
  for (std::size_t p = 0; p < h.populations.size(); ++p) {
    const NeuronGroup* g = net.group_of(p);
    if (!g) throw std::logic_error("checkpoint: population without a group");
    const std::uint64_t n = net.population_size(p);
    const std::size_t nv = g->state_size();
    if (nv > 64) throw std::logic_error("checkpoint: a neuron model with more than 64 state variables");
    const std::size_t state_bytes = nv * sizeof(double);
    const std::size_t input_bytes = static_cast<std::size_t>(horizon) * RingBuffer::channels * sizeof(std::int64_t);
    std::vector<int> dest(g->size());
    for (std::size_t i = 0; i < g->size(); ++i) dest[i] = block_owner(g->node_ids[i], n, ranks);
    const std::uint64_t b = block_begin(n, rank, ranks), e = block_begin(n, rank + 1, ranks);
    std::vector<double> state((e - b) * nv);
    std::vector<std::int64_t> input((e - b) * static_cast<std::size_t>(horizon) * 2);
    std::uint64_t hs = 0, hi = 0, received = 0, next = b;
    bool in_order = true;
    exchange_rows(
        state_bytes + input_bytes, g->node_ids, dest,
        [&](std::size_t i, unsigned char* row) {
          double x[64];
          g->get_state(i, x);
          std::memcpy(row, x, state_bytes);
          std::int64_t in[2];
          for (Step k = 0; k < horizon; ++k) {
            if (k < local_reach) {
              const std::int64_t* slot = ring.slot(g->first_local + i, h.step + k);
              in[0] = slot[0];
              in[1] = slot[1];
            } else {
              in[0] = in[1] = 0;
            }
            std::memcpy(row + state_bytes + static_cast<std::size_t>(k) * sizeof in, in, sizeof in);
          }
        },
        [&](std::uint64_t id, const unsigned char* row) {
          in_order = in_order && id == next++;
          if (id < b || id >= e) return;
          std::memcpy(state.data() + (id - b) * nv, row, state_bytes);
          std::memcpy(input.data() + (id - b) * static_cast<std::size_t>(horizon) * 2, row + state_bytes, input_bytes);
          hs += row_hash(id, row, state_bytes);
          hi += row_hash(id, row + state_bytes, input_bytes);
          ++received;
        },
        comm);
    if (!in_order || received != e - b)
      throw std::logic_error("checkpoint: neuron rows of population " + h.populations[p] + " are incomplete");
    hs = sum_all(hs, comm);
    hi = sum_all(hi, comm);
    h5::Handle pg = h5::create_group(neurons, h.populations[p]);
    h5::Handle sds = h5::create_dataset(pg, "state", H5T_NATIVE_DOUBLE, {n, nv});
    h5::write_rows(sds, H5T_NATIVE_DOUBLE, b, e - b, state.data(), true);
    h5::write_string_attribute(sds, "variables", join(g->state_names(), ','));
    h5::write_scalar_attribute(sds, "checksum", hs);
    h5::Handle ids = h5::create_dataset(pg, "input", H5T_NATIVE_INT64,
                                        {n, static_cast<hsize_t>(horizon), static_cast<hsize_t>(RingBuffer::channels)});
    h5::write_rows(ids, H5T_NATIVE_INT64, b, e - b, input.data(), true);
    h5::write_string_attribute(ids, "units", "2^-32 pA (fixed point), [excitatory, inhibitory] per step");
    h5::write_scalar_attribute(ids, "first_step", static_cast<std::uint64_t>(h.step));
    h5::write_scalar_attribute(ids, "checksum", hi);
  }
}

/// /synapses/projection_<k>/{state, in_flight} per plastic projection.
void write_plastic(hid_t file, const CheckpointHeader& h, const Network& net, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  h5::Handle syn = h5::create_group(file, "synapses");
  for (const PlasticProjection& pr : net.plastic) {
    h5::Handle g = h5::create_group(syn, "projection_" + std::to_string(pr.projection));
    h5::Handle ds = h5::create_dataset(g, "state", H5T_NATIVE_DOUBLE, {plastic_rows(net, pr, comm), plastic_row_size});
    std::uint64_t hash = 0;
    for_each_plastic_block(net, pr, comm, [&](const PlasticBlock& b) {
      const std::uint64_t n = b.rows.size() / plastic_row_size;
      for (std::uint64_t j = 0; j < n; ++j)
        hash += row_hash(b.first + j, reinterpret_cast<const unsigned char*>(b.rows.data() + j * plastic_row_size),
                         plastic_row_size * sizeof(double));
      h5::write_rows(ds, H5T_NATIVE_DOUBLE, b.first, n, b.rows.data(), true);
    });
    hash = sum_all(hash, comm);
    h5::write_string_attribute(ds, "variables", std::string("source_node_id,target_node_id,delay_ms,") + plastic_state_names);
    h5::write_scalar_attribute(ds, "checksum", hash);
    // A three-factor rule's modulator since the last consolidation (the
    // same in every part): piece start steps and concentrations.
    {
      const Modulator& m = pr.parts[0].mod;
      const hsize_t n = m.step.size();
      std::vector<double> rows;
      for (hsize_t i = 0; i < n; ++i) {
        rows.push_back(static_cast<double>(m.step[i]));
        rows.push_back(m.n[i]);
      }
      h5::Handle md = h5::create_dataset(g, "modulator", H5T_NATIVE_DOUBLE, {n, 2});
      h5::write_rows(md, H5T_NATIVE_DOUBLE, 0, rank == 0 ? n : 0, rows.data(), true);
      h5::write_string_attribute(md, "columns", "first step, concentration");
    }
    // Spikes whose arrivals at these synapses are still to come.
    const std::vector<std::uint64_t> pending = pending_spikes(pr, h.step, comm);
    std::uint64_t np = pending.size() / 2;
    MPI_Bcast(&np, 1, MPI_UINT64_T, 0, comm);
    h5::Handle fl = h5::create_dataset(g, "in_flight", H5T_NATIVE_UINT64, {np, 2});
    h5::write_rows(fl, H5T_NATIVE_UINT64, 0, rank == 0 ? np : 0, pending.data(), true);
    h5::write_string_attribute(fl, "columns", "source gid, emission step");
    if (pr.dendritic) {
      // Recent postsynaptic spikes: the dendritic convention still pairs them.
      const std::vector<double> hist = post_history_rows(net, pr, comm);
      std::uint64_t nh = hist.size() / 4;
      MPI_Bcast(&nh, 1, MPI_UINT64_T, 0, comm);
      h5::Handle ph = h5::create_dataset(g, "post_history", H5T_NATIVE_DOUBLE, {nh, 4});
      h5::write_rows(ph, H5T_NATIVE_DOUBLE, 0, rank == 0 ? nh : 0, hist.data(), true);
      h5::write_string_attribute(ph, "columns", "target gid, step, trace, second trace");
    }
  }
}

/// /stimulus_changes/changes: rows (step, stimulus, value, first, end) with
/// the spike times added in /stimulus_changes/times[first, end). Every rank
/// holds the same list; rank 0 writes it.
void write_stimulus_changes(hid_t file, const std::vector<StimulusChange>& changes, bool writer) {
  std::vector<double> rows, times;
  for (const StimulusChange& c : changes) {
    rows.insert(rows.end(), {static_cast<double>(c.at), static_cast<double>(c.stimulus), c.value,
                             static_cast<double>(times.size()), static_cast<double>(times.size() + c.times_ms.size())});
    times.insert(times.end(), c.times_ms.begin(), c.times_ms.end());
  }
  h5::Handle g = h5::create_group(file, "stimulus_changes");
  const hsize_t n = changes.size(), nt = times.size();
  h5::Handle ds = h5::create_dataset(g, "changes", H5T_NATIVE_DOUBLE, {n, 5});
  h5::write_rows(ds, H5T_NATIVE_DOUBLE, 0, writer ? n : 0, rows.data(), true);
  h5::write_string_attribute(ds, "columns", "step, stimulus index, rate (Hz) or amplitude (pA), first time, end of times");
  h5::Handle ts = h5::create_dataset(g, "times", H5T_NATIVE_DOUBLE, {nt});
  h5::write_rows(ts, H5T_NATIVE_DOUBLE, 0, writer ? nt : 0, times.data(), true);
}

/// Checkpoints from before stimulus changes were kept have none.
std::vector<StimulusChange> read_stimulus_changes(hid_t file) {
  std::vector<StimulusChange> out;
  if (!h5::exists(file, "stimulus_changes")) return out;
  h5::Handle ds = h5::open_dataset(file, "stimulus_changes/changes");
  const auto dims = h5::dataset_dims(ds);
  if (dims.size() != 2 || dims[1] != 5) throw std::runtime_error("unexpected shape of stimulus_changes/changes");
  std::vector<double> rows(dims[0] * 5);
  h5::read_rows(ds, H5T_NATIVE_DOUBLE, 0, dims[0], rows.data());
  const auto times = h5::read_dataset_1d<double>(file, "stimulus_changes/times");
  for (std::size_t i = 0; i + 4 < rows.size(); i += 5) {
    const auto first = static_cast<std::size_t>(rows[i + 3]), end = static_cast<std::size_t>(rows[i + 4]);
    if (first > end || end > times.size()) throw std::runtime_error("stimulus change times out of range");
    out.push_back({static_cast<Step>(rows[i]), static_cast<std::uint32_t>(rows[i + 1]), rows[i + 2],
                   std::vector<double>(times.begin() + static_cast<std::ptrdiff_t>(first),
                                       times.begin() + static_cast<std::ptrdiff_t>(end))});
  }
  return out;
}

/// /synapse_changes/changes: rows (step, projection, value), with the
/// parameter names, one per row, in /synapse_changes/parameters.
void write_synapse_changes(hid_t file, const std::vector<SynapseChange>& changes, bool writer) {
  std::vector<double> rows;
  std::vector<std::string> names;
  for (const SynapseChange& c : changes) {
    rows.insert(rows.end(), {static_cast<double>(c.at), static_cast<double>(c.projection), c.value});
    names.push_back(c.parameter);
  }
  h5::Handle g = h5::create_group(file, "synapse_changes");
  const hsize_t n = changes.size();
  h5::Handle ds = h5::create_dataset(g, "changes", H5T_NATIVE_DOUBLE, {n, 3});
  h5::write_rows(ds, H5T_NATIVE_DOUBLE, 0, writer ? n : 0, rows.data(), true);
  h5::write_string_attribute(ds, "columns", "step, projection index, value (base unit)");
  h5::write_string_dataset(g, "parameters", join(names, '\n'), writer);
}

/// Checkpoints from before synapse changes were kept have none.
std::vector<SynapseChange> read_synapse_changes(hid_t file) {
  std::vector<SynapseChange> out;
  if (!h5::exists(file, "synapse_changes")) return out;
  h5::Handle ds = h5::open_dataset(file, "synapse_changes/changes");
  const auto dims = h5::dataset_dims(ds);
  if (dims.size() != 2 || dims[1] != 3) throw std::runtime_error("unexpected shape of synapse_changes/changes");
  std::vector<double> rows(dims[0] * 3);
  h5::read_rows(ds, H5T_NATIVE_DOUBLE, 0, dims[0], rows.data());
  const std::string text = h5::read_string_dataset(file, "synapse_changes/parameters");
  const auto names = dims[0] ? split(text, '\n') : std::vector<std::string>{};
  if (names.size() != dims[0]) throw std::runtime_error("one parameter name per synapse change expected");
  for (std::size_t i = 0; i < dims[0]; ++i)
    out.push_back({static_cast<Step>(rows[3 * i]), static_cast<std::uint32_t>(rows[3 * i + 1]), names[i], rows[3 * i + 2]});
  return out;
}

std::string utc_now() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

[[noreturn]] void bad_file(const std::string& path, const std::string& what) {
  throw InputError(path, "", "", what);
}

}  // namespace

void write_checkpoint(const std::string& path, const CheckpointHeader& h, const Network& net,
                      const RecorderCheckpoint& rec, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  // Attributes are written collectively: every rank must pass the same
  // values, so the creation time is rank 0's.
  std::string created = rank == 0 ? utc_now() : std::string(20, ' ');
  MPI_Bcast(created.data(), 20, MPI_CHAR, 0, comm);
  h5::Handle file = h5::create_file_parallel(path, comm);
  h5::write_string_attribute(file, "myelin_kind", "checkpoint");
  h5::write_scalar_attribute(file, "format_version", static_cast<std::int32_t>(checkpoint_format_version));
  h5::write_string_attribute(file, "myelin_version", version_string);
  h5::write_string_attribute(file, "model_name", h.model_name);
  h5::write_string_attribute(file, "model_hash", h.model_hash);
  h5::write_scalar_attribute(file, "seed", h.seed);
  h5::write_scalar_attribute(file, "dt", h.dt);
  h5::write_scalar_attribute(file, "step", static_cast<std::uint64_t>(h.step));
  h5::write_scalar_attribute(file, "time", static_cast<double>(h.step) * h.dt);
  h5::write_scalar_attribute(file, "ranks", static_cast<std::int32_t>(h.ranks));
  h5::write_scalar_attribute(file, "threads", static_cast<std::int32_t>(h.threads));
  h5::write_scalar_attribute(file, "neurons", h.neurons);
  h5::write_string_attribute(file, "created", created);
  h5::write_string_attribute(file, "rng", "Philox4x32-10, counter-based: the state is (seed, step)");
  h5::write_string_dataset(file, "model", h.model_text, rank == 0);
  h5::write_dataset_attribute(file, "model", "path", h.model_path);
  h5::write_string_dataset(file, "populations", join(h.populations, '\n'), rank == 0);

  write_neurons(file, h, net, comm);
  write_plastic(file, h, net, comm);

  h5::Handle recorders = h5::create_group(file, "recorders");
  {
    const std::uint64_t n = h.spike_counts.size();
    h5::Handle ds = h5::create_dataset(recorders, "spike_counts", H5T_NATIVE_UINT64, {n});
    h5::write_rows(ds, H5T_NATIVE_UINT64, 0, rank == 0 ? n : 0, h.spike_counts.data(), true);
  }
  {
    h5::Handle reports = h5::create_group(recorders, "reports");
    h5::write_string_attribute(reports, "run", rec.origin.run_id);
    h5::write_string_attribute(reports, "dir", rec.origin.dir);
    h5::write_string_dataset(reports, "keys", join(rec.keys, '\n'), rank == 0);
    const hsize_t n = rec.keys.size();
    std::vector<std::uint64_t> written, checksum;
    for (const ReportMark& m : rec.marks) {
      written.push_back(m.written);
      checksum.push_back(m.checksum);
    }
    h5::Handle w = h5::create_dataset(reports, "written", H5T_NATIVE_UINT64, {n});
    h5::write_rows(w, H5T_NATIVE_UINT64, 0, rank == 0 ? n : 0, written.data(), true);
    h5::Handle c = h5::create_dataset(reports, "checksum", H5T_NATIVE_UINT64, {n});
    h5::write_rows(c, H5T_NATIVE_UINT64, 0, rank == 0 ? n : 0, checksum.data(), true);
  }
  h5::Handle spikes = h5::create_group(recorders, "spikes");
  write_spike_populations(spikes, rec.carry, comm);
  write_stimulus_changes(file, h.stimulus_changes, rank == 0);
  write_synapse_changes(file, h.synapse_changes, rank == 0);
}

CheckpointHeader read_checkpoint_header(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) bad_file(path, "an existing checkpoint file (no such file)");
  if (fs::is_directory(path, ec)) bad_file(path, "a checkpoint file, not a directory");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0)
    bad_file(path, "a myelin checkpoint (HDF5); this is not an HDF5 file, or its header is damaged");
  h5::Handle file;
  try {
    file = h5::open_file_readonly(path);
  } catch (const std::runtime_error&) {
    bad_file(path, "a complete HDF5 file; it cannot be opened (truncated or corrupted)");
  }
  if (!h5::has_attribute(file, "myelin_kind"))
    bad_file(path, "a myelin checkpoint; this HDF5 file was not written by a myelin run as one");
  CheckpointHeader h;
  std::string attr;
  try {
    attr = "myelin_kind";
    const std::string kind = h5::read_string_attribute(file, attr);
    if (kind != "checkpoint") bad_file(path, "a myelin checkpoint; this file is a " + kind);
    attr = "format_version";
    h.format_version = h5::read_scalar_attribute<std::int32_t>(file, attr);
    attr = "myelin_version";
    h.myelin_version = h5::read_string_attribute(file, attr);
    if (h.format_version != checkpoint_format_version)
      bad_file(path, "checkpoint format version " + std::to_string(checkpoint_format_version) + " (the file has version " +
                         std::to_string(h.format_version) + ", written by myelin " + h.myelin_version +
                         "; use that version to restore it)");
    attr = "model_name";
    h.model_name = h5::read_string_attribute(file, attr);
    attr = "model_hash";
    h.model_hash = h5::read_string_attribute(file, attr);
    attr = "seed";
    h.seed = h5::read_scalar_attribute<std::uint64_t>(file, attr);
    attr = "dt";
    h.dt = h5::read_scalar_attribute<double>(file, attr);
    attr = "step";
    h.step = static_cast<Step>(h5::read_scalar_attribute<std::uint64_t>(file, attr));
    attr = "ranks";
    h.ranks = h5::read_scalar_attribute<std::int32_t>(file, attr);
    attr = "threads";
    h.threads = h5::read_scalar_attribute<std::int32_t>(file, attr);
    attr = "neurons";
    h.neurons = h5::read_scalar_attribute<std::uint64_t>(file, attr);
    attr = "created";
    h.created = h5::read_string_attribute(file, attr);
    attr = "/model";
    h.model_text = h5::read_string_dataset(file, "model");
    {
      h5::Handle ds = h5::open_dataset(file, "model");
      h.model_path = h5::read_string_attribute(ds, "path");
    }
    attr = "/populations";
    h.populations = split(h5::read_string_dataset(file, "populations"), '\n');
    attr = "/recorders/spike_counts";
    h.spike_counts = h5::read_dataset_1d<std::uint64_t>(file, "recorders/spike_counts");
    attr = "/stimulus_changes";
    h.stimulus_changes = read_stimulus_changes(file);
    attr = "/synapse_changes";
    h.synapse_changes = read_synapse_changes(file);
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    bad_file(path, "a complete myelin checkpoint; " + attr + " cannot be read (" + e.what() + ")");
  }
  if (!(h.dt > 0) || h.step < 0 || h.spike_counts.size() != h.populations.size())
    bad_file(path, "a consistent myelin checkpoint (dt, step or populations are invalid)");
  return h;
}

namespace {

/// Reading a checkpoint collectively: errors on one rank must not leave
/// the others waiting, so each step's outcome is agreed before the next.
struct RestoreReader {
  std::string path;
  MPI_Comm comm;
  int rank = 0, ranks = 1;
  std::string where = "/";  ///< the object being read, for messages
  void agree(bool ok_here, const std::string& what) const {
    int ok = ok_here ? 1 : 0, all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm);
    if (!all) bad_file(path, what);
  }
  /// Agrees on a read step whose error (or "") is `problem`.
  void agree_read(const std::string& problem) const {
    agree(problem.empty(), "a complete myelin checkpoint; " + (problem.empty() ? where + " is unreadable on another rank" : problem));
  }
};

/// One population's neuron state and pending input, each rank reading a
/// block of rows and sending every row to the rank that owns the neuron.
void restore_neurons(RestoreReader& r, hid_t file, const CheckpointHeader& h, Network& net, const Placement& placement,
                     std::size_t p) {
  std::string& where = r.where;
  const int rank = r.rank, ranks = r.ranks;
  MPI_Comm comm = r.comm;
  const auto agree = [&](bool ok, const std::string& what) { r.agree(ok, what); };
  NeuronGroup* g = net.group_of(p);
  const std::uint64_t n = net.population_size(p);
  const std::uint64_t b = block_begin(n, rank, ranks), e = block_begin(n, rank + 1, ranks);
  const std::size_t nv = g->state_size();
  std::vector<double> state;
  std::vector<std::int64_t> input;
  std::vector<std::uint64_t> ids;
  std::vector<int> dest;
  Step horizon = 0;
  std::string problem;
  std::uint64_t hs = 0, hi = 0, hs_file = 0, hi_file = 0;
  const std::size_t state_bytes = nv * sizeof(double);
  try {
    where = "/neurons/" + h.populations[p] + "/state";
    h5::Handle sds = h5::open_dataset(file, where);
    const auto sd = h5::dataset_dims(sds);
    if (sd.size() != 2 || sd[0] != n || sd[1] != nv)
      throw std::runtime_error("shape " + std::to_string(sd.size() ? sd[0] : 0) + " x " +
                               std::to_string(sd.size() > 1 ? sd[1] : 0) + ", expected " + std::to_string(n) + " x " +
                               std::to_string(nv));
    if (h5::read_string_attribute(sds, "variables") != join(g->state_names(), ','))
      throw std::runtime_error("variables " + h5::read_string_attribute(sds, "variables") + ", expected " +
                               join(g->state_names(), ','));
    hs_file = h5::read_scalar_attribute<std::uint64_t>(sds, "checksum");
    where = "/neurons/" + h.populations[p] + "/input";
    h5::Handle ids_ds = h5::open_dataset(file, where);
    const auto id = h5::dataset_dims(ids_ds);
    if (id.size() != 3 || id[0] != n || id[2] != RingBuffer::channels) throw std::runtime_error("unexpected shape");
    horizon = static_cast<Step>(id[1]);
    hi_file = h5::read_scalar_attribute<std::uint64_t>(ids_ds, "checksum");
    state.resize((e - b) * nv);
    input.resize((e - b) * static_cast<std::size_t>(horizon) * 2);
    h5::read_rows(sds, H5T_NATIVE_DOUBLE, b, e - b, state.data());
    h5::read_rows(ids_ds, H5T_NATIVE_INT64, b, e - b, input.data());
    const std::size_t input_bytes = static_cast<std::size_t>(horizon) * RingBuffer::channels * sizeof(std::int64_t);
    for (std::uint64_t k = 0; k < e - b; ++k) {
      hs += row_hash(b + k, reinterpret_cast<const unsigned char*>(state.data() + k * nv), state_bytes);
      hi += row_hash(b + k, reinterpret_cast<const unsigned char*>(input.data() + k * static_cast<std::size_t>(horizon) * 2),
                     input_bytes);
      ids.push_back(b + k);
      dest.push_back(placement.rank_of(net.pop_first_gid[p] + b + k));
    }
  } catch (const std::runtime_error& err) {
    problem = where + ": " + err.what();
  }
  r.agree_read(problem);
  agree(sum_all(hs, comm) == hs_file && sum_all(hi, comm) == hi_file,
        "an intact checkpoint; the checksum of /neurons/" + h.populations[p] + " does not match (the file is corrupted)");
  const std::size_t input_bytes = static_cast<std::size_t>(horizon) * RingBuffer::channels * sizeof(std::int64_t);
  bool ok = true;
  std::size_t received = 0;
  double x[64];
  exchange_rows(
      state_bytes + input_bytes, ids, dest,
      [&](std::size_t k, unsigned char* row) {
        std::memcpy(row, state.data() + k * nv, state_bytes);
        std::memcpy(row + state_bytes, input.data() + k * static_cast<std::size_t>(horizon) * 2, input_bytes);
      },
      [&](std::uint64_t node, const unsigned char* row) {
        const auto it = std::lower_bound(g->node_ids.begin(), g->node_ids.end(), node);
        if (it == g->node_ids.end() || *it != node || nv > 64) {
          ok = false;
          return;
        }
        ++received;
        const std::size_t i = static_cast<std::size_t>(it - g->node_ids.begin());
        std::memcpy(x, row, state_bytes);
        g->set_state(i, x);
        for (Step s = 0; s < horizon; ++s) {
          std::int64_t in[2];
          std::memcpy(in, row + state_bytes + static_cast<std::size_t>(s) * sizeof in, sizeof in);
          if (!in[0] && !in[1]) continue;
          // Input beyond this rank's longest delay cannot be real (and
          // would wrap around the ring buffer).
          if (s >= net.max_delay) {
            ok = false;
            return;
          }
          std::int64_t* slot = net.ring.slot(g->first_local + i, h.step + s);
          slot[0] = in[0];
          slot[1] = in[1];
        }
      },
      comm);
  ok = ok && received == g->size();
  agree(ok, "a checkpoint of this network; the input of population " + h.populations[p] +
                " does not fit its synapses (was the model changed?)");
}

/// One plastic projection: weights, traces and arrivals still to come.
/// The rows are read pass by pass (io/plastic_state.hpp); a read that
/// fails leaves zeros, which the checksum then refuses.
void restore_plastic(RestoreReader& r, hid_t file, const CheckpointHeader& h, Network& net, const Placement& placement,
                     PlasticProjection& pr) {
  std::string& where = r.where;
  MPI_Comm comm = r.comm;
  const auto agree = [&](bool ok, const std::string& what) { r.agree(ok, what); };
  std::string problem;
  std::vector<std::uint64_t> pending;
  std::vector<double> post_history;
  std::uint64_t total = 0, hash = 0, file_hash = 0;
  h5::Handle ds;
  try {
    where = "/synapses/projection_" + std::to_string(pr.projection) + "/state";
    ds = h5::open_dataset(file, where);
    const auto d = h5::dataset_dims(ds);
    if (d.size() != 2 || d[1] != plastic_row_size) throw std::runtime_error("unexpected shape");
    total = d[0];
    file_hash = h5::read_scalar_attribute<std::uint64_t>(ds, "checksum");
    where = "/synapses/projection_" + std::to_string(pr.projection) + "/in_flight";
    h5::Handle fl = h5::open_dataset(file, where);
    const auto fd = h5::dataset_dims(fl);
    if (fd.size() != 2 || fd[1] != 2) throw std::runtime_error("unexpected shape");
    pending.resize(fd[0] * 2);
    h5::read_rows(fl, H5T_NATIVE_UINT64, 0, fd[0], pending.data());
    if (pr.dendritic) {
      where = "/synapses/projection_" + std::to_string(pr.projection) + "/post_history";
      h5::Handle ph = h5::open_dataset(file, where);
      const auto pd = h5::dataset_dims(ph);
      if (pd.size() != 2 || pd[1] != 4) throw std::runtime_error("unexpected shape");
      post_history.resize(pd[0] * 4);
      h5::read_rows(ph, H5T_NATIVE_DOUBLE, 0, pd[0], post_history.data());
    }
    where = "/synapses/projection_" + std::to_string(pr.projection) + "/modulator";
    h5::Handle md = h5::open_dataset(file, where);
    const auto mdims = h5::dataset_dims(md);
    if (mdims.size() != 2 || mdims[1] != 2 || mdims[0] == 0) throw std::runtime_error("unexpected shape");
    std::vector<double> rows(mdims[0] * 2);
    h5::read_rows(md, H5T_NATIVE_DOUBLE, 0, mdims[0], rows.data());
    for (PlasticPart& c : pr.parts) {
      c.mod.step.clear();
      c.mod.n.clear();
      for (std::size_t i = 0; i < mdims[0]; ++i) {
        c.mod.step.push_back(static_cast<Step>(rows[2 * i]));
        c.mod.n.push_back(rows[2 * i + 1]);
      }
    }
  } catch (const std::runtime_error& err) {
    problem = where + ": " + err.what();
  }
  r.agree_read(problem);
  const std::string changed = "a checkpoint of this network; the plastic synapses of projection " +
                              std::to_string(pr.projection) + " differ from the model's (was the model changed?)";
  agree(total == plastic_rows(net, pr, comm), changed);
  bool read_ok = true;
  const bool fits = set_plastic_state(net, pr, placement, total, comm,
                                      [&](std::uint64_t first, std::uint64_t n, std::vector<double>& rows) {
                                        try {
                                          h5::read_rows(ds, H5T_NATIVE_DOUBLE, first, n, rows.data());
                                        } catch (const std::runtime_error&) {
                                          read_ok = false;
                                        }
                                        for (std::uint64_t j = 0; j < n; ++j)
                                          hash += row_hash(first + j,
                                                           reinterpret_cast<const unsigned char*>(rows.data() + j * plastic_row_size),
                                                           plastic_row_size * sizeof(double));
                                      });
  agree(read_ok && sum_all(hash, comm) == file_hash, "an intact checkpoint; the checksum of /synapses/projection_" +
                                                         std::to_string(pr.projection) + " does not match (the file is corrupted)");
  agree(fits, changed);
  requeue_spikes(pr, pending, h.step);
  if (pr.dendritic) restore_post_history(net, pr, post_history, h.step);
}

/// Where the reports stand: their run, directory and per-report marks.
void restore_report_marks(RestoreReader& r, hid_t file, RecorderCheckpoint& rec) {
  std::string& where = r.where;
  std::string problem;
  try {
    where = "/recorders/reports";
    h5::Handle reports = h5::open_group(file, where);
    rec.origin.run_id = h5::read_string_attribute(reports, "run");
    rec.origin.dir = h5::read_string_attribute(reports, "dir");
    const std::string keys = h5::read_string_dataset(reports, "keys");
    if (!keys.empty()) rec.keys = split(keys, '\n');
    const auto written = h5::read_dataset_1d<std::uint64_t>(reports, "written");
    const auto checksum = h5::read_dataset_1d<std::uint64_t>(reports, "checksum");
    if (written.size() != rec.keys.size() || checksum.size() != rec.keys.size())
      throw std::runtime_error("keys, written and checksum differ in length");
    for (std::size_t i = 0; i < written.size(); ++i) rec.marks.push_back({written[i], checksum[i]});
  } catch (const std::runtime_error& err) {
    problem = where + ": " + err.what();
  }
  r.agree_read(problem);
}

/// The spikes not yet in the reports: each rank takes a contiguous,
/// time-sorted share.
PopulationSpikes restore_carry(RestoreReader& r, hid_t file, const std::string& name) {
  std::string& where = r.where;
  const int rank = r.rank, ranks = r.ranks;
  PopulationSpikes s{name, {}, {}};
  std::string problem;
  try {
    where = "/recorders/spikes/" + name;
    if (h5::exists(file, "recorders/spikes/" + name)) {
      h5::Handle ts = h5::open_dataset(file, where + "/timestamps"), ni = h5::open_dataset(file, where + "/node_ids");
      const std::uint64_t n = h5::dataset_dims(ts).at(0);
      if (h5::dataset_dims(ni).at(0) != n) throw std::runtime_error("timestamps and node_ids differ in length");
      const std::uint64_t b = block_begin(n, rank, ranks), e = block_begin(n, rank + 1, ranks);
      s.timestamps.resize(e - b);
      s.node_ids.resize(e - b);
      h5::read_rows(ts, H5T_NATIVE_DOUBLE, b, e - b, s.timestamps.data());
      h5::read_rows(ni, H5T_NATIVE_UINT64, b, e - b, s.node_ids.data());
    }
  } catch (const std::runtime_error& err) {
    problem = where + ": " + err.what();
  }
  r.agree_read(problem);
  return s;
}

}  // namespace

RecorderCheckpoint restore_checkpoint(const std::string& path, const CheckpointHeader& h, Network& net,
                                      const Placement& placement,
                                      const std::vector<std::string>& recorded_populations, MPI_Comm comm) {
  RestoreReader r{path, comm};
  MPI_Comm_rank(comm, &r.rank);
  MPI_Comm_size(comm, &r.ranks);
  h5::Handle file;
  try {
    file = h5::open_file_parallel_readonly(path, comm);
  } catch (const std::runtime_error&) {
    bad_file(path, "a complete HDF5 file; it cannot be opened (truncated or corrupted)");
  }
  for (std::size_t p = 0; p < h.populations.size(); ++p) restore_neurons(r, file, h, net, placement, p);
  for (PlasticProjection& pr : net.plastic) restore_plastic(r, file, h, net, placement, pr);
  RecorderCheckpoint rec;
  restore_report_marks(r, file, rec);
  for (const std::string& name : recorded_populations) rec.carry.push_back(restore_carry(r, file, name));
  return rec;
}

}  // namespace myelin
