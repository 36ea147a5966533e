#include "app.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"
#include "command_table.hpp"
#include "commands/commands.hpp"
#include "errors.hpp"
#include "suggest.hpp"
#include "verbs.hpp"

namespace lxhost {
namespace {

// The function behind each row of the command table (command_table.cpp).
struct Runner {
  std::string_view name;
  int (*run)(Context&, std::span<const std::string>);
};
constexpr Runner runners[] = {
    {"list", run_list},
    {"discover", run_discover},
    {"resolve", run_resolve},
    {"doctor", run_doctor},
    {"config", run_config},
    {"install-links", run_install_links},
    {"ssh-config", run_ssh_config},
    {"proxy", run_proxy},
    {"mux", run_mux},
    {"shell-init", run_shell_init},
    {"completions", run_completions},
    {"help", run_help},
    {"__complete", run_complete},
    {"__refresh-cache", run_refresh_cache},
    {"__mux-master", run_mux_master},
    {"__man", run_man},
};

int dispatch(Context& ctx) {
  const Invocation& inv = ctx.invocation();
  if (inv.show_version) {
    fmt::print("lxhost {}\n", LXHOST_VERSION);
    return exit_code::ok;
  }
  if (inv.show_help) {
    fmt::print("{}", usage_text());
    return exit_code::ok;
  }
  if (inv.verb.empty()) {
    fmt::print(stderr, "{}", usage_text());
    return exit_code::usage;
  }
  if (const Verb* verb = find_verb(inv.verb))
    return verb->legacy ? run_legacy(ctx, *verb, inv.args) : run_passthrough(ctx, *verb, inv.args);
  if (const CommandSpec* command = find_command(inv.verb)) {
    const auto runner = std::find_if(std::begin(runners), std::end(runners),
                                     [&](const Runner& r) { return r.name == command->name; });
    if (runner == std::end(runners)) throw Failure(fmt::format("internal error: '{}' has no runner", command->name));
    return runner->run(ctx, inv.args);
  }

  std::vector<std::string> known;
  for (const Verb& verb : verb_table()) {
    if (verb.name != "config") known.emplace_back(verb.name);
    known.emplace_back(verb.tool);
  }
  for (const CommandSpec& command : native_commands())
    if (!command.hidden) known.emplace_back(command.name);
  const auto suggestion = closest(inv.verb, known);
  throw UsageError(fmt::format("unknown verb '{}'{}", inv.verb,
                               suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : ""),
                   "run `lxhost help` for the verbs and commands");
}

void print_error(const Error& e) {
  (void)std::fflush(stdout);  // only orders the output; a failed stdout is no reason to hide the error
  fmt::print(stderr, "lxhost: error: {}\n", e.what());
  if (!e.hint().empty()) fmt::print(stderr, "lxhost: hint: {}\n", e.hint());
}

}  // namespace

int run(int argc, char** argv) {
  // A closed stdout must not kill lxhost silently: writes report EPIPE and the command ends as 141.
  (void)std::signal(SIGPIPE, SIG_IGN);  // fails only for a bad signal number
  try {
    const std::vector<std::string> args(argv, argv + argc);
    Environment env = Environment::from_process();
    Invocation invocation = parse_command_line(args, env);
    Paths paths = paths_from_env(env, static_cast<unsigned>(::getuid()));
    Context ctx(std::move(invocation), std::move(env), std::move(paths));
    return dispatch(ctx);
  } catch (const Error& e) {
    print_error(e);
    return e.code();
  } catch (const std::exception& e) {
    print_error(Failure(fmt::format("internal error: {}", e.what())));
    return exit_code::failure;
  }
}

}  // namespace lxhost
