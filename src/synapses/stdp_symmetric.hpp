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
#include <string>
#include <vector>

#include "synapses/rule_fields.hpp"

namespace myelin {

struct SymmetricStdpRule {
  static constexpr const char* name = "stdp_symmetric_synapse";
  static constexpr const char* summary =
      "symmetric STDP, potentiation within |dt| < ln(alpha) tau+ tau- / (tau+ - tau-)";
  static constexpr bool pairs = true, modulated = false;

  double tau_plus = 20.0, tau_minus = 60.0, eta = 0.01, alpha = 0.5, Wmax = 100.0;

  static std::vector<Param<SymmetricStdpRule>> parameter_table() {
    using R = SymmetricStdpRule;
    return {{"tau_plus", &R::tau_plus, Dimension::time, "potentiation window (ms)"},
            {"tau_minus", &R::tau_minus, Dimension::time, "depression window (ms), longer than tau_plus"},
            {"eta", &R::eta, Dimension::dimensionless, "learning rate relative to Wmax"},
            {"alpha", &R::alpha, Dimension::dimensionless, "depression relative to potentiation"},
            {"Wmax", &R::Wmax, Dimension::dimensionless, "upper weight bound (the weight's unit and sign; the lower bound is 0)"}};
  }
  static std::vector<std::string> weight_parameters() { return {"Wmax"}; }
  static std::string check(const SymmetricStdpRule& r, double w_lo, double w_hi, std::string* field) {
    return first_problem({{"tau_plus", r.tau_plus > 0, "a positive time constant"},
                          {"tau_minus", r.tau_minus > 0, "a positive time constant"},
                          {"eta", r.eta >= 0, "a learning rate >= 0"},
                          {"alpha", r.alpha >= 0, "a number >= 0"},
                          weight_bound("Wmax", r.Wmax, w_lo, w_hi)},
                         field);
  }

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
