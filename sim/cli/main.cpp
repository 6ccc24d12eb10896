// systolic: the command line of the INT8 systolic MAC accelerator project (sim/cli/cli.cpp).
#include "commands.h"

int main(int argc, char** argv) { return systolic::cli::cli_main(argc, argv); }
