// systolic soak: random GEMMs on random built RTL configurations, each run with the model and the
// RTL in lockstep (every output port compared after every edge, sim/cosim/lockstep.h) and its C
// compared with this file's own reference GEMM (int32 sums from the raw operands and zero point,
// gemmlowp's fixed-point primitives for double rounding, the contract's 128-bit formula for single
// rounding: nothing shared with the driver, the model or arith/quant's GEMM). Everything one GEMM
// does is drawn from its own 64-bit seed, so `--replay SEED` runs exactly that GEMM again.
#include <fmt/format.h>
#include <gemmlowp/fixedpoint/fixedpoint.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "dram.h"
#include "engines.h"
#include "host_driver.h"
#include "lockstep.h"
#include "quant.h"
#include "rtl_top.h"
#include "vl_assert.h"

namespace systolic::cli {
namespace q = systolic::quant;
namespace {

struct SoakOpts {
  double minutes = 1;
  uint64_t gemms = 0;  // 0: until --minutes
  uint64_t seed = 0, replay = 0;
  bool seed_set = false, replay_set = false;
  std::string json_path;
  bool quiet = false;
};
SoakOpts g_soak;

// splitmix64: the seed of GEMM i from the soak's seed.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// One drawn GEMM: the configuration, the job's raw operands and how it runs.
struct Draw {
  model::TopParams p;
  std::string config;
  int M = 0, N = 0, K = 0;
  std::vector<int8_t> a, b;
  std::vector<int32_t> bias;  // before folding the input zero point
  int32_t zp_in = 0;
  q::Precision precision = q::Precision::kInt8;  // w4a4 or w4a8 on dual-mode builds, sometimes
  q::GemmQuant qt;
  bool memory = false;
  sim::DramConfig dram;
  uint32_t misalign = 0;
  bool os = false;  // output-stationary host-port commands (builds with Dataflow 2 or 3)
  sim::HostDriver::Bases bases;  // host-port commands: the operands' scratchpad words
};

template <class T>
T uniform(std::mt19937_64& g, T lo, T hi) {
  return std::uniform_int_distribution<T>(lo, hi)(g);
}

Draw draw(uint64_t seed, const std::vector<model::TopParams>& params,
          const std::vector<std::string>& names) {
  std::mt19937_64 g(seed);
  Draw d;
  const size_t ci = uniform<size_t>(g, 0, params.size() - 1);
  d.p = params[ci];
  d.config = names[ci];
  const int R = d.p.Rows, C = d.p.Cols;
  // Shapes: remainders against the array in every dimension, sometimes several M-blocks or N
  // tiles, sometimes a K beyond the array; MACs kept to a few million so that a GEMM stays short.
  auto dim = [&](int tile, int big) {
    switch (uniform(g, 0, 3)) {
      case 0:
        return uniform(g, 1, tile);  // inside one tile
      case 1:
        return std::max(1, tile * uniform(g, 1, 3) + uniform(g, -1, 1));  // at a boundary
      case 2:
        return uniform(g, 1, 4 * tile);
      default:
        return uniform(g, 1, big);
    }
  };
  d.M = std::max(1, dim(R, std::max(64, d.p.AccWords + 8)));
  d.N = std::max(1, dim(C, 4 * C + 3));
  d.K = std::max(1, dim(R, 600));
  while (int64_t(d.M) * d.N * d.K > 3'000'000) d.M = std::max(1, d.M / 2);
  // Memory commands only where they can run at all (docs/architecture.md, "Memory commands":
  // each half of every scratchpad holds one row of one K-tile, so the engine refuses a command on
  // smaller scratchpads, error 1); a refusal is still counted as one, never a mismatch.
  const bool can_memory = d.p.AWords >= 2 && d.p.BWords >= 2 * R && d.p.CWords >= 2 &&
                          d.p.QWords >= 2 &&
                          d.p.Dataflow != 2;  // an OS-only build refuses memory commands (error 4)
  d.memory = uniform(g, 0, 1) == 1 && can_memory;
  if (!d.memory) {
    // Host-port commands: K must fit the B scratchpad (plan_split); shrink it until it does.
    while (d.K > 1) {
      try {
        sim::plan_split(d.p, d.M, d.N, d.K);
        break;
      } catch (const std::invalid_argument&) {
        d.K = std::max(1, d.K / 2);
      }
    }
  }
  d.a.resize(size_t(d.M) * d.K);
  d.b.resize(size_t(d.K) * d.N);
  const int amax = uniform(g, 0, 3) == 0 ? 3 : 127;  // sometimes small values: fewer wraps, ties
  for (auto& v : d.a) v = int8_t(uniform(g, -amax - (amax == 127), amax));
  for (auto& v : d.b) v = int8_t(uniform(g, -128, 127));
  d.zp_in = uniform(g, -128, 127);
  d.bias.resize(size_t(d.N));
  const int32_t bias_mag = uniform(g, 0, 4) == 0 ? INT32_MAX : (1 << 16);
  for (auto& v : d.bias) v = uniform<int32_t>(g, -bias_mag, bias_mag);
  // Per-column or broadcast multipliers; exponents mostly where real layers put them, sometimes
  // at the ends of the range; M0 mostly normalised (>= 2^30), sometimes anything.
  const int qn = uniform(g, 0, 1) ? d.N : 1;
  for (int j = 0; j < qn; ++j) {
    d.qt.m0.push_back(uniform(g, 0, 3) == 0 ? uniform<int32_t>(g, 0, INT32_MAX)
                                            : uniform<int32_t>(g, 1 << 30, INT32_MAX));
    d.qt.shift.push_back(uniform(g, 0, 5) == 0 ? uniform(g, q::kMinShift, q::kMaxShift)
                                               : uniform(g, -20, 0));
  }
  d.qt.zp_out = uniform(g, -128, 127);
  d.qt.act_min = uniform(g, 0, 2) == 0 ? uniform(g, -128, 127) : -128;
  d.qt.act_max = uniform(g, 0, 2) == 0 ? uniform(g, d.qt.act_min, 127) : 127;
  d.qt.rounding = uniform(g, 0, 1) ? q::Rounding::kSingle : q::Rounding::kDouble;
  if (d.memory) {
    const double bws[] = {0, 1, 3, 4, 8, 16, 32, 64};
    d.dram.bytes_per_cycle = bws[uniform(g, 0, 7)];
    d.dram.latency = uniform(g, 1, 200);
    d.dram.outstanding = uniform(g, 0, 2) == 0 ? uniform(g, 1, 4) : uniform(g, 8, 128);
    d.dram.stall = uniform(g, 0, 2) == 0 ? 0.0 : double(uniform(g, 1, 60)) / 100;
    d.dram.seed = mix(seed);
    d.misalign = uniform<uint32_t>(g, 0, 63);
  }
  // A third of the GEMMs on dual-mode builds (Int4 = 1) run in w4a4: A, B and zp_in redrawn in
  // [-8, 7]. Drawn last, so that every other draw is what it was before 4-bit modes.
  if (d.p.Int4 == 1 && uniform(g, 0, 2) == 0) {
    d.precision = q::Precision::kW4A4;
    for (auto& v : d.a) v = int8_t(uniform(g, -8, 7));
    for (auto& v : d.b) v = int8_t(uniform(g, -8, 7));
    d.zp_in = uniform(g, -8, 7);
  } else if (d.p.Int4 == 1 && uniform(g, 0, 1) == 0) {
    // A third in w4a8, B redrawn in [-8, 7]: memory commands, or host-port commands when the A
    // word pairs fit (two A words per K-tile of a row).
    try {
      if (!d.memory) {
        sim::plan_split(d.p, d.M, d.N, q::engine_k(d.K, q::Precision::kW4A8), q::Precision::kW4A8);
      }
      d.precision = q::Precision::kW4A8;
      for (auto& v : d.b) v = int8_t(uniform(g, -8, 7));
    } catch (const std::invalid_argument&) {
      // stays int8
    }
  }
  // Output-stationary: every host-port GEMM of an OS-only build, half of them with both
  // dataflows (Dataflow 3), when its K-major A tiles fit. Drawn last, as above. An OS-only build
  // runs nothing else: there K shrinks (A and B redrawn) until a tile fits.
  if (!d.memory && d.p.Dataflow >= 2 && (d.p.Dataflow == 2 || uniform(g, 0, 1) == 0)) {
    for (;;) {
      try {
        sim::plan_split(d.p, d.M, d.N, q::engine_k(d.K, d.precision), d.precision, true);
        d.os = true;
        break;
      } catch (const std::invalid_argument&) {
        if (d.p.Dataflow != 2 || d.K == 1) break;  // both: stays weight-stationary
        d.K = std::max(1, d.K / 2);
        d.a.resize(size_t(d.M) * d.K);
        d.b.resize(size_t(d.K) * d.N);
        d.bias.resize(size_t(d.N));
      }
    }
  }
  // Host-port GEMMs at random scratchpad bases up to half of each scratchpad (an even A base: w4a8
  // ignores A_BASE bit 0), when a command still fits above them (else at word 0; the rest of the
  // suite runs word 0). Drawn last, as above.
  if (!d.memory) {
    auto base = [&](int words) { return uint32_t(uniform(g, 0, words / 2)); };
    sim::HostDriver::Bases b{base(d.p.AWords) & ~1u, base(d.p.BWords), base(d.p.CWords),
                             base(d.p.QWords)};
    try {
      sim::plan_split(sim::room_above(d.p, b), d.M, d.N, q::engine_k(d.K, d.precision), d.precision,
                      d.os);
      d.bases = b;
    } catch (const std::invalid_argument&) {
      // at word 0
    }
  }
  return d;
}

// The soak's own reference: C[m][n] = clamp(MBQM(sum_k (A[m][k] - zp_in) B[k][n] + bias[n])
// + zp_out), the sum wrapping in int32.
std::vector<int8_t> reference(const Draw& d) {
  std::vector<int8_t> c(size_t(d.M) * d.N);
  for (int j = 0; j < d.N; ++j) {
    const int32_t m0 = d.qt.m0.size() == 1 ? d.qt.m0[0] : d.qt.m0[size_t(j)];
    const int shift = d.qt.shift.size() == 1 ? d.qt.shift[0] : d.qt.shift[size_t(j)];
    for (int i = 0; i < d.M; ++i) {
      int64_t s = d.bias[size_t(j)];
      for (int k = 0; k < d.K; ++k)
        s += (int64_t(d.a[size_t(i) * d.K + k]) - d.zp_in) * d.b[size_t(k) * d.N + j];
      const auto acc = int32_t(uint32_t(uint64_t(s)));
      int64_t y;
      if (d.qt.rounding == q::Rounding::kDouble) {
        const int left = std::max(shift, 0), right = std::max(-shift, 0);
        const auto x = int32_t(uint32_t(acc) << left);
        y = gemmlowp::RoundingDivideByPOT(gemmlowp::SaturatingRoundingDoublingHighMul(x, m0),
                                          right);
      } else {
        const int t = 31 - shift;
        y = int64_t((__int128(acc) * m0 + (__int128(1) << (t - 1))) >> t);
      }
      y += d.qt.zp_out;
      c[size_t(i) * d.N + j] = int8_t(std::clamp<int64_t>(y, d.qt.act_min, d.qt.act_max));
    }
  }
  return c;
}

struct Outcome {
  bool ok = true;
  std::string what;  // the first difference
  uint64_t cycles = 0;
  int commands = 0;  // engine commands the driver issued
  bool refused = false;
};

Outcome run_one(const Draw& d, const CliHooks& hooks) {
  Outcome r;
  sim::GemmJob job;
  job.M = d.M;
  job.N = d.N;
  job.K = d.K;
  job.a = d.a;
  job.b = d.b;
  job.bias = q::fold_bias(d.bias, d.b, d.K, d.N, d.zp_in);
  job.q = d.qt;
  job.precision = d.precision;
  job.os = d.os;
  std::unique_ptr<sim::HostPort> model = sim::make_engine("model", d.p);
  if (hooks.wrap_soak_model) model = hooks.wrap_soak_model(std::move(model));
  std::unique_ptr<sim::HostPort> port =
      std::make_unique<sim::LockstepPort>(std::move(model), sim::make_engine("rtl", d.p));
  if (hooks.wrap_soak_engine) port = hooks.wrap_soak_engine(std::move(port));
  sim::RunStats stats;
  std::vector<int8_t> c;
  try {
    if (d.memory) {
      sim::Dram dram(d.dram, 1 << d.p.MemBytesLog2);
      sim::DramPort dport(*port, dram);
      sim::HostDriver drv(dport);
      drv.set_memory(&dram, d.misalign);
      c = drv.run(job, stats);
    } else {
      sim::HostDriver drv(*port);
      drv.set_bases(d.bases);
      c = drv.run(job, stats);
    }
  } catch (const sim::Mismatch& e) {
    return {false, e.what(), e.cycle};
  } catch (const sim::RtlAssertion& e) {
    return {false, std::string("RTL assertion: ") + e.what(), port->cycles()};
  } catch (const sim::CommandRefused& e) {
    // Both sides refused a memory command (the lockstep compared them up to the refusal): the
    // draw asked for more than the configuration's scratchpads can block, not a mismatch.
    Outcome f{false, e.what(), port->cycles()};
    f.refused = true;
    return f;
  } catch (const std::runtime_error& e) {  // a memory write outside C, a timeout
    return {false, e.what(), port->cycles()};
  }
  r.cycles = port->cycles();
  r.commands = stats.commands;
  if (!stats.reference || stats.reference->busy != stats.engine.busy) {
    return {false, "the two sides' CYC_BUSY differ", r.cycles};
  }
  // Every MAC counted once: w4a4 and w4a8 count two per PE product, K rounded up to even. (A
  // 4-bit run that fell back to int8 computes the same C; with an odd K its MACS give it away.
  // The engine tests check the cycles of the packed K.)
  const uint64_t k_counted =
      d.precision != q::Precision::kInt8 ? uint64_t(d.K + 1) / 2 * 2 : uint64_t(d.K);
  if (stats.engine.macs != uint64_t(d.M) * uint64_t(d.N) * k_counted) {
    return {
        false,
        fmt::format("MACS {} for M x N x K = {} x {} x {}", stats.engine.macs, d.M, d.N, k_counted),
        r.cycles};
  }
  const std::vector<int8_t> ref = reference(d);
  for (size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] != c[i]) {
      r.ok = false;
      r.what = fmt::format("C[{}][{}] = {}, the reference {}", i / size_t(d.N), i % size_t(d.N),
                           int(c[i]), int(ref[i]));
      break;
    }
  }
  return r;
}

