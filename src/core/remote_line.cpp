#include "core/remote_line.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/errors.hpp"
#include "core/shell_quote.hpp"
#include "core/verbs.hpp"

namespace lxhost {
namespace {

// The arguments name an lxcpath of their own (-P X, -PX, --lxcpath X, --lxcpath=X before `--`):
// LXC's tools refuse a second one ("This command only accepts 1 -P,--lxcpath arguments").
bool names_lxcpath(std::span<const std::string> args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg.starts_with("-P") || arg == "--lxcpath" || arg.starts_with("--lxcpath=")) return true;
  }
  return false;
}

// `[sudo -n] TOOL [-P LXCPATH] ARGS...` as a list of words (not quoted yet). The configured
// lxcpath goes in unless the arguments name one.
std::vector<std::string> tool_words(std::span<const std::string> argv, const RemoteContext& ctx) {
  std::vector<std::string> words;
  if (argv.empty()) return words;
  words.reserve(argv.size() + 4);
  if (ctx.sudo) {
    words.emplace_back("sudo");
    words.emplace_back("-n");
  }
  words.push_back(argv[0]);
  const Verb* verb = find_tool(argv[0]);
  if (!ctx.lxcpath.empty() && verb && verb->takes_lxcpath && !names_lxcpath(argv.subspan(1))) {
    words.emplace_back("-P");
    words.push_back(ctx.lxcpath);
  }
  words.insert(words.end(), argv.begin() + 1, argv.end());
  return words;
}

}  // namespace

void require_line_fits(std::string_view line, std::string_view what, std::span<const std::string> args) {
  if (line.size() <= kMaxRemoteLine) return;
  std::size_t bytes = 0;
  for (const std::string& arg : args) bytes += arg.size();
  throw UsageError(fmt::format("the command line for {} is too long for the host: {} bytes as its shell gets it "
                               "({} bytes of arguments, then quoting and the command around them), over the {} "
                               "bytes a Linux host takes in one command string",
                               what, line.size(), bytes, kMaxRemoteLine),
                   "pass large data on stdin instead (e.g. `lxhost attach -n NAME -- sh -s < script.sh`)");
}

std::string command_line(std::span<const std::string> argv, const RemoteContext& ctx) {
  const std::vector<std::string> words = tool_words(argv, ctx);
  return quote_words(words);
}

std::string tool_line(std::span<const std::string> argv, const RemoteContext& ctx) {
  std::string line = "exec " + command_line(argv, ctx);
  if (!argv.empty()) require_line_fits(line, argv[0], argv.subspan(1));
  return line;
}

std::vector<std::string> tag_attach(std::span<const std::string> argv, const std::string& token) {
  std::vector<std::string> tagged(argv.begin(), argv.end());
  if (tagged.empty() || tagged[0] != "lxc-attach") return tagged;
  tagged.insert(tagged.begin() + 1, {"-v", "LXHOST_TOKEN=" + token});
  return tagged;
}

std::optional<std::string> attach_target(std::span<const std::string> argv) {
  std::optional<std::string> name;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") break;
    if ((arg == "-n" || arg == "--name") && i + 1 < argv.size()) {
      name = argv[++i];
    } else if (arg.starts_with("--name=")) {
      name = arg.substr(7);
    } else if (arg.starts_with("-n") && arg.size() > 2) {
      name = arg.substr(2);
    }
  }
  return name;
}

std::string signal_tagged_line(const std::string& container, const std::string& token, const std::string& signal,
                               const RemoteContext& ctx) {
  // Runs inside the container: busybox and coreutils both have tr, grep -qxF and kill -s. stderr
  // is silenced before the environ of a process that is gone (or not ours) is opened.
  static constexpr const char* kScript =
      "t=\"LXHOST_TOKEN=$1\"; for d in /proc/[0-9]*; do "
      "[ \"$d\" = /proc/$$ ] && continue; "
      "if tr '\\000' '\\n' 2>/dev/null <\"$d/environ\" | grep -qxF \"$t\"; then kill -s \"$2\" \"${d#/proc/}\" "
      "2>/dev/null; fi; done; exit 0";
  const std::vector<std::string> argv = {"lxc-attach", "-n", container, "--", "/bin/sh", "-c", kScript, "sh", token,
                                         signal};
  return tool_line(argv, ctx);
}

