#pragma once
// Portable SIMD for the neuron update: GCC/Clang vector extensions. A
// model's step is written once as a template over T = double or Vec, with
// selects as `mask ? a : b`; Vec is two doubles (SSE2) or four (AVX). Same operations per lane, so results
// are bit-identical to the scalar path.
#include <cstring>

namespace myelin::simd {

// The native width: GCC lowers wider vectors through memory, which measured
// slower than scalar code.
#if defined(__AVX__)
inline constexpr std::size_t width = 4;
#else
inline constexpr std::size_t width = 2;
#endif
using Vec = double __attribute__((vector_size(width * sizeof(double))));

[[gnu::always_inline]] inline Vec load(const double* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store(double* p, Vec v) { std::memcpy(p, &v, sizeof v); }

}  // namespace myelin::simd
