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
      << (p.synapse_model == "static_synapse"
              ? std::string()
              : " " + p.synapse_model +
                    (p.delay_convention == ProjectionSpec::DelayConvention::axonal ? " axonal" : " dendritic"))
      << '\n';
  // FNV-1a, 64 bit: stable across platforms and releases.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : o.str()) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace myelin
