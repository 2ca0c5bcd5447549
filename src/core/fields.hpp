#pragma once
// What the loader and recorders need to know about a neuron model's fields:
// names, units, defaults. Kept as plain data so that adding a model means
// one header and one registry line (DESIGN.md).
#include <string>
#include <vector>

namespace myelin {

/// Physical dimension of a parameter; the loader converts "2 ms" or
/// "0.25 nF" to the base unit and rejects a value of the wrong dimension.
enum class Dimension { time, voltage, current, capacitance, conductance, rate, dimensionless };

struct FieldInfo {
  std::string name;
  Dimension dim;
  double default_value;
  std::string help;
};

}  // namespace myelin
