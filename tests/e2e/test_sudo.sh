# sudo's own refusals become one line naming the sudoers line to add, exit 1, never a hang.
source "$(dirname "$0")/lib.sh"

lab_config "$T/nopw.toml" "s|^user = .*|user = \"$LAB_NOPW_USER\"|"
run_lx -c "$T/nopw.toml" ls
expect_rc 1 "sudo wants a password"
expect_err_has "sudo wants a password"
expect_err_has "$LAB_NOPW_USER ALL=(root) NOPASSWD: /usr/bin/lxc-*"
check "sudo's own line is not shown" eval '! contains "$ERR" "a password is required"'
check "ended within 10 s (${MS} ms)" test "$MS" -lt 10000

lab_config "$T/notallowed.toml" "s|^user = .*|user = \"$LAB_NOTALLOWED_USER\"|"
run_lx -c "$T/notallowed.toml" attach -n web -- true
expect_rc 1 "sudo does not allow lxc-*"
expect_err_has "$LAB_NOTALLOWED_USER ALL=(root) NOPASSWD: /usr/bin/lxc-*"

run_lx -c "$T/nopw.toml" list
expect_rc 1 "list: sudo refusal too"
expect_err_has "NOPASSWD"

# sudo = false: the tool runs as the login user, whose own lxcpath lxc-config reports.
run_lx lxc-config lxc.lxcpath
expect_rc 0 "lxc-config under sudo"
expect_out /var/lib/lxc "root's lxcpath under sudo"
lab_config "$T/nosudo.toml" '/^\[hosts.lab\]/a sudo = false'
run_lx -c "$T/nosudo.toml" lxc-config lxc.lxcpath
expect_rc 0 "sudo = false runs lxc-config unprivileged"
check "the login user's own lxcpath ($OUT)" eval 'contains "$OUT" "/.local/share/lxc"' 

# sudo = false on an lxcpath that is not the login user's: the master's watch runs no lxc-monitor
# there. LXC names the monitor socket after the lxcpath alone, so an unprivileged lxc-monitor
# reaches root's lxc-monitord, which takes the other user's connection for an error and ends,
# dropping every root lxc-monitor on that lxcpath (and it would hear nothing of root's containers).
ROOTPATH=$T/rootpath
mkdir "$ROOTPATH"
lxc-monitor -P "$ROOTPATH" -n '.*' </dev/null >/dev/null 2>&1 &
RMON=$!
at_exit 'kill "$RMON" 2>/dev/null'
check "root's lxc-monitor has its lxc-monitord" wait_for 5 test -p "/run/lxc$ROOTPATH/monitor-fifo"
lab_config "$T/nosudo-root.toml" '/^\[hosts.lab\]/a sudo = false' "s|^lxcpath = .*|lxcpath = \"$ROOTPATH\"|"
run_lx -c "$T/nosudo-root.toml" lxc-config lxc.lxcpath
expect_rc 0 "sudo = false, root's lxcpath: a command starts the master"
sleep 2  # its watch has started
check "... and root's lxc-monitor on that lxcpath still runs" kill -0 "$RMON"
kill "$RMON"
finish
