#pragma once
// Short-term plasticity, NEST's tsodyks2_synapse (Tsodyks & Markram 1997,
// Maass & Markram 2002 eqs. 2-4, Fuhrmann et al. 2002): a presynaptic
// spike reaching the synapse h ms after the previous one finds
//   x <- 1 + (x - x u - 1) exp(-h / tau_rec)     resources recovered
//   u <- U + u (1 - U) exp(-h / tau_fac)          utilisation (0 if tau_fac = 0)
// and delivers x u w. x and u are the values left by the previous spike
// (initially x = 1, u = U). The first spike delivers U w and changes
// neither, as in NEST 3.9 (earlier versions advanced them as if a spike
// had come at t = 0). h is measured at the synapse (arrival times), which
// for one delay equals the difference of emission times, as in NEST.
//
// The state depends only on the presynaptic spike train and the
// projection's parameters, so it is kept once per (source, delay) segment
// rather than once per synapse: short-term plasticity costs no memory per
// synapse beyond the plastic store's.
#include <cmath>
#include <string>
#include <vector>

#include "synapses/rule_fields.hpp"

namespace myelin {

struct TsodyksRule {
  static constexpr const char* name = "tsodyks2_synapse";
  static constexpr const char* summary = "short-term depression and facilitation (Tsodyks-Markram)";
  static constexpr bool pairs = false, modulated = false;

  double U = 0.5, tau_rec = 800.0, tau_fac = 0.0;  ///< -, ms, ms

  static std::vector<Param<TsodyksRule>> parameter_table() {
    return {{"U", &TsodyksRule::U, Dimension::dimensionless, "utilisation increment per spike, 0 < U <= 1"},
            {"tau_rec", &TsodyksRule::tau_rec, Dimension::time, "recovery of resources (ms)"},
            {"tau_fac", &TsodyksRule::tau_fac, Dimension::time, "decay of facilitation (ms); 0: none"}};
  }
  static std::vector<std::string> weight_parameters() { return {}; }
  static std::string check(const TsodyksRule& r, double, double, std::string* field) {
    return first_problem({{"U", r.U > 0 && r.U <= 1, "a utilisation 0 < U <= 1"},
                          {"tau_rec", r.tau_rec > 0, "a positive time constant"},
                          {"tau_fac", r.tau_fac >= 0, "a time constant >= 0 (0: no facilitation)"}},
                         field);
  }

  /// Advances (u, x) by a spike h ms after the last; returns x u.
  double spike(double& u, double& x, double h) const {
    const double x_decay = std::exp(-h / tau_rec);
    const double u_decay = tau_fac < 1e-10 ? 0.0 : std::exp(-h / tau_fac);
    x = 1.0 + (x - x * u - 1.0) * x_decay;
    u = U + u * (1.0 - U) * u_decay;
    return x * u;
  }
};

}  // namespace myelin
