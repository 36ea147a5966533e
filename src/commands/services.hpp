// The real Services (commands/context.hpp): libssh through the host's mux master or directly,
// Avahi or dns_sd for mDNS, the system resolver.
#pragma once

#include "commands/context.hpp"

namespace lxhost {

// transport: through the host's mux master unless [mux] enabled is false (--no-mux,
// LXHOST_MUX=0), else a libssh connection of this process's own. discovery:
// $LXHOST_MDNS_BACKEND (avahi | dnssd), else the platform's default, every call bounded.
Services real_services();

}  // namespace lxhost
