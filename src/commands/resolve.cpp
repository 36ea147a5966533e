// `resolve NAME`: a `.local` name's addresses by mDNS, one per line, within a bound.
#include <fmt/format.h>

#include <chrono>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "discovery/discovery.hpp"

namespace lxhost {

int run_resolve(Context& ctx, std::span<const std::string> args) {
  CLI::App app{"The addresses of a .local name, by mDNS, one per line (IPv4 first).\n"
               "A name without a dot gets .local appended.",
               "lxhost resolve"};
  std::string name;
  bool only4 = false, only6 = false;
  int timeout_ms = 0;
  app.add_option("NAME", name, "the host name, e.g. containers.local")->required();
  auto* v4 = app.add_flag("-4", only4, "IPv4 only");
  app.add_flag("-6", only6, "IPv6 only")->excludes(v4);
  app.add_option("--timeout", timeout_ms, "bound in ms (default: discovery.resolve_timeout_ms)")
      ->check(CLI::Range(1, 600000));
  if (!parse_args(app, args)) return 0;

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
