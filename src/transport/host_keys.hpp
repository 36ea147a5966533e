// Host key verification, before any authentication: `strict` refuses unknown and changed keys;
// `accept-new` records unknown keys (saying so) and refuses changed ones. Never silent.
#pragma once

#include <libssh/libssh.h>

#include <string>

#include "core/config.hpp"
#include "core/log.hpp"

namespace lxhost {

// Throws ConnectError naming the SHA256 fingerprint and the known_hosts file when refused.
// `display` names the host in messages ("10.203.0.1:2222").
void verify_host_key(ssh_session session, HostKeyPolicy policy, const std::string& known_hosts,
                     const std::string& display, const Log& log);

// The server's host key as "ED25519 SHA256:...", after the handshake.
std::string host_key_fingerprint(ssh_session session);

}  // namespace lxhost
