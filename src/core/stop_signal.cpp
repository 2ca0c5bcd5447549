#include "core/stop_signal.hpp"

#include <cstring>

namespace myelin {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_stop_signal(int sig) {
  if (received == sig) {
    // Asked twice: the user means it. Default action, now.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  received = sig;
}

}  // namespace

StopSignals::StopSignals() {
  received = 0;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // MPI and file I/O calls are not interrupted
  sigaction(SIGUSR1, &sa, &old_usr1_);
  sigaction(SIGTERM, &sa, &old_term_);
  sigaction(SIGINT, &sa, &old_int_);
}

StopSignals::~StopSignals() {
  sigaction(SIGUSR1, &old_usr1_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGINT, &old_int_, nullptr);
}

int StopSignals::pending() { return received; }

void StopSignals::stop_if_terminated(const char* phase) {
  if (received == SIGTERM || received == SIGINT) throw StoppedBySignal(received, phase);
}

}  // namespace myelin
