#pragma once
// RAII for HDF5 identifiers, and the few write helpers the reports need.
// HDF5 errors become exceptions with the file name instead of HDF5's own
// error stack on stderr.
#include <hdf5.h>
#include <mpi.h>

#include <algorithm>
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

/// Creates a file that every rank of `comm` writes into with MPI-IO
/// (collective: every rank calls it with the same path).
inline Handle create_file_parallel(const std::string& path, MPI_Comm comm) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  if (H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0) throw std::runtime_error("HDF5: cannot use MPI-IO");
  // Metadata is written collectively too: every rank creates the same
  // groups, datasets and attributes.
  H5Pset_all_coll_metadata_ops(fapl, true);
  H5Pset_coll_metadata_write(fapl, true);
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose, ("create " + path).c_str());
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
template <> inline hid_t native_type<std::int32_t>() { return H5T_NATIVE_INT32; }

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

/// This rank's part of a 1-D dataset: [offset, offset + count) of total.
struct Slab {
  hsize_t offset = 0, count = 0, total = 0;
};

/// Collective: the slabs of consecutive ranks, in rank order.
inline Slab slab_of(std::size_t count, MPI_Comm comm) {
  unsigned long long n = count, before = 0, total = 0;
  MPI_Exscan(&n, &before, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) before = 0;  // MPI_Exscan leaves rank 0's result undefined
  MPI_Allreduce(&n, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm);
  return {before, n, total};
}

/// Collective: every rank writes its slab of one 1-D dataset (chunked and
/// compressed when large, as write_dataset does on one rank).
template <class T>
void write_dataset_collective(hid_t parent, const std::string& name, const T* data, const Slab& slab) {
  const hsize_t total = slab.total;
  Handle space(H5Screate_simple(1, &total, nullptr), H5Sclose, "create dataspace");
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  if (total >= 65536) {
    const hsize_t chunk = 65536;
    H5Pset_chunk(plist, 1, &chunk);
    H5Pset_deflate(plist, 1);
  }
  Handle ds(H5Dcreate2(parent, name.c_str(), native_type<T>(), space, H5P_DEFAULT, plist, H5P_DEFAULT), H5Dclose,
            ("create dataset " + name).c_str());
  if (total == 0) return;
  const hsize_t count = std::max<hsize_t>(slab.count, 1);
  Handle mem(H5Screate_simple(1, &count, nullptr), H5Sclose, "create memory space");
  if (slab.count) {
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &slab.offset, nullptr, &slab.count, nullptr);
  } else {
    H5Sselect_none(space);
    H5Sselect_none(mem);
  }
  Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);  // compressed datasets require collective writes
  if (H5Dwrite(ds, native_type<T>(), mem, space, xfer, data) < 0)
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

template <class T>
void write_scalar_attribute(hid_t obj, const std::string& name, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(obj, name.c_str(), native_type<T>(), space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              ("create attribute " + name).c_str());
  H5Awrite(attr, native_type<T>(), &value);
}

/// Opens an existing file read-only; throws with the HDF5 reason folded in.
inline Handle open_file_readonly(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  return Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, ("open " + path).c_str());
}

inline bool has_attribute(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

/// Reads a fixed-length string of file type `type` through read(memory
/// type, buffer), up to its first NUL.
template <class Read>
std::string read_fixed_string(hid_t type, const std::string& what, Read&& read) {
  std::string value(H5Tget_size(type), '\0');
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  H5Tset_size(mem, value.size());
  // HDF5 does not convert between ASCII and UTF-8: read in the file's set.
  H5Tset_cset(mem, H5Tget_cset(type));
  if (read(static_cast<hid_t>(mem), static_cast<void*>(value.data())) < 0) throw std::runtime_error("cannot read " + what);
  value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
  return value;
}

inline std::string read_string_attribute(hid_t obj, const std::string& name) {
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, ("open attribute " + name).c_str());
  Handle type(H5Aget_type(attr), H5Tclose, "get attribute type");
  if (H5Tget_class(type) != H5T_STRING) throw std::runtime_error("attribute " + name + " is not a string");
  if (H5Tis_variable_str(type) > 0) {
    // h5py writes variable-length UTF-8 strings by default.
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char* text = nullptr;
    if (H5Aread(attr, mem, &text) < 0) throw std::runtime_error("cannot read attribute " + name);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  return read_fixed_string(type, "attribute " + name, [&](hid_t mem, void* buf) { return H5Aread(attr, mem, buf); });
}

template <class T>
T read_scalar_attribute(hid_t obj, const std::string& name) {
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, ("open attribute " + name).c_str());
  T value{};
  if (H5Aread(attr, native_type<T>(), &value) < 0) throw std::runtime_error("cannot read attribute " + name);
  return value;
}

