#include "core/completion.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/command_table.hpp"

namespace lxhost {
namespace {

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

// A flag whose value is a container that must not exist yet: nothing to offer. lxc-create's
// -n, lxc-copy's -N, and LXC 1's clone -n NEW and start-ephemeral -n NEW.
bool names_new_container(const Verb& verb, std::string_view flag) {
  if (verb.name == "copy") return flag == "-N" || flag == "--newname";
  return (verb.name == "create" || verb.legacy) && names_container(flag);
}

// After the verb: flags, container names for -n/--name (and LXC 1's -o/--orig and first argument).
void plan_verb(CompletionPlan& plan, const Verb& verb, std::span<const std::string> args) {
  const std::string& current = args.back();
  const std::span<const std::string> before = args.first(args.size() - 1);
  if (std::find(before.begin(), before.end(), "--") != before.end()) return;  // the command's own words

  const std::string_view previous = before.empty() ? std::string_view{} : std::string_view(before.back());
  if (names_new_container(verb, previous)) return;
  for (std::string_view long_name : {"--newname=", "--name="})
    if (starts_with(current, long_name) && names_new_container(verb, long_name.substr(0, long_name.size() - 1))) return;
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

void offer_commands(CompletionPlan& plan) {
  for (const CommandSpec& native : native_commands())
    if (!native.hidden) offer(plan, native.name, native.summary);
}

// What an option's value or a positional argument completes, as its row says.
void offer_completes(CompletionPlan& plan, Completes completes) {
  switch (completes) {
    case Completes::nothing: break;
    case Completes::hosts: plan.hosts = true; break;
    case Completes::files: plan.files = CompletionPlan::Files::files; break;
    case Completes::dirs: plan.files = CompletionPlan::Files::dirs; break;
    case Completes::verbs_and_commands:
      for (const Verb& verb : verb_table()) offer(plan, verb_word(verb), verb.summary);
      offer_commands(plan);
      break;
  }
}

// The option of `options` that `word` names and that takes a value, or nullptr.
const OptionSpec* value_option(std::span<const OptionSpec> options, std::string_view word) {
  const auto it = std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) {
    return !o.positional() && o.kind != OptionSpec::Kind::flag && std::ranges::count(option_names(o), word) > 0;
  });
  return it == options.end() ? nullptr : &*it;
}

// The positional of `options` that the word under the cursor gives, after `before` gave the ones
// before it (an option's value is no positional); nullptr when every positional is given.
const OptionSpec* next_positional(std::span<const OptionSpec> options, std::span<const std::string> before) {
  std::size_t given = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (!before[i].starts_with("-")) ++given;
    else if (value_option(options, before[i]) != nullptr) ++i;
  }
  for (const OptionSpec& option : options) {
    if (!option.positional()) continue;
    if (given == 0) return &option;
    --given;
  }
  return nullptr;
}

void plan_native(CompletionPlan& plan, const CommandSpec& command, std::span<const std::string> args) {
  if (command.hidden) return;
  const std::span<const std::string> before = args.first(args.size() - 1);
  const std::string_view previous = before.empty() ? std::string_view{} : std::string_view(before.back());
  // After a subcommand (`config init`), its options; before one, the subcommands.
  const CommandSpec* sub = before.empty() ? nullptr : find_subcommand(command, before.front());
  const std::span<const OptionSpec> options = sub != nullptr ? sub->options : command.options;
  if (const OptionSpec* option = value_option(options, previous)) {
    offer_completes(plan, option->completes);  // doctor -H; nothing for --timeout MS, --type T
    return;
  }
  const OptionSpec* positional = next_positional(options, sub != nullptr ? before.subspan(1) : before);
  // A word that is no option: hosts, directories, verbs (alone); or the positional's choices (with the options).
  if (positional != nullptr && !starts_with(plan.prefix, "-") && positional->completes != Completes::nothing) {
    offer_completes(plan, positional->completes);
    return;
  }
  if (before.empty())
    for (const CommandSpec& s : command.subcommands) offer(plan, s.name, s.summary);
  if (positional != nullptr)
    for (std::string_view choice : positional->choices) offer(plan, choice);  // shell-init bash|zsh
  for (const OptionSpec& option : options)
    if (!option.positional())
      for (std::string_view name : option_names(option)) offer(plan, name, option.help);
  offer(plan, "--help");
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
    const auto options = global_options();
    const auto option = std::find_if(options.begin(), options.end(), [&](const GlobalOption& o) {
      return o.short_name == word || o.long_name == word;
    });
    if (option != options.end() && !option->value.empty() && i + 2 < words.size()) {
      if (option->short_name == "-H") plan.host = words[i + 1];
      if (option->short_name == "-c") plan.config_file = words[i + 1];
      ++i;
    } else if (option != options.end() && !option->value.empty()) {
      // The option's value is the word under the cursor.
      offer_completes(plan, option->completes);
      return plan;
    }
  }
  if (i == words.size() - 1) {  // the cursor is where the verb goes
    if (starts_with(plan.prefix, "-")) {
      for (const GlobalOption& option : global_options()) {
        if (!option.short_name.empty()) offer(plan, option.short_name, option.help);
        if (!option.long_name.empty()) offer(plan, option.long_name, option.help);
      }
      return plan;
    }
    // A verb typed by its tool's name (`lxc-config`: `config` is a command) comes with the tools.
    for (const Verb& verb : verb_table())
      if (verb_word(verb) == verb.name) offer(plan, verb.name, verb.summary);
    offer_commands(plan);
    if (starts_with(plan.prefix, "lxc-"))
      for (const Verb& verb : verb_table()) offer(plan, verb.tool, verb.summary);
    return plan;
  }
  const std::span<const std::string> args = words.subspan(i + 1);
  const WordMeaning meaning = resolve_word(words[i]);
  if (meaning.verb != nullptr) plan_verb(plan, *meaning.verb, args);
  else if (meaning.command != nullptr) plan_native(plan, *meaning.command, args);
  return plan;
}

std::string render_candidates(std::vector<Candidate> candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.value < b.value; });
  candidates.erase(std::unique(candidates.begin(), candidates.end(),
                               [](const Candidate& a, const Candidate& b) { return a.value == b.value; }),
                   candidates.end());
  std::string text;
  for (const Candidate& candidate : candidates) {
    text += candidate.value;
    if (!candidate.description.empty()) text += '\t' + candidate.description;
    text += '\n';
  }
  return text;
}

}  // namespace lxhost
