#pragma once
// Moving fixed-size rows between ranks so that each rank ends up with a
// contiguous block of row ids: how checkpoints and SONATA exports write
// one slab per rank with MPI-IO, whatever the placement of the neurons.
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace myelin {

inline std::uint64_t sum_all(std::uint64_t x, MPI_Comm comm) {
  std::uint64_t y = 0;
  MPI_Allreduce(&x, &y, 1, MPI_UINT64_T, MPI_SUM, comm);
  return y;
}

/// True on every rank when `ok` is true on every rank: how collective
/// code agrees to throw together instead of leaving the others waiting.
inline bool all_ok(bool ok, MPI_Comm comm) {
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm);
  return all != 0;
}

/// Byte counts and displacements of every rank's part of a gather, from
/// the counts each rank has (`counts` filled by the caller's collective).
inline std::vector<int> displacements(const std::vector<int>& counts, bool check_total) {
  std::vector<int> displs(counts.size());
  long long total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    displs[r] = static_cast<int>(total);
    total += counts[r];
  }
  if (check_total && total > 0x7FFFFFFF) throw std::runtime_error("gather: more than 2 GiB in total");
  return displs;
}

/// This rank's part of a gather in bytes (at most 2 GiB).
template <class T>
int gather_bytes(const std::vector<T>& mine) {
  const long long bytes = static_cast<long long>(mine.size() * sizeof(T));
  if (bytes > 0x7FFFFFFF) throw std::runtime_error("gather: more than 2 GiB from one rank");
  return static_cast<int>(bytes);
}

/// Gathers every rank's vector onto rank 0 (concatenated in rank order).
template <class T>
std::vector<T> gather_to_root(const std::vector<T>& mine, MPI_Comm comm) {
  int size = 1, rank = 0;
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(comm, &rank);
  if (size == 1) return mine;
  const int n = gather_bytes(mine);
  std::vector<int> counts(static_cast<std::size_t>(size));
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  const std::vector<int> displs = displacements(counts, rank == 0);
  std::vector<T> all(rank == 0 ? static_cast<std::size_t>(displs.back() + counts.back()) / sizeof(T) : 0);
  MPI_Gatherv(mine.data(), n, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, 0, comm);
  return all;
}

/// Gathers every rank's vector onto every rank (concatenated in rank order).
template <class T>
std::vector<T> gather_to_all(const std::vector<T>& mine, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  if (size == 1) return mine;
  const int n = gather_bytes(mine);
  std::vector<int> counts(static_cast<std::size_t>(size));
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  const std::vector<int> displs = displacements(counts, true);
  std::vector<T> all(static_cast<std::size_t>(displs.back() + counts.back()) / sizeof(T));
  MPI_Allgatherv(mine.data(), n, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, comm);
  return all;
}

/// Ids [block_begin(r), block_begin(r + 1)) of n are read and written by rank r.
/// floor(n r / ranks), without overflow: n = q ranks + m.
inline std::uint64_t block_begin(std::uint64_t n, int r, int ranks) {
  const auto R = static_cast<std::uint64_t>(ranks), k = static_cast<std::uint64_t>(r);
  return n / R * k + n % R * k / R;
}

inline int block_owner(std::uint64_t id, std::uint64_t n, int ranks) {
  int r = static_cast<int>(static_cast<double>(id) / static_cast<double>(n) * ranks);
  r = std::clamp(r, 0, ranks - 1);
  while (r + 1 < ranks && block_begin(n, r + 1, ranks) <= id) ++r;
  while (r > 0 && block_begin(n, r, ranks) > id) --r;
  return r;
}

/// Sends fixed-size rows tagged with a row id: row k
/// goes to rank dest[k], written by fill(k, bytes). The rows this rank
/// receives are handed to take(id, bytes) in increasing id order. Buffers
/// are not zero-filled and one rank sends nothing: checkpoints of millions
/// of neurons are bound by memory bandwidth.
template <class Fill, class Take>
void exchange_rows(std::size_t row_bytes, const std::vector<std::uint64_t>& ids, const std::vector<int>& dest,
                   Fill&& fill, Take&& take, MPI_Comm comm) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  const std::size_t stride = row_bytes + sizeof(std::uint64_t);
  std::vector<long long> count(static_cast<std::size_t>(ranks), 0);
  for (int d : dest) count[static_cast<std::size_t>(d)] += static_cast<long long>(stride);
  std::vector<int> send(static_cast<std::size_t>(ranks)), recv(send.size()), sd(send.size()), rd(send.size());
  long long total = 0;
  for (std::size_t r = 0; r < send.size(); ++r) {
    send[r] = static_cast<int>(count[r]);
    sd[r] = static_cast<int>(total);
    total += count[r];
    if (total > 0x7FFFFFFF) throw std::runtime_error("more than 2 GiB of rows on one rank (use more ranks)");
  }
  std::unique_ptr<unsigned char[]> out(new unsigned char[static_cast<std::size_t>(total) + 1]);
  {
    std::vector<int> cursor(sd);
    for (std::size_t k = 0; k < dest.size(); ++k) {
      unsigned char* p = out.get() + cursor[static_cast<std::size_t>(dest[k])];
      std::memcpy(p, &ids[k], sizeof(std::uint64_t));
      fill(k, p + sizeof(std::uint64_t));
      cursor[static_cast<std::size_t>(dest[k])] += static_cast<int>(stride);
    }
  }
  std::unique_ptr<unsigned char[]> in;
  long long rtotal = 0;
  if (ranks == 1) {
    in = std::move(out);
    rtotal = total;
  } else {
    MPI_Alltoall(send.data(), 1, MPI_INT, recv.data(), 1, MPI_INT, comm);
    for (std::size_t r = 0; r < recv.size(); ++r) {
      rd[r] = static_cast<int>(rtotal);
      rtotal += recv[r];
      if (rtotal > 0x7FFFFFFF) throw std::runtime_error("more than 2 GiB of rows for one rank (use more ranks)");
    }
    in.reset(new unsigned char[static_cast<std::size_t>(rtotal) + 1]);
    MPI_Alltoallv(out.get(), send.data(), sd.data(), MPI_BYTE, in.get(), recv.data(), rd.data(), MPI_BYTE, comm);
    out.reset();
  }
  const std::size_t n = static_cast<std::size_t>(rtotal) / stride;
  std::vector<std::uint64_t> got(n);
  for (std::size_t k = 0; k < n; ++k) std::memcpy(&got[k], in.get() + k * stride, sizeof(std::uint64_t));
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (!std::is_sorted(got.begin(), got.end()))
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return got[a] < got[b]; });
  for (std::size_t k : order) take(got[k], static_cast<const unsigned char*>(in.get() + k * stride + sizeof(std::uint64_t)));
}

}  // namespace myelin
