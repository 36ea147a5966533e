// `discover`: the DNS-SD services on the local network, merged, within bounded waits; the hosts
// seen are merged into the discovery cache (for `-H` completion).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "core/discovered_hosts.hpp"
#include "core/discovery.hpp"
#include "core/state_files.hpp"
#include "core/text_table.hpp"

namespace lxhost {
namespace {

std::string txt_text(const std::vector<ServiceInstance::Txt>& txt) {
  std::string text;
  for (const auto& entry : txt) {
    if (!text.empty()) text += ' ';
    text += entry.key;
    if (entry.has_value) text += "=" + entry.value;
  }
  return text;
}

void print_text(const std::vector<ServiceInstance>& found) {
  std::vector<std::vector<std::string>> rows = {{"NAME", "TYPE", "HOST:PORT", "ADDRESSES", "INTERFACE", "TXT"}};
  for (const ServiceInstance& s : found) {
    std::string addresses = "-";
    if (!s.resolved) addresses = "(not answering)";
    else if (!s.addresses.empty()) addresses = fmt::format("{}", fmt::join(s.addresses, ","));
    rows.push_back({s.name, s.type, s.host.empty() ? "-" : fmt::format("{}:{}", s.host, s.port), addresses,
                    s.interface.empty() ? "-" : s.interface, txt_text(s.txt)});
  }
  fmt::print("{}", render_table(rows));
}

void print_json(const std::vector<ServiceInstance>& found) {
  nlohmann::json list = nlohmann::json::array();
  for (const ServiceInstance& s : found) {
    nlohmann::json txt = nlohmann::json::object();
    for (const auto& entry : s.txt) {
      if (entry.has_value) txt[entry.key] = entry.value;
      else txt[entry.key] = true;  // a bare key is a boolean in DNS-SD
    }
    list.push_back({{"name", s.name},
                    {"type", s.type},
                    {"domain", s.domain},
                    {"host", s.host},
                    {"port", s.port},
                    {"addresses", s.addresses},
                    {"txt", txt},
                    {"interface", s.interface},
                    {"resolved", s.resolved}});
  }
  fmt::print("{}\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

// One entry per resolved instance and address: what -H completion offers later.
std::vector<DiscoveredHost> hosts_seen(const std::vector<ServiceInstance>& found) {
  std::vector<DiscoveredHost> seen;
  for (const ServiceInstance& s : found) {
    if (!s.resolved || s.host.empty()) continue;
    for (const std::string& address : s.addresses) seen.push_back({s.host, address, s.port, s.type, 0});
  }
  return seen;
}

// Merged with what earlier runs saw, so that a browse of one type forgets no host of another.
void remember(Context& ctx, const std::vector<ServiceInstance>& found) {
  const std::string path = discovered_hosts_file(ctx.paths().cache_dir);
  const std::string old = read_cache_text(path);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const std::string text = render_discovered(merge_discovered(parse_discovered(old), hosts_seen(found), now.count()));
  if (text == old) return;
  try {
    write_file_atomically(path, text, 0600);
  } catch (const Error& e) {
    ctx.log().warn("{}", e.what());  // only a cache
  }
}

}  // namespace

int run_discover(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("discover", args);
  if (!parsed) return 0;
  const bool json = parsed->has("--json");
  const bool ipv6 = parsed->has("-6");
  const int timeout_ms = parsed->integer("--timeout").value_or(0);
  const std::vector<std::string> types = parsed->values("--type");

  const Config& config = ctx.config();
  BrowseRequest request;
  request.types = types.empty() ? config.discovery.services.value : types;
  request.timeout = std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : config.discovery.browse_timeout_ms.value);
  request.resolve_timeout =
      std::min(request.timeout, std::chrono::milliseconds(config.discovery.resolve_timeout_ms.value));
  request.family = ipv6 ? IpFamily::both : IpFamily::v4;
  const std::vector<ServiceInstance> found = ctx.discovery().browse(request);

  remember(ctx, found);
  if (json) print_json(found);
  else if (!found.empty()) print_text(found);
  if (found.empty())
    throw Failure(fmt::format("discover: no {} service answered within {} ms ({})", fmt::join(request.types, ", "),
                              request.timeout.count(), ctx.discovery().backend()));
  return 0;
}

}  // namespace lxhost
