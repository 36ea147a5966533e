#include <unistd.h>

#include <vector>

#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/remote_run.hpp"
#include "terminal.hpp"

namespace lxhost {

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
