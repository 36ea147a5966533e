// `clone` and `start-ephemeral`: LXC 1 verbs, translated for the host's LXC (detected once per
// host and cached: lxc-copy exists since LXC 2.0).
#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "errors.hpp"
#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/remote_run.hpp"
#include "legacy_verbs.hpp"

namespace lxhost {
namespace {

std::string cache_key(const HostConfig& host) {
  std::string key = fmt::format("{}-{}-{}", host.name, host.address.value, host.port.value);
  for (char& c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) c = '_';
  return key;
}

LxcGeneration lxc_generation(Context& ctx) {
  const std::string path = fmt::format("{}/lxc-generation-{}", ctx.paths().cache_dir, cache_key(ctx.host()));
  std::ifstream cached(path);
  std::string word;
  if (cached >> word && (word == "modern" || word == "legacy"))
    return word == "modern" ? LxcGeneration::modern : LxcGeneration::legacy;
  const Captured probe = ctx.transport().capture("command -v lxc-copy >/dev/null 2>&1 && echo modern || echo legacy");
  const bool legacy = probe.out.starts_with("legacy");
  try {
    write_file_atomically(path, legacy ? "legacy\n" : "modern\n", 0600);
  } catch (const Error& e) {
    ctx.log().warn("{}", e.what());  // only a cache: go on without it
  }
  ctx.log().debug("host {} has {} LXC", ctx.host().name, legacy ? "an LXC 1" : "LXC >= 2.0");
  return legacy ? LxcGeneration::legacy : LxcGeneration::modern;
}

}  // namespace

int run_legacy(Context& ctx, const Verb& verb, std::span<const std::string> args) {
  if (asks_for_help(args)) return print_verb_help(ctx, verb);
  const LxcGeneration generation = lxc_generation(ctx);
  const std::string token = make_token();
  const Translation translation = verb.name == "clone"
                                      ? translate_clone(args, generation)
                                      : translate_start_ephemeral(args, generation, "lxhost-" + token.substr(0, 8));
  const RemoteContext remote = ctx.remote_context();
  RemoteCommand command;
  if (translation.ephemeral) {
    // Copy, attach CMD, stop: one remote script, so Ctrl-C or a lost connection still stops the copy.
    command.line = ephemeral_script(*translation.ephemeral, token, remote);
    command.pty = wants_pty(ctx.invocation().options.tty, false);
  } else {
    command.line = tool_line(translation.argv, remote);
    command.pty = wants_pty(ctx.invocation().options.tty, translation.interactive.value_or(verb.interactive));
  }
  ctx.log().debug("remote line: {}", command.line);
  const int code = run_remote(ctx, command, verb.tool);
  if (verb.cache == CacheEffect::invalidate) invalidate_container_cache(ctx);
  return code;
}

}  // namespace lxhost
