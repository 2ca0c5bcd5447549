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

namespace myelin {

struct VogelsRule {
  double tau = 20.0, eta = 0.001, alpha = 0.12, Wmax = 1.0;

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
