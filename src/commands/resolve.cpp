// `resolve NAME`: a `.local` name's addresses by mDNS, one per line, within a bound, ended by the
// first usable answer (--all waits for both families). An address is its own answer (as getent
// and ssh take one), without asking mDNS.
#include <arpa/inet.h>

#include <fmt/format.h>

#include <chrono>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "core/discovery.hpp"

namespace lxhost {
namespace {

// The family of an IP address literal (an IPv6 one may carry a %zone), or nullopt for a name.
std::optional<IpFamily> address_family(const std::string& text) {
  unsigned char buffer[sizeof(in6_addr)];
  if (::inet_pton(AF_INET, text.c_str(), buffer) == 1) return IpFamily::v4;
  const std::string bare = text.substr(0, text.find('%'));
  if (::inet_pton(AF_INET6, bare.c_str(), buffer) == 1) return IpFamily::v6;
  return std::nullopt;
}

}  // namespace

int run_resolve(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("resolve", args);
  if (!parsed) return 0;
  std::string name = parsed->value("NAME").value_or("");
  const bool only4 = parsed->has("-4");
  const bool only6 = parsed->has("-6");
  const bool all = parsed->has("--all");
  const int timeout_ms = parsed->integer("--timeout").value_or(0);
  // Without a flag, the first usable address decides (as a connection's): IPv4 when it comes.
  const IpFamily family = only4 ? IpFamily::v4 : only6 ? IpFamily::v6 : all ? IpFamily::both : IpFamily::any;

  if (const auto literal = address_family(name)) {
    if ((only4 || only6) && family != *literal)
      throw Failure(fmt::format("resolve: {} is an IPv{} address, and {} asks for IPv{} ones", name,
                                *literal == IpFamily::v4 ? 4 : 6, only4 ? "-4" : "-6", only4 ? 4 : 6));
    fmt::print("{}\n", name);
    return 0;
  }
  if (const auto problem = host_name_problem(name))
    throw UsageError(fmt::format("resolve: '{}' is not a host name: {}", printable(name), *problem));
  if (name.find('.') == std::string::npos) name += ".local";
  const auto bound =
      std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : ctx.config().discovery.resolve_timeout_ms.value);
  const std::vector<std::string> addresses = ctx.discovery().resolve(name, family, bound);
  if (addresses.empty())
    throw Failure(fmt::format("resolve: no mDNS answer for {} within {} ms ({})", printable(name), bound.count(),
                              ctx.discovery().backend()),
                  "`lxhost discover` lists what answers on this network");
  for (const std::string& address : addresses) fmt::print("{}\n", address);
  return 0;
}

}  // namespace lxhost
