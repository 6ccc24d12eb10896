# Tests outside Catch2, included from testbench/CMakeLists.txt:
#   icarus_requant_*  rtl/requant.sv in a second simulator (Icarus Verilog) against vectors from
#                     systolic::quant::requantize (gen_requant_vectors + tb_requant.sv)
#   lint_rtl          scripts/lint.sh (verilator --lint-only -Wall over the parameter corners)
#   synth_requant     scripts/synth.sh requant Rounding=2 PipeDepth=3 reports cells=N>0 depth=D
#   cli_*             testbench/test_cli.sh: exact outputs and error handling of `systolic`
# Needs iverilog, yosys and verilator on PATH (scripts/install-deps.sh); every test is deterministic
# (fixed seeds; SYSTOLIC_SEED=N or =random overrides the Icarus seed, as for the Catch2 tests).

add_executable(gen_requant_vectors gen_requant_vectors.cpp)
target_link_libraries(gen_requant_vectors PRIVATE systolic_model fmt::fmt)
target_compile_options(gen_requant_vectors PRIVATE -Wall -Wextra)

# systolic_icarus_test(NAME ROUNDING_NAME ROUNDING_PARAM PIPE_DEPTH COUNT SEED)
function(systolic_icarus_test name rounding rounding_param depth count seed)
  add_test(NAME ${name}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus.sh
      --gen $<TARGET_FILE:gen_requant_vectors>
      --workdir ${CMAKE_CURRENT_BINARY_DIR}/${name}
      --rounding ${rounding} --rounding-param ${rounding_param} --pipe-depth ${depth}
      --count ${count} --seed ${seed})
  set_tests_properties(${name} PROPERTIES TIMEOUT 120 LABELS "rtl;icarus")
endfunction()

systolic_icarus_test(icarus_requant_double_p3 double 0 3 20000 20261123)
systolic_icarus_test(icarus_requant_single_p1 single 1 1 20000 20261124)
# Run-time rounding select and the extra output registers of PipeDepth > 3.
systolic_icarus_test(icarus_requant_mixed_p5 mixed 2 5 20000 20261125)

add_test(NAME lint_rtl
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/expect_output.sh "^lint: rtl/ clean"
    ${CMAKE_SOURCE_DIR}/scripts/lint.sh)
set_tests_properties(lint_rtl PROPERTIES TIMEOUT 120 LABELS "rtl;lint")

add_test(NAME synth_requant
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/expect_output.sh
    "^synth: requant Rounding=2 PipeDepth=3 cells=[1-9][0-9]* depth=[0-9]+$"
    ${CMAKE_SOURCE_DIR}/scripts/synth.sh requant Rounding=2 PipeDepth=3)
set_tests_properties(synth_requant PROPERTIES TIMEOUT 120 LABELS "rtl;synth")

foreach(group quantize multiplier requant errors)
  add_test(NAME cli_${group}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_cli.sh $<TARGET_FILE:systolic> ${group})
  set_tests_properties(cli_${group} PROPERTIES TIMEOUT 60 LABELS "cli")
endforeach()

# Self-checking Icarus testbenches of the PE array and the whole engine.
foreach(tb tb_pe_array tb_systolic_top)
  add_test(NAME icarus_${tb}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh ${tb} ${CMAKE_CURRENT_BINARY_DIR}/${tb})
  set_tests_properties(icarus_${tb} PROPERTIES TIMEOUT 300 LABELS "rtl;icarus")
endforeach()
add_test(NAME icarus_tb_systolic_top_one_bank
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh tb_systolic_top
    ${CMAKE_CURRENT_BINARY_DIR}/tb_systolic_top_one_bank -P tb_systolic_top.WeightBanks=1)
set_tests_properties(icarus_tb_systolic_top_one_bank PROPERTIES TIMEOUT 300 LABELS "rtl;icarus")
# The dual-mode PEs (Int4 = 1), in int8, w4a8 and w4a4.
add_test(NAME icarus_tb_pe_array_dual_int8
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh tb_pe_array
    ${CMAKE_CURRENT_BINARY_DIR}/tb_pe_array_dual_int8 -P tb_pe_array.Int4=1)
add_test(NAME icarus_tb_pe_array_w4a4
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh tb_pe_array
    ${CMAKE_CURRENT_BINARY_DIR}/tb_pe_array_w4a4 -P tb_pe_array.Int4=1 -P tb_pe_array.Prec=2)
add_test(NAME icarus_tb_pe_array_w4a8
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh tb_pe_array
    ${CMAKE_CURRENT_BINARY_DIR}/tb_pe_array_w4a8 -P tb_pe_array.Int4=1 -P tb_pe_array.Prec=1)
