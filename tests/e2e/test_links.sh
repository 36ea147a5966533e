# lxc-* links: made only on request, never over a file that is not a link to lxhost; a link named
# lxc-VERB acts as `lxhost lxc-VERB`, with lxhost's settings from LXHOST_* variables.
source "$(dirname "$0")/lib.sh"

bin=$T/bin
mkdir -p "$bin"
run_lx install-links "$bin"
expect_rc 0 "install-links"
for tool in lxc-ls lxc-attach lxc-start lxc-config lxc-clone lxc-start-ephemeral; do
  check "$tool links to lxhost" test "$(readlink -f "$bin/$tool")" = "$(readlink -f "$LXHOST_BIN")"
done
run_lx install-links "$bin"
expect_rc 0 "install-links again (links already ours)"

# Through the link, in the laptop namespace, with settings from the environment only.
capture ip netns exec "$LAB_NETNS" env -i PATH="$bin:$PATH" HOME="$LAB_LAPTOP_HOME" XDG_RUNTIME_DIR="$T/run" LXHOST_CONFIG="$LAB_CONFIG" \
  LXHOST_HOST=lab lxc-ls -1
expect_rc 0 "lxc-ls through the link"
check "the link ran the remote lxc-ls" grep -qx web "$T/out"

capture ip netns exec "$LAB_NETNS" env -i PATH="$bin:$PATH" HOME="$LAB_LAPTOP_HOME" XDG_RUNTIME_DIR="$T/run" LXHOST_CONFIG="$LAB_CONFIG" \
  "$bin/lxc-attach" -n web -- sh -c 'exit 5' 
expect_rc 5 "lxc-attach through the link returns the remote code"

# A foreign file in the way: nothing is made, the file is untouched.
other=$T/other
mkdir -p "$other"
printf '#!/bin/sh\necho mine\n' >"$other/lxc-start"
cp "$other/lxc-start" "$T/lxc-start.orig"
run_lx install-links "$other"
expect_rc 1 "a foreign lxc-start stops install-links"
expect_err_has "$other/lxc-start exists and is not a link to lxhost"
check "the foreign file is untouched" cmp "$other/lxc-start" "$T/lxc-start.orig"
check "no links were made" test "$(ls "$other")" = lxc-start

# A link to something else is not ours either.
rm -f "$bin/lxc-ls"
ln -s /bin/true "$bin/lxc-ls"
run_lx install-links "$bin"
expect_rc 1 "a link to another program is not replaced"
check "it still points elsewhere" test "$(readlink "$bin/lxc-ls")" = /bin/true

# cmake --install: the binary, and no lxc-* links unless asked for.
if [ -n "${LXHOST_BUILD_DIR:-}" ]; then
  cmake --install "$LXHOST_BUILD_DIR" --prefix "$T/prefix" >/dev/null
  check "cmake --install installs lxhost" test -x "$T/prefix/bin/lxhost"
  check "cmake --install makes no lxc-* links by default" test -z "$(ls "$T/prefix/bin" | grep '^lxc-' || true)"
fi
finish
