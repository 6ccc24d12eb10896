# RTL configurations: which parameter sets of which modules are verilated.
#
# A configuration is NAME:Param=Value,Param=Value. From each list CMake
#   - checks every value against the limits of rtl/systolic_if.toml (the same limits the RTL
#     checks at elaboration and TopParams::validate() in C++);
#   - verilates the RTL once per configuration into a static library V<top>_<name>[<suffix>];
#   - generates <top><suffix>_configs.h, which lists every configuration with its parameters for
#     C++ as an X-macro (the registries in sim/rtl/ and the tests include it; nobody copies a
#     number by hand).
# The parameter names and defaults come from the generated gen/systolic_if.cmake.

# Each list's cache value "default" stands for the full list when the tests are built
# (SYSTOLIC_BUILD_TESTS, they need every entry) and for what `systolic` itself needs without them:
# the main job's 16x16 array and the demo's requant unit. Any other array configuration is built
# on demand, the first time a command asks for it (docs/build.md, sim/rtl/rtl_cache.h).
set(SYSTOLIC_REQUANT_CONFIGS "default"
    CACHE STRING "requant configurations to verilate: NAME:Param=Value,... separated by ';' \
(default: all below with the tests, else rt_p3)")
set(SYSTOLIC_RTL_CONFIGS "default"
    CACHE STRING "Array configurations to verilate, separated by ';': RowsxCols, optionally with \
systolic_top parameters that differ from SYSTOLIC_TOP_PARAMS, e.g. 8x8:WeightBanks=1,AccWords=64 \
(default: the tests' list with the tests, else 16x16)")
set(SYSTOLIC_TRACE_CONFIGS "default"
    CACHE STRING "Configurations (same syntax as SYSTOLIC_RTL_CONFIGS) also verilated with FST \
tracing, for `systolic run --trace` on the rtl and cosim engines (default: 4x4;8x8;16x16;4x4:Int4=1,Dataflow=3 with the \
tests, else none)")
# requant: each rounding mode, and pipeline depths on both sides of 5 (above 5 the unit adds
# output registers, requant.sv OutRegs).
# The tests' arrays: 2x2 with AccWords = 8 is the only one of 2 columns and of a small
# accumulator buffer, where a one-row M-block's K-tiles need tile_ctrl's h_i hold (the RTL and
# model tests draw M one row past whole M-blocks on it).
if(SYSTOLIC_BUILD_TESTS)
  set(_full_SYSTOLIC_REQUANT_CONFIGS
      "double_p2:Rounding=0,PipeDepth=2;single_p1:Rounding=1,PipeDepth=1;rt_p3:Rounding=2,PipeDepth=3;rt_p5:Rounding=2,PipeDepth=5;rt_p8:Rounding=2,PipeDepth=8")
  set(_full_SYSTOLIC_RTL_CONFIGS
      "4x4;8x8;16x16;8x16:Int4=1;32x32;4x4:WeightBanks=1;8x8:AWords=127,BWords=256,CWords=64,QWords=4,Int4=1,Dataflow=3;4x4:Int4=1,Dataflow=3;2x2:AccWords=8")
  set(_full_SYSTOLIC_TRACE_CONFIGS "4x4;8x8;16x16;4x4:Int4=1,Dataflow=3")
else()
  set(_full_SYSTOLIC_REQUANT_CONFIGS "rt_p3:Rounding=2,PipeDepth=3")
  set(_full_SYSTOLIC_RTL_CONFIGS "16x16")
  set(_full_SYSTOLIC_TRACE_CONFIGS "")
endif()
# A normal variable of the same name hides the cache entry "default".
foreach(var SYSTOLIC_REQUANT_CONFIGS SYSTOLIC_RTL_CONFIGS SYSTOLIC_TRACE_CONFIGS)
  if("${${var}}" STREQUAL "default")
    set(${var} "${_full_${var}}")
  endif()
endforeach()

set(SYSTOLIC_TOP_PARAMS "${SYSTOLIC_TOP_PARAM_DEFAULTS}"
    CACHE STRING "systolic_top parameters besides Rows and Cols, shared by every array configuration")