std::string watch_line(const RemoteContext& ctx) {
  const std::vector<std::string> monitor = {"lxc-monitor", "-n", ".*"};
  const std::vector<std::string> quit = {"lxc-monitor", "--quit"};
  const std::vector<std::string> config = {"lxc-config", "lxc.lxcpath"};
  // Only this shell writes to the channel. lxc-monitor and inotifywait write to a FIFO (made,
  // opened and unlinked at once, so that nothing is left behind) that a reader empties, sending
  // this shell USR1 for each line; the shell prints one `changed` for however many came since it
  // last printed. lxc-monitord writes to its clients with blocking writes: an lxc-monitor held up
  // by a channel nobody reads (a laptop asleep, a link cut: the session half-open for as long as
  // TCP takes to give up) would, once the buffers between filled, hold up lxc-monitord and every
  // client of that lxcpath. Now only this shell can block. Without mktemp or mkfifo the helpers
  // write to the channel themselves, as before.
  //
  // heard(): the FIFO lxc-start writes state changes to ($r0/lxc$p/monitor-fifo, $r0 being LXC's
  // run directory for the user lxc-monitor runs as) is read by an lxc-monitord, which holds a
  // write lock on it (/proc/locks). Not so (and its directory there, so that the path is right)
  // on two checks a second apart: the lxc-monitord that lxc-monitor reached reads another FIFO,
  // and hears nothing. It is told to quit (every client gets EOF) and lxc-monitor starts again,
  // making a monitord that reads the right FIFO. LXC shares one socket name for an lxcpath among
  // all users: a monitord an unprivileged lxc-monitor made serves root's clients too, deaf to
  // root's containers. An unprivileged lxc-monitor on an lxcpath that is not its user's is not
  // run at all: root's monitord would end at its connection (LXC takes it for an error), and it
  // hears nothing of root's containers anyway. Three quits in a row that mend nothing (a host whose
  // LXC keeps its FIFOs elsewhere) end the checks until one passes.
  //
  // settle(): a container's directory is made before LXC writes its config, and lxc-ls lists no
  // directory without one; the config's arrival is not an event of the lxcpath, and the user (not
  // root) may not look inside. So for 5 s after any change of the lxcpath (USR2 from the reader,
  // or its time without inotifywait) the entries' times are read four times a second and any
  // change (a file made in a container's directory changes its time) prints `changed` again;
  // each change makes it 5 s more. The first reading is taken before `changed` is printed for
  // the event, so a config written after the listing that line starts is always seen.
  //
  // alive(): a process is taken for gone only when `kill -0` fails twice, 0.1 s apart (an empty
  // PID, one not started, is gone at once). Once in about ten test runs a `kill -0` of
  // lxc-monitor's sudo failed while it ran (the next one passed), as a directory was made in the
  // lxcpath: the watch ended, and was back only after the master's pause of a second. end() asks
  // it too: a spurious failure there stopped the TERMs early and could leave lxc-monitor running.
  //
  // nap(): a sleep during which each USR1 prints `changed` at once (wait returns when a trapped
  // signal comes, or has come) while the loop's checks still run once a second, not per change.
  // A second's nap ends early when settle's readings begin.
  return fmt::format(
      "m= i= r= s= d= q=-1 k=0 g=0 u=0 w=0 z=0 e=\n"
      "end() {{ for d in 0.1 0.4 1; do kill $m $i $r 2>/dev/null; sleep $d; alive \"$m\" || alive \"$i\" || return 0; done; }}\n"
      "trap 'end; exit 0' HUP TERM INT PIPE\n"
      "trap u=1 USR1\n"
      "trap 'u=1 w=1' USR2\n"
      "if d=$(mktemp -d 2>/dev/null) && mkfifo \"$d/e\" 2>/dev/null; then\n"
      "  exec 3<>\"$d/e\" 4>\"$d/e\" 5<\"$d/e\" 3<&-\n"
      "  {{ while read -r l; do case $l in lxcpath) kill -USR2 $$ ;; *) kill -USR1 $$ ;; esac 2>/dev/null || exit 0; done; }} <&5 4>&- &\n"
      "  r=$!\n"
      "  exec 5<&-\n"
      "else exec 4>&1; fi\n"
      "[ -z \"$d\" ] || rm -rf \"$d\"\n"
      "p={lxcpath}\n"
      "snap() {{ e=$(stat -c '%n %y' \"$p\"/* 2>/dev/null); z=20; }}\n"
      "tell() {{ [ $u = 0 ] || {{ u=0; [ $w = 0 ] || {{ w=0; snap; }}; echo changed; }}; }}\n"
      "settle() {{ [ $z = 0 ] && return; o=$e y=$z; snap; if [ \"$e\" = \"$o\" ]; then z=$((y - 1)); else echo changed; fi; }}\n"
      "mon() {{ {monitor} </dev/null >&4 2>/dev/null & m=$!; }}\n"
      "alive() {{ [ -n \"$1\" ] && {{ kill -0 \"$1\" 2>/dev/null || {{ sleep 0.1; kill -0 \"$1\" 2>/dev/null; }}; }}; }}\n"
      "nap() {{ sleep $1 & s=$!; while kill -0 $s 2>/dev/null; do tell; [ $z = 0 ] || [ $1 != 1 ] || kill $s 2>/dev/null; wait $s; done; tell; }}\n"
      "if {root}; then r0=/run; else r0=${{XDG_RUNTIME_DIR:-$HOME/.cache/lxc/run}}; fi\n"
      "f=$r0/lxc$p/monitor-fifo\n"
      "heard() {{ [ ! -d \"${{f%/*}}\" ] || [ ! -r /proc/locks ] || {{\n"
      "  o=$(stat -c %i \"$f\" 2>/dev/null) && grep -q \" POSIX .* [0-9a-f]*:[0-9a-f]*:$o \" /proc/locks; }}; }}\n"
      "if {root} || [ -O \"$p\" ]; then mon; fi\n"
      "t=$(stat -c %y \"$p\" 2>/dev/null)\n"
      "echo lxcpath\n"
      "inotifywait -m -q -e create,delete,moved_to,moved_from --format lxcpath \"$p\" </dev/null >&4 2>/dev/null &\n"
      "i=$!\n"
      "while [ \"$PPID\" != 1 ] && alive $PPID; do\n"
      "  if [ -n \"$m\" ]; then\n"
      "    alive $m || break\n"
      "    if [ $k = 0 ]; then\n"
      "      if heard; then q=0 g=0; else q=$((q + 1)); fi\n"
      "      if [ $q = 2 ] && [ $g -lt 3 ]; then\n"
      "        {quit} </dev/null >/dev/null 2>&1; kill $m 2>/dev/null; sleep 0.3; mon; q=-2 g=$((g + 1)); echo lxcpath\n"
      "      fi\n"
      "    fi\n"
      "  fi\n"
      "  settle\n"
      "  if kill -0 $i 2>/dev/null; then\n"
      "    if [ $z = 0 ]; then k=0; nap 1; else k=$(((k + 1) % 4)); nap 0.25; fi\n"
      "    continue\n"
      "  fi\n"
      "  n=$(stat -c %y \"$p\" 2>/dev/null)\n"
      "  [ \"$n\" = \"$t\" ] || {{ t=$n; snap; echo lxcpath; }}\n"
      "  k=$(((k + 1) % 4))\n"
      "  nap 0.25\n"
      "done\n"
      "end\n",
      fmt::arg("monitor", command_line(monitor, ctx)), fmt::arg("quit", command_line(quit, ctx)),
      fmt::arg("root", ctx.sudo ? "true" : "[ \"$(id -u)\" = 0 ]"),
      fmt::arg("lxcpath", ctx.lxcpath.empty() ? fmt::format("$({} 2>/dev/null)", command_line(config, ctx))
                                              : quote_word(ctx.lxcpath)));
}

