// Coverage builds (cmake -DSYSTOLIC_COVERAGE=ON, scripts/coverage.sh): every verilated model is
// verilated with --coverage (line, toggle and the RTL's SYS_COVER points), and VlDut hands its
// context's counts to coverage_collect() before the model goes away. The counts of every model of
// one configuration add up in this process and are written at exit, one file per configuration,
// to $SYSTOLIC_COVERAGE_DIR/<model>-<pid>.dat (Verilator's coverage.dat format, merged by
// verilator_coverage). Without SYSTOLIC_COVERAGE_DIR nothing is written.
#pragma once

#include <verilated.h>

namespace systolic::sim {

void coverage_collect(VerilatedContext& ctx, const char* model);

}  // namespace systolic::sim