/// Reads a whole 1-D dataset, converting to T.
template <class T>
std::vector<T> read_dataset_1d(hid_t parent, const std::string& name) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + name).c_str());
  Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
  if (H5Sget_simple_extent_ndims(space) != 1) throw std::runtime_error("dataset " + name + " is not 1-D");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<T> out(n);
  if (n && H5Dread(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw std::runtime_error("cannot read dataset " + name);
  return out;
}

/// Opens an existing file that every rank of `comm` reads with MPI-IO.
inline Handle open_file_parallel_readonly(const std::string& path, MPI_Comm comm) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  if (H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0) throw std::runtime_error("HDF5: cannot use MPI-IO");
  return Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl), H5Fclose, ("open " + path).c_str());
}

inline Handle open_dataset(hid_t parent, const std::string& name) {
  return Handle(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + name).c_str());
}

inline Handle open_group(hid_t parent, const std::string& name) {
  return Handle(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, ("open group " + name).c_str());
}

inline bool exists(hid_t parent, const std::string& name) { return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0; }

extern "C" inline herr_t add_child_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

/// Names of a group's members, in name order.
inline std::vector<std::string> children(hid_t group) {
  std::vector<std::string> names;
  H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, add_child_name, &names);
  return names;
}

inline std::vector<hsize_t> dataset_dims(hid_t ds) {
  Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
  const int n = H5Sget_simple_extent_ndims(space);
  if (n < 0) throw std::runtime_error("HDF5: cannot read a dataspace");
  std::vector<hsize_t> dims(static_cast<std::size_t>(n));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

/// A contiguous (unchunked, uncompressed) dataset: written fastest with
/// Opens an existing file that every rank of `comm` reads and writes with
/// MPI-IO (collective), metadata collectively as create_file_parallel.
inline Handle open_file_parallel_readwrite(const std::string& path, MPI_Comm comm) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  if (H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0) throw std::runtime_error("HDF5: cannot use MPI-IO");
  H5Pset_all_coll_metadata_ops(fapl, true);
  H5Pset_coll_metadata_write(fapl, true);
  return Handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl), H5Fclose, ("open " + path).c_str());
}

/// An empty dataset that grows along its first dimension: `dims` gives the
/// other dimensions, `chunk` the chunk shape (rank dims.size() + 1).
inline Handle create_growing_dataset(hid_t parent, const std::string& name, hid_t type, std::vector<hsize_t> dims,
                                     const std::vector<hsize_t>& chunk, bool deflate) {
  dims.insert(dims.begin(), 0);
  std::vector<hsize_t> max = dims;
  // An empty dimension cannot hold a chunk of extent >= 1 unless it may grow.
  for (hsize_t& m : max)
    if (m == 0) m = H5S_UNLIMITED;
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()), H5Sclose,
               "create dataspace");
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  H5Pset_chunk(plist, static_cast<int>(chunk.size()), chunk.data());
  // Every element is written before the file is complete: no fill pass.
  H5Pset_fill_time(plist, H5D_FILL_TIME_NEVER);
  if (deflate) H5Pset_deflate(plist, 1);
  return Handle(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, plist, H5P_DEFAULT), H5Dclose,
                ("create dataset " + name).c_str());
}

