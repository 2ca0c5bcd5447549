#pragma once
// Errors a user can act on. Every bad input (model file, command line,
// output directory) becomes an InputError that names where the problem is,
// the offending value and what was expected; the CLI prints it once and
// exits with code 2. Anything else escaping is a bug in myelin.
#include <csignal>
#include <stdexcept>
#include <string>

namespace myelin {

class InputError : public std::runtime_error {
 public:
  /// @param where   file (and line) the value came from, e.g. "brunel.toml:12"
  /// @param field   dotted path of the field, e.g. "projection[2].delay"
  /// @param value   the offending value as the user wrote it
  /// @param expected what would have been accepted
  InputError(std::string where, std::string field, std::string value, std::string expected)
      : std::runtime_error(format(where, field, value, expected)),
        where_(std::move(where)), field_(std::move(field)), value_(std::move(value)), expected_(std::move(expected)) {}

  /// A message that is already complete (e.g. a TOML syntax error with its
  /// own position information).
  explicit InputError(const std::string& message) : std::runtime_error(message) {}

  const std::string& where() const noexcept { return where_; }
  const std::string& field() const noexcept { return field_; }
  /// The same error said of another place: a front end names the library's
  /// option (e.g. "chunk_size") as its user wrote it ("--chunk-size").
  InputError at(std::string where) const {
    if (value_.empty() && expected_.empty() && field_.empty()) return *this;  // a complete message
    return InputError(std::move(where), field_, value_, expected_);
  }

 private:
  static std::string format(const std::string& where, const std::string& field,
                            const std::string& value, const std::string& expected) {
    std::string m = where.empty() ? std::string() : where + ": ";
    if (!field.empty()) m += field;
    if (!value.empty()) m += (field.empty() ? "" : " = ") + value;
    if (!expected.empty()) m += (field.empty() && value.empty() ? "" : ": ") + std::string("expected ") + expected;
    return m;
  }
  std::string where_, field_, value_, expected_;
};

/// SIGTERM arrived while a Simulation was being built: there was nothing
/// to checkpoint yet, so the build stopped (the CLI exits 128 + signal).
class StoppedBySignal : public std::runtime_error {
 public:
  StoppedBySignal(int signal, const std::string& phase)
      : std::runtime_error(std::string("stopped by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + " during the " +
                           phase + "; nothing to checkpoint yet"),
        signal_(signal) {}
  int signal() const noexcept { return signal_; }

 private:
  int signal_;
};

}  // namespace myelin
