# cmake -DLXHOST=path/to/lxhost -DOUT=dir -P RenderCompletions.cmake
# Writes OUT/lxhost (bash) and OUT/_lxhost (zsh) as `lxhost completions SHELL` prints them.
file(MAKE_DIRECTORY "${OUT}")
foreach(pair "bash;lxhost" "zsh;_lxhost")
  list(GET pair 0 shell)
  list(GET pair 1 name)
  execute_process(COMMAND "${LXHOST}" completions ${shell} OUTPUT_FILE "${OUT}/${name}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${LXHOST} completions ${shell} failed (${rc})")
  endif()
endforeach()