std::string lxd_socket_search() {
  return "s=; for c in /var/snap/lxd/common/lxd/unix.socket /var/lib/lxd/unix.socket /var/lib/incus/unix.socket; "
         "do if [ -S \"$c\" ]; then s=$c; break; fi; done\n";
}

std::string lxd_watch_line(const std::string& socket, const std::string& project) {
  // As in watch_line: LXD's client writes to a FIFO whose reader sends the shell USR1 for each
  // event (a JSON line; the blank line after each is skipped), and the shell prints `changed` when
  // it wakes. The `lxd SOCKET` line comes once the monitor has been started, so that a listing the
  // master makes for it follows the monitor's start (LXD's client takes some 50 ms more to have
  // its websocket: a change in that time is seen only by the next event's listing).
  return fmt::format(
      "{search}"
      "[ -z {socket} ] || s={socket}\n"
      "[ -n \"$s\" ] || {{ echo 'no LXD socket in any of the usual places' >&2; exit 1; }}\n"
      "LXD_SOCKET=$s; export LXD_SOCKET\n"
      "m= r= t= u=0\n"
      "end() {{ kill $m $r $t 2>/dev/null; exit 0; }}\n"
      "trap end HUP TERM INT PIPE\n"
      "trap u=1 USR1\n"
      "alive() {{ [ -n \"$1\" ] && {{ kill -0 \"$1\" 2>/dev/null || {{ sleep 0.1; kill -0 \"$1\" 2>/dev/null; }}; }}; }}\n"
      "d=$(mktemp -d) && mkfifo \"$d/e\" || exit 1\n"
      "exec 3<>\"$d/e\" 4>\"$d/e\" 5<\"$d/e\" 3<&-\n"
      "rm -rf \"$d\"\n"
      "lxc monitor --type=lifecycle --format=json --project {project} </dev/null >&4 5<&- 2>/dev/null &\n"
      "m=$!\n"
      "{{ while read -r l; do [ -z \"$l\" ] || kill -USR1 $$ 2>/dev/null || exit 0; done; }} <&5 4>&- &\n"
      "r=$!\n"
      "exec 4>&- 5<&-\n"
      "printf 'lxd %s\\n' \"$s\" 2>/dev/null\n"
      "while [ \"$PPID\" != 1 ] && alive $PPID && alive $m && alive $r; do\n"
      "  [ $u = 0 ] || {{ u=0; echo changed 2>/dev/null; }}\n"
      "  kill -0 \"$t\" 2>/dev/null || {{ sleep 1 & t=$!; }}\n"
      "  wait $t\n"
      "done\n"
      "end\n",
      fmt::arg("search", lxd_socket_search()), fmt::arg("socket", quote_word(socket)),
      fmt::arg("project", quote_word(project)));
}

