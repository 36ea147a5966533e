// Shell completion, decided in one pure function: given the words of a command line up to the
// cursor, what to offer. The shell scripts stay thin (they pass the words to `lxhost __complete
// words -- ...` and show the answer); the container names come from the per-host cache.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/verbs.hpp"

namespace lxhost {

struct Candidate {
  std::string value;
  std::string description;  // may be empty
};

struct CompletionPlan {
  std::vector<Candidate> fixed;            // verbs, commands, flags, subcommands: already filtered
  std::optional<NameFilter> containers;    // also offer container names of this state
  // ...but only if none of these words is already a container's name (a positional name, as
  // `lxc-start web` takes; LXC's own completion checks the same way).
  std::vector<std::string> unless_one_of;
  bool hosts = false;                      // also offer configured and discovered hosts
  enum class Files { none, files, dirs } files = Files::none;  // let the shell complete paths
  std::string prefix;                      // what the word under the cursor starts with
  std::string value_prefix;                // put before each container/host value ("--name=")
  std::optional<std::string> host;         // -H HOST given earlier on the line
  std::optional<std::string> config_file;  // -c FILE given earlier on the line
};

// `words[0]` is the command ("lxhost", "lxc-attach", or a path to either); the last word is the
// one under the cursor (possibly empty). Never throws on odd input: it just offers less.
CompletionPlan plan_completion(std::span<const std::string> words);

// `value<TAB>description` lines (no tab when there is no description), for `__complete`: sorted
// by value and each value once (the first one's description), so that every shell shows them in
// this order.
std::string render_candidates(std::vector<Candidate> candidates);

}  // namespace lxhost
