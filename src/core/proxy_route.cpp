#include "core/proxy_route.hpp"

namespace lxhost {

ProxyStep race_step(HostAnswer host, MdnsAnswer mdns) {
  if (mdns == MdnsAnswer::addresses) return ProxyStep::direct;
  if (host == HostAnswer::address) return ProxyStep::through_host;
  return mdns == MdnsAnswer::pending ? ProxyStep::wait_for_mdns : ProxyStep::unreachable;
}

}  // namespace lxhost
