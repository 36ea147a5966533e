#include <fmt/format.h>

#include <vector>

#include "commands/commands.hpp"
#include "errors.hpp"
#include "suggest.hpp"

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

void print_verb(const Verb& verb) {
  fmt::print("lxhost {} ARGS...   (or {} ARGS... through a link)\n\n{}\n\n", verb.name, verb.tool, verb.summary);
  if (verb.legacy) {
    fmt::print("An LXC 1 verb: translated to lxc-copy on hosts with LXC >= 2.0, passed on unchanged to\n"
               "hosts that still have {}. Flags:", verb.tool);
    for (std::string_view flag : verb.flags) fmt::print(" {}", flag);
    fmt::print("\n");
  } else {
    fmt::print("Runs `{} ARGS...` on the container host, with every argument exactly as typed.\n"
               "`lxhost {} --help` shows the remote tool's own help.\n",
               verb.tool, verb.name == "config" ? "lxc-config" : verb.name);
  }
  fmt::print("Terminal: {}.\n", verb.interactive ? "yes when stdin and stdout are terminals (-T: never)"
                                                 : "no (-t forces one)");
  if (verb.names != NameFilter::none) fmt::print("Its -n names {} container.\n", filter_name(verb.names));
}

}  // namespace

int run_help(Context&, std::span<const std::string> args) {
  if (args.empty()) {
    fmt::print("{}", usage_text());
    return 0;
  }
  if (args.size() > 1) throw UsageError("help takes one verb", "run `lxhost help`");
  const std::string& word = args[0];
  if (const Verb* verb = find_verb(word)) {
    print_verb(*verb);
    return 0;
  }
  for (const NativeCommand& command : native_commands()) {
    if (command.name == word) {
      fmt::print("lxhost {}\n\n{}\n\n`lxhost {} --help` lists its options.\n", command.synopsis, command.summary,
                 command.name);
      return 0;
    }
  }
  std::vector<std::string> known;
  for (const Verb& verb : verb_table()) known.emplace_back(verb.name);
  for (const NativeCommand& command : native_commands()) known.emplace_back(command.name);
  const auto suggestion = closest(word, known);
  throw UsageError(fmt::format("help: unknown verb '{}'{}", word,
                               suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : ""));
}

}  // namespace lxhost
