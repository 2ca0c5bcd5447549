#include "io/spike_report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include "io/row_exchange.hpp"
#include "myelin/error.hpp"

namespace myelin {
namespace {

/// Time bins for choosing the ranks' time ranges: fine enough to balance
/// the counts, small enough to sum over all ranks in one Allreduce.
constexpr std::size_t time_bins = 4096;

/// Spikes copied or checked per rank at a time when a report is resumed.
constexpr std::uint64_t piece = 16 * SpikeReportWriter::chunk;

std::vector<int> exchange_counts(const std::vector<int>& send, MPI_Comm comm) {
  std::vector<int> recv(send.size());
  MPI_Alltoall(send.data(), 1, MPI_INT, recv.data(), 1, MPI_INT, comm);
  return recv;
}

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> d(counts.size(), 0);
  long long total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    d[i] = static_cast<int>(total);
    total += counts[i];
  }
  if (total > 0x7FFFFFFF) throw std::runtime_error("spike report: more than 2^31 spikes on one rank");
  return d;
}

std::uint64_t spike_hash(std::uint64_t position, std::uint64_t node_id, double t) {
  return element_hash(position, node_id, t);
}

h5::Handle sorting_type() {
  h5::Handle sorting(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose, "create enum");
  for (std::uint8_t v = 0; const char* n : {"none", "by_id", "by_time"}) {
    H5Tenum_insert(sorting, n, &v);
    ++v;
  }
  return sorting;
}

void write_sorting(hid_t group) {
  const h5::Handle sorting = sorting_type();
  const std::uint8_t by_time = 2;
  h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create space");
  h5::Handle attr(H5Acreate2(group, "sorting", sorting, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                  "create attribute sorting");
  H5Awrite(attr, sorting, &by_time);
}

/// This rank's chunk-aligned block of [0, n) when n spikes are read back.
std::pair<std::uint64_t, std::uint64_t> aligned_block(std::uint64_t n, MPI_Comm comm) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const std::uint64_t c = SpikeReportWriter::chunk, chunks = (n + c - 1) / c;
  return {std::min(n, block_begin(chunks, rank, ranks) * c), std::min(n, block_begin(chunks, rank + 1, ranks) * c)};
}

/// Reads spikes [0, mark.written) of /spikes/<pop> in `file`, this rank's
/// aligned block in pieces; every rank calls `take(offset, ids, times)` the
/// same number of times (so it may write collectively). Returns whether
/// the file held them with the mark's checksum (agreed over ranks).
template <class Take>
bool read_pieces(hid_t file, const std::string& pop, const ReportMark& mark, MPI_Comm comm, Take&& take) {
  const auto [b, e] = aligned_block(mark.written, comm);
  std::uint64_t pieces = (e - b + piece - 1) / piece;
  MPI_Allreduce(MPI_IN_PLACE, &pieces, 1, MPI_UINT64_T, MPI_MAX, comm);
  h5::Handle ts, ni;
  bool ok = true;
  try {
    ts = h5::open_dataset(file, "spikes/" + pop + "/timestamps");
    ni = h5::open_dataset(file, "spikes/" + pop + "/node_ids");
    ok = h5::dataset_dims(ts).at(0) >= mark.written && h5::dataset_dims(ni).at(0) >= mark.written;
  } catch (const std::exception&) {
    ok = false;
  }
  if (!all_ok(ok, comm)) return false;
  std::vector<std::uint64_t> ids;
  std::vector<double> times;
  std::uint64_t sum = 0;
  for (std::uint64_t k = 0; k < pieces; ++k) {
    const std::uint64_t p0 = std::min(e, b + k * piece), p1 = std::min(e, p0 + piece);
    ids.resize(p1 - p0);
    times.resize(p1 - p0);
    try {
      h5::read_rows(ts, H5T_NATIVE_DOUBLE, p0, p1 - p0, times.data());
      h5::read_rows(ni, H5T_NATIVE_UINT64, p0, p1 - p0, ids.data());
    } catch (const std::exception&) {
      ok = false;
    }
    if (!all_ok(ok, comm)) return false;
    for (std::size_t i = 0; i < ids.size(); ++i) sum += spike_hash(p0 + i, ids[i], times[i]);
    take(p0, ids, times);
  }
  return sum_all(sum, comm) == mark.checksum;
}

void create_population(hid_t spikes, const std::string& name) {
  h5::Handle g = h5::create_group(spikes, name);
  write_sorting(g);
  constexpr hsize_t c = SpikeReportWriter::chunk;
  h5::create_growing_dataset(g, "timestamps", H5T_NATIVE_DOUBLE, {}, {c}, true);
  h5::write_dataset_attribute(g, "timestamps", "units", "ms");
  h5::create_growing_dataset(g, "node_ids", H5T_NATIVE_UINT64, {}, {c}, true);
}

[[noreturn]] void not_a_source(const std::string& path, const std::string& pop, const ReportMark& m) {
  throw InputError(path, "/spikes/" + pop, "",
                   "the first " + std::to_string(m.written) +
                       " spikes that the checkpoint recorded; the report holds fewer or others (it was damaged, "
                       "or replaced by another run's)");
}

}  // namespace

