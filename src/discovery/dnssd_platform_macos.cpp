// macOS: dns_sd is the system's (mDNSResponder), nothing to prepare.
#include "discovery/dnssd_platform.hpp"

namespace lxhost::mdns {

void prepare_dnssd_library() {}

void load_mdns_libraries() noexcept {}

const char* dnssd_daemon() { return "mDNSResponder"; }

}  // namespace lxhost::mdns
