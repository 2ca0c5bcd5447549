#pragma once
// parrot_neuron: repeats its input spikes, as NEST's parrot_neuron. A spike
// arriving in step k (any positive weight) makes the parrot fire in step k,
// stamped (k+1) dt, so a spike_generator spike at T over delay d comes out
// at T + d. Several arrivals in one step give one spike (NEST would repeat
// the multiplicity). Its use: to turn a spike_generator or a
// poisson_generator into a population that plastic synapses can start from,
// since generators connect only by static synapses. Inhibitory (negative)
// input and currents are ignored.
#include <cstddef>
#include <string>
#include <vector>

#include "neurons/model_fields.hpp"

namespace myelin {

struct ParrotNeuron {
  static constexpr const char* name = "parrot_neuron";
  static constexpr Dimension weight_dim = Dimension::dimensionless;  ///< only the sign matters
  static constexpr bool vectorised = true;

  struct Parameters {};
  static std::vector<Param<Parameters>> parameter_table() { return {}; }
  static std::vector<StateVar<Parameters>> state_table() { return {}; }
  static std::string check(const Parameters&, std::string* field) {
    field->clear();
    return "";
  }

  struct Propagators {
    Propagators(const Parameters&, double) {}
  };

  /// I_dc takes dc_generator changes, which a parrot ignores.
  enum Var : std::size_t { I_dc_, n_vars };
  static constexpr const char* var_names[n_vars] = {"I_dc"};


  template <class T>
  static T step(T (&)[n_vars], const Propagators&, T in_ex, T) {
    const T zero{};
    return in_ex > 0.0 ? zero + 1.0 : zero;
  }
};

}  // namespace myelin
