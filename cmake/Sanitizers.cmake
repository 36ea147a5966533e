# ENABLE_ASAN / ENABLE_UBSAN: applied to our targets and the final link. LXHOST_FUZZ implies both,
# plus libFuzzer's coverage instrumentation (fuzzer-no-link; fuzz/ links libFuzzer itself).
add_library(lxhost_sanitizers INTERFACE)
set(_lxhost_san "")
if(LXHOST_FUZZ)
  list(APPEND _lxhost_san fuzzer-no-link)
endif()
if(ENABLE_ASAN OR LXHOST_FUZZ)
  list(APPEND _lxhost_san address)
endif()
if(ENABLE_UBSAN OR LXHOST_FUZZ)
  list(APPEND _lxhost_san undefined)
endif()
if(_lxhost_san)
  list(JOIN _lxhost_san "," _lxhost_san_list)
  target_compile_options(lxhost_sanitizers INTERFACE -fsanitize=${_lxhost_san_list} -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  target_link_options(lxhost_sanitizers INTERFACE -fsanitize=${_lxhost_san_list})
endif()
