#pragma once
// Inhibitory plasticity that balances excitation (Vogels, Sprekeler,
// Zenke, Clopath & Gerstner 2011, Science 334:1569), NEST's
// vogels_sprekeler_synapse: both spike orders potentiate by the other
// side's trace (one time constant tau), and every presynaptic spike
// depresses by alpha eta, so a target firing below rho0 = alpha / (2 tau)
// loses inhibition and one firing above gains it:
//   presynaptic arrival   |w| <- min(|Wmax|, |w| + eta y_post);  |w| <- max(0, |w| - alpha eta)
//   postsynaptic spike    |w| <- min(|Wmax|, |w| + eta x_pre)
// eta is in the weight's unit; w keeps the sign of Wmax (negative for
// inhibition onto current-based neurons). Traces add 1 per spike (all-to-all)
// and decay with tau. Timing as synapses/stdp.hpp.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "synapses/rule_fields.hpp"

namespace myelin {

struct VogelsRule {
  static constexpr const char* name = "vogels_sprekeler_synapse";
  static constexpr const char* summary = "inhibitory plasticity balancing excitation (Vogels et al. 2011)";
  static constexpr bool pairs = true, modulated = false;

  double tau = 20.0, eta = 0.001, alpha = 0.12, Wmax = 1.0;

  static std::vector<Param<VogelsRule>> parameter_table() {
    return {{"tau", &VogelsRule::tau, Dimension::time, "decay of both traces (ms)"},
            {"eta", &VogelsRule::eta, Dimension::dimensionless, "learning rate (the weight's unit)"},
            {"alpha", &VogelsRule::alpha, Dimension::dimensionless,
             "depression per presynaptic spike, sets the target rate alpha / (2 tau)"},
            {"Wmax", &VogelsRule::Wmax, Dimension::dimensionless, "bound of |w|, with the weights' sign (negative for inhibition)"}};
  }
  static std::vector<std::string> weight_parameters() { return {"eta", "Wmax"}; }
  static std::string check(const VogelsRule& r, double w_lo, double w_hi, std::string* field) {
    return first_problem({{"tau", r.tau > 0, "a positive time constant"},
                          {"eta", r.eta >= 0, "a learning rate >= 0"},
                          {"alpha", r.alpha >= 0, "a number >= 0"},
                          weight_bound("Wmax", r.Wmax, w_lo, w_hi)},
                         field);
  }

  double facilitate(double w, double k) const {
    const double n = std::abs(w) + eta * k;
    return std::copysign(n < std::abs(Wmax) ? n : std::abs(Wmax), Wmax);
  }
  double depress(double w) const {
    const double n = std::abs(w) - alpha * eta;
    return std::copysign(n > 0.0 ? n : 0.0, Wmax);
  }
  static double bump(double decayed) { return decayed + 1.0; }

  static constexpr bool two_traces = false;
  double tau_pre(int) const { return tau; }
  double tau_post(int) const { return tau; }
  double on_pre(double w, double y, double) const { return depress(facilitate(w, y)); }
  double on_post(double w, double x, double) const { return facilitate(w, x); }
};

}  // namespace myelin
