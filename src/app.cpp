#include "app.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"
#include "commands/commands.hpp"
#include "errors.hpp"
#include "suggest.hpp"
#include "verbs.hpp"

namespace lxhost {
namespace {

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
  if (inv.verb == "list") return run_list(ctx, inv.args);
  if (inv.verb == "discover") return run_discover(ctx, inv.args);
  if (inv.verb == "resolve") return run_resolve(ctx, inv.args);
  if (inv.verb == "doctor") return run_doctor(ctx, inv.args);
  if (inv.verb == "config") return run_config(ctx, inv.args);
  if (inv.verb == "install-links") return run_install_links(ctx, inv.args);
  if (inv.verb == "help") return run_help(ctx, inv.args);
  if (inv.verb == "shell-init") return run_shell_init(ctx, inv.args);
  if (inv.verb == "ssh-config") return run_ssh_config(ctx, inv.args);
  if (inv.verb == "proxy") return run_proxy(ctx, inv.args);
  if (inv.verb == "mux") return run_mux(ctx, inv.args);
  if (inv.verb == "__mux-master") return run_mux_master(ctx, inv.args);
  if (inv.verb == "completions") return run_completions(ctx, inv.args);
  if (inv.verb == "__complete") return run_complete(ctx, inv.args);
  if (inv.verb == "__refresh-cache") return run_refresh_cache(ctx, inv.args);

  std::vector<std::string> known;
  for (const Verb& verb : verb_table()) {
    if (verb.name != "config") known.emplace_back(verb.name);
    known.emplace_back(verb.tool);
  }
  for (const NativeCommand& command : native_commands()) known.emplace_back(command.name);
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
