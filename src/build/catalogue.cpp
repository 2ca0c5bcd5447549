#include "myelin/catalogue.hpp"

#include "core/units.hpp"
#include "neurons/registry.hpp"
#include "synapses/synapse_models.hpp"

namespace myelin {
namespace {

std::string unit_of(Dimension d) { return base_unit(d); }

std::vector<ParameterInfo> parameters_of(const std::vector<FieldInfo>& fields) {
  std::vector<ParameterInfo> out;
  for (const FieldInfo& f : fields) out.push_back({f.name, unit_of(f.dim), f.default_value, f.help});
  return out;
}

}  // namespace

std::vector<ModelInfo> neuron_catalogue() {
  std::vector<ModelInfo> out;
  for (const ModelEntry& m : neuron_models())
    out.push_back({m.name, "", parameters_of(m.parameters), parameters_of(m.state), unit_of(m.weight_dim)});
  return out;
}

std::vector<ModelInfo> synapse_catalogue() {
  std::vector<ModelInfo> out;
  for (const SynapseModelInfo& m : synapse_models()) {
    ModelInfo info{m.name, m.summary, parameters_of(m.parameters), {}, ""};
    for (ParameterInfo& p : info.parameters)
      if (m.is_weight_parameter(p.name)) p.unit = "weight";
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<ModelInfo> connection_rule_catalogue() {
  const auto rule = [](const char* name, const char* summary, std::vector<ParameterInfo> keys) {
    return ModelInfo{name, summary, std::move(keys), {}, ""};
  };
  const ParameterInfo autapses{"allow_autapses", "", 1.0, "connect a neuron to itself (true)"};
  const ParameterInfo multapses{"allow_multapses", "", 1.0, "several synapses between one pair (true)"};
  return {rule("one_to_one", "source i to target i (equal sizes)", {}),
          rule("all_to_all", "every source to every target", {autapses}),
          rule("fixed_indegree", "each target draws `indegree` sources", {{"indegree", "", 0, "sources per target"}, autapses, multapses}),
          rule("fixed_outdegree", "each source draws `outdegree` targets", {{"outdegree", "", 0, "targets per source"}, autapses, multapses}),
          rule("fixed_total_number", "`N` pairs drawn at random", {{"N", "", 0, "synapses in all"}, autapses, multapses}),
          rule("pairwise_bernoulli", "each pair with probability `p`", {{"p", "", 0, "probability"}, autapses}),
          rule("from_file", "the edges of a SONATA edges file", {{"edges_file", "", 0, "path"}, {"edge_population", "", 0, "name"}}),
          rule("from_list", "the listed connections", {{"sources", "", 0, "source node ids"}, {"targets", "", 0, "target node ids"},
                                                        {"weights", "", 0, "one per connection (optional)"},
                                                        {"delays", "ms", 0, "one per connection (optional)"}})};
}

}  // namespace myelin
