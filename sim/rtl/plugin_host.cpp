// Linked into the programs that can load RTL plug-ins (sim/rtl/rtl_cache.h): they export their
// symbols and carry Verilator's runtime and the assertion hooks whole.
extern "C" __attribute__((visibility("default"))) const int systolic_rtl_plugin_host = 1;
