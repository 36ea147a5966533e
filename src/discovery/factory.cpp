// Picks the mDNS backend by name, for discovery and for publishing. Avahi's client library exists
// only on Linux; dns_sd exists on macOS (the system's) and on Linux (Avahi's compatibility library,
// which can look names up but cannot publish records).
#include <memory>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/discovery.hpp"
#include "core/publish.hpp"
#include "discovery/make.hpp"

namespace lxhost {

#ifndef __APPLE__
std::unique_ptr<Discovery> make_avahi_discovery(const Log& log);
#endif
std::unique_ptr<Discovery> make_dnssd_discovery(const Log& log);
#ifndef __APPLE__
std::unique_ptr<Publisher> make_avahi_publisher(const Log& log, PublishNotify notify);
#endif
std::unique_ptr<Publisher> make_dnssd_publisher(const Log& log, PublishNotify notify);

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

std::unique_ptr<Publisher> make_publisher(std::string_view backend, const Log& log, PublishNotify notify) {
  if (backend == "avahi") {
#ifdef __APPLE__
    throw UsageError("the avahi backend exists only on Linux", "use the dnssd backend");
#else
    return make_avahi_publisher(log, std::move(notify));
#endif
  }
  if (backend == "dnssd") return make_dnssd_publisher(log, std::move(notify));
  throw UsageError(fmt::format("unknown mDNS backend '{}': the backends are 'avahi' and 'dnssd'",
                               printable(backend)));
}

}  // namespace lxhost
