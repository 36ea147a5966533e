# zsh completion, in real zsh (compinit, `setopt no_unset ksh_arrays`, then `eval "$(lxhost
# shell-init zsh)"`) driven through tmux with real Tab presses: `lxc-start <TAB>` lists stopped
# containers only, `lxc-attach -n <TAB>` running ones, `lxhost <TAB>` verbs and commands with
# their descriptions, `-H <TAB>` configured and discovered hosts; prefixes, names with - _ and .,
# flags, --name=, a host without containers, a host that is down (nothing, quickly), a corrupt
# cache (ignored, then rebuilt); and the completion file autoloaded from $fpath.
source "$(dirname "$0")/lib.sh"

PRE=tz$$
source "$(dirname "$0")/completion_setup.sh"

# The user's zshrc, plus one thing for the test: Tab runs the ordinary completion (_main_complete)
# through a widget that logs how long each completion took, so the test knows when it is over.
TABLOG=$T/ztab.log
: >"$TABLOG"
cat >"$T/zshrc" <<EOF
autoload -U compinit && compinit -u -d $T/zcompdump
setopt no_unset ksh_arrays
eval "\$(lxhost shell-init zsh)"
zmodload zsh/datetime
_traced_complete() {
  local start=\$EPOCHREALTIME ret
  local -i ms
  _main_complete "\$@"
  ret=\$?
  (( ms = (EPOCHREALTIME - start) * 1000 ))
  print -r -- \$ms >>$TABLOG
  return ret
}
zle -C traced-complete complete-word _traced_complete
bindkey '^I' traced-complete
PS1='Z> '
EOF
start_zsh() { # start_zsh SESSION ZSHRC
  tm new-session -d -s "$1" -x 200 -y 60 "$LAB_TOOL exec laptop env PATH=$(dirname "$LXHOST_BIN"):$PATH \
XDG_CACHE_HOME=$CACHE XDG_RUNTIME_DIR=$T/run zsh -f"
  tm send-keys -t "$1" -l -- "source $2; clear"
  tm send-keys -t "$1" Enter
}
S=z
start_zsh z "$T/zshrc"
check "zsh ready" prompt_is z "Z>"

# ztab TEXT: types TEXT and one Tab; once the completion is over and the screen settled, PANE is
# the screen and ZMS what the completion took (ms); then the line is cleared for the next case.
ztab() {
  local n i
  n=$(wc -l <"$TABLOG")
  tm send-keys -t "$S" -l -- "$1"
  tm send-keys -t "$S" Tab
  for i in $(seq 200); do [ "$(wc -l <"$TABLOG")" -gt "$n" ] && break; sleep 0.05; done
  ZMS=$(tail -1 "$TABLOG")
  [ "$(wc -l <"$TABLOG")" -gt "$n" ] || ZMS=none
  PANE=$(tm capture-pane -p -t "$S")
  for i in $(seq 20); do
    sleep 0.1
    [ "$(tm capture-pane -p -t "$S")" = "$PANE" ] && break
    PANE=$(tm capture-pane -p -t "$S")
  done
  tm send-keys -t "$S" C-u
  type_line "$S" clear
  prompt_is "$S" "Z>" || true
}
# The screen's words (what zsh listed, and the line as completed).
shown() { tr -s ' ' '\n' <<<"$PANE" | grep -qxF -- "$1"; }
# lists WHAT WORD...: the screen shows every WORD.  lists_not WHAT WORD...: none of them.
lists() {
  local what=$1 word missing=''
  shift
  for word in "$@"; do shown "$word" || missing+=" $word"; done
  if [ -z "$missing" ]; then pass "$what"; else fail "$what (missing:$missing)"; printf '%s\n' "$PANE" | grep -v '^$' | head -40; fi
}
# shown_in_order WORD...: each WORD starts a line of the screen, in this order.
shown_in_order() {
  local word line previous=0
  for word in "$@"; do
    line=$(grep -nE -- "^$word( |\$)" <<<"$PANE" | head -1 | cut -d: -f1)
    [ -n "$line" ] && [ "$line" -gt "$previous" ] || return 1
    previous=$line
  done
}
# (A completion that did not run shows nothing either: that fails too.)
lists_not() {
  local what=$1 word found=''
  shift
  [ "$ZMS" != none ] || found=" (the completion did not run)"
  for word in "$@"; do ! shown "$word" || found+=" $word"; done
  if [ -z "$found" ]; then pass "$what"; else fail "$what (shown:$found)"; fi
}
# line_is WHAT TEXT: the line the completion left is TEXT.
line_is() { if contains "$PANE" "Z> $2"; then pass "$1"; else fail "$1 (expected the line 'Z> $2')"; fi; }

