# -H and $LXHOST_HOST in every form ssh-like tools take: the port given there wins, IPv6 is
# bracketed, a malformed one exits 2 naming the forms, and no error ends in an empty reason.
source "$(dirname "$0")/lib.sh"

A=$LAB_HOST_ADDR P=$LAB_SSH_PORT
A6=$LAB_HOST_ADDR6  # the lab's sshd listens on IPv6 too

no_empty_reason() { ! grep -qE ': ?$' "$T/err"; }

for spec in "$A:$P" "$LAB_USER@$A:$P" "ssh://$LAB_USER@$A:$P" "ssh://$A:$P/" "lab:$P" \
  "[$A6]:$P" "$LAB_USER@[$A6]:$P" "ssh://$LAB_USER@[$A6]:$P" "$A6"; do
  for mux in "" --no-mux; do
    run_lx $mux -H "$spec" ls
    expect_rc 0 "-H $spec ${mux:-(mux)} ls"
    expect_out_has base
  done
done

capture "$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" LXHOST_HOST="$LAB_USER@$A:$P" "$LXHOST_BIN" ls
expect_rc 0 "LXHOST_HOST=$LAB_USER@$A:$P ls"
expect_out_has base

# The port of the request wins over the config's 2222.
for spec in "[$A]:1" "$A:1" "lab:1" "ssh://$A:1"; do
  run_lx --no-mux -H "$spec" ls
  expect_rc 255 "-H $spec: nothing listens on port 1"
  expect_err_has "cannot connect to $A:1: Connection refused"
  check "-H $spec: no empty reason" no_empty_reason
done

run_lx --no-mux -H "[$A6]:1" ls
expect_rc 255 "-H [$A6]:1"
expect_err_has "cannot connect to [$A6]:1: Connection refused"

for spec in "[$A6" "$A:0" "$A:ssh" "[$A6]$P" "$A6:$P:x" "@$A" "ssh://$A/path" "http://$A"; do
  run_lx -H "$spec" ls
  expect_rc 2 "-H '$spec' is malformed"
  expect_err_has "flag -H: '$spec' is not a host: "
  expect_err_has "lxhost: hint: the forms: NAME, [USER@]ADDRESS[:PORT], [USER@][IPV6]:PORT"
  check "-H '$spec': no empty reason" no_empty_reason
done
capture "$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" LXHOST_HOST="$A:99999" "$LXHOST_BIN" ls
expect_rc 2 "LXHOST_HOST=$A:99999"
expect_err_has "env LXHOST_HOST: '$A:99999' is not a host: the port '99999' is not a number from 1 to 65535"

# mux status: the identity as the user would write it.
run_lx -H "$A:$P" ls
expect_rc 0 "-H $A:$P through a master"
run_lx mux status
expect_rc 0 "mux status"
expect_out_has "$A:$P ($LAB_USER@$A:$P)"
run_lx -H "[$A6]:$P" ls
expect_rc 0 "-H [$A6]:$P through a master"
run_lx mux status
expect_out_has "[$A6]:$P ($LAB_USER@[$A6]:$P)"
finish
