// The command lines the remote POSIX login shell runs. Pure: built from argv and host settings.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/legacy_verbs.hpp"

namespace lxhost {

struct RemoteContext {
  bool sudo = true;     // prefix `sudo -n`
  std::string lxcpath;  // when not empty, `-P LXCPATH` right after tools that take it (unless the arguments name one)
};

// The longest line a Linux host runs: sshd hands it to the login shell as one argument
// (`$SHELL -c LINE`), and the kernel refuses an argument of MAX_ARG_STRLEN (131072) bytes or
// more, its terminating NUL counted. A longer line fails there ("Argument list too long"), and
// one over an SSH packet's size (256 KiB for OpenSSH) breaks the connection every command of a
// mux master shares; lxhost refuses it before sending anything. Every other packet lxhost sends
// is far smaller: the terminal type is bounded (terminal_type()), stdin goes in window-sized pieces.
constexpr std::size_t kMaxRemoteLine = 131072 - 1;

// Throws UsageError (exit 2) when `line` is longer than kMaxRemoteLine, giving its size, the
// size of the user's `args` in it (before the tool's prefix and quoting) and the limit. `what`
// names the line ("lxc-attach").
void require_line_fits(std::string_view line, std::string_view what, std::span<const std::string> args);

// `[sudo -n] TOOL [-P LXCPATH] ARGS...`, every word quoted: one command of a longer sh line.
std::string command_line(std::span<const std::string> argv, const RemoteContext& ctx);

// `exec [sudo -n] TOOL [-P LXCPATH] ARGS...`, every word quoted. `exec` makes the tool (or sudo,
// which relays signals to it) the process that a `signal` channel request reaches. Throws
// UsageError when it is too long for the host (require_line_fits).
std::string tool_line(std::span<const std::string> argv, const RemoteContext& ctx);

// The mux master's watch of a host's containers, one channel: the line `changed` when lxc-monitor
// reports state changes (one line for however many came since the last), and the line `lxcpath`
// at the start and whenever an entry of the lxcpath directory is made or removed (a container
// created or destroyed makes no state event): inotifywait tells (then as `changed`), where the
// host has it (inotify-tools) and it can watch the directory; else the directory's modification
// time is read 4 times a second. Only the script's own shell writes to the channel: lxc-monitor
// is never held up by a channel nobody reads (which would hold up the host's lxc-monitord and
// every other watch of that lxcpath). Once a second it checks that an lxc-monitord reads the FIFO
// LXC's containers write to; one that reads another (LXC shares an lxcpath's monitor socket among
// users) is told to quit and lxc-monitor starts again. Unprivileged, on an lxcpath that is not its
// user's, it runs no lxc-monitor (see remote_line.cpp). It ends when lxc-monitor ends, when the
// SSH session's process on the host ($PPID) is gone (seen within a second), or on TERM or HUP, and
// takes lxc-monitor and inotifywait with it: TERM three times over 1.5 s, since sudo lets a TERM
// that comes while it starts pass unrelayed (a master stopped at once would leave lxc-monitor).
std::string watch_line(const RemoteContext& ctx);

// sh lines that set $s to the first of LXD's usual sockets that exists on the host (the snap's,
// Debian's, Incus's), or to "" when there is none.
std::string lxd_socket_search();

// watch_line's twin for an LXD host (backend = "lxd"), run as the SSH user: LXD's own client
// follows LXD's lifecycle events of `project` (`lxc monitor --type=lifecycle`: LXD's event API is a
// websocket) at `socket` (empty: the first of lxd_socket_search's). Its first line is `lxd SOCKET`,
// the socket it uses, once the monitor runs; then the line `changed` for LXD's news (one line for
// however many events came since the last). In a cluster the member at the socket relays every
// member's events. As in watch_line, only the script's own shell writes to the channel (the
// monitor is never held up by a channel nobody reads), and it ends with the monitor, when the
// session's process ($PPID) is gone, or on TERM, HUP or INT, taking the monitor with it. No socket:
// one line on stderr, exit 1.
std::string lxd_watch_line(const std::string& socket, const std::string& project);

// The argv of a non-PTY `lxc-attach` tagged so that Ctrl-C can find the attached process:
// `-v LXHOST_TOKEN=TOKEN` inserted right after argv[0]. Other argv are returned unchanged.
std::vector<std::string> tag_attach(std::span<const std::string> argv, const std::string& token);

// The container an lxc-attach argv names (-n NAME, -nNAME, --name NAME, --name=NAME; the last wins,
// options after `--` are the command's), or nullopt.
std::optional<std::string> attach_target(std::span<const std::string> argv);

// A line that sends SIGNAL (e.g. "INT") to every process in CONTAINER whose environment holds
// LXHOST_TOKEN=TOKEN, through lxc-attach (sudoers allows only lxc-*): lxc-attach without a
// terminal does not forward signals to the attached process.
std::string signal_tagged_line(const std::string& container, const std::string& token,
                               const std::string& signal, const RemoteContext& ctx);

// The one remote sh script for `start-ephemeral -- CMD`: copy (ephemeral, daemonized), attach CMD
// (stdin passed on, tagged with TOKEN), stop the copy, exit with CMD's code. An INT/TERM/HUP to
// the script, or the SSH session going away (its parent sshd process exits), still stops the copy.
// Once the copy exists, `copied_mark` (when not empty) is written on stderr, on a line of its own:
// what comes before it is lxc-copy's, what follows is CMD's. Throws UsageError when the script is
// too long for the host (require_line_fits).
std::string ephemeral_script(const EphemeralRun& run, const std::string& token, const RemoteContext& ctx,
                             std::string_view copied_mark = "");

// start-ephemeral -- CMD on an LXD host: what lxd_ephemeral_script runs.
struct LxdEphemeralRun {
  std::string socket;                // LXD's socket on the host (LXD_SOCKET); empty: lxc's own default
  std::string project;               // --project
  std::string orig;                  // the instance copied
  std::string name;                  // the copy
  std::string target;                // --target MEMBER: where the copy is made; empty: LXD picks
  std::string token;                 // LXHOST_TOKEN=TOKEN in CMD's environment
  std::vector<std::string> command;  // CMD..., never empty
};

// ephemeral_script's twin for an LXD host, LXD's own client run as the SSH user (no sudo):
// `lxc copy ORIG NAME --ephemeral --instance-only [--target M]`, `lxc start NAME` (a copy that
// does not start is deleted), `lxc exec NAME -- CMD` with the script's stdin, then the copy
// deleted (`lxc delete --force`: an ephemeral instance goes when it stops), exit with CMD's code.
// INT/TERM/HUP or the SSH session's end delete the copy as in ephemeral_script.
std::string lxd_ephemeral_script(const LxdEphemeralRun& run, std::string_view copied_mark = "");

// The terminal type a remote PTY is asked for: $TERM's value; "xterm" when it is unset, empty,
// over 255 bytes or not printable ASCII (no terminal type is; a huge one would not fit in the SSH
// packet that requests the PTY).
std::string terminal_type(std::optional<std::string_view> term);

}  // namespace lxhost
