# deps.unit_links: the unit tests (tests/unit) link the pure core (src/core/, lxhost_core) and
# nothing that reaches the network: the link line CMake wrote for their binary names no other
# library of lxhost's and no libssh or Avahi, and the loaded binary needs none of libssh,
# OpenSSL, Kerberos, Avahi or D-Bus; no file of src/core/ includes a header from outside it. On
# Linux the lxhost binary needs none of them either (it opens libssh when it first opens an SSH
# session, Avahi when it first asks mDNS: what it maps at run time, tests/e2e/test_loaded_libraries.sh
# reads). The control: the libssh that lxhost opens needs OpenSSL and Kerberos, and the same check
# must see them there, or it would pass by seeing nothing.
#   test_unit_links.sh UNIT_TESTS_BINARY LXHOST_BINARY BUILD_DIR
set -euo pipefail
unit=${1:?unit tests binary} lxhost=${2:?lxhost binary} build=${3:?build directory}
source "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"

# What the dynamic loader maps for a binary: one library name per line.
loaded() { ldd "$1" | while read -r name _; do printf '%s\n' "${name##*/}"; done; }
# The command that links TARGET: Ninja's build file, or the Makefile generators' link.txt.
link_line() {
  local target=$1 txt=$build/tests/CMakeFiles/$1.dir/link.txt
  if [[ -f $txt ]]; then cat "$txt"
  else awk -v t="build tests/$target " 'index($0, t) == 1 && /CXX_EXECUTABLE_LINKER/ { on = 1 } on && /^$/ { exit } on' "$build/build.ninja"; fi
}
outside='^lib(ssh|crypto|ssl|gssapi_krb5|krb5|k5crypto|avahi-client|avahi-common|dns_sd|dbus-1)\.'

unit_loads=$(loaded "$unit")
lxhost_loads=$(loaded "$lxhost")
unit_link=$(link_line lxhost_unit_tests)
check "the unit tests' link line was found in $build" test -n "$unit_link"
check "the unit tests' link line names liblxhost_core.a" grep -q 'liblxhost_core\.a' <<<"$unit_link"
check "the unit tests' link line names no other lxhost library" \
  bash -c '! grep -oE "liblxhost_[a-z_]+\.a" <<<"$1" | grep -vqx liblxhost_core.a' _ "$unit_link"
check "the unit tests' link line names no libssh, Avahi or dns_sd" \
  bash -c '! grep -qE "libssh|-lssh|avahi|dns_sd" <<<"$1"' _ "$unit_link"
check "the unit tests load none of libssh, OpenSSL, Kerberos, Avahi, D-Bus" \
  bash -c '! grep -E "$1" <<<"$2"' _ "$outside" "$unit_loads"
check "lxhost itself needs none of them when it starts" bash -c '! grep -E "$1" <<<"$2"' _ "$outside" "$lxhost_loads"
# awk reads to the end: an early exit would end ldconfig by SIGPIPE, which pipefail makes fatal.
libssh=$(ldconfig -p | awk '$1 == "libssh.so.4" && !found { print $NF; found = 1 }')
check "the libssh lxhost opens (libssh.so.4) is installed" test -n "$libssh"
libssh_loads=$(loaded "$libssh")
for lib in libcrypto libgssapi_krb5; do
  check "libssh needs $lib (the control)" grep -q "^$lib\." <<<"$libssh_loads"
done
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
check "src/core/ includes only src/core/ headers" \
  bash -c '! grep -rnE "^#include \"" src/core | grep -v "#include \"core/"'
finish
