#include "core/lxd_verbs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/getopt_args.hpp"

namespace lxhost {

namespace {

using nlohmann::json;

// What an option means to the LXD translation. `lxc_only`: an LXC flag with no LXD meaning.
enum class Opt {
  name, new_name, orig, quiet, lxc_only, target,
  line, fancy, fancy_format, filter, running, stopped, frozen, active, defined,  // ls
  state, pid, ips, stats, no_humanize,                                          // info
  daemon, kill, reboot, nowait, timeout,                                        // start, stop
  set_var, uid, gid,                                                            // attach, execute
  snapshot, ephemeral, rename,                                                  // copy, clone
  force, snapshots,                                                             // destroy
  list, restore, destroy_one,                                                   // snapshot
  wait_state,                                                                   // wait
};

using Option = GetoptOption<Opt>;
using Parsed = GetoptArgs<Opt>;

constexpr Option kName{'n', "name", true, Opt::name};
constexpr Option kTarget{0, "target", true, Opt::target};
// The common options of LXC's tools: -q is harmless, the others are about LXC's own files.
constexpr std::array kCommon = {
    Option{'q', "quiet", false, Opt::quiet},        Option{'P', "lxcpath", true, Opt::lxc_only},
    Option{'o', "logfile", true, Opt::lxc_only},    Option{'l', "logpriority", true, Opt::lxc_only},
    Option{0, "rcfile", true, Opt::lxc_only},
};

template <std::size_t N>
constexpr std::array<Option, N + kCommon.size()> with_common(const std::array<Option, N>& own) {
  std::array<Option, N + kCommon.size()> all{};
  std::size_t i = 0;
  for (const Option& o : own) all[i++] = o;
  for (const Option& o : kCommon) all[i++] = o;
  return all;
}

constexpr auto kLs = with_common(std::to_array<Option>({
    {'1', "line", false, Opt::line}, {'f', "fancy", false, Opt::fancy},
    {'F', "fancy-format", true, Opt::fancy_format}, {0, "filter", true, Opt::filter},
    {0, "running", false, Opt::running}, {0, "stopped", false, Opt::stopped}, {0, "frozen", false, Opt::frozen},
    {0, "active", false, Opt::active}, {0, "defined", false, Opt::defined}, {0, "nesting", false, Opt::lxc_only},
    {'g', "groups", true, Opt::lxc_only},
}));
constexpr auto kInfo = with_common(std::to_array<Option>({
    kName, {'s', "state", false, Opt::state}, {'p', "pid", false, Opt::pid}, {'i', "ips", false, Opt::ips},
    {'S', "stats", false, Opt::stats}, {'H', "no-humanize", false, Opt::no_humanize},
    {'c', "config", true, Opt::lxc_only},
}));
constexpr auto kStart = with_common(std::to_array<Option>({
    kName, {'d', "daemon", false, Opt::daemon}, {'F', "foreground", false, Opt::lxc_only},
    {'p', "pidfile", true, Opt::lxc_only}, {'f', "rcfile", true, Opt::lxc_only}, {'c', "console", true, Opt::lxc_only},
    {'L', "console-log", true, Opt::lxc_only}, {'C', "close-all-fds", false, Opt::lxc_only},
    {'s', "define", true, Opt::lxc_only}, {0, "share-net", true, Opt::lxc_only}, {0, "share-ipc", true, Opt::lxc_only},
    {0, "share-uts", true, Opt::lxc_only}, {0, "share-pid", true, Opt::lxc_only},
}));
constexpr auto kStop = with_common(std::to_array<Option>({
    kName, {'k', "kill", false, Opt::kill}, {'r', "reboot", false, Opt::reboot}, {'W', "nowait", false, Opt::nowait},
    {'t', "timeout", true, Opt::timeout}, {0, "nolock", false, Opt::lxc_only}, {0, "nokill", false, Opt::lxc_only},
}));
constexpr auto kNameOnly = with_common(std::to_array<Option>({kName}));
constexpr auto kAttach = with_common(std::to_array<Option>({
    kName, {'v', "set-var", true, Opt::set_var}, {'u', "uid", true, Opt::uid}, {'g', "gid", true, Opt::gid},
    {'e', "elevated-privileges", true, Opt::lxc_only}, {'a', "arch", true, Opt::lxc_only},
    {'s', "namespaces", true, Opt::lxc_only}, {'R', "remount-sys-proc", false, Opt::lxc_only},
    {0, "clear-env", false, Opt::lxc_only}, {0, "keep-env", false, Opt::lxc_only}, {'L', "pty-log", true, Opt::lxc_only},
    {0, "keep-var", true, Opt::lxc_only}, {'f', "rcfile", true, Opt::lxc_only}, {'c', "context", true, Opt::lxc_only},
}));
constexpr auto kExecute = with_common(std::to_array<Option>({
    kName, {'u', "uid", true, Opt::uid}, {'g', "gid", true, Opt::gid}, {'d', "daemon", false, Opt::lxc_only},
    {'f', "rcfile", true, Opt::lxc_only}, {'s', "define", true, Opt::lxc_only},
}));
constexpr auto kCopy = with_common(std::to_array<Option>({
    kName, kTarget, {'N', "newname", true, Opt::new_name}, {'R', "rename", false, Opt::rename},
    {'s', "snapshot", false, Opt::snapshot}, {'e', "ephemeral", false, Opt::ephemeral},
    {'d', "daemon", false, Opt::daemon}, {'F', "foreground", false, Opt::lxc_only}, {'p', "newpath", true, Opt::lxc_only},
    {'a', "allowrunning", false, Opt::lxc_only}, {'m', "mount", true, Opt::lxc_only},
    {'B', "backingstorage", true, Opt::lxc_only}, {'t', "tmpfs", false, Opt::lxc_only}, {'L', "fssize", true, Opt::lxc_only},
    {'D', "keepdata", false, Opt::lxc_only}, {'K', "keepname", false, Opt::lxc_only}, {'M', "keepmac", false, Opt::lxc_only},
}));
// LXC 1's lxc-clone: a script with options of its own, no common ones.
constexpr auto kClone = std::to_array<Option>({
    kTarget, {'o', "orig", true, Opt::orig}, {'n', "new", true, Opt::new_name}, {'s', "snapshot", false, Opt::snapshot},
    {'B', "backingstore", true, Opt::lxc_only}, {'L', "fssize", true, Opt::lxc_only}, {'K', "keepname", false, Opt::lxc_only},
    {'M', "keepmac", false, Opt::lxc_only}, {'p', "lxcpath", true, Opt::lxc_only}, {'P', "newpath", true, Opt::lxc_only},
});
constexpr auto kDestroy = with_common(std::to_array<Option>({
    kName, {'f', "force", false, Opt::force}, {'s', "snapshots", false, Opt::snapshots},
}));
constexpr auto kSnapshot = with_common(std::to_array<Option>({
    kName, {'L', "list", false, Opt::list}, {'r', "restore", true, Opt::restore}, {'N', "newname", true, Opt::new_name},
    {'d', "destroy", true, Opt::destroy_one}, {'c', "comment", true, Opt::lxc_only},
    {'C', "showcomments", false, Opt::lxc_only},
}));
// LXC 1's lxc-start-ephemeral.
constexpr auto kStartEphemeral = std::to_array<Option>({
    kTarget, {'o', "orig", true, Opt::orig}, {'n', "name", true, Opt::name}, {'d', "daemon", false, Opt::daemon},
    {'k', "keep-data", false, Opt::lxc_only}, {'b', "bdir", true, Opt::lxc_only}, {'u', "union-type", true, Opt::lxc_only},
});
constexpr auto kWait = with_common(std::to_array<Option>({
    kName, {'s', "state", true, Opt::wait_state}, {'t', "timeout", true, Opt::timeout},
}));

// The LXD command that does what an LXC-only verb or flag did (the hint of its UsageError). A
// flag is named by its long form: a letter means different things to different verbs (-s is
// start's --define and attach's --namespaces), a long name one thing.
struct Instead {
  std::string_view what;  // a verb, "create", or a flag, "--lxcpath"
  std::string_view hint;
};
constexpr std::array kInstead = {
    Instead{"create", "LXD makes instances from images: lxc launch IMAGE NAME (on the host)"},
    Instead{"console", "use LXD's console on the host: lxc console NAME"},
    Instead{"top", "use lxc list, or lxc info NAME for one instance's resources (on the host)"},
    Instead{"monitor", "use lxc monitor --type=lifecycle (on the host)"},
    Instead{"cgroup", "limits are instance config on LXD: lxc config set NAME limits.memory 1GiB (on the host)"},
    Instead{"device", "use lxc config device add NAME DEVICE TYPE ... (on the host)"},
    Instead{"checkpoint", "use lxc snapshot NAME --stateful, which needs CRIU (on the host)"},
    Instead{"autostart", "use lxc config set NAME boot.autostart true (on the host)"},
    Instead{"update-config", "LXD keeps no LXC config file: lxc config edit NAME (on the host)"},
    Instead{"config", "use lxc info for the server, lxc config show NAME for an instance (on the host)"},
    Instead{"--lxcpath", "an LXD host's instances are in its project (lxd_project in lxhost's config), not an lxcpath"},
    Instead{"--backingstorage", "use a storage pool: lxc copy NAME NEW --storage POOL (on the host)"},
    Instead{"--backingstore", "use a storage pool: lxc copy NAME NEW --storage POOL (on the host)"},
    Instead{"--mount", "use lxc config device add NAME DEVICE disk source=DIR path=DIR (on the host)"},
    Instead{"--define", "use lxc config set NAME KEY VALUE (on the host)"},
    Instead{"--foreground", "start it, then lxc console NAME (on the host)"},
    Instead{"--console", "start it, then lxc console NAME (on the host)"},
    Instead{"--config", "use lxc config get NAME KEY (on the host)"},
    Instead{"--comment", "LXD's snapshots carry no comment: lxc snapshot NAME SNAP (on the host)"},
    Instead{"--keepdata", "an ephemeral LXD instance is deleted when it stops: copy it without -e to keep it"},
    Instead{"--keep-data", "an ephemeral LXD instance is deleted when it stops: copy it, then start the copy"},
    Instead{"--groups", "LXD has no groups: lxc list with a filter (on the host)"},
};

std::string_view instead(std::string_view what) {
  for (const Instead& i : kInstead)
    if (i.what == what) return i.hint;
  return "LXD's own client on the host (lxc --help) does what LXD can do";
}

// The long form of a flag as typed ("-P" -> "--lxcpath"), for the hint table.
std::string long_form(std::span<const Option> table, const std::string& typed) {
  if (typed.starts_with("--") || typed.size() != 2) return typed;
  for (const Option& o : table)
    if (o.short_name == typed[1] && !o.long_name.empty()) return "--" + std::string(o.long_name);
  return typed;
}

template <std::size_t N>
Parsed parse(std::string_view verb, const std::array<Option, N>& table, std::span<const std::string> args) {
  Parsed parsed = parse_getopt(verb, std::span<const Option>(table), args);
  for (const GetoptGiven<Opt>& given : parsed.options) {
    if (given.id != Opt::lxc_only) continue;
    throw UsageError(fmt::format("{}: {} is LXC's; it has no meaning on an LXD host", verb, given.typed),
                     std::string(instead(long_form(std::span<const Option>(table), given.typed))));
  }
  return parsed;
}

std::string last(const Parsed& parsed, Opt id) {
  std::string value;
  for (const GetoptGiven<Opt>& given : parsed.options)
    if (given.id == id) value = given.value;
  return value;
}
bool has(const Parsed& parsed, Opt id) {
  return std::any_of(parsed.options.begin(), parsed.options.end(), [id](const GetoptGiven<Opt>& g) { return g.id == id; });
}

// The instance: -n NAME, else the first positional (as LXC's tools take it). Nothing more may
// follow, and nothing after `--` unless the verb runs a command.
std::string instance_name(std::string_view verb, const Parsed& parsed, bool takes_command = false) {
  std::string name = last(parsed, Opt::name);
  std::size_t next = 0;
  if (name.empty() && !parsed.positionals.empty()) name = parsed.positionals[next++];
  if (next < parsed.positionals.size())
    throw UsageError(fmt::format("{}: unexpected argument {}", verb, single_quoted(parsed.positionals[next])));
  if (name.empty()) throw UsageError(fmt::format("{}: missing the container's name (-n NAME)", verb));
  if (parsed.saw_double_dash && !takes_command)
    throw UsageError(fmt::format("{}: takes no command after --", verb));
  return name;
}

int seconds(std::string_view verb, const std::string& typed, const std::string& value) {
  int n = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (error != std::errc{} || end != value.data() + value.size() || n < -1)
    throw UsageError(fmt::format("{}: {} takes whole seconds (-1: no bound), not {}", verb, typed, single_quoted(value)));
  return n;
}
std::string typed_flag(const Parsed& parsed, Opt id) {
  for (const GetoptGiven<Opt>& given : parsed.options)
    if (given.id == id) return given.typed;
  return "";
}

HttpRequest request(std::string method, std::string_view path, const LxdScope& scope, const json& body = nullptr) {
  return {std::move(method), in_project(path, scope), body.is_null() ? "" : body.dump()};
}
std::string instance_path(const std::string& name, std::string_view rest = {}) {
  return "/1.0/instances/" + url_segment(name) + std::string(rest);
}
std::string new_instance_path(const std::string& target) {
  return target.empty() ? "/1.0/instances" : "/1.0/instances?target=" + url_segment(target);
}
json copy_body(const std::string& source, const std::string& name, bool ephemeral) {
  // instance_only: as lxc-copy, the copy has none of the original's snapshots.
  return {{"name", name},
          {"ephemeral", ephemeral},
          {"source", {{"type", "copy"}, {"source", source}, {"instance_only", true}}}};
}

LxdAction ls(std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse("ls", kLs, args);
  if (parsed.saw_double_dash) throw UsageError("ls: takes no command after --");
  if (parsed.positionals.size() > 1)
    throw UsageError("ls: unexpected argument " + single_quoted(parsed.positionals[1]), "one FILTER (a regular expression)");
  LxdList list;
  for (const GetoptGiven<Opt>& given : parsed.options) {
    switch (given.id) {
      case Opt::line: list.format = LxdList::Format::lines; break;
      case Opt::fancy: list.format = LxdList::Format::fancy; break;
      case Opt::filter: list.filter = given.value; break;
      case Opt::running: list.states = LxdStates::running; break;
      case Opt::stopped: list.states = LxdStates::stopped; break;
      case Opt::frozen: list.states = LxdStates::frozen; break;
      case Opt::active: list.states = LxdStates::active; break;
      default: break;  // --defined: every instance is defined; -q
    }
  }
  if (!parsed.positionals.empty()) list.filter = parsed.positionals.front();
  const std::string fields = last(parsed, Opt::fancy_format);
  // lxc-ls's columns, and LOCATION: the cluster member that holds the instance.
  static constexpr std::array<std::string_view, 12> known = {"NAME", "STATE",  "PID",  "RAM",  "SWAP",         "AUTOSTART",
                                                             "GROUPS", "INTERFACE", "IPV4", "IPV6", "UNPRIVILEGED", "LOCATION"};
  for (std::size_t start = 0; !fields.empty() && start <= fields.size();) {
    const std::size_t comma = std::min(fields.find(',', start), fields.size());
    const std::string field = fields.substr(start, comma - start);
    if (std::find(known.begin(), known.end(), field) == known.end())
      throw UsageError("ls: -F: unknown column " + single_quoted(field),
                       "NAME, STATE, PID, RAM, SWAP, AUTOSTART, GROUPS, INTERFACE, IPV4, IPV6, UNPRIVILEGED, LOCATION");
    list.fields.push_back(field);
    start = comma + 1;
  }
  if (list.fields.empty()) list.fields = {"NAME", "STATE", "AUTOSTART", "GROUPS", "IPV4", "IPV6", "UNPRIVILEGED"};
  // recursion=1 has each instance's status, member and config; the running state (pid, memory,
  // interfaces, addresses) is recursion=2's, which LXD reads from every member: 3x the time here.
  static constexpr std::array<std::string_view, 6> of_state = {"PID", "RAM", "SWAP", "INTERFACE", "IPV4", "IPV6"};
  const bool needs_state =
      list.format == LxdList::Format::fancy && std::any_of(list.fields.begin(), list.fields.end(), [](const std::string& f) {
        return std::find(of_state.begin(), of_state.end(), f) != of_state.end();
      });
  list.request = request("GET", needs_state ? "/1.0/instances?recursion=2" : "/1.0/instances?recursion=1", scope);
  return list;
}

LxdAction info(std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse("info", kInfo, args);
  LxdInfo out;
  out.name = instance_name("info", parsed);
  out.request = request("GET", instance_path(out.name, "?recursion=1"), scope);
  out.state = has(parsed, Opt::state);
  out.pid = has(parsed, Opt::pid);
  out.ips = has(parsed, Opt::ips);
  out.stats = has(parsed, Opt::stats);
  out.humanize = !has(parsed, Opt::no_humanize);
  if (!out.state && !out.pid && !out.ips && !out.stats) out.state = out.pid = out.ips = out.stats = true;
  return out;
}

LxdStateChange state_change(std::string name, const json& body, const LxdScope& scope, bool wait = true) {
  LxdStateChange out;
  out.request = request("PUT", instance_path(name, "/state"), scope, body);
  out.name = std::move(name);
  out.wait = wait;
  return out;
}

LxdAction start(std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse("start", kStart, args);  // -d: LXD's instances always run detached
  return state_change(instance_name("start", parsed), {{"action", "start"}}, scope);
}

LxdAction stop(std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse("stop", kStop, args);
  std::string name = instance_name("stop", parsed);
  const bool reboot = has(parsed, Opt::reboot);
  const bool kill = has(parsed, Opt::kill);
  int timeout = -1;
  if (has(parsed, Opt::timeout)) timeout = seconds("stop", typed_flag(parsed, Opt::timeout), last(parsed, Opt::timeout));
  const json body = {{"action", reboot ? "restart" : "stop"}, {"force", kill}, {"timeout", timeout}};
  return state_change(std::move(name), body, scope, !has(parsed, Opt::nowait));
}

LxdAction freeze(std::string_view verb, std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse(verb, kNameOnly, args);
  return state_change(instance_name(verb, parsed), {{"action", verb == "freeze" ? "freeze" : "unfreeze"}}, scope);
}

// `lxc exec NAME --project P [--env K=V]... [--user U] [--group G] -- CMD...`; no CMD: a login
// shell, as LXD's own `lxc shell` gives (su -l).
LxdExec exec(std::string_view verb, const Parsed& parsed, const LxdScope& scope) {
  LxdExec out;
  out.name = instance_name(verb, parsed, true);
  out.argv = {"lxc", "exec", out.name, "--project", scope.project};
  for (const GetoptGiven<Opt>& given : parsed.options) {
    if (given.id == Opt::set_var) {
      if (given.value.find('=') == std::string::npos || given.value.front() == '=')
        throw UsageError(fmt::format("{}: {} takes VAR=VALUE, not {}", verb, given.typed, single_quoted(given.value)));
      out.argv.insert(out.argv.end(), {"--env", given.value});
    }
    if (given.id == Opt::uid) out.argv.insert(out.argv.end(), {"--user", given.value});
    if (given.id == Opt::gid) out.argv.insert(out.argv.end(), {"--group", given.value});
  }
  out.argv.push_back("--");
  if (parsed.after_double_dash.empty()) {
    if (verb == "execute") throw UsageError("execute: missing the command (-- CMD)");
    out.argv.insert(out.argv.end(), {"su", "-l"});
  } else {
    out.argv.insert(out.argv.end(), parsed.after_double_dash.begin(), parsed.after_double_dash.end());
  }
  return out;
}

LxdAction attach(std::span<const std::string> args, const LxdScope& scope) {
  return exec("attach", parse("attach", kAttach, args), scope);
}

LxdAction execute(std::span<const std::string> args, const LxdScope& scope) {
  LxdExec out = exec("execute", parse("execute", kExecute, args), scope);
  out.start_first = true;
  return out;
}

LxdEphemeral ephemeral(std::string orig, std::string name, const std::string& target, const LxdScope& scope) {
  LxdEphemeral out;
  out.copy = request("POST", new_instance_path(target), scope, copy_body(orig, name, true));
  out.orig = std::move(orig);
  out.name = std::move(name);
  out.target = target;
  return out;
}

LxdAction copy(std::span<const std::string> args, const LxdScope& scope, const std::string& generated_name) {
  const Parsed parsed = parse("copy", kCopy, args);
  std::string source = instance_name("copy", parsed);
  std::string name = last(parsed, Opt::new_name);
  const std::string target = last(parsed, Opt::target);
  if (has(parsed, Opt::rename)) {
    if (name.empty()) throw UsageError("copy: -R needs the new name (-N NAME)");
    if (!target.empty() || has(parsed, Opt::ephemeral))
      throw UsageError("copy: -R renames in place: no --target or -e with it");
    LxdCopy out;
    out.request = request("POST", instance_path(source), scope, {{"name", name}});
    out.rename = true;
    out.source = std::move(source);
    out.name = std::move(name);
    return out;
  }
  if (has(parsed, Opt::ephemeral)) {  // lxc-copy -e: started daemonized (-d is its default)
    LxdEphemeral out = ephemeral(std::move(source), name.empty() ? generated_name : name, target, scope);
    out.daemon = true;
    return out;
  }
  if (name.empty()) throw UsageError("copy: missing the new name (-N NAME)");
  if (has(parsed, Opt::daemon)) throw UsageError("copy: -d starts an ephemeral copy: give -e with it");
  LxdCopy out;  // -s: LXD's copy is already as cheap as the storage pool makes it
  out.request = request("POST", new_instance_path(target), scope, copy_body(source, name, false));
  out.source = std::move(source);
  out.name = std::move(name);
  return out;
}

LxdAction clone(std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse("clone", kClone, args);
  if (parsed.saw_double_dash) throw UsageError("clone: takes no hook options after -- on an LXD host");
  std::string orig = last(parsed, Opt::orig);
  std::string name = last(parsed, Opt::new_name);
  std::size_t next = 0;  // as lxc-clone: ORIG then NEW as positionals, unless -o and -n named them
  if (orig.empty() && next < parsed.positionals.size()) orig = parsed.positionals[next++];
  if (name.empty() && next < parsed.positionals.size()) name = parsed.positionals[next++];
  if (next < parsed.positionals.size()) throw UsageError("clone: unexpected argument " + single_quoted(parsed.positionals[next]));
  if (orig.empty()) throw UsageError("clone: missing the original container (-o NAME or first argument)");
  if (name.empty()) throw UsageError("clone: missing the new container's name (-n NAME or second argument)");
  LxdCopy out;
  out.request = request("POST", new_instance_path(last(parsed, Opt::target)), scope, copy_body(orig, name, false));
  out.source = std::move(orig);
  out.name = std::move(name);
  return out;
}

LxdAction destroy(std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse("destroy", kDestroy, args);  // -s: snapshots go with the instance
  LxdDestroy out;
  out.name = instance_name("destroy", parsed);
  out.force = has(parsed, Opt::force);
  out.stop = request("PUT", instance_path(out.name, "/state"), scope, {{"action", "stop"}, {"force", true}, {"timeout", -1}});
  out.remove = request("DELETE", instance_path(out.name), scope);
  return out;
}

LxdAction snapshot(std::span<const std::string> args, const LxdScope& scope) {
  const Parsed parsed = parse("snapshot", kSnapshot, args);
  LxdSnapshot out;
  out.name = instance_name("snapshot", parsed);
  const int ops = int{has(parsed, Opt::list)} + int{has(parsed, Opt::restore)} + int{has(parsed, Opt::destroy_one)};
  if (ops > 1) throw UsageError("snapshot: one of -L, -r and -d at a time");
  out.new_name = last(parsed, Opt::new_name);
  if (!out.new_name.empty() && !has(parsed, Opt::restore)) throw UsageError("snapshot: -N names the restored copy: give -r with it");
  const std::string snapshots = instance_path(out.name, "/snapshots");
  if (has(parsed, Opt::restore)) {
    out.snapshot = last(parsed, Opt::restore);
    if (out.new_name.empty() || out.new_name == out.name) {
      out.op = LxdSnapshot::Op::restore;
      out.request = request("PUT", instance_path(out.name), scope, {{"restore", out.snapshot}});
    } else {
      out.op = LxdSnapshot::Op::restore_as;
      out.request = request("POST", "/1.0/instances", scope,
                            {{"name", out.new_name},
                             {"source", {{"type", "copy"}, {"source", out.name + "/" + out.snapshot}}}});
    }
  } else if (has(parsed, Opt::destroy_one)) {
    out.op = LxdSnapshot::Op::remove;
    out.snapshot = last(parsed, Opt::destroy_one);
    out.request = request("DELETE", snapshots + "/" + url_segment(out.snapshot), scope);
  } else {
    out.op = has(parsed, Opt::list) ? LxdSnapshot::Op::list : LxdSnapshot::Op::create;
    out.request = request("GET", snapshots + "?recursion=1", scope);
  }
  return out;
}

LxdAction start_ephemeral(std::span<const std::string> args, const LxdScope& scope, const std::string& generated_name) {
  const Parsed parsed = parse("start-ephemeral", kStartEphemeral, args);
  if (!parsed.positionals.empty())
    throw UsageError("start-ephemeral: unexpected argument " + single_quoted(parsed.positionals.front()),
                     "name the original container with -o NAME; a command goes after --");
  std::string orig = last(parsed, Opt::orig);
  if (orig.empty()) throw UsageError("start-ephemeral: missing the original container (-o NAME)");
  const std::string name = last(parsed, Opt::name);
  LxdEphemeral out = ephemeral(std::move(orig), name.empty() ? generated_name : name, last(parsed, Opt::target), scope);
  out.command = parsed.after_double_dash;
  out.daemon = has(parsed, Opt::daemon);
  if (out.daemon && !out.command.empty())
    throw UsageError("start-ephemeral: " + typed_flag(parsed, Opt::daemon) + " cannot be used with a command (-- CMD)");
  return out;
}

LxdAction wait(std::span<const std::string> args) {
  const Parsed parsed = parse("wait", kWait, args);
  LxdWait out;
  out.name = instance_name("wait", parsed);
  const std::string states = last(parsed, Opt::wait_state);
  if (states.empty()) throw UsageError("wait: missing the state to wait for (-s STATE)");
  for (std::size_t start = 0; start <= states.size();) {
    const std::size_t bar = std::min(states.find('|', start), states.size());
    const std::string state = states.substr(start, bar - start);
    static constexpr std::array<std::string_view, 5> lxc_only = {"STARTING", "STOPPING", "ABORTING", "FREEZING",
                                                                 "THAWED"};
    if (std::find(lxc_only.begin(), lxc_only.end(), state) != lxc_only.end())
      throw UsageError("wait: LXD reports no " + state + " state", "it reports RUNNING, STOPPED and FROZEN");
    if (state != "RUNNING" && state != "STOPPED" && state != "FROZEN")
      throw UsageError("wait: unknown state " + single_quoted(state), "RUNNING, STOPPED or FROZEN, several joined by |");
    out.states.push_back(state);
    start = bar + 1;
  }
  if (has(parsed, Opt::timeout)) {
    const int timeout = seconds("wait", typed_flag(parsed, Opt::timeout), last(parsed, Opt::timeout));
    if (timeout >= 0) out.timeout_s = timeout;
  }
  return out;
}

}  // namespace

std::string url_segment(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '.' || c == '_' || c == '~' || c == '-') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

std::string in_project(std::string_view target, const LxdScope& scope) {
  return fmt::format("{}{}project={}", target, target.find('?') == std::string_view::npos ? '?' : '&',
                     url_segment(scope.project));
}

LxdAction translate_lxd(std::string_view verb, std::span<const std::string> args, const LxdScope& scope,
                        const std::string& generated_name) {
  if (verb == "ls") return ls(args, scope);
  if (verb == "info") return info(args, scope);
  if (verb == "start") return start(args, scope);
  if (verb == "stop") return stop(args, scope);
  if (verb == "freeze" || verb == "unfreeze") return freeze(verb, args, scope);
  if (verb == "attach") return attach(args, scope);
  if (verb == "execute") return execute(args, scope);
  if (verb == "copy") return copy(args, scope, generated_name);
  if (verb == "clone") return clone(args, scope);
  if (verb == "destroy") return destroy(args, scope);
  if (verb == "snapshot") return snapshot(args, scope);
  if (verb == "start-ephemeral") return start_ephemeral(args, scope, generated_name);
  if (verb == "wait") return wait(args);
  throw UsageError(fmt::format("{}: has no meaning on an LXD host", verb), std::string(instead(verb)));
}

}  // namespace lxhost
