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

// The host's containers as its master watches them (lxhost publish): a connection to the master
// (started when there is none) over which comes each listing its watch makes, the last one at once.
class ContainerFeed {
 public:
  virtual ~ContainerFeed() = default;
  // Readable when a listing came or the master went.
  virtual int fd() const = 0;
  // The listings that came whole (each as `lxc-ls -f -F NAME,STATE,IPV4,IPV6` printed it), oldest
  // first; none when no listing is whole yet. Throws ConnectError once the master is gone (and
  // the master's own error when it refused: a master that does not watch).
  virtual std::vector<std::string> take() = 0;
};

// Throws ConnectError when no master can serve the host (it needs a terminal to log in, or the
// mux is off), and the master's error when it cannot connect.
std::unique_ptr<ContainerFeed> follow_containers(ClientSetup setup);

// LXHOST_MUX_PROTOCOL (tests only: a master of another version) or kProtocolVersion.
std::uint32_t protocol_version(const char* env_value);

}  // namespace lxhost::mux
