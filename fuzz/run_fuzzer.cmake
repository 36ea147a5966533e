# One fuzz test: copies the seed corpus SEEDS into CORPUS (a directory in the build), runs FUZZER
# on it for SECONDS, and fails when libFuzzer exits non-zero (a crash, a sanitizer report, a leak,
# a timeout or running out of memory); the input that did it is in ARTIFACTS.
#
#   cmake -DFUZZER=... -DSEEDS=... -DCORPUS=... -DARTIFACTS=.../ -DSECONDS=60 -P run_fuzzer.cmake
foreach(var FUZZER SEEDS CORPUS ARTIFACTS SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${var}=... is missing")
  endif()
endforeach()

file(MAKE_DIRECTORY ${CORPUS} ${ARTIFACTS})
file(GLOB seeds ${SEEDS}/*)
if(NOT seeds)
  message(FATAL_ERROR "run_fuzzer.cmake: no seeds in ${SEEDS}")
endif()
file(COPY ${seeds} DESTINATION ${CORPUS})

execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          -artifact_prefix=${ARTIFACTS} -print_final_stats=1 ${CORPUS}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); the input is in ${ARTIFACTS}, "
    "rerun it with: ${FUZZER} ${ARTIFACTS}<file>")
endif()
