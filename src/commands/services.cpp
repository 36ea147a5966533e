#include "commands/services.hpp"

#include <chrono>
#include <string_view>

#include "core/host_spec.hpp"
#include "discovery/make.hpp"
#include "mux/client.hpp"
#include "self_path.hpp"
#include "transport/libssh_transport.hpp"
#include "transport/tcp_connect.hpp"

namespace lxhost {
namespace {

// $LXHOST_MDNS_BACKEND, else the platform's.
std::string mdns_backend(const Context& ctx) {
#ifdef __APPLE__
  constexpr std::string_view platform_default = "dnssd";
#else
  constexpr std::string_view platform_default = "avahi";
#endif
  const auto chosen = ctx.env().get_nonempty("LXHOST_MDNS_BACKEND");
  return std::string(chosen ? std::string_view(*chosen) : platform_default);
}

std::unique_ptr<Transport> direct_transport(Context& ctx) {
  return make_libssh_transport(ctx.host(), ctx.paths(), ctx.log(),
                               [&ctx](std::string_view name) { return ctx.resolve_local(name); });
}

// How a client starts the master for a host: this executable with the options that chose it
// (`host`: -H as given; none: the default host).
std::vector<std::string> master_argv(const Context& ctx, const std::optional<std::string>& host) {
  const GlobalOptions& options = ctx.invocation().options;
  std::vector<std::string> argv = {self_executable().string()};
  if (ctx.config_path_required()) argv.insert(argv.end(), {"-c", ctx.config_path()});
  // What it says until it is ready reaches our stderr: as verbose as we are.
  if (options.verbosity < 0) argv.emplace_back("-q");
  if (options.verbosity > 0) argv.emplace_back("-v");
  if (host) argv.insert(argv.end(), {"-H", *host});
  argv.emplace_back("__mux-master");
  return argv;
}

mux::ClientSetup client_setup(Context& ctx, const HostConfig& host, const std::optional<std::string>& host_option) {
  mux::ClientSetup setup{host,
                         ctx.paths(),
                         ctx.log(),
                         ctx.config().source,
                         master_argv(ctx, host_option),
                         ctx.mux_protocol(),
                         [&ctx] { return direct_transport(ctx); }};
  // mDNS (a hung daemon is given up on after 1.5x its bound), then the system resolver.
  if (is_local_name(host.address.value))
    setup.resolve_bound = 3 * std::chrono::milliseconds(ctx.config().discovery.resolve_timeout_ms.value);
  return setup;
}

std::unique_ptr<Transport> transport(Context& ctx) {
  if (!ctx.config().mux.enabled.value) return direct_transport(ctx);
  const auto& option = ctx.invocation().options.host;
  return mux::make_mux_transport(client_setup(ctx, ctx.host(), option ? std::optional(option->value) : std::nullopt));
}

// A configured host by name, through its master (publish needs one: the master watches).
std::unique_ptr<mux::ContainerFeed> follow(Context& ctx, const HostConfig& host) {
  if (!ctx.config().mux.enabled.value)
    throw UsageError("publish follows each host through its mux master, and the mux is off",
                     "drop --no-mux / LXHOST_MUX=0, or set [mux] enabled = true");
  return mux::follow_containers(client_setup(ctx, host, host.name));
}

std::unique_ptr<Publisher> publisher(Context& ctx, PublishNotify notify) {
  return make_publisher(mdns_backend(ctx), ctx.log(), std::move(notify));
}

std::unique_ptr<Discovery> discovery(Context& ctx) { return make_discovery(mdns_backend(ctx), ctx.log()); }

}  // namespace

Services real_services() { return Services{transport, discovery, system_addresses_within, follow, publisher}; }

}  // namespace lxhost
