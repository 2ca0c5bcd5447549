#include "validation/spike_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace myelin {
namespace {

double mean(const std::vector<double>& x) {
  return x.empty() ? 0.0 : std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double variance(const std::vector<double>& x) {
  if (x.size() < 2) return 0.0;
  const double m = mean(x);
  double s = 0.0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size() - 1);
}

/// Kolmogorov's Q_KS(lambda) = 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2).
double q_ks(double lambda) {
  if (lambda < 1e-3) return 1.0;
  double sum = 0.0, sign = 1.0;
  for (int k = 1; k <= 100; ++k) {
    const double term = sign * std::exp(-2.0 * k * k * lambda * lambda);
    sum += term;
    if (std::abs(term) < 1e-12) break;
    sign = -sign;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

}  // namespace

PopulationStatistics population_statistics(const PopulationSpikes& p, std::uint64_t neurons, const StatsOptions& o) {
  PopulationStatistics s;
  std::vector<std::vector<double>> t(neurons);
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p.node_ids[i] < neurons && p.timestamps[i] >= o.t_start && p.timestamps[i] < o.t_stop)
      t[p.node_ids[i]].push_back(p.timestamps[i]);
  const double T = o.t_stop - o.t_start;
  const auto bins = [&](double width) { return static_cast<std::size_t>(std::floor(T / width)); };
  const auto counts = [&](const std::vector<double>& times, double width) {
    std::vector<double> c(bins(width), 0.0);
    for (double x : times) {
      const auto b = static_cast<std::size_t>((x - o.t_start) / width);
      if (b < c.size()) c[b] += 1.0;
    }
    return c;
  };
  std::vector<std::vector<double>> active;
  for (std::uint64_t n = 0; n < neurons; ++n) {
    auto& x = t[n];
    std::sort(x.begin(), x.end());
    s.rate.push_back(static_cast<double>(x.size()) / (T * 1e-3));
    if (x.size() >= 3) {
      std::vector<double> isi;
      for (std::size_t i = 1; i < x.size(); ++i) isi.push_back(x[i] - x[i - 1]);
      const double m = mean(isi);
      if (m > 0) s.cv.push_back(std::sqrt(variance(isi)) / m);
    }
    if (!x.empty()) {
      const auto c = counts(x, o.fano_bin);
      const double m = mean(c);
      if (c.size() >= 2 && m > 0) s.fano.push_back(variance(c) / m);
      if (active.size() < o.max_neurons) {
        auto cb = counts(x, o.bin);
        if (variance(cb) > 0) active.push_back(std::move(cb));
      }
    }
  }
  for (std::size_t i = 0; i < active.size(); ++i)
    for (std::size_t j = i + 1; j < active.size(); ++j) {
      const double mi = mean(active[i]), mj = mean(active[j]);
      double sij = 0, sii = 0, sjj = 0;
      for (std::size_t k = 0; k < active[i].size(); ++k) {
        sij += (active[i][k] - mi) * (active[j][k] - mj);
        sii += (active[i][k] - mi) * (active[i][k] - mi);
        sjj += (active[j][k] - mj) * (active[j][k] - mj);
      }
      s.correlation.push_back(sij / std::sqrt(sii * sjj));
    }
  return s;
}

SampleComparison compare_samples(const std::vector<double>& run, const std::vector<double>& reference) {
  SampleComparison c;
  c.n_run = run.size();
  c.n_ref = reference.size();
  c.mean_run = mean(run);
  c.mean_ref = mean(reference);
  if (run.empty() || reference.empty()) {
    c.ks = run.empty() && reference.empty() ? 0.0 : 1.0;
    c.p = run.empty() && reference.empty() ? 1.0 : 0.0;
    return c;
  }
  std::vector<double> a(run), b(reference);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  // The largest distance between the two empirical distribution functions.
  std::size_t i = 0, j = 0;
  double d = 0.0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  c.ks = d;
  const double ne = static_cast<double>(a.size()) * b.size() / (a.size() + b.size());
  c.p = q_ks((std::sqrt(ne) + 0.12 + 0.11 / std::sqrt(ne)) * d);
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  const double pooled = na + nb > 2 ? std::sqrt(((na - 1) * variance(a) + (nb - 1) * variance(b)) / (na + nb - 2)) : 0.0;
  c.effect = pooled > 0 ? (c.mean_run - c.mean_ref) / pooled : (c.mean_run == c.mean_ref ? 0.0 : HUGE_VAL);
  return c;
}

}  // namespace myelin
