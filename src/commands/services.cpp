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

std::unique_ptr<Transport> direct_transport(Context& ctx) {
  return make_libssh_transport(ctx.host(), ctx.paths(), ctx.log(),
                               [&ctx](std::string_view name) { return ctx.resolve_local(name); });
}

// How a client starts the master for this host: this executable with the options that chose it.
std::vector<std::string> master_argv(const Context& ctx) {
  const GlobalOptions& options = ctx.invocation().options;
  std::vector<std::string> argv = {self_executable().string()};
  if (ctx.config_path_required()) argv.insert(argv.end(), {"-c", ctx.config_path()});
  // What it says until it is ready reaches our stderr: as verbose as we are.
  if (options.verbosity < 0) argv.emplace_back("-q");
  if (options.verbosity > 0) argv.emplace_back("-v");
  if (options.host) argv.insert(argv.end(), {"-H", options.host->value});
  argv.emplace_back("__mux-master");
  return argv;
}

std::unique_ptr<Transport> transport(Context& ctx) {
  if (!ctx.config().mux.enabled.value) return direct_transport(ctx);
  mux::ClientSetup setup{ctx.host(),          ctx.paths(),        ctx.log(),
                         ctx.config().source, master_argv(ctx),   ctx.mux_protocol(),
                         [&ctx] { return direct_transport(ctx); }};
  // mDNS (a hung daemon is given up on after 1.5x its bound), then the system resolver.
  if (is_local_name(ctx.host().address.value))
    setup.resolve_bound = 3 * std::chrono::milliseconds(ctx.config().discovery.resolve_timeout_ms.value);
  return mux::make_mux_transport(std::move(setup));
}

std::unique_ptr<Discovery> discovery(Context& ctx) {
#ifdef __APPLE__
  constexpr std::string_view platform_default = "dnssd";
#else
  constexpr std::string_view platform_default = "avahi";
#endif
  const auto chosen = ctx.env().get_nonempty("LXHOST_MDNS_BACKEND");
  return make_discovery(chosen ? std::string_view(*chosen) : platform_default, ctx.log());
}

}  // namespace

Services real_services() { return Services{transport, discovery, system_addresses_within}; }

}  // namespace lxhost
