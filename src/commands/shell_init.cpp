// `shell-init bash|zsh [--force]` and `completions bash|zsh`: the scripts in shell/ and
// completions/, compiled in, with the tool names filled in from the verb table.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "commands/args.hpp"
#include "commands/commands.hpp"

namespace lxhost {

namespace embedded {
extern const std::string_view shell_bash;
extern const std::string_view shell_zsh;
extern const std::string_view completion_bash;
extern const std::string_view completion_zsh;
}  // namespace embedded

namespace {

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string render(std::string_view script, bool force) {
  std::string tools;
  for (const Verb& verb : verb_table()) tools += (tools.empty() ? "" : " ") + std::string(verb.tool);
  return replace_all(replace_all(std::string(script), "@LXHOST_TOOLS@", tools), "@LXHOST_FORCE@", force ? "1" : "0");
}

}  // namespace

int run_shell_init(Context&, std::span<const std::string> args) {
  const auto parsed = parse_args("shell-init", args);
  if (!parsed) return 0;
  const bool force = parsed->has("--force");
  const bool bash = parsed->value("SHELL") == "bash";
  fmt::print("{}{}", render(bash ? embedded::shell_bash : embedded::shell_zsh, force),
             render(bash ? embedded::completion_bash : embedded::completion_zsh, force));
  return 0;
}

int run_completions(Context&, std::span<const std::string> args) {
  const auto parsed = parse_args("completions", args);
  if (!parsed) return 0;
  fmt::print("{}", render(parsed->value("SHELL") == "bash" ? embedded::completion_bash : embedded::completion_zsh, false));
  return 0;
}

}  // namespace lxhost
