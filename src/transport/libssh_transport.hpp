// The direct transport: one libssh session of this process's own.
#pragma once

#include <memory>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "core/transport.hpp"

namespace lxhost {

// Connects on first use: ~/.ssh/config (from paths.ssh_dir) first, then the TOML values the user
// set; verifies the host key by host.host_key before authenticating (agent, then identity files).
// A `.local` address that ~/.ssh/config does not redirect (HostName, ProxyCommand, ProxyJump) is
// resolved with `resolve_local` and connected here; libssh gets the socket and keeps the name
// for known_hosts.
std::unique_ptr<Transport> make_libssh_transport(const HostConfig& host, const Paths& paths, const Log& log,
                                                 LocalResolver resolve_local);

class SshSession;
// The same over `session`, a session already open (doctor's own); it stays the caller's, and must
// outlive the transport.
std::unique_ptr<Transport> make_libssh_transport(SshSession& session, const HostConfig& host, const Log& log);

}  // namespace lxhost
