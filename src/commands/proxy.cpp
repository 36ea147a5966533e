// `proxy HOST PORT`: OpenSSH's ProxyCommand for `*.local` names. Directly when the name resolves
// (mDNS, then the system) and the port answers within a short bound; otherwise through the
// container host: LXC says the container's address, and a direct-tcpip channel on the host's SSH
// session reaches it. Errors on stderr only (stdout is ssh's connection), exit 255.
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/remote_run.hpp"
#include "core/discovery.hpp"
#include "core/lxc_output.hpp"
#include "transport/tcp_connect.hpp"

namespace lxhost {
namespace {

// How long a direct connection may take before the container host is asked instead.
constexpr auto kDirectBound = std::chrono::milliseconds(1000);

// The addresses to try directly. A `.local` name is asked of mDNS only: the system resolver would
// ask mDNS again (nss-mdns) and stall ~5 s on a name nobody announces; it is the fallback only
// when there is no mDNS daemon to ask. Any other name goes to the system resolver.
std::vector<std::string> direct_addresses(Context& ctx, const std::string& host) {
  if (!is_local_name(host)) return system_addresses(host);
  return ctx.resolve_local(host).addresses;
}

int proxy(Context& ctx, const std::string& host, int port, bool via_host) {
  if (!via_host) {
    if (const auto addresses = direct_addresses(ctx, host); !addresses.empty()) {
      try {
        const int fd = connect_first(addresses, static_cast<unsigned>(port), kDirectBound, host);
        ctx.log().debug("proxy: {} port {} directly", host, port);
        join_stdio(fd);
        return 0;
      } catch (const ConnectError& e) {
        ctx.log().debug("proxy: not directly: {}", e.what());
      }
    }
  }
  const std::string name = without_local(host);  // LXC names the container, mDNS its host
  const std::vector<std::string> argv = {"lxc-info", "-n", name, "-i", "-H"};
  std::string info;
  try {
    info = capture_remote(ctx, tool_line(argv, ctx.remote_context()), "lxc-info");
  } catch (const Failure& e) {  // e.g. "lxc-info on ... failed (exit 1): nosuch doesn't exist"
    throw ConnectError(fmt::format("proxy: {} is not reachable directly, and {}", host, e.what()), e.hint());
  }
  const std::vector<std::string> ips = order_addresses(parse_lxc_info_ips(info));
  if (ips.empty())
    throw ConnectError(fmt::format("proxy: {} is not reachable directly, and container '{}' on {} has no address "
                                   "(is it running?)",
                                   host, name, ctx.host().name));
  ctx.log().debug("proxy: {} port {} through {} ({})", host, port, ctx.host().name, ips.front());
  return ctx.transport().forward(ips.front(), port);
}

}  // namespace

int run_proxy(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("proxy", args);
  if (!parsed) return 0;
  const std::string host = parsed->value("HOST").value_or("");
  const int port = parsed->integer("PORT").value_or(22);
  const bool via_host = parsed->has("--via-host");
  try {
    return proxy(ctx, host, port, via_host);
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    throw ConnectError(e.what(), e.hint());  // ssh learns only that the proxy failed: 255
  }
}

}  // namespace lxhost