std::string describe(uint64_t seed, const Draw& d) {
  std::string s = fmt::format(
      "seed {} config {} M={} N={} K={} {} {} zp_in={} zp_out={} clamp=[{},{}]"
      " {}",
      seed, d.config, d.M, d.N, d.K, q::precision_name(d.precision), q::to_string(d.qt.rounding),
      d.zp_in, d.qt.zp_out, d.qt.act_min, d.qt.act_max,
      d.qt.m0.size() == 1 ? "broadcast-q" : "per-column-q");
  if (d.memory) {
    s += fmt::format(
        " memory bw={} lat={} out={} stall={} misalign={}",
        d.dram.unlimited() ? std::string("inf") : fmt::format("{}", d.dram.bytes_per_cycle),
        d.dram.latency, d.dram.outstanding, d.dram.stall, d.misalign);
  } else {
    s += fmt::format(" bases A {} B {} C {} Q {}", d.bases.a, d.bases.b, d.bases.c, d.bases.q);
    s += d.os ? " host os" : " host";
  }
  return s;
}

// How a GEMM ended, as its log line says it.
std::string verdict(const Outcome& r) {
  if (r.ok) return fmt::format("ok, {} commands, {} cycles", r.commands, r.cycles);
  return (r.refused ? "refused by both sides: " : "MISMATCH: ") + r.what;
}

