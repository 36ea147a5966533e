// The mux client: a Transport that runs commands through the host's master (starting one when
// there is none), and connects by itself when the master cannot be used.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "core/transport.hpp"

namespace lxhost::mux {

struct ClientSetup {
  HostConfig host;
  Paths paths;
  const Log& log;
  std::string config_source;               // the config file in use ("" for built-in defaults)
  std::vector<std::string> master_argv;    // lxhost [-c FILE] [-H HOST] __mux-master
  std::uint32_t version;
  std::function<std::unique_ptr<Transport>()> direct;  // without the mux
  // How long the master may spend finding the host's address before it connects (a `.local`
  // name: mDNS, then the system resolver); 0 for an address or a DNS name libssh resolves.
  std::chrono::milliseconds resolve_bound{0};
};

std::unique_ptr<Transport> make_mux_transport(ClientSetup setup);

// LXHOST_MUX_PROTOCOL (tests only: a master of another version) or kProtocolVersion.
std::uint32_t protocol_version(const char* env_value);

}  // namespace lxhost::mux
