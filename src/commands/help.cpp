#include <fmt/format.h>

#include <vector>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/remote_run.hpp"
#include "core/command_args.hpp"
#include "core/errors.hpp"
#include "core/manual.hpp"
#include "core/suggest.hpp"

namespace lxhost {
namespace {

std::string_view filter_name(NameFilter filter) {
  switch (filter) {
    case NameFilter::running: return "a running";
    case NameFilter::stopped: return "a stopped";
    case NameFilter::defined: return "any defined";
    case NameFilter::frozen: return "a frozen";
    case NameFilter::none: break;
  }
  return "";
}

std::string verb_help(const Verb& verb) {
  std::string text =
      fmt::format("lxhost {} ARGS...   (or {} ARGS... through a link)\n\n{}\n\n", verb.name, verb.tool, verb.summary);
  if (verb.legacy) {
    text += fmt::format("An LXC 1 verb: translated to lxc-copy on hosts with LXC >= 2.0, passed on unchanged to\n"
                        "hosts that still have {}. Flags:",
                        verb.tool);
    for (std::string_view flag : verb.flags) text += fmt::format(" {}", flag);
    text += "\n";
  } else {
    text += fmt::format("Runs `{} ARGS...` on the container host, with every argument exactly as typed.\n"
                        "`lxhost {} --help` shows the remote tool's own help.\n",
                        verb.tool, verb_word(verb));
  }
  text += fmt::format("Terminal: {}.\n", verb.interactive ? "yes when stdin and stdout are terminals (-T: never)"
                                                          : "no (-t forces one)");
  if (verb.names != NameFilter::none) text += fmt::format("Its -n names {} container.\n", filter_name(verb.names));
  return text;
}

}  // namespace

int run_help(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("help", args);
  if (!parsed) return 0;
  const auto word = parsed->value("VERB");
  if (!word) {
    fmt::print("{}", usage_text());
    return 0;
  }
  const WordMeaning meaning = resolve_word(*word);
  if (meaning.verb != nullptr) return print_verb_help(ctx, *meaning.verb);
  if (meaning.command != nullptr && !meaning.command->hidden) {
    fmt::print("{}", command_help(*meaning.command));
    return 0;
  }
  const auto suggestion = closest(*word, known_words());
  throw UsageError(fmt::format("help: unknown verb '{}'{}", *word,
                               suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : ""));
}

int print_verb_help(Context& ctx, const Verb& verb) {
  fmt::print("{}", verb_help(verb));
  // Help must work with a broken config: the error is named instead of the arguments.
  std::string defaults;
  try {
    defaults = verb_defaults_note(ctx, verb);
  } catch (const ConfigError& e) {
    fmt::print("Default arguments: unknown, the config has an error: {}\n", e.what());
    return 0;
  }
  if (defaults.empty()) {
    fmt::print("Default arguments: none ([verbs.{}] args in the config puts some before the ones typed).\n",
               verb_word(verb));
  } else {
    fmt::print("Default arguments, before the ones typed: {}.\n", defaults);
  }
  return 0;
}

int run_man(Context&, std::span<const std::string> args) {
  const auto page = args.size() == 1 ? render_man_page(args[0]) : std::nullopt;
  if (!page) throw UsageError("__man takes one page: lxhost.1 or lxhost.toml.5");
  fmt::print("{}", *page);
  return 0;
}

}  // namespace lxhost
