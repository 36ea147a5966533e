#include "core/proxy_route.hpp"

#include <algorithm>

#include "core/discovery.hpp"

namespace lxhost {
namespace {

bool same_text_without_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

std::optional<HostedName> split_hosted_name(std::string_view local_name, std::span<const std::string> hosts) {
  if (!is_local_name(local_name)) return std::nullopt;
  const std::string base = without_local(local_name);
  const std::string_view label = std::string_view(base).substr(0, base.find('.'));
  for (std::size_t dashes = label.find("--"); dashes != std::string_view::npos; dashes = label.find("--", dashes + 1)) {
    if (dashes + 2 >= base.size()) break;
    const auto host = std::find_if(hosts.begin(), hosts.end(),
                                   [&](const std::string& h) { return same_text_without_case(h, label.substr(0, dashes)); });
    if (host != hosts.end()) return HostedName{*host, base.substr(dashes + 2) + ".local"};
  }
  return std::nullopt;
}

ProxyStep race_step(HostAnswer host, MdnsAnswer mdns) {
  if (mdns == MdnsAnswer::addresses) return ProxyStep::direct;
  if (host == HostAnswer::address) return ProxyStep::through_host;
  return mdns == MdnsAnswer::pending ? ProxyStep::wait_for_mdns : ProxyStep::unreachable;
}

}  // namespace lxhost
