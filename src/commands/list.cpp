#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/remote_run.hpp"
#include "core/discovery.hpp"
#include "core/lxc_output.hpp"
#include "core/text_table.hpp"

namespace lxhost {
namespace {

std::string joined(const std::vector<std::string>& values) {
  if (values.empty()) return "-";
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ",") + value;
  return text;
}

void print_table(const std::vector<ContainerRow>& rows, const std::vector<std::string>& mdns) {
  std::vector<std::vector<std::string>> cells = {{"NAME", "STATE", "IPV4", "IPV6", "MDNS"}};
  for (size_t i = 0; i < rows.size(); ++i) {
    const ContainerRow& row = rows[i];
    cells.push_back({row.name, row.state, joined(row.ipv4), joined(row.ipv6), mdns[i].empty() ? "-" : mdns[i]});
  }
  fmt::print("{}", render_table(cells));
}

void print_json(const std::vector<ContainerRow>& rows, const std::vector<std::string>& mdns, const std::string& host) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const ContainerRow& row = rows[i];
    list.push_back({{"host", host},
                    {"name", row.name},
                    {"state", row.state},
                    {"ipv4", row.ipv4},
                    {"ipv6", row.ipv6},
                    {"mdns", mdns[i].empty() ? nlohmann::json(nullptr) : nlohmann::json(mdns[i])}});
  }
  fmt::print("{}\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The `.local` name that answers for each container's addresses (mDNS reverse lookups, all in
// parallel, one bound), or "" per row. No mDNS daemon: no names, and one warning that says why
// (an empty column would otherwise read as "nobody announces these").
std::vector<std::string> mdns_names(Context& ctx, const std::vector<ContainerRow>& rows) {
  std::vector<std::string> names(rows.size());
  std::vector<std::string> addresses;
  for (const ContainerRow& row : rows) {
    addresses.insert(addresses.end(), row.ipv4.begin(), row.ipv4.end());
    addresses.insert(addresses.end(), row.ipv6.begin(), row.ipv6.end());
  }
  if (addresses.empty()) return names;
  std::vector<std::string> answers;
  try {
    answers = ctx.discovery().reverse(addresses, std::chrono::milliseconds(ctx.config().discovery.resolve_timeout_ms.value));
  } catch (const MdnsUnavailable& e) {
    ctx.log().warn("list: no mDNS names: {}", e.what());
    return names;
  }
  size_t next = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t count = rows[i].ipv4.size() + rows[i].ipv6.size();
    for (size_t k = next; k < next + count && k < answers.size(); ++k)
      if (names[i].empty()) names[i] = answers[k];
    next += count;
  }
  return names;
}

}  // namespace

int run_list(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("list", args);
  if (!parsed) return 0;
  const bool json = parsed->has("--json");

  const std::vector<std::string> argv = {"lxc-ls", "-f", "-F", std::string(lxc_ls_fields)};
  const std::string output = capture_remote(ctx, tool_line(argv, ctx.remote_context()), "lxc-ls");
  const std::vector<ContainerRow> rows = parse_lxc_ls_fancy(output);
  const std::vector<std::string> mdns = mdns_names(ctx, rows);
  if (json) print_json(rows, mdns, ctx.host().name);
  else print_table(rows, mdns);
  return 0;
}

}  // namespace lxhost
