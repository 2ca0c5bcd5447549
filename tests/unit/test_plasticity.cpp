// Plastic synapses against their rules computed here from the spike trains
// the run produced: each final weight (STDP) or (u, x) state (short-term
// plasticity) must agree to a relative 1e-12 (trace rules, short-term plasticity) or
// 1e-9 (scaling, three-factor). Also: the same final state
// for 1 and 2 threads, a checkpoint round trip of a plastic network, and
// bad synapse parameters.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <tuple>

#include "core/hdf5_handles.hpp"
#include "myelin/error.hpp"
#include "myelin/simulation.hpp"
#include "test_support.hpp"

using namespace myelin;
namespace fs = std::filesystem;

namespace {

using test::ensure_mpi;
fs::path temp_dir(const std::string& name) { return test::fresh_dir("plasticity_" + name); }

/// How the test times pairs: NEST's dendritic delay (the default) or
/// Brian2's axonal one (written into the model by network()).
bool g_axonal = false;
/// With the dendritic convention: the synapses' axonal_delay (ms).
double g_axonal_delay = 0.0;

/// Two parrots firing Poisson trains onto two LIF neurons driven hard
/// enough to fire on their own: every pair order and interval occurs.
std::string network(const std::string& synapse_model, const std::string& params, double delay_ms, double t_stop) {
  return "[run]\ndt = 0.1\nt_stop = " + std::to_string(t_stop) +
         "\nseed = 11\n"
         "[[population]]\nname = \"pre\"\nmodel = \"parrot_neuron\"\nsize = 2\n"
         "[[population]]\nname = \"post\"\nmodel = \"iaf_psc_exp\"\nsize = 2\n"
         "[[projection]]\nsource = \"pre\"\ntarget = \"post\"\nrule = \"all_to_all\"\nweight = 40.0\ndelay = " +
         std::to_string(delay_ms) + "\nsynapse_model = \"" + synapse_model + "\"\nsynapse = { " + params +
         " }\n" + (g_axonal && synapse_model != "tsodyks2_synapse" ? "delay_convention = \"axonal\"\n" : "") +
         "[[stimulus]]\ntype = \"poisson_generator\"\ntargets = \"pre\"\nrate = 25.0\nweight = 1.0\n"
         "[[stimulus]]\ntype = \"poisson_generator\"\ntargets = \"post\"\nrate = 9000.0\nweight = 25.0\n";
}

struct Edges {
  std::vector<std::uint64_t> source, target;
  std::vector<double> weight, delay, a, b;
};

Edges read_edges(const fs::path& file, const std::string& pop, const char* a, const char* b) {
  Edges e;
  h5::Handle f = h5::open_file_readonly(file.string());
  h5::Handle g = h5::open_group(f, "edges/" + pop);
  e.source = h5::read_dataset_1d<std::uint64_t>(g, "source_node_id");
  e.target = h5::read_dataset_1d<std::uint64_t>(g, "target_node_id");
  h5::Handle g0 = h5::open_group(g, "0");
  e.weight = h5::read_dataset_1d<double>(g0, "syn_weight");
  e.delay = h5::read_dataset_1d<double>(g0, "delay");
  if (a) e.a = h5::read_dataset_1d<double>(g0, a);
  if (b) e.b = h5::read_dataset_1d<double>(g0, b);
  return e;
}

struct PlasticRun {
  SpikeTrains spikes;
  Edges edges;
  RunSummary summary;
};

PlasticRun run_model(const ModelSpec& m, const std::string& name, int threads, const char* a = nullptr,
              const char* b = nullptr) {
  ensure_mpi();
  RunOptions o;
  o.threads = threads;
  o.progress = false;
  o.output_dir = temp_dir(name).string();
  PlasticRun r;
  r.summary = run(m, o, &r.spikes);
  r.edges = read_edges(fs::path(o.output_dir) / "synapses.h5", "pre_to_post", a, b);
  return r;
}

/// Spike times (ms) of node n of population p.
std::vector<double> train(const SpikeTrains& s, std::size_t p, std::uint64_t n) {
  std::vector<double> t;
  for (std::size_t i = 0; i < s.node_ids[p].size(); ++i)
    if (s.node_ids[p][i] == n) t.push_back(s.times[p][i]);
  return t;
}

/// A rule driven by traces, as the test states it: time constants of the
/// presynaptic and postsynaptic traces (a second one 0 when unused), the
/// pairing, and what an arrival and a postsynaptic spike do to w given
/// the other side's traces.
struct TraceRuleRef {
  double tau_pre[2], tau_post[2];
  bool nearest;
  std::function<double(double, double, double)> on_pre, on_post;
};

/// The final weight of one synapse from its spike trains. Axonal delay:
/// presynaptic spikes act at the synapse `delay` after their stamp, before
/// a postsynaptic spike at the same time, which pairs with them. Dendritic
/// (NEST): presynaptic spikes at their stamp, postsynaptic ones `delay`
/// after theirs, and a pair at equal times counts neither way. Traces are
/// sums over all earlier spikes of the other side (or the nearest one),
/// not recursions.
double reference_weight(double w, const std::vector<double>& pre, const std::vector<double>& post, double delay,
                        const TraceRuleRef& r) {
  struct Ev {
    double t;
    int kind;  // 0: presynaptic arrival, 1: postsynaptic spike
  };
  std::vector<Ev> ev;
  for (double t : pre) ev.push_back({g_axonal ? t + delay : t + g_axonal_delay, 0});
  for (double t : post) ev.push_back({g_axonal ? t : t + delay - g_axonal_delay, 1});
  // Times are multiples of 0.1 ms: compare them in steps.
  const auto step = [](double t) { return std::llround(t * 10.0); };
  std::stable_sort(ev.begin(), ev.end(), [&](const Ev& x, const Ev& y) {
    return step(x.t) != step(y.t) ? step(x.t) < step(y.t) : (x.kind < y.kind) == g_axonal;
  });
  const auto trace = [&](const std::vector<double>& seen, double t, double tau) {
    if (tau <= 0) return 0.0;
    double k = 0;
    for (double s : seen)
      if (g_axonal || step(s) < step(t)) k = r.nearest ? std::exp(-(t - s) / tau) : k + std::exp(-(t - s) / tau);
    return k;
  };
  std::vector<double> pre_seen, post_seen;
  for (const Ev& e : ev) {
    if (e.kind == 0) {
      w = r.on_pre(w, trace(post_seen, e.t, r.tau_post[0]), trace(post_seen, e.t, r.tau_post[1]));
      pre_seen.push_back(e.t);
    } else {
      if (!pre_seen.empty()) w = r.on_post(w, trace(pre_seen, e.t, r.tau_pre[0]), trace(pre_seen, e.t, r.tau_pre[1]));
      post_seen.push_back(e.t);
    }
  }
  return w;
}

/// NEST's pair rule (Guetig et al. 2003 weight dependence).
double stdp_weight(double w, const std::vector<double>& pre, const std::vector<double>& post, double delay,
                   bool nearest, double tau_plus, double tau_minus, double lambda, double alpha, double mu_plus,
                   double mu_minus, double wmax) {
  TraceRuleRef r{{tau_plus, 0}, {tau_minus, 0}, nearest,
                 [&](double v, double y, double) {
                   const double n = v / wmax - alpha * lambda * std::pow(v / wmax, mu_minus) * y;
                   return n > 0 ? n * wmax : 0.0;
                 },
                 [&](double v, double x, double) {
                   const double n = v / wmax + lambda * std::pow(1 - v / wmax, mu_plus) * x;
                   return n < 1 ? n * wmax : wmax;
                 }};
  return reference_weight(w, pre, post, delay, r);
}

/// Runs `model` and checks each final weight against `ref` to 1e-12.
void expect_rule(const ModelSpec& m, const std::string& name, double w0, double delay, double t_stop,
                 const TraceRuleRef& ref) {
  const PlasticRun r = run_model(m, name, 2);
  ASSERT_EQ(r.edges.weight.size(), 4u);
  int changed = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    auto pre = train(r.spikes, 0, r.edges.source[k]);
    auto post = train(r.spikes, 1, r.edges.target[k]);
    std::erase_if(pre, [&](double t) { return t + delay > t_stop + 1e-9; });
    // Dendritic: a postsynaptic spike meets the synapse 2 delays later.
    std::erase_if(post, [&](double t) { return !g_axonal && t + 2 * delay > t_stop + 1e-9; });
    ASSERT_GT(pre.size(), 20u) << "presynaptic train too short to test anything";
    ASSERT_GT(post.size(), 10u) << "postsynaptic train too short to test anything";
    const double expected = reference_weight(w0, pre, post, delay, ref);
    EXPECT_NEAR(r.edges.weight[k], expected, 1e-12 * std::abs(expected)) << name << " synapse " << k;
    changed += std::abs(r.edges.weight[k] - w0) > 0.01 * std::abs(w0);
  }
  EXPECT_GT(changed, 0) << "no weight moved: the test would not see a wrong rule";
}

