#pragma once
// RAII for HDF5 identifiers, and the few write helpers the reports need.
// HDF5 errors become exceptions with the file name instead of HDF5's own
// error stack on stderr.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace myelin::h5 {

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t), const char* what) : id_(id), close_(close) {
    if (id < 0) throw std::runtime_error(std::string("HDF5: cannot ") + what);
  }
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) { reset(); id_ = o.id_; close_ = o.close_; o.id_ = -1; }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

inline Handle create_file(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // report via exceptions, not stderr
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                ("create " + path).c_str());
}

inline Handle create_group(hid_t parent, const std::string& name) {
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                ("create group " + name).c_str());
}

template <class T>
hid_t native_type();
template <> inline hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> inline hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> inline hid_t native_type<std::uint64_t>() { return H5T_NATIVE_UINT64; }
template <> inline hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> inline hid_t native_type<std::uint32_t>() { return H5T_NATIVE_UINT32; }

/// Writes a dataset of rank 1 or 2 (dims), chunked and compressed when large.
template <class T>
void write_dataset(hid_t parent, const std::string& name, const T* data, std::vector<hsize_t> dims) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "create dataspace");
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  hsize_t total = 1;
  for (auto d : dims) total *= d;
  if (total >= 65536) {
    std::vector<hsize_t> chunk = dims;
    chunk[0] = std::min<hsize_t>(dims[0], std::max<hsize_t>(1, 65536 / (total / dims[0])));
    H5Pset_chunk(plist, static_cast<int>(chunk.size()), chunk.data());
    H5Pset_deflate(plist, 1);
  }
  Handle ds(H5Dcreate2(parent, name.c_str(), native_type<T>(), space, H5P_DEFAULT, plist, H5P_DEFAULT), H5Dclose,
            ("create dataset " + name).c_str());
  if (total > 0 && H5Dwrite(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    throw std::runtime_error("HDF5: cannot write dataset " + name);
}

inline void write_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  H5Tset_size(type, value.size());
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              ("create attribute " + name).c_str());
  H5Awrite(attr, type, value.c_str());
}

inline void write_dataset_attribute(hid_t parent, const std::string& dataset, const std::string& name,
                                    const std::string& value) {
  Handle ds(H5Dopen2(parent, dataset.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + dataset).c_str());
  write_string_attribute(ds, name, value);
}

}  // namespace myelin::h5
