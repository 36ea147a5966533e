# The command line: --version, help, unknown verbs and options (exit 2, did you mean).
source "$(dirname "$0")/lib.sh"

run_lx --version
expect_rc 0
check "version line" eval 'contains "$OUT" "lxhost "'

run_lx help
expect_rc 0 "help"
expect_out_has "start-ephemeral"
expect_out_has "install-links DIR"
run_lx --help
expect_rc 0 "--help"
expect_out_has "Usage: lxhost"

run_lx help attach
expect_rc 0 "help attach"
expect_out_has "lxc-attach"
run_lx help clone
expect_out_has "lxc-copy"

# VERB --help is lxhost's help for the LXC 1 verbs (the host may not have their tools).
for verb in clone start-ephemeral lxc-clone; do
  run_lx "$verb" --help
  expect_rc 0 "$verb --help"
  expect_out_has "lxhost ${verb#lxc-} ARGS..."
done

run_lx config bogus
expect_rc 2 "config with an unknown subcommand"
expect_err_has "unknown subcommand 'bogus'"

run_lx
expect_rc 2 "no verb"
expect_err_has "Usage: lxhost"

run_lx atach -n web
expect_rc 2 "unknown verb"
expect_err_has "unknown verb 'atach'"
expect_err_has "did you mean 'attach'?"

run_lx help lxc-atach
expect_rc 2 "help with an unknown tool name"
expect_err_has "did you mean 'lxc-attach'?"

run_lx --frobnicate ls
expect_rc 2 "unknown option before the verb"
expect_err_has "unknown option '--frobnicate'"

run_lx -t -T ls
expect_rc 2 "-t with -T"

LXHOST_TTY=sometimes run_lx ls
expect_rc 2 "bad LXHOST_TTY"

# `lxhost config` is lxhost's; `lxhost lxc-config` is the remote tool.
run_lx lxc-config lxc.lxcpath
expect_rc 0 "lxc-config through lxhost"
check "remote lxc-config answered" test -n "$OUT"
finish
