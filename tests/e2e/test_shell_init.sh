# shell-init: `eval "$(lxhost shell-init bash|zsh)"` defines an lxc-VERB function for every verb
# (the tool runs on the container host, its exit code comes back), leaves the user's own functions
# and aliases alone unless --force, survives `set -u` / `no_unset ksh_arrays`, prints exactly the
# files in the tree with the tool list filled in, and the files also work sourced from the tree.
source "$(dirname "$0")/lib.sh"

# Real shells in the laptop namespace (in_laptop, lib.sh).
run_bash() { capture in_laptop bash --norc --noprofile -c "$1"; }
run_zsh() { capture in_laptop zsh -f -c "$1"; }
# expect_quiet WHAT: the shell succeeded and wrote nothing on stderr.
expect_quiet() {
  expect_rc 0 "$1"
  if [ -z "$ERR" ]; then pass "$1: nothing on stderr"; else fail "$1: stderr not empty"; fi
}
# expect_lines TEXT WHAT: stdout, as lines, is exactly TEXT.
expect_lines() { if [ "$OUT" = "$1" ]; then pass "$2"; else fail "$2: expected: $(echo $1)"; fi; }

run_lx __complete tools
expect_rc 0 "__complete tools"
TOOLS=$OUT
check "__complete tools lists lxc-ls, lxc-attach, lxc-start-ephemeral ($(echo $TOOLS | wc -w) names)" \
  eval 'grep -qx lxc-ls <<<"$TOOLS" && grep -qx lxc-attach <<<"$TOOLS" && grep -qx lxc-start-ephemeral <<<"$TOOLS"'
TOOL_LIST=$(echo $TOOLS)

# --- bash -----------------------------------------------------------------------------------
# Every tool is a function, and nothing else is left behind: no variable, no helper function.
run_bash '
  vars=$(compgen -v | sort); funcs=$(compgen -A function | sort)
  eval "$(lxhost shell-init bash)"
  new_vars=$(comm -13 <(echo "$vars") <(compgen -v | sort) | grep -vx "vars\|funcs\|PIPESTATUS")
  new_funcs=$(comm -13 <(echo "$funcs") <(compgen -A function | sort) | grep -v "^lxc-")
  for t in $(lxhost __complete tools); do echo "$t $(type -t "$t")"; done
  for v in $new_vars; do echo "NEW VARIABLE $v"; done; for f in $new_funcs; do echo "NEW FUNCTION $f"; done'
expect_quiet "bash: eval shell-init"
expect_lines "$(for t in $TOOLS; do echo "$t function"; done; echo "NEW FUNCTION _lxhost")" \
  "bash: a function for every tool, plus _lxhost, and no variables"

run_bash 'eval "$(lxhost shell-init bash)"; type lxc-attach'
check "bash: lxc-attach runs 'command lxhost lxc-attach \"\$@\"'" eval 'contains "$OUT" "command lxhost lxc-attach \"\$@\""'

run_bash 'eval "$(lxhost shell-init bash)"; type -t lxc-ls; lxc-ls -1'
expect_quiet "bash: lxc-ls -1 through the function"
check "bash: lxc-ls is the function and lists base and web" \
  eval 'grep -qx function "$T/out" && grep -qx base "$T/out" && grep -qx web "$T/out"'

run_bash 'eval "$(lxhost shell-init bash)"; lxc-attach -n web -- sh -c "exit 3"'
expect_rc 3 "bash: lxc-attach -n web -- sh -c 'exit 3' through the function"

run_bash 'set -u; eval "$(lxhost shell-init bash)"; lxc-ls -1 --running "^web\$"'
expect_quiet "bash: set -u"
expect_out "web" "bash: set -u: lxc-ls -1 --running ^web$"

run_bash 'set -o posix; eval "$(lxhost shell-init bash)"; shopt -qo posix && lxc-ls -1 --running "^web\$"'
expect_quiet "bash: POSIX mode"
expect_out "web" "bash: POSIX mode (kept on): lxc-ls -1 --running ^web$"

# A function and an alias of the user's own are left alone (silently), or replaced with --force.
mine_bash='shopt -s expand_aliases; lxc-ls() { echo MY-LS; }; alias lxc-stop="echo MY-STOP"'
run_bash "$mine_bash"'
  eval "$(lxhost shell-init bash)"
  lxc-ls
  alias lxc-stop'
expect_quiet "bash: shell-init with a user function and alias"
expect_lines "MY-LS
alias lxc-stop='echo MY-STOP'" "bash: the user's lxc-ls function and lxc-stop alias are kept"
run_bash "$mine_bash"'
  eval "$(lxhost shell-init bash --force)"
  type -t lxc-ls lxc-stop
  alias lxc-stop 2>/dev/null || echo "no alias"
  lxc-ls -1 --running "^web\$"'
expect_quiet "bash: shell-init --force"
expect_lines "function
function
no alias
web" "bash: --force replaces the user's function and alias"

