#pragma once
// Sampling a model Value (constant, normal, clipped normal, uniform) from a
// keyed stream. Constants draw nothing, so adding a constant field to a
// model never shifts the random numbers of the others.
#include "core/rng.hpp"
#include "myelin/model_spec.hpp"

namespace myelin {

inline double sample(const Value& v, Stream& s) {
  switch (v.kind) {
    case Value::Kind::constant:
      return v.a;
    case Value::Kind::uniform:
      return v.a + (v.b - v.a) * s.uniform53();
    case Value::Kind::normal: {
      // Redraw outside [min, max] (NEST's normal_clipped). The loader rejects
      // bounds that leave almost no mass, so this loop terminates quickly.
      for (;;) {
        const double x = v.a + v.b * s.normal();
        if (x >= v.min && x <= v.max) return x;
      }
    }
  }
  return v.a;
}

}  // namespace myelin
