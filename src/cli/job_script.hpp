#pragma once
// Batch scripts for `myelin submit`: a template with {{placeholders}},
// filled in and checked. The default template and the run block (launch,
// checkpoint, requeue, resume) come from jobs/templates/, built into the
// executable so that an installed myelin needs no data files.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace myelin::cli {

/// jobs/templates/default.sbatch and jobs/templates/run-block.sh.
const std::string& default_job_template();
const std::string& job_run_block();

/// Placeholders a template must hold; the others it may.
inline const std::vector<std::string> required_placeholders = {"directives", "run"};

/// `text` with every {{name}} replaced by values.at(name). InputError
/// naming `origin` for a placeholder not in `values`, or a missing
/// required one when `required` is given.
std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values,
                          const std::string& origin, const std::vector<std::string>& required = {});

/// One word for bash: quoted when it needs to be.
std::string shell_quote(const std::string& word);

/// A JSON file a run or its job writes (summary.json, progress.json,
/// job.json); an empty object when it is missing or not JSON, so that a
/// run that has not written it yet reads as one that says nothing.
nlohmann::json read_json(const std::filesystem::path& path);

/// Slurm's time formats (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S) in seconds;
/// -1 when `text` is none of them.
long long slurm_seconds(const std::string& text);
/// Seconds as Slurm's D-HH:MM:SS (HH:MM:SS under a day).
std::string slurm_time(long long seconds);

}  // namespace myelin::cli