void expect_stdp_rule(const std::string& model, bool nearest, double mu, const std::string& name) {
  const double tau_plus = 16.8, tau_minus = 33.7, lambda = 0.02, alpha = 1.1, wmax = 100.0;
  const std::string params = "tau_plus = 16.8, tau_minus = 33.7, lambda = 0.02, alpha = 1.1, mu_plus = " +
                             std::to_string(mu) + ", mu_minus = " + std::to_string(mu) + ", Wmax = 100.0" +
                             (g_axonal_delay > 0 ? ", axonal_delay = " + std::to_string(g_axonal_delay) : "");
  const ModelSpec m = test::model_from(network(model, params, 1.5, 2000.0), name);
  const PlasticRun r = run_model(m, name, 2, "pre_trace", "post_trace");
  ASSERT_EQ(r.edges.weight.size(), 4u);
  EXPECT_EQ(r.summary.plastic_synapses, 4u);
  int changed = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    auto pre = train(r.spikes, 0, r.edges.source[k]);
    auto post = train(r.spikes, 1, r.edges.target[k]);
    // Spikes still on their way at the end have not reached the synapse.
    std::erase_if(pre, [](double t) { return t + 1.5 > 2000.0 + 1e-9; });
    std::erase_if(post, [](double t) { return !g_axonal && t + 2 * (1.5 - g_axonal_delay) > 2000.0 + 1e-9; });
    ASSERT_GT(pre.size(), 20u) << "presynaptic train too short to test anything";
    ASSERT_GT(post.size(), 20u) << "postsynaptic train too short to test anything";
    EXPECT_DOUBLE_EQ(r.edges.delay[k], 1.5);
    const double expected =
        stdp_weight(40.0, pre, post, 1.5, nearest, tau_plus, tau_minus, lambda, alpha, mu, mu, wmax);
    EXPECT_NEAR(r.edges.weight[k], expected, 1e-12 * std::abs(expected)) << name << " synapse " << k;
    changed += std::abs(r.edges.weight[k] - 40.0) > 1.0;
  }
  EXPECT_GT(changed, 0) << "no weight moved: the test would not see a wrong rule";
}

