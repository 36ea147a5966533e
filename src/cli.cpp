#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "errors.hpp"
#include "verbs.hpp"

namespace lxhost {
namespace {

constexpr std::array kNativeCommands = {
    NativeCommand{"list", "list [--json]", "containers with state, addresses and mDNS name (table or JSON)"},
    NativeCommand{"discover", "discover [--json] [--type T]... [-6]", "DNS-SD services on the network (mDNS)"},
    NativeCommand{"resolve", "resolve NAME [-4|-6]", "a .local name's addresses (mDNS)"},
    NativeCommand{"doctor", "doctor [-H HOST]", "check config, name, connection, login, sudo and LXC on the host; one fix per failure"},
    NativeCommand{"config", "config init|show|path", "write, show or locate lxhost's config"},
    NativeCommand{"install-links", "install-links DIR", "make lxc-VERB links to lxhost in DIR"},
    NativeCommand{"ssh-config", "ssh-config [--install|--uninstall]", "the ssh_config that makes `ssh foo.local` work"},
    NativeCommand{"proxy", "proxy HOST PORT", "ssh's ProxyCommand: directly, or through the container host"},
    NativeCommand{"mux", "mux status|stop [--all]", "the connection masters: list them, or stop this host's (or all)"},
    NativeCommand{"shell-init", "shell-init bash|zsh [--force]", "lxc-* functions and completion: eval \"$(lxhost shell-init zsh)\""},
    NativeCommand{"completions", "completions bash|zsh", "the completion script alone"},
    NativeCommand{"help", "help [VERB]", "this text, or what VERB does"},
};

std::string basename_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

TtyMode tty_from_env(const Environment& env) {
  const auto value = env.get_nonempty("LXHOST_TTY");
  if (!value || *value == "auto") return TtyMode::automatic;
  if (*value == "force") return TtyMode::force;
  if (*value == "never") return TtyMode::never;
  throw UsageError(fmt::format("LXHOST_TTY must be auto, force or never, not '{}'", *value));
}

std::optional<Origin> no_mux_from_env(const Environment& env) {
  const auto value = env.get_nonempty("LXHOST_MUX");
  if (!value || *value == "1" || *value == "true" || *value == "yes" || *value == "on") return std::nullopt;
  if (*value == "0" || *value == "false" || *value == "no" || *value == "off")
    return Origin{Origin::Kind::env, "LXHOST_MUX"};
  throw UsageError(fmt::format("LXHOST_MUX must be 0 or 1, not '{}'", *value));
}

// Defaults < environment; the flags parsed afterwards override these.
GlobalOptions options_from_env(const Environment& env) {
  GlobalOptions options;
  if (auto host = env.get_nonempty("LXHOST_HOST"))
    options.host = Setting<std::string>{*host, {Origin::Kind::env, "LXHOST_HOST"}};
  if (auto file = env.get_nonempty("LXHOST_CONFIG"))
    options.config_file = Setting<std::string>{*file, {Origin::Kind::env, "LXHOST_CONFIG"}};
  options.tty = tty_from_env(env);
  options.no_mux = no_mux_from_env(env);
  return options;
}

}  // namespace

std::span<const NativeCommand> native_commands() { return kNativeCommands; }

Invocation parse_command_line(std::span<const std::string> argv, const Environment& env) {
  Invocation inv;
  inv.options = options_from_env(env);
  if (argv.empty()) return inv;

  const std::string invoked_as = basename_of(argv[0]);
  if (invoked_as.starts_with("lxc-")) {
    inv.verb = invoked_as;
    inv.args.assign(argv.begin() + 1, argv.end());
    return inv;
  }

  CLI::App app{"lxhost", "lxhost"};
  app.prefix_command();
  app.set_help_flag();  // our own help text lists the verbs
  std::string host, config_file;
  bool force_tty = false, no_tty = false, no_mux = false;
  int verbose = 0, quiet = 0;
  app.add_option("-H,--host", host);
  app.add_option("-c,--config", config_file);
  app.add_flag("-t", force_tty);
  app.add_flag("-T", no_tty);
  app.add_flag("-v,--verbose", verbose);
  app.add_flag("-q,--quiet", quiet);
  app.add_flag("--no-mux", no_mux);
  app.add_flag("-h,--help", inv.show_help);
  app.add_flag("--version", inv.show_version);

  // CLI11 wants argv without the program name, reversed.
  std::vector<std::string> rest(argv.rbegin(), argv.rend() - 1);
  try {
    app.parse(rest);
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what(), "run `lxhost --help` for the options");
  }

