# Host keys are checked before authenticating: strict refuses unknown and changed keys (naming the
# SHA256 fingerprint and the file); accept-new records an unknown key, saying so, and refuses a
# changed one. Never accepted silently.
source "$(dirname "$0")/lib.sh"

real_line=$(grep -F "[$LAB_HOST_ADDR]:$LAB_SSH_PORT" "$LAB_KNOWN_HOSTS" | head -1)
fake_key=$(ssh-keygen -q -t ed25519 -N '' -f "$T/fake" && cut -d' ' -f1,2 "$T/fake.pub")

# Count sshd's "Accepted publickey" lines for a user only this suite and test_sudo use (ctest keeps
# the two apart): a refused host key must not get that far.
accepted() { grep -c "Accepted publickey for $LAB_NOTALLOWED_USER " "$LXHOST_LAB_DIR/sshd/sshd.log" || true; }

# unknown key, strict (the default)
: >"$T/kh-empty"
lab_config "$T/strict.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-empty\"|"
run_lx -c "$T/strict.toml" ls
expect_rc 255 "strict: unknown host key refused"
expect_err_has "is not in $T/kh-empty"
expect_err_has "SHA256:"
check "strict wrote nothing to known_hosts" test ! -s "$T/kh-empty"

# changed key, strict
printf '[%s]:%s %s\n' "$LAB_HOST_ADDR" "$LAB_SSH_PORT" "$fake_key" >"$T/kh-changed"
cp "$T/kh-changed" "$T/kh-changed.orig"
lab_config "$T/changed.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-changed\"|"
run_lx -c "$T/changed.toml" ls
expect_rc 255 "strict: changed host key refused"
expect_err_has "does not match $T/kh-changed"
expect_err_has "SHA256:"
check "known_hosts unchanged" cmp "$T/kh-changed" "$T/kh-changed.orig"

# changed key, accept-new: still refused
lab_config "$T/changed-an.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-changed\"|" '/^\[hosts.lab\]/a host_key = "accept-new"'
run_lx -c "$T/changed-an.toml" ls
expect_rc 255 "accept-new: changed host key refused"
expect_err_has "does not match"
check "known_hosts still unchanged" cmp "$T/kh-changed" "$T/kh-changed.orig"

# unknown key, accept-new: recorded, with a warning, and the command runs
: >"$T/kh-new"
lab_config "$T/new.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-new\"|" '/^\[hosts.lab\]/a host_key = "accept-new"'
run_lx -c "$T/new.toml" ls
expect_rc 0 "accept-new: unknown key accepted"
expect_err_has "added the host key"
expect_out_has base
check "key recorded in known_hosts" grep -qF "$(echo "$real_line" | cut -d' ' -f2,3)" "$T/kh-new"
run_lx -c "$T/new.toml" ls
expect_rc 0 "accept-new: second connection"
check "no warning the second time" test -z "$ERR"

# The refusals above happened before authentication: sshd logged no accepted key for them.
# (Checked last, against a count taken around one more refused attempt.)
lab_config "$T/strict-other.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-empty\"|" "s|^user = .*|user = \"$LAB_NOTALLOWED_USER\"|"
lab_config "$T/other.toml" "s|^user = .*|user = \"$LAB_NOTALLOWED_USER\"|"
before=$(accepted)
run_lx -c "$T/other.toml" lxc-config lxc.lxcpath
check "control: a good connection as $LAB_NOTALLOWED_USER is logged" test "$(accepted)" -gt "$before"
before=$(accepted)
run_lx -c "$T/strict-other.toml" ls
after=$(accepted)
expect_rc 255
check "no authentication after a refused host key" test "$before" = "$after"
finish
