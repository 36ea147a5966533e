#include "core/host_spec.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace lxhost {
namespace {

constexpr std::string_view kForms =
    "NAME, [USER@]ADDRESS[:PORT], [USER@][IPV6]:PORT, an IPv6 address, or ssh://[USER@]ADDRESS[:PORT]";

[[noreturn]] void refuse(std::string_view origin, std::string_view text, std::string_view why) {
  throw UsageError(fmt::format("{}: '{}' is not a host: {}", origin, text, why), fmt::format("the forms: {}", kForms));
}

bool is_ip(int family, std::string_view text) {
  // A zone (fe80::1%eth0) is the interface's business, not the address's.
  if (family == AF_INET6) text = text.substr(0, text.find('%'));
  std::array<unsigned char, 16> bytes{};
  return ::inet_pton(family, std::string(text).c_str(), bytes.data()) == 1;
}

bool is_ipv6(std::string_view text) { return is_ip(AF_INET6, text); }

// Spaces, control characters and what separates the parts of a spec are never part of a name.
bool plain(std::string_view text, std::string_view also_refused) {
  return std::none_of(text.begin(), text.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || also_refused.find(c) != std::string_view::npos;
  });
}

int parse_port(std::string_view origin, std::string_view text, std::string_view port) {
  int value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
    refuse(origin, text, fmt::format("the port '{}' is not a number from 1 to 65535", port));
  return value;
}

// ADDRESS, ADDRESS:PORT, [ADDRESS]:PORT or a bare IPv6 address: the part after USER@.
void parse_host_port(std::string_view origin, std::string_view text, std::string_view rest, HostSpec& spec) {
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) refuse(origin, text, "a '[' without its ']'");
    const std::string_view inside = rest.substr(1, close - 1);
    if (!is_ipv6(inside) && !is_ip(AF_INET, inside))
      refuse(origin, text, fmt::format("'{}' in brackets is not an IP address", inside));
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) refuse(origin, text, "only :PORT may follow ']'");
    spec.address = std::string(inside);
    if (!after.empty()) spec.port = parse_port(origin, text, after.substr(1));
    return;
  }
  const auto colons = std::count(rest.begin(), rest.end(), ':');
  if (colons > 1) {
    if (!is_ipv6(rest)) refuse(origin, text, "not an IPv6 address (with a port it is written [IPV6]:PORT)");
    spec.address = std::string(rest);
    return;
  }
  const auto colon = rest.find(':');
  const std::string_view address = rest.substr(0, colon);
  if (address.empty()) refuse(origin, text, "the address is empty");
  if (!plain(address, "[]/@")) refuse(origin, text, fmt::format("'{}' is not a host name or address", address));
  spec.address = std::string(address);
  if (colon != std::string_view::npos) spec.port = parse_port(origin, text, rest.substr(colon + 1));
}

}  // namespace

HostSpec parse_host_spec(std::string_view text, std::string_view origin) {
  if (text.empty())
    throw UsageError(fmt::format("{}: the host name is empty", origin), fmt::format("the forms: {}", kForms));
  std::string_view rest = text;
  if (rest.starts_with("ssh://")) {
    rest.remove_prefix(6);
    if (rest.ends_with('/')) rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos) refuse(origin, text, "an ssh:// URL takes no path");
  } else if (rest.find("://") != std::string_view::npos) {
    refuse(origin, text, "the only URL scheme is ssh://");
  }
  HostSpec spec;
  // ssh's own rule: the user is everything before the last '@'.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view user = rest.substr(0, at);
    if (user.empty()) refuse(origin, text, "the user before '@' is empty");
    if (!plain(user, "/")) refuse(origin, text, fmt::format("'{}' is not a user name", user));
    spec.user = std::string(user);
    rest.remove_prefix(at + 1);
  }
  if (rest.empty()) refuse(origin, text, "the address is empty");
  parse_host_port(origin, text, rest, spec);
  return spec;
}

std::string endpoint_text(std::string_view user, std::string_view address, int port) {
  const bool bracketed = address.find(':') != std::string_view::npos;
  return fmt::format("{}{}{}{}{}:{}", user, user.empty() ? "" : "@", bracketed ? "[" : "", address,
                     bracketed ? "]" : "", port);
}

HostConfig select_host(const Config& config, const std::optional<Setting<std::string>>& requested) {
  const HostConfig* default_host = config.find_host(config.default_host.value);
  if (default_host == nullptr) {
    // parse_config() never returns such a Config; a hand-built one might.
    throw ConfigError(fmt::format("{}: default_host {} is not a configured host", config.default_host.origin.describe(),
                                  toml_string(config.default_host.value)));
  }
  if (!requested) {
    HostConfig host = *default_host;
    host.selected_by = config.default_host.origin;
    return host;
  }
  if (const HostConfig* named = config.find_host(requested->value)) {
    HostConfig host = *named;
    host.selected_by = requested->origin;
    return host;
  }
  // Any other spelling ssh takes: the user and the port from the request win; a configured
  // host's name as the address (USER@NAME:PORT) keeps that host's settings, as ssh's aliases do.
  const HostSpec spec = parse_host_spec(requested->value, requested->origin.describe());
  const HostConfig* named = config.find_host(spec.address);
  HostConfig host = named != nullptr ? *named : *default_host;
  host.name = requested->value;
  if (named == nullptr) host.address.set(spec.address, requested->origin);
  if (spec.user) host.user.set(*spec.user, requested->origin);
  if (spec.port) host.port.set(*spec.port, requested->origin);
  host.selected_by = requested->origin;
  return host;
}

}  // namespace lxhost
