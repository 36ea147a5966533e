// `clone` and `start-ephemeral`: LXC 1 verbs, translated for the host's LXC (detected once per
// host and cached: lxc-copy exists since LXC 2.0).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/remote_run.hpp"
#include "core/errors.hpp"
#include "core/held_stderr.hpp"
#include "core/legacy_verbs.hpp"
#include "core/state_files.hpp"
#include "transport/local_output.hpp"

namespace lxhost {
namespace {

LxcGeneration lxc_generation(Context& ctx) {
  const std::string path = lxc_generation_file(ctx.paths().cache_dir, ctx.host());
  if (const auto cached = parse_generation(read_cache_text(path))) return *cached;
  const Captured probe = ctx.transport().capture("command -v lxc-copy >/dev/null 2>&1 && echo modern || echo legacy");
  const bool legacy = probe.out.starts_with("legacy");
  try {
    write_file_atomically(path, render_generation(legacy ? LxcGeneration::legacy : LxcGeneration::modern), 0600);
  } catch (const Error& e) {
    ctx.log().warn("{}", e.what());  // only a cache: go on without it
  }
  ctx.log().debug("host {} has {} LXC", ctx.host().name, legacy ? "an LXC 1" : "LXC >= 2.0");
  return legacy ? LxcGeneration::legacy : LxcGeneration::modern;
}

// The names `lxc-ls -1` lists, with `-P lxcpath` when given (else the host's lxcpath setting).
std::vector<std::string> listed(Context& ctx, const std::optional<std::string>& lxcpath) {
  RemoteContext remote = ctx.remote_context();
  std::vector<std::string> argv{"lxc-ls", "-1"};
  if (lxcpath) {
    remote.lxcpath.clear();
    argv.insert(argv.end(), {"-P", *lxcpath});
  }
  std::istringstream lines(capture_remote(ctx, tool_line(argv, remote), "lxc-ls"));
  std::vector<std::string> names;
  for (std::string name; std::getline(lines, name);)
    if (!name.empty()) names.push_back(name);
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// After a translated lxc-copy failed: asks the host which of the two containers it lists now.
CopyOutcome copy_outcome(Context& ctx, const CopyNames& names, int code, std::string tool_stderr) {
  CopyOutcome outcome{code, true, false, std::move(tool_stderr)};
  try {
    const std::vector<std::string> sources = listed(ctx, names.orig_lxcpath);
    outcome.orig_listed = has(sources, names.orig);
    outcome.new_listed = has(names.new_lxcpath ? listed(ctx, names.new_lxcpath) : sources, names.new_name);
  } catch (const Failure& e) {
    ctx.log().debug("could not list the containers: {}", e.what());  // the failure is explained without them
  }
  return outcome;
}

Translation translate(Context& ctx, const Verb& verb, std::span<const std::string> args) {
  const LxcGeneration generation = lxc_generation(ctx);
  const std::string token = make_token();
  try {
    return verb.name == "clone" ? translate_clone(args, generation)
                                : translate_start_ephemeral(args, generation, "lxhost-" + token.substr(0, 8));
  } catch (const UsageError& e) {
    const std::string note = verb_defaults_note(ctx, verb);
    if (note.empty()) throw;
    throw UsageError(e.what(), fmt::format("the arguments began with {}", note));
  }
}

}  // namespace

int run_legacy(Context& ctx, const Verb& verb, std::span<const std::string> typed) {
  if (asks_for_help(typed)) return print_verb_help(ctx, verb);
  const std::vector<std::string> args = with_verb_defaults(ctx, verb, typed);
  Translation translation = translate(ctx, verb, args);
  // lxc-copy writes its errors on stderr only when it has a log file (`-o /dev/null` costs nothing).
  if (!translation.argv.empty() && translation.argv[0] == "lxc-copy")
    translation.argv.insert(translation.argv.begin() + 1, {"-o", "/dev/null"});
  const RemoteContext remote = ctx.remote_context();
  RemoteCommand command;
  // What lxc-copy writes on stderr is held for its failure's one line. A foreground copy's stderr
  // is the container's console, passed as it comes (with lxc-copy's words, which the line then
  // does not repeat); start-ephemeral's script marks where lxc-copy's stderr ends and CMD's begins.
  std::string mark;
  if (translation.ephemeral) {
    // Copy, attach CMD, stop: one remote script, so Ctrl-C or a lost connection still stops the copy.
    command.pty = wants_pty(ctx.invocation().options.tty, false);
    const std::string token = make_token();
    if (!command.pty) mark = "lxhost: copied " + token;  // a terminal would show it
    command.line = ephemeral_script(*translation.ephemeral, token, remote, mark);
  } else {
    command.line = tool_line(translation.argv, remote);
    command.pty = wants_pty(ctx.invocation().options.tty, translation.interactive.value_or(verb.interactive));
  }
  ctx.log().debug("remote line: {}", command.line);
  LocalOutput local;
  HeldStderr held(local, mark);
  const bool hold = translation.copy && !translation.interactive.value_or(false) && !command.pty;
  const int code = run_remote(ctx, command, verb.tool, hold ? static_cast<OutputSink&>(held) : local);
  if (verb.cache == CacheEffect::invalidate) invalidate_container_cache(ctx);
  if (code == 0) {
    if (!held.held().empty()) local.err(held.held());
    return code;
  }
  // Not when a signal ended it, nor when CMD failed after the copy was made.
  if (translation.copy && code < 128 && !held.marked()) {
    CopyOutcome outcome = copy_outcome(ctx, *translation.copy, code, held.held());
    outcome.copy_failed = !mark.empty();
    if (auto why = explain_copy_failure(verb.name, *translation.copy, outcome, ctx.host().address.value)) {
      const std::string note = verb_defaults_note(ctx, verb);
      throw ToolFailure(code, *why,
                        note.empty() ? "" : fmt::format("{} ran with {} before the arguments typed", verb.name, note));
    }
  }
  if (!held.held().empty()) local.err(held.held());
  note_verb_defaults(ctx, verb);
  return code;
}

}  // namespace lxhost
