# A real terminal through tmux: `lxhost attach -n web` gets a PTY (tty is /dev/pts/*), the remote
# `stty size` follows a resize of the local window, Ctrl-C is a byte for the remote terminal, and
# the local terminal mode (`stty -g`) is exactly as before afterwards.
source "$(dirname "$0")/lib.sh"

local_shell pty
type_line pty "$LXHOST_BIN attach -n web"
# The remote side sets up its own terminals (sudo's, lxc-attach's) and may flush typeahead:
# type only once the container's shell prompts.
check "container shell prompt" prompt_is pty "/ #"
type_line pty 'echo "TTY=$(tty)"'
check "remote tty is a /dev/pts device" pane_has pty "TTY=/dev/pts/"
type_line pty 'echo "SIZE=$(stty size)"'
check "remote terminal has the local size (30 100)" pane_has pty "SIZE=30 100"

tm resize-window -t pty -x 120 -y 40
sleep 0.3
type_line pty 'echo "RESIZED=$(stty size)"'
check "remote size follows the resize (40 120)" pane_has pty "RESIZED=40 120"

# Ctrl-C with a PTY is the remote terminal's: it ends the remote sleep, not lxhost.
type_line pty 'sleep 30'
sleep 0.5
tm send-keys -t pty C-c
type_line pty 'echo "AFTER=$?"'
check "Ctrl-C reached the remote foreground process" pane_has pty "AFTER=130"
type_line pty 'echo "STILL=here"'
check "the remote shell survived Ctrl-C" pane_has pty "STILL=here"

type_line pty 'exit 3'
# Typeahead before lxhost has exited would go to the remote side (as with ssh): wait for the prompt.
check "back at the local prompt" prompt_is pty "LOCAL>"
type_line pty "echo \"LXHOST_RC=\$?\"; stty -g > $T/after"
check "lxhost returned the remote shell's code" pane_has pty "LXHOST_RC=3"
for _ in $(seq 100); do [ -s "$T/after" ] && break; sleep 0.05; done
check "local terminal mode restored exactly" cmp "$T/before" "$T/after"

# -T refuses a terminal even on a tty; the remote side then has none.
type_line pty "$LXHOST_BIN -T attach -n web -- sh -c 'tty || echo NO-TTY'"
check "-T: no remote terminal" pane_has pty "NO-TTY"
# -t / LXHOST_TTY=force give a remote terminal even without a local one; the default does not.
run_lx -t attach -n web -- tty
expect_rc 0 "-t without a local terminal"
check "-t: remote tty ($OUT)" eval 'contains "$OUT" /dev/pts/'
LXHOST_TTY=force run_lx attach -n web -- tty
check "LXHOST_TTY=force: remote tty ($OUT)" eval 'contains "$OUT" /dev/pts/'
run_lx attach -n web -- tty
check "default without a local terminal: none ($OUT)" eval '! contains "$OUT" /dev/pts/'
finish
