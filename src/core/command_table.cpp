#include "core/command_table.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace lxhost {
namespace {

using Kind = OptionSpec::Kind;

constexpr int max_timeout_ms = 600000;
constexpr auto shells = std::to_array<std::string_view>({"bash", "zsh"});

constexpr auto list_options = std::to_array<OptionSpec>({
    {.names = "--json", .help = "print a JSON array: host, name, state, ipv4, ipv6, mdns"},
    {.names = "--all-hosts",
     .help = "every configured host at once, with a HOST column (as list_all_hosts); a host that fails is "
             "named on stderr, the others listed, exit 1"},
    {.names = "--mdns-wait",
     .help = "wait for every address's mDNS name, up to discovery.resolve_timeout_ms (as discovery.list_mdns_wait)"},
});
constexpr auto discover_options = std::to_array<OptionSpec>({
    {.names = "--json", .help = "print a JSON array: name, type, domain, host, port, addresses, txt, interface"},
    {.names = "--timeout", .kind = Kind::integer, .value = "MS",
     .help = "bound on the whole browse in ms (default: discovery.browse_timeout_ms)", .min = 1, .max = max_timeout_ms},
    {.names = "--type", .kind = Kind::text, .value = "T",
     .help = "a service type such as _ssh._tcp (repeatable; default: discovery.services)", .repeatable = true},
    {.names = "-6", .help = "also IPv6 addresses"},
});
constexpr auto resolve_options = std::to_array<OptionSpec>({
    {.names = "NAME", .kind = Kind::text, .help = "the host name, e.g. containers.local", .required = true,
     .completes = Completes::hosts},
    {.names = "-4", .help = "IPv4 only"},
    {.names = "-6", .help = "IPv6 only", .excludes = "-4"},
    {.names = "--all", .help = "both families: also wait a moment for the one that has not answered",
     .excludes = "-4,-6"},
    {.names = "--timeout", .kind = Kind::integer, .value = "MS",
     .help = "bound in ms (default: discovery.resolve_timeout_ms)", .min = 1, .max = max_timeout_ms},
});
constexpr auto doctor_options = std::to_array<OptionSpec>({
    {.names = "-H,--host", .kind = Kind::text, .value = "HOST", .help = "the host to check (as lxhost -H)",
     .completes = Completes::hosts},
    {.names = "--all-hosts", .help = "check every configured host in turn, each under its name; exit 1 when any failed"},
});
constexpr auto config_init_options = std::to_array<OptionSpec>({
    {.names = "--force", .help = "replace an existing file"},
});
constexpr auto config_subcommands = std::to_array<CommandSpec>({
    {.name = "init",
     .summary = "write the config file with every key commented out at its default",
     .description = "Writes the config file (see `config path`) with every key commented out at its built-in "
                    "default, atomically. An existing file is kept unless --force is given.",
     .options = config_init_options},
    {.name = "show",
     .summary = "print every effective value and where it came from",
     .description = "Prints every effective value, one `key = value` per line, each with where it came from: "
                    "the default, FILE:LINE:COL, an environment variable or a flag."},
    {.name = "path",
     .summary = "print the config file lxhost reads",
     .description = "Prints the config file lxhost reads: -c FILE, else $LXHOST_CONFIG, else "
                    "$XDG_CONFIG_HOME/lxhost/config.toml."},
});
constexpr auto install_links_options = std::to_array<OptionSpec>({
    {.names = "DIR", .kind = Kind::text, .help = "directory for the links (must exist)", .required = true,
     .completes = Completes::dirs},
});
constexpr auto ssh_config_options = std::to_array<OptionSpec>({
    {.names = "--install", .help = "write the snippet and the Include line"},
    {.names = "--uninstall", .help = "remove the Include line and the snippet", .excludes = "--install"},
});
constexpr auto proxy_options = std::to_array<OptionSpec>({
    {.names = "HOST", .kind = Kind::text, .help = "e.g. web.local (ssh's %h)", .required = true},
    {.names = "PORT", .kind = Kind::integer, .help = "ssh's %p", .required = true, .min = 1, .max = 65535},
    {.names = "--via-host", .help = "always through the container host"},
});
constexpr auto mux_stop_options = std::to_array<OptionSpec>({
    {.names = "--all", .help = "every master of this user"},
});
constexpr auto mux_subcommands = std::to_array<CommandSpec>({
    {.name = "status",
     .summary = "list the masters: host, PID, uptime, open channels, clients",
     .description = "Lists the running masters of this user: host, PID, uptime, open channels, clients, "
                    "queued commands and socket."},
    {.name = "stop",
     .summary = "stop this host's master (-H HOST), or every master",
     .description = "Stops this host's master (-H HOST) after its running commands, or with --all every master "
                    "of this user.",
     .options = mux_stop_options},
});
constexpr auto publish_options = std::to_array<OptionSpec>({
    {.names = "-H,--host", .kind = Kind::text, .value = "HOST",
     .help = "a [hosts.*] name whose containers get names (repeatable; default: publish.hosts, else the default host)",
     .repeatable = true, .completes = Completes::hosts},
    {.names = "--install", .help = "write and start the per-user service that runs it at login"},
    {.names = "--uninstall", .help = "stop and remove that service", .excludes = "--install"},
    {.names = "--dry-run", .help = "with --install or --uninstall: print the file and what would run, change nothing"},
});
constexpr auto shell_init_options = std::to_array<OptionSpec>({
    {.names = "SHELL", .kind = Kind::text, .help = "the shell", .required = true, .choices = shells},
    {.names = "--force", .help = "also replace functions and aliases you already have with these names"},
});
constexpr auto completions_options = std::to_array<OptionSpec>({
    {.names = "SHELL", .kind = Kind::text, .help = "the shell", .required = true, .choices = shells},
});
constexpr auto help_options = std::to_array<OptionSpec>({
    {.names = "VERB", .kind = Kind::text, .help = "a verb or a command", .optional = true,
     .completes = Completes::verbs_and_commands},
});

constexpr auto commands = std::to_array<CommandSpec>({
    {.name = "list", .id = CommandId::list,
     .summary = "containers with state, addresses and mDNS name (table or JSON)",
     .description = "Containers on the host with their state, every IPv4 and IPv6 address, and the .local name "
                    "that answers for the container's address: what the mDNS daemon has cached, and what "
                    "answers within 200 ms of the last answer (reverse lookups in parallel, bounded by "
                    "discovery.resolve_timeout_ms). An address that found no name is not waited for again "
                    "for 60 s (remembered in the cache directory's mdns-misses.tsv); --mdns-wait waits for "
                    "every name up to the bound.",
     .options = list_options},
    {.name = "discover", .id = CommandId::discover,
     .summary = "DNS-SD services on the network (mDNS)",
     .description = "DNS-SD services on the local network (mDNS), with their hosts, addresses, ports and TXT. "
                    "The browse ends when the daemon has answered and nothing is pending, or at the bound. "
                    "Hosts found are remembered for completion of -H.",
     .options = discover_options},
    {.name = "resolve", .id = CommandId::resolve,
     .summary = "a .local name's addresses (mDNS)",
     .description = "The addresses of a .local name, by mDNS, one per line (IPv4 first). It ends a moment "
                    "after the first usable address: once IPv4 answered, an IPv6 address the daemon has not "
                    "cached is not waited for (-6 or --all waits for it). A name without a dot gets .local "
                    "appended. Exit 1 when nobody answers within the bound.",
     .options = resolve_options},
    {.name = "doctor", .id = CommandId::doctor,
     .summary = "check every link from the config to a snapshot clone on the host; one fix per failure",
     .description = "Checks every link from the config to a snapshot clone on the host, in order and timed; each "
                    "failure comes with one fix. Uses a connection of its own and writes nothing to known_hosts. "
                    "--all-hosts checks every configured host in turn. Exit 0 when all pass, else 1.",
     .options = doctor_options},
    {.name = "config", .id = CommandId::config,
     .summary = "write, show or locate lxhost's config",
     .description = "lxhost's own config file (the remote tool is `lxhost lxc-config`).",
     .subcommands = config_subcommands},
    {.name = "install-links", .id = CommandId::install_links,
     .summary = "make lxc-VERB links to lxhost in DIR",
     .description = "Makes an lxc-VERB link to lxhost in DIR for every verb lxhost knows. A name that exists and "
                    "is not already a link to lxhost stops the whole run, before any link is made.",
     .options = install_links_options},
    {.name = "ssh-config", .id = CommandId::ssh_config,
     .summary = "the ssh_config that makes `ssh foo.local` work",
     .description = "The ssh_config for `ssh foo.local`, from lxhost's config: print it, or install it as "
                    "~/.ssh/config.d/lxhost.conf with one Include line first in ~/.ssh/config (the original is "
                    "saved once as ~/.ssh/config.lxhost-backup; --uninstall gives its bytes back).",
     .options = ssh_config_options},
    {.name = "proxy", .id = CommandId::proxy,
     .summary = "ssh's ProxyCommand: directly, or through the container host",
     .description = "Joins stdin and stdout to HOST:PORT, for ssh's ProxyCommand: directly when HOST answers by "
                    "mDNS and the port accepts, else through the container host (LXC's address of the "
                    "container named HOST without .local, over the host's SSH session). A HOST the "
                    "completion cache lists as a container asks the host and mDNS at once, and goes through "
                    "the host as soon as it answers unless mDNS answered first.",
     .options = proxy_options},
    {.name = "publish", .id = CommandId::publish,
     .summary = "a NAME.local for every running container, on the laptop's mDNS responder",
     .description = "Runs until SIGINT or SIGTERM and makes NAME.local resolve on the laptop's network for every "
                    "running container with an address, through the laptop's own mDNS responder (Avahi; "
                    "Bonjour on macOS): names are added a few seconds after containers start and withdrawn as "
                    "they stop (followed through each host's mux master, whose watch sees every change). A name "
                    "someone else announces (a container's own avahi-daemon, given those seconds to claim it) is "
                    "left to it; a name that is not a DNS "
                    "label is skipped; an address this machine has no route to is not published. [publish] "
                    "in the config: hosts, the name template, globs to leave out. On SIGINT or SIGTERM every "
                    "name is withdrawn and it exits 0. --install writes a systemd user unit (a launchd agent "
                    "on macOS) that runs it at login.",
     .options = publish_options},
    {.name = "mux", .id = CommandId::mux,
     .summary = "the connection masters: list them, or stop this host's (or all)",
     .description = "The connection masters: one per host, each keeping an SSH session for later commands.",
     .subcommands = mux_subcommands},
    {.name = "shell-init", .id = CommandId::shell_init,
     .summary = "lxc-* functions and completion: eval \"$(lxhost shell-init zsh)\"",
     .description = "Prints an lxc-VERB function for every verb and the completion script, for "
                    "eval \"$(lxhost shell-init zsh)\" in ~/.zshrc or ~/.bashrc. Functions and aliases you "
                    "already have are left alone unless --force is given.",
     .options = shell_init_options},
    {.name = "completions", .id = CommandId::completions,
     .summary = "the completion script alone",
     .description = "Prints the completion script for a shell (an installed lxhost has it where the shell finds "
                    "it).",
     .options = completions_options},
    {.name = "help", .id = CommandId::help,
     .summary = "this text, or what VERB does",
     .description = "Lists the verbs and commands, or tells what one of them does.",
     .options = help_options},
    {.name = "__complete", .id = CommandId::complete,
     .summary = "completion candidates (for the completion scripts)", .hidden = true},
    {.name = "__refresh-cache", .id = CommandId::refresh_cache,
     .summary = "refresh the container cache (detached)", .hidden = true},
    {.name = "__mux-master", .id = CommandId::mux_master,
     .summary = "a connection master (started by lxhost)", .hidden = true},
    {.name = "__man", .id = CommandId::man,
     .summary = "a man page's roff (for the build)", .hidden = true},
});

constexpr auto globals = std::to_array<GlobalOption>({
    {"-H", "--host", "HOST", "a [hosts.*] name from the config, or [USER@]ADDRESS[:PORT], [USER@][IPV6]:PORT, "
     "ssh://[USER@]ADDRESS[:PORT] (the default host's settings; its user and port win)",
     "LXHOST_HOST", Completes::hosts},
    {"-c", "--config", "CONFIG", "the config file (default: ~/.config/lxhost/config.toml)", "LXHOST_CONFIG",
     Completes::files},
    {"-t", "", "", "force a remote terminal", "LXHOST_TTY=force"},
    {"-T", "", "", "no remote terminal (default: one for interactive verbs on a terminal)", "LXHOST_TTY=never"},
    {"-v", "--verbose", "", "debug lines on stderr", ""},
    {"-q", "--quiet", "", "no warnings", ""},
    {"", "--no-mux", "", "do not reuse a connection (no mux master)", "LXHOST_MUX=0"},
    {"-h", "--help", "", "usage", ""},
    {"", "--version", "", "print the version", ""},
});

constexpr auto environment = std::to_array<EnvironmentVariable>({
    {"LXHOST_HOST", "the host, as -H"},
    {"LXHOST_CONFIG", "the config file, as -c"},
    {"LXHOST_TTY", "auto, force (as -t) or never (as -T)"},
    {"LXHOST_MUX", "0 (or false, no, off): no mux master, as --no-mux"},
    {"LXHOST_MDNS_BACKEND", "avahi or dnssd: which mDNS library answers (Linux builds have both)"},
    {"XDG_CONFIG_HOME", "where lxhost/config.toml is (default ~/.config)"},
    {"XDG_CACHE_HOME", "where lxhost/ keeps the completion and discovery caches (default ~/.cache)"},
    {"XDG_RUNTIME_DIR", "where lxhost/ keeps the mux masters' sockets (else $TMPDIR/lxhost-UID, else /tmp)"},
    {"SSH_AUTH_SOCK", "the SSH agent, tried before identity files"},
});

constexpr auto statuses = std::to_array<ExitStatus>({
    {"0", "success"},
    {"N", "a pass-through verb: the remote command's own exit status"},
    {"128+N", "the remote command died of signal N"},
    {"1", "anything else: resolve or discover found nothing, doctor found a failing check, sudo refused, "
          "a local file could not be written"},
    {"2", "usage or config error"},
    {"130", "interrupted by Ctrl-C"},
    {"255", "the host could not be reached, its key was refused, authentication failed, or the connection "
            "was lost"},
});

}  // namespace

