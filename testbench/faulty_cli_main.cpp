// Test only: `systolic` with a co-simulation model that injects a fault into host_rdata_o from the
// rising edge given by SYSTOLIC_FAULT_EDGE (testbench/test_cli_trace.sh checks the CLI's mismatch
// path end to end: the error line, the traced re-run in a child process, the waves). The product
// binary has no such hook; this one only substitutes the model through CliHooks.
#include <cstdlib>

#include "commands.h"
#include "faulty_model_sc.h"

int main(int argc, char** argv) {
  const char* edge = std::getenv("SYSTOLIC_FAULT_EDGE");
  systolic::cli::CliHooks hooks;
  hooks.make_cosim_model =
      systolic::test::faulty_model(edge ? std::strtoull(edge, nullptr, 10) : 1);
  return systolic::cli::cli_main(argc, argv, hooks);
}
