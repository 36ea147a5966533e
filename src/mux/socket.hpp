// The mux's Unix sockets: where they live (a private directory; their names are in
// state_files.*), and the few blocking helpers the client and `mux status` need.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/mux/protocol.hpp"
#include "core/paths.hpp"

namespace lxhost::mux {

// paths.runtime_dir, created 0700 if missing, made 0700 if it is this user's and only readable by
// others. Throws Failure when it is not a directory of this user's, or others may write in it
// (the sockets' protection besides peer credentials).
std::string private_dir(const Paths& paths);

// A connected, blocking socket, or -1 (errno set).
int connect_socket(const std::string& path);
// A listening socket at `path` (0600), replacing what is there. Throws Failure.
int listen_socket(const std::string& path);
// Whether the peer of a connected Unix socket runs as this user.
bool peer_is_this_user(int fd);

// Blocking I/O with a deadline (nullopt: none). Throw ProtocolError / ConnectError.
void send_all(int fd, std::string_view bytes);
std::optional<Frame> read_frame(int fd, Decoder& decoder, std::optional<std::chrono::steady_clock::time_point> deadline);

}  // namespace lxhost::mux
