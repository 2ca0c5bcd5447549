#include "exchange/exchange_plan.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace myelin {

std::size_t ExchangePlan::tiers() const {
  std::size_t n = 0;
  for (const auto& t : tiers_out) n += t.empty() ? 0 : 1;
  return n;
}

ExchangePlan make_plan(int rank, int ranks, std::uint64_t global_min_delay,
                       const std::vector<std::vector<IncomingSource>>& requests,
                       const std::vector<IncomingSource>& incoming, const Placement& placement,
                       const std::vector<std::uint64_t>& local_gids) {
  ExchangePlan p;
  p.rank = rank;
  p.ranks = ranks;
  p.global_min_delay = global_min_delay;
  p.delay_in.assign(static_cast<std::size_t>(ranks), 0);
  p.delay_out.assign(static_cast<std::size_t>(ranks), 0);
  auto take_min = [](std::uint64_t& d, std::uint64_t x) { d = d == 0 ? x : std::min(d, x); };
  for (const IncomingSource& s : incoming) take_min(p.delay_in[static_cast<std::size_t>(placement.rank_of(s.gid))], s.min_delay);

  // Who needs what: count per local neuron, then fill (CSR).
  std::vector<std::uint64_t> count(local_gids.size() + 1, 0);
  auto local_index = [&](std::uint64_t gid) {
    const auto it = std::lower_bound(local_gids.begin(), local_gids.end(), gid);
    if (it == local_gids.end() || *it != gid) throw std::logic_error("exchange plan: a rank asked for a neuron this rank does not own");
    return static_cast<std::size_t>(it - local_gids.begin());
  };
  for (int b = 0; b < ranks; ++b) {
    for (const IncomingSource& s : requests[static_cast<std::size_t>(b)]) {
      take_min(p.delay_out[static_cast<std::size_t>(b)], s.min_delay);
      if (b != rank) ++count[local_index(s.gid) + 1];
    }
  }
  for (std::size_t i = 0; i < local_gids.size(); ++i) count[i + 1] += count[i];
  p.needed_offsets = count;
  p.needed_ranks.assign(count.back(), -1);
  std::vector<std::uint64_t> cursor(count.begin(), count.end() - 1);
  for (int b = 0; b < ranks; ++b)  // increasing b: each neuron's list is sorted
    if (b != rank)
      for (const IncomingSource& s : requests[static_cast<std::size_t>(b)]) p.needed_ranks[cursor[local_index(s.gid)]++] = b;

  // Tiers of the other ranks this rank sends to.
  for (int b = 0; b < ranks; ++b) {
    const std::uint64_t d = p.delay_out[static_cast<std::size_t>(b)];
    if (b == rank || d == 0) continue;
    if (d < global_min_delay) throw std::logic_error("exchange plan: a delay below the global minimum");
    const std::size_t k = static_cast<std::size_t>(std::bit_width(d / global_min_delay) - 1);
    if (p.tiers_out.size() <= k) p.tiers_out.resize(k + 1);
    p.tiers_out[k].push_back(b);
  }
  return p;
}

ExchangePlan build_plan(const std::vector<IncomingSource>& incoming, std::uint64_t global_min_delay,
                        const Placement& placement, const std::vector<std::uint64_t>& local_gids, MPI_Comm comm) {
  int ranks = 1, rank = 0;
  MPI_Comm_size(comm, &ranks);
  MPI_Comm_rank(comm, &rank);
  // My incoming sources, sorted by owning rank, are my requests to them.
  std::vector<std::vector<IncomingSource>> by_owner(static_cast<std::size_t>(ranks));
  for (const IncomingSource& s : incoming) by_owner[static_cast<std::size_t>(placement.rank_of(s.gid))].push_back(s);
  std::vector<int> send_counts(static_cast<std::size_t>(ranks)), send_displs(static_cast<std::size_t>(ranks));
  std::vector<IncomingSource> send;
  for (int r = 0; r < ranks; ++r) {
    send_displs[static_cast<std::size_t>(r)] = static_cast<int>(send.size() * sizeof(IncomingSource));
    send.insert(send.end(), by_owner[static_cast<std::size_t>(r)].begin(), by_owner[static_cast<std::size_t>(r)].end());
    send_counts[static_cast<std::size_t>(r)] = static_cast<int>(by_owner[static_cast<std::size_t>(r)].size() * sizeof(IncomingSource));
  }
  if (send.size() * sizeof(IncomingSource) > 0x7FFFFFFFull) throw std::runtime_error("exchange plan: more than 2 GiB of requests");
  std::vector<int> recv_counts(static_cast<std::size_t>(ranks)), recv_displs(static_cast<std::size_t>(ranks));
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm);
  long long total = 0;
  for (int r = 0; r < ranks; ++r) {
    recv_displs[static_cast<std::size_t>(r)] = static_cast<int>(total);
    total += recv_counts[static_cast<std::size_t>(r)];
  }
  if (total > 0x7FFFFFFF) throw std::runtime_error("exchange plan: more than 2 GiB of requests");
  std::vector<IncomingSource> recv(static_cast<std::size_t>(total) / sizeof(IncomingSource));
  MPI_Alltoallv(send.data(), send_counts.data(), send_displs.data(), MPI_BYTE, recv.data(), recv_counts.data(),
                recv_displs.data(), MPI_BYTE, comm);
  std::vector<std::vector<IncomingSource>> requests(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r) {
    const auto* b = recv.data() + recv_displs[static_cast<std::size_t>(r)] / static_cast<int>(sizeof(IncomingSource));
    requests[static_cast<std::size_t>(r)].assign(b, b + recv_counts[static_cast<std::size_t>(r)] / static_cast<int>(sizeof(IncomingSource)));
  }
  return make_plan(rank, ranks, global_min_delay, requests, incoming, placement, local_gids);
}

}  // namespace myelin
