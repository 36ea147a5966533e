#include "core/verbs.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "core/command_table.hpp"

namespace lxhost {

namespace {

using Flag = std::string_view;

// The "Common options" every LXC 5.0.2 tool built on its argument parser prints in --help.
constexpr auto common_flags = std::to_array<Flag>({
    "-o", "--logfile", "-l", "--logpriority", "-q", "--quiet", "-P", "--lxcpath",
    "-?", "--help", "--usage", "--version",
});

// The common options that take a value (getopt's required_argument in LXC's arguments.h).
constexpr auto common_values = std::to_array<Flag>({
    "-n", "--name", "-o", "--logfile", "-l", "--logpriority", "-P", "--lxcpath", "--rcfile",
});

template <std::size_t N, std::size_t M>
constexpr std::array<Flag, N + M> join(const std::array<Flag, N>& first, const std::array<Flag, M>& second) {
  std::array<Flag, N + M> all{};
  std::size_t i = 0;
  for (Flag f : first) all[i++] = f;
  for (Flag f : second) all[i++] = f;
  return all;
}

template <std::size_t N>
constexpr auto with_common(const std::array<Flag, N>& own) { return join(own, common_flags); }
template <std::size_t N>
constexpr auto with_common_values(const std::array<Flag, N>& own) { return join(own, common_values); }

// Each tool's own options, as `lxc-TOOL --help` of LXC 5.0.2 lists them (short and long forms).
constexpr auto ls_flags = with_common(std::to_array<Flag>({
    "-1", "--line", "-f", "--fancy", "-F", "--fancy-format", "--active", "--running", "--frozen",
    "--stopped", "--defined", "--nesting", "--filter", "-g", "--groups",
}));
constexpr auto start_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-d", "--daemon", "-F", "--foreground", "-p", "--pidfile", "-f", "--rcfile",
    "-c", "--console", "-L", "--console-log", "-C", "--close-all-fds", "-s", "--define",
    "--share-net", "--share-ipc", "--share-uts", "--share-pid",
}));
constexpr auto stop_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-r", "--reboot", "-W", "--nowait", "-t", "--timeout", "-k", "--kill",
    "--nolock", "--nokill", "--rcfile",
}));
constexpr auto attach_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-e", "--elevated-privileges", "-a", "--arch", "-s", "--namespaces",
    "-R", "--remount-sys-proc", "--clear-env", "--keep-env", "-L", "--pty-log", "-v", "--set-var",
    "--keep-var", "-f", "--rcfile", "-u", "--uid", "-g", "--gid", "-c", "--context",
}));
constexpr auto copy_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-N", "--newname", "-p", "--newpath", "-R", "--rename", "-s", "--snapshot",
    "-a", "--allowrunning", "-F", "--foreground", "-d", "--daemon", "-e", "--ephemeral",
    "-m", "--mount", "-B", "--backingstorage", "-t", "--tmpfs", "-L", "--fssize",
    "-D", "--keepdata", "-K", "--keepname", "-M", "--keepmac", "--rcfile",
}));
constexpr auto destroy_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-s", "--snapshots", "-f", "--force", "--rcfile",
}));
constexpr auto wait_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-s", "--state", "-t", "--timeout", "--rcfile",
}));
constexpr auto info_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-c", "--config", "-i", "--ips", "-p", "--pid", "-S", "--stats",
    "-H", "--no-humanize", "-s", "--state", "--rcfile",
}));
constexpr auto create_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-f", "--config", "-t", "--template", "-B", "--bdev", "--dir",
    "--lvname", "--vgname", "--thinpool", "--rbdname", "--rbdpool", "--zfsroot",
    "--fstype", "--fssize",
    "-h",  // its --help names it: with -t, lxc-create -h shows the template's own help
}));
// lxc-freeze, lxc-unfreeze, lxc-cgroup and lxc-device list the same options.
constexpr auto name_rcfile_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "--rcfile",
}));
constexpr auto console_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-t", "--tty", "-e", "--escape", "--rcfile",
}));
constexpr auto execute_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-d", "--daemon", "-f", "--rcfile", "-s", "--define", "-u", "--uid",
    "-g", "--gid",
}));
constexpr auto snapshot_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-L", "--list", "-r", "--restore", "-N", "--newname", "-d", "--destroy",
    "-c", "--comment", "-C", "--showcomments", "--rcfile",
}));
constexpr auto top_flags = with_common(std::to_array<Flag>({
    "-d", "--delay", "-b", "--batch", "-s", "--sort", "-r", "--reverse",
}));
constexpr auto monitor_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-Q", "--quit",
}));
constexpr auto checkpoint_flags = with_common(std::to_array<Flag>({
    "-n", "--name", "-r", "--restore", "-D", "--checkpoint-dir", "-v", "--verbose",
    "-A", "--action-script", "-s", "--stop", "-p", "--pre-dump", "--predump-dir",
    "-d", "--daemon", "-F", "--foreground", "--rcfile",
}));
constexpr auto autostart_flags = with_common(std::to_array<Flag>({
    "-k", "--kill", "-L", "--list", "-r", "--reboot", "-s", "--shutdown", "-a", "--all",
    "-A", "--ignore-auto", "-g", "--groups", "-t", "--timeout",
}));
// Two scripts with their own usage lines, not LXC's argument parser: no common options.
constexpr auto update_config_flags = std::to_array<Flag>({"-h", "--help", "-c", "--config"});
constexpr auto config_flags = std::to_array<Flag>({"-l"});
// LXC 1's flags, the ones legacy_verbs.cpp translates.
constexpr auto clone_flags = std::to_array<Flag>({
    "-o", "--orig", "-n", "--new", "-s", "--snapshot", "-B", "--backingstore", "-L", "--fssize",
    "-K", "--keepname", "-M", "--keepmac", "-p", "--lxcpath", "-P", "--newpath",
});
constexpr auto start_ephemeral_flags = std::to_array<Flag>({
    "-o", "--orig", "-n", "--name", "-d", "--daemon", "-k", "--keep-data", "-b", "--bdir",
    "-u", "--union-type",
});