set_tests_properties(icarus_tb_pe_array_dual_int8 icarus_tb_pe_array_w4a4 icarus_tb_pe_array_w4a8
  PROPERTIES TIMEOUT 300 LABELS "rtl;icarus")
# The engine with both dataflows: every command above, then output-stationary ones.
add_test(NAME icarus_tb_systolic_top_os
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh tb_systolic_top
    ${CMAKE_CURRENT_BINARY_DIR}/tb_systolic_top_os -P tb_systolic_top.Dataflow=3)
set_tests_properties(icarus_tb_systolic_top_os PROPERTIES TIMEOUT 300 LABELS "rtl;icarus")
# Output-stationary arrays: both dataflows (os_i = 1) and OS-only.
add_test(NAME icarus_tb_pe_array_os
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh tb_pe_array_os
    ${CMAKE_CURRENT_BINARY_DIR}/tb_pe_array_os)
add_test(NAME icarus_tb_pe_array_os_only
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_icarus_tb.sh tb_pe_array_os
    ${CMAKE_CURRENT_BINARY_DIR}/tb_pe_array_os_only -P tb_pe_array_os.Df=2 -P tb_pe_array_os.Rows=5
    -P tb_pe_array_os.Cols=2)
set_tests_properties(icarus_tb_pe_array_os icarus_tb_pe_array_os_only
  PROPERTIES TIMEOUT 300 LABELS "rtl;icarus")

add_test(NAME synth_pe_array_4x4
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/expect_output.sh
    "^synth: pe_array Rows=4 Cols=4 cells=[1-9][0-9]* depth=[0-9]+$"
    ${CMAKE_SOURCE_DIR}/scripts/synth.sh pe_array Rows=4 Cols=4)
set_tests_properties(synth_pe_array_4x4 PROPERTIES TIMEOUT 300 LABELS "rtl;synth")

# Waveforms (`systolic run --trace`, docs/waves.md): model and RTL dumps agree, schedule values,
# windowing; the co-simulation's combined dump and the automatic mismatch waves through the CLI.
systolic_test(test_trace systolic_trace)
# The command line with an injected co-simulation fault (test only), for the mismatch path.
add_executable(systolic-faulty faulty_cli_main.cpp)
target_include_directories(systolic-faulty PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(systolic-faulty PRIVATE systolic_cli)
add_test(NAME cli_trace
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_cli_trace.sh $<TARGET_FILE:systolic>
          $<TARGET_FILE:systolic-faulty>)
set_tests_properties(cli_trace PROPERTIES TIMEOUT 120 LABELS cli
  ENVIRONMENT "SYSTOLIC_SANITIZER_BUILD=$<BOOL:${SYSTOLIC_SANITIZE}>"
  PASS_REGULAR_EXPRESSION "test_cli_trace: [0-9]+ passed, 0 failed")

# `systolic soak`: log, JSON, replay, malformed seeds, and the planted faults of faulty_port.h.
add_test(NAME cli_soak
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_cli_soak.sh $<TARGET_FILE:systolic>
          $<TARGET_FILE:systolic-faulty>)
set_tests_properties(cli_soak PROPERTIES TIMEOUT 600 LABELS cli
  PASS_REGULAR_EXPRESSION "test_cli_soak: [0-9]+ passed, 0 failed")

# Fuzzing (fuzz/, libFuzzer through scripts/fuzz.sh, built with clang++ into <build>/fuzz): a
# 60-second smoke run per target from its seed corpus, failing on any crash, sanitizer report or
# malformed error line. Opt-in (-DSYSTOLIC_FUZZ_TESTS=ON, then ctest -L fuzz): the clang build of
# the targets and three minutes of fuzzing stay out of the default suite.
if(SYSTOLIC_FUZZ_TESTS)
  foreach(target npy cli onnx spec)
    add_test(NAME fuzz_smoke_${target}
      COMMAND ${CMAKE_COMMAND} -E env SYSTOLIC_FUZZ_BUILD=${CMAKE_BINARY_DIR}/fuzz
              bash ${CMAKE_SOURCE_DIR}/scripts/fuzz.sh --seconds 60 ${target})
    set_tests_properties(fuzz_smoke_${target} PROPERTIES TIMEOUT 900 LABELS fuzz RUN_SERIAL TRUE
      PASS_REGULAR_EXPRESSION "fuzz_${target}: [0-9]+ runs, .* crashes 0")
  endforeach()
endif()
