// Fuzz target: a model file as a user could write it. Whatever the bytes,
// loading, checking and estimating the memory of the model must end in a
// model or an InputError; any other exception, a crash or a sanitizer
// report is a bug. Built with libFuzzer (fuzz/run.sh, clang) or linked
// with fuzz/replay_main.cpp, which replays a corpus in CTest.
#include <cstddef>
#include <cstdint>
#include <string>

#include "build/memory_estimate.hpp"
#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const myelin::ModelSpec spec = myelin::load_model_text(text, "fuzz.toml");
    // Sizes, in-degrees and delays meet here in products: the estimate
    // must not overflow into a crash, whatever the model asks for.
    for (int ranks : {1, 2, 1024}) (void)myelin::estimate_memory_even(spec, ranks, 64.0 * 1048576.0).peak();
  } catch (const myelin::InputError&) {
    // The expected answer to a bad model.
  }
  return 0;
}
