// The mDNS backends behind the Discovery interface (core/discovery.hpp): Avahi's client library
// (Linux) and Bonjour's dns_sd.h (macOS; on Linux it runs on Avahi's Bonjour compatibility
// library, so one build tests both).
#pragma once

#include <memory>
#include <string_view>

#include "core/discovery.hpp"
#include "core/log.hpp"

namespace lxhost {

// `backend` is "avahi" or "dnssd" (only "dnssd" exists on macOS). Connecting to the daemon is
// lazy: the first call that needs it throws MdnsUnavailable when it cannot be reached.
// Throws UsageError for an unknown or unavailable backend name.
std::unique_ptr<Discovery> make_discovery(std::string_view backend, const Log& log);
// `inner` with every call bounded even when the daemon hangs (src/discovery/bounded.cpp): past
// its bound (and half of it again, plus 250 ms) a call throws MdnsUnavailable.
std::unique_ptr<Discovery> bounded_discovery(std::unique_ptr<Discovery> inner);

}  // namespace lxhost
