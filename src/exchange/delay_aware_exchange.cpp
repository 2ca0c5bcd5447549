#include "exchange/delay_aware_exchange.hpp"

#include <algorithm>

#include "core/resources.hpp"

namespace myelin {

DelayAwareExchange::DelayAwareExchange(const ExchangePlan& plan, std::vector<std::uint64_t> local_gids, Step t_begin,
                                       Step t_end, MPI_Comm comm)
    : plan_(plan), local_gids_(std::move(local_gids)), t_end_(static_cast<std::uint64_t>(t_end)), comm_(comm) {
  const auto n = static_cast<std::size_t>(plan_.ranks);
  const std::uint64_t m = plan_.global_min_delay;
  interval_out_.assign(n, 0);
  tier_out_.assign(n, 0);
  interval_in_.assign(n, 0);
  lag_in_.assign(n, 0);
  next_send_.assign(n, 0);
  unsigned tiers = 1;
  for (std::size_t r = 0; r < n; ++r) {
    if (static_cast<int>(r) == plan_.rank) continue;
    if (const std::uint64_t d = plan_.delay_out[r]) {
      interval_out_[r] = interval(d, m);
      tier_out_[r] = exchange_tier(d, m);
      tiers = std::max(tiers, tier_out_[r] + 1);
    }
    if (const std::uint64_t d = plan_.delay_in[r]) {
      interval_in_[r] = interval(d, m);
      lag_in_[r] = deadline_lag(d, m);
      // The first boundary after t_begin at which r sends.
      next_send_[r] = (static_cast<std::uint64_t>(t_begin) / interval_in_[r] + 1) * interval_in_[r];
    }
  }
  pending_.resize(n);
  sending_.resize(n);
  send_request_.assign(n, MPI_REQUEST_NULL);
  counters_.tier_messages.assign(tiers, 0);
  counters_.tier_bytes.assign(tiers, 0);
  update_next_due();
}

DelayAwareExchange::~DelayAwareExchange() {
  // Only after an error: sends still in flight are abandoned (the job is
  // about to abort); freeing them keeps MPI from reporting a leak.
  for (MPI_Request& r : send_request_)
    if (r != MPI_REQUEST_NULL) MPI_Request_free(&r);
}

void DelayAwareExchange::update_next_due() {
  next_due_ = ~0ull;
  for (std::size_t a = 0; a < interval_in_.size(); ++a)
    if (interval_in_[a] && next_send_[a] <= t_end_) next_due_ = std::min(next_due_, due_at(a));
}

void DelayAwareExchange::timed_wait(MPI_Request& r) {
  WallTimer w;
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  counters_.wait_s += w.seconds();
}

void DelayAwareExchange::post(const std::vector<SourceSpike>& local, Step t1) {
  if (plan_.ranks == 1) return;
  WallTimer timer;
  // Queue each spike for the ranks that need it.
  for (const SourceSpike& s : local) {
    const auto i = static_cast<std::size_t>(std::lower_bound(local_gids_.begin(), local_gids_.end(), s.gid) -
                                            local_gids_.begin());
    for (std::uint64_t k = plan_.needed_offsets[i]; k < plan_.needed_offsets[i + 1]; ++k)
      pending_[static_cast<std::size_t>(plan_.needed_ranks[k])].push_back(s);
  }
  const auto t = static_cast<std::uint64_t>(t1);
  for (std::size_t b = 0; b < pending_.size(); ++b) {
    if (!interval_out_[b]) continue;
    if (send_request_[b] != MPI_REQUEST_NULL) {
      // Lets MPI progress a large (rendezvous) send between deadlines.
      int done = 0;
      MPI_Test(&send_request_[b], &done, MPI_STATUS_IGNORE);
    }
    if (t % interval_out_[b] != 0) continue;
    send_pending(b);
  }
  counters_.exchange_s += timer.seconds();
}

void DelayAwareExchange::send_pending(std::size_t b) {
  // The previous buffer to b was due at b before this send: if it is still
  // in flight, b lags behind and this is flow control.
  if (send_request_[b] != MPI_REQUEST_NULL) timed_wait(send_request_[b]);
  sending_[b].swap(pending_[b]);
  pending_[b].clear();
  isend(b, sending_[b], send_request_[b]);
}

void DelayAwareExchange::isend(std::size_t b, const std::vector<SourceSpike>& spikes, MPI_Request& request) {
  const auto bytes = static_cast<int>(spikes.size() * sizeof(SourceSpike));
  MPI_Isend(spikes.data(), bytes, MPI_BYTE, static_cast<int>(b), 0, comm_, &request);
  ++counters_.messages;
  counters_.bytes_sent += static_cast<std::uint64_t>(bytes);
  ++counters_.tier_messages[tier_out_[b]];
  counters_.tier_bytes[tier_out_[b]] += static_cast<std::uint64_t>(bytes);
}

void DelayAwareExchange::receive_one(std::size_t a, std::vector<SourceSpike>& remote) {
  WallTimer w;
  MPI_Status st;
  MPI_Probe(static_cast<int>(a), 0, comm_, &st);
  int bytes = 0;
  MPI_Get_count(&st, MPI_BYTE, &bytes);
  received_.resize(static_cast<std::size_t>(bytes) / sizeof(SourceSpike));
  MPI_Recv(received_.data(), bytes, MPI_BYTE, static_cast<int>(a), 0, comm_, MPI_STATUS_IGNORE);
  counters_.wait_s += w.seconds();
  remote.insert(remote.end(), received_.begin(), received_.end());
  ++counters_.messages_received;
}

bool DelayAwareExchange::receive_due(Step t1) const {
  if (plan_.ranks == 1) return false;
  return static_cast<std::uint64_t>(t1) >= t_end_ || next_due_ <= static_cast<std::uint64_t>(t1);
}

void DelayAwareExchange::receive(std::vector<SourceSpike>& remote, Step t1) {
  remote.clear();
  if (plan_.ranks == 1) return;
  WallTimer timer;
  const auto t = static_cast<std::uint64_t>(t1);
  const bool last = t >= t_end_;
  bool waited = false;
  for (std::size_t a = 0; a < interval_in_.size(); ++a) {
    if (!interval_in_[a]) continue;
    // MPI keeps messages between a pair in order, so the oldest comes first.
    while (next_send_[a] <= t_end_ && (last || due_at(a) <= t)) {
      receive_one(a, remote);
      counters_.slack_steps += lag_in_[a] - interval_in_[a];
      next_send_[a] += interval_in_[a];
      waited = true;
    }
  }
  if (last)
    for (MPI_Request& r : send_request_)
      if (r != MPI_REQUEST_NULL) timed_wait(r);
  if (waited) ++counters_.synchronisations;
  update_next_due();
  counters_.exchange_s += timer.seconds();
}

void DelayAwareExchange::flush(std::vector<SourceSpike>& remote, Step t1) {
  remote.clear();
  if (plan_.ranks == 1) return;
  WallTimer timer;
  const auto t = static_cast<std::uint64_t>(t1);
  // One extra message to every partner, empty or not, so that each
  // receiver knows how many to expect: its regular messages sent up to t1,
  // then this one (MPI keeps a pair's messages in order). It goes out
  // without waiting for the regular send still in flight: the partner may
  // be here too, receiving nothing until its own sends are out.
  std::vector<std::vector<SourceSpike>> last(pending_.size());
  std::vector<MPI_Request> last_request(pending_.size(), MPI_REQUEST_NULL);
  for (std::size_t b = 0; b < pending_.size(); ++b) {
    if (!interval_out_[b]) continue;
    last[b].swap(pending_[b]);
    isend(b, last[b], last_request[b]);
  }
  for (std::size_t a = 0; a < interval_in_.size(); ++a) {
    if (!interval_in_[a]) continue;
    for (; next_send_[a] <= t; next_send_[a] += interval_in_[a]) receive_one(a, remote);
    receive_one(a, remote);
  }
  for (MPI_Request& r : send_request_)
    if (r != MPI_REQUEST_NULL) timed_wait(r);
  for (MPI_Request& r : last_request)
    if (r != MPI_REQUEST_NULL) timed_wait(r);
  ++counters_.synchronisations;
  update_next_due();
  counters_.exchange_s += timer.seconds();
}

}  // namespace myelin