# --- zsh ------------------------------------------------------------------------------------
# Functions are defined without compinit too (completion then stays off, silently), and nothing
# else is left behind.
run_zsh '
  vars=(${(k)parameters}) funcs=(${(k)functions})
  eval "$(lxhost shell-init zsh)"
  new_vars=(${${(k)parameters:|vars}:#(vars|funcs)}) new_funcs=(${${(k)functions:|funcs}:#lxc-*})
  for t in $(lxhost __complete tools); do print -r -- "$t $(whence -w $t | cut -d" " -f2)"; done
  for v in $new_vars; do echo "NEW VARIABLE $v"; done; for f in $new_funcs; do echo "NEW FUNCTION $f"; done'
expect_quiet "zsh: eval shell-init without compinit"
expect_lines "$(for t in $TOOLS; do echo "$t function"; done; echo "NEW FUNCTION _lxhost")" \
  "zsh: a function for every tool, plus _lxhost, and no variables"

run_zsh 'setopt no_unset ksh_arrays sh_word_split; autoload -U compinit && compinit -u -d $XDG_CACHE_HOME/zcd
  eval "$(lxhost shell-init zsh)"
  print -r -- ${_comps[lxc-attach]}
  lxc-ls -1
  lxc-attach -n web -- sh -c "exit 3"'
expect_rc 3 "zsh: no_unset ksh_arrays sh_word_split: lxc-attach returns the remote code 3"
check "zsh: no_unset ksh_arrays: completion registered, lxc-ls lists base and web" \
  eval 'grep -qx _lxhost "$T/out" && grep -qx base "$T/out" && grep -qx web "$T/out"'
if [ -z "$ERR" ]; then pass "zsh: no_unset ksh_arrays: nothing on stderr"; else fail "zsh: stderr not empty"; fi

mine_zsh='lxc-ls() { echo MY-LS }; alias lxc-stop="echo MY-STOP"'
run_zsh "$mine_zsh"'
  eval "$(lxhost shell-init zsh)"
  lxc-ls
  alias lxc-stop'
expect_quiet "zsh: shell-init with a user function and alias"
expect_lines "MY-LS
lxc-stop='echo MY-STOP'" "zsh: the user's lxc-ls function and lxc-stop alias are kept"
run_zsh "$mine_zsh"'
  eval "$(lxhost shell-init zsh --force)"
  whence -w lxc-ls lxc-stop
  alias lxc-stop || echo "no alias"
  lxc-ls -1 --running "^web\$"'
expect_quiet "zsh: shell-init --force"
expect_lines "lxc-ls: function
lxc-stop: function
no alias
web" "zsh: --force replaces the user's function and alias"

# --- the embedded scripts are the tree's files ----------------------------------------------
# expected_print FORCE FILE...: the files as the binary must print them.
expected_print() {
  local force=$1
  shift
  cat "$@" | sed -e "s/@LXHOST_TOOLS@/$TOOL_LIST/g" -e "s/@LXHOST_FORCE@/$force/g"
}
src=$LXHOST_SOURCE_DIR
for args in "shell-init bash|0|shell/lxhost.bash completions/lxhost.bash" \
  "shell-init bash --force|1|shell/lxhost.bash completions/lxhost.bash" \
  "shell-init zsh|0|shell/lxhost.zsh completions/_lxhost" \
  "shell-init zsh --force|1|shell/lxhost.zsh completions/_lxhost" \
  "completions bash|0|completions/lxhost.bash" \
  "completions zsh|0|completions/_lxhost"; do
  IFS='|' read -r cmd force files <<<"$args"
  run_lx $cmd
  expected_print "$force" $(printf "$src/%s " $files) >"$T/expected"
  check "'lxhost $cmd' prints $files with the substitutions" cmp -s "$T/out" "$T/expected"
done
check "the tree's files keep their placeholders" \
  grep -q "@LXHOST_TOOLS@" "$src/shell/lxhost.bash" "$src/shell/lxhost.zsh" "$src/completions/lxhost.bash"
check "the zsh completion starts with '#compdef lxhost @LXHOST_TOOLS@'" \
  test "$(head -1 "$src/completions/_lxhost")" = "#compdef lxhost @LXHOST_TOOLS@"
check "'lxhost completions zsh' starts with '#compdef lxhost lxc-ls'" \
  eval 'lx completions zsh | head -1 | grep -q "^#compdef lxhost lxc-ls lxc-start "'

# --- sourced straight from the tree (placeholders unreplaced: the list comes from the binary) --
run_bash "source $src/shell/lxhost.bash"'
  for t in $(lxhost __complete tools); do echo "$t $(type -t "$t")"; done
  complete -p lxc-start-ephemeral
  lxc-ls -1 --running "^web\$"'
expect_quiet "bash: source shell/lxhost.bash"
expect_lines "$(for t in $TOOLS; do echo "$t function"; done; echo "complete -F _lxhost lxc-start-ephemeral"; echo web)" \
  "bash: sourced from the tree: every function, completion for lxc-start-ephemeral, lxc-ls works"
run_bash "$mine_bash; LXHOST_SHELL_FORCE=1; source $src/shell/lxhost.bash; type -t lxc-ls"
expect_out "function" "bash: sourced from the tree with LXHOST_SHELL_FORCE=1 replaces the user's lxc-ls"
run_bash "lxc-ls() { echo MY-LS; }; source $src/shell/lxhost.bash; lxc-ls"
expect_out "MY-LS" "bash: sourced from the tree without LXHOST_SHELL_FORCE keeps the user's lxc-ls"

run_zsh "setopt no_unset ksh_arrays; autoload -U compinit && compinit -u -d \$XDG_CACHE_HOME/zcd
  source $src/shell/lxhost.zsh"'
  for t in $(lxhost __complete tools); do print -r -- "$t $(whence -w $t | cut -d" " -f2)"; done
  print -r -- ${_comps[lxc-start-ephemeral]}
  lxc-ls -1 --running "^web\$"'
expect_quiet "zsh: source shell/lxhost.zsh"
expect_lines "$(for t in $TOOLS; do echo "$t function"; done; echo _lxhost; echo web)" \
  "zsh: sourced from the tree: every function, completion for lxc-start-ephemeral, lxc-ls works"
finish