// The flags of each tool that take a value (getopt's required_argument in LXC's sources), so that
// a value is never read as a container's name. Optional values (lxc-attach -e, lxc-ls --nesting)
// are not: getopt takes those only from the flag's own word. LXC's parser gives every tool -n and
// --rcfile, also where --help does not list them.
constexpr auto ls_values = with_common_values(std::to_array<Flag>({"-F", "--fancy-format", "-g", "--groups", "--filter"}));
constexpr auto start_values = with_common_values(std::to_array<Flag>({
    "-p", "--pidfile", "-f", "-c", "--console", "-L", "--console-log", "-s", "--define",
    "--share-net", "--share-ipc", "--share-uts", "--share-pid",
}));
constexpr auto timeout_values = with_common_values(std::to_array<Flag>({"-t", "--timeout"}));
constexpr auto attach_values = with_common_values(std::to_array<Flag>({
    "-a", "--arch", "-s", "--namespaces", "--keep-var", "-v", "--set-var", "-L", "--pty-log",
    "-f", "-u", "--uid", "-g", "--gid", "-c", "--context",
}));
constexpr auto copy_values = with_common_values(std::to_array<Flag>({
    "-N", "--newname", "-p", "--newpath", "-m", "--mount", "-B", "--backingstorage", "-L", "--fssize",
}));
constexpr auto wait_values = with_common_values(std::to_array<Flag>({"-s", "--state", "-t", "--timeout"}));
constexpr auto info_values = with_common_values(std::to_array<Flag>({"-c", "--config"}));
constexpr auto create_values = with_common_values(std::to_array<Flag>({
    "-B", "--bdev", "-f", "--config", "-t", "--template", "--lvname", "--vgname", "--thinpool",
    "--fstype", "--fssize", "--zfsroot", "--dir", "--rbdname", "--rbdpool",
}));
constexpr auto console_values = with_common_values(std::to_array<Flag>({"-t", "--tty", "-e", "--escape"}));
constexpr auto execute_values = with_common_values(std::to_array<Flag>({
    "-f", "-s", "--define", "-u", "--uid", "-g", "--gid",
}));
constexpr auto snapshot_values = with_common_values(std::to_array<Flag>({
    "-r", "--restore", "-N", "--newname", "-d", "--destroy", "-c", "--comment",
}));
constexpr auto top_values = with_common_values(std::to_array<Flag>({"-d", "--delay", "-s", "--sort"}));
constexpr auto checkpoint_values = with_common_values(std::to_array<Flag>({
    "-D", "--checkpoint-dir", "-A", "--action-script", "--predump-dir",
}));
constexpr auto autostart_values = with_common_values(std::to_array<Flag>({"-g", "--groups", "-t", "--timeout"}));
constexpr auto update_config_values = std::to_array<Flag>({"-c", "--config"});
constexpr std::array<Flag, 0> no_values{};
constexpr auto clone_values = std::to_array<Flag>({
    "-o", "--orig", "-n", "--new", "-B", "--backingstore", "-L", "--fssize", "-p", "--lxcpath", "-P", "--newpath",
});
constexpr auto start_ephemeral_values = std::to_array<Flag>({
    "-o", "--orig", "-n", "--name", "-b", "--bdir", "-u", "--union-type",
});

