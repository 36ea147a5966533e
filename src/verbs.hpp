// The verb table: one row per LXC tool lxhost passes through (and the two LXC 1 verbs it
// translates). Dispatch, translation, help, install-links, shell-init and completion read it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

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
};

// Every verb, pass-through first (LXC's tools, most used first), then the LXC 1 verbs.
std::span<const Verb> verb_table();

// The verb a typed word names, or nullptr. `lxc-TOOL` always finds the tool's row; the short name
// finds it too, except "config" (lxhost's own command; the remote tool is `lxc-config`).
const Verb* find_verb(std::string_view word);

// The word `lxhost help` lists a verb under, and [verbs.WORD] in the config names it by: the row's
// name, but "lxc-config" for lxc-config (`config` is lxhost's own command).
std::string_view verb_word(const Verb& verb);

// The row of a remote tool ("lxc-copy"), or nullptr.
const Verb* find_tool(std::string_view tool);

}  // namespace lxhost
