// Running one remote line for a command: PTY choice, sudo's refusals turned into one clear error,
// and the random token that tags attached processes.
#pragma once

#include <string>
#include <string_view>

#include "commands/context.hpp"
#include "sudo_refusal.hpp"

namespace lxhost {

// Streams `command` to the local terminal; when the host uses sudo, a refusal by sudo itself
// becomes a Failure (exit 1) naming the sudoers line to add. `tool` names the remote tool.
int run_remote(Context& ctx, const RemoteCommand& command, std::string_view tool);

// Runs `line` without input and returns its stdout; throws on a non-zero exit (sudo's refusals
// included), quoting the first line of stderr.
std::string capture_remote(Context& ctx, const std::string& line, std::string_view tool);

// 16 random hex digits.
std::string make_token();

}  // namespace lxhost
