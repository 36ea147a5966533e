// Which names `lxhost publish` publishes: from each watched host's listing, a name (the [publish]
// template, "{name}.local") for every running container that has an address, unless excluded, not
// a DNS name, or another watched host's container has it first. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/lxc_output.hpp"
#include "core/publish.hpp"

namespace lxhost {

// A DNS label a published name may hold (RFC 1123): 1 to 63 letters, digits and '-', neither first
// nor last. LXC allows names that are not ("my_db", "a.b", "-x"): those are not published.
bool valid_dns_label(std::string_view label);

// "{name}.local", "{name}.lab.local": {name} once, and with any DNS label in its place, a name of
// DNS labels that ends in ".local" (what the laptop's responder answers for).
bool valid_name_template(std::string_view name_template);

// The published name of `container` under the template; nullopt when the container's name is not
// a DNS label.
std::optional<std::string> published_name(std::string_view name_template, std::string_view container);

// Whether `container` matches one of `patterns` (fnmatch globs: "ci-*", "db?"; a plain name
// matches itself).
bool excluded(const std::vector<std::string>& patterns, std::string_view container);

// One watched host's containers, as its master last listed them.
struct HostListing {
  std::string host;  // the [hosts.*] name
  std::vector<ContainerRow> rows;
};

struct PublishChoice {
  std::vector<PublishedName> names;  // in host order, then container order
  // One line for each running container with an address that gets no name, and why:
  // "lab: my_db: not a DNS label (my_db.local)"; "other: web: lab's web has web.local".
  std::vector<std::string> skipped;
};

// The names to publish: for every RUNNING container with an address (IPv4 first, then IPv6, as
// listed), its name under `config.name`, unless `config.exclude` matches it. Hosts in the order
// given: a name taken by an earlier host's container is skipped for a later one.
PublishChoice choose_names(const std::vector<HostListing>& hosts, const PublishConfig& config);

// The hosts `publish` watches: `given` (-H, in order, each once) when any, else [publish] hosts,
// else the default host. Throws UsageError naming a host that is not a [hosts.*] table.
std::vector<std::string> publish_hosts(const Config& config, const std::vector<std::string>& given);

// published.tsv (state_files.hpp): NAME<TAB>ADDRESS,ADDRESS<TAB>HOST<TAB>CONTAINER, one line per
// name the responder has established; `list` shows these names for their addresses at once.
// A line that is not that (a field missing or empty, a tab or line break in one) is skipped.
std::string render_published(const std::vector<PublishedName>& names);
std::vector<PublishedName> parse_published(std::string_view text);

}  // namespace lxhost
