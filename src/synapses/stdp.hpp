#pragma once
// Pair-based STDP (stdp_synapse, stdp_nn_symm_synapse), NEST's weight
// dependence (Gütig et al. 2003): with w~ = w / Wmax,
//   potentiation  w~ <- min(1, w~ + lambda (1 - w~)^mu_plus x_pre)
//   depression    w~ <- max(0, w~ - alpha lambda w~^mu_minus y_post)
// mu = 0 is the additive rule (van Rossum et al. 2000 without noise),
// mu = 1 the multiplicative one; the bounds are 0 and Wmax.
//
// Traces: x_pre jumps at each presynaptic arrival and decays with
// tau_plus; y_post jumps at each postsynaptic spike and decays with
// tau_minus. All-to-all pairing adds 1 at each spike; nearest-neighbour
// pairing (NEST's stdp_nn_symm_synapse, Morrison et al. 2008 "symmetric
// nearest spike") resets the trace to 1, so each spike pairs only with the
// nearest spike of the other side.
//
// Timing, in steps (myelin's NEST-style stamp: a spike found in step k is
// at (k+1) dt). A presynaptic spike emitted in step k over delay d reaches
// the synapse in step a = k + d, the step in which it acts on the target.
// In step a, before the target's update: the synapse depresses with y_post
// (postsynaptic spikes of steps < a), adds x_pre, and sends the new weight.
// After the update, each postsynaptic spike of step a potentiates with
// x_pre (arrivals of steps <= a) and then adds to y_post. So a pair in the
// same step counts as pre-before-post. This is Brian2's order (pre pathway
// before post pathway in a step) with the whole delay axonal; NEST models
// the delay as dendritic instead.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "synapses/rule_fields.hpp"

namespace myelin {

/// All-to-all (stdp_synapse) or nearest-neighbour (stdp_nn_symm_synapse) pairing.
template <bool Nearest>
struct Stdp {
  static constexpr const char* name = Nearest ? "stdp_nn_symm_synapse" : "stdp_synapse";
  static constexpr const char* summary =
      Nearest ? "pair STDP, symmetric nearest-neighbour pairing (Morrison 2008)"
              : "pair STDP, all-to-all pairing, additive to multiplicative (Guetig 2003)";
  static constexpr bool pairs = true, modulated = false;
  static constexpr bool nearest = Nearest;

  double tau_plus = 20.0, tau_minus = 20.0;  ///< ms
  double lambda = 0.01, alpha = 1.0, mu_plus = 1.0, mu_minus = 1.0;
  double Wmax = 100.0;  ///< the weight's unit; same sign as the weights

  static std::vector<Param<Stdp>> parameter_table() {
    return {{"tau_plus", &Stdp::tau_plus, Dimension::time, "decay of the presynaptic trace (ms)"},
            {"tau_minus", &Stdp::tau_minus, Dimension::time, "decay of the postsynaptic trace (ms; NEST keeps it on the neuron)"},
            {"lambda", &Stdp::lambda, Dimension::dimensionless, "learning rate, potentiation step relative to Wmax"},
            {"alpha", &Stdp::alpha, Dimension::dimensionless, "depression step relative to potentiation"},
            {"mu_plus", &Stdp::mu_plus, Dimension::dimensionless, "weight dependence of potentiation: 0 additive, 1 multiplicative"},
            {"mu_minus", &Stdp::mu_minus, Dimension::dimensionless, "weight dependence of depression: 0 additive, 1 multiplicative"},
            {"Wmax", &Stdp::Wmax, Dimension::dimensionless, "upper weight bound (the weight's unit and sign; the lower bound is 0)"}};
  }
  static std::vector<std::string> weight_parameters() { return {"Wmax"}; }
  static std::string check(const Stdp& r, double w_lo, double w_hi, std::string* field) {
    return first_problem({{"tau_plus", r.tau_plus > 0, "a positive time constant"},
                          {"tau_minus", r.tau_minus > 0, "a positive time constant"},
                          {"lambda", r.lambda >= 0, "a number >= 0"},
                          {"alpha", r.alpha >= 0, "a number >= 0"},
                          {"mu_plus", r.mu_plus >= 0, "a number >= 0"},
                          {"mu_minus", r.mu_minus >= 0, "a number >= 0"},
                          weight_bound("Wmax", r.Wmax, w_lo, w_hi)},
                         field);
  }

  double facilitate(double w, double x) const {
    const double n = w / Wmax + lambda * power(1.0 - w / Wmax, mu_plus) * x;
    return n < 1.0 ? n * Wmax : Wmax;
  }
  double depress(double w, double y) const {
    const double n = w / Wmax - alpha * lambda * power(w / Wmax, mu_minus) * y;
    return n > 0.0 ? n * Wmax : 0.0;
  }
  /// pow, skipped for the additive and multiplicative rules: pow(x, 0) is
  /// exactly 1 and pow(x, 1) exactly x, so the result is the same.
  static double power(double x, double mu) { return mu == 0.0 ? 1.0 : mu == 1.0 ? x : std::pow(x, mu); }
  /// A trace after a spike, given its value decayed to the spike's step.
  static double bump(double decayed) { return Nearest ? 1.0 : decayed + 1.0; }

  // The interface the plastic store drives (TraceRule): one trace a side.
  static constexpr bool two_traces = false;
  double tau_pre(int) const { return tau_plus; }
  double tau_post(int) const { return tau_minus; }
  /// A presynaptic arrival, given the postsynaptic traces at its step.
  double on_pre(double w, double y, double) const { return depress(w, y); }
  /// A postsynaptic spike, given the presynaptic traces at its step.
  double on_post(double w, double x, double) const { return facilitate(w, x); }
};

using StdpRule = Stdp<false>;
using StdpNnSymmRule = Stdp<true>;

}  // namespace myelin