std::span<const CommandSpec> native_commands() { return commands; }

const CommandSpec* find_command(std::string_view name) {
  const auto it = std::find_if(commands.begin(), commands.end(), [&](const CommandSpec& c) { return c.name == name; });
  return it == commands.end() ? nullptr : &*it;
}

const CommandSpec* find_subcommand(const CommandSpec& parent, std::string_view name) {
  const auto it = std::find_if(parent.subcommands.begin(), parent.subcommands.end(),
                               [&](const CommandSpec& c) { return c.name == name; });
  return it == parent.subcommands.end() ? nullptr : &*it;
}

std::vector<std::string_view> comma_list(std::string_view text) {
  std::vector<std::string_view> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    items.push_back(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return items;
}

std::vector<std::string_view> option_names(const OptionSpec& option) { return comma_list(option.names); }

std::string option_help(const OptionSpec& option) {
  std::string text(option.help);
  if (option.kind == OptionSpec::Kind::integer) text += fmt::format(" ({} to {})", option.min, option.max);
  for (std::size_t i = 0; i < option.choices.size(); ++i) {
    const bool last = i + 1 == option.choices.size();
    text += fmt::format("{}{}{}", i == 0 ? " (" : (last ? " or " : ", "), option.choices[i], last ? ")" : "");
  }
  return text;
}

std::string option_usage(const OptionSpec& option) {
  std::string text;
  for (std::string_view name : option_names(option)) text += (text.empty() ? "" : ", ") + std::string(name);
  if (!option.positional() && option.kind != OptionSpec::Kind::flag) text += fmt::format(" {}", option.value);
  return text;
}

namespace {

// "[--json] [--timeout MS] [--type T]... [-4|-6] NAME": an option that excludes the one before it
// shares its brackets.
std::string options_synopsis(std::span<const OptionSpec> options) {
  std::string text;
  for (const OptionSpec& option : options) {
    const std::string word = option.positional() ? std::string(option.names)
                             : option.kind == OptionSpec::Kind::flag
                                 ? std::string(option_names(option).front())
                                 : fmt::format("{} {}", option_names(option).front(), option.value);
    if (!option.excludes.empty() && text.ends_with(']')) text.insert(text.size() - 1, "|" + word);
    else text += option.required ? fmt::format(" {}", word) : fmt::format(" [{}]", word);
    if (option.repeatable) text += "...";
  }
  return text;
}

}  // namespace

std::string synopsis(const CommandSpec& command) {
  std::string text = std::string(command.name) + options_synopsis(command.options);
  // "config init [--force]|show|path"
  for (std::size_t i = 0; i < command.subcommands.size(); ++i)
    text += fmt::format("{}{}{}", i == 0 ? " " : "|", command.subcommands[i].name,
                        options_synopsis(command.subcommands[i].options));
  return text;
}

std::span<const GlobalOption> global_options() { return globals; }
std::span<const EnvironmentVariable> environment_variables() { return environment; }
std::span<const ExitStatus> exit_statuses() { return statuses; }

}  // namespace lxhost