/// NEST 3.9's stdp_synapse::send (models/stdp_synapse.h) written out, on
/// stamps: at each presynaptic spike t_pre, facilitation for every
/// postsynaptic spike t with t_last - d < t <= t_pre - d (ArchivingNode::
/// get_history) by Kplus at t_last decayed to t + d; then depression by the
/// postsynaptic trace of the spikes strictly before t_pre - d (get_K_value);
/// then Kplus <- Kplus e^{-(t_pre - t_last) / tau_plus} + 1. NEST applies
/// the facilitation of postsynaptic spikes after the last presynaptic one
/// at the next one; here they are applied up to `flush` (ms), as myelin
/// does by the end of the run.
double nest_stdp_send(double w, const std::vector<double>& pre, const std::vector<double>& post, double d,
                      double tau_plus, double tau_minus, double lambda, double alpha, double mu, double wmax,
                      double flush) {
  const double eps = 1e-6;  // NEST's stdp_eps, ms
  std::vector<double> kminus;  // after each postsynaptic spike
  for (std::size_t i = 0; i < post.size(); ++i)
    kminus.push_back((i ? kminus[i - 1] * std::exp((post[i - 1] - post[i]) / tau_minus) : 0.0) + 1.0);
  const auto facilitate = [&](double v, double kplus) {
    const double n = v / wmax + lambda * std::pow(1 - v / wmax, mu) * kplus;
    return n < 1 ? n * wmax : wmax;
  };
  const auto depress = [&](double v, double kminus_) {
    const double n = v / wmax - alpha * lambda * std::pow(v / wmax, mu) * kminus_;
    return n > 0 ? n * wmax : 0.0;
  };
  const auto facilitate_window = [&](double t_last, double t_to, double kplus) {
    for (double t : post)
      if (t >= t_last - d + eps && t < t_to - d + eps) w = facilitate(w, kplus * std::exp((t_last - (t + d)) / tau_plus));
  };
  double kplus = 0.0, t_last = 0.0;
  for (double t_pre : pre) {
    facilitate_window(t_last, t_pre, kplus);
    double k = 0.0;
    for (std::size_t i = post.size(); i-- > 0;)
      if (t_pre - d - post[i] > eps) {
        k = kminus[i] * std::exp((post[i] - (t_pre - d)) / tau_minus);
        break;
      }
    w = depress(w, k);
    kplus = kplus * std::exp((t_last - t_pre) / tau_plus) + 1.0;
    t_last = t_pre;
  }
  facilitate_window(t_last, flush, kplus);
  return w;
}

}  // namespace

