# Authentication order and passphrases: the SSH agent is tried before identity files; a key's
# passphrase is asked only on a terminal (never echoed), and without one lxhost fails at once.
source "$(dirname "$0")/lib.sh"

fingerprint() { ssh-keygen -lf "$1" | cut -d' ' -f2; }
pass_fp=$(fingerprint "$LAB_PASSPHRASE_KEY.pub")
# sshd's "Accepted publickey" lines for the passphrase key (only this suite logs in with it).
accepted_pass() { grep -c "Accepted publickey for $LAB_USER .*$pass_fp" "$LXHOST_LAB_DIR/sshd/sshd.log" || true; }

# A HOME whose only key is the lab's client key (authorized), as libssh's default identity.
home=$T/home
mkdir -p "$home/.ssh"
chmod 700 "$home" "$home/.ssh"
cp "$LAB_CLIENT_KEY" "$LAB_CLIENT_KEY.pub" "$home/.ssh/"
cp "$LAB_KNOWN_HOSTS" "$home/.ssh/known_hosts"
: >"$home/.ssh/config"
lab_config "$T/noid.toml" '/^identity_file = /d'

# An agent holding the passphrase key (decrypted copy), started and ended by this test, by PID.
cp "$LAB_PASSPHRASE_KEY" "$T/agentkey"
chmod 600 "$T/agentkey"
ssh-keygen -q -p -P "$LAB_PASSPHRASE" -N '' -f "$T/agentkey" >/dev/null
eval "$(ssh-agent -s -a "$T/agent.sock")" >/dev/null
at_exit 'kill "$SSH_AGENT_PID" 2>/dev/null'
ssh-add -q "$T/agentkey" 2>/dev/null

# run_fresh ENV... -- ARGS: lxhost in the laptop namespace with our HOME, captured. Each call logs
# in anew: a runtime directory of its own, so no mux master of an earlier call serves it (it is
# stopped).
run_fresh() {
  local envs=() run
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  run=$(mktemp -d "$T/run.XXXXXX")
  capture ip netns exec "$LAB_NETNS" env -i PATH="$PATH" HOME="$home" XDG_RUNTIME_DIR="$run" "${envs[@]}" "$LXHOST_BIN" "$@"
  ip netns exec "$LAB_NETNS" env -i XDG_RUNTIME_DIR="$run" "$LXHOST_BIN" mux stop --all >/dev/null 2>&1 || true
}

before=$(accepted_pass)
run_fresh SSH_AUTH_SOCK="$T/agent.sock" -- -c "$T/noid.toml" ls -1
expect_rc 0 "login with the agent and a default identity file"
check "the agent's key was used, not the identity file (agent first)" test "$(accepted_pass)" -gt "$before"

# Without the agent, the default identity file works.
run_fresh -- -c "$T/noid.toml" ls -1
expect_rc 0 "login with the identity file alone"

# The passphrase key without a terminal: no prompt, no hang, exit 255.
rm "$home/.ssh/id_ed25519" "$home/.ssh/id_ed25519.pub"
lab_config "$T/pass.toml" "s|^identity_file = .*|identity_file = \"$LAB_PASSPHRASE_KEY\"|"
run_fresh -- -c "$T/pass.toml" ls -1
expect_rc 255 "passphrase key without a terminal"
expect_err_has "needs its passphrase and there is no terminal"
expect_err_has "ssh-add"
START_MS=$(binary_start_ms)
check "ended at once (${MS} ms, at most 3000 + start $START_MS)" test "$MS" -lt $((3000 + START_MS))

# On a terminal (tmux): asked once, not echoed, and then it logs in. At the most verbose level
# (-v; its log goes to a file here) the passphrase appears nowhere either.
tm new-session -d -s pass -x 120 -y 20 \
  "ip netns exec $LAB_NETNS env -i PATH=$PATH HOME=$home TERM=xterm XDG_RUNTIME_DIR=$T/run $LXHOST_BIN -v -c $T/pass.toml ls -1 2>$T/pass.log; echo RC=\$?; sleep 30"
check "asked for the passphrase on the terminal" pane_has pass "assphrase"
tm send-keys -t pass -l "$LAB_PASSPHRASE"
tm send-keys -t pass Enter
check "logged in with the passphrase" pane_has pass "RC=0"
check "the listing arrived" pane_has pass "web"
check "the passphrase was not echoed" eval '! grep -qF "$LAB_PASSPHRASE" <<<"$(tm capture-pane -p -t pass -S -50)"'
check "the -v log says what happened (it logged in: 'authenticated')" grep -q 'debug: authenticated' "$T/pass.log"
check "... and does not hold the passphrase" eval '! grep -qF "$LAB_PASSPHRASE" "$T/pass.log"'
finish