# The standalone twins' configurations (testbench/test_tile_ctrl.cpp, test_systolic_regs.cpp,
# test_acc_stage.cpp compare each with its C++ twin at its ports): small, and at the corners; with
# the tests also the 4x4 and 16x16 systolic_tops' own blocks (t4x4, t16x16,
# systolic_top_block_config below).
set(SYSTOLIC_TILE_CTRL_CONFIGS
    "r4c4:Rows=4,Cols=4,AccWords=8,RequantDepth=3,WeightBanks=2;r3c7:Rows=3,Cols=7,AccWords=5,RequantDepth=1,WeightBanks=1;r2c2:Rows=2,Cols=2,AccWords=1,RequantDepth=2,WeightBanks=2;r8c16:Rows=8,Cols=16,AccWords=16,RequantDepth=3,WeightBanks=2")
set(SYSTOLIC_SYSTOLIC_REGS_CONFIGS
    "r4c4:Rows=4,Cols=4,MemBytesLog2=4,Int4=1,Dataflow=3;r3c5:Rows=3,Cols=5,MemBytesLog2=3,Int4=0,Dataflow=1;r32c32:Rows=32,Cols=32,MemBytesLog2=6,Int4=1,Dataflow=2")
# os_ctrl: the shortest period (K < 2 Rows - 1) and longer ones, remainders.
set(SYSTOLIC_OS_CTRL_CONFIGS
    "r4c4:Rows=4,Cols=4,RequantDepth=3;r3c7:Rows=3,Cols=7,RequantDepth=1;r2c2:Rows=2,Cols=2,RequantDepth=2;r8c5:Rows=8,Cols=5,RequantDepth=4")
# dma: small scratchpads (blocks), the narrowest and widest beats; r4c8 has more accumulator
# rows than half of C and half of B holds fewer K-tiles of a column than half of Q has words
# (the plan's AccWords / HalfC and HalfB / Rows bounds take effect).
set(SYSTOLIC_DMA_CONFIGS
    "r4c4:Rows=4,Cols=4,AWords=64,BWords=256,CWords=32,QWords=4,AccWords=8,MemBytesLog2=3;r8c16:Rows=8,Cols=16,AWords=128,BWords=512,CWords=64,QWords=6,AccWords=16,MemBytesLog2=6;r3c5:Rows=3,Cols=5,AWords=100,BWords=300,CWords=50,QWords=8,AccWords=4,MemBytesLog2=4;r4c8:Rows=4,Cols=8,AWords=64,BWords=24,CWords=16,QWords=16,AccWords=32,MemBytesLog2=5")
set(SYSTOLIC_ACC_STAGE_CONFIGS
    "r4c4:Rows=4,Cols=4,AccWords=8,RequantDepth=3;r2c2:Rows=2,Cols=2,AccWords=1,RequantDepth=1;r3c5:Rows=3,Cols=5,AccWords=4,RequantDepth=5")

# systolic_split_array_config(ENTRY OUT_ROWS OUT_COLS OUT_OVERRIDES): "RxC[:P=V,...]".
function(systolic_split_array_config cfg out_rows out_cols out_overrides)
  if(NOT cfg MATCHES "^([0-9]+)x([0-9]+)(:([A-Za-z][A-Za-z0-9]*=-?[0-9]+(,[A-Za-z][A-Za-z0-9]*=-?[0-9]+)*))?$")
    message(FATAL_ERROR "SYSTOLIC_RTL_CONFIGS entry '${cfg}' is not RowsxCols[:Param=Value,...], "
                        "e.g. 16x16 or 8x8:WeightBanks=1")
  endif()
  set(${out_rows} ${CMAKE_MATCH_1} PARENT_SCOPE)
  set(${out_cols} ${CMAKE_MATCH_2} PARENT_SCOPE)
  set(${out_overrides} "${CMAKE_MATCH_4}" PARENT_SCOPE)
endfunction()