  std::vector<std::string> tail = app.remaining();
  // prefix_command() turns off CLI11's unknown-option check before the verb: do it here.
  if (!tail.empty() && tail.front().size() > 1 && tail.front().front() == '-' && tail.front() != "--")
    throw UsageError(fmt::format("unknown option '{}'", tail.front()), "run `lxhost --help` for the options");
  if (!tail.empty() && tail.front() == "--") tail.erase(tail.begin());

  if (force_tty && no_tty) throw UsageError("-t and -T exclude each other");
  if (!host.empty()) inv.options.host = Setting<std::string>{host, {Origin::Kind::flag, "-H"}};
  if (app.count("-H") && host.empty()) throw UsageError("-H needs a non-empty host");
  if (!config_file.empty()) inv.options.config_file = Setting<std::string>{config_file, {Origin::Kind::flag, "-c"}};
  if (force_tty) inv.options.tty = TtyMode::force;
  if (no_tty) inv.options.tty = TtyMode::never;
  if (no_mux) inv.options.no_mux = Origin{Origin::Kind::flag, "--no-mux"};
  inv.options.verbosity = verbose > 0 ? 1 : (quiet > 0 ? -1 : 0);

  if (!tail.empty()) {
    inv.verb = tail.front();
    inv.args.assign(tail.begin() + 1, tail.end());
  }
  return inv;
}

std::string usage_text() {
  std::string text =
      "Usage: lxhost [-H HOST] [-c CONFIG] [-t|-T] [-v|-q] [--no-mux] VERB [ARGS...]\n"
      "       lxc-VERB [ARGS...]   (through a link or shell function; options from LXHOST_*)\n"
      "\n"
      "Runs LXC's lxc-VERB on the container host over SSH, with the arguments exactly as typed,\n"
      "live output, a terminal where one is needed, and the remote exit code.\n"
      "\n"
      "Options:\n"
      "  -H HOST      a [hosts.*] name from the config, or [USER@]ADDRESS (default host's settings)\n"
      "  -c CONFIG    config file (default: $LXHOST_CONFIG, else ~/.config/lxhost/config.toml)\n"
      "  -t, -T       force / refuse a remote terminal (default: for interactive verbs on a tty)\n"
      "  -v, -q       more output (debug lines) / no warnings\n"
      "  --no-mux     do not reuse a connection\n"
      "  --version    print the version\n"
      "\n"
      "Verbs (run as lxc-VERB on the host; `lxhost lxc-VERB` always works too):\n";
  for (const Verb& verb : verb_table()) {
    if (verb.legacy) continue;
    const std::string name = verb.name == "config" ? "lxc-config" : std::string(verb.name);
    text += fmt::format("  {:<16} {}\n", name, verb.summary);
  }
  text += "\nLXC 1 verbs (translated to lxc-copy on LXC >= 2.0):\n";
  for (const Verb& verb : verb_table())
    if (verb.legacy) text += fmt::format("  {:<16} {}\n", verb.name, verb.summary);
  text += "\nCommands:\n";
  size_t width = 0;
  for (const NativeCommand& command : kNativeCommands) width = std::max(width, command.synopsis.size());
  for (const NativeCommand& command : kNativeCommands)
    text += fmt::format("  {:<{}}  {}\n", command.synopsis, width, command.summary);
  text += "\nExit status: the remote command's; 128+N if it died of signal N; 255 when the host\n"
          "could not be reached or was lost; 2 for usage or config errors; 130 on Ctrl-C; 1 otherwise.\n";
  return text;
}

}  // namespace lxhost
