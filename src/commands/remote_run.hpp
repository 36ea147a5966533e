// Running one remote line for a command: PTY choice, sudo's refusals turned into one clear error,
// and the random token that tags attached processes.
#pragma once

#include <span>
#include <string>
#include <vector>
#include <string_view>

#include "commands/context.hpp"
#include "core/sudo_refusal.hpp"
#include "core/verbs.hpp"

namespace lxhost {

// Streams `command` to the local terminal; when the host uses sudo, a refusal by sudo itself
// becomes a Failure (exit 1) naming the sudoers line to add. `tool` names the remote tool.
int run_remote(Context& ctx, const RemoteCommand& command, std::string_view tool);
// The same, with the output going to `output` instead of the local stdout and stderr.
int run_remote(Context& ctx, const RemoteCommand& command, std::string_view tool, OutputSink& output);

// Runs `line` without input and returns its stdout; throws on a non-zero exit (sudo's refusals
// included), quoting the first line of stderr.
std::string capture_remote(Context& ctx, const std::string& line, std::string_view tool);

// The arguments a verb runs with: its [verbs.VERB] args from the config, then the ones typed.
std::vector<std::string> with_verb_defaults(Context& ctx, const Verb& verb, std::span<const std::string> typed);

// "-s (the config's [verbs.clone] args, PATH:LINE:COL)", or "" when the verb has no default arguments.
std::string verb_defaults_note(Context& ctx, const Verb& verb);

// After a verb failed: one line on stderr naming the config's arguments it ran with, if any
// (they may be what the tool refused with the typed ones).
void note_verb_defaults(Context& ctx, const Verb& verb);

// 16 random hex digits.
std::string make_token();

}  // namespace lxhost
