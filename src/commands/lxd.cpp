// A verb on a host with `backend = "lxd"`: translated by the LXD table (core/lxd_verbs.hpp), sent
// to LXD's API socket on the host over the host's SSH session (Transport::exchange: a
// direct-streamlocal channel, through the mux master like every other channel), and LXD's answer
// printed as LXC's tool would print it (core/lxd_output.hpp). Asynchronous requests are waited
// for through their operation. attach and execute run LXD's own client on the host (`lxc exec`,
// pointed at the same socket by LXD_SOCKET), as the SSH user: on an LXD host the user reaches LXD
// as a member of its group, not through sudo. start-ephemeral -- CMD is one remote script of
// LXD's client (copy, start, exec, delete), so that Ctrl-C or a lost connection still deletes the copy.
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <variant>

#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/lxd_api.hpp"
#include "commands/remote_run.hpp"
#include "core/errors.hpp"
#include "core/legacy_verbs.hpp"
#include "core/lxd_output.hpp"
#include "core/lxd_verbs.hpp"
#include "core/remote_line.hpp"
#include "terminal.hpp"

namespace lxhost {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::size_t terminal_width() {
  return is_terminal(STDOUT_FILENO) ? static_cast<std::size_t>(terminal_size().cols) : 0;
}

// PUT /1.0/instances/NAME/state: `action` at once (stop: forced).
HttpRequest state_request(const std::string& name, std::string_view action, const LxdScope& scope) {
  return {"PUT", in_project("/1.0/instances/" + url_segment(name) + "/state", scope),
          fmt::format(R"({{"action":"{}","force":true,"timeout":-1}})", action)};
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// `lxc exec` on the host, as the SSH user (no sudo, no lxcpath), at LXD's socket: its output
// live, a terminal when the verb wants one, its exit code (128+N when a signal ended CMD).
int exec_on_host(Context& ctx, const Verb& verb, const Lxd& lxd, const LxdExec& exec) {
  std::vector<std::string> argv{"env", "LXD_SOCKET=" + lxd.socket()};
  argv.insert(argv.end(), exec.argv.begin(), exec.argv.end());
  RemoteContext remote = ctx.remote_context();
  remote.sudo = false;
  remote.lxcpath.clear();
  RemoteCommand command;
  command.pty = wants_pty(ctx.invocation().options.tty, verb.interactive);
  command.line = tool_line(argv, remote);
  ctx.log().debug("remote line: {}", command.line);
  return run_remote(ctx, command, "lxc");
}

// lxc-execute: CMD in an instance that is stopped, started for it and stopped after (when lxhost
// is interrupted too; not when the connection to the host is lost).
int execute(Context& ctx, const Verb& verb, Lxd& lxd, const LxdExec& exec, const LxdScope& scope) {
  const std::string state = lxd.reachable(exec.name).state;
  if (state != "STOPPED")
    throw Failure(fmt::format("{} is {}: execute runs a command in a stopped container", exec.name, lowercase(state)),
                  fmt::format("attach -n {} -- CMD runs it in the running one", exec.name));
  lxd.run(state_request(exec.name, "start", scope));
  int code = 0;
  try {
    code = exec_on_host(ctx, verb, lxd, exec);
  } catch (...) {
    try {
      lxd.run(state_request(exec.name, "stop", scope));
    } catch (const Error& e) {
      ctx.log().warn("{} is left running: {}", exec.name, e.what());
    }
    throw;
  }
  lxd.run(state_request(exec.name, "stop", scope));
  return code;
}

// lxc-destroy: a running instance only with -f (stopped first, forced), as lxc-destroy.
void destroy(Lxd& lxd, const LxdDestroy& destroy) {
  const std::string state = lxd.reachable(destroy.name).state;
  if (state != "STOPPED") {
    if (!destroy.force)
      throw Failure(fmt::format("{} is {}", destroy.name, lowercase(state)),
                    fmt::format("stop it first, or destroy -f -n {}", destroy.name));
    lxd.run(destroy.stop);
  }
  lxd.run(destroy.remove);
}

// lxc-wait: the instance's state polled until it is one of `wait.states`, within its timeout. A
// timeout is exit 1 with one line (lxc-wait's exit, and a word on why).
int wait(Lxd& lxd, const LxdWait& wait) {
  constexpr milliseconds kPoll{200};
  const bool bounded = wait.timeout_s.has_value();
  const steady_clock::time_point deadline = steady_clock::now() + std::chrono::seconds(wait.timeout_s.value_or(0));
  for (;;) {
    const std::string state = lxd.instance(wait.name).state;
    if (std::find(wait.states.begin(), wait.states.end(), state) != wait.states.end()) return 0;
    const steady_clock::time_point now = steady_clock::now();
    if (bounded && now >= deadline)
      throw Failure(fmt::format("{} is {}, not {}, after {} s", wait.name, state, fmt::join(wait.states, "|"),
                                wait.timeout_s.value_or(0)));
    std::this_thread::sleep_for(bounded ? std::min(kPoll, std::chrono::ceil<milliseconds>(deadline - now)) : kPoll);
  }
}

// lxc-snapshot: create (the next snapN), -L, -r (in place, or -N as a new instance), -d. As
// lxc-snapshot, only -L prints.
void snapshot(Context& ctx, Lxd& lxd, const LxdSnapshot& snap, const LxdScope& scope) {
  lxd.reachable(snap.name);
  switch (snap.op) {
    case LxdSnapshot::Op::list:
      fmt::print("{}", render_lxd_snapshots(parse_lxd_snapshots(lxd.sync(snap.request))));
      return;
    case LxdSnapshot::Op::create: {
      const std::string name = next_snapshot_name(parse_lxd_snapshots(lxd.sync(snap.request)));
      lxd.run({"POST", in_project("/1.0/instances/" + url_segment(snap.name) + "/snapshots", scope),
               fmt::format(R"({{"name":"{}"}})", name)});
      return;
    }
    case LxdSnapshot::Op::restore_as:
      lxd.run(lxd.with_source(snap.request, snap.name + "/" + snap.snapshot));
      invalidate_container_cache(ctx);
      return;
    case LxdSnapshot::Op::restore:
    case LxdSnapshot::Op::remove: lxd.run(snap.request); return;
  }
}

// start-ephemeral (and copy -e): an ephemeral copy, started. With -- CMD, one script on the host
// copies, starts, runs CMD and deletes the copy (lxd_ephemeral_script); without, the copy stays up
// (LXD deletes it when it stops) and its name is printed as lxc-copy prints it.
int ephemeral(Context& ctx, std::string_view verb, Lxd& lxd, const LxdEphemeral& e, const LxdScope& scope) {
  lxd.reachable(e.orig);
  if (lxd.exists(e.name)) throw Failure(fmt::format("{}: '{}' already exists on {}", verb, e.name, ctx.host().name));
  if (e.command.empty()) {
    lxd.run(lxd.with_source(e.copy, e.orig));
    try {
      lxd.run(state_request(e.name, "start", scope));
    } catch (const Error&) {
      try {
        lxd.run({"DELETE", in_project("/1.0/instances/" + url_segment(e.name), scope), ""});
      } catch (const Error& left) {
        ctx.log().warn("the copy {} is left (stopped): {}", e.name, left.what());
      }
      throw;
    }
    invalidate_container_cache(ctx);
    fmt::print("Created {} as clone of {}\n", e.name, e.orig);
    return 0;
  }
  const LxdEphemeralRun run{lxd.socket(), scope.project, e.orig, e.name, e.target, make_token(), e.command};
  RemoteCommand command;
  command.pty = wants_pty(ctx.invocation().options.tty, false);
  command.line = lxd_ephemeral_script(run);
  ctx.log().debug("remote line: {}", command.line);
  const int code = run_remote(ctx, command, "lxc");
  invalidate_container_cache(ctx);
  return code;
}

}  // namespace

std::string lxd_ls_output(Context& ctx, std::span<const std::string> args) {
  const LxdAction action = translate_lxd("ls", args, LxdScope{ctx.host().lxd_project.value}, "");
  const LxdList& list = std::get<LxdList>(action);
  Lxd lxd(ctx);
  return render_lxd_ls(parse_lxd_instances(lxd.sync(list.request)), list, 0);
}

int run_lxd(Context& ctx, const Verb& verb, std::span<const std::string> typed) {
  if (asks_for_help(typed)) return print_verb_help(ctx, verb);
  const std::vector<std::string> args = with_verb_defaults(ctx, verb, typed);
  const LxdScope scope{ctx.host().lxd_project.value};
  const LxdAction action = translate_lxd(verb.name, args, scope, "lxhost-" + make_token().substr(0, 8));
  return std::visit(
      [&](const auto& a) -> int {
        using A = std::decay_t<decltype(a)>;
        Lxd lxd(ctx);
        if constexpr (std::is_same_v<A, LxdList>) {
          fmt::print("{}", render_lxd_ls(parse_lxd_instances(lxd.sync(a.request)), a, terminal_width()));
        } else if constexpr (std::is_same_v<A, LxdInfo>) {
          lxd.reachable(a.name);  // GET /1.0/instances/NAME waits for a member that is down
          fmt::print("{}", render_lxd_info(parse_lxd_instance(lxd.sync(a.request)), a));
        } else if constexpr (std::is_same_v<A, LxdWait>) {
          return wait(lxd, a);
        } else if constexpr (std::is_same_v<A, LxdEphemeral>) {
          return ephemeral(ctx, verb.name, lxd, a, scope);
        } else if constexpr (std::is_same_v<A, LxdSnapshot>) {
          snapshot(ctx, lxd, a, scope);
        } else if constexpr (std::is_same_v<A, LxdExec>) {
          if (!a.start_first) lxd.reachable(a.name);
          const int code = a.start_first ? execute(ctx, verb, lxd, a, scope) : exec_on_host(ctx, verb, lxd, a);
          if (verb.cache == CacheEffect::invalidate) invalidate_container_cache(ctx);
          return code;
        } else {
          if constexpr (std::is_same_v<A, LxdStateChange>) {
            lxd.reachable(a.name);
            lxd.run(a.request, a.wait);  // lxc-stop -W: not waited for
          }
          if constexpr (std::is_same_v<A, LxdDestroy>) destroy(lxd, a);
          if constexpr (std::is_same_v<A, LxdCopy>) {
            lxd.reachable(a.source);
            lxd.run(a.rename ? a.request : lxd.with_source(a.request, a.source));
            if (a.start) lxd.run(state_request(a.name, "start", scope));
          }
          invalidate_container_cache(ctx);
        }
        return 0;
      },
      action);
}

}  // namespace lxhost
