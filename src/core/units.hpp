#pragma once
// Quantities in model files: a bare number is in NEST's unit for the field
// (ms, mV, pA, pF, nS, Hz); a string "1.5 ms" or "0.25 nF" names its unit and
// is converted. A unit of the wrong dimension is an error.
#include <optional>
#include <string>

#include "core/fields.hpp"

namespace myelin {

/// The base unit of a dimension, e.g. "ms".
const char* base_unit(Dimension d);

/// Parses "<number> <unit>"; returns the value in the base unit of `d`, or
/// nullopt with `why` set to what was wrong.
std::optional<double> parse_quantity(const std::string& text, Dimension d, std::string* why);

/// A number as a user would write it in a message: 1e+300, not 300 digits
/// (std::to_string's %f).
std::string short_number(double x);

}  // namespace myelin