TEST(Plasticity, StdpFollowsNestsSendToTheLastBit) {
  // NEST's own algorithm (lazy, from the postsynaptic history) against
  // myelin's event-driven one, default (dendritic) convention; every pair
  // order, ties included, occurs in these trains.
  for (const double mu : {0.0, 1.0, 0.4}) {
    const std::string params = "tau_plus = 16.8, tau_minus = 33.7, lambda = 0.02, alpha = 1.1, mu_plus = " +
                               std::to_string(mu) + ", mu_minus = " + std::to_string(mu) + ", Wmax = 100.0";
    const std::string name = "nest_send_" + std::to_string(static_cast<int>(mu * 10));
    const PlasticRun r = run_model(test::model_from(network("stdp_synapse", params, 1.5, 2000.0), name), name, 2);
    ASSERT_EQ(r.edges.weight.size(), 4u);
    for (std::size_t k = 0; k < 4; ++k) {
      auto pre = train(r.spikes, 0, r.edges.source[k]);
      std::erase_if(pre, [](double t) { return t + 1.5 > 2000.0 + 1e-9; });
      const auto post = train(r.spikes, 1, r.edges.target[k]);
      // A postsynaptic spike meets the synapse 2 d after it: up to t_stop - d.
      const double w = nest_stdp_send(40.0, pre, post, 1.5, 16.8, 33.7, 0.02, 1.1, mu, 100.0, 2000.0 - 1.5);
      EXPECT_NEAR(r.edges.weight[k], w, 1e-12 * w) << "mu " << mu << ", synapse " << k;
      EXPECT_GT(std::abs(w - 40.0), 1.0) << "the weight did not move";
    }
  }
}

TEST(Plasticity, StdpAdditiveAllToAllMatchesTheRule) { expect_stdp_rule("stdp_synapse", false, 0.0, "add_all"); }
TEST(Plasticity, StdpWithAnAxonalDelayPartMatchesTheRule) {
  // NEST's split: a pair counts as t_post + d_dendritic - (t_pre + d_axonal).
  g_axonal_delay = 0.5;
  expect_stdp_rule("stdp_synapse", false, 1.0, "mult_all_axonal_part");
  g_axonal_delay = 0.0;
}
TEST(Plasticity, StdpWithTheAxonalConventionMatchesTheRule) {
  // Brian2's timing, the whole delay axonal (delay_convention = "axonal").
  g_axonal = true;
  expect_stdp_rule("stdp_synapse", false, 1.0, "mult_all_axonal");
  expect_stdp_rule("stdp_nn_symm_synapse", true, 0.4, "nn_axonal");
  g_axonal = false;
}
TEST(Plasticity, StdpMultiplicativeAllToAllMatchesTheRule) { expect_stdp_rule("stdp_synapse", false, 1.0, "mult_all"); }
TEST(Plasticity, StdpPowerLawNearestMatchesTheRule) {
  expect_stdp_rule("stdp_nn_symm_synapse", true, 0.4, "gutig_nearest");
}