# "RxC" -> "RxC:Rows=R,Cols=C" for the pe_array configurations (each array size once).
function(systolic_array_configs out)
  set(specs)
  foreach(cfg ${SYSTOLIC_RTL_CONFIGS})
    systolic_split_array_config("${cfg}" r c overrides)
    # Both dataflows: test_pe_array runs WS and OS on every array size.
    list(APPEND specs "${r}x${c}:Rows=${r},Cols=${c},Dataflow=3")
  endforeach()
  list(REMOVE_DUPLICATES specs)
  set(${out} ${specs} PARENT_SCOPE)
endfunction()

# "RxC[:P=V,...]" -> "NAME:Rows=R,Cols=C,<SYSTOLIC_TOP_PARAMS with the overrides>" for the
# systolic_top configurations. NAME is RxC, followed by _<param><value> (lower case) per override.
# An optional second argument names another list of entries (default SYSTOLIC_RTL_CONFIGS).
function(systolic_top_configs out)
  set(entries ${SYSTOLIC_RTL_CONFIGS})
  if(ARGC GREATER 1)
    set(entries ${ARGV1})
  endif()
  set(result)
  foreach(cfg ${entries})
    systolic_split_array_config("${cfg}" r c overrides)
    set(name "${r}x${c}")
    string(REPLACE "," ";" params "${SYSTOLIC_TOP_PARAMS}")
    # Parameters added to the table after a build directory cached SYSTOLIC_TOP_PARAMS take their
    # defaults.
    string(REPLACE "," ";" defaults "${SYSTOLIC_TOP_PARAM_DEFAULTS}")
    foreach(def ${defaults})
      string(REGEX REPLACE "=.*" "" key "${def}")
      if(NOT params MATCHES "(^|;)${key}=")
        list(APPEND params "${def}")
      endif()
    endforeach()
    string(REPLACE "," ";" overrides "${overrides}")
    foreach(kv ${overrides})
      string(REGEX REPLACE "=.*" "" key "${kv}")
      set(found FALSE)
      set(merged)
      foreach(p ${params})
        if(p MATCHES "^${key}=")
          list(APPEND merged "${kv}")
          set(found TRUE)
        else()
          list(APPEND merged "${p}")
        endif()
      endforeach()
      if(NOT found)
        message(FATAL_ERROR "SYSTOLIC_RTL_CONFIGS entry '${cfg}': ${key} is not one of the "
                            "systolic_top parameters in SYSTOLIC_TOP_PARAMS")
      endif()
      set(params ${merged})
      string(TOLOWER "${kv}" low)
      string(REPLACE "=" "" low "${low}")
      string(REPLACE "-" "m" low "${low}")
      string(APPEND name "_${low}")
    endforeach()
    string(REPLACE ";" "," params "${params}")
    list(APPEND result "${name}:Rows=${r},Cols=${c},${params}")
  endforeach()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# systolic_top_block_config(OUT ENTRY PARAM_NAMES...): the configuration "t<RxC>:P=V,..." of one
# of systolic_top's blocks with exactly the parameters systolic_top ENTRY ("RxC[:P=V,...]", with
# SYSTOLIC_TOP_PARAMS) gives its instance, for the block's lockstep test at the shipped array's
# parameters. scripts/coverage.sh counts such a build (t4x4, t16x16) in the family of that
# systolic_top: its toggle points are the instance's, and the unit-level commands reach counter
# bits that whole-engine runs reach only in hours.
function(systolic_top_block_config out entry)
  systolic_top_configs(top "${entry}")
  systolic_split_array_config("${entry}" r c overrides)
  string(REGEX REPLACE "^[^:]*:" "" params "${top}")
  string(REPLACE "," ";" params "${params}")
  set(kept)
  foreach(kv ${params})
    string(REGEX REPLACE "=.*" "" key "${kv}")
    if(key IN_LIST ARGN)
      list(APPEND kept ${kv})
    endif()
  endforeach()
  string(REPLACE ";" "," kept "${kept}")
  set(${out} "t${r}x${c}:${kept}" PARENT_SCOPE)
endfunction()
if(SYSTOLIC_BUILD_TESTS)
  # (os_ctrl: the instance of the builds with Dataflow = 3, whose parameters are the same)
  foreach(entry 4x4 16x16)
    foreach(block TILE_CTRL ACC_STAGE OS_CTRL DMA)
      systolic_top_block_config(tcfg ${entry} ${SYSTOLIC_${block}_PARAM_NAMES})
      list(APPEND SYSTOLIC_${block}_CONFIGS "${tcfg}")
    endforeach()
  endforeach()
