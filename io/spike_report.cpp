#include "io/spike_report.hpp"

#include "io/atomic_file.hpp"
#include "io/hdf5_handles.hpp"
#include "myelin/error.hpp"
#include "myelin/version.hpp"

namespace myelin {

void write_spike_report(const std::string& path, const std::vector<PopulationSpikes>& populations) {
  AtomicFile out(path);
  try {
    h5::Handle file = h5::create_file(out.temp_path());
    h5::write_string_attribute(file, "creator", std::string("myelin ") + version_string);
    h5::Handle spikes = h5::create_group(file, "spikes");
    h5::Handle sorting(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose, "create enum");
    for (std::uint8_t v = 0; const char* n : {"none", "by_id", "by_time"}) {
      H5Tenum_insert(sorting, n, &v);
      ++v;
    }
    for (const auto& p : populations) {
      h5::Handle g = h5::create_group(spikes, p.population);
      const std::uint8_t by_time = 2;
      h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create space");
      h5::Handle attr(H5Acreate2(g, "sorting", sorting, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                      "create attribute sorting");
      H5Awrite(attr, sorting, &by_time);
      const hsize_t n = p.timestamps.size();
      h5::write_dataset(g, "timestamps", p.timestamps.data(), {n});
      h5::write_dataset_attribute(g, "timestamps", "units", "ms");
      h5::write_dataset(g, "node_ids", p.node_ids.data(), {n});
    }
  } catch (const std::runtime_error& e) {
    throw InputError(path, "", "", std::string("a writable HDF5 file (") + e.what() + ")");
  }
  out.commit();
}

}  // namespace myelin
