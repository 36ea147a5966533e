// The verb table: one row per LXC tool lxhost passes through (and the two LXC 1 verbs it
// translates). Dispatch, translation, help, install-links, shell-init and completion read it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

struct CommandSpec;

// Which containers completion offers for a verb's -n (as LXC's own bash completion does).
enum class NameFilter { none, running, stopped, defined, frozen };

// What a verb does to the completion cache after it ran.
enum class CacheEffect { none, invalidate };

struct Verb {
  std::string_view name;     // what follows `lxhost`: "ls", "clone", "start-ephemeral"
  std::string_view tool;     // the remote tool and the link name: "lxc-ls", "lxc-clone"
  std::string_view summary;  // one line for `help`
  bool interactive;          // PTY by default when stdin and stdout are terminals
  NameFilter names;
  CacheEffect cache;
  bool takes_lxcpath;        // accepts -P LXCPATH (the config's lxcpath is passed to it)
  bool legacy;               // an LXC 1 verb: translated (see legacy_verbs.hpp), not passed through
  std::span<const std::string_view> flags;  // every flag the tool accepts, "-n" and "--name" forms
  std::span<const std::string_view> values;  // the flags that take a value ("-n", "--name", "-t", ...)
};

// Whether `flag` ("-t", "--timeout") takes a value for `verb`.
bool takes_value(const Verb& verb, std::string_view flag);

// Every verb, pass-through first (LXC's tools, most used first), then the LXC 1 verbs.
std::span<const Verb> verb_table();

// What a word typed after `lxhost` (or `lxhost help`) names: a verb, a native command, or
// neither. `lxc-TOOL` always names the tool's verb. A verb's short name names the verb unless a
// native command has that name: `config` is lxhost's own command, its verb is typed `lxc-config`.
struct WordMeaning {
  const Verb* verb = nullptr;
  const CommandSpec* command = nullptr;
};
WordMeaning resolve_word(std::string_view word);

// The verb a typed word names (resolve_word's verb), or nullptr.
const Verb* find_verb(std::string_view word);

// The word a verb is typed as, listed under by `lxhost help` and named by in the config's
// [verbs.WORD]: its name, or its tool's name when a native command has the name ("lxc-config").
std::string_view verb_word(const Verb& verb);

// Every word resolve_word() gives a meaning to, hidden commands left out, for "did you mean":
// each verb's word and tool, then the commands, in table order.
std::vector<std::string> known_words();

// The row of a remote tool ("lxc-copy"), or nullptr.
const Verb* find_tool(std::string_view tool);

}  // namespace lxhost