using NF = NameFilter;
using CE = CacheEffect;
constexpr bool tty = true;
constexpr bool no_tty = false;
constexpr bool lxcpath = true;
constexpr bool no_lxcpath = false;

constexpr Verb pass(std::string_view name, std::string_view tool, std::string_view summary,
                    bool interactive, NF names, CE cache, bool takes_lxcpath,
                    std::span<const Flag> flags, std::span<const Flag> values = common_values) {
  return Verb{name, tool, summary, interactive, names, cache, takes_lxcpath, false, flags, values};
}

constexpr Verb lxc1(std::string_view name, std::string_view tool, std::string_view summary,
                    NF names, CE cache, std::span<const Flag> flags, std::span<const Flag> values) {
  // LXC 1's lxc-clone used -P for the new path, so the config's lxcpath is never added.
  return Verb{name, tool, summary, false, names, cache, false, true, flags, values};
}

constexpr std::array verbs = {
    pass("ls", "lxc-ls", "List containers, optionally with state and addresses (-f)",
         no_tty, NF::none, CE::none, lxcpath, ls_flags, ls_values),
    pass("start", "lxc-start", "Start a container", no_tty, NF::stopped, CE::invalidate, lxcpath,
         start_flags, start_values),
    pass("stop", "lxc-stop", "Stop a container (clean shutdown, or kill with -k)", no_tty,
         NF::running, CE::invalidate, lxcpath, stop_flags, timeout_values),
    pass("attach", "lxc-attach", "Run a command, by default a shell, inside a running container",
         tty, NF::running, CE::none, lxcpath, attach_flags, attach_values),
    pass("copy", "lxc-copy", "Copy, snapshot or rename a container, or start an ephemeral copy",
         no_tty, NF::defined, CE::invalidate, lxcpath, copy_flags, copy_values),
    pass("destroy", "lxc-destroy", "Destroy a container and its root filesystem", no_tty,
         NF::stopped, CE::invalidate, lxcpath, destroy_flags),
    pass("wait", "lxc-wait", "Wait until a container reaches one of the given states", no_tty,
         NF::defined, CE::none, lxcpath, wait_flags, wait_values),
    pass("info", "lxc-info", "Show a container's state, PID, IP addresses and resource use",
         no_tty, NF::defined, CE::none, lxcpath, info_flags, info_values),
    pass("create", "lxc-create", "Create a container from a template", no_tty, NF::none,
         CE::invalidate, lxcpath, create_flags, create_values),
    pass("freeze", "lxc-freeze", "Freeze every process of a running container", no_tty,
         NF::running, CE::invalidate, lxcpath, name_rcfile_flags),
    pass("unfreeze", "lxc-unfreeze", "Thaw a frozen container", no_tty, NF::frozen,
         CE::invalidate, lxcpath, name_rcfile_flags),
    pass("console", "lxc-console", "Connect to a tty of a running container's console", tty,
         NF::running, CE::none, lxcpath, console_flags, console_values),
    pass("execute", "lxc-execute", "Run one command as an application container (via lxc-init)",
         no_tty, NF::stopped, CE::invalidate, lxcpath, execute_flags, execute_values),
    pass("snapshot", "lxc-snapshot", "Create, list, restore or destroy snapshots of a container",
         no_tty, NF::stopped, CE::invalidate, lxcpath, snapshot_flags, snapshot_values),
    pass("top", "lxc-top", "Show the CPU, memory and I/O use of running containers, refreshed",
         tty, NF::none, CE::none, lxcpath, top_flags, top_values),
    pass("monitor", "lxc-monitor", "Print containers' state changes as they happen", no_tty,
         NF::defined, CE::none, lxcpath, monitor_flags),
    pass("cgroup", "lxc-cgroup", "Get or set a cgroup value of a running container", no_tty,
         NF::running, CE::none, lxcpath, name_rcfile_flags),
    pass("device", "lxc-device", "Add a host device to a running container, or remove it", no_tty,
         NF::running, CE::none, lxcpath, name_rcfile_flags),
    pass("checkpoint", "lxc-checkpoint", "Checkpoint a running container to disk, or restore it (CRIU)",
         no_tty, NF::running, CE::invalidate, lxcpath, checkpoint_flags, checkpoint_values),
    pass("autostart", "lxc-autostart", "Start, stop, reboot or kill the containers marked to autostart",
         no_tty, NF::none, CE::invalidate, lxcpath, autostart_flags, autostart_values),
    pass("update-config", "lxc-update-config",
         "Rewrite a container config file that uses pre-LXC 2.1 keys with the current keys", no_tty,
         NF::none, CE::none, no_lxcpath, update_config_flags, update_config_values),
    pass("config", "lxc-config", "Print LXC's system settings (lxc.lxcpath, ...); -l lists the keys",
         no_tty, NF::none, CE::none, no_lxcpath, config_flags, no_values),
    lxc1("clone", "lxc-clone", "LXC 1: copy or snapshot a container (sent as lxc-copy)",
         NF::defined, CE::invalidate, clone_flags, clone_values),
    lxc1("start-ephemeral", "lxc-start-ephemeral",
         "LXC 1: start a throwaway copy of a container (sent as lxc-copy -e)",
         NF::defined, CE::invalidate, start_ephemeral_flags, start_ephemeral_values),
};

}  // namespace

