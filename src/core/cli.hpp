// The command line: lxhost's own options (before the verb) and the verb with its arguments,
// kept verbatim. Also the `lxc-VERB` entry, where lxhost's options come from LXHOST_* variables.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/paths.hpp"

namespace lxhost {

enum class TtyMode { automatic, force, never };

struct GlobalOptions {
  std::optional<Setting<std::string>> host;         // -H HOST, else $LXHOST_HOST
  std::optional<Setting<std::string>> config_file;  // -c FILE, else $LXHOST_CONFIG
  TtyMode tty = TtyMode::automatic;                 // -t / -T, else $LXHOST_TTY
  std::optional<Origin> no_mux;                     // --no-mux or LXHOST_MUX=0, with where it came from
  int verbosity = 0;                                // -v: 1 (debug lines); -q: -1 (no warnings)
};

struct Invocation {
  GlobalOptions options;
  std::string verb;               // as typed: "ls", "lxc-ls", "list", "help"; empty with --help/--version
  std::vector<std::string> args;  // everything after the verb, byte for byte
  bool show_help = false;         // -h / --help before any verb
  bool show_version = false;      // --version
};

// argv[0]'s basename "lxc-VERB" means `lxhost lxc-VERB ARGS...` with options from the environment
// only. Otherwise CLI11 parses the options before the verb (prefix_command keeps the rest verbatim).
// Throws UsageError for unknown options, missing values, -t with -T, a bad LXHOST_TTY/LXHOST_MUX.
Invocation parse_command_line(std::span<const std::string> argv, const Environment& env);

// `lxhost --help` / `lxhost help`: options, verbs (from the verb table), native commands.
std::string usage_text();

}  // namespace lxhost
