#include "io/state_report.hpp"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include "io/row_exchange.hpp"
#include "myelin/error.hpp"

namespace myelin {
namespace {

/// Samples per chunk, and per piece when a report is resumed.
constexpr std::uint64_t chunk_elements = 65536, piece_elements = 1u << 20;

std::vector<std::uint64_t> all_gather(const std::vector<std::uint64_t>& mine, MPI_Comm comm) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  int n = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(ranks)), displs(static_cast<std::size_t>(ranks), 0);
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
  std::vector<std::uint64_t> all(static_cast<std::size_t>(displs.back() + counts.back()));
  MPI_Allgatherv(mine.data(), n, MPI_UINT64_T, all.data(), counts.data(), displs.data(), MPI_UINT64_T, comm);
  return all;
}

[[noreturn]] void not_a_source(const std::string& path, const std::string& pop, const ReportMark& m) {
  throw InputError(path, "/report/" + pop, "",
                   "the first " + std::to_string(m.written) +
                       " samples that the checkpoint recorded, of the same neurons; the report holds fewer or "
                       "others (it was damaged, replaced by another run's, or the state recorder changed)");
}

}  // namespace

StateReportWriter::StateReportWriter(std::string path, const std::string& variable, const std::string& units,
                                     std::vector<StateColumns> populations, const std::string& run_id,
                                     MPI_Comm comm, const ReportOrigin* origin, const std::vector<ReportMark>* marks)
    : path_(std::move(path)), variable_(variable), comm_(comm), marks_(populations.size()) {
  for (StateColumns& c : populations) {
    Population p;
    p.all_ids = all_gather(c.node_ids, comm_);
    std::sort(p.all_ids.begin(), p.all_ids.end());
    p.total_columns = p.all_ids.size();
    p.order.resize(c.node_ids.size());
    std::iota(p.order.begin(), p.order.end(), std::size_t{0});
    std::sort(p.order.begin(), p.order.end(), [&](std::size_t a, std::size_t b) { return c.node_ids[a] < c.node_ids[b]; });
    for (std::size_t i : p.order)
      p.position.push_back(static_cast<std::uint64_t>(
          std::lower_bound(p.all_ids.begin(), p.all_ids.end(), c.node_ids[i]) - p.all_ids.begin()));
    p.columns = std::move(c);
    pops_.push_back(std::move(p));
  }
  const std::string partial = partial_path(path_);
  const ReportContinuation from = continue_report(std::filesystem::path(path_).filename().string(), partial,
                                                  variable_ + " report", "samples", origin, marks, comm_);
  if (from.in_place) {
    file_ = open_report(partial, true, "a state report that can be continued; it cannot be opened (damaged)", comm_);
    for (std::size_t k = 0; k < pops_.size(); ++k) {
      const ReportMark& m = (*marks)[k];
      if (!read_rows(file_, k, m, [](auto, auto, const auto&) {})) not_a_source(partial, pops_[k].columns.population, m);
      h5::set_rows(h5::open_dataset(file_, "report/" + pops_[k].columns.population + "/data"), m.written);
      marks_[k] = m;
    }
    return;
  }
  file_ = create_report(partial, run_id, comm_, [&](hid_t file) {
    h5::Handle report = h5::create_group(file, "report");
    for (std::size_t k = 0; k < pops_.size(); ++k) {
      create(k, report);
      h5::write_dataset_attribute(report, pops_[k].columns.population + "/data", "units", units);
      h5::write_dataset_attribute(report, pops_[k].columns.population + "/data", "variable_name", variable);
    }
  });
  if (from.source.empty()) return;
  const std::string& source = from.source;
  const h5::Handle src = open_report(source, false, "a readable state report", comm_);
  for (std::size_t k = 0; k < pops_.size(); ++k) {
    const ReportMark& m = (*marks)[k];
    h5::Handle ds = h5::open_dataset(file_, "report/" + pops_[k].columns.population + "/data");
    h5::set_rows(ds, m.written);
    const bool same = read_rows(src, k, m, [&](std::uint64_t row0, std::uint64_t rows, const std::vector<double>& d) {
      h5::Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
      h5::Handle mem = select(pops_[k], space, row0, rows);
      h5::Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
      H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
      if (H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, xfer, d.data()) < 0)
        throw std::runtime_error("HDF5: cannot write " + partial);
    });
    if (!same) not_a_source(source, pops_[k].columns.population, m);
    marks_[k] = m;
  }
}

void StateReportWriter::create(std::size_t k, hid_t report) {
  const Population& p = pops_[k];
  h5::Handle g = h5::create_group(report, p.columns.population);
  const hsize_t cols = p.total_columns;
  const hsize_t chunk_rows = std::max<hsize_t>(1, chunk_elements / std::max<hsize_t>(cols, 1));
  h5::create_growing_dataset(g, "data", H5T_NATIVE_DOUBLE, {cols}, {chunk_rows, std::max<hsize_t>(cols, 1)}, false);
  h5::Handle m = h5::create_group(g, "mapping");
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  const hsize_t mine = rank == 0 ? cols : 0;
  h5::Handle ids = h5::create_dataset(m, "node_ids", H5T_NATIVE_UINT64, {cols});
  h5::write_rows(ids, H5T_NATIVE_UINT64, 0, mine, p.all_ids.data(), true);
  std::vector<std::uint64_t> ptr(cols + 1), elem(cols, 0);
  std::iota(ptr.begin(), ptr.end(), std::uint64_t{0});
  h5::Handle ip = h5::create_dataset(m, "index_pointers", H5T_NATIVE_UINT64, {cols + 1});
  h5::write_rows(ip, H5T_NATIVE_UINT64, 0, rank == 0 ? cols + 1 : 0, ptr.data(), true);
  h5::Handle el = h5::create_dataset(m, "element_ids", H5T_NATIVE_UINT64, {cols});
  h5::write_rows(el, H5T_NATIVE_UINT64, 0, mine, elem.data(), true);
  h5::create_dataset(m, "time", H5T_NATIVE_DOUBLE, {3});
  h5::write_dataset_attribute(m, "time", "units", "ms");
}

