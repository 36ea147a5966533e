# Warnings for our own code only (an interface target, so dependencies' headers are unaffected).
add_library(lxhost_warnings INTERFACE)
target_compile_options(lxhost_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(LXHOST_WERROR)
  target_compile_options(lxhost_warnings INTERFACE -Werror)
endif()
