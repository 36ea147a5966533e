#include "core/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "core/command_args.hpp"
#include "core/command_table.hpp"
#include "core/errors.hpp"
#include "core/verbs.hpp"

namespace lxhost {
namespace {

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

  // No option before the verb (a TAB, and most commands): nothing for CLI11 to parse.
  if (argv.size() > 1 && !argv[1].starts_with('-')) {
    inv.verb = argv[1];
    inv.args.assign(argv.begin() + 2, argv.end());
    return inv;
  }

  CLI::App app{"lxhost", "lxhost"};
  app.prefix_command();
  app.set_help_flag();  // our own help text lists the verbs
  for (const GlobalOption& global : global_options()) {
    const bool both = !global.short_name.empty() && !global.long_name.empty();
    const std::string names = fmt::format("{}{}{}", global.short_name, both ? "," : "", global.long_name);
    const std::string help(global.help);
    if (global.value.empty()) {
      app.add_flag(names, help);
    } else {
      app.add_option(names, CLI::callback_t{}, help, false)
          ->expected(1)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }

  // CLI11 wants argv without the program name, reversed.
  std::vector<std::string> rest(argv.rbegin(), argv.rend() - 1);
  try {
    app.parse(rest);
  } catch (const CLI::ArgumentMismatch& e) {
    // CLI11 would say "--host: 1 required  missing" of a typed `-H` (the last word): name what was typed.
    for (const GlobalOption& global : global_options())
      if (!global.value.empty() && (argv.back() == global.short_name || argv.back() == global.long_name))
        throw UsageError(fmt::format("{} needs a value ({})", argv.back(), global.value),
                         "run `lxhost --help` for the options");
    throw UsageError(e.what(), "run `lxhost --help` for the options");
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what(), "run `lxhost --help` for the options");
  }
  const auto given = [&](const char* name) { return app.get_option(name)->count() > 0; };
  const auto value = [&](const char* name) {
    const auto& results = app.get_option(name)->results();
    return results.empty() ? std::string() : results.back();
  };
  const std::string host = value("-H"), config_file = value("-c");
  const bool force_tty = given("-t"), no_tty = given("-T"), no_mux = given("--no-mux");
  const bool verbose = given("-v"), quiet = given("-q");
  inv.show_help = given("-h");
  inv.show_version = given("--version");

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
  inv.options.verbosity = verbose ? 1 : (quiet ? -1 : 0);

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
      "Options:\n";
  std::vector<std::pair<std::string, std::string_view>> options;
  std::size_t width = 0;
  for (const GlobalOption& global : global_options()) {
    std::string names = std::string(global.short_name);
    if (!global.long_name.empty()) names += fmt::format("{}{}", names.empty() ? "" : ", ", global.long_name);
    if (!global.value.empty()) names += fmt::format(" {}", global.value);
    width = std::max(width, names.size());
    options.emplace_back(std::move(names), global.help);
  }
  for (const auto& [names, help] : options) text += fmt::format("  {:<{}}  {}\n", names, width, help);
  text += "\nVerbs (run as lxc-VERB on the host; `lxhost lxc-VERB` always works too):\n";
  for (const Verb& verb : verb_table()) {
    if (verb.legacy) continue;
    text += fmt::format("  {:<16} {}\n", verb_word(verb), verb.summary);
  }
  text += "\nLXC 1 verbs (translated to lxc-copy on LXC >= 2.0):\n";
  for (const Verb& verb : verb_table())
    if (verb.legacy) text += fmt::format("  {:<16} {}\n", verb.name, verb.summary);
  text += "\nCommands (`lxhost help COMMAND` for each one's options):\n";
  // A synopsis wider than the column puts its summary on the next line, in the column.
  constexpr std::size_t column = 36;
  for (const CommandSpec& command : native_commands()) {
    if (command.hidden) continue;
    const std::string usage = synopsis(command);
    if (usage.size() > column) text += fmt::format("  {}\n{:<{}}", usage, "", column + 4);
    else text += fmt::format("  {:<{}}  ", usage, column);
    text += fmt::format("{}\n", command.summary);
  }
  text += "\nExit status:\n";
  for (const ExitStatus& status : exit_statuses())
    text += fmt::format("  {:<5}  {}", status.code, wrap(status.help, 100, std::string(9, ' ')).substr(9));
  return text;
}

}  // namespace lxhost