namespace {

// The one script for an ephemeral copy and a command in it (LXC's and LXD's): `make` (lines that
// exit on failure, and may call stop()), then `mark`, then `run` in the background with the
// script's stdin, a watchdog and traps that call `stop`. See ephemeral_script.
std::string ephemeral_steps(std::string_view make, std::string_view stop, std::string_view run,
                            std::string_view copied_mark, std::span<const std::string> command) {
  // The watchdog stops the copy when the SSH session goes away ($PPID is the sshd session process,
  // which exits when the connection is lost); traps stop it on INT/TERM/HUP (a `signal` request;
  // a mux master sends HUP when the client of a running command goes away).
  // `exec 3<&0` keeps stdin for the background command (POSIX gives background jobs /dev/null).
  std::string script = fmt::format(
      "stop() {{ {stop}; }}\n"
      "{make}"
      "{mark}"
      "trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; trap 'stop; exit 129' HUP\n"
      "( while kill -0 $PPID 2>/dev/null; do sleep 1; done; stop ) </dev/null >/dev/null 2>&1 &\n"
      "w=$!\n"
      "exec 3<&0\n"
      "{run} <&3 3<&- &\n"
      "a=$!\n"
      "wait $a; rc=$?\n"
      "trap - INT TERM HUP\n"
      "kill $w 2>/dev/null\n"
      "stop\n"
      "exit $rc\n",
      fmt::arg("stop", stop), fmt::arg("make", make), fmt::arg("run", run),
      fmt::arg("mark", copied_mark.empty() ? "" : fmt::format("printf '%s\\n' {} >&2\n", quote_word(copied_mark))));
  require_line_fits(script, "start-ephemeral", command);
  return script;
}

}  // namespace

