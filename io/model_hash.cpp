#include "io/model_hash.hpp"

#include <cstdio>
#include <sstream>

namespace myelin {
namespace {

std::string value_text(const Value& v) {
  std::ostringstream o;
  o.precision(17);
  o << static_cast<int>(v.kind) << ',' << v.a << ',' << v.b << ',' << v.min << ',' << v.max;
  return o.str();
}

/// FNV-1a, 64 bit: stable across platforms and releases.
std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ull) {
  const auto* c = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= c[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/// The listed connections of a from_list projection (their weights aside:
/// a checkpoint may follow a change of weights, not of wiring).
std::string list_text(const ProjectionSpec& p) {
  if (p.rule != Rule::from_list) return "";
  const auto& l = p.list;
  std::uint64_t h = fnv1a(l.sources.data(), l.sources.size() * sizeof(std::uint64_t));
  h = fnv1a(l.targets.data(), l.targets.size() * sizeof(std::uint64_t), h);
  h = fnv1a(l.delays.data(), l.delays.size() * sizeof(double), h);
  return " list " + std::to_string(l.targets.size()) + " " + std::to_string(h);
}

}  // namespace

std::uint64_t structure_hash(const ModelSpec& spec) {
  std::ostringstream o;
  o.precision(17);
  o << "dt=" << spec.run.dt << '\n';
  for (const auto& p : spec.populations) o << "pop " << p.name << ' ' << p.model << ' ' << p.size << '\n';
  for (const auto& p : spec.projections)
    o << "proj " << p.source << ' ' << p.target << ' ' << static_cast<int>(p.rule) << ' ' << p.count << ' ' << p.p
      << ' ' << value_text(p.delay) << ' ' << p.allow_autapses << p.allow_multapses
      // Plastic synapses are stored apart (and checkpointed); static ones
      // keep the hash they always had.
      // (how pairs are timed changes the weights a checkpoint holds).
      << list_text(p)
      << (p.synapse_model == "static_synapse"
              ? std::string()
              : " " + p.synapse_model +
                    (p.delay_convention == ProjectionSpec::DelayConvention::axonal ? " axonal" : " dendritic"))
      << '\n';
  const std::string text = o.str();
  return fnv1a(text.data(), text.size());
}

std::string hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace myelin