TEST(Plasticity, VogelsSprekelerMatchesTheRule) {
  // Inhibitory: weights and Wmax negative, |w| moves with the traces.
  const double tau = 25.0, eta = 2.0, alpha = 0.3, wmax = -200.0;
  std::string text = network("vogels_sprekeler_synapse", "tau = 25.0, eta = 2.0, alpha = 0.3, Wmax = -200.0", 1.2, 2000.0);
  text.replace(text.find("weight = 40.0"), 13, "weight = -40.0");
  const auto fac = [=](double w, double k) {
    const double n = std::abs(w) + eta * k;
    return std::copysign(n < std::abs(wmax) ? n : std::abs(wmax), wmax);
  };
  TraceRuleRef ref{{tau, 0}, {tau, 0}, false,
                   [=](double w, double y, double) {
                     const double n = std::abs(fac(w, y)) - alpha * eta;
                     return std::copysign(n > 0 ? n : 0.0, wmax);
                   },
                   [=](double w, double x, double) { return fac(w, x); }};
  expect_rule(test::model_from(text, "vogels"), "vogels", -40.0, 1.2, 2000.0, ref);
}

TEST(Plasticity, SymmetricStdpMatchesTheRule) {
  const double tp = 10.0, tm = 40.0, eta = 0.02, alpha = 0.6, wmax = 90.0;
  const ModelSpec m = test::model_from(
      network("stdp_symmetric_synapse", "tau_plus = 10.0, tau_minus = 40.0, eta = 0.02, alpha = 0.6, Wmax = 90.0", 0.8,
              2000.0),
      "symmetric");
  const auto change = [=](double w, double kp, double km) {
    const double n = w / wmax + eta * (kp - alpha * km);
    return (n < 0 ? 0.0 : n < 1 ? n : 1.0) * wmax;
  };
  expect_rule(m, "symmetric", 40.0, 0.8, 2000.0, TraceRuleRef{{tp, tm}, {tp, tm}, false, change, change});
}

TEST(Plasticity, SynapticScalingMatchesTheRule) {
  // No STDP (lambda = 0): only scaling moves the weights, every 50 ms by
  // 1 + beta * 0.05 s * (target - rate), the rate filtered with tau.
  const double target = 20.0, beta = 0.4, tau = 300.0, interval = 50.0, wmax = 100.0, t_stop = 1000.0;
  std::string text = network("stdp_synapse", "lambda = 0.0, Wmax = 100.0", 1.0, t_stop);
  text.replace(text.find("synapse = {"), 0,
               "scaling = { target_rate = 20.0, beta = 0.4, tau = 300.0, interval = 50.0 }\n");
  const PlasticRun r = run_model(test::model_from(text, "scaling"), "scaling", 2);
  ASSERT_EQ(r.edges.weight.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const auto post = train(r.spikes, 1, r.edges.target[k]);
    ASSERT_GT(post.size(), 20u);
    double w = 40.0;
    for (double t = interval; t <= t_stop + 1e-9; t += interval) {
      double rate = 0;  // 1/ms, spikes stamped up to t
      for (double tp : post)
        if (tp <= t + 1e-9) rate += std::exp(-(t - tp) / tau) / tau;
      const double n = w / wmax * (1.0 + beta * interval * (target * 1e-3 - rate));
      w = (n < 0 ? 0.0 : n < 1 ? n : 1.0) * wmax;
    }
    EXPECT_NEAR(r.edges.weight[k], w, 1e-9 * w) << "synapse " << k;
    EXPECT_GT(std::abs(w - 40.0), 1.0) << "scaling did not move the weight";
  }
}

