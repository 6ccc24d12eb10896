// Running external programs without a shell: posix_spawnp with an argument vector, so no
// argument is ever parsed by /bin/sh (Yosys for the area cache, the traced re-run of a
// co-simulation mismatch).
#pragma once

#include <string>
#include <vector>

namespace systolic::base {

struct ProcessResult {
  int status = 0;   // exit status, or 128 + the signal that ended it
  std::string out;  // standard output (when captured)
  std::string err;  // standard error (when captured)
};

enum class Output { kCapture, kDiscard };

// Runs argv[0] (looked up in PATH when it has no '/') with the arguments argv, standard input
// from /dev/null, and waits for it. Throws std::runtime_error with one line when the program
// cannot be started (for instance, not installed).
ProcessResult run_process(const std::vector<std::string>& argv, Output out = Output::kCapture,
                          Output err = Output::kDiscard);

// This program's own path (/proc/self/exe), for re-running it.
std::string self_exe();

}  // namespace systolic::base