PopulationSpikes redistribute_by_time(const PopulationSpikes& local, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  PopulationSpikes out{local.population, {}, {}};
  // The range of times over all ranks (later appends cover only the time
  // since the previous one, so the bins span [t_min, t_max]).
  double range[2] = {local.timestamps.empty() ? HUGE_VAL : -local.timestamps.front(),
                     local.timestamps.empty() ? -HUGE_VAL : local.timestamps.back()};
  MPI_Allreduce(MPI_IN_PLACE, range, 2, MPI_DOUBLE, MPI_MAX, comm);
  const double t_min = -range[0], width = range[1] - t_min;
  // Equal times fall into one bin, so a bin's spikes go to one rank and the
  // ranks' ranges never interleave.
  const auto bin_of = [&](double t) {
    const double x = width > 0 ? std::floor((t - t_min) / width * static_cast<double>(time_bins)) : 0.0;
    return std::min(time_bins - 1, static_cast<std::size_t>(std::max(0.0, x)));
  };
  std::vector<std::uint64_t> mine(time_bins, 0), all(time_bins, 0);
  for (double t : local.timestamps) ++mine[bin_of(t)];
  MPI_Allreduce(mine.data(), all.data(), static_cast<int>(time_bins), MPI_UINT64_T, MPI_SUM, comm);
  const std::uint64_t total = std::accumulate(all.begin(), all.end(), std::uint64_t{0});
  // Bin b goes to the rank whose equal share of the total holds the bin's
  // first spike.
  std::vector<int> owner(time_bins, 0);
  for (std::uint64_t b = 0, before = 0; b < time_bins; before += all[b], ++b)
    owner[b] = total ? static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(size) - 1,
                                                               before * static_cast<std::uint64_t>(size) / total))
                     : 0;

  // Local spikes are time-sorted: each destination gets a contiguous run.
  std::vector<int> send(static_cast<std::size_t>(size), 0);
  for (double t : local.timestamps) ++send[static_cast<std::size_t>(owner[bin_of(t)])];
  const std::vector<int> recv = exchange_counts(send, comm);
  const std::vector<int> sdispl = displacements(send), rdispl = displacements(recv);
  const std::size_t n = static_cast<std::size_t>(rdispl.back()) + static_cast<std::size_t>(recv.back());
  std::vector<std::uint64_t> ids(n);
  std::vector<double> times(n);
  MPI_Alltoallv(local.node_ids.data(), send.data(), sdispl.data(), MPI_UINT64_T, ids.data(), recv.data(),
                rdispl.data(), MPI_UINT64_T, comm);
  MPI_Alltoallv(local.timestamps.data(), send.data(), sdispl.data(), MPI_DOUBLE, times.data(), recv.data(),
                rdispl.data(), MPI_DOUBLE, comm);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return times[a] != times[b] ? times[a] < times[b] : ids[a] < ids[b];
  });
  out.node_ids.resize(n);
  out.timestamps.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    out.node_ids[k] = ids[order[k]];
    out.timestamps[k] = times[order[k]];
  }
  return out;
}

void write_spike_populations(hid_t parent, const std::vector<PopulationSpikes>& local, MPI_Comm comm) {
  for (const auto& p : local) {
    const PopulationSpikes mine = redistribute_by_time(p, comm);
    h5::Handle g = h5::create_group(parent, p.population);
    write_sorting(g);
    const h5::Slab slab = h5::slab_of(mine.timestamps.size(), comm);
    h5::write_dataset_collective(g, "timestamps", mine.timestamps.data(), slab);
    h5::write_dataset_attribute(g, "timestamps", "units", "ms");
    h5::write_dataset_collective(g, "node_ids", mine.node_ids.data(), slab);
  }
}

