// What every command gets: the parsed invocation, the environment, paths, log, and lazily the
// config, the selected host and a transport (so `help` works even with a broken config).
#pragma once

#include <memory>
#include <optional>

#include "core/cli.hpp"
#include "core/config.hpp"
#include "core/discovery.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "core/remote_line.hpp"
#include "core/transport.hpp"

namespace lxhost {

class Context {
 public:
  Context(Invocation invocation, Environment env, Paths paths);

  const Invocation& invocation() const { return invocation_; }
  const Environment& env() const { return env_; }
  const Paths& paths() const { return paths_; }
  const Log& log() const { return log_; }

  // The config file in use (-c, $LXHOST_CONFIG, else the XDG path) and whether it must exist.
  std::string config_path() const;
  bool config_path_required() const { return invocation_.options.config_file.has_value(); }

  // Loaded on first use. Throws ConfigError (exit 2).
  const Config& config();
  const HostConfig& host();
  RemoteContext remote_context();
  // Through the host's mux master unless [mux] enabled is false (--no-mux, LXHOST_MUX=0).
  Transport& transport();
  // A libssh connection of this invocation's own.
  std::unique_ptr<Transport> direct_transport();
  // How a client starts the master for this host; where that master listens.
  std::vector<std::string> master_argv() const;
  std::string mux_socket_path();
  std::uint32_t mux_protocol() const;
  // The mDNS backend: $LXHOST_MDNS_BACKEND (avahi | dnssd), else the platform's default.
  Discovery& discovery();
  // Addresses of a `.local` name by mDNS, IPv4 first, within discovery.resolve_timeout_ms.
  LocalAddresses resolve_local(std::string_view name);

 private:
  Invocation invocation_;
  Environment env_;
  Paths paths_;
  Log log_;
  std::optional<Config> config_;
  std::optional<HostConfig> host_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<Discovery> discovery_;
};

}  // namespace lxhost
