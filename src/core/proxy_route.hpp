// `proxy NAME.local PORT` for a container the host's completion cache lists: the host is asked
// for the container's address and mDNS for the name at once, and what each has said so far
// decides the next step. Pure: the asking is in commands/proxy.cpp.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lxhost {

// `HOST--NAME.local`: the container NAME.local of the configured host HOST, for a name that
// containers of several hosts have (`ssh builds--web.local`; "--" keeps it one valid DNS label).
// HOST compares without case, as DNS names do, and is returned as configured.
struct HostedName {
  std::string host;
  std::string name;  // "NAME.local"
};
// nullopt for a name that is not `.local`, or whose first label has no "--" after a configured
// host's name (a container may have "--" in its own name).
std::optional<HostedName> split_hosted_name(std::string_view local_name, std::span<const std::string> hosts);

// What the host said of the container: an address, or none (no such container, not running,
// or the host could not be asked).
enum class HostAnswer { address, none };
// What mDNS has said of the name so far.
enum class MdnsAnswer { pending, addresses, none };

enum class ProxyStep {
  direct,         // connect to mDNS's addresses; when none accepts, through the host if it has an address
  through_host,   // a channel through the host to the container's address
  wait_for_mdns,  // the host knows no address: mDNS's answer decides (it comes within its bound)
  unreachable,    // neither knows an address: fail with the host's reason
};

// The step once the host has answered. Through the host is always right for a container of the
// host; directly is only faster when mDNS answered first, so a pending mDNS is not waited for.
ProxyStep race_step(HostAnswer host, MdnsAnswer mdns);

}  // namespace lxhost