std::string ephemeral_script(const EphemeralRun& run, const std::string& token, const RemoteContext& ctx,
                             std::string_view copied_mark) {
  const std::vector<std::string> stop_argv = {"lxc-stop", "-n", run.name, "-k"};
  std::vector<std::string> attach_argv = {"lxc-attach", "-n", run.name, "-v", "LXHOST_TOKEN=" + token, "--"};
  attach_argv.insert(attach_argv.end(), run.command.begin(), run.command.end());
  // lxc-copy's "Created ..." line is not CMD's output; `-o /dev/null` makes it print its errors.
  return ephemeral_steps(command_line(run.copy_argv, ctx) + " -o /dev/null >/dev/null || exit $?\n",
                         command_line(stop_argv, ctx) + " >/dev/null 2>&1", command_line(attach_argv, ctx), copied_mark,
                         run.command);
}

std::string lxd_ephemeral_script(const LxdEphemeralRun& run, std::string_view copied_mark) {
  const RemoteContext as_user{false, ""};
  const auto lxc = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"lxc"});
    argv.insert(argv.begin() + 2, {"--project", run.project});
    return command_line(argv, as_user);
  };
  std::vector<std::string> copy{"copy", run.orig, run.name, "--ephemeral", "--instance-only"};
  if (!run.target.empty()) copy.insert(copy.end(), {"--target", run.target});
  std::vector<std::string> exec{"exec", run.name, "--env", "LXHOST_TOKEN=" + run.token, "--"};
  exec.insert(exec.end(), run.command.begin(), run.command.end());
  // lxc start's progress ("Remapping container filesystem") is on stdout: not CMD's output. An
  // ephemeral instance goes when it stops; delete --force also takes one that never started.
  const std::string make = fmt::format(
      "{socket}{copy} >/dev/null || exit $?\n"
      "{start} >/dev/null || {{ rc=$?; stop; exit $rc; }}\n",
      fmt::arg("socket", run.socket.empty() ? "" : fmt::format("LXD_SOCKET={}; export LXD_SOCKET\n", quote_word(run.socket))),
      fmt::arg("copy", lxc(copy)), fmt::arg("start", lxc({"start", run.name})));
  return ephemeral_steps(make, lxc({"delete", run.name, "--force"}) + " >/dev/null 2>&1", lxc(exec), copied_mark,
                         run.command);
}

std::string terminal_type(std::optional<std::string_view> term) {
  const std::string_view type = term.value_or("");
  const bool printable = std::all_of(type.begin(), type.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (type.empty() || type.size() > 255 || !printable) return "xterm";
  return std::string(type);
}

}  // namespace lxhost
