# `cpack -G DEB` in a build directory: lxhost_VERSION_ARCH.deb, installed under /usr. Runtime
# dependencies come from the binary (dpkg-shlibdeps), plus the libraries it loads with dlopen,
# which no tool can see in the binary: libssh when SSH is first used, Avahi's when mDNS is.
set(CPACK_PACKAGE_NAME lxhost)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "lxhost developers")
set(CPACK_PACKAGE_CONTACT "lxhost developers <lxhost@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run LXC's lxc-* tools on a container host over SSH, as if local")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "lxhost is the laptop side of LXC containers that live on a Linux container\n"
  "host, often a VM reached as containers.local: lxc-ls, lxc-start, lxc-attach,\n"
  "... typed on the laptop run on the host over SSH, under sudo -n, with exact\n"
  "arguments, live output, a real terminal where one is needed and the remote\n"
  "exit code. Host and container names ending in .local are found by mDNS; bash\n"
  "and zsh complete verbs, flags and container names from a local cache; and\n"
  "`ssh NAME.local` works through a generated ssh_config snippet.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # lxhost_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(NOT APPLE)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssh-4 (>= 0.10), libavahi-client3, libavahi-common3, libavahi-compat-libdnssd1")
endif()
# What a user needs beside it: a local mDNS daemon for .local names, and ssh for `ssh NAME.local`.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "avahi-daemon, openssh-client")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, zsh")

set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