namespace {

/// Three-factor STDP from the spike trains, integrated event by event in
/// steps (an event of step s at s dt; within a step: modulator, arrival,
/// postsynaptic spike). `mod` holds (step, kind, value): kind 0 adds value
/// to n (a population spike), kind 1 sets n (a time series).
double dopamine_weight(double w, const std::vector<double>& pre, const std::vector<double>& post, int delay_steps,
                       std::vector<std::tuple<long, int, double>> mod, double tau_n, long end, double A_plus,
                       double A_minus, double tau_plus, double tau_minus, double tau_c, double b) {
  struct Ev {
    long step;
    int kind;  // 0 modulator, 1 arrival, 2 postsynaptic
    double value;
    int mode;
  };
  // Dendritic delay (NEST): a postsynaptic spike meets the synapse
  // 2 delay_steps later, before that step's arrivals, which do not see it.
  std::vector<Ev> ev;
  // The modulator reaches the synapse delay_steps late (its dendritic part).
  for (const auto& [s, mode, v] : mod) ev.push_back({s + (g_axonal ? 0 : delay_steps), 0, v, mode});
  for (double t : pre) ev.push_back({std::lround(t * 10.0) - 1 + delay_steps, g_axonal ? 1 : 2, 0, 0});
  for (double t : post)
    if (g_axonal || std::lround(t * 10.0) - 1 + 2 * delay_steps < end)
      ev.push_back({std::lround(t * 10.0) - 1 + (g_axonal ? 0 : 2 * delay_steps), g_axonal ? 2 : 1, 0, 0});
  ev.push_back({end, 3, 0, 0});
  std::stable_sort(ev.begin(), ev.end(), [](const Ev& x, const Ev& y) {
    return x.step != y.step ? x.step < y.step : x.kind < y.kind;
  });
  const double dt = 0.1;
  double c = 0, n = 0, x = 0, y = 0, y_before = 0;
  long t = 0, last_pre = -1, last_post = -1, last_post_before = -1;
  const double tau_s = std::isinf(tau_n) ? tau_c : tau_c * tau_n / (tau_c + tau_n);
  for (const Ev& e : ev) {
    const double d = static_cast<double>(e.step - t) * dt;
    w += c * n * tau_s * (1 - std::exp(-d / tau_s)) - b * c * tau_c * (1 - std::exp(-d / tau_c));
    c *= std::exp(-d / tau_c);
    n *= std::exp(-d / tau_n);
    t = e.step;
    if (e.kind == 3) break;
    if (e.kind == 0) {
      n = e.mode == 0 ? n + e.value : e.value;
    } else if ((e.kind == 1) == g_axonal) {  // arrival
      const bool tie = !g_axonal && last_post == t;  // a meeting in this step: the trace before it
      const double yy = tie ? y_before : y;
      const long lp = tie ? last_post_before : last_post;
      if (lp >= 0) c -= A_minus * yy * std::exp(-static_cast<double>(t - lp) * dt / tau_minus);
      x = (last_pre < 0 ? 0.0 : x * std::exp(-static_cast<double>(t - last_pre) * dt / tau_plus)) + 1;
      last_pre = t;
    } else if (e.kind != 3) {  // postsynaptic spike (its meeting, dendritic)
      if (last_pre >= 0) c += A_plus * x * std::exp(-static_cast<double>(t - last_pre) * dt / tau_plus);
      y_before = y, last_post_before = last_post;
      y = (last_post < 0 ? 0.0 : y * std::exp(-static_cast<double>(t - last_post) * dt / tau_minus)) + 1;
      last_post = t;
    }
  }
  return w;
}

const char* dopamine_params = "tau_plus = 15.0, tau_minus = 25.0, A_plus = 0.02, A_minus = 0.025, tau_c = 300.0, "
                              "tau_n = 150.0, b = 0.1, Wmin = -1000.0, Wmax = 1000.0";

}  // namespace

