#pragma once
// Three-factor (reward-modulated) STDP, NEST's stdp_dopamine_synapse
// (Izhikevich 2007; Potjans, Morrison & Diesmann 2010): spike pairs do not
// change the weight directly but an eligibility trace c, and the weight
// follows c gated by a neuromodulator concentration n:
//
//   postsynaptic spike   c <- c + A_plus x_pre      (x_pre: trace, tau_plus)
//   presynaptic arrival  c <- c - A_minus y_post    (y_post: trace, tau_minus)
//   dc/dt = -c / tau_c,   dw/dt = c (n - b),   w kept within [Wmin, Wmax]
//
// n comes from a modulator: a population whose spikes each add 1/tau_n to
// n, which decays with tau_n (NEST's volume transmitter), or a time series
// of values n holds from their times on (tau_n infinite). Between two
// changes of n, c and n are exponentials, so the weight change is exact:
//   dw = c0 n0 tau_s (1 - e^(-D/tau_s)) - b c0 tau_c (1 - e^(-D/tau_c)),
//   1/tau_s = 1/tau_c + 1/tau_n,
// clipped at the end of each such piece (as NEST). A synapse is brought up
// to date when it is touched (arrival, postsynaptic spike) and at
// consolidations every second of simulated time, so the modulator's
// history is kept only since the last one. Outputs show weights as they
// are at their time without changing the state (checkpoints keep the
// state as it is, so a restored run continues bit-exactly).
// Timing as synapses/stdp.hpp; modulator spikes arriving in a step change
// n before that step's synaptic events. Under the dendritic convention a
// synapse of delay D runs on its arrival clock, D - axonal steps behind
// the presynaptic emission clock that NEST's volume transmitter and pairs
// share, so it sees the modulator `lag` = D - axonal steps late: n(s - lag).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/time_grid.hpp"
#include "synapses/rule_fields.hpp"

namespace myelin {

/// n(t): piece i holds n[i] exp(-(t - t_i) / tau_n) from step[i] on.
struct Modulator {
  /// The first piece, n = 0, reaches back far enough for any lag.
  static constexpr Step origin = std::numeric_limits<Step>::min() / 4;
  std::vector<Step> step{origin};
  std::vector<double> n{0.0};
  double tau_n = std::numeric_limits<double>::infinity();  ///< ms

  double at(Step s, double dt) const {
    const std::size_t i = piece(s);
    return n[i] * std::exp(-static_cast<double>(s - step[i]) * dt / tau_n);
  }
  /// A population spike arriving in step s.
  void add(Step s, double x, double dt) { set(s, at(s, dt) + x); }
  /// n from step s on (a time series value, or after a jump).
  void set(Step s, double value) {
    if (step.back() == s) {
      n.back() = value;
    } else {
      step.push_back(s);
      n.push_back(value);
    }
  }
  /// Forgets pieces that end before step s (no synapse is older).
  void trim(Step s) {
    const std::size_t i = piece(s);
    step.erase(step.begin(), step.begin() + static_cast<std::ptrdiff_t>(i));
    n.erase(n.begin(), n.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::size_t piece(Step s) const {
    const auto it = std::upper_bound(step.begin(), step.end(), s);
    return it == step.begin() ? 0 : static_cast<std::size_t>(it - step.begin() - 1);
  }
};

struct DopamineRule {
  static constexpr const char* name = "stdp_dopamine_synapse";
  static constexpr const char* summary =
      "three-factor STDP: pairs drive an eligibility trace, a modulator turns it into weight (Izhikevich 2007)";
  static constexpr bool pairs = true, modulated = true;

  double tau_plus = 20.0, tau_minus = 20.0, A_plus = 1.0, A_minus = 1.5, tau_c = 1000.0, tau_n = 200.0, b = 0.0,
         Wmin = 0.0, Wmax = 200.0;

  static std::vector<Param<DopamineRule>> parameter_table() {
    using R = DopamineRule;
    return {{"tau_plus", &R::tau_plus, Dimension::time, "decay of the presynaptic trace (ms)"},
            {"tau_minus", &R::tau_minus, Dimension::time, "decay of the postsynaptic trace (ms)"},
            {"A_plus", &R::A_plus, Dimension::dimensionless, "eligibility added per pre-before-post pair"},
            {"A_minus", &R::A_minus, Dimension::dimensionless, "eligibility removed per post-before-pre pair"},
            {"tau_c", &R::tau_c, Dimension::time, "decay of the eligibility trace (ms)"},
            {"tau_n", &R::tau_n, Dimension::time, "decay of the modulator concentration (ms; a population modulator)"},
            {"b", &R::b, Dimension::dimensionless, "baseline concentration: dw/dt = c (n - b)"},
            {"Wmin", &R::Wmin, Dimension::dimensionless, "lower weight bound (the weight's unit)"},
            {"Wmax", &R::Wmax, Dimension::dimensionless, "upper weight bound (the weight's unit)"}};
  }
  static std::vector<std::string> weight_parameters() { return {"Wmin", "Wmax"}; }
  static std::string check(const DopamineRule& r, double w_lo, double w_hi, std::string* field) {
    return first_problem({{"tau_plus", r.tau_plus > 0, "a positive time constant"},
                          {"tau_minus", r.tau_minus > 0, "a positive time constant"},
                          {"A_plus", r.A_plus >= 0, "a number >= 0"},
                          {"A_minus", r.A_minus >= 0, "a number >= 0"},
                          {"tau_c", r.tau_c > 0, "a positive time constant"},
                          {"tau_n", r.tau_n > 0, "a positive time constant"},
                          {"Wmin", r.Wmin < r.Wmax && w_lo >= r.Wmin && w_hi <= r.Wmax,
                           "bounds Wmin < Wmax around every weight (weights range " + std::to_string(w_lo) + " .. " +
                               std::to_string(w_hi) + ")"}},
                         field);
  }

  static double bump(double decayed) { return decayed + 1.0; }
  static constexpr bool two_traces = false;
  double tau_pre(int) const { return tau_plus; }
  double tau_post(int) const { return tau_minus; }

  /// Brings (w, c) from step t0 to step t1 under modulator m seen `lag`
  /// steps late.
  void advance(double& w, double& c, Step t0, Step t1, const Modulator& m, double dt, Step lag) const {
    if (t1 <= t0) return;
    t0 -= lag;
    t1 -= lag;
    const double tau_s = std::isinf(m.tau_n) ? tau_c : tau_c * m.tau_n / (tau_c + m.tau_n);
    for (std::size_t i = m.piece(t0); i < m.step.size() && t0 < t1; ++i) {
      const Step end = i + 1 < m.step.size() ? std::min(t1, m.step[i + 1]) : t1;
      if (end <= t0) continue;
      const double n0 = m.n[i] * std::exp(-static_cast<double>(t0 - m.step[i]) * dt / m.tau_n);
      const double d = static_cast<double>(end - t0) * dt;
      const double ec = std::exp(-d / tau_c);
      w += c * n0 * tau_s * -std::expm1(-d / tau_s) - b * c * tau_c * -std::expm1(-d / tau_c);
      w = std::clamp(w, Wmin, Wmax);
      c *= ec;
      t0 = end;
    }
  }
};

}  // namespace myelin
