#include "core/lxd_output.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/errors.hpp"
#include "core/lxc_output.hpp"

namespace lxhost {

namespace {

using nlohmann::json;

// LXD's text in a one-line message: control characters as \xNN.
std::string one_line(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  return out;
}

[[noreturn]] void unexpected(std::string_view what) {
  throw Failure("unexpected answer from LXD: " + std::string(what));
}

// `object`'s `key`, or nullptr when it is absent or null (how Go writes a nil map or pointer).
const json* field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

const json* object_at(const json& object, const char* key) {
  const json* value = field(object, key);
  if (value != nullptr && !value->is_object()) unexpected(fmt::format("'{}' is not an object", key));
  return value;
}

std::string text_at(const json& object, const char* key) {
  const json* value = field(object, key);
  if (value == nullptr) return "";
  if (!value->is_string()) unexpected(fmt::format("'{}' is not a string", key));
  return value->get<std::string>();
}

// A count of LXD's; none for a negative one (LXD's -1: it could not read it).
std::optional<std::uint64_t> count_at(const json& object, const char* key) {
  const json* value = field(object, key);
  if (value == nullptr || (value->is_number_integer() && !value->is_number_unsigned())) return std::nullopt;
  if (!value->is_number_unsigned()) unexpected(fmt::format("'{}' is not a whole number", key));
  return value->get<std::uint64_t>();
}

// LXD's booleans in a config (shared.IsTrue).
bool is_true(std::string value) {
  for (char& c : value) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return value == "true" || value == "1" || value == "yes" || value == "on";
}

std::string upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

// What LXC calls running (lxc-ls --running, lxc-info's PID and IP lines): up, frozen or not.
bool is_running(const LxdInstance& instance) { return instance.state == "RUNNING" || instance.state == "FROZEN"; }

// The metadata of the sync response `body`; LXD's own error as a Failure with its text.
json metadata_of(std::string_view body) {
  json response = json::parse(body, nullptr, false);
  if (response.is_discarded()) unexpected("not JSON");
  if (!response.is_object() || !response.contains("type")) unexpected("not a response of LXD's REST API");
  const std::string type = text_at(response, "type");
  if (type == "error") {
    const std::string error = text_at(response, "error");
    if (error.empty()) throw Failure(fmt::format("LXD: error {}", count_at(response, "error_code").value_or(0)));
    throw Failure("LXD: " + one_line(error));
  }
  if (type != "sync") unexpected(fmt::format("a response of type '{}', not 'sync'", one_line(type)));
  const json* metadata = field(response, "metadata");
  if (metadata == nullptr) unexpected("no metadata");
  return *metadata;
}

// An InstanceFull of LXD's (shared/api/instance.go): its state only with the instance running.
LxdInstance instance_from(const json& item) {
  if (!item.is_object()) unexpected("an instance is not an object");
  LxdInstance instance;
  instance.name = text_at(item, "name");
  if (instance.name.empty()) unexpected("an instance without a name");
  instance.state = upper(text_at(item, "status"));
  if (instance.state.empty()) unexpected(fmt::format("no status for '{}'", one_line(instance.name)));
  instance.location = text_at(item, "location");
  const json* config = object_at(item, "expanded_config");  // with the profiles' keys
  if (config == nullptr) config = object_at(item, "config");
  if (config != nullptr) {
    instance.autostart = is_true(text_at(*config, "boot.autostart"));
    instance.unprivileged = !is_true(text_at(*config, "security.privileged"));
  }
  const json* state = object_at(item, "state");
  if (state == nullptr || !is_running(instance)) return instance;

  instance.pid = static_cast<std::int64_t>(count_at(*state, "pid").value_or(0));
  if (const json* memory = object_at(*state, "memory")) {
    instance.memory = count_at(*memory, "usage").value_or(0);
    instance.swap = count_at(*memory, "swap_usage").value_or(0);
  }
  if (const json* cpu = object_at(*state, "cpu")) instance.cpu_ns = count_at(*cpu, "usage");
  if (const json* network = object_at(*state, "network")) {
    for (const auto& [interface, nic] : network->items()) {  // by name: a JSON object's order here
      if (!nic.is_object()) unexpected(fmt::format("interface '{}' is not an object", one_line(interface)));
      instance.interfaces.push_back(interface);
      if (interface == "lo") continue;
      if (const json* addresses = field(nic, "addresses")) {
        if (!addresses->is_array()) unexpected("'addresses' is not a list");
        for (const json& address : *addresses) {
          if (!address.is_object()) unexpected("an address is not an object");
          const std::string family = text_at(address, "family");
          if (family == "inet") instance.ipv4.push_back(text_at(address, "address"));
          if (family == "inet6" && text_at(address, "scope") != "link") instance.ipv6.push_back(text_at(address, "address"));
        }
      }
      const std::string host_name = text_at(nic, "host_name");
      if (host_name.empty()) continue;
      LxdLink link{host_name};
      if (const json* counters = object_at(nic, "counters")) {
        link.sent = count_at(*counters, "bytes_sent").value_or(0);
        link.received = count_at(*counters, "bytes_received").value_or(0);
      }
      instance.links.push_back(std::move(link));
    }
  }
  std::sort(instance.interfaces.begin(), instance.interfaces.end());
  std::sort(instance.ipv4.begin(), instance.ipv4.end());
  std::sort(instance.ipv6.begin(), instance.ipv6.end());
  return instance;
}

bool kept(const LxdInstance& instance, LxdStates states) {
  switch (states) {
    case LxdStates::all: return true;
    case LxdStates::running:  // lxc-ls --running: frozen ones too
    case LxdStates::active: return is_running(instance);
    case LxdStates::stopped: return instance.state == "STOPPED";
    case LxdStates::frozen: return instance.state == "FROZEN";
  }
  return true;
}

std::string listed(const std::vector<std::string>& items) {
  return items.empty() ? "-" : fmt::format("{}", fmt::join(items, ", "));
}

// A cell of lxc-ls -f's table: lxc-ls measures a running container's PID, RAM, SWAP and
// interfaces, and prints "-" for a stopped one's.
std::string cell(const LxdInstance& instance, std::string_view field) {
  constexpr double mib = 1024.0 * 1024.0;
  const bool running = is_running(instance);
  if (field == "NAME") return instance.name;
  if (field == "STATE") return instance.state;
  if (field == "PID") return running && instance.pid > 0 ? std::to_string(instance.pid) : "-";
  if (field == "RAM") return running ? fmt::format("{:.2f}MB", static_cast<double>(instance.memory) / mib) : "-";
  // lxc-ls divides the swap in whole numbers: whole MiB.
  if (field == "SWAP") return running ? fmt::format("{:.2f}MB", static_cast<double>(instance.swap >> 20)) : "-";
  if (field == "AUTOSTART") return instance.autostart ? "1" : "0";
  if (field == "GROUPS") return "-";  // LXD has no groups
  if (field == "INTERFACE") return running ? listed(instance.interfaces) : "-";
  if (field == "IPV4") return listed(instance.ipv4);
  if (field == "IPV6") return listed(instance.ipv6);
  if (field == "UNPRIVILEGED") return instance.unprivileged ? "true" : "false";
  if (field == "LOCATION") return instance.location.empty() ? "-" : instance.location;
  throw UsageError("ls: -F: unknown column '" + std::string(field) + "'");
}

// lxc-info's size_humanize, to the digit: its rounding and its unsigned int arithmetic.
std::string humanized(std::uint64_t bytes) {
  constexpr unsigned kib = 1U << 10;
  constexpr unsigned mib = 1U << 20;
  constexpr unsigned gib = 1U << 30;
  if (bytes > gib) {
    return fmt::format("{}.{:02} GiB", static_cast<unsigned>(bytes >> 30),
                       static_cast<unsigned>(bytes & (gib - 1)) / 10737419U);
  }
  if (bytes > mib) {
    const auto x = static_cast<unsigned>(bytes + 5243);
    return fmt::format("{}.{:02} MiB", x >> 20, ((x & (mib - 1)) * 100) >> 20);
  }
  if (bytes > kib) {
    const auto x = static_cast<unsigned>(bytes + 5);
    return fmt::format("{}.{:02} KiB", x >> 10, ((x & (kib - 1)) * 100) >> 10);
  }
  return fmt::format("{} bytes", static_cast<unsigned>(bytes));
}

}  // namespace

std::vector<LxdInstance> parse_lxd_instances(std::string_view body) {
  const json metadata = metadata_of(body);
  if (!metadata.is_array()) unexpected("the metadata is not a list of instances");
  std::vector<LxdInstance> instances;
  instances.reserve(metadata.size());
  for (const json& item : metadata) instances.push_back(instance_from(item));
  return instances;
}

LxdInstance parse_lxd_instance(std::string_view body) { return instance_from(metadata_of(body)); }

std::vector<ContainerRow> lxd_container_rows(std::vector<LxdInstance> instances) {
  std::vector<ContainerRow> rows;
  rows.reserve(instances.size());
  for (LxdInstance& instance : instances)
    rows.push_back({std::move(instance.name), std::move(instance.state), std::move(instance.ipv4), std::move(instance.ipv6),
                    instance.location == "none" ? "" : std::move(instance.location)});
  return rows;
}

std::string render_lxd_ls(std::span<const LxdInstance> instances, const LxdList& list, std::size_t termwidth) {
  std::optional<std::regex> filter;
  if (list.filter) {
    try {
      filter.emplace(*list.filter, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      throw UsageError("ls: FILTER '" + one_line(*list.filter) + "' is not a regular expression");
    }
  }
  std::vector<const LxdInstance*> shown;
  for (const LxdInstance& instance : instances) {
    // lxc-ls's regexec: a match anywhere in the name.
    if (kept(instance, list.states) && (!filter || std::regex_search(instance.name, *filter))) shown.push_back(&instance);
  }
  std::sort(shown.begin(), shown.end(), [](const LxdInstance* a, const LxdInstance* b) { return a->name < b->name; });

  if (list.format == LxdList::Format::fancy) {
    if (shown.empty()) return "";  // lxc-ls prints no header either
    LsTable table{list.fields, {}};
    for (const LxdInstance* instance : shown) {
      std::vector<std::string> row;
      for (const std::string& field : list.fields) row.push_back(cell(*instance, field));
      table.rows.push_back(std::move(row));
    }
    return render_ls_table(table);
  }
  std::vector<std::string> names;
  names.reserve(shown.size());
  for (const LxdInstance* instance : shown) names.push_back(instance->name);
  if (list.format == LxdList::Format::columns) return render_ls_names(names, termwidth);
  std::string out;
  for (const std::string& name : names) out += name + '\n';
  return out;
}

std::string render_lxd_info(const LxdInstance& instance, const LxdInfo& info) {
  // lxc-info counts -S as five filters; a lone filter with -H prints its value bare.
  const int filters = (info.state ? 1 : 0) + (info.pid ? 1 : 0) + (info.ips ? 1 : 0) + (info.stats ? 5 : 0);
  const bool bare = !info.humanize && filters == 1;
  std::string out;
  const auto labelled = [&out](std::string_view label, std::string_view value) {
    out += fmt::format("{:<15} {}\n", label, value);
  };
  const auto line = [&](std::string_view label, std::string_view value) {
    if (bare) {
      out += fmt::format("{}\n", value);
    } else {
      labelled(label, value);
    }
  };
  const auto size = [&info](std::uint64_t bytes) { return info.humanize ? humanized(bytes) : std::to_string(bytes); };

  if (info.state && info.pid && info.ips && info.stats) line("Name:", instance.name);
  if (info.state) line("State:", instance.state);
  if (!is_running(instance)) return out;
  if (info.pid && instance.pid > 0) line("PID:", std::to_string(instance.pid));
  if (info.ips) {
    std::vector<std::string> addresses = instance.ipv4;  // one list, sorted as LXC sorts it
    addresses.insert(addresses.end(), instance.ipv6.begin(), instance.ipv6.end());
    std::sort(addresses.begin(), addresses.end());
    for (const std::string& address : addresses) line("IP:", address);
  }
  if (!info.stats) return out;
  if (instance.cpu_ns) {
    // lxc-info reads the nanoseconds as a float, and divides into a float.
    const auto seconds = static_cast<float>(static_cast<double>(static_cast<float>(*instance.cpu_ns)) / 1e9);
    labelled("CPU use:", info.humanize ? fmt::format("{:.2f} seconds", static_cast<double>(seconds))
                                       : std::to_string(*instance.cpu_ns));
  }
  labelled("Memory use:", size(instance.memory));
  for (const LxdLink& link : instance.links) {
    labelled("Link:", link.host_name);
    labelled(" TX bytes:", size(link.sent));
    labelled(" RX bytes:", size(link.received));
    labelled(" Total bytes:", size(link.sent + link.received));
  }
  return out;
}

std::vector<LxdSnapshotRow> parse_lxd_snapshots(std::string_view body) {
  const json metadata = metadata_of(body);
  if (!metadata.is_array()) unexpected("the metadata is not a list of snapshots");
  std::vector<LxdSnapshotRow> rows;
  rows.reserve(metadata.size());
  for (const json& item : metadata) {
    if (!item.is_object()) unexpected("a snapshot is not an object");
    std::string name = text_at(item, "name");
    name.erase(0, name.rfind('/') + 1);  // "web/snap0" as some of LXD's answers give it
    if (name.empty()) unexpected("a snapshot without a name");
    rows.push_back({std::move(name), text_at(item, "created_at")});
  }
  return rows;
}

std::string render_lxd_snapshots(std::span<const LxdSnapshotRow> snapshots) {
  if (snapshots.empty()) return "No snapshots\n";
  static const std::regex rfc3339(R"(^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d))");
  std::string out;
  for (const LxdSnapshotRow& row : snapshots) {
    std::smatch parts;
    const std::string when = std::regex_search(row.created_at, parts, rfc3339)
                                 ? fmt::format("{}:{}:{} {}", parts[1].str(), parts[2].str(), parts[3].str(), parts[4].str())
                                 : one_line(row.created_at);
    out += fmt::format("{} (LXD) {}\n", one_line(row.name), when);
  }
  return out;
}

std::string next_snapshot_name(std::span<const LxdSnapshotRow> snapshots) {
  for (std::size_t n = 0;; ++n) {
    std::string name = fmt::format("snap{}", n);
    if (std::none_of(snapshots.begin(), snapshots.end(), [&](const LxdSnapshotRow& row) { return row.name == name; }))
      return name;
  }
}

}  // namespace lxhost
