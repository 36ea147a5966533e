# The config through the real binary: errors with FILE:LINE:COL and exit 2, `config show` origins,
# `config path`, `config init` (atomic, never overwrites without --force), -c / $LXHOST_CONFIG.
source "$(dirname "$0")/lib.sh"

printf 'default_host = "lab"\n[hosts.lab]\naddress = "10.203.0.1"\nprot = 2222\n' >"$T/typo.toml"
run_lx -c "$T/typo.toml" ls
expect_rc 2 "unknown key"
expect_err_has "$T/typo.toml:4:1: unknown key 'prot'"
expect_err_has "did you mean 'port'?"
expect_err_lines 2

printf '[hosts.lab]\naddress = "x"\nport = "22"\n' >"$T/type.toml"
run_lx -c "$T/type.toml" ls
expect_rc 2 "wrong type"
expect_err_has "$T/type.toml:3:8:"
expect_err_has "must be an integer"

printf '[hosts.lab\naddress = 1\n' >"$T/broken.toml"
run_lx -c "$T/broken.toml" ls
expect_rc 2 "malformed TOML"
expect_err_has "$T/broken.toml:1:"
expect_err_lines 2

run_lx -c "$T/missing.toml" ls
expect_rc 2 "-c names a missing file"
expect_err_has "$T/missing.toml"

# config show: values and where they came from.
run_lx config show
expect_rc 0 "config show"
check "selected host shown" grep -Eq '^host = "lab" +# ' "$T/out"
check "port from the lab's file, with its position" grep -Eq "^host.port = 2222 +# $LAB_CONFIG:[0-9]+:[0-9]+" "$T/out"
check "a default is marked as such" grep -Eq '^host.connect_timeout_ms|^host.sudo = true +# default' "$T/out"
run_lx -H 10.203.0.1 config show
check "-H ADDRESS: address from the flag" grep -Eq '^host.address = "10.203.0.1" +# flag -H' "$T/out"

# [verbs.VERB] args: config show with the origin, help VERB, and unknown verbs.
lab_config "$T/verbs.toml"
printf '\n[verbs.clone]\nargs = ["-s"]\n' >>"$T/verbs.toml"
run_lx -c "$T/verbs.toml" config show
expect_rc 0 "config show with [verbs.clone]"
check "verbs.clone.args shown with its origin" grep -Eq "^verbs.clone.args = \[\"-s\"\] +# $T/verbs.toml:[0-9]+:8" "$T/out"
run_lx -c "$T/verbs.toml" help clone
expect_out_has "Default arguments, before the ones typed: -s (the config's [verbs.clone] args, $T/verbs.toml:"
run_lx -c "$T/verbs.toml" clone --help
expect_out_has "Default arguments, before the ones typed: -s"
printf '[verbs.clnoe]\nargs = ["-s"]\n' >"$T/badverb.toml"
run_lx -c "$T/badverb.toml" ls
expect_rc 2 "unknown verb under [verbs]"
expect_err_has "$T/badverb.toml:1:8: unknown verb 'clnoe' in [verbs] (did you mean 'clone'?)"

# config path: -c, then $LXHOST_CONFIG, then XDG.
run_lx config path
expect_out "$LAB_CONFIG" "config path (XDG)"
run_lx -c /etc/elsewhere.toml config path
expect_out /etc/elsewhere.toml "config path (-c)"
LXHOST_CONFIG=/srv/x.toml run_lx config path
expect_out /srv/x.toml "config path (\$LXHOST_CONFIG)"

# config init: writes the template, refuses to overwrite, --force replaces.
target=$T/init/sub/config.toml
run_lx -c "$target" config init
expect_rc 0 "config init"
expect_out_has "wrote $target"
expect_out_has 'remove the "# " before it and before its [table] line'
expect_out_has "lxhost config show"
check "file written" test -s "$target"
check "file mode 0600" test "$(stat -c %a "$target")" = 600
check "every key is commented out" test -z "$(grep -Ev '^[[:space:]]*(#|$)' "$target")"
run_lx -c "$target" config show
expect_rc 0 "the written file parses"
# A key uncommented without its table's line: the error names the table it belongs in.
sed 's/^# port = 22 /port = 22 /' "$target" >"$T/port.toml"
run_lx -c "$T/port.toml" config show
expect_rc 2 "port uncommented alone"
expect_err_has "'port' belongs in [hosts.NAME], not at the top level"
sed -e 's/^# \[hosts.containers\]/[hosts.containers]/' -e 's/^# idle_timeout_s = /idle_timeout_s = /' \
  "$target" >"$T/idle.toml"
run_lx -c "$T/idle.toml" config show
expect_rc 2 "idle_timeout_s uncommented under [hosts.containers]"
expect_err_has "'idle_timeout_s' belongs in [mux], not in [hosts.containers]"
sed -e 's/^# \[hosts.containers\]/[hosts.containers]/' -e 's/^# port = 22 /port = 22 /' "$target" >"$T/both.toml"
run_lx -c "$T/both.toml" config show
expect_rc 0 "port uncommented with its table's line"
check "port set from the file" grep -Eq "^host.port = 22 +# $T/both.toml:[0-9]+:" "$T/out"
echo "# mine" >>"$target"
cp "$target" "$T/before"
run_lx -c "$target" config init
expect_rc 1 "init refuses to overwrite"
expect_err_has "already exists"
check "existing file untouched" cmp "$target" "$T/before"
run_lx -c "$target" config init --force
expect_rc 0 "init --force"
check "--force replaced it" eval '! grep -q "# mine" "$target"'
check "no temporary files left" test "$(ls "$(dirname "$target")")" = config.toml
finish
