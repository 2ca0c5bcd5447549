#pragma once
// The subthreshold part of a step that every exponential-PSC LIF model
// shares (iaf_psc_exp, arlif, iaf_psc_exp_ip), NEST's order:
//   1. if not refractory: V <- P22 V + P20 (I_e + I_dc) + P21ex I_ex + P21in I_in
//      else: the refractory count goes down (V stays)
//   2. I_ex <- P11ex I_ex + input_ex;  I_in likewise
// Q is the model's Propagators (same member names); T double or simd::Vec.
namespace myelin {

template <class T>
struct PscExpStep {
  T V1, ref1;  ///< V after the step (before any threshold) and the refractory count
};

template <class T, class Q>
inline PscExpStep<T> psc_exp_step(T V, T ref, T& I_ex, T& I_in, T I_dc, const Q& q, T in_ex, T in_in) {
  const T zero{};
  const T v = q.P22 * V + q.P20 * (q.i_e + I_dc) + q.P21ex * I_ex + q.P21in * I_in;
  PscExpStep<T> r{ref == 0.0 ? v : V, ref == 0.0 ? zero : ref - 1.0};
  I_ex = q.P11ex * I_ex + in_ex;
  I_in = q.P11in * I_in + in_in;
  return r;
}

}  // namespace myelin
