// Picks the mDNS backend by name. Avahi's client library exists only on Linux; dns_sd exists
// on macOS (the system's) and on Linux (Avahi's compatibility library).
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "core/discovery.hpp"
#include "discovery/make.hpp"

namespace lxhost {

#ifndef __APPLE__
std::unique_ptr<Discovery> make_avahi_discovery(const Log& log);
#endif
std::unique_ptr<Discovery> make_dnssd_discovery(const Log& log);

std::unique_ptr<Discovery> make_discovery(std::string_view backend, const Log& log) {
  if (backend == "avahi") {
#ifdef __APPLE__
    throw UsageError("the avahi backend exists only on Linux", "use the dnssd backend");
#else
    return bounded_discovery(make_avahi_discovery(log));
#endif
  }
  if (backend == "dnssd") return bounded_discovery(make_dnssd_discovery(log));
  throw UsageError(fmt::format("unknown mDNS backend '{}': the backends are 'avahi' and 'dnssd'",
                               printable(backend)));
}

}  // namespace lxhost
