#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "atomic_file.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/remote_run.hpp"
#include "core/discovery.hpp"
#include "core/lxc_output.hpp"
#include "core/mdns_misses.hpp"
#include "core/state_files.hpp"
#include "core/text_table.hpp"

namespace lxhost {
namespace {

std::string joined(const std::vector<std::string>& values) {
  if (values.empty()) return "-";
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ",") + value;
  return text;
}

// The rows of one host, or why it gave none (one line).
struct HostRows {
  std::string host;
  std::vector<ContainerRow> rows;
  std::string failure;
};

// `hosts` (several): a HOST column first. A LOCATION column (the LXD cluster member; "-" for an
// LXC host's container) when any row has one.
void print_table(const std::vector<HostRows>& hosts, const std::vector<std::string>& mdns, bool host_column) {
  const bool location_column = std::any_of(hosts.begin(), hosts.end(), [](const HostRows& host) {
    return std::any_of(host.rows.begin(), host.rows.end(), [](const ContainerRow& row) { return !row.location.empty(); });
  });
  std::vector<std::vector<std::string>> cells = {{"NAME", "STATE", "IPV4", "IPV6", "MDNS"}};
  if (location_column) cells.front().emplace_back("LOCATION");
  if (host_column) cells.front().insert(cells.front().begin(), "HOST");
  size_t i = 0;
  for (const HostRows& host : hosts)
    for (const ContainerRow& row : host.rows) {
      cells.push_back({row.name, row.state, joined(row.ipv4), joined(row.ipv6), mdns[i].empty() ? "-" : mdns[i]});
      if (location_column) cells.back().push_back(row.location.empty() ? "-" : row.location);
      if (host_column) cells.back().insert(cells.back().begin(), host.host);
      ++i;
    }
  fmt::print("{}", render_table(cells));
}

void print_json(const std::vector<HostRows>& hosts, const std::vector<std::string>& mdns) {
  nlohmann::json list = nlohmann::json::array();
  size_t i = 0;
  for (const HostRows& host : hosts)
    for (const ContainerRow& row : host.rows) {
      list.push_back({{"host", host.host},
                      {"name", row.name},
                      {"state", row.state},
                      {"ipv4", row.ipv4},
                      {"ipv6", row.ipv6},
                      {"mdns", mdns[i].empty() ? nlohmann::json(nullptr) : nlohmann::json(mdns[i])},
                      {"location", row.location.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.location)}});
      ++i;
    }
  fmt::print("{}\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The addresses remembered as having no name (mdns-misses.tsv), as the file holds them.
std::vector<MdnsMiss> read_misses(Context& ctx) {
  return parse_misses(read_cache_text(mdns_misses_file(ctx.paths().cache_dir)));
}

// A cache file, written only when its text changed; a failure is only a warning.
void write_cache_file(Context& ctx, const std::string& path, const std::string& before, const std::string& text) {
  if (text == before) return;
  try {
    write_file_atomically(path, text, 0600);
  } catch (const Error& e) {
    ctx.log().warn("{}", e.what());  // only a cache
  }
}

std::vector<std::string> addresses_of(const std::vector<ContainerRow>& rows) {
  std::vector<std::string> addresses;
  for (const ContainerRow& row : rows) {
    addresses.insert(addresses.end(), row.ipv4.begin(), row.ipv4.end());
    addresses.insert(addresses.end(), row.ipv6.begin(), row.ipv6.end());
  }
  return addresses;
}

// Reverse lookups of ADDRESSES: over once the first answers decide (or every name came, with
// `wait`); addresses that found no name a moment ago are not waited for.
ReverseRequest reverse_request(Context& ctx, std::vector<std::string> addresses, bool wait,
                               const std::vector<MdnsMiss>& misses, std::int64_t now) {
  ReverseRequest request;
  request.addresses = std::move(addresses);
  request.timeout = std::chrono::milliseconds(ctx.config().discovery.resolve_timeout_ms.value);
  request.wait = wait ? LookupWait::every_answer : LookupWait::first_answers;
  if (!wait)
    for (const std::string& address : remembered_misses(misses, now))
      if (std::find(request.addresses.begin(), request.addresses.end(), address) != request.addresses.end())
        request.remembered_misses.push_back(address);
  if (!request.remembered_misses.empty())
    ctx.log().debug("list: {} address(es) found no mDNS name in the last {} s: only the daemon's cache is asked for them",
                    request.remembered_misses.size(), kRememberMissesFor.count());
  return request;
}

// What one reverse() call asked and answered (names[i] for asked[i], "" for none), or how it failed.
struct Lookup {
  std::vector<std::string> asked;
  std::vector<std::string> names;
  std::exception_ptr failed;
};

Lookup look_up(Discovery& discovery, const ReverseRequest& request) {
  Lookup lookup{request.addresses, {}, nullptr};
  if (lookup.asked.empty()) return lookup;
  try {
    lookup.names = discovery.reverse(request);
  } catch (...) {
    lookup.failed = std::current_exception();
  }
  lookup.names.resize(lookup.asked.size());
  return lookup;
}

// The `.local` name that answers for each row's addresses, or "" per row. `early` asked, while
// the host listed its containers, for the addresses the last list showed; the addresses it did
// not ask are asked now. No mDNS daemon: no names, and one warning that says why (an empty
// column would otherwise read as "nobody announces these").
// A container whose name `lxhost publish` publishes has that name at once: its addresses are not asked.
std::vector<std::string> mdns_names(Context& ctx, Discovery& discovery, const std::vector<ContainerRow>& rows,
                                    Lookup early, bool wait, const std::vector<MdnsMiss>& misses, std::int64_t now) {
  std::vector<std::string> names(rows.size());
  const std::vector<PublishedName> published = published_now(ctx);
  const auto published_name_of = [&](const ContainerRow& row) -> const PublishedName* {
    const auto addresses = addresses_of({row});
    const auto it = std::find_if(published.begin(), published.end(), [&](const PublishedName& n) {
      return n.container == row.name && std::any_of(n.addresses.begin(), n.addresses.end(), [&](const std::string& a) {
               return std::find(addresses.begin(), addresses.end(), a) != addresses.end();
             });
    });
    return it == published.end() ? nullptr : &*it;
  };
  std::vector<std::string> rest;
  for (const ContainerRow& row : rows) {
    if (const PublishedName* n = published_name_of(row)) {
      names[static_cast<size_t>(&row - rows.data())] = n->name;
      continue;
    }
    for (const std::string& address : addresses_of({row}))
      if (std::find(early.asked.begin(), early.asked.end(), address) == early.asked.end()) rest.push_back(address);
  }
  if (!early.asked.empty())
    ctx.log().debug("list: {} address(es) of the last list asked while the host listed its containers, {} new",
                    early.asked.size(), rest.size());
  const ReverseRequest request = reverse_request(ctx, std::move(rest), wait, misses, now);
  Lookup late = early.failed ? Lookup{} : look_up(discovery, request);
  try {
    if (early.failed) std::rethrow_exception(early.failed);
    if (late.failed) std::rethrow_exception(late.failed);
  } catch (const MdnsUnavailable& e) {
    ctx.log().warn("list: no mDNS names: {}", e.what());
    return names;
  }
  early.asked.insert(early.asked.end(), late.asked.begin(), late.asked.end());
  early.names.insert(early.names.end(), late.names.begin(), late.names.end());
  write_cache_file(ctx, mdns_misses_file(ctx.paths().cache_dir), render_misses(misses),
                   render_misses(update_misses(misses, early.asked, early.names, now)));
  for (size_t i = 0; i < rows.size(); ++i)
    for (const std::string& address : addresses_of({rows[i]})) {
      const auto at = std::find(early.asked.begin(), early.asked.end(), address);
      if (at != early.asked.end() && names[i].empty()) names[i] = early.names[static_cast<size_t>(at - early.asked.begin())];
    }
  return names;
}

// The host's containers (lxc-ls -f, or LXD's instances), or why not in `failure` when
// `keep_going` (else it throws).
HostRows list_host(Context& ctx, bool keep_going) {
  HostRows listed{ctx.host().name, {}, {}};
  try {
    listed.rows = host_containers(ctx);
  } catch (const Error& e) {
    if (!keep_going) throw;
    listed.failure = e.what();
  }
  return listed;
}

}  // namespace

int run_list(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("list", args);
  if (!parsed) return 0;
  const bool json = parsed->has("--json");
  const bool mdns_wait = parsed->has("--mdns-wait") || ctx.config().discovery.list_mdns_wait.value;
  const auto& host_option = ctx.invocation().options.host;
  if (parsed->has("--all-hosts")) ctx.refuse_one_host("list");
  // -H (or $LXHOST_HOST) picks one host over list_all_hosts.
  const bool all_hosts = parsed->has("--all-hosts") || (ctx.config().list_all_hosts.value && !host_option);
  std::vector<Context> contexts;  // one per host with --all-hosts
  if (all_hosts) {
    contexts.reserve(ctx.config().hosts.size());
    for (const HostConfig& host : ctx.config().hosts) contexts.push_back(ctx.for_host(host));
  }

  Discovery& discovery = ctx.discovery();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::vector<MdnsMiss> misses = read_misses(ctx);
  std::vector<std::string> listed_files;
  std::vector<std::string> listed_before;
  std::vector<std::string> listed_addresses;
  for (const std::string& host : all_hosts ? ctx.config().host_names() : std::vector<std::string>{ctx.host().name}) {
    listed_files.push_back(listed_addresses_file(ctx.paths().cache_dir, host));
    listed_before.push_back(read_cache_text(listed_files.back()));
    const auto addresses = parse_listed_addresses(listed_before.back());
    listed_addresses.insert(listed_addresses.end(), addresses.begin(), addresses.end());
  }
  // While the hosts list their containers, the mDNS libraries load and the addresses the last
  // lists showed are looked up (--mdns-wait asks once it knows them all, the old way).
  const ReverseRequest early_request =
      reverse_request(ctx, mdns_wait ? std::vector<std::string>{} : std::move(listed_addresses), false, misses, now);
  Lookup early;
  std::vector<HostRows> hosts;
  {
    const std::jthread early_lookup([&discovery, &early_request, &early] {
      discovery.prepare();
      early = look_up(discovery, early_request);
    });
    if (all_hosts) {
      // Every host at once, each through its own master: as long as the slowest.
      std::vector<std::future<HostRows>> listings;
      listings.reserve(contexts.size());
      for (Context& host : contexts)
        listings.push_back(std::async(std::launch::async, [&host] { return list_host(host, true); }));
      for (auto& listing : listings) hosts.push_back(listing.get());
    } else {
      hosts.push_back(list_host(ctx, false));
    }
  }
  std::vector<ContainerRow> rows;
  for (const HostRows& host : hosts) rows.insert(rows.end(), host.rows.begin(), host.rows.end());
  const std::vector<std::string> mdns = mdns_names(ctx, discovery, rows, std::move(early), mdns_wait, misses, now);
  int status = 0;
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (!hosts[i].failure.empty()) {
      fmt::print(stderr, "lxhost: error: {}: {}\n", hosts[i].host, hosts[i].failure);
      status = 1;
      continue;  // what its last list showed is kept
    }
    write_cache_file(ctx, listed_files[i], listed_before[i], render_listed_addresses(addresses_of(hosts[i].rows)));
  }
  if (json) print_json(hosts, mdns);
  else print_table(hosts, mdns, all_hosts);
  return status;
}

}  // namespace lxhost
