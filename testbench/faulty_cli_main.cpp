// Test only: `systolic` with planted faults that the product binary has no hook for; it only
// substitutes parts through CliHooks.
//   - a co-simulation model that injects a fault into host_rdata_o from the rising edge given by
//     SYSTOLIC_FAULT_EDGE (testbench/test_cli_trace.sh checks the CLI's mismatch path end to end:
//     the error line, the traced re-run in a child process, the waves);
//   - the soak's faults of faulty_port.h, chosen by SYSTOLIC_SOAK_FAULT (test_cli_soak.sh).
#include <cstdlib>
#include <cstring>

#include "commands.h"
#include "faulty_model_sc.h"
#include "faulty_port.h"

int main(int argc, char** argv) {
  const char* edge = std::getenv("SYSTOLIC_FAULT_EDGE");
  systolic::cli::CliHooks hooks;
  hooks.make_cosim_model =
      systolic::test::faulty_model(edge ? std::strtoull(edge, nullptr, 10) : 1);
  // `soak` (testbench/test_cli_soak.sh): SYSTOLIC_SOAK_FAULT=model or c-read, on 4x4 only.
  const char* soak = std::getenv("SYSTOLIC_SOAK_FAULT");
  if (soak && std::strcmp(soak, "model") == 0) {
    hooks.wrap_soak_model = systolic::test::faulty_port(systolic::test::PortFault::kModelRdata);
  } else if (soak && std::strcmp(soak, "c-read") == 0) {
    hooks.wrap_soak_engine = systolic::test::faulty_port(systolic::test::PortFault::kCRead);
  }
  return systolic::cli::cli_main(argc, argv, hooks);
}
