#include "exchange/global_exchange.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/resources.hpp"

namespace myelin {

GlobalExchange::GlobalExchange(MPI_Comm comm) : comm_(comm) {
  MPI_Comm_size(comm_, &size_);
  MPI_Comm_rank(comm_, &rank_);
  counts_.resize(static_cast<std::size_t>(size_));
  displs_.resize(static_cast<std::size_t>(size_));
}

void GlobalExchange::exchange(std::vector<SourceSpike>& spikes, Step) {
  if (size_ == 1) return;
  WallTimer t;
  // Spikes travel as raw bytes: two 64-bit words each.
  const int mine = static_cast<int>(spikes.size() * sizeof(SourceSpike));
  MPI_Allgather(&mine, 1, MPI_INT, counts_.data(), 1, MPI_INT, comm_);
  long long total = 0;
  for (int r = 0; r < size_; ++r) {
    displs_[static_cast<std::size_t>(r)] = static_cast<int>(total);
    total += counts_[static_cast<std::size_t>(r)];
  }
  if (total > 0x7FFFFFFF) throw std::runtime_error("spike exchange: more than 2 GiB of spikes in one slice");
  all_.resize(static_cast<std::size_t>(total) / sizeof(SourceSpike));
  MPI_Allgatherv(spikes.data(), mine, MPI_BYTE, all_.data(), counts_.data(), displs_.data(), MPI_BYTE, comm_);
  ++counters_.synchronisations;
  counters_.messages += static_cast<std::uint64_t>(size_ - 1);
  counters_.bytes_sent += static_cast<std::uint64_t>(mine) * static_cast<std::uint64_t>(size_ - 1) + sizeof(int) * static_cast<std::uint64_t>(size_ - 1);
  counters_.wait_s += t.seconds();
  // Each rank's block is sorted; the canonical order is global.
  std::sort(all_.begin(), all_.end());
  spikes.swap(all_);
}

}  // namespace myelin