SpikeReportWriter::SpikeReportWriter(std::string path, const std::vector<std::string>& populations,
                                     const std::string& run_id, MPI_Comm comm, const ReportOrigin* origin,
                                     const std::vector<ReportMark>* marks)
    : path_(std::move(path)), populations_(populations), comm_(comm), marks_(populations.size()) {
  const std::string partial = partial_path(path_);
  const ReportContinuation from =
      continue_report(std::filesystem::path(path_).filename().string(), partial, "spike report", "spikes", origin,
                      marks, comm_);
  if (from.in_place) {
    file_ = open_report(partial, true, "a spike report that can be continued; it cannot be opened (damaged)", comm_);
    // Populations the continued run no longer records are dropped; new
    // ones start empty.
    h5::Handle spikes = h5::open_group(file_, "spikes");
    for (const std::string& name : h5::children(spikes))
      if (std::find(populations_.begin(), populations_.end(), name) == populations_.end())
        H5Ldelete(spikes, name.c_str(), H5P_DEFAULT);
    for (std::size_t k = 0; k < populations_.size(); ++k) {
      const ReportMark& m = (*marks)[k];
      if (m.written == 0 && !h5::exists(spikes, populations_[k])) {
        create_population(spikes, populations_[k]);
        continue;
      }
      if (!read_pieces(file_, populations_[k], m, comm_, [](auto, auto&, auto&) {}))
        not_a_source(partial, populations_[k], m);
      for (const char* d : {"timestamps", "node_ids"})
        h5::set_rows(h5::open_dataset(file_, "spikes/" + populations_[k] + "/" + d), m.written);
      marks_[k] = m;
    }
    return;
  }
  file_ = create_report(partial, run_id, comm_, [&](hid_t file) {
    h5::Handle spikes = h5::create_group(file, "spikes");
    for (const std::string& p : populations_) create_population(spikes, p);
  });
  if (from.source.empty()) return;
  const std::string& source = from.source;
  const h5::Handle src = open_report(source, false, "a readable spike report", comm_);
  for (std::size_t k = 0; k < populations_.size(); ++k) {
    const ReportMark& m = (*marks)[k];
    if (m.written == 0) continue;
    h5::Handle ts = h5::open_dataset(file_, "spikes/" + populations_[k] + "/timestamps");
    h5::Handle ni = h5::open_dataset(file_, "spikes/" + populations_[k] + "/node_ids");
    h5::set_rows(ts, m.written);
    h5::set_rows(ni, m.written);
    const bool same = read_pieces(src, populations_[k], m, comm_, [&](std::uint64_t at, auto& ids, auto& times) {
      h5::write_rows(ts, H5T_NATIVE_DOUBLE, at, times.size(), times.data(), true);
      h5::write_rows(ni, H5T_NATIVE_UINT64, at, ids.size(), ids.data(), true);
    });
    if (!same) not_a_source(source, populations_[k], m);
    marks_[k] = m;
  }
}

void SpikeReportWriter::write(std::vector<PopulationSpikes>& pending, bool everything) {
  if (pending.size() != populations_.size()) throw std::logic_error("spike report: populations differ");
  for (std::size_t k = 0; k < populations_.size(); ++k) {
    PopulationSpikes mine = redistribute_by_time(pending[k], comm_);
    const h5::Slab s = h5::slab_of(mine.size(), comm_);
    const std::uint64_t w = marks_[k].written;
    // Only whole chunks, except at the end: a compressed chunk is written once.
    const std::uint64_t end = everything ? s.total : (w + s.total) / chunk * chunk - w;
    const std::uint64_t n = s.offset < end ? std::min<std::uint64_t>(s.count, end - s.offset) : 0;
    if (end > 0) {
      h5::Handle ts = h5::open_dataset(file_, "spikes/" + populations_[k] + "/timestamps");
      h5::Handle ni = h5::open_dataset(file_, "spikes/" + populations_[k] + "/node_ids");
      h5::set_rows(ts, w + end);
      h5::set_rows(ni, w + end);
      h5::write_rows(ts, H5T_NATIVE_DOUBLE, w + s.offset, n, mine.timestamps.data(), true);
      h5::write_rows(ni, H5T_NATIVE_UINT64, w + s.offset, n, mine.node_ids.data(), true);
      std::uint64_t sum = 0;
      for (std::uint64_t i = 0; i < n; ++i) sum += spike_hash(w + s.offset + i, mine.node_ids[i], mine.timestamps[i]);
      marks_[k].checksum += sum_all(sum, comm_);
      marks_[k].written += end;
    }
    mine.node_ids.erase(mine.node_ids.begin(), mine.node_ids.begin() + static_cast<std::ptrdiff_t>(n));
    mine.timestamps.erase(mine.timestamps.begin(), mine.timestamps.begin() + static_cast<std::ptrdiff_t>(n));
    pending[k].node_ids = std::move(mine.node_ids);
    pending[k].timestamps = std::move(mine.timestamps);
  }
}

void SpikeReportWriter::flush() {
  if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0) throw std::runtime_error("HDF5: cannot flush " + path_);
}

void SpikeReportWriter::finish(std::vector<PopulationSpikes>& pending) {
  write(pending, true);
  file_.reset();
  commit_report(partial_path(path_), path_, comm_);
}

std::vector<PopulationSpikes> read_spike_prefix(const std::string& path, const std::vector<std::string>& populations,
                                                const std::vector<ReportMark>& marks, MPI_Comm comm) {
  const h5::Handle file = open_report(path, false, "a readable spike report", comm);
  std::vector<PopulationSpikes> out;
  for (std::size_t k = 0; k < populations.size(); ++k) {
    PopulationSpikes p{populations[k], {}, {}};
    if (marks[k].written > 0 &&
        !read_pieces(file, populations[k], marks[k], comm, [&](std::uint64_t, auto& ids, auto& times) {
          p.node_ids.insert(p.node_ids.end(), ids.begin(), ids.end());
          p.timestamps.insert(p.timestamps.end(), times.begin(), times.end());
        }))
      not_a_source(path, populations[k], marks[k]);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace myelin
