# Debian 12 and Homebrew both ship CMake packages for these; libssh through pkg-config,
# whose .pc file is the same on both.
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
# Starting fast (a TAB is a process start): with GCC on Linux, fmt (src/core/fmt_library.cpp)
# and toml++ (header-only, in the one file that parses) are compiled in and libstdc++ and libgcc
# are linked statically, so that the binary needs only libc: no shared C++ runtime to map and relocate at every start (LXHOST_STATIC_RUNTIME; not
# with the sanitizers, whose runtimes replace parts of the C++ runtime).
# toml++ is header-only in the fuzz build as well, so that the parser the fuzzer drives is
# instrumented too.
if(NOT APPLE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT LXHOST_FUZZ AND NOT ENABLE_ASAN AND NOT ENABLE_UBSAN)
  set(_lxhost_static_default ON)
else()
  set(_lxhost_static_default OFF)
endif()
option(LXHOST_STATIC_RUNTIME "fmt, toml++ and the C++ runtime linked into the binary" ${_lxhost_static_default})
add_library(lxhost_fmt INTERFACE)
if(LXHOST_STATIC_RUNTIME)
  get_target_property(_lxhost_fmt_include fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(lxhost_fmt SYSTEM INTERFACE ${_lxhost_fmt_include})
else()
  target_link_libraries(lxhost_fmt INTERFACE fmt::fmt)
endif()
add_library(lxhost_toml INTERFACE)
if(LXHOST_FUZZ OR LXHOST_STATIC_RUNTIME)
  get_target_property(_lxhost_toml_include tomlplusplus::tomlplusplus INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(lxhost_toml SYSTEM INTERFACE ${_lxhost_toml_include})
  target_compile_definitions(lxhost_toml INTERFACE TOML_HEADER_ONLY=1 TOML_SHARED_LIB=0)
  target_compile_features(lxhost_toml INTERFACE cxx_std_17)
else()
  target_link_libraries(lxhost_toml INTERFACE tomlplusplus::tomlplusplus)
endif()
find_package(nlohmann_json 3.9 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBSSH REQUIRED IMPORTED_TARGET libssh>=0.10)
# libssh: on Linux its headers only: src/transport/libssh_library_linux.cpp loads it (and with it
# OpenSSL and Kerberos) when SSH is first used, so that a TAB or a command through a mux master
# never maps them. macOS links it.
add_library(lxhost_libssh INTERFACE)
if(APPLE)
  target_link_libraries(lxhost_libssh INTERFACE PkgConfig::LIBSSH)
else()
  target_include_directories(lxhost_libssh SYSTEM INTERFACE ${LIBSSH_INCLUDE_DIRS})
  target_compile_options(lxhost_libssh INTERFACE ${LIBSSH_CFLAGS_OTHER})
  target_link_libraries(lxhost_libssh INTERFACE ${CMAKE_DL_LIBS})
endif()
# mDNS: on Linux, Avahi's client library and its Bonjour compatibility library (dns_sd.h), their
# headers only: src/discovery/mdns_libraries_linux.cpp loads them when mDNS is first used. On
# macOS, dns_sd.h is part of the system (libSystem), nothing to find.
add_library(lxhost_mdns INTERFACE)
if(NOT APPLE)
  pkg_check_modules(AVAHI REQUIRED avahi-client avahi-compat-libdns_sd)
  target_include_directories(lxhost_mdns SYSTEM INTERFACE ${AVAHI_INCLUDE_DIRS})
  target_compile_options(lxhost_mdns INTERFACE ${AVAHI_CFLAGS_OTHER})
  target_link_libraries(lxhost_mdns INTERFACE ${CMAKE_DL_LIBS})
endif()
