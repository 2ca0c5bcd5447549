#include "io/summary_json.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <type_traits>

#include "myelin/version.hpp"

namespace myelin {

std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      o += buf;
    } else {
      o += c;
    }
  }
  return o + "\"";
}

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  std::ostringstream s;
  s.precision(10);
  s << x;
  return s.str();
}

namespace {

std::string quoted(const std::string& s) { return json_string(s); }

std::string num(double x) { return json_number(x); }

template <class T>
std::string list(const std::vector<T>& v) {
  std::string o = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) o += (i ? ", " : "") + num(v[i]);
    else o += (i ? ", " : "") + std::to_string(v[i]);
  }
  return o + "]";
}

/// D(a, b) as nested lists; omitted (null) beyond 64 ranks to keep it small.
std::string matrix(const std::vector<std::uint64_t>& m, int ranks) {
  if (ranks > 64 || m.size() != static_cast<std::size_t>(ranks) * static_cast<std::size_t>(ranks)) return "null";
  std::string o = "[";
  for (int a = 0; a < ranks; ++a) {
    o += a ? ", [" : "[";
    for (int b = 0; b < ranks; ++b) o += (b ? ", " : "") + std::to_string(m[static_cast<std::size_t>(a * ranks + b)]);
    o += "]";
  }
  return o + "]";
}

}  // namespace

std::string summary_json(const RunSummary& s, const ModelSpec& spec, const std::string& model_hash) {
  std::ostringstream o;
  o << "{\n"
    << "  \"myelin_version\": " << quoted(version_string) << ",\n"
    << "  \"model\": " << quoted(spec.name) << ",\n"
    << "  \"model_file\": " << quoted(spec.source_file) << ",\n"
    << "  \"model_hash\": " << quoted(model_hash) << ",\n"
    << "  \"seed\": " << spec.run.seed << ",\n"
    << "  \"dt_ms\": " << num(spec.run.dt) << ",\n"
    << "  \"t_stop_ms\": " << num(s.bio_time_ms) << ",\n"
    << "  \"t_start_ms\": " << num(s.t_start_ms) << ",\n"
    << "  \"restored_from\": " << quoted(s.restored_from) << ",\n"
    << "  \"stopped_by_signal\": " << s.stopped_by_signal << ",\n"
    << "  \"checkpoints\": [";
  for (std::size_t i = 0; i < s.checkpoints.size(); ++i)
    o << (i ? ", " : "") << "{\"path\": " << quoted(s.checkpoints[i].path) << ", \"time_ms\": " << num(s.checkpoints[i].time_ms)
      << ", \"bytes\": " << s.checkpoints[i].bytes << ", \"write_s\": " << num(s.checkpoints[i].write_s) << "}";
  o << "],\n"
    << "  \"recording\": {\"appends\": " << s.report_appends << ", \"write_s\": " << num(s.report_write_s) << "},\n"
    << "  \"ranks\": " << s.ranks << ",\n"
    << "  \"threads\": " << s.threads << ",\n"
    << "  \"placement\": " << quoted(s.placement) << ",\n"
    << "  \"neurons\": " << s.neurons << ",\n"
    << "  \"synapses\": " << s.synapses << ",\n"
    << "  \"connectivity_bytes\": " << s.connectivity_bytes << ",\n"
    << "  \"bytes_per_synapse\": " << num(s.bytes_per_synapse) << ",\n"
    << "  \"plastic_synapses\": " << s.plastic_synapses << ",\n"
    << "  \"plastic_bytes_per_synapse\": " << num(s.plastic_bytes_per_synapse) << ",\n"
    << "  \"min_delay_steps\": " << s.min_delay_steps << ",\n"
    << "  \"max_delay_steps\": " << s.max_delay_steps << ",\n"
    << "  \"build_time_s\": " << num(s.build_time_s) << ",\n"
    << "  \"sim_time_s\": " << num(s.sim_time_s) << ",\n"
    << "  \"real_time_factor\": " << num(s.real_time_factor) << ",\n"
    << "  \"events_delivered\": " << s.events_delivered << ",\n"
    << "  \"events_per_second\": " << num(s.events_per_second) << ",\n"
    << "  \"peak_memory_mb\": " << num(s.peak_memory_mb) << ",\n"
    << "  \"estimated_memory_mb\": " << num(s.estimated_memory_mb) << ",\n"
    << "  \"timers_per_rank\": {\"update_s\": " << list(s.update_s_per_rank)
    << ", \"deliver_s\": " << list(s.deliver_s_per_rank) << ", \"exchange_s\": " << list(s.exchange_s_per_rank)
    << ", \"wait_s\": " << list(s.wait_s_per_rank) << "},\n"
    << "  \"load_imbalance\": " << num(s.load_imbalance) << ",\n"
    << "  \"exchange\": {\"scheme\": " << quoted(s.exchange_scheme)
    << ", \"synchronisations_per_rank\": " << list(s.synchronisations_per_rank)
    << ", \"messages_per_rank\": " << list(s.messages_per_rank)
    << ", \"bytes_sent_per_rank\": " << list(s.bytes_sent_per_rank) << ", \"messages\": " << s.exchange_messages
    << ", \"bytes_sent\": " << s.exchange_bytes_sent << ", \"tiers\": " << s.exchange_tiers
    << ", \"mean_slack_steps\": " << num(s.mean_slack_steps) << ", \"messages_per_tier\": " << list(s.tier_messages) << ", \"bytes_per_tier\": " << list(s.tier_bytes)
    << ", \"delay_matrix_steps\": " << matrix(s.delay_matrix, s.ranks) << "},\n"
    << "  \"populations\": [\n";
  for (std::size_t i = 0; i < s.populations.size(); ++i) {
    const auto& p = s.populations[i];
    o << "    {\"name\": " << quoted(p.name) << ", \"size\": " << p.size << ", \"spikes\": " << p.spikes
      << ", \"rate_hz\": " << num(p.rate_hz) << "}" << (i + 1 < s.populations.size() ? "," : "") << "\n";
  }
  o << "  ]\n}\n";
  return o.str();
}

}  // namespace myelin
