// `proxy HOST PORT`: OpenSSH's ProxyCommand for `*.local` names. Directly when the name resolves
// (mDNS, then the system) and the port answers within a short bound; otherwise through the
// container host: LXC (lxc-info) or, on an LXD host, LXD (the instance's state) says the
// container's address, and a direct-tcpip channel on the host's SSH session reaches it. A name
// the host's completion cache lists as one of its containers asks the host and mDNS at once, and
// does not wait for mDNS once the host has answered. With several
// configured hosts (and no -H), the host that has the container is found first (proxy_any_host).
// Errors on stderr only (stdout is ssh's connection), exit 255.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "call_within.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/lxd_api.hpp"
#include "commands/remote_run.hpp"
#include "core/discovery.hpp"
#include "core/lxc_output.hpp"
#include "core/proxy_route.hpp"
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

// Joins ssh to the first of `addresses` that accepts within kDirectBound; false when none did.
bool joined_directly(Context& ctx, const std::string& host, int port, const std::vector<std::string>& addresses) {
  int fd = -1;
  try {
    fd = connect_first(addresses, static_cast<unsigned>(port), kDirectBound, host);
  } catch (const ConnectError& e) {
    ctx.log().debug("proxy: not directly: {}", e.what());
    return false;
  }
  ctx.log().debug("proxy: {} port {} directly", host, port);
  join_stdio(fd);
  return true;
}

// The container's addresses as its host knows them (lxc-info -iH, or LXD's state of the instance),
// IPv4 first; with none, why.
struct HostAddresses {
  std::vector<std::string> addresses;
  std::string why;
  std::string hint;
};

HostAddresses ask_host(Context& ctx, const std::string& host) {
  const std::string name = without_local(host);  // LXC names the container, mDNS its host
  std::vector<std::string> ips;
  try {
    if (ctx.host().backend.value == Backend::lxd) {
      ips = order_addresses(lxd_addresses(ctx, name));
    } else {
      const std::vector<std::string> argv = {"lxc-info", "-n", name, "-i", "-H"};
      ips = order_addresses(parse_lxc_info_ips(capture_remote(ctx, tool_line(argv, ctx.remote_context()), "lxc-info")));
    }
  } catch (const Failure& e) {  // e.g. "lxc-info on ... failed (exit 1): nosuch doesn't exist"
    return {{}, e.what(), e.hint()};
  }
  if (ips.empty()) return {{}, fmt::format("container '{}' on {} has no address (is it running?)", name, ctx.host().name), ""};
  return {std::move(ips), "", ""};
}

[[noreturn]] void unreachable(const std::string& host, const HostAddresses& answer) {
  throw ConnectError(fmt::format("proxy: {} is not reachable directly, and {}", host, answer.why), answer.hint);
}

int through_host(Context& ctx, const std::string& host, int port, const HostAddresses& answer) {
  if (answer.addresses.empty()) unreachable(host, answer);
  ctx.log().debug("proxy: {} port {} through {} ({})", host, port, ctx.host().name, answer.addresses.front());
  return ctx.transport().forward(answer.addresses.front(), port);
}

// A container of the host: the host is asked for its address while mDNS is asked for the name.
// Through the host is always right for a container of the host; directly is only faster when
// mDNS has answered by the time the host does (an announced container, a name Avahi has cached).
// So the host's address is used at once while mDNS is still asking, and a container nobody
// announces costs one lxc-info round trip rather than resolve_timeout_ms. mDNS that answered
// first is tried directly, and the host's address is the fallback.
int race(Context& ctx, const std::string& host, int port) {
  ctx.log().debug("proxy: {} is a container of {} (the completion cache): asking it and mDNS at once", host,
                  ctx.host().name);
  // A Context of the thread's own (nothing shared with this one, which goes on using its
  // transport): the proxy may end before mDNS does, and the process does not wait for it.
  std::future<std::vector<std::string>> mdns =
      call_detached([invocation = ctx.invocation(), env = ctx.env(), paths = ctx.paths(), services = ctx.services(),
                     host]() -> std::vector<std::string> {
        Context own(invocation, env, paths, services);
        try {
          return own.resolve_local(host).addresses;
        } catch (const Error& e) {
          own.log().debug("proxy: mDNS: {}", e.what());
          return {};
        }
      });
  HostAddresses answer;
  try {
    answer = ask_host(ctx, host);
  } catch (const ConnectError& e) {  // the host cannot be reached: mDNS may still know the container
    answer = {{}, e.what(), e.hint()};
  }
  std::optional<std::vector<std::string>> found;
  for (;;) {
    if (!found && mdns.wait_for(std::chrono::seconds(0)) == std::future_status::ready) found = mdns.get();
    const MdnsAnswer said = !found ? MdnsAnswer::pending : found->empty() ? MdnsAnswer::none : MdnsAnswer::addresses;
    switch (race_step(answer.addresses.empty() ? HostAnswer::none : HostAnswer::address, said)) {
      case ProxyStep::direct:
        if (joined_directly(ctx, host, port, *found)) return 0;
        return through_host(ctx, host, port, answer);
      case ProxyStep::through_host:
        return through_host(ctx, host, port, answer);
      case ProxyStep::wait_for_mdns:
        found = mdns.get();  // resolve_local ends within its bound
        break;
      case ProxyStep::unreachable:
        unreachable(host, answer);
    }
  }
}

