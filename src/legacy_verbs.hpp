// LXC 1 verbs (`clone`, `start-ephemeral`), translated to lxc-copy (the table below).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lxhost {

// Whether the host has LXC >= 2.0 (lxc-copy) or an LXC 1 (lxc-clone, lxc-start-ephemeral).
enum class LxcGeneration { modern, legacy };

// `start-ephemeral -o A [...] -- CMD...`: make an ephemeral copy, attach CMD, stop the copy.
struct EphemeralRun {
  std::vector<std::string> copy_argv;  // {"lxc-copy", "-n", A, "-N", name, "-e", ...}: starts it daemonized
  std::string name;                    // the copy's name (the user's -n, else the generated one)
  std::vector<std::string> command;    // CMD..., never empty
};

struct Translation {
  // The tool call: argv[0] is the remote tool ("lxc-copy"). Empty when `ephemeral` is set.
  std::vector<std::string> argv;
  std::optional<EphemeralRun> ephemeral;
  // Overrides the verb table's PTY default (`start-ephemeral` without -d runs in the foreground).
  std::optional<bool> interactive;
};

// Translates `clone` / `start-ephemeral` arguments (everything typed after the verb).
// LxcGeneration::legacy: the old tool with the arguments unchanged.
// `generated_name` names the copy for `-- CMD` when the user gave no -n.
// Throws UsageError naming any flag outside that table, a missing value or origin,
// or an extra argument.
// Whether the arguments ask for help (--help, -h, -?, --usage before any `--`): lxhost's help
// for the verb answers, as the host may have no such tool.
bool asks_for_help(std::span<const std::string> args);

Translation translate_clone(std::span<const std::string> args, LxcGeneration gen);
Translation translate_start_ephemeral(std::span<const std::string> args, LxcGeneration gen,
                                      const std::string& generated_name);

}  // namespace lxhost
