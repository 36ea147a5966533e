// The command lines the remote POSIX login shell runs. Pure: built from argv and host settings.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "legacy_verbs.hpp"

namespace lxhost {

struct RemoteContext {
  bool sudo = true;     // prefix `sudo -n`
  std::string lxcpath;  // when not empty, `-P LXCPATH` right after tools that take it
};

// `[sudo -n] TOOL [-P LXCPATH] ARGS...`, every word quoted: one command of a longer sh line.
std::string command_line(std::span<const std::string> argv, const RemoteContext& ctx);

// `exec [sudo -n] TOOL [-P LXCPATH] ARGS...`, every word quoted. `exec` makes the tool (or sudo,
// which relays signals to it) the process that a `signal` channel request reaches.
std::string tool_line(std::span<const std::string> argv, const RemoteContext& ctx);

// The argv of a non-PTY `lxc-attach` tagged so that Ctrl-C can find the attached process:
// `-v LXHOST_TOKEN=TOKEN` inserted right after argv[0]. Other argv are returned unchanged.
std::vector<std::string> tag_attach(std::span<const std::string> argv, const std::string& token);

// The container an lxc-attach argv names (-n NAME, -nNAME, --name NAME, --name=NAME; the last wins,
// options after `--` are the command's), or nullopt.
std::optional<std::string> attach_target(std::span<const std::string> argv);

// A line that sends SIGNAL (e.g. "INT") to every process in CONTAINER whose environment holds
// LXHOST_TOKEN=TOKEN, through lxc-attach (sudoers allows only lxc-*): lxc-attach without a
// terminal does not forward signals to the attached process.
std::string signal_tagged_line(const std::string& container, const std::string& token,
                               const std::string& signal, const RemoteContext& ctx);

// The one remote sh script for `start-ephemeral -- CMD`: copy (ephemeral, daemonized), attach CMD
// (stdin passed on, tagged with TOKEN), stop the copy, exit with CMD's code. An INT/TERM/HUP to
// the script, or the SSH session going away (its parent sshd process exits), still stops the copy.
std::string ephemeral_script(const EphemeralRun& run, const std::string& token, const RemoteContext& ctx);

}  // namespace lxhost
