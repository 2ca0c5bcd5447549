#pragma once
// `myelin validate --mode stats`: the per-population statistics of the
// Potjans-Diesmann reference analysis (Dasbach et al. 2021) and of
// NetworkUnit (Gutzen et al. 2018) -- firing rates, ISI CVs, Fano factors
// and pairwise spike-count correlations -- and how two samples of one
// statistic are compared: the two-sample Kolmogorov-Smirnov distance (with
// its asymptotic p-value) and the effect size (Cohen's d).
#include <cstdint>
#include <string>
#include <vector>

#include "io/spike_report.hpp"

namespace myelin {

struct StatsOptions {
  double t_start = 0.0, t_stop = 0.0;  ///< ms: the window analysed
  double bin = 5.0;                    ///< ms, for correlations
  double fano_bin = 100.0;             ///< ms, for Fano factors
  std::size_t max_neurons = 100;       ///< neurons (the first active ones) entering correlations
};

/// Distributions over the neurons (or pairs) of one population.
struct PopulationStatistics {
  std::vector<double> rate;         ///< Hz, every neuron (silent ones too)
  std::vector<double> cv;           ///< ISI CV, neurons with >= 3 spikes
  std::vector<double> fano;         ///< spike-count Fano factor, active neurons
  std::vector<double> correlation;  ///< Pearson r of binned counts, pairs of active neurons
};

/// `neurons`: the population's size (node ids 0 .. neurons - 1).
PopulationStatistics population_statistics(const PopulationSpikes& p, std::uint64_t neurons, const StatsOptions& o);

struct SampleComparison {
  double ks = 0.0, p = 1.0;  ///< KS distance and its asymptotic p-value
  double effect = 0.0;       ///< Cohen's d: (mean_run - mean_ref) / pooled sd
  double mean_run = 0.0, mean_ref = 0.0;
  std::size_t n_run = 0, n_ref = 0;
};

SampleComparison compare_samples(const std::vector<double>& run, const std::vector<double>& reference);

}  // namespace myelin
