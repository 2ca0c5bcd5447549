// The exact propagators against closed-form solutions of the membrane ODE,
// including tau_syn == tau_m, where the textbook formula divides by zero.
#include <gtest/gtest.h>

#include <cmath>

#include "neurons/iaf_psc_alpha.hpp"
#include "neurons/iaf_psc_exp.hpp"
#include "core/simd.hpp"
#include "neurons/propagators.hpp"

using namespace myelin;

namespace {

// V(t) for dV/dt = -V/tm + I/C with I(t) = I0 e^{-t/ts}, V(0) = 0.
double v_exp_current(double t, double ts, double tm, double C, double I0) {
  if (std::fabs(ts - tm) < 1e-12) return I0 / C * t * std::exp(-t / tm);
  return I0 / C * ts * tm / (tm - ts) * (std::exp(-t / tm) - std::exp(-t / ts));
}

// V(t) for I(t) = t e^{-t/ts} (alpha current with dI(0) = 1), V(0) = 0,
// by numerical quadrature of the convolution (independent of the code).
double v_alpha_current(double t, double ts, double tm, double C) {
  const int n = 200000;
  double sum = 0;
  for (int k = 0; k < n; ++k) {
    const double s = (k + 0.5) * t / n;
    sum += s * std::exp(-s / ts) * std::exp(-(t - s) / tm);
  }
  return sum * t / n / C;
}

}  // namespace

TEST(Propagators, ConstantCurrentMatchesAnalytic) {
  for (double h : {0.01, 0.1, 1.0})
    EXPECT_NEAR(propagators::p_const(10.0, 250.0, h), 10.0 / 250.0 * (1 - std::exp(-h / 10.0)), 1e-15);
}

TEST(Propagators, ExponentialCurrentMatchesAnalytic) {
  // Near ts == tm the reference formula itself cancels; SingularLimit covers it.
  for (double ts : {0.5, 2.0, 10.0, 9.9, 30.0})
    for (double h : {0.1, 1.0}) {
      const double expect = v_exp_current(h, ts, 10.0, 250.0, 1.0);
      EXPECT_NEAR(propagators::p_exp(ts, 10.0, 250.0, h), expect, 1e-12 * std::fabs(expect) + 1e-18)
          << "ts=" << ts << " h=" << h;
    }
}

TEST(Propagators, AlphaCurrentMatchesQuadrature) {
  for (double ts : {0.5, 2.0, 10.0, 20.0})
    for (double h : {0.1, 1.0}) {
      const double expect = v_alpha_current(h, ts, 10.0, 250.0);
      EXPECT_NEAR(propagators::p_alpha(ts, 10.0, 250.0, h), expect, 1e-8 * expect) << "ts=" << ts << " h=" << h;
    }
}

TEST(Propagators, SingularLimitIsContinuous) {
  // tau_syn -> tau_m: values on both sides and at equality agree.
  const double a = propagators::p_exp(10.0 - 1e-7, 10.0, 250.0, 0.1);
  const double b = propagators::p_exp(10.0, 10.0, 250.0, 0.1);
  const double c = propagators::p_exp(10.0 + 1e-7, 10.0, 250.0, 0.1);
  EXPECT_NEAR(a, b, 1e-12);
  EXPECT_NEAR(b, c, 1e-12);
  EXPECT_NEAR(propagators::p_alpha(10.0, 10.0, 250.0, 0.1), 0.1 * 0.1 / 2 / 250.0 * std::exp(-0.01), 1e-15);
}

TEST(IafPscExp, SubthresholdTraceMatchesAnalyticSolution) {
  // One input of 100 pA at step 0; V(t) must follow the exact solution on
  // every grid point (the integration is exact, so only rounding remains).
  IafPscExp::Parameters p;  // tau_m 10, tau_syn 2, C 250, threshold far away
  p.V_th = 1e9;
  const double dt = 0.1;
  IafPscExp::Propagators q(p, dt);
  double x[IafPscExp::n_vars] = {};
  IafPscExp::step(x, q, 100.0, 0.0);  // arrives at the end of step 0
  for (int k = 1; k <= 500; ++k) {
    IafPscExp::step(x, q, 0.0, 0.0);
    const double t = k * dt;  // time since the current started
    ASSERT_NEAR(x[IafPscExp::V_], v_exp_current(t, 2.0, 10.0, 250.0, 100.0), 1e-12) << "step " << k;
  }
}

TEST(IafPscAlpha, PspPeakMatchesNestNormalisation) {
  // Brunel's J = 0.1 mV: a weight of 20.680155 pA peaks at 0.1 mV (NEST's
  // ComputePSPnorm for tau_m 20, C 250, tau_syn 0.5).
  IafPscAlpha::Parameters p;
  p.tau_m = 20; p.tau_syn_ex = p.tau_syn_in = 0.5; p.E_L = 0; p.V_reset = 0; p.V_th = 1e9;
  IafPscAlpha::Propagators q(p, 0.01);
  double x[IafPscAlpha::n_vars] = {};
  IafPscAlpha::step(x, q, 20.68015524367846, 0.0);
  double peak = 0;
  for (int k = 0; k < 2000; ++k) {
    IafPscAlpha::step(x, q, 0.0, 0.0);
    peak = std::max(peak, x[IafPscAlpha::V_]);
  }
  EXPECT_NEAR(peak, 0.1, 1e-5);
}

TEST(IafPscExp, RefractoryClampsForTrefSteps) {
  IafPscExp::Parameters p;
  p.I_e = 1e6;  // reaches threshold within one step
  p.t_ref = 2.0;
  IafPscExp::Propagators q(p, 0.1);
  double x[IafPscExp::n_vars] = {};
  std::vector<int> spikes;
  for (int k = 0; k < 200; ++k)
    if (IafPscExp::step(x, q, 0.0, 0.0) != 0.0) spikes.push_back(k);
  ASSERT_GE(spikes.size(), 3u);
  // 20 clamped steps, then at least one step to reach threshold.
  for (std::size_t i = 1; i < spikes.size(); ++i) EXPECT_EQ(spikes[i] - spikes[i - 1], 21);
}

TEST(IafPscAlpha, SimdLanesMatchScalarSteps) {
  // The vectorised step must do per lane exactly what the scalar one does,
  // including refractoriness and reset: compare bit for bit.
  IafPscAlpha::Parameters p;
  p.I_e = 380.0;
  IafPscAlpha::Propagators q(p, 0.1);
  constexpr std::size_t W = simd::width;
  double scalar[W][IafPscAlpha::n_vars] = {};
  simd::Vec lanes[IafPscAlpha::n_vars] = {};
  int spikes = 0;
  for (int k = 0; k < 5000; ++k) {
    double ex[W], in[W];
    for (std::size_t w = 0; w < W; ++w) {
      ex[w] = ((k * 7 + w * 13) % 11 == 0) ? 150.0 * (w + 1) : 0.0;
      in[w] = ((k * 5 + w * 3) % 17 == 0) ? -90.0 : 0.0;
    }
    const simd::Vec f = IafPscAlpha::step(lanes, q, simd::load(ex), simd::load(in));
    for (std::size_t w = 0; w < W; ++w) {
      const double s = IafPscAlpha::step(scalar[w], q, ex[w], in[w]);
      ASSERT_EQ(s, f[w]) << "step " << k << " lane " << w;
      spikes += s != 0.0;
      for (std::size_t v = 0; v < IafPscAlpha::n_vars; ++v) ASSERT_EQ(scalar[w][v], lanes[v][w]) << k;
    }
  }
  EXPECT_GT(spikes, 20);
}
