// What every command gets: the parsed invocation, the environment, paths, log, and lazily the
// config, the selected host, a transport and mDNS (so `help` works even with a broken config).
// What reaches the outside world comes from the Services it was given: app.cpp gives the real
// ones (commands/services.hpp), the tests in tests/io give fakes.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/config.hpp"
#include "core/discovery.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "core/publish.hpp"
#include "core/remote_line.hpp"
#include "core/transport.hpp"

namespace lxhost {

class Context;
namespace mux {
class ContainerFeed;
}

// How a Context makes what touches the network, each on first use.
struct Services {
  // The transport for ctx.host(): through its mux master, or a connection of this process's own.
  std::function<std::unique_ptr<Transport>(Context& ctx)> transport;
  // The mDNS backend.
  std::function<std::unique_ptr<Discovery>(Context& ctx)> discovery;
  // A name's addresses from the system resolver within `bound`; nullopt when it gave no answer in
  // time. Asked for a `.local` name only when there is no mDNS daemon to ask.
  std::function<std::optional<std::vector<std::string>>(const std::string& name, std::chrono::milliseconds bound)>
      system_addresses;
  // `publish`: a host's container listings through its master (blocks while it starts one), and
  // the laptop's mDNS responder.
  std::function<std::unique_ptr<mux::ContainerFeed>(Context& ctx, const HostConfig& host)> follow;
  std::function<std::unique_ptr<Publisher>(Context& ctx, PublishNotify notify)> publisher;
};

class Context {
 public:
  Context(Invocation invocation, Environment env, Paths paths, Services services);
  // The same invocation for another configured host (`list --all-hosts`): this one's config, that
  // host, a transport and mDNS of its own.
  Context for_host(const HostConfig& host);
  // `COMMAND --all-hosts` asks every host: a host named as well (the command's own -H, else lxhost's
  // -H or $LXHOST_HOST) is a usage error, exit 2.
  void refuse_one_host(std::string_view command, std::string_view command_host = {}) const;

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
  const Services& services() const { return services_; }
  // Made by services().transport on first use.
  Transport& transport();
  // Where this host's mux master listens; the protocol version a client speaks.
  std::string mux_socket_path();
  std::uint32_t mux_protocol() const;
  // Made by services().discovery on first use.
  Discovery& discovery();
  // Addresses of a `.local` name by mDNS, IPv4 first, within discovery.resolve_timeout_ms, as soon
  // as the first usable one came (IpFamily::any: an IPv6 address nobody sends is not waited for);
  // when no mDNS daemon can be asked, the system resolver's (after one warning). Every .local
  // lookup for a connection goes through here: the session's, proxy's and doctor's.
  LocalAddresses resolve_local(std::string_view name);

 private:
  Invocation invocation_;
  Environment env_;
  Paths paths_;
  Services services_;
  Log log_;
  std::optional<Config> config_;
  std::optional<HostConfig> host_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<Discovery> discovery_;
};

}  // namespace lxhost
