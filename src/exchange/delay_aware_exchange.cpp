#include "exchange/delay_aware_exchange.hpp"

#include <algorithm>
#include <bit>

#include "core/resources.hpp"

namespace myelin {

std::uint64_t DelayAwareExchange::interval(std::uint64_t d, std::uint64_t m) {
  return m * std::bit_floor(d / m);
}

DelayAwareExchange::DelayAwareExchange(const ExchangePlan& plan, std::vector<std::uint64_t> local_gids, MPI_Comm comm)
    : plan_(plan), local_gids_(std::move(local_gids)), comm_(comm) {
  const auto n = static_cast<std::size_t>(plan_.ranks);
  interval_out_.assign(n, 0);
  interval_in_.assign(n, 0);
  for (std::size_t r = 0; r < n; ++r) {
    if (static_cast<int>(r) == plan_.rank) continue;
    if (plan_.delay_out[r]) interval_out_[r] = interval(plan_.delay_out[r], plan_.global_min_delay);
    if (plan_.delay_in[r]) interval_in_[r] = interval(plan_.delay_in[r], plan_.global_min_delay);
  }
  pending_.resize(n);
  sending_.resize(n);
}

void DelayAwareExchange::exchange(std::vector<SourceSpike>& spikes, Step t1) {
  if (plan_.ranks == 1) return;
  WallTimer timer;
  // Queue each spike for the ranks that need it.
  for (const SourceSpike& s : spikes) {
    const auto i = static_cast<std::size_t>(std::lower_bound(local_gids_.begin(), local_gids_.end(), s.gid) - local_gids_.begin());
    for (std::uint64_t k = plan_.needed_offsets[i]; k < plan_.needed_offsets[i + 1]; ++k)
      pending_[static_cast<std::size_t>(plan_.needed_ranks[k])].push_back(s);
  }
  const auto t = static_cast<std::uint64_t>(t1);
  requests_.clear();
  for (std::size_t b = 0; b < pending_.size(); ++b) {
    if (!interval_out_[b] || t % interval_out_[b] != 0) continue;
    sending_[b].swap(pending_[b]);
    pending_[b].clear();
    const auto bytes = static_cast<int>(sending_[b].size() * sizeof(SourceSpike));
    requests_.emplace_back();
    MPI_Isend(sending_[b].data(), bytes, MPI_BYTE, static_cast<int>(b), 0, comm_, &requests_.back());
    ++counters_.messages;
    counters_.bytes_sent += static_cast<std::uint64_t>(bytes);
  }
  bool waited = false;
  for (std::size_t a = 0; a < interval_in_.size(); ++a) {
    if (!interval_in_[a] || t % interval_in_[a] != 0) continue;
    MPI_Status st;
    MPI_Probe(static_cast<int>(a), 0, comm_, &st);
    int bytes = 0;
    MPI_Get_count(&st, MPI_BYTE, &bytes);
    received_.resize(static_cast<std::size_t>(bytes) / sizeof(SourceSpike));
    MPI_Recv(received_.data(), bytes, MPI_BYTE, static_cast<int>(a), 0, comm_, MPI_STATUS_IGNORE);
    spikes.insert(spikes.end(), received_.begin(), received_.end());
    waited = true;
  }
  MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);
  if (waited) ++counters_.synchronisations;
  std::sort(spikes.begin(), spikes.end());
  counters_.wait_s += timer.seconds();
}

}  // namespace myelin
