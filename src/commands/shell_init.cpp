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

bool parse_shell(std::string_view command, std::span<const std::string> args, std::string& shell, bool* force) {
  CLI::App app{command == "shell-init"
                   ? "Print the lxc-* functions and completion for a shell: eval \"$(lxhost shell-init zsh)\""
                   : "Print the completion script for a shell (cmake --install puts it where the shell finds it)",
               fmt::format("lxhost {}", command)};
  app.add_option("SHELL", shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  if (force) app.add_flag("--force", *force, "also replace functions and aliases you already have with these names");
  return parse_args(app, args);
}

}  // namespace

int run_shell_init(Context&, std::span<const std::string> args) {
  std::string shell;
  bool force = false;
  if (!parse_shell("shell-init", args, shell, &force)) return 0;
  const bool bash = shell == "bash";
  fmt::print("{}{}", render(bash ? embedded::shell_bash : embedded::shell_zsh, force),
             render(bash ? embedded::completion_bash : embedded::completion_zsh, force));
  return 0;
}

int run_completions(Context&, std::span<const std::string> args) {
  std::string shell;
  if (!parse_shell("completions", args, shell, nullptr)) return 0;
  fmt::print("{}", render(shell == "bash" ? embedded::completion_bash : embedded::completion_zsh, false));
  return 0;
}

}  // namespace lxhost
