# The Debian package, as `cpack -G DEB` makes it from this build: its name, its control fields
# (runtime dependencies computed from the binary, plus the Avahi libraries it loads itself), and
# its files, each where Debian looks for it. Also `cmake --install` to another prefix (zsh's
# completion in site-functions there). scripts/fresh-root-check installs the package for real.
set -euo pipefail
: "${LXHOST_BIN:?set by ctest}" "${LXHOST_BUILD_DIR:?set by ctest}" "${LXHOST_SOURCE_DIR:?set by ctest}"

T=$(mktemp -d /tmp/lxhost-package.XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$LXHOST_SOURCE_DIR/tests/checks.sh"
contains() { [[ $1 == *"$2"* ]]; }

version=$("$LXHOST_BIN" --version)
version=${version#lxhost }
arch=$(dpkg --print-architecture)
cpack -G DEB --config "$LXHOST_BUILD_DIR/CPackConfig.cmake" -B "$T/out" >"$T/cpack.log" 2>&1 ||
  { cat "$T/cpack.log"; exit 1; }
deb=$T/out/lxhost_${version}_${arch}.deb
check "cpack made lxhost_${version}_${arch}.deb" test -s "$deb"

field() { dpkg-deb -f "$deb" "$1"; }
check "Package: lxhost" test "$(field Package)" = lxhost
check "Version: $version" test "$(field Version)" = "$version"
check "Architecture: $arch" test "$(field Architecture)" = "$arch"
depends=$(field Depends)
for lib in libssh-4 libc6 libavahi-client3 libavahi-common3 libavahi-compat-libdnssd1; do
  check "Depends names $lib ($depends)" contains "$depends" "$lib"
done
# With the C++ runtime linked in (LXHOST_STATIC_RUNTIME, the default with GCC on Linux) the binary
# needs neither the shared libstdc++ nor fmt; without it, dpkg-shlibdeps names both.
if grep -q '^LXHOST_STATIC_RUNTIME:BOOL=ON$' "$LXHOST_BUILD_DIR/CMakeCache.txt"; then
  for lib in libfmt9 libstdc++6; do
    check "Depends does not name $lib (linked in)" bash -c '! grep -q "$1" <<<"$2"' _ "$lib" "$depends"
  done
else
  for lib in libfmt9 libstdc++6; do check "Depends names $lib ($depends)" contains "$depends" "$lib"; done
fi
check "Depends has versions from the binary's symbols (dpkg-shlibdeps)" contains "$depends" "libc6 (>= "
recommends=$(field Recommends)
check "Recommends avahi-daemon and openssh-client ($recommends)" \
  test "$recommends" = "avahi-daemon, openssh-client"
check "a maintainer and a description" test -n "$(field Maintainer)" -a -n "$(field Description)"

dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$T/paths"
for path in /usr/bin/lxhost /usr/share/bash-completion/completions/lxhost \
  /usr/share/zsh/vendor-completions/_lxhost /usr/share/man/man1/lxhost.1.gz \
  /usr/share/man/man5/lxhost.toml.5.gz /usr/share/doc/lxhost/README.md /usr/share/doc/lxhost/LICENSE \
  /usr/share/doc/lxhost/copyright; do
  check "the package has $path" grep -qxF "$path" "$T/paths"
done
check "every file is under /usr" test -z "$(grep -v '^/usr\(/\|$\)' "$T/paths" | grep -vx '/' || true)"
check "nothing in zsh's site-functions (Debian's zsh does not look there)" \
  test -z "$(grep 'site-functions' "$T/paths" || true)"

mkdir "$T/root"
dpkg-deb -x "$deb" "$T/root"
check "the packaged binary runs" test "$("$T/root/usr/bin/lxhost" --version)" = "lxhost $version"
check "the packaged lxhost(1) is the one the binary renders" \
  cmp -s <(zcat "$T/root/usr/share/man/man1/lxhost.1.gz") <("$LXHOST_BIN" __man lxhost.1)
check "the packaged lxhost.toml(5) is the one the binary renders" \
  cmp -s <(zcat "$T/root/usr/share/man/man5/lxhost.toml.5.gz") <("$LXHOST_BIN" __man lxhost.toml.5)
check "the bash completion is \`lxhost completions bash\`" \
  cmp -s "$T/root/usr/share/bash-completion/completions/lxhost" <("$LXHOST_BIN" completions bash)
check "copyright is machine-readable (DEP-5) and MIT" grep -q '^License: MIT$' "$T/root/usr/share/doc/lxhost/copyright"

# Elsewhere than /usr, zsh's completion goes to site-functions (as /usr/local and Homebrew have it).
cmake --install "$LXHOST_BUILD_DIR" --prefix "$T/local" >/dev/null
check "cmake --install --prefix: zsh completion in share/zsh/site-functions" test -s "$T/local/share/zsh/site-functions/_lxhost"
check "cmake --install --prefix: no vendor-completions" test ! -e "$T/local/share/zsh/vendor-completions"
check "cmake --install --prefix: the man pages" test -s "$T/local/share/man/man1/lxhost.1.gz" -a -s "$T/local/share/man/man5/lxhost.toml.5.gz"

finish