endif()

set(SYSTOLIC_VERILATOR_ARGS -Wall --assert -O3 --x-assign fast --x-initial fast)
# Verilator --threads of every systolic_top library of this build: 1 (single-threaded) by
# default; the on-demand builds of `systolic run --rtl-threads N` set it (sim/rtl/rtl_cache.h).
set(SYSTOLIC_VERILATOR_THREADS 1 CACHE STRING "Verilator --threads of the verilated systolic_top")
# Coverage builds (scripts/coverage.sh): line, toggle and user (SYS_COVER) coverage in every
# configuration but the traced ones (the same RTL again), and the verilated C++ at -O1, which
# compiles faster than -O2.
set(SYSTOLIC_COVERAGE_ARGS)
set(SYSTOLIC_VERILATED_OPT -O2)
# The verilated code that runs once (construction, initial values: Verilator's *__Slow.cpp)
# compiles at -O0: 3 s instead of 21 s for the largest file of a 16x16 array at the build's -O3.
set(SYSTOLIC_VERILATED_OPT_SLOW -O0)
set(SYSTOLIC_COVERAGE_MAX_DIM 8 CACHE STRING "Coverage builds: the largest Rows and Cols instrumented")
if(SYSTOLIC_COVERAGE)
  # Toggle coverage of every signal: Verilator leaves out signals wider than
  # --coverage-max-width (256 by default), which hid dma's staging buffer and block-walk
  # structs, systolic_regs' counter array and pe_array's partial-sum vectors until stop 45.
  set(SYSTOLIC_COVERAGE_ARGS --coverage --coverage-max-width 65536)
  set(SYSTOLIC_VERILATED_OPT -O1)
endif()

# Verilator's runtime, shared by every verilated library (systolic_verilate_configs).
add_library(systolic_verilated_rt STATIC ${VERILATOR_ROOT}/include/verilated.cpp
            ${VERILATOR_ROOT}/include/verilated_dpi.cpp ${VERILATOR_ROOT}/include/verilated_threads.cpp)
target_include_directories(systolic_verilated_rt PUBLIC ${VERILATOR_ROOT}/include
                           ${VERILATOR_ROOT}/include/vltstd)
target_compile_definitions(systolic_verilated_rt PRIVATE VM_COVERAGE=0 VM_SC=0 VM_TRACE=0
                           VM_TRACE_VCD=0 VM_TRACE_FST=0)
target_compile_options(systolic_verilated_rt PRIVATE -w
                       $<$<BOOL:${SYSTOLIC_SANITIZE}>:-fno-sanitize=shift>)
target_link_libraries(systolic_verilated_rt PUBLIC Threads::Threads)

# systolic_parse_config(SPEC OUT_NAME OUT_PARAM_NAMES OUT_PARAM_VALUES)
function(systolic_parse_config spec out_name out_keys out_values)
  string(REPLACE ":" ";" parts "${spec}")
  list(LENGTH parts n)
  if(NOT n EQUAL 2)
    message(FATAL_ERROR "RTL configuration '${spec}' is not NAME:Param=Value,...")
  endif()
  list(GET parts 0 name)
  list(GET parts 1 params)
  string(REPLACE "," ";" params "${params}")
  set(keys)
  set(values)
  foreach(kv ${params})
    if(NOT kv MATCHES "^([A-Za-z][A-Za-z0-9]*)=(-?[0-9]+)$")
      message(FATAL_ERROR "RTL configuration '${spec}': '${kv}' is not Param=integer")
    endif()
    set(key ${CMAKE_MATCH_1})
    set(value ${CMAKE_MATCH_2})
    # The limits of rtl/systolic_if.toml (Rounding and PipeDepth of requant are not in it).
    if(DEFINED SYSTOLIC_PARAM_${key}_MIN)
      if(value LESS SYSTOLIC_PARAM_${key}_MIN OR value GREATER SYSTOLIC_PARAM_${key}_MAX)
        message(FATAL_ERROR "RTL configuration '${spec}': ${key} = ${value} is outside "
                            "${SYSTOLIC_PARAM_${key}_MIN}..${SYSTOLIC_PARAM_${key}_MAX}")
      endif()
    endif()
    list(APPEND keys ${key})
    list(APPEND values ${value})
  endforeach()
  set(${out_name} ${name} PARENT_SCOPE)
  set(${out_keys} ${keys} PARENT_SCOPE)
  set(${out_values} ${values} PARENT_SCOPE)
