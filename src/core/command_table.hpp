// lxhost's own command line as data: its global options and its native commands (list, config,
// mux, ...), each with its options. Parsing (command_args.*), `help`, usage, completion and the
// man page all read these tables, so a command or an option is written down exactly once.
// The pass-through verbs have their own table (verbs.*).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

// What completion offers for an option's value or a positional argument (a positional's choices
// are offered as well).
enum class Completes { nothing, hosts, files, dirs, verbs_and_commands };

// One option or positional argument of a native command.
struct OptionSpec {
  enum class Kind { flag, text, integer };
  // CLI11's spelling: "-6", "--json", "-H,--host"; a positional is its placeholder: "NAME", "DIR".
  std::string_view names{};
  Kind kind = Kind::flag;
  std::string_view value{};  // placeholder of an option's value ("MS", "T"); empty for flags and positionals
  std::string_view help{};   // one line
  bool required = false;   // positionals only
  bool optional = false;   // a positional that may be left out
  bool repeatable = false; // may be given several times (--type A --type B)
  int min = 0, max = 0;    // integers: the accepted range
  std::span<const std::string_view> choices{};  // text: the accepted words, when limited
  std::string_view excludes{};                  // the options this one cannot go with: "-4", "-4,-6"
  Completes completes = Completes::nothing;     // for the value (options) or the word (positionals)

  bool positional() const { return !names.starts_with("-"); }
};

// Which function runs a native command: app.cpp maps each id to its function in one switch, so
// the compiler checks that every id has one, and this pure table needs none of the commands' I/O.
enum class CommandId {
  none,  // a subcommand: its parent's function runs it
  list, discover, resolve, doctor, config, install_links, ssh_config, proxy, mux, shell_init, completions, help,
  complete, refresh_cache, mux_master, man, publish,
};

struct CommandSpec {
  std::string_view name{};
  CommandId id = CommandId::none;
  std::string_view summary{};      // one line: `lxhost help`, completion's description
  std::string_view description{};  // a paragraph: `lxhost help NAME`, `NAME --help`, the man page
  std::span<const OptionSpec> options{};
  std::span<const CommandSpec> subcommands{};  // exactly one of them is given (config init, mux stop)
  bool hidden = false;  // internal: called by lxhost itself or its scripts, not shown anywhere
};

// The native commands, in the order help shows them; hidden ones last.
std::span<const CommandSpec> native_commands();
// A command or a subcommand of `parent` by name; nullptr when there is none.
const CommandSpec* find_command(std::string_view name);
const CommandSpec* find_subcommand(const CommandSpec& parent, std::string_view name);

// "discover [--json] [--timeout MS] [--type T]... [-6]"; subcommands as "config init|show|path".
std::string synopsis(const CommandSpec& command);
// "--timeout MS", "-H, --host HOST", "NAME": how an option is written in help and the man page.
std::string option_usage(const OptionSpec& option);
// An option's help line with what it accepts: "bound in ms (1 to 600000)", "the shell (bash or zsh)".
std::string option_help(const OptionSpec& option);
// Every spelling of an option's name: "-H,--host" -> {"-H", "--host"}.
std::vector<std::string_view> option_names(const OptionSpec& option);
// "-4,-6" -> {"-4", "-6"} (names, excludes).
std::vector<std::string_view> comma_list(std::string_view text);

// lxhost's own options, before the verb.
struct GlobalOption {
  std::string_view short_name;  // "-H"; may be empty
  std::string_view long_name;   // "--host"; may be empty
  std::string_view value;       // placeholder; empty for flags
  std::string_view help;
  std::string_view env;         // the environment variable that sets it too, if any
  Completes completes = Completes::nothing;  // for its value
};
std::span<const GlobalOption> global_options();

// Environment variables lxhost reads, for the man page and `lxhost help`.
struct EnvironmentVariable {
  std::string_view name;
  std::string_view help;
};
std::span<const EnvironmentVariable> environment_variables();

// Exit statuses, for usage and the man page.
struct ExitStatus {
  std::string_view code;  // "0", "128+N", "remote"
  std::string_view help;
};
std::span<const ExitStatus> exit_statuses();

}  // namespace lxhost
