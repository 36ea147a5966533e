// `resolve NAME`: a `.local` name's addresses by mDNS, one per line, within a bound.
#include <fmt/format.h>

#include <chrono>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "discovery/discovery.hpp"

namespace lxhost {

int run_resolve(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("resolve", args);
  if (!parsed) return 0;
  std::string name = parsed->value("NAME").value_or("");
  const bool only4 = parsed->has("-4");
  const bool only6 = parsed->has("-6");
  const int timeout_ms = parsed->integer("--timeout").value_or(0);

  if (name.find('.') == std::string::npos) name += ".local";
  const auto bound =
      std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : ctx.config().discovery.resolve_timeout_ms.value);
  const IpFamily family = only4 ? IpFamily::v4 : (only6 ? IpFamily::v6 : IpFamily::any);
  const std::vector<std::string> addresses = ctx.discovery().resolve(name, family, bound);
  if (addresses.empty())
    throw Failure(fmt::format("resolve: no mDNS answer for {} within {} ms ({})", printable(name), bound.count(),
                              ctx.discovery().backend()),
                  "`lxhost discover` lists what answers on this network");
  for (const std::string& address : addresses) fmt::print("{}\n", address);
  return 0;
}

}  // namespace lxhost