endfunction()

# systolic_verilate_configs(TOP top SOURCES ... PARAMS P1 P2 ... CONFIGS ... [TRACE] [SUFFIX s]
#                           [EXTRA_ARGS ...])
# TRACE: verilate with --trace-fst (a separate library: waves cost speed even when off).
# EXTRA_ARGS: Verilator options after the build's own (a later option wins).
# Defines static libraries V<top>_<name><suffix>, an INTERFACE library <top><suffix>_rtl linking
# them all, and generates ${SYSTOLIC_GEN_DIR}/<top><suffix>_configs.h with
#   #define SYSTOLIC_<TOP><SUFFIX>_CONFIGS(X) X(V<top>_<name><suffix>, "<name>", P1 value, ...) ...
# Every configuration must set exactly the parameters PARAMS names, in any order. The sources are
# read after rtl/lint.vlt and rtl/systolic_pkg.sv, with rtl/ on the include path.
function(systolic_verilate_configs)
  cmake_parse_arguments(ARG "TRACE" "TOP;SUFFIX" "SOURCES;PARAMS;CONFIGS;EXTRA_ARGS" ${ARGN})
  string(TOUPPER ${ARG_TOP}${ARG_SUFFIX} top_upper)
  set(libs)
  set(xmacro "")
  set(includes "")
  foreach(spec ${ARG_CONFIGS})
    systolic_parse_config("${spec}" name keys unordered)
    set(values)
    foreach(p ${ARG_PARAMS})
      list(FIND keys ${p} idx)
      if(idx EQUAL -1)
        message(FATAL_ERROR "${ARG_TOP} configuration '${spec}' does not set ${p}")
      endif()
      list(GET unordered ${idx} v)
      list(APPEND values ${v})
    endforeach()
    list(LENGTH keys nk)
    list(LENGTH ARG_PARAMS np)
    if(NOT nk EQUAL np)
      message(FATAL_ERROR "${ARG_TOP} configuration '${spec}': parameters are ${ARG_PARAMS}")
    endif()
    set(prefix V${ARG_TOP}_${name}${ARG_SUFFIX})
    set(gflags)
    foreach(k v IN ZIP_LISTS ARG_PARAMS values)
      list(APPEND gflags -G${k}=${v})
    endforeach()
    add_library(${prefix} STATIC)
    set(trace_flag)
    set(cov_args ${SYSTOLIC_COVERAGE_ARGS})
    # Coverage instruments arrays up to SYSTOLIC_COVERAGE_MAX_DIM rows and columns only (the
    # coverage code of a 16x16 array compiles many times slower than the plain build).
    foreach(k v IN ZIP_LISTS ARG_PARAMS values)
      if((k STREQUAL "Rows" OR k STREQUAL "Cols") AND v GREATER SYSTOLIC_COVERAGE_MAX_DIM)
        set(cov_args)
      endif()
    endforeach()
    if(ARG_TRACE)
      set(trace_flag TRACE_FST)
      set(cov_args)
    endif()
    set(threads_arg)
    set(threads_flags)
    if(ARG_TOP STREQUAL "systolic_top" AND SYSTOLIC_VERILATOR_THREADS GREATER 1)
      set(threads_arg THREADS ${SYSTOLIC_VERILATOR_THREADS})
      # A small array cannot keep the threads busy; Verilator says so, and the build goes on.
      set(threads_flags -Wno-UNOPTTHREADS)
    endif()
    verilate(${prefix} ${trace_flag} ${threads_arg}
      SOURCES ${SYSTOLIC_RTL_DIR}/lint.vlt ${SYSTOLIC_RTL_DIR}/systolic_pkg.sv ${ARG_SOURCES}
      TOP_MODULE ${ARG_TOP}
      PREFIX ${prefix}
      DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/${prefix}
      VERILATOR_ARGS ${SYSTOLIC_VERILATOR_ARGS} ${threads_flags} ${cov_args} ${ARG_EXTRA_ARGS}
                     -I${SYSTOLIC_RTL_DIR} ${gflags}
      OPT_FAST ${SYSTOLIC_VERILATED_OPT} OPT_SLOW ${SYSTOLIC_VERILATED_OPT_SLOW})
    # Verilated code is generated: keep our -Werror-free warnings out of it. Under the
    # sanitizers, Verilator 5.006's code shifts promoted narrow values into the sign bit of an
    # int (undefined, harmless in practice): that one check is off for generated code only.
    # In the traced builds, GCC 12's null check also reports the address of Verilator's
    # thread_local Verilated::t_s as 0 in VerilatedTrace's constructor (verilated_fst_c.cpp: the
    # TLS wrapper's weak init function is null, the variable is not) and aborts, and GTKWave's
    # FST writer bundled with Verilator (fstapi.c) stores words at unaligned addresses on purpose
    # (fine on x86): those two checks are off there too.
    set(no_sanitize -fno-sanitize=shift)
    if(ARG_TRACE)
      list(APPEND no_sanitize -fno-sanitize=null -fno-sanitize=alignment)
    endif()
    target_compile_options(${prefix} PRIVATE -w $<$<BOOL:${SYSTOLIC_SANITIZE}>:${no_sanitize}>)
    # verilate() adds Verilator's runtime (verilated.cpp, _dpi, _threads) to every library; it is
    # the same code in each (no VM_* switch changes it), so it is compiled once, in
    # systolic_verilated_rt, instead of once per configuration.
    get_target_property(srcs ${prefix} SOURCES)
    list(FILTER srcs EXCLUDE REGEX "/include/verilated(_dpi|_threads)?\\.cpp$")
    set_property(TARGET ${prefix} PROPERTY SOURCES ${srcs})
    if(NOT SYSTOLIC_RTL_PLUGIN)  # a plug-in takes the runtime from the program that loads it
      target_link_libraries(${prefix} PUBLIC systolic_verilated_rt)
    endif()
    list(APPEND libs ${prefix})
    string(REPLACE ";" ", " value_list "${values}")
    string(APPEND xmacro " \\\n  X(${prefix}, \"${name}\", ${value_list})")
    string(APPEND includes "#include \"${prefix}.h\"\n")
  endforeach()
  string(REPLACE ";" ", " key_list "${ARG_PARAMS}")
  file(CONFIGURE OUTPUT ${SYSTOLIC_GEN_DIR}/${ARG_TOP}${ARG_SUFFIX}_configs.h CONTENT
"// Generated by cmake/rtl_configs.cmake from the configuration list; do not edit.
// Each X(ClassName, \"name\", ${key_list}) is one verilated configuration of ${ARG_TOP}.
#pragma once
${includes}
#define SYSTOLIC_${top_upper}_CONFIGS(X)${xmacro}
" @ONLY)
  add_library(${ARG_TOP}${ARG_SUFFIX}_rtl INTERFACE)
  target_link_libraries(${ARG_TOP}${ARG_SUFFIX}_rtl INTERFACE ${libs})
  target_include_directories(${ARG_TOP}${ARG_SUFFIX}_rtl INTERFACE ${SYSTOLIC_GEN_DIR})
endfunction()

# systolic_planted_fault(OUT_FILE SOURCE MATCH REPLACEMENT): a copy of an RTL source in the build
# tree with one line changed, for the tests that show an assertion fires on a broken build. Fails
# when MATCH is not in the source (so a test cannot pass for having planted nothing).
function(systolic_planted_fault out_file source match replacement)
  file(READ ${source} text)
  string(FIND "${text}" "${match}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "planted fault: '${match}' is not in ${source}")
  endif()
  string(REPLACE "${match}" "${replacement}" text "${text}")
  file(CONFIGURE OUTPUT ${out_file} CONTENT "${text}" @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
endfunction()