ztab "lxc-start "
lists "lxc-start <TAB>: base and the stopped test containers" base "$N1" "$N2"
lists_not "lxc-start <TAB>: not web (running)" web
lists "lxc-start <TAB>: with the state as description" STOPPED
check "lxc-start <TAB>: shown sorted" shown_in_order base "$N1" "$N2"
ztab "lxc-attach -n "
lists "lxc-attach -n <TAB>: web" web
lists_not "lxc-attach -n <TAB>: no stopped container" base "$N1"
ztab "lxhost "
lists "lxhost <TAB>: verbs and commands" attach start ls list start-ephemeral clone discover resolve shell-init
check "lxhost <TAB>: with descriptions" contains "$PANE" "Start a container"
lists_not "lxhost <TAB>: no container names" base web
ztab "lxhost -H "
lists "lxhost -H <TAB>: the configured host and the discovered ones" lab pub.local "$DISCOVERED"
lists_not "lxhost -H <TAB>: no container (sshd1), workstation (web) or host unseen for a week" \
  sshd1.local web.local "$FORGOTTEN"
check "lxhost -H <TAB>: shown sorted" shown_in_order "$DISCOVERED" lab pub.local
ztab "lxhost clone -o base -n "
lists_not "lxhost clone -o base -n <TAB>: nothing (a new name)" "$N1" "$N2" web
ztab "lxhost copy -n base -N "
lists_not "lxhost copy -n base -N <TAB>: nothing (a new name)" "$N1" "$N2" web
ztab "lxhost -H lab attach -n "
lists "lxhost -H lab attach -n <TAB>: web" web
lists_not "lxhost -H lab attach -n <TAB>: not base" base

ztab "lxc-start $PRE-"
lists "lxc-start $PRE-<TAB>: the names starting with $PRE-" "$N1" "$N2"
lists_not "lxc-start $PRE-<TAB>: no other name" base web
ztab "lxc-start $PRE-a_b."
line_is "lxc-start $PRE-a_b.<TAB>: a prefix with _ and . completes to $N1" "lxc-start $N1"
ztab "lxc-destroy -n $PRE-d.e"
line_is "lxc-destroy -n $PRE-d.e<TAB> completes to $N2" "lxc-destroy -n $N2"
ztab "lxc-attach --cl"
line_is "lxc-attach --cl<TAB>: --clear-env" "lxc-attach --clear-env"
ztab "lxc-start --"
lists "lxc-start --<TAB>: its long flags" --name --daemon --foreground --rcfile
lists_not "lxc-start --<TAB>: no flag of another tool" --clear-env --newname
ztab "lxc-start --name=$PRE-a_"
line_is "lxc-start --name=$PRE-a_<TAB> completes to --name=$N1" "lxc-start --name=$N1"
ztab "lxc-start --name="
lists "lxc-start --name=<TAB>: stopped names" base "$N1"
lists_not "lxc-start --name=<TAB>: not web" web

mkdir -p "$T/confs"
touch "$T/confs/one.toml" "$T/confs/two.toml"
ztab "lxhost -c $T/confs/o"
line_is "lxhost -c DIR/o<TAB>: a file name" "lxhost -c $T/confs/one.toml"

