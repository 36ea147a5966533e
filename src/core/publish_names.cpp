#include "core/publish_names.hpp"

#include <fnmatch.h>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"
#include "core/tsv_lines.hpp"

namespace lxhost {
namespace {

constexpr std::string_view kPlaceholder = "{name}";
constexpr std::size_t kMaxName = 253;  // a DNS name's longest text form (RFC 1035)

bool valid_dns_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxName) return false;
  for (;;) {
    const auto dot = name.find('.');
    if (!valid_dns_label(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

std::string fill(std::string_view name_template, std::string_view container) {
  const auto at = name_template.find(kPlaceholder);
  return fmt::format("{}{}{}", name_template.substr(0, at), container, name_template.substr(at + kPlaceholder.size()));
}

bool ends_in_local(std::string_view name) {
  if (name.size() < 6) return false;
  std::string tail(name.substr(name.size() - 6));
  std::transform(tail.begin(), tail.end(), tail.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  return tail == ".local";
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  return out;
}

}  // namespace

bool valid_dns_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool valid_name_template(std::string_view name_template) {
  const auto at = name_template.find(kPlaceholder);
  if (at == std::string_view::npos || name_template.find(kPlaceholder, at + 1) != std::string_view::npos) return false;
  const std::string sample = fill(name_template, "x");
  return valid_dns_name(sample) && ends_in_local(sample);
}

std::optional<std::string> published_name(std::string_view name_template, std::string_view container) {
  if (!valid_dns_label(container)) return std::nullopt;
  std::string name = fill(name_template, container);
  if (!valid_dns_name(name)) return std::nullopt;  // the template's labels with this one: too long
  return name;
}

bool excluded(const std::vector<std::string>& patterns, std::string_view container) {
  const std::string name(container);
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0; });
}

PublishChoice choose_names(const std::vector<HostListing>& hosts, const PublishConfig& config) {
  PublishChoice choice;
  for (const HostListing& listing : hosts) {
    for (const ContainerRow& row : listing.rows) {
      if (row.state != "RUNNING" || (row.ipv4.empty() && row.ipv6.empty())) continue;
      if (excluded(config.exclude.value, row.name)) continue;
      const auto name = published_name(config.name.value, row.name);
      if (!name) {
        choice.skipped.push_back(fmt::format("{}: {}: not a DNS label ({})", listing.host, row.name,
                                             fill(config.name.value, row.name)));
        continue;
      }
      // mDNS names compare without case: Web.local and web.local are one name.
      const auto first = std::find_if(choice.names.begin(), choice.names.end(),
                                      [&](const PublishedName& n) { return lower(n.name) == lower(*name); });
      if (first != choice.names.end()) {
        choice.skipped.push_back(
            fmt::format("{}: {}: {}'s {} has {}", listing.host, row.name, first->host, first->container, *name));
        continue;
      }
      PublishedName published{*name, row.ipv4, listing.host, row.name};
      published.addresses.insert(published.addresses.end(), row.ipv6.begin(), row.ipv6.end());
      choice.names.push_back(std::move(published));
    }
  }
  return choice;
}

std::vector<std::string> publish_hosts(const Config& config, const std::vector<std::string>& given) {
  const std::vector<std::string>& wanted = !given.empty() ? given : config.publish.hosts.value;
  std::vector<std::string> hosts;
  for (const std::string& host : wanted) {
    if (!config.find_host(host)) {
      const auto known = config.host_names();
      throw UsageError(fmt::format("publish: no host '{}' in the config (its hosts: {})", host, fmt::join(known, ", ")),
                       "publish takes [hosts.*] names; add a [hosts.NAME] table for another host");
    }
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
  }
  if (hosts.empty()) hosts.push_back(config.default_host.value);
  return hosts;
}

std::string render_published(const std::vector<PublishedName>& names) {
  std::string text;
  for (const PublishedName& n : names) {
    const bool clean = clean_field(n.name) && clean_field(n.host) && clean_field(n.container) &&
                       std::all_of(n.addresses.begin(), n.addresses.end(), [](const std::string& a) {
                         return clean_field(a) && a.find(',') == std::string::npos;
                       });
    if (clean && !n.addresses.empty())
      text += fmt::format("{}\t{}\t{}\t{}\n", n.name, fmt::join(n.addresses, ","), n.host, n.container);
  }
  return text;
}

std::vector<PublishedName> parse_published(std::string_view text) {
  std::vector<PublishedName> names;
  for_each_line(text, [&](std::string_view line) {
    const auto fields = tab_fields(line);
    if (fields.size() != 4 || !std::all_of(fields.begin(), fields.end(), clean_field)) return;
    PublishedName n{std::string(fields[0]), {}, std::string(fields[2]), std::string(fields[3])};
    for (std::string_view rest = fields[1];;) {
      const auto comma = rest.find(',');
      if (!rest.substr(0, comma).empty()) n.addresses.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (!n.addresses.empty()) names.push_back(std::move(n));
  });
  return names;
}

}  // namespace lxhost
