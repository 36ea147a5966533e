// What the dns_sd library of this platform needs before its first call.
#pragma once

namespace lxhost::mdns {

// Linux (Avahi's compatibility library): silence its "you are using the compat layer" warning
// and work around its uninitialised callbacks (see dnssd_platform_linux.cpp). macOS: nothing.
void prepare_dnssd_library();

// Linux: loads the mDNS libraries now rather than at the first call (a failure is left for
// that call to report). macOS: nothing.
void load_mdns_libraries() noexcept;

// The daemon behind dns_sd here, for messages: "the Avahi daemon", "mDNSResponder".
const char* dnssd_daemon();

}  // namespace lxhost::mdns
