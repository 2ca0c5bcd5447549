#pragma once
// Symmetric STDP (stdp_symmetric_synapse): the weight change of a pair
// depends on |dt| only, a narrow potentiating window inside a wider
// depressing one (a difference of exponentials, the "Mexican hat" used by
// symmetric-STDP learning, e.g. Hao, Huang, Yang & Wang 2020, Neural
// Networks 121:387, and measured in CA3 by Mishra et al. 2016):
//   dw / Wmax = eta (exp(-|dt| / tau_plus) - alpha exp(-|dt| / tau_minus))
// with tau_minus > tau_plus and 0 <= alpha: pairs closer than
//   |dt*| = ln(alpha) tau_plus tau_minus / (tau_plus - tau_minus)
// potentiate, farther ones depress, whichever spike came first. All pairs
// count (all-to-all); w stays within [0, Wmax] (sign of Wmax). Each side
// keeps two traces (decaying with tau_plus and tau_minus), so a pair is
// applied when its second spike happens. Timing as synapses/stdp.hpp.
// Synaptic scaling, the slow homeostatic partner of this rule, is the
// projection option `scaling` (synapses/synaptic_scaling.hpp).
#include <cmath>

namespace myelin {

struct SymmetricStdpRule {
  double tau_plus = 20.0, tau_minus = 60.0, eta = 0.01, alpha = 0.5, Wmax = 100.0;

  double change(double w, double k_plus, double k_minus) const {
    const double n = w / Wmax + eta * (k_plus - alpha * k_minus);
    return (n < 0.0 ? 0.0 : n < 1.0 ? n : 1.0) * Wmax;
  }
  static double bump(double decayed) { return decayed + 1.0; }

  static constexpr bool two_traces = true;
  double tau_pre(int i) const { return i == 0 ? tau_plus : tau_minus; }
  double tau_post(int i) const { return i == 0 ? tau_plus : tau_minus; }
  double on_pre(double w, double y_plus, double y_minus) const { return change(w, y_plus, y_minus); }
  double on_post(double w, double x_plus, double x_minus) const { return change(w, x_plus, x_minus); }
};

}  // namespace myelin