TEST(Plasticity, DopamineStdpWithATimeSeriesMatchesTheRule) {
  std::string text = network("stdp_dopamine_synapse", dopamine_params, 1.5, 1500.0);
  text.replace(text.find("synapse = {"), 0,
               "modulator = { times = [200.0, 400.0, 700.0, 900.0], values = [1.5, 0.0, -0.8, 0.0] }\n");
  const PlasticRun r = run_model(test::model_from(text, "dopamine_series"), "dopamine_series", 2);
  ASSERT_EQ(r.edges.weight.size(), 4u);
  const std::vector<std::tuple<long, int, double>> mod = {{2000, 1, 1.5}, {4000, 1, 0.0}, {7000, 1, -0.8}, {9000, 1, 0.0}};
  for (std::size_t k = 0; k < 4; ++k) {
    auto pre = train(r.spikes, 0, r.edges.source[k]);
    std::erase_if(pre, [](double t) { return t + 1.5 > 1500.0 + 1e-9; });
    const auto post = train(r.spikes, 1, r.edges.target[k]);
    const double w = dopamine_weight(40.0, pre, post, 15, mod, HUGE_VAL, 15000, 0.02, 0.025, 15.0, 25.0, 300.0, 0.1);
    EXPECT_NEAR(r.edges.weight[k], w, 1e-9 * std::abs(w)) << "synapse " << k;
    EXPECT_GT(std::abs(w - 40.0), 1.0) << "the weight did not move";
  }
}

TEST(Plasticity, DopamineStdpWithAModulatorPopulationMatchesTheRule) {
  // A third population of parrots, Poisson at 8 Hz, is the modulator.
  std::string text = network("stdp_dopamine_synapse", dopamine_params, 1.5, 1500.0);
  text.replace(text.find("synapse = {"), 0, "modulator = { population = \"DA\", delay = 2.0 }\n");
  text += "[[population]]\nname = \"DA\"\nmodel = \"parrot_neuron\"\nsize = 3\n"
          "[[stimulus]]\ntype = \"poisson_generator\"\ntargets = \"DA\"\nrate = 8.0\nweight = 1.0\n";
  const PlasticRun r = run_model(test::model_from(text, "dopamine_pop"), "dopamine_pop", 2);
  ASSERT_EQ(r.edges.weight.size(), 4u);
  std::vector<std::tuple<long, int, double>> mod;
  for (double t : r.spikes.times[2]) mod.emplace_back(std::lround(t * 10.0) - 1 + 20, 0, 1.0 / 150.0);
  ASSERT_GT(mod.size(), 10u) << "too few modulator spikes to test anything";
  for (std::size_t k = 0; k < 4; ++k) {
    auto pre = train(r.spikes, 0, r.edges.source[k]);
    std::erase_if(pre, [](double t) { return t + 1.5 > 1500.0 + 1e-9; });
    const auto post = train(r.spikes, 1, r.edges.target[k]);
    const double w = dopamine_weight(40.0, pre, post, 15, mod, 150.0, 15000, 0.02, 0.025, 15.0, 25.0, 300.0, 0.1);
    EXPECT_NEAR(r.edges.weight[k], w, 1e-9 * std::abs(w)) << "synapse " << k;
    EXPECT_GT(std::abs(w - 40.0), 0.1) << "the weight did not move";
  }
}

TEST(Plasticity, StdpWeightsStayWithinBounds) {
  // A large learning rate drives weights onto both bounds.
  const ModelSpec m = test::model_from(
      network("stdp_synapse", "lambda = 0.5, alpha = 1.0, mu_plus = 0.0, mu_minus = 0.0, Wmax = 60.0", 1.0, 1000.0),
      "bounds");
  const PlasticRun r = run_model(m, "bounds", 1);
  for (double w : r.edges.weight) {
    EXPECT_GE(w, 0.0);
    EXPECT_LE(w, 60.0);
  }
}

TEST(Plasticity, SameWeightsForOneAndTwoThreads) {
  const ModelSpec m = test::model_from(network("stdp_synapse", "lambda = 0.05, mu_plus = 0.0, mu_minus = 0.0", 0.7, 1500.0),
                                 "threads");
  const PlasticRun a = run_model(m, "threads1", 1), b = run_model(m, "threads2", 2);
  EXPECT_EQ(a.edges.weight, b.edges.weight);
  EXPECT_EQ(a.spikes.times, b.spikes.times);
}

