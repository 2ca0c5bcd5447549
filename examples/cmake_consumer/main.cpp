// A balanced E/I network built in C++ (no model file), run on every rank
// of MPI_COMM_WORLD in two pieces with a changed input in between: the
// embeddable API as another program uses it.
//
//   mpirun -np 2 ./balanced_network [threads]
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <myelin/context.hpp>
#include <myelin/error.hpp>
#include <myelin/simulation.hpp>
#include <myelin/version.hpp>

namespace {

myelin::ModelSpec balanced_network() {
  using namespace myelin;
  ModelSpec m;
  m.name = "balanced";
  m.run.dt = 0.1;
  m.run.seed = 42;
  for (auto [name, size] : {std::pair{"E", 4000ull}, std::pair{"I", 1000ull}}) {
    PopulationSpec p;
    p.name = name;
    p.model = "iaf_psc_exp";
    p.size = size;
    p.initial["V_m"] = Value{Value::Kind::uniform, -70.0, -55.0};
    m.populations.push_back(p);
  }
  for (auto [source, weight] : {std::pair{"E", 30.0}, std::pair{"I", -150.0}})
    for (const char* target : {"E", "I"}) {
      ProjectionSpec p;
      p.source = source;
      p.target = target;
      p.rule = Rule::fixed_indegree;
      p.count = std::string(source) == "E" ? 400 : 100;
      p.weight = Value::constant(weight);
      p.delay = Value{Value::Kind::uniform, 0.5, 3.0};
      m.projections.push_back(p);
    }
  StimulusSpec drive;
  drive.name = "drive";
  drive.targets = {"E", "I"};
  drive.rate = 12000.0;
  drive.weight = Value::constant(30.0);
  m.stimuli.push_back(drive);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  myelin::MpiSession mpi(&argc, &argv);
  try {
    const myelin::Context context(MPI_COMM_WORLD, argc > 1 ? std::atoi(argv[1]) : 1);
    myelin::RunOptions options;
    options.write_outputs = false;
    options.progress = false;
    myelin::Simulation sim(balanced_network(), context, options);
    std::uint64_t local_spikes = 0;
    sim.on_spikes([&](std::span<const myelin::Spike> s) { local_spikes += s.size(); });
    sim.run_until(200.0);
    const auto first = sim.spikes();
    sim.set_rate("drive", 6000.0);  // halve the drive from 200 ms on
    sim.clear_spikes();
    sim.run_until(400.0);
    const auto second = sim.spikes();
    const myelin::RunSummary s = sim.finish();
    if (context.rank() == 0) {
      std::printf("myelin %s: %llu neurons, %llu synapses on %d rank(s) x %d thread(s)\n", myelin::version_string,
                  static_cast<unsigned long long>(s.neurons), static_cast<unsigned long long>(s.synapses),
                  context.ranks(), context.threads());
      const auto rate = [](const myelin::SpikeTrains& t, std::size_t p, double n) { return t.times[p].size() / n / 0.2; };
      std::printf("E: %.2f Hz, then %.2f Hz with half the drive\n", rate(first, 0, 4000), rate(second, 0, 4000));
      std::printf("I: %.2f Hz, then %.2f Hz\n", rate(first, 1, 1000), rate(second, 1, 1000));
      std::printf("spikes: %zu + %zu\n", first.times[0].size() + first.times[1].size(),
                  second.times[0].size() + second.times[1].size());
    }
    std::printf("rank %d saw %llu of its own spikes in callbacks\n", context.rank(),
                static_cast<unsigned long long>(local_spikes));
    return 0;
  } catch (const myelin::InputError& e) {
    std::fprintf(stderr, "balanced_network: error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "balanced_network: internal error: %s\n", e.what());
  }
  MPI_Abort(MPI_COMM_WORLD, 1);
}