h5::Handle StateReportWriter::select(const Population& p, hid_t file_space, std::uint64_t row0,
                                     std::uint64_t rows) const {
  const hsize_t n = rows * p.position.size();
  h5::Handle mem(H5Screate_simple(1, &n, nullptr), H5Sclose, "create memory space");
  if (n == 0) {
    H5Sselect_none(file_space);
    H5Sselect_none(mem);
    return mem;
  }
  // One block per run of consecutive file columns.
  for (std::size_t i = 0; i < p.position.size();) {
    std::size_t j = i + 1;
    while (j < p.position.size() && p.position[j] == p.position[j - 1] + 1) ++j;
    const hsize_t start[2] = {row0, p.position[i]}, count[2] = {rows, j - i};
    H5Sselect_hyperslab(file_space, i == 0 ? H5S_SELECT_SET : H5S_SELECT_OR, start, nullptr, count, nullptr);
    i = j;
  }
  return mem;
}

template <class Take>
bool StateReportWriter::read_rows(hid_t file, std::size_t k, const ReportMark& mark, Take&& take) {
  const Population& p = pops_[k];
  const std::string where = "report/" + p.columns.population;
  h5::Handle ds;
  bool ok = true;
  try {
    ds = h5::open_dataset(file, where + "/data");
    const auto dims = h5::dataset_dims(ds);
    ok = dims.size() == 2 && dims[0] >= mark.written && dims[1] == p.total_columns &&
         h5::read_dataset_1d<std::uint64_t>(file, where + "/mapping/node_ids") == p.all_ids;
  } catch (const std::exception&) {
    ok = false;
  }
  if (!all_ok(ok, comm_)) return false;
  const std::uint64_t rows_per_piece = std::max<std::uint64_t>(1, piece_elements / std::max<std::uint64_t>(1, p.total_columns));
  std::vector<double> buf;
  std::uint64_t sum = 0;
  for (std::uint64_t r0 = 0; r0 < mark.written; r0 += rows_per_piece) {
    const std::uint64_t rows = std::min(rows_per_piece, mark.written - r0);
    buf.resize(rows * p.position.size());
    try {
      h5::Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
      h5::Handle mem = select(p, space, r0, rows);
      if (H5Dread(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf.data()) < 0) ok = false;
    } catch (const std::exception&) {
      ok = false;
    }
    if (!all_ok(ok, comm_)) return false;
    for (std::uint64_t r = 0; r < rows; ++r)
      for (std::size_t i = 0; i < p.position.size(); ++i)
        sum += element_hash(r0 + r, p.columns.node_ids[p.order[i]], buf[r * p.position.size() + i]);
    take(r0, rows, buf);
  }
  return sum_all(sum, comm_) == mark.checksum;
}

void StateReportWriter::append(std::size_t k, std::uint64_t rows, const double* data) {
  const Population& p = pops_[k];
  const std::size_t cols = p.order.size();
  std::vector<double> buf(rows * cols);
  std::uint64_t sum = 0;
  const std::uint64_t w = marks_[k].written;
  for (std::uint64_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < cols; ++i) {
      const double v = data[r * cols + p.order[i]];
      buf[r * cols + i] = v;
      sum += element_hash(w + r, p.columns.node_ids[p.order[i]], v);
    }
  h5::Handle ds = h5::open_dataset(file_, "report/" + p.columns.population + "/data");
  h5::set_rows(ds, w + rows);
  h5::Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
  h5::Handle mem = select(p, space, w, rows);
  h5::Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  if (H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, xfer, buf.data()) < 0)
    throw std::runtime_error("HDF5: cannot write the " + variable_ + " report");
  marks_[k].checksum += sum_all(sum, comm_);
  marks_[k].written += rows;
}

void StateReportWriter::flush() {
  if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0) throw std::runtime_error("HDF5: cannot flush " + path_);
}

void StateReportWriter::finish() {
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  for (std::size_t k = 0; k < pops_.size(); ++k) {
    const double step = pops_[k].columns.t_step;
    const double t[3] = {step, step + static_cast<double>(marks_[k].written) * step, step};
    h5::Handle ds = h5::open_dataset(file_, "report/" + pops_[k].columns.population + "/mapping/time");
    h5::write_rows(ds, H5T_NATIVE_DOUBLE, 0, rank == 0 ? 3 : 0, t, true);
  }
  file_.reset();
  commit_report(partial_path(path_), path_, comm_);
}

}  // namespace myelin