ztab "lxhost -c $T/empty.toml start -n "
lists_not "a host with no containers: nothing offered" base web "$N1"

ztab "lxhost -c $T/down.toml start -n "
lists_not "a host that is down: nothing offered" base web "$N1"
check "a host that is down: the TAB took $ZMS ms (at most $TAB_MAX)" test "$ZMS" -le "$TAB_MAX"
ztab "lxhost -c $T/down.toml start -n "
check "a host that is down, again: $ZMS ms (at most $TAB_MAX)" test "$ZMS" -le "$TAB_MAX"
start=${EPOCHREALTIME/./}
tm send-keys -t z -l -- "lxhost -c $T/down.toml start -n "
tm send-keys -t z Tab C-u
type_line "$S" "echo ALIVE-\$((6 * 7))"
check "a host that is down leaves the shell responsive" pane_has z "ALIVE-42"
ms=$(((${EPOCHREALTIME/./} - start) / 1000))
check "a TAB on a down host and the next command took $ms ms (at most $NEXT_MAX)" test "$ms" -le "$NEXT_MAX"
type_line "$S" clear

# A stale cache of a host that is down: offered at once (the refresh runs detached, and fails).
printf '# lxhost containers v1\nold-one\tSTOPPED\nold-two\tRUNNING\n' >"$CACHE/lxhost/containers-down.tsv"
touch -d '-1 hour' "$CACHE/lxhost/containers-down.tsv"
ztab "lxhost -c $T/down.toml start -n "
line_is "a host that is down, with a stale cache: its stopped name" "lxhost -c $T/down.toml start -n old-one"
check "a host that is down, with a stale cache: no wait for the host, $ZMS ms (at most $TAB_MAX)" test "$ZMS" -le "$TAB_MAX"
ztab "lxc-start $PRE-a_b."
check "warm cache: a TAB takes $ZMS ms (at most $TAB_MAX)" test "$ZMS" -le "$TAB_MAX"

# A corrupt cache: not offered, and rewritten.
printf 'garbage-one\x01\xff\tSTOPPED\nnot-a-cache-line\n\tSTOPPED\ngarbage-two\tSTOPPED\textra\n' >"$CACHE/lxhost/containers-lab.tsv"
ztab "lxc-start "
check "a corrupt cache: its lines are not offered" eval '[ "$ZMS" != none ] && ! contains "$PANE" garbage && ! contains "$PANE" not-a-cache'
check "the corrupt cache is rewritten as a valid cache" \
  eval 'for i in $(seq 100); do cache_has containers-lab.tsv "" && break; sleep 0.1; done; cache_has containers-lab.tsv ""'
ztab "lxc-start $PRE-"
lists "after the rewrite: lxc-start $PRE-<TAB>" "$N1" "$N2"

# Autoloaded from $fpath, as compinit finds an installed _lxhost: no shell-init, lxc-* are links.
mkdir -p "$T/fpath" "$T/links"
in_laptop lxhost completions zsh >"$T/fpath/_lxhost"
ln -s "$LXHOST_BIN" "$T/links/lxc-start"
cat >"$T/zshrc-fpath" <<EOF
fpath=($T/fpath \$fpath)
PATH=$T/links:\$PATH
autoload -U compinit && compinit -u -d $T/zcompdump-fpath
setopt no_unset ksh_arrays
PS1='Z> '
EOF
S=za
start_zsh za "$T/zshrc-fpath"
prompt_is za "Z>" || true
type_line "$S" 'print -r -- "lxc-start is $(whence -w lxc-start | cut -d" " -f2), completed by ${_comps[lxc-start]}"'
check "autoloaded: the #compdef line registered _lxhost for the link lxc-start" pane_has za "lxc-start is command, completed by _lxhost"
tm send-keys -t za -l -- "lxc-start $PRE-"
tm send-keys -t za Tab
check "autoloaded: lxc-start $PRE-<TAB> lists $N1" pane_has za "$N1"
check "autoloaded: ... and $N2" pane_has za "$N2"
finish
