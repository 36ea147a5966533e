#include "completion.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "cli.hpp"

namespace lxhost {
namespace {

struct Option {
  std::string_view name;
  bool takes_value;
  std::string_view description;
};

// lxhost's own options (before the verb), as cli.cpp defines them.
constexpr std::array kGlobalOptions = {
    Option{"-H", true, "host from the config, or an address"},
    Option{"--host", true, "host from the config, or an address"},
    Option{"-c", true, "config file"},
    Option{"--config", true, "config file"},
    Option{"-t", false, "force a remote terminal"},
    Option{"-T", false, "no remote terminal"},
    Option{"-v", false, "debug output"},
    Option{"--verbose", false, "debug output"},
    Option{"-q", false, "no warnings"},
    Option{"--quiet", false, "no warnings"},
    Option{"--no-mux", false, "do not reuse a connection"},
    Option{"--help", false, "usage"},
    Option{"--version", false, "version"},
};

// Subcommands and flags of the native commands lxhost offers on a command line.
struct NativeWords {
  std::string_view command;
  std::vector<std::string_view> words;
};
const std::vector<NativeWords>& native_words() {
  static const std::vector<NativeWords> table = {
      {"list", {"--json", "--help"}},
      {"discover", {"--json", "--timeout", "--type", "-6", "--help"}},
      {"resolve", {"-4", "-6", "--timeout", "--help"}},
      {"doctor", {"-H", "--host", "--help"}},
      {"config", {"init", "show", "path", "--help"}},
      {"shell-init", {"bash", "zsh", "--force", "--help"}},
      {"completions", {"bash", "zsh", "--help"}},
      {"ssh-config", {"--install", "--uninstall", "--help"}},
      {"proxy", {"--via-host", "--help"}},
      {"mux", {"status", "stop", "--all", "--help"}},
  };
  return table;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

std::string basename_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void offer(CompletionPlan& plan, std::string_view value, std::string_view description = {}) {
  if (!starts_with(value, plan.prefix)) return;
  if (std::any_of(plan.fixed.begin(), plan.fixed.end(), [&](const Candidate& c) { return c.value == value; })) return;
  plan.fixed.push_back({std::string(value), std::string(description)});
}

// Which words of a verb's flags take a container name (the value of -n / --name).
bool names_container(std::string_view flag) { return flag == "-n" || flag == "--name"; }

// After the verb: flags, container names for -n/--name (and LXC 1's -o/--orig and first argument).
void plan_verb(CompletionPlan& plan, const Verb& verb, std::span<const std::string> args) {
  const std::string& current = args.back();
  const std::span<const std::string> before = args.first(args.size() - 1);
  if (std::find(before.begin(), before.end(), "--") != before.end()) return;  // the command's own words

  const std::string_view previous = before.empty() ? std::string_view{} : std::string_view(before.back());
  const bool legacy_origin = verb.legacy && (previous == "-o" || previous == "--orig");
  if (names_container(previous) || legacy_origin) {
    plan.containers = verb.names == NameFilter::none ? NameFilter::defined : verb.names;
    return;
  }
  for (std::string_view long_name : {"--name=", "--orig="}) {
    if (starts_with(current, long_name) && (long_name == "--name=" || verb.legacy)) {
      plan.containers = verb.names == NameFilter::none ? NameFilter::defined : verb.names;
      plan.value_prefix = std::string(long_name);
      plan.prefix = current.substr(long_name.size());
      return;
    }
  }
  if (starts_with(current, "-")) {
    for (std::string_view flag : verb.flags) offer(plan, flag);
    return;
  }
  // A name in place of -n NAME (`lxc-start web`, LXC 1's `clone A B`), unless the line already
  // names one: by -n / --name, or by a word that is a container's name.
  if (verb.names == NameFilter::none || verb.name == "start-ephemeral") return;
  for (size_t i = 0; i < before.size(); ++i)
    if (names_container(before[i]) || before[i].starts_with("--name=") || (before[i].starts_with("-n") && before[i].size() > 2 && !verb.legacy))
      return;
  plan.containers = verb.names;
  plan.unless_one_of.assign(before.begin(), before.end());
}

void plan_native(CompletionPlan& plan, std::string_view command, std::span<const std::string> args) {
  const std::span<const std::string> before = args.first(args.size() - 1);
  const std::string_view previous = before.empty() ? std::string_view{} : std::string_view(before.back());
  if (command == "help") {
    if (!before.empty()) return;
    for (const Verb& verb : verb_table()) offer(plan, verb.name == "config" ? "lxc-config" : verb.name, verb.summary);
    for (const NativeCommand& native : native_commands()) offer(plan, native.name, native.summary);
    return;
  }
  if (command == "install-links") {
    if (!starts_with(plan.prefix, "-")) plan.files = CompletionPlan::Files::dirs;
    return;
  }
  if (command == "resolve" && !starts_with(plan.prefix, "-") && previous != "--timeout") {
    plan.hosts = true;
    return;
  }
  if (previous == "--timeout" || previous == "--type") return;
  for (const NativeWords& entry : native_words()) {
    if (entry.command != command) continue;
    for (std::string_view word : entry.words) {
      // Subcommand words (init, bash) only in the first position.
      if (!starts_with(word, "-") && !before.empty()) continue;
      offer(plan, word);
    }
  }
}

}  // namespace

CompletionPlan plan_completion(std::span<const std::string> words) {
  CompletionPlan plan;
  if (words.empty()) return plan;
  plan.prefix = words.back();
  if (words.size() == 1) return plan;  // the cursor is on the command name: the shell's business

  const std::string command = basename_of(words[0]);
  if (command.starts_with("lxc-")) {
    if (const Verb* verb = find_verb(command)) plan_verb(plan, *verb, words.subspan(1));
    return plan;
  }

  // `lxhost [OPTIONS] VERB ARGS...`: walk lxhost's options to find the verb.
  size_t i = 1;
  for (; i + 1 < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") {
      ++i;
      break;
    }
    if (word.empty() || word.front() != '-') break;
    const auto option = std::find_if(kGlobalOptions.begin(), kGlobalOptions.end(),
                                      [&](const Option& o) { return o.name == word; });
    if (option != kGlobalOptions.end() && option->takes_value && i + 2 < words.size()) {
      if (option->name == "-H" || option->name == "--host") plan.host = words[i + 1];
      if (option->name == "-c" || option->name == "--config") plan.config_file = words[i + 1];
      ++i;
    } else if (option != kGlobalOptions.end() && option->takes_value) {
      // The option's value is the word under the cursor.
      if (option->name == "-H" || option->name == "--host") plan.hosts = true;
      else plan.files = CompletionPlan::Files::files;
      return plan;
    }
  }
  if (i == words.size() - 1) {  // the cursor is where the verb goes
    if (starts_with(plan.prefix, "-")) {
      for (const Option& option : kGlobalOptions) offer(plan, option.name, option.description);
      return plan;
    }
    for (const Verb& verb : verb_table())
      if (verb.name != "config") offer(plan, verb.name, verb.summary);
    for (const NativeCommand& native : native_commands()) offer(plan, native.name, native.summary);
    if (starts_with(plan.prefix, "lxc-"))
      for (const Verb& verb : verb_table()) offer(plan, verb.tool, verb.summary);
    return plan;
  }
  const std::string& verb_word = words[i];
  const std::span<const std::string> args = words.subspan(i + 1);
  if (const Verb* verb = find_verb(verb_word)) plan_verb(plan, *verb, args);
  else plan_native(plan, verb_word, args);
  return plan;
}

std::string render_candidates(const std::vector<Candidate>& candidates) {
  std::string text;
  for (const Candidate& candidate : candidates) {
    text += candidate.value;
    if (!candidate.description.empty()) text += '\t' + candidate.description;
    text += '\n';
  }
  return text;
}

}  // namespace lxhost
