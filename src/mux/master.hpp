// The mux master process (`lxhost __mux-master`, started by a client): see master.cpp.
#pragma once

#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "core/transport.hpp"

namespace lxhost::mux {

// The master's last line on stderr once it is connected and listening; the client that started
// it reads stderr up to this line (anything before it is the master's warnings or error).
inline constexpr std::string_view kReadyLine = "lxhost-mux: ready";
// The master's exit code when authentication needs a terminal: the client then connects itself.
inline constexpr int kExitNeedsTerminal = 3;
// Instead of the ready line, when the master cannot start: this line, then one `exit` frame of
// kind error (exit code, message, hint), which the client throws as its own error.
inline constexpr std::string_view kFailedLine = "lxhost-mux: failed";

// Writes kFailedLine and `error`'s report on stderr (for the client that started the master).
void report_startup_failure(const Error& error);

struct MasterSetup {
  HostConfig host;
  Paths paths;
  const Log& log;
  LocalResolver resolve_local;
  std::string socket_path;
  std::string display;  // for `mux status`: "NAME (USER@ADDRESS:PORT)"
  MuxConfig mux;
  std::uint32_t version;
};

// Connects, listens, serves until idle, stopped or the session dies. Returns the exit code.
int run_master(const MasterSetup& setup);

}  // namespace lxhost::mux
