#include "io/state_report.hpp"

#include "io/atomic_file.hpp"
#include "io/hdf5_handles.hpp"
#include "myelin/error.hpp"

namespace myelin {

void write_state_report(const std::string& path, const std::string& variable, const std::string& units,
                        const std::vector<PopulationTrace>& populations) {
  AtomicFile out(path);
  try {
    h5::Handle file = h5::create_file(out.temp_path());
    h5::Handle report = h5::create_group(file, "report");
    for (const auto& p : populations) {
      h5::Handle g = h5::create_group(report, p.population);
      const hsize_t cols = p.node_ids.size();
      const hsize_t rows = cols ? p.data.size() / cols : 0;
      h5::write_dataset(g, "data", p.data.data(), {rows, cols});
      h5::write_dataset_attribute(g, "data", "units", units);
      h5::write_dataset_attribute(g, "data", "variable_name", variable);
      h5::Handle m = h5::create_group(g, "mapping");
      h5::write_dataset(m, "node_ids", p.node_ids.data(), {cols});
      std::vector<std::uint64_t> ptr(cols + 1), elem(cols, 0);
      for (hsize_t i = 0; i <= cols; ++i) ptr[i] = i;
      h5::write_dataset(m, "index_pointers", ptr.data(), {cols + 1});
      h5::write_dataset(m, "element_ids", elem.data(), {cols});
      const double t[3] = {p.t_start, p.t_stop, p.t_step};
      h5::write_dataset(m, "time", t, {3});
      h5::write_dataset_attribute(m, "time", "units", "ms");
    }
  } catch (const std::runtime_error& e) {
    throw InputError(path, "", "", std::string("a writable HDF5 file (") + e.what() + ")");
  }
  out.commit();
}

}  // namespace myelin
