#include "app.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands/commands.hpp"
#include "commands/services.hpp"
#include "core/cli.hpp"
#include "core/command_table.hpp"
#include "core/errors.hpp"
#include "core/name_route.hpp"
#include "core/suggest.hpp"
#include "core/verbs.hpp"
#include "fd_util.hpp"

namespace lxhost {
namespace {

int run_verb_here(Context& ctx, const Verb& verb, std::span<const std::string> args) {
  if (ctx.host().backend.value == Backend::lxd) return run_lxd(ctx, verb, args);
  return verb.legacy ? run_legacy(ctx, verb, args) : run_passthrough(ctx, verb, args);
}

// A verb goes to the host its HOST:NAME names pick (core/name_route.hpp), without the prefixes.
int run_verb(Context& ctx, const Verb& verb, std::span<const std::string> args) {
  if (std::none_of(args.begin(), args.end(), [](const std::string& a) { return a.find(':') != std::string::npos; }))
    return run_verb_here(ctx, verb, args);
  const Config& config = ctx.config();
  const HostRoute route = route_by_names(verb, args, config.host_names());
  if (!route.host) return run_verb_here(ctx, verb, args);
  const auto& requested = ctx.invocation().options.host;
  if (requested && requested->value != *route.host) {
    throw UsageError(fmt::format("{} {} and '{}' name different hosts", requested->origin.describe(), requested->value,
                                 route.named),
                     fmt::format("leave out {}: '{}' sends the command to {}", requested->origin.describe(), route.named,
                                 *route.host));
  }
  Context routed = ctx.for_host(*config.find_host(*route.host));
  return run_verb_here(routed, verb, route.args);
}

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
  const WordMeaning meaning = resolve_word(inv.verb);
  if (const Verb* verb = meaning.verb) return run_verb(ctx, *verb, inv.args);
  if (const CommandSpec* command = meaning.command) {
    const CommandRunner run_command = command_runner(command->id);
    if (run_command == nullptr) throw Failure(fmt::format("internal error: '{}' has no runner", command->name));
    return run_command(ctx, inv.args);
  }
  const auto suggestion = closest(inv.verb, known_words());
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

CommandRunner command_runner(CommandId id) {
  switch (id) {
    case CommandId::list: return run_list;
    case CommandId::discover: return run_discover;
    case CommandId::resolve: return run_resolve;
    case CommandId::doctor: return run_doctor;
    case CommandId::config: return run_config;
    case CommandId::install_links: return run_install_links;
    case CommandId::ssh_config: return run_ssh_config;
    case CommandId::proxy: return run_proxy;
    case CommandId::mux: return run_mux;
    case CommandId::shell_init: return run_shell_init;
    case CommandId::completions: return run_completions;
    case CommandId::help: return run_help;
    case CommandId::complete: return run_complete;
    case CommandId::refresh_cache: return run_refresh_cache;
    case CommandId::mux_master: return run_mux_master;
    case CommandId::man: return run_man;
    case CommandId::publish: return run_publish;
    case CommandId::none: break;
  }
  return nullptr;
}

int run(int argc, char** argv) {
  open_closed_std_fds();
  // A closed stdout must not kill lxhost silently: writes report EPIPE and the command ends as 141.
  (void)std::signal(SIGPIPE, SIG_IGN);  // fails only for a bad signal number
  try {
    const std::vector<std::string> args(argv, argv + argc);
    Environment env = Environment::from_process();
    Invocation invocation = parse_command_line(args, env);
    Paths paths = paths_from_env(env, static_cast<unsigned>(::getuid()));
    Context ctx(std::move(invocation), std::move(env), std::move(paths), real_services());
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