void soak(const SoakOpts& o, const CliHooks& hooks) {
  const std::vector<model::TopParams> params = sim::top_rtl_params();
  const std::vector<std::string> names = sim::top_rtl_configs();
  if (params.empty()) throw UserError("soak: no RTL configuration is built");

  if (o.replay_set) {
    const Draw d = draw(o.replay, params, names);
    const Outcome r = run_one(d, hooks);
    fmt::print("{} : {}\n", describe(o.replay, d), verdict(r));
    if (!r.ok && !r.refused) throw UserError(fmt::format("soak: seed {}: {}", o.replay, r.what));
    return;
  }
  const uint64_t seed = o.seed_set ? o.seed : std::random_device{}();
  fmt::print("soak: seed {} over {} built configurations; replay one GEMM with --replay SEED\n",
             seed, params.size());
  std::fflush(stdout);
  const auto t0 = std::chrono::steady_clock::now();
  const auto budget = std::chrono::duration<double>(o.minutes * 60);
  uint64_t n = 0, cycles = 0, multi = 0, memory = 0, refused = 0, w4a4 = 0, w4a8 = 0, os_gemms = 0;
  std::vector<uint64_t> failed;
  std::map<std::string, uint64_t> per_config;
  nlohmann::json failures = nlohmann::json::array();
  while ((o.gemms == 0 || n < o.gemms) &&
         (o.gemms != 0 || std::chrono::steady_clock::now() - t0 < budget)) {
    const uint64_t s = mix(seed ^ mix(n));
    const Draw d = draw(s, params, names);
    const Outcome r = run_one(d, hooks);
    ++n;
    cycles += r.cycles;
    ++per_config[d.config];
    multi += r.commands > 1;
    memory += d.memory;
    w4a4 += d.precision == q::Precision::kW4A4;
    w4a8 += d.precision == q::Precision::kW4A8;
    os_gemms += d.os;
    refused += r.refused;
    if (!o.quiet || (!r.ok && !r.refused)) {
      fmt::print("gemm {} {} : {}\n", n, describe(s, d), verdict(r));
      std::fflush(stdout);
    }
    if (!r.ok && !r.refused) {
      failed.push_back(s);
      failures.push_back({{"seed", s}, {"config", d.config}, {"what", r.what}});
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("soak: {} GEMMs on {} configurations, {} cycles in {:.1f} s, {} mismatches{}\n", n,
             per_config.size(), cycles, secs, failed.size(),
             refused ? fmt::format(", {} refused memory commands", refused) : "");
  if (!o.json_path.empty()) {
    nlohmann::json j;
    j["seed"] = seed;
    j["gemms"] = n;
    j["configurations"] = per_config.size();
    j["gemms_per_configuration"] = per_config;
    j["mismatches"] = failed.size();
    j["failed_seeds"] = failed;
    j["failures"] = failures;
    j["multi_command_gemms"] = multi;
    j["memory_command_gemms"] = memory;
    j["w4a4_gemms"] = w4a4;
    j["w4a8_gemms"] = w4a8;
    j["os_gemms"] = os_gemms;
    j["refused"] = refused;
    j["cycles"] = cycles;
    j["seconds"] = secs;
    write_output(o.json_path, j.dump(2) + "\n");
  }
  if (!failed.empty()) {
    throw UserError(fmt::format("soak: {} of {} GEMMs mismatched; replay with --replay {}",
                                failed.size(), n, failed.front()));
  }
}

}  // namespace

void add_soak_command(CLI::App& app, const CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand(
      "soak",
      "Random GEMMs on the built RTL configurations, model and RTL in lockstep, C against an "
      "independent reference; every GEMM's seed is printed");
  SoakOpts& o = g_soak;
  cmd->add_option("--minutes", o.minutes, "How long to run (unless --gemms is given)")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 100000.0));
  cmd->add_option("--gemms", o.gemms, "Stop after this many GEMMs (instead of --minutes)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  CLI::Option* seed =
      cmd->add_option("--seed", o.seed, "The soak's seed (default: a random one, printed)")
          ->check(seed_validator());
  CLI::Option* replay =
      cmd->add_option("--replay", o.replay, "Run only the GEMM with this seed (from the log)")
          ->check(seed_validator());
  cmd->add_option("--json", o.json_path,
                  "Write gemms, configurations, mismatches, failed_seeds and more to FILE");
  cmd->add_flag("--quiet", o.quiet, "Print only mismatching GEMMs and the summary");
  cmd->callback([&o, &ctx, seed, replay] {
    o.seed_set = seed->count() > 0;
    o.replay_set = replay->count() > 0;
    soak(o, ctx.hooks);
  });
}

}  // namespace systolic::cli
