// What -H (or $LXHOST_HOST) names when it is not a configured host, in every spelling ssh-like
// tools take; the host a command talks to, selected from the config by it; and the spelling
// lxhost shows a connection's identity in. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace lxhost {

struct HostSpec {
  std::optional<std::string> user;
  std::string address;      // a name or an IP address, never bracketed
  std::optional<int> port;  // given in the request: it wins over the config and ~/.ssh/config
};

// NAME, ADDRESS, USER@ADDRESS, ADDRESS:PORT, USER@ADDRESS:PORT, [IPV6]:PORT, [IPV4]:PORT, an IPv6
// address alone, ssh://[USER@]ADDRESS[:PORT][/]. Throws UsageError naming `origin` ("flag -H")
// and these forms for anything else: a malformed request must never reach libssh half-parsed.
HostSpec parse_host_spec(std::string_view text, std::string_view origin);

// USER@ADDRESS:PORT as a user types it: an IPv6 address bracketed, no "@" without a user.
std::string endpoint_text(std::string_view user, std::string_view address, int port);

// The host a command talks to. `requested` (from -H or $LXHOST_HOST, with its origin) is a
// [hosts.*] key, or else any form parse_host_spec() takes, used with the default host's settings
// (or a configured host's, when its name is the address); its user and port win.
// With no request: the default host.
HostConfig select_host(const Config& config, const std::optional<Setting<std::string>>& requested);

}  // namespace lxhost
