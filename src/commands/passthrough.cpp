#include <unistd.h>

#include <algorithm>
#include <future>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/remote_run.hpp"
#include "core/errors.hpp"
#include "core/lxc_output.hpp"
#include "terminal.hpp"

namespace lxhost {
namespace {

// The arguments without lxhost's own --all-hosts (before any `--`), or nullopt without it.
std::optional<std::vector<std::string>> without_all_hosts(std::span<const std::string> args) {
  const auto end = std::find(args.begin(), args.end(), "--");
  const auto flag = std::find(args.begin(), end, "--all-hosts");
  if (flag == end) return std::nullopt;
  std::vector<std::string> rest(args.begin(), flag);
  rest.insert(rest.end(), flag + 1, args.end());
  return rest;
}

// `ls --all-hosts ARGS`: lxc-ls ARGS on every configured host at once (an LXD host's instances
// from LXD, printed as lxc-ls prints), each through its own master, printed as one output in
// lxc-ls's layout with every name HOST:NAME. A host that fails is named on stderr in one line,
// the others are printed; exit 1 then.
int ls_all_hosts(Context& ctx, const Verb& verb, std::span<const std::string> args) {
  ctx.refuse_one_host("ls");
  struct Listed {
    HostLsOutput output;
    std::string failure;
  };
  std::vector<Context> contexts;
  contexts.reserve(ctx.config().hosts.size());
  for (const HostConfig& host : ctx.config().hosts) contexts.push_back(ctx.for_host(host));
  std::vector<std::string> argv{std::string(verb.tool)};
  const std::vector<std::string> all_args = with_verb_defaults(ctx, verb, args);
  argv.insert(argv.end(), all_args.begin(), all_args.end());
  std::vector<std::future<Listed>> listings;
  listings.reserve(contexts.size());
  for (Context& host : contexts) {
    listings.push_back(std::async(std::launch::async, [&host, &verb, &argv, &all_args] {
      Listed listed{{host.host().name, {}}, {}};
      try {
        listed.output.text = host.host().backend.value == Backend::lxd
                                 ? lxd_ls_output(host, all_args)
                                 : capture_remote(host, tool_line(argv, host.remote_context()), verb.tool);
      } catch (const Error& e) {
        listed.failure = e.what();
      }
      return listed;
    }));
  }
  std::vector<HostLsOutput> outputs;
  int status = 0;
  for (auto& listing : listings) {
    Listed listed = listing.get();
    if (!listed.failure.empty()) {
      fmt::print(stderr, "lxhost: error: {}: {}\n", listed.output.host, listed.failure);
      status = 1;
      continue;
    }
    outputs.push_back(std::move(listed.output));
  }
  const std::size_t width = is_terminal(STDOUT_FILENO) ? static_cast<std::size_t>(terminal_size().cols) : 0;
  fmt::print("{}", merge_ls_outputs(ls_layout(all_args), outputs, width));
  return status;
}

}  // namespace

bool wants_pty(TtyMode mode, bool interactive) {
  switch (mode) {
    case TtyMode::force:
      return true;
    case TtyMode::never:
      return false;
    case TtyMode::automatic:
      break;
  }
  return interactive && is_terminal(STDIN_FILENO) && is_terminal(STDOUT_FILENO);
}

int run_passthrough(Context& ctx, const Verb& verb, std::span<const std::string> args) {
  if (verb.tool == "lxc-ls")
    if (const auto rest = without_all_hosts(args)) return ls_all_hosts(ctx, verb, *rest);
  std::vector<std::string> argv{std::string(verb.tool)};
  const std::vector<std::string> all_args = with_verb_defaults(ctx, verb, args);
  argv.insert(argv.end(), all_args.begin(), all_args.end());

  const RemoteContext remote = ctx.remote_context();
  RemoteCommand command;
  command.pty = wants_pty(ctx.invocation().options.tty, verb.interactive);
  // Without a terminal, lxc-attach does not pass Ctrl-C on to the process it runs: tag that
  // process so an interrupt can find it (see RemoteCommand::on_interrupt).
  if (!command.pty && verb.tool == "lxc-attach") {
    if (auto container = attach_target(argv)) {
      const std::string token = make_token();
      argv = tag_attach(argv, token);
      command.on_interrupt = [container = *container, token, remote](std::string_view signal) {
        return signal_tagged_line(container, token, std::string(signal), remote);
      };
    }
  }
  command.line = tool_line(argv, remote);
  ctx.log().debug("remote line: {}", command.line);
  const int code = run_remote(ctx, command, verb.tool);
  if (verb.cache == CacheEffect::invalidate) invalidate_container_cache(ctx);
  if (code != 0) note_verb_defaults(ctx, verb);
  return code;
}

}  // namespace lxhost