std::span<const Verb> verb_table() { return verbs; }

bool takes_value(const Verb& verb, std::string_view flag) {
  return std::find(verb.values.begin(), verb.values.end(), flag) != verb.values.end();
}

const Verb* find_tool(std::string_view tool) {
  const auto* it = std::find_if(verbs.begin(), verbs.end(),
                                [tool](const Verb& v) { return v.tool == tool; });
  return it == verbs.end() ? nullptr : &*it;
}

WordMeaning resolve_word(std::string_view word) {
  if (word.starts_with("lxc-")) return {.verb = find_tool(word)};
  if (const CommandSpec* command = find_command(word)) return {.command = command};
  const auto* it = std::find_if(verbs.begin(), verbs.end(),
                                [word](const Verb& v) { return v.name == word; });
  return {.verb = it == verbs.end() ? nullptr : &*it};
}

const Verb* find_verb(std::string_view word) { return resolve_word(word).verb; }

std::string_view verb_word(const Verb& verb) { return find_command(verb.name) != nullptr ? verb.tool : verb.name; }

std::vector<std::string> known_words() {
  std::vector<std::string> words;
  for (const Verb& verb : verbs) {
    words.emplace_back(verb_word(verb));
    if (verb_word(verb) != verb.tool) words.emplace_back(verb.tool);
  }
  for (const CommandSpec& command : native_commands())
    if (!command.hidden) words.emplace_back(command.name);
  return words;
}

}  // namespace lxhost