TEST(Plasticity, TsodyksStateMatchesTheRecurrence) {
  const double U = 0.3, tau_rec = 120.0, tau_fac = 45.0, delay = 2.0;
  const ModelSpec m = test::model_from(network("tsodyks2_synapse", "U = 0.3, tau_rec = 120.0, tau_fac = 45.0", delay, 1000.0),
                                 "tsodyks");
  const PlasticRun r = run_model(m, "tsodyks", 2, "u", "x");
  ASSERT_EQ(r.edges.weight.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(r.edges.weight[k], 40.0) << "short-term plasticity leaves the weight itself alone";
    auto pre = train(r.spikes, 0, r.edges.source[k]);
    std::erase_if(pre, [&](double t) { return t + delay > 1000.0 + 1e-9; });
    ASSERT_GT(pre.size(), 10u);
    // NEST 3.9's tsodyks2 recurrence: the first spike leaves u = U, x = 1.
    double u = U, x = 1.0, last = -1.0;
    for (double t : pre) {
      if (last >= 0.0) {
        const double h = t + delay - last;
        x = 1.0 + (x - x * u - 1.0) * std::exp(-h / tau_rec);
        u = U + u * (1.0 - U) * std::exp(-h / tau_fac);
      }
      last = t + delay;
    }
    EXPECT_NEAR(r.edges.a[k], u, 1e-12 * u) << "u of synapse " << k;
    EXPECT_NEAR(r.edges.b[k], x, 1e-12 * x) << "x of synapse " << k;
  }
}

TEST(Plasticity, BadSynapseParametersAreInputErrors) {
  const auto expect_error = [](const std::string& model, const std::string& params, const std::string& what) {
    try {
      test::model_from(network(model, params, 1.0, 10.0), "bad");
      ADD_FAILURE() << "accepted " << model << " { " << params << " }";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_error("stdp_synapse", "Wmax = 30.0", "Wmax");             // weights are 40
  expect_error("stdp_synapse", "tau_plus = -1.0", "tau_plus");
  expect_error("stdp_synapse", "tau_rec = 100.0", "tau_rec");      // not an STDP parameter
  expect_error("tsodyks2_synapse", "U = 1.5", "U");
  expect_error("hebbian_synapse", "lambda = 0.1", "synapse_model");
  expect_error("static_synapse", "lambda = 0.1", "synapse");
  expect_error("stdp_dopamine_synapse", "b = 0.1", "modulator");  // no third factor given
  expect_error("stdp_synapse", "lambda = 0.1 }\nmodulator = { population = \"pre\"", "modulator");
  expect_error("stdp_dopamine_synapse", "b = 0.1 }\nmodulator = { times = [5.0, 1.0], values = [1.0, 2.0]", "times");
  expect_error("stdp_dopamine_synapse", "b = 0.1 }\nmodulator = { population = \"nope\"", "population");
  expect_error("tsodyks2_synapse", "U = 0.5 }\nscaling = { target_rate = 5.0, beta = 0.1", "scaling");
  // The delay convention: a known name, only for pair rules, and an axonal
  // part that leaves the dendritic one at least a step (the delay is 1 ms).
  expect_error("stdp_synapse", "lambda = 0.01 }\ndelay_convention = \"sideways\"\n#", "delay_convention");
  expect_error("tsodyks2_synapse", "U = 0.5 }\ndelay_convention = \"axonal\"\n#", "delay_convention");
  expect_error("stdp_synapse", "axonal_delay = 1.0", "axonal_delay");
  expect_error("stdp_synapse", "axonal_delay = -0.5", "axonal_delay");
  expect_error("stdp_synapse", "axonal_delay = 0.5 }\ndelay_convention = \"axonal\"\n#", "axonal_delay");
  expect_error("stdp_synapse", "lambda = 0.1 }\nscaling = { target_rate = 5.0, beta = -1.0", "beta");
  expect_error("stdp_synapse", "lambda = 0.1 }\nscaling = { target_rate = 5.0", "beta");
}
