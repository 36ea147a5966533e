# cmake -DLXHOST=path/to/lxhost -DOUT=dir [-DGZIP=path/to/gzip] -P RenderFiles.cmake
# Writes what the binary renders from its tables, for installing:
#   OUT/completions/lxhost (bash) and OUT/completions/_lxhost (zsh), as `lxhost completions SHELL`;
#   OUT/man/lxhost.1 and OUT/man/lxhost.toml.5, as `lxhost __man PAGE` (also .gz with GZIP).
file(MAKE_DIRECTORY "${OUT}/completions" "${OUT}/man")
foreach(job "completions;bash;completions/lxhost" "completions;zsh;completions/_lxhost"
            "__man;lxhost.1;man/lxhost.1" "__man;lxhost.toml.5;man/lxhost.toml.5")
  list(GET job 0 command)
  list(GET job 1 argument)
  list(GET job 2 file)
  execute_process(COMMAND "${LXHOST}" ${command} ${argument} OUTPUT_FILE "${OUT}/${file}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${LXHOST} ${command} ${argument} failed (${rc})")
  endif()
  if(GZIP AND command STREQUAL "__man")
    # -n: no name or time stamp in the header, so the same page gives the same bytes (Debian's rule).
    execute_process(COMMAND "${GZIP}" -9 -n -c "${OUT}/${file}" OUTPUT_FILE "${OUT}/${file}.gz" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${GZIP} ${OUT}/${file} failed (${rc})")
    endif()
  endif()
endforeach()