/// Sets the first dimension (growing or truncating). Collective under MPI-IO.
inline void set_rows(hid_t ds, hsize_t rows) {
  std::vector<hsize_t> dims = dataset_dims(ds);
  dims.at(0) = rows;
  if (H5Dset_extent(ds, dims.data()) < 0) throw std::runtime_error("HDF5: cannot resize a dataset");
}

/// MPI-IO, by any subset of ranks. Collective under MPI-IO.
inline Handle create_dataset(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& dims) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "create dataspace");
  return Handle(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
                ("create dataset " + name).c_str());
}

/// Selects rows [row0, row0 + n) (first dimension) of a dataset's space;
/// returns the matching memory space.
inline Handle select_rows(hid_t file_space, const std::vector<hsize_t>& dims, hsize_t row0, hsize_t n) {
  std::vector<hsize_t> start(dims.size(), 0), count(dims);
  start[0] = row0;
  count[0] = n;
  hsize_t elements = 1;
  for (auto c : count) elements *= c;
  Handle mem(H5Screate_simple(1, &elements, nullptr), H5Sclose, "create memory space");
  if (elements == 0) {
    H5Sselect_none(file_space);
    H5Sselect_none(mem);
  } else {
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  }
  return mem;
}

/// Writes rows [row0, row0 + n) from `data` (row-major). With `collective`
/// every rank of the file's communicator must call it (n may be 0).
inline void write_rows(hid_t ds, hid_t type, hsize_t row0, hsize_t n, const void* data, bool collective) {
  const std::vector<hsize_t> dims = dataset_dims(ds);
  // An empty dataset (the same on every rank) has nothing to write, and
  // HDF5 refuses the write.
  if (!dims.empty() && dims[0] == 0) return;
  Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
  Handle mem = select_rows(space, dims, row0, n);
  Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
  if (collective) H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  if (H5Dwrite(ds, type, mem, space, xfer, data) < 0) throw std::runtime_error("HDF5: cannot write rows");
}

/// Reads rows [row0, row0 + n) into `data` (row-major), independently.
inline void read_rows(hid_t ds, hid_t type, hsize_t row0, hsize_t n, void* data) {
  const std::vector<hsize_t> dims = dataset_dims(ds);
  if (dims.empty() || row0 + n > dims[0]) throw std::runtime_error("HDF5: rows beyond the dataset's end");
  Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
  Handle mem = select_rows(space, dims, row0, n);
  if (n && H5Dread(ds, type, mem, space, H5P_DEFAULT, data) < 0) throw std::runtime_error("HDF5: cannot read rows");
}

/// A scalar fixed-length string dataset (for text too long for an attribute).
inline void write_string_dataset(hid_t parent, const std::string& name, const std::string& value, bool writer) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  H5Tset_size(type, std::max<std::size_t>(value.size(), 1));
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle ds(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            ("create dataset " + name).c_str());
  if (!writer) H5Sselect_none(space);
  std::string padded = value;
  padded.resize(std::max<std::size_t>(value.size(), 1), '\0');
  if (H5Dwrite(ds, type, space, space, H5P_DEFAULT, padded.data()) < 0)
    throw std::runtime_error("HDF5: cannot write dataset " + name);
}

inline std::string read_string_dataset(hid_t parent, const std::string& name) {
  Handle ds = open_dataset(parent, name);
  Handle type(H5Dget_type(ds), H5Tclose, "get dataset type");
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0)
    throw std::runtime_error("dataset " + name + " is not a fixed-length string");
  return read_fixed_string(type, "dataset " + name,
                           [&](hid_t mem, void* buf) { return H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
}

inline void write_dataset_attribute(hid_t parent, const std::string& dataset, const std::string& name,
                                    const std::string& value) {
  Handle ds(H5Dopen2(parent, dataset.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + dataset).c_str());
  write_string_attribute(ds, name, value);
}

}  // namespace myelin::h5
