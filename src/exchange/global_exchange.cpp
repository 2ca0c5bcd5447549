#include "exchange/global_exchange.hpp"

#include <stdexcept>

#include "core/resources.hpp"

namespace myelin {

GlobalExchange::GlobalExchange(MPI_Comm comm) : comm_(comm) {
  MPI_Comm_size(comm_, &size_);
  MPI_Comm_rank(comm_, &rank_);
  counts_.resize(static_cast<std::size_t>(size_));
  displs_.resize(static_cast<std::size_t>(size_));
  counters_.tier_messages.assign(1, 0);
  counters_.tier_bytes.assign(1, 0);
}

void GlobalExchange::post(const std::vector<SourceSpike>& local, Step) {
  if (size_ == 1) return;
  WallTimer t;
  // Spikes travel as raw bytes: two 64-bit words each.
  const int mine = static_cast<int>(local.size() * sizeof(SourceSpike));
  MPI_Allgather(&mine, 1, MPI_INT, counts_.data(), 1, MPI_INT, comm_);
  long long total = 0;
  for (int r = 0; r < size_; ++r) {
    displs_[static_cast<std::size_t>(r)] = static_cast<int>(total);
    total += counts_[static_cast<std::size_t>(r)];
  }
  if (total > 0x7FFFFFFF) throw std::runtime_error("spike exchange: more than 2 GiB of spikes in one slice");
  all_.resize(static_cast<std::size_t>(total) / sizeof(SourceSpike));
  MPI_Allgatherv(local.data(), mine, MPI_BYTE, all_.data(), counts_.data(), displs_.data(), MPI_BYTE, comm_);
  ++counters_.synchronisations;
  const auto others = static_cast<std::uint64_t>(size_ - 1);
  const std::uint64_t bytes = (static_cast<std::uint64_t>(mine) + sizeof(int)) * others;
  counters_.messages += others;
  counters_.bytes_sent += bytes;
  counters_.tier_messages[0] += others;
  counters_.tier_bytes[0] += bytes;
  const double s = t.seconds();
  counters_.wait_s += s;
  counters_.exchange_s += s;
}

void GlobalExchange::receive(std::vector<SourceSpike>& remote, Step) {
  // Everything but this rank's own block, which was delivered as local.
  const auto own_begin = static_cast<std::size_t>(displs_[static_cast<std::size_t>(rank_)]) / sizeof(SourceSpike);
  const auto own_end = own_begin + static_cast<std::size_t>(counts_[static_cast<std::size_t>(rank_)]) / sizeof(SourceSpike);
  remote.assign(all_.begin(), all_.begin() + static_cast<std::ptrdiff_t>(own_begin));
  remote.insert(remote.end(), all_.begin() + static_cast<std::ptrdiff_t>(own_end), all_.end());
}

}  // namespace myelin
