// LXC 1 verbs (`clone`, `start-ephemeral`), translated to lxc-copy (the table below).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

// Whether the host has LXC >= 2.0 (lxc-copy) or an LXC 1 (lxc-clone, lxc-start-ephemeral).
enum class LxcGeneration { modern, legacy };

// The generation as its cache file holds it ("modern\n", "legacy\n"); nullopt for anything else.
std::string render_generation(LxcGeneration generation);
std::optional<LxcGeneration> parse_generation(std::string_view text);

// `start-ephemeral -o A [...] -- CMD...`: make an ephemeral copy, attach CMD, stop the copy.
struct EphemeralRun {
  std::vector<std::string> copy_argv;  // {"lxc-copy", "-n", A, "-N", name, "-e", ...}: starts it daemonized
  std::string name;                    // the copy's name (the user's -n, else the generated one)
  std::vector<std::string> command;    // CMD..., never empty
};

// The containers a translated lxc-copy copies from and to, for explaining its failure.
struct CopyNames {
  std::string orig;
  std::string new_name;                      // empty when lxc-copy names the copy itself
  std::optional<std::string> orig_lxcpath;   // the typed lxcpath of the original, if any
  std::optional<std::string> new_lxcpath;    // the typed lxcpath of the copy, if any
  bool ephemeral = false;                    // start-ephemeral: the copy is gone when stopped...
  bool keep_data = false;                    // ...unless it keeps its data (-k)
};

struct Translation {
  // The tool call: argv[0] is the remote tool ("lxc-copy"). Empty when `ephemeral` is set.
  std::vector<std::string> argv;
  std::optional<EphemeralRun> ephemeral;
  // Overrides the verb table's PTY default (`start-ephemeral` without -d runs in the foreground).
  std::optional<bool> interactive;
  // Set for lxc-copy (LXC >= 2.0 hosts); the old tools explain their own failures.
  std::optional<CopyNames> copy;
};

// What lxhost learnt after a translated copy exited non-zero: whether the host lists the two
// containers (after the failure), and what lxc-copy wrote on stderr (held back; may be empty).
struct CopyOutcome {
  int exit_code = 1;
  bool orig_listed = true;
  bool new_listed = false;
  std::string tool_stderr;
  // The copy itself is known to have failed (start-ephemeral's script says when the copy exists);
  // otherwise a start-ephemeral's failure may be its CMD's or its container's.
  bool copy_failed = false;
};

// One line saying why the copy failed, with lxc-copy's own words when it had any: a missing
// original, a copy name already taken, or lxc-copy's refusal. nullopt when nothing says the copy
// failed (start-ephemeral's CMD may fail by itself). `verb` and `host` name the messages.
std::optional<std::string> explain_copy_failure(std::string_view verb, const CopyNames& names,
                                                const CopyOutcome& outcome, std::string_view host);

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
