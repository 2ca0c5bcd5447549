#include "io/progress_file.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/summary_json.hpp"

namespace myelin {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

void write_progress_file(const std::string& path, const ProgressState& p) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::ostringstream o;
  o << "{\n"
    << "  \"state\": " << json_string(p.state) << ",\n"
    << "  \"model\": " << json_string(p.model) << ",\n"
    << "  \"t_ms\": " << json_number(p.t_ms) << ",\n"
    << "  \"t_start_ms\": " << json_number(p.t_start_ms) << ",\n"
    << "  \"t_stop_ms\": " << json_number(p.t_stop_ms) << ",\n"
    << "  \"real_time_factor\": " << json_number(p.real_time_factor) << ",\n"
    << "  \"eta_s\": " << json_number(p.eta_s) << ",\n"
    << "  \"checkpoint\": " << json_string(p.checkpoint) << ",\n"
    << "  \"message\": " << json_string(p.message) << ",\n"
    << "  \"updated\": " << static_cast<long long>(std::time(nullptr)) << ",\n"
    << "  \"host\": " << json_string(host) << ",\n"
    << "  \"pid\": " << static_cast<long long>(::getpid()) << ",\n"
    << "  \"slurm_job_id\": " << json_string(env("SLURM_JOB_ID")) << ",\n"
    << "  \"slurm_restart_count\": " << json_string(env("SLURM_RESTART_COUNT")) << "\n"
    << "}\n";
  write_text_file(path, o.str());
}

}  // namespace myelin
