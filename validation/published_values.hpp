#pragma once
// A reference that is not a spike report but published numbers: the mean
// of a statistic per population, with its source, in a small TOML file:
//
//   source = "Potjans & Diesmann 2014, Cereb. Cortex 24:785, Fig. 6"
//   [populations.L23E]
//   rate = 0.92        # Hz, population mean (silent neurons included)
//   cv_isi = 0.19
//
// `myelin validate RUN --reference FILE.toml --mode stats` compares the
// run's means with these, by relative deviation.
#include <map>
#include <string>

namespace myelin {

struct PublishedValues {
  std::string source;  ///< where the numbers come from (required)
  /// population -> statistic (rate, cv_isi, fano, correlation) -> mean
  std::map<std::string, std::map<std::string, double>> means;
};

/// Reads FILE; an InputError naming the file and key for anything else
/// (unknown statistics, non-numbers, no populations, no source).
PublishedValues read_published_values(const std::string& path);

}  // namespace myelin
