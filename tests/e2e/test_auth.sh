# Connection failures end in one clear line and exit 255: a key the server does not accept, a port
# with no server, a name that does not resolve; each within its bound.
source "$(dirname "$0")/lib.sh"

# A HOME of our own whose only key is not authorized (libssh would otherwise also try ~/.ssh's).
home=$T/home
unauthorized_home "$home"
lab_config "$T/unauth.toml" "s|^identity_file = .*|identity_file = \"~/.ssh/$(basename "$LAB_UNAUTHORIZED_KEY")\"|"
capture ip netns exec "$LAB_NETNS" env -i PATH="$PATH" HOME="$home" XDG_RUNTIME_DIR="$T/run" "$LXHOST_BIN" -c "$T/unauth.toml" ls
expect_rc 255 "key not authorized"
expect_err_has "refused every key"
expect_err_has "$LAB_USER@"
expect_err_lines 2

# A port with no server: refused at once.
lab_config "$T/noport.toml" "s|^port = .*|port = 2299|"
run_lx -c "$T/noport.toml" ls
expect_rc 255 "no server on the port"
expect_err_has "cannot connect to $LAB_HOST_ADDR:2299"
expect_err_lines 2

# An address nobody answers on: bounded by connect_timeout_ms (3x allowed, per the test rules).
lab_config "$T/blackhole.toml" "s|^address = .*|address = \"10.203.0.254\"|" "s|^connect_timeout_ms = .*|connect_timeout_ms = 1000|"
run_lx -c "$T/blackhole.toml" ls
expect_rc 255 "unreachable address"
START_MS=$(binary_start_ms)
check "gave up within 3x the 1000 ms bound + start $START_MS ms (${MS} ms)" test "$MS" -lt $((3000 + START_MS))
expect_err_lines 2

# A name that does not resolve.
lab_config "$T/noname.toml" "s|^address = .*|address = \"no-such-host.invalid\"|"
run_lx -c "$T/noname.toml" ls
expect_rc 255 "unresolvable name"
expect_err_has "no-such-host.invalid"
finish
