#pragma once
// izhikevich: the Izhikevich (2003) model with NEST's semantics (NEST's
// izhikevich, consistent_integration = true): forward Euler on the grid,
// both variables from the values at the start of the step, and a spike's
// weight added to V as a voltage jump (mV) in the step it arrives.
//
// One step k of length h = dt (ms):
//   V <- V + (h (0.04 V^2 + 5 V + 140 - U + I_dc + I_e) + input(k))
//   U <- U + h a (b V_old - U)
//   V <- max(V, V_min)
//   if V >= V_th: spike, V <- c, U <- U + d
// V in mV, U and currents in mV/ms (Izhikevich's units: the "pA" of I_e
// and of a dc_generator are taken as mV/ms, R = 1 as in NEST).
//
// Parameter sets (Izhikevich 2003, Fig. 2; a, b, c, d):
//   regular spiking   0.02, 0.2, -65, 8   (the defaults)
//   fast spiking      0.1,  0.2, -65, 2
//   intrinsically bursting 0.02, 0.2, -55, 4
//   chattering        0.02, 0.2, -50, 2
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "neurons/model_fields.hpp"

namespace myelin {

struct Izhikevich {
  static constexpr const char* name = "izhikevich";
  static constexpr Dimension weight_dim = Dimension::voltage;  ///< a spike moves V by its weight (mV)
  static constexpr bool vectorised = true;

  struct Parameters {
    double a = 0.02, b = 0.2, c = -65.0, d = 8.0, I_e = 0.0, V_th = 30.0;
    double V_min = -std::numeric_limits<double>::infinity();
  };

  static std::vector<Param<Parameters>> parameter_table() {
    using P = Parameters;
    return {{"a", &P::a, Dimension::dimensionless, "recovery time scale (1/ms)"},
            {"b", &P::b, Dimension::dimensionless, "sensitivity of U to V"},
            {"c", &P::c, Dimension::voltage, "reset value of V after a spike (mV)"},
            {"d", &P::d, Dimension::dimensionless, "increment of U after a spike"},
            {"I_e", &P::I_e, Dimension::current, "constant input current (taken as mV/ms, R = 1)"},
            {"V_th", &P::V_th, Dimension::voltage, "spike cut-off (mV)"},
            {"V_min", &P::V_min, Dimension::voltage, "lower bound of V (mV)"}};
  }
  /// NEST's izhikevich checks nothing beyond the numbers being numbers.
  static std::string check(const Parameters&, std::string* field) {
    field->clear();
    return "";
  }

  struct Propagators {
    double h, a, b, c, d, i_e, v_th, v_min;
    Propagators(const Parameters& p, double dt)
        : h(dt), a(p.a), b(p.b), c(p.c), d(p.d), i_e(p.I_e), v_th(p.V_th), v_min(p.V_min) {}
  };

  /// State variables (see IafPscExp::Var).
  enum Var : std::size_t { V_, U_, I_dc_, n_vars };
  static constexpr const char* var_names[n_vars] = {"V_m", "U_m", "I_dc"};

  /// NEST's initial state, V_m = -65 mV and U_m = 0 whatever c and b are.
  static std::vector<StateVar<Parameters>> state_table() {
    return {{"V_m", V_, Dimension::voltage, "membrane potential (mV)", nullptr, nullptr, -65.0},
            {"U_m", U_, Dimension::dimensionless, "recovery variable (NEST's default 0)"}};
  }

  /// One step, branch-free, for T = double or simd::Vec.
  template <class T>
  static T step(T (&x)[n_vars], const Propagators& q, T in_ex, T in_in) {
    const T zero{};
    const T v = x[V_], u = x[U_];
    T v1 = v + (q.h * (0.04 * v * v + 5.0 * v + 140.0 - u + x[I_dc_] + q.i_e) + (in_ex + in_in));
    const T u1 = u + q.h * q.a * (q.b * v - u);
    v1 = v1 < q.v_min ? zero + q.v_min : v1;
    const auto fired = v1 >= q.v_th;
    x[V_] = fired ? zero + q.c : v1;
    x[U_] = fired ? u1 + q.d : u1;
    return fired ? zero + 1.0 : zero;
  }
};

}  // namespace myelin