// DNS names compare without case, and "web.local." is "web.local".
bool same_local_name(std::string_view a, std::string_view b) {
  if (a.ends_with('.')) a.remove_suffix(1);
  if (b.ends_with('.')) b.remove_suffix(1);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The addresses `lxhost publish` publishes for HOST (a name of this host's container), while it runs.
std::vector<std::string> published_addresses(Context& ctx, const std::string& host) {
  for (const PublishedName& n : published_now(ctx))
    if (same_local_name(n.name, host)) return n.addresses;
  return {};
}

// No cache lists the container: every configured host is asked at once (the selected one first),
// and the proxy goes through the first that knows an address for it. Each answer is bounded by its
// host's connection bounds; past the longest of them plus kCommandBound, hosts that have not
// answered are left to end by themselves.
constexpr auto kCommandBound = std::chrono::milliseconds(2000);

int through_any_host(Context& ctx, const std::string& host, int port) {
  struct Asked {
    std::shared_ptr<Context> ctx;  // shared with its thread, which may outlive this call
    std::future<HostAddresses> answer;
    std::optional<HostAddresses> got;
  };
  std::vector<Asked> asked;
  std::vector<HostConfig> hosts = ctx.config().hosts;
  std::stable_partition(hosts.begin(), hosts.end(), [&](const HostConfig& h) { return h.name == ctx.host().name; });
  auto bound = std::chrono::milliseconds(0);
  for (const HostConfig& h : hosts) {
    auto own = std::make_shared<Context>(ctx.for_host(h));
    bound = std::max(bound, std::chrono::milliseconds(h.connect_timeout_ms.value) + kCommandBound);
    asked.push_back({own, call_detached([own, host]() -> HostAddresses {
                       try {
                         return ask_host(*own, host);
                       } catch (const Error& e) {
                         return {{}, e.what(), e.hint()};
                       }
                     }),
                     std::nullopt});
  }
  ctx.log().debug("proxy: no cache lists {}: asking {} hosts at once", host, asked.size());
  const auto deadline = std::chrono::steady_clock::now() + bound;
  for (;;) {
    bool pending = false;
    for (Asked& a : asked) {
      if (!a.got && a.answer.wait_for(std::chrono::seconds(0)) == std::future_status::ready) a.got = a.answer.get();
      if (!a.got) pending = true;
      else if (!a.got->addresses.empty()) return through_host(*a.ctx, host, port, *a.got);
    }
    if (!pending || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string why;
  for (const Asked& a : asked) {
    const std::string name = a.ctx->host().name;
    why += (why.empty() ? "" : "; ") +
           (a.got ? fmt::format("{}: {}", name, a.got->why) : fmt::format("{}: no answer within {} ms", name, bound.count()));
  }
  unreachable(host, {{}, "no configured host has an address for it: " + why, ""});
}

// Through the selected host, or when `any_host`, whichever host has the container.
int through_a_host(Context& ctx, const std::string& host, int port, bool any_host) {
  return any_host ? through_any_host(ctx, host, port) : through_host(ctx, host, port, ask_host(ctx, host));
}

int proxy(Context& ctx, const std::string& host, int port, bool via_host, bool any_host) {
  if (via_host) return through_a_host(ctx, host, port, any_host);
  // Published by this laptop's own `lxhost publish`: its addresses are known without asking anyone.
  if (const auto published = published_addresses(ctx, host); !published.empty()) {
    ctx.log().debug("proxy: {} is published by lxhost publish: directly first", host);
    if (joined_directly(ctx, host, port, published)) return 0;
  }
  if (is_local_name(host) && cache_lists(containers_on_disk(ctx), without_local(host))) return race(ctx, host, port);
  if (const auto addresses = direct_addresses(ctx, host); !addresses.empty())
    if (joined_directly(ctx, host, port, addresses)) return 0;
  return through_a_host(ctx, host, port, any_host);
}

// Several configured hosts and no -H: the host whose container `host` names. `HOST--NAME.local`
// is HOST's NAME.local, always through HOST (mDNS would answer for whichever container announces
// NAME.local). Else the first host whose cache lists it, the selected host first, so a name two
// hosts have is the selected host's; no cache lists it: mDNS, then every host at once.
int proxy_any_host(Context& ctx, const std::string& host, int port, bool via_host) {
  const std::vector<HostConfig>& hosts = ctx.config().hosts;
  if (!is_local_name(host) || hosts.size() < 2 || ctx.invocation().options.host)
    return proxy(ctx, host, port, via_host, false);
  if (const auto hosted = split_hosted_name(host, ctx.config().host_names())) {
    Context other = ctx.for_host(*ctx.config().find_host(hosted->host));
    ctx.log().debug("proxy: {} is {} of {}", host, hosted->name, hosted->host);
    return through_host(other, hosted->name, port, ask_host(other, hosted->name));
  }
  const std::string name = without_local(host);
  if (cache_lists(containers_on_disk(ctx), name)) return proxy(ctx, host, port, via_host, false);
  for (const HostConfig& h : hosts) {
    if (h.name == ctx.host().name) continue;
    Context other = ctx.for_host(h);
    if (cache_lists(containers_on_disk(other), name)) return proxy(other, host, port, via_host, false);
  }
  return proxy(ctx, host, port, via_host, true);
}

}  // namespace

int run_proxy(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("proxy", args);
  if (!parsed) return 0;
  const std::string host = parsed->value("HOST").value_or("");
  const int port = parsed->integer("PORT").value_or(22);
  const bool via_host = parsed->has("--via-host");
  try {
    return proxy_any_host(ctx, host, port, via_host);
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    throw ConnectError(e.what(), e.hint());  // ssh learns only that the proxy failed: 255
  }
}

}  // namespace lxhost
